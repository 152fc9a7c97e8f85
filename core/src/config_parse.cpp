// JSON config -> network description. Structure and units are checked here, with the JSON path of every
// value at hand; checks across sections are in validate.cpp.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config_reward.hpp"
#include "json_reader.hpp"
#include "spikekit/core/config.hpp"

namespace spikekit {
namespace {
using detail::json_reader;

// "a, b, c" from the `.name` of each element (or the elements themselves for strings).
template <class Range>
std::string join_names(const Range& items) {
    std::string list;
    for (const auto& q : items) {
        if constexpr (requires { q.name; })
            list += (list.empty() ? "" : ", ") + std::string(q.name);
        else
            list += (list.empty() ? "" : ", ") + std::string(q);
    }
    return list;
}

// The population named `name`, or a failure at `r`.
const population& find_target(const json_reader& r, const std::vector<population>& pops,
                              const std::string& name) {
    for (const auto& q : pops)
        if (q.name == name) return q;
    r.fail("unknown population '" + name + "'");
}

struct parser {
    const model_registry& models;
    std::string base_dir;

    std::string resolve(const std::string& f) const {
        std::filesystem::path p(f);
        if (p.is_absolute() || base_dir.empty() || base_dir == ".") return f;
        return (std::filesystem::path(base_dir) / p).lexically_normal().string();
    }

    value_spec value(const json_reader& r, std::string_view unit) const {
        const auto& j = r.json();
        if (j.is_number() || j.is_string()) return value_spec::constant_of(r.as_quantity(unit));
        r.only_keys({"uniform", "normal", "values", "hdf5"});
        if (r.size() != 1) r.fail("expected exactly one of: a number, uniform, normal, values, hdf5");
        value_spec s;
        if (r.has("uniform")) {
            auto u = r.at("uniform");
            u.only_keys({"low", "high"});
            s.type = value_spec::kind::uniform;
            s.low = u.at("low").as_quantity(unit);
            s.high = u.at("high").as_quantity(unit);
            if (!(s.high > s.low)) u.fail("expected high > low");
        } else if (r.has("normal")) {
            auto n = r.at("normal");
            n.only_keys({"mean", "std", "min", "max"});
            s.type = value_spec::kind::normal;
            s.mean = n.at("mean").as_quantity(unit);
            s.std = n.at("std").as_quantity(unit);
            if (s.std < 0) n.at("std").fail("expected std >= 0");
            if (n.has("min")) s.min = n.at("min").as_quantity(unit);
            if (n.has("max")) s.max = n.at("max").as_quantity(unit);
            if (s.min && s.max && !(*s.max > *s.min)) n.fail("expected max > min");
            if (s.min && s.mean + 6 * s.std < *s.min)
                n.fail("the bounds exclude almost all of the distribution");
            if (s.max && s.mean - 6 * s.std > *s.max)
                n.fail("the bounds exclude almost all of the distribution");
        } else if (r.has("values")) {
            auto v = r.at("values");
            v.expect_array();
            s.type = value_spec::kind::list;
            for (std::size_t i = 0; i < v.size(); ++i) s.values.push_back(v[i].as_quantity(unit));
        } else {
            auto h = r.at("hdf5");
            h.only_keys({"file", "dataset"});
            s.type = value_spec::kind::hdf5;
            s.file = resolve(h.at("file").as_string());
            s.dataset = h.at("dataset").as_string();
        }
        return s;
    }

    neuron_selection selection(const json_reader& r) const {
        neuron_selection s;
        const auto& j = r.json();
        if (j.is_string()) {
            if (r.as_string() != "all")
                r.fail("expected \"all\", a list of neuron indices, {\"first\": n} or {\"range\": [a, b]}");
            return s;
        }
        s.all = false;
        if (j.is_array()) {
            for (std::size_t i = 0; i < r.size(); ++i)
                s.ids.push_back(static_cast<std::uint32_t>(r[i].as_count()));
            return s;
        }
        r.only_keys({"first", "range"});
        if (r.has("first")) {
            const auto n = r.at("first").as_count();
            for (std::uint32_t i = 0; i < n; ++i) s.ids.push_back(i);
        } else {
            auto rg = r.at("range");
            rg.expect_array();
            if (rg.size() != 2) rg.fail("expected [first, last_exclusive]");
            const auto a = rg[0].as_count(), b = rg[1].as_count();
            if (b < a) rg.fail("expected last_exclusive >= first");
            for (auto i = a; i < b; ++i) s.ids.push_back(static_cast<std::uint32_t>(i));
        }
        return s;
    }

