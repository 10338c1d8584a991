"""Each petition's transparency log: an append-only Merkle log (RFC 6962)
whose entries reveal no one, signed checkpoints over it (C2SP
tlog-checkpoint, signed-note), served as C2SP tlog-tiles.

Entries are short lines of text:

    add <hex>                  one signature counted; hex = SHA-256 of a fixed
                               label, the petition and 32 random bytes drawn
                               at confirmation (the signer's receipt)
    revoke <index> <reason>    the `add` at index stops counting (REASONS)
    paper <batch> <count> <hex>  a paper batch counted; hex = SHA-256 of its scan
    unpaper <batch>            a paper batch no longer counted (removed, or
                               changed: a new `paper` line follows)

The public count is adds - revokes + the counts of paper batches not
unpapered. Every transition that moves a signature or a batch in or out of
the count appends its entry in its own transaction, under the petition row it
already locks to move the stored count, so the log's count always equals the
stored count: the checkpoint job refuses to sign a checkpoint where they
differ. A signature counted again (reinstated) gets a fresh `add` whose hex is
derived from its previous one, so a receipt follows it.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import signed_note
from core import transparency_log as tlog

logger = logging.getLogger(__name__)

RECEIPT_LABEL = b"plea signature receipt v1\n"
READD_LABEL = b"plea signature counted again v1\n"
SECRET_BYTES = 32
CHUNK = 5_000  # rows per statement when many signatures move at once
# The tag of the one-time message that shows a signer their receipt.
RECEIPT_MESSAGE = "receipt"

# Why an `add` stops counting: the published list (the explanation page shows it).
REASONS = {
    "withdrawn": _("Withdrawn by the signer"),
    "spam": _("Invalidated by the organisers as spam"),
    "fraud": _("Invalidated by the organisers as fraud"),
    "correction": _("Corrected: the signature was not counted when the log was brought in line"),
}


def _model(name: str):
    return apps.get_model("petitions", name)


# Keys and names.


def signer() -> signed_note.Signer:
    """The log's signing key: PLEA_LOG_SIGNING_KEY (a Go/C2SP signer key), or
    in development one derived from the secret key (check --deploy warns)."""
    if settings.PLEA_LOG_SIGNING_KEY:
        return signed_note.Signer.from_skey(settings.PLEA_LOG_SIGNING_KEY)
    seed = hmac.new(settings.SECRET_KEY.encode(), b"plea transparency log signing key", hashlib.sha256).digest()
    return signed_note.Signer.from_seed(key_name(), seed)


def key_name() -> str:
    return settings.PLEA_LOG_ORIGIN or f"{urlsplit(settings.SITE_URL).netloc}/petition-logs"


def origin(petition_id: int) -> str:
    """The log's name in its checkpoints. A new signing key comes with a new
    origin (SECURITY.md), so one origin is only ever signed by one key."""
    return f"{key_name()}/{petition_id}"


def log_url(petition_id: int) -> str:
    """Where the log is served (petitions.log_views): the checkpoint and tiles under it."""
    return f"{settings.SITE_URL}/petition-logs/{petition_id}/"


# Receipts.


def draw_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def add_hex(petition_id: int, secret: bytes) -> str:
    return hashlib.sha256(RECEIPT_LABEL + f"{petition_id}\n".encode() + secret).hexdigest()


def readd_hex(previous: str) -> str:
    return hashlib.sha256(READD_LABEL + bytes.fromhex(previous)).hexdigest()


def receipt_code(petition_id: int, secret: bytes) -> str:
    return f"{petition_id}-{base64.urlsafe_b64encode(secret).decode().rstrip('=')}"


class BadReceipt(ValueError):
    pass


def read_receipt(code: str) -> tuple[int, bytes]:
    """(petition id, secret) from a receipt code, or BadReceipt."""
    code = "".join(code.split())
    petition, _dash, encoded = code.partition("-")
    if not petition.isdigit() or len(encoded) != 43:
        raise BadReceipt(code)
    try:
        secret = base64.b64decode(encoded + "=", altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadReceipt(code) from error
    return int(petition), secret


# Appending. Each call runs inside the transaction of the transition.


def _append(petition_id: int, lines: list[tuple[str, int | None]]) -> int:
    """Append lines (text, signature id) to a petition's log; the first index.
    Taking the indexes moves Petition.log_size under its row lock."""
    if not lines:
        return -1
    LogEntry = _model("LogEntry")
    connection = connections[LogEntry.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE petitions_petition SET log_size = log_size + %s WHERE id = %s RETURNING log_size",
            [len(lines), petition_id],
        )
        end = cursor.fetchone()[0]
    first = end - len(lines)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        (
            LogEntry(petition_id=petition_id, index=first + i, text=text, signature_id=signature_id, created_at=now)
            for i, (text, signature_id) in enumerate(lines)
        ),
        batch_size=CHUNK,
    )
    return first


def record_signed(*, petition_id: int, signature_id: int, secret: bytes) -> None:
    """A signature confirmed and counted: its `add`, from the signer's secret."""
    _append(petition_id, [(f"add {add_hex(petition_id, secret)}", signature_id)])


