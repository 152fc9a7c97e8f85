#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}

// Every kind of state a checkpoint must carry: exact-integration currents, conductances, adaptation
// (AdEx), event-driven delta neurons (lazy decay bookkeeping), integer neurons, spike sources with a cursor,
// Poisson drive, a step current that changed before the checkpoint, heterogeneous delays (spikes in
// flight), and spike and state recorders.
constexpr const char* rich_network = R"({"simulation": {"dt": 0.1, "duration": 300, "seed": 21},
  "populations": [
    {"name": "cuba", "size": 400, "model": "lif_exp", "params": {"E_L": -49, "V_th": -50, "V_reset": -60, "tau_m": 20,
      "C_m": 200, "tau_syn_ex": 5, "tau_syn_in": 10, "t_ref": 5}, "initial": {"V_m": {"uniform": {"low": -60, "high": -50}}}},
    {"name": "coba", "size": 200, "model": "lif_cond_exp", "params": {"E_L": -60, "V_th": -50, "V_reset": -60}},
    {"name": "adex", "size": 50, "model": "adex"},
    {"name": "lazy", "size": 300, "model": "lif_delta", "params": {"E_L": 0, "V_th": 20, "V_reset": 10, "tau_m": 20}},
    {"name": "int", "size": 100, "model": "lif_int"},
    {"name": "src", "size": 3, "model": "spike_source", "spike_times": [[5, 50, 150, 250], [120], [10, 299]]}],
  "projections": [
    {"source": "cuba", "target": "cuba", "receptor": "exc", "connectivity": {"rule": "fixed_probability", "p": 0.05},
     "weight": {"normal": {"mean": 16, "std": 4}}, "delay": {"uniform": {"low": 0.1, "high": 4}}},
    {"source": "cuba", "target": "coba", "receptor": "exc", "connectivity": {"rule": "fixed_indegree", "n": 30}, "weight": 3, "delay": 2},
    {"source": "cuba", "target": "adex", "receptor": "exc", "connectivity": {"rule": "fixed_indegree", "n": 30}, "weight": 5, "delay": 1},
    {"source": "cuba", "target": "lazy", "receptor": "exc", "connectivity": {"rule": "fixed_outdegree", "n": 5}, "weight": 2.5, "delay": 3.3},
    {"source": "src", "target": "int", "receptor": "exc", "connectivity": {"rule": "all_to_all"}, "weight": 40, "delay": 1}],
  "inputs": [{"type": "poisson", "target": "cuba", "rate": 800, "weight": 15},
             {"type": "poisson", "target": "coba", "rate": 3000, "weight": 4},
             {"type": "current", "target": "adex", "amplitude": 300, "start": 20, "steps": [[100, 700]]}],
  "record": {"spikes": [{"population": "cuba"}, {"population": "coba"}, {"population": "adex"}, {"population": "lazy"},
                        {"population": "int"}],
             "state": [{"population": "coba", "variables": ["V_m", "g_ex"], "neurons": [0, 9], "interval": 0.7},
                       {"population": "adex", "variables": ["V_m", "w"], "neurons": [1]}]}})";

void check_same(const simulation& a, const simulation& b) {
    REQUIRE(a.spikes().size() == b.spikes().size());
    for (std::size_t k = 0; k < a.spikes().size(); ++k) {
        CAPTURE(a.spikes()[k].population);
        CHECK(a.spikes()[k].node_ids == b.spikes()[k].node_ids);
        CHECK(a.spikes()[k].steps == b.spikes()[k].steps);
    }
    REQUIRE(a.traces().size() == b.traces().size());
    for (std::size_t k = 0; k < a.traces().size(); ++k) {
        CHECK(a.traces()[k].first_step == b.traces()[k].first_step);
        CHECK(a.traces()[k].values == b.traces()[k].values);
    }
    CHECK(a.synaptic_events() == b.synaptic_events());
    CHECK(a.steps_done() == b.steps_done());
}
} // namespace

TEST_CASE("a run resumed from a checkpoint is bit-identical to an uninterrupted one") {
    const auto d = parse_config(rich_network, "rich.json", models());
    test::temp_dir dir("checkpoint");
    const auto file = dir.path / "at150.h5";
    simulation whole(d, models(), 1);
    whole.run(300);
    for (const auto& s : whole.spikes()) {
        CAPTURE(s.population);
        CHECK(s.node_ids.size() > 3); // every population is active, so the test can fail
    }
    {
        simulation first(d, models(), 1);
        first.run(150.3);
        first.save_checkpoint(file.string());
    }
    for (unsigned threads : {1u, 2u}) {
        CAPTURE(threads);
        auto d2 = parse_config(simulation::checkpoint_config(file.string()), "checkpoint", models());
        CHECK(d2.same_network(d));
        context ctx(threads);
        ctx.min_parallel_work = 0; // every step parallel, however small
        simulation resumed(d2, models(), ctx);
        resumed.restore_checkpoint(file.string());
        CHECK(resumed.time_ms() == doctest::Approx(150.3));
        resumed.run(300 - 150.3);
        check_same(whole, resumed);
    }
}

TEST_CASE("a checkpoint of another network, or a damaged one, is refused with the file named") {
    const auto d = parse_config(rich_network, "rich.json", models());
    test::temp_dir dir("checkpoint-bad");
    const auto file = (dir.path / "cp.h5").string();
    simulation sim(d, models(), 1);
    sim.run(10);
    sim.save_checkpoint(file);

    auto other = d;
    other.populations[0].size = 401;
    simulation different(other, models(), 1);
    CHECK_THROWS_WITH_AS(different.restore_checkpoint(file), doctest::Contains("different network"),
                         input_error);

    auto longer = d; // duration and threads may change
    longer.sim.duration_ms = 1000;
    longer.sim.threads = 2;
    simulation ok(longer, models());
    CHECK_NOTHROW(ok.restore_checkpoint(file));

    const auto size = std::filesystem::file_size(file);
    std::filesystem::resize_file(file, size / 2);
    CHECK_THROWS_WITH_AS(simulation::checkpoint_config(file), doctest::Contains("cp.h5"), input_error);
    { std::ofstream(file) << "not hdf5"; }
    CHECK_THROWS_AS(sim.restore_checkpoint(file), input_error);
    CHECK(sim.steps_done() == 100); // a refused restore leaves the simulation untouched
}
