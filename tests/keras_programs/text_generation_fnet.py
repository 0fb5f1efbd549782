"""After the keras.io example "Text Generation using FNet": question and answer strings in
tf.data datasets; a TextVectorization whose standardize is a function of tf.strings ops
(lower, regex_replace, strip, join with "[start]" and "[end]"), adapted on a batched
dataset; a map that vectorizes both sides, pads the answer with tf.pad and returns a dict
keyed by the model's input names; an FNetEncoder layer that mixes tokens with the real
part of ops.fft2 of (inputs, zeros), as the Keras 3 version of the example does (the
TensorFlow one uses tf.signal.fft2d and tf.math.real); a PositionalEmbedding with
compute_mask (ops.not_equal); an FNetDecoder with
supports_masking, a causal mask built from ops.arange, ops.reshape and ops.broadcast_to,
and two
MultiHeadAttention layers; the decoder as its own Model named "outputs" called on the
encoder's output; fit with validation, then greedy decoding one token at a time with predict
on a dict of inputs, tf.pad, tf.argmax, tf.equal and tf.concat.

The movie dialogs are replaced by questions of three words whose answer is the same words in
reverse order; the model is narrower, the sequences eight tokens long.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)
RESULT = {}

VOCAB_SIZE = 24
MAX_LENGTH = 8
EMBED_DIM = 32
LATENT_DIM = 64
NUM_HEADS = 2
BUFFER_SIZE = 256
BATCH_SIZE = 32
WORDS = ["red", "blue", "green", "cat", "dog", "bird", "run", "jump", "sing", "big"]


def load_conversations(n):
    inputs, outputs = [], []
    for _ in range(n):
        words = list(rng.choice(WORDS, 3, replace=False))
        inputs.append(" ".join(words).capitalize() + "?")
        outputs.append(" ".join(words[::-1]) + ".")
    return inputs, outputs


questions, answers = load_conversations(448)
RESULT["first_answer_words"] = float(len(answers[0].split()))

train_dataset = tf.data.Dataset.from_tensor_slices((questions[:384], answers[:384]))
val_dataset = tf.data.Dataset.from_tensor_slices((questions[384:], answers[384:]))


def preprocess_text(sentence):
    sentence = tf.strings.lower(sentence)
    sentence = tf.strings.regex_replace(sentence, r"([?.!,])", r" \1 ")
    sentence = tf.strings.regex_replace(sentence, r"\s\s+", " ")
    sentence = tf.strings.regex_replace(sentence, r"[^a-z?.!,]+", " ")
    sentence = tf.strings.strip(sentence)
    sentence = tf.strings.join(["[start]", sentence, "[end]"], separator=" ")
    return sentence


RESULT["standardized_ok"] = float(
    preprocess_text(tf.constant("Red  CAT, jumps!")).numpy().decode()
    == "[start] red cat , jumps ! [end]"
)

vectorizer = layers.TextVectorization(
    VOCAB_SIZE,
    standardize=preprocess_text,
    output_mode="int",
    output_sequence_length=MAX_LENGTH,
)

vectorizer.adapt(tf.data.Dataset.from_tensor_slices(questions + answers).batch(128))
VOCAB = vectorizer.get_vocabulary()
RESULT["vocabulary_size"] = float(len(VOCAB))  # "", [UNK], start, end, ?, ., 10 words
RESULT["start_and_end_known"] = float("[start]" in VOCAB and "[end]" in VOCAB)


def vectorize_text(inputs, outputs):
    inputs, outputs = vectorizer(inputs), vectorizer(outputs)
    outputs = tf.pad(outputs, [[0, 1]])
    return (
        {"encoder_inputs": inputs, "decoder_inputs": outputs[:-1]},
        outputs[1:],  # (Keras 3 takes no {"outputs": ...} target for a model of one output)
    )


train_dataset = train_dataset.map(vectorize_text, num_parallel_calls=tf.data.AUTOTUNE)
val_dataset = val_dataset.map(vectorize_text, num_parallel_calls=tf.data.AUTOTUNE)

train_dataset = (
    train_dataset.cache()
    .shuffle(BUFFER_SIZE)
    .batch(BATCH_SIZE)
    .prefetch(tf.data.AUTOTUNE)
)
val_dataset = val_dataset.cache().batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)
sample_inputs, sample_targets = next(iter(val_dataset))
RESULT["decoder_input_width"] = float(sample_inputs["decoder_inputs"].shape[1])
# the target is the decoder's input moved one token left
RESULT["shifted_gap"] = float(np.max(np.abs(
    np.asarray(sample_inputs["decoder_inputs"])[:, 1:]
    - np.asarray(sample_targets)[:, :-1])))


class FNetEncoder(layers.Layer):
    def __init__(self, embed_dim, dense_dim, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim = embed_dim
        self.dense_dim = dense_dim
        self.dense_proj = keras.Sequential(
            [
                layers.Dense(dense_dim, activation="relu"),
                layers.Dense(embed_dim),
            ]
        )
        self.layernorm_1 = layers.LayerNormalization()
        self.layernorm_2 = layers.LayerNormalization()

    def call(self, inputs):
        fft_real, _ = ops.fft2((inputs, ops.zeros_like(inputs)))
        fft = fft_real
        proj_input = self.layernorm_1(inputs + fft)
        proj_output = self.dense_proj(proj_input)
        return self.layernorm_2(proj_input + proj_output)


probe = rng.normal(size=(2, 5, 4)).astype("float32")
fft_real, fft_imag = ops.fft2((probe, ops.zeros_like(probe)))
fft_real, fft_imag = ops.convert_to_numpy(fft_real), ops.convert_to_numpy(fft_imag)
RESULT["fft2_real_gap"] = float(np.max(np.abs(fft_real - np.fft.fft2(probe).real)))
RESULT["fft2_imag_gap"] = float(np.max(np.abs(fft_imag - np.fft.fft2(probe).imag)))
RESULT["fft2_is_float32"] = float(fft_real.dtype == np.float32)
complex_probe = ops.convert_to_numpy(ops.real(np.fft.fft2(probe).astype("complex64")))
RESULT["real_gap"] = float(np.max(np.abs(complex_probe - fft_real)))


class PositionalEmbedding(layers.Layer):
    def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_embeddings = layers.Embedding(
            input_dim=vocab_size, output_dim=embed_dim
        )
        self.position_embeddings = layers.Embedding(
            input_dim=sequence_length, output_dim=embed_dim
        )
        self.sequence_length = sequence_length
        self.vocab_size = vocab_size
        self.embed_dim = embed_dim

    def call(self, inputs):
        length = ops.shape(inputs)[-1]
        positions = ops.arange(start=0, stop=length, step=1)
        embedded_tokens = self.token_embeddings(inputs)
        embedded_positions = self.position_embeddings(positions)
        return embedded_tokens + embedded_positions

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)


MASK_SEEN = []


class FNetDecoder(layers.Layer):
    def __init__(self, embed_dim, latent_dim, num_heads, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim = embed_dim
        self.latent_dim = latent_dim
        self.num_heads = num_heads
        self.attention_1 = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=embed_dim
        )
        self.attention_2 = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=embed_dim
        )
        self.dense_proj = keras.Sequential(
            [
                layers.Dense(latent_dim, activation="relu"),
                layers.Dense(embed_dim),
            ]
        )
        self.layernorm_1 = layers.LayerNormalization()
        self.layernorm_2 = layers.LayerNormalization()
        self.layernorm_3 = layers.LayerNormalization()
        self.supports_masking = True

    def call(self, inputs, encoder_outputs, mask=None):
        causal_mask = self.get_causal_attention_mask(inputs)
        MASK_SEEN.append(mask is not None)
        padding_mask = causal_mask  # Keras 3 passes no mask to a call of two tensors
        if mask is not None:
            padding_mask = ops.cast(mask[:, None, :], dtype="int32")
            padding_mask = ops.minimum(padding_mask, causal_mask)

        attention_output_1 = self.attention_1(
            query=inputs, value=inputs, key=inputs, attention_mask=causal_mask
        )
        out_1 = self.layernorm_1(inputs + attention_output_1)

        attention_output_2 = self.attention_2(
            query=out_1,
            value=encoder_outputs,
            key=encoder_outputs,
            attention_mask=padding_mask,
        )
        out_2 = self.layernorm_2(out_1 + attention_output_2)

        proj_output = self.dense_proj(out_2)
        return self.layernorm_3(out_2 + proj_output)

    def get_causal_attention_mask(self, inputs):
        input_shape = ops.shape(inputs)
        batch_size, sequence_length = input_shape[0], input_shape[1]
        i = ops.arange(sequence_length)[:, None]
        j = ops.arange(sequence_length)
        mask = ops.cast(i >= j, dtype="int32")
        mask = ops.reshape(mask, (1, input_shape[1], input_shape[1]))
        return ops.broadcast_to(mask, (batch_size, sequence_length, sequence_length))


causal = ops.convert_to_numpy(
    FNetDecoder(8, 8, 1).get_causal_attention_mask(ops.zeros((3, 4, 8))))
RESULT["causal_mask_sum"] = float(causal.sum())  # 3 copies of 1 + 2 + 3 + 4


def create_model():
    encoder_inputs = keras.Input(shape=(None,), dtype="int32", name="encoder_inputs")
    x = PositionalEmbedding(MAX_LENGTH, VOCAB_SIZE, EMBED_DIM)(encoder_inputs)
    encoder_outputs = FNetEncoder(EMBED_DIM, LATENT_DIM)(x)
    encoder = keras.Model(encoder_inputs, encoder_outputs)
    decoder_inputs = keras.Input(shape=(None,), dtype="int32", name="decoder_inputs")
    encoded_seq_inputs = keras.Input(
        shape=(None, EMBED_DIM), name="decoder_state_inputs"
    )
    x = PositionalEmbedding(MAX_LENGTH, VOCAB_SIZE, EMBED_DIM)(decoder_inputs)
    x = FNetDecoder(EMBED_DIM, LATENT_DIM, NUM_HEADS)(x, encoded_seq_inputs)
    x = layers.Dropout(0.5)(x)
    decoder_outputs = layers.Dense(VOCAB_SIZE, activation="softmax")(x)
    decoder = keras.Model(
        [decoder_inputs, encoded_seq_inputs], decoder_outputs, name="outputs"
    )
    decoder_outputs = decoder([decoder_inputs, encoder_outputs])
    fnet = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs, name="fnet")
    return fnet, encoder


fnet, encoder = create_model()
RESULT["encoder_params"] = float(encoder.count_params())
RESULT["decoder_got_mask"] = float(MASK_SEEN[-1])
fnet.compile("adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

history = fnet.fit(train_dataset, epochs=12, validation_data=val_dataset, verbose=0)
RESULT["loss_0"] = history.history["loss"][0]
RESULT["loss_last"] = history.history["loss"][-1]
RESULT["val_accuracy_last"] = history.history["val_accuracy"][-1]


def decode_sentence(input_sentence):
    tokenized_input_sentence = vectorizer(
        tf.constant("[start] " + preprocess_text(input_sentence) + " [end]")
    )
    tokenized_target_sentence = tf.expand_dims(VOCAB.index("[start]"), 0)
    decoded_sentence = ""

    for i in range(MAX_LENGTH):
        predictions = fnet.predict(
            {
                "encoder_inputs": tf.expand_dims(tokenized_input_sentence, 0),
                "decoder_inputs": tf.expand_dims(
                    tf.pad(
                        tokenized_target_sentence,
                        [[0, MAX_LENGTH - tf.shape(tokenized_target_sentence)[0]]],
                    ),
                    0,
                ),
            },
            verbose=0,
        )
        sampled_token_index = tf.argmax(predictions[0, i, :])
        sampled_token = VOCAB[sampled_token_index.numpy()]
        if tf.equal(sampled_token_index, VOCAB.index("[end]")):
            break
        decoded_sentence += sampled_token + " "
        tokenized_target_sentence = tf.concat(
            [tokenized_target_sentence, [sampled_token_index]], 0
        )

    return decoded_sentence


decoded = [decode_sentence(q) for q in questions[384:392]]
expected = [a.replace(".", " .") + " " for a in answers[384:392]]
RESULT["decoded_strings"] = float(all(isinstance(d, str) for d in decoded))
RESULT["decoded_exact"] = float(np.mean([d == e for d, e in zip(decoded, expected)]))
RESULT["decoded_word_overlap"] = float(np.mean(
    [len(set(d.split()) & set(e.split())) / len(set(e.split())) for d, e in zip(decoded, expected)]
))
print(decoded[:2], expected[:2])
print(RESULT)
