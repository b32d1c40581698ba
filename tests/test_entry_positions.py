"""An entry's place (file and line) is where the parser found it, never what its metadata says:
beancount lets `filename:` and `lineno:` written in the books replace it, and Fava reads and
writes an entry's source there (the slice editor), so an entry planted with
`filename: "…/.bashrc"` showed that file to the accountant and an edit wrote into it."""

import json

import pytest
import small_ledger

from fundtrail import loading
from fundtrail.web.serve import create_app

PLANTED = '2024-09-01 * "某人" "备注"\n  filename: "{outside}"\n{lineno}  Expenses:Project:QH2024-001  1.00 CNY\n  Assets:Bank:ICBC-2345\n'


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def planted(tmp_path, lineno=""):
    outside = tmp_path / "outside.txt"
    outside.write_text("\n".join(f"secret line {n}" for n in range(1, 40)) + "\n", "utf-8")
    ledger = small_ledger.make(tmp_path / "ws")
    manual = ledger.parent / "transactions" / "imported.beancount"
    text = manual.read_text("utf-8") + "\n" + PLANTED.format(outside=outside, lineno=lineno)
    manual.write_text(text, "utf-8")
    return ledger, manual, outside, text.splitlines().index('2024-09-01 * "某人" "备注"') + 1


@pytest.mark.parametrize("lineno", ["", "  lineno: 3\n"])
def test_an_entry_keeps_the_place_the_parser_found_it_at(tmp_path, lineno):
    ledger, manual, _outside, line = planted(tmp_path, lineno)
    entries, errors, _options = loading.load(ledger)
    entry = next(e for e in entries if getattr(e, "payee", None) == "某人")
    assert entry.meta["filename"] == str(manual)
    assert entry.meta["lineno"] == (0 if lineno else line)
    refused = [e for e in errors if "拒绝元数据 filename / lineno" in e.message]
    assert [(e.source["filename"], e.source["lineno"]) for e in refused] == [
        (str(manual), 0 if lineno else line)]


def test_favas_slice_editor_never_reads_or_writes_the_file_an_entry_names(tmp_path):
    ledger, manual, outside, _line = planted(tmp_path)
    before = outside.read_bytes()
    client = create_app(str(ledger)).test_client()
    bfile = client.get("/").headers["Location"].strip("/").split("/")[0]
    journal = client.get(f"/{bfile}/api/journal").get_json()["data"]
    entry_hash = next(e["entry_hash"] for e in journal if e.get("payee") == "某人")
    shown = client.get(f"/{bfile}/api/source_slice?entry_hash={entry_hash}").get_json()["data"]
    assert "secret line" not in json.dumps(shown, ensure_ascii=False)
    assert shown["slice"].startswith('2024-09-01 * "某人" "备注"')
    edited = shown["slice"].replace("1.00 CNY", "2.00 CNY")
    response = client.put(f"/{bfile}/api/source_slice", json={
        "entry_hash": entry_hash, "source": edited, "sha256sum": shown["sha256sum"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert outside.read_bytes() == before
    assert "2.00 CNY" in manual.read_text("utf-8")
