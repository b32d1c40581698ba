"""Control characters (NUL, ESC, a bidi override) are refused at the door of every web write of
`fundtrail serve`: Fava's editor and entry saves, file names, a disposition. A clear Chinese
message, the books and git untouched, nothing left uncommitted."""

import io
import json
import re
import subprocess

import pytest
from test_serve_guard import commits, findings_page, login, site, slug, workspace  # noqa: F401

BAD = {"NUL": "\x00", "ESC": "\x1b[2J"}


def untouched(root):
    files = {p: p.read_bytes() for p in sorted(root.rglob("*.beancount"))}
    return files, len(commits(root)), subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True).stdout


def source_of(c, bfile):
    return json.loads(c.get(f"/{bfile}/api/source").get_data(as_text=True))["data"]


def journal_hash(c, bfile):
    page = json.loads(c.get(f"/{bfile}/api/journal_page?page=1&order=desc").get_data(as_text=True))
    return re.search(r"#context-([0-9a-f]+)", page["data"]["journal"]).group(1)


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
def test_every_web_write_refuses_control_characters(site, workspace, bad):  # noqa: F811
    root, _ = workspace
    accountant, _ = login(site, "张会计", "kuaiji-123")
    auditor, _ = login(site, "李审计", "shenji-456")
    bfile = slug(accountant)
    before = untouched(root)
    source = source_of(accountant, bfile)
    entry_hash = journal_hash(accountant, bfile)
    slice_ = json.loads(accountant.get(f"/{bfile}/api/source_slice?entry_hash={entry_hash}")
                        .get_data(as_text=True))["data"]
    note = {"t": "Note", "date": "2024-12-31", "meta": {}, "account": "Assets:Bank:ICBC-2345",
            "comment": f"年末{bad}核对"}
    txn = {"t": "Transaction", "date": "2024-12-31", "flag": "*", "payee": f"某{bad}公司",
           "narration": "付款", "tags": [], "links": [], "meta": {"memo": "备注"},
           "postings": [{"account": "Assets:Bank:ICBC-2345", "amount": "1.00 CNY"},
                        {"account": "Expenses:Other", "amount": "-1.00 CNY"}]}
    headers = {"Origin": "http://localhost"}
    writes = {
        "source": ("put", "api/source", {"file_path": source["file_path"], "sha256sum": source["sha256sum"],
                                          "source": source["source"] + f'\n2024-12-31 note Assets:Bank:ICBC-2345 "a{bad}b"\n'}),
        "source slice": ("put", "api/source_slice", {"entry_hash": entry_hash, "sha256sum": slice_["sha256sum"],
                                                      "source": slice_["slice"].replace('"', f'"{bad}', 1)}),
        "note": ("put", "api/add_entries", {"entries": [note]}),
        "transaction": ("put", "api/add_entries", {"entries": [txn]}),
        "attach": ("put", "api/attach_document", {"filename": f"documents/a{bad}.pdf", "entry_hash": entry_hash}),
    }
    for name, (method, path, body) in writes.items():
        response = getattr(accountant, method)(f"/{bfile}/{path}", json=body, headers=headers)
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "控制字符" in text and "已拒绝" in text, (name, text)
    upload = accountant.put(f"/{bfile}/api/add_document", headers=headers, data={
        "account": "Assets:Bank:ICBC-2345", "file": (io.BytesIO(b"%PDF"), f"回单{bad}.pdf")},
        content_type="multipart/form-data")
    assert upload.status_code == 400 and "控制字符" in upload.get_data(as_text=True)
    finding, token = findings_page(auditor, bfile)
    for field in ("reason", "assignee"):
        form = {"id": finding, "status": "分派" if field == "assignee" else "误报", "csrf_token": token,
                "reason": "已核对", field: f"王{bad}会计"}
        response = auditor.post(f"/{bfile}/extension/Fundtrail/disposition", data=form, headers=headers)
        assert response.status_code == 400 and "控制字符" in response.get_data(as_text=True), field
    assert untouched(root) == before
