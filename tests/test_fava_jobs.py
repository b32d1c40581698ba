"""Report downloads rendered in the background (fundtrail.fava_ext.jobs, docs/fava.md "Report
downloads"): a click answers at once with a Chinese page that follows the job and then offers
the file, which is the report the CLI's function makes; only the browser and user that asked
may follow or fetch it; a bad request answers as before, without a job; a failing render shows
a Chinese message, never a traceback; a reload of the books does not change a running job;
the workers, the queue and the files kept are bounded."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_workspace
from fava_pages import FavaClient
from reportkit import pdf_text

from fundtrail.fava_ext import downloads, jobs

VILLAGE = "370405101203"  # 张山东村 of the demo
NOTICE = f"Fundtrail/village_notice?village={VILLAGE}&quarter=2025Q2"


@pytest.fixture(scope="module")
def fava(demo):
    return FavaClient(demo[0] / "main.beancount")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def pool(monkeypatch):
    """A fresh set of jobs (one worker, a queue of two, a clock the test moves)."""
    clock = Clock()
    fresh = jobs.Jobs(workers=1, queue=2, clock=clock)
    monkeypatch.setattr(downloads, "JOBS", fresh)
    return fresh


@pytest.fixture
def county(monkeypatch):
    """The county disclosure rendered by a stand-in that waits until the test lets it go, and
    tells which books it was given (a PDF header and the number of their entries)."""
    import fundtrail.reports.county as module

    gate, seen = threading.Event(), []

    def render(books, year, issued=None):
        seen.append(books)
        assert gate.wait(60)
        return b"%PDF-1.7 stand-in " + str(len(books.index.entries)).encode()

    monkeypatch.setattr(module, "disclosure_pdf", render)
    yield gate, seen
    gate.set()


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def file_link(html: str) -> str:
    return re.search(r'<a class="button" href="([^"]+)">下载</a>', html).group(1).replace("&amp;", "&")


def test_a_village_notice_renders_in_the_background_and_downloads_as_the_report(fava, demo_books,
                                                                               pool):
    from fundtrail.reports import village

    job = fava.start(NOTICE)
    assert "/extension/Fundtrail/job?id=" in job
    assert len(re.search(r"id=([\w-]+)", job).group(1)) >= 32  # secrets.token_urlsafe(24)
    html = fava.follow(job)
    assert "报表已生成" in html and "张山东村2025年第二季度村级公告" in html
    assert "张山东村-2025Q2-村级公告.pdf" in html and 'content="0; url=' in html
    response = fava.client.get(file_link(html))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "张山东村2025年第二季度衔接资金和项目公告公示" in text
    assert text == pdf_text(village.notice_pdf(demo_books, "2025Q2", VILLAGE))  # as the CLI makes it
    assert "370405************" in text and not re.search(r"\b370405\d{12}\b", text)


def test_a_public_role_gets_the_same_masked_report_as_before(fava, demo_books, pool):
    from fundtrail.reports import village

    outsider = {"environ_overrides": {"fundtrail.role": "viewer", "fundtrail.user": "村民代表"}}
    response = fava.download(NOTICE, **outsider)
    assert pdf_text(response.data) == pdf_text(village.notice_pdf(demo_books, "2025Q2", VILLAGE))


def test_the_waiting_page_says_what_is_known_and_the_same_click_joins_the_job(fava, pool, county):
    gate, seen = county
    first = fava.start("Fundtrail/county_pdf?year=2025")
    wait_for(lambda: seen)
    pool.clock.now += 12
    html = fava.client.get(first).get_data(as_text=True)
    assert "正在生成……" in html and "2025年县级项目资金公告" in html
    assert "正在生成，已用时 12 秒" in html and '<meta http-equiv="refresh" content="2">' in html
    assert "Traceback" not in html
    assert fava.start("Fundtrail/county_pdf?year=2025") == first  # a second click joins it
    second = fava.start("Fundtrail/county_pdf?year=2024")  # another report waits for the worker
    waiting = fava.client.get(second).get_data(as_text=True)
    assert "排队中，即将开始（已等待 0 秒）" in waiting and "2024年县级项目资金公告" in waiting
    assert fava.client.get(second.replace("/job?", "/job_file?")).status_code == 303  # not yet
    gate.set()
    html = fava.follow(first)
    assert "报表已生成" in html and "用时" in html
    assert fava.client.get(file_link(html)).data.startswith(b"%PDF-1.7 stand-in")
    assert "报表已生成" in fava.follow(second)
    assert len(seen) == 2  # one render for the two clicks on 2025, one for 2024


def test_another_browser_or_user_cannot_follow_or_fetch_a_job(fava, pool, county):
    county[0].set()
    job = fava.start("Fundtrail/county_pdf?year=2025")
    html = fava.follow(job)
    link = file_link(html)
    assert fava.client.get(link).status_code == 200
    stranger = fava.app.test_client()  # no cookie of this browser
    for client, kwargs in [(stranger, {}),
                           (fava.client, {"environ_overrides": {"fundtrail.user": "other"}}),
                           (fava.client, {"environ_overrides": {"fundtrail.role": "auditor"}})]:
        for url in (job, link):
            response = client.get(url, **kwargs)
            assert response.status_code == 404
            body = response.get_data(as_text=True)
            assert "下载任务不存在或已过期" in body and "%PDF" not in body
    other_id = job.replace(re.search(r"id=([\w-]+)", job).group(1), "x" * 32)
    assert fava.client.get(other_id).status_code == 404


@pytest.mark.parametrize(("path", "status", "message"), [
    ("county_pdf?year=25", 400, "年份格式应为 2025"),
    ("audit_pdf?period=2025-3", 400, "期间格式应为 2025 或 2025Q3"),
    (f"village_notice?village={VILLAGE}&quarter=2025-3", 400, "季度格式应为 2025Q3"),
    ("xlsx?year=twenty", 400, "年份格式应为 2025"),
    ("audit_pdf?period=2019", 404, "账簿中没有 2019"),
    ("county_pdf?year=0000", 400, "年份格式应为 2025"),
    ("audit_pdf?period=0000Q1", 400, "期间格式应为 2025 或 2025Q3"),
])
def test_a_bad_request_answers_as_before_and_starts_no_job(fava, pool, path, status, message):
    response = fava.get(f"Fundtrail/{path}", status=status)
    assert message in response.get_data(as_text=True)
    assert len(pool) == 0


def test_a_period_typed_otherwise_is_the_report_of_its_label(fava, pool, monkeypatch):
    """2025q2 or ２０２５Q2 (fundtrail.periods.parse_period, as `fundtrail report audit --period`
    takes them) is the audit report of 2025Q2: one job, rendered for 2025Q2, in its file name."""
    import fundtrail.reports.audit as audit

    gate, asked = threading.Event(), []

    def render(books, period):
        asked.append(period)
        assert gate.wait(60)
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(audit, "audit_pdf", render)
    job = fava.start("Fundtrail/audit_pdf?period=2025q2")
    wait_for(lambda: asked)
    assert fava.start("Fundtrail/audit_pdf?period=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95Q2") == job
    gate.set()
    html = fava.follow(job)
    assert "2025年第二季度审计报告" in html and "2025Q2-审计报告.pdf" in html
    assert asked == ["2025Q2"]


def test_a_failing_render_shows_a_chinese_message_without_a_traceback(fava, pool, monkeypatch):
    import fundtrail.reports.audit as audit

    def broken(books, period):
        raise RuntimeError("boom: internal detail at layout step 3")

    monkeypatch.setattr(audit, "audit_pdf", broken)
    job = fava.start("Fundtrail/audit_pdf?period=2025")
    wait_for(lambda: fava.client.get(job).status_code == 500)
    response = fava.client.get(job)
    html = response.get_data(as_text=True)
    assert "报表生成失败" in html and jobs.FAILED_MESSAGE in html and "2025年审计报告" in html
    for leak in ("Traceback", "boom", "RuntimeError", "layout"):
        assert leak not in html
    assert fava.client.get(job.replace("/job?", "/job_file?")).status_code == 303  # back to the page

    def no_font(books, period):
        raise RuntimeError("未找到中文字体，请安装 fonts-noto-cjk (make setup) no CJK font")

    monkeypatch.setattr(audit, "audit_pdf", no_font)
    job = fava.start("Fundtrail/audit_pdf?period=2024")
    wait_for(lambda: fava.client.get(job).status_code == 500)
    assert "未找到中文字体，请安装 fonts-noto-cjk" in fava.client.get(job).get_data(as_text=True)


def test_a_full_queue_is_refused_in_chinese(fava, monkeypatch, county):
    monkeypatch.setattr(downloads, "JOBS", jobs.Jobs(workers=1, queue=0))
    fava.start("Fundtrail/county_pdf?year=2025")
    response = fava.client.get(fava.url("Fundtrail/county_pdf?year=2024"))
    assert response.status_code == 503
    assert "服务器正忙" in response.get_data(as_text=True)


def test_a_reload_of_the_books_does_not_change_a_running_job(demo, tmp_path, pool, county):
    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    fava = FavaClient(root / "main.beancount")
    ledger = fava.app.config["LEDGERS"].ledgers[0]
    extension = ledger.extensions.get_extension("Fundtrail")
    gate, seen = county
    before = extension.books
    job = fava.start("Fundtrail/county_pdf?year=2025")
    wait_for(lambda: seen)
    finding = extension.data.findings[0].id  # a disposition recorded while the report renders
    response = fava.client.post(fava.url("Fundtrail/disposition"),
                                data={"id": finding, "status": "误报", "reason": "已核对回单"})
    assert response.status_code == 303
    if extension.books is before:
        ledger.load_file()  # the file watcher may be slow
    assert extension.books is not before
    assert len(extension.books.index.entries) == len(before.index.entries) + 1
    gate.set()
    data = fava.client.get(file_link(fava.follow(job))).data
    assert seen == [before] and data.endswith(str(len(before.index.entries)).encode())
    again = fava.start("Fundtrail/county_pdf?year=2025")  # a click now renders the new books
    assert again != job
    html = fava.follow(again)
    assert fava.client.get(file_link(html)).data.endswith(str(len(extension.books.index.entries)).encode())


# -- the pool on its own -----------------------------------------------------------------------
def _job(pool: jobs.Jobs, work, owner=("", "", "browser"), key=None):
    return pool.submit(owner, key or (object(),), work, kind="test", title="测试报表",
                       filename="t.pdf", mimetype="application/pdf", back="/")


def test_at_most_workers_render_at_once_and_the_rest_wait_in_order():
    pool = jobs.Jobs(workers=2, queue=3, per_owner=10)
    gate, lock, running, most = threading.Event(), threading.Lock(), [0], [0]

    def work():
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        gate.wait(30)
        with lock:
            running[0] -= 1
        return b"%PDF-"

    started = [_job(pool, work) for _ in range(5)]
    wait_for(lambda: sum(j.state == jobs.RUNNING for j in started) == 2)
    assert [pool.ahead(j) for j in started[2:]] == [0, 1, 2]
    with pytest.raises(jobs.Busy, match="服务器正忙"):
        _job(pool, work)
    gate.set()
    wait_for(lambda: all(j.state == jobs.DONE for j in started))
    assert most[0] == 2


def test_one_owner_has_a_few_jobs_at_once():
    pool = jobs.Jobs(workers=1, queue=10, per_owner=2)
    gate = threading.Event()
    _job(pool, lambda: gate.wait(30) and b"")
    _job(pool, lambda: gate.wait(30) and b"")
    with pytest.raises(jobs.Busy, match="您已有 2 个报表正在生成"):
        _job(pool, lambda: b"")
    _job(pool, lambda: b"", owner=("", "", "another browser"))  # others are not held up
    gate.set()


def test_a_signed_in_user_has_a_few_jobs_at_once_whatever_the_browser_cookie():
    """Behind the login the bound is the user's: a client that drops the job cookie on every
    click (a new browser each time) cannot fill the queue every user shares."""
    pool = jobs.Jobs(workers=1, queue=10, per_owner=2)
    gate = threading.Event()
    _job(pool, lambda: gate.wait(30) and b"", owner=("李审计", "auditor", "cookie 1"))
    _job(pool, lambda: gate.wait(30) and b"", owner=("李审计", "auditor", "cookie 2"))
    with pytest.raises(jobs.Busy, match="您已有 2 个报表正在生成"):
        _job(pool, lambda: b"", owner=("李审计", "auditor", "cookie 3"))
    _job(pool, lambda: b"", owner=("张会计", "accountant", "cookie 4"))  # another user is not held up
    gate.set()


def test_finished_files_are_kept_a_few_minutes_and_a_bounded_number_of_bytes():
    clock = Clock()
    pool = jobs.Jobs(workers=1, keep=600, keep_bytes=10, clock=clock)
    owner = ("", "", "browser")
    first = _job(pool, lambda: b"123456")
    wait_for(lambda: first.state == jobs.DONE)
    clock.now += 1
    second = _job(pool, lambda: b"abcdef")
    wait_for(lambda: second.state == jobs.DONE)
    assert pool.get(first.id, owner) is None  # 12 bytes > 10: the older file dropped
    assert pool.get(second.id, owner).content == b"abcdef"
    path = pool.get(second.id, owner).path
    assert os.path.exists(path) and not any(isinstance(v, bytes) for v in vars(second).values())
    clock.now += 601
    assert pool.get(second.id, owner) is None and len(pool) == 0
    assert not os.path.exists(path)  # a dropped job's file is removed
    big = _job(pool, lambda: b"x" * 11)
    wait_for(lambda: not big.active)
    assert big.state == jobs.FAILED and "报表文件过大" in big.error and big.content is None



def test_a_slow_write_of_a_finished_file_holds_up_no_other_page():
    """The worker writes a finished report to disk outside the jobs' lock: while the write is
    under way another thread follows a job and starts one; the job is done once written."""
    pool = jobs.Jobs(workers=2, per_owner=10)
    writing, release, answered = threading.Event(), threading.Event(), threading.Event()
    save = pool._save

    def slow_save(*args):
        writing.set()
        assert release.wait(30)
        return save(*args)

    pool._save = slow_save
    owner = ("", "", "browser")
    job = _job(pool, lambda: b"%PDF-slow")
    assert writing.wait(30)
    got = []

    def another_page():
        got.append((pool.get(job.id, owner), _job(pool, lambda: b"%PDF-other"), len(pool)))
        answered.set()

    threading.Thread(target=another_page, daemon=True).start()
    try:
        assert answered.wait(10)  # not held up by the write
    finally:
        release.set()
    assert got[0][0] is job and got[0][2] == 2
    wait_for(lambda: job.state == jobs.DONE)
    assert job.content == b"%PDF-slow" and job.size == len(b"%PDF-slow")

# -- behind `fundtrail serve`'s guard and login ---------------------------------------------------
def test_behind_the_login_a_job_is_its_users_and_the_report_is_masked_as_before(demo, tmp_path,
                                                                                monkeypatch):
    """An auditor who is not an internal role gets the county disclosure as before (masked by
    the report); the accountant, even with the auditor's job cookie copied, cannot follow or
    fetch it."""
    from fundtrail.reports import county
    from fundtrail.web import users
    from fundtrail.web.serve import create_app, secure

    monkeypatch.setattr(downloads, "JOBS", jobs.Jobs(workers=1))
    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    main = root / "main.beancount"
    main.write_text(main.read_text("utf-8").replace(
        'custom "fava-extension" "fundtrail.fava_ext"',
        'custom "fava-extension" "fundtrail.fava_ext" "{\'internal_roles\': [\'accountant\']}"'), "utf-8")
    users_path = tmp_path / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    app = secure(create_app(str(main)), main, users_path)

    def login(name, password):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
        assert client.post("/login", data={"name": name, "password": password, "next": "/",
                                           "csrf_token": token}).status_code == 302
        return client

    auditor, accountant = login("李审计", "shenji-456"), login("张会计", "kuaiji-123")
    bfile = auditor.get("/").headers["Location"].strip("/").split("/")[0]
    page = auditor.get(f"/{bfile}/extension/Fundtrail/?time=2025").get_data(as_text=True)
    button = re.search(r'<a data-remote href="([^"]+county_pdf[^"]+)"', page).group(1).replace("&amp;", "&")
    click = auditor.get(button)  # the page's own button (a masked view keeps its token)
    assert click.status_code == 303 and "HttpOnly" in click.headers["Set-Cookie"]
    job = click.headers["Location"]
    deadline = time.monotonic() + 120
    while "报表已生成" not in (html := auditor.get(job).get_data(as_text=True)):
        assert "正在生成……" in html and time.monotonic() < deadline, html
        time.sleep(0.1)
    link = file_link(html)
    response = auditor.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    books = app.config["LEDGERS"].ledgers[0].extensions.get_extension("Fundtrail").books
    assert pdf_text(response.data) == pdf_text(county.disclosure_pdf(books, 2025))
    assert not re.search(r"(?<![0-9])370405\d{11}[\dX](?![0-9])", pdf_text(response.data))
    cookie = auditor.get_cookie(downloads.COOKIE)
    accountant.set_cookie(downloads.COOKIE, cookie.value)  # the auditor's browser cookie, copied
    for url in (job, link):
        answer = accountant.get(url)
        assert answer.status_code == 404 and "下载任务不存在或已过期" in answer.get_data(as_text=True)


def test_behind_the_guard_only_the_pages_own_buttons_start_a_render(demo, tmp_path, monkeypatch):
    """A render is started by a GET: another site's link, <img> or prefetch to that URL (the
    browser sends no token, a Lax cookie rides along on a link) starts nothing (403 in Chinese,
    no job); the page's own buttons carry a token bound to this browser's CSRF token and work."""
    from fundtrail.web.serve import create_app, secure

    pool = jobs.Jobs(workers=1)
    monkeypatch.setattr(downloads, "JOBS", pool)
    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    main = root / "main.beancount"
    client = secure(create_app(str(main)), main, None).test_client()
    bfile = client.get("/").headers["Location"].strip("/").split("/")[0]
    base = f"/{bfile}/extension/Fundtrail/"
    for path in ("county_pdf?year=2025", "audit_pdf?period=2025", "xlsx?year=2025", "xlsx",
                 f"village_notice?village={VILLAGE}&quarter=2025Q2", "audit_pdf?period=2025&t=" + "0" * 32):
        answer = client.get(base + path)  # what another site's link or image sends
        assert answer.status_code == 403, path
        assert "请回到页面重新点击" in answer.get_data(as_text=True)
    assert len(pool) == 0
    page = client.get(f"/{bfile}/extension/Fundtrail/?time=2025").get_data(as_text=True)
    buttons = [h.replace("&amp;", "&") for h in re.findall(r'<a data-remote href="([^"]+)"', page)]
    assert len(buttons) == 3 and all("&t=" in h for h in buttons)
    village = client.get(f"/{bfile}/extension/FundtrailVillages/?village={VILLAGE}&time=2025").get_data(as_text=True)
    buttons += [h.replace("&amp;", "&") for h in re.findall(r'<a data-remote href="([^"]+village_notice[^"]+)"', village)][:1]
    assert len(buttons) == 4
    for href in buttons:
        click = client.get(href)
        assert click.status_code == 303 and "/job?id=" in click.headers["Location"], href
    assert len(pool) == 4


def test_a_finished_job_keeps_its_file_not_the_books_it_was_rendered_on(demo, tmp_path, pool,
                                                                        monkeypatch):
    import gc
    import weakref

    import fundtrail.reports.county as module

    monkeypatch.setattr(module, "disclosure_pdf", lambda books, year, issued=None:
                        b"%PDF-1.7 stand-in " + str(len(books.index.entries)).encode())
    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    fava = FavaClient(root / "main.beancount")
    ledger = fava.app.config["LEDGERS"].ledgers[0]
    extension = ledger.extensions.get_extension("Fundtrail")
    books, index = weakref.ref(extension.books), weakref.ref(extension.books.index)
    entries = len(extension.books.index.entries)
    job = fava.start("Fundtrail/county_pdf?year=2025")
    html = fava.follow(job)
    (kept,) = [j for j in pool._jobs.values()]
    assert kept.state == jobs.DONE and kept.work is None and kept.size == len(kept.content)
    assert Path(kept.path).read_bytes().startswith(b"%PDF-1.7 stand-in ")  # on disk, not in memory
    with open(root / "main.beancount", "a", encoding="utf-8") as main:
        main.write("\n; reloaded\n")
    ledger.load_file()
    assert extension.books is not books()
    gc.collect()
    assert books() is None and index() is None  # the finished job holds its file, not the books
    assert fava.client.get(file_link(html)).data == b"%PDF-1.7 stand-in " + str(entries).encode()
