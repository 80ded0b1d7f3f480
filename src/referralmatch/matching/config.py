"""MatchConfig: the frozen weights and defaults of ranking.

The score of a service for a need is ``sum(weight[f] * factor[f]) / sum(weight)`` over the named
factors, each in [0, 1], so a score is in [0, 1] too.

Example:
    >>> config = MatchConfig(max_travel_km=20)
    >>> round(sum(config.weights().values()), 6)
    1.0
    >>> config.poverty_year
    2026
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..eligibility.poverty import available_years
from ..errors import ConfigurationError

__all__ = ["FACTORS", "MatchConfig"]

FACTORS = (
    "need_fit",
    "population",
    "distance",
    "eligibility",
    "language",
    "cost",
    "schedule",
    "capacity",
)
"""The named score factors, in the order they are reported."""


class MatchConfig(BaseModel):
    """Weights of the score factors and the defaults matching uses when a client does not say.

    Weights are relative (they need not sum to one). Distances are in kilometres. A bad value
    raises :class:`~referralmatch.errors.ConfigurationError` naming the field, never the value.

    >>> MatchConfig(poverty_year=2019)
    Traceback (most recent call last):
    ...
    referralmatch.errors.ConfigurationError: invalid MatchConfig: poverty_year (Value error, no HHS poverty guidelines for that year; known: 2025, 2026)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Defaults: the midpoints of the weights the two-fold cross-validation in
    # benchmarks/relevance.py chose on each half of the judged Baltimore vignettes.
    weight_need_fit: float = Field(default=0.525, ge=0)
    weight_population: float = Field(default=0.125, ge=0)
    weight_population_known: float = Field(
        default=0.30,
        ge=0,
        description="population weight for a client whose situation is known: the profile "
        "states or settles a specific situation (veteran, pregnant, hiv, ...), not only a broad "
        "one such as low income; who a service is for then says much more",
    )
    weight_distance: float = Field(default=0.15, ge=0)
    weight_eligibility: float = Field(default=0.15, ge=0)
    weight_language: float = Field(default=0.20, ge=0)
    weight_cost: float = Field(default=0.10, ge=0)
    weight_schedule: float = Field(default=0.08, ge=0)
    weight_capacity: float = Field(default=0.07, ge=0)

    max_travel_km: float = Field(
        default=25.0, gt=0, description="reach when the client gives none (km)"
    )
    min_need_fit: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="least need relevance (0-1) to be ranked; weaker members are listed as "
        "weak_fit exclusions",
    )
    strong_need_fit: float = Field(
        default=0.65,
        ge=0,
        le=1,
        description="need relevance (0-1) below which a ranked service is marked a weak fit "
        "(Match.weak_fit): it mentions the need but is not mainly about it",
    )
    poverty_year: int = Field(
        default=2026, description="HHS poverty guideline year for income rules"
    )
    include_inactive: bool = Field(default=False, description="rank inactive/closed services too")
    default_language: str = Field(
        default="en",
        min_length=2,
        description="ISO 639 code a service that lists no language is taken to work in",
    )
    require_language: bool = Field(
        default=False,
        description="exclude services that neither speak a client language nor offer interpretation",
    )
    virtual_distance_score: float = Field(
        default=0.8, ge=0, le=1, description="distance factor of a reachable virtual service"
    )
    unknown_distance_score: float = Field(
        default=0.3, ge=0, le=1, description="distance factor when a distance cannot be known"
    )

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:  # name the fields, never echo what was given
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'config'} ({e['msg']})"
                for e in exc.errors(include_input=False, include_url=False)
            )
            raise ConfigurationError(f"invalid MatchConfig: {problems}") from None

    @field_validator("poverty_year")
    @classmethod
    def _known_year(cls, year: int) -> int:
        years = available_years()
        if year not in years:
            raise ValueError(f"no HHS poverty guidelines for that year; known: {', '.join(map(str, years))}")
        return year

    @model_validator(mode="after")
    def _some_weight(self) -> MatchConfig:
        if sum(float(getattr(self, f"weight_{name}")) for name in FACTORS) <= 0:
            raise ValueError("at least one weight must be positive")
        return self

    def weights(self, *, situation_known: bool = False) -> dict[str, float]:
        """Factor name -> normalised weight (summing to 1); with ``situation_known``,
        population weighs :attr:`weight_population_known`.

        >>> w, known = MatchConfig().weights(), MatchConfig().weights(situation_known=True)
        >>> known["population"] > w["population"]
        True
        """
        raw = {name: float(getattr(self, f"weight_{name}")) for name in FACTORS}
        if situation_known:
            raw["population"] = float(self.weight_population_known)
        total = sum(raw.values())
        return {name: value / total for name, value in raw.items()}
