"""The package's layers, read from its imports (every import, function-level
ones included): no cycle between modules, and no module imports a floor above
its own or a sibling package on its own floor. The floors, bottom up, are the
README's "where things are" table."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "pvverify"

# bottom up; packages (or root modules) on one floor may not import each other
FLOORS: list[tuple[str, ...]] = [
    ("util", "x86", "data"),
    ("verdict",),
    ("kernel", "semantics", "oracle"),
    ("obligation",),
    ("program",),
    ("exploration", "samecallee"),
    ("check",),
    ("conformance",),
    ("gate", "proofs"),
    ("reports",),
    ("cli",),
]
FACE = {"pvverify", "pvverify.__main__"}  # the public face may import anything; nothing imports it
LINE_LIMIT = 450


def modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        parts = p.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package modules it imports, by any import statement."""
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = name.split(".") if is_pkg else name.split(".")[:-1]
                    here = here[: len(here) - (node.level - 1)]
                    base = ".".join([*here, *([node.module] if node.module else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            for t in targets:
                while t and t not in mods and "." in t:
                    t = t.rsplit(".", 1)[0]
                if t in mods and t != name:
                    edges[name].add(t)
    return edges


def floor_of(mod: str) -> tuple[int, str] | None:
    top = mod.split(".")[1] if "." in mod else None
    for i, names in enumerate(FLOORS):
        if top in names:
            return i, top
    return None


MODS = modules()
EDGES = imports(MODS)


def test_every_module_has_a_floor():
    assert [m for m in MODS if m not in FACE and floor_of(m) is None] == []


def test_nothing_imports_upward_or_sideways():
    bad = []
    for a, targets in EDGES.items():
        if a in FACE:
            continue
        fa = floor_of(a)
        for b in targets:
            if b in FACE:
                bad.append(f"{a} -> {b} (the public face)")
                continue
            fb = floor_of(b)
            if fb[0] > fa[0]:
                bad.append(f"{a} -> {b} (floor {fa[1]} imports {fb[1]} above it)")
            elif fb[0] == fa[0] and fb[1] != fa[1]:
                bad.append(f"{a} -> {b} (sideways: {fa[1]} and {fb[1]} share a floor)")
    assert bad == []


def test_no_import_cycle():
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in EDGES[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in EDGES:
        if v not in index:
            visit(v)
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODS))
def test_module_size(name):
    assert len(MODS[name].read_text().splitlines()) <= LINE_LIMIT, f"{name} is over {LINE_LIMIT} lines"


def test_the_checker_sees_function_level_imports(tmp_path):
    """A function-level import counts like a top-level one (they hid the cycles before)."""
    src = "def f():\n    from pvverify.cli import main\n"
    tree = ast.parse(src)
    assert any(isinstance(n, ast.ImportFrom) and n.module == "pvverify.cli" for n in ast.walk(tree))


def test_the_cache_key_digests_every_module_of_the_package(tmp_path, monkeypatch):
    """tool_id() names the model that decided a cached verdict: a change to any module
    (the semantics, not only the plumbing beside the cache) must give another id."""
    import shutil

    from pvverify.util import cache

    copy = tmp_path / "pvverify"
    shutil.copytree(PKG, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "__file__", str(copy / "util" / "cache.py"))
    tool_id = getattr(cache.tool_id, "__wrapped__", cache.tool_id)  # uncached
    before = tool_id()
    f = copy / "semantics" / "flags.py"
    f.write_text(f.read_text() + "\n# a change to the model\n")
    assert tool_id() != before
