"""The pre-payment gate: a payment batch judged by every rule before the money goes out.

    result = judge(books.entries, books.options, batch.lines, opens=batch.opens, day=pay_day)
    result.lines[0].status        # "pass" | "hold"
    result.lines[0].holds         # [Hold(rule, title, criterion, message, evidence)]
    result.as_json()              # what `fundtrail gate --json` prints

Each line (anything with `file`, `row`, `date`, `payee`, `amount` and the `entry` it would
book: fundtrail.importers.batch reads them) is added to the loaded books as if booked on the
day it is to be paid; every rule of the checks plugin (`RULES`, with the ledger's own settings
and `as_of` = the pay day) runs once over the books plus the batch, with no reparsing and
nothing written. A finding is the batch's when it points at a batch line: its entry, its links
or the links of one of its evidence rows. A finding the books have without the batch (the
same finding id, judged on the same day) is not the batch's, even when it now sits on a line
(an overdue project on its latest payment): it holds only the lines that are its instances
(the rows of a finding of many, e.g. one more payment of a project already in deficit). A line is held (暂停) by every finding that points at it, passed (通过)
when none does.

The books' own flow index (and the review kept with it) stays the latest one, so the next page
or report on the same books does not rebuild it.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import catalogue, findings, gcpause, sheets
from fundtrail.flows import FlowIndex
from fundtrail.plugins import checks
from fundtrail.plugins.rules.context import Context

PASS, HOLD = "pass", "hold"
STATUS_LABELS = {PASS: "通过", HOLD: "暂停"}
LINK = "GATE-{:05d}"  # the link that names a batch line among the books' entries
EVIDENCE_ROWS = 20  # at most this many rows of a grouped finding as evidence of one hold


@dataclass
class Hold:
    rule: str
    title: str
    severity: str
    criterion: str
    message: str
    evidence: dict
    finding: str = ""  # the finding's id

    def as_json(self) -> dict:
        return {"rule": self.rule, "title": self.title, "severity": self.severity,
                "criterion": self.criterion, "message": self.message, "evidence": self.evidence,
                "finding": self.finding}


@dataclass
class LineResult:
    file: str
    row: int
    date: datetime.date
    payee: str
    amount: Decimal
    holds: list[Hold] = field(default_factory=list)
    sheet: str = ""  # the sheet of a workbook read sheet by sheet, else ""

    @property
    def status(self) -> str:
        return HOLD if self.holds else PASS

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_json(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "date": self.date.isoformat(),
                "payee": self.payee, "amount": str(self.amount), "status": self.status,
                "holds": [h.as_json() for h in self.holds]}


@dataclass
class GateResult:
    day: datetime.date
    lines: list[LineResult]
    skipped: list = field(default_factory=list)  # (file, row, reason) of rows not to be paid
    failed: list = field(default_factory=list)  # the message of each rule that could not run

    @property
    def held(self) -> list[LineResult]:
        return [line for line in self.lines if line.holds]

    @property
    def passed(self) -> bool:
        """Every line passed every rule, and every rule ran (a rule that failed vouches for
        nothing)."""
        return not self.held and not self.failed

    def as_json(self) -> dict:
        return {"date": self.day.isoformat(), "lines": [line.as_json() for line in self.lines],
                "summary": {"lines": len(self.lines), "pass": len(self.lines) - len(self.held),
                            "hold": len(self.held),
                            "amount": str(sum((line.amount for line in self.lines), Decimal(0))),
                            "held_amount": str(sum((line.amount for line in self.held), Decimal(0)))},
                "skipped": [{"file": f, "row": r, "reason": why} for f, r, why in self.skipped],
                "failed_rules": list(self.failed)}


def judge(entries, options, lines, opens=(), day: datetime.date | None = None,
          skipped=()) -> GateResult:
    """Every line of a batch passed or held by the rules; see the module doc."""
    lines = list(lines)
    day = day or max((line.date for line in lines), default=datetime.date.today())
    settings = {**checks.parse_settings(checks.plugin_config(options)), "as_of": day}
    tagged, of_link, of_entry = [], {}, {}
    for n, line in enumerate(lines):
        link = LINK.format(n + 1)
        entry = line.entry._replace(links=frozenset(line.entry.links or ()) | {link})
        tagged.append(entry)
        of_link[link], of_entry[id(entry)] = n, n
    combined = _merged(entries, [*opens, *tagged])
    books = FlowIndex.of(entries)  # the books' own index: the pages and reports ask for it next
    kept = FlowIndex._latest
    try:
        found, failed = checks.run_rules(combined, settings)
    finally:
        FlowIndex._latest = kept
    results = [LineResult(line.file, line.row, line.date, line.payee, line.amount,
                          sheet=line.sheet) for line in lines]
    mine = []
    for finding in found:
        involved = _involved(finding, of_link, of_entry)
        if not involved:
            continue
        members = _row_lines(finding, of_link)
        # a finding that sits on a line is the batch's unless the books have it without the batch
        if involved - members and finding.id in _findings_without(books, settings, finding.rule):
            involved = members
        if involved:
            mine.append((finding, involved))
    context = _Evidence(combined, [f for f, _ in mine], of_link, lines)
    criteria = settings.get("criteria") or {}
    for finding, involved in mine:
        criterion = "；".join(c.rstrip("。") for c in finding.five(criteria)["criteria"]) + "。"
        for n in sorted(involved):
            results[n].holds.append(Hold(
                finding.rule, catalogue.title(finding.rule), finding.severity, criterion,
                finding.message, context.of(finding, n), finding.id))
    for result in results:
        result.holds.sort(key=lambda h: (-findings.severity_rank(h.severity), h.rule))
    return GateResult(day, results, list(skipped), [error.message for error in failed])


def _merged(entries, extra) -> list:
    """The books' entries (in beancount's order) with `extra` put in their places: a binary
    search per extra entry, not a sort of the whole books."""
    key = data.entry_sortkey
    combined, start = [], 0
    for entry in sorted(extra, key=key):
        at = bisect.bisect_right(entries, key(entry), lo=start, key=key)
        combined.extend(entries[start:at])
        combined.append(entry)
        start = at
    combined.extend(entries[start:])
    return combined


def _findings_without(index: FlowIndex, settings, rule: str) -> set[str]:
    """The ids of the findings of `rule` the books (their flow `index`) have without the batch,
    judged on the same day: only the rules whose findings sit on a line run again, each once a
    day, on one context kept with the books' index (the next batch of the day asks for free)."""
    day = repr(sorted(settings.items()))

    def build():
        ctx = index.memo(("gate.context", day), lambda: Context(index.entries, settings))
        with gcpause.paused():
            return {f.id for f in findings.group_findings(list(checks.RULES[rule](ctx)))}

    return index.memo(("gate.without", rule, day), build)


