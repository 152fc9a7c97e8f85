// NIR import of small graphs written by the tests: every node type, the discretisation, nested graphs,
// cycles.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nir_test_support.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"

using namespace spikekit;
using namespace spikekit::test;
using namespace spikekit::test::nir;

namespace {

converters::nir_import_result import(const temp_dir& dir, const nir_graph& g, double dt_ms = 1.0) {
    converters::nir_import_options o;
    o.dt_ms = dt_ms;
    return converters::import_nir(write(dir, "g.nir", g), o);
}

const projection& proj(const network_description& d, const std::string& name) {
    for (const auto& p : d.projections)
        if (p.name == name) return p;
    FAIL("no projection " << name);
    return d.projections.front();
}

std::vector<double> ones(std::size_t n, double v = 1.0) {
    return std::vector<double>(n, v);
}

} // namespace

TEST_CASE(
    "Affine, LIF and Output: the propagator, the input gain r (1 - P), biases from an every-step source") {
    temp_dir dir("nir_affine");
    auto aff =
        node("fc", "Affine", {{"weight", numbers({2.0, -1.0}, {2, 1})}, {"bias", numbers({0.5, 0.0})}});
    const auto g =
        graph({io("in", "Input", {1}), aff, lif("lif", 2, 0.02, 3.0, 1.0), io("out", "Output", {2})},
              {{"in", "fc"}, {"fc", "lif"}, {"lif", "out"}});
    const auto r = import(dir, g, 1.0);
    const auto& d = r.desc;
    REQUIRE(d.populations.size() == 3); // in, lif, bias
    const auto& p = d.populations[1];
    CHECK(p.model == "lif_delta");
    CHECK(p.params.at("tau_m") == doctest::Approx(20.0));
    const double gain = 3.0 * (1.0 - std::exp(-1.0 / 20.0));
    const auto& fc = proj(d, "fc");
    CHECK(fc.conn.type == connectivity::kind::list);
    REQUIRE(fc.weight.values.size() == 2);
    CHECK(fc.weight.values[0] == doctest::Approx(2.0 * gain).epsilon(1e-12));
    CHECK(fc.weight.values[1] == doctest::Approx(-1.0 * gain).epsilon(1e-12));
    CHECK(fc.delay.value == doctest::Approx(1.0)); // depth 1 - depth 0 steps
    const auto& bias = proj(d, "bias->lif");
    CHECK(bias.conn.targets == std::vector<std::uint32_t>{0});
    CHECK(bias.weight.values[0] == doctest::Approx(0.5 * gain));
    CHECK(r.outputs == std::vector<std::string>{"lif"});
    // A constant drive b gives V_k = b g (1 - P^k) / (1 - P) after k steps: the exact response of the linear
    // dynamics to an input held over each step.
    auto d2 = d;
    d2.state_recorders = {{"lif", {"V_m"}, {}, 0.0}};
    const auto sim = run(d2, "in", {{}}, 10.0);
    const double P = std::exp(-1.0 / 20.0);
    const auto& v = sim->traces().at(0).values; // [sample][neuron]; sample s + 1 holds the state after step s
    for (int k = 1; k <= 8; ++k)                // the bias reaches lif from step 1 (its depth) on
        CHECK(static_cast<double>(v[2 * (static_cast<std::size_t>(k) + 1)]) ==
              doctest::Approx(0.5 * gain * (1.0 - std::pow(P, k)) / (1.0 - P)).epsilon(1e-6));
}

