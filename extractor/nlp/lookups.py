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

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import spacy
from spacy.language import Language
from spacy.lookups import Lookups, Table
from spacy.strings import get_string_id
from srsly.msgpack import Unpacker

# spaCy's name for the lemmatizer in its trained pipelines: `load_compact` reads its tables.
LEMMATIZER = "lemmatizer"

# A lemmatizer's tables are made compact from this size of their serialised bytes on. Below
# it, compacting saves little and costs start-up: English's tables (1 MB on disk) take
# about 4 MB as spaCy's dicts and 50 ms to compact at every load; French's (9.6 MB) take
# about 110 MB as dicts and 13 MB compact.
COMPACT_FROM_BYTES = 4 * 1024 * 1024

# A list of strings inside a table is stored compactly from this length on; shorter ones
# (lemma_rules' [suffix, replacement] pairs) stay Python objects.
MIN_COMPACT_LIST = 64


def _is_string_list(value: Any) -> bool:
    """Whether `value` is a list of strings (the value type of lemma_lookup and lemma_exc)."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _offsets(ends: array[int]) -> npt.NDArray[np.uint32] | npt.NDArray[np.uint64]:
    """Offsets collected in an array('Q') as a numpy array: uint32 where they fit, as they
    do for every table of spaCy's pipelines."""
    offsets = np.frombuffer(ends, dtype=np.uint64)
    return offsets.astype(np.uint32) if offsets[-1] < 2**32 else offsets.copy()


class _Blob:
    """Strings collected one at a time into one UTF-8 blob and the offsets where they end."""

    def __init__(self) -> None:
        self.blob = bytearray()
        self.ends = array("Q", [0])

    def add(self, text: str) -> None:
        self.blob += text.encode("utf-8")
        self.ends.append(len(self.blob))

    def __len__(self) -> int:
        return len(self.ends) - 1


