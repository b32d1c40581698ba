"""`fundtrail report village|county|audit|household|all`: the public notices, the auditor's PDF
and the household statements (明白卡).

One command loads the books once for every report it writes; `village --all`, `household --all`
and `all` render their PDFs in parallel worker processes (fundtrail.reports.batch)."""

from __future__ import annotations

import sys

import click

from fundtrail.cli.commands.common import (
    LEDGER,
    OutputPath,
    Year,
    load_books,
    out_help,
    rendering,
    require_period,
    workspace_reports,
    write,
)
from fundtrail.periods import parse_period, quarter_label

OUT = click.option("--out", "out", default=None, type=OutputPath(directory=True),
                   help=out_help("输出目录 output directory"))


@click.group(help="生成公告和审计报告 (PDF) Render notices and reports as PDF.")
def report():
    pass


@report.command(help="村级公告公示（季度或月度） The village notice, quarterly or monthly.")
@LEDGER
@click.option("--quarter", default=None, help="季度 quarter, e.g. 2024Q3")
@click.option("--month", default=None, help="月份（按月公开财务的村） month, e.g. 2024-07")
@click.option("--village", default=None, help="行政村代码 12-digit village code")
@click.option("--all", "every", is_flag=True, help="全部行政村 every village (one ledger load)")
@click.option("--poster", is_flag=True, help="A3 张贴版 A3 poster for the noticeboard")
@OUT
def village(ledger, quarter, month, village, every, poster, out):
    out = out or workspace_reports(ledger)
    from fundtrail.reports import village as notices

    if bool(village) == every:
        raise click.UsageError("请指定 --village CODE 或 --all give --village CODE or --all")
    if bool(quarter) == bool(month):
        raise click.UsageError("请指定 --quarter 或 --month 之一 give one of --quarter or --month")
    if quarter:
        period, label = _quarter(quarter)
    else:
        try:
            period = notices.month(month)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--month") from None
        label = f"{period.start.year}-{period.start.month:02d}"
    books = load_books(ledger)
    codes = notices.village_codes(books) if every else [village]
    if village and village not in books.master.villages:
        raise click.BadParameter(f"账簿中没有该行政村 no such village in the ledger: {village}",
                                 param_hint="--village")
    if not codes:
        raise click.ClickException("账簿中没有行政村 the ledger has no villages: add them to "
                                   "county.beancount (见 see docs/ledger-model.md)")
    require_period(books, period.start, period.end, label)
    suffix = "-A3" if poster else ""
    jobs = [(f"{label}-{code}-{books.master.villages[code].name}{suffix}.pdf",
             lambda code=code: notices.notice_html(books, label, code, poster=poster))
            for code in codes]
    _render(jobs, out, "生成村级公告 rendering notices", quiet=every)
    if every:
        click.echo(f"已生成 {len(codes)} 份村级公告 wrote {len(codes)} notices to {out}/")


def _quarter(text: str):
    """(period, label "2024Q3") of a --quarter value, or the usage error naming it."""
    from fundtrail.reports import village as notices

    try:
        period = notices.quarter(text)
    except ValueError:
        raise click.BadParameter(f"季度格式应为 2024Q3 quarter must look like 2024Q3: {text!r}",
                                 param_hint="--quarter") from None
    return period, quarter_label(period.start)


def _render(jobs, out, label: str, quiet: bool) -> None:
    """Write each (file name, HTML maker) as a PDF, rendered in parallel, with a progress bar."""
    from fundtrail.reports import batch

    with rendering(), click.progressbar(length=len(jobs), label=label, show_pos=True,
                                        file=sys.stderr) as bar:
        for name, content in batch.render_all(jobs):
            write(out / name, content, quiet=quiet)
            bar.update(1)


@report.command(help="县级年度项目资金公告 The county's annual disclosure.")
@LEDGER
@click.option("--year", required=True, type=Year(), help="年度 year")
@OUT
def county(ledger, year, out):
    out = out or workspace_reports(ledger)
    from fundtrail.reports.county import disclosure_pdf
    from fundtrail.reports.facts import Period

    books = load_books(ledger)
    period = Period.parse(str(year))
    require_period(books, period.start, period.end, str(year))
    write(out / f"{year}-county-disclosure.pdf", lambda: disclosure_pdf(books, year))


