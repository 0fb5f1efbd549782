"""tf.data's file readers: TextLineDataset, CsvDataset, make_csv_dataset, Dataset.list_files and
Dataset.interleave, on small files written here, with values checked by hand (and against
TensorFlow where it is installed)."""

from __future__ import annotations

import gzip
import zlib

import numpy as np
import pytest

import numnet as tf


def write(path, text: str, mode: str = "w"):
    if "b" in mode:
        with open(path, mode) as f:
            f.write(text)
    else:
        with open(path, mode, encoding="utf-8", newline="") as f:
            f.write(text)
    return str(path)


@pytest.fixture
def texts(tmp_path):
    return [write(tmp_path / "t1.txt", "l1\nl2\r\n\nl4"),
            write(tmp_path / "t2.txt", "m1\nm2\nm3\n"), write(tmp_path / "t3.txt", "n1\n")]


def lines(ds):
    """The text elements as str; as_numpy_iterator gives them as bytes, as TensorFlow's."""
    return [x.decode("utf-8") for x in ds.as_numpy_iterator()]


def text(tensor) -> list | str:
    """A string Tensor's values as str (its .numpy() may give str or, as TensorFlow's,
    bytes)."""
    values = np.asarray(tensor.numpy(), dtype=object)
    out = [v.decode() if isinstance(v, bytes) else str(v) for v in values.ravel().tolist()]
    return out[0] if values.ndim == 0 else out


# ----------------------------------------------------------------------------- TextLineDataset


def test_text_lines_drop_line_ends_and_keep_empty_lines(texts):
    ds = tf.data.TextLineDataset(texts[0])
    assert lines(ds) == ["l1", "l2", "", "l4"]
    assert ds.element_spec == tf.TensorSpec((), tf.string)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    first = next(iter(ds))
    assert text(first) == "l1"


def test_text_lines_of_several_files_in_order_and_interleaved(texts):
    assert lines(tf.data.TextLineDataset(texts)) == [
        "l1", "l2", "", "l4", "m1", "m2", "m3", "n1"]
    # two files at once, a line from each in turn; t3 takes t2's place when t2 ends
    assert lines(tf.data.TextLineDataset(texts, num_parallel_reads=2)) == [
        "l1", "m1", "l2", "m2", "", "m3", "l4", "n1"]


def test_text_lines_skip_filter_batch(texts):
    ds = tf.data.TextLineDataset(texts[1]).skip(1).filter(lambda line: tf.not_equal(line, "m3"))
    assert lines(ds) == ["m2"]
    batch = next(iter(tf.data.TextLineDataset(texts[1]).batch(2)))
    assert text(batch) == ["m1", "m2"]


def test_text_lines_from_a_dataset_of_names_and_a_tensor(texts):
    names = tf.data.Dataset.from_tensor_slices(texts[1:])
    assert lines(tf.data.TextLineDataset(names)) == ["m1", "m2", "m3", "n1"]
    assert lines(tf.data.TextLineDataset(tf.constant(texts[2]))) == ["n1"]


def test_text_lines_compressed(tmp_path):
    text = "alpha\nbeta\ngamma\n"
    gz = write(tmp_path / "a.txt.gz", gzip.compress(text.encode()), "wb")
    zl = write(tmp_path / "a.txt.z", zlib.compress(text.encode()), "wb")
    assert lines(tf.data.TextLineDataset(gz, compression_type="GZIP")) == [
        "alpha", "beta", "gamma"]
    assert lines(tf.data.TextLineDataset(zl, compression_type="ZLIB")) == [
        "alpha", "beta", "gamma"]
    with pytest.raises(ValueError, match=r"a\.txt\.z.*GZIP"):
        list(tf.data.TextLineDataset(zl, compression_type="GZIP"))
    with pytest.raises(ValueError, match="compression_type.*'BZ2'"):
        tf.data.TextLineDataset(gz, compression_type="BZ2")


def test_text_lines_are_read_lazily(tmp_path):
    # the third line is not UTF-8: reading the first two never reaches it
    path = write(tmp_path / "bad.txt", b"one\ntwo\n\xff\xfe\n", "wb")
    assert lines(tf.data.TextLineDataset(path).take(2)) == ["one", "two"]
    with pytest.raises(ValueError, match=r"bad\.txt'?, line 3: bytes that are not utf-8"):
        list(tf.data.TextLineDataset(path))


