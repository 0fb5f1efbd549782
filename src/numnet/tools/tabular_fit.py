"""A direct NumPy training loop for the small dense networks of ``numnet train``.

A cross-validation on a small table trains 15 folds x 3 candidates x 2 fits (early stopping,
then the fit on all the fold's rows), each a few thousand optimizer steps on 32-row batches.
Through ``Model.fit`` such a step costs 0.15-0.3 ms of bookkeeping (the tape, Dropout and L2
penalty nodes, per-epoch data passes, callbacks, a validation pass through ``evaluate``) for
a few microseconds of arithmetic, so a 150-row table took minutes. :func:`fit_dense` runs the
same training of the same network on plain arrays: the weights come from the compiled numnet
model (its initializers, its output bias) and go back into it, and each step is what ``fit``
computes for that model:

- the forward pass of the Dense stack (relu hidden layers; Dropout after each, inverted
  scaling by 1 / (1 - rate), active in training only; the output activation of the task);
- the loss of :func:`~numnet.tools.tabular.build_model`'s compile, a batch mean with the class
  weights as sample weights (the sum of weighted losses over the batch size): softmax
  cross-entropy from logits, binary cross-entropy of the sigmoid (its gradient taken from the
  logits, as numnet's loss does), or the mean squared error (through the relu output when the
  target is never negative);
- the L2 penalty ``l2 * sum(kernel ** 2)`` of each hidden kernel added to the loss;
- Adam as numnet's (and Keras's) ``update_step``: m += (g - m)(1 - b1), v += (g^2 - v)(1 - b2),
  w -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + eps);
- the rows shuffled every epoch and cut into ``batch_size`` batches (the last one shorter);
- early stopping on the validation loss with the penalty, as ``EarlyStopping(patience)``
  (stop once ``patience`` epochs in a row have not lowered it), and the weights of the epoch
  with the lowest validation loss put back, as the protocol's ``KeepBest`` does.

The shuffles and dropout masks come from their own generator (seeded), not from numnet's, so
a run is reproducible but not the same draw as ``fit``'s; with dropout off and no shuffling
the weights match ``fit``'s to float32 rounding (tests/test_cli_tabular_fit.py).
"""

from __future__ import annotations

import math

import numpy as np


def applies(model, optimizer: str, learning_rate, verbose: int) -> bool:
    """Whether :func:`fit_dense` can train ``model``: a Sequential of Dense and Dropout layers
    (what ``build_model`` makes), Adam at a fixed learning rate, nothing printed per epoch."""
    from ..layers import Dense, Dropout

    if verbose or str(optimizer).lower() != "adam" or learning_rate == "auto":
        return False
    opt = model.optimizer
    if type(opt).__name__ != "Adam" or getattr(opt, "amsgrad", False) or \
            not isinstance(getattr(opt, "_learning_rate", None), float) or \
            any(getattr(opt, name, None) for name in ("decay", "weight_decay", "clipnorm",
                                                      "clipvalue", "global_clipnorm",
                                                      "use_ema")):
        return False
    return all(isinstance(layer, (Dense, Dropout)) for layer in model.layers)


class _Net:
    """The Dense stack's weights as float32 arrays, with its dropout rates and activations."""

    def __init__(self, model, task: str):
        from ..layers import Dense, Dropout

        self.kernels, self.biases, self.drop, self.acts = [], [], [], []
        for layer in model.layers:
            if isinstance(layer, Dense):
                kernel, bias = layer.get_weights()
                self.kernels.append(np.array(kernel, dtype=np.float32))
                self.biases.append(np.array(bias, dtype=np.float32))
                self.drop.append(0.0)
                self.acts.append(getattr(layer.activation, "__name__", "linear"))
            elif isinstance(layer, Dropout):
                self.drop[-1] = float(layer.rate)
        self.task = task
        self.out_act = self.acts[-1]

    def weights(self) -> list:
        return [a for pair in zip(self.kernels, self.biases) for a in pair]

    def copy(self) -> list:
        return [w.copy() for w in self.weights()]

    def forward(self, x, rng=None):
        """(pre-activation of the output, cache for backward); dropout when ``rng`` is given."""
        a, cache = x, []
        last = len(self.kernels) - 1
        for j, (k, b) in enumerate(zip(self.kernels, self.biases)):
            z = a @ k
            z += b
            if j == last:
                cache.append((a, None, None))
                return z, cache
            h = np.maximum(z, 0.0, out=z)
            mask = None
            if rng is not None and self.drop[j]:
                keep = 1.0 - self.drop[j]
                mask = (rng.random(h.shape, dtype=np.float32) < keep).astype(np.float32)
                mask *= np.float32(1.0 / keep)
                h = h * mask
            cache.append((a, z, mask))
            a = h
        raise AssertionError("no output layer")

    def output(self, z):
        if self.out_act == "sigmoid":
            return 1.0 / (1.0 + np.exp(-z))
        if self.out_act == "relu":
            return np.maximum(z, 0.0)
        return z


