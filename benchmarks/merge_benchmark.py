"""Merge benchmark: two overlapping, perturbed feeds cut from the real Baltimore directory.

The real directory (``../shared/reference/baltimore_icarol_2019/baltimore_hsds3.json``) is split
by service into two sources: a share ``--overlap`` of the services is in both, the rest is split
evenly between "only the first" and "only the second". Organizations and locations follow their
services, so a location shared by services on both sides is in both sources. The first source
keeps the real records and ids. The second gets copies re-identified (new ids for every record
and nested object, records in a shuffled order) and perturbed the way a second feed of the same
county differs: abbreviations and spelled-out words ("Street"/"St.", "Avenue"/"Ave", "and"/"&",
"Suite 200"/"#200"), case changes, typos, dropped punctuation, missing fields (e-mail, website,
description, eligibility, a phone, a taxonomy code, coordinates), reformatted phones, ZIP+4 added
or dropped, websites written with or without scheme, ``www.`` and trailing slash, and pins moved
by 10-80 m.

The truth is the copy relation: a pair (first-source record, second-source record) is a true
match exactly when the second record is the perturbed copy of the first. Records that are
genuine near-duplicates inside the real directory (26 street addresses carry two location
records; one organization lists the same service twice) are *not* matches of each other's
copies: linking them counts as a false positive, and such false positives are counted apart.

Pairwise precision and recall are computed per entity type over the linked pairs (pairs sent
to review count as not linked). Run:

    python benchmarks/merge_benchmark.py                       # seed 7, rules and splink
    python benchmarks/merge_benchmark.py --seeds 1 2 3 --scorers rules
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import referralmatch as rm
from referralmatch.linkage.normalize import normalize_address
from referralmatch.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

DEFAULT_PATH = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "reference"
    / "baltimore_icarol_2019"
    / "baltimore_hsds3.json"
)
ENTITIES = ("organization", "location", "service")


@dataclass(frozen=True)
class Split:
    """The two sources and the truth: per entity, the set of true (id_a, id_b) pairs."""

    a: rm.Directory
    b: rm.Directory
    truth: dict[str, set[tuple[str, str]]]
    original_of_b: dict[str, dict[str, str]]


# -- perturbations ---------------------------------------------------------------------------

_WORD_SWAPS = [
    ("Street", "St."),
    ("Avenue", "Ave"),
    ("Road", "Rd."),
    ("Boulevard", "Blvd"),
    ("Drive", "Dr."),
    ("Lane", "Ln"),
    ("North", "N."),
    ("South", "S."),
    ("East", "E."),
    ("West", "W."),
    ("Suite", "Ste"),
    ("Center", "Ctr"),
    ("Department", "Dept."),
    ("and", "&"),
    ("Incorporated", "Inc."),
    ("Services", "Svcs"),
    ("Saint", "St."),
    ("Association", "Assn."),
    ("Mount", "Mt."),
]


_AMBIGUOUS = {"St."}  # Street or Saint: in names a feed abbreviates it but never expands it


def _swap_words(text: str, rng: random.Random, *, expand: bool = True) -> str:
    for long, short in _WORD_SWAPS:
        if rng.random() < 0.7:
            if re.search(rf"\b{re.escape(long)}\b", text):
                text = re.sub(rf"\b{re.escape(long)}\b", short, text)
            elif (expand or short not in _AMBIGUOUS) and re.search(
                rf"(?<!\w){re.escape(short)}(?!\w)", text
            ):
                text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", long, text)
    return text


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.choice(("drop", "swap", "double"))
    if kind == "drop":
        w = w[:j] + w[j + 1 :]
    elif kind == "swap":
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def perturb_name(text: str, rng: random.Random) -> str:
    """A name as another feed might spell it (abbreviations, case, a typo, punctuation)."""
    if rng.random() < 0.5:
        text = _swap_words(text, rng, expand=False)
    if rng.random() < 0.15:
        text = text.upper()
    elif rng.random() < 0.1:
        text = text.title()
    if rng.random() < 0.15:
        text = _typo(text, rng)
    if rng.random() < 0.1:
        text = re.sub(r"[.,]", "", text)
    return text


def perturb_address(text: str, rng: random.Random) -> str:
    """A street line with its words swapped, its case changed or its punctuation dropped."""
    text = _swap_words(text, rng)
    text = re.sub(
        r"(Suite|Ste\.?) (\w+)", lambda m: rng.choice(["#", "Suite ", "Ste "]) + m.group(2), text
    )
    if rng.random() < 0.15:
        text = text.upper()
    if rng.random() < 0.3:
        text = text.replace(".", "")
    return text


def perturb_phone(number: str, rng: random.Random) -> str:
    """The same phone number in another layout: 410-555-0100, 410.555.0100, +1 410 555 0100."""
    digits = re.sub(r"\D", "", number)
    if len(digits) != 10:
        return number
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return rng.choice(
        [
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"+1 {a} {b} {c}",
            f"({a}){b}-{c}",
            digits,
            f"1-{a}-{b}-{c}",
        ]
    )


def perturb_website(url: str, rng: random.Random) -> str:
    """A website with or without scheme, ``www.`` and trailing slash."""
    bare = re.sub(r"^https?://", "", url.strip()).removeprefix("www.").rstrip("/")
    scheme = rng.choice(["", "http://", "https://"])
    www = rng.choice(["", "www."])
    slash = rng.choice(["", "/"])
    return f"{scheme}{www}{bare}{slash}"


def move_pin(lat: float, lon: float, rng: random.Random) -> tuple[float, float]:
    """The point moved 10-80 m in a random direction."""
    import math

    metres = rng.uniform(10.0, 80.0)
    bearing = rng.uniform(0.0, 2.0 * math.pi)
    dlat = metres * math.cos(bearing) / 111_195.0
    dlon = metres * math.sin(bearing) / (111_195.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 7), round(lon + dlon, 7)


# -- the split -------------------------------------------------------------------------------


class _Renamer:
    """New ids for the second source: per table, and for every nested object."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.maps: dict[str, dict[str, str]] = {}
        self.nested = 0

    def table(self, record_type: str, ids: Iterable[str], prefix: str) -> None:
        ids = list(ids)
        numbers = list(range(1, len(ids) + 1))
        self.rng.shuffle(numbers)
        self.maps[record_type] = {
            old: f"cty-{prefix}-{n:05d}" for old, n in zip(ids, numbers, strict=True)
        }

    def nested_id(self) -> str:
        self.nested += 1
        return f"cty-x-{self.nested:06d}"


