"""The auditor's report for a year or a quarter, in the order an auditor signs it: cover; scope
and method; main figures and the overall conclusion; findings by severity in the five-element
form (criteria, condition, cause, effect, recommendation) with their evidence; earlier findings
still open; the idle-money aging, spending-progress and fund-flow charts; the bank
reconciliation; a monetary-unit sample with what to test and a result column; an appendix of
the rules applied with their criteria.

    audit_pdf(books, "2024")  or  audit_pdf(books, "2024Q3")  -> A4 PDF bytes

The report for period P is the books as at P's end: the checks run on the entries up to P's end,
judged at P's end (idle bands, spending progress), with the auditor's dispositions recorded by
then. Its findings are those whose event falls in P; earlier ones still open at P's end, and
those closed in P, have a section of their own with their status; later ones are not in it
(fundtrail.periods decides the set, as for the spreadsheet and the findings desk). Wording, titles and criteria come from the rule
catalogue (fundtrail.catalogue); every figure is computed once here and printed from one place.
"""

from __future__ import annotations

import collections
import datetime
import math
import random
import re
from decimal import Decimal

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import catalogue, gcpause, periods
from fundtrail.findings import GONE, SEVERITIES, SEVERITY_LABELS, is_closed
from fundtrail.reports import charts, facts, render
from fundtrail.reports import evidence as proof
from fundtrail.reports.facts import ZERO, Period

AGING_BANDS = [(183, "半年以内"), (365, "半年至1年"), (730, "1至2年"), (None, "2年以上")]
MUS_CONFIDENCE = Decimal("3.0")  # 95 % confidence, no expected misstatement
MUS_TOLERABLE = Decimal("0.10")  # tolerable misstatement as a share of the population


def evidence(finding, master) -> dict:
    """What an auditor looks up: the finding's links labelled (凭证号, 流水号, 一卡通行), the
    entry's date and amount, and the original document with its voucher number or row
    (fundtrail.reports.evidence), never a ledger file and line."""
    entry = finding.entry
    postings = getattr(entry, "postings", None) or ()
    cash = [p.units.number for p in postings if acc.is_cash(p.account) and p.units.number is not None]
    amounts = cash or [p.units.number for p in postings if p.units.number is not None]
    return {"links": list(finding.links), "date": getattr(entry, "date", None),
            "amount": max((abs(a) for a in amounts), default=None),
            "document": proof.where(master, entry) if getattr(entry, "meta", None) else ""}


def finding_groups(found) -> list[dict]:
    groups: dict[tuple, dict] = {}
    for f in found:
        group = groups.setdefault((f.rule, f.severity), {
            "rule": f.rule, "title": f.title, "severity": f.severity,
            "count": 0, "amount": ZERO, "status": collections.Counter()})
        group["count"] += 1
        group["amount"] += f.amount or ZERO
        group["money"] = group.get("money", False) or f.amount is not None
        group["status"][f.status_label] += 1
    for group in groups.values():  # a statistical signal (Benford) has no money at stake: blank
        group["amount"] = group["amount"] if group.pop("money") else None
    return sorted(groups.values(), key=lambda g: (-SEVERITIES.index(g["severity"]), g["title"]))


def settings_of(books) -> dict:
    """The checks' settings the report runs and states (facts.check_settings)."""
    return facts.check_settings(books)


def period_findings(books, period: Period, settings: dict) -> tuple[list, list]:
    """(findings whose event falls in `period`, earlier findings it lists: still open at its end,
    or closed in it), as fundtrail.periods.finding_set decides them for every report and desk."""
    found = facts.finding_set(books, period, settings)
    return list(found.current), list(found.earlier)


def _by_severity(found) -> str:
    counts = collections.Counter(f.severity for f in found)
    return "、".join(f"{SEVERITY_LABELS[s]}{counts[s]}项" for s in reversed(SEVERITIES) if counts[s])


def _worst(found) -> tuple[int, str]:
    """The highest severity among the open findings of `found`, and their titles."""
    open_ = [f for f in found if not is_closed(f)]
    worst = max((SEVERITIES.index(f.severity) for f in open_), default=-1)
    return worst, "、".join(sorted({f.title for f in open_ if SEVERITIES.index(f.severity) == worst}))


