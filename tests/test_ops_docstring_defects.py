"""Defects that Keras's own docstring examples found in numnet's ops, losses and metrics.

Each test pins Keras 3's numbers (Keras 3.15.1 on JAX, recorded in the comments), so it runs
without Keras installed. tests/test_keras_docstrings.py runs the examples themselves.
"""

from __future__ import annotations

import numpy as np

import numnet as keras
from numnet import ops


def test_in_top_k_counts_an_out_of_range_target_as_not_in():
    # keras.ops.in_top_k's docstring: the target 5 of a 5-class row is out of range.
    # Keras: [True, False, True]; numnet raised IndexError.
    predictions = ops.convert_to_tensor([[0.1, 0.4, 0.6, 0.9, 0.5],
                                         [0.1, 0.7, 0.9, 0.8, 0.3],
                                         [0.1, 0.6, 0.9, 0.9, 0.5]])
    got = ops.in_top_k(ops.convert_to_tensor([2, 5, 3]), predictions, k=3)
    np.testing.assert_array_equal(got.numpy(), [True, False, True])


def test_in_top_k_counts_a_negative_target_from_the_end():
    # Keras (JAX), k=3 on [0.1, 0.4, 0.6, 0.9, 0.5]: targets [-1, -2, -5, -6, 7] give
    # [True, True, False, False, False] (-1 is 0.5, third largest; -6 and 7 are out of range).
    predictions = ops.convert_to_tensor([[0.1, 0.4, 0.6, 0.9, 0.5]] * 5)
    got = ops.in_top_k(ops.convert_to_tensor([-1, -2, -5, -6, 7]), predictions, k=3)
    np.testing.assert_array_equal(got.numpy(), [True, True, False, False, False])
    assert keras.ops.in_top_k is ops.in_top_k


def test_image_ops_take_channels_first():
    # keras.ops.image.resize's and affine_transform's docstrings call them with
    # data_format="channels_first"; numnet refused it. Keras's numbers (JAX):
    x = np.arange(2 * 4 * 4, dtype="float32").reshape(1, 2, 4, 4)  # (batch, channels, h, w)
    x3 = np.arange(2 * 2 * 3, dtype="float32").reshape(2, 2, 3)  # (channels, h, w)
    resized = ops.image.resize(x, (2, 2), data_format="channels_first")
    np.testing.assert_allclose(resized.numpy(), [[[[2.5, 4.5], [10.5, 12.5]],
                                                  [[18.5, 20.5], [26.5, 28.5]]]])
    shifted = ops.image.affine_transform(x3, [1, 0, 1, 0, 1, 0, 0, 0],
                                         data_format="channels_first")
    np.testing.assert_allclose(shifted.numpy(), [[[1, 2, 0], [4, 5, 0]],
                                                 [[7, 8, 0], [10, 11, 0]]])
    cropped = ops.image.crop_images(x, 1, 0, target_height=2, target_width=3,
                                    data_format="channels_first")
    np.testing.assert_allclose(cropped.numpy(), [[[[4, 5, 6], [8, 9, 10]],
                                                  [[20, 21, 22], [24, 25, 26]]]])
    padded = ops.image.pad_images(x3, 1, 0, target_height=3, target_width=4,
                                  data_format="channels_first")
    np.testing.assert_allclose(padded.numpy(), [[[0, 0, 0, 0], [0, 1, 2, 0], [3, 4, 5, 0]],
                                                [[0, 0, 0, 0], [6, 7, 8, 0], [9, 10, 11, 0]]])


def test_image_ops_channels_first_is_channels_last_transposed():
    rng = np.random.default_rng(0)
    x = rng.random((2, 3, 5, 6)).astype("float32")
    last = np.moveaxis(x, 1, -1)
    for fn in (lambda a, f: ops.image.resize(a, (4, 3), interpolation="bicubic", data_format=f),
               lambda a, f: ops.image.affine_transform(
                   a, [1.1, 0.2, 0.5, -0.1, 0.9, 0.3, 0, 0], fill_mode="reflect",
                   data_format=f)):
        first = fn(x, "channels_first").numpy()
        np.testing.assert_allclose(first, np.moveaxis(fn(last, "channels_last").numpy(), -1, 1),
                                   rtol=1e-6)


