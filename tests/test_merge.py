"""referralmatch.merge: duplicates across two directories found, merged, explained, accounted for."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

import referralmatch as rm
from referralmatch.errors import ConfigurationError
from referralmatch.linkage.normalize import (
    normalize_address,
    normalize_name,
    normalize_phone,
    normalize_website,
)
from referralmatch.linkage.pairs import PairScore, decide
from referralmatch.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _shelter_source(
    *,
    prefix: str,
    org_name: str,
    street: str,
    phone: str,
    lat: float,
    lon: float,
    email: str | None = None,
    website: str | None = None,
    description: str | None = None,
    services: tuple[tuple[str, str], ...] = (("Emergency Shelter", "Beds for single adults"),),
) -> rm.Directory:
    org = Organization(id=f"{prefix}o1", name=org_name, email=email, website=website)
    loc = Location(
        id=f"{prefix}l1",
        name=org_name,
        organization_id=org.id,
        latitude=lat,
        longitude=lon,
        addresses=[
            Address(
                id=f"{prefix}ad1",
                address_1=street,
                city="Baltimore",
                postal_code="21201",
                location_id=f"{prefix}l1",
            )
        ],
    )
    svcs, sals = [], []
    for i, (name, desc) in enumerate(services, start=1):
        sid = f"{prefix}s{i}"
        svcs.append(
            Service(
                id=sid,
                organization_id=org.id,
                name=name,
                description=description or desc,
                phones=[Phone(id=f"{prefix}p{i}", number=phone, service_id=sid)],
                attributes=[
                    Attribute(
                        id=f"{prefix}at{i}",
                        link_id=sid,
                        link_entity="service",
                        taxonomy_term_id=f"{prefix}t{i}",
                    )
                ],
            )
        )
        sals.append(ServiceAtLocation(id=f"{prefix}sal{i}", service_id=sid, location_id=loc.id))
    terms = [
        TaxonomyTerm(id=f"{prefix}t{i}", name=f"term {i}", code=f"BH-{i}", taxonomy="AIRS")
        for i in range(1, len(services) + 1)
    ]
    return rm.Directory(
        organizations=[org],
        locations=[loc],
        services=svcs,
        service_at_locations=sals,
        taxonomy_terms=terms,
    )


@pytest.fixture
def shelters() -> tuple[rm.Directory, rm.Directory]:
    a = _shelter_source(
        prefix="a",
        org_name="Harbor House, Inc.",
        street="12 W. Preston Street",
        phone="(410) 555-0100",
        lat=39.2990,
        lon=-76.6170,
        website="http://www.harborhouse.org/",
    )
    b = _shelter_source(
        prefix="b",
        org_name="HARBOR HOUSE",
        street="12 W Preston St",
        phone="410.555.0100 x0",
        lat=39.2993,
        lon=-76.6172,
        email="info@harborhouse.org",
        website="harborhouse.org",
    )
    return a, b


def _links_resolve(d: rm.Directory) -> list[str]:
    """Every reference inside ``d`` that points at no record (should be none)."""
    bad = []
    for svc in d.services.values():
        if svc.organization_id and svc.organization_id not in d.organizations:
            bad.append(f"service {svc.id} -> organization {svc.organization_id}")
        for attr in svc.attributes:
            if attr.taxonomy_term_id and attr.taxonomy_term_id not in d.taxonomy_terms:
                bad.append(f"service {svc.id} -> term {attr.taxonomy_term_id}")
            if attr.link_id != svc.id:
                bad.append(f"attribute of {svc.id} links {attr.link_id}")
        for phone in svc.phones:
            if phone.service_id and phone.service_id != svc.id:
                bad.append(f"phone of {svc.id} names service {phone.service_id}")
    for sal in d.service_at_locations.values():
        if sal.service_id not in d.services:
            bad.append(f"link {sal.id} -> service {sal.service_id}")
        if sal.location_id and sal.location_id not in d.locations:
            bad.append(f"link {sal.id} -> location {sal.location_id}")
    for loc in d.locations.values():
        if loc.organization_id and loc.organization_id not in d.organizations:
            bad.append(f"location {loc.id} -> organization {loc.organization_id}")
        for address in loc.addresses:
            if address.location_id and address.location_id != loc.id:
                bad.append(f"address of {loc.id} names {address.location_id}")
    return bad


# -- normalisation ---------------------------------------------------------------------------


def test_street_spellings_normalise_alike() -> None:
    same = [
        ("12 W. Preston Street", None),
        ("12 West Preston St", None),
        ("12 w preston st.", None),
    ]
    keys = {normalize_address(*x) for x in same}
    assert len(keys) == 1
    assert normalize_address("417 E Fayette St #1125") == normalize_address(
        "417 E. Fayette Street", "Suite 1125"
    )
    assert normalize_address("417 E Fayette St", "Ste 923") != normalize_address(
        "417 E Fayette St", "Suite 1125"
    )
    assert normalize_address("12 Main Ave").key() != normalize_address("12 Main St").key()


def test_phone_and_website_forms_normalise_alike() -> None:
    forms = ["(410) 555-0100", "410.555.0100", "+1 410 555 0100", "1-410-555-0100", "4105550100"]
    assert {normalize_phone(f) for f in forms} == {("4105550100", None)}
    assert normalize_phone("410-555-0100 ext. 7") == ("4105550100", "7")
    assert normalize_phone("(   ) 911-    ") is None
    sites = [
        "http://www.harborhouse.org/",
        "https://harborhouse.org",
        "harborhouse.org/",
        "WWW.HarborHouse.org",
    ]
    assert {normalize_website(s) for s in sites} == {"harborhouse.org"}
    assert normalize_website("harborhouse.org/beds") != normalize_website("harborhouse.org")


def test_names_normalise_abbreviations_and_legal_forms() -> None:
    assert normalize_name("Harbor Ctr & Svcs, Inc.") == normalize_name(
        "The Harbor Center and Services"
    )
    assert normalize_name("Harbor Center") != normalize_name("Harbor House")


# -- the hand-built cases --------------------------------------------------------------------


def test_same_shelter_with_street_abbreviation_and_reformatted_phone_is_linked(
    shelters: tuple[rm.Directory, rm.Directory],
) -> None:
    a, b = shelters
    result = rm.merge(a, b, names=("211", "county"))
    assert result.links("organization") == {"bo1": "ao1"}
    assert result.links("location") == {"bl1": "al1"}
    assert result.links("service") == {"bs1": "as1"}
    merged = result.directory
    assert (len(merged.organizations), len(merged.locations), len(merged.services)) == (1, 1, 1)
    assert len(merged.service_at_locations) == 1
    loc_pair = result.pairs[result.pairs["entity"] == "location"].iloc[0]
    assert "address" in loc_pair["agreed"] and "coordinates" in loc_pair["agreed"]
    assert "m apart" in loc_pair["reasons"]
    svc_pair = result.pairs[result.pairs["entity"] == "service"].iloc[0]
    assert "phone" in svc_pair["agreed"] and "name" in svc_pair["agreed"]
    assert result.review.empty


def test_two_programmes_of_one_agency_at_one_address_are_not_merged() -> None:
    programmes = (
        ("Emergency Food Pantry", "Groceries every Tuesday"),
        ("GED Classes for Adults", "Evening classes towards the GED"),
    )
    a = _shelter_source(
        prefix="a",
        org_name="Harbor House",
        street="12 W Preston St",
        phone="(410) 555-0100",
        lat=39.2990,
        lon=-76.6170,
        services=programmes[:1],
    )
    b = _shelter_source(
        prefix="b",
        org_name="Harbor House",
        street="12 W Preston Street",
        phone="410-555-0100",
        lat=39.2990,
        lon=-76.6170,
        services=programmes[1:],
    )
    result = rm.merge(a, b)
    assert result.links("organization") == {"bo1": "ao1"}
    assert result.links("location") == {"bl1": "al1"}
    assert result.links("service") == {}
    assert set(result.directory.services) == {"as1", "bs1"}
    # both programmes now point at the one surviving organization and location
    assert {s.organization_id for s in result.directory.services.values()} == {"ao1"}
    assert {sal.location_id for sal in result.directory.service_at_locations.values()} == {"al1"}
    assert _links_resolve(result.directory) == []


def test_uncertain_pair_is_left_for_review_and_unmerged() -> None:
    a = rm.Directory(organizations=[Organization(id="o1", name="Harbor House")])
    # the same name and nothing else to confirm or refute it: neither linked nor ignored
    b = rm.Directory(organizations=[Organization(id="o9", name="HARBOR HOUSE")])
    result = rm.merge(a, b)
    assert result.links("organization") == {}
    assert result.review[["entity", "id_a", "id_b"]].values.tolist() == [
        ["organization", "o1", "o9"]
    ]
    score = float(result.review["score"].iloc[0])
    assert 0.5 <= score < 0.9
    assert set(result.directory.organizations) == {"o1", "o9"}
    warnings = [i for i in result.directory.report.issues if i.severity == "warning"]
    assert [(i.record_type, i.record_id) for i in warnings] == [("organization", "o9")]


def test_pair_between_thresholds_and_superseded_pair_go_to_review() -> None:
    pairs = [
        PairScore("location", "a1", "b1", 0.97, ()),
        PairScore("location", "a2", "b1", 0.95, ()),
        PairScore("location", "a3", "b3", 0.4, ()),
    ]
    decided = decide(pairs, link_threshold=0.9, review_threshold=0.3)
    assert [(p.id_a, d) for p, d in decided] == [
        ("a1", "linked"),
        ("a2", "review"),
        ("a3", "review"),
    ]
    assert decide(pairs, link_threshold=0.99, review_threshold=0.96)[0][1] == "review"


# -- provenance, accounting, consistency, determinism ----------------------------------------


def test_provenance_names_the_source_of_each_field(
    shelters: tuple[rm.Directory, rm.Directory],
) -> None:
    a, b = shelters
    result = rm.merge(a, b, names=("211", "county"))
    org = result.directory.organizations["ao1"]
    assert org.name == "Harbor House, Inc."  # the first source wins where it has a value
    assert org.email == "info@harborhouse.org"  # the second fills what the first lacks
    assert result.source_of("organization", "ao1", "name") == ("211", "ao1")
    assert result.source_of("organization", "ao1", "email") == ("county", "bo1")
    assert result.source_of("organization", "ao1", "tax_id") is None
    prov = result.provenance
    row = prov[(prov["id"] == "ao1") & (prov["field"] == "email")]
    assert row[["record_type", "source", "source_id"]].values.tolist() == [
        ["organization", "county", "bo1"]
    ]
    # every non-empty field of every merged record has exactly one provenance row
    for record_type, table in (
        ("organization", "organizations"),
        ("service", "services"),
        ("location", "locations"),
    ):
        for rid, record in getattr(result.directory, table).items():
            filled = {
                f
                for f in type(record).model_fields
                if f != "id" and getattr(record, f) not in (None, "", [], {})
            }
            got = prov[(prov["record_type"] == record_type) & (prov["id"] == rid)]["field"]
            assert sorted(got) == sorted(filled), (record_type, rid)


def test_every_input_record_is_accounted_for(shelters: tuple[rm.Directory, rm.Directory]) -> None:
    a, b = shelters
    extra = Service(id="bs2", organization_id="bo1", name="Clothing Closet")
    b = rm.Directory(
        organizations=b.organizations.values(),
        locations=b.locations.values(),
        services=[*b.services.values(), extra],
        service_at_locations=b.service_at_locations.values(),
        taxonomy_terms=b.taxonomy_terms.values(),
    )
    result = rm.merge(a, b)
    records = result.records
    for table, record_type in (
        ("organizations", "organization"),
        ("services", "service"),
        ("locations", "location"),
        ("service_at_locations", "service_at_location"),
        ("taxonomy_terms", "taxonomy_term"),
    ):
        for source, d in (("a", a), ("b", b)):
            got = records[(records["record_type"] == record_type) & (records["source"] == source)]
            assert sorted(got["source_id"]) == sorted(getattr(d, table)), (table, source)
    # every surviving id exists, and the merged table holds exactly the surviving ids
    for record_type, table in (("service", "services"), ("organization", "organizations")):
        survivors = set(records[records["record_type"] == record_type]["merged_id"])
        assert survivors == set(getattr(result.directory, table))
    assert records.set_index(["source", "source_id"]).loc[("b", "bs2"), "outcome"] == "kept"
    report = result.directory.report
    assert report.balanced
    assert report.counts["service"].read == 3 and report.counts["service"].repaired == 1
    assert result.directory.services["bs2"].organization_id == "ao1"
    # the taxonomy term with the same code is one term; the attribute points at it
    assert set(result.directory.taxonomy_terms) == {"at1"}
    assert _links_resolve(result.directory) == []


def test_colliding_ids_of_unlinked_records_are_renamed_and_references_follow() -> None:
    a = rm.Directory(
        organizations=[Organization(id="o1", name="Harbor House")],
        services=[
            Service(
                id="s1",
                organization_id="o1",
                name="Shelter",
                phones=[Phone(id="p1", number="410 555 0100")],
            )
        ],
    )
    b = rm.Directory(
        organizations=[Organization(id="o1", name="Zebra Legal Aid Clinic")],
        services=[
            Service(
                id="s1",
                organization_id="o1",
                name="Eviction defence",
                phones=[Phone(id="p1", number="202 555 0199", service_id="s1")],
            )
        ],
    )
    result = rm.merge(a, b, names=("city", "state"))
    d = result.directory
    assert set(d.organizations) == {"o1", "state:o1"}
    assert set(d.services) == {"s1", "state:s1"}
    renamed = d.services["state:s1"]
    assert renamed.organization_id == "state:o1"
    assert renamed.phones[0].id == "state:p1" and renamed.phones[0].service_id == "state:s1"
    outcomes = result.records.set_index(["source", "record_type", "source_id"])["outcome"]
    assert outcomes[("state", "service", "s1")] == "renamed"
    assert _links_resolve(d) == []


def test_merge_is_deterministic(shelters: tuple[rm.Directory, rm.Directory]) -> None:
    a, b = shelters
    first, second = rm.merge(a, b), rm.merge(a, b)
    assert first.directory == second.directory
    pd.testing.assert_frame_equal(first.pairs, second.pairs)
    pd.testing.assert_frame_equal(first.provenance, second.provenance)
    pd.testing.assert_frame_equal(first.records, second.records)


def test_links_do_not_depend_on_record_order() -> None:
    names = ["Harbor House", "Bay Food Bank", "Legal Aid Bureau", "Sunrise Clinic", "Hope Shelter"]
    a = rm.Directory(
        organizations=[
            Organization(id=f"a{i}", name=n, phones=[Phone(id=f"ap{i}", number=f"410555010{i}")])
            for i, n in enumerate(names)
        ]
    )
    b_orgs = [
        Organization(
            id=f"b{i}", name=n.upper(), phones=[Phone(id=f"bp{i}", number=f"(410) 555-010{i}")]
        )
        for i, n in enumerate(names)
    ]
    forward = rm.merge(a, rm.Directory(organizations=b_orgs))
    backward = rm.merge(a, rm.Directory(organizations=b_orgs[::-1]))
    assert forward.links("organization") == {f"b{i}": f"a{i}" for i in range(len(names))}
    assert backward.links("organization") == forward.links("organization")
    pd.testing.assert_frame_equal(forward.pairs, backward.pairs)


def test_programs_and_taxonomies_are_linked_and_references_follow() -> None:
    from referralmatch.models import Program, Taxonomy

    def source(prefix: str, org_name: str) -> rm.Directory:
        return rm.Directory(
            organizations=[Organization(id=f"{prefix}o", name=org_name, website="harbor.org")],
            programs=[
                Program(id=f"{prefix}pr", organization_id=f"{prefix}o", name="Housing Programs")
            ],
            services=[
                Service(
                    id=f"{prefix}s",
                    organization_id=f"{prefix}o",
                    program_id=f"{prefix}pr",
                    name="Rapid Rehousing",
                    attributes=[
                        Attribute(
                            id=f"{prefix}at",
                            link_id=f"{prefix}s",
                            link_entity="service",
                            taxonomy_term_id=f"{prefix}t",
                        )
                    ],
                )
            ],
            taxonomies=[Taxonomy(id=f"{prefix}tx", name="AIRS")],
            taxonomy_terms=[
                TaxonomyTerm(
                    id=f"{prefix}t",
                    name="Rapid Rehousing",
                    code="BH-1800.6500",
                    taxonomy_id=f"{prefix}tx",
                )
            ],
        )

    a, b = source("a", "Harbor House"), source("b", "Harbor House Inc")
    b_extra = Service(
        id="bs2",
        organization_id="bo",
        program_id="bpr",
        name="Tenant Counselling",
        attributes=[
            Attribute(id="bat2", link_id="bs2", link_entity="service", taxonomy_term_id="bt")
        ],
    )
    b = rm.Directory(
        organizations=b.organizations.values(),
        programs=b.programs.values(),
        services=[*b.services.values(), b_extra],
        taxonomies=b.taxonomies.values(),
        taxonomy_terms=b.taxonomy_terms.values(),
    )
    merged = rm.merge(a, b).directory
    assert set(merged.programs) == {"apr"} and set(merged.taxonomies) == {"atx"}
    assert set(merged.taxonomy_terms) == {"at"}
    extra = merged.services["bs2"]
    assert (extra.organization_id, extra.program_id) == ("ao", "apr")
    assert [t.id for t in merged.taxonomy_terms_of(extra)] == ["at"]
    outcomes = rm.merge(a, b).records.set_index(["source", "record_type", "source_id"])["outcome"]
    assert outcomes[("b", "program", "bpr")] == "merged"
    assert outcomes[("b", "taxonomy_term", "bt")] == "merged"


def test_bad_arguments_raise_library_errors(shelters: tuple[rm.Directory, rm.Directory]) -> None:
    a, b = shelters
    with pytest.raises(ConfigurationError, match="names"):
        rm.merge(a, b, names=("x", "x"))
    with pytest.raises(ConfigurationError, match="thresholds"):
        rm.merge(a, b, link_threshold=0.5, review_threshold=0.8)
    with pytest.raises(ConfigurationError, match="scorer"):
        rm.merge(a, b, scorer="magic")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        rm.merge(a, [])  # type: ignore[arg-type]


def test_merged_directory_exports_and_reloads(
    shelters: tuple[rm.Directory, rm.Directory], tmp_path: Path
) -> None:
    a, b = shelters
    merged = rm.merge(a, b).directory
    path = merged.to_hsds_json(tmp_path / "merged.json")
    again = rm.load_directory(path)
    assert set(again.services) == set(merged.services)
    assert again.report.balanced


def test_splink_scorer_refuses_sources_too_small_to_train(
    shelters: tuple[rm.Directory, rm.Directory],
) -> None:
    pytest.importorskip("splink", reason="the linkage extra (splink) is not installed")
    a, b = shelters
    with pytest.raises(ConfigurationError, match="needs at least 20"):
        rm.merge(a, b, scorer="splink")


# -- the benchmark on the real directory -----------------------------------------------------


@pytest.fixture(scope="module")
def baltimore(reference: Path) -> rm.Directory:
    """The real Baltimore directory, loaded once for this module."""
    return rm.load_directory(reference / "baltimore_icarol_2019" / "baltimore_hsds3.json")


@pytest.mark.reference
def test_benchmark_split_meets_the_bars_on_a_slice(baltimore: rm.Directory) -> None:
    sys.path.insert(0, str(BENCH))
    bench = pytest.importorskip("merge_benchmark")
    full = baltimore
    keep = [
        s
        for s in full.services.values()
        if s.organization_id and s.organization_id < "balt-org-1383"
    ]
    sal = [x for x in full.service_at_locations.values() if x.service_id in {s.id for s in keep}]
    locations = [full.locations[x.location_id] for x in sal if x.location_id in full.locations]
    org_ids = {s.organization_id for s in keep} | {loc.organization_id for loc in locations}
    directory = rm.Directory(
        organizations=[o for o in full.organizations.values() if o.id in org_ids],
        services=keep,
        service_at_locations=sal,
        locations=locations,
        taxonomy_terms=full.taxonomy_terms.values(),
    )
    assert 200 < len(directory.services) < 1000
    split = bench.split_directory(directory, overlap=0.6, seed=3)
    assert split.truth["service"] and not set(split.a.services) & set(split.b.services)
    result = rm.merge(split.a, split.b)
    stats = bench.evaluate(result, split, directory)
    for entity in ("organization", "location", "service"):
        assert stats[entity]["precision"] >= 0.97, (entity, stats[entity])
        assert stats[entity]["recall"] >= 0.9, (entity, stats[entity])
    assert result.directory.report.balanced
    # the first source has dangling references of its own (locations of organizations that are
    # not in it); the merge adds none
    assert _links_resolve(split.b) == []
    assert set(_links_resolve(result.directory)) <= set(_links_resolve(split.a))
    prov = result.provenance
    assert not prov.duplicated(["record_type", "id", "field"]).any()
    assert set(prov[prov["record_type"] == "service"]["id"]) == set(result.directory.services)
    filled_from_b = prov[(prov["record_type"] == "service") & (prov["source"] == "b")]
    merged_ids = set(result.records[result.records["outcome"] == "merged"]["merged_id"])
    kept_b = set(
        result.records[(result.records["source"] == "b") & (result.records["outcome"] != "merged")][
            "merged_id"
        ]
    )
    assert set(filled_from_b["id"]) <= merged_ids | kept_b
    n_in = {
        t: len(getattr(split.a, t)) + len(getattr(split.b, t)) for t in ("services", "locations")
    }
    merged_away = result.records[result.records["outcome"] == "merged"]
    assert (
        len(result.directory.services)
        == n_in["services"] - (merged_away["record_type"] == "service").sum()
    )


# -- blocking against the obviously-correct all-pairs reference ------------------------------


def _first_services(full: rm.Directory, n: int) -> rm.Directory:
    """The first ``n`` services of ``full`` with their links, locations and organizations."""
    keep = list(full.services.values())[:n]
    sal = [x for x in full.service_at_locations.values() if x.service_id in {s.id for s in keep}]
    locations = {x.location_id: full.locations[x.location_id] for x in sal if x.location_id}
    org_ids = {s.organization_id for s in keep} | {
        loc.organization_id for loc in locations.values()
    }
    return rm.Directory(
        organizations=[o for o in full.organizations.values() if o.id in org_ids],
        services=keep,
        service_at_locations=sal,
        locations=locations.values(),
        taxonomy_terms=full.taxonomy_terms.values(),
    )


def _all_pairs(
    keys_a: dict[str, set[str]], keys_b: dict[str, set[str]], **_: object
) -> list[tuple[str, str]]:
    return sorted((i, j) for i in keys_a for j in keys_b)


@pytest.mark.reference
def test_blocked_links_equal_all_pairs_links(
    baltimore: rm.Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(BENCH))
    bench = pytest.importorskip("merge_benchmark")
    directory = _first_services(baltimore, 240)
    split = bench.split_directory(directory, overlap=0.6, seed=5)
    blocked = rm.merge(split.a, split.b)
    import referralmatch.linkage.merging as merge_module

    monkeypatch.setattr(merge_module, "block", _all_pairs)
    everything = rm.merge(split.a, split.b)
    for entity in ("organization", "location", "service"):
        assert blocked.links(entity) == everything.links(entity), entity
        assert blocked.links(entity), entity


# -- properties of the normalisers -----------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_digits = st.text(alphabet="0123456789", min_size=7, max_size=7).map(lambda s: "410" + s)


@given(
    _digits,
    st.sampled_from(
        [
            "({a}) {b}-{c}",
            "{a}-{b}-{c}",
            "{a}.{b}.{c}",
            "+1 {a} {b} {c}",
            "1-{a}-{b}-{c}",
            "{a}{b}{c}",
            "({a}){b}-{c}",
        ]
    ),
)
def test_any_layout_of_a_number_normalises_to_its_digits(digits: str, layout: str) -> None:
    text = layout.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    assert normalize_phone(text) == (digits, None)


_STREET_FORMS = {
    "Street": ["St", "St.", "STREET", "street"],
    "Avenue": ["Ave", "Ave.", "AVENUE", "Av"],
    "West": ["W", "W.", "WEST"],
    "Suite": ["Ste", "Ste.", "#", "SUITE"],
}


@given(
    st.integers(1, 9999),
    st.sampled_from(["Preston", "Charles", "Fayette"]),
    st.sampled_from(["Street", "Avenue"]),
    st.integers(1, 999),
    st.data(),
)
def test_street_spellings_never_change_the_address(
    number: int, name: str, kind: str, suite: int, data: st.DataObject
) -> None:
    canonical = normalize_address(f"{number} West {name} {kind}", f"Suite {suite}")
    w = data.draw(st.sampled_from(_STREET_FORMS["West"]))
    k = data.draw(st.sampled_from(_STREET_FORMS[kind]))
    s = data.draw(st.sampled_from(_STREET_FORMS["Suite"]))
    inline = data.draw(st.booleans())
    line_1 = f"{number} {w} {name} {k}" + (f" {s} {suite}" if inline else "")
    variant = normalize_address(line_1, None if inline else f"{s} {suite}")
    assert variant == canonical
    assert canonical.unit == str(suite)


@pytest.mark.reference
def test_splink_scorer_links_a_real_slice(baltimore: rm.Directory) -> None:
    pytest.importorskip("splink", reason="the linkage extra (splink) is not installed")
    sys.path.insert(0, str(BENCH))
    bench = pytest.importorskip("merge_benchmark")
    directory = _first_services(baltimore, 240)
    split = bench.split_directory(directory, overlap=0.6, seed=5)
    result = rm.merge(split.a, split.b, scorer="splink")
    assert result.scorer == "splink" and result.directory.report.balanced
    stats = bench.evaluate(result, split, directory)
    for entity in ("organization", "location", "service"):
        assert stats[entity]["precision"] >= 0.9 and stats[entity]["recall"] >= 0.9, entity
    linked = result.pairs[result.pairs["decision"] == "linked"]
    assert linked["reasons"].str.contains("name").all()
