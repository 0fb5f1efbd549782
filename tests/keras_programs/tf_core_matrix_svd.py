"""After the TensorFlow guide "Matrix approximation with Core APIs": the singular value
decomposition with tf.linalg.svd (s, U, V), its reconstruction by tf.linalg.diag and
matmul and by tf.einsum('s,us,vs -> uv'), rank-r approximations of a matrix and of a batch of
matrices ('...s,...us,...vs->...uv') with their sizes from tf.size, and SVD image compression:
a uint8 image divided by 255, moved channels-first with tf.transpose, approximated per colour
channel, clipped with tf.clip_by_value; a rank chosen from a compression factor and one chosen
from the energy of the singular values (tf.map_fn of tf.cumsum over the channels, tf.argmin,
a tensor rank used to slice and to index); the Frobenius error against the singular values
left out (tf.norm).

The guide downloads a 1024 x 1024 photo; here the image is a 64 x 48 picture of smooth
colour bands, a disc and noise, made with NumPy. The plots are left out.
"""

import numpy as np

import numnet as tf

rng = np.random.default_rng(22)

A = tf.constant(rng.uniform(0.0, 1.0, size=(40, 30)).astype("float32"))
# Compute the SVD factorization
s, U, V = tf.linalg.svd(A)
# Define Sigma and V Transpose
S = tf.linalg.diag(s)
V_T = tf.transpose(V)
# Reconstruct the original matrix
A_svd = U @ S @ V_T
matmul_gap = float(tf.reduce_max(tf.abs(A_svd - A)))
A_svd = tf.einsum('s,us,vs -> uv', s, U, V)
einsum_gap = float(tf.reduce_max(tf.abs(A_svd - A)))
orthogonality_gap = float(tf.reduce_max(tf.abs(tf.transpose(U) @ U - tf.eye(30))))


def rank_r_approx(s, U, V, r, verbose=False):
    # Compute the matrices necessary for a rank-r approximation
    s_r, U_r, V_r = s[..., :r], U[..., :, :r], V[..., :, :r]  # ... any number of batch axes
    # Compute the low-rank approximation and its size
    A_r = tf.einsum('...s,...us,...vs->...uv', s_r, U_r, V_r)
    A_r_size = tf.size(U_r) + tf.size(s_r) + tf.size(V_r)
    if verbose:
        print(f"Approximation Size: {A_r_size}")
    return A_r, A_r_size


def viz_approx(A, A_r):
    # The guide plots A, A_r and |A - A_r|; here their ranges
    vmin, vmax = 0, tf.reduce_max(A)
    mats = [A, A_r, abs(A - A_r)]
    return [float(tf.reduce_max(mat)) for mat in mats], float(vmax) - vmin


print(f"Original Size of A: {tf.size(A)}")
s, U, V = tf.linalg.svd(A)
# Rank-15 approximation
A_15, A_15_size = rank_r_approx(s, U, V, 15, verbose=True)
ranges_15, vrange = viz_approx(A, A_15)
# Rank-3 approximation
A_3, A_3_size = rank_r_approx(s, U, V, 3, verbose=True)
ranges_3, _ = viz_approx(A, A_3)

# The image: smooth colour bands, a bright disc and a little noise, 64 x 48 x 3 uint8
rows, columns = np.mgrid[0:64, 0:48]
disc = ((rows - 30) ** 2 + (columns - 20) ** 2 < 150).astype("float64")
red = 120 + 80 * np.sin(rows / 9.0) + 60 * disc
green = 100 + 70 * np.cos(columns / 7.0) + 90 * disc
blue = 90 + 40 * np.sin((rows + columns) / 11.0) - 50 * disc
I = np.stack([red, green, blue], axis=-1) + rng.normal(0.0, 6.0, size=(64, 48, 3))
I = np.clip(I, 0, 255).astype("uint8")
print("Input Image Shape:", I.shape)


def compress_image(I, r, verbose=False):
    # Compress an image with the SVD given a rank
    I_size = tf.size(I)
    print(f"Original size of image: {I_size}")
    # Compute SVD of image
    I = tf.convert_to_tensor(I) / 255
    I_batched = tf.transpose(I, [2, 0, 1])  # einops.rearrange(I, 'h w c -> c h w')
    s, U, V = tf.linalg.svd(I_batched)
    # Compute low-rank approximation of image across each RGB channel
    I_r, I_r_size = rank_r_approx(s, U, V, r)
    I_r = tf.transpose(I_r, [1, 2, 0])  # einops.rearrange(I_r, 'c h w -> h w c')
    I_r_prop = (I_r_size / I_size)
    if verbose:
        # Display compressed image and attributes
        print(f"Number of singular values used in compression: {r}")
        print(f"Compressed image size: {I_r_size}")
        print(f"Proportion of original size: {I_r_prop:.3f}")
        shown = tf.clip_by_value(I_r, 0., 1.)
        error = tf.clip_by_value(0.5 + abs(I - I_r), 0., 1.)
        print(f"Shown range: {float(tf.reduce_min(shown)):.3f} .. "
              f"{float(tf.reduce_max(shown)):.3f}, error mean {float(tf.reduce_mean(error)):.4f}")
    return I_r, I_r_prop


