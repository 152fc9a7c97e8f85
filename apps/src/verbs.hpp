#pragma once
// The verbs of the `spikekit` command. Each takes the arguments after its name and returns an exit code;
// bad input is thrown as spikekit::input_error or app::usage_error and mapped to exit code 2 by main().
#include <string>
#include <vector>

namespace spikekit::app {

int run_verb(const std::vector<std::string>& args);
int models_verb(const std::vector<std::string>& args);
int rules_verb(const std::vector<std::string>& args);
int convert_verb(const std::vector<std::string>& args);
int events_verb(const std::vector<std::string>& args);
int ecg_verb(const std::vector<std::string>& args);
int import_verb(const std::vector<std::string>& args);
int evaluate_verb(const std::vector<std::string>& args);
int chips_verb(const std::vector<std::string>& args);
int map_verb(const std::vector<std::string>& args);
int plot_verb(const std::vector<std::string>& args);
int export_verb(const std::vector<std::string>& args);
// export --target mcu / nir (the arguments after the verb, --target included)
int export_mcu(const std::vector<std::string>& args);
int export_nir_verb(const std::vector<std::string>& args);

} // namespace spikekit::app
