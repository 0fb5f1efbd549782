"""A loss called with a scalar on one side broadcasts it against the other side's samples, as
Keras's losses do: GauGAN's DiscriminatorLoss calls ``Hinge()(is_real, scores)`` with
``is_real`` 1.0 or -1.0, and its own ``__call__`` receives the scalar as y_pred. The numbers
are Keras 3.15's on JAX (and worked out by hand in the comments). A loss subclass called on
lists or tuples of arrays (GauGAN's FeatureMatchingLoss over the discriminator's feature maps)
gets them in its call as they are, each leaf converted, as Keras's Loss.__call__ does."""

import numpy as np
import pytest

import numnet as keras

SCORES = np.array([[0.5], [-2.0], [0.2]], "float32")


def test_hinge_with_a_scalar_target():
    # max(1 - y, 0) = 0.5, 3, 0.8: mean 4.3 / 3; max(1 + y, 0) = 1.5, 0, 1.2: mean 0.9
    assert float(keras.losses.Hinge()(1.0, SCORES)) == pytest.approx(4.3 / 3, rel=1e-6)
    assert float(keras.losses.Hinge()(-1.0, SCORES)) == pytest.approx(0.9, rel=1e-6)


def test_element_wise_losses_with_a_scalar_target():
    # (1 - y)^2 = 0.25, 9, 0.64: mean 9.89 / 3 = 3.29667
    assert float(keras.losses.MeanSquaredError()(1.0, SCORES)) == pytest.approx(
        9.89 / 3, rel=1e-6)
    # |1 - y| = 0.5, 3, 0.8 weighted 1, 2, 0: 6.5 / 3 = 2.16667
    weights = np.array([1.0, 2.0, 0.0], "float32")
    assert float(keras.losses.MeanAbsoluteError()(1.0, SCORES, sample_weight=weights)) == (
        pytest.approx(6.5 / 3, rel=1e-6))


def test_a_loss_subclass_whose_call_takes_a_scalar_prediction():
    class DiscriminatorLoss(keras.losses.Loss):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hinge_loss = keras.losses.Hinge()

        def call(self, y, is_real):
            return self.hinge_loss(is_real, y)

    loss = DiscriminatorLoss()
    assert float(loss(SCORES, 1.0)) == pytest.approx(4.3 / 3, rel=1e-6)
    assert float(loss(SCORES, -1.0)) == pytest.approx(0.9, rel=1e-6)


def test_two_scalars_are_refused():
    with pytest.raises(ValueError, match="given two scalars"):
        keras.losses.MeanSquaredError()(1.0, 2.0)


def test_samples_that_differ_in_number_are_still_refused():
    with pytest.raises(ValueError, match="y_true has 2 samples but y_pred has 3"):
        keras.losses.MeanSquaredError()(np.ones((2, 1), "float32"), SCORES)


def test_a_loss_subclass_called_on_lists_of_feature_maps():
    # GauGAN's FeatureMatchingLoss: the MAE of each pair of maps but the last, summed; the
    # maps |0 - 1| = 1 and |1 - 3| = 2 give 1 + 2 = 3, the last pair is left out
    class FeatureMatchingLoss(keras.losses.Loss):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.mae = keras.losses.MeanAbsoluteError()

        def call(self, y_true, y_pred):
            loss = 0
            for i in range(len(y_true) - 1):
                loss += self.mae(y_true[i], y_pred[i])
            return loss

    real = [np.zeros((2, 4, 4, 2), "float32"), np.ones((2, 2, 2, 3), "float32"),
            np.zeros((2, 1), "float32")]
    fake = [np.ones((2, 4, 4, 2), "float32"), np.full((2, 2, 2, 3), 3.0, "float32"),
            np.full((2, 1), 9.0, "float32")]
    assert float(FeatureMatchingLoss()(real, fake)) == pytest.approx(3.0, rel=1e-6)
    assert float(FeatureMatchingLoss()(tuple(real), tuple(fake))) == pytest.approx(3.0)
