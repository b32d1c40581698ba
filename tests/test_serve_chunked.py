"""A write with a chunked body is refused under the real server (cheroot): the control
character check (fundtrail.web.writes) and the CSRF form check read a body by its
Content-Length, so a chunked PUT of Fava's source with a NUL and a terminal escape went past
them, into main.beancount and a commit."""

import http.client
import json
import subprocess
from urllib.parse import quote, urlsplit

import small_ledger
from test_server import running

from fundtrail import history
from fundtrail.web.serve import create_app, secure


def test_a_chunked_write_is_refused_and_nothing_is_written(tmp_path):
    ledger = small_ledger.make(tmp_path / "ws")
    history.init(ledger.parent, "新建 init")
    srv, port = running(secure(create_app(str(ledger)), ledger))
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/")
        answer = c.getresponse()
        answer.read()
        bfile = urlsplit(answer.getheader("Location")).path.strip("/").split("/")[0]
        c.request("GET", f"/{bfile}/api/source?filename={quote(str(ledger))}")
        source = json.loads(c.getresponse().read())["data"]
        before = ledger.read_bytes()
        body = json.dumps({"file_path": str(ledger), "sha256sum": source["sha256sum"],
                           "source": source["source"] + "\n; \x1b[2J \x00\n"}).encode()
        c.request("PUT", f"/{bfile}/api/source", body=iter([body]), encode_chunked=True,
                  headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        answer = c.getresponse()
        assert answer.status == 411, answer.read()
        answer.read()
        assert ledger.read_bytes() == before
        log = subprocess.run(["git", "-C", str(ledger.parent), "log", "--format=%s"],
                             capture_output=True, text=True, check=True).stdout
        assert log.strip() == "新建 init"
        body = json.dumps({"file_path": str(ledger), "sha256sum": source["sha256sum"],
                           "source": source["source"] + "\n; 备注\n"}).encode()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # the refusal closed the last
        c.request("PUT", f"/{bfile}/api/source", body=body, headers={"Content-Type": "application/json"})
        answer = c.getresponse()
        assert answer.status == 200, answer.read()  # the same write with its length: saved
        answer.read()
        assert "; 备注" in ledger.read_text("utf-8")
    finally:
        srv.stop()
