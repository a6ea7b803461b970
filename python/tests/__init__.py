"""Tests of the vtkc_py package (a package, so that its conftest and helpers keep their own
module names next to training/tests in one pytest run)."""
