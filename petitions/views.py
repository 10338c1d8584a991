from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import Case
from core import body_limits, public_form
from core.body_limits import body_limit
from core.client_ip import client_ip, client_ip_hash
from core.cross_origin import cross_origin_protected
from core.search_query import clean_query
from petitions import abuse, counting, page_cache, signing, transparency
from petitions.forms import SignForm
from petitions.models import CountIsFinal, InvalidTransition, Petition, PetitionQuerySet, Signature
from petitions.sharing import ASK_TO_SHARE
from petitions.tokens import LinkExpired, LinkInvalid, Purpose, read_token
from petitions.transparency import RECEIPT_MESSAGE as RECEIPT

RECENT_SIGNERS = 10
PETITIONS_PER_PAGE = 12
SORTS = {"popular": Petition.objects.most_signed, "new": Petition.objects.newest}


@dataclass(frozen=True)
class Tab:
    heading: str
    empty: str
    petitions: Callable[[], PetitionQuerySet]


# The petition list's tabs, in the order they are shown.
TABS = {
    "open": Tab(
        gettext_lazy("Open petitions"), gettext_lazy("There are no open petitions right now."), Petition.objects.open
    ),
    "closed": Tab(
        gettext_lazy("Closed petitions"),
        gettext_lazy("No petition has closed yet."),
        Petition.objects.closed_without_victory,
    ),
    "victories": Tab(
        gettext_lazy("Victories"), gettext_lazy("No victories yet: keep signing."), Petition.objects.victories
    ),
}


def petition_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort")
    if sort not in SORTS:
        sort = "popular"
    tab = request.GET.get("tab")
    if tab not in TABS:
        tab = "open"
    query = clean_query(request.GET.get("q"))
    # A search looks in every tab: someone looking for a petition by name
    # rarely knows whether it has closed or won since.
    shown = Petition.objects.published().search(query) if query else TABS[tab].petitions()
    petitions = SORTS[sort]().filter(pk__in=shown.values("pk")).prefetch_related("texts")
    page = Paginator(petitions, PETITIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "sort": sort,
        "tab": tab,
        "tabs": TABS,
        "current_tab": TABS[tab],
        "q": query,
        "query": urlencode({"sort": sort, "q": query} if query else {"tab": tab, "sort": sort}),
    }
    return render(request, "petitions/petition_list.html", context)


def _detail(
    request: HttpRequest,
    petition: Petition,
    *,
    form: SignForm | None = None,
    status: int = 200,
    stamp_form_clock: bool = True,
    **extra,
) -> HttpResponse:
    signers = Signature.objects.filter(petition=petition).public_signers()[:RECENT_SIGNERS]
    context = {
        "petition": petition,
        "form": form or SignForm(),
        "signers": signers,
        "accepting": petition.accepts_signatures(),
        "people": Case.objects.public()
        .filter(petitions=petition)
        .with_names()
        .with_last_contact()
        .with_portraits()
        .order_by("reference"),
        **extra,
    }
    response = render(request, "petitions/petition_detail.html", context, status=status)
    if stamp_form_clock:  # a page kept for the cache is stamped as each visitor gets it
        response.content = abuse.stamp_form_clock(response.content.decode(), slug=petition.slug)
    return response


def _published(slug: str) -> Petition:
    return get_object_or_404(Petition.objects.published(), slug=slug)


def _published_with_texts(slug: str) -> Petition:
    return get_object_or_404(Petition.objects.published().prefetch_related("texts"), slug=slug)


def petition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if not page_cache.usable_for(request):
        return _detail(request, _published_with_texts(slug))
    html = page_cache.get(slug=slug)
    if html is None:
        petition = _published_with_texts(slug)
        response = _detail(request, petition, stamp_form_clock=False)
        html = response.content.decode()
        page_cache.put(slug=slug, html=html)
    return page_cache.respond(html, slug=slug)


