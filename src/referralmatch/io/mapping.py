"""Column mappings: loading any CSV, Excel sheet, folder of CSVs or DataFrame as HSDS 3 tables.

A :class:`ColumnMapping` is an explicit, immutable description of how source tables become HSDS
3.x tables: a list of :class:`TableMapping` entries, each saying which source file (or the single
CSV, sheet or DataFrame given) fills which 3.x table, column by column. :func:`mapped_tables`
applies it and returns :class:`~referralmatch.io.tabular.Table` objects ready for
:func:`referralmatch.io.tabular.assemble`; values stay as read (the record builder normalises
times, dates, ages and language names later and reports each repair).

A column's source is either a source column name or one of a few named transforms:

* :class:`Weekday` - a weekday name or number ("Monday", "Mon-Fri", "1") -> RFC 5545 ``byday``;
* :class:`Join` - several source columns joined into one text value, each with an optional label;
* :class:`Map` - a value looked up in a small table (``"true"`` -> ``"virtual"``);
* :class:`Lookup` - a value taken from a row of another source table (a service's organization
  from its location).

A table mapping may also :class:`Split` one source cell into several rows ("English, Spanish" ->
two language rows), and make rows only ``when`` some source column has a value.

Ids: ``id_from`` names the source column holding a row's id; without it every row gets the stable
generated id ``f"{file}:{row}"`` (the pseudo source column :data:`ROW_KEY` holds it, so foreign
keys can name it too). ``id_prefix`` is put in front of either; split rows add ``-1``, ``-2``, ...

Every source row is accounted for: it becomes a row of some 3.x table, or an error in the load
report names its file, row and field. Source columns the mapping does not use and does not list in
``ignore`` get one warning each when they hold any value.

Example (the common case: one flat table, one row per service):
    >>> import pandas as pd
    >>> from referralmatch.io.report import LoadReport
    >>> frame = pd.DataFrame({
    ...     "Program": ["Harbor Shelter"], "Who": ["Adults 18+"], "Street": ["1 Main St"],
    ...     "Town": ["San Mateo"], "Lat": [37.56], "Lon": [-122.32], "Tel": ["650 555-0100"],
    ...     "Spoken": ["English, Spanish"],
    ... })
    >>> mapping = ColumnMapping.flat(
    ...     service={"name": "Program", "eligibility_description": "Who"},
    ...     location={"latitude": "Lat", "longitude": "Lon"},
    ...     address={"address_1": "Street", "city": "Town"},
    ...     phone="Tel", languages="Spoken",
    ... )
    >>> tables = mapped_tables(frame, mapping, LoadReport(source="demo"))
    >>> tables["services"].rows[0]
    (1, {'name': 'Harbor Shelter', 'eligibility_description': 'Adults 18+', 'id': '<DataFrame>:1'})
    >>> [values["name"] for _, values in tables["languages"].rows]
    ['English', 'Spanish']
    >>> tables["service_at_location"].rows[0][1]["location_id"]
    '<DataFrame>:1'
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ConfigurationError, DirectoryFormatError, MissingExtraError
from . import normalize
from .json_records import PARENT_KEY, json_rows, records_path
from .records import is_blank, nested_fields, record_type_of
from .report import LoadReport
from .source import Bundle
from .tabular import ROW_FILE_KEY, TABLE_MODELS, Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "OHANA",
    "ROW_KEY",
    "ColumnMapping",
    "Join",
    "Lookup",
    "Map",
    "Split",
    "TableMapping",
    "Weekday",
    "mapped_tables",
]

ROW_KEY = "@row"
"""Pseudo source column every row has: its generated id ``f"{file}:{row}"``."""

DATAFRAME_LABEL = "<DataFrame>"
"""The file name used in ids and the report for rows of a DataFrame."""

_MODELS = TABLE_MODELS
_FROZEN = ConfigDict(frozen=True, extra="forbid")
_RANGE = re.compile(r"\s*(?:-|–|\bto\b|\bthru\b|\bthrough\b)\s*", re.IGNORECASE)


def _lower(name: str) -> str:
    return name.strip().lower()


# --------------------------------------------------------------------------------------------
# transforms


class Weekday(BaseModel):
    """Read a weekday column as RFC 5545 ``byday`` codes.

    Accepts names, abbreviations, codes and numbers 1-7 (1 = Monday), lists ("Mon, Wed") and
    ranges ("Monday-Friday"). A row whose weekday cannot be read is rejected with an error.

    >>> Weekday(column="day").apply({"day": "Tuesday"})
    'TU'
    >>> Weekday(column="day").apply({"day": "Mon-Wed, Sat"})
    'MO,TU,WE,SA'
    """

    model_config = _FROZEN
    kind: Literal["weekday"] = "weekday"
    column: str
    """Source column holding the weekday."""

    def apply(self, values: Mapping[str, Any]) -> str | None:
        """The ``byday`` codes of one source row; None for a blank cell, ValueError if unreadable."""
        cell = values.get(_lower(self.column))
        if is_blank(cell):
            return None
        if not isinstance(cell, str):
            return normalize.parse_weekday(cell)
        days: list[str] = []
        for part in re.split(r"\s*[,;/&]\s*|\s+and\s+", cell.strip()):
            if not part:
                continue
            ends = _RANGE.split(part)
            if len(ends) == 2 and all(ends):
                first = normalize.WEEKDAY_CODES.index(normalize.parse_weekday(ends[0]))
                span = (normalize.WEEKDAY_CODES.index(normalize.parse_weekday(ends[1])) - first) % 7
                days.extend(normalize.WEEKDAY_CODES[(first + i) % 7] for i in range(span + 1))
            else:
                days.append(normalize.parse_weekday(part))
        return ",".join(dict.fromkeys(days)) or None


class Join(BaseModel):
    """Join several source columns into one text value, skipping blank cells.

    >>> Join(columns=("fees", "paid_by"), labels=("", "Payments accepted: ")).apply(
    ...     {"fees": "None.", "paid_by": "Cash, Check"})
    'None.; Payments accepted: Cash, Check'
    >>> Join(columns=("fees", "paid_by")).apply({"fees": "", "paid_by": None}) is None
    True
    """

    model_config = _FROZEN
    kind: Literal["join"] = "join"
    columns: tuple[str, ...] = Field(min_length=1)
    """Source columns, in the order they are joined."""
    sep: str = "; "
    """Text put between the non-blank parts."""
    labels: tuple[str, ...] = ()
    """Optional text put before each column's value (same length as ``columns``)."""

    @model_validator(mode="after")
    def _labels_match(self) -> Join:
        if self.labels and len(self.labels) != len(self.columns):
            raise ValueError("labels must have one entry per column")
        return self

    def apply(self, values: Mapping[str, Any]) -> str | None:
        """The joined text of one source row, or None when every cell is blank."""
        labels = self.labels or ("",) * len(self.columns)
        parts = [
            f"{label}{_as_text(values.get(_lower(column)))}"
            for column, label in zip(self.columns, labels, strict=True)
            if not is_blank(values.get(_lower(column)))
        ]
        return self.sep.join(parts) or None


