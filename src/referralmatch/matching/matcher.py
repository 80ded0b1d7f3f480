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
        self, cats: list[tuple[str, float]]
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        index = self.index
        parts_u, parts_f = [], []
        for key, weight in cats:
            member = index.members.get(key)
            if member is not None:
                parts_u.append(member[0].astype(np.int64))
                parts_f.append(member[1].astype(np.float64) * weight)
        if not parts_u:
            return np.empty(0, np.int64), np.empty(0)
        units = np.concatenate(parts_u)
        fit = np.concatenate(parts_f)
        if len(parts_u) > 1:
            order = np.lexsort((-fit, units))
            units, fit = units[order], fit[order]
            keep = np.r_[True, units[1:] != units[:-1]]
            units, fit = units[keep], fit[keep]
        return units, fit

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
        excluded_parts: list[
            tuple[str, npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]
        ] = []
        for _, need in ordered:
            need_result, excluded = self._match_need(ctx, need, limit)
            results.append(need_result)
            excluded_parts.append(excluded)
        log.debug("matched %d needs against %d services", len(results), self.index.n_services)

        def build_exclusions() -> list[Exclusion]:
            out: list[Exclusion] = []
            for need_key, services, codes, distances in excluded_parts:
                out.extend(
                    self._exclusion(ctx, need_key, int(s), int(c), float(d))
                    for s, c, d in zip(services, codes, distances, strict=True)
                )
            return out

        return MatchResult(
            client.id,
            results,
            build_exclusions,
            consent_to_share_sensitive=bool(client.consent_to_share_sensitive),
        )

    def _match_need(
        self, ctx: _ClientContext, need: Need, limit: int
    ) -> tuple[NeedResult, tuple[str, npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]]:
        index, config = self.index, self.config
        cats = self.need_categories(need)
        categories = index.categories
        label = (
            categories.get(need.category).label
            if not need.is_free_text and need.category in categories
            else need.category
        )
        if need.is_free_text:
            label = (
                "free-text need"
                if not cats
                else f"{categories.get(cats[0][0]).label} (from free text)"
            )
        sensitive = any(categories.is_sensitive(k) for k, _ in cats)
        gravity = next(
            (categories.gravity_code(k) for k, _ in cats if categories.gravity_code(k)), None
        )
        units, fit = self._candidates(cats)
        services = index.u_service[units].astype(np.int64)

        codes = np.zeros(len(units), dtype=np.int64)
        if not config.include_inactive:
            codes |= np.where(index.s_active[services], 0, INACTIVE)
        rule_sets = index.s_rule_set[services]
        uniq_rules = np.unique(rule_sets)
        status_of = np.zeros(len(index.rule_sets), dtype=np.int8)
        certainty_of = np.ones(len(index.rule_sets), dtype=np.float64)
        for r in uniq_rules:
            e = self._eligibility(ctx, int(r))
            status_of[r], certainty_of[r] = e.status, e.certainty
        codes |= np.where(status_of[rule_sets] == 2, INELIGIBLE, 0)

        area_sets = index.s_area_set[services]
        coverage = np.zeros(len(index.area_sets), dtype=np.int8)  # 1 covered, 0 unknown, -1 not
        for a in np.unique(area_sets):
            c = self._coverage(ctx, int(a))
            coverage[a] = 0 if c is None else (1 if c else -1)
        cov = coverage[area_sets]
        virtual = index.u_virtual[units]
        lat, lon = index.u_lat[units], index.u_lon[units]
        if ctx.place is not None:
            distance = haversine_km(ctx.place.latitude, ctx.place.longitude, lat, lon)
        else:
            distance = np.full(len(units), np.nan)
        distance = np.where(virtual, np.nan, distance)
        codes |= np.where(cov == -1, OUT_OF_AREA, 0)
        codes |= np.where(~virtual & (distance > ctx.max_km), TOO_FAR, 0)
        if ctx.client.telehealth_ok is False:
            codes |= np.where(virtual, NO_REMOTE, 0)
        lang = language_factor(
            index.s_lang[services], index.s_interp[services], ctx.lang_mask, ctx.has_languages
        )
        if config.require_language:
            codes |= np.where(lang == 0, LANGUAGE, 0)

        ok = codes == 0
        w = self._weights
        p_units, p_services, p_dist = units[ok], services[ok], distance[ok]
        factors = {
            "need_fit": np.clip(fit[ok], 0.0, 1.0),
            "distance": distance_factor(
                p_dist,
                virtual[ok],
                ctx.max_km,
                virtual_score=config.virtual_distance_score,
                unknown_score=config.unknown_distance_score,
            ),
            "eligibility": certainty_of[rule_sets[ok]],
            "language": lang[ok],
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
        score = np.zeros(len(p_units))
        for name in FACTORS:
            score += w[name] * factors[name]
        score = np.round(score, 6)
        best = top_k(score, p_dist, index.s_id_rank[p_services], p_services, limit)
        matches = tuple(
            self._make_match(
                ctx,
                need,
                label,
                sensitive,
                rank,
                int(p_units[i]),
                float(score[i]),
                {name: float(factors[name][i]) for name in FACTORS},
                float(p_dist[i]),
                int(rule_sets[ok][i]),
            )
            for rank, i in enumerate(best, start=1)
        )
        # a service is excluded only when none of its units passed
        passed = np.zeros(index.n_services, dtype=np.bool_)
        passed[p_services] = True
        failing = ~ok & ~passed[services]
        f_services, f_codes, f_dist = services[failing], codes[failing], distance[failing]
        if len(f_services):
            order = np.lexsort((np.where(np.isnan(f_dist), np.inf, f_dist), f_services))
            f_services, f_codes, f_dist = f_services[order], f_codes[order], f_dist[order]
            keep = np.r_[True, f_services[1:] != f_services[:-1]]
            f_services, f_codes, f_dist = f_services[keep], f_codes[keep], f_dist[keep]
        need_result = NeedResult(
            need=need.category if not need.is_free_text else (cats[0][0] if cats else "free_text"),
            label=label,
            priority=need.priority,
            urgency=need.urgency,
            sensitive=sensitive,
            categories=tuple(k for k, _ in cats),
            matches=matches,
            candidates=len(np.unique(services)),
            gravity_code=gravity,
            provenance=need.provenance,
        )
        return need_result, (need_result.need, f_services, f_codes, f_dist)

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
        need: Need,
        label: str,
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
            need=need.category if not need.is_free_text else label,
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
