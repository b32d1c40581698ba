"""The auditor's report for a year or a quarter: summary figures; findings by rule and severity
with amounts at risk and dispositions; every finding in the five-element form (criteria,
condition, cause, effect, recommendation) with its evidence (voucher, bank serial, source file
and row); the idle-money aging, spending-progress and fund-flow charts; the bank reconciliation;
a monetary-unit sample of the period's payments.

    audit_pdf(books, "2024")  or  audit_pdf(books, "2024Q3")  -> A4 PDF bytes

The findings are `fundtrail.plugins.checks.all_findings` of the whole books, so the report lists
exactly what `fundtrail check --json` lists. The per-rule text lives in rules.toml.
"""

from __future__ import annotations

import collections
import datetime
import functools
import math
import random
import tomllib
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.findings import SEVERITIES, SEVERITY_LABELS
from fundtrail.reports import charts, facts, render
from fundtrail.reports.facts import ZERO, Period

STATUS_LABELS = {"": "未处理", "误报": "误报", "已整改": "已整改", "核实中": "核实中"}
AGING_BANDS = [(183, "半年以内"), (365, "半年至1年"), (730, "1至2年"), (None, "2年以上")]
MUS_CONFIDENCE = Decimal("3.0")  # 95 % confidence, no expected misstatement
MUS_TOLERABLE = Decimal("0.10")  # tolerable misstatement as a share of the population


@functools.cache
def rule_texts() -> dict[str, dict]:
    return tomllib.loads((Path(__file__).parent / "rules.toml").read_text("utf-8"))


def five_elements(finding) -> dict:
    texts = rule_texts()
    text = texts.get(finding.rule, texts["default"])
    return {"title": text["title"], "criteria": text["criteria"], "condition": finding.message,
            "cause": text["cause"], "effect": text["effect"],
            "recommendation": text["recommendation"]}


def evidence(finding, ledger_dir: Path | None) -> dict:
    meta = getattr(finding.entry, "meta", None) or {}
    where = finding.source.get("filename") or ""
    if ledger_dir and where.startswith(str(ledger_dir)):
        where = where[len(str(ledger_dir)) + 1:]
    return {"links": list(finding.links), "source": meta.get("source", ""),
            "row": meta.get("row", ""), "voucher": meta.get("voucher", ""),
            "ledger": f"{where}:{finding.source.get('lineno', '')}"}


def finding_groups(found) -> list[dict]:
    groups: dict[tuple, dict] = {}
    for f in found:
        group = groups.setdefault((f.rule, f.severity), {
            "rule": f.rule, "title": five_elements(f)["title"], "severity": f.severity,
            "count": 0, "amount": ZERO, "status": collections.Counter()})
        group["count"] += 1
        group["amount"] += f.amount or ZERO
        group["status"][STATUS_LABELS.get(f.status, f.status)] += 1
    return sorted(groups.values(), key=lambda g: (-SEVERITIES.index(g["severity"]), g["rule"]))


def aging(books, period: Period) -> list[tuple[str, Decimal, str]]:
    """Fund balances at the end of the period by how long the oldest money has sat."""
    totals = collections.OrderedDict((label, [ZERO, 0]) for _, label in AGING_BANDS)
    for fig in books.figures("fund", end=period.end).values():
        if fig.balance <= 0 or not fig.since:
            continue
        days = (period.end - fig.since).days
        label = next(label for limit, label in AGING_BANDS if limit is None or days < limit)
        totals[label][0] += fig.balance
        totals[label][1] += 1
    return [(label, amount, f"{amount / 10000:,.2f}万元（{count}个指标）")
            for label, (amount, count) in totals.items()]


def progress(books, period: Period) -> list[tuple[str, Decimal, str]]:
    """Spent / received of each indicator issued in the period's year, at the period's end."""
    figures = books.figures("fund", end=period.end)
    rows = []
    for code, fund in books.master.funds.items():
        fig = figures.get(code)
        if not fund.issued or fund.issued.year != period.year or not fig or not fig.received:
            continue
        share = fig.spent / fig.received
        rows.append((f"{fund.level} {fund.doc_no}", share,
                     f"{share * 100:.1f}%（{fig.spent / 10000:,.1f}/{fig.received / 10000:,.1f}万）"))
    return rows


def flow_links(books, period: Period) -> dict[tuple[str, str], Decimal]:
    """Allotments of the period: fund level -> project category -> town (villages grouped)."""
    master = books.master
    links: dict[tuple[str, str], Decimal] = collections.defaultdict(Decimal)
    for f in facts.flows(books):
        if not facts.is_allotment(f) or not period.start <= f.date <= period.end:
            continue
        fund, project = master.funds.get(f.fund), master.projects.get(f.project)
        level = fund.level if fund else "其他"
        category = project.category if project and project.category else "其他"
        town = master.place_name(project.town) if project and project.town else "全区统筹"
        links[(level, category + "类")] += f.amount
        links[(category + "类", town)] += f.amount
    return links


def flow(books, period: Period):
    links = flow_links(books, period)
    if not links:
        return None
    size: dict[str, Decimal] = collections.defaultdict(Decimal)
    for (source, target), amount in links.items():
        size[source] += amount
        size[target] += amount

    def column(names):
        return sorted(names, key=lambda name: -size[name])

    columns = [column({s for s, _ in links if not s.endswith("类")}),
               column({t for _, t in links if t.endswith("类")}),
               column({t for _, t in links if not t.endswith("类")})]
    return charts.sankey(columns, [(s, t, a) for (s, t), a in links.items()],
                         titles=["资金级次", "项目类别", "乡镇（所辖村）"])