class Map(BaseModel):
    """Translate a source value through a small table (keys compared stripped, case-insensitive).

    A value not in the table is left out of the row with a warning in the report.

    >>> Map(column="virtual", values={"true": "virtual", "false": "physical"}).apply({"virtual": "TRUE"})
    'virtual'
    """

    model_config = _FROZEN
    kind: Literal["map"] = "map"
    column: str
    """Source column holding the value to translate."""
    values: dict[str, str]
    """Source value -> 3.x value."""

    @field_validator("values")
    @classmethod
    def _lower_keys(cls, table: dict[str, str]) -> dict[str, str]:
        return {_lower(k): v for k, v in table.items()}

    def apply(self, values: Mapping[str, Any]) -> str | None:
        """The translated value, None for a blank cell; ValueError for a value not in the table."""
        cell = values.get(_lower(self.column))
        if is_blank(cell):
            return None
        key = _lower(_as_text(cell))
        if key not in self.values:
            raise ValueError(
                f"value not among the mapped values ({', '.join(sorted(self.values))})"
            )
        return self.values[key]


class Lookup(BaseModel):
    """Take a value from the row of another source table whose ``match`` column equals ``key``.

    Example: an Ohana service's organization is its location's ``organization_id``:
    ``Lookup(file="locations.csv", key="location_id", match="id", column="organization_id")``.
    A key that names no row leaves the value blank, with a warning in the report.
    """

    model_config = _FROZEN
    kind: Literal["lookup"] = "lookup"
    key: str
    """Source column of this row holding the key."""
    file: str | None = None
    """The other source table (a file name in the folder/zip); None for the same table."""
    match: str = "id"
    """Column of the other table compared with the key."""
    column: str
    """Column of the other table whose value is taken."""


Transform = Annotated[Weekday | Join | Map | Lookup, Field(discriminator="kind")]
ColumnSource = str | Transform
"""A 3.x column's source: a source column name, or a transform."""


class Split(BaseModel):
    """Split one source cell into several rows, one per item ("English, Spanish" -> two rows).

    Every 3.x column mapped from ``column`` receives the item; blank items are dropped, repeated
    items kept once. A blank cell makes no row.
    """

    model_config = _FROZEN
    column: str
    """Source column whose cell is split."""
    sep: str = ","
    """Separator between items."""

    def items(self, values: Mapping[str, Any]) -> list[str]:
        """The items of one source row's cell.

        >>> Split(column="langs").items({"langs": "English, Spanish,,English"})
        ['English', 'Spanish']
        """
        cell = values.get(_lower(self.column))
        if is_blank(cell):
            return []
        return list(dict.fromkeys(t.strip() for t in _as_text(cell).split(self.sep) if t.strip()))


# --------------------------------------------------------------------------------------------
# mappings


