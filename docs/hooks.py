"""MkDocs hooks: the figures of the course pages and the benchmark record, made at build time.

The figures are drawn by ``docs/figures.py`` (numnet and matplotlib, on the bundled MNIST
sample) into a temporary folder and added to the site as generated files, so no image is kept
in the repository; ``bench/RESULTS.md`` is added as the page ``bench-results.md``.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path

from mkdocs.structure.files import File

_ROOT = Path(__file__).resolve().parent.parent
_made: dict[str, Path] = {}


def _figures() -> dict[str, Path]:
    """Draw the figures once per process (``mkdocs serve`` rebuilds reuse them)."""
    if not _made:
        os.environ.setdefault("MPLBACKEND", "Agg")
        spec = importlib.util.spec_from_file_location("numnet_docs_figures",
                                                      _ROOT / "docs" / "figures.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out = Path(tempfile.mkdtemp(prefix="numnet-docs-figures-"))
        _made.update(module.make_all(out))
    return _made


def on_files(files, config):
    for uri, path in _figures().items():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    results = _ROOT / "bench" / "RESULTS.md"
    files.append(File.generated(config, "bench-results.md", content=results.read_text()))
    return files
