"""Muon (Jordan et al., 2024): momentum steps on matrices, orthogonalized by a Newton-Schulz
iteration; AdamW for the other variables."""

from __future__ import annotations

import math
import re

from .. import backend
from .base import Optimizer


class Muon(Optimizer):
    """Muon: for each 2-D weight (a Dense kernel, say), a momentum step whose direction is
    made close to orthogonal (singular values near 1) by five Newton-Schulz iterations; AdamW
    for every other variable (biases, embeddings, variables of 0, 1 or 3+ axes, and those of
    ``exclude_layers``).

    At step t = iterations + 1 (Keras 3's rule), weight decay first::

        w = w - w * decay * learning_rate    (decay: weight_decay for Muon's variables,
                                              adam_weight_decay for AdamW's)
    Muon (m starts at 0; mu = momentum)::

        m = mu * m + g
        u = g + mu * m if nesterov else m
        X = u / (||u||_F + 1e-7)             (transposed when it has more rows than columns)
        5 times (ns_steps): A = X X^T;  X = a X + (b A + c A A) X       (a, b, c = muon_a, ...)
        w = w - learning_rate * X * sqrt(max(rows, cols)) * rms_rate
    AdamW (m, v start at 0), with lr = learning_rate * adam_lr_ratio::

        m = m + (g - m) * (1 - adam_beta_1);  v = v + (g^2 - v) * (1 - adam_beta_2)
        w = w - lr * sqrt(1 - adam_beta_2^t) / (1 - adam_beta_1^t) * m / (sqrt(v) + epsilon)

    Muon's update is a matrix function of each variable, so variables are updated one by one.

    Args:
        learning_rate: the step size: a float or a schedule. Defaults to ``0.001``.
        adam_beta_1: AdamW's beta_1. Defaults to ``0.9``.
        adam_beta_2: AdamW's beta_2. Defaults to ``0.999``.
        adam_weight_decay: the weight decay of AdamW's variables. Defaults to ``0.004``.
        epsilon: AdamW's epsilon. Defaults to ``1e-7``.
        weight_decay: the weight decay of Muon's variables. Defaults to ``0.004``.
        exclude_layers: regular expressions; variables whose path matches one use AdamW.
            Defaults to ``None``.
        exclude_embeddings: variables whose path contains "embedding" use AdamW.
            Defaults to ``True``.
        muon_a: the Newton-Schulz coefficient a. Defaults to ``3.4445``.
        muon_b: the coefficient b. Defaults to ``-4.7750``.
        muon_c: the coefficient c. Defaults to ``2.0315``.
        adam_lr_ratio: AdamW's learning rate as a multiple of ``learning_rate``.
            Defaults to ``1``.
        momentum: Muon's momentum mu. Defaults to ``0.95``.
        ns_steps: the Newton-Schulz iterations. Defaults to ``5``.
        nesterov: use Nesterov momentum. Defaults to ``True``.
        rms_rate: the scale of Muon's update (times sqrt(max(rows, cols))); None for no
            scaling. Defaults to ``0.2``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``.

    Example:
        >>> model = numnet.Sequential([numnet.Input((8,)), numnet.layers.Dense(4, "relu"),
        ...                            numnet.layers.Dense(1)])
        >>> model.compile(optimizer=numnet.optimizers.Muon(learning_rate=0.01), loss="mse")
    """

    def __init__(self, learning_rate=0.001, adam_beta_1: float = 0.9,
                 adam_beta_2: float = 0.999, adam_weight_decay=0.004, epsilon: float = 1e-7,
                 weight_decay=0.004, exclude_layers=None, exclude_embeddings: bool = True,
                 muon_a: float = 3.4445, muon_b: float = -4.7750, muon_c: float = 2.0315,
                 adam_lr_ratio: float = 1, momentum: float = 0.95, ns_steps: int = 5,
                 nesterov: bool = True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, **kwargs)
        self._muon_weight_decay = self.weight_decay
        self.weight_decay = None  # each variable's decay is applied in update_step
        for name, beta in (("adam_beta_1", adam_beta_1), ("adam_beta_2", adam_beta_2)):
            if not 0 <= beta < 1:
                raise ValueError(f"Muon({name}): expected a number in [0, 1), given {beta!r}.")
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(f"Muon(ns_steps): expected an integer >= 0, given {ns_steps!r}.")
        self.adam_beta_1, self.adam_beta_2 = float(adam_beta_1), float(adam_beta_2)
        self.adam_weight_decay = adam_weight_decay
        self.epsilon = self._epsilon(epsilon)
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = bool(exclude_embeddings)
        self.muon_a, self.muon_b, self.muon_c = float(muon_a), float(muon_b), float(muon_c)
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = float(momentum)
        self.ns_steps = ns_steps
        self.nesterov = bool(nesterov)
        self.rms_rate = rms_rate

    def _packed(self, grads, variables):
        return None  # Muon's update is a matrix function of each variable: no flat packing

    def uses_adamw(self, variable) -> bool:
        """Whether ``variable`` is updated by AdamW (not 2-D, an embedding, or excluded)."""
        if variable.value.ndim != 2:
            return True
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return True
        return any(re.search(pattern, variable.path) for pattern in self.exclude_layers)

    def build_slots(self, variable):
        slots = {"momentum": self._zeros(variable), "_variable": variable}
        if self.uses_adamw(variable):
            slots["velocity"] = self._zeros(variable)
        return slots

    def update_step(self, g, w, learning_rate, slots):
        adamw = "velocity" in slots
        decay = self.adam_weight_decay if adamw else self._muon_weight_decay
        if decay and self._decays(slots["_variable"]):
            w *= 1.0 - decay * learning_rate
        if adamw:
            self._adamw_step(g, w, learning_rate * self.adam_lr_ratio, slots)
        else:
            self._muon_step(g, w, learning_rate, slots)

    def _adamw_step(self, g, w, lr, slots):
        xp = backend.xp
        t = self._local_step + 1
        alpha = lr * math.sqrt(1 - self.adam_beta_2**t) / (1 - self.adam_beta_1**t)
        m, v = slots["momentum"], slots["velocity"]
        m += (g - m) * (1 - self.adam_beta_1)
        v += (g * g - v) * (1 - self.adam_beta_2)
        w -= alpha * m / (xp.sqrt(v) + self.epsilon)

    def _muon_step(self, g, w, lr, slots):
        m = slots["momentum"]
        m *= self.momentum
        m += g
        direction = g + self.momentum * m if self.nesterov else m
        update = self.newton_schulz(direction)
        if self.rms_rate is not None:
            update = update * (math.sqrt(max(w.shape[0], w.shape[1])) * self.rms_rate)
        w -= lr * update

    def newton_schulz(self, x):
        """The quintic Newton-Schulz iteration (``ns_steps`` times) that pushes the singular
        values of ``x`` (2-D) towards 1, as Keras 3 computes it."""
        xp = backend.xp
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = xp.swapaxes(x, -1, -2)
        x = x / (xp.sqrt(xp.sum(x * x, axis=(-2, -1), keepdims=True)) + 1e-7)
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        for _ in range(self.ns_steps):
            gram = x @ xp.swapaxes(x, -1, -2)
            x = a * x + (b * gram + c * (gram @ gram)) @ x
        return xp.swapaxes(x, -1, -2) if tall else x

    def get_config(self):
        return {**super().get_config(), "weight_decay": self._muon_weight_decay,
                "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon, "exclude_layers": self.exclude_layers,
                "muon_a": self.muon_a, "muon_b": self.muon_b, "muon_c": self.muon_c,
                "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
                "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings,
                "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate}
