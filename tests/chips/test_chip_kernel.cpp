// The chip run against the simulation kernel on the same description: barrier mode gives the kernel's
// spikes exactly for lif_int networks (1 and 2 kernel threads); the PAIBox counts through the description.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {

using train = std::vector<std::pair<std::int64_t, std::uint32_t>>;

chips::chip_network for_chip(const network_description& d) {
    static const auto models = neurons::builtin_models();
    return chips::lower_network(d, models, [](const population& p) -> std::optional<intlif::params> {
        if (p.model != "lif_int") return std::nullopt;
        return neurons::lower_int_lif(with_defaults(models.find("lif_int")->params(), p.params));
    });
}

std::map<std::string, train> kernel_spikes(const network_description& d, unsigned threads) {
    simulation sim(d, neurons::builtin_models(), threads);
    sim.run(d.sim.duration_ms);
    std::map<std::string, train> out;
    for (const auto& r : sim.spikes()) {
        auto& t = out[r.population];
        for (std::size_t k = 0; k < r.steps.size(); ++k) t.emplace_back(r.steps[k], r.node_ids[k]);
        std::sort(t.begin(), t.end());
    }
    return out;
}

std::map<std::string, train> chip_spikes(const chips::chip_result& r) {
    std::map<std::string, train> out;
    for (const auto& s : r.spikes) {
        auto& t = out[s.population];
        for (std::size_t k = 0; k < s.steps.size(); ++k) t.emplace_back(s.steps[k], s.node_ids[k]);
        std::sort(t.begin(), t.end());
    }
    return out;
}

void check_same(const std::map<std::string, train>& kernel, const std::map<std::string, train>& chip) {
    for (const auto& [pop, want] : kernel) {
        INFO("population " << pop);
        REQUIRE(chip.count(pop));
        const auto& got = chip.at(pop);
        CHECK(got.size() == want.size());
        const auto diff = std::mismatch(want.begin(), want.end(), got.begin(), got.end());
        if (diff.first != want.end() && diff.second != got.end())
            FAIL_CHECK("first difference: kernel step "
                       << diff.first->first << " neuron " << diff.first->second << ", chip step "
                       << diff.second->first << " neuron " << diff.second->second);
    }
}

} // namespace

TEST_CASE("barrier mode gives the kernel's spikes exactly (examples/chips/lif_int_layers.json)") {
    const auto d =
        load_config(SPIKEKIT_SOURCE_DIR "/examples/chips/lif_int_layers.json", neurons::builtin_models());
    const auto net = for_chip(d);
    const auto one = kernel_spikes(d, 1), two = kernel_spikes(d, 2);
    REQUIRE(one.at("hidden").size() > 100);
    CHECK(one == two);
    for (const std::string name : {"paicore", "loihi"}) {
        INFO(name);
        const auto chip = chips::find_chip(name);
        const auto p = chips::map_network(net, chip);
        REQUIRE(p.fits);
        check_same(one, chip_spikes(chips::run_on_chip(net, chip, p, {})));
    }
}

TEST_CASE("per-neuron bias and threshold: barrier mode still gives the kernel's spikes (1 and 2 threads)") {
    auto d =
        load_config(SPIKEKIT_SOURCE_DIR "/examples/chips/lif_int_layers.json", neurons::builtin_models());
    const auto uniform = kernel_spikes(d, 1);
    for (auto& p : d.populations) {
        if (p.model != "lif_int") continue;
        value_spec bias, threshold;
        bias.type = threshold.type = value_spec::kind::list;
        for (std::uint32_t i = 0; i < p.size; ++i) {
            bias.values.push_back(static_cast<double>(i % 4) - 1.0);             // -1 .. 2
            threshold.values.push_back(p.params.at("threshold") - 8.0 + i % 17); // around the layer's
        }
        p.params.erase("bias");
        p.params.erase("threshold");
        p.per_neuron["bias"] = bias;
        p.per_neuron["threshold"] = threshold;
    }
    validate(d, neurons::builtin_models());
    const auto net = for_chip(d);
    CHECK(net.pops[1].threshold[1] != net.pops[1].threshold[0]); // the chip holds each neuron's values
    CHECK(net.pops[1].bias[0] == -1);
    const auto one = kernel_spikes(d, 1), two = kernel_spikes(d, 2);
    REQUIRE(one.at("hidden").size() > 100);
    CHECK(one != uniform); // the per-neuron values change the spikes, so the comparison can fail
    CHECK(one == two);
    for (const std::string name : {"paicore", "loihi"}) {
        INFO(name);
        const auto chip = chips::find_chip(name);
        const auto p = chips::map_network(net, chip);
        REQUIRE(p.fits);
        check_same(one, chip_spikes(chips::run_on_chip(net, chip, p, {})));
    }
    // a chip holds only bias and threshold per neuron
    value_spec leak;
    leak.type = value_spec::kind::list;
    leak.values.assign(120, 2.0);
    leak.values[5] = 4.0;
    d.populations[1].params.erase("leak_shift");
    d.populations[1].per_neuron["leak_shift"] = leak;
    CHECK_THROWS_WITH_AS(
        for_chip(d), doctest::Contains("populations[1].params.leak_shift: varies from neuron"), input_error);
}
