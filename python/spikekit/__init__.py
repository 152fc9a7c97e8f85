"""spikekit from Python: simulate networks described by spikekit configs and get spikes, traces and weights
as NumPy arrays; read and write event-camera files as NumPy structured arrays (Tonic's fields x, y, t, p);
read PhysioNet ECG records.

    import spikekit
    r = spikekit.run("examples/coba.json", duration_ms=200)
    ids, times_ms = r.spikes["exc"]
    print(r.summary["mean_rate_hz"])

Bad input raises spikekit.InputError (a ValueError) with the message the command line prints, including the
file and the JSON path; runtime failures raise spikekit.Error (a RuntimeError).
"""
import json
import os
from collections import namedtuple

from . import _spikekit
from ._spikekit import Error, InputError, event_dtype, models, rules

__all__ = ["run", "Simulation", "RunResult", "Trace", "Error", "InputError", "models", "rules",
           "read_events", "write_events", "event_dtype", "read_ecg", "EcgRecord", "map", "chip_run",
           "ChipRun"]

# One recorded state variable: times_ms [samples], ids [neurons], values [samples, neurons], unit.
Trace = namedtuple("Trace", "times_ms ids values unit")
# The result of run(): spikes {population: (ids, times_ms)}, traces {population: {variable: Trace}},
# summary (the dict `spikekit run --json` prints).
RunResult = namedtuple("RunResult", "spikes traces summary")


def _source(config):
    """(source, from_file, label) for the native Simulation from a dict, JSON text or a path."""
    if isinstance(config, dict):
        return json.dumps(config), False, "<dict>"
    if isinstance(config, (str, os.PathLike)):
        path = os.fspath(config)
        if isinstance(config, str) and path.lstrip().startswith("{"):
            return path, False, "<json>"
        return path, True, path
    raise TypeError("config: expected a dict, JSON text or a path, got %s" % type(config).__name__)


class Simulation:
    """A network built once and run step by step, as Brian2's Network or NEST's Simulate:

        sim = spikekit.Simulation("examples/song2000_stdp.json")
        sim.run(100)                       # ms; run() alone runs to the configured duration
        ids, t = sim.spikes["post"]
        w = sim.weights("input_to_post")   # source, target, weight, delay_ms of a plastic projection
        sim.set_rates("input", rates)      # new Poisson rates (Hz), one per neuron driven
        sim.reward(1.0)                    # for reward-modulated rules
        sim.save_checkpoint("state.h5")
        later = spikekit.Simulation(resume="state.h5")

    config: a dict (the JSON config as Python objects), JSON text, or a config file path. The GIL is released
    while the kernel builds and runs.
    """

    def __init__(self, config=None, duration_ms=None, threads=1, seed=None, resume=None):
        if config is None and resume is None:
            raise TypeError("Simulation needs a config or resume=CHECKPOINT")
        source, from_file, label = _source(config) if config is not None else ("", False, "")
        self._resume = os.fspath(resume) if resume is not None else ""
        self._checkpoint = None
        self._sim = _spikekit.Simulation(source, from_file, label or self._resume, duration_ms,
                                         int(threads), seed, self._resume)

    def run(self, ms=None):
        """Advance by ms milliseconds (default: up to the configured duration)."""
        self._sim.run(ms)
        return self

    @property
    def spikes(self):
        """{population: (ids uint32, times_ms float64)} recorded so far (a copy)."""
        return self._sim.spikes(False)

    def take_spikes(self):
        """The spikes recorded so far, handed over without a copy; the simulation's records start empty."""
        return self._sim.spikes(True)

    @property
    def traces(self):
        """{population: {variable: Trace(times_ms, ids, values[samples, neurons], unit)}}."""
        out = {}
        for pop, var, unit, t, ids, values in self._sim.traces():
            out.setdefault(pop, {})[var] = Trace(t, ids, values, unit)
        return out

    def weights(self, projection):
        """{source, target, weight, delay_ms} arrays of the plastic projection named `projection`, now."""
        return self._sim.weights(projection)

    def set_rates(self, input, rates_hz):
        """New rates (Hz) of Poisson input `input`, one per neuron it drives, from now on."""
        self._sim.set_rates(input, rates_hz)

    def reward(self, amount):
        """Deliver a reward (neuromodulator) to every plastic projection now."""
        self._sim.reward(float(amount))

    @property
    def learning(self):
        return self._sim.learning

    @learning.setter
    def learning(self, on):
        self._sim.learning = bool(on)

    def save_checkpoint(self, path):
        """Save the whole state (HDF5, atomically); Simulation(resume=path) continues bit-identically."""
        self._sim.save_checkpoint(os.fspath(path))
        self._checkpoint = os.fspath(path)

    def summary(self):
        """The dict `spikekit run --json` prints, for the time run so far."""
        return self._sim.summary(self._checkpoint, None)

    def config(self):
        """The network description as a config dict (canonical units)."""
        return json.loads(self._sim.config())

    time_ms = property(lambda self: self._sim.time_ms, doc="biological time simulated so far (ms)")
    dt_ms = property(lambda self: self._sim.dt_ms, doc="time step (ms)")
    duration_ms = property(lambda self: self._sim.duration_ms, doc="the configured duration (ms)")
    neurons = property(lambda self: self._sim.neurons)
    synapses = property(lambda self: self._sim.synapses)
    populations = property(lambda self: self._sim.populations)


