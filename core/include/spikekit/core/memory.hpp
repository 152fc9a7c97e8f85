#pragma once
// What a simulation of a description will need in memory, known before anything is built (CONVENTIONS.md
// #14: check before the work). A population of 2^31 neurons or an in-degree of 10^9 is refused with the
// figure instead of allocating until the machine runs out.
#include <cstdint>
#include <string>

#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit {

// Bytes, from the description and the kernel's storage (simulation.hpp, synapse_table.hpp):
//  * neurons: 8 bytes per state variable per neuron, plus the per-neuron bookkeeping (out-degree, spike
//    masks, input currents: 24 bytes);
//  * synapses: the expected count of each rule (p x sources x targets for fixed_probability) at 4 bytes
//    (key, when the weights fit the weight dictionary: one constant per projection) or 8 bytes (key and
//    weight), plus the 8 bytes per synapse of the (source, target) list held while the rows are filled
//    (in-degree rules generate theirs on demand), plus 16 bytes per plastic synapse; HDF5 connection lists
//    are not opened here and count as nothing;
//  * the delay ring: one float per input channel (population x receptor x neuron) and slot (longest
//    delay in steps + 1; delays from HDF5 count as one step).
struct memory_estimate {
    std::uint64_t neurons = 0, synapses = 0;
    double neuron_bytes = 0, synapse_bytes = 0, ring_bytes = 0;
    double total() const { return neuron_bytes + synapse_bytes + ring_bytes; }
};

memory_estimate estimate_memory(const network_description& d, const model_registry& models);

// The memory the system can give a new allocation now (MemAvailable of /proc/meminfo, or the cgroup's
// limit when lower); 0 when unknown.
std::uint64_t available_memory();

// Throws input_error naming the description's file, the estimate and its parts when it exceeds
// `limit_bytes`; `limit_name` says where the limit comes from ("--max-memory 4GB", "available memory").
void check_memory(const network_description& d, const model_registry& models, double limit_bytes,
                  const std::string& limit_name);

// "1.5 GB": bytes in decimal multiples, three significant digits.
std::string format_bytes(double bytes);

} // namespace spikekit
