#pragma once
// Static synapses in compressed rows, ready for delivery at memory speed.
//
// Row (source gid, block) holds the synapses of that source whose target channel lies in delivery block
// `block`, as parallel arrays key = delay_steps * channels + channel (4 bytes) and weight (4 bytes).
// Blocks are fixed ranges of channels chosen from the network alone (never from the thread count), so a
// block can be filled by one thread in spike order and the sums are the same for any number of threads.
#include <cstdint>
#include <utility>
#include <vector>

namespace spikekit::detail {

struct synapse_table {
    std::uint32_t blocks = 1;
    std::uint64_t channels = 0;  // M
    std::uint32_t slots = 2;     // D = max delay + 1
    std::vector<std::uint64_t> row_start; // sources * blocks + 1
    std::vector<std::uint32_t> key;
    std::vector<float> weight;
    // Weight dictionary: when a network has few distinct weights (constant weights per projection, the
    // common case), each key carries a weight index in its top bits and `weight` stays empty, so a static
    // synapse takes 4 bytes instead of 8 and delivery reads half the memory.
    std::vector<float> wtab;
    std::uint32_t weight_shift = 32;

    std::uint32_t block_of(std::uint64_t channel) const {
        return static_cast<std::uint32_t>(channel * blocks / channels);
    }
    std::uint64_t size() const { return key.size(); }
    std::uint64_t bytes() const {
        return key.capacity() * sizeof(std::uint32_t) + weight.capacity() * sizeof(float) +
               wtab.capacity() * sizeof(float) + row_start.capacity() * sizeof(std::uint64_t);
    }

    // Add the synapses of blocks [b0, b1) of every spike (global ids, ascending) to the ring. Rows of one
    // source are adjacent, so a block range of one spike is one contiguous run. Each channel lies in one
    // block and receives its inputs in spike order, so any split of the blocks gives the same sums.
    void deliver(std::uint32_t b0, std::uint32_t b1, const std::vector<std::uint32_t>& spikes, std::uint32_t slot,
                 float* ring) const {
        if (wtab.empty())
            deliver_rows(b0, b1, spikes, slot, ring, [w = weight.data()](std::uint32_t kk, std::uint64_t i) {
                return std::pair{kk, w[i]};
            });
        else
            deliver_rows(b0, b1, spikes, slot, ring,
                         [w = wtab.data(), sh = weight_shift, mask = (std::uint32_t{1} << weight_shift) - 1](
                             std::uint32_t kk, std::uint64_t) { return std::pair{kk & mask, w[kk >> sh]}; });
    }

private:
    template <class Decode>
    void deliver_rows(std::uint32_t b0, std::uint32_t b1, const std::vector<std::uint32_t>& spikes,
                      std::uint32_t slot, float* ring, Decode decode) const {
        const std::uint64_t span = channels * slots;
        const std::uint64_t base = std::uint64_t{slot} * channels;
        const std::uint32_t* k = key.data();
        for (const auto s : spikes) {
            const std::uint64_t r = std::uint64_t{s} * blocks;
            const std::uint64_t lo = row_start[r + b0], hi = row_start[r + b1];
            for (std::uint64_t i = lo; i < hi; ++i) {
                const auto [target, w] = decode(k[i], i);
                std::uint64_t idx = base + target;
                if (idx >= span) idx -= span;
                ring[idx] += w;
            }
        }
    }
};

} // namespace spikekit::detail
