"""The pre-payment gate (`fundtrail gate`, fundtrail.plugins.gate): a 500-line batch of each kind
(treasury vouchers, a 一卡通 roster still to be paid, a payment request list) on a copy of the
demo county, with planted lines each held by the rule that should hold it, clean lines all
passed, and the workspace unchanged (git status and every file's checksum).

The copy is prepared before the gate runs, as a county would have it: the 2025 household
subsidy project gets the budget and the allotment for this roster, a project's budget is
raised without its money being allotted yet, and the register lists the households of the
roster. Pay day: 2025-12-31, a working day after the books' last payment.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import copy_workspace
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from gatebatch import id_number, write_requests, write_roster, write_vouchers, yuan  # noqa: E402

from fundtrail.books import Books  # noqa: E402
from fundtrail.cli import main  # noqa: E402
from fundtrail.flows import payee_key  # noqa: E402
from fundtrail.history import IGNORED  # noqa: E402
from fundtrail.importers.batch import read_batch  # noqa: E402
from fundtrail.plugins import gate  # noqa: E402
from fundtrail.plugins.rules.negative_list import KEYWORDS  # noqa: E402

DAY = datetime.date(2025, 12, 31)
LINES = 500
SUBSIDY = "QH2025-S01"
UNALLOTTED = "QH2025-010"  # its budget is raised in the copy, the money not yet allotted
OVER = "QH2025-023"  # 45,000 of its budget left: the planted line pays 46,000
CLEAN_PROJECTS = ("QH2025-007", "QH2025-017", "QH2025-018", "QH2025-020", "QH2025-021",
                  "QH2025-022", "QH2025-024")
# planted line -> the rule that must hold it; rules marked None are added with the identity checks
PLANTED = {
    "roster": {"ghost": "ghost-beneficiary", "relative": "related-party",
               "repeat": "duplicate-subsidy", "card": "card-mismatch", "over": "over-budget"},
    "vouchers": {"relative": "related-party", "repeat": "duplicate-payment",
                 "negative": "negative-list", "over": "over-budget", "unallotted": "paid-unallotted",
                 "account": "shared-account"},
    "requests": {"relative": "related-party", "repeat": "duplicate-payment",
                 "negative": "negative-list", "over": "over-budget", "unallotted": "paid-unallotted",
                 "account": "shared-account"},
}


def digest(root: Path) -> dict[str, str]:
    """Every file of the workspace by its checksum (not git's own files, nor the server's
    session store .fundtrail/, which a login writes)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()
            and not {".git", ".fundtrail"} & set(p.relative_to(root).parts)}


def git_status(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                          text=True, check=True).stdout


