"""The fast Matcher against the slow reference, ranking invariants, explanations and exclusions."""

from __future__ import annotations

import pickle
import re
from datetime import UTC, datetime, time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import referralmatch as rm
from reference_matcher import reference_match
from referralmatch.matching.index import DirectoryIndex
from referralmatch.models import Location, Organization, Service, ServiceAtLocation
from referralmatch.models.client import AvailabilityWindow
from referralmatch.synth import synthetic_directory

ZIPS = ["95814", "95823", "95608", "93721", "94612", "95202", "96001", "95616"]
NEEDS = [
    "housing",
    "emergency_shelter",
    "food",
    "therapy",
    "employment",
    "support_groups",
    "crisis",
    "legal",
    "rental_assistance",
    "peer_recovery",
]


@pytest.fixture(scope="module")
def sample() -> rm.Directory:
    return rm.load_directory(rm.sample_directory_path())


@pytest.fixture(scope="module")
def sample_matcher(sample: rm.Directory) -> rm.Matcher:
    return rm.Matcher(sample)


def _assert_same(fast: rm.MatchResult, slow: dict[str, list], tol: float = 2e-6) -> None:  # type: ignore[type-arg]
    by_need = fast.by_need
    assert list(by_need) == list(slow)
    for need, expected in slow.items():
        got = by_need[need]
        assert len(got) == len(expected), need
        for g, e in zip(got, expected, strict=True):
            assert abs(g.score - e.score) <= tol, (need, g.service_id, e.service_id)
            if g.service_id != e.service_id:  # only a near-tie may swap
                assert abs(g.score - e.score) <= tol
            else:
                for f in g.factors:
                    assert abs(f.value - e.factors[f.name]) <= 1e-6, (need, f.name)
                if e.distance_km is not None:
                    assert g.distance_km == pytest.approx(e.distance_km, rel=1e-5, abs=1e-3)


clients = st.builds(
    rm.ClientProfile,
    age=st.one_of(st.none(), st.integers(0, 90)),
    gender=st.sampled_from([None, "female", "male", "nonbinary"]),
    household_size=st.one_of(st.none(), st.integers(1, 6)),
    annual_income=st.one_of(st.none(), st.integers(0, 90_000)),
    veteran=st.sampled_from([None, True, False]),
    insurance=st.sampled_from([None, ["medicaid"], ["medicare"], ["private"], ["uninsured"]]),
    languages=st.sampled_from([None, ["en"], ["es"], ["vi", "en"], ["so"]]),
    location=st.one_of(st.none(), st.sampled_from(ZIPS).map(lambda z: rm.Place(postal_code=z))),
    max_travel_km=st.one_of(st.none(), st.floats(2, 60)),
    telehealth_ok=st.booleans(),
    needs=st.lists(st.sampled_from(NEEDS), min_size=1, max_size=3, unique=True),
)


moments = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)),
    st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client=clients, seed=st.integers(0, 3), at=moments)
def test_fast_matcher_equals_reference_on_synthetic(
    client: rm.ClientProfile, seed: int, at: datetime | None
) -> None:
    directory = _synthetic(seed)
    fast = _matcher(seed).match(client, limit=5, at=at)
    _assert_same(fast, reference_match(directory, client, limit=5, at=at))


_CACHE: dict[int, tuple[rm.Directory, rm.Matcher]] = {}


def _synthetic(seed: int) -> rm.Directory:
    if seed not in _CACHE:
        d = synthetic_directory(150, seed=seed)
        _CACHE[seed] = (d, rm.Matcher(d))
    return _CACHE[seed][0]


def _matcher(seed: int) -> rm.Matcher:
    _synthetic(seed)
    return _CACHE[seed][1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client=clients, at=moments)
def test_fast_matcher_equals_reference_on_sample(
    sample: rm.Directory, sample_matcher: rm.Matcher, client: rm.ClientProfile,
    at: datetime | None,
) -> None:
    _assert_same(
        sample_matcher.match(client, limit=4, at=at), reference_match(sample, client, limit=4, at=at)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client=clients, seed=st.integers(0, 3))
def test_unmet_eligibility_is_never_returned(client: rm.ClientProfile, seed: int) -> None:
    result = _matcher(seed).match(client, limit=10)
    for match in result.matches:
        assert all(note.status != "unmet" for note in match.eligibility)
    excluded = {(e.need, e.service_id) for e in result.excluded}
    for match in result.matches:
        assert (match.need, match.service_id) not in excluded
    for exclusion in result.excluded:
        assert exclusion.reasons and len(exclusion.codes) >= 1


