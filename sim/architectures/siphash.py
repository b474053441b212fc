"""SipHash-2-4 of 8-byte messages, over whole arrays at once (numpy).

SipHash (Aumasson and Bernstein, 2012) is a keyed pseudorandom function: with
a secret 128-bit key, its output tells nothing about the message, and outputs
under another key tell nothing about these. Here every message is one 64-bit
word, the 8 bytes of an integer in little-endian order, so each array element
is hashed by one compression of the message block, one of the final block
(the length, 8, in the top byte) and the finalisation: the reference
algorithm, written as array operations so that a million codes are hashed in
one pass rather than one call each. Checked against the reference test vectors
(``tests/test_siphash.py``).
"""

from __future__ import annotations

import numpy as np

# The initial state's constants: "somepseudorandomlygeneratedbytes" in ASCII.
_INIT = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)
_FINAL_BLOCK = np.uint64(8 << 56)  # an 8-byte message: its length in the top byte, no tail


def siphash24(k0: np.ndarray, k1: np.ndarray, message: np.ndarray) -> np.ndarray:
    """SipHash-2-4 of each 8-byte ``message`` under the key (``k0``, ``k1``), as uint64.

    ``k0`` and ``k1`` are the key's two little-endian 64-bit halves, one per
    message or one for all (broadcast); ``message`` holds the messages as
    little-endian 64-bit words.
    """
    m = np.asarray(message, dtype=np.uint64)
    k0, k1 = np.asarray(k0, dtype=np.uint64), np.asarray(k1, dtype=np.uint64)
    shape = np.broadcast_shapes(m.shape, k0.shape, k1.shape)
    keys = (k0, k1, k0, k1)
    v = [np.broadcast_to(k ^ np.uint64(c), shape).copy() for k, c in zip(keys, _INIT, strict=True)]
    v[3] ^= m
    _rounds(v, 2)
    v[0] ^= m
    v[3] ^= _FINAL_BLOCK
    _rounds(v, 2)
    v[0] ^= _FINAL_BLOCK
    v[2] ^= np.uint64(0xFF)
    _rounds(v, 4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _rounds(v: list[np.ndarray], count: int) -> None:
    """``count`` SipRounds on the state ``v``, in place (additions wrap modulo 2**64)."""
    v0, v1, v2, v3 = v
    spare = np.empty_like(v0)
    for _ in range(count):
        v0 += v1
        _rotate_left(v1, 13, spare)
        v1 ^= v0
        _rotate_left(v0, 32, spare)
        v2 += v3
        _rotate_left(v3, 16, spare)
        v3 ^= v2
        v0 += v3
        _rotate_left(v3, 21, spare)
        v3 ^= v0
        v2 += v1
        _rotate_left(v1, 17, spare)
        v1 ^= v2
        _rotate_left(v2, 32, spare)


def _rotate_left(x: np.ndarray, bits: int, spare: np.ndarray) -> None:
    """Rotate each 64-bit word of ``x`` left by ``bits``, in place (``spare``: scratch)."""
    left, right = _SHIFTS[bits]
    np.right_shift(x, right, out=spare)
    np.left_shift(x, left, out=x)
    x |= spare


_SHIFTS = {bits: (np.uint64(bits), np.uint64(64 - bits)) for bits in (13, 16, 17, 21, 32)}
