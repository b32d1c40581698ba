"""`fundtrail verify --rederive`: each filed document re-imported and compared with the ledger.
On a fresh demo nothing differs; each kind of hand edit of the ledger text is reported as exactly
that edit (its document, its row and its field) and nothing else."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner

from fundtrail import history, loading
from fundtrail.cli import main
from fundtrail.importers.rederive import WHOLE_ROW, rederive
from tests.conftest import copy_workspace

IMPORTED = "transactions/imported.beancount"
ROSTER = "documents/Assets/Clearing/YKT/2024-06-20.yikatong-QH2024Q2-01.xlsx"
STATEMENT = "documents/Assets/Bank/ICBC-2345/2024-06-30.icbc-2345-2024Q2.csv"
VOUCHERS = "documents/Assets/Treasury/PBC-0001/2024-06-30.vouchers-2024Q2.xml"


def _found(root):
    entries, _, _ = loading.load(root / "main.beancount", trust_caches=False)
    return rederive(entries, root)


def _blocks(text: str) -> list[str]:
    """The entries of imported.beancount, each from its date line up to the next blank line."""
    return re.split(r"(?<=\n)(?=\n)", text)


def _edit(root, source: str, row: int | str, change) -> str:
    """Apply `change(block) -> new block` to the ledger entry naming `source` and row (a number)
    or voucher (a string); returns the block as it was."""
    path = root / IMPORTED
    text = path.read_text("utf-8")
    where = f"  row: {row}\n" if isinstance(row, int) else f'  voucher: "{row}"\n'
    blocks = _blocks(text)
    hits = [n for n, b in enumerate(blocks) if f'source: "{source}"' in b and where in b
            and "-OPEN" not in b]
    assert len(hits) == 1, (source, row, len(hits))
    old = blocks[hits[0]]
    new = change(old)
    assert new != old
    blocks[hits[0]] = new
    path.write_text("".join(blocks), "utf-8")
    return old


def _replace(pattern: str, make):
    """A change that replaces every match of `pattern` (its group 1) by `make(group 1)`."""
    def change(block: str) -> str:
        values = set(re.findall(pattern, block))
        assert len(values) == 1, (pattern, values, block)
        value = values.pop()
        return block.replace(value, make(value))
    return change


def _other_digit(text: str) -> str:
    """`text` with its last digit changed."""
    return text[:-1] + str((int(text[-1]) + 1) % 10)


@pytest.fixture(scope="module")
def fresh(demo, tmp_path_factory):
    root = tmp_path_factory.mktemp("rederive") / "demo"
    copy_workspace(demo[0], root)
    return root


def test_a_fresh_demo_has_no_difference(fresh):
    found = _found(fresh)
    assert found.differences == [] and found.exceptions == []
    named = {e.meta["source"] for e in loading.load(fresh / "main.beancount")[0]
             if str(e.meta.get("source", "")).startswith("documents/")}
    assert found.documents == len(named) > 30  # every document the entries name was re-read
    assert found.entries > 800


EDITS = {  # kind of edit -> (document, row, change of the entry's text, the field reported)
    "amount": (STATEMENT, 6, _replace(r"(\d+)\.00 CNY", lambda v: str(int(v) + 9)), "金额"),
    "card": (ROSTER, 3, _replace(r'card: "(\d+)"', _other_digit), "卡号"),
    "payee": (STATEMENT, 6, lambda b: b.replace('* "青禾水务工程有限公司"', '* "青禾水务工程有限责任公司"'),
              "收付款人"),
    "date": (ROSTER, 4, lambda b: b.replace("2024-06-20 *", "2024-06-21 *", 1), "日期"),
    "village": (ROSTER, 5, _replace(r'village: "(\d+)"', lambda v: v[:-3] + "201"), "行政村"),
    "project": (STATEMENT, 9, lambda b: b.replace("Expenses:Project:QH2024-011",
                                                  "Expenses:Project:QH2024-005"), "项目"),
    "fund": (STATEMENT, 10, lambda b: b.replace('fund: "C2024-048"', 'fund: "C2024-056"'), "资金指标"),
    "ID": (ROSTER, 6, _replace(r'id_no: "(\d{17}[\dX])"', lambda v: v[:14] + "0000"), "身份证号"),
    "voucher payee account": (VOUCHERS, "20245201000003",
                              _replace(r'payee_account: "(\d+)"', _other_digit), "对方账号"),
}


@pytest.mark.parametrize("kind", EDITS)
def test_each_edit_is_reported_exactly(fresh, tmp_path, kind):
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    source, row, change, label = EDITS[kind]
    _edit(root, source, row, change)
    found = _found(root)
    got = {(d.source, d.row, d.field.split(" (")[0]) for d in found.differences}
    assert got == {(source, row, label)}, [d.line() for d in found.differences]
    (diff,) = found.differences
    assert diff.before != diff.after and diff.ledger_at.startswith(IMPORTED + ":")


def test_the_amount_edit_names_both_values(fresh, tmp_path):
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    old = _edit(root, STATEMENT, 6, _replace(r"(\d+)\.00 CNY", lambda v: str(int(v) + 9)))
    amount = int(re.search(r"(\d+)\.00 CNY", old).group(1))
    (diff,) = _found(root).differences
    assert (diff.before, diff.after) == (f"{amount:,}.00", f"{amount + 9:,}.00")
    assert diff.line().startswith(f"{STATEMENT} 第6行 金额: ")


def test_a_deleted_row_is_missing_from_the_ledger(fresh, tmp_path):
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    old = _edit(root, ROSTER, 7, lambda b: "\n" if b.startswith("\n") else "")
    (diff,) = _found(root).differences
    assert (diff.source, diff.row, diff.field) == (ROSTER, 7, WHOLE_ROW)
    assert "缺少" in diff.after and re.search(r'\* "([^"]+)"', old).group(1) in diff.before


def test_a_row_added_without_a_source_row(fresh, tmp_path):
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    block = [b for b in _blocks((root / IMPORTED).read_text("utf-8"))
             if f'source: "{ROSTER}"' in b and "  row: 8\n" in b][0]
    added = block.replace("  row: 8\n", "  row: 400\n").replace("-008", "-399")
    with (root / IMPORTED).open("a", encoding="utf-8") as out:
        out.write(added)
    (diff,) = _found(root).differences
    assert (diff.source, diff.row, diff.field) == (ROSTER, 400, WHOLE_ROW)
    assert "原始凭证中无此行" in diff.before


def test_an_imported_entry_that_names_no_document(fresh, tmp_path):
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    with (root / IMPORTED).open("a", encoding="utf-8") as out:
        out.write('\n2024-06-21 * "孙某" "到户产业奖补"\n  Expenses:Project:QH2024-S01  900.00 CNY\n'
                  "  Assets:Clearing:YKT  -900.00 CNY\n")
    (diff,) = _found(root).differences
    assert (diff.source, diff.row, diff.field) == (IMPORTED, None, WHOLE_ROW)
    assert "孙某" in diff.after


def test_a_documented_reclassification_is_an_exception_not_a_difference(fresh, tmp_path):
    """A suspense payment reclassified in place is a difference until a correction entry links
    to it; then it is listed as a documented exception."""
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    text = (root / IMPORTED).read_text("utf-8")
    block = next(b for b in _blocks(text) if "Expenses:Suspense" in b)
    source = re.search(r'source: "([^"]+)"', block).group(1)
    row = int(re.search(r"  row: (\d+)", block).group(1))
    link = re.search(r" \^(\S+)", block).group(1)
    (root / IMPORTED).write_text(text.replace(block, block.replace(
        "Expenses:Suspense", "Expenses:Project:QH2024-005")), "utf-8")
    (diff,) = _found(root).differences
    assert (diff.source, diff.row, diff.field) == (source, row, "科目")
    with (root / "transactions/manual.beancount").open("a", encoding="utf-8") as out:
        out.write(f'\n2024-12-20 * "" "重分类 未分类付款 经审批归入项目" ^{link} ^CORR-2024-099\n'
                  '  correction: "reclassification"\n'
                  "  Expenses:Project:QH2024-005  0.00 CNY\n  Expenses:Suspense  0.00 CNY\n")
    found = _found(root)
    assert found.differences == []
    (exception,) = found.exceptions
    assert (exception.source, exception.row, exception.field) == (source, row, "科目")
    assert exception.documented_by.startswith("transactions/manual.beancount:")


def test_verify_rederive_command(fresh, tmp_path):
    runner = CliRunner()
    clean = runner.invoke(main, ["verify", str(fresh / "main.beancount"), "--rederive"])
    assert clean.exit_code == 0, clean.output
    assert "重新导入比对：核验 " in clean.output and "完好 INTACT" in clean.output
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    _edit(root, ROSTER, 3, _replace(r'card: "(\d+)"', _other_digit))
    broken = runner.invoke(main, ["verify", str(root / "main.beancount"), "--rederive"])
    assert broken.exit_code == 1
    assert f"✗ {ROSTER} 第3行 卡号 (Expenses:Project:QH2024-S01): " in broken.output
    assert "Traceback" not in broken.output


def test_a_missing_or_unreadable_document_is_a_difference(fresh, tmp_path):
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    (root / STATEMENT).unlink()
    (root / ROSTER).write_bytes(b"PK\x03\x04 truncated")
    found = _found(root)
    got = {(d.source, d.field) for d in found.differences}
    assert got == {(STATEMENT, "原始凭证"), (ROSTER, "原始凭证")}


def test_rows_are_classified_by_the_rules_as_at_import(fresh, tmp_path):
    """A rule changed after the import (committed or not) changes nothing already imported: the
    re-derivation classifies each document by classify.toml as in the commit that filed it."""
    root = tmp_path / "demo"
    copy_workspace(fresh, root)
    history.init(root, "demo")  # as `fundtrail demo` does: the documents filed in the first commit
    rules = root / "classify.toml"
    text = rules.read_text("utf-8")
    assert 'name = "银行结息"' in text
    rules.write_text(text.replace('account = "Income:Other"', 'account = "Income:Suspense"', 1), "utf-8")
    assert _found(root).differences == []
    (root / ".git").rename(root / "git-moved")  # no history: today's rules, so the interest rows differ
    found = _found(root)
    assert found.differences and {d.field for d in found.differences} == {"科目"}
    assert {d.before for d in found.differences} == {"Income:Suspense"}


def test_the_rules_as_at_import_are_found_for_a_document_with_a_chinese_name(tmp_path):
    """git log quoted non-ASCII paths ("documents/\\347\\224\\262.csv"): a document with a
    Chinese name was compared under today's classify.toml instead of the one it was filed with."""
    import subprocess

    from fundtrail.importers.rederive import _rules_at_import

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t",
                        *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents/农行流水.csv").write_text("x", "utf-8")
    (tmp_path / "classify.toml").write_text("# v1\n", "utf-8")
    git("add", "-A")
    git("commit", "-qm", "import")
    (tmp_path / "classify.toml").write_text("# v2\n", "utf-8")
    assert _rules_at_import(tmp_path, ["documents/农行流水.csv"]) == {"documents/农行流水.csv": "# v1\n"}


def test_overlapping_statements_rederive_to_the_books_they_made(tmp_path):
    """The second statement repeats two days of the first: the import took only its new rows,
    and so does the re-derivation (no row reported missing from the ledger)."""
    from fundtrail import workspace as ws
    from fundtrail.importers.pipeline import run_import
    from tests.test_import_overlap import START, write

    rows, balance = [], Decimal(0)
    for day, amount in enumerate(("500.00", "-120.50", "80.00", "-40.25")):
        balance += Decimal(amount)
        rows.append((START + datetime.timedelta(days=day), f"{day:02d}{day:06d}", "甲公司",
                     Decimal(amount), balance))
    main = ws.create(tmp_path / "ws")
    write(tmp_path / "a.csv", rows, 0, 2)
    write(tmp_path / "b.csv", rows, 1, 3)
    run_import(main, [tmp_path / "a.csv"])
    run_import(main, [tmp_path / "b.csv"])
    entries, _errors, _ = loading.load(str(main))
    result = rederive(entries, main.parent)
    assert result.documents == 2 and result.differences == [], result.differences
