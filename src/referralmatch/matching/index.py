"""DirectoryIndex: a directory packed once into numpy columns for fast matching.

Rows are *units*: one service at one location (a service with no location is one unit with no
coordinates). Per service the index keeps: status, the eligibility rule set (shared by services
with the same eligibility text and ages, so it is evaluated once per client), the service-area
set, language bits, cost and insurance flags, capacity, schedule bits (168 hours as three
uint64 words) and whether it can be used remotely. Per need category it keeps the member units
and their classification confidence. Nothing in it refers back to pydantic models, so it is
cheap to pickle and ship to Dask workers.

Example:
    >>> from referralmatch.synth import synthetic_directory
    >>> index = DirectoryIndex.build(synthetic_directory(200, seed=3))
    >>> index.n_services, index.n_units
    (200, 200)
    >>> "housing" in index.members
    True
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..eligibility.parse import programme_rules, rules_for_service, rules_key
from ..geo import AreaMatcher, OfflineGeocoder, named_county, normalize_state, unit_vectors
from ..needs.categories import NeedCategories
from ..schedule import CompiledSchedules, describe, pack_week_masks, week_mask
from .contact import SAFETY_CATEGORIES, contact_mode
from .factors.access import CAPACITY_CODES
from .factors.population import NAMED_SHIFT, named_targets, population_mask, service_targets
from .factors.relevance import ServiceText, relevance_table
from .facts import INSURANCE_KINDS, service_facts
from .moment import moment_columns

if TYPE_CHECKING:
    from ..directory import Directory
    from ..eligibility import Rule
    from ..models.directory import Location, Schedule, Service

__all__ = [
    "CELL_DEGREES",
    "MEMBER_FLOOR",
    "OTHER_LANGUAGE_BIT",
    "CategoryMembers",
    "DirectoryIndex",
    "area_specs",
    "cell_keys",
    "insurance_bits",
]

OTHER_LANGUAGE_BIT = 63
"""Languages beyond the 63 most common in a directory share this bit."""


MEMBER_FLOOR = 0.15
"""Least need relevance for a service to be a category member (and so ranked or reported)."""

CELL_DEGREES = 0.25
"""Grid cell size (degrees of latitude and longitude) for the geographic prefilter."""
_COLS = 2048  # cells per grid row (360 / 0.25 = 1440 fit)


def cell_keys(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], virtual: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Grid cell of each unit; -1 for units without coordinates or remote-only (always candidates).

    >>> cell_keys(np.array([38.58, np.nan]), np.array([-121.49, 0.0]), np.array([False, False])).tolist()
    [1052906, -1]
    """
    row = np.floor((np.nan_to_num(lat) + 90.0) / CELL_DEGREES).astype(np.int64)
    col = np.floor((np.nan_to_num(lon) + 180.0) / CELL_DEGREES).astype(np.int64)
    keys = row * _COLS + col
    return np.where(np.isnan(lat) | np.isnan(lon) | virtual, -1, keys)


def cell_ranges(lat: float, lon: float, radius_km: float) -> list[tuple[int, int]] | None:
    """Inclusive key ranges of the grid cells a circle of ``radius_km`` can touch, one per grid
    row; None when the circle reaches a pole or the antimeridian (then every unit is a candidate)."""
    dlat = radius_km / 110.5 + 1e-9
    lat_hi = lat + dlat
    if lat - dlat <= -89.0 or lat_hi >= 89.0:
        return None
    dlon = radius_km / (110.5 * math.cos(math.radians(max(abs(lat - dlat), abs(lat_hi))))) + 1e-9
    if lon - dlon <= -180.0 or lon + dlon >= 180.0:
        return None
    r0, r1 = (math.floor((v + 90.0) / CELL_DEGREES) for v in (lat - dlat, lat_hi))
    c0, c1 = (math.floor((v + 180.0) / CELL_DEGREES) for v in (lon - dlon, lon + dlon))
    return [(r * _COLS + c0, r * _COLS + c1) for r in range(r0, r1 + 1)]


