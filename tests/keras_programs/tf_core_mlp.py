"""After the TensorFlow guide "Multilayer perceptrons for digit recognition with Core APIs": an
MLP on digit-like uint8 images written only with Core APIs. tf.data batches mapped by a
preprocess of tf.reshape and a division by 255; a DenseLayer tf.Module that creates its
tf.Variables on the first call (Xavier-uniform kernel, zero bias) and applies tf.nn.relu or
tf.identity; an MLP tf.Module whose __call__ is a tf.function; a loss of
tf.nn.sparse_softmax_cross_entropy_with_logits and an accuracy of tf.argmax of tf.nn.softmax;
Adam written by hand with tf.Variable slots for the moments; train and validation steps of
tf.GradientTape; an ExportModule whose tf.function takes uint8 images of any size
(tf.TensorSpec([None, None, None, None], tf.uint8)) and returns tf.argmax class ids.

Two changes from the guide: the images are 12 x 12 prototypes of ten classes with noise, made
with NumPy, and xavier_init draws its uniform kernel from a NumPy generator (the guide's
tf.random.uniform(seed=22) draws other numbers under TensorFlow), so that both frameworks start
from the same weights. The guide ends with tf.saved_model.save, which is not part of this
library: the ExportModule is called directly.
"""

import numpy as np

import numnet as tf

tf.random.set_seed(22)
rng = np.random.default_rng(22)

side, classes = 12, 10
prototypes = rng.uniform(0.0, 1.0, size=(classes, side, side)) > 0.6


def make_images(count):
    labels = rng.integers(0, classes, count)
    images = prototypes[labels] * 200.0 + rng.uniform(0.0, 150.0, size=(count, side, side))
    flips = rng.uniform(0.0, 1.0, size=(count, side, side)) < 0.3
    images = np.where(flips, 255.0 - images, images)
    return np.clip(images, 0, 255).astype("uint8")[..., None], labels.astype("int64")


x_train, y_train = make_images(1024)
x_val, y_val = make_images(256)
x_test, y_test = make_images(256)

train_data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(128)
val_data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(128)
test_data = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(128)


def preprocess(x, y):
    # Reshaping the data
    x = tf.reshape(x, shape=[-1, side * side])
    # Rescaling the data
    x = x / 255
    return x, y


train_data, val_data = train_data.map(preprocess), val_data.map(preprocess)
first_x, first_y = next(iter(train_data))
batch_dtype_is_float = float(first_x.dtype in (tf.float32, tf.float64))
batch_width = first_x.shape[1]

x = tf.linspace(-2, 2, 201)
x = tf.cast(x, tf.float32)
relu_sum = float(tf.reduce_sum(tf.nn.relu(x)))
softmax_sum = float(tf.reduce_sum(tf.nn.softmax(x, axis=-1)))


def xavier_init(shape):
    # Computes the xavier initialization values for a weight matrix
    in_dim, out_dim = shape
    xavier_lim = np.sqrt(6.) / np.sqrt(in_dim + out_dim)
    weight_vals = rng.uniform(-xavier_lim, xavier_lim, size=(in_dim, out_dim))
    return tf.constant(weight_vals, dtype=tf.float32)


class DenseLayer(tf.Module):

    def __init__(self, out_dim, weight_init=xavier_init, activation=tf.identity):
        # Initialize the dimensions and activation functions
        self.out_dim = out_dim
        self.weight_init = weight_init
        self.activation = activation
        self.built = False

    def __call__(self, x):
        if not self.built:
            # Infer the input dimension based on first call
            self.in_dim = x.shape[1]
            # Initialize the weights and biases
            self.w = tf.Variable(self.weight_init(shape=(self.in_dim, self.out_dim)))
            self.b = tf.Variable(tf.zeros(shape=(self.out_dim,)))
            self.built = True
        # Compute the forward pass
        z = tf.add(tf.matmul(x, self.w), self.b)
        return self.activation(z)


class MLP(tf.Module):

    def __init__(self, layers):
        self.layers = layers

    @tf.function
    def __call__(self, x, preds=False):
        # Execute the model's layers sequentially
        for layer in self.layers:
            x = layer(x)
        return x


hidden_layer_1_size = 64
hidden_layer_2_size = 32
output_size = 10

mlp_model = MLP([
    DenseLayer(out_dim=hidden_layer_1_size, activation=tf.nn.relu),
    DenseLayer(out_dim=hidden_layer_2_size, activation=tf.nn.relu),
    DenseLayer(out_dim=output_size)])


def cross_entropy_loss(y_pred, y):
    # Compute cross entropy loss with a sparse operation
    sparse_ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=y_pred)
    return tf.reduce_mean(sparse_ce)


def accuracy(y_pred, y):
    # Compute accuracy after extracting class predictions
    class_preds = tf.argmax(tf.nn.softmax(y_pred), axis=1)
    is_equal = tf.equal(y, class_preds)
    return tf.reduce_mean(tf.cast(is_equal, tf.float32))


