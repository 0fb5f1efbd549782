"""After the keras.io example "Point cloud classification with PointNet": point clouds as
(points, 3) arrays, conv_bn / dense_bn blocks (Conv1D with kernel_size=1 or Dense,
BatchNormalization(momentum=0.0), ReLU), T-Nets that predict a transform whose last Dense starts
from zeros and an identity bias (initializers.Constant) and carries a subclassed
keras.regularizers.Regularizer (OrthogonalRegularizer, written with keras.ops.tensordot) as its
activity_regularizer, Reshape, Dot(axes=(2, 1)) to apply the transform, GlobalMaxPooling1D, and
a softmax head trained with sparse categorical cross-entropy.

The toy task: 24 points on a sphere, on a cube's faces or on a flat disc, scaled and noisy.

The weights start from a fixed NumPy draw (the zero kernels stay zero) and batches are not
shuffled, so the training losses follow Keras's, the orthogonality penalties included. The
validation losses do not to 1e-4: a Conv1D bias before a BatchNormalization has a gradient of
pure rounding (the normalization takes the mean out), which Adam scales up to steps of its
learning rate, so those biases wander apart in the two programs; the training loss does not see
them, the moving means (of the last batch, momentum=0.0) that inference uses do.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(7)
NUM_POINTS = 24
NUM_CLASSES = 3
n = 240


def point_cloud(label):
    points = rng.normal(0.0, 1.0, (NUM_POINTS, 3))
    if label == 0:  # sphere
        points /= np.linalg.norm(points, axis=1, keepdims=True)
    elif label == 1:  # cube faces
        points = rng.uniform(-1.0, 1.0, (NUM_POINTS, 3))
        axis = rng.integers(0, 3, NUM_POINTS)
        points[np.arange(NUM_POINTS), axis] = rng.choice([-1.0, 1.0], NUM_POINTS)
    else:  # flat disc
        points[:, 2] = 0.0
        points[:, :2] /= np.maximum(1.0, np.linalg.norm(points[:, :2], axis=1, keepdims=True))
    return points * rng.uniform(0.7, 1.3) + rng.normal(0.0, 0.05, (NUM_POINTS, 3))


labels = rng.integers(0, NUM_CLASSES, n)
points = np.stack([point_cloud(label) for label in labels]).astype("float32")
train_points, train_labels = points[:192], labels[:192]
test_points, test_labels = points[192:], labels[192:]


def conv_bn(x, filters):
    x = layers.Conv1D(filters, kernel_size=1, padding="valid")(x)
    x = layers.BatchNormalization(momentum=0.0)(x)
    return layers.Activation("relu")(x)


def dense_bn(x, filters):
    x = layers.Dense(filters)(x)
    x = layers.BatchNormalization(momentum=0.0)(x)
    return layers.Activation("relu")(x)


class OrthogonalRegularizer(keras.regularizers.Regularizer):
    def __init__(self, num_features, l2reg=0.001):
        self.num_features = num_features
        self.l2reg = l2reg
        self.eye = keras.ops.eye(num_features)

    def __call__(self, x):
        x = keras.ops.reshape(x, (-1, self.num_features, self.num_features))
        xxt = keras.ops.tensordot(x, x, axes=(2, 2))
        xxt = keras.ops.reshape(xxt, (-1, self.num_features, self.num_features))
        return keras.ops.sum(self.l2reg * keras.ops.square(xxt - self.eye))

    def get_config(self):
        return {"num_features": self.num_features, "l2reg": self.l2reg}


def tnet(inputs, num_features):
    # Initialise bias as the identity matrix
    bias = keras.initializers.Constant(np.eye(num_features).flatten())
    reg = OrthogonalRegularizer(num_features)

    x = conv_bn(inputs, 8)
    x = conv_bn(x, 16)
    x = conv_bn(x, 32)
    x = layers.GlobalMaxPooling1D()(x)
    x = dense_bn(x, 16)
    x = dense_bn(x, 8)
    x = layers.Dense(
        num_features * num_features,
        kernel_initializer="zeros",
        bias_initializer=bias,
        activity_regularizer=reg,
    )(x)
    feat_T = layers.Reshape((num_features, num_features))(x)
    # Apply affine transformation to input features
    return layers.Dot(axes=(2, 1))([inputs, feat_T])


inputs = keras.Input(shape=(NUM_POINTS, 3))

x = tnet(inputs, 3)
x = conv_bn(x, 8)
x = conv_bn(x, 8)
x = tnet(x, 8)
x = conv_bn(x, 8)
x = conv_bn(x, 16)
x = conv_bn(x, 32)
x = layers.GlobalMaxPooling1D()(x)
x = dense_bn(x, 16)
x = layers.Dropout(0.0)(x)
x = dense_bn(x, 8)
x = layers.Dropout(0.0)(x)

outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)

model = keras.Model(inputs=inputs, outputs=outputs, name="pointnet")
draw = np.random.default_rng(11)
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 and w.any()
                   else w for w in model.get_weights()])
model(train_points[:16])
first_penalty = float(sum(np.asarray(loss) for loss in model.losses))

model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=0.003),
    metrics=["sparse_categorical_accuracy"],
)

history = model.fit(train_points, train_labels, batch_size=32, epochs=6, shuffle=False,
                    validation_data=(test_points, test_labels), verbose=0)
test_loss, test_accuracy = model.evaluate(test_points, test_labels, verbose=0)
preds = model.predict(test_points[:8], verbose=0)

RESULT = {"test_loss": float(test_loss), "test_accuracy": float(test_accuracy),
          "first_penalty": first_penalty,
          "params": float(model.count_params()),
          "prediction_sum": float(np.sum(preds * np.arange(NUM_CLASSES)))}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(history.history["val_loss"]):
    RESULT[f"val_loss_{epoch}"] = float(value)
print(RESULT)
