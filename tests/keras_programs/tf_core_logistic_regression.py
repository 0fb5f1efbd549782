"""After the TensorFlow guide "Logistic regression for binary classification with Core APIs": a
tumor-like table of 30 measurements (mean, standard error and largest of 10 features) with a
'B' / 'M' diagnosis, classified by a logistic regression written only with Core APIs. A
Normalize tf.Module that keeps its mean and standard deviation in tf.Variables; the sigmoid
curve from tf.linspace and tf.math.sigmoid; a log loss of
tf.nn.sigmoid_cross_entropy_with_logits; a LogisticRegression tf.Module that creates its
variables from tf.random.uniform(seed=22) on the first call and returns logits or
tf.sigmoid probabilities; a predict_class threshold and an accuracy of tf.cast(... == ...);
shuffled tf.data batches of 64; a tf.GradientTape loop of assign_sub; an ExportModule with an
input_signature.

Changes from the guide: the table is drawn with NumPy (two overlapping classes, 569 rows) and
split 75 / 25 with NumPy in the place of pandas' sample and drop; the confusion matrix is
tf.math.confusion_matrix in the place of scikit-learn's. The guide saves the ExportModule with
tf.saved_model.save, which this library does not offer: the ExportModule is called directly.
"""

import numpy as np

import numnet as tf

# Set random seed for reproducible results
tf.random.set_seed(22)
rng = np.random.default_rng(22)

features = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness',
            'concavity', 'concave_poinits', 'symmetry', 'fractal_dimension']
column_names = ['id', 'diagnosis']

for attr in ['mean', 'ste', 'largest']:
    for feature in features:
        column_names.append(feature + "_" + attr)

rows = 569
diagnosis = np.where(rng.uniform(size=rows) < 0.37, 'M', 'B')
malignant = (diagnosis == 'M').astype("float64")
scale = rng.uniform(0.5, 20.0, size=30)
shift = rng.normal(0.0, 1.5, size=30)
measurements = ((rng.normal(0.0, 1.0, size=(rows, 30)) + malignant[:, None] * shift) * scale
                + 3 * scale)

order = np.random.default_rng(1).permutation(rows)
train_index, test_index = np.sort(order[:427]), np.sort(order[427:])
x_train, y_train = measurements[train_index], diagnosis[train_index]
x_test, y_test = measurements[test_index], diagnosis[test_index]

y_train = np.array([{'B': 0, 'M': 1}[label] for label in y_train])
y_test = np.array([{'B': 0, 'M': 1}[label] for label in y_test])
x_train, y_train = tf.convert_to_tensor(x_train, dtype=tf.float32), tf.convert_to_tensor(
    y_train, dtype=tf.float32)
x_test, y_test = tf.convert_to_tensor(x_test, dtype=tf.float32), tf.convert_to_tensor(
    y_test, dtype=tf.float32)


class Normalize(tf.Module):
    def __init__(self, x):
        # Initialize the mean and standard deviation for normalization
        self.mean = tf.Variable(tf.math.reduce_mean(x, axis=0))
        self.std = tf.Variable(tf.math.reduce_std(x, axis=0))

    def norm(self, x):
        # Normalize the input
        return (x - self.mean) / self.std

    def unnorm(self, x):
        # Unnormalize the input
        return (x * self.std) + self.mean


norm_x = Normalize(x_train)
x_train_norm, x_test_norm = norm_x.norm(x_train), norm_x.norm(x_test)

x = tf.linspace(-10, 10, 500)
x = tf.cast(x, tf.float32)
sigmoid_curve = tf.math.sigmoid(x)


def log_loss(y_pred, y):
    # Compute the log loss function
    ce = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=y_pred)
    return tf.reduce_mean(ce)


class LogisticRegression(tf.Module):

    def __init__(self):
        self.built = False

    def __call__(self, x, train=True):
        # Initialize the model parameters on the first call
        if not self.built:
            # Randomly generate the weights and the bias term
            rand_w = tf.random.uniform(shape=[x.shape[-1], 1], seed=22)
            rand_b = tf.random.uniform(shape=[], seed=22)
            self.w = tf.Variable(rand_w)
            self.b = tf.Variable(rand_b)
            self.built = True
        # Compute the model output
        z = tf.add(tf.matmul(x, self.w), self.b)
        z = tf.squeeze(z, axis=1)
        if train:
            return z
        return tf.sigmoid(z)


log_reg = LogisticRegression()
y_pred = log_reg(x_train_norm[:5], train=False)
untrained = y_pred.numpy()


def predict_class(y_pred, thresh=0.5):
    # Return a tensor with `1` if `y_pred` > `0.5`, and `0` otherwise
    return tf.cast(y_pred > thresh, tf.float32)


def accuracy(y_pred, y):
    # Return the proportion of matches between `y_pred` and `y`
    y_pred = tf.math.sigmoid(y_pred)
    y_pred_class = predict_class(y_pred)
    check_equal = tf.cast(y_pred_class == y, tf.float32)
    acc_val = tf.reduce_mean(check_equal)
    return acc_val


batch_size = 64
train_dataset = tf.data.Dataset.from_tensor_slices((x_train_norm, y_train))
train_dataset = train_dataset.shuffle(buffer_size=x_train.shape[0]).batch(batch_size)
test_dataset = tf.data.Dataset.from_tensor_slices((x_test_norm, y_test))
test_dataset = test_dataset.shuffle(buffer_size=x_test.shape[0]).batch(batch_size)

