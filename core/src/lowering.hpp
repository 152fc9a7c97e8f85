#pragma once
// Internal pieces of the lowering from description to kernel arrays.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/core/network.hpp"
#include "spikekit/core/random.hpp"

namespace spikekit::detail {

// RNG streams: each use of randomness has its own key so they never overlap.
enum class stream_kind : std::uint32_t { initial = 1, connect = 2, weight = 3, delay = 4, input = 5, source = 6 };
inline std::uint64_t key_for(std::uint64_t seed, stream_kind k, std::uint32_t index) {
    return rng::make_key(seed, (static_cast<std::uint32_t>(k) << 24) ^ index);
}

// Draws of a value_spec: item i (neuron or synapse) uses the counter (i, draw) so values do not depend on
// the order of evaluation. Lists and HDF5 datasets are read once.
class value_source {
public:
    value_source(const value_spec& s, std::uint64_t key, std::size_t expected_count, const std::string& where);
    double operator()(std::uint64_t item) const;

private:
    const value_spec* spec_;
    std::uint64_t key_;
    std::vector<double> table_;
};

inline constexpr std::uint32_t max_delay_steps = 4096;

// One synapse before it is sorted into rows.
struct raw_synapse {
    std::uint32_t source; // local id in the source population
    std::uint32_t target; // local id in the target population
    std::uint32_t delay;  // in steps, >= 1
    float weight;
};

// All synapses of a projection, in a deterministic order (by target for in-degree rules).
std::vector<raw_synapse> generate_synapses(const projection& p, std::uint32_t n_src, std::uint32_t n_tgt,
                                           bool same_population, std::uint64_t seed, std::uint32_t index, double dt_ms,
                                           const std::string& file);

} // namespace spikekit::detail
