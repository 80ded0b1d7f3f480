"""FHIR R4 export: draft ServiceRequests from match results, HealthcareService and Location dicts.

Every resource produced is validated with the fhir.resources R4B models (R4B's ServiceRequest,
HealthcareService and Location have the R4 shape) and must round-trip unchanged, so a field the
model does not know or silently converts fails the test.
"""

from __future__ import annotations

import json
import pickle
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError

from referralmatch.directory import Directory
from referralmatch.errors import ConfigurationError, ReferralMatchError
from referralmatch.interop import (
    GRAVITY_SYSTEM,
    fhir_id,
    healthcare_service,
    healthcare_services,
    location_resource,
    service_requests,
)
from referralmatch.models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Program,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from referralmatch.models.need import Provenance
from referralmatch.models.results import Match, MatchResult, NeedResult

PRIORITIES = {"routine", "urgent", "asap", "stat"}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def validate(model: Any, resource: dict[str, Any]) -> dict[str, Any]:
    """Parse with the FHIR model (raises when invalid) and require an unchanged round trip."""
    parsed = model.model_validate(resource)
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == json.loads(json.dumps(resource))
    return resource


# --------------------------------------------------------------------------- fixtures

HRSN = Provenance(
    instrument="AHC HRSN", items=("71802-3", "96778-6"), answers=("LA31994-9", "LA31996-4")
)
PHQ = Provenance(instrument="PHQ-9", items=("44261-6",), answers=("LA18-1",), note="total 16")


def _match(need: str, sid: str, rank: int, score: float, **kw: Any) -> Match:
    return Match(need=need, service_id=sid, service_name=f"Service {sid}", score=score,
                 rank=rank, organization_name="Harbor House", location_id="loc-1", **kw)  # fmt: skip


def make_result(*, consent: bool) -> MatchResult:
    housing = NeedResult(
        need="housing", label="Housing", priority=1, urgency="urgent",
        gravity_code="housing-instability", provenance=(HRSN,),
        matches=(_match("housing", "s-2", 2, 0.61), _match("housing", "s-1", 1, 0.82),
                 _match("housing", "s_3", 3, 0.40)),
    )  # fmt: skip
    therapy = NeedResult(
        need="therapy", label="Therapy", priority=2, urgency="immediate", sensitive=True,
        provenance=(PHQ,), matches=(_match("therapy", "t-1", 1, 0.9, sensitive=True),),
    )  # fmt: skip
    employment = NeedResult(
        need="employment", label="Employment", priority=3, urgency="routine",
        gravity_code="employment-status", matches=(_match("employment", "e-1", 1, 0.5),),
    )  # fmt: skip
    return MatchResult("client-42", [housing, therapy, employment], excluded=lambda: [],
                       consent_to_share_sensitive=consent)  # fmt: skip