def test_text_lines_missing_file_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"TextLineDataset\(filenames\): no file "
                                                r"'nope\.txt'.*list_files"):
        tf.data.TextLineDataset("nope.txt")
    with pytest.raises(TypeError, match="filenames.*given int"):
        tf.data.TextLineDataset(3)


# ------------------------------------------------------------------------ interleave, list_files


def test_interleave_order_cycle_and_block(texts):
    files = tf.data.Dataset.from_tensor_slices(texts)
    ds = files.interleave(tf.data.TextLineDataset, cycle_length=2, block_length=2)
    # l1 l2 from t1, m1 m2 from t2, "" l4 from t1 (ends), m3 from t2 (ends), then t3
    assert lines(ds) == ["l1", "l2", "m1", "m2", "", "l4", "m3", "n1"]
    ds = files.interleave(lambda path: tf.data.TextLineDataset(path).skip(1), cycle_length=3)
    assert lines(ds) == ["l2", "m2", "", "m3", "l4"]
    numbers = tf.data.Dataset.range(1, 4).interleave(
        lambda n: tf.data.Dataset.from_tensors(n).repeat(n), cycle_length=2)
    assert [int(x) for x in numbers.as_numpy_iterator()] == [1, 2, 2, 3, 3, 3]
    with pytest.raises(TypeError, match="interleave.*must return a Dataset"):
        list(files.interleave(lambda path: path, cycle_length=1))
    with pytest.raises(ValueError, match="cycle_length >= 1"):
        files.interleave(tf.data.TextLineDataset, cycle_length=0)


def test_list_files(tmp_path, texts):
    pattern = str(tmp_path / "t*.txt")
    assert lines(tf.data.Dataset.list_files(pattern, shuffle=False)) == texts
    shuffled = [lines(tf.data.Dataset.list_files(pattern, seed=5)) for _ in range(2)]
    assert sorted(shuffled[0]) == texts and shuffled[0] == shuffled[1]
    ds = tf.data.Dataset.list_files(pattern, seed=1)
    orders = {tuple(lines(ds)) for _ in range(12)}
    assert len(orders) > 1  # a new order at each iteration
    assert int(ds.cardinality()) == 3
    both = tf.data.Dataset.list_files([texts[2], str(tmp_path / "t1*")], shuffle=False)
    assert lines(both) == [texts[2], texts[0]]
    with pytest.raises(ValueError, match=r"no files match .*\*\.csv"):
        tf.data.Dataset.list_files(str(tmp_path / "*.csv"))


# ----------------------------------------------------------------------------- CsvDataset

PETS = 'name,age,weight\nrex,3,12.5\ntom,,4\n"fido, jr",7, 30 \n"a ""b""",1,2\n'


def test_csv_dataset_types_and_defaults(tmp_path):
    path = write(tmp_path / "pets.csv", PETS)
    ds = tf.data.experimental.CsvDataset(path, [tf.string, [0], [0.0]], header=True)
    rows = list(ds.as_numpy_iterator())
    assert [(n, int(a), float(w)) for n, a, w in rows] == [
        (b"rex", 3, 12.5), (b"tom", 0, 4.0), (b"fido, jr", 7, 30.0), (b'a "b"', 1, 2.0)]
    assert [type(v) for v in rows[0]] == [bytes, np.int32, np.float32]
    assert ds.element_spec == (tf.TensorSpec((), tf.string), tf.TensorSpec((), tf.int32),
                               tf.TensorSpec((), tf.float32))
    wide = tf.data.experimental.CsvDataset(path, [[""], [np.int64(-1)], [np.float64(0)]],
                                           header=True)
    assert [int(r[1]) for r in wide.as_numpy_iterator()] == [3, -1, 7, 1]
    assert wide.element_spec[1].dtype == np.int64 and wide.element_spec[2].dtype == np.float64


