"""Cross-county checks: what no single county can see, run by DuckDB over every county's export.

Each rule matches people by the keyed hash of their ID number and accounts by the keyed hash
of the account number (fundtrail.province.pseudonym), never by name: two people with one name
in two counties are two people. A finding has the same form as a county check's
(fundtrail.findings.Finding: stable id from the rule and its key, severity, Chinese message,
amount, links, facets naming the counties; title, criteria and the five elements from the
rule catalogue, core/rules.toml), so reports and exports take both alike.

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

from fundtrail import catalogue, findings
from fundtrail.province.queries import Province

SETTINGS = {"person_year_limit": 8000}


def criteria(rule_id: str) -> str:
    """The rule's cited criteria, one line (the catalogue's, as for a county rule)."""
    return "；".join(c.cite() for c in catalogue.rule(rule_id).criteria)


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


def _finding(rule_id: str, key: str, row: dict, codes, **facts) -> findings.Finding:
    """The finding in the county findings' form; its message is the catalogue's condition."""
    return findings.emit(rule_id, key, None, amount=row["amount"], links=tuple(row["links"]),
                         date=row["date"], facets={"counties": ",".join(codes)}, **facts)


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
                       row, row["counties"], name=row["name"], year=row["year"],
                       counties=_where(row["counties"], names), item=row["item"])


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
        yield _finding("xc-over-limit", f"{row['id_hash']}|{row['year']}", row, row["counties"],
                       name=row["name"], year=row["year"], counties=_where(row["counties"], names),
                       items="、".join(i for i in row["items"] if i), limit=limit)


def related_party(province: Province, settings: dict):
    names = _names(province)
    for row in province.rows(f"""
        SELECT o.county AS home, b.county AS payer, b.id_hash, any_value(b.name) AS name,
               any_value(o.role) AS role, any_value(o.cadre) AS cadre, any_value(o.post) AS post,
               any_value(o.relation) AS relation, sum(b.amount) AS amount, min(b.date) AS date,
               list(DISTINCT b.item ORDER BY b.item) AS items, {evidence("b")}
        FROM beneficiaries b JOIN officials o ON o.id_hash = b.id_hash AND o.county <> b.county
        GROUP BY o.county, b.county, b.id_hash"""):
        home = names.get(row["home"], row["home"])
        tie = (f"系{home}{row['post']}{row['cadre']}的{row['relation']}"
               if row["role"] == "relative" else f"本人为{home}{row['post']}")
        yield _finding("xc-related-party", f"{row['id_hash']}|{row['payer']}", row,
                       sorted({row["home"], row["payer"]}), name=row["name"], tie=tie, home=home,
                       payer=names.get(row["payer"], row["payer"]),
                       items="、".join(i for i in row["items"] if i))


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
        yield _finding("xc-shared-account", row["account"], row, row["counties"],
                       counties=_where(row["counties"], names), names=len(row["payees"]),
                       payees="、".join(row["payees"]))


CHECKS = {"xc-duplicate-subsidy": duplicate_subsidy, "xc-over-limit": over_limit,
          "xc-related-party": related_party, "xc-shared-account": shared_account}


def cross_county(province: Province, settings: dict | None = None) -> list[findings.Finding]:
    """Every cross-county finding, in date order."""
    settings = {**SETTINGS, **(settings or {})}
    found = [f for check in CHECKS.values() for f in check(province, settings)]
    return sorted(found, key=lambda f: (f.date, f.rule, f.id))
