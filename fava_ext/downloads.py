"""Report downloads from the extension, made by the same functions as the CLI (fundtrail.reports).

Each download names its function by module and attribute and imports it only when asked, so
Fava starts even where the reports (and weasyprint's system libraries) are missing.

The reports that take seconds on a county's books (the village notice, the county disclosure,
the audit report, the xlsx export) are rendered in the background (`start`, fundtrail.fava_ext.jobs):
the click is answered at once with a page that follows the job (`job_page`) and then sends the
file (`job_file`). A household card (well under a second, whatever the size of the books) is
sent at once (`download`). A job belongs to the browser that started it (a cookie of its own)
with its signed-in user and role.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib
import secrets
from dataclasses import dataclass
from io import BytesIO

from flask import Response, abort, make_response, redirect, request, send_file, url_for

from fundtrail.fava_ext import jobs, roles
from fundtrail.periods import TypedPeriod, parse_period

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Report:
    module: str
    function: str
    mimetype: str
    suffix: str


REPORTS = {
    "village_notice": Report("fundtrail.reports.village", "notice_pdf", PDF, "pdf"),
    "county_pdf": Report("fundtrail.reports.county", "disclosure_pdf", PDF, "pdf"),
    "audit_pdf": Report("fundtrail.reports.audit", "audit_pdf", PDF, "pdf"),
    "household_card": Report("fundtrail.reports.household", "card_for", PDF, "pdf"),
    "xlsx": Report("fundtrail.reports.export", "xlsx_bytes", XLSX, "xlsx"),
}


JOBS = jobs.Jobs()  # every ledger's report jobs in this process: at most one render per core
COOKIE = "fundtrail_jobs"  # which browser started a job
NO_STORE = {"Cache-Control": "no-store"}
TOKEN = "t"  # the report buttons' token (`token_of`)

PLAIN = {"Content-Type": "text/plain; charset=utf-8"}  # what a user typed is never read as markup


def plain(message: str, status: int) -> Response:
    return make_response(message, status, PLAIN)


def bad_request(message: str) -> Response:
    abort(plain(message, 400))


def unavailable(message: str) -> Response:
    abort(plain(message, 503))


def typed(value: str | None, kinds: tuple[str, ...], wording: str) -> TypedPeriod:
    """The period a request argument names (fundtrail.periods.parse_period, as the CLI and the
    reports read it); a 400 answer in the pages' wording otherwise."""
    try:
        return parse_period(value, *kinds)
    except ValueError:
        bad_request(f"{wording}，收到的是 {value!r}")


def year(value: str | None) -> int:
    return typed(value, ("year",), "年份格式应为 2025").year


def quarter(value: str | None) -> str:
    """The quarter's label, written as the CLI writes it (2025q3 -> 2025Q3)."""
    return typed(value, ("quarter",), "季度格式应为 2025Q3").label


def period(value: str | None) -> str:
    """A year ("2025") or a quarter ("2025Q3"), as the audit report takes it, in its label."""
    return typed(value, ("year", "quarter"),
                 "期间格式应为 2025 或 2025Q3").label


def period_title(label: str) -> str:
    """A year or a quarter as the pages name it: 2025年, 2025年第三季度."""
    return parse_period(label, "year", "quarter").title


def require_period(books, label: str) -> None:
    """Refuse a period the books hold no transactions in, with the CLI's words
    (fundtrail.reports.facts.period_problem, as `fundtrail report` refuses it)."""
    from fundtrail.reports.facts import Period, period_problem

    span = Period.parse(label)
    problem = period_problem(books, span.start, span.end, label)
    if problem:
        abort(plain(problem, 404))


def function_of(report: Report):
    """The report's function, imported now; a 501 answer when it cannot be."""
    try:
        return getattr(importlib.import_module(report.module), report.function)
    except (ImportError, AttributeError, OSError) as error:  # OSError: weasyprint without pango
        abort(plain(f"报表功能尚未安装：{report.module}.{report.function}（{error}）", 501))


def download(name: str, filename: str, *args, **kwargs) -> Response:
    """Run report `name` on `args` and send its bytes as `filename`.<suffix>, now."""
    report = REPORTS[name]
    content = function_of(report)(*args, **kwargs)
    return send_file(BytesIO(content), mimetype=report.mimetype, as_attachment=True,
                     download_name=f"{filename}.{report.suffix}")