    const neuron_model& model_of(const json_reader& r, const std::string& name) const {
        const neuron_model* m = models.find(name);
        if (!m) {
            r.fail("unknown neuron model '" + name + "' (available: " + join_names(models.names()) + ")");
        }
        return *m;
    }

    replay_spec parse_replay(const json_reader& r) const {
        r.expect_object();
        replay_spec s;
        s.kind = r.at("kind").as_string();
        if (s.kind != "events" && s.kind != "ecg")
            r.at("kind").fail("unknown replay kind '" + s.kind + "' (expected events or ecg)");
        s.file = resolve(r.at("file").as_string());
        for (auto it = r.json().begin(); it != r.json().end(); ++it)
            if (it.key() != "kind" && it.key() != "file") s.options[it.key()] = r.at(it.key()).as_number();
        return s;
    }

    population parse_population(const json_reader& r) const {
        r.only_keys({"name", "size", "model", "params", "initial", "spike_times", "replay"});
        population p;
        p.name = r.at("name").as_string();
        if (p.name.empty()) r.at("name").fail("expected a non-empty name");
        p.size = static_cast<std::uint32_t>(r.at("size").as_count(1u << 31));
        if (p.size == 0) r.at("size").fail("expected a size >= 1");
        p.model = r.at("model").as_string();
        const auto& m = model_of(r.at("model"), p.model);
        if (r.has("params")) {
            auto pr = r.at("params");
            pr.expect_object();
            for (auto it = pr.json().begin(); it != pr.json().end(); ++it) {
                json_reader v(*it, r.file(), pr.path() + "." + it.key());
                const param_info* info = find_param(m.params(), it.key());
                if (!info) {
                    v.fail("unknown parameter '" + it.key() + "' of model " + p.model +
                           " (parameters: " + join_names(m.params()) + ")");
                }
                if (it->is_object()) { // per neuron: values, hdf5 or a distribution (lower_params checks)
                    p.per_neuron[it.key()] = value(v, info->unit);
                    continue;
                }
                const double x = v.as_quantity(info->unit);
                if (auto msg = check_range(*info, x); !msg.empty()) v.fail(msg);
                p.params[it.key()] = x;
            }
        }
        if (r.has("initial")) {
            auto ir = r.at("initial");
            ir.expect_object();
            for (auto it = ir.json().begin(); it != ir.json().end(); ++it) {
                json_reader v(*it, r.file(), ir.path() + "." + it.key());
                const auto idx = m.state_index(it.key());
                if (idx < 0) {
                    v.fail("unknown state variable '" + it.key() + "' of model " + p.model +
                           " (state: " + join_names(m.state()) + ")");
                }
                p.initial[it.key()] = value(v, m.state()[static_cast<std::size_t>(idx)].unit);
            }
        }
        if (r.has("replay")) p.replay = parse_replay(r.at("replay"));
        if (r.has("replay") && r.has("spike_times"))
            r.at("replay").fail("give either spike_times or replay, not both");
        if (r.has("spike_times")) {
            auto st = r.at("spike_times");
            st.expect_array();
            for (std::size_t i = 0; i < st.size(); ++i) {
                auto row = st[i];
                row.expect_array();
                std::vector<double> times;
                for (std::size_t k = 0; k < row.size(); ++k) times.push_back(row[k].as_quantity("ms"));
                p.spike_times.push_back(std::move(times));
            }
        }
        return p;
    }

    // A pair [a, b] or one number for both.
    static std::array<std::uint32_t, 2> pair_of(const json_reader& r, std::uint64_t min) {
        std::array<std::uint32_t, 2> v{};
        if (r.json().is_array()) {
            if (r.size() != 2) r.fail("expected [rows, columns] or one number");
            for (std::size_t i = 0; i < 2; ++i) v[i] = static_cast<std::uint32_t>(r[i].as_count());
        } else {
            v[0] = v[1] = static_cast<std::uint32_t>(r.as_count());
        }
        if (v[0] < min || v[1] < min) r.fail("expected values >= " + std::to_string(min));
        return v;
    }

