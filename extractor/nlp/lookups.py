"""Compact, read-only stores for the lookup tables of a loaded spaCy pipeline (issue 17).

A trained pipeline's lemmatizer keeps its tables (lemma_lookup, lemma_exc, lemma_index,
lemma_rules) as spaCy `Table`s: Python dicts of string hash -> lists and dicts of Python
strings. For fr_core_news_sm that is about 110 MB of small objects in every process that
reads French. `compact_lookups` swaps each such table for a `CompactTable` holding the same
data as numpy arrays of hashes and offsets into one UTF-8 blob, which answers every
question the lemmatizer asks (`get`, `[]`, `in`, with a string or a hash, and the same of
the dicts and lists inside) exactly as the Table did, in a few MB.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from spacy.language import Language
from spacy.lookups import Lookups, Table
from spacy.strings import get_string_id

# A list of strings inside a table is stored compactly from this length on; shorter ones
# (lemma_rules' [suffix, replacement] pairs) stay Python objects.
MIN_COMPACT_LIST = 64


def _is_string_list(value: Any) -> bool:
    """Whether `value` is a list of strings (the value type of lemma_lookup and lemma_exc)."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _offsets(lengths: Sequence[int]) -> npt.NDArray[np.uint32] | npt.NDArray[np.int64]:
    """Where each of a run of items with these lengths ends, after a leading 0: uint32
    where the total fits, as it does for every table of spaCy's pipelines."""
    ends = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=ends[1:])
    return ends.astype(np.uint32) if ends[-1] < 2**32 else ends


