"""After the keras.io example "Estimating required sample size for model training": images
turned into NumPy arrays from a tf.data dataset (as_numpy_iterator, tf.image.resize,
tf.one_hot); an augmentation Sequential (RandomFlip(mode=...), RandomRotation, RandomZoom,
RandomContrast) applied to the whole training array; build_model puts a frozen pretrained
backbone under a new top (GlobalAveragePooling2D, Dropout, softmax Dense), compile_and_train
fits with an AUC metric and "acc", validation_split and an EarlyStopping on val_auc that
restores the best weights; unfreeze sets the layers from a named block onwards trainable,
BatchNormalization excepted; a fresh model is trained on random subsets of growing size;
then a power-law learning curve a * x**b is fitted to the example's own accuracy table with
two tf.Variables, keras.losses.MeanSquaredError and a tf.GradientTape loop of assign_sub
steps, and its fit is scored with MeanAbsoluteError. The plots are left out.

tf_flowers is replaced by 16x16 images of three classes (one channel brighter); MobileNetV2
with ImageNet weights by a small convolutional backbone pretrained here once, built like the
applications on the input_tensor (keras.utils.get_source_inputs) and given the pretrained
weights with set_weights (its layers are named by block, as MobileNetV2's are); a
keras.models.clone_model copy is checked; fewer splits, runs and epochs.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

seed = 42
keras.utils.set_random_seed(seed)
AUTO = tf.data.AUTOTUNE
rng = np.random.default_rng(seed)
RESULT = {}

batch_size = 32
image_size = (16, 16)
num_classes = 3


def make_images(n):
    labels = rng.integers(0, num_classes, n)
    images = rng.uniform(0, 120, (n, 20, 20, 3))
    images[np.arange(n), :, :, labels] += 110
    return images.astype("float32"), labels


train_data = tf.data.Dataset.from_tensor_slices(make_images(288))
test_data = tf.data.Dataset.from_tensor_slices(make_images(96))


def dataset_to_array(dataset, image_size, num_classes):
    images, labels = [], []
    for img, lab in dataset.as_numpy_iterator():
        images.append(tf.image.resize(img, image_size).numpy())
        labels.append(tf.one_hot(lab, num_classes))
    return np.array(images), np.array(labels)


img_train, label_train = dataset_to_array(train_data, image_size, num_classes)
img_test, label_test = dataset_to_array(test_data, image_size, num_classes)
num_train_samples = len(img_train)
RESULT["train_shape_sum"] = float(sum(img_train.shape))  # 288 + 16 + 16 + 3
RESULT["labels_one_hot"] = float(np.all(label_train.sum(axis=1) == 1) and label_train.shape[1] == 3)

image_augmentation = keras.Sequential(
    [
        layers.RandomFlip(mode="horizontal"),
        layers.RandomRotation(factor=0.1),
        layers.RandomZoom(height_factor=(-0.1, -0)),
        layers.RandomContrast(factor=0.1),
    ],
)

augmented = image_augmentation(img_train).numpy()
RESULT["augmented_changed"] = float(np.mean(np.abs(augmented - img_train)) > 1.0)
RESULT["augmented_shape_kept"] = float(augmented.shape == img_train.shape)
img_train = augmented


def mobile_backbone(input_tensor=None, name="backbone"):
    if input_tensor is None:
        inputs = layers.Input(shape=(image_size[0], image_size[1], 3))
        x = inputs
    else:
        inputs = keras.utils.get_source_inputs(input_tensor)
        x = input_tensor
    x = layers.Conv2D(8, 3, padding="same", name="block_1_conv")(x)
    x = layers.BatchNormalization(name="block_1_bn")(x)
    x = layers.ReLU(name="block_1_relu")(x)
    x = layers.MaxPooling2D(name="block_1_pool")(x)
    x = layers.Conv2D(12, 3, padding="same", name="block_10_conv")(x)
    x = layers.BatchNormalization(name="block_10_bn")(x)
    x = layers.ReLU(name="block_10_relu")(x)
    return keras.Model(inputs, x, name=name)


def pretrain(backbone):
    head = layers.Dense(num_classes, activation="softmax")(
        layers.GlobalAveragePooling2D()(backbone.output)
    )
    pretraining = keras.Model(backbone.input, head)
    pretraining.compile(loss="categorical_crossentropy", optimizer="adam")
    pretraining.fit(img_train / 127.5 - 1, label_train, epochs=2, batch_size=32, verbose=0)
    return backbone


pretrained = pretrain(mobile_backbone())
# a clone has the same layers and fresh weights; set_weights makes it the pretrained one
fresh = keras.models.clone_model(pretrained)
RESULT["clone_layer_names_equal"] = float(  # (Keras renames an unnamed Input's clone)
    [layer.name for layer in fresh.layers[1:]]
    == [layer.name for layer in pretrained.layers[1:]]
)
RESULT["clone_weights_fresh"] = float(not np.array_equal(
    fresh.get_layer("block_1_conv").kernel.numpy(),
    pretrained.get_layer("block_1_conv").kernel.numpy(),
))
fresh.set_weights(pretrained.get_weights())
RESULT["clone_set_gap"] = float(np.max(np.abs(
    fresh.predict(img_train[:8], verbose=0) - pretrained.predict(img_train[:8], verbose=0)
)))


def build_model(num_classes, img_size=image_size[0], top_dropout=0.3):
    inputs = layers.Input(shape=(img_size, img_size, 3))
    x = layers.Rescaling(scale=1.0 / 127.5, offset=-1)(inputs)
    model = mobile_backbone(input_tensor=x)
    model.set_weights(pretrained.get_weights())

    model.trainable = False

    x = layers.GlobalAveragePooling2D(name="avg_pool")(model.output)
    x = layers.Dropout(top_dropout)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)

    return model


probe = build_model(num_classes)
RESULT["built_trainable"] = float(len(probe.trainable_weights))  # the Dense kernel and bias
RESULT["built_non_trainable"] = float(len(probe.non_trainable_weights))  # 2 convs, 2 BNs
RESULT["backbone_layers_inlined"] = float(
    any(layer.name == "block_10_conv" for layer in probe.layers)
)
RESULT["pretrained_weights_copied"] = float(all(
    np.array_equal(w.numpy(), v.numpy())
    for w, v in zip(probe.non_trainable_weights, pretrained.weights)
))
early_stops = []


def compile_and_train(
    model,
    training_data,
    training_labels,
    metrics=[keras.metrics.AUC(name="auc"), "acc"],  # noqa: B006, B008 - the example's
    optimizer=keras.optimizers.Adam(),  # noqa: B008
    patience=5,
    epochs=5,
):
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_auc",
        mode="max",
        min_delta=0,
        patience=patience,
        verbose=0,
        restore_best_weights=True,
    )

    model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=metrics)

    history = model.fit(
        x=training_data,
        y=training_labels,
        batch_size=batch_size,
        epochs=epochs,
        validation_split=0.1,
        callbacks=[stopper],
        verbose=0,
    )
    early_stops.append(len(history.epoch) < epochs)
    return history


def unfreeze(model, block_name, verbose=0):
    set_trainable = False

    for layer in model.layers:
        if block_name in layer.name:
            set_trainable = True
        if set_trainable and not isinstance(layer, layers.BatchNormalization):
            layer.trainable = True
    return model


trainable_counts = []


def train_model(training_data, training_labels):
    model = build_model(num_classes)

    history = compile_and_train(
        model,
        training_data,
        training_labels,
        metrics=[keras.metrics.AUC(name="auc"), "acc"],
        optimizer=keras.optimizers.Adam(learning_rate=3e-3),
        patience=3,
        epochs=4,
    )

    model = unfreeze(model, "block_10")
    trainable_counts.append(len(model.trainable_weights))

    fine_tune_epochs = 2
    total_epochs = history.epoch[-1] + fine_tune_epochs

    compile_and_train(
        model,
        training_data,
        training_labels,
        metrics=[keras.metrics.AUC(name="auc"), "acc"],
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        patience=5,
        epochs=total_epochs,
    )

    _, _, acc = model.evaluate(img_test, label_test, verbose=0)
    return np.round(acc, 4)


def train_iteratively(sample_splits=[0.25, 0.5], iter_per_split=2):  # noqa: B006
    train_acc = []
    sample_sizes = []

    for fraction in sample_splits:
        sample_accuracy = []
        num_samples = int(num_train_samples * fraction)
        for i in range(iter_per_split):  # noqa: B007
            rand_idx = np.random.randint(num_train_samples, size=num_samples)
            train_img_subset = img_train[rand_idx, :]
            train_label_subset = label_train[rand_idx, :]
            accuracy = train_model(train_img_subset, train_label_subset)
            sample_accuracy.append(accuracy)
        train_acc.append(sample_accuracy)
        sample_sizes.append(num_samples)
    return train_acc, sample_sizes


own_acc, own_sizes = train_iteratively()
RESULT["own_sizes_sum"] = float(sum(own_sizes))  # 72 + 144
RESULT["own_runs"] = float(sum(len(row) for row in own_acc))
RESULT["own_mean_accuracy"] = float(np.mean(own_acc))
RESULT["unfrozen_trainable"] = float(trainable_counts[0])  # + block_10_conv's kernel, bias

train_acc = [
    [0.8202, 0.7466, 0.8011, 0.8447, 0.8229],
    [0.861, 0.8774, 0.8501, 0.8937, 0.891],
    [0.891, 0.9237, 0.8856, 0.9101, 0.891],
    [0.8937, 0.9373, 0.9128, 0.8719, 0.9128],
]

sample_sizes = [165, 330, 825, 1651]


def fit_and_predict(train_acc, sample_sizes, pred_sample_size):
    x = sample_sizes
    mean_acc = tf.convert_to_tensor([np.mean(i) for i in train_acc])

    mse = keras.losses.MeanSquaredError()

    def exp_func(x, a, b):
        return a * x**b

    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    learning_rate = 0.01
    training_epochs = 2000

    for epoch in range(training_epochs):  # noqa: B007
        with tf.GradientTape() as tape:
            y_pred = exp_func(x, a, b)
            cost_function = mse(y_pred, mean_acc)
        gradients = tape.gradient(cost_function, [a, b])
        a.assign_sub(gradients[0] * learning_rate)
        b.assign_sub(gradients[1] * learning_rate)

    max_acc = exp_func(pred_sample_size, a, b).numpy()

    mae = keras.losses.MeanAbsoluteError()
    RESULT["curve_a"] = float(a.numpy())
    RESULT["curve_b"] = float(b.numpy())
    RESULT["predicted_accuracy"] = float(max_acc)
    RESULT["curve_mae"] = float(mae(mean_acc, exp_func(x, a, b)).numpy())
    RESULT["final_cost"] = float(cost_function)


fit_and_predict(train_acc, sample_sizes, pred_sample_size=3303)

accuracy = train_model(img_train, label_train)
RESULT["full_accuracy"] = float(accuracy)
print(RESULT)
