"""Opening hours: open-at, next-open, hour-of-week masks and summaries over HSDS schedules.

Works on :class:`referralmatch.models.directory.Schedule` objects (HSDS 3): ``byday`` weekdays
(``"MO,TU"``; for ``freq="MONTHLY"`` also ``"2MO"``/``"-1FR"``, and ``bymonthday``),
``opens_at``/``closes_at`` wall-clock times, ``valid_from``/``valid_to`` dates.

Rules, decided here once:

* ``closes_at`` earlier than ``opens_at`` spans midnight (Fri 22:00-06:00 is open Sat 03:00);
  ``00:00-23:59`` and equal opening and closing times (``00:00-00:00``) mean 24 hours.
* A schedule whose ``description`` starts with "Closed" is a **closure** for its
  ``valid_from``..``valid_to`` dates (inclusive; whole days, or only its hours when it has
  them). A closure without any date is ignored (it cannot be placed).
* A non-closure schedule with both ``valid_from`` and ``valid_to``, no ``byday`` and at most
  31 days long gives **special hours** ("holiday hours"): on its dates it replaces the regular
  hours. Otherwise schedules add up (the service is open when any applies).
* A schedule with opening times but no ``byday`` applies every day (or, for a weekly rule with
  ``dtstart``, on ``dtstart``'s weekday). ``interval`` (fortnightly) counts weeks from
  ``dtstart``; ``until`` bounds a rule like ``valid_to``; ``count`` and ``byweekno`` are ignored.
* Time zones: functions take ``tz``, the service's IANA zone. An aware datetime is converted to
  it; a naive one is read as local time there. Without ``tz``, the schedules' HSDS ``timezone``
  (a UTC offset in hours) is used when they agree; otherwise times are taken as given. Any
  offset on ``opens_at``/``closes_at`` is ignored: they are read as the service's wall clock.

Week masks have 168 hours, Monday 00:00-01:00 = hour 0; an hour counts when the service is open
at any moment within it, in any week (monthly sessions included; closures and validity dates
ignored).

Example:
    >>> from datetime import datetime
    >>> from referralmatch.models.directory import Schedule
    >>> week = [Schedule(id="a", byday="MO,TU,WE,TH,FR", opens_at="09:00", closes_at="17:00")]
    >>> is_open(week, datetime(2025, 3, 4, 10, 30))  # a Tuesday
    True
    >>> describe(week)
    'Mon-Fri 09:00-17:00'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from .errors import ConfigurationError
from .models.directory import Schedule

__all__ = [
    "HOURS_PER_WEEK",
    "AvailabilityWindow",
    "CompiledSchedules",
    "availability_mask",
    "compile_schedules",
    "describe",
    "is_open",
    "next_open",
    "pack_week_mask",
    "pack_week_masks",
    "schedule_fit",
    "schedule_fit_many",
    "unpack_week_mask",
    "utc_offset_hours",
    "validity",
    "week_mask",
]

HOURS_PER_WEEK = 168
"""Length of a week mask: hour-of-week, Monday 00:00-01:00 = 0, Sunday 23:00-24:00 = 167."""

_DAY = 86_400  # seconds
_WEEK = 7 * _DAY
_SPECIAL_MAX_DAYS = 31
_NEXT_OPEN_DAYS = 14
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_CLOSED = re.compile(r"^\s*closed\b", re.IGNORECASE)

BoolArray = npt.NDArray[np.bool_]


class AvailabilityWindow(Protocol):
    """A client's availability: ``weekday`` 0-6 (Monday = 0) from ``start`` to ``end`` (local).

    ``end`` earlier than ``start`` spans midnight; equal times mean the whole day.
    """

    @property
    def weekday(self) -> int: ...

    @property
    def start(self) -> time: ...

    @property
    def end(self) -> time: ...


# --------------------------------------------------------------------------------------------
# Compiled rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    """One schedule reduced to what the evaluators need."""

    start: int  # seconds after local midnight
    end: int  # seconds after the start day's midnight; may exceed a day (overnight)
    weekdays: frozenset[int]  # weekly days; empty with monthly parts means "monthly only"
    monthly: tuple[tuple[int, int], ...]  # (n-th occurrence, weekday), n may be negative
    monthdays: tuple[int, ...]  # bymonthday (negative from the month's end)
    is_monthly: bool
    first: date | None
    last: date | None
    interval: int
    anchor: date | None  # dtstart, for interval > 1
    closure: bool
    special: bool
    whole_day: bool  # closures without hours

    def applies(self, day: date) -> bool:
        """Whether the rule starts an opening (or closure) on local date ``day``."""
        if self.first is not None and day < self.first:
            return False
        if self.last is not None and day > self.last:
            return False
        wd = day.weekday()
        if self.is_monthly:
            if day.day in self.monthdays or (day.day - _month_length(day) - 1) in self.monthdays:
                return True
            for n, weekday in self.monthly:
                if weekday != wd:
                    continue
                if n == 0:
                    return True
                nth = (day.day - 1) // 7 + 1
                nth_from_end = -((_month_length(day) - day.day) // 7 + 1)
                if n in (nth, nth_from_end):
                    return True
            return False
        if wd not in self.weekdays:
            return False
        if self.interval > 1 and self.anchor is not None:
            weeks = (day - timedelta(days=day.weekday())) - (
                self.anchor - timedelta(days=self.anchor.weekday())
            )
            return (weeks.days // 7) % self.interval == 0
        return True

    def mask_days(self) -> frozenset[int]:
        """Weekdays on which the rule opens in at least some week."""
        if self.is_monthly:
            if self.monthdays:
                return frozenset(range(7))
            return frozenset(wd for _, wd in self.monthly)
        return self.weekdays


def _month_length(day: date) -> int:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return (nxt - date(day.year, day.month, 1)).days


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


def _span(opens: time, closes: time) -> tuple[int, int]:
    start, end = _seconds(opens), _seconds(closes)
    if closes.hour == 23 and closes.minute == 59:
        end = _DAY  # "until 23:59" means until midnight
    if end == start or (start == 0 and end == _DAY):
        return 0, _DAY
    if end < start:
        end += _DAY
    return start, end


def _compile(schedule: Schedule) -> _Rule | None:
    closure = bool(schedule.description and _CLOSED.match(schedule.description))
    has_hours = schedule.opens_at is not None and schedule.closes_at is not None
    if not closure and not has_hours:
        return None
    if closure and schedule.valid_from is None and schedule.valid_to is None:
        return None
    first = max((d for d in (schedule.valid_from, schedule.dtstart) if d), default=None)
    last = min((d for d in (schedule.valid_to, schedule.until) if d), default=None)
    if closure and first is None:
        first = last
    if closure and last is None:
        last = first
    weekdays: set[int] = set()
    monthly: list[tuple[int, int]] = []
    is_monthly = schedule.freq == "MONTHLY"
    for part in (schedule.byday or "").split(","):
        match = _BYDAY.match(part.strip().upper())
        if not match:
            continue
        wd = _WEEKDAY_CODES.index(match.group(2))
        n = int(match.group(1)) if match.group(1) else 0
        weekdays.add(wd)
        monthly.append((n, wd))
    monthdays: list[int] = []
    for part in (schedule.bymonthday or "").split(","):
        try:
            monthdays.append(int(part))
        except ValueError:
            continue
    if is_monthly and not monthly and not monthdays:
        is_monthly = False  # a monthly rule without days: read as every day
    if not weekdays and not is_monthly:
        if schedule.freq == "WEEKLY" and schedule.dtstart is not None:
            weekdays = {schedule.dtstart.weekday()}
        else:
            weekdays = set(range(7))
    if has_hours:
        assert schedule.opens_at is not None and schedule.closes_at is not None
        start, end = _span(schedule.opens_at, schedule.closes_at)
    else:
        start, end = 0, _DAY
    special = (
        not closure
        and schedule.valid_from is not None
        and schedule.valid_to is not None
        and not schedule.byday
        and (schedule.valid_to - schedule.valid_from).days < _SPECIAL_MAX_DAYS
    )
    return _Rule(
        start=start,
        end=end,
        weekdays=frozenset(weekdays),
        monthly=tuple(monthly),
        monthdays=tuple(monthdays),
        is_monthly=is_monthly,
        first=first,
        last=last,
        interval=max(1, schedule.interval or 1),
        anchor=schedule.dtstart,
        closure=closure,
        special=special,
        whole_day=closure and not has_hours,
    )


def _rules(schedules: Iterable[Schedule]) -> list[_Rule]:
    return [r for r in (_compile(s) for s in schedules) if r is not None]


# --------------------------------------------------------------------------------------------
# Time zones
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError("tz is not a known IANA time zone name") from None


def _service_zone(schedules: Sequence[Schedule], tz: str | None) -> tzinfo | None:
    if tz:
        return _zone(tz)
    offsets = {s.timezone for s in schedules if s.timezone is not None}
    if len(offsets) == 1:
        (hours,) = offsets
        if -24 < hours < 24:
            return timezone(timedelta(hours=hours))
    return None


def _to_local(at: datetime, zone: tzinfo | None) -> datetime:
    """``at`` as a naive local wall-clock datetime of the service."""
    if zone is not None and at.tzinfo is not None:
        return at.astimezone(zone).replace(tzinfo=None)
    return at.replace(tzinfo=None)


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def _open_local(rules: Sequence[_Rule], local: datetime) -> bool:
    day = local.date()
    sec = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    for closure in (r for r in rules if r.closure):
        if closure.whole_day:
            if closure.applies(day):
                return False
        elif _covers(closure, day, sec):
            return False
    openers = [r for r in rules if not r.closure]
    special = [r for r in openers if r.special]
    for offset in (0, 1):
        start_day = day - timedelta(days=offset)
        todays = [r for r in special if r.applies(start_day)]
        candidates = todays or [r for r in openers if not r.special]
        for rule in candidates:
            if (
                rule.applies(start_day)
                and rule.start <= sec + offset * _DAY < rule.end
            ):
                return True
    return False


def _covers(rule: _Rule, day: date, sec: float) -> bool:
    return (rule.applies(day) and rule.start <= sec < rule.end) or (
        rule.applies(day - timedelta(days=1)) and rule.start <= sec + _DAY < rule.end
    )


def is_open(
    schedules: Iterable[Schedule], at: datetime, *, tz: str | None = None
) -> bool | None:
    """Whether the service is open at ``at``; None when it has no usable schedule.

    ``tz`` is the service's IANA time zone (an aware ``at`` is converted to it; a naive one is
    local time there). See the module docstring for overnight, 24-hour and closure rules.

    >>> from referralmatch.models.directory import Schedule
    >>> night = [Schedule(id="n", byday="FR", opens_at="22:00", closes_at="06:00")]
    >>> is_open(night, datetime(2025, 3, 8, 3, 0))  # Saturday 03:00
    True
    >>> is_open([], datetime(2025, 3, 8, 3, 0)) is None
    True
    """
    return compile_schedules(schedules, tz=tz).is_open(at)


def next_open(
    schedules: Iterable[Schedule], after: datetime, *, tz: str | None = None
) -> datetime | None:
    """The first moment at or after ``after`` when the service is open, within 14 days.

    Returns ``after`` itself when open then; None when no opening falls within 14 days or there
    is no usable schedule. An aware ``after`` gives an aware answer in the service's zone; a
    naive one gives naive local time.

    >>> from referralmatch.models.directory import Schedule
    >>> week = [Schedule(id="w", byday="MO,TU,WE,TH,FR", opens_at="09:00", closes_at="17:00")]
    >>> next_open(week, datetime(2025, 3, 7, 18, 0))  # Friday evening -> Monday
    datetime.datetime(2025, 3, 10, 9, 0)
    """
    return compile_schedules(schedules, tz=tz).next_open(after)


@dataclass(frozen=True, slots=True)
class CompiledSchedules:
    """A service's schedules read once, for many :meth:`is_open` / :meth:`next_open` questions
    (what :func:`is_open` and :func:`next_open` do for one). Picklable."""

    rules: tuple[_Rule, ...]
    zone: tzinfo | None

    def is_open(self, at: datetime) -> bool | None:
        """As :func:`is_open`."""
        if not any(not r.closure for r in self.rules):
            return None
        return _open_local(self.rules, _to_local(at, self.zone))

    def next_open(self, after: datetime) -> datetime | None:
        """As :func:`next_open`."""
        rules, zone = self.rules, self.zone
        if not any(not r.closure for r in rules):
            return None
        local = _to_local(after, zone)
        if _open_local(rules, local):
            return after.astimezone(zone) if (zone is not None and after.tzinfo) else after
        # Closed-to-open changes happen only at an opening start, a closure's end, or midnight.
        base = datetime.combine(local.date(), time())
        candidates: set[datetime] = set()
        for d in range(-1, _NEXT_OPEN_DAYS + 1):
            day = base + timedelta(days=d)
            candidates.add(day)
            for rule in rules:
                if not rule.closure:
                    candidates.add(day + timedelta(seconds=rule.start))
                elif not rule.whole_day:
                    candidates.add(day + timedelta(seconds=rule.end))
        limit = local + timedelta(days=_NEXT_OPEN_DAYS)
        for moment in sorted(c for c in candidates if local < c <= limit):
            if _open_local(rules, moment):
                if after.tzinfo is None:
                    return moment
                if zone is not None:
                    return _localize(moment, zone)
                return moment.replace(tzinfo=after.tzinfo)  # read in after's own wall clock
        return None


def compile_schedules(schedules: Iterable[Schedule], *, tz: str | None = None) -> CompiledSchedules:
    """Read a service's schedules once (``tz`` as for :func:`is_open`).

    >>> from referralmatch.models.directory import Schedule
    >>> c = compile_schedules([Schedule(id="w", byday="TH", opens_at="09:00", closes_at="12:00")])
    >>> c.is_open(datetime(2025, 3, 6, 10, 0)), c.next_open(datetime(2025, 3, 4, 10, 0))
    (True, datetime.datetime(2025, 3, 6, 9, 0))
    """
    items = list(schedules)
    return CompiledSchedules(tuple(_rules(items)), _service_zone(items, tz))


def _localize(naive: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone``; a wall time skipped by a DST change moves forward to a real instant."""
    aware = naive.replace(tzinfo=zone)
    roundtrip = aware.astimezone(UTC).astimezone(zone)
    return roundtrip if roundtrip.replace(tzinfo=None) != naive else aware