@pytest.fixture(scope="module")
def directory() -> Directory:
    taxonomy = Taxonomy(id="oe", name="Open Eligibility", uri="https://openeligibility.org")
    housing = TaxonomyTerm(id="t-housing", name="Housing", code="1101", taxonomy_id="oe")
    shelter = TaxonomyTerm(id="t-shelter", name="Emergency Shelter", code="1102",
                           parent_id="t-housing", taxonomy_id="oe")  # fmt: skip
    local = TaxonomyTerm(id="t-local", name="Night drop-in")  # no code, no system
    service = Service(
        id="svc_1", organization_id="org-1", program_id="prog-1", name="Harbor Night Shelter",
        description="Beds for adults.", status="active", email="intake@example.org",
        url="https://example.org/shelter", eligibility_description="Adults experiencing homelessness",
        minimum_age=18, fees_description="Sliding scale for meals",
        phones=[Phone(id="ph1", number="650-555-0100", extension="12"),
                Phone(id="ph2", number="650-555-0101", type="fax"),
                Phone(id="ph3", number="650-555-0102", type="text")],
        languages=[Language(id="la1", code="es", name="Spanish"),
                   Language(id="la2", code="zh-Hant", name="Chinese (Traditional)"),
                   Language(id="la3", name="Tagalog"),
                   Language(id="la4", code="es", name="Spanish")],
        cost_options=[CostOption(id="c1", amount=0, option="beds")],
        schedules=[
            Schedule(id="sc-weekday", byday="MO,TU,WE,TH,FR", opens_at="09:00", closes_at="17:00"),
            Schedule(id="sc-overnight", byday="FR,SA", opens_at="20:00", closes_at="08:00"),
            Schedule(id="sc-24h", byday="SU", opens_at="00:00", closes_at="00:00"),
            Schedule(id="sc-monthly", freq="MONTHLY", byday="2TU", opens_at="10:00",
                     closes_at="12:00", description="Second Tuesday clinic 10-12"),
        ],
        attributes=[Attribute(id="a1", link_id="svc_1", taxonomy_term_id="t-shelter"),
                    Attribute(id="a2", link_id="svc_1", taxonomy_term_id="t-local")],
    )  # fmt: skip
    inactive = Service(id="svc-2", name="Closed pantry", status="inactive",
                       cost_options=[CostOption(id="c2", amount=5.0)])  # fmt: skip
    location = Location(
        id="loc-1", name="Harbor House Main", organization_id="org-1",
        latitude=37.5630, longitude=-122.3255, url="https://example.org/main",
        addresses=[Address(id="ad1", address_1="1 Harbor Way", address_2="Suite 2",
                           city="San Mateo", region="San Mateo County", state_province="CA",
                           postal_code="94401", country="US")],
        phones=[Phone(id="ph4", number="650-555-0200", type="cell")],
        schedules=[Schedule(id="sc-loc", byday="MO,WE", opens_at="08:30", closes_at="16:00")],
    )  # fmt: skip
    return Directory(
        organizations=[Organization(id="org-1", name="Harbor House")],
        programs=[Program(id="prog-1", name="Shelter Program")],
        services=[service, inactive],
        locations=[location, Location(id="loc 2")],
        service_at_locations=[ServiceAtLocation(id="sal1", service_id="svc_1", location_id="loc-1"),
                              ServiceAtLocation(id="sal2", service_id="svc_1", location_id="loc 2")],
        taxonomies=[taxonomy],
        taxonomy_terms=[housing, shelter, local],
    )  # fmt: skip


# --------------------------------------------------------------------------- validator sanity


def test_validator_rejects_invalid_resources() -> None:
    """The helper really fails on a bad resource (so passing tests mean valid resources)."""
    good = {"resourceType": "ServiceRequest", "status": "draft", "intent": "order",
            "subject": {"reference": "Patient/p1"}}  # fmt: skip
    validate(ServiceRequest, good)
    with pytest.raises(ValidationError):
        validate(ServiceRequest, {**good, "bogus": 1})
    with pytest.raises(ValidationError):
        validate(ServiceRequest, {k: v for k, v in good.items() if k != "subject"})
    with pytest.raises(ValidationError):
        validate(HealthcareService, {"resourceType": "HealthcareService", "id": "bad_id"})


# --------------------------------------------------------------------------- ServiceRequest


@pytest.mark.parametrize("consent", [False, True])
@pytest.mark.parametrize("include", [False, True])
def test_sensitive_needs_need_consent_and_request(consent: bool, include: bool) -> None:
    result = make_result(consent=consent)
    resources = service_requests(result, "Patient/p1", include_sensitive=include)
    for resource in resources:
        validate(ServiceRequest, resource)
    texts = [r["code"]["text"] for r in resources]
    shared = consent and include
    assert any(t.startswith("Therapy") for t in texts) is shared
    assert len(resources) == (5 if shared else 4)
    restricted = [r for r in resources if "meta" in r]
    assert len(restricted) == (1 if shared else 0)
    if shared:
        assert restricted[0]["meta"]["security"][0]["code"] == "R"
        assert restricted[0]["priority"] == "stat"


def test_sensitive_match_under_plain_need_is_left_out() -> None:
    need = NeedResult(need="support_groups", label="Support groups", priority=1,
                      urgency="routine", matches=(
                          _match("support_groups", "g-1", 1, 0.8),
                          _match("support_groups", "g-2", 2, 0.7, sensitive=True)))  # fmt: skip
    result = MatchResult("c", [need], excluded=lambda: [], consent_to_share_sensitive=True)
    assert [r["performer"][0]["reference"] for r in service_requests(result, "Patient/p")] == [
        "HealthcareService/g-1"
    ]
    assert len(service_requests(result, "Patient/p", include_sensitive=True)) == 2


def test_to_fhir_delegates() -> None:
    result = make_result(consent=True)
    assert result.to_fhir("Patient/p1") == service_requests(result, "Patient/p1")


