"""tf.train checkpoints, tf.test.TestCase and tf.summary under ``import numnet as tf``:
round trips that continue training exactly, the manager's numbering and deletion, hostile
files, the event file TensorBoard reads, and TensorFlow's file naming where it is installed."""

import json
import os

import numpy as np
import pytest

import numnet as tf


def _model():
    tf.random.set_seed(0)
    model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                                 tf.keras.layers.Dense(1)])
    return model, tf.keras.optimizers.Adam(0.05)


def _step(model, opt, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss)


def test_restore_continues_training_exactly(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    model, opt = _model()
    step = tf.Variable(0)
    ckpt = tf.train.Checkpoint(step=step, optimizer=opt, model=model)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=3)
    assert manager.latest_checkpoint is None
    assert ckpt.restore(manager.latest_checkpoint) is not None  # a first run: nothing
    for _ in range(3):
        _step(model, opt, x, y)
        step.assign_add(1)
    path = manager.save()
    assert path == os.path.join(str(tmp_path), "ckpt-1")
    after = [_step(model, opt, x, y) for _ in range(3)]
    model2, opt2 = _model()  # the optimizer has no slots yet: restore makes them
    step2 = tf.Variable(0)
    ckpt2 = tf.train.Checkpoint(step=step2, optimizer=opt2, model=model2)
    status = ckpt2.restore(tf.train.latest_checkpoint(str(tmp_path)))
    status.assert_consumed()
    assert int(step2) == 3 and int(ckpt2.save_counter) == 1
    again = [_step(model2, opt2, x, y) for _ in range(3)]
    np.testing.assert_allclose(again, after, rtol=1e-6)
    model3, opt3 = _model()
    _step(model3, opt3, x * 0, y * 0)  # slots and a step count of 1: both overwritten
    tf.train.Checkpoint(step=tf.Variable(0), optimizer=opt3, model=model3).restore(path)
    np.testing.assert_allclose([_step(model3, opt3, x, y) for _ in range(3)], after, rtol=1e-6)


def test_manager_numbering_deletion_and_state(tmp_path):
    v = tf.Variable([1.0, 2.0])
    ckpt = tf.train.Checkpoint(v=v)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    paths = [manager.save() for _ in range(4)]
    assert [os.path.basename(p) for p in paths] == ["ckpt-1", "ckpt-2", "ckpt-3", "ckpt-4"]
    assert manager.checkpoints == paths[2:]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-3.data-00000-of-00001",
                                            "ckpt-3.index", "ckpt-4.data-00000-of-00001",
                                            "ckpt-4.index"]
    assert tf.train.latest_checkpoint(str(tmp_path)) == paths[3]
    reopened = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    assert reopened.latest_checkpoint == paths[3] and reopened.checkpoints == paths[2:]
    assert manager.save(checkpoint_number=100).endswith("ckpt-100")
    v.assign([0.0, 0.0])
    assert reopened.restore_or_initialize() == paths[3]
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    prefix = ckpt.write(str(tmp_path / "exact"))
    assert prefix == str(tmp_path / "exact") and os.path.exists(prefix + ".index")
    assert tf.train.load_variable(prefix, "v").tolist() == [1.0, 2.0]
    assert dict(tf.train.list_variables(prefix)) == {"save_counter": [], "v": [2]}
    assert tf.train.load_checkpoint(prefix).has_tensor("v")
    assert tf.train.latest_checkpoint(str(tmp_path / "none")) is None