TEST_CASE("IF, I, LI, Threshold and Scale map onto if_delta / lif_delta with the stated gains") {
    temp_dir dir("nir_simple");
    auto ifn = node("if", "IF", {{"r", numbers({2.0})}, {"v_threshold", numbers({1.0})}});
    auto in = node("int", "I", {{"r", numbers({0.5})}});
    auto li = node("li", "LI", {{"tau", numbers({0.01})}, {"r", numbers({1.0})}, {"v_leak", numbers({0.0})}});
    auto th = node("th", "Threshold", {{"threshold", numbers({0.25})}});
    auto sc = node("sc", "Scale", {{"scale", numbers({3.0})}});
    const auto g = graph({io("in", "Input", {1}), sc, ifn, in, li, th},
                         {{"in", "sc"}, {"sc", "if"}, {"in", "int"}, {"in", "li"}, {"in", "th"}});
    const auto r = import(dir, g, 1.0);
    const auto& d = r.desc;
    CHECK(d.find_population("if")->model == "if_delta");
    CHECK(d.find_population("int")->params.at("V_th") >= 1e30); // no spikes
    CHECK(d.find_population("li")->params.at("V_th") >= 1e30);
    CHECK(d.find_population("th")->params.at("V_th") == 0.25);
    CHECK(std::exp(-1.0 / d.find_population("th")->params.at("tau_m")) == 0.0); // P = 0: V = x
    CHECK(proj(d, "sc").conn.type == connectivity::kind::one_to_one);
    CHECK(proj(d, "sc").weight.values == std::vector<double>{6.0}); // scale 3 x r 2
    CHECK(proj(d, "in->int").weight.values == std::vector<double>{0.5});
    CHECK(proj(d, "in->li").weight.values[0] == doctest::Approx(1.0 - std::exp(-0.1)));
    CHECK(r.notes.size() == 5); // dt + one per neuron node
    // IF: two input spikes of 2 x 3 cross the threshold 1 at the first; Threshold: 1 > 0.25 every input step.
    const auto sim = run(d, "in", {{1.0, 3.0}}, 6.0);
    for (const auto& s : sim->spikes()) {
        if (s.population == "if" || s.population == "th") CHECK(s.steps == std::vector<std::int64_t>{1, 3});
        if (s.population == "int" || s.population == "li") CHECK(s.steps.empty());
    }
}

TEST_CASE("CubaLIF / CubaLI: lif_exp with C_m = tau_mem follows the exact double-exponential response") {
    temp_dir dir("nir_cuba");
    auto c = node("cuba", "CubaLI",
                  {{"tau_syn", numbers({0.005})},
                   {"tau_mem", numbers({0.02})},
                   {"r", numbers({2.0})},
                   {"v_leak", numbers({0.0})},
                   {"w_in", numbers({1.5})}});
    auto lin = linear("w", 1, 1, {1.0});
    const auto g = graph({io("in", "Input", {1}), lin, c}, {{"in", "w"}, {"w", "cuba"}});
    auto d = import(dir, g, 0.5).desc;
    const auto& p = *d.find_population("cuba");
    CHECK(p.model == "lif_exp");
    CHECK(p.params.at("C_m") == doctest::Approx(20.0));
    CHECK(p.params.at("tau_syn_ex") == doctest::Approx(5.0));
    const double i0 = 2.0 * 1.5 * (1.0 - std::exp(-0.5 / 5.0)); // r w_in (1 - P_syn) x, x = 1
    CHECK(proj(d, "w").weight.values[0] == doctest::Approx(i0));
    d.state_recorders = {{"cuba", {"V_m"}, {}, 0.0}};
    const auto sim = run(d, "in", {{0.5}}, 20.0); // one input spike at step 0, arriving at step 1
    const auto& v = sim->traces().at(0).values;
    // After the current jump I0 at the end of step 1: V(t) = I0 ts / (ts - tm) (exp(-t/ts) - exp(-t/tm)).
    for (int k = 1; k < 30; ++k) {
        const double t = 0.5 * k, ts = 5.0, tm = 20.0;
        const double want = i0 * ts / (ts - tm) * (std::exp(-t / ts) - std::exp(-t / tm));
        CHECK(static_cast<double>(v[static_cast<std::size_t>(k) + 2]) == doctest::Approx(want).epsilon(1e-5));
    }
}

