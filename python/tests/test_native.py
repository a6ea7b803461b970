"""The Swift coder through ctypes (vtkc_py.native, libvtkformat.so) against the pure-Python
reference: the same bits on every committed fixture and on random files of every encoding,
and the same refusals. scripts/test.sh builds the library (swift build) before these run;
a missing library fails here rather than skipping."""
import os

import numpy as np
import pytest

from tests.vtkc_fixtures import REPO
from vtkc_py import native
from vtkc_py.container import Reader, VTKError
from vtkc_py.vtkfile import VTKFile
from vtkc_py.writer import write_vtk

FIXTURES = REPO / "Tests" / "VTKFormatTests" / "Fixtures"
DEBUG_LIB = REPO / ".build" / "debug" / "libvtkformat.so"


@pytest.fixture(autouse=True)
def this_trees_library(monkeypatch):
    """The library built from this checkout (debug, as scripts/test.sh builds it)."""
    assert DEBUG_LIB.is_file(), f"{DEBUG_LIB} is missing: run `swift build`"
    monkeypatch.setenv("VTKC_FORMAT_LIB", str(DEBUG_LIB))
    monkeypatch.setattr(native, "_looked", False)
    monkeypatch.setattr(native, "_library", None)


def both(path):
    a, b = VTKFile(path), VTKFile(path, native=False)
    assert a.native is not None and b.native is None
    return a.latents(), b.latents()


@pytest.mark.parametrize("name", ["ref-f16", "ref-q6", "ref-q5-temporal"])
def test_fixtures_decode_to_the_same_bits(name):
    fast, reference = both(FIXTURES / f"{name}.vtk")
    assert fast.tobytes() == reference.tobytes()
    assert fast.tobytes() == np.fromfile(FIXTURES / f"{name}.decoded.f32", dtype="<f4").tobytes()


@pytest.mark.parametrize("seed", range(8))
def test_random_files_decode_to_the_same_bits(tmp_path, seed):
    rng = np.random.default_rng(seed)
    h = Reader((FIXTURES / "ref-q6.vtk").read_bytes()).header
    channels, tokens = int(rng.choice([1, 3, 16])), int(rng.choice([4, 16, 64]))
    columns, rows = h["tiling"]["columns"], h["tiling"]["rows"]
    h.update(channels=channels, tokens=tokens, bits=int(rng.choice([0, 2, 5, 8, 12, 16])), stride=0)
    if h["bits"] and rng.random() < 0.5:
        h["stride"] = tokens // 4
    values = columns * rows * tokens * channels
    groups = [(rng.standard_normal(values) * rng.uniform(0.01, 50) + np.repeat(rng.standard_normal(values // channels),
               channels)).astype(np.float32) for _ in range(h["frames"] // h["group_length"] + (h["frames"] % h["group_length"] > 0))]
    path = tmp_path / "r.vtk"
    write_vtk(path, h, groups)
    fast, reference = both(path)
    assert fast.tobytes() == reference.tobytes()
    assert VTKFile(path).group(len(groups) - 1).tobytes() == reference[-1].tobytes()


def test_the_native_reader_refuses_damaged_files():
    data = bytearray((FIXTURES / "ref-q6.vtk").read_bytes())
    with pytest.raises(VTKError, match="CRC"):
        native.NativeReader(bytes(data[:40]) + bytes([data[40] ^ 1]) + bytes(data[41:]), "x.vtk")
    with pytest.raises(VTKError, match="x.vtk"):
        native.NativeReader(b"not a vtk file", "x.vtk")


def test_the_library_is_found_or_turned_off(monkeypatch):
    assert native.library().path == DEBUG_LIB
    monkeypatch.setenv("VTKC_FORMAT_LIB", "none")
    monkeypatch.setattr(native, "_looked", False)
    monkeypatch.setattr(native, "_library", None)
    assert native.library() is None and VTKFile(FIXTURES / "ref-f16.vtk").native is None
    assert os.environ["VTKC_FORMAT_LIB"] == "none"