def test_modules_nested_checkpoints_and_mismatches(tmp_path):
    class Block(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(np.arange(3.0))
            self.parts = [tf.Variable(1.0), {"b": tf.Variable(2.0)}]

    block = Block()
    inner = tf.train.Checkpoint(block=block)
    outer = tf.train.Checkpoint(inner=inner, extra=[tf.Variable(5.0)])
    path = outer.save(str(tmp_path / "c"))
    block.w.assign([0.0, 0.0, 0.0])
    block.parts[1]["b"].assign(0.0)
    outer.restore(path).assert_consumed()
    assert block.w.numpy().tolist() == [0.0, 1.0, 2.0] and float(block.parts[1]["b"]) == 2.0
    partial = tf.train.Checkpoint(extra=[tf.Variable(0.0)])
    status = partial.restore(path)
    with pytest.raises(AssertionError):
        status.assert_consumed()
    status.assert_existing_objects_matched()
    assert float(partial.extra[0]) == 5.0
    wrong = tf.train.Checkpoint(extra=[tf.Variable([0.0, 0.0])])
    with pytest.raises(ValueError, match="shape"):
        wrong.restore(path)
    with pytest.raises(tf.errors.NotFoundError):
        outer.restore(str(tmp_path / "missing-1"))
    with pytest.raises(TypeError):
        tf.train.Checkpoint(x=object()).save(str(tmp_path / "bad"))


def test_damaged_and_foreign_files_are_refused(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    path = ckpt.write(str(tmp_path / "c"))
    with open(path + ".index", "w") as f:
        json.dump({"format": "something-else"}, f)
    with pytest.raises(tf.errors.InvalidArgumentError, match="cannot be read"):
        ckpt.restore(path)
    path = ckpt.write(str(tmp_path / "d"))
    with open(path + ".data-00000-of-00001", "wb") as f:
        f.write(b"PK\x03\x04 truncated")
    with pytest.raises(tf.errors.InvalidArgumentError):
        ckpt.restore(path)
    path = ckpt.write(str(tmp_path / "e"))
    with open(path + ".index") as f:
        meta = json.load(f)
    meta["version"] = 99
    with open(path + ".index", "w") as f:
        json.dump(meta, f)
    with pytest.raises(tf.errors.InvalidArgumentError, match="newer"):
        ckpt.restore(path)


def test_test_case_assertions():
    class Case(tf.test.TestCase):
        def runTest(self):
            self.assertAllClose(tf.constant([1.0, 2.0]), [1.0, 2.0 + 1e-7])
            self.assertAllClose({"a": [tf.constant(1.0)]}, {"a": [1.0]})
            self.assertAllEqual(tf.constant([1, 2]), np.array([1, 2]))
            self.assertNotAllClose([1.0], [2.0])
            self.assertAllGreater([2, 3], 1)
            self.assertAllLessEqual([2, 3], 3)
            self.assertAllInRange([0.0, 1.0], 0.0, 1.0)
            self.assertAllInSet([1, 2, 1], {1, 2})
            self.assertDTypeEqual(tf.constant(1.0), np.float32)
            self.assertNear(1.0, 1.05, 0.1)
            self.assertShapeEqual(np.zeros((2, 3)), tf.zeros((2, 3)))
            self.assertAllEqual(self.evaluate(tf.constant([3])), [3])
            assert os.path.isdir(self.get_temp_dir())
            with self.assertRaisesOpError("rank"):
                tf.debugging.assert_rank(tf.zeros(2), 2)
            with self.assertRaises(AssertionError):
                self.assertAllClose([1.0], [1.1])
            with self.assertRaises(AssertionError):
                self.assertAllEqual([1, 2], [1, 2, 3])
            with self.session():
                pass

    result = Case().run()
    assert result.wasSuccessful(), result.failures + result.errors
    assert tf.test.is_gpu_available() in (True, False) and isinstance(tf.test.gpu_device_name(),
                                                                      str)


def test_summary_writes_event_files(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path / "train"))
    assert tf.summary.scalar("loss", 1.0, step=0) is False  # no default writer
    with writer.as_default():
        for step in range(3):
            assert tf.summary.scalar("loss", tf.constant(1.0 / (step + 1)), step=step)
        tf.summary.histogram("weights", np.arange(10.0), step=2)
        tf.summary.text("note", "hello", step=0)
        tf.summary.image("img", np.zeros((5, 2, 2, 1)), step=0, max_outputs=2)
        with pytest.raises(ValueError, match="step"):
            tf.summary.scalar("x", 1.0)
        tf.summary.experimental.set_step(7)
        tf.summary.scalar("at_seven", 2.0)
        tf.summary.experimental.set_step(None)
        with tf.summary.record_if(False):
            assert tf.summary.scalar("skipped", 1.0, step=1) is False
    writer.close()
    kinds = [(k, n, s) for k, n, s, _ in writer.records]
    assert kinds[:3] == [("scalar", "loss", 0), ("scalar", "loss", 1), ("scalar", "loss", 2)]
    assert ("scalar", "at_seven", 7) in kinds and ("image", "img", 0) in kinds
    assert writer.records[-2][3].shape[0] == 2 or any(
        r[0] == "image" and r[3].shape[0] == 2 for r in writer.records)
    files = os.listdir(tmp_path / "train")
    assert len(files) == 1 and files[0].startswith("events.out.tfevents.")
    ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    acc = ea.EventAccumulator(str(tmp_path / "train"))
    acc.Reload()
    assert [round(e.value, 6) for e in acc.Scalars("loss")] == [1.0, 0.5, 0.333333]
    assert [e.step for e in acc.Scalars("at_seven")] == [7]


def test_checkpoint_layout_as_tensorflows(tmp_path):
    real = pytest.importorskip("tensorflow")
    names = {}
    for lib, sub in ((tf, "ours"), (real, "theirs")):
        ckpt = lib.train.Checkpoint(v=lib.Variable(1.0))
        manager = lib.train.CheckpointManager(ckpt, str(tmp_path / sub), max_to_keep=2)
        saved = [os.path.basename(manager.save()) for _ in range(3)]
        saved.append(os.path.basename(ckpt.save(str(tmp_path / sub / "other"))))
        names[sub] = (saved, sorted(os.listdir(tmp_path / sub)),
                      os.path.basename(lib.train.latest_checkpoint(str(tmp_path / sub))),
                      [os.path.basename(p) for p in manager.checkpoints])
    assert names["ours"] == names["theirs"]
