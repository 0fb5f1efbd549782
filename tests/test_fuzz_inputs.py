"""Public entry points given arbitrary shapes, dtypes and values.

Every call either works or raises ValueError / TypeError with a message; never an IndexError,
a NumPy broadcasting error or any other exception from deep inside.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import numnet

LOSSES = ["mse", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy"]
DTYPES = [np.float32, np.float64, np.int64, np.uint8, np.bool_, np.complex64, object, str]


@pytest.fixture(autouse=True)
def _advice_back_on():
    """The models here silence the advice; the tests after this module expect it on."""
    yield
    numnet.advice.enable()


def _model(loss, units):
    numnet.advice.disable()
    model = numnet.Sequential([numnet.Input(shape=(4,)),
                               numnet.layers.Dense(units, activation="sigmoid"
                                                   if loss == "binary_crossentropy" else
                                                   "softmax" if "categorical" in loss else None)])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


@st.composite
def arrays(draw, rows):
    rank = draw(st.integers(0, 3))
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=rank, max_size=rank)))
    if rank and draw(st.booleans()):
        shape = (rows,) + shape[1:]
    dtype = draw(st.sampled_from(DTYPES))
    size = int(np.prod(shape)) if shape else 1
    values = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, -1.0, 9.0, 0.5, np.nan, np.inf]),
                           min_size=size, max_size=size))
    base = np.array(values, dtype=np.float64).reshape(shape)
    with np.errstate(invalid="ignore"):
        if dtype is str:
            return base.astype(str)
        if dtype is object:
            out = np.empty(shape, dtype=object)
            out[...] = base
            return out
        if np.issubdtype(dtype, np.integer) or dtype is np.bool_:
            return np.abs(np.nan_to_num(base, nan=0, posinf=3)).astype(dtype)
        return base.astype(dtype)


def _call(fn, *args, **kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
    except (ValueError, TypeError) as err:
        assert str(err), f"{type(err).__name__} without a message"
    # Any other exception type propagates and fails the test.


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), loss=st.sampled_from(LOSSES), units=st.sampled_from([1, 3]),
       rows=st.integers(1, 5))
def test_fit_evaluate_train_on_batch_fail_cleanly(data, loss, units, rows):
    model = _model(loss, units)
    x = data.draw(arrays(rows), label="x")
    y = data.draw(arrays(rows), label="y")
    _call(model.fit, x, y, epochs=1, batch_size=2, verbose=0)
    _call(model.evaluate, x, y, verbose=0)
    _call(model.train_on_batch, x, y)
    _call(model.test_on_batch, x, y)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), rows=st.integers(1, 5))
def test_predict_and_call_fail_cleanly(data, rows):
    model = _model("mse", 2)
    x = data.draw(arrays(rows), label="x")
    _call(model.predict, x, verbose=0)
    _call(model, x)
    _call(model.predict_on_batch, x)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), loss=st.sampled_from(LOSSES), rows=st.integers(1, 5))
def test_loss_functions_fail_cleanly(data, loss, rows):
    fn = numnet.losses.loss_object(loss)
    y_true = data.draw(arrays(rows), label="y_true")
    y_pred = data.draw(arrays(rows), label="y_pred")
    _call(fn, y_true, y_pred)


@pytest.mark.parametrize("bad", [np.zeros((0, 4)), np.full((3, 4), np.nan), [[1, 2], [3]]])
def test_known_bad_inputs_name_the_argument(bad):
    model = _model("mse", 1)
    with pytest.raises((ValueError, TypeError), match="x"):
        model.fit(bad, np.zeros(len(bad)), verbose=0)
