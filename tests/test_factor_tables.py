"""Factor tables give exactly the factor kernels' values, service by service."""

from __future__ import annotations

import numpy as np
import pytest

from referralmatch.matching.factors.access import (
    cost_factor,
    language_factor,
    schedule_factor,
)
from referralmatch.matching.factors.population import (
    BROAD_SITUATIONS,
    population_factor,
    population_mask,
)
from referralmatch.matching.factors.tables import FactorTables, distinct_rows
from referralmatch.matching.index import DirectoryIndex
from referralmatch.schedule import pack_week_masks
from referralmatch.synth import synthetic_directory


@pytest.fixture(scope="module")
def index() -> DirectoryIndex:
    return DirectoryIndex.build(synthetic_directory(400, seed=5))


def test_distinct_rows_numbers_combinations() -> None:
    a = np.array([3, 1, 3, 1, 3], dtype=np.uint64)
    b = np.array([[0, 1], [0, 1], [0, 1], [0, 2], [0, 1]], dtype=np.uint64)
    first, code = distinct_rows(a, b)
    assert code[0] == code[2] == code[4]
    assert len(set(code.tolist())) == 3
    assert (code[first] == np.arange(len(first))).all()


def test_tables_equal_the_kernels(index: DirectoryIndex) -> None:
    rng = np.random.default_rng(3)
    tables = FactorTables(index)
    services = rng.integers(0, index.n_services, 300)
    for _ in range(2):  # the second round reads the kept tables
        for has, not_, broad in (
            (0, 0, population_mask(BROAD_SITUATIONS)),
            (population_mask(["veteran"]), population_mask(["women"]), population_mask(BROAD_SITUATIONS)),
            (population_mask(["youth"]), 0, population_mask([*BROAD_SITUATIONS, "youth"])),
        ):
            expected = population_factor(index.s_population[services], has, not_, 0, broad)
            assert np.array_equal(tables.population(services, has, not_, 0, broad), expected)
        for mask, given, related in ((0, False, 0), (1, True, 0), (3, True, 4), (0, True, 2)):
            expected = language_factor(
                index.s_lang[services], index.s_interp[services], index.s_lang_listed[services],
                mask, given, related, index.s_teaches_english[services],
            )  # fmt: skip
            assert np.array_equal(tables.language(services, mask, given, related), expected)
        for bits in range(16):
            expected = cost_factor(
                index.s_free[services], index.s_sliding[services], index.s_fee_known[services],
                index.s_insurance[services], bits,
            )  # fmt: skip
            assert np.array_equal(tables.cost(services, bits), expected)
        wait = rng.choice([0.0, 5.0, 30.0, np.inf, np.nan], len(services))
        evenings = np.zeros(168, dtype=np.bool_)
        evenings[[17, 18, 41, 42, 113]] = True
        for avail in (None, pack_week_masks(evenings[None, :])[0]):
            words, has = index.s_schedule[services], index.s_has_schedule[services]
            assert np.array_equal(tables.schedule(services, avail), schedule_factor(words, has, avail))
            assert np.array_equal(
                tables.schedule(services, avail, wait), schedule_factor(words, has, avail, wait),
                equal_nan=True,
            )
