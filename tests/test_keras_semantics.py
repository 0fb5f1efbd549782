"""Keras 3's contract for custom layers, subclassed models and custom training.

Each test pins one behaviour that Keras programs rely on: the call convention (``training`` and
``mask`` passed only where ``call`` takes them), tracking of nested layers, ``add_loss``,
symbolic tensors that take operators and ops, structured outputs, the training step's seams
(``train_step``, ``compute_loss``, ``metrics``), ``GradientTape``, frozen layers and the
callbacks' logs. Numbers come from NumPy written out here, or from Keras itself where it is
installed (same initial weights, plain SGD, no shuffling: the same loss trajectory).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers, ops

RNG = np.random.default_rng(7)
X = RNG.normal(size=(64, 5)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5], [0.0], [3.0]], "float32") + 0.25).astype("float32")


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


# ----------------------------------------------------------------------------- call convention


class Double(layers.Layer):
    def call(self, inputs):  # no training, no mask: Keras passes neither
        return inputs * 2.0


def test_call_without_training_argument_works_eagerly_in_fit_and_in_graphs():
    np.testing.assert_array_equal(Double()(np.ones((2, 3), "float32")).numpy(), 2.0)
    inputs = numnet.Input((5,))
    model = numnet.Model(inputs, layers.Dense(1)(Double()(inputs)))
    model.compile("sgd", "mse")
    history = model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_training_reaches_call_only_where_declared_and_is_inherited():
    seen = []

    class Probe(layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, inputs):  # does not pass training on: the inner call inherits it
            return self.probe(inputs)

    outer = Outer()
    outer(X, training=True)
    outer(X, training=False)
    outer(X)
    assert seen == [True, False, None]  # None: nothing set anywhere, as Keras


# ----------------------------------------------------------------------------- tracking


class Block(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.hidden = layers.Dense(units, activation="relu")
        self.heads = [layers.Dense(1), layers.Dense(1)]  # a list of layers is tracked too

    def call(self, inputs):
        h = self.hidden(inputs)
        return self.heads[0](h) + self.heads[1](h)


class Net(numnet.Model):
    def __init__(self):
        super().__init__()
        self.block = Block(4)

    def call(self, inputs):
        return self.block(inputs)


def test_sublayers_at_any_depth_are_tracked_and_trained():
    model = Net()
    model(X[:1])
    assert [tuple(w.shape) for w in model.trainable_weights] == [
        (5, 4), (4,), (4, 1), (1,), (4, 1), (1,)]
    assert model.count_params() == 5 * 4 + 4 + 2 * (4 + 1)
    before = [w.numpy().copy() for w in model.trainable_weights]
    model.compile(numnet.optimizers.SGD(0.05), "mse")
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    changed = [not np.allclose(a, w.numpy()) for a, w in zip(before, model.trainable_weights)]
    assert all(changed)


def test_nested_layers_follow_keras_loss_trajectory(keras):
    model = Net()
    model(X[:1])
    weights = model.get_weights()

    class KBlock(keras.layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.hidden = keras.layers.Dense(units, activation="relu")
            self.heads = [keras.layers.Dense(1), keras.layers.Dense(1)]

        def call(self, inputs):
            h = self.hidden(inputs)
            return self.heads[0](h) + self.heads[1](h)

    class KNet(keras.Model):
        def __init__(self):
            super().__init__()
            self.block = KBlock(4)

        def call(self, inputs):
            return self.block(inputs)

    reference = KNet()
    reference(X[:1])
    reference.set_weights(weights)
    model.compile(numnet.optimizers.SGD(0.05), "mse")
    reference.compile(keras.optimizers.SGD(0.05), "mse")
    ours = model.fit(X, Y, epochs=3, batch_size=16, verbose=0, shuffle=False).history["loss"]
    theirs = reference.fit(X, Y, epochs=3, batch_size=16, verbose=0,
                           shuffle=False).history["loss"]
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)


def test_a_build_that_takes_no_shape_is_called_without_one():
    class Gate(layers.Layer):  # as the GRN / VSN example writes its layers
        def __init__(self, units):
            super().__init__()
            self.units = units

        def build(self):
            self.dense = layers.Dense(self.units)
            self.built = True

        def call(self, inputs):
            return self.dense(inputs)

    gate = Gate(3)
    out = gate(np.ones((2, 5), "float32"))
    assert out.shape == (2, 3) and gate.built and gate.input_shape == (None, 5)
    inputs = numnet.Input((5,))
    model = numnet.Model(inputs, Gate(2)(inputs))
    assert model.output_shape == (None, 2) and len(model.trainable_weights) == 2


def test_variable_paths_name_the_layers_they_were_built_in_as_keras():
    """Keras 3 makes a variable's path from the name scopes open when it is made: a layer
    builds in its own scope, inside those of the layers (and Sequential models) whose call or
    build built it; a functional model's layers are built before the model exists."""
    class Block(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = layers.Dense(2, name="inner")

        def call(self, x):
            return self.inner(x)

    class Outer(numnet.Model):
        def __init__(self):
            super().__init__(name="outer")
            self.block = Block(name="block")

        def call(self, x):
            return self.block(x)

    outer = Outer()
    outer(np.ones((1, 3), "float32"))
    assert [v.path for v in outer.weights] == ["outer/block/inner/kernel", "outer/block/inner/bias"]
    inputs = numnet.Input((3,))
    functional = numnet.Model(inputs, Block(name="b2")(layers.Dense(3, name="d0")(inputs)))
    assert [v.path for v in functional.weights] == ["d0/kernel", "d0/bias", "b2/inner/kernel",
                                                    "b2/inner/bias"]
    seq = numnet.Sequential([numnet.Input((3,)), layers.Dense(2, name="d1")], name="seq")
    assert [v.path for v in seq.weights] == ["seq/d1/kernel", "seq/d1/bias"]
    alone = layers.Dense(2, name="alone")
    alone.build((None, 3))
    assert alone.kernel.path == "alone/kernel"


def test_variables_set_as_attributes_are_weights():
    class Scale(layers.Layer):
        def __init__(self):
            super().__init__()
            self.alpha = numnet.Variable(np.array([3.0], "float32"))

        def call(self, inputs):
            return inputs * self.alpha

    layer = Scale()
    assert len(layer.weights) == 1 and layer.trainable_weights[0] is layer.alpha


def test_trainable_reaches_everything_inside():
    inner = numnet.Sequential([layers.Dense(3), layers.Dense(2)])
    outer = numnet.Sequential([numnet.Input((5,)), inner, layers.Dense(1)])
    outer.layers[0].trainable = False
    assert all(not layer.trainable for layer in inner.layers)
    assert len(outer.trainable_weights) == 2
    outer.trainable = False
    assert outer.trainable_weights == [] and len(outer.non_trainable_weights) == 6
    outer.trainable = True
    assert len(outer.trainable_weights) == 6


def test_frozen_batch_normalization_keeps_its_statistics_and_runs_in_inference():
    bn = layers.BatchNormalization()
    model = numnet.Sequential([numnet.Input((5,)), bn, layers.Dense(1)])
    model.build((None, 5))
    bn.trainable = False
    model.compile("sgd", "mse")
    model.fit(X * 3.0 + 1.0, Y, epochs=1, batch_size=16, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0.0)
    np.testing.assert_array_equal(bn.moving_variance.numpy(), 1.0)
    # inference mode in training too: (x - 0) / sqrt(1 + eps) * gamma + beta
    out = bn(X, training=True).numpy()
    np.testing.assert_allclose(out, X / np.sqrt(1.0 + bn.epsilon), rtol=1e-6)
    bn.trainable = True
    model.compile("sgd", "mse")
    model.fit(X * 3.0 + 1.0, Y, epochs=1, batch_size=16, verbose=0)
    assert not np.allclose(bn.moving_mean.numpy(), 0.0)


# ----------------------------------------------------------------------------- add_loss, masks


def test_add_loss_counts_in_losses_and_in_the_training_loss():
    class Penalty(layers.Layer):
        def call(self, inputs):
            self.add_loss(0.5 * ops.sum(ops.square(inputs)))
            return inputs

    inputs = numnet.Input((5,))
    model = numnet.Model(inputs, Penalty()(inputs))
    out = model(X[:4])
    np.testing.assert_allclose(float(model.losses[0].numpy()), 0.5 * np.sum(X[:4] ** 2),
                               rtol=1e-5)
    model(X[:2])  # a new call replaces the last call's losses
    assert len(model.losses) == 1
    np.testing.assert_allclose(float(model.losses[0].numpy()), 0.5 * np.sum(X[:2] ** 2),
                               rtol=1e-5)
    assert out.shape == (4, 5)


def test_endpoint_layer_trains_without_a_compiled_loss():
    class Endpoint(layers.Layer):
        def call(self, targets, predictions):
            self.add_loss(ops.mean(ops.square(targets - predictions)))
            return predictions

    x_in, y_in = numnet.Input((5,)), numnet.Input((1,))
    model = numnet.Model([x_in, y_in], Endpoint()(y_in, layers.Dense(1)(x_in)))
    model.compile(numnet.optimizers.Adam(0.05))
    loss = model.fit([X, Y], epochs=5, batch_size=16, verbose=0).history["loss"]
    assert loss[-1] < 0.7 * loss[0]


def test_masks_travel_on_outputs_and_reach_call():
    received = {}

    class MaskedMean(layers.Layer):
        supports_masking = True

        def call(self, inputs, mask=None):
            received["mask"] = mask
            weights = ops.expand_dims(ops.cast(mask, "float32"), -1)
            return ops.sum(inputs * weights, axis=1) / ops.sum(weights, axis=1)

        def compute_mask(self, inputs, mask=None):
            return None

    ids = np.array([[3, 4, 0, 0], [5, 0, 0, 0]])
    embedded = layers.Embedding(10, 2, mask_zero=True)(ids)
    np.testing.assert_array_equal(embedded._keras_mask, ids != 0)
    out = MaskedMean()(embedded).numpy()
    np.testing.assert_array_equal(received["mask"], ids != 0)
    e = embedded.numpy()
    np.testing.assert_allclose(out, [e[0, :2].mean(0), e[1, :1].mean(0)], rtol=1e-6)


def test_a_custom_compute_mask_makes_the_mask():
    class NonZero(layers.Layer):
        def call(self, inputs):
            return inputs

        def compute_mask(self, inputs, mask=None):
            return ops.not_equal(inputs[..., 0], 0.0)

    x = np.array([[[1.0], [0.0], [2.0]]], "float32")
    np.testing.assert_array_equal(NonZero()(x)._keras_mask, [[True, False, True]])


# ----------------------------------------------------------------------------- symbolic graphs


def test_operators_and_ops_on_symbolic_tensors_are_graph_nodes():
    inputs = numnet.Input((5,))
    x = layers.Dense(5, kernel_initializer="ones", bias_initializer="zeros")(inputs)
    x += inputs
    y = ops.concatenate([x * 2.0 - 1.0, inputs[:, :2], ops.cast(inputs > 0, "float32")],
                        axis=-1)
    model = numnet.Model(inputs, y)
    assert [layer.name for layer in model.layers][1:] == [model.layers[1].name]
    dense = X @ np.ones((5, 5), "float32")
    expected = np.concatenate([(dense + X) * 2.0 - 1.0, X[:, :2], (X > 0).astype("float32")],
                              axis=-1)
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_graphs_with_ops_save_load_and_clone(tmp_path):
    inputs = numnet.Input((5,))
    x = layers.Dense(3)(inputs)
    out = ops.expand_dims(x, -1)[:, :, 0] * 0.5 + inputs[:, 1:4]
    model = numnet.Model(inputs, out)
    expected = model.predict(X, verbose=0)
    path = str(tmp_path / "ops.numnet")
    model.save(path)
    np.testing.assert_array_equal(numnet.models.load_model(path).predict(X, verbose=0),
                                  expected)
    clone = numnet.models.clone_model(model)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(X, verbose=0), expected, rtol=1e-6)
    rebuilt = numnet.Model.from_config(model.get_config())
    assert rebuilt.count_params() == model.count_params() == 18


