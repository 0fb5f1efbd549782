"""After the keras.io example "Multiclass semantic segmentation using DeepLabV3+", as Keras 3
has it: a convolution_block of Conv2D (dilation_rate, padding "same", HeNormal kernels, no
bias) + BatchNormalization + ops.nn.relu; Dilated Spatial Pyramid Pooling with an
AveragePooling2D over the whole feature map (pool_size read from the symbolic tensor's
shape), bilinear UpSampling2D back to it, and 1x1 and 3x3 branches of dilation 1, 6, 12 and
18 joined by Concatenate; the decoder that upsamples bilinearly by sizes computed from
x.shape, concatenates the low-level features and ends in a 1x1 Conv2D of class logits; the
backbone's feature maps taken with model.get_layer(name).output after
keras.applications.resnet50.preprocess_input; SparseCategoricalCrossentropy(from_logits=True)
on (batch, height, width) label maps, Adam, "accuracy"; a tf.data pipeline; predict, squeeze
and argmax over the class axis for a colour-mapped mask.

ResNet50 with ImageNet weights becomes a small strided Conv2D backbone whose layers carry
ResNet50's names ("conv2_block3_2_relu", "conv4_block6_2_relu"), built on the preprocessed
input as ResNet50(input_tensor=...) is; the blocks have 16 filters, not 256. The human-parsing
photographs become 32x32 images of a red square and a green bar on noise, labelled per pixel
(background, square, bar). The weights start from a NumPy draw and the batches are not
shuffled, so the losses are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

RESULT = {}

IMAGE_SIZE = 32
BATCH_SIZE = 4
NUM_CLASSES = 3

rng = np.random.default_rng(47)


def make_pairs(count):
    images = rng.uniform(0, 90, (count, IMAGE_SIZE, IMAGE_SIZE, 3)).astype("float32")
    masks = np.zeros((count, IMAGE_SIZE, IMAGE_SIZE), "int32")
    for index in range(count):
        top, left = rng.integers(0, 20, 2)
        images[index, top:top + 12, left:left + 12, 0] += 150
        masks[index, top:top + 12, left:left + 12] = 1
        column = rng.integers(0, 28)
        images[index, :, column:column + 4, 1] += 150
        masks[index, :, column:column + 4] = 2
    return images, masks


train_images, train_masks = make_pairs(48)
val_images, val_masks = make_pairs(16)


def data_generator(image_list, mask_list):
    dataset = tf.data.Dataset.from_tensor_slices((image_list, mask_list))
    dataset = dataset.batch(BATCH_SIZE, drop_remainder=True)
    return dataset


train_dataset = data_generator(train_images, train_masks)
val_dataset = data_generator(val_images, val_masks)

print("Train Dataset:", train_dataset)
print("Val Dataset:", val_dataset)


def convolution_block(
    block_input,
    num_filters=16,
    kernel_size=3,
    dilation_rate=1,
    use_bias=False,
):
    x = layers.Conv2D(
        num_filters,
        kernel_size=kernel_size,
        dilation_rate=dilation_rate,
        padding="same",
        use_bias=use_bias,
        kernel_initializer=keras.initializers.HeNormal(),
    )(block_input)
    x = layers.BatchNormalization()(x)
    return ops.nn.relu(x)


def DilatedSpatialPyramidPooling(dspp_input):
    dims = dspp_input.shape
    x = layers.AveragePooling2D(pool_size=(dims[-3], dims[-2]))(dspp_input)
    x = convolution_block(x, kernel_size=1, use_bias=True)
    out_pool = layers.UpSampling2D(
        size=(dims[-3] // x.shape[1], dims[-2] // x.shape[2]),
        interpolation="bilinear",
    )(x)

    out_1 = convolution_block(dspp_input, kernel_size=1, dilation_rate=1)
    out_6 = convolution_block(dspp_input, kernel_size=3, dilation_rate=6)
    out_12 = convolution_block(dspp_input, kernel_size=3, dilation_rate=12)
    out_18 = convolution_block(dspp_input, kernel_size=3, dilation_rate=18)

    x = layers.Concatenate(axis=-1)([out_pool, out_1, out_6, out_12, out_18])
    output = convolution_block(x, kernel_size=1)
    return output


def small_backbone(input_tensor):
    """Stands in for ResNet50(weights="imagenet", include_top=False, input_tensor=...)."""
    x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu",
                      name="conv1_relu")(input_tensor)
    x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu",
                      name="conv2_block3_2_relu")(x)
    x = layers.Conv2D(24, 3, strides=2, padding="same", activation="relu",
                      name="conv3_block4_2_relu")(x)
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu",
                      name="conv4_block6_2_relu")(x)
    return keras.Model(input_tensor, x, name="resnet50")


def DeeplabV3Plus(image_size, num_classes):
    model_input = keras.Input(shape=(image_size, image_size, 3))
    preprocessed = keras.applications.resnet50.preprocess_input(model_input)
    resnet50 = small_backbone(preprocessed)
    x = resnet50.get_layer("conv4_block6_2_relu").output
    x = DilatedSpatialPyramidPooling(x)

    input_a = layers.UpSampling2D(
        size=(image_size // 4 // x.shape[1], image_size // 4 // x.shape[2]),
        interpolation="bilinear",
    )(x)
    input_b = resnet50.get_layer("conv2_block3_2_relu").output
    input_b = convolution_block(input_b, num_filters=8, kernel_size=1)

    x = layers.Concatenate(axis=-1)([input_a, input_b])
    x = convolution_block(x)
    x = convolution_block(x)
    x = layers.UpSampling2D(
        size=(image_size // x.shape[1], image_size // x.shape[2]),
        interpolation="bilinear",
    )(x)
    model_output = layers.Conv2D(num_classes, kernel_size=(1, 1), padding="same")(x)
    return keras.Model(inputs=model_input, outputs=model_output)


model = DeeplabV3Plus(image_size=IMAGE_SIZE, num_classes=NUM_CLASSES)
model.summary()
RESULT["params"] = float(model.count_params())
RESULT["output_height"] = float(model.output.shape[1])
RESULT["output_classes"] = float(model.output.shape[-1])

draw = np.random.default_rng(11)
model.set_weights([
    draw.normal(0.0, np.sqrt(2.0 / np.prod(weight.shape[:-1])), weight.shape).astype("float32")
    if weight.ndim > 1 else weight
    for weight in model.get_weights()])

loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.003),
    loss=loss,
    metrics=["accuracy"],
)

history = model.fit(train_dataset, validation_data=val_dataset, epochs=10, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["val_loss"] = float(history.history["val_loss"][-1])
RESULT["val_accuracy"] = float(history.history["val_accuracy"][-1])

# Loading the Colormap
colormap = np.array([[0, 0, 0], [128, 0, 0], [0, 128, 0]], dtype=np.uint8)


def infer(model, image_tensor):
    predictions = model.predict(np.expand_dims((image_tensor), axis=0), verbose=0)
    predictions = np.squeeze(predictions)
    predictions = np.argmax(predictions, axis=2)
    return predictions


def decode_segmentation_masks(mask, colormap, n_classes):
    r = np.zeros_like(mask).astype(np.uint8)
    g = np.zeros_like(mask).astype(np.uint8)
    b = np.zeros_like(mask).astype(np.uint8)
    for l in range(0, n_classes):  # noqa: E741
        idx = mask == l
        r[idx] = colormap[l, 0]
        g[idx] = colormap[l, 1]
        b[idx] = colormap[l, 2]
    rgb = np.stack([r, g, b], axis=2)
    return rgb


prediction_mask = infer(image_tensor=val_images[0], model=model)
prediction_colormap = decode_segmentation_masks(prediction_mask, colormap, NUM_CLASSES)
RESULT["mask_height"] = float(prediction_mask.shape[0])
RESULT["mask_pixel_accuracy"] = float(np.mean(prediction_mask == val_masks[0]))
RESULT["red_pixels"] = float(np.sum(prediction_colormap[..., 0] == 128))
RESULT["true_red_pixels"] = float(np.sum(val_masks[0] == 1))
print(RESULT)
