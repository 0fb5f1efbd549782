"""The training step of a plain stack of Dense layers, run as a fixed list of calls.

Through the tape, a step builds a node per layer and per loss, orders them and walks them back;
for the seeds' models that bookkeeping is about 60 us of Python a step, a fifth of a W2 step
(bench/RESULTS.md). When a model is a stack of Dense layers (relu or linear hidden layers, then a
softmax or linear output) trained on a softmax cross-entropy (integer or one-hot labels, the
batch mean, no sample weights), its step is always the same list of operations, and
``StackStep`` runs that list: the same matrix products and the same compiled kernels
(``autodiff/fused.py``), in the same order, on the same arrays, writing the gradients into the
optimizer's buffers as the tape does. The output layer's bias, softmax, loss, loss gradient and
bias gradient are one kernel (``_sparse_head`` / ``_dense_head``) that computes each value as the
tape's three kernels do, the exponentials once instead of twice. The weights, the loss and the
metrics come out bit for bit as through the tape (tests/test_stack_step.py compares the two).

It plays the part of Keras's ``jit_compile``: used where it applies while
``compile(jit_compile="auto")`` (the default) or ``True``; ``jit_compile=False`` or
``run_eagerly=True`` train through the tape. Everything else trains through the tape too: other
layers, regularizers, constraints, a custom or weighted loss, 16-bit policies, the GPU, and
machines without numba. A step the list cannot take (the optimizer's flat arrays are made on the
first step; a label outside the classes, which the tape reports) goes through the tape, having
changed nothing.
"""

from __future__ import annotations

import numpy as np

from .. import activations, backend, losses, optimizers
from ..autodiff import fused
from ..layers.base import Layer
from ..layers.core import Dense

_RELU, _LINEAR, _SOFTMAX = "relu", "linear", "softmax"


def _kind(layer: Dense) -> str | None:
    """How a Dense layer's activation runs in the list: relu, linear, softmax, or None (not)."""
    if layer.activation is activations.linear and layer._kernel_fn is None:
        return _LINEAR
    kernel = layer._kernel_fn
    name = getattr(kernel, "fused", None)
    if name == _RELU:
        return _RELU
    if name == _SOFTMAX and kernel.keeps_logits == _SOFTMAX and kernel.axis == -1:
        return _SOFTMAX
    return None


def _loss_form(loss) -> tuple[bool, bool] | None:
    """(sparse, from_logits) of a softmax cross-entropy batch mean the list computes as the tape
    does, or None for any other loss."""
    if (not isinstance(loss, losses.LossFunctionWrapper)
            or type(loss).reduced is not losses.LossFunctionWrapper.reduced
            or loss.reduction not in ("sum_over_batch_size", "mean")):
        return None
    kwargs = dict(loss.fn_kwargs)
    from_logits = kwargs.pop("from_logits", False)
    if kwargs.pop("axis", -1) not in (-1, 1) or not isinstance(from_logits, bool):
        return None
    if loss.fn is losses.sparse_categorical_crossentropy:
        if kwargs.pop("ignore_class", None) is not None:
            return None
        sparse = True
    elif loss.fn is losses.categorical_crossentropy:
        if kwargs.pop("label_smoothing", 0.0):
            return None
        sparse = False
    else:
        return None
    return (sparse, from_logits) if not kwargs else None


def _plain(layer) -> bool:
    """Whether a Dense layer does no more than act(x @ kernel + bias) with trainable weights."""
    weights = layer._weights
    return (type(layer) is Dense and type(layer).__call__ is Layer.__call__ and layer.built
            and layer.use_bias and layer.trainable and layer._autocast is None
            and layer.activity_regularizer is None and not getattr(layer, "_regularized", None)
            and len(weights) == 2 and weights[0] is layer.kernel and weights[1] is layer.bias
            and all(getattr(w, "constraint", None) is None for w in weights))


def build(model) -> StackStep | None:
    """The step of ``model`` as a list of calls, or None where it must train through the tape."""
    if (model.jit_compile is False or model.run_eagerly or backend.xp is not np
            or not fused._applies(np.empty((1, 1), np.float32))):
        return None
    from .model import Model

    cls = type(model)
    if (cls.call is not Model.call or cls._forward is not Model._forward
            or cls._train_step is not Model._train_step or cls._loss_value is not Model._loss_value
            or not model._layers or not model.trainable or model._loss_obj is None
            or isinstance(model.optimizer, optimizers.LossScaleOptimizer)):
        return None
    form = _loss_form(model._loss_obj)
    layers = list(model._layers)
    if form is None or not all(_plain(layer) for layer in layers):
        return None
    kinds = [_kind(layer) for layer in layers]
    sparse, from_logits = form
    if None in kinds or _SOFTMAX in kinds[:-1] or kinds[-1] != (
            _LINEAR if from_logits else _SOFTMAX):
        return None  # also: probabilities given to from_logits, a loss on a linear output
    dtype = layers[0].kernel.value.dtype
    if (dtype not in (np.dtype("float32"), np.dtype("float64"))
            or layers[-1].units > fused.FEW_CLASSES
            or any(layer._compute != dtype or layer.kernel.value.dtype != dtype
                   or layer.bias.value.dtype != dtype for layer in layers)):
        return None
    params = [w for layer in layers for w in (layer.kernel, layer.bias)]
    steps = model._step_params
    if steps is None or len(steps) != len(params) or any(
            a is not b for a, b in zip(steps, params)):
        return None  # a layer used twice, or weights the fit does not train
    return StackStep(model, layers, kinds, sparse)


