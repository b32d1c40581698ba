"""Dispositions as a workflow: a finding assigned, taken through 复核 → 溯源 → 整改 with who, when and
a due date per step; an overdue step is a finding of its own; the false-alarm share per rule."""

import datetime
import json
import re
import shutil
import subprocess

import pytest
from beancount import loader
from chinese_only import english
from click.testing import CliRunner
from conftest import copy_workspace
from reportkit import pdf_text
from ruleledger import HEADER, pay, project

from fundtrail import workflow
from fundtrail.cli import main
from fundtrail.findings import Finding, disposition_directive
from fundtrail.plugins.checks import all_findings
from fundtrail.plugins.rules.workflow import overdue_id

D = datetime.date
BOOKS = (f"{HEADER}{project('P1')}"
         + '2024-02-01 custom "notice" "P1" "plan"\n  until: 2024-02-15\n'
         + pay("2024-10-03", "甲公司", "1000.00", "P1", "V-1")  # National Day: holiday-payment
         + pay("2024-10-05", "乙公司", "2000.00", "P1", "V-2"))


def load(tmp_path, *directives, config=None):
    path = tmp_path / "main.beancount"
    plugin = 'plugin "fundtrail.plugins.checks"' + (f' "{config}"' if config else "") + "\n"
    path.write_text(plugin + BOOKS + "".join(directives), "utf-8")
    entries, errors, options = loader.load_file(str(path))
    problems = [e for e in errors if not isinstance(e, Finding)]
    return all_findings(entries, options), problems


def holidays(tmp_path, config=None):
    found, _ = load(tmp_path, config=config)
    return sorted((f for f in found if f.rule == "holiday-payment"), key=lambda f: f.date)


def by_id(found):
    return {f.id: f for f in found}


# -- the directive forms --------------------------------------------------------------------------
def test_the_directive_forms_parse_with_who_and_due(tmp_path):
    first, _ = holidays(tmp_path)
    text = (disposition_directive(first.id, "assign", "王会计", D(2024, 11, 1), by="张会计",
                                  due=D(2024, 11, 4))
            + disposition_directive(first.id, "复核", "属实", D(2024, 11, 3), by="李审计")
            + disposition_directive(first.id, "trace", '经办人"重复"提交', D(2024, 11, 8), by="王会计"))
    assert text.splitlines()[:3] == [f'2024-11-01 custom "finding" "{first.id}" "分派" "王会计"',
                                     '  by: "张会计"', "  due: 2024-11-04"]
    found, problems = load(tmp_path, text)
    assert problems == []
    trail = by_id(found)[first.id].trail
    assert (trail.assignee, trail.assigned, trail.assigned_by) == ("王会计", D(2024, 11, 1), "张会计")
    review, trace, rectify = trail.steps
    assert (review.due, review.done, review.by, review.note) == (D(2024, 11, 4), D(2024, 11, 3), "李审计", "属实")
    assert (trace.done, trace.by, trace.note) == (D(2024, 11, 8), "王会计", '经办人"重复"提交')
    assert trail.current is rectify and rectify.start == D(2024, 11, 8)
    assert (by_id(found)[first.id].status, by_id(found)[first.id].reason) == ("核实中", '溯源：经办人"重复"提交')
    assert by_id(found)[first.id].as_json()["workflow"]["current"] == "整改"


def test_整改_closes_as_resolved_and_误报_closes_at_any_step(tmp_path):
    first, second = holidays(tmp_path)
    found, problems = load(
        tmp_path, disposition_directive(first.id, "分派", "会计", D(2024, 11, 1)),
        disposition_directive(first.id, "复核", "属实", D(2024, 11, 2)),
        disposition_directive(first.id, "溯源", "查明", D(2024, 11, 3)),
        disposition_directive(first.id, "整改", "已追回", D(2024, 11, 4)),
        disposition_directive(second.id, "分派", "会计", D(2024, 11, 1)),
        disposition_directive(second.id, "误报", "经审批的应急付款", D(2024, 11, 2)))
    assert problems == []
    assert (by_id(found)[first.id].status, by_id(found)[first.id].reason) == ("已整改", "已追回")
    assert by_id(found)[first.id].trail.current is None
    assert (by_id(found)[second.id].status, by_id(found)[second.id].trail.current) == ("误报", None)


