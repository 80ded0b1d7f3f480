"""JSON records as flat rows for column mappings: dotted paths into nested objects and lists.

A JSON source (a list of objects, or one object) becomes one row per record, each value named by
its dotted path, lower-cased: ``{"location": {"latitude": 37.7}}`` gives ``location.latitude``.
A list of plain values gives its items joined by ``", "`` at the list's path (ready for a
:class:`~referralmatch.io.mapping.Split`) and each item at ``path.0``, ``path.1``, ...; a list of
objects gives ``path.0.field``, ...

A *records path* (``"services"``, ``"services.openHours.1"``) makes one row per item of the list
found there instead, in document order: the row holds the item's values under the path's name,
every value of the objects it is nested in (the parent record's ``name`` stays ``name``), and the
pseudo column ``@parent`` holding the row key (``f"{file}:{n}"`` of the enclosing row) of the
nearest enclosing list item or record. Rows are numbered 1, 2, ... across the whole file, so
the n-th service of a file is row n of ``file#services`` in every mapping that reads it.

Example:
    >>> records = [{"name": "Shelter A", "services": [{"name": "Beds"}, {"name": "Meals"}]}]
    >>> rows = json_rows(records, "f.json", "services")
    >>> [(n, v["name"], v["services.name"], v["@parent"]) for n, v in rows]
    [(1, 'Shelter A', 'Beds', 'f.json:1'), (2, 'Shelter A', 'Meals', 'f.json:1')]
    >>> json_rows([{"age": ["C", "Y"], "loc": {"lat": 1.5}}], "f.json")[0][1]
    {'age': 'C, Y', 'age.0': 'C', 'age.1': 'Y', 'loc.lat': 1.5}
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

__all__ = ["PARENT_KEY", "flatten", "json_rows", "records_path"]

PARENT_KEY = "@parent"
"""Pseudo column of rows made from a records path: the row key of the enclosing row."""

_Row = tuple[int, dict[str, Any]]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def flatten(value: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """``value`` as ``{dotted.path: plain value}`` (keys lower-cased; see the module docstring)."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key).strip().lower()
            flatten(item, f"{prefix}.{name}" if prefix else name, out)
    elif isinstance(value, list):
        if prefix and all(not isinstance(v, dict | list) for v in value):
            joined = ", ".join(_text(v) for v in value if v is not None and _text(v))
            out[prefix] = joined or None
        for index, item in enumerate(value):
            flatten(item, f"{prefix}.{index}" if prefix else str(index), out)
    elif prefix:
        out[prefix] = value
    return out


def records_path(path: str) -> str:
    """A records path in its canonical form: lower-case, no blank steps (``" Services."`` -> ``"services"``)."""
    return ".".join(s for s in path.strip().lower().split(".") if s)


def _lower_keys(value: dict[str, Any]) -> dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in value.items()}


def json_rows(records: list[Any], file: str, path: str | None = None) -> list[_Row]:
    """Rows of ``records`` (one per record, or one per item of the list at ``path``)."""
    if not path:
        return [(n, flatten(r) if isinstance(r, dict) else {"value": r})
                for n, r in enumerate(records, start=1)]  # fmt: skip
    segments = records_path(path).split(".")
    counters: defaultdict[str, int] = defaultdict(int)
    rows: list[_Row] = []

    def walk(value: Any, prefix: str, rest: list[str], inherited: dict[str, Any], key: str) -> None:
        if not rest:
            number = counters[prefix]
            row = {**inherited, **flatten(value, prefix), PARENT_KEY: key}
            rows.append((number, row))
            return
        if not isinstance(value, dict):
            return
        lowered = _lower_keys(value)
        segment = rest[0]
        child_prefix = f"{prefix}.{segment}" if prefix else segment
        here = {**inherited, **flatten({k: v for k, v in lowered.items() if k != segment}, prefix)}
        child = lowered.get(segment)
        if isinstance(child, list):
            for item in child:
                counters[child_prefix] += 1
                if len(rest) == 1:
                    walk(item, child_prefix, [], here, key)
                else:
                    item_key = f"{file}#{child_prefix}:{counters[child_prefix]}"
                    walk(item, child_prefix, rest[1:], here, item_key)
        elif isinstance(child, dict):
            walk(child, child_prefix, rest[1:], here, key)

    for number, record in enumerate(records, start=1):
        walk(record, "", segments, {}, f"{file}:{number}")
    return rows
