"""Reading Open Referral HSDS 3.x: the canonical JSON (nested objects) and the tabular data package.

JSON may be one service, a list of services, an organization with nested services, locations and
programs, a service-at-location, a location, a taxonomy or term, a list of any of these, or an
HSDS API page (``{"contents": [...]}``). Nested objects are taken apart into the directory's
tables: a service's ``organization`` becomes an organization, each ``service_at_locations`` entry a
link plus its ``location``, each attribute's ``taxonomy_term`` a taxonomy term.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..directory import Directory
from ..errors import DirectoryFormatError
from ..models.directory import (
    HSDSModel,
    Location,
    Organization,
    Program,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .records import RecordContext, build_nested, is_blank, record_type_of
from .report import LoadReport
from .source import Bundle, BundleNote, safe_member_name
from .tabular import TABLES, Table, assemble

__all__ = [
    "MAX_JSON_DEPTH",
    "load_json",
    "looks_like_hsds3_tabular",
    "parse_json",
    "read_json_documents",
    "replace_lone_surrogates",
    "tabular_tables",
]

_HSDS3_ONLY_FILES = (
    "service_at_location.csv",
    "schedules.csv",
    "attributes.csv",
    "cost_options.csv",
)
_NOT_MODELLED = (
    "metadata", "meta_table_descriptions", "organization_identifiers", "url", "urls",
)  # fmt: skip
_TABLE_ALIASES = {
    "unit": "units",
    "service_capacities": "service_capacity",
    "taxonomy": "taxonomies",
}


def read_json_documents(bundle: Bundle) -> Iterator[tuple[str, Any]]:
    """Every JSON document of the bundle (skipping data-package descriptors), parsed."""
    for name in bundle.names():
        lower = name.lower()
        if not lower.endswith(".json") or lower.rsplit("/", 1)[-1] in (
            "datapackage.json",
            "base.json",
            "tabular.json",
        ):
            continue
        text = bundle.read_text(name)
        document = parse_json(text, f"{bundle.label}/{name}")
        if _SURROGATE_ESCAPE.search(text):
            document, replaced = replace_lone_surrogates(document)
            if replaced:
                bundle.notes.append(BundleNote(
                    "repair", "file", f"{replaced} string(s) held lone UTF-16 surrogate escapes "
                    "(not valid Unicode); each was replaced by U+FFFD", file=name))  # fmt: skip
        yield name, document


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects a JSON document may have (HSDS needs fewer than 10)."""
_MAX_INT_DIGITS = 300  # longer integer literals are refused (Python's own limit is 4,300 digits)


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise _HugeNumber(len(text.lstrip("-")))
    return int(text)