class Split(layers.Layer):
    def call(self, inputs):
        return inputs[:, :2], inputs[:, 2:]


def test_a_layer_returning_a_tuple_unpacks_in_a_graph_and_a_lambda_takes_a_list(tmp_path):
    inputs = numnet.Input((5,))
    left, right = Split()(inputs)
    assert left.shape == (None, 2) and right.shape == (None, 3)
    distance = layers.Lambda(lambda t: ops.sum(t[0], axis=1, keepdims=True)
                             - ops.sum(t[1], axis=1, keepdims=True))([left, right])
    model = numnet.Model(inputs, distance)
    expected = X[:, :2].sum(1, keepdims=True) - X[:, 2:].sum(1, keepdims=True)
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_recurrent_return_state_and_initial_state_in_a_functional_model():
    encoder_inputs = numnet.Input((None, 3))
    _, h, c = layers.LSTM(4, return_state=True)(encoder_inputs)
    assert h.shape == (None, 4) and c.shape == (None, 4)
    decoder_inputs = numnet.Input((None, 2))
    decoded = layers.LSTM(4, return_sequences=True)(decoder_inputs, initial_state=[h, c])
    model = numnet.Model([encoder_inputs, decoder_inputs], layers.Dense(2)(decoded))
    a = RNG.normal(size=(8, 6, 3)).astype("float32")
    b = RNG.normal(size=(8, 5, 2)).astype("float32")
    out = model.predict([a, b], verbose=0)
    assert out.shape == (8, 5, 2)
    # the decoder starts from the encoder's final state, computed here by the layers alone
    lstms = [layer for layer in model.layers if isinstance(layer, layers.LSTM)]
    encoder = next(layer for layer in lstms if layer.return_state)
    decoder = next(layer for layer in lstms if not layer.return_state)
    dense = model.layers[-1]
    _, h0, c0 = encoder(a)
    np.testing.assert_allclose(out, dense(decoder(b, initial_state=[h0, c0])).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_every_layer_of_a_functional_model_has_an_output():
    inputs = numnet.Input((5,))
    model = numnet.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)))
    outputs = [layer.output for layer in model.layers]
    extractor = numnet.Model(model.inputs, outputs)
    features = extractor.predict(X, verbose=0)
    np.testing.assert_array_equal(features[0], X)
    assert [f.shape for f in features] == [(64, 5), (64, 3), (64, 2)]


