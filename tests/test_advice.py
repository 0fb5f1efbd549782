"""numnet.advice: each rule fires on the mistake it describes, says problem / why / fix, and
stays silent on the correct model next to it; the seed programs' models draw no advice;
disable() and warnings filters silence it; label mistakes are errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import numnet
from numnet import advice, layers, losses, nn, optimizers
from numnet.advice import AdviceWarning


@pytest.fixture(autouse=True)
def advice_on():
    advice.enable()
    numnet.utils.set_random_seed(0)
    yield
    advice.enable()


def collect(fn) -> list:
    """The AdviceWarnings raised while running fn()."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [w for w in caught if issubclass(w.category, AdviceWarning)]


def rules(records) -> list:
    return [w.message.rule for w in records]


def only(records, rule):
    """The one warning of ``rule``; every part of its message present."""
    matching = [w for w in records if w.message.rule == rule]
    assert len(matching) == 1, [str(w.message) for w in records]
    message = matching[0].message
    assert message.problem and message.why and message.fix
    text = str(message)
    assert text.startswith(message.problem)
    assert f"Why: {message.why}" in text and f"Fix: {message.fix}" in text
    # The warning points at the line that called compile / fit, not into numnet.
    assert matching[0].filename == __file__
    return message


def dense_model(*specs, inputs=8):
    return numnet.Sequential([numnet.Input((inputs,))] + list(specs))


def compile_advice(model, loss, optimizer="adam"):
    return collect(lambda: model.compile(optimizer=optimizer, loss=loss))


def fit_advice(model, x, y, loss, optimizer="adam"):
    model.compile(optimizer=optimizer, loss=loss)  # compile advice is tested separately
    return collect(lambda: model.fit(x, y, epochs=1, batch_size=16, verbose=0))


X = np.random.default_rng(0).normal(size=(64, 8)).astype("float32")
LABELS = np.random.default_rng(1).integers(0, 3, size=64)
ONE_HOT = np.eye(3, dtype="float32")[LABELS]


# ----------------------------------------------------------------------------- output and loss


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_sigmoid_output_with_categorical_loss(loss):
    model = dense_model(layers.Dense(3, activation="sigmoid"))
    message = only(compile_advice(model, loss), "sigmoid_categorical")
    assert "sigmoid" in message.problem and loss in message.problem
    assert "distribution" in message.why and "softmax" in message.fix


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_softmax_output_with_categorical_loss_is_silent(loss):
    model = dense_model(layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax"))
    assert compile_advice(model, loss) == []


def test_softmax_over_several_units_with_binary_crossentropy():
    model = dense_model(layers.Dense(3, activation="softmax"))
    message = only(compile_advice(model, "binary_crossentropy"), "softmax_binary")
    assert "3 units" in message.problem and "compete" in message.why
    assert "sigmoid" in message.fix and "categorical_crossentropy" in message.fix


def test_sigmoid_outputs_with_binary_crossentropy_are_silent():
    for units in (1, 3):
        model = dense_model(layers.Dense(units, activation="sigmoid"))
        assert compile_advice(model, "binary_crossentropy") == []


def test_single_unit_softmax():
    model = dense_model(layers.Dense(1, activation="softmax"))
    records = compile_advice(model, "binary_crossentropy")
    message = only(records, "single_unit_softmax")
    assert rules(records) == ["single_unit_softmax"]
    assert "1.0" in message.why and "sigmoid" in message.fix
    # The claim in the message holds: softmax over one unit is 1 whatever the input.
    assert np.all(model.predict(X, verbose=0) == 1.0)


def test_single_unit_sigmoid_is_silent():
    model = dense_model(layers.Dense(1, activation="sigmoid"))
    assert compile_advice(model, "binary_crossentropy") == []


@pytest.mark.parametrize("last", [
    [layers.Dense(3, activation="softmax")],
    [layers.Dense(3), layers.Activation("softmax")],
    [layers.Dense(3), layers.Softmax()],
])
def test_softmax_output_with_from_logits_loss(last):
    model = dense_model(layers.Dense(8, activation="relu"), *last)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    message = only(compile_advice(model, loss), "double_activation")
    assert "from_logits=True" in message.problem and "softmax" in message.problem
    assert "linear" in message.fix


def test_sigmoid_output_with_binary_from_logits_loss():
    model = dense_model(layers.Dense(1, activation="sigmoid"))
    loss = losses.BinaryCrossentropy(from_logits=True)
    message = only(compile_advice(model, loss), "double_activation")
    assert "sigmoid" in message.problem


def test_linear_output_with_from_logits_loss_is_silent():
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(3))
    assert compile_advice(model, losses.SparseCategoricalCrossentropy(from_logits=True)) == []
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1))
    assert compile_advice(model, losses.BinaryCrossentropy(from_logits=True)) == []


