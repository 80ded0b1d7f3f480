"""A client's need: a category key (or free text), how much it matters, and why it was raised.

Example:
    >>> n = Need("housing", priority=1)
    >>> n.category, n.priority, n.urgency
    ('housing', 1, 'routine')
    >>> Need("grief support group for widows").is_free_text
    True
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str = Field(min_length=1)
    priority: int = Field(default=3, ge=1, le=5)
    urgency: Urgency = "routine"
    detail: str | None = None
    provenance: tuple[Provenance, ...] = ()

    def __init__(self, category: str | None = None, /, **data: Any) -> None:
        if category is not None:
            data["category"] = category
        super().__init__(**data)

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