class Adam:

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        # Initialize optimizer parameters and variable slots
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.learning_rate = learning_rate
        self.ep = ep
        self.t = 1.
        self.v_dvar, self.s_dvar = [], []
        self.built = False

    def apply_gradients(self, grads, vars):
        # Initialize variables on the first call
        if not self.built:
            for var in vars:
                v = tf.Variable(tf.zeros(shape=var.shape))
                s = tf.Variable(tf.zeros(shape=var.shape))
                self.v_dvar.append(v)
                self.s_dvar.append(s)
            self.built = True
        # Update the model variables given their gradients
        for i, (d_var, var) in enumerate(zip(grads, vars)):
            self.v_dvar[i].assign(self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var)
            self.s_dvar[i].assign(self.beta_2 * self.s_dvar[i]
                                  + (1 - self.beta_2) * tf.square(d_var))
            v_dvar_bc = self.v_dvar[i] / (1 - (self.beta_1 ** self.t))
            s_dvar_bc = self.s_dvar[i] / (1 - (self.beta_2 ** self.t))
            var.assign_sub(self.learning_rate * (v_dvar_bc / (tf.sqrt(s_dvar_bc) + self.ep)))
        self.t += 1.
        return


def train_step(x_batch, y_batch, loss, acc, model, optimizer):
    # Update the model state given a batch of data
    with tf.GradientTape() as tape:
        y_pred = model(x_batch)
        batch_loss = loss(y_pred, y_batch)
    batch_acc = acc(y_pred, y_batch)
    grads = tape.gradient(batch_loss, model.variables)
    optimizer.apply_gradients(grads, model.variables)
    return batch_loss, batch_acc


def val_step(x_batch, y_batch, loss, acc, model):
    # Evaluate the model on given a batch of validation data
    y_pred = model(x_batch)
    batch_loss = loss(y_pred, y_batch)
    batch_acc = acc(y_pred, y_batch)
    return batch_loss, batch_acc


def train_model(mlp, train_data, val_data, loss, acc, optimizer, epochs):
    # Initialize data structures
    train_losses, train_accs = [], []
    val_losses, val_accs = [], []

    # Format training loop and begin training
    for epoch in range(epochs):
        batch_losses_train, batch_accs_train = [], []
        batch_losses_val, batch_accs_val = [], []

        # Iterate over the training data
        for x_batch, y_batch in train_data:
            # Compute gradients and update the model's parameters
            batch_loss, batch_acc = train_step(x_batch, y_batch, loss, acc, mlp, optimizer)
            # Keep track of batch-level training performance
            batch_losses_train.append(batch_loss)
            batch_accs_train.append(batch_acc)

        # Iterate over the validation data
        for x_batch, y_batch in val_data:
            batch_loss, batch_acc = val_step(x_batch, y_batch, loss, acc, mlp)
            batch_losses_val.append(batch_loss)
            batch_accs_val.append(batch_acc)

        # Keep track of epoch-level model performance
        train_loss, train_acc = tf.reduce_mean(batch_losses_train), tf.reduce_mean(
            batch_accs_train)
        val_loss, val_acc = tf.reduce_mean(batch_losses_val), tf.reduce_mean(batch_accs_val)
        train_losses.append(train_loss)
        train_accs.append(train_acc)
        val_losses.append(val_loss)
        val_accs.append(val_acc)
        print(f"Epoch: {epoch}")
        print(f"Training loss: {train_loss:.3f}, Training accuracy: {train_acc:.3f}")
        print(f"Validation loss: {val_loss:.3f}, Validation accuracy: {val_acc:.3f}")
    return train_losses, train_accs, val_losses, val_accs


optimizer = Adam(learning_rate=0.001)
train_losses, train_accs, val_losses, val_accs = train_model(
    mlp_model, train_data, val_data, loss=cross_entropy_loss, acc=accuracy,
    optimizer=optimizer, epochs=6)


def preprocess_test(x):
    x = tf.reshape(x, shape=[-1, side * side])
    x = x / 255
    return x


class ExportModule(tf.Module):
    def __init__(self, model, preprocess, class_pred):
        # Initialize pre and postprocessing functions
        self.model = model
        self.preprocess = preprocess
        self.class_pred = class_pred

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None, None, None],
                                                 dtype=tf.uint8)])
    def __call__(self, x):
        # Run the ExportModule for new data points
        x = self.preprocess(x)
        y = self.model(x)
        y = self.class_pred(y)
        return y


def class_pred_test(y):
    # Generate class predictions from MLP output
    return tf.argmax(tf.nn.softmax(y), axis=1)


mlp_model_export = ExportModule(model=mlp_model, preprocess=preprocess_test,
                                class_pred=class_pred_test)
x_test_tensor, y_test_tensor = next(iter(test_data.unbatch().batch(256)))
test_classes = mlp_model_export(x_test_tensor)
test_acc = tf.reduce_mean(tf.cast(test_classes == y_test_tensor, tf.float32))
print(f"Accuracy: {test_acc:.3f}")

RESULT = {
    "batch_width": float(batch_width), "batch_dtype_is_float": batch_dtype_is_float,
    "first_batch_rows": float(first_x.shape[0]), "relu_sum": relu_sum,
    "softmax_sum": softmax_sum, "model_variables": float(len(mlp_model.variables)),
    "model_params": float(sum(int(np.prod(v.shape)) for v in mlp_model.variables)),
    "adam_slots": float(len(optimizer.v_dvar) + len(optimizer.s_dvar)),
    "adam_steps": float(optimizer.t - 1),
    "test_classes_is_int64": float(test_classes.dtype == tf.int64),
    "test_accuracy": float(test_acc),
    **{f"loss_{epoch}": float(value) for epoch, value in enumerate(train_losses)},
    **{f"val_loss_{epoch}": float(value) for epoch, value in enumerate(val_losses)},
    "train_accuracy": float(train_accs[-1]), "val_accuracy": float(val_accs[-1]),
}
print(RESULT)
