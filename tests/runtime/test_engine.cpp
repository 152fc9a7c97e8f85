// The runtime's engine in-process against the simulation kernel: networks lowered by the MCU exporter
// (sparse, dense and conv2d projections, random delays, leak modes, refractoriness, initial membranes given
// and drawn, per-neuron bias and threshold)
// spike exactly as `spikekit run` does; reset() replays identically; late and bad input events.
#include <doctest/doctest.h>

#include <random>
#include <sstream>

#include "spikekit/core/config.hpp"
#include "spikekit/exporter/mcu.hpp"
#include "spikekit/neurons/models.hpp"
#include "spikekit/runtime/engine.hpp"

namespace rt = spikekit::runtime;
namespace ex = spikekit::exporter;

namespace {

// The runtime descriptors over an in-memory lowered model (what the generated model.cpp holds in flash).
struct host_model {
    std::vector<rt::population_desc> pops;
    std::vector<rt::conv_geometry> convs;
    std::vector<rt::projection_desc> projs;
    rt::model_desc desc{};
    explicit host_model(const ex::mcu_model& m) {
        for (const auto& p : m.pops)
            pops.push_back({p.first, p.size, p.params, p.v_init.empty() ? nullptr : p.v_init.data(),
                            p.v_init_all, p.bias.empty() ? nullptr : p.bias.data(),
                            p.threshold.empty() ? nullptr : p.threshold.data(), p.acc0, p.slots});
        convs.reserve(m.projs.size());
        for (const auto& p : m.projs) {
            rt::projection_desc d{};
            d.kind = p.type == ex::mcu_projection::kind::dense    ? rt::projection_kind::dense
                     : p.type == ex::mcu_projection::kind::sparse ? rt::projection_kind::sparse
                                                                  : rt::projection_kind::conv2d;
            d.delay = static_cast<std::uint16_t>(p.delay);
            d.src0 = p.src0;
            d.n_src = p.n_src;
            d.tgt0 = p.tgt0;
            d.n_tgt = p.n_tgt;
            d.tgt_pop = p.tgt_pop;
            d.weight = p.weight.data();
            d.row_start = p.row_start.empty() ? nullptr : p.row_start.data();
            d.target = p.target.empty() ? nullptr : p.target.data();
            d.delays = p.delays.empty() ? nullptr : p.delays.data();
            if (d.kind == rt::projection_kind::conv2d) {
                const auto& g = p.conv;
                auto u16 = [](std::uint32_t x) { return static_cast<std::uint16_t>(x); };
                convs.push_back({u16(g.in_shape[0]), u16(g.in_shape[1]), u16(g.in_shape[2]),
                                 u16(g.out_channels), u16(g.out_h()), u16(g.out_w()), u16(g.kernel[0]),
                                 u16(g.kernel[1]), u16(g.groups), p.out_row.data(), p.out_col.data()});
                d.conv = &convs.back();
            }
            projs.push_back(d);
        }
        desc = {m.n_inputs,
                m.n_neurons,
                m.acc_size,
                pops.data(),
                static_cast<std::uint32_t>(pops.size()),
                projs.data(),
                static_cast<std::uint32_t>(projs.size())};
    }
};

struct state {
    std::vector<std::int32_t> v, acc;
    std::vector<std::uint16_t> ref;
    std::vector<std::uint32_t> fired;
    std::vector<rt::input_event> queue;
    state(std::uint32_t n_inputs, std::uint32_t n_neurons, std::uint32_t acc_size,
          std::uint32_t queue_capacity)
        : v(n_neurons), acc(acc_size), ref(n_neurons), fired(rt::bitmap_words(n_inputs, n_neurons)),
          queue(queue_capacity) {}
    explicit state(const ex::mcu_model& m) : state(m.n_inputs, m.n_neurons, m.acc_size, m.queue_capacity) {}
    rt::state_ref ref_() { return {v.data(), ref.data(), acc.data(), fired.data()}; }
};

void collect(void* ctx, std::uint32_t pop, std::uint32_t neuron, std::uint32_t step) {
    static_cast<std::vector<ex::spike>*>(ctx)->push_back({step, pop, neuron});
}

std::vector<ex::spike> run_engine(rt::engine& e, rt::event_queue& q, const ex::mcu_model& m) {
    std::vector<ex::spike> out;
    std::size_t next = 0;
    for (std::uint32_t t = 0; t < m.steps; ++t) {
        while (next < m.events.size() && m.events[next].first <= t) {
            REQUIRE(q.push({m.events[next].first, m.events[next].second}));
            ++next;
        }
        CHECK(e.step(collect, &out) == rt::status::ok);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string values(std::mt19937& g, std::size_t n, int lo, int hi) {
    std::uniform_int_distribution<int> d(lo, hi);
    std::ostringstream o;
    o << "{\"values\": [";
    for (std::size_t i = 0; i < n; ++i) o << (i ? ", " : "") << d(g);
    o << "]}";
    return o.str();
}

std::string spike_times(std::mt19937& g, std::size_t n, int duration, double rate) {
    std::bernoulli_distribution fire(rate);
    std::ostringstream o;
    o << "[";
    for (std::size_t i = 0; i < n; ++i) {
        o << (i ? ", " : "") << "[";
        bool first = true;
        for (int t = 1; t <= duration; ++t)
            if (fire(g)) o << (first ? "" : ", ") << t << (t % 7 == 0 ? ".4" : ""), first = false;
        o << "]";
    }
    return o.str() + "]";
}

// A network of every projection kind: 24 inputs as a 2x3x4 image, a conv2d layer, a recurrent sparse layer
// with random delays, a dense readout.
std::string network(unsigned seed) {
    std::mt19937 g(seed);
    std::ostringstream o;
    o << R"({"name": "mixed", "simulation": {"dt": 1.0, "duration": 120, "seed": )" << seed << R"(},
 "populations": [
  {"name": "in", "size": 24, "model": "spike_source", "spike_times": )"
      << spike_times(g, 24, 110, 0.15) << R"(},
  {"name": "conv", "size": 32, "model": "lif_int", "params": {"threshold": )"
      << values(g, 32, 30, 50) << R"(, "leak_mode": 2, "leak_shift": 2,
   "refractory": 1, "bias": )"
      << values(g, 32, -1, 2) << R"(}, "initial": {"V_m": )" << values(g, 32, -5, 30) << R"(}},
  {"name": "rec", "size": 30, "model": "lif_int", "params": {"threshold": 50, "leak_mode": 3, "leak_mul": 7,
   "leak_frac_bits": 3, "reset_mode": 1, "v_bits": 12, "bias": 1},
   "initial": {"V_m": {"uniform": {"low": -10, "high": 40}}}},
  {"name": "out", "size": 5, "model": "lif_int", "params": {"threshold": 60, "leak_mode": 1, "leak_value": 3,
   "reset_value": -4, "v_floor": -20}, "initial": {"V_m": 10}}
 ],
 "projections": [
  {"name": "in_conv", "source": "in", "target": "conv", "receptor": "exc",
   "connectivity": {"rule": "conv2d", "in_shape": [2, 3, 4], "out_channels": 4, "kernel": [2, 3], "padding": [1, 1],
   "stride": [1, 2]}, "weight": )"
      << values(g, 4 * 2 * 2 * 3, -10, 35) << R"(, "delay": 2},
  {"name": "conv_rec", "source": "conv", "target": "rec", "receptor": "exc",
   "connectivity": {"rule": "fixed_probability", "p": 0.3}, "weight": 21, "delay": {"uniform": {"low": 1, "high": 6}}},
  {"name": "rec_rec", "source": "rec", "target": "rec", "receptor": "inh",
   "connectivity": {"rule": "fixed_indegree", "n": 4}, "weight": -13, "delay": 3},
  {"name": "rec_out", "source": "rec", "target": "out", "receptor": "exc",
   "connectivity": {"rule": "all_to_all"}, "weight": )"
      << values(g, 150, -8, 20) << R"(, "delay": 1}
 ]})";
    return o.str();
}

} // namespace

