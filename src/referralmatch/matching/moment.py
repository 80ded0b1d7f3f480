"""Moment of referral: how many hours after a moment each service next opens, vectorised over
units from columns packed once at index build (distinct week patterns with an hours-to-next-open
table, validity bounds, whole-day closures, UTC offsets).

This is the ranking-time reading of a schedule: hour resolution, weekly hours judged within
their validity dates and outside whole-day closures. Special (holiday) hours, closures of only
some hours and the week-by-week detail of monthly or fortnightly sessions are read exactly by
:func:`referralmatch.schedule.is_open` / :func:`~referralmatch.schedule.next_open`, which the
matcher calls for the services it returns (``Match.open_now``, ``Match.next_open``).

Example:
    >>> import numpy as np
    >>> mask = np.zeros((1, 168), dtype=bool)
    >>> mask[0, 3 * 24 + 9 : 3 * 24 + 17] = True  # Thursday 09:00-17:00
    >>> table = wait_table(mask)
    >>> int(table[0, 1 * 24 + 10]), int(table[0, 3 * 24 + 12])  # from Tue 10:00; Thu 12:00
    (47, 0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..schedule import (
    HOURS_PER_WEEK,
    CompiledSchedules,
    compile_schedules,
    utc_offset_hours,
    validity,
)
from .context import FloatArray, IntArray

if TYPE_CHECKING:
    from ..directory import Directory
    from ..models.directory import Schedule, Service
    from .index import DirectoryIndex

__all__ = ["EPOCH", "NEVER", "hours_until_open", "local_hours", "moment_columns", "wait_table"]

NEVER = 32767
"""Hours-to-open of a week pattern that never opens (in :func:`wait_table`)."""

EPOCH = datetime(1970, 1, 5)
"""A Monday at 00:00: local hours are counted from it, so hour-of-week = hours mod 168."""
_EPOCH_DAY = EPOCH.toordinal()
_NO_FIRST = np.iinfo(np.int64).min
_NO_LAST = np.iinfo(np.int64).max


def wait_table(patterns: npt.NDArray[np.bool_]) -> npt.NDArray[np.int16]:
    """Hours from each hour of the week to the pattern's next open hour (0 when open then;
    :data:`NEVER` for a pattern with no open hour), one row per pattern of 168 bools."""
    n = len(patterns)
    out = np.full((n, HOURS_PER_WEEK), NEVER, dtype=np.int16)
    hours = np.arange(2 * HOURS_PER_WEEK)
    for p in range(n):
        twice = np.concatenate([patterns[p], patterns[p]])
        if not twice.any():
            continue
        idx = np.where(twice, hours, 10 * HOURS_PER_WEEK)
        following = np.minimum.accumulate(idx[::-1])[::-1][:HOURS_PER_WEEK]
        out[p] = (following - hours[:HOURS_PER_WEEK]).astype(np.int16)
    return out


def _schedule_key(s: Schedule) -> tuple[Any, ...]:
    return (s.byday, s.opens_at, s.closes_at, s.freq, s.interval, s.valid_from, s.valid_to,
            s.dtstart, s.until, s.bymonthday, s.byyearday, s.wkst, s.timezone, s.description)  # fmt: skip


def moment_columns(
    services: Sequence[Service], directory: Directory, week_masks: npt.NDArray[np.bool_]
) -> dict[str, Any]:
    """The index columns this module reads (keyword arguments of ``DirectoryIndex``): week
    pattern and wait table, validity bounds (day ordinals), UTC offsets (hours; NaN unknown),
    whole-day closures, and each service's compiled schedules (``schedule_sets`` indexed by
    ``s_schedule_set``; -1 for none) for the exact reading of the returned matches."""
    n = len(services)
    if n:
        patterns, inverse = np.unique(week_masks, axis=0, return_inverse=True)
    else:
        patterns, inverse = np.zeros((0, HOURS_PER_WEEK), dtype=np.bool_), np.zeros(0, np.int64)
    first = np.full(n, _NO_FIRST, dtype=np.int64)
    last = np.full(n, _NO_LAST, dtype=np.int64)
    offset = np.full(n, np.nan)
    set_of = np.full(n, -1, dtype=np.int32)
    sets: list[CompiledSchedules] = []
    set_keys: dict[tuple[Any, ...], int] = {}
    closure_rows: list[tuple[int, int, int]] = []
    for i, service in enumerate(services):
        schedules = tuple(directory.schedules_of(service))
        if not schedules:
            continue
        key = tuple(_schedule_key(s) for s in schedules)
        known = set_keys.get(key)
        if known is None:
            known = set_keys[key] = len(sets)
            sets.append(compile_schedules(schedules))
        set_of[i] = known
        v = validity(schedules)
        if v.first is not None:
            first[i] = v.first.toordinal()
        if v.last is not None:
            last[i] = v.last.toordinal()
        off = utc_offset_hours(schedules)
        if off is not None:
            offset[i] = off
        closure_rows.extend((i, a.toordinal(), b.toordinal()) for a, b in v.closures)
    closures = np.array(closure_rows, dtype=np.int64).reshape(-1, 3)
    return {
        "s_week_pattern": np.asarray(inverse, dtype=np.int32).reshape(-1),
        "week_wait": wait_table(patterns),
        "s_valid_first": first,
        "s_valid_last": last,
        "s_tz_offset_h": offset,
        "closure_service": closures[:, 0].astype(np.int32),
        "closure_first": closures[:, 1],
        "closure_last": closures[:, 2],
        "s_schedule_set": set_of,
        "schedule_sets": tuple(sets),
    }


def local_hours(at: datetime, offset_h: FloatArray) -> FloatArray:
    """``at`` as hours since :data:`EPOCH` on each service's wall clock: a naive ``at`` is read
    as local time everywhere; an aware one is converted with each service's UTC offset, or read
    on its own wall clock where the offset is unknown (NaN)."""
    wall = (at.replace(tzinfo=None) - EPOCH).total_seconds() / 3600
    if at.tzinfo is None:
        return np.full(len(offset_h), wall)
    utc = (at.astimezone(UTC).replace(tzinfo=None) - EPOCH).total_seconds() / 3600
    return np.where(np.isnan(offset_h), wall, utc + offset_h)


def _day(hours: FloatArray) -> IntArray:
    return np.floor(hours / 24).astype(np.int64) + _EPOCH_DAY


def hours_until_open(index: DirectoryIndex, services: IntArray, at: datetime) -> FloatArray:
    """Hours from ``at`` until each service next opens (0 when open then), at hour resolution:
    its weekly hours count from its first valid day, never after its last, and not on a day of
    a whole-day closure. ``inf`` when it will not open again (past ``valid_to``); NaN when its
    hours are unknown."""
    t = local_hours(at, index.s_tz_offset_h[services])
    start = t.copy()
    first = index.s_valid_first[services]
    last = index.s_valid_last[services]
    not_yet = _day(start) < first
    start[not_yet] = (first[not_yet] - _EPOCH_DAY) * 24.0
    relevant = (
        np.flatnonzero(np.isin(index.closure_service, services))
        if len(index.closure_service)
        else np.empty(0, dtype=np.int64)
    )
    if len(relevant):
        for _ in range(2):  # a closure may end where the next one starts
            for c in relevant.tolist():
                s, a, b = (int(index.closure_service[c]), int(index.closure_first[c]),
                           int(index.closure_last[c]))  # fmt: skip
                day = _day(start)
                hit = (services == s) & (day >= a) & (day <= b)
                start[hit] = (b + 1 - _EPOCH_DAY) * 24.0
    hour = np.floor(start)
    how = (hour.astype(np.int64) % HOURS_PER_WEEK).astype(np.int64)
    wait = index.week_wait[index.s_week_pattern[services], how].astype(np.float64)
    opens = np.where(wait == 0, start, hour + wait)
    never = (wait >= NEVER) | (_day(opens) > last)
    out = np.where(never, math.inf, opens - t)
    return np.where(index.s_has_schedule[services], out, np.nan)