def test_service_request_content() -> None:
    when = datetime(2025, 3, 4, 10, 30, tzinfo=timezone(timedelta(hours=-8)))
    resources = service_requests(make_result(consent=False), "Patient/p1", authored_on=when)
    first = validate(ServiceRequest, resources[0])
    assert first["status"] == "draft" and first["intent"] == "order"
    assert first["subject"] == {"reference": "Patient/p1"}
    assert first["authoredOn"] == "2025-03-04T10:30:00-08:00"
    assert first["priority"] == "asap"  # urgency "urgent"
    assert first["category"] == [{
        "coding": [{"system": GRAVITY_SYSTEM, "code": "housing-instability",
                    "display": "Housing Instability"}],
        "text": "Housing Instability"}]  # fmt: skip
    assert "Housing" in first["code"]["text"] and "Service s-1" in first["code"]["text"]
    assert first["performer"] == [{"reference": "HealthcareService/s-1", "display": "Service s-1"}]
    assert first["locationReference"] == [{"reference": "Location/loc-1"}]
    assert first["note"] == [{"text": "rank 1 of 3, score 0.82"}]
    # provenance: one reason per screening item, LOINC coded, answers in text
    assert [cc["coding"] for cc in first["reasonCode"]] == [
        [{"system": "http://loinc.org", "code": "71802-3"}],
        [{"system": "http://loinc.org", "code": "96778-6"}],
    ]
    assert "LA31994-9" in first["reasonCode"][0]["text"]
    assert "LA31996-4" in first["reasonCode"][1]["text"]
    assert first["supportingInfo"] == [{"display": HRSN.describe()}]
    # the note says nothing about the client
    assert "client-42" not in json.dumps(first)
    # ranks come out in order within a need; the employment need has no provenance
    assert [r["note"][0]["text"][:6] for r in resources[:3]] == ["rank 1", "rank 2", "rank 3"]
    employment = resources[-1]
    assert employment["priority"] == "routine"
    assert "reasonCode" not in employment and "supportingInfo" not in employment
    assert employment["category"][0]["coding"][0]["code"] == "employment-status"
    for resource in resources:
        assert resource["priority"] in PRIORITIES


def test_need_without_gravity_code_has_no_category_and_free_text_provenance() -> None:
    need = NeedResult(need="legal", label="Legal aid", priority=1, urgency="soon",
                      provenance=(Provenance(instrument="case manager", note="eviction notice"),),
                      matches=(_match("legal", "l-1", 1, 0.5),))  # fmt: skip
    [resource] = service_requests(MatchResult("c", [need], excluded=lambda: []), "Patient/p")
    validate(ServiceRequest, resource)
    assert "category" not in resource
    assert resource["priority"] == "urgent"
    assert resource["reasonCode"] == [{"text": "case manager (eviction notice)"}]


def test_ids_are_deterministic_unique_and_valid() -> None:
    a = service_requests(make_result(consent=True), "Patient/p1", include_sensitive=True)
    b = service_requests(make_result(consent=True), "Patient/other", include_sensitive=True,
                         authored_on=datetime(2025, 1, 1, tzinfo=UTC))  # fmt: skip
    ids = [r["id"] for r in a]
    assert ids == [r["id"] for r in b]
    assert len(set(ids)) == len(ids)
    for value in ids:
        assert uuid.UUID(value).version == 5
    other_client = make_result(consent=True)
    other_client.client_id = "client-43"
    assert service_requests(other_client, "Patient/p1")[0]["id"] != ids[0]
    # the HSDS id with an underscore becomes a valid FHIR id, the same one HealthcareService uses
    performer = next(r["performer"][0]["reference"] for r in a if "s_3" in r["code"]["text"])
    assert performer == f"HealthcareService/{fhir_id('s_3')}" != "HealthcareService/s_3"


def test_top_keeps_each_needs_best() -> None:
    result = make_result(consent=True)
    top1 = service_requests(result, "Patient/p1", include_sensitive=True, top=1)
    assert [r["note"][0]["text"] for r in top1] == [
        "rank 1 of 3, score 0.82", "rank 1 of 1, score 0.90", "rank 1 of 1, score 0.50"
    ]
    assert service_requests(result, "Patient/p1", top=0) == []


@pytest.mark.parametrize("reference", ["p1", "Patient/", "Practitioner/1", "Patient/a_b",
                                       "Patient/secret-value extra", "", "Patient/1/x"])  # fmt: skip
