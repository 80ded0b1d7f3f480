"""Issue bar for gap analysis: 100,000 client-needs against a 100,000-service synthetic directory.

    python benchmarks/gap_100k.py [--services 100000] [--client-needs 100000] [--dask]

Prints the pandas wall time (and, with --dask, the time on a 2-worker LocalCluster).
"""

from __future__ import annotations

import argparse
import time

import referralmatch as rm
from referralmatch.synth import synthetic_caseload, synthetic_directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--client-needs", type=int, default=100_000)
    parser.add_argument("--dask", action="store_true", help="also run on a 2-worker LocalCluster")
    args = parser.parse_args()
    t0 = time.perf_counter()
    matcher = rm.Matcher(synthetic_directory(args.services, seed=0))
    print(f"directory + index: {time.perf_counter() - t0:.1f} s")
    caseload = rm.read_caseload(synthetic_caseload(int(args.client_needs / 2.5) + 1, seed=3))
    caseload = caseload.iloc[: args.client_needs]
    caseload = caseload[caseload.client_id.isin(caseload.client_id.iloc[:-1])]  # whole clients only
    print(f"client-needs: {len(caseload)}")
    t0 = time.perf_counter()
    report = rm.gap_analysis(caseload, matcher, progress=False)
    elapsed = time.perf_counter() - t0
    print(f"pandas gap analysis: {elapsed:.1f} s, {len(caseload) / elapsed:,.0f} client-needs/s")
    print(report.summary())
    if args.dask:
        from distributed import Client, LocalCluster

        import referralmatch.dask as rmd

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        with cluster, Client(cluster):
            t0 = time.perf_counter()
            frame = rmd.gap_analysis(caseload, matcher, npartitions=8).compute().per_client_need
            elapsed = time.perf_counter() - t0
            print(
                f"dask LocalCluster (2 workers): {elapsed:.1f} s, {len(frame) / elapsed:,.0f} client-needs/s"
            )


if __name__ == "__main__":
    main()