    static conv2d_spec parse_conv2d(const json_reader& r) {
        conv2d_spec c;
        auto shape = r.at("in_shape");
        shape.expect_array();
        if (shape.size() != 3) shape.fail("expected [channels, height, width]");
        for (std::size_t i = 0; i < 3; ++i) {
            c.in_shape[i] = static_cast<std::uint32_t>(shape[i].as_count());
            if (c.in_shape[i] == 0) shape[i].fail("expected a size >= 1");
        }
        c.out_channels = static_cast<std::uint32_t>(r.at("out_channels").as_count());
        c.kernel = pair_of(r.at("kernel"), 1);
        if (r.has("stride")) c.stride = pair_of(r.at("stride"), 1);
        if (r.has("padding")) c.padding = pair_of(r.at("padding"), 0);
        if (r.has("dilation")) c.dilation = pair_of(r.at("dilation"), 1);
        if (r.has("groups")) c.groups = static_cast<std::uint32_t>(r.at("groups").as_count());
        if (c.groups == 0 || c.in_shape[0] % c.groups || c.out_channels % c.groups || c.out_channels == 0)
            r.fail("expected out_channels >= 1 and groups >= 1 dividing both the input channels (" +
                   std::to_string(c.in_shape[0]) + ") and out_channels (" + std::to_string(c.out_channels) +
                   ")");
        if (c.out_h() == 0 || c.out_w() == 0) r.at("kernel").fail("the kernel does not fit the padded input");
        return c;
    }

    connectivity parse_connectivity(const json_reader& r) const {
        r.only_keys({"rule", "p", "n", "autapses", "multapses", "sources", "targets", "file",
                     "sources_dataset", "targets_dataset", "in_shape", "out_channels", "kernel", "stride",
                     "padding", "dilation", "groups"});
        connectivity c;
        const auto rule = r.at("rule").as_string();
        using k = connectivity::kind;
        if (rule == "all_to_all")
            c.type = k::all_to_all;
        else if (rule == "one_to_one")
            c.type = k::one_to_one;
        else if (rule == "fixed_probability")
            c.type = k::fixed_probability;
        else if (rule == "fixed_indegree")
            c.type = k::fixed_indegree;
        else if (rule == "fixed_outdegree")
            c.type = k::fixed_outdegree;
        else if (rule == "list")
            c.type = k::list;
        else if (rule == "hdf5")
            c.type = k::hdf5;
        else if (rule == "conv2d")
            c.type = k::conv2d;
        else
            r.at("rule").fail("unknown connectivity rule '" + rule +
                              "' (expected all_to_all, one_to_one, fixed_probability, fixed_indegree, "
                              "fixed_outdegree, list, hdf5 or conv2d)");
        if (c.type == k::conv2d) c.conv = parse_conv2d(r);
        if (c.type == k::fixed_probability) {
            c.p = r.at("p").as_number();
            if (c.p < 0 || c.p > 1)
                r.at("p").fail("expected a probability in [0, 1], got " + r.at("p").json().dump());
        }
        if (c.type == k::fixed_indegree || c.type == k::fixed_outdegree)
            c.n = static_cast<std::uint32_t>(r.at("n").as_count());
        if (r.has("autapses")) c.autapses = r.at("autapses").as_bool();
        if (r.has("multapses")) c.multapses = r.at("multapses").as_bool();
        if (c.type == k::list) {
            auto s = r.at("sources"), t = r.at("targets");
            s.expect_array();
            t.expect_array();
            if (s.size() != t.size())
                r.fail("expected 'sources' and 'targets' of the same length, got " +
                       std::to_string(s.size()) + " and " + std::to_string(t.size()));
            for (std::size_t i = 0; i < s.size(); ++i) {
                c.sources.push_back(static_cast<std::uint32_t>(s[i].as_count()));
                c.targets.push_back(static_cast<std::uint32_t>(t[i].as_count()));
            }
        }
        if (c.type == k::hdf5) {
            c.file = resolve(r.at("file").as_string());
            c.sources_dataset = r.at("sources_dataset").as_string();
            c.targets_dataset = r.at("targets_dataset").as_string();
        }
        return c;
    }

