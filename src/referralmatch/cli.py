"""The ``referralmatch`` command: validate a directory (and, as they are added, demo, match, gaps).

Exit codes: 0 success; 1 records were rejected in ``--strict`` mode; 2 the input could not be
read at all (unknown format, unsafe archive, missing file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict

from .errors import DirectoryValidationError, ReferralMatchError
from .io.loader import FORMATS, load_directory
from .samples import sample_directory_path

__all__ = ["main"]


def _validate(args: argparse.Namespace) -> int:
    path = args.path or str(sample_directory_path())
    try:
        directory = load_directory(path, format=args.format, strict=args.strict)
    except DirectoryValidationError as exc:
        issues = exc.issues
        if args.json:
            print(json.dumps({"ok": False, "issues": [asdict(i) for i in issues]}, indent=1))
        else:
            print(f"{len([i for i in issues if i.severity == 'error'])} error(s) in strict mode:")
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="referralmatch",
        description="Load community resource directories and rank services for a client's needs.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="load a directory and print its load report")
    validate.add_argument("path", nargs="?", help="folder, .zip or .json (default: bundled sample)")
    validate.add_argument("--format", choices=FORMATS, help="skip format sniffing")
    validate.add_argument("--strict", action="store_true", help="exit 1 if any record is rejected")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.add_argument("--max-issues", type=int, default=20, help="issues to print (default 20)")
    validate.set_defaults(handler=_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ReferralMatchError as exc:
        print(f"referralmatch: error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
