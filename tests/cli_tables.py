"""Helpers of the `numnet train` tests: a table written as CSV, and the command run in this
process."""

from __future__ import annotations

import contextlib
import csv
import io
import json

from numnet.cli import main


def write_csv(path, header, rows) -> None:
    """Write ``rows`` under ``header`` to ``path`` as CSV."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def train(*argv) -> tuple:
    """Run `numnet train` in this process: (report, stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["train", *map(str, argv)]) == 0
    folder = argv[argv.index("--out") + 1]
    with open(f"{folder}/report.json") as f:
        return json.load(f), out.getvalue()
