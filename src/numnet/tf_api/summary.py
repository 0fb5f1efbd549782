"""TensorFlow's ``tf.summary``: file writers and the values written to them, in the event
files TensorBoard reads (the same writer as numnet.callbacks.TensorBoard: TensorBoard's own
when the tensorboard package is installed, else numnet's).

    writer = tf.summary.create_file_writer("logs/train")
    with writer.as_default():
        for step in range(100):
            tf.summary.scalar("loss", loss, step=step)

Scalars and histograms go to the event file; text and images are kept in the writer's
``records`` only (numnet writes no image or text events). Every value written is also kept
in ``writer.records`` as (kind, name, step, value), so a program can read back what it
logged. Without a default writer, the functions write nothing and return False.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

from .base import array, plain

_state = threading.local()


def _stack() -> list:
    if not hasattr(_state, "writers"):
        _state.writers = []
    return _state.writers


_default_step = {"step": None}


class SummaryWriter:
    """Writes summaries to an event file in ``logdir`` (``tf.summary.create_file_writer``).

    Args:
        logdir: the directory of the event file.
        max_queue: accepted as TensorFlow's. Defaults to ``None``.
        flush_millis: accepted as TensorFlow's. Defaults to ``None``.
        filename_suffix: accepted as TensorFlow's. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> import tempfile
        >>> writer = numnet.summary.create_file_writer(tempfile.mkdtemp())
        >>> with writer.as_default():
        ...     numnet.summary.scalar("loss", 0.5, step=1)
        True
        >>> writer.records
        [('scalar', 'loss', 1, 0.5)]
    """

    def __init__(self, logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                 name=None):
        self.logdir = str(logdir)
        self.records: list = []
        self._file = None
        self._closed = False

    def _writer(self):
        if self._file is None:
            from ..callbacks.tensorboard import _writer_factory

            self._file = _writer_factory()(self.logdir)
        return self._file

    @contextlib.contextmanager
    def as_default(self, step=None):
        """A block in which tf.summary functions write here (``step``: their default step)."""
        _stack().append(self)
        previous = _default_step["step"]
        if step is not None:
            _default_step["step"] = step
        try:
            yield self
        finally:
            _stack().pop()
            _default_step["step"] = previous
            self.flush()

    def set_as_default(self, step=None) -> None:
        """Make this the default writer from now on."""
        _stack().append(self)
        if step is not None:
            _default_step["step"] = step

    def init(self) -> None:
        """Open the event file now."""
        self._writer()

    def flush(self) -> None:
        """Write what is buffered to the file."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        """Flush and close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._closed = True

    def _add(self, kind, name, step, value) -> bool:
        if step is None:
            step = _default_step["step"]
        if step is None:
            raise ValueError(f"summary.{kind}({name!r}): no step given; pass step= or set one "
                             "with tf.summary.experimental.set_step(step).")
        step = int(np.asarray(plain(step)))
        self.records.append((kind, name, step, value))
        if kind == "scalar":
            self._writer().scalar(name, float(value), step)
        elif kind == "histogram":
            self._writer().histogram(name, np.asarray(value, dtype=np.float64).ravel(), step)
        return True


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False, experimental_mesh=None):
    """A SummaryWriter for ``logdir`` (the event file is made at the first value).

    Args:
        logdir: the directory.
        max_queue: accepted as TensorFlow's. Defaults to ``None``.
        flush_millis: accepted as TensorFlow's. Defaults to ``None``.
        filename_suffix: accepted as TensorFlow's. Defaults to ``None``.
        name: ignored. Defaults to ``None``.
        experimental_trackable: accepted. Defaults to ``False``.
        experimental_mesh: accepted. Defaults to ``None``.

    Example:
        >>> import tempfile
        >>> numnet.summary.create_file_writer(tempfile.mkdtemp()).records
        []
    """
    return SummaryWriter(logdir, max_queue, flush_millis, filename_suffix, name)


def create_noop_writer() -> SummaryWriter:
    """A writer that keeps records but writes no file.

    Example:
        >>> numnet.summary.create_noop_writer().records
        []
    """
    writer = SummaryWriter("")
    writer._add = lambda kind, name, step, value: True
    return writer


def _default():
    stack = _stack()
    return stack[-1] if stack else None


def scalar(name, data, step=None, description=None) -> bool:
    """Write a scalar (a loss, an accuracy) to the default writer at ``step``; False when
    there is no default writer.

    Args:
        name: the tag.
        data: a number or scalar Tensor.
        step: the step; None for the one set by experimental.set_step. Defaults to ``None``.
        description: accepted as TensorFlow's. Defaults to ``None``.

    Example:
        >>> numnet.summary.scalar("loss", 1.0, step=0)   # no default writer
        False
    """
    writer = _default()
    if writer is None:
        return False
    return writer._add("scalar", name, step, float(np.asarray(array(data)).reshape(())))


