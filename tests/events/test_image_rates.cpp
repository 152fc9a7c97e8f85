// Poisson inputs that present a sequence of images as rates ("rates_from", docs/config.md), on a tiny IDX
// file written by the test: which neurons fire when, resuming from a checkpoint, and bad configs.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/events/replay.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
// Three 28x28 images: pixel 0 white; pixels 1 (white) and 2 (grey); all black.
std::string tiny_idx(const test::temp_dir& dir) {
    std::string f = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28};
    std::string px(3 * 784, '\0');
    px[0] = static_cast<char>(255);
    px[784 + 1] = static_cast<char>(255);
    px[784 + 2] = static_cast<char>(128);
    return dir.write("tiny-images-idx3-ubyte", f + px);
}

std::string config(const std::string& images, const std::string& rates_from_extra = "",
                   std::uint32_t size = 784) {
    return R"({"simulation": {"dt": 1, "duration": 500, "seed": 5},
      "populations": [{"name": "pixels", "size": )" +
           std::to_string(size) + R"(, "model": "if_delta", "params": {"reset_subtract": 0}}],
      "inputs": [{"name": "image", "type": "poisson", "target": "pixels", "weight": 1,
                  "rates_from": {"images": ")" +
           images + R"(", "present": "100 ms", "rest": "50 ms", "max_rate": "200 Hz", "count": 3)" +
           rates_from_extra + R"(}}],
      "record": {"spikes": [{"population": "pixels"}]}})";
}

simulation build(const std::string& text, const model_registry& models) {
    auto d = parse_config(text, "images.json", models);
    events::resolve_replays(d);
    return simulation(d, models);
}
} // namespace

TEST_CASE(
    "rates_from shows image k for `present` from k (present + rest), each pixel at pixel/255 max_rate") {
    const auto models = neurons::builtin_models();
    test::temp_dir dir("image_rates");
    auto sim = build(config(tiny_idx(dir)), models);
    sim.run(500);
    const auto& sp = sim.spikes()[0];
    std::vector<int> count(3, 0);
    for (std::size_t k = 0; k < sp.node_ids.size(); ++k) {
        const auto id = sp.node_ids[k];
        const double t = static_cast<double>(sp.steps[k]);
        REQUIRE(id < 3);                          // black pixels never fire
        if (id == 0) CHECK(t < 100);              // image 0 during 0-100 ms
        if (id > 0) CHECK((t >= 150 && t < 250)); // image 1 during 150-250 ms; rest and image 2: silence
        ++count[id];
    }
    CAPTURE(count[0]);
    CAPTURE(count[2]);
    CHECK(count[0] >= 8); // 200 Hz for 100 ms: 20 expected
    CHECK(count[0] <= 35);
    CHECK(count[2] >= 2); // half the rate
    CHECK(count[2] < count[1] + 8);
    CHECK_THROWS_AS(sim.set_rates("image", std::vector<double>(784, 1.0)), input_error);

    // The image shown depends on the step alone: a run resumed mid-sequence gives the same spikes.
    auto first = build(config(tiny_idx(dir)), models);
    first.run(170);
    first.save_checkpoint(dir.file("mid.h5"));
    auto resumed = build(config(tiny_idx(dir)), models);
    resumed.restore_checkpoint(dir.file("mid.h5"));
    resumed.run(330);
    CHECK(resumed.spikes()[0].steps == sp.steps);
    CHECK(resumed.spikes()[0].node_ids == sp.node_ids);

    // Saved configs keep the file, not the pixels, and load back into the same network.
    const auto d = parse_config(config(tiny_idx(dir)), "images.json", models);
    CHECK(parse_config(to_json(d), "again.json", models).same_network(d));
}

TEST_CASE("rates_from: bad configs name the JSON path") {
    const auto models = neurons::builtin_models();
    test::temp_dir dir("image_rates_bad");
    const auto images = tiny_idx(dir);
    auto fails = [&](const std::string& text, const char* where) {
        CHECK_THROWS_WITH_AS(build(text, models), doctest::Contains(where), input_error);
    };
    fails(config(images, R"(, "first": 1)"), "inputs[0].rates_from.count"); // images 1..3 of 3
    fails(config(images, "", 10), "inputs[0].rates_from");                  // 10 neurons, 784 pixels
    fails(config(images, R"(, "present": 0)"), "inputs[0].rates_from.present");
    fails(config(images, R"(, "max_rate": "5 mV")"), "inputs[0].rates_from.max_rate");
    fails(config(images, R"(, "shown": 1)"), "inputs[0].rates_from");
    fails(config(dir.file("missing.gz")), "missing.gz");
    fails(config(dir.write("bad", "not an idx file at all")), "byte 0");
}
