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


def summary_text(model, line_length=None) -> str:
    widths = [33, 24, 15]
    if line_length:
        widths[0] = max(20, line_length - widths[1] - widths[2] - 4)
    rows = []
    for layer in model.layers:
        params = layer.count_params() if layer.built else 0
        rows.append((f"{layer.name} ({type(layer).__name__})", _shape(layer.output_shape),
                     f"{params:,}" if layer.built else "0 (unbuilt)"))

    def line(left, mid, right, fill):
        return left + mid.join(fill * (w) for w in widths) + right

    def cells(values, edge="│"):
        parts = []
        for i, (value, w) in enumerate(zip(values, widths, strict=True)):
            text = value[: w - 2]
            parts.append(" " + (text.rjust(w - 2) if i == 2 else text.ljust(w - 2)) + " ")
        return edge + edge.join(parts) + edge

    out = [f'Model: "{model.name}"']
    out.append(line("┏", "┳", "┓", "━"))
    out.append(cells(("Layer (type)", "Output Shape", "Param #"), "┃"))
    out.append(line("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        out.append(cells(row))
        if i != len(rows) - 1:
            out.append(line("├", "┼", "┤", "─"))
    out.append(line("└", "┴", "┘", "─"))
    weights = model.weights
    total = sum(w.size for w in weights)
    trainable = sum(w.size for w in model.trainable_weights)
    itemsize = weights[0].value.itemsize if weights else 4
    out.append(f" Total params: {total:,} ({_size(total * itemsize)})")
    out.append(f" Trainable params: {trainable:,} ({_size(trainable * itemsize)})")
    out.append(f" Non-trainable params: {total - trainable:,} "
               f"({_size((total - trainable) * itemsize)})")
    return "\n".join(out)