def histogram(name, data, step=None, buckets=None, description=None) -> bool:
    """Write the distribution of ``data``'s values (30 buckets) at ``step``.

    Args:
        name: the tag.
        data: a Tensor or array.
        step: the step. Defaults to ``None``.
        buckets: accepted (numnet uses 30). Defaults to ``None``.
        description: accepted as TensorFlow's. Defaults to ``None``.

    Example:
        >>> numnet.summary.histogram("w", [1.0, 2.0], step=0)
        False
    """
    writer = _default()
    if writer is None:
        return False
    return writer._add("histogram", name, step, np.asarray(array(data)))


def text(name, data, step=None, description=None) -> bool:
    """Record a string at ``step`` (in the writer's records; no text event is written).

    Args:
        name: the tag.
        data: a string or string Tensor.
        step: the step. Defaults to ``None``.
        description: accepted as TensorFlow's. Defaults to ``None``.

    Example:
        >>> numnet.summary.text("note", "hello", step=0)
        False
    """
    writer = _default()
    if writer is None:
        return False
    value = data.numpy() if hasattr(data, "numpy") else data
    return writer._add("text", name, step, value)


def image(name, data, step=None, max_outputs=3, description=None) -> bool:
    """Record images (batch, h, w, c) at ``step`` (in the writer's records; no image event is
    written).

    Args:
        name: the tag.
        data: images.
        step: the step. Defaults to ``None``.
        max_outputs: how many of the batch to keep. Defaults to ``3``.
        description: accepted as TensorFlow's. Defaults to ``None``.

    Example:
        >>> numnet.summary.image("x", numnet.zeros((1, 2, 2, 1)), step=0)
        False
    """
    writer = _default()
    if writer is None:
        return False
    return writer._add("image", name, step, np.asarray(array(data))[:int(max_outputs)])


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None,
          description=None) -> bool:
    """Record audio clips at ``step`` (in the writer's records only).

    Args:
        name: the tag.
        data: clips (batch, frames, channels).
        sample_rate: samples per second.
        step: the step. Defaults to ``None``.
        max_outputs: how many to keep. Defaults to ``3``.
        encoding: accepted as TensorFlow's. Defaults to ``None``.
        description: accepted as TensorFlow's. Defaults to ``None``.
    """
    writer = _default()
    if writer is None:
        return False
    return writer._add("audio", name, step, np.asarray(array(data))[:int(max_outputs)])


def flush(writer=None, name=None) -> None:
    """Flush ``writer`` (or the default one).

    Args:
        writer: a SummaryWriter, or None for the default. Defaults to ``None``.
        name: ignored. Defaults to ``None``.
    """
    writer = writer or _default()
    if writer is not None:
        writer.flush()


@contextlib.contextmanager
def record_if(condition):
    """A block in which summaries are written only when ``condition`` (a bool or a callable)
    holds.

    Args:
        condition: a bool, or a function of no arguments returning one.
    """
    stack = _stack()
    keep = list(stack)
    if not (condition() if callable(condition) else bool(condition)):
        stack.clear()
    try:
        yield
    finally:
        stack[:] = keep


def _set_step(step) -> None:
    """Set the default step of the summary functions."""
    _default_step["step"] = step


def _get_step():
    """The default step, or None."""
    return _default_step["step"]


def trace_on(graph=True, profiler=False) -> None:
    """Accepted: numnet has no graph to trace.

    Args:
        graph: accepted. Defaults to ``True``.
        profiler: accepted. Defaults to ``False``.
    """


def trace_export(name, step=None, profiler_outdir=None) -> None:
    """Accepted: numnet has no graph to export.

    Args:
        name: the tag.
        step: the step. Defaults to ``None``.
        profiler_outdir: accepted. Defaults to ``None``.
    """


def trace_off() -> None:
    """Accepted: numnet has no graph to trace."""


def write(tag, tensor, step=None, metadata=None, name=None) -> bool:
    """Write a scalar ``tensor`` under ``tag`` (numnet writes scalars only; other shapes are
    kept in the writer's records).

    Args:
        tag: the tag.
        tensor: the value.
        step: the step. Defaults to ``None``.
        metadata: accepted as TensorFlow's. Defaults to ``None``.
        name: ignored. Defaults to ``None``.
    """
    writer = _default()
    if writer is None:
        return False
    value = np.asarray(array(tensor))
    if value.size == 1 and value.dtype.kind in "iuf":
        return writer._add("scalar", tag, step, float(value.reshape(())))
    return writer._add("tensor", tag, step, value)


def should_record_summaries() -> bool:
    """Whether a default writer is set (summaries are written)."""
    return _default() is not None


SUMMARY = {
    "SummaryWriter": SummaryWriter, "audio": audio, "create_file_writer": create_file_writer,
    "create_noop_writer": create_noop_writer, "flush": flush, "histogram": histogram,
    "image": image, "record_if": record_if, "scalar": scalar, "text": text,
    "trace_export": trace_export, "trace_off": trace_off, "trace_on": trace_on,
    "write": write, "should_record_summaries": should_record_summaries,
}
"""The names of ``tf.summary`` (``experimental`` added by tf_compat)."""

EXPERIMENTAL = {"set_step": _set_step, "get_step": _get_step}