class TableMapping(BaseModel):
    """How one source table fills one HSDS 3.x table. Several may read the same source table."""

    model_config = _FROZEN
    table: str
    """The 3.x table filled, e.g. ``"services"`` (see ``referralmatch.io.tabular.TABLES``)."""
    source: str | None = None
    """The source table: a file name in a folder/zip, a sheet name of an .xlsx file, or None for
    the single CSV, first sheet or DataFrame given."""
    columns: dict[str, ColumnSource] = Field(default_factory=dict)
    """3.x column <- source column name or transform. Source names are case-insensitive."""
    constants: dict[str, str] = Field(default_factory=dict)
    """3.x column <- a fixed value for every row, e.g. ``{"address_type": "postal"}``."""
    id_from: str | None = None
    """Source column holding each row's id; None generates ``f"{file}:{row}"``."""
    id_prefix: str = ""
    """Text put before every id of this table mapping (keeps ids of two sources apart)."""
    split: Split | None = None
    """Make one row per item of a source cell."""
    when: tuple[str, ...] = ()
    """Make a row only when at least one of these source columns has a value."""
    ignore: tuple[str, ...] = ()
    """Source columns deliberately left unmapped (no warning for them)."""
    optional: bool = False
    """When the source file is absent, skip this mapping instead of raising."""
    distinct: bool = False
    """Keep only the first row of each id: later rows with the same id repeat that record (a flat
    file naming the same organization on every row of its services)."""

    @model_validator(mode="after")
    def _known_columns(self) -> TableMapping:
        model = _MODELS.get(self.table)
        if model is None:
            raise ValueError(
                f"unknown HSDS 3 table {self.table!r}; known: {', '.join(sorted(_MODELS))}"
            )
        allowed = set(model.model_fields) - set(nested_fields(model)) - {"id"}
        unknown = sorted((set(self.columns) | set(self.constants)) - allowed)
        if unknown:
            raise ValueError(
                f"{self.table}: not HSDS 3 columns of this table: {', '.join(unknown)}"
                + (" (ids come from id_from / id_prefix)" if "id" in unknown else "")
            )
        return self

    def source_columns(self) -> set[str]:
        """Every source column of its own source table this mapping reads (lower-cased)."""
        names: set[str] = set(self.when)
        if self.id_from:
            names.add(self.id_from)
        if self.split:
            names.add(self.split.column)
        for spec in self.columns.values():
            if isinstance(spec, str):
                names.add(spec)
            elif isinstance(spec, Join):
                names.update(spec.columns)
            elif isinstance(spec, Weekday | Map):
                names.add(spec.column)
            else:
                names.add(spec.key)
                if spec.file is None:
                    names.update((spec.match, spec.column))
        return {_lower(n) for n in names} - {ROW_KEY}


class ColumnMapping(BaseModel):
    """A complete mapping from source tables to HSDS 3.x tables; see the module docstring.

    >>> m = ColumnMapping(tables=(TableMapping(table="services", columns={"name": "Title"}),))
    >>> m.tables[0].columns
    {'name': 'Title'}
    """

    model_config = _FROZEN
    tables: tuple[TableMapping, ...] = Field(min_length=1)
    """The table mappings, applied in order."""
    description: str = ""
    """What this mapping is for (kept in its JSON file; not used when loading)."""

    def to_json(self, path: str | Path | None = None) -> str:
        """The mapping as JSON text (defaults left out), also written to ``path`` when given.

        >>> m = ColumnMapping(tables=(TableMapping(table="services", columns={"name": "Title"}),))
        >>> ColumnMapping.from_json(m.to_json()) == m
        True
        """
        data = self.model_dump(mode="json", exclude_defaults=True)
        for table, dumped in zip(self.tables, data["tables"], strict=True):
            for column, spec in table.columns.items():
                if not isinstance(spec, str):  # the discriminator is a default: keep it
                    dumped["columns"][column] = {"kind": spec.kind, **dumped["columns"][column]}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, source: str | Path) -> ColumnMapping:
        """Read a mapping from JSON text or a ``.json`` file written by :meth:`to_json`.

        Raises :class:`~referralmatch.errors.ConfigurationError` naming every problem (a file
        that cannot be read, invalid JSON, unknown tables or columns).
        """
        text = str(source)
        if isinstance(source, Path) or not text.lstrip().startswith("{"):
            try:
                text = Path(source).read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigurationError(f"mapping file {source}: {exc.strerror}") from None
        try:
            return cls.model_validate_json(text)
        except ValueError as exc:
            errors = getattr(exc, "errors", None)
            if callable(errors):
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or '(mapping)'}: {e['msg']}"
                    for e in errors(include_url=False, include_input=False)
                )
            else:  # pragma: no cover - pydantic raises ValidationError
                problems = str(exc)
            raise ConfigurationError(f"invalid column mapping: {problems}") from None

    @model_validator(mode="after")
    def _distinct_ids(self) -> ColumnMapping:
        seen: set[tuple[str | None, str, str | None, str]] = set()
        for tm in self.tables:
            key = (tm.source, tm.table, tm.id_from, tm.id_prefix)
            if key in seen:
                raise ValueError(
                    f"two mappings of source {tm.source or '(the input)'} into {tm.table} would "
                    "make the same ids; give one of them an id_prefix"
                )
            seen.add(key)
        return self

    @classmethod
    def flat(
        cls,
        *,
        service: Mapping[str, ColumnSource],
        location: Mapping[str, ColumnSource] | None = None,
        address: Mapping[str, ColumnSource] | None = None,
        organization: Mapping[str, ColumnSource] | None = None,
        phone: str | None = None,
        languages: str | None = None,
        hours: str | None = None,
        service_id: str | None = None,
        source: str | None = None,
        sep: str = ",",
        ignore: Iterable[str] = (),
    ) -> ColumnMapping:
        """A mapping for one flat table with one row per service (and its location).

        Args:
            service: 3.x ``services`` column <- source column (``name`` is required by HSDS).
            location: 3.x ``locations`` columns (``name``, ``latitude``, ``longitude``, ...).
            address: 3.x ``addresses`` columns (``address_1``, ``city``, ``postal_code``, ...);
                the address is physical.
            organization: 3.x ``organizations`` columns; must include ``name``, whose value is
                also the organization's id, so rows naming the same organization share it.
            phone: source column of the service's phone number.
            languages: source column listing the languages spoken, split on ``sep``.
            hours: source column of opening hours as text (kept as the schedule's description).
            service_id: source column of the service id; None generates ``f"{file}:{row}"``.
            source: the file or sheet name when the input is a folder, zip or workbook.
            sep: separator of the ``languages`` list.
            ignore: source columns deliberately left unmapped.

        A location (with its address and service-at-location link) is made only for rows where a
        location or address column has a value; its id is the generated row id.

        >>> m = ColumnMapping.flat(service={"name": "Title"}, phone="Phone")
        >>> [t.table for t in m.tables]
        ['services', 'phones']
        """
        sid = service_id or ROW_KEY
        common: dict[str, Any] = {"source": source, "ignore": tuple(ignore)}
        service_columns = dict(service)
        tables: list[TableMapping] = []
        if organization is not None:
            name = organization.get("name")
            if not isinstance(name, str):
                raise ConfigurationError("flat(): organization needs a source column for 'name'")
            service_columns.setdefault("organization_id", name)
            tables.append(TableMapping(table="organizations", columns=dict(organization),
                                       id_from=name, when=(name,), distinct=True, **common))  # fmt: skip
        tables.insert(0, TableMapping(table="services", columns=service_columns,
                                      id_from=service_id, **common))  # fmt: skip
        place = [c for spec in (*(location or {}).values(), *(address or {}).values())
                 for c in _spec_columns(spec)]  # fmt: skip
        if location is not None or address is not None:
            when = tuple(dict.fromkeys(place))
            tables.append(TableMapping(table="locations", columns=dict(location or {}), when=when,
                                       **common))  # fmt: skip
            tables.append(TableMapping(
                table="service_at_location", columns={"service_id": sid, "location_id": ROW_KEY},
                when=when, **common))  # fmt: skip
        if address is not None:
            tables.append(TableMapping(
                table="addresses", columns={**address, "location_id": ROW_KEY},
                constants={"address_type": "physical"},
                when=tuple(c for spec in address.values() for c in _spec_columns(spec)), **common))  # fmt: skip
        if phone is not None:
            tables.append(TableMapping(table="phones", columns={"service_id": sid, "number": phone},
                                       when=(phone,), **common))  # fmt: skip
        if languages is not None:
            tables.append(TableMapping(
                table="languages", columns={"service_id": sid, "name": languages, "code": languages},
                split=Split(column=languages, sep=sep), **common))  # fmt: skip
        if hours is not None:
            tables.append(TableMapping(table="schedules",
                                       columns={"service_id": sid, "description": hours},
                                       when=(hours,), **common))  # fmt: skip
        return cls(tables=tuple(tables))


