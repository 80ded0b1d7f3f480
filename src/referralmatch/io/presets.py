"""Named column mappings for exports whose layout is known: ``ohana`` and ``linksf``.

``referralmatch validate PATH --preset NAME`` and ``load_directory(path, mapping=preset(NAME))``
use them. ``linksf`` reads the Link-SF JSON export (San Francisco, 2014): a list of facilities,
each an organization with one location (address, coordinates, phone text), each holding a list of
``services`` with a category, notes and per-weekday ``openHours`` (``"0"`` = Sunday ...
``"6"`` = Saturday, each a list of ``[opens, closes]`` HHMM integers). A facility's ``age`` groups
(C, Y, A, S) become ``audience`` attributes of its services ("children", "youth", "adults",
"seniors"), its ``gender`` (F, M) part of their eligibility description; each service's
``category`` becomes a ``keyword`` attribute.

Example:
    >>> sorted(PRESETS)
    ['linksf', 'ohana']
    >>> [t.table for t in preset("linksf").tables][:4]
    ['organizations', 'locations', 'addresses', 'phones']
    >>> preset("icarol")
    Traceback (most recent call last):
    ...
    referralmatch.errors.ConfigurationError: unknown preset 'icarol'; known: linksf, ohana
"""

from __future__ import annotations

from ..errors import ConfigurationError
from .mapping import OHANA, ColumnMapping, Join, Map, Split, TableMapping

__all__ = ["LINKSF", "PRESETS", "preset"]

_FILE = None  # the single JSON file given, whatever its name
_SERVICES = "#services"
_SERVICE_ID = "services.objectId"
_PARSE_FIELDS = ("createdAt", "updatedAt", "__type", "className")
_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def _linksf() -> ColumnMapping:
    service_meta = tuple(f"services.{f}" for f in _PARSE_FIELDS) + tuple(
        f"services.facility.{f}" for f in ("__type", "className", "objectId")
    )
    on_service = {"link_entity": "service"}
    tables = [
        TableMapping(
            table="organizations", source=_FILE, id_from="objectId",
            columns={"name": "name", "website": "website",
                     "description": Join(columns=("description", "notes"))},
            ignore=(*_PARSE_FIELDS, "location.__type", "categories", "hours"),
        ),
        TableMapping(
            table="locations", source=_FILE, id_from="objectId",
            columns={"organization_id": "objectId", "name": "name",
                     "latitude": "location.latitude", "longitude": "location.longitude",
                     "transportation": Join(columns=("cross_street",), labels=("Cross street: ",))},
        ),
        TableMapping(
            table="addresses", source=_FILE, id_from="objectId", when=("address",),
            columns={"location_id": "objectId", "address_1": "address", "city": "city"},
            constants={"address_type": "physical", "state_province": "CA", "country": "US"},
        ),
        TableMapping(
            table="phones", source=_FILE, id_from="objectId", when=("phone",),
            columns={"organization_id": "objectId", "number": "phone"},
        ),
        TableMapping(
            table="services", source=_SERVICES, id_from=_SERVICE_ID,
            columns={"organization_id": "objectId", "name": "services.name",
                     "description": Join(columns=("services.description", "services.notes")),
                     "eligibility_description": Map(column="gender", values={
                         "f": "Gender: female", "m": "Gender: male"})},
            ignore=service_meta,
        ),
        TableMapping(
            table="service_at_location", source=_SERVICES, id_from=_SERVICE_ID, id_prefix="sal-",
            columns={"service_id": _SERVICE_ID, "location_id": "objectId"},
        ),
        TableMapping(
            table="attributes", source=_SERVICES, id_from=_SERVICE_ID, id_prefix="category-",
            when=("services.category",),
            columns={"link_id": _SERVICE_ID, "value": "services.category"},
            constants={**on_service, "link_type": "keyword"},
        ),
        TableMapping(
            table="attributes", source=_SERVICES, id_from=_SERVICE_ID, id_prefix="age-",
            split=Split(column="age"),
            columns={"link_id": _SERVICE_ID, "value": Map(column="age", values={
                "c": "children", "y": "youth", "a": "adults", "s": "seniors"})},
            constants={**on_service, "link_type": "audience"},
        ),
    ]
    for number, code in enumerate(_DAYS):
        hours = f"services.openHours.{number}"
        tables.append(TableMapping(
            table="schedules", source=f"#{hours}", optional=True,
            columns={"service_id": _SERVICE_ID, "opens_at": f"{hours}.0",
                     "closes_at": f"{hours}.1"},
            constants={"byday": code, "freq": "WEEKLY"}, ignore=(hours,),
        ))  # fmt: skip
    return ColumnMapping(
        tables=tuple(tables),
        description="Link-SF JSON export (sfbrigade/sf-openreferral-data linksf/linksf.json)",
    )


LINKSF = _linksf()
"""The Link-SF JSON export (``linksf.json``); see the module docstring."""

PRESETS: dict[str, ColumnMapping] = {"ohana": OHANA, "linksf": LINKSF}
"""Every named mapping, by the name ``--preset`` takes."""


def preset(name: str) -> ColumnMapping:
    """The named mapping; ConfigurationError naming the known presets for an unknown name."""
    try:
        return PRESETS[name.strip().lower()]
    except KeyError:
        raise ConfigurationError(
            f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}"
        ) from None
