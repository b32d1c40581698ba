"""fundtrail's checks: one beancount plugin that runs every rule and reports findings.

The rules live in `fundtrail.plugins.rules` (one module per family, each a `RULES` dict of
`rule(ctx) -> iterable[Finding]` under stable rule ids, and its `SETTINGS`, each declared with its
type, default and label: fundtrail.plugins.settings); how their
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
as_of: the date the books are judged at (default: the date they are complete to).
Every rule setting (see docs/checks.md) goes in the same dict, e.g. {'split_limit': 300000}.

The config is read once per load (`read_settings`) into typed values. A value that does not fit
(`'split_limit': 'abc'`, a negative number of days, an unknown severity) or an unknown name is one
ledger error naming the setting, and that setting keeps its default: every rule still runs. A
rule that raises is one ledger error naming it; every other rule's findings are still reported.

Dispositions: an auditor's decision on a finding is a directive in the ledger,

    2025-03-01 custom "finding" "F-1a2b3c4d5e" "误报" "同一合同的两期进度款，金额相同"

with status 误报 (false-positive), 已整改 (resolved) or 核实中 (under-review), or a workflow
step: 分派 (assigned), 复核, 溯源, 整改 (fundtrail.workflow). The finding keeps its status, reason
and trail (`all_findings` lists it); 误报 and 已整改 (and 整改) stop reporting it as an error,
核实中 and the other steps do not (a question under review is still open); with
`ledger_errors_from`, only open findings are raised. The latest disposition of an id wins. A
step past its due date is a finding of its own (`disposition-overdue`).
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
import difflib
import traceback
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

from fundtrail import findings, gcpause
from fundtrail.catalogue import title as rule_title
from fundtrail.flows import FlowIndex
from fundtrail.masterdata import MasterData
from fundtrail.plugins.rules import catalogue
from fundtrail.plugins.rules.context import Context
from fundtrail.plugins.settings import DATE, Kind, Setting, Unfit, choice, convert, defaults, table

__plugins__ = ("checks",)

RULES, RULE_SETTINGS = catalogue()


def _known_rule(rule) -> str:
    if not isinstance(rule, str) or rule.split(":")[0] not in RULES:
        close = difflib.get_close_matches(str(rule).split(":")[0], RULES, n=1)
        raise Unfit(f"未知的规则 {rule!r}"
                    + (f"（是否应为 {close[0]!r}，即「{rule_title(close[0])}」？）" if close else ""))
    return rule


def _severities(value) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError(type(value).__name__)
    for severity in value.values():
        if severity not in findings.SEVERITIES:
            raise Unfit(f"未知的严重程度 {severity!r}")
    return {_known_rule(rule): severity for rule, severity in value.items()}


def _criteria(value) -> dict[str, str | tuple[str, ...]]:
    if not isinstance(value, dict):
        raise TypeError(type(value).__name__)
    out = {}
    for rule, text in value.items():
        if isinstance(text, (list, tuple)) and all(isinstance(t, str) for t in text):
            text = tuple(text)
        elif not isinstance(text, str):
            raise TypeError(type(text).__name__)
        out[_known_rule(rule)] = text
    return out


PLUGIN_SETTINGS = (
    Setting("ledger_errors_from", choice(*findings.SEVERITIES), None,
            "达到该严重程度的未处置疑点也作为账簿错误"),
    Setting("severity", Kind("dict of severities", "规则编号（或 规则编号:变体）到严重程度的字典，"
                         "如 {'holiday-payment': 'medium'}", _severities), {},
            "本县对各规则严重程度的调整"),
    Setting("criteria", Kind("dict of str", "规则编号到依据文字（或文字列表）的字典", _criteria), {},
            "本县对各规则依据的替换文字"),
    Setting("as_of", DATE, None, "评判日期（默认为账簿完整至的日期）"),
)
DECLARED = {s.name: s for s in PLUGIN_SETTINGS} | RULE_SETTINGS
DEFAULTS = defaults(DECLARED)  # every setting at its default, typed


def read_settings(config: str | None) -> tuple[dict, list[str]]:
    """(every setting typed as the rules read it, the configuration errors) of the plugin
    line's config: a dict literal over the defaults. A value that does not fit, or a name no
    setting has, is one Chinese message and leaves that setting at its default, so every rule
    still runs; a config that is not a dict literal leaves every setting at its default."""
    if not config:
        return dict(DEFAULTS), []
    try:
        given = ast.literal_eval(config)
    except (ValueError, SyntaxError):
        given = None
    if not isinstance(given, dict):
        shown = config if len(config) <= 80 else config[:77] + "..."
        return dict(DEFAULTS), [f"检查设置应为字典（如 {{'split_limit': 300000}}），实际为 {shown}；"
                                "本次全部按默认值检查"]
    return convert(DECLARED, given, DEFAULTS)


def typed_settings(given: dict) -> dict:
    """The settings of a dict of Python values over the defaults (tests, tools); ValueError
    naming every value that does not fit."""
    settings, problems = convert(DECLARED, given, DEFAULTS)
    if problems:
        raise ValueError("\n".join(problems))
    return settings


def parse_settings(config: str | None) -> dict:
    """The typed settings of the plugin line's config; a setting that does not fit at its
    default (the load reports it as a ledger error, `read_settings` says which)."""
    return read_settings(config)[0]


def settings_table() -> str:
    """The settings as docs/checks.md lists them: name, type, default, meaning."""
    return table(DECLARED)


class RuleError(NamedTuple):
    """A rule that raised: the message names it by its Chinese title; `rule` is its id and
    `fault` the exception's type and place (file:line), for tools and developers."""

    source: dict
    message: str
    entry: None
    rule: str = ""
    fault: str = ""


