"""Writes the gap-analysis figures in ``docs/img/`` from the bundled sample data.

Runs :func:`referralmatch.gap_analysis` on the sample caseload and directory at a fixed moment
(Tuesday 3 March 2026, 10:00), so the figures and the numbers in ``docs/gap-analysis.md`` are the
same on every run, then prints the summary.

Usage::

    python scripts/make_gap_figures.py [OUT_DIR]   # default: docs/img next to this script
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

AT = datetime(2026, 3, 3, 10, 0)
"""The fixed moment of referral (a Tuesday morning, as in the demo)."""

FIGURES = {
    "gaps-coverage.png": "plot_coverage",
    "gaps-reasons.png": "plot_reasons",
    "gaps-distance.png": "plot_distance",
    "gaps-area.png": "plot_area_coverage",
}
"""File name -> GapReport method that draws it."""

DPI = 100


def main(argv: list[str] | None = None) -> int:
    """Write the four PNGs into ``argv[0]`` (default ``docs/img``) and print the summary."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import referralmatch as rm

    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    report = rm.gap_analysis(
        rm.sample_caseload_path(), rm.sample_directory_path(), at=AT, progress=False
    )
    print(report.summary())
    for name, method in FIGURES.items():
        ax = getattr(report, method)()
        ax.figure.savefig(out / name, dpi=DPI)
        plt.close(ax.figure)
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
