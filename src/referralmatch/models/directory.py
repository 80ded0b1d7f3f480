"""Pydantic models of a community resource directory, aligned with Open Referral HSDS 3.0/3.1.

Field names are the specification's. Values are typed: coordinates are floats in range, ages
are numbers, times are :class:`datetime.time`, dates are :class:`datetime.date`, language codes
are ISO 639 (two or three lower-case letters). The in-memory shape is the HSDS 3 nested JSON
shape: a service holds its schedules, service areas, languages, cost options and so on, and a
location holds its addresses; foreign keys (``service_id``, ``location_id``) are kept as well, so
tabular and JSON sources end up equal.

Example:
    >>> s = Service(id="s1", name="Harbor Shelter", status="active", minimum_age="18")
    >>> s.minimum_age
    18.0
    >>> Schedule(id="sc1", opens_at="09:00", closes_at="17:30", byday="MO,TU").closes_at
    datetime.time(17, 30)
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "Accessibility",
    "Address",
    "Attribute",
    "Contact",
    "CostOption",
    "Funding",
    "HSDSModel",
    "Language",
    "Location",
    "Organization",
    "Phone",
    "Program",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceCapacity",
    "Taxonomy",
    "TaxonomyTerm",
    "Unit",
]

Latitude = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
Age = Annotated[float, Field(ge=0.0, le=130.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]

_LANG_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class HSDSModel(BaseModel):
    """Base of every directory model: unknown fields ignored, strings stripped, ids required."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, validate_assignment=True)

    id: Annotated[str, Field(min_length=1)]


class Taxonomy(HSDSModel):
    """A taxonomy (vocabulary) that taxonomy terms belong to, e.g. Open Eligibility or AIRS."""

    name: str
    description: str | None = None
    uri: str | None = None
    version: str | None = None


class TaxonomyTerm(HSDSModel):
    """One term of a taxonomy; ``code`` is the taxonomy's own identifier (e.g. Open Eligibility id)."""

    name: str
    code: str | None = None
    description: str | None = None
    parent_id: str | None = None
    taxonomy: str | None = None
    taxonomy_id: str | None = None
    language: str | None = None
    term_uri: str | None = None


class Attribute(HSDSModel):
    """Links a taxonomy term to an entity (``link_id``), e.g. a service's category."""

    link_id: str | None = None
    link_type: str | None = None
    link_entity: str | None = None
    taxonomy_term_id: str | None = None
    value: str | None = None


class Language(HSDSModel):
    """A language a service, location or phone line works in; ``code`` is ISO 639."""

    service_id: str | None = None
    location_id: str | None = None
    phone_id: str | None = None
    name: str | None = None
    code: str | None = None
    note: str | None = None

    @field_validator("code")
    @classmethod
    def _iso639(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        lowered = value.split("-", 1)[0].lower() + value[len(value.split("-", 1)[0]) :]
        if not _LANG_CODE.match(lowered):
            raise ValueError("language code must be ISO 639 (two or three letters)")
        return lowered


class Phone(HSDSModel):
    """A telephone number, with the languages answered on it."""

    location_id: str | None = None
    service_id: str | None = None
    organization_id: str | None = None
    contact_id: str | None = None
    service_at_location_id: str | None = None
    number: Annotated[str, Field(min_length=1)]
    extension: str | None = None
    type: str | None = None
    description: str | None = None
    languages: list[Language] = Field(default_factory=list)

    @field_validator("extension", mode="before")
    @classmethod
    def _extension_text(cls, value: object) -> object:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value) if isinstance(value, int) else value


class Contact(HSDSModel):
    """A named contact person for an organization, service or location."""

    organization_id: str | None = None
    service_id: str | None = None
    service_at_location_id: str | None = None
    location_id: str | None = None
    name: str | None = None
    title: str | None = None
    department: str | None = None
    email: str | None = None
    phones: list[Phone] = Field(default_factory=list)


class Schedule(HSDSModel):
    """When a service is open: an iCalendar-style weekly or monthly rule with opening times.

    ``byday`` holds comma-separated RFC 5545 weekdays (``"MO,WE"``); ``opens_at``/``closes_at`` are
    local times (a ``closes_at`` earlier than ``opens_at`` spans midnight). ``timezone`` is the UTC
    offset in hours as HSDS defines it.
    """

    service_id: str | None = None
    location_id: str | None = None
    service_at_location_id: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    dtstart: date | None = None
    timezone: float | None = None
    until: date | None = None
    count: int | None = None
    wkst: Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"] | None = None
    freq: Literal["WEEKLY", "MONTHLY"] | None = None
    interval: int | None = None
    byday: str | None = None
    byweekno: str | None = None
    bymonthday: str | None = None
    byyearday: str | None = None
    description: str | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    schedule_link: str | None = None
    attending_type: str | None = None
    notes: str | None = None

    @field_validator("byday")
    @classmethod
    def _weekdays(cls, value: str | None) -> str | None:
        if value is None:
            return None
        days = [d.strip().upper() for d in value.split(",") if d.strip()]
        for day in days:
            if day[-2:] not in _WEEKDAYS:
                raise ValueError("byday must list RFC 5545 weekdays such as MO,TU")
        return ",".join(days)

    def weekdays(self) -> list[int]:
        """Weekday numbers this schedule names (Monday = 0), from ``byday``.

        >>> Schedule(id="x", byday="MO,FR").weekdays()
        [0, 4]
        """
        if not self.byday:
            return []
        return [_WEEKDAYS.index(d[-2:]) for d in self.byday.split(",")]


