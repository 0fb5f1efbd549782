"""Keras 1/2's backend functions on ``numnet.backend`` (``from numnet.keras import backend as K``):
hand-computed values for each, and the same cases against ``tf.keras.backend`` (Keras 3's legacy
backend on TensorFlow) where TensorFlow is installed."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from numnet.keras import backend as K

import numnet

X = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]], dtype="float32")
P = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], dtype="float32")
T = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype="float32")
B = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype="float32")
EPS = 1e-7


def _bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


IMG = np.arange(2 * 4 * 4 * 3, dtype="float32").reshape(2, 4, 4, 3) / 10.0
KERNEL = (np.arange(3 * 3 * 3 * 2, dtype="float32").reshape(3, 3, 3, 2) - 20.0) / 30.0


def _conv2d_valid(x, k):
    rows, cols = x.shape[1] - k.shape[0] + 1, x.shape[2] - k.shape[1] + 1
    out = np.zeros((x.shape[0], rows, cols, k.shape[3]), dtype="float64")
    for i in range(rows):
        for j in range(cols):
            patch = x[:, i:i + k.shape[0], j:j + k.shape[1], :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2]))
    return out


# (function, args, kwargs, expected): the expected values computed here, by hand or in NumPy.
CASES = [
    ("abs", (X,), {}, np.abs(X)),
    ("exp", (X,), {}, np.exp(X)),
    ("log", (P,), {}, np.log(P)),
    ("sqrt", (X,), {}, np.sqrt(np.maximum(X, 0))),
    ("square", (X,), {}, X ** 2),
    ("pow", (X, 3), {}, X ** 3),
    ("sin", (X,), {}, np.sin(X)),
    ("cos", (X,), {}, np.cos(X)),
    ("sign", (X,), {}, np.sign(X)),
    ("round", (np.array([0.5, 1.5, 2.5, -0.5, 1.2], "float32"),), {}, [0, 2, 2, 0, 1]),
    ("clip", (X, -1.0, 2.0), {}, np.clip(X, -1, 2)),
    ("clip", (X, 2.0, 1.0), {}, np.full_like(X, 2.0)),
    ("maximum", (X, P), {}, np.maximum(X, P)),
    ("minimum", (X, P), {}, np.minimum(X, P)),
    ("equal", (B, T), {}, B == T),
    ("not_equal", (B, T), {}, B != T),
    ("greater", (X, 0.0), {}, X > 0),
    ("greater_equal", (X, 3.0), {}, X >= 3),
    ("less", (X, 0.0), {}, X < 0),
    ("less_equal", (X, -4.0), {}, X <= -4),
    ("sigmoid", (X,), {}, _sigmoid(X)),
    ("hard_sigmoid", (X,), {}, np.clip(0.2 * X + 0.5, 0, 1)),
    ("tanh", (X,), {}, np.tanh(X)),
    ("softplus", (X,), {}, np.log1p(np.exp(X))),
    ("softsign", (X,), {}, X / (1 + np.abs(X))),
    ("elu", (X,), {}, np.where(X > 0, X, np.exp(X) - 1)),
    ("elu", (X,), {"alpha": 0.5}, np.where(X > 0, X, 0.5 * (np.exp(X) - 1))),
    ("relu", (X,), {}, np.maximum(X, 0)),
    ("relu", (X,), {"alpha": 0.1}, np.where(X > 0, X, 0.1 * X)),
    ("relu", (X,), {"max_value": 4.0}, np.clip(X, 0, 4)),
    ("relu", (X,), {"alpha": 0.1, "max_value": 2.0, "threshold": 1.0},
     np.where(X > 1, np.minimum(X, 2), 0.1 * (X - 1))),
    ("softmax", (X,), {}, _softmax(X)),
    ("softmax", (X,), {"axis": 0}, _softmax(X, axis=0)),
    ("l2_normalize", (X,), {"axis": -1}, X / np.sqrt((X ** 2).sum(-1, keepdims=True))),
    ("l2_normalize", (X,), {}, X / np.sqrt((X ** 2).sum())),
    ("sum", (X,), {}, X.sum()),
    ("sum", (X,), {"axis": -1}, [2.0, -5.0]),
    ("sum", (X,), {"axis": 0, "keepdims": True}, [[-3.0, 3.0, -3.0]]),
    ("prod", (X,), {"axis": 1}, [-6.0, 120.0]),
    ("mean", (X,), {}, -0.5),
    ("mean", (X,), {"axis": -1}, [2.0 / 3, -5.0 / 3]),
    ("mean", (B > 0,), {"axis": 0}, [0.5, 0.5, 1.0]),
    ("var", (X,), {"axis": 0}, [6.25, 12.25, 20.25]),
    ("std", (X,), {"axis": 0}, [2.5, 3.5, 4.5]),
    ("max", (X,), {}, 5.0),
    ("max", (X,), {"axis": -1, "keepdims": True}, [[3.0], [5.0]]),
    ("min", (X,), {"axis": 0}, [-4.0, -2.0, -6.0]),
    ("all", (B,), {"axis": 0}, [False, False, True]),
    ("any", (B,), {"axis": 1}, [True, True]),
    ("all", (B,), {}, False),
    ("argmax", (X,), {}, [2, 1]),
    ("argmin", (X,), {"axis": 0}, [1, 0, 1]),
    ("cumsum", (X,), {}, np.cumsum(X, axis=0)),
    ("cumprod", (X,), {"axis": 1}, np.cumprod(X, axis=1)),
    ("reshape", (X, (3, 2)), {}, X.reshape(3, 2)),
    ("flatten", (X,), {}, X.reshape(-1)),
    ("batch_flatten", (IMG,), {}, IMG.reshape(2, -1)),
    ("expand_dims", (X,), {}, X[..., None]),
    ("expand_dims", (X, 0), {}, X[None]),
    ("squeeze", (X[:, None, :], 1), {}, X),
    ("permute_dimensions", (IMG, (0, 3, 1, 2)), {}, IMG.transpose(0, 3, 1, 2)),
    ("transpose", (X,), {}, X.T),
    ("concatenate", ([X, P],), {}, np.concatenate([X, P], axis=-1)),
    ("concatenate", ([X, P],), {"axis": 0}, np.concatenate([X, P], axis=0)),
    ("stack", ([X, P],), {}, np.stack([X, P])),
    ("stack", ([X, P],), {"axis": 1}, np.stack([X, P], axis=1)),
    ("tile", (X, (2, 1)), {}, np.tile(X, (2, 1))),
    ("tile", (np.array([1.0, 2.0], "float32"), 2), {}, [1.0, 2.0, 1.0, 2.0]),
    ("repeat", (X, 2), {}, np.stack([X, X], axis=1)),
    ("repeat_elements", (X, 2, 1), {}, np.repeat(X, 2, axis=1)),
    ("reverse", (X, 1), {}, X[:, ::-1]),
    ("reverse", (X, (0, 1)), {}, X[::-1, ::-1]),
    ("gather", (X, np.array([1, 0, 1])), {}, X[[1, 0, 1]]),
    ("one_hot", (np.array([2, 0]), 3), {}, [[0, 0, 1], [1, 0, 0]]),
    ("temporal_padding", (X[None],), {}, np.pad(X[None], [(0, 0), (1, 1), (0, 0)])),
    ("temporal_padding", (X[None], (2, 0)), {}, np.pad(X[None], [(0, 0), (2, 0), (0, 0)])),
    ("spatial_2d_padding", (IMG,), {}, np.pad(IMG, [(0, 0), (1, 1), (1, 1), (0, 0)])),
    ("spatial_2d_padding", (IMG, ((0, 1), (2, 0)), "channels_first"), {},
     np.pad(IMG, [(0, 0), (0, 0), (0, 1), (2, 0)])),
    ("spatial_3d_padding", (IMG[..., None],), {},
     np.pad(IMG[..., None], [(0, 0), (1, 1), (1, 1), (1, 1), (0, 0)])),
    ("resize_images", (IMG, 2, 3, "channels_last"), {},
     np.repeat(np.repeat(IMG, 2, axis=1), 3, axis=2)),
    ("resize_images", (IMG, 2, 1, "channels_first"), {}, np.repeat(IMG, 2, axis=2)),
    ("resize_volumes", (IMG[..., None], 1, 2, 2, "channels_last"), {},
     np.repeat(np.repeat(IMG[..., None], 2, axis=2), 2, axis=3)),
    ("dot", (X, X.T), {}, X @ X.T),
    ("dot", (IMG, KERNEL[0, 0]), {}, IMG @ KERNEL[0, 0]),
    ("dot", (X, IMG[0].transpose(0, 2, 1)[:3]), {}, np.dot(X, IMG[0].transpose(0, 2, 1)[:3])),
    ("batch_dot", (X, P), {}, (X * P).sum(-1, keepdims=True)),
    ("batch_dot", (X, P), {"axes": 1}, (X * P).sum(-1, keepdims=True)),
    ("batch_dot", (IMG[:, 0], IMG[:, 1]), {"axes": (2, 2)},
     np.einsum("bic,bjc->bij", IMG[:, 0], IMG[:, 1])),
    ("batch_dot", (IMG[:, 0], IMG[:, 1]), {"axes": (1, 1)},
     np.einsum("bic,bid->bcd", IMG[:, 0], IMG[:, 1])),
    ("batch_dot", (IMG[:, 0], X), {}, np.einsum("bic,bc->bi", IMG[:, 0], X)),
    ("binary_crossentropy", (B, P), {}, _bce(B, P)),
    ("binary_crossentropy", (B, X), {"from_logits": True}, _bce(B, _sigmoid(X.astype("f8")))),
    ("binary_focal_crossentropy", (B, P), {},
     (1 - (B * P + (1 - B) * (1 - P))) ** 2 * _bce(B, P)),
    ("binary_focal_crossentropy", (B, X),
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "from_logits": True},
     (B * 0.4 + (1 - B) * 0.6) * (1 - (B * _sigmoid(X) + (1 - B) * (1 - _sigmoid(X)))) ** 1.5
     * _bce(B, _sigmoid(X.astype("f8")))),
    ("categorical_crossentropy", (T, P), {}, [-math.log(0.7), -math.log(0.5)]),
    ("categorical_crossentropy", (T, P * 2), {}, [-math.log(0.7), -math.log(0.5)]),
    ("categorical_crossentropy", (T, X), {"from_logits": True},
     -(T * np.log(_softmax(X.astype("f8")))).sum(-1)),
    ("categorical_focal_crossentropy", (T, P), {},
     [0.25 * 0.3 ** 2 * -math.log(0.7), 0.25 * 0.5 ** 2 * -math.log(0.5)]),
    ("categorical_focal_crossentropy", (T, X), {"alpha": 0.5, "gamma": 1.0, "from_logits": True},
     (0.5 * (1 - _softmax(X.astype("f8"))) * -T * np.log(_softmax(X.astype("f8")))).sum(-1)),
    ("sparse_categorical_crossentropy", (np.array([1, 0]), P), {},
     [-math.log(0.7), -math.log(0.5)]),
    ("sparse_categorical_crossentropy", (np.array([[1], [0]]), P), {},
     [-math.log(0.7), -math.log(0.5)]),
    ("sparse_categorical_crossentropy", (np.array([2, 1]), X), {"from_logits": True},
     -np.log(_softmax(X.astype("f8"))[[0, 1], [2, 1]])),
    ("sparse_categorical_crossentropy", (np.array([[1, 0]]), P.T[None]), {"axis": 1},
     [[-math.log(0.7), -math.log(0.5)]]),
    ("conv2d", (IMG, KERNEL), {}, _conv2d_valid(IMG, KERNEL)),
    ("conv2d", (IMG, KERNEL), {"padding": "same"},
     _conv2d_valid(np.pad(IMG, [(0, 0), (1, 1), (1, 1), (0, 0)]), KERNEL)),
    ("conv2d", (IMG.transpose(0, 3, 1, 2), KERNEL), {"data_format": "channels_first"},
     _conv2d_valid(IMG, KERNEL).transpose(0, 3, 1, 2)),
    ("conv2d", (IMG, KERNEL), {"strides": (2, 2), "padding": "same"},
     _conv2d_valid(np.pad(IMG, [(0, 0), (0, 1), (0, 1), (0, 0)]), KERNEL)[:, ::2, ::2]),
    ("conv1d", (IMG[:, 0], KERNEL[0]), {}, _conv2d_valid(IMG[:, :1], KERNEL[:1])[:, 0]),
    ("conv1d", (IMG[:, 0], KERNEL[0]), {"padding": "causal"},
     _conv2d_valid(np.pad(IMG[:, :1], [(0, 0), (0, 0), (2, 0), (0, 0)]), KERNEL[:1])[:, 0]),
    ("conv3d", (IMG[:, None], KERNEL[None]), {}, _conv2d_valid(IMG, KERNEL)[:, None]),
    ("depthwise_conv2d", (IMG, KERNEL[..., :1]), {},
     np.stack([_conv2d_valid(IMG[..., c:c + 1], KERNEL[:, :, c:c + 1, :1])[..., 0]
               for c in range(3)], axis=-1)),
    ("separable_conv2d", (IMG, KERNEL[..., :1], KERNEL[:1, :1, :, :]), {},
     np.stack([_conv2d_valid(IMG[..., c:c + 1], KERNEL[:, :, c:c + 1, :1])[..., 0]
               for c in range(3)], axis=-1) @ KERNEL[0, 0]),
    ("pool2d", (IMG, (2, 2)), {"strides": (2, 2)},
     IMG.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4))),
    ("pool2d", (IMG, (2, 2)), {"strides": (2, 2), "pool_mode": "avg"},
     IMG.reshape(2, 2, 2, 2, 2, 3).mean(axis=(2, 4))),
    ("pool3d", (IMG[:, None], (1, 2, 2)), {"strides": (1, 2, 2)},
     IMG.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4))[:, None]),
    ("bias_add", (X, np.array([1.0, 2.0, 3.0], "float32")), {}, X + [1, 2, 3]),
    ("batch_normalization", (X, 1.0, 4.0, 0.5, 2.0), {"epsilon": 0.0}, (X - 1) / 2 * 2 + 0.5),
    ("in_top_k", (P, np.array([1, 2]), 2), {}, [True, True]),
    ("in_top_k", (P, np.array([2, 0]), 1), {}, [False, True]),
    ("cast", (X, "int32"), {}, X.astype("int32")),
    ("cast_to_floatx", (np.array([1, 2]),), {}, [1.0, 2.0]),
    ("constant", (2.0,), {"shape": (2, 2)}, np.full((2, 2), 2.0)),
    ("constant", ([1, 2],), {}, [1.0, 2.0]),
    ("zeros_like", (X,), {}, np.zeros_like(X)),
    ("ones_like", (X,), {}, np.ones_like(X)),
    ("arange", (4,), {}, [0, 1, 2, 3]),
    ("arange", (1, 7, 2), {}, [1, 3, 5]),
    ("arange", (-3,), {}, np.zeros(0)),
    ("switch", (np.array(True), X, P), {}, X),
    ("switch", (X > 0, X, P), {}, np.where(X > 0, X, P)),
    ("switch", (np.array([[True], [False]]), X, P), {}, np.where([[True], [False]], X, P)),
    ("eval", (X,), {}, X),
    ("get_value", (X,), {}, X),
]
CASES.append(("bias_add", (IMG.transpose(0, 3, 1, 2), np.array([1.0, 2.0, 3.0], "float32")),
              {"data_format": "channels_first"},
              (IMG + np.array([1.0, 2.0, 3.0])).transpose(0, 3, 1, 2)))
CASES.append(("bias_add", (IMG, IMG[0]), {}, IMG + IMG[0]))


def _ids(cases):
    return [f"{name}-{i}" for i, (name, *_rest) in enumerate(cases)]


@pytest.mark.parametrize(("name", "args", "kwargs", "expected"), CASES, ids=_ids(CASES))
def test_hand_computed(name, args, kwargs, expected):
    out = getattr(K, name)(*args, **kwargs)
    got = np.asarray(K.get_value(out) if isinstance(out, numnet.Tensor) else out)
    expected = np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if expected.dtype == bool:
        assert got.dtype == bool
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got.astype("float64"), expected, rtol=2e-5, atol=2e-6)


def test_every_legacy_name_is_reachable():
    names = ("abs all any arange argmax argmin batch_dot batch_flatten batch_get_value "
             "batch_normalization batch_set_value bias_add binary_crossentropy "
             "binary_focal_crossentropy cast cast_to_floatx categorical_crossentropy "
             "categorical_focal_crossentropy clip concatenate constant conv1d conv2d "
             "conv2d_transpose conv3d cos count_params ctc_batch_cost ctc_decode "
             "ctc_label_dense_to_sparse cumprod cumsum depthwise_conv2d dot dropout dtype elu "
             "equal eval exp expand_dims eye flatten foldl foldr gather get_value gradients "
             "greater greater_equal hard_sigmoid in_top_k int_shape is_sparse l2_normalize less "
             "less_equal log map_fn max maximum mean min minimum moving_average_update "
             "name_scope ndim not_equal one_hot ones ones_like permute_dimensions pool2d pool3d "
             "pow prod random_bernoulli random_normal random_normal_variable random_uniform "
             "random_uniform_variable relu repeat repeat_elements reshape resize_images "
             "resize_volumes reverse rnn round separable_conv2d set_value shape sigmoid sign "
             "sin softmax softplus softsign sparse_categorical_crossentropy spatial_2d_padding "
             "spatial_3d_padding sqrt square squeeze stack std stop_gradient sum switch tanh "
             "temporal_padding tile to_dense transpose truncated_normal update update_add "
             "update_sub var variable zeros zeros_like").split()
    assert len(names) == 123
    for name in names:
        assert callable(getattr(K, name)), name
        assert getattr(K, name).__doc__, name
    assert numnet.keras.backend is numnet.backend
    assert numnet.backend.epsilon() == 1e-7  # the module's own names are untouched


def test_unknown_name_suggests_close_ones():
    with pytest.raises(AttributeError, match="'summ'.*did you mean 'sum'"):
        K.summ  # noqa: B018
    assert not hasattr(K, "no_such_function_here")


def test_import_numnet_does_not_import_the_legacy_backend():
    code = ("import sys, numnet; assert 'numnet.backend_legacy' not in sys.modules; "
            "numnet.backend.sum; assert 'numnet.backend_legacy' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_shapes_and_dtypes():
    v = K.variable(np.ones((2, 3)))
    assert isinstance(v, numnet.Variable) and K.dtype(v) == "float32"
    assert K.int_shape(v) == (2, 3) and K.int_shape(X) == (2, 3)
    assert K.int_shape(numnet.keras.Input((4,))) == (None, 4)
    assert K.int_shape(3.0) is None
    shape = K.shape(v)
    assert isinstance(shape, numnet.Tensor) and shape.tolist() == [2, 3]
    assert int(K.shape(X)[0]) == 2
    assert K.ndim(v) == 2 and K.ndim(IMG) == 4
    assert K.count_params(v) == 6
    assert K.dtype(K.variable(1, dtype="float64")) == "float64"
    assert K.dtype(K.constant([1], dtype="int32")) == "int32"
    assert K.dtype(K.argmax(X)) in ("int32", "int64")
    assert K.eval(K.variable([[1, 2], [3, 4]])).dtype == np.float32


def test_variables_get_and_set():
    v = K.variable([1.0, 2.0], name="w")
    assert isinstance(K.get_value(v), np.ndarray)
    K.set_value(v, [3, 4])
    np.testing.assert_array_equal(K.get_value(v), [3.0, 4.0])
    K.batch_set_value([(v, np.array([5.0, 6.0]))])
    assert [a.tolist() for a in K.batch_get_value([v])] == [[5.0, 6.0]]
    K.update_add(v, [1.0, 1.0])
    K.update_sub(v, [0.5, 0.5])
    np.testing.assert_array_equal(K.eval(v), [5.5, 6.5])
    K.update(v, [0.0, 0.0])
    K.moving_average_update(v, [10.0, 20.0], 0.9)
    np.testing.assert_allclose(K.eval(v), [1.0, 2.0], rtol=1e-6)
    z, o, e = K.zeros((2, 2)), K.ones(3, dtype="int32"), K.eye(2)
    assert isinstance(z, numnet.Variable) and K.eval(z).tolist() == [[0, 0], [0, 0]]
    assert K.dtype(o) == "int32" and K.eval(o).tolist() == [1, 1, 1]
    assert K.eval(e).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert not isinstance(K.zeros((0, 2)), numnet.Variable)
    assert K.get_value(3.5) == 3.5
    with pytest.raises(TypeError, match="set_value.*Variable.*learning_rate ="):
        K.set_value(0.1, 0.2)
    with pytest.raises(ValueError, match="shape"):
        K.set_value(v, [1.0, 2.0, 3.0])


def test_set_value_of_an_optimizer_learning_rate():
    optimizer = numnet.optimizers.Adam(learning_rate=1e-3)
    assert K.get_value(optimizer.learning_rate) == np.float32(1e-3)
    K.set_value(optimizer.learning_rate, 0.25)
    assert optimizer.current_learning_rate() == 0.25
    assert K.get_value(optimizer.lr) == np.float32(0.25)
    K.set_value(optimizer.lr, np.float64(0.5))
    assert optimizer.current_learning_rate() == 0.5
    model = numnet.keras.Sequential([numnet.keras.Input((2,)), numnet.keras.layers.Dense(1)])
    model.compile(numnet.keras.optimizers.SGD(0.1), "mse")
    K.set_value(model.optimizer.learning_rate, 0.0)
    before = [w.copy() for w in model.get_weights()]
    model.fit(np.ones((4, 2)), np.zeros((4, 1)), verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # a zero rate leaves the weights where they were
    K.set_value(model.layers[0].kernel, [[1.0], [2.0]])
    assert model.predict(np.array([[1.0, 1.0]]), verbose=0).item() == pytest.approx(3.0)


def test_gradients_and_stop_gradient():
    v = K.variable([1.0, 2.0, 3.0])
    grads = K.gradients(K.sum(K.square(v)), [v])
    np.testing.assert_allclose(K.eval(grads[0]), [2.0, 4.0, 6.0])
    w = K.variable([2.0])
    g = K.gradients(K.sum(K.stop_gradient(w) * v), [v, w])
    np.testing.assert_allclose(K.eval(g[0]), [2.0, 2.0, 2.0])
    assert g[1] is None
    assert len(K.stop_gradient([v, w])) == 2


def test_random_functions():
    numnet.utils.set_random_seed(0)
    a = K.random_normal((1000, 20), mean=1.0, stddev=2.0)
    assert K.int_shape(a) == (1000, 20) and K.dtype(a) == "float32"
    assert abs(float(K.mean(a)) - 1.0) < 0.05 and abs(float(K.std(a)) - 2.0) < 0.05
    np.testing.assert_array_equal(K.eval(K.random_normal((3,), seed=4)),
                                  K.eval(K.random_normal((3,), seed=4)))
    u = K.eval(K.random_uniform((2000,), minval=-1.0, maxval=3.0))
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.1
    t = K.eval(K.truncated_normal((2000,), stddev=0.5))
    assert np.abs(t).max() <= 1.0 + 1e-6
    bern = K.eval(K.random_bernoulli((4000,), p=0.25))
    assert set(np.unique(bern)) <= {0.0, 1.0} and abs(bern.mean() - 0.25) < 0.03
    assert K.eval(K.random_bernoulli((5,))).tolist() == [0.0] * 5
    rn = K.random_normal_variable((2, 3), 0.0, 1.0, seed=1)
    ru = K.random_uniform_variable((2, 3), 2.0, 3.0, seed=1)
    assert isinstance(rn, numnet.Variable) and isinstance(ru, numnet.Variable)
    assert 2.0 <= K.eval(ru).min() and K.eval(ru).max() < 3.0
    z_mean = np.zeros((5, 2), "float32")
    assert K.int_shape(K.random_normal(shape=(K.shape(z_mean)[0], 2))) == (5, 2)
    kept = K.eval(K.dropout(np.ones((1000,), "float32"), 0.5, seed=3))
    assert set(np.unique(kept)) <= {0.0, 2.0} and abs(kept.mean() - 1.0) < 0.1


def test_sparse_entropy_ignore_class_and_values():
    loss = K.sparse_categorical_crossentropy(np.array([1, -1]), P, ignore_class=-1)
    np.testing.assert_allclose(K.eval(loss), [-math.log(0.7), 0.0], rtol=1e-6)
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        K.categorical_crossentropy(np.array([1, 0]), P)


def test_ctc_functions():
    labels = np.array([[1, 2, 0], [3, 0, 0]])
    sparse = K.ctc_label_dense_to_sparse(labels, np.array([2, 1]))
    assert sparse.indices.tolist() == [[0, 0], [0, 1], [1, 0]]
    assert sparse.values.tolist() == [1, 2, 3] and sparse.dense_shape == (2, 3)
    assert K.is_sparse(sparse) and not K.is_sparse(X)
    assert K.eval(sparse).tolist() == [[1, 2, 0], [3, 0, 0]]
    # 2 steps, classes {a, blank}, uniform: the paths for "a" are (a, a), (a, blank), (blank, a)
    y_pred = np.full((1, 2, 2), 0.5, "float32")
    cost = K.ctc_batch_cost(np.array([[0]]), y_pred, np.array([[2]]), np.array([[1]]))
    assert K.int_shape(cost) == (1, 1)
    np.testing.assert_allclose(K.eval(cost), [[-math.log(0.75)]], rtol=1e-5)
    probs = np.array([[[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.05, 0.05, 0.9],
                       [0.8, 0.1, 0.1]]], "float32")
    decoded, log_prob = K.ctc_decode(probs, np.array([4]))
    assert len(decoded) == 1 and K.eval(decoded[0]).tolist() == [[1, 0, -1, -1]]
    np.testing.assert_allclose(K.eval(log_prob), [[-np.log([0.8, 0.8, 0.9, 0.8]).sum()]],
                               rtol=1e-4)
    decoded, _ = K.ctc_decode(probs, np.array([4]), greedy=False, beam_width=5, top_paths=2)
    assert len(decoded) == 2 and K.eval(decoded[0]).tolist() == [[1, 0, -1, -1]]


def test_conv2d_transpose_is_the_gradient_of_conv2d():
    x = np.random.default_rng(0).normal(size=(2, 2, 2, 2)).astype("float32")
    kernel = KERNEL[:2, :2, :2, :]  # (rows, cols, out=2, in=2) for the transpose
    out = K.eval(K.conv2d_transpose(x, kernel, (2, 4, 4, 2), strides=(2, 2), padding="same"))
    expected = np.zeros((2, 4, 4, 2))
    for i in range(2):
        for j in range(2):
            expected[:, 2 * i:2 * i + 2, 2 * j:2 * j + 2, :] += np.einsum(
                "bc,hwoc->bhwo", x[:, i, j, :], kernel)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    first = K.eval(K.conv2d_transpose(x.transpose(0, 3, 1, 2), kernel, (None, 2, 4, 4),
                                      strides=(2, 2), padding="same",
                                      data_format="channels_first"))
    np.testing.assert_allclose(first, expected.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-6)


def test_control_flow_and_rnn():
    assert K.switch(np.array(False), lambda: 1.0, lambda: 2.0) == 2.0
    np.testing.assert_allclose(K.eval(K.map_fn(lambda row: K.sum(row), X)), [2.0, -5.0])
    assert float(K.foldl(lambda acc, x: acc + x, np.array([1.0, 2.0, 3.0]))) == 6.0
    assert float(K.foldr(lambda acc, x: acc * 2 + x, np.array([1.0, 2.0, 3.0]))) == 17.0
    inputs = np.arange(2 * 4 * 1, dtype="float32").reshape(2, 4, 1)

    def step(x_t, states):
        total = states[0] + x_t
        return total * 10.0, [total]

    last, outputs, states = K.rnn(step, inputs, [np.zeros((2, 1), "float32")])
    sums = np.cumsum(inputs, axis=1)
    np.testing.assert_allclose(K.eval(outputs), sums * 10)
    np.testing.assert_allclose(K.eval(last), sums[:, -1] * 10)
    np.testing.assert_allclose(K.eval(states[0]), sums[:, -1])
    mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0]], bool)
    last, outputs, states = K.rnn(step, inputs, [np.zeros((2, 1), "float32")], mask=mask)
    assert K.eval(outputs)[:, :, 0].tolist() == [[0, 10, 10, 40], [40, 40, 40, 40]]
    assert K.eval(states[0])[:, 0].tolist() == [4.0, 4.0]
    _, outputs, _ = K.rnn(step, inputs, [np.zeros((2, 1), "float32")], mask=mask,
                          zero_output_for_mask=True)
    assert K.eval(outputs)[:, :, 0].tolist() == [[0, 10, 0, 40], [40, 0, 0, 0]]
    last, outputs, _ = K.rnn(step, inputs, [np.zeros((2, 1), "float32")], go_backwards=True)
    assert K.eval(last)[:, 0].tolist() == [60.0, 220.0]
    with pytest.raises(NotImplementedError, match="nested"):
        K.rnn(step, [inputs, inputs], [np.zeros((2, 1))])


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="softmax.*2 axes"):
        K.softmax(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="repeat.*2-D"):
        K.repeat(IMG, 2)
    with pytest.raises(ValueError, match="batch_dot.*axis 0"):
        K.batch_dot(X, P, axes=0)
    with pytest.raises(ValueError, match="pool2d.*pool_mode"):
        K.pool2d(IMG, (2, 2), pool_mode="median")
    with pytest.raises(ValueError, match="conv2d.*data_format"):
        K.conv2d(IMG, KERNEL, data_format="NHWC")


def test_a_custom_metric_and_a_loss_train():
    def recall(y_true, y_pred):
        tp = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
        return tp / (K.sum(K.round(K.clip(y_true, 0, 1))) + K.epsilon())

    def loss(y_true, y_pred):
        return K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)

    y = np.array([[1.0], [0.0], [1.0], [1.0]], "float32")
    assert float(recall(y, np.array([[0.9], [0.8], [0.2], [0.6]], "float32"))) == \
        pytest.approx(2 / 3)
    model = numnet.keras.Sequential([numnet.keras.Input((1,)),
                                     numnet.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(numnet.keras.optimizers.SGD(0.5), loss, metrics=[recall])
    history = model.fit(y * 2 - 1, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["recall"][-1] == pytest.approx(1.0)


# ----- against Keras's legacy backend on TensorFlow -----

def _tf_backend():
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    return tf, tf.keras.backend


def _to_tf(tf, value):
    if isinstance(value, np.ndarray):
        return tf.constant(value)
    if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
        return [tf.constant(v) for v in value]
    return value


@pytest.mark.parametrize(("name", "args", "kwargs", "expected"), CASES, ids=_ids(CASES))
def test_same_as_keras_legacy_backend(name, args, kwargs, expected):
    tf, TK = _tf_backend()
    theirs = getattr(TK, name)(*[_to_tf(tf, a) for a in args], **kwargs)
    ours = getattr(K, name)(*args, **kwargs)
    theirs = np.asarray(theirs.numpy() if hasattr(theirs, "numpy") else theirs)
    ours = np.asarray(K.eval(ours))
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    if theirs.dtype == bool:
        np.testing.assert_array_equal(ours, theirs)
    else:
        np.testing.assert_allclose(ours.astype("float64"), theirs.astype("float64"),
                                   rtol=2e-5, atol=2e-6)


def test_same_as_keras_for_ctc_and_transpose_and_gradients():
    tf, TK = _tf_backend()
    rng = np.random.default_rng(1)
    y_pred = _softmax(rng.normal(size=(3, 6, 4))).astype("float32")
    y_true = np.array([[0, 1, 2], [2, 2, 0], [1, 0, 0]])
    input_length = np.array([[6], [5], [6]])
    label_length = np.array([[3], [2], [1]])
    theirs = TK.ctc_batch_cost(tf.constant(y_true), tf.constant(y_pred),
                               tf.constant(input_length), tf.constant(label_length)).numpy()
    ours = K.eval(K.ctc_batch_cost(y_true, y_pred, input_length, label_length))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    for greedy in (True, False):
        (their_paths, their_scores) = TK.ctc_decode(tf.constant(y_pred),
                                                    tf.constant([6, 5, 6]), greedy=greedy)
        our_paths, our_scores = K.ctc_decode(y_pred, np.array([6, 5, 6]), greedy=greedy)
        np.testing.assert_array_equal(K.eval(our_paths[0]), their_paths[0].numpy())
        np.testing.assert_allclose(K.eval(our_scores), their_scores.numpy(), rtol=1e-4)
    x = rng.normal(size=(2, 3, 3, 2)).astype("float32")
    kernel = rng.normal(size=(3, 3, 4, 2)).astype("float32")
    for padding in ("same", "valid"):
        size = 6 if padding == "same" else 7
        theirs = TK.conv2d_transpose(tf.constant(x), tf.constant(kernel), (2, size, size, 4),
                                     strides=(2, 2), padding=padding).numpy()
        ours = K.eval(K.conv2d_transpose(x, kernel, (2, size, size, 4), strides=(2, 2),
                                         padding=padding))
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    with pytest.raises(RuntimeError, match="GradientTape"):
        v = tf.Variable([1.0])
        TK.gradients(TK.sum(v * v), [v])  # TensorFlow 2 refuses it eagerly; numnet answers


def test_same_as_keras_for_variables_and_shapes():
    tf, TK = _tf_backend()
    assert TK.int_shape(TK.variable(np.ones((2, 3)))) == K.int_shape(K.variable(np.ones((2, 3))))
    assert TK.shape(tf.constant(X)).numpy().tolist() == K.shape(X).tolist()
    assert TK.count_params(TK.variable(X)) == K.count_params(K.variable(X))
    assert TK.dtype(TK.variable(X)) == K.dtype(K.variable(X))
    assert TK.ndim(TK.variable(IMG)) == K.ndim(K.variable(IMG))
    np.testing.assert_array_equal(TK.eval(TK.eye(3)), K.eval(K.eye(3)))
    theirs, ours = TK.variable([1.0, 2.0]), K.variable([1.0, 2.0])
    TK.moving_average_update(theirs, [5.0, 6.0], 0.75)
    K.moving_average_update(ours, [5.0, 6.0], 0.75)
    np.testing.assert_allclose(K.get_value(ours), TK.get_value(theirs), rtol=1e-6)
    assert type(TK.get_value(TK.variable(2.0))) is type(K.get_value(K.variable(2.0)))
    mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0]], bool)
    inputs = np.random.default_rng(2).normal(size=(2, 4, 3)).astype("float32")
    w = np.random.default_rng(3).normal(size=(3, 2)).astype("float32")

    def make_step(backend):
        def step(x_t, states):
            h = backend.tanh(backend.dot(x_t, backend.constant(w)) + states[0])
            return h, [h]
        return step

    for kwargs in ({}, {"mask": mask}, {"mask": mask, "zero_output_for_mask": True},
                   {"go_backwards": True}):
        their_kwargs = {k: tf.constant(v) if isinstance(v, np.ndarray) else v
                        for k, v in kwargs.items()}
        theirs = TK.rnn(make_step(TK), tf.constant(inputs), [tf.zeros((2, 2))], **their_kwargs)
        ours = K.rnn(make_step(K), inputs, [np.zeros((2, 2), "float32")], **kwargs)
        np.testing.assert_allclose(K.eval(ours[0]), theirs[0].numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(K.eval(ours[1]), theirs[1].numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(K.eval(ours[2][0]), theirs[2][0].numpy(), rtol=1e-5,
                                   atol=1e-6)
