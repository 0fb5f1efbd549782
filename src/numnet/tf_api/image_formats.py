"""TensorFlow's ``tf.image`` (and ``tf.io``) functions on image files and the YIQ colour
space: decode_bmp (read here, no dependency), decode_gif (Pillow), is_jpeg,
extract_jpeg_shape (the JPEG header read here), rgb_to_yiq and yiq_to_rgb.

    pixels = tf.image.decode_bmp(tf.io.read_file("a.bmp"))        # (h, w, 3) uint8
    frames = tf.image.decode_gif(tf.io.read_file("a.gif"))        # (frames, h, w, 3) uint8
"""

from __future__ import annotations

import io
import struct

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from ..autodiff.symbolic import symbolic_op
from .base import to_float
from .errors import InvalidArgumentError


def _bytes(contents, where: str) -> bytes:
    """The bytes of a scalar string Tensor, bytes or str."""
    value = contents
    if isinstance(value, Tensor):
        value = np.asarray(value.numpy())
        if value.ndim != 0:
            raise InvalidArgumentError(None, None, f"{where}(contents): expected a scalar "
                                                   f"string, given shape {value.shape}.")
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.item()
    if isinstance(value, str):
        value = value.encode("latin-1")
    if not isinstance(value, (bytes, bytearray)):
        raise InvalidArgumentError(None, None, f"{where}(contents): expected the file's bytes "
                                               f"(a string Tensor from tf.io.read_file), given "
                                               f"{type(value).__name__}.")
    return bytes(value)


def _uint8(pixels: np.ndarray) -> Tensor:
    return Tensor(backend.to_device(np.ascontiguousarray(pixels, dtype=np.uint8)))


def decode_bmp(contents, channels=0, name=None) -> Tensor:
    """The pixels of an uncompressed BMP file as (height, width, channels) uint8, as
    TensorFlow's ``tf.io.decode_bmp`` reads them: 24-bit files give RGB, 32-bit RGBA, 8-bit
    the stored bytes as grey levels (the palette is not applied).

    Args:
        contents: the file's bytes (a scalar string Tensor, or bytes).
        channels: 0 (as stored), 1, 3 or 4; when given it must match the file's bits per
            pixel / 8. Defaults to ``0``.
        name: ignored.

    Raises:
        InvalidArgumentError: not a BMP, a compressed or otherwise unsupported one, a
            truncated file, or ``channels`` that do not match the file.

    Example:
        >>> header = b"BM" + (62).to_bytes(4, "little") + bytes(4) + (54).to_bytes(4, "little")
        >>> info = (40).to_bytes(4, "little") + (2).to_bytes(4, "little") * 2
        >>> info += (1).to_bytes(2, "little") + (24).to_bytes(2, "little") + bytes(24)
        >>> rows = bytes([0, 0, 255, 0, 255, 0, 0, 0]) + bytes([255, 0, 0, 9, 9, 9, 0, 0])
        >>> numnet.image.decode_bmp(header + info + rows).numpy()[:, :, 0].tolist()
        [[0, 9], [255, 0]]
    """
    where = "decode_bmp"
    data = _bytes(contents, where)
    if len(data) < 54 or data[:2] != b"BM":
        raise InvalidArgumentError(None, None, f"{where}(contents): not a BMP file (it must "
                                               f"start with 'BM' and hold a 54-byte header).")
    offset = struct.unpack_from("<I", data, 10)[0]
    header_size, width, height, _, bpp, compression = struct.unpack_from("<IiiHHI", data, 14)
    if compression not in (0, 3) or bpp not in (8, 24, 32):
        raise InvalidArgumentError(None, None, f"{where}(contents): only uncompressed 8-, 24- "
                                               f"and 32-bit BMP files are read, given "
                                               f"{bpp}-bit with compression {compression}.")
    depth = bpp // 8
    wanted = int(channels or 0)
    if wanted not in (0, 1, 3, 4):
        raise InvalidArgumentError(None, None, f"{where}(channels): expected 0, 1, 3 or 4, "
                                               f"given {wanted}.")
    if wanted and wanted != depth:
        raise InvalidArgumentError(None, None, f"{where}(channels): {wanted} does not match "
                                               f"the file's bits per pixel / 8 ({depth}); "
                                               f"pass channels=0 or {depth}.")
    top_down = height < 0
    height = abs(height)
    stride = (width * depth + 3) // 4 * 4
    if width <= 0 or offset + stride * height > len(data):
        raise InvalidArgumentError(None, None, f"{where}(contents): the file is truncated or "
                                               f"its header is wrong ({width} x {height}, "
                                               f"{bpp}-bit, {len(data)} bytes).")
    raw = np.frombuffer(data, np.uint8, stride * height, offset).reshape(height, stride)
    pixels = raw[:, :width * depth].reshape(height, width, depth)
    if not top_down:
        pixels = pixels[::-1]
    if depth == 3:
        pixels = pixels[:, :, ::-1]  # stored BGR
    elif depth == 4:
        pixels = pixels[:, :, [2, 1, 0, 3]]  # stored BGRA
    return _uint8(pixels)


