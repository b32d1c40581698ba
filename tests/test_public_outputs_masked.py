"""No unmasked ID number, bank/card number or phone number in any public output of the demo:
every village notice of a quarter (A4 and a poster), the asset-income distribution notices, the
county disclosure, the auditor's PDF,
the workbook and the open-data package, read back as text (pdftotext, openpyxl, CSV). The
ledger is a copy of the demo with personal data planted in payees, narrations, posting metadata
and project master data, on top of the ID and card numbers the demo's subsidy postings carry."""

import csv
import re

import openpyxl
import pytest
from conftest import copy_workspace
from reportkit import pdf_text

from fundtrail.books import Books
from fundtrail.reports import audit, county, export, village

QUARTER = "2024Q2"
DISTRIBUTED = "2025Q1"  # the quarter of the January asset-income distribution (收益分配公示)
PLANTED = {
    "id": ["37040519800101123X", "370405199001011234", "370405199202023456"],
    "card": ["6217000011112222333", "6228480012345678901", "6222021234567890123"],
    "phone": ["13912345678", "13812345678", "13700001111", "15866668888", "8812345"],
}


def plant(root, project_code, fund_code, village_code, distributed):
    projects = root / "masterdata" / "projects.beancount"
    text = projects.read_text("utf-8")
    head, tail = text.split(f"open Expenses:Project:{project_code} CNY\n", 1)
    block, rest = tail.split("\n\n", 1)
    block = re.sub(r'manager: "(.*?)"', r'manager: "\1 138-1234-5678"', block)
    block = re.sub(r'goal: "(.*?)"', r'goal: "\1（联系人身份证370405 1990 0101 1234，住泥河东村3组15号）"', block)
    projects.write_text(f"{head}open Expenses:Project:{project_code} CNY\n{block}\n\n{rest}", "utf-8")
    with open(root / "transactions" / "manual.beancount", "a", encoding="utf-8") as handle:
        handle.write(f'''
2024-05-20 * "赵六 +86 139 1234 5678" "临时补助 赵六 身份证37040519800101123X 卡号6217-0000-1111-2222-333 住泥河东村3组15号" ^PLANT-1
  Expenses:Project:QH2024-S01   1500.00 CNY
    fund: "C2024-056"
    village: "{village_code}"
    beneficiary: "赵六13700001111"
    id_no: "37040519800101123X"
    card: "6217 0000 1111 2222 333"
    item: "临时补助 联系 158-6666-8888 或 0632-8812345"
  Equity:Opening               -1500.00 CNY

2025-01-21 * "钱七 13912345678" "收益分配 分红到户 钱七 身份证370405199001011234" ^YKT-FP202501-PLANT-001
  Expenses:Distribution:{distributed}   300.00 CNY
    kind: "分红到户"
    beneficiary: "钱七 13812345678"
    id_no: "370405199001011234"
    card: "6228 4800 1234 5678 901"
  Equity:Opening                      -300.00 CNY

2024-05-21 * "泥河建筑 账户6228480012345678901" "工程款 收款人身份证370405-19920202-3456 电话0086 138 1234 5678" ^PLANT-2
  Expenses:Project:{project_code}   100.00 CNY
    fund: "{fund_code}"
    note: "备注 卡号6222 0212 3456 7890 123"
  Equity:Opening                      -100.00 CNY
''')


@pytest.fixture(scope="module")
def planted(demo, tmp_path_factory, demo_books):
    root = tmp_path_factory.mktemp("planted") / "ws"
    copy_workspace(demo[0], root)
    project = next(p for p in demo_books.master.projects.values()
                   if p.code.startswith("QH2024") and p.village and p.approved.month <= 5)
    distributed = min(a.village for a in demo_books.master.assets.values() if a.cls == "经营性")
    plant(root, project.code, project.meta["fund"], project.village, distributed)
    books = Books.load(str(root / "main.beancount"))
    assert not [e for e in books.errors if type(e).__name__ != "Finding"], books.errors[:3]
    assert "138-1234-5678" in books.master.projects[project.code].manager
    return root, books, project


def secrets(root, books) -> set[str]:
    """Every personal number the workspace knows: registers, posting metadata (ID, card and
    counterparty account numbers), loans, planted."""
    found = {v for values in PLANTED.values() for v in values}
    for name, columns in (("households.csv", ("身份证号", "一卡通账号", "联系电话")),
                          ("officials.csv", ("身份证号", "关系人身份证号"))):
        with open(root / "registers" / name, encoding="utf-8-sig") as handle:
            found |= {row[c] for row in csv.DictReader(handle) for c in columns if row[c]}
    for entry in books.entries:
        meta = getattr(entry, "meta", None) or {}
        found |= {str(meta[k]) for k in ("borrower_id",) if k in meta}
        for posting in getattr(entry, "postings", None) or ():
            found |= {re.sub(r"\D", "", str(posting.meta[k])) + ("X" if str(posting.meta[k]).endswith("X") else "")
                      for k in ("id_no", "card") if k in (posting.meta or {})}
            account = re.sub(r"\D", "", str((posting.meta or {}).get("payee_account", "")))
            if len(account) >= 12:  # a statement's or voucher's counterparty account
                found.add(account)
    return {s.upper() for s in found}


