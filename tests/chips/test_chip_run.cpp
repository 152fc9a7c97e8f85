// The chip run: counts, barrier-mode exactness against a plain reference loop, GALS slips, refusals.
#include <doctest/doctest.h>

#include <map>

#include "chip_nets.hpp"
#include "spikekit/chips/figures.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/core/error.hpp"

using namespace spikekit;
using namespace spikekit::chips;

namespace {

// `groups` populations of `size` neurons, each biased to fire every step; every neuron sends to `dests`
// other populations, `targets` random neurons in each (the SANA-FE-style network of issue #13, scaled).
chip_network always_firing(std::uint32_t groups, std::uint32_t size, std::uint32_t dests,
                           std::uint32_t targets) {
    chip_network net = test::layered({1}, 1);
    net.pops.clear();
    for (std::uint32_t g = 0; g < groups; ++g) {
        chip_population p;
        p.name = "g" + std::to_string(g);
        p.model = "lif_int";
        p.size = size;
        p.gid0 = std::uint64_t{g} * size;
        p.prm = intlif::params{};
        p.prm->threshold = 1;
        p.bias.assign(size, 1);
        p.threshold.assign(size, 1);
        p.v0.assign(size, 0);
        net.pops.push_back(p);
    }
    rng::stream r(3, 0, 0);
    for (std::uint32_t a = 0; a < groups; ++a)
        for (std::uint32_t k = 1; k <= dests; ++k) {
            chip_projection pr;
            pr.name = "p" + std::to_string(a) + "_" + std::to_string(k);
            pr.src = a;
            pr.tgt = (a + k) % groups;
            for (std::uint32_t s = 0; s < size; ++s)
                for (std::uint32_t t = 0; t < targets; ++t) {
                    pr.source.push_back(s);
                    pr.target.push_back(static_cast<std::uint32_t>(r.uniform() * size));
                    pr.weight.push_back(1);
                    pr.delay_steps.push_back(1);
                }
            net.projs.push_back(pr);
        }
    return net;
}

// The reference: every population stepped in order, synapses delivered by delay, no chip at all.
std::map<std::string, std::vector<std::pair<std::int64_t, std::uint32_t>>> reference(const chip_network& net,
                                                                                     std::int64_t steps) {
    const auto n = net.neurons();
    std::vector<std::vector<std::int64_t>> ring(64, std::vector<std::int64_t>(n, 0));
    std::vector<std::int32_t> v(n, 0);
    std::vector<std::uint16_t> ref(n, 0);
    std::map<std::string, std::vector<std::pair<std::int64_t, std::uint32_t>>> out;
    for (std::int64_t s = 0; s < steps; ++s) {
        auto& in = ring[static_cast<std::size_t>(s % 64)];
        std::vector<std::uint64_t> fired;
        for (const auto& p : net.pops)
            for (std::uint32_t i = 0; i < p.size; ++i) {
                const auto g = p.gid0 + i;
                bool spike = false;
                if (p.input) {
                    for (auto t : p.spike_steps[i]) spike = spike || t == s;
                } else {
                    spike = intlif::step(v[g], ref[g], static_cast<std::int32_t>(in[g]), *p.prm, p.bias[i],
                                         p.threshold[i]);
                    if (spike) out[p.name].emplace_back(s, i);
                }
                in[g] = 0;
                if (spike) fired.push_back(g);
            }
        for (const auto& pr : net.projs)
            for (std::size_t k = 0; k < pr.source.size(); ++k)
                for (auto g : fired)
                    if (g == net.pops[pr.src].gid0 + pr.source[k])
                        ring[static_cast<std::size_t>((s + pr.delay_steps[k]) % 64)]
                            [net.pops[pr.tgt].gid0 + pr.target[k]] += pr.weight[k];
    }
    return out;
}

std::map<std::string, std::vector<std::pair<std::int64_t, std::uint32_t>>> spikes_of(const chip_result& r) {
    std::map<std::string, std::vector<std::pair<std::int64_t, std::uint32_t>>> out;
    for (const auto& s : r.spikes)
        for (std::size_t k = 0; k < s.steps.size(); ++k)
            out[s.population].emplace_back(s.steps[k], s.node_ids[k]);
    for (auto& [k, v] : out) std::sort(v.begin(), v.end());
    return out;
}

// A random layered network driven by random input spikes, with a leak and varied delays.
chip_network driven(std::uint64_t seed) {
    auto net = test::layered({40, 30, 20}, 4, seed);
    rng::stream r(seed, 99, 0);
    for (auto& st : net.pops[0].spike_steps)
        for (std::int64_t s = 0; s < 40; ++s)
            if (r.uniform() < 0.3) st.push_back(s);
    for (auto& p : net.pops)
        if (p.prm) {
            p.prm->leak = intlif::leak_mode::shift;
            p.prm->leak_shift = 3;
            p.prm->threshold = 20;
            p.threshold.assign(p.size, 20);
            for (std::uint32_t i = 0; i < p.size; ++i)
                p.bias[i] = static_cast<std::int32_t>(i % 3); // per-neuron bias
        }
    for (auto& pr : net.projs)
        for (auto& d : pr.delay_steps) d = 1 + static_cast<std::uint32_t>(r.uniform() * 3);
    net.steps = 40;
    return net;
}

} // namespace

