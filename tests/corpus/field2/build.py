"""Write the field2 corpus (three-colour register, risk-compensation fund, spending mix) and its manifest.

Run: python3 tests/corpus/field2/build.py (needs openpyxl). The same content on every run.
"""

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2024, 12, 31)
D = dt.date


def id_no(birth, seq, sex_odd):
    """An invented ID number of county 370405 with a valid check digit."""
    code = (seq % 500) * 2 + (1 if sex_odd else 0)
    body = f"370405{birth:%Y%m%d}{code:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def iso(d):
    return d.isoformat() if d else ""


def slash(d):
    return f"{d.year}/{d.month}/{d.day}" if d else ""


def dotted(d):
    return f"{d.year}.{d.month}.{d.day}" if d else ""


def compact(d):
    return f"{d:%Y%m%d}" if d else ""


def write_csv(path, rows, encoding, delimiter=",", crlf=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        w.writerows(rows)


def write_xlsx(path, title, rows, merge_width, date_fmt="yyyy-mm-dd"):
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    start = 1
    if title:
        ws.cell(1, 1, title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=merge_width)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        start = 2
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            c = ws.cell(start + i, j + 1, v)
            if isinstance(v, dt.date):
                c.number_format = date_fmt
            elif isinstance(v, float):
                c.number_format = "#,##0.00"
    # fixed timestamps so that the file is the same on every run
    wb.properties.created = dt.datetime(2025, 1, 6, 9, 0, 0)
    wb.properties.modified = dt.datetime(2025, 1, 6, 9, 0, 0)
    wb.save(path)


FILES = {}
CASES = []


def add_file(group, file, rows, note):
    FILES.setdefault(group, []).append({"file": file, "rows": rows, "note": note})


# ---------------------------------------------------------------------------
# 1. three-colour register: orange and blue households
# ---------------------------------------------------------------------------

# (户编号, 户主, members [(name, relation, birth, odd)], town, village, size, 户类型, 原因, 风险, 识别,
#  消除, 措施, 措施日期 (list per member row), 走访)
HOUSES = [
    # orange
    ("QHH0301", "卢德山", [("卢德山", "户主", D(1966, 3, 2), 1)], "涧东镇", "涧东新村", 4, "监测户(边缘易致贫户)", "因病", "橙", D(2024, 6, 1), None, "", [None], None),
    ("QHH0302", "贾翠兰", [("贾翠兰", "户主", D(1971, 8, 19), 0)], "张山镇", "张山南村", 3, "监测户(突发严重困难户)", "因灾", "橙", D(2024, 3, 10), None, "产业帮扶(发放羊羔)", [D(2024, 5, 20)], D(2024, 5, 20)),
    ("QHH0303", "邹永利", [("邹永利", "户主", D(1959, 11, 7), 1)], "泥河镇", "泥河前村", 2, "监测户(脱贫不稳定户)", "因残", "橙", D(2024, 9, 1), None, "", [None], None),
    ("QHH0304", "唐玉洁", [("唐玉洁", "户主", D(1978, 1, 25), 0)], "涧东镇", "涧东北村", 3, "监测户(边缘易致贫户)", "因学", "橙", D(2024, 10, 15), None, "", [None], None),
    ("QHH0305", "陆宝华", [("陆宝华", "户主", D(1962, 5, 14), 1)], "张山镇", "张山前村", 5, "脱贫户", "缺劳力", "橙", D(2024, 4, 15), None, "", [None], D(2024, 5, 1)),
    ("QHH0306", "白振海", [("白振海", "户主", D(1969, 9, 30), 1), ("白淑芬", "配偶", D(1970, 12, 3), 0)], "泥河镇", "泥河后村", 2, "监测户(突发严重困难户)", "因病", "橙", D(2024, 7, 1), D(2024, 11, 30), "", [None, None], D(2024, 11, 20)),
    ("QHH0307", "孔令梅", [("孔令梅", "户主", D(1975, 4, 8), 0)], "涧东镇", "涧东中村", 3, "监测户(边缘易致贫户)", "因病", "橙", D(2024, 5, 2), None, "医疗救助", [D(2024, 6, 30)], D(2024, 6, 30)),
    ("QHH0308", "廖春生", [("廖春生", "户主", D(1964, 2, 17), 1)], "张山镇", "张山西村", 4, "监测户(脱贫不稳定户)", "因灾", "橙", D(2024, 4, 1), None, "临时救助", [D(2024, 5, 31)], D(2024, 5, 31)),
    ("QHH0309", "殷红霞", [("殷红霞", "户主", D(1980, 10, 21), 0)], "泥河镇", "泥河前村", 3, "监测户(突发严重困难户)", "因意外事故", "橙", D(2024, 11, 15), None, "", [None], D(2024, 11, 16)),
    ("QHH0310", "毛建设", [("毛建设", "户主", D(1961, 7, 1), 1)], "涧东镇", "涧东新村", 2, "监测户(边缘易致贫户)", "因病", "橙", D(2024, 12, 20), None, "", [None], None),
    ("QHH0311", "温桂珍", [("温桂珍", "户主", D(1967, 3, 9), 0)], "张山镇", "张山南村", 3, "监测户(突发严重困难户)", "因病", "橙", D(2024, 2, 1), D(2024, 3, 20), "医疗救助、临时救助", [D(2024, 2, 20)], D(2024, 3, 15)),
    ("QHH0312", "史国胜", [("史国胜", "户主", D(1958, 12, 12), 1), ("史小军", "之子", D(1988, 6, 6), 1)], "泥河镇", "泥河后村", 3, "监测户(脱贫不稳定户)", "缺技术", "橙", D(2024, 8, 5), None, "就业帮扶(公益岗位)", [None, D(2024, 8, 15)], D(2024, 8, 15)),
    ("QHH0313", "顾文斌", [("顾文斌", "户主", D(1972, 9, 16), 1)], "涧东镇", "涧东北村", 4, "监测户(边缘易致贫户)", "因病", "橙", D(2023, 12, 1), None, "医疗救助", [D(2024, 1, 20)], D(2024, 1, 20)),
    # blue
    ("QHH0321", "邱长林", [("邱长林", "户主", D(1965, 1, 28), 1)], "张山镇", "张山前村", 3, "监测户(边缘易致贫户)", "因病", "蓝", D(2024, 5, 1), None, "", [None], None),
    ("QHH0322", "汤秀兰", [("汤秀兰", "户主", D(1970, 6, 22), 0)], "泥河镇", "泥河前村", 2, "监测户(脱贫不稳定户)", "缺劳力", "蓝", D(2024, 3, 1), None, "", [None], D(2024, 7, 15)),
    ("QHH0323", "尹大勇", [("尹大勇", "户主", D(1976, 11, 3), 1)], "涧东镇", "涧东中村", 4, "监测户(边缘易致贫户)", "因学", "蓝", D(2024, 6, 10), None, "教育帮扶(雨露计划)", [D(2024, 10, 20)], None),
    ("QHH0324", "黎凤英", [("黎凤英", "户主", D(1963, 4, 4), 0)], "张山镇", "张山西村", 2, "监测户(边缘易致贫户)", "因病", "蓝", D(2024, 8, 1), None, "", [None], None),
    ("QHH0325", "常德才", [("常德才", "户主", D(1968, 8, 8), 1)], "泥河镇", "泥河后村", 3, "脱贫户", "缺资金", "蓝", D(2024, 9, 15), None, "", [None], None),
    ("QHH0326", "武秀云", [("武秀云", "户主", D(1974, 2, 14), 0)], "涧东镇", "涧东新村", 3, "监测户(突发严重困难户)", "因灾", "蓝", D(2024, 2, 1), None, "", [None], D(2024, 1, 10)),
    ("QHH0327", "康永庆", [("康永庆", "户主", D(1960, 10, 10), 1)], "张山镇", "张山南村", 2, "监测户(边缘易致贫户)", "因病", "蓝", D(2024, 4, 1), None, "", [None], D(2024, 6, 28)),
    ("QHH0328", "严翠萍", [("严翠萍", "户主", D(1979, 5, 5), 0)], "泥河镇", "泥河前村", 4, "监测户(脱贫不稳定户)", "缺技术", "蓝", D(2024, 7, 1), None, "", [None], D(2024, 9, 29)),
    ("QHH0329", "洪卫东", [("洪卫东", "户主", D(1971, 12, 30), 1), ("洪丽", "之女", D(1998, 3, 3), 0)], "涧东镇", "涧东北村", 3, "监测户(边缘易致贫户)", "缺劳力", "蓝", D(2024, 5, 10), None, "就业帮扶(推荐务工)", [None, D(2024, 6, 9)], None),
    ("QHH0330", "齐满仓", [("齐满仓", "户主", D(1966, 6, 16), 1)], "张山镇", "张山前村", 3, "监测户(边缘易致贫户)", "因病", "蓝", D(2024, 10, 15), None, "", [None], None),
    ("QHH0331", "汪秀珍", [("汪秀珍", "户主", D(1973, 9, 9), 0)], "泥河镇", "泥河后村", 2, "监测户(突发严重困难户)", "因意外事故", "蓝", D(2024, 12, 1), None, "", [None], None),
    ("QHH0332", "骆永安", [("骆永安", "户主", D(1962, 1, 1), 1)], "涧东镇", "涧东中村", 3, "监测户(边缘易致贫户)", "因病", "蓝", D(2024, 3, 1), D(2024, 5, 10), "医疗救助", [D(2024, 3, 20)], None),
    ("QHH0333", "柏素英", [("柏素英", "户主", D(1957, 7, 7), 0)], "张山镇", "张山西村", 2, "脱贫户", "因病", "蓝", None, None, "", [None], None),
]

REG_CASES = {
    # id: (户编号, concept, expect, why, extra figures)
    "C01": ("QHH0301", "orange-unassisted", "hit", "orange 监测户, no measure at all", {}),
    "C02": ("QHH0302", "orange-unassisted", "hit", "first measure on day 71 (> 60); the visit came the same day", {}),
    "C03": ("QHH0303", "orange-unassisted", "hit", "no measure, 60 days ran out on 2024-10-31", {}),
    "C04": ("QHH0304", "orange-unassisted", "hit", "no measure, 77 days at as_of", {}),
    "C05": ("QHH0305", "orange-unassisted", "hit", "orange 脱贫户 (rated orange 2024-04-15): visited on day 16 but no help measure; a visit is not help", {}),
    "C06": ("QHH0306", "orange-unassisted", "hit", "two members, no measure on either row; cleared 2024-11-30, after the 60 days ran out (2024-08-30). Also premature-risk-cleared (152 days, no help)", {}),
    "C07": ("QHH0307", "orange-unassisted", "silent", "measure on day 59", {}),
    "C08": ("QHH0308", "orange-unassisted", "silent", "measure on day 60 exactly (within 60 days)", {"boundary": True}),
    "C09": ("QHH0309", "orange-unassisted", "silent", "identified 46 days before as_of, no measure yet: not yet due (visited the next day)", {}),
    "C10": ("QHH0310", "orange-unassisted", "silent", "identified 11 days before as_of: not yet due", {}),
    "C11": ("QHH0311", "orange-unassisted", "silent", "measure on day 19, cleared 2024-03-20 (day 48) before the 60 days ran out. premature-risk-cleared may report it (48 days < 180): not claimed here", {}),
    "C12": ("QHH0312", "orange-unassisted", "silent", "measure on day 10, written on the son's row only (the household's help counts)", {}),
    "C13": ("QHH0313", "orange-unassisted", "silent", "identified 2023-12-01, measure 2024-01-20: day 50, across the year end", {}),
    "C21": ("QHH0321", "blue-uncontacted", "hit", "blue 监测户, no visit and no help, 244 days at as_of", {}),
    "C22": ("QHH0322", "blue-uncontacted", "hit", "only visit on day 136 (> 90), no help", {}),
    "C23": ("QHH0323", "blue-uncontacted", "hit", "no visit; first help (雨露计划) on day 132 (> 90)", {}),
    "C24": ("QHH0324", "blue-uncontacted", "hit", "no visit, no help, 152 days", {}),
    "C25": ("QHH0325", "blue-uncontacted", "hit", "blue 脱贫户 rated blue 2024-09-15, nothing for 107 days", {}),
    "C26": ("QHH0326", "blue-uncontacted", "hit", "the only visit (2024-01-10) is 22 days BEFORE identification; nothing after it in 334 days", {}),
    "C27": ("QHH0327", "blue-uncontacted", "silent", "visit on day 88", {}),
    "C28": ("QHH0328", "blue-uncontacted", "silent", "visit on day 90 exactly (within 90 days)", {"boundary": True}),
    "C29": ("QHH0329", "blue-uncontacted", "silent", "no visit, but a job (推荐务工) on day 30, on the daughter's row", {}),
    "C30": ("QHH0330", "blue-uncontacted", "silent", "identified 77 days before as_of: not yet due", {}),
    "C31": ("QHH0331", "blue-uncontacted", "silent", "identified 30 days before as_of: not yet due", {}),
    "C32": ("QHH0332", "blue-uncontacted", "silent", "help on day 19, cleared 2024-05-10 (day 70) before the 90 days ran out. premature-risk-cleared may report it (70 days, no visit): not claimed here", {}),
    "C33": ("QHH0333", "blue-uncontacted", "silent", "blue 脱贫户 with no 识别日期 (never graded at risk): nothing to judge", {}),
}


def register_rows():
    """One row per member: (户编号, row values as python objects)."""
    out = []
    seq = 300
    for h in HOUSES:
        hh, head, members, town, village, size, kind, cause, tier, ident, cleared, measure, mdates, visit = h
        for (name, rel, birth, odd), mdate in zip(members, mdates, strict=True):
            seq += 1
            out.append((hh, [hh, head, name, rel, id_no(birth, seq, odd), town, village, size, kind, cause, tier,
                             ident, cleared, measure if mdate else "", mdate, visit]))
    return out


REG_HEAD = ["户编号", "户主姓名", "成员姓名", "与户主关系", "身份证号", "乡镇", "行政村", "家庭人口", "户类型",
            "主要致贫/返贫原因", "风险等级", "识别日期", "风险消除日期", "帮扶措施", "措施落实日期", "走访日期"]
REG_HEAD_X = ["户编码", "户主", "姓名", "与户主关系", "证件号码", "乡镇(街道)", "行政村(社区)", "家庭人口", "户类型",
              "主要致贫/返贫原因", "风险程度", "纳入监测时间", "标注风险消除时间", "帮扶措施", "帮扶措施落实时间",
              "最近走访时间"]
DATE_COLS = (11, 12, 14, 15)


def build_register():
    rows = register_rows()
    groups = {}

    def fmt(vals, f):
        return [f(v) if i in DATE_COLS else v for i, v in enumerate(vals)]

    # UTF-8 BOM, header on line 1, ISO dates
    body = [REG_HEAD] + [fmt(v, iso) for _, v in rows]
    write_csv(HERE / "register/colour-register-utf8.csv", body, "utf-8-sig")
    groups["register/colour-register-utf8.csv"] = {hh: [] for hh, _ in rows}
    for i, (hh, _) in enumerate(rows):
        groups["register/colour-register-utf8.csv"][hh].append(i + 2)
    # GBK: title line + 填报单位 line, dates 2024/6/1
    body = [["青禾区防止返贫监测对象三色管理台账"], ["填报单位:青禾区乡村振兴局", "", "", "", "", "", "", "", "", "", "", "截至2024年12月31日"],
            REG_HEAD] + [fmt(v, slash) for _, v in rows]
    write_csv(HERE / "register/colour-register-gbk.csv", body, "gbk")
    groups["register/colour-register-gbk.csv"] = {hh: [] for hh, _ in rows}
    for i, (hh, _) in enumerate(rows):
        groups["register/colour-register-gbk.csv"][hh].append(i + 4)
    # xlsx: national system names, merged title, date cells
    body = [REG_HEAD_X] + [v for _, v in rows]
    write_xlsx(HERE / "register/colour-register.xlsx", "防返贫监测对象信息(三色管理)", body, len(REG_HEAD_X))
    groups["register/colour-register.xlsx"] = {hh: [] for hh, _ in rows}
    for i, (hh, _) in enumerate(rows):
        groups["register/colour-register.xlsx"][hh].append(i + 3)
    notes = {"register/colour-register-utf8.csv": "utf-8-sig, header line 1, iso dates",
             "register/colour-register-gbk.csv": "gbk, title + 填报单位 lines, dates 2024/6/1",
             "register/colour-register.xlsx": "national system headers, merged title row, date cells"}
    for f, r in groups.items():
        add_file("register", f, r, notes[f])
    byhh = {h[0]: h for h in HOUSES}
    for cid, (hh, concept, expect, why, extra) in REG_CASES.items():
        h = byhh[hh]
        ident, cleared, measure, mdates, visit = h[9], h[10], h[11], h[12], h[13]
        limit = 60 if concept == "orange-unassisted" else 90
        fig = {"tier": h[8], "limit_days": limit}
        if ident:
            fig["identified"] = iso(ident)
            fig["due_by"] = iso(ident + dt.timedelta(days=limit))
            fig["days_at_as_of"] = (AS_OF - ident).days
        help_d = min([d for d in mdates if d], default=None)
        if help_d:
            fig["help"] = measure
            fig["help_date"] = iso(help_d)
            fig["days_to_help"] = (help_d - ident).days
        if visit:
            fig["visit"] = iso(visit)
            fig["days_to_visit"] = (visit - ident).days if ident else None
        if cleared:
            fig["cleared"] = iso(cleared)
        fig.update(extra)
        CASES.append({"id": cid, "concept": concept, "expect": expect, "group": "register", "key": hh,
                      "household": hh, "person": h[1], "figures": fig, "note": why,
                      "rows": {f: groups[f][hh] for f in groups}})


# ---------------------------------------------------------------------------
# 2. loan-risk-fund: four county scenarios, each a loan register + the fund account in beancount
# ---------------------------------------------------------------------------

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳"
GIVEN = ["建军", "秀芝", "国庆", "玉兰", "德福", "春燕", "永强", "桂香", "志成", "凤霞", "海涛", "淑英", "长春", "爱华",
         "明亮", "翠花", "宝山", "金凤", "立新", "美玲", "振国", "秋菊", "家富", "小梅"]


def person(k, n):
    i = k * 50 + n
    name = SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 5) % len(GIVEN)]
    birth = D(1962 + (i % 30), 1 + (i % 12), 1 + (i % 27))
    return name, id_no(birth, 500 + i, i % 2)


