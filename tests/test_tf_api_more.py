"""tf.random's stateless functions and Generator, tf.TensorArray, partitions and histograms,
the extra tf.config / tf.dtypes names and the importable namespaces: values, gradients, and
TensorFlow's numbers where they are deterministic and TensorFlow is installed."""

import numpy as np
import pytest

import numnet
import numnet as tf


def test_stateless_draws_depend_only_on_the_seed():
    a = tf.random.stateless_uniform([5], seed=[1, 2])
    assert np.array_equal(a, tf.random.stateless_uniform([5], seed=[1, 2]))
    assert not np.array_equal(a, tf.random.stateless_uniform([5], seed=[1, 3]))
    assert a.dtype == np.float32 and 0 <= float(tf.reduce_min(a)) < float(tf.reduce_max(a)) < 1
    ints = tf.random.stateless_uniform([1000], seed=[4, 4], minval=3, maxval=7, dtype=tf.int32)
    assert set(np.unique(ints).tolist()) == {3, 4, 5, 6}
    n = tf.random.stateless_normal([4000], seed=[0, 9], mean=2.0, stddev=0.5).numpy()
    assert abs(n.mean() - 2.0) < 0.05 and abs(n.std() - 0.5) < 0.05
    t = tf.random.stateless_truncated_normal([1000], seed=[1, 1]).numpy()
    assert np.abs(t).max() <= 2.0
    c = tf.random.stateless_categorical(np.log([[0.1, 0.9]]), 2000, seed=[5, 6]).numpy()
    assert abs(c.mean() - 0.9) < 0.03 and c.dtype == np.int64
    assert tf.random.stateless_binomial([3], [1, 2], counts=5, probs=1.0).numpy().tolist() == [
        5, 5, 5]
    assert tf.random.stateless_poisson([500], [1, 2], lam=3.0).numpy().mean() == pytest.approx(
        3.0, abs=0.3)
    assert tf.random.stateless_gamma([2000], [1, 2], alpha=2.0, beta=4.0).numpy().mean() == \
        pytest.approx(0.5, abs=0.05)
    seeds = tf.random.split([1, 2], num=3)
    assert seeds.shape == (3, 2) and seeds.dtype == np.int32  # the seed's, as TensorFlow
    assert np.array_equal(seeds, tf.random.split([1, 2], num=3))
    assert not np.array_equal(tf.random.fold_in([1, 2], 1), tf.random.fold_in([1, 2], 2))
    assert tf.random.poisson([10], [1.0, 2.0], seed=1).shape == (10, 2)
    with pytest.raises(ValueError, match="pair"):
        tf.random.stateless_uniform([2], seed=3)


def test_generators_are_streams():
    g1, g2 = tf.random.Generator.from_seed(7), tf.random.Generator.from_seed(7)
    first = g1.normal([3])
    assert np.array_equal(first, g2.normal([3]))
    assert not np.array_equal(first, g1.normal([3]))  # the stream moved on
    copy = tf.random.Generator(copy_from=g1)
    assert np.array_equal(copy.uniform([2]), g1.uniform([2]))
    state = g1.state.numpy()  # its value: the Variable itself would be shared, as TensorFlow
    later = tf.random.Generator.from_state(state)
    assert np.array_equal(later.uniform([2], maxval=10, dtype=tf.int64),
                          g1.uniform([2], maxval=10, dtype=tf.int64))
    children = g1.split(2)
    assert len(children) == 2 and not np.array_equal(children[0].normal([2]),
                                                      children[1].normal([2]))
    assert g1.make_seeds(3).shape == (2, 3)
    assert float(tf.reduce_max(tf.abs(g1.truncated_normal([500])))) <= 2.0
    tf.random.set_global_generator(tf.random.Generator.from_seed(1))
    assert isinstance(tf.random.get_global_generator(), tf.random.Generator)


def test_tensor_array_in_a_loop_with_gradients():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        x = v
        for i in range(3):
            x = x * 2.0
            ta = ta.write(i, x)
        out = ta.stack()
        loss = tf.reduce_sum(out)
    np.testing.assert_allclose(out, [[2, 4], [4, 8], [8, 16]])
    np.testing.assert_allclose(tape.gradient(loss, v), [14.0, 14.0])
    assert int(ta.size()) == 3 and ta.read(1).numpy().tolist() == [4.0, 8.0]
    assert ta.element_shape.as_list() == [2]
    fixed = tf.TensorArray(tf.int32, size=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="dynamic_size"):
        fixed.write(2, 1)
    fixed = fixed.write(1, 5)
    assert fixed.stack().numpy().tolist() == [0, 5]
    filled = tf.TensorArray(tf.float32, size=3).unstack(tf.constant([[1.0], [2.0], [3.0]]))
    assert filled.gather([2, 0]).numpy().tolist() == [[3.0], [1.0]]
    assert filled.concat().numpy().tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="shape"):
        tf.TensorArray(tf.float32, size=2, element_shape=[2]).write(0, [1.0, 2.0, 3.0])