_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # a link as a message writes it: letters, digits, - and _


def unnamed_links(finding) -> list[str]:
    """The finding's links its message does not name (a link counts as named only as a whole:
    REQ-1 is not named by REQ-12), for the evidence line beside the message."""
    named = set(_TOKEN.findall(finding.message))
    return [link for link in finding.links if link not in named]


def gone_groups(closed) -> list[dict]:
    """The earlier findings the checks no longer find (已消除), by type: how many, the money
    they named, when they were last found and their ids (one row a type, not one a finding:
    at 100k a quarter closes hundreds of them, each with the same formula as its reason)."""
    groups: dict[tuple, dict] = {}
    for f in closed:
        if f.status != GONE:
            continue
        group = groups.setdefault((f.title, f.severity), {
            "title": f.title, "severity": f.severity, "ids": [], "amount": None,
            "first": f.date, "last": f.date})
        group["ids"].append(f.id)
        if f.amount is not None:
            group["amount"] = (group["amount"] or ZERO) + f.amount
        if f.date is not None:
            group["first"] = min(filter(None, (group["first"], f.date)))
            group["last"] = max(filter(None, (group["last"], f.date)))
    return sorted(groups.values(), key=lambda g: (-SEVERITIES.index(g["severity"]), g["title"]))


def reconciliation_sentence(summary: dict) -> str:
    text = (f"银行及国库账户期末余额与{summary['as_of']}对账单核对，一致的{summary['reconciled']}个，"
            f"不一致的{summary['unreconciled']}个")
    if summary["unchecked"]:
        text += (f"，未对账的{len(summary['unchecked'])}个：" + "；".join(summary["unchecked"])
                 + "，其余额未经对账单核实")
    return text + "。"


def conclusion(county: str, period: Period, summary: dict, current: list, earlier: list) -> list[str]:
    """The overall conclusion, from the same findings and figures as the counts: the main figures
    and the reconciliation; what this period found; what earlier periods left open or closed;
    the auditor's judgement of this period from this period's open findings (to be confirmed by
    the signing auditor), earlier open problems judged apart."""
    yuan = render.yuan
    paid = (f"支付{summary['payments']}笔{yuan(summary['spent'])}元"
            + (f"（另有退回{summary['refunds']}笔{yuan(-summary['refunded'])}元，"
               f"净支出{yuan(summary['net'])}元）" if summary["refunds"] else ""))
    text = [f"{period.label}，{county}衔接资金到位{yuan(summary['received'])}元，分解下达项目"
            f"{yuan(summary['passed_down'])}元，{paid}，{period.end.month}月末资金结余"
            f"{yuan(summary['balance'])}元；" + reconciliation_sentence(summary)]
    if current:
        by_title = collections.defaultdict(list)
        for f in current:
            by_title[f.title].append(f)
        main = sorted(by_title.items(), key=lambda kv: (-periods.at_risk(kv[1]), kv[0]))[:3]
        settled = sum(1 for f in current if is_closed(f))
        text.append(f"本期检查发现疑点{len(current)}项，涉及金额{yuan(summary['at_risk'])}元（同一笔资金只计一次），"
                    f"其中{_by_severity(current)}"
                    + (f"；截至{period.end.isoformat()}已处置或已消除{settled}项" if settled else "")
                    + "。涉及金额较大的是" + "、".join(f"{t}{len(fs)}项{yuan(periods.at_risk(fs))}元"
                                                 for t, fs in main) + "。")
    else:
        text.append("本期检查未发现疑点。")
    carried = [f for f in earlier if not is_closed(f)]
    closed = [f for f in earlier if is_closed(f)]
    if carried:
        text.append(f"以前期间发现、截至{period.end.isoformat()}仍未整改的疑点{len(carried)}项，"
                    f"涉及金额{yuan(summary['earlier_at_risk'])}元，其中{_by_severity(carried)}，见第五部分。")
    if closed:
        text.append(f"以前期间发现的疑点本期已处置或已消除{len(closed)}项，见第五部分。")
    worst, titles = _worst(current)
    if worst == SEVERITIES.index("critical"):
        verdict = (f"本期衔接资金管理存在严重问题（{titles}），相关资金应立即核实，"
                   "属实的追回并移送有关部门；其余问题限期整改。")
    elif worst == SEVERITIES.index("high"):
        verdict = f"本期衔接资金管理存在较严重问题（{titles}），应限期整改并报告整改结果。"
    elif worst >= 0:
        verdict = "本期衔接资金管理总体规范，所列一般性问题应在下一期间整改。"
    else:
        verdict = "本期未发现需要整改的问题。"
    before, before_titles = _worst(carried)
    if before >= SEVERITIES.index("high"):
        verdict += (f"以前期间的{'严重' if before == SEVERITIES.index('critical') else '较严重'}问题"
                    f"（{before_titles}）截至期末仍未整改，应督促整改到位。")
    if summary["unchecked"]:
        verdict += "未对账账户的余额应取得期末对账单核对。"
    text.append("总体评价：" + verdict + "以上结论以账簿及导入的原始数据为依据，疑点经审计人员逐项核实后定性。")
    return text