class Plan:
    """Reads the demo books and registers, and lays out the three batches."""

    def __init__(self, root: Path):
        self.root = root
        self.books = Books.load(str(root / "main.beancount"))
        ix, self.master = self.books.index, self.books.master
        self.homes = list(csv.DictReader((root / "registers/households.csv").open(encoding="utf-8")))
        self.officials = list(csv.DictReader((root / "registers/officials.csv").open(encoding="utf-8")))
        red = {h["行政村"] for h in self.homes if h["风险等级"] == "红"}
        self.quiet = sorted(code for code, v in self.master.villages.items() if v.name not in red)
        # what each project may still pay: within its budget and its allotment
        held = {}  # money moved into a unit's own account for a project counts as paid
        for flow in ix.passed_down:
            if flow.project and flow.amount > 0:
                held[flow.project] = held.get(flow.project, 0) + flow.amount
        self.left = {code: min(p.budget - held.get(code, 0), ix.total("allotted_to", code))
                     - ix.total("spent_on", code)
                     for code, p in self.master.projects.items() if p.budget and code in ix.spent_on}
        self.accounts = self._payee_accounts()
        words = {w for kws in KEYWORDS.values() for w in kws}
        # one name of each firm: names a character or two apart paid in one project are
        # payee-variant's (the demo's 青禾健工 / 青禾建设 beside 青禾建工)
        self.firms = []
        for firm in sorted(f for f in self.accounts if not any(w in f for w in words)):
            if all(Levenshtein.distance(payee_key(firm), payee_key(kept)) > 2 for kept in self.firms):
                self.firms.append(firm)
        self.recent = {}  # (payee, project) -> paid in the 30 days before the pay day
        for pay in ix.payments:
            if (DAY - pay.entry.date).days <= 30:
                key = (pay.entry.payee, pay.project)
                self.recent[key] = self.recent.get(key, 0) + pay.amount
        self.q4 = [f for f in ix.subsidies if f.date.year == 2025 and f.date.month >= 10]
        numbers = [int(n[-6:]) for n, _ in ix.voucher_meta if n.startswith("20255201")]
        self.next_voucher = max(numbers) + 1
        self.names = {o["姓名"] for o in self.officials} | {o["关系人姓名"] for o in self.officials}
        self.names |= {h["户主姓名"] for h in self.homes}

    def _payee_accounts(self) -> dict[str, str]:
        """Each contractor's account, as the demo's vouchers give it."""
        out = {}
        for path in sorted((self.root / "documents").rglob("*.xml")):
            text = path.read_bytes().decode("gbk")
            for number, name in re.findall(r"<PayeeAcctNo>(\d+)</PayeeAcctNo>\s*<PayeeAcctName>([^<]+)<",
                                           text):
                if name.endswith(("公司", "合作社")):
                    out.setdefault(name, number)
        return out

    # -- households ---------------------------------------------------------------------
    def new_households(self, count: int) -> list[dict]:
        surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
        given = ["子墨", "梓涵", "浩然", "雨萱", "宇轩", "欣怡", "俊杰", "思远", "嘉怡", "明轩", "佳琪",
                 "文博", "若曦", "天佑", "语桐", "一鸣", "书瑶", "立新", "晓东", "海燕"]
        out, n = [], 0
        for s in surnames:
            for g in given:
                name = s + g
                if name in self.names:
                    continue
                code = self.quiet[n % len(self.quiet)]
                village = self.master.villages[code]
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=37 * n)
                out.append({"户编号": f"HG{n:05d}", "户主姓名": name,
                            "身份证号": id_number("370405", birth, n), "乡镇": self.master.place_name(village.town),
                            "行政村": village.name, "家庭人口": "3", "户类型": "脱贫户",
                            "主要致贫/返贫原因": "缺资金", "风险等级": "蓝",
                            "一卡通账号": f"62313{n:014d}", "联系电话": "", "识别日期": "", "风险消除日期": ""})
                n += 1
                if n == count:
                    return out
        raise AssertionError("not enough names")

    # -- the roster -----------------------------------------------------------------------
    def roster(self, homes: list[dict]) -> tuple[list[dict], dict[str, int]]:
        def row(h, amount, **change):
            return {"name": h["户主姓名"], "id_no": h["身份证号"], "card": h["一卡通账号"],
                    "town": h["乡镇"], "village": h["行政村"], "item": "到户产业奖补",
                    "amount": yuan(amount), "date": DAY, "batch": "QH2025Q4-03", **change}

        clean = [row(h, 1000 + (n * 37) % 2000) for n, h in enumerate(homes[:LINES - 5])]
        official = next(o for o in self.officials if o["关系人身份证号"])
        paid = self.q4[0]
        ghost_id = id_number("370405", datetime.date(1988, 8, 8), 77)
        planted = {
            "ghost": row(homes[-1], 1500, name="孟繁星", id_no=ghost_id, card="6231399999999999001"),
            "relative": row(homes[-1], 2000, name=official["关系人姓名"], id_no=official["关系人身份证号"],
                            village=official["单位/村"], card="6231399999999999002",
                            town=self._town_of(official["单位/村"])),
            "repeat": row(homes[-1], paid.amount, name=paid.meta["beneficiary"],
                          id_no=str(paid.meta["id_no"]), card=str(paid.meta["card"]),
                          village=self.master.villages[str(paid.meta["village"])].name,
                          town=self._town_of(self.master.villages[str(paid.meta["village"])].name)),
            "card": row(homes[-2], 1800, card="6231388888888888003"),
            "over": row(homes[-3], 3000),
        }
        rows = clean + list(planted.values())
        return rows, {name: len(clean) + i + 3 for i, name in enumerate(planted)}  # 2 header rows

    def _town_of(self, village_name: str) -> str:
        place = next(v for v in self.master.villages.values() if v.name == village_name)
        return self.master.place_name(place.town)

    # -- vouchers and requests ----------------------------------------------------------------
    def payments(self) -> tuple[list[dict], list[str]]:
        """The lines of a voucher batch or a request list (the same payments): clean lines
        within each project's budget, allotment and the split limit, then the planted ones."""
        projects = self.master.projects
        official = next(o for o in self.officials if o["关系人姓名"] and any(
            projects[c].village and self.master.villages[projects[c].village].name == o["单位/村"]
            for c in CLEAN_PROJECTS))
        near = next(c for c in CLEAN_PROJECTS if projects[c].village and
                    self.master.villages[projects[c].village].name == official["单位/村"])
        repeat = next(p for p in reversed(self.books.index.payments)
                      if p.entry.payee in self.accounts and not p.loan and (DAY - p.entry.date).days < 30
                      and 2 * p.amount <= 400_000)
        planted = {
            "relative": (official["关系人姓名"], near, Decimal(8000), "进度款", "6230520000000000001"),
            "repeat": (repeat.entry.payee, repeat.project, repeat.amount, "进度款", None),
            "negative": (self.firms[0], CLEAN_PROJECTS[0], Decimal(5000), "购置公务用车", None),
            "over": (self.firms[1], OVER, self.left[OVER] + 1000, "进度款", None),
            "unallotted": (self.firms[2], UNALLOTTED, Decimal(50000), "进度款", None),
            "account": (self.firms[3], CLEAN_PROJECTS[1], Decimal(6000), "进度款",
                        self.accounts[self.firms[4]]),
        }
        room = {c: self.left[c] - sum(a for _, p, a, *_ in planted.values() if p == c) - 100
                for c in CLEAN_PROJECTS}
        lines, used, n = [], {}, 0
        while len(lines) < LINES - len(planted):
            code = CLEAN_PROJECTS[n % len(CLEAN_PROJECTS)]
            firm = self.firms[(n // len(CLEAN_PROJECTS)) % len(self.firms)]
            amount = Decimal(500 + (n * 7919) % 1000) + Decimal(n % 100) / 100
            n += 1
            if amount > room[code] or used.get((firm, code), 0) + self.recent.get((firm, code), 0) \
                    + amount > 300_000:
                assert n < 50 * LINES, "not enough room for the clean lines"
                continue
            room[code] -= amount
            used[(firm, code)] = used.get((firm, code), 0) + amount
            lines.append((firm, code, amount, "进度款", None))
        lines += list(planted.values())
        out = []
        for payee, code, amount, what, account in lines:
            project = projects[code]
            fund = self.master.funds[str(project.meta["fund"])]
            out.append({"payee": payee, "project": code, "amount": yuan(amount), "date": DAY,
                        "account": account or self.accounts.get(payee, "6230520000000000009"),
                        "purpose": f"{project.name}{what}", "remark": f"衔接资金 {fund.doc_no}",
                        "func_code": fund.func_code, "summary": f"{project.name}{what}"})
        return out, list(planted)


@pytest.fixture(scope="module")
def county(demo, tmp_path_factory):
    """The prepared copy of the demo county and the three batch files, with the rows of the
    planted lines: (root, {kind: path}, {kind: {plant: row}})."""
    base = tmp_path_factory.mktemp("gate")
    root = base / "county"
    copy_workspace(demo[0], root)
    plan = Plan(root)
    homes = plan.new_households(LINES)
    roster, roster_rows = plan.roster(homes)
    # the county's side of the batch: the register lists the new households, the subsidy
    # project has the budget and the money for this roster but for its last row, another
    # project's budget was raised and its money is not allotted yet
    register = root / "registers/households.csv"
    with register.open("a", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(plan.homes[0]))
        writer.writerows(homes)
    extra = sum(r["amount"] for r in roster[:-1]) + 1000
    budget = plan.master.projects[SUBSIDY].budget
    projects = root / "masterdata/projects.beancount"
    text = projects.read_text("utf-8")
    block = text[text.index(f"open Expenses:Project:{SUBSIDY} CNY"):]
    text = text.replace(block, block.replace(f"budget: {budget:.2f} CNY", f"budget: {budget + extra:.2f} CNY", 1), 1)
    block = text[text.index(f"open Expenses:Project:{UNALLOTTED} CNY"):]
    old = plan.master.projects[UNALLOTTED].budget
    text = text.replace(block, block.replace(f"budget: {old:.2f} CNY", f"budget: {old + 200000:.2f} CNY", 1), 1)
    projects.write_text(text, "utf-8")
    with (root / "transactions/allotments.beancount").open("a", encoding="utf-8") as out:
        out.write(f'\n2025-12-01 * "青禾区财政局" "分解下达 财农〔2025〕23号 至 2025年到户产业发展奖补项目 (追加)"'
                  f' ^ALLOT-{SUBSIDY}-2 ^C2025-023 ^{SUBSIDY}\n'
                  f'  Equity:Allotment:Project:{SUBSIDY}  -{extra:.2f} CNY\n'
                  f'  Equity:Allotment:Fund:C2025-023  {extra:.2f} CNY\n')
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    if not (root / ".git").exists():
        subprocess.run([*git, "init", "-q"], check=True)
        (root / ".gitignore").write_text("".join(f"{p}\n" for p in IGNORED), "utf-8")  # as `init` does
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "为付款批次追加预算和登记户"], check=True)
    plan = Plan(root)  # the books as prepared
    payments, plants = plan.payments()
    start = plan.next_voucher
    vouchers = [{**p, "number": f"20255201{start + i:06d}"} for i, p in enumerate(payments)]
    batches = base / "batches"
    batches.mkdir()
    paths = {"roster": write_roster(batches / "一卡通待发放-QH2025Q4-03.xlsx", roster),
             "vouchers": write_vouchers(batches / "支付凭证-20251231.xml", vouchers),
             "requests": write_requests(batches / "付款申请-20251231.csv", payments)}
    xml = paths["vouchers"].read_text("gbk").splitlines()
    first = len(payments) - len(plants)
    rows = {"roster": roster_rows,
            "vouchers": {name: next(n for n, line in enumerate(xml, 1)
                                    if f"<VoucherNo>{vouchers[first + i]['number']}<" in line)
                         for i, name in enumerate(plants)},
            "requests": {name: first + i + 2 for i, name in enumerate(plants)}}
    return root, paths, rows


