"""`fundtrail history LEDGER [--entry LINK]`: the git history of the books or of one entry."""

from __future__ import annotations

from pathlib import Path

import click

from fundtrail import history as git_history
from fundtrail.cli.commands.common import LEDGER


@click.command(help="修改历史: 账簿或某笔分录(按链接)的 git 记录 Change history of the books or of one entry.")
@LEDGER
@click.option("--entry", "link", default=None, help="分录链接 the entry's link, e.g. ^ICBC-2345-02000001")
def history(ledger: str, link: str | None):
    root = Path(ledger).resolve().parent
    if not git_history.available():
        raise click.ClickException(git_history.NO_GIT)
    if not git_history.is_repo(root):
        raise click.ClickException(f"工作区“{root.name}”不是 git 仓库 is not a git repository "
                                   "(`fundtrail init` makes one; or run `git init` there)")
    try:
        text = git_history.log(root, link)
    except git_history.HistoryError as error:
        raise click.ClickException(str(error)) from None
    if not text.strip():
        what = f"分录 ^{link.lstrip('^')} " if link else ""
        click.echo(f"没有{what}修改记录 no history{' for ^' + link.lstrip('^') if link else ''}")
        return
    click.echo(text.rstrip())
