// Transforms as range algorithms: each on small hand-made streams with known answers, stateful filters
// chunk by chunk equal to one pass, and the conversion of a stream into spike input for a population.
#include <cmath>

#include "camera_test_support.hpp"
#include "spikekit/events/camera_replay.hpp"
#include "spikekit/events/transforms.hpp"

using namespace spikekit;
using namespace spikekit::test;
using events::dvs_event;

namespace {

dvs_event ev(std::int64_t t, unsigned x, unsigned y, unsigned p = 1) {
    return {t, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y), static_cast<std::uint8_t>(p)};
}

template <class F>
std::vector<dvs_event> apply(std::vector<dvs_event> in, F&& f) {
    in.erase(f(in.begin(), in.end(), in.begin()), in.end()); // in place, as documented
    return in;
}

} // namespace

TEST_CASE("crop, downsample, time window and polarity merge") {
    const std::vector<dvs_event> in = {ev(0, 5, 5), ev(1, 9, 5), ev(2, 10, 5), ev(3, 4, 7), ev(4, 7, 8, 0)};
    const auto c = apply(in, [](auto f, auto l, auto o) {
        return events::crop(f, l, o, events::region{5, 5, 5, 4});
    });
    REQUIRE(c.size() == 3); // x in [5, 10), y in [5, 9)
    CHECK((c[0].x == 0 && c[0].y == 0));
    CHECK((c[1].x == 4 && c[1].t_us == 1));
    CHECK((c[2].x == 2 && c[2].y == 3 && c[2].p == 0));

    const auto d = apply(in, [](auto f, auto l, auto o) { return events::downsample(f, l, o, 4u); });
    REQUIRE(d.size() == in.size());
    CHECK((d[2].x == 2 && d[2].y == 1 && d[3].x == 1));

    const auto w = apply(in, [](auto f, auto l, auto o) { return events::time_window(f, l, o, 1, 3); });
    REQUIRE(w.size() == 2);
    CHECK((w[0].t_us == 1 && w[1].t_us == 2));

    const auto m = apply(in, [](auto f, auto l, auto o) { return events::merge_polarity(f, l, o); });
    CHECK(std::all_of(m.begin(), m.end(), [](const dvs_event& e) { return e.p == 0; }));
}

TEST_CASE(
    "refractory filter: a pixel's dead time, per pixel, across chunks - events off the sensor dropped") {
    const std::vector<dvs_event> in = {ev(0, 1, 1),   ev(50, 1, 1, 0), ev(60, 2, 1),
                                       ev(100, 1, 1), ev(120, 1, 1),   ev(130, 7, 7)};
    events::refractory_filter whole(4, 4, 100);
    const auto out = apply(in, [&](auto f, auto l, auto o) { return whole.process(f, l, o); });
    REQUIRE(out.size() == 3); // 0 and 100 at (1,1) (100 - 0 >= period), 60 at (2,1); (7,7) is off the sensor
    CHECK((out[0].t_us == 0 && out[1].t_us == 60 && out[2].t_us == 100));
    events::refractory_filter chunked(4, 4, 100);
    std::vector<dvs_event> got;
    for (std::size_t i = 0; i < in.size(); i += 2)
        chunked.process(in.begin() + static_cast<std::ptrdiff_t>(i),
                        in.begin() + static_cast<std::ptrdiff_t>(i + 2), std::back_inserter(got));
    CHECK(same_events(got, out));
}

TEST_CASE(
    "nearest-neighbour denoise keeps events with a recent neighbour, drops isolated ones, borders safe") {
    const std::vector<dvs_event> in = {ev(0, 0, 0),    ev(10, 1, 1),   ev(20, 5, 5),
                                       ev(1000, 9, 9), ev(1005, 8, 9), ev(5000, 4, 5)};
    events::nn_denoise f(10, 10, 100);
    const auto out = apply(in, [&](auto a, auto b, auto o) { return f.process(a, b, o); });
    // (1,1) has neighbour (0,0) 10 us before; (8,9) has (9,9) 5 us before; (4,5)'s neighbour fired 4980 us
    // ago.
    REQUIRE(out.size() == 2);
    CHECK((out[0].x == 1 && out[1].x == 8));
}

