// A network description lowered for a chip: integer neurons, every synapse listed (from the public lowering).
#include <algorithm>
#include <cmath>

#include "spikekit/chips/network.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"

namespace spikekit::chips {
namespace {

std::int64_t steps_of(double ms, double dt) {
    return static_cast<std::int64_t>(std::llround(ms / dt));
}

chip_population lower_population(const network_description& d, const model_registry& models, std::size_t pi,
                                 const int_params_fn& int_params) {
    const auto& p = d.populations[pi];
    chip_population c;
    c.name = p.name;
    c.model = p.model;
    c.size = p.size;
    if (p.model == "spike_source") {
        c.input = true;
        c.spike_steps.resize(p.size);
        // as the kernel's spike_source: a time t is emitted at the end of step round(t / dt) - 1
        for (std::size_t i = 0; i < p.spike_times.size() && i < p.size; ++i) {
            auto& st = c.spike_steps[i];
            for (double t : p.spike_times[i])
                st.push_back(std::max<std::int64_t>(0, steps_of(t, d.sim.dt_ms) - 1));
            std::sort(st.begin(), st.end());
            st.erase(std::unique(st.begin(), st.end()), st.end());
        }
        return c;
    }
    // Per-neuron values drawn as the kernel draws them, each neuron's set checked (lowering::lower_params);
    // the integer parameters from the complete set (neuron 0's values for those that vary).
    const auto lp = lowering::lower_params(d, models, pi);
    population complete;
    complete.name = p.name;
    complete.model = p.model;
    complete.size = p.size;
    complete.params = lp.all;
    c.prm = int_params(complete);
    if (!c.prm) return c;
    for (const auto& [k, v] : lp.per_neuron)
        if (k != "bias" && k != "threshold")
            throw input_error(d.source_file, "populations[" + std::to_string(pi) + "].params." + k,
                              "varies from neuron to neuron; a chip's neuron memory holds only bias and "
                              "threshold per neuron");
    c.bias.resize(p.size);
    c.threshold.resize(p.size);
    for (std::uint32_t i = 0; i < p.size; ++i) {
        c.bias[i] = static_cast<std::int32_t>(lp.at("bias", i));
        c.threshold[i] = static_cast<std::int32_t>(lp.at("threshold", i));
    }
    // the initial membrane as the kernel sets it (lif_int rounds and saturates what it is given)
    c.v0.assign(p.size, 0);
    const auto v0 = lowering::lower_initial(d, models, pi, "V_m");
    for (std::size_t i = 0; i < v0.size() && i < p.size; ++i)
        c.v0[i] = intlif::saturate(std::llround(v0[i]), c.prm->v_bits);
    return c;
}

// Weights as integers; the first synapse whose weight is not a whole number is remembered (mapping refuses).
void set_weight(chip_projection& c, std::size_t i, double w) {
    const double r = std::nearbyint(w);
    if (r != w && !c.non_integer) c.non_integer = i;
    c.weight[i] = static_cast<std::int32_t>(std::clamp(r, -2147483648.0, 2147483647.0));
}

chip_projection lower_projection(const network_description& d, std::size_t k, std::uint32_t src,
                                 std::uint32_t tgt) {
    const auto& pr = d.projections[k];
    chip_projection c;
    c.name = pr.name.empty() ? pr.source + "->" + pr.target : pr.name;
    c.src = src;
    c.tgt = tgt;
    if (pr.conn.type == connectivity::kind::conv2d) {
        // A chip stores every synapse of a convolution: expand the kernel over all output positions.
        const auto kern = lowering::lower_conv(d, k);
        const auto& g = kern.geo;
        const std::uint32_t C = g.in_shape[0], H = g.in_shape[1], W = g.in_shape[2], OH = g.out_h(),
                            OW = g.out_w();
        const std::uint32_t groups = std::max(g.groups, 1u), cin = C / groups, cout = g.out_channels / groups;
        for (std::uint32_t o = 0; o < g.out_channels; ++o)
            for (std::uint32_t oy = 0; oy < OH; ++oy)
                for (std::uint32_t ox = 0; ox < OW; ++ox)
                    for (std::uint32_t ci = 0; ci < cin; ++ci)
                        for (std::uint32_t ky = 0; ky < g.kernel[0]; ++ky)
                            for (std::uint32_t kx = 0; kx < g.kernel[1]; ++kx) {
                                const auto y =
                                    static_cast<std::int64_t>(oy * g.stride[0] + ky * g.dilation[0]) -
                                    g.padding[0];
                                const auto x =
                                    static_cast<std::int64_t>(ox * g.stride[1] + kx * g.dilation[1]) -
                                    g.padding[1];
                                if (y < 0 || x < 0 || y >= H || x >= W) continue;
                                const double w =
                                    kern.weight[((std::uint64_t{o} * cin + ci) * g.kernel[0] + ky) *
                                                    g.kernel[1] +
                                                kx];
                                if (w == 0.0) continue; // a zero weight is no synapse on a chip
                                const std::uint32_t cc = (o / cout) * cin + ci;
                                c.source.push_back(
                                    static_cast<std::uint32_t>((cc * H + static_cast<std::uint32_t>(y)) * W +
                                                               static_cast<std::uint32_t>(x)));
                                c.target.push_back((o * OH + oy) * OW + ox);
                                c.delay_steps.push_back(kern.delay_steps);
                                c.weight.push_back(0);
                                set_weight(c, c.weight.size() - 1, w);
                            }
        return c;
    }
    auto s = lowering::lower_synapses(d, k);
    c.source = std::move(s.source);
    c.target = std::move(s.target);
    c.delay_steps = std::move(s.delay_steps);
    c.weight.resize(s.weight.size());
    for (std::size_t i = 0; i < s.weight.size(); ++i) set_weight(c, i, static_cast<double>(s.weight[i]));
    return c;
}

} // namespace

chip_network lower_network(const network_description& d, const model_registry& models,
                           const int_params_fn& int_params) {
    chip_network net;
    net.name = d.name;
    net.file = d.source_file;
    net.dt_ms = d.sim.dt_ms;
    net.steps = steps_of(d.sim.duration_ms, d.sim.dt_ms);
    net.seed = d.sim.seed;
    std::uint64_t gid = 0;
    for (std::size_t i = 0; i < d.populations.size(); ++i) {
        net.pops.push_back(lower_population(d, models, i, int_params));
        net.pops.back().gid0 = gid;
        gid += d.populations[i].size;
    }
    auto index = [&](const std::string& name) {
        return static_cast<std::uint32_t>(lowering::population_index(d, name));
    };
    for (std::size_t k = 0; k < d.projections.size(); ++k) {
        const auto& pr = d.projections[k];
        if (pr.plasticity)
            net.unsupported.push_back(
                "projections[" + std::to_string(k) + "].plasticity: projection '" + pr.name +
                "' is plastic; on-chip learning is not modelled yet (a chip would run it frozen)");
        net.projs.push_back(lower_projection(d, k, index(pr.source), index(pr.target)));
    }
    for (std::size_t k = 0; k < d.inputs.size(); ++k) {
        const auto& in = d.inputs[k];
        if (in.type == input::kind::poisson) {
            net.unsupported.push_back(
                "inputs[" + std::to_string(k) + "]: input '" + in.name +
                "' is Poisson; chips take spikes from the host: use a spike_source population");
            continue;
        }
        chip_current c;
        c.pop = index(in.target);
        if (!in.neurons.all) c.ids = in.neurons.ids;
        c.start = steps_of(in.start_ms, d.sim.dt_ms);
        if (in.stop_ms) c.stop = steps_of(*in.stop_ms, d.sim.dt_ms);
        c.amplitude = in.amplitude;
        for (const auto& [t, a] : in.steps) c.steps.emplace_back(steps_of(t, d.sim.dt_ms), a);
        net.currents.push_back(std::move(c));
    }
    return net;
}

} // namespace spikekit::chips
