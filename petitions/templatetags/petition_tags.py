from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext

from petitions.models import Petition

register = template.Library()


def grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


@register.simple_tag
def goal_message(petition: Petition) -> str:
    """ "0 have signed. Let's get to 100!" while open; the final count once
    closed. Online and paper signatures together: the ladder climbs on both."""
    count = petition.total_signature_count
    if petition.accepts_signatures():
        return ngettext(
            "%(count)s has signed. Let's get to %(goal)s!",
            "%(count)s have signed. Let's get to %(goal)s!",
            count,
        ) % {"count": grouped(count), "goal": grouped(petition.next_goal)}
    return ngettext(
        "%(count)s person signed this petition.",
        "%(count)s people signed this petition.",
        count,
    ) % {"count": grouped(count)}


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


# The empty sign form, rendered once per language per process: it is the same
# for every visitor, and its country list alone takes tens of milliseconds.
_empty_form_html: dict[tuple[type, str], SafeString] = {}


@register.simple_tag(takes_context=True)
def sign_form_fields(context, form: forms.Form) -> SafeString:
    """The form's fields as {% crispy form %} renders them (no <form> tag, no CSRF token)."""
    if form.is_bound:
        return render_crispy_form(form, context=context.flatten())
    key = (type(form), get_language())
    if key not in _empty_form_html:
        _empty_form_html[key] = render_crispy_form(form, context=context.flatten())
    return _empty_form_html[key]
