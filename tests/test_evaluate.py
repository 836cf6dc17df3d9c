"""`extractor evaluate`: every scoring rule of GOLD.md, on small gold and prediction folders.

Each test builds its own gold files and extraction outputs in tmp_path, so the expected
numbers follow from the rule under test alone. The last test scores real extractions of
corpus PDFs against the corpus gold.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.evaluate import evaluate, fold, normalise_marker
from extractor.extract import extract
from extractor.output import write_text_atomic
from extractor.schema import validation_error
from tests.conftest import CORPUS_GOLD, CORPUS_PDFS, require_corpus

SHA_A = "a" * 64
SHA_B = "b" * 64


# Builders of gold files and extraction outputs (only the fields evaluate reads).


def gold(file: str = "a.pdf", sha256: str | None = SHA_A, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"file": file, **fields}
    if sha256 is not None:
        data["sha256"] = sha256
    return data


def pred(
    file: str = "a.pdf", sha256: str = SHA_A, labels: list[str | None] | None = None, **items: Any
) -> dict[str, Any]:
    pages = [{"index": i, "label": label} for i, label in enumerate(labels or [], start=1)]
    return {"source": {"file": file, "sha256": sha256}, "pages": pages, **items}


def where(page: int, start: int = 0) -> dict[str, Any]:
    return {"page": {"index": page, "label": None}, "char_span": {"start": start, "end": start + 1}}


def cost(
    page: int,
    amount: float,
    currency: str = "GBP",
    amount_max: float | None = None,
    unit: str | None = None,
    start: int = 0,
) -> dict[str, Any]:
    return {
        **where(page, start),
        "amount": amount,
        "amount_max": amount_max,
        "currency": currency,
        "unit": unit,
    }


def example(page: int, name: str, start: int = 0) -> dict[str, Any]:
    return {**where(page, start), "name": name}


def claim(page: int, text: str, quote: str = "", start: int = 0) -> dict[str, Any]:
    return {**where(page, start), "text": text, "quote": quote or text}


def citation(page: int, marker: str | None, text: str, quote: str = "") -> dict[str, Any]:
    return {**where(page), "marker": marker, "text": text, "quote": quote or text}


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def score(
    tmp_path: Path, golds: list[dict[str, Any]], preds: list[dict[str, Any]]
) -> dict[str, Any]:
    """Write the folders, evaluate, and return the report dict."""
    for n, data in enumerate(golds):
        write(tmp_path / "gold", f"gold{n}.json", data)
    (tmp_path / "pred").mkdir(exist_ok=True)
    for n, data in enumerate(preds):
        write(tmp_path / "pred", f"pred{n}.json", data)
    report = evaluate(tmp_path / "gold", tmp_path / "pred").to_dict()
    assert validation_error(report, "evaluation.schema.json") is None
    return report


def one(tmp_path: Path, kind: str, gold_items: list[Any], pred_items: list[Any]) -> dict[str, Any]:
    """Score one document with items of one type; return that type's scores."""
    report = score(tmp_path, [gold(**{kind: gold_items})], [pred(**{kind: pred_items})])
    entry: dict[str, Any] = report[kind]
    return entry


# Text folding and markers.


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Personal  MEDIA\n", "personal media"),
        ("  call\tit \u00a0 personal ", "call it personal"),
        ("\u201ccall it\u201d", '"call it"'),
        ("it\u2019s \u2018ours\u2019", "it's 'ours'"),
        ("face\u2013to\u2014face \u2212 5", "face-to-face - 5"),
        ("\ufb01nd \ufb02ow e\ufb00ort \ufb03x", "find flow effort ffix"),
    ],
)
def test_fold(typed: str, plain: str) -> None:
    assert fold(typed) == plain


def test_claim_phrases_compare_folded(tmp_path: Path) -> None:
    scores = one(
        tmp_path,
        "claims",
        [{"page": 8, "contains": "\u201cCall it\u201d  personal\u2014media"}],
        [claim(8, 'People now "call it"\npersonal-MEDIA, the report says.')],
    )
    assert scores["matched"] == 1


