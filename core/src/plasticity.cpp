// synapse_layout construction and the validation of a projection's plasticity block.
#include <stdexcept>

#include "spikekit/core/error.hpp"
#include "spikekit/core/plasticity.hpp"

namespace spikekit {

synapse_layout::synapse_layout(std::vector<std::uint32_t> slot_of, std::vector<std::uint32_t> post_of,
                               std::uint32_t n_slots, std::uint32_t n_post)
    : slot_(std::move(slot_of)), post_(std::move(post_of)), slot_start_(n_slots + 1, 0),
      in_start_(n_post + 1, 0), n_slots_(n_slots), n_post_(n_post) {
    if (slot_.size() != post_.size())
        throw std::invalid_argument("synapse_layout: slot and post arrays differ in size");
    for (std::size_t k = 0; k < slot_.size(); ++k) {
        if (slot_[k] >= n_slots || post_[k] >= n_post)
            throw std::invalid_argument("synapse_layout: synapse " + std::to_string(k) +
                                        " has an index out of range");
        if (k > 0 && slot_[k] < slot_[k - 1])
            throw std::invalid_argument("synapse_layout: synapses must be sorted by pre slot");
        ++slot_start_[slot_[k] + 1];
        ++in_start_[post_[k] + 1];
    }
    for (std::uint32_t s = 0; s < n_slots; ++s) slot_start_[s + 1] += slot_start_[s];
    for (std::uint32_t i = 0; i < n_post; ++i) in_start_[i + 1] += in_start_[i];
    // Counting sort by postsynaptic neuron: incoming synapses stay in synapse order, so on_post visits them
    // in a fixed order and results do not depend on how the layout was built.
    std::vector<std::uint32_t> fill(in_start_.begin(), in_start_.end() - 1);
    in_syn_.reserve(post_.size());
    in_syn_.insert(in_syn_.end(), post_.size(), 0u);
    for (std::uint32_t k = 0; k < size(); ++k) in_syn_[fill[post_[k]]++] = k;
}

std::vector<std::uint32_t> slots_by_delay(std::span<const std::uint32_t> pre,
                                          std::span<const std::int64_t> delay_steps, std::uint32_t& n_slots) {
    if (pre.size() != delay_steps.size())
        throw std::invalid_argument("slots_by_delay: arrays differ in size");
    std::vector<std::uint32_t> slot(pre.size());
    n_slots = 0;
    for (std::size_t k = 0; k < pre.size(); ++k) {
        const bool same = k > 0 && pre[k] == pre[k - 1] && delay_steps[k] == delay_steps[k - 1];
        if (k > 0 && !same &&
            (pre[k] < pre[k - 1] || (pre[k] == pre[k - 1] && delay_steps[k] < delay_steps[k - 1])))
            throw std::invalid_argument("slots_by_delay: synapses must be sorted by (pre, delay)");
        if (!same) ++n_slots;
        slot[k] = n_slots - 1;
    }
    return slot;
}

namespace {
// "a, b, c": the registered rules, or only those that take a reward.
std::string rule_names(const rule_registry& rules, bool reward_only) {
    std::string list;
    for (const auto& n : rules.names())
        if (!reward_only || rules.find(n)->takes_reward()) list += (list.empty() ? "" : ", ") + n;
    return list.empty() ? "none" : list;
}
} // namespace

param_map validate_plasticity(const rule_registry& rules, const plasticity_spec& spec,
                              const std::string& file, const std::string& where) {
    const plasticity_rule* rule = rules.find(spec.rule);
    if (!rule) {
        throw input_error(file, where + ".rule",
                          "unknown plasticity rule '" + spec.rule + "' (known: " + rule_names(rules, false) +
                              ")");
    }
    for (const auto& [name, value] : spec.params) {
        const param_info* p = find_param(rule->params(), name);
        if (!p) {
            std::string known;
            for (const auto& q : rule->params()) known += (known.empty() ? "" : ", ") + std::string(q.name);
            throw input_error(file, where + ".params." + name,
                              "rule " + spec.rule + " has no parameter '" + name + "' (known: " + known +
                                  ")");
        }
        if (auto problem = check_range(*p, value); !problem.empty())
            throw input_error(file, where + ".params." + name, problem);
    }
    if (spec.reward && !rule->takes_reward())
        throw input_error(file, where + ".reward",
                          "rule " + spec.rule +
                              " takes no reward (reward-modulated rules: " + rule_names(rules, true) + ")");
    param_map full = with_defaults(rule->params(), spec.params);
    if (auto problem = rule->check(full); !problem.empty())
        throw input_error(file, where + ".params", problem);
    return full;
}

} // namespace spikekit
