"""Report downloads from the extension, made by the same functions as the CLI (fundtrail.reports).

Each download names its function by module and attribute and imports it only when asked, so
Fava starts even where the reports (and weasyprint's system libraries) are missing.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from io import BytesIO

from flask import Response, abort, make_response, send_file

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUARTER = re.compile(r"^\d{4}Q[1-4]$")
YEAR = re.compile(r"^\d{4}$")


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


PLAIN = {"Content-Type": "text/plain; charset=utf-8"}  # what a user typed is never read as markup


def plain(message: str, status: int) -> Response:
    return make_response(message, status, PLAIN)


def bad_request(message: str) -> Response:
    abort(plain(message, 400))


def unavailable(message: str) -> Response:
    abort(plain(message, 503))


def year(value: str | None) -> int:
    if not value or not YEAR.match(value):
        bad_request(f"年份格式应为 2025 Year must look like 2025, not {value!r}.")
    return int(value)


def quarter(value: str | None) -> str:
    if not value or not QUARTER.match(value):
        bad_request(f"季度格式应为 2025Q3 Quarter must look like 2025Q3, not {value!r}.")
    return value


def period(value: str | None) -> str:
    """A year ("2025") or a quarter ("2025Q3"), as the audit report takes it."""
    if not value or not (YEAR.match(value) or QUARTER.match(value)):
        bad_request(f"期间格式应为 2025 或 2025Q3 Period must look like 2025 or 2025Q3, not {value!r}.")
    return value


def require_period(books, label: str) -> None:
    """Refuse a period the books hold no transactions in, with the CLI's words
    (fundtrail.reports.facts.period_problem, as `fundtrail report` refuses it)."""
    from fundtrail.reports.facts import Period, period_problem

    span = Period.parse(label)
    problem = period_problem(books, span.start, span.end, label)
    if problem:
        abort(plain(problem, 404))


def download(name: str, filename: str, *args, **kwargs) -> Response:
    """Run report `name` on `args` and send its bytes as `filename`.<suffix>."""
    report = REPORTS[name]
    try:
        function = getattr(importlib.import_module(report.module), report.function)
    except (ImportError, AttributeError, OSError) as error:  # OSError: weasyprint without pango
        abort(plain(f"报表功能尚未安装 Report not available: {report.module}."
                    f"{report.function} ({error})", 501))
    content = function(*args, **kwargs)
    return send_file(BytesIO(content), mimetype=report.mimetype, as_attachment=True,
                     download_name=f"{filename}.{report.suffix}")