class _Strings(Sequence[str]):
    """Strings in order, held as one UTF-8 blob and the offset where each one ends."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, strings: Iterable[str] | _Blob) -> None:
        if not isinstance(strings, _Blob):
            collected = _Blob()
            for text in strings:
                collected.add(text)
            strings = collected
        self._blob = bytes(strings.blob)
        self._ends = _offsets(strings.ends)

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

    def __init__(self, strings: _Blob, list_ends: array[int]) -> None:
        self._strings = _Strings(strings)
        ends = _offsets(list_ends)
        # Where every list holds one string (lemma_lookup), the string's index is the list's.
        one_each = len(ends) == len(strings) + 1 and bool(np.all(np.diff(ends) == 1))
        self._ends = None if one_each else ends

    def __len__(self) -> int:
        return len(self._strings) if self._ends is None else len(self._ends) - 1

    def __getitem__(self, index: int) -> list[str]:
        """A new list each time, as a caller may change the one it is given."""
        if self._ends is None:
            return [self._strings[index]]
        return self._strings[int(self._ends[index]) : int(self._ends[index + 1])]


def _string_lists(lists: Iterable[list[str]]) -> _StringLists:
    """`lists` as one `_StringLists`."""
    strings = _Blob()
    list_ends = array("Q", [0])
    for texts in lists:
        for text in texts:
            strings.add(text)
        list_ends.append(len(strings))
    return _StringLists(strings, list_ends)


class CompactStringMap(Mapping[str, list[str]]):
    """A read-only dict of string -> list of strings (lemma_exc's exceptions of one part of
    speech), in the original key order."""

    __slots__ = ("_index", "_keys", "_values")

    def __init__(self, data: Mapping[str, list[str]]) -> None:
        self._keys = _Strings(data)
        self._index = _HashIndex(_string_hash(key) for key in data)
        self._values = _string_lists(data.values())

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
        self._fill(table.items())

    @classmethod
    def from_items(cls, name: str | None, items: Iterable[tuple[Any, Any]]) -> CompactTable:
        """A table of `items` (key, value) read one at a time, so that they need never all
        be held as Python objects at once."""
        compact = cls.__new__(cls)
        compact.name = name
        compact._fill(items)
        return compact

    def _fill(self, items: Iterable[tuple[Any, Any]]) -> None:
        hashes = array("Q")
        strings = _Blob()
        list_ends = array("Q", [0])
        objects: list[Any] | None = None
        for key, value in items:
            hashes.append(int(get_string_id(key)))
            if objects is None and _is_string_list(value) and len(value) < MIN_COMPACT_LIST:
                for text in value:
                    strings.add(text)
                list_ends.append(len(strings))
                continue
            if objects is None:  # a value of another kind: keep each value, as it comes
                lists = _StringLists(strings, list_ends)
                objects = [lists[at] for at in range(len(lists))]
            objects.append(_compact_value(value))
        self._index = _HashIndex(hashes)
        self._lists = _StringLists(strings, list_ends) if objects is None else None
        self._objects: tuple[Any, ...] = tuple(objects or ())

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

    def from_bytes(self, bytes_data: bytes, **kwargs: Any) -> CompactLookups:
        """Read the bytes of plain Lookups (`to_bytes`, a pipeline's lookups.bin) straight
        into compact tables, one entry at a time (as srsly.msgpack_loads decodes them): the
        tables are never whole as Python dicts, which would raise the process's peak by the
        ~110 MB the compact tables save."""
        unpacker = Unpacker(
            raw=False, use_list=True, strict_map_key=False, max_buffer_size=len(bytes_data) + 1
        )
        unpacker.feed(bytes_data)
        tables: dict[str, Any] = {}
        for _ in range(unpacker.read_map_header()):
            name = unpacker.unpack()
            entries = unpacker.read_map_header()
            items = ((unpacker.unpack(), unpacker.unpack()) for _ in range(entries))
            tables[name] = CompactTable.from_items(name, items)
        self._tables = tables
        return self


def load_compact(name: str | Path) -> Language:
    """`spacy.load(name)` with the lemmatizer's tables read straight into compact ones where
    they are big enough to be worth it (COMPACT_FROM_BYTES).

    The pipeline is loaded without its lemmatizer, which is then added back where it was,
    with its own settings, reading its lookups.bin with `CompactLookups.from_bytes`. Where
    the pipeline has no lemmatizer of that name or it is not as expected, this is spaCy's
    own load followed by `compact_lookups`."""
    nlp = spacy.load(name, exclude=[LEMMATIZER])
    path = nlp.path
    config_file = None if path is None else Path(path) / "config.cfg"
    if config_file is None or not config_file.exists():
        return compact_lookups(spacy.load(name))
    config = spacy.util.load_config(config_file)
    pipeline = list(config["nlp"]["pipeline"])
    if LEMMATIZER not in pipeline:
        return compact_lookups(nlp)
    settings = dict(config["components"][LEMMATIZER])
    factory = settings.pop("factory", None)
    lookups_file = Path(path) / LEMMATIZER / "lookups" / "lookups.bin"
    if factory is None or not lookups_file.exists():
        return compact_lookups(spacy.load(name))
    later = [
        other
        for other in pipeline[pipeline.index(LEMMATIZER) + 1 :]
        if other in nlp.component_names
    ]
    lemmatizer = nlp.add_pipe(
        factory, name=LEMMATIZER, config=settings, before=later[0] if later else None
    )
    data = lookups_file.read_bytes()
    lookups = CompactLookups() if len(data) >= COMPACT_FROM_BYTES else Lookups()
    setattr(lemmatizer, "lookups", lookups.from_bytes(data))  # noqa: B010
    if LEMMATIZER in config["nlp"].get("disabled", []):
        nlp.disable_pipe(LEMMATIZER)
    return nlp


def compact_lookups(nlp: Language) -> Language:
    """Swap the lookup tables of every component of `nlp` that holds spaCy `Lookups` (the
    lemmatizer) of COMPACT_FROM_BYTES or more for compact ones, in place, and return `nlp`."""
    for _name, component in nlp.pipeline:
        lookups = getattr(component, "lookups", None)
        if (
            isinstance(lookups, Lookups)
            and not isinstance(lookups, CompactLookups)
            and len(lookups.to_bytes()) >= COMPACT_FROM_BYTES
        ):
            setattr(component, "lookups", CompactLookups.from_lookups(lookups))  # noqa: B010
    return nlp
