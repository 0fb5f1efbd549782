"""keras.utils.FeatureSpace: encoded values checked by hand on small tables, hashes and crosses
against numnet's HashedCrossing and against Keras's bins (pinned here, and compared live where
Keras with TensorFlow is installed: Keras's FeatureSpace runs on TensorFlow whatever the
backend), the functional models of the keras.io example, and the errors."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.utils import FeatureSpace

os.environ.setdefault("KERAS_BACKEND", "jax")


def table():
    """Six rows; "normal" 3 times, "fixed" twice, "reversible" once; sex 1 four times."""
    return {"thal": np.array(["normal", "fixed", "reversible", "fixed", "normal", "normal"]),
            "sex": np.array([0, 1, 1, 0, 1, 1]),
            "zip": np.array([7, 12, 999, 7, 31, 12]),
            "city": np.array(["paris", "oslo", "rome", "oslo", "lima", "paris"]),
            "age": np.array([30.0, 40.0, 50.0, 60.0, 70.0, 80.0], "float32")}


def as_array(x) -> np.ndarray:
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


# ----- values by hand -----

def test_categorical_one_hot_positions():
    """Index 0 is the OOV bucket, then the vocabulary by count (ties: higher token first)."""
    space = FeatureSpace({"thal": "string_categorical", "sex": "integer_categorical"})
    space.adapt(numnet.data.Dataset.from_tensor_slices(table()))
    assert space.preprocessors["thal"].get_vocabulary() == ["[UNK]", "normal", "fixed",
                                                            "reversible"]
    assert space.preprocessors["sex"].get_vocabulary() == [-1, 1, 0]
    out = as_array(space({"thal": np.array(["fixed", "normal", "unseen"]),
                          "sex": np.array([0, 1, 5])}))
    # sorted by name: sex (3 columns) then thal (4 columns)
    expected = np.array([[0, 0, 1, 0, 0, 1, 0],
                         [0, 1, 0, 0, 1, 0, 0],
                         [1, 0, 0, 1, 0, 0, 0]], "float32")
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float32


def test_float_features_by_hand():
    ages = np.array([30.0, 40.0, 50.0, 60.0, 70.0, 80.0], "float32")
    space = FeatureSpace({"a_norm": "float_normalized", "b_plain": "float",
                          "c_scaled": FeatureSpace.float_rescaled(scale=0.1, offset=-1.0)})
    space.adapt({"a_norm": ages, "b_plain": ages, "c_scaled": ages})
    out = as_array(space({"a_norm": ages, "b_plain": ages, "c_scaled": ages}))
    std = np.sqrt(np.mean((ages - 55.0) ** 2))  # population variance, as Keras
    np.testing.assert_allclose(out[:, 0], (ages - 55.0) / std, rtol=1e-6)
    np.testing.assert_array_equal(out[:, 1], ages)
    np.testing.assert_allclose(out[:, 2], ages * 0.1 - 1.0, rtol=1e-6)


def test_discretized_with_fixed_boundaries_needs_no_adapt():
    space = FeatureSpace({"x": FeatureSpace.float_discretized(num_bins=None,
                                                              bin_boundaries=[0.0, 1.0])})
    out = as_array(space({"x": np.array([-5.0, 0.5, 1.0, 9.0])}))
    np.testing.assert_array_equal(out, np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]],
                                                "float32"))


def test_discretized_preset_uses_num_discretization_bins():
    space = FeatureSpace({"age": "float_discretized"}, num_discretization_bins=3)
    space.adapt({"age": np.arange(30, dtype="float32")})
    out = as_array(space({"age": np.array([0.0, 15.0, 29.0], "float32")}))
    assert out.shape == (3, 3)
    np.testing.assert_array_equal(out.argmax(axis=1), [0, 1, 2])


# Keras 3.15.1's bins for table() (TensorFlow backend), output_mode "int": FarmHash in both.
KERAS_BINS = {"city": [5, 2, 2, 2, 7, 5], "sex": [2, 1, 1, 2, 1, 1], "thal": [1, 2, 3, 2, 1, 1],
              "zip": [0, 0, 2, 0, 4, 0], "city_X_zip": [4, 9, 11, 9, 0, 4],
              "thal_X_sex": [13, 4, 4, 11, 9, 9]}


def int_space() -> FeatureSpace:
    return FeatureSpace(
        {"thal": FeatureSpace.string_categorical(output_mode="int"),
         "sex": FeatureSpace.integer_categorical(output_mode="int"),
         "zip": FeatureSpace.integer_hashed(num_bins=8, output_mode="int"),
         "city": FeatureSpace.string_hashed(num_bins=8, output_mode="int")},
        crosses=[FeatureSpace.cross(("thal", "sex"), crossing_dim=16, output_mode="int"),
                 FeatureSpace.cross(("city", "zip"), crossing_dim=16, output_mode="int")],
        output_mode="dict")


def test_hashes_and_crosses_equal_keras_bins():
    data = table()
    space = int_space()
    space.adapt(numnet.data.Dataset.from_tensor_slices(data).batch(4))
    out = space(data)
    assert sorted(out) == sorted(KERAS_BINS)
    for name, bins in KERAS_BINS.items():
        assert as_array(out[name]).shape == (6, 1), name
        assert as_array(out[name]).ravel().tolist() == bins, name
    # the crosses are HashedCrossing of the preprocessed features
    thal_sex = layers.HashedCrossing(16)([np.array(KERAS_BINS["thal"]),
                                          np.array(KERAS_BINS["sex"])])
    assert as_array(thal_sex).tolist() == KERAS_BINS["thal_X_sex"]
    assert isinstance(space.crossers["thal_X_sex"], layers.HashedCrossing)


def test_one_hot_cross_and_hashed_columns_in_concat():
    data = table()
    space = FeatureSpace({"city": "string_hashed", "zip": "integer_hashed"},
                         crosses=[("city", "zip")], crossing_dim=16, hashing_dim=8)
    out = as_array(space(data))  # nothing to adapt: hashing only
    assert out.shape == (6, 8 + 16 + 8)
    # columns: city (8), zip (8), then the cross city_X_zip (16)
    np.testing.assert_array_equal(out[:, :8].argmax(1), KERAS_BINS["city"])
    np.testing.assert_array_equal(out[:, 8:16].argmax(1), KERAS_BINS["zip"])
    np.testing.assert_array_equal(out[:, 16:].argmax(1), KERAS_BINS["city_X_zip"])
    assert out.sum() == 6 * 3


def test_single_row_has_no_batch_axis():
    data = table()
    space = FeatureSpace({"thal": "string_categorical", "age": "float_normalized"},
                         crosses=[FeatureSpace.cross(("thal", "thal"), crossing_dim=4)])
    space.adapt(data)
    batch = as_array(space(data))
    row = as_array(space({key: value[2] for key, value in data.items()}))
    assert row.shape == (batch.shape[1],)
    np.testing.assert_array_equal(row, batch[2])
    as_dict = FeatureSpace({"thal": "string_categorical", "age": "float"}, output_mode="dict")
    as_dict.adapt(data)
    one = as_dict({"thal": "fixed", "age": 3.0})
    np.testing.assert_array_equal(as_array(one["thal"]), [0, 0, 1, 0])
    np.testing.assert_array_equal(as_array(one["age"]), [3.0])


def test_rank_two_columns_and_tensors_accepted():
    data = table()
    space = FeatureSpace({"thal": "string_categorical", "sex": "integer_categorical"})
    space.adapt(data)
    flat = as_array(space(data))
    columns = {"thal": numnet.ops.convert_to_tensor(data["thal"][:, None]),
               "sex": numnet.ops.convert_to_tensor(data["sex"][:, None])}
    np.testing.assert_array_equal(as_array(space(columns)), flat)
    np.testing.assert_array_equal(as_array(space({"thal": list(data["thal"]),
                                                  "sex": list(data["sex"])})), flat)


def test_adapt_on_unbatched_labelled_dataset_equals_adapt_on_dict():
    data = table()
    y = np.arange(6)
    a = FeatureSpace({"thal": "string_categorical", "age": "float_normalized"})
    a.adapt(numnet.data.Dataset.from_tensor_slices((data, y)))
    b = FeatureSpace({"thal": "string_categorical", "age": "float_normalized"})
    b.adapt(numnet.data.Dataset.from_tensor_slices(data).batch(2))
    np.testing.assert_allclose(as_array(a(data)), as_array(b(data)), rtol=1e-6)


def test_dataset_map_as_the_example():
    data = table()
    y = np.array([0, 1, 1, 0, 1, 0])
    ds = numnet.data.Dataset.from_tensor_slices((data, y)).batch(4)
    space = FeatureSpace({"thal": "string_categorical", "sex": "integer_categorical",
                          "age": "float_normalized"}, crosses=[("thal", "sex")])
    space.adapt(ds.map(lambda x, _: x))
    batches = list(ds.map(lambda x, t: (space(x), t)))
    assert [as_array(x).shape for x, _ in batches] == [(4, 3 + 4 + 1 + 32), (2, 40)]
    np.testing.assert_array_equal(np.concatenate([as_array(x) for x, _ in batches]),
                                  as_array(space(data)))
    np.testing.assert_array_equal(np.concatenate([as_array(t) for _, t in batches]), y)


def test_dataset_map_of_unlabelled_batches_takes_the_space_itself():
    data = columns("thal", "age")
    space = FeatureSpace({"thal": "string_categorical", "age": "float"})
    ds = numnet.data.Dataset.from_tensor_slices(data).batch(5)
    space.adapt(ds)
    mapped = [as_array(x) for x in ds.map(space)]
    assert [x.shape for x in mapped] == [(5, 1 + 4), (1, 5)]
    np.testing.assert_array_equal(np.concatenate(mapped), as_array(space(data)))


# ----- the functional models -----

def columns(*names) -> dict:
    return {key: value for key, value in table().items() if key in names}


def adapted_space() -> FeatureSpace:
    space = FeatureSpace({"thal": "string_categorical", "sex": "integer_categorical",
                          "age": "float_discretized", "zip": "float_normalized"},
                         crosses=[("sex", "age"), ("thal", "sex")], crossing_dim=8,
                         num_discretization_bins=3)
    space.adapt(table())
    return space


def test_inputs_and_encoded_features_are_symbolic():
    space = adapted_space()
    inputs = space.get_inputs()
    assert sorted(inputs) == ["age", "sex", "thal", "zip"]
    assert all(numnet.utils.is_keras_tensor(t) and t.shape == (None, 1)
               for t in inputs.values())
    assert (inputs["thal"].dtype, inputs["sex"].dtype, inputs["age"].dtype) == (
        "string", "int32", "float32")
    encoded = space.get_encoded_features()
    assert encoded is space.get_encoded_features()
    width = 3 + 3 + 4 + 1 + 8 + 8  # age, sex, thal, zip, sex_X_age, thal_X_sex
    assert encoded.shape == (None, width) and encoded.dtype == "float32"
    assert space(inputs) is encoded


def test_model_on_encoded_features_takes_raw_columns():
    numnet.utils.set_random_seed(0)
    data = columns("thal", "sex", "age", "zip")
    space = adapted_space()
    hidden = layers.Dense(4, activation="relu")(space.get_encoded_features())
    model = numnet.Model(space.get_inputs(), layers.Dense(1, activation="sigmoid")(hidden))
    head = numnet.Sequential([model.layers[-2], model.layers[-1]])
    expected = as_array(head(space(data)))
    np.testing.assert_allclose(as_array(model.predict(data, verbose=0)), expected, rtol=1e-6)
    model.compile("adam", "binary_crossentropy")
    y = np.array([0, 1, 1, 0, 1, 0], "float32")
    history = model.fit(numnet.data.Dataset.from_tensor_slices((data, y)).batch(3), epochs=2,
                        verbose=0)
    assert len(history.history["loss"]) == 2


def test_end_to_end_inference_model():
    numnet.utils.set_random_seed(0)
    data = columns("thal", "sex", "age", "zip")
    space = adapted_space()
    width = space.get_encoded_features().shape[-1]
    x = numnet.Input(shape=(width,))
    training_model = numnet.Model(x, layers.Dense(1, activation="sigmoid")(x))
    inputs = space.get_inputs()
    inference = numnet.Model(inputs, training_model(space(inputs)))
    sample = {key: value[1] for key, value in data.items()}
    as_tensors = {key: numnet.ops.convert_to_tensor([value]) for key, value in sample.items()}
    expected = as_array(training_model.predict(as_array(space(sample))[None], verbose=0))
    np.testing.assert_allclose(as_array(inference.predict(as_tensors, verbose=0)), expected,
                               rtol=1e-6)
    # on fresh Inputs of the same names the space builds its graph again
    fresh = {key: numnet.Input(shape=(1,), dtype=t.dtype, name=key)
             for key, t in inputs.items()}
    again = numnet.Model(fresh, space(fresh))
    np.testing.assert_array_equal(as_array(again.predict(data, verbose=0)),
                                  as_array(space(data)))


def test_dict_mode_symbolic_outputs():
    space = FeatureSpace({"thal": "string_categorical",
                          "sex": FeatureSpace.integer_categorical(output_mode="int")},
                         output_mode="dict")
    space.adapt(table())
    encoded = space.get_encoded_features()
    assert encoded["thal"].shape == (None, 4) and encoded["thal"].dtype == "float32"
    assert encoded["sex"].shape == (None, 1) and encoded["sex"].dtype == "int64"


# ----- config and errors -----

def test_config_round_trip():
    space = FeatureSpace({"thal": "string_categorical", "age": FeatureSpace.float_rescaled(2.0),
                          "zip": FeatureSpace.integer_hashed(5)},
                         crosses=[FeatureSpace.cross(("thal", "zip"), 4, output_mode="int")],
                         output_mode="dict", hashing_dim=5)
    config = space.get_config()
    again = FeatureSpace.from_config(config)
    assert again.output_mode == "dict" and again.hashing_dim == 5
    assert [c.get_config() for c in again.crosses] == [c.get_config() for c in space.crosses]
    assert {k: (f.dtype, f.output_mode, type(f.preprocessor)) for k, f in again.features.items()
            } == {k: (f.dtype, f.output_mode, type(f.preprocessor))
                  for k, f in space.features.items()}
    data = table()
    space.adapt(data)
    again.adapt(data)
    for key, value in space(data).items():
        np.testing.assert_array_equal(as_array(again(data)[key]), as_array(value))


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="non-empty dict"):
        FeatureSpace({})
    with pytest.raises(ValueError, match="'floaty'"):
        FeatureSpace({"x": "floaty"})
    with pytest.raises(ValueError, match="not in `features`"):
        FeatureSpace({"x": "float"}, crosses=[("x", "y")])
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace({"x": "float"}, output_mode="list")
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace.string_categorical(output_mode="multi_hot")
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace.cross(("a", "b"), 4, output_mode="float")
    space = FeatureSpace({"x": "float_normalized"})
    with pytest.raises(ValueError, match="adapt"):
        space({"x": np.ones(3)})
    with pytest.raises(ValueError, match="adapt"):
        space.get_encoded_features()
    space.adapt({"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="dict"):
        space(np.ones(3))
    with pytest.raises(ValueError, match=r"no column for \['x'\]"):
        space({"y": np.ones(3)})
    with pytest.raises(ValueError, match="cannot concatenate feature 'c'"):
        FeatureSpace({"c": FeatureSpace.integer_categorical(output_mode="int")}).adapt(
            {"c": [1, 2]})
    custom = FeatureSpace({"t": FeatureSpace.feature("float32", layers.Rescaling(2.0),
                                                     "one_hot")})
    with pytest.raises(ValueError, match="cannot be one-hot encoded"):
        custom({"t": np.ones(2)})
    with pytest.raises(NotImplementedError, match="from_config"):
        space.save("space.keras")


def test_custom_preprocessors():
    space = FeatureSpace({"t": FeatureSpace.feature("float32", layers.Rescaling(2.0), "float"),
                          "c": FeatureSpace.feature(
                              "int32", layers.CategoryEncoding(num_tokens=3), "float")})
    out = as_array(space({"t": np.array([1.0, 2.0]), "c": np.array([2, 0])}))
    np.testing.assert_array_equal(out, [[0, 0, 1, 2], [1, 0, 0, 4]])
    lookup = layers.IntegerLookup(vocabulary=[5, 6], num_oov_indices=0)
    given = FeatureSpace({"c": FeatureSpace.feature("int32", lookup, "one_hot")})
    np.testing.assert_array_equal(as_array(given({"c": [6, 5]})), [[0, 1], [1, 0]])
    floats = FeatureSpace({"c": FeatureSpace.feature(
        "int32", layers.CategoryEncoding(num_tokens=3), "one_hot")})
    with pytest.raises(ValueError, match="integer indices"):
        floats({"c": np.array([2, 0])})


# ----- against Keras -----

def test_matches_keras_feature_space():
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow", reason="Keras's FeatureSpace runs on TensorFlow")
    rng = np.random.default_rng(0)
    n = 50
    data = {"age": rng.integers(20, 80, n).astype("float32"), "sex": rng.integers(0, 2, n),
            "thal": rng.choice(["normal", "fixed", "reversible"], n),
            "chol": rng.normal(200, 30, n).astype("float32"),
            "city": rng.choice(["a", "b", "c", "d"], n), "zip": rng.integers(0, 1000, n),
            "r": rng.normal(0, 1, n).astype("float32"), "f": rng.normal(0, 1, n).astype("float32")}

    def build(space_class):
        return space_class(
            features={"age": "float_discretized", "sex": "integer_categorical",
                      "thal": "string_categorical", "chol": "float_normalized",
                      "city": "string_hashed", "zip": "integer_hashed",
                      "r": space_class.float_rescaled(scale=2.0, offset=1.0), "f": "float"},
            crosses=[("sex", "thal"), ("thal", "city"),
                     space_class.cross(("sex", "zip"), crossing_dim=7)],
            num_discretization_bins=4, hashing_dim=8)

    ours, theirs = build(FeatureSpace), build(keras.utils.FeatureSpace)
    ours.adapt(numnet.data.Dataset.from_tensor_slices(data).batch(16))
    theirs.adapt(tf.data.Dataset.from_tensor_slices(data).batch(16))
    np.testing.assert_allclose(as_array(ours(data)), np.asarray(theirs(data)), atol=1e-6)
    row = {key: value[3] for key, value in data.items()}
    np.testing.assert_allclose(as_array(ours(row)), np.asarray(theirs(row)), atol=1e-6)
