"""The login layer (fundtrail.web.access) under attack and with broken files: a burst of
guesses is counted before any is checked, one's own login does not clear the guesses from an
address, a malformed sessions or users file is a page and a log line (not a 500 on every
request), common passwords and names git would alter are refused."""

import json
import logging
import subprocess
import threading
import time

import pytest
from werkzeug.test import Client

from fundtrail import history
from fundtrail.web import access, users

NAME = "%E6%9D%8E%E5%AE%A1%E8%AE%A1"  # 李审计, form-encoded


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def books(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [("账簿 " + environ["fundtrail.user"]).encode()]


@pytest.fixture(scope="module")
def users_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.json"
    users.add(path, "李审计", "auditor", "shenji-456")
    users.add(path, "王出纳", "auditor", "chuna-789x")
    return path


def layer(users_path, sessions=None):
    app = access.LoginRequired(books, users_path, b"s" * 32, sessions=sessions, clock=Clock())
    return app, Client(app)


def post_login(client, name, password, address="10.0.0.9"):
    return client.post("/login", data={"name": name, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_a_login_of_ones_own_does_not_clear_the_guesses_from_the_address(users_path):
    """Spraying names from one address and logging in as oneself every few guesses had every
    one of 38 guesses checked; the address allows 20 and then waits, whoever logs in."""
    _app, client = layer(users_path)
    checked = 0
    for guess in range(38):
        if guess % 4 == 3:
            post_login(client, "王出纳", "chuna-789x")  # the attacker's own account
        answer = post_login(client, f"用户{guess}", f"guess-{guess:04d}")
        checked += answer.status_code == 401
    assert checked == access.FREE_ATTEMPTS["address"]


def test_a_burst_of_guesses_lets_exactly_five_through(users_path, monkeypatch):
    real = users.authenticate

    def slow(table, name, password):
        time.sleep(0.3)  # a password hash takes time: the burst arrives before any answer
        return real(table, name, password)

    monkeypatch.setattr(users, "authenticate", slow)
    app, _client = layer(users_path)
    answers, start = [], threading.Barrier(7)

    def guess(n):
        start.wait()
        answers.append(post_login(Client(app), "李审计", f"guess-{n:04d}").status_code)

    burst = [threading.Thread(target=guess, args=(n,)) for n in range(7)]
    for t in burst:
        t.start()
    for t in burst:
        t.join()
    assert sorted(answers) == [401] * 5 + [429] * 2


def test_the_right_password_still_opens_after_a_few_typos(users_path):
    _app, client = layer(users_path)
    for typo in range(4):
        assert post_login(client, "李审计", f"shenji-45{typo}x").status_code == 401
    assert post_login(client, "李审计", "shenji-456").status_code == 302
    assert client.get("/").get_data(as_text=True) == "账簿 李审计"


def test_a_malformed_sessions_entry_is_dropped_and_logged(users_path, tmp_path, caplog):
    sessions = tmp_path / "sessions.json"
    app, client = layer(users_path, sessions)
    assert post_login(client, "李审计", "shenji-456").status_code == 302
    kept = json.loads(sessions.read_text("utf-8"))
    broken = app.signer.dumps("hand-edited")
    kept[access._digest("hand-edited")] = "李审计"  # not [name, expiry]
    kept["other"] = ["王出纳", "tomorrow"]
    sessions.write_text(json.dumps(kept, ensure_ascii=False), "utf-8")
    with caplog.at_level(logging.WARNING, logger="fundtrail.web"):
        restarted, _ = layer(users_path, sessions)
    assert "2 malformed entries" in caplog.text and str(sessions) in caplog.text
    valid = Client(restarted)
    valid.set_cookie(access.COOKIE, client.get_cookie(access.COOKIE).value)
    assert valid.get("/").get_data(as_text=True) == "账簿 李审计"  # the good session lives on
    forged = Client(restarted)
    forged.set_cookie(access.COOKIE, broken)
    answer = forged.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    sessions.write_text("[1, 2", "utf-8")
    with caplog.at_level(logging.WARNING, logger="fundtrail.web"):
        layer(users_path, sessions)
    assert "unreadable" in caplog.text


def test_a_users_file_broken_while_serving_is_a_page_and_a_log_line(users_path, tmp_path, caplog):
    path = tmp_path / "users.json"
    path.write_bytes(users_path.read_bytes())
    _app, client = layer(path)
    assert post_login(client, "李审计", "shenji-456").status_code == 302
    path.write_text('{"users": {"李审计": {"role": "auditor"', "utf-8")  # an editor saving half
    with caplog.at_level(logging.ERROR, logger="fundtrail.web"):
        page = client.get("/")
        login = post_login(Client(_app), "李审计", "shenji-456")
    for answer in (page, login):
        assert answer.status_code == 503 and "用户文件无法读取" in answer.get_data(as_text=True)
        assert str(tmp_path) not in answer.get_data(as_text=True)  # the path goes to the log only
    assert str(path) in caplog.text and "malformed" in caplog.text
    path.write_text(json.dumps({"users": {"李审计": {"role": "auditor", "password": 5}}}), "utf-8")
    with pytest.raises(users.UsersFileError, match="李审计"):
        users.load(path)


@pytest.mark.parametrize("common", ["12345678", "password", "PassWord", "woaini1314", "1qaz2wsx",
                                    "asdfghjkl", "qwertyuiop"])
def test_common_passwords_are_refused(tmp_path, common):
    with pytest.raises(users.UsersFileError, match="常用密码"):
        users.add(tmp_path / "u.json", "王审计", "auditor", common)
    assert not (tmp_path / "u.json").exists()


def test_the_common_password_list_ships_as_data():
    listed = users.common_passwords()
    assert len(listed) > 150 and "12345678" in listed and "password" in listed
    assert users.password_weakness("shenji-456") == ""


@pytest.mark.parametrize("name", ["张<会计>", "<script>", "李审计 ", ".王", "赵\n钱"])
def test_a_name_git_would_alter_is_refused_not_altered(tmp_path, name):
    with pytest.raises(users.UsersFileError, match="git"):
        users.add(tmp_path / "u.json", name, "auditor", "shenji-456")
    root = tmp_path / "ws"
    root.mkdir()
    history.init(root, "新建 init")
    (root / "a.txt").write_text("x", "utf-8")
    with pytest.raises(history.HistoryError, match="git"):
        history.commit(root, "网页保存 web save", author=name)



@pytest.mark.parametrize("name", ["李\u202e计审", "王\u200b审计", "张\x85会计", "赵\u2066钱\u2069", "孙\ufeff"])
def test_a_name_the_desk_would_refuse_is_refused_at_users_add_and_load(tmp_path, name):
    """A format or C1 control character (bidi override, zero-width, NEL, BOM) passes git but the
    findings desk refuses it as the author of a disposition: such a user could never record one."""
    from click.testing import CliRunner

    from fundtrail.cli import main
    from fundtrail.fava_ext import desk
    from fundtrail.ledgertext import ControlCharacters

    with pytest.raises(ControlCharacters):
        desk.inert(name, "用户名")
    path = tmp_path / "u.json"
    result = CliRunner().invoke(main, ["users", "add", str(path), name, "--password", "shenji-456"])
    assert result.exit_code == 1 and "控制字符" in result.output and "Traceback" not in result.output
    assert not path.exists()
    users.add(path, "王审计", "auditor", "shenji-456")  # a hand-edited file holding such a name
    table = json.loads(path.read_text("utf-8"))
    table["users"][name] = table["users"]["王审计"]
    path.write_text(json.dumps(table, ensure_ascii=False), "utf-8")
    with pytest.raises(users.UsersFileError, match="控制字符") as refused:
        users.load(path)
    assert str(path) in str(refused.value)
    assert users.name_problem("王审计") == "" and desk.inert("王审计", "用户名") == "王审计"

def test_a_name_git_keeps_is_the_author_exactly(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    history.init(root, "新建 init")
    (root / "a.txt").write_text("x", "utf-8")
    history.commit(root, "网页保存 web save", author="O'Brien 张")
    authors = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%an"],
                             capture_output=True, text=True, check=True).stdout
    assert authors == "O'Brien 张\n"


def test_an_addresss_count_is_forgotten_after_a_quiet_day(users_path):
    """Logins no longer clear an address's count, so the count itself must not last forever
    (an office's typos over weeks would end in a 15-minute lock-out at every typo)."""
    app, client = layer(users_path)

    def spray(tag):
        return [post_login(client, f"用户{tag}{n}", "guess-0000").status_code for n in range(21)]

    assert spray("a") == [401] * 20 + [429]
    app.throttle.clock.now += 3600  # an hour later: one more try, then the doubled delay
    assert spray("b")[:2] == [401, 429]
    app.throttle.clock.now += access.FORGET
    assert spray("c") == [401] * 20 + [429]
