"""The TensorFlow names of numnet.tf_api.ctc, image_detection, image_formats, strings_tf,
bitwise, sets, moving_average and tnp, run on fixed inputs: ``python surface.py tf OUT`` under
TensorFlow, ``python surface.py numnet OUT`` under numnet; each writes a pickle of plain NumPy
values and strings (errors as their class names) for tests/test_tf_surface_crosscheck.py to
compare."""

import io
import pickle
import sys

import numpy as np


def ctc(tf, tnp, out):
    np.random.seed(0)
    T, B, C = 5, 3, 4
    logits = np.random.randn(T, B, C).astype(np.float32)
    labels = np.array([[1, 2, 0], [3, 3, 0], [1, 1, 1]], np.int32)
    ll = np.array([2, 2, 3])
    gl = np.array([5, 4, 2])

    def loss_grad(**kw):
        x = tf.Variable(kw.pop("x", logits))
        with tf.GradientTape() as t:
            l = tf.nn.ctc_loss(logits=x, **kw)
            s = tf.reduce_sum(l * tf.constant([1.0, 2.0, 3.0]))
        return np.asarray(l), np.asarray(t.gradient(s, x))

    out["dense"] = loss_grad(labels=labels, label_length=ll, logit_length=gl)
    out["b-1"] = loss_grad(labels=labels, label_length=ll, logit_length=gl, blank_index=-1)
    out["b2"] = loss_grad(labels=labels, label_length=ll, logit_length=gl, blank_index=2)
    out["gl0"] = loss_grad(labels=labels, label_length=ll, logit_length=[0, 5, 5])
    out["ll0"] = loss_grad(labels=labels, label_length=[0, 2, 3], logit_length=gl)
    out["bm"] = loss_grad(
        x=np.transpose(logits, (1, 0, 2)).copy(),
        labels=labels,
        label_length=ll,
        logit_length=gl,
        logits_time_major=False,
    )
    sp2 = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0]], [1, 2, 3, 3, 2], [3, 3])
    out["sp0"] = loss_grad(labels=sp2, label_length=None, logit_length=gl, blank_index=0)
    out["sp-1"] = loss_grad(labels=sp2, label_length=None, logit_length=gl, blank_index=-1)
    out["sp2"] = loss_grad(labels=sp2, label_length=None, logit_length=gl, blank_index=2)
    sp3 = tf.SparseTensor(
        [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 0]], [1, 2, 3, 3, 3, 2], [3, 3]
    )
    out["sp3"] = loss_grad(labels=sp3, label_length=None, logit_length=gl, blank_index=0)
    # decoders
    x = np.random.randn(6, 2, 4).astype(np.float32)
    for mr in (True, False):
        for bi in (None, 0, 1, -1):
            (d,), s = tf.nn.ctc_greedy_decoder(x, [6, 4], merge_repeated=mr, blank_index=bi)
            out[f"greedy{mr}{bi}"] = (
                np.asarray(d.indices),
                np.asarray(d.values),
                np.asarray(d.dense_shape),
                np.asarray(s),
            )
    for bw, tp in ((1, 1), (3, 2), (10, 3), (100, 1)):
        ds, s = tf.nn.ctc_beam_search_decoder(x, [6, 4], beam_width=bw, top_paths=tp)
        out[f"beam{bw},{tp}"] = tuple(
            np.asarray(a) for d in ds for a in (d.indices, d.values, d.dense_shape)
        ) + (np.asarray(s),)
    x = np.random.randn(8, 3, 5).astype(np.float32) * 3
    ds, s = tf.nn.ctc_beam_search_decoder(x, [8, 5, 3], beam_width=4, top_paths=4)
    out["beam big"] = tuple(
        np.asarray(a) for d in ds for a in (d.indices, d.values, d.dense_shape)
    ) + (np.asarray(s),)
    out["uniq"] = tuple(
        np.asarray(a) for a in tf.nn.ctc_unique_labels(np.array([[3, 4, 4, 3], [1, 0, 0, 0]]))
    )
    out["coll"] = tuple(
        np.asarray(a)
        for a in tf.nn.collapse_repeated(np.array([[1, 1, 2, 2, 1], [3, 3, 3, 0, 0]]), [5, 2])
    )


