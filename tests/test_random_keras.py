"""numnet.random as Keras 3's keras.random: seeds (None, an int, a SeedGenerator) and what each
repeats, the distributions' moments and ranges, dtypes, dropout's scaling and gradient."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import os
import types

import numpy as np
import pytest

import numnet
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

random = importlib.import_module("numnet.random")  # keras.random (and tf.random)


def test_an_int_seed_gives_the_same_numbers_every_call():
    for draw in (lambda s: random.normal((5,), seed=s), lambda s: random.uniform((5,), seed=s),
                 lambda s: random.truncated_normal((5,), seed=s),
                 lambda s: random.randint((5,), 0, 100, seed=s),
                 lambda s: random.categorical(np.zeros((2, 3)), 4, seed=s),
                 lambda s: random.gamma((5,), 2.0, seed=s),
                 lambda s: random.shuffle(np.arange(10), seed=s)):
        a, b, c = draw(3), draw(3), draw(4)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert not np.array_equal(a.numpy(), c.numpy())


def test_a_seed_generator_moves_on_and_repeats_from_its_seed():
    first = random.SeedGenerator(42)
    a = random.normal((4,), seed=first)
    b = random.normal((4,), seed=first)
    assert not np.array_equal(a.numpy(), b.numpy())
    again = random.SeedGenerator(42)
    np.testing.assert_array_equal(random.normal((4,), seed=again).numpy(), a.numpy())
    np.testing.assert_array_equal(random.normal((4,), seed=again).numpy(), b.numpy())
    assert random.SeedGenerator.from_config(first.get_config()).seed == 42
    with pytest.raises(ValueError, match="non-negative int"):
        random.SeedGenerator(-1)


def test_no_seed_follows_set_random_seed():
    numnet.utils.set_random_seed(5)
    a = random.uniform((3,))
    numnet.utils.set_random_seed(5)
    np.testing.assert_array_equal(random.uniform((3,)).numpy(), a.numpy())
    with pytest.raises(ValueError, match="seed: expected"):
        random.normal((2,), seed="x")


def test_distributions_moments_ranges_and_dtypes():
    x = random.normal((20000,), mean=2.0, stddev=0.5, seed=0).numpy()
    assert x.dtype == np.float32 and abs(x.mean() - 2.0) < 0.02 and abs(x.std() - 0.5) < 0.02
    u = random.uniform((20000,), minval=-1.0, maxval=3.0, seed=0).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = random.truncated_normal((20000,), mean=1.0, stddev=2.0, seed=0).numpy()
    assert np.abs(t - 1.0).max() <= 4.0 and 1.5 < t.std() < 1.9  # 0.88 sd: cut at 2 sd
    r = random.randint((1000,), 2, 5, seed=0)
    assert r.dtype == np.int32 and set(r.numpy().tolist()) == {2, 3, 4}
    assert random.randint((3,), 0, 9, dtype="int64", seed=0).dtype == np.int64
    g = random.gamma((20000,), 3.0, seed=0).numpy()
    assert abs(g.mean() - 3.0) < 0.1  # mean = alpha (scale 1)
    b = random.beta((20000,), 2.0, 6.0, seed=0).numpy()
    assert abs(b.mean() - 0.25) < 0.01
    n = random.binomial((20000,), 10, 0.3, seed=0).numpy()
    assert n.dtype == np.float32 and abs(n.mean() - 3.0) < 0.05
    assert random.normal((2, 3), dtype="float64", seed=0).dtype == np.float64
    with pytest.raises(ValueError, match="float type"):
        random.normal((2,), dtype="int32")


def test_gamma_draws_shape_draws_per_alpha_beta_pair_as_tensorflow():
    # tf.random.gamma: the output is shape + broadcast(alpha, beta); beta is a rate (mean a / b)
    assert random.gamma([1], alpha=[0.25], seed=0).shape == (1, 1)
    assert random.gamma((3,), 0.5, seed=0).shape == (3,)
    g = random.gamma([20000], alpha=[2.0, 5.0], beta=[[1.0], [4.0]], seed=1).numpy()
    assert g.shape == (20000, 2, 2) and g.dtype == np.float32
    np.testing.assert_allclose(g.mean(0), [[2.0, 5.0], [0.5, 1.25]], rtol=0.03)
    # the third positional argument is TensorFlow's beta when it is a number, Keras's dtype
    # when it names one
    assert abs(random.gamma([20000], 3.0, 2.0, seed=2).numpy().mean() - 1.5) < 0.05
    assert random.gamma([2], 3.0, "float64", seed=2).dtype == np.float64
    # a Beta(a, b) draw as the ratio of two gammas (the MixUp example) lies in [0, 1]
    one, two = random.gamma([4000], alpha=0.2, seed=3), random.gamma([4000], alpha=0.2, seed=4)
    ratio = (one / (one + two)).numpy()
    assert ratio.min() >= 0 and ratio.max() <= 1 and abs(ratio.mean() - 0.5) < 0.03

def test_categorical_draws_in_proportion_to_softmax():
    logits = np.log([[0.1, 0.9], [0.7, 0.3]])
    draws = random.categorical(logits, 20000, seed=0)
    assert draws.shape == (2, 20000) and draws.dtype == np.int32
    assert abs(draws.numpy()[0].mean() - 0.9) < 0.01
    assert abs(draws.numpy()[1].mean() - 0.3) < 0.01


def test_dropout_scales_the_kept_entries_and_passes_their_gradient():
    x = np.ones((200, 50), "float32")
    out = random.dropout(x, 0.4, seed=0).numpy()
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.6, rtol=1e-6)
    assert abs(kept.mean() - 0.6) < 0.02
    rows = random.dropout(x, 0.5, noise_shape=(200, 1), seed=0).numpy()
    assert all(len(set(r.tolist())) == 1 for r in rows)  # one draw per row
    assert check_gradients(lambda t: random.dropout(t, 0.3, seed=1), [x[:3, :4]]) < 1e-6
    with pytest.raises(ValueError, match="rate"):
        random.dropout(x, 1.0)


def test_shuffle_permutes_along_an_axis_and_passes_the_gradient():
    x = np.arange(12.0).reshape(3, 4)
    s = random.shuffle(x, axis=1, seed=0).numpy()
    assert sorted(s[0].tolist()) == x[0].tolist() and (s - s[:, :1] == x - x[:, :1]).any()
    np.testing.assert_array_equal(np.sort(s, axis=1), x)
    assert check_gradients(lambda t: random.shuffle(t, seed=2), [x]) < 1e-6
    assert isinstance(random.shuffle(x), Tensor)


def test_names_match_keras_random():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    tensorflow_only = {"set_seed"}  # (tf.random's; the module serves both)
    assert not [n for n in random.__all__
                if not hasattr(keras.random, n) and n not in tensorflow_only]
    assert not [n for n in dir(keras.random) if not n.startswith("_") and n not in random.__all__]


def test_the_docstring_examples_print_what_they_say():
    name_space = types.ModuleType("numnet")
    name_space.__dict__.update(vars(numnet))
    name_space.random = random
    result = doctest.testmod(random, extraglobs={"numnet": name_space},
                             optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_seed_generator_state_is_a_variable_layers_list():
    """Keras: a SeedGenerator's state is a uint32 Variable (seed, draws so far); a layer that
    holds one lists it in variables and non_trainable_variables, not in weights; setting the
    state back replays the draws."""

    class NoisyDense(numnet.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = numnet.layers.Dense(2)
            self.seed_generator = numnet.random.SeedGenerator(7)

        def call(self, x):
            return self.dense(x) + numnet.random.normal((2,), seed=self.seed_generator)

    layer = NoisyDense()
    layer(np.ones((1, 3), "float32"))
    state = layer.seed_generator.state
    assert state.dtype == "uint32" and list(state.numpy()) == [7, 1]
    assert len(layer.weights) == 2 and len(layer.variables) == 3 and layer.variables[2] is state
    assert layer.non_trainable_variables == [state] and layer.non_trainable_weights == []
    model = numnet.Sequential([numnet.Input((3,)), layer])
    assert len(model.variables) == 3 and len(model.weights) == 2
    first = numnet.random.normal((2,), seed=layer.seed_generator).numpy()
    state.assign(np.array([7, 1], "uint32"))
    np.testing.assert_array_equal(numnet.random.normal((2,), seed=layer.seed_generator).numpy(),
                                  first)
    np.testing.assert_array_equal(first, np.random.default_rng((7, 1)).normal(0, 1, 2)
                                  .astype("float32"))
