"""fundtrail's checks: one beancount plugin that runs every rule and reports findings.

The rules live in `fundtrail.plugins.rules` (one module per family, each a `RULES` dict of
`rule(ctx) -> iterable[Finding]` under stable rule ids, and its `SETTINGS` defaults); how their
findings are named and worded is the rule catalogue (fundtrail.catalogue, core/rules.toml).
Findings that share a root cause (a rule's `group`) are merged into one. The plugin returns the
ledger unchanged: findings are not ledger errors (Fava's error badge and bean-check report what
is wrong with the books); `fundtrail check`, the findings desk and the reports list them.

Configuration (a Python dict literal, as beancount's own plugins take):

    plugin "fundtrail.plugins.checks" "{'ledger_errors_from': 'critical', 'severity': {'holiday-payment': 'medium'}}"

ledger_errors_from: the lowest severity also raised as a ledger error (low|medium|high|critical;
    default None = none), for a county that wants bean-check to fail on such a finding.
severity: the county's severity per rule id (or "rule-id:variant"), over the catalogue's default.
criteria: the county's criteria text per rule id, over the catalogue's citation.
Every rule setting (see docs/checks.md) goes in the same dict, e.g. {'split_limit': 300000}.

Dispositions: an auditor's decision on a finding is a directive in the ledger,

    2025-03-01 custom "finding" "F-1a2b3c4d5e" "误报" "同一合同的两期进度款，金额相同"

with status 误报 (false-positive), 已整改 (resolved) or 核实中 (under-review). The finding keeps
its status and reason (`all_findings` lists it); 误报 and 已整改 stop reporting it as an error,
核实中 does not (a question under review is still open); with `ledger_errors_from`, only open
findings are raised. The latest disposition of an id wins.
A disposition of an id no rule found, or with an unknown status or no reason, is an error at
the directive's file and line.

Before:
    2024-08-03 * "某某公司" "转账支取"
      Assets:Bank:ICBC-2345   -5000.00 CNY
      Expenses:Suspense        5000.00 CNY
After: the same entries, no error; `fundtrail check` lists
    F-… 2024-08-03 main.beancount:12  2024-08-03某某公司「转账支取」5,000.00元计入待分类科目 ...
"""

from __future__ import annotations

import ast
import datetime
from typing import NamedTuple

from beancount.core import data

from fundtrail import findings, gcpause
from fundtrail.flows import FlowIndex
from fundtrail.masterdata import MasterData
from fundtrail.plugins.rules import catalogue
from fundtrail.plugins.rules.context import Context

__plugins__ = ("checks",)

RULES, RULE_SETTINGS = catalogue()
DEFAULTS = {"ledger_errors_from": None, "severity": {}, "criteria": {}, **RULE_SETTINGS}


def parse_settings(config: str | None) -> dict:
    """The defaults updated by the plugin line's dict; ValueError for a typo or a bad value."""
    settings = dict(DEFAULTS)
    if config:
        try:
            given = ast.literal_eval(config)
        except (ValueError, SyntaxError):
            given = None
        if not isinstance(given, dict):
            raise ValueError(f"检查设置应为字典 plugin config must be a dict literal: {config!r}")
        unknown = sorted(set(given) - set(DEFAULTS))
        if unknown:
            raise ValueError(f"未知的检查设置 unknown check settings {unknown}; known: {sorted(DEFAULTS)}")
        settings.update(given)
    if settings["ledger_errors_from"] is not None:
        findings.severity_rank(settings["ledger_errors_from"])
    for rule, severity in dict(settings["severity"]).items():
        if rule.split(":")[0] not in RULES:
            raise ValueError(f"未知的规则 unknown rule {rule!r} in 'severity'; known: {sorted(RULES)}")
        findings.severity_rank(severity)
    return settings


def run_rules(entries, settings, master: MasterData | None = None) -> list[findings.Finding]:
    with gcpause.paused():
        ctx = Context(entries, settings, master)
        found = findings.group_findings([f for rule in RULES.values() for f in rule(ctx)])
    weights = settings.get("severity") or {}
    if weights:
        found = [f._replace(severity=weights.get(f"{f.rule}:{f.variant}", weights.get(f.rule, f.severity)))
                 for f in found]
    return sorted(found, key=lambda f: (f.date or datetime.date.min, f.rule, f.id))


