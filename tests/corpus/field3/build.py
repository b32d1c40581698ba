"""Write the field-3 corpus (micro-loan issue lag after a risk-fund deposit) and its manifest.

python3 tests/corpus/field3/build.py   (needs openpyxl; same content on every run)
"""
import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2024, 12, 31)
LAG_DAYS = 90
COUNTY = "370481"  # invented county code

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_no(birth, seq):
    body = f"{COUNTY}{birth}{seq:03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, W, strict=True)) % 11]


D = dt.date
# scenario: (county name, bank, short, last4, deposit date, deposit amount, loans)
# loan: (borrower, birth yyyymmdd, issue date, amount, term months, purpose, status, settled)
SCEN = {
    "L1": ("青禾区", "中国邮政储蓄银行青禾区支行", "PSBC", "7701", D(2024, 3, 1), "200000.00", [
        ("赵建军", "19620101", D(2024, 7, 15), "50000", 36, "养殖", "正常", None),
        ("王春燕", "19630202", D(2024, 8, 2), "50000", 36, "种植", "正常", None),
        ("李德明", "19700315", D(2024, 9, 10), "30000", 24, "养殖", "正常", None),
        ("张桂香", "19680520", D(2024, 11, 5), "40000", 36, "种植", "正常", None),
    ]),
    "L2": ("禾川县", "中国农业银行禾川县支行", "ABC", "7702", D(2024, 3, 1), "200000.00", [
        ("刘长青", "19650708", D(2024, 5, 29), "50000", 36, "养殖", "正常", None),
        ("陈秀兰", "19720911", D(2024, 6, 18), "50000", 36, "种植", "正常", None),
        ("杨永福", "19601124", D(2024, 8, 7), "30000", 24, "加工", "正常", None),
        ("黄玉梅", "19751203", D(2024, 10, 22), "40000", 36, "养殖", "正常", None),
    ]),
    "L3": ("石桥县", "山东石桥农村商业银行", "RCB", "7703", D(2024, 6, 3), "150000.00", [
        ("周国庆", "19661001", D(2024, 3, 12), "50000", 36, "养殖", "正常", None),
        ("吴春梅", "19690214", D(2024, 4, 10), "50000", 36, "种植", "正常", None),
        ("郑宝山", "19640417", D(2024, 5, 20), "30000", 24, "养殖", "正常", None),
        ("孙丽娟", "19730619", D(2024, 6, 2), "20000", 12, "种植", "正常", None),
        ("马建华", "19710822", D(2024, 10, 15), "50000", 36, "加工", "正常", None),
    ]),
    "L4": ("柳河县", "中国邮政储蓄银行柳河县支行", "PSBC", "7704", D(2024, 11, 20), "100000.00", [
        ("钱志刚", "19670305", D(2024, 5, 8), "50000", 36, "养殖", "正常", None),
        ("何淑珍", "19740728", D(2024, 7, 16), "50000", 36, "种植", "正常", None),
        ("林永强", "19611130", D(2024, 9, 25), "30000", 24, "养殖", "正常", None),
    ]),
}
NOTES = {
    "L1": "deposit 2024-03-01; no loan until 2024-07-15 (day 136); the 90 days ran out on 2024-05-30",
    "L2": "deposit 2024-03-01; first loan 2024-05-29, day 89 (< 90): silent",
    "L3": "deposit 2024-06-03; four loans before it (the last on 2024-06-02, the day before), "
          "the next one only on 2024-10-15 (day 134); loans before the deposit do not count; "
          "the 90 days ran out on 2024-09-01",
    "L4": "deposit 2024-11-20; no loan after it, but at as_of only day 41: the 90 days run out on "
          "2025-02-18, after as_of; the earlier loans are before the deposit",
}


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    import calendar
    return D(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def loans(key):
    out = []
    for i, (name, birth, issued, amt, term, purpose, status, settled) in enumerate(SCEN[key][6], 1):
        out.append({
            "no": i, "name": name, "id": id_no(birth, 10 + i * 2), "acct": f"{key}-{issued:%Y%m%d}{i:02d}",
            "amount": Decimal(amt), "issued": issued, "due": add_months(issued, term) - dt.timedelta(days=1),
            "purpose": purpose, "status": status, "overdue": None, "settled": settled,
        })
    return out


def money(d):
    return f"{d:,.2f}"


def write_gbk(key, rows, path):
    bank = SCEN[key][1]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([f"{bank} 脱贫人口小额信贷台账"])
    w.writerow(["统计截止日期:", f"{AS_OF.year}/{AS_OF.month}/{AS_OF.day}"])
    w.writerow(["序号", "借款人", "身份证号", "贷款账号", "贷款金额(元)", "放款日期", "到期日期", "贷款用途",
                "还款情况", "逾期金额(元)", "结清日期"])

    def f(d):
        return f"{d.year}/{d.month}/{d.day}" if d else ""

    for r in rows:
        w.writerow([r["no"], r["name"], r["id"], r["acct"], money(r["amount"]), f(r["issued"]), f(r["due"]),
                    r["purpose"], r["status"], "--", f(r["settled"])])
    w.writerow(["合计", "", "", "", money(sum(r["amount"] for r in rows)), "", "", "", "", "0.00", ""])
    path.write_bytes(buf.getvalue().encode("gbk"))
    return {r["acct"]: [i + 4] for i, r in enumerate(rows)}


def write_utf8(key, rows, path):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["序号", "客户名称", "证件号码", "借据号", "合同金额", "起息日", "止息日", "借款用途", "贷款状态",
                "逾期本金", "结清日"])
    for r in rows:
        w.writerow([r["no"], r["name"], r["id"], r["acct"], f"{r['amount']:.2f}", r["issued"].isoformat(),
                    r["due"].isoformat(), r["purpose"], r["status"], "--",
                    r["settled"].isoformat() if r["settled"] else ""])
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return {r["acct"]: [i + 2] for i, r in enumerate(rows)}


