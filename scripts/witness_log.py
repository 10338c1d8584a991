#!/usr/bin/env python3
"""Witness a petition's transparency log: what a partner organisation runs.

    python scripts/witness_log.py https://plea.example.org/petition-logs/17/ \\
        --log-key 'plea.example.org/petition-logs+1a2b3c4d+AX...' --state ~/plea-witness

The witness key is read from the environment (PLEA_WITNESS_KEY, a signer key
of type 0x04 made with `manage.py log_key --witness --name witness.example.org/w1`;
give its verifier key to the site's operators, who register it). Each run:

1. fetches the log's checkpoint and checks the log's signature;
2. if this witness has seen the log before (the last checkpoint it cosigned,
   kept in the --state directory), checks that the new checkpoint extends it:
   an RFC 6962 consistency proof between the two roots, built from the log's
   hash tiles and verified against both signed roots;
3. only then cosigns it (c2sp.org/tlog-cosignature, Ed25519), posts the
   cosignature to the log, and remembers the checkpoint.

A log that shrank or rewrote its past is never cosigned: the run stops with
status 2 and both checkpoints are kept in the state directory as evidence.
Run it every few minutes (cron, a systemd timer). Needs Python 3.11+ and
`cryptography`; run it from a checkout of the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import signed_note
from core import transparency_log as tlog


class Refused(Exception):
    """The log is not consistent with what this witness saw: never cosign."""


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def state_file(state: Path, origin: str) -> Path:
    return state / (origin.replace("/", "_") + ".checkpoint")


def witness_once(*, log_url: str, log_key: signed_note.Verifier, witness: signed_note.Signer, state: Path,
                 post: bool = True, now: int | None = None) -> str:  # fmt: skip
    """Check and cosign the log's current checkpoint; the cosigned note."""
    base = log_url.rstrip("/") + "/"
    note = fetch(base + "checkpoint").decode()
    text, _lines = signed_note.open_note(note, log_key)
    checkpoint = tlog.Checkpoint.parse(text)
    saved = state_file(state, checkpoint.origin)
    if saved.exists():
        old_text, _ = signed_note.open_note(saved.read_text(), log_key)
        old = tlog.Checkpoint.parse(old_text)
        if checkpoint.size < old.size:
            raise Refused(f"The log shrank from {old.size} to {checkpoint.size} entries.")
        read = tlog.tile_reader(lambda level, index, width: fetch(base + tlog.tile_path(level, index, width)),
                                checkpoint.size)  # fmt: skip
        proof = tlog.consistency_proof(old.size, checkpoint.size, read)
        try:
            tlog.verify_consistency(old.size, checkpoint.size, proof, old.root_hash, checkpoint.root_hash)
        except tlog.ProofError as error:
            raise Refused(
                f"The log of {checkpoint.size} entries does not extend the one of {old.size}: {error}"
            ) from error
    line = witness.cosignature_line(text, timestamp=int(time.time()) if now is None else now)
    cosigned = text + "\n" + line
    if post:
        request = urllib.request.Request(base + "cosign", data=cosigned.encode(), method="POST",
                                         headers={"Content-Type": "text/plain; charset=utf-8"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=60):
            pass
    state.mkdir(parents=True, exist_ok=True)
    saved.write_text(note)
    return cosigned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", help="the log's address (…/petition-logs/N/)")
    parser.add_argument("--log-key", required=True, help="the log's verifier key (vkey)")
    parser.add_argument("--state", type=Path, required=True, help="where this witness keeps what it has seen")
    parser.add_argument("--no-post", action="store_true", help="print the cosignature instead of posting it")
    args = parser.parse_args(argv)
    try:
        witness = signed_note.Signer.from_skey(os.environ.get("PLEA_WITNESS_KEY", ""))
        log_key = signed_note.Verifier.from_vkey(args.log_key)
        cosigned = witness_once(log_url=args.log, log_key=log_key, witness=witness, state=args.state,
                                post=not args.no_post)  # fmt: skip
    except Refused as error:
        sys.stderr.write(f"NOT COSIGNED, the log is inconsistent: {error}" + "\n")
        return 2
    except (signed_note.NoteError, tlog.ProofError, urllib.error.URLError, OSError) as error:
        sys.stderr.write(f"Not cosigned: {error}" + "\n")
        return 1
    sys.stdout.write(cosigned)
    return 0


if __name__ == "__main__":
    sys.exit(main())
