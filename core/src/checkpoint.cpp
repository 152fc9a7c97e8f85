// Checkpoint and resume (docs/checkpoint.md has the layout).
//
// The dynamic state of a run is: every population's exposed state arrays (membranes, synaptic variables,
// refractory ends, event-driven bookkeeping), the delay ring (spikes in flight), the step number, the spike
// and event counters, and what the recorders hold so far. Random numbers are counter-based (random.hpp):
// their position is the step number, so nothing else needs saving. Synapses are rebuilt from the network
// description with the same seed, so they are not stored. A resumed run therefore continues bit for bit.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "simulation_impl.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit {
namespace {
constexpr const char* format_name = "spikekit checkpoint";
// Version 2: config and network identity as string datasets (any size; version 1 kept them in attributes,
// limited to 64 KB) and a CRC-32 on every dataset. Version 1 files still load, without the checksums.
constexpr double format_version = 2;
// Bound on finite real state values: no state of a built-in model or rule comes near it in its unit (mV,
// pA, nS, ms), a damaged file's 1e300 does.
constexpr double max_state = 1e15;
// Bound on integer state values (steps, integer membranes, cursors), so that differences of them cannot
// overflow; INT64_MIN is allowed as the "never" marker of the integer rules.
constexpr std::int64_t max_int_state = std::int64_t{1} << 62;

// Checks the format and version of a checkpoint; returns the version.
int checkpoint_version(const io::h5::reader& r) {
    if (!r.has("/checkpoint/step"))
        throw input_error(r.path(), "/checkpoint", "not a spikekit checkpoint (no /checkpoint/step)");
    if (r.read_string_attr("/checkpoint", "format") != format_name)
        throw input_error(r.path(), "/checkpoint.format", "not a spikekit checkpoint");
    const double v = r.read_double_attr("/checkpoint", "version");
    if (v != 1 && v != format_version)
        throw input_error(r.path(), "/checkpoint.version",
                          "unsupported checkpoint version " + std::to_string(v) +
                              " (this spikekit reads 1 and 2)");
    return static_cast<int>(v);
}

// A text of the checkpoint: a string dataset /checkpoint/NAME (version 2, checked against its CRC), or an
// attribute of /checkpoint (version 1).
std::string checkpoint_text(const io::h5::reader& r, int version, const std::string& name) {
    if (version == 1) return r.read_string_attr("/checkpoint", name);
    r.verify_checksum("/checkpoint/" + name, true);
    return r.read_string("/checkpoint/" + name);
}

std::string number(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

[[noreturn]] void refuse(const io::h5::reader& r, const std::string& dataset, std::size_t i,
                         const std::string& value, const std::string& why) {
    throw input_error(r.path(), dataset, "value " + std::to_string(i) + " = " + value + ": " + why);
}

// Real state: no NaN, no +inf, |x| <= max_state; -inf only where it means "never" (times of rules).
void check_reals(const io::h5::reader& r, const std::string& dataset, std::span<const double> v,
                 bool never_ok) {
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double x = v[i];
        if (std::isnan(x)) refuse(r, dataset, i, "NaN", "not a number");
        if (never_ok && x == -std::numeric_limits<double>::infinity()) continue;
        if (!(std::fabs(x) <= max_state))
            refuse(r, dataset, i, number(x), "outside the range of any state (|x| <= 1e15)");
    }
}

template <class T>
void check_finite(const io::h5::reader& r, const std::string& dataset, const std::vector<T>& v) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i]))
            refuse(r, dataset, i, number(static_cast<double>(v[i])), "expected a finite number");
}

void check_ints(const io::h5::reader& r, const std::string& dataset, std::span<const std::int64_t> v) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i] != std::numeric_limits<std::int64_t>::min() &&
            (v[i] < -max_int_state || v[i] > max_int_state))
            refuse(r, dataset, i, std::to_string(v[i]), "outside [-2^62, 2^62]");
}

// steps x per_step, saturated.
std::int64_t at_most(std::int64_t steps, std::uint64_t per_step) {
    const auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (per_step != 0 && static_cast<std::uint64_t>(steps) > limit / per_step)
        return std::numeric_limits<std::int64_t>::max();
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(steps) * per_step);
}

