"""Every code block of the seed documents (the course notes numnet follows), run on real MNIST.

Each test holds one block copied as written, with only its import lines changed
(``keras`` -> ``numnet``, ``tensorflow`` -> ``numnet``, ``tensorflow.keras`` -> ``numnet.keras``).
Where a block leaves its data undefined (X, Y, X_train, Y_train, x_input) the test defines it from
the bundled MNIST split (4,000 training / 1,000 test images, scaled to [0, 1], flattened to 784):
binary tasks are digit 0 against digit 1, multi-class tasks use all ten digits, the multi-label
task predicts [is_even, is_greater_than_4, is_zero]. Where a block writes ``epochs=...`` the test
picks a small number. After training, each test checks accuracy on the held-out images.

Seed 002's update-rule blocks (``weight = weight - learning_rate * gradient``, momentum, RMSprop,
Adam) are formulas, not API: they are checked against the optimizers in the optimizer tests, and
are not repeated here.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

import numnet

# The seeds use Keras 2's ``lr=``; numnet accepts it (with a DeprecationWarning naming the new
# spelling). Correct seed programs must not draw advice about mistakes they do not make.
pytestmark = [
    pytest.mark.filterwarnings("ignore:The argument 'lr':DeprecationWarning"),
    pytest.mark.filterwarnings("error::numnet.AdviceWarning"),
]


@pytest.fixture(scope="module")
def mnist():
    (x_train, y_train), (x_test, y_test) = numnet.datasets.mnist.load_data(bundled=True)
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
    y_train = y_train.astype("int64")
    y_test = y_test.astype("int64")
    train01 = y_train < 2
    test01 = y_test < 2
    return SimpleNamespace(
        x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
        # binary: digit 0 (label 0) against digit 1 (label 1)
        xb_train=x_train[train01], yb_train=y_train[train01].astype("float32"),
        xb_test=x_test[test01], yb_test=y_test[test01].astype("float32"),
    )


@pytest.fixture(autouse=True)
def seeded():
    numnet.utils.set_random_seed(1234)


def multi_label(y: np.ndarray) -> np.ndarray:
    """[is_even, is_greater_than_4, is_zero] for each digit label."""
    return np.stack([y % 2 == 0, y > 4, y == 0], axis=1).astype("float32")


def binary_accuracy(probabilities, labels) -> float:
    p = np.asarray(probabilities).reshape(len(labels), -1)
    return float(np.mean((p > 0.5) == np.asarray(labels).reshape(len(labels), -1)))


def test_bundled_data_is_the_split_the_tests_assume(mnist):
    assert mnist.x_train.shape == (4000, 784) and mnist.x_test.shape == (1000, 784)
    assert mnist.x_train.dtype == np.float32
    assert mnist.x_train.min() == 0.0 and mnist.x_train.max() == 1.0
    assert np.bincount(mnist.y_train).tolist() == [400] * 10
    assert np.bincount(mnist.y_test).tolist() == [100] * 10
    assert mnist.xb_train.shape == (800, 784) and mnist.xb_test.shape == (200, 784)


# ============================================================================= seed 000


def seed000_model():
    # Model definition
    from numnet import layers, models

    model = models.Sequential()
    model.add(layers.Dense(32, activation='relu', input_shape=(784,)))
    model.add(layers.Dense(10, activation='softmax'))
    return model


def test_seed000_model_definition_has_25450_parameters(mnist):
    model = seed000_model()

    assert model.count_params() == 784 * 32 + 32 + 32 * 10 + 10 == 25_450
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    total = [line for line in text.splitlines() if "Total params" in line]
    assert len(total) == 1 and "Total params: 25,450" in total[0], text
    assert re.search(r"Trainable params: 25,450\b", text), text
    assert re.search(r"\b25,120\b", text) and re.search(r"\b330\b", text), text
    assert [w.shape for w in model.get_weights()] == [(784, 32), (32,), (32, 10), (10,)]

    # "The 10 scores will sum to 1": a distribution over the 10 classes for every sample.
    out = model.predict(mnist.x_test[:100], verbose=0)
    assert out.shape == (100, 10) and out.dtype == np.float32
    assert np.all(out >= 0) and np.all(out <= 1)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)


def test_seed000_rmsprop_reaches_088_on_mnist(mnist):
    model = seed000_model()

    # Compiling the model
    from numnet import optimizers

    model.compile(optimizer=optimizers.RMSprop(lr=0.001),
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])

    assert isinstance(model.optimizer, numnet.optimizers.RMSprop)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    train_labels = numnet.utils.to_categorical(mnist.y_train, 10)
    test_labels = numnet.utils.to_categorical(mnist.y_test, 10)
    history = model.fit(mnist.x_train, train_labels, epochs=20, batch_size=32, verbose=0)

    assert sorted(history.history) == ["accuracy", "loss"]
    assert len(history.history["loss"]) == 20
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.93
    loss, accuracy = model.evaluate(mnist.x_test, test_labels, verbose=0)
    assert accuracy >= 0.88
    # 'accuracy' with one-hot labels is categorical accuracy: argmax against argmax.
    predicted = model.predict(mnist.x_test, verbose=0).argmax(axis=1)
    assert accuracy == pytest.approx(np.mean(predicted == mnist.y_test), abs=1e-6)
    assert 0.0 < loss < 0.5


# ============================================================================= seed 001


def binary_model():
    """The model seed 001's compile blocks are applied to (the seed leaves it undefined)."""
    from numnet import layers, models

    return models.Sequential([
        layers.Dense(16, activation="relu", input_shape=(784,)),
        layers.Dense(1, activation="sigmoid"),
    ])