_FK = {
    "organization_id": "organization",
    "location_id": "location",
    "service_id": "service",
    "service_at_location_id": "service_at_location",
    "taxonomy_term_id": "taxonomy_term",
}


def _rename(data: Any, renamer: _Renamer, owner: tuple[str, str], top: bool) -> Any:
    if isinstance(data, list):
        return [_rename(x, renamer, owner, False) for x in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "id":
            out[key] = renamer.maps[owner[0]][value] if top else renamer.nested_id()
        elif key in _FK and isinstance(value, str):
            out[key] = renamer.maps[_FK[key]].get(value)
        elif key == "link_id" and isinstance(value, str):
            out[key] = renamer.maps[owner[0]].get(value) if value == owner[1] else None
        elif key in ("contact_id", "parent_id"):
            out[key] = None
        else:
            out[key] = _rename(value, renamer, owner, False)
    return out


def _perturb_phones(
    phones: list[dict[str, Any]], rng: random.Random, *, drop: float
) -> list[dict[str, Any]]:
    kept = [p for p in phones if not (len(phones) > 1 and rng.random() < drop)]
    for p in kept:
        p["number"] = perturb_phone(p["number"], rng)
    return kept


def _perturb_org(d: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    d["name"] = perturb_name(d["name"], rng)
    if d.get("website"):
        d["website"] = None if rng.random() < 0.2 else perturb_website(d["website"], rng)
    for key, p in (("email", 0.3), ("description", 0.3)):
        if d.get(key) and rng.random() < p:
            d[key] = None
    d["phones"] = _perturb_phones(d.get("phones", []), rng, drop=0.2)
    for contact in d.get("contacts", []):
        contact["phones"] = _perturb_phones(contact.get("phones", []), rng, drop=0.2)
    return d


def _perturb_location(d: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    if d.get("name"):
        d["name"] = perturb_name(d["name"], rng)
    for addr in d.get("addresses", []):
        if addr.get("address_1"):
            addr["address_1"] = perturb_address(addr["address_1"], rng)
        unit = addr.get("address_2") or ""
        if re.match(r"(?i)(suite|ste|#|room|rm|unit|floor|fl)\b|\d+(st|nd|rd|th) floor", unit):
            roll = rng.random()
            if roll < 0.3:
                addr["address_2"] = None
            elif roll < 0.6 and addr.get("address_1"):
                addr["address_1"] = f"{addr['address_1']} {perturb_address(unit, rng)}"
                addr["address_2"] = None
        zip_code = addr.get("postal_code") or ""
        if rng.random() < 0.2:
            addr["postal_code"] = (
                zip_code[:5]
                if "-" in zip_code
                else (zip_code + "-0000" if len(zip_code) == 5 else zip_code)
            )
    if d.get("latitude") is not None and d.get("longitude") is not None:
        if rng.random() < 0.1:
            d["latitude"] = d["longitude"] = None
        elif rng.random() < 0.8:
            d["latitude"], d["longitude"] = move_pin(d["latitude"], d["longitude"], rng)
    d["phones"] = _perturb_phones(d.get("phones", []), rng, drop=0.2)
    if d.get("description") and rng.random() < 0.3:
        d["description"] = None
    return d


def _perturb_service(d: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    d["name"] = perturb_name(d["name"], rng)
    for key, p in (
        ("description", 0.25),
        ("eligibility_description", 0.2),
        ("email", 0.3),
        ("application_process", 0.3),
        ("fees_description", 0.3),
    ):
        if d.get(key) and rng.random() < p:
            d[key] = None
    if d.get("description") and rng.random() < 0.3:
        d["description"] = " ".join(d["description"].split())
    d["phones"] = _perturb_phones(d.get("phones", []), rng, drop=0.2)
    attrs = d.get("attributes", [])
    if len(attrs) > 1 and rng.random() < 0.3:
        attrs.pop(rng.randrange(len(attrs)))
    return d


def split_directory(directory: rm.Directory, *, overlap: float = 0.6, seed: int = 7) -> Split:
    """Cut ``directory`` into two overlapping sources and the truth (see the module docstring)."""
    rng = random.Random(seed)
    service_ids = sorted(directory.services)
    rng.shuffle(service_ids)
    n_both = round(len(service_ids) * overlap)
    n_a_only = (len(service_ids) - n_both) // 2
    both = set(service_ids[:n_both])
    in_a = both | set(service_ids[n_both : n_both + n_a_only])
    in_b = both | set(service_ids[n_both + n_a_only :])

    def closure(services: set[str]) -> dict[str, list[str]]:
        orgs: set[str] = set()
        locs: set[str] = set()
        sals: set[str] = set()
        terms: set[str] = set()
        for sid in services:
            svc = directory.services[sid]
            if svc.organization_id in directory.organizations:
                orgs.add(svc.organization_id)  # type: ignore[arg-type]
            for sal in directory.service_at_locations_of(svc):
                sals.add(sal.id)
                if sal.location_id in directory.locations:
                    locs.add(sal.location_id)  # type: ignore[arg-type]
            terms.update(t.id for t in directory.taxonomy_terms_of(svc))
        order = {  # keep the directory's own order
            "organization": [i for i in directory.organizations if i in orgs],
            "location": [i for i in directory.locations if i in locs],
            "service": [i for i in directory.services if i in services],
            "service_at_location": [i for i in directory.service_at_locations if i in sals],
            "taxonomy_term": [i for i in directory.taxonomy_terms if i in terms],
        }
        return order

    ids_a, ids_b = closure(in_a), closure(in_b)
    a = rm.Directory(
        organizations=[directory.organizations[i] for i in ids_a["organization"]],
        locations=[directory.locations[i] for i in ids_a["location"]],
        services=[directory.services[i] for i in ids_a["service"]],
        service_at_locations=[
            directory.service_at_locations[i] for i in ids_a["service_at_location"]
        ],
        taxonomy_terms=[directory.taxonomy_terms[i] for i in ids_a["taxonomy_term"]],
    )

    renamer = _Renamer(rng)
    for record_type, prefix in (
        ("organization", "org"),
        ("location", "loc"),
        ("service", "svc"),
        ("service_at_location", "sal"),
        ("taxonomy_term", "term"),
    ):
        renamer.table(record_type, ids_b[record_type], prefix)

    def copy(record_type: str, record: Any, perturb: Any) -> dict[str, Any]:
        data = _rename(record.model_dump(), renamer, (record_type, record.id), True)
        return perturb(data, rng) if perturb else data

    orgs = [
        Organization.model_validate(copy("organization", directory.organizations[i], _perturb_org))
        for i in ids_b["organization"]
    ]
    locs = [
        Location.model_validate(copy("location", directory.locations[i], _perturb_location))
        for i in ids_b["location"]
    ]
    svcs = [
        Service.model_validate(copy("service", directory.services[i], _perturb_service))
        for i in ids_b["service"]
    ]
    sals = [
        ServiceAtLocation.model_validate(
            copy("service_at_location", directory.service_at_locations[i], None)
        )
        for i in ids_b["service_at_location"]
    ]
    terms = [
        TaxonomyTerm.model_validate(copy("taxonomy_term", directory.taxonomy_terms[i], None))
        for i in ids_b["taxonomy_term"]
    ]
    for records in (orgs, locs, svcs, sals):
        rng.shuffle(records)
    b = rm.Directory(
        organizations=orgs,
        locations=locs,
        services=svcs,
        service_at_locations=sals,
        taxonomy_terms=terms,
    )
    truth = {
        entity: {
            (old, renamer.maps[entity][old]) for old in set(ids_a[entity]) & set(ids_b[entity])
        }
        for entity in ENTITIES
    }
    original_of_b = {e: {new: old for old, new in renamer.maps[e].items()} for e in ENTITIES}
    return Split(a, b, truth, original_of_b)


# -- scoring ---------------------------------------------------------------------------------


def _same_address(directory: rm.Directory, id1: str, id2: str) -> bool:
    def key(loc_id: str) -> tuple[str | None, str | None]:
        addr = directory.locations[loc_id].physical_address()
        if addr is None:
            return (None, None)
        return normalize_address(addr.address_1, addr.address_2).key(), (addr.postal_code or "")[:5]

    k1 = key(id1)
    return k1[0] is not None and k1 == key(id2)


def _same_service(directory: rm.Directory, id1: str, id2: str) -> bool:
    s1, s2 = directory.services[id1], directory.services[id2]
    return (
        s1.organization_id == s2.organization_id
        and s1.name.strip().lower() == s2.name.strip().lower()
    )


def evaluate(
    result: rm.linkage.MergeResult, split: Split, directory: rm.Directory
) -> dict[str, dict[str, float]]:
    """Per entity: true/false positives, false negatives, precision, recall, review count."""
    out: dict[str, dict[str, float]] = {}
    for entity in ENTITIES:
        predicted = {(a, b) for b, a in result.links(entity).items()}
        truth = split.truth[entity]
        tp = len(predicted & truth)
        fp_pairs = predicted - truth
        near_dup = 0
        if entity == "service":
            near_dup = sum(
                1
                for a, b in fp_pairs
                if _same_service(directory, a, split.original_of_b[entity][b])
            )
        if entity == "location":
            near_dup = sum(
                1
                for a, b in fp_pairs
                if _same_address(directory, a, split.original_of_b[entity][b])
            )
        review = int((result.review["entity"] == entity).sum())
        out[entity] = {
            "true": len(truth),
            "linked": len(predicted),
            "tp": tp,
            "fp": len(fp_pairs),
            "fp_near_duplicate": near_dup,
            "fn": len(truth - predicted),
            "precision": tp / len(predicted) if predicted else 1.0,
            "recall": tp / len(truth) if truth else 1.0,
            "review": review,
        }
    return out


def run(
    directory: rm.Directory, *, seed: int, overlap: float, scorer: str, link_threshold: float = 0.9
) -> tuple[dict[str, dict[str, float]], float, Split]:
    """Split, merge with ``scorer``, evaluate; also returns the merge time in seconds."""
    split = split_directory(directory, overlap=overlap, seed=seed)
    start = time.perf_counter()
    result = rm.merge(
        split.a,
        split.b,
        names=("211", "county"),
        scorer=scorer,  # type: ignore[arg-type]
        link_threshold=link_threshold,
        review_threshold=min(0.5, link_threshold),
    )
    seconds = time.perf_counter() - start
    assert result.directory.report.balanced
    return evaluate(result, split, directory), seconds, split


def format_table(rows: list[tuple[int, str, float, Mapping[str, Mapping[str, float]]]]) -> str:
    """The results as one markdown table."""
    lines = [
        "| seed | scorer | entity | true pairs | linked | precision | recall | FP (near-dup) | FN | review | merge s |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for seed, scorer, seconds, stats in rows:
        for entity in ENTITIES:
            s = stats[entity]
            lines.append(
                f"| {seed} | {scorer} | {entity} | {s['true']:.0f} | {s['linked']:.0f} | "
                f"{s['precision']:.3f} | {s['recall']:.3f} | {s['fp']:.0f} ({s['fp_near_duplicate']:.0f}) | "
                f"{s['fn']:.0f} | {s['review']:.0f} | {seconds:.1f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7])
    parser.add_argument("--overlap", type=float, default=0.6)
    parser.add_argument(
        "--scorers", nargs="+", default=["rules", "splink"], choices=["rules", "splink"]
    )
    parser.add_argument("--link-threshold", type=float, default=0.9)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"reference directory not found: {args.path}", file=sys.stderr)
        return 2
    directory = rm.load_directory(args.path)
    rows = []
    for seed in args.seeds:
        for scorer in args.scorers:
            stats, seconds, _ = run(
                directory,
                seed=seed,
                overlap=args.overlap,
                scorer=scorer,
                link_threshold=args.link_threshold,
            )
            rows.append((seed, scorer, seconds, stats))
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