def image(tf, tnp, out):
    rng = np.random.default_rng(3)

    def rand_boxes(n, batch=None):
        yx = rng.uniform(0, 1, size=(n, 2)).astype(np.float32)
        hw = rng.uniform(0.05, 0.5, size=(n, 2)).astype(np.float32)
        return np.concatenate([yx, yx + hw], 1).astype(np.float32)

    B = rand_boxes(30)
    S = rng.uniform(0, 1, 30).astype(np.float32)
    S[5] = S[6]
    for sig in (0.0, 0.3, 1.0):
        for thr, st in ((0.5, float("-inf")), (0.3, 0.2), (0.7, 0.5)):
            i, s = tf.image.non_max_suppression_with_scores(B, S, 12, thr, st, soft_nms_sigma=sig)
            out[f"wscores{sig},{thr},{st}"] = (np.asarray(i), np.asarray(s))
    for thr, st in ((0.5, float("-inf")), (0.3, 0.2), (0.7, 0.5)):
        Bb = np.stack([rand_boxes(20), rand_boxes(20)])
        Sb = rng.uniform(0, 1, (2, 20)).astype(np.float32)
        for mx in (5, 25):
            i, n = tf.image.non_max_suppression_padded(
                Bb, Sb, mx, thr, st, pad_to_max_output_size=True
            )
            out[f"pad{thr},{st},{mx}"] = (np.asarray(i), np.asarray(n))
            i, n = tf.image.non_max_suppression_padded(tf.constant(Bb[0]), Sb[0], mx, thr, st)
            out[f"pad1{thr},{st},{mx}"] = (np.asarray(i), np.asarray(n))
            i, n = tf.image.non_max_suppression_padded(
                tf.constant(Bb[0][:, [2, 3, 0, 1]]), Sb[0], mx, thr, st
            )
            out[f"pad1flip{thr},{st},{mx}"] = (np.asarray(i), np.asarray(n))
    # negative-coordinate box
    Bn = np.array([[-1, -1, -0.5, -0.5], [0, 0, 1, 1], [0, 0.05, 1, 1.05]], np.float32)
    i, n = tf.image.non_max_suppression_padded(Bn, [0.9, 0.8, 0.7], 3, pad_to_max_output_size=True)
    out["padneg"] = (np.asarray(i), np.asarray(n))
    for q in (1, 3):
        for pp in (False, True):
            for clip in (False, True):
                bx = np.stack(
                    [np.stack([rand_boxes(15) * 1.3 - 0.1 for _ in range(q)], 1) for _ in range(2)]
                )
                sc = rng.uniform(0, 1, (2, 15, 3)).astype(np.float32)
                r = tf.image.combined_non_max_suppression(
                    bx, sc, 4, 7, 0.4, 0.1, pad_per_class=pp, clip_boxes=clip
                )
                out[f"comb{q}{pp}{clip}"] = tuple(np.asarray(a) for a in r)
                r = tf.image.combined_non_max_suppression(
                    bx, sc, 2, 20, 0.4, 0.1, pad_per_class=pp, clip_boxes=clip
                )
                out[f"comb2{q}{pp}{clip}"] = tuple(np.asarray(a) for a in r)
    img = rng.uniform(0, 0.2, (2, 7, 9, 3)).astype(np.float32)
    bxs = np.array(
        [
            [[0.1, 0.1, 0.8, 0.9], [-0.2, 0.3, 0.5, 1.4], [0.5, 0.5, 0.2, 0.9], [1.2, 0, 1.5, 1]],
            [[0, 0, 1, 1], [0.3, 0.3, 0.31, 0.31], [0.2, 0.6, 0.9, 0.7], [0.5, -1, 0.6, -0.1]],
        ],
        np.float32,
    )
    out["draw"] = (np.asarray(tf.image.draw_bounding_boxes(img, bxs, None)),)
    out["draw1"] = (np.asarray(tf.image.draw_bounding_boxes(img[..., :1], bxs, None)),)
    out["draw4"] = (
        np.asarray(
            tf.image.draw_bounding_boxes(np.concatenate([img, img[..., :1]], -1), bxs, None)
        ),
    )
    out["drawc"] = (
        np.asarray(
            tf.image.draw_bounding_boxes(
                img, bxs, np.array([[0.5, 0.6, 0.7, 1.0], [0.1, 0.2, 0.3, 1.0]], np.float32)
            )
        ),
    )
    x = rng.uniform(0, 1, (2, 3, 3)).astype(np.float32)
    out["yiq"] = (np.asarray(tf.image.rgb_to_yiq(x)), np.asarray(tf.image.yiq_to_rgb(x)))
    from PIL import Image

    for mode in ("RGB", "RGBA", "L"):
        b = io.BytesIO()
        arr = rng.integers(0, 255, (5, 7, {"RGB": 3, "RGBA": 4, "L": 1}[mode]), dtype=np.uint8)
        Image.fromarray(arr.squeeze() if mode == "L" else arr, mode).save(b, format="BMP")
        try:
            out["bmp" + mode] = (np.asarray(tf.image.decode_bmp(b.getvalue())),)
        except Exception as e:
            out["bmp" + mode] = (type(e).__name__,)
    b = io.BytesIO()
    fr = [
        Image.fromarray(rng.integers(0, 255, (6, 5, 3), dtype=np.uint8)).convert("P")
        for _ in range(3)
    ]
    fr[0].save(b, format="GIF", save_all=True, append_images=fr[1:])
    out["gif"] = (np.asarray(tf.image.decode_gif(b.getvalue())),)
    b = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (13, 21, 3), dtype=np.uint8)).save(b, format="JPEG")
    jpg = b.getvalue()
    b = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (13, 21), dtype=np.uint8)).save(
        b, format="JPEG", progressive=True
    )
    jpg2 = b.getvalue()
    out["isjpeg"] = (
        np.asarray(tf.image.is_jpeg(jpg)),
        np.asarray(tf.image.is_jpeg(b"abc")),
        np.asarray(tf.image.is_jpeg(tf.constant([jpg, b"x"]))),
    )
    out["jshape"] = (
        np.asarray(tf.image.extract_jpeg_shape(jpg)),
        np.asarray(tf.image.extract_jpeg_shape(jpg2, tf.int64)),
    )


