"""keras.preprocessing.text (Keras 2's Tokenizer and helpers, kept by tf.keras): by hand, and
against Keras's own where Keras is installed."""

import json
import os

import numpy as np
import pytest

from numnet.preprocessing import text

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; a bird?"]


def test_words_and_hashing():
    assert text.text_to_word_sequence("Hi!  You, there") == ["hi", "you", "there"]
    assert text.text_to_word_sequence("a-b", filters="", split="-") == ["a", "b"]
    ids = text.hashing_trick("x y x z", 7, hash_function="md5")
    assert ids[0] == ids[2] and all(1 <= i < 7 for i in ids)


def test_tokenizer_ranks_words_by_count_then_first_seen():
    tok = text.Tokenizer()
    tok.fit_on_texts(TEXTS)
    # the 3, a 3, cat 2, dog 2, then the words seen once in order
    assert list(tok.word_index)[:4] == ["the", "a", "cat", "dog"]
    assert tok.word_index["sat"] == 5 and tok.index_word[1] == "the"
    assert tok.document_count == 3 and tok.word_docs["a"] == 1 and tok.word_docs["the"] == 2
    assert tok.texts_to_sequences(["the bird and the cat"]) == [[1, 11, 1, 3]]
    assert tok.sequences_to_texts([[1, 11, 99, 3]]) == ["the bird cat"]


def test_num_words_and_oov_token():
    tok = text.Tokenizer(num_words=4, oov_token="<OOV>")
    tok.fit_on_texts(TEXTS)
    assert tok.word_index["<OOV>"] == 1 and tok.word_index["the"] == 2
    # "dog" is id 5 >= num_words: it becomes <OOV>, as an unknown word does
    assert tok.texts_to_sequences(["the dog flew"]) == [[2, 1, 1]]
    assert tok.sequences_to_texts([[2, 5]]) == ["the <OOV>"]


def test_matrices_by_hand():
    tok = text.Tokenizer(num_words=5)
    tok.fit_on_texts(TEXTS)
    seqs = [[1, 1, 3], [4, 9]]
    assert tok.sequences_to_matrix(seqs, mode="binary").tolist() == [
        [0, 1, 0, 1, 0], [0, 0, 0, 0, 1]]
    assert tok.sequences_to_matrix(seqs, mode="count")[0].tolist() == [0, 2, 0, 1, 0]
    assert tok.sequences_to_matrix(seqs, mode="freq")[1].tolist() == [0, 0, 0, 0, 0.5]
    tfidf = tok.sequences_to_matrix(seqs, mode="tfidf")
    # "the" (id 1) twice, in 2 of 3 documents: (1 + ln 2) * ln(1 + 3 / 3)
    assert tfidf[0, 1] == pytest.approx((1 + np.log(2)) * np.log(2.0))
    with pytest.raises(ValueError, match="mode"):
        tok.sequences_to_matrix(seqs, mode="onehot")
    with pytest.raises(ValueError, match="fit the tokenizer"):
        text.Tokenizer().texts_to_matrix(["a"])
    with pytest.raises(TypeError, match="unknown keyword"):
        text.Tokenizer(num_word=3)


def test_json_round_trip_and_bad_json():
    tok = text.Tokenizer(num_words=6, oov_token="?")
    tok.fit_on_texts(TEXTS)
    again = text.tokenizer_from_json(tok.to_json())
    assert again.word_index == tok.word_index and again.index_word == tok.index_word
    assert again.texts_to_matrix(TEXTS, mode="tfidf").tolist() == \
        tok.texts_to_matrix(TEXTS, mode="tfidf").tolist()
    with pytest.raises(ValueError, match="Tokenizer.to_json"):
        text.tokenizer_from_json(json.dumps({"config": {}}))


def test_same_as_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax")
    legacy = pytest.importorskip("keras.src.legacy.preprocessing.text")
    for options in ({}, {"num_words": 5, "oov_token": "<u>"}, {"char_level": True}):
        ours, theirs = text.Tokenizer(**options), legacy.Tokenizer(**options)
        ours.fit_on_texts(TEXTS)
        theirs.fit_on_texts(TEXTS)
        assert ours.word_index == theirs.word_index
        probe = TEXTS + ["an unseen cat"]
        assert ours.texts_to_sequences(probe) == theirs.texts_to_sequences(probe)
        for mode in ("binary", "count", "freq", "tfidf"):
            np.testing.assert_allclose(ours.texts_to_matrix(probe, mode=mode),
                                       theirs.texts_to_matrix(probe, mode=mode))
        restored = legacy.tokenizer_from_json(ours.to_json())
        assert restored.word_index == ours.word_index