def test_image_ops_name_a_bad_data_format():
    with np.testing.assert_raises_regex(ValueError, "data_format.*'channels_middle'"):
        ops.image.resize(np.zeros((4, 4, 1)), (2, 2), data_format="channels_middle")


def test_tf_image_resize_stays_channels_last_under_a_channels_first_config():
    # tf.image.resize always reads (height, width, channels); ops.image.resize now follows the
    # config's image_data_format, so its callers that hold channels-last images say so.
    import numnet as tf

    before = tf.keras.backend.image_data_format()
    tf.keras.backend.set_image_data_format("channels_first")
    try:
        assert tuple(tf.image.resize(np.ones((5, 6, 3), "float32"), [2, 2]).shape) == (2, 2, 3)
        up = tf.keras.backend.resize_images(np.ones((1, 3, 2, 2), "float32"), 2, 2,
                                            "channels_first", interpolation="bilinear")
        assert tuple(up.shape) == (1, 3, 4, 4)
    finally:
        tf.keras.backend.set_image_data_format(before)


# (1, 2, 2, ...) predictions with the class axis 1: y_true has y_pred's shape without it.
_SPARSE_TRUE = np.array([[0, 1], [1, 1]])
_SPARSE_PRED = np.array([[[0.2, 0.8], [0.6, 0.1]], [[0.1, 0.3], [0.5, 0.5]]], "float32")


def test_sparse_categorical_crossentropy_computes_along_axis():
    # numnet ignored axis (its docstring said "only -1 is used") and gave
    # [[1.609, 1.946], [0.288, 0.693]] (the last axis as the classes). Keras (JAX):
    got = keras.losses.sparse_categorical_crossentropy(_SPARSE_TRUE, _SPARSE_PRED, axis=1)
    np.testing.assert_allclose(got.numpy(), [[1.3862944, 2.1972246], [0.18232156, 0.47000363]],
                               rtol=1e-5)
    # The same after moving the classes last by hand, from logits too.
    moved = np.moveaxis(_SPARSE_PRED, 1, -1)
    for from_logits in (False, True):
        np.testing.assert_allclose(
            keras.losses.sparse_categorical_crossentropy(
                _SPARSE_TRUE, _SPARSE_PRED, from_logits=from_logits, axis=1).numpy(),
            keras.losses.sparse_categorical_crossentropy(
                _SPARSE_TRUE, moved, from_logits=from_logits).numpy(), rtol=1e-6)


def test_sparse_categorical_crossentropy_class_takes_axis_and_positional_arguments():
    # Keras: SparseCategoricalCrossentropy(from_logits, ignore_class, reduction, axis, name,
    # dtype); with reduction 'sum' and axis 1 it gives 4.2358441; its config has no axis when
    # it is the default.
    loss = keras.losses.SparseCategoricalCrossentropy(False, None, "sum", 1)
    np.testing.assert_allclose(float(loss(_SPARSE_TRUE, _SPARSE_PRED)), 4.2358441, rtol=1e-5)
    assert keras.losses.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "ignore_class": None}
    assert loss.get_config()["axis"] == 1


def test_loss_classes_take_reduction_name_and_dtype_positionally():
    # Keras: MeanSquaredError(reduction, name, dtype); CategoricalCrossentropy(from_logits,
    # label_smoothing, axis, reduction, ...). numnet raised TypeError for these calls.
    mse = keras.losses.MeanSquaredError("sum", "m")
    assert mse.name == "m" and mse.reduction == "sum"
    assert float(mse([[0.0, 1.0]], [[1.0, 3.0]])) == 2.5  # (1 + 4) / 2, summed over 1 sample
    cce = keras.losses.CategoricalCrossentropy(False, 0.0, -1, "sum")
    np.testing.assert_allclose(float(cce([[0.0, 1.0], [1.0, 0.0]], [[0.4, 0.6], [0.9, 0.1]])),
                               0.6161861, rtol=1e-6)  # -log 0.6 - log 0.9
    with np.testing.assert_raises_regex(TypeError, "multiple values for argument 'reduction'"):
        keras.losses.MeanSquaredError("sum", reduction="none")
    with np.testing.assert_raises_regex(TypeError, "at most 3 positional"):
        keras.losses.MeanSquaredError("sum", "m", None, 1)


