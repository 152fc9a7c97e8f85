// The public lowering (lowering.hpp) over the kernel's own generators.
#include "spikekit/core/lowering.hpp"

#include "conv_projection.hpp"
#include "lowering.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::lowering {
namespace {
const population& pop(const network_description& d, const std::string& name) {
    const population* p = d.find_population(name);
    if (!p) throw input_error(d.source_file, "projections", "unknown population '" + name + "'");
    return *p;
}
} // namespace

double lowered_dt(const network_description& d) {
    return d.sim.dt_ms;
}

std::vector<std::int32_t> conv_taps(std::uint32_t n_in, std::uint32_t k, std::uint32_t stride,
                                    std::uint32_t pad, std::uint32_t dil, std::uint32_t n_out) {
    std::vector<std::int32_t> out(std::size_t{n_in} * k, -1);
    for (std::uint32_t i = 0; i < n_in; ++i)
        for (std::uint32_t t = 0; t < k; ++t) {
            const auto num = static_cast<std::int64_t>(i) + pad - static_cast<std::int64_t>(t) * dil;
            if (num < 0 || num % stride) continue;
            const auto o = num / stride;
            if (o < n_out) out[std::size_t{i} * k + t] = static_cast<std::int32_t>(o);
        }
    return out;
}

synapse_list lower_synapses(const network_description& d, std::size_t k) {
    const projection& p = d.projections.at(k);
    const population &s = pop(d, p.source), &t = pop(d, p.target);
    detail::projection_synapses gen(p, s.size, t.size, p.source == p.target, d.sim.seed,
                                    static_cast<std::uint32_t>(k), d.sim.dt_ms, d.source_file);
    synapse_list out;
    const auto n = static_cast<std::size_t>(gen.size());
    out.source.reserve(n);
    out.target.reserve(n);
    out.delay_steps.reserve(n);
    out.weight.reserve(n);
    gen.for_each([&](std::uint64_t item, std::uint32_t src, std::uint32_t tgt) {
        out.source.push_back(src);
        out.target.push_back(tgt);
        out.delay_steps.push_back(gen.delay_steps(item));
        out.weight.push_back(gen.weight(item));
    });
    return out;
}

conv_kernel lower_conv(const network_description& d, std::size_t k) {
    const projection& p = d.projections.at(k);
    detail::conv_projection c(p, d.sim.seed, static_cast<std::uint32_t>(k), d.sim.dt_ms, d.source_file);
    return {c.geo, std::move(c.kernel), c.delay};
}

} // namespace spikekit::lowering
