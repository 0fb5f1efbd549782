"""keras.distillation: the distillation losses against their formulas computed by hand, and the
Distiller's step against the same step written out (total = w * student + (1 - w) * sum of
weighted distillation losses; the teacher frozen; only the student trained)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.distillation import (
    DistillationLoss,
    Distiller,
    FeatureDistillation,
    LogitsDistillation,
)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


TEACHER = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]], "float64")
STUDENT = np.array([[1.0, 0.0, -0.5], [0.4, -0.3, 1.0]], "float64")


def test_logits_distillation_with_a_kl_object_compares_softened_probabilities_times_t_squared():
    t = 4.0
    loss = LogitsDistillation(temperature=t, loss=numnet.losses.KLDivergence())
    p, q = _softmax(TEACHER / t), _softmax(STUDENT / t)
    expected = (p * np.log(p / q)).sum(-1).mean() * t**2
    value = float(loss.compute_loss(TEACHER.astype("float32"), STUDENT.astype("float32")))
    assert value == pytest.approx(expected, rel=1e-5)


def test_logits_distillation_by_name_applies_the_loss_function_to_the_scaled_logits():
    """A name gives Keras's loss *function*: "kl_divergence" is applied to the scaled logits
    themselves (clipped to [1e-7, 1] as probabilities), with no softmax and no t**2."""
    t = 2.0
    a = np.clip(TEACHER / t, 1e-7, 1.0)
    b = np.clip(STUDENT / t, 1e-7, 1.0)
    expected = (a * np.log(a / b)).sum(-1).mean()
    value = float(LogitsDistillation(temperature=t).compute_loss(
        TEACHER.astype("float32"), STUDENT.astype("float32")))
    assert value == pytest.approx(expected, rel=1e-5)
    mse = LogitsDistillation(temperature=t, loss="mse")
    assert float(mse.compute_loss(TEACHER, STUDENT)) == pytest.approx(
        (((TEACHER - STUDENT) / t) ** 2).mean(), rel=1e-6)


def test_several_outputs_sum_their_losses_and_none_skips_one():
    loss = LogitsDistillation(temperature=1.0, loss=["mse", None])
    value = float(loss.compute_loss([TEACHER, TEACHER], [STUDENT, 0 * STUDENT]))
    assert value == pytest.approx(((TEACHER - STUDENT) ** 2).mean(), rel=1e-6)
    feature = FeatureDistillation(loss=["mae", "mse"])
    value = float(feature.compute_loss([TEACHER, TEACHER], [STUDENT, STUDENT]))
    assert value == pytest.approx(np.abs(TEACHER - STUDENT).mean()
                                  + ((TEACHER - STUDENT) ** 2).mean(), rel=1e-6)
    with pytest.raises(ValueError, match=r"FeatureDistillation\(loss\).*the structure"):
        feature.validate_outputs(TEACHER, STUDENT)


@pytest.mark.parametrize("make, match", [
    (lambda: LogitsDistillation(temperature=0), r"temperature.*positive.*given 0"),
    (lambda: LogitsDistillation(temperature="3"), r"temperature.*given '3'"),
    (lambda: LogitsDistillation(loss=[None, None]), r"at least one loss"),
    (lambda: FeatureDistillation(loss=None), r"FeatureDistillation\(loss\)"),
    (lambda: LogitsDistillation(loss="no_such_loss"), r"no_such_loss"),
])
def test_bad_distillation_loss_arguments_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_a_distillation_loss_of_ones_own_must_compute_a_loss():
    with pytest.raises(NotImplementedError, match="compute_loss"):
        DistillationLoss().compute_loss(TEACHER, STUDENT)


def test_the_losses_round_trip_through_their_configs():
    loss = LogitsDistillation(temperature=5.0, loss=numnet.losses.KLDivergence())
    again = LogitsDistillation.from_config(loss.get_config())
    assert again.temperature == 5.0 and isinstance(again.loss, numnet.losses.KLDivergence)
    feature = FeatureDistillation("mse", teacher_layer_name="a", student_layer_name="b")
    again = FeatureDistillation.from_config(feature.get_config())
    assert (again.teacher_layer_name, again.student_layer_name) == ("a", "b")
    assert float(again.compute_loss(TEACHER, STUDENT)) == pytest.approx(
        ((TEACHER - STUDENT) ** 2).mean(), rel=1e-6)


def _mlp(width, seed, name):
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(width, activation="tanh",
                                                                 name="hidden"),
                               layers.Dense(2, name="logits")], name=name)
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def test_a_distiller_step_is_the_weighted_sum_written_out():
    teacher, student = _mlp(5, 0, "teacher"), _mlp(2, 1, "student")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.integers(0, 2, 8).astype("int32")
    teacher_before = [w.copy() for w in teacher.get_weights()]
    student_before = [w.copy() for w in student.get_weights()]
    distiller = Distiller(
        teacher, student,
        [LogitsDistillation(temperature=2.0, loss=numnet.losses.KLDivergence()),
         FeatureDistillation("mse", teacher_layer_name="logits", student_layer_name="logits")],
        distillation_loss_weights=[1.0, 0.5], student_loss_weight=0.25)
    distiller.compile(numnet.optimizers.SGD(0.1),
                      loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True))
    logs = distiller.train_on_batch(x, y, return_dict=True)

    def forward(weights, x):
        h = np.tanh(x @ weights[0] + weights[1])
        return h @ weights[2] + weights[3]

    t_logits = forward([w.astype("float64") for w in teacher_before], x)
    s_logits = forward([w.astype("float64") for w in student_before], x)
    s_prob = _softmax(s_logits)
    student_loss = -np.log(s_prob[np.arange(8), y]).mean()
    p, q = _softmax(t_logits / 2), _softmax(s_logits / 2)
    kl = (p * np.log(p / q)).sum(-1).mean() * 4
    feature = ((t_logits - s_logits) ** 2).mean()
    distill = kl + 0.5 * feature
    total = 0.25 * student_loss + 0.75 * distill
    assert logs["student_loss"] == pytest.approx(student_loss, rel=1e-5)
    assert logs["distillation_loss"] == pytest.approx(distill, rel=1e-5)
    assert logs["loss"] == pytest.approx(total, rel=1e-5)
    assert logs["total_loss"] == pytest.approx(total, rel=1e-5)
    assert not teacher.trainable and len(distiller.trainable_weights) == 4
    for now, before in zip(teacher.get_weights(), teacher_before, strict=True):
        np.testing.assert_array_equal(now, before)
    assert max(np.abs(a - b).max() for a, b in zip(student.get_weights(), student_before)) > 0
    np.testing.assert_array_equal(distiller.predict(x, verbose=0),
                                  student.predict(x, verbose=0))


def test_a_student_loss_weight_of_one_trains_on_the_labels_alone():
    teacher, student = _mlp(5, 0, "teacher"), _mlp(2, 1, "student")
    distiller = Distiller(teacher, student, LogitsDistillation(), student_loss_weight=1.0)
    distiller.compile("sgd", loss="mse")
    logs = distiller.train_on_batch(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"),
                                    return_dict=True)
    assert logs["distillation_loss"] == 0.0 and logs["loss"] == logs["student_loss"] > 0


def test_bad_distiller_arguments_are_refused_naming_the_argument():
    teacher, student = _mlp(5, 0, "teacher"), _mlp(2, 1, "student")
    wide = numnet.Sequential([numnet.Input((3,)), layers.Dense(4)])
    with pytest.raises(ValueError, match=r"teacher's output shape \(None, 2\).*\(None, 4\)"):
        Distiller(teacher, wide, LogitsDistillation())
    with pytest.raises(ValueError, match=r"Distiller\(teacher\): expected a numnet Model"):
        Distiller(layers.Dense(2), student, LogitsDistillation())
    with pytest.raises(ValueError, match=r"student_loss_weight.*\[0, 1\], given 1.5"):
        Distiller(teacher, student, LogitsDistillation(), student_loss_weight=1.5)
    with pytest.raises(ValueError, match=r"distillation_losses.*given None"):
        Distiller(teacher, student, None)
    with pytest.raises(ValueError, match=r"one weight per distillation loss \(2\), given 1"):
        Distiller(teacher, student, [LogitsDistillation(), LogitsDistillation()], [1.0])
    with pytest.raises(ValueError, match=r"teacher_layer_name='nope'.*teacher model"):
        Distiller(teacher, student, FeatureDistillation(teacher_layer_name="nope"))
    distiller = Distiller(teacher, student, LogitsDistillation())
    with pytest.raises(ValueError, match=r"compile\(loss\).*given None"):
        distiller.compile("sgd")


def test_a_layer_name_on_a_subclassed_model_is_refused():
    class Net(numnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2, name="logits")

        def call(self, x):
            return self.dense(x)

    net = Net()
    net(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="Functional or Sequential.*student model"):
        Distiller(_mlp(2, 0, "t"), net, FeatureDistillation(teacher_layer_name="logits",
                                                            student_layer_name="logits"))


def test_the_distiller_follows_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    if not hasattr(keras, "distillation"):
        pytest.skip("this Keras has no keras.distillation (Keras 3.12 and later)")
    rng = np.random.default_rng(4)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    results = []
    for lib in (numnet, keras):
        def mlp(width, seed, name, lib=lib):
            model = lib.Sequential([lib.Input((3,)),
                                    lib.layers.Dense(width, activation="tanh", name="hidden"),
                                    lib.layers.Dense(2, name="logits")], name=name)
            draw = np.random.default_rng(seed)
            model.set_weights([draw.normal(0, 0.5, w.shape).astype("float32")
                               for w in model.get_weights()])
            return model

        distiller = lib.distillation.Distiller(
            mlp(6, 0, "teacher"), mlp(3, 1, "student"),
            [lib.distillation.LogitsDistillation(3.0, lib.losses.KLDivergence()),
             lib.distillation.LogitsDistillation(2.0),
             lib.distillation.FeatureDistillation("mae")],
            distillation_loss_weights=[1.0, 0.3, 0.2], student_loss_weight=0.6)
        distiller.compile(lib.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
        history = distiller.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        results.append({key: np.asarray(history.history[key]) for key in (
            "loss", "student_loss", "distillation_loss")})
    for key in results[0]:
        np.testing.assert_allclose(results[0][key], results[1][key], rtol=1e-4)
