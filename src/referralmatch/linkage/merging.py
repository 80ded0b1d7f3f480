"""Merging two directories: link their records, keep one of each duplicate, say where all came from.

:func:`merge` links the organizations, locations and services two sources share (blocking, then
a scorer, then one-to-one decisions; see :mod:`referralmatch.linkage`), and builds one
:class:`~referralmatch.Directory` in which:

- a linked pair becomes one record that keeps the **first source's id**; each field takes the
  first source's value, or the second's when the first has none (lists such as phones too: the
  first source's list when it is not empty);
- every record of the second source that is not linked is kept, under its own id (prefixed with
  the source name when that id is already taken);
- every reference (a service's organization, a link's service and location, an attribute's
  taxonomy term, a phone's service) points at the surviving ids, and service-at-location links
  that become identical are merged;
- uncertain pairs are left unmerged and listed in :attr:`MergeResult.review`.

Provenance is kept in two tables rather than inside the records (so the records stay valid
HSDS and the merged directory exports as before): :attr:`MergeResult.records` accounts for every
input record (its source, its id, the id it survives as, and whether it was kept or merged), and
:attr:`MergeResult.provenance` names the source and source id of every non-empty field of every
merged record.

Example:
    >>> from referralmatch import Directory
    >>> from referralmatch.models import Organization, Service, Phone
    >>> a = Directory(organizations=[Organization(id="o1", name="Harbor House, Inc.",
    ...     website="http://www.harborhouse.org/")],
    ...     services=[Service(id="s1", organization_id="o1", name="Emergency Shelter",
    ...     phones=[Phone(id="p1", number="(410) 555-0100")])])
    >>> b = Directory(organizations=[Organization(id="X7", name="HARBOR HOUSE",
    ...     website="harborhouse.org", email="info@harborhouse.org")],
    ...     services=[Service(id="S9", organization_id="X7", name="Emergency shelter",
    ...     phones=[Phone(id="q1", number="410.555.0100")])])
    >>> result = merge(a, b, names=("211", "county"))
    >>> result.directory
    Directory(1 organizations, 1 services, 0 locations)
    >>> result.pairs[["entity", "id_a", "id_b", "decision"]].values.tolist()
    [['organization', 'o1', 'X7', 'linked'], ['service', 's1', 'S9', 'linked']]
    >>> result.directory.organizations["o1"].email
    'info@harborhouse.org'
    >>> result.source_of("organization", "o1", "email")
    ('county', 'X7')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ..directory import Directory
from ..errors import ConfigurationError
from ..io.report import LoadReport
from ..models.directory import (
    HSDSModel,
    Location,
    Organization,
    Program,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .blocking import MAX_BLOCK, block, location_keys, organization_keys, service_keys
from .features import (
    LocationFeatures,
    OrgFeatures,
    ServiceFeatures,
    location_features,
    organization_features,
    service_features,
)
from .normalize import normalize_name, normalize_text
from .pairs import Decision, PairScore, decide, pairs_frame
from .rules import score_locations, score_organizations, score_services

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LINK_THRESHOLD", "REVIEW_THRESHOLD", "MergeResult", "link", "merge"]

LINK_THRESHOLD = 0.9
"""Default score at or above which a pair is linked (merged)."""
REVIEW_THRESHOLD = 0.5
"""Default score at or above which an unlinked pair is listed for review."""

ScorerName = Literal["rules", "splink"]
M = TypeVar("M", bound=HSDSModel)

# (Directory attribute, record type in reports and tables, model class), in reference order.
_TABLES: tuple[tuple[str, str, type[HSDSModel]], ...] = (
    ("taxonomies", "taxonomy", Taxonomy),
    ("taxonomy_terms", "taxonomy_term", TaxonomyTerm),
    ("organizations", "organization", Organization),
    ("programs", "program", Program),
    ("locations", "location", Location),
    ("services", "service", Service),
    ("service_at_locations", "service_at_location", ServiceAtLocation),
)
# Foreign-key field -> the table whose ids it holds.
_FOREIGN_KEYS = {
    "organization_id": "organization",
    "parent_organization_id": "organization",
    "program_id": "program",
    "location_id": "location",
    "service_id": "service",
    "service_at_location_id": "service_at_location",
    "taxonomy_term_id": "taxonomy_term",
    "taxonomy_id": "taxonomy",
}
_NESTED_KEYS = ("contact_id", "phone_id")


@dataclass(frozen=True, eq=False)
class MergeResult:
    """What :func:`merge` returns: the merged directory, the pairs, and where every record went.

    ``pairs`` has one row per linked or reviewed pair (columns
    :data:`~referralmatch.linkage.pairs.PAIR_COLUMNS`: entity, id_a, id_b, score, decision,
    agreed, disagreed, missing, reasons); ``review`` is its ``decision == "review"`` part.
    ``records`` has one row per input record: record_type, source, source_id, merged_id,
    outcome (``"kept"``, ``"renamed"`` or ``"merged"``). ``provenance`` has one row per non-empty
    field of every merged record: record_type, id, field, source, source_id.
    """

    directory: Directory
    pairs: pd.DataFrame
    records: pd.DataFrame
    provenance: pd.DataFrame
    names: tuple[str, str]
    scorer: str = "rules"
    _sources: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        linked = int((self.pairs["decision"] == "linked").sum()) if len(self.pairs) else 0
        return (
            f"MergeResult({self.directory!r}, {linked} linked pairs, "
            f"{len(self.review)} for review, scorer={self.scorer!r})"
        )

    @property
    def review(self) -> pd.DataFrame:
        """The uncertain pairs, left unmerged: both records are in the merged directory."""
        return self.pairs[self.pairs["decision"] == "review"].reset_index(drop=True)

    def links(self, entity: str) -> dict[str, str]:
        """Linked pairs of one entity type (organization, location, service) as ``{id_b: id_a}``."""
        rows = self.pairs[(self.pairs["entity"] == entity) & (self.pairs["decision"] == "linked")]
        return dict(zip(rows["id_b"], rows["id_a"], strict=True))

    def source_of(
        self, record_type: str, record_id: str, field_name: str
    ) -> tuple[str, str] | None:
        """``(source name, source id)`` a merged record's field came from; None if it is empty."""
        return self._sources.get((record_type, record_id, field_name))


