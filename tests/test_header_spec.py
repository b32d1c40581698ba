"""The header specification (fundtrail.importers.headers) is the one vocabulary of columns: every
header name the importers' own alias tables and `layout suggest`'s vocabulary knew (copied below
as they were) still maps to the same field, the packaged layouts name its fields, and a
roster's totals row is any of the totals words."""

import pytest

from fundtrail.importers import headers
from fundtrail.importers.assets import AssetRegisterImporter
from fundtrail.importers.countylists import DivisionListImporter, SubsidyItemImporter
from fundtrail.importers.layout import load_all
from fundtrail.importers.registers import (
    FundListImporter,
    PersonRegisterImporter,
    ProjectLibraryImporter,
)
from fundtrail.importers.statement import ESSENTIAL
from fundtrail.importers.suggest import META_LABELS, VOCABULARY, _matches
from fundtrail.importers.tables import Table, find_columns, header_score
from fundtrail.workspace import REGISTER_HEADERS

ROSTER = ({
    "seq": ("序号",), "name": ("姓名", "户主姓名", "收款人"), "id_no": ("身份证号", "身份证号码"),
    "card": ("一卡通账号", "社保卡号", "银行账号", "卡号"), "town": ("乡镇", "乡镇(街道)"),
    "village": ("行政村", "村"), "village_code": ("村代码", "行政村代码", "行政区划代码", "区划代码"),
    "item": ("补贴项目", "补贴名称", "项目名称"),
    "amount": ("发放金额(元)", "发放金额", "补贴金额"), "date": ("发放日期", "日期"),
    "batch": ("批次号", "批次"), "status": ("发放状态", "状态"),
}, ("name", "id_no", "card", "village", "item", "amount", "date"))  # 序号, 批次号, 发放状态 optional
FUND_LIST = ({
    "doc_no": ("指标文号", "文号"), "title": ("资金名称", "指标名称"),
    "level": ("资金级次", "级次"), "func_code": ("功能科目编码", "功能分类科目编码", "功能科目"),
    "amount": ("金额(元)", "金额(万元)", "指标金额", "金额"),
    "issued": ("下达日期", "发文日期"), "received": ("到账日期",), "note": ("备注",),
    "into": ("到账账户",),
}, ("doc_no", "title", "level", "amount", "issued"))
PROJECT_LIBRARY = ({
    "code": ("项目编号", "项目代码"), "name": ("项目名称",), "category": ("项目类别", "项目类型"),
    "nature": ("建设性质",), "town": ("乡镇", "乡镇(街道)"), "village": ("行政村", "村"),
    "task": ("建设任务", "建设内容", "建设任务(内容)"), "standard": ("补助标准",),
    "budget": ("资金规模(元)", "资金规模(万元)", "资金规模", "总投资"),
    "sources": ("资金来源文号", "资金来源"), "start": ("实施期限起", "计划开工时间"),
    "end": ("实施期限止", "计划完工时间"), "unit": ("实施单位",), "manager": ("责任人",),
    "goal": ("绩效目标",), "linkage": ("联农带农机制", "带贫减贫机制", "利益联结机制"),
    "households": ("受益户数",), "poor_households": ("其中脱贫户/监测户", "受益脱贫户数"),
    "approved": ("批复日期", "批复时间"), "phone": ("监督电话",),
}, ("code", "name", "budget"))
ASSET_REGISTER = ({
    "id": ("资产编号", "资产代码"), "name": ("资产名称",),
    "cls": ("资产类别", "资产类型", "资产性质"), "project": ("项目编号", "项目代码"),
    "town": ("乡镇", "乡镇(街道)"), "village": ("行政村", "所在村", "村"),
    "owner": ("所有权人", "产权归属", "所有者", "权属"),
    "value": ("资产价值(元)", "资产价值(万元)", "资产原值(元)", "资产原值(万元)", "资产价值",
              "资产原值", "账面价值"),
    "custodian": ("管护主体", "管护责任单位", "管护责任人"),
    "income": ("预期年收益(元)", "预期年收益", "年收益(元)"),
    "registered": ("登记日期", "确权日期", "移交日期"),
    "disposal": ("处置方式",), "disposed": ("处置日期",),
    "approval": ("处置批准文号", "批准文号", "审批文号"), "proceeds": ("处置收入(元)", "处置收入"),
}, ("id", "name", "cls", "value", "registered"))
DIVISION_LIST = ({
    "code": ("统计用区划代码", "行政区划代码", "区划代码", "村代码", "代码"),
    "name": ("名称", "区划名称", "单位名称", "行政村", "村名称"),
    "town": ("乡镇", "乡镇(街道)", "所属乡镇"),
}, ("code", "name"))
PEOPLE = ({"id_no": ("身份证号", "身份证号码"), "name": ("姓名", "户主姓名")}, ("id_no",))
SUBSIDY_ITEMS = ({
    "item": ("补贴项目", "补贴项目名称", "补贴名称"),
    "standard": ("补贴标准(元)", "补贴标准", "标准(元)", "发放标准"),
    "period": ("发放周期", "补贴周期", "周期", "发放频次"),
}, ("item", "standard", "period"))
HOUSEHOLDS = ({h: (h,) for h in REGISTER_HEADERS["households"]}, ("户编号", "户主姓名", "身份证号", "行政村"))
OFFICIALS = ({h: (h,) for h in REGISTER_HEADERS["officials"]}, ("姓名", "身份证号", "关系人身份证号"))

