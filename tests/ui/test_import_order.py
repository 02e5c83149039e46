"""The mixer and the effect editors load in any order, with every import at the top: the drag
control and the polygon helpers they share live below both packages."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

from daw.ui.mixer import strip

FIRST = ["daw.ui.mixer.strip", "daw.ui.effects.chain", "daw.ui.effects.controls",
         "daw.ui.effects.editor", "daw.ui.mixer.sends", "daw.ui.timeline",
         "daw.ui.mastering"]


def test_the_strip_imports_nothing_inside_its_functions() -> None:
    tree = ast.parse(inspect.getsource(strip))
    hidden = [f"{fn.name}:{node.lineno}" for fn in ast.walk(tree)
              if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
              for node in ast.walk(fn) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert hidden == []


@pytest.mark.parametrize("module", FIRST)
def test_each_ui_package_loads_first_in_a_fresh_interpreter(module: str) -> None:
    code = f"import {module}, daw.ui.main_window; print('loaded')"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=Path(__file__).parents[2])
    assert (out.returncode, out.stdout.strip()) == (0, "loaded"), out.stderr[-2000:]
