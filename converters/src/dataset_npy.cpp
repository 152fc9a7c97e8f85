// NumPy .npy (format versions 1-3, C order, little-endian numbers) images and labels.
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include "spikekit/converters/dataset.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters::detail {
namespace {

struct npy {
    char kind = 'f'; // 'f' float, 'i' signed, 'u' unsigned
    std::size_t item = 4;
    std::vector<std::size_t> shape;
    std::string data;
};

// The value of `key` in the header dict ("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 28, 28),
// }").
std::string dict_value(const std::string& h, const std::string& key, const std::string& file) {
    const auto k = h.find("'" + key + "'");
    if (k == std::string::npos) throw input_error(file, "header", "no '" + key + "' in the .npy header");
    auto v = h.find(':', k);
    if (v == std::string::npos) throw input_error(file, "header", "malformed .npy header");
    ++v;
    while (v < h.size() && h[v] == ' ') ++v;
    const char open = v < h.size() ? h[v] : '\0';
    const char close = open == '(' ? ')' : open == '\'' ? '\'' : ',';
    const auto end = h.find(close, v + 1);
    if (end == std::string::npos) throw input_error(file, "header", "malformed value of '" + key + "'");
    return h.substr(v, end - v + 1);
}

npy read_npy(const std::string& file) {
    std::ifstream f(file, std::ios::binary);
    if (!f) throw input_error(file, "", "cannot open the file");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string s = ss.str();
    if (s.size() < 10 || s.compare(0, 6, "\x93NUMPY") != 0)
        throw input_error(file, "byte 0", "not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(s[6]);
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    if (major < 1 || major > 3 || s.size() < 8 + len_bytes)
        throw input_error(file, "byte 6", "unsupported .npy version");
    std::size_t hlen = 0;
    for (std::size_t k = 0; k < len_bytes; ++k)
        hlen |= std::size_t{static_cast<unsigned char>(s[8 + k])} << (8 * k);
    const std::size_t start = 8 + len_bytes + hlen;
    if (start > s.size())
        throw input_error(file, "byte " + std::to_string(8 + len_bytes),
                          "header runs past the end of the file");
    const std::string h = s.substr(8 + len_bytes, hlen);
    npy r;
    const std::string descr = dict_value(h, "descr", file);
    if (descr.size() != 5 || (descr[1] != '<' && descr[1] != '|') ||
        std::string("fiu").find(descr[2]) == std::string::npos)
        throw input_error(file, "header", "dtype " + descr + " is not a little-endian integer or float");
    r.kind = descr[2];
    r.item = static_cast<std::size_t>(descr[3] - '0');
    if (r.item != 1 && r.item != 2 && r.item != 4 && r.item != 8)
        throw input_error(file, "header", "dtype " + descr + " is not supported");
    if (r.kind == 'f' && r.item < 4) throw input_error(file, "header", "float16 data is not supported");
    if (dict_value(h, "fortran_order", file).find("True") != std::string::npos)
        throw input_error(file, "header", "Fortran-order arrays are not supported (save with C order)");
    const std::string shp = dict_value(h, "shape", file);
    std::size_t count = 1;
    for (std::size_t k = 1; k < shp.size();) {
        while (k < shp.size() && !std::isdigit(static_cast<unsigned char>(shp[k]))) ++k;
        if (k >= shp.size()) break;
        std::size_t v = 0;
        while (k < shp.size() && std::isdigit(static_cast<unsigned char>(shp[k]))) {
            v = v * 10 + static_cast<std::size_t>(shp[k++] - '0');
            if (v > (std::size_t{1} << 32)) throw input_error(file, "header", "dimension too large");
        }
        r.shape.push_back(v);
        count *= v;
    }
    if (s.size() - start != count * r.item)
        throw input_error(file, "byte " + std::to_string(s.size()),
                          "holds " + std::to_string(s.size() - start) + " data bytes, the shape needs " +
                              std::to_string(count * r.item) +
                              (s.size() - start < count * r.item ? " (truncated)" : ""));
    r.data = s.substr(start);
    return r;
}

template <class T>
double value_as(const std::string& data, std::size_t k) {
    T v;
    std::memcpy(&v, data.data() + k * sizeof(T), sizeof(T));
    return static_cast<double>(v);
}

double value(const npy& a, std::size_t k) {
    switch (a.kind == 'f' ? a.item * 10 : a.item + (a.kind == 'u' ? 100 : 0)) {
    case 40:
        return value_as<float>(a.data, k);
    case 80:
        return value_as<double>(a.data, k);
    case 1:
        return value_as<std::int8_t>(a.data, k);
    case 2:
        return value_as<std::int16_t>(a.data, k);
    case 4:
        return value_as<std::int32_t>(a.data, k);
    case 8:
        return value_as<std::int64_t>(a.data, k);
    case 101:
        return value_as<std::uint8_t>(a.data, k);
    case 102:
        return value_as<std::uint16_t>(a.data, k);
    case 104:
        return value_as<std::uint32_t>(a.data, k);
    default:
        return value_as<std::uint64_t>(a.data, k);
    }
}

} // namespace

dataset load_npy_pair(const std::string& images, const std::string& labels, std::size_t limit) {
    const npy x = read_npy(images);
    const npy y = read_npy(labels);
    dataset d;
    d.source = images;
    if (x.shape.empty()) throw input_error(images, "header", "a scalar is not a set of images");
    d.count = x.shape[0];
    d.sample = sample_shape_of(x.shape, images, "header");
    const std::size_t n = d.count * d.sample.size();
    const bool pixels = x.kind == 'u' && x.item == 1;
    d.x.resize(n);
    for (std::size_t k = 0; k < n; ++k)
        d.x[k] = pixels ? static_cast<float>(value(x, k) / 255.0) : static_cast<float>(value(x, k));
    if (y.kind == 'f' || y.shape.size() != 1)
        throw input_error(labels, "header", "labels must be a 1-D integer array");
    d.labels.resize(y.shape[0]);
    for (std::size_t k = 0; k < y.shape[0]; ++k) d.labels[k] = static_cast<int>(value(y, k));
    finish_dataset(d, limit, labels);
    return d;
}

} // namespace spikekit::converters::detail