# -- in the background ----------------------------------------------------------------------
def owner() -> tuple[str, str, str]:
    """Who may follow a job: the signed-in user and role (empty without the login layer) and
    this browser's job cookie."""
    return roles.user() or "", roles.role() or "", request.cookies.get(COOKIE, "")


def start(extension, name: str, filename: str, title: str, back: str, books, *args,
          **kwargs) -> Response:
    """Start report `name` on `books` (the load it was asked on) and `args` in the background,
    and send the browser to the page that follows it (a 303); the same request again, while
    its job waits or runs, joins that job."""
    if not from_a_page():
        return page(extension, "stale", 403, back=back)
    report = REPORTS[name]
    function = function_of(report)
    cookie = request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
    who = (*owner()[:2], cookie)
    key = (name, id(books), args, tuple(sorted(kwargs.items())))
    try:
        job = JOBS.submit(who, key, functools.partial(function, books, *args, **kwargs),
                          kind=name, title=title, filename=f"{filename}.{report.suffix}",
                          mimetype=report.mimetype, back=back)
    except jobs.Busy as busy:
        return page(extension, "busy", 503, message=str(busy), back=back)
    response = redirect(extension.endpoint_url("job", id=job.id), 303)
    if cookie != request.cookies.get(COOKIE):
        response.set_cookie(COOKIE, cookie, httponly=True, samesite="Lax", secure=roles.over_tls())
    return response


def token_of(csrf: str) -> str:
    """The token a report button's link carries: derived from the page's CSRF token (which
    stays out of URLs), hex (kept as it is by the masked views), "" without one."""
    if not csrf:
        return ""
    return hmac.new(csrf.encode(), b"fundtrail-report", hashlib.sha256).hexdigest()[:32]


def from_a_page() -> bool:
    """Whether a request that starts a render came from one of the pages' buttons: behind
    `fundtrail serve`'s guard it carries the token of this browser's CSRF token, which another
    site's link, image or prefetch cannot know (a GET passes the guard's CSRF check, and a
    SameSite=Lax session cookie rides along on a link from another site). Plain Fava has no
    CSRF token to bind to."""
    csrf = request.environ.get("fundtrail.csrf")
    if csrf is None:
        return True
    return hmac.compare_digest(request.args.get(TOKEN, "").encode(), token_of(csrf).encode())


def job_page(extension) -> Response:
    """The page that follows a job: waiting (it reloads itself), ready (it starts the
    download), or failed (why, in Chinese); a job that is not this browser's, or no longer
    kept, is 404."""
    job = JOBS.get(request.args.get("id", ""), owner())
    if job is None:
        return page(extension, "missing", 404, keep=round(JOBS.keep / 60))
    elapsed = JOBS.elapsed(job)
    took = JOBS.took(job.kind)
    return page(extension, job.state, 500 if job.state == jobs.FAILED else 200, job=job,
                back=job.back, elapsed=round(elapsed), ahead=JOBS.ahead(job),
                took=None if took is None else max(1, round(took)),
                share=None if not took else min(elapsed / took, 0.95),
                refresh=1 if elapsed < 5 else 2, keep=round(JOBS.keep / 60),
                size=f"{job.size / 1024:,.0f}",
                file_url=extension.endpoint_url("job_file", id=job.id))


def job_file(extension) -> Response:
    """A finished job's file; the job's page while it is not finished."""
    job = JOBS.get(request.args.get("id", ""), owner())
    if job is None:
        return page(extension, "missing", 404, keep=round(JOBS.keep / 60))
    if job.state != jobs.DONE:
        return redirect(extension.endpoint_url("job", id=job.id), 303)
    path = job.path  # a job dropped meanwhile has none
    if not path:
        return page(extension, "missing", 404, keep=round(JOBS.keep / 60))
    try:  # sent from its file on disk, opened now
        response = send_file(path, mimetype=job.mimetype, as_attachment=True,
                             download_name=job.filename, etag=False, max_age=None)
    except OSError:
        return page(extension, "missing", 404, keep=round(JOBS.keep / 60))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def page(extension, state: str, status: int, back: str | None = None, **values) -> Response:
    html = extension.jinja_env.get_template("_ft_job.html").render(
        state=state, back=back or url_for("extension_report", extension_name="Fundtrail"), **values)
    return make_response(html, status, {"Content-Type": "text/html; charset=utf-8", **NO_STORE})
