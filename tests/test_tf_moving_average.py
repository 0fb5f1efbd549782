"""tf.train.ExponentialMovingAverage (numnet.tf_api.moving_average), the refused
tf.random.experimental shuffles, and keras.Quantizer at the top level: hand values.
TensorFlow 2.21 gives the same averages (checked while writing these; it is not needed here)."""

import doctest

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.tf_api import index_shuffle, moving_average


def value(x):
    return np.array(x.numpy()).copy()


def test_shadow_starts_at_the_variable_and_follows_it():
    v = tf.Variable(1.0, name="v")
    w = tf.Variable([1.0, 2.0], name="w")
    ema = tf.train.ExponentialMovingAverage(0.9)
    assert ema.name == "ExponentialMovingAverage" and ema.average(v) is None
    assert ema.apply([v, w]) is None
    shadow = ema.average(v)
    assert value(shadow) == 1.0 and not shadow.trainable
    assert ema.average_name(v) == "v/ExponentialMovingAverage"
    v.assign(2.0)
    w.assign([3.0, 4.0])
    ema.apply([v, w])
    np.testing.assert_allclose(value(ema.average(v)), 1.0 - 0.1 * (1.0 - 2.0), rtol=1e-6)
    np.testing.assert_allclose(value(ema.average(w)), [1.2, 2.2], rtol=1e-6)
    v.assign(5.0)
    ema.apply([v])  # only v moves
    np.testing.assert_allclose(value(ema.average(v)), 1.1 - 0.1 * (1.1 - 5.0), rtol=1e-6)
    np.testing.assert_allclose(value(ema.average(w)), [1.2, 2.2], rtol=1e-6)


def test_num_updates_caps_the_decay():
    n = tf.Variable(0, dtype=tf.int64)
    u = tf.Variable(0.0, name="u")
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=n, name="E2")
    ema.apply([u])
    u.assign(10.0)
    n.assign(1)
    ema.apply([u])  # decay min(0.99, 2 / 11)
    np.testing.assert_allclose(value(ema.average(u)), (1 - 2 / 11) * 10.0, rtol=1e-6)
    assert ema.average_name(u) == "u/E2"
    fixed = tf.train.ExponentialMovingAverage(0.5, num_updates=3)  # min(0.5, 4 / 13)
    fixed.apply([u])
    u.assign(0.0)
    fixed.apply([u])
    np.testing.assert_allclose(value(fixed.average(u)), 10.0 * 4 / 13, rtol=1e-6)


def test_float64_variables_and_zero_debias():
    d = tf.Variable(1.0, dtype=tf.float64)
    ema = tf.train.ExponentialMovingAverage(0.9, zero_debias=True)
    ema.apply([d])
    d.assign(0.1)
    ema.apply([d])
    assert ema.average(d).dtype == np.float64
    assert value(ema.average(d)) == pytest.approx(1.0 - 0.1 * 0.9, rel=1e-12)


def test_apply_rejects_integers_and_tensors():
    ema = tf.train.ExponentialMovingAverage(0.9)
    with pytest.raises(TypeError, match="half, float or double"):
        ema.apply([tf.Variable(1, name="i")])
    with pytest.raises(TypeError, match="variables"):
        ema.apply([tf.constant(1.0)])
    assert ema.apply() is None


def test_variables_to_restore_and_layer_weights():
    layer = numnet.layers.Dense(2)
    layer.build((None, 3))
    ema = tf.train.ExponentialMovingAverage(0.5)
    ema.apply(layer.trainable_variables)
    names = ema.variables_to_restore(layer.trainable_variables)
    # a layer's weights are named by their path, "<layer name>/kernel"
    assert sorted(names) == [f"{layer.name}/bias/ExponentialMovingAverage",
                             f"{layer.name}/kernel/ExponentialMovingAverage"]
    assert names[ema.average_name(layer.kernel)] is layer.kernel
    assert layer.kernel in list(ema.variables_to_restore().values())


def test_shuffles_refuse_with_alternatives():
    with pytest.raises(NotImplementedError, match="stateless_uniform"):
        tf.random.experimental.stateless_shuffle([1, 2, 3], seed=[1, 2])
    with pytest.raises(NotImplementedError, match="argsort"):
        tf.random.experimental.index_shuffle(0, seed=[1, 2], max_index=3)


def test_quantizer_at_the_top_level():
    assert numnet.Quantizer is numnet.quantizers.Quantizer
    import numnet.keras as keras

    assert keras.Quantizer is keras.quantizers.Quantizer


@pytest.mark.parametrize("module", [moving_average, index_shuffle])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