def test_partitions_histograms_broadcast_complex():
    parts = tf.dynamic_partition(np.arange(10.0).reshape(5, 2), [1, 0, 1, 2, 0], 3)
    assert [p.numpy().tolist() for p in parts] == [[[2, 3], [8, 9]], [[0, 1], [4, 5]], [[6, 7]]]
    back = tf.dynamic_stitch([[1, 4], [0, 2], [3]], parts)
    np.testing.assert_array_equal(back, np.arange(10.0).reshape(5, 2))
    v = numnet.Variable(np.arange(4.0))
    with tf.GradientTape() as tape:
        a, b = tf.dynamic_partition(v, [0, 1, 0, 1], 2)
        loss = tf.reduce_sum(a * 2.0) + tf.reduce_sum(b * 3.0)
    np.testing.assert_allclose(tape.gradient(loss, v), [2, 3, 2, 3])
    assert tf.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0], [0.0, 5.0], 5).numpy().tolist() \
        == [2, 1, 1, 0, 1]
    assert tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3])).as_list() == [
        2, 3]
    assert tf.broadcast_dynamic_shape([2, 1], [1, 3]).numpy().tolist() == [2, 3]
    with pytest.raises(ValueError):
        tf.broadcast_static_shape([2], [3])
    assert tf.complex([1.0], [2.0]).numpy().tolist() == [1 + 2j]
    assert tf.dtypes.saturate_cast([300.0], tf.uint8).numpy().tolist() == [255]
    assert tf.config.get_soft_device_placement() is True
    tf.config.set_logical_device_configuration(None, [tf.config.LogicalDeviceConfiguration(
        memory_limit=1024)])
    import importlib

    from numnet.io import gfile
    assert importlib.import_module("numnet.linalg").inv is tf.linalg.inv
    assert gfile is tf.io.gfile


def test_same_numbers_as_tensorflow():
    real = pytest.importorskip("tensorflow")
    data = np.arange(12.0, dtype="float32").reshape(6, 2)
    ids = [2, 0, 1, 2, 0, 2]
    for ours, theirs in zip(tf.dynamic_partition(data, ids, 3),
                            real.dynamic_partition(data, ids, 3)):
        np.testing.assert_array_equal(ours, theirs.numpy())
    indices = [[0, 3], [1, 2, 5], [4, 3]]
    values = [data[:2], data[2:5], data[4:6] * 2]
    np.testing.assert_array_equal(tf.dynamic_stitch(indices, values),
                                  real.dynamic_stitch(indices, values).numpy())
    x = np.random.default_rng(0).normal(size=100).astype("float32")
    for nbins in (5, 17):
        np.testing.assert_array_equal(tf.histogram_fixed_width(x, [-1.0, 1.0], nbins),
                                      real.histogram_fixed_width(x, [-1.0, 1.0], nbins).numpy())
        np.testing.assert_array_equal(
            tf.histogram_fixed_width_bins(x, [-1.0, 1.0], nbins),
            real.histogram_fixed_width_bins(x, [-1.0, 1.0], nbins).numpy())
    ta, rta = tf.TensorArray(tf.float32, size=3), real.TensorArray(real.float32, size=3)
    for i in range(3):
        ta, rta = ta.write(i, [float(i)] * 2), rta.write(i, [float(i)] * 2)
    np.testing.assert_array_equal(ta.stack(), rta.stack().numpy())
    np.testing.assert_array_equal(ta.concat(), rta.concat().numpy())


