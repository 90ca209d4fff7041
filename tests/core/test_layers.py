"""The layers, read from the source: `app/core` imports no feature module, and the packages import no cycle.

Every import counts, also one inside a function: a deferred import hides a
cycle, it does not remove it. An import inside a function says why on its line.
"""
from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
PACKAGES = {path.name for path in APP.iterdir() if (path / "__init__.py").exists()}
# What `app/core` may import besides itself: the extension singletons and the settings.
CORE_MAY_IMPORT = {"app.extensions", "app.config"}

# Upward imports that still close package cycles; each must go (the test fails once one is gone, so the
# list only shrinks). They came with the audit log and 2FA work (issues 8 and 9), merged after the layers.
KNOWN_UPWARD_IMPORTS = {
    ("audit", "auth"): "audit's routes and decorators read the signed-in principal",
    ("audit", "projects"): "audit's routes scope by project, its retention job reads projects",
    ("auth", "projects"): "the 2FA policy (auth.mfa) reads project memberships",
}
# Deferred imports of that same work, each hiding one of the cycles above (file, imported module).
KNOWN_DEFERRED_IMPORTS = {
    ("app/audit/service.py", "app.projects.models"),
    ("app/auth/limits.py", "app.auth.mfa"),
    ("app/auth/mfa.py", "app.projects.models"),
    ("app/auth/oidc.py", "app.auth.service"),
    ("app/auth/principal.py", "app.auth.mfa"),
    ("app/auth/principal.py", "app.auth"),
    ("app/projects/service.py", "app"),
    ("app/projects/service.py", "app.auth"),
}


def _modules():
    for path in sorted(APP.rglob("*.py")):
        yield path, ast.parse(path.read_text(), filename=str(path))


def _imported(node: ast.AST) -> list[str]:
    """The dotted names an import statement brings in (`from a import b` → a, a.b)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def _package(path: Path) -> str | None:
    parts = path.relative_to(APP).parts
    return parts[0] if len(parts) > 1 else None


def _app_package(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "app" and len(parts) > 1 and parts[1] in PACKAGES else None


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package → {imported package → [where]} over every import of every module."""
    graph: dict[str, dict[str, list[str]]] = {name: {} for name in PACKAGES}
    for path, tree in _modules():
        source = _package(path)
        if source is None:
            continue
        for node in ast.walk(tree):
            for name in _imported(node):
                target = _app_package(name)
                if target and target != source:
                    graph[source].setdefault(target, []).append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One cycle of the graph as [a, b, …, a], or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_core_imports_no_feature_module():
    offending = []
    for path, tree in _modules():
        if _package(path) != "core":
            continue
        for node in ast.walk(tree):
            for name in _imported(node):
                if name.startswith("app.") and not name.startswith("app.core") and name not in CORE_MAY_IMPORT \
                        and not any(name.startswith(allowed + ".") for allowed in CORE_MAY_IMPORT):
                    offending.append(f"{path.relative_to(APP.parent)}:{node.lineno} imports {name}")
    assert offending == []


def test_the_package_import_graph_has_no_cycle():
    graph = package_graph()
    still_there = {edge for edge in KNOWN_UPWARD_IMPORTS if edge[1] in graph.get(edge[0], {})}
    assert still_there == set(KNOWN_UPWARD_IMPORTS), "gone (remove from KNOWN_UPWARD_IMPORTS): " \
        f"{set(KNOWN_UPWARD_IMPORTS) - still_there}"
    for source, target in KNOWN_UPWARD_IMPORTS:
        del graph[source][target]
    cycle = find_cycle(graph)
    where = [f"{a} → {b}: {', '.join(graph[a][b][:3])}" for a, b in zip(cycle, cycle[1:])] if cycle else []
    assert cycle is None, "package import cycle:\n" + "\n".join(where)


def test_every_import_inside_a_function_says_why():
    unexplained = []
    for path, tree in _modules():
        lines = path.read_text().splitlines()
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and "#" not in lines[node.lineno - 1]:
                    where = str(path.relative_to(APP.parent))
                    module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    if (where, module) not in KNOWN_DEFERRED_IMPORTS:
                        unexplained.append(f"{where}:{node.lineno}")
    assert unexplained == []


def test_the_cycle_finder_finds_a_cycle():
    """The checker itself: a graph with a cycle is caught, one without is not."""
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {}}) is None


def test_no_route_commits():
    """Routes parse, call one service function and answer; the service owns the transaction (STYLE.md)."""
    committing = []
    for path, tree in _modules():
        if path.name != "routes.py" and not path.name.endswith("_routes.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
                committing.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    assert committing == []
