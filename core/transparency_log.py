"""Append-only Merkle logs in the standard formats: RFC 6962 hashing,
inclusion and consistency proofs (RFC 6962 section 2.1, verified as RFC
9162 section 2.1.3 and 2.1.4 do), checkpoints (c2sp.org/tlog-checkpoint)
and tiles (c2sp.org/tlog-tiles).

The tree is read through a `NodeReader`: a function giving the hash of the
perfect subtree at (level, index), i.e. of leaves index*2**level up to
(index+1)*2**level. A log backed by a database reads its stored tiles; the
offline verifier reads tiles it downloaded; tests read a list of leaves.

Pure Python on hashlib (no Django), so scripts/verify_log.py, the witness
and the static mirror use this very module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

HASH_SIZE = 32
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # hashes (or entries) in a full tile
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeReader = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof, checkpoint or tile that does not verify; the message says which."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than size (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_root(start: int, end: int, read: NodeReader) -> bytes:
    """MTH of leaves [start, end), built from the perfect subtrees in it."""
    size = end - start
    if size <= 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return read(level, start >> level)
    k = _split(size)
    return node_hash(subtree_root(start, start + k, read), subtree_root(start + k, end, read))


def root(size: int, read: NodeReader) -> bytes:
    return subtree_root(0, size, read)


def inclusion_proof(index: int, size: int, read: NodeReader) -> list[bytes]:
    """PATH(index, D[size]) of RFC 6962."""
    if not 0 <= index < size:
        raise ProofError(f"Entry {index} is not in a tree of {size}.")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            proof.append(subtree_root(start + k, end, read))
            end = start + k
        else:
            proof.append(subtree_root(start, start + k, read))
            start += k
    proof.reverse()
    return proof


def consistency_proof(old_size: int, size: int, read: NodeReader) -> list[bytes]:
    """PROOF(old_size, D[size]) of RFC 6962 (SUBPROOF with b = true)."""
    if not 0 <= old_size <= size:
        raise ProofError(f"A tree of {old_size} cannot be a prefix of one of {size}.")
    if old_size in (0, size):
        return []

    def subproof(m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [subtree_root(start, end, read)]
        k = _split(n)
        if m <= k:
            return [*subproof(m, start, start + k, complete), subtree_root(start + k, end, read)]
        return [*subproof(m - k, start + k, end, False), subtree_root(start, start + k, read)]

    return subproof(old_size, 0, size, True)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    if not 0 <= index < size:
        raise ProofError(f"Entry {index} is not in a tree of {size}.")
    if len(leaf) != HASH_SIZE or any(len(h) != HASH_SIZE for h in proof):
        raise ProofError("A hash in the proof is not 32 bytes.")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("The inclusion proof is too long.")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("The inclusion proof is too short.")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes) -> None:
    if root_from_inclusion(index, size, leaf, proof) != expected_root:
        raise ProofError(f"Entry {index} is not in the tree of {size} with this root.")


def verify_consistency(old_size: int, size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes) -> None:
    """Raise ProofError unless the tree (old_size, old_root) is a prefix of (size, new_root)."""
    if not 0 <= old_size <= size:
        raise ProofError(f"A tree of {old_size} cannot be a prefix of one of {size}.")
    if old_size == size or old_size == 0:
        if proof:
            raise ProofError("The consistency proof should be empty.")
        if old_size == size and old_root != new_root:
            raise ProofError("Two trees of the same size have different roots.")
        return
    if not proof or any(len(h) != HASH_SIZE for h in proof):
        raise ProofError("The consistency proof is empty or malformed.")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root starts the path
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("The consistency proof is too long.")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("The consistency proof is too short.")
    if fr != old_root or sr != new_root:
        raise ProofError(f"The tree of {old_size} is not a prefix of the tree of {size}.")


def memory_reader(leaves: Sequence[bytes]) -> NodeReader:
    """A NodeReader over leaf hashes held in memory (memoised)."""
    cache: dict[tuple[int, int], bytes] = {}

    def read(level: int, index: int) -> bytes:
        if level == 0:
            return leaves[index]
        key = (level, index)
        if key not in cache:
            cache[key] = node_hash(read(level - 1, 2 * index), read(level - 1, 2 * index + 1))
        return cache[key]

    return read


# Checkpoints (c2sp.org/tlog-checkpoint): the text a log signs.


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode(), *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise ProofError("A checkpoint is an origin, a size and a root hash, each on its own line.")
        origin, size, encoded, *extensions = lines[:-1]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
            raise ProofError("The checkpoint's origin or size is malformed.")
        try:
            root_hash = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ProofError("The checkpoint's root hash is not base64.") from error
        if len(root_hash) != HASH_SIZE or any(not line for line in extensions):
            raise ProofError("The checkpoint's root hash or extension lines are malformed.")
        return cls(origin=origin, size=int(size), root_hash=root_hash, extensions=tuple(extensions))


# Tiles (c2sp.org/tlog-tiles): where each tile lives and what it holds.


def _encode_index(n: int) -> str:
    """The tile index as path segments: 1234067 -> x001/x234/067."""
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """`tile/<L>/<N>[.p/<W>]`: a hash tile, partial when narrower than 256."""
    if not 0 < width <= TILE_WIDTH:
        raise ValueError("A tile holds 1 to 256 hashes.")
    partial = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{level}/{_encode_index(index)}{partial}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """`tile/entries/<N>[.p/<W>]`: an entry bundle."""
    return "tile/entries/" + tile_path(0, index, width).removeprefix("tile/0/")


def parse_tile_path(path: str) -> tuple[str | int, int, int]:
    """(level or "entries", index, width) from a tile path; ValueError if malformed."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise ValueError(path)
    level, rest = parts[1], parts[2:]
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        if not rest[-1].isdigit() or rest[-1].startswith("0") or not 0 < int(rest[-1]) < TILE_WIDTH:
            raise ValueError(path)
        width = int(rest[-1])
        rest = [*rest[:-2], rest[-2].removesuffix(".p")]
    *prefixes, last = rest
    if any(len(p) != 4 or p[0] != "x" or not p[1:].isdigit() for p in prefixes):
        raise ValueError(path)
    if len(last) != 3 or not last.isdigit():
        raise ValueError(path)
    digits = "".join(p[1:] for p in prefixes) + last
    index = int(digits)
    if _encode_index(index) != "/".join(rest):  # one path per tile: no leading x000
        raise ValueError(path)
    if level == "entries":
        return level, index, width
    if not level.isdigit() or (level != "0" and level.startswith("0")) or int(level) > 63:
        raise ValueError(path)
    return int(level), index, width


