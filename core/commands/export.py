"""`fundtrail export xlsx|ofdp`: the disclosed data as a workbook or an Open Fiscal Data Package."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from fundtrail.commands.common import (
    LEDGER,
    OutputPath,
    Year,
    cannot_write,
    load_books,
    out_help,
    require_period,
    workspace_reports,
    write,
)

YEAR = click.option("--year", type=Year(), default=None, help="年度 year (默认全部 default: all)")


def load_year(ledger: str, year: int | None):
    books = load_books(ledger)
    if year:
        require_period(books, datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))
    return books


@click.group(help="导出数据 Export findings, projects and payments (masked).")
def export():
    pass


@export.command(help="Excel 工作簿: 疑点、项目、支付 Findings, projects, payments as xlsx.")
@LEDGER
@YEAR
@click.option("--out", default=None, type=OutputPath(directory=False),
              help=out_help("输出文件 output file", "fundtrail-YEAR.xlsx"))
def xlsx(ledger, year, out):
    from fundtrail.reports.export import xlsx_bytes

    books = load_year(ledger, year)
    write(out or workspace_reports(ledger) / f"fundtrail-{year or 'all'}.xlsx", xlsx_bytes(books, year))


@export.command(help="开放财政数据包 Open Fiscal Data Package (CSV + datapackage.json).")
@LEDGER
@YEAR
@click.option("--out", default=None, type=OutputPath(directory=True),
              help=out_help("输出目录 output directory", "ofdp-YEAR"))
def ofdp(ledger, year, out):
    from fundtrail.reports.export import write_ofdp

    books = load_year(ledger, year)
    out = out or workspace_reports(ledger) / f"ofdp-{year or 'all'}"
    try:
        written = write_ofdp(books, out, year)
    except OSError as error:
        raise cannot_write(Path(error.filename or out), error) from None
    for path in written:
        click.echo(f"已生成 written: {path}")