    // The target's receptor decides the weight unit, so the target population is looked up here.
    projection parse_projection(const json_reader& r, const std::vector<population>& pops) const {
        r.only_keys(
            {"name", "source", "target", "receptor", "connectivity", "weight", "delay", "plasticity"});
        projection p;
        p.source = r.at("source").as_string();
        p.target = r.at("target").as_string();
        p.name = r.string_or("name", p.source + "->" + p.target);
        const population* tgt = &find_target(r.at("target"), pops, p.target);
        const auto& m = model_of(r.at("target"), tgt->model);
        if (m.receptors().empty())
            r.at("target").fail("population '" + p.target + "' (model " + tgt->model +
                                ") takes no synaptic input");
        p.receptor = r.string_or("receptor", std::string(m.receptors()[0].name));
        const auto ri = m.receptor_index(p.receptor);
        if (ri < 0) {
            r.at("receptor")
                .fail("unknown receptor '" + p.receptor + "' of model " + tgt->model +
                      " (receptors: " + join_names(m.receptors()) + ")");
        }
        p.conn = parse_connectivity(r.at("connectivity"));
        p.weight = value(r.at("weight"), m.receptors()[static_cast<std::size_t>(ri)].weight_unit);
        if (r.has("delay")) p.delay = value(r.at("delay"), "ms");
        if (r.has("plasticity")) {
            auto pl = r.at("plasticity");
            pl.only_keys({"rule", "params", "reward"});
            plasticity_spec ps;
            ps.rule = pl.at("rule").as_string();
            if (pl.has("params")) {
                auto pp = pl.at("params");
                pp.expect_object();
                for (auto it = pp.json().begin(); it != pp.json().end(); ++it)
                    ps.params[it.key()] = json_reader(*it, r.file(), pp.path() + "." + it.key()).as_number();
            }
            if (pl.has("reward")) ps.reward = detail::parse_reward_source(pl.at("reward"));
            p.plasticity = ps;
        }
        return p;
    }

    // "rates_from": {"images": FILE, "present": 350, "rest": 150, "max_rate": 63.75, "count": N, "first": 0,
    //                "shuffle": 0}
    image_rates_spec parse_image_rates(const json_reader& r) const {
        r.expect_object();
        r.only_keys({"images", "present", "rest", "max_rate", "count", "first", "shuffle"});
        image_rates_spec s;
        s.file = resolve(r.at("images").as_string());
        s.present_ms = r.quantity_or("present", "ms", s.present_ms);
        if (!(s.present_ms > 0)) r.at("present").fail("expected a duration > 0 ms");
        s.rest_ms = r.quantity_or("rest", "ms", s.rest_ms);
        if (s.rest_ms < 0) r.at("rest").fail("expected a duration >= 0 ms");
        s.max_rate_hz = r.quantity_or("max_rate", "Hz", s.max_rate_hz);
        if (s.max_rate_hz < 0) r.at("max_rate").fail("expected a rate >= 0 Hz");
        s.count = static_cast<std::uint32_t>(r.at("count").as_count());
        if (s.count == 0) r.at("count").fail("expected at least 1 image");
        if (r.has("first")) s.first = static_cast<std::uint32_t>(r.at("first").as_count());
        if (r.has("shuffle")) s.shuffle = r.at("shuffle").as_count(UINT64_MAX >> 11);
        return s;
    }

