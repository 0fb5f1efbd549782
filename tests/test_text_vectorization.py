"""TextVectorization and numnet.strings: the indices, vocabularies and encodings that Keras 3's
TextVectorization (on TensorFlow) gives for the same texts, written out here so that the
tests need no Keras."""

import numpy as np
import pytest

import numnet as keras
from numnet import layers

TEXTS = np.array(["The cat sat on the mat.", "The dog, the DOG!", "A cat; a dog?",
                  "  spaced   out\tword "])


def adapted(**kwargs):
    layer = layers.TextVectorization(**kwargs)
    layer.adapt(TEXTS)
    return layer


def test_adapt_ranks_tokens_by_count_then_by_token_descending():
    layer = adapted(output_sequence_length=6)
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "dog", "cat", "a", "word", "spaced",
                                      "sat", "out", "on", "mat"]
    assert layer.get_vocabulary(include_special_tokens=False)[:2] == ["the", "dog"]
    assert layer.vocabulary_size() == 12


def test_int_mode_pads_and_cuts_to_the_sequence_length():
    layer = adapted(output_sequence_length=6)
    expected = [[2, 4, 8, 10, 2, 11], [2, 3, 2, 3, 0, 0], [5, 4, 5, 3, 0, 0], [7, 9, 6, 0, 0, 0]]
    out = layer(TEXTS)
    assert out.numpy().dtype == np.int64
    assert out.numpy().tolist() == expected
    assert layer(TEXTS[:, None]).numpy().tolist() == expected  # (batch, 1) as (batch,)
    assert layer(["unknown cat"]).numpy().tolist() == [[1, 4, 0, 0, 0, 0]]
    assert layer("the cat").numpy().tolist() == [2, 4, 0, 0, 0, 0]  # one string: one row
    short = adapted(output_sequence_length=2)
    assert short(TEXTS[:1]).numpy().tolist() == [[2, 4]]


def test_without_a_sequence_length_rows_pad_to_the_longest():
    layer = adapted()
    assert layer(TEXTS[1:3]).numpy().tolist() == [[2, 3, 2, 3], [5, 4, 5, 3]]


def test_max_tokens_counts_the_padding_and_unknown_indices():
    layer = adapted(max_tokens=5)
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "dog", "cat"]
    assert layer(TEXTS).numpy().tolist() == [[2, 4, 1, 1, 2, 1], [2, 3, 2, 3, 0, 0],
                                             [1, 4, 1, 3, 0, 0], [1, 1, 1, 0, 0, 0]]


def test_multi_hot_with_bigrams():
    layer = adapted(output_mode="multi_hot", ngrams=2)
    vocabulary = layer.get_vocabulary()
    assert vocabulary[:6] == ["[UNK]", "the", "dog", "the dog", "cat", "a"]
    assert len(vocabulary) == 23
    out = layer(TEXTS).numpy()
    assert out.dtype == np.int64 and out.shape == (4, 23)
    on = {vocabulary[i] for i in np.flatnonzero(out[1])}
    assert on == {"the", "dog", "the dog", "dog the"}


def test_count_padded_to_max_tokens():
    layer = adapted(output_mode="count", max_tokens=6, pad_to_max_tokens=True)
    assert layer.get_vocabulary() == ["[UNK]", "the", "dog", "cat", "a", "word"]
    assert layer(TEXTS).numpy().tolist() == [[3, 2, 0, 1, 0, 0], [0, 2, 2, 0, 0, 0],
                                             [0, 0, 1, 1, 2, 0], [2, 0, 0, 0, 0, 1]]


def test_character_split_and_no_standardization():
    layer = adapted(split="character", standardize="lower")
    assert layer.get_vocabulary()[:8] == ["", "[UNK]", " ", "t", "a", "o", "e", "d"]
    assert layer(TEXTS[:2]).numpy().shape == (2, 23)
    whole = adapted(standardize=None, split=None)
    assert whole.get_vocabulary()[2] == "The dog, the DOG!"


def test_a_given_vocabulary():
    layer = layers.TextVectorization(vocabulary=["cat", "dog"])
    assert layer.vocabulary_size() == 4
    assert layer(TEXTS).numpy().tolist() == [[1, 2, 1, 1, 1, 1], [1, 3, 1, 3, 0, 0],
                                             [1, 2, 1, 3, 0, 0], [1, 1, 1, 0, 0, 0]]


def test_custom_standardize_with_numnet_strings():
    def standardize(batch):
        lowercase = keras.strings.lower(batch)
        return keras.strings.regex_replace(lowercase, "<br />", " ")

    layer = layers.TextVectorization(standardize=standardize)
    layer.adapt(["A<br />b a", "B<br />C"])
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "a", "c"]
    assert layer(["a<br />c"]).numpy().tolist() == [[3, 4]]


def test_adapt_on_a_dataset_of_batches_and_in_a_functional_model():
    dataset = keras.data.Dataset.from_tensor_slices((TEXTS, np.arange(4))).batch(3)
    layer = layers.TextVectorization(output_sequence_length=4)
    layer.adapt(dataset.map(lambda x, y: x))
    assert layer.get_vocabulary()[:4] == ["", "[UNK]", "the", "dog"]
    inputs = keras.Input(shape=(1,), dtype="string")
    out = layer(inputs)
    assert tuple(out.shape) == (None, 4)
    assert layer(TEXTS[:1, None]).numpy().tolist() == [[2, 4, 8, 10]]


