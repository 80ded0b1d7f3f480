"""Graded need relevance, who a service is for, unknown-is-not-zero, approximate positions and
coverage exclusions (issue 9), on small hand-built directories and the bundled sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import referralmatch as rm
from referralmatch.matching.factors.access import cost_one, language_one
from referralmatch.matching.factors.population import (
    MATCHED,
    MATCHED_UNNAMED,
    MISMATCH,
    NEUTRAL,
    NOT_KNOWN,
    client_populations,
    peer_need,
    peer_populations,
    population_one,
    service_targets,
)
from referralmatch.matching.factors.relevance import ServiceText, is_airs_code, relevance_table
from referralmatch.models.directory import (
    Address,
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from referralmatch.needs.categories import NeedCategories

CATS = NeedCategories.default()
AIRS = "AIRS/211 LA"
HERE = (38.5800, -121.4900)  # downtown Sacramento


def _relevance(texts: list[ServiceText], category: str) -> list[float]:
    table = relevance_table(texts, CATS)
    found = {row: r for row, c, r, _ in table.rows() if c == category}
    return [found.get(i, 0.0) for i in range(len(texts))]


def _filler(n: int) -> list[ServiceText]:
    """Unrelated services, so that directory statistics look like a real directory's."""
    return [ServiceText(f"Office {i}", "Administrative office.", "", ()) for i in range(n)]


# --------------------------------------------------------------------------- relevance
def test_taxonomy_code_beats_name_beats_a_mention_in_a_description() -> None:
    texts = [
        ServiceText("Program A", "Help for residents.", "", ((AIRS, "BD-1800.2000", None),)),
        ServiceText("Food Pantry", "Open Tuesdays.", "", ()),
        ServiceText(
            "Family Center",
            "Parenting classes, tutoring, tax help, job search help and a food pantry on Fridays.",
            "",
            (),
        ),
        *_filler(20),
    ]
    code, name, mention = _relevance(texts, "food")[:3]
    assert code > name > mention > 0
    assert mention < 0.5  # a one-line mention in a multi-programme description is weak


def test_airs_codes_are_hierarchical_and_volunteer_programmes_are_not_jobs() -> None:
    assert is_airs_code("BH-1800.8500-100") and not is_airs_code("1103")
    texts = [
        ServiceText("X", "", "", ((AIRS, "BH-1800.8500-100", None),)),  # under BH-1800
        ServiceText("Y", "", "", ((AIRS, "ND-9200", None),)),  # volunteer service programmes
        ServiceText("Z", "", "", ((AIRS, "ND-3500", None),)),  # job finding assistance
        *_filler(5),
    ]
    shelter = _relevance(texts, "emergency_shelter")
    jobs = _relevance(texts, "employment")
    assert shelter[0] >= 0.9
    assert jobs[1] == 0.0 and jobs[2] >= 0.9


def test_focus_an_agency_with_many_codes_is_less_surely_about_one_of_them() -> None:
    many = tuple((AIRS, c, None) for c in ("LL-3000", "LV-1600", "LR-6600", "LF", "PN-8100", "LT-2800"))
    texts = [
        ServiceText("Support Circle", "", "", ((AIRS, "PN-8100", None),)),
        ServiceText("General Hospital", "", "", many),
        *_filler(5),
    ]
    program, hospital = _relevance(texts, "support_groups")[:2]
    assert program > hospital + 0.2


def test_a_phrase_every_service_uses_counts_less_than_a_rare_one() -> None:
    common = [ServiceText(f"Agency {i}", "We offer counseling.", "", ()) for i in range(40)]
    texts = [
        ServiceText("A", "We offer counseling.", "", ()),
        ServiceText("B", "We offer psychotherapy.", "", ()),
        *common,
    ]
    counseling, psychotherapy = _relevance(texts, "therapy")[:2]
    assert psychotherapy > counseling


@pytest.mark.parametrize(
    ("name", "description", "category"),
    [
        ("Food Safety Training", "Training for food handlers.", "food"),
        ("Credit Repair Counseling", "Credit counseling and budgeting.", "therapy"),
        ("Day Center", "This is not a shelter; no beds.", "emergency_shelter"),
        ("Record Clearance Clinic", "Expungement help.", "health_care"),
    ],
)
def test_look_alikes_and_negations_are_not_evidence(
    name: str, description: str, category: str
) -> None:
    texts = [ServiceText(name, description, "", ()), *_filler(10)]
    assert _relevance(texts, category)[0] < rm.MatchConfig().min_need_fit


def test_services_for_organisations_are_not_client_services() -> None:
    texts = [
        ServiceText(
            "Grocery Tax Break Donation",
            "Collects food from grocery stores, allowing stores to benefit from tax breaks.",
            "",
            (),
        ),
        ServiceText("Grocery Giveaway", "Free groceries for families every Friday.", "", ()),
        *_filler(10),
    ]
    stores, families = _relevance(texts, "food")[:2]
    assert families > stores


# --------------------------------------------------------------------------- directories
def _directory(services: list[tuple[str, str, dict[str, object]]]) -> rm.Directory:
    """Services at (almost) one place downtown; each entry is (id, name, extra fields). An extra
    field ``_loc`` replaces the location's fields, ``_attrs`` adds attributes."""
    svcs, locs, links, terms = [], [], [], []
    for i, (sid, name, extra) in enumerate(services):
        fields = {k: v for k, v in extra.items() if not k.startswith("_")}
        attrs = []
        for j, (link_type, value, code) in enumerate(extra.get("_attrs", [])):  # type: ignore[attr-defined]
            term_id = None
            if code:
                term_id = f"t-{sid}-{j}"
                terms.append(TaxonomyTerm(id=term_id, name=code, code=code, taxonomy=AIRS))
            attrs.append(
                Attribute(id=f"a-{sid}-{j}", link_id=sid, link_type=link_type,
                          link_entity="service", taxonomy_term_id=term_id, value=value)
            )  # fmt: skip
        svcs.append(Service(id=sid, organization_id="o", name=name, status="active",
                            attributes=attrs, **fields))  # type: ignore[arg-type]  # fmt: skip
        loc = {"latitude": HERE[0], "longitude": HERE[1] + 0.001 * i}
        loc.update(extra.get("_loc", {}))  # type: ignore[call-overload]
        locs.append(Location(id=f"l-{sid}", **loc))  # type: ignore[arg-type]
        links.append(ServiceAtLocation(id=f"sl-{sid}", service_id=sid, location_id=f"l-{sid}"))
    return rm.Directory(organizations=[Organization(id="o", name="Org")], services=svcs,
                        locations=locs, service_at_locations=links, taxonomy_terms=terms)  # fmt: skip


def _client(**kw: object) -> rm.ClientProfile:
    base: dict[str, object] = {"location": rm.Place(latitude=HERE[0], longitude=HERE[1])}
    base.update(kw)
    return rm.ClientProfile(**base)  # type: ignore[arg-type]


def test_a_pantry_for_listed_zip_codes_turns_away_other_zips() -> None:
    """Link-SF pantries say whom they serve by ZIP in their notes ("Must live in 94110 or 94103
    zip code and have ID."): a client whose ZIP is not listed is excluded with the reason, one
    whose ZIP is listed is ranked; a ZIP list in an eligibility field reads the same way."""
    directory = _directory([
        ("north", "Food pantry", {"description": "Food pantry. Must live in 95815, 95821, 95825, or 95838 zip code."}),
        ("downtown", "Free food pantry", {"description": "Weekly food pantry; Must live in 95811 or 95814 zip code and have ID."}),
        ("south", "Food pantry", {"eligibility_description": "Residents of zip codes: 95822, 95823."}),
    ])  # fmt: skip
    client = rm.ClientProfile(location=rm.Place(postal_code="95814"), needs=["food"])
    result = rm.Matcher(directory).match(client, limit=5)
    assert [m.service_id for m in result.needs[0].matches] == ["downtown"]
    why = {e.service_id: e.reasons for e in result.excluded if "residency" in e.codes}
    assert set(why) == {"north", "south"}
    assert why["north"] == ("residency in 95815, 95821, 95825, 95838: not met",)


def test_plainly_written_pantries_are_ranked_not_dropped() -> None:
    directory = _directory([
        ("p1", "Walk-in food pantry", {}),
        ("p2", "Free lunch served daily", {}),
        ("x", "Office", {"description": "Administrative office."}),
    ])  # fmt: skip
    result = rm.Matcher(directory).match(_client(needs=["food"]))
    assert {m.service_id for m in result.matches} == {"p1", "p2"}


def test_a_weak_fit_is_listed_as_excluded_with_its_reason() -> None:
    directory = _directory([
        ("agency", "Neighborhood Center", {"description": (
            "Tutoring, tax preparation, computer classes, job search help, parenting classes, "
            "legal clinics, senior lunches on holidays and youth sports.")}),
        ("pantry", "Food Pantry", {}),
    ])  # fmt: skip
    result = rm.Matcher(directory).match(_client(needs=["food"]))
    assert [m.service_id for m in result.matches] == ["pantry"]
    weak = [e for e in result.excluded if e.service_id == "agency"]
    assert weak and weak[0].codes == ("weak_fit",)
    assert "weak fit" in weak[0].reasons[0]


def test_who_it_is_for_ranks_the_veterans_programme_first_for_a_veteran() -> None:
    directory = _directory([
        ("general", "Job Center", {}),
        ("vets", "Veterans Job Center", {}),
    ])  # fmt: skip
    matcher = rm.Matcher(directory)
    veteran = matcher.match(_client(veteran=True, needs=["employment"]))
    assert veteran.matches[0].service_id == "vets"
    population = next(f for f in veteran.matches[0].factors if f.name == "population")
    assert "matches the client" in population.detail
    other = matcher.match(_client(veteran=False, needs=["employment"]))
    assert other.matches[0].service_id == "general"
    lowered = next(m for m in other.matches if m.service_id == "vets")
    assert next(f for f in lowered.factors if f.name == "population").value == MISMATCH


def test_population_targets_and_values() -> None:
    assert service_targets("Veterans Resource Center", "", "", ()) == {"veteran"}
    assert service_targets("Center", "", "", (("AIRS/211 LA", "YN-9000", None),)) == {"veteran"}
    assert service_targets("Center", "Adults 18+; ex-offenders welcome.", "", ()) == frozenset()
    assert "caregiver" in service_targets("Support", "Families of veterans.", "", ())
    has, not_has = client_populations(rm.ClientProfile(age=70, veteran=False, languages=["ASL"]))
    assert {"senior", "deaf_or_hard_of_hearing"} <= has and "veteran" in not_has
    targets = frozenset({"senior"})
    assert population_one(targets, has, not_has, named=targets) == MATCHED
    assert population_one(targets, has, not_has) == MATCHED_UNNAMED
    assert population_one(frozenset(), has, not_has) == NEUTRAL
    assert population_one(frozenset({"pregnant"}), frozenset(), frozenset()) == NOT_KNOWN
    assert population_one(frozenset({"youth"}), frozenset(), frozenset({"youth"})) == MISMATCH


def test_unknown_is_not_zero() -> None:
    # a service listing no language: English assumed; for a Spanish speaker unknown, not zero
    assert language_one(frozenset(), False, frozenset({"en"}), listed=False) == 1.0
    assert 0.0 < language_one(frozenset(), False, frozenset({"es"}), listed=False) < 0.7
    assert language_one(frozenset({"vi"}), False, frozenset({"es"}), listed=True) == 0.0
    # a fee not stated sits between free and fees known to apply
    unknown = cost_one(False, False, False, frozenset(), frozenset())
    assert cost_one(False, False, True, frozenset(), frozenset()) < unknown < 1.0


def test_a_service_without_coordinates_gets_its_zip_centroid_said_so() -> None:
    address = Address(id="ad", location_id="l-s", address_1="1 Main St", city="Sacramento",
                      state_province="CA", postal_code="95814", country="US", address_type="physical")  # fmt: skip
    directory = _directory([
        ("s", "Emergency Shelter", {"_loc": {"latitude": None, "longitude": None,
                                              "addresses": [address]}}),
    ])  # fmt: skip
    result = rm.Matcher(directory).match(_client(needs=["emergency_shelter"]))
    match = result.matches[0]
    assert match.distance_km is not None and match.distance_km < 5
    assert "ZIP centroid" in next(f.detail for f in match.factors if f.name == "distance")


def test_coverage_the_client_lacks_excludes_with_the_reason() -> None:
    directory = _directory([
        ("k", "Counseling Clinic", {"fees_description": "Kaiser members only."}),
        ("i", "Therapy Practice", {"fees_description": "Insurance required."}),
        ("f", "Free Counseling", {"fees_description": "Free."}),
    ])  # fmt: skip
    matcher = rm.Matcher(directory)
    uninsured = matcher.match(_client(insurance=["uninsured"], needs=["therapy"]))
    assert [m.service_id for m in uninsured.matches] == ["f"]
    reasons = {e.service_id: e.reasons for e in uninsured.excluded}
    assert "uninsured" in reasons["i"][0] and "Kaiser" in reasons["k"][0]
    kaiser = matcher.match(_client(insurance=["Kaiser Permanente"], needs=["therapy"]))
    assert "k" in {m.service_id for m in kaiser.matches}


