#!/usr/bin/env python3
"""Check a petition's transparency log without trusting the site that serves it.

    python scripts/verify_log.py https://plea.example.org/petition-logs/17/ \\
        --key 'plea.example.org/petition-logs+1a2b3c4d+AX...'
    python scripts/verify_log.py DIR --key ...                  # a copy saved with --save DIR
    ... --receipt 17-AbC...        is my signature in it, and counted?
    ... --previous old-checkpoint  is today's log an extension of the one I saved then?
    ... --witness VKEY             did this witness cosign it? (repeatable)
    ... --count N                  does it count what the page says?
    ... --save DIR                 keep a copy (checkpoint and tiles) to check again later

What it checks: the checkpoint is signed by the key you give (get it from the
petition's log page or the JSON API, and compare with what others see); every
entry is downloaded, and the entries hash to the root the checkpoint signs
(RFC 6962); each entry is well formed and each `revoke` names an `add` not
already revoked; the entries add up to the count it prints.

Needs Python 3.11+ and the `cryptography` package; run it from a checkout of
the repository (it uses core/signed_note.py and core/transparency_log.py, the
same few hundred lines of standard formats the site signs with: read them).
Exit status 0 when everything checks, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import signed_note
from core import transparency_log as tlog

# The site's receipts and re-adds (petitions/transparency.py), restated.
RECEIPT_LABEL = b"plea signature receipt v1\n"
READD_LABEL = b"plea signature counted again v1\n"
REASONS = ("withdrawn", "spam", "fraud", "correction")
HEX = re.compile(r"[0-9a-f]{64}")


class Failed(Exception):
    pass


class Source:
    """A log at a URL or in a directory, with the same layout (tlog-tiles)."""

    def __init__(self, where: str, save: Path | None = None):
        self.where = where if "://" in where else str(Path(where))
        self.save = save

    def get(self, name: str) -> bytes:
        if "://" in self.where:
            url = self.where.rstrip("/") + "/" + name
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    data = response.read()
            except urllib.error.URLError as error:
                raise Failed(f"Cannot fetch {url}: {error}") from error
        else:
            try:
                data = (Path(self.where) / name).read_bytes()
            except OSError as error:
                raise Failed(f"Cannot read {name}: {error}") from error
        if self.save is not None:
            path = self.save / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return data


def add_hex(petition_id: int, secret: bytes) -> str:
    return hashlib.sha256(RECEIPT_LABEL + f"{petition_id}\n".encode() + secret).hexdigest()


def readd_hex(previous: str) -> str:
    return hashlib.sha256(READD_LABEL + bytes.fromhex(previous)).hexdigest()


def read_checkpoint(note: str, key: signed_note.Verifier) -> tlog.Checkpoint:
    try:
        text, _lines = signed_note.open_note(note, key)
        return tlog.Checkpoint.parse(text)
    except (signed_note.NoteError, tlog.ProofError) as error:
        raise Failed(f"The checkpoint does not verify: {error}") from error


def fetch_entries(source: Source, size: int) -> list[bytes]:
    entries: list[bytes] = []
    full, partial = tlog.tile_widths(0, size)
    for index in range(full + (1 if partial else 0)):
        width = tlog.TILE_WIDTH if index < full else partial
        bundle = tlog.unbundle(source.get(tlog.entries_path(index, width)))
        if len(bundle) != width:
            raise Failed(f"Entry bundle {index} holds {len(bundle)} entries, not {width}.")
        entries.extend(bundle)
    return entries


class Count:
    """What the entries add up to, checking each as it goes."""

    def __init__(self):
        self.adds: dict[int, str] = {}  # index -> hex, while counted
        self.revoked: dict[str, int] = {}
        self.batches: dict[str, int] = {}
        self.added = 0

    @property
    def online(self) -> int:
        return len(self.adds)

    @property
    def paper(self) -> int:
        return sum(self.batches.values())

    def apply(self, index: int, entry: bytes) -> None:
        try:
            text = entry.decode()
        except UnicodeDecodeError as error:
            raise Failed(f"Entry {index} is not UTF-8.") from error
        words = text.split(" ")
        if words[0] == "add" and len(words) == 2 and HEX.fullmatch(words[1]):
            self.adds[index] = words[1]
            self.added += 1
        elif words[0] == "revoke" and len(words) == 3 and words[1].isdigit() and words[2] in REASONS:
            if int(words[1]) not in self.adds:
                raise Failed(f"Entry {index} revokes entry {words[1]}, which is not a counted add.")
            del self.adds[int(words[1])]
            self.revoked[words[2]] = self.revoked.get(words[2], 0) + 1
        elif words[0] == "paper" and len(words) == 4 and words[1].isdigit() and words[2].isdigit():
            if words[1] in self.batches or not HEX.fullmatch(words[3]) or int(words[2]) < 1:
                raise Failed(f"Entry {index} records paper batch {words[1]} badly or twice.")
            self.batches[words[1]] = int(words[2])
        elif words[0] == "unpaper" and len(words) == 2 and words[1] in self.batches:
            del self.batches[words[1]]
        else:
            raise Failed(f"Entry {index} is not a valid entry: {text!r}")


def check_receipt(code: str, origin: str, entries: list[bytes], count: Count) -> str:
    code = "".join(code.split())
    petition, _, encoded = code.partition("-")
    try:
        secret = base64.b64decode(encoded + "=", altchars=b"-_", validate=True)
    except ValueError as error:
        raise Failed("That is not a receipt code.") from error
    if not origin.endswith(f"/{petition}") or len(secret) != 32:
        raise Failed(f"This receipt is for petition {petition}, not the log {origin}.")
    texts = {entry: i for i, entry in enumerate(entries)}
    wanted, index = add_hex(int(petition), secret), None
    while f"add {wanted}".encode() in texts:
        index = texts[f"add {wanted}".encode()]
        wanted = readd_hex(wanted)
    if index is None:
        raise Failed("The receipt is not in the log.")
    read = tlog.memory_reader([tlog.leaf_hash(e) for e in entries])
    proof = tlog.inclusion_proof(index, len(entries), read)
    tlog.verify_inclusion(index, len(entries), tlog.leaf_hash(entries[index]), proof, tlog.root(len(entries), read))
    if index in count.adds:
        return f"the receipt is entry {index}, and it is counted"
    return f"the receipt is entry {index}, and it was revoked: it no longer counts"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="the log's address (…/petition-logs/N/) or a directory saved with --save")
    parser.add_argument("--key", required=True, help="the log's verifier key (vkey)")
    parser.add_argument("--receipt", help="a signer's receipt code")
    parser.add_argument("--previous", type=Path, help="a checkpoint saved earlier, to check the log only grew")
    parser.add_argument("--witness", action="append", default=[], help="a witness's verifier key (type 0x04)")
    parser.add_argument("--count", type=int, help="the count the petition page shows")
    parser.add_argument("--save", type=Path, help="save the checkpoint and tiles in this directory")
    args = parser.parse_args(argv)
    try:
        key = signed_note.Verifier.from_vkey(args.key)
        source = Source(args.source, save=args.save)
        note = source.get("checkpoint").decode()
        checkpoint = read_checkpoint(note, key)
        sys.stdout.write(f"checkpoint: {checkpoint.origin}, {checkpoint.size} entries, signed by {key.name}" + "\n")
        entries = fetch_entries(source, checkpoint.size)
        leaves = [tlog.leaf_hash(entry) for entry in entries]
        read = tlog.memory_reader(leaves)
        if tlog.root(checkpoint.size, read) != checkpoint.root_hash:
            raise Failed("The entries do not hash to the root the checkpoint signs.")
        sys.stdout.write("entries: all downloaded; they hash to the signed root" + "\n")
        count = Count()
        for index, entry in enumerate(entries):
            count.apply(index, entry)
        revoked = ", ".join(f"{reason} {n}" for reason, n in sorted(count.revoked.items())) or "none"
        sys.stdout.write(f"count: {count.online + count.paper} ({count.online} online, {count.paper} on paper)" + "\n")
        sys.stdout.write(f"revoked: {revoked}; paper batches counted: {len(count.batches)}" + "\n")
        if args.count is not None and args.count != count.online + count.paper:
            raise Failed(f"The log counts {count.online + count.paper}, not {args.count}.")
        if args.previous is not None:
            old = read_checkpoint(args.previous.read_text(), key)
            if old.origin != checkpoint.origin or old.size > checkpoint.size:
                raise Failed("The previous checkpoint is of another log, or larger than this one.")
            proof = tlog.consistency_proof(old.size, checkpoint.size, read)
            try:
                tlog.verify_consistency(old.size, checkpoint.size, proof, old.root_hash, checkpoint.root_hash)
            except tlog.ProofError as error:
                raise Failed(f"The log was rewritten: {error}") from error
            sys.stdout.write(f"consistency: the log of {old.size} entries is the start of this one" + "\n")
        text, lines = signed_note.split(note)
        for vkey in args.witness:
            witness = signed_note.Verifier.from_vkey(vkey)
            mine = [line for line in lines if line.name == witness.name and line.key_id == witness.key_id]
            if not mine:
                raise Failed(f"{witness.name} has not cosigned this checkpoint.")
            stamp = signed_note.check_cosignature(text, mine[0], witness)
            sys.stdout.write(f"witness: {witness.name} cosigned it (at {stamp})" + "\n")
        if args.receipt:
            sys.stdout.write(f"receipt: {check_receipt(args.receipt, checkpoint.origin, entries, count)}" + "\n")
    except (Failed, signed_note.NoteError, tlog.ProofError) as error:
        sys.stderr.write(f"FAILED: {error}" + "\n")
        return 1
    sys.stdout.write("OK" + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
