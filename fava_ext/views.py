"""What each page shows, from the dashboard and the page's query arguments; no Flask here."""

from __future__ import annotations

import collections
from dataclasses import dataclass

from fundtrail.accounts import level_rank
from fundtrail.books import Figures
from fundtrail.fava_ext import charts, desk, svgcharts, workqueue
from fundtrail.fava_ext.dashboard import Dashboard, Subsidy, YearView, available, ratio
from fundtrail.fava_ext.listing import matches, paginate
from fundtrail.findings import SEVERITY_LABELS
from fundtrail.masking import Masker
from fundtrail.masterdata import Project
from fundtrail.periods import quarter_of
from fundtrail.projects import STATUS_LABELS
from fundtrail.reports.facts import project_standing
from fundtrail.workflow import false_alarms


@dataclass(frozen=True)
class Row:
    """One line of a figures table: a label, its figures and its spending progress."""

    key: str
    label: str
    fig: Figures
    progress: object  # Decimal | None
    note: str = ""


def overview(dash: Dashboard, view: YearView, start=None, end=None) -> dict:
    master = dash.master
    funds = view.figures["fund"]
    levels = [Row(level, level, fig, view.progress(fig))
              for level, fig in sorted(view.figures["level"].items(), key=lambda kv: (level_rank(kv[0]), kv[0]))
              if level]
    documents = [Row(code, fund.doc_no, funds[code], view.progress(funds[code]),
                     f"{fund.level} · {fund.title}")
                 for code, fund in sorted(master.funds.items(), key=lambda kv: (level_rank(kv[1].level), kv[0]))
                 if code in funds and (funds[code].balance or funds[code].received or funds[code].spent)]
    total = view.total()
    return {"total": total, "available": available(total), "progress": view.progress(total),
            "levels": levels, "documents": documents, "charts": [charts.idle(view, master)],
            "month_charts": [svgcharts.progress(charts.progress(view)),
                             svgcharts.monthly(charts.monthly(view))],
            "open": dash.open_counts(start, end), "severity_labels": SEVERITY_LABELS}


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    place: str
    year: Figures  # flows in the year
    to_date: Figures  # flows up to the year's end, balance at its end
    progress: object  # paid / budget, Decimal | None
    status: str  # fundtrail.projects.STATUS_LABELS' key: the overdue-project rule's criterion


def project_rows(dash: Dashboard, view: YearView, codes=None) -> list[ProjectRow]:
    master, rows = dash.master, []
    for code in codes if codes is not None else sorted(master.projects):
        project = master.projects[code]
        if dash.opened[code].year > view.year:
            continue
        year, to_date = view.project(code)
        place = master.place_name(project.village or project.town) if (
            project.village or project.town) else "全区"
        rows.append(ProjectRow(project, place, year, to_date, ratio(to_date.spent, project.budget),
                               project_standing(dash.books, code, view.as_of).status))
    return rows


def projects(dash: Dashboard, view: YearView, town="", status="", text="", page=None) -> dict:
    rows = dash.memo_of(("projects", view.year), lambda: project_rows(dash, view))
    counts = collections.Counter(r.status for r in rows)
    towns = collections.Counter(r.project.town for r in rows)
    rows = [r for r in rows if (not town or r.project.town == town)
            and (not status or r.status == status)
            and (not text or matches(text, r.project.code, r.project.name, r.place))]
    return {"page": paginate(rows, page), "status_counts": counts, "status_labels": STATUS_LABELS,
            "towns": [(code, dash.master.place_name(code), n) for code, n in sorted(towns.items())
                      if code]}


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str
    fig: Figures
    projects: int
    subsidy: object  # Decimal
    households: int


def villages(dash: Dashboard, view: YearView) -> list[tuple[str, list[VillageRow], VillageRow]]:
    """Per town: its villages' rows and the town's total row."""
    master = dash.master
    per_village = view.figures["village"]
    counts = collections.Counter(p.village for code, p in master.projects.items()
                                 if dash.opened[code].year <= view.year)
    towns = []
    for town_code, town in sorted(master.towns.items()):
        rows = []
        for code, village in sorted(master.villages.items()):
            if village.town == town_code:
                amount, households = view.subsidies.get(code, (0, 0))
                rows.append(VillageRow(code, village.name, per_village.get(code, Figures()),
                                       counts[code], amount, households))
        total = Figures(*(sum((getattr(r.fig, f) for r in rows), 0)
                          for f in ("received", "passed_down", "spent", "balance")))
        towns.append((town.name, rows, VillageRow(
            town_code, town.name, total, sum(r.projects for r in rows),
            sum((r.subsidy for r in rows), 0), sum(r.households for r in rows))))
    return towns


@dataclass(frozen=True)
class SubsidyRow:
    subsidy: Subsidy
    id_no: str
    card: str


def village_detail(dash: Dashboard, view: YearView, code: str, masker: Masker) -> dict | None:
    """One village's projects and subsidies in the year; ID and card numbers through `masker`
    (fundtrail.masking.masker_for the viewer's role)."""
    village = dash.master.villages.get(code)
    if not village:
        return None
    subsidies = [SubsidyRow(s, masker.id_no(s.id_no), masker.account(s.card))
                 for s in dash.subsidies(code) if s.date.year == view.year]
    codes = [c for c, p in sorted(dash.master.projects.items()) if p.village == code]
    last = quarter_of(view.as_of)[1]
    return {"village": village, "town": dash.master.place_name(village.town),
            "projects": project_rows(dash, view, codes), "subsidies": subsidies,
            "subsidy_total": sum((s.subsidy.amount for s in subsidies), 0),
            "quarters": [f"{view.year}Q{q}" for q in range(1, last + 1)],
            "status_labels": STATUS_LABELS}


def findings(dash: Dashboard, severity="", status="", rule="", text="", page=None,
             start=None, end=None, assignee="", queue="", user=None, role=None) -> dict:
    """The findings desk for Fava's time filter [start, end) (Dashboard.shown: a period's
    findings as its report lists them), with the workflow's queues (fava_ext.workqueue)."""
    shown = dash.shown(start, end)
    rows = desk.select(workqueue.select(shown, assignee, queue, user, role),
                       severity, status, rule, text)
    return {"page": paginate(rows, page), "facets": desk.facets(shown),
            "rule_titles": desk.rule_titles(shown), "in_filter": len(shown),
            "severity_labels": SEVERITY_LABELS, "status_labels": desk.FILTER_LABELS,
            "statuses": list(desk.STATUSES), "user": user, "role": role,
            "actions": workqueue.actions_for(role), "queues": workqueue.counts(shown, user, role),
            "people": workqueue.people(shown),
            "shares": false_alarms(shown), "live": dash.ids()}
