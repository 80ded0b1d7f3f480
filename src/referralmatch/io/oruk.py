"""Reading Open Referral UK (ORUK) ``/services`` JSON as HSDS 3 records.

An ORUK feed is a list of services, or an API page ``{"content": [...], "totalPages": ...}``.
Each service nests its ``organization``, ``service_at_locations`` (each with a ``location`` holding
``physical_addresses`` and ``accessibility_for_disabilities``), ``regular_schedules``,
``eligibilitys`` (ages and text), ``languages``, ``contacts``, ``cost_options``,
``service_areas``, ``service_taxonomys`` and ``fundings``; these are renamed to their HSDS 3 homes.

Text fields given as HTML are turned into plain text (:func:`~referralmatch.io.html_text.html_to_text`,
script and style contents dropped). Vendor fields (``pc_*``) and other ORUK-only fields are kept
as attributes whose ``link_type`` names the field, lower-cased (``pc_targetAudience`` entries become
``audience`` attributes, which the matcher reads); vendor values that are objects are reported
once per field, as not loaded. A repeated service id and a service without a name are rejected
and reported, as in any format.

Example:
    >>> from referralmatch.io.report import LoadReport
    >>> report = LoadReport(source="demo")
    >>> directory = load_oruk_documents([("feed.json", [
    ...     {"id": "s1", "name": "Lunch club", "description": "<p>Hot&nbsp;meals</p>",
    ...      "status": "active", "organization": {"id": "o1", "name": "Age UK"},
    ...      "pc_targetAudience": [{"id": "Older", "audienceType": "Older people "}]},
    ... ])], report)
    >>> service = directory.services["s1"]
    >>> service.description, service.organization_id, [(a.link_type, a.value) for a in service.attributes]
    ('Hot meals', 'o1', [('audience', 'Older people')])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..models.directory import Service
from .collect import Collector
from .html_text import html_to_text, looks_like_html
from .records import is_blank
from .report import LoadReport

if TYPE_CHECKING:
    from ..directory import Directory
    from .source import Bundle

__all__ = ["ORUK_MARKERS", "load_oruk", "load_oruk_documents", "looks_like_oruk", "oruk_service"]

ORUK_MARKERS = (
    "totalPages",
    "totalElements",
    "eligibilitys",
    "service_taxonomys",
    "regular_schedules",
    "physical_addresses",
    "accessibility_for_disabilities",
    "deliverable_type",
    "attending_access",
    "pc_targetAudience",
    "pc_metadata",
    "fundings",
)
"""JSON keys found in ORUK feeds and never in HSDS 3 JSON; any of them marks a file as ORUK."""

_MARKER = re.compile(r'"(' + "|".join(map(re.escape, ORUK_MARKERS)) + r')"\s*:')
_TEXT_FIELDS = (
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "accreditations",
    "alert",
    "transportation",
    "notes",
)
_SERVICE_FIELDS = (
    "id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "wait_time",
    "accreditations",
    "licenses",
    "assured_date",
    "assurer_email",
    "alert",
    "minimum_age",
    "maximum_age",
    "eligibility_description",
    "fees_description",
)
_AS_ATTRIBUTE = ("deliverable_type", "attending_type", "attending_access")


def looks_like_oruk(bundle: Bundle) -> bool:
    """True when a ``.json`` file of the bundle uses ORUK's own keys (see :data:`ORUK_MARKERS`)."""
    for name in bundle.names():
        if name.lower().endswith(".json") and not name.lower().endswith("datapackage.json"):
            head = bundle.read_bytes(name)[: 1 << 20].decode("utf-8", errors="ignore")
            if _MARKER.search(head):
                return True
    return False


def _with_id(item: Any, default: str) -> Any:
    if isinstance(item, dict) and is_blank(item.get("id")):
        return {**item, "id": default}
    return item