# Set training parameters
epochs = 100
learning_rate = 0.01
train_losses, test_losses = [], []
train_accs, test_accs = [], []

# Set up the training loop and begin training
for epoch in range(epochs):
    batch_losses_train, batch_accs_train = [], []
    batch_losses_test, batch_accs_test = [], []

    # Iterate over the training data
    for x_batch, y_batch in train_dataset:
        with tf.GradientTape() as tape:
            y_pred_batch = log_reg(x_batch)
            batch_loss = log_loss(y_pred_batch, y_batch)
        batch_acc = accuracy(y_pred_batch, y_batch)
        # Update the parameters with respect to the gradient calculations
        grads = tape.gradient(batch_loss, log_reg.variables)
        for g, v in zip(grads, log_reg.variables):
            v.assign_sub(learning_rate * g)
        # Keep track of batch-level training performance
        batch_losses_train.append(batch_loss)
        batch_accs_train.append(batch_acc)

    # Iterate over the testing data
    for x_batch, y_batch in test_dataset:
        y_pred_batch = log_reg(x_batch)
        batch_loss = log_loss(y_pred_batch, y_batch)
        batch_acc = accuracy(y_pred_batch, y_batch)
        # Keep track of batch-level testing performance
        batch_losses_test.append(batch_loss)
        batch_accs_test.append(batch_acc)

    # Keep track of epoch-level model performance
    train_loss, train_acc = tf.reduce_mean(batch_losses_train), tf.reduce_mean(batch_accs_train)
    test_loss, test_acc = tf.reduce_mean(batch_losses_test), tf.reduce_mean(batch_accs_test)
    train_losses.append(train_loss)
    train_accs.append(train_acc)
    test_losses.append(test_loss)
    test_accs.append(test_acc)
    if epoch % 20 == 0:
        print(f"Epoch: {epoch}, Training log loss: {train_loss:.3f}")

print(f"Final training log loss: {train_losses[-1]:.3f}")
print(f"Final testing log Loss: {test_losses[-1]:.3f}")
print(f"Final training accuracy: {train_accs[-1]:.3f}")
print(f"Final testing accuracy: {test_accs[-1]:.3f}")

y_pred_train, y_pred_test = log_reg(x_train_norm, train=False), log_reg(x_test_norm,
                                                                       train=False)
train_classes, test_classes = predict_class(y_pred_train), predict_class(y_pred_test)
confusion = tf.math.confusion_matrix(y_test, test_classes, num_classes=2).numpy()
confusion_normalized = confusion / confusion.sum(axis=1, keepdims=True)


class ExportModule(tf.Module):
    def __init__(self, model, norm_x, class_pred):
        # Initialize pre- and post-processing functions
        self.model = model
        self.norm_x = norm_x
        self.class_pred = class_pred

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None], dtype=tf.float32)])
    def __call__(self, x):
        # Run the `ExportModule` for new data points
        x = self.norm_x.norm(x)
        y = self.model(x, train=False)
        y = self.class_pred(y)
        return y


log_reg_export = ExportModule(model=log_reg, norm_x=norm_x, class_pred=predict_class)
test_preds = log_reg_export(x_test)

# the logistic curve's symmetry: sigmoid(-z) = 1 - sigmoid(z)
symmetry_gap = float(tf.reduce_max(tf.abs(sigmoid_curve[::-1] - (1.0 - sigmoid_curve))))
# the log loss by its formula, on the final test logits
logits = log_reg(x_test_norm)
probabilities = tf.math.sigmoid(logits)
by_hand = -tf.reduce_mean(y_test * tf.math.log(probabilities)
                          + (1 - y_test) * tf.math.log(1 - probabilities))

RESULT = {
    "columns": float(len(column_names)), "train_rows": float(x_train.shape[0]),
    "test_rows": float(x_test.shape[0]),
    "norm_variables": float(len(norm_x.variables)),
    "model_variables": float(len(log_reg.variables)),
    "untrained_in_range": float(np.all((untrained > 0) & (untrained < 1))),
    "sigmoid_symmetry_gap": symmetry_gap,
    "sigmoid_ends": float(sigmoid_curve[0] + sigmoid_curve[-1]),
    "batches_per_epoch": float(len(batch_losses_train)),
    "first_train_loss": float(train_losses[0]), "final_train_loss": float(train_losses[-1]),
    "final_test_loss": float(test_losses[-1]), "train_accuracy": float(train_accs[-1]),
    "test_accuracy": float(test_accs[-1]),
    "whole_test_accuracy": float(tf.reduce_mean(tf.cast(test_classes == y_test, tf.float32))),
    "log_loss_gap": float(tf.abs(log_loss(logits, y_test) - by_hand)),
    "confusion_total": float(confusion.sum()),
    "confusion_true_negative_rate": float(confusion_normalized[0, 0]),
    "confusion_true_positive_rate": float(confusion_normalized[1, 1]),
    "export_gap": float(tf.reduce_max(tf.abs(test_preds - test_classes))),
    "export_is_float32": float(test_preds.dtype == tf.float32),
}
print(RESULT)
