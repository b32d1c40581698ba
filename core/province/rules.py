"""Cross-county checks: what no single county can see, run by DuckDB over every county's export.

Each rule matches people by the keyed hash of their ID number and accounts by the keyed hash
of the account number (fundtrail.province.pseudonym), never by name: two people with one name
in two counties are two people. A finding has the same form as a county check's
(fundtrail.findings.Finding: stable id from the rule and its key, severity, Chinese message,
amount, links, facets naming the counties), so reports and exports take both alike.

xc-duplicate-subsidy (high)
    The same person (ID hash) paid the same subsidy item in the same year in two or more
    counties. Key: person, item, year.
xc-over-limit (medium)
    A person's subsidies in one year, added up over every county that paid them, exceed
    `person_year_limit` yuan (default 8,000; a provincial setting) while they were paid in two
    or more counties. Key: person, year.
xc-related-party (high)
    A cadre or a cadre's registered relative (officials register of one county) paid a subsidy
    in another county. Key: person, paying county.
xc-shared-account (high)
    One bank or card account (account hash) paid under two or more payee names in two or more
    counties: one contractor under several names, or a household's card used for others.
    Key: account.

Settings: person_year_limit (yuan).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from fundtrail import findings
from fundtrail.province.queries import Province

SETTINGS = {"person_year_limit": 8000}


class Rule(NamedTuple):
    id: str
    title: str  # 中文名称
    severity: str
    criteria: str  # 依据 / what it checks, in Chinese, for the five-element form


RULES = {r.id: r for r in (
    Rule("xc-duplicate-subsidy", "跨县重复享受同一补助", "high",
         "同一人（身份证号一致）同一年度在两个及以上县区领取同一补助项目；补助资金按户籍地一地享受，"
         "不得重复申领（财农〔2021〕19号第十二条，补助对象应真实准确）。"),
    Rule("xc-over-limit", "跨县累计超过补助限额", "medium",
         "同一人同一年度在两个及以上县区领取的补助合计超过省定每人年度限额。"),
    Rule("xc-related-party", "干部或其亲属在外县领取补助", "high",
         "一县干部、公职人员或其登记亲属在另一县领取补助资金，须核实资格（优亲厚友）。"),
    Rule("xc-shared-account", "同一账户跨县多个户名收款", "high",
         "同一银行或一卡通账户在两个及以上县区以不同户名收款，可能为冒名、挂靠或套取资金。"),
)}


# Evidence: a payment's 一卡通 row, voucher or bank serial, prefixed by its county's code.
def evidence(table: str = "") -> str:
    """The SQL aggregate of the group's evidence links, as 'county/link', sorted."""
    t = f"{table}." if table else ""
    return (f"list_sort(list_distinct(list_filter(flatten(list(list_transform({t}links, "
            f"lambda x: {t}county || '/' || x))), "
            f"lambda x: regexp_matches(x, '/(YKT|VOU|[A-Z]{{2,5}}-[0-9]{{4}})-')))) AS links")




def _names(province: Province) -> dict[str, str]:
    return {c["county"]: c["name"] for c in province.counties()}


def _where(codes, names) -> str:
    return "、".join(names.get(c, c) for c in codes)


def _finding(rule_id: str, key: str, message: str, amount, date, links, counties) -> findings.Finding:
    rule = RULES[rule_id]
    found = findings.make(rule.id, rule.severity, key, message, None, amount,
                          links=tuple(links), counties=",".join(counties))
    return found._replace(date=date)


def duplicate_subsidy(province: Province, settings: dict):
    names = _names(province)
    for row in province.rows(f"""
        WITH hits AS (  -- the groups first: evidence lists only for the few that match
            SELECT id_hash, item, year(date) AS year FROM beneficiaries
            WHERE id_hash IS NOT NULL AND item IS NOT NULL
            GROUP BY ALL HAVING count(DISTINCT county) >= 2)
        SELECT h.id_hash, h.item, h.year, list(DISTINCT b.county ORDER BY b.county) AS counties,
               sum(b.amount) AS amount, min(b.date) AS date, any_value(b.name) AS name,
               {evidence("b")}
        FROM beneficiaries b JOIN hits h
          ON h.id_hash = b.id_hash AND h.item = b.item AND h.year = year(b.date)
        GROUP BY h.id_hash, h.item, h.year"""):
        yield _finding("xc-duplicate-subsidy", f"{row['id_hash']}|{row['item']}|{row['year']}",
                       f"{row['name']}（同一身份证号）{row['year']}年在{_where(row['counties'], names)}"
                       f"重复领取{row['item']}，共 {row['amount']:,.2f} 元",
                       row["amount"], row["date"], row["links"], row["counties"])


