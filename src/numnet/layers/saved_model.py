"""TFSMLayer: Keras 3's layer over a TensorFlow SavedModel, which numnet does not read."""

from __future__ import annotations


class TFSMLayer:
    """Keras 3's inference layer over a TensorFlow SavedModel (the migration guide's fix for
    ``load_model`` of a SavedModel directory). Keras runs it only on its TensorFlow backend;
    numnet, which does not read SavedModels, refuses it the same way, naming the fix. (It is
    no Layer subclass here: no instance is ever made, so none can be in a model or a file.)

    Args:
        filepath: the SavedModel directory.
        call_endpoint: the endpoint called on the layer's inputs. Defaults to ``"serve"``.
        call_training_endpoint: an endpoint for ``training=True``. Defaults to ``None``.
        trainable: accepted for Keras's signature. Defaults to ``True``.
        name, dtype: accepted for Keras's signature.

    Raises:
        NotImplementedError: always (as Keras on JAX or PyTorch): save the model as a
            ``.keras`` file where it was made (TensorFlow: ``model.save("model.keras")``) and
            load that with ``numnet.models.load_model``.

    Example:
        >>> numnet.layers.TFSMLayer("saved_model")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        NotImplementedError: TFSMLayer('saved_model'): numnet does not read TensorFlow ...
    """

    def __init__(self, filepath, call_endpoint: str = "serve", call_training_endpoint=None,
                 trainable: bool = True, name=None, dtype=None):
        raise NotImplementedError(
            f"TFSMLayer({str(filepath)!r}): numnet does not read TensorFlow SavedModels (Keras 3 "
            "runs TFSMLayer only on its TensorFlow backend). Where the model was made, save it "
            "as a Keras file (model.save('model.keras'), or load the SavedModel in TensorFlow "
            "and save it so), then load that file with numnet.models.load_model('model.keras').")
