"""The personal-data registers the rules match payments against, read once per load with the
one error policy of fundtrail.registers: each is the flow index's typed view
(`ctx.flows.household_register`, `ctx.flows.officials`, `ctx.flows.screening_register`)."""

from __future__ import annotations

from fundtrail import findings
from fundtrail.registers import Household, id_no
from fundtrail.workspace import REGISTER_TITLES

__all__ = ["households", "id_no", "register_entry", "register_problem"]

REGISTER_NAMES = REGISTER_TITLES  # the registers' Chinese names (fundtrail.workspace)


def households(ctx) -> dict[str, Household]:
    """The household register's households by ID number ({} without a usable register)."""
    return ctx.flows.household_register.households


def register_problem(ctx, kind: str, rule: str, problem: str | None = None):
    """A finding of `rule` when the register it needs is named but unusable, else nothing; a
    register read elsewhere (the screening list) passes its `problem`."""
    if problem is None:
        problem = (ctx.flows.household_register if kind == "households" else ctx.flows.officials).problem
    if problem:
        yield findings.emit(rule, f"register|{kind}", register_entry(ctx, kind), variant="no-register",
                            register=REGISTER_NAMES.get(kind, kind), problem=problem)


def register_entry(ctx, kind: str):
    """The `custom "register" "<kind>"` directive that names the register (the first), None
    when there is none: where the register's findings sit."""
    return next((e for e in ctx.flows.customs.get("register", ())
                 if e.values and e.values[0].value == kind), None)