def over_limit(province: Province, settings: dict):
    names, limit = _names(province), Decimal(settings["person_year_limit"])
    for row in province.rows(f"""
        WITH hits AS (
            SELECT id_hash, year(date) AS year FROM beneficiaries WHERE id_hash IS NOT NULL
            GROUP BY ALL HAVING count(DISTINCT county) >= 2 AND sum(amount) > $limit)
        SELECT h.id_hash, h.year, list(DISTINCT b.county ORDER BY b.county) AS counties,
               sum(b.amount) AS amount, min(b.date) AS date, any_value(b.name) AS name,
               list(DISTINCT b.item ORDER BY b.item) AS items, {evidence("b")}
        FROM beneficiaries b JOIN hits h ON h.id_hash = b.id_hash AND h.year = year(b.date)
        GROUP BY h.id_hash, h.year""", limit=limit):
        yield _finding("xc-over-limit", f"{row['id_hash']}|{row['year']}",
                       f"{row['name']}（同一身份证号）{row['year']}年在{_where(row['counties'], names)}"
                       f"共领取补助 {row['amount']:,.2f} 元（{'、'.join(row['items'])}），"
                       f"超过每人年度限额 {limit:,.2f} 元", row["amount"], row["date"], row["links"],
                       row["counties"])


def related_party(province: Province, settings: dict):
    names = _names(province)
    for row in province.rows(f"""
        SELECT o.county AS home, b.county AS payer, b.id_hash, any_value(b.name) AS name,
               any_value(o.role) AS role, any_value(o.cadre) AS cadre, any_value(o.post) AS post,
               any_value(o.relation) AS relation, sum(b.amount) AS amount, min(b.date) AS date,
               list(DISTINCT b.item ORDER BY b.item) AS items, {evidence("b")}
        FROM beneficiaries b JOIN officials o ON o.id_hash = b.id_hash AND o.county <> b.county
        GROUP BY o.county, b.county, b.id_hash"""):
        tie = (f"系{names.get(row['home'], row['home'])}{row['post']}{row['cadre']}的{row['relation']}"
               if row["role"] == "relative" else f"本人为{names.get(row['home'], row['home'])}{row['post']}")
        yield _finding("xc-related-party", f"{row['id_hash']}|{row['payer']}",
                       f"{row['name']}{tie}，在{names.get(row['payer'], row['payer'])}领取"
                       f"{'、'.join(i for i in row['items'] if i)} 共 {row['amount']:,.2f} 元",
                       row["amount"], row["date"], row["links"], sorted({row["home"], row["payer"]}))


def shared_account(province: Province, settings: dict):
    names = _names(province)
    for row in province.rows(f"""
        WITH paid AS (
            SELECT * FROM postings
            WHERE payee_account_hash IS NOT NULL AND account LIKE 'Expenses:%' AND payee IS NOT NULL),
        hits AS (
            SELECT payee_account_hash FROM paid GROUP BY ALL
            HAVING count(DISTINCT county) >= 2 AND count(DISTINCT payee) >= 2)
        SELECT p.payee_account_hash AS account, list(DISTINCT p.county ORDER BY p.county) AS counties,
               list(DISTINCT p.payee ORDER BY p.payee) AS payees, sum(p.amount) AS amount,
               min(p.date) AS date, {evidence("p")}
        FROM paid p JOIN hits USING (payee_account_hash) GROUP BY p.payee_account_hash"""):
        yield _finding("xc-shared-account", row["account"],
                       f"同一收款账户在{_where(row['counties'], names)}以{len(row['payees'])}个户名收款"
                       f"（{'、'.join(row['payees'])}），共 {row['amount']:,.2f} 元",
                       row["amount"], row["date"], row["links"], row["counties"])


CHECKS = {"xc-duplicate-subsidy": duplicate_subsidy, "xc-over-limit": over_limit,
          "xc-related-party": related_party, "xc-shared-account": shared_account}


def cross_county(province: Province, settings: dict | None = None) -> list[findings.Finding]:
    """Every cross-county finding, in date order."""
    settings = {**SETTINGS, **(settings or {})}
    found = [f for check in CHECKS.values() for f in check(province, settings)]
    return sorted(found, key=lambda f: (f.date, f.rule, f.id))