def _failed(rule_id: str, error: Exception) -> RuleError:
    """The ledger error of a rule that raised: its title, and the exception's type and place
    (the exception's text is left out: it may quote a person's data)."""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno}"
    return RuleError({"filename": "<fundtrail.plugins.checks>", "lineno": 0},
                     f"检查规则「{rule_title(rule_id)}」运行出错（程序异常 {type(error).__name__}，"
                     f"位于 {where}），本次没有该规则的疑点，其他规则照常检查；请将此信息报告给系统维护人员",
                     None, rule_id, f"{type(error).__name__} at {where}")


def run_rules(entries, settings, master: MasterData | None = None
              ) -> tuple[list[findings.Finding], list[RuleError]]:
    """(every rule's findings, an error for each rule that raised): a rule that fails loses
    its own findings and no other rule's."""
    found, failed = [], []
    with gcpause.paused():
        ctx = Context(entries, settings, master)
        for rule_id, rule in RULES.items():
            try:
                found += list(rule(ctx))  # whole or not at all
            except Exception as error:  # any failure of one rule is that rule's alone
                failed.append(_failed(rule_id, error))
        found = findings.group_findings(found)
    found = findings.with_county_severity(found, settings.get("severity") or {})
    return sorted(found, key=lambda f: (f.date or datetime.date.min, f.rule, f.id)), failed


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


def apply_dispositions(found, entries, settings: dict | None = None, complete: bool = True
                       ) -> tuple[list[findings.Finding], list[DispositionError]]:
    """The findings with the status, reason and workflow trail of their `custom "finding"`
    directives, the overdue workflow steps as findings (`disposition-overdue`), and an error for
    each directive that names no finding or is malformed (fundtrail.plugins.rules.workflow)."""
    from fundtrail.plugins.rules import workflow

    found, problems = workflow.disposed(found, entries, settings or DEFAULTS, complete)
    return found, [DispositionError(_source(entry), message, entry) for entry, message in problems]