def _spec_columns(spec: ColumnSource) -> tuple[str, ...]:
    if isinstance(spec, str):
        return (spec,)
    if isinstance(spec, Join):
        return spec.columns
    if isinstance(spec, Lookup):
        return (spec.key,)
    return (spec.column,)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(value: Any) -> str:
    """An id or foreign key as text (spreadsheets turn ``7`` into ``7.0``)."""
    return _as_text(value)


# --------------------------------------------------------------------------------------------
# the Ohana API CSV export

_OHANA_SERVICE = {"link_entity": "service"}

OHANA = ColumnMapping(tables=(
    TableMapping(table="organizations", source="organizations.csv", id_from="id",
                 columns={c: c for c in ("name", "alternate_name", "description", "email",
                                         "legal_status", "tax_id", "tax_status", "website")},
                 ignore=("accreditations", "licenses", "date_incorporated")),
    TableMapping(table="funding", source="organizations.csv", id_from="id",
                 id_prefix="organization-funding-", split=Split(column="funding_sources"),
                 columns={"organization_id": "id", "source": "funding_sources"}, optional=True),
    TableMapping(table="programs", source="programs.csv", id_from="id", optional=True,
                 columns={c: c for c in ("organization_id", "name", "alternate_name")}),
    TableMapping(table="locations", source="locations.csv", id_from="id",
                 columns={**{c: c for c in ("organization_id", "name", "alternate_name", "description",
                                            "transportation", "latitude", "longitude")},
                          "url": "website",
                          "location_type": Map(column="virtual",
                                               values={"true": "virtual", "false": "physical"})},
                 ignore=("short_desc", "admin_emails")),
    TableMapping(table="languages", source="locations.csv", id_from="id",
                 id_prefix="location-language-", split=Split(column="languages"),
                 columns={"location_id": "id", "name": "languages", "code": "languages"}),
    TableMapping(table="accessibility", source="locations.csv", id_from="id",
                 id_prefix="location-accessibility-", split=Split(column="accessibility"),
                 columns={"location_id": "id", "description": "accessibility"}),
    TableMapping(table="contacts", source="locations.csv", id_from="id", id_prefix="location-email-",
                 columns={"location_id": "id", "email": "email"}, when=("email",)),
    TableMapping(table="services", source="services.csv", id_from="id",
                 columns={**{c: c for c in ("program_id", "name", "alternate_name", "description",
                                            "email", "status", "interpretation_services",
                                            "application_process", "wait_time")},
                          "url": "website", "eligibility_description": "eligibility",
                          "fees_description": Join(columns=("fees", "accepted_payments"),
                                                   labels=("", "Payments accepted: ")),
                          "organization_id": Lookup(file="locations.csv", key="location_id",
                                                    match="id", column="organization_id")}),
    TableMapping(table="service_at_location", source="services.csv", id_from="id", id_prefix="sal-",
                 columns={"service_id": "id", "location_id": "location_id"}, when=("location_id",)),
    TableMapping(table="languages", source="services.csv", id_from="id",
                 id_prefix="service-language-", split=Split(column="languages"),
                 columns={"service_id": "id", "name": "languages", "code": "languages"}),
    TableMapping(table="service_areas", source="services.csv", id_from="id",
                 id_prefix="service-area-", split=Split(column="service_areas"),
                 columns={"service_id": "id", "name": "service_areas"}),
    TableMapping(table="funding", source="services.csv", id_from="id",
                 id_prefix="service-funding-", split=Split(column="funding_sources"),
                 columns={"service_id": "id", "source": "funding_sources"}),
    TableMapping(table="required_documents", source="services.csv", id_from="id",
                 id_prefix="service-document-", when=("required_documents",),
                 columns={"service_id": "id", "document": "required_documents"}),
    TableMapping(table="attributes", source="services.csv", id_from="id", id_prefix="audience-",
                 columns={"link_id": "id", "value": "audience"}, when=("audience",),
                 constants={**_OHANA_SERVICE, "link_type": "audience"}),
    TableMapping(table="attributes", source="services.csv", id_from="id", id_prefix="keyword-",
                 columns={"link_id": "id", "value": "keywords"}, split=Split(column="keywords"),
                 constants={**_OHANA_SERVICE, "link_type": "keyword"}),
    TableMapping(table="attributes", source="services.csv", id_from="id", id_prefix="taxonomy-",
                 columns={"link_id": "id", "taxonomy_term_id": "taxonomy_ids"},
                 split=Split(column="taxonomy_ids"),
                 constants={**_OHANA_SERVICE, "link_type": "service"}),
    TableMapping(table="addresses", source="addresses.csv", id_from="id", optional=True,
                 columns={c: c for c in ("location_id", "address_1", "address_2", "city",
                                         "state_province", "postal_code", "country")},
                 constants={"address_type": "physical"}),
    TableMapping(table="addresses", source="mail_addresses.csv", id_from="id", id_prefix="postal-",
                 optional=True,
                 columns={c: c for c in ("location_id", "attention", "address_1", "address_2", "city",
                                         "state_province", "postal_code", "country")},
                 constants={"address_type": "postal"}),
    TableMapping(table="phones", source="phones.csv", id_from="id", optional=True,
                 columns={**{c: c for c in ("contact_id", "location_id", "organization_id",
                                            "service_id", "extension")},
                          "type": "number_type",
                          "number": Join(columns=("country_prefix", "number"), sep=" "),
                          "description": Join(columns=("department", "vanity_number"),
                                              labels=("", "Vanity number: "))}),
    TableMapping(table="contacts", source="contacts.csv", id_from="id", optional=True,
                 columns={c: c for c in ("location_id", "organization_id", "service_id", "name",
                                         "title", "email", "department")}),
    TableMapping(table="schedules", source="regular_schedules.csv", id_from="id", optional=True,
                 columns={**{c: c for c in ("location_id", "service_id", "opens_at", "closes_at")},
                          "byday": Weekday(column="weekday")},
                 constants={"freq": "WEEKLY"}),
    TableMapping(table="schedules", source="holiday_schedules.csv", id_from="id",
                 id_prefix="holiday-", optional=True,
                 columns={**{c: c for c in ("location_id", "service_id", "opens_at", "closes_at")},
                          "valid_from": "start_date", "valid_to": "end_date",
                          "description": Map(column="closed", values={"true": "Closed (holiday)",
                                                                      "false": "Holiday hours"}),
                          "notes": Map(column="closed", values={"true": "holiday closure",
                                                                "false": "holiday hours"})}),
    TableMapping(table="taxonomy_terms", source="taxonomy.csv", id_from="taxonomy_id", optional=True,
                 columns={"code": "taxonomy_id", "name": "name", "parent_id": "parent_id"},
                 constants={"taxonomy": "Open Eligibility"}, ignore=("parent_name",)),
))  # fmt: skip
"""The Ohana API CSV export (``organizations.csv``, ``locations.csv``, ``services.csv``, ...).

Free text is kept where HSDS 3 has a home for it: ``eligibility`` -> ``eligibility_description``;
``fees`` and ``accepted_payments`` -> ``fees_description``; ``audience`` -> an attribute with
``link_type="audience"``; each keyword -> an attribute with ``link_type="keyword"``; each of ``taxonomy_ids`` -> an attribute
naming the Open Eligibility term (``taxonomy.csv`` -> ``taxonomy_terms``). Comma lists become
rows: ``service_areas``, ``languages``, ``funding_sources``, location ``accessibility``. Each
service is linked to its ``location_id`` by a service-at-location row ``sal-{service id}`` and to
its location's organization. Weekday names become ``byday``; a holiday closure becomes a schedule
whose description starts with "Closed". Not loaded: organizations' ``accreditations``,
``licenses`` and ``date_incorporated``; locations' ``short_desc`` and ``admin_emails``.
"""


