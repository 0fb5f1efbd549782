"""After the keras.io example "Object Detection with RetinaNet": box format utilities
(swap_xy, convert_to_xywh, convert_to_corners), pairwise IOU, the AnchorBox generator (three
ratios and three scales at strides 8 to 128, tf.meshgrid, tf.tile), random_flip_horizontal,
resize_and_pad_image (tf.image.resize, tf.image.pad_to_bounding_box), preprocess_data on
COCO-style samples, the LabelEncoder (IOU matching with match / ignore thresholds, box targets
scaled by the box variance, a tf.TensorArray over the batch, resnet.preprocess_input), a
FeaturePyramid layer over a backbone's C3 / C4 / C5 outputs, the shared class and box heads
(a Sequential grown with add, the prior-probability bias), the subclassed RetinaNet model,
the smooth-L1 box loss, the focal loss and their wrapper (tf.losses.Loss subclasses with
reduction "none" and "auto", tf.math.divide_no_nan), SGD with momentum on a
PiecewiseConstantDecay, a tf.data pipeline (from_generator with a nested output_signature,
map, padded_batch with padding_values, map of the encoder, ignore_errors, take, prefetch),
ModelCheckpoint of the weights per epoch and load_weights, and an inference model whose
DecodePredictions layer decodes the boxes and runs tf.image.combined_non_max_suppression.

Images are 48 to 64 pixels a side with one or two coloured squares (the example's COCO
subset at 640 to 1024 pixels), the backbone is three small convolutions (the example's
ResNet50) and the pyramid and heads 16 filters wide (the example's 256). The weights start
from a NumPy draw and the pipeline is not shuffled or jittered, so the losses follow
TensorFlow's; the random flip is checked on one sample.
"""

import os

import numpy as np

import numnet as keras
import numnet as tf


def swap_xy(boxes):
    """Swaps order the of x and y coordinates of the boxes."""
    return tf.stack([boxes[:, 1], boxes[:, 0], boxes[:, 3], boxes[:, 2]], axis=-1)


def convert_to_xywh(boxes):
    """Changes the box format to center, width and height."""
    return tf.concat(
        [(boxes[..., :2] + boxes[..., 2:]) / 2.0, boxes[..., 2:] - boxes[..., :2]],
        axis=-1,
    )


def convert_to_corners(boxes):
    """Changes the box format to corner coordinates"""
    return tf.concat(
        [boxes[..., :2] - boxes[..., 2:] / 2.0, boxes[..., :2] + boxes[..., 2:] / 2.0],
        axis=-1,
    )


def compute_iou(boxes1, boxes2):
    """Computes pairwise IOU matrix for given two sets of boxes"""
    boxes1_corners = convert_to_corners(boxes1)
    boxes2_corners = convert_to_corners(boxes2)
    lu = tf.maximum(boxes1_corners[:, None, :2], boxes2_corners[:, :2])
    rd = tf.minimum(boxes1_corners[:, None, 2:], boxes2_corners[:, 2:])
    intersection = tf.maximum(0.0, rd - lu)
    intersection_area = intersection[:, :, 0] * intersection[:, :, 1]
    boxes1_area = boxes1[:, 2] * boxes1[:, 3]
    boxes2_area = boxes2[:, 2] * boxes2[:, 3]
    union_area = tf.maximum(boxes1_area[:, None] + boxes2_area - intersection_area, 1e-8)
    return tf.clip_by_value(intersection_area / union_area, 0.0, 1.0)