// One value in [lo, hi].
std::int64_t one_in(const io::h5::reader& r, const std::string& dataset, const std::vector<std::int64_t>& v,
                    std::int64_t lo, std::int64_t hi) {
    if (v.size() != 1)
        throw input_error(r.path(), dataset, "holds " + std::to_string(v.size()) + " values, expected 1");
    if (v[0] < lo || v[0] > hi)
        refuse(r, dataset, 0, std::to_string(v[0]),
               "expected a value in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v[0];
}

// The description with what may differ between the checkpointed and the resumed run (duration, threads)
// neutralised, as canonical JSON: two runs can exchange state when these strings are equal.
std::string network_identity(network_description d) {
    d.sim.duration_ms = 0;
    d.sim.threads = 1;
    return to_json(d);
}

std::string pop_group(const lowered_pop& lp) {
    return "/populations/" + lp.desc->name;
}

template <class T>
void expect_size(const io::h5::reader& r, const std::string& dataset, const std::vector<T>& got,
                 std::size_t want) {
    if (got.size() != want)
        throw input_error(r.path(), dataset,
                          "holds " + std::to_string(got.size()) + " values, the network needs " +
                              std::to_string(want));
}

// The named arrays of a neuron group or a rule's state, under group `g`: written, read back (checked against
// the sizes the network needs, before anything changes) and then put in place.
struct saved_arrays {
    std::vector<std::vector<double>> reals;
    std::vector<std::vector<std::int64_t>> ints;
};

void write_arrays(io::h5::writer& w, const std::string& g, const group_state& st) {
    for (const auto& a : st.real_arrays()) w.write(g + "/real/" + a.name, *a.data);
    for (const auto& a : st.int_arrays()) w.write(g + "/int/" + a.name, *a.data);
}

saved_arrays read_arrays(const io::h5::reader& r, const std::string& g, const group_state& st) {
    saved_arrays out;
    for (const auto& a : st.real_arrays()) {
        const auto ds = g + "/real/" + a.name;
        out.reals.push_back(r.read_doubles(ds));
        expect_size(r, ds, out.reals.back(), a.data->size());
        check_reals(r, ds, out.reals.back(), a.name.ends_with("time"));
    }
    for (const auto& a : st.int_arrays()) {
        const auto ds = g + "/int/" + a.name;
        out.ints.push_back(r.read_ints(ds));
        expect_size(r, ds, out.ints.back(), a.data->size());
        check_ints(r, ds, out.ints.back());
    }
    return out;
}

// Exchanges the saved arrays with the group's (twice = undone).
void swap_arrays(saved_arrays& saved, const group_state& st) {
    std::size_t k = 0;
    for (const auto& a : st.real_arrays()) a.data->swap(saved.reals[k++]);
    k = 0;
    for (const auto& a : st.int_arrays()) a.data->swap(saved.ints[k++]);
}

// Parameters that vary per neuron are saved with the state (/populations/NAME/params/PARAM). They come from
// the description (which must be the checkpoint's) and its seed, or from a data file it names: a resumed
// run must see the values the state evolved under, so a checkpoint whose saved values differ from the
// network's (the data file changed) is refused, naming the neuron. Checkpoints without them (made before
// per-neuron parameters, or with none varying) load as before: the description then gives every value.
void check_params(const io::h5::reader& r, const std::string& g, const lowered_pop& lp) {
    const std::string prefix = g + "/params/";
    for (const auto& ds : r.datasets()) {
        if (!ds.starts_with(prefix)) continue;
        const auto name = ds.substr(prefix.size());
        if (!lp.params.all.count(name))
            throw input_error(r.path(), ds, "model " + lp.desc->model + " has no parameter '" + name + "'");
        const auto saved = r.read_doubles(ds);
        expect_size(r, ds, saved, lp.size);
        for (std::uint32_t i = 0; i < lp.size; ++i)
            if (const double now = lp.params.at(name, i); !(saved[i] == now))
                refuse(r, ds, i, number(saved[i]),
                       "the network now gives neuron " + std::to_string(i) + " " + name + " = " +
                           number(now) + " (the parameter data changed since the checkpoint was made)");
    }
}

template <class Dst, class Src>
void assign_from(std::vector<Dst>& dst, const std::vector<Src>& src) {
    dst.resize(src.size());
    for (std::size_t i = 0; i < src.size(); ++i) dst[i] = static_cast<Dst>(src[i]);
}
} // namespace