def test_malformed_steps_are_errors_at_their_line(tmp_path):
    first, _ = holidays(tmp_path)
    lines = 1 + BOOKS.count("\n")
    _, problems = load(tmp_path, disposition_directive(first.id, "溯源", "先溯源", D(2024, 11, 1)),
                       f'2024-11-02 custom "finding" "{first.id}" "审批" "x"\n',
                       f'2024-11-03 custom "finding" "{first.id}" "分派" "王会计"\n  due: "下周"\n',
                       disposition_directive("F-0000000000", "复核", "x", D(2024, 11, 4)))
    got = [(p.source["lineno"], p.message) for p in problems]
    assert [line for line, _ in got] == [lines + 1, lines + 2, lines + 3, lines + 5]
    assert got[0][1] == f"疑点{first.id}的溯源须在复核完成之后记录，此前没有复核的记录"
    assert got[1][1] == "未知的处置 '审批'，应为分派、复核、溯源、整改、核实中、误报、已整改之一"
    assert got[2][1] == "处置的期限 due 应为日期（如 2025-03-31，不加引号），实际为 '下周'"
    assert got[3][1] == "处置指向不存在的疑点 F-0000000000：本次检查没有这个编号的疑点，请核对编号"
    assert not [m for _, m in got if english(m)]


# -- due dates and the overdue step ------------------------------------------------------------------
def test_due_dates_come_from_the_severity_and_the_county_setting(tmp_path):
    first, _ = holidays(tmp_path)
    assert first.severity == "low"
    steps = [disposition_directive(first.id, "分派", "王会计", D(2024, 11, 1)),
             disposition_directive(first.id, "复核", "属实", D(2024, 11, 10))]
    found, _ = load(tmp_path, *steps)
    review, trace, _ = by_id(found)[first.id].trail.steps
    assert workflow.DUE_DAYS["low"] == (15, 30, 90)
    assert (review.due, trace.start, trace.due) == (D(2024, 11, 16), D(2024, 11, 10), D(2024, 12, 10))
    found, _ = load(tmp_path, *steps, config="{'disposition_due_days': {'low': [3, 7, 20]}}")
    review, trace, _ = by_id(found)[first.id].trail.steps
    assert (review.due, review.late, trace.due) == (D(2024, 11, 4), 6, D(2024, 11, 17))
    critical = "{'severity': {'holiday-payment': 'critical'}}"
    found, _ = load(tmp_path, *steps, config=critical)
    assert by_id(found)[first.id].trail.steps[0].due == D(2024, 11, 4)  # critical: 3 days
    _, problems = load(tmp_path, *steps, config="{'disposition_due_days': {'low': [3, 0, 20]}}")
    assert len(problems) == 1 and problems[0].message.startswith("检查设置 disposition_due_days（疑点处置")
    assert "的值 {'low': [3, 0, 20]} 无效：严重程度 'low' 的期限应为3个正整数天数（复核、溯源、整改），" \
           "实际为 [3, 0, 20]" in problems[0].message and not english(problems[0].message)


def overdue_findings(found):
    return [f for f in found if f.rule == "disposition-overdue"]


def test_an_overdue_step_is_a_finding_on_the_next_load_and_not_before(tmp_path):
    first, _ = holidays(tmp_path)
    assign = disposition_directive(first.id, "分派", "王会计", D(2024, 11, 1), by="张会计")
    due = D(2024, 11, 16)  # low: 复核 in 15 days
    found, _ = load(tmp_path, assign, config=f"{{'as_of': '{due}'}}")
    assert overdue_findings(found) == []
    found, problems = load(tmp_path, assign, config=f"{{'as_of': '{due + datetime.timedelta(days=3)}'}}")
    late = overdue_findings(found)
    assert problems == [] and len(late) == 1
    late = late[0]
    assert late.id == overdue_id(first.id, "复核") and late.date == due + datetime.timedelta(days=1)
    assert late.severity == "medium" and set(first.links) <= set(late.links)
    assert late.message == (f"疑点{first.id}（节假日支付，低）的复核环节应于{due}前完成，截至2024-11-19"
                            "逾期3天未完成（责任人：王会计；复核由审计办理）。")
    assert late.source["lineno"] == 2 + BOOKS.count("\n")  # the assignment's line
    # without `as_of`, a later directive shows the books were kept up to its day
    other = holidays(tmp_path)[1]
    note = disposition_directive(other.id, "核实中", "待查", D(2024, 12, 1))
    found, _ = load(tmp_path, assign, note)
    assert [f.facts for f in overdue_findings(found)][0] and \
        dict(overdue_findings(found)[0].facts)["days"] == 15
    # recording the step ends it; a disposition of the overdue finding stays valid
    found, problems = load(tmp_path, assign, note,
                           disposition_directive(late.id, "核实中", "已催办", D(2024, 12, 2)),
                           disposition_directive(first.id, "复核", "属实", D(2024, 12, 3)))
    assert problems == [] and overdue_findings(found) == []
    assert by_id(found)[first.id].trail.steps[0].late == 17  # done 17 days after its due date
    # a high or critical finding's overdue step is high
    found, _ = load(tmp_path, assign, config="{'as_of': '2024-12-01', 'severity': {'holiday-payment': 'high'}}")
    assert [f.severity for f in overdue_findings(found)] == ["high"]


