"""A period as a user types it (a year 2024, a quarter 2024Q3, a month 2024-07) is read by one
parser, fundtrail.periods.parse_period: the command line's --year, the reports' periods
(fundtrail.reports.facts.Period.parse, the village notice's quarter and month) and Fava's download
arguments accept the same texts, read them as the same days, and refuse the same texts, each in
its own wording."""

from __future__ import annotations

import datetime

import click
import flask
import pytest
from werkzeug.exceptions import HTTPException

from fundtrail.cli.commands.common import Year
from fundtrail.fava_ext import downloads
from fundtrail.periods import parse_period
from fundtrail.reports import facts, village

D = datetime.date
YEAR = ("year", 2024, D(2024, 1, 1), D(2024, 12, 31), "2024", "2024年")
Q3 = ("quarter", 2024, D(2024, 7, 1), D(2024, 9, 30), "2024Q3", "2024年第三季度")
JUNE = ("month", 2024, D(2024, 6, 1), D(2024, 6, 30), "2024-06", "2024年6月")

# what a user may type -> what it names (kind, year, first day, last day, label, title), None: refused
TABLE = [
    ("2024", YEAR), ("２０２４", YEAR), (" 2024\n", YEAR),
    ("2024Q3", Q3), ("2024q3", Q3), ("２０２４Q3", Q3), ("\u30002024Q3 ", Q3), ("2024Q3\n", Q3),
    ("2024Q4", ("quarter", 2024, D(2024, 10, 1), D(2024, 12, 31), "2024Q4", "2024年第四季度")),
    ("2024-06", JUNE), ("２０２４-０６", JUNE), (" 2024-06 ", JUNE),
    ("2024-02", ("month", 2024, D(2024, 2, 1), D(2024, 2, 29), "2024-02", "2024年2月")),
    ("2024Q5", None), ("2024Q0", None), ("2024Q", None), ("24Q3", None), ("2024-Q3", None),
    ("2024 Q3", None), ("Q3 2024", None), ("2024Ｑ3", None), ("2024Q３", None), ("2024Q3x", None),
    ("2024-6", None), ("2024-13", None), ("2024-00", None), ("2024－06", None), ("2024-06-01", None),
    ("0000", None), ("0000Q1", None), ("0000-01", None), ("20245", None), ("10000", None),
    ("²０２４", None), ("2024年", None), ("2024年第三季度", None), ("", None), (None, None),
]


def outcome(read, text):
    """What a reader made of `text`: its value, or how it refused (ValueError, a 400, click)."""
    try:
        return read(text)
    except ValueError:
        return "refused"
    except HTTPException as error:
        return f"HTTP {error.get_response().status_code}"
    except click.ClickException:
        return "refused"


@pytest.fixture(scope="module")
def request_context():
    with flask.Flask(__name__).test_request_context():
        yield


@pytest.mark.parametrize(("text", "named"), TABLE, ids=[repr(t) for t, _ in TABLE])
def test_every_reader_of_a_typed_period_takes_the_same_texts_as_the_same_days(request_context,
                                                                              text, named):
    kind, year, start, end, label, title = named or (None,) * 6
    if named:
        typed = parse_period(text)
        assert (typed.kind, typed.year, typed.start, typed.end, typed.label, typed.title) == named
    else:
        assert outcome(parse_period, text) == "refused"

    def span(*kinds):  # what a reader of a year, quarter or month that takes `kinds` gives
        return facts.Period(title, start, end) if kind in kinds else "refused"

    assert outcome(facts.Period.parse, text) == span("year", "quarter")
    assert outcome(village.quarter, text) == span("quarter")
    assert outcome(village.month, text) == span("month")
    assert outcome(village.notice_period, text) == span("quarter", "month")
    assert outcome(lambda t: Year().convert(t, None, None), text) == (year if kind == "year" else "refused")
    # Fava's arguments: the label as the CLI and the file names write it, else a 400
    assert outcome(downloads.year, text) == (year if kind == "year" else "HTTP 400")
    assert outcome(downloads.quarter, text) == (label if kind == "quarter" else "HTTP 400")
    assert outcome(downloads.period, text) == (label if kind in ("year", "quarter") else "HTTP 400")
    if kind in ("year", "quarter"):
        assert downloads.period_title(downloads.period(text)) == title


def test_a_refusal_names_the_forms_its_reader_takes_and_the_text_as_typed(request_context):
    for read, words in [
        (facts.Period.parse, "期间格式应为 2024 或 2024Q3 period must look like 2024 or 2024Q3: '2024-13'"),
        (village.quarter, "季度格式应为 2024Q3 quarter must look like 2024Q3: '2024-13'"),
        (village.month, "月份格式应为 2024-07 month must look like 2024-07: '2024-13'"),
        (village.notice_period, "期间格式应为 2024Q3（季度）或 2024-07（月份） period must look like "
                                "2024Q3 or 2024-07: '2024-13'"),
    ]:
        with pytest.raises(ValueError) as error:
            read("2024-13")
        assert str(error.value) == words
    with pytest.raises(click.ClickException, match="年度应为四位数字 year must look like 2024: '0000'"):
        Year().convert("0000", None, None)
    with pytest.raises(HTTPException) as error:
        downloads.quarter("2025")  # a bare year is not a quarter
    assert error.value.get_response().get_data(as_text=True) == \
        "季度格式应为 2025Q3，收到的是 '2025'"
    with pytest.raises(TypeError):
        parse_period("2024", "week")  # a kind no reader takes is the caller's mistake
