"""Defects found by running Keras's docstring examples (layers, callbacks, optimizers,
initializers, utils) under numnet, each pinned with Keras's own numbers (recorded in comments,
from Keras 3.15 on JAX, or on TensorFlow where the example needs it)."""

from __future__ import annotations

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