@pytest.fixture(scope="module")
def results(county):
    root, paths, _ = county
    books = Books.load(str(root / "main.beancount"))
    out = {}
    for kind, path in paths.items():
        batch = read_batch([path], root, books.entries, DAY)
        assert len(batch.lines) == LINES, kind
        out[kind] = gate.judge(books.entries, books.options, batch.lines, batch.opens, DAY)
    return out


def _held(result, row):
    line = next(line for line in result.lines if line.row == row)
    return {h.rule for h in line.holds}


CASES = [pytest.param(kind, plant, rule, id=f"{kind}-{plant}")
         for kind, plants in PLANTED.items() for plant, rule in plants.items()]


@pytest.mark.parametrize(("kind", "plant", "rule"), CASES)
def test_every_planted_line_is_held_by_its_rule(county, results, kind, plant, rule):
    row = county[2][kind][plant]
    assert rule in _held(results[kind], row), (kind, plant, row, _held(results[kind], row))


@pytest.mark.parametrize("kind", list(PLANTED))
def test_no_clean_line_is_held(county, results, kind):
    planted = set(county[2][kind].values())
    wrongly = [(line.row, line.payee, [f"{h.rule}: {h.message}" for h in line.holds])
               for line in results[kind].lines if line.holds and line.row not in planted]
    assert not wrongly, wrongly[:5]
    held = {line.row for line in results[kind].lines if line.holds}
    assert held <= planted and len(results[kind].lines) == LINES
    assert held == planted  # every planted line, and nothing else


