"""A typo in master data is an error at its directive, not a traceback from the checks plugin,
and a quoted ISO date reads as a date."""

import datetime

from beancount import loader

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
    assert "budget 应为金额" in at[3] and "approved 应为日期" in at[3]
    assert '"<plan|completion>"' in at[8]
    assert '"<kind>" "<path>"' in at[9]


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
