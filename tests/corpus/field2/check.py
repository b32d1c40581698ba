"""Re-read every field2 file and check the manifest against it.

Run: python3 tests/corpus/field2/check.py (needs openpyxl). Checks that each named row holds its key,
that every ID number has a valid check digit, that every 合计 row equals its rows, and recomputes
every case's deciding figures from each variant of its files (and the fund balance from the
beancount fragment). Prints one line per problem and exits 1 when there is any.
"""

import csv
import datetime as dt
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
M = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
AS_OF = dt.date.fromisoformat(M["as_of"])
PROBLEMS = []


def problem(msg):
    PROBLEMS.append(msg)


def read(path):
    """All rows of a file as lists of cell values (str for CSV, python values for xlsx)."""
    p = HERE / path
    if p.suffix == ".xlsx":
        ws = openpyxl.load_workbook(p, data_only=True).active
        return [list(r) for r in ws.iter_rows(values_only=True)]
    raw = p.read_bytes()
    enc = "gbk" if "gbk" in p.name else "utf-8-sig"
    text = raw.decode(enc)
    return list(csv.reader(text.splitlines()))


def to_date(v):
    if v in (None, "", "--"):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    y, m, d = (int(x) for x in re.split(r"[-/.]", str(v).strip()))
    return dt.date(y, m, d)


def to_dec(v):
    if v in (None, "", "--"):
        return Decimal(0)
    return Decimal(str(v).replace(",", ""))


def id_ok(s):
    s = str(s)
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], weights, strict=True)) % 11] == s[17]


def header_index(rows, first):
    for i, r in enumerate(rows):
        if r and r[0] == first:
            return i
    raise ValueError(first)


# --- register --------------------------------------------------------------------------------
def check_register():
    cases = [c for c in M["cases"] if c["group"] == "register"]
    for f in M["files"]["register"]:
        rows = read(f["file"])
        for hh, nums in f["rows"].items():
            for n in nums:
                if rows[n - 1][0] != hh:
                    problem(f"{f['file']} row {n}: expected {hh}, found {rows[n - 1][0]}")
                if not id_ok(rows[n - 1][4]):
                    problem(f"{f['file']} row {n}: bad ID {rows[n - 1][4]}")
        for c in cases:
            recs = [rows[n - 1] for n in f["rows"][c["key"]]]
            ident = to_date(recs[0][11])
            cleared = to_date(recs[0][12])
            helps = [to_date(r[14]) for r in recs if to_date(r[14])]
            visit = to_date(recs[0][15])
            limit = 60 if c["concept"] == "orange-unassisted" else 90
            verdict = "silent"
            if ident and (AS_OF - ident).days > limit:
                deadline = ident + dt.timedelta(days=limit)
                ok = [d for d in helps if ident <= d <= deadline]
                if c["concept"] == "blue-uncontacted" and visit and ident <= visit <= deadline:
                    ok.append(visit)
                if not ok and not (cleared and cleared <= deadline):
                    verdict = "hit"
            if verdict != c["expect"]:
                problem(f"{c['id']} in {f['file']}: computed {verdict}, manifest {c['expect']}")
            fig = c["figures"]
            if ident and fig.get("identified") != ident.isoformat():
                problem(f"{c['id']} in {f['file']}: identified {ident}")
            if helps and fig.get("days_to_help") != (min(helps) - ident).days:
                problem(f"{c['id']} in {f['file']}: days_to_help")


# --- loans and the fund -------------------------------------------------------------------------
def fund_balance(path, account):
    bal = Decimal(0)
    for line in (HERE / path).read_text(encoding="utf-8").splitlines():
        m = re.match(r"(\d{4}-\d\d-\d\d) [*!] ", line)
        if m:
            day = dt.date.fromisoformat(m.group(1))
        m = re.match(r"\s+(\S+)\s+(-?[\d.]+) CNY", line)
        if m and m.group(1) == account and day <= AS_OF:
            bal += Decimal(m.group(2))
    return bal


