// The runtime's engine in-process against the simulation kernel: networks lowered by the MCU exporter
// (sparse, dense and conv2d projections, random delays, leak modes, refractoriness, initial membranes given
// and drawn, per-neuron bias and threshold)
// spike exactly as `spikekit run` does; reset() replays identically; late and bad input events.
#include <doctest/doctest.h>

#include <random>
#include <sstream>

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
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
    std::vector<rt::stdp_desc> stdp;
    rt::model_desc desc{};
    explicit host_model(const ex::mcu_model& m) {
        for (const auto& p : m.pops)
            pops.push_back({p.first, p.size, p.params, p.v_init.empty() ? nullptr : p.v_init.data(),
                            p.v_init_all, p.bias.empty() ? nullptr : p.bias.data(),
                            p.threshold.empty() ? nullptr : p.threshold.data(), p.acc0, p.slots, p.fast32,
                            p.still_lo, p.still_hi});
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
        for (const auto& p : m.stdp)
            stdp.push_back({p.rule,
                            p.rng_key,
                            p.decay_steps,
                            p.src0,
                            p.n_src,
                            p.tgt0,
                            p.n_tgt,
                            p.tgt_pop,
                            static_cast<std::uint32_t>(p.w_init.size()),
                            p.slots(),
                            p.max_delay,
                            p.w_init.data(),
                            p.target.data(),
                            p.src_slot.data(),
                            p.slot_start.data(),
                            p.slot_delay.data(),
                            p.in_start.data(),
                            p.in_syn.data(),
                            p.in_slot.data(),
                            p.w0,
                            p.pre0,
                            p.post0,
                            p.hist0});
        desc = {m.n_inputs,
                m.n_neurons,
                m.acc_size,
                pops.data(),
                static_cast<std::uint32_t>(pops.size()),
                projs.data(),
                static_cast<std::uint32_t>(projs.size()),
                stdp.data(),
                static_cast<std::uint32_t>(stdp.size()),
                stdp.empty() ? nullptr : rt::stdp_learn};
    }
};

struct state {
    std::vector<std::int32_t> v, acc, last_pre, last_post;
    std::vector<std::uint16_t> ref;
    std::vector<std::uint32_t> fired, history;
    std::vector<rt::weight_t> w;
    std::vector<rt::input_event> queue;
    state(std::uint32_t n_inputs, std::uint32_t n_neurons, std::uint32_t acc_size,
          std::uint32_t queue_capacity)
        : v(n_neurons), acc(acc_size), ref(n_neurons), fired(rt::bitmap_words(n_inputs, n_neurons)),
          queue(queue_capacity) {}
    explicit state(const ex::mcu_model& m) : state(m.n_inputs, m.n_neurons, m.acc_size, m.queue_capacity) {
        w.resize(m.stdp_weights);
        last_pre.resize(m.stdp_slots);
        last_post.resize(m.stdp_posts);
        history.resize(m.stdp_history);
    }
    rt::state_ref ref_() {
        return {v.data(), ref.data(),      acc.data(),       fired.data(),
                w.data(), last_pre.data(), last_post.data(), history.data()};
    }
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
   "reset_value": -4, "v_floor": -20, "v_bits": 32}, "initial": {"V_m": 10}}
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
        // 32-bit step where the range analysis allows it (v_bits 16, 12), the 64-bit one for v_bits 32
        CHECK(m.pops[0].fast32);
        CHECK(m.pops[1].fast32);
        CHECK_FALSE(m.pops[2].fast32);
        CHECK(m.pops[0].still_lo > m.pops[0].still_hi); // per-neuron biases move every membrane: no skip
        CHECK(m.pops[0].bias.size() == 32);              // per-neuron tables where the values vary
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
    rt::population_desc pop{0, 4, {}, nullptr, 0, nullptr, nullptr, 0, 2, false, 1, 0};
    rt::projection_desc bad{};
    bad.kind = rt::projection_kind::dense;
    bad.delay = 5; // > the target's slots
    bad.n_src = 1;
    bad.n_tgt = 4;
    const rt::model_desc m{1, 4, 8, &pop, 1, &bad, 1, nullptr, 0, nullptr};
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
    const rt::model_desc m{0, 3, 6, &pop, 1, nullptr, 0, nullptr, 0, nullptr};
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

