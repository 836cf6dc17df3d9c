"""The arrows of the package point one way: the orchestrator imports the components, and
the components import only what lies below them (shared types, model, pages, text)."""

from __future__ import annotations

import ast
from pathlib import Path

import extractor

PACKAGE = Path(extractor.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The extractor modules a file imports anywhere (top level, in functions, or only for
    type checking: each is an arrow of the design)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from extractor.nlp import claims` imports the submodule extractor.nlp.claims
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {name: imported_modules(path, known) - {name} for name, path in paths.items()}


def cycles_through(graph: dict[str, set[str]], start: str) -> list[list[str]]:
    """Every simple import path that leaves `start` and comes back to it."""
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for following in sorted(graph.get(node, ())):
            if following == start:
                found.append([*path, start])
            elif following not in path:
                walk(following, [*path, following])

    walk(start, [start])
    return found


def test_graph_reads_known_arrows() -> None:
    graph = import_graph()
    assert "extractor.nlp.claims" in graph["extractor.extract"]
    assert "extractor.nlp.types" in graph["extractor.nlp.citations"]


def test_no_component_imports_the_orchestrator() -> None:
    graph = import_graph()
    components = [name for name in graph if name.startswith("extractor.nlp")]
    assert components
    for name in components:
        assert "extractor.extract" not in graph[name], name


def test_each_item_type_lives_in_one_module_under_nlp() -> None:
    """A component and its document-level collector share a module: no collector sits
    beside the orchestrator (examples were split between extractor/ and extractor/nlp/)."""
    graph = import_graph()
    assert "extractor.examples" not in graph
    assert "extractor.nlp.examples" in graph["extractor.extract"]


def test_no_import_cycle_through_the_orchestrator() -> None:
    assert cycles_through(import_graph(), "extractor.extract") == []


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles_through(graph, "a") == [["a", "b", "c", "a"]]
    assert cycles_through(graph, "d") == []
