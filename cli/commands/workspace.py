"""`fundtrail init DIR` and `fundtrail demo`: a new county workspace, empty or the demo county.

`init` takes the county's name, six-digit division code and supervision phone as options, or asks
for them at a terminal, or takes the name and code from the county's division list
(--division-list); it refuses the demo county's values (青禾区, 370405, 0632-12317) unless told
--demo. Both refuse a folder that already holds anything: the folder is committed to git, and a
county's spreadsheets lying there must never be."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from fundtrail import workspace
from fundtrail.cli.commands.common import OutputPath, cannot_write

NEEDED = ("--county 区县名称  --admdiv 六位行政区划代码  --phone 监督电话 (或 --division-list 行政区划代码表 "
          "代替 --county/--admdiv；演示数据用 --demo)")


def _can_ask() -> bool:
    """Whether a person is at the keyboard to answer the prompts."""
    return sys.stdin.isatty()


def _not_empty(directory: Path) -> None:
    """Refuse a folder that already holds files: init and demo commit the folder to git."""
    if (directory / workspace.MAIN).exists():
        raise click.ClickException(f"账簿已存在 workspace already exists: {directory / workspace.MAIN}")
    held = workspace.contents(directory)
    if held:
        shown = "、".join(held[:5]) + (f" 等{len(held)}项" if len(held) > 5 else "")
        raise click.ClickException(
            f"目录不是空的(已有 {shown})：工作区的全部文件都纳入修改历史(git)，已有文件(如含个人信息的表格)不能混入；"
            f"请指定一个新的或空的目录 / {directory} is not empty: give a new or empty folder (everything "
            "in a workspace is committed to git)")


def _checked(kind: int, demo: bool):
    """A prompt's check of one answer (0 name, 1 code, 2 phone): the same rules as the options."""
    def check(value: str) -> str:
        value = value.strip()
        given = [value if i == kind else None for i in range(3)]
        problems = workspace.identity_problems(*(v if v is not None else d for v, d in zip(
            given, ("县", "370499", "12317"), strict=True)))
        if problems:
            raise click.BadParameter(f"{problems[0][0]} / {problems[0][1]}")
        if not demo and workspace.demo_values(*given):
            raise click.BadParameter(f"{value} 是演示区县的，请填写本县的 (demo value; give your county's)")
        return value
    return check


PROMPTS = ("区县名称 County name", "行政区划代码(6位) Division code (six digits)", "监督电话 Supervision phone")


@click.command(help="新建区县账簿工作区 Create a county workspace in DIR (an empty or new folder) with the "
                    "county's name, division code and supervision phone; asked for when not given.")
@click.argument("directory", type=OutputPath(directory=True))
@click.option("--county", default=None, help="区县名称 county name, e.g. 青禾区")
@click.option("--admdiv", default=None, help="行政区划代码(6位) six-digit division code")
@click.option("--phone", default=None, help="监督电话 supervision phone printed on notices")
@click.option("--division-list", "division_list", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="行政区划代码表: 其区县本级行给出名称和代码，并导入乡镇、村 the division list: its county row "
                   "sets the name and code, its towns and villages are imported")
@click.option("--demo", "demo_values", is_flag=True,
              help="允许演示区县的名称、代码和电话 allow the demo county's values (青禾区, 370405)")
@click.option("--start", default="2016-01-01", show_default=True,
              type=click.DateTime(formats=["%Y-%m-%d"]),
              help="账簿起始日 (standard accounts open here; imports may not predate it)")
