"""The packed step: an optimizer that sees the same variables step after step updates them as one
flat array. It must give the per-variable result to the bit, on both paths (NumPy and fused),
and step aside whenever a variable or slot is no longer the view it made."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import optimizers
from numnet.autodiff import Variable
from numnet.fast import updates as fused
from numnet.optimizers import base

try:
    import numba  # noqa: F401

    HAS_NUMBA = True
except ImportError:
    HAS_NUMBA = False

SHAPES = [(7, 5), (5,), (5, 3), (3,)]
CASES = [
    (optimizers.SGD, {}),
    (optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    (optimizers.RMSprop, {"momentum": 0.5, "centered": True}),
    (optimizers.Adam, {}),
    (optimizers.Adam, {"amsgrad": True}),
    (optimizers.AdamW, {"weight_decay": 0.01}),
    (optimizers.Adagrad, {}),
    (optimizers.Adadelta, {"learning_rate": 1.0}),
    (optimizers.Adamax, {}),
    (optimizers.Nadam, {}),
    (optimizers.Ftrl, {"l1_regularization_strength": 0.01}),
    (optimizers.Lion, {}),
    (optimizers.Adam, {"use_ema": True, "weight_decay": 0.004}),
]


def _variables(dtype):
    rs = np.random.default_rng(3)
    return [Variable(rs.uniform(-1, 1, size=s).astype(dtype), name=f"v{i}")
            for i, s in enumerate(SHAPES)]


def _run(cls, kwargs, dtype, packed: bool, steps: int = 6):
    variables = _variables(dtype)
    opt = cls(**kwargs)
    if not packed:
        opt._packed = lambda grads, variables: None
    rs = np.random.default_rng(11)
    for _ in range(steps):
        grads = [(rs.normal(size=v.shape) + v.numpy()).astype(dtype) for v in variables]
        opt.apply(grads, variables)
    return opt, variables


@pytest.mark.parametrize("path", ["numpy", pytest.param("fused", marks=pytest.mark.skipif(
    not HAS_NUMBA, reason="the fused kernels need numba"))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls,kwargs", CASES, ids=[f"{c.__name__}{k}" for c, k in CASES])
def test_packed_step_equals_per_variable_steps(cls, kwargs, dtype, path):
    fused.set_enabled(path == "fused")
    try:
        packed_opt, packed = _run(cls, kwargs, dtype, packed=True)
        plain_opt, plain = _run(cls, kwargs, dtype, packed=False)
    finally:
        fused.set_enabled(True)
    assert packed_opt._pack is not None and plain_opt._pack is None
    for a, b in zip(packed, plain):
        assert a.value.dtype == dtype
        np.testing.assert_array_equal(a.value, b.value)
    for a, b in zip(packed_opt.variables, plain_opt.variables):
        np.testing.assert_array_equal(a.value, b.value)
    # The variables now live in one flat array, in order.
    flat = packed_opt._pack.value
    np.testing.assert_array_equal(flat, np.concatenate([v.value.ravel() for v in packed]))


def test_pack_steps_aside_when_a_value_is_replaced():
    opt, variables = _run(optimizers.Adam, {}, np.float32, packed=True, steps=2)
    first = opt._pack
    variables[1].value = variables[1].value.copy()  # no longer a view of the pack
    grads = [np.ones(v.shape, np.float32) for v in variables]
    before = [v.value.copy() for v in variables]
    opt.apply(grads, variables)
    assert opt._pack is not first
    for v, old in zip(variables, before):
        assert not np.array_equal(v.value, old)  # every variable took the step
        assert np.shares_memory(v.value, opt._pack.value)


def test_a_different_variable_list_gets_its_own_pack():
    opt, variables = _run(optimizers.SGD, {"momentum": 0.9}, np.float32, packed=True, steps=2)
    velocity = [s.value.copy() for s in opt.variables[2:]]  # (after iteration, learning_rate)
    sub = variables[:2]
    opt.apply([np.ones(v.shape, np.float32) for v in sub], sub)
    assert opt._pack.variables == sub
    # The slots of the two remaining variables kept their values.
    np.testing.assert_array_equal(opt.variables[4].value, velocity[2])
    np.testing.assert_array_equal(opt.variables[5].value, velocity[3])


@pytest.mark.parametrize("kwargs", [{"clipnorm": 1.0}, {"global_clipnorm": 1.0},
                                    {"clipvalue": 0.5}, {"gradient_accumulation_steps": 2}])
def test_per_variable_options_take_the_per_variable_path(kwargs):
    opt, _ = _run(optimizers.Adam, kwargs, np.float32, packed=True, steps=2)
    assert opt._pack is None


def test_gradients_written_into_the_pack_are_not_copied():
    opt, variables = _run(optimizers.SGD, {"learning_rate": 0.5}, np.float64, packed=True,
                          steps=1)
    pack = opt._pack
    for view in pack.grad_views:
        view[...] = 2.0
    before = pack.value.copy()
    opt.apply(list(pack.grad_views), variables)
    np.testing.assert_array_equal(pack.value, before - 1.0)


def test_optimizer_state_restored_into_a_packed_model(tmp_path):
    numnet.utils.set_random_seed(1)
    model = numnet.Sequential([numnet.Input(shape=(4,)), numnet.layers.Dense(3, "relu"),
                               numnet.layers.Dense(2, "softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(64, 4)).astype("float32"), rs.integers(0, 2, size=64)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert isinstance(model.optimizer._pack, base._Pack)
    path = tmp_path / "m.numnet"
    model.save(path)
    again = numnet.models.load_model(path)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    again.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def _mlp():
    numnet.utils.set_random_seed(4)
    model = numnet.Sequential([numnet.Input(shape=(6,)), numnet.layers.Dense(5, "relu"),
                               numnet.layers.Dense(3)])
    model.compile(optimizer="adam",
                  loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_training_writes_gradients_into_the_pack_without_a_copy(monkeypatch):
    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(40, 6)).astype("float32"), rs.integers(0, 3, 40)
    model = _mlp()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    pack = model.optimizer._pack
    copies = []
    original = base._Pack.gather

    def gather(self, grads):
        copies.extend(g for g, view in zip(grads, self.grad_views) if g is not view)
        return original(self, grads)

    monkeypatch.setattr(base._Pack, "gather", gather)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert model.optimizer._pack is pack
    assert copies == []
    assert all(w.grad is w.grad_buffer for w in model.trainable_weights)  # kernels and biases


def test_gradient_buffers_change_no_number(monkeypatch):
    from numnet.autodiff import tensor

    rs = np.random.default_rng(1)
    x, y = rs.normal(size=(64, 6)).astype("float32"), rs.integers(0, 3, 64)
    with_buffers = _mlp()
    with_buffers.jit_compile = False  # the tape's own gradients (fast/stack_step.py aside)
    with_buffers.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
    monkeypatch.setattr(tensor, "grad_buffers", lambda: __import__("contextlib").nullcontext())
    monkeypatch.setattr(numnet.models.own_step, "grad_buffers",
                        lambda: __import__("contextlib").nullcontext())
    without = _mlp()
    without.jit_compile = False
    without.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
    assert all(w.grad is not w.grad_buffer for w in without.trainable_weights)
    for a, b in zip(with_buffers.get_weights(), without.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_outside_a_training_step_gradients_are_new_arrays():
    rs = np.random.default_rng(2)
    x, y = rs.normal(size=(16, 6)).astype("float32"), rs.integers(0, 3, 16)
    model = _mlp()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    kernel = model.layers[0].kernel
    assert kernel.grad_buffer is not None
    kernel.grad = None
    loss = model.loss(y, model(x, training=True))
    loss.backward()
    assert kernel.grad is not kernel.grad_buffer
    assert not np.shares_memory(kernel.grad, kernel.grad_buffer)


def test_a_weight_used_twice_gets_the_sum_of_both_gradients():
    from numnet.autodiff import ops
    from numnet.autodiff.tensor import Tensor, grad_buffers

    w = Variable(np.array([[2.0, -1.0]], dtype=np.float64))
    w.grad_buffer = numnet.backend.xp.full((1, 2), 99.0)
    x = Tensor(np.array([[3.0]]))
    with grad_buffers():
        total = ops.sum(ops.dense(x, w, None)) + ops.sum(ops.dense(x, w, None))
        total.backward()
    np.testing.assert_array_equal(w.grad, [[6.0, 6.0]])


APPLY_PACK_CASES = CASES + [
    (optimizers.SGD, {"clipnorm": 0.5}),
    (optimizers.RMSprop, {"clipvalue": 0.1}),
    (optimizers.Adam, {"global_clipnorm": 1.0, "learning_rate": optimizers.schedules.
                       ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5)}),
]


@pytest.mark.parametrize("cls, kwargs", APPLY_PACK_CASES,
                         ids=[f"{c.__name__}-{sorted(k)}" for c, k in APPLY_PACK_CASES])
def test_apply_pack_is_apply_of_the_gradients_in_the_pack(cls, kwargs):
    results = []
    for use_pack in (False, True):
        variables = _variables(np.float32)
        opt = cls(**kwargs)
        rs = np.random.default_rng(11)
        grads = [(rs.normal(size=v.shape)).astype(np.float32) for v in variables]
        opt.apply(grads, variables)  # makes the pack, where one applies
        if opt._pack is None:  # clipping before the pack is made: the pack is never made
            assert kwargs.keys() & {"clipnorm", "clipvalue", "global_clipnorm"}
            return
        for _ in range(5):
            grads = [(rs.normal(size=v.shape) + v.numpy()).astype(np.float32)
                     for v in variables]
            if use_pack:
                for g, v in zip(grads, variables, strict=True):
                    v.grad_buffer[...] = numnet.backend.to_device(g)
                opt.apply_pack()
            else:
                opt.apply(grads, variables)
        results.append((opt, variables))
    (plain, plain_vars), (packed, packed_vars) = results
    assert int(packed.iterations.numpy()) == int(plain.iterations.numpy()) == 6
    for a, b in zip(plain_vars, packed_vars, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for name, flat in plain._pack.slots.items():
        np.testing.assert_array_equal(flat, packed._pack.slots[name])


def test_apply_pack_goes_through_a_subclass_apply_and_constraints():
    calls = []

    class Logged(optimizers.SGD):
        def apply(self, grads, variables=None):
            calls.append(len(grads))
            super().apply(grads, variables)

    variables = _variables(np.float32)
    opt = Logged(0.1)
    opt.apply([np.ones(v.shape, np.float32) for v in variables], variables)
    for v in variables:
        v.grad_buffer[...] = 1.0
    opt.apply_pack()
    assert calls == [4, 4]
    before = [v.numpy().copy() for v in variables]
    variables[0].constraint = lambda w: w.clip(-0.05, 0.05)
    plain = optimizers.SGD(0.1)
    plain.apply([np.ones(v.shape, np.float32) for v in variables], variables)
    for v in variables:
        v.grad_buffer[...] = 1.0
    plain.apply_pack()
    assert np.abs(variables[0].numpy()).max() <= 0.05  # the constraint ran
    np.testing.assert_allclose(variables[1].numpy(), before[1] - 0.2, rtol=1e-6)
