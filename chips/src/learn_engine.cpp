// The online cores' learning engine in a chip run (see learn_engine.hpp for the model and its guarantee).
#include "learn_engine.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "spikekit/arith/counter_rng.hpp"

namespace spikekit::chips::detail {
namespace {
constexpr std::int64_t never = std::numeric_limits<std::int64_t>::min();
} // namespace

learn_engine::learn_engine(const chip_network& net, const std::vector<std::uint32_t>& core_of,
                           std::uint32_t cores)
    : net_(net), core_of_(core_of), now_(cores, 0), total_(cores, 0) {
    proj_of_net_.assign(net.projs.size(), UINT32_MAX);
    for (std::size_t pi = 0; pi < net.projs.size(); ++pi) {
        const auto& pr = net.projs[pi];
        if (!pr.plastic) continue;
        // The kernel's layout: synapses sorted by (pre neuron, delay), generation order within; one slot per
        // distinct (pre, delay) pair (core/src/plastic_projection.cpp).
        const auto n = static_cast<std::uint32_t>(pr.source.size());
        std::vector<std::uint32_t> order(n);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            return pr.source[a] != pr.source[b] ? pr.source[a] < pr.source[b]
                                                : pr.delay_steps[a] < pr.delay_steps[b];
        });
        plastic_proj p;
        p.src = &pr;
        p.first = static_cast<std::uint32_t>(w_.size());
        p.count = n;
        p.rank.resize(n);
        const auto tgt0 = static_cast<std::uint32_t>(net.pops[pr.tgt].gid0);
        for (std::uint32_t k = 0; k < n; ++k) {
            const auto i = order[k];
            p.rank[i] = k;
            if (k == 0 || pr.source[i] != pr.source[order[k - 1]] ||
                pr.delay_steps[i] != pr.delay_steps[order[k - 1]])
                slot_delay_.push_back(pr.delay_steps[i]);
            slot_.push_back(static_cast<std::uint32_t>(slot_delay_.size() - 1));
            w_.push_back(static_cast<std::int16_t>(pr.weight[i]));
            post_.push_back(tgt0 + pr.target[i]);
            pre_.push_back(pr.source[i]);
            local_.push_back(k);
            owner_.push_back(static_cast<std::uint32_t>(projs_.size()));
            max_delay_ = std::max(max_delay_, pr.delay_steps[i]);
        }
        proj_of_net_[pi] = static_cast<std::uint32_t>(projs_.size());
        projs_.push_back(std::move(p));
    }
    last_pre_.assign(slot_delay_.size(), never);
    last_post_.assign(net.neurons(), never);
    in_start_.assign(net.neurons() + 1, 0);
    for (auto g : post_) ++in_start_[g + 1];
    for (std::uint64_t g = 0; g < net.neurons(); ++g) in_start_[g + 1] += in_start_[g];
    in_syn_.resize(post_.size());
    std::vector<std::uint64_t> next(in_start_.begin(), in_start_.end() - 1);
    for (std::uint32_t k = 0; k < post_.size(); ++k) in_syn_[next[post_[k]]++] = k;
    slots_ = max_delay_ + 2; // + 1 for a step slipped in GALS mode
    pending_.resize(slots_);
}

std::uint32_t learn_engine::index_of(std::size_t projection, std::size_t i) const {
    const auto p = proj_of_net_[projection];
    return p == UINT32_MAX ? UINT32_MAX : projs_[p].first + projs_[p].rank[i];
}

bool learn_engine::receive(std::span<const std::uint32_t> syn, std::int64_t step,
                           const std::uint8_t* late_by_delay) {
    bool late = false;
    for (const auto k : syn) {
        const auto d = slot_delay_[slot_[k]];
        const unsigned slip = late_by_delay ? late_by_delay[d] : 0;
        late = late || slip;
        pending_[static_cast<std::uint64_t>(step + d + slip) % slots_].push_back(k);
    }
    return late;
}

// One table update of synapse k (the kernel's int_stdp_state::update: no random word for a zero entry).
void learn_engine::update(std::uint32_t k, std::int64_t dt, std::int64_t rule_step, unsigned side) {
    const auto& p = projs_[owner_[k]].src->plastic;
    if (intstdp::lut_value(p->prm, dt) == 0) return;
    rng::word_stream r(p->rng_key, std::uint64_t{local_[k]} * 2 + side,
                       static_cast<std::uint64_t>(rule_step));
    w_[k] = intstdp::update(w_[k], dt, r.bits(), p->prm);
    const auto c = core_of_[post_[k]];
    ++total_[c];
    ++now_[c];
}

// The kernel stamps step s's events with time (s + 1) dt, and the rule counts steps from those times: an
// arrival in step s and a spike of step s both have rule step s + 1 (pre before post within it).
void learn_engine::arrivals(std::int64_t step, std::int64_t* input) {
    auto& q = pending_[static_cast<std::uint64_t>(step) % slots_];
    std::fill(now_.begin(), now_.end(), 0);
    const std::int64_t rs = step + 1;
    for (const auto k : q) {
        const auto tp = last_post_[post_[k]];
        if (tp != never && tp < rs) update(k, tp - rs, rs, 0);
        last_pre_[slot_[k]] = rs;
        input[post_[k]] += w_[k];
    }
    q.clear();
}

std::uint32_t learn_engine::on_post(std::uint64_t gid, std::int64_t step) {
    const auto b = in_start_[gid], e = in_start_[gid + 1];
    if (b == e) return 0;
    const std::int64_t rs = step + 1;
    const auto before = total_[core_of_[gid]];
    for (auto i = b; i < e; ++i) {
        const auto k = in_syn_[i];
        if (const auto ta = last_pre_[slot_[k]]; ta != never) update(k, rs - ta, rs, 1);
    }
    last_post_[gid] = rs;
    return static_cast<std::uint32_t>(total_[core_of_[gid]] - before);
}

std::uint64_t learn_engine::end_of_step(std::int64_t step) {
    std::fill(now_.begin(), now_.end(), 0);
    std::uint64_t most = 0;
    for (const auto& p : projs_) {
        const auto& prm = p.src->plastic->prm;
        if (prm.decay == 0 || (step + 1) % p.src->plastic->decay_steps != 0) continue;
        for (auto k = p.first; k < p.first + p.count; ++k) {
            w_[k] = intstdp::decay(w_[k], prm);
            const auto c = core_of_[post_[k]];
            ++total_[c];
            most = std::max(most, ++now_[c]);
        }
    }
    return most;
}

std::vector<projection_weights> learn_engine::weights(double dt_ms) const {
    std::vector<projection_weights> out;
    for (const auto& p : projs_) {
        projection_weights w;
        w.projection = p.src->plastic->kernel_name;
        const auto tgt0 = static_cast<std::uint32_t>(net_.pops[p.src->tgt].gid0);
        for (auto k = p.first; k < p.first + p.count; ++k) {
            w.source.push_back(pre_[k]);
            w.target.push_back(post_[k] - tgt0);
            w.delay_ms.push_back(static_cast<float>(slot_delay_[slot_[k]] * dt_ms));
            w.weight.push_back(static_cast<float>(w_[k]));
        }
        out.push_back(std::move(w));
    }
    return out;
}

} // namespace spikekit::chips::detail