class AnchorBox:
    """Generates anchor boxes at strides [8, 16, 32, 64, 128], as [x, y, width, height]."""

    def __init__(self):
        self.aspect_ratios = [0.5, 1.0, 2.0]
        self.scales = [2**x for x in [0, 1 / 3, 2 / 3]]

        self._num_anchors = len(self.aspect_ratios) * len(self.scales)
        self._strides = [2**i for i in range(3, 8)]
        self._areas = [x**2 for x in [32.0, 64.0, 128.0, 256.0, 512.0]]
        self._anchor_dims = self._compute_dims()

    def _compute_dims(self):
        """Computes anchor box dimensions for all ratios and scales at all levels
        of the feature pyramid.
        """
        anchor_dims_all = []
        for area in self._areas:
            anchor_dims = []
            for ratio in self.aspect_ratios:
                anchor_height = tf.math.sqrt(area / ratio)
                anchor_width = area / anchor_height
                dims = tf.reshape(tf.stack([anchor_width, anchor_height], axis=-1), [1, 1, 2])
                for scale in self.scales:
                    anchor_dims.append(scale * dims)
            anchor_dims_all.append(tf.stack(anchor_dims, axis=-2))
        return anchor_dims_all

    def _get_anchors(self, feature_height, feature_width, level):
        """Generates anchor boxes for a given feature map size and level"""
        rx = tf.range(feature_width, dtype=tf.float32) + 0.5
        ry = tf.range(feature_height, dtype=tf.float32) + 0.5
        centers = tf.stack(tf.meshgrid(rx, ry), axis=-1) * self._strides[level - 3]
        centers = tf.expand_dims(centers, axis=-2)
        centers = tf.tile(centers, [1, 1, self._num_anchors, 1])
        dims = tf.tile(self._anchor_dims[level - 3], [feature_height, feature_width, 1, 1])
        anchors = tf.concat([centers, dims], axis=-1)
        return tf.reshape(anchors, [feature_height * feature_width * self._num_anchors, 4])

    def get_anchors(self, image_height, image_width):
        """Generates anchor boxes for all the feature maps of the feature pyramid."""
        anchors = [
            self._get_anchors(
                tf.math.ceil(image_height / 2**i),
                tf.math.ceil(image_width / 2**i),
                i,
            )
            for i in range(3, 8)
        ]
        return tf.concat(anchors, axis=0)


def random_flip_horizontal(image, boxes):
    """Flips image and boxes horizontally with 50% chance"""
    if tf.random.uniform(()) > 0.5:
        image = tf.image.flip_left_right(image)
        boxes = tf.stack([1 - boxes[:, 2], boxes[:, 1], 1 - boxes[:, 0], boxes[:, 3]], axis=-1)
    return image, boxes


def resize_and_pad_image(image, min_side=64.0, max_side=96.0, jitter=None, stride=32.0):
    """Resizes and pads image while preserving aspect ratio."""
    image_shape = tf.cast(tf.shape(image)[:2], dtype=tf.float32)
    if jitter is not None:
        min_side = tf.random.uniform((), jitter[0], jitter[1], dtype=tf.float32)
    ratio = min_side / tf.reduce_min(image_shape)
    if ratio * tf.reduce_max(image_shape) > max_side:
        ratio = max_side / tf.reduce_max(image_shape)
    image_shape = ratio * image_shape
    image = tf.image.resize(image, tf.cast(image_shape, dtype=tf.int32))
    padded_image_shape = tf.cast(tf.math.ceil(image_shape / stride) * stride, dtype=tf.int32)
    image = tf.image.pad_to_bounding_box(
        image, 0, 0, padded_image_shape[0], padded_image_shape[1]
    )
    return image, image_shape, ratio


def preprocess_data(sample):
    """Applies preprocessing step to a single sample (the random flip left out here, so
    that the batches are the same under TensorFlow; it is checked on its own below)."""
    image = sample["image"]
    bbox = swap_xy(sample["objects"]["bbox"])
    class_id = tf.cast(sample["objects"]["label"], dtype=tf.int32)

    image, image_shape, _ = resize_and_pad_image(image)

    bbox = tf.stack(
        [
            bbox[:, 0] * image_shape[1],
            bbox[:, 1] * image_shape[0],
            bbox[:, 2] * image_shape[1],
            bbox[:, 3] * image_shape[0],
        ],
        axis=-1,
    )
    bbox = convert_to_xywh(bbox)
    return image, bbox, class_id