def test_seed001_compile_rmsprop_binary_crossentropy_accuracy(mnist):
    model = binary_model()

    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])

    assert isinstance(model.optimizer, numnet.optimizers.RMSprop)
    history = model.fit(mnist.xb_train, mnist.yb_train, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(mnist.xb_test, mnist.yb_test, verbose=0)
    # 'accuracy' with one sigmoid output is binary accuracy at threshold 0.5.
    probabilities = model.predict(mnist.xb_test, verbose=0)
    assert accuracy == pytest.approx(binary_accuracy(probabilities, mnist.yb_test), abs=1e-6)
    assert accuracy >= 0.97
    assert loss < 0.2


def test_seed001_sgd_keras2_arguments(mnist):
    import numnet as keras

    optimizer = keras.optimizers.SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False)

    assert isinstance(optimizer, numnet.optimizers.SGD)
    assert float(optimizer.learning_rate) == pytest.approx(0.01)
    assert optimizer.momentum == 0.0 and optimizer.nesterov is False
    model = binary_model()
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(mnist.xb_train, mnist.yb_train, epochs=3, verbose=0)
    assert model.evaluate(mnist.xb_test, mnist.yb_test, verbose=0)[1] >= 0.97


def test_seed001_rmsprop_keras2_arguments(mnist):
    import numnet as keras

    optimizer = keras.optimizers.RMSprop(lr=0.001, rho=0.9, epsilon=None, decay=0.0)

    assert isinstance(optimizer, numnet.optimizers.RMSprop)
    assert float(optimizer.learning_rate) == pytest.approx(0.001)
    config = optimizer.get_config()
    # epsilon=None meant Keras 2's backend epsilon, 1e-7.
    assert config["rho"] == pytest.approx(0.9) and config["epsilon"] == pytest.approx(1e-7)
    model = binary_model()
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(mnist.xb_train, mnist.yb_train, epochs=3, verbose=0)
    assert model.evaluate(mnist.xb_test, mnist.yb_test, verbose=0)[1] >= 0.97


def test_seed001_adam_keras2_arguments(mnist):
    import numnet as keras

    optimizer = keras.optimizers.Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0,
                                      amsgrad=False)

    assert isinstance(optimizer, numnet.optimizers.Adam)
    assert float(optimizer.learning_rate) == pytest.approx(0.001)
    config = optimizer.get_config()
    assert config["beta_1"] == pytest.approx(0.9) and config["beta_2"] == pytest.approx(0.999)
    assert config["epsilon"] == pytest.approx(1e-7) and config["amsgrad"] is False
    model = binary_model()
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(mnist.xb_train, mnist.yb_train, epochs=3, verbose=0)
    assert model.evaluate(mnist.xb_test, mnist.yb_test, verbose=0)[1] >= 0.97


