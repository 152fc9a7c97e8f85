// Checks across sections of a description, against the model tables. Messages carry the JSON path the
// value came from, so they read the same whether the description came from a file or from code.
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

#include "config_reward.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit {
namespace {

struct checker {
    const network_description& d;
    const model_registry& models;

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw input_error(d.source_file, where, what);
    }
    std::string at(const char* section, std::size_t i) const {
        return std::string(section) + "[" + std::to_string(i) + "]";
    }

    const population& pop(const std::string& where, const std::string& name) const {
        const population* p = d.find_population(name);
        if (!p) fail(where, "unknown population '" + name + "'");
        return *p;
    }
    const neuron_model& model(const std::string& where, const population& p) const {
        const neuron_model* m = models.find(p.model);
        if (!m) fail(where, "unknown neuron model '" + p.model + "'");
        return *m;
    }
    void selection(const std::string& where, const neuron_selection& s, const population& p) const {
        for (auto id : s.ids)
            if (id >= p.size)
                fail(where, "neuron index " + std::to_string(id) + " is out of range for population '" +
                                p.name + "' of size " + std::to_string(p.size));
    }
    void per_item(const std::string& where, const value_spec& v, std::size_t n, const char* what) const {
        if (v.type == value_spec::kind::list && v.values.size() != n)
            fail(where, "expected " + std::to_string(n) + " values (one per " + what + "), got " +
                            std::to_string(v.values.size()));
    }

    void populations() const {
        for (std::size_t i = 0; i < d.populations.size(); ++i) {
            const auto& p = d.populations[i];
            const auto w = at("populations", i);
            for (std::size_t k = 0; k < i; ++k)
                if (d.populations[k].name == p.name)
                    fail(w + ".name", "duplicate population name '" + p.name + "'");
            const neuron_model* m = models.find(p.model);
            if (!m) fail(w + ".model", "unknown neuron model '" + p.model + "'");
            for (const auto& [k, v] : p.params) {
                const param_info* info = find_param(m->params(), k);
                if (!info) fail(w + ".params." + k, "unknown parameter '" + k + "' of model " + p.model);
                if (auto msg = check_range(*info, v); !msg.empty()) fail(w + ".params." + k, msg);
            }
            for (const auto& [k, v] : p.per_neuron) {
                if (!find_param(m->params(), k))
                    fail(w + ".params." + k, "unknown parameter '" + k + "' of model " + p.model);
                if (p.params.count(k)) fail(w + ".params." + k, "given both as one value and per neuron");
                per_item(w + ".params." + k, v, p.size, "neuron");
            }
            // With values per neuron, each neuron's set is checked when they are drawn (lower_params).
            if (p.per_neuron.empty())
                if (auto msg = m->check(with_defaults(m->params(), p.params)); !msg.empty())
                    fail(w + ".params", msg);
            for (const auto& [k, v] : p.initial) {
                if (m->state_index(k) < 0) fail(w + ".initial." + k, "unknown state variable '" + k + "'");
                per_item(w + ".initial." + k, v, p.size, "neuron");
            }
            if (m->takes_spike_times() && !p.spike_times.empty() && p.spike_times.size() != p.size)
                fail(w + ".spike_times", "expected " + std::to_string(p.size) +
                                             " lists of spike times (one per neuron), got " +
                                             std::to_string(p.spike_times.size()));
            if (!m->takes_spike_times() && !p.spike_times.empty())
                fail(w + ".spike_times", "model " + p.model + " takes no spike_times (spike_source does)");
            if (p.replay && !m->takes_spike_times())
                fail(w + ".replay", "model " + p.model + " takes no replay (spike_source does)");
            for (std::size_t n = 0; n < p.spike_times.size(); ++n)
                for (std::size_t k = 0; k < p.spike_times[n].size(); ++k) {
                    const double t = p.spike_times[n][k];
                    if (t < 0 || (k > 0 && t < p.spike_times[n][k - 1]))
                        fail(w + ".spike_times[" + std::to_string(n) + "][" + std::to_string(k) + "]",
                             "expected non-negative spike times in increasing order");
                }
        }
    }

