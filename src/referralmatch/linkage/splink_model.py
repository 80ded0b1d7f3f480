"""The splink pair scorer (optional extra ``linkage``): a Fellegi–Sunter model trained on the data.

The same features and the same candidate pairs as the hand-written scorer: each record's
blocking keys go to splink as an array that it explodes and joins on, and splink's predictions
are kept only for the candidate pairs (so the comparison between scorers is scorer against
scorer). Per entity type, u probabilities come from random sampling, the prior from a few
deterministic rules, and m probabilities from expectation maximisation; the match probability
is the score and each comparison's Bayes factor (in bits) is its evidence.

The hand-written rules won the benchmark in ``docs/merging.md``, so this scorer is opt-in:
``merge(a, b, scorer="splink")`` after ``pip install 'referralmatch[linkage]'``.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, MissingExtraError
from .blocking import location_keys, organization_keys, service_keys
from .pairs import Evidence, Outcome, PairScore

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MIN_RECORDS", "splink_scorer"]

MIN_RECORDS = 20
"""Fewer records than this on a side leave splink's u and m estimates undefined."""

_COMPARED = {
    "organization": ["name", "website", "email", "phones", "zips"],
    "location": ["name", "street", "unit", "zip5", "coordinates", "phones", "org_key"],
    "service": [
        "name",
        "org_key",
        "locations",
        "description",
        "eligibility",
        "codes",
        "phones",
        "email",
    ],
}


def _import() -> Any:
    try:
        import splink
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError(
            "scorer='splink' needs splink: pip install 'referralmatch[linkage]'"
        ) from exc
    return splink