class ServiceArea(HSDSModel):
    """Where a service is offered: a named area and optionally a GeoJSON ``extent``."""

    service_id: str | None = None
    service_at_location_id: str | None = None
    name: str | None = None
    description: str | None = None
    extent: str | None = None
    extent_type: str | None = None
    uri: str | None = None


class CostOption(HSDSModel):
    """A price or fee option; ``amount`` in ``currency`` units (0 means free)."""

    service_id: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    option: str | None = None
    currency: str | None = None
    amount: NonNegative | None = None
    amount_description: str | None = None


class RequiredDocument(HSDSModel):
    """A document a client must bring to use the service."""

    service_id: str | None = None
    document: str | None = None
    uri: str | None = None


class Funding(HSDSModel):
    """A funding source of an organization or service."""

    organization_id: str | None = None
    service_id: str | None = None
    source: str | None = None


class Unit(HSDSModel):
    """A unit of capacity (HSDS 3.1), e.g. ``bed``."""

    name: str
    scheme: str | None = None
    identifier: str | None = None
    uri: str | None = None


class ServiceCapacity(HSDSModel):
    """How many units of a service are available now (HSDS 3.1), e.g. 4 of 40 beds."""

    service_id: str | None = None
    unit: Unit | None = None
    unit_id: str | None = None
    available: NonNegative
    maximum: NonNegative | None = None
    description: str | None = None
    updated: datetime | None = None


class Address(HSDSModel):
    """A physical, postal or virtual address of a location."""

    location_id: str | None = None
    attention: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    region: str | None = None
    state_province: str | None = None
    postal_code: str | None = None
    country: str | None = None
    address_type: Literal["physical", "postal", "virtual"] = "physical"


class Accessibility(HSDSModel):
    """Accessibility provisions of a location (wheelchair access, hearing loops, ...)."""

    location_id: str | None = None
    description: str | None = None
    details: str | None = None
    url: str | None = None


class Location(HSDSModel):
    """A place where services are delivered; coordinates in decimal degrees (WGS 84)."""

    location_type: Literal["physical", "postal", "virtual"] = "physical"
    url: str | None = None
    organization_id: str | None = None
    name: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    transportation: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    external_identifier: str | None = None
    external_identifier_type: str | None = None
    languages: list[Language] = Field(default_factory=list)
    addresses: list[Address] = Field(default_factory=list)
    accessibility: list[Accessibility] = Field(default_factory=list)
    phones: list[Phone] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    schedules: list[Schedule] = Field(default_factory=list)
    attributes: list[Attribute] = Field(default_factory=list)

    @property
    def has_coordinates(self) -> bool:
        """True when both latitude and longitude are known."""
        return self.latitude is not None and self.longitude is not None

    def physical_address(self) -> Address | None:
        """The first physical address, else the first address of any type, else None."""
        for address in self.addresses:
            if address.address_type == "physical":
                return address
        return self.addresses[0] if self.addresses else None


class Program(HSDSModel):
    """A group of related services offered by one organization."""

    organization_id: str | None = None
    name: str
    alternate_name: str | None = None
    description: str | None = None


class Organization(HSDSModel):
    """An organization that provides services."""

    name: str
    alternate_name: str | None = None
    description: str | None = None
    email: str | None = None
    website: str | None = None
    tax_status: str | None = None
    tax_id: str | None = None
    year_incorporated: int | None = None
    legal_status: str | None = None
    logo: str | None = None
    uri: str | None = None
    parent_organization_id: str | None = None
    phones: list[Phone] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    attributes: list[Attribute] = Field(default_factory=list)

    @field_validator("year_incorporated", mode="before")
    @classmethod
    def _year(cls, value: object) -> object:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


class ServiceAtLocation(HSDSModel):
    """Links a service to a location where it is delivered, with location-specific details."""

    service_id: str
    location_id: str | None = None
    description: str | None = None
    service_areas: list[ServiceArea] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    phones: list[Phone] = Field(default_factory=list)
    schedules: list[Schedule] = Field(default_factory=list)
    attributes: list[Attribute] = Field(default_factory=list)


class Service(HSDSModel):
    """A service offered to clients, with everything HSDS nests under it.

    Ages are in years. ``status`` is one of active, inactive, defunct, temporarily closed.
    """

    organization_id: str | None = None
    program_id: str | None = None
    name: Annotated[str, Field(min_length=1)]
    alternate_name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: Literal["active", "inactive", "defunct", "temporarily closed"] = "active"
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    wait_time: str | None = None
    fees: str | None = None
    accreditations: str | None = None
    eligibility_description: str | None = None
    minimum_age: Age | None = None
    maximum_age: Age | None = None
    assured_date: date | None = None
    assurer_email: str | None = None
    licenses: str | None = None
    alert: str | None = None
    last_modified: datetime | None = None
    phones: list[Phone] = Field(default_factory=list)
    schedules: list[Schedule] = Field(default_factory=list)
    service_areas: list[ServiceArea] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    cost_options: list[CostOption] = Field(default_factory=list)
    required_documents: list[RequiredDocument] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    capacities: list[ServiceCapacity] = Field(default_factory=list)
    attributes: list[Attribute] = Field(default_factory=list)
