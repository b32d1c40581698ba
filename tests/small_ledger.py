"""A small workspace for the audit-trail tests: `fundtrail init` layout plus a few entries,
two of them from a source document with its sha256, in a sealed half (H1 2024) and an open one."""

import datetime
import hashlib
from pathlib import Path

from fundtrail import workspace

STATEMENT = "documents/Assets/Bank/ICBC-2345/2024-06-30.icbc.csv"
STATEMENT_TEXT = "交易日期,摘要,借方发生额,贷方发生额\n20240305,预付款,30000.00,\n20240510,补贴,,1000.00\n"

MASTER = """
2024-01-01 open Assets:Bank:ICBC-2345 CNY
  name: "工行专户"
2024-01-01 open Income:Fund:Central:C2024-001 CNY
  name: "中央衔接资金"
  amount: 500000.00 CNY
2024-01-01 open Expenses:Project:QH2024-001 CNY
  name: "温室大棚项目"
  village: "370405100200"
2024-01-01 open Expenses:Project:QH2024-002 CNY
  name: "道路硬化项目"
"""

TRANSACTIONS = """
2024-02-01 * "上级财政" "财农〔2024〕1号 到账" ^C2024-001
  Assets:Bank:ICBC-2345            100000.00 CNY
  Income:Fund:Central:C2024-001

2024-03-05 * "禾丰合作社" "温室大棚项目预付款" ^ICBC-2345-0001
  source: "{statement}"
  sha256: "{sha}"
  row: 2
  Expenses:Project:QH2024-001       30000.00 CNY
    fund: "C2024-001"
    stage: "预付款"
  Assets:Bank:ICBC-2345

2024-05-10 * "王五" "到户产业奖补" ^YKT-QH2024B1-001
  source: "{statement}"
  row: 3
  Expenses:Project:QH2024-002        1000.00 CNY
    fund: "C2024-001"
    id_no: "370405199001011234"
  Assets:Bank:ICBC-2345

2024-07-01 balance Assets:Bank:ICBC-2345  69000.00 CNY

2024-08-15 * "李四" "道路硬化项目进度款" ^ICBC-2345-0002
  Expenses:Project:QH2024-002        5000.00 CNY
    fund: "C2024-001"
  Assets:Bank:ICBC-2345
"""

HOUSEHOLDS = ("户编号,户主姓名,身份证号,乡镇,行政村,家庭人口,户类型,主要致贫/返贫原因,风险等级,一卡通账号,联系电话\n"
              "H001,王五,370405199001011234,张山镇,前村,4,脱贫户,因病,蓝,6231000000000001,13800000001\n"
              "H002,赵六,370405198502023456,张山镇,后村,3,监测户,因学,橙,6231000000000002,13800000002\n")


def make(root: Path) -> Path:
    """Write the workspace into root; return its main.beancount."""
    main = workspace.create(root, workspace.County(start=datetime.date(2024, 1, 1)))
    statement = root / STATEMENT
    statement.parent.mkdir(parents=True, exist_ok=True)
    statement.write_text(STATEMENT_TEXT, "utf-8")
    sha = hashlib.sha256(statement.read_bytes()).hexdigest()
    (root / "masterdata/projects.beancount").write_text(MASTER, "utf-8")
    (root / "transactions/imported.beancount").write_text(
        TRANSACTIONS.format(statement=STATEMENT, sha=sha), "utf-8")
    (root / "registers/households.csv").write_text(HOUSEHOLDS, "utf-8")
    return main
