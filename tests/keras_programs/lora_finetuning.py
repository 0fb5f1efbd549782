"""Low-rank adaptation (LoRA) with Keras 3's Dense.enable_lora, as the layer's API page and the
KerasHub fine-tuning guides use it: a classifier is trained on one task, then each hidden Dense
layer gets enable_lora(rank=2): its kernel is frozen and two small trainable matrices
(lora_kernel_a, lora_kernel_b) carry the update, scaled by lora_alpha / rank; the model is
fine-tuned on a shifted task. The frozen kernels do not move, the trainable parameter count
drops, layer.kernel becomes the merged kernel (frozen kernel + scaled a @ b), and those merged
kernels give a plain model with the same predictions. A Dense built with lora_rank= in its
constructor, and one rebuilt from a LoRA layer's get_config, have LoRA from the start. An
Embedding is adapted the same way (Embedding.enable_lora).

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(23)
n = 384
x = rng.normal(0.0, 1.0, (n, 6)).astype("float32")
y_first = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype("int64")
y_second = (x[:, 0] - 0.5 * x[:, 3] + x[:, 1] * x[:, 2] > 0.3).astype("int64")

model = keras.Sequential(
    [
        keras.Input(shape=(6,)),
        layers.Dense(24, activation="relu", name="hidden_1"),
        layers.Dense(24, activation="relu", name="hidden_2"),
        layers.Dense(2, activation="softmax", name="head"),
    ]
)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
pretrain = model.fit(x, y_first, batch_size=32, epochs=4, shuffle=False, verbose=0)
before_transfer = model.evaluate(x, y_second, verbose=0)[1]
params_before = sum(int(np.prod(w.shape)) for w in model.trainable_weights)

for name in ("hidden_1", "hidden_2"):
    model.get_layer(name).enable_lora(rank=2, lora_alpha=4)
frozen = [keras.ops.convert_to_numpy(model.get_layer(name).non_trainable_weights[0]).copy()
          for name in ("hidden_1", "hidden_2")]
# lora_kernel_a starts from he_uniform draws; a NumPy draw instead, so that both runs agree
for name in ("hidden_1", "hidden_2"):
    layer = model.get_layer(name)
    layer.lora_kernel_a.assign(rng.normal(0.0, 0.3, layer.lora_kernel_a.shape).astype("float32"))
params_lora = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
unchanged_output = model.predict(x[:8], verbose=0)

model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
finetune = model.fit(x, y_second, batch_size=32, epochs=5, shuffle=False, verbose=0)
after_transfer = model.evaluate(x, y_second, verbose=0)[1]

kernel_moved = max(
    float(np.abs(keras.ops.convert_to_numpy(model.get_layer(name).non_trainable_weights[0])
                 - kernel).max())
    for name, kernel in zip(("hidden_1", "hidden_2"), frozen)
)
# With LoRA enabled, layer.kernel is the kernel the layer computes with (frozen + update).
first = model.get_layer("hidden_1")
by_hand = frozen[0] + (first.lora_alpha / first.lora_rank) * (
    keras.ops.convert_to_numpy(first.lora_kernel_a) @ keras.ops.convert_to_numpy(
        first.lora_kernel_b)
)
kernel_gap = float(np.abs(keras.ops.convert_to_numpy(first.kernel) - by_hand).max())

# The merged kernels (layer.kernel) in a plain copy of the model.
plain = keras.Sequential(
    [
        keras.Input(shape=(6,)),
        layers.Dense(24, activation="relu"),
        layers.Dense(24, activation="relu"),
        layers.Dense(2, activation="softmax"),
    ]
)
merged = []
for layer in model.layers:
    merged += [keras.ops.convert_to_numpy(layer.kernel), keras.ops.convert_to_numpy(layer.bias)]
plain.set_weights(merged)
merge_gap = float(np.abs(plain.predict(x, verbose=0) - model.predict(x, verbose=0)).max())

built_with_rank = layers.Dense(5, lora_rank=3)
built_with_rank.build((None, 4))
rebuilt = layers.Dense.from_config(model.get_layer("hidden_1").get_config())
rebuilt.build((None, 6))

# An Embedding adapted the same way: its table frozen, a low-rank update trained.
tokens = rng.integers(1, 20, (n, 5))
token_labels = (tokens.max(axis=1) > 15).astype("float32")
text_model = keras.Sequential(
    [
        keras.Input(shape=(5,), dtype="int32"),
        layers.Embedding(20, 8, name="tokens"),
        layers.GlobalAveragePooling1D(),
        layers.Dense(1, activation="sigmoid"),
    ]
)
text_model.set_weights(
    [rng.normal(0.0, 0.4, w.shape).astype("float32") for w in text_model.get_weights()]
)
embedding = text_model.get_layer("tokens")
embedding.enable_lora(rank=2)
embedding.lora_embeddings_a.assign(rng.normal(0.0, 0.3, (20, 2)).astype("float32"))
table = keras.ops.convert_to_numpy(embedding.non_trainable_weights[0]).copy()
text_model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
text_history = text_model.fit(tokens, token_labels, batch_size=32, epochs=3, shuffle=False,
                              verbose=0)
table_moved = float(
    np.abs(keras.ops.convert_to_numpy(embedding.non_trainable_weights[0]) - table).max()
)
table_gap = float(np.abs(
    keras.ops.convert_to_numpy(embedding.embeddings)
    - (table + keras.ops.convert_to_numpy(embedding.lora_embeddings_a)
       @ keras.ops.convert_to_numpy(embedding.lora_embeddings_b))
).max())

RESULT = {
    "table_moved": table_moved,
    "table_gap": table_gap,
    "embedding_trainable": float(len(embedding.trainable_weights)),
    "params_before": float(params_before),
    "params_lora": float(params_lora),
    "kernel_moved": kernel_moved,
    "lora_weights": float(len(model.get_layer("hidden_1").weights)),
    "lora_trainable": float(len(model.get_layer("hidden_1").trainable_weights)),
    "model_weights": float(len(model.weights)),
    "b_start_sum": float(np.abs(unchanged_output).sum()),
    "before_transfer": float(before_transfer),
    "after_transfer": float(after_transfer),
    "merge_gap": merge_gap,
    "kernel_gap": kernel_gap,
    "built_with_rank_trainable": float(len(built_with_rank.trainable_weights)),
    "built_with_rank_enabled": float(built_with_rank.lora_enabled),
    "rebuilt_rank": float(rebuilt.lora_rank),
    "rebuilt_alpha": float(rebuilt.lora_alpha),
    "rebuilt_enabled": float(rebuilt.lora_enabled),
}
for epoch, value in enumerate(pretrain.history["loss"]):
    RESULT[f"pretrain_loss_{epoch}"] = float(value)
for epoch, value in enumerate(finetune.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(text_history.history["loss"]):
    RESULT[f"text_loss_{epoch}"] = float(value)
print(RESULT)
