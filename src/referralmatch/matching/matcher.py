"""Matcher: the thin pipeline that ranks a directory's services for one client's needs.

Per need: take the categories' member units near the client (:mod:`.candidates`), rule out with
reasons what is inactive, a weak fit, ineligible or out of reach (:mod:`.filters`), score the
rest on named factors (:mod:`.factors`), keep each service's best unit and take the top
``limit`` (:mod:`.rank`), and turn factors and exclusions into words (:mod:`.explain`). All
steps are numpy passes over the candidate units; eligibility is judged once per distinct rule
set, service areas once per distinct area set.

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..directory import Directory as DirectoryType
from ..errors import ConfigurationError
from ..geo import Geocoder, OfflineGeocoder, resolve_place
from ..io.normalize import language_affinity
from ..models.results import Exclusion, Factor, Match, MatchResult, NeedResult
from ..needs.fallbacks import FALLBACK_CATEGORIES, fallbacks_for
from ..schedule import availability_mask, pack_week_masks
from . import explain
from .candidates import candidates, need_categories
from .config import FACTORS, MatchConfig
from .contact import CONTACT_NAMES, REACH_REMOTE
from .context import (
    INACTIVE,
    INELIGIBLE,
    NO_COVERAGE,
    NO_REMOTE,
    OUT_OF_AREA,
    TOO_FAR,
    UNAFFORDABLE,
    WEAK_FIT,
    ClientContext,
    FloatArray,
    IntArray,
    PlaceColumns,
    UnitCodes,
)
from .factors.access import CAPACITY_CODES, CAPACITY_SCORES, low_income_client
from .factors.population import (
    broad_populations,
    client_populations,
    need_populations,
    peer_need,
    peer_populations,
    population_keys,
    population_mask,
    required_populations,
    situation_known,
)
from .factors.reach import distance_factor
from .factors.tables import FactorTables
from .facts import insurance_kinds, insurer_keys
from .filters import Filters, eligibility_profile
from .index import DirectoryIndex, insurance_bits
from .moment import hours_until_open
from .rank import top_k, weighted_score

if TYPE_CHECKING:
    from ..directory import Directory
    from ..models.client import ClientProfile
    from ..models.need import Need
    from ..needs.categories import NeedCategories

__all__ = ["Matcher", "NeedOutcome", "ReachCode", "client_languages", "related_languages"]

log = logging.getLogger(__name__)

ReachCode = int
"""An exclusion code: bit flags of :mod:`referralmatch.matching.context`."""

_URGENCY_ORDER = {"immediate": 0, "urgent": 1, "soon": 2, "routine": 3}
_PLACE_CACHE_SIZE = 128
_MOMENT_CACHE_SIZE = 4096
_FACTOR_CACHE_SIZE = 16_384


@dataclass
class _NeedDiagnostics:
    cats: list[tuple[str, float]]
    near: UnitCodes
    passing: IntArray
    schedule: FloatArray
    capacity: np.ndarray[Any, np.dtype[np.uint8]]
    language: FloatArray
    best: list[tuple[str, float]]


@dataclass(frozen=True)
class NeedOutcome:
    """Whether one need of one client can be met, and if not, why (used by gap analysis).

    ``status`` is ``"met"`` when at least one eligible service within reach speaks a client
    language (or offers interpretation), is open when the client is available and is not full.
    Otherwise ``reason`` says which test failed first: ``no_service`` (nothing in the directory
    fits the need), ``weak_fit`` (only services that mention it in passing), ``not_eligible``,
    ``out_of_reach``, ``language``, ``hours`` or ``at_capacity``. ``status`` is
    ``"location_unknown"`` (no reason) when the client gave a location that could not be
    resolved and the need would otherwise be met or out of reach: reach cannot be judged.
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


