#include "config_reward.hpp"

#include <cmath>
#include <sstream>

namespace spikekit::detail {

reward_source parse_reward_source(const json_reader& r) {
    r.only_keys({"population", "amount"});
    reward_source s;
    s.population = r.at("population").as_string();
    if (r.has("amount")) {
        const auto a = r.at("amount");
        s.amount = a.as_number();
        if (auto problem = check_reward_amount(s.amount); !problem.empty()) a.fail(problem);
    }
    return s;
}

nlohmann::json reward_source_json(const reward_source& s) {
    return {{"population", s.population}, {"amount", s.amount}};
}

std::string check_reward_amount(double amount) {
    if (std::isfinite(amount) && amount != 0.0) return {};
    std::ostringstream got;
    got << amount;
    return "expected a finite, non-zero reward amount per spike (< 0 punishes), got " + got.str();
}

} // namespace spikekit::detail
