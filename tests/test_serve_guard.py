"""What `fundtrail serve` adds in front of Fava (fundtrail.web.serve.secure): cross-site writes
refused, loopback Host names only without users, personal numbers masked for a role that is not
internal in Fava's own views and downloads, every web save committed under its user, and the
login hardened (throttling, revocation, safe `next`, Secure cookie, passwords, lasting key)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from chinese_only import english

from fundtrail import history
from fundtrail.web import users
from fundtrail.web.serve import create_app, secure

ID_NUMBER = re.compile(r"(?<![0-9])370405\d{11}[\dX](?![0-9])")


@pytest.fixture(scope="module")
def workspace(demo, tmp_path_factory):
    """A copy of the demo under git, where only accountants are internal."""
    root = tmp_path_factory.mktemp("guarded") / "ws"
    shutil.copytree(demo[0], root)
    main = root / "main.beancount"
    main.write_text(main.read_text("utf-8").replace(
        'custom "fava-extension" "fundtrail.fava_ext"',
        'custom "fava-extension" "fundtrail.fava_ext" "{\'internal_roles\': [\'accountant\']}"'), "utf-8")
    history.init(root, "新建 init")
    users_path = root.parent / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    return root, users_path


@pytest.fixture(scope="module")
def site(workspace):
    root, users_path = workspace
    return secure(create_app(str(root / "main.beancount")), root / "main.beancount", users_path)


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(app, name, password, **headers):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    response = c.post("/login", data={"name": name, "password": password, "next": "/",
                                      "csrf_token": token_of(page)}, headers=headers)
    return c, response


def slug(c) -> str:
    return c.get("/").headers["Location"].strip("/").split("/")[0]


def commits(root) -> list[str]:
    return subprocess.run(["git", "-C", str(root), "log", "--format=%an|%s"], capture_output=True,
                          text=True, check=True).stdout.splitlines()


def findings_page(c, bfile):
    page = c.get(f"/{bfile}/extension/FundtrailFindings/").get_data(as_text=True)
    return re.search(r'<tr id="(F-[^"]+)"', page).group(1), token_of(page)


def test_a_cross_origin_post_records_nothing(site, workspace):
    root, _ = workspace
    c, response = login(site, "李审计", "shenji-456")
    assert response.status_code == 302
    bfile = slug(c)
    finding, token = findings_page(c, bfile)
    before = (root / "main.beancount").read_bytes(), len(commits(root))
    url = f"/{bfile}/extension/Fundtrail/disposition"
    form = {"id": finding, "status": "误报", "reason": "跨站伪造", "csrf_token": token}
    other_port = c.post(url, data=form, headers={"Origin": "http://localhost:8999"})
    assert other_port.status_code == 403 and other_port.get_data(as_text=True) == "拒绝跨站请求（来源 http://localhost:8999）"
    no_token = c.post(url, data={**form, "csrf_token": ""})
    assert no_token.status_code == 403 and "CSRF" in no_token.get_data(as_text=True)
    assert ((root / "main.beancount").read_bytes(), len(commits(root))) == before
    same_site = c.post(url, data={**form, "reason": "已核对回单"}, headers={"Origin": "http://localhost"})
    assert same_site.status_code == 303
    assert f'custom "finding" "{finding}" "误报" "已核对回单"' in (root / "main.beancount").read_text("utf-8")
    assert commits(root)[0].startswith("李审计|处置疑点")


def test_without_users_only_loopback_host_names_are_served(workspace):
    root, _ = workspace
    app = secure(create_app(str(root / "main.beancount")), root / "main.beancount")
    c = app.test_client()
    for host in ("evil.example", "evil.example:5000", "10.0.0.7:5000"):
        assert c.get("/", headers={"Host": host}).status_code == 421, host
    for host in ("127.0.0.1:5000", "localhost", "[::1]:5000"):
        assert c.get("/", headers={"Host": host}).status_code == 302, host


def test_every_answer_forbids_inline_scripts(site):
    c, _ = login(site, "张会计", "kuaiji-123")
    for path in ("/login", f"/{slug(c)}/journal/", f"/{slug(c)}/api/journal"):
        policy = c.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_the_auditor_gets_no_personal_numbers_from_favas_own_views(site):
    accountant, _ = login(site, "张会计", "kuaiji-123")
    auditor, _ = login(site, "李审计", "shenji-456")
    bfile = slug(accountant)
    query = quote("SELECT date, narration, META('id_no') AS id_no WHERE META('id_no') IS NOT NULL")
    for path in (f"/{bfile}/api/journal", f"/{bfile}/download-journal/",
                 f"/{bfile}/api/query?query_string={query}",
                 f"/{bfile}/download-query/query_result.csv?query_string={query}"):
        inside = accountant.get(path)
        outside = auditor.get(path)
        assert inside.status_code == outside.status_code == 200, path
        assert len(set(ID_NUMBER.findall(inside.get_data(as_text=True)))) > 100, path
        text = outside.get_data(as_text=True)
        assert not ID_NUMBER.findall(text), path
        assert re.search(r"370405\*{12}", text), path  # masked, not dropped
    journal = json.loads(auditor.get(f"/{bfile}/api/journal").get_data(as_text=True))
    assert journal["data"] and all(re.fullmatch(r"[0-9a-f]+", e["entry_hash"]) for e in journal["data"][:50])
    spreadsheet = auditor.get(f"/{bfile}/download-query/query_result.xlsx?query_string={query}")
    assert spreadsheet.status_code == 403


ID_OR_CARD = re.compile(r"\d{17}[\dX]|\d{16,19}")


def personal_numbers(root) -> set[str]:
    """Every 18-digit ID number and 16-19 digit card number of the ledger: its registers' cells
    and its entries' and postings' metadata."""
    from beancount import loader

    from fundtrail.masterdata import read_register

    found = {str(v).strip() for path in (root / "registers").glob("*.csv")
             for row in read_register(path) for v in row.values()}
    entries, _, _ = loader.load_file(str(root / "main.beancount"))
    for entry in entries:
        for meta in [entry.meta, *(p.meta or {} for p in getattr(entry, "postings", ()))]:
            found |= {str(v).strip() for v in meta.values()}
    return {v for v in found if ID_OR_CARD.fullmatch(v)}


def tree_accounts(tree) -> list[str]:
    return [tree["account"], *(a for child in tree["children"] for a in tree_accounts(child))]


def test_the_auditor_reads_favas_reports_with_every_account_and_no_personal_number(site, workspace):
    """For a role that is not internal: village codes inside account names stay (two villages'
    accounts never share one masked name), ID and card numbers of the ledger appear nowhere."""
    root, _ = workspace
    secrets = personal_numbers(root)
    assert len([s for s in secrets if len(s) == 18]) > 100 and len(secrets) > 500
    auditor, _ = login(site, "李审计", "shenji-456")
    bfile = slug(auditor)
    opened = set(json.loads(re.search(
        r'id="ledger-data">(.*?)</script>', auditor.get(f"/{bfile}/journal/").get_data(as_text=True),
        re.S).group(1))["accounts"])
    assert len([a for a in opened if re.search(r":370405\d{6}$", a)]) > 20
    for page in ("balance_sheet", "income_statement", "journal"):
        html = auditor.get(f"/{bfile}/{page}/")
        text = html.get_data(as_text=True)
        assert html.status_code == 200, page
        accounts = json.loads(re.search(r'id="ledger-data">(.*?)</script>', text, re.S).group(1))["accounts"]
        assert len(accounts) == len(set(accounts)) and set(accounts) == opened, page
        api = auditor.get(f"/{bfile}/api/{page}")
        assert api.status_code == 200, page
        body = api.get_data(as_text=True)
        data = json.loads(body)["data"]
        if page == "journal":
            named = {p["account"] for e in data for p in e.get("postings", ())}
            named |= {e["account"] for e in data if "account" in e}
            assert named and named <= opened, page
        else:
            named = [a for tree in data["trees"] for a in tree_accounts(tree)]
            villages = {a for a in named if re.search(r":370405\d{6}$", a)}
            assert len(named) == len(set(named)) and not [a for a in named if "*" in a], page
            assert villages and villages <= opened, page
        for response in (text, body):
            assert not [n for n in secrets if n in response], page


def test_a_save_in_favas_editor_is_committed_as_its_user(site, workspace):
    root, _ = workspace
    c, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(c)
    note = {"t": "Note", "date": "2024-12-31", "meta": {}, "account": "Assets:Bank:ICBC-2345",
            "comment": "年末核对"}
    response = c.put(f"/{bfile}/api/add_entries", json={"entries": [note]},
                     headers={"Origin": "http://localhost"})
    assert response.status_code == 200, response.get_data(as_text=True)
    author, subject = commits(root)[0].split("|", 1)
    assert author == "张会计" and "add_entries" in subject
    shown = subprocess.run(["git", "-C", str(root), "show", "HEAD"], capture_output=True, text=True).stdout
    assert "年末核对" in shown
    assert subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == ""


# -- login ------------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def throttled(workspace):
    root, users_path = workspace
    clock = Clock()
    app = create_app(str(root / "main.beancount"))
    secure(app, root / "main.beancount", users_path)
    app.wsgi_app.app.throttle.clock = clock  # the login layer, inside the guard
    return app, clock


def test_twenty_wrong_passwords_do_not_open_the_door(throttled):
    app, clock = throttled
    for attempt in range(20):
        _, response = login(app, "李审计", f"guess-{attempt:04d}")
        assert response.status_code in (401, 429)
    _, right = login(app, "李审计", "shenji-456")
    assert right.status_code == 429 and "秒后再试" in right.get_data(as_text=True)
    assert "fundtrail_session" not in right.headers.get("Set-Cookie", "")
    clock.now += 16 * 60  # the delay has passed
    _, later = login(app, "李审计", "shenji-456")
    assert later.status_code == 302


def test_guessing_many_names_from_one_address_is_throttled_too(throttled):
    app, _clock = throttled
    for attempt in range(21):  # a spray of names, each tried once
        login(app, f"用户{attempt}", "whatever-1")
    _, response = login(app, "张会计", "kuaiji-123")
    assert response.status_code == 429


def test_an_unknown_name_costs_a_password_check(monkeypatch, workspace):
    checked = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    table = users.load(workspace[1])
    assert users.authenticate(table, "没有此人", "kuaiji-123") is None
    assert users.authenticate(table, "张会计", "wrong-pass") is None
    assert len(checked) == 2 and checked[0].split("$")[0] == checked[1].split("$")[0]


def test_logout_revokes_the_session_on_the_server(site):
    c, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(c)
    cookie = c.get_cookie("fundtrail_session").value
    assert c.get("/logout").status_code == 302
    thief = site.test_client()
    thief.set_cookie("fundtrail_session", cookie)
    assert thief.get(f"/{bfile}/editor/").headers["Location"].startswith("/login")


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example", "/%09/x", "/\\/evil",
                                    " //evil.example", "https:evil.example"])
def test_next_never_leaves_the_site(site, target):
    c = site.test_client()
    token = token_of(c.get("/login").get_data(as_text=True))
    response = c.post("/login", data={"name": "李审计", "password": "shenji-456", "next": target,
                                      "csrf_token": token})
    assert response.headers["Location"] in ("/", target) and not response.headers["Location"].startswith(("//", "/\\"))
    assert "\t" not in response.headers["Location"] and "\n" not in response.headers["Location"]


def test_the_cookie_is_secure_behind_tls(site):
    _, plain = login(site, "张会计", "kuaiji-123")
    _, behind_proxy = login(site, "张会计", "kuaiji-123", **{"X-Forwarded-Proto": "https"})
    assert "Secure" not in plain.headers["Set-Cookie"]
    assert "Secure" in behind_proxy.headers["Set-Cookie"] and "HttpOnly" in behind_proxy.headers["Set-Cookie"]


def test_short_passwords_are_refused(tmp_path):
    for weak in ("1", "1234567", "aaaaaaaaaa", "王审计王审计王审计"):
        with pytest.raises(users.UsersFileError):
            users.add(tmp_path / "u.json", "王审计王审计王审计" if weak.startswith("王") else "王审计",
                      "auditor", weak)


def test_sessions_outlive_a_restart_and_the_key_stays_out_of_git(workspace):
    root, users_path = workspace
    first = secure(create_app(str(root / "main.beancount")), root / "main.beancount", users_path)
    c, _ = login(first, "张会计", "kuaiji-123")
    cookie = c.get_cookie("fundtrail_session").value
    restarted = secure(create_app(str(root / "main.beancount")), root / "main.beancount", users_path)
    again = restarted.test_client()
    again.set_cookie("fundtrail_session", cookie)
    assert not again.get("/").headers["Location"].startswith("/login")
    history.commit(root, "任意 anything")
    tracked = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True).stdout
    assert ".fundtrail/" not in tracked
    from fundtrail import keys

    kept = keys.folder(root)  # outside the workspace (the OS user's config folder), 0700 / 0600
    assert not kept.is_relative_to(root) and not (root / ".fundtrail").exists()
    assert kept.stat().st_mode & 0o077 == 0 and (kept / "server.key").stat().st_mode & 0o077 == 0


def test_a_form_post_too_large_is_refused_as_such_and_a_1_mb_upload_passes(site):
    """A 1 MB batch (the gate's limit) with its form fields was refused as a missing CSRF
    token; a larger post is refused as too large, not as a CSRF failure."""
    import io

    c, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(c)
    page = c.get(f"/{bfile}/extension/FundtrailGate/").get_data(as_text=True)
    url = f"/{bfile}/extension/Fundtrail/gate"
    sent = c.post(url, data={"batch": (io.BytesIO(b"x" * (1 << 20)), "a.csv"),
                             "csrf_token": token_of(page)}, content_type="multipart/form-data")
    assert sent.status_code == 303
    large = c.post(url, data={"batch": (io.BytesIO(b"x" * (2 << 20)), "a.csv"),
                              "csrf_token": token_of(page)}, content_type="multipart/form-data")
    assert large.status_code == 413 and "CSRF" not in large.get_data(as_text=True)


def test_a_web_save_while_another_writer_holds_the_books_is_refused_in_chinese(site, workspace, monkeypatch):
    from fundtrail.web import serve

    root, _ = workspace
    monkeypatch.setattr(serve, "WRITE_WAIT", 0.3)
    c, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(c)
    before = (root / "main.beancount").read_bytes(), len(commits(root))
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from fundtrail import lock\n"
        "with lock.writing(sys.argv[1], '导入'):\n"
        "    print('held', flush=True); time.sleep(3)"), str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        note = {"t": "Note", "date": "2024-12-31", "meta": {}, "account": "Assets:Bank:ICBC-2345",
                "comment": "锁定时的保存"}
        response = c.put(f"/{bfile}/api/add_entries", json={"entries": [note]},
                         headers={"Origin": "http://localhost"})
    finally:
        holder.wait(10)
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert text == (f"工作区“ws”的账簿正由进程 {holder.pid}（{Path(sys.executable).name[:15]}）写入，"
                    "已等待 0.3 秒仍未结束。网页保存未执行，账簿未作改动。请待该操作结束后重试。"
                    f"如确认该进程已无响应，请先结束进程 {holder.pid} 再重试。"), text
    assert english(text) == [] and str(root.parent) not in text
    assert ((root / "main.beancount").read_bytes(), len(commits(root))) == before
