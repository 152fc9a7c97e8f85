"""Projection of the spikekit backend. The common connectors become spikekit's own connectivity rules (drawn
by the kernel from its seed, as fast as `spikekit run`): AllToAll, OneToOne, FixedProbability,
FixedNumberPre/Post with constant or uniform/normal weights and delays. Every other case (FromList, arrays
of weights, views) is connected by PyNN's connector in Python and handed over as an explicit list.
Weights: nA (current synapses) and uS (conductance synapses) in PyNN, pA and nS in spikekit."""
import numpy as np

from pyNN import common, connectors, errors
from pyNN.random import RandomDistribution
from pyNN.space import Space

from . import simulator
from .standardmodels import StaticSynapse

RECEPTORS = {"excitatory": "exc", "inhibitory": "inh"}
WEIGHT_SCALE = 1000.0  # nA -> pA, uS -> nS


class Connection(common.Connection):
    """One synapse of a projection connected in Python (indices within pre and post)."""

    def __init__(self, pre, post, **attributes):
        self.presynaptic_index = pre
        self.postsynaptic_index = post
        for name, value in attributes.items():
            setattr(self, name, value)

    def as_tuple(self, *attribute_names):
        return tuple(getattr(self, name) for name in attribute_names)


def _root(p):
    if isinstance(p, common.Assembly):
        raise NotImplementedError("the spikekit backend connects Populations and PopulationViews, "
                                         "not Assemblies")
    return getattr(p, "grandparent", p)


def _native_value(value, scale):
    """A weight or delay as a spikekit config value, or None when it needs the explicit list."""
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value) * scale
    if isinstance(value, RandomDistribution):
        p = value.parameters
        if value.name == "uniform":
            return {"uniform": {"low": p["low"] * scale, "high": p["high"] * scale}}
        if value.name == "normal":
            return {"normal": {"mean": p["mu"] * scale, "std": p["sigma"] * scale}}
        if value.name == "normal_clipped":
            return {"normal": {"mean": p["mu"] * scale, "std": p["sigma"] * scale,
                               "min": p["low"] * scale, "max": p["high"] * scale}}
    return None


def _native_rule(connector):
    if type(connector) is connectors.AllToAllConnector:
        return {"rule": "all_to_all", "autapses": bool(connector.allow_self_connections)}
    if type(connector) is connectors.OneToOneConnector:
        return {"rule": "one_to_one"}
    if type(connector) is connectors.FixedProbabilityConnector:
        return {"rule": "fixed_probability", "p": connector.p_connect,
                "autapses": bool(connector.allow_self_connections)}
    if type(connector) in (connectors.FixedNumberPreConnector, connectors.FixedNumberPostConnector) \
            and isinstance(connector.n, (int, np.integer)):
        rule = "fixed_indegree" if type(connector) is connectors.FixedNumberPreConnector else "fixed_outdegree"
        return {"rule": rule, "n": int(connector.n), "autapses": bool(connector.allow_self_connections),
                "multapses": bool(connector.with_replacement)}
    return None


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=Space(), label=None):
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population, connector,
                                   synapse_type, source, receptor_type, space, label)
        if self.receptor_type not in RECEPTORS:
            raise errors.ConnectionError("receptor_type %r: spikekit has 'excitatory' and 'inhibitory'"
                                         % self.receptor_type)
        simulator.state.add_projection(self)
        self.connections = []
        self._rule = None
        params = self.synapse_type.parameter_space
        weight = _native_value(params["weight"].base_value, WEIGHT_SCALE)
        delay = _native_value(params["delay"].base_value, 1.0)
        rule = _native_rule(connector)
        whole = self.pre is _root(self.pre) and self.post is _root(self.post)
        if rule is not None and weight is not None and delay is not None and whole:
            self._rule, self._weight, self._delay = rule, weight, delay
        else:
            connector.connect(self)

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, **connection_parameters):
        pre = np.atleast_1d(presynaptic_indices)
        values = {name: np.broadcast_to(np.asarray(v, dtype=float), pre.shape)
                  for name, v in connection_parameters.items()}
        for k, i in enumerate(pre):
            self.connections.append(Connection(int(i), int(postsynaptic_index),
                                               **{name: float(v[k]) for name, v in values.items()}))

    def __len__(self):
        if self._rule is not None:
            if self._rule["rule"] == "all_to_all" and (self._rule["autapses"] or self.pre is not self.post):
                return self.pre.size * self.post.size
            if self._rule["rule"] == "one_to_one":
                return self.pre.size
            raise NotImplementedError(
                "the kernel draws this projection's synapses; their number is in spikekit's run summary")
        return len(self.connections)

    def _get_attributes_as_list(self, names):
        self._check_listed()
        return common.Projection._get_attributes_as_list(self, names)

    def _get_attributes_as_arrays(self, names, multiple_synapses='sum'):
        self._check_listed()
        return common.Projection._get_attributes_as_arrays(self, names, multiple_synapses)

    def _check_listed(self):
        if self._rule is not None:
            raise NotImplementedError(
                "the kernel draws the synapses of %s connections; connect with a FromListConnector (or "
                "arrays of weights) to read them back" % self._rule["rule"])

    def _set_attributes(self, parameter_space):
        raise NotImplementedError("spikekit sets weights and delays when the network is built")

    def sk_config(self):
        pre, post = _root(self.pre), _root(self.post)
        entry = {"name": self.sk_name, "source": pre.sk_name, "target": post.sk_name,
                 "receptor": RECEPTORS[self.receptor_type]}
        if self._rule is not None:
            entry.update({"connectivity": self._rule, "weight": self._weight, "delay": self._delay})
            return entry
        src = np.array([c.presynaptic_index for c in self.connections], dtype=np.int64)
        tgt = np.array([c.postsynaptic_index for c in self.connections], dtype=np.int64)
        if self.pre is not pre:
            src = np.asarray(self.pre.index_in_grandparent(src), dtype=np.int64)
        if self.post is not post:
            tgt = np.asarray(self.post.index_in_grandparent(tgt), dtype=np.int64)
        entry["connectivity"] = {"rule": "list", "sources": src.tolist(), "targets": tgt.tolist()}
        entry["weight"] = {"values": [c.weight * WEIGHT_SCALE for c in self.connections]}
        entry["delay"] = {"values": [c.delay for c in self.connections]}
        return entry
