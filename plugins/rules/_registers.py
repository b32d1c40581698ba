"""The personal-data registers the rules match payments against (households, officials), read
once per load: `custom "register" "<kind>" "<path>"` names each."""

from __future__ import annotations

import csv

from fundtrail import findings
from fundtrail.flows import id_no
from fundtrail.masterdata import read_register

__all__ = ["households", "id_no", "register", "register_problem"]


def register(ctx, kind: str) -> list[dict[str, str]]:
    """The rows of a personal-data register the ledger references (`custom "register"`); []
    when there is none or it cannot be read (`register_problem` then says why)."""
    return _register(ctx, kind)[0]

REGISTER_NAMES = {"households": "脱贫户/监测户登记册", "officials": "干部及亲属登记册"}


def register_problem(ctx, kind: str, rule: str):
    """A finding of `rule` when the register it needs is named but unusable, else nothing."""
    problem = _register(ctx, kind)[1]
    if problem:
        directive = next((e for e in ctx.flows.customs.get("register", ())
                          if e.values and e.values[0].value == kind), None)
        yield findings.emit(rule, f"register|{kind}", directive, variant="no-register",
                            register=REGISTER_NAMES.get(kind, kind), problem=problem)


def _register(ctx, kind: str) -> tuple[list[dict[str, str]], str]:
    def load():
        path = ctx.master.registers.get(kind)
        if not path:
            return [], ""
        try:
            rows = read_register(path)
        except FileNotFoundError:
            return [], f"登记册文件不存在 register file not found: {path}"
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            return [], f"登记册无法读取（应为 UTF-8 CSV）register unreadable: {path}: {error}"
        if rows and "身份证号" not in rows[0]:
            return [], f"登记册缺少“身份证号”列 register has no 身份证号 column: {path}"
        return rows, ""

    return ctx.memo(f"register.{kind}", load)


def households(ctx) -> dict[str, dict]:
    """The household register's rows by ID number (身份证号)."""
    return ctx.memo("rules.households", lambda: {
        id_no(row.get("身份证号")): row for row in register(ctx, "households")})
