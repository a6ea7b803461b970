"""The repository's Python tooling (benchmarks, fixture generators, weight converters, the .vtk
reference implementation).

One import convention for every script: the entry points directly in scripts/ put the
repository root on sys.path, and all imports are absolute from there (`scripts.lib...`,
`scripts.fixtures...`, `training.vitok...`, `training.reference...`). Run them from anywhere
with the repository's Python, e.g. `.venv/bin/python scripts/bench.py engine`.
"""