def check_loans():
    for c in (c for c in M["cases"] if c["concept"] == "loan-risk-fund"):
        fig = c["figures"]
        fund = M["files"][f"fund-{c['key']}"][0]["file"]
        bal = fund_balance(fund, fig["fund_account"])
        if bal != Decimal(fig["fund_balance"]):
            problem(f"{c['id']}: fund balance {bal} != {fig['fund_balance']}")
        for f in M["files"][c["group"]]:
            rows = read(f["file"])
            out = od = Decimal(0)
            for loan, (n,) in f["rows"].items():
                r = rows[n - 1]
                if r[3] != loan:
                    problem(f"{f['file']} row {n}: expected {loan}, found {r[3]}")
                if not id_ok(r[2]):
                    problem(f"{f['file']} row {n}: bad ID {r[2]}")
                if r[8] != "结清":
                    out += to_dec(r[4])
                    od += to_dec(r[9])
            total_rows = [r for r in rows if r and r[0] == "合计"]
            for t in total_rows:
                allsum = sum(to_dec(rows[n - 1][4]) for (n,) in f["rows"].values())
                if to_dec(t[4]) != allsum:
                    problem(f"{f['file']}: 合计 {t[4]} != {allsum}")
            if out != Decimal(fig["outstanding"]) or od != Decimal(fig["overdue_principal"]):
                problem(f"{c['id']} in {f['file']}: outstanding {out} overdue {od}")
            lev = "hit" if out > bal * fig["leverage"] else "silent"
            share = "hit" if od / out > Decimal(fig["overdue_max"]) else "silent"
            verdict = lev if fig["scope"] == "leverage" else share
            if verdict != c["expect"]:
                problem(f"{c['id']} in {f['file']}: computed {verdict}, manifest {c['expect']}")
            other = share if fig["scope"] == "leverage" else lev
            if other != "silent":
                problem(f"{c['id']} in {f['file']}: the other scope is not silent")


# --- spending mix ---------------------------------------------------------------------------------
def check_mix():
    for c in (c for c in M["cases"] if c["concept"] in ("industry-share-low", "management-fee-over")):
        fig = c["figures"]
        for f in M["files"][c["group"]]:
            rows = read(f["file"])
            scale = Decimal(10000) if f["file"].endswith("utf8.csv") else Decimal(1)
            tot = ind = mgmt = Decimal(0)
            for key, (n,) in f["rows"].items():
                r = rows[n - 1]
                code, source = key.split("/", 1)
                if r[1] != code or r[4] != source:
                    problem(f"{f['file']} row {n}: expected {key}, found {r[1]}/{r[4]}")
                if int(str(r[7]).rstrip("年")) != fig["year"] or to_date(r[6]).year != fig["year"]:
                    continue
                if "衔接" not in r[4]:
                    continue
                amt = to_dec(r[5]) * scale
                tot += amt
                ind += amt if r[3] == "产业发展" else 0
                mgmt += amt if r[3] == "项目管理费" else 0
            if (tot, ind, mgmt) != (Decimal(fig["linked_total"]), Decimal(fig["industry"]), Decimal(fig["management"])):
                problem(f"{c['id']} in {f['file']}: {tot} {ind} {mgmt}")
                continue
            if c["concept"] == "industry-share-low":
                verdict = "hit" if ind / tot < Decimal(fig["industry_min"]) else "silent"
            else:
                verdict = "hit" if mgmt / tot > Decimal(fig["management_max"]) else "silent"
            if verdict != c["expect"]:
                problem(f"{c['id']} in {f['file']}: computed {verdict}, manifest {c['expect']}")
            # 合计 rows: per year (GBK) or the grand total (xlsx)
            for r in rows:
                if r and str(r[0]).endswith("合计"):
                    years = [fig["year"]] if str(r[0]) != "合计" else None
                    lab = str(r[0])
                    want = sum(to_dec(rows[n - 1][5]) for (n,) in f["rows"].values()
                               if lab == "合计" or lab == f"{rows[n - 1][7]}年合计")
                    if to_dec(r[5]) != want:
                        problem(f"{f['file']}: {lab} {r[5]} != {want} ({years})")


def main():
    check_register()
    check_loans()
    check_mix()
    for p in PROBLEMS:
        print(p)
    n = len(M["cases"])
    print(f"{n} cases, {sum(len(v) for v in M['files'].values())} files, {len(PROBLEMS)} problems")
    sys.exit(1 if PROBLEMS else 0)


if __name__ == "__main__":
    main()
