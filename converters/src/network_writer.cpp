// A converted network written as a network description (see network_writer.hpp).
#include "spikekit/converters/network_writer.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "spikekit/converters/engine.hpp"
#include "spikekit/converters/quantize.hpp"
#include "spikekit/converters/snn.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/io/atomic_file.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::converters {
namespace {

std::size_t idx(int v) {
    return static_cast<std::size_t>(v);
}

// A population: the input (layer 0), each spiking layer, and the output layer.
bool is_population(const snn_model& m, std::size_t i) {
    return i == 0 || m.spiking(i) || static_cast<int>(i) == m.net.output;
}

// The layer whose value drives population `i`'s neurons: a relu/clip's input, else the layer itself.
int drive_of(const snn_model& m, std::size_t i) {
    const layer& l = m.net.layers[i];
    return l.spiking() ? l.inputs[0] : static_cast<int>(i);
}

// Layers computed between the populations and `drive`, the drive of population `pop` (its backward cone,
// stopping at populations). The drive is itself a source when it is another population (a relu right after
// the input or after another relu): the cone is then empty and the projection an identity.
std::vector<char> cone(const snn_model& m, int pop, int drive, std::vector<int>& sources) {
    std::vector<char> in(m.net.layers.size(), 0);
    std::vector<int> stack{drive};
    while (!stack.empty()) {
        const int i = stack.back();
        stack.pop_back();
        if (in[idx(i)]) continue;
        if (is_population(m, idx(i)) && i != pop) {
            if (std::find(sources.begin(), sources.end(), i) == sources.end()) sources.push_back(i);
            continue;
        }
        in[idx(i)] = 1;
        for (int s : m.net.layers[idx(i)].inputs) stack.push_back(s);
    }
    std::sort(sources.begin(), sources.end());
    return in;
}

// Evaluate the cone with the given source activations (biases included or not); `evaluations` counts the
// layers applied (the export's work, see converted_network::layer_evaluations).
const tensor& run_cone(const engine& e, const std::vector<char>& in_cone, std::vector<tensor>& acts,
                       int drive, std::uint64_t& evaluations) {
    for (std::size_t i = 1; i < acts.size(); ++i)
        if (in_cone[i]) {
            e.apply(i, acts, acts[i]);
            ++evaluations;
        }
    return acts[idx(drive)];
}

std::string pop_name(const snn_model& m, std::size_t i) {
    if (i == 0) return "input";
    if (static_cast<int>(i) == m.net.output) return "output";
    return "layer" + std::to_string(i);
}

// Input spike times (ms): the evaluator's Bernoulli draws, or integrate-and-fire coding of analog values.
std::vector<std::vector<double>> input_spikes(const snn_model& m, const float* sample, std::uint64_t id,
                                              int steps) {
    const std::size_t n = m.net.input_shape().size();
    std::vector<std::vector<double>> times(n);
    std::vector<float> acc(n, 0.0f), x;
    for (int t = 0; t < steps; ++t) {
        if (m.options.input == input_coding::spikes) {
            input_spikes_at(m, sample, id, t, x);
            for (std::size_t k = 0; k < n; ++k)
                if (x[k] != 0.0f) times[k].push_back(t + 1.0);
        } else {
            for (std::size_t k = 0; k < n; ++k) {
                acc[k] += sample[k];
                if (acc[k] >= 1.0f) {
                    acc[k] -= 1.0f;
                    times[k].push_back(t + 1.0);
                }
            }
        }
    }
    return times;
}

population if_population(const snn_model& m, std::size_t i, bool never_fires) {
    population p;
    p.name = pop_name(m, i);
    p.size = static_cast<std::uint32_t>(m.net.layers[i].out.size());
    p.model = "if_delta";
    p.params = {{"V_th", never_fires ? 1e30 : 1.0}, {"V_reset", 0.0}, {"reset_subtract", 1.0}, {"C_m", 1.0}};
    if (m.options.half_initial && !never_fires) p.initial["V_m"] = value_spec::constant_of(0.5);
    return p;
}

void add_projection(converted_network& x, const std::string& src, const std::string& tgt, int delay,
                    const std::string& file) {
    projection p;
    p.name = src + "->" + tgt;
    p.source = src;
    p.target = tgt;
    p.receptor = "exc";
    p.conn.type = connectivity::kind::hdf5;
    p.conn.file = file;
    const std::string base = "/" + src + "_to_" + tgt;
    p.conn.sources_dataset = base + "/sources";
    p.conn.targets_dataset = base + "/targets";
    p.weight.type = value_spec::kind::hdf5;
    p.weight.file = file;
    p.weight.dataset = base + "/weights";
    p.delay = value_spec::constant_of(static_cast<double>(delay));
    x.desc.projections.push_back(p);
    x.sources.emplace_back();
    x.targets.emplace_back();
    x.weights.emplace_back();
}

// The chain of layers from the drive back to `src` when the cone is exactly that chain of spatial layers
// (conv, pools, pad: any padding), with the bounding box of an output's receptive field in input
// coordinates along each axis: rows [o s - p, o s - p + r). Empty when the cone is anything else.
struct local_geometry {
    int r = 1, p = 0, s = 1;
};
bool local_chain(const snn_model& m, const std::vector<char>& in_cone, int drive, std::size_t src,
                 local_geometry& gy, local_geometry& gx) {
    std::vector<int> chain;
    for (int l = drive; idx(l) != src; l = m.net.layers[idx(l)].inputs[0]) {
        const layer& c = m.net.layers[idx(l)];
        const bool spatial =
            c.kind == op::conv || c.kind == op::avgpool || c.kind == op::maxpool || c.kind == op::pad;
        if (!spatial || c.inputs.size() != 1 || !in_cone[idx(l)]) return false;
        chain.push_back(l);
    }
    std::size_t cone_layers = 0;
    for (char c : in_cone) cone_layers += c != 0;
    if (cone_layers != chain.size()) return false; // an empty chain is the identity (a relu on a population)
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const layer& l = m.net.layers[idx(*it)];
        const window& w = l.win;
        const bool pad = l.kind == op::pad;
        gy.r += pad ? 0 : (w.kh - 1) * w.dh * gy.s;
        gy.p += w.pt * gy.s;
        gy.s *= pad ? 1 : w.sh;
        gx.r += pad ? 0 : (w.kw - 1) * w.dw * gx.s;
        gx.p += w.pl * gx.s;
        gx.s *= pad ? 1 : w.sw;
    }
    return true;
}

