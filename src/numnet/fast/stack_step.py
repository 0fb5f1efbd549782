"""The training step of a plain stack of Dense layers, run as a fixed list of calls.

Through the tape, a step builds a node per layer and per loss, orders them and walks them back;
for the seeds' models that bookkeeping is about 30 us of Python a step, a tenth of a W2 step
(bench/RESULTS.md). A stack of Dense layers with built-in activations always takes the same
step, and ``StackStep`` runs it as a list: the same matrix products, activation kernels and
compiled kernels (``fast/kernels.py``, through ``ops.bias_and_activation``,
``ops.activation_backward`` and ``ops.bias_gradient``, the helpers of the tape's dense node), in
the same order, on the same arrays, writing the gradients into the optimizer's buffers as the
tape does. The loss is computed by its own ops on a tape of its own, from the output as the
dense node presents it (with its logits, for a softmax or sigmoid), with sample weights if any.
A softmax cross-entropy batch mean without weights is computed by one kernel with the output
layer's bias, softmax, loss gradient and bias gradient (``_sparse_head`` / ``_dense_head``),
each value as the tape's three kernels compute it, the exponentials once instead of twice. The
weights, the loss and the metrics come out bit for bit as through the tape
(tests/test_stack_step.py compares the two).

It plays the part of Keras's ``jit_compile``: used where it applies while
``compile(jit_compile="auto")`` (the default) or ``True``; ``jit_compile=False`` or
``run_eagerly=True`` train through the tape. Everything else trains through the tape too: other
layers, custom activations, regularizers, constraints, a model with its own ``call``, 16-bit
policies, the GPU, and machines without numba. A step the list cannot take (the optimizer's
flat arrays are made on the first step; a label outside the classes, which the tape reports)
goes through the tape, having changed nothing.
"""

from __future__ import annotations

import numpy as np

from .. import activations, backend, losses, optimizers
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from ..layers.base import Layer
from ..layers.core import Dense
from ..models.own_step import OwnStep
from . import kernels as fused
from . import updates


def _head_form(loss, act, units: int) -> bool | None:
    """For a softmax cross-entropy batch mean that the head kernels compute as the tape does,
    on an output layer with activation kernel ``act`` (None: linear) of ``units`` classes:
    whether its labels are integers (True) or rows (False); None for any other loss or output,
    which the loss's own ops compute."""
    if (not isinstance(loss, losses.LossFunctionWrapper)
            or type(loss).reduced is not losses.LossFunctionWrapper.reduced
            or loss.reduction not in ("sum_over_batch_size", "mean")
            or units > fused.FEW_CLASSES):
        return None
    kwargs = dict(loss.fn_kwargs)
    from_logits = kwargs.pop("from_logits", False)
    if kwargs.pop("axis", -1) not in (-1, 1) or from_logits not in (True, False):
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
    if from_logits:
        output_fits = act is None
    else:
        output_fits = (getattr(act, "fused", None) == "softmax"
                       and act.keeps_logits == "softmax" and act.axis == -1)
    return sparse if output_fits and not kwargs else None


def _plain(layer) -> bool:
    """Whether a layer is a Dense that does no more than act(x @ kernel + bias), with a built-in
    activation (its kernel is what the tape runs), trainable weights and nothing else."""
    weights = layer._weights
    return (type(layer) is Dense and type(layer).__call__ is Layer.__call__ and layer.built
            and layer.use_bias and layer.trainable and layer._autocast is None
            and (layer._kernel_fn is not None or layer.activation is activations.linear)
            and layer.activity_regularizer is None and not getattr(layer, "_regularized", None)
            and len(weights) == 2 and weights[0] is layer.kernel and weights[1] is layer.bias
            and all(getattr(w, "constraint", None) is None for w in weights))


def _numnet_own(method, qualname: str) -> bool:
    """Whether ``method`` is numnet's own ``qualname`` of models/model.py (not a subclass's):
    read from the function, so that this module need not import the model."""
    return (getattr(method, "__qualname__", None) == qualname
            and getattr(method, "__module__", None) == "numnet.models.model")


