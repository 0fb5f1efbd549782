"""StringLookup, IntegerLookup and CategoryEncoding: Keras's index layout (mask, OOV, then the
vocabulary by frequency), its output modes and dtypes, inversion, config and use in a model.
The expected values are Keras's documented examples and hand counts (Keras's lookup layers need
TensorFlow, so they are not run here); CategoryEncoding is also checked against Keras."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.layers import CategoryEncoding, IntegerLookup, StringLookup

VOCAB = ["a", "b", "c", "d"]
DATA = np.array([["a", "c", "d"], ["d", "z", "b"]])


def values(t):
    return np.asarray(t)


# ----------------------------------------------------------------------------- StringLookup


def test_string_lookup_with_a_vocabulary():
    layer = StringLookup(vocabulary=VOCAB)
    out = values(layer(DATA))
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [[1, 3, 4], [4, 0, 2]])
    assert layer.vocabulary_size() == 5
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c", "d"]
    assert layer.get_vocabulary(include_special_tokens=False) == VOCAB


def test_string_lookup_takes_object_and_bytes_arrays_and_lists():
    layer = StringLookup(vocabulary=VOCAB)
    as_object = np.array([["a", "c", "d"], ["d", "z", "b"]], dtype=object)
    np.testing.assert_array_equal(values(layer(as_object)), [[1, 3, 4], [4, 0, 2]])
    np.testing.assert_array_equal(values(layer(DATA.astype("S"))), [[1, 3, 4], [4, 0, 2]])
    np.testing.assert_array_equal(values(layer([["b"], ["q"]])), [[2], [0]])
    assert values(layer("c")).item() == 3


def test_adapt_orders_by_count_then_token_descending():
    layer = StringLookup()
    layer.adapt([["a", "c", "d"], ["d", "z", "b"]])
    # d occurs twice; the rest once, ranked z, c, b, a (higher token first)
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    np.testing.assert_array_equal(values(layer(DATA)), [[5, 3, 1], [1, 2, 4]])


def test_adapt_with_max_tokens_mask_and_batches():
    text = ["the cat", "the dog", "a cat", "the end"]
    words = [sentence.split() for sentence in text]
    tokens = np.array([w for ws in words for w in ws])
    layer = StringLookup(max_tokens=4, mask_token="")
    layer.adapt(tokens[i:i + 3] for i in range(0, len(tokens), 3))  # a generator of batches
    # counts: the 3, cat 2, then a, dog, end once each (end > dog > a); 4 indices in all
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "cat"]
    np.testing.assert_array_equal(values(layer(np.array(["the", "", "dog", "cat"]))),
                                  [2, 0, 1, 3])


def test_num_oov_indices():
    layer = StringLookup(vocabulary=VOCAB, num_oov_indices=0)
    np.testing.assert_array_equal(values(layer(["a", "d"])), [0, 3])
    with pytest.raises(ValueError, match=r"num_oov_indices=0.*\['z'\]"):
        layer(DATA)
    layer = StringLookup(vocabulary=VOCAB, num_oov_indices=2)
    out = values(layer(DATA))
    np.testing.assert_array_equal(out[0], [2, 4, 5])
    assert out[1, 1] in (0, 1)
    assert values(layer(["z"])) == out[1, 1]  # the same token, the same bucket


def test_string_lookup_output_modes():
    one_hot = StringLookup(vocabulary=VOCAB, output_mode="one_hot")
    out = values(one_hot(np.array(["a", "b", "c", "d", "z"])))
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, np.eye(5, dtype=np.int64)[[1, 2, 3, 4, 0]])
    data = np.array([["a", "c", "d", "d"], ["d", "z", "b", "z"]])
    multi = StringLookup(vocabulary=VOCAB, output_mode="multi_hot")
    np.testing.assert_array_equal(values(multi(data)), [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])
    count = StringLookup(vocabulary=VOCAB, output_mode="count")
    np.testing.assert_array_equal(values(count(data)), [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    padded = StringLookup(vocabulary=VOCAB, output_mode="multi_hot", max_tokens=8,
                          pad_to_max_tokens=True)
    assert values(padded(data)).shape == (2, 8)
    assert padded.compute_output_shape((None, 4)) == (None, 8)
    assert count.compute_output_shape((None, 4)) == (None, 5)
    assert one_hot.compute_output_shape((None, 1)) == (None, 5)


def test_mask_token_is_dropped_from_encodings():
    layer = StringLookup(vocabulary=VOCAB, mask_token="", output_mode="multi_hot")
    # outside "int" mode the mask has no index: [UNK], a, b, c, d
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c", "d"]
    np.testing.assert_array_equal(values(layer(np.array([["a", "", ""], ["", "", ""]]))),
                                  [[0, 1, 0, 0, 0], [0, 0, 0, 0, 0]])


def test_invert():
    layer = StringLookup(vocabulary=VOCAB, invert=True)
    out = layer(np.array([[1, 3, 4], [4, 0, 2]]))
    # a string Tensor of bytes, as Keras's (TensorFlow's tf.string)
    assert out.tolist() == [[b"a", b"c", b"d"], [b"d", b"[UNK]", b"b"]]
    masked = StringLookup(vocabulary=VOCAB, mask_token="[PAD]", invert=True)
    assert masked(np.array([0, 1, 2, 5, 9])).tolist() == [b"[PAD]", b"[UNK]", b"a", b"d",
                                                          b"[UNK]"]
    forward = StringLookup(vocabulary=VOCAB)
    back = StringLookup(vocabulary=forward.get_vocabulary(), invert=True)
    assert back(forward(DATA)).tolist() == [[b"a", b"c", b"d"], [b"d", b"[UNK]", b"b"]]


def test_a_ragged_batch_is_looked_up_value_by_value_and_keeps_its_rows():
    lookup = StringLookup(vocabulary=["a", "b", "c"], mask_token=None)
    ragged = numnet.ragged.constant([["a", "c"], ["b"], ["z", "a", "b"]])
    ids = lookup(ragged)
    assert isinstance(ids, type(ragged))
    assert ids.to_list() == [[1, 3], [2], [0, 1, 2]]
    back = StringLookup(vocabulary=lookup.get_vocabulary(), invert=True, mask_token=None)
    assert back(ids).to_list() == [[b"a", b"c"], [b"b"], [b"[UNK]", b"a", b"b"]]
    numbers = IntegerLookup(vocabulary=[7, 9])(numnet.ragged.constant([[9], [7, 7, 5]]))
    assert numbers.to_list() == [[2], [1, 1, 0]]
    # multi_hot encodes each row, as Keras's bincount of a ragged batch
    np.testing.assert_array_equal(
        values(StringLookup(vocabulary=["a"], output_mode="multi_hot")(ragged)),
        [[1, 1], [1, 0], [1, 1]])


def test_vocabulary_with_special_tokens_and_from_a_file(tmp_path):
    layer = StringLookup(vocabulary=["[UNK]", "x", "y"])
    assert layer.get_vocabulary() == ["[UNK]", "x", "y"]
    path = tmp_path / "vocab.txt"
    path.write_text("x\ny\nz\n", encoding="utf-8")
    layer = StringLookup(vocabulary=str(path))
    np.testing.assert_array_equal(values(layer(["z", "x", "q"])), [3, 1, 0])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"StringLookup\(output_mode\)"):
        StringLookup(output_mode="bag")
    with pytest.raises(ValueError, match=r"invert=True.*'int'"):
        StringLookup(vocabulary=VOCAB, invert=True, output_mode="count")
    with pytest.raises(ValueError, match=r"repeated: \['a'\]"):
        StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"max_tokens=3"):
        StringLookup(vocabulary=VOCAB, max_tokens=3)
    with pytest.raises(ValueError, match=r"adapt\(data\).*vocabulary"):
        StringLookup(vocabulary=VOCAB).adapt(DATA)
    with pytest.raises(RuntimeError, match=r"adapt\(data\) first"):
        StringLookup(output_mode="count")(DATA)
    with pytest.raises(TypeError, match=r"IntegerLookup"):
        StringLookup(vocabulary=VOCAB)(np.array([1, 2]))


def test_string_lookup_config_round_trip():
    layer = StringLookup(max_tokens=10, mask_token="", output_mode="int")
    layer.adapt(DATA)
    config = layer.get_config()
    for key in ("invert", "max_tokens", "num_oov_indices", "oov_token", "mask_token",
                "output_mode", "sparse", "pad_to_max_tokens", "vocabulary", "encoding"):
        assert key in config
    assert config["vocabulary"] == ["d", "z", "c", "b", "a"]
    clone = StringLookup.from_config(config)
    assert clone.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_array_equal(values(clone(DATA)), values(layer(DATA)))


# ----------------------------------------------------------------------------- IntegerLookup


def test_integer_lookup_examples():
    data = np.array([[12, 1138, 42], [42, 1000, 36]])
    layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
    np.testing.assert_array_equal(values(layer(data)), [[1, 3, 4], [4, 0, 2]])
    adapted = IntegerLookup()
    adapted.adapt(data)
    assert adapted.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    np.testing.assert_array_equal(values(adapted(data)), [[5, 2, 1], [1, 3, 4]])
    two = IntegerLookup(vocabulary=[12, 36, 1138, 42], num_oov_indices=2)
    # OOV ids go to bucket id mod 2: 37 -> 1, 1000 -> 0
    np.testing.assert_array_equal(values(two(np.array([[12, 1138, 42], [37, 1000, 36]]))),
                                  [[2, 4, 5], [1, 0, 3]])


def test_integer_lookup_mask_invert_and_modes():
    layer = IntegerLookup(vocabulary=[7, 8, 9], mask_token=0)
    assert layer.get_vocabulary() == [0, -1, 7, 8, 9]
    np.testing.assert_array_equal(values(layer(np.array([[7, 0, 5], [9, 8, 0]]))),
                                  [[2, 0, 1], [4, 3, 0]])
    keras2 = IntegerLookup(vocabulary=[7, 8, 9], mask_value=0)  # Keras 2's name
    assert keras2.mask_token == 0
    inverse = IntegerLookup(vocabulary=[7, 8, 9], mask_token=0, invert=True)
    np.testing.assert_array_equal(values(inverse(np.array([0, 1, 2, 4, 6]))), [0, -1, 7, 9, -1])
    count = IntegerLookup(vocabulary=[7, 8, 9], output_mode="count")
    np.testing.assert_array_equal(values(count(np.array([[7, 7, 3], [9, 8, 8]]))),
                                  [[1, 2, 0, 0], [0, 0, 2, 1]])
    # float ids (as fit hands them over) are whole numbers
    np.testing.assert_array_equal(values(layer(np.array([7.0, 9.0]))), [2, 4])
    with pytest.raises(ValueError, match="integer ids"):
        layer(np.array([7.5]))


def test_integer_lookup_and_embedding_train_and_save(tmp_path):
    rng = np.random.default_rng(0)
    ids = rng.choice([3, 17, 250, 999], size=(64, 5))
    y = (ids[:, 0] == 17).astype("int64")
    lookup = IntegerLookup()
    lookup.adapt(ids)
    numnet.utils.set_random_seed(0)
    inputs = numnet.Input((5,), dtype="int64")
    x = layers.Embedding(lookup.vocabulary_size(), 4)(lookup(inputs))
    outputs = layers.Dense(2)(layers.GlobalAveragePooling1D()(x))
    model = numnet.Model(inputs, outputs)
    model.compile("adam", numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ids, y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    expected = model.predict(ids[:4], verbose=0)
    path = tmp_path / "lookup.numnet"
    model.save(path)
    loaded = numnet.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(ids[:4], verbose=0), expected, rtol=1e-6)


# ----------------------------------------------------------------------------- CategoryEncoding


def test_category_encoding_by_hand():
    one_hot = CategoryEncoding(num_tokens=4, output_mode="one_hot")
    out = values(one_hot([3, 2, 0, 1]))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.eye(4, dtype=np.float32)[[3, 2, 0, 1]])
    multi = CategoryEncoding(num_tokens=4)
    np.testing.assert_array_equal(values(multi([[0, 1], [0, 0], [1, 2], [3, 1]])),
                                  [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    count = CategoryEncoding(num_tokens=4, output_mode="count")
    np.testing.assert_array_equal(values(count([[0, 1], [0, 0], [1, 2], [3, 1]])),
                                  [[1, 1, 0, 0], [2, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    np.testing.assert_allclose(values(count([[0, 1, 1]], count_weights=[[0.5, 1.0, 2.0]])),
                               [[0.5, 3.0, 0.0, 0.0]])
    assert count.get_config()["num_tokens"] == 4
    with pytest.raises(ValueError, match=r"CategoryEncoding\(num_tokens\)"):
        CategoryEncoding()
    with pytest.raises(ValueError, match=r"count_weights.*'count'"):
        multi([[0, 1]], count_weights=[[1.0, 1.0]])


def test_category_encoding_in_a_model():
    inputs = numnet.Input((3,), dtype="int64")
    encoded = CategoryEncoding(num_tokens=5, output_mode="count")(inputs)
    assert encoded.shape == (None, 5)
    model = numnet.Model(inputs, layers.Dense(1, kernel_initializer="ones")(encoded))
    np.testing.assert_allclose(model.predict(np.array([[0, 4, 4], [1, 1, 1]]), verbose=0),
                               [[3.0], [3.0]])


def test_category_encoding_agrees_with_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    cases = ([3, 2, 0, 1], [[0, 1], [0, 0], [1, 2], [3, 1]], [[1], [3]], 2)
    for mode in ("one_hot", "multi_hot", "count"):
        ours = CategoryEncoding(num_tokens=4, output_mode=mode)
        theirs = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
        for case in cases:
            data = np.array(case)
            expected = np.asarray(theirs(data))
            got = values(ours(data))
            assert got.shape == expected.shape, (mode, case)
            np.testing.assert_array_equal(got, expected)


def test_input_dtype_says_what_a_sequential_beginning_with_the_layer_is_fed():
    """``input_dtype`` is the compute dtype for most layers, "string" for the layers that take
    text, the index dtype for an inverted StringLookup: a Sequential beginning with one is fed
    accordingly (strings kept as text, indices as integers)."""
    assert numnet.layers.Dense(2).input_dtype == "float32"
    assert numnet.layers.TextVectorization().input_dtype == "string"
    forward = numnet.layers.StringLookup(vocabulary=["a", "b", "c"])
    inverse = numnet.layers.StringLookup(vocabulary=["a", "b", "c"], invert=True)
    assert (forward.input_dtype, inverse.input_dtype) == ("string", "int64")
    indices = numnet.Sequential([forward]).predict(np.array([["a", "c"], ["z", "b"]]), verbose=0)
    np.testing.assert_array_equal(indices, [[1, 3], [0, 2]])
    words = numnet.Sequential([inverse]).predict(np.array([[1, 3], [0, 2]]), verbose=0)
    np.testing.assert_array_equal(words.astype(str), [["a", "c"], ["[UNK]", "b"]])


# ----------------------------------------------------------------------------- tf_idf, ragged
# The numbers are Keras 3.15's on TensorFlow 2.21 for the same calls.


def test_tf_idf_weights_from_adapt_are_keras_document_frequencies():
    # a 1-D array given whole: each token is a document (4 of them); a in 2, b and c in 1;
    # the OOV index gets the mean of the three weights
    layer = StringLookup(output_mode="tf_idf")
    layer.adapt(np.array(["a", "b", "a", "c"]))
    assert layer.get_vocabulary() == ["[UNK]", "a", "c", "b"]
    idf = [np.log(1 + 4 / 3), np.log(3.0), np.log(3.0)]
    np.testing.assert_allclose(layer.idf_weights, [np.mean(idf)] + idf, rtol=1e-6)
    # the rows of a ragged tensor are documents: a in 3 of 3, b and c in 1
    ragged = numnet.ragged.constant([["a", "b"], ["a"], ["c", "a", "a"]])
    layer.adapt(ragged)
    np.testing.assert_allclose(layer.idf_weights,
                               [0.7973991, 0.5596158, 0.91629076, 0.91629076], rtol=1e-6)
    out = layer(numnet.ragged.constant([["a", "a", "z"], ["b"]]))
    assert out.dtype == "float32"
    np.testing.assert_allclose(values(out), [[0.7973991, 2 * 0.5596158, 0, 0],
                                             [0, 0, 0, 0.91629076]], rtol=1e-6)
    # each batch of a dataset-like iterable: a 1-D batch is one document
    layer.adapt([np.array(["a", "b"]), np.array(["a", "c"])].__iter__())
    np.testing.assert_allclose(layer.idf_weights, [0.63237333, 0.51082563, 0.6931472,
                                                   0.6931472], rtol=1e-6)


def test_tf_idf_with_given_weights_and_padding():
    layer = StringLookup(output_mode="tf_idf", vocabulary=["x", "y"], idf_weights=[1.0, 3.0])
    np.testing.assert_array_equal(layer.idf_weights, [2.0, 1.0, 3.0])
    np.testing.assert_array_equal(values(layer([["x", "q", "y", "y"]])), [[2.0, 1.0, 6.0]])
    assert layer.get_config()["idf_weights"] == [1.0, 3.0]
    rebuilt = StringLookup.from_config(layer.get_config())
    np.testing.assert_array_equal(rebuilt.idf_weights, [2.0, 1.0, 3.0])
    special = StringLookup(output_mode="tf_idf", vocabulary=["[UNK]", "x", "y"],
                           idf_weights=[0.5, 1.0, 3.0])
    np.testing.assert_array_equal(special.idf_weights, [0.5, 1.0, 3.0])
    padded = IntegerLookup(output_mode="tf_idf", max_tokens=6, pad_to_max_tokens=True)
    padded.adapt(np.array([[1, 2], [2, 3]]))
    assert padded.get_vocabulary() == [-1, 2, 3, 1]
    np.testing.assert_allclose(values(padded(np.array([[2, 2, 9]]))),
                               [[0.63237333, 1.0216513, 0, 0, 0, 0]], rtol=1e-6)
    learned = IntegerLookup.from_config(padded.get_config())
    np.testing.assert_allclose(learned.idf_weights, padded.idf_weights, rtol=1e-6)


def test_tf_idf_arguments_are_checked():
    with pytest.raises(ValueError, match="idf_weights"):
        StringLookup(output_mode="tf_idf", vocabulary=["x"])
    with pytest.raises(ValueError, match="output_mode='tf_idf'"):
        StringLookup(output_mode="count", vocabulary=["x"], idf_weights=[1.0])
    with pytest.raises(ValueError, match="one weight a token"):
        StringLookup(output_mode="tf_idf", vocabulary=["x", "y"], idf_weights=[1.0])
    with pytest.raises(RuntimeError, match="adapt"):
        StringLookup(output_mode="tf_idf")(np.array([["x"]]))


def test_ragged_rows_are_encoded_one_vector_a_row():
    # Keras's bincount of each row: multi_hot and count of a tf.ragged.constant of lists
    layer = StringLookup(output_mode="multi_hot")
    layer.adapt(numnet.ragged.constant([["a", "b"], ["a"], ["c", "a", "a"]]))
    ragged = numnet.ragged.constant([["a", "a", "z"], ["b"], []])
    np.testing.assert_array_equal(values(layer(ragged)), [[1, 1, 0, 0], [0, 0, 0, 1],
                                                          [0, 0, 0, 0]])
    counts = StringLookup(output_mode="count", vocabulary=["a", "b"])
    np.testing.assert_array_equal(values(counts(ragged)), [[1, 2, 0], [0, 0, 1], [0, 0, 0]])
    with pytest.raises(ValueError, match="to_tensor"):
        StringLookup(output_mode="one_hot", vocabulary=["a", "b"])(ragged)
    # "int" still looks each value up and keeps the rows
    indices = StringLookup(vocabulary=["a", "b"])(ragged)
    assert indices.to_list() == [[1, 1, 0], [2], []]
