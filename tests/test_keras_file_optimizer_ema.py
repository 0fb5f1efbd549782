"""The optimizer's state in a ``.keras`` file when the optimizer keeps moving averages
(``use_ema=True``) or sums gradients (``gradient_accumulation_steps``): where Keras 3.15 puts
them (``iteration`` counting steps, ``learning_rate``, the averages, the gradient sums, then the
slots), written and read back by numnet. Without Keras: numnet's round trip restores every
number and training goes on as in an unsaved copy; files that Keras wrote
(tests/data/keras/make_optimizer_ema_fixture.py) load and train on as Keras trained them. With
Keras (on JAX): each loads the other's file and trains on identically."""

from __future__ import annotations

import io
import json
import os
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import numnet
from numnet.saving import ModelFileError

h5py = pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5: pip install "
                                          "'numnet[h5]'")

DATA = Path(__file__).parent / "data" / "keras"
sys.path.insert(0, str(DATA))
import make_optimizer_ema_fixture as fixture  # noqa: E402

CASES = [(name, ema, steps) for name in ("adam", "sgd")
         for ema, steps in ((True, None), (False, 2), (True, 2))]
IDS = [f"{name}-{'ema' if ema else 'plain'}-{steps or 1}" for name, ema, steps in CASES]


def _trained(name: str, use_ema: bool, steps: int | None):
    """numnet's model after nine steps (three epochs of three batches)."""
    x, y = fixture.data()
    numnet.utils.set_random_seed(3)
    model = fixture.build(numnet, fixture.optimizer(numnet, name, use_ema, steps))
    model.fit(x, y, batch_size=fixture.BATCH, epochs=fixture.EPOCHS, shuffle=False, verbose=0)
    return model


def _go_on(model) -> list:
    x, y = fixture.data()
    history = model.fit(x, y, batch_size=fixture.BATCH, epochs=fixture.EPOCHS, shuffle=False,
                        verbose=0)
    return history.history["loss"]


def _optimizer_vars(path) -> list:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("model.weights.h5")
    with h5py.File(io.BytesIO(data), "r") as h5:
        group = h5["optimizer/vars"]
        return [group[str(i)][()] for i in range(len(group))]


def _state(opt, weights) -> dict:
    """Every number of the optimizer's state, by name."""
    out = {"step": opt._step, "iterations": int(opt.iterations.value)}
    for i, var in enumerate(weights):
        for slot, value in opt._slots[var.uid].items():
            if not slot.startswith("_") or slot == "_accumulated_gradient":
                out[f"{i} {slot}"] = np.array(value)
        if opt.use_ema:
            out[f"{i} ema"] = np.array(opt._ema[var.uid])
    return out


# ----------------------------------------------------------------------------- without Keras


@pytest.mark.parametrize(("name", "use_ema", "steps"), CASES, ids=IDS)
def test_round_trip_restores_the_state_and_training_goes_on_as_unsaved(tmp_path, name,
                                                                       use_ema, steps):
    model = _trained(name, use_ema, steps)
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = numnet.saving.load_model(tmp_path / "m.keras")
    before = _state(model.optimizer, model.trainable_weights)
    after = _state(loaded.optimizer, loaded.trainable_weights)
    assert sorted(after) == sorted(before)
    assert (after["step"], after["iterations"]) == (9, 9 // (steps or 1))
    for key, value in before.items():
        np.testing.assert_array_equal(after[key], value, err_msg=key)
    if steps:  # nine steps: the sum holds the ninth gradient, not yet applied
        assert np.abs(after["0 _accumulated_gradient"]).max() > 1e-3
    ours, theirs = _go_on(model), _go_on(loaded)
    np.testing.assert_allclose(theirs, ours, rtol=1e-6)
    for a, b in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("name", "use_ema", "steps"), CASES, ids=IDS)
def test_file_lays_the_state_out_as_keras_does(tmp_path, name, use_ema, steps):
    model = _trained(name, use_ema, steps)
    model.save(tmp_path / "m.keras")
    values = _optimizer_vars(tmp_path / "m.keras")
    opt, weights = model.optimizer, model.trainable_weights  # (Keras's order here)
    assert values[0].dtype == np.int32 and int(values[0]) == 9  # steps, not updates
    assert float(values[1]) == pytest.approx(0.01 if name == "adam" else 0.05)
    expected = []
    if use_ema:
        expected += [opt._ema[var.uid] for var in weights]
    if steps:
        expected += [opt._slots[var.uid]["_accumulated_gradient"] for var in weights]
    slots = ("m", "v") if name == "adam" else ("velocity",)
    expected += [opt._slots[var.uid][slot] for var in weights for slot in slots]
    assert len(values) == 2 + len(expected)
    for i, (value, want) in enumerate(zip(values[2:], expected, strict=True)):
        np.testing.assert_array_equal(value, np.asarray(want), err_msg=f"vars/{i + 2}")