# scenario: (key, title, fund account, bank, fund movements [(date, amount, narration)], loans spec)
# loans spec: list of (amount, status, overdue, settled)
def loans_spec(n_normal, overdue, settled):
    spec = [(Decimal(50000), "正常", Decimal(0), None) for _ in range(n_normal)]
    spec += [(amt, "逾期", od, None) for amt, od in overdue]
    spec += [(Decimal(50000), "结清", Decimal(0), d) for d in settled]
    return spec


SCEN = [
    ("K1", "leverage", "hit", "PSBC-7788", "中国邮政储蓄银行青禾区支行",
     [(D(2022, 3, 1), Decimal("180000.00"), "县财政注入风险补偿金"), (D(2023, 6, 30), Decimal("30000.00"), "补充风险补偿金"),
      (D(2024, 8, 20), Decimal("-10000.00"), "代偿逾期贷款本金"), (D(2025, 1, 15), Decimal("100000.00"), "2025年补充风险补偿金")],
     loans_spec(41, [], [D(2024, 3, 10), D(2024, 11, 5)]),
     "outstanding 2,050,000 (41 loans x 50,000; 2 settled loans left out) over 200,000 x 10 = 2,000,000; the 2025-01-15 top-up is after as_of"),
    ("K2", "leverage", "silent", "RCB-5566", "青禾农村商业银行",
     [(D(2021, 9, 1), Decimal("150000.00"), "县财政注入风险补偿金"), (D(2024, 4, 1), Decimal("50000.00"), "补充风险补偿金")],
     loans_spec(38, [(Decimal(50000), Decimal(20000)), (Decimal(50000), Decimal(20000))], [D(2024, 6, 30)]),
     "outstanding exactly 2,000,000 (40 loans x 50,000, 2 of them overdue 20,000 each = 2.0 %; the settled loan left out) = 200,000 x 10"),
    ("K3", "overdue", "hit", "PSBC-9911", "中国邮政储蓄银行青禾区支行",
     [(D(2022, 1, 10), Decimal("300000.00"), "县财政注入风险补偿金")],
     loans_spec(37, [(Decimal(50000), Decimal(50000)), (Decimal(50000), Decimal(50000)), (Decimal(50000), Decimal(10000))], []),
     "overdue principal 110,000 of 2,000,000 outstanding = 5.5 % > 5 %; leverage 2,000,000 under 300,000 x 10"),
    ("K4", "overdue", "silent", "RCB-3344", "青禾农村商业银行",
     [(D(2022, 1, 10), Decimal("250000.00"), "县财政注入风险补偿金"), (D(2024, 10, 8), Decimal("50000.00"), "补充风险补偿金")],
     loans_spec(38, [(Decimal(50000), Decimal(50000)), (Decimal(50000), Decimal(48000))], [D(2023, 12, 20)]),
     "overdue principal 98,000 of 2,000,000 outstanding = 4.9 % <= 5 %; leverage 2,000,000 under 300,000 x 10"),
]


