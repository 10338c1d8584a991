"""Signed notes (c2sp.org/signed-note) with Ed25519, and witness
cosignatures (c2sp.org/tlog-cosignature, the Ed25519 type 0x04).

A note is UTF-8 text ending in a newline, a blank line, then one line per
signature: an em dash, the key name, and base64(4-byte key ID || signature).
Keys travel in the Go `note` package's encodings, so existing transparency
tooling reads ours and ours reads theirs:

    verifier key  <name>+<hex key ID>+base64(0x01 || 32-byte public key)
    signer key    PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte seed)

Pure Python on `cryptography` (no Django), so the offline verifier in
scripts/ and the static mirror use this very module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
# Verifiers must accept at least 16 signatures; more than this is not a note of ours.
MAX_SIGNATURES = 64
_DASH = "\u2014 "


class NoteError(ValueError):
    """A key or note that is malformed or does not verify; the message says which."""


def key_id(name: str, algorithm: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || newline || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def _check_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"A key name must be non-empty, without spaces or '+': {name!r}")


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key under a name: checks signature lines made with it."""

    name: str
    public_key: bytes
    algorithm: int = ED25519

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public_key)

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        # The base64 may itself hold a '+': split off the name and ID only.
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("A verifier key reads <name>+<key ID>+<key>.")
        name, hex_id, material = parts
        _check_name(name)
        try:
            raw = base64.b64decode(material, validate=True)
            wanted = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError) as error:
            raise NoteError("The verifier key is not valid hex and base64.") from error
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1) or len(wanted) != 4:
            raise NoteError("Only Ed25519 verifier keys (types 0x01 and 0x04) are understood.")
        verifier = cls(name=name, public_key=raw[1:], algorithm=raw[0])
        if verifier.key_id != wanted:
            raise NoteError("The verifier key's ID does not match its name and key.")
        return verifier

    def _check(self, message: bytes, signature: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError) as error:
            raise NoteError(f"The signature by {self.name} does not verify.") from error


@dataclass(frozen=True)
class Signer:
    """A private key under a name: makes signature lines."""

    name: str
    private_key: Ed25519PrivateKey
    algorithm: int = ED25519

    @property
    def verifier(self) -> Verifier:
        return Verifier(name=self.name, public_key=_raw(self.private_key.public_key()), algorithm=self.algorithm)

    @classmethod
    def generate(cls, name: str, *, algorithm: int = ED25519) -> Signer:
        _check_name(name)
        return cls(name=name, private_key=Ed25519PrivateKey.generate(), algorithm=algorithm)

    @classmethod
    def from_seed(cls, name: str, seed: bytes, *, algorithm: int = ED25519) -> Signer:
        _check_name(name)
        return cls(name=name, private_key=Ed25519PrivateKey.from_private_bytes(seed), algorithm=algorithm)

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("A signer key reads PRIVATE+KEY+<name>+<key ID>+<key>.")
        _, _, name, hex_id, material = parts
        try:
            raw = base64.b64decode(material, validate=True)
        except binascii.Error as error:
            raise NoteError("The signer key is not valid base64.") from error
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("Only Ed25519 signer keys (types 0x01 and 0x04) are understood.")
        signer = cls.from_seed(name, raw[1:], algorithm=raw[0])
        if signer.verifier.key_id.hex() != hex_id.lower():
            raise NoteError("The signer key's ID does not match its name and key.")
        return signer

    @property
    def skey(self) -> str:
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        material = base64.b64encode(bytes([self.algorithm]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{material}"

    def signature_line(self, text: str) -> str:
        """The line this key adds under `text` (a note's text, ending in a newline)."""
        _check_text(text)
        signature = self.private_key.sign(text.encode())
        return _line(self.name, self.verifier.key_id + signature)

    def cosignature_line(self, text: str, *, timestamp: int) -> str:
        """A tlog-cosignature/v1 line over a checkpoint's text, made at `timestamp`."""
        _check_text(text)
        if self.algorithm != COSIGNATURE_V1:
            raise NoteError("Cosignatures are made with a witness key (type 0x04).")
        signature = self.private_key.sign(cosigned_message(text, timestamp=timestamp))
        return _line(self.name, self.verifier.key_id + struct.pack(">Q", timestamp) + signature)


def _line(name: str, blob: bytes) -> str:
    return f"{_DASH}{name} {base64.b64encode(blob).decode()}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("A note's text ends in a newline.")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise NoteError("A note holds no control characters other than newline.")


def cosigned_message(text: str, *, timestamp: int) -> bytes:
    if not 0 <= timestamp < 2**63:
        raise NoteError("A cosignature's time is out of range.")
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


def sign(text: str, *signers: Signer) -> str:
    """The signed note: the text, a blank line, one line per signer."""
    return text + "\n" + "".join(signer.signature_line(text) for signer in signers)


@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: bytes
    blob: bytes  # the signature, after the key ID
    line: str

    @property
    def timestamp(self) -> int | None:
        """A cosignature's time (its first 8 bytes), if it is one."""
        return struct.unpack(">Q", self.blob[:8])[0] if len(self.blob) == 72 else None


def split(note: str) -> tuple[str, list[SignatureLine]]:
    """The text and the signature lines of a note, unverified."""
    if "\n\n" not in note or not note.endswith("\n"):
        raise NoteError("A note is text, a blank line and signature lines.")
    cut = note.rindex("\n\n")
    text, lines = note[: cut + 1], note[cut + 2 :].splitlines(keepends=True)
    _check_text(text)
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError("A note carries between 1 and 64 signatures.")
    parsed = []
    for line in lines:
        if not line.startswith(_DASH) or line.count(" ") != 2:
            raise NoteError("A signature line reads '\u2014 <name> <base64>'.")
        name, encoded = line[len(_DASH) :].rstrip("\n").split(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise NoteError("A signature is not valid base64.") from error
        if len(blob) < 5:
            raise NoteError("A signature is too short.")
        parsed.append(SignatureLine(name=name, key_id=blob[:4], blob=blob[4:], line=line))
    return text, parsed


def open_note(note: str, verifier: Verifier) -> tuple[str, list[SignatureLine]]:
    """The text of a note that `verifier` signed, and all its signature lines.
    Raises NoteError if the key did not sign it or any of its lines fails."""
    text, lines = split(note)
    found = False
    for line in lines:
        if line.name == verifier.name and line.key_id == verifier.key_id:
            verifier._check(text.encode(), line.blob)
            found = True
    if not found:
        raise NoteError(f"The note is not signed by {verifier.name}.")
    return text, lines


def check_cosignature(text: str, line: SignatureLine, witness: Verifier) -> int:
    """Verify a witness's cosignature line over a checkpoint's text; its time."""
    if witness.algorithm != COSIGNATURE_V1:
        raise NoteError("A witness key is of type 0x04.")
    if line.name != witness.name or line.key_id != witness.key_id or line.timestamp is None:
        raise NoteError(f"The line is not a cosignature by {witness.name}.")
    witness._check(cosigned_message(text, timestamp=line.timestamp), line.blob[8:])
    return line.timestamp
