"""One document's pages across worker processes: `extractor extract --jobs N`.

The costly stages of extraction work page by page: reading a page (pypdf and our position
visitor, pdf.py) and parsing it (spaCy's `nlp.pipe`). `PageWorkers` hands both to N worker
processes, each building its pipelines once, and keeps every document-wide decision in
this process, made as `extract` makes them in-process: the file is opened and checked here
(so a bad file fails the same way, before any page is read), the clean-up, page labels,
languages and layout are decided here over all the pages, and the items are collected here
from every page's Doc, which comes back with its user data and span groups (`pack_doc`).
So the output is that of `--jobs 1` by construction: each page is read and parsed on its
own, as in-process (a page's parse does not depend on the pages parsed beside it), and
the pages are merged in page order.

Workers are forked from this process, so they start with its modules imported; where this
process runs other threads (which a fork would copy half-way), they come from a fork
server instead. Pages go out in small chunks, a few to each worker at a time, so that a
worker given long pages does not hold up the others. An error on a page in a worker is
raised here as it would have been in-process; a worker that dies (the out-of-memory killer,
a crash) ends the extraction with a `WorkerDiedError`. What workers log (pypdf's notes on a
damaged page, say) is logged here, in page order.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import pickle
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import get_lang_class
from spacy.vocab import Vocab, create_vocab

from extractor.errors import WorkerDiedError
from extractor.extract import (
    LANGUAGE_KEY,
    NLP_BATCH_SIZE,
    PageProgress,
    extract_document,
    model_info,
    plan_pages,
)
from extractor.language import PageLanguage
from extractor.model import Extraction, ExtractionWarning, ModelInfo, Options
from extractor.nlp.decide import Deciders
from extractor.nlp.layout import PageLayout, decide_layout, set_layout
from extractor.nlp.pipeline import DEFAULT_LANGUAGE, ModelChoice, Pipelines
from extractor.nlp.types import PageDoc
from extractor.pages import PageText
from extractor.pdf import RawPage, forget_kept_reader, read_page_range, read_pdf

logger = logging.getLogger(__name__)

# Chunks each worker is given at a time: while it sends one back it works on the next.
CHUNKS_IN_FLIGHT = 2
# How a stage's pages are cut into chunks ("guided" scheduling): each chunk is the pages
# still to hand out divided by the workers times GUIDED_SHARE, so the first chunks are
# large (few messages) and they shrink to one page at the end, where the workers would
# otherwise finish a chunk apart (with equal chunks of 10 pages, one worker sat idle while
# the other parsed its last chunk).
GUIDED_SHARE = 2


@dataclass(frozen=True)
class PipelineFacts:
    """What this process needs to know of a worker's pipeline, which it does not build."""

    # Which pipeline: pages of two languages may share one (no language is English).
    key: str
    # spaCy's language code of the pipeline: its Docs are read back into a Vocab of it.
    lang: str
    trained: bool
    max_length: int
    model: ModelInfo


@dataclass(frozen=True)
class PageJob:
    """One page to parse: its text as spaCy reads it, the language it is read as (the
    pipeline's, and the Doc's `LANGUAGE_KEY`), and the layout decided for it."""

    position: int
    text: str
    language: str | None
    layout: PageLayout


# ---------------------------------------------------------------- inside a worker process


