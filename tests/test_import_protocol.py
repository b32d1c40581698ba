"""The importer protocol: the pipeline reads what an importer returns and builds its own result
(the filed entries, the reconciliation) without changing the importer's `Extraction`; the
`source` of an entry is where the caller puts the document."""

import copy
import dataclasses
import shutil

from beancount import loader
from beancount.core import data
from conftest import SAMPLES

from fundtrail.importers import registry
from fundtrail.importers.pipeline import run_import

PSBC = "Assets:Bank:PSBC-1188"  # the PSBC sample names no account number


def _recording(monkeypatch):
    """Every Extraction the importers return during an import, with a deep copy taken at once."""
    returned = []
    packaged = registry.importers

    def importers(root):
        found = packaged(root)
        for importer in found:
            def read(path, ctx, _read=importer.read):
                ex = _read(path, ctx)
                returned.append((ex, copy.deepcopy(_fields(ex))))
                return ex
            importer.read = read
        return found

    monkeypatch.setattr(registry, "importers", importers)
    return returned


def _fields(ex) -> dict:
    return {f.name: getattr(ex, f.name) for f in dataclasses.fields(ex) if f.name != "importer"}


def test_the_pipeline_leaves_every_extraction_as_the_importer_made_it(workspace, monkeypatch):
    returned = _recording(monkeypatch)
    first = run_import(workspace, [SAMPLES], account=PSBC)
    again = run_import(workspace, [SAMPLES], account=PSBC)
    assert len(returned) == 2 * len(again.files) == 2 * 9
    for ex, made in returned:
        assert _fields(ex) == made, ex.path
        assert set(vars(ex)) == {f.name for f in dataclasses.fields(ex)}, ex.path
        assert not any("source" in e.meta for e in ex.entries), ex.path
    # the second import finds every row the first added present; the importers counted none
    rows = [(ex.present, before.new, report.present, report.new)
            for (ex, _), before, report in zip(returned[9:], first.files, again.files, strict=True)
            if ex.importer.rows_are_entries]
    assert [r[:2] for r in rows] == [(0, 8), (0, 24), (0, 20), (0, 24), (0, 18)]
    assert all(present == new and added == 0 for _, new, present, added in rows)


def test_imported_entries_name_the_filed_document(workspace):
    summary = run_import(workspace, [SAMPLES / "bank/icbc-corporate-2024Q3.csv"])
    entries, _, _ = loader.load_file(str(workspace))
    filed = {e.meta.get("source") for e in entries
             if isinstance(e, (data.Transaction, data.Balance)) and "sha256" in e.meta}
    assert filed == {summary.files[0].source} == {
        "documents/Assets/Bank/ICBC-2345/2024-09-30.icbc-corporate-2024Q3.csv"}


def test_beangulp_extract_names_the_file_where_it_lies(tmp_path):
    inbox = tmp_path / "ws" / "inbox"
    inbox.mkdir(parents=True)
    shutil.copy(SAMPLES / "treasury/vouchers-2024Q3.xml", inbox / "vouchers.xml")
    vouchers = next(i for i in registry.importers(tmp_path / "ws") if i.identify(str(inbox / "vouchers.xml")))
    inside = vouchers.extract(str(inbox / "vouchers.xml"), [])
    outside = next(i for i in registry.importers(tmp_path / "elsewhere")
                   if i.identify(str(inbox / "vouchers.xml"))).extract(str(inbox / "vouchers.xml"), [])
    txns = [e for e in inside if isinstance(e, data.Transaction)]
    assert len(txns) == 8 and {e.meta["source"] for e in txns} == {"inbox/vouchers.xml"}
    assert {e.meta["source"] for e in outside if isinstance(e, data.Transaction)} == {"vouchers.xml"}
    opens = [e for e in inside if isinstance(e, data.Open)]
    assert opens and not any("source" in o.meta for o in opens)  # accounts name no document
