"""The left-to-right translations apply on the pages: Russian, Simplified Chinese, Turkish.

Each language counts differently. Russian has three forms for whole numbers (1 and 21
take one, 2 to 4 another, 5 to 20 a third); Chinese has one; Turkish uses the same
words whatever the number."""

import pytest
from django.urls import reverse
from django.utils import translation

from petitions.models import Petition
from tests.conftest import page_text
from tests.petitions.factories import open_petition

pytestmark = pytest.mark.django_db


def page_in(client, language: str, view: str, **kwargs) -> str:
    with translation.override(language):
        url = reverse(view, kwargs=kwargs)
    assert url.startswith(f"/{language}/")
    return page_text(client.get(url))


def with_count(petition: Petition, count: int) -> None:
    Petition.objects.filter(pk=petition.pk).update(signature_count=count)


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (1, "1 человек подписал. Давайте соберём 100!"),
        (2, "2 человека подписали. Давайте соберём 100!"),
        (5, "5 человек подписали. Давайте соберём 100!"),
        (21, "21 человек подписал. Давайте соберём 100!"),
    ],
)
def test_the_goal_message_takes_the_russian_plural_for_the_count(client, count, message):
    with_count(open_petition(), count)

    text = page_in(client, "ru", "petitions:list")

    assert message in text
    assert "signed" not in text


@pytest.mark.parametrize(
    ("language", "count", "message"),
    [
        ("zh-hans", 1, "已有 1 人签名。让我们一起达到 100 人！"),
        ("zh-hans", 21, "已有 21 人签名。让我们一起达到 100 人！"),
        ("tr", 1, "1 kişi imzaladı. Haydi 100 kişiye ulaşalım!"),
        ("tr", 21, "21 kişi imzaladı. Haydi 100 kişiye ulaşalım!"),
    ],
)
def test_the_goal_message_is_translated_in_chinese_and_turkish(client, language, count, message):
    with_count(open_petition(), count)

    text = page_in(client, language, "petitions:list")

    assert message in text
    assert "signed" not in text


@pytest.mark.parametrize(
    ("language", "button"),
    [("ru", "Подписать петицию"), ("zh-hans", "签署此请愿"), ("tr", "Bu dilekçeyi imzala")],
)
def test_the_petition_page_asks_for_a_signature_in_the_readers_language(client, language, button):
    petition = open_petition()

    text = page_in(client, language, "petitions:detail", slug=petition.slug)

    assert button in text
    assert "Sign this petition" not in text
