"""Benchmark suite: referralmatch against a per-service Python loop and a DuckDB query.

Usage::

    python benchmarks/run.py [--sizes 10000 100000 1000000] [--clients 200] [--json out.json]
                             [--skip-baselines-above 100000] [--loop-clients 20]

For each size, in a fresh child process (so that peak memory is per size), it builds a seeded
synthetic directory (timed as "synth"; not a library figure), writes it as HSDS 3 JSON and as an
HSDS 3 tabular package (CSVs from ``Directory.to_frames()`` under HSDS 3 table names), and
measures: load time from each, index build time, single-client match latency for clients with
three needs (median and p95 after warm-up; two client sets, see README), batch gap-analysis
throughput, index bytes per service and peak RSS. The baselines of ``baselines.py`` run in the
same process on the same data and clients; their top-5 per need is checked against
referralmatch's and the agreement rate is printed. One table is printed at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import (
    DuckDBMatcher,
    PythonLoopMatcher,
    Ranked,
    agreement,
    ranked_from_result,
)

import referralmatch as rm
from referralmatch.analysis import clients_from_caseload
from referralmatch.io.export import service_frame
from referralmatch.io.tabular import TABLES
from referralmatch.matching.index import DirectoryIndex
from referralmatch.synth import METROS, synthetic_caseload, synthetic_directory

WARMUP = 20

# --------------------------------------------------------------------------- helpers


def rss_mb() -> float:
    """Current resident set size of this process (MB), from /proc/self/statm."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MB): getrusage ru_maxrss (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def latencies(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[list[float], list[Any]]:
    """Per-item wall-clock seconds of ``fn(item)`` and the results."""
    times, results = [], []
    for item in items:
        t0 = time.perf_counter()
        results.append(fn(item))
        times.append(time.perf_counter() - t0)
    return times, results