def strings(tf, tnp, out):
    def rec(k, f):
        try:
            r = f()
            if hasattr(r, "to_list"):
                out[k] = ("ragged", repr(r.to_list()))
            else:
                out[k] = (np.asarray(r),)
        except Exception as e:
            out[k] = ("ERR " + type(e).__name__,)

    d = tf.constant(["a", "b", "c", "d"])
    rec("1d w2", lambda: tf.strings.ngrams(d, 2))
    rec("1d w(1,3)", lambda: tf.strings.ngrams(d, (1, 3)))
    rec("1d w5", lambda: tf.strings.ngrams(d, 5))
    rec("1d w5 pres", lambda: tf.strings.ngrams(d, 5, preserve_short_sequences=True))
    rec("1d w2 pad", lambda: tf.strings.ngrams(d, 2, pad_values="<p>"))
    rec("1d w3 pad pair", lambda: tf.strings.ngrams(d, 3, pad_values=("L", "R"), padding_width=1))
    rec("1d w3 pad pw", lambda: tf.strings.ngrams(d, 3, pad_values="P"))
    rec(
        "2d",
        lambda: tf.strings.ngrams(
            tf.constant([["a", "b", "c"], ["d", "e", "f"]]), 2, separator="_"
        ),
    )
    r = tf.ragged.constant([["a", "b", "c"], ["d"], []])
    rec("rag", lambda: tf.strings.ngrams(r, 2))
    rec("rag pres", lambda: tf.strings.ngrams(r, 2, preserve_short_sequences=True))
    rec("rag pad", lambda: tf.strings.ngrams(r, 3, pad_values="#"))
    rec(
        "rag pad pres",
        lambda: tf.strings.ngrams(
            r, 4, pad_values="#", padding_width=1, preserve_short_sequences=True
        ),
    )
    rec("rag pres (2,4)", lambda: tf.strings.ngrams(r, (2, 4), preserve_short_sequences=True))
    rec(
        "rag3",
        lambda: tf.strings.ngrams(tf.ragged.constant([[["a", "b"], ["c"]], [["d", "e", "f"]]]), 2),
    )
    rec("pw>w", lambda: tf.strings.ngrams(d, 2, pad_values="P", padding_width=3))
    rec("w0", lambda: tf.strings.ngrams(d, 0))
    rec("scalar", lambda: tf.strings.ngrams(tf.constant("a"), 2))
    rec("pw no pad", lambda: tf.strings.ngrams(d, 2, padding_width=1))
    rec("fmt", lambda: tf.strings.format("tensor: {}, suffix", tf.range(10)))
    rec(
        "fmt2",
        lambda: tf.strings.format(
            "{} and {}", (tf.constant([1.0, 2.5, 1e-7, 123456789.0]), tf.constant("hi"))
        ),
    )
    rec("fmt3", lambda: tf.strings.format("{}", tf.constant([["a", "b"], ["c", "d"]])))
    rec("fmt4", lambda: tf.strings.format("{}", tf.reshape(tf.range(24), (2, 3, 4)), summarize=1))
    rec("fmt4b", lambda: tf.strings.format("{}", tf.reshape(tf.range(240), (4, 6, 10))))
    rec("fmt4c", lambda: tf.strings.format("{}", tf.reshape(tf.range(24), (2, 3, 4)), summarize=-1))
    rec("fmt6", lambda: tf.strings.format("{}", [tf.constant([True, False])]))
    rec("fmt7", lambda: tf.strings.format("{} {}", tf.constant(1)))
    rec(
        "fmt8", lambda: tf.strings.format("<>", tf.constant([1, 2]), placeholder="<>", summarize=-1)
    )
    rec("fmt9", lambda: tf.strings.format("{}", tf.constant([0.1, 1 / 3, 2.0 / 3e10], tf.float64)))
    rec("fmt10", lambda: tf.strings.format("{}", tf.constant(1 / 3)))
    rec("fmt11", lambda: tf.strings.format("{}", tf.zeros((0,))))
    rec(
        "fmt12",
        lambda: tf.strings.format(
            "{}", tf.constant([1.5, float("nan"), float("inf"), -float("inf")])
        ),
    )
    rec("fmt13", lambda: tf.strings.format("{}", tf.range(10, dtype=tf.int64), summarize=0))
    rec("fmt14", lambda: tf.strings.format("{}", tf.constant([b'a"b', b"\n", b"\x01\xff'\\"])))
    rec(
        "fmt15",
        lambda: tf.strings.format(
            "{}", tf.constant([1.0, 100.0, 1e6, 1e7, 12345678.0, -0.0, 1e-5, 0.0001])
        ),
    )
    rec("fmt16", lambda: tf.strings.format("{}", [1, 2.5, "s"]))
    rec("fmt17", lambda: tf.strings.format("a{}b{}", [tf.zeros((2, 0)), tf.ones((1, 1, 1))]))
    rec(
        "fmt18",
        lambda: tf.strings.format("{}", tf.constant([[1, 2, 3, 4, 5, 6, 7, 8]] * 8, tf.uint8)),
    )
    for i, k in enumerate(([1, 2], [0, 0], [-1, 7], [2**62, 3])):
        rec(
            f"h{i}",
            lambda k=k: tf.strings.to_hash_bucket_strong(
                [
                    "Hello",
                    "TF",
                    "",
                    "a" * 40,
                    "abcdefgh",
                    "abcdefghi",
                    "\u00e9t\u00e9",
                    "x" * 7,
                    "y" * 15,
                    "z" * 16,
                ],
                2**31 - 1,
                k,
            ),
        )
    rec("h3", lambda: tf.strings.to_hash_bucket_strong(["Hello"], 3, [1]))
    rec("h2d", lambda: tf.strings.to_hash_bucket_strong([["a", "b"], ["c", "d"]], 10, [5, 6]))
    rec(
        "usj",
        lambda: tf.strings.unsorted_segment_join(
            ["a", "b", "c", "d"], [1, 0, 1, 3], 5, separator=":"
        ),
    )
    rec(
        "usj2",
        lambda: tf.strings.unsorted_segment_join(
            [["a", "b"], ["c", "d"], ["e", "f"]], [0, 1, 0], 2
        ),
    )
    rec(
        "usj3",
        lambda: tf.strings.unsorted_segment_join(
            [["a", "b"], ["c", "d"]], [[0, 1], [1, 1]], 3, separator="+"
        ),
    )
    rec("usj4", lambda: tf.strings.unsorted_segment_join(["a", "b"], [0, -1], 2))
    rec("usj5", lambda: tf.strings.unsorted_segment_join(["a", "b"], [0, 2], 2))


