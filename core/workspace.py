"""A county workspace: the ledger files, the registers and the folders `fundtrail init` makes.

    DIR/main.beancount              options, plugins, Fava options, includes (the file to open)
    DIR/accounts.beancount          chart of accounts (bank, treasury, standard accounts)
    DIR/masterdata/*.beancount      county & places, funds, projects, loans, notices, registers
    DIR/transactions/*.beancount    allotments, imported transactions (importers append), manual
    DIR/seals.beancount, seals/     sealed periods and their digests (`fundtrail seal`)
    DIR/registers/*.csv             personal-data registers (households, officials), versioned
    DIR/classify.toml               classification rules of `fundtrail import` (docs/importers.md)
    DIR/layouts/*.toml              the county's own bank statement layouts (a commented example)
    DIR/inbox/ documents/ reports/  files to import, filed sources, generated public outputs
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

MAIN = "main.beancount"
REPORTS = "reports"  # generated notices, reports and exports
FOLDERS = ("inbox", "documents", REPORTS, "registers", "masterdata", "transactions", "layouts")
# the personal-data registers a ledger may name, by kind: their Chinese names (what every
# message, page and import summary calls them) and their workspace headers
REGISTER_TITLES = {"households": "脱贫户/监测户登记册", "officials": "干部及亲属登记册",
                   "screening": "部门筛查预警名单"}
REGISTER_HEADERS = {
    "households": ["户编号", "户主姓名", "身份证号", "乡镇", "行政村", "家庭人口", "户类型",
                   "主要致贫/返贫原因", "风险等级", "一卡通账号", "联系电话", "识别日期", "风险消除日期",
                   "帮扶措施", "措施落实日期", "走访日期"],
    "officials": ["姓名", "身份证号", "单位/村", "职务", "关系人姓名", "关系人身份证号", "关系"],
    # the departments' screening lists (医疗自付, 教育负担, 受灾): one row per event
    "screening": ["类别", "身份证号", "姓名", "乡镇", "行政村", "日期", "金额", "情况", "来源"],
}
LEDGER_FILES = {
    "masterdata/funds.beancount": "预算指标 (fund indicators): one `open Income:Fund:<Level>:<code>` per 指标文号",
    "masterdata/projects.beancount": "项目库 (project library): one `open Expenses:Project:<code>` per project",
    "masterdata/loans.beancount": "小额信贷 (micro-loans): one `custom \"loan\"` per loan",
    "masterdata/notices.beancount": "公告公示 and 验收: `custom \"notice\"` and `custom \"acceptance\"` per project",
    "masterdata/assets.beancount": "项目资产 (project assets): `custom \"asset\"` and `custom \"asset-disposal\"`",
    "masterdata/benefit.beancount": "联农带农 (benefit links): `custom \"benefit-roll\"` rows and `custom \"lease\"` contracts",
    "transactions/allotments.beancount": "分解下达: allotments of fund money to projects (Equity:Allotment)",
    "transactions/imported.beancount": "导入的交易 (written by `fundtrail import`; do not edit by hand)",
    "transactions/collective.beancount": "村集体资产收益及分配 (asset income and its distribution)",
    "transactions/manual.beancount": "手工分录: corrections and adjustments (更正分录)",
    "seals.beancount": "封账 (sealed periods): written by `fundtrail seal`; do not edit by hand",
}


@dataclass(frozen=True)
class County:
    """A county's identity. The defaults are the demo county's (青禾区): `fundtrail init` refuses
    them unless told --demo, so that no real county's books or notices carry them."""
    admdiv: str = "370405"
    name: str = "青禾区"
    bureau: str = "青禾区财政局"
    phone: str = "0632-12317"
    start: datetime.date = datetime.date(2023, 1, 1)


DEMO = County()
UNSET_ADMDIV = "000000"  # no county yet: the division list's own row sets it (importers/countylists.py)
_ADMDIV = re.compile(r"\d{4}(?!00)\d{2}")  # a county-level code: its last two digits are not 00
_PHONE = re.compile(r"\d[\d-]{3,18}\d")


