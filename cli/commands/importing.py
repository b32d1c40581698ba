"""`fundtrail import LEDGER FILE_OR_DIR... [--dry-run]`: bank statements, treasury vouchers,
一卡通 rosters and registers into the workspace, with a reconciliation per file."""

from __future__ import annotations

from pathlib import Path

import click

from fundtrail.cli.commands.common import LEDGER, printable, writing_books
from fundtrail.importers.errors import BadInput, Rejected
from fundtrail.importers.layout import LayoutError


@click.command("import", help="导入对账单、国库支付凭证、一卡通发放明细、登记册和小额信贷台账 Import "
               "statements, treasury vouchers, subsidy rosters, registers and micro-loan registers into the "
               "workspace of LEDGER.")
@LEDGER
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="只核对不写入 reconcile only, write nothing")
@click.option("--account", default="", help="对账单未写明账号时使用的账户 account for statements that "
              "name no account number, e.g. Assets:Bank:PSBC-1188")
def import_command(ledger: str, paths: tuple[Path, ...], dry_run: bool, account: str):
    from beancount.core import account as acc_name

    from fundtrail.importers.pipeline import run_import

    if account and not (acc_name.is_valid(account) and account.startswith("Assets:")):
        raise click.BadParameter(f"应为资产账户名，如 Assets:Bank:PSBC-1188，收到的是 {account!r} "
                                 f"must be an asset account such as Assets:Bank:PSBC-1188",
                                 param_hint="--account")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.ClickException(f"找不到要导入的文件 no such file or directory: {', '.join(missing)}")
    try:
        with writing_books(ledger, "导入", dry_run):
            summary = run_import(Path(ledger), paths, dry_run=dry_run, account=account)
    except (BadInput, Rejected, LayoutError) as error:
        raise click.ClickException(f"{error}\n未写入任何内容 nothing was written.") from None
    for line in summary.lines():
        click.echo(printable(line))
