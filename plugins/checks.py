"""fundtrail's checks: one beancount plugin that runs every rule and reports findings.

Each rule is a function `rule(entries, master, settings) -> iterable[Finding]` registered in
RULES under its stable rule id. The plugin returns the ledger unchanged and adds the findings
at or above `report_from` as errors, so they show in bean-check and on Fava's error page.

Configuration (a Python dict literal, as beancount's own plugins take):

    plugin "fundtrail.plugins.checks" "{'report_from': 'medium'}"

report_from: lowest severity reported (low|medium|high|critical; default low = all).

Before:
    2024-08-03 * "某某公司" "转账支取"
      Assets:Bank:ICBC-2345   -5000.00 CNY
      Expenses:Suspense        5000.00 CNY
After: the same entries, plus the error
    main.beancount:12: [unclassified] 未分类支出 5,000.00 元 计入待分类科目 Expenses:Suspense ...
"""

from __future__ import annotations

import ast
import datetime

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import findings
from fundtrail.masterdata import MasterData

__plugins__ = ("checks",)

DEFAULTS = {"report_from": "low"}


def unclassified(entries, master, settings):
    """Money in a suspense account: no classification rule attached it to a fund or project."""
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for index, posting in enumerate(entry.postings):
            if posting.account in (acc.SUSPENSE_EXPENSE, acc.SUSPENSE_INCOME):
                amount = abs(posting.units.number)
                key = f"{entry.date}|{sorted(entry.links)}|{entry.narration}|{index}|{amount}"
                yield findings.make(
                    "unclassified", "medium", key,
                    f"未分类资金 {amount:,.2f} 元 计入 {posting.account}，无规则确定其项目或资金来源，需核实。"
                    f" Unclassified money in suspense.", entry, amount)


RULES = {"unclassified": unclassified}


def parse_settings(config: str | None) -> dict:
    settings = dict(DEFAULTS)
    if config:
        settings.update(ast.literal_eval(config))
    findings.severity_rank(settings["report_from"])
    return settings


def run_rules(entries, settings) -> list[findings.Finding]:
    master = MasterData.from_entries(entries)
    found = [f for rule in RULES.values() for f in rule(entries, master, settings)]
    return sorted(found, key=lambda f: (f.date or datetime.date.min, f.rule, f.id))


def checks(entries, options_map, config=None):
    settings = parse_settings(config)
    floor = findings.severity_rank(settings["report_from"])
    found = run_rules(entries, settings)
    return entries, [f for f in found if findings.severity_rank(f.severity) >= floor]
