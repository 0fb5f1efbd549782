"""Every code block of the documentation runs.

The ```python blocks of each page in docs/ run in order in one namespace (a page is one
program), in a fresh temporary folder, with ``numnet.config.set_max_epochs`` capping every fit
at two epochs so that the pages' full-length examples take seconds. ```bash blocks run their
``numnet ...`` lines through ``numnet.cli.main`` under the same cap. A block preceded by the line
``<!-- no-run -->`` is shown only (an install command, a GPU or cluster run); any other shell
command in a block that is not marked fails the test, so that nothing on a page goes untested by
accident.
"""

from __future__ import annotations

import os
import re
import shlex
import warnings
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*$")
NO_RUN = "<!-- no-run -->"
MAX_EPOCHS = 2


def blocks(page: Path) -> list[tuple[str, int, str, bool]]:
    """[(language, first line number, code, runs)] for each fenced block of ``page``."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m["lang"]:
            i += 1
            continue
        indent, start = m["indent"], i + 1
        previous = next((ln.strip() for ln in reversed(lines[:i]) if ln.strip()), "")
        j = start
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        body = "\n".join(ln[len(indent):] if ln.startswith(indent) else ln.lstrip()
                         for ln in lines[start:j])
        found.append((m["lang"], start + 1, body, previous != NO_RUN))
        i = j + 1
    return found


PAGES = sorted(p for p in DOCS.rglob("*.md")
               if any(lang in ("python", "bash") for lang, *_ in blocks(p)))


def _run_shell(code: str, where: str) -> None:
    from numnet import cli

    for line in code.splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line)
        assert words[0] == "numnet", (
            f"{where}: only `numnet ...` commands run in the docs test; mark the block "
            f"{NO_RUN} if it must not run (given {line!r})")
        try:
            status = cli.main(words[1:])
        except SystemExit as stop:
            status = stop.code
        assert status in (0, None), f"{where}: `{line}` exited with {status}"


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A temporary working folder, plots off screen, every fit capped, state restored after."""
    import numnet

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    numnet.config.set_max_epochs(MAX_EPOCHS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield tmp_path
    finally:
        numnet.config.set_max_epochs(None)
        numnet.advice.enable()
        try:
            import matplotlib.pyplot as plt

            plt.close("all")
        except ImportError:
            pass


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_runs(page, sandbox):
    namespace = {"__name__": "__docs__"}
    rel = page.relative_to(DOCS)
    for lang, line, code, runs in blocks(page):
        if not runs or lang not in ("python", "bash"):
            continue
        where = f"docs/{rel}:{line}"
        if lang == "bash":
            _run_shell(code, where)
        else:
            exec(compile(code, where, "exec"), namespace)


def test_blocks_marked_no_run_are_few():
    marked = [(p, line) for p in DOCS.rglob("*.md") for _, line, _, runs in blocks(p)
              if not runs]
    total = sum(len(blocks(p)) for p in DOCS.rglob("*.md"))
    assert len(marked) <= max(12, total // 5), marked


def test_every_page_is_in_the_nav():
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.rglob("*.md"):
        assert str(page.relative_to(DOCS)).replace(os.sep, "/") in nav, page
