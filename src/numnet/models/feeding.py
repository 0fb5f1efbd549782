"""The data of fit / evaluate / predict: checks, conversion and batching."""

from __future__ import annotations

import numpy as np

from .. import backend, losses
from ..autodiff.tensor import no_grad
from . import adapters, data, steps


class Feeding:
    """How fit, evaluate and predict turn what they are given (arrays, lists and dicts of them,
    memory-mapped arrays, generators, PyDatasets, datasets) into checked batches."""

    # ----- data -----
    def _prepare(self, x, y, sample_weight, where):
        if self._graph is not None:
            xs = self._input_arrays(x, where)
            return (xs, *self._prepare_targets(y, sample_weight, len(xs[0]), where))
        x = self._column(self._chain_x(x, where))
        if self.built and not self._subclassed():
            x = data.adjust_input_rank(x, self._checked_input_shape())
        y = self._one_output_target(y, len(x), where, "y")
        sample_weight = self._one_output_target(sample_weight, len(x), where, "sample_weight")
        y = data.prepare_y(y, len(x), where)
        sample_weight = data.prepare_weights(sample_weight, len(x), where, temporal=True)
        if self.built:
            data.check_input_shape(x, self._checked_input_shape(), self.name, where)
        if not self.built:
            self.build((None,) + x.shape[1:])
        if self.output_shape is None and self._subclassed():  # a build of its own: a probe
            self._probe_output_shape((None,) + x.shape[1:])
        elif self.output_shape is None:
            self.build((None,) + x.shape[1:])
        losses.validate_targets(self._loss_obj, y, (None,) + tuple(self.output_shape[1:]))
        data.check_temporal_weights(sample_weight, self.output_shape, where)
        if losses.kind_of(self._loss_obj) != "sparse" and y.dtype.kind != "f":
            y = y.astype(backend.floatx())
        return x, y, sample_weight

    def _one_output_target(self, value, n: int, where: str, argument: str):
        """Targets (or sample weights) of a model of one output as Keras also takes them: a
        list or tuple of one array, or (a functional model) a dict of one keyed by the output's
        name. A list of ``n`` labels stays as it is."""
        if value is None:
            return None
        if type(value) in (list, tuple) and len(value) == 1 and (
                n != 1 or not isinstance(value[0], (list, tuple))) and (
                hasattr(value[0], "shape") or isinstance(value[0], (list, tuple))) and (
                (n is None and hasattr(value[0], "shape") and len(value[0].shape) > 0)
                or (hasattr(value[0], "__len__") and len(value[0]) == n)):
            return value[0]
        if isinstance(value, dict) and len(value) == 1:
            names = self._one_output_names()
            key = next(iter(value))
            if key not in names:
                raise ValueError(
                    f"{where}({argument}): a dict is keyed by the model's output names "
                    f"({names or 'a Sequential or subclassed model has none'}), given keys "
                    f"{list(value)}; pass the array itself for a model of one output.")
            return value[key]
        return value

    def _prepare_targets(self, y, sample_weight, n: int, where: str):
        """y and sample_weight checked for ``n`` samples (a model of several inputs or
        outputs)."""
        if self._heads is not None:
            return (self._heads.targets(y, n, where),
                    self._heads.sample_weights(sample_weight, n, where))
        y = self._one_output_target(y, n, where, "y")
        sample_weight = self._one_output_target(sample_weight, n, where, "sample_weight")
        y = data.prepare_y(y, n, where)
        sample_weight = data.prepare_weights(sample_weight, len(y), where, temporal=True)
        losses.validate_targets(self._loss_obj, y, (None,) + tuple(self.output_shape[1:]))
        data.check_temporal_weights(sample_weight, self.output_shape, where)
        if losses.kind_of(self._loss_obj) != "sparse" and y.dtype.kind != "f":
            y = y.astype(backend.floatx())
        return y, sample_weight

    def _struct_data(self, x, y, sample_weight, batch_size, where, shuffle=False,
                     class_weight=None, steps_count=None, validation_split=0.0):
        """(iterator, held-out rows or None) for the train_step path: arrays, or lists /
        dicts of them, batched together; generators, PyDatasets and datasets as they are."""
        kind = adapters.kind_of(x) if not isinstance(x, (list, tuple, dict)) else "array"
        if kind != "array":
            source = (adapters.PyDatasetSource(x, shuffle, None, where) if kind == "pydataset"
                      else adapters.IteratorSource(x, None, where))
            return adapters.EpochIterator(source, steps_count), None
        x = steps._as_arrays(x, where, "x")
        y = steps._as_arrays(y, where, "y")
        sample_weight = steps._as_arrays(sample_weight, where, "sample_weight")
        if class_weight is not None and y is not None:
            weights = data.class_weights_to_sample_weights(class_weight, np.asarray(y), where)
            sample_weight = data.times_class_weights(sample_weight, weights)
        split = None
        if validation_split:
            (x, y, sample_weight), split = steps.split_off(x, y, sample_weight,
                                                           validation_split)
        source = steps.StructSource(x, y, sample_weight, batch_size, shuffle)
        return adapters.EpochIterator(source, steps_count), split

    def _build_metrics_from(self, source, batch_size: int) -> None:
        """The compiled metrics made before the first train_step (as Keras 3 builds them at the
        start of fit), from a first batch: 'accuracy' is resolved against y and the output."""
        if self._metrics or not (self._metric_specs or self._heads is not None
                                 or self.__dict__.get("_pending_heads") is not None):
            return
        if type(self).train_step is not steps.KerasSteps.train_step:
            return  # its own step: x need not be what the model is called on (built there)
        if isinstance(source, steps.StructSource):
            head = slice(0, min(batch_size, source.num_samples))
            xb, yb = steps._take(source.x, head), steps._take(source.y, head)
        elif hasattr(source, "first_batch"):
            xb, yb, _ = source.first_batch()
        else:
            return
        if yb is None:
            return
        with no_grad():
            out = self(steps._as_tensors(xb), training=False)
        self._clear_losses()
        self._update_compiled_metrics(yb, out, None)
        for metric in self._metrics:
            metric.reset_state()

    def _struct_validation(self, validation_data, batch_size, steps_count):
        if isinstance(validation_data, tuple) and 1 <= len(validation_data) <= 3:
            x, y, sample_weight = (*validation_data, None, None)[:3]
            it, _ = self._struct_data(x, y, sample_weight, batch_size, "fit",
                                      steps_count=steps_count)
            return it
        it, _ = self._struct_data(validation_data, None, None, batch_size, "fit",
                                  steps_count=steps_count)
        return it

    def _validation_iterator(self, validation_data, batch_size, steps):
        kind = adapters.kind_of(validation_data)
        if kind != "array":
            it, _, _ = self._data(validation_data, None, None, batch_size,
                                  "fit(validation_data)", steps=steps)
            return it
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "fit(validation_data): expected a tuple (x_val, y_val) or (x_val, y_val, "
                "sample_weight), a PyDataset or a generator, given "
                f"{type(validation_data).__name__}."
            )
        vx, vy = validation_data[0], validation_data[1]
        vw = validation_data[2] if len(validation_data) == 3 else None
        it, _, _ = self._data(vx, vy, vw, batch_size, "fit(validation_data)", steps=steps)
        return it

    # ----- data -----
    def _data(self, x, y, sample_weight, batch_size, where, shuffle=False, class_weight=None,
              steps=None, validation_split=0.0, targets=True):
        """What the user passed, checked, as an EpochIterator (numnet.models.adapters).

        Returns (iterator, (x, y) to set up metrics and advice, (x, y, sample_weight) cut off
        by validation_split or None). In-memory arrays are checked whole; memory-mapped arrays
        by their headers and first batch; PyDatasets and generators on their first batch, which
        also builds the model.
        """
        kind = adapters.kind_of(x)
        if self._graph is not None:
            return self._graph_data(x, y, sample_weight, batch_size, where, kind, shuffle,
                                    class_weight, steps, validation_split, targets)
        if kind != "array":
            what = "PyDataset" if kind == "pydataset" else "generator / iterable"
            for name, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"{where}({name}): x is a {what}, whose batches carry the targets and "
                        f"weights: make it give (x, y) or (x, y, sample_weight) and leave "
                        f"{name}=None (given {type(value).__name__}).")
            if validation_split:
                raise ValueError(
                    f"{where}(validation_split): a split needs arrays, and x is a {what}; pass "
                    "validation_data=... instead.")
            lookup = None if class_weight is None else data.class_weight_lookup(class_weight,
                                                                                  where)
            convert = self._batch_converter(lookup, targets, where)
            source = (adapters.PyDatasetSource(x, shuffle, convert, where) if kind == "pydataset"
                      else adapters.IteratorSource(x, convert, where))
            fx, fy, fsw = source.first_batch()
            if not targets:
                return adapters.EpochIterator(source, steps), (self._prepare_x(fx, where), None), \
                    None
            if fy is None:
                raise ValueError(
                    f"{where}(x): the {what} gave a batch of inputs alone; for training and "
                    "evaluation each batch must be (x, y) or (x, y, sample_weight).")
            fx, fy, _ = self._prepare(fx, fy, fsw, where)
            return adapters.EpochIterator(source, steps), (fx, fy), None
        mapped = any(adapters.is_memmap(a) for a in (x, y, sample_weight))
        if mapped:
            x, y, sample_weight = self._mapped_arrays(x, y, sample_weight, batch_size, where,
                                                      targets)
        elif targets:
            x, y, sample_weight = self._prepare(x, y, sample_weight, where)
        else:
            x = self._prepare_x(x, where)
        split = None
        if validation_split:
            (x, y, sample_weight), split = _split_off(x, y, sample_weight, validation_split,
                                                      where)
        lookup = None
        if class_weight is not None:
            if adapters.is_memmap(y):
                lookup = data.class_weight_lookup(class_weight, where)
            else:
                weights = data.class_weights_to_sample_weights(class_weight, y, where)
                sample_weight = data.times_class_weights(sample_weight, weights)
        convert = self._batch_converter(lookup, targets, where) if mapped else None
        source = adapters.ArraySource(x, y, sample_weight, batch_size, shuffle, convert)
        return adapters.EpochIterator(source, steps), (x, y), split

    def _graph_data(self, x, y, sample_weight, batch_size, where, kind, shuffle, class_weight,
                    steps, validation_split, targets):
        """_data for a model of several inputs: x a list or dict of in-memory arrays, batched
        together, the same rows of each."""
        if kind != "array":  # a generator, PyDataset or Dataset of (list / dict of x, y)
            for name, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"{where}({name}): x is a stream of batches, which carry the targets: "
                        f"make it give (x, y) or (x, y, sample_weight) and leave {name}=None.")
            if validation_split:
                raise ValueError(f"{where}(validation_split): a split needs arrays; pass "
                                 "validation_data=... instead.")
            lookup = None if class_weight is None else data.class_weight_lookup(class_weight,
                                                                                  where)

            def convert(xb, yb, swb):
                # as Keras, a streamed batch goes to the model as it is: its inputs (and its
                # targets, for one output) need not have one number of rows (a batch of
                # graphs: the atoms of all its molecules, their bonds, one target a molecule)
                xs = self._input_arrays(xb, where, same_rows=False)
                if not targets:
                    return xs, None, None
                if yb is None:
                    raise ValueError(f"{where}(x): a batch without targets; each batch must be "
                                     "(x, y) or (x, y, sample_weight).")
                yb, swb = self._prepare_targets(
                    yb, swb, len(xs[0]) if self._heads is not None else None, where)
                if lookup is not None:
                    weights = data.weights_from_lookup(lookup, yb, where)
                    swb = data.times_class_weights(swb, weights)
                return xs, yb, swb

            source = (adapters.PyDatasetSource(x, shuffle, convert, where)
                      if kind == "pydataset" else adapters.IteratorSource(x, convert, where))
            fx, fy, _ = source.first_batch()
            return adapters.EpochIterator(source, steps), (fx, fy), None
        if targets:
            xs, y, sample_weight = self._prepare(x, y, sample_weight, where)
        else:
            xs = self._input_arrays(x, where)
        split = None
        if validation_split:
            (xs, y, sample_weight), split = _split_off(xs, y, sample_weight, validation_split,
                                                       where)
        if class_weight is not None:
            self._check_class_weight(where)
            weights = data.class_weights_to_sample_weights(class_weight, y, where)
            sample_weight = data.times_class_weights(sample_weight, weights)
        source = adapters.InputsSource(xs, y, sample_weight, batch_size, shuffle)
        return adapters.EpochIterator(source, steps), (xs, y), split

    def _check_class_weight(self, where: str) -> None:
        if self._output_names is not None:
            raise ValueError(
                f"{where}(class_weight): class weights apply to a model of one output, and "
                f"{self.name!r} has {len(self._output_names)} outputs {self._output_names} (as "
                "in Keras). Give sample_weight per output instead: a list of arrays in the order "
                "of model.outputs, or a dict keyed by output name, e.g. the class weight of "
                "each sample's label.")

    def _text_input(self) -> bool:
        """Whether the model's one Input takes text (``dtype="string"``), or a model with no
        Input begins with a layer that takes text (TextVectorization, StringLookup)."""
        if self._input_layer is not None and self._input_layer.dtype == "string":
            return True
        return bool(self._layers) and self._layers[0].input_dtype == "string"

    def _column(self, x):
        """A 1-D x as a column (one feature a row), as Keras adds the axis, except for a
        subclassed model (its call gets x as given) and an ``Input(shape=())`` (one value a
        row)."""
        if getattr(x, "ndim", None) != 1 or self._subclassed():
            return x
        declared = getattr(self._input_layer, "_declared_input_shape", None)
        if declared is not None and len(declared) == 1:
            return x
        return x.reshape(-1, 1)

    def _named_input(self, x, where):
        """The array of a dict keyed by the model's one input's name (``{"a": x}`` for
        ``Input(name="a")``), as Keras takes it; anything else as it is."""
        if not isinstance(x, dict) or self._input_layer is None:
            return x
        name = self._input_layer.name
        if name not in x:
            raise ValueError(f"{where}(x): a dict of inputs must be keyed by the model's input "
                             f"name {name!r}; given the keys {sorted(map(str, x))}. Pass the "
                             "array itself, or key it by that name.")
        return x[name]

    def _chain_x(self, x, where):
        """x of a model of one input, checked: text stays text for an Input of
        ``dtype="string"`` (a TextVectorization or StringLookup layer takes it), other inputs
        are checked numbers in the float type."""
        x = self._named_input(x, where)
        if self._text_input():
            return data.typed_input(x, "string", where)
        return data.prepare_x(x, where)

    def _prepare_x(self, x, where):
        """Inputs alone (predict), checked whole; builds the model on first use."""
        if self._graph is not None:
            return self._input_arrays(x, where)
        x = self._column(self._chain_x(x, where))
        if self.built:
            if not self._subclassed():
                x = data.adjust_input_rank(x, self._checked_input_shape())
            data.check_input_shape(x, self._checked_input_shape(), self.name, where)
        else:
            self.build((None,) + x.shape[1:])
        return x

    def _mapped_arrays(self, x, y, sample_weight, batch_size, where, targets):
        """Memory-mapped arrays checked without reading them whole: their headers, then the
        first batch's values (which builds the model). Parts held in memory are checked whole."""
        if adapters.is_memmap(x):
            data.check_mapped(x, "x", where)
            if x.ndim == 1:
                x = x.reshape(-1, 1)
        else:
            x = data.prepare_x(x, where)
            if x.ndim == 1:
                x = x.reshape(-1, 1)
        n = len(x)
        head = slice(0, min(n, batch_size))
        if not targets:
            self._prepare_x(adapters.read_rows(x, head), where)
            return x, None, None
        if adapters.is_memmap(y):
            data.check_mapped(y, "y", where, n)
        else:
            y = data.prepare_y(y, n, where)
        if adapters.is_memmap(sample_weight):
            data.check_mapped(sample_weight, "sample_weight", where, n)
        elif sample_weight is not None:
            sample_weight = data.prepare_weights(sample_weight, n, where, temporal=True)
        first = [None if a is None else adapters.read_rows(a, head)
                 for a in (x, y, sample_weight)]
        self._prepare(*first, where)
        if not adapters.is_memmap(y):
            losses.validate_targets(self._loss_obj, y, (None,) + tuple(self.output_shape[1:]))
        return x, y, sample_weight

    def _batch_converter(self, class_lookup, targets: bool, where: str):
        """A function turning one streamed batch into training arrays: x (and y, unless the
        labels are integers for a sparse loss) as floatx, class weights multiplied into the
        sample weights; with the checks that cost little per batch (lengths, input shape, labels
        against the loss: streamed labels are not checked whole before training)."""
        floatx = backend.floatx()
        sparse = losses.kind_of(self._loss_obj) == "sparse"
        text = self._text_input()

        def convert(xb, yb, swb):
            xb = self._named_input(xb, where)
            xb = adapters.as_array(xb).astype(object) if text else adapters.as_array(xb, floatx)
            xb = self._column(xb)
            declared = self._checked_input_shape()
            if not self._subclassed():
                xb = data.adjust_input_rank(xb, declared)
            if declared is not None and xb.shape[1:] != tuple(declared[1:]):
                data.check_input_shape(xb, declared, self.name, where)
            if not targets:
                return xb, None, None
            if yb is None:
                raise ValueError(f"{where}(x): a batch without targets; each batch must be "
                                 "(x, y) or (x, y, sample_weight).")
            yb = adapters.as_array(self._one_output_target(yb, len(xb), where, "y"))
            if yb.dtype.kind == "f" or not sparse:
                yb = yb.astype(floatx, copy=False)
            if len(yb) != len(xb):
                raise ValueError(f"{where}: a batch has {len(xb)} samples in x and {len(yb)} "
                                 "in y; they must match.")
            if swb is not None:
                swb = adapters.as_array(swb, floatx)
                if swb.ndim == 0 or (swb.ndim == 2 and swb.shape[1] == 1):
                    swb = swb.reshape(-1)
                if len(swb) != len(xb):
                    raise ValueError(f"{where}: a batch has {len(xb)} samples and "
                                     f"{len(swb)} sample weights; give one weight per sample.")
                if swb.ndim > 1:  # one a time step
                    data.check_temporal_weights(swb, getattr(self, "output_shape", None),
                                                where)
            if getattr(self, "output_shape", None) is not None:  # streamed labels: each batch
                losses.validate_targets(self._loss_obj, yb,
                                        (None,) + tuple(self.output_shape[1:]))
            if class_lookup is not None:
                weights = data.weights_from_lookup(class_lookup, yb, where)
                swb = data.times_class_weights(swb, weights)
            return xb, yb, swb

        return convert


def _split_off(x, y, sample_weight, validation_split: float, where: str):
    """((x, y, sample_weight) to train on, the same held out): the last ``validation_split`` of
    the rows, as Keras takes them (x an array, or a list of arrays of one row count)."""
    n = len(x[0]) if type(x) is list else len(x)
    cut = int(n * (1.0 - validation_split))
    if cut == 0 or cut == n:
        raise ValueError(
            f"{where}(validation_split={validation_split}): with {n} samples this leaves an "
            "empty training or validation set.")

    def rows(a, part: slice):
        if a is None:
            return None
        return [b[part] for b in a] if type(a) is list else a[part]

    head, tail = slice(None, cut), slice(cut, None)
    return (tuple(rows(a, head) for a in (x, y, sample_weight)),
            tuple(rows(a, tail) for a in (x, y, sample_weight)))
