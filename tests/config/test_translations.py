"""The translations reach the pages, and the catalog check catches what would break them."""

import importlib.util
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from petitions.models import Petition
from tests.conftest import page_text
from tests.petitions.factories import open_petition

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check_translations.py"
_spec = importlib.util.spec_from_file_location("check_translations", SCRIPT)
check_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_translations)

# "Sign this petition" and the goal message, one and several signers, to 100.
EXPECTED = {
    "ur": {
        "sign": "اس پٹیشن پر دستخط کریں",
        1: "1 شخص نے دستخط کیے ہیں۔ آئیں 100 تک پہنچیں!",
        5: "5 افراد نے دستخط کیے ہیں۔ آئیں 100 تک پہنچیں!",
    },
    "ug": {
        "sign": "بۇ ئىلتىماسقا ئىمزا قويۇڭ",
        1: "1 كىشى ئىمزا قويدى. ئىمزانى 100 كىشىگە يەتكۈزەيلى!",
        5: "5 كىشى ئىمزا قويدى. ئىمزانى 100 كىشىگە يەتكۈزەيلى!",
    },
    "kk": {
        "sign": "Осы петицияға қол қойыңыз",
        1: "1 адам қол қойды. 100 адамға жетейік!",
        5: "5 адам қол қойды. 100 адамға жетейік!",
    },
}


def petition_page(client, petition, language):
    with translation.override(language):
        url = petition.get_absolute_url()
    assert url.startswith(f"/{language}/")
    return page_text(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(EXPECTED))
@pytest.mark.parametrize("count", [1, 5])
def test_the_petition_page_is_translated_with_plural_goal_messages(client, language, count):
    petition = open_petition()
    Petition.objects.filter(pk=petition.pk).update(signature_count=count)

    text = petition_page(client, petition, language)

    assert EXPECTED[language]["sign"] in text
    assert EXPECTED[language][count] in text
    assert "Sign this petition" not in text
    assert "signed. Let's get to" not in text


def committed_languages() -> list[str]:
    return [lang for lang in check_translations.LANGUAGES if (check_translations.LOCALE_DIR / lang).is_dir()]


def test_the_committed_catalogs_are_complete_safe_and_compiled():
    languages = committed_languages()
    assert {"ur", "ug", "kk"} <= set(languages)

    problems = {lang: check_translations.check_language(lang) for lang in languages}

    assert problems == {lang: [] for lang in languages}


# The check itself, on throwaway catalogs.


@pytest.fixture
def locale_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(check_translations, "LOCALE_DIR", tmp_path)
    return tmp_path


def write_catalog(locale_dir: Path, entries: list[polib.POEntry], *, compile_mo: bool = True) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for entry in entries:
        po.append(entry)
    folder = locale_dir / "ur" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    po.save(str(folder / "django.po"))
    if compile_mo:
        po.save_as_mofile(str(folder / "django.mo"))
    return po


def goal_entry(*forms: str) -> polib.POEntry:
    return polib.POEntry(
        msgid="%(count)s has signed. Let's get to %(goal)s!",
        msgid_plural="%(count)s have signed. Let's get to %(goal)s!",
        msgstr_plural=dict(enumerate(forms)),
        flags=["python-format"],
    )


def test_a_complete_compiled_catalog_passes(locale_dir):
    write_catalog(
        locale_dir,
        [
            polib.POEntry(msgid="Sign this petition", msgstr="اس پٹیشن پر دستخط کریں"),
            goal_entry("%(count)s شخص، %(goal)s", "%(count)s افراد، %(goal)s"),
            polib.POEntry(msgid="100%% sure", msgstr="100%% یقینی", flags=["python-format"]),
        ],
    )

    assert check_translations.check_language("ur") == []
    assert check_translations.main(["ur"]) == 0


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (polib.POEntry(msgid="Sign this petition", msgstr=""), "untranslated: 'Sign this petition'"),
        (goal_entry("%(count)s، %(goal)s", ""), "untranslated (needs 2 plural forms)"),
        (goal_entry("%(count)s، %(goal)s"), "untranslated (needs 2 plural forms)"),
        (polib.POEntry(msgid="Status", msgstr="حیثیت", flags=["fuzzy"]), "fuzzy: 'Status'"),
        (goal_entry("%(count)s", "%(count)s، %(goal)s"), "placeholders differ"),
        (goal_entry("%(count)s، %(gaol)s", "%(count)s، %(goal)s"), "placeholders differ"),
        (
            polib.POEntry(msgid="Hello %(name)s,", msgstr="السلام علیکم %(name)d،", flags=["python-format"]),
            "placeholders differ",
        ),
        (polib.POEntry(msgid="Go to “%(title)s”", msgstr="”%(title)s“ 100% پر جائیں"), "stray %"),
    ],
)
def test_the_check_catches_what_would_break_a_page(locale_dir, entry, problem, capsys):
    write_catalog(locale_dir, [entry])

    assert any(problem in found for found in check_translations.check_language("ur"))
    assert check_translations.main(["ur"]) == 1
    assert problem in capsys.readouterr().out


def test_the_check_wants_the_mo_compiled_from_the_po(locale_dir):
    po = write_catalog(locale_dir, [polib.POEntry(msgid="Status", msgstr="حیثیت")], compile_mo=False)
    assert any("django.mo is missing" in found for found in check_translations.check_language("ur"))

    po.save_as_mofile(str(locale_dir / "ur" / "LC_MESSAGES" / "django.mo"))
    po.append(polib.POEntry(msgid="Person", msgstr="فرد"))
    po.save(str(locale_dir / "ur" / "LC_MESSAGES" / "django.po"))

    assert check_translations.check_language("ur") == [
        "django.mo differs from django.po (run make compile-translations): 'Person'"
    ]


def test_a_missing_catalog_fails(locale_dir):
    assert check_translations.check_language("kk") == ["locale/kk/LC_MESSAGES/django.po is missing"]