# --------------------------------------------------------------------------------------------
# Week masks
# --------------------------------------------------------------------------------------------


def _mark(mask: BoolArray, start: int, end: int) -> None:
    """Set hours overlapping seconds-of-week ``[start, end)`` (wrapping past Sunday)."""
    if end <= start:
        return
    if end - start >= _WEEK:
        mask[:] = True
        return
    start %= _WEEK
    end = start + (end - start)
    first, last = start // 3600, (end - 1) // 3600
    if last < HOURS_PER_WEEK:
        mask[first : last + 1] = True
    else:
        mask[first:] = True
        mask[: last - HOURS_PER_WEEK + 1] = True


def week_mask(schedules: Iterable[Schedule]) -> BoolArray:
    """The hours of the week the service opens: 168 bools, Monday 00:00-01:00 = hour 0.

    An hour counts when the service is open at any moment within it in some week. Validity
    dates, special hours and closures are ignored. No usable schedule gives all False.

    >>> from referralmatch.models.directory import Schedule
    >>> mask = week_mask([Schedule(id="x", byday="TU", opens_at="18:00", closes_at="20:30")])
    >>> np.flatnonzero(mask).tolist()  # Tuesday 18:00, 19:00 and 20:00 hours
    [42, 43, 44]
    """
    mask = np.zeros(HOURS_PER_WEEK, dtype=np.bool_)
    for rule in _rules(schedules):
        if rule.closure or rule.special:
            continue
        for wd in rule.mask_days():
            _mark(mask, wd * _DAY + rule.start, wd * _DAY + rule.end)
    return mask