def _loss_and_grad(net: _Net, z, y, weights):
    """(batch loss without penalty, d loss / d z) for pre-activations ``z`` and encoded
    targets ``y``, ``weights`` the per-row sample weights or None."""
    n = len(z)
    task = net.task
    if task == "multiclass":
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        codes = np.asarray(y).reshape(-1).astype(np.int64)
        per = np.log(total[:, 0]) - shifted[np.arange(n), codes]
        grad = e / total
        grad[np.arange(n), codes] -= 1.0
    elif task in ("binary", "multilabel"):
        y = np.asarray(y, dtype=np.float32).reshape(z.shape)
        per = (np.logaddexp(0.0, z) - y * z).mean(axis=1)
        grad = (1.0 / (1.0 + np.exp(-z)) - y) / z.shape[1]
    else:
        y = np.asarray(y, dtype=np.float32).reshape(z.shape)
        out = net.output(z)
        diff = out - y
        per = (diff * diff).mean(axis=1)
        grad = 2.0 * diff / z.shape[1]
        if net.out_act == "relu":
            grad *= z > 0
    if weights is not None:
        per = per * weights
        grad *= weights[:, None]
    return float(per.sum() / n), (grad / n).astype(np.float32)


def _metric(task: str, net: _Net, z, y) -> float:
    """The compiled metric on one batch: accuracy (binary_accuracy for several labels) or the
    MAE of the standardized target."""
    if task == "multiclass":
        return float((z.argmax(axis=1) == np.asarray(y).reshape(-1)).mean())
    if task in ("binary", "multilabel"):
        return float(((z > 0) == (np.asarray(y).reshape(z.shape) > 0.5)).mean())
    return float(np.abs(net.output(z) - np.asarray(y).reshape(z.shape)).mean())


def data_loss_encoded(task: str, outputs, y) -> float:
    """:func:`~numnet.tools.tabular.data_loss` on already encoded targets ``y``."""
    y = np.asarray(y, dtype=np.float64)
    out = np.asarray(outputs, dtype=np.float64)
    if task == "multiclass":
        z = out - out.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(y)), y.astype(np.int64)].mean())
    if task in ("binary", "multilabel"):
        p = np.clip(out.reshape(y.shape), 1e-7, 1 - 1e-7)
        return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
    return float(((out.reshape(y.shape) - y) ** 2).mean())


