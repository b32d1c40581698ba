"""Every column of an input file accounted for: mapped to a field of the header specification
(`fundtrail.importers.headers`), or named in the import report as ignored.

- `IGNORED`: per kind of file (its section name), the columns known and deliberately not booked
  (序号, 备注, 联系电话, ...). A column neither mapped nor in the list is still named in the report
  as ignored, unless it looks like data the books model: a date, an ID number, an amount or a
  card/account number, judged by its header words and by its values (18-digit ID numbers, dates,
  16-19 digit card numbers). Such a column stops the import with a message naming the file, the
  column and how to map it.
- The workspace's column mapping, `columns.toml` in the workspace root (TOML data, read, never
  run): one table per kind of file, mapping a header as the county writes it to a field id of the
  header specification (or one of the field's known names), or to "ignore":

      [households]
      "监测识别日期" = "识别日期"
      "帮扶责任人" = "ignore"

  `spec_for(spec, section, root)` is the specification with the county's names added (they are
  tried first), which `tables.find_columns` then locates; `account(...)` sorts the header's
  columns into mapped and ignored, or stops.

Sections: households, officials (the person registers), assets, funds, projects, divisions,
subsidies, roster, income and distributions (the collective layer's records), statement (a
statement's columns are mapped by its layout; its section may only ignore) and vouchers (a
treasury voucher XML's elements, a detail line's as `Detail/<tag>`; may only ignore), loans
(micro-loan registers, `fundtrail.importers.loans`), screening (the medical, education and
disaster lists, `fundtrail.importers.screening`), and wages, purchases, land_rent, leases and
rent_receipts (the benefit rolls and leases, `fundtrail.importers.benefit`).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fundtrail.idno import account_no, id_no
from fundtrail.importers import cells
from fundtrail.importers.errors import BadInput, toml_line
from fundtrail.importers.headers import Spec, label_key

FILE = "columns.toml"
IGNORE = "ignore"
SECTIONS = ("households", "officials", "assets", "funds", "projects", "divisions", "subsidies",
            "roster", "statement", "income", "distributions", "vouchers", "loans", "screening",
            "wages", "purchases", "land_rent", "leases", "rent_receipts")

_COMMON = ("序号", "编号序号", "备注", "说明", "备注说明", "经办人", "填表人", "填报人", "录入人", "审核人")
# Known columns each kind of file may hold that the books deliberately do not keep.
IGNORED: dict[str, tuple[str, ...]] = {
    "households": _COMMON + ("性别", "民族", "年龄", "与户主关系", "文化程度", "在校生状况", "健康状况",
                             "劳动技能", "务工状况", "务工情况", "政治面貌", "村民小组", "组", "自然村",
                             "家庭住址", "住址", "户籍地址", "帮扶责任人", "帮扶联系人",
                             "是否易地搬迁户", "是否享受低保", "是否风险消除", "省", "市", "县", "是否军烈属", "是否危房户", "是否有安全饮水"),
    "screening": _COMMON + ("参保地", "参保类型", "医疗总费用", "统筹基金支付", "大病保险支付", "医疗救助",
                            "基本医保支付", "医疗费总额", "基本医疗保险统筹基金支出", "大病保险支出", "医疗救助基金支出",
                            "统筹基金支出", "学生姓名", "学段", "年级", "应缴费用", "已享受资助", "资助金额",
                            "灾种", "受灾人口", "联系电话", "电话", "成员姓名", "与户主关系", "核查情况"),
    "officials": _COMMON + ("性别", "民族", "政治面貌", "联系电话", "电话", "手机号码", "文化程度", "任职时间"),
    "assets": _COMMON + ("规格型号", "规格", "数量", "计量单位", "单位", "坐落位置", "坐落", "位置", "地址",
                         "建设年度", "资产数量", "资产状态", "运营状态", "运营模式", "经营方式", "管护措施", "联系电话",
                         "管护人电话", "资金来源", "资金性质"),
    "funds": _COMMON + ("功能科目名称", "功能分类科目名称", "资金用途", "下达单位", "发文单位", "指标类型"),
    "projects": _COMMON + ("项目负责人电话", "联系电话", "项目状态", "实施进度", "年度"),
    "divisions": _COMMON + ("城乡分类代码", "城乡分类", "级别", "层级", "上级代码"),
    "subsidies": _COMMON + ("政策依据", "发放对象", "主管部门", "资金来源", "发放方式"),
    "roster": _COMMON + ("补贴标准", "发放标准", "联系电话", "电话", "开户行", "开户银行", "组", "村民小组",
                         "应发金额", "应发金额(元)"),  # the payment is 实发金额
    "income": _COMMON + ("制表人", "联系电话", "附件张数", "收款账户", "收款账号", "收款账户名称", "年度", "季度",
                         "月份", "所属期间", "所属期", "收益期间"),
    "distributions": _COMMON + ("制表人", "联系电话", "电话", "户编号", "家庭人口", "人口数", "签字",
                                "领取人签字", "开户行", "开户银行", "组", "村民小组", "致贫原因", "户类型"),
    "loans": _COMMON + ("性别", "年龄", "联系电话", "电话", "手机号码", "家庭住址", "住址", "组", "村民小组",
                        "贷款余额", "贷款余额(元)", "贷款余额(万元)", "担保方式", "信用等级", "授信额度",
                        "授信额度(万元)", "还款方式", "客户经理", "贷款种类", "贷款品种", "户类型", "家庭人口"),
    # treasury payment voucher XML: the elements known and not booked (tags, as the XML names them)
    "vouchers": ("Id", "AdmDivCode", "StYear", "FundTypeCode", "FundTypeName", "PayTypeCode",
                 "PayTypeName", "AgencyCode", "AgencyName", "PayeeAcctBankName", "CurrencyCode",
                 "CurrencyName", "Detail/Id", "Detail/VoucherBillId", "Detail/BgtTypeCode",
                 "Detail/BgtTypeName", "Detail/ExpFuncName", "Detail/ExpEcoName"),
    "statement": _COMMON + ("币种", "钞汇标志", "钞汇", "交易渠道", "渠道", "交易机构", "交易网点", "网点",
                            "对方开户行", "对方行名", "对方开户机构", "对方开户银行", "对方行号", "凭证种类",
                            "凭证类型", "交易类型", "业务类型", "交易代码", "柜员号", "现转标志", "冲补标志",
                            "冲正标志", "摘要代码", "交易状态", "起息日", "起息日期", "本方账号", "本方户名",
                            "本方账户", "本方账户名称"),
}

# What the books model, by header words ...
_WORDS = (
    ("身份证号", ("身份证", "证件号", "身份号码", "公民身份")),
    ("卡号或账号", ("卡号", "账号", "帐号", "一卡通", "账户号", "银行账户")),
    ("日期", ("日期", "时间", "年月", "date")),
    ("金额", ("金额", "收益", "收入", "价值", "原值", "余额", "发生额", "借方", "贷方", "支出", "(元)",
              "(万元)", "元/", "amount")),
)
# ... and by values
_ID = re.compile(r"^\d{6}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]$")
_CARD = re.compile(r"^\d{15,19}$")
_DATE = re.compile(r"^(19|20)\d{2}([-/.年])(0?[1-9]|1[0-2])(\2|月)?((0?[1-9]|[12]\d|3[01])日?)?"
                   r"([ T]\d{1,2}:\d{2}(:\d{2})?)?$|^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_SAMPLE = 50
_ENGLISH = {"身份证号": "ID numbers", "卡号或账号": "card or account numbers", "日期": "dates", "金额": "amounts"}


@dataclass
class Columns:
    """One file's columns: mapped [(header, field label)], ignored [header]."""

    mapped: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith((f'"{key}"', f"'{key}'", f"{key} ", f"{key}=", f"[{key}]")):
            return number
    return None


