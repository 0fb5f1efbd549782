"""tf.keras's ImageDataGenerator: batches of images, randomly transformed, from arrays or files.

``ImageDataGenerator`` describes the augmentation (rotations, shifts, shears, zooms, flips,
channel and brightness shifts) and the normalisation (rescale, feature- or sample-wise centring
and scaling, ZCA whitening); ``flow`` (arrays) and ``flow_from_directory`` (a folder per class)
give iterators that are PyDatasets, so ``model.fit(iterator, steps_per_epoch=..., epochs=...)``,
``validation_data=iterator``, ``evaluate`` and ``predict`` take them.

As in tf.keras's legacy code, the random draws come from NumPy's global generator
(``np.random``), reseeded at each batch with ``seed + batches seen so far`` when a seed is
given: the same seed gives the same batches, and the same transforms as tf.keras's.
Affine transforms resample with ``scipy.ndimage.affine_transform`` (order 1: bilinear) about the
image's centre. The arrays are NumPy arrays on the host (images are read from disk there).
"""

from __future__ import annotations

import math
import os
import threading
import warnings

import numpy as np

from ..data.py_dataset import PyDataset
from .image import _data_format, array_to_img, img_to_array, load_img

IMAGE_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
_FILL_MODES = ("constant", "nearest", "reflect", "wrap")
# ZCA whitening builds a (features x features) matrix: refuse past this many features.
ZCA_MAX_FEATURES = 4096


def _floatx(dtype):
    if dtype is None:
        from ..backend import floatx

        return floatx()
    return dtype


# ----------------------------------------------------------------------------- transforms


def _flip_axis(x, axis: int):
    return np.flip(np.asarray(x), axis=axis)


