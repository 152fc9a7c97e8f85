// The rules driven by the simulation kernel, end to end from a config: competitive Hebbian learning
// (Song, Miller & Abbott 2000) with additive STDP spreads the weights towards the bounds (the full effect,
// with rate regulation, takes minutes of simulated time: examples/song2000_stdp.json); learned weights reload
// as the initial weights of another run.
#include <doctest/doctest.h>

#include <algorithm>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const char* song_net = R"({"simulation": {"dt": 0.1, "duration": 20000, "seed": 7},
  "populations": [{"name": "input", "size": 200, "model": "poisson_source", "params": {"rate": 20}},
                  {"name": "cell", "size": 1, "model": "lif_cond_exp",
                   "params": {"C_m": 200, "g_L": 10, "E_L": -70, "V_th": -54, "V_reset": -60, "t_ref": 1,
                              "E_ex": 0, "E_in": -70, "tau_syn_ex": 5, "tau_syn_in": 5}}],
  "projections": [{"name": "syn", "source": "input", "target": "cell", "connectivity": {"rule": "all_to_all"},
                   "weight": {"uniform": {"low": 0, "high": 0.3}}, "delay": 1,
                   "plasticity": {"rule": "stdp_additive", "params": {"w_max": 0.3, "A_plus": 0.02, "A_minus": 0.021}}}],
  "record": {"spikes": [{"population": "cell"}]}})";

double near_bounds(const std::vector<float>& w) {
    return static_cast<double>(std::count_if(w.begin(), w.end(), [](float x) { return x < 0.03f || x > 0.27f; })) /
           static_cast<double>(w.size());
}
} // namespace

TEST_CASE("kernel + stdp_additive: weights move to the bounds and the output rate is regulated") {
    const auto models = neurons::builtin_models();
    const auto rules = learning::builtin_rules();
    const auto d = parse_config(song_net, "song.json", models);
    simulation sim(d, models, 1, &rules);
    const double before = near_bounds(sim.plastic_weights()[0].weight);
    sim.run(2000);
    const auto early = sim.population_statistics()[1].spikes;
    sim.run(16000);
    const auto mid = sim.population_statistics()[1].spikes;
    sim.run(2000);
    const auto late = sim.population_statistics()[1].spikes - mid;
    const double after = near_bounds(sim.plastic_weights()[0].weight);
    CAPTURE(early);
    CAPTURE(late);
    CHECK(early > 10); // the cell fires, so pairs happen
    CHECK(before < 0.3);
    CHECK(after > before + 0.1); // competition spreads the weights towards the bounds
    const auto learned = sim.plastic_weights();
    const auto& w = learned[0].weight;
    CHECK(*std::min_element(w.begin(), w.end()) >= 0.0f);
    CHECK(*std::max_element(w.begin(), w.end()) <= 0.3f);

    // Saved weights come back as the initial weights of another network.
    test::temp_dir dir("song");
    write_results_hdf5(dir.file("out.h5"), sim);
    const std::string reload = std::string(R"({"simulation": {"dt": 0.1, "duration": 1},
      "populations": [{"name": "input", "size": 200, "model": "poisson_source"},
                      {"name": "cell", "size": 1, "model": "lif_cond_exp"}],
      "projections": [{"name": "syn", "source": "input", "target": "cell",
        "connectivity": {"rule": "hdf5", "file": ")") + dir.file("out.h5") + R"(", "sources_dataset": "/weights/syn/source",
                         "targets_dataset": "/weights/syn/target"},
        "weight": {"hdf5": {"file": ")" + dir.file("out.h5") + R"(", "dataset": "/weights/syn/weight"}},
        "delay": 1, "plasticity": {"rule": "stdp_additive", "params": {"w_max": 0.3}}}]})";
    simulation again(parse_config(reload, "reload.json", models), models, 1, &rules);
    CHECK(again.plastic_weights()[0].weight == sim.plastic_weights()[0].weight);
}

namespace {
// A cell with an adaptive threshold learning from 50 Poisson inputs, with normalization.
const char* adaptive_net = R"({"simulation": {"dt": 0.5, "seed": 3},
  "populations": [{"name": "input", "size": 50, "model": "poisson_source", "params": {"rate": 40}},
                  {"name": "cell", "size": 2, "model": "lif_cond_exp",
                   "params": {"C_m": 100, "g_L": 1, "E_L": -65, "V_th": -52, "V_reset": -65, "t_ref": 5,
                              "E_ex": 0, "E_in": -100, "tau_syn_ex": 1, "tau_syn_in": 2,
                              "theta_plus": 0.5, "tau_theta": 1000}}],
  "projections": [{"name": "syn", "source": "input", "target": "cell", "connectivity": {"rule": "all_to_all"},
                   "weight": {"uniform": {"low": 0, "high": 1}}, "delay": 0.5,
                   "plasticity": {"rule": "stdp_additive",
                                  "params": {"A_plus": 0.01, "A_minus": 0.001, "nearest": 1, "norm_total": 20,
                                             "norm_interval": 100}}}],
  "record": {"spikes": [{"population": "cell"}], "state": [{"population": "cell", "variables": ["theta"]}]}})";

std::vector<float> last_theta(const simulation& sim) {
    const auto& v = sim.traces()[0].values;
    return {v.end() - 2, v.end()};
}
} // namespace

TEST_CASE(
    "set_learning(false) holds weights and adaptive thresholds, still delivers, and survives a checkpoint") {
    const auto models = neurons::builtin_models();
    const auto rules = learning::builtin_rules();
    const auto d = parse_config(adaptive_net, "adaptive.json", models);
    simulation sim(d, models, 1, &rules);
    const auto w0 = sim.plastic_weights()[0].weight;
    sim.run(500);
    CHECK(sim.learning());
    const auto w1 = sim.plastic_weights()[0].weight;
    CHECK(w1 != w0);

    sim.set_learning(false);
    CHECK_FALSE(sim.learning());
    sim.run(0.5); // a state sample shows the state at the start of its step: here the end of learning
    const auto theta1 = last_theta(sim);
    CHECK(theta1[0] > 0.0f);
    const auto spikes_before = sim.population_statistics()[1].spikes;
    sim.run(600);
    CHECK(sim.population_statistics()[1].spikes > spikes_before + 5); // weights still delivered
    CHECK(sim.plastic_weights()[0].weight == w1);
    CHECK(last_theta(sim) == theta1);

    // The frozen state is part of a checkpoint: the resumed run continues frozen, spike for spike.
    test::temp_dir dir("frozen");
    sim.save_checkpoint(dir.file("frozen.h5"));
    simulation resumed(d, models, 1, &rules);
    resumed.restore_checkpoint(dir.file("frozen.h5"));
    CHECK_FALSE(resumed.learning());
    sim.run(300);
    resumed.run(300);
    CHECK(resumed.spikes()[0].steps == sim.spikes()[0].steps);
    CHECK(resumed.plastic_weights()[0].weight == w1);

    // Learning resumes where it stopped.
    sim.set_learning(true);
    sim.run(500);
    CHECK(sim.plastic_weights()[0].weight != w1);
    CHECK(last_theta(sim) != theta1);
}
