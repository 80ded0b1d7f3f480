"""Benchmark baselines: the matchers referralmatch is measured against, same inputs, same top-k.

Two baselines, each answering ``match(client, limit) -> {need key: [(service_id, score,
distance_km)]}`` with exactly the ranking rules of ``tests/reference_matcher.py`` (which defines
what :class:`referralmatch.Matcher` returns):

- :class:`PythonLoopMatcher`: what a first version of a case-management app would write: for each
  need, loop over every service's pydantic model, parse its eligibility text, read its facts,
  check its service areas and compute geopy great-circle distances, then sort. What is cached
  ahead of time is what an app stores with each record: its need-category relevance, its target
  populations and a position for each site (an address geocoded once). Everything else is
  computed per request, as in the reference matcher.
- :class:`DuckDBMatcher`: what an analyst would reach for: one flat table of service units with
  every static column precomputed (category memberships and confidences, status, eligibility
  rule-set id, service-area-set id, coordinates, language bits, cost / insurance / capacity /
  schedule columns), and ONE SQL query per client that does the filter, haversine distance,
  scoring, best-unit-per-service and top-k for all of the client's needs. The client-dependent
  parts that are not expressible in SQL (free-text eligibility rules, service-area coverage) are
  computed in Python per client, once per distinct rule set / area set, and passed as two small
  joined tables; the per-client latency includes that work.

The static columns of the DuckDB table come from a built :class:`DirectoryIndex` (the same
classifier, eligibility parser and fact readers the reference matcher calls); building the table
is timed separately as the baseline's preparation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from geopy.distance import great_circle

from referralmatch.eligibility import evaluate, rules_for_service, summarize
from referralmatch.geo import (
    EARTH_RADIUS_KM,
    AreaMatcher,
    OfflineGeocoder,
    area_covers,
    normalize_state,
)
from referralmatch.matching.config import FACTORS, MatchConfig
from referralmatch.matching.contact import (
    SAFETY_CATEGORIES,
    contact_mode,
    reaches_without_telehealth,
)
from referralmatch.matching.factors.access import (
    CAPACITY_SCORES,
    LANGUAGE_NOT_LISTED,
    capacity_one,
    cost_one,
    language_one,
    low_income_client,
)
from referralmatch.matching.factors.population import (
    ALL_OF,
    BROAD_SITUATIONS,
    COMMUNITIES,
    MATCHED,
    MATCHED_BROAD,
    MATCHED_UNNAMED,
    MISMATCH,
    NAMED_SHIFT,
    NEUTRAL,
    NOT_KNOWN,
    OPEN_TO_ALL,
    PARTIAL,
    broad_populations,
    client_populations,
    named_targets,
    need_populations,
    peer_need,
    peer_populations,
    population_mask,
    population_one,
    service_targets,
    situation_known,
)
from referralmatch.matching.factors.reach import distance_one
from referralmatch.matching.factors.relevance import ServiceText, relevance_table
from referralmatch.matching.facts import INSURERS, insurance_kinds, insurer_keys, service_facts
from referralmatch.matching.filters import eligibility_certainty, eligibility_profile
from referralmatch.matching.index import MEMBER_FLOOR, area_specs, insurance_bits
from referralmatch.matching.matcher import client_languages, related_languages
from referralmatch.needs.categories import NeedCategories
from referralmatch.needs.classify import match_need_text
from referralmatch.schedule import availability_mask, pack_week_masks, week_mask

if TYPE_CHECKING:
    from referralmatch.directory import Directory
    from referralmatch.matching.index import DirectoryIndex
    from referralmatch.models.client import ClientProfile
    from referralmatch.models.directory import Location
    from referralmatch.models.need import Need

__all__ = [
    "DuckDBMatcher",
    "PythonLoopMatcher",
    "Ranked",
    "agreement",
    "need_plan",
    "ranked_from_result",
]

Ranked = dict[str, list[tuple[str, float, float | None]]]
"""need key -> [(service_id, score, distance_km or None)] best first."""

URGENCY = {"immediate": 0, "urgent": 1, "soon": 2, "routine": 3}


def need_plan(
    client: ClientProfile, categories: NeedCategories
) -> list[tuple[str, list[tuple[str, float]]]]:
    """The client's needs in matching order, each as (result key, [(category, weight)])."""
    plan = []
    ordered = sorted(
        enumerate(client.needs), key=lambda p: (URGENCY[p[1].urgency], p[1].priority, p[0])
    )
    for _, need in ordered:
        cats = _need_categories(need, categories, client.settled_situations())
        key = need.category if not need.is_free_text else (cats[0][0] if cats else "free_text")
        plan.append((key, cats))
    return plan