def _last_adds(petition_id: int, signature_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Each signature's latest `add`: (index, hex)."""
    latest: dict[int, tuple[int, str]] = {}
    ids = sorted(signature_ids)
    for start in range(0, len(ids), CHUNK):  # bulk moderation moves thousands at once
        rows = (
            _model("LogEntry")
            .objects.filter(
                petition_id=petition_id, signature_id__in=ids[start : start + CHUNK], text__startswith="add "
            )
            .order_by("index")
            .values_list("signature_id", "index", "text")
        )
        for signature_id, index, text in rows:
            latest[signature_id] = (index, text.removeprefix("add "))
    return latest


def record_counted(*, petition_id: int, signature_ids: list[int]) -> None:
    """Signatures counted without their signer here (an organiser confirming
    or reinstating): a reinstated one's `add` follows from its last, others
    get a secret no one keeps."""
    previous = _last_adds(petition_id, signature_ids)
    lines: list[tuple[str, int | None]] = []
    for signature_id in sorted(signature_ids):
        if signature_id in previous:
            lines.append((f"add {readd_hex(previous[signature_id][1])}", signature_id))
        else:
            lines.append((f"add {add_hex(petition_id, draw_secret())}", signature_id))
    _append(petition_id, lines)


def record_uncounted(*, petition_id: int, signature_ids: list[int], reason: str) -> None:
    if reason not in REASONS:
        raise ValueError(f"Not a published revocation reason: {reason}")
    adds = _last_adds(petition_id, signature_ids)
    _append(petition_id, [(f"revoke {adds[s][0]} {reason}", s) for s in sorted(signature_ids) if s in adds])


def scan_hex(batch) -> str:
    """SHA-256 of a paper batch's scan (of nothing, when it has none)."""
    digest = hashlib.sha256()
    if batch.document:
        with batch.document.open("rb") as scan:
            for chunk in iter(lambda: scan.read(1 << 16), b""):
                digest.update(chunk)
    return digest.hexdigest()


def record_paper(*, batch) -> None:
    _append(batch.petition_id, [(f"paper {batch.pk} {batch.count} {scan_hex(batch)}", None)])


def record_unpaper(*, petition_id: int, batch_id: int) -> None:
    _append(petition_id, [(f"unpaper {batch_id}", None)])


def reconcile(*, petition_id: int) -> int:
    """Bring a petition's log in line with its signatures and paper batches
    (data from before the log, or a repaired count): an `add` for each
    counted signature the log does not count, a `revoke ... correction` for
    each it counts that is not, `paper`/`unpaper` for the batches. Call with
    the petition row locked. Returns the number of entries appended."""
    Signature, PaperBatch, Petition = _model("Signature"), _model("PaperBatch"), _model("Petition")
    list(Petition.objects.select_for_update().filter(pk=petition_id).values_list("pk"))
    # The size is its entries' (a petition row loaded from a fixture says 0).
    entries = _model("LogEntry").objects.filter(petition_id=petition_id).count()
    Petition.objects.filter(pk=petition_id).exclude(log_size=entries).update(log_size=entries)
    state = replay(
        _model("LogEntry").objects.filter(petition_id=petition_id).order_by("index").values_list("text", "signature_id")
    )
    counted = set(Signature.objects.filter(petition_id=petition_id).counted().values_list("pk", flat=True))
    live = set(state.live_signatures)
    before = Petition.objects.values_list("log_size", flat=True).get(pk=petition_id)
    if counted - live:
        record_counted(petition_id=petition_id, signature_ids=sorted(counted - live))
    if live - counted:
        record_uncounted(petition_id=petition_id, signature_ids=sorted(live - counted), reason="correction")
    for batch in PaperBatch.objects.filter(petition_id=petition_id).order_by("pk"):
        if state.batches.get(str(batch.pk)) != batch.count:
            if str(batch.pk) in state.batches:
                record_unpaper(petition_id=petition_id, batch_id=batch.pk)
            record_paper(batch=batch)
    kept = set(PaperBatch.objects.filter(petition_id=petition_id).values_list("pk", flat=True))
    for batch_id in sorted(int(b) for b in state.batches if int(b) not in kept):
        record_unpaper(petition_id=petition_id, batch_id=batch_id)
    return Petition.objects.values_list("log_size", flat=True).get(pk=petition_id) - before


# Reading the log: what a sequence of entries counts.


@dataclass
class LogState:
    size: int = 0
    added: int = 0
    revoked: dict[str, int] = field(default_factory=dict)
    batches: dict[str, int] = field(default_factory=dict)  # batch id -> count, while counted
    live_signatures: dict[int, int] = field(default_factory=dict)  # signature id -> add index (when known)

    def __post_init__(self):
        self.revoked = dict(self.revoked or {})
        self.batches = dict(self.batches or {})
        self.live_signatures = dict(self.live_signatures or {})

    @property
    def online(self) -> int:
        return self.added - sum(self.revoked.values())

    @property
    def paper(self) -> int:
        return sum(self.batches.values())

    @property
    def figures(self) -> dict:
        return {"added": self.added, "revoked": self.revoked, "batches": self.batches}

    def apply(self, text: str, signature_id: int | None = None) -> None:
        word, _space, rest = text.partition(" ")
        if word == "add":
            self.added += 1
            if signature_id is not None:
                self.live_signatures[signature_id] = self.size
        elif word == "revoke":
            index, reason = rest.split(" ")
            self.revoked[reason] = self.revoked.get(reason, 0) + 1
            for signature, add_index in list(self.live_signatures.items()):
                if add_index == int(index):
                    del self.live_signatures[signature]
        elif word == "paper":
            batch, count, _hex = rest.split(" ")
            self.batches[batch] = int(count)
        elif word == "unpaper":
            self.batches.pop(rest, None)
        self.size += 1


def replay(rows: Iterable[tuple[str, int | None]]) -> LogState:
    state = LogState()
    for text, signature_id in rows:
        state.apply(text, signature_id)
    return state


# Tiles and proofs over the stored log.


def _tile_root(data: bytes) -> bytes:
    hashes = [data[i : i + tlog.HASH_SIZE] for i in range(0, len(data), tlog.HASH_SIZE)]
    while len(hashes) > 1:
        hashes = [tlog.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def _entry_texts(petition_id: int, start: int, end: int) -> list[bytes]:
    texts = list(
        _model("LogEntry")
        .objects.filter(petition_id=petition_id, index__gte=start, index__lt=end)
        .order_by("index")
        .values_list("index", "text")
    )
    if [index for index, _text in texts] != list(range(start, end)):
        raise tlog.ProofError(f"Entries {start} to {end - 1} of log {petition_id} are not all there.")
    return [text.encode() for _index, text in texts]


def hash_tile(petition_id: int, level: int, index: int, width: int) -> bytes:
    """A hash tile's bytes: stored when full, computed when partial."""
    if width == tlog.TILE_WIDTH:
        tile = _model("LogTile").objects.filter(petition_id=petition_id, level=level, index=index).first()
        if tile is not None:
            return bytes(tile.hashes)
    return _computed_tile(petition_id, level, index, width)


def _computed_tile(petition_id: int, level: int, index: int, width: int = tlog.TILE_WIDTH) -> bytes:
    first = index * tlog.TILE_WIDTH
    if level == 0:
        return b"".join(tlog.leaf_hash(text) for text in _entry_texts(petition_id, first, first + width))
    below = {
        tile.index: bytes(tile.hashes)
        for tile in _model("LogTile").objects.filter(
            petition_id=petition_id, level=level - 1, index__gte=first, index__lt=first + width
        )
    }
    if len(below) != width:
        raise tlog.ProofError(f"Tiles under {level}/{index} of log {petition_id} are missing.")
    return b"".join(_tile_root(below[first + i]) for i in range(width))


def entry_bundle(petition_id: int, index: int, width: int) -> bytes:
    first = index * tlog.TILE_WIDTH
    return tlog.bundle(_entry_texts(petition_id, first, first + width))


def reader(petition_id: int, size: int) -> tlog.NodeReader:
    return tlog.tile_reader(lambda level, index, width: hash_tile(petition_id, level, index, width), size)


def _store_full_tiles(petition_id: int, old_size: int, size: int) -> None:
    """Store every hash tile a tree of `size` completes beyond one of
    `old_size`, lowest level first: a level's tiles are made from the full
    tiles below it (or from the entries, at level 0)."""
    LogTile = _model("LogTile")
    level = 0
    while True:
        done, _ = tlog.tile_widths(level, old_size)
        full, _ = tlog.tile_widths(level, size)
        if full == 0:
            return
        LogTile.objects.bulk_create(
            [
                LogTile(
                    petition_id=petition_id, level=level, index=index, hashes=_computed_tile(petition_id, level, index)
                )
                for index in range(done, full)
            ],
            ignore_conflicts=True,
        )
        level += 1


# Checkpoints: made by one batched job (make_checkpoints).


class CountMismatch(Exception):
    """The log does not count what the petition's stored count says."""


def make_checkpoint(*, petition_id: int, now: datetime.datetime | None = None):
    """Sign a checkpoint of the petition's log if it grew (or its origin
    changed) since the last; returns it, or None if there was nothing new."""
    Petition, LogEntry, LogCheckpoint = _model("Petition"), _model("LogEntry"), _model("LogCheckpoint")
    now = now or timezone.now()
    name = origin(petition_id)
    if not LogCheckpoint.objects.filter(petition_id=petition_id).exists():
        # A log's first checkpoint first records what counted before it began.
        with transaction.atomic():
            reconcile(petition_id=petition_id)
    # One statement: the size and the counts it must agree with, committed together.
    size, online, paper = Petition.objects.values_list("log_size", "signature_count", "paper_signature_count").get(
        pk=petition_id
    )
    last = LogCheckpoint.objects.filter(petition_id=petition_id).order_by("-size", "-pk").first()
    if last is not None and last.size == size and last.origin == name:
        return None
    if last is not None and last.size <= size:
        state = LogState(size=last.size, **_state_args(last.figures))
        start = last.size
    else:
        state, start = LogState(), 0
    texts = LogEntry.objects.filter(petition_id=petition_id, index__gte=start, index__lt=size).order_by("index")
    expected = start
    for index, text in texts.values_list("index", "text").iterator(chunk_size=2000):
        if index != expected:
            raise CountMismatch(f"Log {petition_id} has no entry {expected}.")
        state.apply(text)
        expected += 1
    if expected != size:
        raise CountMismatch(f"Log {petition_id} has {expected} entries, not {size}.")
    if (state.online, state.paper) != (online, paper):
        raise CountMismatch(
            f"Log {petition_id} counts {state.online} online and {state.paper} on paper at {size}; "
            f"the petition says {online} and {paper}."
        )
    with transaction.atomic():
        _store_full_tiles(petition_id, last.size if last and last.size <= size else 0, size)
        root_hash = tlog.root(size, reader(petition_id, size))
        body = tlog.Checkpoint(origin=name, size=size, root_hash=root_hash).text
        try:
            with transaction.atomic():
                return LogCheckpoint.objects.create(
                    petition_id=petition_id,
                    origin=name,
                    size=size,
                    root_hash=root_hash,
                    note=signed_note.sign(body, signer()),
                    count=state.online + state.paper,
                    online_count=state.online,
                    paper_count=state.paper,
                    figures=state.figures,
                    created_at=now,
                )
        except IntegrityError:  # another run of the job signed this one first
            return None


def _state_args(figures: dict) -> dict:
    return {
        "added": figures.get("added", 0),
        "revoked": figures.get("revoked", {}),
        "batches": figures.get("batches", {}),
    }


def make_checkpoints(*, now: datetime.datetime | None = None) -> list:
    """One pass of the job: a checkpoint for every published petition whose
    log grew. A petition whose log disagrees with its count is reported and
    left unsigned; the others go on."""
    Petition = _model("Petition")
    made = []
    for petition_id in Petition.objects.published().order_by("pk").values_list("pk", flat=True):
        try:
            checkpoint = make_checkpoint(petition_id=petition_id, now=now)
        except (CountMismatch, tlog.ProofError) as error:
            logger.error("No checkpoint signed: %s", error)
            continue
        if checkpoint is not None:
            made.append(checkpoint)
    return made


def latest_checkpoint(petition_id: int):
    name = origin(petition_id)
    return _model("LogCheckpoint").objects.filter(petition_id=petition_id, origin=name).order_by("-size", "-pk").first()


def witness_names(petition_id: int) -> list[str]:
    return sorted(
        set(
            _model("Cosignature")
            .objects.filter(checkpoint__petition_id=petition_id, checkpoint__origin=origin(petition_id))
            .values_list("witness__name", flat=True)
        )
    )


def published_note(checkpoint) -> str:
    """The checkpoint's signed note with its witnesses' cosignatures under it."""
    lines = "".join(c.line for c in checkpoint.cosignatures.order_by("pk"))
    return checkpoint.note + lines


# Receipts checked against the log.


@dataclass(frozen=True)
class ReceiptCheck:
    """What the log says about a receipt at a checkpoint."""

    index: int | None  # its latest `add`, if in the log at the checkpoint
    counted: bool
    revoked_as: str = ""
    proof: tuple[bytes, ...] = ()
    text: str = ""


def check_receipt(*, petition_id: int, secret: bytes, checkpoint) -> ReceiptCheck:
    LogEntry = _model("LogEntry")
    hexes = [add_hex(petition_id, secret)]
    index = None
    entries = LogEntry.objects.filter(petition_id=petition_id, index__lt=checkpoint.size)
    while True:  # follow the receipt through reinstatements
        found = entries.filter(text=f"add {hexes[-1]}").values_list("index", flat=True).first()
        if found is None:
            break
        index = found
        hexes.append(readd_hex(hexes[-1]))
    if index is None:
        return ReceiptCheck(index=None, counted=False)
    revoke = entries.filter(text__startswith=f"revoke {index} ").values_list("text", flat=True).first()
    text = entries.values_list("text", flat=True).get(index=index)
    leaf = tlog.leaf_hash(text.encode())
    proof = tlog.inclusion_proof(index, checkpoint.size, reader(petition_id, checkpoint.size))
    tlog.verify_inclusion(index, checkpoint.size, leaf, proof, bytes(checkpoint.root_hash))
    return ReceiptCheck(
        index=index,
        counted=revoke is None,
        revoked_as=revoke.rsplit(" ", 1)[1] if revoke else "",
        proof=tuple(proof),
        text=text,
    )
