"""The header specification: every column the importers read, named once.

A `Field` is what one column means: its id (the key an importer reads a row by, and a layout's
`[columns]` key), its Chinese label (what messages call it), the header names files are known to
give it (most telling first) and the type of its values. A `Spec` is the columns of one kind of
file: its fields and the ones a file must have.

- `STATEMENT`: a bank statement's fields. A layout's `[columns]` keys are its ids (a layout
  compiles to a Spec of these fields known by the layout's own labels, `Layout.spec`);
  `layout suggest` recognises a header cell by their names. `STATEMENT_HEAD`: the labels of
  the lines above a statement's header (account number, holder, period).
- `ROSTER`, `FUND_LIST`, `PROJECT_LIBRARY`, `ASSET_REGISTER`, `DIVISION_LIST`, `PEOPLE`,
  `SUBSIDY_ITEMS`, `HOUSEHOLDS`, `OFFICIALS`: the rosters and registers, located by
  `tables.find_columns` (a bracketed unit in a file's label or a name is ignored when the
  label does not match as written). `ROSTER_PAYS`: the columns that make a table a roster
  (`Spec.requiring` asks for them).
- `INCOME_RECORDS`, `DISTRIBUTIONS`: the collective layer's asset income records and
  distribution rosters (`fundtrail.importers.collective`).
- `TOTALS`: the words a totals row starts with.
- `label_key`: a header cell as every importer matches it: folded (full-width forms as ASCII,
  no spaces), its bracketed glosses dropped (借方发生额（支取） and 借方发生额 are one header,
  补贴金额（元） and 补贴金额 too). The label as written still gives a column's unit (万元).

A field is a column whose value the importer writes (into an entry, a master-data directive or a
register), so that the import report's "columns read" are exactly those. 序号 is one only where
it is written: a roster's and a distribution roster's row link (`^YKT-<batch>-<seq>`); in every
other file it is a column known and ignored (`importers.columns`), and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fundtrail.importers import cells
from fundtrail.workspace import REGISTER_HEADERS, REGISTER_TITLES

TYPES = ("text", "code", "date", "time", "datetime", "amount", "count", "flag")
TOTALS = ("合计", "总计", "本页合计", "本期合计", "累计")
# a gloss in brackets, after folding (full-width （）［］ are ASCII then): (支取), (元), [借], 【收入】
_GLOSS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def label_key(label) -> str:
    """A header label as matched: folded, without its bracketed glosses (借方发生额（支取） ->
    借方发生额, 发放金额(元) -> 发放金额); a label that is all gloss stays as folded."""
    folded = cells.fold(label)
    return _GLOSS.sub("", folded) or folded


@dataclass(frozen=True)
class Field:
    id: str
    label: str  # Chinese, for messages
    names: tuple[str, ...]  # header names known for it, most telling first
    type: str = "text"  # one of TYPES

    def known_as(self, *names: str) -> Field:
        """The same field known by other header names (a layout's own label)."""
        return replace(self, names=names)


def field(id: str, type: str, *names: str, label: str = "") -> Field:
    """A field whose label is its first name unless given."""
    return Field(id, label or names[0], names, type)


@dataclass(frozen=True)
class Spec:
    kind: str
    fields: tuple[Field, ...]
    required: tuple[str, ...] = ()

    def __getitem__(self, id: str) -> Field:
        return next(f for f in self.fields if f.id == id)

    def __contains__(self, id: str) -> bool:
        return any(f.id == id for f in self.fields)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    def names(self) -> dict[str, tuple[str, ...]]:
        """{field id: header names}."""
        return {f.id: f.names for f in self.fields}

    def requiring(self, *ids: str) -> Spec:
        """The same columns, of which a file must have `ids` (a test of what a table is)."""
        return replace(self, required=ids)


# -- bank statements -------------------------------------------------------------------------
# Chinese names first; an English gloss is written folded (lower case, no spaces) as
# `layout suggest` compares it.
STATEMENT = Spec("bank statement", (
    field("date", "date", "交易日期", "交易日", "记账日期", "记账日", "入账日期", "发生日期", "日期",
          "transactiondate", "date"),
    Field("datetime", "交易日期时间", (), "datetime"),  # a layout's choice; suggest finds it by values
    field("time", "time", "交易时间", "记账时间", "时间", "transactiontime", "time"),
    field("serial", "code", "交易流水号", "流水号", "交易参考号", "业务参考号", "会计流水号", "柜员流水号",
          "柜员交易号", "凭证号", "传票号", "交易序号", "transactionreferencenumber", "serialno."),
    field("payee", "text", "对方户名", "对方账户名称", "对方名称", "对方单位名称", "对方账户名", "对方单位",
          "收/付方名称", "收款人名称", "收款方名称", "收款人户名", "收款单位", "收款人", "payee'sname",
          "payeename", "counterparty"),
    field("payee_account", "code", "对方账号", "对方账户", "收/付方帐号", "收/付方账号", "对方帐号",
          "收款人账号", "收款方账号", "收款账号", "payee'saccountnumber", "payee'saccount"),
    field("payer", "text", "付款人名称", "付款方名称", "付款人户名", "付款单位", "付款人", "payer'sname",
          "payername"),
    field("payer_account", "code", "付款人账号", "付款方账号", "付款账号", "debitaccountno.",
          "payer'saccount"),
    field("summary", "text", "摘要", "交易摘要", "业务摘要", "reference", "summary"),
    field("purpose", "text", "用途", "交易用途", "款项用途", "purpose"),
    field("memo", "text", "附言", "备注", "个性化信息", "交易附言", "remark", "memo", "postscript"),
    field("debit", "amount", "借方发生额", "借方金额", "支出金额", "付款金额", "转出金额", "出账金额", "支出",
          "借方", "debitamount", "debit"),
    field("credit", "amount", "贷方发生额", "贷方金额", "收入金额", "收款金额", "转入金额", "入账金额", "收入",
          "贷方", "creditamount", "credit"),
    field("amount", "amount", "交易金额", "发生额", "发生金额", "金额", "tradeamount", "transactionamount",
          "amount"),
    field("direction", "flag", "借贷标志", "借贷方向", "借贷标识", "收支标志", "收付标志", "借/贷", "借贷",
          "收/支", "方向", "dr/cr", "debit/credit"),
    field("balance", "amount", "余额", "账户余额", "交易后余额", "当前余额", "联机余额", "balance",
          "after-transactionbalance"),
))
STATEMENT_HEAD = Spec("statement head lines", (
    field("account_no", "code", "查询账号", "本方账号", "账号", "帐号", "账户号", "账户", "accountno."),
    field("holder", "text", "账户名称", "户名", "单位名称", "客户名称", "账户名", "accountname"),
    field("period", "text", "起止日期", "查询期间", "交易期间", "日期范围", "查询日期", "期间"),
    field("start", "date", "起始日期", "开始日期"),
    field("end", "date", "终止日期", "结束日期", "截止日期"),
))

# -- rosters and registers -------------------------------------------------------------------
TOWN = field("town", "text", "乡镇", "乡镇(街道)")
VILLAGE = field("village", "text", "行政村", "村")
ID_NO = field("id_no", "code", "身份证号", "身份证号码")

# 序号, 批次号 and 发放状态 are optional (fundtrail.importers.rosters derives the batch and the row's
# key as the distribution rosters do; no status: paid). The ID number stays required: the
# beneficiary checks key on it.
ROSTER = Spec("一卡通发放明细", (
    field("seq", "count", "序号"),
    field("name", "text", "姓名", "户主姓名", "收款人", "收款人姓名", "领取人姓名"),
    field("id_no", "code", "身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证件号码", "户主身份证号",
          "户主身份证号码", label="身份证号"),
    field("card", "code", "一卡通账号", "社保卡号", "银行账号", "卡号", "一卡通卡号", "银行卡号"),
    field("town", "text", "乡镇", "乡镇(街道)", "所在乡镇", "所属乡镇"),
    field("village", "text", "行政村", "村", "所在村", "所属村", "村组", "所属村组", "所在村组"),
    field("village_code", "code", "村代码", "行政村代码", "行政区划代码", "区划代码"),
    field("item", "text", "补贴项目", "补贴名称", "项目名称", "补贴项目名称"),
    field("amount", "amount", "发放金额(元)", "发放金额", "补贴金额", "实发金额", "实发金额(元)", "金额(元)", "金额",
          label="发放金额(元)"),
    field("date", "date", "发放日期", "日期", "发放时间"),
    field("batch", "code", "批次号", "批次", "发放批次"),
    field("status", "text", "发放状态", "状态", "发放结果"),
), ("name", "id_no", "card", "village", "item", "amount", "date"))
# A table that pays an amount for a subsidy item (a roster's 补贴项目 and 发放金额) is a roster,
# however many of a household register's columns it has (户主姓名, 公民身份号码, 所在村).
ROSTER_PAYS = ("item", "amount")

FUND_LIST = Spec("指标文件清单", (
    field("doc_no", "code", "指标文号", "文号"),
    field("title", "text", "资金名称", "指标名称"),
    field("level", "text", "资金级次", "级次"),
    field("func_code", "code", "功能科目编码", "功能分类科目编码", "功能科目"),
    field("amount", "amount", "金额(元)", "金额(万元)", "指标金额", "金额"),
    field("issued", "date", "下达日期", "发文日期"),
    field("received", "date", "到账日期"),
    field("note", "text", "备注"),
    field("into", "code", "到账账户"),
), ("doc_no", "title", "level", "amount", "issued"))

PROJECT_LIBRARY = Spec("项目库", (
    field("code", "code", "项目编号", "项目代码"),
    field("name", "text", "项目名称"),
    field("category", "text", "项目类别", "项目类型"),
    field("nature", "text", "建设性质"),
    TOWN,
    VILLAGE,
    field("task", "text", "建设任务", "建设内容", "建设任务(内容)"),
    field("standard", "text", "补助标准"),
    field("budget", "amount", "资金规模(元)", "资金规模(万元)", "资金规模", "总投资", "财政衔接资金(万元)",
          "财政衔接资金(元)", "衔接资金(万元)", "衔接资金(元)", label="资金规模"),
    field("sources", "code", "资金来源文号", "资金来源"),
    field("start", "date", "实施期限起", "计划开工时间"),
    field("end", "date", "实施期限止", "计划完工时间"),
    field("unit", "text", "实施单位", "实施主体", "项目实施主体", "项目实施单位"),
    field("manager", "text", "责任人"),
    field("goal", "text", "绩效目标"),
    field("linkage", "text", "联农带农机制", "带贫减贫机制", "利益联结机制"),
    field("households", "count", "受益户数"),
    field("poor_households", "count", "其中脱贫户/监测户", "受益脱贫户数"),
    field("approved", "date", "批复日期", "批复时间"),
    field("phone", "code", "监督电话"),
    # the benefit-link promise (fundtrail.plugins.rules.benefit): what kind, how many, of what
    field("promise_kind", "text", "带动类型", "联农带农类型", "带动方式", "利益联结类型"),
    field("promise", "amount", "承诺数量", "承诺带动数量", "带动数量", "承诺规模"),
    field("promise_unit", "text", "承诺单位", "承诺计量单位", "计量单位"),
), ("code", "name", "budget"))

ASSET_REGISTER = Spec("项目资产台账", (
    field("id", "code", "资产编号", "资产代码", "资产编码"),
    field("name", "text", "资产名称"),
    field("cls", "text", "资产类别", "资产类型", "资产性质"),
    field("project", "code", "项目编号", "项目代码", "所属项目编号", "项目编码"),
    TOWN,
    field("village", "text", "行政村", "所在村", "所在行政村", "村名称", "村", "村代码"),
    field("owner", "text", "所有权人", "产权归属", "资产所有权人", "确权主体", "资产权属", "所有者", "权属"),
    field("value", "amount", "资产价值(元)", "资产价值(万元)", "资产原值(元)", "资产原值(万元)", "资产价值",
          "资产原值", "账面价值", label="资产价值"),
    field("custodian", "text", "管护主体", "管护责任主体", "管护单位", "管护责任单位", "管护责任人"),
    field("income", "amount", "预期年收益(元)", "预期年收益", "年收益(元)", "预计年收益", "年预期收益", "年收益预期",
          "预期收益(元/年)", "预计收益(元/年)", "预期收益", "预计收益", "年收益", "预期年收入", "年均收益",
          label="预期年收益"),
    field("registered", "date", "登记日期", "确权日期", "移交日期", "确权登记日期", "登记时间", "确权时间",
          "移交时间"),
    field("payment", "text", "收益支付方式", "租金支付方式", "收益收取方式", "收益周期", "支付方式"),
    field("disposal", "text", "处置方式"),
    field("disposed", "date", "处置日期"),
    field("approval", "code", "处置批准文号", "批准文号", "审批文号"),
    field("proceeds", "amount", "处置收入(元)", "处置收入"),
), ("id", "name", "cls", "value", "registered"))

# -- the collective layer: asset income and its distribution ----------------------------------
ASSET_ID = field("asset", "code", "资产编号", "资产编码", "资产代码", label="资产编号")
ASSET_NAME = field("asset_name", "text", "资产名称", "资产项目名称")
PERSON_ID = field("id_no", "code", "身份证号", "身份证号码", "证件号码", "身份证件号码", "公民身份号码",
                  "户主身份证号", "户主身份证号码")
# An income record or a distribution roster names its asset by 资产编号 or by 资产名称 (with its
# village): neither is required alone (fundtrail.importers.collective asks for one of them).
INCOME_RECORDS = Spec("资产收益明细", (
    field("ref", "code", "收益编号", "收益单号", "收据编号", "收据号", "票据号", "单据号", "凭证号",
          "流水号"),
    ASSET_ID,
    ASSET_NAME,
    TOWN,
    field("village", "text", "行政村", "所在村", "村名称", "村"),
    field("date", "date", "收益日期", "收益到账日期", "到账日期", "收款日期", "入账日期", "收入日期",
          "到账时间", "收款时间", "日期"),
    field("amount", "amount", "收益金额(元)", "收益金额(万元)", "收益金额", "实收金额", "到账金额",
          "收入金额", "收款金额", "金额(元)", "金额"),
    field("kind", "text", "收益类型", "收益类别", "收入类型", "收入类别", "收益来源", "收益方式", "收益种类",
          "类型"),
    field("payer", "text", "付款单位", "付款单位名称", "付款方", "付款人", "缴款单位", "缴款人", "交款单位",
          "交款人", "承租方", "承租人", "支付单位"),
    field("summary", "text", "摘要", "收益说明", "说明"),
), ("date", "amount", "kind"))

DISTRIBUTIONS = Spec("资产收益分配明细", (
    field("seq", "count", "序号"),
    field("batch", "code", "批次号", "分配批次", "批次"),
    ASSET_ID,
    field("asset_name", "text", "资产名称", "资产项目名称", "收益来源"),
    TOWN,
    field("village", "text", "行政村", "所在村", "村名称", "村"),
    field("village_code", "code", "村代码", "行政村代码", "行政区划代码", "区划代码"),
    field("kind", "text", "分配类型", "分配用途", "分配方式", "收益分配方式", "分配项目", "收益用途", "用途"),
    field("name", "text", "姓名", "户主姓名", "收款人", "收款人姓名", "领取人", "领取人姓名", "收款单位"),
    PERSON_ID,
    field("card", "code", "一卡通账号", "一卡通卡号", "社保卡号", "银行账号", "银行卡号", "卡号", "收款账号",
          "收款卡号"),
    field("amount", "amount", "分配金额(元)", "分配金额", "发放金额(元)", "发放金额", "分红金额", "金额(元)",
          "金额"),
    field("date", "date", "发放日期", "分配日期", "支付日期", "发放时间", "分配时间", "日期"),
    field("status", "text", "发放状态", "发放结果", "支付状态", "支付结果", "状态"),
    field("summary", "text", "摘要", "分配说明", "说明"),
), ("village", "kind", "amount", "date"))

DIVISION_LIST = Spec("行政区划代码表", (
    field("code", "code", "统计用区划代码", "行政区划代码", "区划代码", "村代码", "代码"),
    field("name", "text", "名称", "区划名称", "单位名称", "行政村", "村名称"),
    field("town", "text", "乡镇", "乡镇(街道)", "所属乡镇"),
), ("code", "name"))
# A list of people (a roster with village codes) is not a division list.
PEOPLE = Spec("人员名单", (ID_NO, field("name", "text", "姓名", "户主姓名")), ("id_no",))

SUBSIDY_ITEMS = Spec("补贴项目及标准", (
    field("item", "text", "补贴项目", "补贴项目名称", "补贴名称"),
    field("standard", "amount", "补贴标准(元)", "补贴标准", "标准(元)", "发放标准"),
    field("period", "text", "发放周期", "补贴周期", "周期", "发放频次"),
), ("item", "standard", "period"))

# The person registers are kept as CSV under the workspace's own headers (REGISTER_HEADERS):
# each column is its own field, named by its header.
# -- a payment request list (付款申请清单), read by the pre-payment gate ------------------------------
PAYMENT_REQUESTS = Spec("付款申请清单", (
    field("date", "date", "日期", "支付日期", "付款日期", "申请日期", "拟支付日期"),
    field("payee", "text", "收款人", "收款单位", "收款人名称", "收款单位名称", "收款人全称"),
    field("account", "code", "收款账号", "账号", "收款人账号", "收款账户", "银行账号"),
    field("project", "text", "项目编码", "项目", "项目代码", "项目名称"),
    field("amount", "amount", "金额", "支付金额", "申请金额", "付款金额"),
    field("purpose", "text", "用途", "摘要", "资金用途", "付款用途", "支付用途"),
    field("bank", "text", "开户行", "开户银行", "收款银行", "收款人开户行"),
    field("fund", "code", "指标文号", "资金指标"),
    field("func_code", "code", "功能科目", "功能分类科目"),
    field("eco_code", "code", "经济科目", "经济分类科目"),
), ("date", "payee", "account", "project", "amount", "purpose"))
PAYMENT_REQUESTS_IGNORED = ("序号", "备注", "经办人", "申请人", "审核人", "申请单位", "联系电话", "附件张数")


# -- the departments' screening lists (部门筛查预警): medical self-pay, education, disaster ---------
# One Spec per list; the importer (fundtrail.importers.screening) keeps every row in the
# workspace's screening register. The amount is the one the screening line applies to.
_SCREEN_NAME = ("姓名", "参保人姓名", "患者姓名", "户主姓名", "户主")
_SCREEN_ID = ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证件号码", "参保人身份证号",
              "户主身份证号", "户主身份证号码")
