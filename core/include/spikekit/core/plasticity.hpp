#pragma once
// Plasticity rules (the interface; the rules themselves live in learning/): a rule is a description
// (parameter table, documentation) plus a factory for a lowered, structure-of-arrays state that the
// simulation kernel drives with events. Like neuron models (spikekit/core/model.hpp), no global registry
// exists: whoever lowers a network passes a rule_registry.
//
// How the kernel drives a lowered rule (all times in ms on the kernel clock, events in non-decreasing
// time order):
//   on_pre(r, t)   a presynaptic spike reaches the synapses r (one pre slot, see synapse_layout) at
//                  t = spike time + delay. With heterogeneous delays every (pre neuron, delay) pair is its
//                  own slot, so each slot's trace sees exactly the arrival times of its synapses.
//   on_post(i, t)  postsynaptic neuron i spiked at t (plus the dendritic delay, if the kernel models one).
//   on_reward(t,a) a reward (neuromodulator) of amount a arrives at t (reward-modulated rules).
//   on_step(s)     after step s, which covers [s dt, (s+1) dt); called only when needs_step() is true.
//   flush(t)       bring every lazy quantity up to t before the weights are read for output.
// Within one step the kernel calls on_pre for the arrivals of the step before on_post for the spikes of
// the step, so a spike pair with the same time counts as pre-before-post (potentiation).
//
// Traces are decayed analytically from their last update time when they are read (lazy update): the
// cost of a rule is proportional to the spikes and the synapses they touch, never to the spike history.
// Rules change the weights in place through the span given at lowering (the kernel's weight array, in
// the synapse order of the layout).
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"
#include "spikekit/core/params.hpp"

namespace spikekit {

// Half-open range of synapse indices.
struct syn_range {
    std::uint32_t begin = 0, end = 0;
};

// Who connects to whom, in the synapse order of the weight array. Synapses are sorted by pre slot (a
// presynaptic neuron, or a (neuron, delay) pair when delays differ), so the synapses one arriving spike
// reaches are contiguous; an index of incoming synapses per postsynaptic neuron serves on_post.
class synapse_layout {
  public:
    synapse_layout() = default;
    // slot_of[k], post_of[k]: pre slot and postsynaptic neuron of synapse k; slot_of must be non-decreasing.
    // Throws std::invalid_argument if an index is out of range or the slots are not sorted.
    synapse_layout(std::vector<std::uint32_t> slot_of, std::vector<std::uint32_t> post_of,
                   std::uint32_t n_slots, std::uint32_t n_post);

    std::uint32_t size() const { return static_cast<std::uint32_t>(post_.size()); }
    std::uint32_t slots() const { return n_slots_; }
    std::uint32_t posts() const { return n_post_; }
    std::uint32_t slot_of(std::uint32_t syn) const { return slot_[syn]; }
    std::uint32_t post_of(std::uint32_t syn) const { return post_[syn]; }
    syn_range slot_synapses(std::uint32_t slot) const { return {slot_start_[slot], slot_start_[slot + 1]}; }
    std::span<const std::uint32_t> incoming(std::uint32_t post) const {
        return std::span<const std::uint32_t>(in_syn_).subspan(in_start_[post],
                                                               in_start_[post + 1] - in_start_[post]);
    }

  private:
    std::vector<std::uint32_t> slot_, post_, slot_start_, in_start_, in_syn_;
    std::uint32_t n_slots_ = 0, n_post_ = 0;
};

// Pre slots for synapses sorted by (pre neuron, delay): one slot per distinct pair. Returns the slot of each
// synapse; `n_slots` receives their number.
std::vector<std::uint32_t> slots_by_delay(std::span<const std::uint32_t> pre,
                                          std::span<const std::int64_t> delay_steps, std::uint32_t& n_slots);

// The lowered state of a rule on one projection. Arrays (traces, eligibility) are exposed by name through
// group_state so checkpoints and recorders can reach them.
class plastic_state : public group_state {
  public:
    virtual ~plastic_state() = default;
    // r must lie within one pre slot (layout.slot_synapses(s) or a part of it).
    virtual void on_pre(syn_range r, double t_ms) = 0;
    virtual void on_post(std::uint32_t post, double t_ms) = 0;
    virtual void on_reward(double t_ms, double amount) {
        (void)t_ms;
        (void)amount;
    }
    virtual bool needs_step() const { return false; }
    virtual void on_step(std::int64_t step) { (void)step; }
    virtual void flush(double t_ms) { (void)t_ms; }
};

struct lower_args {
    double dt_ms = 0.1;
    std::uint64_t rng_key = 0; // key for this projection's random stream (stochastic rounding)
};

class plasticity_rule {
  public:
    virtual ~plasticity_rule() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view doc() const = 0; // equations and meaning, for --help and docs
    virtual std::span<const param_info> params() const = 0;
    // Whether on_reward changes anything: a config may name a reward source only for such rules.
    virtual bool takes_reward() const { return false; }
    // Constraints between parameters (w_min < w_max, ...); empty string if fine.
    virtual std::string check(const param_map& p) const {
        (void)p;
        return {};
    }
    // `p` is complete (defaults filled) and checked; `weights` has layout.size() entries. The state keeps
    // references to `layout` and `weights`: both must outlive it (the kernel owns them).
    virtual std::unique_ptr<plastic_state> lower(const param_map& p, const synapse_layout& layout,
                                                 std::span<float> weights, const lower_args& a) const = 0;
};

// The plasticity rules a program knows, by name (learning::builtin_rules() fills one).
class rule_registry : public registry<plasticity_rule> {};

// Check a projection's plasticity block against the rule's table and return its complete parameters.
// Throws input_error(file, where + ".rule" / where + ".params.<name>", problem) for an unknown rule, an
// unknown parameter, a value out of range, inconsistent parameters, or a reward source (where + ".reward")
// for a rule that takes no reward. `where` is the JSON path of the block
// (e.g. "projections[2].plasticity").
param_map validate_plasticity(const rule_registry& rules, const plasticity_spec& spec,
                              const std::string& file, const std::string& where);

} // namespace spikekit
