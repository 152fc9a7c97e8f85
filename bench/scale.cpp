// Scale benchmark: a Brunel (2000) type network of N neurons (80 % excitatory) with K synapses per neuron
// (fixed in-degree, 80 % from excitatory sources), delta synapses, 1.5 ms delay, g = 5, Poisson drive at
// eta = 2 times the threshold rate. The coupling J is scaled with K so the network stays in the
// asynchronous irregular regime of the 12,500-neuron version (J K = 100 mV as there: K = 1000, J = 0.1 mV).
//
//   bench_scale [--neurons N] [--indegree K] [--duration MS] [--threads T]
//
// Prints build time and rate, run time, synaptic events per second, the synapse store's bytes per synapse
// and the process's peak memory per synapse (everything: neurons, ring buffer, synapses, build staging).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spikekit/core/config.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

namespace {
double peak_rss_bytes() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) * 1024.0;
}

std::string brunel_config(long n, long k, double duration_ms) {
    const long ne = n * 4 / 5, ni = n - ne, ke = k * 4 / 5, ki = k - ke;
    const double j = 100.0 / static_cast<double>(k); // mV
    const double nu_ext = 2.0 * 20.0 / (j * 20e-3);  // eta * theta / (J tau_m), Hz
    const std::string params = R"("params": {"tau_m": "20 ms", "C_m": "1 pF", "E_L": "0 mV", "V_th": "20 mV",
        "V_reset": "10 mV", "t_ref": "2 ms"})";
    auto proj = [&](const char* s, const char* t, const char* rec, long in, double w) {
        return R"({"source": ")" + std::string(s) + R"(", "target": ")" + t + R"(", "receptor": ")" + rec +
               R"(", "connectivity": {"rule": "fixed_indegree", "n": )" + std::to_string(in) +
               R"(}, "weight": )" + std::to_string(w) + R"(, "delay": 1.5})";
    };
    return R"({"name": "brunel_scale", "simulation": {"dt": 0.1, "duration": )" +
           std::to_string(duration_ms) +
           R"(, "seed": 1},
      "populations": [{"name": "exc", "size": )" +
           std::to_string(ne) + R"(, "model": "lif_delta", )" + params + R"(}, {"name": "inh", "size": )" +
           std::to_string(ni) + R"(, "model": "lif_delta", )" + params + R"(}],
      "projections": [)" +
           proj("exc", "exc", "exc", ke, j) + "," + proj("exc", "inh", "exc", ke, j) + "," +
           proj("inh", "exc", "inh", ki, -5 * j) + "," + proj("inh", "inh", "inh", ki, -5 * j) + R"(],
      "inputs": [{"type": "poisson", "target": "exc", "receptor": "exc", "rate": )" +
           std::to_string(nu_ext) + R"(, "weight": )" + std::to_string(j) +
           R"(}, {"type": "poisson", "target": "inh", "receptor": "exc", "rate": )" + std::to_string(nu_ext) +
           R"(, "weight": )" + std::to_string(j) + R"(}]})";
}
} // namespace

int main(int argc, char** argv) {
    long n = 1000000, k = 100;
    double duration = 200;
    unsigned threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--neurons")
            n = std::atol(argv[i + 1]);
        else if (a == "--indegree")
            k = std::atol(argv[i + 1]);
        else if (a == "--duration")
            duration = std::atof(argv[i + 1]);
        else if (a == "--threads")
            threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
        else {
            std::fprintf(stderr,
                         "usage: bench_scale [--neurons N] [--indegree K] [--duration MS] [--threads T]\n");
            return 2;
        }
    }
    const auto models = spikekit::neurons::builtin_models();
    const auto desc = spikekit::parse_config(brunel_config(n, k, duration), "bench_scale", models);
    const double rss0 = peak_rss_bytes();
    spikekit::simulation sim(desc, models, threads);
    const double rss_built = peak_rss_bytes();
    const auto t0 = std::chrono::steady_clock::now();
    sim.run(duration);
    const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::uint64_t spikes = 0;
    for (const auto& p : sim.population_statistics()) spikes += p.spikes;
    const auto syn = static_cast<double>(sim.synapses());
    std::printf("network      %ld neurons, %.0f synapses (in-degree %ld), %u thread%s\n", n, syn, k, threads,
                threads == 1 ? "" : "s");
    std::printf("build        %.2f s  (%.3g synapses/s)\n", sim.build_seconds(), syn / sim.build_seconds());
    std::printf("run          %.0f ms biological in %.2f s  (%.2f s per biological second)\n", duration,
                run_s, run_s / (duration * 1e-3));
    std::printf("activity     %.2f Hz mean rate, %.3g synaptic events, %.3g events/s\n",
                static_cast<double>(spikes) / static_cast<double>(n) / (duration * 1e-3),
                static_cast<double>(sim.synaptic_events()),
                static_cast<double>(sim.synaptic_events()) / run_s);
    std::printf(
        "memory       synapse store %.2f B/synapse; peak RSS %.2f GB = %.2f B/synapse (%.2f B/synapse "
        "above the process before build)\n",
        static_cast<double>(sim.synapse_bytes()) / syn, peak_rss_bytes() / 1e9, peak_rss_bytes() / syn,
        (rss_built - rss0) / syn);
    return 0;
}