def med_p95_ms(times: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile (ms)."""
    arr = np.asarray(times) * 1000.0
    return float(statistics.median(arr)), float(np.percentile(arr, 95))


def tabular_name(record_type: str) -> str | None:
    """HSDS 3 table name of a ``to_frames()`` record type (None for the flat ``services`` frame)."""
    special = {"taxonomy": "taxonomies", "accessibility": "accessibility",
               "funding": "funding", "service_capacity": "service_capacity",
               "service_at_location": "service_at_location"}  # fmt: skip
    if record_type == "services":
        return None
    name = special.get(record_type, record_type + "s")
    if record_type.endswith("s") and record_type not in special:
        name = record_type + "es"  # address -> addresses
    return name if name in TABLES else None


def write_tabular(frames: dict[str, pd.DataFrame], folder: Path) -> list[str]:
    """Write the record-type frames as an HSDS 3 tabular package (CSV per table); file names."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for record_type, frame in frames.items():
        name = tabular_name(record_type)
        if name is None:
            continue
        data = frame
        if name == "attributes":  # to_frames adds the parent key; 3.x attributes use link_id
            data = frame.drop(columns=[c for c in ("service_id",) if c in frame.columns])
        data.to_csv(folder / f"{name}.csv", index=False)
        written.append(f"{name}.csv")
    return sorted(written)


def make_clients(n: int, seed: int) -> list[rm.ClientProfile]:
    """``n`` clients with exactly three needs each, from ``synthetic_caseload`` (ZIP places)."""
    raw = synthetic_caseload(n, seed=seed, needs_per_client=(3, 3))
    return clients_from_caseload(rm.read_caseload(raw))


def distinct_place_clients(
    clients: Sequence[rm.ClientProfile], seed: int
) -> list[rm.ClientProfile]:
    """The same clients, each moved to its own random coordinates near a metro (no ZIP), so no
    two share a place and the matcher's per-place caches cannot help."""
    rng = np.random.default_rng(seed)
    out = []
    for c in clients:
        _, _, lat0, lon0, _ = METROS[int(rng.integers(len(METROS)))]
        r, b = rng.gamma(2.0, 5.0), rng.uniform(0, 2 * math.pi)
        lat = lat0 + r * math.cos(b) / 111.2
        lon = lon0 + r * math.sin(b) / (111.2 * math.cos(math.radians(lat0)))
        place = rm.Place(latitude=round(lat, 6), longitude=round(lon, 6))
        out.append(c.model_copy(update={"location": place}))
    return out


def agree_rate(expected: Sequence[Ranked], got: Sequence[Ranked]) -> tuple[float, int, list[str]]:
    """Share of client-needs whose top-k ids agree, the number compared, and notes."""
    total = same = 0
    notes: list[str] = []
    for i, (a, b) in enumerate(zip(expected, got, strict=False)):
        _, why = agreement(a, b)
        total += len(a)
        same += len(a) - len(why)
        notes.extend(f"client {i}: {w}" for w in why)
    return (same / total if total else float("nan")), total, notes


# --------------------------------------------------------------------------- one size


def run_size(
    n: int,
    *,
    clients: int = 200,
    seed: int = 7,
    skip_baselines_above: int = 100_000,
    duckdb_above: int = 1_000_000,
    loop_clients: int = 20,
    batch_clients: int = 8_000,
    tabular: bool = True,
    load: bool = True,
    workdir: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """All measurements for one directory size; a flat dict of results (seconds, ms, MB)."""
    out: dict[str, Any] = {"size": n}
    tmp = Path(workdir or tempfile.mkdtemp(prefix="rm-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    out["rss_start_mb"] = rss_mb()

    out["synth_s"], directory = timed(lambda: synthetic_directory(n, seed=seed))
    out["rss_directory_mb"] = rss_mb() - out["rss_start_mb"]
    log(f"[{n}] synth {out['synth_s']:.1f}s")

    if load:
        json_path = tmp / f"directory-{n}.json"
        out["write_json_s"], _ = timed(partial(directory.to_hsds_json, json_path))
        out["json_mb"] = json_path.stat().st_size / 2**20
        out["load_json_s"], loaded = timed(lambda: rm.load_directory(json_path))
        assert len(loaded.services) == n, "JSON round trip lost services"
        out["load_json_issues"] = len(loaded.report.issues)
        del loaded
        gc.collect()
        json_path.unlink()
        log(f"[{n}] load JSON {out['load_json_s']:.1f}s")

    if load and tabular:
        frames_s, frames = timed(directory.to_frames)
        out["to_frames_s"] = frames_s
        folder = tmp / f"tabular-{n}"
        t0 = time.perf_counter()
        write_tabular(frames, folder)
        out["write_tabular_s"] = time.perf_counter() - t0
        out["load_tabular_s"], loaded = timed(lambda: rm.load_directory(folder))
        assert len(loaded.services) == n, "tabular round trip lost services"
        out["load_tabular_issues"] = len(loaded.report.issues)
        del loaded
        services_frame = frames["services"]
        del frames
        log(f"[{n}] load tabular {out['load_tabular_s']:.1f}s")
    else:
        services_frame = service_frame(directory)
    gc.collect()

    rss0 = rss_mb()
    out["index_build_s"], index = timed(partial(DirectoryIndex.build, directory))
    out["rss_index_mb"] = rss_mb() - rss0
    out["index_numeric_mb"] = index.nbytes() / 2**20
    out["index_bytes_per_service"] = index.nbytes() / n
    log(f"[{n}] index {out['index_build_s']:.1f}s, {out['index_bytes_per_service']:.0f} B/service")
    loop_directory = directory if n <= skip_baselines_above else None
    del directory  # the models are only needed by the python-loop baseline: free them early
    gc.collect()

    people = make_clients(WARMUP + clients, seed=seed + 1)
    warm, measured = people[:WARMUP], people[WARMUP:]
    cold_people = distinct_place_clients(people, seed=seed + 2)
    cold_warm, cold_measured = cold_people[:WARMUP], cold_people[WARMUP:]

    matcher = rm.Matcher(index)
    for c in warm:
        matcher.match(c, limit=5)
    times, results = latencies(lambda c: matcher.match(c, limit=5), measured)
    fast = [ranked_from_result(r) for r in results]
    out["rm_zip_median_ms"], out["rm_zip_p95_ms"] = med_p95_ms(times)
    cold_matcher = rm.Matcher(index)
    for c in cold_warm:
        cold_matcher.match(c, limit=5)
    times, results = latencies(lambda c: cold_matcher.match(c, limit=5), cold_measured)
    fast_cold = [ranked_from_result(r) for r in results]
    out["rm_place_median_ms"], out["rm_place_p95_ms"] = med_p95_ms(times)
    out["clients"] = len(measured)
    log(f"[{n}] referralmatch median {out['rm_zip_median_ms']:.2f} ms (zip), "
        f"{out['rm_place_median_ms']:.2f} ms (distinct places)")  # fmt: skip

    if n <= duckdb_above:
        out["duckdb_prep_s"], duck = timed(lambda: DuckDBMatcher(index, services_frame))
        for c in warm[:5]:
            duck.match(c, limit=5)
        times, got = latencies(lambda c: duck.match(c, limit=5), measured)
        out["duckdb_zip_median_ms"], out["duckdb_zip_p95_ms"] = med_p95_ms(times)
        rate, total, notes = agree_rate(fast, got)
        times, got_cold = latencies(lambda c: duck.match(c, limit=5), cold_measured)
        out["duckdb_place_median_ms"], out["duckdb_place_p95_ms"] = med_p95_ms(times)
        rate2, total2, notes2 = agree_rate(fast_cold, got_cold)
        out["duckdb_agreement"] = (rate * total + rate2 * total2) / (total + total2)
        out["duckdb_compared"] = total + total2
        out["duckdb_notes"] = (notes + notes2)[:20]
        duck.close()
        del duck
        gc.collect()
        log(f"[{n}] duckdb median {out['duckdb_zip_median_ms']:.1f} ms, agreement "
            f"{out['duckdb_agreement']:.2%}")  # fmt: skip

    if loop_directory is not None:
        out["loop_prep_s"], loop = timed(lambda: PythonLoopMatcher(loop_directory))
        k = min(loop_clients, len(measured))
        loop.match(warm[0], limit=5)
        times, got = latencies(lambda c: loop.match(c, limit=5), measured[:k])
        out["loop_zip_median_ms"], out["loop_zip_p95_ms"] = med_p95_ms(times)
        rate, total, notes = agree_rate(fast[:k], got)
        times, got_cold = latencies(lambda c: loop.match(c, limit=5), cold_measured[:k])
        out["loop_place_median_ms"], out["loop_place_p95_ms"] = med_p95_ms(times)
        rate2, total2, notes2 = agree_rate(fast_cold[:k], got_cold)
        out["loop_clients"] = k
        out["loop_agreement"] = (rate * total + rate2 * total2) / (total + total2)
        out["loop_compared"] = total + total2
        out["loop_notes"] = (notes + notes2)[:20]
        del loop
        gc.collect()
        log(f"[{n}] python loop median {out['loop_zip_median_ms']:.0f} ms over {k} clients, "
            f"agreement {out['loop_agreement']:.2%}")  # fmt: skip

    if batch_clients:
        caseload = rm.read_caseload(synthetic_caseload(batch_clients, seed=seed + 3))
        batch_matcher = rm.Matcher(index)
        out["batch_s"], report = timed(
            lambda: rm.gap_analysis(caseload, batch_matcher, progress=False)
        )
        out["batch_client_needs"] = len(report.per_client_need)
        out["batch_per_s"] = out["batch_client_needs"] / out["batch_s"]
        log(f"[{n}] batch {out['batch_client_needs']} client-needs in {out['batch_s']:.1f}s")

    out["peak_rss_mb"] = peak_rss_mb()
    return out


# --------------------------------------------------------------------------- table

TARGETS: dict[tuple[str, int], tuple[str, Callable[[float], bool]]] = {
    ("rm_place_median_ms", 1_000_000): ("<= 5 ms", lambda v: v <= 5.0),
    ("rm_zip_median_ms", 1_000_000): ("<= 5 ms", lambda v: v <= 5.0),
    ("rm_place_median_ms", 100_000): ("<= 1 ms", lambda v: v <= 1.0),
    ("rm_zip_median_ms", 100_000): ("<= 1 ms", lambda v: v <= 1.0),
    ("index_build_s", 1_000_000): ("<= 20 s", lambda v: v <= 20.0),
    ("load_json_s", 100_000): ("<= 10 s", lambda v: v <= 10.0),
    ("batch_per_s", 100_000): (">= 20,000/s", lambda v: v >= 20_000),
}

ROWS: list[tuple[str, str, str | None, str | None, str]] = [
    # label, referralmatch key, python-loop key, duckdb key, ratio direction
    ("synth directory (s)", "synth_s", None, None, ""),
    ("write HSDS 3 JSON (s)", "write_json_s", None, None, ""),
    ("load HSDS 3 JSON (s)", "load_json_s", None, None, ""),
    ("load HSDS 3 tabular (s)", "load_tabular_s", None, None, ""),
    ("index build / baseline prep (s)", "index_build_s", "loop_prep_s", "duckdb_prep_s", ""),
    ("match 3 needs, ZIP clients, median (ms)", "rm_zip_median_ms", "loop_zip_median_ms",
     "duckdb_zip_median_ms", "lower"),
    ("match 3 needs, ZIP clients, p95 (ms)", "rm_zip_p95_ms", "loop_zip_p95_ms",
     "duckdb_zip_p95_ms", "lower"),
    ("match 3 needs, distinct places, median (ms)", "rm_place_median_ms", "loop_place_median_ms",
     "duckdb_place_median_ms", "lower"),
    ("match 3 needs, distinct places, p95 (ms)", "rm_place_p95_ms", "loop_place_p95_ms",
     "duckdb_place_p95_ms", "lower"),
    ("top-5 agreement with referralmatch", "", "loop_agreement", "duckdb_agreement", ""),
    ("batch gap analysis (client-needs/s)", "batch_per_s", None, None, ""),
    ("index numeric bytes per service", "index_bytes_per_service", None, None, ""),
    ("RSS of the Directory models (MB)", "rss_directory_mb", None, None, ""),
    ("index numeric arrays (MB)", "index_numeric_mb", None, None, ""),
    ("peak RSS of the whole run (MB)", "peak_rss_mb", None, None, ""),
]  # fmt: skip


def _fmt(value: Any, key: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if "agreement" in key:
        return f"{value:.2%}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(results: Sequence[dict[str, Any]]) -> str:
    """The one results table (markdown), rows = metric x size."""
    head = ("| metric | size | referralmatch | python-loop | duckdb | loop / rm | duckdb / rm "
            "| target |")  # fmt: skip
    lines = [head, "|" + "---|" * 8]
    for label, rk, lk, dk, direction in ROWS:
        for r in results:
            n = r["size"]
            rv = r.get(rk) if rk else None
            lv = r.get(lk) if lk else None
            dv = r.get(dk) if dk else None
            if rv is None and lv is None and dv is None:
                continue
            ratio_l = f"{lv / rv:,.0f}x" if direction and lv and rv else ""
            ratio_d = f"{dv / rv:,.1f}x" if direction and dv and rv else ""
            target = ""
            spec = TARGETS.get((rk, n))
            if spec and rv is not None:
                target = f"{spec[0]}: {'met' if spec[1](rv) else 'NOT met'}"
            if rk == "index_bytes_per_service" and rv is not None:
                target = f"<= 300 B: {'met' if rv <= 300 else 'NOT met'}"
            if rk == "rm_place_median_ms" and n == 1_000_000 and dv and rv:
                target += f"; >= 10x DuckDB: {'met' if dv / rv >= 10 else 'NOT met'}"
            if rk == "rm_zip_median_ms" and n == 1_000_000 and dv and rv:
                target += f"; >= 10x DuckDB: {'met' if dv / rv >= 10 else 'NOT met'}"
            lines.append(
                f"| {label} | {n:,} | {_fmt(rv, rk)} | {_fmt(lv, lk or '')} | {_fmt(dv, dk or '')} "
                f"| {ratio_l} | {ratio_d} | {target} |"
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--loop-clients", type=int, default=20,
                        help="clients timed with the slow python-loop baseline")  # fmt: skip
    parser.add_argument("--batch-clients", type=int, default=8_000,
                        help="caseload clients for gap analysis (~2.5 needs each)")  # fmt: skip
    parser.add_argument("--skip-baselines-above", type=int, default=100_000,
                        help="skip the python-loop baseline above this size")  # fmt: skip
    parser.add_argument("--skip-duckdb-above", type=int, default=1_000_000)
    parser.add_argument("--no-tabular", action="store_true", help="skip the tabular package")
    parser.add_argument(
        "--skip-load-above",
        type=int,
        default=None,
        help="skip writing and loading JSON/tabular above this size (memory)",
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    kwargs: dict[str, Any] = dict(
        clients=args.clients, seed=args.seed, skip_baselines_above=args.skip_baselines_above,
        duckdb_above=args.skip_duckdb_above, loop_clients=args.loop_clients,
        batch_clients=args.batch_clients, tabular=not args.no_tabular, workdir=args.workdir,
    )  # fmt: skip
    kwargs["load"] = args.skip_load_above is None or args.sizes[0] <= args.skip_load_above
    if args.child is not None:  # one size in this process; results as JSON to the given file
        result = run_size(args.sizes[0], log=lambda m: print(m, flush=True), **kwargs)
        args.child.write_text(json.dumps(result, default=str))
        return 0

    results = []
    for n in args.sizes:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            child_out = Path(f.name)
        cmd = [sys.executable, __file__, "--child", str(child_out), "--sizes", str(n), *_pass(args)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, check=False)
        if proc.returncode != 0 or not child_out.stat().st_size:
            print(f"size {n}: child failed with exit code {proc.returncode}", flush=True)
            results.append({"size": n, "failed": proc.returncode})
            continue
        result = json.loads(child_out.read_text())
        result["wall_s"] = time.perf_counter() - t0
        child_out.unlink()
        results.append(result)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, default=str))
    print()
    print(table([r for r in results if "failed" not in r]))
    for r in results:
        for base in ("loop", "duckdb"):
            notes = r.get(f"{base}_notes")
            if notes:
                print(f"\n{base} disagreements at {r['size']:,} (first {len(notes)}):")
                print("\n".join(f"  {x}" for x in notes))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


def _pass(args: argparse.Namespace) -> list[str]:
    """The options a child process needs, as arguments."""
    out = ["--clients", str(args.clients), "--loop-clients", str(args.loop_clients),
           "--batch-clients", str(args.batch_clients),
           "--skip-baselines-above", str(args.skip_baselines_above),
           "--skip-duckdb-above", str(args.skip_duckdb_above), "--seed", str(args.seed)]  # fmt: skip
    if args.no_tabular:
        out.append("--no-tabular")
    if args.skip_load_above is not None:
        out += ["--skip-load-above", str(args.skip_load_above)]
    if args.workdir:
        out += ["--workdir", str(args.workdir)]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