# --------------------------------------------------------------------------------------------
# reading the sources


@dataclass
class _Source:
    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    used: set[int] = field(default_factory=set)
    own: str | None = None
    """For JSON sources: the records path whose values are this source's own ("" for records)."""
    repeats: dict[int, int] = field(default_factory=dict)
    """For JSON sources: row number -> the earlier row it repeats exactly (its values and those
    of the records it is nested in)."""


def _plain(value: Any) -> Any:
    """A DataFrame cell as a plain Python value (None for missing, numpy scalars unwrapped)."""
    import pandas as pd

    if value is None or (not isinstance(value, str | list | tuple | dict) and bool(pd.isna(value))):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return value


def _from_frame(frame: pd.DataFrame, file: str) -> _Source:
    header = [_lower(str(c)) for c in frame.columns]
    rows = [
        (number, {h: _plain(v) for h, v in zip(header, record, strict=True)})
        for number, record in enumerate(frame.itertuples(index=False, name=None), start=1)
    ]
    return _Source(file, header, rows)


def _require_openpyxl() -> None:
    if importlib.util.find_spec("openpyxl") is None:
        raise MissingExtraError(
            "reading .xlsx files needs openpyxl: pip install 'referralmatch[excel]'"
        )


def _read_excel(data: Path | bytes, sheet: str | None) -> pd.DataFrame:
    _require_openpyxl()
    import pandas as pd

    handle: Any = io.BytesIO(data) if isinstance(data, bytes) else data
    frame = pd.read_excel(handle, sheet_name=0 if sheet is None else sheet, dtype=object,
                          engine="openpyxl")  # fmt: skip
    if not isinstance(frame, pd.DataFrame):  # pragma: no cover - a single sheet was asked for
        raise ConfigurationError("expected one sheet")
    return frame


