"""Split payments (拆分支付): several payments to one payee for one project within a window,
each under the tender/approval limit, together over it.

Rule `split-payment` (default severity medium): payments to contractors (household subsidies
and loan interest left out) are grouped by payee (names matched as in duplicates) and project.
When the payments under the limit made within `split_window_days` of each other add up to more
than `split_limit`, the payment that takes the run over the limit is flagged; later parts of the
same run join it silently. Payments at or over the limit are not parts of a split.

Settings:
    split_limit        400000   the tender / approval limit in yuan (local: set it per county)
    split_window_days  30       how close the parts must be

Staged payments of one contract (advance, progress, final) are months apart and pass.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from operator import attrgetter

from fundtrail import findings
from fundtrail.flows import amount_of
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.settings import DAYS, MONEY, Setting

SETTINGS = (
    Setting("split_limit", MONEY, 400_000, "须招标或审批的金额限额（元）"),
    Setting("split_window_days", DAYS, 30, "拆分支付各笔之间的最长天数"),
)
DATE = attrgetter("entry.date")  # a payment's day


def clusters(ctx) -> list[list]:
    """Runs of payments that add up over the limit, each as its members (the last one flagged
    is the crossing payment, members[crossing_index]). Shared with the duplicate rule."""
    def build():
        limit = ctx.settings["split_limit"]
        window = datetime.timedelta(days=ctx.settings["split_window_days"])
        # the payments of each payee and project, the groups in the order first paid (per
        # payee, then per project: no key tuple made and kept per payment)
        by_payee, groups = {}, []
        for pay in ctx.flows.contractor_payments:
            if pay.amount < limit:
                by_project = by_payee.get(pay.payee)
                if by_project is None:
                    by_project = by_payee[pay.payee] = {}
                group = by_project.get(pay.project)
                if group is None:
                    group = by_project[pay.project] = []
                    groups.append(group)
                group.append(pay)
        runs = []
        for group in groups:
            if len(group) < 2 or sum(map(amount_of, group)) <= limit:
                continue  # payments are positive: no run of them adds up over the limit
            group.sort(key=DATE)
            open_run, recent = None, []
            for pay in group:
                day = pay.entry.date
                recent = [p for p in recent if day - p.entry.date <= window]
                if open_run is not None and any(p in open_run["members"] for p in recent):
                    recent.append(pay)
                    open_run["members"].append(pay)
                    continue
                recent.append(pay)
                if len(recent) >= 2 and sum(map(amount_of, recent)) > limit:
                    open_run = {"members": list(recent), "crossing": pay}
                    runs.append(open_run)
        return runs
    return ctx.memo(f"{__name__}.clusters", build)


def split_payment(ctx):
    limit = ctx.settings["split_limit"]
    for run in clusters(ctx):
        pay, members = run["crossing"], run["members"]
        total = sum(p.amount for p in members)
        yield findings.emit(
            "split-payment", f"{pay.project}|{entry_key(pay.entry)}", pay.entry, amount=total,
            links=[link for p in members for link in p.entry.links], payee=pay.entry.payee,
            project=pay.project, first=members[0].entry.date, last=members[-1].entry.date,
            count=len(members), limit=Decimal(str(limit)))


RULES = {"split-payment": split_payment}
