"""No row lost, none doubled: a random statement cut into overlapping chunks (whole days, as a
bank issues them) and imported in random order gives the same books as one import.

An import that would leave a hole (rows missing between statements already imported) is
rejected, because its balance assertions fail: that is how the books catch a missing row. The
accountant then imports the missing period first; the test does the same, and checks that a
chunk is rejected exactly when it would leave such a hole."""

import datetime
import tempfile
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data
from hypothesis import given, settings
from hypothesis import strategies as st

from fundtrail import workspace as ws
from fundtrail.findings import Finding
from fundtrail.importers.errors import Rejected
from fundtrail.importers.pipeline import run_import

START = datetime.date(2024, 3, 1)
HEAD = "中国工商银行对公账户明细\n户名:测试专户\n账号:1605 0012 0920 0077 777\n起止日期:{start}至{end}\n"
COLUMNS = "日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额\n"


@st.composite
def statements(draw):
    opening = draw(st.sampled_from([Decimal(0), Decimal("5000.00"), Decimal("123456.78")]))
    days = draw(st.lists(st.integers(0, 3), min_size=3, max_size=12))  # rows per day
    rows, balance, serial = [], opening, 0
    for offset, count in enumerate(days):
        for _ in range(count):
            serial += 1
            cents = draw(st.integers(-500_000, 800_000).filter(bool))
            amount = Decimal(cents) / 100
            balance += amount
            rows.append((START + datetime.timedelta(days=offset), f"{offset:02d}{serial:06d}",
                         draw(st.sampled_from(["甲公司", "乙合作社", "青禾区财政局"])), amount, balance))
    cuts = sorted(set(draw(st.lists(st.integers(1, len(days) - 1), max_size=3))))
    bounds = [0, *cuts, len(days)]
    chunks = []
    for i in range(len(bounds) - 1):
        back = draw(st.integers(0, 3))
        chunks.append((max(0, bounds[i] - back), bounds[i + 1] - 1))
    order = draw(st.permutations(range(len(chunks))))
    return rows, chunks, order


def write(path: Path, rows, first: int, last: int) -> None:
    lo, hi = START + datetime.timedelta(days=first), START + datetime.timedelta(days=last)
    mine = [r for r in rows if lo <= r[0] <= hi]
    lines = [HEAD.format(start=lo, end=hi), COLUMNS]
    for day, serial, payee, amount, balance in mine:
        debit, credit = (f"{-amount:.2f}", "") if amount < 0 else ("", f"{amount:.2f}")
        lines.append(f"{day},{serial},{payee},--,转账 款项,{debit},{credit},{balance:.2f}\n")
    lines.append("合计,,,,,,,\n")
    path.write_bytes("".join(lines).encode("gbk"))


def books(main: Path):
    entries, errors, _ = loader.load_file(str(main))
    assert [e for e in errors if not isinstance(e, Finding)] == []
    return sorted((e.date, e.payee, e.narration, tuple(sorted(e.links)),
                   tuple((p.account, p.units.number) for p in e.postings))
                  for e in entries if isinstance(e, data.Transaction))


@settings(max_examples=12, deadline=None)
@given(statements())
def test_overlapping_chunks_in_any_order_equal_one_import(case):
    rows, chunks, order = case
    last = (rows[-1][0] - START).days if rows else 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        whole = ws.create(tmp / "whole")
        write(tmp / "all.csv", rows, 0, max(last, chunks[-1][1]))
        run_import(whole, [tmp / "all.csv"])
        pieces = ws.create(tmp / "pieces")
        queue, covered, row_days = list(order), set(), {(r[0] - START).days for r in rows}
        while queue:
            n = queue.pop(0)
            path = tmp / f"chunk-{n}.csv"
            write(path, rows, *chunks[n])
            days = covered | (row_days & set(range(chunks[n][0], chunks[n][1] + 1)))
            hole = bool(days) and any(min(days) < d < max(days) and d not in days for d in row_days)
            try:
                run_import(pieces, [path])
            except Rejected as error:
                assert hole and "余额断言不符" in str(error), str(error)
                queue.append(n)
                continue
            assert not hole
            covered = days
        expected = books(whole)
        assert books(pieces) == expected
        assert len(expected) == len(rows) + (rows[0][4] != rows[0][3] if rows else 0)
