// PAIBox 1.2.2 core counts (issue #13) for fully connected lif_int networks with weights of the stated width.
#include <doctest/doctest.h>

#include "chip_nets.hpp"
#include "spikekit/chips/mapping.hpp"

using namespace spikekit;
using namespace spikekit::chips;

namespace {
placement map_pai(const std::vector<std::uint32_t>& sizes, unsigned bits) {
    return map_network(test::layered(sizes, bits), find_chip("paicore"));
}
} // namespace

TEST_CASE("weight widths follow PAIBox's ranges") {
    const std::vector<unsigned> w{1, 2, 4, 8};
    CHECK(weight_width(0, 1, w) == 1u);
    CHECK(weight_width(-1, 1, w) == 2u);
    CHECK(weight_width(-2, 1, w) == 2u);
    CHECK(weight_width(0, 2, w) == 4u);
    CHECK(weight_width(-8, 7, w) == 4u);
    CHECK(weight_width(-9, 7, w) == 8u);
    CHECK(weight_width(-128, 127, w) == 8u);
    CHECK(!weight_width(0, 128, w));
}

TEST_CASE("784-500-10 on paicore: 9 / 5 / 3 / 2 cores at 8 / 4 / 2 / 1 bits") {
    const auto p8 = map_pai({784, 500, 10}, 8);
    REQUIRE(p8.fits);
    CHECK(p8.cores_required == 9);
    REQUIRE(p8.layers.size() == 2);
    CHECK(p8.layers[0].neurons_per_core == std::vector<std::uint32_t>{63, 63, 63, 63, 63, 63, 63, 59});
    CHECK(p8.layers[0].weight_bits == 8);
    CHECK(p8.layers[0].lcn == 0);
    CHECK(p8.layers[0].n_axon == 784);
    CHECK(p8.layers[1].cores == 1);
    CHECK(p8.cores_occupied == 9);
    CHECK(map_pai({784, 500, 10}, 4).cores_required == 5);
    CHECK(map_pai({784, 500, 10}, 2).cores_required == 3);
    const auto p1 = map_pai({784, 500, 10}, 1);
    CHECK(p1.cores_required == 2);
    CHECK(p1.layers[0].weight_bits == 1);
}

TEST_CASE("2000-1000-10, 1153-512 and 784-100-10 on paicore") {
    const auto a = map_pai({2000, 1000, 10}, 8);
    CHECK(a.cores_required == 33);
    CHECK(a.layers[0].lcn == 1); // LCN 2x
    CHECK(a.layers[0].cores == 32);
    CHECK(a.layers[0].neurons_per_core.front() == 32);
    CHECK(map_pai({2000, 1000, 10}, 1).cores_required == 5);
    const auto b = map_pai({1153, 512}, 8);
    CHECK(b.cores_required == 16);
    CHECK(b.layers[0].lcn == 1);
    CHECK(map_pai({1152, 512}, 8).layers[0].lcn == 0);
    CHECK(map_pai({784, 100, 10}, 8).cores_required == 3);
}

TEST_CASE("routing groups are powers of two, aligned, and keep clear of the online cores") {
    const auto p = map_pai({784, 100, 300, 10}, 8); // 2, 5 (-> 8), 1 cores
    REQUIRE(p.fits);
    CHECK(p.cores_required == 8);
    CHECK(p.cores_occupied == 11); // 2 + 8 + 1
    CHECK(p.layers[1].routing_group == 8);
    const auto pai = find_chip("paicore");
    for (const auto& b : p.blocks) {
        const auto x = b.core % 32, y = b.core / 32;
        CHECK(!(x >= 28 && y >= 28));
    }
    // a 1008-core network would need the online block: refused, naming the population and the shortfall
    const auto big = map_pai({1, 1009 * 64}, 8);
    CHECK(!big.fits);
    REQUIRE(big.problem);
    CHECK(big.problem->population == "l1");
    CHECK(big.problem->resource == "cores");
}

TEST_CASE("successors of one source share the largest LCN") {
    // in (2000) -> a (10); a -> b (10); a and in -> c (10): b alone would be LCN 1x (10 axons), c is 2x
    // (2010 axons), and both follow a, so b takes 2x too
    auto net = test::layered({2000, 10, 10, 10}, 8);
    net.projs.pop_back(); // drop b -> c
    test::connect_all(net, 1, 3, 8);
    test::connect_all(net, 0, 3, 8);
    const auto p = map_network(net, find_chip("paicore"));
    REQUIRE(p.fits);
    CHECK(p.layers[0].lcn == 1);
    CHECK(p.layers[1].n_axon == 10);
    CHECK(p.layers[1].lcn == 1);
    CHECK(p.layers[2].n_axon == 2010);
    CHECK(p.layers[2].lcn == 1);
    auto alone = test::layered({2000, 10, 10}, 8);
    CHECK(map_network(alone, find_chip("paicore")).layers[1].lcn == 0);
}

TEST_CASE("refusals name the population, the resource and by how much") {
    const auto p = map_pai({73729, 10}, 1);
    REQUIRE(!p.fits);
    CHECK(p.problem->population == "l1");
    CHECK(p.problem->resource == "axons");
    CHECK(p.problem->message == "population 'l1': 73,729 axons > 73,728 at LCN 64x (short by 1)");
    CHECK(map_pai({73728, 10}, 1).fits);
    // LCN 64x with 8-bit weights: 512 >> 9 = 1 neuron per core
    const auto q = map_pai({70000, 2}, 8);
    REQUIRE(q.fits);
    CHECK(q.layers[0].lcn == 6);
    CHECK(q.layers[0].neurons_per_core == std::vector<std::uint32_t>{1, 1});
    // forced width too small for the weights
    map_options o;
    o.weight_bits = 2;
    const auto r = map_network(test::layered({10, 10}, 4), find_chip("paicore"), o);
    REQUIRE(!r.fits);
    CHECK(r.problem->message == "population 'l1': weights in [-8, 7] need 4 bits, --weight-bits gives 2");
    o.weight_bits = 8;
    CHECK(map_network(test::layered({10, 10}, 4), find_chip("paicore"), o).layers[0].weight_bits == 8);
    // non-integer weights
    auto net = test::layered({4, 4}, 8);
    net.projs[0].non_integer = 3;
    CHECK(map_network(net, find_chip("paicore")).problem->resource == "integer weights");
    // delays beyond the timeslots: LCN 2x x delay 129 > 256
    auto d = test::layered({2000, 4}, 1);
    d.projs[0].delay_steps.assign(d.projs[0].delay_steps.size(), 129);
    CHECK(map_network(d, find_chip("paicore")).problem->resource == "timeslots");
}
