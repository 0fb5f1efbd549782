"""``keras.utils.text_dataset_from_directory``, ``image_dataset_from_directory`` and
``audio_dataset_from_directory``: a folder with one subfolder per class becomes a Dataset of
``(samples, labels)`` batches.

    main_directory/
        class_a/  a_1.txt  a_2.txt
        class_b/  b_1.txt  b_2.txt

Files are indexed as Keras indexes them (subfolders and files in sorted order, the file list
shuffled with NumPy's ``RandomState(seed)``), so a seeded ``validation_split`` puts the same files
on each side as Keras does. The Dataset holds the samples in memory: texts as strings,
images as float32 arrays (Pillow reads them), and reshuffles the training side every epoch.
"""

from __future__ import annotations

import os

import numpy as np

from .. import backend
from ..data.dataset import Dataset

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                   "gaussian", "mitchellcubic")


def _check_split(validation_split, subset, shuffle, seed, where: str) -> None:
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"{where}(validation_split): expected a float in (0, 1), given "
                         f"{validation_split!r}.")
    if bool(validation_split) != bool(subset):
        raise ValueError(f"{where}: validation_split and subset go together; given "
                         f"validation_split={validation_split!r}, subset={subset!r}. E.g. "
                         "validation_split=0.2, subset='training'.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f"{where}(subset): expected 'training', 'validation', 'both' or None, "
                         f"given {subset!r}.")
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{where}: with validation_split and shuffle=True, give a seed (the "
                         "same for the training and the validation call) so that the two "
                         "subsets do not overlap.")


def _check_labels(labels, label_mode, class_names, where: str) -> None:
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(f"{where}(labels): expected 'inferred', None, or a list of integer "
                             f"labels, one per file in sorted order; given {labels!r}.")
        if class_names:
            raise ValueError(f"{where}(class_names): only with labels='inferred'; given "
                             f"labels={labels!r}.")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f"{where}(label_mode): expected 'int', 'categorical', 'binary' or None, "
                         f"given {label_mode!r}.")


def index_directory(directory, labels, formats, class_names=None, shuffle: bool = True,
                    seed=None, follow_links: bool = False, verbose: bool = True,
                    where: str = "index_directory"):
    """(file paths, integer labels or None, class names or None) of the files under
    ``directory`` whose names end with one of ``formats``, in Keras's order."""
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"{where}(directory): {directory!r} is not a directory.")
    if labels == "inferred":
        folders = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names) <= set(folders):
                raise ValueError(f"{where}(class_names): {list(class_names)} are not all "
                                 f"subfolders of {directory!r}, which has {folders}.")
            folders = list(class_names)
    else:
        if class_names is not None:
            raise ValueError(f"{where}(class_names): only with labels='inferred'.")
        folders = [""]
    paths, found = [], []
    for index, folder in enumerate(folders):
        root = os.path.join(directory, folder)
        walk = sorted(os.walk(root, followlinks=bool(follow_links)), key=lambda w: w[0])
        for dirpath, _, files in walk:
            for name in sorted(files):
                if name.lower().endswith(formats):
                    paths.append(os.path.join(dirpath, name))
                    found.append(index)
    if labels == "inferred":
        labels = np.asarray(found, dtype="int32")
        names = list(folders)
    elif labels is None:
        names = None
    else:
        if len(labels) != len(paths):
            raise ValueError(f"{where}(labels): given {len(labels)} labels for the {len(paths)} "
                             f"files found in {directory!r}.")
        names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        print(f"Found {len(paths)} files." if labels is None else
              f"Found {len(paths)} files belonging to {len(names)} classes.")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, names


def _subset(paths, labels, validation_split, subset, verbose: bool):
    if not validation_split:
        return paths, labels
    count = int(validation_split * len(paths))
    if subset == "training":
        if verbose:
            print(f"Using {len(paths) - count} files for training.")
        part = slice(0, len(paths) - count)
    else:
        if verbose:
            print(f"Using {count} files for validation.")
        part = slice(len(paths) - count, len(paths))
    return paths[part], (None if labels is None else labels[part])


