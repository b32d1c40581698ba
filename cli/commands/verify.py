"""`fundtrail verify LEDGER [--documents] [--rederive]`: seal chain, source documents, balances,
and (--rederive) whether the ledger still says what its documents say; a verdict."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fundtrail import loading, seals, verification
from fundtrail.cli.commands.common import LEDGER, printable

SHOWN = 20  # breaks listed per check
PROGRESS_FROM = 20  # documents: say which one is being re-read when there are more


@click.command(help="核验账簿完整性: 封账链、原始凭证、余额断言 Verify seals, source documents, balances.")
@LEDGER
@click.option("--documents", is_flag=True,
              help="同时核验 documents/ 下的原始凭证及其 sha256 also check the source documents")
@click.option("--expect", "expected", multiple=True, metavar="HASH",
              help="留存在账簿外的封账哈希(可多次; 可整行照抄 seal 打印的 `封账 日期  哈希`), 须在封账链中 "
                   "a seal hash kept outside the workspace (paper record, the auditor's copy; the "
                   "line seal prints is taken as written): it must be in the chain; repeatable")
@click.option("--rederive", is_flag=True,
              help="重新导入每份原始凭证并与账簿逐行逐字段比对 re-run each document's importer and "
                   "compare every field of every entry with the ledger")
def verify(ledger: str, documents: bool, expected: tuple[str, ...], rederive: bool):
    # the files read afresh; no plugin the ledger names runs (beancount's own excepted): the seal
    # check below is run here, never by a plugin (fundtrail.loading)
    entries, errors, options = loading.load_to_verify(ledger)
    checks = [verification.check_seals(entries, options),
              verification.check_balances(entries, errors)]
    if expected:
        checks.append(verification.check_expected(entries, expected))
    if documents:
        checks.append(verification.check_documents(entries, Path(ledger).resolve().parent))
    if rederive:
        checks.append(_rederive(entries, Path(ledger).resolve().parent))
    for check in checks:
        state = f"{len(check.breaks)} 处破坏" if check.breaks else "完好"
        click.echo(f"{check.name}：核验 {check.checked} 项，{state}")
        for line in check.breaks[:SHOWN]:
            click.echo(f"  ✗ {printable(line)}")
        if len(check.breaks) > SHOWN:
            click.echo(f"  … 另有 {len(check.breaks) - SHOWN} 处")
        for line in check.notes[:SHOWN]:
            click.echo(f"  ? {printable(line)}")
        if len(check.notes) > SHOWN:
            click.echo(f"  … 另有 {len(check.notes) - SHOWN} 个")
    if not documents:
        click.echo("原始凭证：未核验（核验请加 --documents）")
    if not rederive:
        click.echo("重新导入比对：未核验（核验请加 --rederive）")
    head = seals.read_seals(entries)
    if head:
        click.echo(f"当前封账链头 {seals.paper_form(head[-1].through, head[-1].hash)}")
    total = sum(len(c.breaks) for c in checks)
    if total:
        click.echo(f"结论：发现 {total} 处破坏 BROKEN")
        sys.exit(1)
    click.echo("结论：完好 INTACT")


def _rederive(entries, root: Path) -> verification.Check:
    """The re-derivation (fundtrail.importers.rederive) as a check: each difference a break, each
    documented exception a note; progress on stderr when there are many documents."""
    from fundtrail.importers.errors import BadInput
    from fundtrail.importers.layout import LayoutError
    from fundtrail.importers.rederive import rederive

    def progress(number: int, total: int, source: str) -> None:
        if total > PROGRESS_FROM:
            click.echo(f"  重新导入 re-deriving {number}/{total}: {source}", err=True)

    try:
        result = rederive(entries, root, progress)
    except (BadInput, LayoutError) as error:  # the workspace's own layouts or rules do not load
        raise click.ClickException(f"无法重新导入比对 cannot re-derive: {error}") from None
    check = verification.Check("重新导入比对", result.documents)
    check.breaks = [d.line() for d in result.differences]
    check.notes = [f"已有更正分录说明：{d.line()}" for d in result.exceptions]
    return check
