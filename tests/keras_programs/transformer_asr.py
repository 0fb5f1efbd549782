"""After the keras.io example "Automatic Speech Recognition with Transformer": short synthetic
"utterances" (each letter of a word a tone of its own) turned into normalized spectrograms by
a tf.data map (tf.signal.stft, tf.math.pow of tf.abs, reduce_mean / reduce_std, tf.pad),
zipped with the VectorizeChar targets and mapped to {"source", "target"} dicts; a Transformer
(a keras.Model) of a SpeechFeatureEmbedding (three Conv1D with strides 2), TransformerEncoder
layers in a Sequential, a TransformerDecoder with a causal attention mask built with tf.range,
tf.reshape, tf.concat and tf.tile, layers set with setattr and found with getattr, a metrics
property of one Mean tracker, a train_step with teacher forcing under tf.GradientTape and
compute_loss(None, one_hot, preds, sample_weight=mask), a test_step, and greedy decoding in
generate; a DisplayOutputs callback decoding a validation batch every few epochs; a
CustomSchedule of linear warm-up and decay; CategoricalCrossentropy(from_logits=True,
label_smoothing=0.1). The weights start from a NumPy draw, so the losses follow Keras's.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers


class TokenEmbedding(layers.Layer):
    def __init__(self, num_vocab=1000, maxlen=100, num_hid=64):
        super().__init__()
        self.emb = keras.layers.Embedding(num_vocab, num_hid)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=num_hid)

    def call(self, x):
        maxlen = tf.shape(x)[-1]
        x = self.emb(x)
        positions = tf.range(start=0, limit=maxlen, delta=1)
        positions = self.pos_emb(positions)
        return x + positions


class SpeechFeatureEmbedding(layers.Layer):
    def __init__(self, num_hid=64, maxlen=100):
        super().__init__()
        self.conv1 = keras.layers.Conv1D(num_hid, 11, strides=2, padding="same",
                                         activation="relu")
        self.conv2 = keras.layers.Conv1D(num_hid, 11, strides=2, padding="same",
                                         activation="relu")
        self.conv3 = keras.layers.Conv1D(num_hid, 11, strides=2, padding="same",
                                         activation="relu")

    def call(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        return self.conv3(x)


class TransformerEncoder(layers.Layer):
    def __init__(self, embed_dim, num_heads, feed_forward_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential(
            [
                layers.Dense(feed_forward_dim, activation="relu"),
                layers.Dense(embed_dim),
            ]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


class TransformerDecoder(layers.Layer):
    def __init__(self, embed_dim, num_heads, feed_forward_dim, dropout_rate=0.1):
        super().__init__()
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm3 = layers.LayerNormalization(epsilon=1e-6)
        self.self_att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.enc_att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.self_dropout = layers.Dropout(0.5)
        self.enc_dropout = layers.Dropout(0.1)
        self.ffn_dropout = layers.Dropout(0.1)
        self.ffn = keras.Sequential(
            [
                layers.Dense(feed_forward_dim, activation="relu"),
                layers.Dense(embed_dim),
            ]
        )

    def causal_attention_mask(self, batch_size, n_dest, n_src, dtype):
        """1's in the lower triangle, counting from the lower right corner."""
        i = tf.range(n_dest)[:, None]
        j = tf.range(n_src)
        m = i >= j - n_src + n_dest
        mask = tf.cast(m, dtype)
        mask = tf.reshape(mask, [1, n_dest, n_src])
        mult = tf.concat(
            [tf.expand_dims(batch_size, -1), tf.constant([1, 1], dtype=tf.int32)], 0
        )
        return tf.tile(mask, mult)

    def call(self, enc_out, target):
        input_shape = tf.shape(target)
        batch_size = input_shape[0]
        seq_len = input_shape[1]
        causal_mask = self.causal_attention_mask(batch_size, seq_len, seq_len, tf.bool)
        target_att = self.self_att(target, target, attention_mask=causal_mask)
        target_norm = self.layernorm1(target + self.self_dropout(target_att))
        enc_out = self.enc_att(target_norm, enc_out)
        enc_out_norm = self.layernorm2(self.enc_dropout(enc_out) + target_norm)
        ffn_out = self.ffn(enc_out_norm)
        ffn_out_norm = self.layernorm3(enc_out_norm + self.ffn_dropout(ffn_out))
        return ffn_out_norm


