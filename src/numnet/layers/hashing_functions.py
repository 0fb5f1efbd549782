"""The string hashes of Keras's (TensorFlow's) hashing layers, in pure Python, on bytes:

- ``fingerprint64``: FarmHash's Fingerprint64 (farmhashna::Hash64, Geoff Pike's FarmHash, MIT),
  which ``tf.strings.to_hash_bucket_fast`` and hence ``keras.layers.Hashing`` use;
- ``siphash24``: SipHash-2-4 with a 128-bit key of two 64-bit words, which
  ``tf.strings.to_hash_bucket_strong`` (``Hashing(salt=...)``) uses;
- ``fingerprint_cat64``: TensorFlow's combination of two fingerprints, which
  ``tf.sparse.cross_hashed`` (``keras.layers.HashedCrossing``) folds over the features.

All arithmetic is modulo 2**64, written with Python integers and an explicit mask.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _rotr(v: int, shift: int) -> int:
    return v if shift == 0 else ((v >> shift) | (v << (64 - shift))) & _MASK


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _word(s: bytes, i: int) -> int:
    return int.from_bytes(s[i:i + 8], "little")


def _half(s: bytes, i: int) -> int:
    return int.from_bytes(s[i:i + 4], "little")


def _mix16(u: int, v: int, mul: int) -> int:
    """The 128-to-64-bit mix, Murmur style, with multiplier ``mul``."""
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _upto16(s: bytes) -> int:
    n = len(s)
    if n >= 8:
        mul = (_K2 + 2 * n) & _MASK
        a = (_word(s, 0) + _K2) & _MASK
        b = _word(s, n - 8)
        c = (_rotr(b, 37) * mul + a) & _MASK
        d = ((_rotr(a, 25) + b) * mul) & _MASK
        return _mix16(c, d, mul)
    if n >= 4:
        mul = (_K2 + 2 * n) & _MASK
        return _mix16((n + (_half(s, 0) << 3)) & _MASK, _half(s, n - 4), mul)
    if n > 0:
        y = s[0] + (s[n >> 1] << 8)
        z = n + (s[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _upto32(s: bytes) -> int:
    n = len(s)
    mul = (_K2 + 2 * n) & _MASK
    a = (_word(s, 0) * _K1) & _MASK
    b = _word(s, 8)
    c = (_word(s, n - 8) * mul) & _MASK
    d = (_word(s, n - 16) * _K2) & _MASK
    return _mix16((_rotr((a + b) & _MASK, 43) + _rotr(c, 30) + d) & _MASK,
                  (a + _rotr((b + _K2) & _MASK, 18) + c) & _MASK, mul)


def _upto64(s: bytes) -> int:
    n = len(s)
    mul = (_K2 + 2 * n) & _MASK
    a = (_word(s, 0) * _K2) & _MASK
    b = _word(s, 8)
    c = (_word(s, n - 8) * mul) & _MASK
    d = (_word(s, n - 16) * _K2) & _MASK
    y = (_rotr((a + b) & _MASK, 43) + _rotr(c, 30) + d) & _MASK
    z = _mix16(y, (a + _rotr((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_word(s, 16) * mul) & _MASK
    f = _word(s, 24)
    g = ((y + _word(s, n - 32)) * mul) & _MASK
    h = ((z + _word(s, n - 24)) * mul) & _MASK
    return _mix16((_rotr((e + f) & _MASK, 43) + _rotr(g, 30) + h) & _MASK,
                  (e + _rotr((f + a) & _MASK, 18) + g) & _MASK, mul)


def _weak32(s: bytes, i: int, a: int, b: int) -> tuple:
    """A weak 128-bit hash of the 32 bytes at ``i`` with seeds a, b: (low, high)."""
    w, x, y, z = _word(s, i), _word(s, i + 8), _word(s, i + 16), _word(s, i + 24)
    a = (a + w) & _MASK
    b = _rotr((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotr(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def fingerprint64(data: bytes) -> int:
    """FarmHash Fingerprint64 of ``data`` (bytes), an unsigned 64-bit integer.

    Args:
        data: the bytes to hash (encode strings as UTF-8 first).

    Returns:
        The fingerprint, in [0, 2**64).

    Example:
        >>> fingerprint64(b"") == 0x9AE16A3B2F90404F
        True
    """
    s, n = bytes(data), len(data)
    if n <= 16:
        return _upto16(s)
    if n <= 32:
        return _upto32(s)
    if n <= 64:
        return _upto64(s)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v = (0, 0)
    w = (0, 0)
    x = (x * _K2 + _word(s, 0)) & _MASK
    end = ((n - 1) // 64) * 64
    last64 = n - 64
    i = 0
    while True:
        x = (_rotr((x + y + v[0] + _word(s, i + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rotr((y + v[1] + _word(s, i + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w[1]
        y = (y + v[0] + _word(s, i + 40)) & _MASK
        z = (_rotr((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak32(s, i, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak32(s, i + 32, (z + w[1]) & _MASK, (y + _word(s, i + 16)) & _MASK)
        z, x = x, z
        i += 64
        if i == end:
            break
    mul = (_K1 + ((z & 0xFF) << 1)) & _MASK
    i = last64
    w0 = (w[0] + ((n - 1) & 63)) & _MASK
    v0 = (v[0] + w0) & _MASK
    w0 = (w0 + v0) & _MASK
    v, w = (v0, v[1]), (w0, w[1])
    x = (_rotr((x + y + v[0] + _word(s, i + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotr((y + v[1] + _word(s, i + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v[0] * 9 + _word(s, i + 40)) & _MASK
    z = (_rotr((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak32(s, i, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak32(s, i + 32, (z + w[1]) & _MASK, (y + _word(s, i + 16)) & _MASK)
    z, x = x, z
    return _mix16((_mix16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
                  (_mix16(v[1], w[1], mul) + x) & _MASK, mul)


def _rotl(v: int, shift: int) -> int:
    return ((v << shift) | (v >> (64 - shift))) & _MASK


def siphash24(key: tuple, data: bytes) -> int:
    """SipHash-2-4 of ``data`` under the 128-bit key (k0, k1) (two unsigned 64-bit words).

    Args:
        key: two integers, each taken modulo 2**64.
        data: the bytes to hash.

    Returns:
        The hash, in [0, 2**64).

    Example:
        >>> siphash24((0x0706050403020100, 0x0F0E0D0C0B0A0908), b"") == 0x726FDB47DD0E0E31
        True
    """
    k0, k1 = key[0] & _MASK, key[1] & _MASK
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(count, v0, v1, v2, v3):
        for _ in range(count):
            v0 = (v0 + v1) & _MASK
            v1 = _rotl(v1, 13) ^ v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & _MASK
            v3 = _rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & _MASK
            v3 = _rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & _MASK
            v1 = _rotl(v1, 17) ^ v2
            v2 = _rotl(v2, 32)
        return v0, v1, v2, v3

    s, n = bytes(data), len(data)
    full = n - n % 8
    for i in range(0, full, 8):
        m = _word(s, i)
        v3 ^= m
        v0, v1, v2, v3 = rounds(2, v0, v1, v2, v3)
        v0 ^= m
    last = ((n & 0xFF) << 56) | int.from_bytes(s[full:], "little")
    v3 ^= last
    v0, v1, v2, v3 = rounds(2, v0, v1, v2, v3)
    v0 ^= last
    v2 ^= 0xFF
    v0, v1, v2, v3 = rounds(4, v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def fingerprint_cat64(first: int, second: int) -> int:
    """TensorFlow's FingerprintCat64: two 64-bit fingerprints combined into one.

    Args:
        first, second: unsigned 64-bit integers (each taken modulo 2**64).

    Returns:
        The combination, in [0, 2**64).

    Example:
        >>> 0 <= fingerprint_cat64(1, 2) < 2**64
        True
    """
    mul = 0xC6A4A7935BD1E995
    out = (first & _MASK) ^ mul
    out ^= (_shift_mix(((second & _MASK) * mul) & _MASK) * mul) & _MASK
    out = (out * mul) & _MASK
    out = (_shift_mix(out) * mul) & _MASK
    return _shift_mix(out)


__all__ = ["fingerprint64", "fingerprint_cat64", "siphash24"]
