"""Classification: which fund, project or account a payment or receipt belongs to.

The workspace keeps its rules in `classify.toml` (format in docs/importers.md). Rules are tried
in file order; the first whose `when` patterns all match decides. When none matches, the
built-in rules apply: a project code or name in the text makes an outgoing payment that
project's; a fund's document number (指标文号, e.g. in a treasury voucher's remark) or exact title
in the text makes an incoming one that fund's receipt. Anything else goes to the suspense
accounts (Expenses:Suspense / Income:Suspense), which the `unclassified` check reports:
nothing is ever guessed.
"""

from __future__ import annotations

import datetime
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from fundtrail import accounts as acc
from fundtrail.importers import cells
from fundtrail.importers.errors import BadInput, toml_line
from fundtrail.masterdata import MasterData

RULES_FILE = "classify.toml"
DEFAULT_STAGES = ("预付款", "进度款", "结算款", "质保金", "尾款")
MATCH_FIELDS = ("kind", "direction", "account", "payee", "payee_account", "summary", "purpose",
                "memo", "remark", "item", "vt_code", "text", "year")
_BRACKETS = str.maketrans({"[": "〔", "(": "〔", "［": "〔", "（": "〔",
                           "]": "〕", ")": "〕", "］": "〕", "）": "〕"})


def doc_key(doc_no: str) -> str:
    """One spelling of a document number: 财农[2024]48号, 财农（2024）48号 -> 财农〔2024〕48号."""
    return cells.fold(doc_no).translate(_BRACKETS)


@dataclass
class Item:
    """One thing to classify: a statement row, a voucher or a roster row."""

    kind: str  # bank | voucher | roster
    date: datetime.date
    direction: str  # in | out (for the cash account)
    account: str  # the cash account
    payee: str = ""
    payee_account: str = ""
    summary: str = ""
    purpose: str = ""
    memo: str = ""
    remark: str = ""
    item: str = ""
    vt_code: str = ""
    narration: str = ""  # the default narration

    def fields(self) -> dict[str, str]:
        text = " ".join(t for t in (self.summary, self.purpose, self.memo, self.remark, self.item) if t)
        out = {k: str(getattr(self, k)) for k in MATCH_FIELDS if k not in ("text", "year")}
        out.update(text=text, year=str(self.date.year), date=self.date.isoformat())
        return out


@dataclass
class Result:
    account: str
    narration: str
    payee: str
    links: set[str]
    meta: dict  # posting metadata for the classified posting
    project: str = ""
    fund: str = ""
    rule: str = ""  # the rule's name, "built-in", or "" when unclassified
    stage: str | None = None


@dataclass
class Rule:
    name: str
    when: dict[str, re.Pattern]
    then: dict = field(default_factory=dict)

    def match(self, values: dict[str, str]) -> dict[str, str] | None:
        groups = {}
        for key, pattern in self.when.items():
            found = pattern.search(values.get(key, ""))
            if not found:
                return None
            groups.update({k: v for k, v in found.groupdict().items() if v is not None})
        return groups


class _Vars(dict):
    def __missing__(self, key):
        raise KeyError(key)


