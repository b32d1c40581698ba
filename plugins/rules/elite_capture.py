"""扶富不扶贫: one firm takes most of a project's or a village's money with no declared
benefit-linking mechanism (带贫减贫机制 / 联农带农 / 利益联结).

Rule `elite-capture` (default severity high). A project declares its mechanism in the
`linkage:` field of its `open` directive. For projects that declare none, the money paid to
each non-household payee (contractors, firms, co-operatives: anyone but 一卡通 subsidy rows and
loan interest) is compared with all the money the project paid:

- scope="project": one payee received more than `elite_capture_share` of such a project's money;
- scope="village": one payee received more than that share of all the project money paid in a
  village, part of it through a project without a mechanism (unless a project finding already
  names that payee there).

The finding sits on the project's `open` directive (where the mechanism is to be declared) and
links the project codes.

Settings:
    elite_capture_share  0.5   the share of the money one payee may take (0–1)
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from fundtrail import catalogue, findings
from fundtrail.plugins.settings import SHARE, Setting

SETTINGS = (Setting("elite_capture_share", SHARE, 0.5, "一个收款人可得项目资金的最高比例", high=1),)


def _finding(ctx, scope, place, payee, got, total, codes):
    project = ctx.master.projects[codes[0]]
    what = (f"项目{codes[0]}（{project.name}）" if scope == "project"
            else f"{ctx.master.place_name(place)}的项目资金（项目{catalogue.listing(codes)}）")
    return findings.emit(
        "elite-capture", f"{scope}|{place}|{payee}", ctx.master.accounts.get(project.account),
        amount=got, links=codes, facets={"scope": scope}, payee=payee, what=what,
        share=got / total, total=total)


def _names(ctx) -> dict[str, str]:
    """Each payee key's name as first written in the books."""
    names = {}
    for pay in ctx.flows.contractor_payments:
        names.setdefault(pay.payee, pay.entry.payee)
    return names


def elite_capture(ctx):
    """Only the payments of projects without a mechanism, and of the other projects in their
    villages, are added up: a county whose projects all declare one costs one look at each."""
    share = ctx.settings["elite_capture_share"]
    projects = ctx.master.projects
    unlinked = {code for code, project in projects.items() if not project.linkage.strip()}
    if not unlinked:
        return
    at_issue = {projects[code].village for code in unlinked} - {""}
    judged = {code for code, project in projects.items()
              if code in unlinked or project.village in at_issue}
    total = {code: money for code, (_, money) in ctx.flows.project_paid.items()}
    by_payee = defaultdict(lambda: defaultdict(Decimal))  # project -> payee -> money
    for pay in ctx.flows.contractor_payments:
        if pay.project in judged:
            by_payee[pay.project][pay.payee] += pay.amount
    names = None
    flagged = set()
    for code in sorted(unlinked.intersection(by_payee)):
        payee, got = max(by_payee[code].items(), key=lambda kv: (kv[1], kv[0]))
        if got > share * total[code]:
            flagged.add((projects[code].village, payee))
            names = names or _names(ctx)
            yield _finding(ctx, "project", code, names[payee], got, total[code], [code])
    village_total = defaultdict(Decimal)
    for code, money in total.items():
        if code in projects and projects[code].village:
            village_total[projects[code].village] += money
    in_village = defaultdict(lambda: defaultdict(list))  # village -> payee -> its projects
    for code in sorted(by_payee):
        if code in projects and projects[code].village:
            for payee in by_payee[code]:
                in_village[projects[code].village][payee].append(code)
    for village, payees in sorted(in_village.items()):
        for payee, codes in sorted(payees.items()):
            got = sum(by_payee[code][payee] for code in codes)
            if ((village, payee) not in flagged and any(not projects[c].linkage.strip() for c in codes)
                    and got > share * village_total[village]):
                names = names or _names(ctx)
                yield _finding(ctx, "village", village, names[payee], got, village_total[village], codes)

RULES = {"elite-capture": elite_capture}
