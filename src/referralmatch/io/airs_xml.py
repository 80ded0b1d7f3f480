"""Reading AIRS XML (3.0 and the 4.0 draft), the export format of 211 call-centre software, as HSDS 3.

AIRS 3.0 nests ``Agency > Site > SiteService`` (VisionLink, iCarol, RTM exports); the 4.0 draft puts
``Agency``, ``Site``, ``Service``, ``SiteService`` and ``ServiceGroup`` side by side under ``Source``,
linked by ``AgencyID``/``SiteID``/``ServiceID``. Both become HSDS 3 records:

- ``Agency`` -> organization (phones, contacts, funding; 3.0's ``AgencyLocation`` -> a location);
- ``Site`` -> location (physical and mailing addresses, phones, hours, languages, accessibility,
  coordinates);
- ``SiteService`` -> service delivered at its site (a service-at-location link), with phones, hours
  (``TimeOpen`` day elements with ``From``/``To``, 4.0 ``OpenHours``, or the hours text), languages,
  service areas, fees, required documents, eligibility (age, gender, family, income, residency and
  other requirements joined into ``eligibility_description``; structured ages into
  ``minimum_age``/``maximum_age``) and taxonomy codes as attributes naming a taxonomy term of
  taxonomy ``"AIRS/211 LA"``; a 4.0 ``Service`` that site services name fills in what they lack;
- ``ServiceGroup`` -> program.

Values marked confidential (addresses, phones) are withheld, with a note in the report.

The XML is parsed with :mod:`defusedxml`: entity declarations (entity-expansion bombs, external
entities) are refused with :class:`~referralmatch.errors.UnsafeInputError`, as is a file larger
than ``max_bytes``. Files that declare ISO-8859-1 but hold UTF-8 (a common export bug) are read as
UTF-8, with a note; Windows-1252 punctuation in a Latin-1 file is read as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from ..errors import DirectoryFormatError, UnsafeInputError
from ..models.directory import Location, Organization, Program, Service
from . import normalize
from .collect import Collector
from .report import LoadReport

if TYPE_CHECKING:
    from ..directory import Directory
    from .source import Bundle

__all__ = [
    "AIRS_TAXONOMY",
    "DEFAULT_MAX_XML_BYTES",
    "load_airs_xml",
    "looks_like_airs_xml",
    "parse_xml",
]

DEFAULT_MAX_XML_BYTES = 256 << 20  # 256 MiB
"""Largest XML file read (bytes); a larger one is refused before parsing."""

AIRS_TAXONOMY = "AIRS/211 LA"
"""The taxonomy name given to AIRS/211 LA codes (as in the Baltimore HSDS 3.0 reference)."""

_DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
_PHONE_TYPES = {
    "voice": "voice",
    "landline": "voice",
    "main": "voice",
    "fax": "fax",
    "tty/tdd": "textphone",
    "tty": "textphone",
    "tdd": "textphone",
    "cell": "cell",
    "cell phone": "cell",
    "mobile": "cell",
    "pager": "pager",
    "text": "text",
    "sms": "text",
    "video": "video",
}
_NO_VALUE = {"none", "n/a", "na", "-", "null", "unknown"}
_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
# characters XML 1.0 forbids (raw or as character references): exports carry stray ones
_ILLEGAL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
    r"|&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]));"
)


# --------------------------------------------------------------------------------------------
# sniffing and safe parsing


def looks_like_airs_xml(bundle: Bundle) -> bool:
    """True when some ``.xml`` file of the bundle has the AIRS root (``Source`` or ``Agency``)."""
    return any(_is_airs(bundle.read_bytes(n)[:65536]) for n in _xml_names(bundle))


def _xml_names(bundle: Bundle) -> list[str]:
    return [n for n in bundle.names() if n.lower().endswith(".xml")]


def _is_airs(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = re.sub(rb"<!--.*?-->", b"", head, flags=re.DOTALL)
    match = _ROOT.search(head)
    if match is None:
        return False
    root = match.group(1).rsplit(b":", 1)[-1]
    return root in (b"Source", b"Agency") and b"Agency" in head


def _decode(data: bytes, label: str, report: LoadReport) -> str:
    """The document as text: BOMs honoured, mislabelled UTF-8 and cp1252 punctuation repaired."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    declared_match = _DECLARED.match(data)
    declared = declared_match.group(1).decode("ascii").lower() if declared_match else "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if declared not in ("utf-8", "utf8") and not data.isascii():
            report.add(
                "repair",
                "source",
                f"declared encoding {declared} but the bytes are UTF-8; read as UTF-8",
                file=label,
            )
        return text
    if declared in ("iso-8859-1", "latin-1", "latin1", "iso8859-1", "us-ascii", "ascii"):
        declared = "cp1252"  # what Windows exports mean by Latin-1
    try:
        return data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise DirectoryFormatError(f"{label}: undecodable text") from None