def test_csv_dataset_select_exclude_delim_na(tmp_path):
    path = write(tmp_path / "p.csv", "1|x|NA\n2|NA|5.5\n")
    ds = tf.data.experimental.CsvDataset(path, [[0], [-1.0]], field_delim="|", na_value="NA",
                                         select_cols=[0, 2])
    assert [(int(a), float(b)) for a, b in ds.as_numpy_iterator()] == [(1, -1.0), (2, 5.5)]
    ds = tf.data.experimental.CsvDataset(path, [[0], ["?"]], field_delim="|", na_value="NA",
                                         exclude_cols=[2])
    assert [(int(a), s) for a, s in ds.as_numpy_iterator()] == [(1, b"x"), (2, b"?")]
    with pytest.raises(ValueError, match="select_cols.*2 columns selected but 1"):
        tf.data.experimental.CsvDataset(path, [[0]], select_cols=[0, 2])
    with pytest.raises(ValueError, match="select_cols.*increasing"):
        tf.data.experimental.CsvDataset(path, [[0], [0]], select_cols=[2, 0])


def test_csv_dataset_quotes_over_lines_and_no_quotes(tmp_path):
    path = write(tmp_path / "q.csv", 'a,"two\nlines",1\nb,x,y\nc,"z",3\n')
    ds = tf.data.experimental.CsvDataset(path, [[""], [""], [0]])
    # the error names line 3 (the record after the two-line field), column 2, what it got
    with pytest.raises(ValueError, match=r"q\.csv', line 3, column 2: expected an integer "
                                         r"\(int32 in \[-2147483648, 2147483647\]\), given "
                                         r"'y'"):
        list(ds)
    assert [(a, b, int(c)) for a, b, c in ds.ignore_errors().as_numpy_iterator()] == [
        (b"a", b"two\nlines", 1), (b"c", b"z", 3)]
    rows = list(tf.data.experimental.CsvDataset(write(tmp_path / "r.csv", 'a,"x"\n'),
                                                [[""], [""]], use_quote_delim=False)
                .as_numpy_iterator())
    assert rows == [(b"a", b'"x"')]


def test_csv_dataset_errors_name_file_line_column(tmp_path):
    path = write(tmp_path / "bad.csv", "a,b,c\n1,2.5,x\n2,zz,y\n3\n4,,z\n5,6,w\n")
    ds = tf.data.experimental.CsvDataset(path, [tf.int32, [0.0], [""]], header=True)
    with pytest.raises(ValueError, match=r"bad\.csv', line 3, column 1 \('b'\): expected a "
                                         r"number \(float32\), given 'zz'"):
        list(ds)
    with pytest.raises(ValueError, match=r"line 4: the record has 1 fields; expected 3"):
        list(tf.data.experimental.CsvDataset(path, [[0], [""], [""]], header=True))
    kept = tf.data.experimental.CsvDataset(path, [tf.int32, tf.float32, [""]], header=True)
    assert [int(r[0]) for r in kept.ignore_errors().as_numpy_iterator()] == [1, 5]
    empty = write(tmp_path / "empty.csv", "1,\n")
    with pytest.raises(ValueError, match=r"empty\.csv', line 1, column 1: the field is empty "
                                         r".*required \(record default float32\).*\[0\.0\]"):
        list(tf.data.experimental.CsvDataset(empty, [[0], tf.float32]))
    with pytest.raises(ValueError, match=r"line 1, column 0: expected an integer"):
        list(tf.data.experimental.CsvDataset(write(tmp_path / "big.csv", "3000000000\n"),
                                             [tf.int32]))
    with pytest.raises(TypeError, match=r"record_defaults\): entry 0 is dtype\('bool'\)"):
        tf.data.experimental.CsvDataset(path, [tf.bool])
    with pytest.raises(TypeError, match=r"record_defaults\): expected a non-empty list"):
        tf.data.experimental.CsvDataset(path, [])


# ----------------------------------------------------------------------------- make_csv_dataset

TITANIC = ("survived,sex,age,fare,class,ticket\n"
           "0,male,22.0,7.25,Third,3000000000\n"
           "1,female,38,71.2833,First,12\n"
           "1,female,,7.925,Third,13\n"
           "0,male,35,8.05,,14\n"
           "1,male,2,21.075,Second,15\n")