TEST_CASE("frame binning and time surfaces") {
    const std::vector<dvs_event> in = {ev(100, 1, 0), ev(150, 1, 0), ev(600, 2, 1, 0), ev(2099, 0, 1),
                                       ev(2100, 9, 9)};
    events::frame_binner bins(3, 2, 1000);
    bins.add(in.begin(), in.end());
    REQUIRE(bins.frames() == 2); // [100, 1100) and [1100, 2100); the last event is off the sensor
    CHECK(bins.at(0, 1, 0, 1) == 2);
    CHECK(bins.at(0, 0, 1, 2) == 1);
    CHECK(bins.at(1, 1, 1, 0) == 1);
    std::uint64_t total = 0;
    for (auto c : bins.counts()) total += c;
    CHECK(total == 4);

    events::time_surface ts(3, 2, 100.0);
    ts.add(in.begin(), in.end());
    const auto s = ts.at(2199);
    REQUIRE(s.size() == 12);
    CHECK(s[(1 * 2 + 1) * 3 + 0] == doctest::Approx(std::exp(-1.0)));   // ON (0,1) fired 100 us before
    CHECK(s[(0 * 2 + 1) * 3 + 2] == doctest::Approx(std::exp(-15.99))); // OFF (2,1) at 600
    CHECK(s[0] == 0.0f);                                                // never fired
}

TEST_CASE(
    "spike input: one neuron per pixel and polarity, downsampled, times in ms, coincident events merged") {
    const std::vector<dvs_event> in = {ev(1000, 0, 0), ev(1000, 1, 1), ev(1500, 3, 2, 0), ev(2500, 4, 4)};
    const auto si = events::to_spike_input(in.begin(), in.end(), 5, 5, 2, 1000);
    CHECK(si.width == 3);
    CHECK(si.height == 3);
    REQUIRE(si.neurons() == 18);
    CHECK(si.spike_times_ms[9] ==
          std::vector<double>{0.0}); // ON (0,0) and (1,1) -> neuron 9, same microsecond
    CHECK(si.spike_times_ms[1 * 3 + 1] == std::vector<double>{0.5}); // OFF, (3,2)/2 = (1,1)
    CHECK(si.spike_times_ms[9 + 2 * 3 + 2] == std::vector<double>{1.5});
    std::size_t spikes = 0;
    for (const auto& v : si.spike_times_ms) spikes += v.size();
    CHECK(spikes == 3);
    CHECK_THROWS(events::to_spike_input(in.begin(), in.end(), 5, 5, 0));
}

TEST_CASE(
    "filters on a real recording: denoise and refractory only remove events - frames count all events") {
    const auto f = event_file("prophesee/evt2_sample.raw");
    if (!have(f)) return;
    const auto all = events::read_all(f);
    events::nn_denoise dn(640, 480, 1000);
    events::refractory_filter rf(640, 480, 1000);
    std::vector<dvs_event> a, b;
    dn.process(all.begin(), all.end(), std::back_inserter(a));
    rf.process(all.begin(), all.end(), std::back_inserter(b));
    CHECK(a.size() < all.size());
    CHECK(a.size() > all.size() / 2); // a moving object: most events have neighbours
    CHECK(b.size() < all.size());
    events::frame_binner bins(640, 480, 10000);
    bins.add(all.begin(), all.end());
    CHECK(bins.frames() == 6); // 50 ms in 10 ms bins, the last event at exactly +50 ms opens a sixth
    std::uint64_t total = 0;
    for (auto c : bins.counts()) total += c;
    CHECK(total == all.size());
}

