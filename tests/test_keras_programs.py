"""Real programs, written as the Keras guides, the Keras examples and the TensorFlow tutorials
write them, run under numnet with only the import changed (tests/keras_programs/).

Each program is a plain script that imports numnet in the place of keras or tensorflow
(``import numnet as keras``, ``from numnet import layers, ops``, ``import numnet as tf``) and
leaves its final numbers in a dict of floats called ``RESULT``. Here every program runs in this
process under numnet and its ``RESULT`` must meet the bounds in ``EXPECTED``: accuracy on a task
it can learn, a loss that fell, weights that a frozen phase left alone, predictions that survive
a save and a load.

Where Keras is installed, the same text runs under Keras in a subprocess, with each numnet
import turned back into the import the guide wrote (``import keras``, ``from keras import ...``,
``import tensorflow as tf``), and numnet's numbers must be within ``KERAS_TOLERANCE`` of
Keras's. Programs that start from the same weights (set_weights from a NumPy draw) and train
on unshuffled batches must follow Keras's loss trajectory to 1e-4, relative. Programs
that use TensorFlow's names (tf.GradientTape, tf.data) or layers that Keras builds on TensorFlow
(StringLookup, timeseries_dataset_from_array) are compared under the TensorFlow backend, and
skip where TensorFlow is absent.
"""

from __future__ import annotations

import json
import math
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).resolve().parent / "keras_programs"


def of(metric: str, factor: float = 1.0):
    """A bound read from another entry of RESULT: ``factor * RESULT[metric]``."""
    return lambda result: factor * result[metric]


# program -> {metric: (lowest, highest)}; a bound is a number, None (open) or of(...).
EXPECTED = {
    # a 40 x 30 matrix: 30 singular values, U 40 x 30; a rank-r approximation keeps
    # r * (40 + 30 + 1) numbers (1065 for 15, 213 for 3); the 64 x 48 x 3 image keeps
    # 3r(64 + 48 + 1) of 9216 (r = 20, 10, 2); the factor 0.15 gives r = 4; the Frobenius
    # error of a rank-10 fit is the sum of the squared singular values left out
    "tf_core_matrix_svd": {
        **{key: (value, value) for key, value in (
            ("singular_values", 30), ("u_rows", 40), ("u_columns", 30), ("v_rows", 30),
            ("sigma_rows", 30), ("sorted", 1), ("size_15", 1065), ("size_3", 213),
            ("image_is_uint8", 1), ("scaled_is_float32", 1), ("size_is_int32", 1),
            ("approx_shape_matches", 1), ("factor_rank_prop", 1), ("energy_length", 48))},
        **{key: (value * (1 - 1e-6), value * (1 + 1e-6)) for key, value in (
            ("prop_20", 20 * 339 / 9216), ("prop_10", 10 * 339 / 9216),
            ("prop_2", 2 * 339 / 9216), ("energy_last", 1.0))},
        **{key: (0.0, 1e-5) for key in ("matmul_gap", "einsum_gap", "orthogonality_gap")},
        "s_squared_sum": (of("squared_norm", 1 - 1e-5), of("squared_norm", 1 + 1e-5)),
        "energy_prop": (of("energy_rank", 339 / 9216 * (1 - 1e-6)),
                        of("energy_rank", 339 / 9216 * (1 + 1e-6))),
        "error_3": (of("error_15"), None), "image_error_2": (of("image_error_10"), None),
        "image_error_10": (of("image_error_20"), None), "image_error_20": (0.0, 0.03),
        "energy_captured": (0.7, 0.8)},
    # 2 + 3 x 10 columns; 569 rows split 427 / 142; 427 / 64: 7 batches; sigmoid(-10) +
    # sigmoid(10) = 1; the log loss equals its formula; a learnable two-class table
    "tf_core_logistic_regression": {
        **{key: (value, value) for key, value in (
            ("columns", 32), ("train_rows", 427), ("test_rows", 142), ("norm_variables", 2),
            ("model_variables", 2), ("untrained_in_range", 1), ("batches_per_epoch", 7),
            ("confusion_total", 142), ("export_is_float32", 1))},
        "sigmoid_ends": (1 - 1e-6, 1 + 1e-6),
        **{key: (0.0, 1e-5) for key in ("sigmoid_symmetry_gap", "log_loss_gap",
                                        "export_gap")},
        "final_train_loss": (None, of("first_train_loss", 0.1)), "final_test_loss": (0.0, 0.2),
        **{key: (0.93, 1.0) for key in (
            "train_accuracy", "test_accuracy", "whole_test_accuracy",
            "confusion_true_negative_rate", "confusion_true_positive_rate")}},
    # L(x) = 2x^4 + 3x^3 + 2: L(0) = 2, L(-9/8) = 2 - 2187/2048 = 0.93212890625; the guide's
    # outcomes: gradient descent at 0.1 and momentum at 0.1 explode (an empty path), momentum
    # at 0.01 converges in 80 steps and Adam at 0.1 in 1156, both at -9/8; the others stop
    # at 2000 steps short of it; a 201 x 2099 grid of log L, log L(2) = log 58
    "tf_core_optimizers": {
        **{key: (value, value) for key, value in (
            ("loss_at_saddle", 2), ("grid_rows", 201), ("grid_columns", 2099),
            ("grid_first_t", 1), ("grid_last_t", 2099), ("path_is_numpy", 1),
            ("gd_small_steps", 2000), ("gd_medium_steps", 2000), ("gd_large_steps", 0),
            ("momentum_small_steps", 2000), ("momentum_medium_steps", 80),
            ("momentum_large_steps", 0), ("adam_small_steps", 2000),
            ("adam_medium_steps", 2000), ("adam_large_steps", 1156))},
        "grad_curve_gap": (0.0, 1e-4), "loss_at_minimum": (0.93212890625 - 1e-6,
                                                           0.93212890625 + 1e-6),
        "grid_log_loss_at_2": (4.060443 - 1e-5, 4.060443 + 1e-5),
        "momentum_medium_end": (-1.125 - 1e-4, -1.125 + 1e-4),
        "adam_large_end": (-1.125 - 1e-4, -1.125 + 1e-4),
        "gd_small_end": (0.0, 0.1), "gd_medium_end": (0.0, 0.1), "adam_small_end": (0.5, 1.0),
        "adam_medium_end": (0.0, 0.2)},
    # 12 x 12 images: 144 inputs; 144*64+64 + 64*32+32 + 32*10+10 = 11690 weights in six
    # variables, two Adam slots each; 1024 / 128 = 8 steps an epoch for 6 epochs; relu of
    # linspace(-2, 2, 201) sums 0.02 * (1 + ... + 100) = 101
    "tf_core_mlp": {
        **{key: (value, value) for key, value in (
            ("batch_width", 144), ("batch_dtype_is_float", 1), ("first_batch_rows", 128),
            ("model_variables", 6), ("model_params", 11690), ("adam_slots", 12),
            ("adam_steps", 48), ("test_classes_is_int64", 1))},
        "relu_sum": (101 - 1e-3, 101 + 1e-3), "softmax_sum": (1 - 1e-6, 1 + 1e-6),
        "loss_0": (2.0, 2.6), "loss_5": (None, of("loss_0", 0.8)),
        "val_loss_5": (None, of("val_loss_0", 0.8)), "test_accuracy": (0.5, 1.0),
        "val_accuracy": (0.5, 1.0)},
    # 392 rows, 100 held out; 6 numeric columns and a 3-wide one-hot origin; 292 / 64: 5
    # batches; 100 epochs of SGD at 0.01 come within half again of the least squares loss
    "tf_core_quickstart": {
        **{key: (value, value) for key, value in (
            ("train_rows", 292), ("test_rows", 100), ("features", 9), ("onehot_row_sum", 1),
            ("first_prediction_rank", 1), ("variables_after_first_call", 2),
            ("variables_after_training", 2), ("export_rows", 100), ("one_row_rows", 1),
            ("batches_per_epoch", 5))},
        **{key: (0.0, 1e-5) for key in ("train_mean_zero", "train_std_one", "unnorm_gap",
                                        "export_gap", "loaded_gap")},
        "final_train_loss": (of("least_squares_loss"), of("least_squares_loss", 1.5)),
        "first_train_loss": (of("final_train_loss", 5.0), None),
        "final_test_loss": (0.0, 0.2), "test_mae": (0.0, 2.0)},
    # the rate 0.02 halved at the end of epochs 2, 4 and 6; one 128-row evaluate batch, so its
    # recall and precision are those of the whole validation set
    "tf_keras_backend_metrics": {
        **{key: (value, value) for key, value in (
            ("kernel_rows", 8), ("kernel_columns", 16), ("kernel_params", 128),
            ("first_is_dense", 1), ("encoder_first_is_dense", 1), ("z_width", 2),
            ("z_batch_free", 1), ("z_rows", 512))},
        "learning_rate_0": (0.02 * 0.999999, 0.02 * 1.000001),
        "learning_rate_5": (0.005 * 0.999999, 0.005 * 1.000001),
        "final_learning_rate": (0.0025 * 0.999999, 0.0025 * 1.000001),
        "whole_recall": (of("recall_by_hand", 1 - 1e-6), of("recall_by_hand", 1 + 1e-6)),
        "whole_precision": (of("precision_by_hand", 1 - 1e-6),
                            of("precision_by_hand", 1 + 1e-6)),
        "eval_recall": (of("whole_recall", 1 - 1e-6), of("whole_recall", 1 + 1e-6)),
        "eval_precision": (of("whole_precision", 1 - 1e-6), of("whole_precision", 1 + 1e-6)),
        "f1": (0.85, 1.0), "val_f1": (0.8, 1.0), "kl_loss": (0.0, None),
        "noise_mean": (-0.15, 0.15), "noise_std": (0.85, 1.15),
        "loss_5": (None, of("loss_0", 0.5))},
    # tf.strings round trip of [[1, 2, 3], [4, 5, 6]]; 1 + 2 + 10 + 20; ReLU(threshold=0.5) of
    # [-1, .25, .5, .75, 2] keeps .75 and 2; the evaluate and loss numbers are Keras's (TensorFlow)
    "migrating_to_keras_3": {
        **{key: (value, value) for key, value in (
            ("round_trip_sum", 21), ("round_trip_is_float32", 1), ("save_refused", 1),
            ("save_format_refused", 1), ("saved_model_refused", 1), ("flat_sum", 33),
            ("coin_ratio_allowed", 1),
            ("squeezed_rank", 3), ("squeezed_batch_free", 1), ("evaluate_entries", 5),
            ("evaluate_loss_is_sum", 1), ("tracked_count", 2), ("tracked_sum", 0),
            ("dict_symbolic_width", 1), ("dict_eager", 3.5), ("optional_symbolic_width", 1),
            ("optional_eager", 7), ("embedding_built", 1), ("embedding_weights", 1),
            ("embedded_length", 6), ("thresholded_sum", 2.75), ("seeded_equal", 1),
            ("generated_differ", 1), ("noise_in_range", 1), ("noise_differs", 1),
            ("noise_varies", 1))},
        **{key: (value * (1 - 1e-4), value * (1 + 1e-4)) for key, value in (
            ("evaluate_loss", 9.121339), ("evaluate_output_1", 4.659711),
            ("evaluate_output_2", 4.461628), ("summed_eval", 10.513694), ("loss_0", 49.994347),
            ("loss_1", 18.131781), ("loss_2", 8.113479), ("loss_3", 4.576169),
            ("loss_4", 3.328148), ("loss_5", 2.870965))},
        "reload_gap": (0.0, 1e-6), "embedding_gap": (0.0, 1e-6)},
    # counts and shapes by hand (a 2 x 2 variable of 1..4, then 0.5s; 3 x 4 tensors; a Dense
    # 6 -> 12 -> 1 of 97 weights; arange(2, 10, 3) = 2 + 5 + 8; a moving average of [1, 2, 3]
    # at momentum 0.9 from zeros; batch_normalization with beta 0.5 over 12 values); the other
    # numbers are TensorFlow's legacy backend's (Keras 3.15 on TensorFlow 2.21) on the same draws
    "tf_keras_backend_tour": {
        **{key: (value, value) for key, value in (
            ("floatx_is_float32", 1), ("channels_last", 1), ("float64_kernel", 1),
            ("float32_again", 1), ("cast_dtype_is_float16", 1), ("variable_sum", 10),
            ("set_value_sum", 2), ("variable_rows", 2), ("variable_params", 4), ("sign", 4),
            ("round", 11), ("cast", 8), ("ones_like", 12), ("zeros_like", 0),
            ("mean_keepdims", 1), ("argmax", 2), ("all", 3), ("any", 2), ("shape_rows", 3),
            ("symbolic_batch_free", 1), ("symbolic_width", 4), ("reshape_dims", 3),
            ("expand_dims", 1), ("squeeze", 3), ("concatenate", 8), ("stack", 2),
            ("batch_flatten", 4), ("flatten", 12), ("repeat_elements", 12), ("one_hot", 1),
            ("conv2d_valid_size", 2), ("resize_size", 12), ("spatial_2d_padding", 8),
            ("temporal_padding", 0), ("temporal_length", 8), ("in_top_k", 3), ("eye", 6),
            ("arange", 15), ("cast_to_floatx_dtype", 1), ("update_add_sub", 3.75),
            ("batch_get_value", 4), ("params", 97))},
        **{key: (value - 1e-5 * abs(value), value + 1e-5 * abs(value)) for key, value in (
            ("epsilon", 1e-7), ("learning_rate_0", 0.5), ("learning_rate_5", 0.1),
            ("moving_average", 0.6), ("batch_normalization", 6), ("softmax_row", 1),
            ("l2_normalize", 3),
            ("square", 18.73795), ("sqrt", 13.75883), ("exp", 28.51574), ("log", 2.878149),
            ("pow", 38.67366), ("abs", 13.15702), ("clip", 1.217605), ("maximum", 17.9441),
            ("switch", 6.232359), ("sum_axis", 2.936955), ("mean", 0.2447463), ("max", 4.365411),
            ("min", -4.287381), ("prod", 8.018444), ("std", 3.172521), ("var", 1.501595),
            ("cumsum", 5.70425), ("permute", 0.8263383), ("tile", 32.51009),
            ("repeat_first_row", 5.015029), ("reverse", 0.9688854), ("gather", -0.7169558),
            ("dot", 4.232178), ("batch_dot", 2.912662), ("softmax_first", 0.02367672),
            ("sigmoid", 6.606212), ("hard_sigmoid", 6.587391), ("relu_leaky_capped", 11.00499),
            ("elu", 6.642481), ("softplus", 11.91244), ("bce", 2.593759),
            ("bce_logits", 2.415504), ("cce", 3.174398), ("conv2d", 27.52251),
            ("pool2d_max", 18.73643), ("pool2d_avg", -3.013602), ("resize_images", -48.21763),
            ("bias_add", 55.86567), ("focal_bce", 0.8888792), ("focal_cce", 0.2847266),
            ("map_fn", 18.73795))},
        **{key: (value * (1 - 1e-4), value * (1 + 1e-4)) for key, value in (
            ("eval_loss", 0.1795711), ("loss_0", 0.520071), ("loss_1", 0.2895088),
            ("loss_2", 0.2340591), ("loss_3", 0.1960442), ("loss_4", 0.1907172),
            ("loss_5", 0.1864083))},
        **{key: (of(same, 1 - 1e-6), of(same, 1 + 1e-6)) for key, same in (
            ("cce_logits", "cce"), ("scce_logits", "cce"), ("stop_gradient", "sum_axis"),
            ("foldl", "sum_axis"), ("dropout_zero_rate", "sum_axis"))},
        "eval_accuracy": (0.9, 1.0)},
    # Dense 8 of the custom activation; the Tower's three Dense layers (six weights) and its
    # temperature; a kernel mapped to 0.5s: 3 * 0.5 + 1 per output; the losses are Keras's
    "tf_keras2_to_keras3_idioms": {
        **{key: (value, value) for key, value in (
            ("name_refused", 1), ("extractor_width", 8), ("tower_layers", 3),
            ("tower_layers_in_order", 1), ("tower_non_trainable", 1), ("tower_trainable", 6),
            ("test_entries", 2), ("metrics_names_count", 2), ("scoped_out", 5),
            ("recorded_sum", 0), ("kernel_kept", 1))},
        **{key: (0.0, 1e-6) for key in ("rebuilt_gap", "global_gap", "extractor_gap")},
        **{key: (value * (1 - 1e-4), value * (1 + 1e-4)) for key, value in (
            ("loss_0", 0.7371273), ("loss_1", 0.2973226), ("loss_2", 0.1756477),
            ("loss_3", 0.1207076), ("loss_4", 0.09294734), ("batch_loss", 0.1264445),
            ("test_loss", 0.03906702))},
        "test_dict_loss": (of("test_loss", 1 - 1e-6), of("test_loss", 1 + 1e-6)),
        "batch_logits_sum": (-1.8507 - 1e-3, -1.8507 + 1e-3), "final_accuracy": (0.95, 1.0)},
    # 40 Adam steps from a kernel of 0.1s on y = x @ [1.5, -2, 0.5] + 0.25 (Keras's numbers on
    # JAX); BatchNormalization's two moving statistics and Dropout's seed state, all moved on by
    # stateless_call and left alone in the model; L2(0.01) of the Dense output over 16 rows
    "stateless_training_loop": {
        **{key: (value, value) for key, value in (
            ("untouched_kernel", 0), ("untouched_iterations", 0), ("assigned_iterations", 40),
            ("state_entries", 3), ("state_moved", 3), ("state_kept", 1), ("losses", 1))},
        **{key: (value * (1 - 1e-5), value * (1 + 1e-5)) for key, value in (
            ("loss_first", 7.315137), ("loss_last", 0.2249336), ("kernel_0", 1.504668),
            ("bias", 0.349389))},
        "weight_gap": (0.0, 1e-6), "moving_mean_error": (0.0, 1e-5),
        "activity_loss_error": (0.0, 1e-5), "dropped_share": (0.25, 0.75)},
    # each tf op and its keras.ops rewrite agree under numnet; a few sums by hand (arange(1, 10,
    # 2) = 25, rank 4, one finite value of [1, inf, nan, -inf]); the rest and the losses are
    # TensorFlow's (Keras 3.15 on TensorFlow 2.21)
    "tf_ops_to_keras_ops": {
        **{f"{name}_gap": (0.0, 1e-5) for name in (
            "abs", "all", "amax", "amin", "any", "concat", "range", "atan2", "mean", "clip",
            "diag_part", "reverse", "gather", "is_finite", "rank", "pow", "prod", "std", "sum",
            "variance", "gather_nd", "sigmoid_xent", "sparse_softmax_xent", "softmax_xent",
            "conv2d", "conv2d_strided", "conv2d_transpose", "depthwise_conv2d",
            "separable_conv2d", "embedding_lookup", "l2_normalize", "scatter_update",
            "fft2_real", "fft2_imag", "layer")},
        **{key: (value, value) for key, value in (
            ("range_sum", 25), ("rank_sum", 4), ("is_finite_sum", 1), ("all_sum", 3),
            ("any_sum", 3))},
        **{key: (value - 1e-5 * abs(value), value + 1e-5 * abs(value)) for key, value in (
            ("conv2d_sum", 112.176), ("conv2d_transpose_sum", 19.55025),
            ("depthwise_conv2d_sum", -78.94607), ("separable_conv2d_sum", 20.05014),
            ("sigmoid_xent_sum", 14.35782), ("softmax_xent_sum", 9.234637),
            ("sparse_softmax_xent_sum", 9.234637), ("scatter_update_sum", 32.74443))},
        **{key: (value * (1 - 1e-4), value * (1 + 1e-4)) for key, value in (
            ("loss_0", 1.705408), ("loss_1", 1.029525), ("loss_2", 0.7007099),
            ("loss_3", 0.5244675), ("loss_4", 0.4208679), ("loss_5", 0.3543914))}},
    "custom_layer": {"accuracy": (0.95, 1.0), "loss_4": (None, of("loss_0", 0.5))},
    # d|c|/da = a / c and d2c/da2 = b^2 / c^3 for c = sqrt(a^2 + b^2), a = [[3, .5], [1, -2]],
    # b = [[4, 1.2], [0, 1.5]]; F1 of tp 1 fp 2 fn 0, then tp 3 fp 2 fn 2, then weighted 5, 2.5, 2
    "researchers_guide": {
        **{key: (value, value) for key, value in (
            ("constant_sum", 11), ("constant_is_int32", 1), ("ones_sum", 2),
            ("uniform_in_range", 1), ("uniform_is_int32", 1), ("linear_weights_tracked", 1),
            ("linear_bias_sum", 0), ("lazy_kernel_rows", 2), ("sum_total", 8), ("sum_tracked", 1),
            ("mlp_weights", 6), ("reset_accuracy", 0), ("f1_intermediate", 0.5),
            ("f1_reset_tp", 0), ("inference_change", 0), ("dropout_scale", 2),
            ("functional_weights", 4), ("predict_rows", 1024), ("custom_iterations", 32))},
        **{key: (value * (1 - 1e-6), value * (1 + 1e-6)) for key, value in (
            ("dc_da_sum", 0.8 + 0.5 / 1.3), ("variable_dc_da_sum", 0.8 + 0.5 / 1.3),
            ("d2c_da2_sum", 16 / 125 + 1.44 / 1.3**3 + 2.25 / 2.5**3), ("f1_final", 0.6),
            ("f1_weighted", 10 / 14.5))},
        "exp_gap": (0.0, 1e-6), "sparse_loss_gap": (0.0, 1e-6), "dropout_kept": (0.45, 0.55),
        "linear_loss_last": (None, of("linear_loss_first", 0.6)),
        "sparse_loss_last": (None, of("sparse_loss_first", 0.7)),
        "loop_accuracy_1": (0.3, 1.0), "compiled_loss_last": (None, of("compiled_loss_first")),
        "fit_loss_1": (None, of("fit_loss_0", 0.9)), "fit_eval_accuracy": (0.5, 1.0),
        "custom_loss_1": (None, of("custom_loss_0", 0.8)), "custom_accuracy": (0.6, 1.0)},
    # the VAE layer's 3 + 2 Dense layers; the functional VAE's input, 3 Dense, Sampling, decoder;
    # the hypernetwork trained on 401 single examples
    "researchers_vae_hypernetwork": {
        **{key: (value, value) for key, value in (
            ("vae_weights", 10), ("vae_losses", 1), ("functional_layers", 6),
            ("functional_output_width", 48), ("hyper_steps", 401), ("main_network_weights", 0),
            ("hypernetwork_iterations", 401))},
        "vae_loss_last": (None, of("vae_loss_first", 0.9)),
        "fit_loss_2": (None, of("fit_loss_0", 0.7)),
        "hyper_loss_last": (None, of("hyper_loss_first", 0.2))},
    # 510 training rows in batches of 32 (validation_split 0.15): 16 steps; the DataLoader's 600
    # rows: 19 batches for 6 epochs
    "engineers_guide": {
        **{key: (value, value) for key, value in (
            ("params", 16500), ("history_keys", 4), ("dropout_weights", 0),
            ("dropout_scale", 2), ("dropout_masks_differ", 1), ("subclassed_trainable", 10),
            ("torch_iterations", 114), ("last_checkpoint_gap", 0))},
        "checkpoints": (of("epochs_run"),) * 2, "test_accuracy": (0.9, 1.0),
        "predicted_accuracy": (of("test_accuracy", 1 - 1e-6), of("test_accuracy", 1 + 1e-6)),
        "loaded_accuracy": (of("test_accuracy", 1 - 1e-6), of("test_accuracy", 1 + 1e-6)),
        "dropout_kept": (0.45, 0.55), "subclassed_val_acc": (0.8, 1.0),
        "subclassed_loss_5": (None, of("subclassed_loss_0", 0.5)), "torch_val_acc": (0.6, 1.0)},
    # Embedding 40 x 16; each LSTM(16) two ways: 4 * 16 * (16 + 16 + 1) and 4 * 16 * (32 + 16 + 1)
    # per direction; Dense 32 + 1
    "bidirectional_lstm": {"padded_shape": (24, 24), "params": (11169, 11169), "weights": (15, 15),
                           "sequence_width": (32, 32), "val_accuracy": (0.75, 1.0),
                           "loss_6": (None, of("loss_0", 0.8))},
    # generator: Dense 16 -> 64, two 4x4 transposed convolutions of 16 filters, a 7x7 Conv2D to 1;
    # discriminator: 3x3 convolutions 5 -> 16 -> 32 channels, Dense 32 -> 1. tf.repeat without
    # an axis repeats each flattened label 64 times (so the 9 noise rows are not equal either);
    # 512 images in batches of 32 for 3 epochs
    "conditional_gan": {
        **{key: (value, value) for key, value in (
            ("one_hot_sum", 512), ("generator_params", 10097), ("discriminator_params", 5409),
            ("generator_output_size", 8), ("spread_shape_sum", 22), ("spread_first_pixel", 0),
            ("spread_total", 128), ("history_keys", 2), ("d_iterations", 48),
            ("g_iterations", 48), ("noise_rows_equal", 0), ("label_weight_4", 0.5),
            ("fake_images", 9), ("resized_size", 24))},
        "d_loss": (0.2, 1.0), "fake_min": (0.0, None), "fake_max": (None, 1.0)},
    # 16x16 images cut into 4x4 patches: 16 patches of 4 * 4 * 3 values; the patch of row 1,
    # column 1 is pixels 4-7 of rows 4-7; the gating Dense's 16 biases start at one
    "modern_mlp_models": {
        **{key: (value, value) for key, value in (
            ("augmented_size", 16), ("patches", 16), ("patch_dim", 48), ("patch_error", 0),
            ("ones_bias_sum", 16), ("mixer_params", 3167), ("fnet_params", 2399),
            ("gmlp_params", 3231))},
        "fft2_real_error": (0.0, 1e-5), "fft2_imag_error": (0.0, 1e-5),
        "mixer_accuracy": (0.85, 1.0), "fnet_accuracy": (0.6, 1.0), "gmlp_accuracy": (0.85, 1.0),
        **{f"{name}_loss_4": (None, of(f"{name}_loss_0", 0.5)) for name in ("mixer", "fnet",
                                                                             "gmlp")}},
    # 5 * 5 + 5; FlexibleDense 3 -> 3 -> 2: 12 + 8 parameters
    "tf_modules_guide": {
        **{key: (value, value) for key, value in (
            ("simple_output", 30), ("simple_trainable", 1), ("simple_variables", 2),
            ("simple_name_kept", 1), ("model_output_width", 2), ("model_output_nonnegative", 1),
            ("submodules", 2), ("model_variables", 4), ("variable_names", 1),
            ("flexible_variables_before", 0), ("flexible_variables_after", 4),
            ("flexible_kernel_rows", 3), ("checkpoint_model_entries", 4),
            ("checkpoint_has_dense_1_w", 1), ("function_rank_2", 2), ("function_rank_3", 3),
            ("keras_layer_width", 3), ("layer_variables_before", 0),
            ("layer_variables_after", 2), ("layer_output_rows", 2), ("wrong_width_refused", 1),
            ("model_output_columns", 2), ("keras_model_variables", 4), ("keras_model_layers", 2),
            ("keras_model_params", 20), ("functional_output_columns", 2),
            ("functional_params", 20))},
        "restored_gap": (0.0, 1e-6), "restored_kernel_gap": (0.0, 0.0),
        "function_same_rows": (0.0, 1e-6)},
    # the block's 1x1 convolutions 3 -> 1 -> 2 -> 3 (4 + 4 + 9) and BatchNormalizations of 1, 2
    # and 3 channels (4 weights a channel, 2 of them moving statistics): 41, 29 trainable
    "tf_custom_layers": {
        **{key: (value, value) for key, value in (
            ("dense_output_rows", 10), ("dense_variables", 2), ("dense_kernel_size", 50),
            ("dense_bias_sum", 0), ("my_dense_names", 1), ("block_layers", 6),
            ("block_variables", 18), ("block_trainable", 12), ("block_params", 41),
            ("seq_output_size", 18), ("seq_params", 41), ("seq_free_size", 7),
            ("moving_mean_moved", 1))},
        "predict_gap": (0.0, 1e-6), "fit_loss_3": (None, of("fit_loss_0", 0.6))},
    "custom_layer_auto_config": {
        **{key: (value, value) for key, value in (
            ("config_units", 8), ("config_activation", 1), ("config_name", 1),
            ("rebuilt_units", 8), ("loaded_units", 8), ("clone_units", 8), ("clone_is_new", 1))},
        "loaded_gap": (0.0, 1e-6)},
    # 16x16 -> conv 14, pad 16, pool 8 -> conv 6, pad 8, pool 4: 16 tokens
    "compact_conv_transformer": {"depth_rows_whole": (1, 1), "depth_kept": (0.42, 0.58),
                                 "depth_scale": (2, 2), "depth_inference_gap": (0, 0),
                                 "tokens": (16, 16), "params": (7311, 7311),
                                 "test_accuracy": (0.5, 1.0),
                                 "loss_4": (None, of("loss_0", 0.9))},
    # the router's dispatch of 6 tokens to 4 experts of capacity 2: (6, 4, 2), each token to one
    # slot at most and each slot to one token; its load-balancing loss 4**2 * mean(P * f)
    "switch_transformer": {"dispatch_shape_sum": (12, 12), "dispatch_per_token_max": (1, 1),
                           "dispatch_per_slot_max": (1, 1), "router_losses": (1, 1),
                           "balance_loss_gap": (0.0, 1e-6), "params": (4534, 4534),
                           "expert_weights": (4, 4), "model_losses": (1, 1),
                           "val_accuracy": (0.85, 1.0), "loss_3": (None, of("loss_0", 0.9))},
    # 384 unlabeled and 128 labeled images in 8 steps an epoch: batches of 48 and 16; the
    # history holds the four trackers and test_step's two probe metrics for validation
    "simclr_contrastive": {
        **{key: (value, value) for key, value in (
            ("unlabeled_batch", 48), ("labeled_batch", 16), ("views_differ", 1),
            ("history_keys", 6), ("has_val_p_acc", 1), ("contrastive_iterations", 24),
            ("probe_iterations", 24))},
        "view_min": (0.0, None), "view_max": (None, 1.0), "inference_rescaled_gap": (0.0, 1e-6),
        "c_loss_2": (None, of("c_loss_0", 0.95)), "finetune_val_acc": (0.4, 1.0),
        "finetune_loss_3": (None, of("finetune_loss_0", 0.95))},
    # 5 epochs of 40 pair batches
    "metric_learning": {"pair_batch_rank": (5, 5), "pair_batch_classes": (8, 8),
                        "history_keys": (2, 2), "iterations": (200, 200),
                        "pair_accuracy": (0.8, 1.0), "unit_norm_gap": (0.0, 1e-5),
                        "self_is_nearest": (0.95, 1.0), "neighbour_accuracy": (0.8, 1.0),
                        "loss_4": (None, of("loss_0", 0.5))},
    "tf_tensors_variables": {key: (value, value) for key, value in (
        ("rank_0_is_int32", 1), ("rank_1_is_float32", 1), ("rank_2_is_float16", 1),
        ("np_array_sum", 21), ("numpy_sum", 21), ("add_sum", 14), ("multiply_sum", 10),
        ("matmul_sum", 20), ("operator_gap", 0), ("reduce_max", 10), ("argmax_sum", 1),
        ("softmax_row_sum", 2), ("list_reduce_max", 3), ("array_reduce_max", 3),
        ("rank_4_ndim", 4), ("rank_4_last_axis", 5), ("rank_4_size", 120), ("rank_4_rank", 4),
        ("shape_as_list_sum", 14), ("tf_shape_sum", 14), ("dtype_name_float32", 1),
        ("index_first", 0), ("index_last", 34), ("slice_sum", 4), ("stride_sum", 33),
        ("reversed_first", 34), ("second_column_sum", 12), ("second_row_sum", 7),
        ("skip_first_row_sum", 18), ("ellipsis_sum", 99), ("ellipsis_gap", 0),
        ("reshaped_columns", 3), ("flat_order", 1), ("merged_rows", 6), ("inferred_columns", 10),
        ("transpose_gap", 1), ("u8_sum", 9), ("u8_is_uint8", 1), ("broadcast_gap", 0),
        ("outer_sum", 60), ("broadcast_to_sum", 18), ("converted_sum", 6),
        ("variable_shape_sum", 4), ("variable_is_float32", 1), ("bool_true", 1),
        ("complex_real_sum", 11), ("converted_variable_sum", 10), ("variable_argmax_sum", 2),
        ("variable_reshape_columns", 4), ("assigned_sum", 3), ("assign_refused", 1),
        ("copy_a_sum", 11), ("copy_b_sum", 5), ("assign_add_sum", 16), ("assign_sub_sum", 0),
        ("same_name_equal_count", 0), ("name_kept", 1), ("step_counter_trainable", 0),
        ("device_matmul_sum", 163))},
    # the tutorial's strings: 语言处理 is 4 characters, 12 bytes in UTF-8 and 8 in UTF-16-BE
    # (first byte 0x8b); the batch's 43 characters padded to 4 x 28 with 69 fills; "Thanks 😊"
    # is 11 bytes, 8 characters, its byte 7 the emoji's first; script codes Han 17, Cyrillic 8,
    # the batch's 38 Latin (25) and 5 Common (0) characters; words start at 0, 5, 7, 12, 13, 15
    "tf_unicode_strings": {
        **{key: (value, value) for key, value in (
            ("smile_bytes", 11), ("vector_rows", 2), ("utf8_bytes", 12), ("utf16_bytes", 8),
            ("utf16_first_byte", 0x8B), ("chars_is_int32", 1),
            ("decoded_sum", 35821 + 35328 + 22788 + 29702), ("encoded_equal", 1),
            ("transcoded_equal", 1), ("utf16_decoded_equal", 1), ("ragged_rows", 4),
            ("ragged_row_lengths_sum", 43), ("padded_columns", 28), ("padded_fill", 69),
            ("sparse_entries", 43), ("sparse_blank", 69), ("cat_dog_cow", 1),
            ("round_trips", 3), ("num_bytes", 11), ("num_chars", 8), ("substr_byte", 1),
            ("substr_char", 1), ("split_chars", 8), ("split_last_bytes", 4),
            ("offsets_sum", 12), ("offsets_is_int64", 1), ("split_offsets", 1),
            ("split_pieces_second", 1), ("script_han", 17), ("script_cyrillic", 8),
            ("script_is_int32", 1), ("batch_script_sum", 38 * 25), ("batch_script_rows", 4),
            ("word_starts_sum", 52), ("words", 6), ("segmented_equal", 1),
            ("num_words_sum", 6), ("bag_total", of("char_total")))},
        "accuracy": (0.7, 1.0), "loss_3": (None, of("loss_0", 0.8))},
    # 90 PNG files, 30 a class: 72 for training in 9 batches of 8, 18 for validation in 3;
    # the labels 0, 1, 2 of 30 files each sum to 90
    # 48 training and 16 validation PNGs of two classes (cats reddish, dogs bluish); the
    # generators' attributes by hand; the CNN separates the tints, augmented or not; the
    # unaugmented run from NumPy weights falls; the transforms of one image are TensorFlow's
    "tf_image_data_generator": {
        **{key: (value, value) for key, value in (
            ("cats_index", 0), ("dogs_index", 1), ("train_samples", 48),
            ("validation_samples", 16), ("train_batches", 6), ("dog_labels", 8),
            ("first_file_is_cat", 1), ("batch_rows", 8), ("batch_height", 24),
            ("batch_channels", 3), ("batch_in_unit_range", 1), ("epochs_run", 8),
            ("predict_rows", 16), ("flow_batch_rows", 16), ("flow_weight_sum", 0),
            ("seeded_params_reapplied", 1), ("standardized_max", 1))},
        "validation_pixel_sum": (3000, 12000), "aug_loss_last": (None, of("aug_loss_first", 0.5)),
        "aug_acc_last": (0.9, 1.0), "aug_val_acc_last": (0.9, 1.0), "aug_eval_acc": (0.9, 1.0),
        "predict_matches_labels": (0.9, 1.0), "exact_loss_3": (None, of("exact_loss_0", 0.5)),
        "feature_mean_red": (90, 180), "feature_mean_blue": (90, 180),
        "feature_std_green": (20, 100), "flow_loss_last": (None, of("flow_loss_first", 0.5)),
        "flow_accuracy": (0.9, 1.0), "seeded_params_theta": (-40, 40),
        "explicit_corner": (0, 255)},
    "tf_load_images": {
        **{key: (value, value) for key, value in (
            ("image_count", 90), ("rose_is_rgb", 1), ("class_names_sorted", 1),
            ("train_batches", 9), ("val_batches", 3), ("batch_shape_sum", 8 + 16 + 16 + 3),
            ("labels_is_int32", 1), ("val_count", 18), ("listed_files", 90),
            ("listed_are_png", 1), ("train_files", 72), ("val_files", 18),
            ("image_shape_sum", 35), ("label_is_int64", 1), ("tulip_label", 2),
            ("daisy_label", 0), ("label_total", 90), ("tf_data_batch_rows", 8),
            ("jpeg_is_uint8", 1), ("jpeg_shape_equal", 1))},
        "val_pixel_mean": (60, 200), "val_label_sum": (0, 36), "normalized_min": (0.0, None),
        "normalized_max": (None, 1.0), "tulip_pixel_mean": (60, 200),
        "keras_utility_loss_last": (None, of("keras_utility_loss_0", 0.8)),
        "keras_utility_val_accuracy": (0.8, 1.0), "tf_data_val_accuracy": (0.8, 1.0),
        "jpeg_mean": (60, 200)},
    # one 24 x 24 image resized to 16 and rescaled; a 12 x 12 central crop; the stateless draws
    # in their ranges (their values are TensorFlow's: KERAS_TOLERANCE); 64 training images
    "tf_data_augmentation": {
        **{key: (value, value) for key, value in (
            ("image_is_uint8", 1), ("first_label", 0), ("rescaled_size", 16),
            ("augmented_shape_sum", 1 + 24 + 24 + 3), ("inference_is_identity", 1),
            ("aug_ds_size", 16),
            ("prepared_batch_shape_sum", 16 + 16 + 16 + 3), ("lambda_inverted_gap", 0),
            ("layer_kept_gap", 0), ("flip_gap", 0), ("gray_channels", 1), ("cropped_size", 12),
            ("rot90_gap", 0), ("same_seed_same_image", 1), ("split_seed_is_int64", 1),
            ("generated_in_range", 1))},
        "augmented_differ": (0, 1), "rescaled_min": (0.0, 1.0), "rescaled_max": (0.0, 1.0),
        "bright_gap": (0.0, 1e-6),
        **{f"brightness_shift_{i}": (-0.95, 0.95) for i in range(3)},
        **{f"contrast_std_{i}": (0.0, None) for i in range(3)},
        **{f"crop_sum_{i}": (0.0, 12 * 14 * 3) for i in range(3)},
        "counted_pixel_mean": (0.0, 1.0),
        "layers_loss_last": (None, of("layers_loss_0")),
        "generator_loss_last": (None, of("generator_loss_0", 0.9)),
        "generator_val_accuracy": (0.75, 1.0)},
    # 200 reviews, 40 held out (20 of them positive); 30 words and the 2 reserved tokens (the
    # punctuation and the "<br />" standardized away); Embedding 40 x 8, Dense 8 -> 16 -> 1;
    # vectors.tsv and metadata.tsv hold the 31 rows after the padding
    "tf_word_embeddings": {
        **{key: (value, value) for key, value in (
            ("class_names_ok", 1), ("text_is_string", 1), ("val_label_sum", 20),
            ("val_count", 40), ("embedded_shape_sum", 8), ("embedded_batch_shape_sum", 10),
            ("vocab_size", 32), ("vocab_head_ok", 1), ("vocab_has_no_punctuation", 1),
            ("vocab_has_no_br", 1), ("sample_ids_nonzero", 6), ("sample_width", 24),
            ("logs_written", 1), ("params", 40 * 8 + 8 * 16 + 16 + 16 + 1),
            ("weights_rows", 40), ("weights_columns", 8), ("tsv_rows", 31),
            ("tsv_columns", 8), ("tsv_read_back_gap", 0), ("metadata_rows", 31),
            ("good_words_above_bad", 1))},
        "loss_last": (None, of("loss_0", 0.5)), "val_accuracy": (0.9, 1.0)},
    # 240 rows of 13 columns and the target; 5 numeric columns (age int64, oldpeak float64);
    # the preprocessor's 3 binary + 5 normalized columns and one-hot codes of cp (5 values),
    # restecg (3), slope (3), thal (3) and ca (4), each with an out-of-vocabulary slot: 31
    # wide, a row holding 5 ones among them
    "tf_pandas_dataframe": {
        **{key: (value, value) for key, value in (
            ("columns", 13), ("tensor_shape_sum", 245), ("tensor_is_float64", 1),
            ("dataset_row_width", 5), ("dict_keys", 5), ("dict_age_is_int64", 1),
            ("dict_oldpeak_is_float64", 1), ("subclassed_predict_rows", 3),
            ("functional_inputs", 5), ("preprocessed_width", 31), ("first_row_width", 31),
            ("first_row_one_hots", 5))},
        "subclassed_predict_rank": (3, 3), "string_inputs": (1, 1),
        "normalizer_mean_age": (29, 78), "subclassed_mean_chol": (126, 400),
        "basic_loss_drop": (None, 1.0), "full_loss_drop": (None, 0.8),
        "full_accuracy": (0.65, 1.0)},
    # 640 uint8 digits of 28 x 28 in 10 batches of 64; the history's loss and accuracy
    "tf_load_numpy": {
        **{key: (value, value) for key, value in (
            ("fetched_equal", 1), ("example_is_uint8", 1), ("example_rank", 2),
            ("cardinality", 640), ("train_batches", 10), ("history_keys", 2))},
        "test_accuracy": (0.9, 1.0), "ordered_test_accuracy": (0.9, 1.0),
        "loss_3": (None, of("loss_0", 0.01))},
    # 96 PNG files, 32 a class, 77 for training in batches of 16; Conv2D 3 -> 8 (224) and
    # 8 -> 16 (1168) on 24 x 24, pooled twice to 6 x 6 x 16, Dense 576 -> 32 (18464) -> 3 (99);
    # the augmentation layers add no weights
    "tf_image_classification": {
        **{key: (value, value) for key, value in (
            ("image_count", 96), ("classes", 3), ("image_batch_rows", 16),
            ("normalized_in_range", 1), ("basic_params", 19955), ("history_epochs", 6),
            ("augmented_shape_sum", 4 + 24 + 24 + 3), ("augmented_params", 19955),
            ("outputs_named", 1), ("loaded_size", 24), ("array_is_float32", 1),
            ("predicted_is_rose", 1))},
        "basic_val_accuracy": (0.8, 1.0), "dropout_val_accuracy": (0.8, 1.0),
        "basic_loss_drop": (None, 0.6), "dropout_loss_drop": (None, 0.8),
        "score_sum": (1 - 1e-5, 1 + 1e-5)},
    "tf_string_tensors": {key: (value, value) for key, value in (
        ("scalar_is_string", 1), ("scalar_rank", 0), ("vector_is_string", 1),
        ("vector_length", 3), ("numpy_is_bytes", 1), ("split_words", 2),
        ("split_second_is_wolf", 1), ("to_number_sum", 111), ("to_number_is_float32", 1),
        ("bytes_split_first", 1), ("decode_raw_sum", 391), ("unicode_chars", 5),
        ("unicode_last_value", 0x1F986))},
    # the guide's ragged tensors, their factories and ops, as TensorFlow 2.21 gives them; the
    # hashed-word model from a NumPy draw learns the questions
    "tf_ragged_tensors": {
        **{key: (value, value) for key, value in (
            ("constant_refused", 1), ("ragged_shape_rows", 4), ("ragged_shape_unknown", 1),
            ("add_sum", 55), ("row_sum_2", 16), ("row_max_0", 4), ("concat_rows", 6),
            ("substr_first_is_so", 1), ("map_fn_square_sum", 173), ("to_list_equal", 1),
            ("numpy_rows", 5), ("first_row_sum", 9), ("first_two_sum", 24),
            ("last_two_sum", 22), ("pairwise_sum", 67), ("map_flat_values_sum", 70),
            ("sentences_rows", 2), ("paragraphs_ragged_rank", 2), ("paragraph_words", 17),
            ("factories_agree", 1), ("by_ids_last_row", 2), ("uniform_inner_dim", 2),
            ("uniform_inner_ragged_rank", 1), ("nested_rank", 2), ("nested_bounding_2", 4),
            ("nested_merge_rows", 3), ("padded_columns", 10), ("padded_blank", 1),
            ("from_tensor_sum", 32), ("sparse_entries", 7), ("sparse_round_trip", 1),
            ("word_buckets_rows", 3), ("word_embeddings_rows", 10), ("masked_sum", 27),
            ("bigram_count", 13), ("bigram_last_is_marker", 1), ("avg_embedding_rows", 3),
            ("tile_sum", 62),
            ("range_values", 5), ("stacked_rows", 2), ("chars_padded_width", 28),
            ("chars_padded_fill", 69), ("chars_last_value", 128522), ("encode_round_trip", 1),
            ("unpad_round_trip", 1), ("dataset_first_sum", 9), ("dataset_batches", 3),
            ("dataset_batch_rows", 2), ("padded_words_width", 8))},
        "loss_0": (0.66, 0.67), "loss_5": (None, of("loss_0", 0.8))},
    # the 5x5 type-A mask keeps the 12 pixels before the centre, the 3x3 type-B mask 5
    "pixelcnn": {"params": (4129, 4129), "input_batch": (32, 32), "mask_a_ones": (12, 12),
                 "mask_b_ones": (5, 5), "masked_kernel_zero": (1, 1), "sampled_binary": (1, 1),
                 "sampled_rows": (4, 4), "loss_3": (None, of("loss_0", 0.7))},
    # both standardized convolutions against a NumPy convolution of the standardized kernel
    "standardized_conv": {"override_gap": (0.0, 1e-5), "call_gap": (0.0, 1e-5),
                          "params": (1212, 1212), "test_accuracy": (0.4, 1.0),
                          "loss_3": (None, of("loss_0", 0.8))},
    # 3 LeakyReLU layers in the resizer: its two own and the one conv_block shares
    "learnable_resizer": {"resizer_params": (16899, 16899), "leaky_relu_layers": (3, 3),
                          "params": (17141, 17141), "resized_from_16": (12, 12),
                          "resized_from_28": (12, 12), "loss_3": (None, of("loss_0", 0.2))},
    # 128 rows in batches of 16 for 3 epochs: 24 steps, 12 of them applied by the SGD that
    # accumulates 2 batches' gradients (iterations counts those, as Keras);
    # the schedules at steps 0, 10, 25, 60 and 110 as their formulas give them
    "optimizer_options": {
        "adamw_iterations": (24, 24), "sgd_accumulated_iterations": (12, 12),
        "cosine_warmup_0": (0.0, 0.0), "cosine_warmup_10": (0.05 - 1e-7, 0.05 + 1e-7),
        "piecewise_10": (0.1 - 1e-7, 0.1 + 1e-7), "piecewise_25": (0.05 - 1e-7, 0.05 + 1e-7),
        "piecewise_60": (0.01 - 1e-8, 0.01 + 1e-8),
        "inverse_time_25": (0.05 - 1e-7, 0.05 + 1e-7),
        "exponential_staircase_60": (0.1 / 16 - 1e-8, 0.1 / 16 + 1e-8),
        **{f"{name}_loss_2": (None, of(f"{name}_loss_0")) for name in (
            "adamw_excluded", "adam_global_clipnorm", "sgd_accumulated", "rmsprop_centered",
            "lion", "adafactor", "ftrl", "adagrad", "adamax", "nadam", "amsgrad")}},
    # (1 * 1 + 3 * 0 + 5 * 2 + 7 * 1) / 4
    "losses_metrics_api": {"metric_weighted_mean": (4.5 - 1e-6, 4.5 + 1e-6),
                           "metric_auc_roc": (0.0, 1.0), "metric_r2": (None, 1.0),
                           "loss_bce_logits_sum": (0.0, None), "fit_loss_1": (0.0, None)},
    # Normalization inverted: x * sqrt(variance) + mean; counts weighted, times each token's
    # index: 1 * 3 + 4 * 1.5 and 2 * 3 + 3 * 3; bins of [-1, 0, 0.1, 1]: 0, 1, 3, 3, 4;
    # transposed lengths (n - 1) * stride + kernel - 2 * pad + output_padding: 6 * 2 + 3 + 1,
    # 8 * 2 + 3 - 2 + 1 and 8 * 3 + 2 - 2 + 2
    "layer_options": {"inverted_sum": (3.25, 3.25), "category_count_sum": (24, 24),
                      "discretization_sum": (11, 11), "masked_padding_change": (0.0, 1e-6),
                      "conv1d_transpose_size": (2 * 16 * 4, 2 * 16 * 4),
                      "conv2d_transpose_size": (2 * 18 * 26 * 4, 2 * 18 * 26 * 4),
                      "upsampling_bilinear_size": (2 * 18 * 27 * 3, 2 * 18 * 27 * 3)},
    # the frozen model: out's kernel and bias train; hidden's 2 and norm's 4 do not
    "keras_faq": {**{key: (value, value) for key, value in (
        ("reproducible_losses", 1), ("reproducible_weights", 1), ("by_name_is_by_index", 1),
        ("layers", 4), ("trainable_weights", 2), ("non_trainable_weights", 6),
        ("frozen_change", 0), ("frozen_statistics_change", 0), ("frozen_norm_training_gap", 0),
        ("unfrozen_trainable_weights", 4), ("popped_layers", 3), ("popped_output_width", 16),
        ("rebuilt_gap", 0))},
        "val_loss_frozen_sgd": (of("last_rows_loss", 1 - 1e-6), of("last_rows_loss", 1 + 1e-6)),
        "unfrozen_change": (1e-4, None)},
    # 8 frames of 16x16 in 4x4x4 tubelets: 2 x 4 x 4 tokens; chance is 1/6
    "video_vision_transformer": {"tokens": (32, 32), "params": (8246, 8246),
                                 "test_accuracy": (0.25, 1.0),
                                 "loss_3": (None, of("loss_0", 0.97))},
    # the causal mask of 4 steps keeps 1 + 2 + 3 + 4 entries, twice for a batch of 2
    "miniature_gpt": {"mask_ones": (20, 20), "mask_upper_zero": (1, 1), "generated": (6, 6),
                      "hidden_width": (16, 16), "loss_5": (None, of("loss_0", 0.8))},
    "subclassed_model": {"test_accuracy": (0.88, 1.0), "trainable_weights": (12, 12),
                         "loss_ratio": (None, 0.6)},
    "custom_train_step": {"eval_mae": (None, 0.3), "loss_ratio": (None, 0.1)},
    "custom_metric_trackers": {"val_mae": (None, of("mean_predictor_mae", 0.6)),
                               "loss_ratio": (None, 0.6)},
    "loop_from_scratch": {"val_accuracy": (0.8, 1.0), "loss_ratio": (None, 0.4)},
    "functional_ops": {"accuracy": (0.97, 1.0), "loss_5": (None, of("loss_0", 0.1))},
    "endpoint_layer": {"accuracy": (0.95, 1.0), "loss_ratio": (None, 0.5)},
    "activity_regularization": {"accuracy": (0.78, 1.0), "loss_gap": (0.0, 1e-5),
                                "loss_5": (None, of("loss_0", 0.6))},
    "masking": {"accuracy": (0.9, 1.0), "padding_change": (0.0, 1e-5)},
    "vae": {"reconstruction_loss": (None, of("mean_image_loss", 0.8)),
            "kl_loss": (0.5, None), "loss_ratio": (None, 0.7)},
    # keras.applications.ResNet50 (weights=None, then from its saved file) frozen under a new head
    "transfer_learning_resnet50": {"weights_file_gap": (0.0, 1e-6), "base_layers": (175, 175),
                                   "trainable_in_frozen_phase": (2, 2), "frozen_change": (0.0, 0.0),
                                   "loss_5": (None, of("loss_0", 0.5)),
                                   "frozen_accuracy": (0.85, 1.0),
                                   "fine_tune_kernel_change": (1e-8, 1e-3),
                                   "tuned_accuracy": (0.85, 1.0)},
    "transfer_learning": {"frozen_change": (0.0, 0.0), "frozen_moving_stats_change": (0.0, 0.0),
                          "fine_tune_kernel_change": (1e-5, 0.05),
                          "frozen_accuracy": (0.75, 1.0), "tuned_accuracy": (0.75, 1.0)},
    "callbacks_logs": {"epochs_run": (4, 59), "restored_gap": (0.0, 1e-5),
                       "checkpoint_gap": (0.0, 1e-5), "best_val_loss": (None, 0.2)},
    "saving_formats": {"max_difference": (0.0, 1e-6), "accuracy": (0.7, 1.0)},
    "seq2seq": {"token_accuracy": (0.9, 1.0), "sequence_accuracy": (0.8, 1.0)},
    "transformer_block": {"accuracy": (0.9, 1.0), "loss_ratio": (None, 0.5)},
    "structured_data": {"accuracy": (0.85, 1.0), "high_risk_probability": (0.8, 1.0)},
    # 56 one-hot and normalized columns (age's 30 bins, ca 4, cp 5, exang 2, fbs 2, restecg 3,
    # sex 2, thal 3, five floats), the crosses' 64 + 16
    "feature_space_structured": {
        **{key: (value, value) for key, value in (
            ("encoded_width", 136), ("encoded_rows", 480), ("age_ones_per_row", 1),
            ("thal_width", 3), ("cp_width", 5), ("row_width", 136))},
        "chol_mean": (-1e-5, 1e-5), "chol_std": (1 - 1e-5, 1 + 1e-5), "accuracy": (0.8, 1.0),
        "val_accuracy": (0.75, 1.0), "probability": (0.8, 1.0), "direct_gap": (0.0, 1e-6)},
    "siamese": {"accuracy": (0.9, 1.0), "loss_ratio": (None, 0.5)},
    "regression_tutorial": {"test_mae": (None, 3.5), "val_mae": (None, 3.5),
                            "slope": (-0.2, -0.05)},
    "distillation": {"teacher_accuracy": (0.9, 1.0), "student_accuracy": (0.88, 1.0),
                     "teacher_change": (0.0, 0.0), "loss_ratio": (None, 0.3)},
    "timeseries_weather": {"val_mse": (None, of("naive_mse", 0.8)),
                           "loss_ratio": (None, 0.6)},
    "functional_multi_io": {"priority_accuracy": (0.75, 1.0), "department_accuracy": (0.8, 1.0),
                            "mean_predictor_accuracy": (0.45, 0.55),
                            "loss_weighting_gap": (0.0, 1e-5), "loss_5": (None, of("loss_0", 0.6))},
    "custom_loss_metric": {"true_positives": (of("true_positives_by_hand"),) * 2,
                           "weighted_true_positives": (of("weighted_true_positives_by_hand"),) * 2,
                           "accuracy": (0.9, 1.0), "minority_recall": (0.7, 1.0),
                           "loss_ratio": (None, 0.6)},
    "rnn_layers": {"accuracy": (0.9, 1.0), "cell_accuracy": (0.85, 1.0),
                   "copy_difference": (0.0, 1e-6)},
    "convnet": {"test_accuracy": (0.95, 1.0), "loss_3": (None, of("loss_0", 0.1))},
    # 0.02 * 0.9 ** (32 steps / 8); 0.1 halved by the scheduler after epochs 2, 3 and 4 and by
    # the plateau callback after epochs 2, 3 and 4 (no improvement of 0.05 on epoch 1's 0.12)
    "lr_schedules": {"decayed_learning_rate": (0.02 * 0.9**4 * 0.99999, 0.02 * 0.9**4 * 1.00001),
                     "final_learning_rate": (0.1 / 64 * 0.99999, 0.1 / 64 * 1.00001),
                     "loss_3": (None, of("loss_0", 0.1)),
                     "sgd_loss_4": (None, of("sgd_loss_0", 0.2))},
    "pydataset_training": {"val_accuracy": (0.75, 1.0), "predict_accuracy": (0.75, 1.0),
                           "epochs_ended": (5, 6), "loss_4": (None, of("loss_0", 0.5))},
    "feature_extraction": {"feature_error": (0.0, 1e-5), "pair_zero": (0.0, 0.0),
                           "rebuild_error": (0.0, 0.0), "layers": (4, 4)},
    "regularized_text_cnn": {"val_accuracy": (0.75, 1.0), "max_kernel_norm": (0.0, 1.5 + 1e-5),
                             "loss_5": (None, of("loss_0", 0.5))},
    # ComputeSum called twice on ones((2, 2)): each of its 2 totals is 2 + 2
    "layer_subclassing": {"total": (8, 8), "second_call_loss": (0.0, 0.0), "l2_gap": (0.0, 1e-6),
                          "kept_training": (0.4, 0.6), "unchanged_inference": (0.0, 0.0),
                          "test_mse": (None, of("target_variance", 0.15))},
    "sequential_guide": {"weights_before_call": (0, 0), "weights_after_call": (6, 6),
                         "known_params": (10, 10), "feature_width": (16, 16),
                         "accuracy": (0.85, 1.0)},
    "image_augmentation": {"inference_change": (0.0, 0.0), "training_change": (1.0, None),
                           "accuracy": (0.9, 1.0)},
    "ops_layers": {"accuracy": (0.7, 1.0), "top2": (0.88, 1.0), "padding_change": (0.0, 1e-5),
                   "loss_5": (None, of("loss_0", 0.5))},
    "imbalanced_metrics": {"tp": (of("tp_by_hand"),) * 2, "fn": (of("fn_by_hand"),) * 2,
                           "precision": (of("precision_by_hand", 1 - 1e-6),
                                         of("precision_by_hand", 1 + 1e-6)),
                           "recall": (of("recall_by_hand", 1 - 1e-6),
                                      of("recall_by_hand", 1 + 1e-6)),
                           "recall_by_hand": (0.7, 1.0), "auc": (0.9, 1.0),
                           "positive_rate": (0.03, 0.1)},
    # 320 rows: 5 evaluate batches of 64, 4 predict batches of 80
    "writing_callbacks": {"epochs_run": (2, 10), "stopped_epoch": (1, 9),
                          "final_loss": (None, 0.01), "test_batches": (5, 5),
                          "predict_batches": (4, 4)},
    "compute_loss_override": {"teacher_accuracy": (0.85, 1.0), "student_accuracy": (0.85, 1.0),
                              "teacher_change": (0.0, 0.0), "loss_4": (None, of("loss_0", 0.1))},
    "distiller_unfrozen_teacher": {"teacher_change": (0.1, None), "student_accuracy": (0.6, 1.0),
                                   "loss_4": (None, of("loss_0", 0.1))},
    # 512 points in batches of 64: 8 steps an epoch for each optimizer, 4 epochs
    "gan_two_optimizers": {"d_optimizer_iterations": (32, 32), "g_optimizer_iterations": (32, 32),
                           "generator_change": (1e-3, None), "discriminator_change": (1e-3, None),
                           "d_loss": (0.3, 1.0), "radius_error": (None, of("radius_error_before"))},
    "builtin_training_guide": {
        "split_val_accuracy": (0.4, 1.0), "true_positives": (200, 640),
        "evaluate_true_positives": (of("true_positives_by_hand"),) * 2,
        "class_weight_recall_3": (0.9, 1.0), "list_dict_gap": (0.0, 0.0),
        "split_loss_2": (None, of("split_loss_0", 0.9)),
        "dict_loss_2": (None, of("dict_loss_0", 0.6)),
        "one_output_loss_2": (None, of("one_output_loss_0", 0.9))},
    # interrupted at the start of epoch 3 of 6: the second fit runs epochs 3-5, 8 steps each
    "backup_and_restore": {"backup_left": (1, 1), "backup_removed": (1, 1),
                           "resumed_epochs": (3, 3), "resumed_gap": (0.0, 1e-6),
                           "resumed_iterations": (48, 48), "epochs_run": (2, 39),
                           "restored_gap": (0.0, 1e-6), "checkpoint_gap": (0.0, 0.0),
                           "lr_cuts": (1, None), "final_learning_rate": (1e-4, 0.0025)},
    "rnn_guide": {"gru_last_step_gap": (0.0, 0.0), "stateful_gap": (0.0, 1e-6),
                  "reset_gap": (0.0, 1e-6), "state_reuse_gap": (0.0, 1e-6),
                  "state_count": (2, 2), "stateful_weights": (3, 3), "cell_gap": (0.0, 1e-6),
                  "backward_layer_width": (10, 10), "bidirectional_concat_width": (12, 12),
                  "accuracy": (0.85, 1.0), "loss_5": (None, of("loss_0", 0.5))},
    "functional_api_guide": {"mnist_params": (55050, 55050), "mnist_layers": (4, 4),
                             "encoder_shared": (1, 1), "decoded_shape": (100, 100),
                             "ensemble_gap": (0.0, 1e-6), "feature_count": (13, 13),
                             "feature_logits_gap": (0.0, 1e-6), "from_config_gap": (0.0, 0.0),
                             "custom_rnn_weights": (6, 6), "shared_embedding_weights": (1, 1),
                             "ticket_loss_2": (None, of("ticket_loss_0", 0.97))},
    "encoder_decoder_states": {"accuracy": (0.95, 1.0), "loss_5": (None, of("loss_0", 0.1))},
    # examples (keras.io) and TensorFlow tutorials
    "wgan_gp": {"latent_draws": (32, 32), "gp_1": (0.0, 1.0), "d_loss_1": (-5.0, 5.0)},
    "tf_advanced_autodiff": {"dy_dx": (3, 3), "d2y_dx2": (6, 6), "hessian_trace": (4.1, 4.25),
                             "loss_after_newton": (None, of("loss_before", 0.2)),
                             "jacobian_size": (1470, 1470), "batch_jacobian_size": (210, 210),
                             "batch_error": (0.0, 1e-6), "gp_2": (None, of("gp_0", 1.0))},
    "tf_autodiff": {"dy_dx": (6, 6), "w_grad_error": (0.0, 1e-5), "dict_grad_error": (0.0, 1e-6),
                    "none_count": (3, 3), "watched": (6, 6), "dz_dx": (108, 108),
                    "dy_dx_persistent": (6, 6), "stopped_y": (1, 1), "dv0": (1, 1),
                    "dv1_is_none": (1, 1), "v_after_steps": (1.28 - 1e-6, 1.28 + 1e-6),
                    "jacobian_size": (3500, 3500), "sigmoid_slope_error": (0.0, 1e-6),
                    "jacobian_error": (0.0, 1e-5)},
    "tf_custom_training": {"product_sum": (5, 5), "total": (34, 34), "tensor_mean": (43, 43),
                           "broadcast_sum": (129, 129), "batch_rows": (32, 32),
                           "softmax_rows": (5 - 1e-5, 5 + 1e-5),
                           "loss_last": (None, of("loss_0", 0.6)), "test_accuracy": (0.75, 1.0),
                           "centers_right": (0.6, 1.0)},
    "tf_basic_classification": {"test_accuracy": (0.7, 1.0), "row_sum": (0.0, 1e-6),
                                "prediction_accuracy": (of("test_accuracy", 1 - 1e-6),
                                                        of("test_accuracy", 1 + 1e-6)),
                                "single_shape": (5, 5), "single_gap": (0.0, 1e-6),
                                "loss_4": (None, of("loss_0", 0.7))},
    "tf_basic_regression": {"normalized_mean": (-1e-5, 1e-5), "prediction_rank": (1, 1),
                            "dnn_mae": (None, of("label_std", 0.4)), "slope": (-0.02, 0.0),
                            "prediction_mae": (of("dnn_mae", 1 - 1e-5), of("dnn_mae", 1 + 1e-5))},
    "tf_overfit_underfit": {"learning_rate_at_10_epochs": (0.005 - 1e-8, 0.005 + 1e-8),
                            "l2_penalty_gap": (0.0, 1e-6), "history_keys": (6, 6),
                            "has_val_binary_crossentropy": (1, 1),
                            "small_val_accuracy": (0.75, 1.0), "l2_val_accuracy": (0.8, 1.0),
                            "dropout_val_accuracy": (0.75, 1.0)},
    # 10 epochs, a checkpoint every 2: epochs 2, 4, ..., 10 and the one saved by hand
    # copying 6 tokens: TensorFlow 2.21 reaches 0.975 / loss 0.083 (numnet 0.969 / 0.140)
    "tf_transformer_tutorial": {"loss_last": (None, of("loss_0", 0.2)),
                                "accuracy_last": (0.85, 1.0), "val_accuracy_last": (0.85, 1.0),
                                "scores_heads": (2, 2), "scores_sum": (0.999, 1.001),
                                "rate_at_40": (0.03952, 0.03953), "params": (3220, 3220),
                                "copied": (0.8, 1.0)},
    # unseeded initial weights, 5 epochs on 400 rows: accuracies spread from ~0.7 to ~0.98 run to
    # run (chance is 0.25)
    "tf_save_load": {"trained_accuracy": (0.55, 1.0), "restored_gap": (0.0, 1e-6),
                     "files_1": (1, 1), "files_2": (6, 6), "latest_is_epoch_10": (1, 1),
                     "latest_gap": (0.0, 1e-6), "predictions_gap": (0.0, 1e-6),
                     "loaded_accuracy": (0.55, 1.0), "loaded_params": (804, 804)},
    "timeseries_classification": {"test_accuracy": (0.9, 1.0), "best_val_accuracy": (0.9, 1.0),
                                  "loss_5": (None, of("loss_0", 0.3)), "params": (546, 546)},
    "denoising_autoencoder": {"denoised_mse": (None, of("noisy_mse", 0.8)),
                              "output_rows": (12, 12), "loss_5": (None, of("loss_0", 0.5))},
    "dcgan": {"history_keys": (2, 2), "monitor_images": (4, 4), "sample_min": (-1.0, 0.0),
              "sample_max": (0.0, 1.0), "d_loss": (0.3, 1.0), "monitor_range": (1.0, 255.0)},
    "text_generation_lstm": {"accuracy": (0.5, 1.0), "loss_5": (None, of("loss_0", 0.6)),
                             "row_sum_error": (0.0, 1e-5)},
    "text_transformer": {"val_accuracy": (0.9, 1.0), "block_weights": (16, 16),
                         "loss_ratio": (None, 0.5)},
    "collaborative_filtering": {"recommended": (5, 5), "loss_4": (None, of("loss_0", 0.7)),
                                "regularization": (0.0, 1e-3),
                                "dot_loss_4": (None, of("dot_loss_0", 0.9))},
    "quantile_regression": {"coverage": (0.7, 0.9), "ordered": (0.95, 1.0),
                            "width_wide": (of("width_narrow", 1.3), None),
                            "median_by_hand": (of("median_test_loss", 1 - 1e-4),
                                               of("median_test_loss", 1 + 1e-4)),
                            "restored_quantile": (0.5, 0.5)},
    # five subjects and "[UNK]"; the first paper has one term; the vectorizer keeps as many
    # unigrams and bigrams as there are distinct words (40); the TF-IDF sum is TensorFlow's
    "multi_label_classification": {
        **{key: (value, value) for key, value in (
            ("vocab_size", 6), ("vocab_oov_first", 1), ("binarized_width", 6),
            ("binarized_sum", 1), ("binarized_oov", 0), ("inverted_matches", 1),
            ("tf_idf_width", 40), ("tf_idf_nonnegative", 1), ("probability_rows", 32))},
        "tf_idf_sum": (1888.0865 * (1 - 1e-5), 1888.0865 * (1 + 1e-5)),
        "tf_idf_first_row": (56.567635 * (1 - 1e-5), 56.567635 * (1 + 1e-5)),
        "loss_last": (None, of("loss_first", 0.4)), "test_binary_accuracy": (0.9, 1.0),
        "val_binary_accuracy": (0.9, 1.0), "exact_match": (0.6, 1.0), "top_3_hits": (4, 5)},
    # 8 trainable weights on top of the frozen encoder (BiLSTM 6, Dense 2), 31 unfrozen; the
    # loss before training is Keras's (JAX) on the same NumPy draw
    "semantic_similarity": {
        **{key: (value, value) for key, value in (
            ("frozen_trainable", 8), ("unfrozen_trainable", 31), ("frozen_kept", 1),
            ("bert_moved", 1), ("contradiction_found", 1))},
        "initial_loss": (1.1557614 * (1 - 1e-5), 1.1557614 * (1 + 1e-5)),
        "fine_loss_last": (None, of("loss_first", 0.6)), "test_accuracy": (0.55, 1.0),
        "val_accuracy": (0.55, 1.0), "probability": (0.5, 1.0)},
    # 40 of each label for training, 20 each for validation and test, the other 320 pooled;
    # each round takes int(ratio * 60) of each label (59 or 60 reviews)
    "active_learning": {
        **{key: (value, value) for key, value in (
            ("train_size", 80), ("val_size", 40), ("pool_size", 320), ("full_size", 400),
            ("vocabulary_size", 34), ("full_keys", 1))},
        "full_accuracy": (0.75, 1.0), "al_accuracy": (0.7, 1.0), "full_errors": (0, 10),
        "full_reload_gap": (0.0, 1e-6), "al_loss_min": (None, of("al_loss_first", 0.8)),
        "al_epochs": (9, 18), "sampled_first": (139, 140), "sampled_last": (198, 200),
        "pool_taken": (118, 120)},
    # a ring of 8 roads, each within the kernel's threshold of its two neighbours (16 edges);
    # 1655 weights: GraphConv 1 x 4, LSTM 4 * 16 * (8 + 16 + 1), Dense 16 * 3 + 3; the probe
    # features 0..47 summed once for the nodes and twice (sum, mean of two) for the messages;
    # the losses are Keras's (TensorFlow) from the same NumPy draw
    "traffic_forecasting": {
        **{key: (value, value) for key, value in (
            ("num_edges", 16), ("train_batches", 6), ("input_width", 8), ("target_steps", 1),
            ("test_rows", 106), ("output_rank", 3), ("output_steps", 3), ("params", 1655),
            ("sum_messages", 3384), ("max_messages", 2688), ("mean_messages", 2256))},
        **{key: (value * (1 - 1e-4), value * (1 + 1e-4)) for key, value in (
            ("loss_0", 0.98003584), ("loss_1", 0.88944942), ("loss_2", 0.75206095),
            ("loss_3", 0.56575733), ("loss_4", 0.43562871))},
        "loss_9": (None, of("loss_0", 0.3)), "model_mse": (None, 0.6),
        "reload_gap": (0.0, 1e-6)},
    # 600 samples: (600 - 20) // 5 + 1 = 117 frames of 64 // 2 + 1 = 33 bins; the 'same'
    # spectrograms 120 frames x 33 bins x 3 channels; (600 - 64) // 16 + 1 = 38 mel frames;
    # the spectrogram sums and the losses before training are Keras's (JAX)
    "stft_spectrogram": {
        **{key: (value, value) for key, value in (
            ("spectrogram_frames", 117), ("spectrogram_bins", 33), ("multi_shape_sum", 156),
            ("stft_1d_trainable", 0), ("stft_1d_non_trainable", 2), ("stft_2d_trainable", 2),
            ("model_2d_trainable", 14), ("stft_1d_kept", 1), ("mel_frames", 38),
            ("mel_bins", 12), ("builtin_mel_bins", 12), ("mel_trainable", 0))},
        **{key: (value - 1e-5 * abs(value), value + 1e-5 * abs(value)) for key, value in (
            ("spectrogram_sum", -4366.962), ("multi_channel_sums", -26917.43),
            ("initial_1d_loss", 1.106465), ("initial_2d_loss", 1.114439),
            ("mel_sum", 2544.793))},
        "loss_1d_last": (None, of("loss_1d_first", 0.6)),
        "loss_2d_last": (None, of("loss_2d_first", 0.7)), "stft_2d_moved": (1e-3, None),
        "test_acc_1d": (0.8, 1.0), "test_acc_2d": (0.6, 1.0), "istft_error": (0.0, 1e-5)},
    # 34 characters; 384 samples give (384 - 32) // 16 + 1 = 23 frames, padded to 24, of 17
    # bins; "<abc>" and a pad; the schedule by hand: 0.001 + 0.0045 * epoch up to 0.01, then
    # 0.01 - 0.0009 * (epoch - 3); the first epoch's loss is Keras's to 2e-4 (TensorFlow)
    "transformer_asr": {
        **{key: (value, value) for key, value in (
            ("vocab_size", 34), ("source_frames", 24), ("source_bins", 17),
            ("target_length", 6), ("steps_per_epoch", 6), ("metrics_count", 1),
            ("history_keys", 2), ("mask_sum", 2), ("displays", 3))},
        **{key: (value * (1 - 1e-6), value * (1 + 1e-6)) for key, value in (
            ("lr_0", 0.001), ("lr_1", 0.0055), ("lr_2", 0.01), ("lr_3", 0.01),
            ("lr_4", 0.0037))},
        "loss_0": (2.8054 * (1 - 5e-4), 2.8054 * (1 + 5e-4)),
        "loss_8": (None, of("loss_0", 0.5)), "val_loss_last": (None, of("val_loss_first", 0.6)),
        "decoded_last": (1, 8)},
    # 480 sequences, 408 for training; 2272 weights (Keras's count); the frozen genres table
    # and two BatchNormalizations' moving statistics are the 5 non-trainable weights
    "movielens_transformer": {
        **{key: (value, value) for key, value in (
            ("params", 2272), ("inputs", 7), ("non_trainable", 5), ("batch_rows", 32),
            ("sequence_width", 3), ("target_is_string", 1), ("ratings_width", 3),
            ("test_rows", 72))},
        "loss_last": (None, of("loss_first", 0.5)), "mae": (None, of("baseline_mae", 0.95))},
    # weights 1 - share sum to 5 - 1 = 4; the metrics before training are Keras's (TensorFlow)
    # on the same NumPy draw: every softmax output below 0.5, so precision and recall are 0
    "eeg_classification": {
        **{key: (value, value) for key, value in (
            ("train_rows", 340), ("classes", 5), ("history_keys", 11),
            ("initial_precision", 0), ("initial_recall", 0), ("lr_reduced", 1),
            ("best_rows", 60))},
        **{key: (value * (1 - 1e-5), value * (1 + 1e-5)) for key, value in (
            ("weight_sum", 4.0), ("initial_loss", 2.56255), ("initial_top_k", 0.5166667),
            ("initial_auc", 0.4469444))},
        "loss_last": (None, of("loss_first", 0.5)), "top_k": (0.8, 1.0), "top_1": (0.5, 1.0),
        "auc": (0.8, 1.0), "best_loss": (None, of("loss_last", 1 + 1e-6))},
    # 60 customers x 4 windows, 60% for training; the one-hot country (5 and "[UNK]") fed to
    # the Embedding widens each step to 8 + 6 * 8 = 56 features, hence 48770 weights (Keras's
    # count); predictions (48, 6); the loss before training is Keras's (TensorFlow)
    "customer_lifetime_value": {
        **{key: (value, value) for key, value in (
            ("windows", 240), ("train_rows", 144), ("country_width", 6), ("country_vocab", 6),
            ("params", 48770), ("prediction_shape_sum", 54))},
        "initial_loss": (0.02692535 * (1 - 1e-5), 0.02692535 * (1 + 1e-5)),
        "loss_last": (None, of("loss_first", 0.6)), "regularized_gap": (1e-5, None),
        "r2": (0.4, 1.0), "mae": (0.0, 0.08), "mutual_gini": (0.0, 0.1)},
    # 6 engineered + 8 numeric + 3 binary features; 140 of the 240 rows positive; before
    # training the unscaled product trestbps * thalach saturates the sigmoid (Keras's numbers
    # on TensorFlow: every row predicted positive, so accuracy is the positive share)
    "feature_layer_engineering": {
        **{key: (value, value) for key, value in (
            ("feature_width", 17), ("batch_rows", 64), ("thal_one_hot", 1),
            ("metric_names", 1))},
        **{key: (value * (1 - 1e-5), value * (1 + 1e-5)) for key, value in (
            ("label_share", 140 / 240), ("initial_loss", 973.8523),
            ("initial_accuracy", 140 / 240), ("initial_auc", 0.5))},
        "loss_last": (None, of("loss_first", 0.7)), "accuracy": (0.75, 1.0),
        "auc": (0.85, 1.0), "reloaded_gap": (0.0, 1e-6)},
    # 5 normalized columns, the multi-hot indices of 6 categorical columns (their sizes + 1
    # each: 4 + 4 + 5 + 3 + 5 + 6), one age bin and a 4-wide embedding (int(sqrt(17))): 37;
    # the losses before training are Keras's (TensorFlow) from the same draws
    "feature_preprocessor_model": {
        **{key: (value, value) for key, value in (
            ("preprocessed_width", 37), ("preprocessed_rows", 400), ("symbolic_width", 37),
            ("country_vocabulary", 17), ("gender_width", 3), ("bins_used", 10),
            ("preprocessed_sum", 4251))},
        **{key: (value * (1 - 1e-5), value * (1 + 1e-5)) for key, value in (
            ("initial_loss", 0.7169009), ("initial_auc", 0.2801445))},
        "normalized_mean": (-1e-6, 1e-6), "loss_last": (None, of("loss_first", 0.6)),
        "validation_accuracy": (0.7, 1.0), "validation_auc": (0.85, 1.0),
        "reload_gap": (0.0, 1e-6), "end_to_end_gap": (0.0, 1e-5)},
    "text_classification": {"vocabulary_size": (30, 30), "special_tokens": (1, 1),
                            "no_markup": (1, 1), "first_length": (24, 24),
                            "test_accuracy": (0.9, 1.0), "end_to_end_accuracy": (0.9, 1.0),
                            "end_to_end_gap": (0.0, 1e-5)},
    "tf_autoencoder_anomaly": {"encoded_width": (4, 4), "decoded_width": (40, 40),
                               "accuracy": (0.8, 1.0), "precision": (0.9, 1.0),
                               "anomalies_above": (0.9, 1.0),
                               "loss_5": (None, of("loss_0", 0.8))},
    "unet_segmentation": {"params": (8363, 8363), "pixel_accuracy": (0.75, 1.0),
                          "foreground_recall": (0.5, 1.0), "mask_rank": (4, 4),
                          "loss_4": (None, of("loss_0", 0.2))},
    # 32 windows of one step of 3 features; the LSTM's 24 steps
    "tf_time_series_forecasting": {"example_inputs": (96, 96), "example_labels_width": (1, 1),
                                   "wide_output_steps": (24, 24), "linear_epochs": (1, 8),
                                   "lstm_mae": (None, of("baseline_mae", 0.8)),
                                   "loss_5": (None, of("loss_0", 0.2))},
    # the Keras model is the tf.Module's model under fit: one full batch an epoch, same steps
    "tf_basic_training_loops": {"variables": (2, 2), "final_loss": (None, 1.0),
                                "module_variables": (4, 4), "submodules": (2, 2),
                                "module_output_sum": (36, 36), "keras_trainable": (2, 2),
                                "keras_w": (of("final_w", 1 - 1e-6), of("final_w", 1 + 1e-6)),
                                "keras_b": (of("final_b", 1 - 1e-6), of("final_b", 1 + 1e-6)),
                                "flexible_sum": (45, 45), "flexible_variables": (2, 2)},
    "addition_rnn": {"questions": (1200, 1200), "question_length": (5, 5),
                     "char_accuracy": (0.4, 1.0), "loss_5": (None, of("loss_0", 0.8))},
    # e and 0.9876 as float32; 2,000 Examples of the seed-3 draw: feature1 sums to 3929, 411
    # goats, 853 positive labels; tokens 0..i-1 for i < 6 (15 of them, summing to 20);
    # matrices i * [[0, 1], [2, 3]]
    "tf_tfrecord": {
        **{key: (value, value) for key, value in (
            ("e_as_float32", 2.7182817459106445), ("feature_bytes", 8),
            ("example_bytes", 100), ("goat_feature1", 4),
            ("goat_feature3", 0.9876000285148621), ("goat_is_bytes", 1),
            ("records", 2000), ("feature1_sum", 3929), ("goats", 411), ("first_label", 0),
            ("positives", 853), ("token_count", 15), ("token_sum", 20), ("matrix_sum", 90),
            ("batch_dense_shape_1", 5), ("sequence_length", 3), ("sequence_sum", 4.5),
            ("sequence_rows", 3))},
        "feature3_sum": (-12.507009 - 1e-5, -12.507009 + 1e-5),
        "first_feature3": (-1.2954631 - 1e-6, -1.2954631 + 1e-6),
        "accuracy": (0.8, 1.0), "loss_3": (None, of("loss_0", 0.6))},
    # Normalization 1 + 1, Fee's 5 tokens, Breed1's and Vaccinated's 5 and 4
    # 7 + 8 + 9 font rows, m_label 65.. in each; the titanic's 3 numbers normalised and its
    # strings one-hot: sex 2 + [UNK], class 3 + 1, embark_town 3 + 1, alone 2 + 1
    "tf_load_csv": {
        **{key: (value, value) for key, value in (
            ("abalone_columns", 7), ("abalone_label_is_int", 1), ("batch_rows", 5),
            ("age_is_float", 1), ("sex_is_string", 1), ("siblings_is_int", 1),
            ("titanic_features", 17), ("traffic_rows", 500), ("traffic_hours_are_int", 1),
            ("cached_batches", 4), ("snapshot_rows", 1000), ("font_rows", 24),
            ("image_height", 3),
            ("string_columns", 8), ("line_rows", 300), ("csv_rows", 300),
            ("csv_survived", 150), ("font_lines", 24), ("font_csv_rows", 24),
            ("font_m_label_sum", 7 * 65 + 21 + 8 * 65 + 28 + 9 * 65 + 36))},
        "normalized_mean": (0.0, 1e-5), "loss_5": (None, of("loss_0", 0.1)),
        "abalone_mae": (0.0, 2.0), "titanic_accuracy": (0.7, 1.0),
        "titanic_loss_last": (None, of("titanic_loss_first", 0.8)),
        "line_age_sum": (of("decoded_age_sum", 1 - 1e-6), of("decoded_age_sum", 1 + 1e-6))},
    "tf_structured_data": {"batch_rows": (64, 64), "normalized_mean": (0.0, 1e-5),
                           "features_width": (16, 16), "test_accuracy": (0.6, 1.0),
                           "sample_probability": (0.6, 1.0)},
    "translation_transformer": {"encoder_rows": (6, 6), "target_columns": (6, 6),
                                "spa_vocabulary": (12, 12), "val_accuracy": (0.6, 1.0),
                                "exact_translations": (0.6, 1.0), "loss_ratio": (None, 0.5)},
    # 25 vocabulary words + "" and "[UNK]"; 15 topic words and 6 common ones have vectors
    "pretrained_embeddings": {"first_tokens": (6, 6), "hits": (21, 21), "misses": (6, 6),
                              "trainable_weights": (8, 8), "embedding_unchanged": (0.0, 0.0),
                              "constant_gap": (0.0, 0.0), "val_acc": (0.9, 1.0),
                              "space_predicted": (1, 1)},
    # 720 points in windows of 32: 689 windows; the anomaly is points 400-419
    "timeseries_anomaly": {"windows": (689, 689), "output_steps": (32, 32),
                           "params": (2513, 2513), "points_found": (5, None),
                           "points_inside": (0.9, 1.0), "loss_5": (None, of("loss_0", 0.3))},
    # ComputeSum called twice on ones((2, 2)): its total is [4, 4]
    "subclassing_guide": {"sum_total": (8, 8), "sum_non_trainable": (1, 1),
                          "sum_trainable": (0, 0), "mlp_weights": (6, 6), "stack_weights": (8, 8),
                          "losses_after_two": (1, 1), "loss_value": (0.01 - 1e-8, 0.01 + 1e-8),
                          "l2_gap": (0.0, 1e-6), "fit_layer_loss_only": (0.01 - 1e-8, 0.01 + 1e-8),
                          "config_units": (64, 64), "config_name_kept": (1, 1),
                          "dropout_inference_change": (0.0, 0.0), "dropout_kept": (0.4, 0.6),
                          "dropout_scale": (2.0, 2.0), "masked_mean_gap": (0.0, 1e-6),
                          "masked_model_gap": (0.0, 1e-6),
                          "vae_loss_4": (None, of("vae_loss_0", 0.95))},
    "masking_guide": {"padded_sum": (8692, 8692), "padded_width": (6, 6),
                      "embedding_mask_count": (14, 14), "masking_mask_count": (14, 14),
                      "compute_mask_count": (14, 14), "sequential_padding_change": (0.0, 1e-6),
                      "functional_gap": (0.0, 1e-6), "manual_mask_gap": (0.0, 1e-6),
                      "custom_embedding_mask_gap": (0, 0), "passed_mask_gap": (0.0, 1e-6),
                      "temporal_softmax_sum": (7 - 1e-5, 7 + 1e-5), "accuracy": (0.9, 1.0),
                      "loss_5": (None, of("loss_0", 0.2))},
    # Masking on the lengths 3, 5 and 6 padded to 6: halves of 3 steps keep 9 and 5 steps
    "temporal_split_mask": {"first_mask_count": (9, 9), "second_mask_count": (5, 5),
                            "padding_change": (0.0, 1e-6)},
    "sequential_growing_input": {"accuracy": (0.9, 1.0), "generated_right": (1, 1),
                                 "called_rows": (1, 1), "loss_3": (None, of("loss_0", 0.2))},
    "serialization_guide": {**{key: (0.0, 0.0) for key in (
        "sequential_config_gap", "functional_config_gap", "serialized_gap", "layer_transfer_gap",
        "subclassed_transfer_gap", "weights_file_gap")},
        "layer_config_units": (3, 3), "layer_config_activation": (1, 1), "clone_is_new": (1, 1),
        "clone_same_shapes": (1, 1), "weights_file_exists": (1, 1)},
    "keras_file_custom_objects": {**{key: (0.0, 0.0) for key in (
        "registered_model_gap", "custom_objects_gap", "scope_gap", "nested_layer_gap")},
        "registered_model_class": (1, 1), "registered_name": (1, 1),
        "registered_lookup": (1, 1)},
    # 64 rows in batches of 16: 8 Adam steps before the save, 4 after it
    "keras_file_resume_training": {"loaded_iterations": (8, 8), "restored_iterations": (12, 12),
                                   "resumed_loss_gap": (0.0, 1e-6)},
    # 256 rows in batches of 32, two epochs of the loop: 16 steps
    "custom_fit_guide": {"train_step_gap": (0.0, 1e-5), "weights_gap": (0.0, 1e-6),
                         "test_step_gap": (0.0, 1e-5), "eval_keys": (1, 1),
                         "predict_step_gap": (0.0, 1e-6), "loop_weights_gap": (0.0, 1e-6),
                         "loop_mae_gap": (0.0, 1e-6), "loop_losses": (1, 1),
                         "optimizer_iterations": (16, 16),
                         "custom_loss_2": (None, of("custom_loss_0", 0.5))},
    # bins of [0, 1, 2]: [[0, 2, 3, 1], [1, 3, 2, 1]]; count: 0.2*0 + 0.4*1 + 0.2*2 + 0.4*3
    "preprocessing_guide": {"normalized_mean": (0.0, 1e-6), "normalized_std": (0.999, 1.001),
                            "given_normalization": (0.0, 1e-6), "invert_gap": (0.0, 1e-5),
                            "bins_sum": (13, 13), "one_hot_sum": (6, 6), "multi_hot_sum": (7, 7),
                            "count_sum": (2.4 - 1e-5, 2.4 + 1e-5), "rescaled_max": (0.9, 1.0),
                            "resized_shape": (180, 180), "cropped_gap": (0.0, 0.0),
                            "normalizer_weights": (3, 3), "normalizer_trainable": (0, 0),
                            "loss_5": (None, of("loss_0", 0.1))},
    "custom_saving_guide": {"own_variables_gap": (0.0, 0.0), "compile_config_loss": (1, 1),
                            "assets_loaded": (1, 1)},
    "prebuilt_custom_layer": {"dense_kernel_rows": (16, 16), "accuracy": (0.8, 1.0),
                              "loss_3": (None, of("loss_0", 0.5))},
    "metrics_resolution": {"binary_names": (4, 4), "binary_logits_names": (2, 2),
                           "categorical_names": (4, 4), "sparse_names": (3, 3),
                           "sparse_logits_names": (2, 2), "binary_AUC": (0.5, 1.0),
                           "categorical_top_k_categorical_accuracy": (
                               of("categorical_accuracy"), 1.0),
                           "sparse_sparse_top_k_categorical_accuracy": (
                               of("sparse_accuracy"), 1.0),
                           "sparse_logits_acc": (of("sparse_accuracy"),) * 2},
    # 128 rows in batches of 32 for 5 epochs; the rate 0.05 cut by e^-0.5 in epochs 2, 3, 4
    "callbacks_api": {"csv_rows": (5, 5), "csv_columns": (5, 5), "csv_epoch_column": (4, 4),
                      "batch_ends": (20, 20), "last_batch_loss_gap": (0.0, 1e-6),
                      "scheduled_rate": (0.05 * math.exp(-1.5) * (1 - 1e-6),
                                         0.05 * math.exp(-1.5) * (1 + 1e-6)),
                      "checkpoints": (5, 5), "checkpoint_name_matches": (1, 1),
                      "start_from_epoch_epochs": (4, 10), "nan_seen": (1, 1),
                      "loss_4": (None, of("loss_0", 0.3))},
    "stacked_cells": {"accuracy": (0.85, 1.0), "weights": (8, 8), "params": (679, 679),
                      "loss_4": (None, of("loss_0", 0.5))},
    "optimizer_ema": {"ema_eval_loss": (None, 0.2), "overwrite_eval_loss": (None, 0.3)},
    "grouped_convnet": {"accuracy": (0.95, 1.0), "grouped_kernel_depths": (10, 10),
                        "params": (2116, 2116), "loss_4": (None, of("loss_0", 0.1))},
    # 192 rows in batches of 32; the repeating dataset runs 2 epochs of 3 steps
    "tf_data_training": {"dataset_gap": (0.0, 1e-6), "evaluate_gap": (0.0, 1e-6),
                         "predict_rows": (64, 64), "repeat_iterations": (6, 6),
                         "weighted_gap": (0.0, 1e-6), "val_accuracy": (0.6, 1.0),
                         "loss_2": (None, of("loss_0", 0.8))},
    "tf_data_named_outputs": {"arrays_gap": (0.0, 1e-6), "history_keys": (3, 3)},
    "named_outputs_dict": {"history_keys": (3, 3), "loss_3": (None, of("loss_0", 0.8))},
    # the colour of a 6x6 square anywhere in a 32x32 image; the heatmap's brightest cell of the
    # 8x8 map on the square; MobileNetV2 (alpha 0.35) at 64x64: 156 layers, a 2x2 map
    "grad_cam": {**{key: (value, value) for key, value in (
        ("logits_not_probabilities", 1), ("heatmap_shape", 808), ("heatmap_max", 1),
        ("superimposed_size", 3232), ("jet_heatmap_shape", 3203), ("saved_shape", 3203),
        ("application_layers", 156), ("application_params", 416613),
        ("application_heatmap_shape", 202))},
        "test_accuracy": (0.9, 1.0), "heatmap_min": (0.0, 0.5), "square_hits": (10, 12),
        "chosen_class_heatmap_sum": (0.0, None), "application_heatmap_sum": (0.0, 4.0),
        "loss_5": (None, of("loss_0", 0.5))},
    # integrated gradients add up to the probability's change from the black baseline (times
    # 127.5, the preprocessing's scale), to the trapezoidal rule's error at 20 steps
    "integrated_gradients": {
        **{key: (value, value) for key, value in (("grads_shape", 3072), ("igrads_shape", 3072))},
        "accuracy": (0.95, 1.0), "top_pred_idx": (of("label"), of("label")),
        "probability_change": (0.3, 1.0), "completeness_gap": (0.0, 0.05),
        "square_share": (0.3, 1.0), "mask_in_square": (of("mask_outside", 10), None),
        "loss_3": (None, of("loss_0", 0.2))},
    # 32 training and 8 validation pictures of 24x24, luminance 8x8 -> 24x24; the pixel
    # shuffle written with ops equals tf.nn.depth_to_space and ops.depth_to_space exactly;
    # "area" halving by 3 is a 3x3 mean
    "super_resolution": {
        **{key: (value, value) for key, value in (
            ("first_batch_max", 1), ("first_batch_size", 8), ("input_shape", 64),
            ("target_shape", 576), ("shuffle_vs_tf", 0), ("shuffle_vs_ops", 0),
            ("space_round_trip", 0), ("prediction_width", 30))},
        "area_is_pooling": (0.0, 1e-6), "orthogonal_gap": (0.0, 1e-5),
        "psnr_by_hand_gap": (0.0, 1e-4), "psnr_19": (20.0, None),
        "avg_test_psnr": (20.0, of("avg_bicubic_psnr")), "loss_19": (None, of("loss_0", 0.05))},
    # 48 training volumes in batches of 4 for 6 epochs: 72 steps; the rate 0.003 * 0.96^6
    # (staircase, every 12 steps); the best checkpoint is the last epoch's
    "volume_classification_3d": {
        **{key: (value, value) for key, value in (
            ("scan_max", 1), ("params", 4369), ("iterations", 72), ("augmented_rank", 4),
            ("augmented_channels", 1), ("augmented_in_range", 1))},
        "learning_rate": (0.003 * 0.96**6 * (1 - 1e-6), 0.003 * 0.96**6 * (1 + 1e-6)),
        "acc_5": (0.95, 1.0), "val_acc_5": (0.85, 1.0), "score_abnormal": (0.9, 1.0),
        "best_val_loss_again": (of("best_val_loss", 1 - 1e-5), of("best_val_loss", 1 + 1e-5)),
        "loss_5": (None, of("loss_0", 0.1))},
    # 4 x 16 x 16 x 3 inputs: the kernel of a 5x5 involution is (4, 16, 16, 25, 1, 1); stride 2
    # halves the map; the involutional net learns slowly, as the example says
    "involution": {
        **{key: (value, value) for key, value in (
            ("stride_1_shape", 3072), ("kernel_1_shape", 25600), ("stride_2_shape", 768),
            ("channel_16_shape", 3072), ("conv_params", 3507), ("inv_params", 913),
            ("kernel_map_sizes", 1684), ("kernel_image_width", 16))},
        "involution_by_hand": (0.0, 1e-5), "conv_val_accuracy": (0.9, 1.0),
        "conv_loss_7": (None, of("conv_loss_0", 0.5)),
        "inv_loss_7": (None, of("inv_loss_0", 0.9))},
    # 8x8 tokens in 2x2 windows: 16 windows; the shifted mask parts windows of the last row
    # and column (60 pairs at -100); the bias table of (2*2-1)^2 = 9 rows; non-trainable: two
    # index Variables and one mask
    "swin_transformer": {
        **{key: (value, value) for key, value in (
            ("windows", 8), ("window_round_trip", 0), ("second_window_first_pixel", 6),
            ("mask_windows", 16), ("masked_pairs", 60), ("bias_index_max", 8),
            ("params", 8184), ("trainable_weights", 32), ("non_trainable_weights", 3),
            ("test_top_2", 1))},
        "test_accuracy": (0.85, 1.0), "val_accuracy": (0.8, 1.0),
        "loss_5": (None, of("loss_0", 0.7))},
    # ResNet50V2 up to conv2_block3_out at 64x64: 40 layers, 8x8x256; gradient ascent with a
    # normalized step raises each filter's mean activation at every one of its 8 steps
    "filter_visualization": {
        **{key: (value, value) for key, value in (
            ("extractor_layers", 40), ("activation_size", 16384), ("image_side", 48),
            ("image_is_uint8", 1), ("stitched_width", 154), ("filter_0_rose", 1),
            ("filter_1_rose", 1), ("filter_2_rose", 1))},
        **{f"filter_{index}_last": (of(f"filter_{index}_first", 1.5), None)
           for index in range(3)}},
    # 4x4 patch tokens of width 16 summarized by the TokenLearner into 4 tokens
    "token_learner": {
        **{key: (value, value) for key, value in (
            ("params", 12068), ("tokens", 4), ("token_width", 16))},
        "test_accuracy": (0.9, 1.0), "best_val_accuracy": (0.85, 1.0),
        "loss_5": (None, of("loss_0", 0.3))},
    # the example's "shift" keeps each channel in place and zeroes one border; the warm-up
    # rises linearly from 1e-5 to 3e-3 over 7 of the 48 steps, then a half cosine to 0
    "shift_vit": {
        **{key: (value, value) for key, value in (
            ("shift_error", 0), ("params", 12036), ("trainable_weights", 25),
            ("iterations", 48), ("lr_at_49", 0), ("probability_sum", 4))},
        "lr_at_0": (1e-5 * (1 - 1e-6), 1e-5 * (1 + 1e-6)),
        "lr_at_3": (1e-5 + 3 * (3e-3 - 1e-5) / 7 - 1e-9, 1e-5 + 3 * (3e-3 - 1e-5) / 7 + 1e-9),
        "lr_at_7": (3e-3 * (1 - 1e-6), 3e-3 * (1 + 1e-6)),
        "lr_at_30": (1.5e-3 * (1 + math.cos(math.pi * 23 / 41)) - 1e-9,
                     1.5e-3 * (1 + math.cos(math.pi * 23 / 41)) + 1e-9),
        "test_accuracy": (0.95, 1.0), "val_accuracy": (0.9, 1.0),
        "loss_5": (None, of("loss_0", 0.2))},
    # 2 FFDense layers of 20 steps a batch, 10 one-batch epochs: 400 Adam steps and 20 losses
    # added to loss_var; a float64 NumPy image is taken as float32 (Keras on JAX does too)
    "forwardforward": {
        **{key: (value, value) for key, value in (
            ("overlay_is_float64", 1), ("ff_layers", 2), ("layer_iterations", 400),
            ("loss_count", 20))},
        "overlay_error": (0.0, 1e-7), "final_loss_first": (0.6, 0.9),
        "final_loss_last": (None, of("final_loss_first", 0.97)), "test_accuracy": (0.9, 1.0)},
    # a task of 5 classes x 20 shots in batches of 25, repeated 4 times: 16 steps; 40 meta
    # iterations and 4 evaluations of 5 steps on each of two tasks: 680 SGD steps; chance is
    # 0.2 an evaluation
    "reptile": {
        **{key: (value, value) for key, value in (
            ("task_batches", 16), ("task_images_are_float32", 1), ("task_labels_are_int32", 1),
            ("loss_rows", 25), ("evaluations", 4), ("iterations", 680),
            ("argmax_axis_0_length", 5))},
        "per_sample_gradient_gap": (0.0, 1e-6),
        "dense_kernel_sum": (of("dense_kernel_sum_start", 1 - 1e-5),
                             of("dense_kernel_sum_start", 1 + 1e-5)),
        "train_accuracy_sum": (3.0, 4.0), "test_accuracy_sum": (2.4, 4.0),
        "adapted_accuracy": (0.4, 1.0), "weight_change": (1.0, None)},
    # 100 steps, 15 of warm-up from 0 to 1e-2, then a half cosine; 4x4 tokens 8 wide, then 2x2
    # tokens 16 wide whose 3 gates upsample 4x to 8x8x3; the callback runs at epochs 0, 2, .. 8
    "focal_modulation_network": {
        **{key: (value, value) for key, value in (
            ("lr_at_0", 0), ("params", 4706), ("trainable_weights", 38),
            ("first_gates_width", 3), ("first_gates_height", 4), ("monitored_epochs", 5),
            ("monitored_gate_size", 192), ("monitored_modulator_width", 16),
            ("gates_shape_sum", 16 + 8 + 8 + 3))},
        "lr_at_4": (4e-2 / 15 * (1 - 1e-6), 4e-2 / 15 * (1 + 1e-6)),
        "lr_at_15": (1e-2 * (1 - 1e-6), 1e-2 * (1 + 1e-6)),
        "lr_at_40": (5e-3 * (1 + math.cos(math.pi * 25 / 85)) * (1 - 1e-6),
                     5e-3 * (1 + math.cos(math.pi * 25 / 85)) * (1 + 1e-6)),
        "accuracy": (0.95, 1.0), "val_accuracy": (0.8, 1.0), "test_accuracy": (0.85, 1.0),
        "loss_9": (None, of("loss_0", 0.1))},
    # correct_pad of a 16x16 map for a 3x3 window: ((0, 1), (0, 1)); the unfolded patches are
    # (batch, 4, 16, 16), attended over both middle axes by one MultiHeadAttention
    "mobilevit": {
        **{key: (value, value) for key, value in (
            ("pad_sum", 2), ("pad_before", 0), ("num_train", 192), ("params", 11088),
            ("attention_layers", 1), ("unfolded_rank", 4))},
        "accuracy": (0.95, 1.0), "loss_7": (None, of("loss_0", 0.4))},
    # 6 couplings of 2 x 5 Dense (kernel and bias): 120 variables, 60 l2 penalties that the
    # custom train_step leaves out; log N((1, -2)) = -2.5 - log(2 pi); going forward undoes
    # going backward; the generated direction has no log-determinant (gate 0)
    "real_nvp": {
        **{key: (value, value) for key, value in (
            ("trainable_variables", 120), ("regularization_losses", 60), ("log_det_rows", 16),
            ("generated_rows", 3000), ("generated_log_det", 0))},
        "log_prob": (-2.5 - math.log(2 * math.pi) - 1e-6, -2.5 - math.log(2 * math.pi) + 1e-6),
        "normalized_mean": (0.0, 1e-5), "normalized_std": (1 - 1e-5, 1 + 1e-5),
        "round_trip_gap": (0.0, 1e-5), "loss_7": (None, of("loss_0", 0.85)),
        "val_loss_last": (None, of("val_loss_first", 0.9)), "latent_std": (0.8, 1.2),
        "generated_mean_x": (-0.1, 0.1), "generated_mean_y": (-0.1, 0.1)},
    # the logits come back at the input's 32x32, one channel a class; pixel accuracy well
    # above the 73% of background
    "deeplabv3_plus": {
        **{key: (value, value) for key, value in (
            ("params", 35819), ("output_height", 32), ("output_classes", 3),
            ("mask_height", 32), ("true_red_pixels", 96))},
        "accuracy": (0.9, 1.0), "val_accuracy": (0.88, 1.0), "mask_pixel_accuracy": (0.85, 1.0),
        "red_pixels": (48, 192), "loss_9": (None, of("loss_0", 0.2))},
    # the losses by hand: 0 colour loss on grey; the exposure of 16x16 block means; the
    # spatial loss of the example's (1, 3, 1, 3) kernels on 4x4 block means; a ramp of 1/64 a
    # row has a smoothness of 1/64; 24 training images in batches of 8 for 4 epochs
    "zero_dce": {
        **{key: (value, value) for key, value in (
            ("batch_rows", 8), ("batch_width", 32), ("color_on_grey", 0), ("exposure_error", 0),
            ("spatial_shape_sum", 20), ("spatial_error", 0), ("smoothness", 1 / 64),
            ("history_keys", 10), ("iterations", 12), ("trainable_weights", 14),
            ("enhanced_width", 40), ("reload_gap", 0))},
        "batch_max": (0.0, 1.0), "spatial_sum": (21.5322 - 1e-4, 21.5322 + 1e-4),
        "total_loss_last": (None, of("total_loss_first", 0.6)),
        "illumination_smoothness_loss_last": (
            None, of("illumination_smoothness_loss_first", 0.3)),
        "exposure_loss_last": (None, of("exposure_loss_first")),
        "enhanced_mean": (of("original_mean", 1.1), None)},
    # 16 filters: a 2x2 stem (192 + 16), two blocks of a 5x5 depthwise (400 + 16) and a 1x1
    # (256 + 16) Conv2D, five BatchNormalization of 64, a Dense 16 -> 4; the checkpoint keeps
    # epoch 2 (val_accuracy 1.0), which the test accuracy shows after load_weights
    "convmixer": {
        **{key: (value, value) for key, value in (
            ("params", 1972), ("layers", 21), ("patch_embedding_size", 192),
            ("patch_embedding_min", 0), ("depthwise_layers", 2), ("first_depthwise_index", 5),
            ("depthwise_kernel_size", 400), ("depthwise_kernel_in", 1),
            ("best_val_accuracy", 1.0))},
        "val_accuracy_5": (None, 0.9), "test_accuracy": (0.95, 1.0),
        "loss_5": (None, of("loss_0", 0.05))},
    # 64 patches of 2 x 2 x 3 values from 16 x 16 images; which quadrant holds the square
    "eanet": {
        **{key: (value, value) for key, value in (
            ("patches", 64), ("patch_width", 12), ("patch_error", 0), ("params", 6931),
            ("self_params", 6843))},
        **{f"{tag}test_accuracy": (0.9, 1.0) for tag in ("", "self_")},
        **{f"{tag}loss_7": (None, of(f"{tag}loss_0", 0.4)) for tag in ("", "self_")}},
    "vit_patches": {"accuracy": (0.9, 1.0), "patch_error": (0.0, 0.0), "patches": (9, 9),
                    "patch_width": (32, 32), "loss_4": (None, of("loss_0", 0.3))},
    "timeseries_transformer": {"test_accuracy": (0.9, 1.0), "pooled_width": (24, 24),
                               "loss_5": (None, of("loss_0", 0.5))},
    # the guide prints x.dtype: float16 for a Dense under mixed_float16
    "mixed_precision": {**{key: (1, 1) for key in (
        "policy_is_mixed", "x_is_float16", "compute_is_float16", "variables_are_float32",
        "outputs_are_float32", "predictions_are_float32", "loss_scale_optimizer",
        "reset_to_float32", "bfloat16_compute", "bfloat16_kernel_float32")},
        "test_accuracy": (0.8, 1.0), "loss_4": (None, of("loss_0", 0.3))},
    "pointnet": {"test_accuracy": (0.7, 1.0), "first_penalty": (0.0, None),
                 "loss_5": (None, of("loss_0", 0.7))},
    # 10 batches of 32 an epoch for 4 epochs: 40 steps, the warm-up the first 6
    "warmup_cosine_schedule": {"iterations": (40, 40), "rate_2": (0.02 * 0.99999, 0.02 * 1.00001),
                               "rate_4": (0.0, 0.0), "rate_5": (0.0, 0.0),
                               "rebuilt_rate_gap": (0.0, 0.0), "test_list_gap": (0.0, 1e-6),
                               "prediction_rows": (64, 64), "loss_3": (None, of("loss_0", 0.7))},
    # kernel 2 with dilations 1, 2, 4, 8 after a first kernel-2 layer: 1 + 15 + 1 steps
    "causal_dilated_conv": {"past_change": (0.0, 0.0), "last_change": (1e-3, None),
                            "receptive_field": (17, 17), "short_steps": (10, 10),
                            "test_mae": (None, of("naive_mae", 0.5)),
                            "loss_4": (None, of("loss_0", 0.3))},
    # 192 rows in batches of 32 for 5 epochs: 30 training calls
    "weight_constraints_layer": {"trainable": (2, 2), "non_trainable": (2, 2),
                                 "penalty_gap": (0.0, 1e-6), "max_column_norm": (0.0, 1.0 + 1e-5),
                                 "scale_mean": (1.0 - 1e-5, 1.0 + 1e-5),
                                 "training_calls": (30, 30), "eval_penalty_gap": (0.0, 1e-5),
                                 "loss_4": (None, of("loss_0", 0.2))},
    "masked_language_model": {"masked_share": (0.1, 0.2), "history_keys": (1, 1),
                              "callback_epochs": (8, 8), "loss_7": (None, of("loss_0", 0.85))},
    # (batch, 6 decoder steps, 6 encoder steps) of attention scores, each row a softmax
    "attention_seq2seq": {"scores_rows": (6, 6), "scores_columns": (6, 6),
                          "row_sum_error": (0.0, 1e-5), "test_accuracy": (0.6, 1.0),
                          "loss_4": (None, of("loss_0", 0.5))},
    # 12x12 -> 6x6 (Conv1, stride 2) -> 3x3 (block 2, stride 2), cropped by one row and column;
    # the depthwise kernel of block 2: 3 x 3 x 16 channels x 1
    "mobilenet_blocks": {"cropped_height": (2, 2), "cropped_width": (2, 2),
                         "depthwise_kernel_shape": (144, 144), "separable_weights": (3, 3),
                         "loss_4": (None, of("loss_0", 0.1))},
    "next_frame_convlstm": {"output_rank": (5, 5), "predicted_frames": (2, 2),
                            "loss_4": (None, of("loss_0", 0.5))},
    # 384 rows in batches of 32: 4 epochs of 12 steps, then epochs 4 and 5 of 6 steps
    "pydataset_workers": {"val_epochs": (2, 2), "more_epochs": (2, 2),
                          "more_epoch_numbers": (9, 9), "iterations": (60, 60),
                          "eval_accuracy": (0.9, 1.0), "minority_recall": (0.6, 1.0),
                          "loss_3": (None, of("loss_0", 0.3))},
    # halved five times from the largest of the first 16 predictions (0.85) to below 0.05;
    # the scan of 0, 1, 2, 3, 4 adds to 10
    "ops_control_flow": {"accuracy": (0.7, 1.0), "halvings": (5, 5), "halved_max": (0.0, 0.05),
                         "scan_probe": (10, 10), "branch": (0.0, of("prediction_sum", 1.000001)),
                         "loss_5": (None, of("loss_0", 0.7))},
    # 4 episodes of 40 steps, one update of each network a step; a soft update of 0.005 from
    # 1 towards 3 gives 1.01
    "ddpg_pendulum": {"soft_update": (1.01 - 1e-6, 1.01 + 1e-6), "critic_iterations": (160, 160),
                      "actor_iterations": (160, 160), "target_gap": (1e-3, None),
                      "critic_loss_late": (None, of("critic_loss_early", 0.2))},
    "actor_critic": {"episodes": (8, 8), "list_gap": (0.0, 1e-6), "running_reward": (1.0, None),
                     "probe_probability": (0.0, 1.0), "grad_norm": (1e-3, None)},
    # 320 rows in batches of 32 for 5 epochs: 50 steps of each optimizer
    "custom_optimizers": {**{f"{tag}_iterations": (50, 50) for tag in ("rmsprop", "gc", "sign")},
                          **{f"{tag}_loss_4": (None, of(f"{tag}_loss_0", 0.4))
                             for tag in ("rmsprop", "gc", "sign")},
                          "gc_accuracy": (0.75, 1.0), "sign_accuracy": (0.7, 1.0),
                          "gc_probe_column_sum": (0.1 - 1e-6, 0.1 + 1e-6),
                          "rebuilt_beta": (0.8, 0.8), "rebuilt_class_matches": (1, 1)},
    # 12x12 images in 3x3 patches: 16 patches; the latent array (8 x 16) is the first weight
    "perceiver": {"first_weight_is_latent": (1, 1), "epochs_run": (12, 12),
                  "test_top2": (0.55, 1.0), "loss_11": (None, of("loss_0", 0.7))},
    # 256 rows in batches of 32: 32 steps; the rate at step 5 is 0.02 * 6 / 12 and at step 47
    # 0.02 * sqrt(12 / 48), both 0.01
    "lambda_schedule_saving": {"rate_at_5": (0.01 * 0.99999, 0.01 * 1.00001),
                               "rate_at_47": (0.01 * 0.99999, 0.01 * 1.00001),
                               "squares_width": (6, 6), "mirror_width": (32, 32),
                               "safe_mode_refused": (1, 1), "restored_schedule": (1, 1),
                               "restored_iterations": (32, 32),
                               "restored_prediction_gap": (0.0, 0.0),
                               "resumed_weight_gap": (0.0, 0.0),
                               "loss_3": (None, of("loss_0", 0.3))},
    # scores (batch, 2 heads, target, source); the masked and future positions get nothing
    "attention_masks": {"output_width": (7, 7), "scores_rank": (4, 4), "scores_heads": (2, 2),
                        "masked_weight": (0.0, 1e-7), "row_sum_error": (0.0, 1e-5),
                        "padded_weight": (0.0, 1e-7), "causal_future_weight": (0.0, 1e-7),
                        "causal_first_row": (1 - 1e-6, 1 + 1e-6), "grid_scores_rank": (6, 6),
                        "grid_scores_last": (4, 4), "accuracy": (0.95, 1.0),
                        "loss_5": (None, of("loss_0", 0.2))},
    # 320 rows in batches of 32: 10 steps an epoch, 30 in 3 epochs; 134 of 320 above 0.5
    "execution_options": {**{f"{tag}_iterations": (30, 30)
                             for tag in ("plain", "spe", "jit", "eager")},
                          **{f"{tag}_loss_2": (None, of(f"{tag}_loss_0", 0.7))
                             for tag in ("plain", "spe", "jit", "eager")},
                          "plain_train_callbacks": (30, 30), "plain_val_callbacks": (6, 6),
                          "evaluate_count": (of("predicted_above_half"),
                                             of("predicted_above_half")),
                          "current_count": (of("evaluate_count"), of("evaluate_count")),
                          "count_after_reset": (0, 0), "loss_is_first_name": (1, 1),
                          "loop_mean_after_reset": (0, 0)},
    # 256 rows in batches of 32 for 4 epochs: 32 steps
    # a custom train_step returning {"loss": loss} leaves the loss tracker untouched: fit's
    # epoch reports the tracker's 0.0, as Keras 3 does
    "tf_text_generation_rnn": {**{key: (1, 1) for key in (
        "round_trip_ok", "target_shifted", "generated_prefix_ok", "generated_known_chars")},
        "vocab_size": (33, 33), "prediction_rank": (3, 3), "state_width": (48, 48),
        "generated_length_0": (46, 46), "custom_epoch_loss": (0.0, 0.0),
        "initial_loss": (2.5, 5.0), "loss_7": (None, of("loss_0", 0.2)),
        "custom_loop_loss": (None, 1.5)},
    # one device: DataParallel and ModelParallel train as no distribution does
    "distribution_api": {**{key: (1, 1) for key in (
        "device_count", "replicas", "mp_replicas", "data_axis_first", "kernel_replicated",
        "bias_by_model", "d2_by_pattern", "unmatched_is_none", "in_scope", "after_scope_none")},
        **{f"mp_loss_{i}": (of(f"loss_{i}"), of(f"loss_{i}")) for i in range(4)},
        "loss_3": (None, of("loss_0", 0.7)), "accuracy": (0.65, 1.0)},
    # Keras's Distiller: the teacher is frozen, the student trained; loss is the total
    "distiller_api": {"loss_3": (None, of("loss_0", 0.65)), "eval_accuracy": (0.45, 1.0),
                      **{f"total_loss_{i}": (of(f"loss_{i}", 1 - 1e-6), of(f"loss_{i}", 1 + 1e-6))
                         for i in range(4)},
                      "teacher_frozen_gap": (0.0, 0.0), "teacher_trainable": (0, 0),
                      "trained_weights": (6, 6), "call_is_student_gap": (0.0, 0.0)},
    "custom_optimizer_keras_file": {"restored_class_matches": (1, 1), "restored_beta": (0.8, 0.8),
                                    "restored_iterations": (32, 32),
                                    "restored_momentum_gap": (0.0, 0.0),
                                    "restored_prediction_gap": (0.0, 0.0),
                                    "resumed_gap": (0.0, 0.0),
                                    "loss_3": (None, of("loss_0", 0.3))},
    # the gradient [6, 8] clipped to norm 0.5: [0.3, 0.4]; round(2 * [0.26, -1.4, 2.05]) =
    # [1, -3, 4]; straight through, the gradient is 2 * [1, 2, 3]; log1pexp'(0) = 1/2
    "custom_gradients": {"clipped_norm": (0.5 - 1e-6, 0.5 + 1e-6),
                         "clipped_first": (0.3 - 1e-6, 0.3 + 1e-6),
                         "log1pexp_grad": (1.0, 1.0), "log1pexp_grad_at_0": (0.5, 0.5),
                         "log1pexp_at_0": (math.log(2) - 1e-6, math.log(2) + 1e-6),
                         "rounded_sum": (2, 2), "straight_through_grad_sum": (12, 12),
                         "first_kernel_change": (0.1, None), "on_grid": (1, 1),
                         "loss_4": (None, of("loss_0", 0.2))},
    # the guide's tensors as TensorFlow 2.21 gives them: the star patterns' 6 + 14 + 2 entries
    # over 5 + 6 + 6 columns; slice B keeps column 5 of 6 (4 entries), slice C nothing; the
    # sum 31 + 56 at [0, 2]; st_c @ [[4], [6]] = [[78], [162]]; f's product diag(225, 625)
    "tf_sparse_tensors": {
        **{key: (value, value) for key, value in (
            ("st1_is_int32", 1), ("st1_indices_int64", 1), ("st1_shape_sum", 13),
            ("st1_values_sum", 30), ("from_dense_entries", 3), ("round_trip_sum", 12),
            ("from_dense_last_column", 2), ("sum_entries", 3), ("sum_first_value", 87),
            ("sum_is_sparse", 1), ("product_0", 78), ("product_1", 162),
            ("concat_columns", 17), ("concat_entries", 22), ("concat_checksum", 114725),
            ("slice_a_entries", 6), ("slice_b_columns", 1), ("slice_b_entries", 4),
            ("slice_b_first_column", 0), ("slice_c_columns", 0), ("slice_c_entries", 0),
            ("map_values_sum", 27), ("map_values_gap", 0), ("transposed_rows", 10),
            ("transposed_first_row", 3), ("reshaped_second_row", 4),
            ("reshaped_second_column", 0), ("reduce_sum_axis_1", 20), ("dataset_elements", 6),
            ("dataset_row_0_entries", 3), ("dataset_row_1_entries", 0), ("batch_count", 3),
            ("last_batch_indices_sum", 6), ("unbatched_elements", 6),
            ("unbatched_row_4_column", 3), ("function_trace_sum", 850),
            ("function_corner", 625), ("explicit_zero_entries", 3), ("sparse_reduce_max", 5),
            ("sparse_reduce_max_row_1", 5), ("retained_entries", 2), ("nan_count", 3),
            ("known_mean", 4), ("zero_filled_mean", 2), ("bag_row_sums_min", 3))},
        "accuracy": (0.95, 1.0), "loss_5": (None, of("loss_0", 0.3))},
    # Dense(4) of kernel arange(16) / 10 and bias 1 on the rows [1, 1, 1, 0], 0, 0, 0,
    # [0, 0, 0, 1], [1, 1, 0, 0]: 38.8
    "tf_sparse_keras_input": {"call_sum": (38.8 - 1e-4, 38.8 + 1e-4),
                              "predict_sum": (38.8 - 1e-4, 38.8 + 1e-4),
                              "empty_row_sum": (4, 4), "accuracy": (0.9, 1.0),
                              "loss_3": (None, of("loss_0", 0.7))},
    # "the wide road shimmered in the hot sun" in windows of 2: 26 pairs; the corpus's 160
    # lines hold 32 words, with "" and "[UNK]" 34; the pairs follow Python's random state
    # (random.seed(42)), so their counts and sums are Keras's; chance accuracy is 1/5
    "tf_word2vec": {
        **{key: (value, value) for key, value in (
            ("sentence_skip_grams", 26), ("sentence_vocab_size", 8), ("candidates_unique", 4),
            ("candidates_in_range", 1), ("context_length", 5), ("context_first_is_true", 1),
            ("label_sum", 1), ("nonempty_lines", 160), ("vocabulary", 34), ("sequences", 160),
            ("vocabulary_checksum", 277924), ("first_sequence_sum", 158), ("pairs", 2253),
            ("target_sum", 43538), ("true_context_sum", 35153), ("weights_rows", 40),
            ("weights_columns", 16), ("metadata_rows", 33))},
        "table_3": (0.0074155640, 0.0074155641), "accuracy": (0.45, 1.0),
        "loss_11": (None, of("loss_0", 0.8)), "within_topic": (of("across_topics", 1.0), 1.0)},
    # Dense(32) on 10 inputs quantized: kernel (int8), bias, kernel_scale (32); int4 adds
    # kernel_zero and g_idx; after quantization only the two biases train
    "int8_quantization": {"loss_0": (0.0, 1.0), "int8_mse": (0.0, 1e-3),
                          "int8_roundtrip_mse": (0.0, 0.0), "int8_policy": (1, 1),
                          "int8_kernel": (1, 1), "int8_weights": (3, 3),
                          "int8_scale_size": (32, 32), "int8_size_ratio": (None, 0.6),
                          "trainable_after": (2, 2), "tune_loss_1": (None, of("tune_loss_0")),
                          "kernel_moved": (0.0, 0.0), "int4_mse": (0.0, 0.05),
                          "int4_roundtrip_mse": (of("int4_mse"), of("int4_mse")),
                          "int4_reloaded_gap": (0.0, 0.0), "int4_policy": (1, 1),
                          "int4_weights": (5, 5)},
    # the U-Net of widths 8, 16 and depth 1 on 8x8 images: 8187 weights; 2 epochs of 16 steps
    # (the dataset twice); the EMA copy at 0.999 has not caught up; the checkpoint keeps the
    # lowest val_kid and load_weights reads it back (the file has the network and its copy)
    "ddim": {**{key: (value, value) for key, value in (
        ("network_params", 8187), ("ema_is_clone", 1), ("history_keys", 5), ("plotted", 2),
        ("checkpoint_written", 1))},
        "n_loss_1": (None, of("n_loss_0", 0.95)), "i_loss_1": (None, of("i_loss_0")),
        "plotted_min": (0.0, 1.0), "plotted_max": (0.0, 1.0), "best_epoch": (0, 1),
        "ema_gap": (1.0, None), "reloaded_gap": (0.0, None), "final_plot_mean": (0.0, 1.0)},
    # the guide's slices, gathers and scatters as TensorFlow 2.21 gives them (checksums weigh
    # each entry by its position); the gradients of gather (x's column 2 read twice with
    # weights 1 and 3), gather_nd and scatter_nd (row 0's sum lands twice on row 3)
    "tf_tensor_slicing": {
        **{key: (value, value) for key, value in (
            ("slice_sum", 6), ("python_slice_gap", 0), ("tail_sum", 18), ("slice_to_end", 18),
            ("block_checksum", 178), ("slice_3d_checksum", 79), ("slice_tensor_begin", 521),
            ("strided_checksum", 200), ("strided_reverse", 30), ("strided_masks", 569),
            ("strided_new_axis_rank", 3), ("strided_ellipsis", 740), ("gather_sum", 9),
            ("gather_letters", 1), ("gather_axis_1", 434), ("gather_batch_dims", 440),
            ("gather_negative_axis", 764), ("gather_nd_rows", 87), ("gather_nd_points", 32),
            ("gather_nd_nested", 887), ("gather_nd_flat", 887), ("gather_nd_batch_dims", 23),
            ("scatter_checksum", 220), ("scatter_repeated", 57), ("scatter_slices", 136),
            ("sparse_dense_checksum", 480), ("tensor_scatter_add", 225),
            ("tensor_scatter_sub", 83), ("tensor_scatter_min", 83), ("tensor_scatter_max", 225),
            ("tensor_scatter_update", 61), ("tensor_scatter_update_row", 217),
            ("tensor_scatter_is_int32", 1), ("variable_scatter", 103), ("boolean_mask", 24),
            ("boolean_mask_rows", 530), ("boolean_mask_axis", 1030), ("where_positions", 27),
            ("where_select", 90), ("gather_grad", 46), ("gather_nd_grad", 535),
            ("scatter_nd_grad", 150))},
        "accuracy": (0.7, 1.0), "loss_5": (None, of("loss_0", 0.8))},
    # 150 episodes of 7 frames; a Q-update every 4 frames once 16 transitions are stored
    # (frames 20, 24, ...: 258), the target copied every 50 frames (21 times, the last on the
    # final frame); a random paddle catches 3 balls in 8 (reward -0.25)
    "deep_q_network": {**{key: (value, value) for key, value in (
        ("frames", 1050), ("episodes", 150), ("updates", 258), ("optimizer_iterations", 258),
        ("target_updates", 21))},
        "final_epsilon": (0.1 - 1e-9, 0.1 + 1e-9), "running_reward": (0.0, 1.0),
        "late_loss": (None, of("early_loss", 0.9)), "greedy_actions": (400, 1050)},
    # generators of widths 4 -> 8 -> 4 with one residual block, discriminators 4 -> 8 -> 16;
    # 32 image pairs in batches of 4 for 3 epochs: 24 steps for each optimizer; a checkpoint
    # an epoch; the reflection of a 3x4 image by (2, 1): 7x6, its corner element 6 (row 2,
    # column 2 of arange(12))
    "cyclegan": {**{key: (value, value) for key, value in (
        ("generator_params", 2971), ("discriminator_params", 3061), ("reflection_layers", 4),
        ("group_norm_layers", 5), ("optimizer_iterations", 48), ("monitor_images", 6),
        ("checkpoints", 3), ("padded_shape_sum", 15), ("padded_corner", 6))},
        "restored_gap": (0.0, 1e-6), "monitor_mean": (0.0, 255.0),
        "D_X_loss_2": (None, of("D_X_loss_0", 0.8)), "D_Y_loss_2": (None, of("D_Y_loss_0", 0.8)),
        "F_loss_2": (None, of("F_loss_0"))},
    # encoder 3*3*8 + 8, 3*3*8*16 + 16, 64*4 + 4; decoder 2*128 + 128, 3*3*8*16 + 16,
    # 3*3*16*8 + 8, 3*3*8 + 1; 256 images in batches of 32 for 6 epochs; log N(0 | 0, 1) over
    # two axes is -log(2 pi)
    "tf_cvae": {**{key: (value, value) for key, value in (
        ("encoder_params", 1828), ("decoder_params", 2785), ("trainable_variables", 14),
        ("optimizer_iterations", 48), ("sample_rows", 16), ("sample_size", 16),
        ("default_sample_rows", 100))},
        "log_pdf_at_zero": (-math.log(2 * math.pi) - 1e-6, -math.log(2 * math.pi) + 1e-6),
        "elbo_6": (of("elbo_1", 0.95), None), "prediction_min": (0.0, 1.0),
        "prediction_max": (0.0, 1.0), "reconstruction_accuracy": (0.75, 1.0)},
    # 80 files, 60 for training in 4 batches of 16 and 20 in 2; 28 words + "[UNK]" capped at
    # 24; two files of 60 lines, the second labelled 1 (map fixes each round's i)
    "tf_load_text": {**{key: (value, value) for key, value in (
        ("class_names", 2), ("javascript_is_first", 1), ("train_batches", 4), ("val_batches", 2),
        ("multi_hot_width", 24), ("multi_hot_rank", 2), ("int_width", 12), ("vocabulary", 24),
        ("special_tokens", 1), ("lines", 120), ("shuffled_once", 1), ("label_sum", 60),
        ("line_train_batches", 6), ("line_val_rows", 30))},
        "binary_val_accuracy": (0.8, 1.0), "int_val_accuracy": (0.8, 1.0),
        "binary_loss_7": (None, of("binary_loss_0", 0.5)),
        "int_loss_5": (None, of("int_loss_0", 0.7))},
    "tf_text_rnn": {"first_question_rank": (1, 1), "export_accuracy": (0.7, 1.0),
                    "padding_gap": (0.0, 1e-5), "val_accuracy": (0.7, 1.0),
                    "test_accuracy": (0.7, 1.0), "stacked_params": (2033, 2033),
                    "loss_5": (None, of("loss_0", 0.8))},
    # what the guide shows of the streams: equal or not, moved, shared, rewound (a uniform of
    # 200 ints below 5 reaches 4; a stateless one below 4 reaches 3)
    # 72 tones, 54 for training and 18 for validation in batches of 16, sharded into 16 for
    # the test and 2 for validation; 4000 samples in frames of 255 every 128: 30 x 129
    "tf_simple_audio": {
        **{key: (value, value) for key, value in (
            ("classes", 3), ("first_class_is_high", 1), ("example_audio_width", 4000),
            ("train_examples", 54), ("test_examples", 16), ("val_examples", 2),
            ("spectrogram_frames", 30), ("spectrogram_bins", 129), ("params", 102966),
            ("confusion_total", 16), ("sample_rate", 8000), ("decoded_width", 4000),
            ("export_traces", 2), ("export_gap", 0), ("export_batch_rows", 2))},
        "loss_last": (None, of("loss_first", 0.5)), "test_accuracy": (0.8, 1.0),
        "confusion_diagonal": (13, 16), "file_prediction_is_mid": (1, 1),
        "export_class_is_mid": (1, 1), "norm_variance": (0.0, None),
        "decoded_abs_max": (0.5, 1.0)},
    # 50 steps from step 1 saved at 10, 20, ... 50, three kept; 50 more from the restored step
    # 50 (its iterator where it was); 99 optimizer steps in all
    # the shapes and parameter counts of the 32x32 U-Net and PatchGAN; 30 steps, checkpoints
    # after 15 and 30; the losses of the inference pass are TensorFlow's on the same weights
    "tf_pix2pix": {
        **{key: (value, value) for key, value in (
            ("loaded_width", 32), ("loaded_max", 254), ("jitter_shape_ok", 1),
            ("jitter_pairs_aligned", 1), ("normalized_min", -1), ("down_shape_ok", 1),
            ("up_shape_ok", 1), ("generator_params", 114595), ("generator_output_ok", 1),
            ("discriminator_params", 45249), ("discriminator_input_names_ok", 1),
            ("patch_shape_ok", 1), ("steps", 30), ("generator_steps", 30),
            ("discriminator_steps", 30), ("summary_files", 1), ("restore_gap", 0),
            ("latest_is_second", 1), ("prediction_in_range", 1))},
        "normalized_max": (254 / 127.5 - 1 - 1e-6, 254 / 127.5 - 1 + 1e-6),
        **{key: (value * (1 - 1e-4), value * (1 + 1e-4)) for key, value in (
            ("eval_gen_total_loss", 42.72922), ("eval_gen_l1_loss", 0.4186613),
            ("eval_disc_loss", 1.534816))},
        "l1_last": (None, of("l1_first", 0.95)), "disc_loss_last": (0.0, 2.0)},
    # by hand: 0 + 1 + 2 twice; 1 + ... + 10000 twice; 2 flat_map datasets of 5 samples a
    # epoch, each an Open and a Read row, a Map row and a Train row, 2 epochs; the Open rows
    # after the first of each dataset are -1; TensorFlow runs the flat_map function's Python
    # once (one instance counted, epochs 0..3 of it), numnet at each element (4 instances)
    "tf_data_performance": {
        **{key: (value, value) for key, value in (
            ("last_benchmark_seconds_positive", 1), ("naive", 6), ("naive_count", 6),
            ("prefetch", 6), ("interleave_order", 1), ("parallel_interleave_count", 12),
            ("sequential_map", 6), ("parallel_map", 6), ("cached", 15), ("vectorized_same", 1),
            ("vectorized_total", 100010000), ("deterministic_off", 1), ("threadpool", 2),
            ("tuned_sum", 2001000), ("timeline_rows", 82), ("timeline_trains", 20),
            ("timeline_maps", 20), ("timeline_epochs", 2), ("timeline_first_is_open", 1),
            ("times_dtype_ok", 1), ("values_dtype_ok", 1), ("negative_open_times", 16))},
        "instances": (1, 4), "second_epoch_index": (0, 2)},
    # by hand: 3 files of a header and 5 lines; 0 + 1 + ... ; windows of range(100000); 0..19
    # grouped by parity in fours; 1..12 bucketed by length 4 / 8 in 3s and 2s; 217 of the 2048
    # rows are of class 1; the resampled streams are about half of class 1
    "tf_data_guide": {
        **{key: (value, value) for key, value in (
            ("first_line_is_header", 1), ("interleave_round_robin", 1), ("interleave_lines", 18),
            ("filtered_lines", 5), ("generator_batches", 4), ("padded_rows", 10),
            ("padded_width_ok", 1), ("padded_first_shape", 3), ("padded_second_sum", 126),
            ("enumerate_sum", 33), ("zip_len", 5), ("scan_last", 15), ("take_while_len", 7),
            ("unbatch_len", 10), ("shard_sum", 12), ("reduce_sum", 10), ("repeat_then_batch", 8),
            ("batch_then_repeat", 9), ("shuffle_then_repeat_epochs_whole", 1),
            ("cache_sum_first", 45), ("cache_sum_second", 45), ("second_batch_last", 19),
            ("dense_1_step_gap", 1), ("label_5_first", 5), ("zipped_label_first", 20),
            ("window_lengths", 15), ("flat_map_10th", 2), ("window_batch_last", 8),
            ("strided_second_first", 5), ("strided_step", 3), ("dense_labels_width", 9),
            ("grouped_batches", 6), ("grouped_same_parity", 1), ("bucket_batches", 6),
            ("bucket_widest", 12), ("class_1_count", 217), ("positive_all_ones", 1),
            ("chosen_pattern", 1), ("extra_label_matches", 1), ("rebatch_sizes", 2323),
            ("random_coins_binary", 1))},
        "class_1_fraction": (217 / 2048 - 1e-6, 217 / 2048 + 1e-6),
        "sampled_fraction": (0.35, 0.65), "resampled_fraction": (0.35, 0.65),
        "wave_loss_3": (None, of("wave_loss_0", 0.05)), "balanced_recall": (0.75, 1.0),
        "balanced_loss_last": (None, 0.5)},
    # 12 words + punctuation ("." "?") + 4 special tokens in each vocabulary; the tokens of a
    # ragged row read back as the standardized text; the random-weight loss starts near
    # log(18); the translations are of held-out sentences
    "tf_nmt_attention": {
        **{key: (value, value) for key, value in (
            ("raw_batch_rows", 32), ("standardized_matches", 1), ("context_vocab", 18),
            ("target_vocab", 18), ("vocab_head_ok", 1), ("round_trip_ok", 1), ("shifted_ok", 1),
            ("context_is_int64", 1), ("encoded_width", 16), ("attention_shape_ok", 1),
            ("logits_shape_ok", 1), ("start_token_ok", 1), ("initial_state_sum", 0),
            ("sampled_shape_ok", 1), ("sampled_text_rows", 32), ("weights", 23),
            ("params", 6898), ("history_keys", 6), ("attention_steps_ok", 1),
            ("single_matches", 1), ("export_matches", 1), ("dynamic_matches", 1),
            ("dynamic_export_matches", 1))},
        "attention_row_sum_error": (0.0, 1e-5),
        "expected_loss": (math.log(18) - 1e-5, math.log(18) + 1e-5),
        "initial_val_loss": (2.5, 3.5), "loss_last": (None, of("loss_0", 0.1)),
        "val_masked_acc": (0.85, 1.0), "translate_accuracy": (0.6, 1.0)},
    # 134 positives in 3000 rows; the careful bias log(134 / 2866) starts the loss near the
    # labels' entropy; the evaluations from the NumPy draw are TensorFlow's; 23 oversampled
    # steps make an epoch of twice the negatives
    "tf_imbalanced_data": {
        **{key: (value, value) for key, value in (
            ("initial_bias_set", 1), ("history_keys", 24), ("has_val_prc", 1),
            ("cross_entropy_is_loss", 1), ("counts_add_up", 1), ("tp_matches", 1),
            ("pos_ds_label", 1), ("resampled_steps", 23))},
        "positive_share": (134 / 3000 - 1e-9, 134 / 3000 + 1e-9),
        "loaded_bias": (math.log(134 / 2866) - 1e-5, math.log(134 / 2866) + 1e-5),
        **{key: (value * (1 - 1e-4), value * (1 + 1e-4)) for key, value in (
            ("zero_bias_loss", 0.7007226), ("careful_bias_loss", 0.1745836),
            ("predict_mean", 0.04516636))},
        "entropy_by_hand": (of("careful_bias_loss", 0.9), of("careful_bias_loss", 1.1)),
        "baseline_auc": (0.85, 1.0), "baseline_accuracy": (0.9, 1.0),
        "weighted_recall": (0.7, 1.0), "weighted_auc": (0.85, 1.0),
        "resampled_recall": (0.7, 1.0), "resampled_auc": (0.85, 1.0),
        "resampled_batch_mean": (0.35, 0.65), "resampled_epochs": (1, 4)},
    # the contexts as TensorFlow gives them on one device; 64 ones in batches of 16 (labels
    # 1 - 0.3 features: 16 * 0.7); 9 numbers in batches of 4 end after 3; the custom loop
    # and fit take the same SGD steps
    "tf_distributed_input": {
        **{key: (value, value) for key, value in (
            ("worker_devices", 1), ("device_is_cpu", 1), ("top_cross_replica", 0),
            ("top_has_replica_context", 1), ("top_has_strategy", 0), ("scope_cross_replica", 1),
            ("scope_replica_context_none", 1), ("run_cross_replica", 0),
            ("run_strategy_current", 1), ("run_replicas", 1), ("merge_gets_strategy", 1),
            ("merged", 6), ("on_read_value", 3), ("spec_batch_free", 1), ("spec_width", 1),
            ("local_results", 1), ("iterator_rows", 96), ("optional_batches", 3),
            ("optional_rows", 9), ("signature_calls", 4), ("signature_traces", 1),
            ("doubled_sum", 16), ("function_batch_shape_sum", 21), ("optimizer_steps", 16),
            ("loops_agree", 1))},
        "local_sum": (11.2 - 1e-5, 11.2 + 1e-5), "loss_3": (None, of("loss_0", 0.01)),
        "fit_loss_3": (of("loss_3", 1 - 1e-4), of("loss_3", 1 + 1e-4))},
    # one replica: the global batch is the replica's; 4 batches of 64 a step each, 4 epochs,
    # then 6 iterator steps and a 4-step epoch function; ckpt-2 is the save after epoch 3
    "tf_distributed_training": {
        **{key: (value, value) for key, value in (
            ("replicas", 1), ("regularization_terms", 4), ("per_example_rank", 1),
            ("train_accuracy_reset", 0), ("optimizer_steps", 16), ("latest_is_second_save", 1),
            ("restored_steps", 12), ("final_steps", 26), ("function_dataset_rows", 128),
            ("local_results", 1), ("local_value", 2), ("mean_reduce", 3),
            ("default_strategy_replicas", 1), ("in_scope_is_strategy", 1), ("has_strategy", 1),
            ("fit_weight_files", 4))},
        "fit_rate_first": (0.01 * (1 - 1e-6), 0.01 * (1 + 1e-6)),
        "fit_rate_last": (1e-4 * (1 - 1e-6), 1e-4 * (1 + 1e-6)),
        "average_by_hand_gap": (0.0, 1e-6), "loss_3": (None, of("loss_0", 0.6)),
        "test_accuracy": (0.85, 1.0), "restored_accuracy": (0.8, 1.0),
        "fit_loss_3": (None, of("fit_loss_0", 0.3)), "fit_eval_accuracy": (0.85, 1.0)},
    "tf_checkpoint_guide": {
        **{key: (value, value) for key, value in (
            ("weights_file", 1), ("first_run_step", 51), ("first_run_kept", 3),
            ("second_run_step", 100), ("kept_checkpoints", 3), ("latest_is_last", 1),
            ("latest_matches_function", 1), ("optimizer_iterations", 99),
            ("bias_restored_gap", 0), ("deferred_before", 0), ("deferred_gap", 0),
            ("deferred_step", 100), ("partial_step", 100), ("has_step", 1),
            ("step_shape_rank", 0), ("step_is_int32", 1), ("loaded_step", 100),
            ("mapped_restored", 2), ("listed_restored", 1))},
        "loss_9": (None, of("loss_0", 0.05))},
    # 10 steps in calls of 4, 4 and 2; one trace for the input_signature however the image's
    # size changes; octaves of a 36x44 image: 36 / 1.3^2 = 21.3 rows, 44 * 1.3^2 = 74.4 columns;
    # gradients divided by their standard deviation
    "tf_deepdream": {
        **{key: (value, value) for key, value in (
            ("dream_calls", 3), ("dream_traces", 1), ("dream_is_uint8", 1),
            ("octave_first_height", 21), ("octave_last_width", 74), ("octave_result_height", 36),
            ("octave_is_uint8", 1), ("roll_back_gap", 0), ("roll_by_hand_gap", 0),
            ("tiled_height", 46), ("tiled_traces", 1))},
        **{f"tiled_std_{octave}": (1 - 1e-4, 1 + 1e-4) for octave in (-1, 0, 1)},
        "dream_loss_2": (of("dream_loss_0", 1.05), None), "dream_changed": (1.0, None),
        "tiled_loss_after": (of("tiled_loss_before", 1.05), None)},
    # 48x40 pictures scaled to 24 on the long side; Gram matrices of 8, 12 and 16 channels,
    # symmetric; the frozen extractor trains nothing; the clipped image stays in [0, 1]; the
    # total variation by hand is tf.image.total_variation's
    "tf_style_transfer": {
        **{key: (value, value) for key, value in (
            ("content_height", 20), ("content_width", 24), ("gram_shape_sum", 25),
            ("gram_symmetric_gap", 0), ("extractor_trainable", 0), ("image_in_range", 1),
            ("sobel_shape_sum", 50))},
        "tv_builtin": (of("tv_by_hand", 1 - 1e-6), of("tv_by_hand", 1 + 1e-6)),
        "style_loss_5": (None, of("style_loss_0", 0.99)), "image_changed": (1e-4, 0.1),
        "content_max": (0.9, 1.0)},
    # a 20x20 PNG read back as written, resized to 16x16 and scaled to [-1, 1]; the sign of the
    # input gradient is +-1 everywhere; the attack takes the test accuracy from 1 to below 0.5
    "tf_adversarial_fgsm": {
        **{key: (value, value) for key, value in (
            ("decoded_equal", 1), ("image_rank", 4), ("trainable_after_freeze", 0),
            ("perturbation_shape_sum", 36), ("perturbation_abs_max", 1),
            *((f"adv_in_range_{i}", 1) for i in range(4)))},
        "image_min": (-1.0, -0.5), "image_max": (0.0, 1.0), "probs_sum": (1 - 1e-5, 1 + 1e-5),
        "loss_3": (None, of("loss_0", 0.5)), "adv_accuracy_0": (0.95, 1.0),
        "adv_accuracy_3": (0.0, 0.5), "adv_loss_3": (of("adv_loss_1"), None),
        "adv_loss_1": (of("adv_loss_0"), None)},
    # traces as TensorFlow counts them: my_relu for a float scalar, a Python list and a float
    # vector; double for int32, float32 and string scalars; one for an input_signature; [3]
    # then [None] under reduce_retracing; num_steps 10 and 20, then one int32 scalar. MSE of
    # (1, -1, 0, 4, 0) in int32: 18 // 5; tanh six times brings 2 + 1.5 to 1 or below
    "tf_function_guide": {
        **{key: (value, value) for key, value in (
            ("function_value", 12), ("outer_value", 12), ("relu_traces", 3),
            ("relu_list_sum", 1), ("eager_switch_on", 1), ("eager_traces", 0),
            ("graph_traces", 1), ("mse", 3), ("mse_is_int32", 1), ("eager_mse_gap", 0),
            ("double_traces_3", 3), ("double_string", 1), ("double_traces_still_3", 3),
            ("concrete_traces", 3), ("concrete_refuses_int", 1), ("spec_traces", 3),
            ("signature_refusals", 2), ("collatz_sum", 45), ("collatz_traces", 1),
            ("reduced_traces", 2), ("python_argument_traces", 2),
            ("tensor_argument_traces", 3), ("vector_matrix_traces", 2),
            ("variable_read_each_call", 3), ("module_count", 2), ("tensor_array_sum", 9),
            ("while_steps", 6), ("train_step_traces", 1))},
        "while_sum": (0.92, 1.0), "loss_5": (None, of("loss_0", 0.2))},
    # x = arange(24) as (2, 3, 4): x[1, 1:3] sums 16..23 = 156, x[:, (T, F, T)] 184, x[1, (0, 0, 1),
    # (0, 1, 1)] is 12 + 13 + 17; five of the six promotions of int32/int64/float32/float64 are
    # float64; 2 + 2 + 1 of arange(5) batched by 2
    "tf_numpy_api": {
        **{key: (value, value) for key, value in (
            ("is_tensor", 1), ("transpose_rows", 3), ("flat_size", 15), ("ndim", 2),
            ("promoted_to_float64", 5), ("int32_int64", 1), ("int_literal_int64", 1),
            ("float_literal_float64", 1), ("preferred_float32", 1),
            ("preferred_add_float32", 1), ("numpy_add_float64", 1),
            ("mean_of_ints_float64", 1), ("sum_of_int32_int64", 1), ("broadcast_size", 6),
            ("basic_sum", 156), ("boolean_sum", 184), ("advanced_sum", 42),
            ("mutation_refused", 1), ("gradient_is_ndarray", 1), ("jacobian_shape_sum", 50),
            ("per_example_rows", 8), ("numpy_sum", 6), ("numpy_sum_is_numpy", 1),
            ("tnp_sum_is_tensor", 1), ("mixed_is_tensor", 1), ("dataset_batches", 3),
            ("dataset_last", 4))},
        "compiled_gap": (0.0, 1e-6), "per_example_sum_gap": (0.0, 1e-4),
        "loss_5": (None, of("loss_0", 0.5)), "keras_loss_3": (None, of("keras_loss_0", 0.9))},
    "tf_random_numbers": {**{key: (value, value) for key, value in (
        ("global_shape_sum", 5), ("same_seed_same_stream", 1), ("other_seed_other_stream", 1),
        ("non_deterministic_dtype", 1), ("state_moved", 1), ("state_is_int64", 1),
        ("state_is_variable", 1), ("draws_differ", 1), ("uniform_in_range", 1),
        ("int_uniform_max", 4), ("copy_same_stream", 1), ("from_state_shares_variable", 1),
        ("shared_draws_differ", 1), ("from_state_value_same_stream", 1), ("reset_from_seed", 1),
        ("split_count", 3), ("split_streams_differ", 1), ("split_are_generators", 1),
        ("function_draws_differ", 1), ("created_once_differ", 1), ("passed_seed_1", 1),
        ("checkpoint_rewinds", 1), ("checkpoint_into_new_generator", 1), ("stateless_repeat", 1),
        ("stateless_other_seed", 1), ("split_seeds_shape_sum", 5), ("split_seeds_differ", 1),
        ("fold_in_repeat", 1), ("fold_in_differs", 1), ("experimental_split_rows", 4),
        ("stateless_uniform_int_max", 3), ("noise_state_moved", 1), ("inference_unchanged", 1))},
        "accuracy": (0.85, 1.0), "loss_5": (None, of("loss_0", 0.5))},
    # actor 4*16+16 + 16*16+16 + 16*2+2, critic the same to one output; 6 epochs of 20 value
    # steps; the discounted sums of ones at 0.5: 1 + 0.5 + 0.25; a random policy holds the
    # pole about 22 steps
    "ppo_cartpole": {**{key: (value, value) for key, value in (
        ("actor_params", 386), ("critic_params", 369), ("value_iterations", 120),
        ("policy_iterations_match", 1), ("lfilter_check", 1.75), ("critic_output_rank", 1))},
        "logprob_sum": (1 - 1e-6, 1 + 1e-6), "policy_steps": (6, 120),
        "best_late_return": (of("first_mean_return", 1.5), 200.0)},
    # 6*24+24 + 24*24+24 + 24*2+2 = 818 trainable before; with rank 2 on both hidden layers
    # 24 + 2*(6+24) + 24 + 2*(24+24) + 50 = 254
    "lora_finetuning": {"params_before": (818, 818), "params_lora": (254, 254),
                        "kernel_moved": (0.0, 0.0), "lora_weights": (4, 4),
                        "lora_trainable": (3, 3), "model_weights": (10, 10),
                        "merge_gap": (0.0, 1e-5), "kernel_gap": (0.0, 1e-5),
                        "after_transfer": (of("before_transfer", 1.05), 1.0),
                        "built_with_rank_trainable": (3, 3), "built_with_rank_enabled": (1, 1),
                        "rebuilt_rank": (2, 2), "rebuilt_alpha": (4, 4), "rebuilt_enabled": (1, 1),
                        "table_moved": (0.0, 0.0), "table_gap": (0.0, 1e-5),
                        "embedding_trainable": (2, 2),
                        "text_loss_2": (None, of("text_loss_0", 0.8)),
                        "loss_4": (None, of("loss_0", 0.6))},
    # 96 papers of 3 subjects; the three GNNs (sum + concat, mean + gru, max + add) of FFNs
    # [16, 16]: 74 weights; the concat update FFN takes 32 features, the others 16
    "gnn_citations": {
        **{f"{tag}_{key}": (value, value) for tag in ("sum", "mean", "max") for key, value in (
            ("probe_rows", 3), ("weights", 74))},
        "sum_params": (4883, 4883), "mean_params": (4243, 4243), "max_params": (4243, 4243),
        **{f"{tag}_test_accuracy": (0.55, 1.0) for tag in ("sum", "mean", "max")},
        **{f"{tag}_loss_11": (None, of(f"{tag}_loss_0", 0.2)) for tag in ("sum", "mean", "max")},
        "new_rows": (3, 3), "new_probability_sum": (3 - 1e-5, 3 + 1e-5)},
    # 90 nodes, 270 edges; Dense 20 -> 32, two layers of 4 heads of 8 units (32 x 8 + 16 x 1
    # each), Dense 32 -> 3: 2947 parameters in 20 weights
    "gat_node_classification": {
        **{f"concat_{key}": (value, value) for key, value in (
            ("output_rows", 90), ("weights", 20), ("params", 2947), ("history_keys", 4),
            ("predict_rows", 30))},
        "concat_probability_sum": (30 - 1e-4, 30 + 1e-4), "concat_test_accuracy": (0.65, 1.0),
        "concat_predicted_accuracy": (of("concat_test_accuracy", 1 - 1e-6),
                                      of("concat_test_accuracy", 1 + 1e-6)),
        "concat_loss_7": (None, of("concat_loss_0", 0.3))},
    # make_classification's 3 classes from 8 features; a transformer of one column
    "sklearn_wrapper": {
        **{key: (value, value) for key, value in (
            ("classes", 3), ("n_features_in", 8), ("decision_columns", 3),
            ("decision_argmax_agrees", 1), ("named_is_str", 1), ("named_agrees", 1),
            ("binary_columns", 2), ("reg_prediction_rank", 1), ("given_is_cloned", 1),
            ("given_untouched", 1), ("given_params", 57), ("given_epochs", 2),
            ("uncompiled_refused", 1), ("transform_columns", 1))},
        "loss_4": (None, of("loss_0", 0.6)), "train_score": (0.75, 1.0),
        "test_score": (0.6, 1.0), **{f"cv_score_{fold}": (0.55, 1.0) for fold in range(3)},
        "pipeline_score": (0.6, 1.0), "binary_score": (0.85, 1.0), "reg_r2": (0.9, 1.0),
        "reg_loss_7": (None, of("reg_loss_0", 0.1)), "grid_best_score": (0.8, 1.0),
        "transform_score": (0.85, 1.0)},
    # 3200 samples: 1 + (3200 - 256) // 160 = 19 frames of 384 // 2 + 1 = 193 bins; 7 characters
    # and the out-of-vocabulary "" make 8 classes, the blank the ninth
    "ctc_asr": {
        **{key: (value, value) for key, value in (
            ("vocabulary_size", 8), ("spectrogram_frames", 19), ("spectrogram_bins", 193),
            ("label_length", 4), ("first_text_back", 1), ("params", 41585),
            ("greedy_paths", 1), ("beam_paths", 2), ("beam_scores_ordered", 1))},
        "spectrogram_row_mean": (0.0, 1e-5), "loss_14": (None, of("loss_0", 0.1)),
        "exact_last": (0.4, 1.0), "decoded_chars": (40, 64),
        "batch_loss_mean": (of("val_loss_last", 1 - 1e-5), of("val_loss_last", 1 + 1e-5))},
    # 60 users x 12 ratings; baseline tables 60 x 16 and 40 x 16; the memory-efficient model's
    # 2 tables of 10 buckets x 16 and its movie blocks 11 x 16, 16 x 8 + 8 x 16 + 16, 16 x 4 +
    # 4 x 16 + 16 (each block with one out-of-vocabulary row)
    "memory_efficient_embeddings": {
        **{key: (value, value) for key, value in (
            ("ratings", 720), ("users", 60), ("movies", 40), ("csv_columns", 2),
            ("csv_first_user_ok", 1), ("baseline_params", 1600), ("efficient_params", 912),
            ("block_sizes", 40), ("unknown_block", -1))},
        "csv_first_rating": (1, 5), "qr_gap": (0.0, 1e-6),
        "baseline_loss_3": (None, of("baseline_loss_0", 0.6)),
        "efficient_loss_3": (None, of("efficient_loss_0", 0.8))},
    # 120 files, 96 to train: batches of (16, 256, 1); two noise files of 3 clips each; residual
    # blocks of 8, 8 and 16 filters: 8563 parameters
    "speaker_recognition": {
        **{key: (value, value) for key, value in (
            ("noise_clips", 6), ("noise_length", 512), ("decoded_shape_sum", 513),
            ("batch_shape_sum", 273), ("batch_nonnegative", 1), ("params", 8563),
            ("checkpoint_written", 1))},
        "fft_gap": (0.0, 1e-5), "loss_last": (None, of("loss_first", 0.2)),
        "best_val_accuracy": (0.9, 1.0), "evaluate_accuracy": (0.85, 1.0),
        "checkpoint_accuracy": (of("best_val_accuracy", 1 - 1e-6),
                                of("best_val_accuracy", 1 + 1e-6)),
        "noisy_correct": (0.75, 1.0)},
    # 3 numeric and 3 categorical features; a GRN of 8 units and a VariableSelection of 7 GRNs
    "grn_vsn_classification": {
        **{key: (value, value) for key, value in (
            ("feature_count", 6), ("education_is_index", 1), ("weight_positive", 1),
            ("params", 3047), ("weights", 85))},
        "loss_5": (None, of("loss_0", 0.9)), "test_accuracy": (0.75, 1.0),
        "selection_row_sum": (0.0, 1e-5)},
    # 11 initializers; batches of (32, 20, 20, 1); fit's loss, accuracy, val_loss, val_accuracy
    "reproducibility_recipes": {
        **{key: (value, value) for key, value in (
            ("initializers_repeat", 11), ("seeded_objects_equal", 1),
            ("seeded_object_called_twice_equal", 1), ("unseeded_objects_equal", 0),
            ("int_seed_repeats", 1), ("generator_moves_on", 1), ("generator_starts_over", 1),
            ("batch_shape_sum", 73), ("history_entries_unequal", 0), ("history_keys", 4),
            ("weights_identical", 1), ("accuracy_repeats", 1))},
        "pixel_max": (0.8, 1.0), "test_accuracy": (0.9, 1.0),
        "loss_last": (None, of("loss_first", 0.3))},
    # the first record: its count, 10 tokens and 10 tags; 10 tags with [PAD]; 64 validation
    # sentences of 444 tokens
    "ner_transformers": {
        **{key: (value, value) for key, value in (
            ("first_line_fields", 21), ("batch_rows", 32), ("tokens_match_tags", 1),
            ("padding_agrees", 1), ("probe_shape_sum", 19), ("params", 5066),
            ("val_tokens", 444))},
        "loss_5": (None, of("loss_0", 0.5)), "entity_f1": (0.6, 1.0),
        "sample_tags_right": (2, 5)},
    # 4 categorical features embedded in 8 and 3 numeric ones; the column embedding is a
    # constant of the model (called on ops.arange), so both TabTransformers count 6979
    "tabtransformer": {
        **{key: (value, value) for key, value in (
            ("baseline_params", 8257), ("plain_params", 6979), ("column_params", 6979),
            ("plain_layers", 29), ("column_layers", 29))},
        "baseline_loss_4": (None, of("baseline_loss_0", 0.2)), "baseline_accuracy": (0.85, 1.0),
        "plain_loss_4": (None, of("plain_loss_0", 0.6)),
        "column_loss_4": (None, of("column_loss_0", 0.7)),
        "plain_accuracy": (0.45, 1.0), "column_accuracy": (0.45, 1.0)},
    # two Dense layers each; one metric, the trainer's own accuracy
    "trainer_pattern": {
        **{key: (value, value) for key, value in (
            ("trainer_1_weights", 4), ("trainer_2_weights", 4), ("trainer_1_metrics", 1),
            ("trainer_1_history_keys", 2), ("trainer_2_history_keys", 2),
            ("evaluate_is_scalar", 1), ("evaluate_keys", 1), ("model_b_is_wrapped", 1))},
        "trainer_1_train_accuracy": (0.85, 1.0), "trainer_2_train_accuracy": (0.9, 1.0),
        "trainer_1_val_accuracy": (0.9, 1.0), "trainer_2_val_accuracy": (0.9, 1.0),
        "evaluate_accuracy": (0.9, 1.0), "trainer_predict_gap": (0.0, 1e-6)},
    # Dense 196 -> 32, Antirectifier 64 x 32, Dense 32 -> 32, Antirectifier, Dense 32 -> 10
    "antirectifier": {
        **{key: (value, value) for key, value in (
            ("params", 11786), ("weights", 8), ("history_keys", 4),
            ("config_initializer_is_dict", 1), ("config_initializer_he", 1),
            ("rebuilt_initializer_he", 1), ("loaded_layer_is_antirectifier", 1))},
        "layer_gap": (0.0, 1e-5), "rebuilt_gap": (0.0, 1e-6), "loaded_gap": (0.0, 1e-6),
        "loss_last": (None, of("loss_first", 0.6)), "test_accuracy": (0.8, 1.0)},
    # 3 numeric columns with 9 + 4 multi-hot ones (16) or embeddings of 3 + 2 (8)
    "wide_deep_cross": {
        **{key: (value, value) for key, value in (
            ("wide_width", 16), ("deep_width", 8), ("baseline_params", 723),
            ("wide_deep_params", 742), ("deep_cross_params", 830), ("string_dtype_ok", 1))},
        **{f"{tag}_loss_4": (None, of(f"{tag}_loss_0", 0.6))
           for tag in ("baseline", "wide_deep", "deep_cross")},
        **{f"{tag}_accuracy": (0.7, 1.0) for tag in ("baseline", "wide_deep", "deep_cross")},
        "one_row_probability_sum": (1 - 1e-5, 1 + 1e-5)},
    # embeddings 4 x 2 and 9 x 2 (int(sqrt(9)) = 3: 9 x 3), 3 numeric columns: 2 + 3 + 3 = 8
    # wide; the tree: 8 x 4 batch-norm values, Dense 8 -> 8, pi 8 x 2; the forest: three trees
    # of depth 2 on 4 of the 8 features (Dense 4 -> 4, pi 4 x 2); the mask is no weight
    "neural_decision_forests": {
        **{key: (value, value) for key, value in (
            ("encoded_width", 8), ("tree_params", 155), ("tree_weights", 9),
            ("tree_mask_is_weight", 0), ("tree_mask_sum", 8), ("forest_params", 151),
            ("forest_weights", 15), ("forest_trees", 3), ("forest_mask_rows", 4))},
        "tree_row_sum_error": (0.0, 1e-6), "tree_accuracy": (0.75, 1.0),
        "forest_accuracy": (0.6, 1.0), "tree_loss_5": (None, of("tree_loss_0", 0.8)),
        "forest_loss_5": (None, of("forest_loss_0", 0.95))},
    # encoder 1->8->16 (3x3) and 16->4 (1x1): 80 + 1168 + 68; codebook 4 x 16; decoder 4->16,
    # 16->8, 8->1 transposed 3x3: 592 + 1160 + 73; 12x12 images to 3x3 codes; one add_loss
    "vq_vae": {
        **{key: (value, value) for key, value in (
            ("params", 3205), ("trainable_weights", 13), ("codebook_rows", 4),
            ("history_keys", 3), ("vq_layer_losses", 1), ("codes_shape_sum", 16),
            ("codes_in_range", 1), ("codes_by_hand_agree", 1), ("codebook_moved", 1))},
        **{f"loss_{epoch}": (of(f"reconstruction_loss_{epoch}"), None) for epoch in range(5)},
        "loss_4": (of("reconstruction_loss_4"), of("loss_0", 0.7)),
        "vqvae_loss_4": (0.0, of("loss_4", 0.2)), "test_mse": (0.0, 0.1)},
    # 192 + 64 rows: 6 batches of 32; a Beta(0.2, 0.2) draw lies below 0.1 or above 0.9 two
    # times in three; a 16x16x3 image of ones with a 6x7 box of twos: 768 + 126; the ResNet of
    # depth 8: 9 convolutions, each with its l2 penalty
    "mixup_cutmix": {
        **{key: (value, value) for key, value in (
            ("mixup_batch", 32), ("mixup_in_range", 1), ("mixup_batches", 6),
            ("reloaded_equal", 1), ("cutmix_batch_shape_sum", 67), ("pasted_sum", 894),
            ("pasted_corner", 1212), ("box_area_ok", 1), ("box_inside", 1),
            ("resnet_params", 20068), ("resnet_penalties", 9))},
        "mixup_label_sum_error": (0.0, 1e-6), "cutmix_label_sum_error": (0.0, 1e-6),
        "beta_mean": (0.47, 0.53), "beta_extreme_share": (0.63, 0.71),
        "mixup_test_accuracy": (0.6, 1.0), "cutmix_test_accuracy": (0.0, 1.0),
        "simple_test_loss": (0.0, None), "loss_2": (None, of("loss_0", 0.8))},
    # the probe: labels [0, 0, 1] and unit features at 0 and 60 degrees and 90 (length 2):
    # the n-pairs cross-entropy against rows [.5, .5, 0], [.5, .5, 0], [0, 0, 1] by hand;
    # frozen: only the two Dense layers of the head train
    "supervised_contrastive": {
        **{key: (value, value) for key, value in (
            ("baseline_trainable", 8), ("frozen_trainable", 4), ("encoder_trainable", 0),
            ("encoder_unchanged", 1))},
        "probe_loss": (of("probe_by_hand", 1 - 1e-6), of("probe_by_hand", 1 + 1e-6)),
        "normalization_mean": (of("pixel_mean", 1 - 1e-5), of("pixel_mean", 1 + 1e-5)),
        "baseline_loss_last": (None, of("baseline_loss_0", 0.5)),
        "pretrain_loss_last": (None, of("pretrain_loss_0", 0.97)),
        "baseline_accuracy": (0.85, 1.0), "contrastive_accuracy": (0.6, 1.0)},
    # 192 images in batches of 64 without the remainder: 3 steps an epoch, 4 epochs; the
    # probe: the cross-correlation loss of 8 fixed pairs of 3-wide embeddings by hand
    "barlow_twins": {
        **{key: (value, value) for key, value in (
            ("view_shape_sum", 99), ("views_in_range", 1), ("views_differ", 1), ("batches", 3),
            ("pairs_aligned", 1), ("reshuffled", 1), ("twin_params", 10656), ("iterations", 12),
            ("linear_trainable", 2), ("encoder_unchanged", 1))},
        "grey_error": (0.0, 1e-6),
        "probe_loss": (of("probe_by_hand", 1 - 1e-5), of("probe_by_hand", 1 + 1e-5)),
        "loss_last": (None, of("loss_0", 0.95)),
        "linear_loss_last": (None, of("linear_loss_0", 0.97)), "val_accuracy": (0.25, 1.0)},
    # [pos, neg] on the feature axis: (2, 10) times a (10, 5) kernel; two Embeddings of
    # 1000 x 16, LSTM(32) and LSTM(8) on them, 32 + 8 + 12 = 52 wide, Dense 1 and 4 on top;
    # 540 training rows in batches of 128: 5 steps an epoch, so after 6 epochs the rate is
    # 0.1 / (1 + 0.1 * 30 / 25); the second derivative of the biases sums to zero over the
    # softmax's classes
    "debugging_tips": {
        **{key: (value, value) for key, value in (
            ("bug_caught", 1), ("fixed_output_shape_sum", 7), ("printed_shapes_sum", 27),
            ("multi_io_params", 39337), ("concatenated_width", 52), ("eager_steps", 3))},
        "final_rate": (0.1 / 1.12 * (1 - 1e-6), 0.1 / 1.12 * (1 + 1e-6)),
        "first_mean_d2l_db2": (-1e-6, 1e-6), "first_mean_d2l_dw2": (0.0, None),
        "normalized_loss_5": (None, of("normalized_loss_0", 0.9)),
        "normalized_eval_loss": (None, of("plain_eval_loss", 0.8)),
        "normalized_accuracy": (0.15, 1.0)},
    # 8 float8 layers (query, key, value, attention_output, the two feed-forward and the two
    # head Dense layers), each with 3 scales and 3 histories of 1024: 2817 + 8 * 3075; the
    # query's input history has one entry a step: 384 / 32 * 6
    "float8_transformer": {
        **{key: (value, value) for key, value in (
            ("params", 2817), ("query_float8_variables", 6), ("query_scales_before", 3),
            ("float8_layers", 8), ("policy_names_ok", 1), ("float8_params", 27417),
            ("query_amax_steps", 72))},
        "plain_loss_5": (None, of("plain_loss_0", 0.3)), "loss_5": (None, of("loss_0", 0.3)),
        "plain_accuracy": (0.8, 1.0), "float8_accuracy": (0.8, 1.0),
        "query_inputs_scale": (of("query_amax_max", 1 / 448 * (1 - 1e-5)),
                               of("query_amax_max", 1 / 448 * (1 + 1e-5))),
        # with MultiHeadAttention: its 4 projections and the 4 Dense layers, 6 weights each
        "mha_query_float8_variables": (6, 6), "mha_float8_weights": (48, 48),
        "mha_loss_1": (None, of("mha_loss_0", 0.8))},
    # 32 images of 12 x 12 x 3 a batch; the student's logs: loss, accuracy, total_loss and
    # their validation entries, with the learning rate ReduceLROnPlateau adds
    "consistency_training": {
        **{key: (value, value) for key, value in (
            ("clean_shape_sum", 59), ("same_labels", 1), ("views_differ", 1),
            ("teacher_epochs", 4), ("student_history_keys", 6), ("teacher_unchanged", 1))},
        "teacher_loss_last": (None, of("teacher_loss_first", 0.5)),
        "teacher_accuracy": (0.8, 1.0), "student_accuracy_last": (0.8, 1.0),
        "student_val_accuracy": (0.8, 1.0), "student_test_accuracy": (0.8, 1.0),
        "student_total_loss_last": (0.0, 0.6)},
    # 48 unlabeled + 16 labeled images a step, 8 steps an epoch; a queue of 96 unit rows that
    # 24 pushes of 64 projections replace whole; a queue row is its own nearest neighbour and
    # the straight-through lookup passes the gradient (0, 1, ..., 15) back unchanged
    "nnclr": {
        **{key: (value, value) for key, value in (
            ("batch_size", 64), ("view_rows", 128), ("view_differs", 1), ("plain_in_range", 1),
            ("queue_rows", 96), ("queue_not_trainable", 1), ("neighbour_is_queue_row", 1),
            ("history_keys", 7), ("contrastive_iterations", 24), ("probe_iterations", 24),
            ("queue_replaced", 1))},
        **{key: (0.0, 1e-5) for key in (
            "queue_norm_gap", "neighbour_gap", "straight_through_gap", "normalize_gap",
            "queue_norm_after_gap")},
        "view_min": (0.0, None), "view_max": (None, 1.0),
        "c_loss_last": (None, of("c_loss_0", 0.95)), "finetune_val_acc": (0.5, 1.0),
        "finetune_loss_last": (None, of("finetune_loss_0", 0.9))},
    # 160 bags of three 6x6 instances (92 hold a row-1 image); 36 * 32 + 32 + 32 * 16 + 16
    # shared, v, u (16 x 24) and w (24 x 1) gated weights, 48 * 2 + 2 out: 2602 weights; three
    # L2 penalties of 0.01 * sum(w**2); every epoch improves val_loss, so no early stop
    "attention_mil_classification": {
        **{key: (value, value) for key, value in (
            ("train_positive", 92), ("inputs", 3), ("instance_rows", 160), ("params", 2602),
            ("alpha_weights", 3), ("regularization_losses", 3), ("epochs_0", 8),
            ("epochs_1", 8), ("attention_shape_sum", 67))},
        **{key: (0.0, 1e-5) for key in (
            "penalty_gap", "attention_sum_gap", "reloaded_val_loss_gap")},
        "loss_0_3": (None, of("loss_0_0", 0.8)), "loss_1_3": (None, of("loss_1_0", 0.8)),
        "average_accuracy": (0.9, 1.0), "ensemble_accuracy": (0.9, 1.0),
        "positive_attention_hits": (0.9, 1.0)},
    # 10 steps an epoch for 4 epochs, a warm-up of int(40 * 0.15) = 6 steps to 3e-3, then a
    # cosine to 0 at step 40 (half the base at step 23); a 4 x 4 map of patch weights that the
    # monitor reads after epochs 1 and 3 (the class token takes the rest of the softmax)
    "patch_convnet": {
        **{key: (value, value) for key, value in (
            ("warmup_steps", 6), ("lr_0", 0), ("lr_after", 0), ("bad_steps_refused", 1),
            ("history_has_top5", 1), ("history_has_val_accuracy", 1), ("iterations", 40),
            ("cls_trained", 1), ("monitor_calls", 2), ("monitor_map_size", 16),
            ("logits_shape_sum", 70), ("viz_shape_sum", 80), ("viz_below_one", 1))},
        **{key: (value * (1 - 1e-6), value * (1 + 1e-6)) for key, value in (
            ("lr_3", 1.5e-3), ("lr_peak", 3e-3), ("lr_23", 1.5e-3))},
        "rebuilt_gap": (0.0, 1e-9), "monitor_weight_sum": (0.0, 1.0),
        "accuracy_last": (0.8, 1.0), "val_accuracy_last": (0.6, 1.0), "test_top1": (0.6, 1.0),
        "test_top5": (0.95, 1.0)},
    # "", [UNK], [start], [end], "?", "." and the 10 words; a causal mask of 3 x (1 + 2 + 3 + 4);
    # the encoder's embeddings 24 * 32 + 8 * 32, its Dense 32 -> 64 -> 32 and two norms; no mask
    # reaches the decoder's call of two tensors (Keras 3 fills mask= for one tensor argument)
    "text_generation_fnet": {
        **{key: (value, value) for key, value in (
            ("first_answer_words", 3), ("standardized_ok", 1), ("vocabulary_size", 16),
            ("start_and_end_known", 1), ("decoder_input_width", 8), ("shifted_gap", 0),
            ("fft2_is_float32", 1), ("causal_mask_sum", 30), ("encoder_params", 5344),
            ("decoder_got_mask", 0), ("decoded_strings", 1))},
        **{key: (0.0, 1e-5) for key in ("fft2_real_gap", "fft2_imag_gap", "real_gap")},
        "loss_last": (None, of("loss_0", 0.5)), "val_accuracy_last": (0.7, 1.0),
        "decoded_word_overlap": (0.25, 1.0)},
    # 288 images of 16 x 16 x 3; the new top's Dense kernel and bias train, the backbone's two
    # convolutions and two batch norms (12 weights) do not, until block_10_conv is unfrozen;
    # splits of 0.25 and 0.5 of 288, two runs each; a * x**b fitted to the example's table
    "sample_size_estimate": {
        **{key: (value, value) for key, value in (
            ("train_shape_sum", 323), ("labels_one_hot", 1), ("augmented_changed", 1),
            ("augmented_shape_kept", 1), ("clone_layer_names_equal", 1),
            ("clone_weights_fresh", 1), ("built_trainable", 2), ("built_non_trainable", 12),
            ("backbone_layers_inlined", 1), ("pretrained_weights_copied", 1),
            ("own_sizes_sum", 216), ("own_runs", 4), ("unfrozen_trainable", 4))},
        "clone_set_gap": (0.0, 1e-5), "curve_a": (0.55, 0.65), "curve_b": (0.04, 0.08),
        "predicted_accuracy": (0.95, 0.99), "curve_mae": (0.0, 0.03),
        "own_mean_accuracy": (0.4, 1.0), "full_accuracy": (0.9, 1.0)},
    # 13*3 + 3 + 3*3 + 3 + 3*1 weights in five variables (58 with the Dense's bias); three
    # TensorBoard log folders; training cuts the percentage error of a model from a NumPy draw
    "tensorflow_numpy_models": {
        **{key: (value, value) for key, value in (
            ("bad_blocks_refused", 1), ("subclass_weights", 5), ("subclass_params", 57),
            ("summary_names_tnp_dense", 1), ("layered_output_shape", 1), ("mixed_params", 58),
            ("replicas", 1), ("TNPForwardFeedRegressionNetwork_epochs", 3),
            ("layered_tnp_model_epochs", 3), ("mixed_model_epochs", 3), ("log_dirs", 3))},
        "subclass_error_after": (None, of("subclass_error_before", 0.8)),
        "strategy_error_after": (None, of("strategy_error_before", 0.8))},
    # one-hot graphs of six atoms; the graph convolution by einsum; 3*4*9 + 9*32 + 32 +
    # 2 * (32*16 + 16) encoder weights; 4 epochs of 8 batches; the gradient penalty's gradient
    # (through the inner tape's gradient) against central differences on one weight
    "molecule_generation": {
        **{key: (value, value) for key, value in (
            ("adjacency_one_hot", 1), ("features_one_hot", 1), ("conv_weights", 2),
            ("decoder_outputs", 2), ("encoder_params", 1484), ("history_keys", 1),
            ("iterations", 32), ("double_backprop_nonzero", 1), ("generated", 12),
            ("generated_shape_sum", 25), ("no_self_loops", 1),
            ("features_one_hot_generated", 1), ("z_mean_shape_sum", 80))},
        "conv_gap": (0.0, 1e-5), "double_backprop_rel_gap": (0.0, 1e-2),
        "penalty": (0.0, None), "loss_last": (None, of("loss_0", 0.97))},
    # 4 epochs timed per run; stripes the classifier separates; RMSprop's first step moves a
    # weight by lr * g / sqrt(0.1 g^2 + eps), at most sqrt(10) lr = 0.0316228 for lr 0.01 (to
    # float32 rounding), so the three biases by at most 0.0948683 in all; GC leaves the bias's
    # gradient alone and centres the kernel's per unit (the step worked out in NumPy from the
    # MSE gradient 2/n X^T (XW - Y))
    "gradient_centralization": {
        "epochs_timed_no_gc": (4, 4), "epochs_timed_gc": (4, 4),
        "no_gc_accuracy": (0.9, 1.0), "gc_accuracy": (0.9, 1.0),
        "no_gc_loss_3": (None, of("no_gc_loss_0", 0.8)),
        "gc_loss_3": (None, of("gc_loss_0", 0.8)),
        "plain_bias_step_sum": (0.0948, 0.094869), "plain_kernel_step_size": (0.031621, 0.031623),
        "gc_bias_step_gap": (0.0, 1e-7), "gc_kernel_step_gap": (0.0, 1e-6)},
    # 4 symbols + 4 valences + 4 hydrogen counts = 12 atom features, 2 bond types + 2
    # conjugations + the self-loop's = 5; 5 * 256 + 256 edge network, 2 * (16 * 48) + 2 * 48
    # GRUCell, 32 LayerNormalization, 2 * (16 * 16 + 16) readout, 32 * 32 + 32 and 33 head:
    # 4833 weights; 128 molecules in 8 batches of 16; 60 of the 176 have an N-O bond; the first
    # batch's messages worked out in NumPy from the edge network's weights; N-O bonds learnable
    "mpnn_molecular_graphs": {
        **{key: (value, value) for key, value in (
            ("atom_dim", 12), ("bond_dim", 5), ("params", 4833), ("batches", 8),
            ("predictions", 16))},
        "positive_fraction": (60 / 176 - 1e-6, 60 / 176 + 1e-6),
        "edge_message_gap": (0.0, 1e-5), "loss_last": (None, of("loss_first", 0.8)),
        "train_auc": (0.85, 1.0), "val_auc": (0.8, 1.0), "test_auc": (0.7, 1.0),
        "test_accuracy": (0.6, 1.0)},
    # 16 patches of 4x4; SA scores (1, 2 heads, 16, 16), CA scores (1, 2, 1, 17), each head's
    # softmax row sums to 1; 784 patchify + 16 CLS + 256 positions + 2 SA blocks of 2268 + a CA
    # block of 2256 + 32 head norm + 51 head = 7931 weights; two LayerScales per block; the
    # heads' maps (16, 16, 2), the saliency (16, 16, 1) of values in [0, 1] (bicubic overshoots
    # a little); StochasticDepth(0.25) keeps about 3 in 4 of 400 samples, scaled by 4 / 3
    "cait_class_attention": {
        **{key: (value, value) for key, value in (
            ("logits_shape_sum", 3), ("num_patches", 16), ("sa_blocks", 2), ("ca_blocks", 1),
            ("sa_scores_shape_sum", 35), ("ca_scores_shape_sum", 21), ("ca_block_outputs", 2),
            ("layer_scale_weights", 6), ("class_attn_layers", 1), ("talking_head_layers", 1),
            ("params", 7931), ("heads_map_shape_sum", 34), ("saliency_shape_sum", 33),
            ("dropped_values_max", 0))},
        "ca_scores_row_sum": (2 - 1e-5, 2 + 1e-5), "saliency_sum": (0.0, 290.0),
        "kept_fraction": (0.65, 0.85), "kept_values_gap": (0.0, 1e-6),
        "train_accuracy": (0.9, 1.0), "test_accuracy": (0.9, 1.0),
        "loss_9": (None, of("loss_0", 0.5))},
    # a 64 x 96 padded image: (8*12 + 4*6 + 2*3 + 1*2 + 1*1) * 9 = 1161 anchors; batches
    # (2, 64, 96, 3), labels (2, 1161, 5), predictions (2, 1161, 4 + 3); (1, 1, 2, 2) and
    # (2, 2, 2, 2) share a unit square of 7: IOU 1/7; a box encoded then decoded is the box
    # (corners 40 -+ 14, 30 -+ 12); the focal loss at logit 0: (0.25 + 0.75) * 0.5^2 * log 2;
    # smooth L1 of 0.5 and 3: 0.125 + 2.5; a flip maps x to 1 - x; the scores start at the
    # prior 0.01, above the 0.005 threshold, so 100 detections are kept
    "retinanet_detection": {
        **{key: (value, value) for key, value in (
            ("num_anchors", 1161), ("first_batch_shape_sum", 165),
            ("first_labels_shape_sum", 1168), ("predictions_shape_sum", 1170), ("iou_apart", 0),
            ("epoch_1_differs", 1), ("num_detections", 100), ("model_detections", 100),
            ("boxes_ordered", 1), ("classes_in_range", 1))},
        "iou_overlap": (1 / 7 - 1e-6, 1 / 7 + 1e-6),
        "focal_sum": (0.25 * math.log(2) - 1e-6, 0.25 * math.log(2) + 1e-6),
        "smooth_l1": (2.625 - 1e-6, 2.625 + 1e-6),
        **{key: (0.0, 1e-4) for key in ("round_trip_gap", "flip_gap", "reload_gap",
                                        "model_scores_gap")},
        "first_positives": (1, None), "first_ignored": (0, None), "encoded_positives": (1, None),
        "flips_seen": (3, 17), "max_score": (0.005, 1.0), "scores_sum": (0.5, 100.0),
        "val_loss_last": (0.0, None), "loss_2": (None, of("loss_0", 0.998))},
    # three tags; 224 + 876 extractor weights; GRU(16) on 12 features 3 * (12*16 + 16*16 +
    # 2*16) = 1440, GRU(8) 624, Dense 72 and 27: 2163, and 1100 + 1440 + 624 + 27 = 3191 end
    # to end; 42 training videos of 5 to 10 frames, at most 8 kept: 210 to 336 unmasked steps;
    # the 30% of rows fit held out (29: on) are the rows whose loss chose the checkpoint;
    # masked steps change nothing; a growing, shrinking or blinking square is learnable
    "video_classification": {
        **{key: (value, value) for key, value in (
            ("vocabulary_size", 3), ("frame_width", 16), ("extractor_params", 1100),
            ("sequence_params", 2163), ("e2e_params", 3191), ("train_loss_fell", 1))},
        "first_label": (0, 2), "mask_sum": (210, 336), "val_samples_loss_gap": (0.0, 1e-5),
        "probabilities_sum": (1 - 1e-5, 1 + 1e-5), "masked_gap": (0.0, 1e-6),
        "test_accuracy": (0.75, 1.0), "e2e_accuracy": (0.75, 1.0),
        "loss_5": (None, of("loss_0", 0.5))},
    # 36 items, each in a walk start 5 times: 180 walks; 36 + "NA" embedding rows; the tsv
    # rows leave "NA" out; each query is its own nearest item, and three genres rated apart
    # put the query's genre in its top 5; tf.math.l2_normalize over the whole matrix (axis
    # None, as the example calls it) keeps the similarities at most 1
    "node2vec_graph_embeddings": {
        **{key: (value, value) for key, value in (
            ("graph_nodes", 36), ("walks", 180), ("embeddings_rows", 37), ("tsv_rows", 36),
            ("tsv_columns", 16), ("self_is_nearest", 1))},
        "graph_edges": (36, 630), "examples": (128, None),
        "positive_examples": (1, of("examples")), "weights_sum": (of("examples"), None),
        "batches": (1, None), "initial_loss": (0.0, None),
        "loss_last": (None, of("loss_first", 0.95)), "same_genre_precision": (0.8, 1.0),
        "similarity_max": (0.0, 1.0)},
    # 16 patches of 4 x 4 x 3 = 48 values; 75% masked: (16, 4, 16) unmasked and (16, 12, 16)
    # masked embeddings, the indices a permutation of the 16 patches, 4 patches kept in the
    # masked image (16, 16, 3); 24 steps, 3 of warmup: 0 at step 0, the base 5e-3 at step 3,
    # 0 after the total; the monitor every 2 of 4 epochs; loss, mae and their val_; the probe
    # trains its Dense alone (5 layers frozen) on colours a linear head separates
    "masked_autoencoder": {
        **{key: (value, value) for key, value in (
            ("num_patches", 16), ("patch_area", 48), ("unmasked_shape_sum", 36),
            ("masked_shape_sum", 44), ("indices_cover_all", 1), ("kept_patches", 4),
            ("masked_image_shape_sum", 35), ("lr_first", 0), ("lr_after_total", 0),
            ("monitor_calls", 2), ("monitor_shape_sum", 70), ("history_keys", 4),
            ("probe_trainable_weights", 2), ("probe_frozen_layers", 5), ("probe_loss_fell", 1))},
        "round_trip_gap": (0.0, 1e-6), "lr_peak": (5e-3 * (1 - 1e-6), 5e-3 * (1 + 1e-6)),
        "lr_at_warmup_end": (5e-3 * (1 - 1e-6), 5e-3 * (1 + 1e-6)),
        "loss_last": (None, of("loss_first", 0.8)), "test_loss": (0.0, 0.1),
        "test_mae": (0.0, 0.3), "probe_accuracy": (0.8, 1.0)},
    # a style code (8, 2 stages, 16); the 8x8 generator takes the constant, w, two noises and
    # alpha; images (8, 8, 8, 3) in tanh's range, (8, 4, 4, 3) at 4x4; alpha 0.5 is the mean
    # of alpha 1 and 0, and alpha 0 the 4x4 image upsampled (pixels repeated); pixel_norm
    # leaves a mean square of 1; the equalized conv is the kernel times sqrt(2 / 4) by hand;
    # MinibatchStd adds one channel, one value per group of 4 of the 8 images; 64 + 2 * 2320
    # + 64 + 2464 + 4112 + 17 = 11361 discriminator weights; the critic learns to score the
    # real images above the generated ones
    "stylegan_blocks": {
        **{key: (value, value) for key, value in (
            ("mapping_output_shape_sum", 26), ("generator_inputs", 5), ("image_shape_sum", 27),
            ("image_4_shape_sum", 19), ("images_in_range", 1), ("old_is_upsampled", 0),
            ("minibatch_std_channels", 4), ("minibatch_std_groups", 2),
            ("discriminator_params", 11361))},
        **{key: (0.0, 1e-5) for key in ("fade_gap", "pixel_norm_gap", "equalized_conv_gap")},
        "real_minus_fake_after": (0.5, None), "loss_4": (None, -0.2)},
    # inference logits (2, 3); training gives (class, distillation) logits; 784 patchify +
    # 272 (the base class's positional embedding, still tracked after the subclass replaces
    # it, as Keras tracks it) + 288 + 16 CLS + 16 distillation tokens + 2 blocks of 3296 + 32
    # + 2 heads of 51 = 8102 weights; the trainer's metrics: super()'s and two trackers; the
    # bar's orientation is learnable by the teacher and, through it, the student
    "deit_distillation": {
        **{key: (value, value) for key, value in (
            ("inference_shape_sum", 5), ("training_outputs", 2), ("student_params", 8102),
            ("history_has_trackers", 1))},
        "teacher_loss_5": (None, of("teacher_loss_0", 0.3)), "teacher_accuracy": (0.9, 1.0),
        "student_accuracy": (0.7, 1.0), "agrees_with_teacher": (0.7, 1.0),
        "train_accuracy_last": (0.7, 1.0)},
    # rays flattened to 3 + 2 * 3 * 4 = 27 features, 8 * 8 * 8 = 512 per image; t_vals (2, 8);
    # rgb (2, 8, 8, 3) in [0, 1], depth (2, 8, 8) a weighted mean of t in [2, 6] with weights
    # summing to at most 1; the origins are the pose's translation; the MLP 896 + 4 * 1056 +
    # 1920 (after the concatenation's 32 + 27) + 132 = 7172 weights; loss and psnr and their
    # val_ twins; the smooth ramps are learnable: the loss falls and the PSNR rises
    "nerf_volume_rendering": {
        **{key: (value, value) for key, value in (
            ("rays_flat_width", 27), ("rays_per_image", 512), ("t_vals_shape_sum", 10),
            ("origin_gap", 0), ("rgb_shape_sum", 21), ("depth_shape_sum", 18),
            ("rgb_in_range", 1), ("depth_in_range", 1), ("mlp_params", 7172),
            ("history_keys", 4))},
        "loss_last": (None, of("loss_first", 0.6)),
        "psnr_last": (lambda r: r["psnr_first"] + 3.0, None),
        "mse_after": (None, of("mse_before", 0.5))},
    # 200 notes give 200 - 11 + 1 = 190 windows of 10 notes (10, 3) and a dict of 3 labels,
    # the first label the phrase's third note 64, the first input pitch 60 / 128 = 0.46875;
    # 4 * 32 * (3 + 32 + 1) + 32 * 128 + 128 + 2 * 33 = 8898 weights; before training the
    # pitch loss is near ln(128) = 4.85 and evaluate's is the mean of its batches; the loss
    # is the sum of the three (0.05, 1, 1 with loss_weights, which leave each output's loss
    # alone); the phrase is learnable: losses fall and the sampled pitches are the phrase's
    "tf_music_generation_rnn": {
        **{key: (value, value) for key, value in (
            ("num_sequences", 190), ("sequence_shape_sum", 13), ("label_keys", 3),
            ("first_label_pitch", 64), ("scaled_pitch_first", 0.46875), ("output_names", 3),
            ("params", 8898), ("generated_notes", 16), ("steps_non_negative", 1),
            ("end_after_start", 1))},
        **{key: (0.0, 1e-5) for key in (
            "evaluate_by_batches_gap", "weighted_by_hand_gap", "unweighted_by_hand_gap")},
        "weighted_pitch_loss_before": (of("pitch_loss_before", 1 - 1e-6),
                                       of("pitch_loss_before", 1 + 1e-6)),
        "pitch_loss_before": (4.0, 5.5), "epochs_run": (6, 8), "checkpoints": (6, 8),
        "loss_last": (None, of("loss_first", 0.5)),
        "trained_pitch_loss": (None, of("pitch_loss_before", 0.5)),
        "generated_in_phrase": (0.5, 1.0)},
    # 96 training images repeated int(60 * 16 / 96 * 6) + 51 = 111 times; a validation batch
    # (16, 20, 20, 3); the frozen backbone's features are ReLUs averaged (non-negative); the
    # head's kernel and bias train, the backbone's 4 weights do not; the zero head gives
    # logits 0, so a loss of ln 2 and the share of class 0; PiecewiseConstantDecay keeps 0.01
    # up to step 24 included, then 0.001, 1e-4 and 1e-5 past 48; 6 steps an epoch; the stripes'
    # orientation is learnable from the backbone's features
    "bit_fine_tuning": {
        **{key: (value, value) for key, value in (
            ("num_train_examples", 96), ("repeat_count", 111), ("sample_shape_sum", 59),
            ("trainable_weights", 2), ("non_trainable_weights", 4))},
        **{f"lr_at_{step}": (value * (1 - 1e-6), value * (1 + 1e-6)) for step, value in (
            (0, 0.01), (24, 0.01), (25, 1e-3), (36, 1e-3), (37, 1e-4), (48, 1e-4), (49, 1e-5),
            (100, 1e-5))},
        "feature_abs_sum": (of("feature_sum", 1 - 1e-6), of("feature_sum", 1 + 1e-6)),
        "loss_before": (math.log(2) - 1e-6, math.log(2) + 1e-6), "accuracy_before": (0.3, 0.7),
        "iterations": (of("epochs_run", 6), of("epochs_run", 6)), "epochs_run": (3, 10),
        "loss_last": (None, of("loss_first", 0.5)), "best_val_accuracy": (0.9, 1.0),
        "accuracy": (90.0, 100.0)},
    # a U-Net of two inputs (image, int64 time step); 20 linear betas from 1e-4 to 0.02 leave
    # alphas_cumprod near exp(-0.201) = 0.818 at the end; at t = 0 the posterior variance is 0
    # and its mean x_0 itself (coef1 = beta_0 / beta_0 = 1, coef2 = 0), so the reverse step
    # there is the clipped x_0 estimate, within [-1, 1], as the generated images are;
    # predict_start_from_noise undoes q_sample; 64 / 8 = 8 batches an epoch for 4 epochs; the
    # epoch logs report the compiled loss tracker, which the train_step leaves at 0 (as
    # Keras's); the EMA network (decay 0.9) moves less than the network
    "ddpm_diffusion": {
        **{key: (value, value) for key, value in (
            ("network_inputs", 2), ("posterior_variance_first", 0), ("coef2_first", 0),
            ("step_at_zero_in_range", 1), ("epochs_seen", 4), ("history_loss", 0),
            ("batches_seen", 32), ("generated_shape_sum", 23), ("generated_in_range", 1))},
        "alphas_cumprod_last": (0.81, 0.82), "coef1_first": (1 - 1e-6, 1 + 1e-6),
        "recovered_gap": (0.0, 1e-5), "loss_first": (0.5, 3.0),
        "loss_last": (None, of("loss_first", 0.9)), "ema_over_network_moved": (0.0, 1.0)},
    # views (16, 16, 16, 3) within [0, 255], the two augmentations differ; the encoder 216 +
    # 32 (stem) + 2 * (576 + 32) (residual block) + 256 + 128 + 1024 + 128 (projection) = 3000
    # weights with two l2 penalties, the predictor 256 + 32 + 288 = 576; a vector against
    # itself scores -1; CosineDecay of 0.03 gives 0.015 half way and 0 at the end; the
    # backbone pools 8 channels and the probe trains its Dense only; the textures are
    # separable: SimSiam's loss falls and the probe classifies the test set
    "simsiam": {
        **{key: (value, value) for key, value in (
            ("view_shape_sum", 51), ("views_in_range", 1), ("views_differ", 1),
            ("encoder_params", 3000), ("predictor_params", 576), ("encoder_losses", 2),
            ("ssl_epochs", 6), ("lr_end", 0), ("backbone_width", 8),
            ("linear_trainable_weights", 2))},
        "loss_self": (-1 - 1e-6, -1 + 1e-6), "loss_fixed": (-1.0, 1.0),
        "lr_middle": (0.015 - 1e-9, 0.015 + 1e-9),
        "ssl_loss_last": (None, lambda r: r["ssl_loss_first"] - 0.2),
        "test_accuracy": (0.8, 1.0)},
    # 64 dogs, 15% (9) for validation: 55 // 8 = 6 training batches and 1 validation batch;
    # keypoints (8, 1, 1, 8) scaled into [0, 1]; the head brings 7x7 to (1, 1, 8); weights 448
    # + 4640 + 9248 (frozen backbone) + 800 + 256 + 8 + 72 + 64 + 8 = 15544, the two
    # SeparableConv2D's 6 trainable; zero biases and small kernels leave the sigmoid near 0.5
    # (64 outputs sum near 32); the keypoints lie in the upper left, so the head learns to
    # move its guesses there: the loss falls
    "keypoint_detection": {
        **{key: (value, value) for key, value in (
            ("train_batches", 6), ("validation_batches", 1), ("keypoint_shape_sum", 18),
            ("keypoints_in_unit", 1), ("output_shape_sum", 10), ("params", 15544),
            ("trainable_weights", 6), ("prediction_shape_sum", 10))},
        "prediction_sum_before": (30.0, 34.0),
        "loss_last": (None, of("loss_first", 0.9)),
        "val_loss_last": (None, of("loss_before", 0.9)), "pixel_error": (0.0, 10.0)},
    # features (image_1, image_2, a dict of 3 token arrays), an image batch (16, 16, 16, 3),
    # 5 Inputs; weights 224 + 584 (frozen backbone) + 544 + 1056 + 64 (vision projection) +
    # 800 + 32 + 272 (frozen "bert") + 544 + 1056 + 64 (text projection) + 195 = 5435, of
    # which 3 * 2 + 3 * 2 + 2 = 14 arrays train and the towers' 4 + 4 do not; softmax rows
    # sum to 1; the label (both images bright, both dark, or mixed) is learnable from the
    # frozen backbone's pooled features
    "multimodal_entailment": {
        **{key: (value, value) for key, value in (
            ("feature_items", 3), ("text_keys", 3), ("image_batch_shape_sum", 51),
            ("model_inputs", 5), ("params", 5435), ("trainable_weights", 14),
            ("non_trainable_weights", 8), ("prediction_rows_sum_to_one", 1))},
        "loss_last": (None, of("loss_first", 0.7)), "accuracy": (0.7, 1.0)},
    # means (4, 8), a sampled latent (4, 8), images (4, 32, 32, 3) within tanh's range; the
    # discriminator's five maps, the last (4, 1, 1, 1) after 32 -> 16 -> 8 -> 4 -> 4 and a
    # valid 4x4 convolution; 768 + 2048 + 32 + 8192 + 64 + 32768 + 128 + 1025 = 45025
    # discriminator weights; hinge, KL and feature-matching losses are non-negative and the
    # generator loss is minus the mean fake score; a SPADE has 3 convolutions (6 weights), a
    # ResBlock from 8 to 16 filters a learned skip and 3 SPADEs + 3 convolutions (24); the
    # generator's MAE falls
    "gaugan_spade": {
        **{key: (value, value) for key, value in (
            ("mean_shape_sum", 12), ("latent_shape_sum", 12), ("fake_shape_sum", 71),
            ("fake_in_range", 1), ("discriminator_outputs", 5), ("last_map_shape_sum", 7),
            ("discriminator_params", 45025), ("spade_weights", 6),
            ("resblock_learned_skip", 1), ("resblock_weights", 24))},
        **{key: (0.0, None) for key in (
            "loss_real", "loss_fake", "kl_loss", "feature_matching_loss")},
        "generator_loss": (lambda r: -r["fake_score_sum"] / 4 - 1e-4,
                           lambda r: -r["fake_score_sum"] / 4 + 1e-4),
        "loss_5": (None, of("loss_0", 0.97))},
    # the encoder's Dense (2 weights); the decoder's Embedding 12 * 16 + GRU on 16 + 16
    # inputs (32 * 48 + 16 * 48 + 2 * 48) + 272 + 204 + attention 272 + 272 + 17 = 3629 in
    # 1 + 3 + 4 + 6 = 14 weights; saves at epochs 0, 5, 10, 15 (the checkpoint's number
    # counts them); evaluate returns max_length attention rows either way; the captions name
    # the objects the features hold: the loss falls and most words are right (chance: 3 of 24)
    "tf_image_captioning_attention": {
        **{key: (value, value) for key, value in (
            ("encoder_weights", 2), ("decoder_weights", 14), ("decoder_params", 3629),
            ("checkpoints", 4), ("save_counter", 4), ("attention_rows", 6),
            ("checkpoint_files", 1))},
        "initial_loss": (0.5, 3.0), "loss_19": (None, of("loss_0", 0.5)),
        "correct_words": (8, 24)},
}

# program -> {metric: ("abs" | "rel", tolerance)} between numnet's RESULT and Keras's.
TRAJECTORY = {f"loss_{epoch}": ("rel", 1e-4) for epoch in range(6)}
KERAS_TOLERANCE = {
    # the same NumPy matrix and image: TensorFlow's singular values and errors
    "tf_core_matrix_svd": {
        **{key: ("abs", 0) for key in (
            "singular_values", "u_columns", "sorted", "size_15", "size_3", "energy_rank",
            "image_is_uint8", "scaled_is_float32", "size_is_int32", "energy_length")},
        **{key: ("rel", 1e-5) for key in (
            "largest_singular_value", "smallest_singular_value", "prop_20", "prop_10",
            "prop_2", "energy_captured", "energy_prop", "squared_norm", "s_squared_sum",
            "error_15", "error_3", "image_error_20", "image_error_10", "image_error_2")}},
    # the weights (tf.random.uniform(seed=22)) and the shuffles differ under TensorFlow: the
    # counts agree exactly, the fit within a few test rows
    "tf_core_logistic_regression": {
        **{key: ("abs", 0) for key in (
            "columns", "train_rows", "test_rows", "norm_variables", "model_variables",
            "untrained_in_range", "batches_per_epoch", "confusion_total",
            "export_is_float32")},
        **{key: ("abs", 1e-5) for key in ("log_loss_gap", "export_gap", "sigmoid_ends")},
        "final_train_loss": ("abs", 0.02), "final_test_loss": ("abs", 0.08),
        **{key: ("abs", 0.05) for key in ("train_accuracy", "test_accuracy",
                                         "whole_test_accuracy")}},
    # one float32 variable through the same arithmetic: TensorFlow's paths step for step
    "tf_core_optimizers": {
        **{key: ("abs", 0) for key in (
            "gd_small_steps", "gd_medium_steps", "gd_large_steps", "momentum_small_steps",
            "momentum_medium_steps", "momentum_large_steps", "adam_small_steps",
            "adam_medium_steps", "adam_large_steps", "grid_columns", "path_is_numpy")},
        **{key: ("abs", 1e-5) for key in (
            "gd_small_end", "gd_medium_end", "momentum_small_end", "momentum_medium_end",
            "adam_small_end", "adam_medium_end", "adam_large_end", "grid_log_loss_at_2",
            "loss_at_minimum")}},
    # the same Xavier draws (NumPy) and unshuffled batches: TensorFlow's trajectory to 1e-4
    "tf_core_mlp": {
        **TRAJECTORY, **{f"val_{key}": value for key, value in TRAJECTORY.items()},
        **{key: ("abs", 0) for key in (
            "batch_width", "first_batch_rows", "model_params", "adam_slots", "adam_steps",
            "test_classes_is_int64")},
        **{key: ("abs", 0.01) for key in ("test_accuracy", "val_accuracy", "train_accuracy")}},
    # tf.random.shuffle(seed=22) splits the table otherwise under TensorFlow: the shapes and
    # counts agree exactly, the fit to within its noise
    "tf_core_quickstart": {
        **{key: ("abs", 0) for key in (
            "train_rows", "test_rows", "features", "onehot_row_sum", "first_prediction_rank",
            "variables_after_first_call", "variables_after_training", "export_rows",
            "one_row_rows", "batches_per_epoch")},
        **{key: ("abs", 1e-5) for key in ("export_gap", "loaded_gap")},
        "final_train_loss": ("abs", 0.03), "test_mae": ("abs", 0.4)},
    # the sampling layer's noise differs (TensorFlow's generator): only its statistics compare
    "tf_keras_backend_metrics": {
        **TRAJECTORY, **{key: ("abs", 0) for key in (
            "kernel_rows", "kernel_columns", "kernel_params", "first_is_dense",
            "encoder_first_is_dense", "z_width", "z_batch_free", "z_rows")},
        **{key: ("rel", 1e-6) for key in ("learning_rate_5", "final_learning_rate")},
        **{key: ("rel", 1e-4) for key in (
            "recall", "precision", "f1", "val_f1", "eval_loss", "eval_f1", "whole_recall",
            "whole_precision", "kl_loss")},
        "noise_mean": ("abs", 0.1), "noise_std": ("abs", 0.1)},
    # tf.random and keras.random are one module in numnet, so an op seed repeats its draw as
    # keras.random's int seed does (TensorFlow's moves on: stateful_differ is not compared), and
    # numnet's tf.Variable is keras.Variable, which layers track (untracked_count is not compared)
    "migrating_to_keras_3": {
        **TRAJECTORY, **{key: ("abs", 0) for key in (
            "round_trip_sum", "save_refused", "save_format_refused", "saved_model_refused",
            "nested_sum", "flat_sum",
            "squeezed_rank", "evaluate_entries", "tracked_count", "dict_eager", "optional_eager",
            "embedding_weights", "thresholded_sum", "seeded_equal", "generated_differ")},
        **{key: ("rel", 1e-5) for key in (
            "evaluate_loss", "evaluate_output_1", "evaluate_output_2", "summed_eval")}},
    "tf_keras_backend_tour": {
        **TRAJECTORY, "eval_loss": ("rel", 1e-4), "eval_accuracy": ("abs", 0),
        **{key: ("abs", 0) for key in (
            "floatx_is_float32", "channels_last", "float64_kernel", "float32_again",
            "cast_dtype_is_float16", "variable_sum", "set_value_sum", "variable_params", "sign",
            "round", "cast", "argmax", "all", "any", "symbolic_batch_free", "reshape_dims",
            "batch_flatten", "flatten", "repeat_elements", "one_hot", "conv2d_valid_size",
            "resize_size", "spatial_2d_padding", "temporal_length", "in_top_k", "arange",
            "update_add_sub", "params")},
        **{key: ("rel", 1e-5) for key in (
            "learning_rate_5", "square", "sqrt", "exp", "log", "pow", "abs", "clip", "maximum",
            "switch", "sum_axis", "mean", "max", "min", "prod", "std", "var", "cumsum",
            "permute", "tile", "repeat_first_row", "reverse", "gather", "dot", "batch_dot",
            "softmax_first", "sigmoid", "hard_sigmoid", "relu_leaky_capped", "elu", "softplus",
            "l2_normalize", "bce", "bce_logits", "cce", "cce_logits", "scce_logits", "conv2d",
            "pool2d_max", "pool2d_avg", "resize_images", "bias_add", "moving_average",
            "batch_normalization", "focal_bce", "focal_cce", "map_fn", "foldl")}},
    "tf_keras2_to_keras3_idioms": {
        **TRAJECTORY, "final_accuracy": ("abs", 0.01), "batch_logits_sum": ("abs", 1e-4),
        **{key: ("rel", 1e-4) for key in ("batch_loss", "test_loss", "test_dict_loss")},
        **{key: ("abs", 0) for key in (
            "name_refused", "tower_layers", "tower_layers_in_order", "tower_non_trainable",
            "tower_trainable", "test_entries", "metrics_names_count", "scoped_out",
            "recorded_sum", "kernel_kept")}},
    # the seeded Dropout's mask is each engine's own: only its share is bounded, not compared
    "stateless_training_loop": {
        **{key: ("rel", 1e-5) for key in ("loss_first", "loss_last", "kernel_0", "bias")},
        **{key: ("abs", 0) for key in (
            "untouched_iterations", "assigned_iterations", "state_entries", "state_moved",
            "state_kept", "losses")}},
    "tf_ops_to_keras_ops": {
        **TRAJECTORY, **{f"{name}_sum": ("abs", 1e-4) for name in (
            "abs", "all", "amax", "amin", "any", "concat", "range", "atan2", "mean", "clip",
            "diag_part", "reverse", "gather", "is_finite", "rank", "pow", "prod", "std", "sum",
            "variance", "gather_nd", "sigmoid_xent", "sparse_softmax_xent", "softmax_xent",
            "conv2d", "conv2d_strided", "conv2d_transpose", "depthwise_conv2d",
            "separable_conv2d", "embedding_lookup", "l2_normalize", "scatter_update",
            "fft2_real", "fft2_imag")}},
    "custom_layer": {**TRAJECTORY, "accuracy": ("abs", 0.01)},
    # unseeded draws and TensorFlow's shuffle: the exact numbers and accuracy only
    "researchers_guide": {**{key: ("abs", 0) for key in (
        "constant_sum", "constant_is_int32", "uniform_in_range", "lazy_kernel_rows", "sum_total",
        "mlp_weights", "functional_weights", "predict_rows", "custom_iterations")},
        **{key: ("rel", 1e-5) for key in (
            "dc_da_sum", "variable_dc_da_sum", "d2c_da2_sum", "f1_intermediate", "f1_final",
            "f1_weighted")},
        "fit_eval_accuracy": ("abs", 0.15), "custom_accuracy": ("abs", 0.15)},
    # Dropout's masks are not Keras's: no trajectory; the DataLoader's shuffle at a rate of 1e-2
    # leaves its validation accuracy anywhere from 0.75 to 0.95
    "engineers_guide": {**{key: ("abs", 0) for key in (
        "params", "history_keys", "dropout_variables", "dropout_weights", "dropout_masks_differ",
        "subclassed_trainable", "torch_iterations")},
        "dropout_scale": ("rel", 1e-6), "dropout_kept": ("abs", 0.03),
        "test_accuracy": ("abs", 0.05), "subclassed_val_acc": ("abs", 0.1),
        "torch_val_acc": ("abs", 0.2)},
    # rounding through the four LSTMs grows fast once the loss falls: 1e-5 in the seventh
    # epoch's loss, 4e-4 in the eighth's and 0.1 in its validation loss (so seven epochs)
    "bidirectional_lstm": {**TRAJECTORY, "loss_6": ("rel", 1e-4), "params": ("abs", 0),
                           "leading_zeros": ("abs", 0), "val_loss": ("rel", 1e-4),
                           "val_accuracy": ("abs", 0.01), "short_prediction_sum": ("rel", 1e-4)},
    # TensorFlow's noise: the counts, shapes and the loss's level
    "conditional_gan": {**{key: ("abs", 0) for key in (
        "generator_params", "discriminator_params", "spread_first_pixel", "spread_total",
        "noise_rows_equal", "d_iterations", "g_iterations", "resized_size")},
        "label_weight_4": ("rel", 1e-6), "d_loss": ("abs", 0.2)},
    "modern_mlp_models": {
        **{f"{name}_{key}": value for name in ("mixer", "fnet", "gmlp")
           for key, value in TRAJECTORY.items()},
        **{f"{name}_params": ("abs", 0) for name in ("mixer", "fnet", "gmlp")},
        **{f"{name}_{key}": ("abs", 0.01) for name in ("mixer", "fnet", "gmlp")
           for key in ("accuracy", "top5", "val_top5")},
        "patch_error": ("abs", 0), "ones_bias_sum": ("abs", 0)},
    "tf_modules_guide": {**{key: ("abs", 0) for key in (
        "simple_output", "simple_trainable", "simple_variables", "submodules", "model_variables",
        "flexible_variables_after", "checkpoint_model_entries", "checkpoint_has_dense_1_w",
        "function_rank_3", "layer_variables_after", "wrong_width_refused",
        "keras_model_variables", "keras_model_params", "functional_params")},
        "restored_gap": ("abs", 1e-6)},
    "tf_custom_layers": {**{key: ("abs", 0) for key in (
        "dense_variables", "dense_kernel_size", "my_dense_names", "block_layers",
        "block_variables", "block_trainable", "block_params", "seq_params", "seq_free_size")}},
    "custom_layer_auto_config": {key: ("abs", 0) for key in (
        "config_units", "config_activation", "config_name", "rebuilt_units", "loaded_units",
        "clone_units", "clone_is_new")},
    "compact_conv_transformer": {**TRAJECTORY, "params": ("abs", 0), "tokens": ("abs", 0),
                                 "best_val_accuracy": ("abs", 0.01),
                                 "test_accuracy": ("abs", 0.01), "test_top5": ("abs", 0.01),
                                 "depth_rows_whole": ("abs", 0), "depth_kept": ("abs", 0.06)},
    # the router's noise is not Keras's: the loss (with the balancing term near 1) loosely
    "switch_transformer": {"dispatch_shape_sum": ("abs", 0), "dispatch_per_token_max": ("abs", 0),
                           "dispatch_per_slot_max": ("abs", 0), "router_losses": ("abs", 0),
                           "params": ("abs", 0), "expert_weights": ("abs", 0),
                           "model_losses": ("abs", 0), "val_accuracy": ("abs", 0.05),
                           "loss_3": ("rel", 0.05)},
    # random augmentations and tf.data's shuffle: the counts and levels only
    "simclr_contrastive": {**{key: ("abs", 0) for key in (
        "unlabeled_batch", "labeled_batch", "views_differ", "history_keys", "has_val_p_acc",
        "contrastive_iterations", "probe_iterations")},
        "c_loss_0": ("rel", 0.1), "finetune_val_acc": ("abs", 0.25)},
    "metric_learning": {"pair_batch_rank": ("abs", 0), "history_keys": ("abs", 0),
                        "iterations": ("abs", 0), "neighbour_accuracy": ("abs", 0.1)},
    "tf_tensors_variables": {key: ("abs", 0) for key in (
        "rank_0_is_int32", "rank_2_is_float16", "matmul_sum", "argmax_sum", "rank_4_size",
        "shape_as_list_sum", "stride_sum", "ellipsis_sum", "flat_order", "inferred_columns",
        "u8_sum", "outer_sum", "broadcast_to_sum", "bool_true", "complex_real_sum",
        "variable_argmax_sum", "assign_refused", "copy_a_sum", "copy_b_sum", "assign_add_sum",
        "same_name_equal_count", "name_kept", "device_matmul_sum")},
    # the same bytes, code points and script codes as TensorFlow's ICU; the hashed bags are
    # FarmHash's buckets, so the model from a NumPy draw follows TensorFlow's losses
    "tf_unicode_strings": {
        **{key: ("abs", 0) for key in (
            "utf16_first_byte", "decoded_sum", "transcoded_equal", "utf16_decoded_equal",
            "padded_fill", "sparse_blank", "round_trips", "substr_byte", "substr_char",
            "offsets_sum", "split_offsets", "script_han", "script_cyrillic",
            "batch_script_sum", "word_starts_sum", "segmented_equal", "bag_total",
            "accuracy")},
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(4)}},
    # the files, their split and their pixels (decoded and resized as Keras's loader does) are
    # TensorFlow's; the shuffles and the initial weights are each framework's own. TensorFlow
    # decodes JPEG with libjpeg's fast integer IDCT (dct_method ''), Pillow with the accurate
    # one: the photo's mean is compared loosely (TensorFlow's own INTEGER_ACCURATE agrees)
    # the generators' files, batches, statistics and one image's transforms are TensorFlow's
    # (both draw from np.random); the unaugmented run from NumPy weights follows TensorFlow's
    # losses; the augmented runs (TensorFlow's fit peeks at batches, so its draws shift) and
    # the adam run from the model's own initial weights are compared by level
    "tf_image_data_generator": {
        **{key: ("abs", 0) for key in (
            "cats_index", "dogs_index", "train_samples", "validation_samples", "train_batches",
            "dog_labels", "first_file_is_cat", "batch_rows", "batch_height", "batch_channels",
            "batch_in_unit_range", "epochs_run", "predict_rows", "flow_batch_rows",
            "flow_weight_sum", "seeded_params_reapplied", "standardized_max")},
        **{key: ("rel", 1e-5) for key in (
            "validation_pixel_sum", "feature_mean_red", "feature_mean_blue",
            "feature_std_green", "random_transform_sum", "seeded_params_theta",
            "explicit_transform_sum", "explicit_corner")},
        **{key: ("rel", 1e-4) for key in (
            "exact_loss_0", "exact_loss_1", "exact_loss_2", "exact_loss_3", "exact_eval_loss")},
        "aug_acc_last": ("abs", 0.15), "aug_val_acc_last": ("abs", 0.15),
        "aug_eval_acc": ("abs", 0.15), "predict_matches_labels": ("abs", 0.15),
        "flow_accuracy": ("abs", 0.15), "aug_loss_first": ("abs", 0.4),
        "flow_loss_first": ("abs", 0.4)},
    "tf_load_images": {
        **{key: ("abs", 0) for key in (
            "image_count", "train_batches", "val_batches", "batch_shape_sum",
            "labels_is_int32", "val_label_sum", "val_count", "train_files", "val_files",
            "tulip_label", "daisy_label", "label_total")},
        "val_pixel_mean": ("rel", 1e-6), "tulip_pixel_mean": ("rel", 1e-6),
        "keras_utility_val_accuracy": ("abs", 0.25), "tf_data_val_accuracy": ("abs", 0.25),
        "jpeg_mean": ("abs", 1.5)},
    # the image functions and the stateless draws (TensorFlow's Philox, the Counter's seeds
    # split as TensorFlow splits them) are TensorFlow's to float32 rounding; the random layers,
    # the Generator's seeds and the weights are each framework's own
    "tf_data_augmentation": {
        **{key: ("abs", 0) for key in (
            "image_is_uint8", "first_label", "rescaled_size", "rescaled_min",
            "augmented_shape_sum", "augmented_differ", "inference_is_identity", "aug_ds_size",
            "prepared_batch_shape_sum", "lambda_inverted_gap", "layer_kept_gap", "flip_gap",
            "gray_channels", "cropped_size", "rot90_gap", "same_seed_same_image",
            "split_seed_is_int64", "generated_in_range")},
        **{key: ("rel", 1e-5) for key in (
            "rescaled_mean", "gray_mean", "saturated_mean", "cropped_mean",
            "counted_pixel_mean")},
        **{f"{key}_{i}": ("rel", 1e-5) for key in ("brightness_shift", "contrast_std",
                                                   "crop_sum") for i in range(3)},
        "bright_gap": ("abs", 1e-6), "generator_val_accuracy": ("abs", 0.3)},
    # the files, split and vocabulary are TensorFlow's; the losses are not compared: Keras's
    # Adam on TensorFlow takes an Embedding's IndexedSlices gradient with repeated rows (the
    # padding id) as separate entries in its second moment, so those rows step up to
    # sqrt(repeats) times further than Adam's formula (and Keras on JAX, and numnet) give
    "tf_word_embeddings": {
        **{key: ("abs", 0) for key in (
            "class_names_ok", "val_label_sum", "val_count", "vocab_size",
            "vocab_has_no_punctuation", "vocab_has_no_br", "sample_ids_nonzero", "params",
            "weights_rows", "tsv_rows", "metadata_rows", "good_words_above_bad")},
        "val_accuracy": ("abs", 0.1)},
    # the frame, its tensors and the preprocessing are TensorFlow's; the shuffles and the
    # initial weights are each framework's own
    "tf_pandas_dataframe": {
        **{key: ("abs", 0) for key in (
            "columns", "tensor_shape_sum", "tensor_is_float64", "dataset_row_width",
            "dict_keys", "dict_age_is_int64", "dict_oldpeak_is_float64",
            "subclassed_predict_rows", "subclassed_predict_rank", "functional_inputs",
            "string_inputs", "preprocessed_width", "first_row_width", "first_row_one_hots")},
        **{key: ("rel", 1e-6) for key in (
            "normalized_first", "normalizer_mean_age", "subclassed_mean_chol",
            "first_row_sum")},
        "full_accuracy": ("abs", 0.2)},
    # the unshuffled run from NumPy weights follows TensorFlow's losses
    "tf_load_numpy": {
        **{key: ("abs", 0) for key in (
            "fetched_equal", "example_is_uint8", "cardinality", "train_batches",
            "history_keys", "ordered_test_accuracy")},
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(4)},
        "ordered_test_loss": ("rel", 1e-4), "test_accuracy": ("abs", 0.1)},
    # the files and the model's size are TensorFlow's; the weights, shuffles and augmentations
    # are each framework's own
    "tf_image_classification": {
        **{key: ("abs", 0) for key in (
            "image_count", "classes", "image_batch_rows", "basic_params", "augmented_params",
            "loaded_size", "predicted_is_rose")},
        "basic_val_accuracy": ("abs", 0.2), "dropout_val_accuracy": ("abs", 0.2)},
    "tf_string_tensors": {key: ("abs", 0) for key in (
        "scalar_is_string", "vector_is_string", "numpy_is_bytes", "split_words",
        "to_number_sum", "bytes_split_first", "decode_raw_sum", "unicode_chars",
        "unicode_last_value")},
    "tf_ragged_tensors": {**{key: ("abs", 0) for key in (
        "constant_refused", "ragged_shape_rows", "ragged_shape_unknown", "add_sum",
        "row_sum_2", "row_max_0", "concat_rows", "substr_first_is_so",
        "map_fn_square_sum", "to_list_equal", "numpy_rows", "first_row_sum",
        "first_two_sum", "last_two_sum", "pairwise_sum", "map_flat_values_sum",
        "sentences_rows", "paragraphs_ragged_rank", "paragraph_words", "factories_agree",
        "by_ids_last_row", "uniform_inner_dim", "uniform_inner_ragged_rank",
        "nested_rank", "nested_bounding_2", "nested_merge_rows", "padded_columns",
        "padded_blank", "from_tensor_sum", "sparse_entries", "sparse_round_trip",
        "word_buckets_rows", "word_embeddings_rows", "masked_sum", "range_values",
        "bigram_count", "bigram_last_is_marker", "avg_embedding_rows", "tile_sum",
        "stacked_rows", "chars_padded_width", "chars_padded_fill", "chars_last_value",
        "encode_round_trip", "unpad_round_trip", "dataset_first_sum", "dataset_batches",
        "dataset_batch_rows", "padded_words_width")},
                          **TRAJECTORY},
    # binarized strokes through ReLUs: a change of 1e-6 in the initial weights moves the second
    # epoch's loss by 3e-5, as far as Keras's rounding does (3e-4 by the third)
    "pixelcnn": {"params": ("abs", 0), "input_batch": ("abs", 0), "mask_a_ones": ("abs", 0),
                 "mask_b_ones": ("abs", 0), "loss_0": ("rel", 1e-5), "loss_1": ("rel", 2e-4),
                 "loss_2": ("rel", 2e-3), "loss_3": ("rel", 2e-3), "val_loss": ("rel", 2e-3),
                 "sampled_binary": ("abs", 0), "first_pixel_probability": ("rel", 0.05)},
    "standardized_conv": {"override_output_sum": ("rel", 1e-5), "params": ("abs", 0),
                          "initial_prediction_sum": ("rel", 1e-4), "test_accuracy": ("abs", 0.1)},
    # the BatchNormalizations' moving statistics, after 40 steps, part by 7e-4 in val_loss
    "learnable_resizer": {**{key: ("rel", 1e-4) for key in list(TRAJECTORY)[:4]},
                          "resizer_params": ("abs", 0), "leaky_relu_layers": ("abs", 0),
                          "params": ("abs", 0), "init_pred": ("rel", 1e-5),
                          "init_resized": ("rel", 1e-5), "val_loss": ("rel", 3e-3),
                          "val_accuracy": ("abs", 0.02), "naive_resize_sum": ("rel", 1e-6)},
    "optimizer_options": {
        **{f"{name}_{key}": ("rel", 1e-4) for name in (
            "adamw_excluded", "adam_global_clipnorm", "sgd_accumulated", "rmsprop_centered",
            "lion", "adafactor", "ftrl", "adagrad", "adadelta", "adamax", "nadam", "amsgrad",
            "warmup_sgd") for key in ("loss_0", "loss_1", "loss_2", "weight_sum")},
        **{f"{name}_{step}": ("rel", 1e-6) for name in (
            "cosine_warmup", "cosine_restarts", "piecewise", "inverse_time", "polynomial_cycle",
            "exponential_staircase") for step in (0, 10, 25, 60, 110)},
        "adamw_iterations": ("abs", 0), "sgd_accumulated_iterations": ("abs", 0)},
    "losses_metrics_api": {
        **{f"loss_{name}": ("rel", 1e-5) for name in (
            "bce_smooth", "bce_logits_sum", "bce_axis0", "focal", "focal_balanced", "cat_focal",
            "cce_smooth", "huber", "log_cosh", "kld", "poisson", "cosine", "hinge",
            "squared_hinge", "categorical_hinge", "mape", "msle", "dice", "tversky")},
        **{f"loss_{name}_weighted": ("rel", 1e-5) for name in (
            "bce_smooth", "bce_logits_sum", "focal", "focal_balanced", "cat_focal", "cce_smooth",
            "huber", "log_cosh", "poisson", "hinge", "squared_hinge", "categorical_hinge",
            "mape", "msle")},
        **{f"metric_{name}": ("rel", 1e-5) for name in (
            "binary_acc_07", "precision_top2", "recall_class1", "precision_thresholds",
            "auc_roc", "auc_pr", "auc_multi", "auc_logits", "f1_micro", "f1_macro",
            "f1_weighted", "fbeta_2", "r2", "r2_adjusted", "top2_cat", "sparse_top2",
            "one_hot_iou", "mean_iou", "precision_at_recall", "recall_at_precision",
            "specificity_at_sensitivity", "pearson", "concordance", "log_cosh_error",
            "poisson_metric", "weighted_accuracy", "weighted_mean")},
        "sparse_none_sum": ("rel", 1e-5), "sparse_ignore": ("rel", 1e-5),
        "fit_loss_1": ("rel", 1e-4), "fit_auc_1": ("rel", 1e-4), "fit_f1_1": ("rel", 1e-4),
        "fit_p60_1": ("rel", 1e-4)},
    "layer_options": {
        **{f"{name}_{key}": ("rel", 1e-5) for name in (
            "attention_concat", "bidirectional_none_0", "bidirectional_none_1",
            "conv1d_dilated_causal", "conv1d_transpose", "conv2d_dilated", "conv2d_strided",
            "conv2d_transpose", "conv_lstm1d", "group_norm", "gru_reset_before",
            "layer_norm_rms", "lstm_backwards_states_0", "lstm_backwards_states_1",
            "lstm_backwards_states_2", "mha_two_axes", "separable_conv1d", "simple_rnn_unrolled",
            "time_distributed", "upsampling_bilinear") for key in ("sum", "abs")},
        **{f"{name}_size": ("abs", 0) for name in (
            "attention_concat", "bidirectional_none_0", "bidirectional_none_1",
            "conv1d_dilated_causal", "conv1d_transpose", "conv2d_dilated", "conv2d_strided",
            "conv2d_transpose", "conv_lstm1d", "group_norm", "gru_reset_before",
            "layer_norm_rms", "lstm_backwards_states_0", "lstm_backwards_states_1",
            "lstm_backwards_states_2", "mha_two_axes", "separable_conv1d", "simple_rnn_unrolled",
            "time_distributed", "upsampling_bilinear")},
        "bn_moving_mean": ("rel", 1e-5), "bn_moving_variance": ("rel", 1e-5),
        "discretization_sum": ("abs", 0), "category_count_sum": ("rel", 1e-6),
        "inverted_sum": ("rel", 1e-6), "masked_lstm_sum": ("rel", 1e-5),
        "masked_padding_change": ("abs", 1e-6)},
    # Dropout's masks are not Keras's: the answers, not the losses
    "keras_faq": {key: ("abs", 0) for key in (
        "reproducible_losses", "reproducible_weights", "by_name_is_by_index", "layers",
        "trainable_weights", "non_trainable_weights", "frozen_change",
        "frozen_statistics_change", "frozen_norm_training_gap", "unfrozen_trainable_weights",
        "popped_layers", "popped_output_width", "rebuilt_gap")},
    "video_vision_transformer": {**{key: ("rel", 1e-4) for key in list(TRAJECTORY)[:4]},
                                 "tokens": ("abs", 0), "params": ("abs", 0),
                                 "test_accuracy": ("abs", 0.02), "test_top_5": ("abs", 0.02)},
    "miniature_gpt": {**TRAJECTORY, "mask_ones": ("abs", 0), "generated": ("abs", 0),
                      "next_token_accuracy": ("abs", 0.05)},
    "subclassed_model": {"params": ("abs", 0), "test_accuracy": ("abs", 0.04),
                         "trainable_weights": ("abs", 0)},
    "custom_train_step": {"eval_mae": ("rel", 0.5)},
    "custom_metric_trackers": {"val_mae": ("rel", 0.3)},
    "loop_from_scratch": {"val_accuracy": ("abs", 0.03)},
    "functional_ops": {**TRAJECTORY, "accuracy": ("abs", 0.01)},
    "endpoint_layer": {"accuracy": ("abs", 0.02), "final_loss": ("rel", 0.1)},
    "activity_regularization": {**TRAJECTORY, "accuracy": ("abs", 0.01),
                                "penalty": ("rel", 1e-3)},
    "masking": {"params": ("abs", 0), "accuracy": ("abs", 0.04)},
    "vae": {"reconstruction_loss": ("rel", 0.15)},
    "transfer_learning": {"frozen_accuracy": ("abs", 0.05), "tuned_accuracy": ("abs", 0.05)},
    "transfer_learning_resnet50": {"base_layers": ("abs", 0), "frozen_accuracy": ("abs", 0.05),
                                   "tuned_accuracy": ("abs", 0.05)},
    "callbacks_logs": {"best_val_loss": ("rel", 0.2)},
    "seq2seq": {"params": ("abs", 0), "token_accuracy": ("abs", 0.03),
                "sequence_accuracy": ("abs", 0.06)},
    "transformer_block": {"params": ("abs", 0), "accuracy": ("abs", 0.03)},
    "structured_data": {"accuracy": ("abs", 0.04)},
    # the encoding is Keras's (the thal_X_ca cross's bins to the last one); the weights differ
    "feature_space_structured": {
        **{key: ("abs", 0) for key in ("encoded_width", "encoded_rows", "age_ones_per_row",
                                       "thal_width", "cp_width", "row_width",
                                       "thal_ca_checksum")},
        "chol_mean": ("abs", 1e-5), "chol_std": ("abs", 1e-5), "val_accuracy": ("abs", 0.08),
        "probability": ("abs", 0.1)},
    "siamese": {"accuracy": ("abs", 0.03)},
    "regression_tutorial": {"test_mae": ("rel", 0.05), "slope": ("abs", 0.01)},
    "distillation": {"student_accuracy": ("abs", 0.04), "teacher_accuracy": ("abs", 0.04)},
    "timeseries_weather": {"val_mse": ("rel", 0.25)},
    "functional_multi_io": {"params": ("abs", 0), **TRAJECTORY, "priority_accuracy": ("abs", 0.02),
                            "department_accuracy": ("abs", 0.02)},
    "custom_loss_metric": {"true_positives": ("abs", 4), "weighted_true_positives": ("abs", 6),
                           "accuracy": ("abs", 0.03)},
    # Rounding differences through the LSTM and GRU grow about threefold an epoch under Adam:
    # 4e-7 relative after one epoch, 4e-4 after six.
    "rnn_layers": {"params": ("abs", 0), **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(4)},
                   "loss_4": ("rel", 2e-3), "loss_5": ("rel", 2e-3),
                   **{f"cell_{key}": value for key, value in TRAJECTORY.items()},
                   "accuracy": ("abs", 0.02), "cell_accuracy": ("abs", 0.02)},
    "convnet": {"params": ("abs", 0), **TRAJECTORY, "test_accuracy": ("abs", 0.01),
                "moving_mean_sum": ("rel", 1e-4)},
    "lr_schedules": {**TRAJECTORY, **{f"sgd_{key}": value for key, value in TRAJECTORY.items()},
                     "decayed_learning_rate": ("rel", 1e-6),
                     "final_learning_rate": ("rel", 1e-6)},
    "pydataset_training": {**TRAJECTORY, "val_accuracy": ("abs", 0.01),
                           "predict_accuracy": ("abs", 0.01)},
    "feature_extraction": {"layers": ("abs", 0), "rebuild_error": ("abs", 0)},
    "regularized_text_cnn": {**TRAJECTORY, "val_loss": ("rel", 1e-4), "params": ("abs", 0),
                             "val_accuracy": ("abs", 0.01), "max_kernel_norm": ("rel", 1e-5)},
    "layer_subclassing": {"total": ("abs", 0), "kept_training": ("abs", 0.06),
                          "test_mse": ("abs", 0.03)},
    "sequential_guide": {"accuracy": ("abs", 0.04)},
    "image_augmentation": {"accuracy": ("abs", 0.05), "params": ("abs", 0)},
    "ops_layers": {**TRAJECTORY, "accuracy": ("abs", 0.01), "top2": ("abs", 0.01)},
    "imbalanced_metrics": {**TRAJECTORY, "loss": ("rel", 1e-4), "tp": ("abs", 0), "fn": ("abs", 0),
                           "precision": ("abs", 1e-6), "recall": ("abs", 1e-6),
                           "auc": ("rel", 1e-5)},
    "writing_callbacks": {"epochs_run": ("abs", 0), "stopped_epoch": ("abs", 0),
                          "final_loss": ("rel", 1e-4)},
    "compute_loss_override": {**TRAJECTORY, "teacher_accuracy": ("abs", 0.01),
                              "student_accuracy": ("abs", 0.01)},
    "distiller_unfrozen_teacher": {**TRAJECTORY, "teacher_change": ("rel", 1e-3),
                                   "student_accuracy": ("abs", 0.01)},
    "gan_two_optimizers": {"d_optimizer_iterations": ("abs", 0),
                           "g_optimizer_iterations": ("abs", 0), "d_loss": ("abs", 0.15)},
    "builtin_training_guide": {
        **{f"{part}_{key}": ("rel", 1e-4) for key in list(TRAJECTORY)[:3]
           for part in ("split", "split_val", "class_weight", "sample_weight", "list", "dict",
                        "one_output")},
        "function_loss_1": ("rel", 1e-4), "subclass_loss_1": ("rel", 1e-4),
        "true_positives": ("abs", 0), "evaluate_true_positives": ("abs", 0),
        "split_val_accuracy": ("abs", 0.01), "dict_class_accuracy": ("abs", 0.01),
        "dict_score_mae": ("rel", 1e-4), "weighting_gap": ("rel", 1e-3)},
    "wgan_gp": {**{f"{key}_{i}": ("rel", 1e-4) for key in ("d_loss", "g_loss", "gp")
                   for i in range(2)}, "latent_draws": ("abs", 0)},
    "tf_advanced_autodiff": {**{key: ("rel", 1e-5) for key in (
        "dy_dx", "d2y_dx2", "dg1_kernel_sum", "dg1_bias_sum", "hessian_trace", "hessian_sum",
        "loss_before", "gp_0", "gp_2")}, "loss_after_newton": ("rel", 1e-3),
        "jacobian_size": ("abs", 0), "batch_jacobian_size": ("abs", 0),
        "batch_error": ("abs", 1e-6)},
    "backup_and_restore": {**TRAJECTORY, "resumed_epochs": ("abs", 0),
                           "resumed_iterations": ("abs", 0), "epochs_run": ("abs", 0),
                           "best_epoch": ("abs", 0), "best_val_loss": ("rel", 1e-4),
                           "final_learning_rate": ("rel", 1e-6), "lr_cuts": ("abs", 0)},
    "rnn_guide": {**TRAJECTORY, "seq2seq_sum": ("rel", 1e-5),
                  **{f"bidirectional_{mode}_{key}": ("rel", 1e-5)
                     for mode in ("concat", "sum", "mul", "ave") for key in ("width", "sum")},
                  "backward_layer_sum": ("rel", 1e-5), "backward_layer_width": ("abs", 0),
                  "stateful_weights": ("abs", 0), "accuracy": ("abs", 0.01)},
    "functional_api_guide": {
        **{f"{part}_{key}": ("rel", 1e-4) for key in list(TRAJECTORY)[:3]
           for part in ("autoencoder", "ticket")},
        **{key: ("abs", 0) for key in ("mnist_params", "mnist_layers", "second_dense_units",
                                       "resnet_params", "feature_count", "custom_rnn_weights",
                                       "from_config_units")},
        "resnet_eval_loss": ("rel", 1e-5), "ops_model_sum": ("rel", 1e-5)},
    "encoder_decoder_states": {**TRAJECTORY, "params": ("abs", 0), "first_layers": ("abs", 0),
                               "accuracy": ("abs", 0.01)},
    "tf_autodiff": {"none_count": ("abs", 0), "dz_dx": ("abs", 0), "v_after_steps": ("rel", 1e-6),
                    "jacobian_size": ("abs", 0), "layer_grads": ("abs", 0)},
    # tf.data's shuffle and the initial weights differ from TensorFlow's: accuracy only
    "tf_custom_training": {"product_sum": ("abs", 0), "total": ("abs", 0),
                           "broadcast_sum": ("abs", 0), "test_accuracy": ("abs", 0.2)},
    "tf_basic_classification": {**TRAJECTORY, "test_accuracy": ("abs", 0.01),
                                "prediction_accuracy": ("abs", 0.01)},
    "tf_basic_regression": {**{key: ("rel", 2e-4) for key in TRAJECTORY},
                            "normalized_first": ("rel", 1e-5), "horsepower_mae": ("rel", 1e-4),
                            "slope": ("rel", 1e-3), "dnn_mae": ("rel", 0.01)},
    "tf_overfit_underfit": {**TRAJECTORY, **{f"l2_{key}": value for key, value in
                                             TRAJECTORY.items()},
                            "small_epochs": ("abs", 0), "l2_epochs": ("abs", 0),
                            "l2_penalty": ("rel", 1e-3), "small_val_accuracy": ("abs", 0.02),
                            "l2_val_accuracy": ("abs", 0.02),
                            "dropout_val_accuracy": ("abs", 0.05)},
    "tf_transformer_tutorial": {"params": ("abs", 0), "rate_at_40": ("rel", 1e-6),
                                "scores_sum": ("abs", 1e-5), "accuracy_last": ("abs", 0.08),
                                "val_accuracy_last": ("abs", 0.08)},
    "tf_save_load": {"files_2": ("abs", 0), "latest_is_epoch_10": ("abs", 0),
                     "loaded_params": ("abs", 0), "latest_accuracy": ("abs", 0.05)},
    "timeseries_classification": {**TRAJECTORY, "params": ("abs", 0),
                                  "test_accuracy": ("abs", 0.02), "best_val_loss": ("rel", 0.1),
                                  "epochs_run": ("abs", 0), "final_learning_rate": ("rel", 1e-6)},
    # three transposed convolutions: rounding grows to 2e-4 by the sixth epoch
    "denoising_autoencoder": {**{key: ("rel", 5e-4) for key in TRAJECTORY},
                              "params": ("abs", 0), "up_params": ("abs", 0),
                              "denoised_mse": ("rel", 0.02), "up_loss_2": ("rel", 1e-3)},
    "dcgan": {"generator_params": ("abs", 0), "discriminator_params": ("abs", 0),
              "d_loss": ("abs", 0.1), "g_loss": ("abs", 0.3)},
    "text_generation_lstm": {**TRAJECTORY, "accuracy": ("abs", 0.02), "params": ("abs", 0),
                             "known_word_share": ("abs", 0.15)},
    "text_transformer": {"params": ("abs", 0), "block_weights": ("abs", 0),
                         "val_accuracy": ("abs", 0.05)},
    "collaborative_filtering": {**TRAJECTORY, **{f"dot_{key}": value for key, value in
                                                 TRAJECTORY.items()},
                                "val_loss": ("rel", 1e-4), "params": ("abs", 0),
                                "regularization": ("rel", 1e-4), "top_score": ("rel", 1e-4)},
    "quantile_regression": {**TRAJECTORY, **{f"median_{key}": value for key, value in
                                             TRAJECTORY.items()},
                            "coverage": ("abs", 0.02), "median_test_loss": ("rel", 1e-4)},
    # random initial weights and a shuffled dataset: the training compares by its accuracy
    "multi_label_classification": {
        **{key: ("abs", 0) for key in (
            "vocab_size", "binarized_width", "binarized_sum", "binarized_oov", "tf_idf_width")},
        "tf_idf_sum": ("rel", 1e-5), "tf_idf_first_row": ("rel", 1e-5),
        "test_binary_accuracy": ("abs", 0.05)},
    # Dropout's draws differ: after the first evaluate only the accuracy compares
    "semantic_similarity": {
        **{key: ("abs", 0) for key in (
            "frozen_trainable", "unfrozen_trainable", "frozen_kept", "epochs_seen")},
        "initial_loss": ("rel", 1e-5), "test_accuracy": ("abs", 0.15)},
    # random initial weights and shuffled datasets: the training compares by its accuracy
    "active_learning": {
        **{key: ("abs", 0) for key in (
            "train_size", "val_size", "pool_size", "full_size", "vocabulary_size", "full_keys")},
        "full_reload_gap": ("abs", 1e-6), "full_accuracy": ("abs", 0.15),
        "al_accuracy": ("abs", 0.15)},
    "traffic_forecasting": {
        **TRAJECTORY, **{key: ("abs", 0) for key in (
            "num_edges", "train_batches", "test_rows", "params", "sum_messages", "max_messages",
            "mean_messages")},
        "val_loss_last": ("rel", 1e-3), "model_mse": ("rel", 1e-3), "naive_mse": ("rel", 1e-6)},
    # fit shuffles and Dropout draws differ: after the first evaluate the accuracy compares
    "stft_spectrogram": {
        **{key: ("abs", 0) for key in (
            "spectrogram_frames", "spectrogram_bins", "multi_shape_sum", "model_2d_trainable",
            "mel_frames")},
        **{key: ("rel", 1e-5) for key in (
            "spectrogram_sum", "multi_channel_sums", "initial_1d_loss", "initial_2d_loss",
            "mel_sum")},
        "test_acc_1d": ("abs", 0.15), "test_acc_2d": ("abs", 0.35)},
    # Keras on TensorFlow gives the token Embedding an IndexedSlices gradient whose repeated
    # rows Adam squares one by one (a row seen n times moves up to sqrt(n) times further than
    # the dense step numnet, Keras on JAX and the formula take), so the losses part slowly
    "transformer_asr": {
        **{key: ("abs", 0) for key in (
            "source_frames", "source_bins", "steps_per_epoch", "history_keys", "displays")},
        **{f"lr_{i}": ("rel", 1e-6) for i in range(5)},
        "loss_0": ("rel", 1e-3), "val_loss_first": ("rel", 1e-3), "loss_8": ("abs", 0.3),
        "decoded_last": ("abs", 3)},
    # random initial weights, a shuffled CSV dataset and Dropout: the error compares
    "movielens_transformer": {
        **{key: ("abs", 0) for key in (
            "params", "inputs", "non_trainable", "batch_rows", "sequence_width", "test_rows")},
        "baseline_mae": ("rel", 1e-6), "mae": ("abs", 0.15)},
    # shuffled batches and Dropout, with ReduceLROnPlateau cutting the rate on the path they
    # take: after the first evaluate only the first epoch and the top-3 accuracy compare
    # (without Dropout and shuffling the losses agree to 2e-5 for four epochs)
    "eeg_classification": {
        **{key: ("abs", 0) for key in (
            "train_rows", "classes", "history_keys", "initial_precision", "initial_recall",
            "best_rows")},
        **{key: ("rel", 1e-5) for key in (
            "weight_sum", "initial_loss", "initial_top_k", "initial_auc")},
        "loss_first": ("rel", 0.1), "top_k": ("abs", 0.2)},
    # fit shuffles the rows (each library its own order): after the first evaluate the errors
    # compare
    "customer_lifetime_value": {
        **{key: ("abs", 0) for key in (
            "windows", "train_rows", "country_width", "params", "prediction_shape_sum")},
        "initial_loss": ("rel", 1e-5), "r2": ("abs", 0.1), "mae": ("abs", 0.01)},
    # make_csv_dataset shuffles (each library its own order): the first evaluate compares
    # exactly, the training by its loss and scores
    "feature_layer_engineering": {
        **{key: ("abs", 0) for key in ("feature_width", "batch_rows", "thal_one_hot")},
        **{key: ("rel", 1e-5) for key in (
            "label_share", "initial_loss", "initial_accuracy", "initial_auc")},
        "loss_first": ("rel", 0.05), "accuracy": ("abs", 0.05), "auc": ("abs", 0.03)},
    # fit shuffles the rows (each library its own order): the preprocessing and the first
    # evaluate compare exactly, the training by its scores
    "feature_preprocessor_model": {
        **{key: ("abs", 0) for key in (
            "preprocessed_width", "symbolic_width", "country_vocabulary", "gender_width",
            "bins_used", "preprocessed_sum")},
        **{key: ("rel", 1e-5) for key in ("initial_loss", "initial_auc")},
        "validation_accuracy": ("abs", 0.08), "validation_auc": ("abs", 0.03)},
    "text_classification": {"vocabulary_size": ("abs", 0), "first_padding": ("abs", 0),
                            "test_accuracy": ("abs", 0.05), "end_to_end_accuracy": ("abs", 0.05)},
    "tf_autoencoder_anomaly": {**TRAJECTORY, "threshold": ("rel", 0.02),
                               "accuracy": ("abs", 0.02), "min_val": ("rel", 1e-6)},
    # five Adam steps an epoch through six BatchNormalizations: 5e-4 by the fifth epoch
    "unet_segmentation": {**{key: ("rel", 1e-3) for key in TRAJECTORY}, "params": ("abs", 0),
                          "pixel_accuracy": ("abs", 0.01)},
    "tf_time_series_forecasting": {**TRAJECTORY, **{f"dense_{key}": value for key, value in
                                                    TRAJECTORY.items()},
                                   "baseline_mae": ("rel", 1e-6),
                                   "baseline_test_loss": ("rel", 1e-6),
                                   "linear_mae": ("rel", 1e-4), "dense_mae": ("rel", 1e-3),
                                   "lstm_mae": ("rel", 1e-3), "linear_epochs": ("abs", 0),
                                   "lstm_epochs": ("abs", 0)},
    # Keras 3 does not track tf.Variables set on a keras.Model or Layer (the tutorial's Keras
    # model does not train there, its FlexibleDense has no variables): the tf.Module part only
    "tf_basic_training_loops": {"initial_loss": ("rel", 1e-6), "final_loss": ("rel", 1e-6),
                                "final_w": ("rel", 1e-6), "final_b": ("rel", 1e-6),
                                "module_output_sum": ("abs", 0), "flexible_sum": ("abs", 0),
                                "submodules": ("abs", 0), "module_variables": ("abs", 0)},
    "addition_rnn": {**TRAJECTORY, "params": ("abs", 0), "char_accuracy": ("abs", 0.01),
                     "exact_answers": ("abs", 0.02)},
    "tf_tfrecord": {
        **{key: ("abs", 0) for key in (
            "e_as_float32", "feature_bytes", "example_bytes", "goat_feature1", "goat_feature3",
            "goat_is_bytes", "records", "feature1_sum", "goats", "first_label", "positives",
            "token_count", "token_sum", "matrix_sum", "batch_dense_shape_1", "sequence_length",
            "sequence_sum", "sequence_rows")},
        **{key: ("rel", 1e-6) for key in ("feature3_sum", "first_feature3")},
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(4)}, "accuracy": ("abs", 0.01)},
    # the abalone regression starts from a NumPy draw on unshuffled batches, but TensorFlow's
    # own fit on make_csv_dataset's batches leaves its fit on the same arrays after the first
    # epoch (equal data, loss_1 120.1496 against 120.1589 at a rate of 0.001), where numnet's
    # equals Keras's on the arrays: the first epoch's loss only
    "tf_load_csv": {
        **{key: ("abs", 0) for key in (
            "abalone_columns", "abalone_label_is_int", "batch_rows", "age_is_float",
            "sex_is_string", "siblings_is_int", "titanic_features", "traffic_rows",
            "traffic_volume_sum", "traffic_hours_are_int", "cached_batches",
            "snapshot_rows", "font_rows",
            "pixel_sum", "image_height", "string_columns", "line_rows", "csv_rows",
            "csv_survived", "font_lines", "font_csv_rows", "font_m_label_sum")},
        **{key: ("rel", 1e-6) for key in ("decoded_age_sum", "line_age_sum")},
        "loss_0": ("rel", 1e-4), "abalone_mae": ("abs", 0.2), "titanic_accuracy": ("abs", 0.08)},
    "tf_structured_data": {"params": ("abs", 0), "features_width": ("abs", 0),
                           "test_accuracy": ("abs", 0.06), "sample_probability": ("abs", 0.1)},
    "translation_transformer": {"params": ("abs", 0), "spa_vocabulary": ("abs", 0),
                                "val_accuracy": ("abs", 0.08), "exact_translations": ("abs", 0.2)},
    "pretrained_embeddings": {"hits": ("abs", 0), "misses": ("abs", 0),
                              "trainable_weights": ("abs", 0), "val_acc": ("abs", 0.05)},
    # Dropout's masks are not Keras's: no trajectory
    "timeseries_anomaly": {"params": ("abs", 0), "windows": ("abs", 0),
                           "threshold": ("rel", 0.3), "points_inside": ("abs", 0.1)},
    "subclassing_guide": {
        **{key: ("abs", 0) for key in ("linear_weights", "sum_total", "sum_weights",
                                       "sum_non_trainable", "mlp_weights", "stack_weights",
                                       "stack_width", "losses_before", "losses_after_one",
                                       "losses_after_two", "vae_weights")},
        "loss_value": ("rel", 1e-6), "fit_with_loss": ("rel", 1e-5),
        "fit_layer_loss_only": ("rel", 1e-5), "vae_loss_4": ("rel", 0.02)},
    "masking_guide": {**TRAJECTORY, "sequential_sum": ("rel", 1e-5),
                      "pre_padded_first": ("abs", 0), "accuracy": ("abs", 0.01)},
    "temporal_split_mask": {"first_mask_count": ("abs", 0), "second_mask_count": ("abs", 0),
                            "output_sum": ("rel", 1e-5)},
    "sequential_growing_input": {**TRAJECTORY, "generated_right": ("abs", 0)},
    "serialization_guide": {"layer_config_units": ("abs", 0), "clone_is_new": ("abs", 0),
                            "weights_file_gap": ("abs", 1e-6)},
    "keras_file_custom_objects": {"registered_model_class": ("abs", 0),
                                  "registered_name": ("abs", 0)},
    "keras_file_resume_training": {"loss_2": ("rel", 1e-4), "loaded_iterations": ("abs", 0),
                                   "resumed_loss_gap": ("abs", 1e-6)},
    "custom_fit_guide": {**{f"custom_{key}": ("rel", 1e-4) for key in list(TRAJECTORY)[:3]},
                         "loop_losses": ("abs", 0), "optimizer_iterations": ("abs", 0)},
    "preprocessing_guide": {**TRAJECTORY, "resized_sum": ("rel", 1e-5),
                            "normalizer_weights": ("abs", 0), "count_sum": ("rel", 1e-6)},
    "custom_saving_guide": {"own_variables_gap": ("abs", 0), "compile_config_loss": ("abs", 0),
                            "assets_loaded": ("abs", 0)},
    "prebuilt_custom_layer": {**TRAJECTORY, "dense_kernel_rows": ("abs", 0),
                              "accuracy": ("abs", 0.01)},
    "metrics_resolution": {
        **{f"{case}_names": ("abs", 0) for case in ("binary", "binary_logits", "categorical",
                                                     "sparse", "sparse_logits")},
        **{key: ("rel", 1e-4) for key in (
            "binary_AUC", "binary_accuracy", "binary_eval_AUC", "binary_eval_accuracy",
            "binary_eval_loss", "binary_eval_mean_prediction", "binary_logits_acc",
            "binary_logits_eval_acc", "binary_logits_eval_loss", "binary_logits_loss",
            "binary_loss", "binary_mean_prediction", "categorical_accuracy",
            "categorical_eval_accuracy", "categorical_eval_loss", "categorical_eval_mse",
            "categorical_eval_top_k_categorical_accuracy", "categorical_loss", "categorical_mse",
            "categorical_top_k_categorical_accuracy", "class_weight_one_hot_loss",
            "sparse_accuracy", "sparse_eval_accuracy", "sparse_eval_loss",
            "sparse_eval_sparse_top_k_categorical_accuracy", "sparse_logits_acc",
            "sparse_logits_eval_acc", "sparse_logits_eval_loss", "sparse_logits_loss",
            "sparse_loss", "sparse_sparse_top_k_categorical_accuracy")}},
    "callbacks_api": {**TRAJECTORY, "csv_last_val_loss": ("rel", 1e-4),
                      "start_from_epoch_epochs": ("abs", 0), "baseline_epochs": ("abs", 0),
                      "cooldown_rates": ("rel", 1e-6), "nan_epochs": ("abs", 0)},
    "stacked_cells": {**TRAJECTORY, "params": ("abs", 0), "accuracy": ("abs", 0.01)},
    "optimizer_ema": {"ema_loss_2": ("rel", 1e-4), "overwrite_loss_2": ("rel", 1e-4),
                      "ema_weight_sum": ("rel", 1e-5), "overwrite_weight_sum": ("rel", 1e-5),
                      "ema_eval_loss": ("rel", 1e-4), "overwrite_eval_loss": ("rel", 1e-4)},
    "grouped_convnet": {**TRAJECTORY, "params": ("abs", 0), "accuracy": ("abs", 0.01)},
    "tf_data_training": {**TRAJECTORY, "val_accuracy": ("abs", 0.01),
                         "repeat_iterations": ("abs", 0)},
    "tf_data_named_outputs": {**TRAJECTORY, "history_keys": ("abs", 0)},
    "named_outputs_dict": {**TRAJECTORY, "score_loss": ("rel", 1e-4),
                           "class_loss": ("rel", 1e-4), "history_keys": ("abs", 0)},
    # the rate 1e-2 makes the fourth epoch's step sharp: rounding is 1e-4 by then and 1% at
    # the sixth; the application's heatmap does not depend on the training
    "grad_cam": {**{key: ("rel", 1e-4) for key in ("loss_0", "loss_1", "loss_2")},
                 **{key: ("rel", 0.03) for key in ("loss_3", "loss_4", "loss_5")},
                 **{key: ("abs", 0) for key in (
                     "logits_not_probabilities", "heatmap_shape", "application_layers",
                     "application_params", "application_top", "application_heatmap_shape")},
                 **{f"heatmap_sum_{index}": ("rel", 0.05) for index in range(3)},
                 "chosen_class_heatmap_sum": ("rel", 0.1), "square_hits": ("abs", 1),
                 "test_accuracy": ("abs", 0.05), "application_logit_0": ("rel", 1e-4),
                 "application_heatmap_sum": ("rel", 1e-4)},
    "integrated_gradients": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(4)},
        **{key: ("abs", 0) for key in ("top_pred_idx", "grads_shape", "igrads_shape")},
        **{key: ("rel", 1e-4) for key in (
            "probability_change", "black_attribution_sum", "grad_abs_sum", "igrads_sum",
            "square_share", "mask_in_square")},
        "completeness_gap": ("abs", 1e-4), "accuracy": ("abs", 0.01)},
    "super_resolution": {
        **{f"{kind}_{epoch}": ("rel", 1e-4) for kind in ("loss", "val_loss", "psnr")
           for epoch in range(20)},
        **{key: ("abs", 0) for key in (
            "first_batch_size", "input_shape", "target_shape", "shuffle_vs_tf", "shuffle_vs_ops",
            "prediction_width")},
        "avg_bicubic_psnr": ("rel", 1e-5), "avg_test_psnr": ("rel", 1e-4)},
    # TensorFlow's batch means are float32 sums of their own: the moving means, and with them
    # the validation losses, are 1e-2 apart (numnet's equal the float64 means, as JAX's do)
    "volume_classification_3d": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(6)},
        **{f"val_loss_{epoch}": ("rel", 2e-2) for epoch in range(6)},
        **{key: ("abs", 0) for key in ("params", "iterations", "augmented_rank")},
        "learning_rate": ("rel", 1e-6), "moving_variance_sum": ("rel", 1e-4),
        "moving_mean_sum": ("rel", 1e-2), "acc_5": ("abs", 0.03), "val_acc_5": ("abs", 0.07),
        "score_abnormal": ("abs", 0.01)},
    "involution": {
        **{f"{name}_loss_{epoch}": ("rel", 1e-4) for name in ("conv", "inv")
           for epoch in range(8)},
        **{key: ("abs", 0) for key in ("conv_params", "inv_params", "kernel_map_sizes")},
        **{f"inv3_kernel_sum_{index}": ("abs", 1e-4) for index in range(3)},
        "conv_val_accuracy": ("abs", 0.02), "inv_val_accuracy": ("abs", 0.02)},
    "swin_transformer": {
        **TRAJECTORY, "test_loss": ("rel", 1e-4), "test_accuracy": ("abs", 0.01),
        "val_accuracy": ("abs", 0.01),
        **{key: ("abs", 0) for key in (
            "masked_pairs", "params", "trainable_weights", "non_trainable_weights")}},
    "filter_visualization": {
        **{f"filter_{index}_{end}": ("rel", 1e-4) for index in range(3)
           for end in ("first", "last")},
        **{key: ("abs", 0) for key in ("extractor_layers", "activation_size", "stitched_width")}},
    "token_learner": {**TRAJECTORY, "params": ("abs", 0), "test_accuracy": ("abs", 0.01),
                      "test_top_2": ("abs", 0.01), "best_val_accuracy": ("abs", 0.01)},
    "shift_vit": {
        **TRAJECTORY, "test_loss": ("rel", 1e-4), "test_accuracy": ("abs", 0.01),
        "val_accuracy": ("abs", 0.01),
        **{key: ("abs", 0) for key in ("params", "trainable_weights", "iterations")},
        **{f"lr_at_{step}": ("rel", 1e-6) for step in (0, 3, 7, 30)}},
    # the Dense layers start from each framework's glorot draw and the negatives from its own
    # shuffle: levels only
    "forwardforward": {
        **{key: ("abs", 0) for key in (
            "overlay_is_float64", "ff_layers", "layer_iterations", "loss_count")},
        "overlay_error": ("abs", 1e-7), "final_loss_first": ("abs", 0.05),
        "final_loss_last": ("abs", 0.1), "test_accuracy": ("abs", 0.1)},
    # a ReLU input that rounds to the other side of 0 parts the trajectories after 75 steps
    "reptile": {
        **{key: ("abs", 0) for key in (
            "task_batches", "task_images_are_float32", "task_labels_are_int32", "loss_rows",
            "evaluations", "iterations", "argmax_axis_0_length")},
        **{key: ("rel", 1e-5) for key in ("dense_kernel_sum_start", "dense_kernel_sum")},
        "per_sample_gradient_gap": ("abs", 1e-6), "train_accuracy_sum": ("abs", 1.0),
        "test_accuracy_sum": ("abs", 1.0)},
    "focal_modulation_network": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(10)},
        **{key: ("abs", 0) for key in (
            "params", "trainable_weights", "first_gates_width", "first_gates_height",
            "monitored_epochs", "monitored_gate_size", "monitored_modulator_width",
            "gates_shape_sum")},
        **{f"lr_at_{step}": ("rel", 1e-6) for step in (4, 15, 40)},
        **{key: ("abs", 0.01) for key in ("accuracy", "val_accuracy", "test_accuracy")},
        "test_loss": ("rel", 1e-4), "modulator_mean": ("rel", 1e-3)},
    "mobilevit": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(8)},
        **{key: ("abs", 0) for key in (
            "pad_sum", "pad_before", "num_train", "params", "attention_layers", "unfolded_rank")},
        **{key: ("abs", 0.01) for key in ("accuracy", "best_val_accuracy", "val_accuracy")}},
    "real_nvp": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(8)},
        **{key: ("abs", 0) for key in (
            "trainable_variables", "regularization_losses", "log_det_rows", "generated_rows",
            "generated_log_det")},
        **{key: ("rel", 1e-4) for key in ("val_loss_first", "val_loss_last", "latent_std")},
        "log_prob": ("rel", 1e-6), "generated_mean_x": ("abs", 1e-3),
        "generated_mean_y": ("abs", 1e-3)},
    # the gradients of a few conv4 biases, whose ReLU is open everywhere and which feed only
    # BatchNormalization, are rounding (1e-9 where others are 1e-3); Adam makes steps of
    # them, so the trajectories part by 3e-4 in epoch 3 and by 1e-3 from then on
    "deeplabv3_plus": {
        **{f"loss_{epoch}": ("rel", 1e-5 if epoch < 3 else 3e-3) for epoch in range(10)},
        **{key: ("abs", 0) for key in (
            "params", "output_height", "output_classes", "mask_height", "true_red_pixels")},
        "accuracy": ("abs", 0.005), "val_loss": ("rel", 0.05), "val_accuracy": ("abs", 0.01),
        "mask_pixel_accuracy": ("abs", 0.01), "red_pixels": ("abs", 10)},
    # enhanced_mean is a mean of uint8 pixels, one of which may round the other way
    "zero_dce": {
        **{f"{tag}{item}_{end}": ("rel", 2e-4) for tag in ("", "val_")
           for item in ("total_loss", "illumination_smoothness_loss", "spatial_constancy_loss",
                        "color_constancy_loss", "exposure_loss")
           for end in ("first", "last") if (tag, end) != ("val_", "first")},
        **{key: ("abs", 0) for key in (
            "batch_rows", "batch_width", "spatial_shape_sum", "history_keys", "iterations",
            "trainable_weights", "original_mean", "enhanced_width")},
        **{key: ("rel", 1e-6) for key in ("batch_max", "spatial_sum", "smoothness")},
        "enhanced_mean": ("abs", 0.05)},
    "convmixer": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(6)},
        **{f"val_accuracy_{epoch}": ("abs", 0) for epoch in range(6)},
        "last_test_loss": ("rel", 1e-4), "test_loss": ("rel", 1e-4), "test_accuracy": ("abs", 0),
        **{key: ("abs", 0) for key in (
            "params", "layers", "patch_embedding_size", "depthwise_layers",
            "first_depthwise_index", "depthwise_kernel_size", "depthwise_kernel_in")}},
    "eanet": {
        **{f"{tag}{key}": ("rel", 2e-4) for tag in ("", "self_") for key in (
            *(f"loss_{epoch}" for epoch in range(8)), "val_loss_last", "test_loss")},
        **{key: ("abs", 0) for key in ("patches", "patch_width", "params", "self_params")},
        **{f"{tag}{key}": ("abs", 0.02) for tag in ("", "self_")
           for key in ("test_accuracy", "test_top_2")}},
    "vit_patches": {**TRAJECTORY, "params": ("abs", 0), "accuracy": ("abs", 0.01),
                    "top_2_accuracy": ("abs", 0.01)},
    "timeseries_transformer": {**TRAJECTORY, "params": ("abs", 0), "pooled_width": ("abs", 0),
                               "epochs_run": ("abs", 0), "best_val_loss": ("rel", 1e-4),
                               "test_loss": ("rel", 1e-4), "test_accuracy": ("abs", 0.01)},
    # float16 arithmetic: 3e-4 apart by the fifth epoch
    "mixed_precision": {**{key: ("rel", 2e-3) for key in TRAJECTORY},
                        **{f"val_{key}": ("rel", 2e-3) for key in TRAJECTORY},
                        "x_is_float16": ("abs", 0), "test_loss": ("rel", 2e-3),
                        "test_accuracy": ("abs", 0.02), "prediction_sum": ("rel", 2e-3)},
    # Conv1D biases before BatchNormalization move on rounding alone under Adam: the moving
    # means, and so the validation losses, part by 1e-3 after one epoch, 1e-2 after six (one
    # ulp more in Adam's step size moves val_loss_0 by 1e-3 and test_loss by 4e-2)
    "pointnet": {**TRAJECTORY, "params": ("abs", 0), "first_penalty": ("rel", 1e-5),
                 "val_loss_0": ("rel", 2e-3), "test_loss": ("rel", 0.03),
                 "test_accuracy": ("abs", 0.05)},
    "warmup_cosine_schedule": {**TRAJECTORY, **{f"rate_{i}": ("rel", 1e-6) for i in range(6)},
                               **{f"transformer_rate_{i}": ("rel", 1e-6) for i in range(4)},
                               "iterations": ("abs", 0), "current_rate": ("abs", 1e-9),
                               "test_loss": ("rel", 1e-4), "test_accuracy": ("abs", 0.01),
                               "prediction_mean": ("rel", 1e-4)},
    "causal_dilated_conv": {**TRAJECTORY, **{f"val_{key}": value for key, value in
                                             TRAJECTORY.items()},
                            "params": ("abs", 0), "past_change": ("abs", 0),
                            "last_change": ("rel", 1e-5), "test_mae": ("rel", 1e-4),
                            "short_sum": ("rel", 1e-4)},
    "weight_constraints_layer": {**TRAJECTORY, "model_weights": ("abs", 0),
                                 "penalty_before": ("rel", 1e-6), "scale_spread": ("rel", 1e-4),
                                 "running_mean_sum": ("rel", 1e-4), "eval_loss": ("rel", 1e-4),
                                 "rebuilt_strength": ("abs", 0)},
    "masked_language_model": {**{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(8)},
                              "params": ("abs", 0), "eval_loss": ("rel", 1e-4),
                              "masked_accuracy": ("abs", 0.01), "history_keys": ("abs", 0),
                              "top_1_probability": ("rel", 1e-4)},
    "attention_seq2seq": {**TRAJECTORY, "params": ("abs", 0), "test_loss": ("rel", 1e-4),
                          "test_accuracy": ("abs", 0.01), "attention_sum": ("rel", 1e-4)},
    "mobilenet_blocks": {**TRAJECTORY, "params": ("abs", 0), "test_loss": ("rel", 1e-4),
                         "moving_variance_sum": ("rel", 1e-5)},
    "next_frame_convlstm": {**TRAJECTORY, "params": ("abs", 0), "val_loss": ("rel", 1e-4),
                            "predicted_sum": ("rel", 1e-4), "bright_overlap": ("rel", 1e-4)},
    "pydataset_workers": {**TRAJECTORY, "val_loss_0": ("rel", 1e-4), "more_loss_0": ("rel", 1e-4),
                          "more_loss_1": ("rel", 1e-4), "eval_loss": ("rel", 1e-4),
                          "eval_accuracy": ("abs", 0.01), "iterations": ("abs", 0),
                          "val_epochs": ("abs", 0), "more_epoch_numbers": ("abs", 0)},
    "ops_control_flow": {**TRAJECTORY, "eval_loss": ("rel", 1e-4), "accuracy": ("abs", 0.01),
                         "halvings": ("abs", 0), "halved_max": ("rel", 1e-4),
                         "branch": ("rel", 1e-4), "row_max_sum": ("rel", 1e-4),
                         "scan_probe": ("abs", 0), "prediction_sum": ("rel", 1e-4)},
    # the pendulum follows the actions: rounding grows along the 160 steps to 7e-5 in the actor
    "ddpg_pendulum": {**{f"episode_reward_{ep}": ("rel", 1e-4) for ep in range(4)},
                      **{key: ("rel", 1e-4) for key in (
                          "first_critic_loss", "critic_loss_early", "critic_loss_late",
                          "actor_loss_late", "target_gap")},
                      "soft_update": ("rel", 1e-7), "upright_action": ("rel", 1e-3),
                      "critic_iterations": ("abs", 0), "actor_iterations": ("abs", 0)},
    "actor_critic": {**{f"episode_reward_{i}": ("abs", 0) for i in range(8)},
                     **{f"episode_loss_{i}": ("rel", 1e-5) for i in range(8)},
                     "running_reward": ("rel", 1e-9), "list_gap": ("abs", 1e-6),
                     "grad_norm": ("rel", 1e-5), "probe_probability": ("rel", 1e-5),
                     "probe_value": ("rel", 1e-5)},
    "custom_optimizers": {**{f"{tag}_loss_{epoch}": ("rel", 1e-4)
                             for tag in ("rmsprop", "gc", "sign") for epoch in range(5)},
                          **{f"{tag}_{key}": ("abs", 0) for tag in ("rmsprop", "gc", "sign")
                             for key in ("accuracy", "iterations")},
                          "gc_kernel_sum": ("rel", 1e-4), "gc_probe_column_sum": ("rel", 1e-6),
                          "rebuilt_beta": ("abs", 0), "rebuilt_learning_rate": ("rel", 1e-7),
                          "rebuilt_class_matches": ("abs", 0)},
    "perceiver": {**{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(12)},
                  "params": ("abs", 0), "first_weight_is_latent": ("abs", 0),
                  "epochs_run": ("abs", 0), "val_loss": ("rel", 1e-4),
                  "test_accuracy": ("abs", 0.02), "test_top2": ("abs", 0.02)},
    "lambda_schedule_saving": {**TRAJECTORY, **{f"{key}_{epoch}": ("rel", 1e-4)
                                                for key in ("more_loss", "restored_loss")
                                                for epoch in range(2)},
                               "rate_at_5": ("rel", 1e-6), "rate_at_47": ("rel", 1e-6),
                               "current_rate": ("rel", 1e-6), "restored_peak": ("abs", 0),
                               "restored_current_rate": ("rel", 1e-6),
                               "restored_halve_scale": ("abs", 0),
                               "eval_mae": ("rel", 1e-4)},
    "attention_masks": {**TRAJECTORY, **{key: ("abs", 0) for key in (
        "output_width", "scores_rank", "scores_heads", "grid_scores_rank", "grid_scores_last")},
        **{key: ("rel", 1e-5) for key in (
            "output_sum", "padded_score_sum", "padded_query_row", "causal_first_row",
            "grid_output_sum")},
        "masked_weight": ("abs", 1e-7), "padded_weight": ("abs", 1e-7),
        "causal_future_weight": ("abs", 1e-7), "eval_loss": ("rel", 1e-4),
        "accuracy": ("abs", 0.01)},
    # (metrics_names is not compared: Keras 3 lists ["loss", "compile_metrics"], numnet the names
    # of evaluate's list, as Keras 2)
    "execution_options": {**{f"{tag}_loss_{epoch}": ("rel", 1e-4)
                             for tag in ("plain", "spe", "jit", "eager") for epoch in range(3)},
                          **{f"{tag}_{key}": ("abs", 0) for tag in ("plain", "spe", "jit", "eager")
                             for key in ("train_callbacks", "last_batch_index", "val_callbacks",
                                         "epoch_count_0", "epoch_count_2", "val_count",
                                         "iterations")},
                          **{key: ("abs", 0) for key in (
                              "evaluate_count", "loss_is_first_name", "current_count",
                              "count_after_reset", "predicted_above_half")},
                          "loop_accuracy_0": ("abs", 1e-6), "loop_loss_0": ("rel", 1e-5)},
    "tf_text_generation_rnn": {**{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(8)},
                               "initial_loss": ("rel", 1e-5), "custom_loop_loss": ("rel", 1e-4),
                               "custom_epoch_loss": ("abs", 0)},
    "distribution_api": {**TRAJECTORY, **{f"mp_loss_{i}": ("rel", 1e-4) for i in range(4)},
                         "accuracy": ("abs", 0.01)},
    "distiller_api": {**{f"{key}_{i}": ("rel", 1e-4) for key in (
        "teacher_loss", "loss", "student_loss", "distillation_loss", "total_loss")
        for i in range(6 if key == "teacher_loss" else 4)},
        **{f"eval_{key}": ("rel", 1e-4) for key in (
            "loss", "student_loss", "distillation_loss", "total_loss")},
        **{f"accuracy_{i}": ("abs", 0.01) for i in range(4)}, "eval_accuracy": ("abs", 0.01)},
    "custom_optimizer_keras_file": {**TRAJECTORY, "more_loss": ("rel", 1e-4),
                                    "more_restored_loss": ("rel", 1e-4),
                                    "restored_iterations": ("abs", 0)},
    "custom_gradients": {**TRAJECTORY, **{key: ("rel", 1e-6) for key in (
        "clipped_norm", "clipped_first", "log1pexp_grad", "log1pexp_grad_at_0", "log1pexp_at_0",
        "rounded_sum", "straight_through_grad_sum", "softplus_grad_sum")},
        "first_kernel_change": ("rel", 1e-4), "on_grid": ("abs", 0), "eval_loss": ("rel", 1e-4)},
    "tf_sparse_tensors": {key: ("abs", 0) for key in (
        "st1_is_int32", "st1_indices_int64", "st1_shape_sum", "st1_values_sum",
        "from_dense_entries", "round_trip_sum", "from_dense_last_column", "sum_entries",
        "sum_first_value", "sum_is_sparse", "product_0", "product_1", "concat_columns",
        "concat_entries", "concat_checksum", "slice_a_entries", "slice_b_columns",
        "slice_b_entries", "slice_b_first_column", "slice_c_columns", "slice_c_entries",
        "map_values_sum", "map_values_gap", "transposed_rows", "transposed_first_row",
        "reshaped_second_row", "reshaped_second_column", "reduce_sum_axis_1",
        "dataset_elements", "dataset_row_0_entries", "dataset_row_1_entries", "batch_count",
        "last_batch_indices_sum", "unbatched_elements", "unbatched_row_4_column",
        "function_trace_sum", "function_corner", "explicit_zero_entries", "sparse_reduce_max",
        "sparse_reduce_max_row_1", "retained_entries", "nan_count", "known_mean",
        "zero_filled_mean", "bag_entries", "bag_row_sums_min", "accuracy")} | TRAJECTORY,
    "tf_sparse_keras_input": {**{key: ("rel", 1e-4) for key in list(TRAJECTORY)[:4]},
                              "call_sum": ("rel", 1e-6), "predict_sum": ("rel", 1e-6),
                              "empty_row_sum": ("abs", 0), "accuracy": ("abs", 0.01)},
    # the negative samples are TensorFlow's draws, and Keras on TensorFlow applies Adam to the
    # Embeddings' IndexedSlices gradients its own way (on JAX, Keras's losses on these batches
    # equal numnet's to 1e-6; on TensorFlow the loss falls faster): the counts, the vocabulary
    # and the accuracy's level
    "tf_word2vec": {**{key: ("abs", 0) for key in (
        "sentence_skip_grams", "sentence_vocab_size", "candidates_unique", "context_length",
        "context_first_is_true", "label_sum", "nonempty_lines", "vocabulary",
        "vocabulary_checksum", "sequences", "first_sequence_sum", "pairs", "target_sum",
        "true_context_sum", "weights_rows", "metadata_rows")},
        "table_3": ("rel", 1e-12), "accuracy": ("abs", 0.06)},
    # (int8_size_ratio is not compared: Keras's .keras file also holds the optimizer's slots;
    # int8_mse to 1e-3: a weight that training leaves next to a rounding step may round apart)
    "int8_quantization": {"loss_0": ("rel", 1e-4), "tune_loss_0": ("rel", 1e-4),
                          "tune_loss_1": ("rel", 1e-4), "int8_mse": ("rel", 1e-3),
                          "int4_mse": ("rel", 1e-5), "int4_roundtrip_mse": ("rel", 1e-5),
                          **{key: ("abs", 0) for key in (
                              "int8_roundtrip_mse", "int8_policy", "int8_kernel", "int8_weights",
                              "int8_scale_size", "trainable_after", "kernel_moved",
                              "int4_reloaded_gap", "int4_policy", "int4_weights")}},
    # BatchNormalization in training mode through the U-Net: the validation losses part by
    # 7e-5 in two epochs
    "ddim": {**{key: ("abs", 0) for key in (
        "network_params", "ema_is_clone", "history_keys", "plotted", "checkpoint_written",
        "best_epoch")},
        **{f"{key}_{epoch}": ("rel", 1e-4) for key in ("n_loss", "i_loss", "val_kid")
           for epoch in range(2)},
        **{f"{key}_{epoch}": ("rel", 5e-4) for key in ("val_n_loss", "val_i_loss")
           for epoch in range(2)},
        "normalizer_mean": ("rel", 1e-6), "ema_gap": ("rel", 1e-3),
        "reloaded_gap": ("rel", 1e-3), "final_plot_mean": ("rel", 1e-4)},
    "tf_tensor_slicing": {**TRAJECTORY, "accuracy": ("abs", 0), **{key: ("abs", 0) for key in (
        "slice_sum", "python_slice_gap", "tail_sum", "slice_to_end", "block_checksum",
        "slice_3d_checksum", "slice_tensor_begin", "strided_checksum", "strided_reverse",
        "strided_masks", "strided_new_axis_rank", "strided_ellipsis", "gather_sum",
        "gather_letters", "gather_axis_1", "gather_batch_dims", "gather_negative_axis",
        "gather_nd_rows", "gather_nd_points", "gather_nd_nested", "gather_nd_flat",
        "gather_nd_batch_dims", "scatter_checksum", "scatter_repeated", "scatter_slices",
        "sparse_dense_checksum", "tensor_scatter_add", "tensor_scatter_sub", "tensor_scatter_min",
        "tensor_scatter_max", "tensor_scatter_update", "tensor_scatter_update_row",
        "tensor_scatter_is_int32", "variable_scatter", "boolean_mask", "boolean_mask_rows",
        "boolean_mask_axis", "where_positions", "where_select", "gather_grad", "gather_nd_grad",
        "scatter_nd_grad")}},
    # the greedy actions follow the network: rounding reaches 7e-5 in the last updates' loss
    "deep_q_network": {**{key: ("abs", 0) for key in (
        "frames", "episodes", "updates", "optimizer_iterations", "target_updates",
        "greedy_actions", "running_reward")},
        "final_epsilon": ("abs", 1e-9), "first_loss": ("rel", 1e-5), "early_loss": ("rel", 1e-5),
        "late_loss": ("rel", 1e-3), "target_gap": ("abs", 1e-4)},
    "cyclegan": {**{f"{key}_{epoch}": ("rel", 1e-4) for key in (
        "G_loss", "F_loss", "D_X_loss", "D_Y_loss") for epoch in range(3)},
        **{key: ("abs", 0) for key in (
            "generator_params", "discriminator_params", "reflection_layers", "group_norm_layers",
            "optimizer_iterations", "monitor_images", "checkpoints", "padded_shape_sum",
            "padded_corner")},
        "monitor_mean": ("abs", 0.05), "translated_mean": ("abs", 1e-5),
        "restored_gap": ("abs", 1e-6)},
    # reparameterize's noise and the shuffles are each library's own draws: the ELBO's level
    "tf_cvae": {**{key: ("abs", 0) for key in (
        "encoder_params", "decoder_params", "trainable_variables", "optimizer_iterations",
        "sample_rows", "sample_size", "default_sample_rows")},
        "log_pdf_at_zero": ("rel", 1e-6), "elbo_6": ("abs", 5.0),
        "reconstruction_accuracy": ("abs", 0.05)},
    # the seeded split and shuffles are each library's own draws: the counts and accuracies
    "tf_load_text": {**{key: ("abs", 0) for key in (
        "class_names", "javascript_is_first", "train_batches", "val_batches", "multi_hot_width",
        "multi_hot_rank", "int_width", "vocabulary", "special_tokens", "lines",
        "shuffled_once", "label_sum", "line_train_batches", "line_val_rows")},
        "binary_val_accuracy": ("abs", 0.15), "int_val_accuracy": ("abs", 0.15)},
    "tf_text_rnn": {"first_question_rank": ("abs", 0), "stacked_params": ("abs", 0),
                    "padding_gap": ("abs", 1e-5), "test_accuracy": ("abs", 0.2),
                    "export_accuracy": ("abs", 0.2)},
    # numnet's streams are its own numbers: the guide's observations, and the accuracy
    # audio_dataset_from_directory shuffles with each framework's stream and training drops
    # out with it: accuracy is compared, loosely; the data and its statistics exactly
    "tf_simple_audio": {**{key: ("abs", 0) for key in (
        "classes", "train_examples", "test_examples", "val_examples", "spectrogram_frames",
        "spectrogram_bins", "params", "confusion_total", "sample_rate", "export_traces")},
        **{key: ("rel", 1e-5) for key in ("norm_mean", "norm_variance", "decoded_abs_max",
                                          "file_spectrogram_sum")},
        "test_accuracy": ("abs", 0.2)},
    # (deferred_gap is not compared: Keras 3 on TensorFlow keys Dense's kernel "_kernel", so
    # there the guide's stand-in "kernel" is never restored)
    # dropout and the jitter are each framework's own draws: the training in level only
    "tf_pix2pix": {
        **{key: ("abs", 0) for key in (
            "loaded_max", "generator_params", "discriminator_params", "steps",
            "latest_is_second", "jitter_pairs_aligned", "discriminator_input_names_ok")},
        **{key: ("rel", 1e-5) for key in (
            "normalized_max", "eval_gen_total_loss", "eval_gen_l1_loss", "eval_disc_loss")},
        "l1_first": ("abs", 0.02), "l1_last": ("abs", 0.05), "disc_loss_last": ("abs", 0.4)},
    # the instance and epoch counters of the figures' dataset count the Python runs of the
    # flat_map function: once in TensorFlow (traced), at each element in numnet
    "tf_data_performance": {key: ("abs", 0) for key in (
        "naive", "naive_count", "prefetch", "interleave_order", "parallel_interleave_count",
        "sequential_map", "parallel_map", "cached", "vectorized_same", "vectorized_total",
        "deterministic_off", "threadpool", "tuned_sum", "timeline_rows", "timeline_trains",
        "timeline_maps", "timeline_epochs", "timeline_first_is_open", "times_dtype_ok",
        "values_dtype_ok", "negative_open_times")},
    # the sampled and resampled streams are each framework's own draws: levels only
    "tf_data_guide": {
        **{key: ("abs", 0) for key in (
            "first_line_is_header", "interleave_round_robin", "interleave_lines",
            "filtered_lines", "generator_batches", "padded_first_shape", "padded_second_sum",
            "enumerate_sum", "zip_len", "scan_last", "take_while_len", "unbatch_len",
            "shard_sum", "reduce_sum", "repeat_then_batch", "batch_then_repeat",
            "cache_sum_first", "second_batch_last", "dense_1_step_gap", "label_5_first",
            "zipped_label_first", "window_lengths", "flat_map_10th", "window_batch_last",
            "strided_second_first", "strided_step", "dense_labels_width", "grouped_batches",
            "bucket_batches", "bucket_widest", "class_1_count", "chosen_pattern",
            "extra_label_matches", "rebatch_sizes", "random_coins_binary")},
        **{f"wave_loss_{epoch}": ("rel", 1e-4) for epoch in range(4)},
        "class_1_fraction": ("rel", 1e-6), "sampled_fraction": ("abs", 0.15),
        "resampled_fraction": ("abs", 0.15), "balanced_recall": ("abs", 0.1),
        "balanced_loss_last": ("abs", 0.1)},
    # the first evaluation is exact; Keras on TensorFlow's Adam updates the Embeddings'
    # IndexedSlices row by row, so training drifts apart (1% after two epochs, 8% after six)
    "tf_nmt_attention": {
        **{key: ("abs", 0) for key in (
            "context_vocab", "target_vocab", "round_trip_ok", "shifted_ok", "weights", "params",
            "history_keys", "single_matches", "export_matches", "dynamic_matches",
            "dynamic_export_matches", "start_token_ok", "attention_steps_ok")},
        "initial_val_loss": ("rel", 1e-5), "expected_loss": ("rel", 1e-6),
        "attention_row_sum_error": ("abs", 1e-6), "loss_0": ("rel", 0.02),
        "loss_1": ("rel", 0.05), "val_masked_acc": ("abs", 0.1),
        "translate_accuracy": ("abs", 0.3)},
    # dropout and the oversampled stream are each framework's own draws: levels only
    "tf_imbalanced_data": {
        **{key: ("abs", 0) for key in (
            "history_keys", "has_val_prc", "cross_entropy_is_loss", "counts_add_up",
            "tp_matches", "resampled_steps")},
        **{key: ("rel", 1e-5) for key in (
            "positive_share", "loaded_bias", "zero_bias_loss", "careful_bias_loss",
            "predict_mean")},
        **{key: ("abs", 0.05) for key in (
            "baseline_auc", "baseline_accuracy", "weighted_auc", "resampled_auc")},
        "weighted_recall": ("abs", 0.2), "resampled_recall": ("abs", 0.2),
        "resampled_batch_mean": ("abs", 0.15)},
    "tf_distributed_input": {
        **{f"{tag}loss_{epoch}": ("rel", 1e-4) for tag in ("", "fit_") for epoch in range(4)},
        **{key: ("abs", 0) for key in (
            "worker_devices", "device_is_cpu", "top_cross_replica", "top_has_replica_context",
            "top_has_strategy", "scope_cross_replica", "scope_replica_context_none",
            "run_cross_replica", "run_strategy_current", "merge_gets_strategy", "merged",
            "on_read_value", "local_results", "iterator_rows", "optional_batches",
            "optional_rows", "signature_calls", "signature_traces", "doubled_sum",
            "function_batch_shape_sum", "optimizer_steps", "loops_agree")},
        "local_sum": ("rel", 1e-6)},
    "tf_distributed_training": {
        **{f"{tag}loss_{epoch}": ("rel", 1e-4) for tag in ("", "test_", "fit_")
           for epoch in range(4)},
        **{key: ("rel", 1e-4) for key in ("iterator_loss", "epoch_function_loss",
                                          "fit_eval_loss", "fit_rate_first", "fit_rate_last")},
        **{key: ("abs", 0) for key in (
            "replicas", "regularization_terms", "optimizer_steps", "latest_is_second_save",
            "restored_steps", "final_steps", "function_dataset_rows", "local_results",
            "local_value", "mean_reduce", "in_scope_is_strategy", "has_strategy",
            "fit_weight_files")},
        **{key: ("abs", 0.02) for key in (
            "train_accuracy", "test_accuracy", "restored_accuracy", "fit_eval_accuracy")}},
    "tf_checkpoint_guide": {**{f"loss_{i}": ("rel", 1e-4) for i in range(10)},
                            **{key: ("abs", 0) for key in (
                                "first_run_step", "first_run_kept", "second_run_step",
                                "kept_checkpoints", "latest_is_last", "latest_matches_function",
                                "optimizer_iterations", "bias_restored_gap", "deferred_step",
                                "partial_step", "has_step", "step_is_int32", "loaded_step",
                                "mapped_restored", "listed_restored")}},
    # the tiled dream rolls the image by tf.random.uniform shifts, TensorFlow's and numnet's
    # streams apart: only its loss's rise is compared, loosely
    "tf_deepdream": {
        **{key: ("rel", 1e-5) for key in (
            "dream_loss_0", "dream_loss_1", "dream_loss_2", "dream_mean", "dream_changed",
            "octave_last_loss", "tiled_loss_before")},
        **{key: ("abs", 0) for key in ("dream_traces", "octave_first_height",
                                       "octave_last_width", "tiled_height", "tiled_traces")},
        "octave_mean": ("abs", 0.05), "tiled_loss_after": ("rel", 0.1)},
    # from the third step on, the total-variation run follows TensorFlow's to 5e-3 only: |x|'s
    # gradient at a tie of two pixels is 0, and float rounding decides whether a tie stays one
    "tf_style_transfer": {
        **{f"style_loss_{step}": ("rel", 1e-5) for step in range(6)},
        **{f"tv_loss_{step}": ("rel", 1e-5 if step < 2 else 5e-3) for step in range(6)},
        **{key: ("rel", 1e-5) for key in (
            "content_max", "style_block2_mean", "gram_block1_mean", "content_block3_mean",
            "image_changed", "x_deltas_abs_mean", "sobel_y_abs_mean", "sobel_x_abs_mean",
            "tv_by_hand", "tv_builtin", "tv_before")},
        "tv_after": ("rel", 5e-3), "content_height": ("abs", 0), "content_width": ("abs", 0)},
    "tf_adversarial_fgsm": {**TRAJECTORY, **{f"adv_loss_{i}": ("rel", 1e-4) for i in range(4)},
                            **{f"adv_accuracy_{i}": ("abs", 0.05) for i in range(4)},
                            **{key: ("rel", 1e-5) for key in ("image_min", "image_max")},
                            "perturbation_sum": ("abs", 4)},
    "tf_function_guide": {**TRAJECTORY, "while_sum": ("rel", 1e-6), **{key: ("abs", 0) for key in (
        "relu_traces", "eager_traces", "graph_traces", "mse", "double_traces_3",
        "double_traces_still_3", "concrete_traces", "concrete_refuses_int", "spec_traces",
        "signature_refusals", "collatz_traces", "reduced_traces", "python_argument_traces",
        "tensor_argument_traces", "vector_matrix_traces", "module_count", "while_steps",
        "train_step_traces")}},
    "tf_numpy_api": {**TRAJECTORY, **{f"keras_{key}": ("rel", 1e-5) for key in
                                      list(TRAJECTORY)[:4]}, **{key: ("abs", 0) for key in (
        "is_tensor", "promoted_to_float64", "int_literal_int64", "float_literal_float64",
        "preferred_float32", "preferred_add_float32", "numpy_add_float64",
        "mean_of_ints_float64", "sum_of_int32_int64", "basic_sum", "boolean_sum",
        "advanced_sum", "mutation_refused", "numpy_sum_is_numpy", "tnp_sum_is_tensor",
        "mixed_is_tensor", "dataset_last")},
        **{key: ("rel", 1e-5) for key in ("predict_on_ones", "gradient_w2_sum",
                                          "gradient_bias_abs", "jacobian_sum",
                                          "keras_output_sum", "numpy_labels_mean")}},
    "tf_random_numbers": {"accuracy": ("abs", 0.03), **{key: ("abs", 0) for key in (
        "global_shape_sum", "same_seed_same_stream", "other_seed_other_stream",
        "non_deterministic_dtype", "state_moved", "state_is_int64", "state_is_variable",
        "draws_differ", "uniform_in_range", "int_uniform_max", "copy_same_stream",
        "from_state_shares_variable", "shared_draws_differ", "from_state_value_same_stream",
        "reset_from_seed", "split_count", "split_streams_differ", "split_are_generators",
        "function_draws_differ", "created_once_differ", "passed_seed_1", "checkpoint_rewinds",
        "checkpoint_into_new_generator", "stateless_repeat", "stateless_other_seed",
        "split_seeds_shape_sum", "split_seeds_differ", "fold_in_repeat", "fold_in_differs",
        "experimental_split_rows", "stateless_uniform_int_max", "noise_state_moved",
        "inference_unchanged")}},
    # the actions are each library's own categorical draws: the counts and the first returns
    "ppo_cartpole": {**{key: ("abs", 0) for key in (
        "actor_params", "critic_params", "value_iterations", "policy_iterations_match",
        "critic_output_rank")},
        "lfilter_check": ("rel", 1e-9), "logprob_sum": ("rel", 1e-6),
        "first_mean_return": ("abs", 15.0)},
    # (rebuilt_alpha is not compared: Keras 3.15's Dense(lora_rank=2, lora_alpha=4) enables LoRA
    # at build with enable_lora(lora_rank), which resets lora_alpha to the rank, 2)
    "lora_finetuning": {**TRAJECTORY, **{f"pretrain_loss_{epoch}": ("rel", 1e-4)
                                         for epoch in range(4)},
                        **{key: ("abs", 0) for key in (
                            "params_before", "params_lora", "kernel_moved", "lora_weights",
                            "lora_trainable", "model_weights", "built_with_rank_trainable",
                            "built_with_rank_enabled", "rebuilt_rank", "rebuilt_enabled")},
                        "b_start_sum": ("rel", 1e-5), "before_transfer": ("abs", 0.01),
                        "after_transfer": ("abs", 0.01), "merge_gap": ("abs", 1e-5),
                        "kernel_gap": ("abs", 1e-5), "table_moved": ("abs", 0),
                        "table_gap": ("abs", 1e-5), "embedding_trainable": ("abs", 0),
                        **{f"text_loss_{epoch}": ("rel", 1e-4) for epoch in range(3)}},
    "gnn_citations": {
        **{f"{tag}_loss_{epoch}": ("rel", 1e-4) for tag in ("sum", "mean", "max")
           for epoch in range(8)},
        **{f"{tag}_{key}": ("abs", 0) for tag in ("sum", "mean", "max")
           for key in ("probe_rows", "params", "weights")},
        **{f"{tag}_test_accuracy": ("abs", 0.07) for tag in ("sum", "mean", "max")},
        "new_probability_sum": ("rel", 1e-5)},
    "gat_node_classification": {
        **{f"concat_loss_{epoch}": ("rel", 1e-4) for epoch in range(8)},
        **{f"concat_{key}": ("abs", 0) for key in (
            "output_rows", "weights", "params", "history_keys", "predict_rows")},
        "concat_test_loss": ("rel", 1e-4), "concat_test_accuracy": ("abs", 0.01),
        "concat_probability_sum": ("rel", 1e-5)},
    "sklearn_wrapper": {
        **TRAJECTORY, **{key: ("abs", 0) for key in (
            "classes", "n_features_in", "decision_columns", "decision_argmax_agrees",
            "named_is_str", "named_agrees", "binary_columns", "reg_prediction_rank",
            "given_is_cloned", "given_untouched", "given_params", "given_epochs",
            "uncompiled_refused", "transform_columns", "grid_best_rate")},
        **{key: ("abs", 1e-6) for key in (
            "train_score", "test_score", "cv_score_0", "cv_score_1", "cv_score_2",
            "pipeline_score", "binary_score", "transform_score")},
        **{key: ("rel", 1e-4) for key in (
            "pipeline_loss_5", "reg_loss_0", "reg_loss_7", "reg_r2", "grid_best_score")}},
    # Keras's beam search on TensorFlow is TensorFlow's decoder, whose scores differ from
    # Keras on JAX's (numnet's are JAX's to 1e-6): the beam's scores by their level only
    "ctc_asr": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(15)},
        **{key: ("abs", 0) for key in (
            "vocabulary_size", "spectrogram_frames", "spectrogram_bins", "label_length",
            "first_text_back", "params", "greedy_paths", "beam_paths", "beam_scores_ordered",
            "exact_first")},
        "val_loss_last": ("rel", 1e-4), "batch_loss_mean": ("rel", 1e-4),
        "greedy_score_sum": ("rel", 1e-4), "beam_score_sum": ("rel", 0.01),
        "exact_last": ("abs", 0.07), "decoded_chars": ("abs", 2),
        "beam_equals_greedy": ("abs", 0.07), "spectrogram_row_mean": ("abs", 1e-5)},
    # Keras on TensorFlow hands Adam an Embedding's gradient as IndexedSlices and squares each
    # occurrence of a repeated row before summing them (v sums g_i^2, not (sum g_i)^2); Keras
    # on JAX and numnet square the summed row (numnet's steps are JAX's to 1e-7): the losses
    # part by a few per cent within four epochs
    "memory_efficient_embeddings": {
        **{key: ("abs", 0) for key in (
            "ratings", "users", "movies", "csv_columns", "csv_first_rating",
            "csv_first_user_ok", "baseline_params", "efficient_params", "block_sizes",
            "unknown_block")},
        **{f"{name}_loss_{epoch}": ("rel", 0.1) for name in ("baseline", "efficient")
           for epoch in range(4)},
        "baseline_loss_0": ("rel", 1e-3), "qr_gap": ("abs", 1e-6)},
    # TensorFlow's noise draws, shuffle and initial weights: the exact parts and the accuracy
    "speaker_recognition": {
        **{key: ("abs", 0) for key in (
            "noise_clips", "noise_length", "decoded_shape_sum", "batch_shape_sum",
            "batch_nonnegative", "params", "checkpoint_written")},
        "fft_gap": ("abs", 1e-5), "best_val_accuracy": ("abs", 0.1),
        "evaluate_accuracy": ("abs", 0.15), "noisy_correct": ("abs", 0.25)},
    "grn_vsn_classification": {
        **TRAJECTORY, **{key: ("abs", 0) for key in (
            "feature_count", "education_is_index", "weight_positive", "params", "weights")},
        "val_loss_last": ("rel", 1e-4), "test_loss": ("rel", 1e-4),
        "test_accuracy": ("abs", 0.01), "selection_row_sum": ("abs", 1e-5)},
    # seeded draws, shuffles and dropout masks are each framework's own: the equalities
    "reproducibility_recipes": {
        **{key: ("abs", 0) for key in (
            "initializers_repeat", "seeded_objects_equal", "seeded_object_called_twice_equal",
            "unseeded_objects_equal", "int_seed_repeats", "generator_moves_on",
            "generator_starts_over", "batch_shape_sum", "history_entries_unequal",
            "history_keys", "weights_identical", "accuracy_repeats")},
        "test_accuracy": ("abs", 0.1)},
    # Keras on TensorFlow gives Adam the Embeddings' gradients as IndexedSlices and squares
    # the slices of a repeated row apart (with SGD the losses agree to 1e-7; Keras on JAX and
    # numnet square the summed row): the losses part from the first epoch on
    "ner_transformers": {
        **{key: ("abs", 0) for key in (
            "first_line_is_bytes", "first_line_fields", "batch_rows", "tokens_match_tags",
            "padding_agrees", "probe_shape_sum", "params", "val_tokens")},
        "loss_0": ("rel", 0.03)},
    # the TabTransformer's two attention blocks with LayerNormalization(epsilon=1e-6) over 8
    # values amplify float32 rounding: 1e-6 after two epochs, 4e-3 after five (the baseline
    # MLP stays within 2e-6); the column-embedding variant's constant table is each
    # framework's own random draw
    "tabtransformer": {
        **{f"baseline_loss_{epoch}": ("rel", 1e-4) for epoch in range(5)},
        **{f"plain_loss_{epoch}": ("rel", 1e-4) for epoch in range(2)},
        **{f"plain_loss_{epoch}": ("rel", 0.02) for epoch in range(2, 5)},
        **{key: ("abs", 0) for key in (
            "baseline_params", "plain_params", "column_params", "plain_layers",
            "column_layers")},
        "baseline_accuracy": ("abs", 0.01), "plain_accuracy": ("abs", 0.05)},
    # Dropout's masks are each framework's own: the counts and the accuracies
    "trainer_pattern": {
        **{key: ("abs", 0) for key in (
            "trainer_1_weights", "trainer_2_weights", "trainer_1_metrics",
            "trainer_1_history_keys", "trainer_2_history_keys", "evaluate_is_scalar",
            "evaluate_keys", "model_b_is_wrapped")},
        **{key: ("abs", 0.05) for key in (
            "trainer_1_train_accuracy", "trainer_2_train_accuracy", "trainer_1_val_accuracy",
            "trainer_2_val_accuracy", "evaluate_accuracy")},
        "trainer_predict_gap": ("abs", 1e-6)},
    # Dropout's masks are each framework's own: the exact parts and the accuracy
    "antirectifier": {
        **{key: ("abs", 0) for key in (
            "params", "weights", "history_keys", "config_initializer_is_dict",
            "config_initializer_he", "rebuilt_initializer_he",
            "loaded_layer_is_antirectifier")},
        "layer_gap": ("abs", 1e-5), "loaded_gap": ("abs", 1e-6), "rebuilt_gap": ("abs", 1e-6),
        "loss_first": ("rel", 0.05), "test_accuracy": ("abs", 0.1)},
    # the two models with Embeddings: Keras on TensorFlow's Adam squares the IndexedSlices of
    # a repeated row apart (Keras on JAX and numnet square the summed row)
    "wide_deep_cross": {
        **{f"baseline_loss_{epoch}": ("rel", 1e-4) for epoch in range(5)},
        **{f"{tag}_loss_{epoch}": ("rel", 0.05) for tag in ("wide_deep", "deep_cross")
           for epoch in range(5)},
        **{key: ("abs", 0) for key in (
            "wide_width", "deep_width", "baseline_params", "wide_deep_params",
            "deep_cross_params", "string_dtype_ok")},
        "baseline_accuracy": ("abs", 0.01), "wide_deep_accuracy": ("abs", 0.03),
        "deep_cross_accuracy": ("abs", 0.03), "one_row_probability_sum": ("abs", 1e-5)},
    "neural_decision_forests": {
        **{f"{tag}_loss_{epoch}": ("rel", 1e-4) for tag in ("tree", "forest")
           for epoch in range(6)},
        **{key: ("abs", 0) for key in (
            "encoded_width", "tree_params", "tree_weights", "tree_mask_is_weight",
            "tree_mask_sum", "forest_params", "forest_weights", "forest_trees",
            "forest_mask_rows")},
        "tree_accuracy": ("abs", 0.01), "forest_accuracy": ("abs", 0.01),
        "tree_row_sum_error": ("abs", 1e-6)},
    "vq_vae": {
        **{f"{key}_{epoch}": ("rel", 1e-4) for key in (
            "loss", "reconstruction_loss", "vqvae_loss") for epoch in range(5)},
        **{key: ("abs", 0) for key in (
            "params", "trainable_weights", "codebook_rows", "history_keys", "vq_layer_losses",
            "codes_shape_sum", "codes_in_range", "codes_by_hand_agree", "codebook_moved")},
        "test_mse": ("rel", 1e-4)},
    # the draws are TensorFlow's own; the unshuffled plain run from the saved weights is exact
    # (its evaluate goes through batch normalization's barely moved statistics, which magnify
    # rounding)
    "mixup_cutmix": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(3)},
        **{key: ("abs", 0) for key in (
            "mixup_batch", "mixup_in_range", "mixup_batches", "reloaded_equal",
            "cutmix_batch_shape_sum", "pasted_sum", "pasted_corner", "box_area_ok", "box_inside",
            "resnet_params", "resnet_penalties", "simple_test_accuracy")},
        "simple_test_loss": ("rel", 5e-3), "beta_mean": ("abs", 0.04),
        "beta_extreme_share": ("abs", 0.05), "mixup_test_accuracy": ("abs", 0.4)},
    # random flips, rotations, zooms and dropout are each framework's own: levels only
    "supervised_contrastive": {
        **{key: ("abs", 0) for key in (
            "baseline_trainable", "frozen_trainable", "encoder_trainable", "encoder_unchanged")},
        "probe_loss": ("rel", 1e-6), "normalization_mean": ("rel", 1e-5),
        "pretrain_loss_0": ("abs", 0.25), "pretrain_loss_last": ("abs", 0.25),
        "baseline_accuracy": ("abs", 0.12), "contrastive_accuracy": ("abs", 0.35)},
    # the augmentations draw from each framework's own generator: levels only
    "barlow_twins": {
        **{key: ("abs", 0) for key in (
            "view_shape_sum", "views_in_range", "views_differ", "batches", "pairs_aligned",
            "reshuffled", "twin_params", "iterations", "linear_trainable", "encoder_unchanged")},
        "grey_error": ("abs", 1e-6), "probe_loss": ("rel", 1e-5), "loss_0": ("abs", 6.0),
        "loss_last": ("abs", 10.0), "linear_loss_0": ("abs", 0.15),
        "linear_loss_last": ("abs", 0.2), "val_accuracy": ("abs", 0.35)},
    # the loss a train_step of compiled_loss logs is numnet's own (the program's docstring)
    "debugging_tips": {
        **{key: ("abs", 0) for key in (
            "bug_caught", "fixed_output_shape_sum", "printed_shapes_sum", "multi_io_params",
            "concatenated_width", "eager_steps")},
        **{key: ("rel", 1e-4) for key in (
            "plain_eval_loss", "normalized_eval_loss", "first_max_dl_dw", "first_mean_d2l_dw2",
            "last_mean_d2l_dw2", "final_rate")},
        **{f"{tag}_{key}": ("abs", 1e-6) for tag in ("plain", "normalized")
           for key in ("accuracy", "val_accuracy")},
        "first_mean_d2l_db2": ("abs", 1e-6)},
    "float8_transformer": {
        **{f"{tag}loss_{epoch}": ("rel", 1e-4) for tag in ("plain_", "") for epoch in range(6)},
        **{key: ("abs", 0) for key in (
            "params", "query_float8_variables", "query_scales_before", "float8_layers",
            "policy_names_ok", "float8_params", "query_amax_steps")},
        "plain_accuracy": ("abs", 0.01), "float8_accuracy": ("abs", 0.01),
        "query_inputs_scale": ("rel", 1e-4), "query_amax_max": ("rel", 1e-4),
        "mha_query_float8_variables": ("abs", 0), "mha_float8_weights": ("abs", 0),
        "mha_loss_0": ("rel", 1e-4), "mha_loss_1": ("rel", 1e-4)},
    # the crops, flips, noise and shuffles are each framework's own draws: levels only
    "consistency_training": {
        **{key: ("abs", 0) for key in (
            "clean_shape_sum", "same_labels", "views_differ", "teacher_epochs",
            "student_history_keys", "teacher_unchanged")},
        **{key: ("abs", 0.1) for key in (
            "teacher_accuracy", "student_accuracy_last", "student_val_accuracy",
            "student_test_accuracy")},
        "teacher_loss_first": ("abs", 0.3), "student_total_loss_last": ("abs", 0.2)},
    # the crops, flips, brightness and shuffles are each framework's own draws: levels only
    "nnclr": {
        **{key: ("abs", 0) for key in (
            "batch_size", "view_rows", "view_differs", "queue_rows", "queue_not_trainable",
            "neighbour_is_queue_row", "history_keys", "contrastive_iterations",
            "probe_iterations", "queue_replaced")},
        "c_loss_0": ("rel", 0.15), "val_p_acc": ("abs", 0.35), "finetune_val_acc": ("abs", 0.25)},
    # the same weights (a NumPy draw) and unshuffled batches: Keras's trajectory to 1e-4
    "attention_mil_classification": {
        **{key: ("abs", 0) for key in (
            "train_positive", "params", "regularization_losses", "epochs_0", "epochs_1",
            "attention_shape_sum")},
        **{f"loss_{model}_{epoch}": ("rel", 1e-4) for model in (0, 1) for epoch in range(4)},
        **{key: ("rel", 1e-4) for key in (
            "best_val_loss_0", "best_val_loss_1", "average_loss")},
        "ensemble_accuracy": ("abs", 1e-6)},
    # random crops, flips, initial weights and shuffles are each framework's own: the schedule
    # exactly, accuracy levels only. The class token, a tf.Variable made in __init__, is not
    # compared: Keras 3 on TensorFlow does not track a raw tf.Variable as the layer's weight (it
    # stays 0), where numnet's tf.Variable is its Variable and trains, as tf.keras 2's did
    "patch_convnet": {
        **{key: ("abs", 0) for key in (
            "warmup_steps", "bad_steps_refused", "history_has_top5", "history_has_val_accuracy",
            "iterations", "monitor_calls", "monitor_map_size", "logits_shape_sum",
            "viz_shape_sum")},
        **{key: ("rel", 1e-6) for key in ("lr_3", "lr_peak", "lr_23")},
        "accuracy_last": ("abs", 0.2), "test_top1": ("abs", 0.35),
        "monitor_weight_sum": ("abs", 0.1)},
    # initial weights, dropout and tf.data's shuffle are each framework's own: levels only
    "text_generation_fnet": {
        **{key: ("abs", 0) for key in (
            "vocabulary_size", "decoder_input_width", "causal_mask_sum", "encoder_params",
            "decoder_got_mask", "fft2_is_float32")},
        "loss_0": ("rel", 0.15), "val_accuracy_last": ("abs", 0.12)},
    # the curve fit is deterministic (Keras's numbers to 1e-4); the subsets, augmentations and
    # initial weights are each framework's own draws: accuracy levels only
    "sample_size_estimate": {
        **{key: ("abs", 0) for key in (
            "train_shape_sum", "clone_layer_names_equal", "built_trainable",
            "built_non_trainable", "backbone_layers_inlined", "pretrained_weights_copied",
            "own_sizes_sum", "unfrozen_trainable")},
        **{key: ("rel", 1e-4) for key in (
            "curve_a", "curve_b", "predicted_accuracy", "curve_mae", "final_cost")},
        "own_mean_accuracy": ("abs", 0.3), "full_accuracy": ("abs", 0.1)},
    # the same NumPy-drawn weights: evaluate before training is Keras's to 1e-4; fit shuffles
    "tensorflow_numpy_models": {
        **{key: ("abs", 0) for key in (
            "subclass_weights", "subclass_params", "mixed_params", "replicas", "log_dirs")},
        **{f"{name}_{kind}_before": ("rel", 1e-4)
           for name in ("subclass", "tnp_loss", "layered", "mixed", "strategy")
           for kind in ("loss", "error")}},
    # structure only: the penalty takes tf.norm of input gradients that are exactly zero for
    # atoms a ReLU switched off, where TensorFlow's derivative of the norm is NaN (so Keras's
    # losses are NaN from the first step) and numnet's is 0, as torch.linalg.norm's
    "molecule_generation": {key: ("abs", 0) for key in (
        "adjacency_one_hot", "conv_weights", "decoder_outputs", "encoder_params",
        "history_keys", "iterations", "generated", "generated_shape_sum", "no_self_loops",
        "features_one_hot_generated", "z_mean_shape_sum")},
    # the same NumPy weights, unshuffled batches: both runs follow Keras's losses to 1e-4
    "gradient_centralization": {
        **{f"{run}_loss_{epoch}": ("rel", 1e-4) for run in ("no_gc", "gc") for epoch in range(4)},
        **{key: ("rel", 1e-4) for key in ("no_gc_eval_loss", "gc_eval_loss")},
        **{key: ("abs", 0) for key in ("epochs_timed_no_gc", "epochs_timed_gc")},
        **{key: ("abs", 1e-6) for key in (
            "no_gc_accuracy", "gc_accuracy", "plain_bias_step_sum", "plain_kernel_step_size",
            "gc_bias_step_gap", "gc_kernel_step_gap")}},
    # the same NumPy weights: the predictions, the loss and the node states before training
    # are TensorFlow's to 1e-4; training has Dropout, so then the AUCs within a few points
    "mpnn_molecular_graphs": {
        **{key: ("abs", 0) for key in (
            "atom_dim", "bond_dim", "positive_fraction", "params", "batches", "predictions")},
        **{key: ("rel", 1e-4) for key in (
            "initial_prediction_sum", "initial_loss", "node_state_abs_sum",
            "edge_message_abs_sum")},
        "edge_message_gap": ("abs", 1e-5), "train_auc": ("abs", 0.1), "val_auc": ("abs", 0.1),
        "test_auc": ("abs", 0.2)},
    # the same NumPy weights, unshuffled batches: Keras's ten losses to 1e-4, the bicubic
    # saliency of the trained model's class attention too; the dropped samples differ
    "cait_class_attention": {
        **{f"loss_{epoch}": ("rel", 1e-4) for epoch in range(10)},
        **{key: ("abs", 0) for key in (
            "logits_shape_sum", "num_patches", "sa_blocks", "ca_blocks", "sa_scores_shape_sum",
            "ca_scores_shape_sum", "ca_block_outputs", "layer_scale_weights",
            "class_attn_layers", "talking_head_layers", "params", "heads_map_shape_sum",
            "saliency_shape_sum", "dropped_values_max")},
        "test_loss": ("rel", 1e-3), "saliency_sum": ("rel", 1e-3),
        "ca_scores_row_sum": ("abs", 1e-5), "kept_values_gap": ("abs", 1e-6),
        "test_accuracy": ("abs", 0.03), "train_accuracy": ("abs", 0.03),
        "kept_fraction": ("abs", 0.1)},
    # the same NumPy weights and batches: TensorFlow's losses to 1e-4; the 100 detections are
    # picked among scores that differ in the eighth digit, so their sum to 1e-3; the flips
    # follow each library's random draws
    "retinanet_detection": {
        **{key: ("rel", 1e-4) for key in (
            "loss_0", "loss_1", "loss_2", "val_loss_last", "max_score")},
        **{key: ("abs", 0) for key in (
            "num_anchors", "first_batch_shape_sum", "first_labels_shape_sum",
            "predictions_shape_sum", "first_positives", "first_ignored", "encoded_positives",
            "epoch_1_differs", "num_detections", "model_detections", "boxes_ordered",
            "classes_in_range")},
        **{key: ("abs", 1e-6) for key in (
            "iou_overlap", "iou_apart", "focal_sum", "smooth_l1", "round_trip_gap", "flip_gap",
            "reload_gap", "model_scores_gap")},
        "scores_sum": ("rel", 1e-3), "flips_seen": ("abs", 6)},
    # the same NumPy weights: the frame features and the loss before training are
    # TensorFlow's, and so are the end-to-end model's losses (no Dropout, unshuffled); the
    # sequence model trains with Dropout, so its accuracy within a few videos
    "video_classification": {
        **TRAJECTORY,
        **{key: ("abs", 0) for key in (
            "vocabulary_size", "first_label", "mask_sum", "frame_width", "extractor_params",
            "sequence_params", "e2e_params")},
        **{key: ("rel", 1e-4) for key in ("features_sum", "initial_loss")},
        "masked_gap": ("abs", 1e-6), "test_accuracy": ("abs", 0.25),
        "e2e_accuracy": ("abs", 0.1)},
    # the seeded walks and skip-grams are TensorFlow's pair for pair, and the loss before
    # training from the NumPy embeddings; the shuffled batches differ, then the fit within 2%
    "node2vec_graph_embeddings": {
        **{key: ("abs", 0) for key in (
            "graph_nodes", "graph_edges", "walks", "examples", "positive_examples",
            "weights_sum", "batches", "embeddings_rows", "self_is_nearest", "tsv_rows",
            "tsv_columns")},
        "initial_loss": ("rel", 1e-4), "loss_last": ("rel", 0.02),
        "same_genre_precision": ("abs", 0.2)},
    # the crops, flips and masks are each library's random draws: the shapes, the patches'
    # round trip and the schedule exactly, the reconstruction errors and the probe within a
    # margin; not the "loss" of the custom train_step: Keras on TensorFlow's compiled_metrics
    # shim updates every Mean in model.metrics with y_pred, its loss tracker too, so its
    # "loss" is the mean of the decoder's patches
    "masked_autoencoder": {
        **{key: ("abs", 0) for key in (
            "num_patches", "patch_area", "unmasked_shape_sum", "masked_shape_sum",
            "indices_cover_all", "kept_patches", "masked_image_shape_sum", "monitor_calls",
            "monitor_shape_sum", "history_keys", "probe_trainable_weights",
            "probe_frozen_layers")},
        **{key: ("abs", 1e-7) for key in (
            "round_trip_gap", "lr_first", "lr_peak", "lr_at_warmup_end", "lr_after_total")},
        **{key: ("rel", 0.25) for key in ("mae_first", "mae_last", "test_mae")},
        "probe_accuracy": ("abs", 0.15)},
    # the same NumPy weights, codes and noises: TensorFlow's images, scores and critic losses
    "stylegan_blocks": {
        **TRAJECTORY,
        **{key: ("abs", 0) for key in (
            "mapping_output_shape_sum", "generator_inputs", "image_shape_sum",
            "image_4_shape_sum", "images_in_range", "minibatch_std_channels",
            "minibatch_std_groups", "discriminator_params")},
        **{key: ("rel", 1e-4) for key in ("image_sum", "image_abs_sum", "score_sum_before")},
        **{key: ("abs", 1e-4) for key in ("real_minus_fake_before", "real_minus_fake_after")},
        **{key: ("abs", 1e-5) for key in (
            "fade_gap", "old_is_upsampled", "pixel_norm_gap", "equalized_conv_gap")}},
    # the same NumPy weights, unshuffled batches: the teacher's losses and the distilled
    # student's predictions are TensorFlow's (the trackers are not compared: Keras on
    # TensorFlow's compiled_metrics shim also feeds every Mean metric the predictions)
    "deit_distillation": {
        **{key: ("abs", 0) for key in (
            "inference_shape_sum", "training_outputs", "student_params", "student_weights",
            "metrics_names", "history_has_trackers")},
        **{key: ("rel", 1e-4) for key in (
            "teacher_loss_0", "teacher_loss_5", "val_prediction_sum", "val_prediction_abs_sum")},
        **{key: ("abs", 0.03) for key in (
            "teacher_accuracy", "student_accuracy", "agrees_with_teacher",
            "train_accuracy_last")}},
    # the same NumPy weights and poses: TensorFlow's rays, encodings and rendering without
    # jitter; the training draws its jitter with tf.random and shuffles, so loosely
    "nerf_volume_rendering": {
        **{key: ("abs", 0) for key in (
            "rays_flat_width", "rays_per_image", "t_vals_shape_sum", "rgb_shape_sum",
            "depth_shape_sum", "rgb_in_range", "depth_in_range", "mlp_params", "history_keys")},
        **{key: ("abs", 1e-6) for key in ("origin_gap",)},
        **{key: ("rel", 1e-5) for key in (
            "direction_sum", "direction_abs_sum", "encoded_sum", "rgb_sum_before",
            "depth_sum_before", "mse_before")},
        **{key: ("rel", 0.15) for key in ("loss_first", "loss_last", "val_loss_last",
                                          "mse_after")},
        **{key: ("abs", 1.0) for key in ("psnr_first", "psnr_last")}},
    # the same NumPy weights: TensorFlow's pitch loss batch by batch and the ratio of the
    # weighted loss to the unweighted one (Keras on TensorFlow's evaluate and fit report
    # 11/12 of the mean of the 11 batches of this dataset of unknown length, so the losses
    # themselves are compared only loosely); the training shuffles
    "tf_music_generation_rnn": {
        **{key: ("abs", 0) for key in (
            "num_sequences", "sequence_shape_sum", "label_keys", "first_label_pitch",
            "scaled_pitch_first", "output_names", "params", "generated_notes",
            "steps_non_negative", "end_after_start")},
        **{key: ("rel", 1e-5) for key in ("pitch_loss_by_batches", "weighted_to_unweighted")},
        **{key: ("rel", 0.12) for key in ("loss_before", "pitch_loss_before")},
        **{key: ("rel", 0.35) for key in ("loss_last", "trained_loss")},
        "epochs_run": ("abs", 2)},
    # the same NumPy backbone and images: TensorFlow's features, untrained loss and schedule;
    # the fine-tuning draws flips, crops and a shuffle, so loosely
    "bit_fine_tuning": {
        **{key: ("abs", 0) for key in (
            "num_train_examples", "repeat_count", "sample_shape_sum", "trainable_weights",
            "non_trainable_weights", "accuracy_before")},
        **{key: ("rel", 1e-5) for key in ("feature_sum", "feature_abs_sum", "loss_before")},
        **{f"lr_at_{step}": ("rel", 1e-6) for step in (0, 24, 25, 36, 37, 48, 49, 100)},
        "epochs_run": ("abs", 4), "iterations": ("abs", 24), "loss_first": ("rel", 0.6),
        "best_val_accuracy": ("abs", 0.1), "accuracy": ("abs", 10.0)},
    # the same NumPy weights, images and noise: TensorFlow's schedule tables, diffusion,
    # posterior, U-Net prediction and reverse step at t = 0; the training draws its time
    # steps and noise with tf.random, so loosely
    "ddpm_diffusion": {
        **{key: ("abs", 0) for key in (
            "network_params", "network_inputs", "posterior_variance_first", "coef2_first",
            "step_at_zero_in_range", "epochs_seen", "history_loss", "batches_seen",
            "generated_shape_sum", "generated_in_range")},
        **{key: ("rel", 1e-5) for key in (
            "alphas_cumprod_last", "coef1_first", "coef_sum", "x_t_sum", "x_t_abs_sum",
            "mean_sum", "variance_sum", "log_variance_sum", "posterior_mean_sum",
            "posterior_var_sum", "pred_noise_abs_sum", "step_at_zero_sum")},
        "pred_noise_sum": ("rel", 1e-4), "recovered_gap": ("abs", 1e-6),
        **{key: ("rel", 0.2) for key in ("loss_first", "loss_last")},
        "ema_over_network_moved": ("abs", 0.1)},
    # the same NumPy weights and images: TensorFlow's encoder and predictor outputs and the
    # SimSiam loss between them; the augmentations draw with tf.random, so the training loosely
    "simsiam": {
        **{key: ("abs", 0) for key in (
            "view_shape_sum", "views_in_range", "views_differ", "encoder_params",
            "predictor_params", "encoder_losses", "ssl_epochs", "backbone_width",
            "linear_trainable_weights")},
        **{key: ("rel", 1e-5) for key in ("z_sum", "z_abs_sum", "p_abs_sum", "loss_fixed")},
        **{key: ("abs", 1e-6) for key in ("loss_self", "lr_end", "lr_middle")},
        "ssl_loss_first": ("abs", 0.1), "ssl_loss_last": ("abs", 0.2),
        "test_accuracy": ("abs", 0.2)},
    # the same NumPy weights, images and flips (np.random): Keras's predictions and loss
    # before training; the head's Dropout draws differ, so the training loosely
    "keypoint_detection": {
        **{key: ("abs", 0) for key in (
            "train_batches", "validation_batches", "keypoint_shape_sum", "keypoints_in_unit",
            "output_shape_sum", "params", "trainable_weights", "prediction_shape_sum")},
        **{key: ("rel", 1e-5) for key in ("prediction_sum_before", "loss_before")},
        "prediction_abs_gap_before": ("rel", 1e-4),
        **{key: ("rel", 0.2) for key in ("loss_first", "loss_last", "val_loss_last")},
        "pixel_error": ("rel", 0.3)},
    # the same NumPy weights and inputs: TensorFlow's untrained predictions; the training
    # shuffles and drops units, so loosely
    "multimodal_entailment": {
        **{key: ("abs", 0) for key in (
            "feature_items", "text_keys", "image_batch_shape_sum", "model_inputs", "params",
            "trainable_weights", "non_trainable_weights", "prediction_rows_sum_to_one")},
        **{key: ("rel", 1e-5) for key in (
            "prediction_sum_class_0", "prediction_abs_sum_weighted")},
        "loss_first": ("rel", 0.15), "loss_last": ("rel", 0.4), "accuracy": ("abs", 0.2)},
    # the same NumPy weights, masks, images and latents: Keras's generated images,
    # discriminator maps, losses, SPADE and ResBlock outputs, and the generator's first epoch
    # on unshuffled batches; the SPADE normalizations (batch statistics of few pixels) grow
    # float32 rounding from epoch to epoch (SGD as Adam), so the later epochs to 1e-3
    "gaugan_spade": {
        **{key: ("abs", 0) for key in (
            "mean_shape_sum", "latent_shape_sum", "fake_shape_sum", "fake_in_range",
            "discriminator_outputs", "last_map_shape_sum", "spade_weights",
            "resblock_learned_skip", "resblock_weights", "generator_params",
            "discriminator_params")},
        **{key: ("rel", 1e-5) for key in (
            "fake_sum", "fake_abs_sum", "loss_real", "loss_fake", "generator_loss", "kl_loss",
            "feature_matching_loss", "spade_sum", "spade_abs_sum", "resblock_abs_sum",
            "fake_score_sum", "loss_0")},
        "real_score_sum": ("rel", 1e-4),
        **{f"loss_{epoch}": ("rel", 1e-3) for epoch in range(1, 6)}},
    # the same NumPy weights and unshuffled batches: TensorFlow's loss before training; Keras
    # on TensorFlow's Adam squares the Embedding's IndexedSlices gradient slice by slice
    # before the repeated words' slices are summed (v larger than Adam's for <start>, in every
    # row), where Keras on JAX and numnet square the summed dense gradient, so the training
    # follows TensorFlow's to 10%
    "tf_image_captioning_attention": {
        **{key: ("abs", 0) for key in (
            "encoder_weights", "decoder_weights", "decoder_params", "checkpoints",
            "save_counter", "attention_rows", "checkpoint_files")},
        "initial_loss": ("rel", 1e-5),
        **{f"loss_{epoch}": ("rel", 0.1) for epoch in range(20)},
        "restored_logit_sum": ("rel", 0.05), "first_batch_loss_last": ("rel", 0.3),
        "correct_words": ("abs", 8)},
}

# Programs with no Keras comparison, and why.
NOT_COMPARED = {
    "researchers_vae_hypernetwork": "the guide's hypernetwork sets Dense.kernel and .bias to "
                                    "tensors, as tf.keras 2 allowed; Keras 3 makes kernel a "
                                    "read-only property",
    "saving_formats": "it saves numnet's own .numnet format, which Keras does not have; "
                      "Keras's .keras and .h5 files are checked in test_keras_files.py",
}

# Programs that need an optional package to run at all (under numnet too), and why.
NEEDS_MODULE = {
    "mixed_precision": ("ml_dtypes", "the program builds a layer with dtype='mixed_bfloat16', "
                                     "and bfloat16 on NumPy needs ml_dtypes (pip install "
                                     "ml_dtypes)"),
    "float8_transformer": ("ml_dtypes", "float8 training rounds through ml_dtypes's "
                                        "float8_e4m3fn and float8_e5m2 (pip install "
                                        "ml_dtypes)"),
    "tf_pandas_dataframe": ("pandas", "the tutorial reads its CSV into a pandas DataFrame and "
                                      "feeds the frame and dict(df) (pip install pandas)"),
    "sklearn_wrapper": ("sklearn", "the program hands Keras models to scikit-learn's "
                                   "cross_val_score, Pipeline and GridSearchCV (pip install "
                                   "scikit-learn)"),
}

# Programs whose Keras run needs TensorFlow although they import only keras.
NEEDS_TENSORFLOW = {
    "miniature_gpt": "Keras on JAX cannot trace ops.tile with repeats computed by ops (the "
                     "causal mask's multiples): 'parameters to jaxpr equations must have "
                     "__hash__'",
    "standardized_conv": "Keras 3.15 on JAX cannot build it: Conv2D.call hands the kernel "
                         "Variable to convolution_op, and ops.moments of it fails while the "
                         "model is traced ('Triggering __jax_array__() during abstractification "
                         "is no longer supported')",
    "customer_lifetime_value": "Keras builds StringLookup on TensorFlow",
    "structured_data": "Keras builds StringLookup and IntegerLookup on TensorFlow",
    "timeseries_weather": "Keras's timeseries_dataset_from_array returns a tf.data.Dataset",
    "unet_segmentation": "the softmax saturates below 1e-7 on some pixels: Keras on TensorFlow "
                         "takes the cross-entropy from the softmax's logits, as numnet does, "
                         "where Keras on JAX clips the probabilities",
    "mpnn_molecular_graphs": "Keras on JAX cannot build it (as the example, which sets "
                             "KERAS_BACKEND=tensorflow): it traces the batch as 83 and 89 "
                             "rows, and the GRUCell adds the 160 rows of ops.segment_sum("
                             "num_segments=BATCH_SIZE * MAX_ATOMS) to them",
    "video_classification": "Keras builds StringLookup on TensorFlow",
    "stylegan_blocks": "Keras on JAX cannot jit MinibatchStd in fit: ops.minimum(group_size, "
                       "batch) is a tracer that the reshape's shape refuses (the example "
                       "trains on TensorFlow)",
}

# Programs that fail under numnet today, each for the numnet defect named here. The xfail is
# strict: the day the defect is fixed, the test says so and the row can go.
FAILS = {
    "lambda_schedule_saving": "model.save to a .keras file refuses the Python lambda of the "
                              "'halve' layer, by design: Keras writes its bytecode for "
                              "load_model(safe_mode=False) to run, and numnet never writes or "
                              "runs code from a file (its registered functions are written and "
                              "read by name, as Keras's: tests/test_keras_lambda_files.py)",
}


# Programs that run under numnet but do not yet agree with Keras, for the numnet defect named.
DIFFERS_FROM_KERAS: dict[str, str] = {}


def _params():
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=FAILS[name], strict=True))
        if name in FAILS else name
        for name in sorted(EXPECTED)
    ]


def as_keras(text: str) -> str:
    """The program as the guide wrote it: numnet's imports turned back into keras's and
    tensorflow's. Only import lines change."""
    text = re.sub(r"^import numnet as keras$", "import keras", text, flags=re.M)
    text = re.sub(r"^import numnet as tf$", "import tensorflow as tf", text, flags=re.M)
    text = re.sub(r"^from numnet\.keras((?:\.\w+)*) import", r"from tensorflow.keras\1 import",
                  text, flags=re.M)
    return re.sub(r"^from numnet((?:\.\w+)*) import", r"from keras\1 import", text, flags=re.M)


def uses_tensorflow(name: str) -> bool:
    text = (PROGRAMS / f"{name}.py").read_text(encoding="utf-8")
    return "import tensorflow" in as_keras(text) or "tensorflow." in as_keras(text)


def _check_result(result) -> dict:
    assert isinstance(result, dict) and result, f"RESULT must be a non-empty dict: {result!r}"
    for key, value in result.items():
        assert isinstance(value, float) and math.isfinite(value), (key, value)
    return result


_NUMNET_RESULTS: dict[str, dict] = {}


def run_under_numnet(name: str, directory: Path) -> dict:
    if name not in _NUMNET_RESULTS:
        cwd = os.getcwd()
        os.chdir(directory)
        try:
            namespace = runpy.run_path(str(PROGRAMS / f"{name}.py"), run_name="__main__")
        finally:
            os.chdir(cwd)
        _NUMNET_RESULTS[name] = _check_result(namespace.get("RESULT"))
    return _NUMNET_RESULTS[name]


def test_every_program_is_listed():
    programs = sorted(path.stem for path in PROGRAMS.glob("*.py"))
    assert len(programs) >= 18
    assert programs == sorted(EXPECTED)
    assert set(KERAS_TOLERANCE) | set(NOT_COMPARED) == set(EXPECTED)
    assert not set(KERAS_TOLERANCE) & set(NOT_COMPARED)
    assert set(FAILS) | set(NEEDS_TENSORFLOW) | set(DIFFERS_FROM_KERAS) <= set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_program_changes_only_its_imports(name):
    """numnet appears only in import lines, each of a form that maps back to Keras's."""
    text = (PROGRAMS / f"{name}.py").read_text(encoding="utf-8")
    numnet_lines = [line for line in text.splitlines() if "numnet" in line]
    allowed = re.compile(r"^(import numnet as (keras|tf)|from numnet(\.keras)?(\.\w+)* import .+)$")
    for line in numnet_lines:
        if line.startswith(("import ", "from ")):
            assert allowed.match(line), line
    translated = as_keras(text)
    assert "import numnet" not in translated and "from numnet" not in translated
    assert translated.count("\n") == text.count("\n")


@pytest.mark.parametrize("name", _params())
def test_program_runs_under_numnet(name, tmp_path):
    if name in NEEDS_MODULE:
        pytest.importorskip(NEEDS_MODULE[name][0], reason=NEEDS_MODULE[name][1])
    result = run_under_numnet(name, tmp_path)
    for metric, (lowest, highest) in EXPECTED[name].items():
        assert metric in result, (metric, sorted(result))
        value = result[metric]
        if callable(lowest):
            lowest = lowest(result)
        if callable(highest):
            highest = highest(result)
        assert lowest is None or value >= lowest, (metric, value, lowest, result)
        assert highest is None or value <= highest, (metric, value, highest, result)


_DRIVER = """
import json, runpy, sys
namespace = runpy.run_path(sys.argv[1], run_name="__main__")
print("RESULT_JSON:" + json.dumps(namespace["RESULT"]))
"""


def run_under_keras(name: str, directory: Path, backend: str) -> dict:
    script = directory / f"{name}.py"
    script.write_text(as_keras((PROGRAMS / f"{name}.py").read_text(encoding="utf-8")),
                      encoding="utf-8")
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    completed = subprocess.run([sys.executable, "-c", _DRIVER, str(script)], cwd=directory,
                               env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-4000:]
    line = [row for row in completed.stdout.splitlines() if row.startswith("RESULT_JSON:")][-1]
    return json.loads(line[len("RESULT_JSON:"):])


def _keras_params():
    params = []
    for name in sorted(EXPECTED):
        if name in NOT_COMPARED:
            marks = [pytest.mark.skip(reason=NOT_COMPARED[name])]
        elif name in FAILS or name in DIFFERS_FROM_KERAS:
            reason = FAILS.get(name) or DIFFERS_FROM_KERAS[name]
            marks = [pytest.mark.xfail(reason=reason, strict=True)]
        else:
            marks = []
        params.append(pytest.param(name, marks=marks))
    return params


@pytest.mark.cpu_only
@pytest.mark.parametrize("name", _keras_params())
def test_program_matches_keras(name, tmp_path):
    keras_dir = tmp_path / "keras"
    keras_dir.mkdir()
    if uses_tensorflow(name) or name in NEEDS_TENSORFLOW:
        pytest.importorskip(
            "tensorflow", reason=NEEDS_TENSORFLOW.get(name, "the program uses TensorFlow's "
                                                          "names (tf.GradientTape, tf.data)"))
        backend = "tensorflow"
    else:
        backend = "jax"
        pytest.importorskip("jax")
    os.environ.setdefault("KERAS_BACKEND", backend)
    pytest.importorskip("keras")
    ours = run_under_numnet(name, tmp_path)
    theirs = run_under_keras(name, keras_dir, backend)
    for metric, (kind, tolerance) in KERAS_TOLERANCE[name].items():
        if metric not in ours and metric.endswith(tuple(TRAJECTORY)):
            continue
        value, reference = ours[metric], theirs[metric]
        allowed = tolerance * (abs(reference) if kind == "rel" else 1.0)
        assert abs(value - reference) <= allowed, (metric, value, reference, kind, tolerance)