@pytest.mark.parametrize("marker", ["[12]", "(12)", "12.", "12", " 12 ", "12)", "\u201c12\u201d"])
def test_markers_compare_without_brackets_and_punctuation(marker: str) -> None:
    assert normalise_marker(marker) == "12"


@pytest.mark.parametrize(("marker", "kept"), [("*", "*"), ("[*]", "*"), ("\u2020", "\u2020")])
def test_a_marker_of_punctuation_alone_is_kept(marker: str, kept: str) -> None:
    assert normalise_marker(marker) == kept


@pytest.mark.parametrize(
    ("pred_marker", "matched"), [("[12]", 1), ("12.", 1), ("1", 0), ("112", 0)]
)
def test_citation_markers_match_normalised(tmp_path: Path, pred_marker: str, matched: int) -> None:
    scores = one(
        tmp_path,
        "citations",
        [{"page": 4, "marker": "(12)", "contains": "Socitm"}],
        [citation(4, pred_marker, "Socitm, Better connected, 2009")],
    )
    assert scores["matched"] == matched


# pages_annotated.


def test_only_annotated_pages_are_scored(tmp_path: Path) -> None:
    report = score(
        tmp_path,
        [
            gold(
                pages_annotated=[1, 2],
                examples=[{"page": 1, "name": "Brent"}, {"page": 5, "name": "Kent"}],
                page_labels={"5": "3"},
            )
        ],
        [pred(labels=[None, None, None, None, "3"], examples=[example(2, "Devon")])],
    )
    # Page 5's gold example is not scored; page 2's prediction is; labels ignore the filter.
    assert report["examples"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "gold": 1,
        "predicted": 1,
        "matched": 0,
    }
    assert report["page_labels"] == {"accuracy": 1.0, "gold": 1, "matched": 1}


def test_without_pages_annotated_every_page_is_scored(tmp_path: Path) -> None:
    scores = one(
        tmp_path,
        "examples",
        [{"page": 1, "name": "Brent"}, {"page": 40, "name": "Kent"}],
        [example(40, "Kent"), example(41, "Devon")],
    )
    assert (scores["gold"], scores["predicted"], scores["matched"]) == (2, 2, 1)


# Cost figures.


@pytest.mark.parametrize(
    ("predicted", "matched"),
    [
        (cost(3, 1000), 1),
        (cost(3, 1004.9), 1),  # within 0.5 %
        (cost(3, 995.1), 1),
        (cost(3, 1005.1), 0),  # just outside
        (cost(3, 994.9), 0),
        (cost(4, 1000), 0),  # another page
        (cost(3, 1000, currency="USD"), 0),
        (cost(3, 1000, currency="gbp"), 1),
    ],
)
def test_cost_figures_match_on_page_currency_and_amount(
    tmp_path: Path, predicted: dict[str, Any], matched: int
) -> None:
    gold_cost = {"page": 3, "amount": 1000, "currency": "GBP", "unit": None}
    assert one(tmp_path, "cost_figures", [gold_cost], [predicted])["matched"] == matched


@pytest.mark.parametrize(
    ("gold_max", "predicted", "matched"),
    [
        (10, cost(3, 5, amount_max=10.04), 1),
        (10, cost(3, 5, amount_max=10.2), 0),
        (10, cost(3, 5), 0),  # gold has a range, the prediction not
        (10, cost(3, 5.1, amount_max=10), 0),  # the lower bound must match too
        (None, cost(3, 5, amount_max=99), 1),  # no gold amount_max: not looked at
    ],
)
def test_amount_max_must_match_where_gold_has_one(
    tmp_path: Path, gold_max: float | None, predicted: dict[str, Any], matched: int
) -> None:
    gold_cost = {"page": 3, "amount": 5, "amount_max": gold_max, "currency": "GBP", "unit": "head"}
    assert one(tmp_path, "cost_figures", [gold_cost], [predicted])["matched"] == matched


