"""TensorFlow's namespaces and functions beyond ``numnet.tf_compat``'s core, one topic a module.

``numnet.tf_compat`` gathers them into the ``import numnet as tf`` surface: ``array`` (math and
shaping: tf.roll, tf.gather_nd, tf.math.segment_sum, ...), ``nn`` (tf.nn.conv2d, tf.nn.dropout,
...), ``control`` (tf.cond, tf.while_loop, tf.custom_gradient, tf.Module, tf.TensorShape, ...),
``linalg``, ``image``, ``debugging`` (with tf.errors), ``files`` (tf.io), ``checkpoint``
(tf.train), ``summary``, ``testing`` (tf.test) and ``ragged`` (tf.RaggedTensor, tf.ragged).
``base`` holds their shared conversions.
"""
