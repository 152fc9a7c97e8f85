"""The standard PyNN cell types on spikekit's neuron models (`spikekit models`), with unit conversions:
PyNN uses nF, nA, uS; spikekit's configs pF, pA, nS (as NEST's iaf_psc_exp and iaf_cond_exp).

IF_curr_exp     -> lif_exp        (NEST iaf_psc_exp)
IF_cond_exp     -> lif_cond_exp   (NEST iaf_cond_exp; g_L = cm / tau_m)
SpikeSourcePoisson -> poisson_source (stop = start + duration)
SpikeSourceArray   -> spike_source
The alpha-synapse types (IF_curr_alpha, IF_cond_alpha) are absent: spikekit's kernel has no alpha synapse.
"""
from pyNN.standardmodels import cells, synapses, build_translations


class IF_curr_exp(cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__
    translations = build_translations(
        ('v_rest', 'E_L'), ('v_reset', 'V_reset'), ('cm', 'C_m', 1000.0), ('tau_m', 'tau_m'),
        ('tau_refrac', 't_ref'), ('tau_syn_E', 'tau_syn_ex'), ('tau_syn_I', 'tau_syn_in'),
        ('v_thresh', 'V_th'), ('i_offset', 'I_e', 1000.0))
    sk_model = "lif_exp"
    # PyNN state variable -> (spikekit state variable, factor from spikekit's unit to PyNN's)
    sk_state = {"v": ("V_m", 1.0), "isyn_exc": ("I_syn_ex", 1e-3), "isyn_inh": ("I_syn_in", 1e-3)}
    recordable = ['spikes', 'v']


class IF_cond_exp(cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__
    translations = build_translations(
        ('v_rest', 'E_L'), ('v_reset', 'V_reset'), ('cm', 'C_m', 1000.0),
        ('tau_m', 'g_L', "1000.0*cm/tau_m", "C_m/g_L"),
        ('tau_refrac', 't_ref'), ('tau_syn_E', 'tau_syn_ex'), ('tau_syn_I', 'tau_syn_in'),
        ('v_thresh', 'V_th'), ('i_offset', 'I_e', 1000.0), ('e_rev_E', 'E_ex'), ('e_rev_I', 'E_in'))
    sk_model = "lif_cond_exp"
    sk_state = {"v": ("V_m", 1.0), "gsyn_exc": ("g_ex", 1e-3), "gsyn_inh": ("g_in", 1e-3)}
    recordable = ['spikes', 'v', 'gsyn_exc', 'gsyn_inh']


class SpikeSourcePoisson(cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = build_translations(
        ('rate', 'rate'), ('start', 'start'), ('duration', 'stop', "start+duration", "stop-start"))
    sk_model = "poisson_source"
    sk_state = {}


class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = build_translations(('spike_times', 'spike_times'))
    sk_model = "spike_source"
    sk_state = {}


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(('weight', 'weight'), ('delay', 'delay'))

    def _get_minimum_delay(self):
        from .simulator import state
        return state.min_delay
