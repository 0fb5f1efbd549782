"""Keras's image helpers: array_to_img, img_to_array, load_img, save_img, smart_resize.

Images are PIL images (Pillow, optional: pip install pillow); arrays are (height, width,
channels) with data_format="channels_last" (Keras's default) or (channels, height, width)
with "channels_first". ``img_to_array`` also takes any array-like, so it works without Pillow.
"""

from __future__ import annotations

import io
import os

import numpy as np

from .. import backend

INSTALL_HINT = "pip install pillow"

_RESAMPLE = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"Images need Pillow (PIL), which is not installed: {INSTALL_HINT}. "
                          "img_to_array works on arrays without it.") from None
    return Image


def _data_format(data_format, where: str) -> str:
    if data_format is None:
        from ..config import image_data_format

        data_format = image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{where}(data_format): expected 'channels_last' or 'channels_first', "
                         f"given {data_format!r}.")
    return data_format


def array_to_img(x, data_format=None, scale: bool = True, dtype=None):
    """A PIL image from a 3-D array of 1 (grayscale), 3 (RGB) or 4 (RGBA) channels.

    Args:
        x: array of shape (height, width, channels) (channels first with
            data_format="channels_first").
        data_format: "channels_last" or "channels_first". Defaults to
            ``numnet.config.image_data_format()``.
        scale: stretch the values to [0, 255] (minimum to 0, maximum to 255). Defaults to True.
        dtype: the dtype the array is read as. Defaults to floatx ("float32").

    Raises:
        ImportError: Pillow is not installed (pip install pillow).
        ValueError: an array that is not 3-D or has another number of channels.

    Example::

        >>> array_to_img(np.zeros((4, 6, 3))).size
        (6, 4)
    """
    image = _pil()
    data_format = _data_format(data_format, "array_to_img")
    x = np.asarray(backend.to_numpy(getattr(x, "value", x)), dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"array_to_img(x): expected a 3-D image array (height, width, "
                         f"channels), given shape {x.shape}.")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit integer grayscale
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img(x): expected 1, 3 or 4 channels, given {channels} (shape "
                     f"{x.shape}, data_format={data_format!r}).")


def img_to_array(img, data_format=None, dtype=None) -> np.ndarray:
    """A PIL image (or any array-like) as a 3-D array: (height, width, channels), a grayscale
    image with one channel; (channels, height, width) with data_format="channels_first".

    Args:
        img: a PIL image, or an array of shape (height, width) or (height, width, channels).
        data_format: defaults to ``numnet.config.image_data_format()`` ("channels_last").
        dtype: defaults to floatx ("float32").

    Example::

        >>> img_to_array(np.ones((2, 3))).shape
        (2, 3, 1)
    """
    data_format = _data_format(data_format, "img_to_array")
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 2:
        return x.reshape((1,) + x.shape) if data_format == "channels_first" \
            else x.reshape(x.shape + (1,))
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    raise ValueError(f"img_to_array(img): expected an image of 2 or 3 axes, given shape "
                     f"{x.shape}.")


