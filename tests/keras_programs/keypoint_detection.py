"""After the keras.io example "Keypoint Detection with Transfer Learning": a keras.utils.PyDataset
(KeyPointsDataset: __len__, __getitem__, on_epoch_end shuffling the indexes with np.random, a
private __data_generation that augments each image with its keypoints and scales them to
[0, 1] as (batch, 1, 1, 2 * keypoints)), a frozen backbone after
keras.applications.mobilenet_v2.preprocess_input, and a head of Dropout and two
SeparableConv2D (5x5 ReLU, then 3x3 sigmoid) that brings the 7x7 feature map to one pixel of
keypoint coordinates; compiled with "mse" and Adam, fit with validation_data, and the
predictions reshaped back to (x, y) pairs.

The example reads the StanfordExtra dogs with 24 keypoints at 224x224 through a MobileNetV2
pretrained on ImageNet and imgaug; here the images are 56x56 with 4 bright dots (the
keypoints) on noise, the backbone three strided convolutions to 7x7 whose weights, like the
head's, are a NumPy draw, and the augmentation a horizontal flip (with the keypoints' x
mirrored) drawn with np.random. The predictions and the loss before training are Keras's; the
head's Dropout draws differ, so the training is compared loosely.
"""

import numpy as np

import numnet as keras
from numnet import layers

IMG_SIZE = 56
BATCH_SIZE = 8
EPOCHS = 5
NUM_KEYPOINTS = 4 * 2  # 4 pairs each having x and y coordinates

np.random.seed(42)
rng = np.random.default_rng(42)


def make_dog(count):
    images = rng.integers(0, 60, (count, IMG_SIZE, IMG_SIZE, 3))
    joints = rng.uniform(6, 30, (count, 4, 2))
    # the first keypoint sits left of the second, the third above the fourth, as a dog's
    # joints keep an order
    joints[:, 1, 0] = np.clip(joints[:, 0, 0] + 12, 8, IMG_SIZE - 8)
    joints[:, 3, 1] = np.clip(joints[:, 2, 1] + 12, 8, IMG_SIZE - 8)
    for image, points in zip(images, joints, strict=True):
        for x, y in points.astype(int):
            image[y - 2:y + 3, x - 2:x + 3, :] = 255
    return {f"dog_{i}": {"img_data": images[i], "joints": joints[i]} for i in range(count)}


dogs = make_dog(64)


def get_dog(name):
    return dogs[name]


def train_aug(image, keypoints):
    # (the example's imgaug pipeline: a horizontal flip that moves the keypoints with it)
    if np.random.uniform() < 0.3:
        image = image[:, ::-1]
        keypoints = np.stack([IMG_SIZE - 1 - keypoints[:, 0], keypoints[:, 1]], axis=-1)
    return image, keypoints


def test_aug(image, keypoints):
    return image, keypoints


class KeyPointsDataset(keras.utils.PyDataset):
    def __init__(self, image_keys, aug, batch_size=BATCH_SIZE, train=True, **kwargs):
        super().__init__(**kwargs)
        self.image_keys = image_keys
        self.aug = aug
        self.batch_size = batch_size
        self.train = train
        self.on_epoch_end()

    def __len__(self):
        return len(self.image_keys) // self.batch_size

    def on_epoch_end(self):
        self.indexes = np.arange(len(self.image_keys))
        if self.train:
            np.random.shuffle(self.indexes)

    def __getitem__(self, index):
        indexes = self.indexes[index * self.batch_size : (index + 1) * self.batch_size]
        image_keys_temp = [self.image_keys[k] for k in indexes]
        (images, keypoints) = self.__data_generation(image_keys_temp)

        return (images, keypoints)

    def __data_generation(self, image_keys_temp):
        batch_images = np.empty((self.batch_size, IMG_SIZE, IMG_SIZE, 3), dtype="int")
        batch_keypoints = np.empty((self.batch_size, 1, 1, NUM_KEYPOINTS), dtype="float32")

        for i, key in enumerate(image_keys_temp):
            data = get_dog(key)
            current_keypoint = np.array(data["joints"])[:, :2]
            current_image = data["img_data"]

            # Apply the augmentation pipeline.
            (new_image, new_keypoints) = self.aug(current_image, current_keypoint)
            batch_images[i,] = new_image

            # Parse the coordinates from the new keypoint object.
            kp_temp = []
            for keypoint in new_keypoints:
                kp_temp.append(np.nan_to_num(keypoint[0]))
                kp_temp.append(np.nan_to_num(keypoint[1]))

            # More on why this reshaping later.
            batch_keypoints[i,] = np.array(kp_temp).reshape(1, 1, 4 * 2)

        # Scale the coordinates to [0, 1] range.
        batch_keypoints = batch_keypoints / IMG_SIZE

        return (batch_images, batch_keypoints)


