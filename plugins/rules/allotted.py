"""Paying ahead of the allotment (无指标支付): a project spends money not yet allotted to it.

paid-unallotted (high)
    A project payment (`Expenses:Project:<code>`) after which the project has spent more than
    the allotments it has received so far (`Equity:Allotment:Project:<code>`, an allotment of
    the same day counting first): the payment drew on money the project has not been given
    (a project whose money has not been allotted, or whose allotted money is used up). Every
    such payment of one stretch in deficit is one finding (grouped), with each payment as a
    row; a new stretch after the project was covered again is a new finding. Refunds give
    money back to the project; a bounced 一卡通 row is not spending.

No settings: a treasury pays a project only within its allotted quota (指标).
"""

from __future__ import annotations

from fundtrail import findings
from fundtrail.flows import ZERO
from fundtrail.plugins.rules._naming import entry_key

SETTINGS = ()


def _events(allotments, spending):
    """(flow, is a payment) in date order, a day's allotments before its payments."""
    i = j = 0
    while i < len(allotments) or j < len(spending):
        if j == len(spending) or (i < len(allotments) and allotments[i].date <= spending[j].date):
            yield allotments[i], False
            i += 1
        else:
            yield spending[j], True
            j += 1


def paid_unallotted(ctx):
    index, projects = ctx.flows, ctx.master.projects
    spent_sums, allotted_to = index.running("spent_on"), index.allotted_to
    unlike, spent_total, allotted_total = index.unlike, index.totals("spent_on"), \
        index.totals("allotted_to")
    spent_on = index.spent_on
    for code in sorted(spent_on):  # by code (no pair kept per project to sort)
        spending = spent_on[code]
        project = projects.get(code)
        if project is None or not spending:
            continue
        allotments = allotted_to.get(code, ())
        # all allotted before the first payment, and never spent beyond it: the most spent is
        # the total when every amount is positive (`unlike` lists the projects where one is not)
        if allotments and allotments[-1].date <= spending[0].date and \
                (spent_total[code] if code not in unlike else max(spent_sums[code])) \
                <= allotted_total[code]:
            continue
        allotted, spent, first = ZERO, ZERO, None
        for flow, is_payment in _events(allotments, spending):
            if not is_payment:
                allotted += flow.amount
                if spent <= allotted:
                    first = None
                continue
            spent += flow.amount
            if spent <= allotted:
                first = None
                continue
            if flow.amount <= 0:
                continue
            first = first or flow
            yield findings.emit(
                "paid-unallotted", f"{code}|{entry_key(flow.entry)}", flow.entry,
                amount=min(flow.amount, spent - allotted), links=(code,),
                group=f"{code}|{entry_key(first.entry)}", code=code, name=project.name,
                day=flow.date, payee=flow.entry.payee or "收款人", paid=flow.amount,
                allotted=allotted, spent=spent, short=spent - allotted)


RULES = {"paid-unallotted": paid_unallotted}
