"""SipHash-2-4 over arrays, against the reference test vectors and a plain implementation."""

from __future__ import annotations

import numpy as np

from sim.architectures.siphash import siphash24

MASK = (1 << 64) - 1
KEY = bytes(range(16))  # the reference vectors' key: 00 01 .. 0f
# SipHash-2-4 of the messages 00, 00 01, ..., 00 01 .. 0e under KEY (the reference
# implementation's vectors.h, lengths 0 to 15).
VECTORS = [
    0x726FDB47DD0E0E31, 0x74F839C593DC67FD, 0x0D6C8009D9A94F5A, 0x85676696D7FB7E2D,
    0xCF2794E0277187B7, 0x18765564CD99A68D, 0xCBC9466E58FEE3CE, 0xAB0200F58B01D137,
    0x93F5F5799A932462, 0x9E0082DF0BA9E4B0, 0x7A5DBBC594DDB9F3, 0xF4B32F46226BADA7,
    0x751E8FBC860EE5FB, 0x14EA5627C0843D90, 0xF723CA908E7AF2EE, 0xA129CA6149BE45E5,
]  # fmt: skip


def _rotate(x: int, bits: int) -> int:
    return ((x << bits) | (x >> (64 - bits))) & MASK


def _plain_siphash24(key: bytes, message: bytes) -> int:
    """SipHash-2-4 as the paper writes it, one message of any length (Python integers)."""
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D]
    v += [k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def rounds(count: int) -> None:
        for _ in range(count):
            v[0] = (v[0] + v[1]) & MASK
            v[1] = _rotate(v[1], 13) ^ v[0]
            v[0] = _rotate(v[0], 32)
            v[2] = (v[2] + v[3]) & MASK
            v[3] = _rotate(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & MASK
            v[3] = _rotate(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & MASK
            v[1] = _rotate(v[1], 17) ^ v[2]
            v[2] = _rotate(v[2], 32)

    whole = len(message) - len(message) % 8
    blocks = [int.from_bytes(message[i : i + 8], "little") for i in range(0, whole, 8)]
    blocks.append(int.from_bytes(message[whole:], "little") | (len(message) & 0xFF) << 56)
    for block in blocks:
        v[3] ^= block
        rounds(2)
        v[0] ^= block
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def test_the_plain_implementation_gives_the_reference_vectors():
    assert [_plain_siphash24(KEY, bytes(range(n))) for n in range(16)] == VECTORS


def test_an_eight_byte_message_gives_the_reference_vector():
    k0, k1 = int.from_bytes(KEY[:8], "little"), int.from_bytes(KEY[8:], "little")
    message = np.array([int.from_bytes(bytes(range(8)), "little")], dtype=np.uint64)
    assert siphash24(k0, k1, message).tolist() == [VECTORS[8]]


def test_arrays_of_keys_and_messages_agree_with_the_plain_implementation():
    rng = np.random.default_rng(7)
    k0, k1, messages = rng.integers(0, 2**64, size=(3, 200), dtype=np.uint64)
    hashed = siphash24(k0, k1, messages).tolist()
    expected = [
        _plain_siphash24(
            int(a).to_bytes(8, "little") + int(b).to_bytes(8, "little"),
            int(m).to_bytes(8, "little"),
        )
        for a, b, m in zip(k0, k1, messages, strict=True)
    ]
    assert hashed == expected


def test_one_key_serves_every_message():
    messages = np.arange(50, dtype=np.uint64)
    keys = np.full(50, 12345, dtype=np.uint64)
    assert (siphash24(12345, 678, messages) == siphash24(keys, 678, messages)).all()
