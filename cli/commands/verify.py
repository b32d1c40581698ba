"""`fundtrail verify LEDGER [--documents]`: seal chain, source documents, balances; a verdict."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fundtrail import seals, verification
from fundtrail.cli.commands.common import LEDGER, load_books

SHOWN = 20  # breaks listed per check


@click.command(help="核验账簿完整性: 封账链、原始凭证、余额断言 Verify seals, source documents, balances.")
@LEDGER
@click.option("--documents", is_flag=True,
              help="同时核验 documents/ 下的原始凭证及其 sha256 also check the source documents")
@click.option("--expect", "expected", multiple=True, metavar="HASH",
              help="留存在账簿外的封账哈希(可多次), 须在封账链中 a seal hash kept outside the workspace "
                   "(paper record, the auditor's copy): it must be in the chain; repeatable")
def verify(ledger: str, documents: bool, expected: tuple[str, ...]):
    books = load_books(ledger, warn=False, trust_caches=False)
    entries, errors, options = books.entries, books.errors, books.options
    checks = [verification.check_seals(entries, options),
              verification.check_balances(entries, errors)]
    if expected:
        checks.append(verification.check_expected(entries, expected))
    if documents:
        checks.append(verification.check_documents(entries, Path(ledger).resolve().parent))
    for check in checks:
        state = f"{len(check.breaks)} 处破坏 broken" if check.breaks else "完好 intact"
        click.echo(f"{check.name}: {check.checked} 项 checked, {state}")
        for line in check.breaks[:SHOWN]:
            click.echo(f"  ✗ {line}")
        if len(check.breaks) > SHOWN:
            click.echo(f"  … 另有 {len(check.breaks) - SHOWN} 处 and more")
        for line in check.notes[:SHOWN]:
            click.echo(f"  ? {line}")
        if len(check.notes) > SHOWN:
            click.echo(f"  … 另有 {len(check.notes) - SHOWN} 个 and more")
    if not documents:
        click.echo("原始凭证 documents: 未检查 not checked (--documents)")
    head = seals.read_seals(entries)
    if head:
        click.echo(f"当前封账链头 current head: {seals.paper_form(head[-1].through, head[-1].hash)}")
    total = sum(len(c.breaks) for c in checks)
    if total:
        click.echo(f"结论 Verdict: 发现 {total} 处破坏 BROKEN ({total} breaks)")
        sys.exit(1)
    click.echo("结论 Verdict: 完好 INTACT")
