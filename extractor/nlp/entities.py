"""Entity labels in one scheme, whatever corpus a pipeline's recogniser was trained on.

Our components read OntoNotes' labels (PERSON, ORG, GPE, PRODUCT...), which spaCy's
English pipelines give. Its French and Spanish pipelines are trained on WikiNER, which
names people PER (and has only LOC, ORG and MISC besides). So a person in a French or
Spanish paper was no PERSON to the example rules ("people are not cases"), and passed as a
name. `extractor_entity_labels` renames, right after the recogniser, each label that has an
OntoNotes equal; labels without one (MISC spans OntoNotes' NORP, EVENT, WORK_OF_ART and
PRODUCT) stay as they are, and pipelines that already speak OntoNotes are not touched.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

COMPONENT = "extractor_entity_labels"
# WikiNER's labels that have an OntoNotes equal, and that equal.
ONTONOTES_EQUALS: dict[str, str] = {"PER": "PERSON"}


class EntityLabels:
    """Renames the entities whose label has an OntoNotes equal; boundaries stay."""

    def __call__(self, doc: Doc) -> Doc:
        if any(ent.label_ in ONTONOTES_EQUALS for ent in doc.ents):
            doc.ents = [
                Span(doc, ent.start, ent.end, label=ONTONOTES_EQUALS.get(ent.label_, ent.label_))
                for ent in doc.ents
            ]
        return doc


@Language.factory(COMPONENT)
def make_entity_labels_component(nlp: Language, name: str) -> EntityLabels:
    """The `extractor_entity_labels` component."""
    return EntityLabels()


def needs_entity_labels(nlp: Language) -> bool:
    """Whether `nlp`'s recogniser gives a label that `extractor_entity_labels` renames."""
    if "ner" not in nlp.pipe_names:
        return False
    labels = getattr(nlp.get_pipe("ner"), "labels", ())
    return any(label in ONTONOTES_EQUALS for label in labels)
