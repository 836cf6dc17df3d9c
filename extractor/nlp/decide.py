"""Learned decisions over rule candidates: "is this sentence a key claim?", "is this a case?".

The components propose candidates with high recall and describe each by named features
(the cues that fired, the layout, the parse); a logistic model fitted on the annotated
corpus (`make train`, see extractor/train.py) turns the features into a probability.
The fitted weights ship as package data (`extractor/data/models/*.json`), a few kilobytes
each, and are read here with nothing but the standard library: no learner is needed at
run time.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

Features = dict[str, float]

MODELS_FOLDER = "models"
CLAIMS_MODEL = "claims"
EXAMPLES_MODEL = "examples"
MODEL_FORMAT = 1


@dataclass(frozen=True)
class LinearModel:
    """A logistic model over named features, with the settings its selection uses.

    `scale` divides each feature before weighting (the training data's standard
    deviation), so that weights compare; features the model does not know count zero.
    `settings` carry what was tuned with it by cross-validation (a claim budget per page,
    an example threshold).
    """

    name: str
    weights: Mapping[str, float]
    bias: float
    scale: Mapping[str, float] = field(default_factory=dict)
    settings: Mapping[str, float] = field(default_factory=dict)
    trained_on: tuple[str, ...] = ()

    def score(self, features: Mapping[str, float]) -> float:
        """The log-odds of a candidate with these features."""
        total = self.bias
        for name, value in features.items():
            weight = self.weights.get(name)
            if weight is not None and value:
                total += weight * value / self.scale.get(name, 1.0)
        return total

    def probability(self, features: Mapping[str, float]) -> float:
        """The probability that a candidate with these features is a positive."""
        logit = self.score(features)
        if logit >= 0:
            return 1.0 / (1.0 + math.exp(-logit))
        odds = math.exp(logit)
        return odds / (1.0 + odds)

    def setting(self, key: str, default: float) -> float:
        """A tuned setting, or `default` where the model carries none."""
        return float(self.settings.get(key, default))

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON data, keys sorted so that a refit writes the same bytes."""
        return {
            "format": MODEL_FORMAT,
            "name": self.name,
            "bias": round(self.bias, 8),
            "weights": {k: round(v, 8) for k, v in sorted(self.weights.items())},
            "scale": {k: round(v, 8) for k, v in sorted(self.scale.items())},
            "settings": dict(sorted(self.settings.items())),
            "trained_on": sorted(self.trained_on),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        """Read a model written by `to_dict`."""
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"unknown model format {data.get('format')!r}")
        return cls(
            name=str(data["name"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            scale={str(k): float(v) for k, v in data.get("scale", {}).items()},
            settings={str(k): float(v) for k, v in data.get("settings", {}).items()},
            trained_on=tuple(data.get("trained_on", ())),
        )


@dataclass(frozen=True)
class Deciders:
    """The models one extraction uses; None where a decision falls back to the rules."""

    claims: LinearModel | None = None
    examples: LinearModel | None = None


def model_path(name: str) -> Path:
    """Where the shipped model `name` lives in the installed package."""
    folder = resources.files("extractor").joinpath("data").joinpath(MODELS_FOLDER)
    return Path(str(folder.joinpath(f"{name}.json")))


def read_model(path: str | Path) -> LinearModel:
    """Read a model file."""
    with open(path, encoding="utf-8") as handle:
        return LinearModel.from_dict(json.load(handle))


@functools.cache
def shipped_deciders() -> Deciders:
    """The models shipped with the package (read once); a missing one falls back to rules."""
    found: dict[str, LinearModel | None] = {}
    for name in (CLAIMS_MODEL, EXAMPLES_MODEL):
        path = model_path(name)
        found[name] = read_model(path) if path.exists() else None
    return Deciders(claims=found[CLAIMS_MODEL], examples=found[EXAMPLES_MODEL])


def log_count(count: float) -> float:
    """A count as a feature: its growth matters less the larger it is."""
    return math.log1p(max(count, 0.0))
