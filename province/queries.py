"""Province figures with DuckDB, embedded, straight over the counties' Parquet.

    province = Province("out")                       # views over out/counties/*/<table>.parquet
    province.by_county(2024)                         # received, passed down, spent, balance
    province.progress(2024, as_of=date(2024, 9, 30)) # spent share against 序时进度

`movements` reads the classified flows each county exported (the `flows` table: the books'
flow index, `fundtrail.flows`) as `Books` does, without classifying accounts again: a fund's
receipts and allotments, a project's allotments and pass-downs, and spending of a project and
of its fund (`Flow.fund`, the project's fund when the posting names none). Tests check its
figures against `Books.figures` county by county. Idle bands use the `figures` table, where
each county's `Books` dated its oldest unspent money.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from fundtrail.accounts import level_rank
from fundtrail.flows import ALLOTMENT, PASS_DOWN, RECEIPT, SPENDING, time_progress
from fundtrail.province.rollup import COUNTIES
from fundtrail.province.schema import TABLES

ZERO = Decimal(0)

MOVEMENTS = f"""
CREATE VIEW movements AS
SELECT county, date, 'fund' AS dimension, fund AS key, 'received' AS kind, amount
  FROM flows WHERE kind = '{RECEIPT}'
UNION ALL
SELECT county, date, 'fund', fund, 'passed_down', amount
  FROM flows WHERE kind = '{ALLOTMENT}' AND project IS NULL
UNION ALL
SELECT county, date, 'project', project, 'received', amount
  FROM flows WHERE kind = '{ALLOTMENT}' AND project IS NOT NULL
UNION ALL
SELECT county, date, 'project', project, 'passed_down', amount
  FROM flows WHERE kind = '{PASS_DOWN}' AND project IS NOT NULL
UNION ALL
SELECT county, date, 'project', project, 'spent', amount
  FROM flows WHERE kind IN {SPENDING} AND project IS NOT NULL
UNION ALL
SELECT county, date, 'fund', fund, 'spent', amount
  FROM flows WHERE kind IN {SPENDING} AND fund IS NOT NULL
"""

# Figures of a dimension for calendar year $year: flows in the year, balance to its end.
FIGURES = """
SELECT county, key,
  sum(amount) FILTER (kind = 'received' AND year(date) = $year) AS received,
  sum(amount) FILTER (kind = 'passed_down' AND year(date) = $year) AS passed_down,
  sum(amount) FILTER (kind = 'spent' AND year(date) = $year) AS spent,
  sum(CASE kind WHEN 'received' THEN amount WHEN 'spent' THEN -amount END)
    FILTER (year(date) <= $year) AS balance,
  sum(CASE kind WHEN 'received' THEN amount WHEN 'spent' THEN -amount END)
    FILTER (year(date) < $year) AS opening
