#pragma once
// ANN -> SNN conversion by rate coding (Rueckauer et al. 2017; Diehl et al. 2015; notes/conversion.md).
//
// 1. BatchNorm is folded into the Conv/Gemm before it: W' = W g / sqrt(var + eps), b' = g (b - mean) /
//    sqrt(var + eps) + beta. A BatchNorm with no such layer becomes a depthwise 1x1 convolution.
// 2. Every ReLU becomes a layer of integrate-and-fire neurons with reset by subtraction. Its threshold is the
//    p-th percentile (default 99.9; 100 = max) of the layer's positive ANN activations on calibration data,
//    per layer or per channel. A neuron then spikes at a rate of activation / threshold per step; a spike
//    carries the threshold as its value, which is the same as normalising the weights layer by layer
//    (W' = W lambda_pre / lambda, threshold 1) and is what export() writes.
//    Clip(0, m) layers (QCFS-trained nets) take m as their threshold: the ceiling they were trained with.
// 3. Options: initial membrane at half the threshold (QCFS), analog first layer (the sample is a constant
//    input current each step) or Bernoulli spike input (pixel value = spike probability per step), MaxPool as
//    AvgPool or as a gated spiking max (each step passes the increase of the largest input count so far, so
//    its count is the max of its inputs' counts), output read from the summed membrane potential or the
//    spike count.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/converters/dataset.hpp"
#include "spikekit/core/context.hpp"
#include "spikekit/converters/graph.hpp"

namespace spikekit::converters {

enum class input_coding { analog, spikes };
enum class maxpool_mode { avg, gated };
enum class output_decoding { membrane, spikes };

struct conversion_options {
    double percentile = 99.9; // of positive activations; 100 = max normalisation
    bool per_channel = false;
    bool half_initial = false; // V(0) = threshold / 2
    input_coding input = input_coding::analog;
    maxpool_mode maxpool = maxpool_mode::avg;
    output_decoding output = output_decoding::membrane;
    std::size_t calibration_samples = 1000;
    std::uint64_t seed = 1; // spike input
};

struct snn_model {
    graph net; // BatchNorm folded
    conversion_options options;
    // Per layer: empty unless the layer spikes (relu, clip, and the output layer when decoded by spikes);
    // one value (per layer) or one per channel.
    std::vector<std::vector<float>> threshold;

    float threshold_at(std::size_t layer, std::size_t channel) const {
        const auto& t = threshold[layer];
        return t.size() == 1 ? t[0] : t[channel];
    }
    bool spiking(std::size_t layer) const { return !threshold[layer].empty(); }
};

// The graph with every BatchNorm folded or turned into a depthwise 1x1 convolution.
graph fold_batchnorm(const graph& g);

// The p-th percentile (0 < p <= 100) of `v` with linear interpolation between ranks (numpy's default);
// reorders `v`. Empty `v` gives 0.
float percentile(std::vector<float>& v, double p);

// Convert: fold BatchNorm, then set thresholds from the ANN's activations on `calibration` (its first
// options.calibration_samples samples). Throws input_error if the data does not fit the model.
snn_model convert(const graph& g, const dataset& calibration, const conversion_options& options,
                  const context& ctx = context(0));

} // namespace spikekit::converters
