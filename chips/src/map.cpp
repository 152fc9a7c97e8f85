// Mapping: what both mappers share (inputs of a layer, weight widths, refusals, traffic between cores).
#include <algorithm>
#include <cmath>
#include <map>

#include "map_detail.hpp"
#include "noc.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::chips {

std::optional<unsigned> weight_width(std::int64_t lo, std::int64_t hi, const std::vector<unsigned>& allowed) {
    for (unsigned b : allowed) {
        const std::int64_t mn = b == 1 ? 0 : -(std::int64_t{1} << (b - 1));
        const std::int64_t mx = b == 1 ? 1 : (std::int64_t{1} << (b - 1)) - 1;
        if (lo >= mn && hi <= mx) return b;
    }
    return std::nullopt;
}

placement map_network(const chip_network& net, const chip_spec& chip, const map_options& opt) {
    placement p;
    if (detail::learning_supported(net, chip, p))
        p = chip.noc.topology == noc_spec::kind::tree ? detail::map_tree(net, chip, opt)
                                                      : detail::map_greedy(net, chip, opt);
    p.chip = chip.name;
    if (p.fits) detail::compute_links(net, chip, detail::outgoing(net), p);
    return p;
}

namespace detail {

std::string with_commas(double v) {
    std::string s = std::to_string(static_cast<long long>(std::llround(v)));
    const std::size_t first = s[0] == '-' ? 1 : 0;
    for (auto i = static_cast<std::ptrdiff_t>(s.size()) - 3; i > static_cast<std::ptrdiff_t>(first); i -= 3)
        s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

std::vector<layer_input> gather_inputs(const chip_network& net) {
    std::vector<layer_input> in(net.pops.size());
    for (std::size_t k = 0; k < net.projs.size(); ++k) {
        const auto& pr = net.projs[k];
        auto& l = in[pr.tgt];
        l.projs.push_back(k);
        if (std::find(l.sources.begin(), l.sources.end(), pr.src) == l.sources.end()) {
            l.sources.push_back(pr.src);
            l.n_axon += net.pops[pr.src].size;
        }
        for (auto w : pr.weight) {
            l.wlo = std::min<std::int64_t>(l.wlo, w);
            l.whi = std::max<std::int64_t>(l.whi, w);
        }
        if (pr.plastic) { // learning moves the weights anywhere in the rule's bounds
            l.wlo = std::min<std::int64_t>(l.wlo, pr.plastic->prm.w_min);
            l.whi = std::max<std::int64_t>(l.whi, pr.plastic->prm.w_max);
        }
        for (auto d : pr.delay_steps) l.max_delay = std::max(l.max_delay, d);
    }
    return in;
}

void refuse(placement& p, const std::string& population, const std::string& resource, double needed,
            double available, const std::string& message) {
    p.fits = false;
    p.problem =
        refusal{population, resource, needed, available, "population '" + population + "': " + message};
}

unsigned choose_width(const chip_network& net, std::uint32_t pop, const layer_input& in, const core_type& t,
                      const map_options& opt, placement& p) {
    const auto& name = net.pops[pop].name;
    for (auto k : in.projs)
        if (const auto bad = net.projs[k].non_integer) {
            refuse(p, name, "integer weights", 0, 0,
                   "projection '" + net.projs[k].name +
                       "' has a weight that is not a whole number (synapse " + std::to_string(*bad) +
                       "); chips hold integer weights (convert with --out-bits)");
            return 0;
        }
    const auto need = weight_width(in.wlo, in.whi, t.weight_bits);
    const std::string range = "[" + std::to_string(in.wlo) + ", " + std::to_string(in.whi) + "]";
    if (!need) {
        refuse(p, name, "weight bits", 0, static_cast<double>(t.weight_bits.back()),
               "weights in " + range + " do not fit the widest weight of core type '" + t.name + "' (" +
                   std::to_string(t.weight_bits.back()) + " bits)");
        return 0;
    }
    if (!opt.weight_bits) return *need;
    const unsigned b = *opt.weight_bits;
    if (std::find(t.weight_bits.begin(), t.weight_bits.end(), b) == t.weight_bits.end()) {
        refuse(p, name, "weight bits", b, 0,
               "--weight-bits " + std::to_string(b) + " is not a width of core type '" + t.name + "'");
        return 0;
    }
    if (b < *need) {
        refuse(p, name, "weight bits", *need, b,
               "weights in " + range + " need " + std::to_string(*need) + " bits, --weight-bits gives " +
                   std::to_string(b));
        return 0;
    }
    return b;
}

const core_type& inference_core_type(const chip_spec& chip) {
    for (const auto& t : chip.core_types)
        if (!t.learning) return t;
    return chip.core_types.front();
}

out_synapses outgoing(const chip_network& net) {
    out_synapses o;
    std::uint64_t total = 0;
    for (const auto& pr : net.projs) total += pr.source.size();
    o.target.resize(total);
    o.weight.resize(total);
    o.delay.resize(total);
    o.start = synapse_rows(
        net, [&](const chip_projection& pr, std::size_t i) { return net.pops[pr.src].gid0 + pr.source[i]; },
        [&](const chip_projection& pr, std::size_t i, std::uint64_t at) {
            o.target[at] = static_cast<std::uint32_t>(net.pops[pr.tgt].gid0 + pr.target[i]);
            o.weight[at] = pr.weight[i];
            o.delay[at] = pr.delay_steps[i];
        });
    return o;
}

std::vector<std::uint32_t> core_of_neurons(const chip_network& net, const placement& p) {
    std::vector<std::uint32_t> core(net.neurons(), UINT32_MAX);
    for (const auto& b : p.blocks)
        std::fill_n(core.begin() + static_cast<std::ptrdiff_t>(net.pops[b.pop].gid0 + b.first), b.count,
                    b.core);
    return core;
}

// Messages per (source core, target core) if every neuron spiked once: a neuron sends one message to each
// core that holds one of its targets.
void compute_links(const chip_network& net, const chip_spec& chip, const out_synapses& out, placement& p) {
    const auto core = core_of_neurons(net, p);
    const noc_model noc(chip);
    std::map<std::pair<std::uint32_t, std::uint32_t>, link_traffic> links;
    // one row at a time: synapses per target core in a dense array, then one map entry per core reached
    std::vector<std::uint64_t> per_core(chip.total_cores(), 0);
    std::vector<std::uint32_t> reached;
    for (std::uint64_t s = 0; s < net.neurons(); ++s) {
        if (core[s] == UINT32_MAX) continue;
        for (auto i = out.start[s]; i < out.start[s + 1]; ++i) {
            const auto c = core[out.target[i]];
            if (per_core[c]++ == 0) reached.push_back(c);
        }
        for (auto c : reached) {
            auto& l = links[{core[s], c}];
            l.synapses += per_core[c];
            ++l.messages;
            per_core[c] = 0;
        }
        reached.clear();
    }
    for (auto& [k, l] : links) {
        l.from = k.first;
        l.to = k.second;
        l.hops = noc.hops(l.from, l.to);
        p.links.push_back(l);
    }
}

} // namespace detail
} // namespace spikekit::chips