def test_a_hold_names_rule_title_criterion_and_evidence(county, results):
    rows = county[2]
    line = next(x for x in results["vouchers"].lines if x.row == rows["vouchers"]["repeat"])
    hold = next(h for h in line.holds if h.rule == "duplicate-payment")
    assert hold.title == "重复支付" and "《" in hold.criterion and "重复" not in hold.rule
    earlier = hold.evidence["entries"]
    assert earlier and earlier[0]["payee"] == line.payee and Decimal(earlier[0]["amount"]) == line.amount
    assert earlier[0]["date"] < DAY.isoformat() and earlier[0]["source"]  # the payment it repeats
    roster = next(x for x in results["roster"].lines if x.row == rows["roster"]["repeat"])
    repeat = next(h for h in roster.holds if h.rule == "duplicate-subsidy")
    assert repeat.evidence["entries"][0]["date"].startswith("2025-1")  # the Q4 payment
    relative = next(x for x in results["roster"].lines if x.row == rows["roster"]["relative"])
    tie = next(h for h in relative.holds if h.rule == "related-party")
    assert "系" in tie.evidence["facts"]["relation"]  # the officials register's row it matches


def test_cli_json_xlsx_exit_status_and_the_books_unchanged(county, tmp_path):
    root, paths, rows = county
    before, status = digest(root), git_status(root)
    assert status == ""
    runner = CliRunner()
    out = tmp_path / "审核结果.xlsx"
    done = runner.invoke(main, ["gate", str(root / "main.beancount"), str(paths["requests"]), "--json",
                                "--out", str(out), "--date", DAY.isoformat()])
    assert done.exit_code == 1, done.output
    answer = json.loads(done.stdout)
    line = answer["lines"][0]
    assert set(line) >= {"file", "row", "payee", "amount", "status", "holds"}
    assert {x["status"] for x in answer["lines"]} == {"pass", "hold"}
    held = next(x for x in answer["lines"] if x["row"] == rows["requests"]["negative"])
    assert set(held["holds"][0]) >= {"rule", "title", "criterion", "message", "evidence"}
    assert any(h["rule"] == "negative-list" and "负面清单" in h["title"] for h in held["holds"])
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]][:7] == ["文件", "工作表", "行号", "支付日期", "收款人", "金额", "结论"]
    assert sheet.max_row == LINES + 1
    assert {sheet.cell(r, 7).value for r in range(2, LINES + 2)} == {"通过", "暂停"}
    assert all(isinstance(sheet.cell(r, 3).value, int) for r in range(2, LINES + 2))
    # a table on the terminal, in Chinese
    done = runner.invoke(main, ["gate", str(root / "main.beancount"), str(paths["roster"]),
                                "--date", DAY.isoformat()])
    assert done.exit_code == 1 and "暂停" in done.output and "补助对象不在册" in done.output
    assert f"共 {LINES} 行" in done.output
    assert digest(root) == before and git_status(root) == ""


