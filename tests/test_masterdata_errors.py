"""A typo in master data is an error at its directive, not a traceback from the checks plugin,
and a quoted ISO date reads as a date."""

import datetime

from beancount import loader
from chinese_only import english

from fundtrail.masterdata import MasterData

LEDGER = """
plugin "fundtrail.plugins.checks"
2024-01-01 open Expenses:Project:QH-1
  name: "道路硬化"
  budget: "十万"
  start: "2024-03-01"
  approved: "soon"
2024-01-01 custom "notice" "QH-1"
2024-01-01 custom "register" "households"
"""


def _load(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER, encoding="utf-8")
    return loader.load_file(str(path))


def test_unreadable_master_data_is_an_error_at_its_line(tmp_path):
    _, errors, _ = _load(tmp_path)
    messages = [(e.source["lineno"], e.message) for e in errors]
    assert "Traceback" not in str(messages)
    at = {line: " ".join(m for n, m in messages if n == line) for line, _ in messages}
    assert "主数据有误：open Expenses:Project:QH-1 指令的 budget 应为金额（如 100000.00），实际为 '十万'，" \
           "本次按未填写读取" in at[3]
    assert "open Expenses:Project:QH-1 指令的 approved 应为日期（如 2024-05-01），实际为 'soon'" in at[3]
    assert at[8] == ('主数据有误：custom "notice" 指令应写为 custom "notice" "<项目编号>" "<plan|completion>"，'
                     '共 2 个值，实际只写了 1 个（"QH-1"）')
    assert at[9] == ('主数据有误：custom "register" 指令应写为 custom "register" "<登记册类别>" "<文件路径>"，'
                     '共 2 个值，实际只写了 1 个（"households"）')
    assert not [m for _, m in messages if english(m)]


def test_a_bad_field_loses_the_field_not_the_project(tmp_path):
    entries, _, _ = _load(tmp_path)
    master = MasterData.from_entries(entries)
    project = master.projects["QH-1"]
    assert project.name == "道路硬化" and project.budget == 0 and project.approved is None
    assert project.start == datetime.date(2024, 3, 1)
    assert master.notices == [] and master.registers == {}
    assert len(master.problems) == 4


def test_a_quoted_false_flag_reads_as_false():
    from beancount import loader

    from fundtrail.masterdata import MasterData

    entries, _, _ = loader.load_string('''
2024-01-10 open Income:Fund:Central:C2024-001 CNY
  doc_no: "财农〔2024〕1号"
  earmarked: "FALSE"
  direct: "是"
2024-01-10 open Income:Fund:County:X2024-002 CNY
  doc_no: "青禾财农〔2024〕2号"
  earmarked: TRUE
''')
    funds = MasterData.from_entries(entries).funds
    assert (funds["C2024-001"].earmarked, funds["C2024-001"].direct) == (False, True)
    assert (funds["X2024-002"].earmarked, funds["X2024-002"].direct) == (True, False)


EVERY_KIND = """
plugin "fundtrail.plugins.checks" "{'split_limt': 1, 'duplicate_window_days': -5, 'severity': {'holiday-paymnt': 'low'}}"
2024-01-01 custom "subsidy-item" "产业奖补"
  period: "weekly"
2024-01-01 custom "loan" "D-1"
  amount: "五万"
  term_months: "三年"
2024-01-01 custom "asset-disposal" "ZC-1"
2024-01-01 custom "register" "households" "registers/none.csv"
2024-03-01 custom "finding" "F-0000000000"
2024-03-02 custom "finding" "F-0000000001" "误报"
"""


def test_every_error_of_the_checks_and_the_master_data_is_chinese_and_says_which(tmp_path):
    """No rule slug, no English phrase: each message names the setting, the directive or the
    file, what was written and what it should be, at the directive's line."""
    path = tmp_path / "main.beancount"
    path.write_text(EVERY_KIND, encoding="utf-8")
    _, errors, _ = loader.load_file(str(path))
    messages = [(e.source["lineno"], e.message) for e in errors]
    assert [m for _, m in messages if english(m)] == []
    at = {line: [m for n, m in messages if n == line] for line, _ in messages}
    assert at[2] == [  # the plugin line
        "未知的检查设置 'split_limt'，已忽略，是否应为 split_limit（须招标或审批的金额限额（元））？",
        "检查设置 duplicate_window_days（两笔相同付款视为重复的天数）的值 -5 无效：应为天数（整数），不小于 0；"
        "本次按默认值（30）检查",
        "检查设置 severity（本县对各规则严重程度的调整）的值 {'holiday-paymnt': 'low'} 无效：未知的规则"
        " 'holiday-paymnt'（是否应为 'holiday-payment'，即「节假日支付」？）；应为规则编号（或 规则编号:变体）"
        "到严重程度的字典，如 {'holiday-payment': 'medium'}；本次按默认值（{}）检查"]
    assert at[3] == ["主数据有误：补贴项目“产业奖补”的 period 应为 once、year、half、quarter、month 之一"
                     "（一次、每年、每半年、每季度、每月发放），实际为 'weekly'"]
    assert at[5] == ["主数据有误：custom \"loan\" \"D-1\" 指令的 amount 应为金额（如 100000.00），实际为 '五万'，"
                     "本次按未填写读取",
                     "主数据有误：custom \"loan\" \"D-1\" 指令的 term_months 应为整数，实际为 '三年'，本次按未填写读取"]
    assert at[8] == ['主数据有误：custom "asset-disposal" 指令应写为 custom "asset-disposal" "<资产编号>"'
                     ' "<出售|报废|转让>"，共 2 个值，实际只写了 1 个（"ZC-1"）']
    assert at[9] == ["主数据有误：登记册文件“registers/none.csv”不存在"]
    assert at[10] == ['处置应写为 custom "finding" "<疑点编号>" "<状态或步骤>" "<理由>"，实际只写了 1 个值'
                      "（缺少状态或步骤、理由）"]
    assert at[11] == ['处置应写为 custom "finding" "<疑点编号>" "<状态或步骤>" "<理由>"，实际只写了 2 个值'
                      "（缺少理由）"]
