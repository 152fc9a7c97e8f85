// Figures of the plasticity rules (learning/): the triplet rule's pairing protocol, the integer rule's
// distance to the float rule per weight width, and the cost of the event hooks.
//
//   build-*/bench/bench_learning_rules            prints three tables (about a second)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "spikekit/core/random.hpp"
#include "spikekit/learning/rules.hpp"

namespace {
using namespace spikekit;

struct event {
    double t;
    bool post;
    std::uint32_t id;
};

// A rule on n_pre x n_post all-to-all synapses (one slot per presynaptic neuron), driven by time-ordered
// events (arrivals before spikes at equal times, as in the kernel).
struct projection {
    learning::synapse_layout layout;
    std::vector<float> w;
    std::unique_ptr<learning::plastic_state> state;

    projection(const std::string& rule, const param_map& given, std::uint32_t n_pre, std::uint32_t n_post,
               double w0, double dt_ms) {
        std::vector<std::uint32_t> slot, post;
        for (std::uint32_t i = 0; i < n_pre; ++i)
            for (std::uint32_t j = 0; j < n_post; ++j) {
                slot.push_back(i);
                post.push_back(j);
            }
        layout = learning::synapse_layout(slot, post, n_pre, n_post);
        w.assign(layout.size(), static_cast<float>(w0));
        const auto rules = learning::builtin_rules();
        const param_map p = learning::validate_plasticity(rules, {rule, given}, "bench", "plasticity");
        state = rules.find(rule)->lower(p, layout, w, {dt_ms, 1});
    }
    void play(const std::vector<event>& ev) {
        for (const auto& e : ev)
            e.post ? state->on_post(e.id, e.t) : state->on_pre(layout.slot_synapses(e.id), e.t);
    }
};

// Poisson spikes on a 1 ms grid for n_pre presynaptic and n_post postsynaptic neurons.
std::vector<event> poisson(std::uint32_t n_pre, std::uint32_t n_post, double rate_hz, std::int64_t steps) {
    std::vector<event> ev;
    const auto key = rng::make_key(7, 1);
    for (std::int64_t s = 0; s < steps; ++s) {
        rng::stream r(key, 0, static_cast<std::uint64_t>(s));
        for (std::uint32_t i = 0; i < n_pre; ++i)
            if (r.uniform() < rate_hz * 1e-3) ev.push_back({static_cast<double>(s), false, i});
        for (std::uint32_t j = 0; j < n_post; ++j)
            if (r.uniform() < rate_hz * 1e-3) ev.push_back({static_cast<double>(s), true, j});
    }
    return ev;
}

void pairing_table() {
    std::printf("Triplet STDP, pairing protocol (60 pairs, dt = +/-10 ms), weight change / range\n");
    std::printf("%-22s %8s %12s %12s\n", "rule", "rho [Hz]", "pre-post", "post-pre");
    for (const char* rule : {"stdp_triplet", "stdp_triplet_nearest", "stdp_additive"}) {
        for (double rho : {0.1, 1.0, 10.0, 20.0, 30.0, 40.0, 50.0}) {
            double dw[2];
            for (int order = 0; order < 2; ++order) {
                // Amplitudes / 4 in a range of 2 starting in its middle, scaled back: no clipping at the
                // bounds.
                param_map given = with_defaults(learning::builtin_rules().find(rule)->params(), {});
                for (auto& [name, v] : given)
                    if (name.starts_with("A")) v /= 4.0;
                given["w_min"] = -1.0;
                given["w_max"] = 1.0;
                projection p(rule, given, 1, 1, 0.0, 0.1);
                std::vector<event> ev;
                for (int k = 0; k < 60; ++k) {
                    const double t = 20.0 + k * 1000.0 / rho, lag = order == 0 ? 10.0 : -10.0;
                    if (lag > 0)
                        ev.insert(ev.end(), {{t, false, 0}, {t + lag, true, 0}});
                    else
                        ev.insert(ev.end(), {{t + lag, true, 0}, {t, false, 0}});
                }
                p.play(ev);
                dw[order] = double{p.w[0]} / 2.0 * 4.0;
            }
            std::printf("%-22s %8.1f %12.4g %12.4g\n", rule, rho, dw[0], dw[1]);
        }
    }
}

void integer_table() {
    std::printf(
        "\nInteger STDP (LUT 60 entries, 8 fractional bits) vs float nearest-spike STDP, 64 synapses,\n"
        "30 Hz Poisson pre and post for 10 s, tau = 5 ms, A+ = 0.02, A- = 0.021 of the range\n");
    std::printf("%6s %16s\n", "bits", "RMS error/range");
    const auto ev = poisson(64, 1, 30.0, 10000);
    for (int bits = 1; bits <= 8; ++bits) {
        const double w_max = std::ldexp(1.0, bits) - 1.0, w0 = std::round(0.5 * w_max);
        projection fl(
            "stdp_additive",
            {{"A_plus", 0.02}, {"A_minus", 0.021}, {"tau_plus", 5}, {"tau_minus", 5}, {"nearest", 1}}, 64, 1,
            w0 / w_max, 1.0);
        projection in("stdp_int",
                      {{"weight_bits", bits},
                       {"w_max", w_max},
                       {"A_plus", 0.02 * w_max},
                       {"A_minus", 0.021 * w_max},
                       {"tau_plus", 5},
                       {"tau_minus", 5}},
                      64, 1, w0, 1.0);
        fl.play(ev);
        in.play(ev);
        double sum = 0.0;
        for (std::size_t k = 0; k < fl.w.size(); ++k)
            sum += std::pow(double{in.w[k]} / w_max - double{fl.w[k]}, 2);
        std::printf("%6d %16.4f\n", bits, std::sqrt(sum / static_cast<double>(fl.w.size())));
    }
}

void cost_table() {
    std::printf(
        "\nCost of the event hooks: 1000 x 100 all-to-all synapses, 10 Hz Poisson pre and post, 5 s\n");
    std::printf("%-22s %14s %18s\n", "rule", "synapse updates", "ns per update");
    const auto ev = poisson(1000, 100, 10.0, 5000);
    for (const char* rule : {"stdp_additive", "stdp_multiplicative", "stdp_triplet", "rstdp", "stdp_int"}) {
        const bool integer = std::string(rule) == "stdp_int";
        projection p(rule, {{"w_max", integer ? 255.0 : 1.0}}, 1000, 100, integer ? 128.0 : 0.5, 1.0);
        std::size_t updates = 0;
        for (const auto& e : ev) updates += e.post ? 1000 : 100;
        const auto t0 = std::chrono::steady_clock::now();
        p.play(ev);
        const double ns =
            std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%-22s %14zu %18.2f\n", rule, updates, ns / static_cast<double>(updates));
    }
}

} // namespace

int main() {
    pairing_table();
    integer_table();
    cost_table();
    return 0;
}
