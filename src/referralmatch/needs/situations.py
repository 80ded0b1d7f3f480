"""Human situations: the vocabulary of who a client is (and whom a service is for), as data.

The packaged ``situations.json`` follows the Open Eligibility 2.0 "situations" facet and lists,
per situation, its key, label, the Open Eligibility term ids and names, the AIRS/211 LA
target-population code prefixes (the ``Y`` facet, hierarchical: ``YV-3000.3050`` is under
``YV-3000``), synonyms a caller may type, and the text patterns that name it in a service's name,
audience or eligibility text, and the need categories whose asking implies it for targeting.

Example:
    >>> normalize_situation("Veterans")
    'veteran'
    >>> normalize_situation("hard of hearing")
    'deaf_or_hard_of_hearing'
    >>> situation_keys()[:3]
    ('homeless', 'at_risk_of_homelessness', 'veteran')
    >>> normalize_situation("astronaut")
    Traceback (most recent call last):
    ...
    ValueError: not a known situation
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

__all__ = ["Situation", "normalize_situation", "situation_keys", "situations"]


class Situation(BaseModel):
    """One situation of ``situations.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    label: str
    open_eligibility_ids: tuple[int, ...] = ()
    open_eligibility_names: tuple[str, ...] = ()
    airs_prefixes: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    targeted_with: tuple[str, ...] = ()
    """Situations whose services also serve this one (a person at risk of homelessness is
    served by homeless services); used for targeting only."""
    broad: bool = False
    """Most services of a directory serve people in this situation (low income): a service
    aimed at it is a weaker fit than one aimed at a specific situation the client is in."""
    implied_by_needs: tuple[str, ...] = ()
    """Need categories whose asking implies the situation for *targeting* (a person asking for
    substance-use treatment is the population a treatment programme targets); never used for
    eligibility."""
    relatives_airs_prefixes: tuple[str, ...] = ()
    """AIRS codes for the families and friends of people in this situation (``YJ-4840``
    Families/Friends of Individuals With an Alcohol Use Disorder). Beside one, the situation's
    own code describes the relatives, not the client: the service is not aimed at the situation
    unless its text says so or it serves the person themselves (:attr:`person_airs_prefixes`)."""
    person_airs_prefixes: tuple[str, ...] = ()
    """AIRS service codes that serve people in the situation themselves (substance use disorder
    treatment): a service listing one beside a relatives' code is aimed at both."""
    settled_by_needs: tuple[str, ...] = ()
    """Need categories whose asking says the client *is* in the situation, for the targeting of
    every one of the client's needs (someone asking for substance-use treatment has a substance
    use problem, and a recovery support group is for them); never used for eligibility."""


@cache
def situations() -> tuple[Situation, ...]:
    """All situations of the packaged vocabulary, in file order."""
    text = resources.files("referralmatch.needs").joinpath("situations.json").read_text("utf-8")
    return tuple(Situation.model_validate(s) for s in json.loads(text)["situations"])


@cache
def situation_keys() -> tuple[str, ...]:
    """The situation keys, in file order."""
    return tuple(s.key for s in situations())


def _fold(text: str) -> str:
    return re.sub(r"[\s\-/]+", "_", text.strip().lower())


@cache
def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for s in situations():
        out[s.key] = s.key
        out[_fold(s.label)] = s.key
        for word in (*s.synonyms, *s.open_eligibility_names):
            out.setdefault(_fold(word), s.key)
    return out


def normalize_situation(value: str) -> str:
    """The situation key for ``value`` (a key, label or synonym; case and spacing ignored).

    Raises ``ValueError("not a known situation")`` (never echoing the value) when unknown.
    """
    folded = _fold(value)
    key = _aliases().get(folded) or _aliases().get(folded.rstrip("s"))
    if key is None:
        raise ValueError("not a known situation")
    return key
