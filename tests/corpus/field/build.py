"""Writes the field corpus (CSV/xlsx, GBK/UTF-8) and manifest.json from the tables below.

Run from anywhere: ``python3 tests/corpus/field/build.py`` (needs openpyxl). Each run writes the
same content (xlsx archives differ only in timestamps); the committed files are its output. Expected verdicts are hand-computed here and
written to manifest.json; README.md explains each file and case.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
AS_OF = date(2024, 12, 31)
SUBSIDY_CUTOFF = date(2024, 12, 20)  # 贴息计算截止日 (quarterly interest settlement day)
CENT = Decimal("0.01")
EXCEL_EPOCH = date(1899, 12, 30)

# ---------------------------------------------------------------- people and ID numbers
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_no(born: date, seq: int, want_x: bool = False) -> str:
    """A valid 18-digit ID of 青禾区 (370405); with want_x the seq is moved until the check is X."""
    while True:
        body = f"370405{born:%Y%m%d}{seq % 1000:03d}"
        check = CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]
        if not want_x or check == "X":
            return body + check
        seq += 1


PEOPLE: dict[str, dict] = {}
_seq = [100]


def person(key, name, born, town, village, hh=None, kind="脱贫户", risk="蓝", identified=None,
           cleared=None, help_text="", help_date=None, visit=None, head=None, relation="户主",
           want_x=False, registered=True, size=3, reason="因病"):
    _seq[0] += 7
    PEOPLE[key] = dict(name=name, id=id_no(born, _seq[0], want_x), born=born, town=town,
                       village=village, hh=hh, kind=kind, risk=risk, identified=identified,
                       cleared=cleared, help=help_text, help_date=help_date, visit=visit,
                       head=head or name, relation=relation, registered=registered, size=size,
                       reason=reason)
    return PEOPLE[key]


D = date
T1, T2, T3, T4, T5 = "涧东镇", "张山镇", "泥河镇", "邳北镇", "运河街道"

# borrowers (all registered)
person("zhangxy", "张秀英", D(1972, 4, 3), T1, "涧东新村", "QHH0101")
person("lijg", "李建国", D(1968, 9, 21), T2, "张山南村", "QHH0102")
person("wanggl", "王桂兰", D(1975, 1, 30), T3, "泥河后村", "QHH0103")
person("liuzq", "刘志强", D(1980, 6, 12), T4, "邳北北村", "QHH0104")
person("chenym", "陈玉梅", D(1978, 11, 5), T1, "涧东中村", "QHH0105")
person("yangdm", "杨德明", D(1966, 2, 17), T2, "张山西村", "QHH0106")
person("zhaoxh", "赵小红", D(1985, 8, 8), T3, "泥河前村", "QHH0107")
person("huangl", "黄丽", D(1970, 12, 1), T4, "邳北南村", "QHH0108")
person("zhoujh", "周建华", D(1974, 3, 14), T5, "运河前村", "QHH0109")
person("wuh", "吴海", D(1982, 7, 19), T1, "涧东北村", "QHH0110")
person("sunzg", "孙志刚", D(1979, 5, 23), T2, "张山前村", "QHH0111")
person("maxl", "马秀兰", D(1969, 10, 10), T3, "泥河后村", "QHH0112")
person("zhengwm", "郑红梅", D(1977, 2, 2), T4, "邳北北村", "QHH0113", kind="监测户(边缘易致贫户)",
       risk="橙", identified=D(2023, 4, 12), help_text="产业帮扶、小额信贷", help_date=D(2023, 5, 6),
       visit=D(2024, 10, 9))
person("zhuw", "朱文", D(1976, 8, 30), T4, "邳北北村", "QHH0113", kind="监测户(边缘易致贫户)",
       risk="橙", identified=D(2023, 4, 12), head="郑红梅", relation="配偶")
person("huj", "胡军", D(1971, 6, 6), T5, "运河后村", "QHH0114")
person("guoxz", "郭秀珍", D(1983, 9, 9), T1, "涧东新村", "QHH0115")
person("linq", "林强", D(1987, 1, 25), T2, "张山南村", "QHH0116")
person("helj", "何丽娟", D(1981, 4, 16), T3, "泥河前村", "QHH0117")
person("luoj", "罗建", D(1973, 12, 12), T4, "邳北南村", "QHH0118")
person("gaom", "高明", D(1984, 3, 3), T5, "运河前村", "QHH0119")
person("liangxy", "梁秀英", D(1967, 7, 7), T1, "涧东中村", "QHH0120")
person("songgq", "宋国强", D(1975, 10, 28), T2, "张山西村", "QHH0121")
person("xief", "谢芳", D(1986, 5, 5), T3, "泥河后村", "QHH0122")
person("hand", "韩冬", D(1990, 11, 11), T4, "邳北北村", "QHH0123")

# relapse register cases (premature clearance, red tier)
person("r1", "冯桂芝", D(1958, 3, 9), T1, "涧东北村", "QHH0201", "监测户(突发严重困难户)", "红",
       D(2024, 6, 1), D(2024, 6, 10), reason="因灾")
person("r2", "曹永福", D(1962, 8, 18), T2, "张山前村", "QHH0202", "监测户(脱贫不稳定户)", "橙",
       D(2024, 3, 5), D(2024, 3, 14), "临时救助", D(2024, 3, 8))
person("r3", "彭淑华", D(1965, 1, 11), T3, "泥河前村", "QHH0203", "监测户(边缘易致贫户)", "蓝",
       D(2023, 11, 20), D(2024, 6, 7), "产业帮扶(发放鸡苗)", D(2023, 12, 5), D(2024, 5, 28))
person("r4", "曾庆华", D(1960, 5, 20), T4, "邳北南村", "QHH0204", "监测户(脱贫不稳定户)", "橙",
       D(2024, 1, 10), D(2024, 7, 12), "就业帮扶(公益岗位)", D(2024, 1, 25), D(2024, 7, 2))
person("r5", "萧玉珍", D(1955, 9, 2), T5, "运河后村", "QHH0205", "监测户(突发严重困难户)", "红",
       D(2024, 2, 1), D(2024, 7, 1), "医疗救助、临时救助", D(2024, 2, 10), D(2024, 6, 20))
person("r6", "田长顺", D(1952, 12, 24), T1, "涧东中村", "QHH0206", "监测户(突发严重困难户)", "红",
       D(2024, 8, 15), reason="因病")
person("r7", "董金凤", D(1959, 4, 4), T2, "张山西村", "QHH0207", "脱贫户", "红", D(2024, 5, 10),
       reason="缺劳力")
person("r8", "袁国栋", D(1963, 6, 30), T3, "泥河后村", "QHH0208", "监测户(边缘易致贫户)", "红",
       D(2024, 10, 1), None, "医疗救助", D(2024, 10, 20), D(2024, 10, 22))
person("r9", "潘秀云", D(1957, 2, 14), T4, "邳北北村", "QHH0209", "监测户(突发严重困难户)", "红",
       D(2024, 12, 20))
person("r10", "蒋德胜", D(1961, 10, 1), T5, "运河前村", "QHH0210", "监测户(脱贫不稳定户)", "红",
       D(2024, 4, 1), None, "临时救助", D(2024, 6, 15), D(2024, 6, 15))
person("r11", "蔡小燕", D(1979, 7, 21), T1, "涧东新村", "QHH0211", "监测户(突发严重困难户)", "红",
       D(2024, 3, 1), D(2024, 3, 20))

# screening: medical
person("m1", "邓国华", D(1964, 2, 8), T2, "张山南村", "QHH0301")
person("m2", "许桂英", D(1956, 5, 15), T3, "泥河前村", "QHH0302")
person("m3", "傅志明", D(1969, 8, 22), T4, "邳北南村", "QHH0303")
person("m4", "沈秀梅", D(1961, 11, 3), T5, "运河后村", "QHH0304")
person("m5", "曾宪军", D(1966, 4, 27), T1, "涧东北村", "QHH0305")
person("m6", "程建平", D(1972, 9, 9), T2, "张山前村", registered=False)
person("m7", "魏红霞", D(1980, 1, 19), T3, "泥河后村", registered=False)
person("m8", "薛福林", D(1953, 3, 30), T4, "邳北北村", "QHH0308", "监测户(突发严重困难户)", "橙",
       D(2024, 4, 18), None, "医疗救助", D(2024, 4, 25), D(2024, 5, 6))
person("m9", "叶春生", D(1967, 6, 16), T5, "运河前村", "QHH0309", "监测户(突发严重困难户)", "橙",
       D(2024, 9, 30), None, "医疗救助", D(2024, 10, 15), D(2024, 10, 16))
person("m10", "阎素芳", D(1959, 12, 5), T1, "涧东中村", "QHH0310", "监测户(脱贫不稳定户)", "蓝",
       D(2023, 8, 21), None, "健康帮扶", D(2023, 9, 1), D(2024, 8, 30))
person("m11", "余振华", D(1970, 10, 12), T2, "张山西村", "QHH0311")
person("m12", "杜小军", D(1976, 7, 7), T3, "泥河前村", "QHH0312", "监测户(突发严重困难户)", "橙",
       D(2024, 7, 25), None, "医疗救助", D(2024, 8, 2), D(2024, 8, 2))
person("m13", "戴丽华", D(1962, 1, 26), T4, "邳北南村", "QHH0313", want_x=True)
person("m14", "夏立新", D(1974, 5, 9), T5, "运河后村", registered=False)
person("m15", "钟玉兰", D(1950, 8, 1), T1, "涧东新村", "QHH0315")

# screening: education (by parent's name and village, no ID on the list)
person("e1", "汪德民", D(1978, 3, 3), T2, "张山前村", "QHH0401")
person("e2", "田秀芹", D(1980, 9, 14), T3, "泥河后村", "QHH0402")
person("e3", "任家宝", D(1975, 12, 20), T4, "邳北北村", registered=False)
person("e4", "姜春花", D(1982, 2, 2), T5, "运河前村", "QHH0404")
person("e5", "范志勇", D(1979, 6, 6), T1, "涧东北村", "QHH0405", "监测户(突发严重困难户)", "橙",
       D(2024, 9, 20), None, "教育帮扶(雨露计划)", D(2024, 9, 28), D(2024, 10, 8))
person("e6", "方桂香", D(1977, 8, 18), T2, "张山南村", "QHH0406", "监测户(边缘易致贫户)", "蓝",
       D(2024, 6, 15), None, "教育帮扶", D(2024, 6, 30), D(2024, 7, 9))
person("e7", "石玉成", D(1973, 4, 24), T3, "泥河前村", "QHH0407", "监测户(脱贫不稳定户)", "蓝",
       D(2022, 10, 9), None, "教育帮扶", D(2022, 11, 1), D(2024, 9, 3))
person("e8", "王芳", D(1981, 10, 30), T1, "涧东新村", "QHH0408", "监测户(边缘易致贫户)", "蓝",
       D(2023, 6, 1), None, "产业帮扶", D(2023, 6, 20), D(2024, 4, 2))
person("e8b", "王芳", D(1984, 2, 12), T3, "泥河后村", registered=False)
person("e9", "崔海涛", D(1976, 1, 1), T4, "邳北南村", "QHH0409")
person("e10", "秦淑珍", D(1983, 7, 15), T5, "运河后村", "QHH0410")

# screening: disaster
person("d1", "侯长江", D(1960, 7, 1), T3, "泥河前村", "QHH0501")
person("d2", "邵明亮", D(1971, 3, 19), T3, "泥河后村", "QHH0502", "监测户(突发严重困难户)", "橙",
       D(2024, 10, 20), None, "住房安全保障(危房改造)", D(2024, 11, 5), D(2024, 11, 6))
person("d3", "孟凡荣", D(1968, 11, 11), T3, "泥河前村", "QHH0503")
person("d4", "龙玉梅", D(1973, 5, 25), T4, "邳北南村", "QHH0504", "监测户(突发严重困难户)", "橙",
       D(2024, 7, 18), None, "临时救助", D(2024, 7, 22), D(2024, 7, 22))
person("d5", "万家兴", D(1965, 9, 29), T4, "邳北北村", "QHH0505")
person("d6", "段秀兰", D(1958, 12, 8), T3, "泥河后村", "QHH0506", "监测户(脱贫不稳定户)", "蓝",
       D(2023, 9, 12), None, "产业帮扶", D(2023, 10, 1), D(2024, 8, 1))
person("d7", "雷振东", D(1970, 6, 14), T3, "泥河前村", registered=False)
person("d8", "贺春梅", D(1976, 2, 29), T4, "邳北南村", "QHH0508")
person("d9", "黎建新", D(1966, 8, 3), T4, "邳北北村", registered=False)

# fillers for screening lists and benefit rolls
SURN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
GIVEN = ["建军", "秀兰", "国庆", "玉华", "德才", "春燕", "志明", "桂芳", "海波", "丽娜", "金山",
         "永红", "宝林", "凤英", "文斌", "淑琴", "长林", "晓东", "月娥", "福生"]
_used = {p["name"] for p in PEOPLE.values()}


def fillers(prefix, n, town, village, registered=True, start=1):
    keys = []
    i = start
    while len(keys) < n:
        name = SURN[(i * 7) % len(SURN)] + GIVEN[(i * 3) % len(GIVEN)]
        i += 1
        if name in _used:
            continue
        _used.add(name)
        key = f"{prefix}{len(keys) + 1:02d}"
        hh = f"QHH{6000 + len(PEOPLE)}" if registered else None
        person(key, name, D(1960 + i % 30, 1 + i % 12, 1 + i % 27), town, village, hh,
               registered=registered)
        keys.append(key)
    return keys


def money(x) -> Decimal:
    return Decimal(str(x)).quantize(CENT, ROUND_HALF_UP)


# ---------------------------------------------------------------- writers
def fmt_date(d, style):
    if d is None:
        return ""
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d:%Y/%m/%d}"
    if style == "slash-short":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "compact":
        return f"{d:%Y%m%d}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "serial":
        return (d - EXCEL_EPOCH).days
    if style == "date":
        return d
    raise ValueError(style)


def fmt_money(x, style):
    if x is None or x == "":
        return ""
    x = Decimal(x)
    if style == "plain":
        return f"{x:.2f}"
    if style == "comma":
        return f"{x:,.2f}"
    if style == "yuan-sign":
        return f"¥{x:,.2f}"
    if style == "num":
        return x  # xlsx number
    raise ValueError(style)


FILES: dict[str, list[dict]] = {}


def record(group, path, rows_at, note):
    FILES.setdefault(group, []).append(dict(file=path, rows=rows_at, note=note))


def write_csv(rel, title_lines, header, rows, total=None, encoding="utf-8", delimiter=",",
              footer=()):
    """rows: list of (key, [values]). Returns {key: 1-based line number}."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    line = 0
    for t in title_lines:
        w.writerow(t if isinstance(t, list) else [t])
        line += 1
    w.writerow(header)
    line += 1
    at = {}
    for key, vals in rows:
        w.writerow(["" if v is None else v for v in vals])
        line += 1
        at.setdefault(key, []).append(line)
    if total:
        w.writerow(total)
    for f in footer:
        w.writerow([f])
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = buf.getvalue()
    if encoding == "utf-8-sig":
        path.write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))
    else:
        path.write_bytes(data.encode(encoding))
    return at


