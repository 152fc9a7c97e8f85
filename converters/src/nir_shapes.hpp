#pragma once
// Shapes and geometry of NIR nodes (batch dimension excluded, channel first), shared by the checker, the
// importer and the exporter.
#include <array>
#include <string>
#include <vector>

#include "spikekit/converters/nir.hpp"

namespace spikekit::converters::nirshapes {

using shape_t = std::vector<std::size_t>;

// A convolution or pooling window as a 2-D convolution (Conv1d: height 1). Pools have groups = channels.
struct conv_geom {
    std::size_t cin = 0, cout = 0, groups = 1, h = 1, w = 1, oh = 1, ow = 1;
    std::array<std::size_t, 2> k{1, 1}, s{1, 1}, p{0, 0}, d{1, 1};
    bool one_d = false;
};

// Shapes the node states itself (Input, Output, Affine, Linear, neurons, Scale, Delay; convolutions with
// input_shape; Flatten with input_type).
void own_shapes(const std::string& file, nir_node& n);
// Shapes of a node that takes them from its predecessor's output `in`.
void from_input(const std::string& file, nir_node& n, const shape_t& in);
// The field that fixes a node's input shape, for messages.
std::string input_field(const nir_node& n);
// A short summary of a node's parameters for --info (starts with two spaces, or empty).
std::string summary(const nir_node& n);

// Geometry of a Conv1d, Conv2d, SumPool2d or AvgPool2d node whose input has shape `in`.
conv_geom conv(const std::string& file, const nir_node& n, const shape_t& in);

// Field `f` of a node as `n` values: a single value is broadcast, a missing optional field takes `def`.
// input_error naming the node and field for any other count.
std::vector<double> values(const std::string& file, const nir_node& n, const std::string& f,
                           std::size_t count, double def);

} // namespace spikekit::converters::nirshapes