def _two_shelters(far_km: float) -> rm.Directory:
    """Two otherwise equal shelters near downtown Sacramento; the second ``far_km`` east."""
    lat, lon = 38.5800, -121.4900
    services, locations, links = [], [], []
    for i, dx in enumerate([1.0, far_km]):
        services.append(
            Service(id=f"s{i}", organization_id="o", name="Emergency Shelter", status="active")
        )
        locations.append(Location(id=f"l{i}", latitude=lat, longitude=lon + dx / 87.0))
        links.append(ServiceAtLocation(id=f"sl{i}", service_id=f"s{i}", location_id=f"l{i}"))
    return rm.Directory(
        organizations=[Organization(id="o", name="Org")],
        services=services,
        locations=locations,
        service_at_locations=links,
    )


@settings(max_examples=25, deadline=None)
@given(near=st.floats(0.0, 10.0), farther=st.floats(0.0, 10.0))
def test_moving_a_service_farther_never_raises_its_rank(near: float, farther: float) -> None:
    client = rm.ClientProfile(
        location=rm.Place(latitude=38.58, longitude=-121.49),
        max_travel_km=30,
        needs=["emergency_shelter"],
    )
    ranks = []
    for d in sorted([near, near + farther]):
        result = rm.Matcher(_two_shelters(d)).match(client, limit=2)
        ranks.append([m.service_id for m in result.matches].index("s1"))
    assert ranks[1] >= ranks[0]


def test_ties_break_by_distance_then_id() -> None:
    client = rm.ClientProfile(
        location=rm.Place(latitude=38.58, longitude=-121.49), needs=["emergency_shelter"]
    )
    result = rm.Matcher(_two_shelters(1.0)).match(client)
    assert [m.service_id for m in result.matches] == ["s0", "s1"]  # same place: id decides
    result = rm.Matcher(_two_shelters(0.5)).match(client)
    assert [m.service_id for m in result.matches] == ["s1", "s0"]  # s1 is nearer


def test_sample_matches_explain_themselves(sample_matcher: rm.Matcher) -> None:
    client = rm.ClientProfile(
        id="t1",
        age=52,
        gender="male",
        veteran=True,
        annual_income=9_000,
        household_size=1,
        languages=["es"],
        insurance=["medicaid"],
        location=rm.Place(postal_code="95811"),
        max_travel_km=15,
        availability=[AvailabilityWindow(weekday=1, start=time(17), end=time(21))],
        needs=[rm.Need("therapy", priority=2), rm.Need("housing", priority=1)],
    )
    result = sample_matcher.match(client, limit=3)
    assert [n.need for n in result.needs] == ["housing", "therapy"]  # priority order
    for need in result.needs:
        assert 1 <= len(need.matches) <= 3
        scores = [m.score for m in need.matches]
        assert scores == sorted(scores, reverse=True)
        for m in need.matches:
            assert {f.name for f in m.factors} == set(rm.MatchConfig().weights())
            assert all(0.0 <= f.value <= 1.0 for f in m.factors)
            assert m.score == pytest.approx(sum(f.contribution for f in m.factors), abs=1e-5)
            text = m.explain()
            assert m.service_name in text and (
                "km away" in text or "remotely" in text or "unknown" in text
            )
    assert result.needs[1].sensitive  # therapy is a sensitive need
    frame = result.to_frame()
    assert len(frame) == len(result.matches) and frame["score"].between(0, 1).all()
    import json

    json.dumps(result.to_dict())


def test_exclusions_carry_reasons(sample_matcher: rm.Matcher) -> None:
    young = rm.ClientProfile(
        age=17,
        gender="male",
        location=rm.Place(postal_code="95814"),
        max_travel_km=3,
        needs=["housing", "support_groups"],
    )
    result = sample_matcher.match(young)
    counts = result.exclusion_counts()
    assert counts.get("too_far", 0) > 0
    assert any(code in counts for code in ("age", "gender"))
    for exclusion in result.excluded:
        assert len(exclusion.codes) >= 1 and len(exclusion.reasons) >= 1
        assert not re.search(
            r"(?<![\d.])17(?![\d.])", " ".join(exclusion.reasons)
        )  # no client value


