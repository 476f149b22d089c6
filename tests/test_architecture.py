"""The shape of the code, measured from its import graph (grimp, import-linter's) and its files: no import
circles, a short list of top-level modules in recommendations/, no module over 400 lines but models and
migrations. The layers themselves are import-linter's contract in pyproject.toml (`make lint`)."""

from pathlib import Path

import grimp
from django.conf import settings

PACKAGES = ("core", "states", "recommendations", "upr_tracker")
MAX_LINES = 400


def import_graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or not (strongly connected components, Tarjan)."""
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    edges = {
        m: sorted(t for t in graph.find_modules_directly_imported_by(m) if ".migrations" not in t) for m in modules
    }
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others():
    assert circles(import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.d", imported="a.b")
    assert circles(graph) == [["a.b", "a.c"]]


def test_recommendations_has_a_short_list_of_top_level_modules():
    top = sorted(path.name for path in (Path(settings.BASE_DIR) / "recommendations").glob("*.py"))
    assert top == ["__init__.py", "apps.py", "permissions.py"]


def test_no_module_is_over_400_lines_but_models_and_migrations():
    """Settings stay one module (STYLE.md: one module, driven by the environment), long as it is."""
    long = []
    for package in PACKAGES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            parts = path.relative_to(settings.BASE_DIR).parts
            if "migrations" in parts or "models" in parts or path.name == "settings.py":
                continue
            lines = len(path.read_text().splitlines())
            if lines > MAX_LINES:
                long.append(f"{'/'.join(parts)}: {lines}")
    assert long == []
