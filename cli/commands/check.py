"""`fundtrail check LEDGER [--json] [--fail-on SEVERITY] [--stats]`: the findings, grouped by rule.

`--stats` prints, instead of the findings, each rule's false-alarm share: findings, closed as
误报, closed as 已整改, still open, and 误报 / findings (with --json, the same as JSON).

Findings are counted apart from ledger errors: the exit code is 1 for a ledger error, the same
errors bean-check reports (`fundtrail.findings.is_ledger_error`: with the checks setting
`ledger_errors_from`, an open finding at or above it is one), or for an open finding at or above
--fail-on."""

from __future__ import annotations

import collections
import json
import sys

import click

from fundtrail import beanerrors, catalogue
from fundtrail.cli.commands.common import LEDGER, load_books, printable, shown_error
from fundtrail.findings import (
    SEVERITIES,
    SEVERITY_LABELS,
    Finding,
    is_closed,
    is_ledger_error,
    severity_rank,
)
from fundtrail.workspace import shown_at


@click.command(help="运行全部检查并列出疑点 Load the books with all checks and list the findings.")
@LEDGER
@click.option("--json", "as_json", is_flag=True, help="以JSON输出全部疑点(含处置状态) all findings as JSON")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="存在该级别及以上未处置疑点时退出码为1 exit 1 on an undisposed finding at or above this severity")
@click.option("--stats", is_flag=True,
              help="按规则统计误报率(发现/误报/已整改/已消除/未结/误报率) per rule: found, closed as false positive, share")
def check(ledger: str, as_json: bool, fail_on: str | None, stats: bool = False):
    from beancount.parser import printer

    from fundtrail.plugins import checks

    kept = _kept(ledger)
    if kept is not None:  # unchanged books: what the last load found (fundtrail.bookcache)
        load_errors, options, (found, review_errors) = kept
    else:
        books = load_books(ledger, warn=False)
        load_errors, options = books.errors, books.options
        settings = checks.parse_settings(checks.plugin_config(options))
        found, review_errors = checks.review(books.entries, settings)
    ledger_errors = [e for e in load_errors if is_ledger_error(e)]  # the load ran the checks
    if not checks.in_ledger(options):  # it did not: their own errors are this run's
        ledger_errors += review_errors
    for error in ledger_errors:  # like bean-check: file:line first (in the workspace), in Chinese
        sys.stderr.write(printer.format_error(shown_error(beanerrors.in_chinese(error))))
    if stats:
        _print_stats(found, as_json)
    elif as_json:
        click.echo(json.dumps([f.as_json() for f in found], ensure_ascii=False, indent=1))
    else:
        _print_findings(found)
        if ledger_errors:
            click.echo(f"账簿错误 ledger errors: {len(ledger_errors)}", err=True)
    if kept is None:  # the books were loaded: prepare the last quarter's reports (printed first)
        sys.stdout.flush()
        from fundtrail.plugins import cutoffs

        cutoffs.keep_last_quarter(books.index, settings)
    failing = fail_on and any(severity_rank(f.severity) >= severity_rank(fail_on)
                              and not is_closed(f) for f in found)
    if ledger_errors or failing:
        sys.exit(1)


def _kept(ledger: str):
    """(load errors, options, (findings, review errors)) of unchanged books from the cache of
    the loaded books, without loading them; None when they must be loaded."""
    from fundtrail import loading
    from fundtrail.plugins import checks

    kept = loading.kept_verdict(ledger)
    if kept is None:
        return None
    errors, options, memo = kept
    settings = checks.parse_settings(checks.plugin_config(options))
    review = memo.get(checks.review_key(settings))
    if review is None:
        return None
    found, review_errors = review
    return errors, options, (list(found), list(review_errors))


def _print_findings(found: list[Finding]) -> None:
    if not found:
        click.echo("未发现疑点 No findings.")
        return
    groups = collections.defaultdict(list)
    for finding in found:
        groups[(finding.rule, finding.severity)].append(finding)
    for (rule, severity), items in sorted(groups.items(),
                                          key=lambda kv: (-severity_rank(kv[0][1]), kv[0][0])):
        click.echo(f"== {catalogue.title(rule)}（{SEVERITY_LABELS[severity]}）{len(items)} 项")
        for f in items:
            status = f"【{f.status}：{f.reason}】 " if f.status else ""
            rows = f"（{f.count} 笔）" if f.rows else ""
            click.echo(f"  {f.id} {status}{f.date} {shown_at(f.source)}  {printable(f.message)}{rows}")
    counts = collections.Counter(f.severity for f in found if not is_closed(f))
    closed = sum(is_closed(f) for f in found)
    click.echo(f"疑点 findings: {len(found)}（" + "，".join(f"{SEVERITY_LABELS[s]} {counts[s]}" for s in reversed(SEVERITIES))
               + (f"；已处置 {closed}" if closed else "") + "）")


def _print_stats(found: list[Finding], as_json: bool) -> None:
    from fundtrail.workflow import false_alarms

    rows = false_alarms(found)
    if as_json:
        click.echo(json.dumps([{"rule": r.rule, "title": r.title, "found": r.found,
                                "variant": r.variant, "false_alarms": r.false_alarms,
                                "resolved": r.resolved, "gone": r.gone, "open": r.open, "share": str(r.share) if r.share is not None else None}
                               for r in rows], ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("未发现疑点 No findings.")
        return
    width = max(len(r.title) for r in rows)
    click.echo(f"{'疑点类型'.ljust(width, '　')}  发现  误报  已整改  已消除  未结  误报率")
    for r in rows:
        click.echo(f"{r.title.ljust(width, '　')}  {r.found:>4}  {r.false_alarms:>4}  {r.resolved:>6}"
                   f"  {r.gone:>6}  {r.open:>4}  {r.share_text:>6}")
    total, false = sum(r.found for r in rows), sum(r.false_alarms for r in rows)
    click.echo(f"合计 疑点 {total} 项，误报 {false} 项（{false * 100 / total:.1f}%）。"
               "误报率高的规则宜调整本县检查设置。")