def test_unknown_location_and_free_text_need(sample_matcher: rm.Matcher) -> None:
    client = rm.ClientProfile(needs=[rm.Need("grief support group for widows")])
    result = sample_matcher.match(client)
    assert result.needs[0].categories[0] == "grief_support"
    assert result.matches and all(m.distance_km is None for m in result.matches)


def test_index_is_picklable_and_matcher_accepts_it(sample: rm.Directory) -> None:
    index = DirectoryIndex.build(sample)
    again = pickle.loads(pickle.dumps(index))
    client = rm.ClientProfile(location=rm.Place(postal_code="95814"), needs=["food"])
    a = rm.Matcher(index).match(client)
    b = rm.Matcher(again).match(client)
    assert [m.service_id for m in a.matches] == [m.service_id for m in b.matches]
    assert index.nbytes() > 0 and np.all(index.s_id_rank >= 0)


def test_unclassified_services_are_listed(sample: rm.Directory) -> None:
    index = DirectoryIndex.build(sample)
    assert set(index.unclassified) <= set(sample.services)
    assert len(index.unclassified) < len(sample.services) // 5


def test_a_service_known_only_by_a_zip_is_in_reach_of_the_county_its_name_says_it_serves() -> None:
    from referralmatch.models.directory import (
        Address,
        Location,
        Organization,
        Service,
        ServiceAtLocation,
    )

    address = Address(id="ad", location_id="l", address_1="PO Box 1", city="Sacramento",
                      state_province="CA", postal_code="95814", country="US", address_type="postal")  # fmt: skip
    directory = rm.Directory(
        organizations=[Organization(id="o", name="Crisis Center of Sacramento County, Inc.")],
        services=[Service(id="s", organization_id="o", name="Confidential Shelter", status="active",
                          description="Emergency shelter for survivors of domestic violence.")],
        locations=[Location(id="l", addresses=[address])],
        service_at_locations=[ServiceAtLocation(id="sl", service_id="s", location_id="l")],
    )  # fmt: skip
    matcher = rm.Matcher(directory)
    folsom = rm.ClientProfile(location=rm.Place(postal_code="95630"), max_travel_km=5,
                              needs=["emergency_shelter"])  # fmt: skip
    result = matcher.match(folsom)
    match = result.matches[0]  # about 30 km from the mailing ZIP, but in the county it serves
    distance = next(f for f in match.factors if f.name == "distance")
    assert "serves the client's area" in distance.detail
    assert distance.value == rm.MatchConfig().unknown_distance_score
    _assert_same(result, reference_match(directory, folsom, limit=5))
    davis = folsom.model_copy(update={"location": rm.Place(postal_code="95616"), "max_travel_km": 50})
    elsewhere = matcher.match(davis)  # Yolo County: not the county the name gives
    assert not elsewhere.matches and "out_of_area" in elsewhere.excluded[0].codes


def test_market_rate_private_pay_is_excluded_as_unaffordable_for_a_low_income_client_only(
    private_pay_directory: rm.Directory,
) -> None:
    # a low-income client (at or under 200% FPL, or low_income) cannot afford hourly private-pay
    # care: it is excluded, with the reason; a client with a higher income sees both, as fees
    # apply; a nominal fare is any fee
    directory = private_pay_directory
    matcher = rm.Matcher(directory)
    at = directory.locations["l"]
    lat, lon = at.latitude, at.longitude
    place = rm.Place(latitude=lat, longitude=lon)
    cases = ((13_500, [], True), (None, ["low_income"], True), (90_000, [], False))
    for income, situations, low in cases:
        client = rm.ClientProfile(location=place, needs=["transportation"], annual_income=income,
                                  household_size=1, situations=situations)  # fmt: skip
        result = matcher.match(client)
        cost = {m.service_id: next(f for f in m.factors if f.name == "cost")
                for m in result.matches}  # fmt: skip
        assert cost["s1"].value == 0.3
        if low:
            assert list(cost) == ["s1"]
            excluded = next(e for e in result.excluded if e.service_id == "s0")
            assert excluded.codes == ("cost",) and "unaffordable" in excluded.reasons[0]
        else:
            assert cost["s0"].value == 0.3 and "private pay" in cost["s0"].detail
        _assert_same(result, reference_match(directory, client, limit=5))


