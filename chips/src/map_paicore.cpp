// Tree chips (PAICORE): PAIBox 1.2.2's partition and placement arithmetic (notes/chips.md 1.2-1.5).
#include <algorithm>
#include <bit>

#include "map_detail.hpp"

namespace spikekit::chips::detail {
namespace {

// Morton (quad-tree) order of the core grid: index bits interleave x and y from the top level down, so an
// aligned run of 4^k indices is one level-k cluster.
std::uint32_t core_at(std::uint32_t index, unsigned levels, std::uint32_t width) {
    std::uint32_t x = 0, y = 0;
    for (unsigned l = 0; l < levels; ++l) {
        x |= ((index >> (2 * l + 1)) & 1u) << l;
        y |= ((index >> (2 * l)) & 1u) << l;
    }
    return y * width + x;
}

bool in_region(std::uint32_t core, std::uint32_t width, const std::array<std::uint32_t, 4>& r) {
    const std::uint32_t x = core % width, y = core / width;
    return x >= r[0] && x < r[0] + r[2] && y >= r[1] && y < r[1] + r[3];
}

// lcn_ex = bit_length((n_axon - 1) // fanin_base), PAIBox placement.py _n_axon2lcn_ex.
unsigned lcn_of(std::uint64_t n_axon, std::uint32_t base) {
    return n_axon == 0 ? 0u : static_cast<unsigned>(std::bit_width((n_axon - 1) / base));
}

} // namespace

placement map_tree(const chip_network& net, const chip_spec& chip, const map_options& opt) {
    placement p;
    const core_type& t = inference_core_type(chip);
    const auto& rule = t.capacity;
    const auto inputs = gather_inputs(net);
    std::vector<std::size_t> layer_of(net.pops.size(), SIZE_MAX);
    for (std::uint32_t i = 0; i < net.pops.size(); ++i) {
        if (net.pops[i].input) continue;
        layer_map l;
        l.population = net.pops[i].name;
        l.pop = i;
        l.core_type = t.name;
        l.n_axon = inputs[i].n_axon;
        if (learns(net, i)) { // online cores: their own capacity rule, no LCN
            if (!online_layer(net, chip, inputs[i], opt, l, p)) return p;
            layer_of[i] = p.layers.size();
            p.layers.push_back(std::move(l));
            continue;
        }
        l.weight_bits =
            inputs[i].projs.empty() ? t.weight_bits.front() : choose_width(net, i, inputs[i], t, opt, p);
        if (!p.fits) return p;
        const std::uint64_t max_axon = std::uint64_t{rule.fanin_base} << rule.max_lcn;
        if (rule.type == capacity_rule::kind::paicore_lcn && l.n_axon > max_axon) {
            refuse(p, l.population, "axons", static_cast<double>(l.n_axon), static_cast<double>(max_axon),
                   with_commas(static_cast<double>(l.n_axon)) + " axons > " +
                       with_commas(static_cast<double>(max_axon)) + " at LCN " +
                       std::to_string(1u << rule.max_lcn) + "x (short by " +
                       with_commas(static_cast<double>(l.n_axon - max_axon)) + ")");
            return p;
        }
        if (rule.type == capacity_rule::kind::fixed && l.n_axon > t.max_axons) {
            refuse(p, l.population, "axons", static_cast<double>(l.n_axon), t.max_axons,
                   with_commas(static_cast<double>(l.n_axon)) + " axons > " + with_commas(t.max_axons) +
                       " per core");
            return p;
        }
        l.lcn = rule.type == capacity_rule::kind::paicore_lcn ? lcn_of(l.n_axon, rule.fanin_base) : 0;
        layer_of[i] = p.layers.size();
        p.layers.push_back(std::move(l));
    }
    // All successors of one source share the largest LCN among them (PAIBox Mapper.lcn_ex_adjustment);
    // repeated until nothing changes, since a layer can follow several sources. Online layers have no LCN.
    for (auto& i : layer_of)
        if (i != SIZE_MAX && p.layers[i].core_type != t.name) i = SIZE_MAX;
    for (bool changed = true; changed;) {
        changed = false;
        for (std::uint32_t s = 0; s < net.pops.size(); ++s) {
            unsigned mx = 0;
            for (std::uint32_t i = 0; i < net.pops.size(); ++i)
                if (layer_of[i] != SIZE_MAX &&
                    std::count(inputs[i].sources.begin(), inputs[i].sources.end(), s))
                    mx = std::max(mx, p.layers[layer_of[i]].lcn);
            for (std::uint32_t i = 0; i < net.pops.size(); ++i)
                if (layer_of[i] != SIZE_MAX &&
                    std::count(inputs[i].sources.begin(), inputs[i].sources.end(), s) &&
                    p.layers[layer_of[i]].lcn < mx) {
                    p.layers[layer_of[i]].lcn = mx;
                    changed = true;
                }
        }
    }
    for (auto& l : p.layers) {
        if (l.core_type != t.name) { // an online block, sized by online_layer
            p.cores_required += l.cores;
            p.cores_occupied += l.routing_group;
            continue;
        }
        const unsigned shift = l.lcn + static_cast<unsigned>(std::countr_zero(l.weight_bits));
        const std::uint32_t base =
            rule.type == capacity_rule::kind::paicore_lcn ? rule.neuron_base : t.max_neurons;
        const std::uint32_t npc = shift >= 32 ? 0 : base >> shift;
        if (npc == 0) {
            refuse(p, l.population, "neurons per core", 1, 0,
                   "LCN " + std::to_string(1u << l.lcn) + "x with " + std::to_string(l.weight_bits) +
                       "-bit weights leaves " + std::to_string(base) + " >> " + std::to_string(shift) +
                       " = 0 neurons per core");
            return p;
        }
        const auto delay = inputs[l.pop].max_delay;
        if (t.timeslots && std::uint64_t{delay} << l.lcn > *t.timeslots) {
            refuse(p, l.population, "timeslots", static_cast<double>(std::uint64_t{delay} << l.lcn),
                   *t.timeslots,
                   "delay " + std::to_string(delay) + " steps x " + std::to_string(1u << l.lcn) +
                       " timeslots per step (LCN) = " + std::to_string(std::uint64_t{delay} << l.lcn) +
                       " > " + std::to_string(*t.timeslots) + " timeslots");
            return p;
        }
        const std::uint32_t n = net.pops[l.pop].size;
        l.cores = std::max<std::uint32_t>(1, (n + npc - 1) / npc);
        const std::uint32_t per =
            (n + l.cores - 1) / l.cores; // PAIBox "latency" split: ceil, rest on the last
        for (std::uint32_t c = 0, left = n; c < l.cores; ++c) {
            l.neurons_per_core.push_back(std::min(per, left));
            left -= std::min(per, left);
        }
        l.routing_group = std::bit_ceil(l.cores);
        p.cores_required += l.cores;
        p.cores_occupied += l.routing_group;
    }
    // Place each routing group at the next aligned Morton index, skipping groups that would cover a core of
    // another type (PAIBox keeps the online cores out of offline multicast ranges, CHANGELOG v1.2.2); online
    // blocks go the same way over the online cores.
    const std::uint32_t total = chip.total_cores();
    std::vector<std::uint8_t> usable_offline(total, 1), usable_online(total, 0);
    for (const auto& other : chip.core_types)
        if (&other != &t && other.region)
            for (std::uint32_t c = 0; c < total; ++c)
                if (in_region(c, chip.grid_width, *other.region)) {
                    usable_offline[c] = 0;
                    usable_online[c] = other.learning;
                }
    std::uint32_t next_offline = 0, next_online = 0;
    for (const auto& l : p.layers) {
        const bool online = l.core_type != t.name;
        const auto& usable = online ? usable_online : usable_offline;
        auto& next = online ? next_online : next_offline;
        const core_type& lt = online ? *chip.learning_core_type() : t;
        std::uint32_t at = (next + l.routing_group - 1) / l.routing_group * l.routing_group;
        auto clear = [&](std::uint32_t a) {
            for (std::uint32_t k = a; k < a + l.routing_group; ++k)
                if (!usable[core_at(k, chip.noc.levels, chip.grid_width)]) return false;
            return true;
        };
        while (at + l.routing_group <= total && !clear(at)) at += l.routing_group;
        if (at + l.routing_group > total) {
            double left = 0; // usable cores from the next free position on
            for (std::uint32_t k = next; k < total; ++k)
                left += usable[core_at(k, chip.noc.levels, chip.grid_width)];
            refuse(p, l.population, "cores", l.routing_group, std::max(0.0, left),
                   "needs a routing group of " + std::to_string(l.routing_group) + " cores (" +
                       std::to_string(l.cores) + " used), " + with_commas(std::max(0.0, left)) + " " +
                       lt.name + " cores left (" + with_commas(static_cast<double>(p.cores_occupied)) +
                       " occupied in all, " + std::to_string(lt.count) + " on the chip)");
            return p;
        }
        for (std::uint32_t c = 0, first = 0; c < l.cores; ++c) {
            p.blocks.push_back(
                {l.pop, first, l.neurons_per_core[c], core_at(at + c, chip.noc.levels, chip.grid_width)});
            first += l.neurons_per_core[c];
        }
        next = at + l.routing_group;
    }
    return p;
}

} // namespace spikekit::chips::detail
