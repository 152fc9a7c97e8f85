// spikekit export NET.json --target T ...: a network description written for another platform. Each
// target has its own options and help (export_<target>.cpp); this file only dispatches on --target.
#include <iostream>

#include "cli.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* export_help = R"(usage: spikekit export NET.json --target TARGET [options]

Write the network described in NET.json for another platform.

targets:
  mcu    C++ sources for the freestanding MCU runtime, with host and Cortex-M programs
         (spikekit export --target mcu --help)

exit codes: 0 ok, 1 runtime failure, 2 bad input (config, option)
)";

struct export_target {
    const char* name;
    int (*run)(const std::vector<std::string>&);
};
constexpr export_target targets[] = {{"mcu", export_mcu}};

} // namespace

int export_verb(const std::vector<std::string>& argv) {
    std::string target;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--target" && i + 1 < argv.size())
            target = argv[i + 1];
        else if (argv[i].rfind("--target=", 0) == 0)
            target = argv[i].substr(9);
    }
    if (target.empty()) {
        const bool help = std::find(argv.begin(), argv.end(), "--help") != argv.end() ||
                          std::find(argv.begin(), argv.end(), "-h") != argv.end();
        if (help) {
            std::cout << export_help;
            return ok;
        }
        throw usage_error("export needs --target (mcu); see spikekit export --help");
    }
    for (const auto& t : targets)
        if (target == t.name) return t.run(argv);
    throw usage_error("--target expects mcu, got '" + target + "'");
}

} // namespace spikekit::app