void simulation::save_checkpoint(const std::string& path) const {
    const auto& s = *p_;
    write_atomically(path, [&](const std::string& tmp) {
        io::h5::writer w(tmp);
        w.checksum_datasets();
        w.group("/checkpoint");
        w.attr("/checkpoint", "format", format_name);
        w.attr("/checkpoint", "version", format_version);
        w.attr("/checkpoint", "t_ms", time_ms());
        w.write_string("/checkpoint/config", to_json(s.desc));
        w.write_string("/checkpoint/network", network_identity(s.desc));
        w.write("/checkpoint/step", std::vector<std::int64_t>{s.step});
        w.write("/checkpoint/synaptic_events", std::vector<std::uint64_t>{s.events});
        w.write("/checkpoint/learning", std::vector<std::int64_t>{s.learning ? 1 : 0});
        w.write("/kernel/ring", s.ring);
        for (const auto& lp : s.pops) {
            const auto g = pop_group(lp);
            w.write(g + "/spike_count", std::vector<std::uint64_t>{lp.spikes});
            write_arrays(w, g, *lp.group);
            for (const auto& [name, v] : lp.params.per_neuron) w.write(g + "/params/" + name, v);
        }
        for (std::size_t k = 0; k < s.poisson.size(); ++k) // rates set through set_rates()
            if (!s.poisson[k].lambda.empty())
                w.write("/inputs/" + std::to_string(k) + "/lambda", s.poisson[k].lambda);
        for (std::size_t k = 0; k < s.plastic.size(); ++k) {
            const auto& pp = *s.plastic[k];
            const auto g = "/plastic/" + std::to_string(k);
            w.write(g + "/weights", pp.weights);
            write_arrays(w, g, *pp.state);
            std::vector<std::uint64_t> counts;
            std::vector<std::uint32_t> slots;
            for (const auto& q : pp.pending) {
                counts.push_back(q.size());
                slots.insert(slots.end(), q.begin(), q.end());
            }
            w.write(g + "/pending_count", counts);
            w.write(g + "/pending_slots", slots);
        }
        for (std::size_t k = 0; k < s.spikes.size(); ++k) {
            const auto g = "/record/spikes/" + std::to_string(k);
            w.write(g + "/node_ids", s.spikes[k].node_ids);
            w.write(g + "/steps", s.spikes[k].steps);
        }
        for (std::size_t k = 0; k < s.traces.size(); ++k) {
            const auto g = "/record/traces/" + std::to_string(k);
            w.write(g + "/values", s.traces[k].values);
            w.write(g + "/first_step", std::vector<std::int64_t>{s.traces[k].first_step});
        }
        w.close();
    });
}

std::string simulation::checkpoint_config(const std::string& path) {
    io::h5::reader r(path);
    return checkpoint_text(r, checkpoint_version(r), "config");
}

