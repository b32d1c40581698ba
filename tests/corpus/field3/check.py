"""Re-read every field-3 file and check manifest.json against it.

python3 tests/corpus/field3/check.py   (needs openpyxl). Exit status 1 on any mismatch.
"""
import csv
import datetime as dt
import io
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
errors = []


def err(msg):
    errors.append(msg)


def valid_id(s):
    return bool(re.fullmatch(r"\d{17}[\dX]", s)) and CHECK[sum(int(c) * w for c, w in zip(s[:17], W, strict=True)) % 11] == s[17]


def pdate(v):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    v = (v or "").strip()
    if not v or v == "--":
        return None
    y, m, d = re.split(r"[-/]", v)
    return dt.date(int(y), int(m), int(d))


def pmoney(v):
    if v is None or v == "" or v == "--":
        return Decimal("0")
    return Decimal(str(v).replace(",", ""))


def read_rows(path):
    """(line/row number, cells) for every non-empty row."""
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path).active
        return [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1)]
    enc = "gbk" if path.name.endswith("-gbk.csv") else "utf-8"
    text = path.read_bytes().decode(enc)
    if path.name.endswith("-utf8.csv") and (text.startswith("\ufeff") or "\r\n" not in text):
        err(f"{path.name}: expected UTF-8 without BOM, CRLF lines")
    return [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text)), 1)]


def loans_of(path):
    rows = read_rows(path)
    hdr_i = next(i for i, (_, r) in enumerate(rows) if r and r[0] == "序号")
    hdr = [str(c) for c in rows[hdr_i][1]]
    col = {n: k for k, n in enumerate(hdr)}
    c_acct = col.get("贷款账号", col.get("借据号"))
    c_id = col.get("身份证号", col.get("证件号码"))
    c_amt = col.get("贷款金额(元)", col.get("合同金额"))
    c_iss = col.get("放款日期", col.get("起息日"))
    loans, total = {}, None
    for n, r in rows[hdr_i + 1:]:
        if not r or r[0] in (None, ""):
            continue
        if r[0] == "合计":
            total = pmoney(r[c_amt])
            continue
        if not valid_id(str(r[c_id])):
            err(f"{path.name} row {n}: bad ID number {r[c_id]}")
        loans[str(r[c_acct])] = {"row": n, "amount": pmoney(r[c_amt]), "issued": pdate(r[c_iss])}
    if total is not None and total != sum(v["amount"] for v in loans.values()):
        err(f"{path.name}: 合计 {total} != sum of rows")
    return loans


def fund_of(path, account):
    """Dates and amounts of positive postings to the fund account, and the account's name."""
    text = path.read_text(encoding="utf-8")
    name = re.search(rf"open {re.escape(account)} CNY\n  name: \"([^\"]+)\"", text)
    if not name or "风险补偿金" not in name.group(1):
        err(f"{path.name}: {account} is not named as a 风险补偿金 account")
    deposits, cur = [], None
    for line in text.splitlines():
        m = re.match(r"(\d{4}-\d\d-\d\d) \*", line)
        if m:
            cur = dt.date.fromisoformat(m.group(1))
            continue
        m = re.match(rf"\s+{re.escape(account)}\s+(-?[\d.]+) CNY", line)
        if m and cur and Decimal(m.group(1)) > 0:
            deposits.append((cur, Decimal(m.group(1))))
    return deposits


def main():
    m = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(m["as_of"])
    for case in m["cases"]:
        key, fig = case["id"], case["figures"]
        lag = fig["lag_days"]
        deposits = fund_of(HERE / "loans-lag" / f"{key.lower()}-fund.beancount", case["fund"])
        if len(deposits) != 1:
            err(f"{key}: expected one deposit into {case['fund']}, found {deposits}")
            continue
        dep, amount = deposits[0]
        if dep.isoformat() != fig["deposit_date"] or amount != Decimal(fig["deposit_amount"]):
            err(f"{key}: deposit {dep} {amount} != manifest")
        deadline = dep + dt.timedelta(days=lag)
        for entry in m["files"][case["group"]]:
            loans = loans_of(HERE / entry["file"])
            got_rows = {k: [v["row"]] for k, v in loans.items()}
            if got_rows != entry["rows"]:
                err(f"{entry['file']}: rows differ from manifest")
            after = sorted((v["issued"], k) for k, v in loans.items() if v["issued"] >= dep)
            first = after[0] if after else None
            days = (first[0] - dep).days if first else None
            judged = deadline <= as_of
            hit = judged and (first is None or days >= lag)
            checks = {
                "deadline": deadline.isoformat(),
                "first_loan_after": first[1] if first else None,
                "first_loan_date": first[0].isoformat() if first else None,
                "days_to_first_loan": days,
                "loans_before_deposit": sum(1 for v in loans.values() if v["issued"] < dep),
                "days_at_as_of": (as_of - dep).days,
                "judged": judged,
            }
            for k, v in checks.items():
                if fig.get(k) != v:
                    err(f"{key} {entry['file']}: {k} {v!r} != manifest {fig.get(k)!r}")
            if ("hit" if hit else "silent") != case["expect"]:
                err(f"{key} {entry['file']}: verdict {hit} != {case['expect']}")
            if hit and fig.get("finding_date") != deadline.isoformat():
                err(f"{key}: finding_date != {deadline}")
            if first and case["rows"].get(entry["file"]) != [loans[first[1]]["row"]]:
                err(f"{key} {entry['file']}: first-loan row differs")
    for e in errors:
        print("FAIL", e)
    print(f"{len(m['cases'])} cases, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