def test_unit_accuracy_is_over_matched_pairs(tmp_path: Path) -> None:
    gold_costs = [
        {"page": 1, "amount": 7.81, "currency": "GBP", "unit": "contact"},
        {"page": 1, "amount": 0.27, "currency": "GBP", "unit": "transaction"},
        {"page": 2, "amount": 100, "currency": "GBP", "unit": None},
        {"page": 2, "amount": 50, "currency": "GBP", "unit": "year"},
        {"page": 3, "amount": 1, "currency": "GBP", "unit": None},
    ]
    predicted = [
        cost(1, 7.81, unit="Contact"),  # agrees, folded
        cost(1, 0.27, unit="visit"),  # disagrees
        cost(2, 100, unit=None),  # null == null agrees
        cost(2, 51, unit="year"),  # unit right, but no match: not counted
        cost(3, 1, unit=" "),  # blank is no unit: agrees with null
    ]
    scores = one(tmp_path, "cost_figures", gold_costs, predicted)
    assert scores["matched"] == 4
    assert scores["unit_accuracy"] == pytest.approx(3 / 4)


def test_unit_accuracy_is_null_without_matches(tmp_path: Path) -> None:
    gold_cost = {"page": 1, "amount": 7.81, "currency": "GBP", "unit": "contact"}
    scores = one(tmp_path, "cost_figures", [gold_cost], [cost(1, 9, unit="contact")])
    assert scores["unit_accuracy"] is None


# Examples.


@pytest.mark.parametrize(
    ("gold_example", "name", "matched"),
    [
        ({"name": "FixMyStreet"}, "FixMyStreet website", 1),  # gold name in predicted
        ({"name": "Brent Council's snow updates on Twitter"}, "Brent Council", 1),  # reverse
        ({"name": "Child Support Enforcement program", "aliases": ["CSE"]}, "the CSE", 1),
        ({"name": "Kent Connects Partnership"}, "Kent Digital Partnership", 1),  # Jaccard 2/4
        ({"name": "Kent Connects Partnership"}, "Kent Digital Partnership Board", 0),  # 2/5
        ({"name": "Devon Highways"}, "Devon Libraries", 0),  # 1/3
        ({"name": "FixMyStreet"}, "", 0),  # an empty name is contained in nothing
        ({"name": "FixMyStreet"}, "Fix-My-Street", 0),
    ],
)
def test_example_names(
    tmp_path: Path, gold_example: dict[str, Any], name: str, matched: int
) -> None:
    scores = one(tmp_path, "examples", [{"page": 12, **gold_example}], [example(12, name)])
    assert scores["matched"] == matched


def test_examples_must_be_on_the_same_page(tmp_path: Path) -> None:
    scores = one(tmp_path, "examples", [{"page": 12, "name": "Brent"}], [example(13, "Brent")])
    assert scores["matched"] == 0


# Claims.


def test_claims_score_recall_only(tmp_path: Path) -> None:
    scores = one(
        tmp_path,
        "claims",
        [{"page": 8, "contains": "personal media"}, {"page": 9, "contains": "pennies"}],
        [claim(8, "We call it personal media."), claim(8, "Another claim."), claim(3, "More.")],
    )
    assert scores == {"recall": 0.5, "gold": 2, "matched": 1, "predicted": 3}


def test_a_claim_matches_on_its_text_or_its_quote(tmp_path: Path) -> None:
    gold_claims = [{"page": 8, "contains": "call it personal media"}]
    by_quote = claim(8, "Personal media is its name.", quote="we call it personal media")
    assert one(tmp_path / "q", "claims", gold_claims, [by_quote])["matched"] == 1
    by_text = claim(8, "We call it personal media.", quote="Personal media is its name.")
    assert one(tmp_path / "t", "claims", gold_claims, [by_text])["matched"] == 1
    on_other_page = claim(7, "we call it personal media")
    assert one(tmp_path / "p", "claims", gold_claims, [on_other_page])["matched"] == 0
    # schema 1.2: no `text` where it is the quote with white space collapsed
    quote_only = {**where(8), "quote": "We call it\npersonal media."}
    assert one(tmp_path / "n", "claims", gold_claims, [quote_only])["matched"] == 1


