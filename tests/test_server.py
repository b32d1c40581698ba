"""`fundtrail serve` runs on cheroot (fundtrail.web.server), not Werkzeug's development server:
a bounded pool of worker threads, HTTPS with --certfile/--keyfile and a Secure login cookie."""

import http.client
import ssl
import subprocess
import threading
import time

import pytest
from click.testing import CliRunner

from fundtrail.cli import main
from fundtrail.web import access, server, users


def running(app, **options):
    """A cheroot server on a free loopback port, serving in a thread."""
    srv = server.make_server(app, "127.0.0.1", 0, **options)
    srv.prepare()
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    return srv, srv.bind_addr[1]


def test_the_cli_serves_on_cheroot_with_the_pool_it_was_given(workspace, monkeypatch):
    started = []
    monkeypatch.setattr(server, "run", started.append)
    result = CliRunner().invoke(main, ["serve", str(workspace), "--port", "5397", "--threads", "7"])
    assert result.exit_code == 0, result.output
    from cheroot.wsgi import Server

    (srv,) = started
    assert isinstance(srv, Server) and srv.requests.min == srv.requests.max == 7
    assert srv.bind_addr == ("127.0.0.1", 5397) and srv.ssl_adapter is None
    assert "7 个工作线程" in result.output and "development server" not in result.output
    assert "账簿网页已启动：http://127.0.0.1:5397/" in result.output
    assert "明文" not in result.output  # loopback: nothing crosses the network


def test_plain_http_on_the_network_is_pointed_out(workspace, monkeypatch, tmp_path):
    monkeypatch.setattr(server, "run", lambda srv: None)
    users.add(tmp_path / "users.json", "李审计", "auditor", "shenji-456")
    result = CliRunner().invoke(main, ["serve", str(workspace), "--port", "5399", "--host", "0.0.0.0",
                                       "--users", str(tmp_path / "users.json")])
    assert result.exit_code == 0 and "未启用 HTTPS" in result.output and "--certfile" in result.output


def test_the_pool_is_bounded_and_every_request_is_answered():
    busy, most, lock = [0], [0], threading.Lock()

    def slow(environ, start_response):
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.3)
        with lock:
            busy[0] -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    srv, port = running(slow, threads=2)
    try:
        answers = []

        def get():
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            c.request("GET", "/")
            response = c.getresponse()
            answers.append((response.status, response.getheader("Server"), response.read()))
            c.close()

        clients = [threading.Thread(target=get) for _ in range(8)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
    finally:
        srv.stop()
    assert answers == [(200, "fundtrail", b"ok")] * 8
    assert most[0] == 2  # never more requests at once than workers


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_https_with_certfile_and_keyfile_gives_a_secure_cookie(certificate, tmp_path):
    users_path = tmp_path / "users.json"
    users.add(users_path, "李审计", "auditor", "shenji-456")

    def books(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["fundtrail.user"].encode()]

    app = access.LoginRequired(books, users_path, b"k" * 32)
    srv, port = running(app, tls=server.tls_adapter(*map(str, certificate)))
    context = ssl.create_default_context(cafile=str(certificate[0]))
    context.check_hostname = False
    try:
        c = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=20)
        c.request("POST", "/login", body="name=%E6%9D%8E%E5%AE%A1%E8%AE%A1&password=shenji-456",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = c.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie")
        assert response.status == 302 and "Secure" in cookie and "HttpOnly" in cookie
        c.request("GET", "/", headers={"Cookie": cookie.split(";")[0]})
        assert c.getresponse().read().decode() == "李审计"
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5)  # no plain HTTP on it
        try:
            plain.request("GET", "/login")
            status = plain.getresponse().status
        except (OSError, http.client.HTTPException):
            status = None
        assert status in (None, 400)
    finally:
        srv.stop()


def test_a_bad_certificate_is_a_clear_error_before_the_books_load(certificate, tmp_path, workspace):
    cert, key = certificate
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key", "utf-8")
    result = CliRunner().invoke(main, ["serve", str(workspace), "--port", "5398",
                                       "--certfile", str(cert), "--keyfile", str(garbage)])
    assert result.exit_code != 0 and "证书或私钥无法读取" in result.output and str(garbage) in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    alone = CliRunner().invoke(main, ["serve", str(workspace), "--port", "5398", "--certfile", str(cert)])
    assert alone.exit_code != 0 and "须同时给出" in alone.output