PURPOSES = ["养殖", "种植", "小本经营", "农资购买", "养殖肉羊", "大棚种植"]


def build_loans():
    for k, (key, scope, expect, acct, bank, moves, spec, why) in enumerate(SCEN):
        loans = []
        for n, (amt, status, od, settled) in enumerate(spec):
            name, idn = person(k, n)
            start = D(2023 + n % 2, 1 + n % 12, 1 + (n * 3) % 27)
            if settled:
                start = D(2021, 1 + n % 12, 5)
            due = D(start.year + 3, start.month, start.day) - dt.timedelta(days=1)
            if status == "逾期":
                start = D(2021, 6 + n % 6, 10)
                due = D(2024, 6 + n % 6, 9)
            lid = f"{key}-{start:%Y%m%d}{n + 1:02d}"
            loans.append({"loan": lid, "borrower": name, "id_no": idn, "amount": amt, "start": start, "due": due,
                          "status": status, "overdue": od, "settled": settled})
        stem = f"{key.lower()}-loans"
        groups = {}
        head = ["序号", "借款人", "身份证号", "贷款账号", "贷款金额(元)", "放款日期", "到期日期", "贷款用途", "还款情况",
                "逾期金额(元)", "结清日期"]

        def row(i, ln, f, money):
            return [i + 1, ln["borrower"], ln["id_no"], ln["loan"], money(ln["amount"]), f(ln["start"]), f(ln["due"]),
                    PURPOSES[i % len(PURPOSES)], ln["status"], money(ln["overdue"]) if ln["overdue"] else "--",
                    f(ln["settled"])]

        total = sum(ln["amount"] for ln in loans)
        tod = sum(ln["overdue"] for ln in loans)
        # GBK: title, 统计截止日期, header, rows, 合计
        body = [[f"{bank} 脱贫人口小额信贷台账"], ["统计截止日期:", "2024/12/31"], head]
        body += [row(i, ln, slash, lambda m: f"{m:,.2f}") for i, ln in enumerate(loans)]
        body += [["合计", "", "", "", f"{total:,.2f}", "", "", "", "", f"{tod:,.2f}", ""]]
        f = f"loans-risk/{stem}-gbk.csv"
        write_csv(HERE / f, body, "gbk")
        groups[f] = ({ln["loan"]: [i + 4] for i, ln in enumerate(loans)}, "gbk, title + 统计截止日期 lines, dates 2024/3/5, amounts 50,000.00, 合计 row")
        # UTF-8: header only, other names, ISO dates, no totals
        head_u = ["序号", "客户名称", "证件号码", "借据号", "合同金额", "起息日", "止息日", "借款用途", "贷款状态",
                  "逾期本金", "结清日"]
        body = [head_u] + [row(i, ln, iso, lambda m: f"{m:.2f}") for i, ln in enumerate(loans)]
        f = f"loans-risk/{stem}-utf8.csv"
        write_csv(HERE / f, body, "utf-8", crlf=True)
        groups[f] = ({ln["loan"]: [i + 2] for i, ln in enumerate(loans)}, "utf-8 no BOM, CRLF, header line 1 (bank export names), iso dates, no total")
        # xlsx: merged title, date cells, numbers, 合计 row with a formula-free value
        body = [head] + [row(i, ln, lambda d: d or None, lambda m: float(m)) for i, ln in enumerate(loans)]
        body += [["合计", None, None, None, float(total), None, None, None, None, float(tod), None]]
        f = f"loans-risk/{stem}.xlsx"
        write_xlsx(HERE / f, f"{bank} 脱贫人口小额信贷台账(截至2024年12月31日)", body, len(head))
        groups[f] = ({ln["loan"]: [i + 3] for i, ln in enumerate(loans)}, "merged title row, date cells, numeric amounts, 合计 row")
        for fn, (r, note) in groups.items():
            add_file(f"loans-{key}", fn, r, note)
        # the fund account, as docs/ledger-model.md describes it
        last4 = acct.split("-")[1]
        bal = sum(a for d, a, _ in moves if d <= AS_OF)
        lines = [f"; {key}: 风险补偿金专户 of {bank} (fragment of accounts.beancount and the bank's movements)",
                 'option "operating_currency" "CNY"', "",
                 "2020-01-01 open Assets:Treasury:PBC-0001 CNY", '  name: "国库单一账户"', "",
                 f"2020-01-01 open Assets:Bank:{acct} CNY", f'  name: "青禾区扶贫小额信贷风险补偿金专户(尾号{last4})"', "",
                 "2020-01-01 open Assets:Bank:ICBC-2345 CNY", '  name: "青禾区衔接资金专户"', "",
                 "2020-01-01 open Expenses:LoanCompensation CNY", '  name: "小额信贷风险代偿"', "",
                 "2020-01-02 * \"上级财政\" \"衔接资金到专户(不是风险补偿金)\"",
                 "  Assets:Bank:ICBC-2345        5000000.00 CNY", "  Assets:Treasury:PBC-0001    -5000000.00 CNY", ""]
        for d, a, narr in moves:
            if a > 0:
                lines += [f'{d.isoformat()} * "青禾区财政局" "{narr}"', f"  Assets:Bank:{acct}    {a:.2f} CNY",
                          f"  Assets:Treasury:PBC-0001    {-a:.2f} CNY", ""]
            else:
                lines += [f'{d.isoformat()} * "{bank}" "{narr}"', f"  Expenses:LoanCompensation    {-a:.2f} CNY",
                          f"  Assets:Bank:{acct}    {a:.2f} CNY", ""]
        lines += [f"2025-01-01 balance Assets:Bank:{acct}    {bal:.2f} CNY", ""]
        (HERE / f"loans-risk/{key.lower()}-fund.beancount").write_text("\n".join(lines), encoding="utf-8")
        add_file(f"fund-{key}", f"loans-risk/{key.lower()}-fund.beancount", {acct: []}, "beancount: the fund account's open (name: 风险补偿金) and movements; balance assertion on 2025-01-01 = balance at end of 2024-12-31")
        outstanding = sum(ln["amount"] for ln in loans if ln["status"] != "结清")
        overdue = sum(ln["overdue"] for ln in loans if ln["status"] != "结清")
        fig = {"fund_account": f"Assets:Bank:{acct}", "fund_balance": f"{bal:.2f}", "leverage": 10,
               "limit": f"{bal * 10:.2f}", "outstanding": f"{outstanding:.2f}",
               "loans_outstanding": sum(1 for ln in loans if ln["status"] != "结清"),
               "loans_settled": sum(1 for ln in loans if ln["status"] == "结清"),
               "overdue_principal": f"{overdue:.2f}", "overdue_share": f"{overdue / outstanding:.4f}",
               "overdue_max": "0.05", "scope": scope}
        CASES.append({"id": key, "concept": "loan-risk-fund", "expect": expect, "group": f"loans-{key}", "key": key,
                      "fund": f"Assets:Bank:{acct}", "figures": fig, "note": why,
                      "rows": {fn: [] for fn in groups}})