def _load(path: Path) -> tuple[dict[str, dict[str, str]], str]:
    stat = path.stat()
    return _parsed(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _parsed(name: str, _size: int, _mtime: int) -> tuple[dict[str, dict[str, str]], str]:
    path = Path(name)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise BadInput(path, "列映射文件应为UTF-8编码", "the column mapping file must be UTF-8") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadInput(path, "列映射文件不是有效的 TOML，请检查该行的写法", f"malformed TOML: {error}",
                       toml_line(error)) from None
    out = {}
    for section, table in raw.items():
        if section not in SECTIONS:
            raise BadInput(path, f"未知的表 [{section}]，可用: {'、'.join(SECTIONS)}",
                           f"unknown table [{section}]; known: {', '.join(SECTIONS)}", _line_of(text, section))
        if not isinstance(table, dict):
            raise BadInput(path, f"{section} 应为表 [{section}]，其下每行 \"表头\" = \"字段\"",
                           f"{section} must be a table of \"header\" = \"field\" lines", _line_of(text, section))
        for header, target in table.items():
            if not isinstance(target, str) or not target.strip():
                raise BadInput(path, f"[{section}] {header!r} 应映射到字段名或 \"ignore\"",
                               f"[{section}] {header!r} must map to a field id or \"ignore\"",
                               _line_of(text, header))
        out[section] = {cells.fold(h): t.strip() for h, t in table.items()}
    return out, text


def mapping(root) -> dict[str, dict[str, str]]:
    """The workspace's column mapping: {section: {folded header: field id or "ignore"}}; {} when
    the workspace has none. BadInput naming the file and the line on a bad one."""
    if root is None:
        return {}
    path = Path(root) / FILE
    if not path.is_file():
        return {}
    return _load(path)[0]


def _target(spec: Spec, target: str) -> str | None:
    """The field id a mapping target names: the id, the label or a known name of a field."""
    if target in spec:
        return target
    folded = cells.fold(target)
    return next((f.id for f in spec.fields
                 if folded in {cells.fold(f.label), *map(cells.fold, f.names)}), None)


def check(root, section: str, spec: Spec | None) -> None:
    """Every target of the workspace's `[section]` is a field of `spec` or "ignore"."""
    path = Path(root) / FILE if root is not None else None
    if path is None or not path.is_file():
        return
    table, text = _load(path)
    for header, target in table.get(section, {}).items():
        if target == IGNORE:
            continue
        if section == "statement":
            raise BadInput(path, "[statement] 只能写 \"ignore\"；对账单的列由版式(layouts/*.toml)的 [columns] 映射",
                           "[statement] may only ignore columns; a statement's columns are mapped by "
                           "its layout's [columns]", _line_of(text, header))
        if spec is None:  # a kind whose fields are fixed (treasury vouchers): only "ignore"
            raise BadInput(path, f"[{section}] 只能写 \"ignore\"", f"[{section}] may only ignore",
                           _line_of(text, header))
        if _target(spec, target) is None:
            raise BadInput(path, f"[{section}] {header} = {target!r}: 没有这个字段，可用: "
                           f"{'、'.join(spec.ids)} 或 ignore",
                           f"[{section}] {header} = {target!r}: no such field; known: "
                           f"{', '.join(spec.ids)} or ignore", _line_of(text, header))


def spec_for(spec: Spec, section: str, root) -> Spec:
    """`spec` with the workspace's own header names for its fields (tried first)."""
    if root is None:
        return spec
    check(root, section, spec)
    own = {}
    for header, target in mapping(root).get(section, {}).items():
        fid = _target(spec, target) if target != IGNORE else None
        if fid:
            own.setdefault(fid, []).append(header)
    if not own:
        return spec
    fields = tuple(f.known_as(*own[f.id], *f.names) if f.id in own else f for f in spec.fields)
    return Spec(spec.kind, fields, spec.required)


def looks_like(header: str, values) -> str:
    """What data the books model a column seems to hold ('' when none): 身份证号, 卡号或账号, 日期
    or 金额, by its header words or its values."""
    folded = cells.fold(header).lower()
    for what, words in _WORDS:
        if any(w in folded for w in words) and not (what == "卡号或账号" and "名" in folded):
            return what
    texts = []
    for value in values:
        if isinstance(value, (datetime.date, datetime.datetime)):
            texts.append("date")
        elif cells.text(value):
            texts.append(cells.text(value))
    if not texts:
        return ""
    half = (len(texts) + 1) // 2
    if sum(t == "date" or bool(_DATE.match(cells.fold(t))) for t in texts) >= half:
        return "日期"
    if sum(bool(_ID.match(id_no(t))) for t in texts) >= half:
        return "身份证号"
    if sum(bool(_CARD.match(account_no(t))) for t in texts) >= half:
        return "卡号或账号"
    return ""


def account(path, header: list, data_rows, used: dict[int, str], section: str, root,
            spec: Spec | None = None, row: int | None = None) -> Columns:
    """Sort a header's columns: `used` ({column: field label}) are mapped; the rest are ignored
    when the kind's IGNORED list or the workspace's mapping says so, or when they hold nothing the
    books model; else BadInput naming the column and how to map it. `data_rows` are the rows
    below the header (cells), of which the first few are looked at."""
    own = mapping(root).get(section, {})
    known = {cells.fold(h) for h in IGNORED.get(section, _COMMON)}
    if spec is not None and section == "statement":  # another name of a field read from another
        # column: a second date (记账日期 beside 交易日期) the layout chose not to read
        read = set(used.values())
        if "datetime" in spec and spec["datetime"].label in read:  # one cell gives the date and time
            read |= {spec[f].label for f in ("date", "time") if f in spec}
        known |= {label_key(n) for f in spec.fields if f.label in read for n in f.names}
    sample = list(data_rows[:_SAMPLE])
    out = Columns()
    width = max([len(header)] + [len(r) for r in sample])
    for i in range(width):
        label = cells.text(header[i]) if i < len(header) else ""
        if i in used:
            out.mapped.append((label, used[i]))
            continue
        values = [r[i] if i < len(r) else None for r in sample]
        if not label and not any(cells.text(v) for v in values):
            continue  # an empty column
        name = label or f"第{i + 1}列(无表头)"
        folded = cells.fold(name)
        bare = label_key(folded)
        if own.get(folded) == IGNORE or folded in known or bare in known:
            out.ignored.append(name)
            continue
        what = looks_like(label, values)
        if not what:
            out.ignored.append(name)
            continue
        if section == "statement":
            raise BadInput(
                path, f"列“{name}”像是{what}，但版式没有读取它，未导入。请在版式(layouts/*.toml)的 [columns] "
                f"中映射，或在账簿目录的 {FILE} 中写明: [statement] \"{label or name}\" = \"ignore\" (不入账)",
                f"column {name!r} looks like {_ENGLISH[what]} but the layout reads no such column; "
                f"map it in the layout's [columns] or write [statement] \"{label or name}\" = \"ignore\" "
                f"in {FILE}", row)
        fields = f"可用字段: {'、'.join(spec.ids)}；" if spec is not None else ""
        raise BadInput(
            path, f"列“{name}”像是{what}，但没有对应的字段，未导入。请在账簿目录的 {FILE} 中写明: "
            f"[{section}] \"{label or name}\" = \"字段名\" ({fields}或 \"ignore\" 表示不入账)",
            f"column {name!r} looks like {_ENGLISH[what]} but maps to no field; map it in {FILE}: "
            f"[{section}] \"{label or name}\" = \"<field id>\" or \"ignore\"", row)
    return out
