#!/usr/bin/env python3
"""Check that our apps depend on each other in one direction only.

    python scripts/check_imports.py          # the repository this script is in
    python scripts/check_imports.py DIR      # another tree with the same layout

Reads (with `ast`, importing nothing) every module of each app package and
fails listing each reach up the layers that the layout does not allow.
Imports, migrations aside:

    core        imports none of our apps (small shared pieces)
    accounts    core (the foundation: people, roles, audit log)
    cases       accounts, core
    petitions   accounts, core, cases
    organisers  accounts, core, cases, petitions (the organiser-facing pages)
    config      every app, but organisers only from config/urls.py

Imports inside functions count too. Tests, bench/ and scripts/ are not apps,
and no app (config included) imports bench/ or names one of its modules.

The schema has the same layers, lowest first (core, accounts, cases,
petitions, organisers, config, bench), and a lower app never reaches a
higher one through it either:
- a model or module string naming a higher app ("petitions.Petition",
  `apps.get_model("petitions", ...)`), in code or in a migration;
- the name of a reverse relation that a higher app's model puts on a lower
  app's model (`user.petition_roles` in accounts), as an attribute or a
  lookup ("petition_roles__role");
- a migration's dependency on a higher app, except in the migrations of
  OLD_MIGRATIONS, written before this check, which keep theirs.
A higher app that needs a lower one to know about it registers with it
instead (accounts.audit_registry, accounts.roles, cases.petition_links).
"""

import ast
import re
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
LAYERS = ("core", "accounts", "cases", "petitions", "organisers", "config", "bench")
# Nothing builds on the organiser pages; only the URL map mounts them.
MAY_IMPORT_ORGANISERS = frozenset({Path("config/urls.py")})
# The user model is Django's, and accounts is the layer that owns it.
USER_MODEL_LAYER = "accounts"
RELATION_FIELDS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})
# Migrations that moved the audit log and invitations from organisers to
# accounts, when accounts still pointed at petitions: they keep their old
# dependencies and model strings, which later migrations removed.
OLD_MIGRATIONS = frozenset({Path("accounts/migrations/0001_initial.py")})


def higher(app: str) -> frozenset[str]:
    return frozenset(LAYERS[LAYERS.index(app) + 1 :])


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, dotted module name) of each absolute import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        # Relative imports (level > 0) stay inside their own package.


def app_modules(root: Path) -> Iterator[tuple[str, Path, bool]]:
    """(app, path, whether it is a migration) of every module of every app."""
    for app in sorted(APPS):
        for path in sorted((root / app).rglob("*.py")):
            yield app, path, "migrations" in path.relative_to(root).parts


def docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that stand alone as statements (docstrings)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def strings(tree: ast.AST) -> Iterator[ast.Constant]:
    skipped = docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node


def import_violations(app: str, relative: Path, tree: ast.AST) -> Iterator[str]:
    for line, module in imported_modules(tree):
        other = module.split(".")[0]
        if other == "bench":
            yield f"{relative}:{line}: {app} imports {module} (no app imports the benchmarks)"
            continue
        if other not in APPS or other == app:
            continue
        if other not in ALLOWED[app]:
            allowed = ", ".join(sorted(ALLOWED[app])) or "none of our apps"
            yield f"{relative}:{line}: {app} imports {module} ({app} may import {allowed})"
        elif other == "organisers" and relative not in MAY_IMPORT_ORGANISERS:
            yield f"{relative}:{line}: imports {module} (only config/urls.py may import organisers)"


def string_violations(app: str, relative: Path, tree: ast.AST) -> Iterator[str]:
    """Model and module strings naming a higher app, and get_model() calls reaching one."""
    above = higher(app)
    pattern = re.compile(rf"^({'|'.join(above)})\.[A-Za-z_][\w.]*$") if above else None
    for node in strings(tree):
        if pattern and pattern.match(node.value):
            yield f"{relative}:{node.lineno}: {app} names {node.value!r} of a higher layer"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in above
        ):
            yield f"{relative}:{node.lineno}: {app} looks up a model of {node.args[0].value}, a higher layer"