def test_a_need_of_several_categories_with_no_unit_near_the_place_has_no_candidates() -> None:
    # two categories, neither with a unit near a place in the Pacific: an empty result, not an
    # IndexError from de-duplicating an empty concatenation (found by the Hypothesis equality test)
    from referralmatch.geo import ResolvedPlace
    from referralmatch.matching.candidates import candidates
    from referralmatch.matching.index import DirectoryIndex
    from referralmatch.synth import synthetic_directory

    index = DirectoryIndex.build(synthetic_directory(200, seed=3))
    far = ResolvedPlace(latitude=0.0, longitude=-150.0, postal_code=None, city=None, county=None,
                        state=None, timezone=None, precision="coordinates")  # fmt: skip
    units, fit, evidence, _ = candidates(index, far, [("therapy", 1.0), ("emergency_shelter", 1.0)], 5.0)
    assert len(units) == len(fit) == len(evidence) == 0
    near = candidates(index, None, [("therapy", 1.0), ("emergency_shelter", 1.0)])[0]
    assert len(near) > 0


def _services_east(records: dict[str, tuple[str, str, str, float]]) -> rm.Directory:
    """One active service per record (id: (name, description, eligibility text, km east of
    downtown Sacramento)), each at its own site."""
    lat, lon = 38.5800, -121.4900
    return rm.Directory(
        organizations=[Organization(id="o", name="Org")],
        services=[
            Service(id=k, organization_id="o", name=name, description=text,
                    eligibility_description=elig or None, status="active")
            for k, (name, text, elig, _) in records.items()
        ],
        locations=[
            Location(id=f"l{k}", latitude=lat, longitude=lon + km / 87.0) for k, (*_, km) in records.items()
        ],
        service_at_locations=[
            ServiceAtLocation(id=f"sl{k}", service_id=k, location_id=f"l{k}") for k in records
        ],
    )


def _adult_and_youth_shelter() -> rm.Directory:
    """An adult shelter nearby and a youth shelter farther away, near downtown Sacramento."""
    return _services_east({
        "adult": ("Emergency Shelter", "Overnight emergency shelter for men, women and families.", "", 0.5),
        "youth": ("Youth Shelter", "Emergency shelter for runaway and homeless teens.", "", 3.0),
    })  # fmt: skip


def test_a_minor_on_their_own_asking_for_shelter_is_sent_to_a_youth_shelter_first() -> None:
    """A 17-year-old alone asking for shelter (the issue's example): adult and family shelters do
    not take unaccompanied minors, so the youth shelter ranks first though farther, and the adult
    shelter's population factor says why; a 17-year-old living with family, an adult, and a
    adult keep today's factors (the adult shelter is neutral for a teen living with family)."""
    d = _adult_and_youth_shelter()
    where = rm.Place(latitude=38.58, longitude=-121.49)

    def ranked(**client: object) -> list[rm.Match]:
        profile = rm.ClientProfile(location=where, max_travel_km=10, needs=["emergency_shelter"], **client)
        return list(rm.Matcher(d).match(profile).matches)

    alone = ranked(age=17, household_size=1)
    assert [m.service_id for m in alone] == ["youth", "adult"]
    population = next(f for f in alone[1].factors if f.name == "population")
    assert population.value == 0.3 and "minor on their own" in population.detail
    assert ranked(age=17, household_size=1, dependents_ages=[1])[0].service_id == "youth"  # a teen mother
    with_family = {m.service_id: m for m in ranked(age=17, household_size=3)}
    assert next(f.value for f in with_family["adult"].factors if f.name == "population") == 0.5
    assert ranked(age=30, household_size=1)[0].service_id == "adult"


def _programme_housing() -> rm.Directory:
    """A YMCA whose only housing is a numbered programme for homeless women with children, and
    a farther housing centre for anyone (hand-written, after a real 211 record)."""
    ymca = (
        "SERVICES:\n1) TRANSITIONAL HOUSING:  Operates 12 apartments for homeless women with "
        "children only.\n\n2) AQUATICS PROGRAMS:  Swimming for children and adults.\n\n"
        "3) FITNESS CLASSES:  Aerobics."
    )
    return _services_east({
        "ymca": ("YMCA Family Branch", ymca, "Open to anyone. See notes for specific programs.", 0.3),
        "centre": ("Housing Centre", "Transitional housing and housing search help.", "", 4.0),
    })