namespace {
// Inputs into 12 lif_int neurons through a stdp_int projection with random delays (stochastic rounding,
// decay) and a recurrent signed stdp_int projection; a static readout.
std::string plastic_network(unsigned seed) {
    std::mt19937 g(seed);
    std::ostringstream o;
    o << R"({"name": "plastic", "simulation": {"dt": 1.0, "duration": 200, "seed": )" << seed << R"(},
 "populations": [
  {"name": "in", "size": 20, "model": "spike_source", "spike_times": )"
      << spike_times(g, 20, 195, 0.12) << R"(},
  {"name": "n", "size": 12, "model": "lif_int", "params": {"threshold": 300, "leak_mode": 2, "leak_shift": 3,
   "refractory": 1}},
  {"name": "out", "size": 3, "model": "lif_int", "params": {"threshold": 40}}
 ],
 "projections": [
  {"name": "ff", "source": "in", "target": "n", "receptor": "exc", "connectivity": {"rule": "fixed_indegree", "n": 10},
   "weight": )"
      << values(g, 120, 20, 120) << R"(, "delay": {"uniform": {"low": 1, "high": 4}},
   "plasticity": {"rule": "stdp_int", "params": {"A_plus": 6, "A_minus": 7, "tau_plus": 8, "tau_minus": 8,
    "lut_len": 40, "frac_bits": 6, "w_min": 0, "w_max": 200, "decay": 1, "decay_interval": 25}}},
  {"name": "rec", "source": "n", "target": "n", "receptor": "exc", "connectivity": {"rule": "fixed_indegree", "n": 4},
   "weight": )"
      << values(g, 48, -60, 60) << R"(, "delay": 2,
   "plasticity": {"rule": "stdp_int", "params": {"signed": 1, "w_min": -100, "w_max": 100, "A_plus": 3.5,
    "A_minus": 4, "lut_len": 20, "frac_bits": 4}}},
  {"name": "readout", "source": "n", "target": "out", "receptor": "exc", "connectivity": {"rule": "all_to_all"},
   "weight": 15, "delay": 1}
 ]})";
    return o.str();
}
} // namespace

TEST_CASE(
    "engine: on-device STDP gives the kernel's spikes and final weights (stdp_int, random delays, decay)") {
    const auto models = spikekit::neurons::builtin_models();
    for (unsigned seed : {1u, 2u, 3u}) {
        CAPTURE(seed);
        const auto d = spikekit::parse_config(plastic_network(seed), "plastic.json", models);
        const auto m = ex::lower_for_mcu(d, models);
        REQUIRE(m.stdp.size() == 2);
        CHECK(m.stdp[0].max_delay > 1);
        host_model hm(m);
        state s(m);
        rt::event_queue q(s.queue.data(), m.queue_capacity);
        rt::engine e(hm.desc, s.ref_(), q);
        REQUIRE(e.check() == rt::status::ok);
        std::vector<std::vector<std::int16_t>> want_w;
        const auto want = ex::kernel_spikes(d, models, m, &want_w);
        const auto got = run_engine(e, q, m);
        CHECK(want.size() > 30);
        CHECK(got == want);
        std::vector<std::vector<std::int16_t>> got_w;
        for (const auto& p : m.stdp)
            got_w.emplace_back(s.w.begin() + p.w0, s.w.begin() + p.w0 + static_cast<long>(p.w_init.size()));
        CHECK(ex::first_weight_difference(want_w, got_w, "engine", m) == "");
        CHECK(e.stats().weight_changes > 20);
        CHECK(got_w[0] != m.stdp[0].w_init); // learning happened
        CHECK(got_w[1] != m.stdp[1].w_init);
        // a changed weight is named
        auto bad = got_w;
        bad[1][3] = static_cast<std::int16_t>(bad[1][3] + 1);
        const auto diff = ex::first_weight_difference(want_w, bad, "engine", m);
        CHECK(diff.find("engine ends with weight") == 0);
        CHECK(diff.find("rec synapse 3 (source ") != std::string::npos);
        e.reset(); // weights back to their initial values, the same run again
        CHECK(std::equal(m.stdp[0].w_init.begin(), m.stdp[0].w_init.end(), s.w.begin()));
        CHECK(run_engine(e, q, m) == want);
    }
}

TEST_CASE("export --target mcu: plastic projections of other rules are refused, named") {
    const auto models = spikekit::neurons::builtin_models();
    const auto d = spikekit::parse_config(R"({"populations": [
      {"name": "in", "size": 2, "model": "spike_source", "spike_times": [[1], [2]]},
      {"name": "n", "size": 2, "model": "lif_int"}],
      "projections": [{"name": "learn", "source": "in", "target": "n", "receptor": "exc",
        "connectivity": {"rule": "all_to_all"}, "weight": 10,
        "plasticity": {"rule": "stdp_additive", "params": {"w_min": 0, "w_max": 20}}}]})",
                                          "float_rule.json", models);
    try {
        (void)ex::lower_for_mcu(d, models);
        FAIL("expected a refusal");
    } catch (const spikekit::input_error& e) {
        const std::string what = e.what();
        CHECK(what.find("projections[0] (learn).plasticity.rule") != std::string::npos);
        CHECK(what.find("stdp_int") != std::string::npos);
    }
}