def dependency_violations(app: str, relative: Path, tree: ast.AST) -> Iterator[str]:
    """("petitions", "0002_…") in a migration of a lower app."""
    above = higher(app)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and all(isinstance(elt, ast.Constant) and isinstance(elt.value, str) for elt in node.elts)
            and node.elts[0].value in above
        ):
            dependency = f"{node.elts[0].value}.{node.elts[1].value}"
            yield f"{relative}:{node.lineno}: a migration of {app} depends on {dependency}, a higher layer"


def model_apps(tree: ast.AST, app: str) -> dict[str, str]:
    """Name → app of the model classes a module can refer to bare: those it
    imports from an app's models, and (by default) its own app's."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            other = node.module.split(".")[0]
            if other in APPS and ".models" in f".{node.module.split('.', 1)[-1]}":
                for alias in node.names:
                    names[alias.asname or alias.name] = other
    return names


def relation_target_app(field: ast.Call, imported: dict[str, str], app: str) -> str | None:
    target = field.args[0] if field.args else next((kw.value for kw in field.keywords if kw.arg == "to"), None)
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        label = target.value.split(".")[0] if "." in target.value else app
        return USER_MODEL_LAYER if label == "auth" else label
    if isinstance(target, ast.Attribute) and target.attr == "AUTH_USER_MODEL":
        return USER_MODEL_LAYER
    if isinstance(target, ast.Name):
        return imported.get(target.id, app)
    return None


def reverse_relations(root: Path) -> dict[str, dict[str, str]]:
    """For each app, the reverse-relation names that higher apps' models put
    on its models or lower ones: {lower app: {name: "app.Model.field"}}."""
    found: dict[str, dict[str, str]] = {app: {} for app in LAYERS}
    for app, path, migration in app_modules(root):
        if migration:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue  # reported by violations()
        imported = model_apps(tree, app)
        for model in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            for statement in model.body:
                if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
                    continue
                field = statement.value
                kind = field.func.attr if isinstance(field.func, ast.Attribute) else getattr(field.func, "id", "")
                if kind not in RELATION_FIELDS:
                    continue
                target = relation_target_app(field, imported, app)
                if target is None or target == app or target not in LAYERS:
                    continue
                keywords = {kw.arg: kw.value for kw in field.keywords}
                related = keywords.get("related_name")
                if related is None:
                    name = f"{model.name.lower()}_set"
                elif isinstance(related, ast.Constant) and isinstance(related.value, str):
                    name = related.value
                else:
                    continue
                if name.endswith("+"):
                    continue
                where = f"{app}.{model.name}.{getattr(statement.targets[0], 'id', '?')}"
                for lower in LAYERS[: LAYERS.index(app)]:
                    found[lower][name] = where
    return found


def relation_violations(app: str, relative: Path, tree: ast.AST, names: dict[str, str]) -> Iterator[str]:
    if not names:
        return
    for node in ast.walk(tree):
        used = None
        if isinstance(node, ast.Attribute) and node.attr in names:
            used = node.attr
        elif isinstance(node, ast.keyword) and node.arg and node.arg.split("__")[0] in names and "__" in node.arg:
            used = node.arg.split("__")[0]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
            head = node.value.lstrip("-").split("__")[0]
            used = head if head in names else None
        if used:
            line = getattr(node, "lineno", getattr(node.value, "lineno", 0) if isinstance(node, ast.keyword) else 0)
            yield f"{relative}:{line}: {app} uses {used}, the reverse relation of {names[used]}, a higher layer"


def violations(root: Path) -> list[str]:
    found = []
    reverse = reverse_relations(root)
    for app, path, migration in app_modules(root):
        relative = path.relative_to(root)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
        except SyntaxError as error:
            found.append(f"{relative}:{error.lineno}: cannot be read: {error.msg}")
            continue
        if migration:
            if relative not in OLD_MIGRATIONS:
                found.extend(string_violations(app, relative, tree))
                found.extend(dependency_violations(app, relative, tree))
            continue
        found.extend(import_violations(app, relative, tree))
        found.extend(string_violations(app, relative, tree))
        found.extend(relation_violations(app, relative, tree, reverse[app]))
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    problems = violations(root)
    for problem in problems:
        sys.stderr.write(problem + "\n")
    if problems:
        sys.stderr.write(f"{len(problems)} reach(es) against the layout (scripts/check_imports.py).\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
