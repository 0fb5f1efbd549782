"""Defects found by running Keras's docstring examples (layers, callbacks, optimizers,
initializers, utils) under numnet, each pinned with Keras's own numbers (recorded in comments,
from Keras 3.15 on JAX, or on TensorFlow where the example needs it)."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as keras
from numnet.optimizers import schedules

# ----------------------------------------------------------------------------- schedules


def test_schedule_serialize_has_keras_keys():
    # keras.optimizers.schedules.serialize(ExponentialDecay(0.1, 100000, 0.96, staircase=True))
    # -> {'module': 'keras.optimizers.schedules', 'class_name': 'ExponentialDecay',
    #     'config': {'initial_learning_rate': 0.1, 'decay_steps': 100000, 'decay_rate': 0.96,
    #                'staircase': True, 'name': 'ExponentialDecay'}, 'registered_name': None}
    s = schedules.ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96, staircase=True)
    assert schedules.serialize(s) == {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 100000, "decay_rate": 0.96,
                   "staircase": True, "name": "ExponentialDecay"},
        "registered_name": None}
    back = schedules.deserialize(schedules.serialize(s))
    assert isinstance(back, schedules.ExponentialDecay)
    assert float(back(200000)) == pytest.approx(0.1 * 0.96 ** 2)


def test_schedule_serialize_matches_save_format():
    # The optimizer's config holds the schedule as serialize_keras_object writes it, as Keras's.
    s = schedules.PolynomialDecay(0.1, decay_steps=10)
    assert schedules.serialize(s) == keras.saving.serialize_keras_object(s)
    opt = keras.optimizers.SGD(learning_rate=s)
    assert opt.get_config()["learning_rate"]["module"] == "keras.optimizers.schedules"


class HalfEvery(schedules.LearningRateSchedule):
    def __init__(self, rate, every):
        self.rate, self.every = rate, every

    def __call__(self, step):
        return self.rate * 0.5 ** (int(step) // self.every)

    def get_config(self):
        return {"rate": self.rate, "every": self.every}


def test_schedule_deserialize_custom_objects_and_registered():
    d = schedules.serialize(HalfEvery(0.4, 10))
    assert d["module"] == __name__ and d["registered_name"] is None
    with pytest.raises(ValueError, match="custom_objects"):
        schedules.deserialize(d)
    got = schedules.deserialize(d, custom_objects={"HalfEvery": HalfEvery})
    assert isinstance(got, HalfEvery) and got(25) == pytest.approx(0.1)

    @keras.saving.register_keras_serializable(package="sweeptest")
    class Quarter(HalfEvery):
        pass

    d = schedules.serialize(Quarter(0.4, 10))
    assert d["registered_name"] == "sweeptest>Quarter"
    opt = keras.optimizers.Adam(learning_rate=Quarter(0.4, 10))
    again = keras.optimizers.Adam.from_config(opt.get_config())
    assert again.get_config()["learning_rate"] == d


# ----------------------------------------------------------------------------- initializers


def test_initializer_get_tensor_gives_its_values():
    # Keras 3.15 (JAX): keras.initializers.get(ops.ones((5, 5))) is a function initialize_fn;
    # f((2, 2)) of get(np.arange(4).reshape(2, 2)) -> float32 [[0., 1.], [2., 3.]];
    # f((2, 2), dtype="int32") -> int32; f((3, 2)) -> ValueError (shape (2, 2) expected).
    init = keras.initializers.get(keras.ops.ones((5, 5)))
    assert callable(init) and init.__name__ == "initialize_fn"
    np.testing.assert_array_equal(init((5, 5)), np.ones((5, 5), np.float32))
    f = keras.initializers.get(np.arange(4).reshape(2, 2))
    got = f((2, 2))
    assert got.dtype == np.float32 and got.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert f((2, 2), dtype="int32").dtype == np.int32
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*\(3, 2\)"):
        f((3, 2))


def test_dense_takes_an_array_as_kernel_initializer():
    # Keras 3.15: Dense(2, kernel_initializer=np.eye(3, 2) * 3) built on 3 features has kernel
    # [[3, 0], [0, 3], [0, 0]]; its config names the function as Keras writes functions:
    # {'module': 'builtins', 'class_name': 'function', 'config': 'initialize_fn',
    #  'registered_name': 'function'}
    d = keras.layers.Dense(2, kernel_initializer=np.eye(3, 2) * 3)
    d.build((None, 3))
    np.testing.assert_array_equal(d.kernel.numpy(), [[3, 0], [0, 3], [0, 0]])
    assert d.get_config()["kernel_initializer"] == {
        "module": "builtins", "class_name": "function", "config": "initialize_fn",
        "registered_name": "function"}


def test_registered_function_initializer_round_trips_through_config():
    # Keras 3.15: a registered function initializer is written as
    # {'module': 'builtins', 'class_name': 'function', 'config': 'sweeptest>sevens',
    #  'registered_name': 'function'} and from_config finds it again.
    @keras.saving.register_keras_serializable(package="sweeptest")
    def sevens(shape, dtype=None):
        return np.full(shape, 7.0)

    config = keras.layers.Dense(2, kernel_initializer=sevens).get_config()
    assert config["kernel_initializer"]["config"] == "sweeptest>sevens"
    again = keras.layers.Dense.from_config(config)
    again.build((None, 2))
    np.testing.assert_array_equal(again.kernel.numpy(), np.full((2, 2), 7.0))


# ----------------------------------------------------------------------------- lookup layers
# Keras's lookup layers need TensorFlow; these numbers are Keras 3.15 on TensorFlow 2.21.


def test_string_lookup_oov_indices_are_farmhash_buckets():
    # StringLookup(vocabulary=['a', 'b'], num_oov_indices=3)(['a', 'zz', 'q', 'b', 'x'])
    # -> [3, 1, 2, 4, 2]: tf.strings.to_hash_bucket_fast(['zz', 'q', 'x'], 3) = [1, 2, 2]
    # (numnet gave [3, 0, 2, 4, 0] from CRC-32).
    tokens = np.array(["a", "zz", "q", "b", "x"])
    layer = keras.layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3)
    assert np.asarray(layer(tokens)).tolist() == [3, 1, 2, 4, 2]
    # with mask_token='' the OOV indices start at 1
    layer = keras.layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3, mask_token="")
    got = layer(np.array(["a", "zz", "", "b", "x", "hello"]))
    assert np.asarray(got).tolist() == [4, 2, 0, 5, 3, 2]


def test_string_lookup_salt_keys_siphash():
    # salt=7 -> [3, 2, 0, 4, 0, 2]; salt=(1, 2) -> [3, 1, 0, 4, 1, 1], config salt [1, 2]
    tokens = np.array(["a", "zz", "q", "b", "x", "hello"])
    layer = keras.layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3, salt=7)
    assert np.asarray(layer(tokens)).tolist() == [3, 2, 0, 4, 0, 2]
    layer = keras.layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3, salt=(1, 2))
    assert np.asarray(layer(tokens)).tolist() == [3, 1, 0, 4, 1, 1]
    assert layer.get_config()["salt"] == [1, 2]
    again = keras.layers.StringLookup.from_config(layer.get_config())
    assert np.asarray(again(tokens)).tolist() == [3, 1, 0, 4, 1, 1]


def test_integer_lookup_farmhash_oov_method():
    # IntegerLookup's docstring: vocabulary [10, 20, 30], num_oov_indices=4,
    # oov_method="farmhash" on [100, 300, 700, 1100, 1700, 2000] -> [3, 3, 2, 2, 0, 1]
    # (floormod gives [0, 0, 0, 0, 0, 0]); -5 -> 0, 20 -> 5.
    ids = np.array([100, 300, 700, 1100, 1700, 2000, -5, 20])
    floormod = keras.layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4)
    assert np.asarray(floormod(ids[:6])).tolist() == [0, 0, 0, 0, 0, 0]
    farm = keras.layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4,
                                      oov_method="farmhash")
    assert np.asarray(farm(ids)).tolist() == [3, 3, 2, 2, 0, 1, 0, 5]
    masked = keras.layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4,
                                        oov_method="farmhash", mask_token=0)
    got = masked(np.array([100, 300, 0, 1100, 1700, 2000, -5, 20]))
    assert np.asarray(got).tolist() == [4, 4, 0, 3, 1, 2, 1, 6]
    salted = keras.layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4,
                                        oov_method="farmhash", salt=5)
    assert np.asarray(salted(ids)).tolist() == [3, 1, 0, 2, 2, 2, 2, 5]
    config = salted.get_config()
    assert (config["oov_method"], config["salt"]) == ("farmhash", [5, 5])


def test_integer_lookup_salt_errors_as_keras():
    # Keras: ValueError "`salt` can only be used when `oov_method='farmhash'`" and
    # "The `salt` argument ... can only be a tuple of 2 integers, or a single integer".
    with pytest.raises(ValueError, match="oov_method='farmhash'"):
        keras.layers.IntegerLookup(vocabulary=[1], num_oov_indices=2, salt=5)
    with pytest.raises(ValueError, match="tuple of 2 integers"):
        keras.layers.IntegerLookup(vocabulary=[1], num_oov_indices=2, oov_method="farmhash",
                                   salt="x")
    with pytest.raises(ValueError, match="'floormod' or 'farmhash'"):
        keras.layers.IntegerLookup(vocabulary=[1], oov_method="crc")


# ----------------------------------------------------------------------------- augmentation


def _data(batch=4):
    rng = np.random.default_rng(0)
    return {"images": rng.integers(0, 255, (batch, 8, 8, 3)).astype("uint8"),
            "labels": np.eye(3, dtype="float32")[[0, 1, 2, 0][:batch]],
            "segmentation_masks": rng.integers(0, 3, (batch, 8, 8, 1)).astype("uint8")}


@pytest.mark.parametrize("make", [
    lambda: keras.layers.RandomInvert(value_range=(0, 255), seed=3),
    lambda: keras.layers.RandomErasing(value_range=(0, 255), seed=3),
    lambda: keras.layers.RandomGaussianBlur(seed=3),
    lambda: keras.layers.RandomColorJitter(value_range=(0, 255), brightness_factor=0.2,
                                           seed=3),
    lambda: keras.layers.RandomContrast(0.5, seed=3),
])
def test_colour_layers_take_keras_data_dicts(make):
    # Keras 3.15's docstring examples (RandomInvert, RandomErasing, RandomGaussianBlur,
    # RandomColorJitter) call the layer on {"images", "labels", "segmentation_masks"}: the
    # result is a dict of the same keys, images augmented as alone, labels and masks unchanged
    # (these layers' transform_labels / transform_segmentation_masks return them as given).
    data = _data()
    out = make()(data, training=True)
    assert sorted(out) == sorted(data)
    alone = make()(data["images"], training=True)
    np.testing.assert_allclose(np.asarray(out["images"]), np.asarray(alone), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(out["labels"]), data["labels"])
    np.testing.assert_array_equal(np.asarray(out["segmentation_masks"]),
                                  data["segmentation_masks"])
    inference = make()(data, training=False)
    np.testing.assert_array_equal(np.asarray(inference["images"]), data["images"])


def test_bounding_box_format_is_an_argument_of_every_image_augmentation():
    # Keras 3.15: BaseImagePreprocessingLayer(bounding_box_format=None) for all of them; the
    # config holds it only when set. AugMix(bounding_box_format="xyxy") etc. were TypeErrors.
    for cls in (keras.layers.AugMix, keras.layers.RandAugment, keras.layers.RandomShear,
                keras.layers.RandomPerspective, keras.layers.RandomInvert):
        layer = cls(bounding_box_format="xyxy")
        assert layer.get_config()["bounding_box_format"] == "xyxy"
        assert "bounding_box_format" not in cls().get_config()
        assert cls.from_config(layer.get_config()).bounding_box_format == "xyxy"


def test_data_dict_errors_name_the_fix():
    boxes = {"boxes": np.zeros((4, 1, 4), "float32"), "labels": np.zeros((4, 1), "int32")}
    # Keras: ValueError "You passed an input with a 'bounding_boxes' key, but you didn't
    # specify a bounding box format ... e.g. `bounding_box_format='xyxy'`".
    with pytest.raises(ValueError, match="bounding_box_format='xyxy'"):
        keras.layers.RandomInvert()({**_data(), "bounding_boxes": boxes})
    # Colour layers pass boxes unchanged, as Keras's.
    out = keras.layers.RandomInvert(bounding_box_format="xyxy")(
        {**_data(), "bounding_boxes": boxes})
    assert out["bounding_boxes"] is boxes
    # Layers that move pixels do not move boxes in numnet: a clear refusal, not a wrong box.
    with pytest.raises(NotImplementedError, match="bounding_boxes"):
        keras.layers.RandomRotation(0.2, bounding_box_format="xyxy")(
            {**_data(), "bounding_boxes": boxes}, training=True)
    with pytest.raises(ValueError, match="'images'"):
        keras.layers.RandomInvert()({"pictures": _data()["images"]})
    # A dict of images and labels alone goes through any of them.
    out = keras.layers.RandomFlip(seed=1)({"images": _data()["images"],
                                           "labels": _data()["labels"]}, training=True)
    assert np.asarray(out["images"]).shape == (4, 8, 8, 3)


# ----------------------------------------------------------------------------- bounding boxes


def test_bounding_boxes_convert_format_as_keras():
    # keras.utils.bounding_boxes.convert_format (Keras 3.15, JAX), boxes [[10, 20, 30, 40],
    # [50, 60, 70, 80]], height=200, width=300 (float32 throughout):
    bb = keras.utils.bounding_boxes
    boxes = np.array([[10, 20, 30, 40], [50, 60, 70, 80]])
    cases = {
        ("xyxy", "xywh"): [[10, 20, 20, 20], [50, 60, 20, 20]],
        ("xyxy", "rel_xyxy"): [[0.03333334, 0.1, 0.1, 0.2], [0.16666667, 0.3, 0.23333333, 0.4]],
        ("xyxy", "center_yxhw"): [[30, 20, 20, 20], [70, 60, 20, 20]],
        ("center_xywh", "rel_yxyx"): [[0.0, -0.01666667, 0.2, 0.08333334],
                                      [0.1, 0.05, 0.5, 0.28333333]],
        ("rel_center_xywh", "xywh"): [[-1500, 0, 9000, 8000], [4500, 4000, 21000, 16000]],
        ("yxyx", "rel_center_xywh"): [[0.1, 0.1, 0.06666667, 0.1],
                                      [0.23333333, 0.3, 0.06666667, 0.1]],
    }
    for (source, target), want in cases.items():
        got = bb.convert_format(boxes, source, target, height=200, width=300)
        assert np.asarray(got).dtype == np.float32
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{source} -> {target}")
    with pytest.raises(ValueError, match="height and width"):
        bb.convert_format(boxes, "xyxy", "rel_xyxy")


def test_bounding_boxes_clip_crop_pad_affine_as_keras():
    bb = keras.utils.bounding_boxes
    # clip_to_image_size's docstring boxes plus one left with no area: label -1
    out = bb.clip_to_image_size(
        {"boxes": np.array([[-10, -20, 150, 160], [50, 40, 70, 80], [130, 0, 140, 10]]),
         "labels": np.array([0, 1, 2])}, height=100, width=120)
    assert np.asarray(out["boxes"]).tolist() == [[0, 0, 120, 100], [50, 40, 70, 80],
                                                 [120, 0, 120, 10]]
    assert np.asarray(out["labels"]).tolist() == [0, 1, -1]
    # crop's docstring boxes: Keras gives [[0, 10, 30, 40], [30, 40, 30, 40]]
    got = bb.crop(np.array([[10, 20, 50, 60], [70, 80, 100, 120]]), top=10, left=20,
                  height=40, width=30)
    assert np.asarray(got).tolist() == [[0, 10, 30, 40], [30, 40, 30, 40]]
    assert np.asarray(bb.pad(np.array([[10, 20, 50, 60]]), top=5, left=3)).tolist() == [
        [13, 25, 53, 65]]
    # affine_transform of two images' boxes (angles 30, -10; translations (0.1, 0), (0, -0.2);
    # scales 1, 1.5; shear_x 5, 0; shear_y 0, 10; 64 x 80 images)
    z = np.zeros(2, "float32")
    boxes = np.array([[[10, 20, 30, 40], [0, 0, 50, 60]], [[5, 5, 10, 10], [1, 2, 3, 4]]],
                     "float32")
    got = bb.affine_transform(boxes, z + [30, -10], z + [0.1, 0], z + [0, -0.2], z + [1, 1.5],
                              z + [5, 0], z + [0, 10], height=64, width=80)
    want = [[[13.227648, 22.340706, 42.938393, 49.661213],
             [-7.385397, -4.979801, 72.64913, 71.98172]],
            [[-2.5816956, -42.435764, 6.1067238, -32.674622],
             [-6.9277077, -48.813393, -3.4523401, -44.908936]]]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-4)


# ----------------------------------------------------------------------------- Keras's arguments


def test_variance_scaling_input_and_output_axes():
    # Keras 3.15: compute_fans((4, 5, 6), input_axes=[0], output_axes=[1, 2]) = (4, 30);
    # GlorotUniform(input_axes=[0], output_axes=[1, 2]) draws within sqrt(6 / 34) = 0.42008;
    # its config: {'seed': 1, 'input_axes': [0], 'output_axes': [1, 2]}. Without the axes the
    # fans are (20, 24) and the limit sqrt(6 / 44) = 0.369, which these draws exceed.
    assert keras.initializers.compute_fans((4, 5, 6), [0], [1, 2]) == (4, 30)
    init = keras.initializers.GlorotUniform(seed=1, input_axes=[0], output_axes=[1, 2])
    w = np.asarray(init((4, 5, 6)))
    assert np.abs(w).max() <= np.sqrt(6 / 34) and np.abs(w).max() > np.sqrt(6 / 44)
    assert init.get_config() == {"seed": 1, "input_axes": [0], "output_axes": [1, 2]}
    again = keras.initializers.GlorotUniform.from_config(init.get_config())
    np.testing.assert_array_equal(np.asarray(again((4, 5, 6))), w)
    he = keras.initializers.HeNormal(input_axes=[0, 1], output_axes=[2])
    assert (he.input_axes, he.output_axes) == ([0, 1], [2])


def test_variance_scaling_distribution_normal_means_truncated():
    # Keras 3.15: VarianceScaling(distribution="Normal").distribution == "truncated_normal"
    init = keras.initializers.VarianceScaling(distribution="Normal")
    assert init.distribution == "truncated_normal"


def test_serialize_argument_names_are_keras():
    # keras.initializers.serialize(initializer), keras.regularizers.serialize(regularizer),
    # keras.optimizers.schedules.serialize(learning_rate_schedule)
    assert keras.initializers.serialize(initializer=keras.initializers.Zeros())[
        "class_name"] == "Zeros"
    assert keras.regularizers.serialize(regularizer=keras.regularizers.L2(0.1))["config"] == {
        "l2": 0.1}
    s = schedules.InverseTimeDecay(0.1, 10, 0.5)
    assert schedules.serialize(learning_rate_schedule=s)["class_name"] == "InverseTimeDecay"


def test_callback_list_drives_a_training_loop_of_ones_own():
    # Keras 3.15: CallbackList([cb], add_history=True, model=model, epochs=2, verbose=0) and
    # its on_* methods give seen == [('b', 0), (0, {'loss': 1.0}), ('b', 0), (1, {'loss': 0.5})],
    # model.history.history == {'loss': [1.0, 0.5]}, params {'epochs': 2, 'verbose': 0},
    # callbacks [LambdaCallback, History].
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    seen = []
    cb = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: seen.append((e, dict(logs))),
        on_train_batch_end=lambda b, logs: seen.append(("b", b)))
    callbacks = keras.callbacks.CallbackList([cb], add_history=True, add_progbar=False,
                                             model=model, epochs=2, verbose=0)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        callbacks.on_train_batch_end(0, {"loss": 3.0})
        callbacks.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    callbacks.on_train_end()
    assert seen == [("b", 0), (0, {"loss": 1.0}), ("b", 0), (1, {"loss": 0.5})]
    assert model.history.history == {"loss": [1.0, 0.5]} and model.history.epoch == [0, 1]
    assert model.history.params == {"epochs": 2, "verbose": 0} == cb.params
    assert [type(c).__name__ for c in callbacks.callbacks] == ["LambdaCallback", "History"]
    # add_progbar adds a ProgbarLogger once; append attaches the model
    more = keras.callbacks.CallbackList(None, add_progbar=True, model=model)
    more.append(keras.callbacks.History())
    assert [type(c).__name__ for c in more] == ["ProgbarLogger", "History"]
    assert more.callbacks[1].model is model


def test_progbar_averages_values_as_keras():
    # Keras 3.15 Progbar(5): update(1, loss 4, acc .5), update(2, loss 2, acc .7),
    # update(4, loss 3, acc .9) shows loss 3.0 (= (4 + 2 + 2 * 3) / 4) and acc 0.75; a final
    # update(5, loss 10) shows 10.0 as given. stateful_metrics=['acc'] after update(1, ...),
    # update(3, loss 2, acc .7): loss 2.6667, acc 0.7; stateless_metrics=['acc']: loss 2.0,
    # acc 0.6333. (numnet showed the latest value of each.)
    import io

    def shown(bar):
        out = bar._shown()
        return {k: round(float(v), 4) for k, v in out.items()}

    bar = keras.utils.Progbar(5, verbose=0)
    bar.update(1, [("loss", 4.0), ("acc", 0.5)])
    bar.update(2, [("loss", 2.0), ("acc", 0.7)])
    bar.update(4, [("loss", 3.0), ("acc", 0.9)])
    assert shown(bar) == {"loss": 3.0, "acc": 0.75}
    bar.update(5, [("loss", 10.0)])
    assert shown(bar) == {"loss": 10.0, "acc": 0.75}
    for kwargs, want in (({"stateful_metrics": ["acc"]}, {"loss": 2.6667, "acc": 0.7}),
                         ({"stateless_metrics": ["acc"]}, {"loss": 2.0, "acc": 0.6333})):
        bar = keras.utils.Progbar(5, verbose=0, **kwargs)
        bar.update(1, [("loss", 4.0), ("acc", 0.5)])
        bar.update(3, [("loss", 2.0), ("acc", 0.7)])
        assert shown(bar) == want
    with pytest.raises(ValueError, match="not both"):
        keras.utils.Progbar(5, stateful_metrics=["a"], stateless_metrics=["b"])
    # The line written shows the average (verbose=1, every update drawn with interval=0).
    out = io.StringIO()
    bar = keras.utils.Progbar(4, verbose=1, interval=0.0, stream=out)
    for step, loss in enumerate([4.0, 2.0, 3.0], 1):
        bar.update(step, [("loss", loss)])
    assert out.getvalue().rsplit("\r", 1)[-1].rstrip().endswith("loss: 3.0000")


# ----------------------------------------------------------------------------- batch renorm


def _renorm_model(kernel=None, **kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype("float32") * 3 + 1
    y = rng.normal(size=(8, 3)).astype("float32")
    if kernel is None:
        kernel = (np.arange(9).reshape(3, 3) / 10 - 0.3).astype("float32")
    model = keras.Sequential([
        keras.Input((3,)), keras.layers.Dense(3, kernel_initializer=kernel),
        keras.layers.BatchNormalization(momentum=0.8, **kwargs)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    for _ in range(3):
        model.train_on_batch(x, y)
    return model, x


def test_batch_renormalization_trains_as_keras():
    # Keras 3.15 (JAX), the model above after three SGD(0.1) steps of MSE:
    model, x = _renorm_model(renorm=True, renorm_momentum=0.9)
    bn = model.layers[1]
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance",
                                            "moving_stddev", "renorm_mean", "renorm_stddev"]
    want = {"gamma": [0.920981, 0.922993, 0.861825], "beta": [0.021967, -0.03556, 0.035074],
            "moving_mean": [0.032083, 0.135451, 0.184745],
            "moving_variance": [0.820864, 0.654769, 0.756406],
            "moving_stddev": [0.906567, 0.809795, 0.870291],
            "renorm_mean": [0.016635, 0.073753, 0.10294],
            "renorm_stddev": [0.950522, 0.893984, 0.926473]}
    for w in bn.weights:
        np.testing.assert_allclose(w.numpy(), want[w.name], atol=2e-6, err_msg=w.name)
    np.testing.assert_allclose(model.layers[0].kernel.numpy(),
                               [[-0.204373, -0.000361, -0.05896], [0.08702, 0.141661, 0.034128],
                                [0.371206, 0.452884, 0.552834]], atol=2e-6)
    np.testing.assert_allclose(model.predict(x[:2], verbose=0),
                               [[0.858441, 1.414893, 1.391386], [0.448941, 0.787651, 0.89618]],
                               atol=2e-6)
    np.testing.assert_allclose(np.asarray(bn(x[:4], training=True)),
                               [[1.340238, 0.511569, 2.656742], [1.27969, -0.738411, 1.878628],
                                [4.765189, 3.854182, -1.09435], [-2.703511, -1.009754, 0.984865]],
                               atol=5e-6)


def test_batch_renormalization_clipping_and_config():
    # Keras 3.15: renorm_clipping {'rmax': 1.5, 'rmin': 0.8, 'dmax': 0.3}, renorm_momentum 0.5
    model, x = _renorm_model(renorm=True, renorm_momentum=0.5,
                             renorm_clipping={"rmax": 1.5, "rmin": 0.8, "dmax": 0.3})
    bn = model.layers[1]
    np.testing.assert_allclose(bn.gamma.numpy(), [0.91444, 0.865186, 0.804035], atol=2e-6)
    np.testing.assert_allclose(bn.renorm_stddev.numpy(), [0.802991, 0.708544, 0.803838],
                               atol=2e-6)
    np.testing.assert_allclose(model.predict(x[:2], verbose=0),
                               [[0.868147, 1.354779, 1.319359], [0.454429, 0.762156, 0.89081]],
                               atol=2e-6)
    config = bn.get_config()
    assert (config["renorm"], config["renorm_momentum"], config["synchronized"]) == (
        True, 0.5, False)
    assert config["renorm_clipping"] == {"rmax": 1.5, "rmin": 0.8, "dmax": 0.3}
    again = keras.layers.BatchNormalization.from_config(config)
    assert again.renorm and again.renorm_clipping == config["renorm_clipping"]
    # scale=False: r and d alone scale and shift (Keras: beta [0.02205, -0.007188, 0.079353])
    model, _ = _renorm_model(renorm=True, scale=False, renorm_clipping={"dmax": 0.1})
    np.testing.assert_allclose(model.layers[1].beta.numpy(), [0.02205, -0.007188, 0.079353],
                               atol=2e-6)
    with pytest.raises(ValueError, match="rmax"):
        keras.layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 1})
    with pytest.raises(ValueError, match="unknown keys"):
        keras.layers.BatchNormalization(renorm=True, renorm_clipping={"r_max": 2})


def test_batch_renormalization_saves_and_loads(tmp_path):
    # (a kernel initializer Keras can name: an array's initialize_fn cannot go in a .keras file)
    model, x = _renorm_model(kernel="glorot_uniform", renorm=True, renorm_clipping={"rmax": 2.0})
    for name in ("m.keras", "m.numnet"):
        model.save(tmp_path / name)
        back = keras.models.load_model(tmp_path / name)
        np.testing.assert_allclose(back.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-6)
        np.testing.assert_array_equal(back.layers[1].renorm_stddev.numpy(),
                                      model.layers[1].renorm_stddev.numpy())


def test_max_num_bounding_boxes_as_keras():
    # Keras 3.15: MaxNumBoundingBoxes(3, fill_value=-2, bounding_box_format="xyxy") cuts four
    # boxes to three; MaxNumBoundingBoxes(5) pads with -1; images (uint8) and labels unchanged.
    boxes = np.array([[[10, 20, 100, 150], [50, 60, 200, 250], [0, 0, 50, 50], [1, 1, 2, 2]],
                      [[1, 2, 3, 4], [5, 6, 7, 8], [0, 0, 0, 0], [9, 9, 9, 9]]], "float32")
    data = {"images": np.zeros((2, 8, 8, 3), "uint8"), "labels": np.array([0, 1]),
            "bounding_boxes": {"boxes": boxes, "labels": np.array([[1, 2, 3, 4], [5, 6, 7, 8]])}}
    out = keras.layers.MaxNumBoundingBoxes(3, fill_value=-2, bounding_box_format="xyxy")(data)
    assert np.asarray(out["bounding_boxes"]["labels"]).tolist() == [[1, 2, 3], [5, 6, 7]]
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["boxes"]), boxes[:, :3])
    assert np.asarray(out["images"]).dtype == np.uint8
    assert np.asarray(out["labels"]).tolist() == [0, 1]
    layer = keras.layers.MaxNumBoundingBoxes(5, bounding_box_format="xyxy")
    out = layer(data)
    assert np.asarray(out["bounding_boxes"]["labels"]).tolist() == [[1, 2, 3, 4, -1],
                                                                     [5, 6, 7, 8, -1]]
    assert np.asarray(out["bounding_boxes"]["boxes"])[1, 4].tolist() == [-1, -1, -1, -1]
    assert keras.layers.MaxNumBoundingBoxes.from_config(layer.get_config()).max_number == 5
    with pytest.raises(ValueError, match="bounding_box_format"):
        keras.layers.MaxNumBoundingBoxes(5)(data)


def test_keras_arguments_of_utils():
    # Keras 3.15: get_registered_object(name, custom_objects=None, module_objects=None) finds
    # a name in module_objects last; timeseries_dataset_from_array(..., format="tf") ("tf" or
    # "grain"; anything else a ValueError).
    class Thing:
        pass

    assert keras.utils.get_registered_object("Thing", module_objects={"Thing": Thing}) is Thing
    assert keras.saving.get_registered_object("Thing", custom_objects={"Thing": int},
                                              module_objects={"Thing": Thing}) is int
    assert keras.utils.get_registered_object("Nothing", module_objects={"Thing": Thing}) is None
    ds = keras.utils.timeseries_dataset_from_array(np.arange(6), None, sequence_length=3,
                                                   batch_size=None, format="grain")
    assert np.asarray(ds[1]).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="'tf' or 'grain'"):
        keras.utils.timeseries_dataset_from_array(np.arange(6), None, 3, format="torch")


def test_random_flip_flips_masks_and_boxes_with_the_images():
    # Keras 3.15 (RandomFlip(bounding_box_format="xyxy") on 4 x 5 images): a horizontally
    # flipped image's boxes [0, 0, 2, 2], [1, 1, 5, 4] become [3, 0, 5, 2], [0, 1, 4, 4];
    # vertically [0, 2, 2, 4], [1, 0, 5, 3]; both [3, 2, 5, 4], [0, 0, 4, 3]; masks are
    # flipped as their images and come back in the compute dtype (float32); a box with no
    # area gets label -1.
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (6, 4, 5, 3)).astype("uint8")
    masks = images[..., :1] % 3
    boxes = np.array([[[0, 0, 2, 2], [1, 1, 5, 4], [2, 2, 2, 3]]] * 6, "float32")
    moved = {"horizontal": [[3, 0, 5, 2], [0, 1, 4, 4]],
             "vertical": [[0, 2, 2, 4], [1, 0, 5, 3]],
             "horizontal_and_vertical": [[3, 2, 5, 4], [0, 0, 4, 3]]}
    for mode, want in moved.items():
        layer = keras.layers.RandomFlip(mode, seed=3, bounding_box_format="xyxy")
        out = layer({"images": images, "segmentation_masks": masks,
                     "bounding_boxes": {"boxes": boxes, "labels": np.array([[1, 2, 3]] * 6)}},
                    training=True)
        got_images, got_masks = np.asarray(out["images"]), np.asarray(out["segmentation_masks"])
        assert got_masks.dtype == np.float32
        np.testing.assert_array_equal(got_masks[..., 0], got_images[..., 0] % 3)
        got_boxes = np.asarray(out["bounding_boxes"]["boxes"])
        flipped = [not np.array_equal(got_images[i], images[i]) for i in range(6)]
        assert any(flipped) and not all(flipped)
        for i in range(6):
            expected = want if flipped[i] else boxes[i, :2].tolist()
            assert got_boxes[i, :2].tolist() == expected, (mode, i)
        assert np.asarray(out["bounding_boxes"]["labels"]).tolist() == [[1, 2, -1]] * 6
    out = keras.layers.RandomFlip(bounding_box_format="xyxy")(
        {"images": images, "segmentation_masks": masks,
         "bounding_boxes": {"boxes": boxes, "labels": np.array([[1, 2, 3]] * 6)}},
        training=False)
    np.testing.assert_array_equal(np.asarray(out["segmentation_masks"]), masks)
    assert np.asarray(out["bounding_boxes"]["boxes"]).tolist() == boxes.tolist()


@pytest.mark.parametrize("make", [
    lambda: keras.layers.RandomRotation(0.2, seed=1),
    lambda: keras.layers.RandomTranslation(0.2, 0.3, seed=2),
    lambda: keras.layers.RandomZoom(0.3, seed=3),
    lambda: keras.layers.RandomShear(x_factor=0.3, seed=4),
    lambda: keras.layers.RandomPerspective(seed=5),
])
def test_moving_layers_move_masks_with_the_images(make):
    # Keras 3.15: these layers' transform_segmentation_masks is transform_images with the same
    # transformation, so a mask equal to an image channel stays equal to it, in float32; in
    # inference the masks come back unmoved.
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (4, 6, 7, 3)).astype("uint8")
    data = {"images": images, "segmentation_masks": images[..., :1], "labels": np.arange(4)}
    out = make()(data, training=True)
    got_images, got_masks = np.asarray(out["images"]), np.asarray(out["segmentation_masks"])
    assert got_masks.dtype == np.float32 and not np.allclose(got_images, images)
    np.testing.assert_allclose(got_masks[..., 0], got_images[..., 0], atol=1e-4)
    one = make()({"images": images[0], "segmentation_masks": images[0, ..., :1]},
                 training=True)
    np.testing.assert_allclose(np.asarray(one["segmentation_masks"])[..., 0],
                               np.asarray(one["images"])[..., 0], atol=1e-4)
    still = make()(data, training=False)
    np.testing.assert_array_equal(np.asarray(still["segmentation_masks"]), images[..., :1])


def test_random_shear_moves_boxes_as_keras():
    # Keras 3.15 RandomShear(bounding_box_format="xyxy").transform_bounding_boxes with
    # shear_factor [[0.3, 0], [-0.2, 0.1], [0.1, -0.4], [-0.5, 0.5]] on 224 x 224 images
    # (the same numbers for "xywh" boxes, in xywh):
    boxes = np.array([[[10, 20, 100, 150], [50, 60, 200, 250]],
                      [[15, 25, 110, 160], [0, 0, 224, 224]],
                      [[20, 30, 120, 170], [60, 70, 220, 270]],
                      [[25, 35, 130, 180], [300, 300, 310, 310]]], "float32")
    labels = np.array([[0, 1], [1, 2], [2, 3], [0, 3]], "int32")
    t = {"shear_factor": np.array([[0.3, 0.0], [-0.2, 0.1], [0.1, -0.4], [-0.5, 0.5]],
                                  "float32"), "input_shape": (4, 224, 224, 3)}
    layer = keras.layers.RandomShear(x_factor=0.5, y_factor=0.5, bounding_box_format="xyxy")
    out = layer.transform_bounding_boxes({"boxes": boxes, "labels": labels}, t)
    want = [[[0.0, 20.0, 94.0, 150.0], [0.0, 60.0, 182.0, 224.0]],
            [[20.0, 10.8, 142.0, 158.0], [0.0, 0.0, 224.0, 224.0]],
            [[3.0, 31.2, 117.0, 216.8], [33.0, 83.2, 213.0, 224.0]],
            [[42.5, 0.0, 220.0, 158.75], [224.0, 67.5, 224.0, 85.0]]]
    np.testing.assert_allclose(np.asarray(out["boxes"]), want, atol=1e-4)
    assert np.asarray(out["labels"]).tolist() == [[0, 1], [1, 2], [2, 3], [0, -1]]
    # In a data dict the boxes move with the drawn shears, masks with the images.
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (4, 224, 224, 3)).astype("uint8")
    out = keras.layers.RandomShear(x_factor=0.3, seed=2, bounding_box_format="xyxy")(
        {"images": images, "segmentation_masks": images[..., :1],
         "bounding_boxes": {"boxes": boxes, "labels": labels}}, training=True)
    assert np.asarray(out["bounding_boxes"]["boxes"]).shape == (4, 2, 4)
    assert not np.allclose(np.asarray(out["bounding_boxes"]["boxes"]), boxes)


def test_random_perspective_moves_boxes_as_keras():
    # Keras 3.15 RandomPerspective(bounding_box_format="xyxy").transform_bounding_boxes, 224 x
    # 224 images, corners moved by the fractions below (the third image not warped):
    boxes = np.array([[[10, 20, 100, 150], [50, 60, 200, 250]],
                      [[15, 25, 110, 160], [0, 0, 224, 224]],
                      [[20, 30, 120, 170], [60, 70, 220, 270]]], "float32")
    start = np.stack([np.array([[0, 0], [223, 0], [0, 223], [223, 223]], "float32")] * 3)
    moves = np.array([[[0.05, 0.02], [-0.03, 0.04], [0.01, -0.06], [-0.02, -0.01]],
                      [[0.1, 0.0], [0.0, 0.1], [-0.1, 0.0], [0.0, -0.1]],
                      [[0.2, 0.2], [0, 0], [0, 0], [0, 0]]], "float32")
    t = {"apply_perspective": np.array([True, True, False]), "start_points": start,
         "end_points": start + start * moves, "input_shape": (3, 224, 224, 3)}
    layer = keras.layers.RandomPerspective(bounding_box_format="xyxy")
    out = layer.transform_bounding_boxes(
        {"boxes": boxes, "labels": np.array([[0, 1], [1, 2], [2, 3]], "int32")}, t)
    want = [[[9.244, 18.676, 94.896, 143.796], [46.72, 56.636, 195.173, 224.0]],
            [[16.543, 23.701, 115.872, 158.813], [0.0, 0.0, 223.9, 224.0]],
            [[20.0, 30.0, 120.0, 170.0], [60.0, 70.0, 220.0, 224.0]]]
    np.testing.assert_allclose(np.asarray(out["boxes"]), want, atol=1e-3)
    assert np.asarray(out["labels"]).tolist() == [[0, 1], [1, 2], [2, 3]]