class Matcher:
    """Ranks services for clients. Builds the columnar index once (see :class:`DirectoryIndex`).

    Args:
        directory: a loaded Directory, an already built DirectoryIndex, or a path that
            :func:`~referralmatch.load_directory` reads.
        config: weights and defaults (:class:`MatchConfig`).
        geocoder: resolves client places; the default :class:`~referralmatch.geo.OfflineGeocoder`
            makes no network call.
        categories: the need-category registry (default: the packaged one).
    """

    def __init__(
        self,
        directory: Directory | DirectoryIndex | str | PathLike[str],
        *,
        config: MatchConfig | None = None,
        geocoder: Geocoder | None = None,
        categories: NeedCategories | None = None,
    ) -> None:
        self.config = config or MatchConfig()
        if isinstance(directory, str | PathLike):
            from ..io.loader import load_directory

            directory = load_directory(Path(directory))
        if isinstance(directory, DirectoryIndex):
            self.index = directory
        elif not isinstance(directory, DirectoryType):
            raise ConfigurationError(
                "Matcher needs a Directory (see load_directory), a DirectoryIndex or a path to a "
                f"directory, not a {type(directory).__name__}"
            )
        else:
            self.index = DirectoryIndex.build(
                directory, categories=categories, default_language=self.config.default_language
            )
        self.geocoder: Geocoder = geocoder or OfflineGeocoder()
        self._weights = {known: self.config.weights(situation_known=known) for known in (False, True)}
        self.filters = Filters(self.index, self.config)
        self._tables = FactorTables(self.index)
        self._place_cache: OrderedDict[tuple[Any, ...], PlaceColumns] = OrderedDict()
        self._need_pops: dict[tuple[str, ...], frozenset[str]] = {}
        # (schedule set, moment) -> (open then, next opening), for the returned matches
        self._moment_cache: OrderedDict[tuple[int, datetime], tuple[bool | None, Any]] = OrderedDict()
        # (name, value, detail) -> the frozen Factor, shared by every match that has it
        self._factor_cache: dict[tuple[str, float, float, str], Factor] = {}

    def __repr__(self) -> str:
        return f"Matcher({self.index.n_services} services, {self.index.n_units} units)"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["filters"] = Filters(self.index, self.config)  # caches: not worth shipping
        state["_tables"] = FactorTables(self.index)
        state["_place_cache"] = OrderedDict()
        state["_moment_cache"] = OrderedDict()
        state["_factor_cache"] = {}
        return state

    # ------------------------------------------------------------------ client context
    def _context(self, client: ClientProfile, at: datetime | None) -> ClientContext:
        resolution = (
            resolve_place(self.geocoder, client.location) if client.location is not None else None
        )
        place = resolution.place if resolution is not None else None
        languages = client_languages(client)
        avail = None
        if client.availability:
            avail = pack_week_masks(availability_mask(client.availability))[0]
        on = at.date() if at else date.today()
        has, not_has = client_populations(client, on)
        kinds = insurance_kinds(client.insurance or ())
        insurers = insurer_keys(client.insurance or ())
        judged_on = eligibility_profile(client, on)
        return ClientContext(
            client=client,
            eligibility_client=judged_on,
            place=place,
            max_km=float(client.max_travel_km or self.config.max_travel_km),
            lang_mask=self.index.language_mask(languages),
            related_mask=self.index.language_mask(related_languages(languages, self.index.languages)),
            has_languages=bool(languages),
            languages=languages,
            insurance=insurance_bits(kinds),
            uninsured=tuple(client.insurance or ()) == ("uninsured",),
            blocked_plans=self.filters.blocked_plans(client, insurers, kinds),
            avail=avail,
            has=has,
            not_has=not_has,
            has_mask=population_mask(has),
            not_mask=population_mask(not_has),
            peer_mask=population_mask(peer_populations(client, on)),
            broad_mask=population_mask(broad_populations(client, on)),
            on=on,
            weights=self._weights[situation_known(client, on)],
            at=at,
            warnings=resolution.warnings if resolution is not None else (),
            location_unresolved=resolution is not None and place is None,
            low_income=low_income_client(client, self.config.poverty_year),
        )

    def need_categories(self, need: Need, situations: Iterable[str] = ()) -> list[tuple[str, float]]:
        """The categories a need is matched against, each with a weight in (0, 1], for a
        client in these (settled) situations."""
        return need_categories(need, self.index.categories, situations)

    def _need_populations(self, cats: list[tuple[str, float]]) -> frozenset[str]:
        """Populations that asking for these categories implies (for targeting only)."""
        key = tuple(k for k, _ in cats)
        found = self._need_pops.get(key)
        if found is None:
            found = frozenset().union(*(need_populations(k, self.index.categories) for k in key))
            self._need_pops[key] = found
        return found

    def _near(self, ctx: ClientContext, cats: list[tuple[str, float]]) -> PlaceColumns:
        """Candidates of a need near the client's place with their place-level columns; cached
        per (categories, place, reach), so clients in the same ZIP code share it."""
        radius = max(self.config.max_travel_km, 2.0 ** math.ceil(math.log2(ctx.max_km)))
        key = (tuple(cats), ctx.place, radius, ctx.client.telehealth_ok)
        cached = self._place_cache.get(key)
        if cached is not None:
            self._place_cache.move_to_end(key)
            return cached
        units, fit, evidence, programme = candidates(self.index, ctx.place, cats, radius)
        st = self.filters.place_columns(ctx, units, fit, evidence, programme)
        self._place_cache[key] = st
        if len(self._place_cache) > _PLACE_CACHE_SIZE:
            self._place_cache.popitem(last=False)
        return st

    def _everywhere(self, ctx: ClientContext, cats: list[tuple[str, float]]) -> tuple[PlaceColumns, UnitCodes]:
        """Every member unit of the categories (not only the geographic block), with codes."""
        units, fit, evidence, programme = candidates(self.index, None, cats)
        st = self.filters.place_columns(ctx, units, fit, evidence, programme)
        return st, self.filters.client_codes(ctx, st)

    # ------------------------------------------------------------------ matching
    def match(
        self,
        client: ClientProfile | Mapping[str, Any],
        *,
        limit: int = 5,
        at: datetime | str | None = None,
    ) -> MatchResult:
        """Rank services for each of ``client``'s needs; at most ``limit`` per need.

        ``at`` is the moment of referral: schedules are judged then (a service closed then
        ranks lower the longer it stays closed, see
        :func:`~referralmatch.matching.factors.access.soon_one`; one past its ``valid_to`` or in
        a whole-day closure is closed) and each match says whether it is open then and when it
        next opens. Without ``at`` schedules are judged by their weekly hours only (results
        do not depend on the clock) and ``open_now``/``next_open`` are None; eligibility ages
        are judged on ``at``'s date, else today. Needs are ordered immediate first, then by
        priority. Crisis and safety needs are always answered: with the directory's reachable
        services, else with the built-in national lines (``NeedResult.fallbacks``), which are
        also listed after the matches of an immediate one. ``MatchResult.warnings`` says what
        of the client's place could not be read.

        ``client`` may also be a mapping of profile fields; ``at`` an ISO 8601 string;
        ``limit`` must be a whole number of 1 or more. Anything else raises
        :class:`~referralmatch.errors.ConfigurationError` (a bad profile raises
        :class:`~referralmatch.errors.ClientValidationError`), naming the argument, never the
        client's values.
        """
        client, at = _client_argument(client), _moment_argument(at)
        limit = _limit_argument(limit)
        ctx = self._context(client, at)
        results: list[NeedResult] = []
        excluded_parts: list[Callable[[], list[Exclusion]]] = []
        for need in _ordered_needs(client):
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
            warnings=ctx.warnings,
            at=at,
        )

    def _label(self, need: Need, cats: list[tuple[str, float]]) -> tuple[str, str]:
        """(key, label) under which a need's results are reported."""
        categories = self.index.categories
        if need.is_free_text:
            if not cats:
                return "free_text", "free-text need"
            return cats[0][0], f"{categories.get(cats[0][0]).label} (from free text)"
        if need.category in categories:
            return need.category, categories.get(need.category).label
        return need.category, need.category

    def _factors(
        self,
        ctx: ClientContext,
        st: PlaceColumns,
        u: UnitCodes,
        p: IntArray,
        need_mask: int,
        has_mask: int,
        required_mask: int = 0,
    ) -> dict[str, FloatArray]:
        """Every named factor (0-1) of the passing units ``p``; ``has_mask`` is the client's
        populations for this need (``ClientContext.peer_mask`` for a peer group),
        ``required_mask`` those one of which a service must be aimed at
        (:func:`~.factors.population.required_populations`)."""
        config, index, tables = self.config, self.index, self._tables
        sp = st.services[p]  # the service columns are read for the passing units only
        fit = st.fit[p]
        if st.programme is not None:  # a programme the client is known to fail: a weaker fit
            fit = fit * self.filters.programme_fit(ctx, st.programme[p])
        return {
            "need_fit": fit,
            "population": tables.population(
                sp, has_mask | need_mask, ctx.not_mask & ~need_mask, required_mask, ctx.broad_mask
            ),
            "distance": distance_factor(
                # beyond the limit but in the service's own area (a centroid position): unknown
                np.where(st.in_area[p] & (st.distance[p] > ctx.max_km), np.nan, st.distance[p]),
                st.virtual[p],
                ctx.max_km,
                virtual_score=config.virtual_distance_score,
                unknown_score=config.unknown_distance_score,
            ),
            "eligibility": u.certainty_of[st.rule_sets[p]],
            "language": (
                u.language[p]
                if u.language is not None
                else tables.language(sp, ctx.lang_mask, ctx.has_languages, ctx.related_mask)
            ),
            "cost": tables.cost(sp, ctx.insurance),
            "schedule": tables.schedule(
                sp, ctx.avail, None if ctx.at is None else hours_until_open(index, sp, ctx.at)
            ),
            "capacity": CAPACITY_SCORES[index.s_capacity[sp]],
        }

    def _match_need(
        self, ctx: ClientContext, need: Need, limit: int, *, build: bool = True
    ) -> tuple[NeedResult, Callable[[], list[Exclusion]], _NeedDiagnostics]:
        index = self.index
        categories = index.categories
        cats = self.need_categories(need, ctx.client.settled_situations(ctx.on))
        key, label = self._label(need, cats)
        sensitive = any(categories.is_sensitive(k) for k, _ in cats)
        gravity = next((g for k, _ in cats if (g := categories.gravity_code(k))), None)
        need_has = self._need_populations(cats)
        st = self._near(ctx, cats)
        u = self.filters.client_codes(ctx, st)
        p = np.flatnonzero(u.codes == 0)
        p_services = st.services[p]
        peer = peer_need(cats, categories)
        has_mask = ctx.peer_mask if peer else ctx.has_mask
        client_has = population_keys(has_mask) if peer else ctx.has
        required = required_populations(ctx.client, cats, categories, ctx.on)
        factors = self._factors(
            ctx, st, u, p, population_mask(need_has), has_mask, population_mask(required)
        )
        score = weighted_score(factors, ctx.weights)
        best = top_k(score, st.distance[p], index.s_id_rank[p_services], p_services, limit)
        matches: tuple[Match, ...] = ()
        if build:
            matches = tuple(
                self._make_match(
                    ctx,
                    key,
                    label,
                    need,
                    sensitive,
                    rank,
                    st,
                    int(p[i]),
                    float(score[i]),
                    {name: float(factors[name][i]) for name in FACTORS},
                    need_has,
                    client_has,
                    required,
                )
                for rank, i in enumerate(best, start=1)
            )
        member_services = sum(index.members[k].n_services for k, _ in cats if k in index.members)
        fallbacks, fallback_note = _fallbacks(need, cats, bool(len(best)))
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
            fallbacks=fallbacks,
            fallback_note=fallback_note,
        )

        def exclusions() -> list[Exclusion]:
            # every member unit; a service is excluded when none of its units passed
            full_st, full = self._everywhere(ctx, cats)
            passed = set(full.services[full.codes == 0].tolist())
            nearest: dict[int, tuple[float, int]] = {}
            for i in np.flatnonzero(full.codes != 0).tolist():
                s = int(full.services[i])
                if s in passed:
                    continue
                d = float(full.distance[i])
                d_key = np.inf if np.isnan(d) else d
                if s not in nearest or d_key < nearest[s][0]:
                    nearest[s] = (d_key, i)
            return [
                self._exclusion(ctx, key, label, s, full_st, full, i)
                for s, (_, i) in sorted(nearest.items())
            ]

        diagnostics = _NeedDiagnostics(
            cats=cats,
            near=u,
            passing=p,
            schedule=factors["schedule"],
            capacity=index.s_capacity[p_services],
            language=factors["language"],
            best=[(str(index.service_ids[p_services[i]]), float(score[i])) for i in best],
        )
        return need_result, exclusions, diagnostics

    # ------------------------------------------------------------------ gap analysis
    def outcomes(self, client: ClientProfile, *, at: datetime | None = None) -> list[NeedOutcome]:
        """For each need (in :meth:`match` order): met or unmet, why, and the best service.

        The best service is :meth:`match`'s first match for the need, by construction.
        """
        ctx = self._context(client, at)
        out = []
        for need in _ordered_needs(client):
            result, _, diag = self._match_need(ctx, need, 1, build=False)
            status, reason = "met", None
            usable = diag.language > 0
            if not diag.best:
                status, reason = "unmet", self._unmet_reason(ctx, diag)
            elif not usable.any():
                status, reason = "unmet", "language"
            elif ctx.avail is not None and not (usable := usable & (diag.schedule > 0)).any():
                status, reason = "unmet", "hours"
            elif not (usable & (diag.capacity != CAPACITY_CODES["full"])).any():
                status, reason = "unmet", "at_capacity"
            if ctx.location_unresolved and (status == "met" or reason == "out_of_reach"):
                # reach cannot be judged for a place that could not be resolved: said, not guessed
                status, reason = "location_unknown", None
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

    def _unmet_reason(self, ctx: ClientContext, diag: _NeedDiagnostics) -> str:
        if not any(k in self.index.members for k, _ in diag.cats):
            return "no_service"
        _, full = self._everywhere(ctx, diag.cats)
        fitting = (full.codes & WEAK_FIT) == 0
        if not fitting.any():
            return "weak_fit"
        eligible = fitting & ((full.codes & (INACTIVE | INELIGIBLE | UNAFFORDABLE)) == 0)
        if not eligible.any():
            return "not_eligible"
        reachable = eligible & ((full.codes & (TOO_FAR | OUT_OF_AREA | NO_REMOTE)) == 0)
        return "out_of_reach" if not reachable.any() else "language"

    def _nearest_eligible(self, ctx: ClientContext, diag: _NeedDiagnostics) -> float | None:
        """Distance (km) to the nearest eligible, fitting physical site, reachable or not."""
        if ctx.place is None:
            return None
        for u in (diag.near, None):
            if u is None:
                _, u = self._everywhere(ctx, diag.cats)
            eligible = ((u.codes & (INACTIVE | INELIGIBLE | WEAK_FIT)) == 0) & ~np.isnan(u.distance)
            if eligible.any():
                return round(float(u.distance[eligible].min()), 3)
        return None

    # ------------------------------------------------------------------ result objects
    def _make_match(
        self,
        ctx: ClientContext,
        need_key: str,
        label: str,
        need: Need,
        sensitive: bool,
        rank: int,
        st: PlaceColumns,
        i: int,
        score: float,
        values: dict[str, float],
        need_has: frozenset[str],
        client_has: frozenset[str],
        required: frozenset[str] = frozenset(),
    ) -> Match:
        index = self.index
        unit = int(st.units[i])
        s = int(index.u_service[unit])
        virtual = bool(index.u_virtual[unit])
        contact = int(index.s_contact[s]) if virtual else REACH_REMOTE
        distance = float(st.distance[i])
        verdicts = self.filters.verdicts(ctx, int(st.rule_sets[i]))
        open_now, opens = self._moment(ctx, s)
        targets = population_keys(int(index.s_population[s]))
        need_fit_detail = explain.need_fit_text(label, values["need_fit"], int(st.evidence[i]))
        programme = -1 if st.programme is None else int(st.programme[i])
        if reasons := self.filters.programme_reasons(ctx, programme):
            only = "programme for it is" if len(index.programme_sets[programme]) == 1 else "programmes for it are"
            need_fit_detail += f"; its only {only} not for this client: " + "; ".join(reasons)
        details = {
            "need_fit": need_fit_detail,
            "population": explain.population_text(
                targets, client_has | need_has, values["population"], required
            ),
            "distance": explain.distance_text(
                virtual, distance, int(index.u_approx[unit]), contact=contact,
                hours=index.schedule_text[s], unresolved=ctx.location_unresolved,
                in_area=bool(st.in_area[i]),
            ),
            "eligibility": "" if verdicts.judged else "no eligibility requirements listed",
            "language": explain.language_text(
                index, s, values["language"], ctx.languages, ctx.lang_mask
            ),
            "cost": explain.cost_text(index, s, values["cost"]),
            "schedule": explain.schedule_text(
                index, s, values["schedule"], ctx.avail is not None,
                open_now=open_now, next_open=opens, judged_at=ctx.at is not None,
            ),
            "capacity": explain.CAPACITY_TEXT[int(index.s_capacity[s])],
        }
        factors = tuple(self._factor(name, values[name], ctx.weights[name], details[name]) for name in FACTORS)
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
            eligibility=verdicts.notes,
            schedule=index.schedule_text[s],
            phone=index.phones[s],
            sensitive=sensitive,
            provenance=need.provenance,
            reached_by="in_person" if not virtual else CONTACT_NAMES[contact],
            inactive=not bool(index.s_active[s]),
            open_now=open_now,
            next_open=opens,
            weak_fit=values["need_fit"] < self.config.strong_need_fit,
        )

    def _factor(self, name: str, value: float, weight: float, detail: str) -> Factor:
        """The :class:`Factor` ``name`` with ``value`` (0-1), the client's ``weight`` for it and
        ``detail``. Factors are frozen, and most values are a handful of levels (cost,
        capacity, language, ...), so one instance serves every match that has the same four
        (a zero value is built afresh: ``0.0 == -0.0`` would let a key stand for both)."""
        key = (name, value, weight, detail)
        found = self._factor_cache.get(key) if value != 0.0 else None
        if found is None:
            found = Factor(name=name, value=value, weight=weight, detail=detail)
            if value != 0.0:
                if len(self._factor_cache) >= _FACTOR_CACHE_SIZE:
                    self._factor_cache.clear()
                self._factor_cache[key] = found
        return found

    def _moment(self, ctx: ClientContext, s: int) -> tuple[bool | None, Any]:
        """Whether service ``s`` is open at the moment of referral and when it next opens
        (within 14 days), read exactly from its schedules; (None, None) without a moment or
        known hours."""
        k = int(self.index.s_schedule_set[s])
        if ctx.at is None or k < 0:
            return None, None
        key = (k, ctx.at)
        cached = self._moment_cache.get(key)
        if cached is not None:
            return cached
        compiled = self.index.schedule_sets[k]
        now = compiled.is_open(ctx.at)
        answer = (None, None) if now is None else (now, ctx.at if now else compiled.next_open(ctx.at))
        self._moment_cache[key] = answer
        if len(self._moment_cache) > _MOMENT_CACHE_SIZE:
            self._moment_cache.popitem(last=False)
        return answer

    def _exclusion(
        self,
        ctx: ClientContext,
        need: str,
        label: str,
        s: int,
        st: PlaceColumns,
        u: UnitCodes,
        i: int,
    ) -> Exclusion:
        code = int(u.codes[i])
        unmet: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        if code & INELIGIBLE:
            v = self.filters.verdicts(ctx, int(self.index.s_rule_set[s]))
            unmet = (v.unmet_kinds, v.unmet_reasons)
        if code & NO_COVERAGE:
            plan_code = int(self.index.s_plan_only[s])
            plan = self.index.plan_keys[plan_code] if plan_code >= 0 else None
            why = (
                f"for members of {str(plan).replace('_', ' ').title()} only; the client's coverage is another"
                if plan is not None
                else "requires health insurance; the client is uninsured"
            )
            unmet = ((*unmet[0], "insurance"), (*unmet[1], why))
        codes, reasons = explain.exclusion_reasons(
            code,
            distance_km=float(u.distance[i]),
            max_km=ctx.max_km,
            need_label=label,
            fit=float(st.fit[i]),
            min_fit=self.config.min_need_fit,
            unmet=unmet,
        )
        return Exclusion(
            need=need,
            service_id=str(self.index.service_ids[s]),
            service_name=str(self.index.service_names[s]),
            codes=codes,
            reasons=reasons,
        )