# Citations.


def test_a_gold_marker_decides_a_citation_match(tmp_path: Path) -> None:
    gold_citations = [{"page": 44, "marker": "3", "contains": "Socitm"}]
    same_marker = citation(44, "3", "Another source altogether")
    assert one(tmp_path / "a", "citations", gold_citations, [same_marker])["matched"] == 1
    other_marker = citation(44, "4", "Socitm, Better connected")
    assert one(tmp_path / "b", "citations", gold_citations, [other_marker])["matched"] == 0
    no_marker = citation(44, None, "Socitm, Better connected")
    assert one(tmp_path / "c", "citations", gold_citations, [no_marker])["matched"] == 0


def test_without_a_gold_marker_the_citation_text_must_contain_the_phrase(tmp_path: Path) -> None:
    gold_citations = [{"page": 44, "marker": None, "contains": "Better connected"}]
    by_text = citation(44, "9", "Socitm, Better Connected 2009")
    assert one(tmp_path / "a", "citations", gold_citations, [by_text])["matched"] == 1
    # The note's `text` is compared, not its `quote`.
    by_quote = citation(44, "9", "Socitm 2009", quote="Socitm, Better connected 2009")
    assert one(tmp_path / "b", "citations", gold_citations, [by_quote])["matched"] == 0
    elsewhere = {**by_text, **where(45)}
    assert one(tmp_path / "c", "citations", gold_citations, [elsewhere])["matched"] == 0


# Page labels.


def test_page_label_accuracy(tmp_path: Path) -> None:
    report = score(
        tmp_path,
        [gold(page_labels={"1": None, "2": "i", "3": "iii", "4": "2", "6": "4"})],
        # page 1: null == null; 2: equal; 3: case differs; 4: differs; 5: not listed;
        # 6: missing from the extraction.
        [pred(labels=[None, "i", "III", "3", "x"])],
    )
    assert report["page_labels"] == {"accuracy": 0.4, "gold": 5, "matched": 2}


# Matching: one-to-one, greedy in page order.


def test_each_prediction_matches_at_most_one_gold_item(tmp_path: Path) -> None:
    gold_cost = {"page": 2, "amount": 5, "currency": "GBP", "unit": None}
    scores = one(tmp_path, "cost_figures", [gold_cost, gold_cost], [cost(2, 5)])
    assert (scores["matched"], scores["precision"], scores["recall"]) == (1, 1.0, 0.5)


def test_each_gold_item_matches_at_most_one_prediction(tmp_path: Path) -> None:
    gold_cost = {"page": 2, "amount": 5, "currency": "GBP", "unit": None}
    scores = one(tmp_path, "cost_figures", [gold_cost], [cost(2, 5), cost(2, 5.01)])
    assert (scores["matched"], scores["precision"], scores["recall"]) == (1, 0.5, 1.0)


@pytest.mark.parametrize(("short_start", "long_start", "matched"), [(5, 40, 1), (40, 5, 2)])
def test_matching_is_greedy_in_page_order(
    tmp_path: Path, short_start: int, long_start: int, matched: int
) -> None:
    # "Devon County Council" matches both predictions, "Devon snow line" only "Devon".
    # Greedy: the first gold item takes the first prediction on the page (by offset),
    # so an optimal assignment (2 matches) is found only when "Devon" comes second.
    gold_examples = [
        {"page": 6, "name": "Devon County Council"},
        {"page": 6, "name": "Devon snow line"},
    ]
    predicted = [
        example(6, "Devon", start=short_start),
        example(6, "Devon County Council", start=long_start),
    ]
    assert one(tmp_path, "examples", gold_examples, predicted)["matched"] == matched


# Micro-averaging, pairing, failed documents.


