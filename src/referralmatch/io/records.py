"""Turning one raw input record (a dict from JSON or a CSV row) into a model, accounting for it.

:func:`build` normalises what it safely can (times, dates, ages, language names, booleans, text),
notes each change in the :class:`~referralmatch.io.report.LoadReport`, drops an invalid optional
value with a note, and rejects the record (with every reason) only when a required value is
missing or wrong. :func:`build_nested` does the same recursively for HSDS 3 nested JSON, where each
nested object is a record of its own type.
"""

from __future__ import annotations

import math
import re
import types
import typing
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import cache
from typing import Any, TypeVar

from pydantic import ValidationError

from ..models.directory import HSDSModel
from . import normalize
from .report import LoadReport

__all__ = ["RecordContext", "build", "build_nested", "is_blank", "nested_fields", "record_type_of"]

M = TypeVar("M", bound=HSDSModel)

# Optional fields whose invalid value rejects the record instead of being dropped: guessing a
# default ("active") for an unreadable status could send a client to a closed service.
NEVER_DROP = frozenset({"status"})


@dataclass(frozen=True, slots=True)
class RecordContext:
    """Where a record came from: the report to write to, its file and its row or JSON pointer."""

    report: LoadReport
    file: str | None = None
    row: int | None = None
    pointer: str | None = None


@cache
def record_type_of(model: type[HSDSModel]) -> str:
    """The HSDS table-style name of a model: ``ServiceAtLocation`` -> ``service_at_location``."""
    name = model.__name__
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def is_blank(value: object) -> bool:
    """True for None, NaN and strings of only whitespace (what CSV exports use for 'missing')."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _short(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int past Python's digit limit cannot even be shown
        return "<a number of more than 4300 digits>"
    return text if len(text) <= 40 else text[:37] + "..."


@cache
def _fields(model: type[HSDSModel]) -> tuple[frozenset[str], frozenset[str]]:
    """The model's field names and its required field names."""
    names = model.model_fields
    return frozenset(names), frozenset(n for n, f in names.items() if f.is_required())


