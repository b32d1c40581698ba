"""Working days by China's official calendar (the `chinesecalendar` library): weekends, public
holidays and the make-up working days (调休).

The library covers the years its release knows (2004 to the year after its release). For a day
outside them the calendar is not yet published: weekends alone count, and `rest_day` says so
(update `chinesecalendar` when the State Council publishes a new year).
"""

from __future__ import annotations

import datetime
from functools import cache

import chinese_calendar

NOT_PUBLISHED = "（日历库未覆盖该年，仅按周末判断）"
HOLIDAYS = {h.value: h.chinese for h in chinese_calendar.Holiday}  # English name -> 国庆节


@cache
def rest_day(day: datetime.date) -> tuple[bool, str]:
    """(True, what it is) when `day` is no working day; the name says why."""
    try:
        if chinese_calendar.is_workday(day):
            return False, ""
        _, holiday = chinese_calendar.get_holiday_detail(day)
        return True, f"法定节假日{HOLIDAYS.get(holiday, holiday)}" if holiday else "周末"
    except NotImplementedError:  # a year the library does not cover yet
        return day.weekday() >= 5, f"周末{NOT_PUBLISHED}"


def first_workday_after(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while rest_day(day)[0]:
        day += datetime.timedelta(days=1)
    return day