def _check(names: Sequence[str], link_threshold: float, review_threshold: float) -> tuple[str, str]:
    if len(names) != 2 or not all(isinstance(n, str) and n for n in names) or names[0] == names[1]:
        raise ConfigurationError("names must be two different, non-empty source names")
    if not 0.0 < review_threshold <= link_threshold <= 1.0:
        raise ConfigurationError(
            "thresholds must satisfy 0 < review_threshold <= link_threshold <= 1"
        )
    return names[0], names[1]


def _mapped(links: Iterable[tuple[PairScore, Decision]]) -> dict[str, str]:
    return {p.id_b: p.id_a for p, d in links if d == "linked"}


Scorer = Callable[..., list[PairScore]]


def _rule_scorer(
    entity: str,
    fa: Mapping[str, Any],
    fb: Mapping[str, Any],
    candidates: list[tuple[str, str]],
    org_map: dict[str, str],
    location_map: dict[str, str],
) -> list[PairScore]:
    if entity == "organization":
        return [score_organizations(fa[i], fb[j]) for i, j in candidates]
    if entity == "location":
        return [score_locations(fa[i], fb[j], org_map=org_map) for i, j in candidates]
    return [
        score_services(fa[i], fb[j], org_map=org_map, location_map=location_map)
        for i, j in candidates
    ]


