"""Filters: why a unit is ruled out — eligibility, reach (distance, service area, remote) and
status — as exclusion codes over candidate units, with eligibility judged once per rule set.

Eligibility verdicts are shared: every client whose facts read by a rule set's kinds are the
same gets the same verdict, so :class:`Filters` keeps one cache across clients (keyed by those
facts, never by the client), and each :class:`~.context.ClientContext` keeps its own table.
A rule set not in that cache is put together from the verdicts of its rules, shared the same
way one level down: one rule's verdict is kept by the facts its own kind reads, so an age rule
judged for one client serves every rule set that holds it and every client of the same age.

Example:
    >>> from referralmatch.synth import synthetic_directory
    >>> from referralmatch.matching.index import DirectoryIndex
    >>> from referralmatch.matching.config import MatchConfig
    >>> f = Filters(DirectoryIndex.build(synthetic_directory(50, seed=1)), MatchConfig())
    >>> eligibility_certainty([])
    1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..eligibility import FACTS_READ, evaluate, summarize
from ..eligibility.evaluate import Verdict
from ..geo import AreaMatcher, haversine_km
from ..models.results import EligibilityNote
from .contact import REACH_REMOTE
from .context import (
    INACTIVE,
    INELIGIBLE,
    LANGUAGE,
    NO_COVERAGE,
    NO_REMOTE,
    OUT_OF_AREA,
    TOO_FAR,
    UNAFFORDABLE,
    WEAK_FIT,
    BoolArray,
    ClientContext,
    FloatArray,
    IntArray,
    PlaceColumns,
    UnitCodes,
)
from .factors.access import language_factor
from .facts import INSURERS
from .index import APPROX_NONE

if TYPE_CHECKING:
    from ..eligibility.rules import Rule
    from ..geo import ResolvedPlace
    from ..models.client import ClientProfile
    from .config import MatchConfig
    from .index import DirectoryIndex

__all__ = [
    "NOT_PREGNANT_FROM_AGE",
    "UNKNOWN_RULE_VALUE",
    "Filters",
    "Verdicts",
    "eligibility_certainty",
    "eligibility_profile",
]

NOT_PREGNANT_FROM_AGE = 50
"""For eligibility, a client of this age or older whose pregnancy is not given is taken as not
pregnant (pregnancy-only programmes would otherwise stay "unknown" for a 70-year-old)."""

UNKNOWN_RULE_VALUE = 0.5
"""Eligibility factor share of a rule the profile cannot judge (met 1, unknown this)."""

_SHARED_LIMIT = 200_000


def eligibility_certainty(verdicts: Sequence[Verdict]) -> float:
    """Eligibility certainty in [0, 1]: the product over rules of ``1 - confidence * (1 - v)``,
    where v is 1 for a rule met and :data:`UNKNOWN_RULE_VALUE` for one the profile cannot judge
    (unknown is not zero; a vague "see notes" rule parsed with confidence 0.3 costs little);
    1.0 when there are no rules."""
    value = 1.0
    for v in verdicts:
        if v.rule.kind != "none" and v.status != "met":
            share = 0.0 if v.status == "unmet" else UNKNOWN_RULE_VALUE
            value *= 1.0 - min(max(v.rule.confidence, 0.0), 1.0) * (1.0 - share)
    return round(value, 3)


def eligibility_profile(client: ClientProfile, on: date) -> ClientProfile:
    """The profile eligibility rules are judged on: the client's own, with the situations other
    fields settle added (:meth:`ClientProfile.settled_situations`) and, from
    :data:`NOT_PREGNANT_FROM_AGE` or for a client whose gender is ``male`` (not ``transgender
    male``), not pregnant unless the profile says so.

    >>> from referralmatch.models.client import ClientProfile
    >>> p = eligibility_profile(ClientProfile(age=70, veteran=True), date(2026, 1, 1))
    >>> p.situations, p.pregnant
    (('senior', 'veteran'), False)
    """
    settled = client.settled_situations(on)
    age = client.age_on(on)
    update: dict[str, Any] = {}
    if settled != set(client.situations or ()):
        update["situations"] = tuple(sorted(settled))
    if client.pregnant is None and (
        (age is not None and age >= NOT_PREGNANT_FROM_AGE) or client.gender == "male"
    ):
        update["pregnant"] = False
    return client.model_copy(update=update) if update else client


@dataclass
class Verdicts:
    """The verdict of one rule set for one client's facts."""

    status: int  # 0 met, 1 unknown, 2 unmet
    certainty: float
    judged: tuple[tuple[str, str, str], ...]  # (kind, status, reason), "none" rules left out
    unmet_kinds: tuple[str, ...]
    unmet_reasons: tuple[str, ...]

    @cached_property
    def notes(self) -> tuple[EligibilityNote, ...]:
        """The judged rules as result notes."""
        return tuple(
            EligibilityNote(kind=k, status=s, reason=r) for k, s, r in self.judged
        )