def decode_gif(contents, name=None) -> Tensor:
    """Every frame of a GIF file as (num_frames, height, width, 3) uint8 RGB, as
    TensorFlow's ``tf.io.decode_gif`` (each frame drawn over the ones before it). Needs
    Pillow.

    Args:
        contents: the file's bytes (a scalar string Tensor, or bytes).
        name: ignored.

    Raises:
        InvalidArgumentError: the bytes are not a GIF.
        ImportError: Pillow is not installed.

    Example:
        >>> from PIL import Image
        >>> import io
        >>> buffer = io.BytesIO()
        >>> Image.new("RGB", (3, 2), (255, 0, 0)).save(buffer, format="GIF")
        >>> frames = numnet.image.decode_gif(buffer.getvalue())
        >>> frames.shape, frames.numpy()[0, 0, 0].tolist()
        ((1, 2, 3, 3), [255, 0, 0])
    """
    where = "decode_gif"
    data = _bytes(contents, where)
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise InvalidArgumentError(None, None, f"{where}(contents): not a GIF file (it must "
                                               f"start with GIF87a or GIF89a).")
    try:
        from PIL import Image, ImageSequence
    except ImportError:
        raise ImportError(f"{where} needs Pillow to decode GIF files: pip install pillow") \
            from None
    try:
        picture = Image.open(io.BytesIO(data))
        frames = [np.asarray(frame.convert("RGB"), np.uint8)
                  for frame in ImageSequence.Iterator(picture)]
    except Exception as e:  # Pillow's errors differ by defect: one error for all
        raise InvalidArgumentError(None, None, f"{where}(contents): the GIF could not be read "
                                               f"({type(e).__name__}: {e}).") from None
    return _uint8(np.stack(frames))


def is_jpeg(contents, name=None) -> Tensor:
    """Whether ``contents`` starts as a JPEG file does (the bytes FF D8 FF), as TensorFlow's
    ``tf.image.is_jpeg``: a bool Tensor of ``contents``' shape.

    Args:
        contents: string Tensor (any shape), bytes or str.
        name: ignored.

    Example:
        >>> bool(numnet.image.is_jpeg(b"\\xff\\xd8\\xff\\xe0rest"))
        True
    """
    if isinstance(contents, Tensor):
        values = np.asarray(contents.numpy(), dtype=object)
    else:
        values = np.asarray(contents, dtype=object)

    def check(value) -> bool:
        if isinstance(value, str):
            value = value.encode("latin-1")
        return bytes(value)[:3] == b"\xff\xd8\xff"

    result = np.vectorize(check, otypes=[bool])(values) if values.size else np.zeros(
        values.shape, bool)
    return Tensor(backend.to_device(np.asarray(result, dtype=bool)))


# the start-of-frame markers: baseline, extended, progressive, lossless, and their
# arithmetic-coded and hierarchical variants (not DHT C4, JPG C8, DAC CC)
_START_OF_FRAME = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE,
                   0xCF}


