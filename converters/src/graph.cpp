#include "spikekit/converters/graph.hpp"

#include <stdexcept>

namespace spikekit::converters {

std::string to_string(const shape& s) {
    return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

const char* to_string(op k) {
    switch (k) {
    case op::input:
        return "input";
    case op::conv:
        return "conv";
    case op::dense:
        return "dense";
    case op::batchnorm:
        return "batchnorm";
    case op::relu:
        return "relu";
    case op::clip:
        return "clip";
    case op::avgpool:
        return "avgpool";
    case op::maxpool:
        return "maxpool";
    case op::add:
        return "add";
    case op::concat:
        return "concat";
    case op::pad:
        return "pad";
    case op::flatten:
        return "flatten";
    }
    return "?";
}

std::vector<int> graph::consumers(int index) const {
    std::vector<int> r;
    for (std::size_t i = 0; i < layers.size(); ++i)
        for (int in : layers[i].inputs)
            if (in == index) r.push_back(static_cast<int>(i));
    return r;
}

std::size_t graph::parameters() const {
    std::size_t n = 0;
    for (const auto& l : layers) n += l.weight.size() + l.bias.size();
    return n;
}

int window_extent(int in, int kernel, int stride, int pad_before, int pad_after, int dilation) {
    if (kernel < 1 || stride < 1 || dilation < 1 || pad_before < 0 || pad_after < 0)
        throw std::invalid_argument("kernel, stride and dilation must be >= 1 and padding >= 0");
    const long span = static_cast<long>(dilation) * (kernel - 1) + 1;
    const long padded = static_cast<long>(in) + pad_before + pad_after;
    if (padded < span)
        throw std::invalid_argument("a window of " + std::to_string(span) + " does not fit an input of " +
                                    std::to_string(padded) + " (with padding)");
    return static_cast<int>((padded - span) / stride + 1);
}

} // namespace spikekit::converters