@cache
def _field_kinds(model: type[HSDSModel]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    hints = typing.get_type_hints(model, include_extras=True)
    for name in model.model_fields:
        args = _flatten(hints[name])
        if time in args:
            kinds[name] = "time"
        elif datetime in args:
            kinds[name] = "datetime"
        elif date in args:
            kinds[name] = "date"
        elif name in ("minimum_age", "maximum_age"):
            kinds[name] = "age"
        elif name in ("latitude", "longitude", "amount", "available", "maximum", "timezone"):
            kinds[name] = "number"
        elif name == "code" and model.__name__ == "Language":
            kinds[name] = "language"
        elif name == "number" and model.__name__ == "Phone":
            kinds[name] = "phone"
        elif name == "status" or name.endswith("_type"):
            kinds[name] = "enum"
        elif str in args:
            kinds[name] = "text"
    return kinds


def _flatten(tp: Any) -> set[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out: set[Any] = set()
        for arg in typing.get_args(tp):
            out |= _flatten(arg)
        return out
    if origin is typing.Literal:
        return {str}
    return {tp}


@cache
def nested_fields(model: type[HSDSModel]) -> dict[str, tuple[type[HSDSModel], bool]]:
    """Fields of ``model`` that hold other models: name -> (model, is_list)."""
    out: dict[str, tuple[type[HSDSModel], bool]] = {}
    hints = typing.get_type_hints(model, include_extras=True)
    for name in model.model_fields:
        tp = hints[name]
        is_list = typing.get_origin(tp) is list
        inner = typing.get_args(tp)[0] if is_list else tp
        for candidate in _flatten(inner):
            if isinstance(candidate, type) and issubclass(candidate, HSDSModel):
                out[name] = (candidate, is_list)
    return out


_AS_TEXT = "read a number as text (the field is text)"
_NUMBERS_IN_HSDS = frozenset({"extension"})  # text in the models, a number in HSDS 3.0


def _normalise(kind: str, value: Any, field: str = "") -> tuple[Any, str | None]:
    """Return (normalised value, note or None when unchanged in meaning)."""
    if kind == "text":
        if not isinstance(value, str):
            if isinstance(value, bool):
                return str(value).lower(), f"read a {type(value).__name__} as text"
            note = None if field in _NUMBERS_IN_HSDS else _AS_TEXT
            if isinstance(value, float) and value.is_integer():
                return str(int(value)), note
            if isinstance(value, int | float):
                return str(value), note
            return value, None  # objects and lists: validation drops or rejects them
        cleaned = normalize.clean_text(value)
        if value.isascii() and value.isprintable():
            return cleaned, None  # only spaces changed: not worth a note
        # a note only when more than spacing changed (multi-line text keeps its line breaks)
        changed = " ".join(cleaned.split()) != " ".join(value.split())
        note = "normalised Unicode/whitespace" if changed else None
        return cleaned, note
    if kind == "enum":
        return (str(value).strip().lower(), None) if isinstance(value, str) else (value, None)
    if kind == "time":
        parsed = normalize.parse_time(value)
        if isinstance(value, str) and value.strip() not in (
            parsed.isoformat(),
            parsed.strftime("%H:%M"),
        ):
            return parsed, f"read time {_short(value)} as {parsed.strftime('%H:%M')}"
        return parsed, None
    if kind == "date":
        parsed_date = normalize.parse_date(value)
        if isinstance(value, str) and value.strip() != parsed_date.isoformat():
            return parsed_date, f"read date {_short(value)} as {parsed_date.isoformat()}"
        return parsed_date, None
    if kind == "datetime":
        if isinstance(value, str):
            text = value.strip().replace("Z", "+00:00")
            try:
                return datetime.fromisoformat(text), None
            except ValueError:
                return datetime.combine(
                    normalize.parse_date(text), time()
                ), "read date-time as a date"
        return value, None
    if kind == "age":
        age = normalize.parse_age(value)
        note = None if isinstance(value, int | float) else f"read age {_short(value)} as {age:g}"
        if isinstance(value, str):
            try:
                float(value)
                note = None
            except ValueError:
                pass
        return age, note
    if kind == "number":
        if isinstance(value, str):
            if field in ("latitude", "longitude"):
                degrees = normalize.parse_degrees(value, field)
                plain = normalize.clean_text(value)
                note = None if plain.lstrip("+-").replace(".", "", 1).isdigit() else (
                    f"read {_short(value)} as {degrees:.6f} decimal degrees")
                return degrees, note
            return float(value.strip()), None
        return value, None
    if kind == "language":
        text = str(value).strip()
        code = normalize.language_code(text)
        return code, (None if code == text.lower() else f"read language {_short(text)} as {code!r}")
    if kind == "phone":
        text = normalize.clean_text(str(value))
        stripped = text.strip("\"' ")
        return stripped, (None if stripped == text else "removed quotes around phone number")
    return value, None


def build(
    model: type[M],
    raw: dict[str, Any],
    ctx: RecordContext,
    record_type: str | None = None,
    *,
    repaired: bool = False,
) -> M | None:
    """Validate one record into ``model``, noting repairs; return None (and report) if rejected.

    Counts the record as read and then as loaded (repaired or not) or rejected; ``repaired``
    says the caller already repaired the record (and noted it).
    """
    rtype = record_type or record_type_of(model)
    report = ctx.report
    report.count_read(rtype)
    record_id = raw.get("id")
    rid = None if is_blank(record_id) else str(record_id).strip()
    kinds = _field_kinds(model)
    fields, required = _fields(model)
    data: dict[str, Any] = {}

    def note(severity: typing.Literal["warning", "repair"], message: str, field: str) -> None:
        report.add(severity, rtype, message, file=ctx.file, row=ctx.row, pointer=ctx.pointer,
                   record_id=rid, field=field)  # fmt: skip

    before = raw
    if model.__name__ == "Schedule":
        raw = _schedule_offset(raw, note)
    if model.__name__ == "Location":
        raw = _coordinate_pair(raw, note)
    repaired = repaired or raw is not before

    if model.__name__ == "Phone" and isinstance(raw.get("number"), str):
        raw, phone_notes = _phone_fields(raw)
        for severity, message, field in phone_notes:
            note(severity, message, field)
            repaired = True

    for key, value in raw.items():
        if key not in fields or is_blank(value):
            continue
        kind = kinds.get(key)
        if kind is None:
            data[key] = value
            continue
        try:
            normalised, change = _normalise(kind, value, key)
        except (ValueError, TypeError, OverflowError) as exc:
            data[key] = value  # let validation decide: required fields reject, optional are dropped
            if key in required or key in NEVER_DROP:
                continue
            note("warning", f"dropped unreadable value {_short(value)}: {exc}", key)
            del data[key]
            repaired = True
            continue
        if change:
            note("repair", change, key)
            repaired = True
        data[key] = normalised

    for _ in range(len(fields) + 1):
        try:
            obj = model.model_validate(data)
        except ValidationError as exc:
            fatal: list[tuple[str, str]] = []
            droppable: set[str] = set()
            for err in exc.errors(include_url=False, include_input=False):
                field = str(err["loc"][0]) if err["loc"] else "(record)"
                if (
                    field in fields
                    and field not in required
                    and field not in NEVER_DROP
                ):
                    droppable.add(field)
                else:
                    fatal.append((field, err["msg"]))
            if fatal:
                for field, message in fatal:
                    report.add("error", rtype, f"record rejected: {message}", file=ctx.file,
                               row=ctx.row, pointer=ctx.pointer, record_id=rid, field=field)  # fmt: skip
                report.count_rejected(rtype)
                return None
            for field in sorted(droppable):
                note("warning", f"dropped invalid value {_short(data.pop(field))}", field)
            repaired = True
            continue
        report.count_loaded(rtype, repaired=repaired)
        return obj
    report.add("error", rtype, "record rejected: could not be validated", file=ctx.file,
               row=ctx.row, pointer=ctx.pointer, record_id=rid)  # fmt: skip
    report.count_rejected(rtype)
    return None


def _schedule_offset(
    raw: dict[str, Any], note: typing.Callable[[typing.Literal["warning", "repair"], str, str], None]
) -> dict[str, Any]:
    """Move a UTC offset written on ``opens_at``/``closes_at`` into ``timezone`` (hours)."""
    offsets = {}
    for key in ("opens_at", "closes_at"):
        _, offset = normalize.split_time_offset(raw.get(key))
        if offset is not None:
            offsets[key] = offset
    if not offsets:
        return raw
    values = set(offsets.values())
    if not is_blank(raw.get("timezone")) or len(values) > 1:
        if len(values) > 1:
            note("warning", "opens_at and closes_at carry different UTC offsets; timezone not set",
                 "timezone")  # fmt: skip
        return raw
    out = dict(raw)
    (out["timezone"],) = values
    note("repair", f"read the UTC offset of the times as timezone {out['timezone']:+g}", "timezone")
    return out


def _coordinate_pair(
    raw: dict[str, Any], note: typing.Callable[[typing.Literal["warning", "repair"], str, str], None]
) -> dict[str, Any]:
    """Split "42.108547, -87.974705" (or DMS) written in ``latitude`` alone into both fields."""
    latitude, longitude = raw.get("latitude"), raw.get("longitude")
    if not isinstance(latitude, str) or not is_blank(longitude):
        return raw
    if not any(mark in latitude for mark in (",", ";", "°", " ")):
        return raw
    try:
        lat, lon = normalize.parse_coordinates(latitude)
    except ValueError:
        return raw  # reported by the latitude field's own reading
    note("repair", "latitude held a coordinate pair; split into latitude and longitude", "latitude")
    return {**raw, "latitude": lat, "longitude": lon}


def _phone_fields(
    raw: dict[str, Any],
) -> tuple[dict[str, Any], list[tuple[typing.Literal["warning", "repair"], str, str]]]:
    """Split a phone field into number, extension and description (see parse_phone_text)."""
    text = normalize.clean_text(raw["number"])
    if not text.strip("\"' ") or normalize.is_plain_phone(text):
        return raw, []  # the common case: one number and nothing else
    found = normalize.parse_phone_text(text)
    notes: list[tuple[typing.Literal["warning", "repair"], str, str]] = []
    out = dict(raw)
    if not found.numbers:
        notes.append(("warning", "no full phone number found (text, or a short code such as 211); "
                      "kept as written", "number"))  # fmt: skip
        return out, notes
    first, _, extension = found.numbers[0]
    extra = [n[0] for n in found.numbers[1:]]
    number = re.sub(r"\s*(?:,\s*)?(?:ext\.?|extension|x)\s*\d+\s*$", "", first,
                    flags=re.IGNORECASE) if extension else first  # fmt: skip
    if extension or extra or found.rest:
        out["number"] = number  # else the number is left as written (quotes noted later)
    if extension and is_blank(raw.get("extension")):
        out["extension"] = extension
        notes.append(("repair", "moved the extension out of the number into extension", "extension"))
    moved = [*([f"also {', '.join(extra)}"] if extra else []), *([found.rest] if found.rest else [])]
    if moved:
        description = "" if is_blank(raw.get("description")) else str(raw["description"]).strip()
        out["description"] = "; ".join([p for p in (description, *moved) if p])
        what = f"{len(found.numbers)} numbers" if extra else "text around the number"
        notes.append(("repair", f"the field held {what}; the first is the number, the rest "
                      "was moved to description", "number"))  # fmt: skip
    return out, notes


def build_nested(
    model: type[M],
    raw: Any,
    ctx: RecordContext,
    record_type: str | None = None,
    *,
    repaired: bool = False,
) -> M | None:
    """Build ``model`` from HSDS 3 nested JSON, building (and accounting for) each nested object.

    A nested object that is rejected is left out of its parent and reported at its own pointer.
    """
    rtype = record_type or record_type_of(model)
    pointer = ctx.pointer or ""
    if not isinstance(raw, dict):
        ctx.report.count_read(rtype)
        ctx.report.add("error", rtype, f"record rejected: expected a JSON object, found {type(raw).__name__}",
                       file=ctx.file, pointer=pointer)  # fmt: skip
        ctx.report.count_rejected(rtype)
        return None
    data: dict[str, Any] = {}
    nested = nested_fields(model)
    for key, value in raw.items():
        if key not in nested:
            data[key] = value
            continue
        child_model, is_list = nested[key]
        if is_blank(value):
            continue
        if is_list:
            if not isinstance(value, list):
                ctx.report.add("warning", rtype, f"ignored {key}: expected a list", file=ctx.file,
                               pointer=pointer, record_id=_rid(raw), field=key)  # fmt: skip
                continue
            children = []
            for index, item in enumerate(value):
                child_ctx = replace(ctx, pointer=f"{pointer}/{key}/{index}")
                derived = _with_derived_id(item, child_ctx, child_model)
                child = build_nested(child_model, derived, child_ctx, repaired=derived is not item)
                if child is not None:
                    children.append(child)
            data[key] = children
        else:
            child_ctx = replace(ctx, pointer=f"{pointer}/{key}")
            derived = _with_derived_id(value, child_ctx, child_model)
            child = build_nested(child_model, derived, child_ctx, repaired=derived is not value)
            if child is not None:
                data[key] = child
    return build(model, data, ctx, rtype, repaired=repaired)


def _with_derived_id(raw: Any, ctx: RecordContext, model: type[HSDSModel]) -> Any:
    """A nested object without an id (its parent links it) gets a stable one, with a repair note:
    ``<file stem>-<12 hex digits>`` from the file name and the object's content."""
    import hashlib
    import json

    if not isinstance(raw, dict) or not is_blank(raw.get("id")):
        return raw
    try:
        content = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return raw
    file = ctx.file or "input"
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    key = "\n".join((file, ctx.pointer or "", content))
    rid = f"{stem}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    ctx.report.add("repair", record_type_of(model), f"nested object has no id; derived the stable "
                   f"id {rid!r} from the file name, its place and its content", file=ctx.file,
                   pointer=ctx.pointer, record_id=rid, field="id")  # fmt: skip
    return {**raw, "id": rid}


def _rid(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    return None if is_blank(value) else str(value)
