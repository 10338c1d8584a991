from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.bidi import isolated
from core.markdown import render_markdown
from core.shorten import shorten

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text or ""))  # sanitised by nh3 in render_markdown


@register.filter(name="shorten")
def shorten_filter(text: str, limit: int) -> str:
    """Whole words up to `limit` characters, then an ellipsis (core.shorten)."""
    return shorten(str(text or ""), limit=int(limit))


@register.filter(name="bdi")
def bdi_filter(name) -> str:
    """A name someone typed, isolated from the text around it, for use where a
    tag cannot be written around it (a variable of `blocktranslate`): an Urdu
    name in an English sentence, or a Latin one in an Urdu sentence, would
    otherwise pull the words and brackets next to it out of order."""
    return format_html("<bdi>{}</bdi>", name)


@register.filter(name="isolated")
def isolated_filter(name) -> str:
    """A name isolated in plain text (mail), as <bdi> does in a page."""
    return isolated(str(name))
