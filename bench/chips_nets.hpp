#pragma once
// Network descriptions for the chip benchmarks (bench/chips_*.cpp), built in code.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/chips/network.hpp"
#include "spikekit/core/network.hpp"
#include "spikekit/core/plasticity.hpp"
#include "spikekit/core/random.hpp"
#include "spikekit/learning/int_stdp.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::bench {

inline population int_population(const std::string& name, std::uint32_t size, double threshold,
                                 double bias = 0) {
    population p;
    p.name = name;
    p.size = size;
    p.model = "lif_int";
    p.params = {{"threshold", threshold}, {"bias", bias}, {"v_bits", 16}};
    return p;
}

inline projection all_to_all(const std::string& src, const std::string& tgt, value_spec w) {
    projection p;
    p.source = src;
    p.target = tgt;
    p.receptor = "exc";
    p.name = src + "->" + tgt;
    p.weight = std::move(w);
    p.delay = value_spec::constant_of(1.0);
    return p;
}

// n random whole numbers in [lo, hi] (a value list: chips need integer weights).
inline value_spec random_ints(std::size_t n, std::int64_t lo, std::int64_t hi, std::uint64_t seed) {
    value_spec v;
    v.type = value_spec::kind::list;
    v.values.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        rng::stream r(seed, i, 0);
        v.values[i] = static_cast<double>(
            lo + static_cast<std::int64_t>(r.uniform() * static_cast<double>(hi - lo + 1)));
    }
    return v;
}

// `rules`: the plasticity rules of plastic projections (stdp_int runs on the online cores); nullptr for
// static networks (static networks).
inline chips::chip_network for_chip(const network_description& d, const rule_registry* rules = nullptr) {
    static const auto models = neurons::builtin_models();
    chips::rule_params_fn learn;
    if (rules)
        learn = [&d, rules](const plasticity_spec& spec,
                            const std::string& where) -> std::optional<chips::lowered_rule> {
            if (spec.rule != "stdp_int") return std::nullopt;
            const auto p = validate_plasticity(*rules, spec, d.source_file, where);
            return chips::lowered_rule{learning::lower_int_stdp(p, d.sim.dt_ms),
                                       learning::int_stdp_decay_steps(p, d.sim.dt_ms)};
        };
    return chips::lower_network(
        d, models,
        [](const population& p) -> std::optional<intlif::params> {
            if (p.model != "lif_int") return std::nullopt;
            return neurons::lower_int_lif(with_defaults(models.find("lif_int")->params(), p.params));
        },
        learn);
}

} // namespace spikekit::bench
