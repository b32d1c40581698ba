"""Loading the books for a command: a clear message for a missing file, ledger errors on stderr."""

from __future__ import annotations

from pathlib import Path

import click

from fundtrail.findings import Finding


def load_books(ledger: str):
    from fundtrail.books import Books

    if not Path(ledger).is_file():
        raise click.ClickException(f"找不到账簿文件 ledger file not found: {ledger}")
    books = Books.load(ledger)
    errors = [e for e in books.errors if not isinstance(e, Finding)]
    if errors:
        click.echo(f"警告 warning: 账簿有 {len(errors)} 个错误 the ledger has {len(errors)} errors "
                   f"(fundtrail check {ledger}); 报表可能不完整 reports may be incomplete", err=True)
    return books


def write(path: Path, content, quiet: bool = False) -> None:
    """Write whole or not at all: `content` (bytes, or a function making them) goes to a
    temporary file renamed into place."""
    from fundtrail.reports.render import MissingFont

    try:
        content = content() if callable(content) else content
    except MissingFont as error:
        raise click.ClickException(str(error)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(content)
    partial.replace(path)
    if not quiet:
        click.echo(f"已生成 written: {path}")