def rules_applied(settings: dict) -> list[dict]:
    """The appendix: every rule that ran, with its severity and criteria (county overrides)."""
    from fundtrail.plugins.checks import RULES

    weights, own = settings.get("severity") or {}, settings.get("criteria") or {}
    rows = []
    for rule_id in sorted(RULES, key=lambda r: catalogue.title(r)):
        rule = catalogue.rule(rule_id)
        cited = [own[rule_id]] if isinstance(own.get(rule_id), str) else \
            [c.cite() + ("（须本县确认）" if c.local else "") for c in rule.criteria]
        rows.append({"title": rule.title, "severity": SEVERITY_LABELS[weights.get(rule_id, rule.severity)],
                     "criteria": cited})
    return rows


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
    """Spent / received of each indicator issued in the period's year, at the period's end, by
    fund level (`accounts.level_rank`), then code."""
    figures = books.figures("fund", end=period.end)
    rows = []
    for code, fund in sorted(books.master.funds.items(), key=lambda kv: (acc.level_rank(kv[1].level), kv[0])):
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


RECON_TOLERANCE = datetime.timedelta(days=3)  # a statement this close to the period's end is compared


def reconciliation(books, period: Period) -> list[dict]:
    """Each cash account: the books at the period's end and the last statement balance by then,
    with its own status: 一致 or 不一致 when the statement is dated at the period's end (within
    RECON_TOLERANCE), else 未对账 (no statement, or one older than that)."""
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
        day = check.date - datetime.timedelta(days=1) if check else None
        on_day = books.cash_balances(day).get(account, ZERO) if check else None
        difference = (on_day - check.amount.number) if check else None
        current = day is not None and end - day <= RECON_TOLERANCE
        status = ("一致" if difference == 0 else "不一致") if current else "未对账"
        why = "" if current else ("无对账单" if day is None else f"对账单截至{day.isoformat()}")
        rows.append({"account": account, "name": books.master.account_name(account),
                     "books": balances.get(account, ZERO), "statement_date": day,
                     "statement": check.amount.number if check else None,
                     "difference": difference, "status": status, "why": why})
    return rows


TESTS = {  # what the auditor checks for a sampled payment, by what it paid for
    "household": "发放名单、身份证明、补助标准；收款人在登记册中",
    "works": "合同、结算单、发票、验收单；收款单位与合同一致",
    "other": "批复或审批单、发票；用途在衔接资金支出范围内",
}


def what_to_test(flow) -> str:
    if flow.meta.get("beneficiary") or flow.meta.get("id_no"):
        return TESTS["household"]
    return TESTS["works"] if flow.project else TESTS["other"]


def mus_sample(payments: list, period: Period) -> dict:
    """Monetary-unit sample of the period's payments (the same list as the report's page one):
    every `interval`-th yuan from a seeded start."""
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
                    links=sorted(lk for lk in entry.links if lk != item["flow"].project),
                    test=what_to_test(item["flow"]), where="")  # located(): the document
    return {"population": population, "count": len(payments), "size": size, "interval": interval,
            "start": start, "items": items}


def located(books, sample: dict) -> dict:
    """Each sampled payment's original document: voucher number and detail line, or row."""
    for item in sample["items"]:
        item["where"] = proof.where(books.master, item["flow"].entry, item["flow"])
        if item["flow"].entry.meta.get("voucher"):  # its number is in `where`, with the line
            item["links"] = [link for link in item["links"] if not link.startswith("VOU-")]
    return sample