void add_synapse(const snn_model& m, std::size_t tgt, std::size_t j, std::size_t k, float y,
                 converted_network& x) {
    const bool thresholded = m.spiking(tgt);
    x.sources.back().push_back(static_cast<std::uint32_t>(j));
    x.targets.back().push_back(static_cast<std::uint32_t>(k));
    x.weights.back().push_back(static_cast<double>(
        y / (thresholded ? m.threshold_at(tgt, k / m.net.layers[tgt].out.plane()) : 1.0f)));
}

// compose() for a local chain: impulses r apart along both axes never share an output (nor an intermediate
// neuron, whose field is smaller), so one pass per (channel, row offset, column offset) gives the synapses
// of every source of that residue class: c x r_y x r_x cone evaluations instead of one per source neuron.
// Each output is attributed to the one impulse inside its receptive field. The synapses are then put in the
// per-source order of compose().
void compose_local(const snn_model& m, const engine& e, const std::vector<char>& in_cone, int drive,
                   std::size_t src, std::size_t tgt, const local_geometry& gy, const local_geometry& gx,
                   converted_network& x) {
    std::vector<tensor> acts(m.net.layers.size());
    for (std::size_t i = 0; i < acts.size(); ++i) acts[i].assign(m.net.layers[i].out.size(), 0.0f);
    const shape& in = m.net.layers[src].out;
    const shape& out = m.net.layers[idx(drive)].out;
    struct syn {
        std::size_t j, k;
        float y;
    };
    std::vector<syn> found;
    auto impulse_in = [](int o, const local_geometry& g, int first, int extent) { // -1: none
        const int lo = o * g.s - g.p,
                  start = lo <= first ? first : first + (lo - first + g.r - 1) / g.r * g.r;
        return start < lo + g.r && start < extent ? start : -1;
    };
    for (int c = 0; c < in.c; ++c) {
        const float value = src == 0 ? 1.0f : m.threshold_at(src, idx(c));
        for (int y0 = 0; y0 < std::min(gy.r, in.h); ++y0)
            for (int x0 = 0; x0 < std::min(gx.r, in.w); ++x0) {
                auto set = [&](float v) {
                    for (int yy = y0; yy < in.h; yy += gy.r)
                        for (int xx = x0; xx < in.w; xx += gx.r)
                            acts[src][idx((c * in.h + yy) * in.w + xx)] = v;
                };
                set(value);
                const tensor& y = run_cone(e, in_cone, acts, drive, x.layer_evaluations);
                for (std::size_t k = 0; k < y.size(); ++k) {
                    if (y[k] == 0.0f) continue;
                    const int oy = static_cast<int>(k / idx(out.w) % idx(out.h)),
                              ox = static_cast<int>(k % idx(out.w));
                    const int yy = impulse_in(oy, gy, y0, in.h), xx = impulse_in(ox, gx, x0, in.w);
                    if (yy < 0 || xx < 0) continue; // cannot happen for a field [o s - p, o s - p + r)
                    found.push_back({idx((c * in.h + yy) * in.w + xx), k, y[k]});
                }
                set(0.0f);
            }
    }
    std::sort(found.begin(), found.end(),
              [](const syn& a, const syn& b) { return a.j != b.j ? a.j < b.j : a.k < b.k; });
    for (const auto& f : found) add_synapse(m, tgt, f.j, f.k, f.y, x);
}

