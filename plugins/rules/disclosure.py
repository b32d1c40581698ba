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
from collections import defaultdict

from fundtrail import findings
from fundtrail.plugins.rules._payments import customs, project_totals

SETTINGS = {"disclosure_days": 10, "disclosure_grace_days": 30}


def not_disclosed(ctx):
    lead = datetime.timedelta(days=int(ctx.settings["disclosure_days"]))
    grace = datetime.timedelta(days=int(ctx.settings["disclosure_grace_days"]))
    totals = project_totals(ctx)
    posted = defaultdict(list)
    for notice in ctx.master.notices:
        posted[(notice.project, notice.stage)].append(notice.posted)
    last_day = ctx.entries[-1].date if ctx.entries else datetime.date.min
    for code, (first, paid) in sorted(totals.items()):
        project = ctx.master.projects.get(code)
        start = (project.start if project else None) or first.date
        if not any(day + lead <= start for day in posted[(code, "plan")]):
            yield findings.emit(
                "not-disclosed", f"{code}|plan", first, amount=paid, links=[code],
                facets={"stage": "plan"}, code=code, start=start, lead=lead.days)
    for entry in customs(ctx, "acceptance"):
        code = str(entry.values[0].value) if entry.values else ""
        if code not in totals or entry.date + grace > last_day:
            continue
        if not any(day >= entry.date for day in posted[(code, "completion")]):
            yield findings.emit(
                "not-disclosed", f"{code}|completion", entry, amount=totals[code][1],
                links=[code], variant="completion", facets={"stage": "completion"}, code=code,
                accepted=entry.date)


RULES = {"not-disclosed": not_disclosed}
