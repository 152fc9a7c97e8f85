#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "single_neuron.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"
#include "vec_exp.hpp" // private to neurons/

using spikekit::test::single_neuron;

TEST_CASE("lif_delta: the membrane under a constant current follows the exact solution") {
    const double tau = 20, c = 250, el = -70, ie = 300, dt = 0.1;
    single_neuron n("lif_delta", {{"tau_m", tau}, {"C_m", c}, {"E_L", el}, {"I_e", ie}, {"V_th", 0}, {"V_reset", -70}}, dt);
    for (int k = 1; k <= 2000; ++k) {
        n.step();
        const double t = k * dt;
        REQUIRE(n.get("V_m") == doctest::Approx(el + ie * tau / c * (1 - std::exp(-t / tau))).epsilon(1e-12));
    }
}

TEST_CASE("lif_delta: inter-spike interval = refractory period + analytic time to threshold") {
    const double tau = 10, c = 250, el = -70, ie = 600, vth = -55, vr = -70, tref = 2, dt = 0.01;
    single_neuron n("lif_delta", {{"tau_m", tau}, {"C_m", c}, {"E_L", el}, {"I_e", ie}, {"V_th", vth}, {"V_reset", vr}, {"t_ref", tref}}, dt);
    std::vector<long> spikes;
    for (long k = 0; k < 20000; ++k)
        if (!n.step().empty()) spikes.push_back(k);
    REQUIRE(spikes.size() > 5);
    const double v_inf = el + ie * tau / c;
    const double isi = tref + tau * std::log((v_inf - vr) / (v_inf - vth));
    const double measured = static_cast<double>(spikes.back() - spikes[1]) / static_cast<double>(spikes.size() - 2) * dt;
    CHECK(measured == doctest::Approx(isi).epsilon(dt / isi)); // within one step
}

TEST_CASE("lif_delta: input during the refractory period is dropped, reset by subtraction keeps the excess") {
    single_neuron n("lif_delta", {{"E_L", 0}, {"V_th", 10}, {"V_reset", 0}, {"t_ref", 0.3}, {"tau_m", 1e9}}, 0.1);
    CHECK(n.step(12).size() == 1);
    CHECK(n.get("V_m") == 0.0);
    n.step(5); // refractory steps 1..3
    n.step(5);
    n.step(5);
    CHECK(n.get("V_m") == 0.0);
    n.step(5);
    CHECK(n.get("V_m") == doctest::Approx(5.0));
    single_neuron s("if_delta", {{"V_th", 1}, {"V_reset", 0}, {"reset_subtract", 1}}, 0.1);
    CHECK(s.step(1.75f).size() == 1);
    CHECK(s.get("V_m") == doctest::Approx(0.75));
}

TEST_CASE("lif_exp: the PSP of one input equals the analytic double exponential") {
    const double tm = 10, ts = 2, c = 250, w = 1000, el = -70, dt = 0.1;
    for (double tau_s : {ts, tm}) { // also the degenerate case tau_s = tau_m
        CAPTURE(tau_s);
        single_neuron n("lif_exp", {{"tau_m", tm}, {"tau_syn_ex", tau_s}, {"C_m", c}, {"E_L", el}, {"V_th", 100}, {"V_reset", -80}}, dt);
        n.step(static_cast<float>(w)); // the current jumps at the end of step 0
        for (int k = 1; k <= 1000; ++k) {
            n.step();
            const double t = k * dt;
            const double psp = tau_s == tm ? w / c * t * std::exp(-t / tm)
                                           : w / c * tm * tau_s / (tm - tau_s) * (std::exp(-t / tm) - std::exp(-t / tau_s));
            REQUIRE(n.get("V_m") - el == doctest::Approx(psp).epsilon(1e-9));
            REQUIRE(n.get("I_syn_ex") == doctest::Approx(w * std::exp(-t / tau_s)).epsilon(1e-12));
        }
    }
}