@dataclass(frozen=True, eq=False)
class CategoryMembers:
    """The units of one need category, sorted by grid cell (units without a cell first), with
    their relevance (``confidence``, 0-1) and what evidenced it (``evidence``: an index into
    :data:`~referralmatch.matching.factors.relevance.EVIDENCE`)."""

    units: npt.NDArray[np.int32]
    confidence: npt.NDArray[np.float32]
    evidence: npt.NDArray[np.uint8]
    cells: npt.NDArray[np.int64]
    n_services: int
    programme: npt.NDArray[np.int32] | None = None
    """Per unit, the programme set (into ``DirectoryIndex.programme_sets``: the rule sets of the
    numbered programmes that are its service's only evidence for the category), -1 for none
    (None: no unit has one): a client known to fail all of them gets a lower need fit for this
    need only."""

    def near(self, lat: float, lon: float, radius_km: float) -> npt.NDArray[np.int64]:
        """Positions (into ``units``) of members without a cell or in cells the circle touches."""
        ranges = cell_ranges(lat, lon, radius_km)
        if ranges is None:
            return np.arange(len(self.units))
        parts = [np.arange(0, int(np.searchsorted(self.cells, 0)))]
        for lo, hi in ranges:
            a, b = np.searchsorted(self.cells, [lo, hi + 1])
            if b > a:
                parts.append(np.arange(a, b))
        return np.concatenate(parts)


def insurance_bits(kinds: frozenset[str]) -> int:
    """Bit mask of insurance kinds (medicaid 1, medicare 2, private 4, va 8).

    >>> insurance_bits(frozenset({"medicaid", "private"}))
    5
    """
    return sum(1 << i for i, kind in enumerate(INSURANCE_KINDS) if kind in kinds)


APPROX_NONE, APPROX_POSTAL_CODE, APPROX_CITY = 0, 1, 2
"""How a unit's position was found: from the data, a ZIP centroid, or a city centroid."""


def area_specs(
    directory: Directory, service: Service, locations: list[Location]
) -> tuple[tuple[str | None, str | None, str | None, str | None], ...]:
    """The service areas (name, description, extent, extent type) a service is judged by: its
    own, or, for a service the directory gives no coordinates and no area, the county its (or
    its organisation's) name says it serves ("Family Crisis Center of Baltimore County"), so a
    confidential shelter known only by a mailing ZIP is in reach of the county it serves.
    """
    areas = directory.service_areas_of(service)
    if areas:
        return tuple((a.name, a.description, a.extent, a.extent_type) for a in areas)
    if any(loc.latitude is not None and loc.longitude is not None for loc in locations):
        return ()
    org = directory.organization_of(service)
    county = named_county(service.name, org.name if org else None)
    return ((county, None, None, None),) if county else ()


def _unit_positions(
    locations: list[Location | None],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.uint8]]:
    """Latitude, longitude (degrees; NaN when unknown) and how each was found (``APPROX_*``).

    A location without coordinates but with a physical (else any) address whose ZIP or
    city and state the offline centroid table knows gets that centroid, marked approximate.
    """
    n = len(locations)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    approx = np.zeros(n, dtype=np.uint8)
    memo: dict[tuple[str | None, str | None, str | None], tuple[float, float, int] | None] = {}
    for i, loc in enumerate(locations):
        if loc is None:
            continue
        if loc.latitude is not None and loc.longitude is not None:
            lat[i], lon[i] = loc.latitude, loc.longitude
            continue
        addresses = sorted(loc.addresses, key=lambda a: a.address_type != "physical")
        for a in addresses:
            key = (a.postal_code, a.city, a.state_province)
            if key not in memo:
                memo[key] = _centroid(*key)
            found = memo[key]
            if found is not None:
                lat[i], lon[i], approx[i] = found
                break
    return lat, lon, approx


def _centroid(
    postal_code: str | None, city: str | None, state: str | None
) -> tuple[float, float, int] | None:
    if postal_code:
        place = OfflineGeocoder.by_postal_code(postal_code)
        if place is not None:
            return place.latitude, place.longitude, APPROX_POSTAL_CODE
    if city and state:
        place = OfflineGeocoder.by_city(city, state)
        if place is not None:
            return place.latitude, place.longitude, APPROX_CITY
    return None


