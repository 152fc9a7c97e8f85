"""Population, PopulationView and Assembly of the spikekit backend: each Population becomes one spikekit
population (its config entry is made at the first run())."""
import numpy as np

from pyNN import common, errors
from pyNN.parameters import ParameterSpace, simplify, Sequence
from pyNN.standardmodels import StandardCellType

from . import simulator
from .recording import Recorder


class Assembly(common.Assembly):
    _simulator = simulator


class PopulationView(common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _get_parameters(self, *names):
        return ParameterSpace({name: simplify(self.parent._parameters[name][self.mask]) for name in names},
                              shape=(self.size,))

    def _set_parameters(self, parameter_space):
        simulator.state._check_not_built("change parameters")
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            self.parent._parameters[name][self.mask] = value

    def _set_initial_value_array(self, variable, initial_values):
        simulator.state._check_not_built("change initial values")
        values = self.parent.initial_values[variable].evaluate(simplify=False)
        values[self.mask] = initial_values.evaluate(simplify=False)
        self.parent.initial_values[variable] = values

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class Population(common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def _create_cells(self):
        if not isinstance(self.celltype, StandardCellType) or not hasattr(self.celltype, "sk_model"):
            raise NotImplementedError(
                "the spikekit backend runs the standard cell types %s, not %s"
                % (", ".join(list_standard_models()), type(self.celltype).__name__))
        simulator.state.add_population(self)
        first = simulator.state.id_counter
        self.all_cells = np.array([simulator.ID(i) for i in range(first, first + self.size)], dtype=simulator.ID)
        self._mask_local = np.ones((self.size,), bool)
        for cell in self.all_cells:
            cell.parent = self
        simulator.state.id_counter += self.size
        space = self.celltype.native_parameters
        space.shape = (self.size,)
        space.evaluate(simplify=False)
        self._parameters = space.as_dict()

    def _set_initial_value_array(self, variable, initial_values):
        simulator.state._check_not_built("change initial values")

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def _get_parameters(self, *names):
        return ParameterSpace({name: simplify(self._parameters[name]) for name in names}, shape=(self.size,))

    def _set_parameters(self, parameter_space):
        simulator.state._check_not_built("change parameters")
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            self._parameters[name] = value

    # ---- the spikekit config entry --------------------------------------------------------------------
    def sk_config(self):
        ct = self.celltype
        entry = {"name": self.sk_name, "size": self.size, "model": ct.sk_model}
        if ct.sk_model == "spike_source":
            entry["spike_times"] = [np.asarray(s.value if isinstance(s, Sequence) else s, float).tolist()
                                    for s in self._parameters["spike_times"]]
            return entry
        params = {}
        for name, values in self._parameters.items():
            values = np.asarray(values, dtype=float)
            if not np.all(values == values.flat[0]):
                raise NotImplementedError(
                    "population %s: parameter %s differs between neurons; the spikekit backend takes one "
                    "value per population" % (self.label, name))
            if np.isfinite(values.flat[0]):
                params[name] = float(values.flat[0])
        entry["params"] = params
        initial = {}
        for variable, lazy in self.initial_values.items():
            if variable not in ct.sk_state:
                continue
            sk_name, factor = ct.sk_state[variable]
            values = np.broadcast_to(np.asarray(lazy.evaluate(simplify=False) if hasattr(lazy, "evaluate")
                                                else lazy, dtype=float), (self.size,)) / factor
            initial[sk_name] = simulator.constant_or_values(values, variable)
        if initial:
            entry["initial"] = initial
        return entry


def list_standard_models():
    from . import standardmodels
    return [n for n in ("IF_curr_exp", "IF_cond_exp", "SpikeSourcePoisson", "SpikeSourceArray")
            if hasattr(standardmodels, n)]
