#pragma once
// A rule lowered onto a small hand-made projection, driven directly through the event interface the kernel
// uses (on_pre / on_post / on_reward / on_step), for the validation tests.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "spikekit/learning/rules.hpp"

namespace spikekit::test {

class plastic_fixture {
public:
    // Synapse k goes from pre slot slot_of[k] to post neuron post_of[k]; every weight starts at w0.
    plastic_fixture(const std::string& rule, const param_map& given, std::vector<std::uint32_t> slot_of,
                    std::vector<std::uint32_t> post_of, std::uint32_t n_slots, std::uint32_t n_post,
                    double w0, double dt_ms = 0.1, std::uint64_t key = 42)
        : layout(std::move(slot_of), std::move(post_of), n_slots, n_post),
          w(layout.size(), static_cast<float>(w0)) {
        const auto rules = learning::builtin_rules();
        const auto* r = rules.find(rule);
        REQUIRE(r != nullptr);
        const param_map p = learning::validate_plasticity(rules, {rule, given}, "test", "plasticity");
        state = r->lower(p, layout, w, {dt_ms, key});
    }
    plastic_fixture(const plastic_fixture&) = delete;
    plastic_fixture& operator=(const plastic_fixture&) = delete;

    // One synapse from slot 0 to neuron 0.
    static std::unique_ptr<plastic_fixture> single(const std::string& rule, const param_map& p, double w0,
                                                   double dt_ms = 0.1) {
        return std::make_unique<plastic_fixture>(rule, p, std::vector<std::uint32_t>{0},
                                                 std::vector<std::uint32_t>{0}, 1, 1, w0, dt_ms);
    }

    void pre(std::uint32_t slot, double t) { state->on_pre(layout.slot_synapses(slot), t); }
    void post(std::uint32_t i, double t) { state->on_post(i, t); }
    double weight(std::size_t k) const { return double{w[k]}; }

    learning::synapse_layout layout;
    std::vector<float> w;
    std::unique_ptr<learning::plastic_state> state;
};

// Spike times of two neurons merged into one time-ordered stream of events; at equal times the presynaptic
// arrival comes first, as in the kernel.
struct spike_event {
    double t;
    bool is_post;
    std::uint32_t id;
};
inline void play(plastic_fixture& f, std::vector<spike_event> ev) {
    std::stable_sort(ev.begin(), ev.end(), [](const spike_event& a, const spike_event& b) {
        return a.t < b.t || (a.t == b.t && !a.is_post && b.is_post);
    });
    for (const auto& e : ev) e.is_post ? f.post(e.id, e.t) : f.pre(e.id, e.t);
}

} // namespace spikekit::test