def _encoded_labels(labels, label_mode, num_classes: int):
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels.astype("int32")


def _dataset(samples, labels, label_mode, num_classes, batch_size, shuffle, seed, class_names):
    encoded = None if label_mode is None else _encoded_labels(labels, label_mode, num_classes)
    ragged = isinstance(samples, list) and len({s.shape for s in samples}) > 1
    if isinstance(samples, list) and not ragged:
        samples = np.stack(samples)
    if ragged:  # clips of different lengths: elements by index, batches padded with zeros
        ds = Dataset.range(len(samples))
        if shuffle:
            ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
        ds = ds.map(lambda i: samples[int(i)] if encoded is None else
                    (samples[int(i)], encoded[int(i)]))
        return _batched(ds.padded_batch(batch_size) if batch_size is not None else ds,
                        class_names)
    ds = Dataset.from_tensor_slices(samples if encoded is None else (samples, encoded))
    if shuffle:
        buffer = batch_size * 8 if batch_size is not None else 1024
        ds = ds.shuffle(buffer, seed=seed)
    if batch_size is not None:
        ds = ds.batch(batch_size)
    return _batched(ds, class_names)


def _batched(ds, class_names):
    ds.class_names = class_names
    ds.file_paths = None
    return ds


def _build(where, directory, labels, label_mode, class_names, batch_size, shuffle, seed,
           validation_split, subset, follow_links, verbose, formats, read):
    _check_labels(labels, label_mode, class_names, where)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    _check_split(validation_split, subset, shuffle, seed, where)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, found, names = index_directory(directory, labels, formats, class_names, shuffle,
                                          seed, follow_links, verbose, where)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f"{where}(label_mode): 'binary' needs exactly 2 classes; found "
                         f"{names}. Use label_mode='int' or 'categorical'.")
    num_classes = len(names) if names else 0
    subsets = ("training", "validation") if subset == "both" else (subset,)
    out = []
    for part in subsets:
        part_paths, part_labels = _subset(paths, found, validation_split, part, verbose)
        if not part_paths:
            raise ValueError(f"{where}: no {part or ''} files ending in {formats} found in "
                             f"{os.fspath(directory)!r}.".replace("  ", " "))
        ds = _dataset(read(part_paths), part_labels, label_mode, num_classes, batch_size,
                      shuffle and part != "validation", seed, names)
        ds.file_paths = list(part_paths)
        out.append(ds)
    return out if subset == "both" else out[0]


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None,
                                shuffle: bool = True, seed=None, validation_split=None,
                                subset=None, follow_links: bool = False, format="tf",
                                verbose: bool = True):
    """A Dataset of ``(texts, labels)`` batches from the ``.txt`` files of a folder with one
    subfolder per class (labels in the subfolders' sorted order, or ``class_names``').

    Args:
        directory: the folder.
        labels: "inferred" (from the subfolders), a list of integer labels (one per file, in
            the files' sorted order), or None (texts only). Defaults to ``"inferred"``.
        label_mode: "int" (int32 labels), "categorical" (float32 one-hot), "binary" (float32,
            shape (n, 1); two classes) or None (texts only). Defaults to ``"int"``.
        class_names: the subfolders to use, in the order of their labels; None for all, sorted.
            Defaults to ``None``.
        batch_size: the batch size; None for single texts. Defaults to ``32``.
        max_length: the most characters kept of each text; None for all. Defaults to ``None``.
        shuffle: shuffle the files (and, for training, each epoch). Defaults to ``True``.
        seed: the shuffle's seed; needed with ``validation_split``. Defaults to ``None``.
        validation_split: the fraction of the files held out, in (0, 1). Defaults to ``None``.
        subset: "training", "validation" or "both" (a list of the two). Defaults to ``None``.
        follow_links: follow symbolic links to folders. Defaults to ``False``.
        format: accepted for Keras ("tf" or "grain"); a numnet Dataset either way.
            Defaults to ``"tf"``.
        verbose: print how many files were found. Defaults to ``True``.

    Returns:
        A ``numnet.data.Dataset`` (texts are NumPy strings) with ``class_names``; with
        ``subset="both"``, ``[training, validation]``.

    Raises:
        ValueError: for bad arguments (each error names the argument), or no files.

    Example:
        >>> train = numnet.utils.text_dataset_from_directory(
        ...     "reviews/", batch_size=32, validation_split=0.2, subset="training", seed=1)
        >>> train.class_names
        ['neg', 'pos']
    """
    where = "text_dataset_from_directory"
    if format not in ("tf", "grain"):
        raise ValueError(f"{where}(format): expected 'tf' or 'grain', given {format!r}.")

    def read(paths):
        texts = []
        for path in paths:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            texts.append(text[:max_length] if max_length is not None else text)
        return np.asarray(texts, dtype=object).astype(str)

    return _build(where, directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                  validation_split, subset, follow_links, verbose, (".txt",), read)