MEDICAL_SCREENING = Spec("医疗费用个人自付推送表", (
    field("name", "text", *_SCREEN_NAME),
    field("id_no", "code", *_SCREEN_ID),
    TOWN,
    field("village", "text", "行政村", "村", "所在村", "行政村(社区)"),
    field("date", "date", "结算日期", "结算时间", "出院日期", "出院时间", "就诊日期", "费用发生日期"),
    field("amount", "amount", "个人自付金额", "个人负担总金额", "个人自付", "个人负担金额", "自付金额",
          "个人自付费用", "个人支付金额", label="个人自付金额"),
    field("detail", "text", "就诊医院", "就诊机构", "定点医药机构名称", "医疗机构", "医院名称", "疾病名称"),
), ("name", "id_no", "date", "amount"))
EDUCATION_SCREENING = Spec("教育费用个人负担推送名单", (
    field("name", "text", "家长姓名", "监护人姓名", "户主姓名", "家长", "监护人"),
    field("id_no", "code", "家长身份证号", "监护人身份证号", "户主身份证号", "身份证号", "身份证号码"),
    TOWN,
    field("village", "text", "行政村", "村", "所在村", "家庭住址村", "行政村(社区)"),
    field("date", "date", "缴费日期", "缴费时间", "缴费月份", "入学日期"),
    field("amount", "amount", "个人负担金额", "个人负担", "个人承担金额", "家庭负担金额", "自付金额",
          label="个人负担金额"),
    field("detail", "text", "就读学校", "学校名称", "学校"),
), ("name", "village", "date", "amount"))
DISASTER_SCREENING = Spec("受灾户统计表", (
    field("name", "text", "户主姓名", "户主", "姓名", "受灾户主"),
    field("id_no", "code", *_SCREEN_ID),
    TOWN,
    field("village", "text", "行政村", "村", "所在村", "行政村(社区)"),
    field("date", "date", "受灾日期", "受灾时间", "灾害发生日期", "发生日期"),
    field("amount", "amount", "直接经济损失", "经济损失", "损失金额", "直接经济损失金额",
          label="直接经济损失"),
    field("detail", "text", "受灾情况", "损失情况", "灾情", "房屋受损情况", "受损情况"),
    field("hazard", "text", "灾种", "灾害种类", "灾害类型"),
), ("name", "date", "amount"))