def _is_excel(name: str) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm"))


def _open_sources(
    source: Path | pd.DataFrame | Bundle, mapping: ColumnMapping
) -> tuple[dict[str | None, _Source], list[str]]:
    """Read every source table the mapping names; also the names of missing required files."""
    import pandas as pd

    wanted = {tm.source for tm in mapping.tables}
    wanted |= {spec.file for tm in mapping.tables for spec in tm.columns.values()
               if isinstance(spec, Lookup) and spec.file is not None}  # fmt: skip
    required = {tm.source for tm in mapping.tables if not tm.optional}
    out: dict[str | None, _Source] = {}
    missing: list[str] = []
    if isinstance(source, pd.DataFrame):
        named = sorted(n for n in wanted if n is not None)
        if named:
            raise ConfigurationError(
                f"a DataFrame is one table; the mapping names source tables {', '.join(named)}"
            )
        out[None] = _from_frame(source, DATAFRAME_LABEL)
        return out, missing
    if isinstance(source, Path) and source.is_file() and _is_excel(source.name):
        _require_openpyxl()
        with pd.ExcelFile(source, engine="openpyxl") as book:
            sheets = [str(s) for s in book.sheet_names]
        for name in wanted:
            if name is not None and name not in sheets:
                if name in required:
                    missing.append(name)
                continue
            label = source.name if name is None else f"{source.name}[{name}]"
            out[name] = _from_frame(_read_excel(source, name), label)
        return out, missing
    bundle = source if isinstance(source, Bundle) else Bundle.open(source)
    single = bundle.names()[0] if len(bundle.names()) == 1 else None
    parsed: dict[str, list[Any]] = {}
    for name in wanted:
        name_file, path = _split_source(name)
        found = single if name_file is None or (single and _lower(name_file) == _lower(single)) else None
        if name_file is not None and found is None:
            found = bundle.find(PurePosixPath(name_file).name) if "/" not in name_file else (
                name_file if name_file in bundle.names() else None)  # fmt: skip
        if found is None:
            if name_file is None:
                raise ConfigurationError(
                    f"{bundle.label} holds {len(bundle.names())} files; every table mapping needs "
                    "source= naming its file"
                )
            if name is not None and name in required:
                missing.append(name)
            continue
        if found.lower().endswith(".json"):
            out[name] = _json_source(bundle, found, path, parsed)
        elif path is not None:
            raise ConfigurationError(
                f"source {name!r}: a records path after '#' is only for JSON files"
            )
        elif _is_excel(found):
            out[name] = _from_frame(_read_excel(bundle.read_bytes(found), None), found)
        else:
            header, rows = bundle.read_csv(found)
            out[name] = _Source(found, header, [(n, dict(v)) for n, v in rows])
    return out, missing


def _split_source(name: str | None) -> tuple[str | None, str | None]:
    """A source name as (file name or None for the single input, JSON records path or None)."""
    if name is None:
        return None, None
    file_name, sep, path = name.partition("#")
    return (file_name or None), (records_path(path) or None if sep else None)


def _json_source(bundle: Bundle, found: str, path: str | None, parsed: dict[str, list[Any]]) -> _Source:
    """The rows of a JSON file (one per record, or per item of the list at ``path``)."""
    if found not in parsed:
        text = bundle.read_text(found)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DirectoryFormatError(
                f"{bundle.label}/{found}: not valid JSON (line {exc.lineno}: {exc.msg})"
            ) from None
        parsed[found] = document if isinstance(document, list) else [document]
    rows = json_rows(parsed[found], found, path)
    header = list(dict.fromkeys(key for _, values in rows for key in values))
    label = f"{found}#{path}" if path else found
    first: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for number, values in rows:
        key = json.dumps({k: v for k, v in values.items() if k != PARENT_KEY}, sort_keys=True,
                         default=str)  # fmt: skip
        earlier = first.setdefault(key, number)
        if earlier != number:
            repeats[number] = earlier
    return _Source(label, header, rows, own=path or "", repeats=repeats)


def _reject_repeat(
    tm: TableMapping, src: _Source, number: int, raw: dict[str, Any], report: LoadReport
) -> None:
    """Account for the rows a JSON record repeating an earlier one would make: rejected."""
    values = {**raw, ROW_KEY: f"{src.file}:{number}"}
    if tm.when and all(is_blank(values.get(_lower(c))) for c in tm.when):
        return
    items = len(tm.split.items(values)) if tm.split is not None else 1
    if not items:
        return
    src.used.add(number)
    rtype = record_type_of(_MODELS[tm.table])
    base = values.get(_lower(tm.id_from)) if tm.id_from else None
    rid = None if is_blank(base) else f"{tm.id_prefix}{_key(base)}"
    for _ in range(items):
        report.count_read(rtype)
        report.add("error", rtype, f"record rejected: repeats row {src.repeats[number]} exactly",
                   file=src.file, row=number, record_id=rid)  # fmt: skip
        report.count_rejected(rtype)


