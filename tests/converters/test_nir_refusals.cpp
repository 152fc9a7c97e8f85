// Malformed NIR graphs and what NIR cannot express: each refusal is an input_error (exit 2 on the command
// line) naming the node and field, the edge, or the population; and the export layout read back.
#include <doctest/doctest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "nir_test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"

using namespace spikekit;
using namespace spikekit::test;
using namespace spikekit::test::nir;

namespace {

std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

nir_graph chain(nir_node middle) {
    return graph({io("in", "Input", {2}), middle, lif("lif", 3, 0.01, 1.0, 1.0)},
                 {{"in", "m"}, {"m", "lif"}});
}

void refused(const nir_graph& g, const std::string& what, bool lenient = false) {
    temp_dir dir("nir_refused");
    const auto path = write(dir, "bad.nir", g);
    converters::nir_import_options o;
    o.lenient = lenient;
    CHECK_THROWS_WITH_AS(converters::import_nir(path, o), doctest::Contains(what.c_str()), input_error);
}

} // namespace

TEST_CASE("malformed graphs are refused naming the node and the field") {
    const auto w6 = numbers({1, 2, 3, 4, 5, 6}, {3, 2});
    // dangling edge
    auto g = chain(linear("m", 3, 2, {1, 2, 3, 4, 5, 6}));
    g.root.edges.emplace_back("lif", "nowhere");
    refused(g, "no node named 'nowhere' (dangling edge)");
    // shape mismatch along an edge (also with --lenient: the element counts differ)
    refused(chain(linear("m", 4, 2, {1, 2, 3, 4, 5, 6, 7, 8})),
            "m (Linear) gives [4] but lif (LIF) field 'tau' expects [3]");
    refused(chain(linear("m", 4, 2, {1, 2, 3, 4, 5, 6, 7, 8})), "shape mismatch", true);
    // unknown node type
    refused(chain(node("m", "Dropout", {{"weight", w6}})), "node/nodes/m/type: unknown node type 'Dropout'");
    // wrong dtypes: a string where numbers belong, floats where NIR stores integers
    refused(chain(node("m", "Linear", {{"weight", text("0.5")}})), "node/nodes/m/weight: expected numbers");
    auto conv =
        node("m", "Conv2d", {{"weight", numbers({1.0}, {1, 1, 1, 1})}, {"stride", numbers({1.0, 1.0})}});
    refused(graph({io("in", "Input", {1, 2, 2}), conv}, {{"in", "m"}}),
            "node/nodes/m/stride: expected an integer dataset (int64)");
    // a missing required field
    refused(chain(node("m", "Affine", {{"weight", w6}})), "node/nodes/m/bias: missing (required by Affine)");
    // a time constant that is not > 0, named by element
    auto het = lif("lif", 3, 0.01, 1.0, 1.0);
    het.fields["tau"] = numbers({0.01, 0.0, 0.01});
    refused(graph({io("in", "Input", {3}), het}, {{"in", "lif"}}),
            "node 'lif' field 'tau' element 1: expected a time constant > 0 s");
    // a field of the wrong length
    auto len = lif("lif", 3, 0.01, 1.0, 1.0);
    len.fields["v_leak"] = numbers({0.0, 0.0});
    refused(graph({io("in", "Input", {3}), len}, {{"in", "lif"}}),
            "node 'lif' field 'v_leak': expected 3 values");
    // a delay that is no whole number of steps
    auto dl = node("m", "Delay", {{"delay", numbers({0.0015, 0.0015})}});
    refused(graph({io("in", "Input", {2}), dl, lif("lif", 2, 0.01, 1.0, 1.0)}, {{"in", "m"}, {"m", "lif"}}),
            "node 'm' field 'delay'");
    // a cycle of linear nodes only
    auto a = linear("a", 2, 2, {1, 0, 0, 1}), b = linear("b", 2, 2, {1, 0, 0, 1});
    refused(graph({io("in", "Input", {2}), a, b, lif("lif", 2, 0.01, 1.0, 1.0)},
                  {{"in", "a"}, {"a", "b"}, {"b", "a"}, {"b", "lif"}}),
            "cycle of linear nodes");
    // an Output with outgoing edges
    refused(graph({io("in", "Input", {2}), io("o", "Output", {2}), lif("lif", 2, 0.01, 1.0, 1.0)},
                  {{"in", "o"}, {"o", "lif"}}),
            "node 'o': an Output node has outgoing edges");
    // a window larger than the input
    auto pool = node("m", "SumPool2d", {{"kernel_size", integers({5, 5})}});
    refused(graph({io("in", "Input", {1, 3, 3}), pool}, {{"in", "m"}}), "node 'm': the window is larger");
}