def test_from_config_with_custom_objects_gives_a_built_model():
    inputs = numnet.Input((5,))
    model = numnet.Model(inputs, layers.Dense(1)(Double()(inputs)))
    rebuilt = numnet.Model.from_config(model.get_config(), custom_objects={"Double": Double})
    assert rebuilt.built and rebuilt.count_params() == 6
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(X, verbose=0), model.predict(X, verbose=0))


# ----------------------------------------------------------------------------- custom training


class StepModel(numnet.Model):
    def train_step(self, data):
        x, y = data
        with numnet.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def _linear(cls=numnet.Model):
    inputs = numnet.Input((5,))
    model = cls(inputs, layers.Dense(1, kernel_initializer="zeros")(inputs))
    model.compile(numnet.optimizers.SGD(0.01), "mse", metrics=["mae"])
    return model


def test_an_overridden_train_step_computes_what_fit_computes():
    ours, plain = _linear(StepModel), _linear()
    a = ours.fit(X, Y, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    b = plain.fit(X, Y, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    assert sorted(a) == ["loss", "mae"]
    for key in ("loss", "mae"):
        np.testing.assert_allclose(a[key], b[key], rtol=1e-5)
    np.testing.assert_allclose(ours.get_weights()[0], plain.get_weights()[0], rtol=1e-5)
    logs = ours.evaluate(X, Y, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], plain.evaluate(X, Y, verbose=0)[0], rtol=1e-5)


def test_an_overridden_compute_loss_is_the_loss_trained_on():
    class Doubled(numnet.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return 2.0 * ops.mean(ops.square(y_pred - y))

    ours, plain = _linear(Doubled), _linear()
    plain.compile(numnet.optimizers.SGD(0.02), "mse")  # twice the loss: twice the step
    a = ours.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0).history["loss"]
    b = plain.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(np.array(a) / 2.0, b, rtol=1e-5)
    np.testing.assert_allclose(ours.get_weights()[0], plain.get_weights()[0], rtol=1e-5)


def test_train_on_batch_and_test_on_batch_take_the_models_own_step_and_loss():
    class Doubled(numnet.Model):
        steps = 0

        def train_step(self, data):
            self.steps += 1
            return super().train_step(data)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return 2.0 * super().compute_loss(x, y, y_pred, sample_weight, training)

    ours, plain = _linear(Doubled), _linear()
    plain.compile(numnet.optimizers.SGD(0.02), "mse", metrics=["mae"])  # twice the step
    ours.compile(numnet.optimizers.SGD(0.01), "mse", metrics=["mae"])
    loss, mae = ours.train_on_batch(X[:16], Y[:16])
    plain_loss, plain_mae = plain.train_on_batch(X[:16], Y[:16])
    assert ours.steps == 1
    assert loss == pytest.approx(2 * plain_loss, rel=1e-6) and mae == pytest.approx(plain_mae)
    np.testing.assert_allclose(ours.get_weights()[0], plain.get_weights()[0], rtol=1e-6)
    logs = ours.test_on_batch(X[:16], Y[:16], return_dict=True)  # metrics reset first
    assert logs["loss"] == pytest.approx(2 * plain.test_on_batch(X[:16], Y[:16])[0], rel=1e-6)
    assert sorted(logs) == ["loss", "mae"] and ours.steps == 1


def test_an_epoch_reports_the_models_metrics_when_the_step_logs_have_their_names():
    """Keras 3: after a run of one's own steps, fit's epoch and evaluate report
    ``self.metrics``' results when the last step's logs have exactly their names, else the
    last step's logs."""
    class BareLoss(numnet.Model):
        def train_step(self, data):  # returns the batch loss; the loss tracker never sees it
            x, y = data
            with numnet.GradientTape() as tape:
                loss = ops.mean(ops.square(self(x, training=True) - y))
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply(grads, self.trainable_weights)
            return {"loss": loss}

        def test_step(self, data):
            x, y = data
            return {"loss": ops.mean(ops.square(self(x) - y)), "batch": 1.0}

    model = _linear(BareLoss)
    history = model.fit(X, Y, epochs=1, batch_size=16, verbose=0).history
    assert history["loss"][0] > 0  # metrics of other names (loss, mae): the step's logs
    model.compile(numnet.optimizers.SGD(0.01), "mse")
    history = model.fit(X, Y, epochs=2, batch_size=16, verbose=0).history
    assert history["loss"] == [0.0, 0.0]  # the untouched tracker's result, as in Keras
    logs = model.evaluate(X[:16], Y[:16], batch_size=16, verbose=0, return_dict=True)
    assert sorted(logs) == ["batch", "loss"] and logs["loss"] > 0  # other names: as returned


def test_an_own_train_step_over_indices_builds_the_compiled_metrics_in_its_first_step():
    """x is a batch of row indices that the step turns into the model's input: fit must not
    call the model on x before the first step (as Keras on TensorFlow)."""
    table = np.random.default_rng(3).normal(size=(40, 5)).astype("float32")
    labels = (table[:, 0] > 0).astype("int32")

    class ByIndex(numnet.Model):
        def __init__(self):
            super().__init__()
            self.out = layers.Dense(2)

        def call(self, inputs):
            rows, features = inputs
            return ops.take(self.out(features), rows, axis=0)

        def train_step(self, data):
            indices, y = data
            with numnet.GradientTape() as tape:
                y_pred = self([indices, table], training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply(grads, self.trainable_weights)
            for metric in self.metrics:  # as Keras's guide: the loss tracker by hand
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    model = ByIndex()
    model.compile(numnet.optimizers.Adam(0.05),
                  numnet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(np.arange(40), labels[np.arange(40)], batch_size=8, epochs=5,
                        verbose=0).history
    assert sorted(history) == ["accuracy", "loss"]
    assert history["loss"][-1] < history["loss"][0] and history["accuracy"][-1] > 0.7


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_a_missing_channel_axis_of_size_one_is_added_and_an_extra_one_dropped(kind):
    """As Keras 3's functional models (the 3D CT-scan example feeds (batch, 4, 4) to an
    Input((4, 4, 1)))."""
    if kind == "functional":
        inputs = numnet.Input((4, 4, 1))
        model = numnet.Model(inputs, layers.Dense(1)(layers.Flatten()(inputs)))
    else:
        model = numnet.Sequential([numnet.Input((4, 4, 1)), layers.Flatten(), layers.Dense(1)])
    x = np.random.default_rng(1).normal(size=(8, 4, 4)).astype("float32")
    full = model.predict(x[..., None], verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), full, rtol=1e-6)
    np.testing.assert_allclose(model(x).numpy(), full, rtol=1e-6)
    np.testing.assert_allclose(model(numnet.ops.convert_to_tensor(x)).numpy(), full,
                               rtol=1e-6)
    model.compile("sgd", "mse")
    assert model.evaluate(x, np.zeros((8, 1)), verbose=0) == pytest.approx(
        float(np.mean(full ** 2)), rel=1e-5)
    model.fit(x, np.zeros((8, 1)), epochs=1, verbose=0)
    flat = numnet.Sequential([numnet.Input((3,)), layers.Dense(1)])
    column = np.ones((2, 3, 1), "float32")  # one axis over, of size 1: dropped
    np.testing.assert_allclose(flat.predict(column, verbose=0),
                               flat.predict(column[..., 0], verbose=0))
    with pytest.raises(ValueError, match="expects input of shape"):
        flat.predict(np.ones((2, 3, 2), "float32"), verbose=0)


def test_calling_a_model_whose_outputs_are_a_dict_gives_a_dict():
    inputs = numnet.Input((5,))
    hidden = layers.Dense(3, name="hidden")(inputs)
    model = numnet.Model(inputs, {"score": layers.Dense(1)(hidden), "hidden": hidden})
    out = model(X[:4])
    assert isinstance(out, dict) and sorted(out) == ["hidden", "score"]
    predicted = model.predict(X[:4], verbose=0)
    np.testing.assert_allclose(out["score"].numpy(), predicted["score"], rtol=1e-6)
    assert out["hidden"].shape == (4, 3)
    model.compile("sgd", {"score": "mse", "hidden": "mse"})
    with numnet.GradientTape() as tape:  # a loop of one's own, on the dict
        out = model(X[:4], training=True)
        loss = model.compute_loss(X[:4], {"score": Y[:4], "hidden": np.zeros((4, 3))}, out)
    assert all(g is not None for g in tape.gradient(loss, model.trainable_weights))


def test_own_loss_trackers_with_no_compiled_loss():
    class Tracked(numnet.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = numnet.metrics.Mean(name="loss")
            self.mae = numnet.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with numnet.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = ops.mean(ops.square(y_pred - y))
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply(grads, self.trainable_weights)
            self.loss_tracker.update_state(loss)
            self.mae.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae]

    inputs = numnet.Input((5,))
    model = Tracked(inputs, layers.Dense(1)(inputs))
    model.compile(numnet.optimizers.Adam(0.05))
    history = model.fit(X, Y, epochs=4, batch_size=16, verbose=0).history
    assert sorted(history) == ["loss", "mae"]
    assert history["loss"][-1] < 0.8 * history["loss"][0]
    assert model.loss_tracker.result().numpy() == pytest.approx(history["loss"][-1])


def test_a_training_loop_from_scratch_matches_fit():
    model, reference = _linear(), _linear()
    optimizer = numnet.optimizers.SGD(0.01)
    loss_fn = numnet.losses.MeanSquaredError()
    for _ in range(2):  # epochs
        for start in range(0, len(X), 16):
            xb, yb = X[start:start + 16], Y[start:start + 16]
            with numnet.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights))
    reference.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_gradient_tape_gives_derivatives_and_leaves_grads_alone():
    w = numnet.Variable(np.array([1.0, -2.0], "float32"))
    x = numnet.Tensor(np.array([3.0, 4.0], "float32"))
    with numnet.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.sum(w * w * x)
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), 2 * w.numpy() * x.numpy())
    gw, gx = tape.gradient(y, [w, x])
    np.testing.assert_allclose(gx.numpy(), w.numpy() ** 2)
    assert w.grad is None
    unrelated = numnet.Variable(np.zeros(2, "float32"))
    assert tape.gradient(y, unrelated) is None
    once = numnet.GradientTape()
    with once:
        z = ops.sum(w)
    once.gradient(z, w)
    with pytest.raises(RuntimeError, match="non-persistent"):
        once.gradient(z, w)