def save_img(path, x, data_format=None, file_format=None, scale: bool = True, **kwargs) -> None:
    """Write the array ``x`` as an image file (the format from ``file_format`` or the file's
    extension; an RGBA array saved as JPEG loses its alpha channel). Needs Pillow.

    Args:
        path: the image file to write.
        x: an array of shape (height, width, channels) (or (height, width)).
        data_format: 'channels_last' or None. Defaults to ``None``.
        file_format: the image format ('png', 'jpeg', ...); None for the file's extension. Defaults
            to ``None``.
        scale: rescale the values to [0, 255] first. Defaults to ``True``.
        **kwargs: passed on to Pillow's ``save``.
    """
    data_format = _data_format(data_format, "save_img")
    img = array_to_img(x, data_format=data_format, scale=scale)
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    jpeg = (file_format or "").lower() in ("jpg", "jpeg") or (
        file_format is None and name is not None and name.lower().endswith((".jpg", ".jpeg")))
    if img.mode == "RGBA" and jpeg:
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode: str = "rgb", target_size=None, interpolation: str = "nearest",
             keep_aspect_ratio: bool = False):
    """Read an image file as a PIL image, as Keras's ``load_img``.

    Args:
        path: a file path or an io.BytesIO.
        color_mode: "rgb" (default), "rgba" or "grayscale".
        target_size: (height, width) to resize to, or None (as it is).
        interpolation: resampling for the resize: "nearest" (default), "bilinear",
            "bicubic", "hamming", "box" or "lanczos".
        keep_aspect_ratio: crop the middle to the target's aspect ratio before resizing.
            Defaults to False.

    Raises:
        ImportError: Pillow is not installed (pip install pillow).
        ValueError: an unknown color_mode or interpolation.

    Example::

        img = load_img("cat.jpg", target_size=(180, 180))
        batch = img_to_array(img)[None]     # (1, 180, 180, 3), float32
    """
    image = _pil()
    if color_mode not in ("rgb", "rgba", "grayscale"):
        raise ValueError(f"load_img(color_mode): expected 'rgb', 'rgba' or 'grayscale', given "
                         f"{color_mode!r}.")
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (str, bytes, os.PathLike)):
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"load_img(path): expected a file path or an io.BytesIO, given "
                        f"{type(path).__name__}.")
    wanted = {"rgb": "RGB", "rgba": "RGBA"}.get(color_mode)
    if wanted is None and img.mode not in ("L", "I;16", "I"):
        img = img.convert("L")
    elif wanted is not None and img.mode != wanted:
        img = img.convert(wanted)
    if target_size is None:
        return img
    width, height = int(target_size[1]), int(target_size[0])
    if img.size == (width, height):
        return img
    if interpolation not in _RESAMPLE:
        raise ValueError(f"load_img(interpolation): expected one of {list(_RESAMPLE)}, given "
                         f"{interpolation!r}.")
    resample = getattr(image.Resampling, interpolation.upper())
    box = None
    if keep_aspect_ratio:
        w, h = img.size
        crop_h, crop_w = min(h, (w * height) // width), min(w, (h * width) // height)
        top, left = (h - crop_h) // 2, (w - crop_w) // 2
        box = (left, top, left + crop_w, top + crop_h)
    return img.resize((width, height), resample=resample, box=box)


def smart_resize(x, size, interpolation: str = "bilinear", data_format="channels_last",
                 **kwargs):
    """Resize an image, or a batch of images, to ``size`` without distorting it: the largest
    centred box of the target's aspect ratio is cropped first, then resized (Keras's
    ``keras.preprocessing.image.smart_resize``).

    For a (340, 500) image and ``size=(200, 200)``, the centred (340, 340) box is kept and
    resized to (200, 200).

    Args:
        x: an image (height, width, channels) or a batch (batch, height, width, channels), or
            channels first with ``data_format="channels_first"``: a NumPy array or a Tensor.
        size: the target (height, width), two ints.
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3" or "lanczos5". Defaults
            to ``"bilinear"``.
        data_format: "channels_last" or "channels_first"; None for the configured
            ``image_data_format()``. Defaults to ``"channels_last"``.

    Returns:
        The resized image(s): a NumPy array for a NumPy input, else a Tensor.

    Raises:
        ValueError: for ``size`` not of two ints or an input not of rank 3 or 4.
        TypeError: for a keyword Keras does not take.

    Example:
        >>> image = np.zeros((340, 500, 3), "float32")
        >>> numnet.preprocessing.image.smart_resize(image, (200, 200)).shape
        (200, 200, 3)
    """
    from ..ops import image as image_ops
    from ..ops import numpy as numpy_ops

    kwargs.pop("backend_module", None)  # (Keras's: which backend computes it; numnet's own)
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {sorted(kwargs)}.")
    if len(size) != 2 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in size):
        raise ValueError(f"smart_resize(size): expected (height, width), two positive ints, "
                         f"given {size!r}.")
    data_format = _data_format(data_format, "smart_resize")
    rank = len(np.shape(x))
    if rank not in (3, 4):
        raise ValueError(f"smart_resize(x): expected an image (height, width, channels) or a "
                         f"batch (batch, height, width, channels), given shape "
                         f"{tuple(np.shape(x))}.")
    first = data_format == "channels_first"
    images = numpy_ops.moveaxis(x, -3, -1) if first else x
    out = image_ops.resize(images, tuple(int(n) for n in size), interpolation=interpolation,
                           crop_to_aspect_ratio=True, data_format="channels_last")
    if first:
        out = numpy_ops.moveaxis(out, -1, -3)
    if isinstance(x, np.ndarray):
        return np.asarray(backend.to_numpy(out.value))
    return out


__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