def _items(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    return list(value) if isinstance(value, list) else []


class _Converter:
    """ORUK service dicts -> HSDS 3 service dicts, noting vendor fields not loaded."""

    def __init__(self) -> None:
        self.not_loaded: Counter[str] = Counter()
        self.html = 0

    def text(self, value: Any) -> Any:
        if isinstance(value, str) and looks_like_html(value):
            self.html += 1
            return html_to_text(value)
        return value

    def schedule(self, raw: Any, default: str) -> Any:
        raw = _with_id(raw, default)
        if isinstance(raw, dict) and "weekday" in raw and "byday" not in raw:
            raw = {**raw, "byday": raw["weekday"]}
        return raw

    def location(self, raw: Any, default: str) -> Any:
        raw = _with_id(raw, default)
        if not isinstance(raw, dict):
            return raw
        lid = str(raw["id"])
        out = {
            k: self.text(v)
            for k, v in raw.items()
            if k not in ("physical_addresses", "postal_addresses", "accessibility_for_disabilities")
        }
        if _age(out.get("latitude")) == 0.0 and _age(out.get("longitude")) == 0.0:
            out.pop("latitude")
            out.pop("longitude")
            self.not_loaded["location latitude/longitude 0, 0 (no place; read as missing)"] += 1
        addresses = [
            {**_with_id(a, f"{lid}-address-{i}"), "address_type": "physical"}
            for i, a in enumerate(_items(raw, "physical_addresses"), start=1)
            if isinstance(a, dict)
        ] + [
            {**_with_id(a, f"{lid}-postal-{i}"), "address_type": "postal"}
            for i, a in enumerate(_items(raw, "postal_addresses"), start=1)
            if isinstance(a, dict)
        ]
        if addresses:
            out["addresses"] = addresses + _items(raw, "addresses")
        access = [
            {
                "id": a.get("id") or f"{lid}-access-{i}",
                "description": self.text(a.get("accessibility")),
            }
            for i, a in enumerate(_items(raw, "accessibility_for_disabilities"), start=1)
            if isinstance(a, dict)
        ]
        if access:
            out["accessibility"] = access
        if _items(raw, "regular_schedules"):
            out["schedules"] = [
                self.schedule(s, f"{lid}-schedule-{i}")
                for i, s in enumerate(_items(raw, "regular_schedules"), start=1)
            ]
        return out

    def service(self, raw: dict[str, Any]) -> dict[str, Any]:
        sid = "" if is_blank(raw.get("id")) else str(raw["id"]).strip()
        out: dict[str, Any] = {k: self.text(raw[k]) for k in _SERVICE_FIELDS if k in raw}
        if not is_blank(raw.get("fees")) and is_blank(raw.get("fees_description")):
            out["fees_description"] = self.text(raw["fees"])
        if isinstance(raw.get("status"), str):
            out["status"] = raw["status"].strip().lower()
        attributes: list[Any] = list(_items(raw, "attributes"))
        org = raw.get("organization")
        if isinstance(org, dict):
            org = {k: self.text(v) for k, v in org.items() if k not in ("reviews", "services")}
            if "url" in org and "website" not in org:
                org["website"] = org.pop("url")
            out["organization"] = org
        elif not is_blank(raw.get("organization_id")):
            out["organization_id"] = raw["organization_id"]
        eligibility = [e for e in _items(raw, "eligibilitys") if isinstance(e, dict)]
        texts = [
            self.text(e.get("eligibility"))
            for e in eligibility
            if not is_blank(e.get("eligibility"))
        ]
        if texts and is_blank(out.get("eligibility_description")):
            out["eligibility_description"] = "; ".join(str(t) for t in texts)
        mins = [a for e in eligibility if (a := _age(e.get("minimum_age"))) is not None]
        maxs = [a for e in eligibility if (a := _age(e.get("maximum_age"))) is not None]
        if mins and "minimum_age" not in out:
            out["minimum_age"] = min(mins)
        if maxs and "maximum_age" not in out:
            out["maximum_age"] = max(maxs)
        out["languages"] = [
            {
                "id": lang.get("id") or f"{sid}-language-{i}",
                "name": lang.get("language"),
                "code": lang.get("language"),
            }
            if isinstance(lang, dict) and "language" in lang
            else {"id": f"{sid}-language-{i}", "name": lang, "code": lang}
            if isinstance(lang, str)
            else _with_id(lang, f"{sid}-language-{i}")
            for i, lang in enumerate(_items(raw, "languages"), start=1)
        ]
        out["schedules"] = [
            self.schedule(s, f"{sid}-schedule-{i}")
            for i, s in enumerate(_items(raw, "regular_schedules"), start=1)
        ]
        out["service_areas"] = [
            {
                **{k: v for k, v in a.items() if k != "service_area"},
                "id": a.get("id") or f"{sid}-area-{i}",
                "name": a.get("service_area") or a.get("name"),
            }
            if isinstance(a, dict)
            else a
            for i, a in enumerate(_items(raw, "service_areas"), start=1)
        ]
        out["cost_options"] = [
            _with_id(c, f"{sid}-cost-{i}")
            for i, c in enumerate(_items(raw, "cost_options"), start=1)
        ]
        out["funding"] = [
            _with_id(f, f"{sid}-funding-{i}")
            for i, f in enumerate(_items(raw, "fundings") + _items(raw, "funding"), start=1)
        ]
        out["contacts"] = [
            {
                **_with_id(c, f"{sid}-contact-{i}"),
                "phones": [
                    _with_id(p, f"{sid}-contact-{i}-phone-{j}")
                    for j, p in enumerate(_items(c, "phones"), start=1)
                ],
            }
            if isinstance(c, dict)
            else c
            for i, c in enumerate(_items(raw, "contacts"), start=1)
        ]
        out["phones"] = [
            _with_id(p, f"{sid}-phone-{i}") for i, p in enumerate(_items(raw, "phones"), start=1)
        ]
        out["service_at_locations"] = []
        for i, sal in enumerate(_items(raw, "service_at_locations"), start=1):
            sal = _with_id(sal, f"{sid}-sal-{i}")
            if isinstance(sal, dict):
                sal = {**sal}
                if isinstance(sal.get("location"), dict):
                    sal["location"] = self.location(sal["location"], f"{sid}-location-{i}")
                if _items(sal, "regular_schedules"):
                    sal["schedules"] = [
                        self.schedule(s, f"{sal['id']}-schedule-{j}")
                        for j, s in enumerate(_items(sal, "regular_schedules"), start=1)
                    ]
            out["service_at_locations"].append(sal)
        for i, link in enumerate(_items(raw, "service_taxonomys"), start=1):
            term = link.get("taxonomy") if isinstance(link, dict) else None
            if not isinstance(term, dict) or is_blank(term.get("id")):
                self.not_loaded["service_taxonomys (entry without a taxonomy id)"] += 1
                continue
            term_id = str(term["id"])
            attributes.append(
                {
                    "id": link.get("id") or f"{sid}-taxonomy-{i}",
                    "link_id": sid,
                    "link_type": "category",
                    "link_entity": "service",
                    "taxonomy_term_id": term_id,
                    "taxonomy_term": {
                        "id": term_id,
                        "code": term_id,
                        "name": term.get("name") or term_id,
                        "taxonomy": term.get("vocabulary"),
                        "parent_id": _parent_id(term.get("parent")),
                    },
                }
            )
        for i, audience in enumerate(_items(raw, "pc_targetAudience"), start=1):
            value = audience.get("audienceType") if isinstance(audience, dict) else audience
            if isinstance(value, str) and value.strip():
                attributes.append(
                    {
                        "id": f"{sid}-audience-{i}",
                        "link_id": sid,
                        "link_type": "audience",
                        "link_entity": "service",
                        "value": value.strip(),
                    }
                )
        handled = {
            *_SERVICE_FIELDS,
            "fees",
            "organization",
            "organization_id",
            "eligibilitys",
            "languages",
            "regular_schedules",
            "service_areas",
            "cost_options",
            "fundings",
            "funding",
            "contacts",
            "phones",
            "service_at_locations",
            "service_taxonomys",
            "pc_targetAudience",
            "attributes",
            "holiday_schedules",
        }
        metadata = raw.get("pc_metadata")
        if isinstance(metadata, dict) and not is_blank(metadata.get("date_modified")):
            out["last_modified"] = metadata["date_modified"]
            handled.add("pc_metadata")
            if any(not is_blank(v) for k, v in metadata.items() if k != "date_modified"):
                self.not_loaded["pc_metadata (all but date_modified)"] += 1
        for key, value in raw.items():
            if key in handled or is_blank(value) or value in ([], {}):
                continue
            if isinstance(value, str | int | float | bool):
                attributes.append(
                    {
                        "id": f"{sid}-{key}",
                        "link_id": sid,
                        "link_type": key.lower(),
                        "link_entity": "service",
                        "value": str(self.text(value)),
                    }
                )
            else:
                self.not_loaded[key] += 1
        if _items(raw, "holiday_schedules"):
            self.not_loaded["holiday_schedules"] += 1
        out["attributes"] = attributes
        return {k: v for k, v in out.items() if v != []}


def _age(value: Any) -> float | None:
    """An age in years from a number or numeric text; None otherwise (0 is a real minimum)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _parent_id(value: Any) -> str | None:
    """A taxonomy term's parent as an id (ORUK gives an id, or sometimes the parent object)."""
    if isinstance(value, dict):
        value = value.get("id")
    return None if is_blank(value) else str(value)


def oruk_service(raw: dict[str, Any]) -> dict[str, Any]:
    """One ORUK service as an HSDS 3 service dict (nested objects renamed; HTML as plain text)."""
    return _Converter().service(raw)


def _services(document: Any, pointer: str) -> Iterable[tuple[str, Any]]:
    """``(pointer, service)`` of one document: a list, an API page, or a wrapper object."""
    if isinstance(document, dict) and is_blank(document.get("name")):
        lists = [k for k, v in document.items() if isinstance(v, list) and v and
                 all(isinstance(i, dict) for i in v)]  # fmt: skip
        key = next((k for k in ("content", "contents") if isinstance(document.get(k), list)), None)
        if key is None and len(lists) == 1 and lists[0] in ("services", "data", "items", "results"):
            key = lists[0]
        if key is not None:
            document, pointer = document[key], f"{pointer}/{key}"
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield f"{pointer}/{index}", item
    else:
        yield pointer or "/", document


def load_oruk_documents(
    documents: Iterable[tuple[str, Any]], report: LoadReport, *, collector: Collector | None = None
) -> Directory:
    """Load parsed ORUK documents (``(file name, JSON value)`` pairs) into one Directory.

    One collector takes every document, so an id repeated in another file or page is rejected
    and reported like one repeated in the same file.
    """
    converter = _Converter()
    shared = collector
    first_name: str | None = None
    for name, document in documents:
        if shared is None:
            shared = Collector(report, name)
        shared.at(name)
        first_name = first_name or name
        for pointer, item in _services(document, ""):
            if not isinstance(item, dict):
                report.count_read("service")
                report.add("error", "service", "record rejected: expected a JSON object, found "
                           f"{type(item).__name__}", file=name, pointer=pointer)  # fmt: skip
                report.count_rejected("service")
                continue
            shared.add(Service, converter.service(item), pointer)
    label = report.source if collector is not None or first_name is None else first_name
    if converter.html:
        report.add(
            "repair",
            "service",
            f"{converter.html} HTML text value(s) converted to plain text",
            file=label,
        )
    for key, count in sorted(converter.not_loaded.items()):
        report.add(
            "warning",
            "service",
            f"ORUK field {key}: not loaded in {count} service(s)"
            + ("" if "(" in key else " (not part of the directory model)"),
            file=label,
            field=key.split(" ")[0],
        )
    return (shared or Collector(report, label)).to_directory()


def load_oruk(bundle: Bundle, report: LoadReport) -> Directory:
    """Load every ORUK JSON file of ``bundle`` into one Directory."""
    from .hsds3 import read_json_documents

    return load_oruk_documents(read_json_documents(bundle), report)