def test_categorical_label_smoothing_counts_the_classes_on_the_last_axis():
    # Keras and TensorFlow smooth with K = y_true.shape[-1] even for axis=1 (numnet used
    # y_pred.shape[axis] = 3 here). Keras (JAX): [[1.0111867, 0.9170331]] and the focal one
    # [[0.09757296, 0.09462109]].
    y_true = np.array([[[1, 0], [0, 1], [0, 0]]], "float32")
    y_pred = np.array([[[0.5, 0.2], [0.3, 0.6], [0.2, 0.2]]], "float32")
    np.testing.assert_allclose(keras.losses.categorical_crossentropy(
        y_true, y_pred, label_smoothing=0.3, axis=1).numpy(), [[1.0111867, 0.9170331]],
        rtol=1e-5)
    np.testing.assert_allclose(keras.losses.categorical_focal_crossentropy(
        y_true, y_pred, label_smoothing=0.3, axis=1).numpy(), [[0.09757296, 0.09462109]],
        rtol=1e-5)


def test_sparse_categorical_crossentropy_metric_takes_ignore_class():
    # Keras: 0.2891668 = (-log 0.7 + 0 - log 0.6) / 3 (the ignored sample counts as 0).
    m = keras.metrics.SparseCategoricalCrossentropy(ignore_class=1)
    m.update_state(np.array([0, 1, 2]),
                   np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]))
    np.testing.assert_allclose(float(m.result()), 0.2891668, rtol=1e-6)
    assert m.get_config()["ignore_class"] == 1


def test_metric_functions_take_their_loss_arguments_positionally():
    # Keras: binary_crossentropy(y_true, y_pred, from_logits=True) -> [0.6752516];
    # huber(y_true, y_pred, 0.5) -> [0.4775]. numnet's took keywords only.
    np.testing.assert_allclose(
        keras.metrics.binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]], True), [0.6752516],
        rtol=1e-6)
    np.testing.assert_allclose(keras.metrics.huber([[0.0, 1.0]], [[0.4, 3.0]], 0.5), [0.4775],
                               rtol=1e-6)


def test_activation_serialization_takes_keras_arguments_and_configs():
    # keras.activations.serialize(activation), deserialize(config, custom_objects), and get()
    # of the dict Keras writes for a function.
    acts = keras.activations
    assert acts.serialize(activation=acts.gelu) == "gelu"
    saved = {"module": "keras.activations", "class_name": "function", "config": "relu",
             "registered_name": "relu"}
    assert acts.get(saved) is acts.relu and acts.deserialize(saved) is acts.relu
    assert acts.deserialize(config="softmax", custom_objects=None) is acts.softmax

    def scaled(x):
        return 2 * x

    assert acts.deserialize("scaled", custom_objects={"scaled": scaled}) is scaled


def test_losses_and_metrics_deserialize_take_keras_arguments():
    assert type(keras.losses.deserialize(name="MeanSquaredError")).__name__ == "MeanSquaredError"
    metric = keras.metrics.deserialize(keras.metrics.serialize(keras.metrics.AUC()),
                                       custom_objects=None)
    assert type(metric).__name__ == "AUC"
    assert type(keras.metrics.deserialize("AUC")).__name__ == "AUC"

    class Doubled(keras.metrics.Mean):
        pass

    config = {"class_name": "Doubled", "config": {"name": "doubled"}}
    assert type(keras.metrics.deserialize(config, custom_objects={"Doubled": Doubled})) is Doubled


def test_metric_functions_return_tensors():
    # keras.metrics' functions return the backend's tensors; TensorFlow's docstrings write
    # tf.keras.metrics.binary_accuracy(y_true, y_pred).numpy(). numnet's returned NumPy
    # arrays, which have no .numpy(). Keras's numbers: element-wise hits whose row means are
    # [1., 0.5]; mse [0.04666667, 0.24666667] in float32.
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    y_pred = np.array([[0.7, 0.2], [0.6, 0.8]], "float32")
    acc = keras.metrics.binary_accuracy(y_true, y_pred)
    assert isinstance(acc, ops.Tensor)
    np.testing.assert_allclose(ops.mean(acc, axis=-1).numpy(), [1.0, 0.5])
    mse = keras.metrics.mse([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
                            np.array([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]], "float32"))
    assert str(mse.dtype) == "float32"
    np.testing.assert_allclose(mse.numpy(), [0.04666667, 0.24666667], rtol=1e-6)
    assert keras.metrics.huber._direction == "down"  # compile still reads it as a loss


