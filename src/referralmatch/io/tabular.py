"""Assembling HSDS 3 tables (rows already in 3.x table and column names) into a Directory.

Every tabular format ends here: the HSDS 3 data package as it is, HSDS 1.1/2.0 packages after
:mod:`referralmatch.io.hsds11` renames their tables and columns, and any CSV/Excel/DataFrame after
:mod:`referralmatch.io.mapping` applies a column mapping.

Child rows (phones, schedules, addresses, ...) are attached to the most specific parent their
foreign keys name that exists; a child whose keys name no existing record is rejected as a
dangling reference. Every row is counted in the report under its model's record type.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..directory import Directory
from ..models.directory import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    HSDSModel,
    Language,
    Location,
    Organization,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    Unit,
)
from .records import RecordContext, build, is_blank, nested_fields, record_type_of
from .report import LoadReport

__all__ = ["ROW_FILE_KEY", "TABLES", "TABLE_MODELS", "Table", "assemble", "count_nested", "derive_ids"]

ROW_FILE_KEY = "__file__"
"""Row key naming the real source file of a row merged into a table from a second file."""


@dataclass
class Table:
    """One HSDS 3 table: the file it came from and its rows as (row number, values by column).

    Row numbers are 1-based data rows of the source file, used in the load report. Values may be
    strings (from CSV) or already-typed values (from a DataFrame).
    """

    file: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


# Child tables, built leaves first: (table, model, [(foreign key, parent table, parent field)]).
# The first foreign key that names an existing parent wins, so order is most specific first.
_CHILDREN: list[tuple[str, type[HSDSModel], list[tuple[str, str, str]]]] = [
    ("languages", Language, [("phone_id", "phones", "languages"),
                             ("service_id", "services", "languages"),
                             ("location_id", "locations", "languages")]),
    ("phones", Phone, [("contact_id", "contacts", "phones"),
                       ("service_at_location_id", "service_at_location", "phones"),
                       ("service_id", "services", "phones"),
                       ("location_id", "locations", "phones"),
                       ("organization_id", "organizations", "phones")]),
    ("contacts", Contact, [("service_at_location_id", "service_at_location", "contacts"),
                           ("service_id", "services", "contacts"),
                           ("location_id", "locations", "contacts"),
                           ("organization_id", "organizations", "contacts")]),
    ("schedules", Schedule, [("service_at_location_id", "service_at_location", "schedules"),
                             ("service_id", "services", "schedules"),
                             ("location_id", "locations", "schedules")]),
    ("service_areas", ServiceArea, [("service_at_location_id", "service_at_location", "service_areas"),
                                    ("service_id", "services", "service_areas")]),
    ("addresses", Address, [("location_id", "locations", "addresses")]),
    ("accessibility", Accessibility, [("location_id", "locations", "accessibility")]),
    ("cost_options", CostOption, [("service_id", "services", "cost_options")]),
    ("required_documents", RequiredDocument, [("service_id", "services", "required_documents")]),
    ("funding", Funding, [("service_id", "services", "funding"),
                          ("organization_id", "organizations", "funding")]),
    ("service_capacity", ServiceCapacity, [("service_id", "services", "capacities")]),
]  # fmt: skip
_PARENTS: list[tuple[str, type[HSDSModel]]] = [
    ("locations", Location),
    ("service_at_location", ServiceAtLocation),
    ("services", Service),
    ("organizations", Organization),
    ("programs", Program),
]
_ATTRIBUTE_PARENTS = ("services", "organizations", "locations", "service_at_location")
TABLE_MODELS: dict[str, type[HSDSModel]] = {
    "taxonomies": Taxonomy,
    "taxonomy_terms": TaxonomyTerm,
    "units": Unit,
    "attributes": Attribute,
    **{name: model for name, model, _ in _CHILDREN},
    **dict(_PARENTS),
}
"""Every HSDS 3 table :func:`assemble` understands, with the model its rows are built into."""
TABLES: tuple[str, ...] = (
    "taxonomies", "taxonomy_terms", "units", "attributes",
    *(name for name, _, _ in _CHILDREN), *(name for name, _ in _PARENTS),
)  # fmt: skip
"""The 3.x table names :func:`assemble` understands."""


def count_nested(obj: HSDSModel) -> Counter[str]:
    """How many records of each type ``obj`` holds, itself included."""
    counts: Counter[str] = Counter({record_type_of(type(obj)): 1})
    for name in nested_fields(type(obj)):
        value = getattr(obj, name)
        for child in value if isinstance(value, list) else [value] if value is not None else []:
            counts += count_nested(child)
    return counts


def _file(table: Table, values: dict[str, Any]) -> str:
    return str(values.get(ROW_FILE_KEY) or table.file)


def _reject(report: LoadReport, rtype: str, table: Table, row: int, rid: str | None,
            fld: str | None, message: str, values: dict[str, Any] | None = None) -> None:  # fmt: skip
    report.count_read(rtype)
    file = _file(table, values or {})
    report.add("error", rtype, message, file=file, row=row, record_id=rid, field=fld)
    report.count_rejected(rtype)


_LINK_KEYS = ("service_id", "location_id", "service_at_location_id")
_UNLINKABLE_SHOWN = 5


def derive_ids(tables: dict[str, Table], report: LoadReport) -> set[tuple[str, int, str]]:
    """Give each id-less row that can be linked a stable id; reject the rest in one issue per file.

    A row without an ``id`` whose ``service_id``, ``location_id`` or ``service_at_location_id``
    (``phone_id``/``contact_id`` for languages and phones, ``link_id`` for attributes) links it to a
    parent gets ``<file stem>-<12 hex digits>``, a hash of its file name and content: the same on
    every load of the same file. Each such repair is noted. Id-less rows that nothing links are
    removed from their table, counted as rejected, and reported once per file with their count and
    first rows. Returns the (table, row, file) keys of the rows given an id.

    >>> report = LoadReport(source="demo")
    >>> tables = {"schedules": Table("regular_schedules.csv", [
    ...     (1, {"service_id": "s1", "opens_at": "09:00"}), (2, {"opens_at": "10:00"})])}
    >>> derived = derive_ids(tables, report)
    >>> tables["schedules"].rows[0][1]["id"]
    'regular_schedules-70926af73ed9'
    >>> len(tables["schedules"].rows), report.counts["schedule"]
    (1, Counts(read=1, loaded=0, repaired=0, rejected=1))
    """
    import hashlib
    import json

    derived: set[tuple[str, int, str]] = set()
    for name, table in tables.items():
        model = TABLE_MODELS.get(name)
        if model is None:
            continue
        links = _link_keys(name)
        kept: list[tuple[int, dict[str, Any]]] = []
        unlinkable: dict[str, list[int]] = {}
        seen: Counter[str] = Counter()
        for row, values in table.rows:
            if not is_blank(values.get("id")):
                kept.append((row, values))
                continue
            file = _file(table, values)
            if not any(not is_blank(values.get(k)) for k in links):
                unlinkable.setdefault(file, []).append(row)
                continue
            content = json.dumps(
                sorted((k, str(v)) for k, v in values.items() if k != ROW_FILE_KEY and not is_blank(v)),
                ensure_ascii=False,
            )
            digest = hashlib.sha256(f"{file}\n{content}".encode()).hexdigest()[:12]
            stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            rid = f"{stem}-{digest}"
            seen[rid] += 1
            if seen[rid] > 1:
                rid = f"{rid}-{seen[rid]}"
            values["id"] = rid
            derived.add((name, row, file))
            report.add("repair", record_type_of(model), f"row has no id; derived the stable id {rid!r} "
                       "from the file name and the row's content", file=file, row=row,
                       record_id=rid, field="id")  # fmt: skip
            kept.append((row, values))
        table.rows = kept
        rtype = record_type_of(model)
        for file, rows in unlinkable.items():
            report.count_read(rtype, len(rows))
            for _ in rows:
                report.count_rejected(rtype)
            first = ", ".join(str(r) for r in rows[:_UNLINKABLE_SHOWN])
            what = f"none of id, {', '.join(links)}" if links else "no id"
            report.add("error", rtype, f"{len(rows)} row(s) rejected: they have {what}, so "
                       f"nothing can refer to them or link them (first rows: {first})",
                       file=file, row=rows[0], field="id")  # fmt: skip
    return derived


def _link_keys(name: str) -> tuple[str, ...]:
    """Foreign keys that link a row of table ``name`` to a parent (empty for top-level tables)."""
    if name == "attributes":
        return ("link_id",)
    for table, _, links in _CHILDREN:
        if table == name:
            return tuple(dict.fromkeys(fk for fk, _, _ in links))
    if name == "service_at_location":
        return ("service_id",)
    return ()


def assemble(tables: dict[str, Table], report: LoadReport, label: str) -> Directory:
    """Build a Directory from HSDS 3 tables, accounting for every row in ``report``."""
    derived = derive_ids(tables, report)
    raw_ids: dict[str, set[str]] = {
        name: {str(r["id"]).strip() for _, r in table.rows if not is_blank(r.get("id"))}
        for name, table in tables.items()
    }
    children: dict[tuple[str, str], dict[str, list[HSDSModel]]] = defaultdict(
        lambda: defaultdict(list)
    )
    built: dict[str, dict[str, HSDSModel]] = defaultdict(dict)

    def build_table(name: str, model: type[HSDSModel]) -> None:
        table = tables.get(name)
        if table is None:
            return
        rtype = record_type_of(model)
        for row, values in table.rows:
            rid = None if is_blank(values.get("id")) else str(values["id"]).strip()
            if rid is not None and rid in built[name]:
                _reject(report, rtype, table, row, rid, "id", "record rejected: duplicate id", values)
                continue
            service_ref = values.get("service_id")
            if (
                name == "service_at_location"
                and "services" in tables
                and (is_blank(service_ref) or str(service_ref).strip() not in raw_ids["services"])
            ):
                _reject(report, rtype, table, row, rid, "service_id",
                        "dangling reference: service_id names no service", values)  # fmt: skip
                continue
            data = dict(values)
            if rid is not None:
                for fld, items in children.get((name, rid), {}).items():
                    data[fld] = items
            obj = build(model, data, RecordContext(report, file=_file(table, values), row=row), rtype,
                        repaired=(name, row, _file(table, values)) in derived)
            if obj is None:
                lost = Counter[str]()
                for items in children.get((name, rid or ""), {}).values():
                    for item in items:
                        lost += count_nested(item)
                for lost_type, n in lost.items():
                    report.counts[lost_type].loaded -= n
                    report.counts[lost_type].rejected += n
                    report.add("error", lost_type, f"{n} record(s) rejected with their rejected parent",
                               file=table.file, row=row, record_id=rid)  # fmt: skip
                continue
            built[name][obj.id] = obj

    def attach(name: str, model: type[HSDSModel], links: list[tuple[str, str, str]]) -> None:
        table = tables.get(name)
        if table is None:
            return
        rtype = record_type_of(model)
        for row, values in table.rows:
            rid = None if is_blank(values.get("id")) else str(values["id"]).strip()
            target = None
            named = []
            for fk, parent, fld in links:
                ref = values.get(fk)
                if is_blank(ref):
                    continue
                ref = str(ref).strip()
                named.append(fk)
                if ref in raw_ids.get(parent, set()):
                    target = (parent, ref, fld)
                    break
            if target is None:
                reason = (
                    f"dangling reference: {', '.join(named)} names no existing record"
                    if named
                    else f"no parent: none of {', '.join(fk for fk, _, _ in links)} is set"
                )
                _reject(report, rtype, table, row, rid, named[0] if named else None, reason, values)
                continue
            data = dict(values)
            if rid is not None:
                for fld, items in children.get((name, rid), {}).items():
                    data[fld] = items
            obj = build(model, data, RecordContext(report, file=_file(table, values), row=row), rtype,
                        repaired=(name, row, _file(table, values)) in derived)
            if obj is not None:
                children[(target[0], target[1])][target[2]].append(obj)
                built[name][obj.id] = obj

    build_table("taxonomies", Taxonomy)
    build_table("taxonomy_terms", TaxonomyTerm)
    build_table("units", Unit)
    _attach_units(tables, built, report)
    attributes = tables.get("attributes")
    if attributes is not None:
        for row, values in attributes.rows:
            link = values.get("link_id")
            link = None if is_blank(link) else str(link).strip()
            parent = next(
                (p for p in _ATTRIBUTE_PARENTS if link and link in raw_ids.get(p, set())), None
            )
            rid = None if is_blank(values.get("id")) else str(values["id"]).strip()
            if parent is None or link is None:
                _reject(report, "attribute", attributes, row, rid, "link_id",
                        "dangling reference: link_id names no service, organization or location")  # fmt: skip
                continue
            obj = build(Attribute, values, RecordContext(report, file=_file(attributes, values), row=row),
                        repaired=("attributes", row, _file(attributes, values)) in derived)
            if obj is not None:
                children[(parent, link)]["attributes"].append(obj)
    for name, model, links in _CHILDREN:
        attach(name, model, links)
    for name, model in _PARENTS:
        build_table(name, model)

    return Directory(
        organizations=[o for o in built["organizations"].values() if isinstance(o, Organization)],
        programs=[p for p in built["programs"].values() if isinstance(p, Program)],
        services=[s for s in built["services"].values() if isinstance(s, Service)],
        locations=[loc for loc in built["locations"].values() if isinstance(loc, Location)],
        service_at_locations=[
            s for s in built["service_at_location"].values() if isinstance(s, ServiceAtLocation)
        ],
        taxonomies=[t for t in built["taxonomies"].values() if isinstance(t, Taxonomy)],
        taxonomy_terms=[t for t in built["taxonomy_terms"].values() if isinstance(t, TaxonomyTerm)],
        report=report,
    )


def _attach_units(tables: dict[str, Table], built: dict[str, dict[str, HSDSModel]],
                  report: LoadReport) -> None:  # fmt: skip
    """Put each capacity row's unit (HSDS 3.1 ``unit_id``) in its ``unit`` column."""
    capacity = tables.get("service_capacity")
    if capacity is None:
        return
    for _, values in capacity.rows:
        unit_id = values.get("unit_id")
        if not is_blank(unit_id) and str(unit_id).strip() in built["units"]:
            values["unit"] = built["units"][str(unit_id).strip()]
