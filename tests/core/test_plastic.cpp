// The kernel's side of plasticity, with a probe rule that logs what the kernel tells it: when pre spikes
// arrive (spike time + delay, per (neuron, delay) slot), when post spikes happen, and that the weight a
// spike delivers is the one the rule holds at arrival. The rules themselves are tested in tests/learning.
#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
struct call {
    char kind; // 'p' pre arrival, 'q' post spike
    std::uint32_t first, count;
    double t;
};
std::vector<call> calls;

// Each arrival adds `step` to the weights it reaches (after logging), so the delivered value shows
// whether the kernel reads weights at arrival; on_post halves the neuron's incoming weights.
class probe_state final : public plastic_state {
  public:
    probe_state(const synapse_layout& l, std::span<float> w, double step) : layout_(l), w_(w), step_(step) {
        expose("tally", tally_);
        tally_.assign(1, 0.0);
    }
    void on_pre(syn_range r, double t) override {
        calls.push_back({'p', r.begin, r.end - r.begin, t});
        for (auto k = r.begin; k < r.end; ++k) w_[k] += static_cast<float>(step_);
        tally_[0] += 1;
    }
    void on_post(std::uint32_t post, double t) override {
        calls.push_back({'q', post, 0, t});
        for (auto k : layout_.incoming(post)) w_[k] *= 0.5f;
    }

  private:
    const synapse_layout& layout_;
    std::span<float> w_;
    double step_;
    std::vector<double> tally_;
};

class probe_rule final : public plasticity_rule {
  public:
    std::string_view name() const override { return "probe"; }
    std::string_view doc() const override { return "test rule"; }
    std::span<const param_info> params() const override { return table; }
    std::unique_ptr<plastic_state> lower(const param_map& p, const synapse_layout& l, std::span<float> w,
                                         const lower_args&) const override {
        return std::make_unique<probe_state>(l, w, p.at("step"));
    }
    static constexpr param_info table[] = {{"step", "1", 1.0, -100.0, 100.0, "weight added per arrival"}};
};

const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}
const rule_registry& rules() {
    static const rule_registry r = [] {
        rule_registry x;
        x.add(std::make_shared<probe_rule>());
        return x;
    }();
    return r;
}

// Neuron 0 of "src" fires at 5 ms, neuron 1 at 7 ms; both reach the one "tgt" neuron, with delays 1 and 2.5
// ms from neuron 0 (two slots) and 1 ms from neuron 1. The target integrates (if_delta, no leak).
network_description probe_net(double threshold) {
    return parse_config(R"({"simulation": {"dt": 0.1, "duration": 20},
      "populations": [{"name": "src", "size": 2, "model": "spike_source", "spike_times": [[5], [7]]},
                      {"name": "tgt", "size": 1, "model": "if_delta", "params": {"V_th": )" +
                            std::to_string(threshold) + R"(, "V_reset": 0}}],
      "projections": [{"name": "learn", "source": "src", "target": "tgt",
                       "connectivity": {"rule": "list", "sources": [0, 0, 1], "targets": [0, 0, 0]},
                       "weight": {"values": [1, 2, 4]}, "delay": {"values": [1, 2.5, 1]},
                       "plasticity": {"rule": "probe", "params": {"step": 10}}}],
      "record": {"state": [{"population": "tgt", "variables": ["V_m"], "neurons": [0]}],
                 "spikes": [{"population": "tgt"}]}})",
                        "probe.json", models());
}
} // namespace

TEST_CASE("plastic synapses: on_pre at arrival per delay slot, weights read at arrival, on_post at spikes") {
    calls.clear();
    simulation sim(probe_net(1000), models(), 1, &rules());
    sim.run(20);
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].kind == 'p');
    CHECK(calls[0].t == doctest::Approx(6.0)); // 5 ms + 1 ms
    CHECK(calls[0].count == 1);
    CHECK(calls[1].t == doctest::Approx(7.5)); // 5 + 2.5
    CHECK(calls[2].t == doctest::Approx(8.0)); // 7 + 1
    // Delivered: (1 + 10) + (2 + 10) + (4 + 10): each weight after its own arrival's update.
    const auto& v = sim.traces()[0].values;
    CHECK(v.back() == doctest::Approx(37.0));
    const auto w = sim.plastic_weights();
    REQUIRE(w.size() == 1);
    CHECK(w[0].projection == "learn");
    CHECK(w[0].weight == std::vector<float>{11, 12, 14});
    CHECK(w[0].delay_ms[1] == doctest::Approx(2.5));
    CHECK(w[0].source == std::vector<std::uint32_t>{0, 0, 1});
}

TEST_CASE("plastic synapses: a post spike between arrivals reaches the rule before the next arrival") {
    calls.clear();
    simulation sim(probe_net(20), models(), 1, &rules()); // fires at the second arrival (11 + 12 >= 20)
    sim.run(20);
    REQUIRE(calls.size() == 4);
    CHECK(calls[1].kind == 'p');
    CHECK(calls[2].kind == 'q'); // same time stamp as the arrival that caused it: pre first, then post
    CHECK(calls[2].t == doctest::Approx(7.5));
    CHECK(calls[3].kind == 'p');
    const auto w = sim.plastic_weights()[0].weight;
    CHECK(w == std::vector<float>{5.5f, 6.0f,
                                  12.0f}); // all halved at the post spike, then 2 + 10 at the last arrival
}

TEST_CASE("plastic synapses: checkpoint and resume keep weights, rule state and spikes in flight") {
    test::temp_dir dir("plastic_checkpoint");
    simulation whole(probe_net(20), models(), 1, &rules());
    whole.run(20);
    {
        simulation first(probe_net(20), models(), 1, &rules());
        first.run(6.5); // the 2.5 ms and 1 ms slots are still in flight
        first.save_checkpoint(dir.file("cp.h5"));
    }
    simulation resumed(probe_net(20), models(), 1, &rules());
    resumed.restore_checkpoint(dir.file("cp.h5"));
    resumed.run(13.5);
    CHECK(resumed.plastic_weights()[0].weight == whole.plastic_weights()[0].weight);
    CHECK(resumed.traces()[0].values == whole.traces()[0].values);
    CHECK(resumed.spikes()[0].steps == whole.spikes()[0].steps);
}

TEST_CASE("plastic synapses: unknown rules and parameters are input errors naming the JSON path") {
    auto d = probe_net(20);
    CHECK_THROWS_WITH_AS(simulation(d, models(), 1, nullptr), doctest::Contains("projections[0].plasticity"),
                         input_error);
    d.projections[0].plasticity->rule = "nope";
    CHECK_THROWS_WITH_AS(simulation(d, models(), 1, &rules()),
                         doctest::Contains("unknown plasticity rule 'nope'"), input_error);
    d.projections[0].plasticity->rule = "probe";
    d.projections[0].plasticity->params["step"] = 1000;
    CHECK_THROWS_WITH_AS(simulation(d, models(), 1, &rules()), doctest::Contains("params.step"), input_error);
}
