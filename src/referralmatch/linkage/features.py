"""Linkage features: each organization, location and service of a directory as normalised keys.

One :class:`OrgFeatures`, :class:`LocationFeatures` or :class:`ServiceFeatures` per record,
computed once from the models with :mod:`referralmatch.linkage.normalize`. The scorers compare
these, never the raw models, and :func:`grid_cell` gives the coordinate blocking key.

Example:
    >>> from referralmatch import Directory
    >>> from referralmatch.models import Location, Address
    >>> d = Directory(locations=[Location(id="l1", name="Harbor House", latitude=39.29,
    ...     longitude=-76.61, addresses=[Address(id="a1", address_1="12 Main Street",
    ...     postal_code="21201-0001")])])
    >>> f = location_features(d)["l1"]
    >>> f.address_key, f.zip5, f.cell
    ('12 main st', '21201', (17475, -26293))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..directory import Directory
from ..models.directory import Location, Organization, Phone, Service
from .normalize import (
    normalize_address,
    normalize_name,
    normalize_phone,
    normalize_text,
    normalize_website,
    normalize_zip,
)

__all__ = [
    "CELL_M",
    "LocationFeatures",
    "OrgFeatures",
    "ServiceFeatures",
    "grid_cell",
    "location_features",
    "organization_features",
    "service_features",
]

CELL_M = 250.0
"""Side of a blocking grid cell in metres (north-south; east-west scaled by latitude)."""

_M_PER_DEG_LAT = 111_195.0


def grid_cell(latitude: float, longitude: float, cell_m: float = CELL_M) -> tuple[int, int]:
    """The ``(row, column)`` of the ``cell_m``-metre grid cell holding a point (degrees).

    Columns are scaled by the cosine of a 1-degree latitude band, so a cell is about
    ``cell_m`` metres wide at any latitude; two points within ``cell_m`` metres are in the same
    or neighbouring cells.

    >>> grid_cell(39.2904, -76.6122)
    (17475, -26294)
    """
    row = math.floor(latitude * _M_PER_DEG_LAT / cell_m)
    band = math.cos(math.radians(math.floor(latitude) + 0.5))
    col = math.floor(longitude * _M_PER_DEG_LAT * band / cell_m)
    return row, col


def _phones(phones: list[Phone]) -> frozenset[str]:
    out = set()
    for phone in phones:
        if phone.type is not None and phone.type.strip().lower() == "fax":
            continue
        norm = normalize_phone(phone.number, phone.extension)
        if norm is not None:
            out.add(norm[0])
    return frozenset(out)


def _email(value: str | None) -> str | None:
    return value.strip().lower() or None if value else None


@dataclass(frozen=True, slots=True)
class OrgFeatures:
    """An organization's comparison keys; ``zips`` are those of its services' locations."""

    id: str
    name: str | None
    website: str | None
    email: str | None
    phones: frozenset[str]
    zips: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class LocationFeatures:
    """A location's comparison keys; ``cell`` is its :func:`grid_cell` (None without coordinates)."""

    id: str
    name: str | None
    address_key: str | None
    number: str | None
    street: str | None
    unit: str | None
    zip5: str | None
    city: str | None
    latitude: float | None
    longitude: float | None
    cell: tuple[int, int] | None
    phones: frozenset[str]
    organization_id: str | None


@dataclass(frozen=True, slots=True)
class ServiceFeatures:
    """A service's comparison keys, with the ids of its organization and locations."""

    id: str
    name: str | None
    organization_id: str | None
    location_ids: frozenset[str]
    zips: frozenset[str]
    phones: frozenset[str]
    email: str | None
    url: str | None
    description: str | None
    eligibility: str | None
    codes: frozenset[str]


def _org(org: Organization, zips: frozenset[str], phones: frozenset[str]) -> OrgFeatures:
    own = _phones(org.phones) | frozenset(p for c in org.contacts for p in _phones(c.phones))
    return OrgFeatures(
        id=org.id,
        name=normalize_name(org.name),
        website=normalize_website(org.website),
        email=_email(org.email),
        phones=own | phones,
        zips=zips,
    )


def _location(loc: Location) -> LocationFeatures:
    addr = loc.physical_address()
    street = normalize_address(addr.address_1, addr.address_2) if addr else None
    has_xy = loc.latitude is not None and loc.longitude is not None
    return LocationFeatures(
        id=loc.id,
        name=normalize_name(loc.name),
        address_key=street.key() if street else None,
        number=street.number if street else None,
        street=street.street if street else None,
        unit=street.unit if street else None,
        zip5=normalize_zip(addr.postal_code) if addr else None,
        city=normalize_text(addr.city) if addr else None,
        latitude=loc.latitude,
        longitude=loc.longitude,
        cell=grid_cell(loc.latitude, loc.longitude) if has_xy else None,  # type: ignore[arg-type]
        phones=_phones(loc.phones),
        organization_id=loc.organization_id,
    )


def location_features(directory: Directory) -> dict[str, LocationFeatures]:
    """:class:`LocationFeatures` of every location of ``directory``, by id."""
    return {loc.id: _location(loc) for loc in directory.locations.values()}


def organization_features(
    directory: Directory, locations: dict[str, LocationFeatures] | None = None
) -> dict[str, OrgFeatures]:
    """:class:`OrgFeatures` of every organization, with the ZIPs and phones of its services."""
    locations = locations if locations is not None else location_features(directory)
    zips: dict[str, set[str]] = {}
    phones: dict[str, set[str]] = {}
    for svc in directory.services.values():
        if not svc.organization_id:
            continue
        phones.setdefault(svc.organization_id, set()).update(_phones(svc.phones))
        for sal in directory.service_at_locations_of(svc):
            loc = locations.get(sal.location_id or "")
            if loc is not None and loc.zip5:
                zips.setdefault(svc.organization_id, set()).add(loc.zip5)
    for loc in locations.values():
        if loc.organization_id and loc.zip5:
            zips.setdefault(loc.organization_id, set()).add(loc.zip5)
    return {
        org.id: _org(org, frozenset(zips.get(org.id, ())), frozenset(phones.get(org.id, ())))
        for org in directory.organizations.values()
    }


def _service(
    svc: Service, directory: Directory, locations: dict[str, LocationFeatures]
) -> ServiceFeatures:
    loc_ids = frozenset(
        sal.location_id for sal in directory.service_at_locations_of(svc) if sal.location_id
    )
    zips = frozenset(
        z for z in (locations[i].zip5 for i in loc_ids if i in locations) if z is not None
    )
    codes = frozenset(
        (term.code or term.name).strip().lower() for term in directory.taxonomy_terms_of(svc)
    )
    return ServiceFeatures(
        id=svc.id,
        name=normalize_name(svc.name),
        organization_id=svc.organization_id,
        location_ids=loc_ids,
        zips=zips,
        phones=_phones(svc.phones),
        email=_email(svc.email),
        url=normalize_website(svc.url),
        description=normalize_text(svc.description),
        eligibility=normalize_text(svc.eligibility_description),
        codes=codes,
    )


def service_features(
    directory: Directory, locations: dict[str, LocationFeatures] | None = None
) -> dict[str, ServiceFeatures]:
    """:class:`ServiceFeatures` of every service of ``directory``, by id."""
    locations = locations if locations is not None else location_features(directory)
    return {svc.id: _service(svc, directory, locations) for svc in directory.services.values()}