def write_xlsx(key, rows, path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "小额信贷台账"
    ws["A1"] = f"{SCEN[key][0]}脱贫人口小额信贷台账(截至{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日)"
    ws.merge_cells("A1:K1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["序号", "借款人", "身份证号", "贷款账号", "贷款金额(元)", "放款日期", "到期日期", "贷款用途",
               "还款情况", "逾期金额(元)", "结清日期"])
    for r in rows:
        ws.append([r["no"], r["name"], r["id"], r["acct"], float(r["amount"]), r["issued"], r["due"],
                   r["purpose"], r["status"], None, r["settled"]])
        for col in "FGK":
            ws[f"{col}{ws.max_row}"].number_format = "yyyy-mm-dd"
        ws[f"E{ws.max_row}"].number_format = "#,##0.00"
    ws.append(["合计", None, None, None, float(sum(r["amount"] for r in rows)), None, None, None, None, 0, None])
    wb.properties.creator = "fundtrail corpus"
    fixed = dt.datetime(2025, 1, 2, 9, 0, 0)
    wb.properties.created = wb.properties.modified = fixed
    wb.save(path)
    return {r["acct"]: [i + 3] for i, r in enumerate(rows)}


def write_fund(key, path):
    county, bank, short, last4, dep, amount, _ = SCEN[key]
    acct = f"Assets:Bank:{short}-{last4}"
    text = f"""; {key}: 风险补偿金专户 of {bank} ({county}; fragment of accounts.beancount and the bank's movements)
option "operating_currency" "CNY"

2020-01-01 open Assets:Treasury:PBC-0001 CNY
  name: "国库单一账户"

2020-01-01 open {acct} CNY
  name: "{county}扶贫小额信贷风险补偿金专户(尾号{last4})"

2020-01-01 open Assets:Bank:ICBC-{int(last4) + 1000} CNY
  name: "{county}衔接资金专户"

2024-01-10 * "上级财政" "衔接资金到专户(不是风险补偿金)"
  Assets:Bank:ICBC-{int(last4) + 1000}        5000000.00 CNY
  Assets:Treasury:PBC-0001    -5000000.00 CNY

{dep.isoformat()} * "{county}财政局" "县财政注入风险补偿金"
  {acct}    {amount} CNY
  Assets:Treasury:PBC-0001    -{amount} CNY

2025-01-01 balance {acct}    {amount} CNY
"""
    path.write_text(text, encoding="utf-8")
    return acct


def main():
    out = HERE / "loans-lag"
    out.mkdir(exist_ok=True)
    files, cases = {}, []
    for key in SCEN:
        rows = loans(key)
        k = key.lower()
        acct = write_fund(key, out / f"{k}-fund.beancount")
        group = []
        for name, fn, note in [
            (f"{k}-loans-gbk.csv", write_gbk, "gbk, title + 统计截止日期 lines, dates 2024/3/5, amounts 50,000.00, 合计 row"),
            (f"{k}-loans-utf8.csv", write_utf8, "utf-8 no BOM, CRLF, bank export names, ISO dates, no total"),
            (f"{k}-loans.xlsx", write_xlsx, "merged title row, date cells, numbers, 合计 row"),
        ]:
            group.append({"file": f"loans-lag/{name}", "rows": fn(key, rows, out / name), "note": note})
        files[f"loans-{key}"] = group
        dep = SCEN[key][4]
        deadline = dep + dt.timedelta(days=LAG_DAYS)
        after = sorted((r for r in rows if r["issued"] >= dep), key=lambda r: r["issued"])
        first = after[0] if after else None
        days = (first["issued"] - dep).days if first else None
        judged = deadline <= AS_OF
        hit = judged and (first is None or days >= LAG_DAYS)
        fig = {
            "fund_account": acct, "deposit_date": dep.isoformat(), "deposit_amount": SCEN[key][5],
            "lag_days": LAG_DAYS, "deadline": deadline.isoformat(),
            "first_loan_after": first["acct"] if first else None,
            "first_loan_date": first["issued"].isoformat() if first else None,
            "days_to_first_loan": days,
            "loans_before_deposit": sum(1 for r in rows if r["issued"] < dep),
            "days_at_as_of": (AS_OF - dep).days, "judged": judged,
        }
        if hit:
            fig["finding_date"] = deadline.isoformat()
        rowsref = {}
        if first:
            for g in group:
                rowsref[g["file"]] = g["rows"][first["acct"]]
        cases.append({"id": key, "concept": "loan-issue-lag", "expect": "hit" if hit else "silent",
                      "group": f"loans-{key}", "key": key, "fund": acct, "figures": fig,
                      "note": NOTES[key], "rows": rowsref})
    manifest = {
        "as_of": AS_OF.isoformat(),
        "conventions": {
            "issue_lag": "a deposit into the bank account whose name says 风险补偿金 (a positive posting "
                         "to it) starts a 90-day window; day 0 is the day the money arrived. Hit when no "
                         "loan of that county's register has 放款日期 on or after the deposit and before "
                         "day 90 (deposit + 90 days); the finding is dated deposit + 90 days. No case has a loan on day 90 exactly: no claim is made for that boundary. Loans issued "
                         "before the deposit do not count. Not judged while deposit + 90 days is after "
                         "as_of. Money into other accounts (衔接资金专户) starts nothing",
            "rows": "row numbers are 1-based spreadsheet rows / file lines, title and header rows included; "
                    "keyed by 贷款账号/借据号",
            "scenarios": "each scenario is one county's whole book: load its register with its own fund "
                         "fragment only",
        },
        "files": files,
        "cases": cases,
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
