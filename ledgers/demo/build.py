"""Build the demo workspace: `fundtrail demo --dir DIR` calls `build(DIR)`.

Writes an empty workspace (fundtrail.workspace), the raw inputs under documents/ and the
registers, then the ledger written from the same scenario, and DIR/expected-findings.json.
Until the importers exist the ledger is written here directly; each imported entry already
carries the `source` file and `row` (or `voucher`) it stands for.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from fundtrail import accounts as acc
from fundtrail import workspace
from fundtrail.ledgers.demo import places, rawfiles
from fundtrail.ledgers.demo.model import Balance, Txn
from fundtrail.ledgers.demo.scenario import BANKS, CLEARING, DORMANT, HELD, TREASURY, Scenario

START = datetime.date(2023, 1, 1)


def q(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def value(v) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, Decimal):
        return f"{v:.2f} {acc.CURRENCY}"
    if isinstance(v, (int, datetime.date)):
        return str(v)
    return q(v)


def meta_lines(meta: dict, indent: str = "  ") -> list[str]:
    return [f"{indent}{k}: {value(v)}" for k, v in meta.items() if v is not None and v != ""]


def directive(head: str, meta: dict) -> str:
    return "\n".join([head, *meta_lines(meta)]) + "\n"


def transaction(txn: Txn) -> str:
    links = " ".join(f"^{link}" for link in sorted(txn.links))
    lines = [f"{txn.date} * {q(txn.payee)} {q(txn.narration)} {links}".rstrip()]
    lines += meta_lines(txn.meta)
    for posting in txn.postings:
        lines.append(f"  {posting.account:<40} {posting.amount:>14.2f} {acc.CURRENCY}")
        lines += meta_lines(posting.meta, "    ")
    return "\n".join(lines) + "\n"


def _append(root: Path, name: str, chunks: list[str]) -> None:
    with (root / name).open("a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(chunks))


def write_ledger(root: Path, s: Scenario, balances: list[Balance]) -> None:
    cash = {TREASURY: ("国库存款", {"bank": "中国人民银行青禾支库", "account_no": "370405000000001"}),
            HELD: ("区乡村振兴局实有资金账户", {"account_no": "405012000000001"}),
            CLEARING: ("一卡通代发过渡户", {})}
    for account, (bank, number, holder, _layout) in BANKS.items():
        cash[account] = (holder, {"bank": bank, "account_no": number})
    _append(root, "accounts.beancount", [
        directive(f"{START} open {account} CNY", {"name": name, **extra})
        for account, (name, extra) in cash.items()])

    county = [directive(f'{START} custom "town" {q(code)}', {"name": name})
              for code, name, _ in places.TOWNS]
    county += [directive(f'{START} custom "village" {q(code)}', {"name": name, "town": town})
               for code, name, town, _ in s.villages]
    _append(root, "masterdata/county.beancount", county)

    funds = []
    for f in s.funds.values():
        funds.append(directive(f"{f.issued} open {acc.fund_account(f.level, f.code)} CNY", {
            "name": f.title, "doc_no": f.doc_no, "level": f.level, "func_code": f.func_code,
            "amount": f.amount, "issued": f.issued, "received": f.received, "earmarked": True,
            "direct": f.direct}))
        funds.append(directive(f"{f.issued} open {acc.allot_fund_account(f.code)} CNY",
                               {"name": f"{f.doc_no} 已分解下达"}))
    _append(root, "masterdata/funds.beancount", funds)

    projects = []
    for p in s.projects.values():
        opened = datetime.date(min(p.approved.year, int(p.code[2:6])), 1, 1)
        projects.append(directive(f"{opened} open {acc.project_account(p.code)} CNY", {
            "name": p.name, "category": p.category, "nature": p.nature, "town": p.town,
            "village": p.village, "task": p.task, "standard": p.standard, "budget": p.budget,
            "fund": p.fund, "sources": s.funds[p.fund].doc_no, "start": p.start, "end": p.end,
            "unit": p.unit, "manager": p.manager, "goal": p.goal, "linkage": p.linkage,
            "households": p.households, "poor_households": p.poor_households,
            "approved": p.approved, "phone": places.PHONE}))
        projects.append(directive(f"{opened} open {acc.allot_project_account(p.code)} CNY",
                                  {"name": f"{p.name} 下达资金"}))
    _append(root, "masterdata/projects.beancount", projects)

    _append(root, "masterdata/loans.beancount", [
        directive(f'{loan.date} custom "loan" {q(loan.id)}', {
            "household": loan.household, "borrower": loan.borrower,
            "borrower_id": loan.borrower_id, "amount": loan.amount,
            "term_months": loan.term_months, "bank": "中国邮政储蓄银行青禾区支行",
            "purpose": loan.purpose, "used_by": loan.used_by})
        for loan in sorted(s.loans.values(), key=lambda x: (x.date, x.id))])

    notices = [directive(f'{posted} custom "notice" {q(code)} {q(stage)}',
                         {"until": until, "place": "村务公开栏及区政府网站"})
               for posted, until, code, stage in sorted(s.notices)]
    notices += [f'{day} custom "acceptance" {q(code)}\n' for code, day in sorted(s.accepted.items())]
    _append(root, "masterdata/notices.beancount", notices)

    by_file = defaultdict(list)
    for txn in s.txns:
        by_file[txn.file].append(transaction(txn))
    manual = by_file["manual"] + _manual_balances(s)
    _append(root, "transactions/allotments.beancount", by_file["allotments"])
    imported = by_file["imported"] + [
        directive(f"{b.date} balance {b.account} {b.amount:.2f} CNY", b.meta) for b in balances]
    _append(root, "transactions/imported.beancount", imported)
    _append(root, "transactions/manual.beancount", manual)


def _manual_balances(s: Scenario) -> list[str]:
    """Balances confirmed without a statement file: the treasury's quarterly 库款余额表 and
    the dormant account's year-end 银行询证函."""
    out = []
    for account, months, source in ((TREASURY, (1, 4, 7, 10), "国库库款余额表"),
                                     (DORMANT, (1,), "银行询证函")):
        for year in (2024, 2025, 2026):
            for month in months:
                day = datetime.date(year, month, 1)
                if day > datetime.date(2026, 1, 1):
                    continue
                amount = sum((p.amount for t in s.txns if t.date < day for p in t.postings
                              if p.account == account), Decimal(0))
                out.append(directive(f"{day} balance {account} {amount:.2f} CNY",
                                     {"source": source}))
    return out


def build(root: Path, seed: int = 20241) -> dict:
    """Write the demo workspace into `root` (which must not hold a workspace yet)."""
    root = Path(root)
    main = workspace.create(root, workspace.County(start=START))
    scenario = Scenario(seed).build()
    balances = rawfiles.write_statements(root, scenario.txns)
    rawfiles.write_vouchers(root, scenario.txns)
    rawfiles.write_rosters(root, scenario)
    rawfiles.write_registers(root, scenario)
    write_ledger(root, scenario, balances)
    expected = sorted(scenario.expected, key=lambda e: (e["rule"], e["link"]))
    (root / "expected-findings.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return {"ledger": main, "transactions": len(scenario.txns), "projects": len(scenario.projects),
            "funds": len(scenario.funds), "villages": len(scenario.villages),
            "households": len(scenario.households), "loans": len(scenario.loans),
            "statements": len({b.meta["source"] for b in balances}), "expected": len(expected)}