TEST_CASE("counts of the always-firing network on loihi") {
    const auto net = always_firing(4, 8, 2, 3);
    const auto chip = find_chip("loihi");
    const auto p = map_network(net, chip);
    REQUIRE(p.fits);
    CHECK(p.cores_required == 4);
    run_options o;
    o.steps = 5;
    const auto r = run_on_chip(net, chip, p, o).report;
    CHECK(r.spikes == 32 * 5);
    CHECK(r.synaptic_events == 32 * 6 * 5); // a step's spikes reach their synapses within the step
    CHECK(r.messages == 32 * 2 * 5);
    CHECK(r.cores_used == 4);
    CHECK(r.hops == 0); // four cores of one tile talk through its crossbar
    CHECK(r.energy_by_kind.at("synaptic_op") ==
          doctest::Approx(static_cast<double>(r.synaptic_events) * 35.5e-12));
    CHECK(r.energy_by_kind.at("message_out") == doctest::Approx(static_cast<double>(r.messages) * 111e-12));
    double sum = 0;
    for (const auto& [k, e] : r.energy_by_kind) sum += e;
    CHECK(r.energy_j == doctest::Approx(sum));
    CHECK(r.latency_mean_s > 0.6e-6); // at least the barrier of one tile
    CHECK(r.late_spikes == 0);
}

TEST_CASE("barrier mode gives the reference spikes exactly, on every preset") {
    const auto net = driven(11);
    const auto want = reference(net, net.steps);
    REQUIRE(want.count("l1"));
    for (const std::string name : {"paicore", "loihi", "truenorth", "spinnaker"}) {
        INFO(name);
        const auto chip = find_chip(name);
        const auto p = map_network(net, chip);
        REQUIRE(p.fits);
        const auto got = run_on_chip(net, chip, p, {});
        const auto have = spikes_of(got);
        CHECK(have.size() == want.size());
        for (const auto& [k, v] : want) {
            INFO(k);
            REQUIRE(have.count(k));
            CHECK(have.at(k).size() == v.size());
            for (std::size_t i = 0; i < std::min(v.size(), have.at(k).size()); ++i)
                if (have.at(k)[i] != v[i]) {
                    INFO(i << ": step " << v[i].first << " neuron " << v[i].second << " vs step "
                           << have.at(k)[i].first << " neuron " << have.at(k)[i].second);
                    CHECK(false);
                    break;
                }
        }
        CHECK(got.report.late_spikes == 0);
    }
}

