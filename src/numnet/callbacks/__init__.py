"""Callbacks: hooks into fit / evaluate / predict, with Keras's names and arguments."""

from .callback import Callback, CallbackList
from .early_stopping import EarlyStopping
from .history import History
from .lambda_callback import LambdaCallback
from .learning_rate_scheduler import LearningRateScheduler
from .progbar_logger import ProgbarLogger
from .terminate_on_nan import TerminateOnNaN

__all__ = [
    "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
    "LearningRateScheduler", "ProgbarLogger", "TerminateOnNaN",
]
