"""Dense.enable_lora: low-rank adaptation as Keras 3 defines it (frozen kernel, trainable
lora_kernel_a @ lora_kernel_b scaled by lora_alpha / rank, layer.kernel the merged kernel)."""

import numpy as np
import pytest

import numnet
from numnet import layers


def _built(units=2, width=3, **kwargs):
    layer = layers.Dense(units, **kwargs)
    layer.build((None, width))
    layer.kernel.assign(np.arange(width * units, dtype=np.float32).reshape(width, units) / 10)
    return layer


def test_enable_lora_freezes_the_kernel_and_adds_two_trainable_weights():
    layer = _built()
    x = np.array([[1.0, -2.0, 0.5]], np.float32)
    before = layer(x).numpy()
    layer.enable_lora(2, lora_alpha=6)
    assert [w.name for w in layer.weights] == ["kernel", "bias", "lora_kernel_a", "lora_kernel_b"]
    assert [w.name for w in layer.trainable_weights] == ["bias", "lora_kernel_a",
                                                         "lora_kernel_b"]
    assert [w.name for w in layer.non_trainable_weights] == ["kernel"]
    assert layer.lora_kernel_a.shape == (3, 2) and layer.lora_kernel_b.shape == (2, 2)
    np.testing.assert_array_equal(layer(x).numpy(), before)  # b starts at zero
    a = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
    b = np.array([[0.5, -1.0], [2.0, 0.0]], np.float32)
    layer.lora_kernel_a.assign(a)
    layer.lora_kernel_b.assign(b)
    merged = np.arange(6, dtype=np.float32).reshape(3, 2) / 10 + 3.0 * (a @ b)
    np.testing.assert_allclose(layer.kernel.numpy(), merged, rtol=1e-6)
    np.testing.assert_allclose(layer(x).numpy(), x @ merged, rtol=1e-6)
    assert layer.lora_rank == 2 and layer.lora_alpha == 6


def test_lora_gradients_reach_only_the_low_rank_weights():
    layer = _built(units=1, width=2, use_bias=False)
    layer.enable_lora(1, lora_alpha=2)  # scale 2
    layer.lora_kernel_a.assign(np.array([[1.0], [3.0]], np.float32))
    layer.lora_kernel_b.assign(np.array([[0.5]], np.float32))
    x = np.array([[2.0, -1.0]], np.float32)
    with numnet.GradientTape() as tape:
        y = numnet.ops.sum(layer(x))
    grad_a, grad_b = tape.gradient(y, [layer.lora_kernel_a, layer.lora_kernel_b])
    # y = x @ (W + 2 a b): dy/da = 2 x^T b^T = [[2], [-1]], dy/db = 2 a^T x^T = 2 * (2 - 3)
    np.testing.assert_allclose(grad_a.numpy(), [[2.0], [-1.0]], rtol=1e-6)
    np.testing.assert_allclose(grad_b.numpy(), [[-2.0]], rtol=1e-6)


def test_fit_leaves_the_frozen_kernel_alone():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-1.0], [2.0]], np.float32)
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(4, activation="tanh"),
                               layers.Dense(1)])
    model.layers[0].enable_lora(2)
    frozen = model.layers[0].non_trainable_weights[0].numpy().copy()
    b_before = model.layers[0].lora_kernel_b.numpy().copy()
    model.compile(optimizer=numnet.optimizers.SGD(0.05), loss="mse")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    np.testing.assert_array_equal(model.layers[0].non_trainable_weights[0].numpy(), frozen)
    assert np.abs(model.layers[0].lora_kernel_b.numpy() - b_before).max() > 1e-3
    assert len(model.trainable_weights) == 5  # bias, a, b of the first; kernel, bias


def test_lora_rank_in_the_constructor_and_the_config():
    layer = layers.Dense(5, lora_rank=3, lora_alpha=6)
    layer.build((None, 4))
    assert layer.lora_enabled and layer.lora_rank == 3 and layer.lora_alpha == 6
    config = layer.get_config()
    assert config["lora_rank"] == 3 and config["lora_alpha"] == 6
    again = layers.Dense.from_config(config)
    again.build((None, 4))
    assert again.lora_enabled and again.lora_alpha == 6
    assert "lora_rank" not in layers.Dense(2).get_config()


@pytest.mark.parametrize("case, message", [
    ("unbuilt", "not built"), ("twice", "already enabled"), ("constraint", "kernel constraint"),
    ("rank", "positive integer"),
])
def test_enable_lora_refuses(case, message):
    if case == "unbuilt":
        layer = layers.Dense(2)
    elif case == "constraint":
        layer = _built(kernel_constraint="non_neg")
    else:
        layer = _built()
    if case == "twice":
        layer.enable_lora(1)
    with pytest.raises(ValueError, match=message):
        layer.enable_lora(0 if case == "rank" else 1)


def test_embedding_lora_reads_rows_of_the_merged_table():
    layer = layers.Embedding(4, 3)
    layer.build()
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    layer.embeddings.assign(table)
    layer.enable_lora(1, lora_alpha=2)
    assert [w.name for w in layer.trainable_weights] == ["lora_embeddings_a", "lora_embeddings_b"]
    assert [w.name for w in layer.non_trainable_weights] == ["embeddings"]
    ids = np.array([[3, 0, 3]])
    np.testing.assert_array_equal(layer(ids).numpy(), table[ids])  # b starts at zero
    a = np.array([[1.0], [0.0], [2.0], [-1.0]], np.float32)
    layer.lora_embeddings_a.assign(a)
    layer.lora_embeddings_b.assign(np.array([[1.0, 0.5, 0.0]], np.float32))
    merged = table + 2.0 * a @ np.array([[1.0, 0.5, 0.0]], np.float32)
    np.testing.assert_allclose(layer.embeddings.numpy(), merged, rtol=1e-6)
    np.testing.assert_allclose(layer(ids).numpy(), merged[ids], rtol=1e-6)
    with numnet.GradientTape() as tape:
        total = numnet.ops.sum(layer(ids))
    grad_b = tape.gradient(total, layer.lora_embeddings_b)
    # rows 3, 0, 3 each add 2 * a[row] to every column: 2 * (-1 + 1 - 1) = -2
    np.testing.assert_allclose(grad_b.numpy(), [[-2.0, -2.0, -2.0]], rtol=1e-6)
    config = layer.get_config()
    assert config["lora_rank"] == 1 and config["lora_alpha"] == 2
    again = layers.Embedding.from_config(config)
    again.build()
    assert again.lora_enabled and again.lora_alpha == 2