// Synapses from every neuron of population `src` into the drive of population `tgt` (normalised by tgt's
// thresholds): one forward pass through the cone per source neuron, or per residue class of a local chain.
void compose(const snn_model& m, const engine& e, const std::vector<char>& in_cone, int drive,
             std::size_t src, std::size_t tgt, converted_network& x) {
    local_geometry gy, gx;
    const shape& in = m.net.layers[src].out;
    if (local_chain(m, in_cone, drive, src, gy, gx) &&
        std::uint64_t{idx(in.c)} * idx(std::min(gy.r, in.h)) * idx(std::min(gx.r, in.w)) < in.size()) {
        compose_local(m, e, in_cone, drive, src, tgt, gy, gx, x);
        return;
    }
    std::vector<tensor> acts(m.net.layers.size());
    for (std::size_t i = 0; i < acts.size(); ++i) acts[i].assign(m.net.layers[i].out.size(), 0.0f);
    for (std::size_t j = 0; j < acts[src].size(); ++j) {
        const float value = src == 0 ? 1.0f : m.threshold_at(src, j / m.net.layers[src].out.plane());
        acts[src][j] = value;
        const tensor& y = run_cone(e, in_cone, acts, drive, x.layer_evaluations);
        for (std::size_t k = 0; k < y.size(); ++k)
            if (y[k] != 0.0f) add_synapse(m, tgt, j, k, y[k], x);
        acts[src][j] = 0.0f;
    }
}

// A population driven from one source population through a chain of convolutions and unpadded average
// pools (nothing else: no sums, no dense layers) is a translation-invariant linear map, i.e. one convolution:
// receptive fields compose as R += (k - 1) d S, P += p S, S *= s along each axis. It becomes a shared-kernel
// conv2d projection (groups 1) whose kernel is read off the chain by impulses, then checked against the
// chain on a random input; anything that does not fit falls back to explicit synapses (returns false).
struct conv_geometry {
    int r = 1, p = 0, s = 1; // kernel extent, padding, stride of the composite, one axis
};

