"""After the TensorFlow tutorial "Neural machine translation with a Transformer and Keras":
a PositionalEmbedding layer (Embedding with mask_zero and a sin / cos table sliced by
tf.shape(x)[1] with tf.newaxis, compute_mask handed on), causal self-attention
(MultiHeadAttention use_causal_mask=True) and cross-attention keeping its attention scores,
residual Add and LayerNormalization, a Model subclass taking (context, x) that deletes its
logits' _keras_mask, the CustomSchedule learning-rate schedule (tf.math.rsqrt, warm-up), Adam
with beta_2=0.98, and the tutorial's masked loss and masked accuracy (label != 0, label == pred,
match & mask), trained with fit on a tf.data Dataset of ((context, x), labels). The task is
small: copy a sequence of tokens.
"""

import numpy as np

import numnet as tf


def positional_encoding(length, depth):
  depth = depth/2
  positions = np.arange(length)[:, np.newaxis]
  depths = np.arange(depth)[np.newaxis, :]/depth
  angle_rates = 1 / (10000**depths)
  angle_rads = positions * angle_rates
  pos_encoding = np.concatenate([np.sin(angle_rads), np.cos(angle_rads)], axis=-1)
  return tf.cast(pos_encoding, dtype=tf.float32)
class PositionalEmbedding(tf.keras.layers.Layer):
  def __init__(self, vocab_size, d_model):
    super().__init__()
    self.d_model = d_model
    self.embedding = tf.keras.layers.Embedding(vocab_size, d_model, mask_zero=True)
    self.pos_encoding = positional_encoding(length=2048, depth=d_model)
  def compute_mask(self, *args, **kwargs):
    return self.embedding.compute_mask(*args, **kwargs)
  def call(self, x):
    length = tf.shape(x)[1]
    x = self.embedding(x)
    x *= tf.math.sqrt(tf.cast(self.d_model, tf.float32))
    x = x + self.pos_encoding[tf.newaxis, :length, :]
    return x
class BaseAttention(tf.keras.layers.Layer):
  def __init__(self, **kwargs):
    super().__init__()
    self.mha = tf.keras.layers.MultiHeadAttention(**kwargs)
    self.layernorm = tf.keras.layers.LayerNormalization()
    self.add = tf.keras.layers.Add()
class CausalSelfAttention(BaseAttention):
  def call(self, x):
    attn_output = self.mha(query=x, value=x, key=x, use_causal_mask = True)
    x = self.add([x, attn_output])
    x = self.layernorm(x)
    return x
class CrossAttention(BaseAttention):
  def call(self, x, context):
    attn_output, attn_scores = self.mha(query=x, key=context, value=context,
                                        return_attention_scores=True)
    self.last_attn_scores = attn_scores
    x = self.add([x, attn_output])
    x = self.layernorm(x)
    return x
class CustomSchedule(tf.keras.optimizers.schedules.LearningRateSchedule):
  def __init__(self, d_model, warmup_steps=4000):
    super().__init__()
    self.d_model = d_model
    self.d_model = tf.cast(self.d_model, tf.float32)
    self.warmup_steps = warmup_steps
  def __call__(self, step):
    step = tf.cast(step, dtype=tf.float32)
    arg1 = tf.math.rsqrt(step)
    arg2 = step * (self.warmup_steps ** -1.5)
    return tf.math.rsqrt(self.d_model) * tf.math.minimum(arg1, arg2)
def masked_loss(label, pred):
  mask = label != 0
  loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction='none')
  loss = loss_object(label, pred)
  mask = tf.cast(mask, dtype=loss.dtype)
  loss *= mask
  loss = tf.reduce_sum(loss)/tf.reduce_sum(mask)
  return loss
def masked_accuracy(label, pred):
  pred = tf.argmax(pred, axis=2)
  label = tf.cast(label, pred.dtype)
  match = label == pred
  mask = label != 0
  match = match & mask
  match = tf.cast(match, dtype=tf.float32)
  mask = tf.cast(mask, dtype=tf.float32)
  return tf.reduce_sum(match)/tf.reduce_sum(mask)
class Model(tf.keras.Model):
  def __init__(self):
    super().__init__()
    self.pe = PositionalEmbedding(20, 16)
    self.pe2 = PositionalEmbedding(20, 16)
    self.csa = CausalSelfAttention(num_heads=2, key_dim=8, dropout=0.1)
    self.ca = CrossAttention(num_heads=2, key_dim=8)
    self.out = tf.keras.layers.Dense(20)
  def call(self, inputs):
    context, x = inputs
    context = self.pe(context)
    x = self.pe2(x)
    x = self.csa(x)
    x = self.ca(x, context)
    logits = self.out(x)
    try:
      del logits._keras_mask
    except AttributeError:
      pass
    return logits
tf.keras.utils.set_random_seed(3)
rng = np.random.default_rng(0)
ctx = rng.integers(3, 20, (256, 8))
ctx[:, 6:] = 0  # padded ends
tgt = np.concatenate([np.ones((256, 1), "int64"), ctx[:, :-1]], axis=1)  # [START] + tokens
lab = ctx.copy()
ds = tf.data.Dataset.from_tensor_slices(((ctx, tgt), lab)).batch(32)
model = Model()
learning_rate = CustomSchedule(16, warmup_steps=40)
optimizer = tf.keras.optimizers.Adam(learning_rate, beta_1=0.9, beta_2=0.98, epsilon=1e-9)
model.compile(loss=masked_loss, optimizer=optimizer, metrics=[masked_accuracy])
history = model.fit(ds, epochs=12, validation_data=ds.take(2), verbose=0).history
predictions = model((ctx[:4], tgt[:4]), training=False)  # eager: the scores of this call
scores = model.ca.last_attn_scores

RESULT = {
    "loss_0": history["loss"][0],
    "loss_last": history["loss"][-1],
    "accuracy_0": history["masked_accuracy"][0],
    "accuracy_last": history["masked_accuracy"][-1],
    "val_accuracy_last": history["val_masked_accuracy"][-1],
    "scores_heads": float(scores.shape[1]),
    "scores_sum": float(tf.reduce_mean(tf.reduce_sum(scores, axis=-1))),
    "rate_at_40": float(learning_rate(40)),
    "params": float(model.count_params()),
    "copied": float(np.mean(np.argmax(predictions, axis=-1)[:, :6] == lab[:4, :6])),
}
print(RESULT)
