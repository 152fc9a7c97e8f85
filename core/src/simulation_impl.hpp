#pragma once
// The kernel's lowered state, shared by simulation.cpp (build and step) and checkpoint.cpp (save/restore).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "conv_projection.hpp"
#include "plastic_projection.hpp"
#include "random_batch.hpp" // private to core/
#include "spikekit/core/lowering.hpp"
#include "spikekit/core/simulation.hpp"
#include "synapse_table.hpp"

namespace spikekit {
using lowering::key_for;
using lowering::stream_kind;

namespace detail {
constexpr std::uint32_t update_chunk = 1024; // neurons per update task

struct lowered_pop {
    const population* desc = nullptr;
    const neuron_model* model = nullptr;
    std::unique_ptr<neuron_group> group;
    lowering::population_params params; // what the group was lowered from (checkpoints save per_neuron)
    std::uint32_t size = 0, gid0 = 0;
    std::uint64_t chan0 = 0;
    std::uint32_t receptors = 0, channels = 0; // channels < receptors when receptors share an input
    std::uint32_t channel_of(std::ptrdiff_t receptor) const {
        return channels == receptors ? static_cast<std::uint32_t>(receptor) : 0u;
    }
    std::vector<double> i_ext; // empty unless a current input targets the population
    std::uint64_t rng_key = 0;
    std::uint64_t spikes = 0;
    std::vector<std::size_t> spike_recorders; // indices into impl::spikes
};

struct poisson_input {
    std::size_t pop;
    std::uint32_t channel;
    std::vector<std::uint32_t> ids; // sorted; empty = all
    rng::poisson_table table;
    std::string name;
    // Set by simulation::set_rates: one rate per neuron of the input (lambda and exp(-lambda) per neuron),
    // replacing `table`; the same draws per (input, neuron, step), so results stay thread-count independent.
    std::vector<double> lambda, exp_minus;
    void set_lambda(std::vector<double> l) {
        lambda = std::move(l);
        exp_minus.resize(lambda.size());
        for (std::size_t i = 0; i < lambda.size(); ++i) exp_minus[i] = std::exp(-lambda[i]);
    }
    float weight;
    std::int64_t start, stop;
    std::uint64_t key;
    // rates_from: the images, and the one whose rates are in `lambda` (-1: silent; -2: not set yet).
    const image_rates_spec* images = nullptr;
    std::int64_t shown = -2;
};

struct current_input {
    std::size_t pop;
    const input* desc;
    std::int64_t start, stop;
};

struct update_task {
    std::size_t pop;
    std::uint32_t begin, end;
};

// Saturates instead of overflowing: a time of 1e20 ms (an input's stop, say) is "never", not a negative step.
inline std::int64_t to_steps(double ms, double dt) {
    const double steps = ms / dt;
    if (!(steps < 9.2e18)) return INT64_MAX;
    if (!(steps > -9.2e18)) return INT64_MIN;
    return static_cast<std::int64_t>(std::llround(steps));
}

// Distinct synaptic weights, numbered in order of first appearance, as long as their indices fit in the
// key bits left over by (delay, channel) keys below `key_span`. Runs of equal weights (constant weights
// per projection) cost one comparison each.
class weight_dictionary {
  public:
    // Collects up to 2^16 distinct weights; whether their indices fit is decided once the key span is known.
    static constexpr std::size_t max_entries = 1u << 16;
    bool collecting() const { return !overflow_; }
    void add(float w) {
        if (overflow_) return;
        const auto b = std::bit_cast<std::uint32_t>(w);
        if (!table_.empty() && b == last_bits_) return;
        if (index_.emplace(b, static_cast<std::uint32_t>(table_.size())).second) table_.push_back(w);
        last_bits_ = b;
        overflow_ = table_.size() > max_entries;
    }
    // Fixes the key span (channels x slots): true if every weight index fits above the key bits.
    bool fit(std::uint64_t key_span) {
        shift_ = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, std::bit_width(key_span - 1)));
        ok_ = !overflow_ && shift_ < 32 && table_.size() <= (std::uint64_t{1} << (32 - shift_));
        return ok_;
    }
    bool ok() const { return ok_; }
    std::uint32_t shift() const { return shift_; }
    const std::vector<float>& table() const { return table_; }
    std::uint32_t index(float w) {
        const auto b = std::bit_cast<std::uint32_t>(w);
        if (b != last_bits_) {
            last_bits_ = b;
            last_index_ = index_.at(b);
        }
        return last_index_;
    }

  private:
    std::uint32_t shift_ = 32;
    bool ok_ = false, overflow_ = false;
    std::uint32_t last_bits_ = 0, last_index_ = 0;
    std::vector<float> table_;
    std::unordered_map<std::uint32_t, std::uint32_t> index_;
};

inline std::vector<std::uint32_t> sorted_ids(const neuron_selection& s) {
    auto v = s.ids;
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}
} // namespace detail

using detail::current_input;
using detail::lowered_pop;
using detail::poisson_input;
using detail::update_task;

struct simulation::impl {
    network_description desc;
    unsigned threads = 1;
    double dt = 0.1;
    std::int64_t step = 0;
    bool learning = true; // set_learning()
    double build_s = 0.0;
    std::vector<lowered_pop> pops;
    std::vector<poisson_input> poisson;
    std::vector<current_input> currents;
    std::vector<std::int64_t> current_changes; // sorted steps at which some current changes
    std::vector<update_task> tasks;
    detail::synapse_table syn;
    const rule_registry* rules = nullptr;
    std::vector<std::unique_ptr<detail::plastic_projection>> plastic;
    std::vector<detail::conv_projection> convs;
    std::vector<float> ring;
    std::vector<std::vector<std::uint32_t>> task_spikes;
    std::vector<std::uint32_t> step_spikes;
    std::vector<std::uint32_t> out_degree; // per global id
    std::uint64_t events = 0;
    std::vector<recorded_spikes> spikes;
    std::vector<std::vector<std::uint8_t>> spike_masks; // per spike recorder; empty = all
    std::vector<recorded_trace> traces;
    std::vector<std::pair<std::size_t, std::size_t>> trace_src; // (pop, state var index)
    context ctx;                                                // threads, arena, tuning
    bool arena = false;                                         // more than one thread

    // `work` is in units of about a nanosecond (neurons updated x 4, synaptic events): below
    // ctx.min_parallel_work (~16 us) a fork-join costs more than it saves, so small networks run serially
    // (with the same results).
    template <class F>
    void parallel(std::size_t n, std::uint64_t work, F&& f) {
        if (!arena || n < 2 || work < ctx.min_parallel_work) {
            for (std::size_t i = 0; i < n; ++i) f(i);
            return;
        }
        ctx.execute([&] { tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) { f(i); }); });
    }

    // Index of a population by name (validated before lowering, so it exists).
    std::size_t pop_index(const std::string& name) const {
        std::size_t i = 0;
        while (i + 1 < pops.size() && pops[i].desc->name != name) ++i;
        return i;
    }
    std::uint64_t neurons_total() const {
        return pops.empty() ? 0 : std::uint64_t{pops.back().gid0} + pops.back().size;
    }
    void lower_populations(const model_registry& models);
    void lower_initial_state(const model_registry& models);
    void lower_projections();
    void lower_inputs();
    void lower_plastic(std::size_t k, const lowering::projection_synapses& gen, std::size_t si,
                       std::size_t ti, std::uint64_t chan_base);
    void lower_recorders();
    void one_step();
    void apply_poisson(const update_task& t, float* const* in);
    void refresh_image_rates();
    void refresh_currents(bool force = false);
    void record_traces();
};

} // namespace spikekit
