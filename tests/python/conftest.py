"""Shared fixtures of the Python tests: the source tree, the shared recordings (skipped with a message when
absent), and a small network config."""
import os

import pytest

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED_DATA = os.environ.get("SPIKEKIT_SHARED_DATA", os.path.join(SOURCE_DIR, "..", "shared", "data"))


@pytest.fixture
def shared_file():
    def find(rel):
        path = os.path.join(SHARED_DATA, rel)
        if not os.path.exists(path):
            pytest.skip("shared recording missing: %s" % path)
        return path
    return find


@pytest.fixture
def small_net():
    """Two LIF populations driven by Poisson input: spikes in a few ms, traces of three neurons."""
    return {
        "name": "small",
        "simulation": {"dt": "0.1 ms", "duration": "50 ms", "seed": 7},
        "populations": [
            {"name": "a", "size": 20, "model": "lif_exp", "params": {"tau_m": "10 ms"}},
            {"name": "b", "size": 10, "model": "lif_exp"},
        ],
        "projections": [
            {"source": "a", "target": "b", "receptor": "exc",
             "connectivity": {"rule": "fixed_probability", "p": 0.5}, "weight": "300 pA", "delay": "1 ms"},
        ],
        "inputs": [{"name": "drive", "type": "poisson", "target": "a", "receptor": "exc", "rate": "2 kHz",
                    "weight": "250 pA"}],
        "record": {"spikes": [{"population": "a"}, {"population": "b"}],
                   "state": [{"population": "a", "variables": ["V_m"], "neurons": {"first": 3}}]},
    }
