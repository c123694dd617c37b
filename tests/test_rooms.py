"""House rules beside the import contracts: no import cycle anywhere, no module over 400 lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

ROOT = Path(__file__).parents[1]
PACKAGES = ("fieldcore", "fieldkit", "sync", "fieldapp", "headoffice", "themes", "content")
# Every Python file of the project's own, tests and benchmarks included.
FOLDERS = (*PACKAGES, "tests", "bench", "docs")
MOST_LINES = 400


def cycles(imports: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Each group of modules that import one another round in a circle (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(imports):
        if start in index:
            continue
        # Iterative depth-first search: the graph is deep enough to trouble recursion.
        work = [(start, iter(sorted(imports.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1 or node in imports.get(node, ()):
                        found.append(sorted(group))
    return sorted(found)


def squashed(imports: Mapping[str, Iterable[str]], depth: int) -> dict[str, set[str]]:
    """The same imports between packages `depth` names deep (1: the top-level packages)."""
    merged: dict[str, set[str]] = {}
    for importer, imported in imports.items():
        source = ".".join(importer.split(".")[:depth])
        targets = merged.setdefault(source, set())
        for target in imported:
            if (name := ".".join(target.split(".")[:depth])) != source:
                targets.add(name)
    return merged


def project_imports() -> dict[str, set[str]]:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def test_the_cycle_finder_finds_a_cycle():
    # The rule below must be able to fail: a known circle is found, a line is not.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []
    assert squashed({"p.x": {"q.y"}, "q.z": {"p.w"}}, 1) == {"p": {"q"}, "q": {"p"}}


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(project_imports()) == []


def test_no_package_imports_one_that_imports_it_back():
    imports = project_imports()
    # Top-level packages, then their rooms, then rooms within rooms, down to the deepest.
    deepest = max(len(module.split(".")) for module in imports)
    for depth in range(1, deepest):
        assert cycles(squashed(imports, depth)) == [], f"at depth {depth}"


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert long == {}