def _need_categories(
    need: Need, categories: NeedCategories, situations: frozenset[str] = frozenset()
) -> list[tuple[str, float]]:
    if not need.is_free_text and need.category in categories:
        urgent = categories.urgent_children(need.category) if need.urgency in ("urgent", "immediate") else ()
        extra = list(urgent)
        for child in categories.children(need.category):  # met in full for these situations
            if child not in extra and situations & set(categories.get(child).meets_parent_for):
                extra.append(child)
        return [(need.category, 1.0)] + [(child, 1.0) for child in extra]
    ranked = match_need_text(need.category, categories, limit=3)
    if not ranked:
        return []
    return [(k, s) for k, s in ranked if s >= 0.75 * ranked[0][1]]


def ranked_from_result(result: Any) -> Ranked:
    """A :class:`referralmatch.MatchResult` as :data:`Ranked`."""
    return {
        need: [(m.service_id, m.score, m.distance_km) for m in matches]
        for need, matches in result.by_need.items()
    }


# --------------------------------------------------------------------------- python loop


class PythonLoopMatcher:
    """Per-service loop over the pydantic models with geopy distances (see module docstring)."""

    def __init__(self, directory: Directory, *, config: MatchConfig | None = None) -> None:
        self.directory = directory
        self.config = config or MatchConfig()
        self.categories = NeedCategories.default()
        self.geocoder = OfflineGeocoder()
        # What an app stores with each record: category relevance, target populations, and
        # a position per site (the data's coordinates, else its address geocoded once).
        services = list(directory.services.values())
        texts = []
        self.targets: dict[str, frozenset[str]] = {}
        for service in services:
            terms = tuple((t.taxonomy, t.code, t.name) for t in directory.taxonomy_terms_of(service))
            texts.append(ServiceText.of(service, terms))
            audience = "; ".join(a.value or "" for a in service.attributes if a.link_type == "audience")
            self.targets[service.id] = service_targets(
                service.name,
                service.eligibility_description or "",
                audience,
                terms,
                service.description or "",
            )
        self.classified: dict[str, dict[str, float]] = {s.id: {} for s in services}
        for row, cat, rel, _ in relevance_table(texts, self.categories, floor=MEMBER_FLOOR).rows():
            self.classified[services[row].id][cat] = rel
        # phone lines, mobile teams and confidential shelters are not telehealth
        self.phone_or_outreach: dict[str, bool] = {
            s.id: reaches_without_telehealth(
                contact_mode(
                    " ".join(t for t in (s.name, s.alternate_name) if t),
                    s.description or "",
                    crisis_or_safety=any(
                        self.classified[s.id].get(c, 0.0) >= 0.5 for c in SAFETY_CATEGORIES
                    ),
                )
            )
            for s in services
        }
        self.positions: dict[str, tuple[float, float] | None] = {
            loc.id: _position(loc) for loc in directory.locations.values()
        }

    def match(self, client: ClientProfile, *, limit: int = 5) -> Ranked:
        """Top ``limit`` services per need (loop over every service for every need)."""
        config, directory = self.config, self.directory
        weights = config.weights(situation_known=situation_known(client))
        place = self.geocoder.resolve(client.location) if client.location is not None else None
        max_km = float(client.max_travel_km or config.max_travel_km)
        client_langs = client_languages(client)
        client_ins = insurance_kinds(client.insurance or ())
        low_income = low_income_client(client, config.poverty_year)
        client_plans = insurer_keys(client.insurance or ())
        uninsured = tuple(client.insurance or ()) == ("uninsured",)
        client_mask = availability_mask(client.availability) if client.availability else None
        client_has, client_not = client_populations(client)
        broad = broad_populations(client)
        judged_on = eligibility_profile(client, date.today())
        out: Ranked = {}

        def covered(area: str) -> bool | None:
            return None if place is None else area_covers(area, None, None, None, place)

        for key, cats in need_plan(client, self.categories):
            found: list[tuple[float, float, str, tuple[str, float, float | None]]] = []
            need_has = frozenset().union(*(need_populations(c, self.categories) for c, _ in cats))
            need_client_has = (
                peer_populations(client) if peer_need(cats, self.categories) else client_has
            )
            for service in directory.services.values():
                conf = self.classified[service.id]
                fit = max((conf[c] * w for c, w in cats if c in conf), default=None)
                if fit is None or fit < config.min_need_fit:
                    continue
                if service.status != "active" and not config.include_inactive:
                    continue
                verdicts = evaluate(
                    rules_for_service(service),
                    judged_on,
                    year=config.poverty_year,
                    area_covered=covered,
                )
                status, _ = summarize(verdicts)
                if status == "unmet":
                    continue
                certainty = eligibility_certainty(verdicts)
                locations = directory.locations_of(service)
                facts = service_facts(service, locations, config.default_language)
                if facts.insurance_required and uninsured:
                    continue
                if facts.private_pay and low_income:  # market-rate private pay: unaffordable
                    continue
                if facts.plan_only is not None and client.insurance:
                    kind = INSURERS[facts.plan_only][1] if facts.plan_only in INSURERS else None
                    if facts.plan_only not in client_plans and kind not in client_ins:
                        continue
                population = population_one(
                    self.targets[service.id],
                    need_client_has | need_has,
                    client_not - need_has,
                    named_targets(service.name),
                    broad=broad,
                )
                states = {
                    a.state_province for loc in locations for a in loc.addresses if a.state_province
                }
                state = normalize_state(next(iter(states))) if len(states) == 1 else None
                areas = area_specs(directory, service, locations)
                answers = (
                    [AreaMatcher(*a, state=state).covers(place) for a in areas]
                    if place is not None
                    else []
                )
                if answers and all(a is False for a in answers):
                    continue
                in_area = any(a is True for a in answers)
                language = language_one(
                    facts.languages,
                    facts.interpretation,
                    client_langs,
                    listed=facts.languages_listed,
                    default_language=config.default_language,
                    related=related_languages(client_langs, facts.languages),
                    teaches_english=facts.teaches_english,
                )
                if config.require_language and language == 0:
                    continue
                mask = week_mask(directory.schedules_of(service))
                has = bool(mask.any())
                if client_mask is None or not client_mask.any():
                    schedule = 1.0 if has else 0.5
                else:
                    schedule = float((mask & client_mask).sum() / client_mask.sum()) if has else 0.5
                best: tuple[float, float, tuple[str, float, float | None]] | None = None
                sites: list[Location | None] = [*locations] or [None]
                for location in sites:
                    virtual = (location is None and facts.virtual) or (
                        location is not None and location.location_type == "virtual"
                    )
                    if (
                        virtual
                        and client.telehealth_ok is False
                        and not self.phone_or_outreach[service.id]
                    ):
                        continue
                    distance: float | None = None
                    point = self.positions.get(location.id) if location is not None else None
                    beyond = False  # beyond the limit, but a centroid in the service's own area
                    if not virtual and place is not None and point is not None:
                        distance = great_circle((place.latitude, place.longitude), point).km
                        if distance > max_km:
                            if not (in_area and _approximate(location)):
                                continue
                            beyond = True
                    factors = {
                        "need_fit": min(1.0, fit),
                        "population": population,
                        "distance": distance_one(
                            None if beyond else distance,
                            virtual,
                            max_km,
                            virtual_score=config.virtual_distance_score,
                            unknown_score=config.unknown_distance_score,
                        ),
                        "eligibility": certainty,
                        "language": language,
                        "cost": cost_one(
                            facts.free,
                            facts.sliding_scale,
                            facts.fee_known,
                            facts.insurance,
                            client_ins,
                        ),
                        "schedule": schedule,
                        "capacity": capacity_one(facts.capacity),
                    }
                    score = round(sum(weights[k] * v for k, v in factors.items()), 6)
                    dist_key = math.inf if distance is None else distance
                    if best is None or (-round(score, 9), dist_key) < (-round(best[0], 9), best[1]):
                        best = (score, dist_key, (service.id, score, distance))
                if best is not None:
                    found.append((-round(best[0], 9), best[1], service.id, best[2]))
            found.sort(key=lambda t: (t[0], t[1], t[2]))
            out[key] = [m for *_, m in found[:limit]]
        return out


