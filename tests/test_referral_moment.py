"""Issue 10 part 4: the moment of referral.

``match(..., at=)`` judges schedules then: a service closed then ranks lower the longer it stays
closed ("opens Thu 09:00" in the reason), a schedule past ``valid_to`` or in a holiday closure is
closed, each match carries ``open_now``/``next_open``; an inactive service included on request
is labelled inactive wherever it shows.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import referralmatch as rm
from reference_matcher import _wait_hours
from referralmatch.cli import main
from referralmatch.demo import demo_clients
from referralmatch.matching.factors.access import SOON_FLOOR, soon_factor, soon_one
from referralmatch.matching.index import DirectoryIndex
from referralmatch.matching.moment import hours_until_open
from referralmatch.models import Organization, Schedule, Service
from referralmatch.schedule import is_open, next_open, validity, week_mask

TUE_10 = datetime(2026, 12, 1, 10, 0)  # a Tuesday
SUN_03 = datetime(2026, 12, 6, 3, 0)
SAT_22 = datetime(2026, 12, 5, 22, 0)
PANTRY = "Food pantry: groceries, fresh produce and bread."


def _daily(**extra: object) -> Schedule:
    return Schedule(id="x", byday="MO,TU,WE,TH,FR,SA,SU", opens_at="09:00", closes_at="17:00",
                    **extra)  # type: ignore[arg-type]  # fmt: skip


def _service(sid: str, name: str, schedules: list[Schedule], status: str = "active") -> Service:
    schedules = [s.model_copy(update={"id": f"{sid}-{i}"}) for i, s in enumerate(schedules)]
    return Service(id=sid, organization_id="o", name=name, status=status,  # type: ignore[arg-type]
                   description=PANTRY, schedules=schedules)  # fmt: skip


@pytest.fixture(scope="module")
def pantries() -> rm.Directory:
    closure = Schedule(id="c", description="Closed for the holiday",
                       valid_from=date(2026, 11, 30), valid_to=date(2026, 12, 2))  # fmt: skip
    return rm.Directory(
        organizations=[Organization(id="o", name="Pantry Network")],
        services=[
            _service("a-open", "Open Food Pantry", [_daily()]),
            _service("b-expired", "Expired Food Pantry", [_daily(valid_to=date(2026, 6, 30))]),
            _service("c-holiday", "Holiday Food Pantry", [_daily(), closure]),
            _service("d-thursday", "Thursday Food Pantry",
                     [Schedule(id="t", byday="TH", opens_at="09:00", closes_at="12:00")]),
            _service("e-unknown", "Food Pantry Without Hours", []),
        ],
    )


def _food(directory: rm.Directory, at: datetime | None, **config: object) -> rm.MatchResult:
    client = rm.ClientProfile(id="c1", age=40, needs=[rm.Need("food")])
    return rm.Matcher(directory, config=rm.MatchConfig(**config)).match(client, limit=10, at=at)  # type: ignore[arg-type]


def test_open_services_rank_above_closed_ones_at_the_moment(pantries: rm.Directory) -> None:
    result = _food(pantries, TUE_10)
    by = {m.service_id: m for m in result.matches}
    assert by["a-open"].open_now is True and by["a-open"].next_open == TUE_10
    # past valid_to: closed, never opens again, schedule factor 0
    assert by["b-expired"].open_now is False and by["b-expired"].next_open is None
    assert by["b-expired"].factor("schedule").value == 0.0
    # inside the holiday closure (Nov 30 - Dec 2): closed, opens on Dec 3
    assert by["c-holiday"].open_now is False
    assert by["c-holiday"].next_open == datetime(2026, 12, 3, 9, 0)
    # Thursday only: closed for two days
    assert by["d-thursday"].open_now is False
    assert by["d-thursday"].next_open == datetime(2026, 12, 3, 9, 0)
    assert "opens Thu 09:00" in by["d-thursday"].factor("schedule").detail
    assert "opens Thu 09:00" in result.explain()
    order = [m.service_id for m in result.matches]
    assert order[0] == "a-open"
    assert order.index("c-holiday") < order.index("b-expired")
    assert order.index("d-thursday") < order.index("b-expired")
    assert by["e-unknown"].open_now is None and by["e-unknown"].factor("schedule").value == 0.5
    # the schedule factor follows the documented curve of the hours until opening
    assert by["d-thursday"].factor("schedule").value == pytest.approx(soon_one(47.0))
    assert by["c-holiday"].factor("schedule").value == pytest.approx(soon_one(47.0))


def test_without_a_moment_weekly_hours_only(pantries: rm.Directory) -> None:
    result = _food(pantries, None)
    by = {m.service_id: m for m in result.matches}
    assert {m.open_now for m in result.matches} == {None}
    assert by["a-open"].factor("schedule").value == by["b-expired"].factor("schedule").value == 1.0
    assert "open now" not in result.explain()


def test_the_veterans_list_depends_on_the_moment() -> None:
    """The issue's veteran: identical lists at Tue 10:00, Sun 03:00 and Sat 22:00 before."""
    veteran = demo_clients()[0][1]
    matcher = rm.Matcher(rm.load_directory(rm.sample_directory_path()))
    lists = {}
    for at in (TUE_10, SUN_03, SAT_22):
        result = matcher.match(veteran, limit=5, at=at)
        lists[at] = [(m.service_id, round(m.score, 4)) for m in result.by_need["housing"]]
        # an overnight shelter is open on Sunday 03:00, a weekday desk is not
        by_name = {m.service_name: m for m in result.matches}
        shelter = by_name.get("River City Night Shelter")
        assert shelter is not None
        assert shelter.open_now is (at != TUE_10)
    assert lists[TUE_10] != lists[SUN_03]
    assert lists[TUE_10][0] != lists[SUN_03][0]  # the open shelter leads at night
    housing_sun = matcher.match(veteran, limit=5, at=SUN_03).by_need["housing"]
    assert housing_sun[0].service_name == "River City Night Shelter"