TEST_CASE("engine: spikes identical to the kernel's on networks of every projection kind") {
    const auto models = spikekit::neurons::builtin_models();
    for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
        CAPTURE(seed);
        const auto d = spikekit::parse_config(network(seed), "mixed.json", models);
        const auto m = ex::lower_for_mcu(d, models);
        bool kinds[3] = {};
        for (const auto& p : m.projs) kinds[static_cast<int>(p.type)] = true;
        CHECK((kinds[0] && kinds[1] && kinds[2]));
        CHECK(m.pops[0].bias.size() == 32); // per-neuron tables where the values vary
        CHECK(m.pops[0].threshold.size() == 32);
        CHECK(m.pops[1].bias.empty());
        host_model hm(m);
        state s(m);
        rt::event_queue q(s.queue.data(), m.queue_capacity);
        rt::engine e(hm.desc, s.ref_(), q);
        REQUIRE(e.check() == rt::status::ok);
        const auto want = ex::kernel_spikes(d, models, m);
        const auto got = run_engine(e, q, m);
        CHECK(want.size() > 50);
        CHECK(got == want);
        e.reset(); // the same run again from the initial state
        CHECK(e.now() == 0);
        CHECK(run_engine(e, q, m) == want);
        CHECK(e.stats().neuron_updates == m.steps * m.n_neurons);
    }
}

