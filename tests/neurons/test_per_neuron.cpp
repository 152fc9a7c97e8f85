// Per-neuron parameters (lowering::lower_params and every model's per-neuron arithmetic): a population whose
// parameters vary from neuron to neuron behaves exactly as separate populations each given its neuron's
// values as one number; every form of a value (list, HDF5 dataset, distribution) is accepted; bad values
// are refused naming the file, the JSON path, the neuron and the problem.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/io/h5.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}

value_spec list_of(std::vector<double> v) {
    value_spec s;
    s.type = value_spec::kind::list;
    s.values = std::move(v);
    return s;
}

// Spike steps of every neuron of population `name`.
std::vector<std::vector<std::int64_t>> spikes_of(const simulation& sim, const std::string& name,
                                                 std::uint32_t n) {
    std::vector<std::vector<std::int64_t>> out(n);
    for (const auto& r : sim.spikes())
        if (r.population == name)
            for (std::size_t k = 0; k < r.steps.size(); ++k) out[r.node_ids[k]].push_back(r.steps[k]);
    return out;
}

// One population of n neurons with `varying` given per neuron, against n populations of one neuron each
// given neuron i's values as numbers; both driven by the same current and Poisson input, so a neuron's
// spikes can only differ through its parameters. Returns the spikes of the per-neuron population.
std::vector<std::vector<std::int64_t>>
same_as_separate(const std::string& model, const param_map& common,
                 const std::map<std::string, std::vector<double>>& varying, double current_pa,
                 double duration_ms = 200) {
    const auto n = static_cast<std::uint32_t>(varying.begin()->second.size());
    network_description joint, apart;
    joint.sim.dt_ms = apart.sim.dt_ms = 0.1;
    joint.sim.duration_ms = apart.sim.duration_ms = duration_ms;
    population p;
    p.name = "pop";
    p.size = n;
    p.model = model;
    p.params = common;
    for (const auto& [k, v] : varying) p.per_neuron[k] = list_of(v);
    joint.populations.push_back(p);
    joint.spike_recorders.push_back({"pop", {}});
    input cur;
    cur.type = input::kind::current;
    cur.amplitude = current_pa;
    if (current_pa != 0.0) {
        cur.target = "pop";
        joint.inputs.push_back(cur);
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        population q;
        q.name = "n" + std::to_string(i);
        q.size = 1;
        q.model = model;
        q.params = common;
        for (const auto& [k, v] : varying) q.params[k] = v[i];
        apart.populations.push_back(q);
        apart.spike_recorders.push_back({q.name, {}});
        if (current_pa != 0.0) {
            cur.target = q.name;
            apart.inputs.push_back(cur);
        }
    }
    validate(joint, models());
    validate(apart, models());
    simulation a(joint, models(), 1), b(apart, models(), 1);
    a.run(duration_ms);
    b.run(duration_ms);
    const auto got = spikes_of(a, "pop", n);
    std::size_t total = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        CAPTURE(model);
        CAPTURE(i);
        CHECK(got[i] == spikes_of(b, "n" + std::to_string(i), 1)[0]);
        total += got[i].size();
    }
    CHECK(total > 0); // the comparison can fail
    return got;
}
} // namespace

TEST_CASE("every model with per-neuron parameters runs as separate populations with one value each") {
    // Each varied parameter changes the spikes (the rates differ between neurons).
    auto cuba = same_as_separate("lif_exp", {{"E_L", -60}},
                                 {{"tau_m", {10, 20, 15}},
                                  {"V_th", {-55, -50, -52}},
                                  {"C_m", {250, 200, 300}},
                                  {"t_ref", {2, 1, 3}},
                                  {"reset_subtract", {0, 1, 0}}},
                                 500);
    CHECK(cuba[0] != cuba[1]);
    same_as_separate("lif_cond_exp", {},
                     {{"g_L", {16, 20, 12}},
                      {"V_th", {-55, -52, -54}},
                      {"theta_plus", {0, 0.5, 0.2}},
                      {"tau_theta", {100, 50, 80}},
                      {"I_e", {300, 350, 320}}},
                     0);
    same_as_separate("lif_delta", {},
                     {{"tau_m", {10, 20, 5}}, {"E_L", {-70, -65, -60}}, {"V_min", {-80, -75, -90}}}, 400);
    same_as_separate("if_delta", {{"C_m", 250}}, {{"V_th", {1, 2, 3}}, {"reset_subtract", {1, 0, 1}}}, 20);
    same_as_separate("izhikevich", {}, {{"a", {0.02, 0.1, 0.02}}, {"d", {8, 2, 6}}}, 10);
    same_as_separate("adex", {}, {{"b", {80, 0, 40}}, {"tau_w", {144, 100, 200}}}, 800, 100);
    same_as_separate("lif_int", {{"leak_mode", 2}, {"leak_shift", 3}},
                     {{"bias", {3, 5, 0}}, {"threshold", {40, 30, 20}}}, 2);
    // a parameter other than bias and threshold: a whole integer set per neuron
    same_as_separate("lif_int", {{"leak_mode", 2}}, {{"leak_shift", {1, 3, 5}}, {"bias", {9, 9, 2}}}, 1);
}

