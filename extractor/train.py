"""Fitting the learned deciders (extractor/nlp/decide.py) on annotated documents.

Rows are (features, label) pairs that `extractor.crossval` reads off each annotated
document: every prose sentence of an annotated page for claims (positive where a gold key
claim's phrase is in it), every named mention for examples (positive where it matches a
gold example of its page by the scoring rules). Claims are ranked by gradient-boosted
trees (`fit_trees`: a cue or a verb form can count for more in a paragraph's opening
sentence than in a list, which a logistic model cannot say); cross-validated by document
they found more of the gold claims within the same budget than the logistic model, which
still decides examples (`fit`). Both are fitted with scikit-learn (a development
dependency: nothing here runs at extraction time) with balanced classes; the example
threshold is tuned on out-of-fold probabilities over the training documents, never on the
documents being scored.

`python -m extractor.train` (`make train`) fits the claims model on every annotated document
and writes it to extractor/data/models/; the same data and seed give the same bytes. The
examples model is fitted only by `make crossval --learn-examples`: it does not yet beat the
rules, so examples stay with them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.nlp.decide import (
    CLAIMS_MODEL,
    EXAMPLES_MODEL,
    Features,
    LinearModel,
    Model,
    Node,
    TreeModel,
    model_path,
)
from extractor.output import write_text_atomic

Row = tuple[Features, bool]

# Inverse regularisation strength of the logistic regressions (chosen by cross-validation
# by document: 0.1 to 1 score alike; smaller underfits the rare positives).
REGULARISATION_C = 0.3
# A feature (a word, a heading word, a verb) is learned only where it occurs in at least
# this many training documents: a word that fits one document's gold is not a rule.
MIN_FEATURE_DOCUMENTS = 4
# Inner folds (by document) that give the out-of-fold probabilities a threshold is tuned on.
INNER_FOLDS = 5
SEED = 0
# The claims trees (chosen by cross-validation by document over the 27 annotated
# documents): boosting rounds, their learning rate, leaves per tree, the fewest rows a
# leaf may hold (a leaf fitted to a handful of one document's sentences is that
# document's answer), and the L2 penalty on leaf values.
TREE_ROUNDS = 60
TREE_LEARNING_RATE = 0.05
TREE_LEAVES = 7
TREE_MIN_LEAF_ROWS = 40
TREE_L2 = 1.0
# Claims kept per page of text, and at most on one page (the density bound is 4).
CLAIMS_PER_TEXT_PAGE = 3.9
MAX_CLAIMS_PER_PAGE = 8
# The example threshold is searched on this grid of probabilities.
THRESHOLD_GRID = tuple(round(0.05 * k, 2) for k in range(2, 19))


@dataclass(frozen=True)
class DocumentRows:
    """The labelled candidates of one annotated document.

    `claim_where` and `example_where` say where each row came from (page index and the
    sentence or the name), for reading errors; the models never see them.
    """

    file: str
    claims: tuple[Row, ...]
    examples: tuple[Row, ...]
    claim_where: tuple[tuple[int, str], ...] = ()
    example_where: tuple[tuple[int, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "claims": [[features, label] for features, label in self.claims],
            "examples": [[features, label] for features, label in self.examples],
            "claim_where": [list(where) for where in self.claim_where],
            "example_where": [list(where) for where in self.example_where],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentRows:
        def rows(key: str) -> tuple[Row, ...]:
            return tuple((dict(features), bool(label)) for features, label in data[key])

        def where(key: str) -> tuple[tuple[int, str], ...]:
            return tuple((int(page), str(text)) for page, text in data.get(key, ()))

        return cls(
            data["file"],
            rows("claims"),
            rows("examples"),
            where("claim_where"),
            where("example_where"),
        )


def feature_names(groups: Sequence[Sequence[Row]]) -> list[str]:
    """The features present in at least MIN_FEATURE_DOCUMENTS of the groups (documents)."""
    spread: dict[str, int] = {}
    for group in groups:
        for key in {key for features, _ in group for key, value in features.items() if value}:
            spread[key] = spread.get(key, 0) + 1
    needed = min(MIN_FEATURE_DOCUMENTS, len(groups))
    return sorted(key for key, count in spread.items() if count >= needed)


def _design(groups: Sequence[Sequence[Row]]) -> tuple[list[str], Any, Any]:
    """The features learned from (`feature_names`), the rows of every group as a matrix
    over them (a feature a row lacks is 0) and the labels as 0 and 1."""
    import numpy as np

    names = feature_names(groups)
    rows = [row for group in groups for row in group]
    matrix = np.array([[features.get(key, 0.0) for key in names] for features, _ in rows])
    return names, matrix, np.array([label for _, label in rows], dtype=int)


def _one_class_model(
    name: str, labels: Any, settings: dict[str, float], files: Sequence[str]
) -> LinearModel | None:
    """Where there is nothing to learn (no rows, or rows of one class), a constant model
    that says so; else None."""
    if labels.size and labels.min() != labels.max():
        return None
    bias = 10.0 if labels.size and labels.min() else -10.0
    return LinearModel(name, {}, bias, {}, settings, tuple(files))


def fit_trees(
    name: str,
    groups: Sequence[Sequence[Row]],
    settings: dict[str, float],
    files: Sequence[str],
) -> Model:
    """Gradient-boosted trees fitted on the rows of `groups` (one group per document);
    deterministic for the same rows. Features present in fewer than MIN_FEATURE_DOCUMENTS
    groups are left out; one class alone gives a constant linear model."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    names, matrix, labels = _design(groups)
    constant = _one_class_model(name, labels, settings, files)
    if constant is not None:
        return constant
    learner = HistGradientBoostingClassifier(
        learning_rate=TREE_LEARNING_RATE,
        max_iter=TREE_ROUNDS,
        max_leaf_nodes=TREE_LEAVES,
        min_samples_leaf=TREE_MIN_LEAF_ROWS,
        l2_regularization=TREE_L2,
        class_weight="balanced",
        early_stopping=False,
        random_state=SEED,
    )
    learner.fit(matrix, labels)
    trees = tuple(_tree_nodes(predictors[0].nodes) for predictors in learner._predictors)
    baseline = float(np.ravel(learner._baseline_prediction)[0])
    return TreeModel(name, tuple(names), trees, baseline, settings, tuple(files))


