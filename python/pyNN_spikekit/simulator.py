"""The state of the spikekit PyNN backend: the network described so far, and the spikekit.Simulation that
runs it.

PyNN builds a network object by object; spikekit builds a whole network description at once. So Population
and Projection only record what they describe here, and the first run() turns the description into a
spikekit config (a dict, the format of docs/config.md) and builds the kernel. reset() drops the kernel (the
next run() rebuilds the same network from the same seed, so the connectivity is the same).
"""
import numpy as np

from pyNN import common

import spikekit

name = "spikekit"


class ID(int, common.IDMixin):

    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):

    def __init__(self):
        common.control.BaseState.__init__(self)
        self.mpi_rank = 0
        self.num_processes = 1
        self.dt = 0.1
        self.min_delay = 0.1
        self.max_delay = 10.0
        self.seed = 1234
        self.threads = 1
        self.clear()

    # ---- network description ------------------------------------------------------------------------
    def clear(self):
        self.populations = []   # Population objects in creation order
        self.projections = []
        self.recorders = set()
        self.id_counter = 0
        self.segment_counter = -1
        self.write_on_end = []
        self.sim = None
        self.reset()

    def add_population(self, population):
        self._check_not_built("create a Population")
        population.sk_name = "p%d" % len(self.populations)
        self.populations.append(population)

    def add_projection(self, projection):
        self._check_not_built("create a Projection")
        projection.sk_name = "c%d" % len(self.projections)
        self.projections.append(projection)

    def _check_not_built(self, what):
        if self.sim is not None:
            raise NotImplementedError(
                "spikekit builds the network at the first run(): call reset() before you %s" % what)

    def config(self):
        """The spikekit config (a dict) of everything described so far."""
        record_spikes, record_state = [], []
        for p in self.populations:
            record_spikes.extend(p.recorder.spike_recorders(p.sk_name))
            record_state.extend(p.recorder.state_recorders(p.sk_name))
        return {
            "name": "pynn",
            "simulation": {"dt": self.dt, "duration": 1.0, "seed": self.seed, "threads": self.threads},
            "populations": [p.sk_config() for p in self.populations],
            "projections": [c.sk_config() for c in self.projections],
            "record": {"spikes": record_spikes, "state": record_state},
        }

    # ---- running ------------------------------------------------------------------------------------
    def _build(self):
        if self.sim is None:
            self.sim = spikekit.Simulation(self.config(), threads=self.threads)
            for r in self.recorders:
                r._attach(self.sim)

    def run(self, simtime):
        self._build()
        steps = int(round(simtime / self.dt))
        if steps > 0:
            self.sim.run(steps * self.dt)
        self.t = self.sim.time_ms
        self.running = True

    def run_until(self, tstop):
        self.run(tstop - self.t)

    def reset(self):
        """Back to t = 0: the kernel is rebuilt by the next run()."""
        self.sim = None
        self.running = False
        self.t = 0.0
        self.t_start = 0.0
        self.segment_counter += 1


state = State()


def constant_or_values(values, what):
    """A per-neuron array as a config value: one number when all are equal, else {"values": [...]}."""
    values = np.asarray(values, dtype=float)
    if values.size and np.all(values == values.flat[0]):
        return float(values.flat[0])
    return {"values": values.tolist()}
