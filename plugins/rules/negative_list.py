"""Negative list (负面清单): fund money spent on a use the rules forbid (财农〔2021〕19号 art. 10, which
carries over the 2017 special-fund list of 财农〔2017〕8号, plus the usual local additions).

negative-list (high)
    An expense paid from fund money (any `Expenses:*` posting) whose function code
    (`func_code:`), economic code (`eco_code:`), account, or payee and purpose (the entry's payee
    and narration) show one of the forbidden uses; the message names which (facet item="1".."9").

The nine uses and how each is recognised by default:
    1 行政事业单位基本支出   func 2130501/2130502/2130503/2130550; eco 50201 50202 50206 30201 30215
                             30217; 办公经费 水电费 差旅费 会议费 招待费 物业费 人员经费 ...
    2 交通工具及通讯设备     eco 50208 50303 30231 31013; 汽车 轿车 用车 车辆 手机 通讯设备 ...
                             (plain 车 is not a keyword: 扶贫车间 is a workshop)
    3 工资奖金津贴福利       eco 501xx 301xx; 奖金 年终奖 津贴 福利费 加班费 过节费 ...
    4 弥补企业亏损           亏损
    5 楼堂馆所及职工住房     办公楼 办公用房 宾馆 酒店 招待所 培训中心 职工宿舍 周转房 ...
    6 弥补预算缺口偿还债务   偿还 还款 还贷 垫资 债务 预算缺口
    7 大中型基本建设         大中型基本建设
    8 城市基础设施           城市基础设施 城市道路 市政 城区 县城
    9 其他无关支出           有偿使用 出借 借出 理财 委托贷款 担保金 (lending out, guarantee deposits)

Settings: negative_keywords ({item: [keywords]}: replaces the default keywords of those items),
negative_eco_codes ({code prefix: item}), negative_func_codes ({code: item}),
negative_accounts ({account prefix: item}; default none: the model has no such account).

The one walk over the works flows that reads each flow's metadata and its entry's texts
(`works_read`) also serves excess-advance and func-code-mismatch (plugins/rules/discipline.py):
read again, the scattered objects cost as much as the first time. Should the walk fail, the
three rules' findings are lost together (one error per rule).
"""

from __future__ import annotations

import functools
import re

from fundtrail import findings
from fundtrail.flows import ZERO
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.settings import TABLE, WORD_TABLE, Setting

USES = {
    "1": "行政事业单位基本支出", "2": "交通工具及通讯设备", "3": "工资奖金津贴福利",
    "4": "弥补企业亏损", "5": "楼堂馆所及职工住房", "6": "弥补预算缺口、偿还债务或垫资",
    "7": "大中型基本建设", "8": "城市基础设施建设", "9": "与巩固脱贫攻坚成果无关的支出",
}
KEYWORDS = {
    "1": ["办公经费", "办公费", "水电费", "差旅费", "会议费", "招待费", "接待费", "物业费",
          "人员经费", "公用经费", "工作人员工资", "在编人员"],
    "2": ["汽车", "轿车", "用车", "车辆", "公务车", "越野车", "面包车", "手机", "通讯设备",
          "通信设备", "通讯费", "话费"],
    "3": ["奖金", "年终奖", "绩效工资", "津贴", "福利费", "职工福利", "加班费", "过节费"],
    "4": ["亏损"],
    "5": ["办公楼", "办公用房", "楼堂馆所", "宾馆", "酒店", "招待所", "培训中心", "职工宿舍",
          "职工住房", "周转房"],
    "6": ["偿还", "还款", "还贷", "垫资", "债务", "预算缺口", "平衡预算"],
    "7": ["大中型基本建设"],
    "8": ["城市基础设施", "城市道路", "市政", "城区", "县城", "城市扶贫"],
    "9": ["有偿使用", "出借", "借出", "理财", "委托贷款", "担保金"],
}
ECO_CODES = {"501": "3", "301": "3", "50201": "1", "50202": "1", "50206": "1", "30201": "1",
             "30215": "1", "30217": "1", "50208": "2", "50303": "2", "30231": "2", "31013": "2"}
FUNC_CODES = {"2130501": "1", "2130502": "1", "2130503": "1", "2130550": "1"}

SETTINGS = (
    Setting("negative_keywords", WORD_TABLE, {}, "负面清单各项的关键词（替换该项的默认关键词）"),
    Setting("negative_eco_codes", TABLE, ECO_CODES, "经济分类代码前缀对应的负面清单项"),
    Setting("negative_func_codes", TABLE, FUNC_CODES, "功能分类代码对应的负面清单项"),
    Setting("negative_accounts", TABLE, {}, "科目前缀对应的负面清单项"),
)


@functools.lru_cache(maxsize=8)
def _matcher(overrides: tuple) -> tuple[re.Pattern, re.Pattern]:
    """(any keyword, one alternation with a named group per use), compiled once per keyword
    setting. The first, without groups, scans several times faster: most texts name no use."""
    words = {**KEYWORDS, **{item: list(kws) for item, kws in overrides}}
    every = sorted({kw for kws in words.values() for kw in kws})
    return (re.compile("|".join(map(re.escape, every)) or "(?!)"),
            re.compile("|".join(f"(?P<u{item}>{'|'.join(map(re.escape, kws))})"
                                for item, kws in sorted(words.items()) if kws)))


