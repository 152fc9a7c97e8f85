#pragma once
// The forward pass of a layer graph, one sample at a time: the ANN, and the linear part of the SNN.
//
// Weighted layers (conv, dense) run event-driven: they scatter each non-zero input into the outputs it
// reaches, so a sparse input (spikes) costs its number of events times the fan-out, and the count of those
// accumulations is the number of synaptic operations (SOPs). A dense input costs what a dense layer costs.
// Everything runs in a fixed order: results do not depend on the thread that runs the sample.
#include <cstdint>
#include <functional>
#include <vector>

#include "spikekit/converters/dataset.hpp"
#include "spikekit/core/context.hpp"
#include "spikekit/converters/graph.hpp"

namespace spikekit::converters {

using tensor = std::vector<float>;

class engine {
  public:
    explicit engine(const graph& g); // keeps a reference: `g` must outlive the engine
    const graph& net() const { return g_; }

    // Layer `i` applied to the activations of its inputs; returns the synaptic operations done (0 unless
    // weighted). relu/clip apply their ANN function and maxpool takes the maximum.
    std::uint64_t apply(std::size_t i, const std::vector<tensor>& acts, tensor& out) const;

    // Pool layer `i` as an average whatever its kind (MaxPool replaced by AvgPool in the SNN).
    void average_pool(std::size_t i, const tensor& x, tensor& out) const;

    // For pool layers: the input index of each window element of each output (-1 for padding),
    // [out.size()][kh * kw].
    const std::vector<std::int32_t>& window_table(std::size_t i) const { return windows_[i]; }
    std::size_t window_size(std::size_t i) const;

    // The ANN on one sample: every layer's activation.
    void forward(const float* sample, std::vector<tensor>& acts) const;
    int predict(const float* sample, std::vector<tensor>& acts) const;

  private:
    void conv(std::size_t i, const tensor& x, tensor& out, std::uint64_t& sops) const;
    void dense(std::size_t i, const tensor& x, tensor& out, std::uint64_t& sops) const;
    void pool(std::size_t i, const tensor& x, tensor& out, bool as_max) const;

    const graph& g_;
    std::vector<std::vector<float>> scatter_;        // weighted layers: weights reordered for scattering
    std::vector<std::vector<std::uint32_t>> fanout_; // weighted layers: outputs reached by each input
    std::vector<std::vector<std::int32_t>> windows_; // pool layers
};

// Index of the largest value (the first one on ties).
int argmax(const float* v, std::size_t n);

// ANN accuracy over `d` (parallel over samples on the context's threads).
double ann_accuracy(const engine& e, const dataset& d, const context& ctx);

} // namespace spikekit::converters