def _schedule_key(schedule: Schedule) -> tuple[Any, ...]:
    """Everything about a schedule that its week mask and description read (not its ids)."""
    s = schedule
    return (s.byday, s.opens_at, s.closes_at, s.freq, s.interval, s.valid_from, s.valid_to,
            s.dtstart, s.until, s.bymonthday, s.byyearday, s.wkst, s.timezone, s.description)  # fmt: skip


@dataclass(frozen=True, eq=False)
class DirectoryIndex:
    """The columnar, immutable form of a Directory that the matcher works on. Build with
    :meth:`build`. Arrays are indexed by service (``s_*``) or by unit (``u_*``)."""

    service_ids: npt.NDArray[np.object_]
    service_names: npt.NDArray[np.object_]
    organization_names: npt.NDArray[np.object_]
    phones: npt.NDArray[np.object_]
    schedule_text: npt.NDArray[np.object_]
    s_id_rank: npt.NDArray[np.int64]
    s_active: npt.NDArray[np.bool_]
    s_rule_set: npt.NDArray[np.int32]
    s_area_set: npt.NDArray[np.int32]
    s_lang: npt.NDArray[np.uint64]
    s_interp: npt.NDArray[np.bool_]
    s_lang_listed: npt.NDArray[np.bool_]
    s_teaches_english: npt.NDArray[np.bool_]
    s_free: npt.NDArray[np.bool_]
    s_sliding: npt.NDArray[np.bool_]
    s_fee_known: npt.NDArray[np.bool_]
    s_private_pay: npt.NDArray[np.bool_]
    s_insurance: npt.NDArray[np.uint8]
    s_insurance_required: npt.NDArray[np.bool_]
    s_plan_only: npt.NDArray[np.int16]  # index into plan_keys, -1 for none
    s_capacity: npt.NDArray[np.uint8]
    s_virtual: npt.NDArray[np.bool_]
    s_population: npt.NDArray[np.uint64]
    s_schedule: npt.NDArray[np.uint64]
    s_has_schedule: npt.NDArray[np.bool_]
    u_service: npt.NDArray[np.int32]
    u_location_ids: npt.NDArray[np.object_]
    u_location_names: npt.NDArray[np.object_]
    u_lat: npt.NDArray[np.float64]
    u_lon: npt.NDArray[np.float64]
    u_approx: npt.NDArray[np.uint8]
    u_xyz: npt.NDArray[np.float64]
    u_virtual: npt.NDArray[np.bool_]
    plan_keys: tuple[str, ...]  # insurer keys of "members only" services (``s_plan_only`` codes)
    rule_sets: tuple[tuple[Rule, ...], ...]
    rule_kinds: tuple[frozenset[str], ...]
    area_sets: tuple[tuple[AreaMatcher, ...], ...]
    languages: dict[str, int]
    members: dict[str, CategoryMembers]
    categories: NeedCategories
    unclassified: tuple[str, ...]
    one_unit_per_service: bool
    # --- added for issue 10 (contact mode, schedule validity at a moment) ---
    s_contact: npt.NDArray[np.uint8]
    s_week_pattern: npt.NDArray[np.int32]
    week_wait: npt.NDArray[np.int16]
    s_valid_first: npt.NDArray[np.int64]
    s_valid_last: npt.NDArray[np.int64]
    s_tz_offset_h: npt.NDArray[np.float64]
    closure_service: npt.NDArray[np.int32]
    closure_first: npt.NDArray[np.int64]
    closure_last: npt.NDArray[np.int64]
    s_schedule_set: npt.NDArray[np.int32]
    schedule_sets: tuple[CompiledSchedules, ...]
    programme_sets: tuple[tuple[int, ...], ...] = ()
    """The rule sets (into ``rule_sets``) of the numbered programmes that together are a
    service's only evidence for a category (:attr:`CategoryMembers.programme`): a client is
    turned away from that need only by all of them."""

    @property
    def n_services(self) -> int:
        """Number of services."""
        return len(self.service_ids)

    @property
    def n_units(self) -> int:
        """Number of units (service-at-location rows)."""
        return len(self.u_service)

    def language_mask(self, codes: frozenset[str]) -> int:
        """Bit mask of ``codes`` in this index's language bits (0 for languages no service lists)."""
        mask = 0
        for code in codes:
            bit = self.languages.get(code)
            if bit is not None:
                mask |= 1 << bit
        return mask

    def nbytes(self) -> int:
        """Bytes held by the numeric arrays (not the id/name strings)."""
        total = 0
        for value in vars(self).values():
            if isinstance(value, np.ndarray) and value.dtype != object:
                total += value.nbytes
        for m in self.members.values():
            total += m.units.nbytes + m.confidence.nbytes + m.evidence.nbytes + m.cells.nbytes
            if m.programme is not None:
                total += m.programme.nbytes
        return total

    @classmethod
    def build(
        cls,
        directory: Directory,
        *,
        categories: NeedCategories | None = None,
        min_confidence: float = MEMBER_FLOOR,
        default_language: str = "en",
    ) -> DirectoryIndex:
        """Classify, parse and pack ``directory`` once. ``min_confidence`` is the least need
        relevance (0-1) for a service to count as a member of a category at all; members below
        the matcher's ``min_need_fit`` are reported as weak fits, not ranked. A service that
        lists no language is taken to work in ``default_language`` (ISO 639 code)."""
        categories = categories or NeedCategories.default()
        services = list(directory.services.values())
        n = len(services)
        ids = np.array([s.id for s in services], dtype=object)
        id_rank = np.empty(n, dtype=np.int64)
        id_rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(n)

        rule_keys: dict[tuple[Any, ...], int] = {}
        plan_codes: dict[str, int] = {}
        rule_sets: list[tuple[Rule, ...]] = []
        rule_ids: dict[tuple[Rule, ...], int] = {}
        area_keys: dict[tuple[Any, ...], int] = {}
        area_sets: list[tuple[AreaMatcher, ...]] = [()]
        area_keys[()] = 0
        s_rule = np.empty(n, dtype=np.int32)
        s_area = np.empty(n, dtype=np.int32)
        s_population = np.zeros(n, dtype=np.uint64)
        lang_counts: Counter[str] = Counter()
        facts = []
        sched_masks = np.zeros((n, 168), dtype=np.bool_)
        schedule_text = np.empty(n, dtype=object)
        org_names = np.empty(n, dtype=object)
        phones = np.empty(n, dtype=object)
        unit_rows: list[tuple[int, Any]] = []
        schedule_memo: dict[tuple[Any, ...], tuple[npt.NDArray[np.bool_], str | None]] = {}
        text_rows = []
        for i, service in enumerate(services):
            locations = directory.locations_of(service)
            key = rules_key(service)
            if key not in rule_keys:
                rules = tuple(rules_for_service(service))
                if rules not in rule_ids:  # services with the same rules share one verdict
                    rule_ids[rules] = len(rule_sets)
                    rule_sets.append(rules)
                rule_keys[key] = rule_ids[rules]
            s_rule[i] = rule_keys[key]
            states = {
                a.state_province for loc in locations for a in loc.addresses if a.state_province
            }
            state = normalize_state(next(iter(states))) if len(states) == 1 else None
            areas = area_specs(directory, service, locations)
            area_key = (state, *areas) if areas else ()
            if area_key not in area_keys:
                area_keys[area_key] = len(area_sets)
                area_sets.append(tuple(AreaMatcher(*a, state=state) for a in areas))
            s_area[i] = area_keys[area_key]
            f = service_facts(service, locations, default_language)
            facts.append(f)
            lang_counts.update(f.languages or {default_language})
            schedules = directory.schedules_of(service)
            if schedules:
                # most services share a handful of opening patterns: read each pattern once
                pattern = tuple(_schedule_key(sc) for sc in schedules)
                known = schedule_memo.get(pattern)
                if known is None:
                    known = (week_mask(schedules), describe(schedules) or None)
                    schedule_memo[pattern] = known
                sched_masks[i], schedule_text[i] = known
            org = directory.organization_of(service)
            org_names[i] = org.name if org else None
            phone = service.phones[0].number if service.phones else None
            if phone is None:
                phone = next((p.number for loc in locations for p in loc.phones), None)
            phones[i] = phone
            if locations:
                unit_rows.extend((i, loc) for loc in locations)
            else:
                unit_rows.append((i, None))
            terms = directory.taxonomy_terms_of(service)
            triples = tuple((t.taxonomy, t.code, t.name) for t in terms)
            audience = "; ".join(
                a.value or "" for a in service.attributes if a.link_type == "audience"
            )
            s_population[i] = population_mask(
                service_targets(
                    service.name,
                    service.eligibility_description or "",
                    audience,
                    triples,
                    service.description or "",
                )
            ) | (population_mask(named_targets(service.name)) << NAMED_SHIFT)
            text_rows.append(ServiceText.of(service, triples))

        ranked_langs = [
            code for code, _ in sorted(lang_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        languages = {code: min(bit, OTHER_LANGUAGE_BIT) for bit, code in enumerate(ranked_langs)}
        s_lang = np.zeros(n, dtype=np.uint64)
        for i, f in enumerate(facts):
            mask = 0
            for code in f.languages or {default_language}:
                mask |= 1 << languages[code]
            s_lang[i] = mask

        u_service = np.array([i for i, _ in unit_rows], dtype=np.int32)
        u_lat, u_lon, u_approx = _unit_positions([loc for _, loc in unit_rows])
        s_virtual = np.array([f.virtual for f in facts], dtype=np.bool_)
        u_virtual = np.array(
            [
                ((loc is None or loc.location_type == "virtual") and s_virtual[i])
                or (loc is not None and loc.location_type == "virtual")
                for i, loc in unit_rows
            ],
            dtype=np.bool_,
        )
        xyz = (
            unit_vectors(np.nan_to_num(u_lat), np.nan_to_num(u_lon))
            if len(unit_rows)
            else np.zeros((0, 3))
        )

        table = relevance_table(text_rows, categories, floor=min_confidence)
        by_category: dict[str, tuple[list[int], list[float], list[int]]] = {}
        programmes: dict[str, dict[int, int]] = {}  # category -> service row -> programme set
        programme_ids: dict[tuple[int, ...], int] = {}
        read: dict[str, tuple[Rule, ...]] = {}  # programme text -> its rules
        for row, cat, rel, ev, progs in zip(
            table.service.tolist(), table.category.tolist(), table.relevance.tolist(),
            table.evidence.tolist(), table.programme or [()] * len(table.service), strict=True,
        ):  # fmt: skip
            row_list, rels, evs = by_category.setdefault(table.keys[cat], ([], [], []))
            row_list.append(row)
            rels.append(rel)
            evs.append(ev)
            for text in progs:  # a programme serving several categories is read once
                if text not in read:
                    read[text] = tuple(programme_rules(text))
            own_rules = [read[text] for text in progs]
            if not own_rules or not all(own_rules):
                continue  # no programme, or one open to anyone, serves the need
            for rules in own_rules:
                if rules not in rule_ids:
                    rule_ids[rules] = len(rule_sets)
                    rule_sets.append(rules)
            key = tuple(rule_ids[rules] for rules in own_rules)
            programmes.setdefault(table.keys[cat], {})[row] = programme_ids.setdefault(key, len(programme_ids))
        unit_order = np.argsort(u_service, kind="stable")
        starts = np.searchsorted(u_service[unit_order], np.arange(n + 1))
        cells = cell_keys(u_lat, u_lon, u_virtual)
        members: dict[str, CategoryMembers] = {}
        for category, (member_rows, rel_list, ev_list) in by_category.items():
            rows_ = np.array(member_rows, dtype=np.int64)
            confs = np.array(rel_list, dtype=np.float64)
            evidence = np.array(ev_list, dtype=np.uint8)
            counts = starts[rows_ + 1] - starts[rows_]
            units = (
                np.concatenate([unit_order[starts[r] : starts[r + 1]] for r in rows_])
                if len(rows_)
                else np.empty(0, np.int64)
            )
            unit_conf = np.repeat(confs, counts)
            unit_ev = np.repeat(evidence, counts)
            order = np.lexsort((units, cells[units]))
            own = programmes.get(category)
            programme = None
            if own:
                per_row = np.array([own.get(r, -1) for r in member_rows], dtype=np.int32)
                programme = np.repeat(per_row, counts)[order]
            members[category] = CategoryMembers(
                units=units[order].astype(np.int32),
                confidence=unit_conf[order].astype(np.float32),
                evidence=unit_ev[order],
                cells=cells[units[order]],
                n_services=len(rows_),
                programme=programme,
            )
        classified_rows = set(table.service.tolist())
        unclassified = tuple(str(ids[i]) for i in range(n) if i not in classified_rows)

        return cls(
            service_ids=ids,
            service_names=np.array([s.name for s in services], dtype=object),
            organization_names=org_names,
            phones=phones,
            schedule_text=schedule_text,
            s_id_rank=id_rank,
            s_active=np.array([s.status == "active" for s in services], dtype=np.bool_),
            s_rule_set=s_rule,
            s_area_set=s_area,
            s_lang=s_lang,
            s_interp=np.array([f.interpretation for f in facts], dtype=np.bool_),
            s_lang_listed=np.array([f.languages_listed for f in facts], dtype=np.bool_),
            s_teaches_english=np.array([f.teaches_english for f in facts], dtype=np.bool_),
            s_free=np.array([f.free for f in facts], dtype=np.bool_),
            s_sliding=np.array([f.sliding_scale for f in facts], dtype=np.bool_),
            s_fee_known=np.array([f.fee_known for f in facts], dtype=np.bool_),
            s_private_pay=np.array([f.private_pay for f in facts], dtype=np.bool_),
            s_insurance=np.array([insurance_bits(f.insurance) for f in facts], dtype=np.uint8),
            s_insurance_required=np.array([f.insurance_required for f in facts], dtype=np.bool_),
            s_plan_only=np.array(
                [plan_codes.setdefault(f.plan_only, len(plan_codes)) if f.plan_only else -1
                 for f in facts],
                dtype=np.int16,
            ),
            plan_keys=tuple(plan_codes),
            s_capacity=np.array([CAPACITY_CODES[f.capacity] for f in facts], dtype=np.uint8),
            s_virtual=s_virtual,
            s_population=s_population,
            s_schedule=pack_week_masks(sched_masks) if n else np.zeros((0, 3), dtype=np.uint64),
            s_has_schedule=np.asarray(sched_masks.any(axis=1), dtype=np.bool_),
            u_service=u_service,
            u_location_ids=np.array(
                [loc.id if loc is not None else None for _, loc in unit_rows], dtype=object
            ),
            u_location_names=np.array(
                [loc.name if loc is not None else None for _, loc in unit_rows], dtype=object
            ),
            u_lat=u_lat,
            u_lon=u_lon,
            u_approx=u_approx,
            u_xyz=np.asarray(xyz, dtype=np.float64),
            u_virtual=u_virtual,
            rule_sets=tuple(rule_sets),
            rule_kinds=tuple(frozenset(r.kind for r in rules) for rules in rule_sets),
            area_sets=tuple(area_sets),
            languages=languages,
            members=members,
            categories=categories,
            unclassified=unclassified,
            one_unit_per_service=len(u_service) == n,
            # --- added for issue 10 ---
            s_contact=_contact_modes(services, by_category),
            **moment_columns(services, directory, sched_masks),
            programme_sets=tuple(programme_ids),
        )


SAFETY_MEMBER_FIT = 0.5
"""Least relevance to a crisis or safety category for a remote service to count as a phone line
(:func:`.contact.contact_mode` ``crisis_or_safety``)."""


def _contact_modes(
    services: list[Any], by_category: dict[str, tuple[list[int], list[float], list[int]]]
) -> npt.NDArray[np.uint8]:
    """Contact mode (:mod:`.contact`) of each service (added for issue 10)."""
    safety = {
        row
        for key in SAFETY_CATEGORIES
        if key in by_category
        for row, rel in zip(by_category[key][0], by_category[key][1], strict=True)
        if rel >= SAFETY_MEMBER_FIT
    }
    return np.array(
        [
            contact_mode(
                " ".join(t for t in (s.name, s.alternate_name) if t),
                s.description or "",
                crisis_or_safety=i in safety,
            )
            for i, s in enumerate(services)
        ],
        dtype=np.uint8,
    )
