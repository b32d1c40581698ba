"""fundtrail's checks: one beancount plugin that runs every rule and reports findings.

The rules live in `fundtrail.plugins.rules` (one module per family, each a `RULES` dict of
`rule(ctx) -> iterable[Finding]` under stable rule ids, and its `SETTINGS` defaults). The plugin returns the ledger unchanged and adds the findings
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

from fundtrail import findings
from fundtrail.plugins.rules import catalogue
from fundtrail.plugins.rules.context import Context

__plugins__ = ("checks",)

RULES, RULE_SETTINGS = catalogue()
DEFAULTS = {"report_from": "low", **RULE_SETTINGS}


def parse_settings(config: str | None) -> dict:
    settings = dict(DEFAULTS)
    if config:
        settings.update(ast.literal_eval(config))
    findings.severity_rank(settings["report_from"])
    return settings


def run_rules(entries, settings) -> list[findings.Finding]:
    ctx = Context(entries, settings)
    found = [f for rule in RULES.values() for f in rule(ctx)]
    return sorted(found, key=lambda f: (f.date or datetime.date.min, f.rule, f.id))


def plugin_config(options_map) -> str | None:
    """The config string of this plugin's line in the ledger (None when absent or bare)."""
    for name, config in options_map.get("plugin", ()):
        if name == __name__:
            return config
    return None


def all_findings(entries, options_map) -> list[findings.Finding]:
    """Every finding of every rule at any severity, with the ledger's own settings.

    This is what `fundtrail check --json`, the reports and the Fava extension list."""
    return run_rules(entries, parse_settings(plugin_config(options_map)))


def checks(entries, options_map, config=None):
    settings = parse_settings(config)
    floor = findings.severity_rank(settings["report_from"])
    found = run_rules(entries, settings)
    return entries, [f for f in found if findings.severity_rank(f.severity) >= floor]
