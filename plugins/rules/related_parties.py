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
from fundtrail.plugins.rules._registers import households, id_no, officials_rows, register_problem

SETTINGS = ()


class Officials:
    """Who counts as related, by ID number, account and (name, village name)."""

    def __init__(self, rows, homes: dict):
        """From the officials register's rows and the household register's households by ID
        number (a relative's 一卡通 card is read there)."""
        self.ids, self.accounts, self.names = {}, {}, {}
        self.roles: dict[str, str] = {}  # ID number or account -> "cadre" or "relative"
        for row in rows:
            cadre, village = row.get("姓名", "").strip(), row.get("单位/村", "").strip()
            post = f"{village}{row.get('职务', '')}".strip()
            self.ids[id_no(row.get("身份证号"))] = f"本人为{post}{cadre}"
            self.roles[id_no(row.get("身份证号"))] = "cadre"
            self.names[(cadre, village)] = f"与{post}{cadre}同名同村"
            relative = row.get("关系人姓名", "").strip()
            if relative:
                tie = f"系{post}{cadre}的{row.get('关系', '亲属')}"
                self.ids[id_no(row.get("关系人身份证号"))] = tie + relative
                self.roles.setdefault(id_no(row.get("关系人身份证号")), "relative")
                self.names[(relative, village)] = f"与{post}{cadre}的{row.get('关系', '亲属')}同名同村"
                home = homes.get(id_no(row.get("关系人身份证号")))
                if home and home.card:
                    self.accounts[home.card] = tie + relative
                    self.roles.setdefault(home.card, "relative")
            for column, value in row.items():
                if column and value and ("账号" in column or "卡号" in column):
                    self.accounts[value.replace(" ", "")] = f"账户属于{post}{cadre}"
                    self.roles.setdefault(value.replace(" ", ""), "cadre")
        self.ids.pop("", None)
        self.roles.pop("", None)

    def role(self, meta) -> str | None:
        """"cadre" or "relative" when a payment's `id_no:` or `card:` is a registered cadre's or
        relative's (not by name: a namesake is no relative), for marking public lists."""
        for key in (id_no(meta.get("id_no")), str(meta.get("card") or "").replace(" ", "")):
            if key and key in self.roles:
                return self.roles[key]
        return None

    def match(self, flow, village: str) -> str | None:
        meta = flow.meta
        name = str(meta.get("beneficiary") or flow.entry.payee or "").strip()
        for why in (self.ids.get(id_no(meta.get("id_no"))),
                    self.accounts.get(str(meta.get("card") or meta.get("payee_account") or
                                          flow.entry.meta.get("payee_account") or "").replace(" ", "")),
                    self.names.get((name, village))):
            if why:
                return why
        return None


def officials(ctx) -> Officials:
    return ctx.memo("rules.officials", lambda: Officials(officials_rows(ctx), households(ctx)))


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
