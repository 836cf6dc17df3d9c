"""Fresh extractions of the sample PDFs equal their reviewed expected outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.golden import ROOT, differences, expected_path, relative_to_root, sample_pdfs

SAMPLE_PDFS = sample_pdfs()


def test_there_are_at_least_two_real_samples_with_expected_outputs() -> None:
    assert len(SAMPLE_PDFS) >= 2
    for pdf in SAMPLE_PDFS:
        assert expected_path(pdf).is_file(), f"run `make samples` to create {expected_path(pdf)}"


@pytest.mark.parametrize("pdf", SAMPLE_PDFS, ids=[p.stem for p in SAMPLE_PDFS])
def test_fresh_output_equals_expected(pdf: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.extract import extract

    monkeypatch.chdir(ROOT)  # the expected outputs record paths relative to the checkout
    fresh = extract(relative_to_root(pdf), nlp=nlp).to_dict()
    expected = json.loads(expected_path(pdf).read_text(encoding="utf-8"))
    found = differences(expected, fresh)
    assert not found, "output changed (run `make samples` if deliberate):\n" + "\n".join(found[:40])


def test_differences_names_the_changed_fields() -> None:
    expected = {"a": [1, {"b": "x"}], "c": 1.0, "source": {"path": "p"}}
    actual = {"a": [1, {"b": "y"}], "c": 1.5, "d": 0, "source": {"path": "q"}}
    assert differences(expected, actual) == [
        "$.a[1].b: 'x' != 'y'",
        "$.c: 1.0 != 1.5",
        "$.d: not in the expected output",
    ]
