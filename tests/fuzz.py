"""`make fuzz`: mutants of the corpus PDFs through `extractor batch`, and a verdict.

    python -m tests.fuzz --count 1000 --max-pages 2 --jobs 2

Writes `--count` seeded mutants (tests/mutate.py) of the corpus PDFs no larger than
`--max-bytes` into BUILD/in, runs the real command line over them into BUILD/out, and
checks what a user would see: every input has exactly one manifest line and every line
validates; no file ended as an internal error or a dead worker; nothing on standard error
is a traceback; no temporary file is left and every output is whole, valid JSON; every
message is in a reader's words (no pypdf class names or reprs). Prints a summary (counts
by status, error code and warning) and writes it to BUILD/summary.json; exits 1 if any
check fails. The same seed gives the same mutants.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import CORPUS_PDFS, ROOT
from tests.mutate import mutate

DEFAULT_BUILD = ROOT / "build" / "fuzz"
# What pypdf's own wording looks like (class names, reprs, byte strings), which must not
# reach a message: each is put in a reader's words.
INTERNAL_WORDING = re.compile(
    r"\b\w+Error\b|\b\w+Object\b|IndirectObject|\bb'|\\x[0-9a-f]{2}|index-sized|Traceback"
)
# Error codes that mean a bug, not a bad file.
BUG_CODES = frozenset({"internal", "worker_died"})


def internal_wording(message: str) -> str | None:
    """The piece of `message` that is pypdf's (or Python's) wording, if any."""
    match = INTERNAL_WORDING.search(message)
    return match[0] if match else None


def sources(max_bytes: int) -> list[Path]:
    """The corpus PDFs small enough to mutate."""
    found = [p for p in sorted(CORPUS_PDFS.glob("*.pdf")) if p.stat().st_size <= max_bytes]
    if not found:
        raise SystemExit(f"no corpus PDF of at most {max_bytes} bytes in {CORPUS_PDFS}")
    return found


def write_mutants(folder: Path, count: int, seed: int, originals: list[Path]) -> list[Path]:
    """Write `count` mutants into `folder`, named after their number, mutators and source."""
    rng = random.Random(seed)
    data = {path: path.read_bytes() for path in originals}
    folder.mkdir(parents=True)
    written = []
    for number in range(count):
        source = rng.choice(originals)
        names, mutant = mutate(data[source], rng)
        path = folder / f"{number:04d}-{names}-{source.stem[:40]}.pdf"
        path.write_bytes(mutant)
        written.append(path)
    return written


def check(inputs: list[Path], out: Path, stderr: str, exit_code: int) -> dict[str, Any]:
    """What the batch left in `out`, and every way it falls short of the standard."""
    problems: list[str] = []
    if exit_code not in (0, 10):
        problems.append(f"batch exited {exit_code}")
    if "Traceback" in stderr:
        problems.append("a traceback on standard error")
    for line in stderr.splitlines():
        wording = internal_wording(line)
        if wording:
            problems.append(f"internal wording {wording!r} on standard error: {line}")
    lines = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    from extractor.schema import MANIFEST_SCHEMA, validation_error

    for line in lines:
        problem = validation_error(line, MANIFEST_SCHEMA)
        if problem:
            problems.append(f"{line['path']}: manifest line does not validate: {problem}")
    seen = Counter(Path(line["path"]).name for line in lines)
    missing = sorted({p.name for p in inputs} - set(seen))
    twice = sorted(name for name, n in seen.items() if n > 1)
    problems += [f"{name}: not in the manifest" for name in missing]
    problems += [f"{name}: in the manifest {seen[name]} times" for name in twice]
    for line in lines:
        name = Path(line["path"]).name
        if line["error_code"] in BUG_CODES:
            problems.append(f"{name}: {line['error_code']}: {line['error_message']}")
        wording = internal_wording(line["error_message"] or "")
        if wording:
            problems.append(f"{name}: internal wording {wording!r}: {line['error_message']}")
        if line["status"] in ("ok", "no_text"):
            problems += _output_problems(out, line)
    problems += [f"{tmp.name}: a temporary file was left" for tmp in out.glob(".*.tmp")]
    return {
        "inputs": len(inputs),
        "manifest_lines": len(lines),
        "status": dict(Counter(line["status"] for line in lines).most_common()),
        "error_code": dict(Counter(line["error_code"] for line in lines if line["error_code"])),
        "warning": dict(Counter(code for line in lines for code in line["warnings"])),
        "problems": problems,
    }


def _output_problems(out: Path, line: dict[str, Any]) -> list[str]:
    from extractor.schema import validation_error

    name = Path(line["path"]).name
    try:
        data = json.loads((out / line["output"]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return [f"{name}: output {line['output']} is not whole JSON ({e})"]
    problems = []
    problem = validation_error(data)
    if problem:
        problems.append(f"{name}: output does not validate: {problem}")
    for warning in data.get("warnings", ()):
        wording = internal_wording(warning["message"])
        if wording:
            problems.append(f"{name}: internal wording {wording!r}: {warning['message']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="mutants to make")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--max-pages", type=int, default=2, help="pages read of each mutant")
    parser.add_argument("--max-bytes", type=int, default=1_000_000, help="largest source PDF")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per file")
    parser.add_argument("--build", type=Path, default=DEFAULT_BUILD)
    args = parser.parse_args(argv)

    shutil.rmtree(args.build, ignore_errors=True)
    originals = sources(args.max_bytes)
    inputs = write_mutants(args.build / "in", args.count, args.seed, originals)
    size = sum(p.stat().st_size for p in inputs)
    print(
        f"{len(inputs)} mutants ({size / 1e6:.0f} MB) of {len(originals)} corpus PDFs, "
        f"seed {args.seed}",
        flush=True,
    )
    out = args.build / "out"
    command = [sys.executable, "-m", "extractor", "batch", str(args.build / "in"), "-o", str(out)]
    command += ["--max-pages", str(args.max_pages), "--jobs", str(args.jobs)]
    command += ["--timeout", str(args.timeout), "--no-progress"]
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    (args.build / "stderr.txt").write_text(completed.stderr, encoding="utf-8")
    summary = check(inputs, out, completed.stderr, completed.returncode)
    summary.update(
        seed=args.seed,
        max_pages=args.max_pages,
        sources=[p.name for p in originals],
        exit_code=completed.returncode,
        seconds=round(seconds, 1),
        batch_summary=completed.stdout.strip(),
    )
    (args.build / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(completed.stdout.strip())
    for key in ("status", "error_code", "warning"):
        print(f"{key}: " + ", ".join(f"{n} {name}" for name, n in summary[key].items()))
    for problem in summary["problems"]:
        print(f"PROBLEM {problem}")
    verdict = "FAILED" if summary["problems"] else "passed"
    print(
        f"fuzz {verdict}: {len(summary['problems'])} problem(s); {summary['manifest_lines']} "
        f"manifest lines for {len(inputs)} inputs; {seconds:.0f} s; see {args.build}"
    )
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