@body_limit(body_limits.SMALL_FORM)
@cross_origin_protected
@require_http_methods(["GET", "POST"])
def petition_sign(request: HttpRequest, slug: str) -> HttpResponse:
    # Only the few fields signing reads: a signature redirects. A re-shown
    # form (below) reads the whole petition again, as the page does.
    petition = Petition.objects.for_signing(slug)
    if petition is None:
        raise Http404
    if request.method == "GET":
        return redirect(petition)
    if not petition.accepts_signatures():
        messages.info(request, _("This petition is closed and no longer takes signatures. Thank you for your support."))
        return redirect(petition)
    form = SignForm(request.POST, slug=petition.slug)
    if not form.is_valid():
        return _detail(request, _published(slug), form=form, status=400)
    verdict = public_form.guard(request, form, rules=abuse.sign_rules(petition_id=petition.pk))
    if verdict is public_form.Verdict.BOT:
        return redirect("petitions:signed", slug=petition.slug)
    if verdict is not public_form.Verdict.PASSED:
        if verdict is public_form.Verdict.TOO_MANY:
            abuse.count_refusal(petition_id=petition.pk)
        return _detail(request, _published(slug), form=form, status=form.refuse(verdict))
    data = form.cleaned_data
    ip_address = client_ip(request)
    try:
        signing.signature_create(
            petition=petition,
            full_name=data["full_name"],
            email=data["email"],
            country=data["country"],
            reason=data["reason"],
            show_publicly=data["show_publicly"],
            wants_updates=data["wants_updates"],
            ip_address=ip_address,
            language=get_language() or settings.LANGUAGE_CODE,
        )
    except signing.PetitionNotAccepting:
        messages.info(request, _("This petition closed while you were signing. Thank you for your support."))
        return redirect(petition)
    return redirect("petitions:signed", slug=petition.slug)


def signature_sent(request: HttpRequest, slug: str) -> HttpResponse:
    petition = get_object_or_404(Petition.objects.published(), slug=slug)  # its title, read once
    return render(request, "petitions/signature_sent.html", {"petition": petition})


def _signature_from_link(token: str, purpose: Purpose) -> Signature:
    signature_id = read_token(token, purpose=purpose)
    signature = Signature.objects.select_related("petition").filter(pk=signature_id).first()
    if signature is None:
        raise LinkInvalid
    return signature


def _link_problem(request: HttpRequest, *, title: str, message: str, status: int = 400, **extra) -> HttpResponse:
    context = {"title": title, "message": message, **extra}
    return render(request, "petitions/link_problem.html", context, status=status)


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return _link_problem(
        request,
        title=_("This link does not work"),
        message=_("The link is incomplete or has been changed. Copy the whole link from your email and try again."),
    )


def _count_is_final(request: HttpRequest, petition: Petition) -> HttpResponse:
    return _link_problem(
        request,
        title=_("This petition has closed"),
        message=_(
            "This petition has closed and its count is final, so this signature can no longer be confirmed. "
            "Thank you for your support."
        ),
        status=410,
        petition=petition,
    )


def _withdrawn(request: HttpRequest, signature: Signature) -> HttpResponse:
    return _link_problem(
        request,
        title=_("This signature was withdrawn"),
        message=_("This signature has been withdrawn and its personal data deleted. You can sign again at any time."),
        status=410,
        petition=signature.petition,
    )


def _counted(request: HttpRequest, *, slug: str, secret: bytes) -> HttpResponse:
    # The petition page then asks them to share it (includes/share_box.html).
    messages.success(request, _("Thank you! Your signature is confirmed and counted."), extra_tags=ASK_TO_SHARE)
    # Their receipt, shown once on the page they land on and kept nowhere
    # (not in their mail, where a seized inbox would prove they signed).
    petition_id = Petition.objects.values_list("pk", flat=True).get(slug=slug)
    messages.info(request, transparency.receipt_code(petition_id, secret), extra_tags=RECEIPT)
    return redirect("petitions:detail", slug=slug)


