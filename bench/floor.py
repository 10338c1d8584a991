"""The floor for the signing benchmark: what a signature minimally
costs on this stack. Mounted only by bench/urls.py (bench.settings),
never in production.

Two bare POST views, driven by the same client as the real flow and through
the same middleware as hello: one inserts a pending row into the signatures
table (every index a real signature updates) and commits; one confirms it
and moves its petition's count, in one statement, and commits. No form, no
checks, no mail, no messages: whatever a real signature costs above this is
Plea's (bench/README.md, on signing).
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

INSERT = """
    INSERT INTO petitions_signature
        (petition_id, state, full_name, email, email_key, email_domain, country, reason, show_publicly,
         wants_updates, hidden, invalidation_reason, ip_hash, language, created_at, last_mailed_at, review_flag)
    SELECT id, 'pending', %s, %s, %s, '', %s, '', false, false, false, '', '', 'en', %s, %s, ''
    FROM petitions_petition WHERE slug = %s
    RETURNING id
"""
CONFIRM = """
    WITH moved AS (
        UPDATE petitions_signature SET state = 'confirmed', confirmed_at = %s
        WHERE id = %s AND state = 'pending' RETURNING petition_id
    )
    UPDATE petitions_petition SET signature_count = signature_count + 1
    FROM moved WHERE petitions_petition.id = moved.petition_id
"""


@csrf_exempt
@require_POST
def insert(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    email = request.POST.get("email", "")
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [request.POST.get("full_name", ""), email, email.lower(),
                                request.POST.get("country", ""), now, now, slug])  # fmt: skip
        (pk,) = cursor.fetchone()
    return HttpResponseRedirect(f"/_bench/floor/{slug}/signed/{pk}/")


@csrf_exempt
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(CONFIRM, [timezone.now(), pk])
    return HttpResponseRedirect("/_bench/floor/confirmed/")
