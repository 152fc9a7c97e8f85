// The three data layouts (dataset.hpp): MNIST IDX and .npy pairs through the I/O layer's image-set readers,
// HDF5 in dataset_h5.cpp.
#include "spikekit/converters/dataset.hpp"

#include <filesystem>

#include "spikekit/core/error.hpp"
#include "spikekit/io/image_sets.hpp"

namespace spikekit::converters {
namespace fs = std::filesystem;

namespace {

std::string find_idx(const fs::path& dir, const std::string& stem) {
    for (const char* ext : {"", ".gz"}) {
        const fs::path p = dir / (stem + ext);
        if (fs::exists(p)) return p.string();
    }
    throw input_error(dir.string(), "",
                      "missing " + stem + " (or " + stem + ".gz): not an MNIST IDX directory for this split");
}

dataset load_idx_dir(const fs::path& dir, split s, std::size_t limit) {
    const std::string prefix = s == split::train ? "train" : "t10k";
    dataset d;
    d.source = find_idx(dir, prefix + "-images-idx3-ubyte");
    const std::string lfile = find_idx(dir, prefix + "-labels-idx1-ubyte");
    const auto images = io::read_idx(d.source, 3);
    const auto labels = io::read_idx(lfile, 1);
    const auto& dims = images.dims;
    if (labels.dims[0] != dims[0])
        throw input_error(lfile, "byte 4",
                          std::to_string(labels.dims[0]) + " labels for " + std::to_string(dims[0]) +
                              " images");
    d.count = dims[0];
    d.sample = {1, static_cast<int>(dims[1]), static_cast<int>(dims[2])};
    detail::set_images_u8(d, images.data);
    d.labels.assign(labels.data.begin(), labels.data.end());
    detail::finish_dataset(d, limit, lfile);
    return d;
}

} // namespace

namespace detail {

void set_images_u8(dataset& d, const std::vector<std::uint8_t>& pixels) {
    d.x.resize(pixels.size());
    for (std::size_t k = 0; k < pixels.size(); ++k) d.x[k] = static_cast<float>(pixels[k]) / 255.0f;
}

void finish_dataset(dataset& d, std::size_t limit, const std::string& labels_file) {
    if (d.labels.size() != d.count)
        throw input_error(labels_file, "",
                          std::to_string(d.labels.size()) + " labels for " + std::to_string(d.count) +
                              " samples");
    if (d.count == 0) throw input_error(d.source, "", "holds no samples");
    for (std::size_t i = 0; i < d.count; ++i)
        if (d.labels[i] < 0) throw input_error(labels_file, "label " + std::to_string(i), "is negative");
    if (limit > 0 && limit < d.count) {
        d.count = limit;
        d.x.resize(limit * d.sample.size());
        d.labels.resize(limit);
    }
}

dataset load_npy_pair(const std::string& images, const std::string& labels, std::size_t limit) {
    const auto x = io::read_npy(images);
    const auto y = io::read_npy(labels);
    dataset d;
    d.source = images;
    if (x.shape.empty()) throw input_error(images, "header", "a scalar is not a set of images");
    d.count = x.shape[0];
    d.sample = sample_shape_of(x.shape, images, "header");
    const std::size_t n = d.count * d.sample.size();
    const bool pixels = x.kind == 'u' && x.item == 1;
    d.x.resize(n);
    for (std::size_t k = 0; k < n; ++k)
        d.x[k] = pixels ? static_cast<float>(x.value(k) / 255.0) : static_cast<float>(x.value(k));
    if (y.kind == 'f' || y.shape.size() != 1)
        throw input_error(labels, "header", "labels must be a 1-D integer array");
    d.labels.resize(y.shape[0]);
    for (std::size_t k = 0; k < y.shape[0]; ++k) d.labels[k] = static_cast<int>(y.value(k));
    finish_dataset(d, limit, labels);
    return d;
}

} // namespace detail

dataset load_dataset(const std::string& path, split s, std::size_t limit) {
    const fs::path p(path);
    if (!fs::exists(p)) throw input_error(path, "", "no such file or directory");
    const std::string ext = p.extension().string();
    if (!fs::is_directory(p)) {
        if (ext == ".h5" || ext == ".hdf5") return detail::load_hdf5(path, s, limit);
        throw input_error(path, "",
                          "not a data directory (MNIST IDX or .npy pair) nor an HDF5 file (.h5, .hdf5)");
    }
    const std::string name = s == split::train ? "train" : "test";
    if (fs::exists(p / (name + "_images.npy")))
        return detail::load_npy_pair((p / (name + "_images.npy")).string(),
                                     (p / (name + "_labels.npy")).string(), limit);
    return load_idx_dir(p, s, limit);
}

void check_sample_shape(const dataset& d, const shape& in) {
    const shape& s = d.sample;
    const bool fits = s == in || (in.h == 1 && in.w == 1 && s.size() == in.size());
    if (!fits)
        throw input_error(d.source, "",
                          "samples of shape " + to_string(s) + " do not fit the model's input " +
                              to_string(in));
}

} // namespace spikekit::converters