def test_stateless_image_augmentations_and_colour_spaces():
    img = np.random.default_rng(1).uniform(size=(2, 6, 6, 3)).astype("float32")
    for fn, args in [("stateless_random_crop", ([2, 3, 3, 3],)),
                     ("stateless_random_brightness", (0.2,)),
                     ("stateless_random_contrast", (0.5, 1.5)),
                     ("stateless_random_flip_left_right", ()),
                     ("stateless_random_flip_up_down", ()),
                     ("stateless_random_saturation", (0.5, 1.5)),
                     ("stateless_random_hue", (0.2,))]:
        one = getattr(tf.image, fn)(img, *args, seed=[3, 4])
        assert np.array_equal(one, getattr(tf.image, fn)(img, *args, seed=[3, 4])), fn
    yuv = tf.image.rgb_to_yuv(img)
    np.testing.assert_allclose(tf.image.yuv_to_rgb(yuv), img, atol=1e-5)
    edges = tf.image.sobel_edges(np.tile(np.arange(6.0)[None, None, :, None], (1, 6, 1, 1)))
    assert edges.shape == (1, 6, 6, 1, 2)
    np.testing.assert_allclose(edges[0, 2, 1:5, 0, 1], [8.0, 8.0, 8.0, 8.0])
    np.testing.assert_allclose(edges[0, 2, 1:5, 0, 0], 0.0)


def test_more_linalg_and_summary_write(tmp_path):
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    s = tf.linalg.sqrtm(a).numpy()
    np.testing.assert_allclose(s @ s, a, rtol=1e-6)
    np.testing.assert_allclose(tf.linalg.expm(tf.linalg.logm(a)), a, rtol=1e-6)
    assert int(tf.linalg.matrix_rank(np.ones((3, 3)))) == 1
    unit, size = tf.linalg.normalize([3.0, 4.0])
    np.testing.assert_allclose(unit, [0.6, 0.8])
    np.testing.assert_allclose(size, [5.0])
    np.testing.assert_allclose(tf.matrix_square_root(a), s)
    writer = tf.summary.create_file_writer(str(tmp_path))
    assert not tf.summary.should_record_summaries()
    with writer.as_default():
        assert tf.summary.should_record_summaries()
        tf.summary.write("x", tf.constant(2.5), step=3)
    assert writer.records == [("scalar", "x", 3, 2.5)]


def test_image_extras_equal_tensorflows():
    real = pytest.importorskip("tensorflow")
    img = np.random.default_rng(2).uniform(size=(2, 5, 7, 3)).astype("float32")
    np.testing.assert_allclose(tf.image.sobel_edges(img),
                               real.image.sobel_edges(real.constant(img)).numpy(), atol=1e-5)
    np.testing.assert_allclose(tf.image.rgb_to_yuv(img), real.image.rgb_to_yuv(img).numpy(),
                               atol=1e-6)
    np.testing.assert_allclose(tf.image.yuv_to_rgb(img), real.image.yuv_to_rgb(img).numpy(),
                               atol=1e-5)
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(tf.linalg.sqrtm(a), real.linalg.sqrtm(a).numpy(), rtol=1e-6)
    np.testing.assert_allclose(tf.linalg.logm(a), np.real(real.linalg.logm(a.astype(
        "complex128")).numpy()), rtol=1e-6)
    assert int(tf.linalg.matrix_rank(np.ones((3, 3)))) == int(real.linalg.matrix_rank(
        np.ones((3, 3))))


def test_generator_state_is_a_variable_that_checkpoints_save_and_from_state_shares(tmp_path):
    # the guide "Random number generation": a checkpoint written mid-stream rewinds the
    # generator when restored; from_state(g.state) shares g's Variable (TensorFlow: the same
    # object, so draws from either move both), from_state of its value copies it
    g = tf.random.Generator.from_seed(1)
    assert isinstance(g.state, tf.Variable) and g.state.dtype == tf.int64
    assert g.variables == (g.state,)
    g.normal([])
    cp = tf.train.Checkpoint(generator=g)
    path = cp.write(str(tmp_path / "checkpoint"))
    after = [float(g.normal([])), float(g.normal([]))]
    cp.restore(path)
    assert [float(g.normal([])), float(g.normal([]))] == after
    other = tf.random.Generator.from_seed(99)
    tf.train.Checkpoint(generator=other).restore(path)
    assert float(other.normal([])) == after[0]
    shared = tf.random.Generator.from_state(g.state, alg=g.algorithm)
    assert shared.state is g.state
    count = int(g.state.numpy()[1])
    shared.normal([2])
    assert int(g.state.numpy()[1]) == count + 1
    copy = tf.random.Generator.from_state(g.state.numpy())
    assert copy.state is not g.state
    assert np.array_equal(copy.normal([3]).numpy(), g.normal([3]).numpy())
