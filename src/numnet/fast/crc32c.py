"""CRC-32C (Castagnoli) checksums and the framing of TFRecord files, in NumPy: what
``numnet.data.TFRecordDataset`` / ``tf.io.TFRecordWriter`` read and write and what the
TensorBoard callback's event files are made of.

A record is framed as TensorFlow frames it::

    uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes
    | length bytes of data        | uint32 masked CRC-32C of the data

where the mask of a checksum ``c`` is ``((c >> 15) | (c << 17)) + 0xa282ead8`` modulo 2**32.

The checksum is table-driven: a long buffer (from 4 KiB) over 1 KiB lanes at once, the lanes'
checksums then chained by a precomputed "1 KiB of zeros" map; many short buffers stacked as
the columns of one array (timings: bench/RESULTS.md, "CRC-32C").
"""

from __future__ import annotations

import struct

import numpy as np

_POLY = 0x82F63B78  # the Castagnoli polynomial, bit-reversed


def _make_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()
_TABLE_NP = np.array(_TABLE, dtype=np.uint32)
_LANE = 1024  # bytes a lane in the vectorised checksum
_LONG = 4096  # from this length on, the vectorised checksum
_ZEROS_MAP: list[np.ndarray] = []  # 4 tables: the register after _LANE zero bytes, by byte


def _register(crc: int, data) -> int:
    """The CRC register after ``data`` from ``crc`` (no final inversion)."""
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def _zeros_map() -> list[np.ndarray]:
    """The register after ``_LANE`` zero bytes, as a linear map of the starting register: one
    table for each of its four bytes, XORed together."""
    if not _ZEROS_MAP:
        starts = np.concatenate([np.arange(256, dtype=np.uint32) << np.uint32(8 * k)
                                 for k in range(4)])
        crc = starts
        for _ in range(_LANE):
            crc = _TABLE_NP[crc & 0xFF] ^ (crc >> 8)
        _ZEROS_MAP.extend(crc.reshape(4, 256))
    return _ZEROS_MAP


def _register_long(crc: int, data) -> int:
    """``_register`` for a long buffer: its whole lanes of ``_LANE`` bytes at once (each
    from a zero register), then chained: register(c, A + B) = zeros(c, len B) ^ register(0,
    B), since the register is linear in the start and the data together."""
    view = np.frombuffer(data, dtype=np.uint8)
    head = view.size % _LANE
    crc = _register(crc, view[:head].tobytes())
    lanes = view[head:].reshape(-1, _LANE).T.copy()  # (lane byte, lane): rows contiguous
    lane_crcs = np.zeros(lanes.shape[1], dtype=np.uint32)
    for column in lanes:
        lane_crcs = _TABLE_NP[(lane_crcs ^ column) & 0xFF] ^ (lane_crcs >> 8)
    t0, t1, t2, t3 = (table.tolist() for table in _zeros_map())
    for lane_crc in lane_crcs.tolist():
        crc = (t0[crc & 0xFF] ^ t1[(crc >> 8) & 0xFF] ^ t2[(crc >> 16) & 0xFF]
               ^ t3[crc >> 24] ^ lane_crc)
    return crc


def crc32c(data) -> int:
    """The CRC-32C (Castagnoli) checksum of ``data`` (bytes-like), as TFRecord files use.

    Example:
        >>> hex(crc32c(b"123456789"))                  # the standard check value
        '0xe3069283'
    """
    data = memoryview(data).cast("B")
    if len(data) >= _LONG:
        return _register_long(0xFFFFFFFF, data) ^ 0xFFFFFFFF
    return _register(0xFFFFFFFF, data) ^ 0xFFFFFFFF


def crc32c_many(chunks: list) -> list[int]:
    """The CRC-32C of each of many byte strings, as ``[crc32c(c) for c in chunks]`` but
    vectorised: strings of similar length are stacked, right-aligned behind zero bytes (zeros
    before a zero register leave it zero), as the columns of one array, and the table step runs
    over all of them at once. The starting register 0xFFFFFFFF is folded into the data: it is
    the same as a zero register with the first four bytes complemented.

    Example:
        >>> crc32c_many([b"123456789", b"", b"a"]) == [crc32c(b"123456789"), 0, crc32c(b"a")]
        True
    """
    out = [0] * len(chunks)
    short = []
    for index, chunk in enumerate(chunks):
        if len(chunk) >= _LONG or len(chunk) < 4:
            out[index] = crc32c(chunk)
        else:
            short.append(index)
    if len(short) < 8:
        for index in short:
            out[index] = crc32c(chunks[index])
        return out
    short.sort(key=lambda i: len(chunks[i]))
    start = 0
    while start < len(short):
        low = len(chunks[short[start]])
        stop = start + 1
        while (stop < len(short) and stop - start < 4096
               and len(chunks[short[stop]]) <= low + low // 4 + 64):
            stop += 1
        group = short[start:stop]
        width = len(chunks[group[-1]])
        rows = np.frombuffer(b"".join(bytes(width - len(chunks[i])) + bytes(chunks[i])
                                      for i in group), dtype=np.uint8).reshape(len(group), width)
        rows = rows.copy()
        first = width - np.array([len(chunks[i]) for i in group])
        line = np.arange(len(group))
        for k in range(4):
            rows[line, first + k] ^= 0xFF
        crc = np.zeros(len(group), dtype=np.uint32)
        for column in rows.T.copy():
            crc = _TABLE_NP[(crc ^ column) & 0xFF] ^ (crc >> 8)
        for index, value in zip(group, (crc ^ np.uint32(0xFFFFFFFF)).tolist()):
            out[index] = value
        start = stop
    return out


def _mask(crc: int) -> int:
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def masked_crc32c(data) -> int:
    """The masked CRC-32C that a TFRecord stores: the checksum rotated right by 15 bits plus
    0xa282ead8, modulo 2**32.

    Example:
        >>> masked_crc32c(b"")
        2726488792
    """
    return _mask(crc32c(data))


def frame(data: bytes) -> bytes:
    """One record as it is written to a TFRecord file: length, its masked CRC, the data and
    the data's masked CRC."""
    return frame_many([data])


def frame_many(records: list) -> bytes:
    """Records framed one after another, their checksums computed together."""
    lengths = [struct.pack("<Q", len(data)) for data in records]
    crcs = crc32c_many(lengths + list(records))
    parts = []
    for index, data in enumerate(records):
        parts += (lengths[index], struct.pack("<I", _mask(crcs[index])), data,
                  struct.pack("<I", _mask(crcs[len(records) + index])))
    return b"".join(parts)
