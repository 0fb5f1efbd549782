"""tf.nn.ctc_loss, ctc_greedy_decoder, ctc_beam_search_decoder, ctc_unique_labels and
collapse_repeated (numnet.tf_api.ctc): losses against a brute-force sum over every alignment,
gradients against central differences, decoders against hand values and an exhaustive search.
TensorFlow 2.21 gives the same numbers (checked while writing these; it is not needed here)."""

import doctest
import itertools

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.tf_api import ctc

RNG = np.random.default_rng(7)


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def collapse(path, blank):
    out = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return tuple(c for c in out if c != blank)


def brute_force_probs(log_probs, blank):
    """Every labelling's probability, summed over all alignments of the frames (T, C)."""
    probs = {}
    frames, classes = log_probs.shape
    for path in itertools.product(range(classes), repeat=frames):
        p = np.exp(sum(log_probs[t, c] for t, c in enumerate(path)))
        key = collapse(path, blank)
        probs[key] = probs.get(key, 0.0) + p
    return probs


def test_uniform_two_frames_is_minus_log_three_quarters():
    loss = tf.nn.ctc_loss([[1]], np.zeros((2, 1, 2), np.float32), [1], [2])
    assert loss.dtype == np.float32 and loss.shape == (1,)
    np.testing.assert_allclose(np.asarray(loss), [-np.log(0.75)], rtol=1e-6)


@pytest.mark.parametrize("blank_index", [None, 0, 2, -1])
def test_dense_loss_is_the_sum_over_alignments(blank_index):
    frames, batch, classes = 4, 3, 4
    logits = RNG.normal(size=(frames, batch, classes)).astype(np.float32)
    blank = 0 if blank_index is None else blank_index % classes
    others = [c for c in range(classes) if c != blank]
    labels = np.array([[others[0], others[1], 0], [others[2], others[2], 0],
                       [others[1], 0, 0]])
    label_length, logit_length = [2, 2, 1], [4, 3, 2]
    loss = tf.nn.ctc_loss(labels, logits, label_length, logit_length, blank_index=blank_index)
    for b in range(batch):
        probs = brute_force_probs(log_softmax(logits[:logit_length[b], b].astype(np.float64)),
                                  blank)
        expected = -np.log(probs[tuple(labels[b, :label_length[b]])])
        np.testing.assert_allclose(float(loss[b]), expected, rtol=1e-5)


def test_batch_major_logits_give_the_same_loss():
    logits = RNG.normal(size=(5, 2, 3)).astype(np.float32)
    labels, ll, gl = [[1, 2], [2, 0]], [2, 1], [5, 3]
    time_major = tf.nn.ctc_loss(labels, logits, ll, gl)
    batch_major = tf.nn.ctc_loss(labels, logits.transpose(1, 0, 2), ll, gl,
                                 logits_time_major=False)
    np.testing.assert_allclose(np.asarray(batch_major), np.asarray(time_major), rtol=1e-6)


def test_impossible_dense_labels_cost_minus_log_1e_minus_307():
    # no frames at all: only the start state, which is not a final state of a one-label
    # sequence, so the loss is -log(1e-307) (TensorFlow's log(0)), in float32
    loss = tf.nn.ctc_loss([[1]], np.zeros((3, 1, 2), np.float32), [1], [0])
    np.testing.assert_allclose(float(loss[0]), -np.log(1e-307), rtol=1e-6)
    # a repeated label needs a blank between: two frames cannot hold [1, 1], finite but huge
    big = float(tf.nn.ctc_loss([[1, 1]], np.zeros((2, 1, 2), np.float32), [2], [2])[0])
    assert 700 < big < 1000


def test_empty_label_is_all_blanks():
    logits = RNG.normal(size=(3, 1, 3)).astype(np.float32)
    loss = tf.nn.ctc_loss([[0, 0]], logits, [0], [3])
    expected = -log_softmax(logits[:, 0].astype(np.float64))[:, 0].sum()
    np.testing.assert_allclose(float(loss[0]), expected, rtol=1e-5)


def numeric_grad(fn, x, eps=1e-3):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (fn(up) - fn(down)) / (2 * eps)
    return grad


