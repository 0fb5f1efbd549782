"""Functional models beyond chains: several inputs, branches, merge layers, shared layers.

Checked against the same computation written in NumPy, by gradient checks, by training (list and
dict inputs, validation_split) against Keras 3 from the same weights, by model-file round trips,
and by the errors bad inputs get.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor
from numnet.fast import updates as fused

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning",
                                        "ignore::DeprecationWarning")

RNG = np.random.default_rng(0)
DEEP = RNG.normal(size=(96, 5)).astype("float32")
WIDE = RNG.normal(size=(96, 3)).astype("float32")
TARGET = (np.tanh(DEEP[:, :2].sum(1, keepdims=True)) + 0.5 * WIDE[:, :1]).astype("float32")


def _wide_and_deep(lib, hidden=8):
    """Concatenate of a Dense branch and the raw wide input, then one output unit."""
    deep = lib.Input(shape=(5,), name="deep")
    wide = lib.Input(shape=(3,), name="wide")
    h = lib.layers.Dense(hidden, activation="relu", name="hidden")(deep)
    out = lib.layers.Dense(1, name="out")(lib.layers.concatenate([h, wide]))
    return lib.Model(inputs=[deep, wide], outputs=out)


def _siamese(lib):
    """A layer shared by two branches, added; the sum joined to the wide input."""
    deep = lib.Input(shape=(5,), name="deep")
    wide = lib.Input(shape=(3,), name="wide")
    hidden = lib.layers.Dense(8, activation="relu", name="hidden")(deep)
    projected = lib.layers.Dense(8, name="projected")(wide)
    shared = lib.layers.Dense(4, activation="tanh", name="shared")
    both = lib.layers.add([shared(hidden), shared(projected)])
    out = lib.layers.Dense(1, name="out")(lib.layers.concatenate([both, wide]))
    return lib.Model(inputs=[deep, wide], outputs=out)


def _relu(z):
    return np.maximum(z, 0)


# ----------------------------------------------------------------------------- the graph


def test_wide_and_deep_computes_what_numpy_computes_with_its_weights():
    numnet.utils.set_random_seed(1)
    model = _wide_and_deep(numnet)
    # Keras 3's order (by depth from the output): the wide input after the deep branch's layer
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "Dense", "InputLayer", "Concatenate", "Dense"]
    assert [t.shape for t in model.inputs] == [(None, 5), (None, 3)]
    assert model.output_shape == (None, 1) and model.count_params() == 5 * 8 + 8 + 11 + 1
    k1, b1, k2, b2 = model.get_weights()
    expected = np.concatenate([_relu(DEEP @ k1 + b1), WIDE], axis=1) @ k2 + b2
    for x in ([DEEP, WIDE], (DEEP, WIDE), {"wide": WIDE, "deep": DEEP}):
        np.testing.assert_allclose(model.predict(x, batch_size=10, verbose=0), expected,
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model([DEEP, WIDE]).numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch([DEEP[:7], WIDE[:7]]), expected[:7],
                               rtol=1e-5, atol=1e-6)


def test_one_input_through_branches_that_merge():
    inputs = numnet.Input((4,))
    a = layers.Dense(3, activation="tanh", name="a")(inputs)
    b = layers.Dense(3, name="b")(inputs)
    model = numnet.Model(inputs, layers.Dense(2, name="top")(layers.multiply([a, b])))
    x = RNG.normal(size=(6, 4)).astype("float32")
    ka, ba, kb, bb, kt, bt = model.get_weights()
    expected = (np.tanh(x @ ka + ba) * (x @ kb + bb)) @ kt + bt
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict([x], verbose=0), expected, rtol=1e-5, atol=1e-6)
    # the graph model nests in a Sequential as one layer
    stacked = numnet.Sequential([model, layers.Dense(1, name="after")])
    stacked.build((None, 4))
    k, b = stacked.get_weights()[-2:]
    np.testing.assert_allclose(stacked.predict(x, verbose=0), expected @ k + b, rtol=1e-5,
                               atol=1e-6)


def test_merge_layers_compute_keras_values():
    a = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]], "float32")
    b = np.array([[2.0, 2.0, -1.0], [1.0, 4.0, 2.0]], "float32")
    c = np.array([[0.0, 1.0, 1.0], [3.0, -3.0, 0.0]], "float32")
    cases = {
        layers.Add(): a + b + c, layers.Subtract(): None, layers.Multiply(): a * b * c,
        layers.Average(): (a + b + c) / 3, layers.Maximum(): np.maximum(np.maximum(a, b), c),
        layers.Minimum(): np.minimum(np.minimum(a, b), c),
        layers.Concatenate(): np.concatenate([a, b, c], axis=1),
    }
    for layer, expected in cases.items():
        if expected is not None:
            np.testing.assert_allclose(layer([a, b, c]).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(layers.subtract([a, b]).numpy(), a - b)
    np.testing.assert_allclose(layers.dot([a, b], axes=1).numpy(), [[-5.0], [-1.5]])
    cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(layers.Dot(axes=-1, normalize=True)([a, b]).numpy(),
                               cosine[:, None], rtol=1e-6)
    # as batch_dot: (2, 3, 4) . (2, 5, 4) on axes 2 -> (2, 3, 5); on axes (1, 1) -> (2, 4, 4)
    p, q = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4))
    np.testing.assert_allclose(layers.Dot(axes=2)([p, q]).numpy(),
                               np.einsum("bik,bjk->bij", p, q), rtol=1e-5)
    r = RNG.normal(size=(2, 3, 4))
    np.testing.assert_allclose(layers.Dot(axes=(1, 1))([p, r]).numpy(),
                               np.einsum("bki,bkj->bij", p, r), rtol=1e-5)
    assert layers.Dot(axes=2).compute_output_shape([(None, 3, 4), (None, 5, 4)]) == \
        (None, 3, 5)
    assert layers.Concatenate(axis=1).compute_output_shape([(None, 2, 4), (None, None, 4)]) == \
        (None, None, 4)
    assert layers.Add().compute_output_shape([(None, 1, 4), (None, 3, 1)]) == (None, 3, 4)


# ----------------------------------------------------------------------------- gradients


MERGES = {
    "add": lambda a, b, c: layers.Add()([a, b, c]),
    "subtract": lambda a, b, c: layers.Subtract()([a, b]),
    "multiply": lambda a, b, c: layers.Multiply()([a, b, c]),
    "average": lambda a, b, c: layers.Average()([a, b, c]),
    "maximum": lambda a, b, c: layers.Maximum()([a, b, c]),
    "minimum": lambda a, b, c: layers.Minimum()([a, b, c]),
    "concatenate": lambda a, b, c: layers.Concatenate()([a, b, c]),
    "dot": lambda a, b, c: layers.Dot(axes=1)([a, b]),
    "dot_normalized": lambda a, b, c: layers.Dot(axes=-1, normalize=True)([a, c]),
    "broadcast_add": lambda a, b, c: layers.Add()([a, ops.sum(b, axis=1, keepdims=True)]),
}


@pytest.mark.parametrize("name", sorted(MERGES))
def test_merge_gradients(name):
    arrays = [RNG.normal(size=(4, 3)) for _ in range(3)]
    assert check_gradients(MERGES[name], arrays) < 1e-7


def test_dot_of_rank_3_gradient():
    dot = layers.Dot(axes=(2, 2))
    arrays = [RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4))]
    assert check_gradients(lambda a, b: dot([a, b]), arrays) < 1e-7


def test_a_shared_layer_gets_the_sum_of_the_gradients_of_its_two_uses():
    a, b = numnet.Input((3,), name="a"), numnet.Input((3,), name="b")
    shared = layers.Dense(2, activation="tanh", dtype="float64", name="shared")
    model = numnet.Model([a, b], layers.subtract([shared(a), shared(b)]))
    xa, xb = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    assert model.weights == shared.weights  # one set of weights
    assert check_gradients(lambda ta, tb: model([ta, tb]), [xa, xb], params=shared.weights) < 1e-7
    # d/dK sum(w * (tanh(xa K + b) - tanh(xb K + b))): the two uses' gradients added
    w = RNG.normal(size=(5, 2))
    for p in shared.weights:
        p.grad = None
    model([Tensor(xa), Tensor(xb)]).backward(w)
    kernel, bias = shared.get_weights()
    da = w * (1 - np.tanh(xa @ kernel + bias) ** 2)
    db = -w * (1 - np.tanh(xb @ kernel + bias) ** 2)
    np.testing.assert_allclose(shared.kernel.grad, xa.T @ da + xb.T @ db, rtol=1e-10)
    np.testing.assert_allclose(shared.bias.grad, (da + db).sum(0), rtol=1e-10)


# ----------------------------------------------------------------------------- training


def test_fit_with_list_and_dict_inputs_and_validation_split_learns():
    for x in ([DEEP, WIDE], {"deep": DEEP, "wide": WIDE}):
        numnet.utils.set_random_seed(2)
        model = _siamese(numnet)
        model.compile(optimizer=numnet.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        history = model.fit(x, TARGET, batch_size=16, epochs=30, validation_split=0.25,
                            verbose=0).history
        assert history["loss"][-1] < 0.2 * history["loss"][0]
        assert history["val_loss"][-1] < 0.3 * history["val_loss"][0]
        assert history["val_loss"][-1] == pytest.approx(model.evaluate(
            [DEEP[72:], WIDE[72:]], TARGET[72:], verbose=0, return_dict=True)["loss"], rel=1e-5)
    before = model.test_on_batch(x, TARGET, return_dict=True)["loss"]
    model.train_on_batch(x, TARGET)
    assert model.test_on_batch(x, TARGET, return_dict=True)["loss"] < before
    evaluated = model.evaluate(x, TARGET, verbose=0, return_dict=True)
    assert evaluated["loss"] == pytest.approx(
        float(np.mean((model.predict(x, verbose=0) - TARGET) ** 2)), rel=1e-5)


def test_shuffled_batches_keep_the_rows_of_the_inputs_together():
    # y = the deep input's first column, seen through an identity: any mix-up of rows between
    # the inputs or the targets shows as a loss above zero
    deep, wide = numnet.Input((5,), name="deep"), numnet.Input((3,), name="wide")
    out = layers.Dense(1, use_bias=False, kernel_initializer="zeros", trainable=False)(
        layers.concatenate([deep, wide]))
    model = numnet.Model([deep, wide], layers.Add()([out, layers.Lambda(
        lambda t: t[:, :1], output_shape=(1,))(deep)]))
    model.compile("sgd", "mse")
    history = model.fit([DEEP, WIDE], DEEP[:, :1], batch_size=7, epochs=2, shuffle=True,
                        verbose=0, validation_data=([DEEP[:20], WIDE[:20]], DEEP[:20, :1]))
    assert history.history["loss"] == [0.0, 0.0] and history.history["val_loss"] == [0.0, 0.0]


def test_the_same_model_and_batches_follow_keras_loss_trajectory():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras cross-check runs Keras on its JAX backend")
    keras = pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")
    keras.utils.set_random_seed(4)
    kmodel, model = _siamese(keras), _siamese(numnet)
    for layer in model.layers:
        if layer.weights:
            layer.set_weights(kmodel.get_layer(layer.name).get_weights())
    kmodel.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.compile(optimizer=numnet.optimizers.Adam(0.01), loss="mse")
    steps = [slice(lo, lo + 16) for lo in range(0, 96, 16)] * 4
    k_losses = [float(kmodel.train_on_batch([DEEP[s], WIDE[s]], TARGET[s])) for s in steps]
    n_losses = [float(model.train_on_batch([DEEP[s], WIDE[s]], TARGET[s])) for s in steps]
    np.testing.assert_allclose(n_losses, k_losses, rtol=2e-4, atol=1e-6)
    assert n_losses[-1] < 0.5 * n_losses[0]
    # fit with a dict of inputs, validation_split, no shuffling: the same history
    x = {"deep": DEEP, "wide": WIDE}
    fits = [m.fit(x, TARGET, batch_size=16, epochs=3, validation_split=0.25, shuffle=False,
                  verbose=0).history for m in (kmodel, model)]
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(fits[1][key], fits[0][key], rtol=2e-4)
    np.testing.assert_allclose(model.predict(x, verbose=0), kmodel.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------- files, chains


def test_a_graph_model_round_trips_through_a_file(tmp_path):
    numnet.utils.set_random_seed(5)
    model = _siamese(numnet)
    model.compile(optimizer="adam", loss="mse")
    model.fit([DEEP, WIDE], TARGET, epochs=2, verbose=0)
    model.save(tmp_path / "siamese.numnet")
    loaded = numnet.models.load_model(tmp_path / "siamese.numnet")
    assert type(loaded) is numnet.Model and loaded.compiled
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    calls = [layer for layer, _, _ in loaded._graph if layer.name == "shared"]
    assert len(calls) == 2 and calls[0] is calls[1]  # still one layer, called twice
    np.testing.assert_array_equal(loaded.predict([DEEP, WIDE], verbose=0),
                                  model.predict([DEEP, WIDE], verbose=0))
    # the same next step: the optimizer state came back too
    np.testing.assert_array_equal(loaded.train_on_batch([DEEP, WIDE], TARGET),
                                  model.train_on_batch([DEEP, WIDE], TARGET))
    # Keras's layout: each layer's calls, each tensor by [layer, call, 0]
    spec = json.loads(model.to_json())
    assert spec["class_name"] == "Functional"
    config = spec["config"]
    assert config["input_layers"] == [["deep", 0, 0], ["wide", 0, 0]]
    assert config["output_layers"] == [["out", 0, 0]]
    shared = next(entry for entry in config["layers"] if entry["name"] == "shared")
    assert [node["args"][0]["config"]["keras_history"] for node in shared["inbound_nodes"]] == \
        [["hidden", 0, 0], ["projected", 0, 0]]
    add = next(entry for entry in config["layers"] if entry["class_name"] == "Add")
    assert [t["config"]["keras_history"] for t in add["inbound_nodes"][0]["args"][0]] == \
        [["shared", 0, 0], ["shared", 1, 0]]
    again = numnet.models.model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    np.testing.assert_array_equal(again.predict([DEEP, WIDE], verbose=0),
                                  model.predict([DEEP, WIDE], verbose=0))


def test_dict_inputs_round_trip_and_clone():
    a, b = numnet.Input((2,), name="a"), numnet.Input((2,), name="b")
    model = numnet.Model({"left": a, "right": b}, layers.Dense(1)(layers.subtract([a, b])))
    assert [t.input_layer.name for t in model.inputs] == ["a", "b"]  # sorted keys, as Keras
    x = {"left": np.ones((3, 2), "float32"), "right": np.zeros((3, 2), "float32")}
    expected = model.predict(x, verbose=0)
    np.testing.assert_array_equal(model.predict([x["left"], x["right"]], verbose=0), expected)
    loaded = numnet.models.model_from_json(model.to_json())
    assert json.loads(model.to_json())["config"]["input_layers"] == {
        "left": ["a", 0, 0], "right": ["b", 0, 0]}
    loaded.set_weights(model.get_weights())
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)
    clone = numnet.models.clone_model(model)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert not any(c is m for c, m in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(x, verbose=0), expected)


def test_clone_of_a_shared_layer_stays_shared():
    numnet.utils.set_random_seed(6)
    model = _siamese(numnet)
    clone = numnet.models.clone_model(model)
    assert clone.count_params() == model.count_params()
    assert len(clone.weights) == len(model.weights) == 8
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict([DEEP, WIDE], verbose=0),
                                  model.predict([DEEP, WIDE], verbose=0))
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Connected to" in text and "shared[1][0]" in text and "projected[0][0]" in text


def test_a_graph_model_is_plotted_with_its_branches(tmp_path):
    pytest.importorskip("matplotlib", reason="plot_model draws with matplotlib")
    fig = numnet.utils.plot_model(_siamese(numnet), to_file=tmp_path / "g.png",
                                  show_layer_names=True)
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    from matplotlib.text import Annotation

    arrows = [child for child in fig.axes[0].texts if isinstance(child, Annotation)]
    # deep->hidden, wide->projected, hidden->shared, projected->shared, shared->add,
    # add->concatenate, wide->concatenate, concatenate->out
    assert len(arrows) == 8


@pytest.mark.cpu_only
@pytest.mark.skipif(not fused.is_available(), reason="the stack step runs numba's kernels")
def test_a_chain_still_takes_the_stack_step_and_its_file_format(tmp_path, dense_nodes):
    inputs = numnet.Input((5,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    model = numnet.Model([inputs], layers.Dense(1)(hidden))
    assert model._graph is None and model._layers == [hidden.layer, model.layers[2]]
    model.compile("adam", "mse")
    model.fit(DEEP, TARGET, batch_size=16, epochs=2, verbose=0)
    assert dense_nodes[0] == 2  # only the first of 12 steps went through the tape
    config = json.loads(model.to_json())["config"]
    assert "input_layers" not in config and all("inbound_nodes" not in e
                                                for e in config["layers"])


OLD_CHAIN_FILE = """{"class_name": "Functional", "config": {"name": "chain", "trainable": true,
 "layers": [{"class_name": "InputLayer", "config": {"name": "pixels", "shape": [4],
 "batch_size": null, "dtype": "float32"}}, {"class_name": "Dense", "config": {"name": "d",
 "trainable": true, "dtype": "float32", "units": 2, "activation": "relu", "use_bias": true,
 "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
 "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
 "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null}}]},
 "numnet_version": "0.1.0", "format_version": 1}"""


def test_a_chain_written_before_graphs_still_loads(tmp_path):
    model = numnet.models.model_from_json(OLD_CHAIN_FILE)
    assert type(model) is numnet.Model and model._graph is None
    assert [layer.name for layer in model.layers] == ["pixels", "d"]
    model.set_weights([np.eye(4, 2, dtype="float32"), np.array([0.0, -1.0], "float32")])
    np.testing.assert_array_equal(model.predict(np.array([[1, 3, 0, 0]], "float32"),
                                  verbose=0), [[1.0, 2.0]])
    model.save(tmp_path / "chain.numnet")
    again = numnet.models.load_model(tmp_path / "chain.numnet")
    np.testing.assert_array_equal(again.get_weights()[0], np.eye(4, 2))


# ----------------------------------------------------------------------------- errors


def test_inputs_of_different_row_counts_are_refused():
    model = _wide_and_deep(numnet)
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"fit\(x\): every input must have the same number of "
                                         r"samples.*'deep': 96, 'wide': 50"):
        model.fit([DEEP, WIDE[:50]], TARGET, verbose=0)
    with pytest.raises(ValueError, match=r"x has 96, y has 10"):
        model.fit([DEEP, WIDE], TARGET[:10], verbose=0)


def test_missing_keys_and_wrong_counts_of_arrays_are_named():
    model = _wide_and_deep(numnet)
    with pytest.raises(ValueError, match=r"predict\(x\): no value for the input 'wide'; the "
                                         r"model's inputs are \['deep', 'wide'\]"):
        model.predict({"deep": DEEP, "wid": WIDE}, verbose=0)
    with pytest.raises(ValueError, match=r"the model has 2 inputs.*given a list of 3 items"):
        model.predict([DEEP, WIDE, WIDE], verbose=0)
    with pytest.raises(ValueError, match=r"the model has 2 inputs.*given one ndarray"):
        model.predict(DEEP, verbose=0)
    with pytest.raises(ValueError, match=r"x\['wide'\]\): the input 'wide' of model .* expects "
                                         r"shape \(None, 3\).*given shape \(96, 4\)"):
        model.predict([DEEP, np.ones((96, 4))], verbose=0)
    # a stream of batches: each one (x,) with x a list (or dict) of the inputs
    np.testing.assert_allclose(model.predict(iter([([DEEP, WIDE],)]), verbose=0),
                               model.predict([DEEP, WIDE], verbose=0), rtol=1e-6)
    with pytest.warns(UserWarning, match=r"the keys \['extra'\] name none"):
        model.predict({"deep": DEEP, "wide": WIDE, "extra": WIDE}, verbose=0)


@pytest.mark.parametrize("merge, shapes, message", [
    (layers.Add, [(3,), (4,)], r"inputs have incompatible shapes; received shapes "
                               r"\[\(None, 3\), \(None, 4\)\]"),
    (layers.Concatenate, [(2, 3), (4, 4)], r"requires inputs with matching shapes except for "
                                           r"the concatenation axis"),
    (layers.Multiply, [(3,), (3, 1)], r"needs inputs of one rank"),
    (layers.Subtract, [(3,), (3,), (3,)], r"exactly 2 inputs; received 3"),
    (lambda: layers.Dot(axes=1), [(3,), (4,)], r"axis 1 of the first input has size 3, axis 1 "
                                               r"of the second has size 4"),
    (lambda: layers.Dot(axes=0), [(3,), (3,)], r"needs a non-batch axis"),
    (layers.Add, [], r"at least 1 input; received an empty list"),
])
def test_merges_of_incompatible_shapes_are_refused(merge, shapes, message):
    with pytest.raises(ValueError, match=message):
        merge()([numnet.Input(s) for s in shapes])


@pytest.mark.parametrize("merge", [layers.Add, layers.Average, layers.Maximum, layers.Minimum,
                                   layers.Multiply, layers.Concatenate])
def test_a_merge_of_one_input_is_that_input(merge):
    # Keras 3 takes a list of one (keras.layers.concatenate([x]) of a one-feature dict)
    x = np.array([[1.0, -2.0]], "float32")
    np.testing.assert_array_equal(merge()([x]).numpy(), x)
    inputs = numnet.Input((2,))
    model = numnet.Model(inputs, merge()([inputs]))
    assert model.output_shape == (None, 2)
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_graph_building_errors():
    a, b = numnet.Input((3,), name="a"), numnet.Input((3,), name="b")
    with pytest.raises(ValueError, match=r"expected a symbolic tensor, or a list or dict of "
                                         r"them, given an empty list"):
        numnet.Model([a, b], [])
    with pytest.raises(ValueError, match=r"use the Input 'b', which is not among the inputs "
                                         r"\['a'\]"):
        numnet.Model([a], layers.add([a, b]))
    with pytest.raises(TypeError, match=r"Dense takes one tensor, given a list of 2.*"
                                        r"Concatenate\(\)"):
        layers.Dense(2)([a, b])
    with pytest.raises(TypeError, match=r"is called on a list of tensors, e\.g\. Add\(\)"):
        layers.Add()(a)
    with pytest.raises(ValueError, match=r"an Input is given twice"):
        numnet.Model([a, a], layers.Dense(1)(a))


class _FixedBatch(layers.Layer):
    """Reshapes to a batch size fixed in advance (4 rows of 3 x 2), as Keras programs that
    route tokens do, and back with the batch read from the input's shape."""

    def call(self, x):
        batch = numnet.ops.shape(x)[0]
        flat = numnet.ops.reshape(x, [4 * 3, 2])
        return numnet.ops.reshape(flat * 2.0, [batch, 3, 2])


def test_layer_reshaping_to_a_fixed_batch_builds_on_an_input():
    inputs = numnet.Input((3, 2))
    out = _FixedBatch()(inputs)
    assert tuple(out.shape) == (4, 3, 2)  # the rows the reshape assumes
    model = numnet.Model(inputs, out)
    x = np.arange(24, dtype="float32").reshape(4, 3, 2)
    np.testing.assert_array_equal(model.predict(x, verbose=0), 2 * x)


def test_reshape_error_names_the_sizes():
    from numnet.autodiff.ops import ReshapeError

    with pytest.raises(ReshapeError, match=r"shape \(2, 3\) \(6 values\) into shape \(4,\)") \
            as info:
        numnet.ops.reshape(np.ones((2, 3), "float32"), [4])
    assert info.value.size == 6 and info.value.shape == (4,)
    assert isinstance(info.value, ValueError)


def test_symbolic_tensors_are_named_as_keras_names_them():
    """``Input(name=...)`` names its tensor; other symbolic tensors are "keras_tensor",
    "keras_tensor_1", ... (Keras 3's KerasTensor names, after clear_session), so
    ``[t.name for t in model.inputs]`` gives the feature names programs key their data by."""
    numnet.backend.clear_session()
    a = numnet.Input((2,))
    b = numnet.Input((2,), name="bee")
    c = numnet.layers.Dense(3)(a)
    d = numnet.layers.Add()([a, b])
    assert [a.name, b.name, c.name, d.name, (a + 1).name] == [
        "keras_tensor", "bee", "keras_tensor_1", "keras_tensor_2", "keras_tensor_3"]
    model = numnet.Model([a, b], [c, d])
    assert [t.name for t in model.inputs] == ["keras_tensor", "bee"]
    assert [t.name for t in model.outputs] == ["keras_tensor_1", "keras_tensor_2"]
    assert [layer.name for layer in model.layers[:2]] == ["input_layer", "bee"]
    tokens = numnet.Input((6,), name="tokens")
    chain = numnet.Model(tokens, layers.Dense(2)(layers.Dense(3)(tokens)))
    assert [t.name for t in chain.inputs] == ["tokens"] and chain.input is tokens


def test_a_layer_built_on_another_shape_gives_the_shape_of_its_input_in_a_model():
    """A layer built before (by hand, or by ``adapt`` on other data) and placed where its
    input has another shape gives the output shape of that input, as Keras computes it, in a
    Sequential (built at once or layer by layer) and a functional model alike."""
    norm = layers.Normalization()
    norm.adapt(np.random.default_rng(0).random((8, 30, 129, 1)).astype("float32"))
    model = numnet.Sequential([numnet.Input((30, 129, 1)), layers.Resizing(32, 32), norm,
                               layers.Flatten(), layers.Dense(2)])
    assert model.output_shape == (None, 2)
    assert model.layers[-1].kernel.shape == (1024, 2)
    assert np.asarray(model(np.zeros((1, 30, 129, 1), "float32"))).shape == (1, 2)
    dense = layers.Dense(3)
    dense.build((None, 5))
    grown = numnet.Sequential([numnet.Input((4, 5))])
    grown.add(dense)
    assert grown.output_shape == (None, 4, 3)
    grown.add(layers.Flatten())
    grown.add(layers.Dense(1))
    assert (grown.output_shape, grown.layers[-1].kernel.shape) == ((None, 1), (12, 1))
    inputs = numnet.Input((4, 5))
    assert layers.Flatten()(dense(inputs)).shape == (None, 12)


def test_ops_shape_of_a_symbolic_tensor_gives_ints_for_the_known_axes():
    """``ops.shape`` of a symbolic tensor: the known axes as ints, as Keras gives them (so
    they size layers); the batch axis a symbolic scalar, computed from each batch."""
    inputs = numnet.Input((None, 4))
    shape = numnet.ops.shape(inputs)
    assert shape[2] == 4 and type(shape[2]) is int
    flat = numnet.ops.reshape(inputs, (shape[0], -1))
    widened = layers.Dense(numnet.ops.shape(inputs)[-1] * 2)(inputs)
    model = numnet.Model(inputs, [flat, widened])
    a, b = model(np.ones((3, 5, 4), "float32"))
    assert a.shape == (3, 20) and b.shape == (3, 5, 8)
    assert numnet.ops.shape(numnet.Input((7, 2)))[1:] == (7, 2)


def test_inputs_nested_in_dicts_and_lists_as_keras_takes_them(tmp_path):
    """A functional model's inputs may nest (a dict in a dict, a list in a list): the data
    nests the same way, leaves in Keras's order (dict keys sorted); model.input keeps the
    structure; fit, evaluate and clone_model run; a model file refuses it, naming the fix."""
    inputs = {"foo": numnet.Input((1,), name="foo"),
              "bar": {"baz": numnet.Input((1,), name="baz")}}
    model = numnet.Model(inputs, inputs["foo"] + 2.0 * inputs["bar"]["baz"])
    assert model.input["bar"]["baz"] is inputs["bar"]["baz"]
    x = {"foo": np.ones((2, 1), "float32"), "bar": {"baz": 3 * np.ones((2, 1), "float32")}}
    np.testing.assert_allclose(model.predict(x, verbose=0), [[7.0], [7.0]])
    model.compile("sgd", "mse")
    assert model.evaluate(x, np.zeros((2, 1)), verbose=0) == pytest.approx(49.0)
    np.testing.assert_allclose(numnet.models.clone_model(model).predict(x, verbose=0), 7.0)
    with pytest.raises(ValueError, match="no value for the key 'baz'"):
        model.predict({"foo": x["foo"], "bar": {}}, verbose=0)
    with pytest.raises(ValueError, match="inputs nest"):
        model.save(tmp_path / "nested_inputs.numnet")
    assert not any(tmp_path.iterdir())
    listed = [numnet.Input((1,)), [numnet.Input((1,)), numnet.Input((1,))]]
    joined = numnet.Model(listed, layers.Concatenate()([listed[0], *listed[1]]))
    out = joined([np.ones((1, 1), "float32"), [2 * np.ones((1, 1), "float32"),
                                               3 * np.ones((1, 1), "float32")]])
    np.testing.assert_allclose(np.asarray(out), [[1.0, 2.0, 3.0]])


def test_a_constant_first_in_an_operator_with_a_symbolic_tensor_makes_a_node():
    """``tensor * x``, ``array + x``, ``tensor // x`` with the constant on the left: the
    operator comes to the symbolic tensor's reflected method, a node of the model."""
    x = numnet.Input((3,))
    t = numnet.ops.ones((3,)) * 2.0
    a = np.arange(3, dtype="float32")
    out = numnet.ops.concatenate([t * x, a + x, t - x, t / x, t ** x, t // x, t % x, a * x,
                                  numnet.ops.cast(a > x, "float32")], axis=-1)
    model = numnet.Model(x, out)
    v = np.array([[1.0, 2.0, 3.0]], "float32")
    t_ = np.full(3, 2.0, "float32")
    expected = np.concatenate([t_ * v, a + v, t_ - v, t_ / v, t_ ** v, t_ // v, t_ % v, a * v,
                               (a > v).astype("float32")], axis=-1)
    np.testing.assert_allclose(np.asarray(model(v)), expected, rtol=1e-6)
    assert tuple(out.shape) == (None, 27)


def test_a_layer_takes_an_ordered_dict_as_a_dict():
    """tf.data gives OrderedDicts (make_csv_dataset): a layer of one's own reads it by key,
    called on arrays or on a model's inputs."""
    import collections

    class Sum(layers.Layer):
        def call(self, x):
            return x["a"] + 2.0 * x["b"]

    a, b = np.ones((2, 1), "float32"), np.full((2, 1), 3.0, "float32")
    np.testing.assert_array_equal(np.asarray(Sum()(collections.OrderedDict(a=a, b=b))),
                                  [[7.0], [7.0]])
    inputs = collections.OrderedDict(a=numnet.Input((1,)), b=numnet.Input((1,)))
    model = numnet.Model(dict(inputs), Sum()(inputs))
    np.testing.assert_array_equal(np.asarray(model({"a": a, "b": b})), [[7.0], [7.0]])


def test_build_takes_its_shapes_by_keyword():
    """keras_hub calls MultiHeadAttention.build(query_shape=..., value_shape=...)."""
    by_name = layers.MultiHeadAttention(2, key_dim=4)
    by_name.build(query_shape=(None, 3, 8), value_shape=(None, 5, 8))
    by_place = layers.MultiHeadAttention(2, key_dim=4)
    by_place.build((None, 3, 8), (None, 5, 8))
    assert by_name.built and [w.shape for w in by_name.weights] == [
        w.shape for w in by_place.weights]
    assert len(by_name.weights) == 8


def test_a_call_of_two_tensors_gets_no_mask_it_was_not_given():
    """Keras 3 fills ``mask=`` only for a call of one tensor argument; the first input's mask
    still becomes the output's for a layer that supports masking."""
    seen = []

    class Two(layers.Layer):
        supports_masking = True

        def call(self, x, other, mask=None):
            seen.append(mask is not None)
            return x + other

    class One(layers.Layer):
        supports_masking = True

        def call(self, x, mask=None):
            seen.append(mask is not None)
            return x

    embedded = layers.Embedding(5, 4, mask_zero=True)(np.array([[1, 0, 2]]))
    out = Two()(embedded, embedded)
    One()(embedded)
    assert seen == [False, True]
    np.testing.assert_array_equal(out._keras_mask, [[True, False, True]])
