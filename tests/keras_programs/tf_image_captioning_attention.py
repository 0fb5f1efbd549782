"""After the TensorFlow tutorial "Image captioning with visual attention" (its first version,
reduced): image features from a frozen CNN (here given: 16 locations of 8 features per image)
cached and paired with integer captions in tf.data; a CNN_Encoder model (Dense + tf.nn.relu),
BahdanauAttention as a tf.keras.Model (W1, W2, V; tf.nn.tanh, tf.nn.softmax over the
locations, the context by tf.reduce_sum), an RNN_Decoder model (Embedding, the context
concatenated to the embedded word with tf.expand_dims and tf.concat, a GRU with
return_sequences and return_state, Dense layers, tf.reshape) with reset_state; a masked loss
(SparseCategoricalCrossentropy(from_logits=True, reduction="none"), tf.math.logical_not of
tf.math.equal(real, 0)); a @tf.function train_step of teacher forcing under tf.GradientTape
over both models' trainable variables; a tf.train.Checkpoint with a CheckpointManager; and
greedy captioning by tf.argmax with the attention plot's weights kept.

The captions are synthetic: each image's features hold three "objects", and its caption names
them in order between <start> and <end>, padded with 0; the vocabulary is 12 words. Both
models' weights are a NumPy draw and the batches are unshuffled, so the loss before training is
TensorFlow's; the training's losses follow TensorFlow's loosely only: Keras on TensorFlow's
Adam squares the Embedding's sparse gradient slice by slice before summing the repeated
words (<start> in every row), where the dense gradient (Keras on JAX, numnet) squares the sum.
"""

import os

import numpy as np

import numnet as tf

rng = np.random.default_rng(4)

BATCH_SIZE = 8
embedding_dim = 16
units = 16
vocab_size = 12
max_length = 6
attention_features_shape = 16
features_shape = 8
EPOCHS = 20

# words: 0 <pad>, 1 <start>, 2 <end>, 3 <unk>, 4.. 11 the objects
index_to_word = ["<pad>", "<start>", "<end>", "<unk>"] + [f"obj{i}" for i in range(8)]


def word_to_index(word):
    return index_to_word.index(word)


num_images = 48
objects = np.stack([rng.choice(8, 3, replace=False) for _ in range(num_images)])
img_features = rng.normal(0.0, 0.3, (num_images, attention_features_shape, features_shape))
for image, names in zip(img_features, objects, strict=True):
    for slot, name in enumerate(names):
        image[slot * 5, name] += 3.0  # the object's feature at its location
img_features = img_features.astype(np.float32)
captions = np.zeros((num_images, max_length), dtype=np.int64)
captions[:, 0] = word_to_index("<start>")
captions[:, 1:4] = objects + 4
captions[:, 4] = word_to_index("<end>")

dataset = tf.data.Dataset.from_tensor_slices((img_features, captions))
dataset = dataset.batch(BATCH_SIZE).prefetch(buffer_size=tf.data.AUTOTUNE)
num_steps = num_images // BATCH_SIZE


class BahdanauAttention(tf.keras.Model):
    def __init__(self, units):
        super().__init__()
        self.W1 = tf.keras.layers.Dense(units)
        self.W2 = tf.keras.layers.Dense(units)
        self.V = tf.keras.layers.Dense(1)

    def call(self, features, hidden):
        # features(CNN_encoder output) shape == (batch_size, 16, embedding_dim)
        # hidden shape == (batch_size, hidden_size)
        hidden_with_time_axis = tf.expand_dims(hidden, 1)

        # attention_hidden_layer shape == (batch_size, 16, units)
        attention_hidden_layer = tf.nn.tanh(self.W1(features) + self.W2(hidden_with_time_axis))

        # score shape == (batch_size, 16, 1)
        score = self.V(attention_hidden_layer)

        # attention_weights shape == (batch_size, 16, 1)
        attention_weights = tf.nn.softmax(score, axis=1)

        # context_vector shape after sum == (batch_size, hidden_size)
        context_vector = attention_weights * features
        context_vector = tf.reduce_sum(context_vector, axis=1)

        return context_vector, attention_weights


