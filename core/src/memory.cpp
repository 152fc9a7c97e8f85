// Memory estimate of a description before it is built (see memory.hpp for what is counted).
#include "spikekit/core/memory.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "spikekit/core/error.hpp"

namespace spikekit {
namespace {

// Expected number of synapses of a projection (before autapse exclusion details: an upper bound).
double synapse_count(const projection& p, double ns, double nt) {
    using k = connectivity::kind;
    const auto& c = p.conn;
    switch (c.type) {
    case k::all_to_all:
        return ns * nt;
    case k::one_to_one:
        return ns;
    case k::fixed_probability:
        return c.p * ns * nt;
    case k::fixed_indegree:
        return double(c.n) * nt;
    case k::fixed_outdegree:
        return double(c.n) * ns;
    case k::list:
        return static_cast<double>(c.sources.size());
    case k::hdf5:
    case k::conv2d:
        return 0.0; // HDF5 lists are not opened here; a convolution stores its kernel only
    }
    return 0.0;
}

// The longest delay the spec can give, in steps (at least 1).
double max_delay_steps(const value_spec& v, double dt) {
    using k = value_spec::kind;
    double ms = dt;
    if (v.type == k::constant) ms = v.value;
    if (v.type == k::uniform) ms = v.high;
    if (v.type == k::normal) ms = v.max.value_or(v.mean + 6 * v.std);
    if (v.type == k::list && !v.values.empty()) ms = *std::max_element(v.values.begin(), v.values.end());
    return std::max(1.0, std::round(ms / dt));
}

} // namespace

memory_estimate estimate_memory(const network_description& d, const model_registry& models) {
    memory_estimate e;
    double channels = 0, slots = 2;
    for (const auto& p : d.populations) {
        const neuron_model* m = models.find(p.model);
        const double n = p.size, states = m ? static_cast<double>(m->state().size()) : 1.0;
        const double receptors =
            m && !m->receptors().empty() ? (m->shared_input() ? 1.0 : double(m->receptors().size())) : 1.0;
        e.neurons += p.size;
        e.neuron_bytes += n * (8.0 * states + 24.0);
        channels += n * receptors;
    }
    for (const auto& p : d.projections) {
        const population *src = d.find_population(p.source), *tgt = d.find_population(p.target);
        if (!src || !tgt) continue;
        const double count = synapse_count(p, src->size, tgt->size);
        e.synapses += static_cast<std::uint64_t>(std::min(count, 1.8e19));
        const bool one_weight = p.weight.type == value_spec::kind::constant;
        const bool generated = p.conn.type == connectivity::kind::fixed_indegree;
        double per = (one_weight ? 4.0 : 8.0) + (generated ? 0.0 : 8.0);
        if (p.plasticity) per += 16.0;
        if (p.conn.type == connectivity::kind::conv2d)
            e.synapse_bytes += 4.0 * double(p.conn.conv.kernel_size());
        e.synapse_bytes += count * per;
        slots = std::max(slots, max_delay_steps(p.delay, d.sim.dt_ms) + 1);
    }
    e.synapse_bytes += 8.0 * double(e.neurons); // row starts
    e.ring_bytes = 4.0 * channels * slots;
    return e;
}

std::uint64_t available_memory() {
    std::uint64_t avail = 0;
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);)
        if (line.rfind("MemAvailable:", 0) == 0) {
            std::istringstream in(line.substr(13));
            std::uint64_t kb = 0;
            if (in >> kb) avail = kb * 1024;
        }
    // A container's limit (cgroup v2) can be lower than what the machine has free.
    std::ifstream cg_max("/sys/fs/cgroup/memory.max"), cg_cur("/sys/fs/cgroup/memory.current");
    std::uint64_t max = 0, cur = 0;
    if (cg_max >> max && cg_cur >> cur && max > cur) avail = avail ? std::min(avail, max - cur) : max - cur;
    return avail;
}

std::string format_bytes(double bytes) {
    const char* unit[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    std::size_t u = 0;
    while (bytes >= 1000.0 && u + 1 < std::size(unit)) {
        bytes /= 1000.0;
        ++u;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.3g %s", bytes, unit[u]);
    return buf;
}

void check_memory(const network_description& d, const model_registry& models, double limit_bytes,
                  const std::string& limit_name) {
    const auto e = estimate_memory(d, models);
    if (e.total() <= limit_bytes) return;
    throw input_error(d.source_file, "",
                      "the network needs about " + format_bytes(e.total()) + " (" +
                          std::to_string(e.neurons) + " neurons: " + format_bytes(e.neuron_bytes) + ", " +
                          std::to_string(e.synapses) + " synapses: " + format_bytes(e.synapse_bytes) +
                          ", delay ring: " + format_bytes(e.ring_bytes) + "), more than the " +
                          format_bytes(limit_bytes) + " of " + limit_name +
                          " (a smaller network, or --max-memory if the estimate is too cautious)");
}

} // namespace spikekit
