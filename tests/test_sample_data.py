"""The bundled sample data: HSDS 3.0 validity, coverage, geography, caseload shape, determinism."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "referralmatch" / "data"
SCRIPT = ROOT / "scripts" / "make_sample_data.py"

# Sacramento County, California: bounding box in decimal degrees (WGS 84), padded by ~1 km.
LAT_MIN, LAT_MAX = 38.008, 38.746
LON_MIN, LON_MAX = -121.872, -121.017

CATEGORY_KEYS = {
    "housing", "emergency_shelter", "rental_assistance", "transitional_housing",
    "supportive_housing", "housing_search", "employment", "job_training", "job_placement",
    "supported_employment", "therapy", "individual_therapy", "family_therapy", "psychiatry",
    "telehealth_therapy", "support_groups", "peer_recovery", "grief_support",
    "violence_survivor_support", "family_support_group", "youth_support_group", "food",
    "substance_use_treatment", "crisis", "transportation", "utilities", "legal", "financial",
    "health_care", "domestic_violence", "education", "child_care", "benefits_enrollment",
}  # fmt: skip

Service = dict[str, Any]


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """The generator script, imported from its path (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_sample_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sample_data", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def services() -> list[Service]:
    data = json.loads((DATA / "sample_directory.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def caseload() -> list[dict[str, str]]:
    with (DATA / "sample_caseload.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _terms(service: Service) -> list[dict[str, Any]]:
    return [a["taxonomy_term"] for a in service.get("attributes", []) if "taxonomy_term" in a]


def _locations(services: list[Service]) -> list[dict[str, Any]]:
    return [sal["location"] for s in services for sal in s.get("service_at_locations", [])]


# --- HSDS 3.0 validity ----------------------------------------------------------------------


def _validator(reference: Path) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    folder = reference / "hsds" / "3.0" / "schema"
    resources_ = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in sorted(folder.glob("*.json"))
    ]
    registry: Any = Registry().with_resources(resources_)
    schema = json.loads((folder / "service.json").read_text())
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_directory_validates_against_hsds_30_schema(
    reference: Path, services: list[Service]
) -> None:
    validator = _validator(reference)
    problems = [
        f"{s['name']}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for s in services
        for e in validator.iter_errors(s)
    ]
    assert problems == []
    # the check is live: format (uuid, date-time) and enums are enforced
    assert list(validator.iter_errors({**services[0], "id": "not-a-uuid"}))
    assert list(validator.iter_errors({**services[0], "last_modified": "yesterday"}))
    assert list(validator.iter_errors({**services[0], "status": "open"}))


def test_capacities_are_an_allowed_extension_of_30(
    reference: Path, services: list[Service]
) -> None:
    schema = json.loads((reference / "hsds" / "3.0" / "schema" / "service.json").read_text())
    assert "capacities" not in schema["properties"]
    assert schema.get("additionalProperties", True) is not False
    with_capacity = [s for s in services if s.get("capacities")]
    assert len(with_capacity) >= 5
    for service in with_capacity:
        for capacity in service["capacities"]:  # HSDS 3.1 service_capacity shape
            assert {"id", "unit", "available", "updated"} <= capacity.keys()
            assert 0 <= capacity["available"] <= capacity["maximum"]


def test_taxonomy_terms_are_real_open_eligibility_terms(
    reference: Path, services: list[Service]
) -> None:
    path = reference / "open_eligibility" / "openreferral_openeligibility_taxonomy.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        names = {row["id"]: row["name"] for row in csv.DictReader(handle)}
    terms = [t for s in services for t in _terms(s)]
    assert len(terms) >= 150
    for term in terms:
        assert term["taxonomy"] == "Open Eligibility"
        assert names.get(term["code"]) == term["name"], term["code"]


# --- coverage ------------------------------------------------------------------------------


def _has(*words: str) -> Callable[[Service], bool]:
    def check(service: Service) -> bool:
        text = " ".join([service["name"], *(t["name"] for t in _terms(service))]).lower()
        return any(w.lower() in text for w in words)

    return check


FAMILIES: dict[str, Callable[[Service], bool]] = {
    "emergency shelter": _has("Emergency Shelter"),
    "family shelter": _has("Family Shelter"),
    "women-only shelter": _has("Women's Shelter"),
    "rental assistance": _has("Help Pay for Housing", "Rental Assistance"),
    "transitional housing": _has("Short-Term Housing", "Transitional Housing"),
    "permanent supportive housing": _has("Long-Term Housing", "Supportive Housing"),
    "housing search": _has("Help Find Housing", "Housing Navigation"),
    "job training": _has("Skills & Training", "Specialized Training"),
    "job placement": _has("Job Placement"),
    "supported employment": _has("Supported Employment"),
    "individual therapy": _has("Individual Therapy", "Counseling"),
    "family therapy": _has("Family and Couples Therapy", "Family Strengthening"),
    "psychiatry": _has("Psychiatry"),
    "telehealth therapy": _has("Telehealth", "Online Therapy"),
    "sliding-scale therapy": _has("Sliding Scale"),
    "peer recovery": _has("Peer Support", "12-Step"),
    "grief": _has("Bereavement", "Grief"),
    "survivors of violence": _has("Survivors"),
    "families of people with mental illness": _has("Family-to-Family", "Apoyo para Familias"),
    "youth support group": _has("Teen Support Group", "Youth Support Group"),
    "food": _has("Food Pantry", "Free Meals", "Food Delivery"),
    "substance-use treatment": _has("Addiction", "Detox", "Residential Treatment", "Recovery"),
    "crisis line": _has("Help Hotlines", "Crisis Line"),
    "transportation": _has("Transportation", "Bus Passes"),
    "legal aid": _has("Advocacy & Legal Aid", "Representation"),
    "utilities": _has("Help Pay for Utilities"),
    "financial": _has("Financial Education", "Credit Counseling", "Tax Preparation"),
    "health care": _has("Medical Care", "Dental Care", "Maternity Care"),
    "domestic-violence safety": _has("Help Escape Violence", "Safe Housing"),
    "education": _has("GED", "English as a Second Language", "Basic Literacy"),
    "child care": _has("Childcare", "Preschool", "Afterschool Care"),
    "benefits enrollment": _has("Government Benefits", "Health Insurance", "Food Benefits"),
}


def test_counts_and_every_family_represented(services: list[Service]) -> None:
    assert len(services) >= 150
    assert len({s["organization"]["id"] for s in services}) >= 40
    missing = [family for family, check in FAMILIES.items() if not any(map(check, services))]
    assert missing == []


def test_some_services_are_classified_from_text_only(services: list[Service]) -> None:
    untagged = [s for s in services if not _terms(s)]
    assert 5 <= len(untagged) <= len(services) // 4
    assert all(s.get("description") for s in untagged)


def test_ids_are_unique_and_shared_objects_are_identical(services: list[Service]) -> None:
    assert len({s["id"] for s in services}) == len(services)
    assert len({(s["organization"]["id"], s["name"]) for s in services}) == len(services)
    seen: dict[str, dict[str, Any]] = {}
    for location in _locations(services):
        assert seen.setdefault(location["id"], location) == location


# --- geography -----------------------------------------------------------------------------


def test_coordinates_inside_sacramento_county(services: list[Service]) -> None:
    located = 0
    for location in _locations(services):
        if location["location_type"] == "virtual":
            assert "latitude" not in location and "longitude" not in location
            continue
        located += 1
        assert LAT_MIN <= location["latitude"] <= LAT_MAX, location["name"]
        assert LON_MIN <= location["longitude"] <= LON_MAX, location["name"]
        address = location["addresses"][0]
        assert re.fullmatch(r"\d{5}", address["postal_code"])
        assert address["state_province"] == "CA"
    assert located >= 100


def test_addresses_use_sacramento_county_zips(services: list[Service]) -> None:
    zipcodes = pytest.importorskip("zipcodes")
    for location in _locations(services):
        for address in location.get("addresses", []):
            (match,) = zipcodes.matching(address["postal_code"])
            assert match["county"] == "Sacramento County"


def test_confidential_and_virtual_services(services: list[Service]) -> None:
    confidential = [s for s in services if not s["service_at_locations"]]
    assert len(confidential) >= 2
    for service in confidential:
        assert "confidential" in service["description"].lower()
        assert service["service_areas"]
    virtual = [loc for loc in _locations(services) if loc["location_type"] == "virtual"]
    assert virtual
    areas = {a["name"] for s in services for a in s["service_areas"]}
    assert {"Sacramento County", "City of Sacramento", "Elk Grove", "California"} <= areas
    assert any(re.fullmatch(r"\d{5}(, \d{5})+", name) for name in areas)
    extents = [a for s in services for a in s["service_areas"] if a.get("extent")]
    assert extents and all(a["extent_type"] == "geojson" for a in extents)
    assert json.loads(extents[0]["extent"])["type"] == "Polygon"


# --- variety -------------------------------------------------------------------------------


def test_realistic_variety(services: list[Service]) -> None:
    statuses = Counter(s["status"] for s in services)
    assert statuses["active"] > 0.9 * len(services)
    assert statuses["inactive"] >= 1 and statuses["temporarily closed"] >= 1
    schedules = [sc for s in services for sc in s["schedules"]]
    assert any(sc["closes_at"] < sc["opens_at"] for sc in schedules)  # overnight
    assert any((sc["opens_at"], sc["closes_at"]) == ("00:00:00", "23:59:00") for sc in schedules)
    assert any(sc["byday"] in ("SA", "SA,SU") for sc in schedules)
    assert any(sc["opens_at"] >= "17:00:00" for sc in schedules)
    assert sum(not s["schedules"] for s in services) >= 5
    spanish = sum(any(lang["code"] == "es" for lang in s["languages"]) for s in services)
    assert spanish >= 0.3 * len(services)
    codes = {lang["code"] for s in services for lang in s["languages"]}
    assert {"en", "es", "vi", "zh", "ru", "tl", "hmn", "pa", "ar", "fa", "uk"} <= codes
    phrasings = {s["eligibility_description"] for s in services}
    assert len(phrasings) >= 60
    for phrase in (
        "None",
        "Varies according to program",
        "Veteran with other than dishonorable discharge",
        "Women and children only",
        "Pregnant or parenting women",
    ):
        assert phrase in phrasings
    fees = " ".join(s.get("fees_description", "") for s in services)
    assert "Medi-Cal" in fees and "Medicare" in fees and "private insurance" in fees
    options = {c.get("option") for s in services for c in s["cost_options"]}
    assert {"Free", "Sliding scale", "Fixed fee"} <= options
    assert any("Waitlist" in s.get("wait_time", "") for s in services)
    assert any(s.get("interpretation_services") for s in services)
    assert any("minimum_age" in s for s in services) and any("maximum_age" in s for s in services)
    crisis = [s for s in services if "Crisis Line" in s["name"]]
    assert crisis and all(
        sc["byday"].count(",") == 6 and sc["opens_at"] == "00:00:00"
        for s in crisis
        for sc in s["schedules"]
    )


# --- caseload ------------------------------------------------------------------------------


def test_caseload_shape(caseload: list[dict[str, str]]) -> None:
    assert len(caseload) >= 300
    ids = [row["client_id"] for row in caseload]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"C\d{4}", i) for i in ids)
    assert all(re.fullmatch(r"\d{5}", row["postal_code"]) for row in caseload)
    for row in caseload:
        needs = row["needs"].split(";")
        assert 1 <= len(needs) <= 4 and set(needs) <= CATEGORY_KEYS
        assert row["gender"] in {"female", "male", "nonbinary", ""}
        assert row["insurance"] in {"medicaid", "medicare", "private", "uninsured", ""}
        assert row["pregnant"] in {"true", "false", ""} and row["veteran"] in {"true", "false", ""}
        assert row["max_travel_km"] == "" or 5 <= int(row["max_travel_km"]) <= 40
        assert int(row["household_size"]) >= 1 + len(row["dependents_ages"].split(";")) - (
            row["dependents_ages"] == ""
        )
        assert all(re.fullmatch(r"[a-z]{2,3}", code) for code in row["languages"].split(";"))


def test_caseload_needs_weighted_and_some_unmet_by_design(
    caseload: list[dict[str, str]], services: list[Service]
) -> None:
    counts = Counter(n for row in caseload for n in row["needs"].split(";"))
    top = {key for key, _ in counts.most_common(8)}
    assert {"housing", "therapy", "employment", "food"} <= top
    assert counts["support_groups"] > counts["legal"]
    served = {lang["code"] for s in services for lang in s["languages"]}
    spoken = {code for row in caseload for code in row["languages"].split(";")}
    assert spoken - served  # someone speaks a language no service speaks
    zips = {row["postal_code"] for row in caseload}
    assert {"95616", "95691", "95661"} & zips  # neighbouring counties
    assert zips & {"96001", "93721"}  # far away


# --- generator and packaging ---------------------------------------------------------------


def test_generator_is_deterministic_and_matches_committed_files(
    generator: ModuleType, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert generator.main(["--out", str(first)]) == 0
    assert generator.main(["--out", str(second)]) == 0
    for name in ("sample_directory.json", "sample_caseload.csv"):
        produced = (first / name).read_bytes()
        assert produced == (second / name).read_bytes()
        assert produced == (DATA / name).read_bytes(), f"{name} is stale: rerun the generator"


def test_package_ships_its_sample_data() -> None:
    base = resources.files("referralmatch") / "data"
    assert (base / "sample_directory.json").is_file()
    assert (base / "sample_caseload.csv").is_file()
    assert (base / "sample_directory.json").read_text(encoding="utf-8").lstrip().startswith("[")