@pytest.mark.parametrize("time_major,blank_index", [(True, None), (False, 2), (True, -1)])
def test_gradient_flows_under_gradient_tape(time_major, blank_index):
    frames, batch, classes = 4, 2, 3
    logits = RNG.normal(size=(frames, batch, classes))
    if not time_major:
        logits = logits.transpose(1, 0, 2)
    labels, ll, gl = [[1, 2], [2, 2]], [2, 1], [4, 3]
    if blank_index is not None:  # the blank is class 2
        labels = [[1, 0], [0, 0]]
    weights = np.array([1.0, 2.0])

    def total(z):
        loss = tf.nn.ctc_loss(labels, z.astype(np.float32), ll, gl, logits_time_major=time_major,
                              blank_index=blank_index)
        return float(np.sum(np.asarray(loss, np.float64) * weights))

    x = tf.Variable(logits.astype(np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.ctc_loss(labels, x, ll, gl, logits_time_major=time_major,
                                            blank_index=blank_index) * weights.astype(np.float32))
    grad = np.asarray(tape.gradient(loss, x))
    assert grad.dtype == np.float32 and grad.shape == logits.shape
    np.testing.assert_allclose(grad, numeric_grad(total, logits), atol=2e-3)
    # frames past logit_length get no gradient
    padded = grad[3, 1] if time_major else grad[1, 3]
    np.testing.assert_array_equal(padded, 0.0)


def test_sparse_labels_need_blank_index_and_match_dense():
    logits = RNG.normal(size=(5, 2, 4)).astype(np.float32)
    sparse = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 3, 2], [2, 2])
    with pytest.raises(ValueError, match="blank_index"):
        tf.nn.ctc_loss(sparse, logits, None, [5, 4])
    got = tf.nn.ctc_loss(sparse, logits, None, [5, 4], blank_index=0)
    dense = tf.nn.ctc_loss([[1, 3], [2, 0]], logits, [2, 1], [5, 4])
    np.testing.assert_allclose(np.asarray(got), np.asarray(dense), rtol=1e-6)
    last = tf.nn.ctc_loss(sparse, logits, None, [5, 4], blank_index=-1)
    dense_last = tf.nn.ctc_loss([[1, 3], [2, 0]], logits, [2, 1], [5, 4], blank_index=3)
    # label 3 is the blank here, as it is for TensorFlow's op: both see the same classes
    np.testing.assert_allclose(np.asarray(last), np.asarray(dense_last), rtol=1e-6)


