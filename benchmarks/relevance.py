"""Relevance evaluation: rank judged client vignettes on a real directory and score the top 5
against the key.

Usage::

    python benchmarks/relevance.py [--set baltimore|linksf|oruk_bristol] [--reference ../shared/reference]
                                   [--k 5] [--per-need] [--cv [--repeats 50]] [--json out.json]

The default set reads ``baltimore_icarol_2019/baltimore_hsds3.json`` (a real 211 directory as
HSDS 3.0) and ``vignettes.jsonl`` (30 fictional clients, 75 client-needs, judged by a case manager
apart from any ranking code; format and metrics in that folder's ``VIGNETTES.md``). The other sets
are judged in this repository (``benchmarks/judged/<set>/``, same format, each with its own
``VIGNETTES.md``) on real directories of the reference folder: ``linksf`` on Link-SF (San
Francisco, 2014), ``oruk_bristol`` on the Open Referral UK feed of Bristol (2021). They are
checks that a change tuned on Baltimore carries to directories written differently: no weight is
fitted on them.

Every client is matched with the library's default :class:`~referralmatch.MatchConfig`; the script
prints, over non-gap client-needs: recall@k, nDCG@k (binary gains), the number of must-not-return
ids in any top k, a per-category table and, for gap needs (nothing relevant within reach), how many
confident referrals came back.

``--cv`` also runs a two-fold cross-validation of the weight search in :data:`SEARCH`: fit on the
odd-numbered vignettes and score the even ones, then the other way round, and prints the held-out
figures (the honest ones) beside the in-sample ones; then ``--repeats`` (default 50) random
two-fold splits of the vignettes with a fixed seed, each scored the same way, and prints the mean
and spread of their held-out figures: one split's figure moves by a few hundredths when a change
tips one fold's choice of weights; the mean of 10 splits still moved by 0.005 when one of them
tipped, the mean of 50 much less. Every grid point ranks all vignettes once, so the repeats cost
no more matching (the weight search over 50 splits takes about a minute). Skips with a message (exit 0) when the reference folder is
absent.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import pickle
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import referralmatch as rm
from referralmatch.matching.index import DirectoryIndex

HERE = Path(__file__).resolve().parent
DEFAULT_REFERENCE = HERE.parents[1] / "shared" / "reference"

@dataclass(frozen=True)
class JudgedSet:
    """A judged set: a real directory of the reference folder and its vignettes."""

    title: str
    directory: str
    """The directory's path under the reference folder."""
    vignettes: Path
    """Absolute, or relative to the reference folder."""
    preset: str | None = None
    """The :func:`referralmatch.io.preset` mapping the directory needs, if any."""


JUDGED = HERE / "judged"
SETS = {
    "baltimore": JudgedSet(
        "Baltimore 211 (iCarol, 2019)",
        "baltimore_icarol_2019/baltimore_hsds3.json",
        Path("baltimore_icarol_2019/vignettes.jsonl"),
    ),
    "linksf": JudgedSet(
        "Link-SF (San Francisco, 2014)",
        "linksf_2014/linksf.json",
        JUDGED / "linksf_2014" / "vignettes.jsonl",
        preset="linksf",
    ),
    "oruk_bristol": JudgedSet(
        "Open Referral UK, Bristol (2021)",
        "oruk_bristol_2021",
        JUDGED / "oruk_bristol_2021" / "vignettes.jsonl",
    ),
}
"""The judged sets ``--set`` chooses from (the first is the default)."""

NEED_KEYS = {"support_group": "support_groups", "substance_use": "substance_use_treatment"}
"""Vignette need keys that differ from the library's category keys."""

SEARCH: dict[str, Sequence[float]] = {
    "weight_need_fit": (0.45, 0.6, 0.75),
    "weight_population": (0.1, 0.15),
    "weight_population_known": (0.25, 0.35, 0.45),
    "weight_distance": (0.1, 0.2),
    "weight_eligibility": (0.15, 0.3),
    "weight_language": (0.1, 0.2),
}
"""The weights the cross-validation searches (the other weights keep their defaults)."""


