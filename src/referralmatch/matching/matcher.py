"""Matcher: rank a directory's services for one client's needs, explain each rank and exclusion.

Per need: take the category's member units from the index, rule out (with reasons) inactive
services, unmet eligibility, places out of reach and, if configured, services that share no
language with the client; score the rest on named factors; keep each service's best unit; take
the top ``limit``. All steps are numpy passes over the candidate units; eligibility is evaluated
once per distinct rule set, service areas once per distinct area set.

Example:
    >>> import referralmatch as rm
    >>> from referralmatch.synth import synthetic_directory
    >>> matcher = rm.Matcher(synthetic_directory(300, seed=2))
    >>> client = rm.ClientProfile(age=30, location=rm.Place(postal_code="95814"),
    ...                           needs=[rm.Need("food")])
    >>> result = matcher.match(client, limit=3)
    >>> [m.rank for m in result.matches]
    [1, 2, 3]
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..eligibility import evaluate, summarize
from ..eligibility.evaluate import Verdict
from ..geo import AreaMatcher, Geocoder, OfflineGeocoder, ResolvedPlace, haversine_km
from ..io.normalize import language_name
from ..models.results import EligibilityNote, Exclusion, Factor, Match, MatchResult, NeedResult
from ..schedule import availability_mask, pack_week_masks
from .config import FACTORS, MatchConfig
from .facts import insurance_kinds
from .factors.population import (
    POPULATIONS,
    client_populations,
    need_populations,
    population_factor,
    population_mask,
    population_text,
)
from .index import APPROX_CITY, APPROX_POSTAL_CODE, DirectoryIndex, insurance_bits
from .scoring import (
    CAPACITY_CODES,
    CAPACITY_SCORES,
    cost_factor,
    distance_factor,
    language_factor,
    top_k,
)

if TYPE_CHECKING:
    from ..directory import Directory
    from ..models.client import ClientProfile
    from ..models.need import Need
    from ..needs.categories import NeedCategories

__all__ = ["Matcher", "NeedOutcome", "ReachCode"]

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

# Reach and status exclusion codes (bit flags per unit).
INACTIVE, TOO_FAR, OUT_OF_AREA, NO_REMOTE, LANGUAGE, INELIGIBLE, WEAK_FIT = 1, 2, 4, 8, 16, 32, 64
ReachCode = int
_CODE_NAMES = {
    INACTIVE: "inactive",
    TOO_FAR: "too_far",
    OUT_OF_AREA: "out_of_area",
    NO_REMOTE: "no_remote",
    LANGUAGE: "language",
    WEAK_FIT: "weak_fit",
}
_URGENCY_ORDER = {"immediate": 0, "urgent": 1, "soon": 2, "routine": 3}
_CAPACITY_TEXT = (
    "accepting new clients",
    "capacity unknown",
    "waitlist",
    "not accepting new clients",
)


@dataclass
class _Eligibility:
    status: int  # 0 met, 1 unknown, 2 unmet
    certainty: float
    judged: tuple[tuple[str, str, str], ...]  # (kind, status, reason), "none" rules left out

    @property
    def notes(self) -> tuple[EligibilityNote, ...]:
        return tuple(EligibilityNote(kind=k, status=s, reason=r) for k, s, r in self.judged)

    unmet_kinds: tuple[str, ...]
    unmet_reasons: tuple[str, ...]


@dataclass
class _Units:
    units: npt.NDArray[np.int64]
    services: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]
    distance: FloatArray
    virtual: npt.NDArray[np.bool_]
    rule_sets: npt.NDArray[np.int32]
    certainty_of: FloatArray
    language: FloatArray


_STATIC_CACHE_SIZE = 128
# Which client facts each rule kind reads (eligibility.evaluate): a kind reads its own part and
# the parts listed here (gender rules read age for "children of any gender").
_FACT_ORDER = (
    "age",
    "gender",
    "residency",
    "income",
    "veteran",
    "insurance",
    "immigration",
    "pregnancy",
)
_ALSO_READ = {"age": frozenset({"gender"}), "pregnancy": frozenset({"parenting"})}


@dataclass(frozen=True)
class _Static:
    units: npt.NDArray[np.int64]
    fit: FloatArray
    services: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]
    distance: FloatArray
    virtual: npt.NDArray[np.bool_]
    rule_sets: npt.NDArray[np.int32]
    lang: npt.NDArray[np.uint64]
    interp: npt.NDArray[np.bool_]
    free: npt.NDArray[np.bool_]
    sliding: npt.NDArray[np.bool_]
    fee_known: npt.NDArray[np.bool_]
    insurance: npt.NDArray[np.uint8]
    schedule: npt.NDArray[np.uint64]
    has_schedule: npt.NDArray[np.bool_]
    capacity: npt.NDArray[np.uint8]
    capacity_score: FloatArray
    population: npt.NDArray[np.uint32]
    id_rank: npt.NDArray[np.int64]
    present_rules: npt.NDArray[np.int64]


@dataclass
class _NeedDiagnostics:
    cats: list[tuple[str, float]]
    near: _Units
    passing: npt.NDArray[np.int64]
    schedule: FloatArray
    capacity: npt.NDArray[np.uint8]
    best: list[tuple[str, float]]


@dataclass(frozen=True)
class NeedOutcome:
    """Whether one need of one client can be met, and if not, why (used by gap analysis).

    ``status`` is ``"met"`` when at least one eligible service within reach speaks a client
    language (or offers interpretation), is open when the client is available and is not full.
    Otherwise ``reason`` says which test failed first: ``no_service`` (nothing in the directory
    fits the need), ``not_eligible``, ``out_of_reach``, ``language``, ``hours`` or ``at_capacity``.
    """

    need: str
    priority: int
    status: str
    reason: str | None
    best_service_id: str | None
    best_score: float | None
    nearest_eligible_km: float | None
    eligible_within_reach: int
    county: str | None
    postal_code: str | None


@dataclass
class _ClientContext:
    client: ClientProfile
    place: ResolvedPlace | None
    max_km: float
    lang_mask: int
    has_languages: bool
    languages: frozenset[str]
    insurance: int
    avail: npt.NDArray[np.uint64] | None
    has: frozenset[str]
    not_has: frozenset[str]
    has_mask: int
    not_mask: int
    on: date
    eligibility: dict[int, _Eligibility] = field(default_factory=dict)
    coverage: dict[int, bool | None] = field(default_factory=dict)
    facts: dict[frozenset[str], dict[int, _Eligibility]] = field(default_factory=dict)
    fact_parts: dict[str, Any] | None = None
    rule_status: npt.NDArray[np.int8] | None = None
    rule_certainty: FloatArray | None = None
    area_status: npt.NDArray[np.int8] | None = None


class Matcher:
    """Ranks services for clients. Builds the columnar index once (see :class:`DirectoryIndex`).

    Args:
        directory: a loaded Directory, or an already built DirectoryIndex.
        config: weights and defaults (:class:`MatchConfig`).
        geocoder: resolves client places; the default :class:`~referralmatch.geo.OfflineGeocoder`
            makes no network call.
        categories: the need-category registry (default: the packaged one).
    """

    def __init__(
        self,
        directory: Directory | DirectoryIndex,
        *,
        config: MatchConfig | None = None,
        geocoder: Geocoder | None = None,
        categories: NeedCategories | None = None,
    ) -> None:
        self.config = config or MatchConfig()
        if isinstance(directory, DirectoryIndex):
            self.index = directory
        else:
            self.index = DirectoryIndex.build(directory, categories=categories)
        self.geocoder: Geocoder = geocoder or OfflineGeocoder()
        self._weights = self.config.weights()
        # verdicts by (rule kinds, the client facts they read) -> rule set -> verdict
        self._shared_eligibility: dict[tuple[Any, ...], dict[int, _Eligibility]] = {}
        self._static_cache: OrderedDict[tuple[Any, ...], _Static] = OrderedDict()

    def __repr__(self) -> str:
        return f"Matcher({self.index.n_services} services, {self.index.n_units} units)"

    # ------------------------------------------------------------------ client context
    def _context(self, client: ClientProfile, at: datetime | None) -> _ClientContext:
        place = self.geocoder.resolve(client.location) if client.location is not None else None
        languages = frozenset(client.languages or ())
        avail = None
        if client.availability:
            avail = pack_week_masks(availability_mask(client.availability))[0]
        on = at.date() if at else date.today()
        has, not_has = client_populations(client, on)
        return _ClientContext(
            client=client,
            place=place,
            max_km=float(client.max_travel_km or self.config.max_travel_km),
            lang_mask=self.index.language_mask(languages),
            has_languages=bool(languages),
            languages=languages,
            insurance=insurance_bits(insurance_kinds(client.insurance or ())),
            avail=avail,
            has=has,
            not_has=not_has,
            has_mask=population_mask(has),
            not_mask=population_mask(not_has),
            on=on,
        )

    def _facts(self, ctx: _ClientContext, kinds: frozenset[str]) -> tuple[Any, ...]:
        """The client facts that rules of ``kinds`` read (see eligibility.evaluate), as a key."""
        parts = ctx.fact_parts
        if parts is None:
            c, p = ctx.client, ctx.place
            age = c.age_on(ctx.on)
            parts = ctx.fact_parts = {
                "age": (None if age is None else math.floor(age), c.dependents_ages),
                "gender": c.gender,
                "residency": None if p is None else (p.latitude, p.longitude, p.postal_code,
                                                     p.city, p.county, p.state),
                "income": (c.annual_income, c.household_size, c.state),
                "veteran": c.veteran,
                "insurance": c.insurance,
                "immigration": c.immigration_status,
                "pregnancy": (c.pregnant, c.dependents_ages),
            }  # fmt: skip
        return tuple(
            parts[k] for k in _FACT_ORDER if k in kinds or _ALSO_READ.get(k, frozenset()) & kinds
        )

    def _eligibility(self, ctx: _ClientContext, rule_set: int) -> _Eligibility:
        cached = ctx.eligibility.get(rule_set)
        if cached is not None:
            return cached
        rules = self.index.rule_sets[rule_set]
        # Clients with the same relevant facts get the same verdicts: share them across clients.
        kinds = self.index.rule_kinds[rule_set]
        same_facts = ctx.facts.get(kinds)
        if same_facts is None:
            if len(self._shared_eligibility) > 200_000:
                self._shared_eligibility.clear()
            same_facts = self._shared_eligibility.setdefault((kinds, self._facts(ctx, kinds)), {})
            ctx.facts[kinds] = same_facts
        shared = same_facts.get(rule_set)
        if shared is not None:
            ctx.eligibility[rule_set] = shared
            return shared
        place = ctx.place

        def covered(area: str) -> bool | None:
            return None if place is None else _area_matcher(area).covers(place)

        verdicts = evaluate(
            list(rules), ctx.client, year=self.config.poverty_year, on=ctx.on, area_covered=covered
        )
        status, _ = summarize(verdicts)
        certainty = _eligibility_factor(verdicts)
        judged = tuple((v.rule.kind, v.status, v.reason) for v in verdicts if v.rule.kind != "none")
        unmet = [v for v in verdicts if v.status == "unmet"]
        result = _Eligibility(
            status={"met": 0, "unknown": 1, "unmet": 2}[status],
            certainty=float(certainty),
            judged=judged,
            unmet_kinds=tuple(v.rule.kind for v in unmet),
            unmet_reasons=tuple(v.reason for v in unmet),
        )
        ctx.eligibility[rule_set] = result
        same_facts[rule_set] = result
        return result

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_shared_eligibility"] = {}  # caches: not worth shipping to Dask workers
        state["_static_cache"] = OrderedDict()
        return state

    def _coverage(self, ctx: _ClientContext, area_set: int) -> bool | None:
        if area_set in ctx.coverage:
            return ctx.coverage[area_set]
        matchers = self.index.area_sets[area_set]
        answer: bool | None = None
        if matchers and ctx.place is not None:
            answers = [m.covers(ctx.place) for m in matchers]
            answer = (
                True
                if any(a is True for a in answers)
                else (False if all(a is False for a in answers) else None)
            )
        ctx.coverage[area_set] = answer
        return answer

    # ------------------------------------------------------------------ needs
    def _need_populations(self, cats: list[tuple[str, float]]) -> frozenset[str]:
        """Populations that asking for these categories implies (for targeting only)."""
        found: frozenset[str] = frozenset()
        for key, _ in cats:
            found |= need_populations(key, self.index.categories)
        return found

    def need_categories(self, need: Need) -> list[tuple[str, float]]:
        """The categories a need is matched against, each with a weight in (0, 1]."""
        categories = self.index.categories
        if not need.is_free_text and need.category in categories:
            return [(need.category, 1.0)]
        from ..needs.classify import match_need_text

        ranked = match_need_text(need.category, categories, limit=3)
        if not ranked:
            return []
        best = ranked[0][1]
        return [(key, score) for key, score in ranked if score >= 0.75 * best]

    def _candidates(
        self, ctx: _ClientContext | None, cats: list[tuple[str, float]], radius_km: float = 0.0
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Member units of the categories and their need fit. With a client place, only units
        in grid cells within reach (and units without coordinates): the geographic block."""
        parts_u, parts_f = [], []
        for key, weight in cats:
            member = self.index.members.get(key)
            if member is None:
                continue
            if ctx is not None and ctx.place is not None:
                pos = member.near(ctx.place.latitude, ctx.place.longitude, radius_km)
                parts_u.append(member.units[pos].astype(np.int64))
                parts_f.append(member.confidence[pos].astype(np.float64) * weight)
            else:
                parts_u.append(member.units.astype(np.int64))
                parts_f.append(member.confidence.astype(np.float64) * weight)
        if not parts_u:
            return np.empty(0, np.int64), np.empty(0)
        if len(parts_u) == 1:
            return parts_u[0], parts_f[0]
        units = np.concatenate(parts_u)
        fit = np.concatenate(parts_f)
        order = np.lexsort((-fit, units))
        units, fit = units[order], fit[order]
        keep = np.r_[True, units[1:] != units[:-1]]
        return units[keep], fit[keep]

    def _unit_codes(
        self, ctx: _ClientContext, units: npt.NDArray[np.int64], fit: FloatArray
    ) -> _Units:
        """Exclusion codes, distance (km, NaN when unknown or remote) and lookups per unit, for
        any units (not only the geographic block): the same two steps as :meth:`_match_need`."""
        return self._client_codes(ctx, self._build_static(ctx, units, fit))

    def _client_codes(self, ctx: _ClientContext, st: _Static) -> _Units:
        """Add what depends on the client's own facts to the place-level codes of ``st``:
        eligibility, travel limit and (if required) language."""
        status_of, certainty_of = self._rule_table(ctx, st.rule_sets, st.present_rules)
        codes = st.codes | np.where(status_of[st.rule_sets] == 2, INELIGIBLE, 0)
        codes |= np.where(st.distance > ctx.max_km, TOO_FAR, 0)  # NaN (remote, unknown) passes
        lang = language_factor(st.lang, st.interp, ctx.lang_mask, ctx.has_languages)
        if self.config.require_language:
            codes |= np.where(lang == 0, LANGUAGE, 0)
        return _Units(
            st.units, st.services, codes, st.distance, st.virtual, st.rule_sets, certainty_of, lang
        )

    def _rule_table(
        self,
        ctx: _ClientContext,
        rule_sets: npt.NDArray[np.int32],
        present: npt.NDArray[np.int64] | None = None,
    ) -> tuple[npt.NDArray[np.int8], FloatArray]:
        n = len(self.index.rule_sets)
        if ctx.rule_status is None:
            ctx.rule_status = np.full(n, -1, dtype=np.int8)
            ctx.rule_certainty = np.ones(n, dtype=np.float64)
        status, certainty = ctx.rule_status, ctx.rule_certainty
        assert certainty is not None
        if present is None:
            present = np.flatnonzero(np.bincount(rule_sets, minlength=n))
        todo = present[status[present] < 0].tolist()
        for r in todo:
            e = self._eligibility(ctx, r)
            status[r], certainty[r] = e.status, e.certainty
        return status, certainty

    def _area_table(
        self, ctx: _ClientContext, area_sets: npt.NDArray[np.int32]
    ) -> npt.NDArray[np.int8]:
        n = len(self.index.area_sets)
        if ctx.area_status is None:
            ctx.area_status = np.full(n, 2, dtype=np.int8)  # 2 = not judged yet
        table = ctx.area_status
        present = np.flatnonzero(np.bincount(area_sets, minlength=n))
        for a in present[table[present] == 2]:
            c = self._coverage(ctx, int(a))
            table[a] = 0 if c is None else (1 if c else -1)
        return table

    # ------------------------------------------------------------------ matching
    def match(
        self, client: ClientProfile, *, limit: int = 5, at: datetime | None = None
    ) -> MatchResult:
        """Rank services for each of ``client``'s needs; at most ``limit`` per need.

        ``at`` is the moment of referral (schedules and validity dates are judged then; default
        now). Needs are ordered immediate first, then by priority.
        """
        ctx = self._context(client, at)
        ordered = _ordered_needs(client)
        results: list[NeedResult] = []
        excluded_parts: list[Callable[[], list[Exclusion]]] = []
        for need in ordered:
            need_result, excluded, _ = self._match_need(ctx, need, limit)
            results.append(need_result)
            excluded_parts.append(excluded)
        log.debug("matched %d needs against %d services", len(results), self.index.n_services)

        def build_exclusions() -> list[Exclusion]:
            return [e for part in excluded_parts for e in part()]

        return MatchResult(
            client.id,
            results,
            build_exclusions,
            consent_to_share_sensitive=bool(client.consent_to_share_sensitive),
        )

    def _match_need(
        self, ctx: _ClientContext, need: Need, limit: int, *, build: bool = True
    ) -> tuple[NeedResult, Callable[[], list[Exclusion]], _NeedDiagnostics]:
        index, config = self.index, self.config
        cats = self.need_categories(need)
        categories = index.categories
        if need.is_free_text:
            label = (
                f"{categories.get(cats[0][0]).label} (from free text)" if cats else "free-text need"
            )
            key = cats[0][0] if cats else "free_text"
        else:
            label = (
                categories.get(need.category).label
                if need.category in categories
                else need.category
            )
            key = need.category
        sensitive = any(categories.is_sensitive(k) for k, _ in cats)
        gravity = next((g for k, _ in cats if (g := categories.gravity_code(k))), None)
        need_mask = population_mask(self._need_populations(cats))
        st = self._static(ctx, cats)
        u = self._client_codes(ctx, st)
        codes, certainty_of, lang = u.codes, u.certainty_of, u.language
        p = np.flatnonzero(codes == 0)
        units = st.units
        p_units, p_services, p_dist = units[p], st.services[p], st.distance[p]
        factors = {
            "need_fit": st.fit[p],
            "distance": distance_factor(
                p_dist,
                st.virtual[p],
                ctx.max_km,
                virtual_score=config.virtual_distance_score,
                unknown_score=config.unknown_distance_score,
            ),
            "eligibility": certainty_of[st.rule_sets[p]],
            "language": lang[p],
            "cost": cost_factor(
                st.free[p], st.sliding[p], st.fee_known[p], st.insurance[p], ctx.insurance
            ),
            "schedule": self._schedule_fit(st.schedule[p], st.has_schedule[p], ctx),
            "capacity": st.capacity_score[p],
            "population": population_factor(
                st.population[p], ctx.has_mask | need_mask, ctx.not_mask & ~need_mask
            ),
        }
        score = np.zeros(len(p))
        for name in FACTORS:
            score += self._weights[name] * factors[name]
        score = np.round(score, 6)
        best = top_k(score, p_dist, st.id_rank[p], p_services, limit)
        matches = (
            ()
            if not build
            else tuple(
                self._make_match(
                    ctx,
                    key,
                    label,
                    need,
                    sensitive,
                    rank,
                    int(p_units[i]),
                    float(score[i]),
                    {name: float(factors[name][i]) for name in FACTORS},
                    float(p_dist[i]),
                    int(u.rule_sets[p[i]]),
                )
                for rank, i in enumerate(best, start=1)
            )
        )
        member_services = sum(index.members[k].n_services for k, _ in cats if k in index.members)
        need_result = NeedResult(
            need=key,
            label=label,
            priority=need.priority,
            urgency=need.urgency,
            sensitive=sensitive,
            categories=tuple(k for k, _ in cats),
            matches=matches,
            candidates=member_services,
            eligible=len(p_services) if index.one_unit_per_service else len(np.unique(p_services)),
            gravity_code=gravity,
            provenance=need.provenance,
        )

        def exclusions() -> list[Exclusion]:
            # every member unit (not only the geographic block); a service is excluded when
            # none of its units passed
            all_units, all_fit = self._candidates(None, cats)
            full = self._unit_codes(ctx, all_units, all_fit)
            passed = set(full.services[full.codes == 0].tolist())
            failing = np.flatnonzero(full.codes != 0)
            nearest: dict[int, tuple[float, int]] = {}
            for i in failing:
                s = int(full.services[i])
                if s in passed:
                    continue
                d = float(full.distance[i])
                d_key = np.inf if np.isnan(d) else d
                if s not in nearest or d_key < nearest[s][0]:
                    nearest[s] = (d_key, int(i))
            return [
                self._exclusion(
                    ctx, key, s, int(full.codes[i]), float(full.distance[i]), float(all_fit[i])
                )
                for s, (_, i) in sorted(nearest.items())
            ]

        diagnostics = _NeedDiagnostics(
            cats=cats,
            near=u,
            passing=p,
            schedule=factors["schedule"],
            capacity=st.capacity[p],
            best=[(str(index.service_ids[p_services[i]]), float(score[i])) for i in best],
        )
        return need_result, exclusions, diagnostics

    def outcomes(self, client: ClientProfile, *, at: datetime | None = None) -> list[NeedOutcome]:
        """For each need (in :meth:`match` order): met or unmet, why, and the best service.

        The best service is :meth:`match`'s first match for the need, by construction.
        """
        ctx = self._context(client, at)
        out = []
        for need in _ordered_needs(client):
            result, _, diag = self._match_need(ctx, need, 1, build=False)
            status, reason = "met", None
            usable = diag.near.language[diag.passing] > 0
            if not diag.best:
                status, reason = "unmet", self._unmet_reason(ctx, diag)
            elif not usable.any():
                status, reason = "unmet", "language"
            elif ctx.avail is not None and not (usable := usable & (diag.schedule > 0)).any():
                status, reason = "unmet", "hours"
            elif not (usable & (diag.capacity != CAPACITY_CODES["full"])).any():
                status, reason = "unmet", "at_capacity"
            best_id, best_score = diag.best[0] if diag.best else (None, None)
            place = ctx.place
            out.append(
                NeedOutcome(
                    need=result.need,
                    priority=need.priority,
                    status=status,
                    reason=reason,
                    best_service_id=best_id,
                    best_score=best_score,
                    nearest_eligible_km=self._nearest_eligible(ctx, diag),
                    eligible_within_reach=result.eligible,
                    county=place.county if place else None,
                    postal_code=place.postal_code if place else None,
                )
            )
        return out

    def _unmet_reason(self, ctx: _ClientContext, diag: _NeedDiagnostics) -> str:
        if not any(k in self.index.members for k, _ in diag.cats):
            return "no_service"
        units, fit = self._candidates(None, diag.cats)
        full = self._unit_codes(ctx, units, fit)
        eligible = (full.codes & (INACTIVE | INELIGIBLE)) == 0
        if not eligible.any():
            return "not_eligible"
        reachable = eligible & ((full.codes & (TOO_FAR | OUT_OF_AREA | NO_REMOTE)) == 0)
        return "out_of_reach" if not reachable.any() else "language"

    def _nearest_eligible(self, ctx: _ClientContext, diag: _NeedDiagnostics) -> float | None:
        """Distance (km) to the nearest eligible physical site, reachable or not."""
        if ctx.place is None:
            return None
        for u in (diag.near, None):
            if u is None:
                units, fit = self._candidates(None, diag.cats)
                u = self._unit_codes(ctx, units, fit)
            eligible = ((u.codes & (INACTIVE | INELIGIBLE)) == 0) & ~np.isnan(u.distance)
            if eligible.any():
                return round(float(u.distance[eligible].min()), 3)
        return None

    def _schedule_fit(
        self, words: npt.NDArray[np.uint64], has: npt.NDArray[np.bool_], ctx: _ClientContext
    ) -> FloatArray:
        """Share of the client's available hours the service is open (1 without windows; 0.5
        when the service's hours are unknown)."""
        if ctx.avail is None:
            return np.where(has, 1.0, 0.5)
        wanted = int(sum(int(w).bit_count() for w in ctx.avail))
        if wanted == 0:
            return np.where(has, 1.0, 0.5)
        overlap = np.bitwise_count(words & ctx.avail[None, :]).sum(axis=1)
        return np.where(has, overlap / wanted, 0.5)

    def _static(self, ctx: _ClientContext, cats: list[tuple[str, float]]) -> _Static:
        """Candidates of a need near the client's place, with everything that does not depend
        on the client's own facts; cached per (categories, place, reach), so clients in the same
        ZIP code share it."""
        radius = max(self.config.max_travel_km, 2.0 ** math.ceil(math.log2(ctx.max_km)))
        key = (tuple(cats), ctx.place, radius, ctx.client.telehealth_ok)
        cached = self._static_cache.get(key)
        if cached is not None:
            self._static_cache.move_to_end(key)
            return cached
        units, fit = self._candidates(ctx, cats, radius)
        st = self._build_static(ctx, units, fit)
        self._static_cache[key] = st
        if len(self._static_cache) > _STATIC_CACHE_SIZE:
            self._static_cache.popitem(last=False)
        return st

    def _build_static(
        self, ctx: _ClientContext, units: npt.NDArray[np.int64], fit: FloatArray
    ) -> _Static:
        """Place-level codes (inactive, out of area, remote refused) and the columns scoring
        reads, for ``units`` whose need fit is ``fit``."""
        index, config = self.index, self.config
        services = index.u_service[units].astype(np.int64)
        fit = np.clip(fit, 0.0, 1.0)
        codes = np.where(fit < config.min_need_fit, WEAK_FIT, 0).astype(np.int64)
        if not config.include_inactive:
            codes |= np.where(index.s_active[services], 0, INACTIVE)
        area_sets = index.s_area_set[services]
        coverage = self._area_table(ctx, area_sets)
        codes |= np.where(coverage[area_sets] == -1, OUT_OF_AREA, 0)
        virtual = index.u_virtual[units]
        if ctx.place is not None:
            distance = haversine_km(
                ctx.place.latitude, ctx.place.longitude, index.u_lat[units], index.u_lon[units]
            )
            distance = np.where(virtual, np.nan, distance)
        else:
            distance = np.full(len(units), np.nan)
        if ctx.client.telehealth_ok is False:
            codes |= np.where(virtual, NO_REMOTE, 0)
        return _Static(
            units=units,
            fit=fit,
            services=services,
            codes=codes,
            distance=distance,
            virtual=virtual,
            rule_sets=index.s_rule_set[services],
            lang=index.s_lang[services],
            interp=index.s_interp[services],
            free=index.s_free[services],
            sliding=index.s_sliding[services],
            fee_known=index.s_fee_known[services],
            insurance=index.s_insurance[services],
            schedule=index.s_schedule[services],
            has_schedule=index.s_has_schedule[services],
            capacity=index.s_capacity[services],
            population=index.s_population[services],
            capacity_score=CAPACITY_SCORES[index.s_capacity[services]],
            id_rank=index.s_id_rank[services],
            present_rules=np.flatnonzero(
                np.bincount(index.s_rule_set[services], minlength=len(index.rule_sets))
            ),
        )

    # ------------------------------------------------------------------ objects
    def _make_match(
        self,
        ctx: _ClientContext,
        need_key: str,
        label: str,
        need: Need,
        sensitive: bool,
        rank: int,
        unit: int,
        score: float,
        values: dict[str, float],
        distance: float,
        rule_set: int,
    ) -> Match:
        index = self.index
        s = int(index.u_service[unit])
        virtual = bool(index.u_virtual[unit])
        elig = self._eligibility(ctx, rule_set)
        details = {
            "need_fit": f"fits {label} (confidence {values['need_fit']:.2f})",
            "distance": _distance_text(virtual, distance, int(index.u_approx[unit])),
            "eligibility": "" if elig.judged else "no eligibility requirements listed",
            "language": self._language_text(ctx, s, values["language"]),
            "cost": _cost_text(index, s, values["cost"]),
            "schedule": _schedule_text(index, s, values["schedule"], ctx.avail is not None),
            "capacity": _CAPACITY_TEXT[int(index.s_capacity[s])],
            "population": population_text(
                _targets(int(index.s_population[s])),
                ctx.has | self._need_populations([(need_key, 1.0)]),
                values["population"],
            ),
        }
        factors = tuple(
            Factor(name=name, value=values[name], weight=self._weights[name], detail=details[name])
            for name in FACTORS
        )
        return Match(
            need=need_key,
            service_id=str(index.service_ids[s]),
            service_name=str(index.service_names[s]),
            organization_name=index.organization_names[s],
            location_id=index.u_location_ids[unit],
            location_name=index.u_location_names[unit],
            distance_km=None if np.isnan(distance) else round(distance, 3),
            virtual=virtual,
            score=score,
            rank=rank,
            factors=factors,
            eligibility=elig.notes,
            schedule=index.schedule_text[s],
            phone=index.phones[s],
            sensitive=sensitive,
            provenance=need.provenance,
        )

    def _language_text(self, ctx: _ClientContext, s: int, value: float) -> str:
        if not ctx.has_languages:
            return "client languages not given"
        if value >= 1.0:
            shared = sorted(
                c
                for c in ctx.languages
                if ctx.lang_mask
                and self.index.s_lang[s] & np.uint64(1 << self.index.languages.get(c, 0))
            )
            names = ", ".join(language_name(c) for c in shared) or "a client language"
            return f"{names} spoken"
        return "interpretation available" if value > 0 else "no shared language listed"

    def _exclusion(
        self, ctx: _ClientContext, need: str, s: int, codes: int, distance: float, fit: float
    ) -> Exclusion:
        names: list[str] = []
        reasons: list[str] = []
        if codes & INACTIVE:
            names.append("inactive")
            reasons.append("service is not active")
        if codes & INELIGIBLE:
            e = self._eligibility(ctx, int(self.index.s_rule_set[s]))
            names.extend(e.unmet_kinds)
            reasons.extend(e.unmet_reasons)
        if codes & TOO_FAR:
            names.append("too_far")
            reasons.append(f"nearest site {distance:.1f} km away, beyond {ctx.max_km:g} km")
        if codes & OUT_OF_AREA:
            names.append("out_of_area")
            reasons.append("service area does not cover the client's location")
        if codes & NO_REMOTE:
            names.append("no_remote")
            reasons.append("remote-only service, and the client does not accept remote services")
        if codes & LANGUAGE:
            names.append("language")
            reasons.append("no shared language and no interpretation")
        if codes & WEAK_FIT:
            names.append("weak_fit")
            reasons.append(
                f"weak fit: mentions {self.index.categories.get(need).label if need in self.index.categories else need}"
                f" but is not mainly about it (relevance {fit:.2f} < {self.config.min_need_fit:g})"
            )
        return Exclusion(
            need=need,
            service_id=str(self.index.service_ids[s]),
            service_name=str(self.index.service_names[s]),
            codes=tuple(names),
            reasons=tuple(reasons),
        )


