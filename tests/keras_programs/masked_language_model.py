"""After the keras.io example "End-to-end Masked Language Modeling with BERT": tokens with 15%
of them replaced by a [mask] id, sample weights that are 1 on the masked positions only, a
small encoder (a token Embedding, a position Embedding made from a sinusoidal matrix with
initializers.Constant and called on keras.ops.arange, MultiHeadAttention, LayerNormalization,
a feed-forward Dense pair) and a keras.Model subclass MaskedLanguageModel whose compute_loss
applies SparseCategoricalCrossentropy(reduction=None) with the sample weights, feeds a Mean
loss_tracker and returns the summed loss, whose compute_metrics reports the tracker, and whose
metrics property lists it. fit gets (x, y, sample_weight); a callback decodes the top-k
predictions for a masked sample at the end of each epoch with keras.ops.top_k.

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch
is Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(29)
VOCAB_SIZE, MAX_LEN, EMBED_DIM, NUM_HEAD, FF_DIM = 20, 10, 16, 2, 32
mask_token_id = VOCAB_SIZE - 1

# sentences: a first token, then tokens counting up by a fixed step modulo 18, from 1
starts = rng.integers(1, 18, 320)
steps = rng.integers(1, 4, 320)
encoded_texts = (1 + (starts[:, None] - 1 + steps[:, None] * np.arange(MAX_LEN)) % 17)
encoded_texts = encoded_texts.astype("int32")


def get_masked_input_and_labels(encoded_texts):
    # 15% BERT masking
    inp_mask = rng.random(encoded_texts.shape) < 0.15
    # Do not mask special tokens
    inp_mask[encoded_texts <= 0] = False
    # Set targets to -1 by default, it means ignore
    labels = -1 * np.ones(encoded_texts.shape, dtype=int)
    # Set labels for masked tokens
    labels[inp_mask] = encoded_texts[inp_mask]

    # Prepare input
    encoded_texts_masked = np.copy(encoded_texts)
    # Set input to [MASK] which is the last token for the 90% of tokens
    # This means leaving 10% unchanged
    inp_mask_2mask = inp_mask & (rng.random(encoded_texts.shape) < 0.90)
    encoded_texts_masked[inp_mask_2mask] = mask_token_id

    # Prepare sample_weights to pass to .fit() method
    sample_weights = np.ones(labels.shape)
    sample_weights[labels == -1] = 0

    # y_labels would be same as encoded_texts i.e input tokens
    y_labels = np.copy(encoded_texts)

    return encoded_texts_masked, y_labels, sample_weights


x_masked_train, y_masked_labels, sample_weights = get_masked_input_and_labels(encoded_texts)


def get_pos_encoding_matrix(max_len, d_emb):
    pos_enc = np.array(
        [
            [pos / np.power(10000, 2 * (j // 2) / d_emb) for j in range(d_emb)]
            if pos != 0
            else np.zeros(d_emb)
            for pos in range(max_len)
        ]
    )
    pos_enc[1:, 0::2] = np.sin(pos_enc[1:, 0::2])  # dim 2i
    pos_enc[1:, 1::2] = np.cos(pos_enc[1:, 1::2])  # dim 2i+1
    return pos_enc


def bert_module(query, key, value, i):
    # Multi headed self-attention
    attention_output = layers.MultiHeadAttention(
        num_heads=NUM_HEAD,
        key_dim=EMBED_DIM // NUM_HEAD,
        name=f"encoder_{i}_multiheadattention",
    )(query, key, value)
    attention_output = layers.Dropout(0.0, name=f"encoder_{i}_att_dropout")(attention_output)
    attention_output = layers.LayerNormalization(
        epsilon=1e-6, name=f"encoder_{i}_att_layernormalization"
    )(query + attention_output)

    # Feed-forward layer
    ffn = keras.Sequential(
        [
            layers.Dense(FF_DIM, activation="relu"),
            layers.Dense(EMBED_DIM),
        ],
        name=f"encoder_{i}_ffn",
    )
    ffn_output = ffn(attention_output)
    ffn_output = layers.Dropout(0.0, name=f"encoder_{i}_ffn_dropout")(ffn_output)
    sequence_output = layers.LayerNormalization(
        epsilon=1e-6, name=f"encoder_{i}_ffn_layernormalization"
    )(attention_output + ffn_output)
    return sequence_output


loss_fn = keras.losses.SparseCategoricalCrossentropy(reduction=None)
loss_tracker = keras.metrics.Mean(name="loss")


class MaskedLanguageModel(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        loss = loss_fn(y, y_pred, sample_weight)
        loss_tracker.update_state(loss, sample_weight=sample_weight)
        return keras.ops.sum(loss)

    def compute_metrics(self, x, y, y_pred, sample_weight):
        # Return a dict mapping metric names to current value
        return {"loss": loss_tracker.result()}

    @property
    def metrics(self):
        # We list our `Metric` objects here so that `reset_states()` can be
        # called automatically at the start of each epoch
        # or at the start of `evaluate()`.
        return [loss_tracker]


def create_masked_language_bert_model():
    inputs = layers.Input((MAX_LEN,), dtype="int64")

    word_embeddings = layers.Embedding(VOCAB_SIZE, EMBED_DIM, name="word_embedding")(inputs)
    position_embeddings = layers.Embedding(
        input_dim=MAX_LEN,
        output_dim=EMBED_DIM,
        embeddings_initializer=keras.initializers.Constant(
            get_pos_encoding_matrix(MAX_LEN, EMBED_DIM)
        ),
        name="position_embedding",
    )(keras.ops.arange(start=0, stop=MAX_LEN, step=1))
    embeddings = word_embeddings + position_embeddings

    encoder_output = embeddings
    for i in range(1):
        encoder_output = bert_module(encoder_output, encoder_output, encoder_output, i)

    mlm_output = layers.Dense(VOCAB_SIZE, name="mlm_cls", activation="softmax")(encoder_output)
    mlm_model = MaskedLanguageModel(inputs, mlm_output, name="masked_bert_model")

    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    mlm_model.compile(optimizer=optimizer)
    return mlm_model


sample_tokens = x_masked_train[:1].copy()
sample_tokens[0, 4] = mask_token_id
decoded = []


class MaskedTextGenerator(keras.callbacks.Callback):
    def __init__(self, sample_tokens, top_k=3):
        self.sample_tokens = sample_tokens
        self.k = top_k

    def on_epoch_end(self, epoch, logs=None):
        prediction = self.model.predict(self.sample_tokens, verbose=0)
        masked_index = np.where(self.sample_tokens == mask_token_id)
        masked_index = masked_index[1]
        mask_prediction = prediction[0][masked_index]
        values, top_indices = keras.ops.top_k(mask_prediction[0], self.k)
        decoded.append((np.asarray(top_indices).tolist(), np.asarray(values).tolist()))


bert_masked_model = create_masked_language_bert_model()
draw = np.random.default_rng(10)
bert_masked_model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32")
                               if w.ndim > 1 else w for w in bert_masked_model.get_weights()])
generator_callback = MaskedTextGenerator(sample_tokens)
history = bert_masked_model.fit(
    x_masked_train[:256], y_masked_labels[:256], sample_weight=sample_weights[:256],
    batch_size=32, epochs=8, callbacks=[generator_callback], shuffle=False, verbose=0,
)
eval_loss = bert_masked_model.evaluate(
    x_masked_train[256:], y_masked_labels[256:], sample_weight=sample_weights[256:],
    verbose=0, return_dict=True,
)
predicted = bert_masked_model.predict(x_masked_train[256:], verbose=0).argmax(-1)
held_out_mask = sample_weights[256:] > 0
masked_accuracy = float(np.mean(predicted[held_out_mask] == y_masked_labels[256:][held_out_mask]))

RESULT = {"masked_share": float(np.mean(sample_weights)),
          "history_keys": float(len(history.history)),
          "eval_loss": float(eval_loss["loss"]), "masked_accuracy": masked_accuracy,
          "params": float(bert_masked_model.count_params()),
          "top_1_is_right": float(decoded[-1][0][0] == encoded_texts[0, 4]),
          "top_1_probability": float(decoded[-1][1][0]),
          "callback_epochs": float(len(decoded))}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