def test_config_round_trip():
    layer = adapted(output_sequence_length=3, max_tokens=6)
    config = layer.get_config()
    assert config["vocabulary"] == ["the", "dog", "cat", "a"]
    clone = layers.TextVectorization.from_config(config)
    assert clone(TEXTS[:1]).numpy().tolist() == [[2, 4, 1]]


@pytest.mark.parametrize("kwargs, message", [
    ({"output_mode": "one_hot"}, "output_mode"),
    ({"output_mode": "count", "output_sequence_length": 3}, "output_sequence_length"),
    ({"standardize": "upper"}, "standardize"),
    ({"split": "comma"}, "split"),
    ({"ngrams": 0}, "ngrams"),
])
def test_bad_arguments_name_themselves(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.TextVectorization(**kwargs)


def test_tf_idf_matches_keras():
    # Keras 3.15 on TensorFlow: each string is a document; bigrams counted as tokens
    layer = layers.TextVectorization(output_mode="tf_idf")
    layer.adapt(["the cat", "the dog"])
    assert layer.get_vocabulary() == ["[UNK]", "the", "dog", "cat"]
    out = layer(["the the cat"])
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), [[0, 2 * np.log(1 + 2 / 3), 0, np.log(2)]],
                               rtol=1e-6)
    bigrams = layers.TextVectorization(output_mode="tf-idf", ngrams=2, max_tokens=4)
    bigrams.adapt(np.array(["a b a", "a b", "c"]))
    # a: 3 times in 2 documents, "a b": 2 in 2, b: 2 in 2, then "c" against "b a" (1 each)
    assert bigrams.get_vocabulary() == ["[UNK]", "a", "b", "a b"]
    idf = np.log(1 + 3 / 3)  # c and "b c" are out of the vocabulary: twice the mean
    np.testing.assert_allclose(bigrams(["a b c"]).numpy(), [[2 * idf, idf, idf, idf]],
                               rtol=1e-6)
    config = bigrams.get_config()
    assert config["output_mode"] == "tf_idf"
    np.testing.assert_allclose(config["idf_weights"], [idf] * 3, rtol=1e-6)
    rebuilt = layers.TextVectorization.from_config(config)
    np.testing.assert_allclose(rebuilt(["a b c"]).numpy(), [[2 * idf] + [idf] * 3], rtol=1e-6)
    given = layers.TextVectorization(output_mode="tf_idf", vocabulary=["x", "y"],
                                     idf_weights=[2.0, 4.0])
    np.testing.assert_array_equal(given(["x y y z"]).numpy(), [[3.0, 2.0, 8.0]])
    with pytest.raises(ValueError, match="idf_weights"):
        layers.TextVectorization(output_mode="tf_idf", vocabulary=["x"])


def test_strings_functions():
    # string Tensors, as TensorFlow's: tolist() / numpy() give UTF-8 bytes
    assert keras.strings.lower(["The ÄB"]).tolist() == ["the Äb".encode()]
    assert keras.strings.lower(["The ÄB"], encoding="utf-8").tolist() == ["the äb".encode()]
    assert keras.strings.upper("ab").numpy() == b"AB"
    assert keras.strings.regex_replace(np.array([b"a, b. c"]), "[,.]", "").tolist() == [b"a b c"]
    assert keras.strings.regex_replace(["aaa"], "a", "b", replace_global=False).tolist() \
        == [b"baa"]
    assert keras.strings.strip([" x "]).tolist() == [b"x"]
    assert keras.strings.length(["ab", "é"]).tolist() == [2, 2]
    assert keras.strings.length(["ab", "é"], unit="UTF8_CHAR").tolist() == [2, 1]
    assert keras.strings.split(["a b  c", "d"]).to_list() == [[b"a", b"b", b"c"], [b"d"]]
    assert keras.strings.join([["a", "b"], ["c", "d"]], separator="-").tolist() == [b"a-c",
                                                                                 b"b-d"]
    with pytest.raises(TypeError, match="strings"):
        keras.strings.lower(np.array([1.0]))


def test_ragged_gives_each_strings_ids_unpadded():
    # Keras 3.15 on TensorFlow gives these rows (ids by frequency: the 2, then the reversed
    # order of the ties sat 3, dog 4, cat 5; "a" and "down" are OOV, 1)
    layer = layers.TextVectorization(ragged=True)
    layer.adapt(["the cat sat", "the dog"])
    out = layer(["the cat", "a dog sat down", ""])
    assert type(out).__name__ == "RaggedTensor"
    assert out.dtype == "int64"
    assert out.to_list() == [[2, 5], [1, 4, 3, 1], []]
    np.testing.assert_array_equal(out.to_tensor().numpy(), [[2, 5, 0, 0], [1, 4, 3, 1],
                                                            [0, 0, 0, 0]])
    cut = layers.TextVectorization(ragged=True, output_sequence_length=2)
    cut.adapt(["the cat sat", "the dog"])
    assert cut(["the cat sat dog", "x"]).to_list() == [[2, 5], [1]]
    assert cut.get_config()["ragged"] is True
    with pytest.raises(ValueError, match="ragged=True"):
        layers.TextVectorization(ragged=True, output_mode="count")
