// spikekit rules [NAME]: the plasticity rules with their equations and parameters.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/learning/rules.hpp"
#include "verbs.hpp"

namespace spikekit::app {

int rules_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--help"}, {});
    if (a.flag("--help")) {
        std::cout << "usage: spikekit rules [NAME] [--json]\n\nList the plasticity rules a projection's "
                     "\"plasticity\"\n"
                     "block can name, or describe one: equations and parameters (unit, default, range).\n";
        return ok;
    }
    const auto reg = learning::builtin_rules();
    const std::vector<std::string> names = a.positional().empty() ? reg.names() : a.positional();
    nlohmann::json all = nlohmann::json::object();
    for (const auto& n : names) {
        const plasticity_rule* r = reg.find(n);
        if (!r) throw usage_error(unknown_name("rule", n, reg.names()));
        all[n] = {{"doc", r->doc()}, {"params", params_json(r->params())}};
        if (a.flag("--json")) continue;
        print_summary_or_doc(n, r->doc(), !a.positional().empty());
        if (!a.positional().empty()) print_params(r->params());
    }
    if (a.flag("--json")) std::cout << all.dump(2) << "\n";
    return ok;
}

} // namespace spikekit::app