class LabelEncoder:
    """Transforms the raw labels into targets for training."""

    def __init__(self):
        self._anchor_box = AnchorBox()
        self._box_variance = tf.convert_to_tensor([0.1, 0.1, 0.2, 0.2], dtype=tf.float32)

    def _match_anchor_boxes(self, anchor_boxes, gt_boxes, match_iou=0.5, ignore_iou=0.4):
        """Matches ground truth boxes to anchor boxes based on IOU."""
        iou_matrix = compute_iou(anchor_boxes, gt_boxes)
        max_iou = tf.reduce_max(iou_matrix, axis=1)
        matched_gt_idx = tf.argmax(iou_matrix, axis=1)
        positive_mask = tf.greater_equal(max_iou, match_iou)
        negative_mask = tf.less(max_iou, ignore_iou)
        ignore_mask = tf.logical_not(tf.logical_or(positive_mask, negative_mask))
        return (
            matched_gt_idx,
            tf.cast(positive_mask, dtype=tf.float32),
            tf.cast(ignore_mask, dtype=tf.float32),
        )

    def _compute_box_target(self, anchor_boxes, matched_gt_boxes):
        """Transforms the ground truth boxes into targets for training"""
        box_target = tf.concat(
            [
                (matched_gt_boxes[:, :2] - anchor_boxes[:, :2]) / anchor_boxes[:, 2:],
                tf.math.log(matched_gt_boxes[:, 2:] / anchor_boxes[:, 2:]),
            ],
            axis=-1,
        )
        box_target = box_target / self._box_variance
        return box_target

    def _encode_sample(self, image_shape, gt_boxes, cls_ids):
        """Creates box and classification targets for a single sample"""
        anchor_boxes = self._anchor_box.get_anchors(image_shape[1], image_shape[2])
        cls_ids = tf.cast(cls_ids, dtype=tf.float32)
        matched_gt_idx, positive_mask, ignore_mask = self._match_anchor_boxes(
            anchor_boxes, gt_boxes
        )
        matched_gt_boxes = tf.gather(gt_boxes, matched_gt_idx)
        box_target = self._compute_box_target(anchor_boxes, matched_gt_boxes)
        matched_gt_cls_ids = tf.gather(cls_ids, matched_gt_idx)
        cls_target = tf.where(tf.not_equal(positive_mask, 1.0), -1.0, matched_gt_cls_ids)
        cls_target = tf.where(tf.equal(ignore_mask, 1.0), -2.0, cls_target)
        cls_target = tf.expand_dims(cls_target, axis=-1)
        label = tf.concat([box_target, cls_target], axis=-1)
        return label

    def encode_batch(self, batch_images, gt_boxes, cls_ids):
        """Creates box and classification targets for a batch"""
        images_shape = tf.shape(batch_images)
        batch_size = images_shape[0]

        labels = tf.TensorArray(dtype=tf.float32, size=batch_size, dynamic_size=True)
        for i in range(batch_size):
            label = self._encode_sample(images_shape, gt_boxes[i], cls_ids[i])
            labels = labels.write(i, label)
        batch_images = tf.keras.applications.resnet.preprocess_input(batch_images)
        return batch_images, labels.stack()


def get_backbone():
    """A small backbone with the outputs at strides 8, 16 and 32 (the example's ResNet50)."""
    inputs = keras.Input(shape=[None, None, 3])
    x = keras.layers.Conv2D(8, 3, strides=4, padding="same", activation="relu")(inputs)
    c3_output = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    c4_output = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(
        c3_output
    )
    c5_output = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(
        c4_output
    )
    return keras.Model(inputs=[inputs], outputs=[c3_output, c4_output, c5_output])


class FeaturePyramid(keras.layers.Layer):
    """Builds the Feature Pyramid with the feature maps from the backbone."""

    def __init__(self, backbone=None, **kwargs):
        super().__init__(name="FeaturePyramid", **kwargs)
        self.backbone = backbone if backbone else get_backbone()
        self.conv_c3_1x1 = keras.layers.Conv2D(16, 1, 1, "same")
        self.conv_c4_1x1 = keras.layers.Conv2D(16, 1, 1, "same")
        self.conv_c5_1x1 = keras.layers.Conv2D(16, 1, 1, "same")
        self.conv_c3_3x3 = keras.layers.Conv2D(16, 3, 1, "same")
        self.conv_c4_3x3 = keras.layers.Conv2D(16, 3, 1, "same")
        self.conv_c5_3x3 = keras.layers.Conv2D(16, 3, 1, "same")
        self.conv_c6_3x3 = keras.layers.Conv2D(16, 3, 2, "same")
        self.conv_c7_3x3 = keras.layers.Conv2D(16, 3, 2, "same")
        self.upsample_2x = keras.layers.UpSampling2D(2)

    def call(self, images, training=False):
        c3_output, c4_output, c5_output = self.backbone(images, training=training)
        p3_output = self.conv_c3_1x1(c3_output)
        p4_output = self.conv_c4_1x1(c4_output)
        p5_output = self.conv_c5_1x1(c5_output)
        p4_output = p4_output + self.upsample_2x(p5_output)
        p3_output = p3_output + self.upsample_2x(p4_output)
        p3_output = self.conv_c3_3x3(p3_output)
        p4_output = self.conv_c4_3x3(p4_output)
        p5_output = self.conv_c5_3x3(p5_output)
        p6_output = self.conv_c6_3x3(c5_output)
        p7_output = self.conv_c7_3x3(tf.nn.relu(p6_output))
        return p3_output, p4_output, p5_output, p6_output, p7_output