class _Captured(logging.Handler):
    """Keeps the records a worker logs while it does a task, to send them with its reply."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted now: the arguments may not pickle.
        record.msg, record.args = record.getMessage(), None
        record.exc_info = record.exc_text = None
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


def _facts(pipelines: Pipelines, language: str | None) -> PipelineFacts:
    nlp, trained = pipelines.for_language(language)
    lang = str(nlp.lang)
    key = f"full:{language or DEFAULT_LANGUAGE}" if trained else f"light:{language}"
    return PipelineFacts(key, lang, trained, nlp.max_length, model_info(nlp))


def _parse(pipelines: Pipelines, jobs: Sequence[PageJob]) -> list[tuple[int, dict[str, Any]]]:
    """Parse pages as `run_nlp` does, each with the pipeline of its language."""
    groups: dict[int, list[tuple[int, Doc]]] = {}
    chosen = {}
    for job in jobs:
        nlp, _ = pipelines.for_language(job.language)
        doc = nlp.make_doc(job.text)
        doc.user_data[LANGUAGE_KEY] = job.language
        set_layout(doc, job.layout)
        groups.setdefault(id(nlp), []).append((job.position, doc))
        chosen[id(nlp)] = nlp
    out = []
    for key, docs in groups.items():
        piped = chosen[key].pipe((doc for _, doc in docs), batch_size=NLP_BATCH_SIZE)
        for (position, _), doc in zip(docs, piped, strict=True):
            out.append((position, pack_doc(doc)))
    return out


def pack_doc(doc: Doc) -> dict[str, Any]:
    """A parsed Doc as plain data that pickles: `Doc.to_dict` without msgpack (which takes a
    few milliseconds a call in srsly's registry, a dozen calls a Doc), its user data and
    span groups as they are (tuples stay tuples), and no tensor (the collectors never read
    it, and it is most of the bytes)."""
    packed: dict[str, Any] = doc.to_dict(exclude=["tensor", "user_data", "spans"])
    packed["user_data"] = dict(doc.user_data)
    packed["span_groups"] = [
        (name, dict(group.attrs), [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in group])
        for name, group in doc.spans.items()
    ]
    return packed


def unpack_doc(vocab: Vocab, packed: dict[str, Any]) -> Doc:
    """The Doc `pack_doc` made, over `vocab`."""
    doc = Doc(vocab).from_dict(packed)
    doc.user_data.update(packed["user_data"])
    for name, attrs, spans in packed["span_groups"]:
        doc.spans[name] = SpanGroup(
            doc,
            name=name,
            attrs=attrs,
            spans=[
                Span(doc, start, end, label=label, kb_id=kb_id, span_id=span_id)
                for start, end, label, kb_id, span_id in spans
            ],
        )
    return doc


def _portable(error: BaseException) -> BaseException:
    """The error as it can cross to the parent: itself if it pickles, else its words."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _take_in(conn: Connection, inbox: queue.SimpleQueue[Any]) -> None:
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            message = None
        inbox.put(message)
        if message is None:
            return


def _serve(conn: Connection, model: ModelChoice, log_level: int) -> None:
    """A worker: do what the parent asks, one message at a time, until it says stop."""
    # Ctrl-C reaches the whole process group; the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    captured = _Captured()
    root = logging.getLogger()
    root.handlers = [captured]
    root.setLevel(log_level)
    pipelines = Pipelines(model)
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    # Messages are taken in as they come, so that the parent never waits to send one while
    # this worker waits to send it a reply.
    threading.Thread(target=_take_in, args=(conn, inbox), daemon=True).start()
    while True:
        message = inbox.get()
        if message is None:
            return
        kind, payload = message
        reply: tuple[str, Any]
        try:
            if kind == "read":
                reply = ("ok", read_page_range(*payload))
            elif kind == "warm":
                # The pages are read: the file is closed. The English pipeline is built while
                # the parent prepares the pages; a document that needs none (no English
                # installed) fails at "facts" if at all.
                forget_kept_reader()
                try:
                    pipelines.for_language(payload)
                except Exception:
                    logger.debug("no pipeline for %s yet", payload, exc_info=True)
                reply = ("ok", None)
            elif kind == "facts":
                reply = ("ok", {language: _facts(pipelines, language) for language in payload})
            else:
                reply = ("ok", _parse(pipelines, payload))
        except BaseException as e:  # raised in the parent, as it would have been in-process
            reply = ("error", _portable(e))
        conn.send((reply, captured.take()))


# ---------------------------------------------------------------- the parent's side


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


@dataclass
class _Worker:
    process: Any  # multiprocessing's Process of the chosen start method
    conn: Connection
    tasks: deque[int] = field(default_factory=deque)


def _chunks(count: int, jobs: int) -> list[range]:
    """`count` positions cut into chunks of falling size (see GUIDED_SHARE), in order."""
    chunks = []
    start = 0
    while start < count:
        size = max(1, math.ceil((count - start) / (jobs * GUIDED_SHARE)))
        chunks.append(range(start, min(count, start + size)))
        start += size
    return chunks


class PageWorkers(contextlib.AbstractContextManager["PageWorkers"]):
    """N worker processes for the pages of one document at a time; a context manager
    (leaving it stops them). Pass it to `extract_document` as its `nlp`, or call `extract`."""

    def __init__(self, jobs: int, model: ModelChoice = None) -> None:
        context: Any = multiprocessing.get_context(_start_method())
        level = logging.getLogger().getEffectiveLevel()
        self._workers: list[_Worker] = []
        self._facts: dict[str | None, PipelineFacts] = {}
        self._vocabs: dict[str, Vocab] = {}
        # The PDF being extracted, which an error names.
        self.path: Path | None = None
        for number in range(jobs):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_serve,
                args=(theirs, model, level),
                name=f"extractor-pages-{number + 1}",
                daemon=True,
            )
            process.start()
            theirs.close()
            self._workers.append(_Worker(process, ours))

    def __exit__(self, *exception: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (kill those still busy)."""
        for worker in self._workers:
            if not worker.tasks:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in self._workers:
            worker.process.join(timeout=0 if worker.tasks else 5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers = []

    def extract(
        self,
        path: str | Path,
        password: str | None,
        options: Options,
        deciders: Deciders | None = None,
        progress: PageProgress | None = None,
    ) -> Extraction:
        """`extract`'s result for the PDF at `path`, its pages read and parsed here."""
        on_page = None if progress is None else lambda read, count: progress(read / 2, count)
        self.path = Path(path)

        def read_pages(count: int, on_page: Callable[[int, int], None] | None) -> list[RawPage]:
            return self.read_pages(Path(path), password, count, on_page)

        pdf = read_pdf(path, password, options.max_pages, on_page, read_pages=read_pages)
        return extract_document(pdf, self, options, deciders, progress)

    def read_pages(
        self,
        path: Path,
        password: str | None,
        count: int,
        on_page: Callable[[int, int], None] | None = None,
    ) -> list[RawPage]:
        """The first `count` pages of the PDF at `path` (which `read_pdf` has opened), read
        by the workers, in page order; then each worker builds the English pipeline."""
        chunks = _chunks(count, len(self._workers))
        messages = [("read", (str(path), password, list(chunk))) for chunk in chunks]
        done = 0

        def chunk_read(index: int, pages: list[RawPage]) -> None:
            nonlocal done
            done += len(pages)
            if on_page is not None:
                on_page(done, count)

        results: list[list[RawPage]] = self._map(messages, chunk_read)
        for worker in self._workers:
            self._send(worker, ("warm", None), -1)
        return [page for pages in results for page in pages]

    def run_nlp(
        self,
        pages: Sequence[PageText],
        languages: Sequence[PageLanguage],
        dominant: str | None,
        warnings: list[ExtractionWarning],
        on_parsed: Callable[[int], None] | None = None,
    ) -> tuple[list[PageDoc], ModelInfo]:
        """`extract.run_nlp`, the pages parsed by the workers; returns the model information of
        the pipeline that read the most pages."""
        self._learn_facts(
            {
                found.language or dominant
                for page, found in zip(pages, languages, strict=True)
                if page.text.strip()
            }
        )
        read = plan_pages(pages, languages, dominant, self._for_language, warnings)
        layouts = decide_layout([pages[position] for position, _ in read])
        jobs = [
            PageJob(
                position, pages[position].nlp_text, _language(languages, position, dominant), layout
            )
            for (position, _), layout in zip(read, layouts, strict=True)
        ]
        facts = dict(read)
        docs: dict[int, Doc] = {}
        skipped = len(pages) - len(read)

        def chunk_parsed(index: int, parsed: list[tuple[int, dict[str, Any]]]) -> None:
            for position, packed in parsed:
                docs[position] = unpack_doc(self._vocab(facts[position].lang), packed)
            if on_parsed is not None:
                on_parsed(min(len(pages), skipped + len(docs)))

        chunks = _chunks(len(jobs), len(self._workers))
        self._map([("parse", [jobs[i] for i in chunk]) for chunk in chunks], chunk_parsed)
        if on_parsed is not None:
            on_parsed(len(pages))
        page_docs = [PageDoc(pages[position], docs[position]) for position in sorted(docs)]
        return page_docs, self._most_used(read).model

    def _for_language(self, language: str | None) -> tuple[PipelineFacts, bool]:
        facts = self._facts[language]
        return facts, facts.trained

    def _most_used(self, read: list[tuple[int, PipelineFacts]]) -> PipelineFacts:
        """The pipeline that reads the most pages (the first of those tied), as `run_nlp`
        chooses it; English where no page is read."""
        counts: dict[str, int] = {}
        by_key: dict[str, PipelineFacts] = {}
        for _, facts in read:
            counts[facts.key] = counts.get(facts.key, 0) + 1
            by_key.setdefault(facts.key, facts)
        if not counts:
            self._learn_facts({None})
            return self._facts[None]
        return by_key[max(counts, key=counts.__getitem__)]

    def _vocab(self, lang: str) -> Vocab:
        """A Vocab of spaCy's language `lang`, for the Docs of a pipeline of it (their
        words' attributes, `like_num`, `is_stop`..., come from the language)."""
        if lang not in self._vocabs:
            self._vocabs[lang] = create_vocab(lang, get_lang_class(lang).Defaults)
        return self._vocabs[lang]

    def _learn_facts(self, languages: set[str | None]) -> None:
        """Have every worker build the pipelines of `languages` (as a page of each would in
        `run_nlp`), and learn what they are."""
        missing = sorted(languages - self._facts.keys(), key=str)
        if not missing:
            return
        replies = self._map([("facts", missing)] * len(self._workers), lambda i, r: None, each=True)
        self._facts.update(replies[0])

    # ------------------------------------------------------------ talking to the workers

    def _send(self, worker: _Worker, message: tuple[str, Any], index: int) -> None:
        worker.tasks.append(index)
        with contextlib.suppress(OSError):  # a dead worker: its reply's absence says so
            worker.conn.send(message)

    def _map(
        self,
        messages: Sequence[tuple[str, Any]],
        on_result: Callable[[int, Any], None],
        each: bool = False,
    ) -> list[Any]:
        """Send the messages to the workers (each worker one of them, if `each`; else as
        they become free, CHUNKS_IN_FLIGHT at a time) and return their results in order,
        telling `on_result` of each as it comes. What the workers logged is logged here
        once every result is in, in the order of the messages."""
        results: list[Any] = [None] * len(messages)
        logged: list[list[logging.LogRecord]] = [[] for _ in messages]
        todo = deque(range(len(messages)))
        left = len(messages)

        def hand_out(worker: _Worker) -> None:
            while todo and len(worker.tasks) < CHUNKS_IN_FLIGHT:
                index = todo.popleft()
                self._send(worker, messages[index], index)

        if each:
            for worker in self._workers:
                self._send(worker, messages[todo.popleft()], len(messages) - len(todo) - 1)
        try:
            while left:
                for worker in self._workers:
                    hand_out(worker)
                busy = {worker.conn: worker for worker in self._workers if worker.tasks}
                for conn in wait(list(busy)):
                    worker = busy[conn]  # type: ignore[index]
                    index, result, records = self._receive(worker)
                    if index < 0:  # the reply to a message outside this map ("warm")
                        _log(records)
                        continue
                    results[index], logged[index] = result, records
                    left -= 1
                    on_result(index, result)
        except BaseException:
            # The replies still to come belong to no one: the next map passes them by.
            for worker in self._workers:
                worker.tasks = deque(-1 for _ in worker.tasks)
            raise
        for records in logged:
            _log(records)
        return results

    def _receive(self, worker: _Worker) -> tuple[int, Any, list[logging.LogRecord]]:
        """A worker's next reply: the index of its message, the result, what it logged.
        Raises the error the work raised, or WorkerDiedError."""
        try:
            (status, result), records = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            raise WorkerDiedError(
                f"a worker process died ({_describe_exit(worker.process.exitcode)}); out of "
                "memory, or a crash: try fewer jobs",
                self.path,
            ) from None
        index = worker.tasks.popleft()
        if status == "error" and index >= 0:
            _log(records)
            raise result
        return index, result, records


def _language(languages: Sequence[PageLanguage], position: int, dominant: str | None) -> str | None:
    return languages[position].language or dominant


def _log(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
