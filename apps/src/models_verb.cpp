// spikekit models [NAME]: the neuron models with their equations, parameters, state and receptors.
#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/neurons/models.hpp"
#include "verbs.hpp"

namespace spikekit::app {

int models_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--help"}, {});
    if (a.flag("--help")) {
        std::cout << "usage: spikekit models [NAME] [--json]\n\nList the neuron models, or describe one: "
                     "equations,\n"
                     "parameters (unit, default, range), state variables and receptors.\n";
        return ok;
    }
    const auto reg = neurons::builtin_models();
    std::vector<std::string> names = a.positional().empty() ? reg.names() : a.positional();
    nlohmann::json all = nlohmann::json::object();
    for (const auto& n : names) {
        const neuron_model* m = reg.find(n);
        if (!m) throw usage_error(unknown_name("model", n, reg.names()));
        nlohmann::json j = {{"doc", m->doc()},
                            {"params", params_json(m->params())},
                            {"state", nlohmann::json::array()},
                            {"receptors", nlohmann::json::array()}};
        for (const auto& s : m->state())
            j["state"].push_back({{"name", s.name}, {"unit", s.unit}, {"doc", s.doc}});
        for (const auto& r : m->receptors())
            j["receptors"].push_back({{"name", r.name}, {"weight_unit", r.weight_unit}, {"doc", r.doc}});
        all[n] = j;
        if (a.flag("--json")) continue;
        print_summary_or_doc(n, m->doc(), !a.positional().empty());
        if (a.positional().empty()) continue;
        print_params(m->params());
        std::printf("state:\n");
        for (const auto& s : m->state())
            std::printf("  %-16s %-5s %s\n", std::string(s.name).c_str(), std::string(s.unit).c_str(),
                        std::string(s.doc).c_str());
        std::printf("receptors:\n");
        for (const auto& r : m->receptors())
            std::printf("  %-16s weight in %-4s %s\n", std::string(r.name).c_str(),
                        std::string(r.weight_unit).c_str(), std::string(r.doc).c_str());
    }
    if (a.flag("--json")) std::cout << all.dump(2) << "\n";
    return ok;
}

} // namespace spikekit::app