def _row_lines(finding, of_link) -> set[int]:
    """The lines that are instances (evidence rows) of a finding of many instances."""
    return {of_link[link] for row in finding.rows for link in str(row.get("links", "")).split()
            if link in of_link}


def _links_of(finding) -> set[str]:
    links = set(finding.links)
    for row in finding.rows:
        links.update(str(row.get("links", "")).split())
    return links


def _involved(finding, of_link, of_entry) -> set[int]:
    out = {of_link[link] for link in _links_of(finding) if link in of_link}
    if id(finding.entry) in of_entry:
        out.add(of_entry[id(finding.entry)])
    return out


class _Evidence:
    """What a hold shows: the rule's facts and the other entries its finding points at (the
    earlier payment a line repeats, the other lines of the batch). Entries are found by the
    links that name exactly one entry (a voucher, a bank serial, a roster row), in one pass
    over the books for all holds together."""

    def __init__(self, entries, found, of_link, lines):
        self.of_link, self.lines = of_link, lines
        wanted = set().union(*map(_links_of, found)) - set(of_link) if found else set()
        self.by_link: dict[str, list] = {}
        if wanted:
            for entry in entries:
                links = getattr(entry, "links", None)
                if links and not wanted.isdisjoint(links):
                    for link in wanted.intersection(links):
                        self.by_link.setdefault(link, []).append(entry)

    def of(self, finding, n: int) -> dict:
        facts = {k: _plain(v) for k, v in finding.facts if k not in ("amount",)}
        others, seen = [], set()
        for link in sorted(_links_of(finding)):
            if link in self.of_link:
                m = self.of_link[link]
                if m != n and ("line", m) not in seen:
                    seen.add(("line", m))
                    line = self.lines[m]
                    others.append({"batch_file": line.file, "batch_sheet": line.sheet,
                                   "batch_row": line.row,
                                   "date": line.date.isoformat(), "payee": line.payee,
                                   "amount": str(line.amount)})
                continue
            named = self.by_link.get(link, ())
            if len(named) == 1 and id(named[0]) not in seen and \
                    not any(x.startswith("GATE-") for x in named[0].links):
                seen.add(id(named[0]))
                others.append(_entry_evidence(named[0]))
        rows = [{k: _plain(v) for k, v in row.items()} for row in finding.rows
                if not any(x in self.of_link for x in str(row.get("links", "")).split())]
        return {"facts": facts, "entries": others[:EVIDENCE_ROWS], "rows": rows[:EVIDENCE_ROWS]}


