"""A slow, obviously-correct matcher: plain loops over the models, geopy distances.

It defines what the fast :class:`referralmatch.Matcher` must return. It shares with it only the
building blocks whose own tests pin them down (the need-relevance table, service targets and
client populations, eligibility evaluation, service facts, service-area matching, week masks,
the offline centroid table); the filtering, scoring and ranking are written here again, one
service at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from geopy.distance import great_circle

from referralmatch.directory import Directory
from referralmatch.eligibility import evaluate, rules_for_service, summarize
from referralmatch.eligibility.parse import programme_rules
from referralmatch.geo import AreaMatcher, OfflineGeocoder, area_covers, normalize_state
from referralmatch.matching.config import MatchConfig
from referralmatch.matching.contact import contact_mode
from referralmatch.matching.factors.access import (
    capacity_one,
    cost_one,
    language_one,
    low_income_client,
    soon_one,
)
from referralmatch.matching.factors.population import (
    broad_populations,
    client_populations,
    named_targets,
    need_populations,
    peer_need,
    peer_populations,
    population_one,
    required_populations,
    service_targets,
    situation_known,
)
from referralmatch.matching.factors.reach import distance_one
from referralmatch.matching.factors.relevance import ServiceText, relevance_table
from referralmatch.matching.facts import INSURERS, insurance_kinds, insurer_keys, service_facts
from referralmatch.matching.filters import eligibility_profile
from referralmatch.matching.index import area_specs
from referralmatch.matching.matcher import client_languages, related_languages
from referralmatch.models.client import ClientProfile
from referralmatch.models.directory import Location, Schedule
from referralmatch.needs.categories import NeedCategories
from referralmatch.needs.classify import match_need_text
from referralmatch.schedule import availability_mask, utc_offset_hours, validity, week_mask

URGENCY = {"immediate": 0, "urgent": 1, "soon": 2, "routine": 3}


def _position(location: Location) -> tuple[float, float] | None:
    """The location's coordinates, else the centroid of its (physical first) address."""
    if location.latitude is not None and location.longitude is not None:
        return (location.latitude, location.longitude)
    for a in sorted(location.addresses, key=lambda a: a.address_type != "physical"):
        found = OfflineGeocoder.by_postal_code(a.postal_code) if a.postal_code else None
        if found is None and a.city and a.state_province:
            found = OfflineGeocoder.by_city(a.city, a.state_province)
        if found is not None:
            return (found.latitude, found.longitude)
    return None


def _wait_hours(schedules: list[Schedule], mask: object, at: datetime) -> float:
    """Hours from ``at`` until the weekly hours next open, hour by hour: from the first valid
    day, outside whole-day closures, never after the last valid day (inf)."""
    offset = utc_offset_hours(schedules)
    if at.tzinfo is None:
        local = at
    elif offset is None:
        local = at.replace(tzinfo=None)
    else:
        local = at.astimezone(UTC).replace(tzinfo=None) + timedelta(hours=offset)
    v = validity(schedules)
    start = local
    if v.first is not None and start.date() < v.first:
        start = datetime.combine(v.first, time())
    for _ in range(2):
        for a, b in v.closures:
            if a <= start.date() <= b:
                start = datetime.combine(b + timedelta(days=1), time())
    hour = start.replace(minute=0, second=0, microsecond=0)
    for k in range(169):
        h = hour + timedelta(hours=k)
        if mask[h.weekday() * 24 + h.hour]:  # type: ignore[index]
            opens = start if k == 0 else h
            if v.last is not None and opens.date() > v.last:
                return math.inf
            return (opens - local).total_seconds() / 3600
    return math.inf


@dataclass
class RefMatch:
    need: str
    service_id: str
    score: float
    distance_km: float | None
    factors: dict[str, float]