def plugin_config(options_map) -> str | None:
    """The config string of this plugin's line in the ledger (None when absent or bare)."""
    for name, config in options_map.get("plugin", ()):
        if name == __name__:
            return config
    return None


class DispositionError(NamedTuple):
    source: dict
    message: str
    entry: data.Custom


class MasterDataProblem(NamedTuple):
    """A master-data directive (or the register it names) that could not be read, as a
    ledger error at the directive's line."""

    source: dict
    message: str
    entry: object


def _source(entry) -> dict:
    return {"filename": entry.meta.get("filename", "<fundtrail>"), "lineno": entry.meta.get("lineno", 0)}


def apply_dispositions(found, entries) -> tuple[list[findings.Finding], list[DispositionError]]:
    """The findings with the status and reason of their latest `custom "finding"` directive,
    and an error for each directive that names no finding or is malformed."""
    by_id = {f.id: f for f in found}
    decided, errors = {}, []
    for entry in FlowIndex.of(entries).customs.get("finding", ()):
        values = [str(v.value) for v in entry.values or ()]
        source = _source(entry)
        try:
            if len(values) < 3 or not values[2].strip():
                raise ValueError('处置应为 custom "finding" "<疑点编号>" "<状态>" "<理由>"'
                                 ' a disposition needs an id, a status and a reason')
            status = findings.normalize_status(values[1])
            if values[0] not in by_id:
                raise ValueError(f"处置指向不存在的疑点 {values[0]}"
                                 f" disposition of a finding no check reports: {values[0]}")
        except ValueError as error:
            errors.append(DispositionError(source, str(error), entry))
            continue
        decided[values[0]] = (status, values[2].strip())  # entries are in date order: latest wins
    return [f._replace(status=decided[f.id][0], reason=decided[f.id][1]) if f.id in decided else f
            for f in found], errors


def review(entries, settings) -> tuple[list[findings.Finding], list]:
    """All findings with their dispositions, and the errors of malformed dispositions and of
    master data that could not be read (the rules ran without it).

    The result is kept with the books' flow index, per settings: the plugin reviews at load
    time, then Fava's pages and the CLI ask again for the same books (in a new list, as
    beancount re-sorts after each plugin), which costs one identity comparison, not a rerun."""
    index = FlowIndex.of(entries)
    found, errors = index.memo(("review", repr(sorted(settings.items()))),
                               lambda: _review(index.entries, settings))
    return list(found), list(errors)  # the caller's to sort or extend


def forget() -> None:
    """Drop the kept index and review (benchmarks time the rules, not the cache)."""
    FlowIndex.forget()


def _review(entries, settings) -> tuple[list[findings.Finding], list]:
    index = FlowIndex.of(entries)
    master = index.master
    found, errors = apply_dispositions(run_rules(entries, settings, master), entries)
    index.household_register  # noqa: B018 (read once per load, so its problems are listed here)
    unread = [MasterDataProblem(_source(entry), f"[masterdata] 主数据有误 master data error: {why}", entry)
              for entry, why in master.problems]
    return found, unread + errors


def all_findings(entries, options_map) -> list[findings.Finding]:
    """Every finding of every rule at any severity, with the ledger's own settings and the
    auditor's dispositions (status "" = open).

    This is what `fundtrail check --json`, the reports and the Fava extension list."""
    return review(entries, parse_settings(plugin_config(options_map)))[0]


class ConfigError(NamedTuple):
    source: dict
    message: str
    entry: None


def checks(entries, options_map, config=None):
    try:
        settings = parse_settings(config)
    except ValueError as error:
        source = {"filename": options_map.get("filename", "<fundtrail>"), "lineno": 0}
        return entries, [ConfigError(source, str(error), None)]
    found, errors = review(entries, settings)
    if settings["ledger_errors_from"] is None:
        return entries, errors
    floor = findings.severity_rank(settings["ledger_errors_from"])
    reported = [f._replace(message=f"{f.title}：{f.message}"
                           + (f"【{f.status}：{f.reason}】" if f.status else ""))
                for f in found
                if findings.severity_rank(f.severity) >= floor and not findings.is_closed(f)]
    return entries, reported + errors