SUGGEST_VOCABULARY = {
    "date": ["交易日期", "交易日", "记账日期", "记账日", "入账日期", "发生日期", "日期", "transactiondate",
             "date"],
    "time": ["交易时间", "记账时间", "时间", "transactiontime", "time"],
    "debit": ["借方发生额", "借方金额", "支出金额", "付款金额", "转出金额", "出账金额", "支出", "借方",
              "debitamount", "debit"],
    "credit": ["贷方发生额", "贷方金额", "收入金额", "收款金额", "转入金额", "入账金额", "收入", "贷方",
               "creditamount", "credit"],
    "amount": ["交易金额", "发生额", "发生金额", "金额", "tradeamount", "transactionamount", "amount"],
    "direction": ["借贷标志", "借贷方向", "借贷标识", "收支标志", "收付标志", "借/贷", "借贷", "收/支", "方向",
                  "dr/cr", "debit/credit"],
    "balance": ["余额", "账户余额", "交易后余额", "当前余额", "联机余额", "balance",
                "after-transactionbalance"],
    "payer": ["付款人名称", "付款方名称", "付款人户名", "付款单位", "付款人", "payer'sname", "payername"],
    "payer_account": ["付款人账号", "付款方账号", "付款账号", "debitaccountno.", "payer'saccount"],
    "payee": ["对方户名", "对方账户名称", "对方名称", "对方单位名称", "对方账户名", "对方单位", "收/付方名称",
              "收款人名称", "收款方名称", "收款人户名", "收款单位", "收款人", "payee'sname", "payeename",
              "counterparty"],
    "payee_account": ["对方账号", "对方账户", "收/付方帐号", "收/付方账号", "对方帐号", "收款人账号",
                      "收款方账号", "收款账号", "payee'saccountnumber", "payee'saccount"],
    "summary": ["摘要", "交易摘要", "业务摘要", "reference", "summary"],
    "purpose": ["用途", "交易用途", "款项用途", "purpose"],
    "memo": ["附言", "备注", "个性化信息", "交易附言", "remark", "memo", "postscript"],
    "serial": ["交易流水号", "流水号", "交易参考号", "业务参考号", "会计流水号", "柜员流水号", "柜员交易号",
               "凭证号", "传票号", "交易序号", "transactionreferencenumber", "serialno."],
}
SUGGEST_META_LABELS = {
    "account_no": ["查询账号", "本方账号", "账号", "帐号", "账户号", "账户", "accountno."],
    "holder": ["账户名称", "户名", "单位名称", "客户名称", "账户名", "accountname"],
    "period": ["起止日期", "查询期间", "交易期间", "日期范围", "查询日期", "期间"],
    "start": ["起始日期", "开始日期"],
    "end": ["终止日期", "结束日期", "截止日期"],
}

TABLES = {  # the importer's spec, (the alias table it had, the fields it required)
    "roster": (headers.ROSTER, ROSTER),
    "fund list": (FundListImporter().spec, FUND_LIST),
    "project library": (ProjectLibraryImporter().spec, PROJECT_LIBRARY),
    "asset register": (AssetRegisterImporter().spec, ASSET_REGISTER),
    "division list": (DivisionListImporter().spec, DIVISION_LIST),
    "people (not a division list)": (headers.PEOPLE, PEOPLE),
    "subsidy items": (SubsidyItemImporter().spec, SUBSIDY_ITEMS),
    "households": (PersonRegisterImporter("households").spec, HOUSEHOLDS),
    "officials": (PersonRegisterImporter("officials").spec, OFFICIALS),
}
CASES = [(kind, field, name) for kind, (_, (old, _)) in TABLES.items()
         for field, names in old.items() for name in names]


