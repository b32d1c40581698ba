"""Small hand-written ledgers for the rule tests: write one, load it, run one rule on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from beancount import loader

from fundtrail.plugins.checks import RULES, typed_settings
from fundtrail.plugins.rules.context import Context

HEADER = """\
option "operating_currency" "CNY"
2023-01-01 open Assets:Treasury:PBC-0001 CNY
2023-01-01 open Assets:Bank:ICBC-2345 CNY
2023-01-01 open Assets:Clearing:YKT CNY
2023-01-01 open Assets:Held:405012 CNY
2023-01-01 open Income:Fund:Central:C2024-001 CNY
2023-01-01 custom "town" "T1"
  name: "甲镇"
2023-01-01 custom "village" "V1"
  name: "甲村"
  town: "T1"
"""


def project(code: str, *, town="T1", village="V1", linkage="务工带动", start="2024-03-01",
            end="2024-10-31", budget="2000000.00") -> str:
    return (f'2024-01-01 open Expenses:Project:{code} CNY\n  name: "{code}项目"\n  town: "{town}"\n'
            f'  village: "{village}"\n  linkage: "{linkage}"\n  start: {start}\n  end: {end}\n'
            f"  budget: {budget} CNY\n")


def pay(date: str, payee: str, amount, code: str, link: str, *, source="Assets:Treasury:PBC-0001",
        **meta) -> str:
    lines = "".join(f'    {key}: "{value}"\n' for key, value in meta.items())
    return (f'{date} * "{payee}" "{code}付款" ^{link} ^{code}\n'
            f"  Expenses:Project:{code}  {amount} CNY\n{lines}  {source}\n")


def load(tmp_path: Path, *parts: str, households: str | None = None):
    text = HEADER + "\n".join(textwrap.dedent(p) for p in parts)
    if households is not None:
        (tmp_path / "households.csv").write_text(households, "utf-8")
        text += '2023-01-01 custom "register" "households" "households.csv"\n'
    main = tmp_path / "main.beancount"
    main.write_text(text, "utf-8")
    entries, errors, options = loader.load_file(str(main))
    assert not errors, [e.message for e in errors]
    return entries


def run(tmp_path: Path, rule: str, *parts: str, households: str | None = None, **settings):
    """The findings of `rule` on a ledger made of `parts`, with `settings` over the defaults."""
    ctx = Context(load(tmp_path, *parts, households=households), typed_settings(settings))
    return list(RULES[rule](ctx))
