"""FHIR R4 exchange: match results as draft ServiceRequests, directory records as HealthcareService and Location.

The shapes follow the HL7 SDOH Clinical Care implementation guide (Gravity Project): a referral
is a ``ServiceRequest`` with status ``draft`` and intent ``order``, categorised with the Gravity
SDOH category code of its need, citing the screening answers that raised the need, and naming
the matched ``HealthcareService`` as performer. Every function returns plain JSON-serialisable
dicts; nothing here imports a FHIR library, and nothing is sent anywhere.

Privacy: needs marked sensitive (42 CFR Part 2, mental health, safety) are left out of
ServiceRequests unless the client consented *and* the caller asks for them; those that are
included carry the ``R`` (restricted) confidentiality label. Error messages never echo values.

Example:
    >>> from referralmatch.models.results import Match, MatchResult, NeedResult
    >>> need = NeedResult(need="food", label="Food", priority=1, urgency="routine",
    ...                   gravity_code="food-insecurity",
    ...                   matches=(Match(need="food", service_id="s1", service_name="Pantry",
    ...                                  score=0.82, rank=1),))
    >>> result = MatchResult("c1", [need], excluded=lambda: [])
    >>> [sr] = service_requests(result, "Patient/123")
    >>> sr["status"], sr["intent"], sr["category"][0]["coding"][0]["code"]
    ('draft', 'order', 'food-insecurity')
    >>> sr["performer"][0]["reference"], sr["note"][0]["text"]
    ('HealthcareService/s1', 'rank 1 of 1, score 0.82')
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ..io.normalize import phone_e164
from ..models.results import BUILT_IN_NOTE

if TYPE_CHECKING:
    from ..directory import Directory
    from ..models.directory import Location, Phone, Schedule, Service, TaxonomyTerm
    from ..models.need import Provenance
    from ..models.results import Fallback, Match, MatchResult, NeedResult

__all__ = [
    "GRAVITY_SYSTEM",
    "fhir_id",
    "healthcare_service",
    "healthcare_services",
    "location_resource",
    "service_requests",
]

Resource = dict[str, Any]

GRAVITY_SYSTEM = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
LOINC_SYSTEM = "http://loinc.org"
BCP47_SYSTEM = "urn:ietf:bcp:47"
CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
PROVISION_SYSTEM = "http://terminology.hl7.org/CodeSystem/service-provision-conditions"

# Gravity SDOH category codes (SDOH Clinical Care IG STU3) and their displays.
_GRAVITY_DISPLAY = {
    "sdoh-category-unspecified": "SDOH Category Unspecified",
    "food-insecurity": "Food Insecurity",
    "housing-instability": "Housing Instability",
    "homelessness": "Homelessness",
    "inadequate-housing": "Inadequate Housing",
    "transportation-insecurity": "Transportation Insecurity",
    "financial-insecurity": "Financial Insecurity",
    "material-hardship": "Material Hardship",
    "educational-attainment": "Educational Attainment",
    "employment-status": "Employment Status",
    "veteran-status": "Veteran Status",
    "stress": "Stress",
    "social-connection": "Social Connection",
    "intimate-partner-violence": "Intimate Partner Violence",
    "elder-abuse": "Elder Abuse",
    "personal-health-literacy": "Personal Health Literacy",
    "health-insurance-coverage-status": "Health Insurance Coverage Status",
    "medical-cost-burden": "Medical Cost Burden",
    "digital-literacy": "Digital Literacy",
    "digital-access": "Digital Access",
    "utility-insecurity": "Utility Insecurity",
    "incarceration-status": "Incarceration Status",
    "language-access": "Language Access",
    "protective-factor": "Protective Factor",
}

# Need urgency (referralmatch) -> ServiceRequest.priority (FHIR request-priority).
_PRIORITY = {"routine": "routine", "soon": "urgent", "urgent": "asap", "immediate": "stat"}
_FHIR_PRIORITIES = frozenset({"routine", "urgent", "asap", "stat"})

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:referralmatch:fhir")
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_PATIENT_REF = re.compile(r"^(?:https?://[^\s/]+(?:/[^\s/]+)*/)?Patient/[A-Za-z0-9\-.]{1,64}$")
_LOINC = re.compile(r"^\d{1,8}-\d$")
_FHIR_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_END_OF_DAY = "23:59:59"
_SEP = "\x1f"


def fhir_id(value: str) -> str:
    """A valid FHIR resource id for a directory id: the id itself when valid, else a stable uuid5.

    FHIR ids are 1-64 characters of ``A-Z a-z 0-9 - .``; HSDS ids may be anything.

    >>> fhir_id("4a8e-11")
    '4a8e-11'
    >>> fhir_id("svc_1") == fhir_id("svc_1") != "svc_1"
    True
    """
    if _FHIR_ID.match(value):
        return value
    return str(uuid.uuid5(_NAMESPACE, "id" + _SEP + value))


# --------------------------------------------------------------------------- ServiceRequest


def service_requests(
    result: MatchResult,
    patient_reference: str,
    *,
    include_sensitive: bool = False,
    authored_on: datetime | None = None,
    top: int | None = None,
) -> list[Resource]:
    """Draft FHIR R4 ``ServiceRequest`` dicts, one per match, needs in priority order.

    ``patient_reference`` is ``"Patient/<id>"`` (or an absolute URL ending so). Sensitive needs
    and matches are left out unless ``result.consent_to_share_sensitive`` *and*
    ``include_sensitive`` are both true. ``top`` keeps only each need's best ``top`` matches by
    rank. ``authored_on`` must be timezone-aware; ``None`` leaves ``authoredOn`` out, so the
    output is fully deterministic. Ids are uuid5 of client, need, service and location.

    Raises:
        ConfigurationError: a malformed patient reference, a naive ``authored_on`` or a
            negative ``top``.

    >>> from referralmatch.models.results import Match, MatchResult, NeedResult
    >>> therapy = NeedResult(need="therapy", label="Therapy", priority=1, urgency="urgent",
    ...                      sensitive=True, matches=(Match(need="therapy", service_id="t1",
    ...                      service_name="Counseling", score=0.7, rank=1),))
    >>> result = MatchResult("c1", [therapy], excluded=lambda: [],
    ...                      consent_to_share_sensitive=True)
    >>> service_requests(result, "Patient/p1")
    []
    >>> [sr] = service_requests(result, "Patient/p1", include_sensitive=True)
    >>> sr["priority"], sr["meta"]["security"][0]["code"]
    ('asap', 'R')
    """
    if not isinstance(patient_reference, str) or not _PATIENT_REF.match(patient_reference):
        raise ConfigurationError(
            "patient_reference must be a FHIR reference of the form 'Patient/<id>' "
            "(id: 1-64 letters, digits, '-' or '.')"
        )
    if authored_on is not None and authored_on.utcoffset() is None:
        raise ConfigurationError("authored_on must be timezone-aware (FHIR dateTime needs an offset)")
    if top is not None and top < 0:
        raise ConfigurationError("top must be None or a non-negative number of matches per need")
    share_sensitive = bool(include_sensitive and result.consent_to_share_sensitive)
    out: list[Resource] = []
    for need in result.needs:
        if need.sensitive and not share_sensitive:
            continue
        ranked = sorted(need.matches, key=lambda m: (m.rank, m.service_id))
        total = len(ranked)
        if top is not None:
            ranked = ranked[:top]
        for match in ranked:
            if match.sensitive and not share_sensitive:
                continue
            out.append(_service_request(result.client_id, need, match, total, patient_reference,
                                        authored_on))  # fmt: skip
        for fallback in need.fallbacks:
            out.append(_fallback_request(result.client_id, need, fallback, patient_reference,
                                         authored_on))  # fmt: skip
    return out


SOURCE_TAG_SYSTEM = "urn:referralmatch:source"
"""``meta.tag`` system marking a ServiceRequest for a built-in national line (code
``built-in``), not a service of the directory."""


def _fallback_request(
    client_id: str,
    need: NeedResult,
    fallback: Fallback,
    patient_reference: str,
    authored_on: datetime | None,
) -> Resource:
    """A draft ServiceRequest for a built-in national line (988, 911, the National Domestic
    Violence Hotline): tagged built-in, performer by display only (it is no HealthcareService of
    the directory), and a note saying so."""
    key = _SEP.join(("fallback", client_id, need.need, fallback.key))
    meta: Resource = {"tag": [{"system": SOURCE_TAG_SYSTEM, "code": "built-in",
                               "display": BUILT_IN_NOTE}]}  # fmt: skip
    if need.sensitive:
        meta["security"] = [{"system": CONFIDENTIALITY_SYSTEM, "code": "R", "display": "restricted"}]
    resource: Resource = {
        "resourceType": "ServiceRequest",
        "id": str(uuid.uuid5(_NAMESPACE, key)),
        "meta": meta,
        "status": "draft",
        "intent": "proposal",
        "priority": _priority(need.urgency),
        "code": {"text": f"{need.label}: {fallback.name} ({fallback.contact})"},
        "subject": {"reference": patient_reference},
    }
    if authored_on is not None:
        resource["authoredOn"] = authored_on.isoformat()
    resource["performer"] = [{"display": fallback.name}]
    resource["note"] = [{"text": f"{BUILT_IN_NOTE}: {fallback.contact}. {need.fallback_note or ''}".strip()}]
    return resource


def _service_request(
    client_id: str,
    need: NeedResult,
    match: Match,
    total: int,
    patient_reference: str,
    authored_on: datetime | None,
) -> Resource:
    key = _SEP.join(("servicerequest", client_id, need.need, match.service_id,
                     match.location_id or ""))  # fmt: skip
    resource: Resource = {
        "resourceType": "ServiceRequest",
        "id": str(uuid.uuid5(_NAMESPACE, key)),
    }
    if need.sensitive or match.sensitive:
        resource["meta"] = {"security": [{"system": CONFIDENTIALITY_SYSTEM, "code": "R",
                                          "display": "restricted"}]}  # fmt: skip
    resource["status"] = "draft"
    resource["intent"] = "order"
    if need.gravity_code:
        display = _GRAVITY_DISPLAY.get(need.gravity_code)
        coding: dict[str, str] = {"system": GRAVITY_SYSTEM, "code": need.gravity_code}
        if display:
            coding["display"] = display
        resource["category"] = [{"coding": [coding], "text": display or need.label}]
    resource["priority"] = _priority(need.urgency)
    org = f" ({match.organization_name})" if match.organization_name else ""
    resource["code"] = {"text": f"{need.label} referral: {match.service_name}{org}"}
    resource["subject"] = {"reference": patient_reference}
    if authored_on is not None:
        resource["authoredOn"] = authored_on.isoformat()
    performer: dict[str, str] = {"reference": f"HealthcareService/{fhir_id(match.service_id)}"}
    if match.service_name.strip():
        performer["display"] = match.service_name
    resource["performer"] = [performer]
    if match.location_id:
        resource["locationReference"] = [{"reference": f"Location/{fhir_id(match.location_id)}"}]
    provenance = _unique(list(need.provenance) + list(match.provenance))
    if provenance:
        resource["reasonCode"] = [cc for p in provenance for cc in _reason_codes(p)]
        resource["supportingInfo"] = [{"display": p.describe()} for p in provenance]
    note = f"rank {match.rank} of {total}, score {match.score:.2f}"
    if match.inactive:
        note += "; the service is INACTIVE in the directory (included on request)"
    resource["note"] = [{"text": note}]
    return resource


def _priority(urgency: str) -> str:
    if urgency in _PRIORITY:
        return _PRIORITY[urgency]
    return urgency if urgency in _FHIR_PRIORITIES else "routine"


def _unique(items: Iterable[Provenance]) -> list[Provenance]:
    seen: list[Provenance] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _reason_codes(p: Provenance) -> list[Resource]:
    """One CodeableConcept per screening item: the item's LOINC code and its answer in text."""
    if not p.items:
        return [{"text": p.describe()}]
    out: list[Resource] = []
    for i, item in enumerate(p.items):
        answer = p.answers[i] if i < len(p.answers) else None
        text = f"{p.instrument} item {item}" + (f" answered {answer}" if answer else "")
        cc: Resource = {"text": text}
        if _LOINC.match(item):
            cc = {"coding": [{"system": LOINC_SYSTEM, "code": item}], "text": text}
        out.append(cc)
    return out