def identity_problems(name: str, admdiv: str, phone: str) -> list[tuple[str, str]]:
    """What is wrong with a county's name, division code and supervision phone: (Chinese,
    English) per problem, none when all three are fit for a county's books."""
    problems = []
    if not name or len(name) > 30 or any(not c.isprintable() or c.isspace() for c in name):
        problems.append(("区县名称应为1-30个字、不含空格", "the county name: 1-30 characters, no spaces"))
    if not _ADMDIV.fullmatch(admdiv or ""):
        problems.append((f"行政区划代码应为区县级的6位数字(末两位不是00): {admdiv!r}",
                         f"the division code: six digits of a county (not ending 00): {admdiv!r}"))
    if not _PHONE.fullmatch(phone or ""):
        problems.append((f"监督电话应为数字(可含-): {phone!r}", f"the supervision phone: digits and -: {phone!r}"))
    return problems


def demo_values(name: str, admdiv: str, phone: str) -> list[str]:
    """Which of the three are the demo county's."""
    return [v for v, d in ((name, DEMO.name), (admdiv, DEMO.admdiv), (phone, DEMO.phone)) if v == d]


def shown_name(path: str | Path) -> str:
    """A file of the workspace as a message a user reads names it: its path inside the
    workspace (the nearest folder above it that holds main.beancount), e.g.
    registers/households.csv; its own name when no workspace holds it. Never the machine's
    path (a finding's message is shown on Fava pages and in public outputs)."""
    path = Path(os.path.abspath(path))
    for folder in path.parents:
        if (folder / MAIN).is_file():
            return path.relative_to(folder).as_posix()
    return path.name


@functools.lru_cache(maxsize=4096)
def shown_source(filename: str) -> str:
    """The file an error or an entry came from (its `filename`) as a message names it:
    `shown_name`; beancount's own markers (`<load>`) and an unknown file ("", "?") as they
    are. Kept per name: `fundtrail check` names a file per finding."""
    return filename if not filename or filename.startswith(("<", "?")) else shown_name(filename)


def shown_at(source) -> str:
    """`transactions/imported.beancount:38`: an error's source or an entry's meta as a
    message names it (`shown_source`), never the machine's path."""
    return f"{shown_source(str(source.get('filename') or '?'))}:{source.get('lineno', 0)}"


def contents(root: Path) -> list[str]:
    """What a folder already holds (names, sorted); [] when it is empty or does not exist.
    `fundtrail init` and `fundtrail demo` refuse a folder that holds anything: they commit what
    the folder holds to git, and a county's spreadsheets lying there must never be committed."""
    root = Path(root)
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def _template(name: str) -> str:
    return resources.files("fundtrail.ledgers").joinpath("templates", name).read_text("utf-8")


def create(root: Path, county: County = County()) -> Path:
    """Create an empty workspace in `root`; refuse to overwrite an existing one."""
    root = Path(root)
    main = root / MAIN
    if main.exists():
        raise FileExistsError(f"账簿已存在 workspace already exists: {main}")
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    values = {"title": f"{county.name}巩固拓展脱贫攻坚成果和乡村振兴资金账簿",
              "start": county.start.isoformat(), "admdiv": county.admdiv,
              "county": county.name, "bureau": county.bureau, "phone": county.phone}
    files = {MAIN: _template("main.beancount"),
             "accounts.beancount": _template("accounts.beancount"),
             "masterdata/county.beancount": _template("county.beancount"),
             "classify.toml": _template("classify.toml"),
             "layouts/example.toml": _template("layout-example.toml")}
    for path, purpose in LEDGER_FILES.items():
        files[path] = _template("empty.beancount").replace("{purpose}", purpose)
    files["masterdata/registers.beancount"] = "".join(
        f'{county.start} custom "register" "{kind}" "../registers/{kind}.csv"\n'
        for kind in REGISTER_HEADERS)
    for path, text in files.items():
        literal = path.endswith(".toml")  # its {placeholders} are the rules' own templates
        (root / path).write_text(text if literal or "{" not in text else text.format(**values), "utf-8")
    for kind, header in REGISTER_HEADERS.items():
        (root / "registers" / f"{kind}.csv").write_text(",".join(header) + "\n", "utf-8")
    return main