def reconciliation(books, period: Period) -> list[dict]:
    """Each cash account: the books at the period's end and the last statement balance by then."""
    end = period.end
    balances = books.cash_balances(end)
    asserted: dict[str, data.Balance] = {}
    for entry in books.index.balances:
        if entry.date <= end + datetime.timedelta(days=1):
            asserted[entry.account] = entry
    rows = []
    for account in sorted(set(balances) | set(asserted)):
        if not acc.is_cash(account):
            continue
        check = asserted.get(account)
        on_day = books.cash_balances(check.date - datetime.timedelta(days=1)).get(account, ZERO) \
            if check else None
        rows.append({"account": account, "name": books.master.account_name(account),
                     "books": balances.get(account, ZERO),
                     "statement_date": check.date - datetime.timedelta(days=1) if check else None,
                     "statement": check.amount.number if check else None,
                     "difference": (on_day - check.amount.number) if check else None})
    return rows


def mus_sample(books, period: Period) -> dict:
    """Monetary-unit sample of the period's payments: every `interval`-th yuan from a seeded start."""
    payments = [f for f in facts.flows(books)
                if facts.is_spending(f) and f.amount > 0 and period.start <= f.date <= period.end]
    population = sum((f.amount for f in payments), ZERO)
    if not population:
        return {"population": ZERO, "count": 0, "size": 0, "interval": ZERO, "start": ZERO, "items": []}
    size = min(len(payments), math.ceil(MUS_CONFIDENCE / MUS_TOLERABLE))
    interval = (population / size).quantize(Decimal("0.01"))
    cents = int(interval * 100)  # a seeded start in [0, interval), to the cent, never a float
    start = Decimal(random.Random(f"MUS-{period.label}").randrange(max(cents, 1))) / 100
    items, cumulative, hit = [], ZERO, start
    for f in payments:
        lower, cumulative = cumulative, cumulative + f.amount
        if lower <= hit < cumulative:
            items.append({"flow": f, "hits": 0})
            while lower <= hit < cumulative:
                items[-1]["hits"] += 1
                hit += interval
    for item in items:
        entry = item["flow"].entry
        item.update(date=entry.date, payee=entry.payee or "", narration=entry.narration,
                    amount=item["flow"].amount, project=item["flow"].project,
                    links=sorted(entry.links),
                    where=f"{Path(entry.meta['source']).name}:{entry.meta.get('row', '')}"
                    if entry.meta.get("source") else "")
    return {"population": population, "count": len(payments), "size": size, "interval": interval,
            "start": start, "items": items}


def audit_context(books, period: Period) -> dict:
    from fundtrail.plugins.checks import all_findings

    found = all_findings(books.entries, books.options)
    ordered = sorted(found, key=lambda f: (-SEVERITIES.index(f.severity), f.rule,
                                           f.date or datetime.date.min, f.id))
    ledger_dir = Path(books.filename).resolve().parent if books.filename else None
    funds = books.figures("fund", start=period.start, end=period.end)
    recon = books.reconcile(period.end)
    payments = [f for f in facts.flows(books) if facts.is_spending(f) and period.start <= f.date <= period.end]
    severity_counts = collections.Counter(f.severity for f in found)
    return {
        "period": period,
        "summary": {
            "received": sum((f.received for f in funds.values()), ZERO),
            "passed_down": sum((f.passed_down for f in funds.values()), ZERO),
            "spent": sum((f.amount for f in payments), ZERO), "payments": len(payments),
            "balance": sum((f.balance for f in funds.values()), ZERO),
            "projects": sum(1 for p in books.master.projects.values()
                            if p.approved and p.approved <= period.end
                            and (not p.end or p.end >= period.start)),
            "findings": len(found),
            "at_risk": sum((f.amount or ZERO for f in found), ZERO),
        },
        "severity_counts": [(s, SEVERITY_LABELS[s], severity_counts[s]) for s in reversed(SEVERITIES)],
        "groups": finding_groups(found),
        "findings": [{"f": f, "five": five_elements(f), "evidence": evidence(f, ledger_dir),
                      "status": STATUS_LABELS.get(f.status, f.status)} for f in ordered],
        "aging_chart": charts.hbars(aging(books, period)),
        "progress_chart": charts.hbars(progress(books, period), marker=period.time_progress,
                                       marker_label=f"序时进度 {period.time_progress * 100:.1f}%",
                                       ratio=True),
        "flow_chart": flow(books, period),
        "reconciliation": reconciliation(books, period), "recon": recon,
        "sample": mus_sample(books, period), "severity_labels": SEVERITY_LABELS,
        "issued": datetime.date.today(),
    }


def audit_pdf(books, period: str) -> bytes:
    """The auditor's report for `period` ("2024" or "2024Q3")."""
    parsed = Period.parse(period)
    county = books.master.county.name if books.master.county else ""
    title = f"{county}衔接资金审计分析报告（{parsed.label}）"
    return render.pdf("audit.html", books, title=title, header=title,
                      **audit_context(books, parsed))