@pytest.mark.parametrize("loss, wanted", [("sparse_categorical_crossentropy", "softmax"),
                                          ("categorical_crossentropy", "softmax"),
                                          ("binary_crossentropy", "sigmoid")])
def test_linear_output_with_probability_loss(loss, wanted):
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(3))
    message = only(compile_advice(model, loss), "logits_as_probabilities")
    assert "linear" in message.problem and "from_logits=False" in message.problem
    assert "from_logits=True" in message.fix and f"activation='{wanted}'" in message.fix


def test_linear_dense_then_activation_layer_counts_as_that_activation():
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(3),
                        layers.Activation("softmax"))
    assert compile_advice(model, "sparse_categorical_crossentropy") == []


def test_regression_losses_draw_no_output_advice():
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1))
    assert compile_advice(model, "mse") == []


# ----------------------------------------------------------------------------- hidden layers


def test_linear_hidden_layer():
    hidden = layers.Dense(16, name="hidden_linear")
    model = dense_model(hidden, layers.Dense(3, activation="softmax"))
    message = only(compile_advice(model, "sparse_categorical_crossentropy"), "linear_hidden")
    assert "'hidden_linear'" in message.problem and "linear" in message.why
    assert "relu" in message.fix
    # What the warning says is true: two linear layers equal one (W = W1 W2, b = b1 W2 + b2).
    w1, b1 = hidden.kernel.numpy(), hidden.bias.numpy()
    z = model.layers[1]
    w2, b2 = z.kernel.numpy(), z.bias.numpy()
    logits = X @ (w1 @ w2) + (b1 @ w2 + b2)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(model.predict(X, verbose=0), e / e.sum(axis=1, keepdims=True),
                               rtol=1e-4, atol=1e-6)


def test_no_activation_argument_is_linear_too():
    model = dense_model(layers.Dense(16, activation=None), layers.Dense(16, activation="relu"),
                        layers.Dense(1))
    records = compile_advice(model, "mse")
    assert rules(records) == ["linear_hidden"]


@pytest.mark.parametrize("middle", [
    [layers.Dense(16, activation="relu")],
    [layers.Dense(16, activation="tanh")],
    [layers.Dense(16), layers.ReLU()],
    [layers.Dense(16), layers.BatchNormalization(), layers.Activation("relu")],
    [layers.Dense(16), layers.Dropout(0.2), layers.LeakyReLU()],
])
def test_nonlinear_hidden_layers_are_silent(middle):
    model = dense_model(*middle, layers.Dense(3, activation="softmax"))
    assert compile_advice(model, "sparse_categorical_crossentropy") == []


