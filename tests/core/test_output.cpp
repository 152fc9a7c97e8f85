#include <doctest/doctest.h>

#include <filesystem>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/io/h5.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}
} // namespace

TEST_CASE("results are written in the SONATA spike and report layouts") {
    test::temp_dir dir("output_layout");
    auto d = parse_config(R"({"name": "o", "simulation": {"duration": 50},
      "populations": [{"name": "s", "size": 3, "model": "spike_source", "spike_times": [[1.0, 20.0], [5.5], []]},
                      {"name": "n", "size": 2, "model": "lif_delta"}],
      "projections": [{"source": "s", "target": "n", "connectivity": {"rule": "all_to_all"}, "weight": 2}],
      "record": {"spikes": [{"population": "s"}], "state": [{"population": "n", "variables": ["V_m"], "interval": 10}]}})",
                          "o.json", models());
    simulation sim(d, models());
    sim.run(50);
    const auto path = dir.file("out.h5");
    write_results_hdf5(path, sim);
    io::h5::reader r(path);
    CHECK(r.read_doubles("/spikes/s/timestamps") == std::vector<double>{1.0, 5.5, 20.0});
    CHECK(r.read_ints("/spikes/s/node_ids") == std::vector<std::int64_t>{0, 1, 0});
    CHECK(r.read_string_attr("/spikes/s", "sorting") == "by_time");
    CHECK(r.read_string_attr("/spikes/s/timestamps", "units") == "ms");
    const auto data = r.read_floats("/report/n/V_m/data");
    CHECK(data.size() == 10); // 5 samples x 2 neurons
    CHECK(data[0] == doctest::Approx(-70.0f));
    CHECK(data[2] > -70.0f); // 10 ms: after the first input (1 ms + 0.1 ms delay)
    CHECK(r.read_doubles("/report/n/V_m/mapping/time") == std::vector<double>{0.0, 50.0, 10.0});
    CHECK(r.read_ints("/report/n/V_m/mapping/node_ids") == std::vector<std::int64_t>{0, 1});
    const auto cfg = r.read_string_attr("/spikekit", "config");
    CHECK(parse_config(cfg, "embedded", models()).same_network(d));
    // nothing but the output is left in the directory
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path)) ++files;
    CHECK(files == 1);
}

TEST_CASE("a write that fails leaves neither a partial file nor a temporary") {
    test::temp_dir dir("output_fail");
    const auto path = dir.file("result.h5");
    CHECK_THROWS_AS(write_atomically(path,
                                     [](const std::string& tmp) {
                                         io::h5::writer w(tmp);
                                         w.write("/x", std::vector<double>{1, 2, 3});
                                         throw runtime_error("simulated crash while writing");
                                     }),
                    runtime_error);
    CHECK(std::filesystem::is_empty(dir.path));
    // an existing result survives a failed rewrite
    write_atomically(path,
                     [](const std::string& tmp) { io::h5::writer(tmp).write("/x", std::vector<double>{1}); });
    CHECK_THROWS(write_atomically(path, [](const std::string&) { throw runtime_error("boom"); }));
    CHECK(io::h5::reader(path).read_doubles("/x") == std::vector<double>{1});
}

TEST_CASE("connectivity and values can come from HDF5 datasets; bad files are input errors") {
    test::temp_dir dir("hdf5_input");
    const auto path = dir.file("conn.h5");
    {
        io::h5::writer w(path);
        w.write("/src", std::vector<std::int64_t>{0, 1, 2});
        w.write("/tgt", std::vector<std::int64_t>{1, 1, 0});
        w.write("/w", std::vector<double>{1.5, 2.5, 3.5});
        w.write("/bad_tgt", std::vector<std::int64_t>{1, 7, 0});
        w.close();
    }
    auto config = [&](const std::string& tgt_ds, const std::string& file) {
        return R"({"populations": [{"name": "a", "size": 3, "model": "poisson_source"}, {"name": "b", "size": 2, "model": "lif_delta"}],
          "projections": [{"source": "a", "target": "b", "connectivity": {"rule": "hdf5", "file": ")" +
               file + R"(", "sources_dataset": "/src", "targets_dataset": ")" + tgt_ds + R"("},
          "weight": {"hdf5": {"file": ")" +
               file + R"(", "dataset": "/w"}}}]})";
    };
    simulation ok(parse_config(config("/tgt", path), "c.json", models()), models());
    CHECK(ok.synapses() == 3);
    CHECK_THROWS_WITH_AS(simulation(parse_config(config("/bad_tgt", path), "c.json", models()), models()),
                         doctest::Contains("out of range"), input_error);
    CHECK_THROWS_WITH_AS(simulation(parse_config(config("/nope", path), "c.json", models()), models()),
                         doctest::Contains("/nope: no such dataset"), input_error);
    const auto junk = dir.write("junk.h5", "this is not HDF5");
    CHECK_THROWS_WITH_AS(simulation(parse_config(config("/tgt", junk), "c.json", models()), models()),
                         doctest::Contains("not an HDF5 file"), input_error);
}
