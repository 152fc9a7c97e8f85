#pragma once
// Small chip_networks built directly (no description), for the mapper and engine tests.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/chips/network.hpp"
#include "spikekit/core/random.hpp"

namespace spikekit::test {

// src -> tgt all to all, random weights spanning the whole range of `bits`, delay 1.
inline void connect_all(chips::chip_network& net, std::uint32_t src, std::uint32_t tgt, unsigned bits,
                        std::uint64_t seed = 7) {
    const std::int64_t lo = bits == 1 ? 0 : -(std::int64_t{1} << (bits - 1)), hi = bits == 1 ? 1 : -lo - 1;
    chips::chip_projection pr;
    pr.name = "p" + std::to_string(net.projs.size());
    pr.src = src;
    pr.tgt = tgt;
    rng::stream r(seed, net.projs.size(), 0);
    for (std::uint32_t s = 0; s < net.pops[src].size; ++s)
        for (std::uint32_t t = 0; t < net.pops[tgt].size; ++t) {
            pr.source.push_back(s);
            pr.target.push_back(t);
            pr.delay_steps.push_back(1);
            pr.weight.push_back(static_cast<std::int32_t>(
                lo + static_cast<std::int64_t>(r.uniform() * static_cast<double>(hi - lo + 1))));
        }
    pr.weight[0] = static_cast<std::int32_t>(lo); // the range is reached at both ends
    pr.weight[pr.weight.size() - 1] = static_cast<std::int32_t>(hi);
    net.projs.push_back(std::move(pr));
}

// A layered lif_int network: sizes[0] host inputs, then fully connected layers with random weights that
// span the whole range of `bits` (1 bit: {0, 1}; b bits: [-2^(b-1), 2^(b-1) - 1]), delay 1.
inline chips::chip_network layered(const std::vector<std::uint32_t>& sizes, unsigned bits,
                                   std::uint64_t seed = 7) {
    chips::chip_network net;
    net.name = "layered";
    net.file = "test";
    net.steps = 10;
    std::uint64_t gid = 0;
    for (std::size_t l = 0; l < sizes.size(); ++l) {
        chips::chip_population p;
        p.name = l == 0 ? "in" : "l" + std::to_string(l);
        p.size = sizes[l];
        p.gid0 = gid;
        gid += sizes[l];
        p.input = l == 0;
        p.model = l == 0 ? "spike_source" : "lif_int";
        if (p.input)
            p.spike_steps.assign(p.size, {});
        else {
            p.prm = intlif::params{};
            p.bias.assign(p.size, 0);
            p.threshold.assign(p.size, p.prm->threshold);
            p.v0.assign(p.size, 0);
        }
        net.pops.push_back(std::move(p));
    }
    for (std::uint32_t l = 1; l < sizes.size(); ++l) connect_all(net, l - 1, l, bits, seed);
    return net;
}

} // namespace spikekit::test
