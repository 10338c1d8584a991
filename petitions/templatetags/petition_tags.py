from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext

from petitions.goals import goal_sentence, grouped
from petitions.models import Petition

register = template.Library()


@register.simple_tag
def goal_message(petition: Petition) -> str:
    """Online and paper signatures together: the ladder climbs on both."""
    return goal_sentence(
        count=petition.total_signature_count, goal=petition.next_goal, accepting=petition.accepts_signatures()
    )


@register.simple_tag
def signature_figures(petition: Petition) -> str:
    """ "1,147 have signed online · 80 on paper · 1,227 in all", once there are paper signatures."""
    if not petition.paper_signature_count:
        return ""
    online = petition.signature_count
    return ngettext(
        "%(online)s has signed online · %(paper)s on paper · %(total)s in all",
        "%(online)s have signed online · %(paper)s on paper · %(total)s in all",
        online,
    ) % {
        "online": grouped(online),
        "paper": grouped(petition.paper_signature_count),
        "total": grouped(petition.total_signature_count),
    }


@register.simple_tag
def milestone_message(petition: Petition) -> str:
    milestone = petition.last_milestone
    if milestone is None:
        return ""
    return ngettext(
        "Milestone reached: %(count)s signature",
        "Milestone reached: %(count)s signatures",
        milestone,
    ) % {"count": grouped(milestone)}


# An empty form is the same for every visitor in a language (its start time is
# a placeholder each response stamps), and its translated country list is most
# of a page's render: every page rendered for the cache, and every visitor
# the cache cannot serve (a query string, a message, an organiser), paid it.
_empty_form_html: dict[tuple, SafeString] = {}


@receiver(setting_changed)
def _forget_empty_forms(**kwargs) -> None:
    _empty_form_html.clear()


@register.simple_tag(takes_context=True)
def sign_form_fields(context, form: forms.Form) -> SafeString:
    """The form's fields as {% crispy form %} renders them (no <form> tag, no CSRF token)."""
    if form.is_bound:  # what one visitor typed, and its errors
        return render_crispy_form(form, context=context.flatten())
    key = (type(form), get_language(), tuple(sorted(form.initial.items())))
    if key not in _empty_form_html:
        _empty_form_html[key] = render_crispy_form(form, context=context.flatten())
    return _empty_form_html[key]