# --------------------------------------------------------------------------- the issue's examples
@pytest.fixture(scope="module")
def sample() -> rm.Matcher:
    return rm.Matcher(rm.load_directory(rm.sample_directory_path()))


def _names(result: rm.MatchResult) -> list[str]:
    return [m.service_name for m in result.matches]


def test_therapy_never_returns_credit_counselling(sample: rm.Matcher) -> None:
    result = sample.match(rm.ClientProfile(location=rm.Place(postal_code="95825"),
                                           needs=["therapy"]), limit=10)  # fmt: skip
    assert result.matches and not any("Credit" in n for n in _names(result))


def test_the_young_mother_gets_the_new_moms_group_in_her_top_3(sample: rm.Matcher) -> None:
    client = rm.ClientProfile(age=23, gender="female", household_size=2, dependents_ages=[2],
                              location=rm.Place(postal_code="95814"), needs=["support_groups"])  # fmt: skip
    assert "New Moms Support Group" in _names(sample.match(client, limit=3))


def test_asl_counselling_comes_first_for_an_asl_client(sample: rm.Matcher) -> None:
    client = rm.ClientProfile(age=40, languages=["ASL"], location=rm.Place(postal_code="95814"),
                              needs=["therapy"])  # fmt: skip
    assert _names(sample.match(client))[0] == "ASL Counseling"


def test_treatment_ranks_above_the_programme_for_families(sample: rm.Matcher) -> None:
    client = rm.ClientProfile(age=30, gender="female", location=rm.Place(postal_code="95814"),
                              needs=["substance_use_treatment"])  # fmt: skip
    names = _names(sample.match(client, limit=20))
    family = next(i for i, n in enumerate(names) if n.startswith("Family Program for Loved Ones"))
    treatment = next(i for i, n in enumerate(names) if "Outpatient" in n or "Treatment" in n)
    assert treatment < family


def test_health_care_for_the_uninsured_is_health_care(sample: rm.Matcher) -> None:
    client = rm.ClientProfile(age=40, insurance=["uninsured"], location=rm.Place(postal_code="95814"),
                              needs=["health_care"])  # fmt: skip
    names = _names(sample.match(client))
    assert names and not {"Medical Ride Connection", "Record Clearance Clinic"} & set(names)


def test_cantonese_is_served_partly_by_chinese_and_not_by_mandarin() -> None:
    from referralmatch.models.directory import Language

    directory = _directory([
        ("zh", "Counseling A", {"languages": [Language(id="la", code="zh")]}),
        ("cmn", "Counseling B", {"languages": [Language(id="lb", code="cmn")]}),
        ("yue", "Counseling C", {"languages": [Language(id="lc", code="yue")]}),
    ])  # fmt: skip
    result = rm.Matcher(directory).match(_client(languages=["Cantonese"], needs=["therapy"]))
    language = {m.service_id: next(f.value for f in m.factors if f.name == "language")
                for m in result.matches}  # fmt: skip
    assert language == {"yue": 1.0, "zh": 0.7, "cmn": 0.0}
    unknown = rm.Matcher(directory).match(_client(languages=["Pashto-ish"], needs=["therapy"]))
    assert all(next(f.value for f in m.factors if f.name == "language") == 1.0
               for m in unknown.matches)  # fmt: skip


def test_to_frame_carries_sensitive_phone_and_hours(sample: rm.Matcher) -> None:
    client = rm.ClientProfile(age=30, location=rm.Place(postal_code="95814"),
                              needs=["food", "therapy"])  # fmt: skip
    frame = sample.match(client).to_frame()
    assert {"sensitive", "phone", "hours"} <= set(frame.columns)
    assert len(set(frame.columns)) == len(frame.columns)
    by_need = frame.groupby("need")["sensitive"].agg(set).to_dict()
    assert by_need == {"food": {False}, "therapy": {True}}  # mental health is sensitive
    assert frame["phone"].notna().any() and frame["hours"].notna().any()


def test_real_ohana_family_visitation_is_not_substance_use_treatment(reference: Path) -> None:
    from referralmatch.io import OHANA

    directory = rm.load_directory(reference / "ohana_smc_sample_csv", mapping=OHANA)
    client = rm.ClientProfile(age=35, location=rm.Place(postal_code="94401"), max_travel_km=40,
                              needs=["substance_use_treatment"])  # fmt: skip
    names = _names(rm.Matcher(directory).match(client))
    assert names and "Family Visitation Center" not in names


def test_real_hsds11_grocery_tax_break_ranks_below_the_meals(reference: Path) -> None:
    directory = rm.load_directory(reference / "openreferral_sample_hsds11")
    client = rm.ClientProfile(age=35, location=rm.Place(postal_code="10001"), max_travel_km=100,
                              needs=["food"])  # fmt: skip
    names = _names(rm.Matcher(directory).match(client))
    assert names.index("Grocery Tax Break Donation") > names.index("The City's Kitchen")


def test_real_linksf_youth_shelters_are_for_the_young(reference: Path) -> None:
    from referralmatch.io.presets import preset

    directory = rm.load_directory(reference / "linksf_2014" / "linksf.json", mapping=preset("linksf"))
    matcher = rm.Matcher(directory)
    here = rm.Place(latitude=37.7793, longitude=-122.4193)
    # "Shelter for Youths 18-24." (in the description only): not for a woman of 30
    woman = rm.ClientProfile(age=30, gender="female", location=here, max_travel_km=4,
                             needs=["emergency_shelter"])  # fmt: skip
    result = matcher.match(woman, limit=10)
    lark = [s.id for s in directory.services.values() if "Youths 18-24" in (s.description or "")]
    assert lark and not {m.service_id for m in result.needs[0].matches} & set(lark)
    assert any(e.service_id in lark and "age" in e.codes for e in result.excluded)
    # a 16-year-old's age makes the youth clinic hers
    girl = rm.ClientProfile(age=16, gender="female", location=here, max_travel_km=4, needs=["health_care"])
    assert "Youth medical clinic" in _names(matcher.match(girl))[:2]


def test_languages_a_note_names_are_spoken_besides_the_directorys_own():
    from referralmatch.matching.facts import service_facts
    from referralmatch.models import Language, Service

    noted = service_facts(Service(id="s", name="Centre", languages=[
        Language(id="l", note="Russian, Yiddish and Hebrew.")]))  # fmt: skip
    assert noted.languages == {"ru", "yi", "he", "en"} and not noted.languages_listed
    coded = service_facts(Service(id="t", name="Centre", languages=[Language(id="l", code="ru")]))
    assert coded.languages == {"ru"} and coded.languages_listed
    line = service_facts(Service(id="u", name="Clinic", languages=[Language(id="l", note="Language Line.")]))
    assert line.interpretation and not line.languages_listed
    # a Russian speaker: 1.0 where a note names Russian; an Arabic speaker: unknown, not a mismatch
    assert language_one(noted.languages, False, frozenset({"ru"}), listed=False) == 1.0
    arabic = language_one(noted.languages, False, frozenset({"ar"}), listed=False)
    assert 0.0 < arabic < 0.7


def test_who_a_caregiver_looks_for_and_who_kinship_care_is_for():
    airs = "AIRS/211 LA"
    assert service_targets("Center", "", "", ((airs, "YJ-2030", None),)) == {"reentry"}
    assert service_targets("Center", "", "", ((airs, "YJ-5500", None),)) == {"caregiver"}
    assert "caregiver" not in service_targets("Twelve Step Group", "", "", ((airs, "YJ-1550", None),))
    kinship = service_targets(
        "Kinship Care Center", "Caregivers (other than parents) and children being raised by caregivers.", "", ()
    )
    assert "parenting" in kinship and "caregiver" not in kinship
    # Open Referral UK target-audience terms (ORUK Bristol) name populations too
    from referralmatch.matching.factors.population import _text_targets

    for audience, key in (("Offenders/Ex Offenders", "reentry"), ("Drug and Alcohol Misuse", "in_recovery"),
                          ("Survivors Of Abuse", "dv_survivor"), ("Sensory Impaired", "disability"),
                          ("Care leavers", "youth"), ("Long Term Health Conditions", "condition")):  # fmt: skip
        assert _text_targets(audience) == {key}, audience
    # "carers", as UK feeds write it (ORUK Bristol: "Virtual Carers Peer Support Group")
    assert service_targets("Virtual Carers Peer Support Group", "", "", ()) == {"caregiver"}
    assert service_targets("Centre", "", "", (), "Monthly support group for carers of people with dementia.") == {"caregiver"}
    # a daughter caring for her mother: services for older adults are for her too (targeting only)
    has, not_has = client_populations(rm.ClientProfile(age=52, household_size=2, situations=["caregiver"]))
    assert {"caregiver", "senior"} <= has and "senior" not in not_has
    assert population_one(frozenset({"senior"}), has, not_has) == MATCHED_UNNAMED
    assert population_one(kinship, has, not_has) == NOT_KNOWN


def test_a_place_to_live_ranks_above_a_shelter_for_housing():
    from referralmatch.matching.factors.relevance import _refined_codes

    winter = ((AIRS, "BH-1800", None), (AIRS, "BH-1800.8500-185", None))
    assert _refined_codes(winter) == {"BH-1800"}
    texts = [
        ServiceText("Program A", "", "", winter),
        ServiceText("Program B", "", "", ((AIRS, "BH-8600", None),)),
        ServiceText("Program C", "", "", ((AIRS, "BH-1800", None),)),
        *_filler(20),
    ]
    winter_fit, transitional, shelter = _relevance(texts, "housing")[:3]
    # an extreme-weather shelter is a bed on cold nights, not a place to live (housing's airs_caps)
    assert transitional > shelter > 0.5 > 0.45 >= winter_fit > 0
    # for a bed tonight, a shelter is the thing: a winter one as much as any
    tonight = _relevance(texts, "emergency_shelter")
    assert tonight[0] == tonight[2] > tonight[1]


def test_an_extreme_weather_shelter_is_capped_for_housing_whatever_its_text_says():
    winter = ((AIRS, "BH-1800", None), (AIRS, "BH-1800.8500-185", None), ("Open Eligibility", "103-01", "Emergency Shelter"))
    text = "Operates a winter emergency shelter for men, women and children, December to March."
    texts = [
        ServiceText("Code Blue Shelter", text, "", winter),
        ServiceText("Code Blue Shelter", text, "", (*winter, (AIRS, "BH-8600", None))),  # also transitional
        ServiceText("Code Blue Shelter", text, "", ()),  # no codes: text alone is not capped
        *_filler(20),
    ]
    capped, transitional, uncoded = _relevance(texts, "housing")[:3]
    assert 0 < capped <= 0.45
    assert transitional > 0.8 and uncoded > capped
    assert _relevance(texts, "emergency_shelter")[0] > 0.9  # still a shelter for tonight


def test_health_care_for_the_homeless_is_health_care_not_housing():
    texts = [
        ServiceText("Health Care for the Homeless", "Provides health-related services.", "", ()),
        ServiceText("Homeless Services Center", "Provides health-related services.", "", ()),
        *_filler(20),
    ]
    clinic, services = _relevance(texts, "housing")[:2]
    assert clinic == 0.0 and services > 0.5


def test_a_funder_of_shelters_is_not_a_shelter():
    code = ((AIRS, "BH-8600", None),)
    texts = [
        ServiceText("Homeless Services", "Provides funding for shelters and transitional housing.", "", code),
        ServiceText("Homeless Services", "Operates shelters and transitional housing.", "", code),
        *_filler(20),
    ]
    funder, provider = _relevance(texts, "housing")[:2]
    assert funder < provider


@pytest.mark.parametrize(
    "description",
    [
        "OVERVIEW: Provides capital and expertise for affordable housing.",
        "Affordable housing development. Works with developers, investors and government.",
        "OVERVIEW: Does not accept housing applications. Provides a list of affordable housing.",
        "Affordable housing fund. DOES NOT PROVIDE DIRECT SERVICES.",
    ],
)
def test_a_housing_funder_or_pointer_is_not_a_housing_provider(description: str) -> None:
    code = ((AIRS, "BH-8300", None),)
    texts = [
        ServiceText("Housing Partners", description, "", code),
        ServiceText("Housing Partners", "OVERVIEW: Provides affordable housing.", "", code),
        *_filler(20),
    ]
    other, provider = _relevance(texts, "housing")[:2]
    assert other < 0.7 < provider


def test_the_bereaved_and_crime_victims_are_a_population_not_carers():
    lost = service_targets("Survivors of Suicide", "Families and friends of persons who have died as a result of suicide.", "", ())
    assert lost == {"condition"}
    assert service_targets("Victim/Witness Unit", "Any victim or witness having to appear in court.", "", ()) == {"condition"}
    assert "condition" in service_targets("Child Loss Center", "Anyone who has lost a child to SIDS.", "", ())
    assert service_targets("Center", "Anyone in need.", "", ()) == frozenset()
    assert service_targets("Support", "Families of veterans.", "", ()) == {"caregiver"}