class _HugeNumber(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def parse_json(text: str, label: str) -> Any:
    """Parse one JSON document, refusing what would crash or exhaust the reader.

    Raises DirectoryFormatError (naming ``label``) for text that is not JSON, nests deeper than
    :data:`MAX_JSON_DEPTH` levels or holds an integer of more than 300 digits.

    >>> parse_json('{"id": "s1"}', "x.json")
    {'id': 's1'}
    >>> parse_json("[" * 100 + "]" * 100, "deep.json")
    Traceback (most recent call last):
    ...
    referralmatch.errors.DirectoryFormatError: deep.json: JSON nested deeper than 64 levels; refused
    """
    try:
        document = json.loads(text, parse_int=_parse_int)
    except _HugeNumber as exc:
        raise DirectoryFormatError(
            f"{label}: a number with {exc.digits} digits; integers longer than "
            f"{_MAX_INT_DIGITS} digits are refused"
        ) from None
    except json.JSONDecodeError as exc:
        raise DirectoryFormatError(
            f"{label}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise DirectoryFormatError(f"{label}: JSON nested deeper than {MAX_JSON_DEPTH} levels; refused") from None
    except ValueError as exc:
        raise DirectoryFormatError(f"{label}: JSON not readable ({type(exc).__name__})") from None
    if _too_deep(document):
        raise DirectoryFormatError(f"{label}: JSON nested deeper than {MAX_JSON_DEPTH} levels; refused")
    return document


def _too_deep(document: Any) -> bool:
    """True when arrays and objects nest deeper than MAX_JSON_DEPTH (checked without recursion)."""
    if not isinstance(document, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > MAX_JSON_DEPTH:
                    return True
                stack.append((child, depth + 1))
    return False


def replace_lone_surrogates(document: Any) -> tuple[Any, int]:
    """``document`` with lone surrogates (from ``\\ud800``-style JSON escapes, which no UTF-8
    text can hold) replaced by U+FFFD, and how many strings changed. Paired escapes are
    characters already and are kept.

    >>> replace_lone_surrogates({"name": "A\\ud800", "ok": ["\\U0001f468"]})
    ({'name': 'A\ufffd', 'ok': ['👨']}, 1)
    """
    changed = 0

    def fix(value: Any) -> Any:
        nonlocal changed
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                changed += 1
                return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in value)
            return value
        if isinstance(value, list):
            return [fix(item) for item in value]
        if isinstance(value, dict):
            return {fix(key): fix(item) for key, item in value.items()}
        return value

    fixed = fix(document)
    return (fixed, changed) if changed else (document, 0)


def _kind(obj: dict[str, Any]) -> type[HSDSModel] | None:
    keys = set(obj)
    if {"service", "location"} & keys and "service_id" not in keys and "status" not in keys:
        return ServiceAtLocation
    if keys & {
        "service_at_locations",
        "status",
        "eligibility_description",
        "cost_options",
        "service_areas",
    }:
        return Service
    if keys & {
        "services",
        "website",
        "legal_status",
        "tax_status",
        "year_incorporated",
        "programs",
        "locations",
    }:
        return Organization
    if keys & {"location_type", "latitude", "longitude", "addresses", "accessibility"}:
        return Location
    if keys & {"taxonomy_detail", "parent_id", "code", "term_uri", "taxonomy_id"}:
        return TaxonomyTerm
    if keys & {"version", "uri"} and "name" in keys:
        return Taxonomy
    if keys <= {"id", "name", "description", "language", "metadata"} and "name" in keys:
        return TaxonomyTerm  # what a term requires; a service requires a status
    if "name" in keys and ("organization_id" in keys or "description" in keys):
        return Service
    return None


class _JsonCollector:
    """Walks nested HSDS 3 JSON, building each record once and noting where it was found."""

    def __init__(self, report: LoadReport, file: str) -> None:
        self.report = report
        self.file = file
        self.records: dict[type[HSDSModel], dict[str, HSDSModel]] = {
            m: {}
            for m in (
                Organization,
                Program,
                Service,
                Location,
                ServiceAtLocation,
                Taxonomy,
                TaxonomyTerm,
            )
        }

    def ctx(self, pointer: str) -> RecordContext:
        return RecordContext(self.report, file=self.file, pointer=pointer)

    def add(self, model: type[HSDSModel], raw: Any, pointer: str, *, top_level: bool) -> str | None:
        """Build and keep one record; a repeat of an id already seen is a reference, not a record."""
        if isinstance(raw, dict) and not is_blank(raw.get("id")):
            rid = str(raw["id"]).strip()
            if rid in self.records[model]:
                if top_level:
                    rtype = record_type_of(model)
                    self.report.count_read(rtype)
                    self.report.add("error", rtype, "record rejected: duplicate id", file=self.file,
                                    pointer=pointer, record_id=rid, field="id")  # fmt: skip
                    self.report.count_rejected(rtype)
                return rid
        if isinstance(raw, dict):
            raw = self._take_apart(model, raw, pointer)
        obj = build_nested(model, raw, self.ctx(pointer))
        if obj is None:
            return None
        self.records[model][obj.id] = obj
        return obj.id

    def _list(
        self, raw: dict[str, Any], key: str, pointer: str, rtype: str = "record"
    ) -> list[Any]:
        """``raw[key]`` as a list; anything else is reported (model fields by the builder)."""
        value = raw.get(key)
        if isinstance(value, list):
            return list(value)
        if not is_blank(value) and key != "attributes":
            rid = None if is_blank(raw.get("id")) else str(raw["id"])
            self.report.add("warning", rtype, f"ignored {key}: expected a list", file=self.file,
                            pointer=pointer, record_id=rid, field=key)  # fmt: skip
        return []

    def _take_apart(
        self, model: type[HSDSModel], raw: dict[str, Any], pointer: str
    ) -> dict[str, Any]:
        raw = dict(raw)
        if isinstance(raw.get("attributes"), list):
            raw["attributes"] = list(raw["attributes"])  # copied: entries are rewritten below
        for attribute_index, attribute in enumerate(self._list(raw, "attributes", pointer)):
            if isinstance(attribute, dict) and isinstance(attribute.get("taxonomy_term"), dict):
                term = attribute["taxonomy_term"]
                term_id = self._term(term, f"{pointer}/attributes/{attribute_index}/taxonomy_term")
                if term_id and is_blank(attribute.get("taxonomy_term_id")):
                    raw["attributes"][attribute_index] = {**attribute, "taxonomy_term_id": term_id}
        if model is Service:
            org = raw.get("organization")
            if isinstance(org, dict):
                org_id = self.add(Organization, org, f"{pointer}/organization", top_level=False)
                raw.setdefault("organization_id", org_id)
            program = raw.get("program")
            if isinstance(program, dict):
                program_id = self.add(Program, program, f"{pointer}/program", top_level=False)
                raw.setdefault("program_id", program_id)
            for index, sal in enumerate(
                self._list(raw, "service_at_locations", pointer, "service")
            ):
                if isinstance(sal, dict) and not is_blank(raw.get("id")):
                    sal = {**sal, "service_id": sal.get("service_id") or raw["id"]}
                self.add(
                    ServiceAtLocation,
                    sal,
                    f"{pointer}/service_at_locations/{index}",
                    top_level=False,
                )
        elif model is ServiceAtLocation:
            location = raw.get("location")
            if isinstance(location, dict):
                loc_id = self.add(Location, location, f"{pointer}/location", top_level=False)
                if is_blank(raw.get("location_id")):
                    raw["location_id"] = loc_id
            service = raw.get("service")
            if isinstance(service, dict):
                svc_id = self.add(Service, service, f"{pointer}/service", top_level=False)
                if is_blank(raw.get("service_id")):
                    raw["service_id"] = svc_id
        elif model is Organization:
            for key, child_model in (
                ("programs", Program),
                ("locations", Location),
                ("services", Service),
            ):
                for index, child in enumerate(self._list(raw, key, pointer, "organization")):
                    if isinstance(child, dict) and not is_blank(raw.get("id")):
                        child = {
                            **child,
                            "organization_id": child.get("organization_id") or raw["id"],
                        }
                    self.add(child_model, child, f"{pointer}/{key}/{index}", top_level=False)
        elif model is TaxonomyTerm and isinstance(raw.get("taxonomy_detail"), dict):
            tax_id = self.add(
                Taxonomy, raw["taxonomy_detail"], f"{pointer}/taxonomy_detail", top_level=False
            )
            if is_blank(raw.get("taxonomy_id")):
                raw["taxonomy_id"] = tax_id
        return raw

    def _term(self, term: dict[str, Any], pointer: str) -> str | None:
        return self.add(TaxonomyTerm, term, pointer, top_level=False)

    def add_document(self, document: Any, pointer: str = "") -> None:
        if isinstance(document, dict) and isinstance(document.get("contents"), list):
            self.add_document(document["contents"], f"{pointer}/contents")
            return
        if isinstance(document, list):
            for index, item in enumerate(document):
                self.add_document(item, f"{pointer}/{index}")
            return
        model = _kind(document) if isinstance(document, dict) else None
        if model is None:
            self.report.count_read("unknown")
            what = (
                "an object of no HSDS type"
                if isinstance(document, dict)
                else type(document).__name__
            )
            self.report.add("error", "unknown", f"record rejected: found {what}", file=self.file,
                            pointer=pointer or "/")  # fmt: skip
            self.report.count_rejected("unknown")
            return
        self.add(model, document, pointer, top_level=True)


def load_json(bundle: Bundle, report: LoadReport) -> Directory:
    """Load every HSDS 3 JSON document in ``bundle`` into one Directory."""
    collectors = []
    found = False
    for name, document in read_json_documents(bundle):
        found = True
        if not isinstance(document, dict | list):
            raise DirectoryFormatError(
                f"{bundle.label}/{name}: the JSON is a single {type(document).__name__}, not an "
                "HSDS object or a list of them"
            )
        collector = _JsonCollector(report, name)
        collector.add_document(document)
        collectors.append(collector)
    if not found:
        raise DirectoryFormatError(f"{bundle.label}: no JSON documents found")
    if not any(records for c in collectors for records in c.records.values()):
        unknown = report.counts.get("unknown")
        if unknown is not None and unknown.read:
            raise DirectoryFormatError(
                f"{bundle.label}: no JSON document holds an HSDS object ({unknown.read} item(s) "
                "of no HSDS type); supported: HSDS 3.x services, organizations, locations, "
                "service-at-locations, taxonomies and terms, or an API page of them"
            )
    merged: dict[type[HSDSModel], dict[str, HSDSModel]] = {}
    for collector in collectors:
        for model, records in collector.records.items():
            for rid, obj in records.items():
                merged.setdefault(model, {}).setdefault(rid, obj)

    def of(model: type[HSDSModel]) -> list[Any]:
        return list(merged.get(model, {}).values())

    return Directory(
        organizations=of(Organization), programs=of(Program), services=of(Service),
        locations=of(Location), service_at_locations=of(ServiceAtLocation),
        taxonomies=of(Taxonomy), taxonomy_terms=of(TaxonomyTerm), report=report,
    )  # fmt: skip


def looks_like_hsds3_tabular(bundle: Bundle) -> bool:
    """True when the bundle holds a 3.x tabular package (``services.csv`` with 3.x-only tables)."""
    return bundle.find("services.csv") is not None and any(
        bundle.find(name) is not None for name in _HSDS3_ONLY_FILES
    )


def tabular_tables(bundle: Bundle, report: LoadReport) -> dict[str, Table]:
    """Read the CSV tables of an HSDS 3.x package (the data-package descriptor, when readable,
    names the files; otherwise the standard file names are used)."""
    services = bundle.find("services.csv")
    folder = services.rsplit("/", 1)[0] + "/" if services and "/" in services else ""
    paths = _descriptor_paths(bundle, folder, report)
    tables: dict[str, Table] = {}
    for name in bundle.names():
        if (
            not name.lower().endswith(".csv")
            or not name.startswith(folder)
            or "/" in name[len(folder) :]
        ):
            continue
        table_name = name[len(folder) : -4].lower()
        table_name = paths.get(name, _TABLE_ALIASES.get(table_name, table_name))
        _, rows = bundle.read_csv(name)
        if table_name in TABLES:
            tables[table_name] = Table(name, rows)
        elif table_name in _NOT_MODELLED:
            report.add("warning", table_name, f"table not part of the directory model; {len(rows)} row(s) not loaded",
                       file=name)  # fmt: skip
        else:
            report.add(
                "warning", table_name, f"unknown table; {len(rows)} row(s) not loaded", file=name
            )
    return tables


def _descriptor_paths(bundle: Bundle, folder: str, report: LoadReport) -> dict[str, str]:
    """Map CSV names to table names from ``datapackage.json`` when it is readable.

    Reads the official HSDS 3 descriptor (resources named ``organization``, ``service``, ...
    with paths ``organizations.csv``, ``services.csv``) as well as descriptors naming tables by
    their plural. A resource whose path is a URL is never fetched and one naming a file the
    package lacks is reported; an unreadable descriptor is reported and standard file names used.
    """
    name = folder + "datapackage.json"
    if name not in bundle.names():
        return {}
    try:
        descriptor = json.loads(bundle.read_text(name))
        resources = descriptor["resources"]
        if not isinstance(resources, list):
            raise TypeError("resources is not a list")
    except (ValueError, KeyError, TypeError, RecursionError, DirectoryFormatError) as exc:
        report.add("warning", "datapackage", f"descriptor unreadable ({type(exc).__name__}); "
                   "using standard file names", file=name)  # fmt: skip
        return {}
    names = set(bundle.names())
    out: dict[str, str] = {}
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            report.add("warning", "datapackage", f"resource {index} is not an object; ignored",
                       file=name)  # fmt: skip
            continue
        label = str(resource.get("name") or f"#{index}")
        raw_paths = resource.get("path")
        paths = raw_paths if isinstance(raw_paths, list) else [raw_paths]
        for raw in paths:
            if not isinstance(raw, str) or not raw.strip():
                report.add("warning", "datapackage", f"resource {label!r} has no usable path; "
                           "ignored", file=name)  # fmt: skip
                continue
            if "://" in raw or raw.lower().startswith(("http:", "https:", "ftp:", "file:")):
                report.add("warning", "datapackage", f"resource {label!r} has a URL as its path; "
                           "remote data is never fetched, so it was not loaded", file=name)  # fmt: skip
                continue
            path = safe_member_name(raw)
            if folder + path not in names:
                report.add("warning", "datapackage", f"resource {label!r} names {path!r}, which "
                           "is not in the package", file=name)  # fmt: skip
                continue
            out[folder + path] = _resource_table(label, path)
    return out


def _resource_table(resource: str, path: str) -> str:
    """The 3.x table of a descriptor resource: its file's standard name, else its own name
    (singular names as the official descriptor has them, or plural)."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    name = resource.strip().lower()
    for candidate in (stem, name, name + "s", name + "es", name[:-1] + "ies"):
        table = _TABLE_ALIASES.get(candidate, candidate)
        if table in TABLES or table in _NOT_MODELLED:
            return table
    return _TABLE_ALIASES.get(name, name)


def load_tabular(bundle: Bundle, report: LoadReport) -> Directory:
    """Load an HSDS 3.x tabular data package."""
    return assemble(tabular_tables(bundle, report), report, bundle.label)