# --------------------------------------------------------------------------- HealthcareService


def healthcare_services(directory: Directory) -> list[Resource]:
    """A FHIR R4 ``HealthcareService`` dict for every service of ``directory``, in order.

    >>> from referralmatch.directory import Directory
    >>> from referralmatch.models import Service
    >>> d = Directory(services=[Service(id="s1", name="Pantry"), Service(id="s2", name="Clinic")])
    >>> [hs["name"] for hs in healthcare_services(d)]
    ['Pantry', 'Clinic']
    """
    return [healthcare_service(service, directory) for service in directory.services.values()]


def healthcare_service(service: Service, directory: Directory) -> Resource:
    """One service as a FHIR R4 ``HealthcareService`` dict.

    Taxonomy terms become ``type`` (each term) and ``category`` (each term's top-level ancestor);
    locations become ``location`` references; weekly schedules become ``availableTime``
    (``HH:MM:SS`` local times; an overnight span is split at midnight into two entries, equal
    opening and closing times mean open all day); schedules FHIR cannot express (monthly rules,
    "2nd Tuesday") are described in ``availabilityExceptions``. Languages are BCP 47 codes.

    >>> from referralmatch.directory import Directory
    >>> from referralmatch.models import Language, Schedule, Service
    >>> s = Service(id="s1", name="Pantry", status="active",
    ...             languages=[Language(id="la1", code="es", name="Spanish")],
    ...             schedules=[Schedule(id="sc1", byday="MO,WE", opens_at="09:00",
    ...                                 closes_at="17:00")])
    >>> hs = healthcare_service(s, Directory(services=[s]))
    >>> hs["availableTime"]
    [{'daysOfWeek': ['mon', 'wed'], 'availableStartTime': '09:00:00', 'availableEndTime': '17:00:00'}]
    >>> hs["communication"][0]["coding"][0]["code"]
    'es'
    """
    resource: Resource = {
        "resourceType": "HealthcareService",
        "id": fhir_id(service.id),
        "identifier": [{"value": service.id}],
        "active": service.status == "active",
    }
    organization = directory.organization_of(service) if service.organization_id else None
    if organization is not None:
        resource["providedBy"] = {"reference": f"Organization/{fhir_id(organization.id)}",
                                  "display": organization.name}  # fmt: skip
    terms = directory.taxonomy_terms_of(service)
    if terms:
        roots = _unique_terms(_root_term(t, directory) for t in terms)
        resource["category"] = [_term_concept(t, directory) for t in roots]
        resource["type"] = [_term_concept(t, directory) for t in _unique_terms(terms)]
    resource["name"] = service.name
    if service.description:
        resource["comment"] = service.description
    extra = _extra_details(service)
    if extra:
        resource["extraDetails"] = extra
    locations = directory.locations_of(service)
    if locations:
        resource["location"] = [_location_reference(loc) for loc in locations]
    telecom = _telecom(list(service.phones)
                       + [p for sal in directory.service_at_locations_of(service) for p in sal.phones])  # fmt: skip
    if service.email:
        telecom.append({"system": "email", "value": service.email})
    if service.url:
        telecom.append({"system": "url", "value": service.url})
    if telecom:
        resource["telecom"] = telecom
    provision = _provision_codes(service)
    if provision:
        resource["serviceProvisionCode"] = provision
    eligibility = _eligibility(service)
    if eligibility:
        resource["eligibility"] = eligibility
    program = directory.programs.get(service.program_id) if service.program_id else None
    if program is not None:
        resource["program"] = [{"text": program.name}]
    communication = _communication(service.languages)
    if communication:
        resource["communication"] = communication
    slots, exceptions = _weekly_hours(directory.schedules_of(service))
    if slots:
        resource["availableTime"] = [
            _slot_dict(s, "availableStartTime", "availableEndTime") for s in slots
        ]
    if exceptions:
        resource["availabilityExceptions"] = "; ".join(exceptions)
    return resource


