// Forward pass of the layer graph (see engine.hpp for the event-driven scheme).
#include "spikekit/converters/engine.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

namespace spikekit::converters {
namespace {

std::size_t idx(int v) {
    return static_cast<std::size_t>(v);
}

// For each output position along one axis and kernel offset, the input position (or -1): shared by the
// conv fan-out count and the pool windows.
int input_at(int o, int k, int stride, int pad, int dil, int size) {
    const int p = o * stride - pad + k * dil;
    return p >= 0 && p < size ? p : -1;
}

std::vector<std::int32_t> build_windows(const layer& l, const shape& in) {
    const window& w = l.win;
    const std::size_t k = idx(w.kh) * idx(w.kw);
    std::vector<std::int32_t> t(l.out.size() * k, -1);
    for (int c = 0; c < l.out.c; ++c)
        for (int oy = 0; oy < l.out.h; ++oy)
            for (int ox = 0; ox < l.out.w; ++ox) {
                const std::size_t o = (idx(c) * idx(l.out.h) + idx(oy)) * idx(l.out.w) + idx(ox);
                for (int ky = 0; ky < w.kh; ++ky)
                    for (int kx = 0; kx < w.kw; ++kx) {
                        const int iy = input_at(oy, ky, w.sh, w.pt, w.dh, in.h),
                                  ix = input_at(ox, kx, w.sw, w.pl, w.dw, in.w);
                        if (iy >= 0 && ix >= 0)
                            t[o * k + idx(ky) * idx(w.kw) + idx(kx)] = static_cast<std::int32_t>(
                                (idx(c) * idx(in.h) + idx(iy)) * idx(in.w) + idx(ix));
                    }
            }
    return t;
}

// QCFS: the ONNX chain Mul, Add, Floor, Div, Clip, Mul in the exported order, so the result is the same
// float.
void qcfs(const layer& l, const tensor& x, tensor& out) {
    const auto levels = static_cast<float>(l.levels);
    for (std::size_t k = 0; k < out.size(); ++k)
        out[k] = std::clamp(std::floor(x[k] * l.qcfs_scale + 0.5f) / levels, 0.0f, 1.0f) * l.clip_max;
}

} // namespace

engine::engine(const graph& g)
    : g_(g), scatter_(g.layers.size()), fanout_(g.layers.size()), windows_(g.layers.size()) {
    for (std::size_t i = 1; i < g.layers.size(); ++i) {
        const layer& l = g.layers[i];
        const shape in = g.layers[idx(l.inputs.at(0))].out;
        if (l.kind == op::dense) {
            const std::size_t nin = in.size(), nout = l.out.size();
            scatter_[i].resize(nin * nout);
            for (std::size_t o = 0; o < nout; ++o)
                for (std::size_t k = 0; k < nin; ++k) scatter_[i][k * nout + o] = l.weight[o * nin + k];
            fanout_[i].assign(nin, static_cast<std::uint32_t>(nout));
        } else if (l.kind == op::conv) {
            // weight [oc][icg][kh][kw] -> [ic][kh][kw][oc in group], so one input scatters over contiguous
            // weights.
            const std::size_t ocg = idx(l.out.c / l.groups), icg = idx(in.c / l.groups), kh = idx(l.win.kh),
                              kw = idx(l.win.kw);
            scatter_[i].resize(l.weight.size());
            for (std::size_t oc = 0; oc < idx(l.out.c); ++oc)
                for (std::size_t icl = 0; icl < icg; ++icl)
                    for (std::size_t k = 0; k < kh * kw; ++k) {
                        const std::size_t ic = (oc / ocg) * icg + icl;
                        scatter_[i][(ic * kh * kw + k) * ocg + oc % ocg] =
                            l.weight[(oc * icg + icl) * kh * kw + k];
                    }
            // Fan-out: the outputs each input reaches, counted from the output side.
            fanout_[i].assign(in.size(), 0);
            layer per_channel; // the conv's windows, one output channel per input channel
            per_channel.out = {in.c, l.out.h, l.out.w};
            per_channel.win = l.win;
            const auto t = build_windows(per_channel, in);
            for (auto v : t)
                if (v >= 0) fanout_[i][idx(v)] += static_cast<std::uint32_t>(ocg);
        } else if (l.kind == op::avgpool || l.kind == op::maxpool) {
            windows_[i] = build_windows(l, in);
        }
    }
}

void engine::average_pool(std::size_t i, const tensor& x, tensor& out) const {
    out.resize(g_.layers[i].out.size());
    pool(i, x, out, false);
}

std::size_t engine::window_size(std::size_t i) const {
    return idx(g_.layers[i].win.kh) * idx(g_.layers[i].win.kw);
}

void engine::conv(std::size_t i, const tensor& x, tensor& out, std::uint64_t& sops) const {
    const layer& l = g_.layers[i];
    const shape in = g_.layers[idx(l.inputs[0])].out;
    const window& w = l.win;
    const int ocg = l.out.c / l.groups, icg = in.c / l.groups;
    const std::size_t ohw = l.out.plane(), oc = idx(l.out.c);
    const float* wr = scatter_[i].data();
    const std::uint32_t* fan = fanout_[i].data();
    // Accumulate position-major ([oy][ox][oc]) so that one input scatters into contiguous outputs, then add
    // into the channel-major result once.
    thread_local std::vector<float> acc;
    acc.assign(ohw * oc, 0.0f);
    for (int ic = 0; ic < in.c; ++ic) {
        float* og = acc.data() + idx(ic / icg) * idx(ocg);
        for (int iy = 0; iy < in.h; ++iy)
            for (int ix = 0; ix < in.w; ++ix) {
                const std::size_t k = (idx(ic) * idx(in.h) + idx(iy)) * idx(in.w) + idx(ix);
                const float v = x[k];
                if (v == 0.0f) continue;
                sops += fan[k];
                for (int ky = 0; ky < w.kh; ++ky) {
                    const int ny = iy + w.pt - ky * w.dh;
                    if (ny < 0 || ny % w.sh != 0 || ny / w.sh >= l.out.h) continue;
                    for (int kx = 0; kx < w.kw; ++kx) {
                        const int nx = ix + w.pl - kx * w.dw;
                        if (nx < 0 || nx % w.sw != 0 || nx / w.sw >= l.out.w) continue;
                        const float* wk =
                            wr + ((idx(ic) * idx(w.kh) + idx(ky)) * idx(w.kw) + idx(kx)) * idx(ocg);
                        float* o = og + (idx(ny / w.sh) * idx(l.out.w) + idx(nx / w.sw)) * oc;
                        for (int c = 0; c < ocg; ++c) o[c] += v * wk[c];
                    }
                }
            }
    }
    for (std::size_t p = 0; p < ohw; ++p)
        for (std::size_t c = 0; c < oc; ++c) out[c * ohw + p] += acc[p * oc + c];
}

void engine::dense(std::size_t i, const tensor& x, tensor& out, std::uint64_t& sops) const {
    const std::size_t nout = out.size();
    const float* wr = scatter_[i].data();
    for (std::size_t k = 0; k < x.size(); ++k) {
        const float v = x[k];
        if (v == 0.0f) continue;
        sops += nout;
        const float* wk = wr + k * nout;
        for (std::size_t o = 0; o < nout; ++o) out[o] += v * wk[o];
    }
}

void engine::pool(std::size_t i, const tensor& x, tensor& out, bool as_max) const {
    const layer& l = g_.layers[i];
    const std::size_t k = window_size(i);
    const std::int32_t* t = windows_[i].data();
    for (std::size_t o = 0; o < out.size(); ++o, t += k) {
        float acc = as_max ? -std::numeric_limits<float>::infinity() : 0.0f;
        std::size_t n = 0;
        for (std::size_t j = 0; j < k; ++j) {
            if (t[j] < 0) continue;
            const float v = x[idx(t[j])];
            acc = as_max ? std::max(acc, v) : acc + v;
            ++n;
        }
        if (!as_max) acc /= static_cast<float>(l.count_include_pad ? k : std::max<std::size_t>(n, 1));
        out[o] = acc;
    }
}

std::uint64_t engine::apply(std::size_t i, const std::vector<tensor>& acts, tensor& out) const {
    const layer& l = g_.layers[i];
    const tensor& x = acts[idx(l.inputs[0])];
    out.resize(l.out.size());
    std::uint64_t sops = 0;
    switch (l.kind) {
    case op::input:
        break;
    case op::conv:
    case op::dense:
        for (std::size_t c = 0; c < idx(l.out.c); ++c)
            std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(c * l.out.plane()), l.out.plane(),
                        l.bias[c]);
        if (l.kind == op::conv)
            conv(i, x, out, sops);
        else
            dense(i, x, out, sops);
        break;
    case op::batchnorm:
        for (std::size_t k = 0; k < out.size(); ++k) {
            const std::size_t c = k / l.out.plane();
            out[k] = l.weight[c] * x[k] + l.bias[c];
        }
        break;
    case op::relu:
        for (std::size_t k = 0; k < out.size(); ++k) out[k] = std::max(x[k], 0.0f);
        break;
    case op::clip:
        if (l.levels > 0)
            qcfs(l, x, out);
        else
            for (std::size_t k = 0; k < out.size(); ++k) out[k] = std::clamp(x[k], 0.0f, l.clip_max);
        break;
    case op::avgpool:
    case op::maxpool:
        pool(i, x, out, l.kind == op::maxpool);
        break;
    case op::add:
        std::copy(x.begin(), x.end(), out.begin());
        for (std::size_t j = 1; j < l.inputs.size(); ++j) {
            const tensor& y = acts[idx(l.inputs[j])];
            for (std::size_t k = 0; k < out.size(); ++k) out[k] += y[k];
        }
        break;
    case op::concat: {
        auto it = out.begin();
        for (int in : l.inputs) it = std::copy(acts[idx(in)].begin(), acts[idx(in)].end(), it);
        break;
    }
    case op::pad: {
        const shape s = g_.layers[idx(l.inputs[0])].out;
        std::fill(out.begin(), out.end(), 0.0f);
        for (int c = 0; c < s.c; ++c)
            for (int y = 0; y < s.h; ++y)
                std::copy_n(x.begin() + static_cast<std::ptrdiff_t>((idx(c) * idx(s.h) + idx(y)) * idx(s.w)),
                            s.w,
                            out.begin() + static_cast<std::ptrdiff_t>(
                                              (idx(c) * idx(l.out.h) + idx(y + l.win.pt)) * idx(l.out.w) +
                                              idx(l.win.pl)));
        break;
    }
    case op::flatten:
        std::copy(x.begin(), x.end(), out.begin());
        break;
    }
    return sops;
}

void engine::forward(const float* sample, std::vector<tensor>& acts) const {
    acts.resize(g_.layers.size());
    acts[0].assign(sample, sample + g_.input_shape().size());
    for (std::size_t i = 1; i < g_.layers.size(); ++i) apply(i, acts, acts[i]);
}

int engine::predict(const float* sample, std::vector<tensor>& acts) const {
    forward(sample, acts);
    const tensor& y = acts[idx(g_.output)];
    return argmax(y.data(), y.size());
}

int argmax(const float* v, std::size_t n) {
    return static_cast<int>(std::max_element(v, v + n) - v);
}

double ann_accuracy(const engine& e, const dataset& d, const context& ctx) {
    std::vector<char> hit(d.count, 0);
    ctx.parallel_chunks(d.count, 16, [&](std::size_t first, std::size_t last) {
        std::vector<tensor> acts;
        for (std::size_t s = first; s < last; ++s) hit[s] = e.predict(d.image(s), acts) == d.labels[s];
    });
    return static_cast<double>(std::count(hit.begin(), hit.end(), 1)) / static_cast<double>(d.count);
}

} // namespace spikekit::converters
