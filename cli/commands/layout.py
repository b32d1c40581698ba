"""`fundtrail layout suggest FILE [--bank NAME]`: a draft layout for a statement no layout reads,
written to the workspace's layouts/, with five parsed rows and whether the balance adds up."""

from __future__ import annotations

from pathlib import Path

import click

from fundtrail import workspace


@click.group(help="银行对账单版式 Bank statement layouts (docs/importers.md).")
def layout():
    pass


def _workspace(file: Path, given: Path | None) -> Path | None:
    """The workspace: --workspace, else the current folder or the file's nearest folder
    holding a main.beancount; as the user would type it (`.`, the file's path as given), the
    machine's full path only when nothing shorter names it."""
    if given:
        return given
    for folder in (Path(), *file.parents, *file.resolve().parents):
        if (folder / workspace.MAIN).is_file():
            return folder
    return None


@layout.command(help="根据对账单样本生成版式草稿 Write a draft layout for FILE from a sample of it.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", default=None, help="银行名称或代码 bank name or code, e.g. 中国银行 or BOC")
@click.option("--workspace", "root", default=None, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="工作区目录 workspace folder (default: the one holding main.beancount)")
@click.option("--name", default=None, help="版式文件名 layout file name (default: from FILE)")
def suggest(file: Path, bank: str | None, root: Path | None, name: str | None):
    from fundtrail.importers.errors import BadInput
    from fundtrail.importers.suggest import UNKNOWN_BANK
    from fundtrail.importers.suggest import suggest as draft

    try:
        result = draft(file, bank)
    except BadInput as error:  # names the file (and the row) itself
        raise click.ClickException(str(error)) from None
    except (OSError, ValueError) as error:
        raise click.ClickException(f"无法读取 cannot read {file}: {error}") from None
    click.echo(f"编码 encoding: {result.encoding}  分隔符 delimiter: {result.delimiter or '-'}  "
               f"表头 header: 第{result.header_index + 1}行 row {result.header_index + 1}"
               f"{'(两行 two rows)' if result.header_rows == 2 else ''}  银行 bank: "
               + ("未知银行 unknown (请用 --bank 指定 give --bank, e.g. --bank 中国银行)"
                  if result.bank == UNKNOWN_BANK else result.bank))
    for key, value in result.info.items():
        click.echo(f"  {key}: {value}")
    for note in result.notes:
        click.echo(f"注意 note: {note}")
    if result.problem:
        click.echo(f"样本按草稿无法读取 the sample does not read with the draft: {result.problem}")
    else:
        click.echo("前五行 first five rows:")
        for row in result.rows[:5]:
            click.echo(f"  第{row.number}行 {row.when:%Y-%m-%d %H:%M:%S} {row.amount:>14,.2f} "
                       f"余额 {row.balance if row.balance is None else f'{row.balance:,.2f}'} "
                       f"{row.payee} {row.serial}")
        click.echo("余额连续 running balance reconciles" if result.reconciles else
                   "余额不连续，请核对金额列 running balance does NOT reconcile: check the amount columns")
    folder = _workspace(file, root)
    text = result.toml()
    if folder is None:
        click.echo("未找到工作区，版式如下 (保存到 <工作区>/layouts/*.toml) no workspace found; save this "
                   "as <workspace>/layouts/<name>.toml:\n")
        click.echo(text)
        return
    stem = name or f"{result.bank.lower()}-{file.stem}"
    if name and (Path(name).name != name or name.startswith(".") or "\\" in name):
        raise click.ClickException(f"版式名应为文件名，不能含路径 --name must be a plain file name: "
                                   f"{name!r}")
    target = folder / "layouts" / f"{stem}.toml"
    n = 1
    while target.exists():
        n += 1
        target = folder / "layouts" / f"{stem}-{n}.toml"
    try:
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, "utf-8")
    except OSError as error:
        raise click.ClickException(f"无法写入版式文件 cannot write {target}: {error}") from None
    click.echo(f"已写入版式草稿 draft layout written: {target}")
    if result.bank == UNKNOWN_BANK:
        click.echo(f"下一步 Next: fundtrail layout suggest {file} --bank 银行名称 (bank name), "
                   f"或在 {target} 中写明 bank (or write the bank's code in the draft)")
    else:
        click.echo(f"下一步 Next: fundtrail import {folder / workspace.MAIN} {file} --dry-run")
