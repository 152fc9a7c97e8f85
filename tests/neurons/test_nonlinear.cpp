#include <doctest/doctest.h>

#include "single_neuron.hpp"

using spikekit::test::single_neuron;

TEST_CASE("izhikevich regular-spiking neuron: rests without input, fires tonically with I = 10, adapts") {
    single_neuron quiet("izhikevich", {}, 0.1);
    quiet.set("V_m", -70);
    quiet.set("U_m", -14);
    int n_quiet = 0;
    for (int k = 0; k < 10000; ++k) n_quiet += static_cast<int>(quiet.step().size());
    CHECK(n_quiet == 0);
    single_neuron rs("izhikevich", {{"I_e", 10}}, 0.1);
    rs.set("V_m", -70);
    rs.set("U_m", -14);
    std::vector<int> t;
    for (int k = 0; k < 10000; ++k)
        if (!rs.step().empty()) t.push_back(k);
    REQUIRE(t.size() >= 5);
    CHECK(t.size() < 100);
    CHECK(t[1] - t[0] < t.back() - t[t.size() - 2]); // spike-frequency adaptation: later ISIs are longer
}

TEST_CASE("adex: the rheobase of the non-adapting model is g_L (V_T - E_L - Delta_T)") {
    const double gl = 30, vt = -50.4, el = -70.6, dT = 2;
    const double rheobase = gl * (vt - el - dT);
    auto spikes = [&](double i_e) {
        single_neuron n("adex", {{"a", 0}, {"b", 0}, {"I_e", i_e}}, 0.1);
        int s = 0;
        for (int k = 0; k < 5000; ++k) s += static_cast<int>(n.step().size());
        return s;
    };
    CHECK(spikes(0.97 * rheobase) == 0);
    CHECK(spikes(1.05 * rheobase) > 0);
}

TEST_CASE("adex with adaptation: spike-triggered w slows firing") {
    single_neuron n("adex", {{"I_e", 800}}, 0.1);
    std::vector<int> t;
    for (int k = 0; k < 5000; ++k)
        if (!n.step().empty()) t.push_back(k);
    REQUIRE(t.size() >= 4);
    CHECK(t[1] - t[0] < t[3] - t[2]);
    CHECK(n.get("w") > 0);
}
