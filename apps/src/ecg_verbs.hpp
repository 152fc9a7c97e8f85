#pragma once
// The ECG monitor's sub-verbs of `spikekit ecg` (train, evaluate, monitor) and what they share.
#include <functional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "ecg_data.hpp"

namespace spikekit::app::ecg {

int train_verb(const std::vector<std::string>& argv);
int evaluate_verb(const std::vector<std::string>& argv);
int monitor_verb(const std::vector<std::string>& argv);

// The MIT-BIH folder: --data, else ../shared/data/mitdb beside the source tree, else ./mitdb.
std::string data_dir(const args& a);

// Features of the annotated beats of every record, record index set; progress on stderr.
std::vector<beat> load_beats(const std::vector<std::string>& records, const feature_config& f,
                             const class_set& cs, bool quiet);

} // namespace spikekit::app::ecg
