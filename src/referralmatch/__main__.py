"""``python -m referralmatch``: the same command line as ``referralmatch``."""

from .cli import main

raise SystemExit(main())
