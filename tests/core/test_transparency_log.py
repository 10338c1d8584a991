"""The Merkle log kernel against the published RFC 6962 test vectors
(transparency-dev/merkle, testonly/constants.go and proof/verify_test.go),
and against itself on random trees."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import transparency_log as tlog

LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                      "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
READ = tlog.memory_reader([tlog.leaf_hash(leaf) for leaf in LEAVES])
h = bytes.fromhex

# (leaf index, tree size, proof): the vectors' leaf numbers are 1-based.
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (0, 1, []),
]  # fmt: skip
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_published_vectors(size):
    assert tlog.root(size, READ).hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_the_published_vectors_and_verify(index, size, proof):
    proof = [h(p) for p in proof]
    assert tlog.inclusion_proof(index, size, READ) == proof
    tlog.verify_inclusion(index, size, tlog.leaf_hash(LEAVES[index]), proof, h(ROOTS[size]))


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION[:4])
def test_a_tampered_inclusion_proof_is_refused(index, size, proof):
    proof = [h(p) for p in proof]
    leaf, root = tlog.leaf_hash(LEAVES[index]), h(ROOTS[size])
    bad = [
        (index + 1, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size, tlog.leaf_hash(b"WrongLeaf"), proof, root),
        (index, size, leaf, proof, tlog.EMPTY_ROOT),
        (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [root, *proof], root),
        (index, size, leaf, proof[:-1], root),
        (index, size, leaf, [bytes([proof[0][0] ^ 8]) + proof[0][1:], *proof[1:]], root),
    ]
    for args in bad:
        with pytest.raises(tlog.ProofError):
            tlog.verify_inclusion(*args)


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_published_vectors_and_verify(old, new, proof):
    proof = [h(p) for p in proof]
    assert tlog.consistency_proof(old, new, READ) == proof
    tlog.verify_consistency(old, new, proof, h(ROOTS[old]), h(ROOTS[new]))


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY[1:])
def test_a_tampered_consistency_proof_is_refused(old, new, proof):
    proof = [h(p) for p in proof]
    r1, r2 = h(ROOTS[old]), h(ROOTS[new])
    bad = [
        (old - 1, new, proof, r1, r2),
        (old + 1, new, proof, r1, r2),
        (old, new, proof, r2, r1),
        (old, new, [], r1, r2),
        (old, new, [*proof, r1], r1, r2),
        (old, new, [r2, *proof], r1, r2),
        (old, new, proof[:-1], r1, r2),
        (old, new, [bytes([proof[0][0] ^ 16]) + proof[0][1:], *proof[1:]], r1, r2),
    ]
    for args in bad:
        with pytest.raises(tlog.ProofError):
            tlog.verify_consistency(*args)


leaves_strategy = st.lists(st.binary(max_size=8), min_size=1, max_size=70)


@given(leaves=leaves_strategy, data=st.data())
def test_every_inclusion_and_consistency_proof_verifies(leaves, data):
    read = tlog.memory_reader([tlog.leaf_hash(leaf) for leaf in leaves])
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    root, old_root = tlog.root(size, read), tlog.root(old, read)
    assert root == _naive_root([tlog.leaf_hash(leaf) for leaf in leaves[:size]])
    tlog.verify_inclusion(index, size, tlog.leaf_hash(leaves[index]), tlog.inclusion_proof(index, size, read), root)
    tlog.verify_consistency(old, size, tlog.consistency_proof(old, size, read), old_root, root)


def _naive_root(hashes):
    """MTH written straight from RFC 6962 section 2.1."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return tlog.node_hash(_naive_root(hashes[:k]), _naive_root(hashes[k:]))


@given(size=st.integers(1, 1400), data=st.data())
def test_a_tree_read_through_its_tiles_has_the_same_root_and_proofs(size, data):
    hashes = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(size)]
    read = tlog.memory_reader(hashes)

    def fetch(level, index, width):
        return tlog.tile_hashes(level, index, width, read)

    tiled = tlog.tile_reader(fetch, size)
    assert tlog.root(size, tiled) == tlog.root(size, read)
    index = data.draw(st.integers(0, size - 1))
    assert tlog.inclusion_proof(index, size, tiled) == tlog.inclusion_proof(index, size, read)


@pytest.mark.parametrize(
    ("level", "index", "width", "path"),
    [
        (0, 0, 256, "tile/0/000"),
        (0, 1234067, 256, "tile/0/x001/x234/067"),
        (1, 12, 7, "tile/1/012.p/7"),
        (2, 1000, 256, "tile/2/x001/000"),
    ],
)
def test_tile_paths_follow_tlog_tiles(level, index, width, path):
    assert tlog.tile_path(level, index, width) == path
    assert tlog.parse_tile_path(path) == (level, index, width)


@pytest.mark.parametrize(
    "path", ["tile/0/1", "tile/0/x000/001", "tile/0/001.p/256", "tile/0/001.p/0", "tile/00/001", "tile/0/x1/001"]
)
def test_malformed_tile_paths_are_refused(path):
    with pytest.raises(ValueError):
        tlog.parse_tile_path(path)


def test_entry_bundles_are_length_prefixed():
    assert tlog.entries_path(1234067, 5) == "tile/entries/x001/x234/067.p/5"
    data = tlog.bundle([b"add ab", b""])
    assert data == b"\x00\x06add ab\x00\x00"
    assert tlog.unbundle(data) == [b"add ab", b""]
    with pytest.raises(tlog.ProofError):
        tlog.unbundle(data[:-3])


def test_the_checkpoint_example_of_tlog_checkpoint_round_trips():
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = tlog.Checkpoint.parse(text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text == text
    with_extension = tlog.Checkpoint(origin="o", size=0, root_hash=tlog.EMPTY_ROOT, extensions=("count 0",))
    assert tlog.Checkpoint.parse(with_extension.text) == with_extension
    for bad in ("o\n01\n" + text.split("\n")[2] + "\n", "o\n1\nxx\n", "o\n1\n", "\n1\nCsUY\n"):
        with pytest.raises(tlog.ProofError):
            tlog.Checkpoint.parse(bad)