def client_languages(client: ClientProfile) -> frozenset[str]:
    """The client's languages for matching: unknown ones ("und") say nothing, so they are
    left out (a client whose only language is unknown is matched as one who gave none)."""
    return frozenset(code for code in client.languages or () if code != "und")


def related_languages(languages: frozenset[str], known: Iterable[str]) -> frozenset[str]:
    """The codes among ``known`` that only partly serve ``languages`` (ISO 639 macrolanguage
    and member: "zh" for a Cantonese speaker; Mandarin never serves Cantonese)."""
    return frozenset(
        code
        for code in known
        if code not in languages and any(language_affinity(c, code) > 0 for c in languages)
    )


def _fallbacks(
    need: Need, cats: list[tuple[str, float]], any_match: bool
) -> tuple[tuple[Any, ...], str | None]:
    """The built-in lines a crisis or safety need carries, and the note that introduces them:
    every such need without a reachable directory service gets them; an immediate one gets
    them after its directory matches too."""
    keys = [k for k, _ in cats if k in FALLBACK_CATEGORIES]
    if not keys:
        return (), None
    if not any_match:
        note = (
            "the directory has nothing reachable for this need; built-in national lines, "
            "not from the directory"
        )
    elif need.urgency == "immediate":
        note = "also, for an immediate need: built-in national lines, not from the directory"
    else:
        return (), None
    return fallbacks_for(keys), note


def _client_argument(client: object) -> ClientProfile:
    from ..models.client import ClientProfile as Profile

    if isinstance(client, Profile):
        return client
    if isinstance(client, Mapping):
        return Profile(**client)  # its errors name fields, never values
    raise ConfigurationError(
        f"match needs a ClientProfile (or a mapping of its fields), not a {type(client).__name__}"
    )


def _moment_argument(at: object) -> datetime | None:
    if at is None or isinstance(at, datetime):
        return at
    if isinstance(at, str):
        try:
            return datetime.fromisoformat(at)
        except ValueError:
            pass
    raise ConfigurationError("at must be a datetime or an ISO 8601 date-time string")


def _limit_argument(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigurationError("limit must be a whole number of 1 or more")
    return limit


def _ordered_needs(client: ClientProfile) -> list[Need]:
    """Needs in matching order: immediate first, then by priority, then as given."""
    ordered = sorted(
        enumerate(client.needs), key=lambda p: (_URGENCY_ORDER[p[1].urgency], p[1].priority, p[0])
    )
    return [need for _, need in ordered]
