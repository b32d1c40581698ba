"""No traceback reaches a user: generated bad input, thrown at every importer (through
`fundtrail import --dry-run`, then the real import, then `gate` and `layout suggest`) and at the
commands that read a ledger (check, report, export, verify), gets a clear error: exit status 1 or
2 with a Chinese message naming the file, no traceback, and the workspace unchanged, byte for byte.

The inputs: an empty file; a valid header line of each kind of file (each bank layout, the roster,
each register, the payment request list) with no rows, with random bytes after it, with a huge
cell, or in an encoding the importers do not read (UTF-16 without its mark, Shift-JIS, Big5); the
sample files cut at a random byte; random bytes named like each kind. A ledger: empty, random bytes,
cut at a random byte, in a foreign encoding, a huge line, options only.
Bounded (few examples, no shrinking past a few steps) to run in well under 90 seconds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, snapshot
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fundtrail import workspace as ws
from fundtrail.cli import main
from fundtrail.importers import headers, layout

HAN = re.compile(r"[\u4e00-\u9fff]")
SETTINGS = dict(max_examples=12, deadline=None, derandomize=True,
                phases=(Phase.explicit, Phase.generate),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _header_lines() -> list[tuple[str, str]]:
    """(file name, header line) of every kind of file an importer reads."""
    kinds = [(f"{lay.key}{'.csv' if '.csv' in lay.suffixes else '.txt'}", ",".join(lay.columns.values()))
             for lay in layout.load_all(None) if set(lay.suffixes) & {".csv", ".txt"}]
    for name, spec in (("roster.csv", headers.ROSTER), ("funds.csv", headers.FUND_LIST),
                       ("projects.csv", headers.PROJECT_LIBRARY), ("assets.csv", headers.ASSET_REGISTER),
                       ("divisions.csv", headers.DIVISION_LIST), ("items.csv", headers.SUBSIDY_ITEMS),
                       ("households.csv", headers.HOUSEHOLDS), ("officials.csv", headers.OFFICIALS),
                       ("requests.csv", headers.PAYMENT_REQUESTS), ("income.csv", headers.INCOME_RECORDS),
                       ("distributions.csv", headers.DISTRIBUTIONS), ("loans.csv", headers.LOANS),
                       ("wages.csv", headers.WAGE_ROLL), ("purchases.csv", headers.PURCHASES),
                       ("rents.csv", headers.LAND_RENT), ("leases.csv", headers.LEASES),
                       ("receipts.csv", headers.LEASE_RECEIPTS), ("medical.csv", headers.MEDICAL_SCREENING),
                       ("education.csv", headers.EDUCATION_SCREENING),
                       ("disaster.csv", headers.DISASTER_SCREENING)):
        kinds.append((name, ",".join(f.names[0] for f in spec.fields)))
    return kinds


HEADERS = _header_lines()
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
FOREIGN = ("utf-16-le", "shift_jis", "big5")


class Bad(tuple):
    """(name, bytes), shown by its name, kind and size (a failing example stays readable)."""

    def __repr__(self):
        return f"Bad({self[0]!r}, {len(self[1])} bytes: {self[1][:120]!r}…)"


@st.composite
def bad_inputs(draw) -> tuple[str, bytes]:
    return Bad(draw(_bad_inputs()))


@st.composite
def _bad_inputs(draw) -> tuple[str, bytes]:
    """(file name, bytes) of a file no importer should accept."""
    how = draw(st.sampled_from(["empty", "header only", "random after header", "huge cell",
                                "foreign encoding", "cut sample", "random bytes"]))
    name, header = draw(st.sampled_from(HEADERS))
    if how == "empty":
        return name, b""
    if how == "header only":
        return name, (header + "\r\n").encode("utf-8")
    if how == "random after header":
        return name, (header + "\n").encode("utf-8") + draw(st.binary(min_size=1, max_size=400))
    if how == "huge cell":
        cell = draw(st.sampled_from(["9", "年", "1,", '"'])) * draw(st.integers(50_000, 300_000))
        return name, (header + "\n" + cell + "\n").encode("utf-8")
    if how == "foreign encoding":
        encoding = draw(st.sampled_from(FOREIGN))
        return name, (header + "\n").encode(encoding, errors="replace") + b"2024-07-01,1,2,3\n"
    if how == "cut sample":
        sample = draw(st.sampled_from(SAMPLE_FILES))
        data = sample.read_bytes()
        return sample.name, data[:draw(st.integers(1, max(1, len(data) - 1)))]
    suffix = draw(st.sampled_from([".csv", ".txt", ".xlsx", ".xml"]))
    return f"random{suffix}", draw(st.binary(min_size=1, max_size=2000))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def clear_error(result, path: Path, codes=(1, 2)) -> None:
    """A refusal the user can act on: exit 1 or 2 (never an unforeseen failure, 70), no
    traceback, a Chinese message naming the file."""
    output = result.output
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in codes, (result.exit_code, output[-2000:])
    assert HAN.search(output), output[-2000:]
    assert path.name in output, output[-2000:]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """A fresh workspace (loads in a fraction of a second) and a folder outside it for inputs."""
    root = tmp_path_factory.mktemp("county")
    ledger = ws.create(root / "ws")
    return ledger, root / "inputs"


@settings(**SETTINGS)
@given(bad=bad_inputs())
def test_bad_files_are_refused_by_name_by_import_gate_and_layout_suggest(county, bad):
    ledger, inputs = county
    name, data = bad
    inputs.mkdir(exist_ok=True)
    path = inputs / name
    path.write_bytes(data)
    before = snapshot(ledger.parent)
    clear_error(run("import", ledger, path, "--dry-run"), path)
    clear_error(run("import", ledger, path), path)
    clear_error(run("gate", ledger, path), path, codes=(2,))  # bad input to the gate is 2
    suggest = run("layout", "suggest", path)
    if suggest.exit_code:
        clear_error(suggest, path)
    else:  # a draft is written under the workspace of the file: outside the county's
        assert "Traceback" not in suggest.output
    assert snapshot(ledger.parent) == before


def test_a_folder_holding_an_empty_file_is_refused_by_the_file_s_name(county):
    ledger, inputs = county
    folder = inputs / "inbox-with-empty"
    folder.mkdir(parents=True)
    (folder / "empty.csv").write_bytes(b"")
    before = snapshot(ledger.parent)
    result = run("import", ledger, folder)
    clear_error(result, folder / "empty.csv")
    assert "文件为空" in result.output
    assert snapshot(ledger.parent) == before


@st.composite
def bad_ledgers(draw) -> tuple[str, bytes]:
    return Bad(draw(_bad_ledgers()))


@st.composite
def _bad_ledgers(draw) -> tuple[str, bytes]:
    good = ('option "title" "青禾区"\noption "operating_currency" "CNY"\n'
            '2024-01-01 open Assets:Bank:ICBC-0001 CNY\n2024-01-01 open Income:Fund:County:X CNY\n'
            '2024-03-01 * "县财政局" "拨付 衔接资金"\n  Assets:Bank:ICBC-0001  100.00 CNY\n'
            '  Income:Fund:County:X  -100.00 CNY\n')
    how = draw(st.sampled_from(["empty", "options only", "random bytes", "cut", "foreign encoding",
                                "huge line"]))
    if how == "empty":
        return how, b""
    if how == "options only":
        return how, 'option "title" "青禾区"\n'.encode()
    if how == "random bytes":
        return how, draw(st.binary(min_size=1, max_size=2000))
    if how == "cut":
        data = good.encode()
        return how, data[:draw(st.integers(1, len(data) - 1))]
    if how == "foreign encoding":
        return how, good.encode(draw(st.sampled_from(["gbk", "utf-16-le", "big5"])), errors="replace")
    return how, (good + '2024-03-02 * "' + "年" * draw(st.integers(10_000, 200_000)) + '"\n').encode()


LEDGER_COMMANDS = [("check", "{}"), ("report", "county", "{}", "--year", "2024"),
                   ("report", "audit", "{}", "--period", "2024"),
                   ("report", "village", "{}", "--quarter", "2024Q1", "--all"),
                   ("export", "xlsx", "{}"), ("export", "ofdp", "{}", "--year", "2024"),
                   ("export", "parquet", "{}", "--out", "{out}", "--key", "{key}"),
                   ("verify", "{}"), ("verify", "{}", "--documents")]


@settings(**{**SETTINGS, "max_examples": 6})
@given(bad=bad_ledgers())
def test_bad_ledgers_get_a_clear_answer_from_every_command(tmp_path_factory, bad):
    how, data = bad
    root = tmp_path_factory.mktemp("ledger")
    ledger = root / "main.beancount"
    ledger.write_bytes(data)
    key = tmp_path_factory.mktemp("key") / "province.key"
    key.write_text("ab" * 32)
    before = snapshot(root)
    for command in LEDGER_COMMANDS:
        args = [a.format(ledger, out=root / "prov", key=key) for a in command]
        result = run(*args)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            (args, repr(result.exception))
        if result.exit_code == 0:
            # a cut or long ledger can still be valid beancount, empty books are books, and a
            # county with no books yet exports empty Parquet: what was written is removed below
            assert how in ("empty", "options only", "cut", "huge line", "foreign encoding") \
                or command[0] in ("check", "verify"), (args, result.output)
            continue
        assert result.exit_code in (1, 2), (args, result.exit_code, result.output[-2000:])
        assert HAN.search(result.output), (args, result.output[-2000:])
    for written in (root / "reports", root / "prov"):
        if written.exists():  # only when the command exited 0 (asserted above)
            __import__("shutil").rmtree(written)
    assert snapshot(root) == before


def test_an_unforeseen_failure_is_a_short_message_not_a_traceback(monkeypatch, county):
    ledger, _ = county
    import fundtrail.cli.commands.check as check

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(check, "load_books", broken)
    monkeypatch.setattr(check, "_kept", lambda ledger: None)  # no cached verdict: load the books
    result = run("check", ledger)
    assert result.exit_code == 70, result.output
    assert "程序内部错误" in result.output and "ZeroDivisionError" in result.output
    assert "Traceback" not in result.output and "boom" not in result.output


@pytest.mark.parametrize("args, words", [
    (("check",), ("缺少参数 LEDGER", "Missing argument")),
    (("check", "{}", "--fail-on", "foo"), ("参数值无效", "--fail-on")),
    (("check", "{}", "--bogus"), ("没有选项 --bogus", "No such option")),
    (("bogus",), ("没有这个命令", "No such command")),
    (("users", "add", "u.json", "李审计", "--role", "boss"), ("参数值无效", "--role")),
    (("report", "audit", "{}", "--period", "2025Q5"),
     ("错误 Error: 参数值无效 --period：期间格式应为 2024 或 2024Q3", "用法 Usage: main report audit",
      "帮助 Help: main report audit --help")),
])
def test_option_errors_say_what_is_wrong_in_chinese_then_english(county, args, words):
    ledger, _ = county
    result = run(*[a.format(ledger) for a in args])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("错误 Error: "))
    assert HAN.search(line.split(" ", 3)[2]), line  # Chinese first
    assert all(HAN.match(x) for x in result.output.splitlines() if x), result.output  # every line
    assert "Invalid value for --period" not in result.output


def test_a_commands_own_error_leads_with_chinese(tmp_path):
    result = run("check", tmp_path / "nothere.beancount")
    assert result.exit_code == 1
    assert result.output.startswith("错误 Error: 找不到账簿文件 ledger file not found: "), result.output


NEW_KINDS = [(n, h) for n, h in HEADERS if n in {"loans.csv", "wages.csv", "purchases.csv", "rents.csv", "leases.csv",
                                                  "receipts.csv", "medical.csv", "education.csv", "disaster.csv"}]


@pytest.mark.parametrize("how", ["header only", "huge cell", "foreign encoding", "totals row only"])
@pytest.mark.parametrize(("name", "header"), NEW_KINDS, ids=[n for n, _ in NEW_KINDS])
def test_the_loan_benefit_and_screening_importers_refuse_bad_files_by_name(county, name, header, how):
    """Every kind of the micro-loan, benefit-link and screening importers, each bad shape (the
    generated examples above may not draw them all): a clear error, the workspace unchanged."""
    ledger, inputs = county
    data = {"header only": (header + "\r\n").encode(),
            "huge cell": (header + "\n" + "年" * 200_000 + "\n").encode(),
            "foreign encoding": (header + "\n").encode("big5", errors="replace") + b"2024-07-01,1,2,3\n",
            "totals row only": (header + "\n合计" + "," * header.count(",") + "\n").encode()}[how]
    inputs.mkdir(exist_ok=True)
    path = inputs / name
    path.write_bytes(data)
    before = snapshot(ledger.parent)
    for args in (("import", ledger, path, "--dry-run"), ("import", ledger, path)):
        result = run(*args)
        if how == "totals row only" and result.exit_code == 0:  # nothing to import: said, not written
            assert "跳过" in result.output and "Traceback" not in result.output
        else:
            clear_error(result, path)
        if how == "huge cell":  # said in Chinese, at its line
            assert "第2行" in result.output and "单元格过长" in result.output, result.output
    assert snapshot(ledger.parent) == before


def test_a_disk_that_fills_during_an_import_s_write_is_said_so_and_the_file_stays_whole(tmp_path, monkeypatch):
    """The disk fills while an import streams a ledger file (a part that raises ENOSPC): the
    file is left as it was, no temporary file stays, and the user reads that the disk is full,
    in Chinese (exit 1), not an internal error to report to the maintainers (exit 70)."""
    import errno
    import traceback

    from fundtrail.importers import pipeline

    ledger = ws.create(tmp_path / "ws")
    assert run("import", ledger, SAMPLES / "bank/icbc-corporate-2024Q3.csv").exit_code == 0
    before = snapshot(ledger.parent)
    real = pipeline._Appended._pieces

    def full(self, path):  # the disk fills in the real write (the atomic replacement), not the scratch copy
        writing = any(frame.name == "atomic" for frame in traceback.extract_stack())
        for piece in real(self, path):
            yield piece
            if writing:
                raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline._Appended, "_pieces", full)
    result = run("import", ledger, SAMPLES / "bank/psbc-2024Q3.csv", "--account", "Assets:Bank:PSBC-1188")
    assert result.exit_code == 1, result.output
    assert "磁盘空间不足" in result.output and "内部错误" not in result.output and "Traceback" not in result.output
    now = snapshot(ledger.parent)
    assert now["transactions/imported.beancount"] == before["transactions/imported.beancount"]
    assert not [name for name in now if name.endswith(".tmp")]
