"""After the keras.io example "Semantic Similarity with BERT": sentence pairs are encoded
together as "[CLS] premise [SEP] hypothesis [SEP]" with input ids, an attention mask and token
type ids by a data generator (a keras.utils.PyDataset subclass with __len__, __getitem__ and an
on_epoch_end that reshuffles its indexes; include_targets=False for inference); a small
BERT-like encoder (a subclassed Model: token, position and token-type embeddings, a
MultiHeadAttention given the padding as attention_mask, a feed-forward block, a dict of
last_hidden_state and pooler_output) is frozen, and a Bidirectional LSTM with hybrid
GlobalAveragePooling1D + GlobalMaxPooling1D pooling, Dropout and a softmax Dense classify the
pair as contradiction, entailment or neutral (categorical_crossentropy on to_categorical
labels, metrics=["acc"]); then the encoder is unfrozen, the model recompiled with a lower rate
and trained end to end; model.predict(test_data[0]) answers check_similarity. The weights start
from a NumPy draw, so the loss before training is Keras's. The encoder is built (as a
pretrained one is) before it is frozen.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

max_length = 16
batch_size = 16
epochs = 2
labels = ["contradiction", "entailment", "neutral"]

rng = np.random.default_rng(7)
subjects = ["man", "woman", "child", "dog", "girl", "boy"]
verbs = ["holds", "sees", "carries", "likes"]
objects = ["ball", "umbrella", "book", "guitar", "cup", "kite"]
synonyms = {"holds": "grips", "sees": "watches", "carries": "brings", "likes": "enjoys"}
vocab = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "a", "the", "not", "does"]
vocab += subjects + verbs + objects + list(synonyms.values())
word_index = {word: i for i, word in enumerate(vocab)}


def pair(label):
    subject, verb, thing = rng.choice(subjects), rng.choice(verbs), rng.choice(objects)
    premise = f"a {subject} {verb} the {thing}"
    if label == 0:
        hypothesis = f"the {subject} does not {synonyms[verb]} the {thing}"
    elif label == 1:
        hypothesis = f"the {subject} {synonyms[verb]} a {thing}"
    else:
        other = rng.choice([o for o in objects if o != thing])
        hypothesis = f"the {subject} {synonyms[verb]} a {other}"
    return [premise, hypothesis]


def make_split(count):
    label_ids = rng.integers(0, 3, count)
    sentences = np.array([pair(label) for label in label_ids])
    return sentences, keras.utils.to_categorical(label_ids, num_classes=3)


train_pairs, y_train = make_split(320)
valid_pairs, y_val = make_split(64)
test_pairs, y_test = make_split(64)


def encode(sentence_pairs):
    """The tokenizer's batch_encode_plus: ids, attention mask and token types, padded."""
    input_ids = np.zeros((len(sentence_pairs), max_length), dtype="int32")
    token_type_ids = np.zeros_like(input_ids)
    for row, (first, second) in enumerate(sentence_pairs):
        first_ids = [word_index.get(w, 3) for w in first.lower().split()]
        second_ids = [word_index.get(w, 3) for w in second.lower().split()]
        ids = [1] + first_ids + [2] + second_ids + [2]
        types = [0] * (len(first_ids) + 2) + [1] * (len(second_ids) + 1)
        input_ids[row, :len(ids)] = ids[:max_length]
        token_type_ids[row, :len(types)] = types[:max_length]
    attention_masks = (input_ids > 0).astype("int32")
    return input_ids, attention_masks, token_type_ids


class BertSemanticDataGenerator(keras.utils.PyDataset):
    """Batches of ([input_ids, attention_masks, token_type_ids], labels)."""

    def __init__(self, sentence_pairs, labels, batch_size=batch_size, shuffle=True,
                 include_targets=True, **kwargs):
        super().__init__(**kwargs)
        self.sentence_pairs = sentence_pairs
        self.labels = labels
        self.shuffle = shuffle
        self.batch_size = batch_size
        self.include_targets = include_targets
        self.indexes = np.arange(len(self.sentence_pairs))
        self.epochs_seen = 0
        self.on_epoch_end()

    def __len__(self):
        return len(self.sentence_pairs) // self.batch_size

    def __getitem__(self, idx):
        indexes = self.indexes[idx * self.batch_size: (idx + 1) * self.batch_size]
        sentence_pairs = self.sentence_pairs[indexes]
        input_ids, attention_masks, token_type_ids = encode(sentence_pairs)
        if self.include_targets:
            labels = np.array(self.labels[indexes], dtype="float32")
            return [input_ids, attention_masks, token_type_ids], labels
        return [input_ids, attention_masks, token_type_ids]

    def on_epoch_end(self):
        self.epochs_seen += 1
        if self.shuffle:
            np.random.RandomState(42).shuffle(self.indexes)