FROM movements WHERE dimension = '{dimension}' GROUP BY ALL
"""

MONEY = ("received", "passed_down", "spent", "balance")


class Province:
    """A DuckDB connection with one view per table over every exported county."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.db = duckdb.connect()
        for name, schema in TABLES.items():
            files = sorted((self.out / COUNTIES).glob(f"*/{name}.parquet"))
            if files:
                listed = ", ".join(f"'{_quote(f)}'" for f in files)
                self.db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listed}])")
            else:
                self.db.register(f"_{name}", pa.Table.from_pylist([], schema=schema))
                self.db.execute(f"CREATE VIEW {name} AS SELECT * FROM _{name}")
        self.db.execute(MOVEMENTS)

    def rows(self, query: str, **params) -> list[dict]:
        cursor = self.db.execute(query, params or None)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def counties(self) -> list[dict]:
        return self.rows("SELECT county, name, bureau, transactions, exported FROM county ORDER BY county")

    def _figures(self, dimension: str, year: int, group: str, join: str = "") -> list[dict]:
        sums = ", ".join(f"coalesce(sum(f.{m}), 0) AS {m}" for m in (*MONEY, "opening"))
        return self.rows(f"""
            WITH f AS ({FIGURES.format(dimension=dimension)})
            SELECT {group}, {sums} FROM f {join} GROUP BY ALL ORDER BY ALL""", year=year)

    def by_county(self, year: int) -> list[dict]:
        """The five figures of fund money per county (funds: received, allotted, spent)."""
        return self._figures("fund", year, "f.county, c.name",
                             "JOIN county c ON c.county = f.county")

    def by_fund(self, year: int) -> list[dict]:
        """Per county and indicator document: the figures of each fund."""
        return self._figures("fund", year, "f.county, f.key AS fund, d.level, d.doc_no",
                             "LEFT JOIN funds d ON d.county = f.county AND d.code = f.key")

    def by_level(self, year: int) -> list[dict]:
        """Per fund level over the whole province, in the order of every table (中央, 省级, ...:
        `accounts.level_rank`)."""
        rows = self._figures("fund", year, "coalesce(d.level, '') AS level",
                             "LEFT JOIN funds d ON d.county = f.county AND d.code = f.key")
        return sorted(rows, key=lambda row: (level_rank(row["level"]), row["level"]))

    def by_document(self, year: int) -> list[dict]:
        """Per indicator document (指标文号) over every county that received it."""
        return self._figures("fund", year, "coalesce(d.doc_no, f.key) AS doc_no, "
                             "count(DISTINCT f.county) AS counties",
                             "LEFT JOIN funds d ON d.county = f.county AND d.code = f.key")

    def progress(self, year: int, as_of: datetime.date | None = None) -> list[dict]:
        """Per county: spent in the year up to `as_of` over the money available in the year
        (balance at its start + received up to `as_of`), against 序时进度 at `as_of`
        (`flows.time_progress`: m/12 at the end of month m, the month under way by the share of its days
        gone; 1 after the year's end)."""
        as_of = as_of or datetime.date(year, 12, 31)
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        timeline = time_progress(min(as_of, end)) if as_of >= start else ZERO
        rows = self.rows("""
            SELECT f.county, c.name,
              coalesce(sum(amount) FILTER (kind = 'spent' AND date BETWEEN $start AND $as_of), 0) AS spent,
              coalesce(sum(CASE kind WHEN 'received' THEN amount WHEN 'spent' THEN -amount END)
                FILTER (date < $start), 0)
              + coalesce(sum(amount) FILTER (kind = 'received' AND date BETWEEN $start AND $as_of), 0)
                AS available
            FROM movements f JOIN county c ON c.county = f.county
            WHERE dimension = 'fund' GROUP BY ALL ORDER BY f.county""",
                         start=start, as_of=as_of)
        for row in rows:
            row["share"] = (row["spent"] / row["available"]).quantize(Decimal("0.0001")) \
                if row["available"] else None
            row["timeline"] = timeline.quantize(Decimal("0.0001"))
            row["behind"] = row["share"] is not None and row["share"] < row["timeline"]
        return rows

    def idle(self, year: int) -> list[dict]:
        """Per county: fund balances at the end of `year` by how long they have sat
        (since the oldest unspent receipt): within a year, one to two years, over two."""
        return self.rows("""
            SELECT g.county, c.name,
              coalesce(sum(balance) FILTER (since > make_date($year - 1, 12, 31)), 0) AS under_1y,
              coalesce(sum(balance) FILTER (since <= make_date($year - 1, 12, 31)
                                            AND since > make_date($year - 2, 12, 31)), 0) AS y1_2,
              coalesce(sum(balance) FILTER (since <= make_date($year - 2, 12, 31)), 0) AS over_2y
            FROM figures g JOIN county c ON c.county = g.county
            WHERE dimension = 'fund' AND year = (SELECT max(year) FROM figures h
                                                 WHERE h.county = g.county AND h.year <= $year)
              AND balance > 0
            GROUP BY ALL ORDER BY g.county""", year=year)

    def county_findings(self, as_of: datetime.date | None = None) -> list[dict]:
        """Each county's own findings dated by `as_of` (the report's date; all without it),
        open ones by severity; a county without any is listed with zeros."""
        return self.rows("""
            SELECT c.county, c.name, count(f.id) AS total,
              count(f.id) FILTER (f.status = '' AND f.severity IN ('high', 'critical')) AS open_high,
              count(f.id) FILTER (f.status = '') AS open
            FROM county c LEFT JOIN findings f ON c.county = f.county
              AND ($as_of IS NULL OR f.date IS NULL OR f.date <= $as_of)
            GROUP BY ALL ORDER BY c.county""", as_of=as_of)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
