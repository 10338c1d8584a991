from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

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


@register.simple_tag(takes_context=True)
def sign_form_fields(context, form: forms.Form) -> SafeString:
    """The form's fields as {% crispy form %} renders them (no <form> tag, no CSRF token)."""
    return render_crispy_form(form, context=context.flatten())