def bitwise_sets(tf, tnp, out):
    def rec(label, f):
        try:
            r = f()
            if isinstance(r, tf.SparseTensor):
                out[label] = (
                    np.asarray(r.indices),
                    np.asarray(r.values),
                    np.asarray(r.dense_shape),
                )
            else:
                out[label] = (np.asarray(r),)
        except Exception as e:
            out[label] = ("ERR " + type(e).__name__,)

    a = tf.constant([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    b = tf.constant([[[1, 3], [2, 4]], [[6, 5], [0, 9]]])
    rec("inter", lambda: tf.sets.intersection(a, b))
    rec("union", lambda: tf.sets.union(a, b))
    rec("diff", lambda: tf.sets.difference(a, b))
    rec("diff nao", lambda: tf.sets.difference(a, b, aminusb=False))
    rec("size", lambda: tf.sets.size(tf.sparse.from_dense(a)))
    rec("size dense", lambda: tf.sets.size(a))
    a2 = tf.constant([[3, 1, 1, 2], [0, 0, 0, 0]])
    b2 = tf.constant([[2, 5], [0, 7]])
    rec("inter2", lambda: tf.sets.intersection(a2, b2))
    rec("union2", lambda: tf.sets.union(a2, b2))
    rec("diff2", lambda: tf.sets.difference(a2, b2))
    sp = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [4, 1, 4], [2, 3])
    rec("sparse a", lambda: tf.sets.union(sp, b2))
    rec("sparse a diff", lambda: tf.sets.difference(sp, b2))
    rec("sparse b diff", lambda: tf.sets.difference(b2, sp))
    rec(
        "sparse sparse",
        lambda: tf.sets.intersection(sp, tf.SparseTensor([[0, 1], [1, 0]], [1, 4], [2, 5])),
    )
    rec("size sp", lambda: tf.sets.size(sp))
    rec("size sp validate", lambda: tf.sets.size(tf.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2])))
    rec(
        "strings",
        lambda: tf.sets.intersection(tf.constant([["a", "b", "c"]]), tf.constant([["c", "a"]])),
    )
    rec("1d", lambda: tf.sets.intersection([1, 2], [2, 3]))
    rec("float", lambda: tf.sets.intersection([[1.0, 2.0]], [[2.0, 3.0]]))
    rec("dense b sparse", lambda: tf.sets.intersection(a2, sp))
    rec("int64", lambda: tf.sets.union(tf.constant([[1]], tf.int64), tf.constant([[2]], tf.int64)))
    rec("mismatch", lambda: tf.sets.union(tf.constant([[1]]), tf.constant([[2], [3]])))
    rec("empty", lambda: tf.sets.intersection([[1]], [[2]]))
    rec(
        "and",
        lambda: tf.bitwise.bitwise_and(
            tf.constant([5, 12], tf.int32), tf.constant([3, 10], tf.int32)
        ),
    )
    rec(
        "and bc",
        lambda: tf.bitwise.bitwise_and(tf.constant([5, 12], tf.uint8), tf.constant(6, tf.uint8)),
    )
    rec("and py", lambda: tf.bitwise.bitwise_and([5, 12], 6))
    rec(
        "and mix",
        lambda: tf.bitwise.bitwise_and(tf.constant([5], tf.int64), tf.constant([6], tf.int32)),
    )
    rec("float", lambda: tf.bitwise.bitwise_or([1.0], [2.0]))
    rec("invert", lambda: tf.bitwise.invert(tf.constant([0, 5, -1], tf.int8)))
    rec("invert u", lambda: tf.bitwise.invert(tf.constant([0, 5, 255], tf.uint8)))
    rec(
        "lshift",
        lambda: tf.bitwise.left_shift(
            tf.constant([1, -1, 3, 1], tf.int8), tf.constant([2, 1, 7, 9], tf.int8)
        ),
    )
    rec(
        "lshift neg",
        lambda: tf.bitwise.left_shift(
            tf.constant([1, 8], tf.int32), tf.constant([-1, 40], tf.int32)
        ),
    )
    rec(
        "rshift",
        lambda: tf.bitwise.right_shift(
            tf.constant([-8, 8, -1, 100], tf.int32), tf.constant([1, 2, 33, 31], tf.int32)
        ),
    )
    rec(
        "rshift u",
        lambda: tf.bitwise.right_shift(
            tf.constant([200, 255], tf.uint8), tf.constant([1, 9], tf.uint8)
        ),
    )
    rec(
        "xor",
        lambda: tf.bitwise.bitwise_xor(
            tf.constant([5, 12], tf.uint64), tf.constant([3, 10], tf.uint64)
        ),
    )
    rec(
        "bcast",
        lambda: tf.bitwise.bitwise_xor(
            tf.constant([[5], [12]], tf.int16), tf.constant([3, 10, 1], tf.int16)
        ),
    )
    rec("shift py", lambda: tf.bitwise.left_shift(tf.constant([1, 2], tf.int64), 40))


