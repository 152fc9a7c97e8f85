#pragma once
// Registration of the built-in rules, one function per source file (private to learning/).
#include <string>

#include "spikekit/learning/rule.hpp"

namespace spikekit::learning::detail {
void add_stdp_rules(rule_registry& r);         // stdp_rules.cpp
void add_rstdp_rule(rule_registry& r);         // rstdp.cpp
void add_int_stdp_rule(rule_registry& r);      // int_stdp.cpp
void add_normalization_rule(rule_registry& r); // normalization_rule.cpp
std::string check_bounds(const param_map& p);  // "expected w_min < w_max" or empty
} // namespace spikekit::learning::detail
