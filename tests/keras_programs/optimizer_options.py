"""The options of Keras 3's optimizers as its API documentation shows them, each on the same
regression from the same NumPy-drawn weights: AdamW with exclude_from_weight_decay, Adam with
global_clipnorm, SGD with gradient_accumulation_steps and Nesterov momentum, RMSprop with
momentum and centered, Lion, Adafactor, Ftrl, Adagrad, Adadelta, Adamax, Nadam and AdamW with
amsgrad; and the schedules CosineDecay with a linear warm-up, CosineDecayRestarts,
PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay with cycle, ExponentialDecay with
staircase, read at given steps.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(59)
RESULT = {}

x = rng.normal(size=(128, 6)).astype("float32")
y = (np.tanh(x @ rng.normal(size=(6, 1))) + 0.1 * rng.normal(size=(128, 1))).astype("float32")
initial = None


def run(name, optimizer, epochs=3):
    global initial
    model = keras.Sequential([
        keras.Input((6,)),
        layers.Dense(8, activation="tanh", name="hidden"),
        layers.Dense(1, name="out"),
    ])
    if initial is None:
        initial = [rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(initial)
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    for epoch, loss in enumerate(history.history["loss"]):
        RESULT[f"{name}_loss_{epoch}"] = loss
    RESULT[f"{name}_weight_sum"] = float(sum(np.sum(w) for w in model.get_weights()))
    return model


adamw = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.1)
adamw.exclude_from_weight_decay(var_names=["bias"])
model = run("adamw_excluded", adamw)
RESULT["adamw_iterations"] = float(adamw.iterations)  # 3 epochs of 8 batches
run("adam_global_clipnorm", keras.optimizers.Adam(learning_rate=0.05, global_clipnorm=0.5))
accumulating = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True,
                                    gradient_accumulation_steps=2)
run("sgd_accumulated", accumulating)
RESULT["sgd_accumulated_iterations"] = float(accumulating.iterations)
run("rmsprop_centered", keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5,
                                                 centered=True))
run("lion", keras.optimizers.Lion(learning_rate=0.003, beta_1=0.9, beta_2=0.99))
run("adafactor", keras.optimizers.Adafactor(learning_rate=0.05))
run("ftrl", keras.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.001,
                                  l2_regularization_strength=0.001))
run("adagrad", keras.optimizers.Adagrad(learning_rate=0.1))
run("adadelta", keras.optimizers.Adadelta(learning_rate=1.0))
run("adamax", keras.optimizers.Adamax(learning_rate=0.02))
run("nadam", keras.optimizers.Nadam(learning_rate=0.02))
run("amsgrad", keras.optimizers.AdamW(learning_rate=0.02, amsgrad=True))

schedules = {
    "cosine_warmup": keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=100, alpha=0.1, warmup_target=0.1, warmup_steps=20),
    "cosine_restarts": keras.optimizers.schedules.CosineDecayRestarts(
        0.1, first_decay_steps=20, t_mul=2.0, m_mul=0.5, alpha=0.01),
    "piecewise": keras.optimizers.schedules.PiecewiseConstantDecay(
        boundaries=[10, 30], values=[0.1, 0.05, 0.01]),
    "inverse_time": keras.optimizers.schedules.InverseTimeDecay(
        0.1, decay_steps=10, decay_rate=0.5, staircase=True),
    "polynomial_cycle": keras.optimizers.schedules.PolynomialDecay(
        0.1, decay_steps=25, end_learning_rate=0.01, power=2.0, cycle=True),
    "exponential_staircase": keras.optimizers.schedules.ExponentialDecay(
        0.1, decay_steps=15, decay_rate=0.5, staircase=True),
}
for name, schedule in schedules.items():
    for step in (0, 10, 25, 60, 110):
        RESULT[f"{name}_{step}"] = float(schedule(step))
run("warmup_sgd", keras.optimizers.SGD(learning_rate=schedules["cosine_warmup"]))
print(RESULT)
