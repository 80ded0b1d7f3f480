"""The ``referralmatch`` command: ``demo``, ``match``, ``validate`` (and ``gaps``).

Exit codes: 0 success; 1 records were rejected in ``--strict`` mode; 2 the input could not be
read at all (unknown format, unsafe archive, missing file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import ConfigurationError, DirectoryValidationError, ReferralMatchError
from .io.loader import FORMATS, load_directory
from .samples import sample_directory_path

__all__ = ["main"]


def _mapping(args: argparse.Namespace) -> Any:
    """The ColumnMapping named by ``--mapping FILE`` or ``--preset NAME`` (None without either)."""
    if getattr(args, "mapping", None) and getattr(args, "preset", None):
        raise ConfigurationError("give --mapping or --preset, not both")
    if getattr(args, "mapping", None):
        from .io.mapping import ColumnMapping

        return ColumnMapping.from_json(Path(args.mapping))
    if getattr(args, "preset", None):
        from .io.presets import preset

        return preset(args.preset)
    return None


def _directory(args: argparse.Namespace, path: str | None) -> Any:
    """The directory a command names: its path, or (with ``--mapping``/``--preset``) loaded."""
    mapping = _mapping(args)
    source = path or str(sample_directory_path())
    return source if mapping is None else load_directory(source, mapping=mapping)


def _add_mapping_options(parser: argparse.ArgumentParser) -> None:
    from .io.presets import PRESETS

    parser.add_argument("--mapping", metavar="FILE",
                        help="column mapping as JSON (ColumnMapping.to_json) for CSV/Excel/JSON input")  # fmt: skip
    parser.add_argument("--preset", choices=sorted(PRESETS), help="a named column mapping")


def _validate_api(args: argparse.Namespace) -> Any:
    from .errors import DirectoryFormatError
    from .io.api import read_api

    if args.path or _mapping(args) is not None:
        raise ConfigurationError("--api reads a URL: give no path, --mapping or --preset with it")
    directory = read_api(args.api, dialect=args.dialect)
    pages = directory.report.counts.get("page")
    if pages is None or pages.loaded == 0:
        first = directory.report.errors[0].message if directory.report.errors else "no page"
        raise DirectoryFormatError(f"{directory.report.source}: no page could be read ({first})")
    return directory


def _validate(args: argparse.Namespace) -> int:
    path = args.path or str(sample_directory_path())
    try:
        if getattr(args, "api", None):
            directory = _validate_api(args)
            if args.strict and not directory.report.ok:
                raise DirectoryValidationError("strict mode", tuple(directory.report.issues))
        else:
            mapping = _mapping(args)
            directory = load_directory(path, format=None if mapping else args.format,
                                       strict=args.strict, mapping=mapping)  # fmt: skip
    except DirectoryValidationError as exc:
        issues = exc.issues
        if args.json:
            print(json.dumps({"ok": False, "issues": [asdict(i) for i in issues]}, indent=1))
        else:
            errors = len([i for i in issues if i.severity == "error"])
            print(f"{errors} error(s) in strict mode:" if errors else f"{exc}:")
            for issue in issues:
                print(f"  {issue}")
        return 1
    report = directory.report
    if args.json:
        payload = {
            "source": report.source,
            "format": report.format,
            "ok": report.ok,
            "balanced": report.balanced,
            "counts": {name: asdict(c) for name, c in sorted(report.counts.items())},
            "issues": [asdict(i) for i in report.issues],
        }
        print(json.dumps(payload, indent=1))
    else:
        print(report.summary())
        shown = report.issues[: args.max_issues]
        for issue in shown:
            print(f"  {issue}")
        if len(report.issues) > len(shown):
            print(f"  ... {len(report.issues) - len(shown)} more (use --json for all)")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import run

    return run(sys.stdout, limit=args.limit)


def _screening_needs(path: str) -> list[Any]:
    """Needs from a JSON file of screening answers: ``{"ahc_hrsn": {...}, "phq9": {...}, ...}``."""
    from . import screening

    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    if not isinstance(payload, dict):
        raise ConfigurationError("screening file must hold a JSON object keyed by instrument")
    instruments = {
        "ahc_hrsn": screening.ahc_hrsn,
        "phq9": screening.phq9,
        "phq2": screening.phq2,
        "gad7": screening.gad7,
        "dast10": screening.dast10,
    }
    results = []
    for name, answers in payload.items():
        if name == "audit_c":
            sex = answers.pop("sex", None) if isinstance(answers, dict) else None
            results.append(screening.audit_c(answers, sex=sex))
        elif name in instruments:
            results.append(instruments[name](answers))
        else:
            raise ConfigurationError(
                f"unknown screening instrument {name!r}; known: audit_c, {', '.join(instruments)}"
            )
    return list(screening.needs_from_screenings(*results))


def _moment(value: str | None) -> datetime | None:
    """``--at``: an ISO 8601 date-time, or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ConfigurationError("--at must be an ISO 8601 date-time") from None