@report.command(help="审计分析报告 The auditor's report.")
@LEDGER
@click.option("--period", required=True, help="期间 period: 2024 or 2024Q3")
@OUT
def audit(ledger, period, out):
    out = out or workspace_reports(ledger)
    from fundtrail.reports.audit import audit_pdf

    try:
        span = parse_period(period, "year", "quarter")
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    books = load_books(ledger)
    require_period(books, span.start, span.end, span.label)  # the label: 2024q3 -> 2024Q3
    write(out / f"{span.label}-audit.pdf", lambda: audit_pdf(books, span.label))


@report.command(help="到户帮扶资金明白卡 The household statement (one page per household).")
@LEDGER
@click.option("--year", required=True, type=Year(), help="年度 year")
@click.option("--household", default=None, help="户编号或家庭成员身份证号 household number or a member's ID number")
@click.option("--village", default=None, help="行政村代码 12-digit village code (with --all)")
@click.option("--all", "every", is_flag=True, help="该村全部在册户 every household of --village")
@OUT
def household(ledger, year, household, village, every, out):
    out = out or workspace_reports(ledger)
    from fundtrail.reports import household as cards
    from fundtrail.reports.facts import Period

    if bool(household) == every or (every and not village) or (village and not every):
        raise click.UsageError("请指定 --household ID 或 --village CODE --all "
                               "give --household ID or --village CODE --all")
    books = load_books(ledger)
    register = books.index.household_register
    if not register.usable:
        raise click.ClickException(register.problem or "账簿未登记户籍登记册 the ledger names no "
                                   "household register (custom \"register\" \"households\")")
    if every:
        if village not in books.master.villages:
            raise click.BadParameter(f"账簿中没有该行政村 no such village in the ledger: {village}",
                                     param_hint="--village")
        chosen = cards.of_village(books, village)
        if not chosen:
            raise click.ClickException(f"户籍登记册中没有该村的农户 the household register has no "
                                       f"household in {village}")
    else:
        found = cards.find(books, household)
        if found is None:
            raise click.BadParameter(f"户籍登记册中没有该户 no such household in the register: "
                                     f"{household}", param_hint="--household")
        chosen = [found]
    period = Period.parse(str(year))
    require_period(books, period.start, period.end, str(year))
    jobs = [(f"{year}-明白卡-{family.number}.pdf",
             lambda family=family: cards.card_html(books, family, year)) for family in chosen]
    _render(jobs, out, "生成明白卡 rendering household statements", quiet=every)
    if every:
        click.echo(f"已生成 {len(chosen)} 份明白卡 wrote {len(chosen)} household statements to {out}/")


@report.command("all", help="一次加载生成本季度全部报告: 各村公告、县级年度公告和审计报告 "
                            "Every report of a quarter from one load: the village notices, the "
                            "county's annual disclosure for its year and the auditor's report.")
@LEDGER
@click.option("--quarter", required=True, help="季度 quarter, e.g. 2024Q3")
@OUT
def every_report(ledger, quarter, out):
    out = out or workspace_reports(ledger)
    from fundtrail.reports import village as notices
    from fundtrail.reports.audit import audit_html
    from fundtrail.reports.county import disclosure_html

    period, label = _quarter(quarter)
    books = load_books(ledger)
    require_period(books, period.start, period.end, label)
    year = period.start.year
    jobs = [(f"{label}-audit.pdf", lambda: audit_html(books, label)),
            (f"{year}-county-disclosure.pdf", lambda: disclosure_html(books, year))]
    jobs += [(f"{label}-{code}-{books.master.villages[code].name}.pdf",
              lambda code=code: notices.notice_html(books, label, code))
             for code in notices.village_codes(books)]
    _render(jobs, out, "生成报告 rendering reports", quiet=True)
    click.echo(f"已生成 {len(jobs)} 份报告 wrote {len(jobs)} reports to {out}/")
