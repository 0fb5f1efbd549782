"""After the TensorFlow guide "Quickstart for the TensorFlow Core APIs": a linear regression on
an Auto MPG-like table built only from Core APIs. tf.convert_to_tensor of the table,
tf.random.shuffle with a seed and a slicing split, a one-hot origin column by tf.one_hot and
tf.concat, a Normalize tf.Module of tf.math.reduce_mean / reduce_std (norm and unnorm), a
LinearRegression tf.Module whose @tf.function __call__ creates its tf.Variables on the first
trace, batches from tf.data.Dataset.from_tensor_slices(...).shuffle(...).batch(64), a loop of
tf.GradientTape and assign_sub, and an ExportModule whose __call__ is a tf.function with an
input_signature of tf.TensorSpec([None, None], tf.float32).

The guide then writes the ExportModule with tf.saved_model.save and reads it back with
tf.saved_model.load. numnet has no SavedModel (it does not serialise traced graphs), so here
the export's variables go through tf.train.Checkpoint into a second, untrained ExportModule,
whose predictions must equal the first's.
"""

import os
import tempfile

import numpy as np

import numnet as tf

tf.random.set_seed(22)
rng = np.random.default_rng(22)

# An Auto MPG-like table: MPG, Cylinders, Displacement, Horsepower, Weight, Acceleration,
# Model Year, Origin (1, 2 or 3). The MPG falls with the weight and the horsepower.
rows = 392
cylinders = rng.choice([4.0, 6.0, 8.0], size=rows)
displacement = cylinders * 40.0 + rng.normal(0.0, 20.0, rows)
horsepower = displacement * 0.45 + rng.normal(0.0, 10.0, rows)
weight = displacement * 8.0 + 1500.0 + rng.normal(0.0, 200.0, rows)
acceleration = 20.0 - horsepower * 0.04 + rng.normal(0.0, 1.0, rows)
model_year = rng.integers(70, 83, rows).astype("float64")
origin = rng.integers(1, 4, rows).astype("float64")
mpg = (46.0 - weight * 0.006 - horsepower * 0.03 + (model_year - 70.0) * 0.7
       + (origin - 1.0) * 1.2 + rng.normal(0.0, 1.5, rows))
dataset = np.stack([mpg, cylinders, displacement, horsepower, weight, acceleration,
                    model_year, origin], axis=1)

dataset_tf = tf.convert_to_tensor(dataset, dtype=tf.float32)
dataset_shuffled = tf.random.shuffle(dataset_tf, seed=22)
train_data, test_data = dataset_shuffled[100:], dataset_shuffled[:100]
x_train, y_train = train_data[:, 1:], train_data[:, 0]
x_test, y_test = test_data[:, 1:], test_data[:, 0]


def onehot_origin(x):
    origin = tf.cast(x[:, -1], tf.int32)
    # origin - 1: the column counts from 1
    origin_oh = tf.one_hot(origin - 1, 3)
    x_ohe = tf.concat([x[:, :-1], origin_oh], axis=1)
    return x_ohe


x_train_ohe, x_test_ohe = onehot_origin(x_train), onehot_origin(x_test)


class Normalize(tf.Module):
    def __init__(self, x):
        # Initialize the mean and standard deviation for normalization
        self.mean = tf.math.reduce_mean(x, axis=0)
        self.std = tf.math.reduce_std(x, axis=0)

    def norm(self, x):
        # Normalize the input
        return (x - self.mean) / self.std

    def unnorm(self, x):
        # Unnormalize the input
        return (x * self.std) + self.mean


norm_x = Normalize(x_train_ohe)
norm_y = Normalize(y_train)
x_train_norm, y_train_norm = norm_x.norm(x_train_ohe), norm_y.norm(y_train)
x_test_norm, y_test_norm = norm_x.norm(x_test_ohe), norm_y.norm(y_test)


class LinearRegression(tf.Module):

    def __init__(self):
        self.built = False

    @tf.function
    def __call__(self, x):
        # Initialize the model parameters on the first call
        if not self.built:
            # Randomly generate the weight vector and bias term
            rand_w = tf.random.uniform(shape=[x.shape[-1], 1])
            rand_b = tf.random.uniform(shape=[])
            self.w = tf.Variable(rand_w)
            self.b = tf.Variable(rand_b)
            self.built = True
        y = tf.add(tf.matmul(x, self.w), self.b)
        return tf.squeeze(y, axis=1)


lin_reg = LinearRegression()
prediction = lin_reg(x_train_norm[:1])
prediction_unnorm = norm_y.unnorm(prediction)
first_prediction_rank = len(prediction.shape)
variables_after_first_call = len(lin_reg.variables)


def mse_loss(y_pred, y):
    return tf.reduce_mean(tf.square(y_pred - y))


batch_size = 64
train_dataset = tf.data.Dataset.from_tensor_slices((x_train_norm, y_train_norm))
train_dataset = train_dataset.shuffle(buffer_size=x_train.shape[0]).batch(batch_size)
test_dataset = tf.data.Dataset.from_tensor_slices((x_test_norm, y_test_norm))
test_dataset = test_dataset.shuffle(buffer_size=x_test.shape[0]).batch(batch_size)

