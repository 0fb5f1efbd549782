"""TensorBoard: write the logs as TensorBoard event files.

The files are written with the tensorboard package when it is installed, else tensorboardX,
else by numnet's own small writer (``_EventFileWriter``): TensorBoard's event file is a
sequence of TFRecords (length, CRC-32C checksums, data), each holding an ``Event`` protocol
buffer, and the few messages a training log needs (a scalar, a histogram) are encoded by hand.
"""

from __future__ import annotations

import os
import struct
import time

import numpy as np

from ..fast.crc32c import frame
from .callback import Callback, get_learning_rate

INSTALL_HINT = "pip install 'numnet[tensorboard]'  (or: pip install tensorboard)"


def _writer_factory():
    """A function logdir -> writer with scalar / histogram / flush / close: TensorBoard's own
    event-file writer, else tensorboardX's, else numnet's ``_EventFileWriter``."""
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError:
        pass
    else:
        return lambda logdir: _TensorBoardWriter(logdir, EventFileWriter, event_pb2,
                                                 summary_pb2)
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        return _EventFileWriter
    return lambda logdir: _TensorBoardXWriter(SummaryWriter(logdir))


# ----------------------------------------------------------------------------- own writer

def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 as protobuf writes it
    out = bytearray()
    while True:
        bits, value = value & 0x7F, value >> 7
        out.append(bits | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, wire: int, payload: bytes) -> bytes:
    if wire == 2:
        payload = _varint(len(payload)) + payload
    return _varint(number << 3 | wire) + payload


def _double(number: int, value: float) -> bytes:
    return _field(number, 1, struct.pack("<d", value))


def _event(step: int, wall_time: float, summary_value: bytes = b"", version=None) -> bytes:
    """An ``Event`` message: wall_time (1), step (2), file_version (3) or a summary (5)
    holding one ``Summary.Value`` (1)."""
    out = _double(1, wall_time) + _field(2, 0, _varint(int(step)))
    if version is not None:
        out += _field(3, 2, version.encode())
    if summary_value:
        out += _field(5, 2, _field(1, 2, summary_value))
    return out


class _EventFileWriter:
    """Writes ``events.out.tfevents.<time>.<host>`` in ``logdir`` without the tensorboard
    package: the version record first, then one record per scalar or histogram."""

    def __init__(self, logdir: str):
        os.makedirs(logdir, exist_ok=True)
        import socket  # (imported here: only a run that writes events needs it)

        name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.numnet"
        self._file = open(os.path.join(logdir, name), "wb")  # noqa: SIM115 (closed in close)
        self._file.write(frame(_event(0, time.time(), version="brain.Event:2")))

    def _add(self, value: bytes, step: int) -> None:
        self._file.write(frame(_event(step, time.time(), value)))

    def scalar(self, tag: str, value: float, step: int) -> None:
        self._add(_field(1, 2, tag.encode()) + _field(2, 5, struct.pack("<f", value)), step)

    def histogram(self, tag: str, values: np.ndarray, step: int) -> None:
        counts, edges = np.histogram(values, bins=30)
        histo = (_double(1, float(values.min())) + _double(2, float(values.max()))
                 + _double(3, float(values.size)) + _double(4, float(values.sum()))
                 + _double(5, float(np.square(values, dtype=np.float64).sum()))
                 + _field(6, 2, struct.pack(f"<{len(edges) - 1}d", *edges[1:]))
                 + _field(7, 2, struct.pack(f"<{len(counts)}d", *counts)))
        self._add(_field(1, 2, tag.encode()) + _field(5, 2, histo), step)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


class _TensorBoardWriter:
    def __init__(self, logdir, writer_class, event_pb2, summary_pb2):
        self._writer = writer_class(logdir)
        self._event, self._summary = event_pb2.Event, summary_pb2

    def _add(self, value, step: int) -> None:
        summary = self._summary.Summary(value=[value])
        self._writer.add_event(self._event(wall_time=time.time(), step=int(step),
                                           summary=summary))

    def scalar(self, tag: str, value: float, step: int) -> None:
        self._add(self._summary.Summary.Value(tag=tag, simple_value=float(value)), step)

    def histogram(self, tag: str, values: np.ndarray, step: int) -> None:
        counts, edges = np.histogram(values, bins=30)
        proto = self._summary.HistogramProto(
            min=float(values.min()), max=float(values.max()), num=int(values.size),
            sum=float(values.sum()), sum_squares=float(np.square(values, dtype=np.float64).sum()),
            bucket_limit=[float(e) for e in edges[1:]], bucket=[float(c) for c in counts])
        self._add(self._summary.Summary.Value(tag=tag, histo=proto), step)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


class _TensorBoardXWriter:
    def __init__(self, writer):
        self._writer = writer

    def scalar(self, tag: str, value: float, step: int) -> None:
        self._writer.add_scalar(tag, float(value), int(step))

    def histogram(self, tag: str, values: np.ndarray, step: int) -> None:
        self._writer.add_histogram(tag, values, int(step), bins=30)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


def _scalars(logs):
    for name, value in (logs or {}).items():
        array = np.asarray(value)
        if array.size == 1 and array.dtype.kind in "biuf":
            yield name, float(array)


