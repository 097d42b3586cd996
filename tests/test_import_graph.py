"""The import graph of ``tinyscore`` and ``kernels`` has no cycle, checked from the source.

Why it matters: a cycle means neither module can be read (or imported, or tested) without the
other, and at module level it means one of them sees the other half-initialised. The layers of
docs/design.md, section 1, are only real if the imports between them run one way.

How the graph is built. Every ``.py`` file under ``tinyscore/`` and ``kernels/`` is parsed with
``ast`` (nothing is imported). Each ``import`` / ``from ... import`` statement that names a module of
these packages is an edge from the importing module to the module it names:

* ``from . import x`` and ``from pkg import x`` point at the submodule ``pkg.x`` when there is one,
  otherwise at ``pkg`` itself (its ``__init__``: ``from . import __version__`` depends on it);
* imports inside functions -- the lazy imports used to keep start-up short -- count exactly like
  module-level ones. Laziness changes *when* a module is loaded, not *that* the two modules
  depend on each other: a cycle through a lazy import still ties the two modules together, and
  making that import eager one day would turn it into an import-time failure. Each edge records
  whether it is lazy, so a failure message says which kind closes the cycle;
* imports under ``if TYPE_CHECKING:`` never run and are not edges;
* the implicit import of a parent package (importing ``tinyscore.core.nets`` first initialises
  ``tinyscore``) is not an edge: Python initialises a package before its submodules by design,
  and counting it would make every package that re-exports its submodules (``kernels``) a cycle.

The cycle finder (Tarjan's strongly connected components, then one concrete cycle inside each
component) is itself tested on small synthetic graphs, so this test can fail.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tinyscore", "kernels")


class Edge(NamedTuple):
    """One import statement: ``source`` imports ``target`` at ``line`` (``lazy``: inside a function)."""
    source: str
    target: str
    line: int
    lazy: bool


# ----------------------------------------------------------------------------- reading the source


def module_files(root: Path = ROOT, packages=PACKAGES) -> Dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file of the packages."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_statements(tree: ast.AST):
    """Yield (statement, lazy) for every import that runs, skipping ``if TYPE_CHECKING:`` blocks."""
    def visit(node, lazy):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, lazy
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    yield from visit(ast.Module(body=[other], type_ignores=[]), lazy)
            else:
                inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                yield from visit(child, inner)
    yield from visit(tree, False)


def _base_of(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute name that ``from <dots><name> import ...`` starts from."""
    if node.level == 0:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[:len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def _known(name: str, modules) -> Optional[str]:
    """The longest prefix of ``name`` that is one of ``modules`` (``import a.b.c`` loads a.b.c)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def edges_of(module: str, source: str, modules, is_package: bool = False) -> List[Edge]:
    """The intra-package imports of one module's source text."""
    found = []
    for node, lazy in _import_statements(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [_known(alias.name, modules) for alias in node.names]
        else:
            base = _base_of(node, module, is_package)
            # "from base import name": the submodule base.name if there is one, else base itself
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else _known(base, modules)
                       for alias in node.names]
        found += [Edge(module, t, node.lineno, lazy) for t in targets if t is not None and t != module]
    return found


def import_graph(root: Path = ROOT, packages=PACKAGES) -> Dict[str, List[Edge]]:
    """Module -> its outgoing edges, for every module of the packages."""
    files = module_files(root, packages)
    return {name: edges_of(name, path.read_text(encoding="utf-8"), files, path.name == "__init__.py")
            for name, path in files.items()}


# ----------------------------------------------------------------------------- finding cycles


def strongly_connected(graph: Dict[str, List[str]]) -> List[List[str]]:
    """Tarjan's algorithm (iterative): the components with more than one module, or a self-loop."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(set(graph.get(start, ())))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            nxt = next(successors, None)
            if nxt is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph.get(node, ()):
                        out.append(sorted(component))
            elif nxt not in index:
                index[nxt] = low[nxt] = len(index)
                stack.append(nxt)
                on_stack.add(nxt)
                work.append((nxt, iter(sorted(set(graph.get(nxt, ()))))))
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
    return out


def cycle_in(component: List[str], graph: Dict[str, List[str]]) -> List[str]:
    """One concrete cycle [a, b, ..., a] through the first module of a component (shortest, by BFS)."""
    inside = set(component)
    start = component[0]
    parent = {start: None}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(set(graph.get(node, ()))):
                if nxt == start:  # walk back from node to start, then close the loop
                    path = [node]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])
                    return path[::-1] + [start]
                if nxt in inside and nxt not in parent:
                    parent[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {start} inside {component}")


def find_cycles(graph: Dict[str, List[str]]) -> List[List[str]]:
    """One cycle per strongly connected component; [] when the graph is acyclic."""
    return [cycle_in(component, graph) for component in strongly_connected(graph)]


def describe(cycle: List[str], edges: Dict[str, List[Edge]]) -> str:
    """'a -> b (a.py line 3, lazy) -> a (b.py line 9)': which statements close the cycle."""
    steps = [cycle[0]]
    for a, b in zip(cycle, cycle[1:]):
        edge = next(e for e in edges[a] if e.target == b)
        kind = ", inside a function" if edge.lazy else ""
        steps.append(f"-> {b} ({a} line {edge.line}{kind})")
    return " ".join(steps)


# ----------------------------------------------------------------------------- the tests


def test_finder_detects_planted_cycles():
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": [], "e": ["e"], "f": ["g"], "g": ["f"]}
    cycles = find_cycles(graph)
    assert sorted(c[0] for c in cycles) == ["a", "e", "f"]
    for cycle in cycles:
        assert cycle[0] == cycle[-1]
        assert all(b in graph[a] for a, b in zip(cycle, cycle[1:]))
    assert find_cycles({"a": ["b", "c"], "b": ["c"], "c": [], "d": ["a"]}) == []


def test_finder_reports_the_shortest_cycle_through_a_module():
    graph = {"a": ["b", "x"], "b": ["c"], "c": ["a"], "x": ["a"]}
    assert find_cycles(graph) == [["a", "x", "a"]]


def test_edges_resolve_relative_lazy_and_type_checking_imports():
    modules = {"pkg", "pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "import os\n"
        "from . import b\n"
        "from . import c\n"
        "from .. import __version__\n"
        "from ..a import thing\n"
        "if TYPE_CHECKING:\n"
        "    from pkg import b\n"
        "def f():\n"
        "    import pkg.b.nothing\n"
    )
    edges = edges_of("pkg.sub.d", source, modules)
    assert [(e.target, e.line, e.lazy) for e in edges] == [
        ("pkg.sub", 3, False),  # b is no module: a name defined in pkg.sub's __init__
        ("pkg.sub.c", 4, False),
        ("pkg", 5, False),
        ("pkg.a", 6, False),
        ("pkg.b", 10, True),
    ]
    assert [e.target for e in edges_of("pkg.sub", "from . import c\nfrom .. import a\n", modules, True)] == [
        "pkg.sub.c", "pkg.a"]


def test_planted_lazy_cycle_is_found_in_source(tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "__init__.py").write_text("")
    (tmp_path / "toy" / "low.py").write_text("def f():\n    from .high import g\n")
    (tmp_path / "toy" / "high.py").write_text("from .low import f\n")
    edges = import_graph(tmp_path, ("toy",))
    graph = {m: [e.target for e in es] for m, es in edges.items()}
    (cycle,) = find_cycles(graph)
    assert describe(cycle, edges) == ("toy.high -> toy.low (toy.high line 1) "
                                      "-> toy.high (toy.low line 2, inside a function)")


def test_tinyscore_and_kernels_have_no_import_cycle():
    edges = import_graph()
    assert "tinyscore.core.nets" in edges and "kernels.dispatch" in edges  # the graph was really read
    graph = {m: [e.target for e in es] for m, es in edges.items()}
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(describe(c, edges) for c in cycles)


def test_kernels_import_nothing_from_tinyscore():
    edges = import_graph()
    wrong = [e for es in edges.values() for e in es if e.source.startswith("kernels") and e.target.startswith("tinyscore")]
    assert not wrong, wrong