def link(
    a: Directory,
    b: Directory,
    *,
    scorer: ScorerName = "rules",
    link_threshold: float = LINK_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    max_block: int = MAX_BLOCK,
) -> list[tuple[PairScore, Decision]]:
    """Link ``a`` and ``b`` without merging: every decided pair, organizations first.

    Organizations are linked first, then locations (their organizations' links count as
    evidence), then services (organization and location links count, and bring services
    together for comparison). ``scorer="splink"`` needs the ``linkage`` extra.
    """
    if scorer == "rules":
        score: Scorer = _rule_scorer
    elif scorer == "splink":
        from .splink_model import splink_scorer

        score = splink_scorer
    else:
        raise ConfigurationError("scorer must be 'rules' or 'splink'")
    loc_a, loc_b = location_features(a), location_features(b)
    org_a: dict[str, OrgFeatures] = organization_features(a, loc_a)
    org_b: dict[str, OrgFeatures] = organization_features(b, loc_b)
    svc_a: dict[str, ServiceFeatures] = service_features(a, loc_a)
    svc_b: dict[str, ServiceFeatures] = service_features(b, loc_b)
    thresholds = {"link_threshold": link_threshold, "review_threshold": review_threshold}
    decided: list[tuple[PairScore, Decision]] = []

    candidates = block(organization_keys(org_a), organization_keys(org_b), max_block=max_block)
    orgs = decide(score("organization", org_a, org_b, candidates, {}, {}), **thresholds)
    org_map = _mapped(orgs)
    decided += orgs

    loc_fa: dict[str, LocationFeatures] = loc_a
    candidates = block(
        location_keys(loc_fa, neighbours=False),
        location_keys(loc_b, neighbours=True),
        max_block=max_block,
    )
    locs = decide(score("location", loc_a, loc_b, candidates, org_map, {}), **thresholds)
    loc_map = _mapped(locs)
    decided += locs

    candidates = block(
        service_keys(svc_a),
        service_keys(svc_b, org_map=org_map, location_map=loc_map),
        max_block=max_block,
    )
    decided += decide(score("service", svc_a, svc_b, candidates, org_map, loc_map), **thresholds)
    return decided


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


