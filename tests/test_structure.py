"""The structure holds (issue 13): read from the source with `ast`, nothing is imported.

- `portal/`, the base every app stands on, imports no domain app, not even inside a function;
- the pure rules (`placement/rules/`, `levy/rules/`) import neither Django nor a project app other
  than the rules they build on;
- no import circle among the project's modules (a task may import its services inside the task
  function: that is how a service enqueues a task that calls it back);
- only the spine (`portal/workflow.py`) and the audit (`portal/audit.py`) pass `from_state=`: every
  other status change goes through the spine."""

import ast
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "employers", "placement", "levy", "insurance", "backoffice")
DOMAIN_APPS = frozenset(APPS) - {"portal"}
# Pure rules may build on these (besides the standard library and anything not Django-bound).
PURE_RULES = {"levy.rules": ("levy.rules",), "placement.rules": ("placement.rules", "levy.rules")}
DJANGO_BOUND = ("django", "rest_framework", "rules", "celery", "drf_spectacular", "django_")
SPINE = {"portal.workflow", "portal.audit"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module, as written and resolved (`from a import b` → "a")
    names: tuple[str, ...]  # `from a import b, c` → ("b", "c"); () for `import a`
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def project_files() -> dict[str, Path]:
    """Every module of the project's apps: dotted name → file."""
    return {_module_name(p): p for app in APPS for p in sorted((ROOT / app).rglob("*.py"))}


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool):
        self.module, self.is_package = module, is_package
        self.depth = 0
        self.imports: list[Import] = []
        self.from_state: list[int] = []

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node):
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for child in node.orelse:  # the body never runs
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node):
        for alias in node.names:
            self.imports.append(Import(self.module, alias.name, (), node.lineno, self.depth > 0))

    def visit_ImportFrom(self, node):
        if node.level:
            package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            target = ".".join([*package, *([node.module] if node.module else [])])
        else:
            target = node.module
        names = tuple(alias.name for alias in node.names)
        self.imports.append(Import(self.module, target, names, node.lineno, self.depth > 0))

    def visit_Call(self, node):
        if any(keyword.arg == "from_state" for keyword in node.keywords):
            self.from_state.append(node.lineno)
        self.generic_visit(node)


@cache
def parsed(module: str) -> _Collector:
    path = project_files()[module]
    collector = _Collector(module, path.name == "__init__.py")
    collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return collector


def _top(name: str) -> str:
    return name.split(".")[0]


def _known(name: str) -> str | None:
    """The project module `name` is, or lies in (`a.b.C` → `a.b`); None outside the project."""
    files = project_files()
    while name and name not in files:
        name = name.rpartition(".")[0]
    return name or None


def edges(imp: Import) -> set[str]:
    """The project modules an import runs: `from a import b` runs a.b when b is a module, else a."""
    if _top(imp.target) not in APPS:
        return set()
    if not imp.names:
        return {m for m in [_known(imp.target)] if m}
    found = set()
    for name in imp.names:
        target = _known(f"{imp.target}.{name}") if name != "*" else None
        if target != f"{imp.target}.{name}":
            target = _known(imp.target)
        if target:
            found.add(target)
    return found


@cache
def import_graph() -> dict[str, set[str]]:
    """module → the project modules it imports, inside functions too (services queue tasks by name,
    portal.jobs, so no exception is needed for tasks)."""
    graph: dict[str, set[str]] = {}
    for module in project_files():
        graph[module] = set()
        for imp in parsed(module).imports:
            graph[module] |= edges(imp) - {module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def one_circle(graph: dict[str, set[str]], members: list[str]) -> list[str]:
    """A shortest path from the first member back to itself inside the component."""
    inside = set(members)
    start = members[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & inside):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return members


def _where(imp: Import) -> str:
    written = f"from {imp.target} import {', '.join(imp.names)}" if imp.names else f"import {imp.target}"
    inside = " (inside a function)" if imp.in_function else ""
    return f"{project_files()[imp.module].relative_to(ROOT)}:{imp.line}: {written}{inside}"


def test_the_scan_sees_the_project():
    """The checks below would pass on an empty scan: make sure they read the real source."""
    graph = import_graph()
    assert len(graph) > 100
    assert "portal.workflow" in graph["portal.documents"]
    assert "placement.rules.grid" in graph["placement.rules.counting"]  # from placement.rules.grid import …
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_portal_imports_no_domain_app():
    offending = [
        _where(imp)
        for module in project_files() if _top(module) == "portal"
        for imp in parsed(module).imports if _top(imp.target) in DOMAIN_APPS
    ]
    assert not offending, (
        "portal/ is the base the apps stand on and imports none of them; let the app register what "
        "portal needs (as employers registers the unit lookup in portal.units):\n" + "\n".join(offending)
    )


def test_pure_rules_import_neither_django_nor_the_apps():
    offending = []
    for module in project_files():
        rules = next((r for r in PURE_RULES if module == r or module.startswith(r + ".")), None)
        if rules is None:
            continue
        for imp in parsed(module).imports:
            target = imp.target
            allowed = any(target == a or target.startswith(a + ".") for a in PURE_RULES[rules])
            django_bound = any(target == d or target.startswith(d if d.endswith("_") else d + ".")
                               for d in DJANGO_BOUND)
            if django_bound or (_top(target) in APPS and not allowed):
                offending.append(_where(imp))
    assert not offending, (
        "The pure rules import nothing from Django or the apps (placement.rules may build on "
        "levy.rules):\n" + "\n".join(offending)
    )


def test_no_import_circle():
    graph = import_graph()
    found = circles(graph)
    report = [
        f"{' → '.join(one_circle(graph, members))}\n    members: {', '.join(members)}" for members in found
    ]
    assert not found, (
        "Import circles among the project's modules (a service queues a task by name with "
        "portal.jobs.enqueue, never by importing the tasks module):\n" + "\n".join(report)
    )


def test_only_the_spine_writes_from_state():
    offending = [
        f"{project_files()[module].relative_to(ROOT)}:{line}"
        for module in project_files() if module not in SPINE
        for line in parsed(module).from_state
    ]
    assert not offending, (
        "A status change's from/to is written by portal.workflow (transition_apply, audit_change), "
        "never by hand:\n" + "\n".join(offending)
    )


def test_no_template_comment_spans_lines():
    """A {# … #} comment ends on its own line, or Django prints it as text (issue 20: the review page
    showed a two-line comment to reviewers); longer notes use {% comment %}."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    open_comments = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.html")
                     for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if line.count("{#") > line.count("#}")]
    assert not open_comments