def test_open_now_and_next_open_in_to_frame_and_to_dict(pantries: rm.Directory) -> None:
    result = _food(pantries, TUE_10)
    frame = result.to_frame().set_index("service_id")
    assert bool(frame.loc["a-open", "open_now"]) is True
    assert bool(frame.loc["b-expired", "open_now"]) is False
    assert frame.loc["d-thursday", "next_open"] == datetime(2026, 12, 3, 9, 0)
    assert frame.loc["e-unknown", "open_now"] is pd_na()
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["at"] == TUE_10.isoformat()
    matches = {m["service_id"]: m for m in payload["needs"][0]["matches"]}
    assert matches["d-thursday"]["next_open"] == "2026-12-03T09:00:00"
    assert matches["a-open"]["open_now"] is True


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def test_inactive_on_request_is_labelled_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = rm.load_directory(rm.sample_directory_path())
    client = rm.ClientProfile(age=40, location=rm.Place(postal_code="95814"), max_travel_km=100,
                              needs=[rm.Need("emergency_shelter")])  # fmt: skip
    result = rm.Matcher(sample, config=rm.MatchConfig(include_inactive=True)).match(client, limit=20)
    inactive = [m for m in result.matches if m.inactive]
    assert [m.service_name for m in inactive] == ["Interfaith Winter Shelter"]
    assert "Interfaith Winter Shelter" in result.explain()
    assert "[INACTIVE: included on request]" in inactive[0].explain()
    assert all(not m.inactive for m in rm.Matcher(sample).match(client, limit=20).matches)
    frame = result.to_frame()
    assert frame.loc[frame.inactive, "service_name"].tolist() == ["Interfaith Winter Shelter"]
    dumped = [m for n in result.to_dict()["needs"] for m in n["matches"] if m["inactive"]]
    assert [m["service_name"] for m in dumped] == ["Interfaith Winter Shelter"]
    path = tmp_path / "client.json"
    path.write_text(json.dumps({"age": 40, "location": {"postal_code": "95814"},
                                "max_travel_km": 100,
                                "needs": [{"category": "emergency_shelter"}]}))  # fmt: skip
    assert main(["match", "--client", str(path), "--limit", "20", "--include-inactive"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Interfaith Winter Shelter" in x)
    assert "INACTIVE" in line


def test_cli_match_at(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "client.json"
    path.write_text(json.dumps({"age": 40, "location": {"postal_code": "95814"},
                                "needs": [{"category": "food"}]}))  # fmt: skip
    assert main(["match", "--client", str(path), "--at", "2026-12-05T22:00"]) == 0
    out = capsys.readouterr().out
    assert "judged at Sat 05 Dec 2026 22:00" in out
    assert "closed now, opens" in out
    assert main(["match", "--client", str(path), "--at", "2026-12-05T22:00", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["at"] == "2026-12-05T22:00:00"
    assert all(m["open_now"] is not None or m["next_open"] is None
               for m in payload["needs"][0]["matches"])  # fmt: skip
    assert main(["match", "--client", str(path), "--at", "next tuesday"]) != 0
    assert "--at must be an ISO 8601 date-time" in capsys.readouterr().err


def test_soon_curve() -> None:
    waits = np.array([0.0, 6.0, 24.0, 48.0, 168.0, np.inf, np.nan])
    got = soon_factor(waits)
    assert got.tolist() == pytest.approx([soon_one(float(w)) for w in waits])
    assert got[0] == 1.0 and got[2] == pytest.approx(SOON_FLOOR + (1 - SOON_FLOOR) / 2)
    assert np.all(np.diff(got[:5]) < 0)  # strictly later, strictly lower
    assert got[5] == 0.0 and got[6] == 1.0


# ------------------------------------------------------------------ fast vs slow, at a moment

_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
schedule_strategy = st.builds(
    lambda days, start, length, vf, vt, tz: Schedule(
        id="s", byday=",".join(days), opens_at=f"{start:02d}:00",
        closes_at=f"{(start + length) % 24:02d}:30", timezone=tz,
        valid_from=vf, valid_to=vt,
    ),
    st.lists(st.sampled_from(_DAYS), min_size=1, max_size=7, unique=True),
    st.integers(0, 22),
    st.integers(1, 10),
    st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 6, 1))),
    st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 6, 1))),
    st.sampled_from([None, -8.0, -5.0]),
)
closure_strategy = st.builds(
    lambda a, days: Schedule(id="c", description="Closed", valid_from=a,
                             valid_to=a + timedelta(days=days)),
    st.dates(date(2026, 6, 1), date(2027, 3, 1)),
    st.integers(0, 5),
)


