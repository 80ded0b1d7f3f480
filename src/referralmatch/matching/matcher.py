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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..eligibility import evaluate, summarize
from ..geo import Geocoder, OfflineGeocoder, ResolvedPlace, haversine_km
from ..io.normalize import language_name
from ..models.results import EligibilityNote, Exclusion, Factor, Match, MatchResult, NeedResult
from ..schedule import availability_mask, pack_week_masks
from .config import FACTORS, MatchConfig
from .facts import insurance_kinds
from .index import DirectoryIndex, insurance_bits
from .scoring import CAPACITY_SCORES, cost_factor, distance_factor, language_factor, top_k

if TYPE_CHECKING:
    from ..directory import Directory
    from ..models.client import ClientProfile
    from ..models.need import Need
    from ..needs.categories import NeedCategories

__all__ = ["Matcher", "ReachCode"]

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

# Reach and status exclusion codes (bit flags per unit).
INACTIVE, TOO_FAR, OUT_OF_AREA, NO_REMOTE, LANGUAGE, INELIGIBLE = 1, 2, 4, 8, 16, 32
ReachCode = int
_CODE_NAMES = {
    INACTIVE: "inactive",
    TOO_FAR: "too_far",
    OUT_OF_AREA: "out_of_area",
    NO_REMOTE: "no_remote",
    LANGUAGE: "language",
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
    notes: tuple[EligibilityNote, ...]
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
    on: date
    eligibility: dict[int, _Eligibility] = field(default_factory=dict)
    coverage: dict[int, bool | None] = field(default_factory=dict)
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
            self.index = DirectoryIndex.build(
                directory, categories=categories, min_confidence=self.config.min_need_fit
            )
        self.geocoder: Geocoder = geocoder or OfflineGeocoder()
        self._weights = self.config.weights()

    def __repr__(self) -> str:
        return f"Matcher({self.index.n_services} services, {self.index.n_units} units)"

    # ------------------------------------------------------------------ client context
    def _context(self, client: ClientProfile, at: datetime | None) -> _ClientContext:
        place = self.geocoder.resolve(client.location) if client.location is not None else None
        languages = frozenset(client.languages or ())
        avail = None
        if client.availability:
            avail = pack_week_masks(availability_mask(client.availability))[0]
        return _ClientContext(
            client=client,
            place=place,
            max_km=float(client.max_travel_km or self.config.max_travel_km),
            lang_mask=self.index.language_mask(languages),
            has_languages=bool(languages),
            languages=languages,
            insurance=insurance_bits(insurance_kinds(client.insurance or ())),
            avail=avail,
            on=(at.date() if at else date.today()),
        )

    def _eligibility(self, ctx: _ClientContext, rule_set: int) -> _Eligibility:
        cached = ctx.eligibility.get(rule_set)
        if cached is not None:
            return cached
        rules = self.index.rule_sets[rule_set]
        place = ctx.place

        def covered(area: str) -> bool | None:
            if place is None:
                return None
            from ..geo import area_covers

            return area_covers(area, None, None, None, place)

        verdicts = evaluate(
            list(rules), ctx.client, year=self.config.poverty_year, on=ctx.on, area_covered=covered
        )
        status, certainty = summarize(verdicts)
        notes = tuple(
            EligibilityNote(kind=v.rule.kind, status=v.status, reason=v.reason)
            for v in verdicts
            if v.rule.kind != "none"
        )
        unmet = [v for v in verdicts if v.status == "unmet"]
        result = _Eligibility(
            status={"met": 0, "unknown": 1, "unmet": 2}[status],
            certainty=float(certainty),
            notes=notes,
            unmet_kinds=tuple(v.rule.kind for v in unmet),
            unmet_reasons=tuple(v.reason for v in unmet),
        )
        ctx.eligibility[rule_set] = result
        return result

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
        self, ctx: _ClientContext | None, cats: list[tuple[str, float]]
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Member units of the categories and their need fit. With a client place, only units
        in grid cells within reach (and units without coordinates): the geographic block."""
        parts_u, parts_f = [], []
        for key, weight in cats:
            member = self.index.members.get(key)
            if member is None:
                continue
            if ctx is not None and ctx.place is not None:
                pos = member.near(ctx.place.latitude, ctx.place.longitude, ctx.max_km)
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

    def _unit_codes(self, ctx: _ClientContext, units: npt.NDArray[np.int64]) -> _Units:
        """Exclusion codes, distance (km, NaN when unknown or remote) and lookups per unit."""
        index = self.index
        services = index.u_service[units].astype(np.int64)
        codes = np.zeros(len(units), dtype=np.int64)
        if not self.config.include_inactive:
            codes |= np.where(index.s_active[services], 0, INACTIVE)
        rule_sets = index.s_rule_set[services]
        status_of, certainty_of = self._rule_table(ctx, rule_sets)
        codes |= np.where(status_of[rule_sets] == 2, INELIGIBLE, 0)
        area_sets = index.s_area_set[services]
        coverage = self._area_table(ctx, area_sets)
        codes |= np.where(coverage[area_sets] == -1, OUT_OF_AREA, 0)
        virtual = index.u_virtual[units]
        if ctx.place is not None:
            distance = haversine_km(
                ctx.place.latitude, ctx.place.longitude, index.u_lat[units], index.u_lon[units]
            )
            distance = np.where(virtual, np.nan, distance)
            codes |= np.where(~virtual & (distance > ctx.max_km), TOO_FAR, 0)
        else:
            distance = np.full(len(units), np.nan)
        if ctx.client.telehealth_ok is False:
            codes |= np.where(virtual, NO_REMOTE, 0)
        lang = language_factor(
            index.s_lang[services], index.s_interp[services], ctx.lang_mask, ctx.has_languages
        )
        if self.config.require_language:
            codes |= np.where(lang == 0, LANGUAGE, 0)
        return _Units(units, services, codes, distance, virtual, rule_sets, certainty_of, lang)

    def _rule_table(
        self, ctx: _ClientContext, rule_sets: npt.NDArray[np.int32]
    ) -> tuple[npt.NDArray[np.int8], FloatArray]:
        n = len(self.index.rule_sets)
        if ctx.rule_status is None:
            ctx.rule_status = np.full(n, -1, dtype=np.int8)
            ctx.rule_certainty = np.ones(n, dtype=np.float64)
        status, certainty = ctx.rule_status, ctx.rule_certainty
        assert certainty is not None
        present = np.flatnonzero(np.bincount(rule_sets, minlength=n))
        for r in present[status[present] < 0]:
            e = self._eligibility(ctx, int(r))
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
        ordered = sorted(
            enumerate(client.needs),
            key=lambda p: (_URGENCY_ORDER[p[1].urgency], p[1].priority, p[0]),
        )
        results: list[NeedResult] = []
        excluded_parts: list[Callable[[], list[Exclusion]]] = []
        for _, need in ordered:
            need_result, excluded = self._match_need(ctx, need, limit)
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
        self, ctx: _ClientContext, need: Need, limit: int
    ) -> tuple[NeedResult, Callable[[], list[Exclusion]]]:
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
        units, fit = self._candidates(ctx, cats)
        u = self._unit_codes(ctx, units)
        ok = u.codes == 0
        p = np.flatnonzero(ok)
        p_units, p_services, p_dist = units[p], u.services[p], u.distance[p]
        factors = {
            "need_fit": np.clip(fit[p], 0.0, 1.0),
            "distance": distance_factor(
                p_dist,
                u.virtual[p],
                ctx.max_km,
                virtual_score=config.virtual_distance_score,
                unknown_score=config.unknown_distance_score,
            ),
            "eligibility": u.certainty_of[u.rule_sets[p]],
            "language": u.language[p],
            "cost": cost_factor(
                index.s_free[p_services],
                index.s_sliding[p_services],
                index.s_fee_known[p_services],
                index.s_insurance[p_services],
                ctx.insurance,
            ),
            "schedule": self._schedule_fit(ctx, p_services),
            "capacity": CAPACITY_SCORES[index.s_capacity[p_services]],
        }
        score = np.zeros(len(p))
        for name in FACTORS:
            score += self._weights[name] * factors[name]
        score = np.round(score, 6)
        best = top_k(score, p_dist, index.s_id_rank[p_services], p_services, limit)
        matches = tuple(
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
            eligible=len(np.unique(p_services))
            if len(p_services) < 4096
            else int(np.count_nonzero(np.bincount(p_services))),
            gravity_code=gravity,
            provenance=need.provenance,
        )

        def exclusions() -> list[Exclusion]:
            # every member unit (not only the geographic block); a service is excluded when
            # none of its units passed
            all_units, _ = self._candidates(None, cats)
            full = self._unit_codes(ctx, all_units)
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
                self._exclusion(ctx, key, s, int(full.codes[i]), float(full.distance[i]))
                for s, (_, i) in sorted(nearest.items())
            ]

        return need_result, exclusions

    def _schedule_fit(self, ctx: _ClientContext, services: npt.NDArray[np.int64]) -> FloatArray:
        has = self.index.s_has_schedule[services]
        if ctx.avail is None:
            return np.where(has, 1.0, 0.5)
        wanted = int(sum(int(w).bit_count() for w in ctx.avail))
        if wanted == 0:
            return np.where(has, 1.0, 0.5)
        overlap = np.bitwise_count(self.index.s_schedule[services] & ctx.avail[None, :]).sum(axis=1)
        return np.where(has, overlap / wanted, 0.5)

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
            "distance": (
                "available remotely (phone/online)"
                if virtual
                else "distance unknown"
                if np.isnan(distance)
                else f"{distance:.1f} km away"
            ),
            "eligibility": "" if elig.notes else "no eligibility requirements listed",
            "language": self._language_text(ctx, s, values["language"]),
            "cost": _cost_text(index, s, values["cost"]),
            "schedule": _schedule_text(index, s, values["schedule"], ctx.avail is not None),
            "capacity": _CAPACITY_TEXT[int(index.s_capacity[s])],
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
        self, ctx: _ClientContext, need: str, s: int, codes: int, distance: float
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
        return Exclusion(
            need=need,
            service_id=str(self.index.service_ids[s]),
            service_name=str(self.index.service_names[s]),
            codes=tuple(names),
            reasons=tuple(reasons),
        )


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