@dataclass(frozen=True, slots=True)
class Validity:
    """When a service's weekly hours apply: ``first`` and ``last`` dates (inclusive; None is
    unbounded) over its regular schedules, and its whole-day ``closures`` as (first, last) date
    pairs. Special (holiday) hours and closures of only some hours are not summarised here."""

    first: date | None
    last: date | None
    closures: tuple[tuple[date, date], ...]


def validity(schedules: Iterable[Schedule]) -> Validity:
    """The validity bounds and whole-day closures of a service's schedules (what the week mask
    ignores), for judging the mask at a moment.

    The service's regular hours apply from the earliest ``valid_from``/``dtstart`` of its
    regular schedules to the latest ``valid_to``/``until``; a schedule without a bound leaves
    that side unbounded. No regular schedule gives both bounds None.

    >>> from referralmatch.models.directory import Schedule
    >>> v = validity([Schedule(id="a", byday="MO", opens_at="09:00", closes_at="12:00",
    ...                        valid_to=date(2025, 6, 30)),
    ...               Schedule(id="c", description="Closed for the holiday",
    ...                        valid_from=date(2025, 5, 26), valid_to=date(2025, 5, 26))])
    >>> v.first, v.last, v.closures
    (None, datetime.date(2025, 6, 30), ((datetime.date(2025, 5, 26), datetime.date(2025, 5, 26)),))
    """
    rules = _rules(schedules)
    regular = [r for r in rules if not r.closure and not r.special]
    first = None if not regular or any(r.first is None for r in regular) else min(
        r.first for r in regular if r.first is not None
    )
    last = None if not regular or any(r.last is None for r in regular) else max(
        r.last for r in regular if r.last is not None
    )
    closures = tuple(
        (r.first, r.last)
        for r in rules
        if r.closure and r.whole_day and r.first is not None and r.last is not None
    )
    return Validity(first, last, closures)