class _Strings(Sequence[str]):
    """Strings in order, held as one UTF-8 blob and the offset where each one ends."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, strings: Iterable[str]) -> None:
        encoded = [text.encode("utf-8") for text in strings]
        self._blob = b"".join(encoded)
        self._ends = _offsets([len(chunk) for chunk in encoded])

    def __len__(self) -> int:
        return len(self._ends) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = int(self._ends[index]), int(self._ends[index + 1])
        return self._blob[start:end].decode("utf-8")


class _HashIndex:
    """Positions of keys (uint64 hashes) in their original order, found by binary search."""

    __slots__ = ("_order", "_sorted")

    def __init__(self, hashes: Iterable[int]) -> None:
        keys = np.fromiter(hashes, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        self._sorted: npt.NDArray[np.uint64] = keys[order]
        self._order: npt.NDArray[np.uint32] = order.astype(np.uint32)

    def __len__(self) -> int:
        return len(self._sorted)

    def positions(self, key: int) -> Iterator[int]:
        """The original positions of every entry whose hash is `key`."""
        # A numpy scalar, not a Python int: numpy compares an int with a uint64 array as
        # float64, which confuses neighbouring hashes.
        wanted = np.uint64(key)
        hashes = self._sorted
        at = int(hashes.searchsorted(wanted))
        while at < len(hashes) and hashes[at] == wanted:
            yield int(self._order[at])
            at += 1

    def in_order(self) -> Iterator[int]:
        """The keys in their original order."""
        original = np.empty_like(self._sorted)
        original[self._order] = self._sorted
        return (int(key) for key in original)


def _string_hash(text: str) -> int:
    """The hash a spaCy Table gives the string key `text`."""
    return int(get_string_id(text))


class CompactStringList(Sequence[str]):
    """A read-only list of strings with fast `in` (lemma_index's lists of base forms)."""

    __slots__ = ("_index", "_strings")

    def __init__(self, strings: Sequence[str]) -> None:
        self._strings = _Strings(strings)
        self._index = _HashIndex(_string_hash(text) for text in strings)

    def __len__(self) -> int:
        return len(self._strings)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._strings[index]

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        return any(self._strings[at] == value for at in self._index.positions(_string_hash(value)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CompactStringList | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compares like a list, which is unhashable


class _StringLists:
    """Lists of strings, one per entry, flattened into one `_Strings`."""

    __slots__ = ("_ends", "_strings")

    def __init__(self, lists: Iterable[list[str]]) -> None:
        lengths: list[int] = []
        flat: list[str] = []
        for strings in lists:
            lengths.append(len(strings))
            flat.extend(strings)
        self._strings = _Strings(flat)
        # Where every list holds one string (lemma_lookup), the string's index is the list's.
        self._ends = None if all(length == 1 for length in lengths) else _offsets(lengths)

    def __len__(self) -> int:
        return len(self._strings) if self._ends is None else len(self._ends) - 1

    def __getitem__(self, index: int) -> list[str]:
        """A new list each time, as a caller may change the one it is given."""
        if self._ends is None:
            return [self._strings[index]]
        return self._strings[int(self._ends[index]) : int(self._ends[index + 1])]


class CompactStringMap(Mapping[str, list[str]]):
    """A read-only dict of string -> list of strings (lemma_exc's exceptions of one part of
    speech), in the original key order."""

    __slots__ = ("_index", "_keys", "_values")

    def __init__(self, data: Mapping[str, list[str]]) -> None:
        self._keys = _Strings(data)
        self._index = _HashIndex(_string_hash(key) for key in data)
        self._values = _StringLists(data.values())

    def _position(self, key: object) -> int | None:
        if not isinstance(key, str):
            return None
        for at in self._index.positions(_string_hash(key)):
            if self._keys[at] == key:
                return at
        return None

    def __getitem__(self, key: str) -> list[str]:
        at = self._position(key)
        if at is None:
            raise KeyError(key)
        return self._values[at]

    def __contains__(self, key: object) -> bool:
        return self._position(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _compact_value(value: Any) -> Any:
    """`value` as a compact store where it is a large enough dict or list of strings, else
    itself."""
    if (
        isinstance(value, dict)
        and all(isinstance(key, str) for key in value)
        and all(_is_string_list(item) for item in value.values())
    ):
        return CompactStringMap(value)
    if _is_string_list(value) and len(value) >= MIN_COMPACT_LIST:
        return CompactStringList(value)
    return value


def _plain_value(value: Any) -> Any:
    """The plain Python value of a compact one (for serialising)."""
    if isinstance(value, CompactStringMap):
        return {key: value[key] for key in value}
    if isinstance(value, CompactStringList):
        return list(value)
    return value


class CompactTable(Mapping[int, Any]):
    """A read-only stand-in for a spaCy `Table`: keys are string hashes (a string key is
    hashed as Table hashes it), values the Table's values, in the Table's order.

    Where every value is a short list of strings (lemma_lookup), they are stored flattened;
    otherwise each value is kept, dicts and long lists of strings (lemma_exc, lemma_index)
    in compact form, so that `in` on them is a binary search, not a new list each time."""

    def __init__(self, table: Table) -> None:
        self.name: str | None = table.name
        self._index = _HashIndex(table.keys())
        self._lists: _StringLists | None = None
        self._objects: tuple[Any, ...] = ()
        if all(
            _is_string_list(value) and len(value) < MIN_COMPACT_LIST for value in table.values()
        ):
            self._lists = _StringLists(table.values())
        else:
            self._objects = tuple(_compact_value(value) for value in table.values())

    def _position(self, key: Any) -> int | None:
        for at in self._index.positions(int(get_string_id(key))):
            return at
        return None

    def _value(self, at: int) -> Any:
        if self._lists is not None:
            return self._lists[at]
        return self._objects[at]

    def __getitem__(self, key: str | int) -> Any:
        at = self._position(key)
        if at is None:
            raise KeyError(int(get_string_id(key)))
        return self._value(at)

    def get(self, key: str | int, default: Any = None) -> Any:
        at = self._position(key)
        return default if at is None else self._value(at)

    def __contains__(self, key: object) -> bool:
        return self._position(key) is not None

    def __iter__(self) -> Iterator[int]:
        return self._index.in_order()

    def __len__(self) -> int:
        return len(self._index)

    def to_dict(self) -> dict[int, Any]:
        """The table as the plain dict a spaCy Table holds."""
        return {key: _plain_value(self._value(at)) for at, key in enumerate(self)}

    def to_table(self) -> Table:
        """A spaCy Table of the same data."""
        return Table.from_dict(self.to_dict(), name=self.name)


class CompactLookups(Lookups):
    """spaCy `Lookups` whose tables are `CompactTable`s. It serialises as plain Lookups (and
    what it reads back is plain Lookups): `nlp.to_bytes` and `nlp.to_disk` work as before."""

    @classmethod
    def from_lookups(cls, lookups: Lookups) -> CompactLookups:
        """The tables of `lookups`, each compacted."""
        compact = cls()
        tables: dict[str, Any] = compact._tables
        for name in lookups.tables:
            tables[name] = CompactTable(lookups.get_table(name))
        return compact

    def to_plain(self) -> Lookups:
        """Plain spaCy Lookups of the same tables."""
        plain = Lookups()
        for name, table in self._tables.items():
            compact: Any = table
            plain.set_table(
                name, compact.to_table() if isinstance(compact, CompactTable) else table
            )
        return plain

    def to_bytes(self, **kwargs: Any) -> bytes:
        return bytes(self.to_plain().to_bytes(**kwargs))


def compact_lookups(nlp: Language) -> Language:
    """Swap the lookup tables of every component of `nlp` that holds spaCy `Lookups` (the
    lemmatizer) for compact ones, in place, and return `nlp`."""
    for _name, component in nlp.pipeline:
        lookups = getattr(component, "lookups", None)
        if isinstance(lookups, Lookups) and not isinstance(lookups, CompactLookups):
            setattr(component, "lookups", CompactLookups.from_lookups(lookups))  # noqa: B010
    return nlp
