// The memory estimate made before a build (issue #12 item 3): huge networks are refused with the figure, and
// the estimate of a built network is close to what it holds.
#include <doctest/doctest.h>

#include <string>

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/memory.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}

network_description two_populations(const std::string& size_a, const std::string& connectivity) {
    return parse_config(R"({"simulation": {"dt": 0.1, "duration": 10},
  "populations": [{"name": "a", "size": )" +
                            size_a + R"(, "model": "lif_exp"},
                  {"name": "b", "size": 1000, "model": "lif_exp"}],
  "projections": [{"source": "a", "target": "b", "connectivity": )" +
                            connectivity + R"(, "weight": 1.0, "delay": 1.5}]})",
                        "big.json", models());
}
} // namespace

TEST_CASE("a population of 2^31 neurons is refused before the build with the memory it needs") {
    const auto d = two_populations("2147483648", R"({"rule": "fixed_indegree", "n": 1})");
    const auto e = estimate_memory(d, models());
    CHECK(e.neurons == 2147483648ull + 1000);
    CHECK(e.neuron_bytes > 2147483648.0 * 8);
    CHECK_THROWS_WITH_AS(check_memory(d, models(), 16e9, "--max-memory 16GB"),
                         doctest::Contains("big.json: the network needs about"), input_error);
    CHECK_THROWS_WITH_AS(check_memory(d, models(), 16e9, "--max-memory 16GB"),
                         doctest::Contains("more than the 16 GB of --max-memory 16GB"), input_error);
}

TEST_CASE("an in-degree of 10^9 is refused with the synapse figure") {
    const auto d =
        two_populations("100", R"({"rule": "fixed_indegree", "n": 1000000000, "multapses": true})");
    const auto e = estimate_memory(d, models());
    CHECK(e.synapses == 1000000000000ull);
    CHECK(e.synapse_bytes >= 4e12);
    CHECK_THROWS_WITH_AS(check_memory(d, models(), 64e9, "available memory"),
                         doctest::Contains("1000000000000 synapses: 4 TB"), input_error);
}

TEST_CASE("the estimate of a network that fits covers what the built kernel holds, within a small factor") {
    const auto d = two_populations("2000", R"({"rule": "fixed_probability", "p": 0.1})");
    const auto e = estimate_memory(d, models());
    CHECK_NOTHROW(check_memory(d, models(), 1e9, "test"));
    simulation sim(d, models(), 1);
    CHECK(static_cast<double>(e.synapses) ==
          doctest::Approx(static_cast<double>(sim.synapses())).epsilon(0.05));
    CHECK(e.synapse_bytes >= static_cast<double>(sim.synapse_bytes()));
    CHECK(e.synapse_bytes <= 4 * static_cast<double>(sim.synapse_bytes()));
    CHECK(format_bytes(1.5e9) == "1.5 GB");
    CHECK(format_bytes(512) == "512 B");
}
