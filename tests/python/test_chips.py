"""Mapping onto chip models and chip runs from Python, against the kernel and the command line."""
import json
import os
import subprocess

import pytest

np = pytest.importorskip("numpy", reason="numpy is missing (apt-get install python3-numpy)")
spikekit = pytest.importorskip("spikekit")

from conftest import SOURCE_DIR

LAYERS = os.path.join(SOURCE_DIR, "examples", "chips", "lif_int_layers.json")


def test_map_returns_the_cli_placement():
    placement = spikekit.map(LAYERS, "loihi")
    assert placement["cores_required"] >= 1
    exe = os.environ.get("SPIKEKIT_CLI")
    if exe and os.path.exists(exe):
        out = subprocess.run([exe, "map", LAYERS, "--chip", "loihi", "--json"], check=True,
                             capture_output=True, text=True)
        assert json.loads(out.stdout) == placement


def test_chip_run_gives_the_kernel_spikes_in_barrier_mode():
    chip = spikekit.chip_run(LAYERS, "loihi")
    assert chip.report["mode"] == "barrier" and chip.report["cores_used"] >= 1
    kernel = spikekit.run(LAYERS)
    for pop, (ids, t) in chip.spikes.items():
        assert np.array_equal(ids, kernel.spikes[pop][0]), pop
        assert np.allclose(t, kernel.spikes[pop][1]), pop
    assert chip.report["spikes"] == sum(ids.size for ids, _ in chip.spikes.values())


def test_a_float_network_is_refused_with_the_population_named(small_net):
    with pytest.raises(spikekit.InputError):
        spikekit.chip_run(small_net, "loihi")
    with pytest.raises(spikekit.InputError, match="chip"):
        spikekit.map(LAYERS, "no_such_chip")