I_20, I_20_prop = compress_image(I, 20, verbose=True)
I_10, I_10_prop = compress_image(I, 10, verbose=True)
I_2, I_2_prop = compress_image(I, 2, verbose=True)


def image_error(I_r):
    return float(tf.reduce_mean(tf.abs(tf.convert_to_tensor(I) / 255 - I_r)))


def compress_image_with_factor(I, compression_factor, verbose=False):
    # Returns a compressed image based on a desired compression factor
    m, n, o = I.shape
    r = int((compression_factor * m * n) / (m + n + 1))
    I_r, I_r_prop = compress_image(I, r, verbose=verbose)
    return I_r


compression_factor = 0.15
I_r_factor = compress_image_with_factor(I, compression_factor, verbose=True)


def viz_energy(I):
    # The energy captured based on rank (the guide plots it)
    # Computing SVD
    I = tf.convert_to_tensor(I) / 255
    I_batched = tf.transpose(I, [2, 0, 1])
    s, U, V = tf.linalg.svd(I_batched)
    # Average proportion across RGB channels
    props_rgb = tf.map_fn(lambda x: tf.cumsum(x) / tf.reduce_sum(x), s)
    props_rgb_mean = tf.reduce_mean(props_rgb, axis=0)
    return props_rgb_mean


props_rgb_mean = viz_energy(I)


def compress_image_with_energy(I, energy_factor, verbose=False):
    # Returns a compressed image based on a desired energy factor
    # Computing SVD
    I_rescaled = tf.convert_to_tensor(I) / 255
    I_batched = tf.transpose(I_rescaled, [2, 0, 1])
    s, U, V = tf.linalg.svd(I_batched)
    # Extracting singular values
    props_rgb = tf.map_fn(lambda x: tf.cumsum(x) / tf.reduce_sum(x), s)
    props_rgb_mean = tf.reduce_mean(props_rgb, axis=0)
    # Find closest r that corresponds to the energy factor
    r = tf.argmin(tf.abs(props_rgb_mean - energy_factor)) + 1
    actual_ef = props_rgb_mean[r]
    I_r, I_r_prop = compress_image(I, r, verbose=verbose)
    print(f"Proportion of energy captured by the first {r} singular values: {actual_ef:.3f}")
    return I_r, r, actual_ef, I_r_prop


energy_factor = 0.75
I_r_energy, energy_rank, actual_ef, energy_prop = compress_image_with_energy(
    I, energy_factor, verbose=True)

s, U, V = tf.linalg.svd(A)
A_10, A_10_size = rank_r_approx(s, U, V, 10)
squared_norm = tf.norm(A - A_10)**2
s_squared_sum = tf.reduce_sum(s[10:]**2)
print(f"Squared Frobenius norm: {squared_norm:.3f}")
print(f"Sum of squared singular values left out: {s_squared_sum:.3f}")

RESULT = {
    "singular_values": float(s.shape[0]), "u_rows": float(U.shape[0]),
    "u_columns": float(U.shape[1]), "v_rows": float(V.shape[0]),
    "sigma_rows": float(S.shape[0]), "sorted": float(np.all(np.diff(s.numpy()) <= 0)),
    "largest_singular_value": float(s[0]), "smallest_singular_value": float(s[-1]),
    "matmul_gap": matmul_gap, "einsum_gap": einsum_gap, "orthogonality_gap": orthogonality_gap,
    "size_15": float(A_15_size), "size_3": float(A_3_size),
    "error_15": ranges_15[2], "error_3": ranges_3[2], "vrange": vrange,
    "image_is_uint8": float(tf.convert_to_tensor(I).dtype == tf.uint8),
    "scaled_is_float32": float((tf.convert_to_tensor(I) / 255).dtype == tf.float32),
    "size_is_int32": float(tf.size(I).dtype == tf.int32),
    "prop_20": float(I_20_prop), "prop_10": float(I_10_prop), "prop_2": float(I_2_prop),
    "image_error_20": image_error(I_20), "image_error_10": image_error(I_10),
    "image_error_2": image_error(I_2), "approx_shape_matches": float(I_20.shape == I.shape),
    "factor_rank_prop": float(tf.size(I_r_factor) == tf.size(I)),
    "energy_length": float(props_rgb_mean.shape[0]),
    "energy_last": float(props_rgb_mean[-1]), "energy_rank": float(energy_rank),
    "energy_captured": float(actual_ef), "energy_prop": float(energy_prop),
    "squared_norm": float(squared_norm), "s_squared_sum": float(s_squared_sum),
}
print(RESULT)