    void projections() const {
        for (std::size_t i = 0; i < d.projections.size(); ++i) {
            const auto& p = d.projections[i];
            const auto w = at("projections", i);
            const auto& src = pop(w + ".source", p.source);
            const auto& tgt = pop(w + ".target", p.target);
            const neuron_model& m = model(w + ".target", tgt);
            const auto ri = m.receptor_index(p.receptor);
            if (ri < 0) fail(w + ".receptor", "unknown receptor '" + p.receptor + "' of model " + tgt.model);
            const auto& c = p.conn;
            using k = connectivity::kind;
            if (c.type == k::one_to_one && src.size != tgt.size)
                fail(w + ".connectivity", "one_to_one needs populations of equal size, got " +
                                              std::to_string(src.size) + " and " + std::to_string(tgt.size));
            if (c.type == k::fixed_indegree && !c.multapses && c.n > src.size)
                fail(w + ".connectivity.n", "an in-degree of " + std::to_string(c.n) +
                                                " without multapses needs at least as many sources, got " +
                                                std::to_string(src.size));
            if (c.type == k::fixed_outdegree && !c.multapses && c.n > tgt.size)
                fail(w + ".connectivity.n", "an out-degree of " + std::to_string(c.n) +
                                                " without multapses needs at least as many targets, got " +
                                                std::to_string(tgt.size));
            if (c.type == k::conv2d) conv2d(w, p, src, tgt);
            if (p.plasticity && p.plasticity->reward) reward(w + ".plasticity.reward", *p.plasticity->reward);
            for (std::size_t s = 0; s < c.sources.size(); ++s) {
                if (c.sources[s] >= src.size)
                    fail(w + ".connectivity.sources[" + std::to_string(s) + "]",
                         "source index " + std::to_string(c.sources[s]) +
                             " out of range for population of size " + std::to_string(src.size));
                if (c.targets[s] >= tgt.size)
                    fail(w + ".connectivity.targets[" + std::to_string(s) + "]",
                         "target index " + std::to_string(c.targets[s]) +
                             " out of range for population of size " + std::to_string(tgt.size));
            }
            if (!m.receptors()[static_cast<std::size_t>(ri)].sign_free) {
                const auto& wt = p.weight;
                const bool negative = (wt.type == value_spec::kind::constant && wt.value < 0) ||
                                      (wt.type == value_spec::kind::uniform && wt.low < 0);
                if (negative)
                    fail(w + ".weight",
                         "receptor '" + p.receptor + "' takes conductances: expected weights >= 0");
            }
            if (m.receptors()[static_cast<std::size_t>(ri)].integer_weights) {
                const auto& wt = p.weight;
                bool whole = wt.type == value_spec::kind::constant ? std::floor(wt.value) == wt.value
                                                                   : wt.type != value_spec::kind::uniform &&
                                                                         wt.type != value_spec::kind::normal;
                for (double v : wt.values) whole = whole && std::floor(v) == v;
                if (!whole)
                    fail(w + ".weight",
                         "model " + tgt.model + " takes whole-number weights (integer arithmetic)");
            }
            for (const auto& [key, v] : {std::pair{".weight", &p.weight}, std::pair{".delay", &p.delay}}) {
                if (const auto n = synapse_count(p, src, tgt))
                    per_item(w + key, *v, *n, "synapse");
                else if (v->type == value_spec::kind::list && c.type != k::conv2d) // conv2d: the kernel
                    fail(w + key,
                         "a list of values needs a rule with a known number of synapses (all_to_all, "
                         "one_to_one, fixed_indegree, fixed_outdegree, list); use an hdf5 dataset");
            }
            delay(w + ".delay", p.delay);
        }
    }

