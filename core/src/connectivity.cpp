// Connectivity rules. Every random choice is a pure function of (seed, projection, neuron, draw), so the
// synapses are the same whatever the number of threads that generate them.
#include <algorithm>
#include <cmath>

#include <tbb/parallel_for.h>

#include "spikekit/core/lowering.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::lowering {

value_source::value_source(const value_spec& s, std::uint64_t key, std::size_t expected,
                           const std::string& where)
    : spec_(&s), key_(key) {
    if (s.type == value_spec::kind::list) table_ = s.values;
    if (s.type == value_spec::kind::hdf5) table_ = io::h5::reader(s.file).read_doubles(s.dataset);
    if ((s.type == value_spec::kind::list || s.type == value_spec::kind::hdf5) && table_.size() != expected)
        throw input_error(s.type == value_spec::kind::hdf5 ? s.file : std::string(), where,
                          "expected " + std::to_string(expected) + " values, got " +
                              std::to_string(table_.size()));
}

double value_source::operator()(std::uint64_t item) const {
    const auto& s = *spec_;
    switch (s.type) {
    case value_spec::kind::constant:
        return s.value;
    case value_spec::kind::uniform: {
        rng::stream r(key_, item, 0);
        return s.low + (s.high - s.low) * r.uniform();
    }
    case value_spec::kind::normal: {
        rng::stream r(key_, item, 0);
        for (int attempt = 0; attempt < 1000; ++attempt) { // truncated normal by rejection
            const double v = s.mean + s.std * r.normal();
            if ((!s.min || v >= *s.min) && (!s.max || v <= *s.max)) return v;
        }
        return std::clamp(s.mean, s.min.value_or(s.mean), s.max.value_or(s.mean));
    }
    case value_spec::kind::list:
    case value_spec::kind::hdf5:
        return table_[item];
    }
    return 0.0;
}