def tile_widths(level: int, size: int) -> tuple[int, int]:
    """How many full tiles a tree of `size` has at `level`, and the width of
    the partial one after them (0 if none)."""
    nodes = size >> (TILE_HEIGHT * level)
    return nodes // TILE_WIDTH, nodes % TILE_WIDTH


def tile_hashes(level: int, index: int, width: int, read: NodeReader) -> bytes:
    """A hash tile's content: the hashes of tree level 8*level, nodes
    index*256 onwards, `width` of them."""
    first = index * TILE_WIDTH
    return b"".join(read(TILE_HEIGHT * level, first + i) for i in range(width))


def tile_reader(fetch: Callable[[int, int, int], bytes], size: int) -> NodeReader:
    """A NodeReader over hash tiles: `fetch(level, index, width)` returns a
    tile's bytes (full, or the partial one at the right edge of `size`)."""
    tiles: dict[tuple[int, int], bytes] = {}

    def tile(level: int, index: int) -> bytes:
        if (level, index) not in tiles:
            full, partial = tile_widths(level, size)
            width = TILE_WIDTH if index < full else partial
            if index > full or width == 0:
                raise ProofError(f"Tile {level}/{index} is beyond the tree of {size}.")
            data = fetch(level, index, width)
            if len(data) != width * HASH_SIZE:
                raise ProofError(f"Tile {level}/{index} is {len(data)} bytes, not {width * HASH_SIZE}.")
            tiles[level, index] = data
        return tiles[level, index]

    def read(level: int, index: int) -> bytes:
        tile_level, rest = divmod(level, TILE_HEIGHT)
        # A node at `rest` levels above tile_level's row: from 2**rest hashes of that row.
        first = index << rest
        hashes = []
        for i in range(first, first + (1 << rest)):
            data = tile(tile_level, i // TILE_WIDTH)
            offset = (i % TILE_WIDTH) * HASH_SIZE
            hashes.append(data[offset : offset + HASH_SIZE])
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    return read


def bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length and its bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) >= 1 << 16:
            raise ValueError("An entry is at most 65535 bytes.")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def unbundle(data: bytes) -> list[bytes]:
    entries, at = [], 0
    while at < len(data):
        if at + 2 > len(data):
            raise ProofError("The entry bundle is cut short.")
        length = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + length > len(data):
            raise ProofError("The entry bundle is cut short.")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    return entries