def fit_dense(model, task: str, x, y, *, epochs: int, batch_size: int, seed: int,
              l2: float = 0.0, class_weight: dict | None = None, validation=None,
              patience: int | None = None, shuffle: bool = True, on_epoch=None) -> dict:
    """Train ``model`` (a compiled Dense / Dropout stack from ``build_model``, Adam) on
    ``(x, y)`` as ``model.fit`` would (see the module docstring), faster, and put the
    weights back into it.

    Args:
        model: the compiled model; its initial weights are the starting point, its optimizer's
            learning rate, beta_1, beta_2 and epsilon are used.
        task: "binary", "multiclass", "multilabel" or "regression" (the loss).
        x: float32 inputs, shape (rows, inputs).
        y: encoded targets (class codes, 0/1 columns, or standardized values).
        epochs: the most passes over the rows.
        batch_size: rows per optimizer step.
        seed: seeds the shuffles and dropout masks.
        l2: the L2 factor of every hidden kernel. Defaults to 0.
        class_weight: {class code: weight} for binary / multiclass, or None.
        validation: (x_val, y_val) to stop early on, or None to run ``epochs`` epochs.
        patience: epochs without a lower validation loss before stopping (with ``validation``).
        shuffle: shuffle the rows every epoch. Defaults to True.
        on_epoch: called with the (not yet restored) model after each epoch when given (its
            weights are written into the model first).

    Returns:
        {"history": {"loss", task metric, "val_loss", "val_" metric, "val_data_loss"},
        "best_epoch": 1-based epoch of the lowest validation loss (the last epoch without
        ``validation``), "epochs": epochs run}.
    """
    opt = model.optimizer
    lr = float(opt.current_learning_rate())
    b1, b2 = float(opt.beta_1), float(opt.beta_2)
    eps = float(opt.epsilon if opt.epsilon is not None else 1e-7)
    net = _Net(model, task)
    params = net.weights()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    n = len(x)
    sample_w = None
    if class_weight:
        codes = y.reshape(-1).astype(np.int64)
        sample_w = np.array([class_weight.get(int(c), 1.0) for c in codes], dtype=np.float32)
    hidden = len(net.kernels) - 1
    metric = {"multiclass": "accuracy", "binary": "accuracy",
              "multilabel": "binary_accuracy"}.get(task, "mae")
    history = {"loss": [], metric: []}
    if validation is not None:
        history.update({"val_loss": [], f"val_{metric}": [], "val_data_loss": []})
        x_val = np.asarray(validation[0], dtype=np.float32)
        y_val = np.asarray(validation[1])
    best, best_epoch, best_weights, wait, t = math.inf, 0, None, 0, 0
    epoch = 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n) if shuffle else np.arange(n)
        loss_sum = metric_sum = 0.0
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            xb, yb = x[rows], y[rows]
            z, cache = net.forward(xb, rng)
            loss, dz = _loss_and_grad(net, z, yb, None if sample_w is None else sample_w[rows])
            penalty = l2 * sum(float((k * k).sum()) for k in net.kernels[:hidden]) if l2 else 0.0
            loss_sum += (loss + penalty) * len(rows)
            metric_sum += _metric(task, net, z, yb) * len(rows)
            grads = [None] * len(params)
            for j in range(len(net.kernels) - 1, -1, -1):
                a, _, _ = cache[j]
                gk = a.T @ dz
                if l2 and j < hidden:
                    gk += (2.0 * l2) * net.kernels[j]
                grads[2 * j], grads[2 * j + 1] = gk, dz.sum(axis=0)
                if j:
                    da = dz @ net.kernels[j].T
                    _, z_prev, mask = cache[j - 1]
                    if mask is not None:
                        da *= mask
                    da *= z_prev > 0
                    dz = da
            t += 1
            alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            for p, g, mp, vp in zip(params, grads, m, v):
                mp += (g - mp) * (1 - b1)
                vp += (g * g - vp) * (1 - b2)
                p -= alpha * mp / (np.sqrt(vp) + eps)
        history["loss"].append(loss_sum / n)
        history[metric].append(metric_sum / n)
        if on_epoch is not None:
            model.set_weights(params)
            on_epoch(model)
        if validation is None:
            continue
        z, _ = net.forward(x_val)
        data = data_loss_encoded(task, net.output(z), y_val)
        penalty = l2 * sum(float((k * k).sum()) for k in net.kernels[:hidden]) if l2 else 0.0
        value = data + penalty
        history["val_loss"].append(value)
        history["val_data_loss"].append(data)
        history[f"val_{metric}"].append(_metric(task, net, z, y_val))
        if value < best:
            best, best_epoch, best_weights, wait = value, epoch, net.copy(), 0
        else:
            wait += 1
            if patience is not None and wait >= patience and epoch > 1:
                break
    if best_weights is not None:
        model.set_weights(best_weights)
    else:
        model.set_weights(params)
        best_epoch = epoch
    return {"history": history, "best_epoch": best_epoch, "epochs": epoch}


__all__ = ["applies", "data_loss_encoded", "fit_dense"]