def test_scores_are_micro_averaged_over_documents(tmp_path: Path) -> None:
    report = score(
        tmp_path,
        [
            gold("a.pdf", SHA_A, examples=[{"page": 1, "name": "Brent"}]),
            gold(
                "b.pdf",
                SHA_B,
                examples=[{"page": 1, "name": n} for n in ("Kent", "Devon", "Essex")],
            ),
        ],
        [
            pred("a.pdf", SHA_A, examples=[example(1, "Brent")]),
            pred("b.pdf", SHA_B, examples=[example(1, "Surrey")]),
        ],
    )
    # Macro-averaging would give recall (1 + 0) / 2 = 0.5.
    assert report["examples"]["recall"] == 0.25
    assert report["examples"]["precision"] == 0.5
    assert report["examples"]["f1"] == pytest.approx(2 * 1 / (4 + 2))
    per = {d["file"]: d["examples"]["recall"] for d in report["per_document"]}
    assert per == {"a.pdf": 1.0, "b.pdf": 0.0}


def test_pairing_by_sha256_comes_first(tmp_path: Path) -> None:
    gold_doc = gold("a.pdf", SHA_A, claims=[{"page": 1, "contains": "personal media"}])
    same_name = pred("a.pdf", SHA_B, claims=[claim(1, "nothing")])
    same_bytes = pred("renamed.pdf", SHA_A, claims=[claim(1, "call it personal media")])
    report = score(tmp_path, [gold_doc], [same_name, same_bytes])
    assert report["failed_documents"] == 0
    assert report["claims"]["matched"] == 1
    assert report["per_document"][0]["prediction"].endswith("pred1.json")


def test_pairing_falls_back_to_the_file_name(tmp_path: Path) -> None:
    gold_claims = [{"page": 1, "contains": "personal media"}]
    predicted = [claim(1, "call it personal media")]
    for n, sha in enumerate([SHA_A, None]):  # another sha in the gold file, or none at all
        report = score(
            tmp_path / str(n),
            [gold("a.pdf", sha, claims=gold_claims)],
            [pred("a.pdf", SHA_B, claims=predicted), pred("other.pdf", "c" * 64)],
        )
        assert report["failed_documents"] == 0
        assert report["claims"]["matched"] == 1


def test_a_gold_file_without_an_extraction_is_a_failed_document(tmp_path: Path) -> None:
    report = score(
        tmp_path,
        [
            gold(
                "a.pdf",
                SHA_A,
                cost_figures=[{"page": 1, "amount": 5, "currency": "GBP", "unit": None}],
                examples=[{"page": 1, "name": "Brent"}],
                claims=[{"page": 1, "contains": "personal media"}],
                citations=[{"page": 1, "marker": "1", "contains": "Ofcom"}],
                page_labels={"1": None, "2": "1"},
            ),
            gold("b.pdf", SHA_B, examples=[{"page": 1, "name": "Kent"}], page_labels={"1": "1"}),
        ],
        [pred("b.pdf", SHA_B, labels=["1"], examples=[example(1, "Kent")])],
    )
    assert (report["documents"], report["failed_documents"]) == (2, 1)
    failed = report["per_document"][0]
    assert failed["failed"] is True
    assert failed["prediction"] is None
    for kind in ("cost_figures", "examples", "citations"):
        assert failed[kind]["recall"] == 0.0
        assert failed[kind]["precision"] is None
        assert failed[kind]["f1"] == 0.0
    assert failed["claims"]["recall"] == 0.0
    assert failed["page_labels"] == {"accuracy": 0.0, "gold": 2, "matched": 0}
    assert report["examples"]["recall"] == 0.5
    assert report["page_labels"]["accuracy"] == pytest.approx(1 / 3)


def test_null_where_nothing_was_there_to_score(tmp_path: Path) -> None:
    report = score(
        tmp_path,
        [gold(claims=[{"page": 1, "contains": "x"}])],
        [pred(examples=[example(1, "Brent")])],
    )
    assert report["cost_figures"] == {
        "precision": None,
        "recall": None,
        "f1": None,
        "unit_accuracy": None,
        "gold": 0,
        "predicted": 0,
        "matched": 0,
    }
    # Predictions but no gold: precision 0, recall null.
    assert report["examples"] == {
        "precision": 0.0,
        "recall": None,
        "f1": 0.0,
        "gold": 0,
        "predicted": 1,
        "matched": 0,
    }
    assert report["page_labels"] == {"accuracy": None, "gold": 0, "matched": 0}