def review(entries, settings) -> tuple[list[findings.Finding], list]:
    """All findings with their dispositions, and the errors of rules that failed (the other
    rules' findings are all there), of malformed dispositions and of master data that could not
    be read (the rules ran without it). `settings` are typed (`read_settings`).

    The result is kept with the books' flow index, per settings: the plugin reviews at load
    time, then Fava's pages and the CLI ask again for the same books (in a new list, as
    beancount re-sorts after each plugin), which costs one identity comparison, not a rerun."""
    index = FlowIndex.of(entries)
    found, errors = index.memo(review_key(settings), lambda: _review(index.entries, settings))
    return list(found), list(errors)  # the caller's to sort or extend


def review_key(settings) -> tuple:
    """The key `review` keeps its result under in the flow index's memo (and the cache of the
    loaded books keeps with the books: fundtrail.bookcache)."""
    return ("review", repr(sorted(settings.items())))


def forget() -> None:
    """Drop the kept index and review (benchmarks time the rules, not the cache)."""
    FlowIndex.forget()


def _review(entries, settings) -> tuple[list[findings.Finding], list]:
    index = FlowIndex.of(entries)
    master = index.master
    found, failed = run_rules(entries, settings, master)
    found, errors = apply_dispositions(found, entries, settings, complete=not failed)
    # the registers are read once per load, so that their problems are listed here
    index.household_register, index.officials, index.screening_register  # noqa: B018
    unread = [MasterDataProblem(_source(entry), f"主数据有误：{why}", entry)
              for entry, why in master.problems]
    return found, failed + unread + errors


def all_findings(entries, options_map) -> list[findings.Finding]:
    """Every finding of every rule at any severity, with the ledger's own settings and the
    auditor's dispositions (status "" = open). A setting that does not fit is at its default
    here; the load reports it (`checks` returns it as a ledger error).

    This is what `fundtrail check --json`, the reports and the Fava extension list."""
    return review(entries, parse_settings(plugin_config(options_map)))[0]


class ConfigError(NamedTuple):
    source: dict
    message: str
    entry: None


def in_ledger(options_map) -> bool:
    """Whether the ledger loads the checks (its top-level file has the plugin line)."""
    return any(name == __name__ for name, _config in options_map.get("plugin", ()))


def plugin_source(options_map) -> dict:
    """The file and line of this plugin's line in the ledger's top-level file (line 0 when it
    cannot be told): where a settings problem or a failed rule is reported, so that bean-check
    and Fava's errors page point at the line a county edits."""
    filename = options_map.get("filename") or "<fundtrail>"
    try:
        with open(filename, encoding="utf-8-sig", errors="replace") as text:
            for number, line in enumerate(text, 1):
                words = line.split(None, 2)
                if words[:2] == ["plugin", f'"{__name__}"']:
                    return {"filename": filename, "lineno": number}
    except OSError:
        pass
    return {"filename": filename, "lineno": 0}


def config_errors(options_map, problems: list[str]) -> list[ConfigError]:
    """The ledger errors of the plugin line's settings problems (`read_settings`), at that line."""
    source = plugin_source(options_map) if problems else {}
    return [ConfigError(source, problem, None) for problem in problems]


def checks(entries, options_map, config=None):
    """The plugin: the entries unchanged; as errors, every settings problem, every rule that
    failed, every malformed disposition and unread master data, and with `ledger_errors_from`
    the open findings at or above it."""
    settings, problems = read_settings(config)
    found, errors = review(entries, settings)
    if any(isinstance(e, RuleError) for e in errors):  # at the plugin line, as the settings
        errors = [e._replace(source=plugin_source(options_map)) if isinstance(e, RuleError) else e
                  for e in errors]
    errors = config_errors(options_map, problems) + errors
    if settings["ledger_errors_from"] is None:
        return entries, errors
    floor = findings.severity_rank(settings["ledger_errors_from"])
    reported = [f._replace(message=f"{f.title}：{f.message}"
                           + (f"【{f.status}：{f.reason}】" if f.status else ""))
                for f in found
                if findings.severity_rank(f.severity) >= floor and not findings.is_closed(f)]
    return entries, reported + errors