# --------------------------------------------------------------------------------------------
# applying a mapping


def mapped_tables(
    source: Path | pd.DataFrame | Bundle, mapping: ColumnMapping, report: LoadReport
) -> dict[str, Table]:
    """Apply ``mapping`` to ``source`` and return HSDS 3 tables keyed by 3.x table name.

    Args:
        source: a ``.csv`` or ``.xlsx`` file, a folder or ``.zip`` of CSV files, a
            :class:`~referralmatch.io.source.Bundle`, or a pandas DataFrame.
        mapping: the :class:`ColumnMapping` (e.g. :data:`OHANA`).
        report: the load report; rows that cannot be used are counted there as read and
            rejected, with an error naming file, row and field.

    Row numbers are 1-based data rows (the header is not counted; in a sheet, data row 1 is
    spreadsheet row 2). Raises :class:`~referralmatch.errors.ConfigurationError` naming every
    mapped source column (and required file) that is missing, all at once, and
    :class:`~referralmatch.errors.MissingExtraError` for ``.xlsx`` without openpyxl.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"title": ["Food Pantry"], "day": ["Tue"], "opens": ["9am"]})
    >>> m = ColumnMapping(tables=(
    ...     TableMapping(table="services", columns={"name": "title"}),
    ...     TableMapping(table="schedules", columns={"service_id": ROW_KEY, "opens_at": "opens",
    ...                                              "byday": Weekday(column="day")}),
    ... ))
    >>> tables = mapped_tables(frame, m, LoadReport(source="demo"))
    >>> tables["schedules"].rows[0][1]["byday"], tables["schedules"].rows[0][1]["opens_at"]
    ('TU', '9am')
    """
    sources, missing_files = _open_sources(source, mapping)
    _check_columns(mapping, sources, missing_files, report)
    lookups = _lookup_indexes(mapping, sources)
    tables: dict[str, Table] = {}
    for tm in mapping.tables:
        src = sources.get(tm.source)
        if src is None:
            continue  # an optional file that is absent
        table = tables.setdefault(tm.table, Table(file=src.file))
        seen: set[str] | None = set() if tm.distinct else None
        for number, raw in src.rows:
            if number in src.repeats:
                _reject_repeat(tm, src, number, raw, report)
                continue
            _map_row(tm, src, number, raw, table, lookups, report, seen)
    for name, src in sources.items():
        first = next((tm for tm in mapping.tables if tm.source == name), None)
        if first is None:
            continue  # read only for lookups
        rtype = record_type_of(_MODELS[first.table])
        for number, _ in src.rows:
            if number not in src.used:
                report.count_read(rtype)
                report.add("error", rtype, "record rejected: the row gave no record (the columns "
                           "the mapping needs are blank)", file=src.file, row=number)  # fmt: skip
                report.count_rejected(rtype)
        _warn_unmapped(name, src, mapping, rtype, report)
    return tables


def _check_columns(
    mapping: ColumnMapping,
    sources: dict[str | None, _Source],
    missing_files: list[str],
    report: LoadReport | None = None,
) -> None:
    """Raise ConfigurationError naming every mapped column (and file) that is missing.

    JSON leaves optional values out rather than writing them empty, so for a JSON source a
    mapped path found in no record is a warning (in ``report``), not an error, unless the source
    has records and none of its mapped paths is found in any (the wrong file or mapping).
    """
    needed: dict[str | None, set[str]] = defaultdict(set)
    for tm in mapping.tables:
        needed[tm.source] |= tm.source_columns()
        for spec in tm.columns.values():
            if isinstance(spec, Lookup) and spec.file is not None:
                needed[spec.file] |= {_lower(spec.match), _lower(spec.column)}
    problems = [f"{name}: file not found" for name in sorted(set(missing_files))]
    for name, columns in sorted(needed.items(), key=lambda kv: str(kv[0])):
        src = sources.get(name)
        if src is None:
            continue
        absent = sorted(columns - set(src.header))
        if absent and src.own is not None and (not src.rows or len(absent) < len(columns)):
            if report is not None and src.rows:
                report.add("warning", "mapping", f"mapped JSON path(s) found in no record: "
                           f"{', '.join(absent)}", file=src.file)  # fmt: skip
        elif absent:
            problems.append(f"{src.file}: {', '.join(absent)}")
    if problems:
        raise ConfigurationError("mapped source columns not found: " + "; ".join(problems))


def _lookup_indexes(
    mapping: ColumnMapping, sources: dict[str | None, _Source]
) -> dict[Lookup, dict[str, Any]]:
    indexes: dict[Lookup, dict[str, Any]] = {}
    for tm in mapping.tables:
        for spec in tm.columns.values():
            if isinstance(spec, Lookup) and spec not in indexes:
                src = sources.get(spec.file if spec.file is not None else tm.source)
                index: dict[str, Any] = {}
                for _, values in src.rows if src is not None else []:
                    key = values.get(_lower(spec.match))
                    if not is_blank(key):
                        index.setdefault(_key(key), values.get(_lower(spec.column)))
                indexes[spec] = index
    return indexes


