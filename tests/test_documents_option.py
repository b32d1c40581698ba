"""`option "documents"` names only folders inside the workspace: beancount walks every
documents folder on every load and makes a document entry of each file under an account's
name, so `"/"` had every command walk the whole machine (minutes), and `"../elsewhere"` put
files from outside into the books (and into Fava's /document/ until serve dropped them)."""

import pytest
import small_ledger

from fundtrail import loading


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def with_documents(tmp_path, folder):
    ledger = small_ledger.make(tmp_path / "ws")
    line = f'option "documents" "{folder}"'
    ledger.write_text(line + "\n" + ledger.read_text("utf-8"), "utf-8")
    return ledger


@pytest.mark.parametrize("folder", ["../elsewhere", "{tmp}/elsewhere"])
def test_a_documents_folder_outside_the_workspace_is_not_read(tmp_path, folder):
    outside = tmp_path / "elsewhere" / "Assets" / "Bank" / "ICBC-2345" / "2024-06-30.secret.pdf"
    outside.parent.mkdir(parents=True)
    outside.write_bytes(b"%PDF-1.4\n")
    ledger = with_documents(tmp_path, folder.format(tmp=tmp_path))
    entries, errors, options = loading.load(ledger)
    assert not [e for e in entries if str(getattr(e, "filename", "")).endswith("secret.pdf")]
    refused = [e for e in errors if isinstance(e, loading.LoadRefused)]
    assert [(e.source["filename"], e.source["lineno"]) for e in refused] == [(str(ledger), 1)]
    assert "拒绝工作区以外的凭证目录" in refused[0].message
    assert options["documents"] == []


def test_a_documents_folder_inside_the_workspace_is_read(tmp_path):
    ledger = with_documents(tmp_path, "documents")
    entries, errors, options = loading.load(ledger)
    assert options["documents"] == ["documents"]
    assert any(str(getattr(e, "filename", "")).endswith("2024-06-30.icbc.csv") for e in entries)
    assert not [e for e in errors if isinstance(e, loading.LoadRefused)]


def test_a_document_outside_the_workspace_is_refused_by_name_not_by_the_machines_path(tmp_path):
    """Fava's errors page: the refusal names the file (its source stays the ledger's line, for
    Fava's link), never the machine's path to it."""
    import json

    from fundtrail.web.serve import create_app

    outside = tmp_path / "elsewhere" / "2024-06-30.secret.pdf"
    outside.parent.mkdir()
    outside.write_bytes(b"%PDF-1.4\n")
    ledger = small_ledger.make(tmp_path / "ws")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write('\n2024-06-30 document Assets:Bank:ICBC-2345 "../elsewhere/2024-06-30.secret.pdf"\n')
    client = create_app(str(ledger)).test_client()
    bfile = client.get("/").headers["Location"].strip("/").split("/")[0]
    errors = client.get(f"/{bfile}/api/errors").get_json()["data"]
    refused = [e for e in errors if "拒绝工作区以外的凭证文件" in e["message"]]
    assert [e["message"] for e in refused] == ['拒绝工作区以外的凭证文件 "2024-06-30.secret.pdf"：Fava 不提供该文件']
    assert refused[0]["source"]["filename"] == str(ledger)
    assert str(tmp_path) not in json.dumps([e["message"] for e in errors], ensure_ascii=False)