def _tree_nodes(nodes: Any) -> tuple[Node, ...]:
    """scikit-learn's node records of one tree as TreeModel's nodes. Features here have no
    missing values (a feature a row lacks is 0), so a split only compares a threshold."""
    return tuple(
        (
            -1 if node["is_leaf"] else int(node["feature_idx"]),
            0.0 if node["is_leaf"] else float(node["num_threshold"]),
            int(node["left"]),
            int(node["right"]),
            float(node["value"]) if node["is_leaf"] else 0.0,
        )
        for node in nodes
    )


def fit(
    name: str,
    groups: Sequence[Sequence[Row]],
    settings: dict[str, float],
    files: Sequence[str],
) -> LinearModel:
    """A logistic model fitted on the rows of `groups` (one group per document);
    deterministic for the same rows. Features present in fewer than
    MIN_FEATURE_DOCUMENTS groups are left out."""
    from sklearn.linear_model import LogisticRegression

    names, matrix, labels = _design(groups)
    constant = _one_class_model(name, labels, settings, files)
    if constant is not None:
        return constant
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    learner = LogisticRegression(
        C=REGULARISATION_C, class_weight="balanced", max_iter=5000, random_state=SEED
    )
    learner.fit(matrix / scale, labels)
    weights = {
        key: float(weight)
        for key, weight in zip(names, learner.coef_[0], strict=True)
        if abs(weight) > 1e-9
    }
    return LinearModel(
        name=name,
        weights=weights,
        bias=float(learner.intercept_[0]),
        scale={key: float(s) for key, s in zip(names, scale, strict=True) if key in weights},
        settings=settings,
        trained_on=tuple(files),
    )


def inner_folds(documents: Sequence[DocumentRows], folds: int) -> list[list[int]]:
    """Document positions split into `folds` groups, round-robin in name order."""
    order = sorted(range(len(documents)), key=lambda i: documents[i].file)
    groups: list[list[int]] = [[] for _ in range(min(folds, len(documents)))]
    for n, i in enumerate(order):
        groups[n % len(groups)].append(i)
    return groups


def tune_threshold(documents: Sequence[DocumentRows]) -> float:
    """The example threshold that maximises F1 of mentions, on out-of-fold probabilities."""
    probabilities: list[tuple[float, bool]] = []
    for group in inner_folds(documents, INNER_FOLDS):
        held = set(group)
        groups = [d.examples for i, d in enumerate(documents) if i not in held]
        model = fit(EXAMPLES_MODEL, groups, {}, ())
        for i in group:
            probabilities += [(model.probability(f), label) for f, label in documents[i].examples]
    best, best_f1 = 0.5, -1.0
    positives = sum(label for _, label in probabilities)
    for threshold in THRESHOLD_GRID:
        kept = [label for p, label in probabilities if p >= threshold]
        hits = sum(kept)
        f1 = 2 * hits / (len(kept) + positives) if kept or positives else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = threshold, f1
    return best


def fit_claims(documents: Sequence[DocumentRows]) -> Model:
    """The claims model fitted on `documents`."""
    return fit_trees(
        CLAIMS_MODEL,
        [d.claims for d in documents],
        {"claims_per_text_page": CLAIMS_PER_TEXT_PAGE, "max_per_page": MAX_CLAIMS_PER_PAGE},
        [d.file for d in documents],
    )


def fit_examples(documents: Sequence[DocumentRows]) -> LinearModel:
    """The examples model fitted on `documents`, its threshold tuned within them.

    Not shipped: cross-validated by document it scores below the rules it would replace
    (see the module docstring of extractor.crossval, `--learn-examples`).
    """
    return fit(
        EXAMPLES_MODEL,
        [d.examples for d in documents],
        {"threshold": tune_threshold(documents)},
        [d.file for d in documents],
    )


def _size(model: Model) -> str:
    if isinstance(model, TreeModel):
        return f"{len(model.trees)} trees over {len(model.features)} features"
    return f"{len(model.weights)} features"


def model_json(model: Model) -> str:
    """The text a model file holds."""
    return json.dumps(model.to_dict(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Fit both deciders on every annotated document and write them as package data."""
    from extractor.crossval import add_corpus_arguments, gather_rows

    parser = argparse.ArgumentParser(prog="python -m extractor.train", description=__doc__)
    add_corpus_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, default=None, help="models folder")
    args = parser.parse_args(argv)
    documents = gather_rows(args)
    folder = args.output or model_path(CLAIMS_MODEL).parent
    folder.mkdir(parents=True, exist_ok=True)
    for model in (fit_claims(documents),):
        path = write_text_atomic(folder / f"{model.name}.json", model_json(model))
        print(
            f"{path}: {_size(model)}, trained on {len(documents)} documents"
            + "".join(f", {k} {v:g}" for k, v in model.settings.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