def in_order(old, new) -> bool:
    """Every old name is known, and the old names keep their order (the first present wins)."""
    return [n for n in new if n in old] == list(old)


@pytest.mark.parametrize("kind", TABLES)
def test_each_table_keeps_its_fields_their_names_and_what_it_requires(kind):
    spec, (old, required) = TABLES[kind]
    assert spec.required == required
    assert set(old) <= set(spec.ids)
    for field, names in old.items():
        assert in_order(names, spec[field].names), (field, spec[field].names)


@pytest.mark.parametrize("kind, field, name", CASES)
def test_every_old_header_name_still_finds_its_field(kind, field, name):
    """A header row holding `name` (and the first name of every other required field) maps
    `name`'s column to `field`, with the label as written."""
    spec, (old, required) = TABLES[kind]
    header = [name] + [old[r][0] for r in required if r != field]
    table = Table(None, [(1, ["标题"]), (2, header)])
    index, columns, labels = find_columns("file.csv", table, spec)
    assert (index, columns[field], labels[field]) == (1, 0, name)
    assert header_score(table, spec) == 100


def test_a_missing_column_is_named_by_its_label():
    spec = headers.ROSTER
    header = [spec[f].names[0] for f in spec.required if f != "item"]
    with pytest.raises(Exception, match="表头缺少列: 补贴项目"):
        find_columns("roster.csv", Table(None, [(1, header)]), spec)


# A label `upper/lower` is also read by its lower part (two-row headers: 发生额/贷方), so the
# English `debit/credit` alone reads as `credit`, as it always did.
READ_AS = {"debit/credit": "credit"}


@pytest.mark.parametrize("field, name", [(f, n) for f, names in SUGGEST_VOCABULARY.items() for n in names])
def test_every_old_suggest_word_still_names_its_field(field, name):
    assert in_order(SUGGEST_VOCABULARY[field], VOCABULARY[field])
    assert _matches(name)[0][2] == READ_AS.get(name, field)


def test_the_metadata_labels_are_kept():
    for kind, names in SUGGEST_META_LABELS.items():
        assert in_order(names, META_LABELS[kind])


def test_the_vocabulary_is_well_formed():
    specs = [s for s in vars(headers).values() if isinstance(s, headers.Spec)]
    assert len(specs) == 23  # every file kind the importers read: the payment requests, the collective layer's records, the micro-loan registers, the benefit rolls and leases and the three screening lists included
    for spec in specs:
        assert len(set(spec.ids)) == len(spec.ids) and set(spec.required) <= set(spec.ids), spec.kind
        assert all(f.type in headers.TYPES and f.label for f in spec.fields), spec.kind
        names = [n for f in spec.fields for n in f.names]
        assert len(names) == len(set(names)), spec.kind  # no name claimed by two fields


def test_the_layouts_compile_to_the_statement_fields():
    for layout in load_all():
        assert set(layout.columns) <= set(headers.STATEMENT.ids)
        assert layout.spec.required == tuple(layout.columns)
        for f in layout.spec.fields:
            assert f.names == (layout.columns[f.id],)
            assert (f.type, f.label) == (headers.STATEMENT[f.id].type, headers.STATEMENT[f.id].label)
    essential = {f.id for f in headers.STATEMENT.fields if f.type in ESSENTIAL}
    assert essential == {"date", "datetime", "debit", "credit", "amount", "direction", "balance"}


def test_a_rosters_totals_rows_are_skipped_by_every_totals_word(workspace, tmp_path):
    from fundtrail.importers.pipeline import run_import

    path = tmp_path / "roster.csv"
    rows = ["序号,姓名,身份证号,一卡通账号,乡镇,行政村,补贴项目,发放金额(元),发放日期,批次号,发放状态",
            "1,林生新,370405199303107437,6231000000000000001,张山镇,东村,到户产业奖补,2000.00,2024-06-20,B1,成功",
            "本页合计,,,,,,,2000.00,,,", "总计,,,,,,,2000.00,,,"]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    report = run_import(workspace, [path], dry_run=True).files[0]
    assert (report.read, report.new) == (3, 1)
    assert report.skipped == [(3, "合计行 totals row"), (4, "合计行 totals row")]
