"""Blocking: which records of two directories are compared at all (no all-pairs comparison).

A record is compared only with the records of the other source that share a blocking key with
it: a ZIP code, a 250 m grid cell (or a neighbouring one), a street address, a phone number, a
website, an e-mail address, a name prefix, or (for services) an organization or location already
linked. Keys shared by more than ``max_block`` records on a side (a switchboard number used by a
whole county government, say) are skipped, so the work grows with the directory, not its square.

Example:
    >>> block({"a1": {"z:21201"}, "a2": {"z:21202"}}, {"b1": {"z:21201", "p:4105550100"}})
    [('a1', 'b1')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .features import LocationFeatures, OrgFeatures, ServiceFeatures

__all__ = [
    "MAX_BLOCK",
    "block",
    "location_keys",
    "organization_keys",
    "service_keys",
]

MAX_BLOCK = 400
"""Keys held by more records than this on one side are not used for blocking."""


def block(
    keys_a: Mapping[str, Iterable[str]],
    keys_b: Mapping[str, Iterable[str]],
    *,
    max_block: int = MAX_BLOCK,
) -> list[tuple[str, str]]:
    """Sorted, distinct ``(id_a, id_b)`` pairs of records that share at least one key.

    >>> block({"a1": {"k"}, "a2": {"k"}}, {"b1": {"k"}}, max_block=1)
    []
    """
    index: dict[str, list[str]] = defaultdict(list)
    for id_a, keys in keys_a.items():
        for key in set(keys):
            index[key].append(id_a)
    sizes_b: dict[str, int] = defaultdict(int)
    for keys in keys_b.values():
        for key in set(keys):
            sizes_b[key] += 1
    pairs: set[tuple[str, str]] = set()
    for id_b, keys in keys_b.items():
        for key in set(keys):
            members = index.get(key)
            if not members or len(members) > max_block or sizes_b[key] > max_block:
                continue
            pairs.update((id_a, id_b) for id_a in members)
    return sorted(pairs)


def _name_keys(name: str | None) -> set[str]:
    if not name:
        return set()
    words = [w for w in name.split() if len(w) > 2 and w not in {"and", "for", "the", "of"}]
    keys = {"n:" + w[:4] for w in words[:2]}
    if words:
        keys.add("n:" + "".join(sorted(words))[:6])
    return keys


def organization_keys(features: Mapping[str, OrgFeatures]) -> dict[str, set[str]]:
    """Blocking keys of organizations: phones, website, e-mail, name prefixes (with a ZIP)."""
    out: dict[str, set[str]] = {}
    for fid, f in features.items():
        keys = {"p:" + p for p in f.phones}
        if f.website:
            keys.add("w:" + f.website.split("/", 1)[0])
        if f.email:
            keys.add("e:" + f.email)
        names = _name_keys(f.name)
        keys.update(names)
        keys.update(n + "|" + z for n in names for z in f.zips)
        out[fid] = keys
    return out


def location_keys(
    features: Mapping[str, LocationFeatures], *, neighbours: bool
) -> dict[str, set[str]]:
    """Blocking keys of locations: ZIP, street address, phones and grid cell.

    With ``neighbours`` a location also takes the eight cells around its own, so that points
    within one cell side of each other always share a key (used on one side only).
    """
    out: dict[str, set[str]] = {}
    for fid, f in features.items():
        keys = {"p:" + p for p in f.phones}
        if f.zip5:
            keys.add("z:" + f.zip5)
        if f.address_key:
            keys.add("a:" + f.address_key)
        if f.cell is not None:
            row, col = f.cell
            spread = (-1, 0, 1) if neighbours else (0,)
            keys.update(f"g:{row + dr}:{col + dc}" for dr in spread for dc in spread)
        out[fid] = keys
    return out


def service_keys(
    features: Mapping[str, ServiceFeatures],
    *,
    org_map: Mapping[str, str] | None = None,
    location_map: Mapping[str, str] | None = None,
) -> dict[str, set[str]]:
    """Blocking keys of services: organization, locations, phones, e-mail, name prefix with a ZIP.

    ``org_map`` and ``location_map`` translate this side's organization and location ids into
    the other side's (the links already made), so services of linked organizations meet.
    """
    org_map = org_map or {}
    location_map = location_map or {}
    out: dict[str, set[str]] = {}
    for fid, f in features.items():
        keys = {"p:" + p for p in f.phones}
        if f.organization_id:
            keys.add("o:" + org_map.get(f.organization_id, "\0" + f.organization_id))
        keys.update("l:" + location_map.get(i, "\0" + i) for i in f.location_ids)
        if f.email:
            keys.add("e:" + f.email)
        names = _name_keys(f.name)
        keys.update(n + "|" + z for n in names for z in f.zips)
        out[fid] = keys
    return out
