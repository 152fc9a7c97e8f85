#include "rules_detail.hpp"
#include "spikekit/learning/rules.hpp"

namespace spikekit::learning {

rule_registry builtin_rules() {
    rule_registry r;
    detail::add_stdp_rules(r);
    detail::add_rstdp_rule(r);
    detail::add_int_stdp_rule(r);
    detail::add_normalization_rule(r);
    return r;
}

} // namespace spikekit::learning
