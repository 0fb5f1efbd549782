"""fast/stack_step.py: a Dense stack's training step as a list of calls, bit for bit the tape's.

Each case trains one model through the tape (jit_compile=False) and one through the list (the
default), from the same weights on the same batches, and compares every weight, optimizer slot
and logged number exactly. Counting the dense nodes built for training shows which path each
step took: the tape builds one per layer and step, the list none (after its first step, where
the optimizer makes its flat arrays).
"""

from __future__ import annotations

import numpy as np
import pytest

import numnet as keras
from numnet.fast import updates as fused

pytestmark = [
    pytest.mark.skipif(not fused.is_available(),
                       reason="the list runs numba's kernels; numba is not installed"),
    pytest.mark.cpu_only,  # on the GPU every step goes through the tape
]

RS = np.random.default_rng(0)
X = RS.random((300, 12), dtype=np.float32)
Y = RS.integers(0, 4, 300)
ONE_HOT = np.eye(4, dtype=np.float32)[Y]
TARGETS = X[:, :2] * 3 - X[:, 2:4]  # a regression onto two outputs
BINARY = (X[:, :1] > 0.5).astype("float32")


def _model(hidden=("relu",), output="softmax", units=4, **dense):
    keras.utils.set_random_seed(3)
    layers = [keras.layers.Input((12,))]
    layers += [keras.layers.Dense(8, activation=a, **dense) for a in hidden]
    layers.append(keras.layers.Dense(units, activation=output))
    return keras.Sequential(layers)


def _steps(batch_size=32, epochs=2, rows=None):
    return epochs * -(-(len(X) if rows is None else rows) // batch_size)


def _train(model, jit, y=Y, loss="sparse_categorical_crossentropy", optimizer="adam",
           metrics=("accuracy",), **fit):
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics), jit_compile=jit)
    fit = {"batch_size": 32, "epochs": 2, "verbose": 0, **fit}
    keras.utils.set_random_seed(5)  # the same shuffles
    history = model.fit(X, y, **fit)
    return history.history