def location_resource(location: Location) -> Resource:
    """One location as a FHIR R4 ``Location`` dict: address, position (decimal degrees), hours.

    >>> from referralmatch.models import Address, Location
    >>> loc = Location(id="l1", name="Main St", latitude=37.56, longitude=-122.32,
    ...                addresses=[Address(id="a1", address_1="1 Main St", city="San Mateo",
    ...                                   state_province="CA", postal_code="94401")])
    >>> r = location_resource(loc)
    >>> r["position"], r["address"]["city"]
    ({'longitude': -122.32, 'latitude': 37.56}, 'San Mateo')
    """
    resource: Resource = {
        "resourceType": "Location",
        "id": fhir_id(location.id),
        "identifier": [{"value": location.id}],
        "status": "active",
    }
    if location.name:
        resource["name"] = location.name
    if location.alternate_name:
        resource["alias"] = [location.alternate_name]
    if location.description:
        resource["description"] = location.description
    resource["mode"] = "instance"
    telecom = _telecom(location.phones)
    if location.url:
        telecom.append({"system": "url", "value": location.url})
    if telecom:
        resource["telecom"] = telecom
    address = location.physical_address()
    if address is not None:
        fhir_address: Resource = {"use": "work"}
        if address.address_type in ("physical", "postal"):
            fhir_address["type"] = address.address_type
        lines = [line for line in (address.address_1, address.address_2) if line]
        if lines:
            fhir_address["line"] = lines
        for source, target in (("city", "city"), ("region", "district"),
                               ("state_province", "state"), ("postal_code", "postalCode"),
                               ("country", "country")):  # fmt: skip
            value = getattr(address, source)
            if value:
                fhir_address[target] = value
        if len(fhir_address) > 1:
            resource["address"] = fhir_address
    if location.latitude is not None and location.longitude is not None:
        resource["position"] = {"longitude": location.longitude, "latitude": location.latitude}
    if location.organization_id:
        resource["managingOrganization"] = {
            "reference": f"Organization/{fhir_id(location.organization_id)}"
        }
    slots, _ = _weekly_hours(location.schedules)
    if slots:
        resource["hoursOfOperation"] = [_slot_dict(s, "openingTime", "closingTime") for s in slots]
    return resource


