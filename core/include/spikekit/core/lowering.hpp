#pragma once
// The lowering: what a network description becomes, from its seed — the synapses (source, target, weight,
// delay in steps) of every projection, the kernels of conv2d projections, the initial state of every
// population. It is public so that every consumer of a description builds exactly the network the
// simulation kernel builds: the kernel itself (core/src/simulation_build.cpp), the chip models (chips/),
// the MCU exporter and the NIR exporter.
//
// Every random draw is counter-based and keyed by (seed, stream kind, projection or population index,
// item): synapse i of a projection draws its weight and delay from counter i, whoever asks and in whatever
// order, so the lists below equal the kernel's synapses one for one.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"
#include "spikekit/core/random.hpp"

namespace spikekit::lowering {

// RNG streams: each use of randomness has its own key so they never overlap.
enum class stream_kind : std::uint32_t {
    initial = 1,
    connect = 2,
    weight = 3,
    delay = 4,
    input = 5,
    source = 6,
    plasticity = 7,
    parameter = 8
};
inline std::uint64_t key_for(std::uint64_t seed, stream_kind k, std::uint32_t index) {
    return rng::make_key(seed, (static_cast<std::uint32_t>(k) << 24) ^ index);
}

// Draws of a value_spec: item i (neuron or synapse) uses the counter (i, draw) so values do not depend on
// the order of evaluation. Lists and HDF5 datasets are read once.
class value_source {
  public:
    value_source(const value_spec& s, std::uint64_t key, std::size_t expected_count,
                 const std::string& where);
    double operator()(std::uint64_t item) const;

  private:
    const value_spec* spec_;
    std::uint64_t key_;
    std::vector<double> table_;
};

inline constexpr std::uint32_t max_delay_steps = 4096;

// Connections of a projection in generation order, before weights and delays. In-degree rules (every
// target draws its sources independently) are kept as their generator and produced in chunks of targets
// whenever they are walked, so a build never holds more than a chunk of them; the other rules keep their
// (source, target) pairs, or sources grouped by target.
using per_target_fn = std::function<void(std::uint32_t target, std::vector<std::uint32_t>& sources)>;
struct connection_list {
    bool grouped = false;
    std::vector<std::uint64_t> start; // grouped: synapses of target t are items [start[t], start[t + 1])
    std::vector<std::uint32_t> source, target;
    per_target_fn generate; // set: sources are produced on demand for targets [0, n_targets)
    std::uint32_t n_targets = 0;
    std::uint64_t count = 0; // number of synapses (stored or generated)
};

// A piece of a connection list: items [item0, item0 + source.size()). Grouped pieces cover targets
// t0, t0 + 1, ... with local offsets `start` (start[0] = 0); flat pieces list each synapse's target.
struct connection_chunk {
    std::uint64_t item0 = 0;
    std::uint32_t t0 = 0;
    std::span<const std::uint64_t> start;
    std::span<const std::uint32_t> source, target;
};

// The synapses of a projection, item i being the i-th in generation order: its weight and delay are drawn
// from counter i, so they are computed on demand, identically however often they are asked for. Lowering
// streams over them twice (count rows, then fill) instead of staging 16-byte records, which keeps the peak
// memory of a build close to the final synapse store.
class projection_synapses {
  public:
    projection_synapses(const projection& p, std::uint32_t n_src, std::uint32_t n_tgt, bool same_population,
                        std::uint64_t seed, std::uint32_t index, double dt_ms, const std::string& file);
    std::uint64_t size() const { return conn_.count; }
    void for_each_chunk(const std::function<void(const connection_chunk&)>& f) const;
    // f(item, source, target) for every synapse, in item order.
    template <class F>
    void for_each(F&& f) const {
        for_each_chunk([&](const connection_chunk& c) {
            if (!c.target.empty()) {
                for (std::size_t i = 0; i < c.source.size(); ++i) f(c.item0 + i, c.source[i], c.target[i]);
                return;
            }
            std::size_t i = 0;
            for (std::uint32_t t = 0; t + 1 < c.start.size(); ++t)
                for (; i < c.start[t + 1]; ++i) f(c.item0 + i, c.source[i], c.t0 + t);
        });
    }
    // Constant weights and delays (the common case) are answered inline without a draw.
    float weight(std::uint64_t item) const {
        return const_weight_ ? *const_weight_ : static_cast<float>(weight_(item));
    }
    std::uint32_t delay_steps(std::uint64_t item) const { // input_error beyond max_delay_steps
        return const_delay_ ? *const_delay_ : drawn_delay_steps(item);
    }
    void release() { conn_ = {}; }

