// Checkpoint and resume (docs/checkpoint.md has the layout).
//
// The dynamic state of a run is: every population's exposed state arrays (membranes, synaptic variables,
// refractory ends, event-driven bookkeeping), the delay ring (spikes in flight), the step number, the spike
// and event counters, and what the recorders hold so far. Random numbers are counter-based (random.hpp):
// their position is the step number, so nothing else needs saving. Synapses are rebuilt from the network
// description with the same seed, so they are not stored. A resumed run therefore continues bit for bit.
#include <algorithm>
#include <cmath>
#include <string>

#include "simulation_impl.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit {
namespace {
constexpr const char* format_name = "spikekit checkpoint";
constexpr double format_version = 1;

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
        out.reals.push_back(r.read_doubles(g + "/real/" + a.name));
        expect_size(r, g + "/real/" + a.name, out.reals.back(), a.data->size());
    }
    for (const auto& a : st.int_arrays()) {
        out.ints.push_back(r.read_ints(g + "/int/" + a.name));
        expect_size(r, g + "/int/" + a.name, out.ints.back(), a.data->size());
    }
    return out;
}

void restore_arrays(saved_arrays& saved, const group_state& st) {
    std::size_t k = 0;
    for (const auto& a : st.real_arrays()) *a.data = std::move(saved.reals[k++]);
    k = 0;
    for (const auto& a : st.int_arrays()) *a.data = std::move(saved.ints[k++]);
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
        w.group("/checkpoint");
        w.attr("/checkpoint", "format", format_name);
        w.attr("/checkpoint", "version", format_version);
        w.attr("/checkpoint", "config", to_json(s.desc));
        w.attr("/checkpoint", "network", network_identity(s.desc));
        w.attr("/checkpoint", "t_ms", time_ms());
        w.write("/checkpoint/step", std::vector<std::int64_t>{s.step});
        w.write("/checkpoint/synaptic_events", std::vector<std::uint64_t>{s.events});
        w.write("/checkpoint/learning", std::vector<std::int64_t>{s.learning ? 1 : 0});
        w.write("/kernel/ring", s.ring);
        for (const auto& lp : s.pops) {
            const auto g = pop_group(lp);
            w.write(g + "/spike_count", std::vector<std::uint64_t>{lp.spikes});
            write_arrays(w, g, *lp.group);
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
    if (!r.has("/checkpoint/step"))
        throw input_error(path, "/checkpoint", "not a spikekit checkpoint (no /checkpoint/step)");
    if (r.read_string_attr("/checkpoint", "format") != format_name)
        throw input_error(path, "/checkpoint.format", "not a spikekit checkpoint");
    if (r.read_double_attr("/checkpoint", "version") != format_version)
        throw input_error(path, "/checkpoint.version", "unsupported checkpoint version");
    return r.read_string_attr("/checkpoint", "config");
}

void simulation::restore_checkpoint(const std::string& path) {
    auto& s = *p_;
    checkpoint_config(path); // validates the format
    io::h5::reader r(path);
    if (r.read_string_attr("/checkpoint", "network") != network_identity(s.desc))
        throw input_error(
            path, "/checkpoint.network",
            "the checkpoint was made from a different network (only duration and threads may change)");
    const auto step = r.read_ints("/checkpoint/step");
    expect_size(r, "/checkpoint/step", step, 1);
    if (step[0] < 0) throw input_error(path, "/checkpoint/step", "negative step");
    const auto events = r.read_ints("/checkpoint/synaptic_events");
    expect_size(r, "/checkpoint/synaptic_events", events, 1);
    // Checkpoints made before set_learning() existed have no flag: learning was on.
    const auto learning =
        r.has("/checkpoint/learning") ? r.read_ints("/checkpoint/learning") : std::vector<std::int64_t>{1};
    expect_size(r, "/checkpoint/learning", learning, 1);
    auto ring = r.read_floats("/kernel/ring");
    expect_size(r, "/kernel/ring", ring, s.ring.size());
    // Read everything before changing anything, so a bad file leaves the simulation as it was.
    std::vector<saved_arrays> pop_arrays;
    std::vector<std::uint64_t> counts;
    for (const auto& lp : s.pops) {
        const auto g = pop_group(lp);
        const auto c = r.read_ints(g + "/spike_count");
        expect_size(r, g + "/spike_count", c, 1);
        counts.push_back(static_cast<std::uint64_t>(c[0]));
        pop_arrays.push_back(read_arrays(r, g, *lp.group));
    }
    struct plastic_saved {
        std::vector<float> weights;
        saved_arrays arrays;
        std::vector<std::vector<std::uint32_t>> pending;
    };
    std::vector<plastic_saved> plastic;
    for (std::size_t k = 0; k < s.plastic.size(); ++k) {
        const auto& pp = *s.plastic[k];
        const auto g = "/plastic/" + std::to_string(k);
        plastic_saved ps;
        ps.weights = r.read_floats(g + "/weights");
        expect_size(r, g + "/weights", ps.weights, pp.weights.size());
        ps.arrays = read_arrays(r, g, *pp.state);
        const auto queued = r.read_ints(g + "/pending_count");
        expect_size(r, g + "/pending_count", queued, pp.pending.size());
        const auto slots = r.read_ints(g + "/pending_slots");
        std::size_t at = 0;
        for (const auto c : queued) {
            if (c < 0 || static_cast<std::size_t>(c) > slots.size() - at)
                throw input_error(path, g + "/pending_count", "counts exceed the pending slots stored");
            auto& q = ps.pending.emplace_back();
            for (std::int64_t i = 0; i < c; ++i, ++at) {
                if (slots[at] < 0 || slots[at] >= pp.layout.slots())
                    throw input_error(path, g + "/pending_slots",
                                      "pre slot " + std::to_string(slots[at]) + " out of range");
                q.push_back(static_cast<std::uint32_t>(slots[at]));
            }
        }
        plastic.push_back(std::move(ps));
    }
    std::vector<std::vector<double>> lambdas(s.poisson.size());
    for (std::size_t k = 0; k < s.poisson.size(); ++k) {
        const auto ds = "/inputs/" + std::to_string(k) + "/lambda";
        if (!r.has(ds)) continue;
        lambdas[k] = r.read_doubles(ds);
        const auto& pin = s.poisson[k];
        expect_size(r, ds, lambdas[k], pin.ids.empty() ? s.pops[pin.pop].size : pin.ids.size());
    }
    std::vector<recorded_spikes> spikes = s.spikes;
    for (std::size_t k = 0; k < spikes.size(); ++k) {
        const auto g = "/record/spikes/" + std::to_string(k);
        assign_from(spikes[k].node_ids, r.read_ints(g + "/node_ids"));
        spikes[k].steps = r.read_ints(g + "/steps");
        expect_size(r, g + "/steps", spikes[k].steps, spikes[k].node_ids.size());
    }
    std::vector<recorded_trace> traces = s.traces;
    for (std::size_t k = 0; k < traces.size(); ++k) {
        const auto g = "/record/traces/" + std::to_string(k);
        traces[k].values = r.read_floats(g + "/values");
        if (traces[k].values.size() % std::max<std::size_t>(1, traces[k].node_ids.size()) != 0)
            throw input_error(path, g + "/values", "size is not a whole number of samples");
        const auto first = r.read_ints(g + "/first_step");
        expect_size(r, g + "/first_step", first, 1);
        traces[k].first_step = first[0];
    }

    s.step = step[0];
    s.events = static_cast<std::uint64_t>(events[0]);
    s.ring = std::move(ring);
    for (std::size_t p = 0; p < s.pops.size(); ++p) {
        s.pops[p].spikes = counts[p];
        restore_arrays(pop_arrays[p], *s.pops[p].group);
    }
    for (std::size_t k = 0; k < s.plastic.size(); ++k) {
        auto& pp = *s.plastic[k];
        // Copy (not move) into the weight array: the rule holds a span over it.
        std::copy(plastic[k].weights.begin(), plastic[k].weights.end(), pp.weights.begin());
        restore_arrays(plastic[k].arrays, *pp.state);
        pp.pending = std::move(plastic[k].pending);
    }
    for (std::size_t k = 0; k < s.poisson.size(); ++k) s.poisson[k].set_lambda(std::move(lambdas[k]));
    s.spikes = std::move(spikes);
    s.traces = std::move(traces);
    s.refresh_currents(true);
    set_learning(learning[0] != 0);
}

} // namespace spikekit
