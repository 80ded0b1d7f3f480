"""Scored pairs and decisions: which candidate pairs are linked, which go to review, as a table.

A scorer (the hand-written rules in :mod:`referralmatch.linkage.rules`, or the optional splink
model in :mod:`referralmatch.linkage.splink_model`) gives every candidate pair a
:class:`PairScore`: a score in [0, 1] and the evidence per field. :func:`decide` then links pairs
one to one (a record of one source is linked to at most one record of the other; the higher
score wins, ties break by ids), sends uncertain pairs and pairs that lost a record to a better
pair to review, and leaves the rest distinct.

Example:
    >>> pairs = [PairScore("service", "a1", "b1", 0.99, (Evidence("name", "agree", 6.0, "name 100"),)),
    ...          PairScore("service", "a1", "b2", 0.95, ()),
    ...          PairScore("service", "a3", "b3", 0.60, ())]
    >>> [(p.id_a, p.id_b, d) for p, d in decide(pairs, link_threshold=0.9, review_threshold=0.5)]
    [('a1', 'b1', 'linked'), ('a1', 'b2', 'review'), ('a3', 'b3', 'review')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PAIR_COLUMNS", "Decision", "Evidence", "Outcome", "PairScore", "decide", "pairs_frame"]

Outcome = Literal["agree", "partial", "disagree", "missing"]
Decision = Literal["linked", "review", "distinct"]

PAIR_COLUMNS = [
    "entity",
    "id_a",
    "id_b",
    "score",
    "decision",
    "agreed",
    "disagreed",
    "missing",
    "reasons",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one field says about a pair: its ``outcome``, its ``weight`` (bits) and a readable note."""

    field: str
    outcome: Outcome
    weight: float
    note: str


@dataclass(frozen=True, slots=True)
class PairScore:
    """One candidate pair of records (``id_a`` from the first source) with its score in [0, 1]."""

    entity: str
    id_a: str
    id_b: str
    score: float
    evidence: tuple[Evidence, ...]

    def fields(self, outcome: Outcome) -> list[str]:
        """The fields whose evidence has ``outcome`` (agree, partial, disagree or missing)."""
        return [e.field for e in self.evidence if e.outcome == outcome]

    def reasons(self) -> str:
        """The evidence as one readable line, e.g. ``"name agree (name 96); phone agree"``."""
        return "; ".join(
            f"{e.field} {e.outcome}" + (f" ({e.note})" if e.note else "") for e in self.evidence
        )


def decide(
    pairs: Iterable[PairScore], *, link_threshold: float, review_threshold: float
) -> list[tuple[PairScore, Decision]]:
    """A decision for every pair scoring at least ``review_threshold``, best pairs first.

    Pairs at or above ``link_threshold`` are linked greedily one to one; such a pair whose
    record was already taken by a better pair goes to ``review`` (it may be a duplicate inside
    one source). Pairs between the thresholds go to ``review``; lower pairs are dropped.
    """
    ranked = sorted(
        (p for p in pairs if p.score >= review_threshold),
        key=lambda p: (-p.score, p.id_a, p.id_b),
    )
    used_a: set[str] = set()
    used_b: set[str] = set()
    out: list[tuple[PairScore, Decision]] = []
    for pair in ranked:
        if pair.score >= link_threshold and pair.id_a not in used_a and pair.id_b not in used_b:
            used_a.add(pair.id_a)
            used_b.add(pair.id_b)
            out.append((pair, "linked"))
        else:
            out.append((pair, "review"))
    return out


def pairs_frame(decided: Sequence[tuple[PairScore, Decision]]) -> pd.DataFrame:
    """The pairs as a DataFrame with :data:`PAIR_COLUMNS` (field lists joined by ``", "``)."""
    import pandas as pd

    rows = [
        [
            p.entity,
            p.id_a,
            p.id_b,
            round(p.score, 4),
            decision,
            ", ".join(p.fields("agree") + p.fields("partial")),
            ", ".join(p.fields("disagree")),
            ", ".join(p.fields("missing")),
            p.reasons(),
        ]
        for p, decision in decided
    ]
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)
