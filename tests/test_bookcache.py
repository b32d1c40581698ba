"""The cache of the loaded books (fundtrail.bookcache): the second load of unchanged books comes
from it with the same entries, errors and findings; any change to what the load read, to
fundtrail's version or to the settings rebuilds it; a file that is not the cache's own (forged,
edited, a pickle payload) is never trusted and runs nothing."""

import json
import pickle
import shutil

import pytest
from click.testing import CliRunner

from fundtrail import bookcache, loading
from fundtrail.books import Books
from fundtrail.cli import main
from fundtrail.flows import FlowIndex
from fundtrail.plugins import checks


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the cache's MAC key


@pytest.fixture
def ledger(demo, tmp_path):
    shutil.copytree(demo[0], tmp_path / "ws",
                    ignore=shutil.ignore_patterns("*.picklecache", ".fundtrail-books.cache*"))
    return tmp_path / "ws" / "main.beancount"


@pytest.fixture
def fresh_loads(monkeypatch):
    """How many loads read the ledger files (not the cache)."""
    calls = []
    real = loading._load

    def counted(path, ledger_plugins):
        calls.append(path)
        return real(path, ledger_plugins)

    monkeypatch.setattr(loading, "_load", counted)
    return calls


def load(ledger):
    FlowIndex.forget()  # as a new process: nothing kept in memory
    return Books.load(str(ledger))


def test_the_second_load_is_the_kept_one_with_the_same_books_and_findings(ledger, fresh_loads):
    first = load(ledger)
    found = checks.all_findings(first.entries, first.options)
    assert (ledger.parent / bookcache.CACHE_FILE).is_file() and len(fresh_loads) == 1
    second = load(ledger)
    assert len(fresh_loads) == 1  # from the cache
    assert second.entries == first.entries and second.entries is not first.entries
    assert [(type(e), e.source, e.message) for e in second.errors] == \
        [(type(e), e.source, e.message) for e in first.errors]
    assert str(second.options["dcontext"]) == str(first.options["dcontext"])
    assert {k: v for k, v in second.options.items() if k != "dcontext"} == \
        {k: v for k, v in first.options.items() if k != "dcontext"}
    again = checks.all_findings(second.entries, second.options)
    assert again == found and len(found) > 50
    assert all(f.entry is None or any(f.entry is e for e in second.entries) for f in again[:20])
    assert second.figures("project") == first.figures("project")


def test_check_json_is_the_same_with_and_without_the_cache(ledger, fresh_loads):
    runner = CliRunner()
    fresh = runner.invoke(main, ["check", str(ledger), "--json"])
    FlowIndex.forget()
    kept = runner.invoke(main, ["check", str(ledger), "--json"])
    assert len(fresh_loads) == 1, "the second check read the cache"
    assert fresh.exit_code == kept.exit_code
    assert json.loads(kept.stdout) == json.loads(fresh.stdout) and len(json.loads(fresh.stdout)) > 50


@pytest.mark.parametrize("name", ["transactions/imported.beancount", "masterdata/projects.beancount",
                                  "registers/households.csv", "main.beancount"])
def test_one_byte_changed_in_any_file_the_load_reads_rebuilds(ledger, fresh_loads, name):
    load(ledger)
    path = ledger.parent / name
    text = path.read_bytes()
    path.write_bytes(text + b"\n")  # one byte: no entry changes, but the cache is not trusted
    load(ledger)
    assert len(fresh_loads) == 2
    load(ledger)
    assert len(fresh_loads) == 2  # rebuilt for the new content, trusted again