def test_make_csv_dataset_infers_types_and_splits_the_label(tmp_path):
    path = write(tmp_path / "titanic.csv", TITANIC)
    ds = tf.data.experimental.make_csv_dataset(path, batch_size=2, label_name="survived",
                                               num_epochs=1, shuffle=False)
    batches = list(ds.as_numpy_iterator())
    assert len(batches) == 3
    features, label = batches[0]
    assert list(features) == ["sex", "age", "fare", "class", "ticket"]
    assert label.tolist() == [0, 1] and label.dtype == np.int32
    assert features["sex"].tolist() == [b"male", b"female"]
    assert features["age"].dtype == np.float32 and features["fare"].dtype == np.float32
    assert features["ticket"].dtype == np.int64  # 3000000000 is past int32
    assert batches[1][0]["age"].tolist() == [0.0, 35.0]  # empty -> 0
    assert batches[1][0]["class"].tolist() == [b"Third", b""]
    assert batches[2][1].tolist() == [1]  # the last, smaller batch
    spec_features, spec_label = ds.element_spec
    assert spec_features["age"] == tf.TensorSpec((None,), tf.float32)
    assert spec_features["sex"].dtype == tf.string and spec_label.dtype == np.int32
    assert ds.cardinality() == tf.data.UNKNOWN_CARDINALITY


def test_make_csv_dataset_select_defaults_and_endless(tmp_path):
    path = write(tmp_path / "titanic.csv", TITANIC)
    ds = tf.data.experimental.make_csv_dataset(
        path, batch_size=3, select_columns=["fare", 0], column_defaults=[[0], [1.0]],
        shuffle=False)
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY
    assert ds.element_spec["fare"] == tf.TensorSpec((3,), tf.float32)
    batches = list(ds.take(4).as_numpy_iterator())
    assert [b["survived"].tolist() for b in batches] == [
        [0, 1, 1], [0, 1, 0], [1, 1, 0], [1, 0, 1]]  # the epochs run on; every batch full
    assert list(batches[0]) == ["survived", "fare"]
    assert batches[0]["fare"].tolist() == pytest.approx([7.25, 71.2833, 7.925])


def test_make_csv_dataset_shuffles_and_reads_several_files(tmp_path):
    for k in range(3):
        write(tmp_path / f"part{k}.csv",
              "x,y\n" + "".join(f"{k * 10 + i},{i % 2}\n" for i in range(4)))
    pattern = str(tmp_path / "part*.csv")
    ordered = tf.data.experimental.make_csv_dataset(pattern, 5, num_epochs=1, shuffle=False,
                                                    label_name="y")
    xs = np.concatenate([f["x"] for f, _ in ordered.as_numpy_iterator()]).tolist()
    assert xs == [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]
    parallel = tf.data.experimental.make_csv_dataset(pattern, 12, num_epochs=1, shuffle=False,
                                                     num_parallel_reads=3)
    assert next(iter(parallel))["x"].numpy().tolist() == [
        0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]
    shuffled = tf.data.experimental.make_csv_dataset(pattern, 4, num_epochs=2, shuffle_seed=3)
    epochs = np.concatenate([b["x"] for b in shuffled.as_numpy_iterator()]).tolist()
    assert len(epochs) == 24 and sorted(epochs[:12]) == sorted(xs) == sorted(epochs[12:])
    assert epochs[:12] != xs and epochs[:12] != epochs[12:]


def test_make_csv_dataset_gzip_and_errors(tmp_path):
    gz = write(tmp_path / "a.csv.gz", gzip.compress(b"x,y\n1,a\n2,b\n"), "wb")
    ds = tf.data.experimental.make_csv_dataset(gz, 2, compression_type="GZIP", num_epochs=1,
                                               shuffle=False)
    batch = next(iter(ds))
    assert batch["x"].numpy().tolist() == [1, 2] and text(batch["y"]) == ["a", "b"]
    path = write(tmp_path / "t.csv", TITANIC)
    with pytest.raises(ValueError, match=r"label_name\): 'survive' is not one of the columns"):
        tf.data.experimental.make_csv_dataset(path, 2, label_name="survive")
    with pytest.raises(ValueError, match=r"select_columns\): 'agee' is not one of"):
        tf.data.experimental.make_csv_dataset(path, 2, select_columns=["agee"])
    with pytest.raises(ValueError, match=r"file_pattern\): no files match"):
        tf.data.experimental.make_csv_dataset(str(tmp_path / "*.tsv"), 2)
    write(tmp_path / "u.csv", "survived,sex\n1,male\n")
    with pytest.raises(ValueError, match=r"headers differ"):
        tf.data.experimental.make_csv_dataset(str(tmp_path / "[tu].csv"), 2)
    with pytest.raises(ValueError, match="header=True"):
        tf.data.experimental.make_csv_dataset(path, 2, header=False)
    write(tmp_path / "dup.csv", "a,a\n1,2\n")
    with pytest.raises(ValueError, match=r"duplicate column names \['a'\]"):
        tf.data.experimental.make_csv_dataset(str(tmp_path / "dup.csv"), 2)
    ragged = write(tmp_path / "ragged.csv", "a,b\n1,2\n3\n4,5\n")
    with pytest.raises(ValueError, match=r"ragged\.csv', line 3: the record has 1 fields; "
                                         r"expected 2"):
        tf.data.experimental.make_csv_dataset(ragged, 2)
    kept = tf.data.experimental.make_csv_dataset(ragged, 5, column_defaults=[[0], [0]],
                                                 num_epochs=1, shuffle=False,
                                                 ignore_errors=True)
    assert next(iter(kept))["a"].numpy().tolist() == [1, 4]