def _load_image(path, mode, image_size, interpolation, crop, pad):
    """One image file as float32 (height, width, channels), decoded by Pillow and resized as
    Keras's loader resizes with TensorFlow: ``tf.image.resize`` (half-pixel centres, no
    antialiasing), ``smart_resize`` for ``crop``, ``tf.image.resize_with_pad`` for ``pad``."""
    from ..ops import image as image_ops
    from .image import _pil, smart_resize

    image_module = _pil()
    with image_module.open(path) as img:
        array = np.asarray(img.convert(mode), dtype="float32")
    array = array[..., None] if array.ndim == 2 else array
    if image_size is None:
        return array
    height, width = image_size
    method = interpolation
    if crop:  # Keras's smart_resize: the filters of Keras's ops.image.resize
        method = method if method in image_ops.INTERPOLATIONS else "bilinear"
        return smart_resize(array, (height, width), interpolation=method)
    h, w = array.shape[:2]
    top = left = 0
    if pad:  # fit inside with the aspect ratio kept (sizes in float32, as TensorFlow's), centred
        f32 = np.float32
        ratio = max(f32(w) / f32(width), f32(h) / f32(height))
        inner = int(np.floor(f32(h) / ratio)), int(np.floor(f32(w) / ratio))
        top = max(int((f32(height) - f32(h) / ratio) / 2), 0)
        left = max(int((f32(width) - f32(w) / ratio) / 2), 0)
    else:
        inner = (height, width)
    resized = array if inner == (h, w) else np.asarray(backend.to_numpy(
        image_ops.resize_images(array[None], inner, method).value))[0]
    if not pad:
        return resized
    out = np.zeros((height, width, array.shape[-1]), dtype="float32")
    out[top:top + inner[0], left:left + inner[1]] = resized
    return out


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle: bool = True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 pad_to_aspect_ratio: bool = False, data_format=None,
                                 format="tf", verbose: bool = True):
    """A Dataset of ``(images, labels)`` batches from the image files (.bmp, .gif, .jpeg, .jpg,
    .png) of a folder with one subfolder per class. Images are float32 arrays of shape
    ``(height, width, channels)`` with values in [0, 255], decoded with Pillow (``pip install
    pillow``) and resized to ``image_size`` as Keras resizes them with TensorFlow
    (``tf.image.resize``: half-pixel centres, no antialiasing), so the pixels are Keras's.

    Args:
        directory: the folder.
        labels: "inferred", a list of integer labels (one per file, sorted order) or None.
            Defaults to ``"inferred"``.
        label_mode: "int", "categorical", "binary" or None, as in
            ``text_dataset_from_directory``. Defaults to ``"int"``.
        class_names: the subfolders to use, in label order; None for all, sorted.
            Defaults to ``None``.
        color_mode: "grayscale" (1 channel), "rgb" (3) or "rgba" (4). Defaults to ``"rgb"``.
        batch_size: the batch size; None for single images. Defaults to ``32``.
        image_size: ``(height, width)`` every image is resized to. Defaults to ``(256, 256)``.
        shuffle: shuffle the files (and, for training, each epoch). Defaults to ``True``.
        seed: the shuffle's seed; needed with ``validation_split``. Defaults to ``None``.
        validation_split: the fraction of the files held out, in (0, 1). Defaults to ``None``.
        subset: "training", "validation" or "both". Defaults to ``None``.
        interpolation: the resize filter of ``tf.image.resize``: "bilinear", "nearest",
            "bicubic", "area", "lanczos3", "lanczos5", "gaussian" or "mitchellcubic" (with
            ``crop_to_aspect_ratio``, one of Keras's ``smart_resize``: "area", "gaussian" and
            "mitchellcubic" read as "bilinear"). Defaults to ``"bilinear"``.
        follow_links: follow symbolic links to folders. Defaults to ``False``.
        crop_to_aspect_ratio: crop the centre to the target's aspect ratio before resizing.
            Defaults to ``False``.
        pad_to_aspect_ratio: pad with zeros to the target's aspect ratio before resizing.
            Defaults to ``False``.
        data_format: "channels_last" or None (numnet's images are channels-last).
            Defaults to ``None``.
        format: accepted for Keras ("tf" or "grain"). Defaults to ``"tf"``.
        verbose: print how many files were found. Defaults to ``True``.

    Returns:
        A ``numnet.data.Dataset`` with ``class_names`` (``[training, validation]`` for
        ``subset="both"``).

    Raises:
        ImportError: when Pillow is not installed.
        ValueError: for bad arguments (each error names the argument), or no files.

    Example:
        >>> train = numnet.utils.image_dataset_from_directory(
        ...     "flowers/", image_size=(64, 64), batch_size=16)
    """
    where = "image_dataset_from_directory"
    modes = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
    if color_mode not in modes:
        raise ValueError(f"{where}(color_mode): expected 'grayscale', 'rgb' or 'rgba', given "
                         f"{color_mode!r}.")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{where}(interpolation): expected one of {list(_INTERPOLATIONS)}, "
                         f"given {interpolation!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{where}: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be "
                         "True; choose one.")
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{where}(data_format): numnet's images are channels-last; given "
                         f"{data_format!r}.")
    if image_size is not None:
        if len(tuple(image_size)) != 2:
            raise ValueError(f"{where}(image_size): expected (height, width), given "
                             f"{image_size!r}.")
        image_size = tuple(int(s) for s in image_size)
    if format not in ("tf", "grain"):
        raise ValueError(f"{where}(format): expected 'tf' or 'grain', given {format!r}.")
    from .image import _pil

    _pil()  # the clear ImportError before any work

    def read(paths):
        images = [_load_image(p, modes[color_mode], image_size, interpolation,
                              crop_to_aspect_ratio, pad_to_aspect_ratio) for p in paths]
        if batch_size is not None and image_size is None and len({i.shape for i in images}) > 1:
            raise ValueError(f"{where}(image_size): the images have different sizes; give "
                             "image_size=(height, width) or batch_size=None.")
        try:
            return np.stack(images)
        except ValueError:
            raise ValueError(f"{where}(image_size): the images have different sizes; give "
                             "image_size=(height, width).") from None

    return _build(where, directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                  validation_split, subset, follow_links, verbose, IMAGE_FORMATS, read)