namespace {
// What a checkpoint holds besides the groups' arrays, read and checked before anything changes.
struct plastic_saved {
    std::vector<float> weights;
    saved_arrays arrays;
    std::vector<std::vector<std::uint32_t>> pending;
};

plastic_saved read_plastic(const io::h5::reader& r, const std::string& g,
                           const detail::plastic_projection& pp) {
    plastic_saved ps;
    ps.weights = r.read_floats(g + "/weights");
    expect_size(r, g + "/weights", ps.weights, pp.weights.size());
    check_finite(r, g + "/weights", ps.weights);
    ps.arrays = read_arrays(r, g, *pp.state);
    const auto queued = r.read_ints(g + "/pending_count");
    expect_size(r, g + "/pending_count", queued, pp.pending.size());
    const auto slots = r.read_ints(g + "/pending_slots");
    std::size_t at = 0;
    for (const auto c : queued) {
        if (c < 0 || static_cast<std::size_t>(c) > slots.size() - at)
            throw input_error(r.path(), g + "/pending_count", "counts exceed the pending slots stored");
        auto& q = ps.pending.emplace_back();
        for (std::int64_t i = 0; i < c; ++i, ++at) {
            if (slots[at] < 0 || slots[at] >= pp.layout.slots())
                throw input_error(r.path(), g + "/pending_slots",
                                  "pre slot " + std::to_string(slots[at]) + " out of range");
            q.push_back(static_cast<std::uint32_t>(slots[at]));
        }
    }
    return ps;
}

// Recorded spikes: ids within the population, steps within [0, step) and in order.
recorded_spikes read_spikes(const io::h5::reader& r, const std::string& g, recorded_spikes rec,
                            std::uint32_t pop_size, std::int64_t step) {
    const auto ids = r.read_ints(g + "/node_ids");
    rec.steps = r.read_ints(g + "/steps");
    expect_size(r, g + "/steps", rec.steps, ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= pop_size)
            refuse(r, g + "/node_ids", i, std::to_string(ids[i]),
                   "not a neuron of population '" + rec.population + "' (size " + std::to_string(pop_size) +
                       ")");
        if (rec.steps[i] < (i ? rec.steps[i - 1] : 0) || rec.steps[i] >= step)
            refuse(r, g + "/steps", i, std::to_string(rec.steps[i]),
                   "spike steps must be in order and within [0, " + std::to_string(step) + ")");
    }
    assign_from(rec.node_ids, ids);
    return rec;
}

// Recorded samples: finite, a whole number of samples, no more than the steps done allow.
recorded_trace read_trace(const io::h5::reader& r, const std::string& g, recorded_trace tr,
                          std::int64_t step) {
    tr.values = r.read_floats(g + "/values");
    check_finite(r, g + "/values", tr.values);
    const std::size_t n = std::max<std::size_t>(1, tr.node_ids.size());
    if (tr.values.size() % n != 0)
        throw input_error(r.path(), g + "/values", "size is not a whole number of samples");
    tr.first_step = one_in(r, g + "/first_step", r.read_ints(g + "/first_step"), 0, step);
    const auto most =
        static_cast<std::size_t>((step - tr.first_step) / std::max<std::int64_t>(1, tr.interval_steps) + 1);
    if (tr.values.size() / n > most)
        throw input_error(r.path(), g + "/values",
                          std::to_string(tr.values.size() / n) + " samples, more than the " +
                              std::to_string(most) + " the steps done can have taken");
    return tr;
}
} // namespace

