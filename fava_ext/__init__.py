"""fundtrail's pages in Fava: 资金总览, 项目, 村, 资产, 农户, 科目, 发现, 付款审核 (docs/fava.md).

Enabled by the workspace's `custom "fava-extension" "fundtrail.fava_ext"` line; an optional
setting names the roles that see personal data unmasked:
`custom "fava-extension" "fundtrail.fava_ext" "{'internal_roles': ['accountant', 'auditor']}"`.

`Fundtrail` computes everything once per ledger load (`after_load_file`) and owns the endpoints:
the disposition form and the report downloads. The other three pages read its dashboard.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

from fava.ext import FavaExtensionBase, extension_endpoint
from fava.util.date import parse_date
from flask import jsonify, redirect, request, url_for

from fundtrail import beanerrors, history, lock, workflow
from fundtrail.books import Books
from fundtrail.fava_ext import assets as asset_pages
from fundtrail.fava_ext import (
    desk,
    downloads,
    gatedesk,
    ledgertree,
    listing,
    roles,
    views,
    workqueue,
)
from fundtrail.fava_ext import households as household_pages
from fundtrail.fava_ext.dashboard import Dashboard
from fundtrail.masking import INTERNAL, PUBLIC, masker_for
from fundtrail.plugins.checks import all_findings

log = logging.getLogger(__name__)


# What a user reads when the books could not be summarised (Fundtrail.failure holds the technical
# detail, shown after it as secondary information for whoever maintains the installation).
FAILURE_MESSAGE = (
    "资金数据未能计算，fundtrail 各页暂无数据，报告和 Excel 暂不能下载；Fava 自身的页面（日记账、"
    "错误、编辑器）仍可使用。请在命令行运行 fundtrail check 账簿文件，按其列出的错误改正账簿后重新加载"
    "本页；如 check 未报错或改正后仍然如此，请将技术信息告知系统维护人员。")
UNAVAILABLE_MESSAGE = (
    "资金数据未能计算，暂不能生成报告。请在命令行运行 fundtrail check 账簿文件，按其列出的错误改正账簿"
    "后重新加载页面；如 check 未报错或改正后仍然如此，请将下面的技术信息告知系统维护人员。")


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _width(value, cap=Decimal(1)) -> str:
    """A CSS width for a progress bar: the ratio, clipped to [0, cap]."""
    return f"{max(0, min(value or 0, cap)) * 100:.1f}%"


class _Page:
    """What the four pages share (a mixin: Fava instantiates every FavaExtensionBase subclass)."""

    ledger: object

    @property
    def fundtrail(self) -> Fundtrail:
        return self.ledger.extensions.get_extension(Fundtrail.__name__)

    @property
    def dashboard(self) -> Dashboard:
        return self.fundtrail.data

    @cached_property
    def jinja_env(self):
        env = FavaExtensionBase.jinja_env.func(self)
        from fundtrail.reports.render import yuan  # the reports' filter: one text of an amount

        env.filters.update(yuan=yuan, percent=_percent, width=_width)
        return env

    def year_view(self):
        """The year of Fava's time filter (its last day), else the latest year of the books."""
        _, end = parse_date(request.args.get("time", ""))
        wanted = (end - datetime.timedelta(days=1)).year if end else None
        return self.dashboard.year(wanted)

    def time_window(self) -> tuple[datetime.date | None, datetime.date | None]:
        """Fava's time filter as [start, end), (None, None) when there is none."""
        start, end = parse_date(request.args.get("time", ""))
        return start, end

    def page_url(self, page: str, **params: str) -> str:
        """The URL of one of the pages, without Fava's filters but with `params`."""
        return url_for("extension_report", extension_name=page, **{
            **dict.fromkeys(("conversion", "interval", "account", "filter", "time")), **params})

    def endpoint_url(self, endpoint: str, **params: str) -> str:
        """The URL of one of Fundtrail's endpoints (Flask's url_for reserves `endpoint`)."""
        base = self.page_url("Fundtrail")
        return base + endpoint + ("?" + urlencode(params) if params else "")

    def report_url(self, endpoint: str, **params: str) -> str:
        """The URL of a report button (downloads.start): with the token that shows it came
        from this page."""
        token = downloads.token_of(self.csrf_token)
        return self.endpoint_url(endpoint, **params, **({downloads.TOKEN: token} if token else {}))

    @property
    def csrf_token(self) -> str:
        """The token `fundtrail serve` expects in every form post (fundtrail.web.serve.Guard)."""
        return request.environ.get("fundtrail.csrf", "")

    def args(self, *names: str) -> dict[str, str]:
        return {name: request.args.get(name, "").strip() for name in names}

    def source_of(self, finding) -> str:
        """The original document of a finding's entry and its place in it (凭证号 and 第N行 of a
        voucher, else the statement's or list's row), as the audit report cites it."""
        from fundtrail.reports import evidence

        books = self.fundtrail.books
        entry = finding.entry
        if books is None or not (getattr(entry, "meta", None) or {}).get("source"):
            return ""
        return evidence.where(books.master, entry)


