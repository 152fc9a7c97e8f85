// Weight and threshold quantization (see quantize.hpp).
#include "spikekit/converters/quantize.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

#include "spikekit/core/error.hpp"

namespace spikekit::converters {
namespace {

std::size_t idx(int v) {
    return static_cast<std::size_t>(v);
}

// The value a non-zero element of each layer's output carries per unit of "rate" (the threshold of the
// spiking layer it comes from), per element; NaN where it is not one layer's threshold.
std::vector<std::vector<float>> spike_scales(const snn_model& m) {
    const graph& g = m.net;
    std::vector<std::vector<float>> s(g.layers.size());
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const layer& l = g.layers[i];
        auto& out = s[i];
        out.assign(l.out.size(), NAN);
        const auto from = [&](int k) -> const std::vector<float>& { return s[idx(l.inputs[idx(k)])]; };
        switch (l.kind) {
        case op::input:
            std::fill(out.begin(), out.end(), 1.0f);
            break;
        case op::relu:
        case op::clip:
            for (std::size_t k = 0; k < out.size(); ++k) out[k] = m.threshold_at(i, k / l.out.plane());
            break;
        case op::flatten:
            out = from(0);
            break;
        case op::concat: {
            out.clear();
            for (std::size_t k = 0; k < l.inputs.size(); ++k)
                out.insert(out.end(), from(static_cast<int>(k)).begin(), from(static_cast<int>(k)).end());
            break;
        }
        case op::avgpool:
        case op::maxpool:
        case op::pad: { // channel-preserving: take each channel's scale if the channel has one
            const shape in = g.layers[idx(l.inputs[0])].out;
            for (int c = 0; c < l.out.c; ++c) {
                const auto first = from(0).begin() + static_cast<std::ptrdiff_t>(idx(c) * in.plane());
                const float v = *first;
                const bool uniform = std::all_of(first, first + static_cast<std::ptrdiff_t>(in.plane()),
                                                 [&](float x) { return x == v; });
                std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(idx(c) * l.out.plane()), l.out.plane(),
                            uniform ? v : NAN);
            }
            break;
        }
        default:
            break; // weighted layers and sums: not one threshold
        }
    }
    return s;
}

// The spiking layer that weighted layer `i` drives: itself (output decoded by spikes), its one consumer,
// or the one consumer of the residual Add it feeds; -1 if none.
int driven_layer(const snn_model& m, int i) {
    const graph& g = m.net;
    if (m.spiking(idx(i))) return i;
    auto next = g.consumers(i);
    if (next.size() == 1 && g.layers[idx(next[0])].kind == op::add) next = g.consumers(next[0]);
    return next.size() == 1 && m.spiking(idx(next[0])) ? next[0] : -1;
}

// theta_out per output channel of weighted layer `i`: 1 for a membrane-decoded output, empty if untraceable.
std::vector<float> theta_out(const snn_model& m, int i) {
    const std::size_t c = idx(m.net.layers[idx(i)].out.c);
    if (i == m.net.output && !m.spiking(idx(i))) return std::vector<float>(c, 1.0f);
    const int t = driven_layer(m, i);
    if (t < 0) return {};
    std::vector<float> r(c);
    for (std::size_t k = 0; k < c; ++k) r[k] = m.threshold_at(idx(t), k);
    return r;
}

float scale_of(const float* w, std::size_t n, int qmax) {
    float mx = 0.0f;
    for (std::size_t k = 0; k < n; ++k) mx = std::max(mx, std::fabs(w[k]));
    return mx > 0.0f ? mx / static_cast<float>(qmax) : 1.0f;
}

int round_clamp(float v, int qmax) {
    return static_cast<int>(std::clamp(std::lround(v), -static_cast<long>(qmax), static_cast<long>(qmax)));
}

// A bias or threshold in state units: rounded, within the int range (they are not stored weights).
int round_state(float v) {
    return static_cast<int>(
        std::clamp(std::lround(v), static_cast<long>(INT_MIN), static_cast<long>(INT_MAX)));
}