TEST_CASE("stream_cut: window from the first event, crop clipped to the sensor, downsample, rebase") {
    events::stream_cut c;
    c.from_us = 10;
    c.to_us = 30;
    c.crop = events::region{2, 2, 100, 3};
    c.factor = 2;
    c.rebase = true;
    const auto [w, h] = c.size(10, 10);
    CHECK(w == 4); // crop clipped to 8 columns, then halved
    CHECK(h == 2); // 3 rows -> ceil(3 / 2)
    std::vector<dvs_event> in = {ev(1000, 5, 3), ev(1010, 5, 3), ev(1020, 9, 4), ev(1029, 1, 3),
                                 ev(1030, 5, 3)};
    in.resize(c.apply(in, 1000));
    REQUIRE(in.size() == 2);
    CHECK((in[0].t_us == 10 && in[0].x == 1 && in[0].y == 0));
    CHECK((in[1].t_us == 20 && in[1].x == 3 && in[1].y == 1));
}

TEST_CASE("replay_events: a window of an N-MNIST sample as spike input equals the same cut done by hand") {
    const auto f = event_file("tonic/sample_nmnist.bin");
    if (!have(f)) return;
    events::stream_cut c;
    c.from_us = 100000;
    c.to_us = 200000;
    c.factor = 2;
    const auto si = events::replay_events(f, c);
    CHECK(si.width == 17); // the 34 x 34 extent of the events, halved
    CHECK(si.height == 17);
    REQUIRE(si.neurons() == 2 * 17 * 17);
    const auto all = events::read_all(f);
    std::vector<std::vector<double>> want(si.neurons());
    std::vector<std::int64_t> last(si.neurons(), -1);
    for (const auto& e : all) {
        const std::int64_t dt = e.t_us - all.front().t_us;
        if (dt < 100000 || dt >= 200000) continue;
        const std::size_t id = (std::size_t{e.p} * 17 + e.y / 2) * 17 + e.x / 2;
        if (last[id] == e.t_us) continue;
        last[id] = e.t_us;
        want[id].push_back(static_cast<double>(dt - 100000) * 1e-3);
    }
    CHECK(si.spike_times_ms == want);
    std::size_t spikes = 0;
    for (const auto& v : want) spikes += v.size();
    CHECK(spikes > 1000);
}

TEST_CASE(
    "camera_replay_spike_times: config options checked, population size checked, same as replay_events") {
    const auto f = event_file("tonic/sample_nmnist.bin");
    if (!have(f)) return;
    const param_map opts = {{"from_ms", 100}, {"to_ms", 200},     {"downsample", 2},  {"crop_x", 2},
                            {"crop_y", 0},    {"crop_width", 30}, {"crop_height", 34}};
    events::stream_cut c;
    c.from_us = 100000;
    c.to_us = 200000;
    c.factor = 2;
    c.crop = events::region{2, 0, 30, 34};
    const auto want = events::replay_events(f, c);
    CHECK(want.width == 15);
    CHECK(events::camera_replay_spike_times(f, opts, 2 * 15 * 17) == want.spike_times_ms);
    auto error = [&](const param_map& o, std::size_t size) {
        try {
            events::camera_replay_spike_times(f, o, size, "populations[0].replay");
        } catch (const input_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(contains(error(opts, 100),
                   "populations[0].replay: the population has 100 neurons but replaying this "
                   "recording needs 510"));
    CHECK(contains(error({{"speed", 2}}, 2312), "populations[0].replay.speed: unknown events replay option"));
    CHECK(contains(error({{"downsample", 0}}, 2312), "populations[0].replay.downsample"));
    CHECK(contains(error({{"downsample", 1.5}}, 2312), "populations[0].replay.downsample"));
    CHECK(contains(error({{"crop_width", 4}}, 2312), "crop_height"));
    CHECK(contains(error({{"from_ms", 5}, {"to_ms", 5}}, 2312), "to_ms: the window must end after from_ms"));
    CHECK(error({}, 2 * 34 * 34).empty());
}
