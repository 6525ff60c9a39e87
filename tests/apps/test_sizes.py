"""Every module of the apps stays readable: no file over 500 lines, no function over 80.

Checked on every app, including those added later; a failure names each file and function over the
limit, with its length, so it can be split by concern (a package, as resolution's services are).
"""

from __future__ import annotations

import ast
from pathlib import Path

import socmap.apps

APPS = Path(socmap.apps.__file__).resolve().parent
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return sorted(p for p in APPS.rglob("*.py") if "migrations" not in p.relative_to(APPS).parts)


def _name(path: Path) -> str:
    return str(path.relative_to(APPS.parent.parent))


def test_no_file_in_the_apps_is_over_500_lines() -> None:
    over = []
    for path in _modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_FILE_LINES:
            over.append(f"{_name(path)}: {lines} lines")
    assert not over, f"Files over {MAX_FILE_LINES} lines (split them by concern):\n" + "\n".join(over)


def test_no_function_in_the_apps_is_over_80_lines() -> None:
    over = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    over.append(f"{_name(path)}:{node.lineno} {node.name}(): {length} lines")
    assert not over, f"Functions over {MAX_FUNCTION_LINES} lines (split them):\n" + "\n".join(over)
