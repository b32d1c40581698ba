"""Small hand-written ledgers for the rule tests: the chart of accounts, funds and projects as
`open` directives, and a runner that returns one rule's findings on a ledger string."""

from __future__ import annotations

import textwrap

from beancount import loader

from fundtrail.plugins.checks import run_rules, typed_settings
from fundtrail.plugins.rules import catalogue

RULE_IDS = frozenset(catalogue()[0])

ACCOUNTS = """
2023-01-01 open Assets:Treasury:PBC-0001 CNY
2023-01-01 open Assets:Bank:ICBC-2345 CNY
  name: "衔接资金专户"
2023-01-01 open Assets:Bank:ICBC-9876 CNY
  name: "原扶贫资金专户"
2023-01-01 open Assets:Held:405012 CNY
  name: "区乡村振兴局实有资金账户"
2023-01-01 open Assets:Clearing:YKT CNY
2023-01-01 open Equity:Opening CNY
2023-01-01 open Income:Other CNY
2023-01-01 custom "village" "V1"
  name: "东村"
2023-01-01 custom "village" "V2"
  name: "西村"
"""


def fund(code: str, received: str, amount: int = 1_000_000, level: str = "Central",
         func_code: str = "2130505", direct: bool = False, earmarked: bool = True) -> str:
    """A fund's two `open`s and its receipt into the treasury on `received`."""
    label = {"Central": "中央", "Donation": "社会捐赠", "County": "县级"}[level]
    return f"""
2023-01-01 open Income:Fund:{level}:{code} CNY
  doc_no: "文号{code}"
  level: "{label}"
  func_code: "{func_code}"
  amount: {amount}.00 CNY
  earmarked: {"TRUE" if earmarked else "FALSE"}
  direct: {"TRUE" if direct else "FALSE"}
2023-01-01 open Equity:Allotment:Fund:{code} CNY
{received} * "上级财政" "{code} 到账" ^{code}
  Assets:Treasury:PBC-0001   {amount}.00 CNY
  Income:Fund:{level}:{code}
"""


def project(code: str, fund_code: str, budget: int, approved: str, start: str, end: str,
            allotted: str | None = None, village: str = "V1") -> str:
    """A project's `open`s and, on `allotted`, the allotment of its whole budget."""
    text = f"""
2023-01-01 open Expenses:Project:{code} CNY
  name: "项目{code}"
  village: "{village}"
  budget: {budget}.00 CNY
  fund: "{fund_code}"
  approved: {approved}
  start: {start}
  end: {end}
2023-01-01 open Equity:Allotment:Project:{code} CNY
"""
    if allotted:
        text += f"""
{allotted} * "财政局" "分解下达 {code}" ^ALLOT-{code}
  Equity:Allotment:Project:{code}  -{budget}.00 CNY
  Equity:Allotment:Fund:{fund_code}
"""
    return text


def pay(day: str, link: str, project_code: str, fund_code: str, amount, payee: str = "青禾建工有限公司",
        narration: str = "进度款", source: str = "Assets:Treasury:PBC-0001", **meta) -> str:
    """A payment of a project from `source`, with posting metadata (stage, func_code, ...)."""
    lines = "".join(f'\n    {k}: "{v}"' for k, v in meta.items())
    return f"""
{day} * "{payee}" "{narration}" ^{link} ^{project_code}
  Expenses:Project:{project_code}  {amount} CNY
    fund: "{fund_code}"{lines}
  {source}
"""


def subsidy(day: str, link: str, name: str, id_no: str, village: str, amount: int = 2000,
            item: str = "到户产业奖补", card: str = "6231000000000000001", status: str = "") -> str:
    """One 一卡通 row paid to a household (project QH2024-S01, fund C2024-056)."""
    extra = f'\n    status: "{status}"' if status else ""
    return f"""
{day} * "{name}" "{item} 第{link}号" ^YKT-{link} ^QH2024-S01
  Expenses:Project:QH2024-S01  {amount}.00 CNY
    fund: "C2024-056"
    village: "{village}"
    beneficiary: "{name}"
    id_no: "{id_no}"
    card: "{card}"
    item: "{item}"{extra}
  Assets:Clearing:YKT
"""


def registers(folder, households=(), officials=()) -> str:
    """Write the household and officials registers as CSV under `folder`; their directives."""
    heads = {"households": "户编号,户主姓名,身份证号,乡镇,行政村,一卡通账号",
             "officials": "姓名,身份证号,单位/村,职务,关系人姓名,关系人身份证号,关系"}
    text = ""
    for kind, rows in (("households", households), ("officials", officials)):
        path = folder / f"{kind}.csv"
        path.write_text("\n".join([heads[kind], *(",".join(row) for row in rows)]) + "\n", "utf-8")
        text += f'2023-01-01 custom "register" "{kind}" "{path}"\n'
    return text + project("QH2024-S01", "C2024-056", 1_000_000, "2024-03-18", "2024-03-31",
                          "2024-12-31")


def findings(text: str, rule: str, **settings):
    """The findings of `rule` on the ledger `text` (which must load without errors); a rule id
    the catalogue does not hold fails the test (it would find nothing, silently)."""
    assert rule in RULE_IDS, f"no rule {rule!r} in the catalogue: {sorted(RULE_IDS)}"
    entries, errors, options = loader.load_string(textwrap.dedent(ACCOUNTS + text))
    assert not errors, [e.message for e in errors]
    found, failed = run_rules(entries, typed_settings(settings))
    assert not failed, [e.message for e in failed]
    return [f for f in found if f.rule == rule]


def linked(found) -> set[str]:
    return {link for f in found for link in f.links}
