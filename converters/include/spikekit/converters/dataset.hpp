#pragma once
// Labelled samples for calibration and evaluation, loaded whole into memory as float32.
//
// Three layouts, chosen by what `path` is:
//  * a directory with MNIST IDX files `<p>-images-idx3-ubyte` and `<p>-labels-idx1-ubyte`, gzipped (.gz) or
//    not, p = `train` or `t10k` by split: /usr/share/datasets/fashion-mnist works as it is;
//  * a directory with NumPy files `<split>_images.npy` and `<split>_labels.npy` (split = train or test);
//  * an HDF5 file (.h5 / .hdf5) with datasets `/<split>/images` and `/<split>/labels`, or `/images` and
//    `/labels` when it holds one split.
// Images are [N, C, H, W], [N, H, W] (one channel) or [N, F]; uint8 pixels are scaled to [0, 1], float
// data is taken as it is. Labels are integers [N]. Every problem (missing file, bad magic, truncation,
// shape or count mismatch) is an input_error naming the file and the byte offset or dataset.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/converters/graph.hpp"

#include "spikekit/core/error.hpp"

namespace spikekit::converters {

enum class split { train, test };

struct dataset {
    std::string source; // the images file, for messages
    shape sample;
    std::size_t count = 0;
    std::vector<float> x; // count * sample.size(), sample after sample
    std::vector<int> labels;

    const float* image(std::size_t i) const { return x.data() + i * sample.size(); }
};

// The shape of one sample from the dimensions of an image array [N, C, H, W], [N, H, W] or [N, F];
// input_error(file, where) for any other rank.
template <class Dims>
shape sample_shape_of(const Dims& dims, const std::string& file, const std::string& where) {
    const auto dim = [&](std::size_t k) { return static_cast<int>(dims[k]); };
    switch (dims.size()) {
    case 2:
        return {dim(1), 1, 1};
    case 3:
        return {1, dim(1), dim(2)};
    case 4:
        return {dim(1), dim(2), dim(3)};
    default:
        throw input_error(file, where, "images must be [N, C, H, W], [N, H, W] or [N, F]");
    }
}

// Load at most `limit` samples (0 = all), the first ones in file order.
dataset load_dataset(const std::string& path, split s, std::size_t limit = 0);

// Throws an input_error naming the data file when its samples do not have the model's input shape.
// Any shape fits a flat model of the same size ([N, H, W] data loads as one channel, so it fits [1, H, W]).
void check_sample_shape(const dataset& d, const shape& model_input);

namespace detail {
// Fill `d.x` / `d.labels` from raw arrays; shared by the three formats.
void set_images_u8(dataset& d, const std::vector<std::uint8_t>& pixels);
void finish_dataset(dataset& d, std::size_t limit, const std::string& labels_file);
dataset load_npy_pair(const std::string& images, const std::string& labels, std::size_t limit);
dataset load_hdf5(const std::string& file, split s, std::size_t limit);
} // namespace detail

} // namespace spikekit::converters
