// Replaying an ECG recording into a spike_source population: from a WFDB record or an encoded .h5, a window
// of it, one lead of it; options checked against their declared ranges.
#include <filesystem>

#include <doctest/doctest.h>

#include "../support/test_support.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"

using namespace spikekit;
using namespace spikekit::events;

namespace {

const std::string record = SPIKEKIT_SHARED_DIR "/data/mitdb_small/100s";

std::size_t total(const std::vector<std::vector<double>>& trains) {
    std::size_t n = 0;
    for (const auto& t : trains) n += t.size();
    return n;
}

std::string error_of(const std::string& file, const param_map& o, std::size_t size) {
    try {
        ecg_replay_spike_times(file, o, size, "populations[1].replay");
    } catch (const input_error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("ecg replay: a WFDB record, a window of it, one lead, and the same from an encoded .h5") {
    if (!std::filesystem::exists(record + ".hea")) {
        MESSAGE("skipped: " << record << ".hea is missing (real MIT-BIH data from ../shared/data)");
        return;
    }
    const auto e = encode_record(read_wfdb_record(record), encoding_params{});
    const auto all = ecg_replay_spike_times(record + ".hea", {}, 4);
    REQUIRE(all.size() == 4);
    CHECK(total(all) == e.events.size());

    // Window [10 s, 20 s) of the recording, replayed from simulated time 0.
    const auto w = ecg_replay_spike_times(record, {{"from_ms", 10000}, {"to_ms", 20000}}, 4);
    CHECK(w == to_spike_trains(e, 10'000'000, 20'000'000));
    CHECK(total(w) > 0);
    for (const auto& t : w)
        for (double ms : t) CHECK((ms >= 0 && ms < 10000));

    // A coarser threshold gives fewer spikes; lead 1 alone is the second half of the neurons.
    CHECK(total(ecg_replay_spike_times(record, {{"threshold_mv", 0.2}}, 4)) < total(all) / 2);
    const auto lead1 = ecg_replay_spike_times(record, {{"lead", 1}}, 2);
    CHECK(lead1[0] == all[2]);
    CHECK(lead1[1] == all[3]);

    test::temp_dir dir("ecg_replay");
    write_encoded_hdf5(dir.file("100s.h5"), e);
    CHECK(ecg_replay_spike_times(dir.file("100s.h5"), {}, 4) == all);
    CHECK(ecg_replay_spike_times(dir.file("100s.h5"), {{"lead", 1}}, 2) == lead1);

    CHECK(error_of(record, {}, 3).find("population has 3 neurons but replaying 2 lead(s) needs 4") !=
          std::string::npos);
    CHECK(
        error_of(record, {{"speed", 2}}, 4).find("populations[1].replay.speed: unknown ECG replay option") !=
        std::string::npos);
    CHECK(error_of(record, {{"threshold_mv", 0}}, 4).find("populations[1].replay.threshold_mv") !=
          std::string::npos);
    CHECK(error_of(record, {{"from_ms", 5}, {"to_ms", 5}}, 4).find("to_ms: the window must end after") !=
          std::string::npos);
    CHECK(error_of(record, {{"lead", 2}}, 2).find("lead: the record has 2 signals") != std::string::npos);
    CHECK(error_of(dir.file("100s.h5"), {{"threshold_mv", 0.1}}, 4)
              .find("applies only when replaying a WFDB record") != std::string::npos);
    CHECK(error_of(dir.file("none.h5"), {}, 4).find("none.h5") != std::string::npos);
}
