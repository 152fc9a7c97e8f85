// The public lowering (spikekit/core/lowering.hpp) gives exactly the synapses the kernel builds: the
// membrane of non-leaking, never-firing targets, driven by sources that each spike once at a distinct
// step, is rebuilt from the lowered synapse lists alone and compared with the kernel's recorded trace.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;
using nlohmann::json;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}

constexpr int n_src = 30, n_tgt = 25;

json network(const json& connectivity, bool recurrent) {
    json times = json::array();
    for (int j = 0; j < n_src; ++j)
        times.push_back(json::array({0.5 + 0.5 * j})); // one spike each, 5 steps apart
    json projections = json::array({{{"name", "in->out"},
                                     {"source", "in"},
                                     {"target", "out"},
                                     {"receptor", "exc"},
                                     {"connectivity", connectivity},
                                     {"weight", {{"normal", {{"mean", 0.5}, {"std", 0.3}}}}},
                                     {"delay", {{"uniform", {{"low", 0.1}, {"high", 0.45}}}}}}});
    if (recurrent)
        projections.push_back({{"name", "out->out"}, // never carries a spike: only shifts projection indices
                               {"source", "out"},
                               {"target", "out"},
                               {"receptor", "exc"},
                               {"connectivity", {{"rule", "fixed_probability"}, {"p", 0.1}}},
                               {"weight", 1.0},
                               {"delay", 1.0}});
    return {{"simulation", {{"dt", 0.1}, {"duration", 0.5 * n_src + 2.0}, {"seed", 4242}}},
            {"populations",
             {{{"name", "in"}, {"size", n_src}, {"model", "spike_source"}, {"spike_times", times}},
              {{"name", "out"}, {"size", n_tgt}, {"model", "if_delta"}, {"params", {{"V_th", 1e9}}}}}},
            {"projections", projections},
            {"record",
             {{"spikes", {{{"population", "in"}}}},
              {"state", {{{"population", "out"}, {"variables", {"V_m"}}}}}}}};
}

// Largest difference between the kernel's trace and the trace rebuilt from the lowered synapses, for the
// best of a few constant offsets between a spike's step + delay and the sample that first shows it.
double rebuild_error(const network_description& d, unsigned threads) {
    simulation sim(d, models(), threads);
    sim.run(d.sim.duration_ms);
    const auto& tr = sim.traces().at(0);
    const auto& sp = sim.spikes().at(0);
    std::map<std::uint32_t, std::int64_t> spike_step;
    for (std::size_t k = 0; k < sp.node_ids.size(); ++k) spike_step[sp.node_ids[k]] = sp.steps[k];
    REQUIRE(spike_step.size() == n_src);
    const auto syn = lowering::lower_synapses(d, 0);
    REQUIRE(syn.size() > 0);
    const std::size_t samples = tr.values.size() / n_tgt;
    double best = 1e9;
    for (int offset = -1; offset <= 2; ++offset) {
        std::vector<double> v(samples * n_tgt, 0.0);
        for (std::size_t s = 0; s < syn.size(); ++s) {
            const std::int64_t arrive = spike_step[syn.source[s]] + syn.delay_steps[s] + offset;
            for (std::size_t k = 0; k < samples; ++k)
                if (tr.first_step + static_cast<std::int64_t>(k) * tr.interval_steps >= arrive)
                    v[k * n_tgt + syn.target[s]] += static_cast<double>(syn.weight[s]);
        }
        double err = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i)
            err = std::max(err, std::abs(v[i] - static_cast<double>(tr.values[i])));
        best = std::min(best, err);
    }
    return best;
}
} // namespace