class Fundtrail(_Page, FavaExtensionBase):
    report_title = "资金总览"
    has_js_module = True  # Fundtrail.js: Chinese names in Fava's own pages (docs/fava.md)

    def __init__(self, ledger, config=None):
        super().__init__(ledger, config)
        self.books: Books | None = None
        self.data: Dashboard = Dashboard.empty()
        self.failure = ""  # the technical detail of why the books could not be summarised, if not
        self.gate_results = gatedesk.Results()  # the payment batches judged on the 付款审核 page

    def after_load_file(self) -> None:
        ledger = self.ledger
        # beancount's errors in Chinese for Fava's errors page and its count (same files and lines)
        ledger.load_errors = beanerrors.all_in_chinese(ledger.load_errors)
        try:
            books = Books(ledger.all_entries, ledger.errors, ledger.options,
                          ledger.beancount_file_path)
            self.books, self.failure = books, ""
            self.data = Dashboard.build(books, all_findings(books.index.entries, books.options))
        except Exception as error:  # Fava must stay usable (journal, editor) to fix the cause
            log.exception("fundtrail pages: cannot summarise %s", ledger.beancount_file_path)
            self.books, self.data = None, Dashboard.empty()
            self.failure = f"{type(error).__name__}: {error}"

    @property
    def failure_message(self) -> str:
        """What the pages say when the books could not be summarised ("" when they were)."""
        return FAILURE_MESSAGE if self.failure else ""

    @property
    def internal_roles(self):
        return tuple((self.config or {}).get("internal_roles", roles.INTERNAL_ROLES))

    def page(self) -> dict | None:
        view = self.year_view()
        return view and {"view": view, **views.overview(self.data, view, *self.time_window())}

    # -- the findings desk's form --------------------------------------------------------
    @extension_endpoint("disposition", ["POST"])
    def disposition(self):
        form = request.form
        finding_id = form.get("id", "")
        if finding_id not in self.data.ids():
            return downloads.plain(f"未知的疑点编号 {finding_id!r}", 400)
        status = form.get("status", "")
        if status in workflow.ACTIONS and not workqueue.may_record(roles.role(), status):
            return downloads.plain(f"当前角色（{roles.role()}）不能记录“{status}”", 403)
        by = roles.user() or ""
        try:
            text = (form.get("assignee") or form.get("reason", "")) if status == workflow.ASSIGN \
                else form.get("reason", "")
            entry = desk.disposition_entry(finding_id, status, text, datetime.date.today(), by=by,
                                           due=workqueue.parse_due(form.get("due", "")))
        except (desk.DispositionError, ValueError) as error:
            return downloads.plain(str(error), 400)
        root = Path(self.ledger.beancount_file_path).parent
        try:
            with lock.writing(root, f"处置疑点 {finding_id}", wait=30):
                self.ledger.file.insert_entries([entry])
                history.commit(root, f"处置疑点 disposition {finding_id}: {entry.values[1].value} "
                                     f"{entry.values[2].value}", author=by or None)
        except lock.LockBusy as busy:
            return downloads.plain(str(busy), 503)
        target = url_for("extension_report", extension_name="FundtrailFindings",
                         recorded=finding_id)
        return redirect(target, 303)

    # -- the pre-payment gate: a batch uploaded, judged, kept for the page and its xlsx ------
    @extension_endpoint("gate", ["POST"])
    def gate(self):
        if not roles.is_internal(self.internal_roles):
            return downloads.plain("付款审核仅限内部角色使用", 403)
        if (request.content_length or 0) > gatedesk.LIMIT + 4096:
            return downloads.plain(f"文件超过 {gatedesk.LIMIT // 1024} KB，请拆分后上传", 413)
        upload, day = request.files.get("batch"), request.form.get("date", "").strip()
        name = upload.filename or "" if upload else ""
        try:
            try:
                when = datetime.date.fromisoformat(day) if day else None
            except ValueError:
                raise ValueError(f"拟支付日期应为 YYYY-MM-DD：{day}") from None
            if upload is None:
                raise ValueError("请选择要审核的付款批次文件")
            kept = gatedesk.judge_upload(self.loaded_books(), name,
                                         upload.stream.read(gatedesk.LIMIT + 1), when)
        except ValueError as error:
            kept = str(error)  # the page shows why, escaped
        token = self.gate_results.add(name, kept)
        return redirect(url_for("extension_report", extension_name="FundtrailGate", result=token), 303)

    @extension_endpoint
    def gate_xlsx(self):
        if not roles.is_internal(self.internal_roles):
            return downloads.plain("付款审核仅限内部角色使用", 403)
        kept = self.gate_results.get(request.args.get("result", ""))
        if kept is None or isinstance(kept[1], str):
            return downloads.plain("审核结果已过期，请重新上传", 404)
        return gatedesk.xlsx(*kept)

    @extension_endpoint
    def labels(self):
        """The Chinese names Fundtrail.js shows in Fava's own pages (ledgertree.labels)."""
        return jsonify(ledgertree.labels(self.data.master))

    # -- report downloads (fundtrail.reports, the CLI's code) ----------------------------
    def loaded_books(self) -> Books:
        if self.books is None:
            downloads.unavailable(f"{UNAVAILABLE_MESSAGE}\n\n技术信息：{self.failure}")
        return self.books

    @extension_endpoint
    def village_notice(self):
        village = request.args.get("village", "")
        if village not in self.data.master.villages:
            downloads.bad_request(f"未知的行政村 {village!r}")
        quarter = downloads.quarter(request.args.get("quarter"))
        name = self.data.master.villages[village].name
        downloads.require_period(self.loaded_books(), quarter)
        poster = bool(request.args.get("poster"))
        return downloads.start(
            self, "village_notice", f"{name}-{quarter}-村级公告",
            f"{name}{downloads.period_title(quarter)}村级公告" + ("（张贴版）" if poster else ""),
            self.page_url("FundtrailVillages", village=village), self.loaded_books(), quarter,
            village, poster=poster)

    @extension_endpoint
    def county_pdf(self):
        year = downloads.year(request.args.get("year"))
        downloads.require_period(self.loaded_books(), str(year))
        return downloads.start(self, "county_pdf", f"{year}-县级项目资金公告",
                               f"{year}年县级项目资金公告", self.page_url("Fundtrail", time=str(year)),
                               self.loaded_books(), year)

    @extension_endpoint
    def audit_pdf(self):
        period = downloads.period(request.args.get("period"))
        downloads.require_period(self.loaded_books(), period)
        return downloads.start(self, "audit_pdf", f"{period}-审计报告",
                               f"{downloads.period_title(period)}审计报告",
                               self.page_url("Fundtrail", time=period[:4]), self.loaded_books(),
                               period)

    @extension_endpoint
    def job(self):
        """The page that follows a report rendered in the background (downloads.start)."""
        return downloads.job_page(self)

    @extension_endpoint
    def job_file(self):
        return downloads.job_file(self)

    @extension_endpoint
    def household_card(self):
        if not roles.is_internal(self.internal_roles):
            return downloads.plain("明白卡仅限内部角色下载", 403)
        books = self.loaded_books()
        family = household_pages.cards.find(books, request.args.get("household", ""))
        if family is None:
            downloads.bad_request(f"户籍登记册中没有该户：{request.args.get('household', '')!r}")
        year = downloads.year(request.args.get("year"))
        return downloads.download("household_card", f"{year}-明白卡-{family.number}", books,
                                  family.number, year)

    @extension_endpoint
    def xlsx(self):
        year = request.args.get("year")
        year = downloads.year(year) if year else None
        if year:
            downloads.require_period(self.loaded_books(), str(year))
        return downloads.start(self, "xlsx", f"{year or '全部'}-资金数据",
                               f"{year}年资金数据 (Excel)" if year else "全部年度资金数据 (Excel)",
                               self.page_url("Fundtrail", **({"time": str(year)} if year else {})),
                               self.loaded_books(), year=year)