  private:
    projection_synapses(connection_list c, const projection& p, std::uint64_t seed, std::uint32_t index,
                        double dt_ms, const std::string& file);
    std::uint32_t drawn_delay_steps(std::uint64_t item) const;
    connection_list conn_;
    value_source weight_, delay_;
    std::optional<float> const_weight_;
    std::optional<std::uint32_t> const_delay_;
    double dt_;
    std::string file_, where_;
};

// The synapses of a (non-conv2d) projection in generation order: what the kernel stores for it.
struct synapse_list {
    std::vector<std::uint32_t> source, target; // indices within the source and target populations
    std::vector<float> weight;                 // in the target receptor's units, as the kernel adds them
    std::vector<std::uint32_t> delay_steps;    // >= 1
    std::size_t size() const { return source.size(); }
};
// input_error (naming the description's file and the projection) for a conv2d projection or bad values.
synapse_list lower_synapses(const network_description& d, std::size_t projection_index);

// A conv2d projection as the kernel keeps it: the geometry, the shared kernel (OIHW) and one delay.
struct conv_kernel {
    conv2d_spec geo;
    std::vector<float> weight;
    std::uint32_t delay_steps = 1;
};
conv_kernel lower_conv(const network_description& d, std::size_t projection_index);

// One axis of a convolution: for input position i and kernel tap t, the output position it reaches, or -1
// (entry i * k + t), where i + pad - t dil = o stride and 0 <= o < n_out. The kernel's conv2d delivery and
// the MCU runtime's tap tables both come from here.
std::vector<std::int32_t> conv_taps(std::uint32_t n_in, std::uint32_t k, std::uint32_t stride,
                                    std::uint32_t pad, std::uint32_t dil, std::uint32_t n_out);

// The initial values of one state variable of a population as the kernel sets them (in the model's units),
// or an empty vector when the description gives none (the model's default state then applies).
std::vector<double> lower_initial(const network_description& d, const model_registry& models,
                                  std::size_t population, const std::string& variable);

// The neuron parameters of a population as the kernel lowers them. `all` holds every parameter of the
// model (defaults filled; a parameter that varies holds neuron 0's value); `per_neuron` one value per
// neuron for each parameter that varies (given as a list, HDF5 dataset or distribution whose values are
// not all equal: equal values collapse into `all`). Drawn with counter (neuron, 0) of the key (seed,
// parameter, population * 64 + parameter index), so a value never depends on who asks.
// Every neuron's set is checked as a scalar set is (range, whole numbers, the model's check()): an
// input_error names the description's file, the JSON path of the parameter, the neuron and the problem;
// a dataset that is not a 1-D numeric array of one value per neuron is refused naming it.
struct population_params {
    param_map all;
    per_neuron_values per_neuron;
    bool varies(std::string_view name) const { return per_neuron.find(name) != per_neuron.end(); }
    // Parameter `name` of neuron i (the name must be one of the model's parameters).
    double at(std::string_view name, std::uint32_t i) const {
        const auto it = per_neuron.find(name);
        return it != per_neuron.end() ? it->second[i] : all.find(name)->second;
    }
};
population_params lower_params(const network_description& d, const model_registry& models,
                               std::size_t population);

// Index of a population or projection by name; input_error naming the description's file when absent.
std::size_t population_index(const network_description& d, const std::string& name);
std::size_t projection_index(const network_description& d, const std::string& name);

} // namespace spikekit::lowering