@dataclass(frozen=True)
class Case:
    """One judged client-need."""

    vignette: str
    need: str
    relevant: tuple[str, ...]
    must_not: frozenset[str]


def client_of(v: dict[str, Any]) -> rm.ClientProfile:
    """The ClientProfile of a vignette (its needs mapped to the library's category keys)."""
    c = v["client"]
    return rm.ClientProfile(
        id=v["id"],
        age=c.get("age"),
        gender=c.get("gender"),
        household_size=c.get("household_size"),
        annual_income=c.get("annual_income"),
        veteran=c.get("veteran"),
        languages=c.get("languages"),
        insurance=c.get("insurance"),
        dependents_ages=c.get("dependents_ages"),
        situations=c.get("situations"),
        location=rm.Place(postal_code=c["postal_code"]) if c.get("postal_code") else None,
        max_travel_km=c.get("max_travel_km"),
        needs=[rm.Need(NEED_KEYS.get(n, n)) for n in v["needs"]],
    )


def read_vignettes(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load(reference: Path, judged: JudgedSet = SETS["baltimore"]) -> tuple[rm.Directory, list[dict[str, Any]]]:
    """The directory and the vignettes of a judged set."""
    from referralmatch.io import preset

    mapping = preset(judged.preset) if judged.preset else None
    directory = rm.load_directory(reference / judged.directory, mapping=mapping)
    return directory, read_vignettes(reference / judged.vignettes)


def rankings(
    matcher: rm.Matcher, vignettes: Iterable[dict[str, Any]], k: int
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(vignette id, vignette need key) -> [(service id, weak?)] of the top k, best first."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for v in vignettes:
        result = matcher.match(client_of(v), limit=k)
        by_key = {NEED_KEYS.get(n, n): n for n in v["needs"]}
        for nr in result.needs:
            need = by_key.get(nr.need, nr.need)
            out[(v["id"], need)] = [
                (m.service_id, "weak" if m.weak_fit else "") for m in nr.matches
            ]
    return out


def scores(
    ranked: dict[tuple[str, str], list[tuple[str, str]]],
    vignettes: Iterable[dict[str, Any]],
    k: int,
) -> dict[str, Any]:
    """recall@k, nDCG@k, must-not-return hits and per-category figures of ``ranked``."""
    per_cat: dict[str, list[tuple[float, float]]] = defaultdict(list)
    recalls, ndcgs = [], []
    ineligible: list[tuple[str, str, str]] = []
    gap_confident = gap_needs = 0
    for v in vignettes:
        must_not = set(v["must_not_return"])
        for need in v["needs"]:
            top = ranked.get((v["id"], need), [])[:k]
            ids = [s for s, _ in top]
            ineligible += [(v["id"], need, s) for s in ids if s in must_not]
            relevant = set(v["relevant"][need])
            if not relevant:
                gap_needs += 1
                gap_confident += sum(1 for _, weak in top if not weak)
                continue
            hits = [s in relevant for s in ids]
            recall = sum(hits) / min(k, len(relevant))
            dcg = sum(1 / math.log2(i + 2) for i, h in enumerate(hits) if h)
            ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
            recalls.append(recall)
            ndcgs.append(dcg / ideal)
            per_cat[need].append((recall, dcg / ideal))
    n = len(recalls)
    return {
        "client_needs": n,
        "recall": sum(recalls) / n if n else float("nan"),
        "ndcg": sum(ndcgs) / n if n else float("nan"),
        "ineligible": ineligible,
        "gap_needs": gap_needs,
        "gap_confident": gap_confident,
        "per_category": {
            cat: (len(vals), sum(r for r, _ in vals) / len(vals), sum(g for _, g in vals) / len(vals))
            for cat, vals in sorted(per_cat.items())
        },
    }


def evaluate(
    index: DirectoryIndex, vignettes: list[dict[str, Any]], k: int, **weights: float
) -> dict[str, Any]:
    config = rm.MatchConfig(**weights)
    matcher = rm.Matcher(index, config=config)
    return scores(rankings(matcher, vignettes, k), vignettes, k)


def objective(s: dict[str, Any]) -> float:
    """What the weight search maximises: recall, nDCG, and a heavy cost per ineligible hit."""
    return float(s["recall"] + 0.5 * s["ndcg"] - 0.2 * len(s["ineligible"]))


def grid_rankings(
    index: DirectoryIndex, vignettes: list[dict[str, Any]], k: int
) -> list[tuple[dict[str, float], dict[tuple[str, str], list[tuple[str, str]]]]]:
    """Every grid point of :data:`SEARCH` with its top-k rankings of all ``vignettes``: ranked
    once, so any split's fit and held-out figures are read from them."""
    names = list(SEARCH)
    out = []
    for values in itertools.product(*(SEARCH[n] for n in names)):
        weights = dict(zip(names, values, strict=True))
        matcher = rm.Matcher(index, config=rm.MatchConfig(**weights))
        out.append((weights, rankings(matcher, vignettes, k)))
    return out


def fit(
    grid: list[tuple[dict[str, float], dict[tuple[str, str], list[tuple[str, str]]]]],
    vignettes: list[dict[str, Any]],
    k: int,
) -> tuple[dict[str, float], dict[tuple[str, str], list[tuple[str, str]]]]:
    """The grid point with the best :func:`objective` on ``vignettes`` (the first on a tie)."""
    best: tuple[float, int] | None = None
    for i, (_, ranked) in enumerate(grid):
        value = objective(scores(ranked, vignettes, k))
        if best is None or value > best[0] + 1e-12:
            best = (value, i)
    assert best is not None
    return grid[best[1]]


def cross_validate(
    grid: list[tuple[dict[str, float], dict[tuple[str, str], list[tuple[str, str]]]]],
    halves: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    k: int,
) -> tuple[dict[str, Any], list[dict[str, float]]]:
    """Held-out figures of one two-fold split: each half scored with the weights fitted on the
    other; with the two weight sets chosen."""
    held: dict[tuple[str, str], list[tuple[str, str]]] = {}
    chosen = []
    for fit_on, score_on in (halves, halves[::-1]):
        weights, ranked = fit(grid, fit_on, k)
        chosen.append(weights)
        held.update({key: ranked[key] for v in score_on for key in ranked if key[0] == v["id"]})
    return scores(held, halves[0] + halves[1], k), chosen


REPEAT_SEED = 2019
"""Seed of the random splits of ``--repeats`` (fixed, so figures are comparable run to run)."""


def summarize_repeats(repeats: list[dict[str, Any]]) -> dict[str, float]:
    """Mean and spread of held-out figures over repeated random two-fold splits."""
    recall = [r["recall"] for r in repeats]
    ndcg = [r["ndcg"] for r in repeats]
    return {
        "splits": len(repeats),
        "recall_mean": statistics.fmean(recall),
        "recall_sd": statistics.pstdev(recall),
        "recall_min": min(recall),
        "ndcg_mean": statistics.fmean(ndcg),
        "ineligible_total": sum(len(r["ineligible"]) for r in repeats),
        "gap_confident_total": sum(r["gap_confident"] for r in repeats),
    }


def print_repeats(r: dict[str, float]) -> None:
    print(
        f"\nCross-validated over {r['splits']} random two-fold splits (seed {REPEAT_SEED})\n"
        f"  recall@5 mean {r['recall_mean']:.3f} (sd {r['recall_sd']:.3f}, min {r['recall_min']:.3f})"
        f"  nDCG@5 mean {r['ndcg_mean']:.3f};  must-not-return in a top 5, all splits: "
        f"{r['ineligible_total']};  confident gap referrals, all splits: {r['gap_confident_total']}"
    )


def print_report(title: str, s: dict[str, Any]) -> None:
    print(f"\n{title}")
    print(
        f"  recall@5 {s['recall']:.3f}  nDCG@5 {s['ndcg']:.3f}  over {s['client_needs']} client-needs;"
        f"  must-not-return in a top 5: {len(s['ineligible'])};"
        f"  gap needs {s['gap_needs']} with {s['gap_confident']} confident referrals"
    )
    if s["per_category"]:
        print(f"  {'category':<20}{'n':>4}{'recall':>9}{'nDCG':>8}")
        for cat, (n, r, g) in s["per_category"].items():
            print(f"  {cat:<20}{n:>4}{r:>9.3f}{g:>8.3f}")
    for vid, need, sid in s["ineligible"]:
        print(f"  must-not-return: {vid} {need} {sid}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=list(SETS), default="baltimore", help="the judged set")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--cv", action="store_true", help="two-fold cross-validated weight search")
    parser.add_argument(
        "--repeats",
        type=int,
        default=50,
        help="with --cv, also this many random two-fold splits (mean and spread)",
    )
    parser.add_argument("--per-need", action="store_true", help="print every client-need's top k")
    parser.add_argument("--cache", type=Path, help="pickle the built index here and reuse it")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    judged = SETS[args.set]
    vignettes_path = args.reference / judged.vignettes
    if not (args.reference / judged.directory).exists() or not vignettes_path.is_file():
        print(f"skipped: {judged.directory} or its vignettes not found under {args.reference}")
        return 0
    t0 = time.perf_counter()
    index: DirectoryIndex | None = None
    if args.cache and args.cache.is_file():
        index = pickle.loads(args.cache.read_bytes())
        vignettes = read_vignettes(vignettes_path)
    if index is None:
        directory, vignettes = load(args.reference, judged)
        index = DirectoryIndex.build(directory)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(index))
    print(f"{judged.title}: {index.n_services} services; {len(vignettes)} vignettes "
          f"(prepared in {time.perf_counter() - t0:.1f} s)")
    k = args.k
    default = evaluate(index, vignettes, k)
    print_report("Default MatchConfig", default)
    out: dict[str, Any] = {"default": default}
    if args.per_need:
        ranked = rankings(rm.Matcher(index), vignettes, k)
        for v in vignettes:
            for need in v["needs"]:
                rel = set(v["relevant"][need])
                top = ranked.get((v["id"], need), [])
                marks = " ".join(
                    ("+" if s in rel else "x" if s in v["must_not_return"] else "-") + s.removeprefix("balt-svc-")
                    + ("(w)" if w else "")
                    for s, w in top
                )
                print(f"  {v['id']} {need:<18} rel={len(rel)}  {marks}")
    if args.cv:
        grid = grid_rankings(index, vignettes, k)
        odd = [v for i, v in enumerate(vignettes) if i % 2 == 0]
        even = [v for i, v in enumerate(vignettes) if i % 2 == 1]
        cv, chosen = cross_validate(grid, (odd, even), k)
        for name, fit_on, weights in zip(("A->B", "B->A"), (odd, even), chosen, strict=True):
            print(f"\nfold {name}: weights chosen on {len(fit_on)} vignettes: {weights}")
        print_report("Cross-validated (each vignette scored with weights fitted on the other half)", cv)
        out["cross_validated"] = cv
        rng = random.Random(REPEAT_SEED)
        repeats = []
        for _ in range(args.repeats):
            order = rng.sample(vignettes, len(vignettes))
            half = len(order) // 2
            repeats.append(cross_validate(grid, (order[:half], order[half:]), k)[0])
        if repeats:
            out["repeated"] = summarize_repeats(repeats)
            print_repeats(out["repeated"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
