"""After the keras.io example "Classification using Attention-based Deep Multiple Instance
Learning (MIL)": bags of three instances fed as a list of three inputs into one functional
model whose two Dense layers are shared by every instance; a MILAttentionLayer of its own that
takes the list, builds gated weights v, w and u with add_weight (initializer and L2 regularizer
by keras.initializers.get / keras.regularizers.get), stacks the instance scores with ops.stack
(ops.tensordot, ops.tanh, ops.sigmoid) and returns a list of softmax weights over the bag;
layers.multiply and layers.concatenate; class weights; EarlyStopping and a ModelCheckpoint
that keeps the best weights in a .weights.h5 file, read back with load_weights; an
intermediate Model on get_layer("alpha").output that predicts the attention weights; an
ensemble average of two models. The plots are left out.

MNIST is replaced by 6x6 images of five classes (a bright row at the class's index), the
layers are narrower, the weights are set from a NumPy draw and the batches are not shuffled,
so every epoch's loss can be compared with Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(5)
RESULT = {}

POSITIVE_CLASS = 1
BAG_COUNT = 160
VAL_BAG_COUNT = 64
BAG_SIZE = 3
PLOT_SIZE = 3
ENSEMBLE_AVG_COUNT = 2


def load_digits(n):
    labels = rng.integers(0, 5, n)
    images = rng.uniform(0, 60, (n, 6, 6))
    images[np.arange(n), labels] += 180
    return images.astype("float32"), labels


def create_bags(input_data, input_labels, positive_class, bag_count, instance_count):
    bags = []
    bag_labels = []

    input_data = np.divide(input_data, 255.0)

    count = 0

    for _ in range(bag_count):
        index = rng.choice(input_data.shape[0], instance_count, replace=False)
        instances_data = input_data[index]
        instances_labels = input_labels[index]

        bag_label = 0

        if positive_class in instances_labels:
            bag_label = 1
            count += 1

        bags.append(instances_data)
        bag_labels.append(np.array([bag_label]))

    return (list(np.swapaxes(bags, 0, 1)), np.array(bag_labels)), count


x_train, y_train = load_digits(600)
x_val, y_val = load_digits(200)

(train_data, train_labels), train_positive = create_bags(
    x_train, y_train, POSITIVE_CLASS, BAG_COUNT, BAG_SIZE
)
(val_data, val_labels), val_positive = create_bags(
    x_val, y_val, POSITIVE_CLASS, VAL_BAG_COUNT, BAG_SIZE
)
RESULT["train_positive"] = float(train_positive)
RESULT["inputs"] = float(len(train_data))
RESULT["instance_rows"] = float(train_data[0].shape[0])


class MILAttentionLayer(layers.Layer):
    """Implementation of the attention-based Deep MIL layer.

    Args:
      weight_params_dim: Positive Integer. Dimension of the weight matrix.
      kernel_initializer: Initializer for the `kernel` matrix.
      kernel_regularizer: Regularizer function applied to the `kernel` matrix.
      use_gated: Boolean, whether or not to use the gated mechanism.

    Returns:
      List of 2D tensors with BAG_SIZE length.
      The tensors are the attention scores after softmax with shape `(batch_size, 1)`.
    """

    def __init__(
        self,
        weight_params_dim,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        use_gated=False,
        **kwargs,
    ):
        super().__init__(**kwargs)

        self.weight_params_dim = weight_params_dim
        self.use_gated = use_gated

        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

        self.v_init = self.kernel_initializer
        self.w_init = self.kernel_initializer
        self.u_init = self.kernel_initializer

        self.v_regularizer = self.kernel_regularizer
        self.w_regularizer = self.kernel_regularizer
        self.u_regularizer = self.kernel_regularizer

    def build(self, input_shape):
        input_dim = input_shape[0][1]

        self.v_weight_params = self.add_weight(
            shape=(input_dim, self.weight_params_dim),
            initializer=self.v_init,
            name="v",
            regularizer=self.v_regularizer,
            trainable=True,
        )

        self.w_weight_params = self.add_weight(
            shape=(self.weight_params_dim, 1),
            initializer=self.w_init,
            name="w",
            regularizer=self.w_regularizer,
            trainable=True,
        )

        if self.use_gated:
            self.u_weight_params = self.add_weight(
                shape=(input_dim, self.weight_params_dim),
                initializer=self.u_init,
                name="u",
                regularizer=self.u_regularizer,
                trainable=True,
            )
        else:
            self.u_weight_params = None

        self.input_built = True

    def call(self, inputs):
        instances = [self.compute_attention_scores(instance) for instance in inputs]

        instances = ops.stack(instances)

        alpha = ops.softmax(instances, axis=0)

        return [alpha[i] for i in range(alpha.shape[0])]

    def compute_attention_scores(self, instance):
        original_instance = instance

        instance = ops.tanh(ops.tensordot(instance, self.v_weight_params, axes=1))

        if self.use_gated:
            instance = instance * ops.sigmoid(
                ops.tensordot(original_instance, self.u_weight_params, axes=1)
            )

        return ops.tensordot(instance, self.w_weight_params, axes=1)


def create_model(instance_shape):
    inputs, embeddings = [], []
    shared_dense_layer_1 = layers.Dense(32, activation="relu")
    shared_dense_layer_2 = layers.Dense(16, activation="relu")
    for _ in range(BAG_SIZE):
        inp = layers.Input(instance_shape)
        flatten = layers.Flatten()(inp)
        dense_1 = shared_dense_layer_1(flatten)
        dense_2 = shared_dense_layer_2(dense_1)
        inputs.append(inp)
        embeddings.append(dense_2)

    alpha = MILAttentionLayer(
        weight_params_dim=24,
        kernel_regularizer=keras.regularizers.L2(0.01),
        use_gated=True,
        name="alpha",
    )(embeddings)

    multiply_layers = [
        layers.multiply([alpha[i], embeddings[i]]) for i in range(len(alpha))
    ]

    concat = layers.concatenate(multiply_layers, axis=1)

    output = layers.Dense(2, activation="softmax")(concat)

    return keras.Model(inputs, output)


def compute_class_weights(labels):
    negative_count = len(np.where(labels == 0)[0])
    positive_count = len(np.where(labels == 1)[0])
    total_count = negative_count + positive_count

    return {
        0: (1 / negative_count) * (total_count / 2),
        1: (1 / positive_count) * (total_count / 2),
    }


histories = []


def train(train_data, train_labels, val_data, val_labels, model):
    file_path = "best_model.weights.h5"

    model_checkpoint = keras.callbacks.ModelCheckpoint(
        file_path,
        monitor="val_loss",
        verbose=0,
        mode="min",
        save_best_only=True,
        save_weights_only=True,
    )

    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=2, mode="min"
    )

    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    history = model.fit(
        train_data,
        train_labels,
        validation_data=(val_data, val_labels),
        epochs=8,
        class_weight=compute_class_weights(train_labels),
        batch_size=8,
        shuffle=False,
        callbacks=[early_stopping, model_checkpoint],
        verbose=0,
    )
    histories.append(history.history)

    model.load_weights(file_path)

    return model


instance_shape = train_data[0][0].shape
models = [create_model(instance_shape) for _ in range(ENSEMBLE_AVG_COUNT)]
for model in models:
    model.set_weights(
        [rng.normal(0, 0.3, w.shape).astype("float32") for w in model.get_weights()]
    )
RESULT["params"] = float(models[0].count_params())
RESULT["alpha_weights"] = float(len(models[0].get_layer("alpha").trainable_weights))
RESULT["regularization_losses"] = float(len(models[0].losses))
alpha_layer = models[0].get_layer("alpha")
RESULT["penalty_gap"] = float(abs(
    float(ops.sum(ops.stack([ops.sum(loss) for loss in models[0].losses])))
    - 0.01 * sum(float(np.sum(np.square(ops.convert_to_numpy(w))))
                 for w in alpha_layer.trainable_weights)))

trained_models = [
    train(train_data, train_labels, val_data, val_labels, model)
    for model in models
]
for index, history in enumerate(histories):
    RESULT[f"epochs_{index}"] = float(len(history["loss"]))
    for epoch, loss in enumerate(history["loss"][:4]):
        RESULT[f"loss_{index}_{epoch}"] = loss
    RESULT[f"best_val_loss_{index}"] = min(history["val_loss"])


def predict(data, labels, trained_models):
    models_predictions = []
    models_attention_weights = []
    models_losses = []
    models_accuracies = []

    for model in trained_models:
        predictions = model.predict(data, verbose=0)
        models_predictions.append(predictions)

        intermediate_model = keras.Model(model.input, model.get_layer("alpha").output)

        intermediate_predictions = intermediate_model.predict(data, verbose=0)

        attention_weights = np.squeeze(np.swapaxes(intermediate_predictions, 1, 0))
        models_attention_weights.append(attention_weights)

        loss, accuracy = model.evaluate(data, labels, verbose=0)
        models_losses.append(loss)
        models_accuracies.append(accuracy)

    RESULT["average_loss"] = float(np.sum(models_losses, axis=0) / ENSEMBLE_AVG_COUNT)
    RESULT["average_accuracy"] = float(np.sum(models_accuracies, axis=0) / ENSEMBLE_AVG_COUNT)

    return (
        np.sum(models_predictions, axis=0) / ENSEMBLE_AVG_COUNT,
        np.sum(models_attention_weights, axis=0) / ENSEMBLE_AVG_COUNT,
    )


class_predictions, attention_params = predict(val_data, val_labels, trained_models)
RESULT["attention_shape_sum"] = float(sum(attention_params.shape))  # 64 bags + 3 instances
RESULT["attention_sum_gap"] = float(np.max(np.abs(attention_params.sum(axis=1) - 1)))
RESULT["ensemble_accuracy"] = float(
    np.mean(class_predictions.argmax(1) == val_labels.reshape(-1))
)
# the best val_loss's weights are the ones load_weights brought back
RESULT["reloaded_val_loss_gap"] = float(abs(
    trained_models[-1].evaluate(val_data, val_labels, verbose=0)[0]
    - RESULT["best_val_loss_1"]))
# in a positive bag the instance with the bright row 1 draws the most attention
instance_classes = np.argmax(np.array(val_data).sum(axis=3), axis=2).T  # (bags, instances)
positive = val_labels.reshape(-1) == 1
most_attended = attention_params.argmax(axis=1)
RESULT["positive_attention_hits"] = float(np.mean(
    instance_classes[np.arange(VAL_BAG_COUNT), most_attended][positive] == POSITIVE_CLASS))
print(RESULT)