# -- old ledgers read the same ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_copy(demo, tmp_path_factory):
    root = tmp_path_factory.mktemp("wf") / "demo"
    copy_workspace(demo[0], root)
    return root


def test_the_three_statuses_read_as_before_on_the_demo(demo_copy, demo_books):
    before = all_findings(demo_books.entries, demo_books.options)
    assert all(f.status == "" and f.trail is None for f in before)
    picked = sorted(before, key=lambda f: f.id)[:6]
    words = ["误报", "已整改", "核实中", "核实中", "误报", "已整改"]
    lines = [disposition_directive(f.id, w, f"理由{n}", D(2025, 12, 1) + datetime.timedelta(days=n))
             for n, (f, w) in enumerate(zip(picked, words, strict=True))]
    lines.append(disposition_directive(picked[2].id, "误报", "后来认定", D(2025, 12, 20)))  # latest wins
    main = demo_copy / "main.beancount"
    original = main.read_text("utf-8")
    main.write_text(original + "\n" + "".join(lines), "utf-8")
    try:
        entries, errors, options = loader.load_file(str(main))
        after = all_findings(entries, options)
    finally:
        main.write_text(original, "utf-8")
    assert [e.message for e in errors] == []
    expected = {f.id: (w, f"理由{n}") for n, (f, w) in enumerate(zip(picked, words, strict=True))}
    expected[picked[2].id] = ("误报", "后来认定")
    assert {f.id for f in after} == {f.id for f in before}  # no overdue finding, nothing else
    assert {f.id: (f.status, f.reason) for f in after if f.status} == expected