def test_the_report_has_the_shape_of_gold_md(tmp_path: Path) -> None:
    report = score(tmp_path, [gold()], [pred()])
    assert list(report) == [
        "documents",
        "failed_documents",
        "cost_figures",
        "examples",
        "claims",
        "citations",
        "page_labels",
        "per_document",
    ]
    assert set(report["cost_figures"]) == {
        "precision",
        "recall",
        "f1",
        "unit_accuracy",
        "gold",
        "predicted",
        "matched",
    }
    for kind in ("examples", "citations"):
        assert set(report[kind]) == {"precision", "recall", "f1", "gold", "predicted", "matched"}
    assert set(report["claims"]) == {"recall", "gold", "matched", "predicted"}
    assert set(report["page_labels"]) == {"accuracy", "gold", "matched"}
    (document,) = report["per_document"]
    assert document["file"] == "a.pdf"
    for kind in ("cost_figures", "examples", "claims", "citations", "page_labels"):
        assert set(document[kind]) == set(report[kind])


def test_files_that_are_not_extractions_are_skipped_with_a_note(tmp_path: Path) -> None:
    write(tmp_path / "gold", "a.json", gold(claims=[{"page": 1, "contains": "media"}]))
    write(tmp_path / "pred" / "nested", "a.json", pred(claims=[claim(1, "social media")]))
    write(tmp_path / "pred", "report.json", {"documents": 1})
    (tmp_path / "pred" / "broken.json").write_text("{", encoding="utf-8")
    result = evaluate(tmp_path / "gold", tmp_path / "pred")
    assert result.to_dict()["claims"]["matched"] == 1
    assert len(result.notes) == 2
    assert any("broken.json: not JSON" in note for note in result.notes)
    assert any("report.json: not an extraction output" in note for note in result.notes)


# The command line.


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["evaluate", *args])


def test_cli_prints_a_table_and_writes_the_report(tmp_path: Path) -> None:
    write(tmp_path / "gold", "a.json", gold(page_labels={"1": "i"}))
    write(tmp_path / "pred", "a.json", pred(labels=["i"]))
    write(tmp_path / "pred", "junk.json", {"not": "an extraction"})
    out = tmp_path / "reports" / "report.json"
    result = run(
        "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"), "--json", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "1 documents scored, 0 failed" in result.stdout
    assert any(
        line.split()[:4] == ["page_labels", "1", "-", "1"] and "accuracy 1.000" in line
        for line in result.stdout.splitlines()
    )
    assert "junk.json: not an extraction output" in result.stderr
    assert f"Wrote {out}" in result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["page_labels"]["accuracy"] == 1.0
    assert report == evaluate(tmp_path / "gold", tmp_path / "pred").to_dict()
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]  # no temporary file left


def test_cli_per_document_lines(tmp_path: Path) -> None:
    write(tmp_path / "gold", "a.json", gold("a.pdf", SHA_A, page_labels={"1": "i"}))
    write(tmp_path / "gold", "b.json", gold("b.pdf", SHA_B, page_labels={"1": "i"}))
    write(tmp_path / "pred", "a.json", pred(labels=["i"]))
    result = run(
        "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"), "--per-document"
    )
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if ".pdf" in line}
    assert rows["a.pdf"].split()[-1] == "1.000"
    assert rows["b.pdf"].endswith("failed: no extraction")


def test_cli_missing_gold_folder(tmp_path: Path) -> None:
    (tmp_path / "pred").mkdir()
    result = run("--gold", str(tmp_path / "nope"), "--pred", str(tmp_path / "pred"))
    assert result.exit_code == 4
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such directory\n"


def test_cli_gold_folder_that_is_a_file(tmp_path: Path) -> None:
    gold_file = write(tmp_path, "gold.json", gold())
    (tmp_path / "pred").mkdir()
    result = run("--gold", str(gold_file), "--pred", str(tmp_path / "pred"))
    assert result.exit_code == 4
    assert result.stderr == f"Error: {gold_file}: is not a directory\n"


