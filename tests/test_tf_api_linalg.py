"""tf.linalg under ``import numnet as tf``: values against NumPy / SciPy, gradients against
central differences (float64), and values and gradients equal to TensorFlow's where it is
installed."""

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.autodiff.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(2)


def close(t, expected, **kw):
    np.testing.assert_allclose(np.asarray(t), expected, rtol=kw.pop("rtol", 1e-5),
                               atol=kw.pop("atol", 1e-6), **kw)


def check_grad(fn, *values, tol=1e-5):
    xs = [numnet.Variable(np.array(v, dtype="float64")) for v in values]
    out = fn(*xs)
    weights = RNG.normal(size=out.shape)
    tf.reduce_sum(out * weights).backward()
    for x in xs:
        numeric = numerical_gradient(
            lambda: float(np.sum(np.asarray(fn(*[numnet.Tensor(v.value) for v in xs]))
                                 * weights)), x.value)
        analytic = x.grad if x.grad is not None else np.zeros_like(x.value)
        assert relative_error(analytic, numeric) < tol, (analytic, numeric)


def spd(n, batch=()):
    b = RNG.normal(size=batch + (n, n))
    return b @ np.swapaxes(b, -1, -2) + n * np.eye(n)


def test_shaping_functions():
    x = np.arange(12.0).reshape(3, 4)
    close(tf.linalg.band_part(x, 1, 0), np.tril(np.triu(x, -1)))
    close(tf.linalg.band_part(x, -1, 0), np.tril(x))
    close(tf.linalg.diag_part(x), np.diagonal(x))
    close(tf.linalg.diag_part(x, k=1), np.diagonal(x, 1))
    close(tf.linalg.diag([[1.0, 2.0], [3.0, 4.0]]), [np.diag([1, 2]), np.diag([3, 4])])
    close(tf.linalg.diag([1.0, 2.0], k=-1), np.diag([1, 2], -1))
    close(tf.linalg.set_diag(x, [7.0, 8.0, 9.0]), np.where(np.eye(3, 4, dtype=bool), [7, 8, 9,
                                                                                   0], x))
    close(tf.linalg.trace(x[:, :3]), np.trace(x[:, :3]))
    close(tf.linalg.matrix_transpose(np.ones((2, 3, 4))), np.ones((2, 4, 3)))
    expected = np.zeros((1, 2, 1, 2))
    expected[0, 0, 0, 0], expected[0, 1, 0, 1] = 1.0, 2.0
    close(tf.linalg.tensor_diag([[1.0, 2.0]]), expected)
    close(tf.linalg.tensor_diag_part(tf.linalg.tensor_diag(x)), x)
    close(tf.linalg.matvec(x, [1.0, 0.0, 0.0, 1.0]), x @ [1, 0, 0, 1])
    close(tf.linalg.cross([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), np.cross([1, 2, 3], [4, 5, 6]))
    close(tf.linalg.global_norm([[3.0], None, [[4.0]]]), 5.0)
    close(tf.linalg.eye(2, 3, batch_shape=[2]), np.broadcast_to(np.eye(2, 3), (2, 2, 3)))
    check_grad(lambda v: tf.linalg.band_part(v, 0, 1), x)
    check_grad(lambda v: tf.linalg.set_diag(v, [1.0, 2.0, 3.0]), x)
    check_grad(lambda d: tf.linalg.set_diag(x, d), [1.0, 2.0, 3.0])
    check_grad(lambda v: tf.linalg.diag(v, k=1), [1.0, 2.0])
    check_grad(lambda a, b: tf.linalg.cross(a, b), [1.0, 2.0, 3.0], [0.5, -1.0, 2.0])


def test_decompositions_values_and_gradients():
    a = spd(3)
    close(tf.linalg.inv(a), np.linalg.inv(a))
    close(tf.linalg.det(a), np.linalg.det(a))
    s, l = tf.linalg.slogdet(-a)
    close(s, -1.0)
    close(l, np.linalg.slogdet(a)[1])
    close(tf.linalg.logdet(a), np.linalg.slogdet(a)[1])
    chol = tf.linalg.cholesky(a)
    close(chol, np.linalg.cholesky(a))
    b = RNG.normal(size=(3, 2))
    close(tf.linalg.solve(a, b), np.linalg.solve(a, b))
    close(tf.linalg.solve(a, b, adjoint=True), np.linalg.solve(a.T, b))
    close(tf.linalg.triangular_solve(chol, b), np.linalg.solve(np.linalg.cholesky(a), b))
    close(tf.linalg.cholesky_solve(chol, b), np.linalg.solve(a, b))
    close(tf.linalg.lstsq(RNG.normal(size=(5, 3)) * 0 + np.eye(5, 3), np.ones((5, 1))),
          np.ones((3, 1)))
    e, v = tf.linalg.eigh(a)
    ref_e, ref_v = np.linalg.eigh(a)
    close(e, ref_e)
    close(np.abs(v), np.abs(ref_v))
    close(tf.linalg.eigvalsh(a), ref_e)
    q, r = tf.linalg.qr(b)
    close(np.asarray(q) @ np.asarray(r), b)
    s, u, vv = tf.linalg.svd(b)
    close(np.asarray(u) * np.asarray(s) @ np.asarray(vv).T, b)
    close(tf.linalg.pinv(b), np.linalg.pinv(b))
    sp = pytest.importorskip("scipy.linalg")
    m = RNG.normal(size=(3, 3)) * 0.5
    close(tf.linalg.expm(m), sp.expm(m))
    with pytest.raises(tf.errors.InvalidArgumentError, match="positive definite"):
        tf.linalg.cholesky([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.det(np.ones((2, 3)))
    check_grad(tf.linalg.inv, a)
    check_grad(tf.linalg.det, a)
    check_grad(lambda x: tf.linalg.slogdet(x)[1], a)
    check_grad(tf.linalg.expm, m)
    check_grad(lambda x, y: tf.linalg.solve(x, y), a, b)
    check_grad(lambda x, y: tf.linalg.triangular_solve(x, y, adjoint=True), np.linalg.cholesky(a),
               b)
    check_grad(lambda x, y: tf.linalg.lstsq(x, y, l2_regularizer=0.1), RNG.normal(size=(4, 2)),
               RNG.normal(size=(4, 1)))
    # decompositions of a symmetric matrix: differentiated through B B^T + n I
    base = RNG.normal(size=(3, 3))

    def sym(x):
        return tf.matmul(x, x, transpose_b=True) + 3.0 * tf.eye(3, dtype=tf.float64)

    check_grad(lambda x: tf.linalg.cholesky(sym(x)), base)
    check_grad(lambda x: tf.linalg.logdet(sym(x)), base)
    check_grad(lambda x: tf.linalg.eigvalsh(sym(x)), base)
    # eigh reads the lower triangle: differentiated entry by entry, as numpy's eigh
    check_grad(lambda x: tf.linalg.eigh(x)[1] ** 2, a)


def test_norms():
    x = RNG.normal(size=(3, 4))
    close(tf.linalg.norm(x), np.linalg.norm(x))
    close(tf.linalg.norm(x, axis=1), np.linalg.norm(x, axis=1))
    close(tf.linalg.norm(x, ord=1, axis=0), np.abs(x).sum(0))
    close(tf.linalg.norm(x, ord=3, axis=1), (np.abs(x) ** 3).sum(1) ** (1 / 3))
    close(tf.linalg.norm(x, ord=np.inf, axis=[0, 1]), np.linalg.norm(x, np.inf))
    close(tf.linalg.norm(x, ord=1, axis=[0, 1]), np.linalg.norm(x, 1))
    close(tf.linalg.norm(x, ord=2, axis=[0, 1]), np.linalg.norm(x, 2))
    close(tf.linalg.norm(x, ord="fro", axis=[0, 1], keepdims=True), [[np.linalg.norm(x)]])
    check_grad(lambda v: tf.linalg.norm(v, ord=1, axis=[0, 1]), x)
    check_grad(lambda v: tf.linalg.norm(v, ord=3, axis=1), x)
    close(tf.linalg.l2_normalize([3.0, 4.0]), [0.6, 0.8])


def test_same_numbers_and_gradients_as_tensorflow():
    real = pytest.importorskip("tensorflow")
    a = spd(3, (2,))
    b = RNG.normal(size=(2, 3, 2))
    m = RNG.normal(size=(3, 3)) * 0.3
    cases = [
        ("inv", lambda L, x: L.linalg.inv(x)), ("det", lambda L, x: L.linalg.det(x)),
        ("slogdet", lambda L, x: L.linalg.slogdet(x)[1]),
        ("logdet", lambda L, x: L.linalg.logdet(x)),
        ("cholesky", lambda L, x: L.linalg.cholesky(x)),
        ("eigh", lambda L, x: L.linalg.eigh(x)[0] + L.reduce_sum(L.linalg.eigh(x)[1] ** 2)),
        ("solve", lambda L, x: L.linalg.solve(x, b)),
        ("triangular", lambda L, x: L.linalg.triangular_solve(x, b, lower=False)),
        ("band", lambda L, x: L.linalg.band_part(x, 1, 0)),
        ("set_diag", lambda L, x: L.linalg.set_diag(x, b[..., 0])),
        ("trace", lambda L, x: L.linalg.trace(x)),
        ("norm", lambda L, x: L.linalg.norm(x, ord=1, axis=[-2, -1])),
        ("lstsq", lambda L, x: L.linalg.lstsq(x, b, l2_regularizer=0.5)),
    ]
    for name, fn in cases:
        ours_x, theirs_x = tf.Variable(a), real.Variable(a)
        with tf.GradientTape() as tape:
            ours = fn(tf, ours_x)
            loss = tf.reduce_sum(ours * ours)
        with real.GradientTape() as rtape:
            theirs = fn(real, theirs_x)
            rloss = real.reduce_sum(theirs * theirs)
        close(ours, theirs.numpy(), rtol=1e-8, err_msg=name)
        close(tape.gradient(loss, ours_x), rtape.gradient(rloss, theirs_x).numpy(), rtol=1e-7,
              atol=1e-9, err_msg=name)
    mx, rx = tf.Variable(m), real.Variable(m)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.linalg.expm(mx) * m)
    with real.GradientTape() as rtape:
        rloss = real.reduce_sum(real.linalg.expm(rx) * m)
    close(tape.gradient(loss, mx), rtape.gradient(rloss, rx).numpy(), rtol=1e-6)


def test_svd_qr_pinv_gradients_against_central_differences():
    tall, wide, square = (RNG.normal(size=shape) for shape in ((5, 3), (2, 4), (3, 3)))
    for a in (tall, wide, square, RNG.normal(size=(2, 4, 3))):
        # the singular values, and sign-free functions of the singular vectors
        check_grad(lambda x: tf.linalg.svd(x, compute_uv=False), a)
        check_grad(lambda x: tf.linalg.svd(x)[0], a)
        check_grad(lambda x: tf.linalg.svd(x)[1] ** 2, a)
        check_grad(lambda x: tf.linalg.svd(x)[2] ** 2, a)
        check_grad(lambda x: tf.einsum("...s,...us,...vs->...uv",
                                       *(t[..., :2] for t in tf.linalg.svd(x))), a)
        check_grad(lambda x: tf.linalg.qr(x)[0], a)
        check_grad(lambda x: tf.linalg.qr(x)[1], a)
        check_grad(tf.linalg.pinv, a)
    check_grad(lambda x: tf.linalg.svd(x, full_matrices=True)[1] ** 2, square)
    check_grad(lambda x: tf.linalg.qr(x, full_matrices=True)[0], square)
    check_grad(lambda x: tf.linalg.qr(x, full_matrices=True)[1], wide)
    # the guide's identity: ||A - A_r||^2 is the sum of the squared singular values left out,
    # so its gradient is 2 (A - A_r)
    x = tf.Variable(tall)
    with tf.GradientTape() as tape:
        s, u, v = tf.linalg.svd(x)
        approx = tf.einsum("s,us,vs->uv", s[:1], u[:, :1], v[:, :1])
        loss = tf.reduce_sum(s[1:] ** 2)
    close(tape.gradient(loss, x), 2 * (tall - np.asarray(approx)), rtol=1e-8, atol=1e-10)


def test_svd_and_qr_full_matrices_gradient_of_a_non_square_matrix_is_refused():
    x = tf.Variable(RNG.normal(size=(4, 2)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.linalg.svd(x, full_matrices=True)[1])
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        tape.gradient(loss, x)
    with tf.GradientTape() as tape:  # the singular values alone are fine
        loss = tf.reduce_sum(tf.linalg.svd(x, full_matrices=True)[0])
    close(tape.gradient(loss, x), np.asarray(tf.linalg.svd(x)[1]) @ np.asarray(
        tf.linalg.svd(x)[2]).T)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.linalg.qr(x, full_matrices=True)[0])
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        tape.gradient(loss, x)


def test_svd_qr_pinv_gradients_equal_tensorflows():
    real = pytest.importorskip("tensorflow")
    cases = [
        ("svd_s", lambda L, x: L.linalg.svd(x, compute_uv=False)),
        ("svd_uv", lambda L, x: L.linalg.svd(x)[1] ** 2 + L.reduce_sum(L.linalg.svd(x)[2] ** 2)),
        ("svd_rank_2", lambda L, x: L.einsum("...s,...us,...vs->...uv",
                                             *(t[..., :2] for t in L.linalg.svd(x)))),
        ("qr_q", lambda L, x: L.linalg.qr(x)[0]), ("qr_r", lambda L, x: L.linalg.qr(x)[1]),
        ("pinv", lambda L, x: L.linalg.pinv(x)),
    ]
    for a in (RNG.normal(size=(2, 5, 3)), RNG.normal(size=(2, 3, 5))):
        weights = RNG.normal(size=(2, 5, 5))
        for name, fn in cases:
            ours_x, theirs_x = tf.Variable(a), real.Variable(a)
            with tf.GradientTape() as tape:
                ours = fn(tf, ours_x)
                loss = tf.reduce_sum(ours * weights[..., :ours.shape[-2], :ours.shape[-1]])
            with real.GradientTape() as rtape:
                theirs = fn(real, theirs_x)
                rloss = real.reduce_sum(theirs * weights[..., :theirs.shape[-2],
                                                         :theirs.shape[-1]])
            close(ours, theirs.numpy(), rtol=1e-7, atol=1e-9, err_msg=name)
            close(tape.gradient(loss, ours_x), rtape.gradient(rloss, theirs_x).numpy(),
                  rtol=1e-6, atol=1e-8, err_msg=name)