def test_a_clean_batch_passes_with_exit_0(county, tmp_path):
    root, paths, rows = county
    lines = list(csv.reader(paths["requests"].open(encoding="utf-8-sig")))
    planted = {r - 1 for r in rows["requests"].values()}
    clean = [line for n, line in enumerate(lines) if n not in planted][:40]
    path = tmp_path / "clean.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(clean)
    done = CliRunner().invoke(main, ["gate", str(root / "main.beancount"), str(path)])
    assert done.exit_code == 0, done.output
    assert "暂停 0 行" in done.output


@pytest.mark.parametrize(("header", "row", "why"), [
    (["日期", "收款人", "账号", "项目", "金额", "用途", "联系人"], ["2025-12-31", "甲公司", "6222000011112222", "QH2025-007", "100", "进度款", "x"], "联系人"),
    (["日期", "收款人", "账号", "项目", "金额", "用途"], ["2025-12-31", "甲公司", "6222000011112222", "QH2025-007", "一百", "进度款"], "第2行"),
    (["日期", "收款人", "账号", "金额", "用途"], ["2025-12-31", "甲公司", "6222000011112222", "100", "进度款"], "项目"),
])
def test_bad_input_is_a_clear_error_with_exit_2(county, tmp_path, header, row, why):
    root = county[0]
    path = tmp_path / "申请.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, row])
    done = CliRunner().invoke(main, ["gate", str(root / "main.beancount"), str(path)])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "申请.csv" in done.output and why in done.output, done.output


def test_a_directory_or_a_missing_ledger_or_batch_exits_2(county):
    root, paths, _ = county
    for args, words in (([root, paths["requests"]], ("不是账簿文件", "main.beancount")),
                        ([root / "nope.beancount", paths["requests"]], ("找不到账簿文件",)),
                        ([root / "main.beancount", root / "nope.csv"], ("找不到付款批次文件", "nope.csv")),
                        ([root / "main.beancount", root / "main.beancount"], ("无法识别的付款批次文件",))):
        done = CliRunner().invoke(main, ["gate", *map(str, args)])
        assert done.exit_code == 2 and "Traceback" not in done.output, done.output
        assert all(w in done.output for w in words), done.output