def _about_centre(matrix, rows: int, cols: int):
    """``matrix`` applied about the image's centre rather than its corner."""
    o_r, o_c = rows / 2 - 0.5, cols / 2 - 0.5
    to_centre = np.array([[1, 0, o_r], [0, 1, o_c], [0, 0, 1]])
    back = np.array([[1, 0, -o_r], [0, 1, -o_c], [0, 0, 1]])
    return to_centre @ matrix @ back


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """Rotate, shift, shear and zoom one image (a 3-D array), as tf.keras's legacy function.

    The output pixel at p reads the input at ``M @ (p, 1)`` where
    ``M = rotation(theta) @ shift(tx, ty) @ shear(shear) @ zoom(zx, zy)``, taken about the
    image's centre; values between pixels are interpolated (order 1: bilinear). As in
    tf.keras's legacy code, the matrix's two coordinates are swapped before it is applied: a
    positive ``tx`` moves the content left by tx columns, a positive ``ty`` moves it up by ty
    rows, ``zx`` zooms the columns and ``zy`` the rows, and a positive theta turns the content
    counter-clockwise (the centre of a non-square image is taken as tf.keras takes it, with
    height and width exchanged).

    Args:
        x: a 3-D array (one image).
        theta: rotation angle in degrees. Defaults to 0.
        tx: the first shift, in pixels (moves the columns; see above). Defaults to 0.
        ty: the second shift, in pixels (moves the rows). Defaults to 0.
        shear: shear angle in degrees. Defaults to 0.
        zx: the first zoom factor (above 1 shows less of the image). Defaults to 1.
        zy: the second zoom factor. Defaults to 1.
        row_axis, col_axis, channel_axis: the axes of x's rows, columns and channels (a
            permutation of 0, 1, 2; channels first or last). Defaults to 1, 2, 0.
        fill_mode: how points outside the image are filled: "constant" (with ``cval``),
            "nearest", "reflect" or "wrap". Defaults to "nearest".
        cval: the value for fill_mode="constant". Defaults to 0.0.
        order: the spline order of the interpolation (0 nearest, 1 bilinear). Defaults to 1.

    Returns:
        The transformed image, the same shape as x.

    Raises:
        ValueError: x is not 3-D, the axes are not a permutation of 0, 1, 2 with the channels
            first or last, or an unknown fill_mode.

    Example::

        >>> x = np.arange(9.0).reshape(3, 3, 1)
        >>> apply_affine_transform(x, ty=1, row_axis=0, col_axis=1, channel_axis=2)[..., 0]
        array([[3., 4., 5.],
               [6., 7., 8.],
               [6., 7., 8.]])
    """
    from scipy import ndimage

    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError("apply_affine_transform(row_axis, col_axis, channel_axis): expected a "
                         f"permutation of 0, 1, 2, given {row_axis}, {col_axis}, "
                         f"{channel_axis}.")
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError("apply_affine_transform(x): expected one image, a 3-D array, given "
                         f"shape {x.shape}; transform a batch image by image.")
    if channel_axis not in (0, 2):
        raise ValueError("apply_affine_transform(channel_axis): the channels must be the first "
                         f"or the last axis (0 or 2), given {channel_axis}.")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"apply_affine_transform(fill_mode): expected one of {_FILL_MODES}, "
                         f"given {fill_mode!r}.")
    matrix = np.eye(3)
    moved = False
    if theta != 0:
        t = np.deg2rad(theta)
        matrix = matrix @ np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                                    [0, 0, 1]])
        moved = True
    if tx != 0 or ty != 0:
        matrix = matrix @ np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        moved = True
    if shear != 0:
        s = np.deg2rad(shear)
        matrix = matrix @ np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
        moved = True
    if zx != 1 or zy != 1:
        matrix = matrix @ np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        moved = True
    if not moved:
        return x
    matrix = _about_centre(matrix, x.shape[row_axis], x.shape[col_axis])
    planes = np.moveaxis(x, channel_axis, 0)
    if col_axis > row_axis:  # as tf.keras: the matrix's two coordinates are swapped
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    out = np.stack([ndimage.affine_transform(plane, matrix[:2, :2], matrix[:2, 2], order=order,
                                             mode=fill_mode, cval=cval) for plane in planes])
    return np.moveaxis(out, 0, channel_axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """Rotate one image by an angle drawn uniformly from [-rg, rg] degrees (np.random).

    Args:
        x: a 3-D array (one image).
        rg: the largest rotation, in degrees.
        row_axis, col_axis, channel_axis, fill_mode, cval: as ``apply_affine_transform``
            (defaults 1, 2, 0, "nearest", 0.0).
        interpolation_order: the interpolation's spline order. Defaults to 1.

    Returns:
        The rotated image, the same shape as x.

    Example::

        >>> np.random.seed(0)
        >>> random_rotation(np.ones((1, 8, 8)), 30).shape
        (1, 8, 8)
    """
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shift one image by fractions of its size drawn uniformly from [-hrg, hrg] (height) and
    [-wrg, wrg] (width).

    Args:
        x: a 3-D array (one image).
        wrg: the largest shift along the width, a fraction of the width.
        hrg: the largest shift along the height, a fraction of the height.
        row_axis, col_axis, channel_axis, fill_mode, cval: as ``apply_affine_transform``.
        interpolation_order: the interpolation's spline order. Defaults to 1.

    Returns:
        The shifted image, the same shape as x.

    Example::

        >>> random_shift(np.ones((1, 8, 8)), 0.1, 0.1).shape
        (1, 8, 8)
    """
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shear one image by an angle drawn uniformly from [-intensity, intensity] degrees.

    Args:
        x: a 3-D array (one image).
        intensity: the largest shear angle, in degrees.
        row_axis, col_axis, channel_axis, fill_mode, cval: as ``apply_affine_transform``.
        interpolation_order: the interpolation's spline order. Defaults to 1.

    Returns:
        The sheared image, the same shape as x.

    Example::

        >>> random_shear(np.ones((1, 8, 8)), 20).shape
        (1, 8, 8)
    """
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zoom one image by factors (rows, columns) drawn uniformly from zoom_range.

    Args:
        x: a 3-D array (one image).
        zoom_range: (lower, upper) of the zoom factors; factors above 1 show less of the image.
        row_axis, col_axis, channel_axis, fill_mode, cval: as ``apply_affine_transform``.
        interpolation_order: the interpolation's spline order. Defaults to 1.

    Returns:
        The zoomed image, the same shape as x.

    Raises:
        ValueError: zoom_range is not two numbers.

    Example::

        >>> random_zoom(np.ones((1, 8, 8)), (0.8, 1.2)).shape
        (1, 8, 8)
    """
    if len(zoom_range) != 2:
        raise ValueError("random_zoom(zoom_range): expected two numbers (lower, upper), given "
                         f"{zoom_range!r}.")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel of one image, clipped to the image's own range.

    Args:
        x: a 3-D array (one image).
        intensity: the value added.
        channel_axis: the channels' axis. Defaults to 0.

    Returns:
        The shifted image, the same shape as x.

    Example::

        >>> apply_channel_shift(np.array([[[0.0, 5.0, 10.0]]]), 3.0, channel_axis=2)
        array([[[ 3.,  8., 10.]]])
    """
    x = np.asarray(x)
    low, high = np.min(x), np.max(x)
    return np.clip(x + intensity, low, high)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """``apply_channel_shift`` by an intensity drawn uniformly from [-intensity_range,
    intensity_range].

    Args:
        x: a 3-D array (one image).
        intensity_range: the largest shift.
        channel_axis: the channels' axis. Defaults to 0.

    Returns:
        The shifted image, the same shape as x.

    Example::

        >>> random_channel_shift(np.zeros((1, 2, 2)), 10.0).shape
        (1, 2, 2)
    """
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Multiply one image's brightness by ``brightness``, as PIL's ImageEnhance.Brightness.

    The image goes through an 8-bit PIL image (as tf.keras's legacy function): stretched to
    [0, 255] when ``scale`` is True or its values leave [0, 255], brightened, and read back; with
    ``scale=False`` an image whose values left [0, 255] is mapped back to its original range.

    Args:
        x: a 3-D array (one image, channels last), 1, 3 or 4 channels.
        brightness: the factor (1.0 leaves the image as it is, 0.0 makes it black).
        scale: stretch the image to [0, 255] first. Defaults to True.

    Returns:
        The image as a float32 array.

    Raises:
        ImportError: Pillow is not installed (pip install pillow).

    Example::

        >>> x = np.array([[[10.0], [100.0]]])
        >>> apply_brightness_shift(x, 0.5, scale=False)[..., 0]
        array([[ 5., 50.]], dtype=float32)
    """
    from PIL import ImageEnhance

    low, high = np.min(x), np.max(x)
    outside = bool(low < 0 or high > 255)
    img = array_to_img(x, data_format="channels_last", scale=outside or scale)
    img = ImageEnhance.Brightness(img).enhance(brightness)
    out = img_to_array(img, data_format="channels_last")
    if not scale and outside:
        out = out / 255 * (high - low) + low
    return out


def random_brightness(x, brightness_range, scale=True):
    """``apply_brightness_shift`` by a factor drawn uniformly from brightness_range.

    Args:
        x: a 3-D array (one image, channels last).
        brightness_range: (lower, upper) of the factor.
        scale: stretch the image to [0, 255] first. Defaults to True.

    Returns:
        The image as a float32 array.

    Raises:
        ValueError: brightness_range is not two numbers.

    Example::

        >>> random_brightness(np.full((2, 2, 3), 100.0), (0.5, 1.5), scale=False).shape
        (2, 2, 3)
    """
    if len(brightness_range) != 2:
        raise ValueError("random_brightness(brightness_range): expected two numbers (lower, "
                         f"upper), given {brightness_range!r}.")
    factor = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, factor, scale)


# ----------------------------------------------------------------------------- iterators


class Iterator(PyDataset):
    """The base of ImageDataGenerator's iterators: ``len()`` batches of ``batch_size`` samples
    (the last may be smaller), indexable (``it[i]``) and endless with ``next(it)``.

    With ``shuffle`` the order of the samples is a new permutation each epoch (at
    ``on_epoch_end``, or when ``next()`` wraps around). With a ``seed``, NumPy's global
    generator is reseeded with ``seed + batches seen so far`` before each batch, so the same
    seed gives the same batches.

    Args:
        n: the number of samples.
        batch_size: samples per batch.
        shuffle: shuffle the samples each epoch.
        seed: the seed of the shuffling and the random transforms, or None.
        **kwargs: PyDataset's workers, use_multiprocessing, max_queue_size.

    Example::

        it = ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=32)
        len(it)            # ceil(len(x) / 32)
        xb, yb = it[0]     # or next(it)
    """

    white_list_formats = IMAGE_FORMATS

    def __init__(self, n, batch_size, shuffle, seed, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"{type(self).__name__}(batch_size): expected a positive integer, "
                             f"given {batch_size!r}.")
        self.n = int(n)
        self.batch_size = int(batch_size)
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, idx):
        if idx >= len(self) or idx < -len(self):
            raise ValueError(f"{type(self).__name__}[{idx}]: it has {len(self)} batches "
                             f"(indices 0 to {len(self) - 1}); ask for one of those.")
        idx = idx % len(self)
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        chosen = self.index_array[self.batch_size * idx: self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(chosen)

    def on_epoch_end(self):
        """A new order of the samples (a new permutation when shuffling)."""
        self._set_index_array()

    def reset(self):
        """Start ``next()`` again at the first batch of a new pass."""
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            start = (self.batch_index * self.batch_size) % self.n if self.n else 0
            if self.n > start + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[start: start + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            chosen = next(self.index_generator)
        return self._get_batches_of_transformed_samples(chosen)

    def next(self):
        """The next batch (Keras 2's name for ``next(iterator)``)."""
        return self.__next__()

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError


class NumpyArrayIterator(Iterator):
    """Batches of an image array, transformed by an ImageDataGenerator (made by its ``flow``).

    A batch is ``x``, ``(x, y)`` or ``(x, y, sample_weight)``; ``x`` may be a pair
    ``(images, other)`` (other an array or a list of arrays), giving ``[images, *other]``.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None):
        data_format = _data_format(data_format, "flow")
        self.dtype = _floatx(dtype)
        if isinstance(x, (tuple, list)):
            rest = x[1] if isinstance(x[1], list) else [x[1]]
            x_misc = [np.asarray(a) for a in rest]
            x = x[0]
            for other in x_misc:
                if len(other) != len(x):
                    raise ValueError(f"flow(x): every array in x needs len(x[0]) = {len(x)} "
                                     f"samples, given one of {len(other)}.")
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError(f"flow(y): expected as many labels as images ({len(x)}), given "
                             f"{len(y)}; x has shape {np.shape(x)}, y {np.shape(y)}.")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(f"flow(sample_weight): expected one weight per image ({len(x)}), "
                             f"given {len(sample_weight)}.")
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError("flow(subset): expected 'training' or 'validation', given "
                                 f"{subset!r}.")
            cut = int(len(x) * image_data_generator._validation_split)
            if (y is not None and not ignore_class_split
                    and not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:]))):
                raise ValueError(
                    "flow(subset): the training and validation parts hold different classes "
                    f"after the split at sample {cut}; shuffle x and y before (arrays sorted "
                    "by label split badly), or pass ignore_class_split=True.")
            part = slice(None, cut) if subset == "validation" else slice(cut, None)
            x = x[part]
            x_misc = [a[part] for a in x_misc]
            if y is not None:
                y = y[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError("flow(x): expected a batch of images, a 4-D array (samples, "
                             f"height, width, channels), given shape {self.x.shape}.")
        channel_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channel_axis] not in (1, 3, 4):
            warnings.warn(f"flow(x): with data_format={data_format!r} the channels are on axis "
                          f"{channel_axis}, expected 1, 3 or 4 of them; x has shape "
                          f"{self.x.shape} ({self.x.shape[channel_axis]} channels).",
                          stacklevel=3)
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            x = self.x[j]
            params = gen.get_random_transform(x.shape)
            x = gen.apply_transform(x.astype(self.dtype), params)
            batch_x[i] = gen.standardize(x)
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format, 10**4)
        miscs = [a[index_array] for a in self.x_misc]
        first = [batch_x] + miscs if miscs else batch_x
        if self.y is None:
            return first
        if self.sample_weight is None:
            return first, self.y[index_array]
        return first, self.y[index_array], self.sample_weight[index_array]


def _save_batch(batch_x, index_array, data_format, directory, prefix, file_format, hash_top):
    for i, j in enumerate(index_array):
        img = array_to_img(batch_x[i], data_format, scale=True)
        name = f"{prefix}_{j}_{np.random.randint(hash_top)}.{file_format}"
        img.save(os.path.join(directory, name))


def _files_of(directory, follow_links):
    """(root, name) of the image files under ``directory``, sorted, subfolders included."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(IMAGE_FORMATS):
                yield root, name


class DirectoryIterator(Iterator):
    """Batches of the images in a folder with one subfolder per class (made by
    ``ImageDataGenerator.flow_from_directory``).

    Attributes:
        class_indices: {class name: index}, classes in alphabetical order of their folders
            unless ``classes`` was given.
        classes: the class index of every file (int32 array), in the order of ``filenames``.
        filenames: the files' paths relative to ``directory`` ("cats/001.png", ...).
        filepaths: the files' full paths.
        samples: the number of files.
        num_classes: the number of classes.
    """

    allowed_class_modes = ("categorical", "binary", "sparse", "input", None)

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        where = "flow_from_directory"
        self._set_processing(where, image_data_generator, target_size, color_mode, data_format,
                             class_mode, save_to_dir, save_prefix, save_format, subset,
                             interpolation, keep_aspect_ratio, dtype)
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"{where}(directory): {directory!r} is not a directory; "
                                    "expected a folder with one subfolder of images per class.")
        split = self.split
        self.directory = directory
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        self.filenames = []
        labels = []
        for name in classes:
            folder = os.path.join(directory, name)
            found = list(_files_of(folder, follow_links))
            if split:
                found = found[int(split[0] * len(found)): int(split[1] * len(found))]
            for root, fname in found:
                self.filenames.append(os.path.join(
                    name, os.path.relpath(os.path.join(root, fname), folder)))
                labels.append(self.class_indices[name])
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _set_processing(self, where, image_data_generator, target_size, color_mode,
                        data_format, class_mode, save_to_dir, save_prefix, save_format, subset,
                        interpolation, keep_aspect_ratio, dtype):
        data_format = _data_format(data_format, where)
        if color_mode not in ("rgb", "rgba", "grayscale"):
            raise ValueError(f"{where}(color_mode): expected 'rgb', 'rgba' or 'grayscale', "
                             f"given {color_mode!r}.")
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"{where}(class_mode): expected one of {self.allowed_class_modes}, "
                             f"given {class_mode!r}.")
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        self.color_mode = color_mode
        self.data_format = data_format
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}[color_mode]
        self.image_shape = (self.target_size + (channels,) if data_format == "channels_last"
                            else (channels,) + self.target_size)
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        if subset is None:
            self.split = None
        elif subset == "validation":
            self.split = (0, image_data_generator._validation_split)
        elif subset == "training":
            self.split = (image_data_generator._validation_split, 1)
        else:
            raise ValueError(f"{where}(subset): expected 'training' or 'validation', given "
                             f"{subset!r}.")
        self.subset = subset
        self.class_mode = class_mode
        self.dtype = _floatx(dtype)

    @property
    def filepaths(self):
        """The full paths of the files, in the order of ``filenames``."""
        return self._filepaths

    @property
    def labels(self):
        """The class index of every file (the same as ``classes``)."""
        return self.classes

    @property
    def sample_weight(self):
        """None: a directory gives no sample weights."""
        return None

    def _get_batches_of_transformed_samples(self, index_array):
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = load_img(self._filepaths[j], color_mode=self.color_mode,
                           target_size=self.target_size, interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(img, data_format=self.data_format)
            if hasattr(img, "close"):
                img.close()
            if gen:
                params = gen.get_random_transform(x.shape)
                x = gen.apply_transform(x, params)
                x = gen.standardize(x)
            batch_x[i] = x
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format, 10**7)
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray([self.classes[j] for j in index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0    # a list of classes: multi-label
        elif mode == "multi_output":
            batch_y = [target[index_array] for target in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        weights = self.sample_weight
        if weights is None:
            return batch_x, batch_y
        return batch_x, batch_y, weights[index_array]


class DataFrameIterator(DirectoryIterator):
    """Batches of the images named in a pandas DataFrame (made by
    ``ImageDataGenerator.flow_from_dataframe``).

    Attributes:
        class_indices: {class name: index} (the y_col values sorted, unless ``classes`` was
            given), for class modes "binary", "sparse" and "categorical".
        classes: the class index of every row (a list; a list of indices for a row whose
            y_col holds a list of classes).
        filenames: the x_col values of the rows kept; filepaths: joined to ``directory``.
        samples: the number of rows kept.
    """

    allowed_class_modes = ("binary", "categorical", "input", "multi_output", "raw", "sparse",
                           None)

    def __init__(self, dataframe, directory, image_data_generator, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png",
                 subset=None, interpolation="nearest", keep_aspect_ratio=False, dtype=None,
                 validate_filenames=True):
        where = "flow_from_dataframe"
        self._set_processing(where, image_data_generator, target_size, color_mode, data_format,
                             class_mode, save_to_dir, save_prefix, save_format, subset,
                             interpolation, keep_aspect_ratio, dtype)
        df = dataframe.copy()
        self.directory = directory or ""
        labelled = class_mode not in ("input", "multi_output", "raw", None)
        self._check_columns(df, x_col, y_col, weight_col, classes, where)
        if validate_filenames:
            paths = df[x_col].map(lambda name: os.path.join(self.directory, name))
            valid = paths.map(lambda path: path.lower().endswith(IMAGE_FORMATS)
                              and os.path.isfile(path))
            if (~valid).sum():
                warnings.warn(f"{where}: {int((~valid).sum())} row(s) of x_col={x_col!r} name no "
                              "image file (missing, or not .png/.jpg/...); they are left out.",
                              stacklevel=3)
            df = df[valid]
        if labelled:
            df, classes = self._keep_classes(df, y_col, classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
            self.num_classes = len(classes)
        if self.split:
            count = len(df)
            df = df.iloc[int(self.split[0] * count): int(self.split[1] * count)]
        if labelled:
            self.classes = [[self.class_indices[c] for c in label]
                            if isinstance(label, (list, tuple)) else self.class_indices[label]
                            for label in df[y_col]]
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        elif class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        checked = "validated" if validate_filenames else "non-validated"
        tail = f" belonging to {self.num_classes} classes" if labelled else ""
        print(f"Found {self.samples} {checked} image filenames{tail}.")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        Iterator.__init__(self, self.samples, batch_size, shuffle, seed)

    def _check_columns(self, df, x_col, y_col, weight_col, classes, where):
        mode = self.class_mode
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f"{where}(y_col): class_mode='multi_output' needs a list of "
                            f"columns, given {type(y_col).__name__}.")
        if not all(isinstance(v, str) for v in df[x_col]):
            raise TypeError(f"{where}(x_col): every value of column {x_col!r} must be a file "
                            "name (a string).")
        if mode in ("binary", "sparse") and not all(isinstance(v, str) for v in df[y_col]):
            raise TypeError(f"{where}(y_col): with class_mode={mode!r} the values of column "
                            f"{y_col!r} must be class names (strings).")
        if mode == "binary":
            count = len(set(classes)) if classes else df[y_col].nunique()
            if count != 2:
                raise ValueError(f"{where}(class_mode): 'binary' needs 2 classes, found {count}; "
                                 "use class_mode='categorical' for more.")
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple))
                                             for v in df[y_col]):
            raise TypeError(f"{where}(y_col): with class_mode='categorical' the values of "
                            f"column {y_col!r} must be class names or lists of them.")
        if classes and mode in ("input", "multi_output", "raw", None):
            warnings.warn(f"{where}(classes): ignored with class_mode={mode!r}.", stacklevel=4)
        if weight_col and not np.issubdtype(df[weight_col].dtype, np.number):
            raise TypeError(f"{where}(weight_col): column {weight_col!r} must be numeric.")

    @staticmethod
    def _keep_classes(df, y_col, classes):
        """The rows with a class in ``classes`` (each row's list cut to them), and the classes
        (those given, in order, or every class found, sorted)."""
        df = df.copy()
        if classes:
            classes = list(dict.fromkeys(classes))

            def keep(label):
                if isinstance(label, (list, tuple)):
                    return [c for c in label if c in classes] or None
                return label if label in classes else None

            df[y_col] = df[y_col].map(keep)
        else:
            found = set()
            for label in df[y_col]:
                found.update(label if isinstance(label, (list, tuple)) else [label])
            classes = sorted(found)
        return df.dropna(subset=[y_col]), classes

    @property
    def labels(self):
        """The targets of every row: the class indices, or the raw / multi-output values."""
        if self.class_mode in ("multi_output", "raw"):
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        """The weight_col values of the rows kept, or None."""
        return self._sample_weight


