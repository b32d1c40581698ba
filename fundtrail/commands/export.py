"""`fundtrail export xlsx|ofdp`: the disclosed data as a workbook or an Open Fiscal Data Package."""

from __future__ import annotations

from pathlib import Path

import click

from fundtrail.commands.books_arg import load_books, write

LEDGER = click.argument("ledger", type=click.Path(dir_okay=False))
YEAR = click.option("--year", type=int, default=None, help="年度 year (默认全部 default: all)")


@click.group(help="导出数据 Export findings, projects and payments (masked).")
def export():
    pass


@export.command(help="Excel 工作簿: 疑点、项目、支付 Findings, projects, payments as xlsx.")
@LEDGER
@YEAR
@click.option("--out", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件 output file (默认 reports/fundtrail-YEAR.xlsx)")
def xlsx(ledger, year, out):
    from fundtrail.reports.export import xlsx_bytes

    books = load_books(ledger)
    write(out or Path("reports") / f"fundtrail-{year or 'all'}.xlsx", xlsx_bytes(books, year))


@export.command(help="开放财政数据包 Open Fiscal Data Package (CSV + datapackage.json).")
@LEDGER
@YEAR
@click.option("--out", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="输出目录 output directory (默认 reports/ofdp-YEAR)")
def ofdp(ledger, year, out):
    from fundtrail.reports.export import write_ofdp

    books = load_books(ledger)
    for path in write_ofdp(books, out or Path("reports") / f"ofdp-{year or 'all'}", year):
        click.echo(f"已生成 written: {path}")