TEST_CASE("poisson_source with a per-neuron rate and start") {
    network_description d;
    d.sim.dt_ms = 0.1;
    population p;
    p.name = "pop";
    p.size = 3;
    p.model = "poisson_source";
    p.per_neuron["rate"] = list_of({50, 400, 0});
    p.per_neuron["start"] = list_of({0, 100, 0});
    d.populations.push_back(p);
    d.spike_recorders.push_back({"pop", {}});
    simulation sim(d, models(), 1);
    sim.run(400);
    const auto s = spikes_of(sim, "pop", 3);
    CHECK(s[0].size() > 5);
    CHECK(s[1].size() > 3 * s[0].size());
    CHECK(s[1].front() >= 1000); // nothing before its start, 100 ms
    CHECK(s[2].empty());         // rate 0
}

TEST_CASE("event-driven lif_delta with a per-neuron tau decays each neuron with its own") {
    // Without current input the delta neurons run event-driven: the decay since a neuron's last input is
    // applied in one go, from a table for one tau, per neuron for a tau that varies. Three populations of
    // one neuron each (one tau, the table) receive the same input as the three neurons of the joint one.
    network_description d;
    d.sim.dt_ms = 0.1;
    population src;
    src.name = "src";
    src.size = 1;
    src.model = "spike_source";
    src.spike_times.resize(1);
    for (int t = 5; t < 100; t += 5) src.spike_times[0].push_back(t);
    population p;
    p.name = "pop";
    p.size = 3;
    p.model = "lif_delta";
    p.params = {{"V_th", -60}};
    p.per_neuron["tau_m"] = list_of({5, 20, 50});
    d.populations = {src, p};
    d.spike_recorders.push_back({"pop", {}});
    d.state_recorders.push_back({"pop", {"V_m"}, {}, 1.0});
    projection pr;
    pr.source = "src";
    pr.receptor = "exc";
    pr.weight = value_spec::constant_of(3);
    pr.delay = value_spec::constant_of(1);
    pr.target = "pop";
    d.projections.push_back(pr);
    for (int i = 0; i < 3; ++i) {
        population q = p;
        q.name = "n" + std::to_string(i);
        q.size = 1;
        q.per_neuron.clear();
        q.params["tau_m"] = std::vector<double>{5, 20, 50}[static_cast<std::size_t>(i)];
        d.populations.push_back(q);
        d.spike_recorders.push_back({q.name, {}});
        d.state_recorders.push_back({q.name, {"V_m"}, {}, 1.0});
        pr.target = q.name;
        d.projections.push_back(pr);
    }
    simulation sim(d, models(), 1);
    sim.run(100);
    const auto s = spikes_of(sim, "pop", 3);
    CHECK(s[0].empty()); // 3 mV every 5 ms never reaches 10 mV with tau 5 ms
    CHECK(!s[1].empty());
    CHECK(s[1].size() < s[2].size());
    const auto& traces = sim.traces();
    REQUIRE(traces.size() == 4);
    for (std::uint32_t i = 0; i < 3; ++i) {
        CAPTURE(i);
        CHECK(s[i] == spikes_of(sim, "n" + std::to_string(i), 1)[0]);
        const auto& joint = traces[0].values;
        const auto& alone = traces[1 + i].values;
        REQUIRE(joint.size() == 3 * alone.size());
        for (std::size_t k = 0; k < alone.size(); ++k) CHECK(joint[3 * k + i] == alone[k]);
    }
}