def test_infer_type_order():
    from numnet.data.readers import _infer_type

    def column(*fields):
        dtype = None
        for field in fields:
            dtype = _infer_type(field, "NA", dtype)
        return dtype

    assert column("1", "", "NA", "-7") == np.int32
    assert column("1", "2147483648") == np.int64
    assert column("1", "2.5") == np.float32
    assert column("1e39") == np.float64  # past float32's range
    assert column("1", "x", "2") == np.dtype(object)
    assert column("nan") == np.dtype(object)  # as TensorFlow: NaN is not below infinity
    assert column("", "NA") is None


# ----------------------------------------------------------------------------- decode_csv in map


def test_decode_csv_on_text_lines(tmp_path):
    path = write(tmp_path / "pets.csv", PETS)
    lines_ds = tf.data.TextLineDataset(path).skip(1)
    ds = lines_ds.map(lambda line: tf.io.decode_csv(line, record_defaults=[[""], [0], [0.0]]))
    rows = list(ds.as_numpy_iterator())
    assert len(rows) == 4 and isinstance(rows[0], tuple)
    assert [int(r[1]) for r in rows] == [3, 0, 7, 1]
    assert [float(r[2]) for r in rows] == [12.5, 4.0, 30.0, 2.0]
    batched = lines_ds.batch(4).map(lambda line: tf.io.decode_csv(line, [[""], [0], [0.0]]))
    names, ages, weights = next(iter(batched))
    assert ages.numpy().tolist() == [3, 0, 7, 1] and weights.dtype == np.float32
    assert text(names) == [
        "rex", "tom", "fido, jr", 'a "b"']