def extract_jpeg_shape(contents, output_type=np.int32, name=None) -> Tensor:
    """The (height, width, channels) of a JPEG file read from its header, without decoding
    it, as TensorFlow's ``tf.image.extract_jpeg_shape``.

    Args:
        contents: the file's bytes (a scalar string Tensor, or bytes).
        output_type: int32 or int64. Defaults to ``tf.int32``.
        name: ignored.

    Raises:
        InvalidArgumentError: not a JPEG, or no frame header in it.

    Example:
        >>> sof = b"\\xff\\xc0\\x00\\x11\\x08" + (30).to_bytes(2, "big") + (40).to_bytes(2, "big")
        >>> numnet.image.extract_jpeg_shape(b"\\xff\\xd8" + sof + b"\\x03").numpy().tolist()
        [30, 40, 3]
    """
    where = "extract_jpeg_shape"
    dtype = np.dtype(output_type)
    if dtype not in (np.int32, np.int64):
        raise TypeError(f"{where}(output_type): expected tf.int32 or tf.int64, given {dtype}.")
    data = _bytes(contents, where)
    if data[:2] != b"\xff\xd8":
        raise InvalidArgumentError(None, None, f"{where}(contents): not a JPEG file (it must "
                                               f"start with FF D8).")
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        length = struct.unpack_from(">H", data, at + 2)[0]
        if marker in _START_OF_FRAME and at + 10 <= len(data):
            height, width = struct.unpack_from(">HH", data, at + 5)
            components = data[at + 9]
            return Tensor(backend.to_device(np.asarray([height, width, components], dtype)))
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            break
        at += 2 + length
    raise InvalidArgumentError(None, None, f"{where}(contents): no frame header (SOF marker) "
                                           f"found; the JPEG is truncated or not a JPEG.")


# TensorFlow's RGB -> YIQ matrix (rows R, G, B; columns Y, I, Q) and its inverse
_YIQ = np.array([[0.299, 0.59590059, 0.2115],
                 [0.587, -0.27455667, -0.52273617],
                 [0.114, -0.32134392, 0.31119955]])
_RGB = np.array([[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
                 [0.6208248, -0.64720424, 1.70423049]])


def _colour_map(images, matrix: np.ndarray, where: str) -> Tensor:
    x = to_float(images)
    if x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(f"{where}(images): expected a last axis of size 3, given shape "
                         f"{tuple(x.shape)}.")
    return _ops.matmul(x, Tensor(backend.to_device(matrix.astype(x.dtype))))


def rgb_to_yiq(images) -> Tensor:
    """RGB to YIQ: a linear map of the last axis (Y the luma, I and Q the chroma), with
    TensorFlow's matrix; differentiable.

    Args:
        images: (..., 3) floats, well defined for RGB in [0, 1].

    Returns:
        A float Tensor of ``images``' shape.

    Example:
        >>> [round(v, 4) for v in numnet.image.rgb_to_yiq([[[1.0, 2.0, 3.0]]])[0, 0].tolist()]
        [1.815, -0.9172, 0.0996]
    """
    return _colour_map(images, _YIQ, "rgb_to_yiq")


def yiq_to_rgb(images) -> Tensor:
    """YIQ to RGB, the inverse of rgb_to_yiq (TensorFlow's matrix); differentiable.

    Args:
        images: (..., 3) floats (Y in [0, 1], I in [-0.5957, 0.5957], Q in
            [-0.5226, 0.5226]).

    Returns:
        A float Tensor of ``images``' shape.

    Example:
        >>> [round(v, 4) for v in numnet.image.yiq_to_rgb([[[1.0, 0.0, 0.0]]])[0, 0].tolist()]
        [1.0, 1.0, 1.0]
    """
    return _colour_map(images, _RGB, "yiq_to_rgb")


# called on a functional model's symbolic inputs, the colour maps record a node of its graph,
# as the other tf.image functions do
rgb_to_yiq = symbolic_op(rgb_to_yiq, name="tf.image.rgb_to_yiq")
yiq_to_rgb = symbolic_op(yiq_to_rgb, name="tf.image.yiq_to_rgb")

FORMATS = {
    "decode_bmp": decode_bmp, "decode_gif": decode_gif, "is_jpeg": is_jpeg,
    "extract_jpeg_shape": extract_jpeg_shape, "rgb_to_yiq": rgb_to_yiq, "yiq_to_rgb": yiq_to_rgb,
}
"""The functions of this module, as they join ``tf.image``."""

IO = {"decode_bmp": decode_bmp, "decode_gif": decode_gif, "is_jpeg": is_jpeg,
      "extract_jpeg_shape": extract_jpeg_shape}
"""The functions of this module, as they join ``tf.io``."""
