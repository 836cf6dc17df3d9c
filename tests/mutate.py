"""Seeded mutations of PDF bytes, for the fuzz tests (test-only).

Each mutator takes the bytes of a PDF and a `random.Random` and returns damaged bytes, the
way real files are damaged: bit flips, truncation, chunks deleted or duplicated, the
cross-reference table and trailer broken, stream /Length entries that lie, page trees whose
/Count is absurd or whose /Kids loop back, extreme numbers, and a damaged /Encrypt
dictionary. A mutator whose target is not in the file (an /Encrypt in a plain PDF, an xref
table in a file with a compressed one) falls back to flipping bits, so every mutant differs
from its source. The same seed gives the same mutants.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

Mutator = Callable[[bytes, random.Random], bytes]

# Numbers a damaged file may hold where a small count, offset or length belongs.
EXTREME_NUMBERS = (b"0", b"-1", b"2147483648", b"9223372036854775808", b"1" + b"0" * 30)
MAX_CHUNK = 4096


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    """Flip 1 to 16 random bits."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut the file short, anywhere after its first byte."""
    return data[: rng.randint(1, len(data) - 1)]


def delete_chunk(data: bytes, rng: random.Random) -> bytes:
    """Remove a run of up to MAX_CHUNK bytes."""
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, MAX_CHUNK) :]


def duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    """Copy a run of up to MAX_CHUNK bytes to another place."""
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, MAX_CHUNK)]
    at = rng.randrange(len(data))
    return data[:at] + chunk + data[at:]


def damage_xref(data: bytes, rng: random.Random) -> bytes:
    """Break the cross-reference table or the trailer: a wrong startxref, garbage offsets,
    or the trailer keyword or its /Root gone."""
    choices: list[Callable[[], bytes | None]] = [
        lambda: _replace_number_after(data, rb"startxref\s+", rng),
        lambda: _garble_xref_entries(data, rng),
        lambda: _replace_last(data, b"trailer", b"trai1er"),
        lambda: _replace_last(data, b"/Root", b"/R00t"),
    ]
    rng.shuffle(choices)
    return _first_or_flip(choices, data, rng)


def lie_about_length(data: bytes, rng: random.Random) -> bytes:
    """Give a stream a /Length that is not its length (0, too short, too long, absurd)."""
    return _first_or_flip(
        [lambda: _replace_number_after(data, rb"/Length\s+", rng, small=True)], data, rng
    )


def loop_page_tree(data: bytes, rng: random.Random) -> bytes:
    """Make the page tree absurd: an extreme /Count, or /Kids that list their own node."""
    choices: list[Callable[[], bytes | None]] = [
        lambda: _replace_number_after(data, rb"/Count\s+", rng),
        lambda: _kids_loop(data, rng),
    ]
    rng.shuffle(choices)
    return _first_or_flip(choices, data, rng)


def extreme_number(data: bytes, rng: random.Random) -> bytes:
    """Replace one object number or reference with an extreme value."""
    return _first_or_flip(
        [lambda: _replace_number_after(data, rb"(?<![\d.])(?=\d+ 0 (?:R|obj))", rng)], data, rng
    )


def damage_encrypt(data: bytes, rng: random.Random) -> bytes:
    """Damage the /Encrypt dictionary of an encrypted file: its revision, version, key
    length or permissions out of range, or its /O or /U string cut short."""
    choices: list[Callable[[], bytes | None]] = [
        lambda: _replace_number_after(data, rb"/R\s+", rng, small=True),
        lambda: _replace_number_after(data, rb"/V\s+", rng, small=True),
        lambda: _replace_number_after(data, rb"/Length\s+", rng, small=True),
        lambda: _replace_number_after(data, rb"/P\s+", rng),
        lambda: _shorten_string_after(data, rb"/[OU]\s*", rng),
    ]
    if b"/Encrypt" not in data:
        return flip_bits(data, rng)
    rng.shuffle(choices)
    return _first_or_flip(choices, data, rng)


MUTATORS: tuple[tuple[str, Mutator], ...] = (
    ("flip_bits", flip_bits),
    ("truncate", truncate),
    ("delete_chunk", delete_chunk),
    ("duplicate_chunk", duplicate_chunk),
    ("damage_xref", damage_xref),
    ("lie_about_length", lie_about_length),
    ("loop_page_tree", loop_page_tree),
    ("extreme_number", extreme_number),
    ("damage_encrypt", damage_encrypt),
)


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Apply one to three mutators chosen by `rng`; return their names and the mutant."""
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        name, mutator = rng.choice(MUTATORS)
        if len(data) > 1:
            data = mutator(data, rng)
        names.append(name)
    return "+".join(names), data


# ---------------------------------------------------------------- helpers


def _first_or_flip(
    choices: list[Callable[[], bytes | None]], data: bytes, rng: random.Random
) -> bytes:
    for choice in choices:
        result = choice()
        if result is not None and result != data:
            return result
    return flip_bits(data, rng)


def _replace_number_after(
    data: bytes, prefix: bytes, rng: random.Random, small: bool = False
) -> bytes | None:
    """Replace the number after one random match of `prefix` (a regex)."""
    matches = list(re.finditer(prefix + rb"(-?\d+)", data))
    if not matches:
        return None
    match = rng.choice(matches)
    number = int(match.group(match.lastindex or 0))
    if small:
        value = rng.choice((0, 1, max(0, number // 2), number + rng.randint(1, 5000)))
        new = str(value).encode("ascii")
    else:
        new = rng.choice(EXTREME_NUMBERS)
    start, end = match.span(match.lastindex or 0)
    return data[:start] + new + data[end:]


def _garble_xref_entries(data: bytes, rng: random.Random) -> bytes | None:
    entries = list(re.finditer(rb"\d{10} \d{5} [nf]", data))
    if not entries:
        return None
    out = bytearray(data)
    for entry in rng.sample(entries, min(len(entries), rng.randint(1, 5))):
        start = entry.start()
        out[start : start + 10] = b"%010d" % rng.randrange(10**10)
    return bytes(out)


def _replace_last(data: bytes, old: bytes, new: bytes) -> bytes | None:
    at = data.rfind(old)
    if at == -1:
        return None
    return data[:at] + new + data[at + len(old) :]


def _kids_loop(data: bytes, rng: random.Random) -> bytes | None:
    """Insert a reference to a /Pages node into its own /Kids."""
    nodes = list(re.finditer(rb"(\d+) 0 obj\s*<<(?:(?!endobj).){0,400}?/Type\s*/Pages", data, re.S))
    if not nodes:
        return None
    node = rng.choice(nodes)
    kids = data.find(b"/Kids", node.start())
    bracket = data.find(b"[", kids)
    if kids == -1 or bracket == -1:
        return None
    return data[: bracket + 1] + node.group(1) + b" 0 R " + data[bracket + 1 :]


def _shorten_string_after(data: bytes, prefix: bytes, rng: random.Random) -> bytes | None:
    """Cut a string (literal or hex) after `prefix` to a few characters."""
    matches = list(re.finditer(prefix + rb"(<[0-9A-Fa-f]{8,}>|\((?:[^()\\]|\\.){8,}?\))", data))
    if not matches:
        return None
    match = rng.choice(matches)
    start, end = match.span(1)
    value = match.group(1)
    cut = value[: rng.randint(2, 6)] + value[-1:]
    return data[:start] + cut + data[end:]