def test_seed001_losses_and_metrics_passed_as_functions(mnist):
    model = binary_model()

    from numnet import losses, metrics, optimizers

    model.compile(optimizer=optimizers.RMSprop(lr=0.001), loss=losses.binary_crossentropy, metrics=[metrics.binary_accuracy])  # noqa: E501

    history = model.fit(mnist.xb_train, mnist.yb_train, epochs=3, verbose=0)
    assert sorted(history.history) == ["binary_accuracy", "loss"]
    assert history.history["binary_accuracy"][-1] > 0.97
    results = model.evaluate(mnist.xb_test, mnist.yb_test, verbose=0, return_dict=True)
    probabilities = model.predict(mnist.xb_test, verbose=0)
    assert results["binary_accuracy"] == pytest.approx(
        binary_accuracy(probabilities, mnist.yb_test), abs=1e-6)
    assert results["binary_accuracy"] >= 0.97
    # The loss is the mean binary cross-entropy of the predictions (probabilities clipped at 1e-7).
    p = np.clip(probabilities[:, 0].astype(np.float64), 1e-7, 1 - 1e-7)
    y = mnist.yb_test
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert results["loss"] == pytest.approx(expected, rel=1e-3, abs=1e-5)


# ============================================================================= seed 002
# The update-rule blocks (gradient descent, SGD, momentum, RMSprop, Adam) are formulas, not API;
# they are skipped here and checked in the optimizer tests.


def test_seed002_adam_sparse_categorical_reaches_091_on_mnist(mnist):
    X_train, y_train = mnist.x_train, mnist.y_train

    from numnet.keras.layers import Dense
    from numnet.keras.models import Sequential

    # Create a simple model
    model = Sequential([
        Dense(128, activation='relu', input_shape=(784,)),
        Dense(10, activation='softmax')
    ])

    # Compile the model with the Adam optimizer
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

    # Assuming X_train and y_train are your training data and labels
    history = model.fit(X_train, y_train, epochs=10, batch_size=32, verbose=0)

    assert isinstance(model.optimizer, numnet.optimizers.Adam)
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10
    assert len(history.history["loss"]) == 10
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    loss, accuracy = model.evaluate(mnist.x_test, mnist.y_test, verbose=0)
    assert accuracy >= 0.91
    predicted = model.predict(mnist.x_test, verbose=0).argmax(axis=1)
    assert accuracy == pytest.approx(np.mean(predicted == mnist.y_test), abs=1e-6)


# ============================================================================= seed 003


def seed003_sigmoid_model():
    from numnet.keras import Sequential
    from numnet.keras.layers import Dense
    model = Sequential([
        Dense(units=25, activation='sigmoid'), # Layer 1 (Hidden)
        Dense(units=15, activation='sigmoid'), # Layer 2 (Hidden)
        Dense(units=1, activation='sigmoid')   # Layer 3 (Output)
    ])
    return model


def test_seed003_define_compile_fit_binary(mnist):
    X, Y = mnist.xb_train, mnist.yb_train

    model = seed003_sigmoid_model()

    from numnet.keras.losses import BinaryCrossentropy
    model.compile(loss=BinaryCrossentropy())

    # compile without an optimizer uses Keras's default, rmsprop.
    assert isinstance(model.optimizer, numnet.optimizers.RMSprop)

    model.fit(X, Y, epochs=100, verbose=0) # X: input data, Y: true labels

    # Built from the data at the first fit: 784-25-15-1.
    assert [w.shape for w in model.get_weights()] == [(784, 25), (25,), (25, 15), (15,),
                                                      (15, 1), (1,)]
    probabilities = model.predict(mnist.xb_test, verbose=0)
    assert probabilities.shape == (200, 1)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    assert binary_accuracy(probabilities, mnist.yb_test) >= 0.98
    # compile(loss=...) alone tracks no metric: evaluate returns the loss, a scalar.
    loss = model.evaluate(mnist.xb_test, mnist.yb_test, verbose=0)
    assert np.ndim(loss) == 0 and 0.0 < loss < 0.1