TEST_CASE("Conv2d with stride, padding, dilation and groups stays a shared-kernel conv2d projection") {
    temp_dir dir("nir_conv");
    std::vector<double> w(4 * 1 * 3 * 3);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.1 * static_cast<double>(i % 7) - 0.2;
    auto conv = node("conv", "Conv2d",
                     {{"weight", numbers(w, {4, 1, 3, 3})},
                      {"bias", numbers(ones(4, 0.0))},
                      {"stride", integers({2, 1})},
                      {"padding", integers({1, 2})},
                      {"dilation", integers({1, 2})},
                      {"groups", scalar_int(2)},
                      {"input_shape", integers({9, 8})}});
    // out: H = (9 + 2 - 2 - 1)/2 + 1 = 5, W = (8 + 4 - 4 - 1)/1 + 1 = 8
    auto th = node("th", "Threshold", {{"threshold", numbers(ones(4 * 5 * 8, 0.05), {4, 5, 8})}});
    const auto g = graph({io("in", "Input", {2, 9, 8}), conv, th}, {{"in", "conv"}, {"conv", "th"}});
    const auto r = import(dir, g);
    const auto& p = proj(r.desc, "conv");
    REQUIRE(p.conn.type == connectivity::kind::conv2d);
    const auto& c = p.conn.conv;
    CHECK(c.in_shape == std::array<std::uint32_t, 3>{2, 9, 8});
    CHECK(c.out_channels == 4);
    CHECK(c.groups == 2);
    CHECK(c.stride == std::array<std::uint32_t, 2>{2, 1});
    CHECK(c.padding == std::array<std::uint32_t, 2>{1, 2});
    CHECK(c.dilation == std::array<std::uint32_t, 2>{1, 2});
    CHECK(p.weight.values == w);
    // Behaviour: one input spike per channel-0 pixel (3, 4) and channel-1 pixel (0, 0); the Threshold
    // population fires exactly where the PyTorch convolution of that input exceeds 0.05.
    std::vector<std::vector<double>> in(2 * 9 * 8);
    in[3 * 8 + 4] = {1.0};
    in[72 + 0] = {1.0};
    const auto sim = run(r.desc, "in", in, 4.0);
    std::vector<std::uint32_t> want;
    for (std::uint32_t o = 0; o < 4; ++o)
        for (int oy = 0; oy < 5; ++oy)
            for (int ox = 0; ox < 8; ++ox) {
                double sum = 0.0;
                const std::uint32_t ci = o / 2; // groups 2: outputs 0-1 see channel 0, 2-3 channel 1
                for (int ky = 0; ky < 3; ++ky)
                    for (int kx = 0; kx < 3; ++kx) {
                        const int y = oy * 2 - 1 + ky, x = ox - 2 + 2 * kx;
                        const bool hit = ci == 0 ? (y == 3 && x == 4) : (y == 0 && x == 0);
                        if (hit)
                            sum += w[static_cast<std::size_t>((o * 3 + static_cast<std::uint32_t>(ky)) * 3 +
                                                              static_cast<std::uint32_t>(kx))];
                    }
                if (sum >= 0.05)
                    want.push_back(static_cast<std::uint32_t>((static_cast<int>(o) * 5 + oy) * 8 + ox));
            }
    REQUIRE(!want.empty());
    auto got = sim->spikes().at(1).node_ids;
    std::sort(got.begin(), got.end());
    CHECK(got == want);
}

TEST_CASE("Conv1d, SumPool2d, AvgPool2d, Flatten and Delay") {
    temp_dir dir("nir_pool");
    auto c1 = node("c1", "Conv1d",
                   {{"weight", numbers({1.0, 2.0}, {1, 1, 2})},
                    {"bias", numbers({0.0})},
                    {"stride", scalar_int(1)},
                    {"padding", text("valid")},
                    {"dilation", scalar_int(1)},
                    {"groups", scalar_int(1)}});
    auto t1 = node("t1", "Threshold", {{"threshold", numbers(ones(5, 0.5), {1, 5})}});
    auto sp = node(
        "sum", "SumPool2d",
        {{"kernel_size", integers({2, 2})}, {"stride", integers({2, 2})}, {"padding", integers({0, 0})}});
    auto ap = node(
        "avg", "AvgPool2d",
        {{"kernel_size", integers({2, 2})}, {"stride", integers({2, 2})}, {"padding", integers({0, 0})}});
    auto fl = node("flat", "Flatten", {{"start_dim", scalar_int(0)}, {"end_dim", scalar_int(-1)}});
    auto dl = node("delay", "Delay", {{"delay", numbers(ones(8, 0.003))}});
    auto t2 = node("t2", "Threshold", {{"threshold", numbers(ones(8, 0.5))}});
    auto t3 = node("t3", "Threshold", {{"threshold", numbers(ones(8, 0.5), {2, 2, 2})}});
    const auto g =
        graph({io("a", "Input", {1, 6}), c1, t1, io("b", "Input", {2, 4, 4}), sp, fl, dl, t2, ap, t3},
              {{"a", "c1"},
               {"c1", "t1"},
               {"b", "sum"},
               {"sum", "flat"},
               {"flat", "delay"},
               {"delay", "t2"},
               {"b", "avg"},
               {"avg", "t3"}});
    const auto r = import(dir, g);
    const auto& d = r.desc;
    const auto& c = proj(d, "c1");
    REQUIRE(c.conn.type == connectivity::kind::conv2d);
    CHECK(c.conn.conv.in_shape == std::array<std::uint32_t, 3>{1, 1, 6});
    CHECK(c.conn.conv.kernel == std::array<std::uint32_t, 2>{1, 2});
    const auto& s = proj(d, "sum");
    REQUIRE(s.conn.type == connectivity::kind::conv2d);
    CHECK(s.conn.conv.groups == 2);
    CHECK(s.weight.values == ones(8));
    CHECK(s.delay.value == doctest::Approx(4.0)); // 1 step of depth + 3 steps of Delay (3 ms at dt 1 ms)
    const auto& a = proj(d, "avg");
    CHECK(a.weight.values == ones(8, 0.25));
    CHECK(a.delay.value == doctest::Approx(1.0));
}