@lru_cache(maxsize=4096)
def _area_matcher(area: str) -> AreaMatcher:
    """The parsed form of a residency rule's area text (what ``geo.area_covers`` builds)."""
    return AreaMatcher(area, None, None, None)


UNKNOWN_RULE_VALUE = 0.5
"""Eligibility factor share of a rule the profile cannot judge (met 1, unknown this)."""


def _eligibility_factor(verdicts: Sequence[Verdict]) -> float:
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


def _ordered_needs(client: ClientProfile) -> list[Need]:
    """Needs in matching order: immediate first, then by priority, then as given."""
    ordered = sorted(
        enumerate(client.needs), key=lambda p: (_URGENCY_ORDER[p[1].urgency], p[1].priority, p[0])
    )
    return [need for _, need in ordered]


def _targets(mask: int) -> frozenset[str]:
    return frozenset(k for i, k in enumerate(POPULATIONS) if mask >> i & 1)


def _distance_text(virtual: bool, distance: float, approx: int) -> str:
    if virtual:
        return "available remotely (phone/online)"
    if np.isnan(distance):
        return "distance unknown"
    if approx == APPROX_POSTAL_CODE:
        return f"about {distance:.0f} km (ZIP centroid; the service has no map point)"
    if approx == APPROX_CITY:
        return f"about {distance:.0f} km (city centroid; the service has no map point)"
    return f"{distance:.1f} km away"


def _cost_text(index: DirectoryIndex, s: int, value: float) -> str:
    if index.s_free[s]:
        return "free"
    if value >= 0.9:
        return "accepts the client's insurance"
    if index.s_sliding[s]:
        return "sliding-scale fees"
    return "fees apply" if index.s_fee_known[s] else "cost unknown"


def _schedule_text(index: DirectoryIndex, s: int, value: float, has_windows: bool) -> str:
    hours = index.schedule_text[s]
    if not index.s_has_schedule[s]:
        return "hours unknown"
    if has_windows:
        return f"{hours}; open during {value:.0%} of the client's available hours"
    return str(hours)