def build_head(output_filters, bias_init):
    """Builds the class/box predictions head."""
    head = keras.Sequential([keras.Input(shape=[None, None, 16])])
    kernel_init = tf.initializers.RandomNormal(0.0, 0.01)
    for _ in range(2):
        head.add(keras.layers.Conv2D(16, 3, padding="same", kernel_initializer=kernel_init))
        head.add(keras.layers.ReLU())
    head.add(
        keras.layers.Conv2D(
            output_filters,
            3,
            1,
            padding="same",
            kernel_initializer=kernel_init,
            bias_initializer=bias_init,
        )
    )
    return head


class RetinaNet(keras.Model):
    """A subclassed Keras model implementing the RetinaNet architecture."""

    def __init__(self, num_classes, backbone=None, **kwargs):
        super().__init__(name="RetinaNet", **kwargs)
        self.fpn = FeaturePyramid(backbone)
        self.num_classes = num_classes

        prior_probability = tf.constant_initializer(-np.log((1 - 0.01) / 0.01))
        self.cls_head = build_head(9 * num_classes, prior_probability)
        self.box_head = build_head(9 * 4, "zeros")

    def call(self, image, training=False):
        features = self.fpn(image, training=training)
        N = tf.shape(image)[0]
        cls_outputs = []
        box_outputs = []
        for feature in features:
            box_outputs.append(tf.reshape(self.box_head(feature), [N, -1, 4]))
            cls_outputs.append(tf.reshape(self.cls_head(feature), [N, -1, self.num_classes]))
        cls_outputs = tf.concat(cls_outputs, axis=1)
        box_outputs = tf.concat(box_outputs, axis=1)
        return tf.concat([box_outputs, cls_outputs], axis=-1)