def test_a_gender_code_among_other_population_codes_is_one_programmes():
    coded = ((AIRS, "YT", None), (AIRS, "YS-5000", None), (AIRS, "YB-9500.0500", None))
    centre = service_targets("LGBT Community Center", "Gay, lesbian, bisexual or transgender persons.", "", coded)
    assert centre == {"lgbtq", "youth"}
    has, not_has = client_populations(rm.ClientProfile(age=17, gender="nonbinary", situations=["lgbtq"]))
    assert population_one(centre, has, not_has) >= MATCHED_UNNAMED
    # a gender the text states, or the only population coded, still counts
    assert "men" in service_targets("Men's Shelter", "", "", ((AIRS, "YS-5000", None), (AIRS, "YV-3000", None)))
    assert service_targets("Shelter", "", "", ((AIRS, "YS-5000", None),)) == {"men"}


def test_a_service_restricted_to_a_community_is_no_match_for_a_client_not_known_to_be_in_it():
    from referralmatch.matching.factors.population import (
        NOT_KNOWN,
        population_factor,
        population_mask,
    )

    lifelines = service_targets("Lifelines", "Native Americans and their families.", "", ((AIRS, "YF-8000", None),))
    clinic = service_targets("Mental Health Clinic", "Persons of Hispanic origin - all ages", "", ())
    assert lifelines == {"native_american", "in_recovery"} and clinic == {"latino"}
    # opened to others as well: no community restriction
    assert service_targets("Centro", "Hispanic and Latino community or anyone in need of services.", "", ()) == set()
    assert not service_targets("Center", "For the Spanish-speaking community, and others for whom English "
                               "is a second language.", "", ())  # fmt: skip
    assert service_targets("Jewish Community Services", "Most services offered to general public.", "", ()) == set()
    seeking = rm.ClientProfile(age=40, languages=["English"], needs=["substance_use_treatment"])
    has, not_has = client_populations(seeking)
    has |= {"in_recovery"}  # what asking for treatment implies
    assert population_one(lifelines, has, not_has) == NOT_KNOWN  # recovery matches, the community may not
    speaker = client_populations(rm.ClientProfile(age=40, languages=["Spanish"]))
    assert population_one(clinic, *speaker) == MATCHED_UNNAMED
    masks = np.array([population_mask(lifelines), population_mask(clinic)], np.uint64)
    for h, n in ((has, not_has), speaker):
        vectorised = population_factor(masks, population_mask(h), population_mask(n)).tolist()
        assert vectorised == [population_one(lifelines, h, n), population_one(clinic, h, n)]


def test_a_service_for_the_poor_fits_less_than_one_for_the_clients_own_situation():
    from referralmatch.matching.factors.population import (
        MATCHED_BROAD,
        population_factor,
        population_mask,
    )

    has, not_has = client_populations(rm.ClientProfile(age=22, situations=["pregnant", "low_income"]))
    poor, pregnant = frozenset({"low_income"}), frozenset({"pregnant", "low_income"})
    assert NEUTRAL < population_one(poor, has, not_has) == MATCHED_BROAD < population_one(pregnant, has, not_has)
    masks = np.array([population_mask(poor), population_mask(pregnant)], np.uint64)
    vectorised = population_factor(masks, population_mask(has), population_mask(not_has)).tolist()
    assert vectorised == [population_one(poor, has, not_has), population_one(pregnant, has, not_has)]


def test_a_pediatric_programme_is_for_the_young():
    assert "youth" in service_targets("Pediatric AIDS Program", "", "", ())


def test_an_urgent_housing_need_is_met_by_a_bed_tonight_in_full():
    from referralmatch.matching.candidates import need_categories

    assert need_categories(rm.Need("housing"), CATS) == [("housing", 1.0)]
    urgent = need_categories(rm.Need("housing", urgency="urgent"), CATS)
    assert urgent == [("housing", 1.0), ("emergency_shelter", 1.0)]
    texts = [ServiceText("Night Shelter", "", "", ((AIRS, "BH-1800", None),)), *_filler(20)]
    # routine: a shelter bed is less of a place to live; tonight it is the thing
    assert _relevance(texts, "housing")[0] < _relevance(texts, "emergency_shelter")[0]


def test_who_a_service_is_for_weighs_more_when_the_clients_situation_is_known():
    from referralmatch.matching.factors.population import situation_known

    config = rm.MatchConfig()
    assert config.weights(situation_known=True)["population"] > config.weights()["population"]
    assert situation_known(rm.ClientProfile(situations=["pregnant", "low_income"]))
    assert not situation_known(rm.ClientProfile(situations=["low_income"]))
    assert situation_known(rm.ClientProfile(age=70))  # 60 or older settles "senior"
    # an LGBT client's list leads with the LGBT centre over a general group of the same fit
    assert "lgbtq" in service_targets("Center", "", "", ((AIRS, "YT", None),))


def test_a_service_that_only_mentions_the_need_is_marked_a_weak_fit():
    cfg = rm.MatchConfig()
    org = Organization(id="o", name="Org")
    loc = Location(id="l", organization_id="o", name="Site", latitude=HERE[0], longitude=HERE[1])
    services = [
        Service(id="pantry", organization_id="o", name="Food Pantry", description="Groceries weekly."),
        Service(id="centre", organization_id="o", name="Family Centre", description="A food pantry and a clothing closet."),
    ]
    sal = [ServiceAtLocation(id=f"sal-{s.id}", service_id=s.id, location_id="l") for s in services]
    directory = rm.Directory(organizations=[org], services=services, locations=[loc], service_at_locations=sal)
    client = rm.ClientProfile(location=rm.Place(latitude=HERE[0], longitude=HERE[1]), needs=["food"])
    matches = {m.service_id: m for m in rm.Matcher(directory, config=cfg).match(client).matches}
    assert not matches["pantry"].weak_fit and "[weak fit]" not in matches["pantry"].explain()
    centre = matches["centre"]  # ranked (above min_need_fit), but marked
    assert centre.weak_fit and "[weak fit]" in centre.explain()
    assert centre.factor("need_fit").value < cfg.strong_need_fit <= matches["pantry"].factor("need_fit").value


def test_nutrition_education_is_not_food_help():
    texts = [ServiceText("Extension Office", "Nutrition education classes for families.", "", ()), *_filler(20)]
    assert _relevance(texts, "food")[0] < 0.4


def test_a_client_outside_every_situation_a_name_gives_is_a_mismatch():
    from referralmatch.matching.factors.population import (
        NAMED_SHIFT,
        population_factor,
        population_mask,
    )

    has, not_has = client_populations(rm.ClientProfile(age=45, situations=["serious_mental_illness"]))
    geriatric = service_targets("Geriatric Psychiatry", "", "", ((AIRS, "YF-5000", None),))
    assert geriatric == {"senior", "serious_mental_illness"}
    named = service_targets("Geriatric Psychiatry", "", "", ())
    assert population_one(geriatric, has, not_has, named) == MISMATCH
    # WIC is for the pregnant *or* parents: a pregnant woman with no children is not outside it
    wic = service_targets("WIC Clinic", "", "", ())
    mother_to_be = client_populations(rm.ClientProfile(age=22, household_size=1, situations=["pregnant"]))
    assert population_one(wic, *mother_to_be, wic) == MATCHED
    wide = np.array([population_mask(geriatric) | population_mask(named) << NAMED_SHIFT], np.uint64)
    assert population_factor(wide, population_mask(has), population_mask(not_has)).tolist() == [MISMATCH]


def test_a_broad_match_is_explained_as_a_match_most_services_share():
    from referralmatch.matching.explain import population_text
    from referralmatch.matching.factors.population import MATCHED_BROAD

    text = population_text(frozenset({"low_income"}), frozenset({"low_income"}), MATCHED_BROAD)
    assert text.startswith("aimed at") and "matches the client" in text and "not known" not in text


def test_open_eligibility_situation_terms_as_211_exports_write_them() -> None:
    oe = "Open Eligibility"
    terms = {"Domestic Violence Survivors": "dv_survivor", "HIV/AIDS": "hiv", "Pregnancy": "pregnant",
             "Families with Children": "parenting", "Alcohol Use Disorder": "in_recovery"}  # fmt: skip
    for term, key in terms.items():
        assert service_targets("Center", "", "", ((oe, "129-09", term),)) == {key}, term


def test_eviction_prevention_assistance_is_rent_help_not_legal_aid():
    fund = ((AIRS, "FT-4500.1800", None),)  # emergency money towards an eviction
    tenant_law = ((AIRS, "FT-4500", None),)  # landlord/tenant legal assistance
    texts = [ServiceText("Church", "", "", fund), ServiceText("Law Office", "", "", tenant_law), *_filler(20)]
    rent = _relevance(texts, "rental_assistance")
    legal = _relevance(texts, "legal")
    assert rent[0] >= 0.8 > legal[0] and legal[0] <= 0.3
    assert legal[1] >= 0.9 and rent[1] == 0.0


def test_eligibility_text_keeps_its_population_among_many_target_codes():
    # nine target codes alone say "everyone"; an eligibility text that restricts says whom
    coded = tuple((AIRS, c, None) for c in ("YF-5000", "YV-3000", "YB-9500.0500", "YP-3500", "YK-2000",
                                           "YN-9000", "YB-8000"))  # fmt: skip
    assert service_targets("North Center", "", "", coded) == frozenset()
    assert service_targets("North Center", "Persons with chronic mental illness.", "", coded) == {
        "serious_mental_illness"
    }


def test_eligibility_for_people_with_mental_health_problems_targets_those_seeking_therapy():
    for text in ("Persons with mental health issues. See notes.", "Anyone in need of mental health services. All ages.",
                 "Individuals suffering from a serious psychiatric disorder.",
                 "Children, ages 5-12 with emotional disabilities."):  # fmt: skip
        assert "serious_mental_illness" in service_targets("Center", text, "", ()), text
    has, not_has = client_populations(rm.ClientProfile(age=40, situations=["serious_mental_illness"]))
    clinic = service_targets("Center", "Persons with mental health issues.", "", ())
    assert population_one(clinic, has, not_has) == MATCHED_UNNAMED
    assert service_targets("Center", "Victims of physical, sexual, and/or emotional abuse.", "", ()) != {
        "serious_mental_illness"
    }


def test_one_programme_for_organisations_does_not_make_an_agency_a_service_for_organisations():
    code = ((AIRS, "RF-3300", None),)
    plain = "SERVICES: 1) COUNSELING: Offers individual and family counseling."
    texts = [
        ServiceText("Family Services", plain + " 2) TRAINING: Provides training to professionals.", "", code),
        ServiceText("Family Services", "Offers counseling for individuals and EAPs for businesses.", "", code),
        ServiceText("Action Center", "SERVICES: 1) Provides referrals to local agencies for counseling.", "", code),
        ServiceText("Family Services", plain, "", code),
        ServiceText("Consultants", "Provides training to agencies in counseling techniques.", "", code),
        *_filler(20),
    ]
    training, eap, referrals, agency, consultants = _relevance(texts, "therapy")[:5]
    assert training == pytest.approx(agency) and eap == pytest.approx(agency, abs=0.05)
    assert referrals > 0.6 * agency and consultants < 0.7 * agency


def test_asking_for_substance_use_treatment_settles_recovery_for_every_need():
    seeking = rm.ClientProfile(age=60, needs=["substance_use_treatment", "support_groups"])
    has, not_has = client_populations(seeking)
    assert "in_recovery" in has
    recovery_group = service_targets("Recovery Group", "Persons in recovery.", "", ())
    assert population_one(recovery_group, has, not_has) == MATCHED_UNNAMED
    # asking for counselling says nothing about a serious mental illness
    has, _ = client_populations(rm.ClientProfile(age=60, needs=["therapy", "support_groups"]))
    assert "in_recovery" not in has and "serious_mental_illness" not in has


def test_an_open_eligibility_population_term_is_who_a_service_is_for_not_what_it_does():
    oe = "Open Eligibility"
    texts = [
        ServiceText("Advocacy League", "Advocacy and education.", "", ((oe, "121-12", "Mental Illness"),)),
        ServiceText("Advocacy League", "Advocacy and education.", "", ((oe, "106-09-01", "Counseling"),)),
        *_filler(20),
    ]
    population, counseling = _relevance(texts, "therapy")[:2]
    assert population == 0.0 and counseling > 0.5


def test_a_substance_use_programme_is_not_mental_health_counselling():
    texts = [
        ServiceText("Programme", "Outpatient services.", "", ((AIRS, "RX-8450.8000", None),)),
        ServiceText("Programme", "Outpatient services.", "", ((AIRS, "RF-3300", None),)),
        *_filler(20),
    ]
    addiction, counselling = _relevance(texts, "therapy")[:2]
    assert addiction < 0.5 < counselling
    assert _relevance(texts, "substance_use_treatment")[0] >= 0.75


def test_asking_for_counselling_does_not_say_the_client_has_a_serious_mental_illness():
    from referralmatch.matching.factors.population import need_populations

    assert "serious_mental_illness" not in need_populations("therapy", CATS)
    assert "serious_mental_illness" in need_populations("psychiatry", CATS)
    rehab = service_targets("Psychiatric Rehabilitation", "Chronically mentally ill adults.", "", ())
    has, not_has = client_populations(rm.ClientProfile(age=66, needs=["therapy"]))
    assert population_one(rehab, has | need_populations("therapy", CATS), not_has) == NOT_KNOWN


def test_an_age_group_listed_with_adults_is_a_range_not_a_restriction() -> None:
    for text in ("Adolescents and adults.", "Adults & adolescents", "Teens and adults", "Adults and seniors 60+"):
        assert service_targets("Counseling Center", text, "", ()) == frozenset(), text
    assert service_targets("Counseling Center", "Youth ages 12-17", "", ()) == {"youth"}


