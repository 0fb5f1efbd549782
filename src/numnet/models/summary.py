"""The text of Model.summary(): Keras's table of layers, output shapes and parameter counts."""

from __future__ import annotations


def _shape(shape) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def _size(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if nbytes < 1024 or unit == "GB":
            return f"{nbytes:.2f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.2f} GB"


def _connections(model) -> dict:
    """{id(layer): ["name[call][0]", ...]}: the tensors each call of each layer of a graph
    model takes, named as Keras names them."""
    history = [f"{layer.name}[0][0]" for layer in model._input_layers]  # of each slot
    calls: dict = {}
    for layer, parents, _ in model._graph:
        taken = calls.setdefault(id(layer), [])
        history.append(f"{layer.name}[{sum(1 for t in taken if t is None)}][0]")
        taken += [history[i] for i in parents] + [None]  # None ends a call
    return {key: [t for t in taken if t is not None] for key, taken in calls.items()}


def summary_text(model, line_length=None) -> str:
    graph = getattr(model, "_graph", None) is not None  # a "Connected to" column
    widths = [33, 24, 15] + ([26] if graph else [])
    if line_length:
        widths[0] = max(20, line_length - sum(widths[1:]) - len(widths) - 1)
    connections = _connections(model) if graph else {}
    rows = []
    for layer in model.layers:
        params = layer.count_params() if layer.built else 0
        row = (f"{layer.name} ({type(layer).__name__})", _shape(layer.output_shape),
               f"{params:,}" if layer.built else "0 (unbuilt)")
        rows.append(row + ("\n".join(connections.get(id(layer), ["-"])),) if graph else row)

    def line(left, mid, right, fill):
        return left + mid.join(fill * (w) for w in widths) + right

    def cells(values, edge="│"):
        lines = [value.split("\n") for value in values]
        out = []
        for k in range(max(len(parts) for parts in lines)):
            parts = []
            for i, (texts, w) in enumerate(zip(lines, widths, strict=True)):
                text = texts[k][: w - 2] if k < len(texts) else ""
                parts.append(" " + (text.rjust(w - 2) if i == 2 else text.ljust(w - 2)) + " ")
            out.append(edge + edge.join(parts) + edge)
        return "\n".join(out)

    out = [f'Model: "{model.name}"']
    out.append(line("┏", "┳", "┓", "━"))
    out.append(cells(("Layer (type)", "Output Shape", "Param #", "Connected to")[:len(widths)],
                     "┃"))
    out.append(line("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        out.append(cells(row))
        if i != len(rows) - 1:
            out.append(line("├", "┼", "┤", "─"))
    out.append(line("└", "┴", "┘", "─"))
    weights = model.weights
    total = sum(w.size for w in weights)
    trainable = sum(w.size for w in model.trainable_weights)
    # bytes weight by weight, as Keras counts them (an int8 kernel is 1 byte a parameter,
    # its float32 scale 4)
    total_bytes = sum(w.size * w.value.itemsize for w in weights)
    trainable_bytes = sum(w.size * w.value.itemsize for w in model.trainable_weights)
    non_trainable, non_trainable_bytes = total - trainable, total_bytes - trainable_bytes
    # as Keras: once the optimizer is built, its variables count in the total too
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) \
        else None
    state = optimizer.variables if getattr(optimizer, "built", False) else None
    if state is not None:
        total += sum(int(v.size) for v in state)
        total_bytes += sum(int(v.size) * v.value.itemsize for v in state)
    out.append(f" Total params: {total:,} ({_size(total_bytes)})")
    out.append(f" Trainable params: {trainable:,} ({_size(trainable_bytes)})")
    out.append(f" Non-trainable params: {non_trainable:,} ({_size(non_trainable_bytes)})")
    if state is not None:
        out.append(f" Optimizer params: {total - trainable - non_trainable:,} "
                   f"({_size(total_bytes - trainable_bytes - non_trainable_bytes)})")
    return "\n".join(out)
