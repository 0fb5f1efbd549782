"""``tf.keras.optimizers.legacy`` (TensorFlow 2.11 to 2.15): Keras 2's optimizers under that
name, for programs written for it. They are numnet's optimizers, which take Keras 2's
arguments too (``lr=``, ``decay=``, ``epsilon=None``); Keras 3 itself raises an ImportError
for these names, asking for the tf_keras package.

    opt = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3, decay=1e-4)
"""

from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .base import Optimizer
from .ftrl import Ftrl
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer",
           "RMSprop"]