# ----------------------------------------------------------------------------- the generator


def _draw_shift(shift_range, size):
    """A shift drawn as tf.keras's: a float range -> uniform in [-r, r]; an int or a list ->
    one of its values with a random sign; a range below 1 is a fraction of ``size``."""
    try:
        t = np.random.choice(shift_range)
        t = t * np.random.choice([-1, 1])
    except ValueError:
        t = np.random.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        t = t * size
    return t


class ImageDataGenerator:
    """Real-time augmentation and normalisation of image batches (tf.keras 2's generator).

    Each image of a batch gets its own random transform (``get_random_transform``), applied
    by ``apply_transform`` (rotation, shift, shear, zoom about the centre; channel shift; flips;
    brightness), then ``standardize`` (preprocessing_function, rescale, centring, scaling,
    whitening). ``flow(x, y)`` and ``flow_from_directory(path)`` give the batches.

    Args:
        featurewise_center: subtract the per-channel mean of the data given to ``fit``.
            Defaults to False.
        samplewise_center: subtract each image's own mean. Defaults to False.
        featurewise_std_normalization: divide by the per-channel std from ``fit`` (sets
            featurewise_center). Defaults to False.
        samplewise_std_normalization: divide each image by its own std (sets
            samplewise_center). Defaults to False.
        zca_whitening: ZCA-whiten with the matrix from ``fit`` (sets featurewise_center;
            refused for images of more than ZCA_MAX_FEATURES = 4096 values). Defaults to False.
        zca_epsilon: added to the singular values in ZCA. Defaults to 1e-6.
        rotation_range: the largest rotation, in degrees. Defaults to 0.
        width_shift_range: a float (below 1: a fraction of the width, else pixels; drawn
            uniformly in [-r, r]), or an int / list of ints (pixels, one drawn with a random
            sign). Defaults to 0.0.
        height_shift_range: the same along the height. Defaults to 0.0.
        brightness_range: (lower, upper) of a brightness factor, or None. Defaults to None.
        shear_range: the largest shear angle, in degrees. Defaults to 0.0.
        zoom_range: a float z (factors in [1 - z, 1 + z]) or (lower, upper). Defaults to 0.0.
        channel_shift_range: the largest value added to the channels. Defaults to 0.0.
        fill_mode: "constant", "nearest", "reflect" or "wrap": how points outside the image
            are filled. Defaults to "nearest".
        cval: the fill value of fill_mode="constant". Defaults to 0.0.
        horizontal_flip: flip half of the images left-right. Defaults to False.
        vertical_flip: flip half of the images upside down. Defaults to False.
        rescale: a factor multiplying the images (after the transforms), or None/0.
            Defaults to None.
        preprocessing_function: a function of one image (3-D array), run first in
            ``standardize``. Defaults to None.
        data_format: "channels_last" or "channels_first". Defaults to
            ``numnet.config.image_data_format()``.
        validation_split: the fraction of the images kept for ``subset="validation"``
            (strictly between 0 and 1). Defaults to 0.0.
        interpolation_order: the spline order of the affine transforms. Defaults to 1.
        dtype: the dtype of the batches. Defaults to floatx ("float32").

    Raises:
        ValueError: an unknown data_format or fill_mode, a validation_split outside (0, 1), a
            zoom_range or brightness_range that is not one or two numbers.

    Example::

        datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=20,
                                     width_shift_range=0.1, horizontal_flip=True)
        train = datagen.flow_from_directory("data/train", target_size=(64, 64),
                                            batch_size=32, class_mode="binary")
        model.fit(train, steps_per_epoch=len(train), epochs=10)
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.0,
                 height_shift_range=0.0, brightness_range=None, shear_range=0.0, zoom_range=0.0,
                 channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, interpolation_order=1, dtype=None):
        where = "ImageDataGenerator"
        data_format = _data_format(data_format, where)
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        if fill_mode not in _FILL_MODES:
            raise ValueError(f"{where}(fill_mode): expected one of {_FILL_MODES}, given "
                             f"{fill_mode!r}.")
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = _floatx(dtype)
        self.interpolation_order = interpolation_order
        self.data_format = data_format
        if data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"{where}(validation_split): expected a fraction strictly between "
                             f"0 and 1, given {validation_split!r}.")
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None
        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif (isinstance(zoom_range, (tuple, list)) and len(zoom_range) == 2
              and all(isinstance(v, (float, int)) for v in zoom_range)):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(f"{where}(zoom_range): expected a number or two numbers (lower, "
                             f"upper), given {zoom_range!r}.")
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn(f"{where}: zca_whitening sets featurewise_center=True.",
                              stacklevel=2)
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn(f"{where}: zca_whitening turns featurewise_std_normalization "
                              "off.", stacklevel=2)
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            warnings.warn(f"{where}: featurewise_std_normalization sets "
                          "featurewise_center=True.", stacklevel=2)
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn(f"{where}: samplewise_std_normalization sets "
                          "samplewise_center=True.", stacklevel=2)
        if brightness_range is not None and (
                not isinstance(brightness_range, (tuple, list)) or len(brightness_range) != 2):
            raise ValueError(f"{where}(brightness_range): expected two numbers (lower, upper), "
                             f"given {brightness_range!r}.")
        self.brightness_range = brightness_range

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """Batches of transformed images from arrays.

        Args:
            x: images, a 4-D array (samples, height, width, channels) (channels first with
                data_format="channels_first"); or a pair (images, other array(s)) whose other
                arrays travel along untransformed.
            y: labels, one per image, or None (batches are then x alone). Defaults to None.
            batch_size: images per batch. Defaults to 32.
            shuffle: a new order of the images each epoch. Defaults to True.
            sample_weight: one weight per image, or None. Defaults to None.
            seed: seed of the order and the transforms, or None. Defaults to None.
            save_to_dir: a folder to save each transformed image to (for a look), or None.
            save_prefix: the saved files' prefix. Defaults to "".
            save_format: the saved files' format. Defaults to "png".
            ignore_class_split: allow a validation split whose parts hold different classes.
                Defaults to False.
            subset: "training" or "validation" with validation_split set: the last or the first
                ``validation_split`` share of the images. Defaults to None (all).

        Returns:
            A NumpyArrayIterator (a PyDataset): batches ``x``, ``(x, y)`` or
            ``(x, y, sample_weight)``.

        Raises:
            ValueError: x is not 4-D, lengths differ, an unknown subset.

        Example::

            it = ImageDataGenerator(horizontal_flip=True).flow(x, y, batch_size=16, seed=1)
            xb, yb = it[0]     # (16, h, w, c), (16,)
        """
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            follow_links=False, subset=None, interpolation="nearest",
                            keep_aspect_ratio=False):
        """Batches of transformed images read from a folder with one subfolder per class.

        Files ending in .png, .jpg, .jpeg, .bmp, .ppm, .tif or .tiff are read (subfolders of a
        class folder included), in sorted order, resized to ``target_size``.

        Args:
            directory: the folder; its subfolders are the classes.
            target_size: (height, width) every image is resized to. Defaults to (256, 256).
            color_mode: "rgb", "rgba" or "grayscale" (1 channel). Defaults to "rgb".
            classes: the class folders to read, in the order of their indices, or None (all
                subfolders, alphabetically). Defaults to None.
            class_mode: the labels: "categorical" (one-hot), "binary" or "sparse" (the class
                index, float), "input" (the images themselves, for autoencoders) or None (no
                labels: batches are images alone). Defaults to "categorical".
            batch_size: images per batch. Defaults to 32.
            shuffle: a new order of the images each epoch. Defaults to True.
            seed: seed of the order and the transforms, or None. Defaults to None.
            save_to_dir, save_prefix, save_format: save the transformed images for a look.
            follow_links: follow symbolic links to subfolders. Defaults to False.
            subset: "training" or "validation" with validation_split set: in each class, the
                last or the first ``validation_split`` share of its files. Defaults to None.
            interpolation: the resize's resampling ("nearest", "bilinear", "bicubic", ...).
                Defaults to "nearest".
            keep_aspect_ratio: crop the middle to the target's aspect ratio before resizing.
                Defaults to False.

        Returns:
            A DirectoryIterator (a PyDataset) with ``class_indices``, ``classes``,
            ``filenames``, ``filepaths``, ``samples``.

        Raises:
            FileNotFoundError: directory is not a folder.
            ValueError: an unknown color_mode, class_mode or subset.

        Example::

            train = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
                "data/train", target_size=(150, 150), batch_size=20, class_mode="binary")
            train.class_indices     # {'cats': 0, 'dogs': 1}
        """
        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode,
            keep_aspect_ratio=keep_aspect_ratio, classes=classes, class_mode=class_mode,
            data_format=self.data_format, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            follow_links=follow_links, subset=subset, interpolation=interpolation,
            dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            subset=None, interpolation="nearest", validate_filenames=True,
                            **kwargs):
        """Batches of transformed images named in a pandas DataFrame.

        Args:
            dataframe: a pandas DataFrame with a column of file names (x_col) and, for the
                labelled class modes, a column of labels (y_col).
            directory: the folder the names are relative to, or None (they are paths).
                Defaults to None.
            x_col: the column of file names. Defaults to "filename".
            y_col: the column of labels (a list of columns for "multi_output"). Defaults to
                "class".
            weight_col: a numeric column of sample weights, or None. Defaults to None.
            target_size, color_mode, batch_size, shuffle, seed, save_to_dir, save_prefix,
                save_format, subset, interpolation: as ``flow_from_directory``.
            classes: the class names to keep, in the order of their indices, or None (every
                class found, sorted). Defaults to None.
            class_mode: "categorical" (one-hot; a list of classes in a row gives a multi-hot
                row), "binary" or "sparse" (the class index), "raw" (y_col's values as they
                are), "multi_output" (one array per column of y_col), "input" or None.
                "other" is read as "raw". Defaults to "categorical".
            validate_filenames: leave out rows whose file is missing or not an image, with a
                warning. Defaults to True.

        Returns:
            A DataFrameIterator (a PyDataset) with ``class_indices``, ``classes``,
            ``filenames``, ``samples``.

        Raises:
            TypeError: a column of the wrong kind (names not strings, weights not numbers).
            ValueError: class_mode="binary" without exactly 2 classes; an unknown class_mode,
                color_mode or subset.

        Example::

            df = pandas.DataFrame({"filename": ["a.png", "b.png"], "class": ["cat", "dog"]})
            it = ImageDataGenerator(rescale=1 / 255).flow_from_dataframe(
                df, "images/", target_size=(64, 64), class_mode="binary", batch_size=2)
            xb, yb = it[0]      # (2, 64, 64, 3), labels 0 (cat) and 1 (dog) in some order
        """
        for old in ("has_ext", "sort", "drop_duplicates"):
            if old in kwargs:
                warnings.warn(f"flow_from_dataframe({old}): deprecated and ignored.",
                              DeprecationWarning, stacklevel=2)
        if class_mode == "other":
            warnings.warn("flow_from_dataframe(class_mode='other'): deprecated, read as 'raw'.",
                          DeprecationWarning, stacklevel=2)
            class_mode = "raw"
        return DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col,
            target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, data_format=self.data_format, batch_size=batch_size,
            shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, subset=subset, interpolation=interpolation,
            validate_filenames=validate_filenames, dtype=self.dtype)

    def standardize(self, x):
        """Normalise an image (or a batch) in place, as configured, and return it.

        In order: preprocessing_function, rescale, samplewise centring and scaling (by the
        std + 1e-6), featurewise centring and scaling with the statistics from ``fit``, ZCA.

        Args:
            x: a float array, one image or a batch (changed in place; pass a copy to keep it).

        Returns:
            The normalised array.

        Example::

            >>> ImageDataGenerator(rescale=0.5).standardize(np.array([[[2.0]]]))
            array([[[1.]]])
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                warnings.warn("ImageDataGenerator(featurewise_center=True) has no mean yet: "
                              "call .fit(x_train) first.", stacklevel=2)
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                warnings.warn("ImageDataGenerator(featurewise_std_normalization=True) has no "
                              "std yet: call .fit(x_train) first.", stacklevel=2)
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat = x.reshape(-1, math.prod(x.shape[-3:]))
                x = np.reshape(flat @ self.zca_whitening_matrix, x.shape)
            else:
                warnings.warn("ImageDataGenerator(zca_whitening=True) has no matrix yet: call "
                              ".fit(x_train) first.", stacklevel=2)
        return x

    def get_random_transform(self, img_shape, seed=None):
        """Draw the parameters of one image's random transform (from np.random).

        Args:
            img_shape: the image's shape (3-D, in the generator's data_format).
            seed: reseed np.random with it first, or None. Defaults to None.

        Returns:
            A dict with "theta" (degrees), "tx" (pixels, from height_shift_range), "ty"
            (pixels, from width_shift_range), "shear" (degrees), "zx", "zy", "flip_horizontal",
            "flip_vertical", "channel_shift_intensity" (or None)
            and "brightness" (or None), for ``apply_transform``.

        Example::

            >>> ImageDataGenerator().get_random_transform((4, 4, 1))["theta"]
            0
        """
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = (np.random.uniform(-self.rotation_range, self.rotation_range)
                 if self.rotation_range else 0)
        tx = _draw_shift(self.height_shift_range, img_shape[row_axis]) \
            if self.height_shift_range else 0
        ty = _draw_shift(self.width_shift_range, img_shape[col_axis]) \
            if self.width_shift_range else 0
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift = None
        if self.channel_shift_range != 0:
            channel_shift = np.random.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """Transform one image with the given parameters (missing keys do nothing).

        In order: the affine transform ("theta", "tx", "ty", "shear", "zx", "zy"), the channel
        shift ("channel_shift_intensity"), "flip_horizontal", "flip_vertical", "brightness".

        Args:
            x: one image, a 3-D array in the generator's data_format.
            transform_parameters: a dict as ``get_random_transform`` returns.

        Returns:
            The transformed image, the same shape.

        Example::

            >>> gen = ImageDataGenerator()
            >>> gen.apply_transform(np.arange(3.0).reshape(1, 3, 1), {"flip_horizontal": True})
            array([[[2.],
                    [1.],
                    [0.]]])
        """
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        channel_axis = self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(
            x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0),
            p.get("zx", 1), p.get("zy", 1), row_axis=row_axis, col_axis=col_axis,
            channel_axis=channel_axis, fill_mode=self.fill_mode, cval=self.cval,
            order=self.interpolation_order)
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], channel_axis)
        if p.get("flip_horizontal", False):
            x = _flip_axis(x, col_axis)
        if p.get("flip_vertical", False):
            x = _flip_axis(x, row_axis)
        if p.get("brightness") is not None:
            x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x, seed=None):
        """One image under a random transform: ``apply_transform(x,
        get_random_transform(x.shape, seed))``.

        Args:
            x: one image, a 3-D array.
            seed: reseed np.random with it first, or None. Defaults to None.

        Returns:
            The transformed image, the same shape.

        Example::

            >>> gen = ImageDataGenerator(rotation_range=10)
            >>> gen.random_transform(np.ones((8, 8, 3)), seed=1).shape
            (8, 8, 3)
        """
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the statistics of featurewise_center, featurewise_std_normalization and
        zca_whitening from sample images (after ``rescale``).

        Args:
            x: images, a 4-D array.
            augment: compute them over randomly transformed copies. Defaults to False.
            rounds: with augment, how many transformed copies of each image. Defaults to 1.
            seed: reseed np.random with it first, or None. Defaults to None.

        Raises:
            ValueError: x is not 4-D, or zca_whitening on images of more than
                ZCA_MAX_FEATURES values (the matrix would be too large).

        Example::

            >>> gen = ImageDataGenerator(featurewise_center=True)
            >>> gen.fit(np.array([1.0, 3.0]).reshape(2, 1, 1, 1))
            >>> gen.mean.ravel()
            array([2.], dtype=float32)
        """
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError("ImageDataGenerator.fit(x): expected a batch of images, a 4-D "
                             f"array, given shape {x.shape}.")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(f"ImageDataGenerator.fit(x): with data_format={self.data_format!r} "
                          f"the channels are on axis {self.channel_axis}, expected 1, 3 or 4 "
                          f"of them; x has shape {x.shape}.", stacklevel=2)
        features = math.prod(x.shape[1:])
        if self.zca_whitening and features > ZCA_MAX_FEATURES:
            raise ValueError(f"ImageDataGenerator.fit(x): zca_whitening of images of {features} "
                             f"values needs a {features} x {features} matrix; numnet refuses "
                             f"more than {ZCA_MAX_FEATURES} values: resize the images first.")
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            copies = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    copies[i + r * x.shape[0]] = self.random_transform(x[i])
            x = copies
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=(0, self.row_axis, self.col_axis)), shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=(0, self.row_axis, self.col_axis)), shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            n = len(x)
            u, s, _ = np.linalg.svd(np.reshape(x, (n, -1)).T, full_matrices=False)
            self.zca_whitening_matrix = (u * (np.sqrt(n) / (s + self.zca_epsilon))) @ u.T


__all__ = ["DataFrameIterator", "DirectoryIterator", "ImageDataGenerator", "Iterator",
           "NumpyArrayIterator",
           "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift",
           "random_brightness", "random_channel_shift", "random_rotation", "random_shear",
           "random_shift", "random_zoom"]
