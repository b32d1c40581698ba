"""Cash and personal accounts: money that leaves the traceable, point-to-point payment path.

cash-withdrawal (high)
    Cash taken out of a special account: a payment from `Assets:Bank:*` whose payee, narration
    or bank summary (`summary:` metadata) says cash (现金, 取现, 提现, 现支). 转账支取 is a
    transfer, not cash.
personal-account (high)
    Works money paid to an individual: a project payment (`Expenses:Project:*`) that is not a
    household subsidy (no `id_no:`) whose payee is a personal name, 2–4 Chinese characters
    without an organisation's ending (公司 合作社 局 站 队 部 ...), or whose `payee_account:`
    (posting or entry metadata, when the importer records it) is a personal bank card (16–19
    digits starting 62). Labour pay to villagers (劳务, 务工, 以工代赈 in the narration) goes to
    personal cards by design and is exempt.
direct-fund-parked (high)
    Direct funds (直达资金: `direct: TRUE` on the fund's `open`) must reach the final payee point
    to point; moving them into an implementing unit's own account (`Assets:Held:*`) parks them.
    The fund is the posting's `fund:`, else its `project:`'s fund.

Settings: cash_keywords (default 现金 取现 提现 现支), personal_exempt (default 劳务 务工 以工代赈).
"""

from __future__ import annotations

import functools
import re

from fundtrail import findings
from fundtrail.plugins.rules._ledger import by_entry, entry_key, ledger

SETTINGS = {"cash_keywords": ("现金", "取现", "提现", "现支"),
            "personal_exempt": ("劳务", "务工", "以工代赈")}
PERSON = re.compile(r"[\u4e00-\u9fff·]{2,4}")
CARD = re.compile(r"62\d{14,17}")
ORGANISATION = re.compile(r"(公司|合作社|政府|委员会|银行|集团|协会|中心|基地|工作组|财政|"
                          r"[局厂店站队所院行处办室场园校组社部会村镇])$")


@functools.lru_cache(maxsize=8)
def _any_of(words: tuple) -> re.Pattern:
    return re.compile("|".join(map(re.escape, words)))


def cash_withdrawal(ctx):
    cash = _any_of(tuple(ctx.settings["cash_keywords"]))
    for entry, flows in by_entry(ledger(ctx).bank_out):
        text = f"{entry.payee or ''} {entry.narration or ''} {entry.meta.get('summary', '')}"
        word = cash.search(text)
        if word:
            for flow in flows:
                yield findings.emit(
                    "cash-withdrawal", f"{entry_key(entry)}|{flow.posting.account}", entry,
                    amount=flow.amount, account=flow.posting.account,
                    name=ctx.master.account_name(flow.posting.account), day=entry.date,
                    word=word.group(), narration=entry.narration)


def is_person(name: str) -> bool:
    return bool(PERSON.fullmatch(name)) and not ORGANISATION.search(name)


def is_card(account) -> bool:
    return bool(account) and bool(CARD.fullmatch(re.sub(r"[\s-]", "", str(account))))


def personal_account(ctx):
    exempt = _any_of(tuple(ctx.settings["personal_exempt"]))
    for entry, flows in by_entry(ledger(ctx).works):
        payee = (entry.payee or "").strip()
        card = entry.meta.get("payee_account") or flows[0].meta.get("payee_account")
        if not (is_person(payee) or is_card(card)) or exempt.search(entry.narration or ""):
            continue
        works = [f for f in flows if f.amount > 0
                 and f.posting.account.startswith("Expenses:Project:")]
        if works:
            amount = sum(f.amount for f in works)
            yield findings.emit("personal-account", entry_key(entry), entry, amount=amount,
                                narration=entry.narration, payee=payee, day=entry.date)


def direct_fund_parked(ctx):
    funds, projects = ctx.master.funds, ctx.master.projects
    for flow in ledger(ctx).held:
        project = str(flow.meta.get("project", ""))
        fund = str(flow.meta.get("fund") or (projects[project].meta.get("fund", "")
                                             if project in projects else ""))
        if fund in funds and funds[fund].direct:
            unit = ctx.master.account_name(flow.posting.account)
            yield findings.emit(
                "direct-fund-parked", f"{entry_key(flow.entry)}|{flow.posting.account}",
                flow.entry, amount=flow.amount, links=tuple(x for x in (fund, project) if x),
                fund=fund, doc_no=funds[fund].doc_no, unit=unit, account=flow.posting.account,
                day=flow.date)


RULES = {"cash-withdrawal": cash_withdrawal, "personal-account": personal_account,
         "direct-fund-parked": direct_fund_parked}