bool chain_geometry(const snn_model& m, const std::vector<char>& in_cone, int drive, std::size_t src,
                    std::vector<int>& chain, conv_geometry& gy, conv_geometry& gx) {
    for (int l = drive; idx(l) != src; l = m.net.layers[idx(l)].inputs[0]) {
        const layer& c = m.net.layers[idx(l)];
        const bool pool =
            c.kind == op::avgpool && c.win.pt == 0 && c.win.pb == 0 && c.win.pl == 0 && c.win.pr == 0;
        if ((c.kind != op::conv && !pool) || c.inputs.size() != 1 || !in_cone[idx(l)]) return false;
        if (c.win.pt != c.win.pb || c.win.pl != c.win.pr) return false;
        chain.push_back(l);
    }
    std::size_t cone_layers = 0;
    for (char c : in_cone) cone_layers += c != 0;
    if (chain.empty() || cone_layers != chain.size()) return false;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const window& w = m.net.layers[idx(*it)].win;
        gy.r += (w.kh - 1) * w.dh * gy.s;
        gy.p += w.pt * gy.s;
        gy.s *= w.sh;
        gx.r += (w.kw - 1) * w.dw * gx.s;
        gx.p += w.pl * gx.s;
        gx.s *= w.sw;
    }
    const shape& in = m.net.layers[src].out;
    const shape& out = m.net.layers[idx(drive)].out;
    return (in.h + 2 * gy.p - gy.r) / gy.s + 1 == out.h && (in.w + 2 * gx.p - gx.r) / gx.s + 1 == out.w &&
           in.h + 2 * gy.p >= gy.r && in.w + 2 * gx.p >= gx.r;
}

// The composite applied directly (zero padding), for the check against the chain.
std::vector<double> apply_conv(const std::vector<double>& k, const shape& in, const shape& out,
                               const conv_geometry& gy, const conv_geometry& gx, const tensor& x) {
    std::vector<double> y(out.size(), 0.0);
    for (int o = 0; o < out.c; ++o)
        for (int oy = 0; oy < out.h; ++oy)
            for (int ox = 0; ox < out.w; ++ox) {
                double sum = 0.0;
                for (int c = 0; c < in.c; ++c)
                    for (int ky = 0; ky < gy.r; ++ky)
                        for (int kx = 0; kx < gx.r; ++kx) {
                            const int yy = oy * gy.s - gy.p + ky, xx = ox * gx.s - gx.p + kx;
                            if (yy < 0 || yy >= in.h || xx < 0 || xx >= in.w) continue;
                            sum += k[idx(((o * in.c + c) * gy.r + ky) * gx.r + kx)] *
                                   static_cast<double>(x[idx((c * in.h + yy) * in.w + xx)]);
                        }
                y[idx((o * out.h + oy) * out.w + ox)] = sum;
            }
    return y;
}

