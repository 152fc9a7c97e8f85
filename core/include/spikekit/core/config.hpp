#pragma once
// JSON config <-> network description. The format is documented in docs/config.md.
//
// Loading checks everything that can be checked without running: JSON syntax (with line and column),
// unknown or missing keys, types, units, parameter ranges, references between sections. Every failure is an
// input_error naming the file and the JSON path (e.g. `projections[2].weight`).
#include <string>
#include <string_view>

#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit {

// Read and check a config file. The files it names (HDF5 datasets, replays, images) must exist: a missing one
// is an input_error naming its JSON path, the path as written and as resolved against the config's directory.
network_description load_config(const std::string& path, const model_registry& models);

// Same, from text; `file_label` names the origin in messages. Relative paths inside the config (HDF5
// datasets) are resolved against `base_dir`.
network_description parse_config(std::string_view text, const std::string& file_label,
                                 const model_registry& models, const std::string& base_dir = ".");

// Canonical JSON of a description (numbers in declared units). parse_config(to_json(d)) == d.
std::string to_json(const network_description& d);

// Checks that need the model tables: references, receptors, parameter ranges, delays >= dt.
void validate(const network_description& d, const model_registry& models);

// The time step range the kernel accepts (ms): below 1e-4 ms every delay or time is millions of steps.
inline constexpr double min_dt_ms = 1e-4, max_dt_ms = 100.0;
// The most steps a run can take: 2^53, so that step counts and times stay exact and far from overflow.
inline constexpr double max_run_steps = 9007199254740992.0;
// Empty when a run of `duration_ms` on a grid of `dt_ms` can be done, else what is wrong with it.
std::string duration_problem(double duration_ms, double dt_ms);

} // namespace spikekit
