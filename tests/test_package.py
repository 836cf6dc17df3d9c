"""A built wheel carries the schemas and validates without the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("extractor-*.whl")
    return built


def test_wheel_contains_every_schema_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (ROOT / "schemas").glob("*.json"):
        assert f"extractor/schemas/{schema.name}" in names
    for data in (ROOT / "extractor" / "data").glob("*.*"):
        assert f"extractor/data/{data.name}" in names
    for data in (ROOT / "extractor" / "data" / "lang").glob("*.json"):
        assert f"extractor/data/lang/{data.name}" in names
    assert "extractor/py.typed" in names


def test_installed_wheel_validates_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    sample = ROOT / "samples" / "us-copyright-office-dmca-summary-1998.expected.json"
    script = (
        "import json, sys, extractor.schema as s;"
        "assert s.__file__.startswith(sys.argv[2]), s.__file__;"
        "print(s.validation_error(json.load(open(sys.argv[1]))))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    completed = subprocess.run(
        [sys.executable, "-c", script, str(sample), str(target)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "None"
    assert json.loads(sample.read_text())["schema_version"].startswith("1.")
