"""The client: a profile of facts a case manager knows (each may be unknown), a place and needs.

A :class:`ClientProfile` never shows its values: ``repr``/``str`` name the fields that are set,
and a bad profile raises :class:`ClientValidationError`, whose message names fields and what is
wrong with them, never what was given.

Example:
    >>> from datetime import date
    >>> c = ClientProfile(id="c1", age=34, languages=["Spanish"], insurance=["Medi-Cal"],
    ...                   location=Place(postal_code="95814"), needs=["housing", "therapy"])
    >>> c
    ClientProfile(set=[age, insurance, languages, location, needs(2)])
    >>> c.languages, c.insurance, c.needs[0].category
    (('es',), ('medicaid',), 'housing')
    >>> ClientProfile(date_of_birth=date(1990, 6, 15)).age_on(date(2026, 6, 14))
    35.0
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from ..errors import ClientValidationError
from ..io.normalize import client_language_code
from ..needs.situations import normalize_situation
from .need import Need

__all__ = [
    "AvailabilityWindow",
    "ClientProfile",
    "ClientValidationError",
    "Place",
    "merge_needs",
    "normalize_gender",
    "normalize_immigration_status",
    "normalize_insurance",
]




# --------------------------------------------------------------------------------------------
# Turning pydantic's errors (which echo input) into value-free ones
# --------------------------------------------------------------------------------------------

_TYPE_REASONS = {
    "missing": "required",
    "extra_forbidden": "not a field",
    "frozen_instance": "profile is frozen",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be finite",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "bad format",
    "date_parsing": "must be a date",
    "date_from_datetime_parsing": "must be a date",
    "date_from_datetime_inexact": "must be a date",
    "date_type": "must be a date",
    "time_parsing": "must be a time",
    "time_type": "must be a time",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "literal_error": "not an allowed value",
}
_BOUND_REASONS = {
    "greater_than_equal": ("ge", ">="),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "<="),
    "less_than": ("lt", "<"),
}


def _reason(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _BOUND_REASONS:
        key, op = _BOUND_REASONS[kind]
        return f"must be {op} {ctx.get(key, '?')}"
    if kind == "value_error":
        # Our own validators' messages: written here, and they never include the value.
        return str(error["msg"]).removeprefix("Value error, ")
    return _TYPE_REASONS.get(kind, kind.replace("_", " "))


def _field_path(error: ErrorDetails) -> str:
    parts = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
    return ".".join(parts)


def _value_free(error: ValidationError, what: str) -> ClientValidationError:
    pairs: list[tuple[str, str]] = []
    for item in error.errors(include_input=False, include_url=False):
        path = _field_path(item)
        inner = (item.get("ctx") or {}).get("error")
        if isinstance(inner, ClientValidationError) and inner.problems:
            # A nested Place or window was validated by its own __init__: splice its problems.
            pairs.extend((".".join(p for p in (path, sub) if p), r) for sub, r in inner.problems)
        else:
            pairs.append((path, _reason(item)))
    pairs = list(dict.fromkeys(pairs))
    message = f"invalid {what}: " + ", ".join(
        f"{path} ({reason})" if path else reason for path, reason in pairs
    )
    result = ClientValidationError(message, tuple(dict.fromkeys(path or what for path, _ in pairs)))
    result.problems = tuple(pairs)
    return result


@contextmanager
def _no_values(what: str) -> Iterator[None]:
    try:
        yield
    except ValidationError as error:
        raise _value_free(error, what) from None


class _PrivateModel(BaseModel):
    """Base for client-side models: frozen, strict about fields, value-free errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)
    _what: ClassVar[str] = "client data"

    def __init__(self, /, **data: Any) -> None:
        with _no_values(self._what):
            super().__init__(**data)

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Validate a mapping or object; errors are :class:`ClientValidationError`."""
        with _no_values(cls._what):
            return super().model_validate(obj, *args, **kwargs)

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Any:
        """Validate JSON text; errors are :class:`ClientValidationError`."""
        with _no_values(cls._what):
            return super().model_validate_json(json_data, *args, **kwargs)

    def __setattr__(self, name: str, value: Any) -> None:
        raise ClientValidationError(f"invalid {self._what}: {name} (is frozen)", (name,))

    def __delattr__(self, name: str) -> None:
        raise ClientValidationError(f"invalid {self._what}: {name} (is frozen)", (name,))

    def _set_names(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


# --------------------------------------------------------------------------------------------
# Normalisers
# --------------------------------------------------------------------------------------------

_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_STATE = re.compile(r"^[A-Z]{2}$")

_GENDERS = {
    "f": "female", "female": "female", "woman": "female", "women": "female", "girl": "female",
    "m": "male", "male": "male", "man": "male", "men": "male", "boy": "male",
    "nonbinary": "nonbinary", "non-binary": "nonbinary", "non binary": "nonbinary",
    "enby": "nonbinary", "genderqueer": "nonbinary", "gender nonconforming": "nonbinary",
    "trans woman": "transgender female", "transgender woman": "transgender female",
    "trans female": "transgender female", "transgender female": "transgender female",
    "mtf": "transgender female", "trans man": "transgender male",
    "transgender man": "transgender male", "trans male": "transgender male",
    "transgender male": "transgender male", "ftm": "transgender male",
    "trans": "transgender", "transgender": "transgender",
}  # fmt: skip

_INSURANCE = (
    (re.compile(r"\b(medicaid|medi-?cal|masshealth|apple health|tenncare|soonercare|chip)\b"), "medicaid"),
    (re.compile(r"\bmedicare\b"), "medicare"),
    (re.compile(r"\b(uninsured|no insurance|none|self-?pay)\b"), "uninsured"),
    (re.compile(r"\b(private|commercial|employer|marketplace|covered california)\b"), "private"),
    (re.compile(r"\b(tricare|va|veterans affairs)\b"), "va/tricare"),
)

_IMMIGRATION = (
    (re.compile(r"\b(us |u\.s\. )?citizens?(hip)?\b|\bnaturali[sz]ed\b"), "citizen"),
    (re.compile(r"\b(lawful |legal )?permanent residen|\bgreen card|\blpr\b"), "permanent_resident"),
    (re.compile(r"\brefugee"), "refugee"),
    (re.compile(r"\basyl(ee|um)"), "asylee"),
    (re.compile(r"\bsiv\b|special immigrant visa"), "siv"),
    (re.compile(r"\bundocumented\b|\bno (legal )?status\b"), "undocumented"),
    (re.compile(r"\bwork (visa|permit|authori[sz]ation)\b|\bdaca\b|\btps\b|\bead\b"), "work_authorized"),
)


def normalize_gender(value: str) -> str:
    """Lower-case a gender and map common synonyms ("Woman" -> "female", "Non-binary" -> ...).

    >>> normalize_gender(" Woman "), normalize_gender("Non-Binary"), normalize_gender("Trans man")
    ('female', 'nonbinary', 'transgender male')
    """
    text = " ".join(value.strip().lower().split())
    return _GENDERS.get(text, text)


def normalize_insurance(value: str) -> str:
    """Map an insurance name to medicaid, medicare, private, uninsured, va/tricare or lower text.

    >>> normalize_insurance("Medi-Cal"), normalize_insurance("Employer plan"), normalize_insurance("IHS")
    ('medicaid', 'private', 'ihs')
    """
    text = " ".join(value.strip().lower().split())
    for pattern, kind in _INSURANCE:
        if pattern.search(text):
            return kind
    return text


def normalize_immigration_status(value: str) -> str:
    """Map an immigration status to citizen, permanent_resident, refugee, asylee, siv,
    undocumented, work_authorized, or the lower-cased text.

    >>> normalize_immigration_status("Green card holder"), normalize_immigration_status("Asylee")
    ('permanent_resident', 'asylee')
    """
    text = " ".join(value.strip().lower().split())
    for pattern, kind in _IMMIGRATION:
        if pattern.search(text):
            return kind
    return text


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


class Place(_PrivateModel):
    """Where a client is: coordinates (degrees, WGS 84), a US ZIP code, or a city and state.

    At least one of the three forms is required; ``county`` and ``state`` may be added to any.
    The repr names the forms given, never the place.

    >>> Place(postal_code="95814-1234")
    Place(set=[postal_code])
    >>> Place(city="Sacramento", state="ca").state
    'CA'
    """

    _what: ClassVar[str] = "place"

    latitude: float | None = Field(default=None, ge=-90.0, le=90.0, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180.0, le=180.0, allow_inf_nan=False)
    postal_code: str | None = None
    city: str | None = None
    county: str | None = None
    state: str | None = None

    @field_validator("postal_code")
    @classmethod
    def _zip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not _ZIP.match(value):
            raise ValueError("must be a 5-digit ZIP or ZIP+4")
        return value

    @field_validator("state")
    @classmethod
    def _state(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        if not _STATE.match(value):
            raise ValueError("must be a two-letter state code")
        return value

    @field_validator("city", "county")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be empty")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Place:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together")
        if self.latitude is None and self.postal_code is None and not (self.city and self.state):
            raise ValueError("give coordinates, a postal_code, or a city and state")
        return self

    def __repr__(self) -> str:
        return f"Place(set=[{', '.join(self._set_names())}])"

    __str__ = __repr__


class AvailabilityWindow(_PrivateModel):
    """A weekly window when the client can attend: ``weekday`` 0 = Monday .. 6 = Sunday.

    ``end`` before ``start`` means the window runs past midnight into the next day.

    >>> AvailabilityWindow(weekday=1, start=time(17), end=time(20)).weekday
    1
    """

    _what: ClassVar[str] = "availability window"

    weekday: int = Field(ge=0, le=6)
    start: time
    end: time

    @model_validator(mode="after")
    def _not_empty(self) -> AvailabilityWindow:
        if self.start == self.end:
            raise ValueError("start and end must differ")
        return self


def _need(text: str) -> Need:
    key = text.strip().lower()
    try:
        return Need(key if _NEED_KEY.match(key) else text)
    except (ValidationError, ValueError):
        raise ValueError("must not contain empty needs") from None


_NEED_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_URGENCY_ORDER = ("routine", "soon", "urgent", "immediate")


def merge_needs(needs: tuple[Need, ...] | list[Need]) -> tuple[Need, ...]:
    """Merge needs of one category (``"food"``, ``"Food "``): the first one's place, the highest
    priority (lowest number), the most urgent urgency, the first detail, every provenance.

    >>> merged = merge_needs([Need("food", priority=3), Need("housing"), Need("food", priority=1)])
    >>> [(n.category, n.priority) for n in merged]
    [('food', 1), ('housing', 3)]
    """
    groups: dict[str, list[Need]] = {}
    for need in needs:
        key = need.category.strip().lower()
        key = key if _NEED_KEY.match(key) else " ".join(need.category.split()).lower()
        groups.setdefault(key, []).append(need)
    out: list[Need] = []
    for key, group in groups.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        first = group[0]
        category = key if _NEED_KEY.match(key) else first.category
        out.append(Need(
            category,
            priority=min(n.priority for n in group),
            urgency=max((n.urgency for n in group), key=_URGENCY_ORDER.index),
            detail=next((n.detail for n in group if n.detail), None),
            provenance=tuple(dict.fromkeys(p for n in group for p in n.provenance)),
        ))  # fmt: skip
    return tuple(out)


Years = Annotated[float, Field(ge=0.0, le=130.0, allow_inf_nan=False)]


class ClientProfile(_PrivateModel):
    """One client: what is known (``None`` = unknown, which is normal), where, and their needs.

    Units: ages in years, ``annual_income`` in US dollars per year, ``max_travel_km`` in
    kilometres. Text fields are normalised: ``gender`` lower-case with synonyms mapped
    (:func:`normalize_gender`), ``insurance`` to kinds (:func:`normalize_insurance`, e.g.
    "Medi-Cal" -> "medicaid"), ``languages`` to ISO 639 codes, ``immigration_status`` by
    :func:`normalize_immigration_status`. ``needs`` accepts category keys or free text.
    ``situations`` are keys of the human-situations vocabulary
    (:mod:`referralmatch.needs.situations`: homeless, veteran, parenting, in_recovery, ...);
    labels and synonyms are accepted, unknown words raise an error naming the field.

    ``repr``/``str`` show which fields are set, never their values nor the id (often a medical
    record number). Languages no ISO 639 table knows are kept as ``"und"`` (undetermined) with
    an :class:`~referralmatch.io.normalize.UnknownLanguageWarning`, never rejected. Duplicate
    needs are merged (:func:`merge_needs`); an ``age`` more than a year off ``date_of_birth``
    is an error.

    >>> ClientProfile(id="c7", age=47, annual_income=12345, needs=["food", "Food"])
    ClientProfile(set=[age, annual_income, needs(1)])
    """

    _what: ClassVar[str] = "client profile"

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1)
    age: Years | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    household_size: int | None = Field(default=None, ge=1, le=50)
    dependents_ages: tuple[Years, ...] | None = None
    pregnant: bool | None = None
    annual_income: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)
    veteran: bool | None = None
    insurance: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    immigration_status: str | None = None
    location: Place | None = None
    max_travel_km: float | None = Field(default=None, gt=0.0, allow_inf_nan=False)
    telehealth_ok: bool = True
    availability: tuple[AvailabilityWindow, ...] | None = None
    needs: tuple[Need, ...] = ()
    situations: tuple[str, ...] | None = None
    consent_to_share_sensitive: bool = False

    @field_validator("gender")
    @classmethod
    def _gender(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = normalize_gender(value)
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("immigration_status")
    @classmethod
    def _immigration(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = normalize_immigration_status(value)
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("insurance")
    @classmethod
    def _insurance(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        kinds = [normalize_insurance(v) for v in value]
        if not all(kinds):
            raise ValueError("must not contain empty names")
        return tuple(dict.fromkeys(kinds))

    @field_validator("languages", mode="before")
    @classmethod
    def _languages(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple | set | frozenset):
            raise ValueError("must be a list of languages")
        codes: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError("must be a list of languages")
            if not item.strip():
                raise ValueError("must not contain empty names")
            codes.append(client_language_code(item))  # unknown: "und", with a warning
        return tuple(dict.fromkeys(codes))

    @field_validator("situations", mode="before")
    @classmethod
    def _situations(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple | set | frozenset):
            raise ValueError("must be a list of situations")
        keys: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError("must be a list of situations")
            keys.append(normalize_situation(item))  # its ValueError names no value
        return tuple(sorted(set(keys)))

    def has_situation(self, key: str) -> bool | None:
        """True when ``situations`` lists ``key``; None when situations are not given (unknown).

        A list that was given but leaves ``key`` out is still *unknown* for that situation
        (a case manager lists what they know), except where another field settles it
        (``veteran=False``, ``pregnant=False``).

        >>> ClientProfile(situations=["Veterans", "homeless"]).situations
        ('homeless', 'veteran')
        >>> ClientProfile(situations=["homeless"]).has_situation("veteran") is None
        True
        """
        if self.situations and key in self.situations:
            return True
        if key == "veteran" and self.veteran is not None:
            return self.veteran
        if key == "pregnant" and self.pregnant is not None:
            return self.pregnant
        return None

    def settled_situations(self, on: date | None = None) -> frozenset[str]:
        """``situations`` with those the other fields settle: 60 or older (on ``on``, default
        today) is ``senior``, ``veteran``/``pregnant`` true, a dependant makes ``parenting``,
        ASL makes ``deaf_or_hard_of_hearing``.

        >>> sorted(ClientProfile(age=70, veteran=True, situations=["homeless"])
        ...        .settled_situations(date(2026, 1, 1)))
        ['homeless', 'senior', 'veteran']
        """
        settled = set(self.situations or ())
        age = self.age_on(on)
        if age is not None and age >= 60:
            settled.add("senior")
        if self.veteran:
            settled.add("veteran")
        if self.pregnant:
            settled.add("pregnant")
        if self.dependents_ages:
            settled.add("parenting")
        if self.languages and "ase" in self.languages:
            settled.add("deaf_or_hard_of_hearing")
        return frozenset(settled)

    @field_validator("needs", mode="before")
    @classmethod
    def _needs(cls, value: Any) -> Any:
        if isinstance(value, str | Need):
            value = [value]
        if isinstance(value, list | tuple):
            return tuple(_need(v) if isinstance(v, str) else v for v in value)
        return value

    @field_validator("needs")
    @classmethod
    def _merge_needs(cls, value: tuple[Need, ...]) -> tuple[Need, ...]:
        return merge_needs(value)

    @model_validator(mode="after")
    def _age_matches_birth_date(self) -> ClientProfile:
        if self.age is not None and self.date_of_birth is not None:
            today = date.today()
            dob = self.date_of_birth
            years = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
            if abs(years - self.age) > 1.0:
                raise ValueError("age contradicts date_of_birth (give one, or make them agree)")
        return self

    @field_validator("dependents_ages", "insurance", "availability", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if isinstance(value, str | int | float | dict | AvailabilityWindow):
            return [value]
        return value

    def age_on(self, on: date | None = None) -> float | None:
        """The client's age in years on ``on`` (default today), or ``None`` when unknown.

        From ``date_of_birth`` when given (completed years), else ``age`` as given.

        >>> ClientProfile(date_of_birth=date(2000, 2, 29)).age_on(date(2026, 2, 28))
        25.0
        >>> ClientProfile(age=34).age_on(date(2026, 1, 1))
        34.0
        """
        if self.date_of_birth is not None:
            on = on or date.today()
            dob = self.date_of_birth
            years = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
            return float(max(years, 0))
        return None if self.age is None else float(self.age)

    @property
    def state(self) -> str | None:
        """The client's two-letter state code, when the place gives one."""
        return self.location.state if self.location is not None else None

    def __repr__(self) -> str:
        names: list[str] = []
        for name in type(self).model_fields:
            if name in ("id", "needs"):
                continue
            value = getattr(self, name)
            if name in ("telehealth_ok", "consent_to_share_sensitive"):
                if name in self.model_fields_set:
                    names.append(name)
            elif value is not None:
                names.append(name)
        if self.needs:
            names.append(f"needs({len(self.needs)})")
        # The id is often a medical record number: never shown.
        return f"ClientProfile(set=[{', '.join(sorted(names))}])"

    __str__ = __repr__
