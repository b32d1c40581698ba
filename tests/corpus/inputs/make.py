"""Writes the input corpus: what a county hands over besides its bank statements, in the shapes
its offices keep them.

    python tests/corpus/inputs/make.py [DEMO_WORKSPACE]

Five kinds of file (household register, cadres register, asset register, asset income records,
income distribution rosters), each in six or more header variants: the names the national
monitoring system's exports and county spreadsheets use, shuffled column order, columns a county
keeps that the books need not (序号, 备注, 联系电话...), a title row above the header, CSV in
UTF-8 with BOM, GBK, semicolon and tab delimited, Excel with a merged title row, a totals row
(合计), villages and assets by name instead of code.

The people, villages and assets are the demo county's (read from DEMO_WORKSPACE, else from a demo
built into a temporary folder), so every row can land in the demo's books. Each file carries
values the demo does not have yet (other dates, other amounts, new rows), so a test can tell
whether a column's values arrived (expected.json: per file, per data row, each field column's
value in one plain form: dates ISO, money to the cent). manifest.toml says, per file, its kind and, per column
header, the field it holds or "extra" (a column the books need not keep).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent

# -- the demo's data -----------------------------------------------------------------------


def load_demo(root: Path) -> dict:
    from beancount.core import data
    from beancount.parser import parser

    def read_csv(name):
        with open(root / "registers" / name, encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    county, _, _ = parser.parse_file(str(root / "masterdata" / "county.beancount"))
    towns, villages = {}, {}
    for e in county:
        if isinstance(e, data.Custom) and e.type in ("town", "village"):
            code = e.values[0].value
            if e.type == "town":
                towns[code] = e.meta["name"]
            else:
                villages[code] = (e.meta["name"], e.meta["town"])
    entries, _, _ = parser.parse_file(str(root / "masterdata" / "assets.beancount"))
    assets = []
    for e in entries:
        if isinstance(e, data.Custom) and e.type == "asset":
            m = e.meta
            income = m.get("income")
            value = m.get("value")
            assets.append({
                "id": e.values[0].value, "date": e.date, "name": m["name"], "class": m["class"],
                "project": m["project"], "village": m["village"], "owner": m.get("owner", ""),
                "value": value.number if value is not None else None,
                "custodian": m.get("custodian", ""),
                "income": income.number if income is not None else None,
            })
    coll, _, _ = parser.parse_file(str(root / "transactions" / "collective.beancount"))
    payer = {}
    for e in coll:
        if isinstance(e, data.Transaction):
            for p in e.postings:
                if p.account.startswith("Income:Asset:"):
                    payer.setdefault(p.account.split(":")[-1], e.payee)
    return {"households": read_csv("households.csv"), "officials": read_csv("officials.csv"),
            "towns": towns, "villages": villages, "assets": assets, "payer": payer}


# -- cell formats ----------------------------------------------------------------------------


def fmt_date(d, style):
    if not d:
        return ""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return {
        "iso": d.isoformat(),
        "slash": f"{d.year}/{d.month}/{d.day}",
        "compact": d.strftime("%Y%m%d"),
        "cn": f"{d.year}年{d.month}月{d.day}日",
        "dot": d.strftime("%Y.%m.%d"),
        "excel": d,  # a real date cell
    }[style]


def fmt_amount(x, style):
    if x is None or x == "":
        return ""
    x = Decimal(x)
    if style == "plain":
        return f"{x:.2f}"
    if style == "thousands":
        return f"{x:,.2f}"
    if style == "yuan":
        return f"￥{x:,.2f}"
    if style == "number":  # an Excel number cell
        return x
    raise ValueError(style)


# -- the variants ----------------------------------------------------------------------------
# A variant: file name, kind, format, encoding, delimiter, title lines, totals row, date and
# amount styles, and its columns: (header, field) where field is the key of a row dict or
# "extra:<what>" for a column the books need not keep.

KINDS = {
    "households": "household register (脱贫户/监测户登记册)",
    "officials": "cadres and relatives register (干部及亲属登记册)",
    "assets": "asset register (项目资产台账)",
    "income": "asset income records (资产收益记录)",
    "distribution": "income distribution roster (收益分配名单)",
}

# field key -> the manifest's words for it
WORDS = {
    "households": {
        "hh": "household code", "head": "head's name", "id": "ID number", "town": "town",
        "village": "village", "size": "household size", "type": "household type",
        "cause": "main cause of poverty", "tier": "risk tier", "card": "card number",
        "phone": "phone", "identified": "date identified", "cleared": "date risk removed",
    },
    "officials": {
        "name": "cadre's name", "id": "cadre's ID number", "unit": "unit or village",
        "post": "post", "rel_name": "relative's name", "rel_id": "relative's ID number",
        "relation": "relationship",
    },
    "assets": {
        "asset": "asset code", "name": "asset name", "class": "asset class",
        "project": "project code", "village": "village", "village_code": "village code",
        "owner": "owner", "value": "value in yuan", "value_wan": "value in 10,000 yuan",
        "custodian": "custodian", "income": "expected yearly income in yuan",
        "registered": "registration date",
    },
    "income": {
        "asset": "asset code", "asset_name": "asset name", "village": "village",
        "date": "income date", "amount": "amount", "kind": "income kind", "payer": "payer",
    },
    "distribution": {
        "asset": "asset code", "asset_name": "asset name", "village": "village",
        "name": "recipient's name", "id": "ID number", "card": "card number",
        "amount": "amount", "date": "distribution date", "status": "payment status",
        "kind": "distribution kind",
    },
}


def V(name, kind, columns, *, fmt="csv", encoding="utf-8-sig", delimiter=",", title=(),
      totals=False, dates="iso", amounts="plain", note=""):
    return dict(name=name, kind=kind, columns=columns, fmt=fmt, encoding=encoding,
                delimiter=delimiter, title=list(title), totals=totals, dates=dates,
                amounts=amounts, note=note)


VARIANTS = [
    # household register -----------------------------------------------------------------
    V("households-a-monitoring-export.csv", "households", [
        ("序号", "extra:seq"), ("省", "extra:province"), ("市", "extra:city"),
        ("县", "extra:county"), ("乡（镇）", "town"), ("行政村", "village"),
        ("户编码", "hh"), ("户主姓名", "head"), ("证件号码", "id"), ("家庭人口数", "size"),
        ("监测对象类别", "type"), ("风险类型", "cause"), ("风险等级", "tier"),
        ("纳入监测时间", "identified"), ("风险消除时间", "cleared"), ("银行卡号", "card"),
        ("联系电话", "phone"), ("是否风险消除", "extra:cleared_flag")],
      title=["防止返贫监测对象信息（全国防返贫监测信息系统导出）"],
      note="national monitoring system export: UTF-8 with BOM, a title row, its own names"),
    V("households-b-county-gbk.csv", "households", [
        ("所属乡镇", "town"), ("所属村", "village"), ("户主", "head"), ("户编号", "hh"),
        ("身份证号码", "id"), ("人口数", "size"), ("户属性", "type"),
        ("主要致贫原因", "cause"), ("风险等级", "tier"), ("一卡通账号", "card"),
        ("联系方式", "phone"), ("识别时间", "identified"), ("消除风险时间", "cleared"),
        ("帮扶责任人", "extra:helper"), ("备注", "extra:remark")],
      encoding="gbk", dates="slash",
      note="county spreadsheet saved as CSV in GBK, shuffled, dates 2024/3/5"),
    V("households-c-township.xlsx", "households", [
        ("序号", "extra:seq"), ("乡镇", "town"), ("村", "village"), ("户编号", "hh"),
        ("户主姓名", "head"), ("身份证号", "id"), ("家庭人口", "size"), ("户类型", "type"),
        ("致贫原因", "cause"), ("风险等级", "tier"), ("社保卡号", "card"),
        ("联系电话", "phone"), ("纳入时间", "identified"), ("风险消除时间", "cleared")],
      fmt="xlsx", title=["青禾区监测对象花名册"], totals=True, dates="excel",
      note="Excel, merged title row, date cells, a 合计 row"),
    V("households-d-semicolon.csv", "households", [
        ("户编码", "hh"), ("户主姓名", "head"), ("户主身份证号", "id"),
        ("乡镇（街道）", "town"), ("行政村", "village"), ("家庭人口（人）", "size"),
        ("户类型", "type"), ("主要致贫/返贫原因", "cause"), ("风险等级", "tier"),
        ("一卡通卡号", "card"), ("手机号码", "phone"), ("识别日期", "identified"),
        ("风险消除日期", "cleared"), ("是否享受低保", "extra:dibao")],
      encoding="utf-8", delimiter=";", dates="compact",
      note="semicolon delimited UTF-8 without BOM, full-width brackets, dates 20240305"),
    V("households-e-tab.txt", "households", [
        ("序号", "extra:seq"), ("家庭编号", "hh"), ("姓名", "head"),
        ("身份证件号码", "id"), ("乡镇", "town"), ("行政村", "village"),
        ("家庭成员数", "size"), ("监测类型", "type"), ("致贫返贫原因", "cause"),
        ("风险等级", "tier"), ("一卡通账号", "card"), ("联系电话", "phone"),
        ("纳入监测日期", "identified"), ("风险消除时间", "cleared"), ("录入人", "extra:clerk")],
      encoding="utf-8-sig", delimiter="\t", dates="cn",
      note="tab delimited text, dates 2024年3月5日"),
    V("households-f-two-titles.xlsx", "households", [
        ("户编号", "hh"), ("乡镇", "town"), ("行政村", "village"), ("户主姓名", "head"),
        ("公民身份号码", "id"), ("家庭人口", "size"), ("户类型", "type"),
        ("风险等级", "tier"), ("主要致贫原因", "cause"), ("银行卡号", "card"),
        ("联系电话", "phone"), ("识别日期", "identified"), ("风险消除日期", "cleared"),
        ("备注", "extra:remark")],
      fmt="xlsx", title=["青禾区脱贫户和监测户登记册", "填报单位：青禾区乡村振兴局　　填报日期：2025年6月30日"],
      dates="dot", note="Excel, two title rows (the second unmerged), dates as text 2024.03.05"),
    # cadres and relatives ----------------------------------------------------------------
    V("officials-a-discipline.csv", "officials", [
        ("序号", "extra:seq"), ("干部姓名", "name"), ("身份证号码", "id"),
        ("工作单位", "unit"), ("现任职务", "post"), ("亲属姓名", "rel_name"),
        ("亲属身份证号码", "rel_id"), ("与本人关系", "relation"), ("备注", "extra:remark")],
      title=["村干部及其近亲属享受补贴情况核查表"],
      note="discipline inspection checklist: title row, UTF-8 with BOM"),
    V("officials-b-gbk.csv", "officials", [
        ("关系人姓名", "rel_name"), ("关系人身份证号", "rel_id"), ("关系", "relation"),
        ("姓名", "name"), ("证件号码", "id"), ("单位/村", "unit"), ("职务", "post"),
        ("联系电话", "extra:phone")],
      encoding="gbk", note="GBK, relatives first"),
    V("officials-c-township.xlsx", "officials", [
        ("序号", "extra:seq"), ("姓名", "name"), ("性别", "extra:sex"),
        ("身份证号", "id"), ("所在单位", "unit"), ("职务", "post"),
        ("政治面貌", "extra:party"), ("近亲属姓名", "rel_name"),
        ("近亲属身份证号", "rel_id"), ("亲属关系", "relation")],
      fmt="xlsx", title=["干部及亲属登记册"], totals=False,
      note="Excel with a merged title row"),
    V("officials-d-semicolon.csv", "officials", [
        ("公职人员姓名", "name"), ("公民身份号码", "id"), ("单位或村", "unit"),
        ("职位", "post"), ("亲属姓名", "rel_name"), ("亲属证件号码", "rel_id"),
        ("称谓", "relation")],
      encoding="utf-8", delimiter=";", note="semicolon delimited"),
    V("officials-e-tab.tsv", "officials", [
        ("序号", "extra:seq"), ("亲属关系", "relation"), ("亲属姓名", "rel_name"),
        ("亲属身份证号", "rel_id"), ("干部姓名", "name"), ("干部身份证号", "id"),
        ("任职单位", "unit"), ("担任职务", "post")],
      encoding="gbk", delimiter="\t", note="tab delimited GBK, shuffled"),
    V("officials-f-village.xlsx", "officials", [
        ("村", "unit"), ("姓名", "name"), ("身份证号", "id"), ("职务", "post"),
        ("关系人", "rel_name"), ("关系人身份证号码", "rel_id"), ("与干部关系", "relation"),
        ("联系电话", "extra:phone"), ("备注", "extra:remark")],
      fmt="xlsx", title=["村两委干部亲属备案表", "（截至2025年6月）"],
      note="Excel, two title rows"),
    # asset register ------------------------------------------------------------------------
    V("assets-a-ledger.csv", "assets", [
        ("序号", "extra:seq"), ("资产编号", "asset"), ("资产名称", "name"),
        ("资产类别", "class"), ("项目编号", "project"), ("行政村", "village"),
        ("所有权人", "owner"), ("资产原值(元)", "value"), ("管护主体", "custodian"),
        ("预计年收益", "income"), ("确权日期", "registered"), ("备注", "extra:remark")],
      title=["青禾区扶贫项目资产台账"], note="county asset ledger: title row, 资产原值(元), 预计年收益"),
    V("assets-b-gbk.csv", "assets", [
        ("资产名称", "name"), ("资产编码", "asset"), ("所属项目编号", "project"),
        ("资产性质", "class"), ("所在村", "village"), ("产权归属", "owner"),
        ("资产价值（万元）", "value_wan"), ("管护责任主体", "custodian"),
        ("预计年收益（元）", "income"), ("移交日期", "registered"),
        ("建设年度", "extra:year"), ("管护责任人", "extra:keeper")],
      encoding="gbk", dates="slash", note="GBK, value in 万元, shuffled"),
    V("assets-c-township.xlsx", "assets", [
        ("序号", "extra:seq"), ("乡镇", "extra:town"), ("村名称", "village"),
        ("资产编号", "asset"), ("资产名称", "name"), ("资产类型", "class"),
        ("项目编号", "project"), ("确权主体", "owner"), ("资产价值", "value"),
        ("管护单位", "custodian"), ("年收益预期", "income"), ("确权登记日期", "registered"),
        ("资产数量", "extra:quantity"), ("计量单位", "extra:unit")],
      fmt="xlsx", title=["项目资产确权登记台账"], totals=True, dates="excel", amounts="number",
      note="Excel, merged title, number and date cells, a 合计 row"),
    V("assets-d-codes.csv", "assets", [
        ("资产代码", "asset"), ("资产名称", "name"), ("资产类别", "class"),
        ("项目编码", "project"), ("村代码", "village_code"), ("资产所有权人", "owner"),
        ("账面价值", "value"), ("管护主体", "custodian"), ("预期年收益", "income"),
        ("登记日期", "registered")],
      encoding="utf-8", delimiter=";", dates="compact", amounts="thousands",
      note="semicolon delimited, villages by 12-digit code, amounts with thousands separators"),
    V("assets-e-tab.txt", "assets", [
        ("资产编号", "asset"), ("资产名称", "name"), ("资产类别", "class"),
        ("坐落位置", "extra:location"), ("项目编号", "project"), ("行政村", "village"),
        ("所有权人", "owner"), ("资产原值", "value"), ("管护主体", "custodian"),
        ("预计年收益(元)", "income"), ("确权日期", "registered"), ("联系电话", "extra:phone")],
      encoding="utf-8-sig", delimiter="\t", dates="cn", note="tab delimited, dates 2024年8月5日"),
    V("assets-f-survey.xlsx", "assets", [
        ("资产编号", "asset"), ("项目编号", "project"), ("资产名称", "name"),
        ("资产类别", "class"), ("所在行政村", "village"), ("资产权属", "owner"),
        ("资产原值（万元）", "value_wan"), ("管护主体", "custodian"),
        ("预计年收益（元）", "income"), ("移交时间", "registered"), ("备注", "extra:remark")],
      fmt="xlsx", title=["青禾区扶贫项目资产清查表", "单位：万元、元"], dates="dot",
      note="Excel, two title rows, value in 万元"),
    # asset income records ------------------------------------------------------------------
    V("income-a-village.csv", "income", [
        ("序号", "extra:seq"), ("资产编号", "asset"), ("资产名称", "asset_name"),
        ("收益日期", "date"), ("收益金额(元)", "amount"), ("收益类型", "kind"),
        ("付款单位", "payer"), ("备注", "extra:remark")],
      title=["村集体资产收益登记表"], totals=True, note="village record: title row, 合计"),
    V("income-b-gbk.csv", "income", [
        ("行政村", "village"), ("资产名称", "asset_name"), ("资产编码", "asset"),
        ("付款方", "payer"), ("收益类别", "kind"), ("到账日期", "date"), ("金额", "amount"),
        ("经办人", "extra:clerk")],
      encoding="gbk", dates="slash", amounts="thousands", note="GBK, shuffled, 1,234.50"),
    V("income-c-township.xlsx", "income", [
        ("序号", "extra:seq"), ("村", "village"), ("资产编号", "asset"),
        ("收款日期", "date"), ("收入金额", "amount"), ("收入类型", "kind"),
        ("交款单位", "payer"), ("所属期间", "extra:period")],
      fmt="xlsx", title=["资产收益台账"], totals=True, dates="excel", amounts="number",
      note="Excel, merged title, number and date cells, 合计"),
    V("income-d-names.csv", "income", [
        ("资产名称", "asset_name"), ("所在村", "village"), ("入账日期", "date"),
        ("收益金额（元）", "amount"), ("收益方式", "kind"), ("承租方", "payer")],
      encoding="utf-8", delimiter=";", dates="compact",
      note="asset and village by name only, no codes; semicolon delimited"),
    V("income-e-tab.txt", "income", [
        ("资产编号", "asset"), ("收益日期", "date"), ("实收金额", "amount"),
        ("收益类型", "kind"), ("缴款单位", "payer"), ("备注", "extra:remark")],
      encoding="gbk", delimiter="\t", dates="cn", amounts="yuan",
      note="tab delimited GBK, ¥ amounts, dates 2025年10月3日"),
    V("income-f-cooperative.xlsx", "income", [
        ("资产编号", "asset"), ("资产名称", "asset_name"), ("收益到账日期", "date"),
        ("收益金额", "amount"), ("收益类型", "kind"), ("付款单位名称", "payer"),
        ("联系电话", "extra:phone")],
      fmt="xlsx", title=["2025年村集体经营性资产收益明细", "填报单位：青禾区农业农村局"],
      dates="dot", note="Excel, two title rows, text cells"),
    # income distribution rosters -----------------------------------------------------------
    V("distribution-a-village.csv", "distribution", [
        ("序号", "extra:seq"), ("资产编号", "asset"), ("行政村", "village"),
        ("姓名", "name"), ("身份证号", "id"), ("一卡通账号", "card"),
        ("分配金额", "amount"), ("分配方式", "kind"), ("发放日期", "date"),
        ("发放状态", "status"), ("家庭人口", "extra:size"), ("备注", "extra:remark")],
      title=["村集体资产收益分配名单"], totals=True, note="village roster: title row, 合计"),
    V("distribution-b-gbk.csv", "distribution", [
        ("村名称", "village"), ("收款人", "name"), ("证件号码", "id"),
        ("银行卡号", "card"), ("发放金额(元)", "amount"), ("收益用途", "kind"),
        ("发放时间", "date"), ("发放结果", "status"), ("资产编码", "asset"),
        ("联系电话", "extra:phone")],
      encoding="gbk", dates="slash", note="GBK, shuffled, 银行卡号"),
    V("distribution-c-township.xlsx", "distribution", [
        ("序号", "extra:seq"), ("所在村", "village"), ("资产编号", "asset"),
        ("户主姓名", "name"), ("身份证号码", "id"), ("社保卡号", "card"),
        ("分红金额", "amount"), ("分配类型", "kind"), ("分配日期", "date"),
        ("状态", "status"), ("致贫原因", "extra:cause")],
      fmt="xlsx", title=["收益分配发放花名册"], totals=True, dates="excel", amounts="number",
      note="Excel, merged title, number and date cells, 合计"),
    V("distribution-d-names.csv", "distribution", [
        ("资产名称", "asset_name"), ("行政村", "village"), ("领取人", "name"),
        ("公民身份号码", "id"), ("一卡通卡号", "card"), ("金额", "amount"),
        ("用途", "kind"), ("日期", "date"), ("发放状态", "status")],
      encoding="utf-8", delimiter=";", dates="compact",
      note="asset by name only, no codes; semicolon delimited"),
    V("distribution-e-tab.txt", "distribution", [
        ("序号", "extra:seq"), ("资产编号", "asset"), ("村", "village"),
        ("姓名", "name"), ("身份证件号码", "id"), ("一卡通账号", "card"),
        ("发放金额（元）", "amount"), ("分配方式", "kind"), ("发放日期", "date"),
        ("发放状态", "status"), ("签字", "extra:signature")],
      encoding="gbk", delimiter="\t", dates="cn", note="tab delimited GBK"),
    V("distribution-f-township.xlsx", "distribution", [
        ("资产编号", "asset"), ("资产名称", "asset_name"), ("行政村", "village"),
        ("收款人姓名", "name"), ("身份证号", "id"), ("收款账号", "card"),
        ("分配金额（元）", "amount"), ("收益分配方式", "kind"), ("发放日期", "date"),
        ("发放状态", "status"), ("户编号", "extra:hh")],
      fmt="xlsx", title=["2025年下半年资产收益分配名单", "单位：元"], dates="dot",
      note="Excel, two title rows, 收款账号 for the card"),
]


# -- the rows ----------------------------------------------------------------------------------

CLASS_WORDS = ["经营性", "公益性", "到户类"]
RELATIONS = ["配偶", "父子", "母女", "兄弟", "姐妹", "女婿", "儿媳", "叔侄", "子女", "父母"]


def income_kind(asset_name: str) -> str:
    return "租金" if ("车间" in asset_name or "旅游" in asset_name) else "分红"


def rows_for(kind: str, i: int, demo: dict) -> list[dict]:
    """The rows of the i-th file of a kind: demo people, villages and assets, new values."""
    hh = demo["households"]
    village_name = {c: n for c, (n, _) in demo["villages"].items()}
    town_of = {c: demo["towns"][t] for c, (_, t) in demo["villages"].items()}
    operating = [a for a in demo["assets"] if a["income"] is not None]
    if kind == "households":
        monitored = [h for h in hh if h["户类型"].startswith("监测户")]
        out = []
        for j, h in enumerate(monitored[i * 6:(i + 1) * 6]):
            identified = date(2024, 1, 8) + timedelta(days=i * 41 + j * 13)
            cleared = identified + timedelta(days=180 + j) if j % 2 == 0 else None
            out.append({
                "hh": h["户编号"], "head": h["户主姓名"], "id": h["身份证号"], "town": h["乡镇"],
                "village": h["行政村"], "size": int(h["家庭人口"]), "type": h["户类型"],
                "cause": h["主要致贫/返贫原因"], "tier": h["风险等级"], "card": h["一卡通账号"],
                "phone": h["联系电话"], "identified": identified, "cleared": cleared,
            })
        return out
    if kind == "officials":
        offs = demo["officials"]
        heads = [h for h in hh if h["户类型"] == "脱贫户"]
        out = []
        for j in range(4):
            o = offs[(i * 3 + j) % len(offs)]
            r = heads[40 + i * 4 + j]
            out.append({"name": o["姓名"], "id": o["身份证号"], "unit": o["单位/村"],
                        "post": o["职务"], "rel_name": r["户主姓名"], "rel_id": r["身份证号"],
                        "relation": RELATIONS[(i + j) % len(RELATIONS)]})
        return out
    if kind == "assets":
        out = []
        for a in demo["assets"][i::6]:
            income = a["income"] + Decimal(100 * (i + 1)) if a["income"] is not None else None
            out.append({
                "asset": a["id"], "name": a["name"], "class": a["class"],
                "project": a["project"], "village": village_name[a["village"]],
                "village_code": a["village"], "owner": a["owner"], "value": a["value"],
                "value_wan": a["value"] / 10000 if a["value"] is not None else None,
                "custodian": a["custodian"], "income": income,
                "registered": a["date"] - timedelta(days=i + 1),
            })
        return out
    if kind == "income":
        out = []
        for j in range(5):
            a = operating[(i * 5 + j) % len(operating)]
            out.append({
                "asset": a["id"], "asset_name": a["name"], "village": village_name[a["village"]],
                "date": date(2025, 10, 3) + timedelta(days=i * 5 + j),
                "amount": Decimal(3000 + 211 * i + 37 * j) + Decimal(i * 7 + j + 1) / 100,
                "kind": income_kind(a["name"]), "payer": demo["payer"].get(a["id"], ""),
            })
        return out
    if kind == "distribution":
        a = operating[(i * 2) % len(operating)]
        vname = village_name[a["village"]]
        people = [h for h in hh if h["行政村"] == vname and h["乡镇"] == town_of[a["village"]]]
        people = people or hh[:6]
        day = date(2025, 11, 12) + timedelta(days=i * 3)
        out = []
        ok, failed = ("已发放", "发放失败") if i == 4 else ("成功", "失败")

        def person(h, k, amount, status):
            return {"asset": a["id"], "asset_name": a["name"], "village": vname,
                    "name": h["户主姓名"], "id": h["身份证号"], "card": h["一卡通账号"],
                    "amount": amount, "kind": k, "date": day, "status": status}

        for j in range(4):
            h = people[j % len(people)]
            out.append(person(h, "分红到户", Decimal(800 + 53 * i) + Decimal(j + 1) / 10, ok))
        out.append(person(people[4 % len(people)], "公益岗位工资",
                          Decimal(1500 + 61 * i) + Decimal("0.50"), ok))
        out.append({"asset": a["id"], "asset_name": a["name"], "village": vname,
                    "name": f"{vname}村民委员会", "id": "", "card": "",
                    "amount": Decimal(2000 + 71 * i), "kind": "村级公益事业", "date": day,
                    "status": ok})
        out.append(person(people[5 % len(people)], "分红到户",
                          Decimal(700 + 29 * i) + Decimal("0.30"), failed))
        return out
    raise ValueError(kind)


def extra_value(what: str, row: dict, j: int, demo: dict):
    return {
        "seq": j + 1, "province": "山东省", "city": "青禾市", "county": "青禾区",
        "cleared_flag": "是" if row.get("cleared") else "否",
        "helper": "张卫东", "remark": "", "dibao": "否", "clerk": "李敏",
        "phone": "0632-5512" + f"{300 + j}", "sex": "男" if j % 2 else "女", "party": "中共党员",
        "year": "2024", "keeper": "王建国", "town": "", "quantity": 1, "unit": "处",
        "location": row.get("village", "") + "村东", "period": "2025年第4季度",
        "size": 3, "cause": "缺劳力", "signature": "", "hh": "",
    }[what]


def cell(row: dict, field: str, v: dict, j: int, demo: dict):
    if field.startswith("extra:"):
        return extra_value(field[6:], row, j, demo)
    value = row.get(field)
    if value is None:
        return ""
    if isinstance(value, date):
        return fmt_date(value, v["dates"])
    if isinstance(value, Decimal):
        if field == "value_wan":
            return value.normalize() if v["amounts"] == "number" else format(value.normalize(), "f")
        return fmt_amount(value, v["amounts"])
    if isinstance(value, int) and v["fmt"] == "csv":
        return str(value)
    return value


def table(v: dict, demo: dict, i: int) -> tuple[list[str], list[list]]:
    rows = rows_for(v["kind"], i, demo)
    header = [h for h, _ in v["columns"]]
    body = [[cell(r, f, v, j, demo) for _, f in v["columns"]] for j, r in enumerate(rows)]
    if v["totals"]:
        tot = ["合计"] + [""] * (len(header) - 1)
        for k, (_, f) in enumerate(v["columns"]):
            if f in ("amount", "value", "income", "size"):
                s = sum((r[f] for r in rows if r.get(f) is not None), Decimal(0))
                tot[k] = s if v["amounts"] == "number" or v["fmt"] == "xlsx" else fmt_amount(s, v["amounts"])
        body.append(tot)
    return header, body


def write_csv(path: Path, v: dict, header, body) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=v["delimiter"], lineterminator="\r\n")
    for t in v["title"]:
        w.writerow([t] + [""] * (len(header) - 1) if v["delimiter"] != "\t" else [t])
    w.writerow(header)
    for r in body:
        w.writerow(["" if c is None else c for c in r])
    path.write_bytes(buf.getvalue().encode(v["encoding"]))


def write_xlsx(path: Path, v: dict, header, body) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for k, t in enumerate(v["title"], start=1):
        ws.cell(row=k, column=1, value=t)
        if k == 1:  # the title is merged across the table
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    top = len(v["title"]) + 1
    for c, h in enumerate(header, start=1):
        ws.cell(row=top, column=c, value=h)
    for r, values in enumerate(body, start=top + 1):
        for c, value in enumerate(values, start=1):
            if value == "" or value is None:
                continue
            x = ws.cell(row=r, column=c, value=float(value) if isinstance(value, Decimal) else value)
            if isinstance(value, date):
                x.number_format = "yyyy-mm-dd"
            elif isinstance(value, Decimal):
                x.number_format = "0.00"
    wb.save(path)


def canonical(row: dict, field: str) -> str:
    """A row's value in one plain form for the test: dates ISO, money to the cent (万元 in yuan)."""
    value = row.get("value" if field == "value_wan" else field)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        demo = load_demo(Path(argv[1]))
    else:
        from fundtrail.ledgers.demo.build import build

        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp) / "demo")
            demo = load_demo(Path(tmp) / "demo")
    count, expected = {}, {}
    lines = ["# The input corpus: per file its kind and, per column header, the field it holds",
             "# (in plain words) or \"extra\" for a column the books need not keep.",
             "# Written by make.py with the files; regenerate both together.", ""]
    for v in VARIANTS:
        i = count.get(v["kind"], 0)
        count[v["kind"]] = i + 1
        header, body = table(v, demo, i)
        expected[v["name"]] = [
            {h: canonical(r, f) for h, f in v["columns"] if not f.startswith("extra:")}
            for r in rows_for(v["kind"], i, demo)]
        path = HERE / v["name"]
        (write_xlsx if v["fmt"] == "xlsx" else write_csv)(path, v, header, body)
        lines += ["[[file]]", f"name = {toml_str(v['name'])}", f"kind = {toml_str(v['kind'])}",
                  f"shape = {toml_str(v['note'])}", f"rows = {len(body) - int(v['totals'])}",
                  f"totals_row = {'true' if v['totals'] else 'false'}", "[file.columns]"]
        for h, f in v["columns"]:
            word = "extra" if f.startswith("extra:") else WORDS[v["kind"]][f]
            lines.append(f"{toml_str(h)} = {toml_str(word)}")
        lines.append("")
    (HERE / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(", ".join(f"{k}: {n} files" for k, n in count.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