// The kernel of the chain (source first), composed layer by layer from the layers' own weights: a layer of
// kernel k, dilation d and stride s after a composite of stride S maps tap i of the composite and tap j of
// the layer to tap j d S + i (the geometry of chain_geometry). The work is the sum over layers of the kernel
// sizes' product, independent of the image size (reading taps by impulses cost one cone evaluation per tap:
// one per input neuron for a global pool).
std::vector<double> chain_kernel(const snn_model& m, const std::vector<int>& chain, std::size_t src) {
    int ch = m.net.layers[src].out.c, c_in = ch, ry = 1, rx = 1, sy = 1, sx = 1;
    std::vector<double> k(idx(ch) * idx(ch), 0.0); // [ch][c_in][ry][rx], the identity
    for (int c = 0; c < ch; ++c) k[idx(c * ch + c)] = 1.0;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const layer& l = m.net.layers[idx(*it)];
        const window& w = l.win;
        const bool pool = l.kind == op::avgpool;
        const int out_c = l.out.c, groups = pool ? ch : l.groups, ocg = out_c / groups, icg = ch / groups;
        const int ny = ry + (w.kh - 1) * w.dh * sy, nx = rx + (w.kw - 1) * w.dw * sx;
        std::vector<double> next(idx(out_c) * idx(c_in) * idx(ny) * idx(nx), 0.0);
        for (int o = 0; o < out_c; ++o)
            for (int i = 0; i < icg; ++i) {
                const int mid = o / ocg * icg + i;
                for (int jy = 0; jy < w.kh; ++jy)
                    for (int jx = 0; jx < w.kw; ++jx) {
                        const double wt =
                            pool
                                ? 1.0 / (w.kh * w.kw)
                                : static_cast<double>(l.weight[idx(((o * icg + i) * w.kh + jy) * w.kw + jx)]);
                        if (wt == 0.0) continue;
                        for (int c = 0; c < c_in; ++c)
                            for (int iy = 0; iy < ry; ++iy)
                                for (int ix = 0; ix < rx; ++ix) {
                                    const double v = k[idx(((mid * c_in + c) * ry + iy) * rx + ix)];
                                    const int ty = jy * w.dh * sy + iy, tx = jx * w.dw * sx + ix;
                                    next[idx(((o * c_in + c) * ny + ty) * nx + tx)] += wt * v;
                                }
                    }
            }
        k = std::move(next);
        ch = out_c;
        ry = ny;
        rx = nx;
        sy *= w.sh;
        sx *= w.sw;
    }
    return k;
}

bool add_conv_projection(const snn_model& m, const engine& e, const std::vector<char>& in_cone, int drive,
                         std::size_t src, std::size_t tgt, int delay, const std::string& file,
                         converted_network& x) {
    conv_geometry gy, gx;
    std::vector<int> chain;
    if (!chain_geometry(m, in_cone, drive, src, chain, gy, gx)) return false;
    const shape& in = m.net.layers[src].out;
    const shape& out = m.net.layers[idx(drive)].out;
    std::vector<tensor> acts(m.net.layers.size());
    for (std::size_t i = 0; i < acts.size(); ++i) acts[i].assign(m.net.layers[i].out.size(), 0.0f);
    std::vector<double> kernel = chain_kernel(m, chain, src);
    tensor probe(in.size());
    for (std::size_t i = 0; i < probe.size(); ++i)
        probe[i] = static_cast<float>((i * 2654435761u) % 1000) / 1000.0f;
    acts[src] = probe;
    const tensor& want = run_cone(e, in_cone, acts, drive, x.layer_evaluations);
    const auto got = apply_conv(kernel, in, out, gy, gx, probe);
    double scale = 1e-12;
    for (float v : want) scale = std::max(scale, std::fabs(static_cast<double>(v)));
    for (std::size_t i = 0; i < got.size(); ++i)
        if (std::fabs(got[i] - static_cast<double>(want[i])) > 1e-4 * scale) return false;
    for (std::size_t k = 0; k < kernel.size(); ++k) { // spikes carry the source threshold; targets normalise
        const auto taps = idx(gy.r) * idx(gx.r);
        const auto o = k / (idx(in.c) * taps), c = k / taps % idx(in.c);
        const double scale_in = src == 0 ? 1.0 : static_cast<double>(m.threshold_at(src, c));
        const double scale_out = m.spiking(tgt) ? static_cast<double>(m.threshold_at(tgt, o)) : 1.0;
        kernel[k] *= scale_in / scale_out;
    }
    add_projection(x, pop_name(m, src), pop_name(m, tgt), delay, file);
    projection& p = x.desc.projections.back();
    p.conn = {};
    p.conn.type = connectivity::kind::conv2d;
    auto& g = p.conn.conv;
    g.in_shape = {static_cast<std::uint32_t>(in.c), static_cast<std::uint32_t>(in.h),
                  static_cast<std::uint32_t>(in.w)};
    g.out_channels = static_cast<std::uint32_t>(out.c);
    g.kernel = {static_cast<std::uint32_t>(gy.r), static_cast<std::uint32_t>(gx.r)};
    g.stride = {static_cast<std::uint32_t>(gy.s), static_cast<std::uint32_t>(gx.s)};
    g.padding = {static_cast<std::uint32_t>(gy.p), static_cast<std::uint32_t>(gx.p)};
    p.weight.dataset = "/" + p.source + "_to_" + p.target + "/kernel";
    x.weights.back() = std::move(kernel);
    return true;
}