# -- the false-alarm share -------------------------------------------------------------------------
def test_check_stats_equal_a_count_over_the_directives(tmp_path):
    first, second = holidays(tmp_path)
    found, _ = load(tmp_path)
    others = sorted((f for f in found if f.rule != "holiday-payment"), key=lambda f: f.id)
    decisions = [disposition_directive(first.id, "误报", "正常", D(2024, 11, 1)),
                 disposition_directive(second.id, "误报", "正常", D(2024, 11, 1)),
                 disposition_directive(second.id, "核实中", "重新核实", D(2024, 11, 2))]
    if others:
        decisions.append(disposition_directive(others[0].id, "误报", "正常", D(2024, 11, 3)))
    found, _ = load(tmp_path, *decisions)
    path = str(tmp_path / "main.beancount")
    result = CliRunner().invoke(main, ["check", path, "--stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = {r["rule"]: r for r in json.loads(result.output)}
    latest = {}  # a count over the ledger's directives: the latest word per id
    for line in (tmp_path / "main.beancount").read_text("utf-8").splitlines():
        match = re.match(r'\d{4}-\d\d-\d\d custom "finding" "(F-\w+)" "([^"]+)"', line)
        if match:
            latest[match.group(1)] = match.group(2)
    rule_of = {f.id: f.rule for f in found}
    for rule in {f.rule for f in found}:
        total = sum(1 for f in found if f.rule == rule)
        false = sum(1 for i, w in latest.items() if w == "误报" and rule_of[i] == rule)
        assert (stats[rule]["found"], stats[rule]["false_alarms"]) == (total, false), rule
    assert stats["holiday-payment"]["share"] == "0.5"
    text = CliRunner().invoke(main, ["check", path, "--stats"]).output
    assert re.search(r"节假日支付\S*\s+2\s+1\s+0\s+0\s+1\s+50\.0%", text), text



def test_the_false_alarm_table_counts_gone_findings_apart_and_names_the_variant():
    """已消除 (no longer found at a later cut-off) is neither 未结 nor 误报; a variant with its own
    title (项目已验收未结算) is a row of its own under that title."""
    def finding(n, status="", variant=""):
        return Finding({"filename": "x", "lineno": n}, "", None, "overdue-project", "medium",
                       f"F-{n}", D(2024, 5, n), None, (), status=status, variant=variant)
    found = [finding(1), finding(2, "已消除"), finding(3, "误报"), finding(4, "已消除", "payment"),
             finding(5, "", "payment"), finding(6, "已整改", "payment"), finding(7, "核实中")]
    rows = {r.title: r for r in workflow.false_alarms(found)}
    assert set(rows) == {"项目逾期未完工", "项目已验收未结算"}
    base, paid = rows["项目逾期未完工"], rows["项目已验收未结算"]
    assert (base.found, base.false_alarms, base.resolved, base.gone, base.open) == (4, 1, 0, 1, 2)
    assert (paid.found, paid.false_alarms, paid.resolved, paid.gone, paid.open) == (3, 0, 1, 1, 1)
    assert (base.variant, paid.variant) == ("", "payment")
    assert base.share_text == "25.0%" and paid.share_text == "0.0%"

# -- the audit report --------------------------------------------------------------------------------
def test_the_audit_report_lists_each_findings_steps(demo_copy):
    from fundtrail.books import Books
    from fundtrail.reports import audit

    main_file = demo_copy / "main.beancount"
    original = main_file.read_text("utf-8")
    found = all_findings(*loader.load_file(str(main_file))[::2])
    target = sorted((f for f in found if f.date and f.date.year == 2025 and not f.rows),
                    key=lambda f: f.id)[0]
    lines = [disposition_directive(target.id, "分派", "王会计", D(2025, 11, 3), by="张会计"),
             disposition_directive(target.id, "复核", "属实，已调取凭证", D(2025, 11, 20), by="李审计")]
    main_file.write_text(original + "\n" + "".join(lines), "utf-8")
    try:
        books = Books.load(str(main_file))
        text = pdf_text(audit.audit_pdf(books, "2025"), layout=True)
    finally:
        main_file.write_text(original, "utf-8")
    due = D(2025, 11, 3) + datetime.timedelta(days=workflow.DUE_DAYS[target.severity][0])
    flat = re.sub(r"\s+", "", text)
    assert "处置流程" in flat and target.id in flat
    assert "分派张会计2025-11-03" in flat and "责任人王会计" in flat
    late = (D(2025, 11, 20) - due).days
    assert f"复核李审计2025-11-20{due}" + (f"逾期{late}天" if late > 0 else "") in flat, flat[:3000]
    trace_due = D(2025, 11, 20) + datetime.timedelta(days=workflow.DUE_DAYS[target.severity][1])
    overdue = (D(2025, 12, 31) - trace_due).days
    assert f"溯源王会计未完成{trace_due}" + (f"逾期{overdue}天" if overdue > 0 else "") in flat


# -- in Fava, by two roles ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(demo, tmp_path_factory):
    from fundtrail import history
    from fundtrail.web import users
    from fundtrail.web.serve import create_app, secure

    root = tmp_path_factory.mktemp("wfsite") / "ws"
    shutil.copytree(demo[0], root, ignore=shutil.ignore_patterns("*.picklecache"))
    history.init(root, "新建 init")
    users_path = root.parent / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    return secure(create_app(str(root / "main.beancount")), root / "main.beancount", users_path), root


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login(app, name, password):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    response = c.post("/login", data={"name": name, "password": password, "next": "/",
                                      "csrf_token": _token(page)})
    assert response.status_code == 302
    return c, c.get("/").headers["Location"].strip("/").split("/")[0]


def _commits(root) -> list[str]:
    return subprocess.run(["git", "-C", str(root), "log", "--format=%an|%s"], capture_output=True,
                          text=True, check=True).stdout.splitlines()


def test_a_disposition_through_every_step_in_fava_by_two_roles(site):
    app, root = site
    accountant, bfile = _login(app, "张会计", "kuaiji-123")
    auditor, _ = _login(app, "李审计", "shenji-456")
    desk = f"/{bfile}/extension/FundtrailFindings/"
    page = accountant.get(desk).get_data(as_text=True)
    finding = re.search(r'<tr id="(F-[^"]+)"', page).group(1)
    url = f"/{bfile}/extension/Fundtrail/disposition"

    def post(client, **form):
        page = client.get(desk).get_data(as_text=True)
        return client.post(url, data={"id": finding, "csrf_token": _token(page), **form})

    def row(client, query=""):
        page = client.get(desk + query).get_data(as_text=True).split("<h3>各类疑点误报率")[0]
        return next((row for row in page.split('<tr id="')[1:] if row.startswith(f'{finding}"')), None)

    assert row(auditor, "?queue=mine") is None
    assert post(accountant, status="分派", reason="会计").status_code == 303  # the form's one text box
    assert _commits(root)[0].startswith("张会计|处置疑点")
    assert "待复核（审计）" in row(auditor, "?queue=mine")  # the review waits for every auditor
    offered = re.findall(r'<optgroup label="流程">(.*?)</optgroup>', row(auditor), re.S)[0]
    assert re.findall(r'value="([^"]+)"', offered) == ["复核"]
    offered = re.findall(r'<optgroup label="流程">(.*?)</optgroup>', row(accountant), re.S)[0]
    assert re.findall(r'value="([^"]+)"', offered) == ["分派", "溯源", "整改"]
    assert row(accountant, "?queue=mine") is None
    assert post(auditor, status="溯源", reason="越权").status_code == 403  # not the auditor's step
    assert post(auditor, status="复核", reason="属实，已调取国库支付记录").status_code == 303
    assert _commits(root)[0].startswith("李审计|处置疑点")
    assert "待溯源（会计）" in row(accountant, "?queue=mine")
    assert row(accountant, "?assignee=会计") is not None
    assert post(accountant, status="溯源", reason="经办人重复提交").status_code == 303
    assert post(accountant, status="整改", reason="已追回").status_code == 303
    assert [c.split("|")[0] for c in _commits(root)[:4]] == ["张会计", "张会计", "李审计", "张会计"]
    done = row(accountant)
    assert "已整改" in done and "已追回" in done and "李审计" in done
    assert row(accountant, "?queue=mine") is None
    text = (root / "main.beancount").read_text("utf-8")
    today = datetime.date.today().isoformat()
    assert f'{today} custom "finding" "{finding}" "复核" "属实，已调取国库支付记录"\n  by: "李审计"' in text
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                            text=True).stdout
    assert status == ""
    shares = accountant.get(desk).get_data(as_text=True)
    assert "各类疑点误报率" in shares


def test_an_overdue_step_shows_in_the_desk_queue(site):
    app, root = site
    accountant, bfile = _login(app, "张会计", "kuaiji-123")
    desk = f"/{bfile}/extension/FundtrailFindings/"
    page = accountant.get(desk + "?queue=unassigned").get_data(as_text=True)
    finding = re.search(r'<tr id="(F-[^"]+)"', page).group(1)
    main_file = root / "main.beancount"
    with main_file.open("a", encoding="utf-8") as ledger:
        ledger.write("\n" + disposition_directive(finding, "分派", "王会计", D(2025, 1, 2), by="张会计"))
    app.config["LEDGERS"].ledgers[0].load_file()  # the next load (the file watcher may be slow)
    page = accountant.get(desk + "?queue=overdue").get_data(as_text=True)
    assert f'<tr id="{finding}"' in page and "逾期" in page
    assert re.search(r"王会计（逾期1）", page)


def test_the_workflow_names_the_roles_the_users_file_knows():
    from fundtrail.web import users

    assert workflow.ROLE_LABELS == users.ROLES
    assert set(workflow.STEP_ROLE.values()) <= set(users.ROLES)


def test_control_characters_never_reach_the_ledger_or_the_commit_message():
    """A NUL in a web reason made git refuse the commit (500, the books left changed); escape
    sequences and bidi overrides reached the ledger, `git log` and terminals. Refused, naming
    the field and the characters; tabs and line breaks become spaces."""
    from fundtrail.fava_ext import desk
    from fundtrail.ledgertext import ControlCharacters

    for reason, by, named in (("王\x00会计", "", "责任人"), ("王\x1b[31m会计", "", "责任人"),
                              ("王会计\u202e", "", "责任人"), ("王会计", "张\x00会计", "用户名")):
        with pytest.raises(ControlCharacters) as refused:
            desk.disposition_entry("F-1", "分派", reason, D(2025, 1, 2), by=by)
        assert named in str(refused.value) and "控制字符" in str(refused.value)
    with pytest.raises(ControlCharacters, match="处置理由.*U\\+0007"):
        desk.disposition_entry("F-1", "核实中", "核对\x07回单", D(2025, 1, 2))
    entry = desk.disposition_entry("F-1", "核实中", "核对\t回单\r\n已到", D(2025, 1, 2))
    assert entry.values[2].value == "核对 回单 已到"
