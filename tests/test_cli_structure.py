"""The command line's modules import one way, and only what other packages make public."""

from __future__ import annotations

import ast
from pathlib import Path

import propertytriage.cli

CLI = Path(propertytriage.cli.__file__).parent


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import in a file, those inside functions included."""
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((a.name, [], node.lineno) for a in node.names)
    return found


def _cli_graph() -> dict[str, set[str]]:
    modules = {f"propertytriage.cli.{p.stem}" for p in CLI.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module in modules:
        for target, names, _ in _imports(CLI / f"{module.rsplit('.', 1)[1]}.py"):
            candidates = {target} | {f"{target}.{n}" for n in names}
            graph[module] |= candidates & modules
    return graph


def test_the_cli_modules_form_no_import_cycle() -> None:
    graph = _cli_graph()
    assert len(graph) >= 4 and any(graph.values())  # the parse still sees the modules and their imports
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            assert state.get(nxt) != "open", "import cycle: " + " → ".join([*path, node, nxt])
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_the_cli_uses_no_private_name_of_another_package() -> None:
    offences = []
    for path in CLI.glob("*.py"):
        for module, names, line in _imports(path):
            if not module.startswith("propertytriage") or module.startswith("propertytriage.cli"):
                continue
            parts = module.split(".") + names
            if any(part.startswith("_") and not part.startswith("__") for part in parts):
                offences.append(f"{path.name}:{line} from {module} import {', '.join(names)}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # module._helper reached through an attribute
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id not in {"self", "cls"}):
                offences.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    assert not offences, offences