def moving_average(tf, tnp, out):
    v = tf.Variable(1.0, name="v")
    w = tf.Variable([1.0, 2.0], name="w")
    ema = tf.train.ExponentialMovingAverage(0.9)
    out["apply"] = (str(ema.apply([v, w])), ema.average_name(v), ema.name)
    a = ema.average(v)
    out["a1"] = (np.array(a.numpy()).copy(), a.trainable)
    v.assign(2.0)
    w.assign([3.0, 4.0])
    ema.apply([v, w])
    out["a2"] = (np.array(ema.average(v).numpy()).copy(), np.array(ema.average(w).numpy()).copy())
    v.assign(5.0)
    ema.apply([v])
    out["a3"] = (np.array(ema.average(v).numpy()).copy(), np.array(ema.average(w).numpy()).copy())
    n = tf.Variable(0, dtype=tf.int64)
    ema2 = tf.train.ExponentialMovingAverage(0.99, num_updates=n, name="E2")
    u = tf.Variable(0.0, name="u")
    ema2.apply([u])
    u.assign(10.0)
    n.assign(1)
    ema2.apply([u])
    out["nu"] = (np.array(ema2.average(u).numpy()).copy(), ema2.average_name(u))
    ema3 = tf.train.ExponentialMovingAverage(0.5, num_updates=3)
    ema3.apply([u])
    u.assign(0.0)
    ema3.apply([u])
    out["nu3"] = (np.array(ema3.average(u).numpy()).copy(),)
    try:
        ema.apply([tf.Variable(1, name="i")])
        out["int"] = ("no error",)
    except Exception as e:
        out["int"] = (type(e).__name__,)
    try:
        ema.apply([tf.constant(1.0)])
        out["const"] = ("no error",)
    except Exception as e:
        out["const"] = (type(e).__name__,)
    out["restore"] = (sorted(ema.variables_to_restore([v])),)
    x = tf.Variable(3.0)
    ema4 = tf.train.ExponentialMovingAverage(0.9, zero_debias=True)
    ema4.apply([x])
    x.assign(1.0)
    ema4.apply([x])
    out["zd"] = (np.array(ema4.average(x).numpy()).copy(),)
    out["none"] = (str(ema.average(tf.Variable(1.0))),)
    d64 = tf.Variable(1.0, dtype=tf.float64)
    ema.apply([d64])
    d64.assign(0.1)
    ema.apply([d64])
    out["f64"] = (np.array(ema.average(d64).numpy()).copy(),)


