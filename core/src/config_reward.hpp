#pragma once
// The reward source of a plastic projection, `"plasticity": {..., "reward": {"population": P, "amount": a}}`:
// read from and written to JSON here (config_parse.cpp and config_write.cpp call these), checked against the
// populations in validate.cpp and against the rule in validate_plasticity (plasticity.cpp).
#include <string>

#include <nlohmann/json.hpp>

#include "json_reader.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit::detail {

reward_source parse_reward_source(const json_reader& r);
nlohmann::json reward_source_json(const reward_source& s);
// Empty if `amount` is usable, else the problem ("expected a finite, non-zero amount, got ...").
std::string check_reward_amount(double amount);

} // namespace spikekit::detail