def run(config, duration_ms=None, threads=1, seed=None):
    """Build and run a network to its duration; spikes come back as NumPy arrays that own the kernel's
    buffers (no copy). Returns RunResult(spikes, traces, summary)."""
    sim = Simulation(config, duration_ms=duration_ms, threads=threads, seed=seed)
    sim.run()
    summary = sim.summary()
    return RunResult(sim.take_spikes(), sim.traces, summary)


def read_events(path, format=None, info=False):
    """Every event of an event-camera file (EVT 2.0/3.0, DAT, AEDAT, N-MNIST, spikekit HDF5) as a NumPy
    structured array with Tonic's fields x, y (int16), t (int64, microseconds), p (bool), in the buffer the
    decoder filled (no copy). With info=True, returns (events, {format, width, height, camera})."""
    events, meta = _spikekit.read_events(os.fspath(path), format)
    return (events, meta) if info else events


def write_events(path, events, width=None, height=None, format=None):
    """Write a structured array with fields x, y, t (us), p to path (.raw: EVT 2.0, .h5: spikekit HDF5, or
    format="evt2"|"evt3"|"hdf5"), atomically. The sensor size defaults to the events' extent. Returns the
    number of events written."""
    return _spikekit.write_events(os.fspath(path), events, width, height, format)


# A PhysioNet record: signals [frames, leads] in physical units, and its annotations when RECORD.atr exists
# (sample, code, symbol, aami, aux).
EcgRecord = namedtuple("EcgRecord", "record fs_hz leads units comments signals annotations")


def read_ecg(record, verify=True):
    """Read a PhysioNet WFDB record ("dir/100", "dir/100.hea"): header, signals and annotations."""
    d = _spikekit.read_ecg(os.fspath(record), verify)
    return EcgRecord(**d)


def map(config, chip, weight_bits=None):
    """Map a network (config dict, JSON text or path) onto a chip model (`spikekit chips` lists them, or a
    chip file): the placement `spikekit map --json` prints, as a dict. InputError when it does not fit."""
    return _spikekit.map_network(*_source(config), os.fspath(chip), weight_bits)


# A chip run: report (the "chip" object of `spikekit run --chip --json`), spikes {population: (ids, times_ms)}.
ChipRun = namedtuple("ChipRun", "report spikes")


def chip_run(config, chip, gals=False):
    """Map a lif_int network onto a chip model and run it event by event (barrier mode, or gals=True)."""
    report, spikes = _spikekit.chip_run(*_source(config), os.fspath(chip), bool(gals))
    return ChipRun(report, spikes)