def tnp_functions(tf, tnp, out):
    def rec(label, f):
        try:
            r = f()
            if isinstance(r, (list, tuple)):
                out[label] = tuple(np.array(np.asarray(x)) for x in r)
            elif isinstance(r, (bool, type, str, np.dtype)) or r is None:
                out[label] = (repr(r),)
            else:
                out[label] = (np.array(np.asarray(r)),)
        except Exception as e:
            out[label] = ("ERR " + type(e).__name__,)

    i32 = tnp.asarray([[3, -4], [5, 6]], tnp.int32)
    f32 = tnp.asarray([[1.5, -2.5], [float("nan"), 4.0]], tnp.float32)
    i64 = tnp.asarray([1, 2, 3])
    f64 = tnp.asarray([0.5, -1.25, 2.0])
    c = tnp.asarray([1 + 2j, 3 + 0j])
    rec("angle", lambda: tnp.angle(c))
    rec("angle_i", lambda: tnp.angle(i32))
    rec("append", lambda: tnp.append(i32, f64[:2]))
    rec("append_ax", lambda: tnp.append(i32, i32, axis=1))
    rec("asc", lambda: tnp.ascontiguousarray(i32, tnp.float32))
    for n in ("atleast_1d", "atleast_2d", "atleast_3d"):
        rec(n + "s", lambda n=n: getattr(tnp, n)(3.0))
        rec(n + "v", lambda n=n: getattr(tnp, n)(i64))
        rec(n + "m", lambda n=n: getattr(tnp, n)(i32))
        rec(n + "many", lambda n=n: getattr(tnp, n)(1, i64))
    for n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        rec(n, lambda n=n: getattr(tnp, n)(i32, tnp.asarray([6, 3], tnp.int32)))
        rec(n + "py", lambda n=n: getattr(tnp, n)(i32, 5))
    rec("bitwise_not", lambda: tnp.bitwise_not(i32))
    rec("bcast", lambda: tnp.broadcast_arrays(i64, tnp.asarray([[1.0], [2.0]])))
    rec("compress", lambda: tnp.compress([True, False, True], i64))
    rec("compress_ax", lambda: tnp.compress([False, True], i32, axis=1))
    rec("compress_none", lambda: tnp.compress([True, False, True], i32))
    rec("diag_indices", lambda: tnp.diag_indices(3))
    rec("diag_indices3", lambda: tnp.diag_indices(2, 3))
    rec("divmod", lambda: tnp.divmod(i32, 4))
    rec("divmodf", lambda: tnp.divmod(f64, 0.75))
    rec("dsplit", lambda: tnp.dsplit(tnp.ones([2, 2, 4]), 2))
    rec("hsplit", lambda: tnp.hsplit(i32, 2))
    rec("vsplit", lambda: tnp.vsplit(i32, 2))
    rec("empty_like", lambda: repr(tuple(tnp.empty_like(i32).shape)))
    rec(
        "empty_like_dt",
        lambda: str(
            np.dtype(
                tnp.empty_like(i32, tnp.float32).dtype.name
                if hasattr(tnp.empty_like(i32, tnp.float32).dtype, "as_numpy_dtype")
                else tnp.empty_like(i32, tnp.float32).dtype
            )
        ),
    )
    rec("fabs", lambda: tnp.fabs(i32))
    rec("fabsf", lambda: tnp.fabs(f32))
    rec("fix", lambda: tnp.fix(f64))
    rec("fixi", lambda: tnp.fix(i32))
    rec("flatten", lambda: tnp.flatten(i32)) if hasattr(tnp, "flatten") else None
    rec("float_power", lambda: tnp.float_power(i32, 2))
    rec("float_powerf", lambda: tnp.float_power(f32, f32))
    rec("gcd", lambda: tnp.gcd(i32, tnp.asarray([6, 9], tnp.int32)))
    rec("lcm", lambda: tnp.lcm(i32, tnp.asarray([6, 9], tnp.int32)))
    rec("geomspace", lambda: tnp.geomspace(1, 1000, 4))
    rec("geomspace32", lambda: tnp.geomspace(1, 16, 5, dtype=tnp.float32))
    rec("logspace", lambda: tnp.logspace(0, 3, 4))
    rec("logspace2", lambda: tnp.logspace(0, 3, 4, base=2.0, endpoint=False))
    rec("inexact", lambda: tnp.inexact)
    rec("object_", lambda: tnp.object_)
    rec("string_", lambda: tnp.string_)
    rec("unicode_", lambda: tnp.unicode_)
    rec("iscomplex", lambda: tnp.iscomplex(c))
    rec("iscomplexr", lambda: tnp.iscomplex(f64))
    rec("iscomplexobj", lambda: tnp.iscomplexobj(c))
    rec("iscomplexobj2", lambda: tnp.iscomplexobj(f64))
    rec("isrealobj", lambda: tnp.isrealobj(c))
    rec("isrealobj2", lambda: tnp.isrealobj(f64))
    rec("isneginf", lambda: tnp.isneginf(tnp.asarray([-np.inf, 1.0, np.inf])))
    rec("isposinf", lambda: tnp.isposinf(tnp.asarray([-np.inf, 1.0, np.inf])))
    rec("isscalar", lambda: tnp.isscalar(3))
    rec("isscalar0", lambda: tnp.isscalar(tnp.asarray(3.0)))
    rec("isscalar1", lambda: tnp.isscalar(i64))
    rec("isscalarl", lambda: tnp.isscalar([1]))
    rec("ix_", lambda: tnp.ix_([0, 1], [2, 0, 1]))
    rec("logaddexp2", lambda: tnp.logaddexp2(f64, 1.0))
    rec("logaddexp2i", lambda: tnp.logaddexp2(i32, i32))
    rec("meshgrid", lambda: tnp.meshgrid(i64, f64[:2]))
    rec("meshgrid_ij", lambda: tnp.meshgrid(i64, f64[:2], indexing="ij"))
    rec("nanmean", lambda: tnp.nanmean(f32))
    rec("nanmean_ax", lambda: tnp.nanmean(f32, axis=0))
    rec("nanmean_i", lambda: tnp.nanmean(i32))
    rec("nanprod", lambda: tnp.nanprod(f32, axis=1))
    rec("nanprod_i", lambda: tnp.nanprod(i32))
    rec("nansum", lambda: tnp.nansum(f32))
    rec("nansum_i", lambda: tnp.nansum(i32, axis=1, keepdims=True))
    rec("nextafter", lambda: tnp.nextafter(f32, 10.0))
    rec("polyval", lambda: tnp.polyval([1, 2, 3], i64))
    rec(
        "polyvalf",
        lambda: tnp.polyval(
            tnp.asarray([0.5, 2.0], tnp.float32), tnp.asarray([2.0, 3.0], tnp.float32)
        ),
    )
    rec("positive", lambda: tnp.positive(i32))
    rec("promote", lambda: tnp.promote_types(tnp.int32, tnp.float32))
    rec("promote2", lambda: tnp.promote_types("int8", "uint8"))
    rec("remainder", lambda: tnp.remainder(i32, 4))
    rec("remainderf", lambda: tnp.remainder(f64, -0.75))
    rec("select", lambda: tnp.select([i64 > 1, i64 < 1], [i64, f64], default=-1))
    rec(
        "select2",
        lambda: tnp.select([tnp.asarray([True, False])], [tnp.asarray([1, 2], tnp.int32)]),
    )
    rec("signbit", lambda: tnp.signbit(f64))
    rec("signbiti", lambda: tnp.signbit(i32))
    rec("tri", lambda: tnp.tri(3))
    rec("tri2", lambda: tnp.tri(2, 4, 1, tnp.int32))
    rec("vander", lambda: tnp.vander(i64))
    rec("vander2", lambda: tnp.vander(f64, 2, increasing=True))
    rec("vanderi32", lambda: tnp.vander(tnp.asarray([1, 2], tnp.int32)))