def _approximate(location: Location | None) -> bool:
    """Whether a site is placed only by its address (no coordinates of its own)."""
    return location is not None and (location.latitude is None or location.longitude is None)


def _position(location: Location) -> tuple[float, float] | None:
    """Coordinates from the data, else the offline centroid of the site's address."""
    if location.latitude is not None and location.longitude is not None:
        return (location.latitude, location.longitude)
    for a in sorted(location.addresses, key=lambda a: a.address_type != "physical"):
        found = OfflineGeocoder.by_postal_code(a.postal_code) if a.postal_code else None
        if found is None and a.city and a.state_province:
            found = OfflineGeocoder.by_city(a.city, a.state_province)
        if found is not None:
            return (found.latitude, found.longitude)
    return None


# --------------------------------------------------------------------------- duckdb

_QUERY = """
WITH cand AS (
    SELECT n.ord, n.need_key, m.unit, max(m.confidence * n.weight) AS fit
    FROM needs n JOIN members m ON m.category = n.category
    GROUP BY n.ord, n.need_key, m.unit
    HAVING max(m.confidence * n.weight) >= $min_fit
),
scored AS (
    SELECT c.ord, c.need_key, u.service_id, u.unit, u.virtual, np.n_has, np.n_not,
        u.approx AND a.cover = 1 AS in_area,
        CASE WHEN u.virtual OR u.lat IS NULL THEN NULL ELSE
            2 * {R} * asin(sqrt(least(1.0,
                pow(sin(radians(u.lat - $lat) / 2), 2)
                + cos(radians($lat)) * cos(radians(u.lat))
                  * pow(sin(radians(u.lon - $lon) / 2), 2))))
        END AS dist,
        least(1.0, c.fit) AS f_fit,
        e.certainty AS f_elig,
        CASE WHEN NOT $has_lang THEN 1.0
             WHEN (u.lang & CAST($lang_mask AS UBIGINT)) <> 0 OR u.teaches_english THEN 1.0
             WHEN u.interp OR (u.lang & CAST($related_mask AS UBIGINT)) <> 0 THEN 0.7
             WHEN u.lang_listed THEN 0.0 ELSE {lang_unknown} END AS f_lang,
        greatest(least(CASE WHEN (u.pop & {all_of_mask}) <> 0
                  AND (u.pop & ~{other_mask} & ~{required_skip} & CAST(n_not AS UBIGINT)) <> 0 THEN {mismatch}
             WHEN (u.pop & {gender_mask}) <> 0
                  AND (u.pop & {gender_mask} & ~CAST(n_not AS UBIGINT)) = 0 THEN {mismatch}
             WHEN (u.named & u.pop & ~{other_mask}) <> 0
                  AND (u.named & u.pop & ~{other_mask} & ~CAST(n_not AS UBIGINT)) = 0 THEN {mismatch}
             WHEN (u.pop & ~{gender_mask} & ~CAST($broad_mask AS UBIGINT) & CAST(n_has AS UBIGINT)) <> 0 THEN
                  CASE WHEN (u.pop & {all_of_mask}) <> 0
                            AND (u.pop & ~{other_mask} & ~{required_skip} & ~CAST(n_has AS UBIGINT)) <> 0
                       THEN {partial}
                       WHEN (u.named & u.pop & ~{gender_mask} & ~CAST($broad_mask AS UBIGINT) & CAST(n_has AS UBIGINT)) <> 0
                       THEN {matched} ELSE {matched_unnamed} END
             WHEN (u.pop & ~{gender_mask} & CAST(n_has AS UBIGINT)) <> 0 THEN {matched_broad}
             WHEN (u.pop & ~{other_mask}) = 0 THEN {neutral}
             WHEN (u.pop & ~{other_mask} & ~CAST(n_not AS UBIGINT)) = 0 THEN {mismatch}
             ELSE {not_known} END,
              CASE WHEN (u.pop & {community_mask}) <> 0 AND (u.pop & {community_mask} & CAST(n_has AS UBIGINT)) = 0
                   THEN {not_known} ELSE 1.0 END),
            CASE WHEN (u.pop & {open_mask}) <> 0 THEN {neutral} ELSE 0.0 END) AS f_pop,
        CASE WHEN u.free THEN 1.0
             WHEN (u.insurance & CAST($ins AS UTINYINT)) <> 0 THEN 0.9
             WHEN u.sliding THEN 0.8
             WHEN u.fee_known THEN 0.3 ELSE 0.5 END AS f_cost,
        CASE WHEN NOT u.has_schedule THEN 0.5
             WHEN $wanted = 0 THEN 1.0
             ELSE (bit_count(u.sched0 & CAST($a0 AS UBIGINT)) + bit_count(u.sched1 & CAST($a1 AS UBIGINT))
                   + bit_count(u.sched2 & CAST($a2 AS UBIGINT))) / $wanted END AS f_sched,
        u.capacity_score AS f_cap
    FROM cand c
    JOIN need_pop np ON np.ord = c.ord
    JOIN units u ON u.unit = c.unit
    JOIN elig e ON e.rule_set = u.rule_set
    JOIN areas a ON a.area_set = u.area_set
    WHERE ({inactive_ok} OR u.active)
      AND e.status <> 2
      AND a.cover <> -1
      AND ($telehealth OR NOT u.video_only)
      AND NOT (u.ins_required AND $uninsured)
      AND NOT (u.private_pay AND $low_income)
      AND (u.plan IS NULL OR NOT list_contains($blocked_plans, u.plan))
),
reach AS (
    SELECT *,
        CASE WHEN virtual THEN $vscore WHEN dist IS NULL OR (in_area AND dist > $max_km) THEN $uscore
             ELSE greatest(0.0, 1.0 - dist / $max_km) END AS f_dist
    FROM scored
    WHERE dist IS NULL OR dist <= $max_km OR in_area
),
ranked AS (
    SELECT ord, need_key, service_id, unit, dist,
        round({w_fit} * f_fit + {w_pop} * f_pop + {w_dist} * f_dist + {w_elig} * f_elig
              + {w_lang} * f_lang + {w_cost} * f_cost + {w_sched} * f_sched + {w_cap} * f_cap, 6)
            AS score
    FROM reach
    {language_filter}
),
best_unit AS (
    SELECT * FROM ranked
    QUALIFY row_number() OVER (PARTITION BY ord, service_id
                               ORDER BY round(score, 9) DESC, dist ASC NULLS LAST, unit) = 1
)
SELECT ord, need_key, service_id, score, dist FROM best_unit
QUALIFY row_number() OVER (PARTITION BY ord
                           ORDER BY round(score, 9) DESC, dist ASC NULLS LAST, service_id) <= $k
ORDER BY ord, round(score, 9) DESC, dist ASC NULLS LAST, service_id
"""


