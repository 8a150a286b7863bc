"""Guards on the package's shape: no import cycle, one exception module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "oracle_node"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, at any depth (function-level imports too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path of module names, or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            # A package's __init__ importing its own submodules is not a cycle of layers.
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_every_exception_class_lives_in_the_exceptions_module():
    stray = []
    for name, path in _modules().items():
        if name == "oracle_node.exceptions":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception"))
                for base in node.bases
            ):
                stray.append(f"{name}.{node.name}")
    assert stray == []


def test_every_exception_derives_from_the_root_and_is_drawn_in_the_docstring():
    from oracle_node import exceptions

    classes = [
        value
        for value in vars(exceptions).values()
        if isinstance(value, type) and issubclass(value, BaseException)
    ]
    assert len(classes) > 20
    for cls in classes:
        assert issubclass(cls, exceptions.OracleError), cls
        assert cls.__name__ in (exceptions.__doc__ or ""), f"{cls.__name__} is not in the tree"


def _layer(module: str) -> str:
    """``oracle_node.node.runner`` -> ``oracle_node.node``; top-level modules stand alone."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_subpackages_form_layers_without_a_cycle():
    """A lower layer never imports a higher one: ``node`` does not reach back into ``api``."""
    layers: dict[str, set[str]] = {}
    for module, edges in import_graph().items():
        layer = _layer(module)
        layers.setdefault(layer, set()).update(_layer(e) for e in edges if _layer(e) != layer)
    assert find_cycle(layers) is None


def test_the_chain_layer_imports_nothing_from_circuits_or_protocol_operations():
    """``chain/`` is web3 plumbing under ``protocol/`` (which knows circuits and deploys them)."""
    reaching_up = {
        f"{module} -> {edge}"
        for module, edges in import_graph().items()
        if module.startswith("oracle_node.chain")
        for edge in edges
        if edge.startswith(("oracle_node.circuits", "oracle_node.protocol"))
    }
    assert reaching_up == set()
