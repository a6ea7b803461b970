"""The Python reader equals `vtkc latents`: on files vtkc compresses here with the tiny model
(several tilings and encodings), the latents are bit-identical to the .npy vtkc exports (as
arrays and as NPY bytes) and the metadata equals its .json sidecar."""
import io
import json

import numpy as np
import pytest

from tests.vtkc_fixtures import write_y4m
from vtkc_py import VTKFile, find_vtk_files

CASES = {
    # name: (width, height, frames, extra compress options)
    "grid-q4": (40, 36, 20, []),
    "overlap-q6": (56, 32, 16, ["--tiling", "overlap", "--overlap", "8", "--bits", "6"]),
    "reflect-f16": (24, 40, 33, ["--tiling", "reflect", "--latent-encoding", "float16"]),
    "cosine-overlap-reflect": (72, 40, 17, ["--tiling", "overlap-reflect", "--overlap", "12", "--blend", "cosine"]),
    "resize-crop": (72, 40, 17, ["--resize", "32", "--crop", "center"]),  # the tiny model's tile is 32
}


@pytest.fixture(scope="module")
def compressed(tmp_path_factory, run_vtkc):
    root = tmp_path_factory.mktemp("vtk")
    for seed, (name, (w, h, frames, extra)) in enumerate(CASES.items()):
        write_y4m(root / f"{name}.y4m", w, h, frames, seed)
        run_vtkc(["compress", f"{name}.y4m", "-o", f"{name}.vtk", "--model", "{model}", "-q", *extra], root)
        run_vtkc(["latents", f"{name}.vtk", "-o", f"{name}.npy"], root)
    return root


@pytest.mark.parametrize("name", CASES)
def test_reader_equals_vtkc_latents(compressed, name):
    vtk = VTKFile(compressed / f"{name}.vtk")
    latents = vtk.latents()
    exported = np.load(compressed / f"{name}.npy")
    assert latents.dtype == np.float32 and latents.shape == exported.shape
    assert np.array_equal(latents, exported)
    npy = io.BytesIO()
    np.save(npy, latents)
    assert npy.getvalue() == (compressed / f"{name}.npy").read_bytes()
    assert vtk.metadata() == json.loads((compressed / f"{name}.json").read_text())
    for g in range(vtk.group_count):
        assert np.array_equal(vtk.group(g), exported[g])


def test_geometry(compressed):
    vtk = VTKFile(compressed / "overlap-q6.vtk")
    assert (vtk.width, vtk.height, vtk.frame_count, float(vtk.frame_rate)) == (56, 32, 16, 30000 / 1001)
    layout = vtk.layout
    assert (layout.mode, layout.overlap, layout.tile_width, layout.rows) == ("overlap", 8, 32, 1)
    assert layout.x_origins[0] == 0 and layout.x_origins[-1] + layout.tile_width == 56
    assert vtk.shape == (1, layout.columns, 64, 16)


def test_resize_and_crop_are_in_the_metadata(compressed):
    meta = VTKFile(compressed / "resize-crop.vtk").metadata()
    assert (meta["width"], meta["height"], meta["source_source_width"], meta["source_crop"]) == ("32", "32", "72", "center")


def test_find_vtk_files_sorts_by_relative_path(tmp_path):
    for rel in ["b/z.vtk", "a.vtk", "b/a.VTK", "b.mp4", "a_b.vtk"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    found = [p.relative_to(tmp_path).as_posix() for p in find_vtk_files(tmp_path)]
    assert found == ["a.vtk", "a_b.vtk", "b/a.VTK", "b/z.vtk"]
