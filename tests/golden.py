"""Golden outputs: the expected extraction of each `samples/*.pdf`, kept beside it.

`python -m tests.golden --regenerate` (what `make samples` runs) rewrites every
`samples/NAME.expected.json`; `differences` compares a fresh output with an expected one
field by field, so that a failing golden test says which fields changed.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

# Fields that legitimately differ between runs on different machines or checkouts.
IGNORED_PATHS = frozenset({"$.source.path"})


def sample_pdfs() -> list[Path]:
    """The sample PDFs, in name order."""
    return sorted(SAMPLES.glob("*.pdf"))


def expected_path(pdf: Path) -> Path:
    """Where the expected output of a sample PDF is kept."""
    return pdf.with_name(pdf.stem + ".expected.json")


def differences(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Every place where `actual` differs from `expected`, as 'path: expected != actual'."""
    if path in IGNORED_PATHS:
        return []
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                out.append(f"{path}.{key}: missing from the fresh output")
            elif key not in expected:
                out.append(f"{path}.{key}: not in the expected output")
            else:
                out.extend(differences(expected[key], actual[key], f"{path}.{key}"))
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        out = []
        if len(expected) != len(actual):
            out.append(f"{path}: {len(expected)} expected items, {len(actual)} found")
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            out.extend(differences(e, a, f"{path}[{i}]"))
        return out
    if isinstance(expected, float) or isinstance(actual, float):
        same = (
            isinstance(expected, (int, float))
            and isinstance(actual, (int, float))
            and math.isclose(expected, actual, rel_tol=1e-9)
        )
        return [] if same else [f"{path}: {expected!r} != {actual!r}"]
    return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]


def relative_to_root(pdf: Path) -> Path:
    """The sample's path as the golden outputs record it (relative to the checkout)."""
    return pdf.resolve().relative_to(ROOT)


def regenerate() -> None:
    """Extract every sample PDF and write its expected output."""
    from extractor.extract import extract
    from extractor.nlp.pipeline import build_pipeline
    from extractor.output import write_text_atomic

    nlp = build_pipeline()
    for pdf in sample_pdfs():
        result = extract(relative_to_root(pdf), nlp=nlp)
        target = expected_path(pdf)
        write_text_atomic(target, result.to_json())
        print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    """Command line of this module: `python -m tests.golden --regenerate`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the expected outputs")
    args = parser.parse_args()
    if args.regenerate:
        regenerate()
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