def test_a_public_school_system_is_aimed_at_students() -> None:
    # public schools (AIRS HD-8000) serve students by their nature, with no Y code saying so;
    # other service codes (adult basic education) give no population
    school = (("AIRS/211 LA", "HD-8000", "Public Schools"), ("AIRS/211 LA", "HH-0500.0500", None))
    assert service_targets("County Public Schools", "See notes.", "", school) == {"student"}
    assert service_targets("Adult Learning", "", "", school[1:]) == frozenset()
    has, not_has = client_populations(rm.ClientProfile(age=15, situations=["student"]))
    assert population_one(service_targets("County Public Schools", "", "", school), has, not_has) == MATCHED_UNNAMED


def test_an_english_class_is_no_language_barrier_for_a_speaker_of_another_language():
    from referralmatch.matching.factors.access import language_factor
    from referralmatch.matching.facts import service_facts
    from referralmatch.models import Service

    esl = service_facts(Service(id="e", name="Adult Learning Center",
                                description="ESL classes are offered every day."))  # fmt: skip
    literacy = service_facts(Service(id="r", name="Reads", description="Adult reading and GED classes."))
    assert esl.teaches_english and not literacy.teaches_english
    arabic = frozenset({"ar"})
    assert language_one(esl.languages, esl.interpretation, arabic, listed=esl.languages_listed,
                        teaches_english=esl.teaches_english) == 1.0  # fmt: skip
    assert language_one(literacy.languages, False, arabic, listed=literacy.languages_listed) < 0.5
    vectorised = language_factor(np.array([1, 1], np.uint64), np.array([False, False]), np.array([False, False]),
                                 0, True, 0, np.array([True, False]))  # fmt: skip
    assert vectorised.tolist() == [1.0, 0.4]


def test_a_service_that_opens_by_saying_it_refers_people_on_is_a_step_removed():
    from referralmatch.needs.categories import NeedCategories

    code = (("AIRS/211 LA", "HH-0500.8000-150", "English as a Second Language"),)
    texts = [
        ServiceText("New Americans Office", "OVERVIEW: Provides information and referral for English as a "
                    "Second Language classes and job counseling.", "", code),
        ServiceText("Learning Centre", "OVERVIEW: Offers English as a Second Language classes and job "
                    "counseling.", "", code),
    ]  # fmt: skip
    table = relevance_table(texts, NeedCategories.default())
    edu = {row: r for row, c, r, _ in table.rows() if c == "education"}
    assert edu[0] == pytest.approx(0.7 * edu[1], abs=0.01) and edu[1] >= 0.9


def test_a_service_open_to_anyone_is_not_held_against_a_client_by_its_population_codes():
    from referralmatch.matching.factors.population import (
        OPEN_TO_ALL,
        population_factor,
        population_mask,
    )

    vets = (("AIRS/211 LA", "YN-9000", "Veterans"), ("AIRS/211 LA", "ND-3500", None))
    open_ = service_targets("Workforce Exchange", "Open to anyone.", "", vets)
    assert open_ == {"veteran", OPEN_TO_ALL}
    assert service_targets("Workforce Exchange", "See notes.", "", vets) == {"veteran"}
    civilian = client_populations(rm.ClientProfile(veteran=False))
    assert population_one(frozenset({"veteran"}), *civilian) == MISMATCH
    assert population_one(open_, *civilian) == NEUTRAL  # one of its programmes is for veterans
    veteran = client_populations(rm.ClientProfile(veteran=True))
    assert population_one(open_, *veteran) == MATCHED_UNNAMED  # a match still counts
    masks = np.array([population_mask(open_), population_mask(["veteran"])], np.uint64)
    has, not_has = population_mask(civilian[0]), population_mask(civilian[1])
    assert population_factor(masks, has, not_has).tolist() == [NEUTRAL, MISMATCH]


def test_an_age_band_within_youth_makes_a_youth_programme():
    # "Ages 16-24" (Job Corps) names no population word, but its ages are a young person's
    job_corps = service_targets("Job Corps Admissions", "Ages 16-24, who have been out of school.", "", ())
    assert job_corps == {"youth"}
    assert service_targets("Head Start", "Children ages 3-5.", "", ()) == frozenset()  # a child's ages
    assert service_targets("Job Centre", "Ages 18 and older.", "", ()) == frozenset()
    has, not_has = client_populations(rm.ClientProfile(age=19))
    assert population_one(job_corps, has, not_has) == MATCHED_UNNAMED


def test_home_delivered_meals_are_a_weak_food_fit_unless_the_client_is_senior_or_disabled() -> None:
    from referralmatch.matching.candidates import need_categories

    meals = ServiceText("Meals On Wheels", "Delivers a hot dinner.", "", ((AIRS, "BD-5000.3500", None),))
    pantry = ServiceText("Pantry", "Groceries.", "", ((AIRS, "BD-1800.2000", None),))
    texts = [meals, pantry, *_filler(20)]
    food, delivered = _relevance(texts, "food"), _relevance(texts, "home_delivered_meals")
    strong = rm.MatchConfig().strong_need_fit
    assert food[0] < strong <= food[1] and delivered[0] >= 0.9  # name text ('Meals') is capped too
    assert need_categories(rm.Need("food"), CATS) == [("food", 1.0)]
    assert need_categories(rm.Need("food"), CATS, {"disability"}) == [
        ("food", 1.0), ("home_delivered_meals", 1.0)
    ]
    directory = _directory([
        ("mow", "Meals On Wheels", {"eligibility_description": "Homebound persons of all ages.",
                                    "_attrs": [("taxonomy", None, "BD-5000.3500")]}),
    ])  # fmt: skip
    matcher = rm.Matcher(directory)
    weak = {m.service_id: m.weak_fit for m in matcher.match(_client(age=52, needs=["food"])).matches}
    senior = {m.service_id: m.weak_fit for m in matcher.match(_client(age=70, needs=["food"])).matches}
    assert weak == {"mow": True} and senior == {"mow": False}


def test_a_reentry_job_programme_is_not_legal_help_by_its_name():
    # re-entry is who a programme serves (people leaving prison), not a legal service
    texts = [
        ServiceText("Jericho Re-Entry", "Job training and placement for men recently released.", "", ()),
        ServiceText("Reentry Works", "Employment services for ex-offenders.", "", ()),
        ServiceText("Record Clearing Clinic", "Expungement and legal advice with a criminal record.", "", ()),
        *_filler(40),
    ]
    legal = _relevance(texts, "legal")
    assert legal[0] < 0.5 and legal[1] < 0.5
    assert legal[2] >= 0.8


def test_a_word_inside_a_negative_phrase_is_not_evidence_through_an_overlapping_phrase():
    # "credit counseling" is not therapy, so neither is the "counseling service" it overlaps
    texts = [
        ServiceText("Consumer Credit Counseling Service", "Debt management and budgeting.", "", ()),
        ServiceText("Family Counseling Service", "Counseling for individuals and families.", "", ()),
        *_filler(40),
    ]
    therapy = _relevance(texts, "therapy")
    assert therapy[0] < 0.2 <= 0.8 <= therapy[1]
    assert _relevance(texts, "financial")[0] >= 0.8


def test_unemployment_insurance_is_financial_help():
    # AIRS NS-9000: temporary wage replacement for people out of work
    ui = ((AIRS, "NS-9000", "Unemployment Insurance"),)
    texts = [ServiceText("Dept. of Labor, Claims Division", "Files claims.", "", ui), *_filler(40)]
    assert _relevance(texts, "financial")[0] >= 0.9


def test_an_open_eligibility_term_beside_codes_about_another_need_counts_at_a_discount():
    # a real drug and alcohol programme: AIRS codes all substance use, the OE term "Counseling"
    oe = "Open Eligibility (Baltimore CHARMcare categories)"
    counseling = (oe, "106-09-01", "Counseling")
    texts = [
        ServiceText("Program A", "Open weekdays.", "", ((AIRS, "RX-8450.8000", None), counseling)),
        ServiceText("Program B", "Open weekdays.", "", ((AIRS, "RF-3300", None), counseling)),
        ServiceText("Program C", "Open weekdays.", "", (counseling,)),
        *_filler(40),
    ]
    therapy = _relevance(texts, "therapy")
    assert therapy[0] < 0.6 <= 0.75 <= min(therapy[1], therapy[2])
    assert _relevance(texts, "substance_use_treatment")[0] >= 0.75


def test_a_programme_for_survivors_of_torture_is_aimed_at_refugees():
    # torture-treatment programmes serve refugees and asylum seekers, not the general public
    targets = service_targets("Advocates for Survivors of Trauma", "Survivors of torture and war trauma.", "", ())
    assert targets == {"refugee"}
    has, not_has = client_populations(rm.ClientProfile(age=48, situations=["caregiver"]))
    assert population_one(targets, has, not_has) == NOT_KNOWN


def test_a_provider_coded_for_several_programmes_populations_is_never_below_neutral():
    # a health centre coded Pregnant Women, Older Adults and Mental Illness for its prenatal,
    # geriatric and psychiatric clinics serves the public; its codes say whom programmes serve
    from referralmatch.matching.factors.population import OPEN_TO_ALL

    codes = (
        ("AIRS/211 LA", "YK-6500.6600", "Pregnant Women"),
        ("AIRS/211 LA", "YB-8000", "Older Adults"),
        ("AIRS/211 LA", "YF-5000", "Mental Illness/Emotional Disabilities"),
        ("AIRS/211 LA", "L", "Health Care"),
    )
    centre = service_targets("Community Health Center", "", "", codes)
    assert OPEN_TO_ALL in centre and "pregnant" in centre
    has, not_has = client_populations(rm.ClientProfile(age=45, gender="male"))
    assert population_one(centre, has, not_has) == NEUTRAL  # not 0.1 (a man of 45 is none of them)
    expecting = client_populations(rm.ClientProfile(age=22, gender="female", situations=["pregnant"]))
    assert population_one(centre, *expecting) == MATCHED_UNNAMED  # a match still counts
    # two codes are a service aimed at them; a name that says whom it serves keeps its mismatch
    assert OPEN_TO_ALL not in service_targets("Community Health Center", "", "", codes[1:])
    geriatric = service_targets("Geriatric Center", "", "", codes)
    assert OPEN_TO_ALL not in geriatric
    assert population_one(geriatric, has, not_has, named=frozenset({"senior"})) == MISMATCH


def test_an_hiv_clinic_serves_people_living_with_hiv_and_is_one_programme_of_a_health_centre():
    # AIRS LT-1750.0500 (AIDS/HIV Clinics) serves people with HIV by its nature; listed with the
    # general health care code it refines (L), it is one programme of a clinic for everyone
    from referralmatch.matching.factors.population import OPEN_TO_ALL

    clinic = (("AIRS/211 LA", "LT-1750.0500", "AIDS/HIV Clinics"),)
    assert service_targets("Virology Clinic", "See notes.", "", clinic) == {"hiv"}
    centre = service_targets("Health Center", "Persons ages 18 years and older.", "", (*clinic, ("AIRS/211 LA", "L", None)))
    assert centre == {"hiv", OPEN_TO_ALL}
    hiv = client_populations(rm.ClientProfile(age=45, situations=["hiv"]))
    other = client_populations(rm.ClientProfile(age=74, gender="female"))
    assert population_one(centre, *hiv) == MATCHED_UNNAMED
    assert population_one(centre, *other) == NEUTRAL  # not 0.3: its HIV clinic is one programme


def test_an_hiv_testing_or_prevention_programme_is_not_aimed_at_people_living_with_hiv():
    # testing and prevention serve people at risk; care and drug assistance serve people with HIV
    assert service_targets("Health Dept., HIV/STD Prevention Program", "", "", ()) == frozenset()
    assert service_targets("Hospital, HIV Testing and Counseling", "", "", ()) == frozenset()
    assert service_targets("Clinic", "Testing for HIV/STDs is open to anyone.", "", ()) == frozenset()
    assert service_targets("HIV Primary Care", "Adults living with HIV/AIDS.", "", ()) == {"hiv"}


def test_health_supportive_services_are_capped_below_health_care_providers() -> None:
    # AIRS LH (health supportive services: insurance, referrals, health education, equipment)
    # supports care without providing it: a service whose every health-care code is one is capped
    # for health_care (insurance coverage and enrolment, LH-3000, lower still); paying for care
    # (LH-5100 medical expense assistance) is part of the need and is not capped
    oe = ("Open Eligibility", "106", "Health")
    insurance, education, referral = ((AIRS, c, None) for c in ("LH-3000", "LH-2700", "LH-2600"))
    texts = [
        ServiceText("Medical Assistance", "Health insurance; medical care.", "", (insurance, oe)),
        ServiceText("Adolescent Clinic", "Simple health care.", "", (education, referral, oe)),
        ServiceText("Expense Fund", "Pays medical bills.", "", ((AIRS, "LH-5100", None), oe)),
        ServiceText("Health Center", "Primary care.", "", ((AIRS, "LN", None), education, oe)),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] <= 0.6 < health[1] <= 0.7
    assert health[2] > 0.7
    assert health[3] >= 0.9  # a provider also coded for health education is not capped