    // The number of synapses a rule makes when the description alone fixes it.
    static std::optional<std::uint64_t> synapse_count(const projection& p, const population& src,
                                                      const population& tgt) {
        using k = connectivity::kind;
        const bool self = &src == &tgt && !p.conn.autapses;
        switch (p.conn.type) {
        case k::all_to_all:
            return std::uint64_t{src.size} * tgt.size - (self ? src.size : 0);
        case k::one_to_one:
            return src.size;
        case k::fixed_indegree:
            return std::uint64_t{p.conn.n} * tgt.size;
        case k::fixed_outdegree:
            return std::uint64_t{p.conn.n} * src.size;
        case k::list:
            return p.conn.sources.size();
        default:
            return std::nullopt;
        }
    }

    // Delays shorter than one step cannot be delivered: the message says which bound of the spec is short.
    void delay(const std::string& where, const value_spec& dl) const {
        const double dt = d.sim.dt_ms, tolerance = 1e-9 * dt;
        auto short_of = [&](double v) { return v < dt - tolerance; };
        const std::string step = " is below the time step dt = " + number(dt) + " ms: expected delays >= dt";
        using k = value_spec::kind;
        if (dl.type == k::constant && short_of(dl.value))
            fail(where, "a delay of " + number(dl.value) + " ms" + step);
        if (dl.type == k::uniform && short_of(dl.low))
            fail(where + ".uniform.low", "the lowest delay " + number(dl.low) + " ms" + step);
        if (dl.type == k::normal && (!dl.min || short_of(*dl.min)))
            fail(where + ".normal",
                 dl.min ? "'min' = " + number(*dl.min) + " ms" + step
                        : "a normal distribution of delays needs 'min' >= dt (" + number(dt) + " ms)");
        for (std::size_t i = 0; i < dl.values.size(); ++i)
            if (short_of(dl.values[i]))
                fail(where + ".values[" + std::to_string(i) + "]",
                     "a delay of " + number(dl.values[i]) + " ms" + step);
    }

    static std::string number(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return buf;
    }

    // A convolution's populations must have its shapes; its weight is the shared kernel and its delay one
    // number (every position uses the same synapse).
    void conv2d(const std::string& w, const projection& p, const population& src,
                const population& tgt) const {
        const auto& v = p.conn.conv;
        const std::uint64_t n_in = std::uint64_t{v.in_shape[0]} * v.in_shape[1] * v.in_shape[2];
        const std::uint64_t n_out = std::uint64_t{v.out_channels} * v.out_h() * v.out_w();
        if (src.size != n_in)
            fail(w + ".connectivity.in_shape", "source population '" + src.name + "' has " +
                                                   std::to_string(src.size) + " neurons, in_shape needs " +
                                                   std::to_string(n_in));
        if (tgt.size != n_out)
            fail(w + ".target", "target population '" + tgt.name + "' has " + std::to_string(tgt.size) +
                                    " neurons, the convolution produces " + std::to_string(v.out_channels) +
                                    " x " + std::to_string(v.out_h()) + " x " + std::to_string(v.out_w()) +
                                    " = " + std::to_string(n_out));
        const auto& wt = p.weight;
        if (wt.type == value_spec::kind::uniform || wt.type == value_spec::kind::normal)
            fail(w + ".weight", "a conv2d kernel is given as values, an HDF5 dataset or one constant");
        if (wt.type == value_spec::kind::list && wt.values.size() != v.kernel_size())
            fail(w + ".weight", "expected " + std::to_string(v.kernel_size()) +
                                    " kernel values (out_channels x in_channels/groups x kh x kw), got " +
                                    std::to_string(wt.values.size()));
        if (p.delay.type != value_spec::kind::constant)
            fail(w + ".delay", "a conv2d projection takes one delay");
        if (p.plasticity)
            fail(w + ".plasticity", "conv2d projections share their weights and cannot be plastic");
    }