TEST_CASE("nested graphs (dotted names) and a recurrent cycle: the previous step's spikes, one step later") {
    temp_dir dir("nir_nested");
    nir_node sub = node("rnn", "NIRGraph");
    sub.nodes = {io("input", "Input", {2}), linear("w_in", 2, 2, {1.0, 0.0, 0.0, 1.0}),
                 lif("lif", 2, 0.01, 1.0, 0.5), linear("w_rec", 2, 2, {0.0, 0.9, 0.9, 0.0}),
                 io("output", "Output", {2})};
    sub.edges = {{"input", "w_in"}, {"w_in", "lif"}, {"lif", "w_rec"}, {"w_rec", "lif"}, {"lif", "output"}};
    const auto g =
        graph({io("in", "Input", {2}), sub, lif("after", 2, 0.01, 1.0, 100.0), io("out", "Output", {2})},
              {{"in", "rnn"}, {"rnn", "after"}, {"rnn.lif", "out"}});
    const auto r = import(dir, g);
    const auto& d = r.desc;
    REQUIRE(d.find_population("rnn.lif"));
    CHECK(proj(d, "rnn.w_in").delay.value == doctest::Approx(1.0));
    CHECK(proj(d, "rnn.w_rec").delay.value == doctest::Approx(1.0)); // recurrent: one step
    CHECK(proj(d, "rnn.w_rec").source == "rnn.lif");
    CHECK(proj(d, "rnn.w_rec").target == "rnn.lif");
    CHECK(proj(d, "rnn.lif->after").conn.type == connectivity::kind::one_to_one);
    CHECK(r.outputs == std::vector<std::string>{"rnn.lif"}); // "after" feeds no Output
}

TEST_CASE("a Delay whose elements differ becomes per-synapse delays, and goes out and back the same") {
    temp_dir dir("nir_delay_elements");
    auto dl = node("delay", "Delay", {{"delay", numbers({0.0, 0.002, 0.005})}});
    auto th = node("t", "Threshold", {{"threshold", numbers(ones(3, 0.5))}});
    const auto g = graph({io("in", "Input", {3}), dl, linear("w", 3, 3, {1, 0, 0, 0, 1, 0, 0, 1, 1}), th,
                          io("out", "Output", {3})},
                         {{"in", "delay"}, {"delay", "w"}, {"w", "t"}, {"t", "out"}});
    const auto r = import(dir, g);
    const auto& p = proj(r.desc, "w");
    REQUIRE(p.conn.type == connectivity::kind::list);
    // synapses by source element, then delay: 0 -> 0 (no delay), 1 -> 1 and 1 -> 2 (2 ms), 2 -> 2 (5 ms)
    CHECK(p.conn.sources == std::vector<std::uint32_t>{0, 1, 1, 2});
    CHECK(p.conn.targets == std::vector<std::uint32_t>{0, 1, 2, 2});
    REQUIRE(p.delay.type == value_spec::kind::list);
    CHECK(p.delay.values ==
          std::vector<double>{1.0, 3.0, 3.0, 6.0}); // one step of depth + the element's delay
    // Every input fires in step 0: t0 fires one step later, t1 and t2 (input 1) 1 + 2 steps later, t2 again
    // (input 2) 1 + 5 steps later.
    const std::vector<std::vector<double>> in{{1.0}, {1.0}, {1.0}};
    const auto s1 = run(r.desc, "in", in, 12.0);
    const auto& t = s1->spikes().at(1);
    REQUIRE(t.population == "t");
    CHECK(t.steps == std::vector<std::int64_t>{1, 3, 3, 6});
    CHECK(t.node_ids == std::vector<std::uint32_t>{0, 1, 2, 2});
    // Out as one Linear + Delay per delay, back as the same synapses and the same spikes.
    converters::nir_import_options o;
    const auto again = round_trip(dir, r.desc, o);
    REQUIRE(again.desc.projections.size() == 1);
    const auto& q = again.desc.projections[0]; // named after its linear nodes, w.d1+w.d3+w.d6
    CHECK(q.conn.sources == p.conn.sources);
    CHECK(q.conn.targets == p.conn.targets);
    CHECK(q.weight.values == p.weight.values);
    CHECK(q.delay.values == p.delay.values);
    CHECK(spikes(*run(again.desc, "in", in, 12.0)) == spikes(*s1));
}