def outputs(root, books, tmp_path, project):
    """(name, text) of every public output."""
    texts = []
    for code in village.village_codes(books):
        texts.append((f"notice {code}", pdf_text(village.notice_pdf(books, QUARTER, code))))
    texts.append(("poster", pdf_text(village.notice_pdf(books, QUARTER, project.village, poster=True))))
    for code in sorted({a.village for a in books.master.assets.values() if a.cls == "经营性"}):
        texts.append((f"distribution {code}", pdf_text(village.notice_pdf(books, DISTRIBUTED, code))))
    texts.append(("county", pdf_text(county.disclosure_pdf(books, 2024))))
    texts.append(("audit", pdf_text(audit.audit_pdf(books, "2024"))))
    (tmp_path / "all.xlsx").write_bytes(export.xlsx_bytes(books))
    workbook = openpyxl.load_workbook(tmp_path / "all.xlsx")
    texts.append(("xlsx", "\n".join("\t".join(str(c) for c in row if c is not None)
                                   for ws in workbook for row in ws.iter_rows(values_only=True))))
    for path in export.write_ofdp(books, tmp_path / "ofdp"):
        texts.append((path.name, path.read_text("utf-8")))
    return texts


LONG_RUN = re.compile(r"(?<![0-9A-Za-z\-])\d{11,}[Xx]?")


def leaks(text: str, known: set[str], public: set[str]) -> list[str]:
    """Known personal numbers, and any long digit run that is not a public code or a link."""
    glued = re.sub(r"(?<=\d)[ \-](?=[\dXx])", "", text).upper()
    found = [s for s in known if s in glued]
    for match in LONG_RUN.finditer(glued):
        run = match.group()
        if run not in public and (len(run) >= 12 or re.fullmatch(r"1[3-9]\d{9}", run)):
            found.append(run)
    return found


def evidence_numbers(books) -> set[str]:
    """The voucher numbers and bank serials of the books (its links' and vouchers' digits, and the
    numbers a voucher-gap finding reports missing)."""
    from fundtrail.plugins.checks import all_findings

    numbers = {str(e.meta["voucher"]) for e in books.transactions if "voucher" in e.meta}
    for f in all_findings(books.entries, books.options):
        if f.rule == "voucher-gap":
            numbers |= set(re.findall(r"\d{12,}", f.message))
    for entry in books.transactions:
        for link in entry.links or ():
            numbers |= set(re.findall(r"\d{12,}", link))
    return numbers


def test_every_public_output_is_masked(planted, tmp_path):
    root, books, project = planted
    known = secrets(root, books)
    assert len(known) > 600
    texts = outputs(root, books, tmp_path, project)
    operating = {a.village for a in books.master.assets.values() if a.cls == "经营性"}
    assert len(texts) == len(books.master.villages) + len(operating) + 7
    joined = "\n".join(text for _, text in texts)
    # the planted rows really are in the outputs, masked
    assert "临时补助" in joined and "赵六" in joined and "泥河东村*组**号" in joined
    assert "资产收益分配公示" in joined and "钱七" in joined and "分红到户" in joined
    assert "370405************" in joined and "138****5678" in joined
    assert "12317" in joined and books.master.county.phone in joined
    public = set(books.master.villages) | set(books.master.towns)  # statistical division codes
    public |= evidence_numbers(books)  # voucher numbers and bank serials are not personal data
    bad = {name: leaks(text, known, public) for name, text in texts}
    assert not {name: found for name, found in bad.items() if found}


def test_monthly_notices_household_cards_and_loan_and_screening_findings_are_masked(planted):
    """The monthly notices (the month personal data was planted in, the month of a negative
    balance's footnote), the 明白卡 of the families whose cards hold the most, and the messages of
    the micro-loan, benefit-link, screening and three-colour findings."""
    from fundtrail.plugins.checks import all_findings
    from fundtrail.reports import household

    root, books, project = planted
    known = secrets(root, books)
    texts = [(f"monthly {code} {month}", pdf_text(village.notice_pdf(books, month, code)))
             for month in ("2024-05", "2024-07") for code in village.village_codes(books)]
    joined = "\n".join(text for _, text in texts)
    assert "临时补助" in joined and "赵六" in joined and "结余为负数的原因" in joined
    families = sorted(household.families(books).values(),
                      key=lambda f: -len(household.statement(books, f, 2024).lines))[:6]
    for family in families:
        texts.append((f"card {family.number}", pdf_text(household.card_pdf(books, family, 2024))))
    assert "身份证" in texts[-1][1] or "户编号" in texts[-1][1]
    rules = ("loan-", "benefit-", "screening-", "red-", "orange-", "risk-")
    messages = [f.message for f in all_findings(books.entries, books.options) if f.rule.startswith(rules)]
    assert len(messages) > 10
    texts.append(("findings", "\n".join(messages)))
    public = set(books.master.villages) | set(books.master.towns) | evidence_numbers(books)
    bad = {name: leaks(text, known, public) for name, text in texts}
    assert not {name: found for name, found in bad.items() if found}