def test_legacy_h5_names_the_averages_and_sums_as_keras_does(tmp_path):
    model = _trained("sgd", True, 2)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as h5:
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in h5["optimizer_weights"].attrs["weight_names"]]
    kernel = model.layers[1].kernel.path.replace("/", "_")
    assert names[:3] == ["sgd/iteration", "sgd/learning_rate", f"sgd/{kernel}_average"]
    assert names[6] == f"sgd/{kernel}_gradient_accumulator"
    assert names[10] == f"sgd/{kernel}_momentum" and len(names) == 14


@pytest.mark.parametrize("name", ["adam", "sgd"])
def test_files_keras_wrote_load_and_train_on_as_keras_did(name):
    """Keras 3.15 wrote the file after nine steps with use_ema and accumulation over two
    steps, then trained three more epochs: numnet, from the file, loses the same."""
    expected = np.load(DATA / f"optimizer_ema_{name}.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = numnet.saving.load_model(DATA / f"optimizer_ema_{name}.keras")
    opt = model.optimizer
    assert opt.use_ema and opt.gradient_accumulation_steps == 2
    assert (opt._step, int(opt.iterations.value)) == (9, 4)
    values = _optimizer_vars(DATA / f"optimizer_ema_{name}.keras")
    weights = model.trainable_weights
    for i, var in enumerate(weights):
        np.testing.assert_array_equal(np.asarray(opt._ema[var.uid]), values[2 + i])
        np.testing.assert_array_equal(opt._slots[var.uid]["_accumulated_gradient"],
                                      values[2 + len(weights) + i])
    losses = _go_on(model)
    np.testing.assert_allclose(losses, expected["losses"], rtol=1e-5)
    for i, var in enumerate(model.weights):
        np.testing.assert_allclose(var.numpy(), expected[f"weight_{i}"], rtol=1e-5, atol=1e-6)


def test_keras_s_file_without_its_state_would_train_otherwise():
    """The check above can fail: from a fresh optimizer the losses differ."""
    expected = np.load(DATA / "optimizer_ema_adam.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = numnet.saving.load_model(DATA / "optimizer_ema_adam.keras", compile=False)
    model.compile(fixture.optimizer(numnet, "adam"), "mse")
    losses = _go_on(model)
    assert np.max(np.abs(np.asarray(losses) / expected["losses"] - 1)) > 1e-3


def test_iterations_count_updates_and_the_file_counts_steps(tmp_path):
    model = _trained("adam", False, 2)
    model.save(tmp_path / "m.keras")
    assert int(_optimizer_vars(tmp_path / "m.keras")[0]) == 9
    loaded = numnet.saving.load_model(tmp_path / "m.keras")
    assert (loaded.optimizer._step, int(loaded.optimizer.iterations.value)) == (9, 4)


def test_a_file_whose_state_does_not_fit_the_optimizer_is_refused(tmp_path):
    model = _trained("adam", True, 2)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(members["config.json"])
    config["compile_config"]["optimizer"]["config"]["use_ema"] = False
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "edited.keras", "w") as archive:
        for n, data in members.items():
            archive.writestr(n, data)
    with pytest.raises(ModelFileError, match=r"keeps 14 variables \(iteration, learning_rate, "
                                             r"gradient_accumulator 4, m 4, v 4\); the file "
                                             r"holds 18"):
        numnet.saving.load_model(tmp_path / "edited.keras")


def test_an_optimizer_keras_never_built_loads_fresh(tmp_path):
    """Keras saves a compiled model it has not trained with ``iteration`` and
    ``learning_rate`` only (0 and the rate): numnet loads it with a fresh optimizer."""
    model = fixture.build(numnet, fixture.optimizer(numnet, "adam"))
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "a") as h5:
        assert "optimizer/vars" not in h5  # (numnet writes no state for an unbuilt optimizer)
        group = h5.require_group("optimizer/vars")
        group.create_dataset("0", data=np.int32(0))
        group.create_dataset("1", data=np.float32(0.01))
    members["model.weights.h5"] = buffer.getvalue()
    with zipfile.ZipFile(tmp_path / "keras.keras", "w") as archive:
        for n, data in members.items():
            archive.writestr(n, data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = numnet.saving.load_model(tmp_path / "keras.keras")
    assert loaded.optimizer._step == 0 and not loaded.optimizer._slots
    np.testing.assert_allclose(_go_on(loaded), _go_on(model), rtol=1e-6)


def test_state_that_cannot_be_written_is_left_out_with_a_warning(tmp_path):
    x, y = fixture.data()
    model = fixture.build(numnet, numnet.optimizers.LossScaleOptimizer(
        numnet.optimizers.Adam(0.01, use_ema=True)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not built yet: no state, nothing to say
        model.save(tmp_path / "fresh.keras")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for suffix in (".keras", ".h5"):
        with pytest.warns(UserWarning, match=r"the state of the optimizer LossScaleOptimizer "
                                             r"\(its iterations, slots, moving averages and "
                                             r"gradient sums\) is not saved: "
                                             r"LossScaleOptimizer is not one of") as record:
            model.save(tmp_path / f"m{suffix}")
        assert record[0].filename == __file__  # (the warning points at the call of save)
    assert "optimizer/vars/0" not in str(_h5_names(tmp_path / "m.keras"))


def _h5_names(path) -> list:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("model.weights.h5")
    names: list = []
    with h5py.File(io.BytesIO(data), "r") as h5:
        h5.visit(names.append)
    return names


def test_a_schedule_s_rate_is_not_a_variable_as_in_keras(tmp_path):
    x, y = fixture.data()
    schedule = numnet.optimizers.schedules.ExponentialDecay(0.05, 3, 0.5)
    model = fixture.build(numnet, numnet.optimizers.Adam(schedule, use_ema=True))
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    values = _optimizer_vars(tmp_path / "m.keras")
    assert int(values[0]) == 6 and len(values) == 1 + 4 + 8  # no learning_rate
    loaded = numnet.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(_go_on(loaded), _go_on(model), rtol=1e-6)


# ----------------------------------------------------------------------------- with Keras


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="these checks run Keras on JAX")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


@pytest.mark.parametrize(("name", "use_ema", "steps"), CASES, ids=IDS)
def test_keras_trains_on_from_numnet_s_file_as_numnet_does(keras, tmp_path, name, use_ema,
                                                           steps):
    model = _trained(name, use_ema, steps)
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Skipping variable loading for optimizer"
        theirs = keras.saving.load_model(tmp_path / "m.keras")
    assert int(theirs.optimizer._iterations) == 9
    assert int(theirs.optimizer.iterations) == 9 // (steps or 1)
    np.testing.assert_allclose(_go_on(theirs), _go_on(model), rtol=1e-5)
    for a, b in zip(model.weights, theirs.weights, strict=True):
        np.testing.assert_allclose(np.asarray(b), a.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "use_ema", "steps"), CASES, ids=IDS)
def test_numnet_trains_on_from_keras_s_file_as_keras_does(keras, tmp_path, name, use_ema,
                                                          steps):
    x, y = fixture.data()
    keras.utils.set_random_seed(3)
    theirs = fixture.build(keras, fixture.optimizer(keras, name, use_ema, steps))
    theirs.fit(x, y, batch_size=fixture.BATCH, epochs=fixture.EPOCHS, shuffle=False, verbose=0)
    theirs.save(tmp_path / "k.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = numnet.saving.load_model(tmp_path / "k.keras")
    assert (ours.optimizer._step, int(ours.optimizer.iterations.value)) == (9, 9 // (steps or 1))
    # (Keras 3.15 on JAX fails in a second fit with use_ema: Keras goes on from its own load)
    theirs = keras.saving.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(_go_on(ours), _go_on(theirs), rtol=1e-5)
    for a, b in zip(ours.weights, theirs.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-5, atol=1e-6)


def test_keras_reads_a_schedule_s_state_from_numnet_s_file(keras, tmp_path):
    x, y = fixture.data()
    schedule = numnet.optimizers.schedules.ExponentialDecay(0.05, 3, 0.5)
    model = fixture.build(numnet, numnet.optimizers.Adam(schedule, gradient_accumulation_steps=2))
    model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theirs = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(_go_on(theirs), _go_on(model), rtol=1e-5)