def test_independent_living_skills_instruction_is_not_health_care_whatever_the_name() -> None:
    # AIRS LR-3200 teaches daily-living skills (cooking, budgeting); an agency named
    # "... Healthcare" whose only health-care code it is, is capped for health_care
    skills = (AIRS, "LR-3200", "Independent Living Skills Instruction")
    counselling = (AIRS, "RF-3300", "Individual Counseling")
    clinic = (AIRS, "LN", None)
    texts = [
        ServiceText("Global Healthcare Services", "Counseling.", "", (skills, counselling)),
        ServiceText("Healthcare Services", "Counseling.", "", (skills, counselling, clinic)),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] <= 0.5 < 0.75 <= health[1]


def test_home_health_care_counts_in_full_as_health_care() -> None:
    # AIRS LT-2800 (home health care: skilled nursing and therapy at home) is medical care
    # delivered at home, as much health care as a clinic, for a client who cannot get to one
    oe = ("Open Eligibility", "106", "Health")
    home = (AIRS, "LT-2800", "Home Health Care")
    management = (AIRS, "PH-1000", "Case/Care Management")
    texts = [
        ServiceText("Agency A", "Visits.", "", (home, management, oe)),
        ServiceText("Agency B", "Visits.", "", ((AIRS, "LN", None), management, oe)),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] >= health[1] - 0.01


def test_a_womens_health_centre_is_specialty_care_below_a_general_clinic() -> None:
    # AIRS LN-9500 (Women's Health Centers) is an outpatient facility for one part of health
    # care (gynaecology, family planning), as specialty medicine (LV) is; the general outpatient
    # facility (LN) counts in full
    oe = ("Open Eligibility", "106", "Health")
    other = (AIRS, "ND-9200", "Volunteer Service Programs")
    texts = [
        ServiceText("Agency A", "Visits.", "", ((AIRS, "LN-9500", "Women's Health"), other, oe)),
        ServiceText("Agency B", "Visits.", "", ((AIRS, "LN-1500", "Community Clinics"), other, oe)),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] < health[1] - 0.05


def test_an_open_eligibility_housing_legal_term_is_legal_help_not_housing() -> None:
    # a real homeless legal-representation project: its OE term "Housing Legal" (under Legal)
    # names the subject of the legal help; it is not a place to live
    oe = "Open Eligibility"
    legal = ((AIRS, "FP-4500", None), (AIRS, "FT-4500", "Landlord/Tenant Assistance"),
             (oe, "111-01-09", "Housing Legal"))  # fmt: skip
    shelter = ((AIRS, "BH-8600", None), (oe, "103-09", "Short-Term Housing"))
    texts = [ServiceText("Representation Project", "Free civil legal representation.", "", legal),
             ServiceText("Transitional House", "Beds for homeless men.", "", shelter),
             *_filler(20)]  # fmt: skip
    rel = {(s, c): r for s, c, r, _ in relevance_table(texts, CATS).rows()}
    assert rel.get((0, "housing"), 0.0) == 0.0  # the term alone is no housing evidence (was 0.36)
    assert rel[(1, "housing")] >= 0.8
    assert rel[(0, "legal")] >= 0.8


def test_a_treatment_programme_named_for_people_in_recovery_is_no_support_group():
    # "in recovery" says who (people recovering from substance use), not that a service is a
    # mutual-help group: a treatment programme named "Partners in Recovery" is not a support group
    texts = [
        ServiceText(
            "Partners in Recovery",
            "Ambulatory detoxification and intensive outpatient treatment.",
            "",
            (),
        ),
        ServiceText("Narcotics Anonymous", "NA meetings every evening.", "", ()),
    ]
    clinic, meetings = _relevance(texts, "support_groups")
    assert clinic < 0.3
    assert meetings > 0.8


def test_mental_illness_names_whom_a_service_serves_not_that_it_is_therapy():
    # "mental illness" is a population (who), not a service: an advocacy alliance named for it is
    # no therapy provider, while a client who writes it still asks for therapy
    from referralmatch.needs.classify import match_need_text

    texts = [
        ServiceText("National Alliance on Mental Illness", "Advocacy and education.", "", ()),
        ServiceText("Counseling Center", "Individual therapy for adults.", "", ()),
        *_filler(20),
    ]
    alliance, clinic, *_ = _relevance(texts, "therapy")
    assert alliance < 0.3 < 0.6 < clinic
    assert match_need_text("help with my serious mental illness", CATS)[0][0] == "therapy"


def test_a_population_the_eligibility_text_names_inclusively_or_excludes_is_no_coded_target():
    # "including senior citizens": seniors are welcome, not required, whatever the Older Adults code says
    seniors = (("AIRS/211 LA", "YB-8000", "Older Adults"),)
    text = "Low-income, individual/families, including senior citizens."
    legal = service_targets("Legal Aid", text, "", seniors)
    assert legal == service_targets("Legal Aid", text, "", ()) == {"low_income"}
    offenders = (("AIRS/211 LA", "YP", None),)
    anyone = "Any community resident, including ex-offenders."
    assert service_targets("Jobs", anyone, "", offenders) == frozenset()
    # a population the text excludes is no target either
    pantry = "Families in need with a kitchen (cannot help the homeless) below 150% of the poverty level."
    assert "homeless" not in service_targets("Church Pantry", pantry, "", ())
    # a plain "and" still joins restrictions, and a code the text does not soften stays
    homeless = (("AIRS/211 LA", "YV-3000", "Homeless People"),)
    joined = "Low-income and homeless persons."
    assert "homeless" in service_targets("Shelter", joined, "", homeless)
    assert "senior" in service_targets("Legal Aid", "Low-income persons.", "", seniors)


def test_coded_populations_a_text_naming_only_low_income_leaves_out_are_some_programmes():
    # "Low income." says whom the service is for; its Older Adults code is one programme's: a
    # senior still matches, a 19-year-old is not pushed below neutral
    from referralmatch.matching.factors.population import OPEN_TO_ALL

    codes = (("AIRS/211 LA", "YL-3300.4500", None), ("AIRS/211 LA", "YB-8000", "Older Adults"))
    housing = service_targets("Housing Aid Center", "Low income.", "", codes)
    assert OPEN_TO_ALL in housing and "senior" in housing
    young = client_populations(rm.ClientProfile(age=19, gender="male"))
    old = client_populations(rm.ClientProfile(age=70, gender="female"))
    assert population_one(housing, *young) == NEUTRAL
    assert population_one(housing, *old) == MATCHED_UNNAMED
    # a text naming a specific population, or none, keeps the codes' targets
    assert OPEN_TO_ALL not in service_targets("Housing", "Homeless persons.", "", codes)
    assert OPEN_TO_ALL not in service_targets("Housing Aid Center", "Ages 18 and older.", "", codes)


def test_a_condition_code_beside_a_families_of_code_describes_the_relatives():
    # Al-Anon: Alcohol Use Disorder beside Families/Friends of Individuals With an Alcohol Use
    # Disorder is for the relatives, not the person asking for treatment
    alanon = (
        ("AIRS/211 LA", "YF-8000.0500", None),
        ("AIRS/211 LA", "YJ-4840", "Families/Friends of Individuals With an Alcohol Use Disorder"),
        ("AIRS/211 LA", "PN-8100.0500", "Addictions/Substance Use Disorder Support Groups"),
    )
    group = service_targets("Family Groups", "Persons ages 12 and older.", "", alanon)
    assert group == {"caregiver"}
    drinker = client_populations(
        rm.ClientProfile(age=60, gender="male", needs=["substance_use_treatment"])
    )
    assert population_one(group, *drinker) == NOT_KNOWN
    # a treatment programme that also serves families is aimed at both
    clinic = (*alanon[:2], ("AIRS/211 LA", "RX-8450.8000", "Substance Use Disorder Counseling"))
    treatment = service_targets("Treatment Center", "Ages 18 and older.", "", clinic)
    assert {"in_recovery", "caregiver"} <= treatment
    assert population_one(treatment, *drinker) == MATCHED_UNNAMED
    # and a text naming the person keeps them
    text = "Adults with substance use disorders."
    assert "in_recovery" in service_targets("Recovery Group", text, "", alanon)


def test_an_offer_for_every_language_reaches_any_spoken_language_and_one_for_named_or_sign_only_those():
    from referralmatch.io.normalize import read_interpretation
    from referralmatch.matching.facts import service_facts
    from referralmatch.models import Language, Service

    def facts(note: str):
        return service_facts(Service(id="s", name="Office", languages=[Language(id="l", note=note)]))  # fmt: skip

    arabic = frozenset({"ar"})
    for note in ("All languages", "Language Bank available.", "Spanish, French and others.",
                 "Spanish. Interpreter line for other languages.", "Can interpret 14 different languages."):  # fmt: skip
        f = facts(note)
        assert f.interpretation, note
        assert language_one(f.languages, f.interpretation, arabic, listed=f.languages_listed) == 0.7
    for note in ("Sign language interpreter available.", "Special arrangements for hearing impaired.",
                 "Spanish interpreters available.", "Interpreter service for Spanish, French."):  # fmt: skip
        f = facts(note)
        assert not f.interpretation, note
        assert language_one(f.languages, f.interpretation, arabic, listed=f.languages_listed) == 0.4
    assert facts("Special arrangements for hearing impaired.").languages >= {"ase"}
    assert facts("Interpreter service for Spanish, French.").languages >= {"es", "fr"}
    # an offer beside a named language, or for clients not speaking English, is for anyone
    assert read_interpretation("American Sign Language or Interpreter available.")[0]
    assert read_interpretation("Spanish and other accommodations are possible.")[0]
    assert read_interpretation("Can obtain interpreter for non English speaking clients.")[0]
    assert not read_interpretation("Brochures in many languages.")[0]
    # an interpretation_services text offering one language adds it, and reaches no other
    spanish_only = service_facts(
        Service(id="t", name="Clinic", interpretation_services="Spanish interpreter on Tuesdays")
    )
    assert not spanish_only.interpretation and "es" in spanish_only.languages
    yes = service_facts(Service(id="u", name="Clinic", interpretation_services="Yes"))
    assert yes.interpretation


def test_a_service_that_is_only_a_health_condition_support_group_targets_condition():
    # a polio group: no condition pattern names polio, but its only service code is Health/
    # Disability Related Support Groups, so it is for people with a condition
    codes = (("AIRS/211 LA", "PN-8100.3000", "Health/Disability Related Support Groups"),)
    text = "Individuals who have had polio and/or family members of those who have had polio."
    group = service_targets("Polio Support Group", text, "", codes)
    assert "condition" in group
    senior = client_populations(rm.ClientProfile(age=66, gender="female"))
    assert population_one(group, *senior) == NOT_KNOWN
    # a hospital listing such a group among its programmes is not aimed at a condition
    hospital = (*codes, ("AIRS/211 LA", "LL-3000", "Hospitals"))
    assert "condition" not in service_targets("Memorial Hospital", "Ages 18 and older.", "", hospital)


def test_gambling_is_no_substance_use():
    elig = "Addicted gamblers, or those with a friend or family member who is an addicted gambler."
    group = service_targets("Gamblers Anonymous", elig, "", ())
    assert "in_recovery" not in group and "condition" in group
    coded = (("AIRS/211 LA", "YZ-2450", "Gambling Issues"),)
    assert service_targets("Mutual Support", "", "", coded) == {"condition"}
    assert "condition" in service_targets("Help Line", "People with a gambling addiction.", "", ())
    drinker = client_populations(rm.ClientProfile(age=40, needs=["substance_use_treatment"]))
    assert population_one(group, *drinker) == NOT_KNOWN
    # a drug addiction is still substance use
    assert "in_recovery" in service_targets("Center", "Persons with drug addictions.", "", ())


def test_a_general_health_providers_condition_codes_are_its_clinics():
    # a health centre coded Health Care with a Diabetes target code runs a diabetes clinic; it
    # is not aimed at people with diabetes (0.3 for a client who did not say so)
    codes = (
        ("AIRS/211 LA", "L", "Health Care"),
        ("AIRS/211 LA", "YF-3000.2440", "Diabetes"),
        ("AIRS/211 LA", "RF-3300", "Individual Counseling"),
    )
    centre = service_targets("Health Services, County Office", "Varies. See notes.", "", codes)
    assert "condition" not in centre
    client = client_populations(rm.ClientProfile(age=66, gender="female"))
    assert population_one(centre, *client) == NEUTRAL
    # a name or eligibility text naming the condition keeps it
    assert "condition" in service_targets("Diabetes Center", "", "", codes)
    assert "condition" in service_targets("Clinic", "Persons with diabetes.", "", codes)
    # without a general health care code the condition code stays a target
    assert "condition" in service_targets("Education Program", "", "", codes[1:])
    # the condition still counts among many codes that make a provider serve everyone
    many = (
        *codes,
        ("AIRS/211 LA", "YB-8000", "Older Adults"),
        ("AIRS/211 LA", "YF-6500", "Physical Disabilities"),
        ("AIRS/211 LA", "YF-8000.0500", None),
        ("AIRS/211 LA", "YK-2000", "Families With Children"),
        ("AIRS/211 LA", "YL-3300", "Low Income"),
    )
    assert service_targets("Community Health", "See notes.", "", many) == frozenset()