def read_wav(path, where: str = "audio_dataset_from_directory"):
    """(samples as float32 of shape (frames, channels) in [-1, 1), the sampling rate) of a PCM
    WAV file, as TensorFlow's ``decode_wav`` gives them (16-bit samples / 32768)."""
    import wave

    try:
        with wave.open(os.fspath(path), "rb") as f:
            width, channels, rate = f.getsampwidth(), f.getnchannels(), f.getframerate()
            raw = f.readframes(f.getnframes())
    except (wave.Error, EOFError) as err:
        raise ValueError(f"{where}: {os.fspath(path)!r} is not a PCM WAV file Python's wave "
                         f"module reads ({err}); convert it to 16-bit PCM.") from None
    if width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype("float32") - 128.0) / 128.0
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        samples = value.astype("float32") / float(1 << 23)
    else:
        kind = {2: "<i2", 4: "<i4"}[width]
        samples = np.frombuffer(raw, kind).astype("float32") / float(1 << (8 * width - 1))
    return samples.reshape(-1, channels), rate


def _fit_length(audio, length):
    if length is None:
        return audio
    if len(audio) >= length:
        return audio[:length]
    return np.concatenate([audio, np.zeros((length - len(audio), audio.shape[1]), audio.dtype)])


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size=32, sampling_rate=None,
                                 output_sequence_length=None, ragged: bool = False,
                                 shuffle: bool = True, seed=None, validation_split=None,
                                 subset=None, follow_links: bool = False, verbose: bool = True):
    """A Dataset of ``(audio, labels)`` batches from the ``.wav`` files of a folder with one
    subfolder per class. Each file is read as TensorFlow's ``decode_wav`` reads it: float32
    samples in [-1, 1), shape ``(frames, channels)``; a batch is padded with zeros to its
    longest file, or every file cut or padded to ``output_sequence_length``.

    Args:
        directory: the folder.
        labels: "inferred", a list of integer labels (one per file, sorted order) or None.
            Defaults to ``"inferred"``.
        label_mode: "int", "categorical", "binary" or None, as in
            ``text_dataset_from_directory``. Defaults to ``"int"``.
        class_names: the subfolders to use, in label order; None for all, sorted.
            Defaults to ``None``.
        batch_size: the batch size; None for single files. Defaults to ``32``.
        sampling_rate: the rate the files must have, or None. numnet does not resample
            (Keras needs tensorflow-io for it): a file of another rate raises.
            Defaults to ``None``.
        output_sequence_length: the frames each file is cut or padded to; None to pad each
            batch to its longest file. Defaults to ``None``.
        ragged: Keras's ragged batches; numnet has no ragged tensors, so True raises.
            Defaults to ``False``.
        shuffle: shuffle the files (and, for training, each epoch). Defaults to ``True``.
        seed: the shuffle's seed; needed with ``validation_split``. Defaults to ``None``.
        validation_split: the fraction of the files held out, in (0, 1). Defaults to ``None``.
        subset: "training", "validation" or "both". Defaults to ``None``.
        follow_links: follow symbolic links to folders. Defaults to ``False``.
        verbose: print how many files were found. Defaults to ``True``.

    Returns:
        A ``numnet.data.Dataset`` with ``class_names`` (``[training, validation]`` for
        ``subset="both"``).

    Raises:
        ValueError: for bad arguments (each error names the argument), a file that is not PCM
            WAV, a rate other than ``sampling_rate``, or no files.

    Example:
        >>> train = numnet.utils.audio_dataset_from_directory(
        ...     "speech_commands/", output_sequence_length=16000, batch_size=64)
    """
    where = "audio_dataset_from_directory"
    if ragged and output_sequence_length is not None:
        raise ValueError(f"{where}: ragged and output_sequence_length cannot both be set.")
    if ragged:
        raise ValueError(f"{where}(ragged): numnet has no ragged tensors; leave ragged=False "
                         "(each batch is padded to its longest file) or give "
                         "output_sequence_length.")
    if sampling_rate is not None and (isinstance(sampling_rate, bool)
                                      or not isinstance(sampling_rate, int)
                                      or sampling_rate <= 0):
        raise ValueError(f"{where}(sampling_rate): expected a positive integer, given "
                         f"{sampling_rate!r}.")
    if output_sequence_length is not None and (
            not isinstance(output_sequence_length, int) or output_sequence_length < 1):
        raise ValueError(f"{where}(output_sequence_length): expected a positive integer or "
                         f"None, given {output_sequence_length!r}.")

    def read(paths):
        clips = []
        for path in paths:
            audio, rate = read_wav(path, where)
            if sampling_rate is not None and rate != sampling_rate:
                raise ValueError(f"{where}(sampling_rate): {path!r} is sampled at {rate} Hz, "
                                 f"not {sampling_rate}; numnet does not resample: resample "
                                 "the files first (or leave sampling_rate=None).")
            clips.append(_fit_length(audio, output_sequence_length))
        return clips

    return _build(where, directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                  validation_split, subset, follow_links, verbose, (".wav",), read)


__all__ = ["audio_dataset_from_directory", "image_dataset_from_directory", "index_directory",
           "read_wav", "text_dataset_from_directory"]