class Transformer(keras.Model):
    def __init__(self, num_hid=64, num_head=2, num_feed_forward=128, source_maxlen=100,
                 target_maxlen=100, num_layers_enc=4, num_layers_dec=1, num_classes=10):
        super().__init__()
        self.loss_metric = keras.metrics.Mean(name="loss")
        self.num_layers_enc = num_layers_enc
        self.num_layers_dec = num_layers_dec
        self.target_maxlen = target_maxlen
        self.num_classes = num_classes

        self.enc_input = SpeechFeatureEmbedding(num_hid=num_hid, maxlen=source_maxlen)
        self.dec_input = TokenEmbedding(num_vocab=num_classes, maxlen=target_maxlen,
                                        num_hid=num_hid)
        self.encoder = keras.Sequential(
            [self.enc_input]
            + [
                TransformerEncoder(num_hid, num_head, num_feed_forward)
                for _ in range(num_layers_enc)
            ]
        )
        for i in range(num_layers_dec):
            setattr(self, f"dec_layer_{i}",
                    TransformerDecoder(num_hid, num_head, num_feed_forward))
        self.classifier = layers.Dense(num_classes)

    def decode(self, enc_out, target):
        y = self.dec_input(target)
        for i in range(self.num_layers_dec):
            y = getattr(self, f"dec_layer_{i}")(enc_out, y)
        return y

    def call(self, inputs):
        source = inputs[0]
        target = inputs[1]
        x = self.encoder(source)
        y = self.decode(x, target)
        return self.classifier(y)

    @property
    def metrics(self):
        return [self.loss_metric]

    def train_step(self, batch):
        """Processes one batch inside model.fit()."""
        source = batch["source"]
        target = batch["target"]
        dec_input = target[:, :-1]
        dec_target = target[:, 1:]
        with tf.GradientTape() as tape:
            preds = self([source, dec_input])
            one_hot = tf.one_hot(dec_target, depth=self.num_classes)
            mask = tf.math.logical_not(tf.math.equal(dec_target, 0))
            loss = self.compute_loss(None, one_hot, preds, sample_weight=mask)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.loss_metric.update_state(loss)
        return {"loss": self.loss_metric.result()}

    def test_step(self, batch):
        source = batch["source"]
        target = batch["target"]
        dec_input = target[:, :-1]
        dec_target = target[:, 1:]
        preds = self([source, dec_input])
        one_hot = tf.one_hot(dec_target, depth=self.num_classes)
        mask = tf.math.logical_not(tf.math.equal(dec_target, 0))
        loss = self.compute_loss(None, one_hot, preds, sample_weight=mask)
        self.loss_metric.update_state(loss)
        return {"loss": self.loss_metric.result()}

    def generate(self, source, target_start_token_idx):
        """Performs inference over one batch of inputs using greedy decoding."""
        bs = tf.shape(source)[0]
        enc = self.encoder(source)
        dec_input = tf.ones((bs, 1), dtype=tf.int32) * target_start_token_idx
        dec_logits = []
        for _ in range(self.target_maxlen - 1):
            dec_out = self.decode(enc, dec_input)
            logits = self.classifier(dec_out)
            logits = tf.argmax(logits, axis=-1, output_type=tf.int32)
            last_logit = tf.expand_dims(logits[:, -1], axis=-1)
            dec_logits.append(last_logit)
            dec_input = tf.concat([dec_input, last_logit], axis=-1)
        return dec_input


