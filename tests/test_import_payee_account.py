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


def test_money_in_without_a_payer_account_never_takes_the_holders_own(workspace, tmp_path):
    """A statement with 付款人/收款人 name and account columns and one signed amount (the holder
    on one side): on money in whose 付款人账号 is empty, the counterparty is the payer's name and
    its account is empty, not the 收款人账号 (the holder's own account)."""
    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/qhboc.toml").write_text(
        'name = "付款人收款人版式"\nbank = "QHBOC"\nformat = "csv"\ndate_format = "%Y%m%d"\n'
        'head = ["查询账号:{account_no}"]\n[columns]\ndate = "交易日期"\nserial = "交易流水号"\n'
        'payer = "付款人名称"\npayer_account = "付款人账号"\npayee = "收款人名称"\n'
        'payee_account = "收款人账号"\nsummary = "摘要"\namount = "交易金额"\nbalance = "交易后余额"\n',
        "utf-8")
    own = "245612345678"
    text = (f"查询账号:{own}\n"
            "付款人账号,付款人名称,收款人账号,收款人名称,交易日期,交易金额,交易后余额,交易流水号,摘要\n"
            f"4101,青禾区财政局,{own},青禾区涧东镇人民政府,20240701,500.00,1500.00,T1,转账\n"
            f",中国银行股份有限公司青禾支行,{own},青禾区涧东镇人民政府,20240921,1.05,1501.05,T2,利息\n"
            f"{own},青禾区涧东镇人民政府,3701,青禾水务工程有限公司,20240926,-100.00,1401.05,T3,转账\n")
    path = tmp_path / "qhboc-2024Q3.csv"
    path.write_text(text, "utf-8")
    run_import(workspace, [path])
    entries, _, _ = loader.load_file(str(workspace))
    txns = {next(iter(t.links)).rsplit("-", 1)[-1]: t for t in entries if isinstance(t, data.Transaction)
            and any(p.account == "Assets:Bank:QHBOC-5678" for p in t.postings) and "opening" not in t.narration}

    def other(t):
        return next(p for p in t.postings if p.account != "Assets:Bank:QHBOC-5678")

    assert (txns["T1"].payee, other(txns["T1"]).meta["payee_account"]) == ("青禾区财政局", "4101")
    assert (txns["T2"].payee, other(txns["T2"]).meta.get("payee_account", "")) == ("中国银行股份有限公司青禾支行", "")
    assert (txns["T3"].payee, other(txns["T3"]).meta["payee_account"]) == ("青禾水务工程有限公司", "3701")
