// On-chip learning on paicore's online cores: where the mapper puts a plastic projection's target, what it
// refuses (and why), and the chip run against the kernel: barrier mode gives the kernel's spikes and its
// learned weights bit for bit (1 and 2 kernel threads).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "chip_nets.hpp"
#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/learning/int_stdp.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;
using namespace spikekit::chips;

namespace {

// Projection k learns with stdp_int (8-bit signed weights in [lo, hi] unless `unsigned_bits`).
void make_plastic(chip_network& net, std::size_t k, std::uint8_t lut_len = 60, bool unsigned8 = false) {
    chip_plasticity pl;
    pl.rule = "stdp_int";
    pl.prm.weight_bits = 8;
    pl.prm.is_signed = !unsigned8;
    pl.prm.w_min = 0;
    pl.prm.w_max = unsigned8 ? 255 : 127;
    pl.prm.lut_len = lut_len;
    net.projs[k].plastic = pl;
}

bool on_online_core(std::uint32_t core) {
    const std::uint32_t x = core % 32, y = core / 32;
    return x >= 28 && y >= 28;
}

refusal refused(const chip_network& net, const std::string& chip = "paicore") {
    const auto p = map_network(net, find_chip(chip));
    REQUIRE(!p.fits);
    INFO(p.problem->message);
    return *p.problem;
}

chip_network for_chip(const network_description& d) {
    static const auto models = neurons::builtin_models();
    static const auto rules = learning::builtin_rules();
    return lower_network(
        d, models,
        [](const population& p) -> std::optional<intlif::params> {
            if (p.model != "lif_int") return std::nullopt;
            return neurons::lower_int_lif(p.params);
        },
        [&](const plasticity_spec& s, const std::string& where) -> std::optional<lowered_rule> {
            if (s.rule != "stdp_int") return std::nullopt;
            const auto p = validate_plasticity(rules, s, d.source_file, where);
            return lowered_rule{learning::lower_int_stdp(p, d.sim.dt_ms),
                                learning::int_stdp_decay_steps(p, d.sim.dt_ms)};
        });
}

using train = std::vector<std::pair<std::int64_t, std::uint32_t>>;

} // namespace

TEST_CASE("a plastic projection's target goes to the online cores, sized by the weight memory") {
    auto net = test::layered({100, 300, 10}, 8);
    make_plastic(net, 0);
    const auto p = map_network(net, find_chip("paicore"));
    REQUIRE(p.fits);
    REQUIRE(p.layers.size() == 2);
    // 1 Mbit of weights over 1024 axons at 8 bits: 128 neurons per core, 300 split 100/100/100
    CHECK(p.layers[0].core_type == "online");
    CHECK(p.layers[0].lcn == 0);
    CHECK(p.layers[0].weight_bits == 8);
    CHECK(p.layers[0].neurons_per_core == std::vector<std::uint32_t>{100, 100, 100});
    CHECK(p.layers[0].routing_group == 4);
    CHECK(p.layers[1].core_type == "offline");
    CHECK(p.cores_required == 4);
    CHECK(p.cores_occupied == 5);
    for (const auto& b : p.blocks) CHECK(on_online_core(b.core) == (b.pop == 1));

    auto one_bit = test::layered({100, 1000}, 1); // 1-bit weights: one online core holds 1024 neurons
    make_plastic(one_bit, 0);
    one_bit.projs[0].plastic->prm.weight_bits = 1;
    one_bit.projs[0].plastic->prm.is_signed = false;
    one_bit.projs[0].plastic->prm.w_max = 1;
    const auto q = map_network(one_bit, find_chip("paicore"));
    REQUIRE(q.fits);
    CHECK(q.layers[0].weight_bits == 1);
    CHECK(q.layers[0].cores == 1);
}

TEST_CASE("online cores refuse what does not fit them, naming the population, the resource and by how much") {
    SUBCASE("axons: no fan-in extension on online cores") {
        auto net = test::layered({1100, 50}, 8);
        make_plastic(net, 0);
        const auto r = refused(net);
        CHECK(r.population == "l1");
        CHECK(r.resource == "axons");
        CHECK(r.message == "population 'l1': 1,100 source neurons > 1,024 axons of an online core (no fan-in "
                           "extension there; short by 76)");
    }
    SUBCASE("the 16 online cores") {
        auto net = test::layered({100, 2100}, 8); // 17 cores of 128 neurons, a routing group of 32
        make_plastic(net, 0);
        const auto r = refused(net);
        CHECK(r.resource == "cores");
        CHECK(r.needed == 32);
        CHECK(r.available == 16);
        CHECK(r.message.find("16 online cores left") != std::string::npos);
    }
    SUBCASE("the learning LUT") {
        auto net = test::layered({100, 50}, 8);
        make_plastic(net, 0, 64);
        const auto r = refused(net);
        CHECK(r.resource == "learning LUT");
        CHECK(r.message ==
              "population 'l1': projection 'p0': the STDP table has 64 entries > 60 of the online "
              "cores' learning LUT (short by 4; set lut_len)");
    }
    SUBCASE("timeslots") {
        auto net = test::layered({100, 50}, 8);
        make_plastic(net, 0);
        net.projs[0].delay_steps[3] = 9;
        const auto r = refused(net);
        CHECK(r.resource == "timeslots");
        CHECK(r.needed == 9);
        CHECK(r.available == 8);
    }
    SUBCASE("weights the online cores cannot hold") {
        auto net = test::layered({100, 50}, 1);
        make_plastic(net, 0, 60, true); // unsigned 8-bit: [0, 255] fits no width
        const auto r = refused(net);
        CHECK(r.resource == "weight bits");
        CHECK(r.message.find("[0, 255]") != std::string::npos);
    }
    SUBCASE("chips without online cores") {
        auto net = test::layered({100, 50}, 8);
        make_plastic(net, 0);
        const auto r = refused(net, "loihi");
        CHECK(r.resource == "online cores");
        CHECK(r.message ==
              "population 'l1': projection 'p0' is plastic, and chip 'loihi' has no online (learning) "
              "cores: its cores only run inference with fixed weights");
    }
}

TEST_CASE("plastic rules other than stdp_int are refused by the mapper and the run") {
    auto d = load_config(SPIKEKIT_SOURCE_DIR "/examples/chips/online_stdp.json", neurons::builtin_models());
    d.projections[0].plasticity = plasticity_spec{"stdp_additive", {}};
    const auto net = for_chip(d);
    const auto p = map_network(net, find_chip("paicore"));
    REQUIRE(!p.fits);
    CHECK(p.problem->resource == "learning rule");
    CHECK(p.problem->message.find("stdp_int only") != std::string::npos);
    CHECK_THROWS_AS(run_on_chip(net, find_chip("paicore"), p, {}), input_error);
}

TEST_CASE("barrier mode learns the kernel's weights and gives its spikes exactly "
          "(examples/chips/online_stdp.json)") {
    const auto models = neurons::builtin_models();
    const auto rules = learning::builtin_rules();
    const auto d = load_config(SPIKEKIT_SOURCE_DIR "/examples/chips/online_stdp.json", models);
    const auto net = for_chip(d);
    const auto chip = find_chip("paicore");
    const auto p = map_network(net, chip);
    REQUIRE(p.fits);
    const auto res = run_on_chip(net, chip, p, {});
    CHECK(res.report.weight_updates > 1000);
    CHECK(std::count(res.report.unknowns.begin(), res.report.unknowns.end(), "energy_j.weight_update") == 1);
    REQUIRE(res.weights.size() == 1);
    const auto& learned = res.weights[0];
    // learning did something: weights moved away from the initial ones, and decay and both signs of the
    // window were exercised
    std::size_t changed = 0;
    for (std::size_t k = 0; k < learned.weight.size(); ++k)
        changed += learned.weight[k] !=
                   static_cast<float>(net.projs[0].weight[learned.source[k] * 40 + learned.target[k]]);
    CHECK(changed > learned.weight.size() / 2);

    std::map<std::string, train> chip_trains;
    for (const auto& s : res.spikes)
        for (std::size_t k = 0; k < s.steps.size(); ++k)
            chip_trains[s.population].emplace_back(s.steps[k], s.node_ids[k]);
    for (auto& [pop, t] : chip_trains) std::sort(t.begin(), t.end());
    for (const unsigned threads : {1u, 2u}) {
        INFO(threads << " kernel threads");
        simulation sim(d, models, threads, &rules);
        sim.run(d.sim.duration_ms);
        for (const auto& r : sim.spikes()) {
            INFO(r.population);
            train want;
            for (std::size_t k = 0; k < r.steps.size(); ++k) want.emplace_back(r.steps[k], r.node_ids[k]);
            std::sort(want.begin(), want.end());
            REQUIRE(want.size() > 50);
            CHECK(chip_trains.at(r.population) == want);
        }
        const auto kw = sim.plastic_weights();
        REQUIRE(kw.size() == 1);
        CHECK(kw[0].projection == learned.projection);
        CHECK(kw[0].source == learned.source);
        CHECK(kw[0].target == learned.target);
        CHECK(kw[0].delay_ms == learned.delay_ms);
        CHECK(kw[0].weight == learned.weight);
    }
}

TEST_CASE("a placement that puts a learning population on offline cores is refused") {
    const auto d =
        load_config(SPIKEKIT_SOURCE_DIR "/examples/chips/online_stdp.json", neurons::builtin_models());
    const auto net = for_chip(d);
    auto p = map_network(net, find_chip("paicore"));
    REQUIRE(p.fits);
    for (auto& b : p.blocks)
        if (net.pops[b.pop].name == "learner") b.core = 5;
    CHECK_THROWS_WITH_AS(run_on_chip(net, find_chip("paicore"), p, {}),
                         doctest::Contains("population 'learner' learns"), input_error);
}
