// BatchNorm folding and data-based threshold balancing (see convert.hpp).
#include "spikekit/converters/convert.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "spikekit/converters/engine.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters {
namespace {

std::size_t idx(int v) {
    return static_cast<std::size_t>(v);
}

// Remove layer `r`, whose consumers now read layer `with`; indices above `r` shift down by one.
void remove_layer(graph& g, int r, int with) {
    g.layers.erase(g.layers.begin() + r);
    auto remap = [&](int& i) {
        if (i == r) i = with;
        if (i > r) --i;
    };
    for (auto& l : g.layers)
        for (int& i : l.inputs) remap(i);
    remap(g.output);
}

void scale_rows(layer& p, const layer& bn) {
    const std::size_t per_out = p.weight.size() / idx(p.out.c);
    for (std::size_t c = 0; c < idx(p.out.c); ++c) {
        for (std::size_t k = 0; k < per_out; ++k) p.weight[c * per_out + k] *= bn.weight[c];
        p.bias[c] = p.bias[c] * bn.weight[c] + bn.bias[c];
    }
}

} // namespace

graph fold_batchnorm(const graph& in) {
    graph g = in;
    for (int i = 1; i < static_cast<int>(g.layers.size());) {
        layer& bn = g.layers[idx(i)];
        if (bn.kind != op::batchnorm) {
            ++i;
            continue;
        }
        const int p = bn.inputs[0];
        if (g.layers[idx(p)].weighted() && g.consumers(p).size() == 1 && g.output != p) {
            scale_rows(g.layers[idx(p)], bn);
            remove_layer(g, i, p);
            continue;
        }
        // No layer to fold into: y = w x + b per channel is a depthwise 1x1 convolution.
        bn.kind = op::conv;
        bn.groups = bn.out.c;
        bn.win = window{};
        ++i;
    }
    return g;
}

float percentile(std::vector<float>& v, double p) {
    if (v.empty()) return 0.0f;
    if (!(p > 0.0 && p <= 100.0)) throw std::invalid_argument("percentile must be in (0, 100]");
    const double rank = p / 100.0 * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
    const float a = v[lo];
    if (lo + 1 >= v.size()) return a;
    const float b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo + 1), v.end());
    return a + static_cast<float>(rank - static_cast<double>(lo)) * (b - a);
}

namespace {

// Positive activations of each spiking layer, per channel, from the ANN on the calibration samples.
std::vector<std::vector<std::vector<float>>> collect(const engine& e, const dataset& d, std::size_t n,
                                                     const std::vector<char>& wanted, const context& ctx) {
    const graph& g = e.net();
    std::vector<std::vector<std::vector<float>>> values(g.layers.size());
    for (std::size_t i = 0; i < g.layers.size(); ++i)
        if (wanted[i]) values[i].resize(idx(g.layers[i].out.c));
    // Chunks of samples run in parallel; each chunk's values are merged in sample order, so the result
    // does not depend on the threads.
    constexpr std::size_t chunk = 64;
    for (std::size_t first = 0; first < n; first += chunk) {
        const std::size_t m = std::min(chunk, n - first);
        std::vector<std::vector<tensor>> acts(m);
        ctx.parallel_chunks(m, 16, [&](std::size_t a, std::size_t b) {
            for (std::size_t s = a; s < b; ++s) e.forward(d.image(first + s), acts[s]);
        });
        for (std::size_t s = 0; s < m; ++s)
            for (std::size_t i = 0; i < g.layers.size(); ++i) {
                if (!wanted[i]) continue;
                const tensor& a = acts[s][i];
                const std::size_t plane = g.layers[i].out.plane();
                for (std::size_t k = 0; k < a.size(); ++k)
                    if (a[k] > 0.0f) values[i][k / plane].push_back(a[k]);
            }
    }
    return values;
}

std::vector<float> thresholds_of(std::vector<std::vector<float>>& per_channel, const conversion_options& o) {
    std::vector<float> all;
    for (const auto& c : per_channel) all.insert(all.end(), c.begin(), c.end());
    float layer_t = percentile(all, o.percentile);
    if (!(layer_t > 0.0f))
        layer_t = 1.0f; // a layer that never fires in calibration: any threshold is as good
    if (!o.per_channel) return {layer_t};
    std::vector<float> t;
    for (auto& c : per_channel) {
        const float v = percentile(c, o.percentile);
        t.push_back(v > 0.0f ? v : layer_t);
    }
    return t;
}

} // namespace

snn_model convert(const graph& g, const dataset& calibration, const conversion_options& o,
                  const context& ctx) {
    check_sample_shape(calibration, g.input_shape());
    if (!(o.percentile > 0.0 && o.percentile <= 100.0))
        throw input_error("", "--percentile", "must be in (0, 100], got " + std::to_string(o.percentile));
    snn_model m;
    m.net = fold_batchnorm(g);
    m.options = o;
    const graph& net = m.net;
    std::vector<char> wanted(net.layers.size(), 0);
    for (std::size_t i = 0; i < net.layers.size(); ++i)
        wanted[i] = net.layers[i].kind == op::relu ||
                    (o.output == output_decoding::spikes && static_cast<int>(i) == net.output);
    const engine e(net);
    const std::size_t n =
        std::min(o.calibration_samples == 0 ? calibration.count : o.calibration_samples, calibration.count);
    auto values = collect(e, calibration, n, wanted, ctx);
    m.threshold.resize(net.layers.size());
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        if (net.layers[i].kind == op::clip)
            m.threshold[i] = {net.layers[i].clip_max};
        else if (wanted[i])
            m.threshold[i] = thresholds_of(values[i], o);
    }
    return m;
}

} // namespace spikekit::converters
