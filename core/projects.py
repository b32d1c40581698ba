"""Where a project stands (项目状态) at a day: one definition for the overdue-project rule, the
Fava project pages, the village notice, the county disclosure and the spreadsheets.

A project is judged at `day` on its money to that day (flows dated on or before it):

    accepted   已验收        a `custom "acceptance"` on or before `day`, the project paid out
    unsettled  已验收未结算  accepted, but overdue: more than the retention still unpaid
    overdue    逾期未完工    not accepted and overdue
    running    实施中        not overdue, some money paid out
    unpaid     已下达未支付  money allotted, nothing paid out yet
    unallotted 未下达        nothing allotted, nothing paid out

Overdue (the overdue-project rule's criterion): the project's `end:` lies more than
`overdue_days` (the grace, default 30) before `day`, and more than `retention_share` of its
budget (质量保证金, default 0.05; the money allotted when it has no budget) is still unpaid.
Paid out is its spending (`FlowIndex.spent_on`) plus the money moved into units' own accounts
for it (`FlowIndex.held_on`); a project paid in full counts as finished, since subsidy
programmes have no 验收. Both settings are the checks' (`overdue_days`, `retention_share` of
the checks plugin line); every reader passes the checks' settings as read for the books, so a
county's grace is the same for the finding and for the pages.
"""

from __future__ import annotations

import datetime
import functools
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from fundtrail.flows import ZERO, date_of

OVERDUE_DAYS = 30  # the grace after a project's end date (the setting `overdue_days`)
RETENTION_SHARE = Decimal("0.05")  # the quality retention's share of the budget (`retention_share`)

STATUS_LABELS = {"unallotted": "未下达", "unpaid": "已下达未支付", "running": "实施中",
                 "overdue": "逾期未完工", "accepted": "已验收", "unsettled": "已验收未结算"}
OVERDUE = ("overdue", "unsettled")  # the statuses of a project the overdue-project rule flags


@dataclass(frozen=True, slots=True)
class Standing:
    """A project's status at `day` and the figures it was judged on."""

    status: str  # one of STATUS_LABELS' keys
    day: datetime.date
    accepted: datetime.date | None  # the acceptance, when on or before `day`
    allotted: Decimal
    paid: Decimal  # spent on it plus held for it in units' own accounts
    unpaid: Decimal  # the budget (else the money allotted) less what was paid

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def overdue(self) -> bool:
        return self.status in OVERDUE

    @property
    def stage(self) -> str:
        """What an overdue project has not done: "acceptance" (not finished) or "payment"
        (accepted, not reimbursed); "" when it is not overdue."""
        return {"overdue": "acceptance", "unsettled": "payment"}.get(self.status, "")


def overdue_from(project, settings: Mapping) -> datetime.date | None:
    """The first day on which the project can be overdue: its end date + the grace + 1 day;
    None without an end date."""
    if not project.end:
        return None
    return project.end + _days_after(settings.get("overdue_days", OVERDUE_DAYS))


@functools.lru_cache(maxsize=8)
def _days_after(days: int) -> datetime.timedelta:
    """The grace and the day after it (asked per project, thousands of times a load)."""
    return datetime.timedelta(days=days + 1)


def judge(project, day: datetime.date, accepted: datetime.date | None, allotted: Decimal,
          paid: Decimal, settings: Mapping) -> Standing:
    """The project's standing at `day` from its money to that day (see the module doc)."""
    accepted = accepted if accepted and accepted <= day else None
    budget = project.budget or allotted
    unpaid = budget - paid
    start = overdue_from(project, settings)
    late = start is not None and start <= day and \
        _late(budget, paid, settings.get("retention_share", RETENTION_SHARE))
    if accepted:
        status = "unsettled" if late else "accepted"
    elif late:
        status = "overdue"
    elif paid:
        status = "running"
    else:
        status = "unpaid" if allotted else "unallotted"
    return Standing(status, day, accepted, allotted, paid, unpaid)


def _late(budget: Decimal, paid: Decimal, retention: Decimal) -> bool:
    """More than the quality retention of the budget is still unpaid (past the grace, the
    project is late: overdue, or accepted and unsettled)."""
    return budget - paid > budget * retention


def _paid_to(index, code: str, day: datetime.date) -> Decimal:
    """What project `code` paid up to `day`: spent on it plus held for it in units' own
    accounts (`Standing.paid`)."""
    if _ended_by(index, day):  # the totals (`_to`) and `held_on`'s sums: no flow read
        paid, held = index.total("spent_on", code), index.held_for.get(code)
        return paid if held is None else paid + held
    paid = _to(index, "spent_on", code, day)
    held = index.held_on.get(code)
    if held:
        paid += sum((f.amount for f in held if f.date <= day), ZERO)
    return paid


def _ended_by(index, day: datetime.date) -> bool:
    """The books hold no transaction after `day` (the usual judging date): what a lookup holds
    to `day` is all it holds. The transactions, as every lookup's list, are in date order."""
    transactions = index.transactions
    return not transactions or transactions[-1].date <= day


def _to(index, lookup: str, code: str, day: datetime.date) -> Decimal:
    """The sum of `code`'s flows in the index's `lookup` (in date order) dated on or before
    `day`: the lookup's total when the books end by `day` (no flow read), else read off its
    running sums."""
    if _ended_by(index, day):
        return index.total(lookup, code)
    flows = getattr(index, lookup).get(code)
    if not flows:
        return ZERO
    if flows[-1].date <= day:
        return index.total(lookup, code)
    return index.running(lookup)[code][bisect_right(flows, day, key=date_of)]


def overdue_at(index, master, day: datetime.date, settings: Mapping) -> list[tuple[str, Standing]]:
    """(code, standing) of every project overdue at `day` (`Standing.overdue`), by code: what
    the overdue-project rule asks. Whether a project is late (see `judge`) is worked out from
    its money first, with what is read for every project looked up once; the standing is made
    only for a late project."""
    grace = _days_after(settings.get("overdue_days", OVERDUE_DAYS))  # `overdue_from`
    retention = settings.get("retention_share", RETENTION_SHARE)
    found = []
    projects = master.projects
    for code in sorted(projects):  # by code (no pair kept per project to sort)
        project = projects[code]
        end = project.end
        if not end or end + grace > day:  # `overdue_from`
            continue
        paid = _paid_to(index, code, day)
        budget = project.budget or _to(index, "allotted_to", code, day)
        if _late(budget, paid, retention):
            found.append((code, standing(index, master, code, day, settings)))
    return found


def standing(index, master, code: str, day: datetime.date, settings: Mapping) -> Standing:
    """Project `code`'s standing at `day`, from the flow index (`fundtrail.flows.FlowIndex`)
    and the master data (its record and acceptance) of the books."""
    return judge(master.projects[code], day, master.accepted.get(code),
                 _to(index, "allotted_to", code, day), _paid_to(index, code, day), settings)