def write_xlsx(rel, title, header, rows, total=None, sheet="Sheet1", sub_title=None, footer=(),
               date_cols=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    r = 0
    if title:
        r += 1
        ws.cell(r, 1, title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    if sub_title:
        r += 1
        ws.cell(r, 1, sub_title)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
    r += 1
    for c, h in enumerate(header, 1):
        ws.cell(r, c, h).font = Font(bold=True)
    at = {}
    for key, vals in rows:
        r += 1
        for c, v in enumerate(vals, 1):
            cell = ws.cell(r, c, v)
            if isinstance(v, date):
                cell.number_format = "yyyy-mm-dd"
        at.setdefault(key, []).append(r)
    if total:
        r += 1
        for c, v in enumerate(total, 1):
            ws.cell(r, c, v)
    for f in footer:
        r += 1
        ws.cell(r, 1, f)
    for c in range(1, len(header) + 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 14
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return at


# ---------------------------------------------------------------- micro-loans
def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, d.day)


LOANS = []  # dicts


def loan(code, shape, who, amount, start, maturity, purpose, rate, *, settled=None, status="正常",
         overdue=0, bank="", planted_subsidy=None, extended_to=None):
    p = PEOPLE[who]
    amount = Decimal(amount)
    rate = Decimal(rate)
    cap_end = add_months(start, 36)
    end = min(x for x in (settled, maturity, cap_end, SUBSIDY_CUTOFF) if x)
    days = max((end - start).days, 0)
    base = min(amount, Decimal(50000))
    right = money(base * rate / 100 * days / 360)
    paid = right if planted_subsidy is None else money(planted_subsidy)
    LOANS.append(dict(code=code, shape=shape, who=who, name=p["name"], id=p["id"], amount=amount,
                      start=start, maturity=maturity, purpose=purpose, rate=rate,
                      settled=settled, status=status, overdue=Decimal(overdue), bank=bank,
                      right=right, paid=paid, days=days, base=base, end=end,
                      extended_to=extended_to))


def build_loans():
    # shape A: the bank's loan ledger (邮储银行)
    loan("PSBC2023031501", "A", "zhangxy", 30000, D(2023, 3, 15), D(2026, 3, 14), "养殖肉牛", "3.65")
    loan("PSBC2021041002", "A", "lijg", 50000, D(2021, 4, 10), D(2024, 4, 9), "种植大棚蔬菜", "3.85",
         settled=D(2024, 3, 28), status="已结清")
    loan("PSBC2024020103", "A", "wanggl", 40000, D(2024, 2, 1), D(2027, 1, 31), "翻建住房", "3.45")
    loan("PSBC2022011004", "A", "liuzq", 50000, D(2022, 1, 10), D(2025, 1, 9),
         "务工(购置务工工具、技能培训)", "3.70")
    a05 = dict(amount=80000, start=D(2024, 3, 1))
    days05 = (SUBSIDY_CUTOFF - a05["start"]).days
    loan("PSBC2024030105", "A", "chenym", 80000, D(2024, 3, 1), D(2027, 2, 28), "养殖湖羊(扩大规模)",
         "3.45", planted_subsidy=money(Decimal(80000) * Decimal("3.45") / 100 * days05 / 360))
    days06 = (SUBSIDY_CUTOFF - D(2021, 3, 10)).days
    loan("PSBC2021031006", "A", "yangdm", 50000, D(2021, 3, 10), D(2025, 3, 9), "种植中药材", "3.85",
         status="展期",
         planted_subsidy=money(Decimal(50000) * Decimal("3.85") / 100 * days06 / 360))
    loan("PSBC2022061507", "A", "zhaoxh", 30000, D(2022, 6, 15), D(2024, 6, 14), "小本经营(经营小超市)",
         "3.70", status="逾期", overdue=30000)
    loan("PSBC2024070108", "A", "huangl", 20000, D(2024, 7, 1), D(2025, 6, 30), "儿子结婚", "3.45")
    loan("PSBC2023090109", "A", "zhoujh", 50000, D(2023, 9, 1), D(2026, 8, 31),
         "借给青禾众兴养殖专业合作社使用", "3.45")
    loan("PSBC2023010510", "A", "wuh", 10000, D(2023, 1, 5), D(2024, 1, 4), "养殖(养鸡)", "3.65",
         settled=D(2024, 1, 4), status="已结清")
    # shape B: the county's 小额信贷台账 (万元)
    loan("B-01", "B", "lijg", 50000, D(2024, 6, 5), D(2027, 6, 4), "养殖生猪", "3.45", bank="青禾农商银行")
    loan("B-02", "B", "sunzg", 30000, D(2024, 4, 12), D(2027, 4, 11), "购买小轿车", "3.45", bank="农业银行")
    loan("B-03", "B", "maxl", 50000, D(2023, 5, 18), D(2026, 5, 17), "入股青禾丰源农业发展有限公司分红",
         "3.65", bank="青禾农商银行")
    loan("B-04", "B", "zhuw", 25000, D(2024, 5, 20), D(2027, 5, 19), "种植蔬菜", "3.45", bank="农业银行")
    loan("B-05", "B", "huj", 50000, D(2022, 8, 8), D(2025, 8, 7), "种植葡萄", "3.65", bank="青禾农商银行",
         status="逾期", overdue=8000)
    loan("B-06", "B", "guoxz", 40000, D(2024, 1, 15), D(2026, 1, 14), "购置家电、日常生活消费", "3.45",
         bank="邮储银行")
    loan("B-07", "B", "linq", 50000, D(2023, 12, 1), D(2026, 11, 30), "小本经营(农资店)", "3.45",
         bank="青禾农商银行")
    loan("B-08", "B", "helj", 70000, D(2024, 4, 1), D(2027, 3, 31), "养殖肉牛(续贷增额)", "3.45",
         bank="农业银行")
    # shape C: the rural commercial bank's system export (tab separated)
    loan("NS24052001", "C", "zhangxy", 30000, D(2024, 5, 20), D(2027, 5, 19), "养殖肉牛(扩大规模)", "3.45")
    loan("NS23110802", "C", "zhengwm", 30000, D(2023, 11, 8), D(2026, 11, 7), "种植食用菌", "3.45")
    loan("NS21070103", "C", "luoj", 50000, D(2021, 7, 1), D(2024, 7, 1), "务工(外出务工创业)", "3.85",
         settled=D(2024, 7, 1), status="结清")
    loan("NS23021004", "C", "gaom", 45000, D(2023, 2, 10), D(2026, 2, 9), "转贷给亲戚经营", "3.65")
    loan("NS21091505", "C", "liangxy", 50000, D(2021, 9, 15), D(2024, 9, 14), "养殖(养猪)", "3.85",
         status="逾期", overdue=50000)
    loan("NS24011006", "C", "songgq", 50000, D(2024, 1, 10), D(2027, 1, 9), "购买农机(旋耕机)", "3.45")
    loan("NS23060107", "C", "xief", 30000, D(2023, 6, 1), D(2026, 5, 31), "小本经营(早餐店)", "3.65")
    loan("NS24081508", "C", "hand", 20000, D(2024, 8, 15), D(2025, 8, 14), "种植食用菌", "3.45")

    by = {x["code"]: x for x in LOANS}

    # A: bank ledger
    head_a = ["序号", "借款人", "身份证号", "贷款账号", "贷款金额(元)", "放款日期", "到期日期", "贷款用途",
              "执行利率(%)", "已贴息金额(元)", "还款情况", "逾期金额(元)", "结清日期"]

    def rows_a(ds, ms):
        out = []
        for i, x in enumerate(ln for ln in LOANS if ln["shape"] == "A"):
            out.append((x["code"], [i + 1, x["name"], x["id"], x["code"], fmt_money(x["amount"], ms),
                                    fmt_date(x["start"], ds), fmt_date(x["extended_to"] or x["maturity"], ds),
                                    x["purpose"], str(x["rate"]) if ms != "num" else x["rate"],
                                    fmt_money(x["paid"], ms), x["status"],
                                    fmt_money(x["overdue"], ms) if x["overdue"] else ("--" if ms != "num" else 0),
                                    fmt_date(x["settled"], ds)]))
        return out

    tot = sum(x["amount"] for x in LOANS if x["shape"] == "A")
    totp = sum(x["paid"] for x in LOANS if x["shape"] == "A")
    meta = [["中国邮政储蓄银行青禾区支行 脱贫人口小额信贷台账"], ["统计截止日期:", "2024-12-20"],
            ["单位:", "元"]]
    for rel, enc, ds, ms in (("loans/loans-a-bank-ledger-gbk.csv", "gbk", "slash", "comma"),
                             ("loans/loans-a-bank-ledger-utf8.csv", "utf-8-sig", "iso", "plain")):
        at = write_csv(rel, meta, head_a, rows_a(ds, ms),
                       ["合计", "", "", "", fmt_money(tot, ms), "", "", "", "", fmt_money(totp, ms)], enc)
        record("loans-a", rel, at, f"{enc}, dates {ds}, metadata rows above, 合计 row")
    rel = "loans/loans-a-bank-ledger.xlsx"
    at = write_xlsx(rel, "中国邮政储蓄银行青禾区支行 脱贫人口小额信贷台账", head_a, rows_a("serial", "num"),
                    ["合计", None, None, None, tot, None, None, None, None, totp], sheet="贷款台账",
                    sub_title="统计截止日期：2024-12-20  单位：元")
    record("loans-a", rel, at, "dates as bare Excel serial numbers (General format), merged title")

    # B: county ledger, amounts in 万元
    head_b = ["序号", "乡镇", "行政村", "户主姓名", "借款人姓名", "证件号码", "贷款银行", "贷款金额(万元)",
              "贷款期限(月)", "发放时间", "到期时间", "贷款用途", "利率", "累计贴息(元)", "是否逾期",
              "逾期本金(万元)"]

    def rows_b(ds, num):
        out = []
        for i, x in enumerate(ln for ln in LOANS if ln["shape"] == "B"):
            p = PEOPLE[x["who"]]
            after = x["maturity"] + timedelta(days=1)
            months = (after.year - x["start"].year) * 12 + after.month - x["start"].month
            wan = (x["amount"] / 10000).normalize()
            ov = (x["overdue"] / 10000).normalize()
            out.append((x["code"], [i + 1, p["town"], p["village"], p["head"], x["name"], x["id"], x["bank"],
                                    wan if num else f"{wan}", months,
                                    fmt_date(x["start"], ds), fmt_date(x["maturity"], ds), x["purpose"],
                                    f"{x['rate']}%", x["paid"] if num else f"{x['paid']:.2f}",
                                    "是" if x["overdue"] else "否", (ov if num else f"{ov}") if x["overdue"] else ""]))
        return out

    rel = "loans/loans-b-county-ledger.xlsx"
    totw = sum(x["amount"] for x in LOANS if x["shape"] == "B") / 10000
    at = write_xlsx(rel, "青禾区2024年度脱贫人口小额信贷台账", head_b, rows_b("dot", True),
                    ["合计", None, None, None, None, None, None, totw.normalize()], sheet="小额信贷台账",
                    footer=["填表人：          审核人：          填报日期：2024.12.25"])
    record("loans-b", rel, at, "merged title row, 万元, dates as text 2024.7.1, footer line")
    for rel, enc in (("loans/loans-b-county-ledger-gbk.csv", "gbk"),
                     ("loans/loans-b-county-ledger-utf8.csv", "utf-8")):
        at = write_csv(rel, [["青禾区2024年度脱贫人口小额信贷台账"] + [""] * 15], head_b, rows_b("dot", False),
                       ["合计", "", "", "", "", "", "", f"{totw.normalize()}"], enc)
        record("loans-b", rel, at, f"{enc}, title row, 万元, dates 2024.7.1")

    # C: tab-separated export
    head_c = ["客户名称", "证件号码", "借据号", "合同金额", "起息日", "止息日", "借款用途", "年利率",
              "累计财政贴息", "贷款状态", "逾期本金", "结清日"]

    def rows_c(ds, num):
        out = []
        for x in (ln for ln in LOANS if ln["shape"] == "C"):
            out.append((x["code"], [x["name"], x["id"], x["code"], x["amount"] if num else f"{x['amount']:.2f}",
                                    fmt_date(x["start"], ds), fmt_date(x["maturity"], ds), x["purpose"],
                                    (x["rate"] / 100) if num else f"{x['rate'] / 100:.4f}",
                                    x["paid"] if num else f"{x['paid']:.2f}", x["status"],
                                    x["overdue"] if num else f"{x['overdue']:.2f}", fmt_date(x["settled"], ds)]))
        return out

    for rel, enc in (("loans/loans-c-export.txt", "utf-8"), ("loans/loans-c-export-gbk.txt", "gbk")):
        at = write_csv(rel, [], head_c, rows_c("compact", False), None, enc, "\t")
        record("loans-c", rel, at, f"{enc}, tab separated, dates 20240701, rate as a fraction")
    rel = "loans/loans-c-export.xlsx"
    at = write_xlsx(rel, None, head_c, rows_c("date", True), sheet="导出数据")
    record("loans-c", rel, at, "plain sheet, header on row 1, real Excel date cells")
    return by


# ---------------------------------------------------------------- cases
CASES = []


def case(cid, concept, expect, files_group, key, figures, note, **extra):
    d = dict(id=cid, concept=concept, expect=expect, group=files_group, key=key)
    d.update(extra)
    d["figures"] = figures
    d["note"] = note
    CASES.append(d)


def loan_cases(by):
    def fig(x, **more):
        f = dict(amount=str(x["amount"]), start=x["start"].isoformat(), rate_pct=str(x["rate"]),
                 subsidy_paid=str(x["paid"]))
        f.update({k: str(v) for k, v in more.items()})
        return f

    def lc(cid, concept, expect, code, note, **more):
        x = by[code]
        case(cid, concept, expect, "loans-" + x["shape"].lower(), code, fig(x, **more), note,
             person=x["name"], id_no=x["id"], loan=code)

    lc("L01", "banned-purpose", "hit", "PSBC2024020103", "建房 (翻建住房)")
    lc("L02", "banned-purpose", "hit", "PSBC2024070108", "结婚 (儿子结婚)")
    lc("L03", "banned-purpose", "hit", "PSBC2023090109", "借给合作社 (户贷企用); also loan-to-company")
    lc("L04", "banned-purpose", "hit", "B-02", "购车 (购买小轿车)")
    lc("L05", "banned-purpose", "hit", "B-03", "入股分红 into a firm (户贷企用)")
    lc("L06", "banned-purpose", "hit", "B-06", "购置家庭用品/生活消费")
    lc("L07", "banned-purpose", "hit", "NS23021004", "转贷 (lent on to a relative)")
    for cid, code, why in (("L08", "PSBC2022011004", "务工"), ("L09", "B-07", "小本经营"),
                           ("L10", "NS24011006", "购买农机 is production, not 购车"),
                           ("L11", "PSBC2023031501", "养殖"), ("L12", "NS23110802", "种植"),
                           ("L13", "NS23060107", "小本经营(早餐店)")):
        lc(cid, "banned-purpose", "silent", code, why)
    a, c = by["PSBC2023031501"], by["NS24052001"]
    case("L14", "concurrent-over-limit", "hit", "loans-a+loans-c", "张秀英",
         dict(loan_1=a["code"], amount_1="30000", period_1="2023-03-15..2026-03-14", loan_2=c["code"],
              amount_2="30000", period_2="2024-05-20..2027-05-19", overlap_from="2024-05-20",
              together="60000", limit="50000"),
         "same person and ID at two banks (PSBC ledger and rural bank export), both outstanding",
         person=a["name"], id_no=a["id"], loans=[a["code"], c["code"]])
    z1, z2 = by["NS23110802"], by["B-04"]
    case("L15", "concurrent-over-limit", "hit", "loans-b+loans-c+register", "QHH0113 郑红梅/朱文",
         dict(loan_1=z1["code"], borrower_1="郑红梅", amount_1="30000", period_1="2023-11-08..2026-11-07",
              loan_2=z2["code"], borrower_2="朱文 (配偶, same 户编号 QHH0113)", amount_2="25000",
              period_2="2024-05-20..2027-05-19", together="55000", limit="50000"),
         "household level (户借户用户还): two borrowers of one 户编号; needs the household register",
         loans=[z1["code"], z2["code"]], id_nos=[z1["id"], z2["id"]])
    l1, l2 = by["PSBC2021041002"], by["B-01"]
    case("L16", "concurrent-over-limit", "silent", "loans-a+loans-b", "李建国",
         dict(loan_1=l1["code"], amount_1="50000", settled_1="2024-03-28", loan_2=l2["code"],
              amount_2="50000", start_2="2024-06-05"),
         "not concurrent: the first was repaid (结清) before the second was disbursed",
         person=l1["name"], id_no=l1["id"], loans=[l1["code"], l2["code"]])
    for cid, code in (("L17", "PSBC2024030105"), ("L18", "PSBC2021031006")):
        x = by[code]
        lc(cid, "interest-subsidy-over", "hit", code,
           "subsidy on the part above 50,000" if code.endswith("05") else
           "subsidy beyond 36 months: 展期 (到期日期 2025-03-09, a 48-month term), subsidy run to the "
           "cut-off instead of stopping at 放款日期 + 36 months = 2024-03-10",
           subsidy_right=x["right"], over_by=x["paid"] - x["right"], subsidy_days_right=x["days"],
           subsidy_end_right=x["end"].isoformat())
    for cid, code, why in (("L19", "PSBC2022011004", "exactly 50,000, subsidy exactly right"),
                           ("L20", "B-08", "70,000 top-up, subsidy exactly on 50,000 (size may still be "
                                           "loan-over-limit; the subsidy is right)"),
                           ("L21", "NS21070103", "36 months to the day, settled on maturity, subsidy "
                                                 "exactly to the 36-month date"),
                           ("L22", "PSBC2021041002", "settled early, subsidy stops at 结清日期"),
                           ("L23", "B-07", "subsidy exactly right"),
                           ("L23b", "NS24011006", "exact value 50,000 x 3.45% x 345/360 = 1,653.125, paid "
                                                  "1,653.13 (half-up; half-even gives 1,653.12): a cent of "
                                                  "rounding is not an over-payment")):
        x = by[code]
        lc(cid, "interest-subsidy-over", "silent", code, why, subsidy_right=x["right"],
           subsidy_days=x["days"], subsidy_end=x["end"].isoformat())
    for cid, code in (("L24", "PSBC2022061507"), ("L25", "B-05"), ("L26", "NS21091505")):
        x = by[code]
        lc(cid, "loan-overdue", "hit", code, f"还款情况 {x['status']}, maturity {x['maturity']}",
           overdue=x["overdue"], maturity=x["maturity"].isoformat())
    for cid, code, why in (("L27", "PSBC2023010510", "settled on the maturity date"),
                           ("L28", "PSBC2021041002", "settled before maturity"),
                           ("L29", "PSBC2021031006", "展期 (extended) to 2025-03-09: not overdue (its 48-month "
                                                     "term is for loan-over-term)")):
        x = by[code]
        lc(cid, "loan-overdue", "silent", code, why, maturity=x["maturity"].isoformat())


# ---------------------------------------------------------------- register
def build_register():
    head = ["户编号", "户主姓名", "成员姓名", "与户主关系", "身份证号", "乡镇", "行政村", "家庭人口", "户类型",
            "主要致贫/返贫原因", "风险等级", "识别日期", "风险消除日期", "帮扶措施", "措施落实日期", "走访日期"]
    alt = ["户编码", "户主", "姓名", "与户主关系", "证件号码", "乡镇(街道)", "行政村(社区)", "家庭人口数", "户类型",
           "主要风险类型", "风险程度", "纳入监测时间", "标注风险消除时间", "帮扶措施", "帮扶措施落实时间",
           "最近走访时间"]
    reg = [(k, p) for k, p in PEOPLE.items() if p["registered"]]

    def rows(ds):
        return [(k, [p["hh"], p["head"], p["name"], p["relation"], p["id"], p["town"], p["village"], p["size"],
                     p["kind"], p["reason"], p["risk"], fmt_date(p["identified"], ds), fmt_date(p["cleared"], ds),
                     p["help"], fmt_date(p["help_date"], ds), fmt_date(p["visit"], ds)]) for k, p in reg]

    for rel, enc, ds in (("register/households-register-utf8.csv", "utf-8-sig", "iso"),
                         ("register/households-register-gbk.csv", "gbk", "slash-short")):
        at = write_csv(rel, [], head, rows(ds), None, enc)
        record("register", rel, at, f"{enc}, dates {ds}, one row per member")
    rel = "register/households-register.xlsx"
    at = write_xlsx(rel, "青禾区防止返贫监测对象及脱贫户信息台账（截至2024年12月31日）", alt, rows("date"),
                    sheet="监测户信息")
    record("register", rel, at, "national-system header names (户编码, 证件号码, 纳入监测时间, 标注风险消除时间, 风险程度)")


def relapse_cases():
    def rc(cid, concept, expect, key, note, **fig):
        p = PEOPLE[key]
        f = dict(risk=p["risk"], kind=p["kind"], identified=str(p["identified"] or ""),
                 cleared=str(p["cleared"] or ""), help=p["help"], help_date=str(p["help_date"] or ""),
                 visit=str(p["visit"] or ""))
        f.update({k: str(v) for k, v in fig.items()})
        case(cid, concept, expect, "register", key, f, note, person=p["name"], id_no=p["id"],
             household=p["hh"])

    rc("R01", "premature-risk-cleared", "hit", "r1", "cleared 9 days after identification, no help, no visit",
       days=9)
    rc("R02", "premature-risk-cleared", "hit", "r2", "cleared after 9 days; help given but no visit", days=9)
    rc("R03", "premature-risk-cleared", "hit", "r11", "cleared after 19 days, no help, no visit", days=19)
    rc("R04", "premature-risk-cleared", "hit", "r5",
       "cleared after 151 days with help and a visit: under about half a year (180 days); "
       "setting-dependent", days=151)
    rc("R05", "premature-risk-cleared", "silent", "r3", "cleared after 200 days with help and a visit",
       days=200)
    rc("R06", "premature-risk-cleared", "silent", "r4", "cleared after 184 days with help and a visit",
       days=184)
    rc("R07", "red-unassisted", "hit", "r6", "red 监测户, no help at all, 138 days at as_of", days=138)
    rc("R08", "red-unassisted", "hit", "r7", "red 脱贫户 (three colours for 脱贫户 too), no help, rated "
       "red 2024-05-10", days=235)
    rc("R09", "red-unassisted", "hit", "r10", "red, first help 75 days after identification (> 30)",
       days_to_help=75)
    rc("R10", "red-unassisted", "silent", "r8", "red, help 19 days after identification", days_to_help=19)
    rc("R11", "red-unassisted", "silent", "r9", "red, identified 11 days before as_of: not yet due",
       days=11)
    rc("R12", "red-unassisted", "silent", "r11", "red but cleared after 19 days, before the 30 days ran "
       "out (reported as premature-risk-cleared R03 instead)")
    rc("R13", "red-unassisted", "silent", "r5", "red, help 9 days after identification")


# ---------------------------------------------------------------- screening lists
def build_screening():
    P = PEOPLE
    # medical: (key, settlement date, total, self-pay, hospital)
    med = [("m1", D(2024, 3, 12), 21800, "8600.00", "青禾区人民医院"),
           ("m2", D(2024, 5, 6), 13500, "5000.00", "青禾市第一人民医院"),
           ("m3", D(2024, 8, 19), 11200, "4999.99", "青禾区中医医院"),
           ("m4", D(2024, 2, 3), 6300, "2100.00", "青禾区人民医院"),
           ("m4", D(2024, 6, 18), 5400, "1800.00", "青禾区人民医院"),
           ("m4", D(2024, 9, 25), 4900, "1600.00", "涧东镇卫生院"),
           ("m5", D(2023, 12, 20), 9100, "3000.00", "青禾区人民医院"),
           ("m5", D(2024, 1, 8), 8800, "3000.00", "青禾区人民医院"),
           ("m6", D(2024, 4, 22), 78000, "26500.00", "山东省立医院"),
           ("m7", D(2024, 10, 9), 56000, "19800.00", "青禾市第一人民医院"),
           ("m8", D(2024, 4, 10), 36000, "12000.00", "青禾市第一人民医院"),
           ("m9", D(2024, 6, 2), 92000, "31000.00", "山东大学齐鲁医院"),
           ("m10", D(2024, 5, 27), 24000, "9000.00", "青禾区人民医院"),
           ("m11", D(2024, 12, 24), 17500, "6200.00", "青禾区人民医院"),
           ("m12", D(2024, 7, 15), 60000, "22000.00", "山东省立医院"),
           ("m13", D(2024, 7, 30), 20100, "7300.00", "青禾区中医医院"),
           ("m14", D(2024, 9, 3), 8000, "2600.00", "泥河镇卫生院"),
           ("m15", D(2024, 11, 11), 4200, "1400.00", "涧东镇卫生院")]
    head = ["序号", "姓名", "身份证号", "参保地", "就诊医院", "结算日期", "医疗总费用", "统筹基金支付",
            "大病保险支付", "医疗救助", "个人自付金额"]
    head_alt = ["序号", "参保人姓名", "公民身份号码", "参保地", "定点医药机构名称", "结算时间", "医疗费总额",
                "基本医疗保险统筹基金支出", "大病保险支出", "医疗救助基金支出", "个人负担总金额"]

    def rows(ds, num, lower_x=False):
        out = []
        for i, (k, d, total, own, hosp) in enumerate(med):
            total = Decimal(total)
            own = Decimal(own)
            rest = total - own
            pool = money(rest * Decimal("0.8"))
            big = money(rest * Decimal("0.15"))
            aid = rest - pool - big
            idv = P[k]["id"].lower() if lower_x else P[k]["id"]
            vals = [i + 1, P[k]["name"], idv, "青禾区", hosp, fmt_date(d, ds)]
            vals += [v if num else f"{v:.2f}" for v in (total, pool, big, aid, own)]
            out.append((f"{k}@{d}", vals))
        return out

    title = ["青禾区医疗保障局 脱贫人口及农村低收入人口医疗费用个人自付情况推送表（2024年）"]
    for rel, enc, ds, lx in (("screening/medical-selfpay-gbk.csv", "gbk", "slash", False),
                             ("screening/medical-selfpay-utf8.csv", "utf-8-sig", "iso", True)):
        at = write_csv(rel, [title], head, rows(ds, False, lx), None, enc)
        record("medical", rel, at, f"{enc}, dates {ds}" + (", ID x written lower case" if lx else ""))
    rel = "screening/medical-selfpay.xlsx"
    at = write_xlsx(rel, title[0], head_alt, rows("serial", True), sheet="推送数据")
    record("medical", rel, at, "other header names (参保人姓名, 公民身份号码, 结算时间, 个人负担总金额), serial dates")

    # education: by name, no ID
    edu = [("e1", "汪小雨", "青禾职业技术学院", "高职", D(2024, 9, 5), "12500.00", "0.00"),
           ("e2", "田佳豪", "山东理工大学", "本科", D(2024, 9, 6), "14000.00", "4000.00"),
           ("e3", "任思琪", "青禾市第一中学", "普通高中", D(2024, 8, 30), "15800.00", "0.00"),
           ("e4", "姜浩然", "青禾卫生学校", "中职", D(2024, 9, 2), "9600.00", "0.00"),
           ("e5", "范文静", "济南大学", "本科", D(2024, 9, 10), "18000.00", "0.00"),
           ("e6", "方子轩", "青禾学院", "本科", D(2024, 3, 1), "13200.00", "0.00"),
           ("e7", "石磊", "山东农业大学", "本科", D(2024, 9, 8), "16500.00", "3000.00"),
           ("e8b", "张伟", "青禾市实验中学", "普通高中", D(2024, 8, 28), "11800.00", "0.00"),
           ("e9", "崔梦瑶", "青禾区第二中学", "普通高中", D(2024, 9, 1), "6200.00", "0.00"),
           ("e10", "秦宇航", "青禾职业技术学院", "高职", D(2024, 9, 3), "8800.00", "2000.00")]
    head_e = ["序号", "学生姓名", "就读学校", "学段", "家长姓名", "乡镇", "行政村", "缴费日期", "应缴费用(元)",
              "已享受资助(元)", "个人负担金额(元)"]

    def rows_e(ds, num):
        out = []
        for i, (k, child, school, stage, d, own, aid) in enumerate(edu):
            p = P[k]
            due = Decimal(own) + Decimal(aid)
            vals = [i + 1, child, school, stage, p["name"], p["town"], p["village"], fmt_date(d, ds)]
            vals += [v if num else f"{v:.2f}" for v in (due, Decimal(aid), Decimal(own))]
            out.append((k, vals))
        return out

    title_e = "青禾区教育和体育局 2024年学生教育费用个人负担情况推送名单"
    for rel, enc, ds in (("screening/education-expense-utf8.csv", "utf-8", "cn"),
                         ("screening/education-expense-gbk.csv", "gbk", "slash-short")):
        at = write_csv(rel, [[title_e]], head_e, rows_e(ds, False), None, enc)
        record("education", rel, at, f"{enc}, dates {ds}, names only (no ID numbers)")
    rel = "screening/education-expense.xlsx"
    at = write_xlsx(rel, title_e, head_e, rows_e("date", True), sheet="名单")
    record("education", rel, at, "names only, real date cells")

    # disaster
    dis = [("d1", "洪涝", D(2024, 7, 11), "房屋倒塌", "35000.00"),
           ("d2", "洪涝", D(2024, 7, 11), "房屋严重损坏", "18000.00"),
           ("d3", "洪涝", D(2024, 7, 11), "一般损坏", "9500.00"),
           ("d4", "风雹", D(2024, 7, 8), "一般损坏", "12000.00"),
           ("d5", "风雹", D(2024, 7, 8), "一般损坏", "10000.00"),
           ("d6", "洪涝", D(2024, 7, 11), "房屋严重损坏", "22000.00"),
           ("d7", "洪涝", D(2024, 7, 11), "房屋倒塌", "40000.00"),
           ("d8", "风雹", D(2024, 7, 8), "农作物受灾", "3200.00"),
           ("d9", "风雹", D(2024, 7, 8), "农作物受灾", "9999.00")]
    head_d = ["序号", "户主姓名", "身份证号", "乡镇", "行政村", "灾种", "受灾日期", "受灾情况", "直接经济损失(元)"]

    def rows_d(ds, num):
        out = []
        for i, (k, kind, d, how, loss) in enumerate(dis):
            p = P[k]
            out.append((k, [i + 1, p["name"], p["id"], p["town"], p["village"], kind, fmt_date(d, ds), how,
                            Decimal(loss) if num else loss]))
        return out

    title_d = "青禾区应急管理局 2024年7月洪涝风雹灾害受灾户统计表"
    tot = sum(Decimal(x[4]) for x in dis)
    for rel, enc, ds in (("screening/disaster-households-gbk.csv", "gbk", "dot"),
                         ("screening/disaster-households-utf8.csv", "utf-8-sig", "compact")):
        at = write_csv(rel, [[title_d]], head_d, rows_d(ds, False),
                       ["合计", "", "", "", "", "", "", "", f"{tot:.2f}"], enc)
        record("disaster", rel, at, f"{enc}, dates {ds}, 合计 row")
    rel = "screening/disaster-households.xlsx"
    at = write_xlsx(rel, title_d, head_d, rows_d("dot", True), ["合计"] + [None] * 7 + [tot], sheet="受灾户")
    record("disaster", rel, at, "merged title, dates as text 2024.7.11, 合计 row")
    return med, edu, dis


def screening_cases():
    def sc(cid, concept, expect, group, key, note, **fig):
        p = PEOPLE[key]
        f = dict(registered=p["registered"], kind=p["kind"] if p["registered"] else "",
                 identified=str(p["identified"] or ""))
        f.update({k: str(v) for k, v in fig.items()})
        case(cid, concept, expect, group, key, f, note, person=p["name"], id_no=p["id"],
             village=p["village"])

    sc("S01", "screening-not-identified", "hit", "medical", "m1", "脱贫户, self-pay over the 5,000 line, "
       "never identified", self_pay="8600.00", threshold="5000", clue="2024-03-12")
    sc("S02", "screening-not-identified", "hit", "medical", "m2", "exactly at the line (>= 5,000)",
       self_pay="5000.00", threshold="5000", boundary=True)
    sc("S03", "screening-not-identified", "silent", "medical", "m3", "one cent under", self_pay="4999.99",
       threshold="5000")
    sc("S04", "screening-not-identified", "hit", "medical", "m4", "three settlements in 2024 add up",
       self_pay="2100.00+1800.00+1600.00=5500.00", threshold="5000", crossed_on="2024-09-25")
    sc("S05", "screening-not-identified", "silent", "medical", "m5", "3,000 in 2023 and 3,000 in 2024: "
       "under the line in each year", self_pay_2023="3000.00", self_pay_2024="3000.00")
    sc("S06", "screening-not-identified", "hit", "medical", "m6", "not registered, over the 20,000 line "
       "for others", self_pay="26500.00", threshold="20000")
    sc("S07", "screening-not-identified", "silent", "medical", "m7", "not registered, under 20,000",
       self_pay="19800.00", threshold="20000")
    sc("S08", "screening-identified-late", "silent", "medical", "m8", "identified 8 days after the "
       "settlement", self_pay="12000.00", clue="2024-04-10", days=8)
    sc("S09", "screening-identified-late", "hit", "medical", "m9", "identified 120 days after the "
       "settlement", self_pay="31000.00", clue="2024-06-02", days=120)
    sc("S10", "screening-not-identified", "silent", "medical", "m10", "already monitored since 2023-08-21",
       self_pay="9000.00")
    sc("S11", "screening-not-identified", "silent", "medical", "m11", "settled 2024-12-24: 7 days before "
       "as_of, within the 15 days to identify", self_pay="6200.00", days=7)
    sc("S12", "screening-identified-late", "silent", "medical", "m12", "not registered before; "
       "identified 10 days after", self_pay="22000.00", clue="2024-07-15", days=10)
    sc("S13", "screening-not-identified", "hit", "medical", "m13", "ID ends in X (lower case x in the "
       "UTF-8 CSV)", self_pay="7300.00", threshold="5000")
    sc("S14", "screening-not-identified", "silent", "medical", "m14", "not registered, small",
       self_pay="2600.00")
    sc("S15", "screening-not-identified", "silent", "medical", "m15", "脱贫户, small", self_pay="1400.00")

    sc("S21", "screening-not-identified", "hit", "education", "e1", "脱贫户's child, over 10,000, never "
       "identified; list names the parent only", own="12500.00", threshold="10000")
    sc("S22", "screening-not-identified", "silent", "education", "e2", "exactly 10,000 (line is above "
       "10,000)", own="10000.00", boundary=True)
    sc("S23", "screening-not-identified", "hit", "education", "e3", "not registered, 15,800",
       own="15800.00")
    sc("S24", "screening-not-identified", "silent", "education", "e4", "9,600", own="9600.00")
    sc("S25", "screening-identified-late", "silent", "education", "e5", "identified 10 days after the "
       "fee", own="18000.00", clue="2024-09-10", days=10)
    sc("S26", "screening-identified-late", "hit", "education", "e6", "identified 106 days after the fee",
       own="13200.00", clue="2024-03-01", days=106)
    sc("S27", "screening-not-identified", "silent", "education", "e7", "monitored since 2022",
       own="16500.00")
    sc("S28", "screening-not-identified", "hit", "education", "e8b", "parent 王芳 of 泥河后村 is not the "
       "registered 王芳 of 涧东新村 (same name, other village): must not be matched", own="11800.00")
    sc("S29", "screening-not-identified", "silent", "education", "e9", "6,200", own="6200.00")
    sc("S30", "screening-not-identified", "silent", "education", "e10", "8,800 after 2,000 aid",
       own="8800.00")

    sc("S41", "screening-not-identified", "hit", "disaster", "d1", "脱贫户, house collapsed, 35,000",
       loss="35000.00", clue="2024-07-11")
    sc("S42", "screening-identified-late", "hit", "disaster", "d2", "identified 101 days after the flood",
       loss="18000.00", clue="2024-07-11", days=101)
    sc("S43", "screening-not-identified", "silent", "disaster", "d3", "一般损坏, 9,500", loss="9500.00")
    sc("S44", "screening-identified-late", "silent", "disaster", "d4", "identified 10 days after",
       loss="12000.00", clue="2024-07-08", days=10)
    sc("S45", "screening-not-identified", "hit", "disaster", "d5", "exactly 10,000 (>= 10,000)",
       loss="10000.00", boundary=True)
    sc("S46", "screening-not-identified", "silent", "disaster", "d6", "monitored since 2023-09-12",
       loss="22000.00")
    sc("S47", "screening-not-identified", "hit", "disaster", "d7", "not registered, house collapsed",
       loss="40000.00")
    sc("S48", "screening-not-identified", "silent", "disaster", "d8", "crops, 3,200", loss="3200.00")
    sc("S49", "screening-not-identified", "silent", "disaster", "d9", "crops, 9,999", loss="9999.00")


# ---------------------------------------------------------------- benefit links
PROJECTS = [
    # code, name, firm, village, funds (万元), promise kind, promise figure, unit text
    ("QHF2024-101", "涧东新村来料加工扶贫车间项目", "青禾鑫源服饰有限公司", T1, "涧东新村", "120", "务工", 20,
     "带动务工20人，其中脱贫户、监测户不少于20人，人均月工资不低于2000元"),
    ("QHF2024-102", "张山南村食用菌种植基地项目", "青禾丰源农业发展有限公司", T2, "张山南村", "180", "务工", 15,
     "带动脱贫户、监测户务工15人"),
    ("QHF2024-103", "泥河前村蔬菜冷链仓储项目", "青禾丰源农业发展有限公司", T3, "泥河前村", "260", "收购", 500000,
     "订单收购农户蔬菜不少于50万元"),
    ("QHF2024-104", "邳北北村小杂粮加工项目", "青禾五谷农产品加工专业合作社", T4, "邳北北村", "90", "收购", 300000,
     "收购脱贫户、监测户小杂粮30万元"),
    ("QHF2024-105", "运河前村中药材种植基地项目", "青禾丰源农业发展有限公司", T5, "运河前村", "210", "流转", 300,
     "流转土地300亩，租金每亩每年800元"),
    ("QHF2024-106", "张山西村精品果园项目", "青禾鲜果种植专业合作社", T2, "张山西村", "110", "流转", 200,
     "流转土地200亩，租金每亩每年900元"),
]


def build_benefit():
    P = PEOPLE
    headp = ["项目编号", "项目名称", "实施主体", "乡镇", "行政村", "财政衔接资金(万元)", "实施期限起",
             "实施期限止", "联农带农机制", "带动类型", "承诺数量", "承诺单位"]
    unit = {"务工": "人", "收购": "元", "流转": "亩"}

    def rows_p(ds, num):
        return [(c, [c, n, f, t, v, Decimal(m) if num else m, fmt_date(D(2024, 1, 1), ds),
                     fmt_date(D(2024, 12, 31), ds), text, k, q, unit[k]])
                for c, n, f, t, v, m, k, q, text in PROJECTS]

    tot = sum(Decimal(x[5]) for x in PROJECTS)
    for rel, enc in (("benefit/projects-promises-utf8.csv", "utf-8-sig"),
                     ("benefit/projects-promises-gbk.csv", "gbk")):
        at = write_csv(rel, [], headp, rows_p("iso", False), ["合计", "", "", "", "", f"{tot}"], enc)
        record("projects", rel, at, f"{enc}, 合计 row")
    rel = "benefit/projects-promises.xlsx"
    at = write_xlsx(rel, "青禾区2024年产业项目联农带农机制明细表", headp, rows_p("date", True),
                    ["合计", None, None, None, None, tot], sheet="项目")
    record("projects", rel, at, "merged title, 合计 row")

    # wage rolls: 101 kept (21 distinct registered), 102 not (11 registered of 14 distinct)
    w101 = fillers("w1", 21, T1, "涧东新村", start=3)
    w102r = fillers("w2", 11, T2, "张山南村", start=41)
    w102n = fillers("w3", 3, T2, "张山南村", registered=False, start=81)
    roll = []
    for m in (9, 10):
        for i, k in enumerate(w101):
            if m == 9 or i < 19:
                roll.append(("QHF2024-101", k, m, Decimal(2200 + (i % 4) * 100), 22 - i % 3))
    for m in (8, 9, 10):
        for k in w102r[:6] + w102n:
            roll.append(("QHF2024-102", k, m, Decimal(2000), 20))
    for k in w102r[6:]:
        roll.append(("QHF2024-102", k, 10, Decimal(1800), 18))
    headw = ["序号", "项目名称", "用工单位", "姓名", "身份证号", "所在村", "是否脱贫户/监测户", "务工月份",
             "出勤天数", "应发工资(元)", "实发工资(元)", "签字"]
    pname = {x[0]: x[1] for x in PROJECTS}
    pfirm = {x[0]: x[2] for x in PROJECTS}

    def rows_w(num, with_id):
        out = []
        for i, (c, k, m, wage, days) in enumerate(roll):
            p = P[k]
            out.append((f"{c}:{k}:{m}", [i + 1, pname[c], pfirm[c], p["name"], p["id"] if with_id else "",
                                         p["village"], "是" if p["registered"] else "否", f"2024年{m}月", days,
                                         wage if num else f"{wage:.2f}", wage if num else f"{wage:.2f}", ""]))
        return out

    totw = sum(x[3] for x in roll)
    for rel, enc, wid in (("benefit/wage-roll-gbk.csv", "gbk", True),
                          ("benefit/wage-roll-names-utf8.csv", "utf-8", False)):
        at = write_csv(rel, [["青禾区2024年产业项目务工人员工资发放花名册"]], headw, rows_w(False, wid),
                       ["合计"] + [""] * 8 + [f"{totw:.2f}", f"{totw:.2f}"], enc)
        record("wages", rel, at, f"{enc}" + ("" if wid else ", names only (身份证号 column empty)"))
    rel = "benefit/wage-roll.xlsx"
    at = write_xlsx(rel, "青禾区2024年产业项目务工人员工资发放花名册", headw, rows_w(True, True),
                    ["合计"] + [None] * 8 + [totw, totw], sheet="务工花名册")
    record("wages", rel, at, "merged title, 合计 row")

    # purchases: 103 kept (523,400), 104 not (186,000)
    s103 = fillers("p1", 12, T3, "泥河前村", start=121)
    s104 = fillers("p2", 8, T4, "邳北北村", start=161)
    buys = []
    amounts103 = [48000, 52500, 39800, 61200, 44000, 35600, 47300, 42000, 38900, 45100, 36000, 33000]
    for i, (k, a) in enumerate(zip(s103, amounts103, strict=True)):
        price = Decimal("1.60")
        buys.append(("QHF2024-103", k, D(2024, 6 + i % 5, 3 + i), "青椒" if i % 2 else "西红柿",
                     Decimal(a) / price, price, Decimal(a)))
    amounts104 = [26000, 21500, 24300, 19800, 27200, 22400, 23800, 21000]
    for i, (k, a) in enumerate(zip(s104, amounts104, strict=True)):
        price = Decimal("4.00")
        buys.append(("QHF2024-104", k, D(2024, 9 + i % 3, 5 + i), "谷子", Decimal(a) / price, price,
                     Decimal(a)))
    headb = ["序号", "项目编号", "收购单位", "交售农户", "身份证号", "行政村", "收购日期", "品种", "数量(斤)",
             "单价(元/斤)", "金额(元)"]

    def rows_b(ds, num):
        out = []
        for i, (c, k, d, kind, qty, price, amt) in enumerate(buys):
            p = P[k]
            out.append((f"{c}:{k}", [i + 1, c, pfirm[c], p["name"], p["id"], p["village"], fmt_date(d, ds), kind,
                                     qty.quantize(Decimal("0.1")) if num else f"{qty:.1f}",
                                     price if num else f"{price:.2f}", amt if num else f"{amt:,.2f}"]))
        return out

    totb = sum(x[6] for x in buys)
    for rel, enc, ds in (("benefit/purchase-ledger-utf8.csv", "utf-8-sig", "slash"),
                         ("benefit/purchase-ledger-gbk.csv", "gbk", "compact")):
        at = write_csv(rel, [["订单收购台账"], ["统计期间:", "2024年1月至12月"]], headb, rows_b(ds, False),
                       ["合计"] + [""] * 9 + [f"{totb:,.2f}"], enc)
        record("purchases", rel, at, f"{enc}, dates {ds}, amounts with thousands separators, 合计 row")
    rel = "benefit/purchase-ledger.xlsx"
    at = write_xlsx(rel, "订单收购台账（2024年）", headb, rows_b("serial", True), ["合计"] + [None] * 9 + [totb],
                    sheet="收购台账")
    record("purchases", rel, at, "serial dates, 合计 row")

    # land rent: 105 kept (305 亩 x 800), 106 not (140 亩 of 200)
    l105 = fillers("t1", 15, T5, "运河前村", start=201)
    l106 = fillers("t2", 9, T2, "张山西村", start=241)
    rents = []
    mu105 = [Decimal(x) for x in ("22.5", "18", "25", "19.5", "21", "20", "24", "16", "23", "17.5", "20",
                                  "22", "18.5", "19", "19")]
    for k, mu in zip(l105, mu105, strict=True):
        rents.append(("QHF2024-105", k, mu, Decimal(800), D(2024, 1, 20)))
    mu106 = [Decimal(x) for x in ("16", "14.5", "15", "17", "13", "18", "15.5", "16", "15")]
    for k, mu in zip(l106, mu106, strict=True):
        rents.append(("QHF2024-106", k, mu, Decimal(900), D(2024, 3, 15)))
    headr = ["序号", "项目名称", "流转方(承包户)", "身份证号", "一卡通账号", "流转面积(亩)", "租金标准(元/亩·年)",
             "应付租金(元)", "发放日期", "备注"]

    def rows_r(ds, num):
        out = []
        for i, (c, k, mu, std, d) in enumerate(rents):
            p = P[k]
            card = "62317" + p["id"][6:17][::-1] + "0"
            amt = mu * std
            out.append((f"{c}:{k}", [i + 1, pname[c], p["name"], p["id"], card, mu if num else f"{mu}",
                                     std if num else f"{std}", amt if num else f"{amt:.2f}", fmt_date(d, ds), ""]))
        return out

    for rel, enc, ds in (("benefit/land-rent-roll-gbk.csv", "gbk", "slash-short"),
                         ("benefit/land-rent-roll-utf8.csv", "utf-8", "iso")):
        at = write_csv(rel, [["土地流转租金发放表（2024年度）"]], headr, rows_r(ds, False), None, enc)
        record("land-rent", rel, at, f"{enc}, dates {ds}")
    rel = "benefit/land-rent-roll.xlsx"
    at = write_xlsx(rel, "土地流转租金发放表（2024年度）", headr, rows_r("date", True), sheet="租金发放")
    record("land-rent", rel, at, "merged title, real date cells")

    roll_of = {"务工": "wages", "收购": "purchases", "流转": "land-rent"}
    kind_of = {x[0]: x[6] for x in PROJECTS}

    def bc(cid, concept, expect, code, note, **fig):
        case(cid, concept, expect, "projects+" + roll_of[kind_of[code]], code, {k: str(v) for k, v in fig.items()},
             note, project=code, project_name=pname[code], promise=next(x[8] for x in PROJECTS if x[0] == code))

    bc("B01", "promise-not-kept", "silent", "QHF2024-101", "务工 20 promised; 21 distinct registered "
       "workers on the roll (19 of them in two months)", promised=20, distinct_registered=21,
       rows=sum(1 for x in roll if x[0] == "QHF2024-101"))
    bc("B02", "promise-not-kept", "hit", "QHF2024-102", "务工 15 promised; 14 distinct workers, of whom "
       "only 11 registered (3 marked 否); rows repeat over three months", promised=15,
       distinct_registered=11, distinct_all=14, rows=sum(1 for x in roll if x[0] == "QHF2024-102"))
    bc("B03", "promise-not-kept", "silent", "QHF2024-103", "收购 500,000 promised; bought 523,400",
       promised="500000", bought=sum(x[6] for x in buys if x[0] == "QHF2024-103"))
    bc("B04", "promise-not-kept", "hit", "QHF2024-104", "收购 300,000 promised; bought 186,000",
       promised="300000", bought=sum(x[6] for x in buys if x[0] == "QHF2024-104"))
    bc("B05", "promise-not-kept", "silent", "QHF2024-105", "流转 300 亩 promised; 305 亩 paid at 800",
       promised_mu=300, mu=sum(mu105), rent=sum(m * 800 for m in mu105))
    bc("B06", "promise-not-kept", "hit", "QHF2024-106", "流转 200 亩 promised; rent paid on 140 亩",
       promised_mu=200, mu=sum(mu106), rent=sum(m * 900 for m in mu106))
    firm_total = sum(Decimal(x[5]) for x in PROJECTS if x[2] == "青禾丰源农业发展有限公司")
    case("B07", "firm-concentration", "hit", "projects", "青禾丰源农业发展有限公司",
         dict(projects="QHF2024-102, QHF2024-103, QHF2024-105", firm_funds_wan=str(firm_total),
              all_funds_wan=str(tot), share=str((firm_total / tot).quantize(Decimal("0.0001")))),
         "one firm implements 3 of the 6 benefit-link projects, 650 of 970 万元 (67.01 %); the threshold "
         "is a county setting (any share at or below 67 % flags it)",
         projects=["QHF2024-102", "QHF2024-103", "QHF2024-105"])
    for f in ("青禾鑫源服饰有限公司", "青禾五谷农产品加工专业合作社", "青禾鲜果种植专业合作社"):
        ft = sum(Decimal(x[5]) for x in PROJECTS if x[2] == f)
        case(f"B{8 + '鑫五鲜'.index(f[2]):02d}", "firm-concentration", "silent", "projects", f,
             dict(firm_funds_wan=str(ft), share=str((ft / tot).quantize(Decimal("0.0001")))),
             "one project each, at most 12.37 %",
             projects=[x[0] for x in PROJECTS if x[2] == f])


# ---------------------------------------------------------------- leases
LEASES = [
    # contract, asset id, asset, lessee, annual rent, mode, start, end
    ("ZL2024-01", "ZC2023-011", "涧东新村扶贫车间1号厂房", "青禾鑫源服饰有限公司", Decimal(40000), "季付",
     D(2024, 1, 1), D(2026, 12, 31)),
    ("ZL2024-02", "ZC2023-012", "张山南村冷库", "青禾丰源农业发展有限公司", Decimal(48000), "季付",
     D(2024, 1, 1), D(2028, 12, 31)),
    ("ZL2024-03", "ZC2022-007", "泥河前村光伏农业大棚", "青禾绿源农业科技有限公司", Decimal(60000), "年付",
     D(2024, 1, 1), D(2026, 12, 31)),
    ("ZL2024-04", "ZC2022-009", "邳北北村粮食烘干房", "青禾五谷农产品加工专业合作社", Decimal(36000), "年付",
     D(2024, 1, 1), D(2025, 12, 31)),
    ("ZL2024-05", "ZC2024-003", "运河前村农产品展销中心", "青禾运河商贸有限公司", Decimal(24000), "季付",
     D(2024, 7, 1), D(2027, 6, 30)),
]


def build_leases():
    head = ["合同编号", "资产编号", "资产名称", "出租方", "承租方", "年租金(元)", "支付方式", "起租日期", "止租日期",
            "付款约定"]
    terms = {"季付": "每季度首月10日前支付当季租金", "年付": "每年1月31日前支付当年租金"}
    owner = {"ZL2024-01": "涧东新村股份经济合作社", "ZL2024-02": "张山南村股份经济合作社",
             "ZL2024-03": "泥河前村股份经济合作社", "ZL2024-04": "邳北北村股份经济合作社",
             "ZL2024-05": "运河前村股份经济合作社"}

    def rows(ds, num):
        return [(c, [c, a, n, owner[c], les, rent if num else f"{rent:.2f}", mode, fmt_date(s, ds),
                     fmt_date(e, ds), terms[mode]]) for c, a, n, les, rent, mode, s, e in LEASES]

    for rel, enc, ds in (("benefit/lease-contracts-utf8.csv", "utf-8-sig", "iso"),
                         ("benefit/lease-contracts-gbk.csv", "gbk", "dot")):
        at = write_csv(rel, [], head, rows(ds, False), None, enc)
        record("leases", rel, at, f"{enc}, dates {ds}")
    rel = "benefit/lease-contracts.xlsx"
    at = write_xlsx(rel, "项目资产租赁合同台账", head, rows("serial", True), sheet="租赁合同")
    record("leases", rel, at, "serial dates")

    rec = [("ZL2024-01", D(2024, 1, 8), 10000, "2024年第1季度车间租金"),
           ("ZL2024-01", D(2024, 4, 9), 10000, "2024年第2季度车间租金"),
           ("ZL2024-02", D(2024, 1, 5), 12000, "冷库租金一季度"),
           ("ZL2024-02", D(2024, 4, 3), 12000, "冷库租金二季度"),
           ("ZL2024-02", D(2024, 7, 8), 12000, "冷库租金三季度"),
           ("ZL2024-02", D(2024, 10, 10), 12000, "冷库租金四季度"),
           ("ZL2024-03", D(2024, 2, 26), 60000, "2024年度大棚租金"),
           ("ZL2024-04", D(2024, 1, 30), 30000, "2024年烘干房租金"),
           ("ZL2024-05", D(2024, 7, 5), 6000, "展销中心2024年三季度租金"),
           ("ZL2024-05", D(2024, 10, 9), 6000, "展销中心2024年四季度租金")]
    les = {x[0]: x[3] for x in LEASES}
    headr = ["收款日期", "付款单位", "收款单位", "金额(元)", "摘要", "凭证号"]

    def rows_r(ds, num):
        return [(f"{c}@{d}", [fmt_date(d, ds), les[c], owner[c], Decimal(a) if num else f"{a:,.2f}", s,
                              f"记-{d:%m}-{i + 11:03d}"]) for i, (c, d, a, s) in enumerate(rec)]

    tot = sum(Decimal(x[2]) for x in rec)
    for rel, enc, ds in (("benefit/lease-receipts-gbk.csv", "gbk", "compact"),
                         ("benefit/lease-receipts-utf8.csv", "utf-8", "slash")):
        at = write_csv(rel, [["村集体资产租金收入明细(2024年)"]], headr, rows_r(ds, False),
                       ["合计", "", "", f"{tot:,.2f}", "", ""], enc)
        record("lease-receipts", rel, at, f"{enc}, dates {ds}, no contract number (match by 付款单位), 合计 row")
    rel = "benefit/lease-receipts.xlsx"
    at = write_xlsx(rel, "村集体资产租金收入明细(2024年)", headr, rows_r("date", True),
                    ["合计", None, None, tot, None, None], sheet="租金收入")
    record("lease-receipts", rel, at, "real date cells, 合计 row")

    def ic(cid, expect, c, note, **fig):
        case(cid, "income-arrears", expect, "leases+lease-receipts", c, {k: str(v) for k, v in fig.items()},
             note, lessee=les[c], contract=c)

    ic("I01", "hit", "ZL2024-01", "季付 10,000 a quarter; paid Q1 and Q2, then stopped", due_2024="40000",
       received="20000", arrears="20000", unpaid_periods="2024Q3 (due 2024-07-10), 2024Q4 (due 2024-10-10)")
    ic("I02", "silent", "ZL2024-02", "季付, all four quarters on time", due_2024="48000", received="48000")
    ic("I03", "silent", "ZL2024-03", "年付 due 2024-01-31, paid 2024-02-26: 26 days late, within a 30-day "
       "grace", due="2024-01-31", paid_on="2024-02-26", days_late=26)
    ic("I04", "hit", "ZL2024-04", "年付 36,000, paid 30,000: 6,000 short", due_2024="36000",
       received="30000", arrears="6000")
    ic("I05", "silent", "ZL2024-05", "季付 from 2024-07-01: only Q3 and Q4 due, both paid",
       due_2024="12000", received="12000")


def locate_rows():
    """Adds to each case, per file of its groups, the rows that hold it."""
    people_by_name = {}
    for k, p in PEOPLE.items():
        people_by_name.setdefault(p["name"], []).append(k)
    for c in CASES:
        keys = c.get("loans") or c.get("projects") or [c["key"]]
        groups = c["group"].split("+")
        if c["key"] in PEOPLE and PEOPLE[c["key"]]["registered"] and "register" not in groups:
            groups.append("register")
        if "id_nos" in c:
            keys = keys + [k for k, p in PEOPLE.items() if p["id"] in c["id_nos"]]
        at = {}
        for g in groups:
            for f in FILES.get(g, []):
                rows = sorted(r for rk, rs in f["rows"].items() for r in rs
                              if any(rk == k or rk.startswith(k + "@") or rk.startswith(k + ":")
                                     for k in keys))
                if rows:
                    at[f["file"]] = rows
        c["rows"] = at


def main():
    by = build_loans()
    loan_cases(by)
    build_screening()
    screening_cases()
    relapse_cases()
    build_benefit()
    build_leases()
    build_register()  # last: fillers added by the rolls are registered too
    locate_rows()
    loans = [dict(loan=x["code"], shape=x["shape"], borrower=x["name"], id_no=x["id"],
                  amount=str(x["amount"]), start=x["start"].isoformat(), maturity=x["maturity"].isoformat(),
                  rate_pct=str(x["rate"]), subsidy_base=str(x["base"]),
                  subsidy_end=x["end"].isoformat(), subsidy_days=x["days"],
                  subsidy_right=str(x["right"]), subsidy_paid=str(x["paid"]),
                  computation=f"{x['base']} x {x['rate']}% x {x['days']}/360 = {x['right']}")
             for x in LOANS]
    manifest = dict(
        as_of=AS_OF.isoformat(),
        conventions=dict(
            subsidy=("subsidy = min(amount, 50000) x 执行利率 x days / 360 (actual/360, the banks' daily "
                     "rate = annual / 360), rounded half-up to the cent; days = end - 放款日期 where end is "
                     "the earliest of 结清日期, 到期日期 (original), 放款日期 + 36 months, and the cut-off "
                     "2024-12-20 (贴息计算截止日)"),
            loan_limit="50000 per household, concurrent = both outstanding on one day",
            screening=("medical self-pay per calendar year >= 5000 for registered (脱贫户/监测户) people, "
                       ">= 20000 for others; education 个人负担 > 10000; disaster 直接经济损失 >= 10000 or "
                       "房屋倒塌/严重损坏; identify within 15 days of the clue date (结算/缴费/受灾日期)"),
            premature=("风险消除 needs about half a year (180 days) after 识别日期, a help measure and a "
                       "visit"),
            red="red tier needs help (措施落实日期) within 30 days of 识别日期 unless cleared before",
            lease=("季付 due on the 10th of each quarter's first month, 年付 by 31 Jan; grace 30 days; judged "
                   "at as_of"),
            promises="务工 counts distinct registered workers; 收购 sums 金额; 流转 sums 流转面积",
            rows="row numbers are 1-based spreadsheet rows / file lines, title and header rows included",
        ),
        files=FILES,
        loans=loans,
        cases=CASES,
    )
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
