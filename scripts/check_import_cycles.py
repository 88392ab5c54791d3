"""Import cycles between Narrator's modules, with grimp (installed with import-linter).

Run-time imports only by default (imports under `if TYPE_CHECKING:` never run); `--all` counts
those too. Prints every cycle (a strongly connected group of modules) and exits 1 if there is one.
    PYTHONPATH=src python scripts/check_import_cycles.py [--all]
"""

from __future__ import annotations

import sys

import grimp


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(module: str) -> None:
        nonlocal counter
        index[module] = low[module] = counter
        counter += 1
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in modules:
        if module not in index:
            visit(module)
    return found


def main() -> int:
    run_time_only = "--all" not in sys.argv
    graph = grimp.build_graph("narrator_app", exclude_type_checking_imports=run_time_only, cache_dir=None)
    # A package "imports" its submodules only where its __init__ says so; grimp already records that.
    found = cycles(graph)
    kind = "run-time" if run_time_only else "run-time and TYPE_CHECKING"
    print(f"{len(graph.modules)} modules, {kind} imports: {len(found)} cycle(s)")
    for group in found:
        print("  cycle: " + " <-> ".join(group))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