# ---------------------------------------------------------------------------
# 3. spending mix: project allotments of two counties
# ---------------------------------------------------------------------------

# (county, year, [(项目编号, 项目名称, 类别, 资金来源, 下达金额, 下达日期)])
MIX = {
    ("青禾区", 2023): [
        ("QH2023-001", "张山前村蔬菜大棚建设项目", "产业发展", "中央衔接资金", "3000000.00", D(2023, 3, 20)),
        ("QH2023-002", "泥河前村肉牛养殖小区项目", "产业发展", "省级衔接资金", "1990000.00", D(2023, 4, 12)),
        ("QH2023-003", "涧东新村农产品冷库项目", "产业发展", "县级衔接资金", "1000000.00", D(2023, 5, 8)),
        ("QH2023-004", "邳北南村生产道路硬化项目", "基础设施", "中央衔接资金", "2110000.00", D(2023, 3, 20)),
        ("QH2023-005", "运河后村小型农田水利项目", "基础设施", "市级衔接资金", "1000000.00", D(2023, 6, 1)),
        ("QH2023-006", "2023年雨露计划职业教育补助", "就业项目", "中央衔接资金", "800000.00", D(2023, 9, 1)),
        ("QH2023-007", "2023年项目管理费", "项目管理费", "中央衔接资金", "100000.00", D(2023, 3, 20)),
        ("QH2023-008", "张山南村特色林果基地项目", "产业发展", "地方政府专项债券", "2000000.00", D(2023, 7, 15)),
    ],
    ("青禾区", 2024): [
        ("QH2024-101", "泥河后村设施农业园区项目", "产业发展", "中央衔接资金", "4000000.00", D(2024, 2, 28)),
        ("QH2024-102", "涧东北村食用菌产业基地项目", "产业发展", "省级衔接资金", "3000000.00", D(2024, 3, 15)),
        ("QH2024-103", "邳北北村农产品加工车间项目", "产业发展", "县级衔接资金", "2000000.00", D(2024, 4, 10)),
        ("QH2024-103", "邳北北村农产品加工车间项目", "产业发展", "县级本级财政资金", "500000.00", D(2024, 4, 10)),
        ("QH2024-104", "张山西村村内道路提升项目", "基础设施", "中央衔接资金", "4820000.00", D(2024, 2, 28)),
        ("QH2024-105", "2024年脱贫人口小额信贷贴息", "金融帮扶", "中央衔接资金", "1000000.00", D(2024, 6, 20)),
        ("QH2024-106", "2024年项目管理费", "项目管理费", "中央衔接资金", "180000.00", D(2024, 2, 28)),
        ("QH2024-107", "运河前村农村供水管网改造项目", "基础设施", "地方政府专项债券", "2500000.00", D(2024, 5, 6)),
    ],
    ("禾川县", 2024): [
        ("HC2024-001", "禾川县中药材种植基地项目", "产业发展", "中央衔接资金", "3260000.00", D(2024, 3, 1)),
        ("HC2024-002", "禾川县生猪养殖场项目", "产业发展", "省级衔接资金", "2500000.00", D(2024, 3, 25)),
        ("HC2024-003", "禾川县产业路建设项目", "基础设施", "中央衔接资金", "2000000.00", D(2024, 4, 18)),
        ("HC2024-004", "2024年雨露计划职业教育补助", "就业项目", "县级衔接资金", "200000.00", D(2024, 9, 5)),
        ("HC2024-005", "2024年项目管理费(衔接资金)", "项目管理费", "中央衔接资金", "40000.00", D(2024, 3, 1)),
        ("HC2024-006", "2024年项目前期设计评审监理费", "项目管理费", "县级本级财政资金", "120000.00", D(2024, 5, 30)),
        ("HC2024-007", "禾川县农村人居环境整治项目", "乡村建设行动", "其他", "4000000.00", D(2024, 6, 12)),
    ],
}

