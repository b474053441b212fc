"""Random durations (service times, network latency) described in a scenario."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from sim.scenario.base import StrictModel
from sim.scenario.units import Duration


class DurationDistribution(StrictModel):
    """A distribution of durations, given by its kind, mean and coefficient of variation."""

    distribution: Literal["exponential", "constant", "lognormal", "uniform"] = Field(
        "exponential",
        description="shape: exponential (cv 1), constant (cv 0), lognormal or uniform (any cv)",
    )
    mean: Duration = Field(description="mean duration, with a unit (e.g. '200 ms')")
    cv: float = Field(
        1.0,
        ge=0,
        le=10,
        description="coefficient of variation (sd / mean); used by lognormal and uniform",
    )

    @model_validator(mode="after")
    def _check_cv(self) -> DurationDistribution:
        if self.distribution == "uniform" and self.cv > 1 / np.sqrt(3):
            raise ValueError(
                f"a uniform distribution cannot have cv above {1 / np.sqrt(3):.3f} "
                f"(got {self.cv}); use lognormal for more spread"
            )
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` durations in seconds."""
        mean = self.mean
        if self.distribution == "constant" or mean == 0:
            return np.full(size, mean)
        if self.distribution == "exponential":
            return rng.exponential(mean, size)
        if self.distribution == "lognormal":
            if self.cv == 0:
                return np.full(size, mean)
            sigma2 = np.log1p(self.cv**2)
            return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), size)
        half_width = mean * self.cv * np.sqrt(3)
        return rng.uniform(mean - half_width, mean + half_width, size)
