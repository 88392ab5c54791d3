"""The house's rules: import-linter's contracts (pyproject.toml), no import cycle, at most three
loose modules at the package root, no module over 500 lines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run(
        [exe, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def test_import_contracts_hold() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout, result.stdout


PACKAGE = ROOT / "src" / "narrator_app"


def _import_cycles() -> list[list[str]]:
    """Groups of narrator_app modules that import each other at run time (scripts/check_import_cycles.py:
    grimp's graph without the imports under TYPE_CHECKING, imports inside functions kept)."""
    import importlib.util

    import grimp

    spec = importlib.util.spec_from_file_location(
        "check_import_cycles", ROOT / "scripts" / "check_import_cycles.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    graph = grimp.build_graph("narrator_app", exclude_type_checking_imports=True, cache_dir=None)
    found: list[list[str]] = script.cycles(graph)
    return found


def test_no_module_imports_itself_round_a_cycle() -> None:
    assert _import_cycles() == []


def test_the_package_root_holds_at_most_three_loose_modules() -> None:
    loose = sorted(
        path.name for path in PACKAGE.glob("*.py") if path.name not in {"__init__.py", "__main__.py"}
    )
    assert len(loose) <= 3, loose


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}