_REGISTER_TYPES = {"身份证号": "code", "关系人身份证号": "code", "一卡通账号": "code", "联系电话": "code",
                   "户编号": "code", "家庭人口": "count", "识别日期": "date", "风险消除日期": "date",
                   "措施落实日期": "date", "走访日期": "date"}
# The names the national monitoring system's exports and county spreadsheets give each register
# column besides the workspace's own header (which comes first).
_REGISTER_NAMES = {
    "households": {
        "户编号": ("户编码", "户号", "家庭编号", "户主编号"),
        "户主姓名": ("户主", "户主名称", "姓名"),
        "身份证号": ("身份证号码", "证件号码", "身份证件号码", "公民身份号码", "户主身份证号", "户主身份证号码",
                 "户主证件号码"),
        "乡镇": ("乡镇(街道)", "乡(镇)", "乡(镇、街道)", "所属乡镇", "镇(乡)"),
        "行政村": ("村", "所在村", "所属村", "村(社区)", "行政村(社区)", "村名"),
        "家庭人口": ("家庭人口数", "家庭人数", "人口数", "户人口数", "家庭成员数"),
        "户类型": ("户类别", "农户类型", "监测对象类别", "监测对象类型", "监测类型", "户属性", "人员类型"),
        "主要致贫/返贫原因": ("主要致贫原因", "致贫原因", "返贫致贫原因", "致贫返贫原因", "主要风险", "风险类别"),
        "风险等级": ("风险类型", "风险程度", "风险级别", "监测风险等级"),
        "一卡通账号": ("一卡通卡号", "一卡通帐号", "社保卡号", "银行卡号", "银行账号", "卡号"),
        "联系电话": ("电话", "手机号码", "手机号", "联系方式"),
        "识别日期": ("纳入监测时间", "识别时间", "监测识别日期", "纳入日期", "纳入时间", "纳入监测日期", "识别监测时间",
                 "监测时间"),
        "风险消除日期": ("风险消除时间", "消除风险日期", "消除风险时间", "标注风险消除时间", "解除监测日期", "解除监测时间",
                   "风险消除标注时间"),
        "帮扶措施": ("落实帮扶措施", "帮扶措施类型", "帮扶方式", "已落实帮扶措施"),
        "措施落实日期": ("帮扶措施落实时间", "帮扶措施落实日期", "措施落实时间", "帮扶落实日期", "帮扶落实时间",
                   "帮扶日期", "帮扶时间"),
        "走访日期": ("最近走访时间", "最近走访日期", "走访时间", "入户走访日期", "入户走访时间", "最近入户时间"),
    },
    "officials": {
        "姓名": ("干部姓名", "公职人员姓名", "本人姓名"),
        "身份证号": ("身份证号码", "证件号码", "干部身份证号", "本人身份证号", "公民身份号码"),
        "单位/村": ("工作单位", "所在单位", "任职单位", "单位", "单位或村"),
        "职务": ("现任职务", "职位", "职务/岗位", "岗位", "担任职务"),
        "关系人姓名": ("亲属姓名", "近亲属姓名", "关系人"),
        "关系人身份证号": ("关系人身份证号码", "亲属身份证号", "亲属身份证号码", "近亲属身份证号",
                    "近亲属身份证号码", "亲属证件号码"),
        "关系": ("与本人关系", "与干部关系", "亲属关系", "关系类型", "称谓"),
    },
}


