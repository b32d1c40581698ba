"""`fundtrail export xlsx|ofdp`: the disclosed data as a workbook or an Open Fiscal Data Package."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from fundtrail.cli.commands.common import (
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
    else:  # all years: refused only when there is none
        require_period(books, datetime.date.min, datetime.date.max, "")
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


@export.command(help="Parquet 表(省级汇总用, 身份证号和卡号为密钥哈希) the county's books as Parquet "
                     "tables for the province, ID and card numbers as keyed hashes.")
@LEDGER
@click.option("--out", required=True, type=OutputPath(directory=True),
              help="输出目录 output directory (写入 writes DIR/<区划代码>/)")
@click.option("--key", "key_file", type=click.Path(dir_okay=False), default=None,
              help="省级哈希密钥文件 province hash key file (默认 default: $FUNDTRAIL_PROVINCE_KEY)")
def parquet(ledger, out, key_file):
    from fundtrail.cli.commands.province import read_key
    from fundtrail.province.export import LedgerNotClean, export_county

    try:
        done = export_county(ledger, out, read_key(key_file))
    except LedgerNotClean as error:
        raise click.ClickException(f"{ledger}: {error}") from None
    except OSError as error:
        raise cannot_write(Path(error.filename or out), error) from None
    click.echo(f"已生成 written: {done['folder']} (交易 {done['transactions']} transactions, "
               f"疑点 {done['findings']} findings)")