class Classifier:
    def __init__(self, master: MasterData, rules: list[Rule], stages=DEFAULT_STAGES,
                 default_stage: str = "其他", treasury: str = "", source: str = RULES_FILE):
        self.master, self.rules, self.source = master, rules, source
        self.stages, self.default_stage, self.treasury = tuple(stages), default_stage, treasury
        self._names: dict[str, list] = {}
        for project in master.projects.values():
            for key in {project.code, project.name}:
                if key:
                    self._names.setdefault(key, []).append(project)
        self._funds = {}
        for fund in master.funds.values():
            for key in (doc_key(fund.doc_no), fund.title):
                if key:
                    self._funds.setdefault(key, fund)
        self._fund_re = _alternation(self._funds)

    @functools.cached_property
    def _project_re(self) -> re.Pattern | None:
        """Every project's code and name as one pattern, compiled on first use (with thousands
        of projects it takes a second; a file that names its projects never asks)."""
        return _alternation(self._names)

    @classmethod
    def load(cls, workspace: Path, master: MasterData, treasury: str = "") -> Classifier:
        path = Path(workspace) / RULES_FILE
        if not path.is_file():
            return cls(master, [], treasury=treasury)
        try:
            raw = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise BadInput(path, "分类规则文件不是有效的 TOML，请检查该行的写法",
                           f"bad TOML: {error}", toml_line(error)) from None
        try:
            rules = [_rule(n, r) for n, r in enumerate(raw.get("rule", []), 1)]
        except _Unfit as error:
            raise BadInput(path, f"分类规则文件错误：{error.zh}", f"bad classification rules: {error.en}") from None
        return cls(master, rules, raw.get("stages", DEFAULT_STAGES), raw.get("default_stage", "其他"),
                   treasury, str(path))

    # -- lookups --------------------------------------------------------------------------
    def find_project(self, text: str, day: datetime.date):
        if not self._project_re or not text:
            return None
        found = [m.group(0) for m in self._project_re.finditer(text)]
        if not found:
            return None
        candidates = self._names[max(found, key=len)]
        return min(candidates, key=lambda p: _distance(day, p.approved or p.start, p.end))

    def find_fund(self, text: str):
        if not self._fund_re or not text:
            return None
        found = [m.group(0) for m in self._fund_re.finditer(doc_key(text))]
        if not found:
            found = [m.group(0) for m in self._fund_re.finditer(text)]
        return self._funds[max(found, key=len)] if found else None

    def stage_of(self, text: str) -> str:
        text = text.strip()
        return next((s for s in self.stages if text.endswith(s)), self.default_stage)

    # -- the decision ---------------------------------------------------------------------
    def classify(self, item: Item, where: tuple[str, object]) -> Result:
        project = self._project_re and self.find_project(
            " ".join((item.purpose, item.summary, item.memo)), item.date)
        fund = None
        if self._fund_re:
            fund = self.find_fund(item.remark) or (self.find_fund(
                " ".join((item.summary, item.purpose, item.memo, item.remark)))
                if item.direction == "in" or not project else None)
        if self.rules:
            values = item.fields()
            values.update(project=project.code if project else "", treasury=self.treasury,
                          fund=fund.code if fund else "")
            for rule in self.rules:
                groups = rule.match(values)
                if groups is not None:
                    return self._apply(rule, item, {**values, **groups}, where)
        else:
            values = {"fund": fund.code if fund else ""}
        if project and item.direction == "out":
            return self._project_result(item, values, project.code, "built-in")
        if fund and item.direction == "in":
            return Result(fund.account, f"{fund.doc_no} {fund.title} 到账", item.payee, {fund.code},
                          {}, fund=fund.code, rule="built-in")
        suspense = acc.SUSPENSE_EXPENSE if item.direction == "out" else acc.SUSPENSE_INCOME
        narration = " ".join(t for t in (item.summary, item.purpose) if t) or item.narration
        return Result(suspense, narration, item.payee, set(), {})

    def _project_result(self, item, values, code, rule, stage=None, extra_meta=None) -> Result:
        project = self.master.projects.get(code)
        fund = values.get("fund") or (str(project.meta.get("fund", "")) if project else "")
        if stage is None:
            stage = "" if item.kind == "roster" else self.stage_of(item.purpose or item.narration)
        meta = {"fund": fund or None}
        if stage:
            meta["stage"] = stage
        meta.update(extra_meta or {})
        return Result(acc.project_account(code), item.narration, item.payee, {code}, meta,
                      project=code, fund=fund, rule=rule, stage=stage or None)

    def _apply(self, rule: Rule, item: Item, values: dict, where) -> Result:
        then = rule.then

        def fill(template):
            try:
                return str(template).format_map(_Vars(values))
            except (KeyError, IndexError, ValueError) as error:
                raise BadInput(self.source, f"规则「{rule.name}」模板 {template!r} 无法填写: {error}",
                               f"rule {rule.name!r}: cannot fill {template!r}: {error}") from None

        account = fill(then["account"]) if "account" in then else ""
        code = fill(then["project"]) if "project" in then else ""
        if not code and account.startswith(acc.PROJECT + ":"):
            code = acc.leaf(account)
        if "fund" in then:
            values["fund"] = fill(then["fund"])
        if code:
            if code not in self.master.projects:
                raise BadInput(where[0], f"分类规则「{rule.name}」指向项目库中没有的项目 {code}",
                               f"rule {rule.name!r} names project {code}, not in the project library",
                               where[1])
            values["project"] = code
        named = self.master.projects.get(values.get("project", ""))
        if not values.get("fund") and named:  # the fund the project library gives the project
            values["fund"] = str(named.meta.get("fund", ""))
        meta = {k: fill(v) for k, v in then.get("meta", {}).items()}
        if code and (not account or account.startswith(acc.PROJECT + ":")):
            stage = fill(then["stage"]) if "stage" in then else None
            result = self._project_result(item, values, code, rule.name, stage, meta)
        else:
            if not account:
                raise BadInput(self.source, f"规则「{rule.name}」缺少 account 或 project",
                               f"rule {rule.name!r} needs `account` or `project`")
            links = {values["project"]} if values.get("project") else set()
            result = Result(account, item.narration, item.payee, links, meta, rule=rule.name,
                            project=values.get("project", ""), fund=values.get("fund", ""))
        if "narration" in then:
            result.narration = fill(then["narration"])
        if "payee" in then:
            result.payee = fill(then["payee"])
        result.links |= {fill(link) for link in then.get("links", [])}
        return result


def _alternation(keys) -> re.Pattern | None:
    if not keys:
        return None
    return re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))


def _distance(day, start, end) -> int:
    if start and day < start:
        return (start - day).days
    if end and day > end:
        return (day - end).days
    return 0


class _Unfit(ValueError):
    """A rule of classify.toml that cannot be used: what is wrong, in Chinese and in English."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def _rule(number: int, raw: dict) -> Rule:
    if not isinstance(raw, dict) or not isinstance(raw.get("when", {}), dict):
        raise _Unfit(f"第{number}条规则 [[rule]] 应写为表格（含 when 和科目等设置）",
                     f"rule {number} must be a table with a `when` table")
    when = raw.get("when", {})
    unknown = set(when) - set(MATCH_FIELDS)
    if unknown:
        raise _Unfit(f"第{number}条规则的 when 中有未知字段 {'、'.join(sorted(unknown))}"
                     f"（可用：{'、'.join(MATCH_FIELDS)}）",
                     f"rule {number}: unknown `when` fields {sorted(unknown)}; known: {', '.join(MATCH_FIELDS)}")
    if not when:
        raise _Unfit(f"第{number}条规则的 when 为空", f"rule {number}: empty `when`")
    patterns = {}
    for key, value in when.items():
        try:
            patterns[key] = re.compile(str(value))
        except re.error as error:
            raise _Unfit(f"第{number}条规则的 when.{key} 不是有效的正则表达式：{str(value)!r}",
                         f"rule {number}: when.{key} is not a valid regular expression: {error}") from None
    then = {k: v for k, v in raw.items() if k not in ("name", "when")}
    return Rule(raw.get("name", f"rule {number}"), patterns, then)