MIX_CASES = [
    ("M01", "industry-share-low", "hit", ("青禾区", 2023), "衔接 industry 5,990,000 of 10,000,000 = 59.9 % < 60 %; the 2,000,000 专项债 orchard (QH2023-008) is not 衔接 money (counted, it would be 7,990,000 / 12,000,000 = 66.6 %)"),
    ("M02", "industry-share-low", "silent", ("青禾区", 2024), "衔接 industry 9,000,000 of 15,000,000 = 60.0 % exactly (QH2024-103's 500,000 本级财政 part left out; counting the non-衔接 rows would give 9,500,000 / 18,000,000 = 52.8 %)"),
    ("M03", "industry-share-low", "silent", ("禾川县", 2024), "衔接 industry 5,760,000 of 8,000,000 = 72 % (counting the 4,000,000 其他 HC2024-007 would give 47.5 %)"),
    ("M04", "management-fee-over", "hit", ("青禾区", 2024), "衔接 management fee 180,000 of 15,000,000 = 1.2 % > 1 % (counting the non-衔接 rows would give 180,000 / 18,000,000 = 1.0 %)"),
    ("M05", "management-fee-over", "silent", ("青禾区", 2023), "衔接 management fee 100,000 of 10,000,000 = 1.0 % exactly"),
    ("M06", "management-fee-over", "silent", ("禾川县", 2024), "衔接 management fee 40,000 of 8,000,000 = 0.5 %; the 120,000 design/review fee (HC2024-006) is paid from 县级本级财政资金, not 衔接 money (counted, 160,000 / 8,120,000 = 1.97 %)"),
]