TEST_CASE("GALS: slow clocks slip nothing, fast clocks slip spikes one step and count them") {
    const auto net = always_firing(4, 8, 2, 3);
    const auto chip = find_chip("loihi");
    const auto p = map_network(net, chip);
    run_options o;
    o.steps = 6;
    o.gals = true;
    CHECK_THROWS_WITH_AS(run_on_chip(net, chip, p, o), doctest::Contains("--gals needs a step period"),
                         input_error);
    o.step_period_s = 1e-3; // far longer than a step's work
    o.skew_ppm = 100;
    const auto slow = run_on_chip(net, chip, p, o);
    CHECK(slow.report.late_spikes == 0);
    run_options barrier;
    barrier.steps = 6;
    CHECK(spikes_of(slow) == spikes_of(run_on_chip(net, chip, p, barrier)));
    // a step period shorter than one packet's synaptic work: every delivery ends after its step began
    o.step_period_s = 1e-8;
    o.jitter_s = 5e-9;
    const auto fast = run_on_chip(net, chip, p, o);
    CHECK(fast.report.late_spikes > 0);
    CHECK(fast.report.late_spikes <= fast.report.messages);
    // slipped input arrives a step later: the always-firing network still fires every step (bias alone)
    CHECK(fast.report.spikes == slow.report.spikes);
}

TEST_CASE("runs that cannot happen are refused with the reason") {
    auto net = driven(3);
    net.pops[1].prm.reset();
    net.pops[1].model = "lif";
    const auto chip = find_chip("loihi");
    const auto p = map_network(net, chip);
    CHECK_THROWS_WITH_AS(run_on_chip(net, chip, p, {}), doctest::Contains("population 'l1' uses model 'lif'"),
                         input_error);
    auto q = driven(3);
    q.unsupported.push_back("inputs[0] 'noise': Poisson inputs are not modelled on chips");
    CHECK_THROWS_WITH_AS(run_on_chip(q, chip, map_network(q, chip), {}), doctest::Contains("Poisson inputs"),
                         input_error);
    const auto big = test::layered({5000, 10}, 1);
    CHECK_THROWS_WITH_AS(run_on_chip(big, chip, map_network(big, chip), {}),
                         doctest::Contains("does not fit the chip"), input_error);
}

TEST_CASE("the chip picture: cores on the grid coloured by load, links by packets, colour bars, a title") {
    const auto net = always_firing(16, 64, 4, 4); // 16 cores on 4 tiles of loihi
    const auto chip = find_chip("loihi");
    run_options o;
    o.steps = 3;
    const auto r = run_on_chip(net, chip, map_network(net, chip), o).report;
    const auto fig = chip_figure(chip, r, "sanafe16");
    CHECK(fig.title.find("loihi") != std::string::npos);
    CHECK(fig.title.find("sanafe16") != std::string::npos);
    REQUIRE(fig.panels().size() == 2);
    const auto& load = fig.panels()[0];
    REQUIRE(load.scale());
    CHECK(load.x.label == "core x");
    CHECK(*load.x.max == 32);
    CHECK(*load.y.max == 4);
    // one square per core (all 128 grey first, then the 16 used ones in colour), the busiest at the top of
    // the map
    std::size_t rects = 0, hottest = 0;
    for (const auto& s : load.all())
        if (s.k == io::panel::kind::rect) {
            ++rects;
            hottest += s.c == io::colour_map(1.0);
        }
    CHECK(rects == 128 + 16);
    CHECK(hottest >= 1);
    const auto& links = fig.panels()[1];
    REQUIRE(links.scale());
    std::uint64_t most = 0;
    for (auto n : r.link_packets) most = std::max(most, n);
    CHECK(most > 0);
    CHECK(links.scale()->hi == static_cast<double>(most));
    const auto img = fig.render();
    CHECK(img.width == 1100);
    CHECK(img.rgb.size() == std::size_t{img.width} * img.height * 3);

    const auto lat = latency_figure(r, "sanafe16");
    REQUIRE(lat.panels().size() == 1);
    const auto& p = lat.panels()[0];
    CHECK(p.y.label == "latency (us)");
    REQUIRE(p.all().size() == 3);
    CHECK(p.all()[0].ys.size() == 3); // one point per step
    CHECK(p.all()[1].label.find("mean") == 0);
    CHECK(p.all()[2].ys[0] == doctest::Approx(r.latency_max_s * 1e6));
}

