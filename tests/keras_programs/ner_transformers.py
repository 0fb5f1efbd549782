"""The Keras example "Named Entity Recognition using Transformers" (nlp/ner_transformers.py),
on synthetic sentences in the place of CoNLL 2003.

As the example: the records are written as tab-separated lines (the token count, the tokens,
the tags), read back by tf.data.TextLineDataset and parsed in a map by tf.strings.split,
tf.strings.to_number, slices by the parsed length and tf.strings.lower; a StringLookup turns
the tokens into ids and padded_batch pads both with 0. The NERModel (a subclassed
keras.Model) stacks a TokenAndPositionEmbedding (tf.range of tf.shape(x)[-1] positions), a
TransformerBlock (its call's ``training`` defaults to False: Keras 3 refuses a call whose
``training`` has no default when a caller leaves it out), Dropout and Dense layers
and a softmax over the tags; it trains on a loss of one's own that masks the padded tokens
(SparseCategoricalCrossentropy with reduction=None, then sum(loss * mask) / sum(mask)). The
tag-level F1 of the validation set is computed as the example's calculate_metrics does. The
example's dropout rates are 0.1; here they are 0 and the weights start from a NumPy draw, so
the losses are Keras's to float32 rounding.
"""

import os

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential(
            [
                keras.layers.Dense(ff_dim, activation="relu"),
                keras.layers.Dense(embed_dim),
            ]
        )
        self.layernorm1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = keras.layers.Dropout(rate)
        self.dropout2 = keras.layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = keras.layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = keras.layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = tf.shape(x)[-1]
        positions = tf.range(start=0, limit=maxlen, delta=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


class NERModel(keras.Model):
    def __init__(
        self, num_tags, vocab_size, maxlen=128, embed_dim=32, num_heads=2, ff_dim=32,
        rate=0.1,
    ):
        super().__init__()
        self.embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
        self.transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim, rate)
        self.dropout1 = layers.Dropout(rate)
        self.ff = layers.Dense(ff_dim, activation="relu")
        self.dropout2 = layers.Dropout(rate)
        self.ff_final = layers.Dense(num_tags, activation="softmax")

    def call(self, inputs, training=False):
        x = self.embedding_layer(inputs)
        x = self.transformer_block(x)
        x = self.dropout1(x, training=training)
        x = self.ff(x)
        x = self.dropout2(x, training=training)
        x = self.ff_final(x)
        return x


# Synthetic sentences: people, organisations and places among ordinary words
rng = np.random.default_rng(2)
people = ["alice", "bob", "carol", "dmitri", "erin", "farah"]
organisations = ["acme", "globex", "initech", "umbrella"]
places = ["paris", "lagos", "lima", "oslo", "hanoi"]
words = ["the", "met", "in", "visited", "from", "with", "and", "said", "today", "went", "to",
         "works", "for", "a", "new", "office"]


def make_record():
    tokens, tags = [], []
    for _ in range(rng.integers(4, 11)):
        kind = rng.choice(4, p=[0.6, 0.15, 0.1, 0.15])
        if kind == 0:
            tokens.append(rng.choice(words))
            tags.append(0)  # O
        elif kind == 1:
            tokens.append(rng.choice(people).title())
            tags.append(1)  # B-PER
            if rng.uniform() < 0.3:
                tokens.append(rng.choice(people).title())
                tags.append(2)  # I-PER
        elif kind == 2:
            tokens.append(rng.choice(organisations).upper())
            tags.append(3)  # B-ORG
        else:
            tokens.append(rng.choice(places).title())
            tags.append(5)  # B-LOC
    return {"tokens": tokens, "ner_tags": tags}


conll_data = {"train": [make_record() for _ in range(256)],
              "validation": [make_record() for _ in range(64)]}


def export_to_file(export_file_path, data):
    with open(export_file_path, "w") as f:
        for record in data:
            ner_tags = record["ner_tags"]
            tokens = record["tokens"]
            f.write(
                str(len(tokens))
                + "\t"
                + "\t".join(tokens)
                + "\t"
                + "\t".join(map(str, ner_tags))
                + "\n"
            )


os.makedirs("data", exist_ok=True)
export_to_file("./data/conll_train.txt", conll_data["train"])
export_to_file("./data/conll_val.txt", conll_data["validation"])


def make_tag_lookup_table():
    iob_labels = ["B", "I"]
    ner_labels = ["PER", "ORG", "LOC", "MISC"]
    all_labels = [(label1, label2) for label2 in ner_labels for label1 in iob_labels]
    all_labels = ["-".join([a, b]) for a, b in all_labels]
    all_labels = ["[PAD]", "O"] + all_labels
    return dict(zip(range(0, len(all_labels) + 1), all_labels))


mapping = make_tag_lookup_table()

all_tokens = sum([record["tokens"] for record in conll_data["train"]], [])
all_tokens_array = np.array(list(map(str.lower, all_tokens)))
tokens_seen, counts = np.unique(all_tokens_array, return_counts=True)
order = np.lexsort((tokens_seen, -counts))