class StackStep:
    """``step(x, y)``: one training step of a Dense stack; the batch mean loss, or None."""

    def __init__(self, model, layers, kinds, sparse: bool):
        self.model = model
        self.layers = [(layer, layer.kernel, layer.bias, layer.activation, kind)
                       for layer, kind in zip(layers, kinds)]
        self.sparse = sparse
        self.params = list(model._step_params)
        self.features = layers[0].kernel.value.shape[0]
        self.dtype = layers[0].kernel.value.dtype
        self._grads = None  # the optimizer's gradient buffers, once it has made them
        self._pack = None
        self._kernels = None
        self._failed = False  # a kernel raised (a signature numba cannot compile): tape only

    def _ready(self) -> bool:
        """Whether the optimizer holds the weights in its flat arrays, the gradients' buffers."""
        optimizer = self.model.optimizer
        pack = getattr(optimizer, "_pack", None)
        if pack is None or not pack.holds(self.params):
            return False
        if pack is not self._pack:
            grads = [getattr(p, "grad_buffer", None) for p in self.params]
            for g, p in zip(grads, self.params):
                if (g is None or g.dtype != self.dtype or g.shape != p.value.shape
                        or not g.flags.c_contiguous):
                    return False
            if self._kernels is None:
                names = ("bias_relu", "relu_backward", "column_sums", "sparse_head",
                         "dense_head")
                kernels = [fused._kernel(name) for name in names]
                if any(k is None for k in kernels):
                    return False
                self._kernels = kernels
            self._pack, self._grads = pack, grads
        for entry in self.layers:  # a callback may have changed a layer since the fit began
            layer, kernel, bias, activation = entry[:4]
            if (layer.kernel is not kernel or layer.bias is not bias
                    or layer.activation is not activation or not layer.trainable):
                return False
        return True

    def __call__(self, x, y):
        """Run the step on the batch (x, y) and return its loss; None, having changed nothing,
        where the list does not apply (the tape then takes the step)."""
        if (self._failed or type(x) is not np.ndarray or x.ndim != 2 or x.dtype != self.dtype
                or x.shape[1] != self.features or not x.flags.c_contiguous or not len(x)
                or type(y) is not np.ndarray or not self._ready()):
            return None
        n = x.shape[0]
        if self.sparse:
            labels = y.reshape(n) if y.shape == (n, 1) else y
            if labels.shape != (n,) or labels.dtype.kind not in "iu":
                return None
            labels = labels.astype("int64", copy=False)
            if not labels.flags.c_contiguous:
                return None
        else:
            labels = y if y.dtype == self.dtype else y.astype(self.dtype)
            if labels.ndim != 2 or not labels.flags.c_contiguous:
                return None
        try:
            done = self._gradients(x, labels, n)
        except Exception:  # a kernel numba cannot compile for these arrays: the tape's way
            self._failed = True
            return None
        if done is None:
            return None
        loss, out = done
        grads = self._grads
        for p, g in zip(self.params, grads):
            p.grad = g
        self.model.optimizer.apply(grads, self.params)
        for metric in self.model._metrics:
            metric.update_state(y, out, None)
        return loss

    def _gradients(self, x, labels, n):
        """(loss, output) with the gradients written into the optimizer's buffers, or None,
        having changed no weight, for a label the tape must report."""
        bias_relu, relu_backward, column_sums, sparse_head, dense_head = self._kernels
        # forward: h_i = act(h_{i-1} @ W_i + b_i), as the tape's dense nodes compute it
        inputs, values = [], []
        h = x
        for _, kernel, bias, _, kind in self.layers[:-1]:
            inputs.append(h)
            h = h @ kernel.value
            if kind == _RELU:
                bias_relu(h, bias.value)
            else:
                h += bias.value
            values.append(h)
        inputs.append(h)
        kernel, bias, _, kind = self.layers[-1][1:]
        z = h @ kernel.value
        if not self.sparse and labels.shape != z.shape:
            return None
        # the output layer with the loss, its gradient dz and the bias gradient, in one kernel
        out = np.empty_like(z) if kind == _SOFTMAX else z
        dz = np.empty_like(z)
        grads = self._grads
        head = sparse_head if self.sparse else dense_head
        total = head(z, bias.value, out, labels, dz, grads[-1], 1.0 / n, kind == _SOFTMAX)
        if self.sparse and total < 0:  # a label outside the classes: the tape names it
            return None
        # backward: d W_i = h_{i-1}^T dz_i, d b_i = sum_rows dz_i, dz_{i-1} = relu'(dz_i W_i^T)
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            kernel = self.layers[i][1]
            np.matmul(inputs[i].T, dz, out=grads[2 * i])
            if i < last and self.layers[i][4] != _RELU:
                column_sums(dz, grads[2 * i + 1])  # a relu's came with its dz, below
            if i:
                g = dz @ kernel.value.T
                if self.layers[i - 1][4] == _RELU:
                    dz = np.empty_like(g)
                    relu_backward(g, values[i - 1], dz, grads[2 * i - 1])
                else:
                    dz = g
        return z.dtype.type(total), out
