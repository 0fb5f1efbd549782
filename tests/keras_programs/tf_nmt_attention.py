"""After the TensorFlow tutorial "Neural machine translation with attention": two
TextVectorization layers (ragged=True) with the tutorial's standardize function
(tf.strings.lower, regex_replace, strip, join with [START] and [END]) adapted on a tf.data
pipeline of sentence pairs and mapped into ((context, target_in), target_out) by slicing the
ragged tokens and .to_tensor(); an Encoder layer (Embedding(mask_zero=True), Bidirectional GRU
with merge_mode="sum"), a CrossAttention layer (MultiHeadAttention with
return_attention_scores, Add, LayerNormalization), a Decoder layer with methods added by a
classmethod decorator (StringLookup forward and inverted, a GRU returning its state,
get_initial_state, get_next_token with tf.argmax, tf.where and a done flag, tokens_to_text with
tf.strings.reduce_join and regex_replace), a Translator model trained by fit with the
tutorial's masked_loss and masked_acc functions and EarlyStopping; then translate() by a
Python loop that stops when every row is done, an export module with a tf.function of a
string TensorSpec signature, and the dynamic translate() that writes a tf.TensorArray in a
loop over tf.range.

The "language" is a small synthetic one: each source word has one target word, in the same
order. The weights start from a NumPy draw and the batches are not shuffled, so the first
evaluation compares exactly with TensorFlow's; the training then drifts a little apart, as
Keras on TensorFlow's Adam updates the Embeddings' IndexedSlices gradients row by row (Keras
on JAX and numnet update the summed rows). Translations end in spaces where the tutorial's
end their rows with padding; they are compared stripped.
"""

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(5)
lexicon = {"el": "the", "gato": "cat", "perro": "dog", "come": "eats", "ve": "sees",
           "pan": "bread", "agua": "water", "rojo": "red", "grande": "big", "nino": "boy",
           "bebe": "drinks", "y": "and"}
source_words = sorted(lexicon)


def make_pair():
    words = list(rng.choice(source_words, size=rng.integers(2, 6)))
    end = "?" if rng.random() < 0.3 else "."
    context = " ".join(words).capitalize() + end
    target = " ".join(lexicon[w] for w in words).capitalize() + end
    return context, target


pairs = [make_pair() for _ in range(320)]
context_raw = np.array([c for c, _ in pairs])
target_raw = np.array([t for _, t in pairs])
is_train = np.arange(len(pairs)) < 256

BATCH_SIZE = 32
train_raw = tf.data.Dataset.from_tensor_slices(
    (context_raw[is_train], target_raw[is_train])).batch(BATCH_SIZE)
val_raw = tf.data.Dataset.from_tensor_slices(
    (context_raw[~is_train], target_raw[~is_train])).batch(BATCH_SIZE)

for example_context_strings, _ in train_raw.take(1):
    RESULT["raw_batch_rows"] = float(example_context_strings.shape[0])


def tf_lower_and_split_punct(text):
    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, "[^ a-z.?!,]", "")
    text = tf.strings.regex_replace(text, "[.?!,]", r" \0 ")
    text = tf.strings.strip(text)
    text = tf.strings.join(["[START]", text, "[END]"], separator=" ")
    return text


example_text = tf.constant("El gato come pan?")
RESULT["standardized_matches"] = float(
    tf_lower_and_split_punct(example_text).numpy().decode() == "[START] el gato come pan ? [END]")

max_vocab_size = 5000
context_text_processor = tf.keras.layers.TextVectorization(
    standardize=tf_lower_and_split_punct, max_tokens=max_vocab_size, ragged=True)
context_text_processor.adapt(train_raw.map(lambda context, target: context))
target_text_processor = tf.keras.layers.TextVectorization(
    standardize=tf_lower_and_split_punct, max_tokens=max_vocab_size, ragged=True)
target_text_processor.adapt(train_raw.map(lambda context, target: target))
context_vocab = context_text_processor.get_vocabulary()
RESULT["context_vocab"] = float(len(context_vocab))
RESULT["target_vocab"] = float(target_text_processor.vocabulary_size())
RESULT["vocab_head_ok"] = float(context_vocab[:4] == ["", "[UNK]", "[START]", "[END]"]
                                or context_vocab[:2] == ["", "[UNK]"])

example_tokens = context_text_processor(example_context_strings)
RESULT["ragged_first_row"] = float(len(example_tokens[0]))
context_vocab_array = np.array(context_vocab)
tokens = context_vocab_array[example_tokens[0].numpy()]
RESULT["round_trip_ok"] = float(
    " ".join(tokens) == tf_lower_and_split_punct(example_context_strings[0]).numpy().decode())


