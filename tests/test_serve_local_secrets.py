"""Whoever can write the workspace gains no login: `fundtrail serve` keeps its session signing key
and its sessions outside the workspace, in the OS user's config folder, one folder per workspace
(fundtrail.keys); a key or sessions file planted in the workspace's `.fundtrail/` is never read
(the server says so once); a users file inside the workspace, or one another OS user may write,
is refused."""

import hashlib
import json
import logging
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from itsdangerous import URLSafeTimedSerializer

from fundtrail import keys
from fundtrail.web import access, users
from fundtrail.web.serve import create_app, secure


@pytest.fixture
def config(tmp_path, monkeypatch):
    """The OS user's config folder of these tests (the server key, the seal memory's key)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder / "fundtrail"


@pytest.fixture
def users_path(tmp_path):
    path = tmp_path / "users.json"  # beside the workspace, not in it
    users.add(path, "张会计", "accountant", "kuaiji-123")
    return path


def login(app, name, password):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"name": name, "password": password, "next": "/",
                                         "csrf_token": token})
    return client, answer


def logged_in(client) -> bool:
    answer = client.get("/")
    return answer.status_code == 302 and not answer.headers["Location"].startswith("/login")


def plant(root, session: str, name: str = "张会计") -> str:
    """A server key and a sessions file written into the workspace's `.fundtrail/`, as anyone who
    can write the workspace could; returns the cookie they would sign for `session`."""
    planted = root / ".fundtrail"
    planted.mkdir()
    key = b"planted-key-" + b"k" * 32
    (planted / "server.key").write_bytes(key)
    (planted / "sessions.json").write_text(json.dumps(
        {hashlib.sha256(session.encode()).hexdigest(): [name, time.time() + 3600]}), "utf-8")
    return URLSafeTimedSerializer(key, salt="fundtrail-login").dumps(session)


def test_a_key_and_session_planted_in_the_workspace_log_no_one_in(workspace, users_path, config,
                                                                     caplog):
    root = workspace.parent
    cookie = plant(root, "minted-session")
    before = {p.name: p.read_bytes() for p in (root / ".fundtrail").iterdir()}
    with caplog.at_level(logging.WARNING, logger="fundtrail.web"):
        app = secure(create_app(str(workspace)), workspace, users_path)
    forged = app.test_client()
    forged.set_cookie(access.COOKIE, cookie)
    assert not logged_in(forged)
    assert forged.get("/").headers["Location"].startswith("/login")
    # said once, in Chinese, naming the ignored files
    said = [r.getMessage() for r in caplog.records if "已忽略" in r.getMessage()]
    assert len(said) == 1 and "server.key" in said[0] and "sessions.json" in said[0]
    # a real login works, and is kept outside the workspace: the planted files stay as they were
    client, answer = login(app, "张会计", "kuaiji-123")
    assert answer.status_code == 302 and logged_in(client)
    assert {p.name: p.read_bytes() for p in (root / ".fundtrail").iterdir()} == before
    kept = keys.folder(root)
    assert kept.is_relative_to(config) and not kept.is_relative_to(root)
    assert (kept / "sessions.json").is_file() and (kept / "server.key").is_file()
    # after a restart the real session lasts; the planted one still does not
    restarted = secure(create_app(str(workspace)), workspace, users_path)
    again = restarted.test_client()
    again.set_cookie(access.COOKIE, client.get_cookie(access.COOKIE).value)
    assert logged_in(again)
    forged = restarted.test_client()
    forged.set_cookie(access.COOKIE, cookie)
    assert not logged_in(forged)


def test_the_key_and_sessions_are_private_and_each_workspace_has_its_own(tmp_path, config):
    first, second = tmp_path / "县甲" / "ws", tmp_path / "县乙" / "ws"
    for root in (first, second):
        root.mkdir(parents=True)
    key = keys.server_key(first)
    assert keys.server_key(first) == key and keys.server_key(second) != key  # kept; per workspace
    assert keys.folder(first) != keys.folder(second)
    assert keys.sessions_path(first) != keys.sessions_path(second)
    for root in (first, second):
        folder = keys.folder(root)
        assert folder.parent == config / "serve"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((config / "serve").stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "server.key").stat().st_mode) == 0o600
        assert not (root / ".fundtrail").exists()  # nothing written into the workspace


def test_sessions_written_by_a_login_are_0600_outside_the_workspace(workspace, users_path, config):
    root = workspace.parent
    app = secure(create_app(str(workspace)), workspace, users_path)
    _client, answer = login(app, "张会计", "kuaiji-123")
    assert answer.status_code == 302
    sessions = keys.sessions_path(root)
    assert stat.S_IMODE(sessions.stat().st_mode) == 0o600
    assert [name for name, _expiry in json.loads(sessions.read_text("utf-8")).values()] == ["张会计"]
    assert not (root / ".fundtrail").exists()


def test_a_users_file_inside_the_workspace_is_refused(workspace, config):
    from fundtrail.cli import main

    root = workspace.parent
    inside = root / "users.json"
    users.add(inside, "张会计", "accountant", "kuaiji-123")
    with pytest.raises(users.UsersFileError, match="工作区"):
        secure(create_app(str(workspace)), workspace, inside)
    linked = root.parent / "users-link.json"  # a link outside pointing in: still the workspace's
    linked.symlink_to(inside)
    with pytest.raises(users.UsersFileError, match="工作区"):
        secure(create_app(str(workspace)), workspace, linked)
    result = CliRunner().invoke(main, ["serve", str(workspace), "--port", "5398", "--users",
                                       str(inside)])
    assert result.exit_code == 1 and "拒绝使用工作区内的用户文件" in result.output
    assert "Traceback" not in result.output
    assert not keys.folder(root).joinpath("server.key").exists()  # refused before anything


def test_a_users_file_others_may_write_is_refused(tmp_path):
    path = tmp_path / "users.json"
    users.add(path, "张会计", "accountant", "kuaiji-123")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o664)  # the group may write it: anyone in it could add an accountant
    with pytest.raises(users.UsersFileError, match="chmod 600"):
        users.load(path)
    with pytest.raises(users.UsersFileError, match="chmod 600"):  # nor is a user added to it
        users.add(path, "李审计", "auditor", "shenji-456")
    os.chmod(path, 0o644)
    assert set(users.load(path)) == {"张会计"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can give a file to another user")
def test_a_users_file_of_another_os_user_is_refused_and_pauses_logins(tmp_path, users_path):
    app = access.LoginRequired(lambda e, s: [], users_path, b"s" * 32)
    from werkzeug.test import Client

    os.chown(users_path, 65534, -1)  # replaced by another OS user (a shared folder)
    with pytest.raises(users.UsersFileError, match="其他系统用户"):
        users.load(users_path)
    answer = Client(app).post("/login", data={"name": "张会计", "password": "kuaiji-123"})
    assert answer.status_code == 503 and "暂停登录" in answer.get_data(as_text=True)


def test_fundtrail_serve_ignores_a_planted_key_and_says_so_once(workspace, users_path, tmp_path):
    """The command itself, as its own process: the planted cookie is sent to /login; the
    server's stderr names the ignored files in Chinese, once."""
    root = workspace.parent
    cookie = plant(root, "minted-session")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    server = subprocess.Popen([sys.executable, "-m", "fundtrail.cli", "serve", str(workspace),
                               "--port", str(port), "--users", str(users_path)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(Stay)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                opener.open(base + "/login", timeout=5)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        forged = urllib.request.Request(base + "/", headers={"Cookie": f"{access.COOKIE}={cookie}"})
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(forged, timeout=30)
        assert answer.value.code == 302 and answer.value.headers["Location"].startswith("/login")
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=20)
    assert err.count("已忽略工作区中的会话密钥或会话文件") == 1, err
    assert str(root / ".fundtrail" / "server.key") in err
