"""The counterparty's account on imported entries: every bank statement row and treasury voucher
that names one carries it as `payee_account:` on the posting it was classified to."""

import csv
import io
import re
import xml.etree.ElementTree as ET

from beancount import loader
from beancount.core import data
from conftest import SAMPLES

from fundtrail.findings import Finding
from fundtrail.importers.pipeline import run_import

PSBC = "Assets:Bank:PSBC-1188"


def _icbc_rows() -> dict[str, str]:
    """serial -> 对方账号 as the ICBC sample writes it."""
    text = (SAMPLES / "bank" / "icbc-corporate-2024Q3.csv").read_bytes().decode("gbk")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("日期,"))
    rows = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    return {r["凭证号"]: r["对方账号"] for r in rows if r["凭证号"] and r["对方账号"].strip("-")}


def test_statement_and_voucher_entries_carry_the_counterparty_account(workspace):
    run_import(workspace, [SAMPLES], account=PSBC)
    entries, errors, _ = loader.load_file(str(workspace))
    assert [e for e in errors if not isinstance(e, Finding)] == []
    txns = [e for e in entries if isinstance(e, data.Transaction)]

    def counterparty(txn, cash_prefix="Assets:Bank:"):
        other = [p for p in txn.postings if not p.account.startswith((cash_prefix, "Assets:Treasury:"))]
        assert len(other) >= 1, txn
        return {(p.meta or {}).get("payee_account") for p in other}

    icbc = _icbc_rows()
    assert len(icbc) > 20
    for serial, account in icbc.items():
        txn = next(t for t in txns if f"ICBC-2345-{serial}" in t.links)
        assert counterparty(txn) == {account}, (serial, txn.postings)
    paid = next(t for t in txns if "ICBC-2345-05000003" in t.links)
    assert paid.postings[0].account.startswith("Expenses:")
    assert paid.postings[0].meta["payee_account"] == "370114332920931579"
    received = next(t for t in txns if "ICBC-2345-02000001" in t.links)  # money in: the payer's
    assert counterparty(received) == {"4101 0104 0000 001"}

    root = ET.fromstring(re.sub(r"^<\?xml[^>]*\?>", "", (SAMPLES / "treasury" / "vouchers-2024Q3.xml")
                                .read_bytes().decode("gbk")))
    vouchers = {v.findtext("VoucherNo"): v.findtext("PayeeAcctNo") for v in root.iter("Voucher")}
    assert vouchers
    for number, account in vouchers.items():
        txn = next(t for t in txns if f"VOU-{number}" in t.links)
        assert counterparty(txn) == {account}, number

    # every other statement (ABC Excel, PSBC CSV) names its counterparties too
    for leaf in ("ABC-2345", "PSBC-1188"):
        rows = [t for t in txns if any(p.account == f"Assets:Bank:{leaf}" for p in t.postings)
                and t.payee and t.payee != "--" and "OPEN" not in "".join(t.links)]
        assert rows and sum(bool(counterparty(t) - {None}) for t in rows) >= len(rows) // 2, leaf
