"""PyNN backend on spikekit's kernel: `import pyNN_spikekit as sim` (or, after that import,
`import pyNN.spikekit as sim`), then the PyNN API as on NEST or Brian2.

Cell types: IF_curr_exp, IF_cond_exp, SpikeSourcePoisson, SpikeSourceArray. Connectors: all of PyNN's
(AllToAll, OneToOne, FixedProbability, FixedNumberPre/Post run as spikekit's own rules; the others through
an explicit list). Recording: spikes, v, and the synaptic conductances/currents, returned as Neo blocks by
get_data(). The network is built at the first run(); changing it afterwards needs reset().
setup() takes spikekit's seed (`rng_seed`, default 1234) and `threads` besides PyNN's arguments.
"""
import logging
import sys

from pyNN import common
from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_TIMESTEP, DEFAULT_MIN_DELAY
from pyNN.connectors import *  # noqa: F401,F403 (PyNN backends re-export the connectors)
from pyNN.recording import *  # noqa: F401,F403
from pyNN.standardmodels import StandardCellType
from neo.io import get_io

from . import simulator
from .standardmodels import *  # noqa: F401,F403
from .populations import Population, PopulationView, Assembly, list_standard_models  # noqa: F401
from .projections import Projection

logger = logging.getLogger("PyNN")


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    max_delay = extra_params.get('max_delay', DEFAULT_MAX_DELAY)
    common.setup(timestep, min_delay, **extra_params)
    simulator.state.clear()
    simulator.state.dt = timestep
    simulator.state.min_delay = timestep if min_delay == "auto" else min_delay
    simulator.state.max_delay = max_delay
    simulator.state.seed = int(extra_params.get("rng_seed", 1234))
    simulator.state.threads = int(extra_params.get("threads", 1))
    return rank()


def end(compatible_output=True):
    """Write the files record(..., to_file) asked for, and drop the kernel."""
    for (population, variables, filename) in simulator.state.write_on_end:
        io = get_io(filename)
        population.write_data(io, variables)
    simulator.state.write_on_end = []
    simulator.state.sim = None


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)
create = common.build_create(Population)
connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)  # noqa: F405
record = common.build_record(simulator)


def record_v(source, filename):
    return record(['v'], source, filename)


def record_gsyn(source, filename):
    return record(['gsyn_exc', 'gsyn_inh'], source, filename)


# PyNN's own backends are pyNN.<name>; so that scripts (and pyNN.utility.get_simulator) can say
# `import pyNN.spikekit`, this package also answers to that name once imported.
sys.modules.setdefault("pyNN.spikekit", sys.modules[__name__])
import pyNN  # noqa: E402
pyNN.spikekit = sys.modules[__name__]