def test_patient_reference_is_validated_without_echo(reference: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        service_requests(make_result(consent=False), reference)
    assert isinstance(info.value, ValueError) and isinstance(info.value, ReferralMatchError)
    # one fixed message whatever the input: nothing of the value is echoed
    with pytest.raises(ConfigurationError) as other:
        service_requests(make_result(consent=False), "zzz-unrelated")
    assert str(info.value) == str(other.value)
    assert "secret-value" not in str(info.value) and "zzz" not in str(other.value)
    restored = pickle.loads(pickle.dumps(info.value))
    assert str(restored) == str(info.value)


def test_absolute_patient_reference_is_accepted() -> None:
    ref = "https://fhir.example.org/r4/Patient/p-1"
    resources = service_requests(make_result(consent=False), ref)
    assert resources and resources[0]["subject"] == {"reference": ref}


def test_bad_options_raise() -> None:
    with pytest.raises(ConfigurationError, match="timezone"):
        service_requests(make_result(consent=False), "Patient/p", authored_on=datetime(2025, 1, 1))
    with pytest.raises(ConfigurationError, match="top"):
        service_requests(make_result(consent=False), "Patient/p", top=-1)


# --------------------------------------------------------------------------- HealthcareService


def test_healthcare_service_fields(directory: Directory) -> None:
    hs = validate(HealthcareService, healthcare_service(directory.services["svc_1"], directory))
    assert hs["id"] == fhir_id("svc_1") and hs["identifier"] == [{"value": "svc_1"}]
    assert hs["active"] is True and hs["name"] == "Harbor Night Shelter"
    assert hs["comment"] == "Beds for adults."
    assert hs["providedBy"] == {"reference": "Organization/org-1", "display": "Harbor House"}
    assert hs["program"] == [{"text": "Shelter Program"}]
    assert [c["text"] for c in hs["type"]] == ["Emergency Shelter", "Night drop-in"]
    assert hs["type"][0]["coding"] == [
        {"system": "https://openeligibility.org", "code": "1102", "display": "Emergency Shelter"}
    ]
    assert "coding" not in hs["type"][1]
    assert [c["text"] for c in hs["category"]] == ["Housing", "Night drop-in"]
    assert hs["location"] == [
        {"reference": "Location/loc-1", "display": "Harbor House Main"},
        {"reference": f"Location/{fhir_id('loc 2')}"},
    ]
    assert hs["telecom"] == [
        {"system": "phone", "value": "+16505550100 ext. 12", "use": "work"},
        {"system": "fax", "value": "+16505550101", "use": "work"},
        {"system": "sms", "value": "+16505550102", "use": "work"},
        {"system": "email", "value": "intake@example.org"},
        {"system": "url", "value": "https://example.org/shelter"},
    ]
    assert hs["eligibility"] == [
        {"comment": "Adults experiencing homelessness"},
        {"code": {"text": "age"}, "comment": "ages 18 and over"},
    ]
    assert [c["coding"][0]["code"] for c in hs["serviceProvisionCode"]] == ["free"]
    assert "Sliding scale" in hs["extraDetails"]


def test_available_time_weekday_overnight_and_24_hours(directory: Directory) -> None:
    hs = validate(HealthcareService, healthcare_service(directory.services["svc_1"], directory))
    assert hs["availableTime"] == [
        {"daysOfWeek": ["mon", "tue", "wed", "thu", "fri"],
         "availableStartTime": "09:00:00", "availableEndTime": "17:00:00"},
        {"daysOfWeek": ["fri", "sat"], "availableStartTime": "20:00:00",
         "availableEndTime": "23:59:59"},
        {"daysOfWeek": ["sat", "sun"], "availableStartTime": "00:00:00",
         "availableEndTime": "08:00:00"},
        {"daysOfWeek": ["sun"], "allDay": True},
    ]  # fmt: skip
    for slot in hs["availableTime"]:
        assert set(slot["daysOfWeek"]) <= set(DAYS)
    # the monthly rule cannot be expressed weekly, so it is described, not dropped
    assert hs["availabilityExceptions"] == "Second Tuesday clinic 10-12"


def test_overnight_wraps_sunday_to_monday_and_midnight_close() -> None:
    service = Service(id="s", name="Line", schedules=[
        Schedule(id="a", byday="SU", opens_at="22:00", closes_at="06:00"),
        Schedule(id="b", byday="TU", opens_at="18:00", closes_at="00:00"),
        Schedule(id="c", byday="WE", opens_at="00:00", closes_at="23:59"),
        Schedule(id="d", byday="TH"),
        Schedule(id="e", opens_at="09:00", closes_at="10:00"),
        Schedule(id="f", freq="WEEKLY", interval=2, byday="FR", opens_at="13:00",
                 closes_at="15:00"),
    ])  # fmt: skip
    hs = validate(HealthcareService, healthcare_service(service, Directory(services=[service])))
    slots = {tuple(s["daysOfWeek"]): s for s in hs["availableTime"]}
    assert slots[("sun",)] == {"daysOfWeek": ["sun"], "availableStartTime": "22:00:00",
                               "availableEndTime": "23:59:59"}  # fmt: skip
    assert slots[("mon",)]["availableEndTime"] == "06:00:00"
    assert slots[("tue",)] == {"daysOfWeek": ["tue"], "availableStartTime": "18:00:00",
                               "availableEndTime": "23:59:59"}  # fmt: skip
    assert slots[("wed",)] == {"daysOfWeek": ["wed"], "allDay": True}
    assert slots[("thu",)] == {"daysOfWeek": ["thu"]}
    assert ("wed", "thu") not in slots and len(slots) == 5
    assert "09:00-10:00" in hs["availabilityExceptions"]
    assert "every 2 on FR 13:00-15:00" in hs["availabilityExceptions"]
    assert ("fri",) not in slots


def test_communication_languages(directory: Directory) -> None:
    hs = validate(HealthcareService, healthcare_service(directory.services["svc_1"], directory))
    assert hs["communication"] == [
        {"coding": [{"system": "urn:ietf:bcp:47", "code": "es", "display": "Spanish"}],
         "text": "Spanish"},
        {"coding": [{"system": "urn:ietf:bcp:47", "code": "zh-Hant",
                     "display": "Chinese (Traditional)"}], "text": "Chinese (Traditional)"},
        {"text": "Tagalog"},
    ]  # fmt: skip


def test_inactive_service_and_fees(directory: Directory) -> None:
    hs = validate(HealthcareService, healthcare_service(directory.services["svc-2"], directory))
    assert hs["active"] is False
    assert [c["coding"][0]["code"] for c in hs["serviceProvisionCode"]] == ["cost"]
    for key in ("providedBy", "location", "availableTime", "communication", "telecom"):
        assert key not in hs


def test_sliding_scale_gives_discount_code() -> None:
    service = Service(id="s", name="Clinic", fees_description="Sliding scale fee",
                      cost_options=[CostOption(id="c", amount=20.0)])  # fmt: skip
    hs = validate(HealthcareService, healthcare_service(service, Directory(services=[service])))
    assert [c["coding"][0]["code"] for c in hs["serviceProvisionCode"]] == ["cost", "disc"]


def test_healthcare_services_covers_directory(directory: Directory) -> None:
    resources = healthcare_services(directory)
    assert [r["identifier"][0]["value"] for r in resources] == list(directory.services)
    for resource in resources:
        validate(HealthcareService, resource)


# --------------------------------------------------------------------------- Location


def test_location_resource(directory: Directory) -> None:
    loc = validate(FhirLocation, location_resource(directory.locations["loc-1"]))
    assert loc["id"] == "loc-1" and loc["name"] == "Harbor House Main"
    assert loc["position"] == {"longitude": -122.3255, "latitude": 37.563}
    assert loc["address"] == {
        "use": "work", "type": "physical", "line": ["1 Harbor Way", "Suite 2"],
        "city": "San Mateo", "district": "San Mateo County", "state": "CA",
        "postalCode": "94401", "country": "US",
    }  # fmt: skip
    assert loc["managingOrganization"] == {"reference": "Organization/org-1"}
    assert loc["telecom"][0] == {"system": "phone", "value": "+16505550200", "use": "mobile"}
    assert loc["hoursOfOperation"] == [
        {"daysOfWeek": ["mon", "wed"], "openingTime": "08:30:00", "closingTime": "16:00:00"}
    ]


def test_bare_location_is_valid() -> None:
    loc = validate(FhirLocation, location_resource(Location(id="loc 2")))
    assert loc["id"] == fhir_id("loc 2")
    assert "position" not in loc and "address" not in loc