    input parse_input(const json_reader& r, const std::vector<population>& pops) const {
        r.only_keys({"name", "type", "target", "neurons", "receptor", "rate", "weight", "amplitude", "steps",
                     "start", "stop", "rates_from"});
        input in;
        const auto type = r.at("type").as_string();
        in.target = r.at("target").as_string();
        in.name = r.string_or("name", type + "->" + in.target);
        if (r.has("neurons")) in.neurons = selection(r.at("neurons"));
        in.start_ms = r.quantity_or("start", "ms", 0.0);
        if (r.has("stop")) in.stop_ms = r.at("stop").as_quantity("ms");
        const population* tgt = &find_target(r.at("target"), pops, in.target);
        const auto& m = model_of(r.at("target"), tgt->model);
        if (type == "poisson") {
            in.type = input::kind::poisson;
            if (m.receptors().empty())
                r.at("target").fail("population '" + in.target + "' takes no synaptic input");
            in.receptor = r.string_or("receptor", std::string(m.receptors()[0].name));
            const auto ri = m.receptor_index(in.receptor);
            if (ri < 0)
                r.at("receptor").fail("unknown receptor '" + in.receptor + "' of model " + tgt->model);
            if (r.has("rates_from")) {
                if (r.has("rate")) r.at("rate").fail("give either rate or rates_from, not both");
                in.rates_from = parse_image_rates(r.at("rates_from"));
            } else {
                in.rate_hz = r.at("rate").as_quantity("Hz");
                if (in.rate_hz < 0) r.at("rate").fail("expected a rate >= 0 Hz");
            }
            in.weight = r.at("weight").as_quantity(m.receptors()[static_cast<std::size_t>(ri)].weight_unit);
        } else if (type == "current") {
            in.type = input::kind::current;
            in.amplitude = r.quantity_or("amplitude", "pA", 0.0);
            if (r.has("steps")) {
                auto st = r.at("steps");
                st.expect_array();
                for (std::size_t i = 0; i < st.size(); ++i) {
                    auto e = st[i];
                    e.expect_array();
                    if (e.size() != 2) e.fail("expected [time, amplitude]");
                    in.steps.emplace_back(e[0].as_quantity("ms"), e[1].as_quantity("pA"));
                    if (i > 0 && in.steps[i].first <= in.steps[i - 1].first)
                        e.fail("expected step times in increasing order");
                }
            }
        } else {
            r.at("type").fail("unknown input type '" + type + "' (expected poisson or current)");
        }
        return in;
    }

    void parse_record(const json_reader& r, network_description& d) const {
        r.only_keys({"spikes", "state"});
        if (r.has("spikes")) {
            auto s = r.at("spikes");
            s.expect_array();
            for (std::size_t i = 0; i < s.size(); ++i) {
                auto e = s[i];
                e.only_keys({"population", "neurons"});
                spike_recorder sr;
                sr.population = e.at("population").as_string();
                if (e.has("neurons")) sr.neurons = selection(e.at("neurons"));
                d.spike_recorders.push_back(std::move(sr));
            }
        }
        if (r.has("state")) {
            auto s = r.at("state");
            s.expect_array();
            for (std::size_t i = 0; i < s.size(); ++i) {
                auto e = s[i];
                e.only_keys({"population", "variables", "neurons", "interval"});
                state_recorder sr;
                sr.population = e.at("population").as_string();
                auto v = e.at("variables");
                v.expect_array();
                for (std::size_t k = 0; k < v.size(); ++k) sr.variables.push_back(v[k].as_string());
                if (e.has("neurons")) sr.neurons = selection(e.at("neurons"));
                sr.interval_ms = e.quantity_or("interval", "ms", 0.0);
                if (e.has("interval") && !(sr.interval_ms > 0))
                    e.at("interval")
                        .fail(
                            "expected an interval > 0 ms (leave 'interval' out to sample every step), got " +
                            e.at("interval").json().dump());
                d.state_recorders.push_back(std::move(sr));
            }
        }
    }

