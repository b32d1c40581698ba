"""Every page of the audit reports (2024Q3, 2024, 2025) and the county disclosures (2024, 2025)
of the demo, read as their reader reads them (pdftotext, page by page): every voucher line and
row has its number (no "第行"), no evidence token is broken across lines, no ledger slug (an
English account name, a file name, a ledger file:line) is left for a person to decode, and the
signature is never alone on a page: it sits with the conclusion it signs."""

import re
import subprocess

import pytest

from fundtrail.reports import audit, county

REPORTS = {"2024Q3-audit": ("audit", "2024Q3"), "2024-audit": ("audit", "2024"),
           "2025-audit": ("audit", "2025"), "2024-county": ("county", 2024),
           "2025-county": ("county", 2025)}
ACCOUNT = re.compile(r"(?:Assets|Liabilities|Equity|Income|Expenses):[A-Za-z]")
FILE = re.compile(r"\.(?:beancount|toml|xml|csv|xlsx|xls|json)\b|\w+/\w+\.\w+:\d+", re.IGNORECASE)
TOKENS = {  # evidence tokens and their complete shapes
    "voucher": (re.compile(r"VOU-\d*"), re.compile(r"VOU-\d{14}")),
    "bank serial": (re.compile(r"\b(?:ICBC|ABC|PSBC|CCB|BOC)-\d{4}-[0-9A-Z]*"),
                    re.compile(r"(?:ICBC|ABC|PSBC|CCB|BOC)-\d{4}-(?:\d{8}|\d{14}|OPEN)")),
    "voucher number": (re.compile(r"凭证号\s*\d+"), re.compile(r"凭证号\s*\d{14}")),
}


def pages(pdf: bytes, tmp_path, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.fixture(scope="module")
def rendered(demo_books, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-text")
    out = {}
    for name, (kind, period) in REPORTS.items():
        pdf = audit.audit_pdf(demo_books, period) if kind == "audit" else \
            county.disclosure_pdf(demo_books, period)
        out[name] = pages(pdf, folder, name)
    return out


def _body(page: str, bureau: str) -> list[str]:
    """A page's lines without the running header and footer."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return [line for line in lines if not re.fullmatch(r"第\s*\d+\s*页\s*/\s*共\s*\d+\s*页", line)
            and line != bureau and not line.endswith("审计分析报告（" + line[-6:])
            and "衔接资金审计分析报告（" not in line and "完成情况公告" not in line]


SIGNATURE = re.compile(r"^(?:审计人员.*|复核.*|\d{4}年\d{1,2}月\d{1,2}日|.*财政局|.*村民委员会)$")


def signature_only(page: str, bureau: str) -> bool:
    body = _body(page, bureau)
    return not body or all(SIGNATURE.match(line) for line in body)


def broken(line: str, following: str) -> bool:
    """A token cut where CSS wrapped it: a line ending in a separator inside an ASCII run."""
    return bool(re.search(r"[A-Za-z0-9][-_./]$", line) and re.match(r"[A-Za-z0-9]", following))


def test_the_detectors_see_what_the_reports_used_to_show():
    last = ("青禾区衔接资金审计分析报告（2025年）\n\n审计人员：＿＿＿＿＿＿　复核：＿＿＿＿＿＿\n"
            "2026年12月4日\n\n青禾区财政局\n第 25 页 / 共 25 页\n")
    assert signature_only(last, "青禾区财政局")
    assert not signature_only(last.replace("2026年12月4日", "附录　检查规则及标准\n2026年12月4日"),
                              "青禾区财政局")
    assert broken("QH2024-009，VOU-20245201000019；账簿 transactions/", "imported.beancount:371")
    assert broken("2024-06-30.vouchers-2024Q2.", "xml 第行")
    assert not broken("项目 QH2024-009，", "VOU-20245201000019")
    assert FILE.search("来源 2024-09-30.vouchers-2024Q3.xml 凭证") and FILE.search("classify.toml")
    assert ACCOUNT.search("专户Assets:Bank:ICBC-2345（青禾区财政局衔接资金专户）")


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_page_reads_as_its_reader_needs(rendered, demo_books, name):
    bureau = demo_books.master.county.bureau
    for number, page in enumerate(rendered[name], 1):
        where = f"{name} p.{number}"
        assert "第行" not in page, where
        assert not ACCOUNT.search(page), (where, ACCOUNT.search(page))
        assert not FILE.search(page), (where, FILE.search(page))
        for what, (start, whole) in TOKENS.items():
            for match in start.finditer(page):
                assert whole.fullmatch(match[0]) or whole.match(match[0]), (where, what, match[0])
        for line, following in zip(page.splitlines(), page.splitlines()[1:], strict=False):
            # a token cut where CSS wrapped it: a line ending in a separator inside an ASCII run
            assert not broken(line, following), (where, line, following)
        assert not signature_only(page, bureau), (where, "a page of signature only")


@pytest.mark.parametrize("name", [n for n, (kind, _) in REPORTS.items() if kind == "audit"])
def test_the_signature_is_on_the_page_of_the_conclusion(rendered, name):
    signed = [page for page in rendered[name] if re.search(r"审计人员：＿", page)]
    assert len(signed) == 1, name
    assert "总体评价" in signed[0], name


def test_the_sample_names_voucher_number_and_line_for_every_voucher_payment(demo_books, rendered):
    context = audit.audit_context(demo_books, audit.Period.parse("2024Q3"))
    items = context["sample"]["items"]
    vouchers = [i for i in items if i["flow"].entry.meta.get("voucher")]
    assert vouchers and len(vouchers) < len(items)
    text = re.sub(r"\s+", "", "".join(rendered["2024Q3-audit"]))
    for item in items:
        meta = item["flow"].entry.meta
        if meta.get("voucher"):
            assert re.fullmatch(r"国库集中支付凭证（截至\d{4}年\d+月\d+日），凭证号 \d{14} 第\d+行", item["where"])
            assert meta["voucher"] in item["where"]
        else:
            assert re.search(r"第\d+行$", item["where"]), item["where"]
        number = meta.get("voucher") or re.search(r"第\d+行", item["where"])[0]
        assert number in text and item["where"].split("（")[0] in text, item["where"]
