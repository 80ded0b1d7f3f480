"""Writing a Directory out: tidy pandas DataFrames, and HSDS 3.0 JSON that loads back equal.

The JSON is a list of full service objects (each with its organization, program,
service-at-locations with their locations, and taxonomy terms nested, as HSDS 3.0's
``service_full`` example shows), followed by any organization, location or taxonomy term that no
service reaches, so nothing is lost.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models.directory import Attribute, HSDSModel, Phone, ServiceAtLocation
from .records import nested_fields, record_type_of

if TYPE_CHECKING:
    import pandas as pd

    from ..directory import Directory

__all__ = ["service_frame", "to_frames", "to_hsds_json", "to_hsds_objects"]


def _dump(obj: HSDSModel, directory: Directory) -> dict[str, Any]:
    """JSON-ready dict of ``obj`` with nested models dumped the same way (None left out)."""
    data: dict[str, Any] = {}
    nested = nested_fields(type(obj))
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        if value is None or (isinstance(value, list) and not value):
            continue
        if name in nested:
            data[name] = (
                [_dump(v, directory) for v in value]
                if isinstance(value, list)
                else _dump(value, directory)
            )
        else:
            data[name] = obj.model_dump(mode="json", include={name})[name]
    if isinstance(obj, Phone) and obj.extension and obj.extension.isdigit():
        data["extension"] = int(obj.extension)  # HSDS 3.0 types extension as a number
    if isinstance(obj, Attribute) and obj.taxonomy_term_id in directory.taxonomy_terms:
        data["taxonomy_term"] = _term(obj.taxonomy_term_id or "", directory)
    return data


def _term(term_id: str, directory: Directory) -> dict[str, Any]:
    term = directory.taxonomy_terms[term_id]
    data = _dump(term, directory)
    if term.taxonomy_id and term.taxonomy_id in directory.taxonomies:
        data["taxonomy_detail"] = _dump(directory.taxonomies[term.taxonomy_id], directory)
    return data


def to_hsds_objects(directory: Directory) -> list[dict[str, Any]]:
    """The directory as a list of HSDS 3.0 JSON objects (see the module docstring)."""
    out: list[dict[str, Any]] = []
    used_orgs: set[str] = set()
    used_locations: set[str] = set()
    used_programs: set[str] = set()
    used_terms: set[str] = set()
    for service in directory.services.values():
        data = _dump(service, directory)
        org = directory.organization_of(service)
        if org is not None:
            data["organization"] = _dump(org, directory)
            if org.id not in used_orgs:  # the organization's programs travel with it once
                programs = [p for p in directory.programs.values() if p.organization_id == org.id]
                if programs:
                    data["organization"]["programs"] = [_dump(p, directory) for p in programs]
                    used_programs.update(p.id for p in programs)
            used_orgs.add(org.id)
        if service.program_id and service.program_id in directory.programs:
            data["program"] = _dump(directory.programs[service.program_id], directory)
            used_programs.add(service.program_id)
        sals = []
        for sal in directory.service_at_locations_of(service):
            sal_data = _dump(sal, directory)
            if sal.location_id and sal.location_id in directory.locations:
                sal_data["location"] = _dump(directory.locations[sal.location_id], directory)
                used_locations.add(sal.location_id)
            sals.append(sal_data)
        if sals:
            data["service_at_locations"] = sals
        used_terms.update(a.taxonomy_term_id for a in service.attributes if a.taxonomy_term_id)
        out.append(data)
    for org_id, org in directory.organizations.items():
        if org_id in used_orgs:
            continue
        data = _dump(org, directory)
        data["services"] = []  # marks the object as an organization when it has few fields
        programs = [p for p in directory.programs.values() if p.organization_id == org_id]
        if programs:
            data["programs"] = [_dump(p, directory) for p in programs]
            used_programs.update(p.id for p in programs)
        out.append(data)
    out.extend(
        _dump(loc, directory)
        for lid, loc in directory.locations.items()
        if lid not in used_locations
    )
    out.extend(_term(tid, directory) for tid in directory.taxonomy_terms if tid not in used_terms)
    return out


def to_hsds_json(directory: Directory, path: str | Path) -> Path:
    """Write :func:`to_hsds_objects` to ``path`` as UTF-8 JSON; returns the path."""
    target = Path(path)
    target.write_text(json.dumps(to_hsds_objects(directory), indent=1, ensure_ascii=False) + "\n",
                      encoding="utf-8")  # fmt: skip
    return target


def _rows(objs: list[HSDSModel], parent_key: str | None = None, parent_id: str | None = None,
          out: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    out = {} if out is None else out
    for obj in objs:
        nested = nested_fields(type(obj))
        row = obj.model_dump(exclude=set(nested))
        if parent_key and not row.get(parent_key):
            row[parent_key] = parent_id
        out.setdefault(record_type_of(type(obj)), []).append(row)
        fk = f"{record_type_of(type(obj))}_id"
        for name, (_, is_list) in nested.items():
            value = getattr(obj, name)
            children = value if is_list else ([value] if value is not None else [])
            _rows(children, fk, obj.id, out)
    return out


def to_frames(directory: Directory) -> dict[str, pd.DataFrame]:
    """One tidy DataFrame per record type (``service``, ``schedule``, ``address``, ...) with its
    foreign keys, plus ``services``: one row per service-at-location (or per service without a
    location) with organization name, location name, latitude and longitude (degrees)."""
    import pandas as pd

    rows = _rows([*directory.organizations.values(), *directory.programs.values(),
                  *directory.services.values(), *directory.locations.values(),
                  *directory.service_at_locations.values(), *directory.taxonomies.values(),
                  *directory.taxonomy_terms.values()])  # fmt: skip
    frames = {name: pd.DataFrame(table) for name, table in rows.items()}
    frames["services"] = service_frame(directory)
    return frames


def service_frame(directory: Directory) -> pd.DataFrame:
    """The flat services table: one row per service and location it is delivered at."""
    import pandas as pd

    records = []
    for service in directory.services.values():
        org = directory.organization_of(service)
        links: list[ServiceAtLocation | None] = [*directory.service_at_locations_of(service)] or [None]
        for sal in links:
            location = directory.locations.get(sal.location_id or "") if sal else None
            records.append({
                "service_id": service.id,
                "service_name": service.name,
                "status": service.status,
                "organization_id": service.organization_id,
                "organization_name": org.name if org else None,
                "service_at_location_id": sal.id if sal else None,
                "location_id": location.id if location else None,
                "location_name": location.name if location else None,
                "location_type": location.location_type if location else None,
                "latitude": location.latitude if location else None,
                "longitude": location.longitude if location else None,
                "eligibility_description": service.eligibility_description,
                "minimum_age": service.minimum_age,
                "maximum_age": service.maximum_age,
                "languages": ",".join(sorted({lang.code for lang in service.languages if lang.code})),
            })  # fmt: skip
    frame = pd.DataFrame.from_records(records)
    if not frame.empty:
        frame = frame.astype({"latitude": "float64", "longitude": "float64",
                              "minimum_age": "float64", "maximum_age": "float64"})  # fmt: skip
    return frame