def _plain(value):
    """A fact as JSON has it: amounts and dates as text."""
    if isinstance(value, (Decimal, datetime.date)):
        return str(value)
    return value if isinstance(value, (int, float, str, type(None))) else str(value)


def _entry_evidence(entry) -> dict:
    meta = entry.meta or {}
    paid = sum((p.units.number for p in entry.postings
                if p.units.number > 0 and not acc.is_cash(p.account)), Decimal(0))
    source = str(meta.get("source", ""))
    return {"date": entry.date.isoformat(), "payee": entry.payee or "",
            "narration": entry.narration or "", "amount": str(paid),
            "source": source.rsplit("/", 1)[-1], "sheet": str(meta.get("sheet") or ""),
            "row": str(meta.get("row") or ""),
            "voucher": str(meta.get("voucher") or ""),
            "links": " ".join(sorted(entry.links or ()))}


# -- the result as a spreadsheet ------------------------------------------------------------
COLUMNS = sheets.columns(
    {"file": "文件", "sheet": "工作表", "row": "行号", "date": "支付日期", "payee": "收款人", "amount": "金额",
     "label": "结论", "reasons": "暂停原因", "criteria": "依据", "evidence": "证据"},
    {"row": sheets.COUNT, "date": sheets.DATE, "amount": sheets.MONEY})


def rows(result: GateResult) -> list[dict]:
    """One row per line: file, sheet, row, day, payee, amount, 通过/暂停, the reasons, criteria,
    evidence."""
    out = []
    for line in result.lines:
        out.append({
            "file": line.file, "sheet": line.sheet, "row": line.row, "date": line.date, "payee": line.payee,
            "amount": line.amount, "label": line.label,
            "reasons": "\n".join(f"{h.title}：{h.message}" for h in line.holds),
            "criteria": "\n".join(dict.fromkeys(h.criterion for h in line.holds)),
            "evidence": "\n".join(text for text in map(_evidence_text, (h.evidence for h in line.holds))
                                  if text)})
    return out


def _evidence_text(evidence: dict) -> str:
    parts = []
    for e in evidence.get("entries", ()):
        if "batch_row" in e:
            parts.append(f"本批 {e['batch_file']}{_sheet(e.get('batch_sheet'))} 第{e['batch_row']}行 "
                         f"{e['payee']} {e['amount']}元")
        else:
            where = f"{e['source']}{_sheet(e.get('sheet'))} 第{e['row']}行" if e.get("row") \
                else e.get("source") or ""
            parts.append(f"{e['date']} {e['payee']} {e['amount']}元 {e['narration']} {where}".strip())
    return "；".join(parts)


def _sheet(name) -> str:
    """` 工作表「张山镇」` after a file read sheet by sheet, else ""."""
    return f" 工作表「{name}」" if name else ""


def workbook(result: GateResult) -> bytes:
    """The result as an xlsx (fundtrail.sheets: the formula guard, dates and amounts typed):
    one sheet, a row per line (see `rows`)."""
    return sheets.xlsx_bytes([sheets.Sheet("付款批次审核", COLUMNS, rows(result))])