def test_subclassed_model_applying_relu_in_call_is_silent():
    class Net(numnet.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(16)  # linear here, relu applied in call
            self.out = layers.Dense(3, activation="softmax")

        def call(self, x, training=False):
            return self.out(nn.relu(self.hidden(x)))

    model = Net()
    assert compile_advice(model, "sparse_categorical_crossentropy") == []
    assert collect(lambda: model.fit(X, LABELS, epochs=1, verbose=0)) == []


# ----------------------------------------------------------------------------- learning rate


@pytest.mark.parametrize("optimizer", [optimizers.Adam(learning_rate=5.0),
                                       optimizers.Adam(learning_rate=1e-6),
                                       optimizers.RMSprop(learning_rate=2.0)])
def test_learning_rate_outside_the_usual_range(optimizer):
    model = dense_model(layers.Dense(3, activation="softmax"))
    records = compile_advice(model, "sparse_categorical_crossentropy", optimizer)
    message = only(records, "learning_rate")
    lr = optimizer.current_learning_rate()
    assert f"learning_rate={lr:g}" in message.problem
    assert type(optimizer).__name__ in message.problem
    assert ("diverge" if lr > 1 else "too small") in message.why
    assert "0.001" in message.fix and "lr_find" in message.fix


@pytest.mark.parametrize("optimizer", [optimizers.Adam(), optimizers.Adam(learning_rate=1e-5),
                                       optimizers.RMSprop(learning_rate=1.0),
                                       optimizers.SGD(learning_rate=5.0), "adam", "rmsprop"])
def test_learning_rate_inside_the_range_or_not_adaptive_is_silent(optimizer):
    model = dense_model(layers.Dense(3, activation="softmax"))
    assert compile_advice(model, "sparse_categorical_crossentropy", optimizer) == []


def test_learning_rate_schedule_is_judged_by_its_first_rate():
    schedule = optimizers.schedules.ExponentialDecay(20.0, decay_steps=10, decay_rate=0.5)
    model = dense_model(layers.Dense(3, activation="softmax"))
    records = compile_advice(model, "sparse_categorical_crossentropy",
                             optimizers.Adam(learning_rate=schedule))
    assert "learning_rate=20" in only(records, "learning_rate").problem


@pytest.mark.parametrize("optimizer", ["plain", "loss_scaled"])
def test_learning_rate_schedule_that_starts_at_zero_is_a_warm_up(optimizer):
    # a linear warm-up from 0 to 0.02 over 10 steps: its first rate, 0, is not a mistake
    def warm_up(step):
        return 0.02 * min(float(step), 10.0) / 10.0

    inner = optimizers.Nadam(learning_rate=warm_up)
    assert inner.current_learning_rate() == 0.0
    if optimizer == "loss_scaled":
        inner = optimizers.LossScaleOptimizer(inner)
    model = dense_model(layers.Dense(3, activation="softmax"))
    assert compile_advice(model, "sparse_categorical_crossentropy", inner) == []
    # a constant rate of 0 is still reported
    records = compile_advice(dense_model(layers.Dense(3, activation="softmax")),
                             "sparse_categorical_crossentropy", optimizers.Nadam(0.0))
    assert "learning_rate=0 " in only(records, "learning_rate").problem


# ----------------------------------------------------------------------------- the data (fit)


def test_unscaled_inputs():
    pixels = (np.random.default_rng(0).random((64, 8)) * 255).round().astype("uint8")
    model = dense_model(layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax"))
    records = fit_advice(model, pixels, LABELS, "sparse_categorical_crossentropy")
    message = only(records, "unscaled_inputs")
    assert f"{float(pixels.max()):g}" in message.problem
    assert "x / 255" in message.fix and "(x - mean) / std" in message.fix
    # Only the first fit of a model is checked.
    assert collect(lambda: model.fit(pixels, LABELS, epochs=1, verbose=0)) == []


def test_scaled_inputs_are_silent():
    pixels = (np.random.default_rng(0).random((64, 8)) * 255).round().astype("float32")
    model = dense_model(layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax"))
    assert fit_advice(model, pixels / 255, LABELS, "sparse_categorical_crossentropy") == []
    # 100 itself is not "above 100".
    model = dense_model(layers.Dense(3, activation="softmax"))
    x = np.full((16, 8), 100.0, dtype="float32")
    assert fit_advice(model, x, LABELS[:16], "sparse_categorical_crossentropy") == []


def test_inputs_of_a_frozen_pretrained_base_are_not_flagged():
    """Caffe-style preprocessing (ResNet50, VGG) leaves values near +-150: right for the frozen
    base that takes them; an unfrozen first layer is still warned about."""
    centred = np.random.default_rng(0).uniform(-120.0, 150.0, (64, 8)).astype("float32")

    def transfer(frozen):
        base = numnet.Sequential([numnet.Input((8,)), layers.Dense(6, activation="relu")])
        base.trainable = not frozen
        inputs = numnet.Input((8,))
        outputs = layers.Dense(3, activation="softmax")(base(inputs, training=False))
        return numnet.Model(inputs, outputs)

    loss = "sparse_categorical_crossentropy"
    assert fit_advice(transfer(True), centred, LABELS, loss) == []
    only(fit_advice(transfer(False), centred, LABELS, loss), "unscaled_inputs")


def test_mse_on_binary_targets_with_sigmoid():
    y = (X[:, 0] > 0).astype("float32")
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid"))
    message = only(fit_advice(model, X, y, "mse"), "mse_on_binary")
    assert "0/1" in message.problem and "sigmoid" in message.problem
    assert "vanish" in message.why and "binary_crossentropy" in message.fix


def test_mse_on_fractional_targets_or_bce_on_binary_is_silent():
    fractions = np.random.default_rng(0).random(64).astype("float32")
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid"))
    assert fit_advice(model, X, fractions, "mse") == []
    y = (X[:, 0] > 0).astype("float32")
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid"))
    assert fit_advice(model, X, y, "binary_crossentropy") == []


def test_negative_targets_with_relu_output():
    y = X[:, 0] * 3 - 1
    assert (y < 0).any()
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1, activation="relu"))
    message = only(fit_advice(model, X, y, "mse"), "relu_negative_targets")
    assert f"{float(y.min()):g}" in message.problem and "relu" in message.problem
    assert "never outputs a negative" in message.why and "linear" in message.fix


def test_nonnegative_targets_with_relu_or_negative_with_linear_are_silent():
    y = X[:, 0] * 3 - 1
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1, activation="relu"))
    assert fit_advice(model, X, np.abs(y), "mse") == []
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(1))
    assert fit_advice(model, X, y, "mae") == []


