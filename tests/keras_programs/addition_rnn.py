"""After the keras.io example "Sequence to sequence learning for performing number addition": a
CharacterTable that one-hot encodes and decodes strings, questions "a+b" padded with spaces
(and reversed, as the example does), an LSTM encoder with input_shape, RepeatVector to the
answer's length, an LSTM decoder with return_sequences=True and a softmax Dense on every step,
trained with categorical_crossentropy; answers decoded with argmax on predict's output.
"""

import numpy as np

import numnet as keras
from numnet import layers


class CharacterTable:
    def __init__(self, chars):
        self.chars = sorted(set(chars))
        self.char_indices = dict((c, i) for i, c in enumerate(self.chars))
        self.indices_char = dict((i, c) for i, c in enumerate(self.chars))

    def encode(self, C, num_rows):
        x = np.zeros((num_rows, len(self.chars)))
        for i, c in enumerate(C):
            x[i, self.char_indices[c]] = 1
        return x

    def decode(self, x, calc_argmax=True):
        if calc_argmax:
            x = x.argmax(axis=-1)
        return "".join(self.indices_char[x] for x in x)


TRAINING_SIZE = 1200
DIGITS = 2
REVERSE = True
MAXLEN = DIGITS + 1 + DIGITS

chars = "0123456789+ "
ctable = CharacterTable(chars)

questions = []
expected = []
seen = set()
np.random.seed(53)
while len(questions) < TRAINING_SIZE:
    def f():
        return int("".join(np.random.choice(list("0123456789"))
                           for i in range(np.random.randint(1, DIGITS + 1))))
    a, b = f(), f()
    key = tuple(sorted((a, b)))
    if key in seen:
        continue
    seen.add(key)
    q = f"{a}+{b}"
    query = q + " " * (MAXLEN - len(q))
    ans = str(a + b)
    ans += " " * (DIGITS + 1 - len(ans))
    if REVERSE:
        query = query[::-1]
    questions.append(query)
    expected.append(ans)

x = np.zeros((len(questions), MAXLEN, len(chars)), dtype=bool)
y = np.zeros((len(questions), DIGITS + 1, len(chars)), dtype=bool)
for i, sentence in enumerate(questions):
    x[i] = ctable.encode(sentence, MAXLEN)
for i, sentence in enumerate(expected):
    y[i] = ctable.encode(sentence, DIGITS + 1)

split_at = len(x) - len(x) // 10
(x_train, x_val) = x[:split_at], x[split_at:]
(y_train, y_val) = y[:split_at], y[split_at:]

num_layers = 1
model = keras.Sequential()
model.add(layers.Input((MAXLEN, len(chars))))
model.add(layers.LSTM(32))
model.add(layers.RepeatVector(DIGITS + 1))
for _ in range(num_layers):
    model.add(layers.LSTM(32, return_sequences=True))
model.add(layers.Dense(len(chars), activation="softmax"))
draw = np.random.default_rng(4)
model.set_weights([draw.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01),
              metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=64, epochs=15, shuffle=False,
                    validation_data=(x_val, y_val), verbose=0)

preds = np.argmax(model.predict(x_val, verbose=0), axis=-1)
guesses = [ctable.decode(p, calc_argmax=False) for p in preds]
correct = [ctable.decode(row) for row in y_val]
first_question = ctable.decode(x_val[0])

RESULT = {
    "questions": float(len(questions)),
    "params": float(model.count_params()),
    "char_accuracy": float(history.history["val_accuracy"][-1]),
    "exact_answers": float(np.mean([g == c for g, c in zip(guesses, correct)])),
    "question_length": float(len(first_question)),
}
for epoch, value in enumerate(history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
