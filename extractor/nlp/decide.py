"""Learned decisions over rule candidates: "is this sentence a key claim?", "is this a case?".

The components propose candidates with high recall and describe each by named features
(the cues that fired, the layout, the parse); a model fitted on the annotated corpus
(`make train`, see extractor/train.py) turns the features into a probability: a logistic
model (`LinearModel`) or gradient-boosted decision trees (`TreeModel`, which can weigh a
cue differently by where the sentence sits). The fitted models ship as package data
(`extractor/data/models/*.json`), tens of kilobytes at most, and are read and applied
here with nothing but the standard library: no learner is needed at run time.
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
# The `kind` a model file names (files without one are linear).
LINEAR_KIND = "linear"
TREES_KIND = "trees"


class _Decider:
    """What both kinds of model answer from their `score` (log-odds) and `settings`."""

    settings: Mapping[str, float]

    def score(self, features: Mapping[str, float]) -> float:
        raise NotImplementedError

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


@dataclass(frozen=True)
class LinearModel(_Decider):
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

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON data, keys sorted so that a refit writes the same bytes."""
        return {
            "format": MODEL_FORMAT,
            "kind": LINEAR_KIND,
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


# One tree's node: (feature index, threshold, left node, right node, value). A node whose
# feature index is -1 is a leaf worth `value`; any other sends a candidate whose feature is
# at most `threshold` to `left`, else to `right` (a feature it lacks counts zero).
Node = tuple[int, float, int, int, float]


@dataclass(frozen=True)
class TreeModel(_Decider):
    """Gradient-boosted decision trees over named features (fitted by scikit-learn's
    HistGradientBoostingClassifier, see extractor/train.py), with the settings its selection
    uses. The log-odds of a candidate is `baseline` plus the value of the leaf each tree
    sends it to."""

    name: str
    features: tuple[str, ...]
    trees: tuple[tuple[Node, ...], ...]
    baseline: float
    settings: Mapping[str, float] = field(default_factory=dict)
    trained_on: tuple[str, ...] = ()

    def score(self, features: Mapping[str, float]) -> float:
        """The log-odds of a candidate with these features."""
        values = [features.get(name, 0.0) for name in self.features]
        total = self.baseline
        for nodes in self.trees:
            node = nodes[0]
            while node[0] >= 0:
                node = nodes[node[2] if values[node[0]] <= node[1] else node[3]]
            total += node[4]
        return total

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON data; a refit on the same rows writes the same bytes."""
        return {
            "format": MODEL_FORMAT,
            "kind": TREES_KIND,
            "name": self.name,
            "baseline": round(self.baseline, 8),
            "features": list(self.features),
            # Thresholds as they are: a split may fall exactly on a value the data holds.
            "trees": [
                [[f, t, left, right, round(v, 8)] for f, t, left, right, v in nodes]
                for nodes in self.trees
            ],
            "settings": dict(sorted(self.settings.items())),
            "trained_on": sorted(self.trained_on),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TreeModel:
        """Read a model written by `to_dict`."""
        if data.get("format") != MODEL_FORMAT or data.get("kind") != TREES_KIND:
            raise ValueError(f"not a tree model: {data.get('format')!r}, {data.get('kind')!r}")
        features = tuple(str(name) for name in data["features"])
        trees = []
        for nodes in data["trees"]:
            tree = tuple(
                (int(f), float(t), int(left), int(right), float(v))
                for f, t, left, right, v in nodes
            )
            for feature, _, left, right, _ in tree:
                if feature >= len(features) or (
                    feature >= 0 and not (0 < left < len(tree) and 0 < right < len(tree))
                ):
                    raise ValueError(f"tree model {data.get('name')!r}: a node points nowhere")
            trees.append(tree)
        return cls(
            name=str(data["name"]),
            features=features,
            trees=tuple(trees),
            baseline=float(data["baseline"]),
            settings={str(k): float(v) for k, v in data.get("settings", {}).items()},
            trained_on=tuple(data.get("trained_on", ())),
        )


# A learned decider of either kind: both answer `probability`, `setting` and `to_dict`.
Model = LinearModel | TreeModel


def model_from_dict(data: Mapping[str, Any]) -> Model:
    """Read a model of either kind written by its `to_dict`."""
    kind = data.get("kind", LINEAR_KIND)
    if kind == TREES_KIND:
        return TreeModel.from_dict(data)
    if kind != LINEAR_KIND:
        raise ValueError(f"unknown model kind {kind!r}")
    return LinearModel.from_dict(data)


@dataclass(frozen=True)
class Deciders:
    """The models one extraction uses; None where a decision falls back to the rules."""

    claims: Model | None = None
    examples: Model | None = None


def model_path(name: str) -> Path:
    """Where the shipped model `name` lives in the installed package."""
    folder = resources.files("extractor").joinpath("data").joinpath(MODELS_FOLDER)
    return Path(str(folder.joinpath(f"{name}.json")))


def read_model(path: str | Path) -> Model:
    """Read a model file."""
    with open(path, encoding="utf-8") as handle:
        return model_from_dict(json.load(handle))


@functools.cache
def shipped_deciders() -> Deciders:
    """The models shipped with the package (read once); a missing one falls back to rules."""
    found: dict[str, Model | None] = {}
    for name in (CLAIMS_MODEL, EXAMPLES_MODEL):
        path = model_path(name)
        found[name] = read_model(path) if path.exists() else None
    return Deciders(claims=found[CLAIMS_MODEL], examples=found[EXAMPLES_MODEL])


def log_count(count: float) -> float:
    """A count as a feature: its growth matters less the larger it is."""
    return math.log1p(max(count, 0.0))
