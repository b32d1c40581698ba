"""Project disclosure (公告公示): project money spent without the public notices.

Rule `not-disclosed` (default severity medium), judged from the `custom "notice" "<project>"
"<stage>"` directives (posted on their date, `until:` the day they came down) against each
project's start date and its `custom "acceptance"`. Only projects that paid money are judged.

- stage="plan": no plan notice was posted at least `disclosure_days` before the project's start
  (its `start:`; without one, its first payment). Payments made before the project started are
  `paid-before-approval`'s business, not this rule's. The finding sits on the first payment.
- stage="completion": the project was accepted (验收) but no completion notice was posted on or
  after the acceptance. A project gets `disclosure_grace_days` after acceptance before it is due;
  projects never accepted are `overdue-project`'s business. The finding sits on the acceptance.

Settings:
    disclosure_days        10   days a plan notice must precede the start
    disclosure_grace_days  30   days after acceptance to post the completion notice
"""

from __future__ import annotations

import datetime

from fundtrail import findings
from fundtrail.plugins.settings import DAYS, Setting

SETTINGS = (
    Setting("disclosure_days", DAYS, 10, "计划公告应早于项目开工的天数"),
    Setting("disclosure_grace_days", DAYS, 30, "验收后张贴完工公告的天数"),
)


def _notice_days(notices) -> tuple[dict, dict]:
    """Per project, the day its first plan notice went up and the day its last completion
    notice went up: a project has a notice early (late) enough when that one is."""
    first_plan, last_completion = {}, {}
    for notice in notices:
        code, day = notice.project, notice.posted
        if notice.stage == "plan" and (code not in first_plan or day < first_plan[code]):
            first_plan[code] = day
        elif notice.stage == "completion" and (code not in last_completion
                                               or day > last_completion[code]):
            last_completion[code] = day
    return first_plan, last_completion


def not_disclosed(ctx):
    lead = datetime.timedelta(days=ctx.settings["disclosure_days"])
    grace = datetime.timedelta(days=ctx.settings["disclosure_grace_days"])
    totals = ctx.flows.project_paid
    first_plan, last_completion = _notice_days(ctx.master.notices)
    projects = ctx.master.projects
    last_day = ctx.entries[-1].date if ctx.entries else datetime.date.min
    undisclosed = []  # (project, its start) without a plan notice in time
    for code, (first, _) in totals.items():
        project = projects.get(code)
        start = (project.start if project else None) or first.date
        plan = first_plan.get(code)
        if plan is None or plan + lead > start:
            undisclosed.append((code, start))
    for code, start in sorted(undisclosed):
        first, paid = totals[code]
        yield findings.emit(
            "not-disclosed", f"{code}|plan", first, amount=paid, links=[code],
            facets={"stage": "plan"}, code=code, start=start, lead=lead.days)
    acceptances = ctx.flows.customs.get("acceptance", ())
    accepted = ctx.master.accepted  # code -> day, read from the same directives in the same order
    if len(accepted) == len(acceptances):  # no code accepted twice: each directive's code and day
        read = zip(acceptances, accepted.items(), strict=True)  # as the master data read them
    else:
        read = ((entry, (str(entry.values[0].value) if entry.values else "", entry.date))
                for entry in acceptances)
    for entry, (code, day) in read:
        if code not in totals or day + grace > last_day:
            continue
        completed = last_completion.get(code)
        if completed is None or completed < day:
            yield findings.emit(
                "not-disclosed", f"{code}|completion", entry, amount=totals[code][1],
                links=[code], variant="completion", facets={"stage": "completion"}, code=code,
                accepted=entry.date)


RULES = {"not-disclosed": not_disclosed}