    // The rule's side (does it take a reward?) is checked when rules are known (validate_plasticity).
    void reward(const std::string& where, const reward_source& r) const {
        pop(where + ".population", r.population);
        if (auto problem = detail::check_reward_amount(r.amount); !problem.empty())
            fail(where + ".amount", problem);
    }

    void inputs_and_recorders() const {
        for (std::size_t i = 0; i < d.inputs.size(); ++i) {
            const auto& in = d.inputs[i];
            const auto w = at("inputs", i);
            const auto& p = pop(w + ".target", in.target);
            selection(w + ".neurons", in.neurons, p);
            if (in.stop_ms && *in.stop_ms < in.start_ms) fail(w + ".stop", "expected stop >= start");
            if (in.type == input::kind::poisson && in.rate_hz * d.sim.dt_ms * 1e-3 > 1000)
                fail(w + ".rate", "expected fewer than 1000 events per step per neuron");
            if (in.rates_from && in.rates_from->max_rate_hz * d.sim.dt_ms * 1e-3 > 1000)
                fail(w + ".rates_from.max_rate", "expected fewer than 1000 events per step per neuron");
            if (in.rates_from && in.rates_from->present_ms < d.sim.dt_ms)
                fail(w + ".rates_from.present", "expected a presentation of at least one step (dt)");
            if (in.type == input::kind::current && model(w + ".target", p).is_source())
                fail(w + ".target", "population '" + p.name + "' is a spike source and takes no current");
        }
        for (std::size_t i = 0; i < d.spike_recorders.size(); ++i) {
            const auto w = at("record.spikes", i);
            selection(w + ".neurons", d.spike_recorders[i].neurons,
                      pop(w + ".population", d.spike_recorders[i].population));
        }
        for (std::size_t i = 0; i < d.state_recorders.size(); ++i) {
            const auto& r = d.state_recorders[i];
            const auto w = at("record.state", i);
            const auto& p = pop(w + ".population", r.population);
            selection(w + ".neurons", r.neurons, p);
            const auto& m = model(w + ".population", p);
            if (r.interval_ms != 0 && r.interval_ms < d.sim.dt_ms * (1 - 1e-9))
                fail(w + ".interval", "an interval of " + number(r.interval_ms) +
                                          " ms is shorter than the time step dt = " + number(d.sim.dt_ms) +
                                          " ms");
            for (std::size_t v = 0; v < r.variables.size(); ++v)
                if (m.state_index(r.variables[v]) < 0)
                    fail(w + ".variables[" + std::to_string(v) + "]",
                         "unknown state variable '" + r.variables[v] + "' of model " + p.model);
        }
    }
};
} // namespace

std::string duration_problem(double duration_ms, double dt_ms) {
    if (!(duration_ms >= 0)) return "expected a duration >= 0 ms";
    if (duration_ms / dt_ms > max_run_steps) {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "%g ms is %.3g steps of dt = %g ms: expected at most 2^53 (%.3g) steps", duration_ms,
                      duration_ms / dt_ms, dt_ms, max_run_steps);
        return buf;
    }
    return "";
}

void validate(const network_description& d, const model_registry& models) {
    if (!(d.sim.dt_ms >= min_dt_ms && d.sim.dt_ms <= max_dt_ms))
        throw input_error(d.source_file, "simulation.dt",
                          "expected a time step in [" + checker::number(min_dt_ms) + ", " +
                              checker::number(max_dt_ms) + "] ms, got " + checker::number(d.sim.dt_ms) +
                              " ms");
    if (auto problem = duration_problem(d.sim.duration_ms, d.sim.dt_ms); !problem.empty())
        throw input_error(d.source_file, "simulation.duration", problem);
    checker c{d, models};
    c.populations();
    c.projections();
    c.inputs_and_recorders();
}

} // namespace spikekit
