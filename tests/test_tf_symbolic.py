"""TensorFlow's functions and Keras's activations on the symbolic tensors of a functional model
(as tf.keras programs write them), dict inputs of shape (), and subclassed models fed datasets
of dicts."""

import numpy as np
import pytest

import numnet as tf
from numnet import keras


def test_tf_functions_on_inputs_build_a_graph_that_computes_as_eagerly():
    x = keras.Input((3,))
    ids = keras.Input((2,), dtype="int32")
    y = tf.concat([
        tf.nn.relu(tf.cast(x, tf.float32)),
        keras.activations.sigmoid(x),
        tf.expand_dims(tf.reduce_sum(x, axis=1), -1),
        tf.reshape(tf.one_hot(ids, 3), (-1, 6)),
        tf.math.square(tf.maximum(x, 0.5)),
    ], axis=-1)
    assert tuple(y.shape) == (None, 3 + 3 + 1 + 6 + 3)
    model = keras.Model([x, ids], y)
    data = np.array([[-1.0, 0.25, 2.0], [3.0, -0.5, 0.0]], "float32")
    codes = np.array([[0, 2], [1, 1]], "int32")
    expected = np.concatenate([
        np.maximum(data, 0), 1 / (1 + np.exp(-data)), data.sum(1, keepdims=True),
        np.eye(3, dtype="float32")[codes].reshape(2, 6), np.maximum(data, 0.5) ** 2], axis=-1)
    np.testing.assert_allclose(model.predict([data, codes], verbose=0), expected, rtol=1e-6)


def test_a_model_with_tf_nodes_saves_and_loads(tmp_path):
    x = keras.Input((3,))
    y = keras.layers.Dense(2)(tf.concat([tf.nn.relu(x), tf.shape(x)[0:1] * 0.0 + x], -1))
    model = keras.Model(x, y)
    model.save(tmp_path / "m.numnet")
    loaded = keras.saving.load_model(tmp_path / "m.numnet")
    data = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    np.testing.assert_array_equal(model.predict(data, verbose=0), loaded.predict(data, verbose=0))
    with pytest.raises(Exception, match="tf.concat|tf.nn.relu|tf.shape"):
        model.save(tmp_path / "m.keras")  # Keras has no such ops: refused, with the fix


def test_activations_keep_their_identity_and_fused_kernels():
    relu = keras.activations.get("relu")
    assert relu is keras.activations.relu
    assert keras.activations.kernel_of(relu).name == "relu"
    assert keras.activations.serialize(keras.activations.silu) == "silu"
    layer = keras.layers.Dense(2, activation=keras.activations.relu)
    assert layer.get_config()["activation"] == "relu"


def test_dict_inputs_of_shape_scalar():
    inputs = {"a": keras.Input(shape=(), name="a"), "b": keras.Input(shape=(2,), name="b"),
              "c": keras.Input(shape=(1,), name="c")}
    x = tf.concat([inputs["a"][:, tf.newaxis], inputs["b"], inputs["c"]], axis=-1)
    model = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="ones")(x))
    data = {"a": np.array([1.0, 2.0]), "b": np.array([[1.0, 1.0], [0.0, 2.0]]),
            "c": np.array([3.0, 4.0])}  # a 1-D array is a column for Input(shape=(1,))
    np.testing.assert_allclose(model(data).numpy().ravel(), [6.0, 8.0])
    np.testing.assert_allclose(model.predict(data, verbose=0).ravel(), [6.0, 8.0])
    model.compile("sgd", "mse")
    history = model.fit(data, np.array([6.0, 8.0]), epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(0.0, abs=1e-10)


def test_a_subclassed_model_trains_on_a_dataset_of_dicts():
    class Stacked(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1, kernel_initializer="ones")

        def call(self, inputs):
            return self.dense(tf.stack([inputs["u"], inputs["v"]], axis=-1))

    u = np.arange(8, dtype="float32")
    v = np.ones(8, "float32")
    ds = tf.data.Dataset.from_tensor_slices(({"u": u, "v": v}, u + v)).batch(4)
    model = Stacked()
    model.compile(keras.optimizers.SGD(0.0), "mse")
    history = model.fit(ds, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(0.0, abs=1e-10)
    np.testing.assert_allclose(model.predict(ds, verbose=0).ravel(), u + v)


def test_a_subclass_passing_itself_to_model_init_is_told_the_fix():
    class Wrong(keras.Model):
        def __init__(self):
            super().__init__(self)

    with pytest.raises(TypeError, match=r"super\(\).__init__\(\) .*without self"):
        Wrong()


def test_sizes_read_from_a_symbolic_shape_follow_the_batch():
    """ops.shape(x)[0] / tf.shape(x)[0] of a symbolic tensor is the batch size when the model
    runs, and the node after it (a reshape) gets the right shape in the graph."""
    inputs = keras.Input((6,))
    out = keras.ops.reshape(inputs, (keras.ops.shape(inputs)[0], 2, 3))
    assert tuple(out.shape) == (None, 2, 3)
    model = keras.Model(inputs, out)
    x = np.arange(24, dtype="float32").reshape(4, 6)
    np.testing.assert_array_equal(model(x).numpy(), x.reshape(4, 2, 3))

    seq = keras.Input((None, 8))
    flat = tf.reshape(keras.layers.Dense(4, kernel_initializer="ones")(seq),
                      (tf.shape(seq)[0], -1))
    assert tuple(flat.shape) == (None, None)
    model = keras.Model(seq, flat)
    for batch, steps in ((2, 5), (3, 1)):
        got = model(np.ones((batch, steps, 8), "float32")).numpy()
        np.testing.assert_array_equal(got, np.full((batch, steps * 4), 8.0))


def test_tf_nn_functions_of_numnet_nn_record_nodes():
    z = keras.Input((4,))
    mean, variance = tf.nn.moments(z, axes=[1], keepdims=True)
    out = tf.nn.l2_normalize(z, axis=-1) + mean + variance
    model = keras.Model(z, out)
    x = np.array([[0.0, 1.0, 2.0, 3.0]], "float32")
    want = x / np.sqrt((x ** 2).sum()) + x.mean() + x.var()
    np.testing.assert_allclose(model(x).numpy(), want, rtol=1e-6)
    labels = keras.Input((4,))
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=z)
    model = keras.Model([labels, z], loss)
    onehot = np.array([[0.0, 0.0, 0.0, 1.0]], "float32")
    np.testing.assert_allclose(model([onehot, x]).numpy(),
                               [np.log(np.exp(x).sum()) - 3.0], rtol=1e-6)


def test_activation_aliases_record_nodes_on_symbolic_tensors():
    # keras.activations.swish and hard_swish are silu and hard_silu under other names
    assert keras.activations.swish is keras.activations.silu
    assert keras.activations.hard_swish is keras.activations.hard_silu
    x = keras.Input((4,))
    y = tf.concat([keras.activations.swish(x), keras.activations.hard_swish(x)], axis=-1)
    assert tuple(y.shape) == (None, 8)
    data = np.array([[-4.0, -1.0, 0.5, 3.0]], "float32")
    expected = np.concatenate([data / (1 + np.exp(-data)),
                               data * np.clip(data + 3, 0, 6) / 6], axis=-1)
    np.testing.assert_allclose(keras.Model(x, y).predict(data, verbose=0), expected, rtol=1e-6)