TEST_CASE("bounded link buffers: packets wait for room (stalls), spikes unchanged, queues within the depth") {
    // 16 cores of 64 always-firing neurons on 4 tiles: every step 4,096 packets share the tiles' links,
    // slow ones here (10 M packets/s) so that the network, not the synapse units, sets the pace
    const auto net = always_firing(16, 64, 4, 4);
    auto chip = find_chip("loihi");
    chip.noc.link_bandwidth_pps = 1e7;
    const auto p = map_network(net, chip);
    REQUIRE(p.fits);
    run_options o;
    o.steps = 4;
    o.link_buffer_depth = 0; // unbounded
    const auto free_run = run_on_chip(net, chip, p, o);
    CHECK(free_run.report.link_buffer_depth == 0);
    CHECK(free_run.report.stalls == 0);
    CHECK(free_run.report.max_queue == 0);
    o.link_buffer_depth = 1;
    const auto tight = run_on_chip(net, chip, p, o);
    CHECK(tight.report.link_buffer_depth == 1);
    CHECK(tight.report.stalls > 0);
    CHECK(tight.report.max_queue == 1);
    std::uint64_t stalls = 0, packets = 0;
    for (const auto& l : tight.report.links) {
        stalls += l.stalls;
        packets += l.packets;
        CHECK(l.max_queue <= 1);
        CHECK(l.stalls <= l.packets);
    }
    CHECK(stalls == tight.report.stalls);
    std::uint64_t free_packets = 0;
    for (const auto& l : free_run.report.links) free_packets += l.packets;
    CHECK(packets == free_packets); // the same packets cross the same links
    // waiting upstream holds the upstream link: steps take no less time, the spikes stay the kernel's
    CHECK(tight.report.latency_mean_s >= free_run.report.latency_mean_s);
    CHECK(spikes_of(tight) == spikes_of(free_run));
    o.link_buffer_depth = 100000; // deeper than any queue: the same timing as unbounded, queues measured
    const auto deep = run_on_chip(net, chip, p, o);
    CHECK(deep.report.stalls == 0);
    CHECK(deep.report.max_queue > 1);
    CHECK(deep.report.latency_mean_s == free_run.report.latency_mean_s);
    // the preset's depth (16, SANA-FE's arch/loihi.yaml) applies when no option overrides it
    o.link_buffer_depth.reset();
    CHECK(run_on_chip(net, chip, p, o).report.link_buffer_depth == 16);
}

TEST_CASE("GALS: a late packet's input reaches its target exactly one step later") {
    // in -> l1 -> l2, one neuron each, every weight the threshold: a spike passes one layer per step
    auto net = test::layered({1, 1, 1}, 8);
    for (auto& pr : net.projs) pr.weight.assign(pr.weight.size(), 64);
    for (auto& p : net.pops)
        if (!p.input) p.threshold.assign(p.size, 64);
    net.pops[0].spike_steps = {{2}};
    const auto chip = find_chip("loihi");
    const auto p = map_network(net, chip);
    REQUIRE(p.fits);
    run_options o;
    o.steps = 8;
    const auto barrier = spikes_of(run_on_chip(net, chip, p, o));
    REQUIRE(barrier.at("l1").size() == 1);
    REQUIRE(barrier.at("l2").size() == 1);
    CHECK(barrier.at("l2")[0].first == barrier.at("l1")[0].first + 1);
    o.gals = true;
    o.step_period_s = 1e-3; // slow clocks: nothing slips
    const auto slow = run_on_chip(net, chip, p, o);
    CHECK(slow.report.late_spikes == 0);
    CHECK(spikes_of(slow) == barrier);
    o.step_period_s = 1e-9; // a step far shorter than one packet's work: both deliveries slip one step
    const auto fast = run_on_chip(net, chip, p, o);
    CHECK(fast.report.late_spikes == 2);
    const auto got = spikes_of(fast);
    REQUIRE(got.at("l1").size() == 1);
    REQUIRE(got.at("l2").size() == 1);
    CHECK(got.at("l1")[0].first == barrier.at("l1")[0].first + 1);
    CHECK(got.at("l2")[0].first == barrier.at("l2")[0].first + 2);
}