TEST_CASE(
    "a cycle through several populations of a nested graph: the back edge takes one step, and says so") {
    temp_dir dir("nir_deep_cycle");
    for (const double back_delay : {0.0, 0.002}) {
        CAPTURE(back_delay);
        nir_node sub = node("rnn", "NIRGraph");
        sub.nodes = {io("input", "Input", {2}),
                     linear("w_in", 2, 2, {1.0, 0.0, 0.0, 1.0}),
                     lif("l1", 2, 0.01, 1.0, 0.05),
                     linear("w12", 2, 2, {1.0, 0.0, 0.0, 1.0}),
                     lif("l2", 2, 0.01, 1.0, 0.05),
                     linear("w21", 2, 2, {0.0, 0.9, 0.9, 0.0}),
                     node("d", "Delay", {{"delay", numbers({back_delay, back_delay})}}),
                     io("output", "Output", {2})};
        sub.edges = {{"input", "w_in"}, {"w_in", "l1"}, {"l1", "w12"}, {"w12", "l2"},
                     {"l2", "w21"},     {"w21", "d"},   {"d", "l1"},   {"l2", "output"}};
        const auto g =
            graph({io("in", "Input", {2}), sub, io("out", "Output", {2})}, {{"in", "rnn"}, {"rnn", "out"}});
        const auto r = import(dir, g);
        const auto& back = proj(r.desc, "rnn.w21");
        CHECK(back.source == "rnn.l2");
        CHECK(back.target == "rnn.l1");
        const bool noted = std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& n) {
            return n.find("rnn.l2 -> rnn.l1 closes a cycle through populations of depths 1..2") !=
                       std::string::npos &&
                   n.find("arrive 1 step(s) after NIR's next step") != std::string::npos;
        });
        if (back_delay == 0.0) {
            CHECK(noted); // NIR: l2's step t reaches l1 at step t + 1, which is kernel step t + 2 for l2
            CHECK(back.delay.value == doctest::Approx(1.0));
        } else {
            CHECK_FALSE(noted); // 2 ms of Delay: l2 (depth 2) -> l1 (depth 1) in 1 + 1 - 2 + 2 = 2 steps
            CHECK(back.delay.value == doctest::Approx(2.0));
        }
        const std::vector<std::vector<double>> in{{1.0, 2.0, 3.0, 4.0, 5.0}, {}};
        const auto s1 = run(r.desc, "in", in, 40.0);
        std::size_t second = 0; // spikes of neuron 1 of l1: only through the cycle
        for (const auto& rec : s1->spikes())
            if (rec.population == "rnn.l1")
                for (auto id : rec.node_ids) second += id == 1;
        CHECK(second > 0);
        converters::nir_import_options o;
        const auto again = round_trip(dir, r.desc, o);
        CHECK(proj(again.desc, "rnn.w21").delay == back.delay);
        CHECK(spikes(*run(again.desc, "in", in, 40.0)) == spikes(*s1));
    }
}

