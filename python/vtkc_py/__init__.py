"""vtkc_py: read vtkc's .vtk files and its webdataset latent shards from Python.

numpy only: `VTKFile` (header, geometry, latents decoded bit-exactly as vtkc does),
`find_vtk_files`, `iter_shard` / `find_shards` (the tar shards of `vtkc latents --format
webdataset`). With torch installed: `VTKDataset` and `ShardDataset` (torch.utils.data),
imported on first use so that `import vtkc_py` never needs torch. The Ray driver that runs
`vtkc compress` on a cluster: `python -m vtkc_py.ray` (needs ray).
"""
from vtkc_py.container import VTKError
from vtkc_py.shards import ShardError, Sample, find_shards, iter_shard
from vtkc_py.vtkfile import VTKFile, find_vtk_files

__all__ = ["VTKError", "VTKFile", "find_vtk_files", "ShardError", "Sample", "find_shards", "iter_shard",
           "VTKDataset", "ShardDataset"]
__version__ = "0.1.0"


def __getattr__(name):
    if name in ("VTKDataset", "ShardDataset"):
        from vtkc_py import torch_data  # imports torch

        return getattr(torch_data, name)
    raise AttributeError(f"module 'vtkc_py' has no attribute {name!r}")