def _same(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    for va, vb in zip(a.optimizer.variables, b.optimizer.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(va), np.asarray(vb))


CASES = {  # the output layer's softmax cross-entropy in one kernel
    "sparse, softmax, adam": dict(),
    "logits": dict(output=None,
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
    "three hidden, one linear": dict(hidden=("relu", "linear", "relu")),
    "no hidden": dict(hidden=()),
    "one-hot, rmsprop, batch 128": dict(y=ONE_HOT, loss="categorical_crossentropy",
                                        optimizer="rmsprop", batch_size=128),
    "one-hot logits": dict(output=None, y=ONE_HOT,
                           loss=keras.losses.CategoricalCrossentropy(from_logits=True)),
    "labels (n, 1), sgd with momentum": dict(y=Y.reshape(-1, 1).astype("int32"),
                                             optimizer=keras.optimizers.SGD(0.1, momentum=0.9)),
    "validation, no shuffle, top-k": dict(
        validation_split=0.2, shuffle=False,
        metrics=("accuracy", "sparse_top_k_categorical_accuracy")),
    "float64": dict(dtype="float64"),
}
CASES.update({  # the loss by its own ops
    "tanh and sigmoid hidden": dict(hidden=("tanh", "sigmoid", "elu")),
    "mse regression": dict(output=None, units=2, y=TARGETS, loss="mse", metrics=("mae",)),
    "relu output, mae": dict(output="relu", units=2, y=np.abs(TARGETS), loss="mae",
                             metrics=()),
    "huber, sgd": dict(output=None, units=2, y=TARGETS, loss=keras.losses.Huber(),
                       optimizer="sgd", metrics=()),
    "binary, sigmoid output": dict(output="sigmoid", units=1, y=BINARY,
                                   loss="binary_crossentropy"),
    "binary logits": dict(output=None, units=1, y=BINARY,
                          loss=keras.losses.BinaryCrossentropy(from_logits=True)),
    "label smoothing": dict(y=ONE_HOT,
                            loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1)),
    "probabilities of a linear output": dict(output=None),
    "kl divergence on softmax": dict(y=ONE_HOT, loss="kl_divergence"),
    "forty classes": dict(units=40, y=RS.integers(0, 40, 300)),
    "sample weights": dict(sample_weight=np.linspace(0.5, 1.5, len(X)),
                           metrics=("accuracy",)),
    "class weights": dict(class_weight={0: 1.0, 1: 2.0, 2: 1.0, 3: 0.5}),
    "weighted metrics": dict(sample_weight=np.linspace(0.5, 1.5, len(X)),
                             weighted_metrics=["accuracy"]),
})


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_list_trains_bit_for_bit_as_the_tape(case, dense_nodes):
    spec = dict(CASES[case])
    build = {k: spec.pop(k) for k in ("hidden", "output", "units", "dtype") if k in spec}
    dtype = build.pop("dtype", None)
    weighted = spec.pop("weighted_metrics", None)
    if dtype:
        keras.backend.set_floatx(dtype)
    try:
        tape, listed = _model(**build), _model(**build)
        listed.set_weights(tape.get_weights())
        if weighted:
            for model in (tape, listed):
                model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                              weighted_metrics=weighted)
        rows = len(X) - (len(X) // 5 if "validation_split" in spec else 0)
        logged_tape = _train(tape, False, **spec) if not weighted else _fit_compiled(
            tape, False, **spec)
        assert dense_nodes[0] == len(tape.layers) * _steps(spec.get("batch_size", 32),
                                                           rows=rows)
        dense_nodes[0] = 0
        logged_list = _train(listed, "auto", **spec) if not weighted else _fit_compiled(
            listed, "auto", **spec)
    finally:
        keras.backend.set_floatx("float32")
    assert dense_nodes[0] == len(listed.layers)  # the first step only
    assert logged_list == logged_tape
    _same(tape, listed)
    assert listed.layers[0].kernel.grad is listed.layers[0].kernel.grad_buffer


def _fit_compiled(model, jit, **fit):
    model.jit_compile = jit
    keras.utils.set_random_seed(5)
    return model.fit(X, Y, batch_size=32, epochs=2, verbose=0, **fit).history


@pytest.mark.parametrize("why, build, train", [
    ("jit_compile=False", {}, {"jit": False}),
    ("a regularizer", {"kernel_regularizer": "l2"}, {}),
    ("a constraint", {"kernel_constraint": keras.constraints.NonNeg()}, {}),
    ("no bias", {"use_bias": False}, {}),
    ("a custom activation", {"hidden": (lambda t: keras.ops.relu(t),)}, {}),
])
def test_other_models_train_through_the_tape(why, build, train, dense_nodes):
    jit = train.pop("jit", "auto")
    model = _model(**build)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit)
    model.fit(X, Y, batch_size=32, epochs=2, verbose=0)
    assert dense_nodes[0] == len(model.layers) * _steps(), why


def test_run_eagerly_and_dropout_train_through_the_tape(dense_nodes):
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
    model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    assert dense_nodes[0] == 2 * _steps(epochs=1)
    keras.utils.set_random_seed(3)
    dropped = keras.Sequential([keras.layers.Input((12,)), keras.layers.Dense(8, "relu"),
                                keras.layers.Dropout(0.2), keras.layers.Dense(4, "softmax")])
    dropped.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    dense_nodes[0] = 0
    dropped.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    assert dense_nodes[0] == 2 * _steps(epochs=1)


def test_a_label_outside_the_classes_is_reported_as_by_the_tape():
    def batches():
        yield X[:32], Y[:32]
        bad = Y[32:64].copy()
        bad[5] = 7
        yield X[32:64], bad

    errors, weights = [], []
    for jit in (False, "auto"):
        model = _model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=jit)
        model.fit(X[:64], Y[:64], batch_size=32, epochs=1, verbose=0, shuffle=False)
        with pytest.raises((ValueError, IndexError)) as caught:
            model.fit(batches(), epochs=1, verbose=0)
        errors.append((type(caught.value), str(caught.value)))
        weights.append(model.get_weights())
    assert errors[0] == errors[1]
    assert "label 7" in errors[0][1]
    for a, b in zip(*weights, strict=True):  # the good batch trained, the bad one did not
        np.testing.assert_array_equal(a, b)


