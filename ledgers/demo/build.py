"""Build the demo workspace: `fundtrail demo --dir DIR` calls `build(DIR)`.

Writes an empty workspace (fundtrail.workspace), the raw inputs under documents/ (statements,
treasury vouchers, 一卡通 rosters, registers, the villages' asset income records and
distribution rosters) and the county's classification rules
(classify.toml), then builds the books the way an accountant would: the chart of accounts, the
places, loans, notices, allotments and the few entries with no source file are written here;
everything with a source file is brought in by the importers (`run_import` over documents/).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import json
from collections import defaultdict
from decimal import Decimal
from importlib import resources
from pathlib import Path

from fundtrail import accounts as acc
from fundtrail import workspace
from fundtrail.ledgers.demo import benefit, places, rawfiles
from fundtrail.ledgers.demo.model import Balance, Posting, Txn
from fundtrail.ledgers.demo.scenario import (BANKS, CLEARING, DORMANT, HELD, RISK_FUND, RISK_FUND_LATE,
                                             RISK_FUND_ON_TIME, TREASURY, Scenario)
from fundtrail.ledgertext import directive, money, posting_line, quote, value

START = datetime.date(2023, 1, 1)
BATCH = "IMP-DEMO"


def transaction(txn: Txn) -> str:
    links = " ".join(f"^{link}" for link in sorted(txn.links))
    lines = [f"{txn.date} * {quote(txn.payee)} {quote(txn.narration)} {links}".rstrip()]
    lines += [f"  {k}: {value(v)}" for k, v in txn.meta.items()]
    for posting in txn.postings:
        lines.append(posting_line(posting.account, posting.amount))
        lines += [f"    {k}: {value(v)}" for k, v in posting.meta.items() if v not in (None, "")]
    return "\n".join(lines) + "\n"


def direct_text(s: Scenario, balances: list[Balance]) -> str:
    """The scenario's sourced entries written straight from the plan (what the importers must
    reproduce from the raw files; tests/test_demo_import.py compares the two)."""
    return "\n".join([transaction(_counterparty(t)) for t in s.txns if t.file == "imported"] + [
        directive(f"{b.date} balance {b.account} {b.amount:.2f} CNY", b.meta) for b in balances])


def _counterparty(t: Txn) -> Txn:
    """The entry with the counterparty's account (对方账号, a voucher's PayeeAcctNo) on the
    posting the row is classified to, as the statement and voucher importers write it."""
    source = t.bank or t.voucher
    number = source.payee_account if source else ""
    if not number.strip("-"):  # none, or the layouts' empty marker
        return t
    cash = t.bank.account if t.bank else TREASURY
    return dataclasses.replace(t, postings=[
        p if p.account == cash else Posting(p.account, p.amount, {**p.meta, "payee_account": number})
        for p in t.postings])


def _append(root: Path, name: str, chunks: list[str]) -> None:
    with (root / name).open("a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(chunks))


def write_books(root: Path, s: Scenario) -> None:
    """What has no source file: accounts, places, loans, notices, allotments, manual entries."""
    cash = {TREASURY: ("国库存款", {"bank": "中国人民银行青禾支库", "account_no": "370405000000001"}),
            HELD: ("区乡村振兴局实有资金账户", {"account_no": "405012000000001"}),
            CLEARING: ("一卡通代发过渡户", {}),
            RISK_FUND: ("青禾区小额信贷风险补偿金专户", {"bank": "QHRCB", "account_no": "6230 4050 0000 7701"}),
            RISK_FUND_LATE: ("张山镇小额信贷风险补偿金专户", {"bank": "QHRCB", "account_no": "6230 4050 0000 7702"}),
            RISK_FUND_ON_TIME: ("泥河镇小额信贷风险补偿金专户", {"bank": "QHRCB", "account_no": "6230 4050 0000 7703"})}
    for account, (bank, number, holder, _layout) in BANKS.items():
        cash[account] = (holder, {"bank": bank, "account_no": number})
    _append(root, "accounts.beancount", [
        directive(f"{START} open {account} CNY", {"name": name, **extra})
        for account, (name, extra) in cash.items()])

    county = [directive(f'{START} custom "town" {quote(code)}', {"name": name})
              for code, name, _ in places.TOWNS]
    county += [directive(f'{START} custom "village" {quote(code)}', {"name": name, "town": town})
               for code, name, town, _ in s.villages]
    _append(root, "masterdata/county.beancount", county)

    _append(root, "masterdata/loans.beancount", _loan_directives(s))

    notices = [directive(f'{posted} custom "notice" {quote(code)} {quote(stage)}',
                         {"until": until, "place": "村务公开栏及区政府网站"})
               for posted, until, code, stage in sorted(s.notices)]
    notices += [f'{day} custom "acceptance" {quote(code)}\n' for code, day in sorted(s.accepted.items())]
    _append(root, "masterdata/notices.beancount", notices)

    _append(root, "masterdata/assets.beancount", _asset_directives(s))
    by_file = defaultdict(list)
    for txn in s.txns:
        by_file[txn.file].append(transaction(txn))
    _append(root, "transactions/allotments.beancount", by_file["allotments"])
    _append(root, "transactions/manual.beancount", by_file["manual"] + _manual_balances(s))


def _months_on(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has fewer)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _loan_directives(s: Scenario) -> list[str]:
    """Each loan's terms, and the status of those the bank reported on (as a loans register's
    import writes them: fundtrail.importers.loans)."""
    out = []
    for loan in sorted(s.loans.values(), key=lambda x: (x.date, x.id)):
        out.append(directive(f'{loan.date} custom "loan" {quote(loan.id)}', {
            "household": loan.household, "borrower": loan.borrower,
            "borrower_id": loan.borrower_id, "amount": money(loan.amount),
            "term_months": loan.term_months,
            "due": _months_on(loan.date, loan.term_months) - datetime.timedelta(days=1),
            "rate": loan.rate, "bank": "中国邮政储蓄银行青禾区支行",
            "purpose": loan.purpose, "used_by": loan.used_by}))
    for loan in sorted((x for x in s.loans.values() if x.status), key=lambda x: x.id):
        state = loan.status
        out.append(directive(f'{state["date"]} custom "loan-status" {quote(loan.id)}', {
            "status": state["status"], "settled": state.get("settled"),
            "overdue": money(state["overdue"]) if state.get("overdue") else None}))
    return out


def _asset_directives(s: Scenario) -> list[str]:
    """Registered assets with their income accounts, the collectives' accounts, disposals."""
    names = {code: name for code, name, _, _ in s.villages}
    out = []
    for village in sorted({a["village"] for a in s.assets.values() if a["class"] == "经营性"}):
        out.append(directive(f"{START} open {acc.COLLECTIVE}:{village} CNY",
                             {"name": f"{names[village]}村集体资产收益"}))
        out.append(directive(f"{START} open {acc.DISTRIBUTION}:{village} CNY",
                             {"name": f"{names[village]}资产收益分配"}))
    for code, a in sorted(s.assets.items(), key=lambda kv: (kv[1]["date"], kv[0])):
        fields = {k: (money(v) if k in ("value", "income") else v) for k, v in a.items()
                  if k not in ("date", "_kind") and not (k == "income" and not v)}
        out.append(directive(f'{a["date"]} custom "asset" {quote(code)}', fields))
        if a["class"] == "经营性":
            out.append(directive(f"{a['date']} open {acc.ASSET_INCOME}:{code} CNY",
                                 {"name": f"{a['name']}收益", "village": a["village"]}))
    for d in s.disposals:
        fields = {"approval": d["approval"], "proceeds": money(d["proceeds"])}
        out.append(directive(f'{d["date"]} custom "asset-disposal" {quote(d["asset"])} {quote(d["kind"])}',
                             {k: v for k, v in fields.items() if v}))
    return out


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


