"""Check gold files against their PDFs: `python training/check_gold.py GOLD.json [...]`.

The PDF is looked up by the gold file's `file` name under training/pdfs/ or the corpus
folders; prints every problem and exits 1 if there is one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from extractor.goldcheck import check_gold
from extractor.output import read_json

CORPUS = Path(
    os.environ.get("EXTRACTOR_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
PDF_FOLDERS = (CORPUS.parent / "corpus-train" / "pdfs", CORPUS / "pdfs")


def main(paths: list[str]) -> int:
    failed = 0
    for name in paths:
        file_name = read_json(Path(name))["file"]
        pdf = next((f / file_name for f in PDF_FOLDERS if (f / file_name).exists()), None)
        if pdf is None:
            print(f"{name}: no PDF named {file_name}")
            failed += 1
            continue
        problems = check_gold(name, pdf)
        for problem in problems:
            print(f"{name}: {problem}")
        failed += bool(problems)
        if not problems:
            print(f"{name}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
