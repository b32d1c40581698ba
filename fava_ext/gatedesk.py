"""The 付款审核 page's work: an uploaded payment batch judged by the pre-payment gate on the
books Fava has loaded (fundtrail.plugins.gate), and the result kept for the page and its xlsx.

The file is read in a temporary directory outside the workspace and deleted at once; nothing
is written to the books. Only internal roles (fava_ext.roles) may upload; the upload is a
form POST through `fundtrail serve`'s CSRF guard, at most `LIMIT` bytes.
"""

from __future__ import annotations

import collections
import datetime
import io
import secrets
import tempfile
from decimal import Decimal
from pathlib import Path

from flask import send_file

from fundtrail.fava_ext.downloads import XLSX
from fundtrail.importers.batch import read_batch
from fundtrail.importers.errors import BadInput
from fundtrail.importers.layout import LayoutError
from fundtrail.plugins import gate

LIMIT = 1 << 20  # bytes of the file; the guard reads its post, fields included, to web.serve.FORM_LIMIT
SUFFIXES = (".xml", ".csv", ".xlsx", ".xlsm")
KEPT = 8  # results kept for the page and its download


class Results:
    """The latest results by an unguessable token: the page and the xlsx ask for them."""

    def __init__(self):
        self.kept: collections.OrderedDict[str, tuple] = collections.OrderedDict()

    def add(self, name: str, result: gate.GateResult | str) -> str:
        """Keep a result (or the message of a batch that could not be judged)."""
        token = secrets.token_urlsafe(12)
        self.kept[token] = (name, result)
        while len(self.kept) > KEPT:
            self.kept.popitem(last=False)
        return token

    def get(self, token: str):
        return self.kept.get(token or "")


def judge_upload(books, filename: str, content: bytes, day: datetime.date | None) -> gate.GateResult:
    """The gate's result for one uploaded batch file; ValueError with a Chinese message for a
    file that is too large, of an unknown kind or cannot be read (naming the row)."""
    name = Path(filename or "").name
    if not name or Path(name).suffix.lower() not in SUFFIXES:
        raise ValueError(f"请上传国库支付凭证 XML、一卡通发放名单或付款申请清单（.xml/.csv/.xlsx）：{name or '（无文件）'}")
    if len(name.encode()) > 200:  # the scratch file must be creatable (255 bytes a name)
        raise ValueError(f"文件名过长，请改短后上传：{name[:40]}…")
    if len(content) > LIMIT:
        raise ValueError(f"文件超过 {LIMIT // 1024} KB，请拆分后上传：{name}")
    root = Path(books.filename).resolve().parent
    with tempfile.TemporaryDirectory(prefix="fundtrail-gate-") as scratch:
        path = Path(scratch) / name
        path.write_bytes(content)
        try:
            batch = read_batch([path], root, books.entries, day)
        except (BadInput, LayoutError) as error:
            raise ValueError(str(error)) from None
    if not batch.lines:
        raise ValueError(f"批次中没有待支付的行：{name}")
    return gate.judge(books.entries, books.options, batch.lines, batch.opens, day, batch.skipped)


def view(name: str, result: gate.GateResult) -> dict:
    """What the page shows: the counts, the held lines first, then the passed ones."""
    held = result.held
    return {"name": name, "day": result.day, "lines": len(result.lines), "held": held,
            "passed": [line for line in result.lines if not line.holds],
            "amount": sum((line.amount for line in result.lines), Decimal(0)),
            "held_amount": sum((line.amount for line in held), Decimal(0)), "skipped": result.skipped,
            "failed": result.failed}


def xlsx(name: str, result: gate.GateResult):
    """The result as the xlsx to attach to the batch."""
    return send_file(io.BytesIO(gate.workbook(result)), mimetype=XLSX, as_attachment=True,
                     download_name=f"{Path(name).stem or '批次'}-付款审核结果.xlsx")