void simulation::restore_checkpoint(const std::string& path) {
    auto& s = *p_;
    io::h5::reader r(path);
    const int version = checkpoint_version(r);
    if (version >= 2) r.verify_checksums(true); // any flipped byte in any dataset is refused, naming it
    if (checkpoint_text(r, version, "network") != network_identity(s.desc))
        throw input_error(
            path, "/checkpoint/network",
            "the checkpoint was made from a different network (only duration and threads may change)");
    // The step, and the time stored beside it (an attribute, outside the checksums), must agree. A run may
    // go past its description's duration through the API; the command line refuses a resumed run that ends
    // before its checkpoint (apps/src/run_verb.cpp).
    const std::int64_t step =
        one_in(r, "/checkpoint/step", r.read_ints("/checkpoint/step"), 0, max_int_state);
    const double t_ms = r.read_double_attr("/checkpoint", "t_ms");
    if (!(std::fabs(static_cast<double>(step) * s.dt - t_ms) <= 1e-6 * std::max(1.0, std::fabs(t_ms))))
        throw input_error(path, "/checkpoint/step",
                          "step " + std::to_string(step) +
                              " (t = " + number(static_cast<double>(step) * s.dt) +
                              " ms) does not match its time t_ms = " + number(t_ms) + " ms");
    const auto events =
        one_in(r, "/checkpoint/synaptic_events", r.read_ints("/checkpoint/synaptic_events"), 0,
               at_most(step, synapses() + neurons())); // each synapse once per step at most
    // Checkpoints made before set_learning() existed have no flag: learning was on.
    const auto learning = r.has("/checkpoint/learning")
                              ? one_in(r, "/checkpoint/learning", r.read_ints("/checkpoint/learning"), 0, 1)
                              : 1;
    auto ring = r.read_floats("/kernel/ring");
    expect_size(r, "/kernel/ring", ring, s.ring.size());
    check_finite(r, "/kernel/ring", ring);
    // Read everything before changing anything, so a bad file leaves the simulation as it was.
    std::vector<saved_arrays> pop_arrays;
    std::vector<std::uint64_t> counts;
    for (const auto& lp : s.pops) {
        const auto g = pop_group(lp);
        const auto most = at_most(step, lp.size); // one spike per neuron and step at most
        counts.push_back(static_cast<std::uint64_t>(
            one_in(r, g + "/spike_count", r.read_ints(g + "/spike_count"), 0, most)));
        pop_arrays.push_back(read_arrays(r, g, *lp.group));
        check_params(r, g, lp);
    }
    std::vector<plastic_saved> plastic;
    for (std::size_t k = 0; k < s.plastic.size(); ++k)
        plastic.push_back(read_plastic(r, "/plastic/" + std::to_string(k), *s.plastic[k]));
    std::vector<std::vector<double>> lambdas(s.poisson.size());
    for (std::size_t k = 0; k < s.poisson.size(); ++k) {
        const auto ds = "/inputs/" + std::to_string(k) + "/lambda";
        if (!r.has(ds)) continue;
        lambdas[k] = r.read_doubles(ds);
        const auto& pin = s.poisson[k];
        expect_size(r, ds, lambdas[k], pin.ids.empty() ? s.pops[pin.pop].size : pin.ids.size());
        check_reals(r, ds, lambdas[k], false);
        for (std::size_t i = 0; i < lambdas[k].size(); ++i)
            if (lambdas[k][i] < 0) refuse(r, ds, i, number(lambdas[k][i]), "a rate cannot be negative");
    }
    std::vector<recorded_spikes> spikes;
    for (std::size_t k = 0; k < s.spikes.size(); ++k)
        spikes.push_back(read_spikes(r, "/record/spikes/" + std::to_string(k), s.spikes[k],
                                     s.pops[s.pop_index(s.spikes[k].population)].size, step));
    std::vector<recorded_trace> traces;
    for (std::size_t k = 0; k < s.traces.size(); ++k)
        traces.push_back(read_trace(r, "/record/traces/" + std::to_string(k), s.traces[k], step));

    // The groups' own checks (a spike source's cursor within its list...) see the arrays in place; a refusal
    // puts the old ones back.
    auto swap_groups = [&] {
        for (std::size_t p = 0; p < s.pops.size(); ++p) swap_arrays(pop_arrays[p], *s.pops[p].group);
        for (std::size_t k = 0; k < s.plastic.size(); ++k)
            swap_arrays(plastic[k].arrays, *s.plastic[k]->state);
    };
    swap_groups();
    for (std::size_t p = 0; p < s.pops.size(); ++p)
        if (auto bad = s.pops[p].group->invalid_state(step); !bad.empty()) {
            swap_groups();
            throw input_error(path, pop_group(s.pops[p]), bad);
        }
    for (std::size_t k = 0; k < s.plastic.size(); ++k)
        if (auto bad = s.plastic[k]->state->invalid_state(step); !bad.empty()) {
            swap_groups();
            throw input_error(path, "/plastic/" + std::to_string(k), bad);
        }
    s.step = step;
    s.events = static_cast<std::uint64_t>(events);
    s.ring = std::move(ring);
    for (std::size_t p = 0; p < s.pops.size(); ++p) s.pops[p].spikes = counts[p];
    for (std::size_t k = 0; k < s.plastic.size(); ++k) {
        auto& pp = *s.plastic[k];
        // Copy (not move) into the weight array: the rule holds a span over it.
        std::copy(plastic[k].weights.begin(), plastic[k].weights.end(), pp.weights.begin());
        pp.pending = std::move(plastic[k].pending);
    }
    for (std::size_t k = 0; k < s.poisson.size(); ++k) s.poisson[k].set_lambda(std::move(lambdas[k]));
    s.spikes = std::move(spikes);
    s.traces = std::move(traces);
    s.refresh_currents(true);
    set_learning(learning != 0);
}

} // namespace spikekit