TEST_CASE("lif_cond_exp: conductances decay exactly, V relaxes exactly without input, and the PSP converges") {
    const double dt = 0.1;
    single_neuron n("lif_cond_exp", {{"C_m", 200}, {"g_L", 10}, {"E_L", -60}, {"tau_syn_ex", 5}, {"V_th", 0}}, dt);
    n.set("V_m", -50);
    for (int k = 1; k <= 500; ++k) {
        n.step();
        REQUIRE(n.get("V_m") == doctest::Approx(-60 + 10 * std::exp(-k * dt * 10 / 200)).epsilon(1e-12));
    }
    // PSP of a 6 nS input: dt = 0.1 ms against a dt = 0.001 ms reference, peak within 0.5 %.
    auto peak = [](double h) {
        single_neuron m("lif_cond_exp", {{"C_m", 200}, {"g_L", 10}, {"E_L", -60}, {"tau_syn_ex", 5}, {"V_th", 0}}, h);
        m.step(6.0f);
        double best = -60;
        for (int k = 0; k < static_cast<int>(50 / h); ++k) {
            m.step();
            best = std::max(best, m.get("V_m"));
        }
        return best + 60;
    };
    const double coarse = peak(0.1), fine = peak(0.001);
    CHECK(coarse > 0.5);
    CHECK(coarse == doctest::Approx(fine).epsilon(0.005));
}

TEST_CASE("vec_exp agrees with std::exp to a few ulp") {
    double worst = 0.0;
    for (int k = -699999; k <= 699999; k += 7) {
        const double x = k * 1e-3 + 1e-7 * (k % 13);
        const double e = std::exp(x);
        worst = std::max(worst, std::abs(spikekit::neurons::vec_exp(x) - e) / e);
    }
    CHECK(worst < 1e-15);
    CHECK(spikekit::neurons::vec_exp(0.0) == 1.0);
    CHECK(spikekit::neurons::vec_exp(-1e6) == doctest::Approx(std::exp(-700.0)));
}

TEST_CASE("lif_cond_exp adaptive threshold: theta rises by theta_plus per spike and decays with tau_theta") {
    using namespace spikekit;
    const auto models = neurons::builtin_models();
    auto d = parse_config(R"({"simulation": {"dt": 0.1, "duration": 400},
      "populations": [{"name": "n", "size": 2, "model": "lif_cond_exp",
                       "params": {"theta_plus": 2, "tau_theta": 100, "E_L": -60, "V_th": -50, "V_reset": -60, "I_e": 400}}],
      "record": {"spikes": [{"population": "n"}], "state": [{"population": "n", "variables": ["theta"], "neurons": [0]}]}})",
                          "adapt.json", models);
    simulation sim(d, models, 1);
    sim.run(400);
    const auto& steps = sim.spikes()[0].steps;
    REQUIRE(steps.size() > 10);
    // Inter-spike intervals lengthen as theta builds up.
    const auto isi_first = steps[2] - steps[0], isi_last = steps[steps.size() - 1] - steps[steps.size() - 3];
    CHECK(isi_last > isi_first);
    // Between spikes theta decays exactly by exp(-dt / tau_theta) per step; at a spike it jumps by theta_plus.
    const auto& th = sim.traces()[0].values;
    int jumps = 0;
    for (std::size_t k = 1; k < th.size(); ++k) {
        const double prev = th[k - 1], now = th[k];
        const double expected = prev * std::exp(-0.1 / 100.0);
        if (std::abs(now - expected) > 1e-4) {
            CHECK(now - expected == doctest::Approx(2.0).epsilon(1e-3));
            ++jumps;
        }
    }
    CHECK(jumps == doctest::Approx(static_cast<double>(steps.size()) / 2).epsilon(0.2)); // neuron 0's spikes
    // Without theta_plus the model is the plain lif_cond_exp: regular firing.
    d.populations[0].params["theta_plus"] = 0;
    simulation plain(d, models, 1);
    plain.run(400);
    CHECK(plain.spikes()[0].steps.size() > steps.size());
}