def _register(kind: str, register: str, required: tuple[str, ...]) -> Spec:
    names = _REGISTER_NAMES[register]
    return Spec(kind, tuple(field(h, _REGISTER_TYPES.get(h, "text"), h, *names.get(h, ()))
                            for h in REGISTER_HEADERS[register]), required)


HOUSEHOLDS = _register(REGISTER_TITLES["households"], "households",
                       ("户编号", "户主姓名", "身份证号", "行政村"))
OFFICIALS = _register(REGISTER_TITLES["officials"], "officials", ("姓名", "身份证号", "关系人身份证号"))

# -- micro-loan registers (小额信贷台账): a bank's loan ledger, the county's 台账, a bank system's
# export (fundtrail.importers.loans). Amount columns may be in 万元 (the label says so).
LOANS = Spec("小额信贷台账", (
    field("loan_no", "code", "贷款账号", "借据号", "贷款编号", "借据编号", "贷款合同号", "合同编号", "贷款号",
          label="贷款编号"),
    field("borrower", "text", "借款人", "借款人姓名", "客户名称", "客户姓名", "贷款人姓名", label="借款人"),
    field("id_no", "code", "身份证号", "身份证号码", "证件号码", "借款人身份证号", "借款人证件号码", "公民身份号码",
          "身份证件号码", label="身份证号"),
    field("household", "code", "户编号", "户编码", "户号"),
    field("head", "text", "户主姓名", "户主"),
    TOWN,
    VILLAGE,
    field("bank", "text", "贷款银行", "经办银行", "放款银行", "贷款机构", "经办机构", "合作银行"),
    field("amount", "amount", "贷款金额(元)", "贷款金额(万元)", "贷款金额", "合同金额", "放款金额", "借款金额",
          "发放金额", label="贷款金额"),
    field("term", "count", "贷款期限(月)", "期限(月)", "贷款期限", "借款期限", label="贷款期限(月)"),
    field("start", "date", "放款日期", "发放时间", "发放日期", "起息日", "放款时间", "贷款日期", "借款日期",
          label="放款日期"),
    field("due", "date", "到期日期", "到期时间", "止息日", "到期日", "约定到期日", label="到期日期"),
    field("purpose", "text", "贷款用途", "借款用途", "用途", label="贷款用途"),
    field("rate", "text", "执行利率(%)", "执行利率", "年利率(%)", "年利率", "利率(%)", "利率", label="利率"),
    field("subsidy_paid", "amount", "已贴息金额(元)", "已贴息金额", "累计贴息(元)", "累计贴息", "累计财政贴息",
          "贴息金额", "财政贴息金额", label="已贴息金额"),
    field("status", "text", "还款情况", "贷款状态", "还款状态", "是否逾期", "五级分类", label="还款情况"),
    field("overdue", "amount", "逾期金额(元)", "逾期本金(万元)", "逾期本金(元)", "逾期金额", "逾期本金",
          label="逾期金额"),
    field("settled", "date", "结清日期", "结清日", "还清日期", "实际结清日期", label="结清日期"),
    field("used_by", "text", "实际使用人", "资金实际使用人", "实际用款人", "资金使用方", label="实际使用人"),
), ("borrower", "id_no", "amount", "start"))


