"""The official working-day calendar, and weekends alone for a year it does not cover yet."""

import datetime

from fundtrail.workdays import first_workday_after, rest_day

D = datetime.date


def test_holidays_and_make_up_days_follow_the_official_calendar():
    assert first_workday_after(D(2024, 9, 30)) == D(2024, 10, 8)  # National Day week
    assert rest_day(D(2024, 9, 29)) == (False, "")  # a Sunday worked in exchange (调休)
    assert rest_day(D(2024, 10, 3))[0] and "国庆节" in rest_day(D(2024, 10, 3))[1]


def test_a_year_not_yet_published_counts_weekends_only():
    far = D(2099, 12, 31)  # a Thursday
    assert first_workday_after(far) == D(2100, 1, 1)
    assert first_workday_after(D(2100, 1, 1)) == D(2100, 1, 4)  # Friday -> Monday
    assert rest_day(D(2100, 1, 2)) == (True, "周末（日历库未覆盖该年，仅按周末判断）")
