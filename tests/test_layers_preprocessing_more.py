"""Hashing, HashedCrossing and Discretization: Keras's published bins, the hashes against a
second implementation's values, configs, use in models, and Keras 3 itself where it runs
(Keras's Hashing and HashedCrossing need TensorFlow; its Discretization does not)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.layers.hashing_functions import fingerprint64, fingerprint_cat64, siphash24

LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]


def _bytes(n: int) -> bytes:
    return bytes((i * 31 + 7) % 256 for i in range(n))


# Fingerprint64 of _bytes(n), from the pyfarmhash package (Google's C++ FarmHash): every
# length branch (0-16, 17-32, 33-64 and the loop over 64-byte blocks)
FARMHASH = {3: 0x5F043801775BE181, 7: 0x545AC134B57925FF, 15: 0xC338033DFA6DCA8D,
            31: 0x61A0625587879A75, 63: 0xFF2033B26AF5E749, 64: 0x56317EC658BFA4F9,
            65: 0x5A5B9A92EB3061D6, 127: 0x7F647BD56658EB85, 200: 0x8F2DAC6E1BB7686D}


@pytest.mark.parametrize("n", sorted(FARMHASH))
def test_fingerprint64_matches_farmhash(n):
    assert fingerprint64(_bytes(n)) == FARMHASH[n]


def test_fingerprint64_and_siphash_reference_values():
    assert fingerprint64(b"") == 0x9AE16A3B2F90404F
    assert fingerprint64(b"hello world") == 0x588FB7478BD6B01B
    key = (0x0706050403020100, 0x0F0E0D0C0B0A0908)  # the SipHash paper's test key
    assert siphash24(key, b"") == 0x726FDB47DD0E0E31
    assert siphash24(key, bytes(range(15))) == 0xA129CA6149BE45E5
    assert 0 <= fingerprint_cat64(2**64 - 1, 2**64 - 1) < 2**64


def test_hashing_gives_keras_published_bins():
    # the values of Keras's docstring and tests (computed there by TensorFlow)
    np.testing.assert_array_equal(layers.Hashing(3)(LETTERS).numpy().ravel(), [1, 0, 1, 1, 2])
    masked = layers.Hashing(3, mask_value="")([["A"], ["B"], [""], ["C"], ["D"]])
    np.testing.assert_array_equal(masked.numpy().ravel(), [1, 1, 0, 2, 2])
    np.testing.assert_array_equal(layers.Hashing(3, salt=[133, 137])(LETTERS).numpy().ravel(),
                                  [1, 2, 1, 0, 2])
    np.testing.assert_array_equal(layers.Hashing(3, salt=133)(LETTERS).numpy().ravel(),
                                  [0, 0, 2, 1, 0])
    ints = np.array([[0], [1], [2], [3], [4]])
    np.testing.assert_array_equal(layers.Hashing(3)(ints).numpy().ravel(), [1, 0, 1, 0, 2])
    np.testing.assert_array_equal(layers.Hashing(3, salt=[133, 137])(ints).numpy().ravel(),
                                  [1, 1, 2, 0, 1])
    masked = layers.Hashing(3, mask_value=1)(ints).numpy().ravel()  # 2 bins + the mask's
    assert masked[1] == 0 and all(1 <= b <= 2 for b in masked[[0, 2, 3, 4]])
    floats = ints.astype("float32") + 0.25  # cut to integers first
    np.testing.assert_array_equal(layers.Hashing(3)(floats).numpy().ravel(), [1, 0, 1, 0, 2])
    names = [["omar"], ["stringer"], ["marlo"], ["wire"], ["skywalker"]]
    np.testing.assert_array_equal(layers.Hashing(2)(names).numpy().ravel(), [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(layers.Hashing(2, salt=[133, 137])(names).numpy().ravel(),
                                  [0, 1, 0, 1, 0])
    np.testing.assert_array_equal(layers.Hashing(2, salt=[211, 137])(names).numpy().ravel(),
                                  [1, 0, 1, 0, 1])
    out = layers.Hashing(3)(LETTERS)
    assert out.numpy().dtype == np.int64 and out.shape == (5, 1)


def test_hashing_output_modes():
    one_hot = layers.Hashing(3, output_mode="one_hot")(LETTERS).numpy()
    np.testing.assert_array_equal(one_hot.argmax(-1), [1, 0, 1, 1, 2])
    assert one_hot.dtype == np.float32 and one_hot.shape == (5, 3)
    multi = layers.Hashing(3, output_mode="multi_hot")([["A", "B", "E"]]).numpy()
    np.testing.assert_array_equal(multi, [[1, 1, 1]])
    count = layers.Hashing(3, output_mode="count")([["A", "C", "D", "E"]]).numpy()
    np.testing.assert_array_equal(count, [[0, 3, 1]])
    assert layers.Hashing(3, output_mode="count").compute_output_shape((None, 4)) == (None, 3)


def test_hashing_config_and_errors():
    layer = layers.Hashing(7, mask_value="", salt=3, output_mode="one_hot")
    clone = layers.Hashing.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config() and clone.salt == [3, 3]
    np.testing.assert_array_equal(clone(LETTERS).numpy(), layer(LETTERS).numpy())
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(0)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(3, salt=[1, 2, 3])
    with pytest.raises(ValueError, match="output_mode"):
        layers.Hashing(3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="sparse"):
        layers.Hashing(3, output_mode="one_hot", sparse=True)


def test_hashed_crossing_gives_keras_published_bins():
    feat1 = np.array(["A", "B", "A", "B", "A"])
    feat2 = np.array([101, 101, 101, 102, 102])
    np.testing.assert_array_equal(layers.HashedCrossing(5)((feat1, feat2)).numpy(),
                                  [1, 4, 1, 1, 3])
    one_hot = layers.HashedCrossing(5, output_mode="one_hot")((feat1, feat2)).numpy()
    np.testing.assert_array_equal(one_hot.argmax(-1), [1, 4, 1, 1, 3])
    assert one_hot.shape == (5, 5)
    column = layers.HashedCrossing(5)((feat1[:, None], feat2[:, None])).numpy()
    np.testing.assert_array_equal(column, [[1], [4], [1], [1], [3]])
    three = layers.HashedCrossing(10**6)((feat1, feat2, feat2))
    want = [(fingerprint_cat64(fingerprint_cat64(fingerprint_cat64(
        0xDECAFCAFFE, fingerprint64(a.encode())), int(b)), int(b))) % 10**6
        for a, b in zip(feat1, feat2, strict=True)]
    np.testing.assert_array_equal(three.numpy(), want)


def test_hashed_crossing_config_and_errors():
    layer = layers.HashedCrossing(9, output_mode="one_hot", name="cross")
    assert layers.HashedCrossing.from_config(layer.get_config()).get_config() == \
        layer.get_config()
    with pytest.raises(ValueError, match="at least two"):
        layer(np.array([1, 2]))
    with pytest.raises(ValueError, match="same shape"):
        layer((np.array([1, 2]), np.array([1, 2, 3])))
    with pytest.raises(TypeError, match="integers or strings"):
        layer((np.array([1.5]), np.array([1])))
    with pytest.raises(ValueError, match="output_mode"):
        layers.HashedCrossing(3, output_mode="multi_hot")


def test_discretization_by_hand():
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    out = layer(np.array([[-1.5, 1.0, 3.4, 0.5]], "float32")).numpy()
    np.testing.assert_array_equal(out, [[0, 2, 3, 1]])
    assert out.dtype == np.int32
    count = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")
    np.testing.assert_array_equal(count(np.array([[0.5, 1.5, 1.7], [0.0, -1, 2]])).numpy(),
                                  [[0, 1, 2], [1, 1, 1]])
    one_hot = layers.Discretization(bin_boundaries=[0.0], output_mode="one_hot")
    np.testing.assert_array_equal(one_hot(np.array([[-1.0], [1.0]])).numpy(), [[1, 0], [0, 1]])
    assert one_hot.compute_output_shape((None, 1)) == (None, 2)


def test_discretization_adapt_quantiles():
    layer = layers.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(np.arange(100.0))
    # Keras's summary: every value weighs 1; quantiles at cumulative fractions .25, .5, .75
    np.testing.assert_allclose(layer.bin_boundaries, [24.0, 49.0, 74.0], atol=1e-4)
    batches = [np.arange(50.0), np.arange(50.0, 100.0)]
    layer.adapt(batches)
    np.testing.assert_allclose(layer.bin_boundaries, [24.0, 49.0, 74.0], atol=1e-4)
    np.testing.assert_array_equal(layer(np.array([10.0, 30.0, 60.0, 90.0])).numpy(),
                                  [0, 1, 2, 3])
    clone = layers.Discretization.from_config(layer.get_config())
    assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 4


def test_discretization_errors():
    with pytest.raises(ValueError, match="not both"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=3)
    with pytest.raises(ValueError, match="give bin_boundaries"):
        layers.Discretization()
    with pytest.raises(ValueError, match="adapt"):
        layers.Discretization(num_bins=3)(np.ones((2, 1)))
    with pytest.raises(ValueError, match="bin_boundaries"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.ones(3))


def test_preprocessing_feeds_a_model_that_trains(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 1)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    bins = layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0], output_mode="one_hot")
    encoded = bins(x).numpy()
    model = numnet.Sequential([numnet.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(encoded, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    inputs = numnet.Input((1,))
    outputs = layers.Dense(1)(bins(inputs))
    functional = numnet.Model(inputs, outputs)
    assert functional.predict(x, verbose=0).shape == (64, 1)


def test_discretization_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1000, 3)).astype("float32")
    for num_bins, epsilon, batches in [(5, 0.05, [x]), (7, 0.01, [x[:300], x[300:]]),
                                       (3, 0.1, [x[:5]])]:
        theirs = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
        theirs.reset_state()  # Keras's adapt needs TensorFlow; its steps do not
        for batch in batches:
            theirs.update_state(batch)
        theirs.finalize_state()
        ours = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
        ours.adapt(batches)
        np.testing.assert_allclose(ours.bin_boundaries, theirs.bin_boundaries, rtol=1e-6)
        for mode in ("int", "one_hot", "multi_hot", "count"):
            a = layers.Discretization(bin_boundaries=ours.bin_boundaries, output_mode=mode)
            b = keras.layers.Discretization(bin_boundaries=theirs.bin_boundaries,
                                            output_mode=mode)
            np.testing.assert_array_equal(a(x[:6]).numpy(), np.asarray(b(x[:6])))