TEST_CASE("an all_to_all projection with listed weights goes out in the kernel's synapse order") {
    temp_dir dir("nir_all_to_all");
    network_description d;
    d.sim.dt_ms = 1.0;
    population in, out;
    in.name = "in";
    in.size = 2;
    in.model = "spike_source";
    out.name = "out";
    out.size = 3;
    out.model = "if_delta";
    out.params = {{"V_th", 100.0}, {"V_reset", 0.0}, {"t_ref", 0.0}};
    d.populations = {in, out};
    projection p;
    p.name = "w";
    p.source = "in";
    p.target = "out";
    p.receptor = "exc";
    p.delay = value_spec::constant_of(1.0);
    p.conn.type = connectivity::kind::all_to_all;
    p.weight.type = value_spec::kind::list;
    p.weight.values = {1, 2, 3, 4, 5, 6};
    d.projections = {p};
    const auto kernel = lowering::lower_synapses(d, 0); // by target, then source
    converters::nir_import_options o;
    const auto again = round_trip(dir, d, o);
    REQUIRE(again.desc.projections.size() == 1);
    const auto& q = again.desc.projections[0];
    REQUIRE(q.conn.type == connectivity::kind::list);
    REQUIRE(q.conn.sources.size() == kernel.size());
    for (std::size_t k = 0; k < q.conn.sources.size(); ++k)
        for (std::size_t m = 0; m < kernel.size(); ++m)
            if (kernel.source[m] == q.conn.sources[k] && kernel.target[m] == q.conn.targets[k])
                CHECK(static_cast<double>(kernel.weight[m]) == q.weight.values[k]);
}

TEST_CASE(
    "per-neuron tau, threshold and reset import as per-neuron values; out and back to the same spikes") {
    temp_dir dir("nir_per_neuron");
    auto l = lif("lif", 3, 0.01, 1.0, 0.5);
    l.fields["tau"] = numbers({0.005, 0.01, 0.02});
    l.fields["v_threshold"] = numbers({0.05, 0.1, 0.2});
    auto c = node("cuba", "CubaLIF",
                  {{"tau_syn", numbers({0.002, 0.004})},
                   {"tau_mem", numbers({0.01, 0.02})},
                   {"r", numbers({1.0, 1.0})},
                   {"v_leak", numbers({0.0, 0.0})},
                   {"v_threshold", numbers({0.02, 0.03})},
                   {"w_in", numbers({1.0, 2.0})}});
    const auto g =
        graph({io("in", "Input", {3}), l, linear("w", 2, 3, {1, 1, 1, 1, 0, 1}), c, io("out", "Output", {2})},
              {{"in", "lif"}, {"lif", "w"}, {"w", "cuba"}, {"cuba", "out"}});
    const auto r = import(dir, g);
    const auto* p = r.desc.find_population("lif");
    REQUIRE(p);
    REQUIRE(p->per_neuron.count("tau_m"));
    CHECK(p->per_neuron.at("tau_m").values == std::vector<double>{5.0, 10.0, 20.0}); // s -> ms
    CHECK(p->per_neuron.at("V_th").values == std::vector<double>{0.05, 0.1, 0.2});
    CHECK(p->params.count("tau_m") == 0);
    CHECK(p->params.at("E_L") == 0.0); // equal values stay one value
    // the gains r (1 - P) differ per neuron: the weights into lif carry them
    const auto& w_in = proj(r.desc, "in->lif").weight.values;
    REQUIRE(w_in.size() == 3);
    CHECK(w_in[0] == doctest::Approx(-std::expm1(-1.0 / 5.0)));
    CHECK(w_in[2] == doctest::Approx(-std::expm1(-1.0 / 20.0)));
    const auto* q = r.desc.find_population("cuba");
    REQUIRE(q);
    CHECK(q->per_neuron.at("tau_syn_ex").values == std::vector<double>{2.0, 4.0});
    CHECK(q->per_neuron.at("C_m").values == std::vector<double>{10.0, 20.0});
    CHECK(std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& n) {
        return n.find("P = exp(-dt/tau) from") != std::string::npos &&
               n.find("per neuron") != std::string::npos;
    }));
    std::vector<std::vector<double>> in(3);
    for (int k = 1; k <= 40; ++k)
        for (std::size_t i = 0; i < 3; ++i)
            if (k % static_cast<int>(i + 2) == 0) in[i].push_back(k);
    const auto s1 = run(r.desc, "in", in, 50.0);
    std::vector<std::size_t> per(3, 0);
    for (const auto& rec : s1->spikes())
        if (rec.population == "lif")
            for (auto id : rec.node_ids) ++per[id];
    CHECK(per[0] > per[2]); // the lowest threshold fires most
    CHECK(per[2] > 0);
    converters::nir_import_options o;
    const auto again = round_trip(dir, r.desc, o);
    CHECK(*again.desc.find_population("lif") == *p);
    CHECK(*again.desc.find_population("cuba") == *q);
    CHECK(spikes(*run(again.desc, "in", in, 50.0)) == spikes(*s1));
}