def test_populations_named_together_are_all_required() -> None:
    """A service whose eligibility text names several populations in one clause with no
    alternative ("Homeless men recovering from addiction.") is for people in all of them: a
    homeless client not known to be in recovery is a partial match (neutral), one in both a
    full match; a list of alternatives ("or", "and", three items) or one word for two
    populations keeps any match full."""
    import numpy as np

    from referralmatch.matching.factors.population import (
        ALL_OF,
        MATCHED_UNNAMED,
        PARTIAL,
        client_populations,
        population_factor,
        population_mask,
        population_one,
        service_targets,
    )

    station = service_targets("The Station", "Homeless men recovering from addiction.", "", ())
    assert ALL_OF in station and {"homeless", "in_recovery"} <= station
    homeless = client_populations(rm.ClientProfile(age=52, gender="male", situations=["homeless"]))
    both = client_populations(
        rm.ClientProfile(age=52, gender="male", situations=["homeless", "in_recovery"])
    )
    assert population_one(station, *homeless) == PARTIAL
    assert population_one(station, *both) == MATCHED_UNNAMED
    # the vectorised factor agrees
    masks = np.array([population_mask(station)], np.uint64)
    for has, not_has in (homeless, both):
        got = population_factor(masks, population_mask(has), population_mask(not_has))[0]
        assert got == population_one(station, has, not_has)
    # alternatives: any one population is enough
    for text in (
        "Homeless persons or persons with addictions.",
        "Homeless persons and persons recovering from addiction.",
        "Elderly, disabled, low to moderate income persons.",
        "Persons recovering from addiction. Children's services also serve homeless youth.",
    ):
        assert ALL_OF not in service_targets("Program", text, "", ()), text
    either = service_targets("Program", "Homeless persons or persons with addictions.", "", ())
    assert population_one(either, *homeless) == MATCHED_UNNAMED
    # an aside in parentheses is not read as alternatives
    hall = "Homeless, single men with low-level disabilities (physical or emotional)."
    assert ALL_OF in service_targets("Hall", hall, "", ())


def test_psychiatric_disabilities_are_mental_illness_not_a_disability_in_general():
    # "psychiatric disabilities" names people with a mental illness; a client who says only that
    # she lives with a (developmental, physical) disability is not known to be among them
    vocational = service_targets("Training Program", "Adults with psychiatric disabilities.", "", ())
    assert vocational == frozenset({"serious_mental_illness"})
    assert "disability" in service_targets("Program", "Adults with developmental disabilities.", "", ())
    client = client_populations(rm.ClientProfile(age=27, situations=["disability"]))
    assert population_one(vocational, *client) < NEUTRAL


def test_a_negated_population_is_no_target():
    # "youth who aren't enrolled in school" is a programme for youth out of school, not for
    # students; "not yet in recovery" is not a programme for people in recovery
    out_of_school = service_targets("Youth Center", "Youth ages 16-22 who aren't enrolled in school.", "", ())
    assert "student" not in out_of_school and "youth" in out_of_school
    assert "student" not in service_targets("Program", "Non-students ages 18-24.", "", ())
    outreach = service_targets("Outreach", "Homeless men who are not yet in recovery.", "", ())
    assert "in_recovery" not in outreach and "homeless" in outreach
    # and no taxonomy code makes it one
    coded = (("AIRS/211 LA", "YY", "Students"),)
    assert "student" in service_targets("Youth Center", "Youth ages 16-22.", "", coded)
    assert "student" not in service_targets("Youth Center", "Youth who aren't enrolled in school.", "", coded)


def test_prenatal_care_is_aimed_at_pregnant_women():
    # a service coded Prenatal Care serves pregnant women by its nature, as an HIV clinic serves
    # people living with HIV; listed with the general health care it refines, it is one programme's
    prenatal = (
        ("AIRS/211 LA", "LJ-5000.6600", "Prenatal Care"),
        ("AIRS/211 LA", "LV-6000", "Obstetrics"),
    )
    clinic = service_targets("Women's Health Center", "Anyone in need.", "", prenatal)
    assert "pregnant" in clinic
    pregnant = client_populations(
        rm.ClientProfile(age=22, gender="female", situations=["pregnant"])
    )
    assert population_one(clinic, *pregnant) == MATCHED_UNNAMED
    man = client_populations(rm.ClientProfile(age=40, gender="male"))
    assert population_one(service_targets("Maternity Clinic", "", "", prenatal), *man) == MISMATCH
    centre = service_targets(
        "Health Center", "", "", (*prenatal, ("AIRS/211 LA", "L", "Health Care"))
    )
    assert population_one(centre, *man) == NEUTRAL


def test_an_age_group_beside_a_health_condition_only_narrows_who_with_it_is_served():
    # "Ages 12-24 with HIV": for people with HIV of that age, not for any young person
    hiv_youth = service_targets(
        "Infectious Disease Program",
        "Ages 12-24 with HIV.",
        "",
        (("AIRS/211 LA", "YB-9500", "Youth"),),
    )
    assert "hiv" in hiv_youth and "youth" not in hiv_youth
    youth = client_populations(rm.ClientProfile(age=17))
    assert population_one(hiv_youth, *youth) == NOT_KNOWN
    with_hiv = client_populations(rm.ClientProfile(age=17, situations=["hiv"]))
    assert population_one(hiv_youth, *with_hiv) == MATCHED_UNNAMED
    # an Alzheimer's programme coded Older Adults is aimed at people with dementia
    dementia = service_targets("Memory Care Program", "Persons with Alzheimer's disease.", "",
                               (("AIRS/211 LA", "YB-8000", "Older Adults"),))  # fmt: skip
    assert dementia == frozenset({"condition"})
    # without a condition the age group stays; a name that says the age keeps it
    assert "youth" in service_targets("Drop-in Center", "Ages 12-24.", "", ())
    assert "youth" in service_targets("Pediatric AIDS Program", "Ages 0-25.", "", ())


def test_a_maternal_or_maternity_programme_is_for_pregnant_women():
    # "Maternal & Infant Nursing" names expectant mothers: a man is outside it, whatever its codes
    nursing = service_targets("Maternal & Infant Nursing Program", "See notes.", "", ())
    assert nursing == frozenset({"pregnant"})
    man = client_populations(rm.ClientProfile(age=38, gender="male"))
    assert population_one(nursing, *man, named=nursing) == MISMATCH
    assert "pregnant" in service_targets("Maternity Home", "", "", ())


def test_a_support_groups_own_clause_names_its_carers():
    # a geriatric centre coded Older Adults whose support-group clause is for families and
    # caregivers of people with dementia runs a carers' group: a caregiver client matches it
    codes = (
        ("AIRS/211 LA", "YB-8000", "Older Adults"),
        ("AIRS/211 LA", "PN-8100", "Support Groups"),
    )
    description = (
        "1) ADULT DAY CARE: A day program for frail elderly adults. "
        "2) SUPPORT GROUPS: Sponsors monthly group meetings for families, caregivers and friends "
        "of persons with Alzheimer's disease."
    )
    centre = service_targets("Geriatric Center", "Ages 18 and older.", "", codes, description)
    assert "caregiver" in centre
    assert "caregiver" not in service_targets("Geriatric Center", "Ages 18 and older.", "", codes)
    # a clause about another programme, a bereaved family's group and kinship care are not carers
    assert "caregiver" not in service_targets(
        "Center", "", "", codes, "Respite for caregivers. SUPPORT GROUPS: For persons with cancer."
    )
    bereaved = (
        "Offers a support group for families and friends of persons who have died by suicide."
    )
    assert "caregiver" not in service_targets("Group", "", "", (), bereaved)
    kinship = "SUPPORT GROUPS: For caregivers of children. Serves kinship caregivers raising grandchildren."
    assert "caregiver" not in service_targets("Kinship Center", "", "", (), kinship)


def test_a_support_group_counts_the_clients_own_situations_not_those_targeted_with_them() -> None:
    # a client facing eviction is served by homeless services (targeted_with), but a homeless
    # people's support group is not her peers' group; for housing the homeless programme still
    # matches her
    at_risk = client_populations(rm.ClientProfile(situations=["at_risk_of_homelessness"]))[0]
    assert "homeless" in at_risk
    assert "homeless" not in peer_populations(
        rm.ClientProfile(situations=["at_risk_of_homelessness"])
    )
    cats = NeedCategories.default()
    assert peer_need([("support_groups", 1.0)], cats) and peer_need([("grief_support", 1.0)], cats)
    assert not peer_need([("housing", 1.0)], cats) and not peer_need([], cats)
    directory = _directory([
        ("homeless", "Homeless Peer Support Group", {"description": "A support group for homeless adults."}),
        ("general", "Community Support Group", {"description": "A support group for adults."}),
    ])  # fmt: skip
    client = _client(situations=["at_risk_of_homelessness"], needs=["support_groups"])
    result = rm.Matcher(directory).match(client)
    assert result.matches[0].service_id == "general"
    population = {
        m.service_id: f.value for m in result.matches for f in m.factors if f.name == "population"
    }
    assert population["homeless"] < population["general"]


def test_a_pantry_behind_an_agency_referral_is_ranked_lower_not_dropped():
    # help people walk into (food, referral_gate 0.85) is a detour when its application
    # process requires another agency's referral; only the needs that clause names are lowered
    walk_in = ServiceText("Food Pantry", "Groceries every Tuesday.", "", ())
    gated = ServiceText(
        "Food Pantry", "Groceries every Tuesday.", "", (), "Agency referral required for pantry."
    )
    negated = ServiceText(
        "Food Pantry", "Groceries every Tuesday.", "", (), "No ID or referral needed for pantry."
    )
    food = _relevance([walk_in, gated, negated, *_filler(10)], "food")
    assert food[1] == pytest.approx(0.85 * food[0], abs=1e-3)
    assert food[2] == food[0]
    centre = (
        "SERVICES: 1) FOOD PANTRY: Groceries every Tuesday. "
        "2) JOB READINESS: Job search and resume help."
    )
    texts = [
        ServiceText("Family Center", centre, "", ()),
        ServiceText(
            "Family Center", centre, "", (), "Walk-in. DSS referral required for food pantry."
        ),
        *_filler(10),
    ]
    employment = _relevance(texts, "employment")
    assert employment[1] == employment[0] > 0
    assert _relevance(texts, "food")[1] < _relevance(texts, "food")[0]
    # a category without a gate (residential programmes take referrals routinely) keeps its relevance
    house = ServiceText("Transitional Housing", "Transitional housing for families.", "", ())
    referred = ServiceText(house.name, house.description, "", (), "Must be referred by DSS.")
    housing = _relevance([house, referred, *_filler(10)], "housing")
    assert housing[1] == housing[0] > 0


def test_the_index_reads_the_application_process_referral_requirement():
    gated = {"application_process": "Food pantry requires a referral from DSS."}
    directory = _directory([
        ("gated", "Food Pantry", gated),
        ("open", "Food Pantry", {"application_process": "Walk in. No referral necessary."}),
    ])  # fmt: skip
    result = rm.Matcher(directory).match(_client(needs=["food"]))
    # both are listed (a referral requirement is soft), the walk-in pantry first
    assert [m.service_id for m in result.matches] == ["open", "gated"]


def test_anyone_then_a_required_population_is_not_open_to_all():
    # "Anyone" opening a sentence that goes on to name whom the service requires is that
    # population's service; "Anyone in need, including the homeless" stays open to everyone
    pact = service_targets(
        "Outreach Team",
        "Anyone 18 and older including homeless persons with severe mental illness, or a dual diagnosis.",
        "",
        (("AIRS/211 LA", "YV-3000", None), ("AIRS/211 LA", "YF-5000", None)),
    )
    assert pact == {"serious_mental_illness"}
    assert "in_recovery" in service_targets(
        "Clinic", "Anyone over 18 years old, addicted to opiates.", "", ()
    )
    assert (
        service_targets("Soup Kitchen", "Anyone in need, including homeless individuals.", "", ())
        == frozenset()
    )
    open_coded = service_targets(
        "Pantry", "Open to anyone.", "", (("AIRS/211 LA", "YV-3000", None),)
    )
    from referralmatch.matching.factors.population import OPEN_TO_ALL

    assert OPEN_TO_ALL in open_coded


def test_service_targets_read_a_description_eligibility_section_behind_a_pointer_field():
    # a 211 record whose eligibility field says "See notes." keeps whom it serves in the
    # description's own ELIGIBILITY section; a "physical or mental impairment" is a disability
    description = (
        "ELIGIBILITY: One must 1) have a physical or mental impairment that has an impact on "
        "working.\n\nOVERVIEW: Provides career assessment and job placement."
    )
    targets = service_targets("Rehabilitation Services", "See notes.", "", (), description)
    assert "disability" in targets
    # the field's own rule wins: the section is then not read for targets
    stated = service_targets("Rehabilitation Services", "Ages 18 and older.", "", (), description)
    assert "disability" not in stated
    # without a section the description's programme text is not read as eligibility
    overview = "OVERVIEW: Serves people with disabilities."
    plain = service_targets("Rehabilitation Services", "See notes.", "", (), overview)
    assert "disability" not in plain


