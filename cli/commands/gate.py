"""`fundtrail gate LEDGER BATCH... [--json] [--out result.xlsx] [--date YYYY-MM-DD]`: a payment
batch (treasury vouchers, a 一卡通 roster, a payment request list) judged by every check before
it is paid, line by line: 通过 or 暂停 with the rules that hold it (docs/gate.md).

Nothing is written to the books. Exit status: 0 every line passes, 1 a line is held, 2 bad
input (a file that cannot be read, named with its row)."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import click

from fundtrail.cli.commands.common import Day, LedgerFile, OutputPath, load_books, printable, write

BAD_INPUT = 2


def _day(value):
    if value is None:
        return None
    try:
        return Day().convert(value, None, None)
    except click.ClickException as error:
        raise click.BadParameter(error.message) from None  # a usage error: exit 2


def _refuse(message: str):
    click.echo(f"错误 error: {message}", err=True)
    sys.exit(BAD_INPUT)


@click.command(help="付款前审核：按全部检查规则逐笔审核付款批次（国库支付凭证、一卡通发放名单、付款申请清单），"
               "不写入账簿 Check a payment batch against every rule before it is paid; "
               "exit 0 all pass, 1 a line is held, 2 bad input.")
@click.argument("ledger", type=click.Path(path_type=Path))
@click.argument("batch", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以JSON输出逐笔结论 the result as JSON")
@click.option("--out", type=OutputPath(directory=False), default=None,
              help="另存审核结果为 xlsx write the result as an xlsx file")
@click.option("--date", "day", callback=lambda ctx, param, value: _day(value), default=None,
              help="拟支付日期 (默认: 各行自身日期) the day the batch is to be paid")
def gate(ledger: Path, batch: tuple[Path, ...], as_json: bool, out: Path | None, day):
    from fundtrail.importers.batch import read_batch
    from fundtrail.importers.errors import BadInput
    from fundtrail.importers.layout import LayoutError
    from fundtrail.plugins import gate as engine

    try:
        LedgerFile().convert(str(ledger), None, None)  # the same words as every command, exit 2
    except click.ClickException as error:
        _refuse(error.message)
    missing = [str(p) for p in batch if not p.is_file()]
    if missing:
        _refuse(f"找不到付款批次文件 no such batch file: {', '.join(missing)}")
    books = load_books(str(ledger))
    try:
        read = read_batch(batch, ledger.resolve().parent, books.entries, day)
    except (BadInput, LayoutError) as error:
        _refuse(f"{error}\n未审核，账簿未改动 nothing was checked, the books are unchanged.")
    if not read.lines:
        _refuse(f"批次中没有待支付的行 the batch holds no line to pay: {', '.join(map(str, batch))}")
    try:
        result = engine.judge(books.entries, books.options, read.lines, read.opens, day, read.skipped)
    except ValueError as error:  # the ledger's own check settings
        _refuse(f"{ledger}: {error}")
    if out:
        write(out, engine.workbook(result), quiet=as_json)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        _print(result)
    sys.exit(0 if result.passed else 1)


def _pad(text, width: int, right: bool = False) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    text = printable(text)
    wide = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(0, width - wide)
    return fill + text if right else text + fill


def _print(result) -> None:
    click.echo(f"付款批次审核（拟支付日 {result.day}，全部检查规则）")
    click.echo(f"{_pad('文件', 28)}{_pad('行号', 6, True)}  {_pad('收款人', 28)}{_pad('金额', 16, True)}  结论")
    for line in result.lines:
        click.echo(f"{_pad(line.file + (f'「{line.sheet}」' if line.sheet else ''), 28)}"
                   f"{_pad(line.row, 6, True)}  {_pad(line.payee, 28)}"
                   f"{_pad(f'{line.amount:,.2f}', 16, True)}  {line.label}")
        for hold in line.holds:
            click.echo(f"{'':<8}└ {hold.title}：{printable(hold.message)}")
            click.echo(f"{'':<10}依据：{hold.criterion}")
    for file, row, reason in result.skipped:
        click.echo(f"{_pad(file, 28)}{_pad(row, 6, True)}  未审核：{printable(reason)}")
    for message in result.failed:
        click.echo(f"未能审核 not checked: {message}", err=True)
    held = result.held
    total = sum(line.amount for line in result.lines)
    click.echo(f"共 {len(result.lines)} 行，合计 {total:,.2f} 元：通过 {len(result.lines) - len(held)} 行，"
               f"暂停 {len(held)} 行（{sum(line.amount for line in held):,.2f} 元）")