def test_a_programmes_own_restriction_lowers_the_need_it_serves_for_a_client_who_fails_it() -> None:
    """A single man asking for housing: the YMCA's only housing programme is for women with
    children, so its need fit for housing drops (the reason in the factor detail) and the
    housing centre ranks first; a mother keeps the full fit, a client whose household is not
    given is unknown (neutral), and the fast matcher equals the reference for all three."""
    d = _programme_housing()
    where = rm.Place(latitude=38.58, longitude=-121.49)
    matcher = rm.Matcher(d)

    def fit(result: rm.MatchResult, sid: str) -> rm.Factor:
        match = next(m for m in result.matches if m.service_id == sid)
        return next(f for f in match.factors if f.name == "need_fit")

    clients = {
        "man": rm.ClientProfile(age=45, gender="male", household_size=1, location=where, max_travel_km=10, needs=["housing"]),
        "mother": rm.ClientProfile(age=30, gender="female", household_size=2, dependents_ages=[4],
                                   location=where, max_travel_km=10, needs=["housing"]),
        "unknown": rm.ClientProfile(location=where, max_travel_km=10, needs=["housing"]),
    }  # fmt: skip
    results = {k: matcher.match(c) for k, c in clients.items()}
    for k, c in clients.items():
        _assert_same(results[k], reference_match(d, c))
    man = fit(results["man"], "ymca")
    assert results["man"].matches[0].service_id == "centre"
    assert "only programme for it is not for this client" in man.detail
    full = fit(results["mother"], "ymca").value
    assert fit(results["unknown"], "ymca").value == full and man.value <= 0.5 * full


def _two_programme_housing(second: str) -> rm.Directory:
    """An agency whose housing is two numbered programmes, the first for women with children
    and the second ``second``, beside a farther housing centre for anyone (hand-written, after
    a real 211 record)."""
    agency = (
        "1) CASE MANAGEMENT:  Offers services to families affected by substance abuse.\n\n"
        "2) TRANSITIONAL HOUSING:  Offers long-term residential placement for women with children "
        f"only.\n\n3) PERMANENT HOUSING:  {second}\n\n4) HEAD START:  Preschool for 102 children."
    )
    return _services_east({
        "agency": ("Family Village", agency, "", 0.3),
        "centre": ("Housing Centre", "Transitional housing and housing search help.", "", 4.0),
    })


def test_a_need_served_by_several_programmes_is_lowered_only_when_the_client_fails_them_all() -> None:
    """A single man asking for housing from an agency whose two housing programmes are for women
    with children and for families with children: he fails both, so its housing need fit drops
    (both reasons in the detail) and the housing centre ranks first. When the second programme
    is for men, he meets one: the fit stays full. The fast matcher equals the reference."""
    where = rm.Place(latitude=38.58, longitude=-121.49)
    man = rm.ClientProfile(age=45, gender="male", household_size=1, location=where, max_travel_km=10,
                           needs=["housing"])  # fmt: skip

    def need_fit(d: rm.Directory) -> tuple[str, rm.Factor]:
        result = rm.Matcher(d).match(man)
        _assert_same(result, reference_match(d, man))
        match = next(m for m in result.matches if m.service_id == "agency")
        return result.matches[0].service_id, next(f for f in match.factors if f.name == "need_fit")

    first, failed = need_fit(_two_programme_housing("Apartments for families with children only."))
    assert first == "centre"
    assert "only programmes for it are not for this client" in failed.detail
    _, kept = need_fit(_two_programme_housing("Apartments for single men only."))
    assert "not for this client" not in kept.detail
    assert failed.value <= 0.5 * kept.value


def test_the_index_size_counts_the_programme_columns() -> None:
    # nbytes is the memory figure benchmarks/run.py reports: a category whose members carry a
    # programme column holds it as well as their units, relevance, evidence and cells
    index = DirectoryIndex.build(_programme_housing())
    housing = index.members["housing"]
    assert housing.programme is not None
    without = sum(
        m.units.nbytes + m.confidence.nbytes + m.evidence.nbytes + m.cells.nbytes
        for m in index.members.values()
    ) + sum(v.nbytes for v in vars(index).values() if isinstance(v, np.ndarray) and v.dtype != object)
    assert index.nbytes() == without + sum(
        m.programme.nbytes for m in index.members.values() if m.programme is not None
    )
