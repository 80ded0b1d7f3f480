"""Gap analysis: equals matching client by client, partition-free, every reason reachable."""

from __future__ import annotations

from datetime import datetime, time

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import referralmatch as rm
from referralmatch.analysis.caseload import clients_from_caseload
from referralmatch.analysis.gaps import GAP_COLUMNS, REASONS, gap_kernel
from referralmatch.models import (
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
)

AT = datetime(2026, 3, 3, 10, 0)


@pytest.fixture(scope="module")
def matcher() -> rm.Matcher:
    return rm.Matcher(rm.load_directory(rm.sample_directory_path()))


@pytest.fixture(scope="module")
def caseload() -> pd.DataFrame:
    return rm.read_caseload(rm.sample_caseload_path())


@pytest.fixture(scope="module")
def report(caseload: pd.DataFrame, matcher: rm.Matcher) -> rm.GapReport:
    return rm.gap_analysis(caseload, matcher, at=AT, progress=False)


def test_schema_and_summaries(report: rm.GapReport, caseload: pd.DataFrame) -> None:
    frame = report.per_client_need
    assert {c: str(t) for c, t in frame.dtypes.items()} == GAP_COLUMNS
    assert len(frame) == len(caseload)
    assert list(pd.unique(frame.client_id)) == list(pd.unique(caseload.client_id))  # caseload order
    assert set(frame.status) <= {"met", "unmet"}
    assert frame.loc[frame.status == "met", "reason"].isna().all()
    assert frame.loc[frame.status == "unmet", "reason"].isin(REASONS).all()
    by_need = report.by_need
    assert int(by_need.client_needs.sum()) == len(frame)
    assert (by_need.met + by_need.unmet == by_need.client_needs).all()
    reasons = report.reasons
    assert int(reasons["count"].sum()) == int((frame.status == "unmet").sum())
    by_area = report.by_area
    assert by_area.index.names == ["need", "county"]
    assert int(by_area.client_needs.sum()) == len(frame)
    text = report.summary()
    assert f"{len(frame)} needs of {frame.client_id.nunique()} clients" in text


def test_equals_matching_client_by_client(report: rm.GapReport, caseload: pd.DataFrame,
                                          matcher: rm.Matcher) -> None:  # fmt: skip
    rows = report.per_client_need.set_index(["client_id", "need"])
    for client in clients_from_caseload(caseload)[:120]:
        result = matcher.match(client, limit=1, at=AT)
        for need in result.needs:
            row = rows.loc[(client.id, need.need)]
            if need.matches:
                assert row.best_service_id == need.matches[0].service_id
                assert row.best_score == pytest.approx(need.matches[0].score)
            else:
                assert pd.isna(row.best_service_id) and row.status == "unmet"
            assert row.eligible_within_reach == need.eligible


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_results_do_not_depend_on_partitioning(data: st.DataObject, caseload: pd.DataFrame,
                                               matcher: rm.Matcher) -> None:  # fmt: skip
    clients = list(pd.unique(caseload.client_id))[:60]
    subset = caseload[caseload.client_id.isin(clients)]
    whole = gap_kernel(subset, matcher, AT)
    cuts = sorted(data.draw(st.sets(st.integers(1, len(clients) - 1), max_size=5)))
    groups = [clients[a:b] for a, b in zip([0, *cuts], [*cuts, len(clients)], strict=True)]
    parts = [gap_kernel(subset[subset.client_id.isin(g)], matcher, AT) for g in groups]
    joined = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)


def _tiny_directory() -> rm.Directory:
    """One service per reason, all near downtown Sacramento."""
    lat, lon = 38.58, -121.49

    def svc(sid: str, name: str, **kw: object) -> Service:
        return Service(id=sid, organization_id="o", name=name, status="active", **kw)  # type: ignore[arg-type]

    services = [
        svc("shelter", "Emergency Shelter", eligibility_description="Women only",
            languages=[Language(id="l1", code="en")]),
        svc("pantry", "Food Pantry", languages=[Language(id="l2", code="en")]),
        svc("jobs", "Job Placement Center", languages=[Language(id="l3", code="es")],
            schedules=[Schedule(id="sc", byday="SA", opens_at=time(10), closes_at=time(12))]),
        svc("beds", "Transitional Housing Program",
            capacities=[ServiceCapacity(id="cap", available=0, maximum=20)]),
    ]  # fmt: skip
    locations = [Location(id=f"loc-{s.id}", latitude=lat, longitude=lon) for s in services]
    links = [
        ServiceAtLocation(id=f"sal-{s.id}", service_id=s.id, location_id=f"loc-{s.id}")
        for s in services
    ]
    return rm.Directory(organizations=[Organization(id="o", name="Org")], services=services,
                        locations=locations, service_at_locations=links)  # fmt: skip


@pytest.mark.parametrize(
    ("client", "need", "reason"),
    [
        ({"postal_code": "95814"}, "legal", "no_service"),
        ({"postal_code": "95814", "gender": "male"}, "emergency_shelter", "not_eligible"),
        ({"postal_code": "96001"}, "food", "out_of_reach"),
        ({"postal_code": "95814", "languages": "vi"}, "job_placement", "language"),
        ({"postal_code": "95814", "languages": "es"}, "job_placement", "hours"),
        ({"postal_code": "95814"}, "transitional_housing", "at_capacity"),
        ({"postal_code": "95814", "gender": "female"}, "emergency_shelter", None),
    ],
)
def test_each_reason(client: dict[str, str], need: str, reason: str | None) -> None:
    row = {"client_id": "c1", "needs": need, "max_travel_km": "20", **client}
    caseload = rm.read_caseload(pd.DataFrame([row]))
    if reason == "hours":
        clients = clients_from_caseload(caseload)
        profile = clients[0].model_copy(update={
            "availability": (rm.AvailabilityWindow(weekday=0, start=time(9), end=time(17)),)})  # fmt: skip
        outcome = rm.Matcher(_tiny_directory()).outcomes(profile, at=AT)[0]
        assert (outcome.status, outcome.reason) == ("unmet", "hours")
        return
    report = rm.gap_analysis(caseload, _tiny_directory(), at=AT, progress=False)
    got = report.per_client_need.iloc[0]
    if reason is None:
        assert got.status == "met" and got.best_service_id == "shelter"
    else:
        assert got.status == "unmet" and got.reason == reason
    if reason == "out_of_reach":
        assert got.nearest_eligible_km > 100  # Redding is ~250 km away