def _need_categories(
    need_text: str,
    is_free: bool,
    categories: NeedCategories,
    urgency: str = "routine",
    situations: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    if not is_free and need_text in categories:
        urgent = categories.urgent_children(need_text) if urgency in ("urgent", "immediate") else ()
        extra = list(urgent)
        for child in categories.children(need_text):  # met in full for the client's situations
            if child not in extra and situations & set(categories.get(child).meets_parent_for):
                extra.append(child)
        return [(need_text, 1.0)] + [(child, 1.0) for child in extra]
    ranked = match_need_text(need_text, categories, limit=3)
    if not ranked:
        return []
    return [(k, s) for k, s in ranked if s >= 0.75 * ranked[0][1]]


def reference_match(
    directory: Directory,
    client: ClientProfile,
    *,
    limit: int = 5,
    config: MatchConfig | None = None,
    at: datetime | None = None,
) -> dict[str, list[RefMatch]]:
    config = config or MatchConfig()
    categories = NeedCategories.default()
    weights = config.weights(situation_known=situation_known(client, at.date() if at else None))
    place = OfflineGeocoder().resolve(client.location) if client.location is not None else None
    max_km = float(client.max_travel_km or config.max_travel_km)
    client_langs = client_languages(client)
    client_ins = insurance_kinds(client.insurance or ())
    low_income = low_income_client(client, config.poverty_year)
    client_mask = availability_mask(client.availability) if client.availability else None
    on = at.date() if at is not None else None
    client_has, client_not = client_populations(client, on)
    judged_on = eligibility_profile(client, on or date.today())
    services = list(directory.services.values())
    texts = []
    for service in services:
        terms = tuple((t.taxonomy, t.code, t.name) for t in directory.taxonomy_terms_of(service))
        texts.append(ServiceText.of(service, terms))
    table = relevance_table(texts, categories, floor=0.15)
    relevance: dict[tuple[int, str], float] = {(row, cat): r for row, cat, r, _ in table.rows()}
    programme: dict[tuple[int, str], tuple[str, ...]] = {
        (row, cat): texts for (row, cat, _, _), texts in zip(table.rows(), table.programme, strict=True) if texts
    }
    out: dict[str, list[RefMatch]] = {}
    needs = sorted(
        enumerate(client.needs), key=lambda p: (URGENCY[p[1].urgency], p[1].priority, p[0])
    )
    for _, need in needs:
        cats = _need_categories(
            need.category, need.is_free_text, categories, need.urgency, client.settled_situations(on)
        )
        key = need.category if not need.is_free_text else (cats[0][0] if cats else "free_text")
        found: list[tuple[float, float, str, RefMatch]] = []
        need_has = frozenset().union(*(need_populations(c, categories) for c, _ in cats))
        need_client_has = (
            peer_populations(client, on) if peer_need(cats, categories) else client_has
        )
        for row, service in enumerate(services):
            fits = [(relevance[(row, c)] * w, c) for c, w in cats if (row, c) in relevance]
            fit = max((f for f, _ in fits), default=None)
            if fit is None or fit < config.min_need_fit:
                continue
            best_cat = next(c for f, c in fits if f == fit)  # the first category on a tie
            if service.status != "active" and not config.include_inactive:
                continue

            def covered(area: str) -> bool | None:
                return None if place is None else area_covers(area, None, None, None, place)

            verdicts = evaluate(
                rules_for_service(service), judged_on, year=config.poverty_year, on=on, area_covered=covered
            )
            status, _ = summarize(verdicts)
            if status == "unmet":
                continue
            certainty = 1.0
            for v in verdicts:
                if v.rule.kind != "none" and v.status == "unknown":
                    certainty *= 1.0 - min(max(v.rule.confidence, 0.0), 1.0) * 0.5
            certainty = round(certainty, 3)
            # the programmes that are the service's only evidence for this need, every one
            # failed: the need fit keeps the best of their eligibility certainties
            own = [programme_rules(text) for text in programme.get((row, best_cat), ())]
            if own and all(own):
                shares = []
                for rules in own:
                    prog = evaluate(rules, judged_on, year=config.poverty_year, on=on,
                                    area_covered=covered)  # fmt: skip
                    if summarize(prog)[0] != "unmet":
                        break
                    share = 1.0
                    for v in prog:
                        if v.rule.kind != "none" and v.status != "met":
                            keep = 0.0 if v.status == "unmet" else 0.5
                            share *= 1.0 - min(max(v.rule.confidence, 0.0), 1.0) * (1.0 - keep)
                    shares.append(round(share, 3))
                else:
                    fit *= max(shares)
            audience = "; ".join(a.value or "" for a in service.attributes if a.link_type == "audience")
            targets = service_targets(
                service.name,
                service.eligibility_description or "",
                audience,
                tuple((t.taxonomy, t.code, t.name) for t in directory.taxonomy_terms_of(service)),
                service.description or "",
            )
            population = population_one(
                targets,
                need_client_has | need_has,
                client_not - need_has,
                named_targets(service.name),
                required_populations(client, cats, categories, on),
                broad_populations(client, on),
            )
            locations = directory.locations_of(service)
            facts = service_facts(service, locations, config.default_language)
            if facts.insurance_required and tuple(client.insurance or ()) == ("uninsured",):
                continue
            if facts.private_pay and low_income:  # market-rate private pay: unaffordable
                continue
            if facts.plan_only is not None and client.insurance:
                kind = INSURERS[facts.plan_only][1] if facts.plan_only in INSURERS else None
                if facts.plan_only not in insurer_keys(client.insurance) and kind not in client_ins:
                    continue
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
            coverage = None
            if answers:
                coverage = (
                    True
                    if any(a is True for a in answers)
                    else (False if all(a is False for a in answers) else None)
                )
            if coverage is False:
                continue
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
            schedules = directory.schedules_of(service)
            mask = week_mask(schedules)
            has = bool(mask.any())
            if client_mask is None or not client_mask.any():
                schedule = 1.0 if has else 0.5
            else:
                schedule = float((mask & client_mask).sum() / client_mask.sum()) if has else 0.5
            if at is not None and has:
                schedule *= soon_one(_wait_hours(list(schedules), mask, at))
            best: tuple[float, float, RefMatch] | None = None
            for location in locations or [None]:
                virtual = (location is None and facts.virtual) or (
                    location is not None and location.location_type == "virtual"
                )
                # a crisis line, a mobile team or a confidential shelter reached by its hotline
                # is not telehealth: only video/online units are refused
                crisis_or_safety = any(
                    relevance.get((row, c), 0.0) >= 0.5 for c in ("crisis", "domestic_violence")
                )
                by_phone_or_visit = contact_mode(
                    " ".join(t for t in (service.name, service.alternate_name) if t),
                    service.description or "",
                    crisis_or_safety=crisis_or_safety,
                ) != 0
                if virtual and client.telehealth_ok is False and not by_phone_or_visit:
                    continue
                distance: float | None = None
                point = _position(location) if location is not None else None
                beyond = False  # beyond the limit, but a centroid in the service's own area
                if not virtual and place is not None and point is not None:
                    distance = great_circle((place.latitude, place.longitude), point).km
                    if distance > max_km:
                        approximate = location is not None and (
                            location.latitude is None or location.longitude is None
                        )
                        if not (approximate and coverage is True):
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
                candidate = RefMatch(key, service.id, score, distance, factors)
                if best is None or (-round(score, 9), dist_key) < (-round(best[0], 9), best[1]):
                    best = (score, dist_key, candidate)
            if best is not None:
                found.append((-round(best[0], 9), best[1], service.id, best[2]))
        found.sort(key=lambda t: (t[0], t[1], t[2]))
        out[key] = [m for *_, m in found[:limit]]
    return out