// Integer form of one population (lif_int), in the state units of quantize.hpp: weight step
// s = max |weight| / (2^(bits-1) - 1) over its synapses (bias excluded), unit u = s / 2^shift; a weight is
// its bits-wide multiple of s shifted left, the bias round(b / u) and the threshold round(1 / u).
void make_integer(converted_network& x, std::size_t first_projection, int bits, population& p) {
    const double qmax = std::ldexp(1.0, bits - 1) - 1.0;
    const int shift = state_shift(bits);
    double top = 0.0;
    for (std::size_t k = first_projection; k < x.weights.size(); ++k)
        if (x.desc.projections[k].source != "bias")
            for (double w : x.weights[k]) top = std::max(top, std::fabs(w));
    const double s = top > 0.0 ? top / qmax : 1.0, unit = std::ldexp(s, -shift);
    for (std::size_t k = first_projection; k < x.weights.size(); ++k) {
        const bool bias = x.desc.projections[k].source == "bias";
        for (double& w : x.weights[k])
            w = bias ? std::round(w / unit) : std::ldexp(std::clamp(std::round(w / s), -qmax, qmax), shift);
    }
    const bool never_fires = p.params.at("V_th") > 1.0;
    const double threshold = never_fires ? 2147483647.0 : std::max(1.0, std::round(1.0 / unit));
    p.model = "lif_int";
    p.params = {{"threshold", threshold}, {"reset_mode", 1.0}, {"v_bits", 32.0}};
    p.initial.clear();
    if (!never_fires && x.half_initial) p.initial["V_m"] = value_spec::constant_of(std::floor(threshold / 2));
}

void write_h5(const converted_network& x, const std::string& path) {
    io::h5::writer w(path, false); // contiguous datasets, as `run` reads them whole
    for (std::size_t p = 0; p < x.desc.projections.size(); ++p) {
        const auto& pr = x.desc.projections[p];
        if (pr.conn.type != connectivity::kind::conv2d) { // a conv2d projection stores its kernel only
            w.write(pr.conn.sources_dataset, x.sources[p]);
            w.write(pr.conn.targets_dataset, x.targets[p]);
        }
        w.write(pr.weight.dataset, x.weights[p]);
    }
    w.close();
}

} // namespace

