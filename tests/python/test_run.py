"""spikekit.run and spikekit.Simulation against the command line and the kernel's guarantees."""
import copy
import json
import os
import subprocess

import pytest

np = pytest.importorskip("numpy", reason="numpy is missing (apt-get install python3-numpy)")
spikekit = pytest.importorskip("spikekit")

from conftest import SOURCE_DIR


def cli():
    exe = os.environ.get("SPIKEKIT_CLI")
    if not exe or not os.path.exists(exe):
        pytest.skip("SPIKEKIT_CLI does not name the spikekit program")
    return exe


def test_run_gives_arrays_and_the_cli_summary(small_net, tmp_path):
    r = spikekit.run(small_net)
    ids, t = r.spikes["a"]
    assert ids.dtype == np.uint32 and t.dtype == np.float64 and ids.shape == t.shape
    assert ids.size > 0 and ids.max() < 20 and np.all(np.diff(t) >= 0)
    assert 0 < t.min() and t.max() <= 50.0
    # the arrays own the kernel's buffers through a capsule: no copy was made
    assert ids.base is not None and ids.flags.owndata is False
    cfg = tmp_path / "small.json"
    cfg.write_text(json.dumps(small_net))
    out = subprocess.run([cli(), "run", str(cfg), "--json", "--no-output", "--quiet"], check=True,
                         capture_output=True, text=True)
    expected = json.loads(out.stdout)
    for key in ("run_s", "build_s"):
        expected.pop(key), r.summary.pop(key)
    assert r.summary == expected
    assert r.summary["populations"]["a"]["spikes"] == ids.size


def test_path_seed_duration_threads(small_net, tmp_path):
    cfg = tmp_path / "small.json"
    cfg.write_text(json.dumps(small_net))
    one = spikekit.run(str(cfg), duration_ms=30, seed=3)
    two = spikekit.run(cfg, duration_ms=30, seed=3, threads=2)
    assert one.summary["sim_ms"] == pytest.approx(30.0) and one.summary["seed"] == 3
    for pop in ("a", "b"):
        assert np.array_equal(one.spikes[pop][0], two.spikes[pop][0])
        assert np.array_equal(one.spikes[pop][1], two.spikes[pop][1])
    other = spikekit.run(cfg, duration_ms=30, seed=4)
    assert not np.array_equal(one.spikes["a"][1], other.spikes["a"][1])


def test_bad_input_raises_input_error_with_json_path(small_net):
    bad = copy.deepcopy(small_net)
    bad["projections"][0]["weight"] = "3 ms"
    with pytest.raises(spikekit.InputError) as e:
        spikekit.run(bad)
    assert isinstance(e.value, ValueError)
    assert "projections[0].weight" in str(e.value) and e.value.where == "projections[0].weight"
    with pytest.raises(spikekit.InputError, match="nope.json"):
        spikekit.run("nope.json")
    with pytest.raises(spikekit.InputError, match="duration_ms"):
        spikekit.run(small_net, duration_ms=-1)


def test_same_message_as_the_cli(small_net, tmp_path):
    bad = copy.deepcopy(small_net)
    bad["populations"][0]["size"] = -3
    cfg = tmp_path / "bad.json"
    cfg.write_text(json.dumps(bad))
    out = subprocess.run([cli(), "run", str(cfg), "--no-output"], capture_output=True, text=True)
    assert out.returncode == 2
    with pytest.raises(spikekit.InputError) as e:
        spikekit.run(str(cfg))
    assert str(e.value) in out.stderr


def test_stepwise_equals_one_run(small_net):
    whole = spikekit.run(small_net)
    sim = spikekit.Simulation(small_net)
    sim.run(20).run(30)
    assert sim.time_ms == pytest.approx(50.0)
    for pop in ("a", "b"):
        assert np.array_equal(sim.spikes[pop][1], whole.spikes[pop][1])
    tr = sim.traces["a"]["V_m"]
    assert tr.values.shape == (500, 3) and tr.unit == "mV" and list(tr.ids) == [0, 1, 2]
    assert tr.times_ms[0] == 0.0 and tr.times_ms[1] == pytest.approx(0.1)
    assert np.array_equal(tr.values, whole.traces["a"]["V_m"].values)


def test_take_spikes_empties_the_record(small_net):
    sim = spikekit.Simulation(small_net)
    sim.run(25)
    first = sim.take_spikes()
    assert sim.spikes["a"][0].size == 0
    sim.run(25)
    second = sim.spikes
    whole = spikekit.run(small_net)
    assert np.array_equal(np.concatenate([first["a"][1], second["a"][1]]), whole.spikes["a"][1])


def test_checkpoint_resume_is_bit_identical(small_net, tmp_path):
    whole = spikekit.run(small_net)
    sim = spikekit.Simulation(small_net)
    sim.run(20)
    sim.save_checkpoint(tmp_path / "c.h5")
    resumed = spikekit.Simulation(resume=tmp_path / "c.h5")
    assert resumed.time_ms == pytest.approx(20.0)
    resumed.run()
    assert resumed.summary()["resumed_at_ms"] == pytest.approx(20.0)
    assert np.array_equal(resumed.spikes["b"][1], whole.spikes["b"][1])


def test_set_rates_changes_the_input(small_net):
    sim = spikekit.Simulation(small_net)
    sim.set_rates("drive", np.zeros(20))
    sim.run(50)
    assert sim.spikes["a"][0].size == 0
    with pytest.raises(spikekit.InputError):
        sim.set_rates("drive", np.zeros(3))
    with pytest.raises(spikekit.InputError):
        sim.set_rates("nothing", np.zeros(20))


def test_plastic_weights_and_reward():
    cfg = os.path.join(SOURCE_DIR, "examples", "song2000_stdp.json")
    sim = spikekit.Simulation(cfg, duration_ms=200)
    names = [p["name"] for p in sim.config()["projections"] if "plasticity" in p]
    before = sim.weights(names[0])
    sim.run()
    after = sim.weights(names[0])
    assert before["weight"].shape == after["weight"].shape and before["source"].dtype == np.uint32
    assert not np.array_equal(before["weight"], after["weight"])
    sim.reward(1.0)  # ignored by pair STDP, accepted
    with pytest.raises(spikekit.InputError, match="plastic"):
        sim.weights("no such projection")


def test_models_and_rules_tables():
    m = spikekit.models()
    assert "lif_cond_exp" in m
    names = {p["name"]: p for p in m["lif_cond_exp"]["params"]}
    assert names["C_m"]["unit"] == "pF" and names["C_m"]["default"] == 250.0
    assert {s["name"] for s in m["lif_cond_exp"]["state"]} >= {"V_m", "g_ex", "g_in"}
    assert "stdp_additive" in spikekit.rules()
