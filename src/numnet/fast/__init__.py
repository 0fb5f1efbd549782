"""numnet's fast path: every compiled kernel and every shortcut past the tape, in one place.

What it holds, and the floor each module sits on (ARCHITECTURE.md draws the floors):

- ``updates`` (floor 1): the switch (``set_enabled``, ``is_available``; the ``NUMNET_FUSED``
  environment variable), numba's import, the worker threads, and each optimizer's update rule
  compiled as one loop over memory; ``updates_cuda`` its GPU kernels.
- ``threads`` (floor 1): the BLAS thread policy -- one BLAS thread inside fit, evaluate,
  predict and a GradientTape, and large products cut across the cores by numnet.
- ``kernels`` (floor 2, beside the tape): a Dense layer's product, bias and activation, and a
  softmax or sigmoid cross-entropy, as one tape node each; row gathers for batches;
  ``kernels_cuda`` their GPU forms; ``conv``: convolutions (patches built and multiplied a
  block of images at a time) and pooling as compiled loops.
- ``recurrent`` (floor 4, beside the layers): SimpleRNN, LSTM and GRU as one tape node a layer,
  the input projection of all time steps as one product and the recurrence (forward and through
  time backward) as compiled loops; ``rows`` (floor 4): an Embedding's gradient, the
  scatter-add of its rows, as one compiled pass.
- ``crc32c`` (floor 1): CRC-32C checksums and the TFRecord framing vectorised in NumPy, for
  TFRecord files and the TensorBoard callback's event files; the byte-at-a-time ``_register``
  is its reference (tests/test_tfrecord.py compares them).
- ``stack_step``, ``helper_thread``, ``_helper_loop`` (floor 6, beside the trainer): a plain
  Dense stack's training step as a fixed list of calls, and a second core that gathers the next
  batch and shares the products.

When it is used: automatically, where numba imports (a core dependency) and the arrays are NumPy
float32 / float64 in C order (CuPy arrays take the GPU kernels where one applies); the stack step
only for a Sequential stack of Dense layers with built-in activations compiled with
``jit_compile="auto"`` (the default) or ``True``. Anything else runs the plain path: the tape
(``autodiff``) and NumPy.

How it is checked: every piece keeps the plain path as its reference, and the tests compare the
two (tests/test_optimizers_fused.py, test_hot_path.py, test_stack_step.py, test_helper_thread.py,
test_recurrent_kernels.py, test_fast_conv.py, test_blas_threads.py): bit for bit where the same
operations run in the same order, else to 1e-6 (float32) / 1e-12 (float64), plus gradient checks
of each fused node. The plain path's tests
also run on their own with the fast path off (a job of ``.ci/run``).

How to turn it off: ``NUMNET_FUSED=0`` in the environment, or::

    import numnet
    numnet.fast.updates.set_enabled(False)   # every kernel, the stack step and the helper

``compile(jit_compile=False)`` (or ``run_eagerly=True``) trains one model through the tape, and
``NUMNET_BLAS_THREADS=keep`` leaves the BLAS's thread count alone.
"""
