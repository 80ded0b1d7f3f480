"""A client's need: a category key (or free text), how much it matters, and why it was raised.

Example:
    >>> n = Need("housing", priority=1)
    >>> n.category, n.priority, n.urgency
    ('housing', 1, 'routine')
    >>> Need("grief support group for widows").is_free_text
    True

A free-text need whose words signal danger to self or others is made immediate, and says so:

    >>> n = Need("I want to kill myself", priority=4, urgency="routine")
    >>> n.urgency, n.urgency_reason
    ('immediate', 'urgency raised to immediate: the words signal danger')
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..needs.categories import NeedCategories
from ..needs.phrases import resolve_need_text

__all__ = ["Need", "Provenance", "Urgency"]

Urgency = Literal["routine", "soon", "urgent", "immediate"]
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Provenance(BaseModel):
    """Why a need was raised: the screening instrument, its item LOINC codes and answer codes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    items: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    note: str | None = None

    def describe(self) -> str:
        """One readable line, e.g. ``"AHC HRSN: 71802-3 = LA31994-9"``."""
        pairs = ", ".join(
            f"{item} = {answer}" for item, answer in zip(self.items, self.answers, strict=False)
        )
        text = self.instrument + (f": {pairs}" if pairs else "")
        return text + (f" ({self.note})" if self.note else "")


class Need(BaseModel):
    """One assessed need.

    ``category`` is a need-category key such as ``"housing"`` or ``"therapy"``, or free text such
    as ``"grief support group for widows"``. ``priority`` runs from 1 (highest) to 5; ``urgency``
    from routine to immediate (an immediate need, e.g. a positive suicide-risk item, is ranked
    before everything else).

    When ``category`` is not a category key and its words signal danger to self or others ("I
    want to kill myself", "no quiero vivir", "I'm going to hurt someone";
    :func:`~referralmatch.needs.phrases.resolve_need_text`), ``urgency`` becomes
    ``"immediate"`` whatever the caller gave, and ``urgency_reason`` says why (library words, no
    client text), for explanations to show. ``priority`` is kept as given.

    Bad values raise :class:`~referralmatch.errors.ClientValidationError` naming the fields and
    what is wrong, never the values (a need text or detail may be sensitive).

    >>> Need("housing", priority="HIV+ needs meds")
    Traceback (most recent call last):
    ...
    referralmatch.errors.ClientValidationError: invalid need: priority (must be a whole number)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    category: str = Field(min_length=1)
    priority: int = Field(default=3, ge=1, le=5)
    urgency: Urgency = "routine"
    urgency_reason: str | None = None
    detail: str | None = None
    provenance: tuple[Provenance, ...] = ()

    def __init__(self, category: str | None = None, /, **data: Any) -> None:
        if category is not None:
            data["category"] = category
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise _value_free(error) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Validate a mapping or object; errors are ``ClientValidationError`` (no values)."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as error:
            raise _value_free(error) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Any:
        """Validate JSON text; errors are ``ClientValidationError`` (no values)."""
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as error:
            raise _value_free(error) from None

    @model_validator(mode="before")
    @classmethod
    def _danger_is_immediate(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        text = data.get("category")
        if not isinstance(text, str) or text in NeedCategories.default():
            return data
        if not resolve_need_text(text).danger:
            return data
        raised = data.get("urgency") != "immediate"
        reason = ("urgency raised to immediate" if raised else "urgency immediate") + (
            ": the words signal danger"
        )
        return {**data, "urgency": "immediate", "urgency_reason": reason}

    @property
    def is_free_text(self) -> bool:
        """True when ``category`` is not a category key (it has spaces or capitals)."""
        return not _KEY.match(self.category)

    def __repr__(self) -> str:
        # Need texts can be sensitive; show the shape, never the detail.
        detail = ", detail=<set>" if self.detail else ""
        category = "<free text>" if self.is_free_text else repr(self.category)
        return f"Need({category}, priority={self.priority}, urgency={self.urgency!r}{detail})"

    __str__ = __repr__


def _value_free(error: ValidationError) -> Exception:
    """The client models' value-free error for a need (fields and reasons, never values)."""
    from .client import _value_free as convert  # client imports this module: import at call time

    return convert(error, "need")
