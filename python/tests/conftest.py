"""Fixtures of the vtkc_py tests: this checkout's python/ first on sys.path (the convention of
scripts/: the checkout's own copy of vtkc_py, installed or not), the built vtkc binary, and a
runner for it."""
import subprocess
import sys

import pytest

from tests.vtkc_fixtures import REPO, TINY_MODEL

sys.path.insert(0, str(REPO / "python"))


@pytest.fixture(scope="session")
def vtkc():
    binary = REPO / ".build" / "debug" / "vtkc"
    if not binary.is_file():
        pytest.skip(f"{binary} is missing: build it with `swift build` (scripts/test.sh does)")
    return binary


@pytest.fixture(scope="session")
def run_vtkc(vtkc):
    """Runs vtkc with the tiny model's path available as {model}; fails the test on error."""
    def run(args, cwd, check=True):
        done = subprocess.run([str(vtkc), *[a.format(model=TINY_MODEL) for a in args]], cwd=cwd,
                              capture_output=True, text=True)
        if check and done.returncode != 0:
            pytest.fail(f"vtkc {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return done
    return run