def test_callbacks_get_dicts_never_none():
    seen = []

    class Record(numnet.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(("train_begin", logs))

        def on_epoch_begin(self, epoch, logs=None):
            seen.append(("epoch_begin", logs))

        def on_train_batch_begin(self, batch, logs=None):
            seen.append(("batch_begin", logs))

        def on_test_begin(self, logs=None):
            seen.append(("test_begin", logs))

        def on_predict_begin(self, logs=None):
            seen.append(("predict_begin", logs))

    model = _linear()
    model.fit(X, Y, epochs=1, batch_size=32, validation_split=0.25, verbose=0,
              callbacks=[Record()])
    model.predict(X, batch_size=8, callbacks=[Record()], verbose=0)
    assert seen and all(isinstance(logs, dict) for _, logs in seen)
    assert {name for name, _ in seen} == {"train_begin", "epoch_begin", "batch_begin",
                                          "test_begin", "predict_begin"}


def test_subclassed_model_takes_a_dict_of_inputs():
    class TwoInputs(numnet.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = layers.Dense(1), layers.Dense(1)

        def call(self, inputs):
            return self.a(inputs["left"]) + self.b(inputs["right"])

    model = TwoInputs()
    model.compile(numnet.optimizers.Adam(0.05), "mse")
    data = {"left": X[:, :2], "right": X[:, 2:]}
    history = model.fit(data, Y, epochs=5, batch_size=16, verbose=0).history
    assert history["loss"][-1] < 0.8 * history["loss"][0]
    assert model.predict(data, verbose=0).shape == (64, 1)


def test_a_call_fixed_to_inference_stays_so_when_fine_tuning():
    x = RNG.normal(size=(64, 6, 6, 2)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("float32")
    base_in = numnet.Input((6, 6, 2))
    base = numnet.Model(base_in, layers.BatchNormalization()(layers.Conv2D(3, 3)(base_in)))
    base.trainable = False
    inputs = numnet.Input((6, 6, 2))
    features = layers.GlobalAveragePooling2D()(base(inputs, training=False))
    model = numnet.Model(inputs, layers.Dense(1)(features))
    before = [w.copy() for w in base.get_weights()]
    model.compile("adam", numnet.losses.BinaryCrossentropy(from_logits=True))
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, base.get_weights()))
    base.trainable = True  # fine-tuning: the kernel trains, the statistics stay (inference)
    model.compile(numnet.optimizers.Adam(1e-3), numnet.losses.BinaryCrossentropy(from_logits=True))
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    after = base.get_weights()
    assert not np.array_equal(before[0], after[0])
    np.testing.assert_array_equal(before[4], after[4])  # moving mean
    np.testing.assert_array_equal(before[5], after[5])  # moving variance


def test_losses_count_each_penalty_once_in_keras_order_and_none_of_a_frozen_layer():
    """``layer.losses`` (what training adds to the loss): a layer held twice (shared, or a
    wrapper's inner layer) adds its penalty once; a frozen layer's weights add none; the
    order is Keras's: each layer's add_loss losses and activity penalty, the outer layer's
    first, then the weights' penalties (numbers from Keras 3.15 on the same layers)."""
    l2 = numnet.regularizers.L2(1.0)
    shared = numnet.layers.Dense(2, kernel_regularizer=l2, kernel_initializer="ones")

    class Inner(numnet.layers.Layer):
        def __init__(self, dense, **kwargs):
            super().__init__(**kwargs)
            self.dense = dense

        def call(self, x):
            self.add_loss(numnet.ops.sum(x) * 0 + 1.0)
            return self.dense(x)

    class Outer(numnet.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(activity_regularizer=numnet.regularizers.L1(0.01), **kwargs)
            self.inner = Inner(shared)
            self.dense = shared

        def call(self, x):
            self.add_loss(numnet.ops.sum(x) * 0 + 7.0)
            return self.inner(x)

    outer = Outer()
    outer(np.ones((2, 3), "float32"))
    # the kernel of ones, 3 x 2: L2 penalty 6; the activity L1 0.01 * 12 / batch 2 = 0.06
    np.testing.assert_allclose([float(v) for v in outer.losses], [7.0, 0.06, 1.0, 6.0],
                               rtol=1e-6)
    shared.trainable = False
    np.testing.assert_allclose([float(v) for v in outer.losses], [7.0, 0.06, 1.0], rtol=1e-6)

    inputs = numnet.Input((4, 3))
    rnn = numnet.layers.SimpleRNN(2, kernel_regularizer=l2, kernel_initializer="ones",
                                  recurrent_initializer="zeros")
    per_step = numnet.layers.TimeDistributed(numnet.layers.Dense(
        2, kernel_regularizer=l2, kernel_initializer="ones"))
    model = numnet.Model(inputs, [numnet.layers.Bidirectional(rnn)(inputs), per_step(inputs)])
    np.testing.assert_allclose([float(v) for v in model.losses], [6.0, 6.0, 6.0])
    model.compile("sgd", ["mse", "mse"])
    zeros = np.zeros((2, 4, 3), "float32")
    loss = model.evaluate(zeros, [np.zeros((2, 4)), np.zeros((2, 4, 2))], verbose=0)[0]
    np.testing.assert_allclose(loss, 18.0, rtol=1e-6)  # the outputs are 0: penalties alone


def test_keras3_layer_api_metrics_flatten_and_the_removed_add_metric():
    """``Layer.metrics`` lists the Metric objects held (Dense: none), ``_flatten_layers`` walks
    the layers as Keras's, ``add_metric`` (removed in Keras 3) and ``add_loss`` of a symbolic
    tensor raise, naming the replacement."""
    assert layers.Dense(2).metrics == []

    class Tracked(layers.Layer):
        def __init__(self):
            super().__init__()
            self.total = numnet.metrics.Sum(name="total")
            self.dense = layers.Dense(1)

        def call(self, x):
            self.total.update_state(ops.sum(x))
            return self.dense(x)

    tracked = Tracked()
    tracked(np.ones((2, 3), "float32"))
    assert [m.name for m in tracked.metrics] == ["total"]
    assert float(tracked.metrics[0].result()) == 6.0
    outer = numnet.Sequential([numnet.Input((3,)), tracked])
    assert [type(layer).__name__ for layer in outer._flatten_layers()] == [
        "Sequential", "Tracked", "Dense"]
    assert [type(layer).__name__ for layer in outer._flatten_layers(
        include_self=False, recursive=False)] == ["Tracked"]
    with pytest.raises(NotImplementedError, match="removed in Keras 3"):
        layers.Dense(1).add_metric(1.0)
    with pytest.raises(ValueError, match="symbolic tensor"):
        layers.Dense(1).add_loss(ops.sum(numnet.Input((2,))))


def test_a_functional_model_takes_and_ignores_jit_compile_as_keras():
    inputs = numnet.Input((2,))
    model = numnet.Model(inputs, layers.Dense(1)(inputs), jit_compile=False)
    assert model.output_shape == (None, 1)
    with pytest.raises(TypeError, match="jit_compile"):
        numnet.Model(jit_compile=False)  # a subclassed model's: refused, as in Keras


def test_a_model_called_without_training_leaves_each_layer_its_default():
    """``model(x)`` with no ``training`` lets each layer take its own default, as Keras does:
    RandomFlip augments (its call defaults to training=True), Dropout does not (False); and
    an integer Tensor given to a model whose Input is float32 is cast to float32 first, as
    Keras converts a model's inputs to its Inputs' dtypes."""
    numnet.utils.set_random_seed(0)
    flip = numnet.Sequential([layers.RandomFlip("horizontal")])
    row = np.arange(8.0).reshape(1, 2, 4, 1)
    flipped = sum(float(np.asarray(flip(row)).ravel()[0]) != 0.0 for _ in range(40))
    assert 5 <= flipped <= 35
    assert all(float(np.asarray(flip(row, training=False)).ravel()[0]) == 0.0
               for _ in range(5))
    drop = numnet.Sequential([numnet.Input((10,)), layers.Dropout(0.5)])
    np.testing.assert_array_equal(np.asarray(drop(np.ones((4, 10), "float32"))), 1.0)
    image = numnet.ops.convert_to_tensor(np.array([[[[0], [255]], [[255], [0]]]], "uint8"))
    resize = numnet.Sequential([numnet.Input((2, 2, 1)), layers.Resizing(3, 3)])
    out = resize(image)
    assert out.dtype == "float32"
    np.testing.assert_allclose(np.asarray(out), np.asarray(resize(np.asarray(image))))


def test_a_sequential_beginning_with_a_sequential_given_an_input_shape_is_built():
    inner = numnet.Sequential([layers.Dense(4, input_shape=(3,))])
    outer = numnet.Sequential([inner, layers.Dense(2)])
    assert outer.input_shape == (None, 3) and outer.count_params() == 3 * 4 + 4 + 4 * 2 + 2
