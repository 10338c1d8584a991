#!/usr/bin/env python3
"""Check the translation catalogs: complete, not fuzzy, safe, and compiled.

    python scripts/check_translations.py            # every language
    python scripts/check_translations.py ur kk      # only these

For each language, locale/<lang>/LC_MESSAGES/django.po must exist, and:

- every entry has a translation (for plurals: every form the language's
  Plural-Forms header asks for), and none is marked fuzzy;
- a translation uses exactly the placeholders of the English text, e.g.
  %(count)s and %(goal)s, with the same conversion, and no stray "%": a
  missing or misspelt placeholder would crash the page that shows it;
- the committed django.mo holds exactly the translations of the .po (run
  `make compile-translations` after editing a .po).

Pure Python (polib), so it needs no GNU gettext. Exits 1 listing every problem.
"""

import re
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# Django's locale directory names (zh_Hans, not zh-hans); English is the source.
LANGUAGES = ["ur", "ug", "kk", "ru", "zh_Hans", "tr"]

# A printf conversion as Python's % operator reads it: %(name)s, %s, %5.2f, %%.
PERCENT_SPEC = re.compile(r"%(?:\((?P<name>[^)]*)\))?(?P<flags>[#0\- +]*)(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>.?)")
CONVERSIONS = set("diouxXeEfFgGcrsa")


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """The placeholders of a python-format string, sorted, and any malformed ones."""
    found, bad = [], []
    for match in PERCENT_SPEC.finditer(text):
        conv = match["conv"]
        if conv == "%" and match.group(0) == "%%":
            continue
        if conv not in CONVERSIONS:
            bad.append(match.group(0) or "%")
            continue
        name = match["name"]
        found.append(f"%({name}){conv}" if name is not None else f"%{conv}")
    return sorted(found), bad


def is_python_format(entry: polib.POEntry) -> bool:
    return "python-format" in entry.flags or "%(" in entry.msgid or "%(" in (entry.msgid_plural or "")


def nplurals(catalog: polib._BaseFile) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(match[1]) if match else None


def label(entry: polib.POEntry) -> str:
    text = repr(entry.msgid)
    return f"{text} (context {entry.msgctxt!r})" if entry.msgctxt else text


def translations(catalog: polib._BaseFile) -> dict:
    """(msgctxt, msgid, msgid_plural) → msgstr, or the tuple of plural forms."""
    result = {}
    for entry in catalog:
        if not entry.msgid or getattr(entry, "obsolete", False) or getattr(entry, "fuzzy", False):
            continue
        key = (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural, key=int))
            if all(forms):
                result[key] = forms
        elif entry.msgstr:
            result[key] = entry.msgstr
    return result


def check_language(lang: str) -> list[str]:
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    if not po_path.exists():
        return [f"locale/{lang}/LC_MESSAGES/django.po is missing"]
    po = polib.pofile(str(po_path))
    problems = []
    plural_count = nplurals(po)
    if plural_count is None:
        problems.append("no Plural-Forms header")
    if po.metadata_is_fuzzy:
        problems.append("the header is marked fuzzy (remove '#, fuzzy' above msgid \"\")")

    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {label(entry)}")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, entry.msgstr_plural.get(str(i), "")) for i in range(plural_count or 1)]
            if not all(forms) or (plural_count and len(entry.msgstr_plural) != plural_count):
                problems.append(f"untranslated (needs {plural_count} plural forms): {label(entry)}")
                continue
        else:
            forms = [entry.msgstr]
            if not entry.msgstr:
                problems.append(f"untranslated: {label(entry)}")
                continue
        if is_python_format(entry):
            expected, _ = placeholders(entry.msgid)
            if entry.msgid_plural:
                expected = sorted(set(expected) | set(placeholders(entry.msgid_plural)[0]))
            for form in forms:
                got, bad = placeholders(form)
                if bad:
                    problems.append(f"stray % in translation (write %% for a percent sign): {label(entry)} → {form!r}")
                elif sorted(set(got)) != sorted(set(expected)):
                    problems.append(
                        f"placeholders differ: {label(entry)} has {', '.join(expected) or 'none'}, "
                        f"translation {form!r} has {', '.join(sorted(set(got))) or 'none'}"
                    )

    if not mo_path.exists():
        problems.append(f"locale/{lang}/LC_MESSAGES/django.mo is missing (run make compile-translations)")
        return problems
    mo = polib.mofile(str(mo_path))
    expected_mo, actual_mo = translations(po), translations(mo)
    stale = sorted(
        {key[1] for key in expected_mo.keys() | actual_mo.keys() if expected_mo.get(key) != actual_mo.get(key)}
    )
    if po.metadata.get("Plural-Forms") != mo.metadata.get("Plural-Forms"):
        stale.insert(0, "(header) Plural-Forms")
    for msgid in stale:
        problems.append(f"django.mo differs from django.po (run make compile-translations): {msgid!r}")
    return problems


def main(argv: list[str]) -> int:
    languages = argv or LANGUAGES
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        sys.stderr.write(f"unknown language(s): {', '.join(unknown)}; expected some of {', '.join(LANGUAGES)}\n")
        return 2
    failed = False
    for lang in languages:
        problems = check_language(lang)
        if problems:
            failed = True
            sys.stdout.write(f"{lang}: {len(problems)} problem(s)\n")
            for problem in problems:
                sys.stdout.write(f"  {problem}\n")
        else:
            sys.stdout.write(f"{lang}: ok\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
