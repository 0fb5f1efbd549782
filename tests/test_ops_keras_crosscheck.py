"""numnet.ops beside Keras 3's keras.ops (JAX backend): the same values and dtypes on a sample of
ops of every family, the same gradients, the same names. Skipped where keras or jax is absent."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytest.importorskip("jax")

from numnet import ops  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

K = keras.ops
rng = np.random.default_rng(11)
F = rng.normal(size=(3, 4)).astype("float32")
G = rng.normal(size=(3, 4)).astype("float32")
POS = rng.uniform(0.5, 2.0, size=(3, 4)).astype("float32")
I = np.array([[3, -1, 4, 0], [1, -5, 9, 2], [2, 6, -5, 3]], "int32")
B = F > 0
P = np.exp(F) / np.exp(F).sum(axis=-1, keepdims=True)
LABELS = np.array([1, 3, 0], "int32")

CASES = {
    "add_int": lambda o: o.add(I, I),
    "add_int_float": lambda o: o.add(I, F),
    "add_int_weak_float": lambda o: o.add(I, 1.5),
    "add_bools": lambda o: o.add(B, B),
    "multiply_bool_int": lambda o: o.multiply(B, 3),
    "divide_ints": lambda o: o.divide(I, 3),
    "floor_divide": lambda o: o.floor_divide(I, 2),
    "mod": lambda o: o.mod(F, 0.7),
    "power_int": lambda o: o.power(I, 2),
    "power": lambda o: o.power(POS, F),
    "sqrt_int": lambda o: o.sqrt(np.abs(I)),
    "exp": lambda o: o.exp(F),
    "log1p": lambda o: o.log1p(POS),
    "arctan2": lambda o: o.arctan2(F, G),
    "logaddexp": lambda o: o.logaddexp(F, G),
    "erf": lambda o: o.erf(F),
    "rsqrt": lambda o: o.rsqrt(POS),
    "round_int": lambda o: o.round(I),
    "floor_int": lambda o: o.floor(I),
    "sign": lambda o: o.sign(I),
    "clip_int": lambda o: o.clip(I, 0, 3),
    "clip": lambda o: o.clip(F, -0.5, 0.5),
    "where": lambda o: o.where(B, F, 0.0),
    "nan_to_num": lambda o: o.nan_to_num(np.array([np.nan, np.inf, 1.0], "float32"), posinf=9.0),
    "equal_int_float": lambda o: o.equal(I, 1.0),
    "greater": lambda o: o.greater(F, G),
    "logical_xor": lambda o: o.logical_xor(B, F < 0.5),
    "all": lambda o: o.all(B, axis=1),
    "sum_int": lambda o: o.sum(I, axis=0),
    "sum_bool": lambda o: o.sum(B),
    "mean_int": lambda o: o.mean(I, axis=1, keepdims=True),
    "max": lambda o: o.max(F, axis=0),
    "min_initial": lambda o: o.min(F, axis=1, initial=-0.5),
    "prod_int": lambda o: o.prod(I, axis=1),
    "std": lambda o: o.std(F, axis=1),
    "var_int": lambda o: o.var(I),
    "logsumexp": lambda o: o.logsumexp(F, axis=-1),
    "argmax": lambda o: o.argmax(F, axis=1),
    "argmin_flat": lambda o: o.argmin(F),
    "count_nonzero": lambda o: o.count_nonzero(I, axis=0),
    "cumsum_int": lambda o: o.cumsum(I, axis=1),
    "cumprod": lambda o: o.cumprod(POS),
    "arange": lambda o: o.arange(2, 9, 3),
    "arange_float": lambda o: o.arange(0.0, 1.0, 0.25),
    "linspace": lambda o: o.linspace(0, 2, 5),
    "full_int": lambda o: o.full((2, 2), 3),
    "eye": lambda o: o.eye(3, 4, k=1),
    "tri": lambda o: o.tri(3),
    "tril": lambda o: o.tril(F, -1),
    "concatenate": lambda o: o.concatenate([F, G]),
    "stack": lambda o: o.stack([F, G], axis=-1),
    "expand_dims": lambda o: o.expand_dims(F, (0, 2)),
    "squeeze": lambda o: o.squeeze(F[:1]),
    "moveaxis": lambda o: o.moveaxis(np.zeros((2, 3, 4), "float32") + F[0], 0, -1),
    "tile": lambda o: o.tile(F, (2, 1)),
    "repeat": lambda o: o.repeat(F, 2, axis=1),
    "take": lambda o: o.take(F, [2, 0], axis=1),
    "take_along_axis": lambda o: o.take_along_axis(F, np.argsort(F, axis=1), axis=1),
    "pad_reflect": lambda o: o.pad(F, ((1, 1), (2, 0)), mode="reflect"),
    "pad_constant": lambda o: o.pad(F, ((0, 1), (1, 0)), constant_values=2.0),
    "flip": lambda o: o.flip(F, 0),
    "roll": lambda o: o.roll(F, 3),
    "diag": lambda o: o.diag(F),
    "diagonal": lambda o: o.diagonal(F, 1),
    "trace": lambda o: o.trace(F),
    "outer": lambda o: o.outer(F[0], G[0]),
    "dot": lambda o: o.dot(F, G.T),
    "tensordot": lambda o: o.tensordot(F, G, axes=([0], [0])),
    "einsum": lambda o: o.einsum("ij,kj->ik", F, G),
    "sort": lambda o: o.sort(F),
    "argsort": lambda o: o.argsort(F, axis=0),
    "top_k_values": lambda o: o.top_k(F, 2)[0],
    "top_k_indices": lambda o: o.top_k(F, 2)[1],
    "in_top_k": lambda o: o.in_top_k(LABELS, F, 2),
    "one_hot": lambda o: o.one_hot(LABELS, 4),
    "multi_hot": lambda o: o.multi_hot(np.array([[0, 2], [1, 1]]), 3),
    "scatter": lambda o: o.scatter(np.array([[0, 1], [2, 0], [0, 1]]), np.array([1.0, 2.0, 3.0],
                                                                             "float32"), (3, 2)),
    "scatter_update": lambda o: o.scatter_update(F, np.array([[0, 1], [2, 3]]),
                                                 np.array([7.0, 8.0], "float32")),
    "slice": lambda o: o.slice(F, (1, 1), (2, 2)),
    "slice_update": lambda o: o.slice_update(F, (1, 2), np.ones((2, 2), "float32")),
    "segment_sum": lambda o: o.segment_sum(F, np.array([1, 0, 1]), num_segments=3),
    "softmax": lambda o: o.softmax(F, axis=0),
    "log_softmax": lambda o: o.log_softmax(F),
    "gelu": lambda o: o.gelu(F),
    "gelu_exact": lambda o: o.gelu(F, approximate=False),
    "leaky_relu": lambda o: o.leaky_relu(F),
    "selu": lambda o: o.selu(F),
    "binary_crossentropy": lambda o: o.binary_crossentropy(B.astype("float32"), P),
    "binary_crossentropy_logits": lambda o: o.binary_crossentropy(B.astype("float32"), F,
                                                                  from_logits=True),
    "categorical_crossentropy": lambda o: o.categorical_crossentropy(np.eye(4, dtype="float32")[
        LABELS], P),
    "sparse_categorical_crossentropy": lambda o: o.sparse_categorical_crossentropy(
        LABELS, F, from_logits=True),
    "moments_variance": lambda o: o.moments(F, axes=[0])[1],
    "normalize": lambda o: o.normalize(F),
    "norm": lambda o: o.norm(F, axis=1),
    "norm_matrix_inf": lambda o: o.norm(F, ord=np.inf, axis=(0, 1)),
    "inv": lambda o: o.inv(F[:, :3] + 3 * np.eye(3, dtype="float32")),
    "det": lambda o: o.det(F[:, :3] + 3 * np.eye(3, dtype="float32")),
    "solve": lambda o: o.solve(F[:, :3] + 3 * np.eye(3, dtype="float32"), G[:, :2]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_dtypes_match_keras(name):
    ours = CASES[name](ops)
    theirs = CASES[name](K)
    theirs_np = np.asarray(K.convert_to_numpy(theirs))
    assert str(ours.dtype) == str(theirs_np.dtype), name
    np.testing.assert_allclose(ours.numpy().astype("float64"), theirs_np.astype("float64"),
                               rtol=2e-5, atol=2e-6)


GRADIENT_CASES = {
    "where_cumsum": lambda o, x: o.sum(o.cumsum(o.where(x > 0, o.square(x), -x), axis=1)),
    "take_pad": lambda o, x: o.sum(o.take(o.pad(x, ((1, 0), (0, 2)), mode="symmetric"),
                                          [0, 0, 4], axis=1) ** 2),
    "einsum_stack_split": lambda o, x: o.sum(o.einsum("ij,ik->jk", o.split(
        o.stack([x, x * 2.0]), 2)[1][0], o.sin(x))),
    "logsumexp_norm": lambda o, x: o.logsumexp(x, axis=0)[1] + o.norm(x),
    "top_k_sort": lambda o, x: o.sum(o.top_k(x, 2)[0] * o.sort(x)[:, :2]),
    "scatter_update": lambda o, x: o.sum(o.square(o.scatter_update(
        x, np.array([[0, 1], [2, 2]]), x[1, :2] * 3.0))),
    "power_mod": lambda o, x: o.sum(o.power(o.abs(x) + 1.0, x) + o.mod(x, 0.7)),
    "segment_sum": lambda o, x: o.sum(o.segment_sum(x, np.array([1, 0, 1]), 2) ** 2),
    "inv_det": lambda o, x: o.det(x[:, :3] + 3.0 * o.eye(3)) + o.sum(o.inv(
        x[:, :3] + 3.0 * o.eye(3))),
    "crossentropies": lambda o, x: o.sum(o.categorical_crossentropy(
        np.eye(4, dtype="float32")[LABELS], o.softmax(x))) + o.sum(o.binary_crossentropy(
            B.astype("float32"), o.sigmoid(x))),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_match_jax(name):
    import jax

    fn = GRADIENT_CASES[name]
    theirs = np.asarray(jax.grad(lambda x: fn(K, x))(F))
    x = ops.convert_to_tensor(F)
    x.requires_grad = True
    fn(ops, x).backward()
    np.testing.assert_allclose(x.grad, theirs, rtol=1e-4, atol=1e-5)


def test_every_name_is_a_keras_ops_name_in_the_same_namespace():
    missing = [name for name in ops.__all__ if not hasattr(K, name)]
    assert not missing
    for space in ("nn", "linalg", "numpy"):
        ours = getattr(ops, space).__all__
        theirs = getattr(K, space)
        assert not [name for name in ours if not hasattr(theirs, name)], space
