"""`fundtrail seal LEDGER --through DAY`: seal the books up to a day (封账)."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from fundtrail import beanerrors, history, seals
from fundtrail.cli.commands.common import LEDGER, Day, load_books, writing_books
from fundtrail.findings import is_ledger_error
from fundtrail.workspace import shown_at

PLUGIN = "fundtrail.plugins.seal"


@click.command(help="封账: 将截至某日的账目封存并加入哈希链 Seal the books through a day.")
@LEDGER
@click.option("--through", required=True, type=Day(),
              help="封账截止日 last day of the sealed period (YYYY-MM-DD)")
def seal(ledger: str, through: datetime.date):
    day, today = through, datetime.date.today()
    if day > today:
        raise click.ClickException(f"不能封存未来的日期 cannot seal a future day: {day}")
    with writing_books(ledger, "封账"):
        _seal(ledger, day, today)


def _seal(ledger: str, day: datetime.date, today: datetime.date) -> None:
    books = load_books(ledger, warn=False, trust_caches=False)
    entries, errors, options = books.entries, books.errors, books.options
    broken = [e for e in errors if is_ledger_error(e)]
    if broken:
        first = broken[0]
        raise click.ClickException(
            f"账簿有 {len(broken)} 个错误，不能封账；第一个："
            f"{shown_at(first.source)} "
            f"{beanerrors.chinese(first.message, getattr(first, 'entry', None))}"
            f"（全部错误见 fundtrail check） / the ledger has {len(broken)} errors; fix them before sealing")
    root = Path(ledger).resolve().parent
    if PLUGIN not in {name for name, _config in options.get("plugin", ())} or \
            root / seals.SEALS_FILE not in {Path(p).resolve() for p in options["include"]}:
        raise click.ClickException(
            f"账簿未启用封账校验 main.beancount must have `plugin \"{PLUGIN}\"` and "
            f"`include \"{seals.SEALS_FILE}\"` (as `fundtrail init` writes it)")
    try:
        hash_, previous, sidecar = seals.plan(entries, options, day)
    except seals.SealRefused as refused:
        raise click.ClickException(str(refused)) from None
    count = len(seals.entry_digests(sidecar))
    if not count:
        raise click.ClickException(f"截至 {day} 没有分录, 无需封账 nothing to seal: no entries up to {day}")
    user = history.user(root)
    seals.write(root, day, hash_, previous, sidecar, user, today)
    seals.remember(entries, options, day, hash_)
    commit = history.commit(root, f"封账 seal through {day}: {count} 笔分录 entries, "
                                  f"哈希 {hash_[:12]} ({user})")
    click.echo(f"已封账至 {day} Sealed through {day}: {count} 笔分录 entries")
    click.echo(f"  哈希 hash: {hash_}")
    click.echo(f"  上一封账 previous: {previous or '-'}")
    if commit:
        click.echo(f"  已提交 committed: {commit[:12]}")
    click.echo("请将下列哈希抄入纸质结账记录或报送审计, 核验时用 `fundtrail verify --expect` 比对 Keep this "
               "outside the workspace (paper 结账 record, the auditor); check with verify --expect:")
    click.echo(f"  {seals.paper_form(day, hash_)}")
    click.echo("封账后的更正请在未封账期间做红字冲销/更正分录 Correct sealed entries with new "
               "adjusting entries in the open period (docs/audit-trail.md).")
