"""Every figure the audit report prints more than once, read from its PDF text, and whether each
is printed with one value: the findings of the period (cover, main figures, conclusion, summary
table, severity line, the detail's bands), the earlier ones (cover, conclusion, section five),
the money (main figures, conclusion, sample) and the reconciliation (conclusion, table).

    python tests/report_numbers.py 2024-audit.pdf ...   # prints each disagreement; exit 1 if any

Tests import `figures` and `disagreements`.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys

N = r"(\d+)"
YUAN = r"([\d,]+\.\d\d)"
ANY = r"[\d,]+\.\d\d"  # an amount not asked for
SEVERITIES = ("严重", "高", "中", "低")
# name -> patterns over the whitespace-free text; each match gives the figure's value(s)
PATTERNS = {
    "本期疑点": [rf"本期疑点{N}项，涉及金额", rf"本期疑点/涉及金额{N}项/", rf"本期检查发现疑点{N}项"],
    "本期涉及金额": [rf"本期疑点\d+项，涉及金额{YUAN}元", rf"本期疑点/涉及金额\d+项/{YUAN}元",
                 rf"本期检查发现疑点\d+项，涉及金额{YUAN}元"],
    "以前期间仍未整改": [rf"以前期间仍未整改{N}项", rf"仍未整改的疑点{N}项", rf"仍未处置或仍在核实中的{N}项",
                 rf"仍未整改{N}项{ANY}"],
    "以前期间涉及金额": [rf"以前期间仍未整改\d+项，涉及金额{YUAN}元", rf"仍未整改的疑点\d+项，涉及金额{YUAN}元",
                 rf"仍未整改\d+项{YUAN}"],
    "以前期间本期处置": [rf"以前期间发现的疑点本期已处置或已消除{N}项", rf"本期已处置或检查已不再发现的{N}项"],
    "本期支付笔数": [rf"本期支付（元）{ANY}（{N}笔）", rf"，支付{N}笔", rf"总体：本期支付{N}笔"],
    "本期支付金额": [rf"本期支付（元）{YUAN}（", rf"，支付\d+笔{YUAN}元", rf"总体：本期支付\d+笔，合计{YUAN}元"],
    "资金到位": [rf"本期资金到位（元）{YUAN}", rf"衔接资金到位{YUAN}元"],
    "下达项目": [rf"本期下达项目（元）{YUAN}", rf"分解下达项目{YUAN}元"],
    "期末结余": [rf"期末资金结余（元）{YUAN}", rf"月末资金结余{YUAN}元"],
}


def _section(text: str, start: str, end: str) -> str:
    i = text.find(start)
    j = text.find(end, i + 1)
    return text[i:j] if i >= 0 and j > i else ""


def figures(text: str) -> dict[str, list[str]]:
    """Each figure's values wherever the report prints it (text from `pdftotext -layout`, so a
    table row stays on one line)."""
    flat = re.sub(r"\s+", "", text)
    out: dict[str, list[str]] = collections.defaultdict(list)
    for name, patterns in PATTERNS.items():
        for pattern in patterns:
            for match in re.finditer(pattern, flat):
                out[name].append(match.group(1))
    # findings per severity: the severity line, the conclusion, the detail's bands
    line = re.search(r"按严重程度：" + "；".join(rf"{s}{N}项" for s in SEVERITIES), flat)
    said = re.search(r"本期检查发现疑点\d+项，涉及金额[\d,.]+元（[^）]*），其中([^。；]*)", flat)
    detail = _section(flat, "四、本期疑点明细", "五、以前期间")
    for n, severity in enumerate(SEVERITIES):
        if line:
            out[f"本期{severity}"].append(line.group(n + 1))
        if said:
            found = re.search(rf"(?:^|、){severity}{N}项", said.group(1))
            out[f"本期{severity}"].append(found.group(1) if found else "0")
        if detail:
            band = re.search(rf"）{severity}（{N}项）", detail)
            out[f"本期{severity}"].append(band.group(1) if band else "0")
    if line:
        out["本期疑点"].append(str(sum(int(line.group(n + 1)) for n in range(4))))
    # reconciliation: the conclusion's counts and the table's statuses
    table = _section(flat, "九、银行对账", "对账单日期在期末")
    if table:
        said = re.search(rf"一致的{N}个，不一致的{N}个(?:，未对账的{N}个)?", flat)
        rows = {"一致": len(re.findall(r"(?<!不)一致", table)), "不一致": table.count("不一致"),
                "未对账": table.count("未对账")}
        for n, status in enumerate(("一致", "不一致", "未对账")):
            out[f"对账{status}"] += [said.group(n + 1) or "0" if said else "—", str(rows[status])]
    return dict(out)


def disagreements(text: str) -> dict[str, list[str]]:
    """The figures printed with more than one value."""
    return {name: values for name, values in figures(text).items() if len(set(values)) > 1}


def pdf_text(path: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", path, "-"], capture_output=True, check=True,
                          text=True).stdout


def main(paths: list[str]) -> int:
    bad = 0
    for path in paths:
        text = pdf_text(path)
        for name, values in disagreements(text).items():
            bad += 1
            print(f"{path}: {name}: {' / '.join(values)}")
        print(f"{path}: {len(figures(text))} figures checked")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