def test_seed003_fit_with_epoch_typo_raises_type_error(mnist):
    X, Y = mnist.xb_train, mnist.yb_train
    model = seed003_sigmoid_model()
    import numnet as tf
    model.compile(loss=tf.keras.losses.BinaryCrossentropy())
    model.build((None, 784))
    before = [w.copy() for w in model.get_weights()]

    # Train
    with pytest.raises(TypeError, match="epochs") as info:
        model.fit(X, Y, epoch=100)

    assert "epoch" in str(info.value)
    # Nothing was trained.
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_seed003_multiclass_softmax_sparse_categorical(mnist):
    X_train, Y_train = mnist.x_train, mnist.y_train

    import numnet as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units=25, activation='relu'),
        tf.keras.layers.Dense(units=15, activation='relu'),
        tf.keras.layers.Dense(units=10, activation='softmax') # 10 units for 10 classes
    ])

    model.compile(
        loss=tf.keras.losses.SparseCategoricalCrossentropy() # For integer labels (0, 1, ..., 9)
    )

    model.fit(X_train, Y_train, epochs=5, verbose=0)

    assert isinstance(model.optimizer, numnet.optimizers.RMSprop)
    probabilities = model.predict(mnist.x_test, verbose=0)
    assert probabilities.shape == (1000, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert np.mean(probabilities.argmax(axis=1) == mnist.y_test) >= 0.85
    # The loss is the mean of -log(a_j) for the true class j.
    p = np.clip(probabilities[np.arange(1000), mnist.y_test].astype(np.float64), 1e-7, 1.0)
    loss = model.evaluate(mnist.x_test, mnist.y_test, verbose=0)
    assert loss == pytest.approx(-np.mean(np.log(p)), rel=1e-3)


def test_seed003_from_logits_then_softmax(mnist):
    X, Y = mnist.x_train, mnist.y_train
    x_input = mnist.x_test

    import numnet as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units=25, activation='relu'),
        tf.keras.layers.Dense(units=15, activation='relu'),
        tf.keras.layers.Dense(units=10, activation='linear') # Output layer: 10 units, linear activation  # noqa: E501
    ])

    model.compile(
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )

    # Train (the seed writes epoch=100, a typo Keras rejects: see the test above)
    model.fit(X, Y, epochs=5, verbose=0)

    # Have to do extra step to actually get a1, a2, ...
    logits = model(x_input)         # this actually outputs z1, z2, ...
    f_x = tf.nn.softmax(logits)     # thats how we then get a1, a2, ...

    z = np.asarray(logits.numpy())
    a = f_x.numpy()
    assert isinstance(a, np.ndarray) and a.shape == (1000, 10) and a.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(f_x), a)
    # The logits are not probabilities; their softmax is.
    assert z.min() < 0 and z.max() > 1
    np.testing.assert_allclose(a.sum(axis=1), 1.0, atol=1e-5)
    assert np.all(a >= 0) and np.all(a <= 1)
    np.testing.assert_array_equal(a.argmax(axis=1), z.argmax(axis=1))
    shifted = np.exp(z.astype(np.float64) - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(a, shifted / shifted.sum(axis=1, keepdims=True), atol=1e-6)
    # Indexing and printing behave as on an array.
    np.testing.assert_allclose(np.asarray(f_x[0]), a[0])
    np.testing.assert_allclose(np.asarray(f_x[:3, 2]), a[:3, 2])
    assert float(np.asarray(f_x[0]).sum()) == pytest.approx(1.0, abs=1e-5)
    assert str(f_x) and repr(f_x)
    assert np.mean(a.argmax(axis=1) == mnist.y_test) >= 0.85
    # softmax of a plain array works too.
    np.testing.assert_allclose(np.asarray(tf.nn.softmax(z)), a, atol=1e-6)


def test_seed003_binary_from_logits_then_sigmoid(mnist):
    X, Y = mnist.xb_train, mnist.yb_train
    x_input = mnist.xb_test

    import numnet as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units=25, activation='relu'),
        tf.keras.layers.Dense(units=15, activation='relu'),
        tf.keras.layers.Dense(units=1, activation='linear'),
    ])
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))

    # Train (the seed writes epoch=100, a typo Keras rejects)
    model.fit(X, Y, epochs=5, verbose=0)

    # Have to do extra step to actually get a1, a2
    logits = model(x_input)         # this actually outputs z1, z2
    f_x = tf.nn.sigmoid(logits)     # thats how we then get a1, a2

    z = np.asarray(logits.numpy(), dtype=np.float64)
    a = f_x.numpy()
    assert a.shape == (200, 1) and a.dtype == np.float32
    np.testing.assert_allclose(a, 1.0 / (1.0 + np.exp(-z)), rtol=1e-5, atol=1e-7)
    assert np.all((a >= 0) & (a <= 1))
    assert binary_accuracy(a, mnist.yb_test) >= 0.98
    # Thresholding the sigmoid at 0.5 is thresholding the logit at 0.
    np.testing.assert_array_equal(a > 0.5, z > 0)