@settings(max_examples=60, deadline=None)
@given(
    regular=st.lists(schedule_strategy, min_size=1, max_size=2),
    closures=st.lists(closure_strategy, max_size=2),
    at=st.one_of(
        st.datetimes(datetime(2026, 1, 1), datetime(2027, 6, 1)),
        st.datetimes(datetime(2026, 1, 1), datetime(2027, 6, 1), timezones=st.just(UTC)),
    ),
)
def test_hours_until_open_equals_the_hour_by_hour_twin(
    regular: list[Schedule], closures: list[Schedule], at: datetime
) -> None:
    tz = {s.timezone for s in regular}
    if len(tz) > 1:
        regular = [s.model_copy(update={"timezone": None}) for s in regular]
    service = _service("s", "Pantry", [*regular, *closures])
    directory = rm.Directory(organizations=[Organization(id="o", name="O")], services=[service])
    index = DirectoryIndex.build(directory)
    fast = float(hours_until_open(index, np.array([0]), at)[0])
    schedules = list(directory.schedules_of(service))
    mask = week_mask(schedules)
    if not mask.any():
        assert np.isnan(fast)
        return
    slow = _wait_hours(schedules, mask, at)
    assert fast == pytest.approx(slow, abs=1e-6) or (np.isinf(fast) and np.isinf(slow))
    # hour resolution against the exact reading: when open now exactly, the wait is under an hour
    exact = is_open(schedules, at)
    if exact:
        assert fast < 1.0
    v = validity(schedules)
    if v.last is not None and at.date() > v.last:
        assert np.isinf(fast)


def test_an_aware_moment_is_read_on_the_services_clock() -> None:
    """A pantry in UTC-8 open 09:00-17:00: 18:00 UTC is 10:00 there, open."""
    service = _service("s", "Pantry", [_daily(timezone=-8.0)])
    directory = rm.Directory(organizations=[Organization(id="o", name="O")], services=[service])
    index = DirectoryIndex.build(directory)
    at = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert float(hours_until_open(index, np.array([0]), at)[0]) == 0.0
    assert is_open(list(directory.schedules_of(service)), at) is True
    early = datetime(2026, 12, 1, 7, 0, tzinfo=timezone(timedelta(hours=-8)))
    assert float(hours_until_open(index, np.array([0]), early)[0]) == pytest.approx(2.0)
    assert next_open(list(directory.schedules_of(service)), early) is not None
