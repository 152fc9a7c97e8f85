#pragma once
// Running a mapped network on a chip model, event by event (chips/README.md "Timing and energy").
//
// Each step, every core updates its neurons in order with the integer LIF of spikekit/arith/int_lif.hpp (per
// neuron bias and threshold); each spike leaves as packets (one per destination core on per-axon fan-out
// chips, one multicast packet per destination layer on mask-hypercube trees, one per spike on key/mask
// tables) that cross the network hop by hop, each link busy for one packet at a time; the destination
// core's synapse unit takes the packets in arrival order. Barrier mode (default): a barrier closes the
// step once every core is done, so spikes are delivered exactly as in the kernel (bit-identical for
// lif_int). GALS mode: every core starts its steps on its own clock (period x (1 + skew), phase, jitter);
// a packet whose synaptic work finishes after the target core began the step it was meant for slips one
// step (late_spikes counts such packet deliveries). Plastic projections learn on the online cores with the
// integer STDP of spikekit/arith/int_stdp.hpp (chips/src/learn_engine.hpp): in barrier mode the learned
// weights are the kernel's, bit for bit; each weight update is counted (energy_by_kind "weight_update").
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spikekit/chips/chip.hpp"
#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/network.hpp"
#include "spikekit/core/simulation.hpp"

namespace spikekit::chips {

struct run_options {
    std::int64_t steps = -1; // -1: the network's duration
    bool gals = false;
    std::optional<double> step_period_s, skew_ppm, phase_s, jitter_s; // override the chip's clock
    bool record = true;                                               // keep every spike
    std::optional<std::uint32_t> link_buffer_depth;                   // override the chip's (0: unbounded)
};

struct core_report {
    std::uint32_t core = 0;
    std::uint64_t neurons = 0, spikes = 0, packets_out = 0, packets_in = 0, synaptic_events = 0;
    double busy_s = 0, energy_j = 0;
};

// One link's traffic: packets carried; stalls = packets that found its buffer full and waited upstream;
// max_queue = most packets waiting in its buffer at once, the arriving one included (measured when the chip
// bounds link buffers, 0 otherwise or when no packet had to wait).
struct link_report {
    std::string name;
    std::uint64_t packets = 0, stalls = 0;
    std::uint32_t max_queue = 0;
};

struct chip_report {
    std::string preset;
    std::uint32_t cores_used = 0;
    std::int64_t steps = 0;
    bool gals = false;
    double energy_j = 0, energy_per_step_j = 0, static_energy_j = 0;
    double latency_mean_s = 0, latency_max_s = 0;
    std::uint64_t spikes = 0, synaptic_events = 0, messages = 0, hops = 0, multicast_copies = 0,
                  late_spikes = 0, neuron_updates = 0;
    std::uint64_t weight_updates = 0; // by the online cores' learning engines (STDP table hits, decay steps)
    std::map<std::string, double> energy_by_kind;
    std::vector<std::string> unknowns; // costs the chip file marks unknown (counted as 0)
    std::vector<core_report> cores;
    std::uint32_t link_buffer_depth = 0;     // 0: unbounded
    std::uint64_t stalls = 0;                // over all links
    std::uint32_t max_queue = 0;             // over all links
    std::vector<link_report> links;          // links used only
    std::vector<std::uint64_t> link_packets; // by link id (chips/src/noc.hpp numbering)
    std::vector<double> step_latency_s;
};

struct chip_spikes {
    std::string population;
    std::vector<std::uint32_t> node_ids;
    std::vector<std::int64_t> steps;
    std::vector<std::int32_t> v_end; // every neuron's membrane after the last step
};

struct chip_result {
    chip_report report;
    std::vector<chip_spikes> spikes; // one per population placed on cores, in population order
    // Plastic projections: the weights the online cores learned, as simulation::plastic_weights gives them.
    std::vector<projection_weights> weights;
};

// input_error when the network cannot run there (a float model, a Poisson input, a placement that does not
// fit), naming the population or input and why.
chip_result run_on_chip(const chip_network& net, const chip_spec& chip, const placement& p,
                        const run_options& opt);

// The report as JSON (preset, mode, cores used, energy by kind, latency, traffic per core and link): the
// "chip" object of `spikekit run --chip --json`.
nlohmann::json report_json(const chip_report& r);

} // namespace spikekit::chips
