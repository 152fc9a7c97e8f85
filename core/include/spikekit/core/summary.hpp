#pragma once
// Machine-readable descriptions shared by every front end (the command line's --json, the Python module):
// the summary of a kernel run and the tables of neuron models and plasticity rules. One definition, so
// `spikekit run --json` and `spikekit.run(...).summary` cannot drift apart.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spikekit/core/model.hpp"
#include "spikekit/core/params.hpp"
#include "spikekit/core/plasticity.hpp"
#include "spikekit/core/simulation.hpp"

namespace spikekit {

// What a plastic run learned: for every plastic projection, its weights before and after (count, means, a
// 10-bin histogram of each over the common range). The figure of merit of the learning examples: Song
// 2000's bimodal distribution, the reward example's volley weights rising while the background falls.
struct weight_change {
    std::string projection;
    std::size_t count = 0;
    double mean_before = 0, mean_after = 0, lo = 0, hi = 0;
    std::vector<std::size_t> before, after; // histograms, weight_histogram_bins equal bins over [lo, hi]
};
inline constexpr std::size_t weight_histogram_bins = 10;
std::vector<weight_change> compare_weights(const std::vector<projection_weights>& before,
                                           const std::vector<projection_weights>& after);
// {projection: {synapses, mean_before, mean_after, histogram_range, histogram_before, histogram_after}}
nlohmann::json weights_json(const std::vector<weight_change>& changes);

// What a run's summary needs beyond the simulation itself.
struct run_facts {
    double resumed_at_ms = 0;              // time the run started from (a checkpoint's time, else 0)
    std::optional<std::string> checkpoint; // checkpoint file written, if any
    double run_s = 0;                      // wall-clock seconds spent in simulation::run
    std::optional<std::string> output;     // HDF5 output written, if any
    std::optional<std::string> plot;       // figure written (run --plot), if any
    std::vector<weight_change> learned;    // compare_weights over the run (learned_weights)
};

// Network, sizes, spike counts and rates (overall and per population), timing and seeds: the object
// `spikekit run --json` prints, with learned_weights (weights_json of facts.learned).
// Rates are spikes / neurons / simulated seconds (0 before any time passed).
nlohmann::json run_summary(const simulation& sim, const run_facts& facts);

// A parameter table: name, unit, doc, default (null when none), min and max when bounded.
nlohmann::json params_json(std::span<const param_info> params);
// A neuron model: doc, params, state (name, unit, doc) and receptors (name, weight_unit, doc).
nlohmann::json model_json(const neuron_model& m);
// A plasticity rule: doc and params.
nlohmann::json rule_json(const plasticity_rule& r);

} // namespace spikekit
