// Mesh and torus chips: the greedy partition respects the core's limits, the placement keeps traffic short.
#include <doctest/doctest.h>

#include <map>

#include "chip_nets.hpp"
#include "spikekit/chips/mapping.hpp"

using namespace spikekit;
using namespace spikekit::chips;

TEST_CASE("loihi: cores fill up to 1024 compartments within the synapse memory") {
    const auto p = map_network(test::layered({50, 2500, 10}, 8), find_chip("loihi"));
    REQUIRE(p.fits);
    REQUIRE(p.layers.size() == 2);
    CHECK(p.layers[0].weight_bits == 9);
    CHECK(p.layers[0].neurons_per_core == std::vector<std::uint32_t>{1024, 1024, 452});
    CHECK(p.layers[1].cores == 1);
    CHECK(p.cores_required == 4);
    // fan-in 1000 x 16-bit synapse words: 65 neurons fill the 1,048,576 bits of a core
    const auto m = map_network(test::layered({1000, 200}, 8), find_chip("loihi"));
    REQUIRE(m.fits);
    CHECK(m.layers[0].neurons_per_core.front() == 1048576 / 16000);
}

TEST_CASE("loihi refusals: axons per core, cores per chip") {
    const auto a = map_network(test::layered({5000, 10}, 1), find_chip("loihi"));
    REQUIRE(!a.fits);
    CHECK(a.problem->resource == "axons");
    CHECK(a.problem->message == "population 'l1': neuron 0 alone needs 5,000 source axons > 4,096 per core");
    const auto c = map_network(test::layered({1, 130 * 1024}, 1), find_chip("loihi"));
    REQUIRE(!c.fits);
    CHECK(c.problem->resource == "cores");
    CHECK(c.problem->message ==
          "population 'l1': the network needs 130 cores > 128 on the chip (short by 2)");
}

TEST_CASE("greedy placement puts talking blocks close") {
    const auto p = map_network(test::layered({10, 1500, 1500, 10}, 8), find_chip("loihi"));
    REQUIRE(p.fits);
    REQUIRE(!p.links.empty());
    // against the blocks laid out in order along the first row of tiles (4 cores a tile)
    std::map<std::uint32_t, std::uint32_t> index;
    for (std::uint32_t b = 0; b < p.blocks.size(); ++b) index[p.blocks[b].core] = b;
    std::uint64_t greedy = 0, in_order = 0;
    for (const auto& l : p.links) {
        greedy += l.messages * l.hops;
        const auto ta = index.at(l.from) / 4, tb = index.at(l.to) / 4;
        in_order += l.messages * (ta > tb ? ta - tb : tb - ta);
    }
    CHECK(p.cores_required > 8);
    CHECK(greedy < in_order);
}

TEST_CASE("spinnaker and truenorth map small networks") {
    const auto s = map_network(test::layered({100, 600, 10}, 8), find_chip("spinnaker"));
    REQUIRE(s.fits);
    CHECK(s.layers[0].neurons_per_core == std::vector<std::uint32_t>{256, 256, 88});
    const auto t = map_network(test::layered({200, 600}, 8), find_chip("truenorth"));
    REQUIRE(t.fits);
    CHECK(t.layers[0].cores == 3);
    const auto big = map_network(test::layered({300, 10}, 8), find_chip("truenorth"));
    CHECK(!big.fits); // 300 axons > 256
}
