#pragma once
// Plastic projections in the kernel.
//
// Static synapses are added to the delay ring when their source spikes (their weight never changes, so
// it can be read early). A plastic synapse's weight must be read when the spike *arrives*, after the rule
// has seen every postsynaptic spike before that moment. So a spike of a plastic projection's source only
// schedules its pre slots (one per (neuron, delay) pair) in a pending queue indexed like the ring; at the
// start of the arrival step the rule's on_pre runs and the current weights go into that step's ring slot.
// Times follow the kernel's convention: a spike of step s has time (s + 1) dt; a spike sent at step e
// with a delay of d steps arrives with time (e + d + 1) dt and acts during step e + d, before the
// postsynaptic spikes of that step (same time stamp: pre counts before post).
//
// Memory per plastic synapse: weight 4 B, pre slot 4 B, post neuron 4 B, incoming index 4 B (16 B), plus
// what the rule keeps per synapse (rstdp: eligibility, its time and a weight remainder, 24 B).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spikekit/core/lowering.hpp"
#include "spikekit/core/plasticity.hpp"

namespace spikekit::detail {
using namespace spikekit::lowering; // the kernel's private pieces build on the public lowering


struct plastic_projection {
    std::string name;
    std::size_t src_pop = 0, tgt_pop = 0;
    std::uint32_t src_gid0 = 0, src_size = 0, tgt_gid0 = 0, tgt_size = 0;
    std::uint64_t chan_base = 0; // target channel of post neuron i: chan_base + i
    synapse_layout layout;
    std::vector<float> weights;                // in layout order
    std::vector<std::uint32_t> slot_delay;     // delay in steps of each pre slot
    std::vector<std::uint32_t> pre_slot_start; // slots of local pre neuron j: [start[j], start[j + 1])
    std::unique_ptr<plastic_state> state;
    std::vector<std::vector<std::uint32_t>> pending; // per ring slot: pre slots arriving in that step
    // The population whose spikes are the rule's rewards (config "reward"): n of its spikes in a step
    // deliver n x amount at the step's spike time, after the step's post spikes, before on_step.
    struct reward_link {
        std::uint32_t gid0 = 0, size = 0;
        double amount = 0.0;
    };
    std::optional<reward_link> reward;
    // simulation::set_learning(false): the weights are delivered, the rule sees no events and no rewards.
    bool frozen = false;

    // Builds the layout from the projection's synapses (sorted by pre neuron, then delay, then generation
    // order) and lowers the rule on it.
    plastic_projection(const projection_synapses& syn, std::uint32_t n_src, std::uint32_t n_tgt,
                       const plasticity_rule& rule, const param_map& params, const lower_args& args);

    // Start of step `step`: run on_pre for the slots arriving now and add their weights to the ring slot.
    void arrive(std::int64_t step, double dt, std::uint32_t ring_slots, std::uint64_t channels, float* ring);
    // After the spikes of step `step`: on_post for spikes of the target population, scheduling of the
    // spikes of the source population, rewards from the reward population. `spikes` are global ids in
    // increasing order.
    void after_spikes(std::int64_t step, double dt, std::uint32_t ring_slots,
                      const std::vector<std::uint32_t>& spikes);
    std::uint32_t out_degree(std::uint32_t local_pre) const;
    std::uint32_t source_of(std::uint32_t syn) const; // local pre neuron of a synapse
};

} // namespace spikekit::detail