def test_xlsx_guards_formulas():
    line = gate.LineResult("a.csv", 2, DAY, "=HYPERLINK(\"http://x\")", Decimal("1.00"))
    data = gate.workbook(gate.GateResult(DAY, [line]))
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.cell(2, 5).data_type == "s" and sheet.cell(2, 5).value.startswith("=HYPERLINK")


def test_a_line_of_a_roster_read_sheet_by_sheet_names_its_sheet():
    """A roster with a sheet per town numbers each sheet's rows from 2: the result names the
    sheet in its own column (行号 stays a number), and so does the evidence."""
    import io

    evidence = {"entries": [{"batch_file": "一卡通.xlsx", "batch_sheet": "张山镇", "batch_row": 2,
                             "payee": "张三", "amount": "100.00"},
                            {"date": "2025-06-20", "payee": "张三", "amount": "100.00", "narration": "奖补",
                             "source": "一卡通-QH2025Q2.xlsx", "sheet": "涧东镇", "row": "7"}]}
    hold = gate.Hold("duplicate-subsidy", "重复发放补助", "high", "依据", "同一季度重复领取", evidence)
    line = gate.LineResult("一卡通.xlsx", 2, DAY, "张三", Decimal("100.00"), [hold], sheet="涧东镇")
    sheet = openpyxl.load_workbook(io.BytesIO(gate.workbook(gate.GateResult(DAY, [line])))).active
    cells = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (cells["文件"], cells["工作表"], cells["行号"]) == ("一卡通.xlsx", "涧东镇", 2)
    assert cells["证据"] == ("本批 一卡通.xlsx 工作表「张山镇」 第2行 张三 100.00元；"
                           "2025-06-20 张三 100.00元 奖补 一卡通-QH2025Q2.xlsx 工作表「涧东镇」 第7行")
    assert line.as_json()["sheet"] == "涧东镇"


@pytest.fixture(scope="module")
def site(county, tmp_path_factory):
    """The prepared county behind `fundtrail serve`'s guard, where only accountants are internal."""
    from fundtrail.web import users
    from fundtrail.web.serve import create_app, secure

    root = tmp_path_factory.mktemp("gate-site") / "county"
    copy_workspace(county[0], root)
    main_file = root / "main.beancount"
    main_file.write_text(main_file.read_text("utf-8").replace(
        'custom "fava-extension" "fundtrail.fava_ext"',
        'custom "fava-extension" "fundtrail.fava_ext" "{\'internal_roles\': [\'accountant\']}"'), "utf-8")
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", "commit",
                    "-qam", "只有会计为内部角色"], check=True)
    with (root / ".git/info/exclude").open("a") as out:
        out.write(".fundtrail/\n")  # the server's session store, as fundtrail init ignores it
    users_path = root.parent / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    return root, secure(create_app(str(main_file)), main_file, users_path)


