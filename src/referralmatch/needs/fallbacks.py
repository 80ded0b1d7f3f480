"""National fallbacks: the built-in crisis and safety lines (988, 911, the National Domestic
Violence Hotline) a crisis or safety need is answered with when the directory has nothing
reachable, kept as data in ``fallbacks.json`` beside the categories.

Example:
    >>> [f.key for f in fallbacks_for(["crisis"])]
    ['988', '911']
    >>> [f.key for f in fallbacks_for(["domestic_violence", "crisis"])]
    ['988', '911', 'ndvh']
    >>> fallbacks_for(["food"])
    ()
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from ..models.results import Fallback

__all__ = ["FALLBACK_CATEGORIES", "all_fallbacks", "fallbacks_for"]


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[Fallback, frozenset[str]], ...]:
    data = json.loads(resources.files(__package__).joinpath("fallbacks.json").read_text("utf-8"))
    return tuple(
        (
            Fallback(key=e["key"], name=e["name"], contact=e["contact"], detail=e.get("detail", "")),
            frozenset(e["categories"]),
        )
        for e in data["fallbacks"]
    )


def all_fallbacks() -> tuple[Fallback, ...]:
    """Every built-in line, in file order."""
    return tuple(f for f, _ in _table())


FALLBACK_CATEGORIES = frozenset({"crisis", "domestic_violence"})
"""Need categories that are always answered: with the directory's reachable services, else
with the built-in lines."""


def fallbacks_for(categories: Iterable[str]) -> tuple[Fallback, ...]:
    """The built-in lines for any of these need categories, in file order, each once."""
    wanted = set(categories)
    return tuple(f for f, cats in _table() if cats & wanted)
