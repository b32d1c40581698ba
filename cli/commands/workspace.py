"""`fundtrail init DIR` and `fundtrail demo`: a new county workspace, empty or the demo county."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from fundtrail import workspace
from fundtrail.cli.commands.common import OutputPath, cannot_write


@click.command(help="新建空白账簿工作区 Create an empty county workspace in DIR.")
@click.argument("directory", type=OutputPath(directory=True))
@click.option("--county", default="青禾区", show_default=True, help="区县名称")
@click.option("--admdiv", default="370405", show_default=True, help="行政区划代码")
@click.option("--phone", default="0632-12317", show_default=True, help="监督电话")
@click.option("--start", default="2016-01-01", show_default=True,
              type=click.DateTime(formats=["%Y-%m-%d"]),
              help="账簿起始日 (standard accounts open here; imports may not predate it)")
def init(directory: Path, county: str, admdiv: str, phone: str, start: datetime.datetime):
    try:
        main_file = workspace.create(directory, workspace.County(
            admdiv=admdiv, name=county, bureau=f"{county}财政局", phone=phone,
            start=start.date()))
    except FileExistsError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise cannot_write(Path(error.filename or directory), error) from None
    click.echo(f"已创建工作区 Workspace created: {main_file}")
    _start_history(directory, f"新建工作区 {county} workspace created")
    click.echo(f"下一步 Next: fundtrail serve {main_file}")


@click.command(help="生成演示区县(青禾区)工作区 Build the demo county workspace.")
@click.option("--dir", "directory", default="demo", show_default=True, type=OutputPath(directory=True),
              help="工作区目录 workspace directory")
@click.option("--seed", default=20241, show_default=True, help="随机种子 (same seed, same books)")
def demo(directory: Path, seed: int):
    from fundtrail.ledgers.demo.build import build

    if (directory / workspace.MAIN).exists():
        raise click.ClickException(f"账簿已存在 workspace already exists: {directory / workspace.MAIN}"
                                   " (删除后重建 remove it to rebuild)")
    try:
        summary = build(directory, seed)
    except OSError as error:
        raise cannot_write(Path(error.filename or directory), error) from None
    _start_history(directory, "演示区县 青禾区 demo county built")
    click.echo(f"演示区县 青禾区 已生成 Demo county built in {directory}/")
    click.echo(f"  {summary['villages']} 个行政村, {summary['projects']} 个项目, {summary['funds']} 个指标文件, "
               f"{summary['transactions']} 笔交易, {summary['households']} 户登记户, {summary['loans']} 笔小额信贷")
    click.echo(f"  原始凭证 raw inputs: {summary['statements']} 份银行对账单, 国库支付凭证, 一卡通发放明细, 登记册 "
               f"(documents/, registers/)")
    click.echo(f"  预置疑点 planted anomalies: {summary['expected']} (expected-findings.json)")
    click.echo("下一步 Next:")
    click.echo(f"  fundtrail check {summary['ledger']}")
    click.echo(f"  fundtrail serve {summary['ledger']}")


def _start_history(directory: Path, message: str) -> None:
    from fundtrail import history

    if not history.available():
        click.echo(history.NO_GIT, err=True)
        return
    try:
        commit = history.init(directory, f"{message} ({history.user(directory)})")
    except history.HistoryError as error:
        click.echo(str(error), err=True)
        return
    click.echo(f"修改历史 git repository: {directory} (commit {(commit or '')[:12]})")