# Set training parameters
epochs = 100
learning_rate = 0.01
train_losses, test_losses = [], []

# Format training loop
for epoch in range(epochs):
    batch_losses_train, batch_losses_test = [], []

    # Iterate through the training data
    for x_batch, y_batch in train_dataset:
        with tf.GradientTape() as tape:
            batch_loss = mse_loss(lin_reg(x_batch), y_batch)
        # Update parameters with respect to the gradient calculations
        grads = tape.gradient(batch_loss, lin_reg.variables)
        for g, v in zip(grads, lin_reg.variables):
            v.assign_sub(learning_rate * g)
        # Keep track of batch-level training performance
        batch_losses_train.append(batch_loss)

    # Iterate through the testing data
    for x_batch, y_batch in test_dataset:
        y_pred_batch = lin_reg(x_batch)
        batch_loss = mse_loss(y_pred_batch, y_batch)
        # Keep track of batch-level testing performance
        batch_losses_test.append(batch_loss)

    # Keep track of epoch-level model performance
    train_loss = tf.reduce_mean(batch_losses_train)
    test_loss = tf.reduce_mean(batch_losses_test)
    train_losses.append(train_loss)
    test_losses.append(test_loss)
    if epoch % 10 == 0:
        print(f'Mean squared error for step {epoch}: {train_loss.numpy():0.3f}')

print(f"\nFinal train loss: {train_loss:0.3f}")
print(f"Final test loss: {test_loss:0.3f}")

# The closed-form least squares fit of the same normalized data: the loop must come close
design = np.concatenate([x_train_norm.numpy(), np.ones((x_train_norm.shape[0], 1))], axis=1)
solution = np.linalg.lstsq(design, y_train_norm.numpy(), rcond=None)[0]
least_squares_loss = float(np.mean((design @ solution - y_train_norm.numpy()) ** 2))

y_pred = norm_y.unnorm(lin_reg(x_test_norm))
test_mae = float(tf.reduce_mean(tf.abs(y_pred - y_test)))


class ExportModule(tf.Module):
    def __init__(self, model, extract_features, norm_x, norm_y):
        # Initialize pre and postprocessing functions
        self.model = model
        self.extract_features = extract_features
        self.norm_x = norm_x
        self.norm_y = norm_y

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None], dtype=tf.float32)])
    def __call__(self, x):
        # Run the ExportModule for new data points
        x = self.extract_features(x)
        x = self.norm_x.norm(x)
        y = self.model(x)
        y = self.norm_y.unnorm(y)
        return y


lin_reg_export = ExportModule(model=lin_reg, extract_features=onehot_origin, norm_x=norm_x,
                              norm_y=norm_y)
test_preds = lin_reg_export(x_test)
export_gap = float(tf.reduce_max(tf.abs(test_preds - y_pred)))

# In the place of tf.saved_model.save / load: a checkpoint of the export's variables, restored
# into an export of a fresh model (built by one call, then overwritten by the restore)
models = tempfile.mkdtemp()
save_path = os.path.join(models, 'lin_reg_export')
checkpoint = tf.train.Checkpoint(model=lin_reg)
saved_to = checkpoint.write(save_path)
fresh = LinearRegression()
fresh(x_train_norm[:1])
tf.train.Checkpoint(model=fresh).read(saved_to)
lin_reg_loaded = ExportModule(model=fresh, extract_features=onehot_origin, norm_x=norm_x,
                              norm_y=norm_y)
loaded_preds = lin_reg_loaded(x_test)
loaded_gap = float(tf.reduce_max(tf.abs(loaded_preds - test_preds)))
one_row = lin_reg_export(x_test[:1])

RESULT = {
    "train_rows": float(x_train.shape[0]), "test_rows": float(x_test.shape[0]),
    "features": float(x_train_ohe.shape[1]),
    "onehot_row_sum": float(tf.reduce_sum(x_train_ohe[:, -3:]) / x_train.shape[0]),
    "train_mean_zero": float(tf.reduce_max(tf.abs(tf.reduce_mean(x_train_norm, axis=0)))),
    "train_std_one": float(tf.reduce_max(tf.abs(tf.math.reduce_std(x_train_norm, axis=0)
                                                 - 1.0))),
    "first_prediction_rank": float(first_prediction_rank),
    "variables_after_first_call": float(variables_after_first_call),
    "variables_after_training": float(len(lin_reg.variables)),
    "unnorm_gap": float(tf.reduce_max(tf.abs(norm_y.unnorm(y_train_norm) - y_train))),
    "first_train_loss": float(train_losses[0]), "final_train_loss": float(train_losses[-1]),
    "final_test_loss": float(test_losses[-1]), "least_squares_loss": least_squares_loss,
    "test_mae": test_mae, "export_gap": export_gap, "loaded_gap": loaded_gap,
    "export_rows": float(test_preds.shape[0]), "one_row_rows": float(one_row.shape[0]),
    "batches_per_epoch": float(len(batch_losses_train)),
}
print(RESULT)
