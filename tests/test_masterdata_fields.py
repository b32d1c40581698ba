"""Every field of a project, an asset and a notice reads from its own metadata key: the
readers build the records from their fields in order, so a field moved in a record's
definition must not take another field's value."""

import datetime
from decimal import Decimal

from beancount import loader

from fundtrail.masterdata import MasterData

LEDGER = """
2024-01-01 open Expenses:Project:QH-1
  name: "道路硬化"
  category: "基础设施"
  nature: "新建"
  town: "370405104"
  village: "370405104202"
  task: "硬化道路2公里"
  standard: "4米宽"
  budget: 500000.00 CNY
  fund: "C2024-001"
  sources: "财农〔2024〕1号"
  start: 2024-03-01
  end: 2024-09-30
  unit: "镇人民政府"
  manager: "王某"
  goal: "方便出行"
  linkage: "务工带动"
  households: 30
  poor_households: 12
  approved: 2024-02-20
  phone: "0632-1234567"
2024-10-10 custom "asset" "ZC2024-001"
  name: "道路"
  class: "公益性"
  project: "QH-1"
  owner: "某村股份经济合作社"
  value: 480000.00 CNY
  custodian: "某村村民委员会"
  income: 1200.00 CNY
2024-02-21 custom "notice" "QH-1" "plan"
  until: 2024-03-01
  place: "村务公开栏"
"""


def _master(tmp_path) -> MasterData:
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER, encoding="utf-8")
    entries, errors, _ = loader.load_file(str(path))
    master = MasterData.from_entries(entries)
    assert not master.problems, master.problems
    return master


def test_each_project_field_reads_its_own_key(tmp_path):
    project = _master(tmp_path).projects["QH-1"]
    assert (project.code, project.account) == ("QH-1", "Expenses:Project:QH-1")
    assert (project.name, project.category, project.nature, project.town, project.village) == (
        "道路硬化", "基础设施", "新建", "370405104", "370405104202")
    assert (project.task, project.standard, project.sources, project.unit, project.manager) == (
        "硬化道路2公里", "4米宽", "财农〔2024〕1号", "镇人民政府", "王某")
    assert (project.goal, project.linkage, project.phone) == ("方便出行", "务工带动", "0632-1234567")
    assert project.budget == Decimal("500000.00")
    assert (project.start, project.end, project.approved) == (
        datetime.date(2024, 3, 1), datetime.date(2024, 9, 30), datetime.date(2024, 2, 20))
    assert (project.households, project.poor_households) == (30, 12)
    assert type(project.households) is int and project.meta["fund"] == "C2024-001"


def test_each_asset_and_notice_field_reads_its_own_key(tmp_path):
    master = _master(tmp_path)
    asset = master.assets["ZC2024-001"]
    assert (asset.id, asset.registered, asset.name, asset.cls, asset.project) == (
        "ZC2024-001", datetime.date(2024, 10, 10), "道路", "公益性", "QH-1")
    assert (asset.village, asset.owner, asset.custodian) == (  # the village: its project's
        "370405104202", "某村股份经济合作社", "某村村民委员会")
    assert (asset.value, asset.expected_income) == (Decimal("480000.00"), Decimal("1200.00"))
    assert asset.entry.values[0].value == "ZC2024-001"
    (notice,) = master.notices
    assert (notice.project, notice.stage, notice.posted, notice.until, notice.place) == (
        "QH-1", "plan", datetime.date(2024, 2, 21), datetime.date(2024, 3, 1), "村务公开栏")
