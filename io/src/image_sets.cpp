// Image-set formats (image_sets.hpp): MNIST IDX through zlib, NumPy .npy.
#include "spikekit/io/image_sets.hpp"

#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include <zlib.h>

#include "spikekit/io/error.hpp"

namespace spikekit::io {
namespace {

// Big-endian 32-bit word at byte `at`.
std::uint32_t be32(const std::vector<std::uint8_t>& d, std::size_t at) {
    return std::uint32_t{d[at]} << 24 | std::uint32_t{d[at + 1]} << 16 | std::uint32_t{d[at + 2]} << 8 |
           d[at + 3];
}

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

template <class T>
double value_as(const std::string& data, std::size_t k) {
    T v;
    std::memcpy(&v, data.data() + k * sizeof(T), sizeof(T));
    return static_cast<double>(v);
}

} // namespace

std::vector<std::uint8_t> read_maybe_gzip(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw input_error(path, "", "cannot open the file");
    std::vector<std::uint8_t> data;
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

idx_array read_idx(const std::string& path, unsigned rank) {
    auto d = read_maybe_gzip(path);
    const std::size_t header = 4 + 4 * std::size_t{rank};
    if (d.size() < header)
        throw input_error(path, "byte 0", "too short for an IDX header of rank " + std::to_string(rank));
    const std::uint32_t magic = be32(d, 0);
    if (magic != (0x0800u | rank))
        throw input_error(path, "byte 0",
                          "IDX magic 0x" + std::to_string(magic) + " is not that of unsigned bytes of rank " +
                              std::to_string(rank) + " (0x0000080" + std::to_string(rank) + ")");
    idx_array a;
    std::size_t expect = 1;
    for (unsigned k = 0; k < rank; ++k) {
        a.dims.push_back(be32(d, 4 + 4 * k));
        if (a.dims.back() != 0 && expect > SIZE_MAX / a.dims.back())
            throw input_error(path, "byte " + std::to_string(4 + 4 * k), "dimensions too large");
        expect *= a.dims.back();
    }
    if (d.size() - header != expect)
        throw input_error(path, "byte " + std::to_string(d.size()),
                          "holds " + std::to_string(d.size() - header) +
                              " data bytes, the header announces " + std::to_string(expect) +
                              (d.size() - header < expect ? " (truncated)" : ""));
    a.data.assign(d.begin() + static_cast<std::ptrdiff_t>(header), d.end());
    return a;
}

npy_array read_npy(const std::string& file) {
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
    npy_array r;
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
        if (v != 0 && count > SIZE_MAX / 8 / v) throw input_error(file, "header", "shape too large");
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

double npy_array::value(std::size_t k) const {
    switch (kind == 'f' ? item * 10 : item + (kind == 'u' ? 100 : 0)) {
    case 40:
        return value_as<float>(data, k);
    case 80:
        return value_as<double>(data, k);
    case 1:
        return value_as<std::int8_t>(data, k);
    case 2:
        return value_as<std::int16_t>(data, k);
    case 4:
        return value_as<std::int32_t>(data, k);
    case 8:
        return value_as<std::int64_t>(data, k);
    case 101:
        return value_as<std::uint8_t>(data, k);
    case 102:
        return value_as<std::uint16_t>(data, k);
    case 104:
        return value_as<std::uint32_t>(data, k);
    default:
        return value_as<std::uint64_t>(data, k);
    }
}

} // namespace spikekit::io