def test_an_edit_is_seen_even_with_the_same_size_and_time(ledger, fresh_loads):
    import os

    books = load(ledger)
    path = ledger.parent / "transactions/manual.beancount"
    text = path.read_text("utf-8")
    stat = path.stat()
    assert "286000.00 CNY" in text
    path.write_text(text.replace("286000.00 CNY", "286900.00 CNY", 1), "utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = load(ledger)
    assert len(fresh_loads) == 2 and edited.entries != books.entries


def test_another_fundtrail_version_rebuilds(ledger, fresh_loads, monkeypatch):
    load(ledger)
    monkeypatch.setattr(bookcache, "__version__", "99.0")
    load(ledger)
    assert len(fresh_loads) == 2


def test_another_settings_rebuilds_with_their_findings(ledger, fresh_loads):
    before = load(ledger)
    found = {f.id: f.severity for f in checks.all_findings(before.entries, before.options)}
    rule = next(f.rule for f in checks.all_findings(before.entries, before.options) if f.severity != "low")
    text = ledger.read_text("utf-8")
    ledger.write_text(text.replace('plugin "fundtrail.plugins.checks"',
                                   f'plugin "fundtrail.plugins.checks" "{{\'severity\': {{\'{rule}\': \'low\'}}}}"'),
                      "utf-8")
    after = load(ledger)
    assert len(fresh_loads) == 2
    now = {f.id: f.severity for f in checks.all_findings(after.entries, after.options)}
    assert now != found and all(now[i] == "low" for i in now if i in found and
                                any(f.id == i and f.rule == rule for f in checks.all_findings(after.entries, after.options)))


@pytest.mark.parametrize("where", [0, 40, -10])
def test_a_cache_with_one_byte_changed_is_not_trusted(ledger, fresh_loads, where):
    books = load(ledger)
    path = ledger.parent / bookcache.CACHE_FILE
    content = bytearray(path.read_bytes())
    content[where] ^= 0x01
    path.write_bytes(bytes(content))
    again = load(ledger)
    assert len(fresh_loads) == 2 and again.entries == books.entries


def test_a_cache_made_by_another_user_is_not_trusted(ledger, fresh_loads, monkeypatch, tmp_path):
    load(ledger)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other-config"))  # another key
    load(ledger)
    assert len(fresh_loads) == 2


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_crafted_cache_runs_nothing(ledger, tmp_path, fresh_loads):
    import marshal

    books = load(ledger)
    path = ledger.parent / bookcache.CACHE_FILE
    marker = tmp_path / "ran"
    code = compile(f"open({str(marker)!r}, 'w')", "x", "exec")
    for content in (pickle.dumps(_Payload(marker)),  # beancount's pickle cache would run it
                    b"\0" * 32 + pickle.dumps(_Payload(marker)),
                    path.read_bytes()[:32] + marshal.dumps(((), [code], {}, {}))):
        path.write_bytes(content)
        again = load(ledger)
        assert not marker.exists()
        assert again.entries == books.entries
    assert len(fresh_loads) == 4


def test_verify_and_seal_never_read_it(ledger, monkeypatch):
    load(ledger)

    def refuse(*args):
        raise AssertionError("read the cache")

    monkeypatch.setattr(bookcache, "read", refuse)
    entries, _errors, _options = loading.load(ledger, trust_caches=False)
    assert entries


def test_fava_loads_through_the_cache(ledger, fresh_loads):
    from fundtrail.web.serve import create_app

    load(ledger)
    app = create_app(str(ledger))
    assert len(fresh_loads) == 1  # Fava's load came from the cache
    fava_ledger = app.config["LEDGERS"].ledgers[0]
    assert fava_ledger.all_entries == load(ledger).entries


def test_reports_render_in_workers_in_order(demo_books):
    from fundtrail.reports import batch, village

    codes = village.village_codes(demo_books)[:3]
    jobs = [(code, lambda code=code: village.notice_html(demo_books, "2024Q3", code)) for code in codes]
    done = list(batch.render_all(jobs, workers=2))
    assert [name for name, _ in done] == codes
    assert all(content.startswith(b"%PDF") and len(content) > 10_000 for _, content in done)


def test_report_all_writes_every_report_of_the_quarter(ledger, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", "all", str(ledger), "--quarter", "2024Q3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "2024Q3-audit.pdf" in names and "2024-county-disclosure.pdf" in names
    assert sum(1 for n in names if n.startswith("2024Q3-3704")) == 46
    assert not [n for n in names if n.endswith(".part")]


@pytest.fixture
def reviews(monkeypatch):
    """How many times the checks ran (at a cut-off or over the whole books)."""
    calls = []
    real = checks.review

    def counted(entries, settings):
        calls.append(settings.get("as_of"))
        return real(entries, settings)

    monkeypatch.setattr(checks, "review", counted)
    return calls


def test_cut_off_findings_are_kept_and_a_later_report_is_the_same(ledger, fresh_loads, reviews, monkeypatch):
    from fundtrail.reports import audit, facts

    books = load(ledger)
    first = facts.finding_set(books, facts.Period.parse("2024Q3"))
    html = audit.audit_html(books, "2024Q3")
    cut_offs = [day for day in reviews if day is not None]
    assert len(cut_offs) >= 2 and (ledger.parent / bookcache.CUTOFFS_FILE).is_file()
    kept = load(ledger)  # from the cache, with the cut-offs' findings
    assert len(fresh_loads) == 1
    reviews.clear()
    assert facts.finding_set(kept, facts.Period.parse("2024Q3")) == first and first.all
    assert audit.audit_html(kept, "2024Q3") == html
    assert [day for day in reviews if day is not None] == [], "no cut-off checked again"
    monkeypatch.setattr(bookcache.sealcache, "key", lambda: None)  # no cache at all
    bare = load(ledger)
    assert len(fresh_loads) == 2
    assert facts.finding_set(bare, facts.Period.parse("2024Q3")) == first
    assert audit.audit_html(bare, "2024Q3") == html


def test_check_keeps_the_cut_offs_of_the_books_last_quarter(ledger, reviews, monkeypatch):
    """A first `fundtrail check` prints its findings, then runs the checks at the cut-offs a
    report of the books' last quarter asks for and keeps them: the quarter's report runs none."""
    import datetime

    from fundtrail.plugins import cutoffs
    from fundtrail.reports import facts

    result = CliRunner().invoke(main, ["check", str(ledger)])
    assert "疑点 findings:" in result.output
    books = load(ledger)
    first, last = cutoffs.last_quarter(books.index)
    assert (first.month, last.month - first.month) in {(1, 2), (4, 2), (7, 2), (10, 2)}
    assert max(e.date for e in books.entries if type(e).__name__ == "Transaction") <= last
    assert sorted({day for day in reviews if day is not None}) == [first - datetime.timedelta(days=1), last]
    reviews.clear()
    quarter = facts.Period.parse(f"{last.year}Q{(last.month - 1) // 3 + 1}")
    kept = facts.finding_set(books, quarter)
    assert [day for day in reviews if day is not None] == [], "no cut-off checked again"
    monkeypatch.setattr(bookcache.sealcache, "key", lambda: None)  # the same, with no cache
    assert facts.finding_set(load(ledger), quarter) == kept and kept.all


def test_a_cut_off_file_with_one_byte_changed_is_not_trusted(ledger, reviews):
    from fundtrail.reports import facts

    first = facts.finding_set(load(ledger), facts.Period.parse("2024Q3"))
    path = ledger.parent / bookcache.CUTOFFS_FILE
    content = bytearray(path.read_bytes())
    content[-5] ^= 0x01
    path.write_bytes(bytes(content))
    reviews.clear()
    assert facts.finding_set(load(ledger), facts.Period.parse("2024Q3")) == first
    assert [day for day in reviews if day is not None], "the cut-offs checked again"


def test_a_written_report_keeps_the_books_cache(ledger, fresh_loads):
    load(ledger)
    (ledger.parent / "reports").mkdir(exist_ok=True)
    (ledger.parent / "reports" / "2024Q3-audit.pdf").write_bytes(b"%PDF-1.7\n")
    load(ledger)
    assert len(fresh_loads) == 1
    (ledger.parent / "documents" / "new.pdf").write_bytes(b"%PDF-1.7\n")  # documents/ still counts
    load(ledger)
    assert len(fresh_loads) == 2


def test_books_that_file_documents_from_reports_are_not_kept(ledger, fresh_loads):
    text = ledger.read_text("utf-8")
    ledger.write_text(text.replace('option "operating_currency"', 'option "documents" "."\noption "operating_currency"', 1),
                      "utf-8")
    load(ledger)
    assert not (ledger.parent / bookcache.CACHE_FILE).exists()  # a report written would go unseen
    load(ledger)
    assert len(fresh_loads) == 2


def test_the_entries_are_kept_a_record_of_a_chunk_each_and_come_back_exactly(ledger, fresh_loads, monkeypatch):
    monkeypatch.setattr(bookcache, "_CHUNK", 50)
    first = load(ledger)
    path = ledger.resolve()
    payload = bookcache._payload(path, bookcache.context(path, (loading.settings_path(),)))
    _head, records = bookcache._records(payload)
    assert len(records) == -(-len(first.entries) // 50) + 1  # the entries' records, then the rest
    second = load(ledger)
    assert len(fresh_loads) == 1
    assert second.entries == first.entries
    for a, b in zip(first.entries, second.entries, strict=True):
        assert type(a) is type(b) and a.meta == b.meta
        for p, q in zip(getattr(a, "postings", ()), getattr(b, "postings", ()), strict=True):
            assert p == q and p.meta == q.meta and str(p.units.number) == str(q.units.number)


def test_a_signed_cache_whose_records_do_not_add_up_is_loaded_afresh(ledger, fresh_loads):
    books = load(ledger)
    path = ledger.parent / bookcache.CACHE_FILE
    payload = path.read_bytes()[:-32]
    for broken in (payload[:-100],  # the last record cut short
                   payload + (1 << 40).to_bytes(8, "big") + b"x"):  # a record longer than the file
        path.write_bytes(broken + bookcache._mac(broken))  # with the right MAC
        again = load(ledger)
        assert again.entries == books.entries
    assert len(fresh_loads) == 3


def test_the_cut_off_file_keeps_the_days_written_last(ledger, monkeypatch):
    """Any day a time filter names is a cut-off: the file (and the memo a load seeds from it)
    keeps the `CUTOFFS_KEPT` written last, not every day ever asked for."""
    import datetime

    from fundtrail.plugins import cutoffs
    from fundtrail.reports import facts

    monkeypatch.setattr(bookcache, "CUTOFFS_KEPT", 3)
    books = load(ledger)
    settings = facts.check_settings(books)
    days = [datetime.date(2024, 7, 1) + datetime.timedelta(days=9 * n) for n in range(6)]
    found = {day: cutoffs.checks_at(books.index, day, settings) for day in days}
    seeded = load(ledger).index
    kept = {key[1]: value for key, value in seeded._memo.items()
            if type(key) is tuple and key[0] == "reports.checks_at"}
    assert sorted(kept) == days[-3:]
    assert all(kept[day] == found[day] for day in kept)