def test_sums_and_products_of_small_integers_widen_to_32_bits():
    # Keras (JAX): sum of a (4, 4) uint8 image of 200s is 3200 (uint32); numnet summed in
    # uint8 and gave 128 (3200 mod 256). prod of int8 [100, 100] is 10000 (int32), not 16.
    image = np.full((4, 4), 200, "uint8")
    total = ops.sum(image)
    assert str(total.dtype) == "uint32" and int(total) == 3200
    product = ops.prod(np.array([100, 100], "int8"))
    assert str(product.dtype) == "int32" and int(product) == 10000
    for fn in (ops.sum, ops.prod, ops.nansum, ops.nanprod, ops.trace):
        for dtype, wide in (("bool", "int32"), ("int8", "int32"), ("int16", "int32"),
                            ("uint8", "uint32"), ("uint16", "uint32"), ("int32", "int32")):
            x = np.array([[1, 0], [1, 1]], dtype)
            assert str(fn(x).dtype) == wide, (fn.__name__, dtype)
    # Running sums keep small ints, as Keras's: cumsum of uint8 [200] * 4 is uint8.
    running = ops.cumsum(image[0])
    assert str(running.dtype) == "uint8"
    np.testing.assert_array_equal(running.numpy(), [200, 144, 88, 32])


def test_normalize_with_axis_none_divides_by_the_root_sum_of_squares():
    # Keras's L2 normalize sums the squares over axis (all of them for None): a matrix is
    # divided by its Frobenius norm. numnet divided by norm(x, 2), its largest singular value.
    x = np.array([[3.0, 0.0], [0.0, 4.0]], "float32")  # Frobenius 5, largest singular value 4
    np.testing.assert_allclose(ops.normalize(x, axis=None).numpy(), [[0.6, 0.0], [0.0, 0.8]],
                               rtol=1e-6)
    np.testing.assert_allclose(ops.normalize(x, axis=(0, 1)).numpy(), [[0.6, 0.0], [0.0, 0.8]],
                               rtol=1e-6)
    # Other orders keep norm()'s meaning: order 1 with axis=None is the largest column sum.
    np.testing.assert_allclose(ops.normalize(x, order=1, axis=None).numpy(),
                               [[0.75, 0.0], [0.0, 1.0]], rtol=1e-6)


def test_rms_normalization_takes_axis_none():
    # Keras: the mean square over every axis. [[3, 4]] -> rms sqrt(12.5).
    got = ops.rms_normalization(np.array([[3.0, 4.0]], "float32"), axis=None, epsilon=0.0)
    np.testing.assert_allclose(got.numpy(), [[3 / 12.5 ** 0.5, 4 / 12.5 ** 0.5]], rtol=1e-6)


def test_rot90_refuses_an_array_of_turns_without_changing_it():
    # NumPy's rot90 reduces k in place (k %= 4): an array passed as k came back changed.
    k = np.full((2, 2), 5.0, "float32")
    with np.testing.assert_raises_regex(TypeError, "rot90\\(k\\)"):
        ops.rot90(np.eye(2), k)
    np.testing.assert_array_equal(k, np.full((2, 2), 5.0))
    assert ops.rot90([[1, 2], [3, 4]], np.int32(3)).tolist() == [[3, 1], [4, 2]]


def test_integer_activations_keep_keras_dtypes():
    # Keras (JAX): ops.relu and ops.hard_tanh of int32 stay int32 (numnet gave float32), of
    # booleans int32 (numnet's activations gave int64); activations.relu6 of ints is float32
    # (numnet kept int32); ops.square of booleans is int32 (numnet kept bool).
    ints = np.array([3, -1, 4, 0], "int32")
    bools = ints > 0
    for fn, want in ((ops.relu, [3, 0, 4, 0]), (keras.activations.relu, [3, 0, 4, 0]),
                     (ops.hard_tanh, [1, -1, 1, 0]), (keras.activations.hard_tanh, [1, -1, 1, 0])):
        out = fn(ints)
        assert str(out.dtype) == "int32", fn
        np.testing.assert_array_equal(out.numpy(), want)
        assert str(fn(bools).dtype) == "int32", fn
    six = keras.activations.relu6(np.array([3, -1, 8], "int32"))
    assert str(six.dtype) == "float32"
    np.testing.assert_array_equal(six.numpy(), [3.0, 0.0, 6.0])
    squared = ops.square(bools)
    assert str(squared.dtype) == "int32"
    np.testing.assert_array_equal(squared.numpy(), [1, 0, 1, 0])