def audit_context(books, period: Period) -> dict:
    settings = settings_of(books)
    current, earlier = period_findings(books, period, settings)
    funds = books.figures("fund", start=period.start, end=period.end)
    recon = books.reconcile(period.end)
    spends = [f for f in facts.flows(books) if facts.is_spending(f) and period.start <= f.date <= period.end]
    payments = [f for f in spends if f.amount > 0]
    refunds = [f for f in spends if f.amount < 0]
    reconciled = reconciliation(books, period)
    carried = [f for f in earlier if not is_closed(f)]
    closed = [f for f in earlier if is_closed(f)]
    severity_counts = collections.Counter(f.severity for f in current)
    summary = {
        "received": sum((f.received for f in funds.values()), ZERO),
        "passed_down": sum((f.passed_down for f in funds.values()), ZERO),
        "spent": sum((f.amount for f in payments), ZERO), "payments": len(payments),
        "refunded": sum((f.amount for f in refunds), ZERO), "refunds": len(refunds),
        "net": sum((f.amount for f in spends), ZERO),
        "balance": sum((f.balance for f in funds.values()), ZERO),
        "projects": sum(1 for p in books.master.projects.values()
                        if p.approved and p.approved <= period.end
                        and (not p.end or p.end >= period.start)),
        "findings": len(current),
        "at_risk": periods.at_risk(current),
        "earlier": len(carried), "earlier_at_risk": periods.at_risk(carried),
        "closed_earlier": len(closed),
        "as_of": period.end.isoformat(),
        "reconciled": sum(1 for r in reconciled if r["status"] == "一致"),
        "unreconciled": sum(1 for r in reconciled if r["status"] == "不一致"),
        "unchecked": [f"{r['name'] or r['account']}{r['why']}" for r in reconciled
                      if r["status"] == "未对账"],
    }
    county = books.master.county.name if books.master.county else ""
    by_severity = [(s, SEVERITY_LABELS[s], [f for f in current if f.severity == s])
                   for s in reversed(SEVERITIES)]
    criteria = settings.get("criteria") or {}
    return {
        "period": period, "county_name": county, "summary": summary,
        "conclusion": conclusion(county, period, summary, current, earlier),
        "severity_counts": [(s, SEVERITY_LABELS[s], severity_counts[s]) for s in reversed(SEVERITIES)],
        "groups": finding_groups(current),
        "by_severity": [(s, label, [{"f": f, "five": f.five(criteria), "evidence": evidence(f, books.master)}
                                    for f in items]) for s, label, items in by_severity if items],
        "earlier": earlier, "carried": carried,
        "settled": [f for f in closed if f.status != GONE], "gone": gone_groups(closed),
        "unnamed": unnamed_links,
        "tolerance": RECON_TOLERANCE.days,
        "aging_chart": charts.hbars(aging(books, period)),
        "progress_chart": charts.hbars(progress(books, period), marker=period.time_progress,
                                       marker_label=f"序时进度 {period.time_progress * 100:.1f}%",
                                       ratio=True),
        "flow_chart": flow(books, period),
        "reconciliation": reconciled, "recon": recon,
        "sample": located(books, mus_sample(payments, period)), "severity_labels": SEVERITY_LABELS,
        "rules": rules_applied(settings),
        "issued": datetime.date.today(),
    }


def audit_pdf(books, period: str) -> bytes:
    """The auditor's report for `period` ("2024" or "2024Q3")."""
    return render.pdf_of(audit_html(books, period))


def audit_html(books, period: str) -> str:
    """The HTML `audit_pdf` renders. The collector is paused meanwhile (fundtrail.gcpause):
    the report's views of the books (cash by day, figures) are hundreds of thousands of new
    tuples, and at 100k each automatic collection walks the whole loaded ledger."""
    parsed = Period.parse(period)
    county = books.master.county.name if books.master.county else ""
    title = f"{county}衔接资金审计分析报告（{parsed.label}）"
    with gcpause.paused():
        return render.html("audit.html", books, title=title, header=title,
                           **audit_context(books, parsed))