def test_asking_for_legal_help_implies_low_income_for_targeting():
    from referralmatch.matching.factors.population import need_populations
    from referralmatch.needs.categories import NeedCategories

    cats = NeedCategories.default()
    assert "low_income" in need_populations("legal", cats)
    assert "low_income" not in need_populations("therapy", cats)
    # a civil legal aid office for low-income people then matches (broadly) a client who asks
    # for legal help without stating low income, above a neutral office
    targets = service_targets("Legal Aid", "Low income.", "", ())
    has, not_has = client_populations(rm.ClientProfile(age=33, needs=["legal"]))
    legal = need_populations("legal", cats)
    assert population_one(targets, has | legal, not_has - legal) > NEUTRAL


def test_a_numbered_programme_heading_that_names_a_need_is_at_least_a_fit():
    # an aging office listing many numbered programmes, one of them "3) TRANSPORTATION:", runs
    # a transportation programme: the other programmes dilute its description, but the need the
    # heading names is a fit (the description's spread cap), not a passing mention
    cats = NeedCategories.default()
    programmes = (
        "SERVICES:\n1) INFORMATION and REFERRAL: Provides referrals for financial assistance for "
        "utilities, prescriptions, eviction prevention and senior housing; information on health "
        "insurance.\n\n2) CASE MANAGEMENT: Offers case management for homebound seniors.\n\n"
        "{n}: Arranges transportation to medical appointments and other destinations.\n\n"
        "4) CAREGIVERS: Offers consultations and seminars for caregivers.\n\n5) SENIOR CENTERS: "
        "Offers recreation, education, exercise, health screening, fitness centers and meals."
    )
    texts = [
        ServiceText("Senior Office", programmes.format(n="3) TRANSPORTATION"), "", ()),
        ServiceText("Senior Office", programmes.format(n="Also"), "", ()),
        ServiceText("Ride Line", "Arranges transportation to medical appointments.", "", ()),
    ]
    table = relevance_table(texts, cats)
    ride = {row: r for row, c, r, _ in table.rows() if c == "transportation"}
    assert ride[0] >= 0.4 > ride.get(1, 0.0)
    # the floor lifts no need above a fit: a focused service keeps its own, higher relevance
    assert ride[2] > ride[0]


def test_eligibility_naming_only_organisations_makes_a_service_organisation_facing():
    # a surplus-food programme whose eligibility is "Pantry or outreach center." serves pantries,
    # not hungry people: it keeps only part of its food relevance; one whose eligibility also
    # names people, or asks for an agency's referral, stays a client service
    code = ((AIRS, "BD-1800.2000", None),)
    texts = [
        ServiceText("Food Program", "Surplus food.", "", code, "", "Pantry or outreach center."),
        ServiceText("Food Program", "Surplus food.", "", code, "", ""),
        ServiceText("Food Program", "Surplus food.", "", code, "", "Persons or agencies."),
        ServiceText("Food Program", "Surplus food.", "", code, "", "Requires an agency referral."),
        *_filler(30),
    ]
    org, plain, persons, referred = _relevance(texts, "food")[:4]
    assert org < 0.7 * plain
    assert persons == plain == referred


def test_mutual_help_fellowships_are_peer_groups_not_treatment():
    """Baltimore's 211 codes Alcoholics Anonymous intergroups as substance-use counselling
    (RX-8450.8000): a fellowship's name caps its treatment relevance (categories.json
    ``name_caps``), so a client asking for treatment sees the treatment programmes first, while
    the fellowship stays a full support group, aimed by its name at people in recovery."""
    from referralmatch.matching.factors.population import named_targets

    cats = NeedCategories.default()
    codes = ((AIRS, "RX-8450.8000", None), (AIRS, "PN-8100.0500", None))
    texts = [
        ServiceText("Alcoholics Anonymous, Baltimore Intergroup", "Meetings every night.", "", codes),
        ServiceText("Al-Anon & Alateen Groups", "For families and friends of alcoholics.", "", codes),
        ServiceText("Outpatient Addiction Treatment", "Counseling for adults.", "", codes),
    ]
    rel = {(row, c): r for row, c, r, _ in relevance_table(texts, cats).rows()}
    assert rel[(0, "substance_use_treatment")] == 0.45
    assert rel[(1, "substance_use_treatment")] == 0.3
    assert rel[(2, "substance_use_treatment")] > 0.8
    assert rel[(0, "support_groups")] > 0.8
    for name in ("Alcoholics Anonymous - Bristol", "AA Meeting - Discussion Group", "Narcotics Anonymous"):
        assert named_targets(name) == {"in_recovery"}, name
    assert named_targets("Al-Anon Family Groups") == frozenset()


def test_talking_groups_are_support_groups():
    """ORUK Bristol's men's mental-health groups call themselves talking groups and clubs
    ("Weekly Male Talking Group", "a talking and listening club for men"): support groups."""
    cats = NeedCategories.default()
    texts = [
        ServiceText("Weekly Male Talking Group", "Every Tuesday we meet up at the stadium.", "", ()),
        ServiceText("Talk Club", "A talking and listening club for men.", "", ()),
        ServiceText("Stadium Tours", "Every Tuesday we meet up at the stadium.", "", ()),
    ]
    rel = {(row, c): r for row, c, r, _ in relevance_table(texts, cats).rows()}
    assert rel[(0, "support_groups")] > 0.75 and rel[(1, "support_groups")] > 0.75
    assert (2, "support_groups") not in rel


def test_a_family_shelter_named_so_is_aimed_at_parents():
    """Link-SF names its family shelters "Emergency family shelter" and "Family shelter": the
    name says who they are for, so a single man with no children is known to be outside them
    (ranked below the adult shelters), while "Family Health Center" names no one."""
    from referralmatch.matching.factors.population import MISMATCH, named_targets

    for name in ("Emergency family shelter", "Family Shelter", "Family transitional housing"):
        assert named_targets(name) == {"parenting"}, name
    assert named_targets("Family Health Center") == frozenset()
    targets = service_targets("Family shelter", "", "", ())
    has, not_has = client_populations(rm.ClientProfile(age=45, gender="male", household_size=1))
    assert population_one(targets, has, not_has, named=named_targets("Family shelter")) == MISMATCH


def test_an_age_group_named_beside_a_condition_narrows_without_matching():
    """A "Pediatric AIDS Program" is for young people *with* HIV: the age group its name gives
    rules out an adult, but a young client not known to have HIV is no match (neutral); a young
    client with HIV is a full match. A named match in an all-of service is partial too."""
    from referralmatch.matching.factors.population import (
        ALL_OF,
        MATCHED,
        MISMATCH,
        NAMED_SHIFT,
        NEUTRAL,
        named_targets,
        population_factor,
        population_mask,
    )

    name = "Pediatric AIDS Program"
    targets = service_targets(name, "", "", ((AIRS, "LT-1750.0500", None),))
    assert {"youth", "hiv", ALL_OF} <= targets
    named = named_targets(name)
    mask = np.array([population_mask(targets) | population_mask(named) << NAMED_SHIFT], np.uint64)
    clients = (
        (rm.ClientProfile(age=17, situations=["youth", "homeless"]), NEUTRAL),
        (rm.ClientProfile(age=22, gender="female", situations=["pregnant"]), NEUTRAL),
        (rm.ClientProfile(age=19, situations=["hiv"]), MATCHED),
        (rm.ClientProfile(age=45, situations=["hiv"]), MISMATCH),
    )
    for client, want in clients:
        has, not_has = client_populations(client)
        assert population_one(targets, has, not_has, named=named) == want, client
        got = population_factor(mask, population_mask(has), population_mask(not_has))[0]
        assert got == want, client
    # an HIV clinic with no age group stays a match for a client with HIV of any age
    clinic = service_targets("HIV Clinic", "", "", ((AIRS, "LT-1750.0500", None),))
    assert ALL_OF not in clinic


def test_consumer_run_centres_are_peer_support():
    """A mental-health "consumer-run" or "peer-run" centre is run by people with lived
    experience for their peers: peer support, whatever else its description lists."""
    texts = [
        ServiceText(
            "Drop-In", "Consumer run drop-in center for adults with mental illness.", "", ()
        ),
        ServiceText("Drop-In", "Drop-in center for adults with mental illness.", "", ()),
        *_filler(20),
    ]
    got = _relevance(texts, "support_groups")
    assert got[0] > got[1]


def test_a_sentence_naming_who_is_not_eligible_is_no_need_evidence():
    # "Youth who are suicidal ... are NOT eligible" names whom a shelter turns away: it is no
    # crisis or domestic-violence evidence for the service; a sentence that only mentions
    # ineligibility on the way to what is offered ("for persons not eligible for ...") still counts
    texts = [
        ServiceText(
            "Youth Home",
            "Offers emergency shelter for youths. "
            "Youth who are suicidal or in crisis are NOT eligible.",
            "",
            (),
        ),
        ServiceText("Crisis Line", "Crisis intervention for persons who are suicidal.", "", ()),
        *_filler(30),
    ]
    crisis = _relevance(texts, "crisis")
    assert crisis[0] == 0.0 < crisis[1]


def test_victims_of_a_list_ending_in_domestic_violence_are_dv_survivors():
    # "Victims of incest, sexual assault, domestic violence": "victims of" governs every item
    assert "dv_survivor" in service_targets(
        "Abuse Services", "Victims of incest, sexual assault, domestic violence.", "", ()
    )
    assert "dv_survivor" in service_targets(
        "Abuse Services", "Victims of rape and domestic violence.", "", ()
    )
    assert "dv_survivor" not in service_targets(
        "Legal Aid", "Victims of fraud and identity theft.", "", ()
    )


def test_a_programme_for_public_housing_tenants_is_no_match_for_a_client_not_known_to_live_there():
    """"Public housing residents, ages 18 and older." (a real housing authority's job-training
    programme) restricts the service to the tenants of public housing, a community no profile
    field states: the client is not known to be one, so it ranks below programmes open to them."""
    from referralmatch.matching.factors.population import NOT_KNOWN

    coded = ((AIRS, "ND-2000.3500", None),)
    step_up = service_targets("Step-Up Program", "Public housing residents, ages 18 and older.", "", coded)
    assert "public_housing" in step_up
    assert "public_housing" in service_targets("Self-Sufficiency", "Persons in Housing Choice Voucher Program.", "", ())
    has, not_has = client_populations(rm.ClientProfile(age=55, situations=["low_income"]))
    assert population_one(step_up, has, not_has) == NOT_KNOWN
    assert "public_housing" not in service_targets("Job Center", "Adults 18 and older.", "", coded)


def test_a_youth_services_mention_of_the_youths_parents_is_no_parenting_target():
    """"Runaway & homeless youth ARE eligible. ... Agency must contact parents" (a real youth
    shelter's eligibility section): the parents are the youth's, so a 17-year-old on their own
    is in its population, not outside a parents' programme; a programme for parents still is."""
    shelter = service_targets(
        "Fellowship Youth Services", "See notes.", "", (),
        "ELIGIBILITY: Runaway & homeless youth ARE eligible. Agency must contact parents to disclose "
        "youth's whereabouts.\n\nOVERVIEW: Offers emergency shelter for youths and their parents.",
    )  # fmt: skip
    assert "parenting" not in shelter and {"youth", "homeless"} <= shelter
    has, not_has = client_populations(rm.ClientProfile(age=17, household_size=1, situations=["homeless"]))
    assert population_one(shelter, has, not_has) >= MATCHED_UNNAMED
    assert "parenting" in service_targets("Family Center", "Parents of children under 5.", "", ())


_YMCA = (
    "SERVICES:\n1) TRANSITIONAL HOUSING:  Operates 12 apartments for homeless women with children "
    "only.  Accepts agency and self referrals.\n\n2) AQUATICS PROGRAMS:  Teaches swimming for "
    "children and adults.\n\n3) FITNESS CLASSES:  Aerobics and toning.\n\nVOLUNTEERS:  Welcome."
)


def test_a_numbered_programme_that_is_the_only_evidence_for_a_need_is_kept_with_its_text():
    """A YMCA whose one housing evidence is its first numbered programme: the housing rows carry
    that programme's own text (its restrictions are the housing need's); the other programmes
    and the trailing "VOLUNTEERS:" section are not part of it. A service whose name, or another
    programme, or its text outside the list also says housing keeps no programme text."""
    from referralmatch.matching.factors.relevance import _programme_items

    assert [h for _, _, h, _ in _programme_items(_YMCA)] == ["TRANSITIONAL HOUSING", "AQUATICS PROGRAMS", "FITNESS CLASSES"]
    texts = [
        ServiceText("Y of Central MD", _YMCA, "", (("AIRS/211 LA", "BH-8600", "Transitional Housing/Shelter"),)),
        ServiceText("Y Housing Center", _YMCA, "", ()),
        ServiceText("Y", _YMCA.replace("Aerobics", "Aerobics; housing counseling"), "", ()),
        ServiceText("Y", "Offers housing search help. " + _YMCA, "", ()),
    ]
    table = relevance_table(texts, NeedCategories.default())
    own = {(row, cat): texts for (row, cat, _, _), texts in zip(table.rows(), table.programme, strict=True)}
    (housing,) = own[(0, "housing")]
    assert housing.startswith("Operates 12 apartments for homeless women with children only.")
    assert "VOLUNTEERS" not in housing and "swimming" not in housing
    assert own[(0, "transitional_housing")] == own[(0, "housing")]
    assert all(not own.get((row, "housing")) for row in (1, 2, 3))