def process_text(context, target):
    context = context_text_processor(context).to_tensor()
    target = target_text_processor(target)
    targ_in = target[:, :-1].to_tensor()
    targ_out = target[:, 1:].to_tensor()
    return (context, targ_in), targ_out


train_ds = train_raw.map(process_text, tf.data.AUTOTUNE)
val_ds = val_raw.map(process_text, tf.data.AUTOTUNE)
for (ex_context_tok, ex_tar_in), ex_tar_out in train_ds.take(1):
    following = ex_tar_in.numpy()[:, 1:] != 0  # target_out is target_in one step on
    RESULT["shifted_ok"] = float(np.array_equal(ex_tar_in.numpy()[:, 1:][following],
                                                ex_tar_out.numpy()[:, :-1][following]))
    RESULT["context_is_int64"] = float(ex_context_tok.dtype == tf.int64)

UNITS = 16


class Encoder(tf.keras.layers.Layer):
    def __init__(self, text_processor, units):
        super().__init__()
        self.text_processor = text_processor
        self.vocab_size = text_processor.vocabulary_size()
        self.units = units
        # The embedding layer converts tokens to vectors
        self.embedding = tf.keras.layers.Embedding(self.vocab_size, units, mask_zero=True)
        # The RNN layer processes those vectors sequentially.
        self.rnn = tf.keras.layers.Bidirectional(
            merge_mode="sum",
            layer=tf.keras.layers.GRU(units, return_sequences=True,
                                      recurrent_initializer="glorot_uniform"))

    def call(self, x):
        x = self.embedding(x)
        x = self.rnn(x)
        return x

    def convert_input(self, texts):
        texts = tf.convert_to_tensor(texts)
        if len(texts.shape) == 0:
            texts = tf.convert_to_tensor(texts)[tf.newaxis]
        context = self.text_processor(texts).to_tensor()
        context = self(context)
        return context