def ctc_decoders(tf, tnp, out):
    def rec(label, f):
        try:
            ds, s = f()
            out[label] = tuple(
                np.asarray(a) for d in ds for a in (d.indices, d.values, d.dense_shape)
            ) + (np.asarray(s),)
        except Exception as e:
            out[label] = ("ERR " + type(e).__name__,)

    x = np.log(np.array([[[0.6, 0.4]], [[0.3, 0.7]]], np.float32))
    rec("few", lambda: tf.nn.ctc_beam_search_decoder(x, [2], beam_width=5, top_paths=4))
    rec(
        "len0",
        lambda: tf.nn.ctc_beam_search_decoder(
            np.random.RandomState(0).randn(3, 2, 4).astype(np.float32),
            [0, 3],
            beam_width=3,
            top_paths=2,
        ),
    )
    rec(
        "g len0",
        lambda: tf.nn.ctc_greedy_decoder(
            np.random.RandomState(0).randn(3, 2, 4).astype(np.float32), [0, 3]
        ),
    )
    rec(
        "g allblank",
        lambda: tf.nn.ctc_greedy_decoder(
            np.tile(np.array([0, 0, 5.0], np.float32), (3, 2, 1)), [3, 3]
        ),
    )
    rec(
        "bw1",
        lambda: tf.nn.ctc_beam_search_decoder(
            np.random.RandomState(1).randn(6, 3, 5).astype(np.float32) * 2, [6, 5, 4], beam_width=1
        ),
    )
    rec(
        "bw2",
        lambda: tf.nn.ctc_beam_search_decoder(
            np.random.RandomState(2).randn(10, 2, 6).astype(np.float32) * 2,
            [10, 7],
            beam_width=2,
            top_paths=2,
        ),
    )
    rec(
        "bw3",
        lambda: tf.nn.ctc_beam_search_decoder(
            np.random.RandomState(3).randn(12, 2, 3).astype(np.float32),
            [12, 9],
            beam_width=3,
            top_paths=3,
        ),
    )
    rec("len big", lambda: tf.nn.ctc_greedy_decoder(np.zeros((2, 1, 3), np.float32), [3]))


SECTIONS = {
    "ctc": ctc,
    "image": image,
    "strings": strings,
    "bitwise_sets": bitwise_sets,
    "moving_average": moving_average,
    "tnp": tnp_functions,
    "ctc_decoders": ctc_decoders,
}


def main(which: str, path: str) -> None:
    if which == "tf":
        import tensorflow as tf
    else:
        import numnet as tf
    tnp = tf.experimental.numpy
    results = {}
    for name, section in SECTIONS.items():
        out = {}
        section(tf, tnp, out)
        results[name] = out
    with open(path, "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
