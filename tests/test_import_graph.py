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


# ----------------------------------------------------------------------------- the layers

#: the layers of docs/design.md, section 1, lowest first: a module may import its own layer and the
#: layers below it, never one above. ``base`` is what every layer may read (configuration, the error
#: type, the version, the choice of device); ``core`` is the science a student reads; ``top`` is the
#: public API and glue.
LAYERS = ("base", "core", "storage", "data", "training", "external", "analyses", "study", "top")
BASE = ("tinyscore.config", "tinyscore.errors", "tinyscore.version", "tinyscore.devices")
#: packages that are not named after their layer: the benchmark mixtures (package data) are data
ALIASES = {"benchmarks": "data"}
#: what the core may import from outside the standard library
CORE_THIRD_PARTY = {"numpy", "torch", "kernels", "tinyscore"}


def layer_of(module: str) -> str:
    """The layer of a dotted module name of tinyscore (kernels sit below everything: ``base``)."""
    if module.startswith("kernels") or module in BASE:
        return "base"
    parts = module.split(".")
    if len(parts) > 1 and ALIASES.get(parts[1], parts[1]) in LAYERS:
        return ALIASES.get(parts[1], parts[1])
    return "top"


def upward_imports(edges) -> List[str]:
    """Every import that points from a layer to a layer above it, as readable lines."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    return [f"{e.source} ({layer_of(e.source)}) imports {e.target} ({layer_of(e.target)}), line {e.line}"
            for es in edges.values() for e in es
            if e.source.startswith("tinyscore") and rank[layer_of(e.target)] > rank[layer_of(e.source)]]


def third_party_imports(path: Path) -> set:
    """Top-level names of the packages a file imports (every import that runs, lazy ones too)."""
    import sys
    names = set()
    for node, _ in _import_statements(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "__future__"}


def test_layer_of_reads_the_package():
    assert layer_of("tinyscore.core.models") == "core" and layer_of("tinyscore.storage.files") == "storage"
    assert layer_of("tinyscore.config") == layer_of("kernels.empirical") == "base"
    assert layer_of("tinyscore.api") == layer_of("tinyscore") == "top"


def test_a_planted_upward_import_is_found():
    planted = {"tinyscore.core.x": [Edge("tinyscore.core.x", "tinyscore.storage.files", 3, True)],
               "tinyscore.storage.y": [Edge("tinyscore.storage.y", "tinyscore.core.x", 1, False)]}
    assert upward_imports(planted) == ["tinyscore.core.x (core) imports tinyscore.storage.files (storage), line 3"]


def test_every_module_sits_in_a_layer_and_imports_run_downward():
    edges = import_graph()
    for module in edges:
        if module.startswith("tinyscore.") and module not in BASE:
            package = module.split(".")[1]
            assert ALIASES.get(package, package) in LAYERS or module.count(".") == 1, f"{module} is in no layer"
    wrong = upward_imports(edges)
    assert not wrong, "imports that run up the layers (docs/design.md, section 1):\n" + "\n".join(wrong)


def test_the_core_imports_only_numpy_torch_and_kernels():
    files = sorted((ROOT / "tinyscore" / "core").glob("*.py"))
    assert len(files) >= 10
    wrong = {str(p.relative_to(ROOT)): sorted(third_party_imports(p) - CORE_THIRD_PARTY) for p in files}
    wrong = {k: v for k, v in wrong.items() if v}
    assert not wrong, f"the core imports more than NumPy, torch and kernels: {wrong}"


def test_only_cli_imports_click():
    files = sorted((ROOT / "tinyscore").rglob("*.py")) + sorted((ROOT / "kernels").rglob("*.py"))
    wrong = [str(p.relative_to(ROOT)) for p in files if "click" in third_party_imports(p)]
    assert not wrong, f"click is imported outside cli.py: {wrong}"
    assert "click" in third_party_imports(ROOT / "cli.py")   # the scan sees a real import


def test_the_map_in_design_md_names_every_module():
    """docs/design.md, section 1, is the map of the house: every package and module of the library
    is named there, so a new module cannot arrive without a place on the map."""
    text = (ROOT / "docs" / "design.md").read_text()
    section = text[text.index("## 1. Layout"):text.index("## 2.")]
    words = set(section.replace("/", " ").replace(",", " ").replace("(", " ").replace(")", " ").replace("`", " ")
                .replace(".py", " ").split())
    names = set()
    for path in (ROOT / "tinyscore").rglob("*.py"):
        parts = path.relative_to(ROOT / "tinyscore").with_suffix("").parts
        names |= {p for p in parts if p != "__init__"}
    missing = sorted(names - words)
    assert names and not missing, f"modules missing from docs/design.md section 1: {missing}"
