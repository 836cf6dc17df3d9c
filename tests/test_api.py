"""The public Python API in extractor/__init__.py."""

from __future__ import annotations

import subprocess
import sys


def test_extract_is_still_the_function_on_second_use() -> None:
    # A fresh interpreter: the first access imports extractor.extract, which binds the
    # submodule to the package attribute of the same name.
    code = (
        "import extractor; first = extractor.extract; second = extractor.extract; "
        "print(callable(first), callable(second), first is second)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]