def utc_offset_hours(schedules: Sequence[Schedule]) -> float | None:
    """The service's UTC offset in hours from its schedules' HSDS ``timezone`` when they agree
    (None otherwise: times are then read on the caller's wall clock).

    >>> from referralmatch.models.directory import Schedule
    >>> utc_offset_hours([Schedule(id="a", byday="MO", opens_at="09:00", closes_at="12:00",
    ...                            timezone=-8)])
    -8.0
    """
    zone = _service_zone(schedules, None)
    if zone is None:
        return None
    offset = datetime(2000, 1, 1, tzinfo=zone).utcoffset()
    return None if offset is None else offset.total_seconds() / 3600


def availability_mask(windows: Iterable[AvailabilityWindow]) -> BoolArray:
    """A client's available hours in the :func:`week_mask` layout (168 bools).

    Each window has ``weekday`` (0 = Monday), ``start`` and ``end`` times; an ``end`` earlier
    than ``start`` runs past midnight, equal times mean the whole day. Units: hours of the week.

    >>> from types import SimpleNamespace as W
    >>> mask = availability_mask([W(weekday=5, start=time(10), end=time(12))])
    >>> np.flatnonzero(mask).tolist()  # Saturday 10:00 and 11:00 hours
    [130, 131]
    """
    mask = np.zeros(HOURS_PER_WEEK, dtype=np.bool_)
    for window in windows:
        weekday = int(window.weekday)
        if not 0 <= weekday <= 6:
            raise ConfigurationError("availability weekday must be 0 (Monday) to 6 (Sunday)")
        start, end = _span(window.start, window.end)
        _mark(mask, weekday * _DAY + start, weekday * _DAY + end)
    return mask


