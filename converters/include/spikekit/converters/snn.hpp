#pragma once
// The evaluator of converted networks: time-stepped, layer by layer, one sample at a time, samples in
// parallel (oneTBB). Per step, each layer in graph order: linear layers apply their ANN operation to what
// their inputs emitted this step (weighted layers event by event, see engine.hpp), spiking layers integrate
// it into V and emit their threshold as a spike's value when V >= threshold, then subtract the threshold.
// Layers whose inputs never change (the analog first layer) are computed once. Every sum runs in a fixed
// order, so results are the same for any number of threads.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/converters/convert.hpp"
#include "spikekit/converters/engine.hpp"

namespace spikekit::converters {

// What one sample did over `steps` timesteps.
struct snn_run {
    std::vector<int> predictions;             // one per checkpoint
    std::vector<std::uint64_t> spikes;        // per layer (0 for layers that do not spike)
    std::uint64_t sops = 0;                   // synaptic operations (event-driven accumulations)
    std::vector<std::uint32_t> output_spikes; // spike count per output neuron (output decoded by spikes)
    std::vector<float> output_membrane;       // summed input of each output neuron
};

class snn_simulator {
  public:
    explicit snn_simulator(const snn_model& m); // keeps a reference to `m`
    // Run `sample` (index `id` keys its random spike input) for max(checkpoints) steps; checkpoints
    // ascending.
    snn_run run(const float* sample, std::uint64_t id, const std::vector<int>& checkpoints) const;
    const snn_model& model() const { return m_; }

  private:
    int decide(const snn_run& r, const std::vector<float>& membrane_now) const;
    void gated_max(std::size_t layer, const tensor& x, tensor& total, tensor& out) const;
    std::uint64_t fire(std::size_t layer, tensor& a, tensor& v, snn_run* output) const;
    const snn_model& m_;
    engine e_;
    std::vector<char> static_; // layer output constant over time
};

// The input of timestep `t` for sample `id`: the sample itself (analog), or its Bernoulli spikes (value 1
// with probability = pixel value, drawn from the counter-based RNG keyed by (seed, id, t)).
void input_spikes_at(const snn_model& m, const float* sample, std::uint64_t id, int t, tensor& out);

struct snn_layer_stats {
    std::string name;
    std::string kind;
    std::size_t neurons = 0;
    double spikes_per_inference = 0; // over the longest run
    double rate = 0;                 // spikes per neuron per step
};

struct snn_evaluation {
    std::size_t samples = 0;
    std::vector<int> timesteps;
    std::vector<double> accuracy;        // per timesteps entry
    double sops_per_inference = 0;       // over the longest run
    std::vector<snn_layer_stats> layers; // spiking layers
    double seconds = 0;
};

// Evaluate on the first `limit` samples of `d` (0 = all).
snn_evaluation evaluate_snn(const snn_model& m, const dataset& d, std::vector<int> timesteps,
                            const context& ctx, std::size_t limit = 0);

} // namespace spikekit::converters
