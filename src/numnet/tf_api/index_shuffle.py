"""``tf.random.experimental.stateless_shuffle`` and ``index_shuffle``: refused, with the way to
get a repeatable shuffle instead.

TensorFlow documents what these return (a permutation fixed by the seed) but not how it is
drawn, and says the numbers may change between its versions; a stand-in would give other
permutations than TensorFlow's for the same seed while looking like the same function. So
numnet raises NotImplementedError with the alternatives rather than shuffle differently.
"""

from __future__ import annotations

_INSTEAD = ("For a shuffle that repeats for a seed, use tf.random.shuffle(value, seed=...) "
            "after tf.random.set_seed(...), or order by stateless draws: "
            "tf.gather(value, tf.argsort(tf.random.stateless_uniform([n], seed=[1, 2]))) "
            "(stateless_uniform gives TensorFlow's own numbers).")


def stateless_shuffle(value, seed, alg="auto_select", name=None):
    """Refused: TensorFlow does not document the permutation stateless_shuffle draws for a
    seed (it may change between versions), so numnet cannot give TensorFlow's result.

    Raises:
        NotImplementedError: always, naming what to use instead.

    Example:
        >>> numnet.random.experimental.stateless_shuffle([1, 2, 3], seed=[1, 2])
        Traceback (most recent call last):
        ...
        NotImplementedError: tf.random.experimental.stateless_shuffle: ...
    """
    raise NotImplementedError(
        "tf.random.experimental.stateless_shuffle: TensorFlow does not document the "
        "permutation it draws for a seed (its results may change between versions), so numnet "
        "cannot reproduce it and does not make up another. " + _INSTEAD)


def index_shuffle(index, seed, max_index):
    """Refused: TensorFlow does not document the permutation index_shuffle computes for a
    seed (it may change between versions), so numnet cannot give TensorFlow's result.

    Raises:
        NotImplementedError: always, naming what to use instead.

    Example:
        >>> numnet.random.experimental.index_shuffle(0, seed=[1, 2], max_index=9)
        Traceback (most recent call last):
        ...
        NotImplementedError: tf.random.experimental.index_shuffle: ...
    """
    raise NotImplementedError(
        "tf.random.experimental.index_shuffle: TensorFlow does not document the permutation "
        "it computes for a seed (its results may change between versions), so numnet cannot "
        "reproduce it and does not make up another. For the position of each index in a "
        "repeatable permutation of n items, invert one: "
        "tf.argsort(tf.argsort(tf.random.stateless_uniform([n], seed=[1, 2]))).")


EXPERIMENTAL = {"stateless_shuffle": stateless_shuffle, "index_shuffle": index_shuffle}
"""The names of this module, as they join ``tf.random.experimental``."""