def pack_week_mask(mask: npt.ArrayLike) -> int:
    """A 168-hour mask as one integer, bit ``h`` set when hour ``h`` is open.

    >>> pack_week_mask(week_mask([]) | (np.arange(168) == 3))
    8
    """
    bits = np.asarray(mask, dtype=np.bool_).reshape(HOURS_PER_WEEK)
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


def unpack_week_mask(packed: int) -> BoolArray:
    """The 168-bool mask of :func:`pack_week_mask`'s integer.

    >>> np.flatnonzero(unpack_week_mask(8)).tolist()
    [3]
    """
    raw = np.frombuffer(int(packed).to_bytes(HOURS_PER_WEEK // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little").astype(np.bool_)


def pack_week_masks(masks: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """Many masks (n, 168) as (n, 3) little-endian uint64 words, for a columnar index.

    Word ``w`` bit ``b`` is hour ``64 * w + b``; unpack with ``np.unpackbits(words.view(
    np.uint8), axis=1, bitorder="little")[:, :168]`` on a little-endian machine.

    >>> pack_week_masks(np.eye(168, dtype=bool)[[0, 64, 167]]).tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 549755813888]]
    """
    bits = np.asarray(masks, dtype=np.bool_).reshape(-1, HOURS_PER_WEEK)
    padded = np.zeros((bits.shape[0], 192), dtype=np.bool_)
    padded[:, :HOURS_PER_WEEK] = bits
    packed = np.packbits(padded, axis=1, bitorder="little")  # (n, 24) bytes
    return packed.view("<u8").astype(np.uint64)


def schedule_fit(service_mask: npt.ArrayLike | None, client_mask: npt.ArrayLike) -> float | None:
    """Fraction (0-1) of the client's available hours during which the service is open.

    1.0 when the client gave no availability. None (unknown) when the service's hours are
    unknown: ``service_mask`` is None or has no open hour (a real service is open sometime, so
    an empty mask means no usable schedule).

    >>> from referralmatch.models.directory import Schedule
    >>> svc = week_mask([Schedule(id="e", byday="TU,TH", opens_at="18:00", closes_at="21:00")])
    >>> client = np.zeros(168, dtype=bool); client[[42, 43, 66, 67]] = True  # Tue/Wed 18-20
    >>> schedule_fit(svc, client)
    0.5
    """
    if service_mask is None:
        return None
    service = np.asarray(service_mask, dtype=np.bool_).reshape(HOURS_PER_WEEK)
    if not service.any():
        return None
    client = np.asarray(client_mask, dtype=np.bool_).reshape(HOURS_PER_WEEK)
    wanted = int(np.count_nonzero(client))
    if wanted == 0:
        return 1.0
    return int(np.count_nonzero(service & client)) / wanted


def schedule_fit_many(service_masks: npt.ArrayLike, client_mask: npt.ArrayLike) -> npt.NDArray[
    np.float64
]:
    """:func:`schedule_fit` for many services (n, 168) at once; NaN where hours are unknown.

    >>> masks = np.zeros((2, 168), dtype=bool); masks[0, 42] = True
    >>> client = np.zeros(168, dtype=bool); client[[42, 43]] = True
    >>> schedule_fit_many(masks, client).tolist()
    [0.5, nan]
    """
    services = np.asarray(service_masks, dtype=np.bool_).reshape(-1, HOURS_PER_WEEK)
    client = np.asarray(client_mask, dtype=np.bool_).reshape(HOURS_PER_WEEK)
    wanted = int(np.count_nonzero(client))
    known = services.any(axis=1)
    if wanted == 0:
        fit = np.ones(services.shape[0], dtype=np.float64)
    else:
        fit = np.count_nonzero(services & client, axis=1).astype(np.float64) / wanted
    fit[~known] = np.nan
    return fit


# --------------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------------


def _clock(seconds: int) -> str:
    seconds %= _DAY
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _hours_text(spans: tuple[tuple[int, int], ...]) -> str:
    if spans == ((0, _DAY),):
        return "24 hours"
    return ", ".join(
        f"{_clock(s)}-{'24:00' if e == _DAY else _clock(e)}" for s, e in spans
    )


def _days_text(days: Sequence[int]) -> str:
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_DAY_NAMES[run[0]]}-{_DAY_NAMES[run[-1]]}")
        else:
            parts.extend(_DAY_NAMES[d] for d in run)
    return ", ".join(parts)


_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}


def describe(schedules: Iterable[Schedule]) -> str:
    """A short readable summary of opening hours, e.g. ``"Mon-Fri 09:00-17:00; Sat 10:00-14:00"``.

    Weekdays with the same hours are grouped (three or more in a row become a range); monthly
    sessions read "1st Mon 18:00-20:00"; dated closures and special hours follow. No usable
    schedule gives ``"hours unknown"``.

    >>> from referralmatch.models.directory import Schedule
    >>> describe([Schedule(id="a", byday="TU,TH", opens_at="18:00", closes_at="21:00")])
    'Tue, Thu 18:00-21:00'
    >>> describe([Schedule(id="b", opens_at="00:00", closes_at="23:59")])
    '24 hours, 7 days'
    """
    rules = _rules(schedules)
    per_day: dict[int, set[tuple[int, int]]] = {}
    monthly: list[str] = []
    extras: list[str] = []
    for rule in rules:
        if rule.closure:
            extras.append(f"closed {_dates(rule.first, rule.last)}")
        elif rule.special:
            extras.append(f"{_dates(rule.first, rule.last)} {_hours_text(((rule.start, rule.end),))}")
        elif rule.is_monthly:
            for n, wd in rule.monthly:
                label = _ORDINALS.get(n, f"{n}th") + " " if n else "every "
                monthly.append(f"{label}{_DAY_NAMES[wd]} {_hours_text(((rule.start, rule.end),))}")
            for md in rule.monthdays:
                label = "last day" if md == -1 else f"day {md}"
                monthly.append(f"monthly on {label} {_hours_text(((rule.start, rule.end),))}")
        else:
            for wd in rule.weekdays:
                per_day.setdefault(wd, set()).add((rule.start, rule.end))
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for wd in sorted(per_day):
        groups.setdefault(tuple(sorted(per_day[wd])), []).append(wd)
    parts: list[str] = []
    for spans, days in sorted(groups.items(), key=lambda item: item[1][0]):
        hours = _hours_text(spans)
        if len(days) == 7:
            parts.append(f"{hours}, 7 days" if hours == "24 hours" else f"daily {hours}")
        else:
            parts.append(f"{_days_text(days)} {hours}")
    parts.extend(monthly)
    if not parts and not extras:
        return "hours unknown"
    if not parts:
        parts.append("hours unknown")
    return "; ".join(parts + extras)


def _dates(first: date | None, last: date | None) -> str:
    if first is not None and last is not None and first != last:
        return f"{first.isoformat()} to {last.isoformat()}"
    single = first or last
    return single.isoformat() if single else "some dates"