def test_fit_on_make_csv_dataset_with_normalization(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype(np.float32) * [3, 0.5] + [10, -2]
    y = (x[:, 0] - 10 > 0).astype(int)
    write(tmp_path / "d.csv", "a,b,y\n" + "".join(f"{a:.4f},{b:.4f},{t}\n"
                                                  for (a, b), t in zip(x, y)))
    ds = tf.data.experimental.make_csv_dataset(str(tmp_path / "d.csv"), 16, label_name="y",
                                               num_epochs=1, shuffle=False)
    packed = ds.map(lambda f, label: (tf.stack([f["a"], f["b"]], axis=1), label))
    norm = tf.keras.layers.Normalization()
    norm.adapt(packed.map(lambda features, label: features))
    assert np.asarray(norm.mean).ravel() == pytest.approx(x.mean(0), abs=1e-3)
    model = tf.keras.Sequential([tf.keras.Input((2,)), norm,
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(packed, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3


# ----------------------------------------------------------------------------- against TensorFlow


def test_readers_match_tensorflow(tmp_path, texts):
    real = pytest.importorskip("tensorflow")
    path = write(tmp_path / "titanic.csv", TITANIC)

    def as_text(value):
        value = np.asarray(value)
        if value.dtype == object:
            return [v.decode() if isinstance(v, bytes) else v for v in value.ravel().tolist()]
        return value.tolist()

    for kw in [dict(label_name="survived"), dict(select_columns=["age", "class"])]:
        ours = tf.data.experimental.make_csv_dataset(path, 2, num_epochs=1, shuffle=False, **kw)
        theirs = real.data.experimental.make_csv_dataset(path, 2, num_epochs=1, shuffle=False,
                                                         **kw)
        for a, b in zip(ours.as_numpy_iterator(), theirs.as_numpy_iterator(), strict=True):
            fa, fb = (a[0], b[0]) if isinstance(a, tuple) else (a, b)
            assert list(fa) == list(fb)
            for key in fa:
                assert as_text(fa[key]) == as_text(fb[key]) and \
                    np.asarray(fa[key]).dtype == np.dtype(fb[key].dtype)
    ours = tf.data.TextLineDataset(texts, num_parallel_reads=2)
    theirs = real.data.TextLineDataset(texts, num_parallel_reads=2)
    assert lines(ours) == [b.decode() for b in theirs.as_numpy_iterator()]


def test_load_text_pattern_labelled_lines(tmp_path):
    """The "Load text" tutorial's author classifier: one TextLineDataset per file, labelled by
    map, concatenated, shuffled once, vectorised by a TextVectorization adapted on the text."""
    words = [["sword", "ship", "wine", "sea"], ["shield", "horse", "spear", "plain"]]
    rng = np.random.default_rng(3)
    names = []
    for k, vocabulary in enumerate(words):
        sentences = [" ".join(rng.choice(vocabulary, 5)) for _ in range(40)]
        names.append(write(tmp_path / f"author{k}.txt", "\n".join(sentences) + "\n"))

    def labeler(example, index):
        return example, tf.cast(index, tf.int64)

    labeled_data_sets = []
    for i, file_name in enumerate(names):
        lines_dataset = tf.data.TextLineDataset(file_name)
        labeled_data_sets.append(lines_dataset.map(lambda ex, i=i: labeler(ex, i)))
    all_labeled_data = labeled_data_sets[0].concatenate(labeled_data_sets[1])
    all_labeled_data = all_labeled_data.shuffle(100, seed=1, reshuffle_each_iteration=False)
    pairs = [(text(t), int(label)) for t, label in all_labeled_data]
    assert len(pairs) == 80 and sorted(label for _, label in pairs) == [0] * 40 + [1] * 40
    assert all(set(sentence.split()) <= set(words[label]) for sentence, label in pairs)

    vectorize_layer = tf.keras.layers.TextVectorization(max_tokens=12, output_mode="int",
                                                        output_sequence_length=5)
    vectorize_layer.adapt(all_labeled_data.map(lambda t, label: t))
    assert sorted(vectorize_layer.get_vocabulary()[2:]) == sorted(words[0] + words[1])
    train = all_labeled_data.map(lambda t, label: (vectorize_layer(t), label)).batch(16)
    model = tf.keras.Sequential([tf.keras.Input((5,), dtype="int64"),
                                 tf.keras.layers.Embedding(12, 8),
                                 tf.keras.layers.GlobalAveragePooling1D(),
                                 tf.keras.layers.Dense(2)])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(train, epochs=8, verbose=0)
    assert model.evaluate(train, verbose=0)[1] == 1.0


def test_experimental_ignore_errors(tmp_path):
    path = write(tmp_path / "bad.csv", "1,2.5\n2,zz\n3,4\n")
    ds = tf.data.experimental.CsvDataset(path, [[0], [0.0]])
    kept = ds.apply(tf.data.experimental.ignore_errors())
    assert [(int(a), float(b)) for a, b in kept.as_numpy_iterator()] == [(1, 2.5), (3, 4.0)]
    # after a map: the elements whose map function raises are left out (as TensorFlow's)
    mapped = ds.map(lambda a, b: tf.debugging.check_numerics(1.0 / b, "1/b")) \
        .apply(tf.data.experimental.ignore_errors())
    assert [float(v) for v in mapped.as_numpy_iterator()] == pytest.approx([0.4, 0.25])


def test_snapshot_keeps_the_first_pass(tmp_path):
    path = write(tmp_path / "a.txt", "x\ny\n")
    ds = tf.data.TextLineDataset(path).snapshot(str(tmp_path / "snap"))
    assert lines(ds) == ["x", "y"]
    write(tmp_path / "a.txt", "changed\n")
    assert lines(ds) == ["x", "y"]  # read from the snapshot, not the file
    assert lines(ds.shuffle(10, seed=0).take(0)) == []