namespace {
using kind = connectivity::kind;

// Targets [t0, t1) of a per-target rule, generated in parallel sub-chunks and concatenated in target order.
void generate_targets(const per_target_fn& gen, std::uint32_t t0, std::uint32_t t1,
                      std::vector<std::uint64_t>& start, std::vector<std::uint32_t>& source) {
    constexpr std::uint32_t sub = 256;
    const std::uint32_t n_sub = (t1 - t0 + sub - 1) / sub;
    std::vector<std::vector<std::uint32_t>> parts(n_sub);
    start.assign(std::size_t{t1 - t0} + 1, 0);
    tbb::parallel_for(std::uint32_t{0}, n_sub, [&](std::uint32_t c) {
        std::vector<std::uint32_t> srcs;
        for (std::uint32_t t = t0 + c * sub; t < std::min(t1, t0 + (c + 1) * sub); ++t) {
            srcs.clear();
            gen(t, srcs);
            start[t - t0 + 1] = srcs.size();
            parts[c].insert(parts[c].end(), srcs.begin(), srcs.end());
        }
    });
    for (std::size_t t = 0; t + 1 < start.size(); ++t) start[t + 1] += start[t];
    source.clear();
    source.reserve(start.back());
    for (auto& p : parts) {
        source.insert(source.end(), p.begin(), p.end());
        std::vector<std::uint32_t>().swap(p);
    }
}

// A per-target rule, kept as its generator; `count` is exact when the rule fixes it, else counted.
connection_list by_target(std::uint32_t n_tgt, per_target_fn gen, std::optional<std::uint64_t> count) {
    connection_list out;
    out.grouped = true;
    out.n_targets = n_tgt;
    out.generate = std::move(gen);
    if (count) {
        out.count = *count;
    } else {
        std::vector<std::uint64_t> start;
        std::vector<std::uint32_t> source;
        for (std::uint32_t t0 = 0; t0 < n_tgt; t0 += 65536) {
            generate_targets(
                out.generate, t0,
                static_cast<std::uint32_t>(std::min<std::uint64_t>(n_tgt, std::uint64_t{t0} + 65536)), start,
                source);
            out.count += source.size();
        }
    }
    return out;
}

void draw_without_replacement(rng::stream& r, std::uint32_t n, std::uint32_t k, std::uint32_t skip,
                              std::vector<std::uint32_t>& out) {
    const bool excl = skip < n;
    const std::uint32_t m = excl ? n - 1 : n;
    std::vector<std::uint32_t> chosen;
    chosen.reserve(k);
    for (std::uint32_t j = m - k; j < m; ++j) { // Floyd: uniform k-subset of [0, m)
        const auto t = static_cast<std::uint32_t>(r.uniform() * (j + 1));
        const auto pick = std::find(chosen.begin(), chosen.end(), t) == chosen.end() ? t : j;
        chosen.push_back(pick);
    }
    std::sort(chosen.begin(), chosen.end());
    for (auto c : chosen) out.push_back(excl && c >= skip ? c + 1 : c);
}

connection_list structure(const projection& p, std::uint32_t n_src, std::uint32_t n_tgt, bool same,
                          std::uint64_t key, const std::string& file) {
    const auto& c = p.conn;
    const bool no_self = same && !c.autapses;
    switch (c.type) {
    case kind::all_to_all:
        return by_target(
            n_tgt,
            [=](std::uint32_t t, std::vector<std::uint32_t>& s) {
                for (std::uint32_t i = 0; i < n_src; ++i)
                    if (!(no_self && i == t)) s.push_back(i);
            },
            std::uint64_t{n_src} * n_tgt - (no_self ? std::min(n_src, n_tgt) : 0u));
    case kind::one_to_one:
        return by_target(
            n_tgt,
            [=](std::uint32_t t, std::vector<std::uint32_t>& s) {
                if (!no_self) s.push_back(t);
            },
            no_self ? 0u : std::uint64_t{n_tgt});
    case kind::fixed_probability: {
        // Geometric skipping: the gap to the next connected source is Geometric(p), O(connections) draws.
        const double lq = c.p < 1.0 ? std::log1p(-c.p) : 0.0;
        const double prob = c.p;
        return by_target(
            n_tgt,
            [=](std::uint32_t t, std::vector<std::uint32_t>& s) {
                if (prob <= 0.0) return;
                rng::stream r(key, t, 0);
                double i = -1;
                while (true) {
                    i += prob >= 1.0 ? 1.0 : 1.0 + std::floor(std::log(r.uniform()) / lq);
                    if (i >= n_src) break;
                    const auto src = static_cast<std::uint32_t>(i);
                    if (!(no_self && src == t)) s.push_back(src);
                }
            },
            std::nullopt);
    }
    case kind::fixed_indegree: {
        const std::uint32_t pool = no_self ? n_src - 1 : n_src;
        if (c.n > 0 && pool == 0)
            throw input_error(file, "projection " + p.name, "no possible source neuron");
        if (!c.multapses && c.n > pool)
            throw input_error(file, "projection " + p.name,
                              "in-degree " + std::to_string(c.n) + " exceeds the " + std::to_string(pool) +
                                  " possible sources without multapses");
        const std::uint32_t n = c.n;
        const bool multapses = c.multapses;
        return by_target(
            n_tgt,
            [=](std::uint32_t t, std::vector<std::uint32_t>& s) {
                rng::stream r(key, t, 0);
                if (!multapses) return draw_without_replacement(r, n_src, n, no_self ? t : n_src, s);
                for (std::uint32_t k = 0; k < n; ++k) {
                    auto src = static_cast<std::uint32_t>(r.uniform() * pool);
                    if (no_self && src >= t) ++src;
                    s.push_back(src);
                }
            },
            std::uint64_t{n} * n_tgt);
    }
    case kind::fixed_outdegree: {
        const std::uint32_t pool = no_self ? n_tgt - 1 : n_tgt;
        if (!c.multapses && c.n > pool)
            throw input_error(file, "projection " + p.name,
                              "out-degree " + std::to_string(c.n) + " exceeds the " + std::to_string(pool) +
                                  " possible targets without multapses");
        // Per source, then stably sorted by target (rows end up ordered by target either way).
        // Drawn per source, then grouped by target (a stable counting sort keeps sources ascending).
        std::vector<std::uint32_t> src, tgt, tg;
        src.reserve(std::size_t{n_src} * c.n);
        tgt.reserve(std::size_t{n_src} * c.n);
        for (std::uint32_t s = 0; s < n_src; ++s) {
            rng::stream r(key, s, 1);
            tg.clear();
            if (!c.multapses) {
                draw_without_replacement(r, n_tgt, c.n, no_self ? s : n_tgt, tg);
            } else {
                for (std::uint32_t k = 0; k < c.n; ++k) {
                    auto t = static_cast<std::uint32_t>(r.uniform() * pool);
                    if (no_self && t >= s) ++t;
                    tg.push_back(t);
                }
            }
            for (auto t : tg) {
                src.push_back(s);
                tgt.push_back(t);
            }
        }
        connection_list out;
        out.grouped = true;
        out.start.assign(std::uint64_t{n_tgt} + 1, 0);
        for (auto t : tgt) ++out.start[t + 1];
        for (std::uint32_t t = 0; t < n_tgt; ++t) out.start[t + 1] += out.start[t];
        out.source.assign(
            src.begin(),
            src.end()); // sized (a plain resize trips a GCC 12 -Wnull-dereference false positive)
        std::vector<std::uint64_t> cursor(out.start.begin(), out.start.end() - 1);
        for (std::size_t i = 0; i < src.size(); ++i) out.source[cursor[tgt[i]]++] = src[i];
        out.count = out.source.size();
        return out;
    }
    case kind::conv2d: // lowered as a shared-weight conv_projection, never expanded
        throw input_error(file, "projection " + p.name,
                          "conv2d connectivity cannot be expanded into synapses");
    case kind::list:
    case kind::hdf5: {
        std::vector<std::int64_t> src, tgt;
        if (c.type == kind::list) {
            src.assign(c.sources.begin(), c.sources.end());
            tgt.assign(c.targets.begin(), c.targets.end());
        } else {
            io::h5::reader r(c.file);
            src = r.read_ints(c.sources_dataset);
            tgt = r.read_ints(c.targets_dataset);
            if (src.size() != tgt.size())
                throw input_error(c.file, c.sources_dataset,
                                  "sources and targets datasets differ in length (" +
                                      std::to_string(src.size()) + " vs " + std::to_string(tgt.size()) + ")");
        }
        connection_list out;
        out.source.reserve(src.size());
        out.target.reserve(src.size());
        for (std::size_t i = 0; i < src.size(); ++i) {
            if (src[i] < 0 || src[i] >= n_src || tgt[i] < 0 || tgt[i] >= n_tgt)
                throw input_error(c.type == kind::hdf5 ? c.file : file,
                                  "projection " + p.name + " connection " + std::to_string(i),
                                  "index pair (" + std::to_string(src[i]) + ", " + std::to_string(tgt[i]) +
                                      ") out of range for populations of size " + std::to_string(n_src) +
                                      " and " + std::to_string(n_tgt));
            out.source.push_back(static_cast<std::uint32_t>(src[i]));
            out.target.push_back(static_cast<std::uint32_t>(tgt[i]));
        }
        out.count = out.source.size();
        return out;
    }
    }
    return {};
}
} // namespace