def test_multi_label_targets_with_softmax():
    y = ONE_HOT.copy()
    y[:5, 0] = 1  # five rows now carry two labels
    assert (y.sum(axis=1) > 1).sum() == 5 - np.sum(LABELS[:5] == 0)
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax"))
    message = only(fit_advice(model, X, y, "categorical_crossentropy"), "multi_label_softmax")
    assert f"{int((y.sum(axis=1) > 1).sum())} target rows" in message.problem
    assert "sums to 1" in message.why
    assert "sigmoid" in message.fix and "binary_crossentropy" in message.fix


def test_one_hot_targets_with_softmax_are_silent():
    model = dense_model(layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax"))
    assert fit_advice(model, X, ONE_HOT, "categorical_crossentropy") == []


class SoftmaxInCall(numnet.Model):
    """A model whose call applies softmax itself: the layer list cannot show it."""

    def __init__(self, apply_softmax: bool):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(3)
        self.apply_softmax = apply_softmax

    def call(self, x, training=False):
        z = self.out(self.hidden(x))
        return nn.softmax(z) if self.apply_softmax else z


def test_probabilities_given_to_a_from_logits_loss_are_found_at_fit():
    model = SoftmaxInCall(apply_softmax=True)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert compile_advice(model, loss) == []  # nothing to see in the layers
    records = collect(lambda: model.fit(X, LABELS, epochs=1, verbose=0))
    message = only(records, "probabilities_to_logits")
    assert "from_logits=True" in message.problem and "summing to 1" in message.problem
    assert "softmax" in message.fix


def test_logits_given_to_a_from_logits_loss_are_silent():
    model = SoftmaxInCall(apply_softmax=False)
    model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    assert collect(lambda: model.fit(X, LABELS, epochs=1, verbose=0)) == []


# ----------------------------------------------------------------------------- label errors


def test_integer_labels_given_to_categorical_crossentropy_are_an_error():
    model = dense_model(layers.Dense(3, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="integer labels") as info:
        model.fit(X, LABELS, epochs=1, verbose=0)
    text = str(info.value)
    assert "sparse_categorical_crossentropy" in text and "to_categorical(y, 3)" in text
    assert model.optimizer.iterations.numpy() == 0  # nothing was trained


def test_one_hot_labels_given_to_sparse_crossentropy_are_an_error():
    model = dense_model(layers.Dense(3, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="one-hot") as info:
        model.fit(X, ONE_HOT, epochs=1, verbose=0)
    text = str(info.value)
    assert "loss='categorical_crossentropy'" in text and "argmax" in text


def test_matching_labels_are_accepted():
    for loss, y in (("categorical_crossentropy", ONE_HOT),
                    ("sparse_categorical_crossentropy", LABELS)):
        model = dense_model(layers.Dense(3, activation="softmax"))
        model.compile(optimizer="adam", loss=loss)
        history = model.fit(X, y, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])


# ----------------------------------------------------------------------------- switching off


def mistakes():
    """A model that makes three compile-time mistakes."""
    model = dense_model(layers.Dense(16), layers.Dense(3, activation="sigmoid"))
    model.compile(optimizer=optimizers.Adam(learning_rate=10.0),
                  loss="categorical_crossentropy")


def test_a_model_with_several_mistakes_gets_each_warning_once():
    assert sorted(rules(collect(mistakes))) == ["learning_rate", "linear_hidden",
                                                "sigmoid_categorical"]


def test_disable_silences_everything_and_enable_restores_it():
    advice.disable()
    assert not advice.is_enabled()
    assert collect(mistakes) == []
    pixels = np.full((16, 8), 255.0, dtype="float32")
    model = dense_model(layers.Dense(3, activation="softmax"))
    assert fit_advice(model, pixels, LABELS[:16], "sparse_categorical_crossentropy") == []
    advice.enable()
    assert len(collect(mistakes)) == 3


def test_disable_one_rule():
    advice.disable("linear_hidden")
    assert not advice.is_enabled("linear_hidden") and advice.is_enabled("learning_rate")
    assert sorted(rules(collect(mistakes))) == ["learning_rate", "sigmoid_categorical"]
    advice.enable("linear_hidden")
    assert len(collect(mistakes)) == 3


def test_unknown_rule_names_are_an_error():
    with pytest.raises(ValueError, match="unknown rule 'linear_hiden'") as info:
        advice.disable("linear_hiden")
    assert "linear_hidden" in str(info.value)


def test_warnings_filter_silences_it():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", numnet.AdviceWarning)
        mistakes()
    assert [w for w in caught if issubclass(w.category, AdviceWarning)] == []


def test_advice_warning_is_a_user_warning():
    assert issubclass(numnet.AdviceWarning, UserWarning)
    assert numnet.AdviceWarning is advice.AdviceWarning
    with pytest.warns(UserWarning, match="Why: .* Fix: "):
        mistakes()


# ----------------------------------------------------------------------------- the seeds


def seed_cases():
    """(name, model, compile kwargs, x, y) for every model the seed documents build."""
    rng = np.random.default_rng(0)
    x = rng.random((64, 784)).astype("float32")  # pixels scaled to [0, 1], as the seeds do
    digits = rng.integers(0, 10, size=64)
    binary = (digits < 5).astype("float32")
    multi = np.stack([digits % 2 == 0, digits > 4, digits == 0], axis=1).astype("float32")
    Dense, Seq = layers.Dense, numnet.Sequential

    def m000():
        return Seq([Dense(32, activation="relu", input_shape=(784,)),
                    Dense(10, activation="softmax")])

    def m001():
        return Seq([Dense(16, activation="relu", input_shape=(784,)),
                    Dense(1, activation="sigmoid")])

    def relu_stack(units, activation):
        return Seq([Dense(25, activation="relu"), Dense(15, activation="relu"),
                    Dense(units, activation=activation)])

    return [
        ("000 rmsprop", m000(), dict(optimizer=optimizers.RMSprop(learning_rate=0.001),
                                     loss="categorical_crossentropy", metrics=["accuracy"]),
         x, numnet.utils.to_categorical(digits, 10)),
        ("001 rmsprop", m001(), dict(optimizer="rmsprop", loss="binary_crossentropy",
                                     metrics=["accuracy"]), x, binary),
        ("001 sgd", m001(), dict(optimizer=optimizers.SGD(learning_rate=0.01, momentum=0.0),
                                 loss="binary_crossentropy"), x, binary),
        ("001 adam", m001(), dict(optimizer=optimizers.Adam(learning_rate=0.001, beta_1=0.9,
                                                            beta_2=0.999),
                                  loss=losses.binary_crossentropy), x, binary),
        ("002 adam", Seq([Dense(128, activation="relu", input_shape=(784,)),
                          Dense(10, activation="softmax")]),
         dict(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]),
         x, digits),
        ("003 sigmoid", Seq([Dense(25, activation="sigmoid"), Dense(15, activation="sigmoid"),
                             Dense(1, activation="sigmoid")]),
         dict(loss=losses.BinaryCrossentropy()), x, binary),
        ("003 softmax", relu_stack(10, "softmax"),
         dict(loss=losses.SparseCategoricalCrossentropy()), x, digits),
        ("003 logits", relu_stack(10, "linear"),
         dict(loss=losses.SparseCategoricalCrossentropy(from_logits=True)), x, digits),
        ("003 binary logits", relu_stack(1, "linear"),
         dict(loss=losses.BinaryCrossentropy(from_logits=True),
              optimizer=optimizers.Adam(learning_rate=0.001)), x, binary),
        ("003 multi-label", relu_stack(3, "sigmoid"),
         dict(loss=losses.BinaryCrossentropy(), optimizer=optimizers.Adam(learning_rate=0.001),
              metrics=["binary_accuracy"]), x, multi),
    ]


def test_the_seed_models_draw_no_advice():
    for name, model, settings, x, y in seed_cases():
        records = collect(lambda m=model, s=settings: m.compile(**s))
        records += collect(lambda m=model, x=x, y=y: m.fit(x, y, epochs=1, batch_size=32,
                                                           verbose=0))
        assert records == [], (name, [str(w.message) for w in records])


def test_the_seed_models_with_a_mistake_do_draw_advice():
    """The same checks are live on these models: one change each brings a warning."""
    rng = np.random.default_rng(0)
    x = rng.random((32, 784)).astype("float32")
    model = numnet.Sequential([layers.Dense(128, activation="relu", input_shape=(784,)),
                               layers.Dense(10, activation="sigmoid")])
    assert rules(collect(lambda: model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy"))) == ["sigmoid_categorical"]
    model = numnet.Sequential([layers.Dense(32, activation="relu", input_shape=(784,)),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    digits = rng.integers(0, 10, size=32)
    assert rules(collect(lambda: model.fit(x * 255, digits, epochs=1, verbose=0))) == [
        "unscaled_inputs"]


# ----------------------------------------------------------------------------- graphs of layers


def _two_branches(output_activation):
    wide, deep = numnet.Input((3,), name="wide"), numnet.Input((2,), name="deep")
    linear = layers.Dense(4)(wide)  # a linear branch, merged, feeding no Dense of its own
    hidden = layers.Dense(4, activation="relu")(deep)
    out = layers.Dense(1, activation=output_activation)(layers.concatenate([linear, hidden]))
    return numnet.Model([wide, deep], out)


def test_a_graph_is_advised_on_its_output_layer_only():
    # model.layers lists a graph's layers in call order: the linear Dense is followed there by
    # another Dense that it does not feed, which is no linear hidden layer.
    assert rules(compile_advice(_two_branches("sigmoid"), "binary_crossentropy")) == []
    records = compile_advice(_two_branches("softmax"), "binary_crossentropy")
    assert rules(records) == ["single_unit_softmax"]
    only(records, "single_unit_softmax")


# ----------------------------------------------------------------------------- training argument


class _NoTraining(numnet.Model):
    """A subclassed model whose call() declares no ``training``."""

    def __init__(self):
        super().__init__()
        self.norm = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.drop(self.norm(inputs)))


class _WithTraining(_NoTraining):
    def call(self, inputs, training=None):
        return self.out(self.drop(self.norm(inputs)))


def test_a_call_without_training_runs_its_layers_as_at_inference_in_fit_and_is_advised():
    y = X[:, :1] * 2.0
    model = _NoTraining()
    message = only(compile_advice(model, "mse", optimizers.SGD(0.01)), "training_not_declared")
    assert f"'{model.norm.name}', '{model.drop.name}'" in message.problem
    assert "training=None" in message.fix
    model.fit(X, y, epochs=1, batch_size=16, verbose=0)
    # as Keras 3 (JAX and TensorFlow): the batch statistics were never used or kept
    np.testing.assert_array_equal(model.norm.moving_mean.numpy(), np.zeros(8, "float32"))
    logs = model.train_on_batch(X[:16], y[:16], return_dict=True)
    before = model.evaluate(X[:16], y[:16], verbose=0)
    assert logs["loss"] >= 0 and before > 0
    declared = _WithTraining()
    assert "training_not_declared" not in rules(compile_advice(declared, "mse"))
    declared.fit(X, y, epochs=1, batch_size=16, verbose=0)
    assert np.abs(declared.norm.moving_mean.numpy()).sum() > 0  # trained in training mode


def test_a_call_without_training_but_no_such_layers_is_silent():
    class Plain(numnet.Model):
        def __init__(self):
            super().__init__()
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(inputs)

    assert "training_not_declared" not in rules(compile_advice(Plain(), "mse"))


def test_random_augmentation_in_a_call_without_training_is_not_advised():
    """RandomFlip's call defaults to training=True, so it flips during fit whether or not the
    model's call declares training (Keras 3 on JAX as numnet): no advice that it runs as at
    inference."""

    class Augmented(numnet.Model):
        def __init__(self):
            super().__init__()
            self.flip = layers.RandomFlip("horizontal")
            self.out = layers.Dense(1)

        def call(self, inputs):
            moved = numnet.ops.sum(numnet.ops.abs(self.flip(inputs) - inputs), axis=(1, 2, 3))
            flat = numnet.ops.reshape(inputs, (-1, 16))
            return numnet.ops.expand_dims(moved, -1) + 0.0 * self.out(flat)

    model = Augmented()
    assert "training_not_declared" not in rules(compile_advice(model, "mse"))
    x = np.arange(64 * 16, dtype="float32").reshape(64, 4, 4, 1)
    model.compile(optimizers.SGD(0.01), "mse")
    history = model.fit(x, np.zeros((64, 1), "float32"), epochs=1, verbose=0)
    assert history.history["loss"][0] > 100  # rows were flipped: |flip(x) - x| > 0
