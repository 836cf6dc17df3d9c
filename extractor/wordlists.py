"""Word lists by language: the English ones of each component, with a language's own
(extractor/data/lang/LANG.json) put in their place where that language has them.

A language file has a section per component ("claims", "examples"); each list in it
replaces the English list of the same name, and a group of lists ("statistic": {...})
replaces those of its lists it names, keeping the rest (thresholds, weights and spaCy
labels shared by every language). English has no file: its lists are the components' own.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def language_lists(language: str | None, component: str) -> dict[str, Any]:
    """The lists `component` has in `language`'s file, or {} (English, or no file)."""
    if not language:
        return {}
    path = resources.files("extractor") / "data" / "lang" / f"{language}.json"
    if not path.is_file():
        return {}
    section: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get(component, {})
    return section


def every_language(component: str, key: str) -> frozenset[str]:
    """The words of list `key` of `component` in every language file (for words that say
    the same whatever pipeline reads the page, such as a section heading)."""
    folder = resources.files("extractor") / "data" / "lang"
    words: set[str] = set()
    for path in folder.iterdir():
        if path.name.endswith(".json"):
            section = json.loads(path.read_text(encoding="utf-8")).get(component, {})
            words.update(section.get(key, ()))
    return frozenset(words)


def with_language(base: dict[str, Any], language: str | None, component: str) -> dict[str, Any]:
    """`base` (a component's English data) with `language`'s lists in place of its own."""
    lists = language_lists(language, component)
    if not lists:
        return base
    merged = dict(base)
    for key, value in lists.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged
