// On-chip learning in the mapper: plastic projections' targets on the online cores (notes/chips.md 1.3).
//
// PAICORE's 16 online cores (paicorelib hw_defs.py HwOnlineCoreParams) hold 1024 axons and 1024 neurons, an
// 8192 x 128-bit weight RAM (1 Mbit), 8 timeslots and a 60-entry learning LUT. PAIBox 1.2.2 maps nothing onto
// them, so the capacity rule here is ours (derived): the weight RAM holds one weight of `weight_bits` bits
// per (axon, neuron) pair over all 1024 axons, so a core holds min(1024, 1 Mbit / (1024 x weight_bits))
// neurons: 1024 at 1 bit, 512 at 2, 256 at 4, 128 at 8 (as offline cores combine dendrites for wider
// weights). There is no fan-in extension: a block's source neurons (n_axon, PAIBox's count) must fit the 1024
// axons.
#include <algorithm>
#include <bit>

#include "map_detail.hpp"

namespace spikekit::chips::detail {

bool learns(const chip_network& net, std::uint32_t pop) {
    return std::any_of(net.projs.begin(), net.projs.end(),
                       [&](const chip_projection& pr) { return pr.plastic && pr.tgt == pop; });
}

bool learning_supported(const chip_network& net, const chip_spec& chip, placement& p) {
    for (const auto& pr : net.projs)
        if (!pr.learning_refusal.empty()) {
            refuse(p, net.pops[pr.tgt].name, "learning rule", 0, 0, pr.learning_refusal);
            return false;
        }
    const auto plastic = std::find_if(net.projs.begin(), net.projs.end(),
                                      [](const chip_projection& pr) { return pr.plastic.has_value(); });
    if (plastic == net.projs.end()) return true;
    const auto& target = net.pops[plastic->tgt].name;
    if (!chip.learning_core_type()) {
        refuse(p, target, "online cores", 1, 0,
               "projection '" + plastic->name + "' is plastic, and chip '" + chip.name +
                   "' has no online (learning) cores: its cores only run inference with fixed weights");
        return false;
    }
    if (chip.noc.topology != noc_spec::kind::tree) {
        refuse(p, target, "online cores", 1, 0,
               "projection '" + plastic->name +
                   "' is plastic: on-chip learning is modelled on tree chips (paicore's online cores) only");
        return false;
    }
    return true;
}

bool online_layer(const chip_network& net, const chip_spec& chip, const layer_input& in,
                  const map_options& opt, layer_map& l, placement& p) {
    const core_type& t = *chip.learning_core_type();
    l.core_type = t.name;
    l.lcn = 0;
    l.n_axon = in.n_axon;
    if (t.max_axons && l.n_axon > t.max_axons) {
        refuse(p, l.population, "axons", static_cast<double>(l.n_axon), t.max_axons,
               with_commas(static_cast<double>(l.n_axon)) + " source neurons > " + with_commas(t.max_axons) +
                   " axons of an online core (no fan-in extension there; short by " +
                   with_commas(static_cast<double>(l.n_axon - t.max_axons)) + ")");
        return false;
    }
    const auto& pop = net.pops[l.pop];
    for (auto k : in.projs) {
        const auto& pr = net.projs[k];
        if (!pr.plastic) continue;
        if (t.lut_length && pr.plastic->prm.lut_len > *t.lut_length) {
            refuse(p, l.population, "learning LUT", pr.plastic->prm.lut_len, *t.lut_length,
                   "projection '" + pr.name + "': the STDP table has " +
                       std::to_string(pr.plastic->prm.lut_len) + " entries > " +
                       std::to_string(*t.lut_length) + " of the online cores' learning LUT (short by " +
                       std::to_string(pr.plastic->prm.lut_len - *t.lut_length) + "; set lut_len)");
            return false;
        }
    }
    if (pop.prm && t.v_bits && pop.prm->v_bits > *t.v_bits) {
        refuse(p, l.population, "membrane bits", pop.prm->v_bits, *t.v_bits,
               "a " + std::to_string(pop.prm->v_bits) + "-bit membrane > " + std::to_string(*t.v_bits) +
                   " bits of an online core's neuron");
        return false;
    }
    if (t.timeslots && in.max_delay > *t.timeslots) {
        refuse(p, l.population, "timeslots", in.max_delay, *t.timeslots,
               "delay " + std::to_string(in.max_delay) + " steps > " + std::to_string(*t.timeslots) +
                   " timeslots of an online core");
        return false;
    }
    l.weight_bits = choose_width(net, l.pop, in, t, opt, p);
    if (!p.fits) return false;
    const std::uint64_t rows = std::uint64_t{std::max<std::uint32_t>(t.max_axons, 1)} * l.weight_bits;
    const auto per = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(t.max_neurons, t.synapse_memory_bits.value_or(UINT64_MAX) / rows));
    if (per == 0) {
        refuse(p, l.population, "neurons per core", 1, 0,
               std::to_string(l.weight_bits) + "-bit weights over " + with_commas(t.max_axons) +
                   " axons leave no room for a neuron in the weight memory of an online core");
        return false;
    }
    l.cores = std::max<std::uint32_t>(1, (pop.size + per - 1) / per);
    const std::uint32_t split = (pop.size + l.cores - 1) / l.cores;
    for (std::uint32_t c = 0, left = pop.size; c < l.cores; ++c) {
        l.neurons_per_core.push_back(std::min(split, left));
        left -= std::min(split, left);
    }
    l.routing_group = std::bit_ceil(l.cores);
    return true;
}

} // namespace spikekit::chips::detail