def parse_xml(
    data: bytes, label: str, report: LoadReport, *, max_bytes: int = DEFAULT_MAX_XML_BYTES
) -> Element:
    """Parse ``data`` safely; UnsafeInputError for entities, DTD tricks or a size over ``max_bytes``.

    >>> root = parse_xml(b"<Source><Agency/></Source>", "x.xml", LoadReport(source="x"))
    >>> root.tag
    'Source'
    >>> parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "bad.xml", LoadReport(source="x"))
    Traceback (most recent call last):
    ...
    referralmatch.errors.UnsafeInputError: bad.xml: refused: the XML declares entities (entity expansion and external entities are not allowed)
    """
    if len(data) > max_bytes:
        raise UnsafeInputError(
            f"{label}: refused, {len(data)} bytes is over the XML size limit of {max_bytes} bytes"
        )
    text = _decode(data, label, report)
    # the declaration's encoding is done with
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    text, removed = _ILLEGAL.subn("", text)
    if removed:
        report.add("repair", "source", f"removed {removed} control character(s) XML does not "
                   "allow", file=label)  # fmt: skip
    try:
        return defusedxml.ElementTree.fromstring(
            text, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.EntitiesForbidden:
        raise UnsafeInputError(
            f"{label}: refused: the XML declares entities (entity expansion and external "
            "entities are not allowed)"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise UnsafeInputError(f"{label}: refused: {type(exc).__name__}") from None
    except (ParseError, defusedxml.ElementTree.ParseError) as exc:
        # defusedxml 0.7.0 parses with its own copy of ElementTree: its ParseError is another class
        raise DirectoryFormatError(f"{label}: not well-formed XML ({exc})") from None


# --------------------------------------------------------------------------------------------
# element helpers (namespace-agnostic)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(el: Element | None, *names: str) -> list[Element]:
    if el is None:
        return []
    return [c for c in el if _local(c.tag) in names]


def _kid(el: Element | None, *names: str) -> Element | None:
    for name in names:
        for c in _kids(el, name):
            return c
    return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    lines = [
        " ".join(line.split())
        for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def _text(el: Element | None, *path: str) -> str | None:
    """Text at ``path`` below ``el`` (each step any of ``a|b``), cleaned; None when blank."""
    node = el
    for step in path:
        node = _kid(node, *step.split("|"))
        if node is None:
            return None
    if node is None:
        return None
    return _clean("".join(node.itertext()) if len(node) == 0 else (node.text or ""))


def _flag(el: Element | None, name: str) -> bool:
    """A boolean flag given as an attribute or a child element (``true``/``yes``/``1``)."""
    if el is None:
        return False
    value = el.get(name)
    if value is None:
        value = _text(el, name)
    return (value or "").strip().lower() in ("true", "yes", "1")


def _join(parts: Iterable[tuple[str, str | None]], sep: str = "\n") -> str | None:
    out = [f"{label}{value}" for label, value in parts if value]
    return sep.join(dict.fromkeys(out)) or None


class _Reader:
    """Converts one AIRS document to HSDS 3 dicts and hands them to a Collector."""

    def __init__(self, report: LoadReport, file: str, collector: Collector) -> None:
        self.report = report
        self.file = file
        self.collector = collector
        collector.at(file)
        self.generated = 0

    # ---- small parts

    def note(
        self,
        severity: Any,
        rtype: str,
        message: str,
        pointer: str,
        rid: str | None = None,
        field: str | None = None,
    ) -> None:
        self.report.add(
            severity, rtype, message, file=self.file, pointer=pointer, record_id=rid, field=field
        )

    def ident(self, el: Element, rtype: str, pointer: str, *names: str) -> str:
        rid = _text(el, "|".join(names)) or next((el.get(n) for n in names if el.get(n)), None)
        if rid:
            return rid.strip()
        self.generated += 1
        rid = f"{self.file}:{rtype}{self.generated}"
        self.note(
            "warning", rtype, f"no {'/'.join(names)}; loaded as id {rid!r}", pointer, rid, "id"
        )
        return rid

    def phones(self, el: Element, owner: str, pointer: str, rtype: str) -> list[dict[str, Any]]:
        """3.0 ``Phone/PhoneNumber`` or 4.0 ``Phone/Phone`` children; confidential ones withheld."""
        out: list[dict[str, Any]] = []
        for index, phone in enumerate(_kids(el, "Phone", "ContactPhone"), start=1):
            if len(phone) == 0:
                number = _clean(phone.text)
            else:
                number = _text(phone, "PhoneNumber") or _text(phone, "Phone")
            if not number or number.lower() in _NO_VALUE:
                continue
            if _flag(phone, "Confidential"):
                self.note("repair", rtype, "phone withheld: marked confidential",
                          f"{pointer}/{_local(phone.tag)}[{index}]", owner, "phones")  # fmt: skip
                continue
            # 4.0 puts what the number is for in Function (its Description explains withholding)
            if _kid(phone, "Function") is not None:
                parts = [_text(phone, "Function"), _text(phone, "Department")]
            else:
                parts = [_text(phone, "Description")]
            if _flag(phone, "TollFree"):
                parts.append("toll free")
            description = _join([("", p) for p in parts], "; ")
            kind = (_text(phone, "Type") or "").lower()
            if kind not in _PHONE_TYPES and "fax" in (description or "").lower():
                kind = "fax"
            out.append({"id": f"{owner}-phone-{index}", "number": number,
                        "type": _PHONE_TYPES.get(kind), "description": description,
                        "extension": _text(phone, "Extension")})  # fmt: skip
        return out

    def contacts(self, el: Element, owner: str, pointer: str) -> list[dict[str, Any]]:
        out = []
        for index, contact in enumerate(_kids(el, "Contact"), start=1):
            cid = f"{owner}-contact-{index}"
            record = {
                "id": cid,
                "name": _text(contact, "Name"),
                "title": _text(contact, "Title")
                or contact.get("Type")
                or _text(contact, "ContactType"),
                "department": _text(contact, "Department"),
                "email": _text(contact, "Email", "Address")
                or _text(contact, "ContactEmail")
                or _text(contact, "Email"),
                "phones": self.phones(contact, cid, f"{pointer}/Contact[{index}]", "contact"),
            }
            if record["name"] or record["email"] or record["phones"]:
                out.append(record)
        return out

    def url(self, el: Element) -> str | None:
        return _text(el, "URL", "Address") or _text(el, "URL")

    def email(self, el: Element) -> str | None:
        return _text(el, "Email", "Address") or _text(el, "Email")

    def alternate_name(self, el: Element) -> str | None:
        names = []
        for aka in _kids(el, "AKA", "AlternateName"):
            if _flag(aka, "Confidential"):
                continue
            names.append(
                _text(aka, "Name|AlternateName") or (_clean(aka.text) if len(aka) == 0 else None)
            )
        return _join([("", n) for n in names], "; ")

    def addresses(
        self, site: Element, owner: str, pointer: str, rtype: str
    ) -> list[dict[str, Any]]:
        out = []
        for tag, kind in (
            ("PhysicalAddress", "physical"),
            ("MailingAddress", "postal"),
            ("OtherAddress", "physical"),
        ):
            for index, address in enumerate(_kids(site, tag), start=1):
                record = {
                    "attention": _text(address, "PreAddressLine"),
                    "address_1": _text(address, "Line1"),
                    "address_2": _text(address, "Line2"),
                    "city": _text(address, "City"),
                    "region": _text(address, "County"),
                    "state_province": _text(address, "State"),
                    "postal_code": _text(address, "ZipCode|PostalCode"),
                    "country": _text(address, "Country"),
                }
                if not any(record.values()):
                    continue
                if _flag(address, "Confidential"):
                    self.note(
                        "repair",
                        rtype,
                        f"{tag} withheld: marked confidential",
                        f"{pointer}/{tag}[{index}]",
                        owner,
                        "addresses",
                    )
                    continue
                if tag == "OtherAddress" and _flag(address, "MailingAddress"):
                    kind = "postal"
                out.append(
                    {
                        "id": f"{owner}-{tag[:-7].lower()}-address-{index}",
                        "address_type": kind,
                        **record,
                    }
                )
        return out

    def schedules(self, el: Element, owner: str) -> list[dict[str, Any]]:
        """Weekly hours from 3.0 ``TimeOpen`` or 4.0 ``OpenHours``/``SpecialHours``; text as notes."""
        intervals: dict[tuple[str, str], list[str]] = {}
        notes: list[str] = []
        for block in _kids(el, "TimeOpen"):
            if text := _text(block, "Notes"):
                notes.append(text)
            days_text = _text(block, "DaysOfWeek|Days")
            for day in block:
                code = _DAYS.get(_local(day.tag).lower())
                if code is not None:
                    for opens, closes in _merged(_pairs(day)):
                        intervals.setdefault((opens, closes), []).append(code)
            if days_text:
                opens_at, closes_at = (
                    _time(_text(block, "From|TimeOpens")),
                    _time(_text(block, "To|TimeCloses")),
                )
                codes = _weekdays(days_text)
                if codes and (opens_at or closes_at):
                    for code in codes:
                        intervals.setdefault((opens_at or "", closes_at or ""), []).append(code)
            if len(block) == 0 and (text := _clean(block.text)):
                notes.append(text)
        for block in _kids(el, "OpenHours"):
            code = _DAYS.get((_text(block, "dayOpen|Day") or "").lower())
            opens_at, closes_at = (
                _time(_text(block, "TimeOpens")),
                _time(_text(block, "TimeCloses")),
            )
            if code and (opens_at or closes_at):
                intervals.setdefault((opens_at or "", closes_at or ""), []).append(code)
        note = _join([("", n) for n in notes], "; ")
        out: list[dict[str, Any]] = []
        for index, ((opens_at, closes_at), codes) in enumerate(intervals.items(), start=1):
            days = [c for c in normalize.WEEKDAY_CODES if c in codes]
            out.append(
                {
                    "id": f"{owner}-hours-{index}",
                    "freq": "WEEKLY",
                    "byday": ",".join(days),
                    "opens_at": opens_at or None,
                    "closes_at": closes_at or None,
                    "description": note,
                }
            )
        if not out and note:
            out.append({"id": f"{owner}-hours-text", "description": note})
        for index, special in enumerate(_kids(el, "SpecialHours", "Seasonal"), start=1):
            record = {
                "id": f"{owner}-special-{index}",
                "valid_from": _text(special, "SpecialHoursStartDate"),
                "valid_to": _text(special, "SpecialHoursEndDate"),
                "opens_at": _time(_text(special, "SpecialOpenTime")),
                "closes_at": _time(_text(special, "SpecialCloseTime")),
                "description": _text(special, "Description")
                or ("Seasonal hours" if _local(special.tag) == "Seasonal" else "Special hours"),
            }
            if any(v for k, v in record.items() if k not in ("id", "description")):
                out.append(record)
        return out

    def languages(self, el: Element, owner: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for block in _kids(el, "Languages", "Language"):
            names = [_clean(n.text) for n in _kids(block, "Name", "LanguageName")]
            if len(block) == 0:
                names.append(_clean(block.text))
            note = _text(block, "Notes")
            for text in names:
                for name in re.split(r"\s*(?:[,;/]|\band\b)\s*", text or ""):
                    if name and name.lower() not in seen and name.lower() not in _NO_VALUE:
                        seen.add(name.lower())
                        out.append(
                            {
                                "id": f"{owner}-language-{len(out) + 1}",
                                "name": name,
                                "code": name,
                                "note": note,
                            }
                        )
        return out

    def service_areas(self, el: Element, owner: str) -> list[dict[str, Any]]:
        out = []
        for index, area in enumerate(_kids(el, "GeographicAreaServed", "ServiceArea"), start=1):
            zips = _text(area, "ZipCode|PostalCode")
            if zips and set(zips) <= {"0"}:
                zips = None  # 00000: "all areas"
            parts = [
                (label, _text(area, tag))
                for label, tag in (
                    ("", "Name|AreaName"),
                    ("", "CustomAreaLabel"),
                    ("", "City|CityName"),
                    ("", "County|CountyName"),
                    ("", "State|StateProvince|Province"),
                    ("", "Country"),
                    ("", "Description"),
                )
            ]
            name = next((v for _, v in parts if v), None) or (f"ZIP {zips}" if zips else None)
            if len(area) == 0:
                name = _clean(area.text)
            if not name:
                continue
            description = _join(
                [
                    *parts[1:],
                    ("postal codes: ", zips),
                    ("census tract: ", _text(area, "CensusTract")),
                ],
                "; ",
            )
            out.append(
                {
                    "id": f"{owner}-area-{index}",
                    "name": name,
                    "description": description if description != name else None,
                }
            )
        return out

    def taxonomy(self, el: Element, owner: str) -> list[dict[str, Any]]:
        out = []
        for block in _kids(el, "Taxonomy"):
            code = _text(block, "Code|TaxonomyCode") or (
                _clean(block.text) if len(block) == 0 else None
            )
            if not code:
                continue
            name = _text(block, "TaxonomyTerm|Name|Term") or code
            term_id = f"airs-{code}"
            out.append(
                {
                    "id": f"{owner}-airs-{code}",
                    "link_id": owner,
                    "link_type": "category",
                    "link_entity": "service",
                    "taxonomy_term_id": term_id,
                    "taxonomy_term": {
                        "id": term_id,
                        "code": code,
                        "name": name,
                        "taxonomy": AIRS_TAXONOMY,
                    },
                }
            )
        return out

    # ---- records

    def agency(self, el: Element, pointer: str) -> str | None:
        oid = self.ident(el, "organization", pointer, "Key", "AgencyID", "ID")
        funding = [
            _text(f, "Source") or _text(f, "SourceDescription") for f in _kids(el, "Funding")
        ]
        funding += [_clean(f.text) for f in _kids(el, "SourceOfFunds")]
        record = {
            "id": oid,
            "name": _text(el, "Name|AgencyName"),
            "alternate_name": self.alternate_name(el),
            "description": _text(el, "AgencyDescription|Description"),
            "email": self.email(el),
            "website": self.url(el),
            "tax_status": _text(el, "IRSStatus|TaxStatus"),
            "tax_id": el.get("FEIN") or _text(el, "FEIN"),
            "year_incorporated": _text(el, "YearIncorporated|YearInc"),
            "legal_status": _text(el, "LegalStatus"),
            "phones": self.phones(el, oid, pointer, "organization"),
            "contacts": self.contacts(el, oid, pointer),
            "funding": [
                {"id": f"{oid}-funding-{i}", "source": s}
                for i, s in enumerate(funding, start=1)
                if s
            ],
        }
        self.excluded(el, "organization", pointer, oid)
        return self.collector.add(Organization, record, pointer)

    def excluded(self, el: Element, rtype: str, pointer: str, rid: str) -> None:
        if _flag(el, "ExcludeFromDirectory"):
            self.note(
                "warning",
                rtype,
                "marked ExcludeFromDirectory in the source; loaded",
                pointer,
                rid,
                "ExcludeFromDirectory",
            )

    def site(
        self, el: Element, pointer: str, agency_id: str | None, location_id: str | None = None
    ) -> str | None:
        lid = location_id or self.ident(el, "location", pointer, "Key", "ID", "SiteID")
        spatial = _kid(el, "SpatialLocation")
        lat = _text(spatial, "Latitude") if spatial is not None else _text(el, "Latitude")
        lon = _text(spatial, "Longitude") if spatial is not None else _text(el, "Longitude")
        if _zero(lat) and _zero(lon):
            self.note("repair", "location", "coordinates 0, 0 read as missing", pointer, lid,
                      "latitude")  # fmt: skip
            lat = lon = None
        record = {
            "id": lid,
            "organization_id": _text(el, "AgencyID") or agency_id,
            "name": _text(el, "Name|Title"),
            "alternate_name": self.alternate_name(el),
            "description": _join(
                [
                    ("", _text(el, "SiteDescription|Description")),
                    ("", _text(el, "PhysicalLocationDescription")),
                ]
            ),
            "transportation": _join(
                [
                    ("", _text(el, "BusServiceAccess")),
                    ("", _text(el, "Directions")),
                    ("Cross street: ", _text(el, "CrossStreet")),
                ],
                "; ",
            ),
            "url": self.url(el),
            "latitude": lat,
            "longitude": lon,
            "addresses": self.addresses(el, lid, pointer, "location"),
            "phones": self.phones(el, lid, pointer, "location"),
            "schedules": self.schedules(el, lid),
            "languages": self.languages(el, lid),
            "accessibility": [
                {"id": f"{lid}-access-{i}", "description": t}
                for i, t in enumerate(
                    (_clean(a.text) for a in _kids(el, "DisabilitiesAccess")), start=1
                )
                if t and t.lower() not in ("no", *_NO_VALUE)
            ],
        }
        self.excluded(el, "location", pointer, lid)
        return self.collector.add(Location, record, pointer)

    def service_fields(self, el: Element, sid: str, pointer: str) -> dict[str, Any]:
        """The service-level fields of a SiteService or 4.0 Service (blank ones left out)."""
        age_text = _text(el, "AgeRequirements")
        minimum, maximum = (
            _text(el, "AgeRequirement", "MinimumAge"),
            _text(el, "AgeRequirement", "MaximumAge"),
        )
        if age_text and not (minimum or maximum):
            minimum, maximum = _ages(age_text)
        gender = _join(
            [
                ("", _text(g, "Gender") or (_clean(g.text) if len(g) == 0 else None))
                for g in _kids(el, "GenderRequirement", "GenderRequirements")
            ],
            ", ",
        )
        structured_age = _join(
            [
                ("from ", _text(el, "AgeRequirement", "MinimumAge")),
                ("to ", _text(el, "AgeRequirement", "MaximumAge")),
            ],
            " ",
        )
        eligibility = _join(
            [
                ("", _text(el, "GeneralEligibility|Eligibility")),
                ("Age: ", age_text or (f"{structured_age} years" if structured_age else None)),
                ("Gender: ", gender),
                ("Family: ", _text(el, "FamilyRequirements")),
                ("Income: ", _text(el, "IncomeRequirements")),
                ("Residency: ", _text(el, "ResidencyRequirements")),
                ("", _text(el, "OtherRequirements")),
            ]
        )
        process = [
            (
                _text(p, "Title"),
                _text(p, "Description") or (_clean(p.text) if len(p) == 0 else None),
            )
            for p in _kids(el, "ApplicationProcess", "IntakeProcedure")
        ]
        documents = []
        for block in _kids(el, "DocumentsRequired"):
            inner = _kids(block, "DocumentsRequired")
            texts = (
                [_clean(d.text) for d in inner]
                if inner
                else [
                    _join([("", _text(block, "Title")), ("", _text(block, "Description"))], ": ")
                    if len(block)
                    else _clean(block.text)
                ]
            )
            documents += [t for t in texts if t]
        fields: dict[str, Any] = {
            "name": _text(el, "Name|Title"),
            "alternate_name": self.alternate_name(el),
            "description": _text(el, "Description"),
            "url": self.url(el),
            "email": self.email(el),
            "wait_time": _text(el, "WaitTime"),
            "interpretation_services": _text(el, "TranslationService"),
            "application_process": _join([("", d or t) for t, d in process]),
            "fees_description": _join(
                [
                    ("", _text(el, "FeeStructure|Fees")),
                    ("Payment accepted: ", _text(el, "PaymentMethodAccepted")),
                ],
                "; ",
            ),
            "eligibility_description": eligibility,
            "minimum_age": minimum,
            "maximum_age": maximum,
            "phones": self.phones(el, sid, pointer, "service"),
            "schedules": self.schedules(el, sid),
            "languages": self.languages(el, sid),
            "service_areas": self.service_areas(el, sid),
            "required_documents": [
                {"id": f"{sid}-document-{i}", "document": d}
                for i, d in enumerate(documents, start=1)
            ],
            "contacts": self.contacts(el, sid, pointer),
            "attributes": self.taxonomy(el, sid),
        }
        status = (_text(el, "Status") or "").lower()
        if status in _STATUSES:
            fields["status"] = status
        return {k: v for k, v in fields.items() if v not in (None, [], "")}

    def site_service(
        self,
        el: Element,
        pointer: str,
        agency_id: str | None,
        site_id: str | None,
        services: dict[str, dict[str, Any]],
    ) -> None:
        sid = self.ident(el, "service", pointer, "Key", "ID")
        site = _text(el, "SiteID") or site_id
        fields = self.service_fields(el, sid, pointer)
        named = _text(el, "ServiceID")
        base = services.get(named or "")
        if base is not None:  # a 4.0 Service this site service delivers: fill in what it lacks
            fields = {**{k: v for k, v in base.items() if k != "id"}, **fields}
        program = el.get("ServiceGroupKey") or _text(el, "ServiceGroupID")
        record = {
            "id": sid,
            "organization_id": _text(el, "AgencyID") or agency_id,
            "program_id": program if program and self.collector.has(Program, program) else None,
            **fields,
        }
        if site and self.collector.has(Service, sid):
            # the same service delivered at another site: only the link is new
            if not self.collector.has(Location, site):
                self.note(
                    "warning",
                    "service_at_location",
                    "SiteID names no loaded site",
                    pointer,
                    sid,
                    "SiteID",
                )
            from ..models.directory import ServiceAtLocation

            self.collector.add(
                ServiceAtLocation,
                {"id": f"{sid}@{site}", "service_id": sid, "location_id": site},
                pointer,
            )
            return
        if site:
            if not self.collector.has(Location, site):
                self.note(
                    "warning",
                    "service",
                    "SiteID names no loaded site; the service is loaded without a location",
                    pointer,
                    sid,
                    "SiteID",
                )
            else:
                record["service_at_locations"] = [{"id": f"{sid}@{site}", "location_id": site}]
        self.excluded(el, "service", pointer, sid)
        self.collector.add(Service, record, pointer)

    def program(self, el: Element, pointer: str, agency_id: str | None) -> None:
        pid = self.ident(el, "program", pointer, "Key", "ID")
        self.collector.add(
            Program,
            {
                "id": pid,
                "organization_id": _text(el, "AgencyID") or agency_id,
                "name": _text(el, "ProgramName") or _text(el, "Name"),
                "alternate_name": _text(el, "Name") if _text(el, "ProgramName") else None,
                "description": _text(el, "Description"),
            },
            pointer,
        )

    def document(self, root: Element) -> None:
        """Read one AIRS document: 3.0 nesting, the 4.0 side-by-side layout, or a mix."""
        is_agency = _local(root.tag) == "Agency"
        top = "" if is_agency else f"/{_local(root.tag)}"
        agencies = [root] if is_agency else _kids(root, "Agency")
        known = {"Agency", "Site", "Service", "SiteService", "ServiceGroup"}
        for tag in [] if is_agency else sorted({_local(c.tag) for c in root} - known):
            self.note("warning", "source", f"element {tag} is not part of the directory model; "
                      "not loaded", top, field=tag)  # fmt: skip
        scopes: list[tuple[Element, str, str | None]] = [] if is_agency else [(root, top, None)]
        agency_paths = [(a, f"{top}/Agency[{i}]") for i, a in enumerate(agencies, start=1)]
        # programs first (site services name them), then 4.0 services (site services fill in
        # from them), then agencies with their sites, then what sits beside them
        for scope, path in [(root, top)] if not is_agency else []:
            for index, group in enumerate(_kids(scope, "ServiceGroup"), start=1):
                self.program(group, f"{path}/ServiceGroup[{index}]", None)
        org_ids: list[str | None] = []
        for agency, ap in agency_paths:
            oid = self.agency(agency, ap)
            org_ids.append(oid)
            scopes.append((agency, ap, oid))
            for index, group in enumerate(_kids(agency, "ServiceGroup"), start=1):
                self.program(group, f"{ap}/ServiceGroup[{index}]", oid)
        referenced = {
            _text(ss, "ServiceID") for ss in root.iter() if _local(ss.tag) == "SiteService"
        } - {None}
        services: dict[str, dict[str, Any]] = {}
        standalone: list[tuple[str, str, str | None, Element]] = []
        for scope, path, oid in scopes:
            for index, service in enumerate(_kids(scope, "Service"), start=1):
                pointer = f"{path}/Service[{index}]"
                sid = self.ident(service, "service", pointer, "Key", "ID")
                fields = self.service_fields(service, sid, pointer)
                services[sid] = {"id": sid, **fields}
                standalone.append((pointer, sid, _text(service, "AgencyID") or oid, service))
        for (agency, ap), oid in zip(agency_paths, org_ids, strict=True):
            for index, main in enumerate(_kids(agency, "AgencyLocation"), start=1):
                if oid:
                    self.site(main, f"{ap}/AgencyLocation[{index}]", oid,
                              f"{oid}-agency-location-{index}")  # fmt: skip
        for scope, path, oid in scopes:
            for s_index, site in enumerate(_kids(scope, "Site"), start=1):
                sp = f"{path}/Site[{s_index}]"
                lid = self.site(site, sp, oid)
                for index, site_service in enumerate(_kids(site, "SiteService"), start=1):
                    self.site_service(site_service, f"{sp}/SiteService[{index}]", oid, lid, services)
        for scope, path, oid in scopes:
            for index, site_service in enumerate(_kids(scope, "SiteService"), start=1):
                self.site_service(site_service, f"{path}/SiteService[{index}]", oid, None, services)
        for pointer, sid, oid, _ in standalone:
            if sid not in referenced:  # delivered at no site: a service of its own
                self.collector.add(Service, {**services[sid], "organization_id": oid}, pointer)
            elif not self.collector.has(Service, sid):
                self.report.count_read("service")
                self.report.count_loaded("service", repaired=True)
                self.note("repair", "service", "merged into the site service(s) that deliver it",
                          pointer, sid)  # fmt: skip


def _zero(value: str | None) -> bool:
    try:
        return value is not None and float(value) == 0.0
    except ValueError:
        return False


def _pairs(day: Element) -> Iterator[tuple[str, str]]:
    """(opens, closes) pairs of a 3.0 day element: ``From``/``To`` children in order."""
    opens: str | None = None
    for child in day:
        name = _local(child.tag)
        if name in ("From", "TimeOpens", "Open"):
            opens = _time(_clean(child.text))
        elif name in ("To", "TimeCloses", "Close") and opens is not None:
            closes = _time(_clean(child.text))
            if closes is not None:
                yield opens, closes
            opens = None


def _merged(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Touching intervals joined: 06:00-12:00 + 12:00-18:00 -> 06:00-18:00."""
    out: list[tuple[str, str]] = []
    for opens, closes in sorted(pairs):
        if out and out[-1][1] == opens:
            out[-1] = (out[-1][0], closes)
        else:
            out.append((opens, closes))
    return out


def _time(value: str | None) -> str | None:
    """A clock time without its UTC offset ("09:30:47+05:00" -> "09:30:47")."""
    if not value:
        return None
    return re.sub(r"(?:Z|[+-]\d{2}:?\d{2})$", "", value.strip()) or None


def _weekdays(text: str) -> list[str]:
    from .mapping import Weekday

    try:
        codes = Weekday(column="d").apply({"d": text})
    except ValueError:
        return []
    return codes.split(",") if codes else []


_AGE_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|to|through)\s*(\d{1,3})")
_AGE_MIN = re.compile(
    r"(\d{1,3})\s*(?:\+|years?\s*(?:of age\s*)?(?:and|&|or)\s*(?:older|over|up|above))", re.I
)
_AGE_MAX = re.compile(r"(?:under|younger than|up to|below)\s*(\d{1,3})", re.I)


def _ages(text: str) -> tuple[str | None, str | None]:
    """Minimum and maximum age (years) read from a 3.0 age-requirement text, when plain.

    >>> _ages("18 years and older"), _ages("Ages 12-17"), _ages("Under 21"), _ages("Seniors")
    (('18', None), ('12', '17'), (None, '21'), (None, None))
    """
    if match := _AGE_RANGE.search(text):
        return match.group(1), match.group(2)
    minimum = _AGE_MIN.search(text)
    maximum = _AGE_MAX.search(text)
    return (minimum.group(1) if minimum else None, maximum.group(1) if maximum else None)


def load_airs_xml(
    bundle: Bundle, report: LoadReport, *, max_bytes: int = DEFAULT_MAX_XML_BYTES
) -> Directory:
    """Load every AIRS XML file of ``bundle`` into one Directory (see the module docstring).

    >>> from referralmatch.io.source import Bundle
    >>> xml = (b"<Source><Agency><Key>a1</Key><Name>Harbor House</Name><Site><Key>s1</Key>"
    ...        b"<SiteService><Key>ss1</Key><Name>Shelter</Name><Taxonomy><Code>BH-1800.8500"
    ...        b"</Code></Taxonomy></SiteService></Site></Agency></Source>")
    >>> report = LoadReport(source="export.xml")
    >>> directory = load_airs_xml(Bundle("export.xml", {"export.xml": xml}), report)
    >>> service = directory.services["ss1"]
    >>> [(t.taxonomy, t.code) for t in directory.taxonomy_terms_of(service)]
    [('AIRS/211 LA', 'BH-1800.8500')]
    >>> [loc.id for loc in directory.locations_of(service)], report.balanced
    (['s1'], True)
    """
    names = [n for n in _xml_names(bundle) if _is_airs(bundle.read_bytes(n)[:65536])]
    if not names:
        raise DirectoryFormatError(
            f"{bundle.label}: no AIRS XML file (root Source or Agency) found"
        )
    collector = Collector(report, names[0])  # one for all files: an id seen twice is reported
    for name in names:
        root = parse_xml(bundle.read_bytes(name), name, report, max_bytes=max_bytes)
        _Reader(report, name, collector).document(root)
    return collector.to_directory()