class TinyBert(keras.Model):
    """A one-block BERT-like encoder: embeddings, self-attention over the unmasked tokens, a
    feed-forward block, and a tanh pooler on the [CLS] position."""

    def __init__(self, vocab_size, hidden=16, heads=2, **kwargs):
        super().__init__(**kwargs)
        self.token_embedding = layers.Embedding(vocab_size, hidden)
        self.position_embedding = layers.Embedding(max_length, hidden)
        self.type_embedding = layers.Embedding(2, hidden)
        self.embedding_norm = layers.LayerNormalization(epsilon=1e-12)
        self.attention = layers.MultiHeadAttention(num_heads=heads, key_dim=hidden // heads)
        self.attention_norm = layers.LayerNormalization(epsilon=1e-12)
        self.intermediate = layers.Dense(hidden * 2, activation="gelu")
        self.output_dense = layers.Dense(hidden)
        self.output_norm = layers.LayerNormalization(epsilon=1e-12)
        self.pooler = layers.Dense(hidden, activation="tanh")

    def call(self, input_ids, attention_mask=None, token_type_ids=None):
        positions = ops.arange(max_length)
        x = (self.token_embedding(input_ids) + self.position_embedding(positions)
             + self.type_embedding(token_type_ids))
        x = self.embedding_norm(x)
        mask = ops.expand_dims(ops.cast(attention_mask, "bool"), 1)
        x = self.attention_norm(x + self.attention(x, x, attention_mask=mask))
        x = self.output_norm(x + self.output_dense(self.intermediate(x)))
        return {"last_hidden_state": x, "pooler_output": self.pooler(x[:, 0, :])}


input_ids = keras.Input(shape=(max_length,), dtype="int32", name="input_ids")
attention_masks = keras.Input(shape=(max_length,), dtype="int32", name="attention_masks")
token_type_ids = keras.Input(shape=(max_length,), dtype="int32", name="token_type_ids")
bert_model = TinyBert(len(vocab), name="tiny_bert")
sample_ids, sample_masks, sample_types = encode(train_pairs[:2])
bert_model(sample_ids, attention_mask=sample_masks, token_type_ids=sample_types)  # "pretrained"
bert_model.trainable = False
bert_output = bert_model(input_ids, attention_mask=attention_masks,
                         token_type_ids=token_type_ids)
sequence_output = bert_output["last_hidden_state"]
pooled_output = bert_output["pooler_output"]
bi_lstm = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(sequence_output)
avg_pool = layers.GlobalAveragePooling1D()(bi_lstm)
max_pool = layers.GlobalMaxPooling1D()(bi_lstm)
concat = layers.concatenate([avg_pool, max_pool])
dropout = layers.Dropout(0.3)(concat)
output = layers.Dense(3, activation="softmax")(dropout)
model = keras.Model(inputs=[input_ids, attention_masks, token_type_ids], outputs=output)

keras.utils.set_random_seed(1)
draw = np.random.default_rng(0)
model.set_weights([draw.normal(0, 0.2, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
              metrics=["acc"])
frozen_trainable = len(model.trainable_weights)
frozen_bert_weights = [w.copy() for w in bert_model.get_weights()]

train_data = BertSemanticDataGenerator(train_pairs, y_train, batch_size=batch_size,
                                       shuffle=True)
valid_data = BertSemanticDataGenerator(valid_pairs, y_val, batch_size=batch_size,
                                       shuffle=False)
initial_loss, initial_acc = model.evaluate(valid_data, verbose=0)
history = model.fit(train_data, validation_data=valid_data, epochs=epochs, verbose=0)
frozen_kept = all(np.array_equal(a, b) for a, b in zip(frozen_bert_weights,
                                                        bert_model.get_weights()))

bert_model.trainable = True
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="categorical_crossentropy",
              metrics=["accuracy"])
unfrozen_trainable = len(model.trainable_weights)
history_fine = model.fit(train_data, validation_data=valid_data, epochs=4, verbose=0)
bert_moved = not all(np.array_equal(a, b) for a, b in zip(frozen_bert_weights,
                                                          bert_model.get_weights()))

test_data = BertSemanticDataGenerator(test_pairs, y_test, batch_size=batch_size,
                                      shuffle=False)
test_loss, test_accuracy = model.evaluate(test_data, verbose=0)


def check_similarity(sentence1, sentence2):
    sentence_pairs = np.array([[str(sentence1), str(sentence2)]])
    test_data = BertSemanticDataGenerator(sentence_pairs, labels=None, batch_size=1,
                                          shuffle=False, include_targets=False)
    proba = model.predict(test_data[0], verbose=0)[0]
    idx = np.argmax(proba)
    return labels[idx], proba[idx]


prediction, probability = check_similarity("A man holds the ball",
                                           "The man does not grips the ball")

RESULT = {
    "initial_loss": float(initial_loss),
    "frozen_trainable": float(frozen_trainable),
    "unfrozen_trainable": float(unfrozen_trainable),
    "frozen_kept": float(frozen_kept),
    "bert_moved": float(bert_moved),
    "epochs_seen": float(train_data.epochs_seen),
    "loss_first": float(history.history["loss"][0]),
    "fine_loss_last": float(history_fine.history["loss"][-1]),
    "frozen_val_acc": float(history.history["val_acc"][-1]),
    "val_accuracy": float(history_fine.history["val_accuracy"][-1]),
    "test_accuracy": float(test_accuracy),
    "contradiction_found": float(prediction == "contradiction"),
    "probability": float(probability),
}
print(RESULT)
