"""The apps' imports point one way: config wires the apps; news uses projects and registry; projects uses registry;
registry, the core, uses neither; no app imports config. Read from the source with ast, so an import inside a
function counts as much as one at the top."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("registry", "projects", "news", "config")
# What each package may import of the others (itself always).
ALLOWED = {
    "registry": set(),
    "projects": {"registry"},
    "news": {"registry", "projects"},
    "config": {"registry", "projects", "news"},
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {(name.split(".")[0], node.lineno) for name in names}
    return found


def forbidden_imports(package: str) -> list[str]:
    others = set(APPS) - {package} - ALLOWED[package]
    return [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for target, line in sorted(imported_packages(path))
        if target in others
    ]


@pytest.mark.parametrize("package", APPS)
def test_no_import_points_up_or_sideways(package):
    assert forbidden_imports(package) == []


def test_the_check_sees_a_forbidden_arrow(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def later():\n    from news.models import Article\n", encoding="utf-8")
    assert ("news", 2) in imported_packages(module)