class _Assembler:
    """Builds the merged directory from the two sources and the decided links."""

    def __init__(self, a: Directory, b: Directory, names: tuple[str, str]) -> None:
        self.a, self.b, self.names = a, b, names
        self.maps: dict[str, dict[str, str]] = {rt: {} for _, rt, _ in _TABLES}
        self.merged: dict[str, set[str]] = {rt: set() for _, rt, _ in _TABLES}
        self.nested: dict[str, str] = {}
        self.records: list[tuple[str, str, str, str, str]] = []
        self.provenance: list[tuple[str, str, str, str, str]] = []
        self.sources: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.report = LoadReport(source=f"merge of {names[0]} and {names[1]}", format="merge")
        self.scores: dict[tuple[str, str], tuple[str, float]] = {}

    # -- id maps -------------------------------------------------------------------------------

    def _fresh(self, record_type: str, attr: str, wanted: str, taken: set[str]) -> str:
        if wanted not in getattr(self.a, attr) and wanted not in taken:
            return wanted
        base = f"{self.names[1]}:{wanted}"
        candidate, n = base, 1
        while candidate in getattr(self.a, attr) or candidate in taken:
            n += 1
            candidate = f"{base}~{n}"
        return candidate

    def build_maps(self, links: Mapping[str, Mapping[str, str]]) -> None:
        """Map every id of the second source to its merged id (linked, kept, or renamed)."""
        for attr, record_type, _ in _TABLES:
            linked = dict(links.get(record_type, {}))
            if record_type == "taxonomy":
                linked = self._same_taxonomies()
            elif record_type == "taxonomy_term":
                linked = self._same_terms()
            elif record_type == "program":
                linked = self._same_programs()
            elif record_type == "service_at_location":
                linked = self._same_links()
            taken: set[str] = set()
            for rid in getattr(self.b, attr):
                if rid in linked:
                    self.maps[record_type][rid] = linked[rid]
                    self.merged[record_type].add(rid)
                else:
                    new = self._fresh(record_type, attr, rid, taken)
                    self.maps[record_type][rid] = new
                    taken.add(new)

    def _same_taxonomies(self) -> dict[str, str]:
        by_name = {normalize_text(t.name): t.id for t in self.a.taxonomies.values()}
        return {
            t.id: by_name[normalize_text(t.name)]
            for t in self.b.taxonomies.values()
            if normalize_text(t.name) in by_name
        }

    def _term_key(self, d: Directory, term: TaxonomyTerm) -> tuple[str | None, str | None]:
        taxonomy = term.taxonomy
        if taxonomy is None and term.taxonomy_id and term.taxonomy_id in d.taxonomies:
            taxonomy = d.taxonomies[term.taxonomy_id].name
        code = term.code.strip().lower() if term.code else None
        return normalize_text(taxonomy), code or normalize_text(term.name)

    def _same_terms(self) -> dict[str, str]:
        by_key: dict[tuple[str | None, str | None], str] = {}
        for term in self.a.taxonomy_terms.values():
            by_key.setdefault(self._term_key(self.a, term), term.id)
        out = {}
        for term in self.b.taxonomy_terms.values():
            key = self._term_key(self.b, term)
            if key[1] is not None and key in by_key:
                out[term.id] = by_key[key]
        return out

    def _same_programs(self) -> dict[str, str]:
        orgs = self.maps["organization"]
        by_key = {
            (p.organization_id, normalize_name(p.name)): p.id for p in self.a.programs.values()
        }
        out = {}
        for p in self.b.programs.values():
            key = (orgs.get(p.organization_id or "", p.organization_id), normalize_name(p.name))
            if key in by_key:
                out[p.id] = by_key[key]
        return out

    def _same_links(self) -> dict[str, str]:
        svc, loc = self.maps["service"], self.maps["location"]
        by_key = {
            (sal.service_id, sal.location_id): sal.id
            for sal in self.a.service_at_locations.values()
        }
        out = {}
        for sal in self.b.service_at_locations.values():
            key = (
                svc.get(sal.service_id, sal.service_id),
                loc.get(sal.location_id or "", sal.location_id),
            )
            if key in by_key:
                out[sal.id] = by_key[key]
        return out

    def build_nested(self) -> None:
        """Rename nested ids (phones, addresses, ...) of the second source that the first uses."""
        used: set[str] = set()
        for attr, _, _ in _TABLES:
            for record in getattr(self.a, attr).values():
                _collect_ids(record.model_dump(), used, top=True)
        seen: set[str] = set()
        for attr, _, _ in _TABLES:
            for record in getattr(self.b, attr).values():
                _collect_ids(record.model_dump(), seen, top=True)
        for nid in sorted(seen & used):
            new, n = f"{self.names[1]}:{nid}", 1
            while new in used or new in seen:
                n += 1
                new = f"{self.names[1]}:{nid}~{n}"
            self.nested[nid] = new

    # -- rewriting -----------------------------------------------------------------------------

    def _rewrite(self, data: Any, owner: tuple[str, str, str], top: bool) -> Any:
        if isinstance(data, list):
            return [self._rewrite(item, owner, False) for item in data]
        if not isinstance(data, dict):
            return data
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "id" and isinstance(value, str):
                out[key] = owner[2] if top else self.nested.get(value, value)
            elif key in _FOREIGN_KEYS and isinstance(value, str):
                out[key] = self.maps[_FOREIGN_KEYS[key]].get(value, value)
            elif key == "parent_id" and owner[0] == "taxonomy_term" and isinstance(value, str):
                out[key] = self.maps["taxonomy_term"].get(value, value)
            elif key in _NESTED_KEYS and isinstance(value, str):
                out[key] = self.nested.get(value, value)
            elif key == "link_id" and isinstance(value, str):
                out[key] = owner[2] if value == owner[1] else self._link_target(data, value)
            else:
                out[key] = self._rewrite(value, owner, False)
        return out

    def _link_target(self, data: Mapping[str, Any], value: str) -> str:
        entity = str(data.get("link_entity") or "")
        table = entity if entity in self.maps else None
        return self.maps[table].get(value, value) if table else value

    def rewritten(self, record_type: str, record: M) -> M:
        """A second-source record with its id and every reference mapped to merged ids."""
        new_id = self.maps[record_type][record.id]
        data = self._rewrite(record.model_dump(), (record_type, record.id, new_id), True)
        return type(record).model_validate(data)

    # -- assembly ------------------------------------------------------------------------------

    def _note(
        self, record_type: str, record: HSDSModel, origins: Mapping[str, tuple[str, str]]
    ) -> None:
        """One provenance row per non-empty field of ``record``; ``origins`` overrides the default."""
        default = origins.get("", (self.names[0], record.id))
        for fname in type(record).model_fields:
            if fname == "id" or _empty(getattr(record, fname)):
                continue
            source = origins.get(fname, default)
            self.provenance.append((record_type, record.id, fname, source[0], source[1]))
            self.sources[(record_type, record.id, fname)] = source

    def _combine(
        self, first: M, others: list[tuple[M, str]]
    ) -> tuple[M, dict[str, tuple[str, str]]]:
        """``first`` with its empty fields filled from ``others`` in turn, and where each came from."""
        update: dict[str, Any] = {}
        origins: dict[str, tuple[str, str]] = {}
        for fname in type(first).model_fields:
            if fname == "id" or not _empty(getattr(first, fname)):
                continue
            for other, other_id in others:
                theirs = getattr(other, fname)
                if not _empty(theirs):
                    update[fname] = theirs
                    origins[fname] = (self.names[1], other_id)
                    break
        return (first.model_copy(update=update) if update else first), origins

    def assemble(self) -> Directory:
        """The merged directory; fills ``records``, ``provenance`` and the report."""
        tables: dict[str, list[HSDSModel]] = {}
        for attr, record_type, _ in _TABLES:
            a_records: dict[str, HSDSModel] = dict(getattr(self.a, attr))
            b_records: dict[str, HSDSModel] = getattr(self.b, attr)
            into: dict[str, list[tuple[HSDSModel, str]]] = {}
            extra: list[tuple[HSDSModel, str]] = []
            b_rows: list[tuple[str, str, str, str, str]] = []
            for rid, record in b_records.items():
                new = self.rewritten(record_type, record)
                self.report.count_read(record_type)
                if rid in self.merged[record_type]:
                    into.setdefault(new.id, []).append((new, rid))
                    b_rows.append((record_type, self.names[1], rid, new.id, "merged"))
                    self.report.count_loaded(record_type, repaired=True)
                    how = self.scores.get((record_type, rid))
                    why = f" (score {how[1]:.2f})" if how else " (same key)"
                    self.report.add(
                        "repair",
                        record_type,
                        f"merged into {self.names[0]} record {new.id}{why}",
                        file=self.names[1],
                        record_id=rid,
                    )
                else:
                    extra.append((new, rid))
                    outcome = "kept" if new.id == rid else "renamed"
                    b_rows.append((record_type, self.names[1], rid, new.id, outcome))
                    self.report.count_loaded(record_type)
            out: list[HSDSModel] = []
            for rid, record in a_records.items():
                self.report.count_read(record_type)
                self.report.count_loaded(record_type)
                self.records.append((record_type, self.names[0], rid, rid, "kept"))
                combined, origins = self._combine(record, into.get(rid, []))
                self._note(record_type, combined, origins)
                out.append(combined)
            self.records.extend(b_rows)
            for record, original in extra:
                self._note(record_type, record, {"": (self.names[1], original)})
                out.append(record)
            tables[attr] = out
        return Directory(
            organizations=_typed(tables["organizations"], Organization),
            programs=_typed(tables["programs"], Program),
            services=_typed(tables["services"], Service),
            locations=_typed(tables["locations"], Location),
            service_at_locations=_typed(tables["service_at_locations"], ServiceAtLocation),
            taxonomies=_typed(tables["taxonomies"], Taxonomy),
            taxonomy_terms=_typed(tables["taxonomy_terms"], TaxonomyTerm),
            report=self.report,
        )