class CrossAttention(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__()
        self.mha = tf.keras.layers.MultiHeadAttention(key_dim=units, num_heads=1, **kwargs)
        self.layernorm = tf.keras.layers.LayerNormalization()
        self.add = tf.keras.layers.Add()

    def call(self, x, context):
        attn_output, attn_scores = self.mha(query=x, value=context,
                                            return_attention_scores=True)
        # Cache the attention scores for plotting later.
        attn_scores = tf.reduce_mean(attn_scores, axis=1)
        self.last_attention_weights = attn_scores
        x = self.add([x, attn_output])
        x = self.layernorm(x)
        return x


encoder = Encoder(context_text_processor, UNITS)
ex_context = encoder(ex_context_tok)
RESULT["encoded_width"] = float(ex_context.shape[-1])
attention_layer = CrossAttention(UNITS)
embed = tf.keras.layers.Embedding(target_text_processor.vocabulary_size(),
                                  output_dim=UNITS, mask_zero=True)
ex_tar_embed = embed(ex_tar_in)
result = attention_layer(ex_tar_embed, ex_context)
RESULT["attention_shape_ok"] = float(
    tuple(attention_layer.last_attention_weights.shape)
    == (ex_tar_in.shape[0], ex_tar_in.shape[1], ex_context_tok.shape[1]))
row_sums = tf.reduce_sum(attention_layer.last_attention_weights, axis=-1).numpy()
RESULT["attention_row_sum_error"] = float(np.max(np.abs(row_sums - 1.0)[ex_tar_in.numpy() != 0]))


class Decoder(tf.keras.layers.Layer):
    @classmethod
    def add_method(cls, fun):
        setattr(cls, fun.__name__, fun)
        return fun

    def __init__(self, text_processor, units):
        super().__init__()
        self.text_processor = text_processor
        self.vocab_size = text_processor.vocabulary_size()
        self.word_to_id = tf.keras.layers.StringLookup(
            vocabulary=text_processor.get_vocabulary(), mask_token="", oov_token="[UNK]")
        self.id_to_word = tf.keras.layers.StringLookup(
            vocabulary=text_processor.get_vocabulary(), mask_token="", oov_token="[UNK]",
            invert=True)
        self.start_token = self.word_to_id("[START]")
        self.end_token = self.word_to_id("[END]")
        self.units = units
        # 1. The embedding layer converts token IDs to vectors
        self.embedding = tf.keras.layers.Embedding(self.vocab_size, units, mask_zero=True)
        # 2. The RNN keeps track of what's been generated so far.
        self.rnn = tf.keras.layers.GRU(units, return_sequences=True, return_state=True,
                                       recurrent_initializer="glorot_uniform")
        # 3. The RNN output will be the query for the attention layer.
        self.attention = CrossAttention(units)
        # 4. This fully connected layer produces the logits for each output token.
        self.output_layer = tf.keras.layers.Dense(self.vocab_size)


@Decoder.add_method
def call(self, context, x, state=None, return_state=False):
    # 1. Lookup the embeddings
    x = self.embedding(x)
    # 2. Process the target sequence.
    x, state = self.rnn(x, initial_state=state)
    # 3. Use the RNN output as the query for the attention over the context.
    x = self.attention(x, context)
    self.last_attention_weights = self.attention.last_attention_weights
    # Step 4. Generate logit predictions for the next token.
    logits = self.output_layer(x)
    if return_state:
        return logits, state
    else:
        return logits


@Decoder.add_method
def get_initial_state(self, context):
    batch_size = tf.shape(context)[0]
    start_tokens = tf.fill([batch_size, 1], self.start_token)
    done = tf.zeros([batch_size, 1], dtype=tf.bool)
    embedded = self.embedding(start_tokens)
    return start_tokens, done, self.rnn.get_initial_state(tf.shape(embedded)[0])[0]


@Decoder.add_method
def tokens_to_text(self, tokens):
    words = self.id_to_word(tokens)
    result = tf.strings.reduce_join(words, axis=-1, separator=" ")
    result = tf.strings.regex_replace(result, r"^ *\[START\] *", "")
    result = tf.strings.regex_replace(result, r" *\[END\] *$", "")
    return result


@Decoder.add_method
def get_next_token(self, context, next_token, done, state, temperature=0.0):
    logits, state = self(context, next_token, state=state, return_state=True)
    if temperature == 0.0:
        next_token = tf.argmax(logits, axis=-1)
    else:
        logits = logits[:, -1, :] / temperature
        next_token = tf.random.categorical(logits, num_samples=1)
    # If a sequence produces an `end_token`, set it `done`
    done = done | (next_token == self.end_token)
    # Once a sequence is done it only produces 0-padding.
    next_token = tf.where(done, tf.constant(0, dtype=tf.int64), next_token)
    return next_token, done, state


decoder = Decoder(target_text_processor, UNITS)
logits = decoder(ex_context, ex_tar_in)
RESULT["logits_shape_ok"] = float(
    tuple(logits.shape) == (ex_tar_in.shape[0], ex_tar_in.shape[1],
                            target_text_processor.vocabulary_size()))
next_token, done, state = decoder.get_initial_state(ex_context)
RESULT["start_token_ok"] = float(np.all(next_token.numpy() == 2))
RESULT["initial_state_sum"] = float(tf.reduce_sum(tf.abs(state)))
tokens = []
for _ in range(3):
    next_token, done, state = decoder.get_next_token(ex_context, next_token, done, state,
                                                     temperature=1.0)
    tokens.append(next_token)
tokens = tf.concat(tokens, axis=-1)
RESULT["sampled_shape_ok"] = float(tuple(tokens.shape) == (ex_tar_in.shape[0], 3))
RESULT["sampled_text_rows"] = float(decoder.tokens_to_text(tokens).shape[0])


class Translator(tf.keras.Model):
    @classmethod
    def add_method(cls, fun):
        setattr(cls, fun.__name__, fun)
        return fun

    def __init__(self, units, context_text_processor, target_text_processor):
        super().__init__()
        # Build the encoder and decoder
        encoder = Encoder(context_text_processor, units)
        decoder = Decoder(target_text_processor, units)
        self.encoder = encoder
        self.decoder = decoder

    def call(self, inputs):
        context, x = inputs
        context = self.encoder(context)
        logits = self.decoder(context, x)
        # TODO(b/250038731): remove this
        try:
            # Delete the keras mask, so keras doesn't scale the loss+accuracy.
            del logits._keras_mask
        except AttributeError:
            pass
        return logits


model = Translator(UNITS, context_text_processor, target_text_processor)
logits = model((ex_context_tok, ex_tar_in))
draw = np.random.default_rng(7)
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
RESULT["weights"] = float(len(model.weights))
RESULT["params"] = float(model.count_params())


def masked_loss(y_true, y_pred):
    # Calculate the loss for each item in the batch.
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")
    loss = loss_fn(y_true, y_pred)
    # Mask off the losses on padding.
    mask = tf.cast(y_true != 0, loss.dtype)
    loss *= mask
    # Return the total.
    return tf.reduce_sum(loss) / tf.reduce_sum(mask)


def masked_acc(y_true, y_pred):
    # Calculate the loss for each item in the batch.
    y_pred = tf.argmax(y_pred, axis=-1)
    y_pred = tf.cast(y_pred, y_true.dtype)
    match = tf.cast(y_true == y_pred, tf.float32)
    mask = tf.cast(y_true != 0, tf.float32)
    return tf.reduce_sum(match) / tf.reduce_sum(mask)


model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss=masked_loss,
              metrics=[masked_acc, masked_loss])
