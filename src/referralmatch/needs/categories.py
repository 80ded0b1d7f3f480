"""Need categories as data: the `NeedCategory` model and the `NeedCategories` registry.

The packaged ``categories.json`` lists every category (key, label, parent, Open Eligibility term
ids and names, Gravity SDOH code, keywords, synonyms, negative and context keywords, and whether
the category is sensitive under 42 CFR Part 2 or for safety). Users add their own categories with
:meth:`NeedCategories.extend`, which returns a new registry and never edits the package.

Example:
    >>> cats = NeedCategories.default()
    >>> cats.get("emergency_shelter").parent
    'housing'
    >>> cats.ancestors("individual_therapy")
    ('therapy',)
    >>> cats.is_sensitive("individual_therapy"), cats.gravity_code("rental_assistance")
    (True, 'housing-instability')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from referralmatch.errors import ConfigurationError

__all__ = ["NeedCategories", "NeedCategory"]

_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


class NeedCategory(BaseModel):
    """One need category, exactly as one entry of ``categories.json``.

    ``keywords`` are strong, specific phrases; ``synonyms`` are looser related words and
    abbreviations (weighted a little lower); ``negative_keywords`` are phrases that must not count
    as evidence for this category ("food safety" is not food assistance); ``context_keywords``
    count only when the parent category is also evidenced ("telehealth" on a counseling service
    means telehealth therapy). ``open_eligibility_ids`` are numeric Open Eligibility 2.0 term ids;
    ``airs_codes`` map AIRS/211 LA code prefixes to a strength.

    Example:
        >>> c = NeedCategory(key="pets", label="Pet care", keywords=("pet food",))
        >>> c.parent is None, c.sensitive
        (True, False)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=_KEY_PATTERN)
    label: str = Field(min_length=1)
    parent: str | None = Field(default=None, pattern=_KEY_PATTERN)
    description: str = ""
    sensitive: bool = False
    gravity_sdoh_code: str | None = None
    open_eligibility_ids: tuple[int, ...] = ()
    open_eligibility_names: tuple[str, ...] = ()
    keywords: tuple[str, ...] = Field(min_length=1)
    synonyms: tuple[str, ...] = ()
    negative_keywords: tuple[str, ...] = ()
    context_keywords: tuple[str, ...] = ()
    parent_lift: float = Field(default=1.0, ge=0, le=1)
    """How much of this category's relevance its parent gets: a place to live is housing (1.0),
    a shelter bed less so (0.8), a rent-help programme is housing help (0.85)."""
    meets_urgent_parent: bool = False
    """An urgent or immediate need for the parent is met by this category in full, whatever
    its ``parent_lift``: for a client who needs housing tonight, a shelter bed *is* housing."""
    peer_group: bool = False
    """A service for this need (and the categories below it) is a group of people who share a
    situation: whom it is for counts by the client's own situations only, not by those whose
    services also serve the client (``targeted_with`` in ``situations.json``): a carer's group is
    not a group for older people, a group for people who are homeless not one for a tenant
    facing eviction."""
    residential: bool = False
    """A service for this category is a place to stay (a shelter, a home): a minor on their own
    needs one aimed at young people, since places for adults and families do not take
    unaccompanied minors (see :func:`~referralmatch.matching.factors.population.unaccompanied_minor`)."""
    meets_parent_for: tuple[str, ...] = ()
    """Situations (``situations.json`` keys) of clients for whom this category meets a need for
    its parent in full, whatever its ``parent_lift``: home-delivered meals are food help for
    people who cannot get out, a weak fit for a generic food need but food itself for a senior
    or a client with a disability."""
    airs_codes: tuple[tuple[str, float], ...] = ()
    """AIRS/211 LA taxonomy code prefixes and how strongly a code under each says the service
    *is* this need (0-1; the longest matching prefix decides, so ``ND-9200`` volunteer
    programmes can be 0 under ``ND`` employment 0.9)."""
    referral_gate: float = Field(default=1.0, ge=0, le=1)
    """The share of its relevance to this category a service keeps when its application process
    requires another agency's referral ("Agency referral required for pantry"): help people
    normally walk into (a pantry) is a detour when it needs a referral first (0.85); residential
    and clinical programmes routinely take referrals from professionals (1.0, no change)."""
    airs_caps: tuple[tuple[str, float], ...] = ()
    """AIRS/211 LA code prefixes that cap this category's relevance of a service whose every
    code about the category falls under them, however its text or its child categories read:
    an extreme-weather shelter (``BH-1800.8500-185``) is a bed on cold nights, not a place to
    live."""
    name_caps: tuple[tuple[str, float], ...] = ()
    """Phrases that, in a service's name, cap this category's relevance whatever its codes and
    text say: a mutual-help fellowship ("Alcoholics Anonymous") is a peer group, not
    substance-use treatment, though 211s code its meetings as counselling."""