def test_a_screening_or_dental_only_service_is_capped_below_general_medical_care() -> None:
    # a client who asks for health care needs medical care: a site whose every health code is a
    # screening test (LF-4900 Disease Screening: HIV testing) is a test, not care, whatever its
    # name and Open Eligibility term say ("HIV Testing", "HIV Treatment"); one whose every health
    # code is dental care (LV-1600) or eye care (LV-2400) is specialty care; a clinic coded for
    # testing and dental care beside general outpatient care (LN) is not capped
    testing = (AIRS, "LF-4900.2400", "HIV Testing")
    dental = (AIRS, "LV-1600", "Dental Care")
    hiv_oe = ("Open Eligibility", "106-09-02", "HIV Treatment")
    dental_oe = ("Open Eligibility", "106-02", "Dental Care")
    texts = [
        ServiceText("Hospital, HIV Testing and Counseling", "HIV tests.", "", (testing, hiv_oe)),
        ServiceText("Dental Clinic", "Dental care and dental exams.", "", (dental, dental_oe)),
        ServiceText("Health Center", "Primary care.", "", ((AIRS, "LN", None), testing, dental)),
        ServiceText("Vision Center", "Eye exams and eyeglasses.", "", ((AIRS, "LV-2400", None),)),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] <= 0.7 < health[1] <= 0.8
    assert health[2] >= 0.9
    assert health[3] <= 0.8  # eye care (LV-2400) likewise


def test_an_hiv_clinic_counts_in_full_as_medical_care() -> None:
    # AIRS LT-1750.0500 (AIDS/HIV Clinics) is medical care for people with HIV, as much health
    # care as a general clinic (LN), not just specialised treatment (LT)
    other = (AIRS, "ND-9200", "Volunteer Service Programs")
    texts = [
        ServiceText("Agency A", "Visits.", "", ((AIRS, "LT-1750.0500", "AIDS/HIV Clinics"), other)),
        ServiceText("Agency B", "Visits.", "", ((AIRS, "LN", None), other)),
        ServiceText("Agency C", "Visits.", "", ((AIRS, "LT", None), other)),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] >= health[1] - 0.01
    assert health[0] > health[2] + 0.1


_FAMILY_AGENCY = (
    "1) CASE MANAGEMENT:  Offers services to families affected by substance abuse.\n\n"
    "2) TRANSITIONAL HOUSING:  Offers long-term residential placement for women with children.\n\n"
    "3) PERMANENT HOUSING:  Apartments for families with children only.\n\n"
    "4) HEAD START:  Preschool for 102 children.\n\nVOLUNTEERS: Welcome."
)


def test_several_numbered_programmes_that_are_together_the_only_evidence_for_a_need_are_all_kept():
    """Two housing programmes of one agency, nothing else saying housing: the housing rows carry
    both programmes' own texts (a client is turned away only by both), in list order; a third
    programme whose text also says housing ("housing search") leaves them unread."""
    texts = [
        ServiceText("Family Village", _FAMILY_AGENCY, "", ()),
        ServiceText("Family Village", _FAMILY_AGENCY.replace("abuse.", "abuse; housing search help."), "", ()),
    ]
    table = relevance_table(texts, NeedCategories.default())
    own = {(row, cat): texts for (row, cat, _, _), texts in zip(table.rows(), table.programme, strict=True)}
    first, second = own[(0, "housing")]
    assert first.startswith("Offers long-term residential placement") and second.startswith("Apartments")
    assert not own.get((1, "housing"))


def test_hospice_only_and_rehabilitation_services_rank_below_general_medical_care() -> None:
    # end-of-life care (LT-3000 Hospice Care) is for the dying, and physical or occupational
    # therapy (LR-6600, LR-6200) is rehabilitation after an illness: a client asking for health
    # care needs a doctor first, so a service coded only for either ranks below a clinic (LN),
    # whatever its text says; a service coded for hospice beside general care is not capped
    hospice = (AIRS, "LT-3000", "Hospice Care")
    text = ("Hospice Health Care", "Medical care and nursing at home.", "")
    texts = [
        ServiceText(*text, (hospice,)),
        ServiceText("Agency B", "Visits.", "", ((AIRS, "LR-6600", "Physical Therapy"),)),
        ServiceText("Agency C", "Visits.", "", ((AIRS, "LN", None),)),
        ServiceText(*text, ((AIRS, "LN", None), hospice)),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] <= 0.8 < health[3]
    assert health[1] < 0.4 < health[2]


def test_an_age_phrase_before_a_population_does_not_make_it_an_inclusive_mention() -> None:
    # "and" in "18 and older, homeless persons" closes an age, it does not join the homeless to
    # a list of others welcome: real Baltimore eligibility ("Ages 18 and older, homeless persons,
    # persons with emotional problems ...", "Men age 18 or older, homeless and ...") once lost
    # the homeless, so a homeless veteran did not see the transitional shelter built for him
    plase = "Ages 18 and older, homeless persons, persons with emotional problems or addictions."
    assert {"homeless", "serious_mental_illness"} <= service_targets("Project", plase, "", ())
    bethesda = "Men age 18 or older, homeless and have been diagnosed with a mental illness."
    assert "homeless" in service_targets("House", bethesda, "", ())
    recovery = "Women 18 and older in recovery from substance abuse."
    assert "in_recovery" in service_targets("Place", recovery, "", ())
    # a bare "and" still joins a list: "Seniors and disabled adults" is for seniors
    assert service_targets("Center", "Seniors and disabled adults", "", ()) == {"senior"}


def test_a_drop_in_centre_is_no_emergency_shelter() -> None:
    # a drop-in centre is a day centre (a place to rest, eat, get mail and job leads), not a
    # bed for the night: Baltimore's "National Student Partnerships - Drop-In Center" (job
    # readiness and referral) once ranked first for a homeless 17-year-old asking for shelter
    texts = [
        ServiceText("Drop-In Center", "Job readiness and information and referral.", "", ()),
        ServiceText("Overnight Shelter", "Emergency shelter beds for homeless adults.", "", ()),
        *_filler(40),
    ]
    shelter = _relevance(texts, "emergency_shelter")
    assert shelter[0] < 0.4 < shelter[1]


def test_a_feeding_programme_is_no_shelter_and_mentoring_is_no_support_group() -> None:
    # a meal for homeless people is food, not a bed ("homeless feeding" was a shelter synonym),
    # and a youth mentoring programme pairs a young person with an adult: not a group of peers
    texts = [
        ServiceText("Homeless Feeding Program", "Hot meals for homeless people.", "", ()),
        ServiceText("Youth Mentoring Programs", "Mentoring programs for teens.", "", ()),
        *_filler(40),
    ]
    assert _relevance(texts, "emergency_shelter")[0] < 0.4
    assert _relevance(texts, "support_groups")[1] < 0.4


def test_a_womens_service_says_it_matches_a_woman_though_gender_alone_is_no_boost() -> None:
    # a women's therapy centre scores a woman neutral on population (gender alone is no boost,
    # see population_one), and its explanation must not tell the case manager she is "not known
    # to belong"; a man is outside it
    from referralmatch.matching.explain import population_text

    women = frozenset({"women"})
    assert population_one(women, frozenset({"women"}), frozenset({"men"})) == 0.5
    text = population_text(women, frozenset({"women"}), 0.5)
    assert "matches the client" in text and "not known" not in text
    assert population_one(women, frozenset({"men"}), frozenset({"women"})) == 0.1
    assert "not in this population" in population_text(women, frozenset({"men"}), 0.1)


def test_a_description_that_opens_with_one_gender_names_whom_the_service_is_for() -> None:
    # real Open Referral UK record (Bristol): no eligibility field, no codes; its opening sentence
    # says "a support and signposting service to male victims of domestic abuse", so a woman
    # asking for domestic-violence help is outside it; a later mention or both genders are not
    mankind = "A national charity providing a helpline to male victims of domestic abuse and their families."
    assert service_targets("ManKind Initiative", "", "", (), mankind) == {"men"}
    later = "A helpline for anyone affected by abuse. Groups for women survivors meet weekly."
    assert service_targets("Helpline", "", "", (), later) == frozenset()
    both = "Counselling for men and women who are survivors of abuse."
    assert service_targets("Counselling", "", "", (), both) == frozenset()
    woman = frozenset({"women"}), frozenset({"men"})
    assert population_one(service_targets("ManKind Initiative", "", "", (), mankind), *woman) == 0.1


def test_prescription_drug_dependence_is_substance_use_and_digital_citizenship_is_not_legal() -> None:
    # real Open Referral UK records (Bristol): "Overcoming prescription drug dependence" ranked
    # first for health care on its name ("prescription") and not at all for substance use (its
    # keyword was negated by the shorter "prescription drug", a drug-plan phrase); a charity for
    # "digital citizenship" was legal help through "citizenship"
    texts = [
        ServiceText("Overcoming prescription drug dependence", "One-to-one and group support.", "", ()),
        ServiceText("Prescription Drug Assistance", "Help paying for medicines.", "", ()),
        ServiceText("Glitch", "A charity ending online abuse and championing digital citizenship.", "", ()),
        ServiceText("Citizenship Clinic", "Help with citizenship applications.", "", ()),
        *_filler(40),
    ]
    assert _relevance(texts, "substance_use_treatment")[0] >= 0.6
    assert _relevance(texts, "health_care")[0] < 0.4 < _relevance(texts, "health_care")[1]
    assert _relevance(texts, "substance_use_treatment")[1] == 0.0
    legal = _relevance(texts, "legal")
    assert legal[2] == 0.0 < legal[3]


def test_a_glass_engraving_club_is_no_eye_care_and_complementary_therapy_is_no_therapy() -> None:
    # real Open Referral UK records (Bristol): "Glass Engraving Group" was health care at 0.9
    # because "glasses" (eyeglasses) shares the stem "glass"; a complementary-therapy directory
    # (massage, reflexology) was mental-health therapy through the bare word "therapy"
    texts = [
        ServiceText("Glass Engraving Group", "A club for engravers, with tuition.", "", ()),
        ServiceText("Vision Clinic", "Eye exams and reading glasses.", "", ()),
        ServiceText("Complementary Therapy Directory", "Find a complementary therapy practitioner.", "", ()),
        ServiceText("Talking Therapies", "Therapy for anxiety and depression.", "", ()),
        *_filler(40),
    ]
    health = _relevance(texts, "health_care")
    assert health[0] == 0.0 < 0.5 < health[1]
    therapy = _relevance(texts, "therapy")
    assert therapy[2] < 0.4 < therapy[3]


def test_a_sponsoring_agency_or_wrap_around_service_is_no_recovery_group() -> None:
    # "sponsor" and "WRAP" (a recovery sponsor, the Wellness Recovery Action Plan) were recovery
    # synonyms on their own, but 211 descriptions say "Sponsors monthly group meetings" and
    # "wrap-around services" about anything
    texts = [
        ServiceText("Family Center", "Sponsors monthly parenting classes.", "", ()),
        ServiceText("Youth Services", "Offers wrap-around services for families.", "", ()),
        ServiceText("Recovery Group", "Weekly recovery meetings; members find a recovery sponsor.", "", ()),
        *_filler(40),
    ]
    peer = _relevance(texts, "peer_recovery")
    assert peer[0] == peer[1] == 0.0 < peer[2]


def test_a_dementia_navigator_is_no_benefits_enrollment() -> None:
    # real Open Referral UK record (Bristol): a music club for people with dementia, referred by
    # "Dementia Navigators", was benefits enrollment through the bare word "navigator"
    texts = [
        ServiceText("Music Club", "Music sessions; referrals from the Dementia Navigator.", "", ()),
        ServiceText("Enrollment Help", "Health insurance navigators help you enroll in Medicaid.", "", ()),
        *_filler(40),
    ]
    benefits = _relevance(texts, "benefits_enrollment")
    assert benefits[0] == 0.0 < benefits[1]


def test_a_young_adults_age_alone_is_a_broad_match_and_her_stated_situation_a_full_one():
    # a pregnant 22-year-old asking for a support group: the group for expectant mothers she
    # said she needs comes before the adolescents' group her age merely lets her into
    directory = _directory([
        ("teen", "Adolescent Support Group", {"description": "A support group for youth ages 12-24."}),
        ("moms", "Expectant Mothers Support Group",
         {"description": "A support group for pregnant women.", "_loc": {"longitude": HERE[1] + 0.02}}),
    ])  # fmt: skip
    client = _client(age=22, gender="female", situations=["pregnant"], needs=["support_groups"])
    [need] = rm.Matcher(directory).match(client).needs
    assert [m.service_id for m in need.matches] == ["moms", "teen"]
    teen = {f.name: f for f in need.matches[1].factors}["population"]
    assert teen.detail.endswith("matches the client (by age alone)")
    # said as a situation, youth is a full match again
    stated = _client(age=22, gender="female", situations=["pregnant", "youth"], needs=["support_groups"])
    [need] = rm.Matcher(directory).match(stated).needs
    assert {f.name: f for f in need.matches[-1].factors}["population"].value > teen.value
    # a minor's age is their situation: the adolescents' group is theirs in full
    minor = _client(age=16, gender="female", needs=["support_groups"])
    [need] = rm.Matcher(directory).match(minor).needs
    assert need.matches[0].service_id == "teen"
    assert {f.name: f for f in need.matches[0].factors}["population"].value == 1.0
