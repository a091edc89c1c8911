"""The packages are layers that point one way, checked from the source (issue 7, point 10).

A package may import from its own layer and the layers below it, never above: the models know
nothing of scoring or the engine, scoring and the engine share the rule host instead of importing
each other. No module reaches into another package's private (``_name``) helpers. Imports inside
functions count too: a late import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import propertytriage

SOURCE = Path(propertytriage.__file__).parent

LAYERS = ["gcpause", "lazynames", "errors", "outputs", "jsonstream", "jsonio", "models", "ruledata", "rulehost", "scoring", "engine", "rendering", "reporting", "sheets", "ledger", "web", "cli"]
"""Lowest first. The package root (``propertytriage/__init__.py``) sits above them all."""


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports() -> list[tuple[str, str, str, list[str], int]]:
    """(importing package, its file, imported module, names imported, line) for every import."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE.parent)
        parts = relative.with_suffix("").parts
        own = parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] != "__init__") else ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((own, str(relative), node.module, [a.name for a in node.names],
                              node.lineno))
            elif isinstance(node, ast.Import):
                found += [(own, str(relative), a.name, [], node.lineno) for a in node.names]
    return found


def _rank(package: str) -> int:
    return LAYERS.index(package) if package in LAYERS else len(LAYERS)


def test_every_package_is_a_known_layer() -> None:
    packages = {p.name for p in SOURCE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in SOURCE.glob("*.py") if p.stem != "__init__"}
    assert packages | modules <= set(LAYERS), sorted((packages | modules) - set(LAYERS))


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for own, path, module, _names, line in _imports():
        if not module.startswith("propertytriage"):
            continue
        target = _package(module)
        if own and _rank(target) > _rank(own):
            wrong.append(f"{path}:{line} ({own}) imports {module} ({target or 'the package root'})")
    assert not wrong, "\n".join(wrong)


def test_no_private_helper_crosses_a_package() -> None:
    wrong = []
    for own, path, module, names, line in _imports():
        if module.startswith("propertytriage") and _package(module) != own:
            wrong += [f"{path}:{line} imports {name} from {module}"
                      for name in names if name.startswith("_")]
    assert not wrong, "\n".join(wrong)


def test_the_models_do_not_know_scoring_or_the_engine() -> None:
    """Spelled out for the case this check was written for: the history model lives in models."""
    for own, path, module, _names, _line in _imports():
        if own == "models" and module.startswith("propertytriage."):
            assert _package(module) in ("lazynames", "errors", "models"), (path, module)