def _spaced(matcher) -> bool:
    """Whether a keyword of the matcher holds a space (and might run across the payee's end)."""
    return any(c.isspace() for c in matcher[0].pattern)


class Prefixes:
    """The item of the longest prefix of a code or account found in a table, cached per value."""

    def __init__(self, table: dict):
        self.table, self.seen = table, {}

    def __call__(self, code: str) -> str | None:
        try:
            return self.seen[code]
        except KeyError:
            item = self.seen[code] = next((self.table[code[:n]] for n in range(len(code), 0, -1)
                                           if code[:n] in self.table), None)
            return item


CODE_NAMES = {"account": "科目", "eco_code": "经济分类", "func_code": "功能分类"}


def text_uses(payee, narration, matcher) -> dict[str, str]:
    """{item: evidence} of the forbidden uses an entry's payee and narration name."""
    found, (anyword, uses) = {}, matcher
    text = f"{payee or ''} {narration or ''}"
    if anyword.search(text):
        for match in uses.finditer(text):
            found.setdefault(match.lastgroup[1:], f"“{match.group()}”")
    return found


ADVANCE = "预付"  # an advance names it in its stage or its entry's narration (excess-advance)


def works_read(ctx) -> tuple[list, dict, list]:
    """One walk over the works flows (`FlowIndex.works`, in ledger order) for the three rules
    that read each one's metadata and its entry's payee and narration; each is read once, while
    at hand (read again by another rule, the flow, its metadata and its entry cost as much as
    the first time: they lie spread through the loaded heap). Returns, once per context:

        negative-list       [(entry, its flows with a positive amount, {item: evidence})] of the
                            entries that show a forbidden use, in ledger order
        excess-advance      {project: [its works flows that are advances]} in ledger order: the
                            stage, else the entry's narration, names 预付
        func-code-mismatch  [(flow, its `func_code:`, its `fund:`, the fund's code)] of the
                            flows whose code differs from their fund's, in ledger order
    """
    def build():
        settings = ctx.settings
        matcher = _matcher(tuple(sorted(settings["negative_keywords"].items())))
        anyword = matcher[0]
        tables = [(key, Prefixes(settings[name])) for key, name in (
            ("eco_code", "negative_eco_codes"), ("func_code", "negative_func_codes"),
            ("account", "negative_accounts")) if settings[name]]
        payees = None if _spaced(matcher) else {}
        expected_of = {code: fund.func_code for code, fund in ctx.master.funds.items()
                       if fund.func_code}
        forbidden, advances, mismatched = [], {}, []
        works = ctx.flows.works

        def close(entry, start, end, said, coded):
            """An entry's finding of negative-list: its positive flows, what its texts said,
            then the codes of those flows, in order (the first evidence of an item is kept)."""
            flows = [f for f in works[start:end] if f.amount > ZERO]
            if not flows:
                return
            found = dict(said or ())
            for flow, key, value, item in coded:
                if flow.amount > ZERO:
                    found.setdefault(item, f"{CODE_NAMES[key]}{value}")
            if found:
                forbidden.append((entry, flows, found))

        last, start, said, coded, advance = None, 0, None, [], False
        for at, flow in enumerate(works):
            entry = flow.entry
            if entry is not last:
                if said or coded:
                    close(last, start, at, said, coded)
                    coded = []
                last, start = entry, at
                payee, narration = entry.payee, entry.narration
                if payees is None:
                    said = text_uses(payee, narration, matcher)
                else:  # a payee searched once per name; the texts joined only when one names a use
                    named = payees.get(payee)
                    if named is None:
                        named = payees[payee] = bool(payee and anyword.search(payee))
                    said = text_uses(payee, narration, matcher) \
                        if named or (narration and anyword.search(narration)) else None
                advance = bool(narration) and ADVANCE in narration
            meta = flow.meta
            for key, table in tables:
                value = flow.posting.account if key == "account" else meta.get(key)
                if not value:
                    continue
                try:  # the table's answer for a value already seen, without a call
                    item = table.seen[value]
                except (KeyError, TypeError):
                    item = table(value if type(value) is str else str(value))
                if item:
                    coded.append((flow, key, value, item))
            if expected_of:
                code = meta.get("func_code", "")
                if code != "":  # no code: the fund is not read
                    fund = meta.get("fund", "")
                    expected = expected_of.get(fund if type(fund) is str else str(fund))
                    if expected:
                        code, fund = str(code), str(fund)
                        if code and code != expected:
                            mismatched.append((flow, code, fund, expected))
            project = flow.project
            if project:
                stage = meta.get("stage")
                if advance or (stage and ADVANCE in str(stage)):
                    got = advances.get(project)
                    if got is None:
                        advances[project] = [flow]
                    else:
                        got.append(flow)
        if said or coded:
            close(last, start, len(works), said, coded)
        return forbidden, advances, mismatched

    return ctx.memo("rules.works_read", build)


def negative_list(ctx):
    for entry, flows, found in works_read(ctx)[0]:
        amount = sum((f.amount for f in flows), ZERO)
        what = "；".join(f"第{item}项{USES.get(item, item)}（{why}）" for item, why in sorted(found.items()))
        yield findings.emit(
            "negative-list", entry_key(entry), entry, amount=amount,
            facets={"item": ",".join(sorted(found))}, payee=entry.payee or "", day=entry.date,
            narration=entry.narration, items=what)


RULES = {"negative-list": negative_list}