class VectorizeChar:
    def __init__(self, max_len=50):
        self.vocab = (
            ["-", "#", "<", ">"]
            + [chr(i + 96) for i in range(1, 27)]
            + [" ", ".", ",", "?"]
        )
        self.max_len = max_len
        self.char_to_idx = {}
        for i, ch in enumerate(self.vocab):
            self.char_to_idx[ch] = i

    def __call__(self, text):
        text = text.lower()
        text = text[: self.max_len - 2]
        text = "<" + text + ">"
        pad_len = self.max_len - len(text)
        return [self.char_to_idx.get(ch, 1) for ch in text] + [0] * pad_len

    def get_vocabulary(self):
        return self.vocab


# the data: each letter a tone of its own, 96 samples long, at 1 kHz, then a little silence
SAMPLE_RATE = 1000
words = ["cat", "dog", "sun", "sea", "ice", "ant", "cod", "tin"]
letters = sorted(set("".join(words)))
tone = {letter: 40.0 + 38.0 * k for k, letter in enumerate(letters)}
rng = np.random.default_rng(9)


def utterance(word):
    t = np.arange(96) / SAMPLE_RATE
    wave = np.concatenate([np.sin(2 * np.pi * tone[ch] * t) for ch in word]
                          + [np.zeros(384 - 96 * len(word))])
    return (wave + rng.normal(0, 0.05, wave.shape)).astype("float32")


texts = [str(rng.choice(words)) for _ in range(112)]
data = [{"audio": utterance(text), "text": text} for text in texts]

max_target_len = 6
vectorizer = VectorizeChar(max_target_len)
pad_len = 24


def create_text_ds(data):
    texts = [_["text"] for _ in data]
    text_ds = [vectorizer(t) for t in texts]
    text_ds = tf.data.Dataset.from_tensor_slices(text_ds)
    return text_ds


def path_to_audio(audio):
    # spectrogram using stft
    stfts = tf.signal.stft(audio, frame_length=32, frame_step=16, fft_length=32)
    x = tf.math.pow(tf.abs(stfts), 0.5)
    # normalisation
    means = tf.math.reduce_mean(x, 1, keepdims=True)
    stddevs = tf.math.reduce_std(x, 1, keepdims=True)
    x = (x - means) / stddevs
    paddings = tf.constant([[0, pad_len], [0, 0]])
    x = tf.pad(x, paddings, "CONSTANT")[:pad_len, :]
    return x


def create_audio_ds(data):
    waves = np.stack([_["audio"] for _ in data])
    audio_ds = tf.data.Dataset.from_tensor_slices(waves)
    audio_ds = audio_ds.map(path_to_audio, num_parallel_calls=tf.data.AUTOTUNE)
    return audio_ds


def create_tf_dataset(data, bs=4):
    audio_ds = create_audio_ds(data)
    text_ds = create_text_ds(data)
    ds = tf.data.Dataset.zip((audio_ds, text_ds))
    ds = ds.map(lambda x, y: {"source": x, "target": y})
    ds = ds.batch(bs)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    return ds


split = 96
train_data = data[:split]
test_data = data[split:]
ds = create_tf_dataset(train_data, bs=16)
val_ds = create_tf_dataset(test_data, bs=8)


class DisplayOutputs(keras.callbacks.Callback):
    def __init__(self, batch, idx_to_token, target_start_token_idx=27,
                 target_end_token_idx=28):
        self.batch = batch
        self.target_start_token_idx = target_start_token_idx
        self.target_end_token_idx = target_end_token_idx
        self.idx_to_char = idx_to_token
        self.correct = []

    def on_epoch_end(self, epoch, logs=None):
        if epoch % 4 != 0:
            return
        source = self.batch["source"]
        target = self.batch["target"].numpy()
        bs = tf.shape(source)[0]
        preds = self.model.generate(source, self.target_start_token_idx)
        preds = preds.numpy()
        correct = 0
        for i in range(bs):
            target_text = "".join([self.idx_to_char[_] for _ in target[i, :]])
            prediction = ""
            for idx in preds[i, :]:
                prediction += self.idx_to_char[idx]
                if idx == self.target_end_token_idx:
                    break
            print(f"target:     {target_text.replace('-', '')}")
            print(f"prediction: {prediction}\n")
            correct += int(prediction == target_text.replace("-", ""))
        self.correct.append(correct)