def _match(args: argparse.Namespace) -> int:
    from .matching.config import MatchConfig
    from .matching.matcher import Matcher
    from .models.client import ClientProfile

    directory = _directory(args, args.directory)
    if isinstance(directory, str):
        directory = load_directory(directory)
    with open(args.client, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ConfigurationError("client file must hold a JSON object")
    if args.screening:
        data["needs"] = [*data.get("needs", []), *_screening_needs(args.screening)]
    client = ClientProfile.model_validate(data)
    at = _moment(args.at)
    config = MatchConfig(include_inactive=True) if args.include_inactive else None
    result = Matcher(directory, config=config).match(client, limit=args.limit, at=at)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1))
    else:
        # warnings (an unresolved place), built-in fallback lines and inactive labels are part
        # of the explanation
        print(result.explain())
        counts = result.exclusion_counts()
        if counts:
            print("\nexcluded by reason: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def _gaps(args: argparse.Namespace) -> int:
    """Gap analysis of a caseload: summary tables (CSV) and figures (PNG) into ``--out``."""
    import importlib.util
    from datetime import datetime
    from pathlib import Path

    from .analysis.gaps import gap_analysis

    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            raise ConfigurationError("--at must be an ISO 8601 date-time") from None
    directory = _directory(args, args.directory)
    report = gap_analysis(args.caseload, directory, at=at, progress=False)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tables = {
        "per_client_need.csv": (report.per_client_need, False),
        "by_need.csv": (report.by_need, True),
        "by_area.csv": (report.by_area, True),
        "reasons.csv": (report.reasons, False),
    }
    for name, (table, index) in tables.items():
        table.to_csv(out / name, index=index)
        written.append(out / name)
    plots = not args.no_plots and importlib.util.find_spec("matplotlib") is not None
    if plots:
        if "matplotlib.pyplot" not in sys.modules:  # a command writes files: no display needed
            import matplotlib

            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure

        figures = {
            "gaps-coverage.png": report.plot_coverage,
            "gaps-reasons.png": report.plot_reasons,
            "gaps-distance.png": report.plot_distance,
            "gaps-area.png": report.plot_area_coverage,
        }
        for name, draw in figures.items():
            figure = draw().figure
            if isinstance(figure, Figure):
                figure.savefig(out / name, dpi=100)
                plt.close(figure)
                written.append(out / name)
    print(report.summary())
    print(f"\nwrote {len(written)} file(s) to {out}:")
    for path in written:
        print(f"  {path.name}")
    if not plots and not args.no_plots:
        print("(no figures: matplotlib is not installed; pip install 'referralmatch[plot]')")
    return 0


def _count(minimum: int) -> Any:
    """An argparse type: a whole number >= ``minimum``; anything else is a usage error (exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}")
        return value

    parse.__name__ = "count"  # argparse names the type in some messages
    return parse


def _version() -> str:
    """The version of the referralmatch package that is running."""
    from . import __version__

    return __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="referralmatch",
        description="Load community resource directories and rank services for a client's needs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="load a directory and print its load report")
    validate.add_argument("path", nargs="?", help="folder, .zip or .json (default: bundled sample)")
    validate.add_argument("--format", choices=FORMATS, help="skip format sniffing")
    validate.add_argument("--strict", action="store_true", help="exit 1 if any record is rejected")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.add_argument("--max-issues", type=_count(0), default=20,
                          help="issues to print, 0 or more (default 20)")  # fmt: skip
    _add_mapping_options(validate)
    validate.add_argument("--api", metavar="URL",
                          help="read a live Open Referral API (pages through URL/services)")  # fmt: skip
    validate.add_argument("--dialect", choices=("hsds3", "oruk"), default="hsds3",
                          help="API dialect for --api (default hsds3)")  # fmt: skip
    validate.set_defaults(handler=_validate)

    demo = sub.add_parser(
        "demo", help="match fictional clients against the bundled sample directory"
    )
    demo.add_argument("--limit", type=_count(1), default=3, help="services per need, 1 or more (default 3)")
    demo.set_defaults(handler=_demo)

    match = sub.add_parser("match", help="rank services for one client (JSON file)")
    match.add_argument("--directory", help="directory to load (default: bundled sample)")
    match.add_argument("--client", required=True, help="client profile as JSON")
    match.add_argument("--screening", help="screening answers as JSON, keyed by instrument")
    match.add_argument("--limit", type=_count(1), default=5, help="services per need, 1 or more (default 5)")
    match.add_argument("--json", action="store_true", help="print the result as JSON")
    match.add_argument(
        "--at", help="moment of referral, ISO 8601 (default: judge weekly hours only)"
    )
    match.add_argument(
        "--include-inactive", action="store_true",
        help="also rank inactive services (each labelled INACTIVE)",
    )  # fmt: skip
    _add_mapping_options(match)
    match.set_defaults(handler=_match)

    gaps = sub.add_parser("gaps", help="resource gap analysis of a caseload (tables and figures)")
    gaps.add_argument("--caseload", required=True, help="caseload table (.csv or .xlsx)")
    gaps.add_argument("--directory", help="directory to load (default: bundled sample)")
    gaps.add_argument("--out", required=True, help="folder for the CSV tables and PNG figures")
    gaps.add_argument("--no-plots", action="store_true", help="write the tables only")
    gaps.add_argument("--at", help="moment of referral, ISO 8601 (default: now)")
    _add_mapping_options(gaps)
    gaps.set_defaults(handler=_gaps)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ReferralMatchError as exc:
        print(f"referralmatch: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"referralmatch: error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(
            f"referralmatch: error: not valid JSON (line {exc.lineno}): {exc.msg}", file=sys.stderr
        )
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