class CNN_Encoder(tf.keras.Model):
    # Since the features are already extracted and cached, this encoder passes them through
    # a fully connected layer
    def __init__(self, embedding_dim):
        super().__init__()
        # shape after fc == (batch_size, 16, embedding_dim)
        self.fc = tf.keras.layers.Dense(embedding_dim)

    def call(self, x):
        x = self.fc(x)
        x = tf.nn.relu(x)
        return x


class RNN_Decoder(tf.keras.Model):
    def __init__(self, embedding_dim, units, vocab_size):
        super().__init__()
        self.units = units

        self.embedding = tf.keras.layers.Embedding(vocab_size, embedding_dim)
        self.gru = tf.keras.layers.GRU(self.units, return_sequences=True, return_state=True,
                                       recurrent_initializer="glorot_uniform")
        self.fc1 = tf.keras.layers.Dense(self.units)
        self.fc2 = tf.keras.layers.Dense(vocab_size)

        self.attention = BahdanauAttention(self.units)

    def call(self, x, features, hidden):
        # defining attention as a separate model
        context_vector, attention_weights = self.attention(features, hidden)

        # x shape after passing through embedding == (batch_size, 1, embedding_dim)
        x = self.embedding(x)

        # x shape after concatenation == (batch_size, 1, embedding_dim + hidden_size)
        x = tf.concat([tf.expand_dims(context_vector, 1), x], axis=-1)

        # passing the concatenated vector to the GRU
        output, state = self.gru(x)

        # shape == (batch_size, max_length, hidden_size)
        x = self.fc1(output)

        # x shape == (batch_size * max_length, hidden_size)
        x = tf.reshape(x, (-1, x.shape[2]))

        # output shape == (batch_size * max_length, vocab)
        x = self.fc2(x)

        return x, state, attention_weights

    def reset_state(self, batch_size):
        return tf.zeros((batch_size, self.units))


encoder = CNN_Encoder(embedding_dim)
decoder = RNN_Decoder(embedding_dim, units, vocab_size)

# Build both models with one call, then give them weights drawn with NumPy.
sample_features = encoder(img_features[:1])
decoder(tf.expand_dims([word_to_index("<start>")], 1), sample_features, decoder.reset_state(1))
for model in (encoder, decoder):
    model.set_weights([rng.normal(0.0, 0.3, w.shape).astype(np.float32)
                       for w in model.get_weights()])

optimizer = tf.keras.optimizers.Adam(learning_rate=0.01)
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")


def loss_function(real, pred):
    mask = tf.math.logical_not(tf.math.equal(real, 0))
    loss_ = loss_object(real, pred)

    mask = tf.cast(mask, dtype=loss_.dtype)
    loss_ *= mask

    return tf.reduce_mean(loss_)


checkpoint_path = "./checkpoints/train"
ckpt = tf.train.Checkpoint(encoder=encoder, decoder=decoder, optimizer=optimizer)
ckpt_manager = tf.train.CheckpointManager(ckpt, checkpoint_path, max_to_keep=5)

start_epoch = 0
if ckpt_manager.latest_checkpoint:
    start_epoch = int(ckpt_manager.latest_checkpoint.split("-")[-1])

loss_plot = []
first_batch_losses = []


@tf.function
def train_step(img_tensor, target):
    loss = 0

    # initializing the hidden state for each batch
    # because the captions are not related from image to image
    hidden = decoder.reset_state(batch_size=target.shape[0])

    dec_input = tf.expand_dims([word_to_index("<start>")] * target.shape[0], 1)

    with tf.GradientTape() as tape:
        features = encoder(img_tensor)

        for i in range(1, target.shape[1]):
            # passing the features through the decoder
            predictions, hidden, _ = decoder(dec_input, features, hidden)

            loss += loss_function(target[:, i], predictions)

            # using teacher forcing
            dec_input = tf.expand_dims(target[:, i], 1)

    total_loss = loss / int(target.shape[1])

    trainable_variables = encoder.trainable_variables + decoder.trainable_variables

    gradients = tape.gradient(loss, trainable_variables)

    optimizer.apply_gradients(zip(gradients, trainable_variables))

    return loss, total_loss