def _map_row(
    tm: TableMapping,
    src: _Source,
    number: int,
    raw: dict[str, Any],
    table: Table,
    lookups: dict[Lookup, dict[str, Any]],
    report: LoadReport,
    seen: set[str] | None,
) -> None:
    """Make the rows of one source row for one table mapping (``seen``: ids made, if distinct)."""
    rtype = record_type_of(_MODELS[tm.table])
    row_key = f"{src.file}:{number}"
    values = {**raw, ROW_KEY: row_key}
    if tm.when and all(is_blank(values.get(_lower(c))) for c in tm.when):
        return
    items: list[str | None] = [None]
    if tm.split is not None:
        items = list(tm.split.items(values))
        if not items:
            return
    src.used.add(number)
    base = values.get(_lower(tm.id_from)) if tm.id_from else row_key
    if is_blank(base):
        report.add("warning", rtype, f"no id in {tm.id_from!r}; loaded as id {row_key!r}",
                   file=src.file, row=number, field=tm.id_from)  # fmt: skip
        base = row_key
    base_id = f"{tm.id_prefix}{_key(base)}"
    if seen is not None:
        if base_id in seen:
            return
        seen.add(base_id)
    split_column = _lower(tm.split.column) if tm.split is not None else None
    for index, item in enumerate(items, start=1):
        rid = base_id if tm.split is None else f"{base_id}-{index}"
        cells = values if item is None else {**values, split_column or "": item}
        out: dict[str, Any] = dict(tm.constants)
        rejected = False
        for column, spec in tm.columns.items():
            try:
                value = _evaluate(spec, cells, tm, lookups, report, src.file, number, rid, column)
            except ValueError as exc:
                if (
                    isinstance(spec, Map)
                    and not _MODELS[tm.table].model_fields[column].is_required()
                ):
                    report.add("warning", rtype, f"{spec.column}: {exc}; {column} left blank",
                               file=src.file, row=number, record_id=rid, field=column)  # fmt: skip
                    continue
                report.count_read(rtype)
                report.add("error", rtype, f"record rejected: {_source_name(spec)} unreadable "
                           f"({exc})", file=src.file, row=number, record_id=rid,
                           field=column)  # fmt: skip
                report.count_rejected(rtype)
                rejected = True
                break
            if not is_blank(value):
                out[column] = _key(value) if column.endswith("_id") else value
        if rejected:
            continue
        out["id"] = rid
        if src.file != table.file:
            out[ROW_FILE_KEY] = src.file
        table.rows.append((number, out))


def _source_name(spec: ColumnSource) -> str:
    return spec if isinstance(spec, str) else ", ".join(_spec_columns(spec))


def _evaluate(
    spec: ColumnSource,
    values: Mapping[str, Any],
    tm: TableMapping,
    lookups: dict[Lookup, dict[str, Any]],
    report: LoadReport,
    file: str,
    number: int,
    rid: str,
    column: str,
) -> Any:
    if isinstance(spec, str):
        return values.get(spec if spec == ROW_KEY else _lower(spec))
    if isinstance(spec, Lookup):
        key = values.get(spec.key if spec.key == ROW_KEY else _lower(spec.key))
        if is_blank(key):
            return None
        index = lookups.get(spec, {})
        if _key(key) not in index:
            report.add("warning", record_type_of(_MODELS[tm.table]),
                       f"{spec.key} names no row of {spec.file or file}; {column} left blank",
                       file=file, row=number, record_id=rid, field=column)  # fmt: skip
            return None
        return index[_key(key)]
    return spec.apply(values)


def _warn_unmapped(
    name: str | None, src: _Source, mapping: ColumnMapping, rtype: str, report: LoadReport
) -> None:
    used: set[str] = set()
    for tm in mapping.tables:
        if tm.source == name:
            used |= tm.source_columns() | {_lower(c) for c in tm.ignore}
        for spec in tm.columns.values():
            if isinstance(spec, Lookup) and spec.file is not None and spec.file == name:
                used |= {_lower(spec.match), _lower(spec.column)}
    counts: Counter[str] = Counter()
    for _, values in src.rows:
        for column in src.header:
            if column not in used and not is_blank(values.get(column)):
                counts[column] += 1
    nested = _nested_paths(name, mapping) if src.own is not None else set()
    if src.own is not None:  # JSON: a parent's value read by a nested mapping is used too
        file_name = _split_source(name)[0]
        for tm in mapping.tables:
            if _split_source(tm.source)[0] == file_name:
                used |= tm.source_columns()
    for column in src.header:
        if src.own is not None and re.sub(r"(\.\d+)+$", "", column) in used:
            continue  # an item of a list whose joined value is used
        if counts[column] and (src.own is None or _own_column(column, src.own, nested)):
            report.add("warning", rtype, f"column {column!r} is not mapped; its {counts[column]} "
                       "value(s) were not loaded", file=src.file, field=column)  # fmt: skip


def _nested_paths(name: str | None, mapping: ColumnMapping) -> set[str]:
    """The JSON records paths the mapping reads from the same file as source ``name``."""
    file_name = _split_source(name)[0]
    paths = set()
    for tm in mapping.tables:
        other_file, path = _split_source(tm.source)
        if path and other_file == file_name:
            paths.add(path)
    return paths


def _own_column(column: str, own: str, nested: set[str]) -> bool:
    """True when a JSON column belongs to the source reading records path ``own`` (not to a
    parent record, and not to a deeper list another table mapping reads)."""
    if column == PARENT_KEY or (own and column != own and not column.startswith(own + ".")):
        return False
    return not any(
        path != own and (not own or path.startswith(own + ".")) and
        (column == path or column.startswith(path + "."))
        for path in nested
    )