TEST_CASE("--lenient accepts integral floats and equal-size shapes, and lists them") {
    temp_dir dir("nir_lenient");
    auto pool = node("m", "SumPool2d", {{"kernel_size", numbers({2.0, 2.0})}});
    auto th = node("th", "Threshold", {{"threshold", numbers(std::vector<double>(4, 0.5), {1, 2, 2})}});
    const auto g = graph({io("in", "Input", {1, 4, 4}), pool, th, io("out", "Output", {4})},
                         {{"in", "m"}, {"m", "th"}, {"th", "out"}});
    const auto path = write(dir, "g.nir", g);
    CHECK_THROWS_AS(converters::read_nir(path, false), input_error);
    const auto r = converters::read_nir(path, true);
    REQUIRE(r.relaxed.size() == 2);
    CHECK(r.relaxed[0].find("kernel_size: integral floating-point") != std::string::npos);
    CHECK(r.relaxed[1].find("edge th -> out") != std::string::npos);
}

TEST_CASE("export writes the nir.write layout and refuses what NIR cannot express") {
    temp_dir dir("nir_export");
    const auto models = neurons::builtin_models();
    auto config = [&](const std::string& pop_extra, const std::string& proj_extra) {
        return R"({"name": "x", "simulation": {"dt": 1.0, "duration": 10},
          "populations": [{"name": "in", "size": 2, "model": "spike_source"},
                          {"name": "n", "size": 3, "model": "lif_delta", "params": {"t_ref": 0)" +
               pop_extra + R"(}}],
          "projections": [{"name": "p", "source": "in", "target": "n", "receptor": "exc",
                           "connectivity": {"rule": "all_to_all"}, "weight": 0.5, "delay": 3)" +
               proj_extra + "}]}";
    };
    // A delay beyond the structural step becomes a Delay node; the layout reads back with every type.
    const auto d = parse_config(config("", ""), "x.json", models);
    const auto x = converters::export_nir(d);
    converters::write_nir(x.graph, dir.file("x.nir"));
    const auto g = converters::read_nir(dir.file("x.nir"));
    CHECK(g.version == "1.0.7");
    std::vector<std::string> types;
    for (const auto& n : g.flat) types.push_back(n.name + ":" + n.type);
    std::sort(types.begin(), types.end()); // HDF5 lists links by name
    CHECK(types ==
          std::vector<std::string>{"in:Input", "n:LIF", "output:Output", "p.delay:Delay", "p:Linear"});
    converters::nir_import_options o;
    const auto back = converters::import_nir(dir.file("x.nir"), o);
    CHECK(back.desc.projections.at(0).delay.value == doctest::Approx(3.0));
    CHECK(back.desc.projections.at(0).weight.values == std::vector<double>(6, 0.5));
    // Refusals, and --approximate where it applies.
    auto refuses = [&](const std::string& json, const std::string& what) {
        const auto bad = parse_config(json, "x.json", models);
        CHECK_THROWS_WITH_AS(converters::export_nir(bad), doctest::Contains(what.c_str()), input_error);
    };
    refuses(config(", \"I_e\": 5", ""), "population 'n' I_e: NIR cannot express this: a constant current");
    refuses(replace(config("", ""), "lif_delta", "lif_cond_exp"), "model lif_cond_exp");
    refuses(replace(replace(config("", ""), "lif_delta", "izhikevich"), "{\"t_ref\": 0", "{"),
            "model izhikevich");
    refuses(replace(config("", ""), "\"t_ref\": 0", "\"t_ref\": 2"), "t_ref: NIR cannot express this");
    refuses(config("", ", \"plasticity\": {\"rule\": \"stdp\"}"), "plasticity");
    refuses(config(", \"V_th\": {\"values\": [-55, -54, -53]}", ""),
            "population n.params.V_th: varies from neuron to neuron");
    converters::nir_export_options approx;
    approx.approximate = true;
    const auto t_ref =
        parse_config(replace(config("", ""), "\"t_ref\": 0", "\"t_ref\": 2"), "x.json", models);
    const auto a = converters::export_nir(t_ref, approx);
    REQUIRE(a.notes.size() == 1);
    CHECK(a.notes[0].find("refractory period dropped (--approximate)") != std::string::npos);
}

TEST_CASE("the command line: import --info, import, export, evaluate; exit 2 on a malformed graph") {
    temp_dir dir("nir_cli");
    const std::string bin = SPIKEKIT_BIN;
    const auto good = write(
        dir, "good.nir",
        graph({io("in", "Input", {2, 2, 2}), node("m", "SumPool2d", {{"kernel_size", integers({2, 2})}}),
               node("th", "Threshold", {{"threshold", numbers({0.5, 0.5}, {2, 1, 1})}}),
               io("out", "Output", {2, 1, 1})},
              {{"in", "m"}, {"m", "th"}, {"th", "out"}}));
    auto info = run_command(bin + " import " + good + " --info");
    CHECK(info.exit_code == 0);
    CHECK(info.out.find("m     SumPool2d [2,2,2] -> [2,1,1]") != std::string::npos);
    auto imp = run_command(bin + " import " + good + " --out " + dir.file("net") + " --json");
    CHECK(imp.exit_code == 0);
    CHECK(std::filesystem::exists(dir.file("net/network.json")));
    auto ex = run_command(bin + " export " + dir.file("net/network.json") + " --target nir --out " +
                          dir.file("again.nir"));
    CHECK(ex.exit_code == 0);
    auto info2 = run_command(bin + " import " + dir.file("again.nir") + " --info");
    CHECK(info2.out.find("SumPool2d") != std::string::npos); // a grouped ones kernel goes out as a SumPool2d
    auto bad =
        graph({io("in", "Input", {2}), linear("m", 3, 2, {1, 2, 3, 4, 5, 6})}, {{"in", "m"}, {"m", "gone"}});
    const auto bad_path = write(dir, "bad.nir", bad);
    auto r = run_command(bin + " import " + bad_path + " --out " + dir.file("x"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("no node named 'gone'") != std::string::npos);
    CHECK(run_command(bin + " import " + good + " --out " + dir.file("y") + " --reset sometimes").exit_code ==
          2);
    CHECK(
        run_command(bin + " export " + dir.file("net/network.json") + " --target tflite --out z").exit_code ==
        2);
    // evaluate on two shared N-MNIST recordings with 1 and 2 threads: identical JSON figures
    const auto list = shared_path("data/events/nmnist_small/train1K.txt");
    if (!std::filesystem::exists(list)) {
        MESSAGE("skipped evaluate: shared N-MNIST list missing: " << list);
        return;
    }
    const auto cnn = write(
        dir, "cnn.nir",
        graph(
            {io("in", "Input", {2, 34, 34}), node("pool", "SumPool2d", {{"kernel_size", integers({17, 17})}}),
             node("flat", "Flatten", {{"start_dim", scalar_int(0)}}),
             linear("fc", 10, 8,
                    std::vector<double>{
                        1, 0, 0, 0, 0,  0, 0,  0, 0, 1,  0, 0,  0,   0,   0,   0,   0,    0,    1,    0,
                        0, 0, 0, 0, 0,  0, 0,  1, 0, 0,  0, 0,  0,   0,   0,   0,   1,    0,    0,    0,
                        0, 0, 0, 0, 0,  1, 0,  0, 0, 0,  0, 0,  0,   0,   1,   0,   0,    0,    0,    0,
                        0, 0, 0, 1, -1, 1, -1, 1, 1, -1, 1, -1, 0.5, 0.5, 0.5, 0.5, -0.5, -0.5, -0.5, -0.5}),
             node("out", "LI",
                  {{"tau", numbers(std::vector<double>(10, 0.01))},
                   {"r", numbers(std::vector<double>(10, 1.0))},
                   {"v_leak", numbers(std::vector<double>(10, 0.0))}}),
             io("o", "Output", {10})},
            {{"in", "pool"}, {"pool", "flat"}, {"flat", "fc"}, {"fc", "out"}, {"out", "o"}}));
    std::string results[2];
    for (int t = 1; t <= 2; ++t) {
        auto e = run_command(bin + " evaluate " + cnn + " --events " + list + " --samples 6 --threads " +
                                 std::to_string(t) + " --json --quiet",
                             false);
        REQUIRE(e.exit_code == 0);
        auto j = nlohmann::json::parse(e.out);
        CHECK(j["samples"] == 6);
        CHECK(j["confusion"].size() == 10);
        j.erase("seconds");
        j.erase("samples_per_second");
        j.erase("threads");
        j.erase("cpu_seconds");
        j.erase("build_seconds_per_sample");
        results[t - 1] = j.dump();
    }
    CHECK(results[0] == results[1]);
    // The same network imported to network.json + weights.h5 evaluates to the same figures.
    REQUIRE(run_command(bin + " import " + cnn + " --out " + dir.file("cnn")).exit_code == 0);
    auto as_json = run_command(bin + " evaluate " + dir.file("cnn/network.json") + " --events " + list +
                                   " --samples 6 --json --quiet",
                               false);
    REQUIRE(as_json.exit_code == 0);
    auto jj = nlohmann::json::parse(as_json.out);
    for (const char* k :
         {"seconds", "samples_per_second", "threads", "cpu_seconds", "build_seconds_per_sample"})
        jj.erase(k);
    CHECK(jj.dump() == results[0]);
    // The N-MNIST folder layout: one subfolder per class (recordings copied into the build tree).
    for (const auto& [cls, sample] : {std::pair{"3", "10"}, std::pair{"5", "1"}}) {
        std::filesystem::create_directories(dir.path / "classes" / cls);
        std::filesystem::copy_file(shared_path(std::string("data/events/nmnist_small/") + sample + ".bs2"),
                                   dir.path / "classes" / cls / (std::string(sample) + ".bs2"));
    }
    auto f =
        run_command(bin + " evaluate " + cnn + " --events " + dir.file("classes") + " --json --quiet", false);
    REQUIRE(f.exit_code == 0);
    const auto j = nlohmann::json::parse(f.out);
    CHECK(j["samples"] == 2);
    CHECK(j["per_class"].size() == 2);
    CHECK(j["per_class"].contains("3"));
    CHECK(j["per_class"].contains("5"));
}