vocab_size = 1.0 * target_text_processor.vocabulary_size()
RESULT["expected_loss"] = float(tf.math.log(vocab_size).numpy())
initial = model.evaluate(val_ds, steps=2, return_dict=True, verbose=0)
RESULT["initial_val_loss"] = float(initial["loss"])
history = model.fit(
    train_ds.repeat(), epochs=14, steps_per_epoch=8, validation_data=val_ds,
    validation_steps=2, callbacks=[tf.keras.callbacks.EarlyStopping(patience=3)], verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["epochs_run"] = float(len(history.history["loss"]))
RESULT["loss_last"] = float(history.history["loss"][-1])
RESULT["val_masked_acc"] = float(history.history["val_masked_acc"][-1])
RESULT["history_keys"] = float(len(history.history))


@Translator.add_method
def translate(self, texts, *, max_length=50, temperature=0.0):
    # Process the input texts
    context = self.encoder.convert_input(texts)
    # Setup the loop inputs
    tokens = []
    attention_weights = []
    next_token, done, state = self.decoder.get_initial_state(context)
    for _ in range(max_length):
        # Generate the next token
        next_token, done, state = self.decoder.get_next_token(
            context, next_token, done, state, temperature)
        # Collect the generated tokens
        tokens.append(next_token)
        attention_weights.append(self.decoder.last_attention_weights)
        if tf.executing_eagerly() and tf.reduce_all(done):
            break
    # Stack the lists of tokens and attention weights.
    tokens = tf.concat(tokens, axis=-1)  # t*[(batch 1)] -> (batch, t)
    self.last_attention_weights = tf.concat(attention_weights, axis=1)  # (batch, t, s)
    result = self.decoder.tokens_to_text(tokens)
    return result


def expected_translation(text):
    words = text.lower().rstrip(".?").split()
    return " ".join(lexicon[w] for w in words) + " " + text[-1]


test_sentences = list(context_raw[~is_train][:16])
result = model.translate(tf.constant(test_sentences))
texts = [t.decode() for t in result.numpy()]
RESULT["translate_accuracy"] = float(np.mean(
    [t.strip() == expected_translation(s) for t, s in zip(texts, test_sentences)]))
RESULT["attention_steps_ok"] = float(
    model.last_attention_weights.shape[0] == 16
    and model.last_attention_weights.shape[2] == context_text_processor(
        tf.constant(test_sentences)).to_tensor().shape[1])
one = model.translate([test_sentences[0]])
RESULT["single_matches"] = float(one[0].numpy().decode() == texts[0])


class Export(tf.Module):
    def __init__(self, model):
        self.model = model

    @tf.function(input_signature=[tf.TensorSpec(dtype=tf.string, shape=[None])])
    def translate(self, inputs):
        return self.model.translate(inputs)


export = Export(model)
exported = export.translate(tf.constant(test_sentences[:4]))
RESULT["export_matches"] = float([t.decode().strip() for t in exported.numpy()]
                                 == [t.strip() for t in texts[:4]])


@Translator.add_method
def translate(self, texts, *, max_length=500, temperature=tf.constant(0.0)):  # noqa: B008, F811
    context = self.encoder.convert_input(texts)
    next_token, done, state = self.decoder.get_initial_state(context)
    # initialize the accumulator
    tokens = tf.TensorArray(tf.int64, size=1, dynamic_size=True)
    for t in tf.range(max_length):
        next_token, done, state = self.decoder.get_next_token(
            context, next_token, done, state, temperature)
        # Add the output to the accumulator.
        tokens = tokens.write(t, next_token)
        if tf.reduce_all(done):
            break
    # Convert the list of generated token ids to a list of strings.
    tokens = tokens.stack()
    tokens = tf.transpose(tokens[:, :, 0])  # t batch 1 -> batch t
    text = self.decoder.tokens_to_text(tokens)
    return text


dynamic = model.translate(tf.constant(test_sentences[:4]))
stripped = [t.strip() for t in texts[:4]]
RESULT["dynamic_matches"] = float([t.decode().strip() for t in dynamic.numpy()] == stripped)
dynamic_export = Export(model)
RESULT["dynamic_export_matches"] = float(
    [t.decode().strip() for t in dynamic_export.translate(tf.constant(test_sentences[:4])).numpy()]
    == stripped)
print(texts[:4])
print(RESULT)