def _login(app, name, password):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    c.post("/login", data={"name": name, "password": password, "next": "/",
                           "csrf_token": _token(page)})
    return c, c.get("/").headers["Location"].strip("/").split("/")[0]


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_fava_page_uploads_a_batch_and_shows_the_holds(county, site, tmp_path):
    import io

    root, app = site
    before, log = digest(root), subprocess.run(["git", "-C", str(root), "log", "--oneline"],
                                               capture_output=True, text=True).stdout
    c, bfile = _login(app, "张会计", "kuaiji-123")
    page = c.get(f"/{bfile}/extension/FundtrailGate/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "付款审核" in page
    url = f"/{bfile}/extension/Fundtrail/gate"
    data = county[1]["vouchers"].read_bytes()
    refused = c.post(url, data={"batch": (io.BytesIO(data), "凭证.xml")},
                     content_type="multipart/form-data")
    assert refused.status_code == 403  # no CSRF token: the guard refuses
    sent = c.post(url, data={"batch": (io.BytesIO(data), "凭证.xml"), "date": DAY.isoformat(),
                             "csrf_token": _token(page)}, content_type="multipart/form-data")
    assert sent.status_code == 303, sent.get_data(as_text=True)[:500]
    shown = c.get(sent.headers["Location"]).get_data(as_text=True)
    assert "重复支付" in shown and "负面清单支出" in shown and "暂停" in shown and "依据：" in shown
    assert re.search(rf"<b>{LINES - 6}</b><span>通过</span>", shown)  # six planted lines held
    xlsx = re.search(r'href="([^"]*gate_xlsx[^"]*)"', shown).group(1).replace("&amp;", "&")
    sheet = c.get(xlsx)
    assert sheet.status_code == 200 and sheet.data[:2] == b"PK"
    # text from the batch is rendered escaped
    hostile = tmp_path / "申请.csv"
    write_requests(hostile, [{"date": DAY, "payee": "<script>alert(1)</script>有限公司",
                              "account": "6230520000000000009", "project": "QH2025-017",
                              "amount": Decimal("100.00"), "purpose": "<b>进度款</b>"}])
    sent = c.post(url, data={"batch": (io.BytesIO(hostile.read_bytes()), "<i>申请</i>.csv"),
                             "csrf_token": _token(page)}, content_type="multipart/form-data")
    shown = c.get(sent.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in shown and "&lt;script&gt;alert(1)" in shown
    assert "<i>申请" not in shown
    # a bad file: the reason, naming the file and the row, on the page
    bad = "日期,收款人,账号,项目,金额,用途\n2025-12-31,甲公司,6222000011112222,QH2025-007,一百,进度款\n"
    sent = c.post(url, data={"batch": (io.BytesIO(bad.encode()), "坏.csv"), "csrf_token": _token(page)},
                  content_type="multipart/form-data")
    shown = c.get(sent.headers["Location"]).get_data(as_text=True)
    assert "未能审核" in shown and "坏.csv 第2行" in shown
    # only internal roles
    other, bfile2 = _login(app, "李审计", "shenji-456")
    page2 = other.get(f"/{bfile2}/extension/FundtrailGate/").get_data(as_text=True)
    assert "仅限内部角色" in page2 and "multipart" not in page2
    token2 = _token(other.get(f"/{bfile2}/extension/FundtrailFindings/").get_data(as_text=True))
    denied = other.post(url, data={"batch": (io.BytesIO(data), "凭证.xml"), "csrf_token": token2},
                        content_type="multipart/form-data")
    assert denied.status_code == 403
    assert digest(root) == before and git_status(root) == ""
    assert subprocess.run(["git", "-C", str(root), "log", "--oneline"], capture_output=True,
                          text=True).stdout == log


def test_the_auditor_may_upload_a_batch_when_internal():
    """The login layer let the auditor (internal by default, shown the form) post only to
    `disposition`: the gate's upload was refused with 403."""
    from fundtrail.web.access import allowed

    assert allowed("auditor", "POST", "/账簿/extension/Fundtrail/gate")
    assert allowed("auditor", "POST", "/账簿/extension/Fundtrail/disposition")
    assert not allowed("auditor", "POST", "/账簿/extension/Fundtrail/gatex")
    assert not allowed("auditor", "PUT", "/账簿/extension/Fundtrail/gate")


def test_an_upload_with_a_very_long_name_is_refused_not_a_500(tmp_path):
    """The scratch file was named as the upload: a name over 255 bytes raised OSError (500)."""
    from fundtrail.fava_ext.gatedesk import judge_upload

    with pytest.raises(ValueError, match="文件名过长"):
        judge_upload(type("B", (), {"filename": str(tmp_path / "main.beancount"), "entries": []})(),
                     "甲" * 100 + ".csv", b"x", None)


def test_batch_text_cannot_drive_the_terminal(county, tmp_path):
    """A payee with terminal escapes and a bidi override is printed without them."""
    root, _, _ = county
    batch = tmp_path / "申请.csv"
    write_requests(batch, [{"date": DAY, "payee": "\x1b[2J\x1b[31m甲\u202e建设有限公司", "amount": Decimal("100.00"),
                            "account": "6230520000000000009", "project": "QH2025-017",
                            "purpose": "进度款\x07"}])
    done = CliRunner().invoke(main, ["gate", str(root / "main.beancount"), str(batch),
                                     "--date", DAY.isoformat()])
    assert done.exit_code in (0, 1), done.output
    assert "甲建设有限公司" in done.output
    assert not any(ch in done.output for ch in "\x1b\x07\u202e"), repr(done.output)
