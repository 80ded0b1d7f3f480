"""Caseload input: reading a table of clients and their needs, validating every row, and turning
it into one tidy row per client-need (and back into :class:`ClientProfile` objects).

A caseload comes as a CSV file, an Excel ``.xlsx`` sheet or a pandas DataFrame, in one of two
layouts, detected from the data:

* **one row per client**, needs in one cell as a list (``"housing;therapy"``, or an actual list
  in a DataFrame), first need first;
* **one row per client-need**, the same ``client_id`` repeated with one need per row (optionally
  with a ``need_priority`` column). A client's facts may be blank on some of its rows; where two
  rows give different facts for one client, both are reported.

A :class:`CaseloadMapping` says which source column holds each canonical column. Every row is
validated; each problem is reported as ``(row, column, reason)`` where ``row`` is the 1-based
data row of the source (the first row under the header is row 1; row 0 means the header) and
``column`` is the *source* column name. Reasons never contain a cell's value: caseloads are
client data.

The result has the schema :data:`CASELOAD_COLUMNS` (column -> pandas dtype), one row per
client-need, clients in the order they first appear and each client's needs in priority order.

Example:
    >>> import pandas as pd
    >>> source = pd.DataFrame({"client_id": ["c1", "c2"], "age": [34, 61],
    ...                        "languages": ["Spanish;en", "en"], "postal_code": ["95814", ""],
    ...                        "needs": ["housing;therapy", "food"]})
    >>> frame = read_caseload(source)
    >>> frame[["client_id", "need", "need_priority", "age", "languages"]]
      client_id     need  need_priority   age languages
    0        c1  housing              1  34.0  (es, en)
    1        c1  therapy              2  34.0  (es, en)
    2        c2     food              1  61.0     (en,)
    >>> [c.needs[-1].category for c in clients_from_caseload(frame)]
    ['therapy', 'food']
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import CaseloadError, MissingExtraError
from ..io.normalize import clean_text, client_language_code, parse_bool
from ..models.client import (
    ClientProfile,
    ClientValidationError,
    Place,
    normalize_gender,
    normalize_insurance,
)
from ..models.need import Need
from ..needs import NeedCategories

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CASELOAD_COLUMNS",
    "CaseloadMapping",
    "Layout",
    "clients_from_caseload",
    "read_caseload",
]

CASELOAD_COLUMNS: dict[str, str] = {
    "client_id": "string",
    "need": "string",
    "need_priority": "Int64",
    "age": "Float64",
    "gender": "string",
    "household_size": "Int64",
    "dependents_ages": "object",
    "pregnant": "boolean",
    "annual_income": "Float64",
    "veteran": "boolean",
    "insurance": "object",
    "languages": "object",
    "postal_code": "string",
    "latitude": "Float64",
    "longitude": "Float64",
    "city": "string",
    "state": "string",
    "max_travel_km": "Float64",
    "telehealth_ok": "boolean",
    "source_row": "Int64",
}
"""The tidy caseload schema, column -> pandas dtype; one row per client-need.

