"""HHS poverty guidelines (US dollars per year) and income as a percent of them ("% FPL").

The figures live in ``poverty_guidelines.csv`` beside this module: household sizes 1 to 8 and
the amount added for each further person, for the 48 contiguous states and DC, Alaska and
Hawaii, for each year the file holds.

Example:
    >>> poverty_guideline(4, 2026)
    33000.0
    >>> round(percent_of_poverty(30_000, 2, 2026), 1)
    138.6
    >>> region_for_state("HI")
    'hawaii'
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..errors import ConfigurationError

__all__ = [
    "DEFAULT_YEAR",
    "LOW_INCOME_PERCENT_FPL",
    "REGIONS",
    "Region",
    "available_years",
    "percent_of_poverty",
    "poverty_guideline",
    "poverty_guidelines",
    "region_for_state",
]

Region = Literal["contiguous", "alaska", "hawaii"]
REGIONS: tuple[Region, ...] = ("contiguous", "alaska", "hawaii")
DEFAULT_YEAR = 2026
"""The guideline year used when none is given (the latest in the table)."""
LOW_INCOME_PERCENT_FPL = 200.0
"""A household at or under this percent of its poverty guideline is low-income: the usual line
of "low-income" programmes (a qualitative "low income" rule, the cost of private-pay care)."""


@lru_cache(maxsize=1)
def _table() -> dict[tuple[int, str], tuple[tuple[float, ...], float]]:
    text = resources.files(__package__).joinpath("poverty_guidelines.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    table: dict[tuple[int, str], tuple[tuple[float, ...], float]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        sizes = tuple(float(row[f"size_{n}"]) for n in range(1, 9))
        table[(int(row["year"]), row["region"])] = (sizes, float(row["each_additional"]))
    return table


def available_years() -> tuple[int, ...]:
    """The guideline years the table holds, oldest first.

    >>> available_years()
    (2025, 2026)
    """
    return tuple(sorted({year for year, _ in _table()}))


def _row(year: int, region: str) -> tuple[tuple[float, ...], float]:
    try:
        return _table()[(year, region)]
    except KeyError:
        raise ConfigurationError(
            f"no poverty guideline for year {year} and region {region!r}; "
            f"years: {', '.join(map(str, available_years()))}; regions: {', '.join(REGIONS)}"
        ) from None


def region_for_state(state: str | None) -> Region:
    """The guideline region for a two-letter state code: AK -> alaska, HI -> hawaii, else contiguous.

    >>> region_for_state("ak"), region_for_state("CA"), region_for_state(None)
    ('alaska', 'contiguous', 'contiguous')
    """
    code = (state or "").strip().upper()
    return "alaska" if code == "AK" else "hawaii" if code == "HI" else "contiguous"


def poverty_guideline(
    household_size: int, year: int = DEFAULT_YEAR, region: Region = "contiguous"
) -> float:
    """The poverty guideline in US dollars per year for a household of ``household_size`` persons.

    Households over 8 add the table's per-person amount for each extra person. Raises
    :class:`~referralmatch.errors.ConfigurationError` for a size below 1 or a year/region the
    table lacks.

    >>> poverty_guideline(1, 2025), poverty_guideline(10, 2026), poverty_guideline(1, 2026, "alaska")
    (15650.0, 67080.0, 19950.0)
    """
    if int(household_size) != household_size or household_size < 1:
        raise ConfigurationError("household_size must be a whole number >= 1")
    sizes, extra = _row(year, region)
    size = int(household_size)
    if size <= len(sizes):
        return sizes[size - 1]
    return sizes[-1] + extra * (size - len(sizes))


def poverty_guidelines(
    household_sizes: npt.ArrayLike, year: int = DEFAULT_YEAR, region: Region = "contiguous"
) -> npt.NDArray[np.float64]:
    """Vectorised :func:`poverty_guideline`: guidelines (USD/year) for an array of sizes.

    Sizes below 1 or not whole give NaN (a caseload column may hold blanks).

    >>> poverty_guidelines([1, 4, 9, 0], 2026).tolist()
    [15960.0, 33000.0, 61400.0, nan]
    """
    sizes_in = np.asarray(household_sizes, dtype=np.float64)
    table, extra = _row(year, region)
    base = np.asarray(table, dtype=np.float64)
    valid = np.isfinite(sizes_in) & (sizes_in >= 1) & (sizes_in == np.floor(sizes_in))
    size = np.where(valid, sizes_in, 1).astype(np.int64)
    capped = np.minimum(size, len(base))
    out = base[capped - 1] + extra * np.maximum(size - len(base), 0)
    return np.where(valid, out, np.nan)


def percent_of_poverty(
    income: float, household_size: int, year: int = DEFAULT_YEAR, region: Region = "contiguous"
) -> float:
    """Annual ``income`` (USD/year) as a percent of the poverty guideline for the household.

    >>> percent_of_poverty(15960, 1, 2026)
    100.0
    >>> round(percent_of_poverty(45_000, 4, 2025, "hawaii"), 1)
    121.7
    """
    if income < 0:
        raise ConfigurationError("income must be >= 0")
    return 100.0 * float(income) / poverty_guideline(household_size, year, region)
