#pragma once
// The linear NIR nodes (Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, Delay and the
// ports of nested graphs) applied to one input vector: what the importer composes between two populations.
#include <string>
#include <vector>

#include "spikekit/converters/nir.hpp"

namespace spikekit::converters::nirlinear {

bool is_linear(const nir_node& n);
// Flatten, Delay and ports move values unchanged.
bool is_identity(const nir_node& n);
// y = node(x), with (with_bias) or without the node's bias.
std::vector<double> apply(const std::string& file, const nir_node& n, const std::vector<double>& x,
                          bool with_bias);

} // namespace spikekit::converters::nirlinear
