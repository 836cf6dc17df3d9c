"""Document-level work on examples: one `Example` per case, from the component's mentions.

The `extractor_examples` component marks, page by page, the sentences and headings that
introduce a named case. Here they become examples:
- a case-study heading opens a box that runs to the next case heading or the end of the
  page, and on over the page break when its text goes on there;
- an example sentence takes in the sentences after it in the same paragraph (also over a
  page break) until another case is introduced;
- a case the paper has already introduced is not introduced again: later mentions of the
  same name (or of its acronym) are the same case;
- the paper's own subject ("the Department", "the Council" of a council's report), named on
  a large share of its pages, is what the paper is about rather than an example of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span

from extractor.model import Example, PageRef
from extractor.nlp.decide import Features, LinearModel
from extractor.nlp.doctext import doc_text
from extractor.nlp.examples import (
    CANDIDATE_CUE,
    CANDIDATES_KEY,
    EXAMPLE_CUES,
    MENTION_ATTR,
    ORGANISATION_HEADS,
    SCHEME_HEADS,
    SPAN_KEY,
    ExampleMention,
    case_headings,
    find_platforms,
    is_law,
)
from extractor.nlp.types import PageDoc
from extractor.pages import PageText, item_id, locate
from extractor.text import collapse_whitespace

# A name found on at least this share of the pages with text (and on at least
# TOPIC_MIN_PAGES of them) is the paper's subject, not an example.
TOPIC_PAGE_SHARE = 0.3
TOPIC_MIN_PAGES = 4
# A case already introduced comes back as a new case (the same council's second scheme)
# only this many pages later, as the subject of a new "for example".
RETOLD_AFTER_PAGES = 3
# How many sentences after the introducing one an example takes in, at most.
MAX_FOLLOWING_SENTENCES = 8
# Longest summary kept, in characters (cut at a sentence end where possible).
MAX_SUMMARY_CHARS = 700
# How far into the next page a case-study box may run when nothing there ends it.
MAX_BOX_CARRY_CHARS = 2500
# A paragraph's last line is shorter than this share of a full line of its page.
PARAGRAPH_END_SHARE = 0.85
# A line without end punctuation this short, before a sentence, is a heading.
MAX_HEADING_LINE_CHARS = 60
# Characters that end a sentence (a page that ends on one ends its paragraph too).
SENTENCE_END = re.compile(r"[.!?:;][\"')\]]*\s*$")


@dataclass
class _Case:
    """An example being built: where it starts and what text describes it, page by page."""

    mention: ExampleMention
    name: str
    key: str
    aliases: set[str]
    start_page: int
    start: int
    # (position in page_docs, start, end) of each described stretch, in order.
    stretches: list[tuple[int, int, int]] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def name_key(name: str) -> str:
    """The form of a name that decides whether two mentions are one case.

    Case, a leading article, possessives and lower-case words after the name go: "the BIC
    program" and "BIC" are one case, and so are "DOE's" and "DOE".
    """
    name = name.replace("\u2019", "'")
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"(?:\s+[a-z][\w-]*)+$", "", name) or name
    key = re.sub(r"'s?\b", "", name.lower())
    key = re.sub(r"[^\w&]+", " ", key)
    return " ".join(key.split())


Mentions = list[tuple[Span, ExampleMention]]


def page_mentions(page_doc: PageDoc) -> Mentions:
    """The component's mentions on one page, each with the span of the sentence or heading
    that introduced it, plus the case-study headings of the page text (whose line breaks
    the text spaCy read may have joined), in text order."""
    doc = page_doc.doc
    found: Mentions = []
    text = page_doc.page.text
    proposed = [*doc.spans.get(SPAN_KEY, []), *doc.spans.get(CANDIDATES_KEY, [])]
    for name_span in sorted(proposed, key=lambda span: span.start):
        mention = name_span._.get(MENTION_ATTR)
        if mention is None or _runs_on_from_a_heading(text, mention):
            continue
        sentence = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if sentence is not None:
            found.append((sentence, mention))
    heading_starts = {span.start_char for span, m in found if m.kind == "case_study"}
    for span, mention in case_headings(doc, page_doc.page.text):
        if span.start_char not in heading_starts:
            # A sentence the heading was read into is the heading's box, not a case.
            found = [(s, m) for s, m in found if not s.start_char <= span.start_char < s.end_char]
            found.append((span, mention))
    return sorted(found, key=lambda pair: (pair[0].start_char, pair[1].name_start))


def _runs_on_from_a_heading(text: str, mention: ExampleMention) -> bool:
    """Whether a name is a heading line read on into the next line's first words
    ("Integrity of Copyright Management Information / Article 12 of the WCT provides")."""
    if mention.kind != "example":
        return False
    name = text[mention.name_start : mention.name_end]
    line_start = text.rfind("\n", 0, mention.name_start) + 1
    if "\n" not in name or text[line_start : mention.name_start].strip():
        return False
    # A heading starts after a finished sentence (or at the top); a name that wraps from
    # the start of a line in running text follows the line that led up to it ("the").
    previous = text[:line_start].rstrip()
    return not previous or previous.endswith((".", "!", "?", ":"))


# Where a model carries no tuned threshold: the probability a mention needs to be a case.
DEFAULT_EXAMPLE_THRESHOLD = 0.5
# Called with each mention the decider weighs: page position, the mention, its features.
MentionObserver = Callable[[int, ExampleMention, Features], None]


def collect_examples(
    page_docs: Sequence[PageDoc],
    model: LinearModel | None = None,
    observe: MentionObserver | None = None,
) -> list[Example]:
    """One Example per case introduced in the document, in page order.

    With a `model`, the learned decider says which mentions (every name the component
    proposed) introduce a case; without one, the rules' choice stands. `observe` sees
    every mention weighed, with its features (cross-validation and training record them).
    """
    topic = _TopicNames([pd.page for pd in page_docs])
    acronyms = defined_acronyms([pd.page.text for pd in page_docs])
    proposed = [page_mentions(pd) for pd in page_docs]
    first_pages = _first_pages(proposed)
    threshold = model.setting("threshold", DEFAULT_EXAMPLE_THRESHOLD) if model is not None else 0.0

    def introduces_a_case(position: int, mention: ExampleMention) -> bool:
        features = document_features(mention, topic, first_pages, position, len(proposed))
        if observe is not None:
            observe(position, mention, features)
        if model is None:
            return CANDIDATE_CUE not in mention.cues
        return model.probability(features) >= threshold

    mentions = [
        [(span, mention) for span, mention in page_found if introduces_a_case(position, mention)]
        for position, page_found in enumerate(proposed)
    ]
    cases: list[_Case] = []
    seen: dict[str, _Case] = {}
    for position, page_found in enumerate(mentions):
        for span, mention in page_found:
            if _inside(cases, position, span.start_char):
                continue
            mention = replace(mention, name=topic.unhyphenated(mention.name))
            opens = opens_paragraph(page_docs[position].page.text, span.start_char)
            name = _case_name(mention, seen, topic, position, opens)
            if name is None:
                _absorb(mention, seen, position)
                continue
            name = topic.unhyphenated(name)
            if BARE_ACRONYM.fullmatch(name) and "called" not in mention.cues:
                # A bare acronym is a case only where the paper spells it out as the name of
                # an organisation or a scheme; the example then carries that name.
                long_form = acronyms.get(name)
                if long_form is not None and mention.subject and is_law(long_form):
                    continue  # "WIA also established ...": a law's effect, not a case
                told = name_key(name) in seen  # a case told again under its acronym
                if long_form is None or (name_key(long_form) in seen and not told):
                    continue
                mention = replace(mention, aliases=(*mention.aliases, name))
                name = f"{long_form} ({name})"
            key = name_key(name)
            case = _Case(
                mention=mention,
                name=name,
                key=key,
                aliases=_case_aliases(mention, name),
                start_page=position,
                start=span.start_char,
                cues=list(mention.cues),
                organisations=list(mention.organisations),
                places=list(mention.places),
            )
            if mention.kind == "case_study":
                _extend_box(case, page_docs, mentions, position, span)
            else:
                _extend_paragraph(case, page_docs, mentions, position, span)
            if any(c.start_page == position and c.start == span.start_char for c in cases):
                # A second case of one sentence ("X and Y did ..."): quote it from its name.
                _, first_start, first_end = case.stretches[0]
                case.stretches[0] = (position, max(first_start, mention.name_start), first_end)
            cases.append(case)
            seen[key] = case
            for alias in case.aliases:
                seen.setdefault(alias, case)
    return [_example(case, page_docs) for case in cases]


def _first_pages(mentions: Sequence[Mentions]) -> dict[str, int]:
    """The first page position on which each name (by its key) is mentioned."""
    first: dict[str, int] = {}
    for position, page_found in enumerate(mentions):
        for _, mention in page_found:
            first.setdefault(name_key(mention.name), position)
    return first


def document_features(
    mention: ExampleMention,
    topic: _TopicNames,
    first_pages: dict[str, int],
    position: int,
    page_count: int,
) -> Features:
    """The mention's own features and what the document says of its name: how many of its
    pages name it (a name on most pages is the paper's subject), whether this is its first
    page, where in the document it is."""
    features: Features = dict(mention.features)
    if mention.kind == "case_study":
        features["rule:case study heading"] = 1.0
    naming = topic.page_share(mention.name)
    features["page_share"] = naming
    features["topic"] = float(topic.is_topic(mention.name, mention.aliases))
    features["first_page"] = float(first_pages.get(name_key(mention.name)) == position)
    features["document_position"] = position / max(page_count - 1, 1)
    return features


# An acronym standing alone: "EBSA", "MCAS", "KPIs".
BARE_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}s?")
# "Employee Benefits Security Administration (EBSA)": a name, then its acronym.
ACRONYM_DEFINITION = re.compile(
    r"\b(?P<long>[A-Z][\w&'-]*(?:\s+(?:of|and|for|the|on|in|&|[A-Z][\w&'-]*)){1,9})"
    r"(?:'s)?\s*\((?P<short>[A-Z][A-Z&]{1,7}s?)\)"
)


def defined_acronyms(texts: Sequence[str]) -> dict[str, str]:
    """Acronyms the paper defines as names of organisations or schemes, with their long form."""
    found: dict[str, str] = {}
    for text in texts:
        for match in ACRONYM_DEFINITION.finditer(text):
            long_form = re.sub(r"'s?$", "", " ".join(match.group("long").split()))
            # "Officials in the Veterans Health Administration (VHA)": the name starts later.
            long_form = re.sub(r"^(?:\w+\s+(?:in|at|of|from)\s+)?(?:The|the)\s+", "", long_form)
            last = long_form.split()[-1].lower()
            if last in ORGANISATION_HEADS | SCHEME_HEADS:
                found.setdefault(match.group("short"), long_form)
    return found


def opens_paragraph(text: str, start: int) -> bool:
    """Whether the sentence at `start` opens a paragraph: it starts a line, and the line
    before is a heading or the short last line of a finished paragraph."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    lines = text[:line_start].rstrip("\n").split("\n")
    previous = lines[-1].strip() if lines else ""
    if not previous:
        # The top of a page: a paragraph opens there unless a sentence runs on into it.
        return text[start : start + 1].isupper()
    if not SENTENCE_END.search(previous):
        return len(previous) <= MAX_HEADING_LINE_CHARS and previous[:1].isupper()
    lengths = sorted(len(line.strip()) for line in text.split("\n") if line.strip())
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    return len(previous) < PARAGRAPH_END_SHARE * full


def _case_aliases(mention: ExampleMention, name: str) -> set[str]:
    """Other names of the case: its acronym, and the actor whose scheme it is (a sentence
    about "NHTSA" goes on with the case of "the Click It or Ticket campaign NHTSA piloted")."""
    aliases = {name_key(a) for a in mention.aliases}
    if "enumerated case" in mention.cues:
        aliases |= {name_key(a) for a in mention.alternatives}
    if mention.actor:
        aliases.add(name_key(mention.actor))
    acronym = re.search(r"\(([A-Z][A-Z&]{1,7}s?)\)$", name)
    if acronym:
        aliases.add(name_key(acronym.group(1)))
    aliases.discard(name_key(name))
    return aliases


def _absorb(mention: ExampleMention, seen: dict[str, _Case], position: int) -> None:
    """Give a scheme that an actor's case on the same page acts on to that case ("NHTSA then
    piloted the Click It or Ticket campaign"): where the page names it again, the
    same case goes on."""
    owner = seen.get(name_key(mention.actor)) if mention.actor else None
    if owner is None or owner.start_page != position:
        return
    for key in (name_key(mention.name), *(name_key(a) for a in mention.aliases)):
        if key and key not in seen:
            seen[key] = owner
            owner.aliases.add(key)


def _unowned(name: str) -> str:
    """A name without its owner in front ("DOL's Office of Workforce Investment")."""
    return re.sub(r"^[^\s']+['\u2019]s?\s+(?=[A-Z])", "", name)


def _shortened(key: str, seen: dict[str, _Case]) -> bool:
    """Whether a name is a known case's name cut short with its acronym ("Massachusetts DMA"
    for "Massachusetts Division of Medical Assistance (DMA)")."""
    words = set(key.split())
    if len(words) < 2:
        return False
    for case in {id(c): c for c in seen.values()}.values():
        known = set(case.key.split()) | {w for alias in case.aliases for w in alias.split()}
        if words <= known and words & {w for alias in case.aliases for w in alias.split()}:
            return True
    return False


def _case_name(
    mention: ExampleMention,
    seen: dict[str, _Case],
    topic: _TopicNames,
    position: int,
    opens: bool = False,
) -> str | None:
    """The name of the new case a mention introduces, or None when it introduces none.

    A mention of a case already introduced (by name or acronym) introduces nothing. When its
    name is the paper's own subject ("the Department ... launched the X programme"), the
    named scheme or object in the same sentence is the case, if there is one.
    """
    keys = [
        name_key(mention.name),
        name_key(_unowned(mention.name)),
        *(name_key(a) for a in mention.aliases),
    ]
    known = [seen[k] for k in keys if k in seen]
    if known and not (
        mention.subject
        and (opens or any(c in EXAMPLE_CUES for c in mention.cues))
        and all(position - case.start_page >= RETOLD_AFTER_PAGES for case in known)
    ):
        return None
    if _shortened(name_key(mention.name), seen):
        return None
    actor = seen.get(name_key(mention.actor)) if mention.actor else None
    if actor is not None and actor.start_page == position:
        return None  # the same actor's case, told on the same page
    if mention.kind == "case_study":
        return mention.name
    if "called" in mention.cues or not topic.is_topic(mention.name, mention.aliases):
        # What the paper names itself ("we call the resulting VM TraceMonkey") is a case
        # where it is named, however often it comes back.
        return mention.name
    for alternative in mention.alternatives:
        key = name_key(alternative)
        if key and key not in seen and not topic.is_topic(alternative, ()):
            return alternative
    return None


# A CamelCase word with a hyphen inside it ("Sun-Spider", "Trace-Monkey").
BROKEN_CAMEL_WORD = re.compile(r"\b([A-Z][a-z]+)-([A-Z][a-z]+)\b")


class _TopicNames:
    """Decides which names the paper is about, by the share of pages that name them."""

    def __init__(self, pages: Sequence[PageText]) -> None:
        self.texts = [page.text for page in pages if page.text.strip()]
        self.cache: dict[str, bool] = {}
        self.shares: dict[str, float] = {}

    def unhyphenated(self, name: str) -> str:
        """The name with a CamelCase word that a line break hyphenated ("Sun-Spider") made
        whole again, where the paper prints it whole elsewhere ("SunSpider")."""

        def join(match: re.Match[str]) -> str:
            whole = match.group(1) + match.group(2)
            pattern = re.compile(rf"(?<![\w-]){re.escape(whole)}(?![\w-])")
            return whole if any(pattern.search(t) for t in self.texts) else match.group(0)

        return BROKEN_CAMEL_WORD.sub(join, name)

    def pages_naming(self, name: str) -> int:
        # A hyphen a line break left inside a name ("Trace-Monkey") does not make it another.
        pattern = re.compile(
            rf"(?<!\w){'-?'.join(re.escape(c) for c in name.replace('-', ''))}(?!\w)",
            re.IGNORECASE,
        )
        return sum(1 for text in self.texts if pattern.search(text))

    def page_share(self, name: str) -> float:
        """The share of the pages with text that name `name` (cached)."""
        if name not in self.shares:
            count = self.pages_naming(name) if name.strip() else 0
            self.shares[name] = count / len(self.texts) if self.texts else 0.0
        return self.shares[name]

    def is_topic(self, name: str, aliases: Sequence[str]) -> bool:
        # "DOE's R&D" is the paper's DOE again, unless what follows is a named scheme
        # ("HMRC's Tax Agent Strategy").
        possessor = re.match(r"(?P<owner>.+?)'s?\s+(?P<rest>.+)$", name)
        if possessor and self.is_topic(possessor.group("owner"), ()):
            last = possessor.group("rest").split()[-1]
            if not (last[:1].isupper() and last.lower() in SCHEME_HEADS):
                return True
        # "GAO report", "DOE's" and "the DOE" are all the paper's own DOE.
        core = re.sub(r"^(?:the|The)\s+", "", name)
        core = re.sub(r"(?:'s?)?(?:\s+[a-z][\w-]*)+$|'s?$", "", core) or core
        if core not in self.cache:
            count = max([self.pages_naming(core), *(self.pages_naming(a) for a in aliases)])
            self.cache[core] = count >= TOPIC_MIN_PAGES and count >= TOPIC_PAGE_SHARE * len(
                self.texts
            )
        return self.cache[core]


def _inside(cases: Sequence[_Case], position: int, offset: int) -> bool:
    """Whether a mention falls inside the text an earlier case already covers (a case the
    same sentence introduced too, "X and Y did ...", does not cover it)."""
    return any(
        page == position and start <= offset < end
        for case in cases
        if not (case.start_page == position and case.start == offset)
        for page, start, end in case.stretches
    )


def _heading_starts(page_found: Mentions) -> list[int]:
    return [span.start_char for span, mention in page_found if mention.kind == "case_study"]


def _extend_box(
    case: _Case,
    page_docs: Sequence[PageDoc],
    mentions: Sequence[Mentions],
    position: int,
    heading: Span,
) -> None:
    doc = page_docs[position].doc
    later = [s for s in _heading_starts(mentions[position]) if s > heading.start_char]
    end = min(later) if later else len(doc_text(doc))
    case.stretches.append((position, heading.start_char, end))
    if later or position + 1 >= len(page_docs):
        return
    following = page_docs[position + 1]
    if following.page.index != page_docs[position].page.index + 1:
        return
    next_text = doc_text(following.doc)
    headings = _heading_starts(mentions[position + 1])
    if headings and min(headings) < len(next_text) // 20:
        return
    if headings:
        carry = min(min(headings), MAX_BOX_CARRY_CHARS)
    else:
        # Nothing on the next page says where the box ends: take the sentence the page
        # break cut, no more.
        first = next(iter(following.doc.sents), None)
        carry = min(first.end_char if first is not None else 0, MAX_BOX_CARRY_CHARS)
    if carry > 0 and next_text[:carry].strip():
        case.stretches.append((position + 1, 0, carry))


def _extend_paragraph(
    case: _Case,
    page_docs: Sequence[PageDoc],
    mentions: Sequence[Mentions],
    position: int,
    first: Span,
) -> None:
    sentences = list(first.doc.sents)
    index = next(i for i, s in enumerate(sentences) if s.end_char > first.start_char)
    end = first.end_char
    taken = 0
    for sent in sentences[index + 1 :]:
        if taken >= MAX_FOLLOWING_SENTENCES or not _continues(
            first.doc, mentions[position], end, sent, case
        ):
            break
        end = sent.end_char
        taken += 1
        # What the case's sentences name along the way is part of the case from now on.
        case.aliases |= {
            name_key(m.name) for s, m in mentions[position] if s.start_char == sent.start_char
        }
    case.stretches.append((position, first.start_char, end))
    runs_on = end >= len(doc_text(first.doc).rstrip()) and taken < MAX_FOLLOWING_SENTENCES
    if not runs_on or position + 1 >= len(page_docs):
        return
    following = page_docs[position + 1]
    if following.page.index != page_docs[position].page.index + 1:
        return
    ended = SENTENCE_END.search(doc_text(first.doc)[:end]) is not None
    next_sents = list(following.doc.sents)
    if not next_sents:
        return
    opener = next_sents[0]
    if ended and not opener.text[:1].islower():
        return
    case.stretches.append((position + 1, opener.start_char, opener.end_char))


def _continues(doc: Doc, page_found: Mentions, end: int, sent: Span, case: _Case) -> bool:
    """Whether `sent` goes on describing the case whose text ends at `end`."""
    if "\n" in doc_text(doc)[end : sent.start_char] or "\n" in doc_text(doc)[end - 1 : end]:
        return False
    keys = {case.key, *case.aliases}
    for span, mention in page_found:
        if sent.start_char <= span.start_char < sent.end_char:
            if mention.kind == "case_study":
                return False
            # Still this case while it is the actor ("NHTSA then piloted the X campaign"),
            # and while what is named is only named along the way (an object, "called X"):
            # a new subject or a new "for example" starts a new case.
            actor = name_key(mention.actor) if mention.actor else None
            if name_key(mention.name) not in keys and actor not in keys and _opens_case(mention):
                return False
    return True


def _opens_case(mention: ExampleMention) -> bool:
    """Whether a mention inside another case's paragraph starts a case of its own."""
    return mention.subject or any(
        cue in EXAMPLE_CUES or cue in ("enumerated case", "event", "called") for cue in mention.cues
    )


def _example(case: _Case, page_docs: Sequence[PageDoc]) -> Example:
    first_position, start, end = case.stretches[0]
    page = page_docs[first_position].page
    ref, quote, span = locate(page, start, end)
    pages: list[PageRef] = []
    texts: list[str] = []
    for position, s_start, s_end in case.stretches:
        stretch_page = page_docs[position].page
        if stretch_page.ref not in pages:
            pages.append(stretch_page.ref)
        texts.append(stretch_page.text[s_start:s_end])
    summary = _summary(" ".join(texts))
    mention = case.mention
    return Example(
        id=item_id("ex", page, span.start),
        page=ref,
        pages=tuple(pages),
        quote=quote,
        char_span=span,
        name=case.name,
        kind=mention.kind,
        organisations=tuple(dict.fromkeys(case.organisations)),
        places=tuple(dict.fromkeys(case.places)),
        platforms=find_platforms(" ".join(texts)),
        summary=summary,
        cues=tuple(dict.fromkeys(case.cues)),
    )


def _summary(text: str) -> str:
    text = collapse_whitespace(text)
    if len(text) <= MAX_SUMMARY_CHARS:
        return text
    cut = text[:MAX_SUMMARY_CHARS]
    stop = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: stop + 1] if stop > MAX_SUMMARY_CHARS // 3 else cut.rstrip() + "..."