Units: ``age`` and ``dependents_ages`` in years, ``annual_income`` in US dollars per year,
``latitude``/``longitude`` in degrees (WGS 84), ``max_travel_km`` in kilometres. Missing facts
are ``<NA>`` (``None`` in the object columns). ``dependents_ages`` is a tuple of floats,
``insurance`` a tuple of normalised kinds ("medicaid", "private", ...), ``languages`` a tuple of
ISO 639 codes; ``need_priority`` runs from 1 (highest) to 5; ``source_row`` is the 1-based data
row the need came from.
"""

Layout = Literal["auto", "client", "client_need"]

_FACT_COLUMNS = (
    "age", "gender", "household_size", "dependents_ages", "pregnant", "annual_income", "veteran",
    "insurance", "languages", "postal_code", "latitude", "longitude", "city", "state",
    "max_travel_km", "telehealth_ok",
)  # fmt: skip
_PLACE_COLUMNS = ("latitude", "longitude", "postal_code", "city", "state")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_STATE = re.compile(r"^[A-Za-z]{2}$")
_SHOWN_PROBLEMS = 5


class CaseloadMapping(BaseModel):
    """Which source column holds each canonical caseload column, and the list separator.

    Each field names the source column (matched ignoring case and surrounding spaces); the
    default is the canonical name, and a default column that is absent from the source is simply
    unknown for every client. ``None`` means "the source has no such column". A column named
    explicitly must exist. ``client_id`` and ``needs`` are required. ``separator`` splits list
    cells (needs, languages, insurance, dependents' ages, need priorities).

    >>> m = CaseloadMapping(client_id="Client #", needs="Need", separator="|")
    >>> m.columns()["client_id"], m.columns()["age"], m.separator
    ('Client #', 'age', '|')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_id: str = Field(default="client_id", min_length=1)
    age: str | None = "age"
    gender: str | None = "gender"
    household_size: str | None = "household_size"
    dependents_ages: str | None = "dependents_ages"
    pregnant: str | None = "pregnant"
    annual_income: str | None = "annual_income"
    veteran: str | None = "veteran"
    insurance: str | None = "insurance"
    languages: str | None = "languages"
    postal_code: str | None = "postal_code"
    latitude: str | None = "latitude"
    longitude: str | None = "longitude"
    city: str | None = "city"
    state: str | None = "state"
    max_travel_km: str | None = "max_travel_km"
    telehealth_ok: str | None = "telehealth_ok"
    needs: str = Field(default="needs", min_length=1)
    need_priority: str | None = "need_priority"
    separator: str = Field(default=";", min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> CaseloadMapping:
        if not self.separator.strip():
            raise ValueError("separator must not be blank")
        seen: dict[str, str] = {}
        for canonical, source in self.columns().items():
            key = _key(source)
            if key in seen:
                raise ValueError(f"{canonical} and {seen[key]} name the same source column")
            seen[key] = canonical
        return self

    def columns(self) -> dict[str, str]:
        """Canonical column -> source column name, for every column the source may have."""
        return {
            name: value
            for name in type(self).model_fields
            if name != "separator" and isinstance(value := getattr(self, name), str)
        }


def _key(name: object) -> str:
    return str(name).strip().lower()


# --------------------------------------------------------------------------------------------
# Reading the source
# --------------------------------------------------------------------------------------------


def _require_openpyxl() -> None:
    if importlib.util.find_spec("openpyxl") is None:
        raise MissingExtraError(
            "reading .xlsx caseloads needs openpyxl: pip install 'referralmatch[excel]'"
        )


def _read_source(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return source
    path = Path(source)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _require_openpyxl()
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        if not isinstance(frame, pd.DataFrame):  # pragma: no cover - one sheet was asked for
            raise CaseloadError("expected one sheet", ((0, "", "expected one sheet"),))
        return frame
    return pd.read_csv(
        path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
    )


def _resolve(frame: pd.DataFrame, mapping: CaseloadMapping) -> dict[str, str]:
    """Canonical column -> the source frame's column label, for the columns present."""
    by_key: dict[str, str] = {}
    for column in frame.columns:
        by_key.setdefault(_key(column), column)
    found: dict[str, str] = {}
    missing: list[str] = []
    for canonical, source in mapping.columns().items():
        label = by_key.get(_key(source))
        if label is not None:
            found[canonical] = label
        elif canonical in ("client_id", "needs") or canonical in mapping.model_fields_set:
            missing.append(source)
    if missing:
        problems = tuple((0, name, "column is missing") for name in missing)
        raise CaseloadError(
            f"caseload is missing {len(missing)} column(s): " + ", ".join(missing), problems
        )
    return found


# --------------------------------------------------------------------------------------------
# Cell parsers: each returns the parsed value or None (blank), or raises ValueError(reason).
# Reasons are written here and never contain the value.
# --------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list | tuple):
        return all(_blank(v) for v in value)
    try:
        import pandas as pd

        result = pd.isna(value)
    except (TypeError, ValueError):  # pragma: no cover - exotic objects
        return False
    return bool(result) if isinstance(result, bool | int) else False


def _text(value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real) and float(value).is_integer():
        return str(int(float(value)))
    return clean_text(str(value))


def _number(value: Any, *, money: bool = False) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, Real):
        number = float(value)
    else:
        text = _text(value)
        if money:
            text = text.replace("$", "").replace(",", "").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError("must be a number") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return number


def _between(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        number = _number(value)
        if not low <= number <= high:
            raise ValueError(f"must be between {low:g} and {high:g}")
        return number

    return parse


def _household(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise ValueError("must be a whole number")
    if not 1 <= number <= 50:
        raise ValueError("must be between 1 and 50")
    return int(number)


def _income(value: Any) -> float:
    number = _number(value, money=True)
    if number < 0:
        raise ValueError("must be 0 or more")
    return number


def _travel(value: Any) -> float:
    number = _number(value)
    if number <= 0:
        raise ValueError("must be more than 0")
    return number


def _boolean(value: Any) -> bool:
    try:
        return parse_bool(value.strip() if isinstance(value, str) else value)
    except ValueError:
        raise ValueError("must be true/false, yes/no or 1/0") from None


def _gender(value: Any) -> str:
    return normalize_gender(_text(value))


def _postal_code(value: Any) -> str:
    text = _text(value)
    if not _ZIP.match(text):
        raise ValueError("must be a 5-digit ZIP or ZIP+4")
    return text


def _city(value: Any) -> str:
    return _text(value)


def _state(value: Any) -> str:
    text = _text(value)
    if not _STATE.match(text):
        raise ValueError("must be a two-letter state code")
    return text.upper()


def _tokens(value: Any, separator: str) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(separator) if part.strip()]
    if isinstance(value, list | tuple) or type(value).__name__ == "ndarray":
        return [item for item in value if not _blank(item)]
    return [value]


def _id_parser(value: Any) -> str:
    return _text(value)


def _make_list_parsers(separator: str) -> dict[str, Callable[[Any], Any]]:
    keys = set(NeedCategories.default().keys())

    def ages(value: Any) -> tuple[float, ...]:
        out = []
        for item in _tokens(value, separator):
            try:
                age = _number(item)
            except ValueError:
                raise ValueError("each age must be a number") from None
            if not 0 <= age <= 120:
                raise ValueError("each age must be between 0 and 120")
            out.append(age)
        return tuple(out)

    def insurance(value: Any) -> tuple[str, ...] | None:
        kinds = [normalize_insurance(_text(item)) for item in _tokens(value, separator)]
        return tuple(dict.fromkeys(k for k in kinds if k)) or None

    def languages(value: Any) -> tuple[str, ...] | None:
        codes = []
        for item in _tokens(value, separator):
            codes.append(client_language_code(_text(item)))  # unknown: "und", warned
        return tuple(dict.fromkeys(codes)) or None

    def needs(value: Any) -> tuple[str, ...] | None:
        out = []
        for item in _tokens(value, separator):
            text = _text(item)
            if not text:
                continue
            if any(ch.isspace() for ch in text):
                out.append(text)  # free text, matched by the classifier later
                continue
            key = text.lower()
            if key not in keys:
                raise ValueError("unknown need category (free-text needs contain a space)")
            out.append(key)
        return tuple(out) or None

    def priorities(value: Any) -> tuple[int, ...] | None:
        out = []
        for item in _tokens(value, separator):
            try:
                number = _number(item)
            except ValueError:
                raise ValueError("must be whole numbers from 1 to 5") from None
            if not number.is_integer() or not 1 <= number <= 5:
                raise ValueError("must be whole numbers from 1 to 5")
            out.append(int(number))
        return tuple(out) or None

    return {
        "dependents_ages": ages,
        "insurance": insurance,
        "languages": languages,
        "needs": needs,
        "need_priority": priorities,
    }


_SCALAR_PARSERS: dict[str, Callable[[Any], Any]] = {
    "client_id": _id_parser,
    "age": _between(0, 120),
    "gender": _gender,
    "household_size": _household,
    "pregnant": _boolean,
    "annual_income": _income,
    "veteran": _boolean,
    "postal_code": _postal_code,
    "latitude": _between(-90, 90),
    "longitude": _between(-180, 180),
    "city": _city,
    "state": _state,
    "max_travel_km": _travel,
    "telehealth_ok": _boolean,
}


def _parse_column(
    values: Sequence[Any], parse: Callable[[Any], Any]
) -> tuple[list[Any], dict[int, str]]:
    """Parse every cell (each distinct value once); blanks become None. Also index -> reason."""
    cache: dict[Hashable, tuple[bool, Any]] = {}
    out: list[Any] = []
    bad: dict[int, str] = {}
    for index, value in enumerate(values):
        key: Hashable | None
        if type(value) is str:
            key = value  # the common case (CSV cells); other types are keyed with their type
        else:
            try:
                key = (type(value), value)
                hash(key)
            except TypeError:
                key = None
        hit = cache.get(key) if key is not None else None
        if hit is None:
            if _blank(value):
                hit = (True, None)
            else:
                try:
                    hit = (True, parse(value))
                except ValueError as error:
                    hit = (False, str(error))
            if key is not None:
                cache[key] = hit
        ok, result = hit
        if ok:
            out.append(result)
        else:
            out.append(None)
            bad[index] = str(result)
    return out, bad


# --------------------------------------------------------------------------------------------
# read_caseload
# --------------------------------------------------------------------------------------------


def _message(problems: Sequence[tuple[int, str, str]]) -> str:
    rows = len({row for row, _, _ in problems})
    shown = "; ".join(
        f"row {row}, {column}: {reason}" for row, column, reason in problems[:_SHOWN_PROBLEMS]
    )
    more = len(problems) - _SHOWN_PROBLEMS
    tail = f"; and {more} more" if more > 0 else ""
    return f"caseload has {len(problems)} problem(s) in {rows} row(s): {shown}{tail}"


def read_caseload(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    mapping: CaseloadMapping | None = None,
    strict: bool = True,
    layout: Layout = "auto",
) -> pd.DataFrame:
    """Read and validate a caseload table into one row per client-need (:data:`CASELOAD_COLUMNS`).

    ``path_or_frame`` is a CSV path, an ``.xlsx`` path (needs ``referralmatch[excel]``) or a
    DataFrame (row numbers are then 1-based positions). ``layout`` is detected when ``"auto"``:
    a needs cell holding more than one need means one row per client; otherwise a repeated
    ``client_id`` means one row per client-need. In the one-row-per-client layout every repeated
    id is a problem; in the other, rows of one client must not give different facts (blank facts
    are filled from the client's other rows).

    Needs are category keys (checked against the packaged need categories) or free text (text
    with a space); ``need_priority`` comes from the priority column (one per need) or from the
    need's position in the client's list (first = 1, capped at 5). Repeated needs of a client
    are kept once (the first).

    With ``strict=True`` any problem raises one :class:`~referralmatch.errors.CaseloadError`
    listing every ``(row, column, reason)``. With ``strict=False`` every client with a problem
    is left out (all its rows) and the problems are in ``frame.attrs["problems"]``. A missing
    required column raises in both modes. ``frame.attrs["layout"]`` says which layout was read.

    >>> import pandas as pd
    >>> long = pd.DataFrame({"client_id": ["c1", "c1", "c2"], "age": [30, None, "oops"],
    ...                      "needs": ["therapy", "housing", "food"]})
    >>> frame = read_caseload(long, strict=False)
    >>> frame.attrs["layout"], list(frame["need"]), frame.attrs["problems"]
    ('client_need', ['therapy', 'housing'], [(3, 'age', 'must be a number')])
    >>> read_caseload(long)
    Traceback (most recent call last):
    ...
    referralmatch.errors.CaseloadError: caseload has 1 problem(s) in 1 row(s): row 3, age: must be a number
    """
    mapping = mapping or CaseloadMapping()
    source = _read_source(path_or_frame)
    labels = _resolve(source, mapping)
    n_rows = len(source)
    source_names = mapping.columns()
    order = {label: position for position, label in enumerate(source.columns)}

    problems: list[tuple[int, int, str, str]] = []  # (row, column position, column, reason)

    def report(index: int, canonical: str, reason: str) -> None:
        label = labels[canonical]
        problems.append((index + 1, order[label], str(label), reason))

    parsers = dict(_SCALAR_PARSERS)
    parsers.update(_make_list_parsers(mapping.separator))
    parsed: dict[str, list[Any]] = {}
    for canonical, label in labels.items():
        values, bad = _parse_column(source[label].tolist(), parsers[canonical])
        parsed[canonical] = values
        for index, reason in bad.items():
            report(index, canonical, reason)
    bad_cells = {(row - 1, column) for row, _, column, _ in problems}
    for canonical in source_names:
        parsed.setdefault(canonical, [None] * n_rows)

    ids: list[str | None] = parsed["client_id"]
    needs: list[tuple[str, ...] | None] = parsed["needs"]
    priorities: list[tuple[int, ...] | None] = parsed["need_priority"]

    # Row-level checks.
    for index in range(n_rows):
        if ids[index] is None and (index, str(labels["client_id"])) not in bad_cells:
            report(index, "client_id", "required")
        if needs[index] is None and (index, str(labels["needs"])) not in bad_cells:
            report(index, "needs", "required")
        given, listed = priorities[index], needs[index]
        if given is not None and listed is not None and len(given) != len(listed):
            report(index, "need_priority", "must give one priority per need")
        if not any((index, str(labels[c])) in bad_cells for c in _PLACE_COLUMNS if c in labels):
            _check_place(parsed, index, labels, report)

    if layout == "auto":
        many = any(n is not None and len(n) > 1 for n in needs)
        repeated = len({i for i in ids if i is not None}) < sum(i is not None for i in ids)
        layout = "client_need" if repeated and not many else "client"

    # Group rows by client, in order of first appearance.
    groups: dict[str, list[int]] = {}
    for index, client in enumerate(ids):
        if client is not None:
            groups.setdefault(client, []).append(index)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        if layout == "client":
            for index in rows:
                report(index, "client_id", "repeated in a one-row-per-client caseload")
            continue
        for canonical in _FACT_COLUMNS:
            if canonical not in labels:
                continue
            column = parsed[canonical]
            distinct = {column[i] for i in rows if column[i] is not None}
            if len(distinct) > 1:
                for index in rows:
                    if column[index] is not None:
                        report(index, canonical, "differs between rows of the same client_id")

    problems = sorted(set(problems))
    flat = [(row, column, reason) for row, _, column, reason in problems]
    if flat and strict:
        raise CaseloadError(_message(flat), tuple(flat))

    bad_rows = {row - 1 for row, _, _ in flat}
    frame = _assemble(parsed, groups, bad_rows, labels)
    frame.attrs["problems"] = flat
    frame.attrs["layout"] = layout
    return frame


def _check_place(
    parsed: dict[str, list[Any]],
    index: int,
    labels: dict[str, str],
    report: Callable[[int, str, str], None],
) -> None:
    """Coordinates go in pairs; a city and a state go together unless a ZIP or point is given.

    Only called for rows whose place cells all parsed (a bad cell is reported once, by itself).
    """
    lat, lon = parsed["latitude"][index], parsed["longitude"][index]
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        if missing in labels:
            report(index, missing, "required when the other coordinate is given")
        else:
            report(index, "latitude" if lon is None else "longitude",
                   "needs the other coordinate, which has no column")  # fmt: skip
        return
    if lat is not None or parsed["postal_code"][index] is not None:
        return
    city, state = parsed["city"][index], parsed["state"][index]
    if (city is None) != (state is None):
        missing = "state" if state is None else "city"
        given = "city" if state is None else "state"
        target = missing if missing in labels else given
        report(index, target, "city and state go together when no ZIP or coordinates are given")


def _assemble(
    parsed: dict[str, list[Any]],
    groups: dict[str, list[int]],
    bad_rows: set[int],
    present: Iterable[str],
) -> pd.DataFrame:
    import pandas as pd

    out: dict[str, list[Any]] = {name: [] for name in CASELOAD_COLUMNS}
    fact_columns = [name for name in _FACT_COLUMNS if name in set(present)]
    needs = parsed["needs"]
    priorities = parsed["need_priority"]
    for client, rows in groups.items():
        if any(index in bad_rows for index in rows):
            continue
        facts = {
            name: next((parsed[name][i] for i in rows if parsed[name][i] is not None), None)
            for name in fact_columns
        }
        entries: list[tuple[int, int, str, int]] = []  # (priority, position, need, source row)
        seen: set[str] = set()
        for index in rows:
            given = priorities[index]
            for offset, need in enumerate(needs[index] or ()):
                if need in seen:
                    continue
                seen.add(need)
                position = len(entries) + 1
                priority = given[offset] if given is not None else min(position, 5)
                entries.append((priority, position, need, index + 1))
        entries.sort()
        for priority, _, need, row in entries:
            out["client_id"].append(client)
            out["need"].append(need)
            out["need_priority"].append(priority)
            out["source_row"].append(row)
            for name, value in facts.items():
                out[name].append(value)
    for name in _FACT_COLUMNS:
        if name not in fact_columns:
            out[name] = [None] * len(out["client_id"])
    columns: dict[str, Any] = {}
    for name, dtype in CASELOAD_COLUMNS.items():
        if dtype == "object":
            series = pd.Series(out[name], dtype=object)
            columns[name] = series
        else:
            columns[name] = pd.Series(out[name], dtype=dtype)
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------------------------
# clients_from_caseload
# --------------------------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    if name not in frame.columns:
        return [None] * len(frame)
    series: Any = frame[name]
    values: list[Any] = series.to_numpy(dtype=object, na_value=None).tolist()
    return values


def _as_tuple(value: Any) -> Any:
    if value is None or isinstance(value, tuple):
        return value
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(value)
    return value


def clients_from_caseload(frame: pd.DataFrame) -> list[ClientProfile]:
    """Group client-need rows (as :func:`read_caseload` returns) back into ClientProfiles.

    Clients come in the order they first appear; each client's needs are ``Need(category,
    priority)`` in priority order (ties: row order). A missing ``need_priority`` is taken from
    the need's position (capped at 5). Facts come from the client's first row; columns the frame
    lacks are unknown. Uses column lists, not per-row pandas objects: about a second per 100,000
    rows. A row that makes no valid profile raises :class:`~referralmatch.errors.CaseloadError`
    naming its ``source_row`` (or 1-based position), column and reason, never the value.

    >>> import pandas as pd
    >>> frame = read_caseload(pd.DataFrame({"client_id": ["a"], "age": ["40"],
    ...                                     "postal_code": ["95814"], "needs": ["food;legal"]}))
    >>> [client] = clients_from_caseload(frame)
    >>> client.id, client.age, client.location.postal_code, [n.priority for n in client.needs]
    ('a', 40.0, '95814', [1, 2])
    """
    if "client_id" not in frame.columns or "need" not in frame.columns:
        raise CaseloadError(
            "a client-need frame needs client_id and need columns",
            tuple((0, name, "column is missing") for name in ("client_id", "need")
                  if name not in frame.columns),
        )  # fmt: skip
    ids = _column(frame, "client_id")
    need_texts = _column(frame, "need")
    priorities = _column(frame, "need_priority")
    rows = _column(frame, "source_row")
    facts = {name: _column(frame, name) for name in _FACT_COLUMNS}

    groups: dict[Any, list[int]] = {}
    for index, client in enumerate(ids):
        groups.setdefault(client, []).append(index)

    clients: list[ClientProfile] = []
    problems: list[tuple[int, str, str]] = []
    needs: dict[tuple[str, int], Need] = {}
    places: dict[tuple[tuple[str, Any], ...], Place] = {}
    for client, indices in groups.items():
        first = indices[0]
        row = rows[first] if rows[first] is not None else first + 1
        entries = []
        for position, index in enumerate(indices, start=1):
            text = need_texts[index]
            if text is None:
                continue
            given = priorities[index]
            priority = int(given) if given is not None else min(position, 5)
            entries.append((priority, position, str(text)))
        entries.sort()
        data: dict[str, Any] = {"id": None if client is None else str(client)}
        for name in ("age", "gender", "household_size", "pregnant", "annual_income",
                     "veteran", "max_travel_km", "telehealth_ok"):  # fmt: skip
            value = facts[name][first]
            if value is not None:
                data[name] = value
        for name in ("dependents_ages", "insurance", "languages"):
            value = _as_tuple(facts[name][first])
            if value is not None:
                data[name] = value
        place = tuple(
            (name, facts[name][first])
            for name in ("latitude", "longitude", "postal_code", "city", "state")
            if facts[name][first] is not None
        )
        try:
            # Needs and places are frozen: build each distinct one once and share it.
            data["needs"] = tuple(
                needs[key] if (key := (text, priority)) in needs
                else needs.setdefault(key, Need(text, priority=priority))
                for priority, _, text in entries
            )  # fmt: skip
            if place:
                if place not in places:
                    places[place] = Place(**dict(place))
                data["location"] = places[place]
            clients.append(ClientProfile(**data))
        except ClientValidationError as error:
            pairs = error.problems or tuple((field, "invalid") for field in error.fields)
            for field, reason in pairs:
                problems.append((int(row), field.removeprefix("location."), reason))
        except (TypeError, ValueError):
            problems.append((int(row), "need", "does not make a need"))
    if problems:
        raise CaseloadError(_message(problems), tuple(problems))
    return clients
