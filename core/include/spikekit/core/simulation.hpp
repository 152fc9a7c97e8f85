#pragma once
// The event-driven simulation kernel.
//
// A network description is lowered once (build) into:
//  * one neuron_group per population (structure of arrays, see model.hpp);
//  * a delay ring buffer of input channels: channel = (population, receptor, neuron), slot = step mod D;
//  * synapses in compressed rows: for each source neuron and each delivery block (a fixed range of target
//    channels), the synapses as (delay * channels + channel, weight): 8 bytes each, delays included.
// Then each step (see run() in simulation.cpp for the order and what it guarantees):
//  1. external inputs add to the current slot, groups advance their neurons and emit spikes;
//  2. the spikes of the step, in increasing global id, are delivered block by block into later slots.
// Every floating-point sum happens in an order fixed by the network alone, so results are bit-identical
// for any number of threads.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spikekit/core/context.hpp"
#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"
#include "spikekit/core/plasticity.hpp"

namespace spikekit {

struct recorded_spikes {
    std::string population;
    std::vector<std::uint32_t> node_ids; // local ids within the population
    std::vector<std::int64_t> steps;     // spike at the end of step s, i.e. time (s + 1) * dt
};

struct recorded_trace {
    std::string population;
    std::string variable;
    std::string unit;
    std::vector<std::uint32_t> node_ids;
    std::int64_t first_step = 0;    // sample k is taken after step first_step + k * interval_steps
    std::int64_t interval_steps = 1;
    std::vector<float> values;      // row-major: [sample][neuron]
};

// The synapses of a plastic projection as they are now (local ids, delay in ms).
struct projection_weights {
    std::string projection;
    std::vector<std::uint32_t> source, target;
    std::vector<float> delay_ms, weight;
};

struct population_stats {
    std::string name;
    std::uint32_t size = 0;
    std::uint64_t spikes = 0;
};

class simulation {
public:
    // Builds the network on the context's threads (its seed, when set, replaces the description's).
    // Plastic projections need `rules` (learning::builtin_rules() has the built-in ones).
    simulation(const network_description& d, const model_registry& models, const context& ctx,
               const rule_registry* rules = nullptr);
    // The same with a context of `threads` threads; 0 takes the description's simulation.threads.
    simulation(const network_description& d, const model_registry& models, unsigned threads = 0,
               const rule_registry* rules = nullptr);
    ~simulation();
    simulation(const simulation&) = delete;
    simulation& operator=(const simulation&) = delete;

    // Advance by `duration_ms` (rounded to whole steps). `progress` is called now and then with the fraction
    // done.
    void run(double duration_ms, const std::function<void(double)>& progress = {});

    // Checkpoint: the whole dynamic state (neuron state arrays, spikes in flight in the delay ring, step,
    // counters, recordings so far) saved to HDF5 atomically. Random streams are counter-based, so their
    // position is the step number. restore_checkpoint() loads it into a simulation built from the same
    // network (duration and threads may differ); the run then continues bit-identically.
    void save_checkpoint(const std::string& path) const;
    void restore_checkpoint(const std::string& path);
    // The config JSON a checkpoint was made with (validates the file's format).
    static std::string checkpoint_config(const std::string& path);

    double dt_ms() const;
    std::int64_t steps_done() const;
    double time_ms() const { return static_cast<double>(steps_done()) * dt_ms(); }
    std::uint64_t neurons() const;
    std::uint64_t synapses() const;
    std::uint64_t synapse_bytes() const; // memory held by the synapse rows
    std::uint64_t synaptic_events() const; // spikes x out-degree, delivered so far
    double build_seconds() const;
    unsigned threads() const;
    std::vector<population_stats> population_statistics() const;
    std::uint64_t neuron_updates(std::size_t population) const;
    const std::vector<recorded_spikes>& spikes() const;
    // Hands the spikes recorded so far over without copying them (moved out; the Python module gives them to
    // NumPy this way) and leaves every population's record empty; later steps record into it again. A
    // checkpoint saved afterwards holds only the spikes recorded after the call.
    std::vector<recorded_spikes> take_spikes();
    const std::vector<recorded_trace>& traces() const;
    const network_description& description() const;
    // Per-neuron rates (Hz) for the Poisson input named `input` from now on, one per neuron it drives (in
    // id order): presenting a new stimulus between runs, as Brian2's PoissonGroup rates or NEST's
    // SetStatus on a poisson_generator. input_error for an unknown input or a wrong count.
    void set_rates(std::string_view input, std::span<const double> rates_hz);
    // A reward (neuromodulator) of `amount` delivered now to every plastic projection (reward-modulated rules;
    // the others ignore it), as NEST's volume transmitter.
    void reward(double amount);
    // Learning on (default) or frozen: while frozen, plastic projections deliver their weights but their
    // rules see no events (no weight change, no normalization, traces untouched) and neurons hold their
    // adaptive thresholds (lif_cond_exp theta neither decays nor rises), as Diehl & Cook's labelling and test
    // phases. Saved in checkpoints.
    void set_learning(bool on);
    bool learning() const;
    // Current weights of every plastic projection (rules are brought up to the current time first).
    std::vector<projection_weights> plastic_weights() const;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

} // namespace spikekit