TEST_CASE(
    "lowering: lower_synapses is the kernel's synapse set (weights, targets, delays), 1 and 2 threads") {
    const json rules[] = {{{"rule", "fixed_probability"}, {"p", 0.3}},
                          {{"rule", "fixed_indegree"}, {"n", 7}},
                          {{"rule", "fixed_outdegree"}, {"n", 5}},
                          {{"rule", "all_to_all"}}};
    for (const auto& rule : rules)
        for (bool recurrent : {false, true}) {
            CAPTURE(rule.dump());
            const auto d = parse_config(network(rule, recurrent).dump(), "lowering.json", models());
            CHECK(rebuild_error(d, 1) < 1e-4);
            CHECK(rebuild_error(d, 2) < 1e-4);
        }
}

TEST_CASE("lowering: a different seed gives other synapses, the same seed the same ones") {
    auto d =
        parse_config(network({{"rule", "fixed_probability"}, {"p", 0.3}}, false).dump(), "l.json", models());
    const auto a = lowering::lower_synapses(d, 0), b = lowering::lower_synapses(d, 0);
    CHECK(a.source == b.source);
    CHECK(a.target == b.target);
    CHECK(a.weight == b.weight);
    CHECK(a.delay_steps == b.delay_steps);
    d.sim.seed += 1;
    const auto c = lowering::lower_synapses(d, 0);
    CHECK((c.source != a.source || c.target != a.target || c.weight != a.weight));
    for (auto s : a.delay_steps) {
        CHECK(s >= 1);
        CHECK(s <= 5);
    }
}

TEST_CASE("lowering: conv2d kernels, initial values and refusals") {
    json j = network({{"rule", "all_to_all"}}, false);
    j["populations"][1]["initial"] = {{"V_m", {{"uniform", {{"low", -1.0}, {"high", 1.0}}}}}};
    const auto d = parse_config(j.dump(), "l.json", models());
    const auto v0 = lowering::lower_initial(d, models(), 1, "V_m");
    REQUIRE(v0.size() == n_tgt);
    simulation sim(d, models(), 1);
    for (std::uint32_t i = 0; i < n_tgt; ++i) {
        CHECK(v0[i] >= -1.0);
        CHECK(v0[i] < 1.0);
    }
    CHECK(lowering::lower_initial(d, models(), 0, "V_m").empty());
    CHECK_THROWS_WITH_AS(lowering::lower_conv(d, 0), doctest::Contains("not a conv2d projection"),
                         input_error);
    CHECK_THROWS_AS(lowering::lower_synapses(d, 3), input_error);
    CHECK(lowering::population_index(d, "out") == 1);
    CHECK_THROWS_WITH_AS(lowering::population_index(d, "nope"), doctest::Contains("nope"), input_error);

    json c = network({{"rule", "all_to_all"}}, false);
    c["populations"][0]["size"] = 2 * 4 * 4;
    c["populations"][0]["spike_times"] = json::array();
    for (int i = 0; i < 32; ++i) c["populations"][0]["spike_times"].push_back(json::array({1.0}));
    c["populations"][1]["size"] = 3 * 2 * 2;
    c["projections"][0]["connectivity"] = {
        {"rule", "conv2d"}, {"in_shape", {2, 4, 4}}, {"out_channels", 3}, {"kernel", {3, 3}}};
    json kernel = json::array();
    for (int i = 0; i < 3 * 2 * 3 * 3; ++i) kernel.push_back((i % 7 - 3) * 0.25);
    c["projections"][0]["weight"] = {{"values", kernel}};
    c["projections"][0]["delay"] = 0.3;
    const auto dc = parse_config(c.dump(), "c.json", models());
    const auto k = lowering::lower_conv(dc, 0);
    REQUIRE(k.weight.size() == 3 * 2 * 3 * 3);
    for (std::size_t i = 0; i < k.weight.size(); ++i)
        CHECK(static_cast<double>(k.weight[i]) == kernel[i].get<double>());
    CHECK(k.delay_steps == 3);
    CHECK(k.geo.out_h() == 2);
    CHECK_THROWS_WITH_AS(lowering::lower_synapses(dc, 0), doctest::Contains("lower_conv"), input_error);
}