num_tags = len(mapping)
vocab_size = 40
vocabulary = [str(token) for token in tokens_seen[order][: vocab_size - 2]]

# The StringLookup class will convert tokens to token IDs
lookup_layer = keras.layers.StringLookup(vocabulary=vocabulary)

train_data = tf.data.TextLineDataset("./data/conll_train.txt")
val_data = tf.data.TextLineDataset("./data/conll_val.txt")
first_line = list(train_data.take(1).as_numpy_iterator())[0]
RESULT = {"first_line_is_bytes": float(isinstance(first_line, bytes)),
          "first_line_fields": float(len(np.char.split(np.asarray(first_line).astype(str),
                                                       "\t").item()))}


def map_func(record):
    record = tf.strings.split(record, sep="\t")
    length = tf.strings.to_number(record[0], out_type=tf.int32)
    tokens = record[1 : length + 1]
    tokens = tf.strings.lower(tokens)
    tags = record[length + 1 :]
    tags = tf.strings.to_number(tags, out_type=tf.int64)
    tags += 1
    return tokens, tags


batch_size = 32
train_dataset = (
    train_data.map(map_func)
    .map(lambda x, y: (lookup_layer(x), y))
    .padded_batch(batch_size)
)
val_dataset = (
    val_data.map(map_func)
    .map(lambda x, y: (lookup_layer(x), y))
    .padded_batch(batch_size)
)
for x, y in train_dataset.take(1):
    RESULT["batch_rows"] = float(x.shape[0])
    RESULT["tokens_match_tags"] = float(x.shape == y.shape)
    RESULT["padding_agrees"] = float(np.array_equal(np.asarray(x) == 0, np.asarray(y) == 0))

ner_model = NERModel(num_tags, vocab_size, maxlen=16, embed_dim=16, num_heads=2, ff_dim=32,
                     rate=0.0)
probe = ner_model(np.zeros((2, 7), dtype="int64"))
RESULT["probe_shape_sum"] = float(sum(probe.shape))
RESULT["params"] = float(ner_model.count_params())
draw = np.random.default_rng(9)
ner_model.set_weights([
    draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim >= 2 else w.numpy()
    for w in ner_model.weights
])


class CustomNonPaddingTokenLoss(keras.losses.Loss):
    def __init__(self, name="custom_ner_loss"):
        super().__init__(name=name)

    def call(self, y_true, y_pred):
        loss_fn = keras.losses.SparseCategoricalCrossentropy(
            from_logits=False, reduction=None
        )
        loss = loss_fn(y_true, y_pred)
        mask = tf.cast((y_true > 0), dtype=tf.float32)
        loss = loss * mask
        return tf.reduce_sum(loss) / tf.reduce_sum(mask)


loss = CustomNonPaddingTokenLoss()
ner_model.compile(optimizer=keras.optimizers.Adam(0.005), loss=loss)
history = ner_model.fit(train_dataset, epochs=6, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)

sample_input = lookup_layer("alice met bob in oslo".lower().split())
sample_input = tf.reshape(sample_input, shape=[1, -1])
output = ner_model.predict(sample_input, verbose=0)
sample_tags = [mapping[tag] for tag in np.argmax(output, axis=-1)[0]]
RESULT["sample_tags_right"] = float(sum(
    a == b for a, b in zip(sample_tags, ["B-PER", "O", "B-PER", "O", "B-LOC"])))


def calculate_metrics(dataset):
    all_true_tag_ids, all_predicted_tag_ids = [], []

    for X, y in dataset:
        output = ner_model.predict(X, verbose=0)
        predictions = np.argmax(output, axis=-1)
        predictions = np.reshape(predictions, [-1])

        true_tag_ids = np.reshape(y, [-1])

        mask = (true_tag_ids > 0) & (predictions > 0)
        true_tag_ids = true_tag_ids[mask]
        predicted_tag_ids = predictions[mask]

        all_true_tag_ids.append(true_tag_ids)
        all_predicted_tag_ids.append(predicted_tag_ids)

    all_true_tag_ids = np.concatenate(all_true_tag_ids)
    all_predicted_tag_ids = np.concatenate(all_predicted_tag_ids)

    predicted_tags = [mapping[tag] for tag in all_predicted_tag_ids]
    real_tags = [mapping[tag] for tag in all_true_tag_ids]

    return predicted_tags, real_tags


predicted_tags, real_tags = calculate_metrics(val_dataset)
entity = [tag != "O" for tag in real_tags]
found = [tag != "O" for tag in predicted_tags]
hits = sum(p == r and e for p, r, e in zip(predicted_tags, real_tags, entity))
precision = hits / max(sum(found), 1)
recall = hits / max(sum(entity), 1)
RESULT["val_tokens"] = float(len(real_tags))
RESULT["entity_f1"] = float(2 * precision * recall / max(precision + recall, 1e-9))
print(RESULT)