def test_glu_of_integers_computes_in_floatx():
    # numnet's activations.glu of int32 multiplied int32 by float32 halves and gave float64.
    out = keras.activations.glu(np.array([[2, 0]], "int32"))
    assert str(out.dtype) == "float32"
    np.testing.assert_allclose(out.numpy(), [[1.0]])  # 2 * sigmoid(0)


def test_a_scalar_loss_takes_per_sample_weights_as_keras_broadcasts_them():
    # Dice reduces a batch to one value; Keras multiplies it by sample_weight (batch,) and
    # reduces the product: 0.28 plain, 0.28 * mean([1, 3]) = 0.56, and 1.12 with 'sum'.
    # numnet refused the weights (more axes than the loss's values).
    y_true = np.array([[1.0, 0.0], [1.0, 1.0]], "float32")
    y_pred = np.array([[0.8, 0.2], [0.6, 0.4]], "float32")
    weights = np.array([1.0, 3.0], "float32")
    np.testing.assert_allclose(float(keras.losses.Dice()(y_true, y_pred)), 0.28, rtol=1e-6)
    np.testing.assert_allclose(float(keras.losses.Dice()(y_true, y_pred, sample_weight=weights)),
                               0.56, rtol=1e-6)
    np.testing.assert_allclose(float(keras.losses.Dice(reduction="sum")(
        y_true, y_pred, sample_weight=weights)), 1.12, rtol=1e-6)


def test_quantile_nearest_takes_the_lower_entry_on_a_tie():
    # Keras (JAX): quantile([1, 2, 3], q, method='nearest') at the tie position 1.5 (q = 0.75)
    # gives 2.0 and at 0.5 (q = 0.25) 1.0; numnet rounded half to even as NumPy (3.0 at 1.5).
    got = ops.quantile(np.array([1.0, 2.0, 3.0], "float32"), [0.25, 0.75, 0.8],
                       method="nearest")
    np.testing.assert_array_equal(got.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ops.percentile(np.array([1.0, 2.0, 3.0], "float32"), 75,
                                                 method="nearest").numpy(), 2.0)


def test_integer_powers_with_negative_exponents_give_integers():
    # Keras (JAX): power(int32 [2, 3, 1, -1, -1, 0, -2], [-1, 2, -3, -3, -2, -1, -2]) is
    # [0, 9, 1, -1, 1, 0, 0] in int32; numnet raised NumPy's "Integers to negative integer
    # powers are not allowed".
    got = ops.power(np.array([2, 3, 1, -1, -1, 0, -2], "int32"),
                    np.array([-1, 2, -3, -3, -2, -1, -2], "int32"))
    assert str(got.dtype) == "int32"
    np.testing.assert_array_equal(got.numpy(), [0, 9, 1, -1, 1, 0, 0])


def test_view_as_real_takes_real_floats():
    # Keras: view_as_real of float32 [1.5, -2] is [[1.5, 0], [-2, 0]]; numnet raised.
    got = ops.view_as_real(np.array([1.5, -2.0], "float32"))
    assert str(got.dtype) == "float32"
    np.testing.assert_array_equal(got.numpy(), [[1.5, 0.0], [-2.0, 0.0]])


def test_regression_losses_broadcast_targets_as_keras_subtracts_them():
    # Keras: MeanSquaredError()(zeros (1,), arange(10).reshape(1, 10) / 10) broadcasts the one
    # target over the ten units: mean((0..0.9)^2) = 0.285. (5,) against (5, 10) does not
    # broadcast and is refused, in Keras too. numnet refused both.
    y_pred = np.arange(10, dtype="float32").reshape(1, 10) / 10
    np.testing.assert_allclose(float(keras.losses.MeanSquaredError()(np.zeros(1, "float32"),
                                                                      y_pred)), 0.285, rtol=1e-6)
    with np.testing.assert_raises_regex(ValueError, r"y_true of shape \(5,\) does not fit"):
        keras.losses.mean_squared_error(np.zeros(5, "float32"), np.ones((5, 10), "float32"))