projection_synapses::projection_synapses(const projection& p, std::uint32_t n_src, std::uint32_t n_tgt,
                                         bool same, std::uint64_t seed, std::uint32_t index, double dt_ms,
                                         const std::string& file)
    : projection_synapses(structure(p, n_src, n_tgt, same, key_for(seed, stream_kind::connect, index), file),
                          p, seed, index, dt_ms, file) {}

projection_synapses::projection_synapses(connection_list c, const projection& p, std::uint64_t seed,
                                         std::uint32_t index, double dt_ms, const std::string& file)
    : conn_(std::move(c)), weight_(p.weight, key_for(seed, stream_kind::weight, index), conn_.count,
                                   "projection " + p.name + " weight"),
      delay_(p.delay, key_for(seed, stream_kind::delay, index), conn_.count,
             "projection " + p.name + " delay"),
      dt_(dt_ms), file_(file), where_("projection " + p.name) {
    if (p.weight.type == value_spec::kind::constant) const_weight_ = static_cast<float>(p.weight.value);
    if (p.delay.type == value_spec::kind::constant && conn_.count > 0) const_delay_ = drawn_delay_steps(0);
}

void projection_synapses::for_each_chunk(const std::function<void(const connection_chunk&)>& f) const {
    const auto& c = conn_;
    if (!c.generate) {
        connection_chunk whole;
        whole.start = c.start;
        whole.source = c.source;
        if (!c.grouped) whole.target = c.target;
        f(whole);
        return;
    }
    // Chunks of about 2^20 synapses: bounded memory, and enough targets to keep both threads busy.
    const std::uint64_t per_target = c.n_targets ? std::max<std::uint64_t>(1, c.count / c.n_targets) : 1;
    const auto step =
        static_cast<std::uint32_t>(std::clamp<std::uint64_t>((1u << 20) / per_target, 256, 1u << 20));
    std::vector<std::uint64_t> start;
    std::vector<std::uint32_t> source;
    std::uint64_t item = 0;
    for (std::uint32_t t0 = 0; t0 < c.n_targets; t0 += step) {
        const auto t1 =
            static_cast<std::uint32_t>(std::min<std::uint64_t>(c.n_targets, std::uint64_t{t0} + step));
        generate_targets(c.generate, t0, t1, start, source);
        connection_chunk piece;
        piece.item0 = item;
        piece.t0 = t0;
        piece.start = start;
        piece.source = source;
        f(piece);
        item += source.size();
    }
}

std::uint32_t projection_synapses::drawn_delay_steps(std::uint64_t item) const {
    const double d = std::max(1.0, std::round(delay_(item) / dt_));
    if (d > max_delay_steps)
        throw input_error(file_, where_ + " synapse " + std::to_string(item),
                          "delay longer than " + std::to_string(max_delay_steps) + " steps");
    return static_cast<std::uint32_t>(d);
}

} // namespace spikekit::lowering