    network_description parse(const json_reader& root) const {
        root.only_keys(
            {"name", "description", "simulation", "populations", "projections", "inputs", "record"});
        network_description d;
        d.name = root.string_or("name", "network");
        d.description = root.string_or("description", "");
        if (root.has("simulation")) {
            auto s = root.at("simulation");
            s.only_keys({"dt", "duration", "seed", "threads"});
            d.sim.dt_ms = s.quantity_or("dt", "ms", d.sim.dt_ms);
            if (!(d.sim.dt_ms >= min_dt_ms && d.sim.dt_ms <= max_dt_ms))
                s.at("dt").fail("expected a time step in [0.0001, 100] ms, got " + s.at("dt").json().dump());
            d.sim.duration_ms = s.quantity_or("duration", "ms", d.sim.duration_ms);
            if (auto problem = duration_problem(d.sim.duration_ms, d.sim.dt_ms); !problem.empty())
                s.at("duration").fail(problem);
            if (s.has("seed")) d.sim.seed = s.at("seed").as_count(UINT64_MAX >> 11);
            if (s.has("threads")) d.sim.threads = static_cast<unsigned>(s.at("threads").as_count(1024));
            if (d.sim.threads == 0) s.at("threads").fail("expected threads >= 1");
        }
        auto pops = root.at("populations");
        pops.expect_array();
        if (pops.size() == 0) pops.fail("expected at least one population");
        for (std::size_t i = 0; i < pops.size(); ++i) d.populations.push_back(parse_population(pops[i]));
        if (root.has("projections")) {
            auto pr = root.at("projections");
            pr.expect_array();
            for (std::size_t i = 0; i < pr.size(); ++i)
                d.projections.push_back(parse_projection(pr[i], d.populations));
        }
        if (root.has("inputs")) {
            auto in = root.at("inputs");
            in.expect_array();
            for (std::size_t i = 0; i < in.size(); ++i) d.inputs.push_back(parse_input(in[i], d.populations));
        }
        if (root.has("record")) parse_record(root.at("record"), d);
        return d;
    }
};

// The JSON path of the value at which parsing stopped: a SAX pass that only follows keys and array indices
// (nlohmann reports a number out of double range, such as 1e999, without a position).
class path_finder {
  public:
    using json = nlohmann::json;
    std::size_t byte = 0;
    std::string token;

    std::string path() const {
        std::string p;
        for (const auto& l : stack_)
            p += l.array ? "[" + std::to_string(l.index) + "]" : (p.empty() ? "" : ".") + l.key;
        return p.empty() ? "(top level)" : p;
    }
    bool null() { return value(); }
    bool boolean(bool) { return value(); }
    bool number_integer(json::number_integer_t) { return value(); }
    bool number_unsigned(json::number_unsigned_t) { return value(); }
    bool number_float(json::number_float_t, const std::string&) { return value(); }
    bool string(std::string&) { return value(); }
    bool binary(json::binary_t&) { return value(); }
    bool start_object(std::size_t) { return push(false); }
    bool key(std::string& k) {
        stack_.back().key = k;
        return true;
    }
    bool end_object() { return pop(); }
    bool start_array(std::size_t) { return push(true); }
    bool end_array() { return pop(); }
    bool parse_error(std::size_t position, const std::string& last_token,
                     const nlohmann::detail::exception&) {
        byte = position;
        token = last_token;
        return false;
    }

  private:
    struct level {
        bool array;
        std::size_t index;
        std::string key;
    };
    std::vector<level> stack_;
    bool value() {
        if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
        return true;
    }
    bool push(bool array) {
        stack_.push_back({array, 0, ""});
        return true;
    }
    bool pop() {
        stack_.pop_back();
        return value();
    }
};

std::string line_col(std::string_view text, std::size_t byte) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}
} // namespace

network_description parse_config(std::string_view text, const std::string& file_label,
                                 const model_registry& models, const std::string& base_dir) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        std::string what = e.what();
        if (auto pos = what.find("syntax error"); pos != std::string::npos) what = what.substr(pos);
        throw input_error(file_label, line_col(text, e.byte == 0 ? 0 : e.byte - 1), "invalid JSON: " + what);
    } catch (const nlohmann::json::out_of_range&) { // a number beyond the range of a double
        path_finder f;
        nlohmann::json::sax_parse(text.begin(), text.end(), &f);
        throw input_error(file_label, f.path() + " (" + line_col(text, f.byte == 0 ? 0 : f.byte - 1) + ")",
                          "the number " + f.token + " is out of the range of a double (about 1.8e308)");
    }
    parser p{models, base_dir};
    auto d = p.parse(json_reader(j, file_label, ""));
    d.source_file = file_label;
    validate(d, models);
    return d;
}

network_description load_config(const std::string& path, const model_registry& models) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path, "", "cannot open the file for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw input_error(path, "", "read error");
    const auto base = std::filesystem::path(path).parent_path().string();
    return parse_config(ss.str(), path, models, base.empty() ? "." : base);
}

} // namespace spikekit
