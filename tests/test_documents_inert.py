"""A document file a browser would run is sent as plain text: an HTML page in the documents
folder was served as text/html from Fava's own origin, where it could load a script document
(the Content-Security-Policy allows 'self') and act with the reader's session."""

import pytest
import small_ledger

from fundtrail.web.serve import create_app, secure

PLANTED = {"2024-06-30.notice.html": "<script src='/x/document/?filename=a.js'></script><h1>公告</h1>",
           "2024-06-30.run.js": "fetch('/logout')",
           "2024-06-30.chart.svg": "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"}


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_active_documents_are_sent_as_plain_text(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    folder = ledger.parent / "documents/Assets/Bank/ICBC-2345"
    for name, text in PLANTED.items():
        (folder / name).write_text(text, "utf-8")
    ledger.write_text('option "documents" "documents"\n' + ledger.read_text("utf-8"), "utf-8")
    client = secure(create_app(str(ledger)), ledger).test_client()  # loopback: the accountant
    bfile = client.get("/").headers["Location"].strip("/").split("/")[0]
    for name, text in PLANTED.items():
        response = client.get(f"/{bfile}/document/", query_string={"filename": str(folder / name)})
        assert response.status_code == 200, name
        assert response.mimetype == "text/plain", (name, response.content_type)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.get_data(as_text=True) == text  # shown as written
    statement = folder / "2024-06-30.icbc.csv"
    response = client.get(f"/{bfile}/document/", query_string={"filename": str(statement)})
    assert response.mimetype == "text/csv" and response.get_data() == statement.read_bytes()
