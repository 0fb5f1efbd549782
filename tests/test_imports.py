"""The import surface that keras / tf.keras programs use, with only the import line changed."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import numnet


def test_import_numnet_as_keras():
    import numnet as keras

    assert keras is numnet
    assert keras.keras is numnet
    for name in ("models", "layers", "optimizers", "losses", "metrics", "activations",
                 "callbacks", "datasets", "utils", "initializers", "regularizers", "nn"):
        assert hasattr(keras, name), name
    assert keras.Sequential is keras.models.Sequential
    assert keras.Model is keras.models.Model
    assert isinstance(keras.__version__, str) and keras.__version__.count(".") >= 1


def test_from_numnet_import_submodules():
    from numnet import activations, callbacks, layers, losses, metrics, models, optimizers

    assert models.Sequential is numnet.Sequential
    assert layers.Dense is numnet.layers.Dense
    assert isinstance(optimizers.RMSprop(), numnet.optimizers.Optimizer)
    assert losses.binary_crossentropy is numnet.losses.binary_crossentropy
    assert metrics.binary_accuracy is numnet.metrics.binary_accuracy
    assert callable(activations.relu) and callable(activations.get("softmax"))
    assert issubclass(callbacks.EarlyStopping, callbacks.Callback)
    np.testing.assert_allclose(np.asarray(activations.relu(np.array([-1.0, 2.0]))), [0.0, 2.0])


def test_from_numnet_layers_import_dense():
    from numnet.layers import Dense

    layer = Dense(4, activation="relu")
    out = layer(np.ones((2, 3), dtype="float32"))
    assert np.asarray(out).shape == (2, 4)
    assert [w.shape for w in layer.get_weights()] == [(3, 4), (4,)]


def test_from_numnet_import_sequential_and_losses_classes():
    from numnet import Sequential
    from numnet.losses import BinaryCrossentropy
    from numnet.models import Sequential as ModelsSequential

    assert Sequential is ModelsSequential
    loss = BinaryCrossentropy()
    value = loss(np.array([1.0, 0.0]), np.array([0.8, 0.4]))
    assert float(np.asarray(value)) == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2, rel=1e-5)


def test_import_numnet_as_tf():
    import numnet as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units=4, activation="relu"),
        tf.keras.layers.Dense(units=3),
    ])
    model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.Adam(learning_rate=0.01))
    assert isinstance(model, numnet.Sequential)
    assert isinstance(model.optimizer, numnet.optimizers.Adam)
    assert isinstance(model.loss, numnet.losses.SparseCategoricalCrossentropy)

    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype="float32")
    probabilities = tf.nn.softmax(logits)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(probabilities.numpy(), e / e.sum(axis=1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(tf.nn.sigmoid(logits)), 1 / (1 + np.exp(-logits)),
                               rtol=1e-6)
    np.testing.assert_allclose(np.asarray(tf.nn.log_sigmoid(logits)),
                               -np.log1p(np.exp(-logits)), rtol=1e-6)


def test_numnet_keras_submodule_imports():
    from numnet.keras import Sequential as KerasSequential
    from numnet.keras import layers as keras_layers
    from numnet.keras.layers import Dense
    from numnet.keras.losses import BinaryCrossentropy
    from numnet.keras.models import Sequential
    from numnet.keras.optimizers import Adam

    assert Sequential is numnet.Sequential and KerasSequential is numnet.Sequential
    assert Dense is numnet.layers.Dense and keras_layers is numnet.layers
    assert BinaryCrossentropy is numnet.losses.BinaryCrossentropy
    assert Adam is numnet.optimizers.Adam


@pytest.mark.parametrize("name", ["random", "dtype_policies", "quantizers", "tree",
                                  "distribution", "optimizers.legacy", "layers.core",
                                  "callbacks.early_stopping", "models.functional"])
def test_every_numnet_keras_submodule_is_numnet_s_own_module(name):
    """``numnet.keras.<a>.<b>`` is the module ``numnet.<a>.<b>`` itself, not a second copy
    whose classes are other classes (its SeedGenerator would not be numnet's)."""
    import importlib

    alias = importlib.import_module(f"numnet.keras.{name}")
    assert alias is importlib.import_module(f"numnet.{name}")
    assert alias.__spec__.name == f"numnet.{name}"


def test_numnet_keras_aliases_find_seed_generators_and_refuse_unknown_modules():
    import importlib

    from numnet.keras.random import SeedGenerator

    assert SeedGenerator is numnet.random.SeedGenerator
    with pytest.raises(ModuleNotFoundError, match="numnet.keras.no_such_module"):
        importlib.import_module("numnet.keras.no_such_module")


def test_to_categorical():
    import numnet as keras

    one_hot = keras.utils.to_categorical([0, 2, 1, 2])
    np.testing.assert_array_equal(one_hot, np.eye(3, dtype="float32")[[0, 2, 1, 2]])
    assert one_hot.dtype == np.float32
    assert keras.utils.to_categorical([1], num_classes=5).tolist() == [[0, 1, 0, 0, 0]]
    with pytest.raises(ValueError, match="num_classes"):
        keras.utils.to_categorical([0, 7], num_classes=5)


def seq_784_32_10(keras):
    return keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def test_input_as_first_element_of_sequential_and_count_params():
    import numnet as keras

    model = seq_784_32_10(keras)
    # Input builds the model at once: the weights exist before any data is seen.
    assert model.count_params() == 25_450
    assert [w.shape for w in model.get_weights()] == [(784, 32), (32,), (32, 10), (10,)]
    assert len(model.layers) == 2  # the Input is not a layer of the model, as in Keras
    out = model.predict(np.zeros((3, 784), dtype="float32"), verbose=0)
    assert out.shape == (3, 10)


def test_input_in_functional_model():
    import numnet as keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(784,))
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    assert model.count_params() == 25_450

    sequential = seq_784_32_10(keras)
    sequential.set_weights(model.get_weights())
    x = np.random.default_rng(0).random((5, 784)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), sequential.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-7)


def test_clone_model_same_architecture_fresh_weights():
    import numnet as keras

    keras.utils.set_random_seed(0)
    model = seq_784_32_10(keras)
    clone = keras.models.clone_model(model)
    assert clone is not model
    assert clone.count_params() == model.count_params() == 25_450
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    # Fresh kernels (glorot uniform), zero biases.
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])
    np.testing.assert_array_equal(clone.get_weights()[1], np.zeros(32, dtype="float32"))


def test_import_numnet_is_light():
    """`import numnet` loads numpy only: no plotting, deep-learning or dataframe library."""
    code = (
        "import json, sys\n"
        "import numnet\n"
        "heavy = ('matplotlib', 'torch', 'pandas', 'tensorflow', 'jax', 'keras', 'scipy')\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "print(json.dumps(sorted(roots & set(heavy))))\n"
        "print(numnet.__version__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    first, version = result.stdout.strip().splitlines()
    assert json.loads(first) == []
    assert version == numnet.__version__
