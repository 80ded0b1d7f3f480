"""Factor tables: the factors that read only a few service columns and a small client key (who
it is for, language, cost, weekly hours), computed once per distinct combination of those
columns instead of once per candidate.

A directory of 100,000 services holds a few dozen distinct population masks, language sets,
fee patterns and weekly schedules. :class:`FactorTables` numbers each service's combination
once (on first use); for a client key (population masks, language masks, insurance bits,
availability) it runs the factor's own kernel (:func:`.population.population_factor`,
:func:`.access.language_factor`, ...) over one representative service per combination, keeps
that small table for the next client with the same key, and scoring reads
``table[code of each service]``. The kernels are elementwise, so every value is exactly the
kernel's value for the service itself.

Example:
    >>> from referralmatch.synth import synthetic_directory
    >>> from referralmatch.matching.index import DirectoryIndex
    >>> index = DirectoryIndex.build(synthetic_directory(40, seed=1))
    >>> tables = FactorTables(index)
    >>> services = np.arange(index.n_services)
    >>> bool((tables.cost(services, 1) == cost_factor(index.s_free, index.s_sliding,
    ...       index.s_fee_known, index.s_insurance, 1)).all())
    True
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..context import FloatArray, IntArray
from .access import cost_factor, language_factor, schedule_factor, soon_factor
from .population import population_factor

if TYPE_CHECKING:
    from ..index import DirectoryIndex

__all__ = ["FactorTables", "distinct_rows"]

_TABLES_LIMIT = 4096
"""Client keys kept; past it the tables are dropped and rebuilt as clients come."""


def distinct_rows(*columns: npt.NDArray[Any]) -> tuple[IntArray, IntArray]:
    """Number the distinct combinations of the values of ``columns`` (equal length; a 2-D
    column counts each of its sub-columns): one representative row per combination, and each
    row's combination number (0 to the number of combinations - 1).

    >>> first, code = distinct_rows(np.array([5, 7, 5, 7]), np.array([True, True, True, False]))
    >>> code.tolist(), first.tolist()
    ([0, 2, 0, 1], [0, 3, 1])
    """
    n = len(columns[0])
    code = np.zeros(n, dtype=np.int64)
    for column in columns:
        for part in np.asarray(column).reshape(n, -1).T:
            values, inverse = np.unique(part, return_inverse=True)
            # renumbered after each column, so the combined number stays below n * n
            _, code = np.unique(code * len(values) + inverse.reshape(-1), return_inverse=True)
            code = code.reshape(-1).astype(np.int64)
    _, first = np.unique(code, return_index=True)
    return first.astype(np.int64), code


class FactorTables:
    """Population, language, cost and weekly-schedule factors of services, read from small
    per-client-key tables (see the module text). Cheap to create; the service numbering is
    built on first use and is shared by every client."""

    def __init__(self, index: DirectoryIndex) -> None:
        self.index = index
        self._tables: dict[tuple[Any, ...], FloatArray] = {}

    @cached_property
    def _population(self) -> tuple[IntArray, IntArray]:
        return distinct_rows(self.index.s_population)

    @cached_property
    def _language(self) -> tuple[IntArray, IntArray]:
        index = self.index
        return distinct_rows(index.s_lang, index.s_interp, index.s_lang_listed, index.s_teaches_english)

    @cached_property
    def _cost(self) -> tuple[IntArray, IntArray]:
        index = self.index
        return distinct_rows(
            index.s_free, index.s_sliding, index.s_fee_known, index.s_insurance
        )

    @cached_property
    def _schedule(self) -> tuple[IntArray, IntArray]:
        return distinct_rows(self.index.s_schedule, self.index.s_has_schedule)

    def _read(
        self,
        distinct: tuple[IntArray, IntArray],
        key: tuple[Any, ...],
        kernel: Callable[[IntArray], FloatArray],
        services: IntArray,
    ) -> FloatArray:
        """``kernel`` over ``services``, through the table of ``key`` (built from the
        representative services of ``distinct`` when missing)."""
        first, code = distinct
        table = self._tables.get(key)
        if table is None:
            if len(self._tables) >= _TABLES_LIMIT:
                self._tables.clear()
            table = self._tables[key] = kernel(first)
        return table[code[services]]

    def population(
        self,
        services: IntArray,
        has_mask: int,
        not_mask: int,
        required_mask: int,
        broad_mask: int,
    ) -> FloatArray:
        """:func:`.population.population_factor` of ``services`` for these client masks."""
        masks = self.index.s_population
        return self._read(
            self._population,
            ("population", has_mask, not_mask, required_mask, broad_mask),
            lambda rows: population_factor(masks[rows], has_mask, not_mask, required_mask, broad_mask),
            services,
        )

    def language(
        self, services: IntArray, client_mask: int, has_languages: bool, related_mask: int
    ) -> FloatArray:
        """:func:`.access.language_factor` of ``services`` for these client language masks."""
        index = self.index

        def kernel(rows: IntArray) -> FloatArray:
            return language_factor(
                index.s_lang[rows], index.s_interp[rows], index.s_lang_listed[rows],
                client_mask, has_languages, related_mask, index.s_teaches_english[rows],
            )  # fmt: skip

        key = ("language", client_mask, has_languages, related_mask)
        return self._read(self._language, key, kernel, services)

    def cost(self, services: IntArray, client_bits: int) -> FloatArray:
        """:func:`.access.cost_factor` of ``services`` for the client's insurance bits."""
        index = self.index

        def kernel(rows: IntArray) -> FloatArray:
            return cost_factor(
                index.s_free[rows], index.s_sliding[rows], index.s_fee_known[rows],
                index.s_insurance[rows], client_bits,
            )  # fmt: skip

        return self._read(self._cost, ("cost", client_bits), kernel, services)

    def schedule(
        self,
        services: IntArray,
        avail: npt.NDArray[np.uint64] | None,
        wait_hours: FloatArray | None = None,
    ) -> FloatArray:
        """:func:`.access.schedule_factor` of ``services`` for the client's available hours
        (packed week words, None: not given), times :func:`.access.soon_factor` of
        ``wait_hours`` (hours until each opens) when a moment is given."""
        index = self.index
        base = self._read(
            self._schedule,
            ("schedule", None if avail is None else avail.tobytes()),
            lambda rows: schedule_factor(index.s_schedule[rows], index.s_has_schedule[rows], avail),
            services,
        )
        return base if wait_hours is None else base * soon_factor(wait_hours)