def _parse_entries(data: Any, source: str) -> list[NeedCategory]:
    """Validate raw JSON data (a list, or ``{"categories": [...]}``) into categories."""
    if isinstance(data, Mapping):
        data = data.get("categories")
    if not isinstance(data, list):
        raise ConfigurationError(f"{source}: expected a list of categories or {{'categories': [...]}}")
    out: list[NeedCategory] = []
    problems: list[str] = []
    for i, entry in enumerate(data):
        try:
            out.append(entry if isinstance(entry, NeedCategory) else NeedCategory.model_validate(entry))
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            problems.append(f"entry {i}: invalid field(s) {', '.join(fields)}")
    if problems:
        raise ConfigurationError(f"{source}: " + "; ".join(problems))
    return out


def _read_file(path: str | Path) -> list[NeedCategory]:
    """Categories from a JSON file, validated one by one (parents are checked later)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            f"cannot read need categories from {p.name}: {type(exc).__name__}"
        ) from None
    return _parse_entries(data, p.name)


class NeedCategories:
    """An immutable registry of need categories with their hierarchy.

    Build it with :meth:`default`, :meth:`from_file` or ``NeedCategories([...])``; every parent
    must exist, keys must be unique and the hierarchy must have no cycles (all problems are
    reported at once as a :class:`~referralmatch.errors.ConfigurationError`).

    Example:
        >>> cats = NeedCategories.default()
        >>> "housing" in cats, "no_such_need" in cats
        (True, False)
        >>> cats.children("support_groups")[:2]
        ('peer_recovery', 'grief_support')
    """

    __slots__ = ("_by_key", "_children", "_order")

    def __init__(self, categories: Iterable[NeedCategory | Mapping[str, Any]]) -> None:
        cats = _parse_entries(list(categories), "categories")
        problems: list[str] = []
        by_key: dict[str, NeedCategory] = {}
        for c in cats:
            if c.key in by_key:
                problems.append(f"duplicate key {c.key!r}")
            by_key[c.key] = c
        children: dict[str, list[str]] = {k: [] for k in by_key}
        for c in by_key.values():
            if c.parent is not None:
                if c.parent not in by_key:
                    problems.append(f"category {c.key!r} has unknown parent {c.parent!r}")
                else:
                    children[c.parent].append(c.key)
        for c in by_key.values():
            seen = {c.key}
            p = c.parent
            while p is not None and p in by_key:
                if p in seen:
                    problems.append(f"category {c.key!r} is in a parent cycle")
                    break
                seen.add(p)
                p = by_key[p].parent
        if problems:
            raise ConfigurationError("invalid need categories: " + "; ".join(problems))
        self._by_key = by_key
        self._order = tuple(by_key)
        self._children = {k: tuple(v) for k, v in children.items()}

    # ----------------------------------------------------------------- constructors
    @classmethod
    def default(cls) -> NeedCategories:
        """The packaged categories (loaded once, then cached; the registry is immutable).

        Example:
            >>> NeedCategories.default() is NeedCategories.default()
            True
            >>> len(NeedCategories.default()) >= 33
            True
        """
        return _default()

    @classmethod
    def from_file(cls, path: str | Path) -> NeedCategories:
        """Load categories from a JSON file (a list, or ``{"categories": [...]}``).

        Raises :class:`~referralmatch.errors.ConfigurationError` naming the file and the bad
        entries' fields when the file is unreadable or invalid.

        Example:
            >>> import json, tempfile, os
            >>> d = tempfile.mkdtemp(); p = os.path.join(d, "c.json")
            >>> _ = open(p, "w").write(json.dumps([{"key": "pets", "label": "Pets",
            ...                                     "keywords": ["pet food"]}]))
            >>> NeedCategories.from_file(p).keys()
            ('pets',)
        """
        return cls(_read_file(path))

    def extend(
        self,
        categories_or_path: NeedCategories | Iterable[NeedCategory | Mapping[str, Any]] | str | Path,
        *,
        replace: bool = False,
    ) -> NeedCategories:
        """A new registry with extra categories added (this one is unchanged).

        ``categories_or_path`` is another registry, an iterable of categories (or dicts), or a
        JSON file path. A new category may have an existing one as parent. Re-using an existing
        key raises :class:`~referralmatch.errors.ConfigurationError` unless ``replace=True``, in
        which case the new entry replaces the old one in place.

        Example:
            >>> cats = NeedCategories.default()
            >>> more = cats.extend([{"key": "pet_food", "label": "Pet food", "parent": "food",
            ...                      "keywords": ["pet food bank"]}])
            >>> "pet_food" in more, "pet_food" in cats, more.ancestors("pet_food")
            (True, False, ('food',))
        """
        if isinstance(categories_or_path, NeedCategories):
            new = list(categories_or_path)
        elif isinstance(categories_or_path, str | Path):
            new = _read_file(categories_or_path)
        else:
            new = _parse_entries(list(categories_or_path), "extension")
        merged = dict(self._by_key)
        dupes = [c.key for c in new if c.key in merged]
        if dupes and not replace:
            raise ConfigurationError(
                f"extension re-uses existing key(s) {sorted(dupes)}; pass replace=True to override"
            )
        for c in new:
            merged[c.key] = c
        return NeedCategories(merged.values())

    # ----------------------------------------------------------------- lookups
    def get(self, key: str) -> NeedCategory:
        """The category with this key; ConfigurationError if there is none.

        The message does not repeat the key (it may be a client's free-text need).

        Example:
            >>> NeedCategories.default().get("food").gravity_sdoh_code
            'food-insecurity'
        """
        try:
            return self._by_key[key]
        except KeyError:
            raise ConfigurationError("unknown need category key; see NeedCategories.keys()") from None

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[NeedCategory]:
        return (self._by_key[k] for k in self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        return f"NeedCategories({len(self)} categories)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NeedCategories) and list(self) == list(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __getstate__(self) -> tuple[NeedCategory, ...]:
        return tuple(self)

    def __setstate__(self, state: tuple[NeedCategory, ...]) -> None:
        other = NeedCategories(state)
        self._by_key, self._order, self._children = other._by_key, other._order, other._children

    def keys(self) -> tuple[str, ...]:
        """All category keys in file order (parents before their children in the package file).

        Example:
            >>> NeedCategories.default().keys()[:3]
            ('housing', 'emergency_shelter', 'rental_assistance')
        """
        return self._order

    def children(self, key: str) -> tuple[str, ...]:
        """Direct children of ``key``, in file order.

        Example:
            >>> NeedCategories.default().children("employment")
            ('job_training', 'job_placement', 'supported_employment')
        """
        self.get(key)
        return self._children[key]

    def urgent_children(self, key: str) -> tuple[str, ...]:
        """Children of ``key`` that meet an urgent need for it in full (see
        :attr:`NeedCategory.meets_urgent_parent`).

        Example:
            >>> NeedCategories.default().urgent_children("housing")
            ('emergency_shelter',)
        """
        return tuple(c for c in self.children(key) if self.get(c).meets_urgent_parent)

    def situation_children(self, key: str, situations: Iterable[str]) -> tuple[str, ...]:
        """Children of ``key`` that meet a need for it in full for a client in one of these
        situations (see :attr:`NeedCategory.meets_parent_for`).

        Example:
            >>> cats = NeedCategories.default()
            >>> cats.situation_children("food", ["senior"]), cats.situation_children("food", [])
            (('home_delivered_meals',), ())
        """
        have = set(situations)
        return tuple(c for c in self.children(key) if have.intersection(self.get(c).meets_parent_for))

    def descendants(self, key: str) -> tuple[str, ...]:
        """All categories below ``key`` (depth first, file order), excluding ``key`` itself.

        Example:
            >>> NeedCategories.default().descendants("legal")
            ()
        """
        out: list[str] = []
        stack = list(reversed(self.children(key)))
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(reversed(self._children[k]))
        return tuple(out)

    def ancestors(self, key: str) -> tuple[str, ...]:
        """The parent chain of ``key``, nearest first, excluding ``key`` itself.

        Example:
            >>> NeedCategories.default().ancestors("housing")
            ()
        """
        out: list[str] = []
        p = self.get(key).parent
        while p is not None:
            out.append(p)
            p = self._by_key[p].parent
        return tuple(out)

    def depth(self, key: str) -> int:
        """0 for a top-level category, 1 for its children, and so on.

        Example:
            >>> NeedCategories.default().depth("peer_recovery")
            1
        """
        return len(self.ancestors(key))

    def is_sensitive(self, key: str) -> bool:
        """True when ``key`` or any ancestor is marked sensitive (42 CFR Part 2 or safety).

        Example:
            >>> cats = NeedCategories.default()
            >>> cats.is_sensitive("family_therapy"), cats.is_sensitive("food")
            (True, False)
        """
        return self.get(key).sensitive or any(self._by_key[a].sensitive for a in self.ancestors(key))

    def is_peer_group(self, key: str) -> bool:
        """True when ``key`` or any ancestor is a :attr:`NeedCategory.peer_group`.

        Example:
            >>> cats = NeedCategories.default()
            >>> cats.is_peer_group("grief_support"), cats.is_peer_group("therapy")
            (True, False)
        """
        return self.get(key).peer_group or any(
            self._by_key[a].peer_group for a in self.ancestors(key)
        )

    def gravity_code(self, key: str) -> str | None:
        """The Gravity SDOH category code of ``key``, else of its nearest ancestor that has one.

        Example:
            >>> NeedCategories.default().gravity_code("job_training")
            'employment-status'
        """
        for k in (key, *self.ancestors(key)):
            code = self._by_key[k].gravity_sdoh_code
            if code:
                return code
        return None


@cache
def _default() -> NeedCategories:
    text = resources.files("referralmatch.needs").joinpath("categories.json").read_text("utf-8")
    return NeedCategories(_parse_entries(json.loads(text), "categories.json"))
