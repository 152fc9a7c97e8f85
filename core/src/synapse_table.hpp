#pragma once
// Static synapses in compressed rows, ready for delivery at memory speed.
//
// Row (source gid, block) holds the synapses of that source whose target channel lies in delivery block
// `block`, as parallel arrays key = delay_steps * channels + channel (4 bytes) and weight (4 bytes).
// Blocks are fixed ranges of channels chosen from the network alone (never from the thread count), so a
// block can be filled by one thread in spike order and the sums are the same for any number of threads.
#include <cstdint>
#include <vector>

namespace spikekit::detail {

struct synapse_table {
    std::uint32_t blocks = 1;
    std::uint64_t channels = 0;  // M
    std::uint32_t slots = 2;     // D = max delay + 1
    std::vector<std::uint64_t> row_start; // sources * blocks + 1
    std::vector<std::uint32_t> key;
    std::vector<float> weight;

    std::uint32_t block_of(std::uint64_t channel) const {
        return static_cast<std::uint32_t>(channel * blocks / channels);
    }
    std::uint64_t size() const { return key.size(); }
    std::uint64_t bytes() const {
        return key.capacity() * sizeof(std::uint32_t) + weight.capacity() * sizeof(float) +
               row_start.capacity() * sizeof(std::uint64_t);
    }

    // Add `count` synapses to the ring: for each spike (global ids, ascending) and each synapse of block b.
    void deliver(std::uint32_t b, const std::vector<std::uint32_t>& spikes, std::uint32_t slot, float* ring) const {
        const std::uint64_t span = channels * slots;
        const std::uint64_t base = std::uint64_t{slot} * channels;
        const std::uint32_t* k = key.data();
        const float* w = weight.data();
        for (const auto s : spikes) {
            const std::uint64_t r = std::uint64_t{s} * blocks + b;
            const std::uint64_t lo = row_start[r], hi = row_start[r + 1];
            for (std::uint64_t i = lo; i < hi; ++i) {
                std::uint64_t idx = base + k[i];
                if (idx >= span) idx -= span;
                ring[idx] += w[i];
            }
        }
    }
};

} // namespace spikekit::detail
