"""Signed notes and cosignatures against the published examples: the Go
`note` package's PeterNeumann key (golang.org/x/mod/sumdb/note, quoted by
c2sp.org/signed-note's implementations) and the type 0x01/0x04 verifier keys
of transparency-dev/formats."""

import pytest

from core import signed_note as sn

SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
NOTE = (
    TEXT
    + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    + "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_the_example_reproduces_the_published_note_byte_for_byte():
    signer = sn.Signer.from_skey(SKEY)
    assert signer.verifier.vkey == VKEY
    assert signer.skey == SKEY
    assert sn.sign(TEXT, signer) == NOTE


def test_the_published_note_opens_with_its_key_and_not_when_changed():
    verifier = sn.Verifier.from_vkey(VKEY)
    text, [line] = sn.open_note(NOTE, verifier)
    assert text == TEXT
    assert line.name == "PeterNeumann"
    with pytest.raises(sn.NoteError):
        sn.open_note(NOTE.replace("cryptography", "cryptographY"), verifier)
    other = sn.Signer.generate("PeterNeumann").verifier
    with pytest.raises(sn.NoteError, match="not signed"):
        sn.open_note(NOTE, other)


@pytest.mark.parametrize(
    ("vkey", "algorithm"),
    [
        ("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6", sn.ED25519),  # a '+' in the base64
        ("remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2", sn.COSIGNATURE_V1),
    ],
)
def test_published_verifier_keys_parse_and_print_back(vkey, algorithm):
    verifier = sn.Verifier.from_vkey(vkey)
    assert verifier.algorithm == algorithm
    assert verifier.vkey == vkey


@pytest.mark.parametrize(
    "vkey",
    [
        VKEY.replace("c74f20a3", "c74f20a4"),  # wrong key ID
        VKEY.replace("PeterNeumann", "Peter Neumann"),
        "PeterNeumann+c74f20a3",
        VKEY[:-4],
    ],
)
def test_mangled_verifier_keys_are_refused(vkey):
    with pytest.raises(sn.NoteError):
        sn.Verifier.from_vkey(vkey)


def test_a_witness_cosignature_verifies_over_the_checkpoint_and_its_time():
    checkpoint = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    witness = sn.Signer.generate("witness.example.com/w1", algorithm=sn.COSIGNATURE_V1)
    line = witness.cosignature_line(checkpoint, timestamp=1679315147)
    _, [parsed] = sn.split(checkpoint + "\n" + line)
    assert sn.check_cosignature(checkpoint, parsed, witness.verifier) == 1679315147
    assert sn.cosigned_message(checkpoint, timestamp=1679315147).startswith(b"cosignature/v1\ntime 1679315147\n")
    with pytest.raises(sn.NoteError):
        sn.check_cosignature(checkpoint.replace("20852163", "20852164"), parsed, witness.verifier)


@pytest.mark.parametrize(
    "note",
    [
        "no blank line\n",
        TEXT + "\n",
        TEXT + "\n- PeterNeumann AAAA\n",
        TEXT + "\n\u2014 PeterNeumann !!!\n",
        "a\x07\n\n" + NOTE[-100:],
    ],
)
def test_malformed_notes_are_refused(note):
    with pytest.raises(sn.NoteError):
        sn.open_note(note, sn.Verifier.from_vkey(VKEY))
