#pragma once
// Machine-readable descriptions shared by every front end (the command line's --json, the Python module):
// the summary of a kernel run and the tables of neuron models and plasticity rules. One definition, so
// `spikekit run --json` and `spikekit.run(...).summary` cannot drift apart.
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "spikekit/core/model.hpp"
#include "spikekit/core/params.hpp"
#include "spikekit/core/plasticity.hpp"
#include "spikekit/core/simulation.hpp"

namespace spikekit {

// What a run's summary needs beyond the simulation itself.
struct run_facts {
    double resumed_at_ms = 0;              // time the run started from (a checkpoint's time, else 0)
    std::optional<std::string> checkpoint; // checkpoint file written, if any
    double run_s = 0;                      // wall-clock seconds spent in simulation::run
    std::optional<std::string> output;     // HDF5 output written, if any
    std::optional<std::string> plot;       // figure written (run --plot), if any
};

// Network, sizes, spike counts and rates (overall and per population), timing and seeds: the object
// `spikekit run --json` prints. Rates are spikes / neurons / simulated seconds (0 before any time passed).
nlohmann::json run_summary(const simulation& sim, const run_facts& facts);

// A parameter table: name, unit, doc, default (null when none), min and max when bounded.
nlohmann::json params_json(std::span<const param_info> params);
// A neuron model: doc, params, state (name, unit, doc) and receptors (name, weight_unit, doc).
nlohmann::json model_json(const neuron_model& m);
// A plasticity rule: doc and params.
nlohmann::json rule_json(const plasticity_rule& r);

} // namespace spikekit