def init(directory: Path, county: str | None, admdiv: str | None, phone: str | None,
         division_list: Path | None, demo_values: bool, start: datetime.datetime):
    _not_empty(directory)
    values = [county, admdiv, phone]
    if demo_values:
        values = [v if v is not None else d for v, d in
                  zip(values, (workspace.DEMO.name, workspace.DEMO.admdiv, workspace.DEMO.phone), strict=True)]
    wanted = [i for i in range(3) if values[i] is None and not (division_list and i < 2)]
    if wanted and not _can_ask():
        names = [("--county", "--admdiv", "--phone")[i] for i in wanted]
        raise click.ClickException(f"缺少区县信息 {'、'.join(names)}：请给出 {NEEDED} / the county's identity "
                                   f"is needed: {', '.join(names)} (no terminal to ask)")
    for i in wanted:
        values[i] = click.prompt(PROMPTS[i], value_proc=_checked(i, demo_values))
    county, admdiv, phone = (v.strip() if v is not None else None for v in values)
    pending = division_list is not None and (county is None or admdiv is None)
    if pending:
        county, admdiv = "", workspace.UNSET_ADMDIV
    problems = workspace.identity_problems(county or "县", "370499" if pending else admdiv, phone)
    if problems:
        raise click.ClickException("；".join(p[0] for p in problems) + " / " + "; ".join(p[1] for p in problems))
    demo = workspace.demo_values(county, admdiv, phone)
    if demo and not demo_values:
        raise click.ClickException(
            f"{'、'.join(demo)} 是演示区县(青禾区 370405 0632-12317)的，不能用于真实区县；请填写本县的，"
            "或加 --demo 建演示工作区 / demo county values: give your county's own, or --demo")
    try:
        main_file = workspace.create(directory, workspace.County(
            admdiv=admdiv, name=county, bureau=f"{county}财政局" if county else "", phone=phone,
            start=start.date()))
    except FileExistsError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise cannot_write(Path(error.filename or directory), error) from None
    click.echo(f"已创建工作区 Workspace created: {main_file}")
    try:
        if pending:
            county = _from_division_list(main_file, division_list)
        elif division_list is not None:  # the county given: the list's towns and villages
            _import_division_list(main_file, division_list)
    finally:
        _start_history(directory, f"新建工作区 {county or '(区县未设定 county unset)'} workspace created")
    click.echo(f"下一步 Next: fundtrail serve {main_file}")


def _import_division_list(main_file: Path, division_list: Path, county_row: bool = False) -> str:
    """Import the division list into the new workspace (a clear error when it cannot be);
    what to do next (`county_row`: the list must also set the county)."""
    from fundtrail.importers.errors import BadInput, Rejected
    from fundtrail.importers.layout import LayoutError
    from fundtrail.importers.pipeline import run_import

    fix = (f"请导入含区县本级行(6位代码)的行政区划代码表: fundtrail import {main_file} 表格文件 / import a division "
           "list with the county's own row") if county_row else (
        f"工作区已建立，请改正代码表后导入: fundtrail import {main_file} 表格文件 / the workspace was created: "
        "import a corrected list")
    try:
        run_import(main_file, [division_list])
    except (BadInput, LayoutError, Rejected, OSError, ValueError) as error:
        raise click.ClickException(f"行政区划代码表无法导入 cannot import {division_list}: {error}; {fix}") from None
    return fix


def _from_division_list(main_file: Path, division_list: Path) -> str:
    """Import the division list into the new workspace; its county row sets the county."""
    from beancount.parser import parser

    from fundtrail.masterdata import MasterData

    fix = _import_division_list(main_file, division_list, county_row=True)
    entries, _, _ = parser.parse_file(str(main_file.parent / "masterdata" / "county.beancount"))
    found = MasterData.from_entries(entries).county
    if found is None or found.code == workspace.UNSET_ADMDIV:
        raise click.ClickException(f"{division_list} 中没有区县本级的行，区县名称和代码未设定；{fix}")
    click.echo(f"区县 County: {found.name} ({found.code})，取自 from {division_list.name}")
    return found.name


@click.command(help="生成演示区县(青禾区)工作区 Build the demo county workspace.")
@click.option("--dir", "directory", default="demo", show_default=True, type=OutputPath(directory=True),
              help="工作区目录 workspace directory")
@click.option("--seed", default=20241, show_default=True, help="随机种子 (same seed, same books)")
def demo(directory: Path, seed: int):
    from fundtrail.ledgers.demo.build import build

    if (directory / workspace.MAIN).exists():
        raise click.ClickException(f"账簿已存在 workspace already exists: {directory / workspace.MAIN}"
                                   " (删除后重建 remove it to rebuild)")
    _not_empty(directory)
    try:
        summary = build(directory, seed)
    except OSError as error:
        raise cannot_write(Path(error.filename or directory), error) from None
    _start_history(directory, "演示区县 青禾区 demo county built")
    click.echo(f"演示区县 青禾区 已生成 Demo county built in {directory}/")
    click.echo(f"  {summary['villages']} 个行政村, {summary['projects']} 个项目, {summary['funds']} 个指标文件, "
               f"{summary['transactions']} 笔交易, {summary['households']} 户登记户, {summary['loans']} 笔小额信贷")
    click.echo(f"  原始凭证 raw inputs: {summary['statements']} 份银行对账单, 国库支付凭证, 一卡通发放明细, 资产收益及分配明细, 登记册 "
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