@dataclass
class DuckDBPrep:
    """Sizes of the DuckDB tables (rows)."""

    units: int
    members: int


class DuckDBMatcher:
    """Filter + distance + score + top-k as one DuckDB query per client (see module docstring).

    Args:
        index: a built DirectoryIndex of the directory (source of the static columns).
        services: the flat ``services`` frame of ``Directory.to_frames()`` (one row per unit);
            its ``service_id``, ``latitude`` and ``longitude`` are the table's identity columns.
        threads: DuckDB worker threads (the benchmark machine has 2 cores).
    """

    def __init__(
        self,
        index: DirectoryIndex,
        services: pd.DataFrame,
        *,
        config: MatchConfig | None = None,
        threads: int = 2,
    ) -> None:
        import duckdb

        self.index = index
        self.config = config or MatchConfig()
        self.categories = index.categories
        self.geocoder = OfflineGeocoder()
        self.con = duckdb.connect(config={"threads": threads})
        ix = index
        if len(services) != ix.n_units or not np.array_equal(
            services["service_id"].to_numpy(dtype=object), ix.service_ids[ix.u_service]
        ):
            raise ValueError("services frame and index units disagree")
        s = ix.u_service
        sched = ix.s_schedule[s]
        units = pd.DataFrame({
            "unit": np.arange(ix.n_units, dtype=np.int64),
            "service_id": services["service_id"].to_numpy(dtype=object).astype(str),
            "lat": ix.u_lat,
            "lon": ix.u_lon,
            "virtual": ix.u_virtual,
            "approx": ix.u_approx != 0,
            "video_only": ix.u_virtual & (ix.s_contact[s] == 0),
            "active": ix.s_active[s],
            "rule_set": ix.s_rule_set[s],
            "area_set": ix.s_area_set[s],
            "lang": ix.s_lang[s],
            "interp": ix.s_interp[s],
            "lang_listed": ix.s_lang_listed[s],
            "teaches_english": ix.s_teaches_english[s],
            "pop": (ix.s_population[s] & np.uint64(0xFFFFFFFF)).astype(np.uint64),
            "named": (ix.s_population[s] >> np.uint64(NAMED_SHIFT)).astype(np.uint64),
            "ins_required": ix.s_insurance_required[s],
            "plan": np.array(
                [ix.plan_keys[c] if c >= 0 else None for c in ix.s_plan_only[s]], dtype=object
            ),
            "free": ix.s_free[s],
            "sliding": ix.s_sliding[s],
            "fee_known": ix.s_fee_known[s],
            "private_pay": ix.s_private_pay[s],
            "insurance": ix.s_insurance[s],
            "capacity_score": CAPACITY_SCORES[ix.s_capacity[s]],
            "has_schedule": ix.s_has_schedule[s],
            "sched0": sched[:, 0], "sched1": sched[:, 1], "sched2": sched[:, 2],
        })  # fmt: skip
        # units without coordinates (or remote-only) have NULL lat/lon
        units.loc[units["virtual"], ["lat", "lon"]] = np.nan
        members = pd.concat(
            [
                pd.DataFrame(
                    {
                        "category": key,
                        "unit": m.units.astype(np.int64),
                        "confidence": m.confidence.astype(np.float64),
                    }
                )
                for key, m in ix.members.items()
            ],
            ignore_index=True,
        )
        self.con.register("units_df", units)
        self.con.register("members_df", members)
        self.con.execute("CREATE TABLE units AS SELECT * FROM units_df ORDER BY unit")
        self.con.execute("CREATE TABLE members AS SELECT * FROM members_df ORDER BY category, unit")
        self.con.unregister("units_df")
        self.con.unregister("members_df")
        self.prep = DuckDBPrep(units=len(units), members=len(members))
        self.queries = {known: self._query(self.config.weights(situation_known=known)) for known in (False, True)}

    def _query(self, w: dict[str, float]) -> str:
        """The ranking query with the factor weights ``w`` written in."""
        return _QUERY.format(
            R=repr(EARTH_RADIUS_KM),
            inactive_ok="TRUE" if self.config.include_inactive else "FALSE",
            language_filter="WHERE f_lang > 0" if self.config.require_language else "",
            lang_unknown=repr(LANGUAGE_NOT_LISTED),
            gender_mask=population_mask(["women", "men"]),
            community_mask=population_mask(COMMUNITIES),
            other_mask=population_mask(["women", "men", *COMMUNITIES, OPEN_TO_ALL, ALL_OF]),
            all_of_mask=population_mask([ALL_OF]), partial=repr(PARTIAL),
            required_skip=population_mask(["condition", *BROAD_SITUATIONS]),
            open_mask=population_mask([OPEN_TO_ALL]),
            matched=repr(MATCHED), mismatch=repr(MISMATCH), neutral=repr(NEUTRAL),
            matched_unnamed=repr(MATCHED_UNNAMED), matched_broad=repr(MATCHED_BROAD),
            not_known=repr(NOT_KNOWN),
            **{f"w_{short}": repr(w[name]) for short, name in zip(
                ("fit", "pop", "dist", "elig", "lang", "cost", "sched", "cap"), FACTORS, strict=True)},
        )  # fmt: skip

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.con.close()

    def _client_tables(
        self, client: ClientProfile, place: Any
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Eligibility status per rule set and coverage per area set for this client (Python)."""
        ix, config = self.index, self.config

        def covered(area: str) -> bool | None:
            return None if place is None else area_covers(area, None, None, None, place)

        status, certainty = [], []
        on = date.today()
        judged_on = eligibility_profile(client, on)
        for rules in ix.rule_sets:
            verdicts = evaluate(
                list(rules), judged_on, year=config.poverty_year, on=on, area_covered=covered
            )
            st, _ = summarize(verdicts)
            status.append({"met": 0, "unknown": 1, "unmet": 2}[st])
            certainty.append(eligibility_certainty(verdicts))
        elig = pd.DataFrame({"rule_set": np.arange(len(status), dtype=np.int32),
                             "status": status, "certainty": certainty})  # fmt: skip
        cover = []
        for matchers in ix.area_sets:
            answer: bool | None = None
            if matchers and place is not None:
                answers = [m.covers(place) for m in matchers]
                answer = (
                    True
                    if any(a is True for a in answers)
                    else (False if all(a is False for a in answers) else None)
                )
            cover.append(0 if answer is None else (1 if answer else -1))
        areas = pd.DataFrame({"area_set": np.arange(len(cover), dtype=np.int32), "cover": cover})
        return elig, areas

    def match(self, client: ClientProfile, *, limit: int = 5) -> Ranked:
        """Top ``limit`` services per need, from one SQL query."""
        config = self.config
        place = self.geocoder.resolve(client.location) if client.location is not None else None
        plan = need_plan(client, self.categories)
        rows = [(o, key, c, w) for o, (key, cats) in enumerate(plan) for c, w in cats]
        needs = pd.DataFrame(rows, columns=["ord", "need_key", "category", "weight"])
        needs = needs.astype({"ord": "int64", "need_key": "str", "category": "str",
                              "weight": "float64"})  # fmt: skip
        elig, areas = self._client_tables(client, place)
        has, not_has = client_populations(client)
        pops = []
        for o, (_, cats) in enumerate(plan):
            need_has = frozenset().union(*(need_populations(c, self.categories) for c, _ in cats))
            own = peer_populations(client) if peer_need(cats, self.categories) else has
            pops.append((o, population_mask(own | need_has), population_mask(not_has - need_has)))
        need_pop = pd.DataFrame(pops, columns=["ord", "n_has", "n_not"]).astype("int64")
        kinds = insurance_kinds(client.insurance or ())
        plans = insurer_keys(client.insurance or ())
        blocked = sorted(
            p
            for p in self.index.plan_keys
            if client.insurance and p not in plans and INSURERS.get(p, ("", ""))[1] not in kinds
        )
        languages = client_languages(client)
        avail = (
            pack_week_masks(availability_mask(client.availability))[0]
            if client.availability
            else np.zeros(3, dtype=np.uint64)
        )
        wanted = int(sum(int(w).bit_count() for w in avail))
        params: dict[str, Any] = {
            "lat": None if place is None else float(place.latitude),
            "lon": None if place is None else float(place.longitude),
            "max_km": float(client.max_travel_km or config.max_travel_km),
            "has_lang": bool(languages),
            "lang_mask": self.index.language_mask(languages),
            "related_mask": self.index.language_mask(
                related_languages(languages, self.index.languages)
            ),
            "ins": insurance_bits(kinds),
            "low_income": low_income_client(client, config.poverty_year),
            "uninsured": tuple(client.insurance or ()) == ("uninsured",),
            "blocked_plans": blocked,
            "min_fit": config.min_need_fit,
            "a0": int(avail[0]), "a1": int(avail[1]), "a2": int(avail[2]),
            "wanted": wanted,
            "telehealth": client.telehealth_ok is not False,
            "vscore": config.virtual_distance_score,
            "uscore": config.unknown_distance_score,
            "k": limit,
            "broad_mask": population_mask(broad_populations(client)),
        }  # fmt: skip
        con = self.con
        con.register("needs", needs)
        con.register("elig", elig)
        con.register("areas", areas)
        con.register("need_pop", need_pop)
        try:
            result = con.execute(self.queries[situation_known(client)], params).fetchall()
        finally:
            con.unregister("needs")
            con.unregister("elig")
            con.unregister("areas")
            con.unregister("need_pop")
        out: Ranked = {key: [] for key, _ in plan}
        for _, key, service_id, score, dist in result:
            out[key].append((str(service_id), float(score), None if dist is None else float(dist)))
        return out


# --------------------------------------------------------------------------- agreement


def agreement(expected: Ranked, got: Ranked, *, score_tol: float = 2e-6) -> tuple[bool, list[str]]:
    """Whether ``got`` has the same top-k service ids per need as ``expected``; notes explain
    each disagreement (and say whether it is a near-tie: scores within ``score_tol``)."""
    notes: list[str] = []
    for need in expected.keys() | got.keys():
        a, b = expected.get(need, []), got.get(need, [])
        ids_a, ids_b = [x[0] for x in a], [x[0] for x in b]
        if ids_a == ids_b:
            continue
        scores = {sid: s for sid, s, _ in a} | {sid: s for sid, s, _ in b}
        diff = sorted(set(ids_a) ^ set(ids_b))
        near_tie = len(a) == len(b) and all(
            abs(sa - sb) <= score_tol for (_, sa, _), (_, sb, _) in zip(a, b, strict=True)
        )
        kind = "near-tie" if near_tie else "DIFFERENT"
        notes.append(
            f"{need}: {kind}; ids differ ({len(diff)} symmetric), scores "
            + ", ".join(f"{sid}={scores[sid]:.6f}" for sid in diff[:4])
        )
    return not notes, notes