def test_weights_replaced_by_a_callback_are_trained_as_through_the_tape():
    class Reset(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                self.model.set_weights([w * 0.5 for w in self.model.get_weights()])

    models = []
    for jit in (False, "auto"):
        model = _model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=jit)
        model.fit(X, Y, batch_size=32, epochs=3, verbose=0, callbacks=[Reset()])
        models.append(model)
    _same(*models)


def test_jit_compile_is_checked_and_kept():
    model = _model()
    with pytest.raises(ValueError, match="jit_compile"):
        model.compile(optimizer="adam", loss="mse", jit_compile="xla")
    assert model.jit_compile == "auto" and model.run_eagerly is False
    model.compile(optimizer="adam", loss="mse", jit_compile=False, run_eagerly=True)
    assert model.jit_compile is False and model.run_eagerly is True


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [True, False])
@pytest.mark.parametrize("probabilities", [True, False])
def test_the_head_kernel_gives_the_bits_of_the_three_it_replaces(dtype, sparse, probabilities):
    from numnet.fast import kernels as kernels

    rs = np.random.default_rng(7)
    z0 = (rs.standard_normal((37, 10)) * 4).astype(dtype)
    z0[3, 2] = np.nan
    b = rs.standard_normal(10).astype(dtype)
    labels = rs.integers(0, 10, 37)
    targets = rs.dirichlet(np.ones(10), 37).astype(dtype)  # soft rows as well as one-hot
    targets[:10] = np.eye(10, dtype=dtype)[labels[:10]]
    scale = 1.0 / 37
    # the three kernels, as the tape runs them
    z = z0.copy()
    if probabilities:
        y = np.empty_like(z)
        assert kernels._run("bias_softmax", z, b, y)
    else:
        z += b
    dz, db = np.empty_like(z), np.empty(10, dtype)
    name = "sparse_softmax_cross_entropy" if sparse else "softmax_cross_entropy"
    want = kernels._run(name, z, labels if sparse else targets, dz, scale, True)
    assert kernels._run("column_sums", dz, db)
    # the head
    z2, dz2, db2 = z0.copy(), np.empty_like(z0), np.empty(10, dtype)
    y2 = np.empty_like(z0) if probabilities else z2
    got = kernels._run("sparse_head" if sparse else "dense_head", z2, b, y2,
                       labels if sparse else targets, dz2, db2, scale, probabilities)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))  # row 3 is NaN
    np.testing.assert_array_equal(z2, z)
    np.testing.assert_array_equal(dz2, dz)
    np.testing.assert_array_equal(db2, db)
    if probabilities:
        np.testing.assert_array_equal(y2, y)
    z0[3, 2] = 0.5  # without the NaN, the totals are the same number
    z, z2 = z0 + b, z0.copy()
    want = kernels._run(name, z, labels if sparse else targets, dz, scale, True)
    got = kernels._run("sparse_head" if sparse else "dense_head", z2, b, np.empty_like(z2),
                       labels if sparse else targets, dz2, db2, scale, probabilities)
    assert got == want and np.isfinite(got)


def test_the_head_kernel_refuses_a_label_outside_the_classes_having_written_nothing():
    from numnet.fast import kernels as kernels

    z = np.ones((4, 3), np.float32)
    dz, db = np.full((4, 3), 7.0, np.float32), np.full(3, 7.0, np.float32)
    got = kernels._run("sparse_head", z, np.zeros(3, np.float32), z, np.array([0, 1, 3, 0]),
                       dz, db, 0.25, False)
    assert got == -3.0  # -1 - the row of the bad label
    assert (z == 1).all() and (dz == 7).all() and (db == 7).all()


def test_with_the_fused_kernels_off_every_step_goes_through_the_tape(dense_nodes):
    before = fused._enabled
    fused.set_enabled(False)  # as NUMNET_FUSED=0 does
    try:
        model = _model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    finally:
        fused.set_enabled(before)
    assert dense_nodes[0] == 2 * _steps(epochs=1)
