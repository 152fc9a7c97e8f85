#include "plastic_projection.hpp"

#include <algorithm>
#include <numeric>
#include <span>

namespace spikekit::detail {

plastic_projection::plastic_projection(const projection_synapses& syn, std::uint32_t n_src,
                                       std::uint32_t n_tgt, const plasticity_rule& rule,
                                       const param_map& params, const lower_args& args)
    : src_size(n_src), tgt_size(n_tgt) {
    const auto n = static_cast<std::size_t>(syn.size());
    std::vector<std::uint32_t> pre(n), post(n), delay(n);
    std::vector<float> w(n);
    syn.for_each([&](std::uint64_t i, std::uint32_t s, std::uint32_t t) {
        pre[i] = s;
        post[i] = t;
        delay[i] = syn.delay_steps(i);
        w[i] = syn.weight(i);
    });
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return pre[a] != pre[b] ? pre[a] < pre[b] : delay[a] < delay[b];
    });
    std::vector<std::uint32_t> spre(n), spost(n);
    std::vector<std::int64_t> sdelay(n);
    weights.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        spre[k] = pre[order[k]];
        spost[k] = post[order[k]];
        sdelay[k] = delay[order[k]];
        weights[k] = w[order[k]];
    }
    std::uint32_t n_slots = 0;
    auto slot = slots_by_delay(spre, sdelay, n_slots);
    slot_delay.assign(n_slots, 0);
    pre_slot_start.assign(std::size_t{src_size} + 1, 0);
    for (std::size_t k = 0; k < n; ++k) {
        if (k == 0 || slot[k] != slot[k - 1]) ++pre_slot_start[spre[k] + 1];
        slot_delay[slot[k]] = static_cast<std::uint32_t>(sdelay[k]);
    }
    for (std::uint32_t j = 0; j < src_size; ++j) pre_slot_start[j + 1] += pre_slot_start[j];
    layout = synapse_layout(std::move(slot), std::move(spost), n_slots, tgt_size);
    state = rule.lower(params, layout, weights, args);
}

void plastic_projection::arrive(std::int64_t step, double dt, std::uint32_t ring_slots,
                                std::uint64_t channels, float* ring) {
    const auto r = static_cast<std::uint32_t>(step % ring_slots);
    auto& q = pending[r];
    if (q.empty()) return;
    const double t = static_cast<double>(step + 1) * dt;
    float* in = ring + std::uint64_t{r} * channels + chan_base;
    for (const auto s : q) {
        const auto range = layout.slot_synapses(s);
        if (!frozen) state->on_pre(range, t);
        for (auto k = range.begin; k < range.end; ++k) in[layout.post_of(k)] += weights[k];
    }
    q.clear();
}

namespace {
// The spikes of global ids [gid0, gid0 + size) among the step's sorted spikes.
std::span<const std::uint32_t> spikes_of(const std::vector<std::uint32_t>& spikes, std::uint32_t gid0,
                                         std::uint32_t size) {
    const auto lo = std::lower_bound(spikes.begin(), spikes.end(), gid0);
    const auto hi = std::lower_bound(lo, spikes.end(), gid0 + size);
    return {lo, hi};
}
} // namespace

void plastic_projection::after_spikes(std::int64_t step, double dt, std::uint32_t ring_slots,
                                      const std::vector<std::uint32_t>& spikes) {
    const double t = static_cast<double>(step + 1) * dt;
    if (!frozen)
        for (const auto g : spikes_of(spikes, tgt_gid0, tgt_size)) state->on_post(g - tgt_gid0, t);
    for (const auto g : spikes_of(spikes, src_gid0, src_size)) {
        const auto j = g - src_gid0;
        for (auto s = pre_slot_start[j]; s < pre_slot_start[j + 1]; ++s)
            pending[static_cast<std::size_t>((step + slot_delay[s]) % ring_slots)].push_back(s);
    }
    if (frozen) return;
    if (reward) {
        if (const auto n = spikes_of(spikes, reward->gid0, reward->size).size())
            state->on_reward(t, static_cast<double>(n) * reward->amount);
    }
    if (state->needs_step()) state->on_step(step);
}

std::uint32_t plastic_projection::out_degree(std::uint32_t j) const {
    const auto first = pre_slot_start[j], last = pre_slot_start[j + 1];
    return first == last ? 0 : layout.slot_synapses(last - 1).end - layout.slot_synapses(first).begin;
}

std::uint32_t plastic_projection::source_of(std::uint32_t syn) const {
    const auto s = layout.slot_of(syn);
    return static_cast<std::uint32_t>(std::upper_bound(pre_slot_start.begin(), pre_slot_start.end(), s) -
                                      pre_slot_start.begin() - 1);
}

} // namespace spikekit::detail
