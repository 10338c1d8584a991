from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import mark_safe

from core.cross_origin import browser_sends_fetch_metadata
from core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text or ""))  # sanitised by nh3 in render_markdown


@register.simple_tag(takes_context=True)
def csrf_field_for_old_browsers(context) -> str:
    """Django's CSRF field, for a form posting to a view under
    core.cross_origin: only a browser that sends no fetch metadata needs it,
    so the others get no token and no cookie. A page rendered to be shared
    (`shared_page`: the cached petition page) keeps it for whoever lacks it."""
    request = context.get("request")
    if request is not None and browser_sends_fetch_metadata(request) and not context.get("shared_page"):
        return ""
    return CsrfTokenNode().render(context)
