"""Classification: the workspace's rules first, then project/fund found in the text, else
suspense. Nothing is guessed."""

import datetime

import pytest
from beancount.parser import parser

from fundtrail.importers.classify import Classifier, Item, _rule
from fundtrail.importers.errors import BadInput
from fundtrail.masterdata import MasterData

LEDGER = """
2024-01-10 open Income:Fund:Central:C2024-048 CNY
  name: "2024年中央财政衔接推进乡村振兴补助资金(第一批)"
  doc_no: "财农〔2024〕48号"
2024-01-10 open Income:Fund:City:M2024-021 CNY
  name: "2024年市级财政衔接推进乡村振兴补助资金"
  doc_no: "临财农指〔2024〕21号"
2024-01-01 open Expenses:Project:QH2024-002 CNY
  name: "张山前村温室大棚项目"
  fund: "C2024-048"
  approved: 2024-03-20
2024-01-01 open Expenses:Project:QH2024-L01 CNY
  name: "2024年小额信贷贴息项目"
  fund: "M2024-021"
"""
DAY = datetime.date(2024, 5, 6)


def classifier(*rules) -> Classifier:
    entries, errors, _ = parser.parse_string(LEDGER)
    assert errors == []
    return Classifier(MasterData.from_entries(entries), [_rule(n, r) for n, r in enumerate(rules, 1)])


def out(purpose, **kw) -> Item:
    return Item("bank", DAY, "out", "Assets:Bank:ICBC-2345", kw.pop("payee", "某公司"), purpose=purpose,
                narration=purpose, **kw)


def test_project_name_in_the_text_with_its_stage_and_fund():
    result = classifier().classify(out("张山前村温室大棚项目进度款"), ("f", 1))
    assert (result.account, result.meta, result.links) == (
        "Expenses:Project:QH2024-002", {"fund": "C2024-048", "stage": "进度款"}, {"QH2024-002"})


def test_fund_document_number_makes_a_receipt():
    item = Item("bank", DAY, "in", "Assets:Bank:ABC-6688", "某单位", purpose="拨付 财农[2024]48号 资金")
    result = classifier().classify(item, ("f", 1))
    assert result.account == "Income:Fund:Central:C2024-048" and result.links == {"C2024-048"}


def test_a_rule_wins_and_its_project_brings_its_own_fund():
    rule = {"name": "贴息", "when": {"purpose": "贴息"}, "project": "QH{year}-L01", "stage": ""}
    result = classifier(rule).classify(out("张山前村温室大棚项目 贴息"), ("f", 1))
    assert (result.account, result.meta, result.rule) == (
        "Expenses:Project:QH2024-L01", {"fund": "M2024-021"}, "贴息")


def test_a_rule_naming_an_unknown_project_is_an_error():
    rule = {"name": "x", "when": {"payee": "养护队"}, "project": "QH2099-001"}
    with pytest.raises(BadInput, match="QH2099-001"):
        classifier(rule).classify(out("道路养护", payee="某养护队"), ("statement.csv", 7))


def test_nothing_matches_goes_to_suspense_never_guessed():
    result = classifier().classify(out("往来款", summary="转账支取"), ("f", 1))
    assert (result.account, result.narration, result.links) == ("Expenses:Suspense", "转账支取 往来款", set())
