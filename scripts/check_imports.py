#!/usr/bin/env python3
"""Check that our apps import each other in one direction only.

    python scripts/check_imports.py          # the repository this script is in
    python scripts/check_imports.py DIR      # another tree with the same layout

Reads (with `ast`, importing nothing) every module of each app package,
migrations aside, and fails listing each import of another app that the
layout does not allow:

    core        imports none of our apps (small shared pieces)
    accounts    core (the foundation: people, roles, audit log)
    cases       accounts, core
    petitions   accounts, core, cases
    organisers  accounts, core, cases, petitions (the organiser-facing pages)
    config      every app, but organisers only from config/urls.py

Imports inside functions count too. Tests, bench/ and scripts/ are not apps.
"""

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "accounts": frozenset({"core"}),
    "cases": frozenset({"accounts", "core"}),
    "petitions": frozenset({"accounts", "core", "cases"}),
    "organisers": frozenset({"accounts", "core", "cases", "petitions"}),
    "config": frozenset({"accounts", "core", "cases", "petitions", "organisers"}),
}
APPS = frozenset(ALLOWED)
# Nothing builds on the organiser pages; only the URL map mounts them.
MAY_IMPORT_ORGANISERS = frozenset({Path("config/urls.py")})


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, dotted module name) of each absolute import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        # Relative imports (level > 0) stay inside their own package.


def app_modules(root: Path) -> Iterator[tuple[str, Path]]:
    for app in sorted(APPS):
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.relative_to(root).parts:
                yield app, path


def violations(root: Path) -> list[str]:
    found = []
    for app, path in app_modules(root):
        relative = path.relative_to(root)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
        except SyntaxError as error:
            found.append(f"{relative}:{error.lineno}: cannot be read: {error.msg}")
            continue
        for line, module in imported_modules(tree):
            other = module.split(".")[0]
            if other not in APPS or other == app:
                continue
            if other not in ALLOWED[app]:
                allowed = ", ".join(sorted(ALLOWED[app])) or "none of our apps"
                found.append(f"{relative}:{line}: {app} imports {module} ({app} may import {allowed})")
            elif other == "organisers" and relative not in MAY_IMPORT_ORGANISERS:
                found.append(f"{relative}:{line}: imports {module} (only config/urls.py may import organisers)")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    problems = violations(root)
    for problem in problems:
        sys.stderr.write(problem + "\n")
    if problems:
        sys.stderr.write(f"{len(problems)} import(s) against the layout (scripts/check_imports.py).\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