def test_seed003_adam_with_binary_crossentropy_from_logits(mnist):
    X_train, Y_train = mnist.xb_train, mnist.yb_train

    import numnet as tf

    # ... (model definition using Sequential API) ...
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units=25, activation='relu'),
        tf.keras.layers.Dense(units=15, activation='relu'),
        tf.keras.layers.Dense(units=1, activation='linear'),
    ])

    model.compile(
        loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), # or other loss
        optimizer=tf.keras.optimizers.Adam(learning_rate=0.001) # Specify Adam optimizer
    )

    model.fit(X_train, Y_train, epochs=5, verbose=0)

    assert isinstance(model.optimizer, numnet.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    assert int(model.optimizer.iterations) == 5 * 25  # 800 images, batches of 32
    probabilities = tf.nn.sigmoid(model(mnist.xb_test)).numpy()
    assert binary_accuracy(probabilities, mnist.yb_test) >= 0.98


def test_seed003_multi_label_sigmoid_outputs(mnist):
    # One network, three sigmoid outputs: [is_even, is_greater_than_4, is_zero].
    X_train, Y_train = mnist.x_train, multi_label(mnist.y_train)

    import numnet as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units=25, activation='relu'),
        tf.keras.layers.Dense(units=15, activation='relu'),
        tf.keras.layers.Dense(units=3, activation='sigmoid'),
    ])
    model.compile(
        loss=tf.keras.losses.BinaryCrossentropy(),
        optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
        metrics=['binary_accuracy'],
    )
    model.fit(X_train, Y_train, epochs=10, verbose=0)

    Y_test = multi_label(mnist.y_test)
    a = model.predict(mnist.x_test, verbose=0)
    assert a.shape == (1000, 3)
    # Independent probabilities: rows need not sum to 1.
    assert np.all((a >= 0) & (a <= 1))
    assert np.abs(a.sum(axis=1) - 1).max() > 0.5
    per_label = np.mean((a > 0.5) == Y_test, axis=0)
    # Constant guesses would score 0.5, 0.5 and 0.9.
    assert per_label[0] >= 0.88 and per_label[1] >= 0.85 and per_label[2] >= 0.96, per_label
    results = model.evaluate(mnist.x_test, Y_test, verbose=0, return_dict=True)
    assert results["binary_accuracy"] == pytest.approx(per_label.mean(), abs=1e-6)


def test_seed003_multi_label_accuracy_string_resolves_as_in_keras3():
    """'accuracy' on several outputs is categorical accuracy in Keras 3, not per-label accuracy.

    Reference values from Keras 3.15 on the same arrays: accuracy 1.0, binary_accuracy 2/3.
    """
    y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]], dtype="float32")
    p = np.array([[0.9, 0.2, 0.1], [0.1, 0.8, 0.3], [0.9, 0.2, 0.7]], dtype="float32")
    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Activation("linear")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy", "binary_accuracy"])
    results = model.evaluate(p, y, verbose=0, return_dict=True)
    assert results["accuracy"] == pytest.approx(1.0)
    assert results["binary_accuracy"] == pytest.approx(2 / 3, abs=1e-6)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert results["loss"] == pytest.approx(expected, rel=1e-5)
