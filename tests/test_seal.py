"""Sealed periods: every kind of change to a sealed period is reported on load, naming the seal
and the entry; layout changes and the open period are not."""

import re

import pytest
import small_ledger
from chinese_only import english
from click.testing import CliRunner

from fundtrail import loading, seals
from fundtrail.cli import main

SEALED = "2024-06-30"
IMPORTED = "transactions/imported.beancount"


def seal(ledger, through=SEALED):
    result = CliRunner().invoke(main, ["seal", str(ledger), "--through", through])
    assert result.exit_code == 0, result.output
    return result


def seal_errors(ledger):
    entries, errors, _ = loading.load(str(ledger))
    return [e for e in errors if isinstance(e, seals.SealError)]


def edit(root, name, old, new, count=1):
    path = root / name
    text = path.read_text("utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture
def sealed(tmp_path):
    ledger = small_ledger.make(tmp_path)
    seal(ledger)
    return tmp_path, ledger


def test_sealing_writes_the_directive_and_sidecar_and_loads_clean(sealed):
    root, ledger = sealed
    directive = (root / "seals.beancount").read_text("utf-8")
    match = re.search(r'custom "seal" 2024-06-30 "([0-9a-f]{64})" ""', directive)
    assert match
    sidecar = (root / "seals" / "2024-06-30.tsv").read_text("utf-8")
    assert "^ICBC-2345-0001" in sidecar and "^ICBC-2345-0002" not in sidecar  # August is open
    assert "registers/households.csv" in sidecar
    assert seals.seal_hash(seals.read_seals(loading.load(str(ledger))[0])[0].through, "",
                           sidecar) == match.group(1)
    assert seal_errors(ledger) == []


@pytest.mark.parametrize("old, new", [
    ("30000.00 CNY", "30001.00 CNY"),                        # amount
    ("2024-03-05 *", "2024-03-06 *"),                        # date
    ("Expenses:Project:QH2024-001       30000.00", "Expenses:Project:QH2024-002       30000.00"),
    ('"禾丰合作社"', '"禾丰农业合作社"'),                          # payee
    ('stage: "预付款"', 'stage: "进度款"'),                       # posting metadata
], ids=["amount", "date", "account", "payee", "metadata"])
def test_a_changed_sealed_entry_is_named(sealed, old, new):
    root, ledger = sealed
    edit(root, IMPORTED, old, new)
    errors = seal_errors(ledger)
    assert [(e.seal, e.change, e.key) for e in errors] == [(SEALED, "changed", "^ICBC-2345-0001")]
    assert errors[0].source["filename"].endswith(IMPORTED)
    assert "封账 2024-06-30（哈希 " in errors[0].message and "：已封账分录被修改：" in errors[0].message
    assert "^ICBC-2345-0001" in errors[0].message and english(errors[0].message) == []


def test_a_changed_date_is_shown(sealed):
    root, ledger = sealed
    edit(root, IMPORTED, "2024-03-05 *", "2024-03-06 *")
    assert "（日期由 2024-03-05 改为 2024-03-06）" in seal_errors(ledger)[0].message


def test_a_deleted_entry_is_named_on_the_seal(sealed):
    root, ledger = sealed
    text = (root / IMPORTED).read_text("utf-8")
    start = text.index('2024-05-10 * "王五"')
    (root / IMPORTED).write_text(text[:start] + text[text.index("2024-07-01 balance"):], "utf-8")
    errors = seal_errors(ledger)
    assert [(e.seal, e.change, e.key) for e in errors] == [(SEALED, "deleted", "^YKT-QH2024B1-001")]
    assert errors[0].source["filename"].endswith("seals.beancount")


def test_an_inserted_entry_is_named(sealed):
    root, ledger = sealed
    with (root / "transactions/manual.beancount").open("a", encoding="utf-8") as handle:
        handle.write('\n2024-04-01 * "某公司" "补记" ^VOU-LATE\n'
                     "  Expenses:Project:QH2024-002  10.00 CNY\n  Assets:Bank:ICBC-2345\n"
                     "\n2024-07-02 * \"某公司\" \"冲销\" ^VOU-LATE-REV\n"
                     "  Expenses:Project:QH2024-002  -10.00 CNY\n  Assets:Bank:ICBC-2345\n")
    errors = seal_errors(ledger)
    assert [(e.seal, e.change, e.key) for e in errors] == [(SEALED, "inserted", "^VOU-LATE")]
    assert errors[0].source["filename"].endswith("manual.beancount")


def test_layout_changes_and_the_open_period_keep_the_seal(sealed):
    root, ledger = sealed
    text = (root / IMPORTED).read_text("utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    reordered = "\n\n".join(reversed(blocks))
    assert reordered.count("; 注释") == 0 and reordered.index("2024-08-15") < reordered.index("2024-02-01")
    before = reordered
    reordered = reordered.replace('  source: "', '  ; 注释 a comment\n  source:   "')
    reordered = reordered.replace("Expenses:Project:QH2024-001       30000.00 CNY\n    fund: \"C2024-001\"\n"
                                  "    stage: \"预付款\"",
                                  "Expenses:Project:QH2024-001  30000.00   CNY\n    stage: \"预付款\"\n"
                                  "    fund: \"C2024-001\"")
    assert reordered != before and "; 注释" in reordered
    (root / IMPORTED).write_text(reordered, "utf-8")
    edit(root, IMPORTED, "  Assets:Bank:ICBC-2345            100000.00 CNY\n  Income:Fund:Central:C2024-001",
         "  Income:Fund:Central:C2024-001   -100000.00 CNY\n  Assets:Bank:ICBC-2345")
    # an entry moved to another file, and the open period edited freely
    master = (root / "masterdata/projects.beancount").read_text("utf-8")
    moved = master[master.index("2024-01-01 open Expenses:Project:QH2024-002"):]
    (root / "masterdata/projects.beancount").write_text(master.replace(moved, ""), "utf-8")
    (root / "transactions/manual.beancount").write_text(moved, "utf-8")
    edit(root, IMPORTED, "5000.00 CNY", "5500.00 CNY")
    edit(root, "registers/households.csv", "13800000002\n", "13800000002\nH003,孙七,370405,张山镇,前村,2,,,,,\n")
    assert seal_errors(ledger) == []


def test_a_register_edit_is_named(sealed):
    root, ledger = sealed
    edit(root, "registers/households.csv", "6231000000000001", "6231999999999999")
    errors = seal_errors(ledger)
    assert [(e.seal, e.change, e.key) for e in errors] == [(SEALED, "register", "registers/households.csv:H001")]
    assert "登记册已封账行被修改：registers/households.csv 中 H001 一行" in errors[0].message
    assert english(errors[0].message) == []


def test_the_chain_links_seals_and_catches_an_altered_record(sealed):
    root, ledger = sealed
    seal(ledger, "2024-09-30")
    chain = seals.read_seals(loading.load(str(ledger))[0])
    assert [s.through.isoformat() for s in chain] == [SEALED, "2024-09-30"]
    assert chain[1].previous == chain[0].hash
    assert seal_errors(ledger) == []
    edit(root, "seals.beancount", chain[0].hash, "0" * 64, count=2)
    errors = seal_errors(ledger)
    assert {(e.seal, e.change) for e in errors} == {(SEALED, "record"), ("2024-09-30", "record")}


def test_a_removed_seal_is_reported(sealed):
    root, ledger = sealed
    text = (root / "seals.beancount").read_text("utf-8")
    (root / "seals.beancount").write_text(text[:text.index("\n20")] + "\n", "utf-8")
    assert [(e.seal, e.change) for e in seal_errors(ledger)] == [(SEALED, "missing")]


def test_an_edit_in_the_second_period_names_the_second_seal(sealed):
    root, ledger = sealed
    seal(ledger, "2024-09-30")
    edit(root, IMPORTED, "5000.00 CNY", "5500.00 CNY")
    assert [(e.seal, e.change, e.key) for e in seal_errors(ledger)] == [
        ("2024-09-30", "changed", "^ICBC-2345-0002")]


def test_seal_refuses_an_earlier_day_and_a_broken_ledger(sealed):
    root, ledger = sealed
    result = CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-03-31"])
    assert result.exit_code != 0 and "已封账至 2024-06-30" in result.output
    edit(root, IMPORTED, "30000.00 CNY", "30001.00 CNY")
    result = CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-09-30"])
    assert result.exit_code != 0 and "不能封账" in result.output
    assert not (root / "seals" / "2024-09-30.tsv").exists()


def test_the_plugin_remembers_verified_periods_but_sees_any_later_edit(sealed):
    root, ledger = sealed
    assert seal_errors(ledger) == []  # verified and remembered
    assert (root / ".fundtrail-seals.cache").is_file()
    assert seal_errors(ledger) == []  # remembered: no digests recomputed
    edit(root, IMPORTED, "30000.00 CNY", "30001.00 CNY")
    assert [(e.change, e.key) for e in seal_errors(ledger)] == [("changed", "^ICBC-2345-0001")]


def test_verify_recomputes_what_the_plugin_remembers(sealed):
    """The memory is local and trusted like beancount's pickle cache; `fundtrail verify` is not
    fooled by a forged one."""
    from fundtrail.sealcache import VerifiedPeriods

    root, ledger = sealed
    edit(root, IMPORTED, "30000.00 CNY", "30001.00 CNY")
    entries, _, options = loading.load(str(ledger))
    (seal_,) = seals.read_seals(entries)
    forged = VerifiedPeriods(root, ledger)
    forged.remember(seal_.hash, forged.check(seal_.hash, seals.periods(entries, [seal_.through])[0])[1])
    forged.save({seal_.hash})
    (root / ".fundtrail-books.cache").unlink(missing_ok=True)  # else the books as loaded above
    assert seal_errors(ledger) == []
    result = CliRunner().invoke(main, ["verify", str(ledger)])
    assert result.exit_code == 1 and "^ICBC-2345-0001" in result.output


def test_a_malformed_seal_directive_is_an_error_not_a_crash(sealed):
    root, ledger = sealed
    with (root / "seals.beancount").open("a", encoding="utf-8") as handle:
        handle.write('\n2024-12-01 custom "seal" "2024-09-30" 42\n')
    assert [e.change for e in seal_errors(ledger)] == ["record"]


def test_an_import_in_the_open_period_is_sliced_once_then_remembered(sealed, monkeypatch):
    import fundtrail.sealcache as sealcache

    root, ledger = sealed
    sliced, part = [], sealcache._part
    monkeypatch.setattr(sealcache, "_part", lambda text, items, *rest: sliced.append(len(items)) or part(text, items, *rest))
    assert seal_errors(ledger) == [] and sliced == []  # primed by `fundtrail seal`
    with (root / IMPORTED).open("a", encoding="utf-8") as handle:
        handle.write('\n2024-09-01 * "某公司" "新导入" ^ICBC-2345-0003\n'
                     "  Expenses:Project:QH2024-002  10.00 CNY\n  Assets:Bank:ICBC-2345\n")
    assert seal_errors(ledger) == [] and sliced == [3]  # the file changed: its 3 sealed entries re-read
    assert seal_errors(ledger) == [] and sliced == [3]  # remembered


def test_fava_errors_page_names_the_changed_entry_and_the_seal_in_chinese(sealed, tmp_path, monkeypatch):
    """The seal errors as Fava's 错误 page shows them: Chinese only, the seal (day and hash), the
    entry (day and link), at the line of the entry or of the seal directive."""
    from fundtrail.web.serve import create_app

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root, ledger = sealed
    hash_ = seals.read_seals(loading.load(str(ledger))[0])[-1].hash
    edit(root, IMPORTED, "30000.00 CNY", "30001.00 CNY")
    text = (root / IMPORTED).read_text("utf-8")
    start = text.index('2024-05-10 * "王五"')
    (root / IMPORTED).write_text(text[:start] + text[text.index("2024-07-01 balance"):], "utf-8")
    line = next(n for n, t in enumerate((root / IMPORTED).read_text("utf-8").splitlines(), 1)
                if "^ICBC-2345-0001" in t)
    seal_line = next(n for n, t in enumerate((root / "seals.beancount").read_text("utf-8").splitlines(), 1)
                     if 'custom "seal"' in t)
    client = create_app(str(ledger)).test_client()
    slug = client.get("/").headers["Location"].strip("/").split("/")[0]
    errors = client.get(f"/{slug}/api/errors").get_json()["data"]
    balance = [e["message"] for e in errors if e["type"] == "BalanceError"]  # beancount's own, of the deletion
    assert balance == ["余额断言不符：科目 Assets:Bank:ICBC-2345 在 2024-07-01（当日交易之前）应为 69000.00 CNY，"
                       "账面累计为 69999.00 CNY，账面多 999.00 CNY；请核对该日以前的分录与银行对账单或余额表"]
    shown = [e for e in errors if e["type"] != "BalanceError"]
    label = f"封账 {SEALED}（哈希 {hash_[:12]}）："
    assert sorted((e["source"]["filename"].removeprefix(str(root) + "/"), e["source"]["lineno"],
                   e["message"]) for e in shown) == [
        ("seals.beancount", seal_line, label + "已封账分录被删除：2024-05-10 ^YKT-QH2024B1-001"),
        (IMPORTED, line, label + "已封账分录被修改：2024-03-05 ^ICBC-2345-0001"),
    ]
    assert [e["message"] for e in shown if english(e["message"])] == []