def test_metrics_of_integer_lists_give_their_docstring_numbers():
    # Keras on JAX computes these docstring examples on the int32 lists as given and shows
    # nan (Poisson, MeanAbsolutePercentageError) or 0.80159235 (LogCoshError); its docstrings,
    # and Keras on float inputs, give the numbers below, which numnet gives.
    y_true, y_pred = [[0, 1], [0, 0]], [[1, 1], [0, 0]]
    for cls, plain, weighted in ((keras.metrics.LogCoshError, 0.10844523, 0.21689038),
                                 (keras.metrics.Poisson, 0.49999997, 0.99999994),
                                 (keras.metrics.MeanAbsolutePercentageError, 2.5e8, 5e8)):
        m = cls()
        m.update_state(y_true, y_pred)
        np.testing.assert_allclose(float(m.result()), plain, rtol=1e-6)
        m.reset_state()
        m.update_state(y_true, y_pred, sample_weight=[1, 0])
        np.testing.assert_allclose(float(m.result()), weighted, rtol=1e-6)


def test_quotients_remainders_powers_and_shifts_of_two_booleans_are_int32():
    # Keras: floor_divide, mod, power, left_shift and right_shift of two booleans give int32;
    # numnet gave NumPy's int8.
    a = np.array([True, True, False])
    b = np.array([True, True, True])
    for fn, want in ((ops.floor_divide, [1, 1, 0]), (ops.mod, [0, 0, 0]),
                     (ops.power, [1, 1, 0]), (ops.left_shift, [2, 2, 0]),
                     (ops.right_shift, [0, 0, 0])):
        out = fn(a, b)
        assert str(out.dtype) == "int32", fn.__name__
        np.testing.assert_array_equal(out.numpy(), want)


def test_fit_takes_batch_targets_that_broadcast_as_keras_early_stopping_example():
    # keras.callbacks.EarlyStopping's docstring: Dense(10) fit on targets np.zeros(5) with
    # batch_size=1 ((1,) broadcasts against (1, 10)); Keras stops after 4 epochs. numnet
    # refused the targets before fitting. With 5 samples a batch, Keras and numnet refuse.
    callback = keras.callbacks.EarlyStopping(monitor="loss", patience=3)
    model = keras.models.Sequential([keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    x = np.arange(100).reshape(5, 20)
    with np.errstate(over="ignore", invalid="ignore"):  # the example's loss diverges, in Keras too
        history = model.fit(x, np.zeros(5), epochs=10, batch_size=1, callbacks=[callback],
                            verbose=0)
    assert len(history.history["loss"]) == 4
    with np.testing.assert_raises_regex(ValueError, r"y_true of shape \(5,\) does not fit"):
        model.fit(x, np.zeros(5), epochs=1, verbose=0)


def test_threshold_of_integers_with_an_integer_default_stays_integer():
    # Keras (JAX): threshold(int32 [3, -1, 4, 0], 0.5, 0) is int32 [3, 0, 4, 0]; with the
    # default 0.5 it is float32 [3, 0.5, 4, 0.5]; booleans give int32. numnet gave float32.
    ints = np.array([3, -1, 4, 0], "int32")
    for fn in (ops.threshold, keras.activations.threshold):
        out = fn(ints, 0.5, 0)
        assert str(out.dtype) == "int32"
        np.testing.assert_array_equal(out.numpy(), [3, 0, 4, 0])
        out = fn(ints, 1, 0.5)
        assert str(out.dtype) == "float32"
        np.testing.assert_array_equal(out.numpy(), [3.0, 0.5, 4.0, 0.5])
        assert str(fn(ints > 0, 0, 0).dtype) == "int32"


def test_hstack_takes_numbers_and_a_single_tensor():
    # Keras (as NumPy): hstack of a 1-D array is that array; of a (2, 3) one its rows joined;
    # of [1, 2] the numbers as a 1-D array. numnet raised IndexError ("tuple index out of
    # range") or refused to join 0-d values.
    np.testing.assert_array_equal(ops.hstack(np.array([1.0, 2.0, 3.0], "float32")).numpy(),
                                  [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ops.hstack(np.arange(6).reshape(2, 3)).numpy(), np.arange(6))
    np.testing.assert_array_equal(ops.hstack([1, 2]).numpy(), [1, 2])
    assert tuple(ops.hstack([np.ones((2, 1)), np.zeros((2, 2))]).shape) == (2, 3)
