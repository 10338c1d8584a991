"""The petitions' transparency logs on the web.

For tools (outside the language prefixes, so each file has one address, the
same as the log's origin): the signed checkpoint with its witnesses'
cosignatures, the hash tiles and entry bundles of c2sp.org/tlog-tiles, and the
address where witnesses post their cosignatures. Only what a signed checkpoint
covers is served: entries appended since wait for the next checkpoint.

For people: the page that explains a petition's log, with its figures, and the
page that checks a receipt.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import signed_note
from core import transparency_log as tlog
from core.cross_origin import cross_origin_protected
from petitions import transparency
from petitions.models import Cosignature, LogCheckpoint, Petition, Witness

# Full tiles never change: any cache may keep them for good.
IMMUTABLE = "public, max-age=31536000, immutable"


def _short_cache() -> str:
    return f"public, max-age={max(settings.PLEA_LOG_CHECKPOINT_SECONDS, 1)}"


def _text(body: bytes | str, *, cache: str, status: int = 200, binary: bool = False) -> HttpResponse:
    response = HttpResponse(
        body, status=status, content_type="application/octet-stream" if binary else "text/plain; charset=utf-8"
    )
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"  # any verifier, from any page
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _published(pk: int) -> Petition:
    return get_object_or_404(Petition.objects.published(), pk=pk)


def _latest(petition: Petition) -> LogCheckpoint:
    checkpoint = transparency.latest_checkpoint(petition.pk)
    if checkpoint is None:
        raise Http404
    return checkpoint


@require_GET
def log_checkpoint(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = _latest(_published(pk))
    return _text(transparency.published_note(checkpoint), cache=_short_cache())


@require_GET
def log_tile(request: HttpRequest, pk: int, path: str) -> HttpResponse:
    try:
        level, index, width = tlog.parse_tile_path(f"tile/{path}")
    except ValueError:
        raise Http404 from None
    size = _latest(_published(pk)).size
    # A tile exists once the signed tree reaches its last hash (or entry).
    nodes = size if level == "entries" else size >> (tlog.TILE_HEIGHT * level)
    if index * tlog.TILE_WIDTH + width > nodes:
        raise Http404
    if level == "entries":
        body = transparency.entry_bundle(pk, index, width)
    else:
        body = transparency.hash_tile(pk, level, index, width)
    return _text(body, cache=IMMUTABLE if width == tlog.TILE_WIDTH else _short_cache(), binary=True)


@csrf_exempt  # posted by a witness's program, vouched for by its signature
@require_POST
def log_cosign(request: HttpRequest, pk: int) -> HttpResponse:
    """A witness posts the checkpoint it cosigned, its cosignature line under
    it: kept if an active witness's key made it over a checkpoint we signed."""
    petition = _published(pk)
    try:
        note = request.body.decode()
        text, lines = signed_note.split(note)
        parsed = tlog.Checkpoint.parse(text)
    except (UnicodeDecodeError, signed_note.NoteError, tlog.ProofError) as error:
        return _text(f"Not a cosigned checkpoint: {error}\n", cache="no-store", status=400)
    checkpoint = LogCheckpoint.objects.filter(petition=petition, origin=parsed.origin, size=parsed.size).first()
    if checkpoint is None or signed_note.split(checkpoint.note)[0] != text:
        return _text("This log signed no such checkpoint.\n", cache="no-store", status=409)
    kept = 0
    witnesses = [(w, signed_note.Verifier.from_vkey(w.vkey)) for w in Witness.objects.filter(active=True)]
    for line in lines:
        for witness, verifier in witnesses:
            if line.name != verifier.name or line.key_id != verifier.key_id:
                continue
            try:
                stamp = signed_note.check_cosignature(text, line, verifier)
            except signed_note.NoteError as error:
                return _text(f"{error}\n", cache="no-store", status=403)
            signed_at = datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
            Cosignature.objects.get_or_create(
                checkpoint=checkpoint, witness=witness, defaults={"line": line.line, "signed_at": signed_at}
            )
            kept += 1
    if not kept:
        return _text("No cosignature by a witness of this log.\n", cache="no-store", status=403)
    return _text(f"Kept {kept} cosignature(s).\n", cache="no-store")


# Pages for people.


def _log_context(petition: Petition) -> dict:
    checkpoint = transparency.latest_checkpoint(petition.pk)
    cosignatures = list(checkpoint.cosignatures.select_related("witness").order_by("signed_at")) if checkpoint else []
    witnessed = (
        Cosignature.objects.filter(checkpoint__petition=petition, checkpoint__origin=transparency.origin(petition.pk))
        .select_related("witness", "checkpoint")
        .order_by("witness_id", "-checkpoint__size")
    )
    last_by_witness = {}
    for cosignature in witnessed:
        last_by_witness.setdefault(cosignature.witness_id, cosignature)
    history = LogCheckpoint.objects.filter(petition=petition, origin=transparency.origin(petition.pk)).order_by(
        "-size"
    )[:10]
    revoked = checkpoint.figures.get("revoked", {}) if checkpoint else {}
    return {
        "petition": petition,
        "checkpoint": checkpoint,
        "cosignatures": cosignatures,
        "witnesses": sorted(last_by_witness.values(), key=lambda c: c.witness.name),
        "history": history,
        "reasons": [(code, label, revoked.get(code, 0)) for code, label in transparency.REASONS.items()],
        "vkey": transparency.signer().verifier.vkey,
        "origin": transparency.origin(petition.pk),
        "log_url": transparency.log_url(petition.pk),
    }


@require_GET
def log_page(request: HttpRequest, slug: str) -> HttpResponse:
    petition = get_object_or_404(Petition.objects.published(), slug=slug)
    return render(request, "petitions/log.html", _log_context(petition))


@cross_origin_protected
@require_http_methods(["GET", "POST"])
def log_verify(request: HttpRequest, slug: str) -> HttpResponse:
    """Check a receipt. Posted, not in the address, so it stays out of logs and history."""
    petition = get_object_or_404(Petition.objects.published(), slug=slug)
    context = _log_context(petition)
    if request.method == "GET":
        return render(request, "petitions/log_verify.html", context)
    code = request.POST.get("receipt", "")[:500]
    context["receipt"] = code
    try:
        petition_id, secret = transparency.read_receipt(code)
    except transparency.BadReceipt:
        context["error"] = _("This is not a receipt. Copy the whole code, for example 12-AbC…, and try again.")
        return render(request, "petitions/log_verify.html", context, status=400)
    if petition_id != petition.pk:
        context["error"] = _("This receipt belongs to another petition.")
        return render(request, "petitions/log_verify.html", context, status=400)
    checkpoint = context["checkpoint"]
    if checkpoint is None:
        context["error"] = _("The log has no signed checkpoint yet. Try again in a minute.")
        return render(request, "petitions/log_verify.html", context, status=409)
    check = transparency.check_receipt(petition_id=petition.pk, secret=secret, checkpoint=checkpoint)
    context["check"] = check
    context["proof_hex"] = [node.hex() for node in check.proof]
    context["revoked_label"] = transparency.REASONS.get(check.revoked_as, "")
    return render(request, "petitions/log_verify.html", context)