def build(model) -> StackStep | None:
    """The step of ``model`` as a list of calls, or None where it must train through the tape."""
    if (model.jit_compile is False or model.run_eagerly or backend.xp is not np
            or not updates.is_available()):  # numba, and the fused path switched on
        return None
    cls = type(model)
    if (not _numnet_own(cls.call, "Model.call") or not _numnet_own(cls._forward, "Model._forward")
            or cls._train_step is not OwnStep._train_step
            or cls._loss_value is not OwnStep._loss_value
            or not model._layers or not model.trainable or model._loss_obj is None
            or isinstance(model.optimizer, optimizers.LossScaleOptimizer)):
        return None
    layers = list(model._layers)
    if not all(_plain(layer) for layer in layers):
        return None
    dtype = layers[0].kernel.value.dtype
    if dtype not in (np.dtype("float32"), np.dtype("float64")) or any(
            layer._compute != dtype or layer.kernel.value.dtype != dtype
            or layer.bias.value.dtype != dtype for layer in layers):
        return None
    params = [w for layer in layers for w in (layer.kernel, layer.bias)]
    steps = model._step_params
    if steps is None or len(steps) != len(params) or any(
            a is not b for a, b in zip(steps, params)):
        return None  # a layer used twice, or weights the fit does not train
    return StackStep(model, layers)


