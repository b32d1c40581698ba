"""The province export carries the counterparty's account of bank and voucher payments as its
keyed hash (`payee_account_hash`), never the number in clear."""

import pyarrow.parquet as pq
from conftest import SAMPLES

from fundtrail.importers.pipeline import run_import
from fundtrail.province.export import export_county
from fundtrail.province.pseudonym import Pseudonymizer

KEY = b"k" * 32
FIRM = "370114332920931579"  # 鲁南路桥工程有限公司's account on the ICBC sample statement
VOUCHER_PAYEE = "370196888340783399"  # the first voucher's PayeeAcctNo


def test_the_parquet_holds_the_hash_of_the_account_and_never_the_number(workspace, tmp_path):
    run_import(workspace, [SAMPLES], account="Assets:Bank:PSBC-1188")
    done = export_county(str(workspace), tmp_path / "out", KEY)
    folder = tmp_path / "out" / done["county"]
    rows = pq.read_table(folder / "postings.parquet").to_pylist()
    hashes = {r["payee_account_hash"] for r in rows}
    pseudo = Pseudonymizer(KEY)
    assert pseudo.account(FIRM) in hashes and pseudo.account(VOUCHER_PAYEE) in hashes
    paid = [r for r in rows if r["payee_account_hash"] == pseudo.account(FIRM)]
    assert paid and all(r["account"].startswith("Expenses:") for r in paid)
    for path in folder.glob("*.parquet"):
        raw = path.read_bytes()
        assert FIRM.encode() not in raw and VOUCHER_PAYEE.encode() not in raw, path.name
        for row in pq.read_table(path).to_pylist():
            assert not any(FIRM in str(v) or VOUCHER_PAYEE in str(v) for v in row.values()), path.name
