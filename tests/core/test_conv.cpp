// conv2d projections (shared-weight kernels) against the same convolution written out as explicit synapses.
#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;
using nlohmann::json;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}

struct geometry {
    int c, h, w, o, k, stride, pad, dil, groups;
    int oh() const { return (h + 2 * pad - dil * (k - 1) - 1) / stride + 1; }
    int ow() const { return (w + 2 * pad - dil * (k - 1) - 1) / stride + 1; }
};

// Source: spike_source with pseudo-random spike times; target: if_delta that never fires, all V_m recorded.
json base(const geometry& g, std::vector<double>& kernel) {
    json src_times = json::array();
    for (int i = 0; i < g.c * g.h * g.w; ++i)
        src_times.push_back(json::array({1.0 + (i * 7 % 13) * 0.3, 6.0 + (i * 5 % 11) * 0.2}));
    kernel.clear();
    for (int i = 0; i < g.o * (g.c / g.groups) * g.k * g.k; ++i)
        kernel.push_back(((i * 37) % 17 - 8) * 0.125);
    return {
        {"simulation", {{"dt", 0.1}, {"duration", 15}}},
        {"populations",
         {{{"name", "in"}, {"size", g.c * g.h * g.w}, {"model", "spike_source"}, {"spike_times", src_times}},
          {{"name", "out"},
           {"size", g.o * g.oh() * g.ow()},
           {"model", "if_delta"},
           {"params", {{"V_th", 1e6}}}}}},
        {"record", {{"state", {{{"population", "out"}, {"variables", {"V_m"}}}}}}}};
}

// The convolution written out, with a loop over outputs (an independent formulation of the same map).
json expanded(const geometry& g, const std::vector<double>& kernel) {
    json src = json::array(), tgt = json::array(), w = json::array();
    const int cin_g = g.c / g.groups, cout_g = g.o / g.groups;
    for (int o = 0; o < g.o; ++o)
        for (int oy = 0; oy < g.oh(); ++oy)
            for (int ox = 0; ox < g.ow(); ++ox)
                for (int ci = 0; ci < cin_g; ++ci)
                    for (int ky = 0; ky < g.k; ++ky)
                        for (int kx = 0; kx < g.k; ++kx) {
                            const int y = oy * g.stride - g.pad + ky * g.dil,
                                      x = ox * g.stride - g.pad + kx * g.dil;
                            if (y < 0 || y >= g.h || x < 0 || x >= g.w) continue;
                            const int c = (o / cout_g) * cin_g + ci;
                            src.push_back((c * g.h + y) * g.w + x);
                            tgt.push_back((o * g.oh() + oy) * g.ow() + ox);
                            w.push_back(
                                kernel[static_cast<std::size_t>(((o * cin_g + ci) * g.k + ky) * g.k + kx)]);
                        }
    return {{"rule", "list"}, {"sources", src}, {"targets", tgt}, {"weights", w}};
}

std::vector<float> run(const json& j) {
    const auto d = parse_config(j.dump(), "conv.json", models());
    simulation sim(d, models(), 1);
    sim.run(15);
    return sim.traces()[0].values;
}
} // namespace

TEST_CASE("a conv2d projection delivers exactly what the expanded synapses deliver") {
    for (const geometry g : {geometry{1, 6, 5, 2, 3, 1, 0, 1, 1}, geometry{4, 7, 7, 6, 3, 2, 1, 1, 2},
                             geometry{2, 8, 8, 2, 3, 1, 2, 2, 2}, geometry{3, 5, 6, 3, 2, 2, 0, 1, 3}}) {
        CAPTURE(g.c);
        CAPTURE(g.stride);
        CAPTURE(g.groups);
        std::vector<double> kernel;
        auto conv = base(g, kernel);
        conv["projections"] = {{{"source", "in"},
                                {"target", "out"},
                                {"connectivity",
                                 {{"rule", "conv2d"},
                                  {"in_shape", {g.c, g.h, g.w}},
                                  {"out_channels", g.o},
                                  {"kernel", g.k},
                                  {"stride", g.stride},
                                  {"padding", g.pad},
                                  {"dilation", g.dil},
                                  {"groups", g.groups}}},
                                {"weight", {{"values", kernel}}},
                                {"delay", 0.5}}};
        auto list = base(g, kernel);
        const auto e = expanded(g, kernel);
        list["projections"] = {
            {{"source", "in"},
             {"target", "out"},
             {"connectivity", {{"rule", "list"}, {"sources", e["sources"]}, {"targets", e["targets"]}}},
             {"weight", {{"values", e["weights"]}}},
             {"delay", 0.5}}};
        const auto a = run(conv), b = run(list);
        double energy = 0;
        for (float v : a) energy += std::abs(static_cast<double>(v));
        CHECK(energy > 0); // the kernel reached the targets
        CHECK(a == b);
        simulation sim(parse_config(conv.dump(), "conv.json", models()), models(), 1);
        CHECK(sim.synapses() == e["sources"].size());
        // The kernel, plus the (empty) static table's row index of 8 bytes per neuron: no expanded synapses.
        CHECK(sim.synapse_bytes() <= kernel.size() * sizeof(float) + 8 * (sim.neurons() + 1));
        // The description saves back to JSON losslessly.
        const auto d = parse_config(conv.dump(), "conv.json", models());
        CHECK(parse_config(to_json(d), "again.json", models()).same_network(d));
    }
}

TEST_CASE("conv2d shapes and kernels are checked against the populations") {
    geometry g{2, 6, 6, 3, 3, 1, 0, 1, 1};
    std::vector<double> kernel;
    auto j = base(g, kernel);
    j["projections"] = {
        {{"source", "in"},
         {"target", "out"},
         {"connectivity", {{"rule", "conv2d"}, {"in_shape", {2, 6, 6}}, {"out_channels", 3}, {"kernel", 3}}},
         {"weight", {{"values", kernel}}},
         {"delay", 1}}};
    auto fails = [&](json bad, const char* where) {
        CAPTURE(where);
        CHECK_THROWS_WITH_AS(parse_config(bad.dump(), "conv.json", models()), doctest::Contains(where),
                             input_error);
    };
    auto bad = j;
    bad["projections"][0]["connectivity"]["out_channels"] = 4;
    fails(bad, "projections[0].target");
    bad = j;
    bad["projections"][0]["weight"]["values"].erase(0);
    fails(bad, "projections[0].weight");
    bad = j;
    bad["projections"][0]["connectivity"]["in_shape"] = {2, 6};
    fails(bad, "projections[0].connectivity.in_shape");
    bad = j;
    bad["projections"][0]["connectivity"]["groups"] = 2;
    fails(bad, "projections[0].connectivity");
    bad = j;
    bad["projections"][0]["connectivity"]["kernel"] = 9;
    fails(bad, "projections[0].connectivity.kernel");
    bad = j;
    bad["projections"][0]["delay"] = {{"uniform", {{"low", 1}, {"high", 2}}}};
    fails(bad, "projections[0].delay");
    CHECK_NOTHROW(parse_config(j.dump(), "conv.json", models()));
}
