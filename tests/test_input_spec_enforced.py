"""A layer's ``input_spec`` is checked on every call, as Keras does: eager calls on arrays and
tensors, calls on the symbolic tensors of a functional model, specs set in ``__init__`` and in
``build``, several inputs matched by position or by name, and the layer's name in the message.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers, ops


class Flat(layers.Layer):
    """Accepts only (batch, features)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = layers.InputSpec(ndim=2)

    def call(self, x):
        return x * 2.0


class Projection(layers.Layer):
    """Fixes the size of the last axis at build, as Keras's Dense does."""

    def build(self, input_shape):
        self.input_spec = layers.InputSpec(min_ndim=2, axes={-1: input_shape[-1]})
        self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")

    def call(self, x):
        return ops.matmul(x, self.w)


def test_a_spec_set_in_init_refuses_a_wrong_rank_eagerly_and_symbolically():
    assert Flat()(np.ones((2, 3), "float32")).shape == (2, 3)
    with pytest.raises(ValueError, match=r"layer 'flat\w*': expected ndim=2, given 3 axes"):
        Flat()(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"expected ndim=2, given 3 axes \(shape \(None, 3, 4\)"):
        Flat()(numnet.Input((3, 4)))


def test_a_spec_set_in_build_holds_for_later_calls():
    layer = Projection()
    out = layer(np.ones((2, 3), "float32"))
    np.testing.assert_array_equal(np.asarray(out), np.full((2, 2), 3.0, "float32"))
    with pytest.raises(ValueError, match=r"expected axis -1 of size 3, given shape \(2, 4\)"):
        layer(np.ones((2, 4), "float32"))
    symbolic = Projection()
    assert symbolic(numnet.Input((5,))).shape == (None, 2)
    with pytest.raises(ValueError, match=r"axis -1 of size 5, given shape \(None, 6\)"):
        symbolic(numnet.Input((6,)))


def test_a_model_built_from_the_layer_trains_and_refuses_wrong_data():
    model = numnet.Sequential([numnet.Input((3,)), Projection(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    with pytest.raises(ValueError, match="axis -1 of size 3"):
        model.layers[0](np.ones((4, 7), "float32"))


def test_dtype_and_several_inputs():
    class Pair(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = [layers.InputSpec(ndim=2, name="a"),
                               layers.InputSpec(ndim=2, dtype="int32", name="b")]

        def call(self, inputs):
            a, b = inputs["a"], inputs["b"]
            return a + ops.cast(b, "float32")

    pair = Pair()
    a, b = np.ones((2, 3), "float32"), np.ones((2, 3), "int32")
    np.testing.assert_array_equal(np.asarray(pair({"a": a, "b": b})), np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match="Input 1 .* expected dtype=int32, given float32"):
        pair({"a": a, "b": a})
    with pytest.raises(ValueError, match="no input named 'b'"):
        pair({"a": a, "c": b})
    with pytest.raises(ValueError, match="expects 2 input"):
        Pair()([a])


def test_layers_without_a_spec_accept_anything():
    class Free(layers.Layer):
        def call(self, x):
            return x + 1.0

    for shape in [(3,), (2, 3), (2, 3, 4)]:
        assert Free()(np.zeros(shape, "float32")).shape == shape


def test_the_same_inputs_fail_under_keras(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")

    class KerasProjection(keras.layers.Layer):
        def build(self, input_shape):
            self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: input_shape[-1]})
            self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")

        def call(self, x):
            return keras.ops.matmul(x, self.w)

    layer = KerasProjection()
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.ones((2, 4), "float32"))


def test_a_layer_built_before_takes_its_symbolic_output_shape_from_the_input():
    embedding = layers.Embedding(10, 4)
    embedding.build((1,))
    assert embedding(numnet.Input(shape=(None,), dtype="int32")).shape == (None, None, 4)
    dense = layers.Dense(3)  # one layer called on inputs of two ranks
    assert dense(numnet.Input((5,))).shape == (None, 3)
    assert dense(numnet.Input((7, 5))).shape == (None, 7, 3)


def test_weights_made_inside_a_name_scope_have_its_path_as_keras():
    with numnet.name_scope("encoder"):
        variable = numnet.Variable(1.0, name="scale")
        dense = layers.Dense(2, name="proj")
        dense.build((None, 3))
    assert variable.path == "encoder/scale"
    assert [w.path for w in dense.weights] == ["encoder/proj/kernel", "encoder/proj/bias"]
    outside = layers.Dense(2, name="plain")
    outside.build((None, 3))
    assert outside.kernel.path == "plain/kernel"


def test_a_custom_layer_built_by_hand_reports_the_shape_its_call_gives():
    class Widen(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 16), initializer="ones")

        def call(self, x):
            return ops.matmul(x, self.w)

    first = Widen()
    first.build((8,))
    model = numnet.Sequential([first, layers.Dense(1)])
    out = model(np.ones((2, 8), "float32"))
    assert out.shape == (2, 1) and model.layers[-1].kernel.shape == (16, 1)
    symbolic = Widen()
    symbolic.build((None, 8))
    assert symbolic(numnet.Input((8,))).shape == (None, 16)


def test_a_layer_of_several_outputs_gives_each_the_mask_compute_mask_says():
    class TemporalSplit(layers.Layer):
        def call(self, inputs):
            return ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            return None if mask is None else ops.split(mask, 2, axis=1)

    x = np.ones((2, 6, 3), "float32")
    x[0, 4:] = 0.0  # the last two steps of the first sequence are padding
    first, second = TemporalSplit()(layers.Masking()(x))
    np.testing.assert_array_equal(np.asarray(first._keras_mask), np.ones((2, 3), bool))
    np.testing.assert_array_equal(np.asarray(second._keras_mask),
                                  [[True, False, False], [True, True, True]])


def test_input_takes_keras_3_batch_shape():
    tensor = numnet.Input(batch_shape=(2, 3, 5))
    assert tensor.shape == (2, 3, 5)
    model = numnet.Sequential([numnet.Input(batch_shape=(2, 3, 5)),
                               layers.LSTM(4, stateful=True)])
    assert model(np.ones((2, 3, 5), "float32")).shape == (2, 4)