class FundtrailProjects(_Page, FavaExtensionBase):
    report_title = "项目"

    def page(self) -> dict | None:
        view = self.year_view()
        return view and {"view": view, **views.projects(
            self.dashboard, view, **self.args("town", "status", "text", "page"))}


class FundtrailVillages(_Page, FavaExtensionBase):
    report_title = "村"

    def page(self) -> dict | None:
        view = self.year_view()
        if not view:
            return None
        internal = roles.is_internal(self.fundtrail.internal_roles)
        books = self.fundtrail.books
        detail = None if books is None else views.village_detail(
            self.dashboard, view, request.args.get("village", ""),
            masker_for(books, INTERNAL if internal else PUBLIC))
        if detail:
            detail["monitored"] = asset_pages.monitored(
                books, detail["village"].code, view.year, view.as_of, internal,
                request.args.get("household", ""))
        return {"view": view, "towns": views.villages(self.dashboard, view), "internal": internal,
                "detail": detail}


class FundtrailAssets(_Page, FavaExtensionBase):
    report_title = "项目资产"

    def page(self) -> dict | None:
        view = self.year_view()
        books = self.fundtrail.books
        if not view or books is None:
            return None
        return {"view": view, **asset_pages.page(books, self.dashboard.findings, view.year,
                                                 view.as_of, request.args.get("village", ""))}