MIX_HEAD = ["序号", "项目编号", "项目名称", "项目类别", "资金来源", "下达金额(元)", "下达日期", "年度"]


def build_mix():
    groups = {}
    for county, slug in (("青禾区", "qinghe"), ("禾川县", "hechuan")):
        years = sorted(y for c, y in MIX if c == county)
        recs = [(y, r) for y in years for r in MIX[(county, y)]]
        key = lambda y, r: f"{r[0]}/{r[3]}"  # noqa: E731 - a project may have a row per source
        # GBK: title, a 单位 line, header, rows, a 合计 row per year
        body = [[f"{county}衔接资金项目库资金下达明细表"], ["单位:元", "", "", "", "", "", "填报日期:2025/1/6"], MIX_HEAD]
        rows_g, n = {}, 0
        for y in years:
            for r in MIX[(county, y)]:
                n += 1
                body.append([n, r[0], r[1], r[2], r[3], f"{Decimal(r[4]):,.2f}", slash(r[5]), y])
                rows_g[key(y, r)] = [len(body)]
            body.append([f"{y}年合计", "", "", "", "", f"{sum(Decimal(r[4]) for r in MIX[(county, y)]):,.2f}", "", y])
        f = f"spending-mix/{slug}-allotments-gbk.csv"
        write_csv(HERE / f, body, "gbk")
        groups[f] = (county, rows_g, "gbk, title + 单位 lines, amounts 1,000,000.00, dates 2024/3/15, a 合计 row per year")
        # UTF-8 BOM: other header names, amounts in 万元, header on line 1, no totals
        head_u = ["序号", "项目代码", "项目名称", "项目类型", "资金性质", "下达资金(万元)", "文件下达时间", "项目年度"]
        body = [head_u]
        rows_u = {}
        for i, (y, r) in enumerate(recs):
            body.append([i + 1, r[0], r[1], r[2], r[3], f"{Decimal(r[4]) / 10000:.2f}", iso(r[5]), f"{y}年"])
            rows_u[key(y, r)] = [len(body)]
        f = f"spending-mix/{slug}-allotments-utf8.csv"
        write_csv(HERE / f, body, "utf-8-sig")
        groups[f] = (county, rows_u, "utf-8-sig, other header names, amounts in 万元 (4 decimals not needed: all whole hundreds of yuan), iso dates, 年度 as 2024年")
        # xlsx: one sheet, merged title, numbers, date cells, grand 合计 row
        body = [MIX_HEAD]
        rows_x = {}
        for i, (y, r) in enumerate(recs):
            body.append([i + 1, r[0], r[1], r[2], r[3], float(r[4]), r[5], y])
            rows_x[key(y, r)] = [len(body) + 1]
        body.append(["合计", None, None, None, None, float(sum(Decimal(r[4]) for _, r in recs)), None, None])
        f = f"spending-mix/{slug}-allotments.xlsx"
        write_xlsx(HERE / f, f"{county}财政衔接推进乡村振兴补助资金项目计划表", body, len(MIX_HEAD))
        groups[f] = (county, rows_x, "merged title row, numeric amounts, date cells, one grand 合计 row over both years")
    for f, (county, rows, note) in groups.items():
        add_file(f"mix-{county}", f, rows, note)
    for cid, concept, expect, (county, year), why in MIX_CASES:
        recs = MIX[(county, year)]
        linked = [r for r in recs if "衔接" in r[3]]
        tot = sum(Decimal(r[4]) for r in linked)
        ind = sum(Decimal(r[4]) for r in linked if r[2] == "产业发展")
        mgmt = sum(Decimal(r[4]) for r in linked if r[2] == "项目管理费")
        fig = {"county": county, "year": year, "linked_total": f"{tot:.2f}", "industry": f"{ind:.2f}",
               "industry_share": f"{ind / tot:.4f}", "management": f"{mgmt:.2f}", "management_share": f"{mgmt / tot:.4f}",
               "all_sources_total": f"{sum(Decimal(r[4]) for r in recs):.2f}"}
        fig.update({"industry_min": "0.60"} if concept == "industry-share-low" else {"management_max": "0.01"})
        CASES.append({"id": cid, "concept": concept, "expect": expect, "group": f"mix-{county}", "key": f"{county}/{year}",
                      "figures": fig, "note": why,
                      "rows": {f: sorted(v for k, vs in rows.items() for v in vs
                                         if k.split("/")[0] in {r[0] for r in recs})
                               for f, (c, rows, _) in groups.items() if c == county}})


