"""A layer's inputs given by the name of call's first argument, as Keras 3 takes them
(``patch_layer(images=x)``): eagerly, on symbolic tensors, and with further arguments."""

import numpy as np
import pytest

import numnet
from numnet import layers


class Double(layers.Layer):
    def call(self, images):
        return images * 2.0


class Sum(layers.Layer):
    def call(self, query, value, scale=1.0):
        return (query + value) * scale


def test_the_first_argument_by_name_eagerly():
    np.testing.assert_array_equal(Double()(images=np.ones((1, 2), "float32")), [[2.0, 2.0]])
    out = Sum()(query=np.ones((1, 2), "float32"), value=np.full((1, 2), 2.0, "float32"),
                scale=3.0)
    np.testing.assert_array_equal(out, [[9.0, 9.0]])


def test_the_first_argument_by_name_in_a_functional_model():
    inputs = numnet.Input((2,))
    doubled = Double()(images=inputs)
    model = numnet.Model(inputs, Sum()(query=doubled, value=inputs))
    np.testing.assert_allclose(model.predict(np.array([[1.0, -2.0]]), verbose=0), [[3.0, -6.0]])


def test_no_inputs_at_all_names_the_argument():
    with pytest.raises(TypeError, match=r"layer\(images=x\); given no positional argument"):
        Double()(other=np.ones((1, 2)))
