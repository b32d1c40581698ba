"""Finding ids name the anomaly, not where it sits: equal on every load and after unrelated edits."""

import shutil

from beancount import loader

from fundtrail.plugins.checks import all_findings

UNRELATED = """
2025-03-04 * "青禾区财政局" "手续费重分类"
  Expenses:Other   10.00 CNY
  Income:Other    -10.00 CNY
"""


def ids(main):
    entries, _, options = loader.load_file(str(main))
    return {(f.rule, f.id) for f in all_findings(entries, options)}


def test_ids_survive_reloads_inserted_entries_and_reordered_files(demo, tmp_path):
    root, _ = demo
    copy = tmp_path / "ws"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("*.picklecache"))  # its cache names the demo's files
    before = ids(copy / "main.beancount")
    assert before == ids(copy / "main.beancount")

    imported = copy / "transactions" / "imported.beancount"
    head, rest = imported.read_text("utf-8").split("\n", 1)
    imported.write_text(f"{head}\n{UNRELATED}\n{rest}", "utf-8")  # every line below moves down
    main = copy / "main.beancount"
    lines = main.read_text("utf-8").splitlines()
    includes = [line for line in lines if line.startswith("include ")]
    others = [line for line in lines if not line.startswith("include ")]
    main.write_text("\n".join(others + includes[::-1]) + "\n", "utf-8")

    after = ids(main)
    assert len(before) >= 18
    assert after == before