# -- benefit links: the rolls a project's promise is checked against, and the leases ----------
# (fundtrail.importers.benefit). A roll names its project by 项目编号 or 项目名称.
PROJECT_REF = (field("project", "code", "项目编号", "项目代码", "项目编码", label="项目编号"),
               field("project_name", "text", "项目名称", "所属项目", "项目"))
ROLL_PERSON = (field("person", "text", "姓名", "务工人员姓名", "务工人员", "交售农户", "交售人", "售粮农户",
                     "农户姓名", "流转方(承包户)", "流转方", "承包户", "承包农户", "户主姓名", "出租方姓名"),
               PERSON_ID,
               field("village", "text", "行政村", "所在村", "村", "村名称"),
               field("registered", "text", "是否脱贫户/监测户", "是否脱贫户或监测户", "是否脱贫户", "是否监测户",
                     "是否脱贫人口", "脱贫户/监测户"))
WAGE_ROLL = Spec("务工花名册", (
    *PROJECT_REF,
    field("employer", "text", "用工单位", "用工主体", "用工企业", "用工单位名称", "实施主体"), *ROLL_PERSON,
    field("period", "text", "务工月份", "务工时间", "工资月份", "发放月份", "务工期间", "月份"),
    field("days", "amount", "出勤天数", "务工天数", "工作天数", "出工天数", "天数"),
    field("wage", "amount", "实发工资(元)", "实发工资", "实发金额(元)", "实发金额", "工资(元)", "工资",
          "金额(元)", "金额", label="实发工资"),
    field("gross", "amount", "应发工资(元)", "应发工资", "应发金额(元)", "应发金额", label="应发工资"),
    field("date", "date", "发放日期", "支付日期"),
), ("person", "period", "wage"))
PURCHASES = Spec("订单收购台账", (
    *PROJECT_REF,
    field("buyer", "text", "收购单位", "收购主体", "收购企业", "收购单位名称"), *ROLL_PERSON,
    field("date", "date", "收购日期", "交售日期", "收购时间", "日期"),
    field("produce", "text", "品种", "收购品种", "产品", "品名", "产品名称", "农产品名称"),
    field("quantity", "amount", "数量(斤)", "数量(公斤)", "数量(吨)", "收购数量", "数量", label="数量"),
    field("price", "amount", "单价(元/斤)", "单价(元/公斤)", "单价", "收购单价", "收购价格", label="单价"),
    field("amount", "amount", "金额(元)", "收购金额(元)", "收购金额", "金额", label="金额"),
), ("person", "date", "amount"))
LAND_RENT = Spec("土地流转租金发放表", (
    *PROJECT_REF, *ROLL_PERSON,
    field("card", "code", "一卡通账号", "一卡通卡号", "社保卡号", "银行账号", "银行卡号", "卡号"),
    field("area", "amount", "流转面积(亩)", "流转面积", "面积(亩)", "亩数", label="流转面积"),
    field("standard", "amount", "租金标准(元/亩·年)", "租金标准", "每亩租金", "流转单价", "流转价格",
          "租金单价", label="租金标准"),
    field("rent", "amount", "应付租金(元)", "实付租金(元)", "租金金额(元)", "应付租金", "实付租金", "租金(元)",
          "租金", "金额(元)", "金额", label="租金"),
    field("date", "date", "发放日期", "支付日期", "兑付日期", "日期"),
), ("person", "area", "rent"))
LEASES = Spec("项目资产租赁合同台账", (
    field("contract", "code", "合同编号", "租赁合同编号", "合同号"),
    ASSET_ID, ASSET_NAME,
    field("owner", "text", "出租方", "出租人", "发包方"),
    field("tenant", "text", "承租方", "承租人", "承包方", "承租单位"),
    field("rent", "amount", "年租金(元)", "年租金(万元)", "年租金", "租金(元/年)", label="年租金"),
    field("payment", "text", "支付方式", "付款方式", "租金支付方式", "缴纳方式"),
    field("start", "date", "起租日期", "租赁起始日期", "租期起", "合同起始日期", "开始日期"),
    field("end", "date", "止租日期", "租赁终止日期", "租期止", "合同终止日期", "结束日期"),
    field("terms", "text", "付款约定", "支付约定", "付款期限", "备注"),
), ("contract", "tenant", "rent", "payment", "start"))
LEASE_RECEIPTS = Spec("村集体资产租金收入明细", (
    field("date", "date", "收款日期", "到账日期", "收入日期", "日期"),
    field("payer", "text", "付款单位", "付款方", "承租方", "缴款单位", "交款单位"),
    field("collective", "text", "收款单位", "收款方", "出租方"),
    field("amount", "amount", "金额(元)", "收款金额(元)", "收款金额", "租金金额", "金额"),
    field("summary", "text", "摘要", "说明"),
    field("ref", "code", "凭证号", "收据号", "票据号", "单据号"),
    ASSET_ID,
), ("date", "payer", "collective", "amount"))
