"""TensorFlow's CTC functions of ``tf.nn``: ctc_loss, ctc_greedy_decoder,
ctc_beam_search_decoder, ctc_unique_labels and collapse_repeated.

    loss = tf.nn.ctc_loss(labels, logits, label_length, logit_length)   # logits (T, B, C)
    (decoded,), scores = tf.nn.ctc_greedy_decoder(logits, logit_length)  # SparseTensor

TensorFlow's layouts: logits time major (frames, batch, classes) unless
``logits_time_major=False``; ctc_loss's blank is class 0 for dense labels, the decoders' blank is
the last class. Decoded sequences are SparseTensors (int64 indices [batch, position], int64
values, dense_shape [batch, longest]), as TensorFlow gives them.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from ..ops.nn import prefix_beam_search
from .base import array, to_float
from .errors import FailedPreconditionError, InvalidArgumentError
from .sparse import SparseTensor

# TensorFlow's dense CTC takes log(0) as log(1e-307) in float32, so an impossible alignment
# costs about 707 per impossible step rather than inf
_LOG_0 = float(np.float32(np.log(1e-307)))


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.squeeze(np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top,
                          axis=axis)


def _transitions(labels: np.ndarray) -> np.ndarray:
    """log of the allowed moves, [batch, to, from], between the states of the CTC alignment
    model: state 0 the start, 1..U the labels, U+1..2U+1 the blank after label 0..U."""
    batch, size = labels.shape
    states = 2 * (size + 1)
    allowed = np.eye(states)[None].repeat(batch, axis=0)
    allowed[:, 1, 0] = 1  # start -> first label
    for k in range(1, size + 1):
        allowed[:, k, size + k] = 1  # blank after label k-1 -> label k
    for j in range(size + 1):
        allowed[:, size + 1 + j, j] = 1  # label j -> the blank after it
    for k in range(2, size + 1):  # label k-1 -> label k unless the two are equal
        allowed[:, k, k - 1] = (labels[:, k - 2] != labels[:, k - 1]).astype(float)
    with np.errstate(divide="ignore"):
        return np.log(allowed)


def _dense_ctc(logits: np.ndarray, labels: np.ndarray, label_length: np.ndarray,
               logit_length: np.ndarray):
    """(loss [B], d loss / d logits [T, B, C]) of time-major logits with the blank at class 0,
    by TensorFlow's batched forward-backward over the alignment states (normalised at each
    step; log(0) taken as log(1e-307) for the start and end states, so an impossible label
    sequence gets a large finite loss as in TensorFlow)."""
    frames, batch, classes = logits.shape
    size = labels.shape[1]
    states = 2 * (size + 1)
    log_probs = logits - _logsumexp(logits, axis=-1)[..., None]
    # the log probability of each state's symbol at each frame: [T, B, states]
    picked = np.zeros((frames, batch, size))
    inside = (labels >= 0) & (labels < classes)
    gathered = np.take_along_axis(log_probs, np.clip(labels, 0, classes - 1)[None], axis=2)
    picked[:] = np.where(inside[None], gathered, 0.0)
    observed = np.concatenate([np.full((frames, batch, 1), -np.inf), picked,
                               np.repeat(log_probs[:, :, :1], size + 1, axis=2)], axis=2)
    trans = _transitions(labels)
    start = np.full((batch, states), _LOG_0)
    start[:, 0] = 0.0
    final = np.full((batch, states), _LOG_0)
    rows = np.arange(batch)
    final[rows, label_length] = 0.0
    final[rows, size + 1 + label_length] = 0.0
    mask = (np.arange(frames)[:, None] < logit_length[None, :]).astype(float)  # [T, B]

    forward = np.empty((frames + 1, batch, states))
    forward[0] = start
    for t in range(frames):
        step = _logsumexp(forward[t][:, None, :] + trans, axis=-1) + observed[t]
        forward[t + 1] = step - _logsumexp(step, axis=-1)[:, None]
    backward = np.empty((frames + 1, batch, states))
    backward[frames] = final
    total = np.zeros(batch)
    back_trans = np.swapaxes(trans, 1, 2)
    for t in range(frames - 1, -1, -1):
        step = _logsumexp((backward[t + 1] + observed[t])[:, None, :] + back_trans, axis=-1)
        norm = _logsumexp(step, axis=-1)
        step = step - norm[:, None]
        total += norm * mask[t]
        backward[t] = step * mask[t][:, None] + final * (1.0 - mask[t][:, None])
    loss = -(backward[0, :, 0] + total)

    both = forward[1:] + backward[1:]
    both = both - _logsumexp(both, axis=2)[..., None]
    with np.errstate(divide="ignore"):
        both = both + np.log(mask)[..., None]
    occupancy = np.zeros((frames, batch, classes))
    occupancy[:, :, 0] = np.exp(_logsumexp(both[:, :, size + 1:], axis=2))
    label_states = np.exp(both[:, :, 1:size + 1])  # [T, B, U]
    for k in range(size):
        cls = labels[:, k]
        ok = (cls >= 1) & (cls < classes)
        np.add.at(occupancy, (slice(None), rows[ok], cls[ok]), label_states[:, ok, k])
    grad = (np.exp(log_probs) - occupancy) * mask[..., None]
    return loss, grad


def _blank_first(values: np.ndarray, blank: int) -> np.ndarray:
    """Classes reordered so that ``blank`` is class 0 (the others keep their order)."""
    return np.concatenate([values[..., blank:blank + 1], values[..., :blank],
                           values[..., blank + 1:]], axis=-1)


def _blank_back(values: np.ndarray, blank: int) -> np.ndarray:
    """The inverse of _blank_first."""
    return np.concatenate([values[..., 1:blank + 1], values[..., :1], values[..., blank + 1:]],
                          axis=-1)


def _sparse_rows(labels: SparseTensor, where: str) -> list:
    """The label sequence of each row of a 2-D SparseTensor of labels (ordered by column)."""
    if len(labels.shape) != 2:
        raise ValueError(f"{where}(labels): expected a SparseTensor of rank 2 (batch, "
                         f"max_label_length), given dense_shape {list(labels.shape)}.")
    indices = array(labels.indices)
    values = array(labels.values).astype(np.int64)
    rows = [[] for _ in range(labels.shape[0])]
    for (b, _col), v in sorted(zip(map(tuple, indices.tolist()), values.tolist())):
        rows[b].append(v)
    return rows


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None,
             blank_index=None, name=None) -> Tensor:
    """The connectionist temporal classification loss of each sequence: minus the log
    probability of ``labels`` summed over all alignments with the frames of ``logits``
    (a softmax over the classes is taken here), as ``tf.nn.ctc_loss``. Its gradient flows
    to ``logits`` under ``tf.GradientTape`` (softmax minus the expected label occupancy).

    Args:
        labels: int labels, dense (batch, max_label_length), padded past ``label_length``, or
            a SparseTensor of dense_shape (batch, max_label_length).
        logits: float logits (frames, batch, classes), or (batch, frames, classes) when
            ``logits_time_major=False``.
        label_length: (batch,) the length of each label sequence; None for a SparseTensor.
        logit_length: (batch,) the number of valid frames of each sequence.
        logits_time_major: whether ``logits`` has frames first. Defaults to ``True``.
        unique: accepted as TensorFlow (ctc_unique_labels' result, a speed-up there); the
            loss is the same without it.
        blank_index: the blank class; negative counts from the number of classes. Defaults
            to ``0`` for dense labels; required for a SparseTensor.
        name: unused (TensorFlow's op name).

    Returns:
        (batch,) float32 losses. Dense labels follow TensorFlow's dense algorithm: a label
        sequence that no alignment can give (too few frames) costs a large finite number
        (about 707 per missing frame), as TensorFlow. SparseTensor labels follow TensorFlow's
        CTC op: a sequence longer than its frames raises, one that needs more frames for its
        repeats gets ``inf``.

    Raises:
        ValueError: a SparseTensor without ``blank_index``, or logits not of rank 3.
        InvalidArgumentError: SparseTensor labels with an empty row or longer than the
            frames of their sequence.

    Example:
        >>> logits = numnet.zeros((2, 1, 2))  # two frames, classes {blank, a}, uniform
        >>> round(float(numnet.nn.ctc_loss([[1]], logits, [1], [2])[0]), 4)  # -log(3/4)
        0.2877
    """
    x = to_float(logits)
    if x.ndim != 3:
        raise ValueError(f"ctc_loss(logits): expected rank 3, (frames, batch, classes) (or "
                         f"(batch, frames, classes) with logits_time_major=False), given shape "
                         f"{tuple(x.shape)}.")
    values = np.asarray(backend.to_numpy(x.value), dtype=np.float64)
    if not logits_time_major:
        values = values.transpose(1, 0, 2)
    frames, batch, classes = values.shape
    lengths = array(logit_length).astype(np.int64).reshape(-1)
    if lengths.shape[0] != batch:
        raise ValueError(f"ctc_loss(logit_length): expected {batch} lengths, one per sequence, "
                         f"given {lengths.shape[0]}.")
    if isinstance(labels, SparseTensor):
        if blank_index is None:
            raise ValueError("ctc_loss(blank_index): must be given when `labels` is a "
                             "SparseTensor (TensorFlow's CTC op has no default blank there); "
                             "pass blank_index=0 or blank_index=-1.")
        blank = int(blank_index) + (classes if int(blank_index) < 0 else 0)
        rows = _sparse_rows(labels, "ctc_loss")
        for b, row in enumerate(rows):
            if not row:
                raise InvalidArgumentError(None, None, f"ctc_loss(labels): labels length is "
                                           f"zero in batch {b}.")
            if len(row) > lengths[b]:
                raise InvalidArgumentError(None, None, f"ctc_loss: not enough time for target "
                                           f"transition sequence (required: {len(row)}, "
                                           f"available: {lengths[b]}) in batch {b}.")
        dense = np.zeros((batch, max(len(r) for r in rows)), np.int64)
        for b, row in enumerate(rows):
            dense[b, :len(row)] = row
        label_lengths = np.array([len(r) for r in rows], np.int64)
        needed = label_lengths + np.array(
            [sum(r[i] == r[i - 1] for i in range(1, len(r))) for r in rows])
    else:
        blank = 0 if blank_index is None else int(blank_index)
        blank += classes if blank < 0 else 0
        if label_length is None:
            raise ValueError("ctc_loss(label_length): required for dense labels; pass the "
                             "length of each label sequence, shape (batch,).")
        dense = array(labels).astype(np.int64)
        if dense.ndim != 2 or dense.shape[0] != batch:
            raise ValueError(f"ctc_loss(labels): expected shape (batch={batch}, "
                             f"max_label_length), given {dense.shape}.")
        label_lengths = array(label_length).astype(np.int64).reshape(-1)
        needed = None
    if not 0 <= blank < classes:
        raise ValueError(f"ctc_loss(blank_index): expected a class in [-{classes}, {classes}), "
                         f"given {blank_index}.")
    if blank != 0:
        values = _blank_first(values, blank)
        dense = np.where(dense < blank, dense + 1, dense)
    loss, grad = _dense_ctc(values, dense, label_lengths, lengths)
    if needed is not None:  # TensorFlow's CTC op: no alignment at all is an infinite loss,
        loss = np.where(needed > lengths, np.inf, loss)  # its gradient the softmax alone
        frames_in = (np.arange(frames)[:, None] < lengths[None, :])[..., None]
        softmax = np.exp(values - _logsumexp(values, axis=-1)[..., None]) * frames_in
        grad[:, needed > lengths] = softmax[:, needed > lengths]
    if blank != 0:
        grad = _blank_back(grad, blank)
    if not logits_time_major:
        grad = grad.transpose(1, 0, 2)
    dtype = x.dtype
    grad = backend.to_device(grad.astype(dtype))

    def backward(g):
        shape = (1, -1, 1) if logits_time_major else (-1, 1, 1)
        _ops.accumulate(x, grad * g.reshape(shape))

    return _ops.node(backend.to_device(loss.astype(dtype)), (x,), backward)


def _decoded(paths: list, batch: int) -> SparseTensor:
    """A SparseTensor of int64 label sequences, one row a batch entry."""
    indices = [[b, i] for b, path in enumerate(paths) for i in range(len(path))]
    values = [v for path in paths for v in path]
    longest = max((len(p) for p in paths), default=0)
    return SparseTensor(np.asarray(indices, np.int64).reshape(-1, 2),
                        Tensor(np.asarray(values, np.int64)), [batch, longest])


def _time_major(inputs, where: str) -> tuple:
    x = to_float(inputs)
    if x.ndim != 3:
        raise ValueError(f"{where}(inputs): expected rank 3, (max_time, batch, classes), given "
                         f"shape {tuple(x.shape)}.")
    return x, np.asarray(backend.to_numpy(x.value), dtype=np.float64)


def _lengths(sequence_length, batch: int, frames: int, where: str) -> np.ndarray:
    lengths = array(sequence_length).astype(np.int64).reshape(-1)
    if lengths.shape[0] != batch:
        raise ValueError(f"{where}(sequence_length): expected {batch} lengths, one per "
                         f"sequence, given {lengths.shape[0]}.")
    if (lengths < 0).any():
        raise InvalidArgumentError(None, None, f"{where}(sequence_length): lengths must be >= "
                                   f"0, given {lengths.tolist()}.")
    if (lengths > frames).any():
        b = int(np.argmax(lengths > frames))
        raise FailedPreconditionError(None, None, f"{where}(sequence_length): "
                                      f"sequence_length({b}) = {lengths[b]} must be <= max_time "
                                      f"({frames}), the frames of inputs.")
    return lengths


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None) -> tuple:
    """The best path of each sequence: the highest-scoring class at each frame, repeats
    merged (``merge_repeated``), blanks dropped, as ``tf.nn.ctc_greedy_decoder``. A blank
    between two equal classes keeps both (``A B B * B`` gives ``A B B``).

    Args:
        inputs: float logits (max_time, batch, classes), time major.
        sequence_length: (batch,) the valid frames of each sequence.
        merge_repeated: merge consecutive equal classes. Defaults to ``True``.
        blank_index: the blank class; negative counts from the number of classes. Defaults
            to ``classes - 1``.

    Returns:
        (decoded, neg_sum_logits): decoded a one-element list holding a SparseTensor
        (int64 indices [batch, position], int64 values, dense_shape [batch, longest]);
        neg_sum_logits (batch, 1), minus the sum over the valid frames of the best logit.

    Raises:
        ValueError: inputs not of rank 3, or a length per sequence missing.
        FailedPreconditionError: a sequence_length above max_time.

    Example:
        >>> logits = numnet.transpose(numnet.one_hot([[0, 0, 2, 1, 1]], 3), [1, 0, 2])
        >>> (decoded,), _ = numnet.nn.ctc_greedy_decoder(logits, [5])
        >>> decoded.values.numpy().tolist()
        [0, 1]
    """
    x, values = _time_major(inputs, "ctc_greedy_decoder")
    frames, batch, classes = values.shape
    lengths = _lengths(sequence_length, batch, frames, "ctc_greedy_decoder")
    blank = classes - 1 if blank_index is None else int(blank_index)
    blank += classes if blank < 0 else 0
    paths, scores = [], np.zeros((batch, 1))
    for b in range(batch):
        frame = values[:lengths[b], b]
        best = frame.argmax(axis=-1)
        scores[b, 0] = -frame.max(axis=-1).sum() if len(frame) else 0.0
        path, previous = [], -1
        for c in best.tolist():
            if c != blank and not (merge_repeated and c == previous):
                path.append(c)
            previous = c
        paths.append(path)
    return [_decoded(paths, batch)], Tensor(backend.to_device(scores.astype(x.dtype)))


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1) -> tuple:
    """The ``top_paths`` most probable label sequences of each sequence by CTC prefix beam
    search (the probability of a sequence summed over its alignments, ``beam_width``
    prefixes kept at each frame), as ``tf.nn.ctc_beam_search_decoder``. The blank is the
    last class; a softmax over the classes is taken here.

    Args:
        inputs: float logits (max_time, batch, classes), time major.
        sequence_length: (batch,) the valid frames of each sequence.
        beam_width: the prefixes kept at each frame. Defaults to ``100``.
        top_paths: how many sequences to return, at most ``beam_width``. Defaults to ``1``.

    Returns:
        (decoded, log_probability): decoded a list of ``top_paths`` SparseTensors (the j-th
        holds every sequence's j-th best path: int64 indices [batch, position], int64 values,
        dense_shape [batch, longest]); log_probability (batch, top_paths).

    Raises:
        ValueError: inputs not of rank 3, or top_paths outside [1, beam_width].
        InvalidArgumentError: a sequence with fewer distinct label sequences than
            ``top_paths`` (as TensorFlow: "less leaves in the beam search than requested").
        FailedPreconditionError: a sequence_length above max_time.

    Example:
        >>> logits = numnet.math.log(numnet.constant([[[0.9, 0.1]], [[0.9, 0.1]]]))
        >>> (decoded,), log_p = numnet.nn.ctc_beam_search_decoder(logits, [2], beam_width=2)
        >>> decoded.values.numpy().tolist(), round(float(log_p[0, 0]), 4)  # 'a' in both steps
        ([0], -0.0101)
    """
    x, values = _time_major(inputs, "ctc_beam_search_decoder")
    frames, batch, classes = values.shape
    beam_width, top_paths = int(beam_width), int(top_paths)
    if not 1 <= top_paths <= beam_width:
        raise ValueError(f"ctc_beam_search_decoder(top_paths): expected 1 <= top_paths <= "
                         f"beam_width ({beam_width}), given {top_paths}.")
    lengths = _lengths(sequence_length, batch, frames, "ctc_beam_search_decoder")
    log_probs = values - _logsumexp(values, axis=-1)[..., None]
    found = [prefix_beam_search(log_probs[:lengths[b], b], beam_width, top_paths, classes - 1)
             for b in range(batch)]
    for b, paths in enumerate(found):
        if len(paths) < top_paths:
            raise InvalidArgumentError(None, None, f"ctc_beam_search_decoder(top_paths): less "
                                       f"leaves in the beam search than requested: sequence "
                                       f"{b} has {len(paths)} label sequences, top_paths is "
                                       f"{top_paths}; ask for fewer.")
    scores = np.full((batch, top_paths), -np.inf)
    decoded = []
    for j in range(top_paths):
        paths = []
        for b in range(batch):
            if j < len(found[b]):
                paths.append(found[b][j][0])
                scores[b, j] = found[b][j][1]
            else:
                paths.append([])
        decoded.append(_decoded(paths, batch))
    return decoded, Tensor(backend.to_device(scores.astype(x.dtype)))


def ctc_unique_labels(labels, name=None) -> tuple:
    """The unique labels of each row and, for each label, its position among them, as
    ``tf.nn.ctc_unique_labels`` (the ``unique`` argument of ctc_loss).

    Args:
        labels: int labels (batch, max_label_length), 0-padded.
        name: unused.

    Returns:
        (unique_y, unique_idx), both (batch, max_label_length): unique_y of labels' dtype,
        each row's distinct labels in order of first appearance, 0-padded; unique_idx
        (int32) the index of each label in that list.

    Example:
        >>> y, idx = numnet.nn.ctc_unique_labels([[3, 4, 4, 3]])
        >>> y.numpy().tolist(), idx.numpy().tolist()
        ([[3, 4, 0, 0]], [[0, 1, 1, 0]])
    """
    values = array(labels)
    if values.ndim != 2:
        raise ValueError(f"ctc_unique_labels(labels): expected rank 2, (batch, "
                         f"max_label_length), given shape {values.shape}.")
    unique_y = np.zeros_like(values)
    unique_idx = np.zeros(values.shape, np.int32)
    for b, row in enumerate(values.tolist()):
        seen: dict = {}
        for i, v in enumerate(row):
            unique_idx[b, i] = seen.setdefault(v, len(seen))
        unique_y[b, :len(seen)] = list(seen)
    return Tensor(backend.to_device(unique_y)), Tensor(backend.to_device(unique_idx))


def collapse_repeated(labels, seq_length, name=None) -> tuple:
    """Each row's labels with runs of one value merged into one, as
    ``tf.nn.collapse_repeated``.

    Args:
        labels: (batch, max_length) labels.
        seq_length: (batch,) the valid length of each row.
        name: unused.

    Returns:
        (collapsed_labels, new_seq_length): the merged rows, 0-padded, as wide as the longest
        merged row; their lengths (int32).

    Example:
        >>> y, n = numnet.nn.collapse_repeated([[1, 1, 2, 2, 1]], [5])
        >>> y.numpy().tolist(), n.numpy().tolist()
        ([[1, 2, 1]], [3])
    """
    values = array(labels)
    lengths = array(seq_length).astype(np.int64).reshape(-1)
    rows = []
    for b, row in enumerate(values.tolist()):
        row = row[:lengths[b]]
        rows.append([v for i, v in enumerate(row) if i == 0 or v != row[i - 1]])
    width = max((len(r) for r in rows), default=0)
    out = np.zeros((len(rows), width), values.dtype)
    for b, row in enumerate(rows):
        out[b, :len(row)] = row
    return (Tensor(backend.to_device(out)),
            Tensor(backend.to_device(np.asarray([len(r) for r in rows], np.int32))))


CTC = {
    "ctc_loss": ctc_loss, "ctc_greedy_decoder": ctc_greedy_decoder,
    "ctc_beam_search_decoder": ctc_beam_search_decoder, "ctc_unique_labels": ctc_unique_labels,
    "collapse_repeated": collapse_repeated,
}
"""The CTC functions that join ``tf.nn`` (numnet.nn)."""
