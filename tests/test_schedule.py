"""Tests for referralmatch.schedule: open-at, next-open, time zones, masks, fit and summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referralmatch.errors import ConfigurationError
from referralmatch.models.directory import Schedule
from referralmatch.schedule import (
    HOURS_PER_WEEK,
    availability_mask,
    describe,
    is_open,
    next_open,
    pack_week_mask,
    pack_week_masks,
    schedule_fit,
    schedule_fit_many,
    unpack_week_mask,
    week_mask,
)

# 2025-03-03 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 3, 3) + timedelta(days=i) for i in range(7))
LA = "America/Los_Angeles"


def sched(byday: str | None, opens: str | None, closes: str | None, **kw: Any) -> Schedule:
    return Schedule(id=kw.pop("id", "s"), byday=byday, opens_at=opens, closes_at=closes, **kw)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm))


WEEKDAYS = [sched("MO,TU,WE,TH,FR", "09:00", "17:00")]
EVENINGS = [sched("TU,TH", "18:00", "21:00")]
WEEKEND = [sched("SA", "10:00", "14:00")]
OVERNIGHT = [sched("FR", "22:00", "06:00")]


@dataclass(frozen=True)
class Window:
    weekday: int
    start: time
    end: time


# ------------------------------------------------------------------ is_open


@pytest.mark.parametrize(
    ("schedules", "moment", "expected"),
    [
        (WEEKDAYS, at(TUE, 10, 30), True),
        (WEEKDAYS, at(TUE, 9, 0), True),  # opening minute included
        (WEEKDAYS, at(TUE, 17, 0), False),  # closing minute excluded
        (WEEKDAYS, at(TUE, 8, 59), False),
        (WEEKDAYS, at(SAT, 10, 0), False),
        (EVENINGS, at(THU, 19, 15), True),
        (EVENINGS, at(WED, 19, 15), False),
        (WEEKEND, at(SAT, 13, 59), True),
        (WEEKEND, at(SUN, 11, 0), False),
        (OVERNIGHT, at(FRI, 23, 0), True),
        (OVERNIGHT, at(SAT, 3, 0), True),  # Friday night's shift, after midnight
        (OVERNIGHT, at(SAT, 6, 0), False),
        (OVERNIGHT, at(FRI, 3, 0), False),  # Thursday had no shift
        (WEEKDAYS + WEEKEND, at(SAT, 11, 0), True),  # schedules add up
    ],
)
def test_is_open_known_answers(
    schedules: list[Schedule], moment: datetime, expected: bool
) -> None:
    assert is_open(schedules, moment) is expected


@pytest.mark.parametrize(("opens", "closes"), [("00:00", "23:59"), ("00:00", "00:00")])
def test_24_hours(opens: str, closes: str) -> None:
    always = [sched(None, opens, closes)]
    for day in (MON, WED, SUN):
        for hh, mm in ((0, 0), (12, 0), (23, 59)):
            assert is_open(always, at(day, hh, mm)) is True
    assert week_mask(always).all()
    assert describe(always) == "24 hours, 7 days"


def test_no_usable_schedule_is_unknown() -> None:
    assert is_open([], at(MON, 10)) is None
    assert is_open([sched("MO", None, None)], at(MON, 10)) is None  # no hours
    closure_only = [sched(None, None, None, description="Closed", valid_from=MON, valid_to=MON)]
    assert is_open(closure_only, at(MON, 10)) is None
    assert next_open([], at(MON, 10)) is None
    assert describe([]) == "hours unknown"


def test_validity_dates() -> None:
    spring = [sched("MO,TU,WE,TH,FR", "09:00", "17:00", valid_from=TUE, valid_to=THU)]
    assert is_open(spring, at(MON, 10)) is False
    assert is_open(spring, at(TUE, 10)) is True
    assert is_open(spring, at(THU, 10)) is True  # valid_to is inclusive
    assert is_open(spring, at(FRI, 10)) is False


def test_closure_dates() -> None:
    closure = sched(None, None, None, id="c", description="Closed (holiday)",
                    valid_from=WED, valid_to=THU)  # fmt: skip
    schedules = [*WEEKDAYS, closure]
    assert is_open(schedules, at(TUE, 10)) is True
    assert is_open(schedules, at(WED, 10)) is False
    assert is_open(schedules, at(THU, 16)) is False
    assert is_open(schedules, at(FRI, 10)) is True
    assert next_open(schedules, at(WED, 8)) == at(FRI, 9)
    assert describe(schedules) == "Mon-Fri 09:00-17:00; closed 2025-03-05 to 2025-03-06"


def test_partial_closure_and_special_hours() -> None:
    lunch = sched(None, "12:00", "13:00", id="l", description="Closed for staff training",
                  valid_from=TUE, valid_to=TUE)  # fmt: skip
    holiday = sched(None, "10:00", "12:00", id="h", description="Holiday hours",
                    valid_from=FRI, valid_to=FRI)  # fmt: skip
    schedules = [*WEEKDAYS, lunch, holiday]
    assert is_open(schedules, at(TUE, 12, 30)) is False
    assert is_open(schedules, at(TUE, 13, 0)) is True
    assert next_open(schedules, at(TUE, 12, 10)) == at(TUE, 13, 0)
    assert is_open(schedules, at(FRI, 11)) is True
    assert is_open(schedules, at(FRI, 15)) is False  # special hours replace the regular ones
    assert is_open(schedules, at(THU, 15)) is True


def test_monthly_and_fortnightly_rules() -> None:
    first_monday = [sched("1MO", "18:00", "20:00", freq="MONTHLY")]
    assert is_open(first_monday, at(MON, 19)) is True  # 2025-03-03 is the first Monday
    assert is_open(first_monday, at(MON + timedelta(days=7), 19)) is False
    last_friday = [sched("-1FR", "10:00", "11:00", freq="MONTHLY")]
    assert is_open(last_friday, at(date(2025, 3, 28), 10, 30)) is True
    assert is_open(last_friday, at(date(2025, 3, 21), 10, 30)) is False
    fortnightly = [sched("WE", "09:00", "10:00", freq="WEEKLY", interval=2, dtstart=WED)]
    assert is_open(fortnightly, at(WED, 9, 30)) is True
    assert is_open(fortnightly, at(WED + timedelta(days=7), 9, 30)) is False
    assert is_open(fortnightly, at(WED + timedelta(days=14), 9, 30)) is True
    assert describe(first_monday) == "1st Mon 18:00-20:00"
    assert week_mask(first_monday)[18:20].all()


# ------------------------------------------------------------------ time zones


def test_utc_moment_is_converted_to_service_zone() -> None:
    # Tuesday 2025-03-04 17:30 UTC is 09:30 in Los Angeles (PST, UTC-8).
    moment = datetime(2025, 3, 4, 17, 30, tzinfo=UTC)
    assert is_open(WEEKDAYS, moment, tz=LA) is True
    # 16:30 UTC is 08:30 in Los Angeles: closed, though 16:30 would be open as a naive time
    early = datetime(2025, 3, 4, 16, 30, tzinfo=UTC)
    assert is_open(WEEKDAYS, early, tz=LA) is False
    assert is_open(WEEKDAYS, early.replace(tzinfo=None), tz=LA) is True  # naive = local
    # after the DST change (2025-03-09) Los Angeles is UTC-7
    assert is_open(WEEKDAYS, datetime(2025, 3, 11, 16, 30, tzinfo=UTC), tz=LA) is True


def test_hsds_offset_is_used_without_tz() -> None:
    eastern = [sched("MO,TU,WE,TH,FR", "09:00", "17:00", timezone=-5)]
    assert is_open(eastern, datetime(2025, 3, 4, 14, 30, tzinfo=UTC)) is True  # 09:30 local
    assert is_open(eastern, datetime(2025, 3, 4, 13, 30, tzinfo=UTC)) is False


def test_unknown_tz_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        is_open(WEEKDAYS, at(MON, 10), tz="Mars/Olympus_Mons")


# ------------------------------------------------------------------ next_open


def test_next_open_across_a_weekend() -> None:
    assert next_open(WEEKDAYS, at(FRI, 17, 30)) == at(MON + timedelta(days=7), 9)
    assert next_open(WEEKDAYS, at(SAT, 12)) == at(MON + timedelta(days=7), 9)
    assert next_open(WEEKDAYS, at(TUE, 10)) == at(TUE, 10)  # open now
    assert next_open(WEEKDAYS, at(TUE, 7)) == at(TUE, 9)
    assert next_open(OVERNIGHT, at(SAT, 7)) == at(FRI + timedelta(days=7), 22)


def test_next_open_in_a_zone_returns_aware_local_time() -> None:
    after = datetime(2025, 3, 8, 1, 0, tzinfo=UTC)  # Friday 17:00 in Los Angeles
    found = next_open(WEEKDAYS, after, tz=LA)
    assert found == datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo(LA))  # Monday, after DST
    assert found is not None and found.utcoffset() == timedelta(hours=-7)


def test_next_open_gives_up_after_14_days() -> None:
    later = [sched("MO", "09:00", "10:00", valid_from=MON + timedelta(days=28))]
    assert next_open(later, at(MON, 10)) is None
    assert next_open(later, at(MON + timedelta(days=20), 10)) == at(MON + timedelta(days=28), 9)


# ------------------------------------------------------------------ masks and fit


def test_week_mask_known_hours() -> None:
    mask = week_mask(WEEKDAYS)
    assert mask.shape == (HOURS_PER_WEEK,) and mask.dtype == np.bool_
    assert mask.sum() == 5 * 8
    assert mask[9] and mask[16] and not mask[17] and not mask[8]
    assert np.flatnonzero(week_mask(OVERNIGHT)).tolist() == [118, 119, *range(120, 126)]
    sunday_night = week_mask([sched("SU", "22:00", "02:00")])  # wraps to Monday
    assert np.flatnonzero(sunday_night).tolist() == [0, 1, 166, 167]
    partial = week_mask([sched("MO", "09:30", "10:15")])
    assert np.flatnonzero(partial).tolist() == [9, 10]


def test_pack_roundtrip() -> None:
    mask = week_mask(WEEKDAYS + OVERNIGHT)
    packed = pack_week_mask(mask)
    assert packed.bit_length() <= HOURS_PER_WEEK
    np.testing.assert_array_equal(unpack_week_mask(packed), mask)
    words = pack_week_masks(np.stack([mask, week_mask(EVENINGS)]))
    assert words.shape == (2, 3) and words.dtype == np.uint64
    as_int = sum(int(w) << (64 * i) for i, w in enumerate(words[0]))
    assert as_int == packed


def test_availability_mask_and_fit() -> None:
    tue_thu_evenings = availability_mask(
        [Window(1, time(18), time(20)), Window(3, time(18), time(20))]
    )
    assert tue_thu_evenings.sum() == 4
    assert schedule_fit(week_mask(EVENINGS), tue_thu_evenings) == 1.0
    assert schedule_fit(week_mask(WEEKDAYS), tue_thu_evenings) == 0.0
    mixed = availability_mask([Window(1, time(16), time(20))])  # Tue 16-20: 4 hours
    assert schedule_fit(week_mask(WEEKDAYS), mixed) == 0.25  # 16:00 hour only
    assert schedule_fit(week_mask(EVENINGS), mixed) == 0.5  # 18:00 and 19:00 hours
    no_windows = availability_mask([])
    assert schedule_fit(week_mask(WEEKDAYS), no_windows) == 1.0
    assert schedule_fit(week_mask([]), mixed) is None  # service hours unknown
    assert schedule_fit(None, mixed) is None
    overnight_client = availability_mask([Window(4, time(23), time(1))])
    assert np.flatnonzero(overnight_client).tolist() == [119, 120]
    many = schedule_fit_many(np.stack([week_mask(EVENINGS), week_mask([])]), mixed)
    assert many[0] == 0.5 and np.isnan(many[1])
    with pytest.raises(ConfigurationError):
        availability_mask([Window(7, time(9), time(10))])


# ------------------------------------------------------------------ describe


@pytest.mark.parametrize(
    ("schedules", "text"),
    [
        (WEEKDAYS + WEEKEND, "Mon-Fri 09:00-17:00; Sat 10:00-14:00"),
        (EVENINGS, "Tue, Thu 18:00-21:00"),
        (OVERNIGHT, "Fri 22:00-06:00"),
        ([sched("MO,TU,WE,TH,FR,SA,SU", "08:00", "20:00")], "daily 08:00-20:00"),
        ([sched("MO,WE,TH,FR", "09:00", "12:00")], "Mon, Wed-Fri 09:00-12:00"),
        (
            [sched("MO", "09:00", "12:00", id="a"), sched("MO", "13:00", "17:00", id="b")],
            "Mon 09:00-12:00, 13:00-17:00",
        ),
        ([sched("SA,SU", "00:00", "23:59")], "Sat, Sun 24 hours"),
    ],
)
def test_describe(schedules: list[Schedule], text: str) -> None:
    assert describe(schedules) == text


# ------------------------------------------------------------------ is_open agrees with week_mask

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))


@st.composite
def weekly_schedules(draw: st.DrawFn) -> list[Schedule]:
    out = []
    for i in range(draw(st.integers(1, 3))):
        days = draw(st.lists(st.sampled_from(_DAYS), min_size=1, max_size=7, unique=True))
        opens, closes = draw(_times), draw(_times)
        out.append(
            Schedule(id=f"s{i}", byday=",".join(days), freq="WEEKLY", opens_at=opens, closes_at=closes)
        )
    return out


@settings(max_examples=120, deadline=None)
@given(
    weekly_schedules(),
    st.integers(0, 13),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
)
def test_is_open_agrees_with_week_mask(
    schedules: list[Schedule], day: int, hour: int, minute: int, second: int
) -> None:
    moment = datetime(2025, 3, 3, hour, minute, second) + timedelta(days=day)
    mask = week_mask(schedules)
    hour_of_week = moment.weekday() * 24 + moment.hour
    if is_open(schedules, moment):
        assert mask[hour_of_week]
    start = moment.replace(minute=0, second=0)
    open_in_hour = any(
        is_open(schedules, start + timedelta(minutes=m)) for m in range(60)
    )
    assert bool(mask[hour_of_week]) == open_in_hour
