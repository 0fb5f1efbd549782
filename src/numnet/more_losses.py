"""Keras 3's newer losses: Dice and Tversky (overlap of masks), Circle (metric learning on
embeddings), CategoricalGeneralizedCrossEntropy (robust to noisy labels) and CTC (sequences
without alignment), each a function and a Loss class with Keras's names, arguments and
defaults.

They join ``numnet.losses`` (names, ``get``, ``deserialize``) when numnet is imported; this
module sits beside numnet/losses.py and adds them there.
"""

from __future__ import annotations

from . import backend, losses, ops
from .losses import Loss, LossFunctionWrapper


def _pair(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return y_true, y_pred


def dice(y_true, y_pred, axis=None):
    """Dice loss: 1 − 2 Σ y·p / (Σ y + Σ p + ε), the sums over ``axis`` (ε =
    ``backend.epsilon()``).

    Args:
        y_true: the target masks (0 / 1, or soft), any shape.
        y_pred: the predicted masks (probabilities), the same shape.
        axis: the axes summed over; None for all, which gives one number for the batch.
            Defaults to ``None``.

    Returns:
        The loss: a scalar (``axis=None``) or one value per remaining index.

    Example:
        >>> y_true = np.array([[1.0, 1.0, 0.0, 0.0]])
        >>> y_pred = np.array([[1.0, 0.0, 1.0, 0.0]])
        >>> round(float(numnet.losses.dice(y_true, y_pred)), 4)   # 1 - 2 * 1 / 4
        0.5
    """
    y_true, y_pred = _pair(y_true, y_pred)
    overlap = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + backend.epsilon()
    return 1.0 - ops.divide(2.0 * overlap, total)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss: 1 − TP / (TP + alpha·FP + beta·FN + ε), with TP = Σ y·p, and, as Keras
    writes them, FP = Σ y·(1 − p) and FN = Σ (1 − y)·p, the sums over ``axis``.
    alpha = beta = 0.5 is the Dice loss.

    Args:
        y_true: the target masks, any shape.
        y_pred: the predicted masks (probabilities), the same shape.
        alpha: the weight of Σ y·(1 − p) (targets missed). Defaults to ``0.5``.
        beta: the weight of Σ (1 − y)·p (false alarms). Defaults to ``0.5``.
        axis: the axes summed over; None for all. Defaults to ``None``.

    Example:
        >>> y_true = np.array([[1.0, 1.0, 0.0, 0.0]])
        >>> y_pred = np.array([[1.0, 0.0, 1.0, 0.0]])
        >>> round(float(numnet.losses.tversky(y_true, y_pred, alpha=0.7, beta=0.3)), 4)
        0.5
    """
    y_true, y_pred = _pair(y_true, y_pred)
    overlap = ops.sum(y_true * y_pred, axis=axis)
    missed = ops.sum((1.0 - y_pred) * y_true, axis=axis)
    extra = ops.sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - ops.divide(overlap, overlap + missed * alpha + extra * beta + backend.epsilon())


_NEG_INF = -1e30  # stands for -inf in the masked log-sum-exp: exp underflows to 0, gradients stay


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal: bool = True,
           gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) on unit-norm embeddings, per query row, as Keras 3.

    With d_ij = max(1 − e_i · r_j, 0) the cosine distance of query i to reference j, and
    m the margin::

        positives (same label; not i itself when remove_diagonal):
            s_p = −gamma · max(m + d_ij, 0) · (m − d_ij)
        negatives (another label):
            s_n = gamma · max(1 + m − d_ij, 0) · (1 − m − d_ij)
        loss_i = softplus(logsumexp_j s_p + logsumexp_j s_n)

    A row with no positive (or no negative) gives 0, and the loss object averages only the
    rows above 0 (Keras's mask).

    Args:
        y_true: the integer labels of the queries, shape (N,).
        y_pred: the query embeddings, unit norm, shape (N, D).
        ref_labels: the references' labels; None for ``y_true``. Defaults to ``None``.
        ref_embeddings: the reference embeddings (M, D); None for ``y_pred``.
            Defaults to ``None``.
        remove_diagonal: leave each query out of its own positives. Defaults to ``True``.
        gamma: the scale of the similarity scores. Defaults to ``80``.
        margin: the relaxation m. Defaults to ``0.4``.

    Returns:
        One value per query, shape (N,).

    Example:
        >>> e = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], "float32")
        >>> numnet.losses.circle(np.array([0, 0, 1]), e).numpy().round(4)
        array([0., 0., 0.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    labels = backend.to_device(getattr(y_true, "value", y_true)).astype("int32").reshape(-1)
    refs = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref = labels if ref_labels is None else backend.to_device(
        getattr(ref_labels, "value", ref_labels)).astype("int32").reshape(-1)
    positive = labels[:, None] == ref[None, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~backend.xp.eye(len(labels), len(ref), dtype=bool)
    distance = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(refs)), 0.0)
    pos_weight = ops.maximum((margin + distance) * positive.astype(distance.dtype), 0.0)
    neg_weight = ops.maximum((1.0 + margin - distance) * negative.astype(distance.dtype), 0.0)
    pos_score = -gamma * pos_weight * (margin - distance)
    neg_score = gamma * neg_weight * ((1.0 - margin) - distance)
    pos_term = ops.logsumexp(ops.where(positive, pos_score, _NEG_INF), axis=1)
    neg_term = ops.logsumexp(ops.where(negative, neg_score, _NEG_INF), axis=1)
    return ops.softplus(pos_term + neg_term)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018): (1 − p^q) / q, with p the predicted
    probability of the true class; q → 0 gives the cross-entropy, q = 1 the mean absolute
    error, which noisy labels harm less.

    Args:
        y_true: the integer labels, shape (N,) (a trailing axis of 1 is dropped).
        y_pred: the class probabilities, shape (N, C).
        q: the exponent, in (0, 1).

    Returns:
        One value per sample, shape (N,).

    Example:
        >>> y_pred = np.array([[0.25, 0.75], [0.5, 0.5]], "float32")
        >>> numnet.losses.categorical_generalized_cross_entropy(
        ...     np.array([1, 0]), y_pred, q=0.5).numpy().round(4)
        array([0.2679, 0.5858], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    labels = backend.to_numpy(getattr(y_true, "value", y_true))
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    one_hot = backend.xp.eye(y_pred.shape[-1], dtype=y_pred.dtype)[
        backend.to_device(labels.astype("int64"))]
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1.0 - ops.power(p, q)) / q


def ctc(y_true, y_pred):
    """Connectionist temporal classification loss, per sequence, as Keras's ``ctc``: the label
    sequences are the rows of ``y_true`` with 0 as padding (and 0 the blank class), every
    time step of ``y_pred`` counts (see ``numnet.ops.ctc_loss``).

    Args:
        y_true: the integer labels, shape (batch, max_label_length), 0-padded.
        y_pred: the logits, shape (batch, time, classes); class 0 is the blank.

    Returns:
        One value per sequence, shape (batch,).

    Raises:
        ValueError: when ``y_true`` is not 2-D or ``y_pred`` not 3-D.

    Example:
        >>> logits = np.zeros((1, 2, 2), "float32")   # uniform over {blank, a}, two steps
        >>> round(float(numnet.losses.ctc(np.array([[1]]), logits)[0]), 4)    # -log(3/4)
        0.2877
    """
    y_pred = ops.convert_to_tensor(y_pred)
    labels = backend.to_numpy(getattr(y_true, "value", y_true))
    if labels.ndim != 2:
        raise ValueError(f"ctc(y_true): expected integer labels of shape (batch, "
                         f"max_length), given shape {labels.shape}.")
    if y_pred.ndim != 3:
        raise ValueError(f"ctc(y_pred): expected logits of shape (batch, time, classes), "
                         f"given shape {tuple(y_pred.shape)}.")
    labels = labels.astype("int32")
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    label_length = (labels != 0).sum(axis=-1).astype("int32")
    return ops.ctc_loss(labels, y_pred, label_length, [steps] * batch, mask_index=0)


class _Wrapper(LossFunctionWrapper):
    """A loss class of this module: Keras's constructor, its config (the loss's own arguments
    after name and reduction)."""

    _ARGS: tuple = ()

    def get_config(self) -> dict:
        return {**Loss.get_config(self), **{k: getattr(self, k) for k in self._ARGS}}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config.pop("fn", None)
        return cls(**config)


class Dice(_Wrapper):
    """The Dice loss as a Loss object: ``loss(y_true, y_pred, sample_weight=None)`` (see
    ``numnet.losses.dice``).

    Args:
        reduction: how per-sample values are combined (``axis`` set): as for every Loss.
            Defaults to ``'sum_over_batch_size'``.
        name: the name shown in logs. Defaults to ``'dice'``.
        axis: the axes summed over; None for all (one value for the batch); ``(1, 2)`` for
            a per-image Dice of (N, H, W) masks. Defaults to ``None``.
        dtype: the dtype the loss computes in; None uses floatx. Defaults to ``None``.

    Example:
        >>> loss = numnet.losses.Dice()
        >>> round(float(loss(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]]))), 4)
        0.3333
    """

    _ARGS = ("axis",)

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(_Wrapper):
    """The Tversky loss as a Loss object (see ``numnet.losses.tversky``).

    Args:
        alpha: the weight of Σ y·(1 − p). Defaults to ``0.5``.
        beta: the weight of Σ (1 − y)·p. Defaults to ``0.5``.
        reduction: as for every Loss. Defaults to ``'sum_over_batch_size'``.
        name: the name shown in logs. Defaults to ``'tversky'``.
        axis: the axes summed over; None for all. Defaults to ``None``.
        dtype: the dtype the loss computes in; None uses floatx. Defaults to ``None``.

    Example:
        >>> loss = numnet.losses.Tversky(alpha=0.3, beta=0.7)
        >>> round(float(loss(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]]))), 4)
        0.4118
    """

    _ARGS = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha, self.beta, self.axis = alpha, beta, axis


class Circle(_Wrapper):
    """The Circle loss as a Loss object (see ``numnet.losses.circle``): give it integer labels
    (N,) and unit-norm embeddings (N, D) (a Dense without activation, then
    UnitNormalization). Rows whose loss is 0 (no positive or no negative in the batch) do not
    count in the mean, as in Keras.

    Args:
        gamma: the scale of the similarity scores. Defaults to ``80.0``.
        margin: the relaxation m. Defaults to ``0.4``.
        remove_diagonal: leave each query out of its own positives. Defaults to ``True``.
        reduction: as for every Loss. Defaults to ``'sum_over_batch_size'``.
        name: the name shown in logs. Defaults to ``'circle'``.
        dtype: the dtype the loss computes in; None uses floatx. Defaults to ``None``.

    Example:
        >>> e = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], "float32")
        >>> round(float(numnet.losses.Circle()(np.array([0, 0, 1]), e)), 3)
        19.2
    """

    _ARGS = ("gamma", "margin", "remove_diagonal")

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal: bool = True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal

    def mask(self, y_true, values):
        return backend.to_numpy(values.value) > 0


class CategoricalGeneralizedCrossEntropy(_Wrapper):
    """The generalized cross-entropy as a Loss object (see
    ``numnet.losses.categorical_generalized_cross_entropy``): integer labels (N,),
    probabilities (N, C).

    Args:
        q: the exponent, in (0, 1). Defaults to ``0.5``.
        reduction: as for every Loss. Defaults to ``'sum_over_batch_size'``.
        name: the name shown in logs. Defaults to
            ``'categorical_generalized_cross_entropy'``.
        dtype: the dtype the loss computes in; None uses floatx. Defaults to ``None``.

    Raises:
        ValueError: for q outside (0, 1).

    Example:
        >>> loss = numnet.losses.CategoricalGeneralizedCrossEntropy(q=0.5)
        >>> round(float(loss(np.array([1]), np.array([[0.25, 0.75]]))), 4)
        0.2679
    """

    _ARGS = ("q",)

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy(q): expected a number in "
                             f"(0, 1), given {q!r}.")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name,
                         dtype=dtype, q=q)
        self.q = q


class CTC(_Wrapper):
    """The CTC loss as a Loss object (see ``numnet.losses.ctc``): 0-padded integer labels
    (batch, max_label_length) and logits (batch, time, classes), class 0 the blank.

    Args:
        reduction: as for every Loss. Defaults to ``'sum_over_batch_size'``.
        name: the name shown in logs. Defaults to ``'ctc'``.
        dtype: the dtype the loss computes in; None uses floatx. Defaults to ``None``.

    Example:
        >>> loss = numnet.losses.CTC()
        >>> round(float(loss(np.array([[1]]), np.zeros((1, 2, 2), "float32"))), 4)
        0.2877
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)


_NEW_FUNCTIONS = {"ctc": ctc, "dice": dice, "tversky": tversky, "circle": circle,
                  "categorical_generalized_cross_entropy": categorical_generalized_cross_entropy}
_NEW_CLASSES = {cls.__name__: cls for cls in (CTC, Dice, Tversky, Circle,
                                               CategoricalGeneralizedCrossEntropy)}


def _register() -> None:
    """Add these losses to numnet.losses: its names, ``get`` and ``deserialize``."""
    for name, value in {**_NEW_FUNCTIONS, **_NEW_CLASSES}.items():
        setattr(losses, name, value)
    losses._FUNCTIONS.update(_NEW_FUNCTIONS)
    losses._CLASSES.update(_NEW_CLASSES)
    losses._CLASS_OF_FUNCTION.update({ctc: CTC, dice: Dice, tversky: Tversky, circle: Circle,
                                      categorical_generalized_cross_entropy:
                                      CategoricalGeneralizedCrossEntropy})


_register()

__all__ = ["CTC", "CategoricalGeneralizedCrossEntropy", "Circle", "Dice", "Tversky",
           "categorical_generalized_cross_entropy", "circle", "ctc", "dice", "tversky"]
