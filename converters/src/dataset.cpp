// MNIST IDX loading (gzipped or not) and the dispatch between the three data layouts.
#include "spikekit/converters/dataset.hpp"

#include <filesystem>

#include <zlib.h>

#include "spikekit/core/error.hpp"

namespace spikekit::converters {
namespace fs = std::filesystem;

namespace {

// The whole file, through zlib so that .gz and plain files read the same way.
std::vector<unsigned char> read_maybe_gzip(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw input_error(path, "", "cannot open the file");
    std::vector<unsigned char> data;
    unsigned char buf[1 << 16];
    int n = 0;
    while ((n = gzread(f, buf, sizeof buf)) > 0) data.insert(data.end(), buf, buf + n);
    int err = Z_OK;
    const char* msg = gzerror(f, &err);
    const std::string problem =
        (n < 0 || (err != Z_OK && err != Z_STREAM_END)) ? std::string(msg ? msg : "read error") : "";
    gzclose(f);
    if (!problem.empty())
        throw input_error(path, "byte " + std::to_string(data.size()) + " (decompressed)",
                          "corrupt or truncated gzip data: " + problem);
    return data;
}

std::uint32_t be32(const std::vector<unsigned char>& d, std::size_t at) {
    return std::uint32_t{d[at]} << 24 | std::uint32_t{d[at + 1]} << 16 | std::uint32_t{d[at + 2]} << 8 |
           d[at + 3];
}

// An IDX file of unsigned bytes with `rank` dimensions: returns the dims and the payload.
std::vector<std::uint32_t> read_idx(const std::string& path, unsigned rank,
                                    std::vector<unsigned char>& payload) {
    auto d = read_maybe_gzip(path);
    const std::size_t header = 4 + 4 * std::size_t{rank};
    if (d.size() < header)
        throw input_error(path, "byte 0", "too short for an IDX header of rank " + std::to_string(rank));
    const std::uint32_t magic = be32(d, 0);
    if (magic != (0x0800u | rank))
        throw input_error(path, "byte 0",
                          "IDX magic 0x" + std::to_string(magic) + " is not that of unsigned bytes of rank " +
                              std::to_string(rank) + " (0x0000080" + std::to_string(rank) + ")");
    std::vector<std::uint32_t> dims;
    std::size_t expect = 1;
    for (unsigned k = 0; k < rank; ++k) {
        dims.push_back(be32(d, 4 + 4 * k));
        expect *= dims.back();
    }
    if (d.size() - header != expect)
        throw input_error(path, "byte " + std::to_string(d.size()),
                          "holds " + std::to_string(d.size() - header) +
                              " data bytes, the header announces " + std::to_string(expect) +
                              (d.size() - header < expect ? " (truncated)" : ""));
    payload.assign(d.begin() + static_cast<std::ptrdiff_t>(header), d.end());
    return dims;
}

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
    std::vector<unsigned char> pixels, labels;
    const auto dims = read_idx(d.source, 3, pixels);
    const auto ldims = read_idx(lfile, 1, labels);
    if (ldims[0] != dims[0])
        throw input_error(lfile, "byte 4",
                          std::to_string(ldims[0]) + " labels for " + std::to_string(dims[0]) + " images");
    d.count = dims[0];
    d.sample = {1, static_cast<int>(dims[1]), static_cast<int>(dims[2])};
    detail::set_images_u8(d, pixels);
    d.labels.assign(labels.begin(), labels.end());
    detail::finish_dataset(d, limit, lfile);
    return d;
}

} // namespace

namespace detail {

void set_images_u8(dataset& d, const std::vector<unsigned char>& pixels) {
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