# the first batch's loss before training (the train_step's loop, without the update)
first_images, first_target = next(iter(dataset))
hidden = decoder.reset_state(batch_size=BATCH_SIZE)
dec_input = tf.expand_dims([word_to_index("<start>")] * BATCH_SIZE, 1)
features = encoder(first_images)
initial_loss = 0.0
for i in range(1, max_length):
    predictions, hidden, _ = decoder(dec_input, features, hidden)
    initial_loss += float(loss_function(first_target[:, i], predictions))
    dec_input = tf.expand_dims(first_target[:, i], 1)

for epoch in range(start_epoch, EPOCHS):
    total_loss = 0

    for batch, (img_tensor, target) in enumerate(dataset):
        batch_loss, t_loss = train_step(img_tensor, target)
        total_loss += t_loss

        if batch % 100 == 0:
            average_batch_loss = float(batch_loss) / int(target.shape[1])
            first_batch_losses.append(average_batch_loss)

    # storing the epoch end loss value to plot later
    loss_plot.append(float(total_loss / num_steps))

    if epoch % 5 == 0:
        ckpt_manager.save()


def evaluate(image_features):
    attention_plot = np.zeros((max_length, attention_features_shape))

    hidden = decoder.reset_state(batch_size=1)
    features = encoder(tf.expand_dims(image_features, 0))

    dec_input = tf.expand_dims([word_to_index("<start>")], 0)
    result = []

    for i in range(max_length):
        predictions, hidden, attention_weights = decoder(dec_input, features, hidden)

        attention_plot[i] = tf.reshape(attention_weights, (-1,)).numpy()

        predicted_id = int(tf.argmax(predictions[0]))
        predicted_word = index_to_word[predicted_id]
        if predicted_word == "<end>":
            return result, attention_plot
        result.append(predicted_word)

        dec_input = tf.expand_dims([predicted_id], 0)

    attention_plot = attention_plot[: len(result), :]
    return result, attention_plot


correct_words = 0
for image, names in zip(img_features[:8], objects[:8], strict=True):
    result, attention_plot = evaluate(image)
    expected = [index_to_word[name + 4] for name in names]
    correct_words += sum(word == want for word, want in zip(result, expected, strict=False))

# a fresh pair of models restored from the latest checkpoint gives the same predictions
restored_encoder = CNN_Encoder(embedding_dim)
restored_decoder = RNN_Decoder(embedding_dim, units, vocab_size)
restored_features = restored_encoder(img_features[:1])
restored_decoder(tf.expand_dims([word_to_index("<start>")], 1), restored_features,
                 restored_decoder.reset_state(1))
tf.train.Checkpoint(encoder=restored_encoder, decoder=restored_decoder).restore(
    ckpt_manager.latest_checkpoint).expect_partial()
start = tf.expand_dims([word_to_index("<start>")], 1)
after_restore = restored_decoder(start, restored_encoder(img_features[:1]),
                                 restored_decoder.reset_state(1))[0]
# (the tutorial reads this number as the epoch to resume from; it counts the saves)
save_counter = int(ckpt_manager.latest_checkpoint.split("-")[-1])

RESULT = {
    "encoder_weights": float(len(encoder.weights)),
    "decoder_weights": float(len(decoder.weights)),
    "decoder_params": float(decoder.count_params()),
    "initial_loss": initial_loss / max_length,
    **{f"loss_{epoch}": value for epoch, value in enumerate(loss_plot)},
    "checkpoints": float(len(ckpt_manager.checkpoints)),
    "save_counter": float(save_counter),
    "first_batch_loss_last": first_batch_losses[-1],
    "restored_logit_sum": float(np.sum(after_restore)),
    "attention_rows": float(len(attention_plot)),
    "correct_words": float(correct_words),
    "checkpoint_files": float(len(os.listdir("checkpoints/train")) > 0),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
