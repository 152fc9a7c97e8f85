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
