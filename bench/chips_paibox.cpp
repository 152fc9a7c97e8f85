// PAIBox 1.2.2 core counts (issue #13) against spikekit map on the paicore preset: fully connected lif_int
// networks with random integer weights of the stated width, through a description and the public lowering.
#include <cstdio>

#include "chips_nets.hpp"
#include "spikekit/chips/mapping.hpp"

using namespace spikekit;

namespace {
network_description layered(const std::vector<std::uint32_t>& sizes, unsigned bits) {
    network_description d;
    d.name = "fc";
    d.sim.dt_ms = 1;
    population in;
    in.name = "l0";
    in.size = sizes[0];
    in.model = "spike_source";
    d.populations.push_back(in);
    const std::int64_t lo = bits == 1 ? 0 : -(std::int64_t{1} << (bits - 1)), hi = bits == 1 ? 1 : -lo - 1;
    for (std::size_t l = 1; l < sizes.size(); ++l) {
        d.populations.push_back(bench::int_population("l" + std::to_string(l), sizes[l], 64));
        d.projections.push_back(
            bench::all_to_all("l" + std::to_string(l - 1), "l" + std::to_string(l),
                              bench::random_ints(std::uint64_t{sizes[l - 1]} * sizes[l], lo, hi, l)));
    }
    return d;
}
} // namespace

int main() {
    struct row {
        std::vector<std::uint32_t> sizes;
        unsigned bits, paibox;
        const char* note;
    };
    const row rows[] = {{{784, 500, 10}, 8, 9, "8 cores of 63/63/63/63/63/63/63/59 + 1"},
                        {{784, 500, 10}, 4, 5, ""},
                        {{784, 500, 10}, 2, 3, ""},
                        {{784, 500, 10}, 1, 2, ""},
                        {{2000, 1000, 10}, 8, 33, "first layer LCN 2x, 32 cores"},
                        {{2000, 1000, 10}, 1, 5, ""},
                        {{1153, 512}, 8, 16, "LCN 2x"},
                        {{784, 100, 10}, 8, 3, ""}};
    const auto chip = chips::find_chip("paicore");
    std::printf("%-16s %4s  %7s %7s  %8s  %s\n", "network", "bits", "PAIBox", "ours", "occupied",
                "layers (cores: neurons per core, LCN)");
    int mismatches = 0;
    for (const auto& r : rows) {
        const auto p = chips::map_network(bench::for_chip(layered(r.sizes, r.bits)), chip);
        std::string name, layers;
        for (auto s : r.sizes) name += (name.empty() ? "" : "-") + std::to_string(s);
        for (const auto& l : p.layers) {
            layers += l.population + " " + std::to_string(l.cores) + ": ";
            for (std::size_t i = 0; i < l.neurons_per_core.size() && i < 8; ++i)
                layers += (i ? "/" : "") + std::to_string(l.neurons_per_core[i]);
            if (l.neurons_per_core.size() > 8) layers += "/...";
            layers += ", " + std::to_string(1u << l.lcn) + "x; ";
        }
        mismatches += p.cores_required != r.paibox;
        std::printf("%-16s %4u  %7u %7llu  %8llu  %s\n", name.c_str(), r.bits, r.paibox,
                    static_cast<unsigned long long>(p.cores_required),
                    static_cast<unsigned long long>(p.cores_occupied), layers.c_str());
    }
    std::printf("\n%d of %zu counts differ from PAIBox 1.2.2 (issue #13's figures)\n", mismatches,
                std::size(rows));
    return mismatches == 0 ? 0 : 1;
}
