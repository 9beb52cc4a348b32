"""The product's import graph: no cycles, and the stages import only the stages before them.

Read from the source with `ast` (nothing is imported), counting imports inside functions too: a
lazy import still ties the two modules together.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_PACKAGES = ("pipelines", "warehouse", "nlp")

# Data-flow order: a stage may import its own modules and any stage listed before it.
STAGE_ORDER = (
    "pipelines.config",
    "pipelines.shared",
    "pipelines.ingest",
    "pipelines.measures",
    "pipelines.disclosure",
    "pipelines.publish",
    "nlp",
    "pipelines.report",
    "pipelines.orchestration",
    "pipelines.cli",
)
# The stages after ingest work from the warehouse: none reaches back into the loaders (what they
# share with them, such as periods and reference data, lives in pipelines.shared or warehouse/).
WAREHOUSE_READERS = ("pipelines.measures", "pipelines.disclosure", "pipelines.publish", "nlp", "pipelines.report")
# Sample data stands apart: built from the contract and reference data, used only by the CLI's demo.
SAMPLES = "pipelines.samples"
SAMPLES_MAY_IMPORT = ("pipelines.config", "pipelines.shared", SAMPLES)
SAMPLES_USED_BY = ("pipelines.cli", SAMPLES)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PRODUCT_PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def imported_modules(path: Path, modules: dict[str, Path]) -> set[str]:
    """Product modules `path` imports; `from package import name` counts as the module `name` when there is one."""
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {name for name in found if name in modules and name != this}


def import_graph() -> dict[str, set[str]]:
    modules = product_modules()
    return {name: imported_modules(path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            successor = next(stack[-1], None)
            if successor is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif successor in on_path:
                return path[path.index(successor):] + [successor]
            elif successor not in done:
                path.append(successor)
                on_path.add(successor)
                stack.append(iter(sorted(graph[successor])))
    return None


def stage_of(module: str) -> str | None:
    for stage in (*STAGE_ORDER, SAMPLES):
        if module == stage or module.startswith(stage + "."):
            return stage
    return None


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    violations = []
    for importer, imported in sorted(graph.items()):
        importer_stage = stage_of(importer)
        for target in sorted(imported):
            target_stage = stage_of(target)
            if target_stage is None or importer_stage is None:
                continue
            if target_stage == SAMPLES:
                allowed = importer_stage in SAMPLES_USED_BY
            elif importer_stage == SAMPLES:
                allowed = target_stage in SAMPLES_MAY_IMPORT
            elif importer_stage in WAREHOUSE_READERS and target_stage == "pipelines.ingest":
                allowed = False
            else:
                allowed = STAGE_ORDER.index(target_stage) <= STAGE_ORDER.index(importer_stage)
            if not allowed:
                violations.append(f"{importer} -> {target}")
    return violations


def test_every_pipelines_and_nlp_module_belongs_to_a_stage():
    assert [m for m in product_modules() if m not in PRODUCT_PACKAGES and not m.startswith("warehouse")
            and stage_of(m) is None] == []


def test_the_product_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_stages_import_only_the_stages_before_them():
    assert layer_violations(import_graph()) == []


def test_the_checks_see_a_cycle_and_a_backward_import():
    # The checks themselves, on a made-up graph: a test that could not fail would prove nothing.
    graph = {"pipelines.ingest.a": {"pipelines.orchestration.b"}, "pipelines.orchestration.b": {"pipelines.ingest.a"}}
    assert find_cycle(graph) == ["pipelines.ingest.a", "pipelines.orchestration.b", "pipelines.ingest.a"]
    assert layer_violations(graph) == ["pipelines.ingest.a -> pipelines.orchestration.b"]
    assert layer_violations({"pipelines.samples.x": {"pipelines.ingest.a"}, "pipelines.ingest.a": set()}) == [
        "pipelines.samples.x -> pipelines.ingest.a"]
    assert layer_violations({"pipelines.publish.c": {"pipelines.ingest.a"}, "pipelines.ingest.a": set()}) == [
        "pipelines.publish.c -> pipelines.ingest.a"]


@pytest.mark.parametrize(("importer", "imported"), [
    ("pipelines.cli", "pipelines.orchestration.flow"),  # `from pipelines.orchestration import flow`, inside a command
    ("nlp.comments", "pipelines.disclosure.suppression"),  # `from pipelines.disclosure import suppression as disclosure`
])
def test_the_graph_sees_lazy_and_aliased_imports_of_modules(importer, imported):
    assert imported in import_graph()[importer]
