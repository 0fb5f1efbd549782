"""A symbolic tensor's dtype is what its layer gives (as Keras's compute_output_spec): the
lookup, hashing and encoding layers change it, Embedding gives floats; ops after them get
samples of that dtype when the graph is built."""

import numpy as np
import pytest

import numnet as keras
from numnet import layers, ops


def test_dtypes_through_a_text_input():
    text = keras.Input((1,), dtype="string")
    ids = layers.StringLookup(vocabulary=["a", "b"])(text)
    assert text.dtype == "string" and ids.dtype == "int64"
    doubled = ops.cast(ids, "float32") * 2.0  # failed: the sample of ids was strings
    model = keras.Model(text, doubled)
    assert model(np.array([["a"], ["b"], ["z"]])).numpy().ravel().tolist() == [2.0, 4.0, 0.0]
    assert layers.Hashing(5)(text).dtype == "int64"
    back = layers.StringLookup(vocabulary=["a", "b"], invert=True)(keras.Input((1,), dtype="int64"))
    assert back.dtype == "string"
    assert layers.IntegerLookup(vocabulary=[3, 4])(keras.Input((1,), dtype="int64")).dtype \
        == "int64"


def test_dtypes_of_vectorized_text_and_its_embedding():
    sentences = keras.Input((), dtype="string")
    tokens = layers.TextVectorization(max_tokens=10, output_sequence_length=4,
                                      vocabulary=["the", "cat"])(sentences)
    vectors = layers.Embedding(10, 2)(tokens)
    assert tokens.dtype == "int64" and vectors.dtype == "float32"
    model = keras.Model(sentences, ops.mean(vectors, axis=1))
    assert tuple(model(np.array(["the cat", "a dog"])).shape) == (2, 2)


def test_dtypes_of_encodings_of_numbers():
    assert layers.Discretization(bin_boundaries=[0.0])(keras.Input((2,))).dtype == "int32"
    assert layers.Discretization(bin_boundaries=[0.0], output_mode="one_hot")(
        keras.Input((1,))).dtype == "float32"
    assert layers.CategoryEncoding(4)(keras.Input((1,), dtype="int64")).dtype == "float32"
    assert layers.Dense(2)(keras.Input((3,))).dtype == "float32"


def test_a_model_of_a_string_input_saves_loads_and_takes_text(tmp_path):
    text = keras.Input((1,), dtype="string")
    vectors = layers.Embedding(4, 2)(layers.StringLookup(vocabulary=["a", "b"])(text))
    model = keras.Model(text, vectors)
    model.save(tmp_path / "m.numnet")
    loaded = keras.saving.load_model(tmp_path / "m.numnet")
    assert loaded.layers[0].dtype == "string"
    words = np.array([["a"], ["z"]])
    np.testing.assert_array_equal(loaded(words).numpy(), model(words).numpy())
    np.testing.assert_array_equal(loaded.predict(words, verbose=0), model(words).numpy())


def test_lookup_layers_round_trip_through_their_serialized_form():
    from numnet.saving import deserialize_keras_object, serialize_keras_object

    for layer in (layers.StringLookup(vocabulary=["a", "b"]),
                  layers.IntegerLookup(vocabulary=[3, 4]),
                  layers.TextVectorization(vocabulary=["x"])):
        again = deserialize_keras_object(serialize_keras_object(layer))
        assert type(again) is type(layer)
        assert again.get_vocabulary() == layer.get_vocabulary()


def test_float_inputs_take_the_compute_dtype_of_the_layer():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        inputs = keras.Input((4,))
        hidden = layers.Dense(3)(inputs)
        out = layers.Activation("softmax", dtype="float32")(hidden)
        ids = keras.Input((2,), dtype="int32")
        assert inputs.dtype == "float32" and hidden.dtype == "float16"
        assert out.dtype == "float32"
        assert layers.Embedding(5, 2)(ids).dtype == "float16"
        assert layers.Flatten()(ids).dtype == "int32"  # structure only: the input's dtype
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_tf_matmul_of_mismatched_shapes_raises_tensorflows_error():
    import numnet as tf

    try:
        tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))
    except tf.errors.InvalidArgumentError as error:
        assert isinstance(error, ValueError) and "3 != 2" in str(error)
    else:
        raise AssertionError("no error")


def test_a_strict_lookup_inside_a_layer_builds_on_a_string_input():
    """A layer of one's own that holds a StringLookup(num_oov_indices=0) is called once on
    samples of a string Input to learn its output: the samples pass the lookup (Keras traces
    the call without values), while real out-of-vocabulary text is still refused."""

    class QuotientRemainder(layers.Layer):
        def __init__(self, vocabulary, buckets):
            super().__init__()
            self.buckets = buckets
            self.lookup = layers.StringLookup(vocabulary=vocabulary, mask_token=None,
                                              num_oov_indices=0)
            self.q = layers.Embedding(buckets, 2, embeddings_initializer="ones")
            self.r = layers.Embedding(buckets, 2, embeddings_initializer="ones")

        def call(self, inputs):
            index = self.lookup(inputs)
            return self.q(ops.floor_divide(index, self.buckets)) * self.r(
                ops.mod(index, self.buckets))

    words = ["a", "b", "c", "d", "e"]
    text = keras.Input(shape=(), dtype="string")
    layer = QuotientRemainder(words, 3)
    out = layer(text)
    assert out.shape == (None, 2) and out.dtype == "float32"
    model = keras.Model(text, out)
    q = np.arange(6, dtype="float32").reshape(3, 2)
    r = np.arange(10, 16, dtype="float32").reshape(3, 2)
    layer.q.set_weights([q])
    layer.r.set_weights([r])
    got = model.predict(np.array(["e", "a", "c"], dtype=object), verbose=0)
    index = np.array([4, 0, 2])
    np.testing.assert_array_equal(got, q[index // 3] * r[index % 3])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        model.predict(np.array(["z"], dtype=object), verbose=0)


def test_a_sequential_on_a_string_input_gives_the_dtype_of_its_last_layer():
    """A Sequential of StringLookup and Embedding called on a string Input: float32, as
    Keras's compute_output_spec gives (the memory-efficient embeddings recipe applies
    activations to it)."""
    text = keras.Input(shape=(), dtype="string")
    embed = keras.Sequential([layers.StringLookup(vocabulary=["a", "b"]),
                              layers.Embedding(3, 4)])
    out = embed(text)
    assert out.dtype == "float32" and tuple(out.shape) == (None, 4)
    ids = keras.Sequential([layers.StringLookup(vocabulary=["a", "b"])])(text)
    assert ids.dtype == "int64"
    score = keras.activations.sigmoid(layers.Dot(axes=1)([out, embed(text)]))
    assert score.dtype == "float32"


def test_layers_with_float_weights_give_floats_on_integer_inputs():
    """As Keras's compute_output_spec: integers times a float kernel are floats; a layer
    without weights keeps the integers."""
    ints = keras.Input((3, 2), dtype="int32")
    assert layers.Dense(2)(ints).dtype == "float32"
    assert layers.Conv1D(2, 1)(ints).dtype == "float32"
    assert layers.Flatten()(ints).dtype == "int32"
    assert layers.Reshape((6,))(ints).dtype == "int32"