TEST_CASE("engine: late events spike at once, bad channels are dropped and reported") {
    const auto models = spikekit::neurons::builtin_models();
    const auto d = spikekit::parse_config(R"({"simulation": {"dt": 1.0, "duration": 10},
      "populations": [{"name": "in", "size": 2, "model": "spike_source", "spike_times": [[], []]},
                      {"name": "n", "size": 1, "model": "lif_int", "params": {"threshold": 10}}],
      "projections": [{"source": "in", "target": "n", "receptor": "exc", "connectivity": {"rule": "all_to_all"},
                       "weight": 10, "delay": 1}]})",
                                          "late.json", models);
    const auto m = ex::lower_for_mcu(d, models);
    host_model hm(m);
    state s(m);
    rt::event_queue q(s.queue.data(), m.queue_capacity);
    rt::engine e(hm.desc, s.ref_(), q);
    std::vector<ex::spike> out;
    CHECK(e.step(collect, &out) == rt::status::ok);          // step 0
    CHECK(e.step(collect, &out) == rt::status::ok);          // step 1
    REQUIRE(q.push({0, 1}));                                 // late: meant for step 0
    REQUIRE(q.push({2, 7}));                                 // no such channel
    REQUIRE(q.push({5, 0}));                                 // future: stays queued
    CHECK(e.step(collect, &out) == rt::status::bad_channel); // step 2: the late spike is delivered now
    CHECK(e.stats().late_events == 1);
    CHECK(e.stats().dropped_events == 1);
    CHECK(q.size() == 1);
    for (int k = 0; k < 5; ++k) e.step(collect, &out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].step == 3); // input at 2, delay 1
    CHECK(out[1].step == 6); // input at 5, delay 1
}

TEST_CASE("engine: inconsistent descriptors are reported, not run") {
    rt::population_desc pop{0, 4, {}, nullptr, 0, nullptr, nullptr, 0, 2};
    rt::projection_desc bad{};
    bad.kind = rt::projection_kind::dense;
    bad.delay = 5; // >= the target's slots
    bad.n_src = 1;
    bad.n_tgt = 4;
    const rt::model_desc m{1, 4, 8, &pop, 1, &bad, 1};
    state s(1, 4, 8, 4);
    rt::event_queue q(s.queue.data(), 4);
    rt::engine e(m, s.ref_(), q);
    CHECK(e.check() == rt::status::bad_model);
}

TEST_CASE("engine: per-neuron bias and threshold override the population's") {
    // Three neurons without input: bias 5, 0 (population) and 10; thresholds 10 (population), 10 and 15.
    // Neuron 0 reaches 10 at step 1, neuron 1 never fires, neuron 2 reaches 20 >= 15 at step 1.
    rt::population_desc pop{};
    pop.size = 3;
    pop.params.threshold = 10;
    pop.slots = 2;
    const std::int32_t bias[3] = {5, 0, 10}, threshold[3] = {10, 10, 15};
    pop.bias = bias;
    pop.threshold = threshold;
    const rt::model_desc m{0, 3, 6, &pop, 1, nullptr, 0};
    state s(0, 3, 6, 1);
    rt::event_queue q(s.queue.data(), 1);
    rt::engine e(m, s.ref_(), q);
    std::vector<ex::spike> out;
    for (int k = 0; k < 4; ++k) e.step(collect, &out);
    const std::vector<ex::spike> want = {{1, 0, 0}, {1, 0, 2}, {3, 0, 0}, {3, 0, 2}};
    CHECK(out == want);
}

TEST_CASE("verify: program output is parsed and the first differing spike is named") {
    ex::mcu_model m;
    m.pops.resize(2);
    m.pops[0].name = "hidden";
    m.pops[1].name = "out";
    const auto run =
        ex::parse_run_output("spike 7 1 3\nspike 2 0 5\nsteps 10\nsynaptic_events 12\nneuron_updates 40\n"
                             "stack_bytes 300\n");
    CHECK(run.complete);
    CHECK(run.synaptic_events == 12);
    CHECK(run.stack_bytes == 300);
    const std::vector<ex::spike> want = {{2, 0, 5}, {7, 1, 3}};
    CHECK(run.spikes == want); // sorted
    CHECK(ex::first_difference(want, run.spikes, "host", m).empty());
    CHECK_FALSE(ex::parse_run_output("spike 1 0 0\n").complete); // a program that stopped early
    const std::vector<ex::spike> missing = {{2, 0, 5}};
    CHECK(ex::first_difference(want, missing, "the Cortex-M program", m) ==
          "the Cortex-M program misses the kernel's spike at step 7, out[3]");
    const std::vector<ex::spike> extra = {{2, 0, 4}, {2, 0, 5}, {7, 1, 3}};
    CHECK(ex::first_difference(want, extra, "host", m) ==
          "host has a spike the kernel does not have at step 2, hidden[4]");
}
