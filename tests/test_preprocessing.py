"""Rescaling and Normalization against Keras 3's documented numbers, their gradients, adapt over
batches, saving; and the model helpers get_layer and clear_session."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff.gradcheck import check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

ADAPT = np.array([[0., 7., 4.], [2., 9., 6.], [0., 7., 4.], [2., 9., 6.]], "float32")


def test_normalization_reproduces_keras_examples():
    """The examples of Keras 3's Normalization docstring, with their printed results."""
    layer = layers.Normalization(axis=None)
    layer.adapt(np.array([1., 2., 3., 4., 5.], "float32"))
    np.testing.assert_allclose(layer(np.array([1., 2., 3.], "float32")).numpy(),
                               [-1.4142135, -0.70710677, 0.], rtol=1e-6)
    layer = layers.Normalization(axis=-1)
    layer.adapt(ADAPT)
    np.testing.assert_allclose(layer(ADAPT[:1]).numpy(), [[-1., -1., -1.]], rtol=1e-6)
    layer = layers.Normalization(mean=3., variance=2.)
    np.testing.assert_allclose(layer(np.array([[1.], [2.], [3.]], "float32")).numpy(),
                               [[-1.4142135], [-0.70710677], [0.]], rtol=1e-6)
    layer = layers.Normalization(axis=-1, invert=True)
    layer.adapt(ADAPT)
    np.testing.assert_allclose(layer(np.array([[1., 2., 3.]], "float32")).numpy(),
                               [[2., 10., 8.]], rtol=1e-6)


def test_normalization_per_channel_and_constant_features():
    rs = np.random.default_rng(0)
    images = rs.normal(3.0, 2.0, size=(50, 4, 4, 3)).astype("float32")
    images[..., 2] = 5.0  # a constant channel: its spread is epsilon, not zero
    layer = layers.Normalization(axis=-1)
    layer.adapt(images)
    assert layer.adapt_mean.shape == (3,)
    np.testing.assert_allclose(layer.adapt_mean.value, images.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.value, images.var(axis=(0, 1, 2)),
                               rtol=1e-5)
    out = layer(images).numpy()
    np.testing.assert_allclose(out[..., :2].mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out[..., :2].std(axis=(0, 1, 2)), 1, rtol=1e-4)
    np.testing.assert_array_equal(out[..., 2], 0)


@pytest.mark.parametrize("split", [[4], [1, 3], [2, 1, 1]])
def test_adapt_over_batches_equals_adapt_over_the_whole(split):
    rs = np.random.default_rng(1)
    data = rs.normal(size=(4 * 7, 5)) * rs.uniform(0.1, 10, 5) + rs.normal(size=5)
    edges = np.cumsum([0] + [7 * n for n in split])
    batches = [data[a:b] for a, b in zip(edges[:-1], edges[1:])]
    whole = layers.Normalization()
    whole.adapt(data)
    for given in (batches, iter(batches), [(b, np.zeros(len(b))) for b in batches]):
        pooled = layers.Normalization()
        pooled.adapt(given)
        np.testing.assert_allclose(pooled.adapt_mean.value, data.mean(axis=0), rtol=1e-6)
        np.testing.assert_allclose(pooled.adapt_variance.value, data.var(axis=0), rtol=1e-5)
        np.testing.assert_allclose(pooled.adapt_variance.value, whole.adapt_variance.value,
                                   rtol=1e-5)


def test_adapt_reads_a_pydataset():
    class Batches(numnet.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return ADAPT[2 * i:2 * i + 2], np.zeros(2)

    layer = layers.Normalization()
    layer.adapt(Batches())
    np.testing.assert_allclose(layer.adapt_mean.value, [1., 8., 5.])
    np.testing.assert_allclose(layer.adapt_variance.value, [1., 1., 1.])


@pytest.mark.parametrize("kwargs", [{}, {"invert": True}, {"axis": None}])
def test_normalization_gradient(kwargs):
    layer = layers.Normalization(dtype="float64", **kwargs)
    layer.adapt(ADAPT.astype("float64") * [1.0, 3.0, 0.5])
    assert check_gradients(layer, [np.random.default_rng(2).normal(size=(4, 3))]) < 1e-7


def test_rescaling_scales_offsets_casts_and_has_a_gradient():
    layer = layers.Rescaling(1 / 127.5, offset=-1)
    out = layer(np.array([[0, 127, 255]], np.uint8))
    assert out.value.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[-1, 127 / 127.5 - 1, 1]], rtol=1e-6, atol=1e-7)
    per_channel = layers.Rescaling([1.0, 2.0, 3.0])
    np.testing.assert_allclose(per_channel(np.ones((2, 3), "float32")).numpy(), [[1, 2, 3]] * 2)
    rescale = layers.Rescaling(0.5, 2.0, dtype="float64")
    assert check_gradients(rescale, [np.random.default_rng(3).normal(size=(3, 2))]) < 1e-9


def test_normalization_refuses_what_keras_refuses():
    with pytest.raises(ValueError, match="give both or neither"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=1.0)
    with pytest.raises(ValueError, match="axis"):
        layers.Normalization(axis=3)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="was given mean and variance"):
        layers.Normalization(mean=0.0, variance=1.0).adapt(ADAPT)
    with pytest.raises(ValueError, match="at least one batch"):
        layers.Normalization().adapt([])
    with pytest.raises(TypeError, match="arrays of numbers"):
        layers.Normalization().adapt(np.array(["a", "b"]))
    adapted = layers.Normalization()
    adapted.adapt(ADAPT)
    with pytest.raises(ValueError, match="does not fit"):
        adapted.adapt(np.ones((4, 5), "float32"))


def test_a_model_with_preprocessing_layers_trains_saves_and_loads(tmp_path):
    rs = np.random.default_rng(4)
    x = (rs.normal(size=(64, 3)) * [1, 10, 100] + [0, 50, -20]).astype("float32")
    y = (x[:, 0] + x[:, 1] / 10 > 5).astype("float32")
    norm = layers.Normalization()
    norm.adapt(x)
    model = numnet.Sequential([numnet.Input((3,)), layers.Rescaling(2.0), norm,
                               layers.Dense(4, activation="relu"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    before = norm.adapt_mean.value.copy()
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(norm.adapt_mean.value, before)  # not trained
    # mean, variance and Keras's count
    assert len(model.trainable_weights) == 4 and len(model.non_trainable_weights) == 3
    model.save(tmp_path / "pre.numnet")
    loaded = numnet.models.load_model(tmp_path / "pre.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    assert loaded.get_layer(index=1).get_config()["axis"] == [-1]


def test_get_layer_by_name_and_index():
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(4, name="hidden"),
                               layers.Dense(1, name="out")])
    assert model.get_layer("hidden") is model.layers[0]
    assert model.get_layer(index=-1) is model.get_layer(name="out")
    with pytest.raises(ValueError, match="no layer is called 'hiden'.*'hidden', 'out'"):
        model.get_layer("hiden")
    with pytest.raises(ValueError, match="has 2 layers, given index=2"):
        model.get_layer(index=2)
    with pytest.raises(ValueError, match="not both"):
        model.get_layer("out", 1)
    with pytest.raises(ValueError, match="not neither"):
        model.get_layer()


def test_clear_session_restarts_the_names():
    layers.Dense(2)
    numnet.backend.clear_session()
    assert layers.Dense(2).name == "dense"
    assert layers.Dense(2).name == "dense_1"
    numnet.utils.clear_session()
    assert numnet.Sequential().name == "sequential"
