"""The layers the folders promise: bpmn/ and core/ know nothing of the CLI, the network or the library."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What each layer must not import: the CLI toolkit, HTTP, the web framework and the layers above it.
FORBIDDEN = {
    "bpmn": (
        "click",
        "requests",
        "fastapi",
        "starlette",
        "uvicorn",
        "sqlalchemy",
        "procex.exchange",
        "procex.commands",
        "procex.cli",
    ),
    "core": ("click", "requests", "fastapi", "procex.bpmn", "procex.exchange", "procex.commands", "procex.cli"),
}


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_above(layer):
    wrong = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in sorted((REPO / layer).rglob("*.py"))
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])
    ]
    assert wrong == []


def test_the_check_sees_an_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    import click.testing\n    from procex.exchange.library import package\n")
    assert list(imported_modules(module)) == ["click.testing", "procex.exchange.library"]