def _frames(
    entity: str,
    fa: Mapping[str, Any],
    fb: Mapping[str, Any],
    org_map: Mapping[str, str],
    location_map: Mapping[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    if entity == "organization":
        keys_a, keys_b = organization_keys(fa), organization_keys(fb)
    elif entity == "location":
        keys_a, keys_b = location_keys(fa, neighbours=False), location_keys(fb, neighbours=True)
    else:
        keys_a = service_keys(fa)
        keys_b = service_keys(fb, org_map=org_map, location_map=location_map)

    def rows(features: Mapping[str, Any], keys: Mapping[str, set[str]], side: str) -> pd.DataFrame:
        out = []
        for fid, f in features.items():
            row: dict[str, Any] = {"unique_id": fid, "keys": sorted(keys[fid]), "name": f.name}
            if entity == "organization":
                row.update(
                    website=f.website,
                    email=f.email,
                    phones=sorted(f.phones) or None,
                    zips=sorted(f.zips) or None,
                )
            elif entity == "location":
                org = f.organization_id
                if org is not None and side == "b":
                    org = org_map.get(org, "\0" + org)
                row.update(
                    street=f.address_key,
                    unit=f.unit,
                    zip5=f.zip5,
                    latitude=f.latitude,
                    longitude=f.longitude,
                    phones=sorted(f.phones) or None,
                    org_key=org,
                )
            else:
                org = f.organization_id
                locs = sorted(f.location_ids)
                if side == "b":
                    org = org_map.get(org, "\0" + org) if org is not None else None
                    locs = sorted(location_map.get(i, "\0" + i) for i in f.location_ids)
                row.update(
                    org_key=org,
                    locations=locs or None,
                    description=(f.description or "")[:400] or None,
                    eligibility=(f.eligibility or "")[:400] or None,
                    codes=sorted(f.codes) or None,
                    phones=sorted(f.phones) or None,
                    email=f.email,
                )
            out.append(row)
        return pd.DataFrame(out)

    return rows(fa, keys_a, "a"), rows(fb, keys_b, "b")


def _settings(entity: str, splink: Any, prior: float) -> tuple[Any, list[Any]]:
    import splink.comparison_library as cl

    block_on = splink.block_on
    name = cl.JaroWinklerAtThresholds("name", [0.97, 0.9, 0.8])
    if entity == "organization":
        comparisons = [
            name,
            cl.ExactMatch("website"),
            cl.ExactMatch("email"),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ArrayIntersectAtSizes("zips", [1]),
        ]
        training = [block_on("name"), block_on("website")]
        rules = [block_on("name"), block_on("website"), block_on("email")]
    elif entity == "location":
        comparisons = [
            name,
            cl.JaroWinklerAtThresholds("street", [0.97, 0.9]),
            cl.ExactMatch("unit"),
            cl.ExactMatch("zip5"),
            cl.DistanceInKMAtThresholds("latitude", "longitude", [0.06, 0.15, 0.5, 2.0]),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ExactMatch("org_key"),
        ]
        training = [block_on("zip5"), block_on("name")]
        rules = [block_on("street", "zip5"), block_on("name", "zip5")]
    else:
        comparisons = [
            name,
            cl.ExactMatch("org_key"),
            cl.ArrayIntersectAtSizes("locations", [1]),
            cl.JaroWinklerAtThresholds("description", [0.95, 0.8]),
            cl.JaroWinklerAtThresholds("eligibility", [0.95, 0.8]),
            cl.ArrayIntersectAtSizes("codes", [3, 1]),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ExactMatch("email"),
        ]
        training = [block_on("org_key"), block_on("name")]
        rules = [block_on("name", "org_key"), block_on("description", "org_key")]
    settings = splink.SettingsCreator(
        link_type="link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on("keys", arrays_to_explode=["keys"])],
        retain_intermediate_calculation_columns=True,
        probability_two_random_records_match=prior,
    )
    return settings, [training, rules]


def _outcome(gamma: int, top: int) -> Outcome:
    if gamma < 0:
        return "missing"
    if gamma == 0:
        return "disagree"
    return "agree" if gamma == top else "partial"


def splink_scorer(
    entity: str,
    fa: Mapping[str, Any],
    fb: Mapping[str, Any],
    candidates: list[tuple[str, str]],
    org_map: Mapping[str, str],
    location_map: Mapping[str, str],
) -> list[PairScore]:
    """Score ``candidates`` with a splink model trained on the two sides' features."""
    splink = _import()
    if not candidates:
        return []
    if min(len(fa), len(fb)) < MIN_RECORDS:
        raise ConfigurationError(
            f"scorer='splink' needs at least {MIN_RECORDS} {entity} records on each side to "
            "train its model; use scorer='rules'"
        )
    from splink import DuckDBAPI
    from splink.internals.exceptions import SplinkException

    left, right = _frames(entity, fa, fb, org_map, location_map)
    db_api = DuckDBAPI()
    tables = [
        db_api.register(left, dataset_display_name="a"),
        db_api.register(right, dataset_display_name="b"),
    ]
    # fallback prior: half the smaller side has a match on the other
    prior = min(0.5, 0.5 * min(len(fa), len(fb)) / (len(fa) * len(fb)))
    settings, (training, rules) = _settings(entity, splink, prior)
    linker = splink.Linker(tables, settings, log_level=logging.ERROR)
    # On very small inputs splink cannot estimate some parameters; its defaults then stand.
    with contextlib.suppress(ValueError):
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e5, seed=1)
    for rule in training:
        with contextlib.suppress(ValueError, SplinkException):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict().as_pandas_dataframe()
    wanted = set(candidates)
    top = {
        c: int(predictions[f"gamma_{c}"].max())
        for c in _COMPARED[entity]
        if f"gamma_{c}" in predictions
    }
    out: list[PairScore] = []
    for row in predictions.itertuples(index=False):
        record = row._asdict()
        pair = (str(record["unique_id_l"]), str(record["unique_id_r"]))
        if record["source_dataset_l"] != "a":
            pair = (pair[1], pair[0])
        if pair not in wanted:
            continue
        evidence = []
        for column in _COMPARED[entity]:
            if f"gamma_{column}" not in record:
                continue
            gamma = int(record[f"gamma_{column}"])
            bf = float(record.get(f"bf_{column}", 1.0) or 1.0)
            weight = math.log2(bf) if bf > 0 else -30.0
            evidence.append(
                Evidence(column, _outcome(gamma, top[column]), round(weight, 2), f"level {gamma}")
            )
        out.append(
            PairScore(entity, pair[0], pair[1], float(record["match_probability"]), tuple(evidence))
        )
    out.sort(key=lambda p: (p.id_a, p.id_b))
    return out
