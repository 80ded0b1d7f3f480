"""Converting HSDS 1.1 / 2.0 tabular data packages into HSDS 3 tables (3.x table and column names).

:func:`hsds11_tables` reads an older Open Referral package from a :class:`~.source.Bundle` and
returns rows in HSDS 3 shape, ready for :func:`referralmatch.io.tabular.assemble`. It only renames
and reshapes; the record builder normalises values (times, dates, language names) and reports
repairs. Every output row keeps the file and 1-based data row it came from. Rows of a table that
came from a file other than ``Table.file`` (postal addresses beside physical ones, holiday
schedules beside regular ones, languages taken from phones) carry that file under
:data:`ROW_FILE_KEY`.

What changes, in short:

* ``services_at_location.csv`` -> ``service_at_location``; ``physical_addresses.csv`` and
  ``postal_addresses.csv`` -> ``addresses`` with ``address_type`` (``address_3``/``address_4``
  appended to ``address_2``); ``organizations.url`` -> ``website``;
  ``service_areas.service_area`` -> ``name``; ``accessibility_for_disabilities.accessibility`` ->
  ``accessibility.description``.
* ``regular_schedules.csv`` -> ``schedules`` with ``freq="WEEKLY"`` and an RFC 5545 ``byday``;
  ``holiday_schedules.csv`` -> ``schedules`` with ``valid_from``/``valid_to``; a closure has a
  ``description`` starting with "Closed" and ``notes="holiday closure"``.
* ``eligibility.csv`` -> the service's ``eligibility_description`` and ``payments_accepted.csv``
  -> its ``fees_description``; these rows are counted in the report under ``"eligibility"`` and
  ``"payment_accepted"`` (loaded, or rejected when the service is unknown).
* ``services_taxonomy.csv`` -> ``attributes``; ``taxonomy.csv`` -> ``taxonomy_terms``.
* ``languages.csv`` -> ``languages`` (the name kept, the code left for the builder to map);
  the comma-separated ``phones.language`` -> one ``languages`` row per code with ``phone_id``.
* A file with no HSDS 3 home (``metadata.csv``, ...) gets one warning saying how many rows it had;
  a column with no HSDS 3 home gets one warning per file when it held any value.

HSDS 2.0 names (``service_attributes.csv``, ``other_attributes.csv``, ``taxonomy_terms.csv`` with
``term``, ``schedules.csv``, ``service_at_location.csv``) are read too.

Example:
    >>> from referralmatch.io.report import LoadReport
    >>> from referralmatch.io.source import Bundle
    >>> bundle = Bundle("demo", {
    ...     "services.csv": b"id,name\\ns1,Harbor Shelter\\n",
    ...     "regular_schedules.csv": b"id,service_id,weekday,opens_at,closes_at\\n"
    ...                              b"r1,s1,Tuesday,9:00am,5:00pm\\n",
    ... })
    >>> looks_like_hsds11(bundle)
    True
    >>> tables = hsds11_tables(bundle, LoadReport(source="demo"))
    >>> row, values = tables["schedules"].rows[0]
    >>> row, values["freq"], values["byday"], values["opens_at"]
    (1, 'WEEKLY', 'TU', '9:00am')
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from ..errors import DirectoryFormatError
from . import normalize
from .records import is_blank, nested_fields, record_type_of
from .report import LoadReport
from .source import Bundle, CsvRow, safe_member_name
from .tabular import ROW_FILE_KEY, TABLE_MODELS, Table

__all__ = ["ROW_FILE_KEY", "TABLE_MODELS", "hsds11_tables", "looks_like_hsds11"]




# Files only HSDS 1.1/2.0 packages have (HSDS 3 renamed or removed them).
_OLD_ONLY_FILES = (
    "services_at_location.csv",
    "regular_schedules.csv",
    "holiday_schedules.csv",
    "physical_addresses.csv",
    "postal_addresses.csv",
    "services_taxonomy.csv",
    "service_taxonomy.csv",
    "service_attributes.csv",
    "other_attributes.csv",
    "payments_accepted.csv",
    "eligibility.csv",
    "accessibility_for_disabilities.csv",
)
# Files only HSDS 3 packages have: with one present, a 1.x/2.x package version means nothing.
_NEW_ONLY_FILES = (
    "addresses.csv",
    "attributes.csv",
    "cost_options.csv",
    "organization_identifiers.csv",
    "taxonomies.csv",
    "accessibility.csv",
)
_HOLIDAY_CLOSED = "Closed (holiday)"
_HOLIDAY_OPEN = "Holiday hours"
_OE_CODE = re.compile(r"^\d{3,5}$")  # Open Eligibility term ids are 3-5 digit numbers
_LIST_SPLIT = re.compile(r"\s*[,;/|]\s*")
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|\bto\b|\bthru\b|\bthrough\b)\s*", re.IGNORECASE)



def looks_like_hsds11(bundle: Bundle) -> bool:
    """True when ``bundle`` looks like an HSDS 1.1 or 2.0 tabular package (not HSDS 3).

    It looks for file names only older packages use (``services_at_location.csv``,
    ``regular_schedules.csv``, ``physical_addresses.csv``, ...), then, when no HSDS 3-only file
    (``addresses.csv``, ``attributes.csv``, ...) is present, for a ``datapackage.json`` whose
    ``version`` is 1.x or 2.x beside a ``services.csv``. Reads nothing else.

    >>> looks_like_hsds11(Bundle("x", {"services.csv": b"id,name\\n", "addresses.csv": b"id\\n"}))
    False
    >>> looks_like_hsds11(Bundle("x", {"pkg/physical_addresses.csv": b"id\\n"}))
    True
    """
    if any(bundle.find(name) for name in _OLD_ONLY_FILES):
        return True
    if any(bundle.find(name) for name in _NEW_ONLY_FILES):
        return False
    descriptor = _descriptor(bundle)
    if descriptor is None or bundle.find("services.csv") is None:
        return False
    version = str(descriptor[1].get("version", "")).strip().lstrip("vV")
    return version[:2] in ("1.", "2.") or version in ("1", "2")


def hsds11_tables(bundle: Bundle, report: LoadReport) -> dict[str, Table]:
    """Read an HSDS 1.1/2.0 package and return its rows as HSDS 3 tables, keyed by 3.x table name.

    Rows keep their source row numbers; values stay as read (text) except where a column had to
    be reshaped. Problems go to ``report``: rows merged into services (eligibility, payments) are
    counted there; rows that cannot be converted (an unreadable weekday, a holiday without a start
    date) are counted as read and rejected with an error naming file, row and field; files and
    columns with no HSDS 3 home get one warning each. Raises UnsafeInputError when the
    ``datapackage.json`` names a path outside the package.

    >>> from referralmatch.io.report import LoadReport
    >>> bundle = Bundle("demo", {
    ...     "services.csv": b"id,name\\ns1,Food Pantry\\n",
    ...     "eligibility.csv": b"id,service_id,eligibility\\ne1,s1,adult\\ne2,s9,teen\\n",
    ... })
    >>> report = LoadReport(source="demo")
    >>> tables = hsds11_tables(bundle, report)
    >>> tables["services"].rows[0][1]["eligibility_description"]
    'adult'
    >>> report.counts["eligibility"]
    Counts(read=2, loaded=1, repaired=0, rejected=1)
    """
    return _Converter(bundle, report).run()


# --------------------------------------------------------------------------------------------
# implementation


def _descriptor(bundle: Bundle) -> tuple[str, dict[str, Any]] | None:
    """(name, parsed JSON) of the shallowest readable datapackage.json, or None."""
    name = bundle.find("datapackage.json")
    if name is None:
        return None
    try:
        data = json.loads(bundle.read_text(name))
    except (ValueError, RecursionError, DirectoryFormatError):
        return None
    return (name, data) if isinstance(data, dict) else None


def _text(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if is_blank(value) else str(value).strip()


def _weekdays(value: str) -> list[str]:
    """RFC 5545 codes of a weekday, a list ("Mon, Wed") or a range ("Monday-Friday", "1-5")."""
    days: list[str] = []
    for part in _LIST_SPLIT.split(value.strip()):
        if not part:
            continue
        ends = _RANGE_SPLIT.split(part)
        if len(ends) == 2 and all(ends):
            first = normalize.WEEKDAY_CODES.index(normalize.parse_weekday(ends[0]))
            last = normalize.WEEKDAY_CODES.index(normalize.parse_weekday(ends[1]))
            span = (last - first) % 7
            days.extend(normalize.WEEKDAY_CODES[(first + i) % 7] for i in range(span + 1))
        else:
            days.append(normalize.parse_weekday(part))
    if not days:
        raise ValueError("no weekday given")
    return list(dict.fromkeys(days))


@cache
def _columns(table: str) -> frozenset[str]:
    model = TABLE_MODELS[table]
    return frozenset(model.model_fields) - frozenset(nested_fields(model))


class _Converter:
    """One conversion: locates the files, reshapes their rows, collects the output tables."""

    def __init__(self, bundle: Bundle, report: LoadReport) -> None:
        self.bundle = bundle
        self.report = report
        self.tables: dict[str, Table] = {}
        self.consumed: set[str] = set()
        self.dropped: Counter[tuple[str, str, str]] = Counter()  # (file, table, column) -> count
        self.services: dict[str, dict[str, Any]] = {}
        self.resources = self._resources()

    # ---- locating and reading files

    def _resources(self) -> dict[str, str]:
        """Data-package resource name -> bundle file name, for resources that exist."""
        found = _descriptor(self.bundle)
        if found is None:
            self._descriptor_unreadable()
            return {}
        name, data = found
        base = PurePosixPath(name).parent
        resources = data.get("resources")
        out: dict[str, str] = {}
        names = set(self.bundle.names())
        for resource in resources if isinstance(resources, list) else []:
            if not isinstance(resource, dict):
                continue
            rname, path = resource.get("name"), resource.get("path")
            if not isinstance(rname, str) or not isinstance(path, str):
                continue
            if "://" in path or path.lower().startswith(("http:", "https:", "ftp:", "file:")):
                self.report.add("warning", "datapackage", f"resource {rname[:60]!r} has a URL as "
                                "its path; remote data is never fetched, so it was not loaded",
                                file=name)  # fmt: skip
                continue
            safe_member_name(path)  # refuse a path that climbs out, before using it
            full = safe_member_name(str(base / path))
            if full in names:
                key = rname.strip().lower()
                if key == "taxonomy" and full.lower().endswith("taxonomies.csv"):
                    key = "taxonomies"  # HSDS 3 names its taxonomies resource "taxonomy"
                out[key] = full
            else:
                self.report.add("warning", "datapackage", f"resource {rname[:60]!r} names "
                                f"{full!r}, which is not in the package", file=name)  # fmt: skip
        return out

    def _descriptor_unreadable(self) -> None:
        """Report a ``datapackage.json`` that is there but is no JSON object."""
        name = self.bundle.find("datapackage.json")
        if name is not None:
            self.report.add("warning", "datapackage", "descriptor is not a readable JSON object; "
                            "using standard file names", file=name)  # fmt: skip

    def _locate(self, resource_names: Iterable[str], file_names: Iterable[str]) -> str | None:
        for rname in resource_names:
            path = self.resources.get(rname)
            if path is not None and path not in self.consumed:
                return path
        for fname in file_names:
            path = self.bundle.find(fname)
            if path is not None and path not in self.consumed:
                return path
        return None

    def _read(self, path: str, record_type: str) -> list[CsvRow] | None:
        self.consumed.add(path)
        try:
            _, rows = self.bundle.read_csv(path)
        except DirectoryFormatError as exc:
            self.report.add("error", record_type, f"file not read: {exc}", file=path)
            return None
        return rows

    def _each(
        self, resource_names: tuple[str, ...], file_names: tuple[str, ...], record_type: str
    ) -> Iterable[tuple[str, list[CsvRow]]]:
        """Every file matching the names (each read once), with its rows."""
        while (path := self._locate(resource_names, file_names)) is not None:
            rows = self._read(path, record_type)
            if rows is not None:
                yield path, rows

    # ---- writing rows

    def _table(self, table: str, file: str) -> Table:
        if table not in self.tables:
            self.tables[table] = Table(file=file)
        return self.tables[table]

    def _emit(self, table: str, file: str, row: int, values: dict[str, Any]) -> None:
        """Add one row to ``table``, keeping only its HSDS 3 columns (others are tallied)."""
        columns = _columns(table)
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key in columns:
                out[key] = value
            elif not is_blank(value):
                self.dropped[(file, table, key)] += 1
        target = self._table(table, file)
        if target.file != file:
            out[ROW_FILE_KEY] = file
        target.rows.append((row, out))

    def _reject(self, table: str, file: str, row: int, values: dict[str, Any], field: str,
                message: str) -> None:  # fmt: skip
        rtype = record_type_of(TABLE_MODELS[table])
        self.report.count_read(rtype)
        self.report.add("error", rtype, f"record rejected: {message}", file=file, row=row,
                        record_id=_text(values, "id") or None, field=field)  # fmt: skip
        self.report.count_rejected(rtype)

    def _simple(
        self,
        table: str,
        resource_names: tuple[str, ...],
        file_names: tuple[str, ...],
        rename: dict[str, str] | None = None,
        extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        """Copy a table whose rows map one to one, renaming columns."""
        rtype = record_type_of(TABLE_MODELS[table])
        for path, rows in self._each(resource_names, file_names, rtype):
            self._table(table, path)
            for number, raw in rows:
                values: dict[str, Any] = dict(raw)
                for old, new in (rename or {}).items():
                    if old in values:
                        value = values.pop(old)
                        if is_blank(values.get(new)):
                            values[new] = value
                if extra is not None:
                    values = extra(values)
                self._emit(table, path, number, values)

    # ---- the conversion

    def run(self) -> dict[str, Table]:
        self._simple("organizations", ("organization", "organizations"), ("organizations.csv",),
                     rename={"url": "website"})  # fmt: skip
        self._simple("programs", ("program", "programs"), ("programs.csv",))
        self._services()
        self._simple("locations", ("location", "locations"), ("locations.csv",))
        self._simple(
            "service_at_location",
            ("service_at_location", "services_at_location", "service_at_locations"),
            ("services_at_location.csv", "service_at_location.csv", "service_at_locations.csv",
             "services_at_locations.csv"),
        )  # fmt: skip
        self._languages()  # before phones, so phone languages are the rows from another file
        self._phones()
        self._simple("contacts", ("contact", "contacts"), ("contacts.csv",))
        self._addresses()
        self._schedules()
        self._simple("funding", ("funding",), ("funding.csv",))
        self._simple("service_areas", ("service_area", "service_areas"), ("service_areas.csv",),
                     rename={"service_area": "name"})  # fmt: skip
        self._simple("required_documents", ("required_document", "required_documents"),
                     ("required_documents.csv",))  # fmt: skip
        self._simple(
            "accessibility",
            ("accessibility_for_disabilities", "accessibility"),
            ("accessibility_for_disabilities.csv", "accessibility.csv"),
            rename={"accessibility": "description"},
        )
        self._simple("cost_options", ("cost_option", "cost_options"), ("cost_options.csv",))
        self._attributes()
        self._taxonomy()
        self._merged("eligibility", ("eligibility",), ("eligibility.csv",), "eligibility")
        self._merged("payment_accepted", ("payment_accepted", "payments_accepted"),
                     ("payments_accepted.csv",), "payment")  # fmt: skip
        self._unique_ids()
        self._leftovers()
        return self.tables

    def _services(self) -> None:
        # Services first: eligibility and payments merge into these rows.
        if self._locate(("service", "services"), ("services.csv",)) is None:
            raise DirectoryFormatError(
                f"{self.bundle.label}: the core table services.csv is missing; an HSDS 1.1/2.0 "
                "package needs it (every other table refers to its services)"
            )
        for path, rows in self._each(("service", "services"), ("services.csv",), "service"):
            self._table("services", path)
            for number, raw in rows:
                values: dict[str, Any] = dict(raw)
                self._emit("services", path, number, values)
                sid = _text(values, "id")
                if sid and sid not in self.services:
                    self.services[sid] = self.tables["services"].rows[-1][1]

    def _phones(self) -> None:
        for path, rows in self._each(("phone", "phones"), ("phones.csv",), "phone"):
            self._table("phones", path)
            for number, raw in rows:
                values: dict[str, Any] = dict(raw)
                languages = _text(values, "language")
                values.pop("language", None)
                if is_blank(values.get("department")):
                    values.pop("department", None)  # deprecated in 1.1; warned about when set
                self._emit("phones", path, number, values)
                phone_id = _text(values, "id")
                if not languages or not phone_id:
                    continue
                for index, token in enumerate(t for t in _LIST_SPLIT.split(languages) if t):
                    try:
                        name = normalize.language_name(normalize.language_code(token))
                    except ValueError:
                        name = token
                    self._emit("languages", path, number, {
                        "id": f"{phone_id}-language-{index + 1}", "phone_id": phone_id,
                        "name": name, "code": token,
                    })  # fmt: skip

    def _addresses(self) -> None:
        sources = (
            ("physical", ("physical_address", "physical_addresses"), ("physical_addresses.csv",)),
            ("postal", ("postal_address", "postal_addresses"), ("postal_addresses.csv",)),
            ("", ("address", "addresses"), ("addresses.csv",)),
        )
        for kind, resource_names, file_names in sources:
            for path, rows in self._each(resource_names, file_names, "address"):
                self._table("addresses", path)
                for number, raw in rows:
                    values: dict[str, Any] = dict(raw)
                    extra = [_text(values, k) for k in ("address_2", "address_3", "address_4")]
                    values.pop("address_3", None)
                    values.pop("address_4", None)
                    if any(extra[1:]):
                        values["address_2"] = ", ".join(part for part in extra if part)
                    if kind:
                        values["address_type"] = kind
                    self._emit("addresses", path, number, values)

    def _schedules(self) -> None:
        for path, rows in self._each(("regular_schedule", "regular_schedules"),
                                     ("regular_schedules.csv",), "schedule"):  # fmt: skip
            self._table("schedules", path)
            for number, raw in rows:
                self._weekly(path, number, dict(raw), required=True)
        for path, rows in self._each(("holiday_schedule", "holiday_schedules"),
                                     ("holiday_schedules.csv",), "schedule"):  # fmt: skip
            self._table("schedules", path)
            for number, raw in rows:
                self._holiday(path, number, dict(raw))
        for path, rows in self._each(("schedule", "schedules"), ("schedules.csv",), "schedule"):
            self._table("schedules", path)
            for number, raw in rows:
                self._weekly(path, number, dict(raw), required=False)

    def _weekly(self, path: str, number: int, values: dict[str, Any], *, required: bool) -> None:
        weekday = _text(values, "weekday")
        values.pop("weekday", None)
        if weekday and is_blank(values.get("byday")):
            try:
                values["byday"] = ",".join(_weekdays(weekday))
            except ValueError as exc:
                message = f"weekday {weekday[:40]!r} is not a day of the week ({exc})"
                self._reject("schedules", path, number, values, "weekday", message)
                return
            if is_blank(values.get("freq")):
                values["freq"] = "WEEKLY"
        elif required and not weekday:
            self._reject("schedules", path, number, values, "weekday", "no weekday given")
            return
        self._emit("schedules", path, number, values)

    def _holiday(self, path: str, number: int, values: dict[str, Any]) -> None:
        start, end = _text(values, "start_date"), _text(values, "end_date")
        if not start:
            self._reject("schedules", path, number, values, "start_date",
                         "a holiday schedule needs a start_date")  # fmt: skip
            return
        has_hours = bool(_text(values, "opens_at") or _text(values, "closes_at"))
        flag = _text(values, "closed")
        try:
            if not flag:
                raise ValueError("no closed flag")
            closed = normalize.parse_bool(flag)
        except ValueError:
            closed = not has_hours
            reading = "closed" if closed else "open"
            self.report.add("warning", "schedule",
                            f"closed flag missing or unreadable; read as {reading} from the hours",
                            file=path, row=number, record_id=_text(values, "id") or None,
                            field="closed")  # fmt: skip
        for key in ("closed", "start_date", "end_date"):
            values.pop(key, None)
        values["valid_from"] = start
        values["valid_to"] = end or start
        if closed:
            values.pop("opens_at", None)
            values.pop("closes_at", None)
            values["description"] = _HOLIDAY_CLOSED
            values["notes"] = "holiday closure"
        else:
            values["description"] = _HOLIDAY_OPEN
            values["notes"] = "holiday hours"
        self._emit("schedules", path, number, values)

    def _languages(self) -> None:
        for path, rows in self._each(("language", "languages"), ("languages.csv",), "language"):
            self._table("languages", path)
            for number, raw in rows:
                values: dict[str, Any] = dict(raw)
                text = _text(values, "language")
                values.pop("language", None)
                if not text:
                    self._emit("languages", path, number, values)
                    continue
                tokens = [t for t in _LIST_SPLIT.split(text) if t]
                for index, token in enumerate(tokens):
                    row = dict(values)
                    if index and _text(values, "id"):
                        row["id"] = f"{_text(values, 'id')}-{index + 1}"
                    if is_blank(row.get("name")):
                        row["name"] = token
                    if is_blank(row.get("code")):
                        row["code"] = token
                    self._emit("languages", path, number, row)

    def _attributes(self) -> None:
        for path, rows in self._each(
            ("service_taxonomy", "services_taxonomy", "service_attribute", "service_attributes"),
            ("services_taxonomy.csv", "service_taxonomy.csv", "service_attributes.csv"),
            "attribute",
        ):
            self._table("attributes", path)
            for number, raw in rows:
                values: dict[str, Any] = dict(raw)
                sid = _text(values, "service_id")
                term = _text(values, "taxonomy_id") or _text(values, "taxonomy_term_id")
                row = {
                    "id": _text(values, "id") or (f"{sid}-{term}" if sid and term else ""),
                    "link_id": sid,
                    "link_type": "service",
                    "link_entity": "service",
                    "taxonomy_term_id": term,
                    "value": values.get("taxonomy_detail", values.get("value", "")),
                }
                self._emit("attributes", path, number, row)
        for path, rows in self._each(
            ("other_attribute", "other_attributes", "attribute", "attributes"),
            ("other_attributes.csv", "attributes.csv"),
            "attribute",
        ):
            self._table("attributes", path)
            for number, raw in rows:
                values = dict(raw)
                if is_blank(values.get("link_entity")) and not is_blank(values.get("link_type")):
                    values["link_entity"] = values["link_type"]
                self._emit("attributes", path, number, values)

    def _taxonomy(self) -> None:
        def term(values: dict[str, Any]) -> dict[str, Any]:
            values.pop("parent_name", None)  # the parent's name; parent_id carries the link
            tid = _text(values, "id")
            if is_blank(values.get("code")) and _OE_CODE.match(tid):
                values["code"] = tid
            return values

        self._simple("taxonomy_terms", ("taxonomy", "taxonomy_term", "taxonomy_terms"),
                     ("taxonomy.csv", "taxonomy_terms.csv"),
                     rename={"vocabulary": "taxonomy", "term": "name"}, extra=term)  # fmt: skip
        self._simple("taxonomies", ("taxonomies",), ("taxonomies.csv",))

    def _merged(self, record_type: str, resource_names: tuple[str, ...],
                file_names: tuple[str, ...], column: str) -> None:  # fmt: skip
        """Account for rows folded into their service (eligibility, payments accepted)."""
        found: dict[str, list[str]] = {}
        for path, rows in self._each(resource_names, file_names, record_type):
            unlinked: list[int] = []
            for number, values in rows:
                self.report.count_read(record_type)
                sid = _text(values, "service_id")
                text = normalize.clean_text(values.get(column, ""))
                rid = _text(values, "id") or None
                if not sid and not rid:
                    unlinked.append(number)  # reported once for the file, below
                    self.report.count_rejected(record_type)
                    continue
                if not text:
                    problem, field = f"no {column} given", column
                elif sid not in self.services:
                    problem = "service_id refers to no service" if sid else "no service_id given"
                    field = "service_id"
                else:
                    found.setdefault(sid, []).append(text)
                    self.report.count_loaded(record_type)
                    continue
                self.report.add("error", record_type, f"record rejected: {problem}", file=path,
                                row=number, record_id=rid, field=field)  # fmt: skip
                self.report.count_rejected(record_type)
            if unlinked:
                first = ", ".join(str(n) for n in unlinked[:5])
                self.report.add("error", record_type, f"{len(unlinked)} row(s) rejected: they "
                                "have neither an id nor a service_id, so no service can take "
                                f"them (first rows: {first})", file=path, row=unlinked[0],
                                field="service_id")  # fmt: skip
        for sid, texts in found.items():
            service = self.services[sid]
            if record_type == "eligibility":
                key, merged = "eligibility_description", "; ".join(dict.fromkeys(texts))
            else:
                key = "fees_description"
                merged = "Payments accepted: " + ", ".join(dict.fromkeys(texts))
            existing = _text(service, key)
            service[key] = f"{existing}; {merged}" if existing else merged

    def _unique_ids(self) -> None:
        """Give a row a new id when another file of the same table already used its id."""
        for name, table in self.tables.items():
            owner: dict[str, str] = {}
            used = {_text(values, "id") for _, values in table.rows}
            for number, values in table.rows:
                rid = _text(values, "id")
                file = values.get(ROW_FILE_KEY, table.file)
                if not rid:
                    continue
                first = owner.setdefault(rid, file)
                if first == file:
                    continue
                stem = PurePosixPath(file).stem
                new, n = f"{rid}-{stem}", 2
                while new in used:
                    new, n = f"{rid}-{stem}-{n}", n + 1
                used.add(new)
                values["id"] = new
                self.report.add("warning", record_type_of(TABLE_MODELS[name]),
                                f"id also used in {first}; loaded as id {new!r}", file=file,
                                row=number, record_id=rid, field="id")  # fmt: skip

    def _leftovers(self) -> None:
        """One warning per dropped column and per CSV file with no HSDS 3 home."""
        for (file, table, column), count in sorted(self.dropped.items()):
            self.report.add("warning", record_type_of(TABLE_MODELS[table]),
                            f"column {column!r} is not part of HSDS 3; its {count} value(s) were "
                            "not loaded", file=file, field=column)  # fmt: skip
        for path in self.bundle.names():
            if not path.lower().endswith(".csv") or path in self.consumed:
                continue
            stem = PurePosixPath(path).stem.lower()
            try:
                _, rows = self.bundle.read_csv(path)
                detail = f"its {len(rows)} row(s) were not loaded"
            except DirectoryFormatError:
                detail = "it is not readable CSV either"
            self.report.add("warning", stem, f"file is not part of the directory model; {detail}",
                            file=path)  # fmt: skip