class DecodePredictions(tf.keras.layers.Layer):
    """A Keras layer that decodes predictions of the RetinaNet model."""

    def __init__(
        self,
        num_classes=80,
        confidence_threshold=0.05,
        nms_iou_threshold=0.5,
        max_detections_per_class=100,
        max_detections=100,
        box_variance=(0.1, 0.1, 0.2, 0.2),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.confidence_threshold = confidence_threshold
        self.nms_iou_threshold = nms_iou_threshold
        self.max_detections_per_class = max_detections_per_class
        self.max_detections = max_detections

        self._anchor_box = AnchorBox()
        self._box_variance = tf.convert_to_tensor([0.1, 0.1, 0.2, 0.2], dtype=tf.float32)

    def _decode_box_predictions(self, anchor_boxes, box_predictions):
        boxes = box_predictions * self._box_variance
        boxes = tf.concat(
            [
                boxes[:, :, :2] * anchor_boxes[:, :, 2:] + anchor_boxes[:, :, :2],
                tf.math.exp(boxes[:, :, 2:]) * anchor_boxes[:, :, 2:],
            ],
            axis=-1,
        )
        boxes_transformed = convert_to_corners(boxes)
        return boxes_transformed

    def call(self, images, predictions):
        image_shape = tf.cast(tf.shape(images), dtype=tf.float32)
        anchor_boxes = self._anchor_box.get_anchors(image_shape[1], image_shape[2])
        box_predictions = predictions[:, :, :4]
        cls_predictions = tf.nn.sigmoid(predictions[:, :, 4:])
        boxes = self._decode_box_predictions(anchor_boxes[None, ...], box_predictions)

        return tf.image.combined_non_max_suppression(
            tf.expand_dims(boxes, axis=2),
            cls_predictions,
            self.max_detections_per_class,
            self.max_detections,
            self.nms_iou_threshold,
            self.confidence_threshold,
            clip_boxes=False,
        )


class RetinaNetBoxLoss(tf.losses.Loss):
    """Implements Smooth L1 loss"""

    def __init__(self, delta):
        super().__init__(reduction="none", name="RetinaNetBoxLoss")
        self._delta = delta

    def call(self, y_true, y_pred):
        difference = y_true - y_pred
        absolute_difference = tf.abs(difference)
        squared_difference = difference**2
        loss = tf.where(
            tf.less(absolute_difference, self._delta),
            0.5 * squared_difference,
            absolute_difference - 0.5,
        )
        return tf.reduce_sum(loss, axis=-1)


class RetinaNetClassificationLoss(tf.losses.Loss):
    """Implements Focal loss"""

    def __init__(self, alpha, gamma):
        super().__init__(reduction="none", name="RetinaNetClassificationLoss")
        self._alpha = alpha
        self._gamma = gamma

    def call(self, y_true, y_pred):
        cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
        probs = tf.nn.sigmoid(y_pred)
        alpha = tf.where(tf.equal(y_true, 1.0), self._alpha, (1.0 - self._alpha))
        pt = tf.where(tf.equal(y_true, 1.0), probs, 1 - probs)
        loss = alpha * tf.pow(1.0 - pt, self._gamma) * cross_entropy
        return tf.reduce_sum(loss, axis=-1)


class RetinaNetLoss(tf.losses.Loss):
    """Wrapper to combine both the losses"""

    def __init__(self, num_classes=80, alpha=0.25, gamma=2.0, delta=1.0):
        super().__init__(reduction="sum_over_batch_size", name="RetinaNetLoss")
        self._clf_loss = RetinaNetClassificationLoss(alpha, gamma)
        self._box_loss = RetinaNetBoxLoss(delta)
        self._num_classes = num_classes

    def call(self, y_true, y_pred):
        y_pred = tf.cast(y_pred, dtype=tf.float32)
        box_labels = y_true[:, :, :4]
        box_predictions = y_pred[:, :, :4]
        cls_labels = tf.one_hot(
            tf.cast(y_true[:, :, 4], dtype=tf.int32),
            depth=self._num_classes,
            dtype=tf.float32,
        )
        cls_predictions = y_pred[:, :, 4:]
        positive_mask = tf.cast(tf.greater(y_true[:, :, 4], -1.0), dtype=tf.float32)
        ignore_mask = tf.cast(tf.equal(y_true[:, :, 4], -2.0), dtype=tf.float32)
        clf_loss = self._clf_loss(cls_labels, cls_predictions)
        box_loss = self._box_loss(box_labels, box_predictions)
        clf_loss = tf.where(tf.equal(ignore_mask, 1.0), 0.0, clf_loss)
        box_loss = tf.where(tf.equal(positive_mask, 1.0), box_loss, 0.0)
        normalizer = tf.reduce_sum(positive_mask, axis=-1)
        clf_loss = tf.math.divide_no_nan(tf.reduce_sum(clf_loss, axis=-1), normalizer)
        box_loss = tf.math.divide_no_nan(tf.reduce_sum(box_loss, axis=-1), normalizer)
        loss = clf_loss + box_loss
        return loss


# --- training parameters ---
model_dir = "retinanet/"
label_encoder = LabelEncoder()

num_classes = 3
batch_size = 2

# (the steps change within the first epoch: Keras on TensorFlow counts one more optimizer
# iteration at the end of each epoch of a dataset of unknown cardinality, which would move
# a later boundary by one step per epoch)
learning_rates = [1e-04, 0.0005, 0.001, 0.0002]
learning_rate_boundaries = [2, 5, 1000]
learning_rate_fn = tf.optimizers.schedules.PiecewiseConstantDecay(
    boundaries=learning_rate_boundaries, values=learning_rates
)

resnet50_backbone = get_backbone()
loss_fn = RetinaNetLoss(num_classes)
model = RetinaNet(num_classes, resnet50_backbone)

optimizer = tf.optimizers.SGD(learning_rate=learning_rate_fn, momentum=0.9)
model.compile(loss=loss_fn, optimizer=optimizer)

callbacks_list = [
    tf.keras.callbacks.ModelCheckpoint(
        filepath=os.path.join(model_dir, "weights" + "_epoch_{epoch}.weights.h5"),
        monitor="loss",
        save_best_only=False,
        save_weights_only=True,
        verbose=0,
    )
]

# --- a COCO-style dataset: images of one or two squares, red (0), green (1) or blue (2) ---
rng = np.random.default_rng(21)


def make_samples(count):
    samples = []
    for _ in range(count):
        height, width = [(48, 64), (64, 48), (64, 64)][int(rng.integers(3))]
        image = rng.integers(0, 60, size=(height, width, 3)).astype("uint8")
        boxes, labels = [], []
        for _ in range(int(rng.integers(1, 3))):
            side = int(rng.integers(18, 30))
            top, left = int(rng.integers(0, height - side)), int(rng.integers(0, width - side))
            label = int(rng.integers(3))
            image[top : top + side, left : left + side, label] = 230
            # tfds's COCO boxes: normalized [ymin, xmin, ymax, xmax]
            boxes.append([top / height, left / width, (top + side) / height,
                          (left + side) / width])
            labels.append(label)
        samples.append(
            {
                "image": image,
                "objects": {
                    "bbox": np.array(boxes, "float32"),
                    "label": np.array(labels, "int64"),
                },
            }
        )
    return samples


train_samples, val_samples = make_samples(16), make_samples(4)
signature = {
    "image": tf.TensorSpec(shape=(None, None, 3), dtype=tf.uint8),
    "objects": {
        "bbox": tf.TensorSpec(shape=(None, 4), dtype=tf.float32),
        "label": tf.TensorSpec(shape=(None,), dtype=tf.int64),
    },
}
train_dataset = tf.data.Dataset.from_generator(
    lambda: iter(train_samples), output_signature=signature
)
val_dataset = tf.data.Dataset.from_generator(lambda: iter(val_samples), output_signature=signature)

autotune = tf.data.AUTOTUNE
train_dataset = train_dataset.map(preprocess_data, num_parallel_calls=autotune)
train_dataset = train_dataset.padded_batch(
    batch_size=batch_size, padding_values=(0.0, 1e-8, -1), drop_remainder=True
)
train_dataset = train_dataset.map(label_encoder.encode_batch, num_parallel_calls=autotune)
train_dataset = train_dataset.apply(tf.data.experimental.ignore_errors())
train_dataset = train_dataset.prefetch(autotune)

val_dataset = val_dataset.map(preprocess_data, num_parallel_calls=autotune)
val_dataset = val_dataset.padded_batch(
    batch_size=1, padding_values=(0.0, 1e-8, -1), drop_remainder=True
)
val_dataset = val_dataset.map(label_encoder.encode_batch, num_parallel_calls=autotune)
val_dataset = val_dataset.apply(tf.data.experimental.ignore_errors())
val_dataset = val_dataset.prefetch(autotune)

first_images, first_labels = next(iter(train_dataset))

# the weights from a NumPy draw (the class head's prior-probability bias kept)
model(first_images)
model.set_weights(
    [
        rng.normal(0.0, 0.01, w.shape).astype("float32") if w.ndim > 1 else w
        for w in model.get_weights()
    ]
)

epochs = 3
history = model.fit(
    train_dataset.take(8),
    validation_data=val_dataset.take(4),
    epochs=epochs,
    callbacks=callbacks_list,
    verbose=0,
)

trained_predictions = model.predict(first_images, verbose=0)
model.load_weights(os.path.join(model_dir, "weights_epoch_1.weights.h5"))
epoch_1_predictions = model.predict(first_images, verbose=0)
model.load_weights(os.path.join(model_dir, "weights_epoch_3.weights.h5"))
reloaded_predictions = model.predict(first_images, verbose=0)

# --- inference model ---


def prepare_image(image):
    image, _, ratio = resize_and_pad_image(image, jitter=None)
    image = tf.keras.applications.resnet.preprocess_input(image)
    return tf.expand_dims(image, axis=0), ratio


sample_image = tf.cast(val_samples[0]["image"], dtype=tf.float32)
input_image, ratio = prepare_image(sample_image)

# (the Input has the padded image's size, where the example's is [None, None, 3])
image = tf.keras.Input(shape=input_image.shape[1:], name="image")
predictions = model(image, training=False)
detections = DecodePredictions(num_classes=num_classes, confidence_threshold=0.005)(
    image, predictions
)
inference_model = tf.keras.Model(inputs=image, outputs=detections)
nmsed_boxes, nmsed_scores, nmsed_classes, valid_detections = inference_model.predict(
    input_image, verbose=0
)
# the layer called on its own gives TensorFlow's CombinedNonMaxSuppression, by field names
detections = DecodePredictions(num_classes=num_classes, confidence_threshold=0.005)(
    input_image, model(input_image, training=False)
)
num_detections = int(detections.valid_detections[0])
boxes_found = np.asarray(detections.nmsed_boxes[0][:num_detections]) / float(ratio)

# --- the pieces on their own ---
# IOU of [x, y, w, h] boxes: (1, 1, 2, 2) and (2, 2, 2, 2) overlap on a unit square: 1 / 7
iou = compute_iou(
    tf.constant([[1.0, 1.0, 2.0, 2.0]]), tf.constant([[2.0, 2.0, 2.0, 2.0], [9.0, 9.0, 1.0, 1.0]])
)
anchors = AnchorBox().get_anchors(64.0, 96.0)
# encoding a ground-truth box against the anchors, then decoding: the box again
gt = tf.constant([[40.0, 30.0, 28.0, 24.0]])
labels = label_encoder._encode_sample(tf.constant([1, 64, 96, 3]), gt, tf.constant([2]))
positives = np.asarray(labels[:, 4]) == 2.0
decoder = DecodePredictions(num_classes=num_classes)
decoded = decoder._decode_box_predictions(anchors[None, ...], labels[None, :, :4])
decoded_positive = np.asarray(decoded)[0][positives]
# focal loss at p = sigmoid(0) = 0.5: alpha * 0.5**2 * log 2 for a positive (alpha 0.25),
# (1 - alpha) * 0.5**2 * log 2 for a negative; smooth L1 of 0.5 and 3: 0.125 + 2.5
focal = RetinaNetClassificationLoss(0.25, 2.0)(
    tf.constant([[1.0, 0.0]]), tf.constant([[0.0, 0.0]])
)
smooth_l1 = RetinaNetBoxLoss(1.0)(tf.constant([[0.5, 3.0]]), tf.constant([[0.0, 0.0]]))
# the flip: a box [x1, y1, x2, y2] = [0.1, 0.2, 0.4, 0.6] becomes [0.6, 0.2, 0.9, 0.6]
tf.random.set_seed(3)
flips = [
    random_flip_horizontal(tf.constant(np.arange(6.0).reshape(1, 2, 3)),
                           tf.constant([[0.1, 0.2, 0.4, 0.6]]))
    for _ in range(20)
]
flipped = [f for f in flips if abs(float(f[1][0, 0]) - 0.6) < 1e-6]

RESULT = {
    "num_anchors": float(anchors.shape[0]),
    "first_batch_shape_sum": float(sum(first_images.shape)),
    "first_labels_shape_sum": float(sum(first_labels.shape)),
    "first_positives": float(np.sum(np.asarray(first_labels)[:, :, 4] >= 0)),
    "first_ignored": float(np.sum(np.asarray(first_labels)[:, :, 4] == -2)),
    "iou_overlap": float(iou[0, 0]),
    "iou_apart": float(iou[0, 1]),
    "encoded_positives": float(positives.sum()),
    "round_trip_gap": float(
        np.max(np.abs(decoded_positive - np.array([[26.0, 18.0, 54.0, 42.0]])))
    ),
    "focal_sum": float(focal[0]),
    "smooth_l1": float(smooth_l1[0]),
    "flips_seen": float(len(flipped)),
    "flip_gap": float(
        np.max(np.abs(np.asarray(flipped[0][1]) - np.array([[0.6, 0.2, 0.9, 0.6]])))
        + np.max(np.abs(np.asarray(flipped[0][0])[0] - np.array([[3.0, 4, 5], [0, 1, 2]])))
    ),
    "predictions_shape_sum": float(sum(trained_predictions.shape)),
    "reload_gap": float(np.max(np.abs(reloaded_predictions - trained_predictions))),
    "epoch_1_differs": float(np.max(np.abs(epoch_1_predictions - trained_predictions)) > 1e-4),
    "num_detections": float(num_detections),
    "boxes_ordered": float(np.all(boxes_found[:, 2:] > boxes_found[:, :2])),
    "max_score": float(np.max(detections.nmsed_scores[0])),
    "scores_sum": float(np.sum(detections.nmsed_scores[0])),
    "model_detections": float(valid_detections[0]),
    "model_scores_gap": float(
        np.max(np.abs(np.asarray(nmsed_scores) - np.asarray(detections.nmsed_scores)))
    ),
    "classes_in_range": float(np.all(np.asarray(nmsed_classes)[0][:num_detections] < 3)),
    "val_loss_last": float(history.history["val_loss"][-1]),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