class TensorBoard(Callback):
    """Write training logs for TensorBoard (``tensorboard --logdir logs``), as Keras lays them
    out: ``log_dir/train`` holds 'epoch_loss', 'epoch_<metric>' and 'epoch_learning_rate' per
    epoch, ``log_dir/validation`` the validation logs under the same tags (the 'val_' prefix
    dropped), plus 'evaluation_<log>_vs_iterations' after each validation.

    update_freq: 'epoch', or n to also write 'batch_<log>' every n batches (step: the batch
    count since fit began). histogram_freq: every n epochs, a histogram of each weight
    ('<layer>/<weight>/histogram'). write_steps_per_second: also 'epoch_steps_per_second'.
    write_graph, write_images, profile_batch, embeddings_freq and embeddings_metadata are
    accepted for compatibility and write nothing. The files are written with the tensorboard
    package (pip install 'numnet[tensorboard]') or tensorboardX when one is installed, else by
    numnet's own event-file writer; viewing them needs tensorboard.

    Defaults, as Keras: log_dir='logs', histogram_freq=0, update_freq='epoch',
    write_steps_per_second=False.

    Args:
        log_dir: the folder of the logs. Defaults to ``'logs'``.
        histogram_freq: every how many epochs to write weight histograms; 0 for never. Defaults to
            ``0``.
        write_graph: accepted for compatibility; writes nothing. Defaults to ``True``.
        write_images: accepted for compatibility; writes nothing. Defaults to ``False``.
        write_steps_per_second: also log 'epoch_steps_per_second'. Defaults to ``False``.
        update_freq: 'epoch', or n to also write batch logs every n batches. Defaults to
            ``'epoch'``.
        profile_batch: accepted for compatibility; writes nothing. Defaults to ``0``.
        embeddings_freq: accepted for compatibility; writes nothing. Defaults to ``0``.
        embeddings_metadata: accepted for compatibility; writes nothing. Defaults to ``None``.
    """

    def __init__(self, log_dir="logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False,
                 update_freq="epoch", profile_batch=0, embeddings_freq: int = 0,
                 embeddings_metadata=None):
        super().__init__()
        path = os.fspath(log_dir)
        if not isinstance(path, str):
            raise TypeError(f"TensorBoard(log_dir): expected a str or os.PathLike, given "
                            f"{type(log_dir).__name__}.")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (isinstance(update_freq, bool) or
                                       not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError(f"TensorBoard(update_freq): expected 'epoch', 'batch' or a "
                             f"positive number of batches, given {update_freq!r}.")
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or \
                histogram_freq < 0:
            raise ValueError(f"TensorBoard(histogram_freq): expected an integer >= 0, given "
                             f"{histogram_freq!r}.")
        self.log_dir = path
        self.histogram_freq = histogram_freq
        self.update_freq = update_freq
        self.write_steps_per_second = write_steps_per_second
        self.write_graph, self.write_images = write_graph, write_images
        self.profile_batch = profile_batch
        self.embeddings_freq, self.embeddings_metadata = embeddings_freq, embeddings_metadata
        self._writers: dict = {}
        self._factory = None  # chosen at the first write
        self._global_batch = 0
        self._epoch_start = 0.0
        self._epoch_batches = 0

    def _writer(self, which: str):
        if which not in self._writers:
            if self._factory is None:
                self._factory = _writer_factory()
            self._writers[which] = self._factory(os.path.join(self.log_dir, which))
        return self._writers[which]

    def on_train_begin(self, logs=None):
        self._global_batch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()
        self._epoch_batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._global_batch += 1
        self._epoch_batches += 1
        if self.update_freq != "epoch" and self._global_batch % self.update_freq == 0:
            writer = self._writer("train")
            for name, value in _scalars(logs):
                writer.scalar(f"batch_{name}", value, self._global_batch)

    def on_epoch_end(self, epoch, logs=None):
        train = dict(_scalars({k: v for k, v in (logs or {}).items()
                               if not k.startswith("val_")}))
        if getattr(self.model, "optimizer", None) is not None:
            train["learning_rate"] = get_learning_rate(self.model.optimizer)
        if self.write_steps_per_second:
            elapsed = time.perf_counter() - self._epoch_start
            train["steps_per_second"] = self._epoch_batches / elapsed if elapsed > 0 else 0.0
        writer = self._writer("train")
        for name, value in train.items():
            writer.scalar(f"epoch_{name}", value, epoch)
        val = [(k[4:], v) for k, v in _scalars(logs) if k.startswith("val_")]
        if val:
            val_writer = self._writer("validation")
            for name, value in val:
                val_writer.scalar(f"epoch_{name}", value, epoch)
            val_writer.flush()
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for var in self.model.weights:
                values = np.asarray(var.numpy(), dtype=np.float64).reshape(-1)
                if values.size:
                    writer.histogram(f"{var.path}/histogram", values, epoch)
        writer.flush()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return
        step = int(np.asarray(optimizer.iterations.numpy()))
        writer = self._writer("validation")
        for name, value in _scalars(logs):
            writer.scalar(f"evaluation_{name}_vs_iterations", value, step)
        writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
