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
from fundtrail.flows import by_entry
from fundtrail.idno import account_no
from fundtrail.plugins.rules._accounts import named_accounts
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.settings import WORDS, Setting

SETTINGS = (
    Setting("cash_keywords", WORDS, ("现金", "取现", "提现", "现支"), "表示提取现金的词语"),
    Setting("personal_exempt", WORDS, ("劳务", "务工", "以工代赈"), "付给个人属正常的劳务用工词语"),
)
PERSON = re.compile(r"[\u4e00-\u9fff·]{2,4}")
CARD = re.compile(r"62\d{14,17}")
ORGANISATION = re.compile(r"(公司|合作社|政府|委员会|银行|集团|协会|中心|基地|工作组|财政|"
                          r"[局厂店站队所院行处办室场园校组社部会村镇])$")


@functools.lru_cache(maxsize=8)
def _any_of(words: tuple) -> re.Pattern:
    return re.compile("|".join(map(re.escape, words)))


def _firsts(flows):
    """(entry, its first flow) for flows in ledger order: the entries `by_entry` groups, without
    building the groups."""
    last = None
    for flow in flows:
        if flow.entry is not last:
            last = flow.entry
            yield last, flow


def cash_withdrawal(ctx):
    cash = _any_of(ctx.settings["cash_keywords"])
    words = {}  # id of an entry taking cash -> the word
    for entry, _ in _firsts(ctx.flows.transfers):
        text = f"{entry.payee or ''} {entry.narration or ''} {entry.meta.get('summary', '')}"
        word = cash.search(text)
        if word:
            words[id(entry)] = word
    if not words:
        return
    for entry, flows in by_entry(ctx.flows.transfers):
        word = words.get(id(entry))
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
    return bool(account) and bool(CARD.fullmatch(account_no(account)))


def personal_account(ctx):
    """Each entry is judged by its payee (once per name) and then its card; only the entries
    found are grouped into their flows."""
    exempt = _any_of(ctx.settings["personal_exempt"])
    people, found = {}, set()  # payee as written -> (name, a person?); ids of entries found
    named = named_accounts(ctx.flows)  # the works flows that name an account, read once
    for entry, flow in _firsts(ctx.flows.works):
        written = entry.payee
        known = people.get(written)
        if known is None:
            payee = (written or "").strip()
            known = people[written] = payee, is_person(payee)
        if not known[1]:
            if not named:
                continue
            got = named.get(id(flow))
            card = got and (got[3] or got[2])  # the entry's `payee_account:`, else the posting's
            if not card or not is_card(card):
                continue
        if not exempt.search(entry.narration or ""):
            found.add(id(entry))
    if not found:
        return
    for entry, flows in by_entry(ctx.flows.works):
        if id(entry) not in found:
            continue
        works = [f for f in flows if f.amount > 0
                 and f.posting.account.startswith("Expenses:Project:")]
        if works:
            amount = sum(f.amount for f in works)
            yield findings.emit("personal-account", entry_key(entry), entry, amount=amount,
                                narration=entry.narration, payee=people[entry.payee][0],
                                day=entry.date)


def direct_fund_parked(ctx):
    funds, projects = ctx.master.funds, ctx.master.projects
    for flow in ctx.flows.passed_down:
        if flow.amount <= 0:
            continue
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