def test_sparse_labels_errors_and_inf_as_tensorflow_op():
    logits = np.zeros((4, 1, 3), np.float32)
    too_long = tf.SparseTensor([[0, 0], [0, 1], [0, 2]], [1, 2, 1], [1, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not enough time"):
        tf.nn.ctc_loss(too_long, logits, None, [2], blank_index=0)
    empty = tf.SparseTensor(np.zeros((0, 2), np.int64), np.zeros(0, np.int32), [1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="zero in batch 0"):
        tf.nn.ctc_loss(empty, logits, None, [4], blank_index=0)
    repeats = tf.SparseTensor([[0, 0], [0, 1], [0, 2]], [1, 1, 1], [1, 3])  # needs 5 frames
    assert np.isinf(float(tf.nn.ctc_loss(repeats, logits, None, [4], blank_index=0)[0]))


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="ctc_loss\\(logits\\)"):
        tf.nn.ctc_loss([[1]], np.zeros((2, 3), np.float32), [1], [2])
    with pytest.raises(ValueError, match="label_length"):
        tf.nn.ctc_loss([[1]], np.zeros((2, 1, 3), np.float32), None, [2])
    with pytest.raises(ValueError, match="blank_index"):
        tf.nn.ctc_loss([[1]], np.zeros((2, 1, 3), np.float32), [1], [2], blank_index=3)


def test_greedy_decoder_merges_repeats_and_drops_blanks():
    # classes 0..2, blank 2 (the last): A B B * B -> A B B
    best = [0, 1, 1, 2, 1]
    logits = np.eye(3, dtype=np.float32)[best][:, None, :] * 2.0
    (decoded,), neg = tf.nn.ctc_greedy_decoder(logits, [5])
    assert decoded.values.dtype == np.int64 and decoded.indices.dtype == np.int64
    assert np.asarray(decoded.values).tolist() == [0, 1, 1]
    assert np.asarray(decoded.indices).tolist() == [[0, 0], [0, 1], [0, 2]]
    assert np.asarray(decoded.dense_shape).tolist() == [1, 3]
    np.testing.assert_allclose(np.asarray(neg), [[-10.0]])
    (kept,), _ = tf.nn.ctc_greedy_decoder(logits, [5], merge_repeated=False)
    assert np.asarray(kept.values).tolist() == [0, 1, 1, 1]
    (first_blank,), _ = tf.nn.ctc_greedy_decoder(logits, [5], blank_index=0)
    assert np.asarray(first_blank.values).tolist() == [1, 2, 1]


def test_greedy_decoder_respects_lengths_and_batches():
    logits = np.zeros((3, 2, 3), np.float32)
    logits[:, 0, 0] = 1.0  # sequence 0: class 0 at every frame
    logits[:, 1, 1] = [1.0, 0.0, 0.0]
    logits[1:, 1, 0] = 3.0
    (decoded,), neg = tf.nn.ctc_greedy_decoder(logits, [3, 2])
    assert np.asarray(decoded.indices).tolist() == [[0, 0], [1, 0], [1, 1]]
    assert np.asarray(decoded.values).tolist() == [0, 1, 0]
    np.testing.assert_allclose(np.asarray(neg), [[-3.0], [-4.0]])
    with pytest.raises(tf.errors.FailedPreconditionError, match="sequence_length"):
        tf.nn.ctc_greedy_decoder(logits, [4, 1])


def test_beam_search_finds_the_most_probable_labellings():
    frames, classes = 4, 3
    logits = RNG.normal(size=(frames, 2, classes)).astype(np.float32) * 2
    decoded, log_p = tf.nn.ctc_beam_search_decoder(logits, [4, 3], beam_width=50, top_paths=3)
    assert len(decoded) == 3 and log_p.shape == (2, 3) and log_p.dtype == np.float32
    for b, steps in enumerate([4, 3]):
        probs = brute_force_probs(log_softmax(logits[:steps, b].astype(np.float64)), classes - 1)
        ranked = sorted(probs.items(), key=lambda kv: -kv[1])[:3]
        for j, (labelling, p) in enumerate(ranked):
            values = np.asarray(decoded[j].values)[np.asarray(decoded[j].indices)[:, 0] == b]
            assert tuple(values.tolist()) == labelling
            np.testing.assert_allclose(float(log_p[b, j]), np.log(p), rtol=1e-5)


def test_beam_search_needs_as_many_leaves_as_top_paths():
    # two frames of classes {a, blank}: only "a" and "" can come out
    logits = np.log(np.array([[[0.6, 0.4]], [[0.3, 0.7]]], np.float32))
    decoded, log_p = tf.nn.ctc_beam_search_decoder(logits, [2], beam_width=5, top_paths=2)
    # p("a") = 1 - p(blank, blank) = 1 - 0.4 * 0.7
    np.testing.assert_allclose(np.asarray(log_p), [[np.log(0.72), np.log(0.28)]], rtol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="less leaves"):
        tf.nn.ctc_beam_search_decoder(logits, [2], beam_width=5, top_paths=3)


def test_beam_search_top_paths_must_fit_the_beam():
    with pytest.raises(ValueError, match="top_paths"):
        tf.nn.ctc_beam_search_decoder(np.zeros((2, 1, 3), np.float32), [2], beam_width=2,
                                      top_paths=3)


def test_unique_labels_and_collapse_repeated():
    y, idx = tf.nn.ctc_unique_labels(np.array([[3, 4, 4, 3], [1, 0, 0, 0]]))
    assert np.asarray(y).tolist() == [[3, 4, 0, 0], [1, 0, 0, 0]]
    assert np.asarray(idx).tolist() == [[0, 1, 1, 0], [0, 1, 1, 1]]
    assert idx.dtype == np.int32
    out, n = tf.nn.collapse_repeated(np.array([[1, 1, 2, 2, 1], [3, 3, 3, 0, 0]]), [5, 2])
    assert np.asarray(out).tolist() == [[1, 2, 1], [3, 0, 0]]
    assert np.asarray(n).tolist() == [3, 1]


def test_docstring_examples_run():
    result = doctest.testmod(ctc, extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