def _location_reference(location: Location) -> Resource:
    ref: Resource = {"reference": f"Location/{fhir_id(location.id)}"}
    if location.name:
        ref["display"] = location.name
    return ref


def _root_term(term: TaxonomyTerm, directory: Directory) -> TaxonomyTerm:
    seen = {term.id}
    while term.parent_id and term.parent_id not in seen:
        parent = directory.taxonomy_terms.get(term.parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        term = parent
    return term


def _unique_terms(terms: Iterable[TaxonomyTerm]) -> list[TaxonomyTerm]:
    out: dict[str, TaxonomyTerm] = {}
    for term in terms:
        out.setdefault(term.id, term)
    return list(out.values())


def _term_concept(term: TaxonomyTerm, directory: Directory) -> Resource:
    concept: Resource = {"text": term.name}
    taxonomy = directory.taxonomies.get(term.taxonomy_id) if term.taxonomy_id else None
    system = taxonomy.uri if taxonomy is not None else term.taxonomy
    if term.code and system and _is_uri(system):
        concept = {"coding": [{"system": system, "code": term.code, "display": term.name}],
                   "text": term.name}  # fmt: skip
    return concept


def _is_uri(value: str) -> bool:
    return bool(re.match(r"^(?:https?://|urn:)\S+$", value))


_PHONE_SYSTEM = {"fax": "fax", "pager": "pager", "text": "sms", "sms": "sms", "video": "other",
                 "textphone": "other", "tty": "other"}  # fmt: skip


def _telecom(phones: Sequence[Phone]) -> list[Resource]:
    out: list[Resource] = []
    seen: set[tuple[str, str]] = set()
    for phone in phones:
        kind = (phone.type or "voice").strip().lower()
        # E.164 when the number is dialable ("+16503726200 ext. 12"), else the text as written
        value = phone_e164(phone.number, phone.extension) or (
            phone.number + (f" ext. {phone.extension}" if phone.extension else "")
        )
        system = _PHONE_SYSTEM.get(kind, "phone")
        if (system, value) in seen:
            continue
        seen.add((system, value))
        point: Resource = {"system": system, "value": value, "use": "work"}
        if kind in ("cell", "mobile"):
            point["use"] = "mobile"
        out.append(point)
    return out


def _extra_details(service: Service) -> str | None:
    parts = [(label, getattr(service, field)) for label, field in (
        ("Application", "application_process"), ("Fees", "fees_description"),
        ("Wait time", "wait_time"), ("Alert", "alert"))]  # fmt: skip
    lines = [f"**{label}:** {value}" for label, value in parts if value]
    return "\n\n".join(lines) or None


def _provision_codes(service: Service) -> list[Resource]:
    amounts = [c.amount for c in service.cost_options if c.amount is not None]
    texts = [service.fees_description, service.fees]
    texts += [t for c in service.cost_options for t in (c.option, c.amount_description)]
    words = " ".join(t.lower() for t in texts if t)
    sliding = "sliding" in words or "discount" in words
    codes: list[tuple[str, str]] = []
    if amounts and all(a == 0 for a in amounts):
        codes.append(("free", "Free"))
    else:
        if amounts:
            codes.append(("cost", "Fees apply"))
        if sliding:
            codes.append(("disc", "Discounts Available"))
    return [{"coding": [{"system": PROVISION_SYSTEM, "code": c, "display": d}], "text": d}
            for c, d in codes]  # fmt: skip


def _age(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _eligibility(service: Service) -> list[Resource]:
    out: list[Resource] = []
    if service.eligibility_description:
        out.append({"comment": service.eligibility_description})
    low, high = service.minimum_age, service.maximum_age
    if low is not None or high is not None:
        text = ""
        if low is not None and high is not None:
            text = f"ages {_age(low)} to {_age(high)}"
        elif low is not None:
            text = f"ages {_age(low)} and over"
        elif high is not None:
            text = f"ages up to {_age(high)}"
        out.append({"code": {"text": "age"}, "comment": text})
    return out


def _communication(languages: Iterable[Any]) -> list[Resource]:
    out: list[Resource] = []
    seen: set[str] = set()
    for language in languages:
        key = language.code or (language.name or "").lower()
        if not key or key in seen:
            continue
        seen.add(key)
        if language.code:
            coding: dict[str, str] = {"system": BCP47_SYSTEM, "code": language.code}
            if language.name:
                coding["display"] = language.name
            out.append({"coding": [coding], "text": language.name or language.code})
        else:
            out.append({"text": language.name})
    return out


# --------------------------------------------------------------------------- schedules

_Slot = tuple[tuple[int, ...], bool, str | None, str | None]


def _hms(value: time) -> str:
    return f"{value:%H:%M:%S}"


def _weekly_hours(schedules: Iterable[Schedule]) -> tuple[list[_Slot], list[str]]:
    """Weekly slots (days, all day, start, end) merged by identical times, and what FHIR can't say."""
    raw: list[tuple[tuple[int, ...], bool, str | None, str | None]] = []
    exceptions: list[str] = []
    for schedule in schedules:
        days_text = [d for d in (schedule.byday or "").split(",") if d]
        ordinal = any(len(d) > 2 for d in days_text)
        monthly = schedule.freq == "MONTHLY" or bool(schedule.bymonthday or schedule.byyearday
                                                     or schedule.byweekno)  # fmt: skip
        every_other = schedule.interval is not None and schedule.interval > 1
        if not days_text or ordinal or monthly or every_other:
            exceptions.append(_describe(schedule))
            continue
        days = tuple(sorted(set(schedule.weekdays())))
        opens, closes = schedule.opens_at, schedule.closes_at
        if opens is not None and closes is not None:
            if opens == closes or (opens == time(0) and closes >= time(23, 59)):
                raw.append((days, True, None, None))
            elif closes < opens:
                raw.append((days, False, _hms(opens), _END_OF_DAY))
                if closes != time(0):
                    after = tuple(sorted({(d + 1) % 7 for d in days}))
                    raw.append((after, False, "00:00:00", _hms(closes)))
            else:
                raw.append((days, False, _hms(opens), _hms(closes)))
        else:
            raw.append((days, False, _hms(opens) if opens else None,
                        _hms(closes) if closes else None))  # fmt: skip
    merged: dict[tuple[bool, str | None, str | None], set[int]] = {}
    for days, all_day, start, end in raw:
        merged.setdefault((all_day, start, end), set()).update(days)
    slots = [(tuple(sorted(days)), all_day, start, end)
             for (all_day, start, end), days in merged.items()]  # fmt: skip
    return slots, list(dict.fromkeys(exceptions))


def _describe(schedule: Schedule) -> str:
    if schedule.description:
        return schedule.description
    parts = []
    if schedule.freq:
        parts.append(schedule.freq.lower())
    if schedule.interval is not None and schedule.interval > 1:
        parts.append(f"every {schedule.interval}")
    for label, value in (("on", schedule.byday), ("on day", schedule.bymonthday)):
        if value:
            parts.append(f"{label} {value}")
    if schedule.opens_at and schedule.closes_at:
        parts.append(f"{schedule.opens_at:%H:%M}-{schedule.closes_at:%H:%M}")
    return " ".join(parts) or "schedule without weekdays"


def _slot_dict(slot: _Slot, start_key: str, end_key: str) -> Resource:
    days, all_day, start, end = slot
    out: Resource = {"daysOfWeek": [_FHIR_DAYS[d] for d in days]}
    if all_day:
        out["allDay"] = True
        return out
    if start:
        out[start_key] = start
    if end:
        out[end_key] = end
    return out
