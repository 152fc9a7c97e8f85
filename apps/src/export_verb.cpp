// spikekit export NET.json --target TARGET: a network description written for another tool. Each target has
// its own file (export_nir.cpp, ...); this file only dispatches on --target.
#include <iostream>

#include "cli.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* export_help = R"(usage: spikekit export NET.json --target TARGET --out PATH [options]

Write the network described by NET.json for another tool.

targets:
  nir     a NIR graph (HDF5, the layout of nir.write) for Norse, snnTorch, Sinabs, Rockpool, Lava, ...
          (spikekit export --target nir --help for its options)

exit codes: 0 ok, 1 runtime failure, 2 bad input (or a model the target cannot express)
)";

} // namespace

int export_verb(const std::vector<std::string>& argv) {
    std::string target;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--target" && i + 1 < argv.size()) target = argv[i + 1];
        if (argv[i].rfind("--target=", 0) == 0) target = argv[i].substr(9);
    }
    if (target.empty()) {
        for (const auto& s : argv)
            if (s == "--help" || s == "-h") {
                std::cout << export_help;
                return ok;
            }
        throw usage_error("export needs --target (nir); see spikekit export --help");
    }
    if (target == "nir") return export_nir_verb(argv);
    throw usage_error("unknown --target '" + target + "' (known: nir)");
}

} // namespace spikekit::app