class StackStep:
    """``step(x, y, sample_weight)``: one training step of a Dense stack; its loss, or None."""

    def __init__(self, model, layers):
        self.model = model
        # (layer, kernel, bias, activation, its kernel or None, whether it is relu)
        self.layers = [(layer, layer.kernel, layer.bias, layer.activation, layer._kernel_fn,
                        getattr(layer._kernel_fn, "fused", None) == "relu") for layer in layers]
        last = layers[-1]
        self.head = _head_form(model._loss_obj, last._kernel_fn, last.units)
        self.params = list(model._step_params)
        self.features = layers[0].kernel.value.shape[0]
        self.dtype = layers[0].kernel.value.dtype
        self._grads = None  # the optimizer's gradient buffers, once it has made them
        self._pack = None
        self._kernels = None
        self._failed = False  # the step raised: the tape takes the rest of this fit's steps
        # each layer's products: np.matmul, or the same products with half of each large one
        # on the second core (fast/helper_thread.py, the same bits; see use_helper)
        self._matmul = [np.matmul] * len(layers)
        # the block of the first layer owned by the helper thread: its columns [_owned, ...)
        # (a large kernel, stored column by column during each pass: ``_transposed``) or its
        # rows (``_by_rows``: a small one, whose forward product is cut by batch rows); 0: none.
        # The block's weight gradient and update are made there (``_bound``: to the pack).
        self._helper = None
        self._owned = 0
        self._by_rows = False
        self._owned_rows: dict[int, bool] = {}  # batch rows -> whether the owned parts apply
        self._transposed = self._bound = False

    def use_helper(self, helper, batch_size: int) -> None:
        """Let the helper thread own a block of the first layer where it can: columns of a
        large kernel (``Helper.owned_columns``), or rows of the weight gradient of a kernel
        whose products it shares (``Helper.owned_rows``). Cut the products of the layers whose
        kernels it may share (at most ``SPLIT_BYTES``, and ``SPLIT_MACS`` multiply-adds at
        this batch size) through ``helper.matmul``; the other layers keep np.matmul (no check
        per call)."""
        from . import helper_thread

        self._helper = helper
        if len(self.layers) > 1:
            first, optimizer = self.layers[0][1].value, self.model.optimizer
            self._owned = helper.owned_columns(first, batch_size, optimizer)
            if not self._owned:
                self._owned = helper.owned_rows(first, batch_size, optimizer)
                self._by_rows = self._owned > 0
        self._owned_rows = {batch_size: True} if self._owned else {}
        for i, (_, kernel, *_rest) in enumerate(self.layers):
            if i == 0 and self._owned and not self._by_rows:
                continue
            value = kernel.value
            if (value.nbytes <= helper_thread.SPLIT_BYTES
                    and batch_size * value.size >= helper_thread.SPLIT_MACS):
                self._matmul[i] = helper.matmul

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
                names = ("bias_relu", "relu_backward", "column_sums", "sparse_head", "dense_head")
                kernels = [fused.compiled(name) for name in names]
                if any(k is None for k in kernels):
                    return False
                self._kernels = kernels
            self._pack, self._grads = pack, grads
            self._transposed = self._bound = False
        for entry in self.layers:  # a callback may have changed a layer since the fit began
            layer, kernel, bias, activation = entry[:4]
            if (layer.kernel is not kernel or layer.bias is not bias
                    or layer.activation is not activation or not layer.trainable):
                return False
        if self._owned and not self._bound:  # the helper's block, one range of the pack
            if not self._by_rows:
                pack.transpose(0, True)  # (the pack holds the parameters in their order)
                self._grads[0] = self.params[0].grad_buffer
                self._transposed = True
            self._helper.bind(pack, 0, self._owned, self._by_rows)
            self._bound = True
        return True

    def end_pass(self) -> None:
        """Store the first layer's kernel row by row again (after each pass, before anything
        else reads the weights: the same values, in NumPy's usual order)."""
        self._bound = False
        if self._transposed:
            self._transposed = False
            pack = self._pack
            if pack.holds(self.params):
                pack.transpose(0, False)
                self._grads[0] = self.params[0].grad_buffer

    def __call__(self, x, y, sample_weight=None):
        """Run the step on the batch and return its loss; None, having changed nothing, where the
        list does not apply (the tape then takes the step)."""
        if (self._failed or type(x) is not np.ndarray or x.ndim != 2 or x.dtype != self.dtype
                or x.shape[1] != self.features or not x.flags.c_contiguous or not len(x)
                or type(y) is not np.ndarray or not self._ready()):
            self.end_pass()  # the tape's step sees the weights in their usual order
            return None
        helper = self._helper
        try:
            done = self._gradients(x, y, sample_weight)
        except Exception:  # the tape takes the step again, and reports what is wrong
            if helper is not None:
                helper.finish()
            self._failed = True
            self.end_pass()
            return None
        if done is None:  # (the same the next steps, most likely: no more owned block)
            self._owned = 0
            self.end_pass()
            return None
        loss, out = done
        grads = self._grads
        for p, g in zip(self.params, grads):
            p.grad = g
        optimizer = self.model.optimizer
        if helper is None or not helper.posted:
            optimizer.apply_pack()  # the gradients are in its buffers (see _ready)
        else:
            # the optimizer's kernel on the helper's block there and on the rest here; where
            # apply's path reads the gradients first, the whole gradient before it
            try:
                with updates.handing_off(helper.update):
                    optimizer.apply_pack(helper.finish)
            finally:
                helper.finish()
        model = self.model
        for i, metric in enumerate(model._metrics):  # only weighted_metrics see weights
            metric.update_state(y, out, sample_weight if i >= model._weighted_from else None)
        return loss

    def _gradients(self, x, y, sample_weight):
        """(loss, output) with the gradients written into the optimizer's buffers, or None,
        having changed no weight, where the tape must take the step."""
        # forward: h_i = act(h_{i-1} @ W_i + b_i), as the tape's dense nodes compute it (relu
        # by its kernel directly: the arrays here are always ones it takes)
        bias_relu, relu_backward, column_sums = self._kernels[:3]
        matmuls = self._matmul
        inputs, values, outputs = [], [], []
        h = x
        owned = self._bound and self._owns(len(x))
        for i, (_, kernel, bias, _, act, relu) in enumerate(self.layers[:-1]):
            inputs.append(h)
            if i == 0 and self._transposed:
                z = self._first_product(x, kernel.value, owned)
            else:
                z = matmuls[i](h, kernel.value)
            if relu:
                bias_relu(z, bias.value)
                h = z
            else:
                h = ops.bias_and_activation(z, bias.value, act)
            values.append(z)
            outputs.append(h)
        inputs.append(h)
        kernel, bias, _, act = self.layers[-1][1:5]
        z = matmuls[-1](h, kernel.value)
        grads = self._grads
        if self.head is not None and sample_weight is None:
            done = self._head(z, bias.value, y, act)
        else:
            out = ops.bias_and_activation(z, bias.value, act)
            done = self._loss(y, z, out, act, sample_weight)
        if done is None:
            return None
        loss, out, dz, sums = done
        # backward: d W_i = h_{i-1}^T dz_i, d b_i = sum_rows dz_i, dz_{i-1} = act'(dz_i W_i^T)
        for i in range(len(self.layers) - 1, -1, -1):
            kernel = self.layers[i][1]
            matmul = matmuls[i]
            if i == 0 and owned:
                self._helper.post_gradient(x, dz, grads[0], self._owned, self._by_rows)
            elif i == 0 and self._transposed:  # NumPy's product as on a row-by-row kernel
                grads[0][...] = np.matmul(x.T, dz)
            else:
                matmul(inputs[i].T, dz, grads[2 * i])
            buffer = grads[2 * i + 1]
            if sums is None:
                column_sums(dz, buffer)
            elif sums is not buffer:
                buffer[...] = sums
            if i:
                g = matmul(dz, kernel.value.T)
                below = self.layers[i - 1]
                if below[5]:
                    dz, sums = np.empty_like(g), grads[2 * i - 1]
                    relu_backward(g, values[i - 1], dz, sums)
                else:
                    dz, sums = ops.activation_backward(g, values[i - 1], outputs[i - 1],
                                                       below[4], grads[2 * i - 1])
        return loss, out

    def _owns(self, rows: int) -> bool:
        """Whether the helper's block applies to a batch of ``rows`` rows (checked once for
        each number of rows: the last batch of a pass may be shorter)."""
        owns = self._owned_rows.get(rows)
        if owns is None:
            layer = self.layers[0][1].value
            owns = self._owned_rows[rows] = self._helper.same_bits(
                rows, *layer.shape, self._owned, layer.dtype, self._by_rows)
        return owns

    def _first_product(self, x, kernel, owned: bool):
        """x @ kernel for the first layer, whose kernel is stored column by column during the
        pass: the helper's columns computed there, or NumPy's product on a row-by-row copy
        where the parts would not give its bits (a shorter last batch)."""
        if owned:
            return self._helper.forward(x, kernel, self._owned)
        return np.matmul(x, np.ascontiguousarray(kernel))

    def _head(self, z, b, y, act):
        """(loss, output, dz, bias gradient) of the softmax cross-entropy output in one kernel,
        or None for labels the tape must take (or report)."""
        n = z.shape[0]
        if self.head:  # integer labels, as the tape's loss reads them
            labels = y.reshape(n) if y.shape == (n, 1) else y
            if labels.shape != (n,) or labels.dtype.kind not in "iu":
                return None
            labels = labels.astype("int64", copy=False)
        else:
            labels = y if y.dtype == z.dtype else y.astype(z.dtype)
            if labels.shape != z.shape:
                return None
        if not labels.flags.c_contiguous:
            return None
        # the output's bias, softmax, loss, loss gradient and bias gradient in one kernel
        softmax = act is not None
        out = np.empty_like(z) if softmax else z
        dz = np.empty_like(z)
        sums = self._grads[-1]
        head = self._kernels[3] if self.head else self._kernels[4]
        total = head(z, b, out, labels, dz, sums, 1.0 / n, softmax)
        if self.head and total < 0:  # a label outside the classes: the tape names it
            return None
        return z.dtype.type(total), out, dz, sums

    def _loss(self, y, z, out, act, sample_weight):
        """(loss, output, dz, bias gradient or None) with the loss computed by its own ops on a
        tape of their own, from the output as the tape's dense node presents it (with its
        logits, for a softmax or sigmoid), or None if its gradient reaches both."""
        y_pred = Tensor(out, requires_grad=True)
        kind = ops._logits_kind(act)
        logits = None
        if kind is not None:
            logits = Tensor(z, requires_grad=True)
            y_pred.logits = ops.Logits(z, (logits,), lambda g: ops.accumulate(logits, g), kind,
                                       getattr(act, "axis", -1))
        loss = self.model._loss_value(y, y_pred, sample_weight)
        loss.backward()
        through_logits = logits is not None and logits.grad is not None
        if through_logits == (y_pred.grad is not None):
            return None
        if through_logits:
            return loss.value, out, logits.grad, None
        return (loss.value, out, *ops.activation_backward(y_pred.grad, z, out, act,
                                                          self._grads[-1]))