TEST_CASE("per-neuron values in every form: list, HDF5 dataset, uniform, normal") {
    test::temp_dir dir("per_neuron_forms");
    {
        io::h5::writer w(dir.file("p.h5"));
        w.write("/bias", std::vector<double>{1, 2, 3, 4});
        w.write("/tau", std::vector<double>{5, 6, 7, 8});
        w.write("/square", std::vector<double>{1, 2, 3, 4}, {2, 2});
        w.write_string("/text", "no numbers");
    }
    const std::string net = R"({"simulation": {"seed": 3}, "populations": [
      {"name": "int", "size": 4, "model": "lif_int", "params": {"bias": {"hdf5": {"file": "p.h5", "dataset": "/bias"}},
        "threshold": {"values": [10, 20, 30, 40]}}},
      {"name": "exp", "size": 4, "model": "lif_exp", "params": {"tau_m": {"hdf5": {"file": "p.h5", "dataset": "/tau"}},
        "V_th": {"uniform": {"low": -56, "high": -50}}, "E_L": {"normal": {"mean": -70, "std": 2, "max": -65}}}}]})";
    const auto path = dir.write("net.json", net);
    const auto d = load_config(path, models());
    const auto lp = lowering::lower_params(d, models(), 0);
    CHECK(lp.per_neuron.at("bias") == std::vector<double>{1, 2, 3, 4});
    CHECK(lp.per_neuron.at("threshold") == std::vector<double>{10, 20, 30, 40});
    CHECK(lp.all.at("leak_mode") == 0); // defaults filled
    const auto fp = lowering::lower_params(d, models(), 1);
    CHECK(fp.per_neuron.at("tau_m") == std::vector<double>{5, 6, 7, 8});
    for (double v : fp.per_neuron.at("V_th")) CHECK((v >= -56 && v < -50));
    for (double v : fp.per_neuron.at("E_L")) CHECK(v <= -65);
    CHECK(fp.per_neuron.at("V_th")[0] != fp.per_neuron.at("V_th")[1]);
    // the draws are counter-based: the same seed gives the same values, another seed others
    CHECK(lowering::lower_params(d, models(), 1).per_neuron == fp.per_neuron);
    auto d2 = d;
    d2.sim.seed = 4;
    CHECK(lowering::lower_params(d2, models(), 1).per_neuron.at("V_th") != fp.per_neuron.at("V_th"));
    // the public integer lowering gives the per-neuron bias and threshold
    const auto il = neurons::lower_int_lif(d, models(), 0);
    CHECK(il.varies);
    CHECK(il.bias == std::vector<std::int32_t>{1, 2, 3, 4});
    CHECK(il.threshold == std::vector<std::int32_t>{10, 20, 30, 40});
    // a description with per-neuron values saves and loads back unchanged
    CHECK(parse_config(to_json(d), path, models()).same_network(d));
    // equal values count as one: the model keeps its one-value arithmetic
    auto same = d;
    same.populations[0].per_neuron["bias"] = list_of({7, 7, 7, 7});
    const auto one = lowering::lower_params(same, models(), 0);
    CHECK(!one.varies("bias"));
    CHECK(one.all.at("bias") == 7);

    // refusals: the file, the JSON path, the neuron (or the dataset) and the problem
    const auto refused = [&](const std::string& text) {
        const auto p = dir.write("bad.json", text);
        try {
            const auto bad = load_config(p, models());
            simulation sim(bad, models(), 1);
        } catch (const input_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const auto pop = [](const std::string& model, const std::string& params) {
        return R"({"populations": [{"name": "p", "size": 4, "model": ")" + model + R"(", "params": {)" +
               params + "}}]}";
    };
    auto msg = refused(pop("lif_exp", R"("tau_m": {"values": [1, 2, 3]})"));
    CHECK(msg.find("bad.json") != std::string::npos);
    CHECK(msg.find("populations[0].params.tau_m") != std::string::npos);
    CHECK(msg.find("expected 4 values") != std::string::npos);
    msg = refused(pop("lif_exp", R"("tau_m": {"values": [1, 2, -3, 4]})"));
    CHECK(msg.find("populations[0].params.tau_m: neuron 2: expected a value > 0 ms, got -3") !=
          std::string::npos);
    msg = refused(pop("lif_exp", R"("tau_m": {"normal": {"mean": -5, "std": 1}})"));
    CHECK(msg.find("populations[0].params.tau_m: neuron") != std::string::npos);
    CHECK(msg.find("expected a value > 0 ms") != std::string::npos);
    msg = refused(pop("lif_exp", R"("V_reset": -60, "V_th": {"values": [-50, -55, -61, -52]})"));
    CHECK(msg.find("populations[0].params: neuron 2 (V_th = -61): expected V_reset < V_th") !=
          std::string::npos);
    msg = refused(pop("lif_int", R"("v_bits": 8, "threshold": {"values": [10, 100, 200, 5]})"));
    CHECK(msg.find("neuron 2 (threshold = 200): threshold does not fit in the membrane's v_bits") !=
          std::string::npos);
    msg = refused(pop("lif_int", R"("bias": {"values": [1, 2.5, 3, 4]})"));
    CHECK(msg.find("params.bias: neuron 1: expected a whole number, got 2.5") != std::string::npos);
    msg = refused(pop("lif_int", R"("bias": {"hdf5": {"file": "p.h5", "dataset": "/square"}})"));
    CHECK(msg.find("p.h5:/square has shape [2, 2], expected a 1-D dataset") != std::string::npos);
    CHECK(msg.find("populations[0].params.bias") != std::string::npos);
    msg = refused(pop("lif_int", R"("bias": {"hdf5": {"file": "p.h5", "dataset": "/text"}})"));
    CHECK(msg.find("p.h5:/text") != std::string::npos);
    msg = refused(pop("lif_int", R"("bias": {"hdf5": {"file": "p.h5", "dataset": "/missing"}})"));
    CHECK(msg.find("/missing") != std::string::npos);
    msg = refused(
        pop("lif_int",
            R"("bias": {"hdf5": {"file": "p.h5", "dataset": "/tau"}}, "threshold": {"values": [1, 2, 3]})"));
    CHECK(msg.find("params.threshold") != std::string::npos);
    msg = refused(pop("lif_exp", R"("nope": {"values": [1, 2, 3, 4]})"));
    CHECK(msg.find("unknown parameter 'nope'") != std::string::npos);
}