// Quantize one weighted layer in place (float model) and return its integer form.
quantized_layer quantize_layer(layer& l, const std::vector<float>& th_in_elem, std::vector<float> th_out,
                               std::vector<float>& spike_threshold, const quantization& q) {
    const std::size_t oc = idx(l.out.c), per_out = l.weight.size() / oc, in_size = th_in_elem.size();
    const bool traced = !th_out.empty() && std::none_of(th_in_elem.begin(), th_in_elem.end(),
                                                        [](float x) { return std::isnan(x); });
    std::vector<float> th_in(per_out * oc, 1.0f);
    if (traced) {
        // theta of the input element each weight reads: dense reads feature k; conv reads channel
        // (group-local).
        for (std::size_t o = 0; o < oc; ++o)
            for (std::size_t k = 0; k < per_out; ++k) {
                std::size_t e = k;
                if (l.kind == op::conv) {
                    const std::size_t icg = per_out / (idx(l.win.kh) * idx(l.win.kw));
                    const std::size_t ic =
                        (o / (oc / idx(l.groups))) * icg + k / (idx(l.win.kh) * idx(l.win.kw));
                    e = ic * (in_size / (icg * idx(l.groups)));
                }
                th_in[o * per_out + k] = th_in_elem[e];
            }
    } else {
        th_out.assign(oc, 1.0f);
    }
    const int qmax = (1 << (q.bits - 1)) - 1;
    const int shift = state_shift(q.bits);
    std::vector<float> wn(l.weight.size());
    for (std::size_t o = 0; o < oc; ++o)
        for (std::size_t k = 0; k < per_out; ++k)
            wn[o * per_out + k] = l.weight[o * per_out + k] * th_in[o * per_out + k] / th_out[o];
    quantized_layer r;
    r.weight.assign(wn.size(), 0);
    r.bias.assign(oc, 0);
    const std::size_t groups = q.per_channel ? oc : 1, rows = oc / groups;
    for (std::size_t gi = 0; gi < groups; ++gi) {
        const float s = scale_of(wn.data() + gi * rows * per_out, rows * per_out, qmax),
                    unit = std::ldexp(s, -shift); // one step of membrane, bias and threshold
        const int th_int = std::max(1, round_state(1.0f / unit));
        r.scale.push_back(s);
        r.threshold.push_back(th_int);
        for (std::size_t o = gi * rows; o < (gi + 1) * rows; ++o) {
            for (std::size_t k = 0; k < per_out; ++k) {
                const std::size_t j = o * per_out + k;
                r.weight[j] = round_clamp(wn[j] / s, qmax);
                l.weight[j] = static_cast<float>(r.weight[j]) * s * th_out[o] / th_in[j];
            }
            // The bias is an integer current in state units.
            r.bias[o] = round_state(l.bias[o] / th_out[o] / unit);
            l.bias[o] = static_cast<float>(r.bias[o]) * unit * th_out[o];
            // The integer threshold th_int, in float units, is th_int * unit * theta_out.
            if (traced && !spike_threshold.empty())
                spike_threshold[spike_threshold.size() == 1 ? 0 : o] =
                    static_cast<float>(th_int) * unit * th_out[o];
        }
    }
    return r;
}

} // namespace

int state_shift(int bits) {
    return std::max(0, 16 - bits);
}

snn_model quantize(const snn_model& m, const quantization& q, std::vector<quantized_layer>* integer) {
    if (q.bits < 2 || q.bits > 16)
        throw input_error("", "--quantize", "bits must be in [2, 16], got " + std::to_string(q.bits));
    snn_model r = m;
    const auto scales = spike_scales(m);
    if (integer) integer->clear();
    for (std::size_t i = 1; i < r.net.layers.size(); ++i) {
        layer& l = r.net.layers[i];
        if (!l.weighted()) continue;
        auto th_out = theta_out(m, static_cast<int>(i));
        // The spiking layer driven directly takes the integer threshold (a per-layer threshold with
        // per-channel weight scales becomes per channel). Through an Add it keeps its float threshold.
        std::vector<float> none;
        std::vector<float>* spike_t = &none;
        const int target = driven_layer(m, static_cast<int>(i));
        const auto next = r.net.consumers(static_cast<int>(i));
        if (target >= 0 && (target == static_cast<int>(i) || (next.size() == 1 && next[0] == target))) {
            auto& t = r.threshold[idx(target)];
            if (q.per_channel && t.size() == 1) t.assign(idx(l.out.c), t[0]);
            spike_t = &t;
        }
        auto ql = quantize_layer(l, scales[idx(l.inputs[0])], th_out, *spike_t, q);
        ql.shift = state_shift(q.bits);
        if (integer) integer->push_back(std::move(ql));
    }
    return r;
}

} // namespace spikekit::converters