class FundtrailHouseholds(_Page, FavaExtensionBase):
    report_title = "农户"

    def page(self) -> dict | None:
        view = self.year_view()
        books = self.fundtrail.books
        if not view or books is None:
            return None
        internal = roles.is_internal(self.fundtrail.internal_roles)
        args = self.args("village", "household", "text", "only", "page")
        return {"view": view, **household_pages.page(
            books, view.year, internal, args["village"], args["household"], args["text"],
            args["only"], args["page"])}


class FundtrailAccounts(_Page, FavaExtensionBase):
    report_title = "科目"

    def page(self) -> dict | None:
        view = self.year_view()
        books = self.fundtrail.books
        if not view or books is None:
            return None
        rows = self.dashboard.memo_of(("accounts", view.year),
                                      lambda: ledgertree.tree(books, view.year, view.as_of))
        text = request.args.get("text", "").strip()
        if text:
            rows = [r for r in rows if listing.matches(text, r.account, r.name)]
        return {"view": view, "page": listing.paginate(rows, request.args.get("page"), 500),
                "text": text}


class FundtrailFindings(_Page, FavaExtensionBase):
    report_title = "发现"

    def page(self) -> dict:
        start, end = self.time_window()
        return {"recorded": request.args.get("recorded", ""), **views.findings(
            self.dashboard, **self.args("severity", "status", "rule", "text", "page", "assignee",
                                        "queue"),
            start=start, end=end, user=roles.user(), role=roles.role())}


class FundtrailGate(_Page, FavaExtensionBase):
    report_title = "付款审核"

    def page(self) -> dict:
        internal = roles.is_internal(self.fundtrail.internal_roles)
        kept = self.fundtrail.gate_results.get(request.args.get("result", "")) if internal else None
        out = {"internal": internal, "limit_kb": gatedesk.LIMIT // 1024, "error": "", "result": None,
               "token": request.args.get("result", "")}
        if kept is not None:
            name, result = kept
            if isinstance(result, str):
                out["error"] = result
            else:
                out["result"] = gatedesk.view(name, result)
        return out
