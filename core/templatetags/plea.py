from django import template
from django.utils.safestring import mark_safe

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
