"""Our spaCy components, one per module, and the pipeline that runs them.

Importing this package registers every `extractor_*` factory with spaCy. The same
factories are declared as `spacy_factories` entry points, so `nlp.add_pipe("extractor_...")`
works in any pipeline once extractor is installed.
"""

from extractor.nlp import (
    citations,  # noqa: F401  (registers extractor_citations)
    claims,  # noqa: F401  (registers extractor_claims)
    costs,  # noqa: F401  (registers extractor_costs)
    entities,  # noqa: F401  (registers extractor_entity_labels)
    examples,  # noqa: F401  (registers extractor_examples)
)
from extractor.nlp.pipeline import COMPONENTS, build_pipeline, load_model

__all__ = ["COMPONENTS", "build_pipeline", "load_model"]