samples = list(dogs)
train_keys, validation_keys = (samples[int(len(samples) * 0.15):],
                               samples[: int(len(samples) * 0.15)])

train_dataset = KeyPointsDataset(train_keys, train_aug, workers=1,
                                 use_multiprocessing=False)
validation_dataset = KeyPointsDataset(validation_keys, test_aug, train=False, workers=1,
                                      use_multiprocessing=False)

sample_images, sample_keypoints = next(iter(train_dataset))


def get_model():
    # Load the pre-trained weights of MobileNetV2 and freeze the weights
    # (here a small stand-in: three strided convolutions from 56x56 to 7x7)
    backbone = keras.Sequential([
        layers.Input((IMG_SIZE, IMG_SIZE, 3)),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
    ], name="backbone")
    backbone.trainable = False

    inputs = layers.Input((IMG_SIZE, IMG_SIZE, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = backbone(x)
    x = layers.Dropout(0.3)(x)
    x = layers.SeparableConv2D(NUM_KEYPOINTS, kernel_size=5, strides=1, activation="relu")(x)
    outputs = layers.SeparableConv2D(
        NUM_KEYPOINTS, kernel_size=3, strides=1, activation="sigmoid")(x)

    return keras.Model(inputs, outputs, name="keypoint_detector")


model = get_model()
model.set_weights([
    rng.normal(0.0, np.sqrt(1.0 / np.prod(w.shape[:-1])), w.shape).astype(np.float32)
    if w.ndim > 1 else np.zeros(w.shape, np.float32) for w in model.get_weights()])

predictions_before = model.predict(sample_images, verbose=0)

model.compile(loss="mse", optimizer=keras.optimizers.Adam(3e-3))
loss_before = model.evaluate(validation_dataset, verbose=0)
history = model.fit(train_dataset, validation_data=validation_dataset, epochs=EPOCHS,
                    verbose=0)

sample_val_images, sample_val_keypoints = next(iter(validation_dataset))
sample_val_images = sample_val_images[:4]
sample_val_keypoints = sample_val_keypoints[:4].reshape(-1, 4, 2) * IMG_SIZE
predictions = model.predict(sample_val_images, verbose=0).reshape(-1, 4, 2) * IMG_SIZE

RESULT = {
    "train_batches": float(len(train_dataset)),
    "validation_batches": float(len(validation_dataset)),
    "keypoint_shape_sum": float(sum(sample_keypoints.shape)),
    "keypoints_in_unit": float(sample_keypoints.min() >= 0.0 and sample_keypoints.max() <= 1.0),
    "output_shape_sum": float(sum(model.output.shape[1:])),
    "params": float(model.count_params()),
    "trainable_weights": float(len(model.trainable_weights)),
    "prediction_sum_before": float(predictions_before.sum()),
    "prediction_abs_gap_before": float(np.abs(predictions_before - 0.5).sum()),
    "loss_before": float(loss_before),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "val_loss_last": float(history.history["val_loss"][-1]),
    "prediction_shape_sum": float(sum(predictions.shape)),
    "pixel_error": float(np.abs(predictions - sample_val_keypoints).mean()),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
