"""Related parties (优亲厚友): money paid to a cadre or public employee, or to their relative.

related-party (high)
    A payment whose beneficiary or payee is in the cadres-and-relatives register the ledger
    names with `custom "register" "officials" "<path>"` (columns 姓名, 身份证号, 单位/村, 职务,
    关系人姓名, 关系人身份证号, 关系; optional account columns whose header holds 账号 or 卡号).
    Matched by
    - ID number: the posting's `id_no:` is a cadre's or a registered relative's;
    - bank account: the posting's `card:` or `payee_account:` is a cadre's (account columns) or
      a registered relative's (their 一卡通账号 in the household register);
    - name within the village: the beneficiary (or the payee of a project payment) bears a
      cadre's or relative's name in the cadre's village (the posting's `village:`, else the
      project's).

No settings. Without an officials register the rule stays silent.
"""

from __future__ import annotations

from itertools import chain

from fundtrail import findings
from fundtrail.flows import by_entry
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.rules._registers import register_problem
from fundtrail.registers import Officials

SETTINGS = ()


def officials(ctx) -> Officials:
    """Who counts as related: the officials register, the flow index's view of it."""
    return ctx.flows.officials


def related_ids(ctx) -> set[str]:
    """ID numbers of cadres and their registered relatives."""
    return set(officials(ctx).ids)


def _village(ctx, flow) -> str:
    code = str(flow.meta.get("village", ""))
    if not code and flow.posting.account.startswith("Expenses:Project:"):
        project = ctx.master.projects.get(flow.posting.account.rsplit(":", 1)[-1])
        code = project.village if project else ""
    return ctx.master.villages[code].name if code in ctx.master.villages else code


def related_party(ctx):
    yield from register_problem(ctx, "officials", "related-party")
    known = officials(ctx)
    if not known.ids:
        return
    index = ctx.flows
    for entry, flows in chain(by_entry(index.subsidies), by_entry(index.works)):
        for flow in flows:
            why = flow.amount > 0 and known.match(flow, _village(ctx, flow))
            if why:
                who = flow.meta.get("beneficiary") or entry.payee
                yield findings.emit(
                    "related-party", entry_key(entry), entry, amount=flow.amount, who=who,
                    narration=entry.narration, relation=ctx.masker.text(why))
                break


RULES = {"related-party": related_party}