@lru_cache(maxsize=4096)
def _area_matcher(area: str) -> AreaMatcher:
    """The parsed form of a residency rule's area text (what ``geo.area_covers`` builds)."""
    return AreaMatcher(area, None, None, None)


class Filters:
    """Exclusion codes for a directory index under one configuration."""

    def __init__(self, index: DirectoryIndex, config: MatchConfig) -> None:
        self.index = index
        self.config = config
        # verdicts by (rule kinds, the client facts they read) -> rule set -> verdict
        self.shared: dict[tuple[Any, ...], dict[int, Verdicts]] = {}
        # verdicts of single rules by (rule kind, the client facts it reads) -> rule -> verdict
        self.shared_rules: dict[tuple[Any, ...], dict[int, Verdict]] = {}
        self._fields: dict[frozenset[str], tuple[str, ...]] = {}  # rule kinds -> fields read
        # (area set, resolved place) -> covered (True/False/None), shared across clients
        self._coverage: dict[tuple[int, ResolvedPlace | None], bool | None] = {}

    # ------------------------------------------------------------------ eligibility
    def _facts(self, ctx: ClientContext, kinds: frozenset[str]) -> tuple[Any, ...]:
        """The client facts that rules of ``kinds`` read (``eligibility.FACTS_READ``), as a key;
        a kind the table does not know reads every field."""
        fields = self._fields.get(kinds)
        if fields is None:
            every = tuple(type(ctx.client).model_fields)
            fields = self._fields[kinds] = tuple(
                sorted(set().union(*(FACTS_READ.get(k, every) for k in kinds)))
            )
        c, p = ctx.eligibility_client, ctx.place
        out: list[Any] = []
        for name in fields:
            if name in ("age", "date_of_birth"):
                age = c.age_on(ctx.on)
                out.append(None if age is None else math.floor(age))
            elif name == "location":
                # the place itself only for residency (judged through area_covered); other
                # kinds read the client's state (poverty-guideline region) from it
                out.append(
                    c.state if p is None or "residency" not in kinds
                    else (p.latitude, p.longitude, p.postal_code, p.city, p.county, p.state)
                )  # fmt: skip
            elif name == "household_size" and "income" not in kinds:
                # outside income limits only "a household of one" matters
                size = c.household_size
                out.append(None if size is None else size == 1)
            else:
                out.append(getattr(c, name))
        return tuple(out)

    def verdicts(self, ctx: ClientContext, rule_set: int) -> Verdicts:
        """The verdict of ``rule_set`` for the client of ``ctx`` (cached)."""
        cached = ctx.verdicts.get(rule_set)
        if cached is not None:
            return cached
        kinds = self.index.rule_kinds[rule_set]
        same_facts = ctx.facts.get(kinds)
        if same_facts is None:
            if len(self.shared) > _SHARED_LIMIT:
                self.shared.clear()
            same_facts = self.shared.setdefault((kinds, self._facts(ctx, kinds)), {})
            ctx.facts[kinds] = same_facts
        shared = same_facts.get(rule_set)
        if shared is not None:
            ctx.verdicts[rule_set] = shared
            return shared
        rules = self.index.rule_sets[rule_set]
        verdicts = [
            self._rule_verdict(ctx, number, rule)
            for number, rule in zip(self._rule_numbers[rule_set], rules, strict=True)
        ]
        status, _ = summarize(verdicts)
        unmet = [v for v in verdicts if v.status == "unmet"]
        result = Verdicts(
            status={"met": 0, "unknown": 1, "unmet": 2}[status],
            certainty=eligibility_certainty(verdicts),
            judged=tuple((v.rule.kind, v.status, v.reason) for v in verdicts if v.rule.kind != "none"),
            unmet_kinds=tuple(v.rule.kind for v in unmet),
            unmet_reasons=tuple(v.reason for v in unmet),
        )
        ctx.verdicts[rule_set] = result
        same_facts[rule_set] = result
        return result

    @cached_property
    def _rule_numbers(self) -> tuple[tuple[int, ...], ...]:
        """Each rule set's rules as numbers of distinct rules (equal rules share one)."""
        numbers: dict[Rule, int] = {}
        return tuple(
            tuple(numbers.setdefault(rule, len(numbers)) for rule in rules)
            for rules in self.index.rule_sets
        )

    def _rule_verdict(self, ctx: ClientContext, number: int, rule: Rule) -> Verdict:
        """The verdict of one rule (distinct rule ``number``) for the client of ``ctx``,
        judged once per client facts its kind reads (cached like :meth:`verdicts`)."""
        cached = ctx.rule_verdicts.get(number)
        if cached is not None:
            return cached
        kinds = frozenset({rule.kind})
        same_facts = ctx.rule_facts.get(rule.kind)
        if same_facts is None:
            if len(self.shared_rules) > _SHARED_LIMIT:
                self.shared_rules.clear()
            same_facts = self.shared_rules.setdefault((kinds, self._facts(ctx, kinds)), {})
            ctx.rule_facts[rule.kind] = same_facts
        verdict = same_facts.get(number)
        if verdict is None:
            place = ctx.place

            def covered(area: str) -> bool | None:
                return None if place is None else _area_matcher(area).covers(place)

            (verdict,) = evaluate(
                [rule],
                ctx.eligibility_client,
                year=self.config.poverty_year,
                on=ctx.on,
                area_covered=covered,
            )
            same_facts[number] = verdict
        ctx.rule_verdicts[number] = verdict
        return verdict

    def rule_table(
        self, ctx: ClientContext, rule_sets: npt.NDArray[np.int32], present: IntArray | None = None
    ) -> tuple[npt.NDArray[np.int8], FloatArray]:
        """Status (0 met, 1 unknown, 2 unmet; -1 not judged) and certainty of every rule set,
        judging the ones present in ``rule_sets`` that are not judged yet."""
        n = len(self.index.rule_sets)
        if ctx.rule_status is None:
            ctx.rule_status = np.full(n, -1, dtype=np.int8)
            ctx.rule_certainty = np.ones(n, dtype=np.float64)
        status, certainty = ctx.rule_status, ctx.rule_certainty
        assert certainty is not None
        if present is None:
            present = np.flatnonzero(np.bincount(rule_sets, minlength=n))
        for r in present[status[present] < 0].tolist():
            e = self.verdicts(ctx, r)
            status[r], certainty[r] = e.status, e.certainty
        return status, certainty

    def programme_fit(self, ctx: ClientContext, programme: npt.NDArray[np.int32]) -> FloatArray:
        """Need-fit share of each unit whose only evidence for the need is its numbered
        programmes (``programme``: their set, into ``index.programme_sets``, -1 none): when the
        client is known to fail every one of them, the best of their eligibility certainties,
        else 1 (one met or unknown: neutral)."""
        has = programme >= 0
        out = np.ones(len(programme))
        if has.any():
            present = np.unique(programme[has])
            sets = [self.index.programme_sets[int(g)] for g in present]
            rs = np.array([r for rules in sets for r in rules], dtype=np.int32)
            status, certainty = self.rule_table(ctx, rs, np.unique(rs).astype(np.int64))
            share = np.ones(int(present[-1]) + 1)
            for g, rules in zip(present.tolist(), sets, strict=True):
                ids = list(rules)
                if (status[ids] == 2).all():
                    share[g] = certainty[ids].max()
            out[has] = share[programme[has]]
        return out

    def programme_reasons(self, ctx: ClientContext, programme: int) -> tuple[str, ...]:
        """Why the client fails the programmes of set ``programme`` (-1 none), every one of
        them; empty when one is met or unknown."""
        if programme < 0:
            return ()
        kept = [self.verdicts(ctx, r) for r in self.index.programme_sets[programme]]
        if any(v.status != 2 for v in kept):
            return ()
        return tuple(dict.fromkeys(reason for v in kept for reason in v.unmet_reasons))

    def _no_coverage(self, ctx: ClientContext, st: PlaceColumns) -> BoolArray:
        """Units that need insurance the client is known to lack (uninsured) or a plan the
        client is known not to hold (``ctx.blocked_plans``: the client named coverage, and
        neither the plan nor its kind is among it; a generic "private" may be any plan)."""
        out = st.insurance_required & ctx.uninsured
        if len(ctx.blocked_plans):
            out = out | np.isin(st.plan_only, ctx.blocked_plans)
        return out

    def blocked_plans(self, client: ClientProfile, insurers: frozenset[str],
                      kinds: frozenset[str]) -> npt.NDArray[np.int16]:  # fmt: skip
        """The plan codes of the index a client is known not to hold."""
        if not client.insurance:
            return np.empty(0, dtype=np.int16)
        return np.array(
            [code for code, plan in enumerate(self.index.plan_keys)
             if plan not in insurers and (INSURERS[plan][1] if plan in INSURERS else None) not in kinds],
            dtype=np.int16,
        )  # fmt: skip

    # ------------------------------------------------------------------ reach
    @cached_property
    def _unit_cos_lat(self) -> FloatArray:
        """``cos(radians(latitude))`` of every unit (NaN without coordinates), for distances."""
        return np.cos(np.radians(self.index.u_lat))

    def coverage(self, ctx: ClientContext, area_set: int) -> bool | None:
        """Whether a service-area set covers the client's place (None: cannot tell); judged
        once per (area set, place), so clients in the same ZIP code share the answer."""
        if area_set in ctx.coverage:
            return ctx.coverage[area_set]
        key = (area_set, ctx.place)
        if key in self._coverage:
            answer = self._coverage[key]
        else:
            matchers = self.index.area_sets[area_set]
            answer = None
            if matchers and ctx.place is not None:
                answers = [m.covers(ctx.place) for m in matchers]
                answer = (
                    True
                    if any(a is True for a in answers)
                    else (False if all(a is False for a in answers) else None)
                )
            if len(self._coverage) > _SHARED_LIMIT:
                self._coverage.clear()
            self._coverage[key] = answer
        ctx.coverage[area_set] = answer
        return answer

    def _area_table(self, ctx: ClientContext, area_sets: npt.NDArray[np.int32]) -> npt.NDArray[np.int8]:
        n = len(self.index.area_sets)
        if ctx.area_status is None:
            ctx.area_status = np.full(n, 2, dtype=np.int8)  # 2 = not judged yet
        table = ctx.area_status
        present = np.flatnonzero(np.bincount(area_sets, minlength=n))
        for a in present[table[present] == 2]:
            c = self.coverage(ctx, int(a))
            table[a] = 0 if c is None else (1 if c else -1)
        return table

    def place_columns(
        self,
        ctx: ClientContext,
        units: IntArray,
        fit: FloatArray,
        evidence: npt.NDArray[np.uint8],
        programme: npt.NDArray[np.int32] | None = None,
    ) -> PlaceColumns:
        """Place-level codes (inactive, weak fit, out of area, video/online refused) and the columns
        scoring reads, for ``units`` whose need relevance is ``fit``."""
        index, config = self.index, self.config
        services = index.u_service[units].astype(np.int64)
        fit = np.clip(fit, 0.0, 1.0)
        codes = np.where(fit < config.min_need_fit, WEAK_FIT, 0).astype(np.int64)
        if not config.include_inactive:
            codes |= np.where(index.s_active[services], 0, INACTIVE)
        area_sets = index.s_area_set[services]
        coverage = self._area_table(ctx, area_sets)
        codes |= np.where(coverage[area_sets] == -1, OUT_OF_AREA, 0)
        in_area = (coverage[area_sets] == 1) & (index.u_approx[units] != APPROX_NONE)
        virtual = index.u_virtual[units]
        if ctx.place is not None:
            distance = haversine_km(
                ctx.place.latitude, ctx.place.longitude, index.u_lat[units], index.u_lon[units],
                cos_lat2=self._unit_cos_lat[units],
            )  # fmt: skip
            distance = np.where(virtual, np.nan, distance)
        else:
            distance = np.full(len(units), np.nan)
        if ctx.client.telehealth_ok is False:
            # phone lines, teams that come to the client and confidential shelters reached by
            # their hotline are not telehealth (:mod:`.contact`): only video/online is refused
            remote = index.s_contact[services] == REACH_REMOTE
            codes |= np.where(virtual & remote, NO_REMOTE, 0)
        rule_sets = index.s_rule_set[services]
        return PlaceColumns(
            units=units,
            fit=fit,
            evidence=evidence,
            services=services,
            codes=codes,
            distance=distance,
            in_area=in_area,
            virtual=virtual,
            rule_sets=rule_sets,
            insurance_required=index.s_insurance_required[services],
            plan_only=index.s_plan_only[services],
            present_rules=np.flatnonzero(np.bincount(rule_sets, minlength=len(index.rule_sets))),
            programme=programme if programme is not None and (programme >= 0).any() else None,
        )

    def language(self, ctx: ClientContext, services: IntArray) -> FloatArray:
        """The language factor of ``services`` for the client of ``ctx``."""
        index = self.index
        return language_factor(
            index.s_lang[services], index.s_interp[services], index.s_lang_listed[services],
            ctx.lang_mask, ctx.has_languages, ctx.related_mask, index.s_teaches_english[services],
        )  # fmt: skip

    def client_codes(self, ctx: ClientContext, st: PlaceColumns) -> UnitCodes:
        """Add what depends on the client's own facts to the place-level codes of ``st``:
        eligibility, travel limit, (if required) language, coverage and affordability (market-rate
        private pay for a client with a low income: ``ClientContext.low_income``)."""
        status_of, certainty_of = self.rule_table(ctx, st.rule_sets, st.present_rules)
        codes = st.codes | np.where(status_of[st.rule_sets] == 2, INELIGIBLE, 0)
        # NaN (remote, unknown) passes; so does a centroid position in the service's own area
        codes |= np.where((st.distance > ctx.max_km) & ~st.in_area, TOO_FAR, 0)
        lang = None  # the matcher computes it for the passing units, unless it can exclude
        if self.config.require_language:
            lang = self.language(ctx, st.services)
            codes |= np.where(lang == 0, LANGUAGE, 0)
        codes |= np.where(self._no_coverage(ctx, st), NO_COVERAGE, 0)
        if ctx.low_income:
            codes |= np.where(self.index.s_private_pay[st.services], UNAFFORDABLE, 0)
        return UnitCodes(
            st.units, st.services, codes, st.distance, st.virtual, st.rule_sets, certainty_of, lang
        )
