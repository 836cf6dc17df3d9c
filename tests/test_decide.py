"""The learned deciders: the model format, fitting, and how extraction uses them."""

from __future__ import annotations

import json
import random
import re

import pytest

from extractor.nlp.decide import LinearModel, TreeModel, model_from_dict
from extractor.train import DocumentRows, fit, fit_claims, fit_examples, fit_trees, model_json


def rows(seed: int, count: int = 200) -> list[tuple[dict[str, float], bool]]:
    """Rows where `signal` predicts the label and `noise` does not."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        label = rng.random() < 0.2
        signal = 1.0 if (label and rng.random() < 0.9) or rng.random() < 0.05 else 0.0
        out.append(({"signal": signal, "noise": float(rng.random() < 0.5)}, label))
    return out


def test_model_reads_back_what_it_wrote() -> None:
    model = LinearModel("m", {"a": 1.5, "b": -2.0}, 0.25, {"a": 2.0}, {"threshold": 0.4}, ("x",))
    again = LinearModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model
    assert again.score({"a": 2.0, "b": 1.0, "unknown": 5.0}) == pytest.approx(0.25 + 1.5 - 2.0)
    assert again.setting("threshold", 0.5) == 0.4
    assert again.setting("missing", 0.5) == 0.5


def test_probability_is_the_logistic_of_the_score() -> None:
    model = LinearModel("m", {"a": 1.0}, 0.0)
    assert model.probability({}) == pytest.approx(0.5)
    assert model.probability({"a": 800.0}) == pytest.approx(1.0)
    assert model.probability({"a": -800.0}) == pytest.approx(0.0)
    assert model.probability({"a": 1.0}) > model.probability({"a": 0.5})


def test_fit_learns_the_informative_feature_and_is_deterministic() -> None:
    model = fit("m", [rows(1)], {}, ("doc",))
    assert model.weights["signal"] > 0
    assert abs(model.weights.get("noise", 0.0)) < model.weights["signal"] / 3
    assert model.probability({"signal": 1.0}) > 0.5 > model.probability({"signal": 0.0})
    assert model_json(fit("m", [rows(1)], {}, ("doc",))) == model_json(model)


def test_tree_model_reads_back_what_it_wrote_and_walks_its_trees() -> None:
    # One tree: a <= 0.5 goes to a leaf worth -1; else b <= 2 is worth 0.5, more is 2.
    tree = ((0, 0.5, 1, 2, 0.0), (-1, 0.0, 0, 0, -1.0), (1, 2.0, 3, 4, 0.0))
    tree += ((-1, 0.0, 0, 0, 0.5), (-1, 0.0, 0, 0, 2.0))
    model = TreeModel("m", ("a", "b"), (tree, ((-1, 0.0, 0, 0, 0.25),)), 0.1, {"k": 3.0}, ("x",))
    again = model_from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model
    assert again.score({}) == pytest.approx(0.1 - 1.0 + 0.25)
    assert again.score({"a": 1.0, "b": 2.0}) == pytest.approx(0.1 + 0.5 + 0.25)
    assert again.score({"a": 1.0, "b": 2.5, "other": 9.0}) == pytest.approx(0.1 + 2.0 + 0.25)
    assert again.probability({"a": 1.0, "b": 3.0}) > again.probability({"a": 0.0})
    assert again.setting("k", 0.0) == 3.0
    # A linear model's file (with or without its kind) still reads as one.
    linear = LinearModel("l", {"a": 1.0}, 0.0)
    assert model_from_dict(linear.to_dict()) == linear
    assert model_from_dict({k: v for k, v in linear.to_dict().items() if k != "kind"}) == linear


def test_tree_model_refuses_a_node_that_points_nowhere() -> None:
    data = TreeModel("m", ("a",), (((0, 0.5, 1, 7, 0.0), (-1, 0.0, 0, 0, 1.0)),), 0.0).to_dict()
    with pytest.raises(ValueError, match="points nowhere"):
        model_from_dict(data)


def test_fit_trees_gives_scikit_learns_probabilities_and_is_deterministic() -> None:
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from extractor import train

    groups = [rows(seed, 300) for seed in range(5)]
    model = fit_trees("m", groups, {}, ())
    assert isinstance(model, TreeModel) and set(model.features) == {"signal", "noise"}
    assert model.probability({"signal": 1.0}) > 0.5 > model.probability({"signal": 0.0})
    assert model_json(fit_trees("m", groups, {}, ())) == model_json(model)
    every = [row for group in groups for row in group]
    matrix = np.array([[f.get(name, 0.0) for name in model.features] for f, _ in every])
    reference = HistGradientBoostingClassifier(
        learning_rate=train.TREE_LEARNING_RATE,
        max_iter=train.TREE_ROUNDS,
        max_leaf_nodes=train.TREE_LEAVES,
        min_samples_leaf=train.TREE_MIN_LEAF_ROWS,
        l2_regularization=train.TREE_L2,
        class_weight="balanced",
        early_stopping=False,
        random_state=train.SEED,
    ).fit(matrix, [label for _, label in every])
    expected = reference.predict_proba(matrix)[:, 1]
    read_back = model_from_dict(json.loads(model_json(model)))
    found = [read_back.probability(features) for features, _ in every]
    assert np.allclose(found, expected, atol=1e-6)


def test_fit_trees_of_one_class_is_a_constant_model() -> None:
    model = fit_trees("m", [[({"a": 1.0}, False)] * 50], {}, ())
    assert model.probability({"a": 1.0}) < 0.01


def test_fit_leaves_out_features_of_too_few_documents() -> None:
    groups = [rows(seed) for seed in range(5)]
    first = [({**features, "only_here": float(label)}, label) for features, label in groups[0]]
    model = fit("m", [first, *groups[1:]], {}, ())
    assert "only_here" not in model.weights and "signal" in model.weights


def test_fit_deciders_tunes_the_example_threshold_on_held_out_documents() -> None:
    documents = [
        DocumentRows(f"doc{i}.pdf", tuple(rows(i)), tuple(rows(100 + i))) for i in range(6)
    ]
    claims, examples = fit_claims(documents), fit_examples(documents)
    assert claims.trained_on == tuple(f"doc{i}.pdf" for i in range(6))
    assert 0.0 < examples.settings["threshold"] < 1.0
    assert claims.settings["claims_per_text_page"] <= 4


def test_shipped_claims_model_was_fitted_on_every_annotated_document() -> None:
    from extractor.nlp.decide import shipped_deciders
    from tests.conftest import CORPUS_GOLD, ROOT

    model = shipped_deciders().claims
    assert model is not None
    gold = [*CORPUS_GOLD.glob("*.json"), *(ROOT / "training" / "gold").glob("*.json")]
    files = {json.loads(path.read_text(encoding="utf-8"))["file"] for path in gold}
    assert set(model.trained_on) == files
    assert 0 < model.setting("claims_per_text_page", 0) <= 4


def test_extraction_keeps_claims_within_the_models_budget(corpus_extractions: dict) -> None:
    from extractor.nlp.claims import MIN_TEXT_PAGE_WORDS
    from extractor.nlp.decide import shipped_deciders

    model = shipped_deciders().claims
    assert model is not None
    per_page = model.setting("claims_per_text_page", 0)
    cap = model.setting("max_per_page", 0)
    for name, result in corpus_extractions.items():
        if isinstance(result, Exception):
            continue
        # The budget counts a page of MIN_TEXT_PAGE_WORDS words as one page of text and a
        # shorter page as its share; words are counted here as letters runs (spaCy's
        # tokens differ a little, hence the margin).
        text_pages = sum(
            min(1.0, len(re.findall(r"[^\W\d_]+", page.text or "")) / MIN_TEXT_PAGE_WORDS)
            for page in result.pages
        )
        assert len(result.claims) <= per_page * text_pages * 1.1 + cap, name
        by_page: dict[int, int] = {}
        for claim in result.claims:
            by_page[claim.page.index] = by_page.get(claim.page.index, 0) + 1
        assert max(by_page.values(), default=0) <= cap, name
