"""The PyNN backend: PyNN scripts in the style of PyNN's examples, run on spikekit, checked against analytic
results and against the same network given to spikekit directly."""
import math

import pytest

np = pytest.importorskip("numpy", reason="numpy is missing (apt-get install python3-numpy)")
pytest.importorskip("pyNN", reason="PyNN is missing (apt-get install python3-pynn)")
sim = pytest.importorskip("pyNN_spikekit")
import spikekit  # noqa: E402


def test_import_as_a_pynn_backend():
    import pyNN.spikekit
    from pyNN.utility import get_simulator  # noqa: F401 (scripts pick their backend by name through it)
    assert pyNN.spikekit is sim


def test_regular_firing_from_i_offset_matches_the_lif_formula():
    # PyNN's IF_curr_exp defaults: tau_m 20 ms, cm 1 nF, v_rest = v_reset = -65 mV, v_thresh -50 mV,
    # tau_refrac 0.1 ms. With i_offset = 1 nA: R I = 20 mV, period = t_ref + tau_m ln(RI / (RI - 15 mV)).
    sim.setup(timestep=0.01)
    p = sim.Population(1, sim.IF_curr_exp(i_offset=1.0), label="cell")
    p.record(["spikes", "v"])
    sim.run(200.0)
    seg = p.get_data().segments[0]
    t = np.asarray(seg.spiketrains[0].magnitude)
    period = 0.1 + 20.0 * math.log(20.0 / 5.0)
    assert len(t) == 7
    assert np.allclose(np.diff(t), period, atol=0.02)
    v = seg.analogsignals[0]
    assert v.shape == (20000, 1) and str(v.units.dimensionality) == "mV"
    assert float(v.magnitude.max()) < -50.0 and float(v.magnitude[0, 0]) == pytest.approx(-65.0)
    sim.end()


def test_spike_source_array_drives_a_conductance_cell():
    sim.setup(timestep=0.1)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0, 50.0, 90.0]))
    cell = sim.Population(1, sim.IF_cond_exp())
    sim.Projection(src, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=2.0),
                   receptor_type="excitatory")
    cell.record("spikes")
    src.record("spikes")
    sim.run(100.0)
    block = cell.get_data()
    out = np.asarray(block.segments[0].spiketrains[0].magnitude)
    # 0.5 uS is a strong synapse: each input spike (plus the 2 ms delay) starts a burst, nothing in between
    window = np.searchsorted([12.0, 52.0, 92.0], out) - 1
    assert set(window.tolist()) == {0, 1, 2}
    assert np.all(out - np.array([12.0, 52.0, 92.0])[window] < 12.0)
    assert out[0] < 14.0
    assert np.allclose(src.get_data().segments[0].spiketrains[0].magnitude, [10.0, 50.0, 90.0], atol=0.11)
    sim.end()


def test_from_list_weights_read_back():
    sim.setup(timestep=0.1)
    a = sim.Population(3, sim.SpikeSourcePoisson(rate=50.0))
    b = sim.Population(2, sim.IF_curr_exp())
    conns = [(0, 0, 0.5, 1.0), (1, 1, 0.25, 2.0), (2, 0, -0.1, 1.5)]
    prj = sim.Projection(a, b, sim.FromListConnector(conns, column_names=["weight", "delay"]))
    assert len(prj) == 3
    assert sorted(prj.get("weight", format="list")) == sorted((c[0], c[1], c[2]) for c in conns)
    b.record("spikes")
    sim.run(100.0)
    assert len(b.get_data().segments[0].spiketrains) == 2
    sim.end()


def coba_like(backend_seed=11):
    """A small COBA-style network written in PyNN (Vogels & Abbott's parameters, 400 cells)."""
    sim.setup(timestep=0.1, min_delay=0.1, rng_seed=backend_seed)
    params = dict(tau_m=20.0, cm=0.2, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0, tau_refrac=5.0,
                  e_rev_E=0.0, e_rev_I=-80.0, tau_syn_E=5.0, tau_syn_I=10.0)
    exc = sim.Population(320, sim.IF_cond_exp(**params), label="exc")
    inh = sim.Population(80, sim.IF_cond_exp(**params), label="inh")
    noise = sim.Population(100, sim.SpikeSourcePoisson(rate=20.0), label="noise")
    exc.initialize(v=-55.0)
    inh.initialize(v=-55.0)
    conn = sim.FixedProbabilityConnector(0.1)
    sim.Projection(exc, exc, conn, sim.StaticSynapse(weight=0.004, delay=0.1), receptor_type="excitatory")
    sim.Projection(exc, inh, conn, sim.StaticSynapse(weight=0.004, delay=0.1), receptor_type="excitatory")
    sim.Projection(inh, exc, conn, sim.StaticSynapse(weight=0.051, delay=0.1), receptor_type="inhibitory")
    sim.Projection(inh, inh, conn, sim.StaticSynapse(weight=0.051, delay=0.1), receptor_type="inhibitory")
    for target in (exc, inh):
        sim.Projection(noise, target, sim.FixedProbabilityConnector(0.2),
                       sim.StaticSynapse(weight=0.006, delay=1.0), receptor_type="excitatory")
    exc.record(["spikes", "v"])
    return exc, inh


def test_pynn_network_equals_the_same_config_run_directly():
    exc, inh = coba_like()
    config = sim.simulator.state.config()
    sim.run(200.0)
    seg = exc.get_data().segments[0]
    pynn_spikes = sum(len(st) for st in seg.spiketrains)
    assert pynn_spikes > 0 and len(seg.spiketrains) == 320
    # the config the backend made, run by spikekit itself
    direct = spikekit.run(config, duration_ms=200.0)
    ids, times = direct.spikes["p0"]
    assert ids.size == pynn_spikes
    got = np.sort(np.concatenate([np.asarray(st.magnitude) for st in seg.spiketrains]))
    assert np.allclose(got, np.sort(times))
    # parameters went through PyNN's unit translations: cm 0.2 nF -> 200 pF, g_L = cm / tau_m = 10 nS
    p0 = config["populations"][0]["params"]
    assert p0["C_m"] == pytest.approx(200.0) and p0["g_L"] == pytest.approx(10.0)
    assert config["projections"][2]["weight"] == pytest.approx(51.0)  # uS -> nS
    sim.end()


def test_reset_starts_a_new_segment_with_the_same_network():
    exc, _ = coba_like()
    sim.run(100.0)
    sim.reset()
    sim.run(100.0)
    block = exc.get_data()
    assert len(block.segments) == 2
    first = [np.asarray(s.magnitude) for s in block.segments[0].spiketrains]
    second = [np.asarray(s.magnitude) for s in block.segments[1].spiketrains]
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert block.segments[1].analogsignals[0].shape == (1000, 320)
    sim.end()


def test_unsupported_cell_type_is_refused():
    sim.setup()
    from pyNN.standardmodels import cells
    with pytest.raises(Exception, match="standard cell types"):
        sim.Population(2, cells.HH_cond_exp())
    sim.end()
