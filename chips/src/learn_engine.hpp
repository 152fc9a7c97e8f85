#pragma once
// The learning engine of the online cores in a chip run: the integer STDP of spikekit/arith/int_stdp.hpp
// applied to the weights the cores hold, driven by the run engine (run.cpp) at three points of each step.
//
// A spike for a plastic synapse waits in its online core's axon buffer (timeslot = arrival step) and is
// integrated when that step begins: the engine first applies the pre-synaptic update (depression by the
// table entry for the last post spike), then adds the current weight to the neuron's input. When a neuron of
// an online core spikes, its incoming synapses get the post-synaptic update (potentiation by the table entry
// for each axon's last arrival). After every decay interval all weights decay. This is the order in which the
// kernel drives its stdp_int state (core/src/plastic_projection.hpp: on_pre at arrival, on_post after the
// step's spikes, on_step after that), with the same timestamps, table, random words (the counter-based
// stream keyed by projection, synapse and step) and synapse numbering, so barrier runs learn the kernel's
// weights bit for bit.
#include <cstdint>
#include <span>
#include <vector>

#include "spikekit/chips/network.hpp"
#include "spikekit/core/simulation.hpp"

namespace spikekit::chips::detail {

class learn_engine {
  public:
    // `core_of`: core of every global neuron (the run's placement).
    learn_engine(const chip_network& net, const std::vector<std::uint32_t>& core_of, std::uint32_t cores);

    bool empty() const { return projs_.empty(); }
    // Learning index of synapse i (generation order) of projection `proj`, or UINT32_MAX when static.
    std::uint32_t index_of(std::size_t projection, std::size_t i) const;
    std::uint32_t max_delay() const { return max_delay_; }

    // A packet's plastic synapses reached their core in step `step`: each waits for step + delay (+ 1 when
    // `late` says the work ended after the core began that step, GALS). Returns whether any slipped.
    bool receive(std::span<const std::uint32_t> syn, std::int64_t step, const std::uint8_t* late_by_delay);
    // Start of step `step`: integrate the plastic synapses arriving now into `input` (indexed by global
    // neuron), after their pre-synaptic updates. Weight updates per core are in updates_now().
    void arrivals(std::int64_t step, std::int64_t* input);
    // Neuron `gid` (on an online core) spiked in step `step`: post-synaptic updates; returns their number.
    std::uint32_t on_post(std::uint64_t gid, std::int64_t step);
    // End of step `step`: weight decay when an interval closes; returns the most updates on one core.
    std::uint64_t end_of_step(std::int64_t step);

    const std::vector<std::uint64_t>& updates_now() const { return now_; } // by core, this step's arrivals
    const std::vector<std::uint64_t>& updates_total() const { return total_; } // by core, the whole run
    // The learned weights as the kernel reports them (simulation::plastic_weights: layout order).
    std::vector<projection_weights> weights(double dt_ms) const;

  private:
    struct plastic_proj {
        const chip_projection* src = nullptr;
        std::uint32_t first = 0, count = 0; // learning indices [first, first + count)
        std::vector<std::uint32_t> rank;    // generation order -> layout position
    };
    void update(std::uint32_t k, std::int64_t dt, std::int64_t rule_step, unsigned side);

    const chip_network& net_;
    const std::vector<std::uint32_t>& core_of_;
    std::vector<plastic_proj> projs_;
    std::vector<std::uint32_t> proj_of_net_; // net projection -> projs_ index (UINT32_MAX: static)
    // per learning index (layout order within each projection)
    std::vector<std::int16_t> w_;
    std::vector<std::uint32_t> post_, slot_, pre_, local_, owner_;
    std::vector<std::uint32_t> slot_delay_;
    std::vector<std::int64_t> last_pre_, last_post_; // by slot, by global neuron
    std::vector<std::uint64_t> in_start_;            // incoming plastic synapses of each global neuron
    std::vector<std::uint32_t> in_syn_;
    std::uint32_t max_delay_ = 1, slots_ = 3;
    std::vector<std::vector<std::uint32_t>> pending_; // by step % slots_
    std::vector<std::uint64_t> now_, total_;
};

} // namespace spikekit::chips::detail
