"""CIFAR-100: 32 x 32 colour images of 100 classes grouped into 20 superclasses (Krizhevsky,
2009), 50,000 for training and 10,000 for testing.

``load_data(label_mode="fine")`` returns ((x_train, y_train), (x_test, y_test)) as Keras's does:
uint8 images of shape (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first if so
configured), labels of shape (50000, 1) and (10000, 1): the 100 fine classes, or with
label_mode="coarse" the 20 superclasses. The labels are int64, as Keras's are (its docstring
says uint8, its arrays are int64).

The files come from ``path=``, Keras's cache or a download checked against Keras's published
SHA-256, and are parsed, never unpickled, as for ``numnet.datasets.cifar10``.
"""

from __future__ import annotations

import os

from .cifar10 import _images_labels, read_batches

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
FOLDER = "cifar-100-python"


def load_data(label_mode: str = "fine", path: str | os.PathLike | None = None):
    """((x_train, y_train), (x_test, y_test)).

    label_mode: "fine" (100 classes) or "coarse" (20 superclasses). Defaults to "fine".
    path: cifar-100-python.tar.gz or the cifar-100-python folder it unpacks to. Defaults to
    Keras's cache.
    """
    caller = "cifar100.load_data"
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"{caller}(label_mode): expected 'fine' or 'coarse', given "
                         f"{label_mode!r}.")
    batches = read_batches(path, "cifar-100-python-target", FOLDER, ORIGIN, SHA256,
                           ("train", "test"), caller)
    key = f"{label_mode}_labels"
    train = _images_labels([batches["train"]], key, caller)
    test = _images_labels([batches["test"]], key, caller)
    return (train[0], train[1].astype("int64")), (test[0], test[1].astype("int64"))