converted_network build_network(const snn_model& m, const float* sample, std::uint64_t id, int steps,
                                const std::string& file, int bits) {
    if (m.options.maxpool == maxpool_mode::gated)
        for (const auto& l : m.net.layers)
            if (l.kind == op::maxpool)
                throw input_error(m.net.file, "layer '" + l.name + "'",
                                  "a gated spiking max pool cannot be written as a network description (use "
                                  "--maxpool avg)");
    const graph& g = m.net;
    if (bits != 0 && (bits < 2 || bits > 16))
        throw input_error("", "--out-bits", "must be in [2, 16], got " + std::to_string(bits));
    if (bits > 0 && m.options.per_channel)
        throw input_error("", "--out-bits",
                          "an integer export has one threshold per population: use per-layer thresholds");
    converted_network x;
    x.half_initial = m.options.half_initial;
    x.desc.name = std::filesystem::path(g.file).stem().string();
    x.desc.description = "converted from " + g.file + " by spikekit convert";
    x.desc.sim.dt_ms = 1.0;
    std::vector<int> pop_of(g.layers.size(), -1), depth(g.layers.size(), 0);
    population in;
    in.name = "input";
    in.size = static_cast<std::uint32_t>(g.input_shape().size());
    in.model = "spike_source";
    in.spike_times = input_spikes(m, sample, id, steps);
    x.desc.populations.push_back(in);
    population bias;
    bias.name = "bias";
    bias.size = 1;
    bias.model = "spike_source";
    bias.spike_times.resize(1);
    for (int t = 0; t < steps; ++t) bias.spike_times[0].push_back(t + 1.0);
    x.desc.populations.push_back(bias);
    x.depth = {0, 0};
    x.layer_names = {g.layers[0].name, "bias"};
    pop_of[0] = 0;

    graph unbiased = g; // synapse weights: the linear maps without their biases
    for (auto& l : unbiased.layers) std::fill(l.bias.begin(), l.bias.end(), 0.0f);
    const engine e0(unbiased), e1(g);
    for (std::size_t i = 1; i < g.layers.size(); ++i) {
        if (!is_population(m, i)) continue;
        std::vector<int> sources;
        const int drive = drive_of(m, i);
        const auto in_cone = cone(m, static_cast<int>(i), drive, sources);
        // At least one step deep, so that the bias projection (delay = depth) has a delay >= dt.
        depth[i] = 1;
        for (int s : sources) depth[i] = std::max(depth[i], depth[idx(s)] + 1);
        const bool membrane_out = static_cast<int>(i) == g.output && !m.spiking(i);
        x.desc.populations.push_back(if_population(m, i, membrane_out));
        const std::size_t first_projection = x.desc.projections.size();
        pop_of[i] = static_cast<int>(x.desc.populations.size()) - 1;
        x.depth.push_back(depth[i]);
        x.layer_names.push_back(g.layers[i].name);
        for (int s : sources) {
            if (sources.size() == 1 &&
                add_conv_projection(m, e0, in_cone, drive, idx(s), i, depth[i] - depth[idx(s)], file, x))
                continue;
            add_projection(x, pop_name(m, idx(s)), pop_name(m, i), depth[i] - depth[idx(s)], file);
            compose(m, e0, in_cone, drive, idx(s), i, x);
        }
        // Biases: the cone with all sources silent.
        std::vector<tensor> acts(g.layers.size());
        for (std::size_t k = 0; k < acts.size(); ++k) acts[k].assign(g.layers[k].out.size(), 0.0f);
        const tensor b = run_cone(e1, in_cone, acts, drive, x.layer_evaluations);
        add_projection(x, "bias", pop_name(m, i), depth[i], file);
        for (std::size_t k = 0; k < b.size(); ++k)
            if (b[k] != 0.0f) {
                x.sources.back().push_back(0);
                x.targets.back().push_back(static_cast<std::uint32_t>(k));
                x.weights.back().push_back(static_cast<double>(
                    b[k] / (m.spiking(i) ? m.threshold_at(i, k / g.layers[i].out.plane()) : 1.0f)));
            }
        if (bits > 0) make_integer(x, first_projection, bits, x.desc.populations.back());
    }
    const int max_depth = *std::max_element(depth.begin(), depth.end());
    x.desc.sim.duration_ms = static_cast<double>(steps + max_depth + 1);
    for (const auto& p : x.desc.populations)
        if (p.name != "bias") x.desc.spike_recorders.push_back({p.name, {}});
    x.desc.state_recorders.push_back({"output", {"V_m"}, {}, 0.0});
    return x;
}

void write_network(const snn_model& m, const float* sample, int steps, const std::string& dir,
                   std::uint64_t id, int bits) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw runtime_error(dir + ": cannot create the directory: " + ec.message());
    const auto x = build_network(m, sample, id, steps, "weights.h5", bits);
    const std::string h5 = (std::filesystem::path(dir) / "weights.h5").string();
    io::write_atomically(h5, [&](const std::string& tmp) { write_h5(x, tmp); });
    const std::string json = to_json(x.desc);
    io::write_atomically((std::filesystem::path(dir) / "network.json").string(), [&](const std::string& tmp) {
        std::ofstream f(tmp, std::ios::binary);
        f << json;
        if (!f.flush()) throw runtime_error(tmp + ": cannot write");
    });
}

} // namespace spikekit::converters