def _typed(records: list[HSDSModel], cls: type[M]) -> list[M]:
    return [r for r in records if isinstance(r, cls)]


def _collect_ids(data: Any, into: set[str], *, top: bool) -> None:
    if isinstance(data, list):
        for item in data:
            _collect_ids(item, into, top=False)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key == "id" and not top and isinstance(value, str):
                into.add(value)
            elif isinstance(value, (list, dict)):
                _collect_ids(value, into, top=False)


def merge(
    a: Directory,
    b: Directory,
    *,
    names: Sequence[str] = ("a", "b"),
    scorer: ScorerName = "rules",
    link_threshold: float = LINK_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    max_block: int = MAX_BLOCK,
) -> MergeResult:
    """Merge directory ``b`` into directory ``a``: duplicates found, merged, explained.

    Args:
        a: the first (preferred) source; its ids and non-empty field values win.
        b: the second source; its records fill gaps or are added.
        names: the two sources' names, used in the provenance tables, reports and (for the
            second source) as the prefix of ids that would collide.
        scorer: ``"rules"`` (hand-written weights, the default; it won the benchmark in
            ``docs/merging.md``) or ``"splink"`` (a Fellegi–Sunter model trained by EM on the
            candidate pairs; needs ``pip install 'referralmatch[linkage]'``).
        link_threshold: pairs scoring at least this (0-1) are merged, one to one.
        review_threshold: pairs scoring at least this but not linked are listed for review.
        max_block: blocking keys shared by more records than this on a side are not used.

    Returns:
        A :class:`MergeResult`; its ``directory.report`` counts every input record as loaded
        (``repaired`` when merged into another, with a ``repair`` issue naming the survivor).

    Raises:
        ConfigurationError: the names are not two distinct strings, or the thresholds are
            out of order.
        MissingExtraError: ``scorer="splink"`` without splink installed.
    """
    first, second = _check(names, link_threshold, review_threshold)
    if not isinstance(a, Directory) or not isinstance(b, Directory):
        raise TypeError("merge takes two Directory objects")
    decided = link(
        a,
        b,
        scorer=scorer,
        link_threshold=link_threshold,
        review_threshold=review_threshold,
        max_block=max_block,
    )
    links: dict[str, dict[str, str]] = {}
    assembler = _Assembler(a, b, (first, second))
    for pair, decision in decided:
        if decision == "linked":
            links.setdefault(pair.entity, {})[pair.id_b] = pair.id_a
            assembler.scores[(pair.entity, pair.id_b)] = (pair.id_a, pair.score)
    assembler.build_maps(links)
    assembler.build_nested()
    directory = assembler.assemble()
    for pair, decision in decided:
        if decision == "review":
            assembler.report.add(
                "warning",
                pair.entity,
                f"possible duplicate of {first} record {pair.id_a} (score {pair.score:.2f}); "
                "left unmerged for review",
                file=second,
                record_id=pair.id_b,
            )
    import pandas as pd

    records = pd.DataFrame(
        assembler.records, columns=["record_type", "source", "source_id", "merged_id", "outcome"]
    )
    provenance = pd.DataFrame(
        assembler.provenance, columns=["record_type", "id", "field", "source", "source_id"]
    )
    return MergeResult(
        directory=directory,
        pairs=pairs_frame(decided),
        records=records,
        provenance=provenance,
        names=(first, second),
        scorer=scorer,
        _sources=assembler.sources,
    )