@require_http_methods(["GET", "POST"])
def signature_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms, so a mail scanner that
    follows the link changes nothing."""
    secret = transparency.draw_secret()  # the signer's receipt, if this confirms
    if request.method == "POST":
        # The usual case in one round trip; anything else is read and explained below.
        try:
            signature_id = read_token(token, purpose=Purpose.CONFIRM)
            slug = counting.confirm_one(signature_id=signature_id, now=timezone.now(), secret=secret)
        except (LinkExpired, LinkInvalid):
            slug = None
        if slug is not None:
            return _counted(request, slug=slug, secret=secret)
    try:
        signature = _signature_from_link(token, Purpose.CONFIRM)
    except LinkExpired as expired:
        return _link_problem(
            request,
            title=_("This link has expired"),
            message=_("Confirmation links work for a limited time. We can send you a new one."),
            status=410,
            resend_token=token
            if Signature.objects.filter(
                pk=expired.signature_id,
                state=Signature.State.PENDING,
                petition__in=Petition.objects.count_moves().values("pk"),
            ).exists()
            else None,
        )
    except LinkInvalid:
        return _invalid_link(request)
    petition = signature.petition
    if signature.state == Signature.State.WITHDRAWN:
        return _withdrawn(request, signature)
    held = signature.state == Signature.State.INVALIDATED and signature.confirmed_at is None
    if signature.state in (Signature.State.CONFIRMED, Signature.State.INVALIDATED) and not held:
        messages.info(request, _("Your signature is already confirmed. Thank you!"))
        return redirect(petition)
    if petition.count_is_final():
        return _count_is_final(request, petition)
    if request.method == "POST":
        try:
            if held:
                signature.confirm_while_held()
                messages.success(
                    request,
                    _("Thank you! Your signature is confirmed and will count once the organisers have reviewed it."),
                )
                return redirect(petition)
            signature.confirm(secret=secret)
        except CountIsFinal:
            return _count_is_final(request, petition)
        except InvalidTransition:
            signature.refresh_from_db()
            if signature.state == Signature.State.WITHDRAWN:
                return _withdrawn(request, signature)
            messages.info(request, _("Your signature is already confirmed. Thank you!"))
            return redirect(petition)
        return _counted(request, slug=petition.slug, secret=secret)
    return render(request, "petitions/signature_confirm.html", {"signature": signature, "petition": petition})


@require_http_methods(["GET", "POST"])
def signature_resend(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return redirect("petitions:confirm", token=token)
    try:
        signature = _signature_from_link(token, Purpose.CONFIRM)
    except LinkExpired as expired:
        signature = Signature.objects.select_related("petition").filter(pk=expired.signature_id).first()
        if signature is None:
            return _invalid_link(request)
    except LinkInvalid:
        return _invalid_link(request)
    if not abuse.resend_allowed(ip_hash=client_ip_hash(request)):
        messages.warning(request, _("Too many requests for new links from your network. Please wait a few minutes."))
        return redirect(signature.petition)
    outcome = signing.confirmation_resend(signature=signature)
    if outcome == signing.SignOutcome.CONFIRMATION_RESENT:
        messages.success(request, _("We have sent you a new confirmation link."))
    elif outcome == signing.SignOutcome.COUNT_IS_FINAL:
        messages.info(
            request,
            _(
                "This petition has closed and its count is final, so there is nothing left to confirm. "
                "Thank you for your support."
            ),
        )
    elif signature.state == Signature.State.PENDING:
        messages.info(request, _("We sent you a link a few minutes ago. Check your inbox and spam folder."))
    else:
        messages.info(request, _("This signature does not need confirming any more."))
    return redirect(signature.petition)


@require_http_methods(["GET", "POST"])
def signature_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature = _signature_from_link(token, Purpose.WITHDRAW)
    except LinkInvalid:
        return _invalid_link(request)
    if signature.state == Signature.State.WITHDRAWN:
        return _withdrawn(request, signature)
    if request.method == "POST":
        try:
            signing.signature_withdraw(signature=signature)
        except InvalidTransition:
            return _withdrawn(request, signature)
        messages.success(request, _("Your signature has been withdrawn and your personal data deleted."))
        return redirect(signature.petition)
    return render(
        request, "petitions/signature_withdraw.html", {"signature": signature, "petition": signature.petition}
    )


@require_http_methods(["GET", "POST"])
def signature_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop update emails. GET shows a button; only the POST changes anything,
    so a mail scanner following the link unsubscribes nobody."""
    try:
        signature = _signature_from_link(token, Purpose.UNSUBSCRIBE)
    except LinkInvalid:
        return _invalid_link(request)
    petition = signature.petition
    if request.method == "POST":
        Signature.objects.filter(pk=signature.pk).unsubscribe()
        messages.success(request, _("You will get no more updates about this petition."))
        return redirect(petition) if petition.status in Petition.PUBLISHED_STATES else redirect("petitions:list")
    return render(
        request,
        "petitions/signature_unsubscribe.html",
        {"signature": signature, "petition": petition, "subscribed": signature.wants_updates},
    )