def test_cli_report_that_cannot_be_written(tmp_path: Path) -> None:
    write(tmp_path / "gold", "a.json", gold())
    (tmp_path / "pred").mkdir()
    (tmp_path / "report.json").mkdir()  # a directory where the report should go
    result = run(
        "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"),
        "--json", str(tmp_path / "report.json"),
    )  # fmt: skip
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {tmp_path / 'report.json'}: is a directory; name a file to write the output to\n"
    )
    assert result.stdout == ""  # checked before the scoring


def test_cli_gold_folder_without_gold_files(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "pred").mkdir()
    result = run("--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"))
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {tmp_path / 'gold'}: no gold files (*.json) in this directory\n"
    )


def test_cli_missing_prediction_folder(tmp_path: Path) -> None:
    write(tmp_path / "gold", "a.json", gold())
    result = run("--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "nope"))
    assert result.exit_code == 4
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such directory\n"


def test_cli_gold_file_that_is_not_json(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "a.json").write_text('{"file": ', encoding="utf-8")
    (tmp_path / "pred").mkdir()
    result = run("--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {tmp_path / 'gold' / 'a.json'}: not JSON (")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"sha256": SHA_A}, "$: 'file' is a required property"),
        (
            gold(cost_figures=[{"page": 1, "amount": "£5", "currency": "GBP"}]),
            "$.cost_figures[0].amount: '£5' is not of type 'number'",
        ),
        (gold(page_labels={"first": "i"}), "$.page_labels: 'first' does not match"),
        (gold(examples=[{"page": 0, "name": "Brent"}]), "$.examples[0].page: 0 is less than"),
    ],
)
def test_cli_invalid_gold_file(tmp_path: Path, data: dict[str, Any], problem: str) -> None:
    path = write(tmp_path / "gold", "a.json", data)
    (tmp_path / "pred").mkdir()
    result = run("--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {path}: not a valid gold file: {problem}")
    assert len(result.stderr.splitlines()) == 1


def test_cli_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--help"])
    assert result.exit_code == 0
    assert "extractor evaluate --gold" in result.stdout


# The real corpus.


CORPUS_SAMPLE = [
    "us-copyright-office-dmca-summary-1998",
    "us-federal-register-2020-17221",
    "wna-recalibrating-risk-2021",
]


def test_real_corpus_extractions_against_the_corpus_gold(tmp_path: Path, nlp: Any) -> None:
    require_corpus()
    (tmp_path / "gold").mkdir()
    for name in CORPUS_SAMPLE:
        # The library behind `extractor extract`, with the session's pipeline (loaded once).
        # Written under another name on purpose: pairing must find it by its sha256.
        result = extract(CORPUS_PDFS / f"{name}.pdf", nlp=nlp)
        write_text_atomic(tmp_path / "pred" / f"out-{name[:6]}.json", result.to_json())
        shutil.copy(CORPUS_GOLD / f"{name}.json", tmp_path / "gold" / f"{name}.json")
    report_path = tmp_path / "report.json"
    result = run(
        "--gold",
        str(tmp_path / "gold"),
        "--pred",
        str(tmp_path / "pred"),
        "--json",
        str(report_path),
    )
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert validation_error(report, "evaluation.schema.json") is None
    assert (report["documents"], report["failed_documents"]) == (len(CORPUS_SAMPLE), 0)
    assert report["page_labels"]["gold"] >= 40  # every page of the three files
    assert report["page_labels"]["accuracy"] >= 0.95
    assert sorted(d["file"] for d in report["per_document"]) == [f"{n}.pdf" for n in CORPUS_SAMPLE]

    # Against the whole gold folder the other documents are failed ones.
    everything = evaluate(CORPUS_GOLD, tmp_path / "pred").to_dict()
    assert everything["documents"] == len(list(CORPUS_GOLD.glob("*.json")))
    assert everything["failed_documents"] == everything["documents"] - len(CORPUS_SAMPLE)
