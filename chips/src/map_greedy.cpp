// Mesh and torus chips: greedy partition under the core's limits, greedy placement by hop-weighted traffic.
#include <algorithm>
#include <map>
#include <set>

#include "map_detail.hpp"
#include "noc.hpp"

namespace spikekit::chips::detail {
namespace {

// Incoming synapses by global target neuron: the distinct source neurons are what a core must hold axons for.
struct in_synapses {
    std::vector<std::uint64_t> start;
    std::vector<std::uint32_t> source;
};
in_synapses incoming(const chip_network& net) {
    in_synapses in;
    std::uint64_t total = 0;
    for (const auto& pr : net.projs) total += pr.source.size();
    in.source.resize(total);
    in.start = synapse_rows(
        net, [&](const chip_projection& pr, std::size_t i) { return net.pops[pr.tgt].gid0 + pr.target[i]; },
        [&](const chip_projection& pr, std::size_t i, std::uint64_t at) {
            in.source[at] = static_cast<std::uint32_t>(net.pops[pr.src].gid0 + pr.source[i]);
        });
    return in;
}

// Fill cores neuron by neuron while the neurons, the distinct source axons and the synapse memory last.
bool partition(const chip_network& net, const core_type& t, const std::vector<layer_input>& inputs,
               const map_options& opt, placement& p) {
    const auto in = incoming(net);
    std::vector<std::uint32_t> stamp(net.neurons(), UINT32_MAX);
    std::uint32_t block_id = 0;
    for (std::uint32_t pi = 0; pi < net.pops.size(); ++pi) {
        const auto& pop = net.pops[pi];
        if (pop.input) continue;
        layer_map l;
        l.population = pop.name;
        l.pop = pi;
        l.core_type = t.name;
        l.weight_bits =
            inputs[pi].projs.empty() ? t.weight_bits.front() : choose_width(net, pi, inputs[pi], t, opt, p);
        if (!p.fits) return false;
        const std::uint64_t mem_limit = t.synapse_memory_bits.value_or(UINT64_MAX);
        std::uint32_t count = 0, first = 0, axons = 0;
        std::uint64_t bits = 0;
        auto close = [&] {
            if (count == 0) return;
            p.blocks.push_back({pi, first, count, 0});
            l.neurons_per_core.push_back(count);
            l.n_axon = std::max<std::uint64_t>(l.n_axon, axons);
            first += count;
            count = axons = 0;
            bits = 0;
            ++block_id;
        };
        for (std::uint32_t i = 0; i < pop.size; ++i) {
            const std::uint64_t g = pop.gid0 + i, fan_in = in.start[g + 1] - in.start[g];
            std::uint32_t fresh = 0;
            for (auto k = in.start[g]; k < in.start[g + 1]; ++k) fresh += stamp[in.source[k]] != block_id;
            const std::uint64_t need_bits = fan_in * t.synapse_bits.value_or(l.weight_bits);
            if (count > 0 &&
                (count == t.max_neurons || axons + fresh > t.max_axons || bits + need_bits > mem_limit)) {
                close();
                fresh = 0;
                for (auto k = in.start[g]; k < in.start[g + 1]; ++k) fresh += stamp[in.source[k]] != block_id;
            }
            if (fresh > t.max_axons || need_bits > mem_limit) {
                const bool ax = fresh > t.max_axons;
                refuse(p, pop.name, ax ? "axons" : "synapse memory",
                       ax ? fresh : static_cast<double>(need_bits),
                       ax ? t.max_axons : static_cast<double>(mem_limit),
                       "neuron " + std::to_string(i) + " alone needs " +
                           (ax ? with_commas(fresh) + " source axons > " + with_commas(t.max_axons)
                               : with_commas(static_cast<double>(need_bits)) + " bits of synapse memory > " +
                                     with_commas(static_cast<double>(mem_limit))) +
                           " per core");
                return false;
            }
            for (auto k = in.start[g]; k < in.start[g + 1]; ++k) stamp[in.source[k]] = block_id;
            axons += fresh;
            bits += need_bits;
            ++count;
        }
        close();
        l.cores = static_cast<std::uint32_t>(l.neurons_per_core.size());
        l.routing_group = l.cores;
        p.cores_required += l.cores;
        p.layers.push_back(std::move(l));
    }
    p.cores_occupied = p.cores_required;
    return true;
}

// Each block in turn goes to the free core with the least traffic x hops to the blocks already placed.
void place(const chip_network& net, const chip_spec& chip, const core_type& t, placement& p) {
    const auto out = outgoing(net);
    std::vector<std::uint32_t> block_of(net.neurons(), UINT32_MAX);
    for (std::uint32_t b = 0; b < p.blocks.size(); ++b)
        std::fill_n(block_of.begin() +
                        static_cast<std::ptrdiff_t>(net.pops[p.blocks[b].pop].gid0 + p.blocks[b].first),
                    p.blocks[b].count, b);
    std::vector<std::map<std::uint32_t, std::uint64_t>> traffic(p.blocks.size());
    std::vector<std::uint32_t> stamp(p.blocks.size(), UINT32_MAX);
    for (std::uint64_t s = 0; s < net.neurons(); ++s) {
        const auto bs = block_of[s];
        if (bs == UINT32_MAX) continue;
        for (auto k = out.start[s]; k < out.start[s + 1]; ++k) {
            const auto bt = block_of[out.target[k]];
            if (stamp[bt] == s || bt == bs) continue;
            stamp[bt] = static_cast<std::uint32_t>(s);
            ++traffic[bs][bt];
            ++traffic[bt][bs];
        }
    }
    const noc_model noc(chip);
    std::vector<std::uint8_t> free(chip.total_cores(), 1);
    for (const auto& other : chip.core_types)
        if (&other != &t && other.region)
            for (std::uint32_t c = 0; c < chip.total_cores(); ++c) {
                const auto x = c % chip.grid_width, y = c / chip.grid_width;
                const auto& r = *other.region;
                if (x >= r[0] && x < r[0] + r[2] && y >= r[1] && y < r[1] + r[3]) free[c] = 0;
            }
    std::vector<std::uint8_t> placed(p.blocks.size(), 0);
    for (std::uint32_t b = 0; b < p.blocks.size(); ++b) {
        std::uint64_t best_cost = UINT64_MAX;
        std::uint32_t best = 0;
        for (std::uint32_t c = 0; c < chip.total_cores(); ++c) {
            if (!free[c]) continue;
            std::uint64_t cost = 0;
            for (const auto& [o, m] : traffic[b])
                if (placed[o]) cost += m * noc.hops(c, p.blocks[o].core);
            if (cost < best_cost) {
                best_cost = cost;
                best = c;
            }
        }
        p.blocks[b].core = best;
        free[best] = 0;
        placed[b] = 1;
    }
}

// Key/mask routing: every router a source core's packets cross needs an entry for that core's key.
void check_router_tables(const chip_network& net, const chip_spec& chip, placement& p) {
    if (chip.noc.multicast != noc_spec::multicast_kind::key_mask_table || !chip.noc.router_entries) return;
    const noc_model noc(chip);
    compute_links(net, chip, outgoing(net), p);
    std::vector<std::set<std::uint32_t>> keys(chip.noc.width * chip.noc.height);
    std::vector<hop> path;
    for (const auto& l : p.links) {
        keys[noc.tile_of(l.from)].insert(l.from);
        path.clear();
        noc.route(l.from, l.to, path);
        const auto tiles = static_cast<std::uint32_t>(keys.size());
        for (const auto& h : path) keys[h.link < 4 * tiles ? h.link / 4 : h.link - 4 * tiles].insert(l.from);
        keys[noc.tile_of(l.to)].insert(l.from);
    }
    for (std::size_t r = 0; r < keys.size(); ++r)
        if (keys[r].size() > *chip.noc.router_entries) {
            std::string pop;
            for (const auto& b : p.blocks)
                if (b.core == *keys[r].rbegin()) pop = net.pops[b.pop].name;
            refuse(p, pop, "router entries", static_cast<double>(keys[r].size()), *chip.noc.router_entries,
                   "router of tile " + std::to_string(r) + " needs " + std::to_string(keys[r].size()) +
                       " key/mask entries > " + std::to_string(*chip.noc.router_entries) +
                       " (uncompressed; one per source core)");
            return;
        }
    p.links.clear();
}

} // namespace

placement map_greedy(const chip_network& net, const chip_spec& chip, const map_options& opt) {
    placement p;
    const core_type& t = inference_core_type(chip);
    if (!partition(net, t, gather_inputs(net), opt, p)) return p;
    if (p.cores_required > t.count) {
        std::uint64_t sum = 0;
        const layer_map* over = &p.layers.back();
        for (const auto& l : p.layers)
            if ((sum += l.cores) > t.count && over == &p.layers.back()) over = &l;
        refuse(p, over->population, "cores", static_cast<double>(p.cores_required), t.count,
               "the network needs " + with_commas(static_cast<double>(p.cores_required)) + " cores > " +
                   with_commas(t.count) + " on the chip (short by " +
                   with_commas(static_cast<double>(p.cores_required - t.count)) + ")");
        return p;
    }
    place(net, chip, t, p);
    check_router_tables(net, chip, p);
    return p;
}

} // namespace spikekit::chips::detail