def main():
    build_register()
    build_loans()
    build_mix()
    manifest = {
        "as_of": AS_OF.isoformat(),
        "conventions": {
            "orange": "an orange (橙) household with a 识别日期 needs a help measure (措施落实日期 on any member's row) within 60 days (day 60 inclusive), unless cleared (风险消除日期) before the 60 days ran out; not judged before the 60 days have passed at as_of; a visit is not help",
            "blue": "a blue (蓝) household with a 识别日期 needs a visit (走访日期) or a help measure / job (措施落实日期) within 90 days after 识别日期 (day 90 inclusive; a visit before 识别日期 does not count); not judged before the 90 days have passed; cleared before then = silent",
            "risk_fund": "balance of the bank account whose name says 风险补偿金, all movements up to as_of; outstanding = 贷款金额 of the loans not 结清 (the registers keep no separate 余额 column: no loan was partly repaid); leverage 10: hit when outstanding > balance x 10; overdue share = 逾期金额 summed / outstanding, hit when > 0.05",
            "spending_mix": "per county and calendar year, only rows whose 资金来源 names 衔接; industry = 项目类别 产业发展, hit when its share < 0.60; management = 项目类别 项目管理费, hit when its share > 0.01",
            "rows": "row numbers are 1-based spreadsheet rows / file lines, title and header rows included; spending-mix rows are keyed 项目编号/资金来源",
        },
        "files": FILES,
        "cases": CASES,
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
