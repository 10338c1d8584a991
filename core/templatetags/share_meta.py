"""Link-preview tags (Open Graph, Twitter cards), the canonical address and
its other-language alternates, for any page: {% share_meta ... %}."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, to_locale

from core.share_image import HEIGHT, WIDTH

register = template.Library()

# Open Graph wants language_TERRITORY; these are where most readers of each are.
OG_LOCALES = {
    "en": "en_GB",
    "ur": "ur_PK",
    "ug": "ug_CN",
    "kk": "kk_KZ",
    "ru": "ru_RU",
    "zh-hans": "zh_CN",
    "tr": "tr_TR",
}


def hreflang(code: str) -> str:
    return to_locale(code).replace("_", "-")  # zh-hans -> zh-Hans


@register.inclusion_tag("includes/share_meta.html", takes_context=True)
def share_meta(context, *, title: str, description: str, image_path: str, image_alt: str, kind: str = "website"):
    """Absolute addresses from SITE_URL, never the request's Host header; the
    query string is left out, so a visitor's URL is never echoed to the next."""
    path = context["request"].path
    language = get_language() or settings.LANGUAGE_CODE
    alternates = [(hreflang(code), settings.SITE_URL + translate_url(path, code)) for code, _name in settings.LANGUAGES]
    return {
        "title": title,
        "description": description,
        "kind": kind,
        "url": settings.SITE_URL + path,
        "image_url": settings.SITE_URL + image_path,
        "image_alt": image_alt,
        "image_width": WIDTH,
        "image_height": HEIGHT,
        "locale": OG_LOCALES.get(language, to_locale(language)),
        "other_locales": [OG_LOCALES[code] for code, _name in settings.LANGUAGES if code != language],
        "alternates": alternates,
        "default_url": settings.SITE_URL + translate_url(path, settings.LANGUAGE_CODE),
    }
