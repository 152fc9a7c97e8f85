// Recordings replayed into a network from a config ("replay" of a spike_source population), end to end:
// an N-MNIST sample and the MIT-BIH excerpt drive populations in one simulation.
#include <doctest/doctest.h>

#include <filesystem>
#include <algorithm>
#include <numeric>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/events/camera_replay.hpp"
#include "spikekit/events/replay.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
std::string replay_config(const std::string& nmnist, const std::string& ecg, std::uint32_t retina_size) {
    return R"({"simulation": {"dt": 0.1, "duration": 400},
      "populations": [
        {"name": "retina", "size": )" + std::to_string(retina_size) + R"(, "model": "spike_source",
         "replay": {"kind": "events", "file": ")" + nmnist + R"(", "downsample": 2}},
        {"name": "heart", "size": 2, "model": "spike_source",
         "replay": {"kind": "ecg", "file": ")" + ecg + R"(", "lead": 0, "from_ms": 1000, "to_ms": 1400}},
        {"name": "cell", "size": 1, "model": "if_delta", "params": {"V_th": 1e9}}],
      "projections": [{"source": "retina", "target": "cell", "connectivity": {"rule": "all_to_all"}, "weight": 1, "delay": 1}],
      "record": {"spikes": [{"population": "retina"}, {"population": "heart"}],
                 "state": [{"population": "cell", "variables": ["V_m"], "neurons": [0]}]}})";
}
} // namespace

TEST_CASE("a config replays an event-camera recording and an ECG record into spike sources") {
    const auto nmnist = test::shared_path("data/events/nmnist_small/1.bs2");
    const auto ecg = test::shared_path("data/mitdb_small/100s.hea");
    if (!std::filesystem::exists(nmnist) || !std::filesystem::exists(ecg)) {
        MESSAGE("skipped: ../shared/data/events/nmnist_small/1.bs2 or ../shared/data/mitdb_small/100s.hea is missing");
        return;
    }
    const auto models = neurons::builtin_models();
    auto d = parse_config(replay_config(nmnist, ecg, 2 * 17 * 17), "replay.json", models);
    events::resolve_replays(d);
    const auto& times = d.populations[0].spike_times;
    REQUIRE(times.size() == 2 * 17 * 17);
    const auto expected = std::accumulate(times.begin(), times.end(), std::size_t{0},
                                          [](std::size_t n, const auto& v) { return n + v.size(); });
    REQUIRE(expected > 1000); // a digit saccade: thousands of events
    simulation sim(d, models, 1);
    sim.run(400);
    // The replayed spikes are emitted (several in one 0.1 ms step of a neuron count once), and each reaches
    // the cell with weight 1 after its 1 ms delay.
    std::size_t within = 0;
    for (const auto& v : times)
        for (double t : v) within += t < 400.0;
    const auto& emitted = sim.spikes()[0];
    CHECK(emitted.node_ids.size() <= within);
    CHECK(static_cast<double>(emitted.node_ids.size()) > 0.9 * static_cast<double>(within));
    // The last trace sample (start of step 3999) includes arrivals up to step 3998, sent at steps <= 3988.
    const auto arrived = std::count_if(emitted.steps.begin(), emitted.steps.end(), [](std::int64_t s) { return s <= 3988; });
    CHECK(sim.traces()[0].values.back() == doctest::Approx(static_cast<double>(arrived)));
    const auto heart = sim.spikes()[1].node_ids.size();
    CHECK(heart > 2); // one beat in the 400 ms window crosses several levels up and down
    // The description keeps the replay, not the times, when saved.
    CHECK(to_json(d).find("spike_times") == std::string::npos);

    auto wrong = parse_config(replay_config(nmnist, ecg, 100), "replay.json", models);
    CHECK_THROWS_WITH_AS(events::resolve_replays(wrong), doctest::Contains("populations[0].replay"), input_error);
    auto missing = parse_config(replay_config(nmnist + ".nope", ecg, 2 * 17 * 17), "replay.json", models);
    CHECK_THROWS_WITH_AS(events::resolve_replays(missing), doctest::Contains(".nope"), input_error);
}