class CustomSchedule(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, init_lr=0.00001, lr_after_warmup=0.001, final_lr=0.00001,
                 warmup_epochs=15, decay_epochs=85, steps_per_epoch=203):
        super().__init__()
        self.init_lr = init_lr
        self.lr_after_warmup = lr_after_warmup
        self.final_lr = final_lr
        self.warmup_epochs = warmup_epochs
        self.decay_epochs = decay_epochs
        self.steps_per_epoch = steps_per_epoch

    def calculate_lr(self, epoch):
        """linear warm up - linear decay"""
        warmup_lr = (
            self.init_lr
            + ((self.lr_after_warmup - self.init_lr) / (self.warmup_epochs - 1)) * epoch
        )
        decay_lr = tf.math.maximum(
            self.final_lr,
            self.lr_after_warmup
            - (epoch - self.warmup_epochs)
            * (self.lr_after_warmup - self.final_lr)
            / self.decay_epochs,
        )
        return tf.math.minimum(warmup_lr, decay_lr)

    def __call__(self, step):
        epoch = step // self.steps_per_epoch
        epoch = tf.cast(epoch, "float32")
        return self.calculate_lr(epoch)


batch = next(iter(val_ds))
idx_to_char = vectorizer.get_vocabulary()
display_cb = DisplayOutputs(batch, idx_to_char, target_start_token_idx=2,
                            target_end_token_idx=3)

model = Transformer(
    num_hid=32,
    num_head=2,
    num_feed_forward=64,
    target_maxlen=max_target_len,
    num_layers_enc=1,
    num_layers_dec=1,
    num_classes=34,
)
model([batch["source"], batch["target"][:, :-1]])
draw = np.random.default_rng(0)
model.set_weights([draw.normal(0, 0.15, w.shape).astype("float32")
                   for w in model.get_weights()])
loss_fn = keras.losses.CategoricalCrossentropy(
    from_logits=True,
    label_smoothing=0.1,
)
learning_rate = CustomSchedule(
    init_lr=0.001,
    lr_after_warmup=0.01,
    final_lr=0.001,
    warmup_epochs=3,
    decay_epochs=10,
    steps_per_epoch=len(ds),
)
optimizer = keras.optimizers.Adam(learning_rate)
model.compile(optimizer=optimizer, loss=loss_fn)
history = model.fit(ds, validation_data=val_ds, callbacks=[display_cb], epochs=9,
                    verbose=0)
mask = tf.math.logical_not(tf.math.equal(tf.constant([[3, 0], [0, 5]]), 0))
schedule = [float(learning_rate(step)) for step in (0, 6, 12, 18, 60)]

RESULT = {
    "vocab_size": float(len(vectorizer.get_vocabulary())),
    "source_frames": float(batch["source"].shape[1]),
    "source_bins": float(batch["source"].shape[2]),
    "target_length": float(batch["target"].shape[1]),
    "steps_per_epoch": float(len(ds)),
    "metrics_count": float(len(model.metrics)),
    "history_keys": float(len(history.history)),
    "mask_sum": float(np.sum(np.asarray(mask))),
    **{f"lr_{i}": value for i, value in enumerate(schedule)},
    **{f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])},
    "val_loss_first": float(history.history["val_loss"][0]),
    "val_loss_last": float(history.history["val_loss"][-1]),
    "displays": float(len(display_cb.correct)),
    "decoded_first": float(display_cb.correct[0]),
    "decoded_last": float(display_cb.correct[-1]),
}
print(RESULT)
