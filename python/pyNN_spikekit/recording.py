"""Recording for the spikekit backend: what is recorded becomes the config's "record" section; the data come
from the kernel's recordings (spikes handed over without a copy) when PyNN asks for them (get_data)."""
import numpy as np

from pyNN import recording

from . import simulator


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population, file=None):
        recording.Recorder.__init__(self, population, file)
        self._spikes = []        # (ids, times_ms) chunks taken from the kernel, PyNN ids
        self._trace_offset = {}  # variable -> samples dropped by clear

    def _record(self, variable, new_ids, sampling_interval=None):
        simulator.state._check_not_built("change what is recorded")
        if sampling_interval is not None:
            self.sampling_interval = sampling_interval

    def _indices(self, variable):
        return sorted(self.population.id_to_index(int(i)) for i in self.recorded[variable])

    def spike_recorders(self, sk_name):
        if not self.recorded.get("spikes"):
            return []
        return [{"population": sk_name, "neurons": [int(i) for i in self._indices("spikes")]}]

    def state_recorders(self, sk_name):
        out = []
        for variable, ids in self.recorded.items():
            if variable == "spikes" or not ids:
                continue
            sk_var = self.population.celltype.sk_state[variable][0]
            out.append({"population": sk_name, "variables": [sk_var],
                        "neurons": [int(i) for i in self._indices(variable)],
                        "interval": "%g ms" % self.sampling_interval})
        return out

    def _attach(self, sim):
        self._spikes = []
        self._trace_offset = {}

    def _take(self):
        """Moves the spikes the kernel recorded since the last call into this recorder (all recorders at
        once, since the kernel hands over every population's spikes together)."""
        sim = simulator.state.sim
        if sim is None:
            return
        taken = sim.take_spikes()
        for r in simulator.state.recorders:
            got = taken.get(r.population.sk_name)
            if got is not None and got[0].size:
                first = int(r.population.first_id)
                r._spikes.append((got[0].astype(np.int64) + first, got[1]))

    def _get_spiketimes(self, ids, clear=False):
        self._take()
        if self._spikes:
            id_array = np.concatenate([c[0] for c in self._spikes])
            times = np.concatenate([c[1] for c in self._spikes])
        else:
            id_array, times = np.zeros(0, np.int64), np.zeros(0)
        keep = np.isin(id_array, np.asarray(list(ids), dtype=np.int64))
        if clear:
            self._spikes = []
        return id_array[keep], times[keep].copy()

    def _get_all_signals(self, variable, ids, clear=False):
        sim = simulator.state.sim
        sk_var, factor = self.population.celltype.sk_state[variable]
        if sim is None:
            return np.zeros((0, len(ids))), None
        trace = sim.traces[self.population.sk_name][sk_var]
        columns = {int(i): k for k, i in enumerate(trace.ids)}
        cols = [columns[self.population.id_to_index(int(i))] for i in ids]
        first = self._trace_offset.get(variable, 0)
        values = trace.values[first:, cols].astype(float) * factor
        if clear:
            self._trace_offset[variable] = trace.values.shape[0]
        return values, None

    def _local_count(self, variable, filter_ids=None):
        ids = self.filter_recorded(variable, filter_ids)
        id_array, _ = self._get_spiketimes(ids)
        counts = {int(i): 0 for i in ids}
        uniq, n = np.unique(id_array, return_counts=True)
        counts.update({int(i): int(c) for i, c in zip(uniq, n)})
        return counts

    def _clear_simulator(self):
        self._take()
        self._spikes = []

    def _reset(self):
        self._spikes = []
        self._trace_offset = {}
