#pragma once
// The event loop of the MCU runtime. Freestanding C++17: no heap, no exceptions, no RTTI, no floating
// point, no OS; every array is the caller's (model.hpp). Status codes, never exceptions.
//
// One step t (the simulation kernel's order, so spikes are bit-identical to `spikekit run`):
//   1. drain: every queued input event with step <= t makes its input channel spike at t (an event of an
//      earlier step is late: it spikes now and is counted in late_events; a later one stays queued);
//   2. update: each neuron consumes its accumulator of slot t % slots of its population's ring (then zeroed)
//   as the input of one
//      integer LIF step (spikekit/arith/int_lif.hpp, the neuron's bias and threshold); a spike calls the
//      callback with (population, neuron, t) and marks the neuron in the spike bitmap;
//   3. deliver: every node that spiked at t adds its weights into slot (t + delay) % slots of its targets
//      (1 <= delay <= slots; the slot read in step 2 is already zeroed), for dense, sparse and conv2d projections;
//   4. t += 1.
// With plastic projections (model_desc::stdp), the STDP rule also runs in the kernel's places: arrivals of
// the plastic synapses at the start of step t (rule, then the current weights into slot t), the targets'
// spikes after the update, then the weight decay (runtime/src/stdp.cpp).
// Integer sums commute, so the delivery order cannot change a result.
#include <cstdint>

#include "spikekit/runtime/event_queue.hpp"
#include "spikekit/runtime/model.hpp"

namespace spikekit::runtime {

enum class status : std::uint8_t {
    ok = 0,
    bad_channel = 1, // an input event named a channel >= n_inputs (dropped, counted)
    bad_model = 2,   // the descriptors are inconsistent (checked by the constructor)
};

// Called for every neuron spike: population index, neuron within it, step.
using spike_callback = void (*)(void* context, std::uint32_t population, std::uint32_t neuron,
                                std::uint32_t step);

struct counters {
    std::uint32_t synaptic_events = 0; // weights added into accumulators
    std::uint32_t neuron_updates = 0;
    std::uint32_t input_spikes = 0;
    std::uint32_t late_events = 0;
    std::uint32_t dropped_events = 0;
    std::uint32_t weight_changes = 0; // STDP updates that changed a weight
};

class engine {
  public:
    // Checks the descriptors (status() says bad_model if they do not fit) and resets the state.
    engine(const model_desc& model, const state_ref& state, event_queue& inputs) noexcept;
    status check() const noexcept { return check_; }
    // Back to step 0: initial membranes, empty refractory counters, accumulators and input queue.
    void reset() noexcept;
    // One step (see above). bad_channel if an input event was dropped in it, else ok.
    status step(spike_callback on_spike, void* context) noexcept;
    std::uint32_t now() const noexcept { return now_; }
    const counters& stats() const noexcept { return stats_; }
    const model_desc& model() const noexcept { return m_; }

  private:
    status drain() noexcept;
    void update(spike_callback on_spike, void* context) noexcept;
    void deliver() noexcept;
    void deliver_dense(const projection_desc& p) noexcept;
    void deliver_sparse(const projection_desc& p) noexcept;
    void deliver_conv(const projection_desc& p) noexcept;
    std::int32_t* slot(const population_desc& pop, std::uint32_t delay, std::uint32_t first) const noexcept;
    status validate() const noexcept;

    const model_desc& m_;
    state_ref s_;
    event_queue& q_;
    std::uint32_t now_ = 0;
    counters stats_{};
    status check_ = status::ok;
};

} // namespace spikekit::runtime