def write_raw(root: Path, scenario: Scenario) -> list[Balance]:
    """The raw inputs under documents/ and the classification rules; returns the statements'
    closing balances as planned."""
    balances = rawfiles.write_statements(root, scenario.txns)
    rawfiles.write_vouchers(root, scenario.txns)
    rawfiles.write_rosters(root, scenario)
    rawfiles.write_registers(root, scenario)
    rawfiles.write_collective(root, scenario)
    benefit.write(root, scenario)
    rules = resources.files("fundtrail.ledgers").joinpath("demo", "classify.toml").read_text("utf-8")
    (root / "classify.toml").write_text(rules, "utf-8")
    return balances


def planned(seed: int = 20241) -> Scenario:
    """The demo's scenario with every plant in it: what `build` writes and imports."""
    scenario = Scenario(seed).build()
    benefit.plant(scenario, seed)
    return scenario


def build(root: Path, seed: int = 20241) -> dict:
    """Write the demo workspace into `root` (which must not hold a workspace yet)."""
    from fundtrail.importers.pipeline import run_import

    root = Path(root)
    main = workspace.create(root, workspace.County(start=START))
    scenario = planned(seed)
    balances = write_raw(root, scenario)
    write_books(root, scenario)
    summary = run_import(main, [root / "documents"], batch=BATCH)
    expected = sorted(scenario.expected, key=lambda e: (e["rule"], e.get("link", ""), e.get("clue", "")))
    (root / "near-misses.json").write_text(json.dumps(
        scenario.near_misses_assets + scenario.near_misses_identity + scenario.near_misses_loans,
        ensure_ascii=False,
        indent=1) + "\n", "utf-8")
    (root / "expected-findings.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return {"ledger": main, "transactions": len(scenario.txns), "projects": len(scenario.projects),
            "funds": len(scenario.funds), "villages": len(scenario.villages),
            "households": len(scenario.households), "loans": len(scenario.loans),
            "statements": len({b.meta["source"] for b in balances}), "expected": len(expected),
            "imported": summary.transactions}


