// The PNG writer (PNG specification, W3C 2003): signature, IHDR, one IDAT holding the zlib stream of the
// filtered rows (filter type 0 on every row), IEND; each chunk closed by the CRC-32 of its type and data.
#include "spikekit/io/png.hpp"

#include <fstream>
#include <zlib.h>

#include "spikekit/io/atomic_file.hpp"
#include "spikekit/io/error.hpp"

namespace spikekit::io {
namespace {

void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<std::uint8_t>(x >> s));
}

void chunk(std::vector<std::uint8_t>& png, const char* type, const std::vector<std::uint8_t>& data) {
    put32(png, static_cast<std::uint32_t>(data.size()));
    const std::size_t start = png.size();
    png.insert(png.end(), type, type + 4);
    png.insert(png.end(), data.begin(), data.end());
    const uLong crc = crc32(0L, png.data() + start, static_cast<uInt>(png.size() - start));
    put32(png, static_cast<std::uint32_t>(crc));
}

} // namespace

std::vector<std::uint8_t> encode_png(const image& img) {
    const std::size_t row = std::size_t{3} * img.width;
    if (img.rgb.size() != row * img.height)
        throw runtime_error("PNG: " + std::to_string(img.rgb.size()) + " bytes of pixels for a " +
                            std::to_string(img.width) + " x " + std::to_string(img.height) + " RGB image");
    std::vector<std::uint8_t> raw;
    raw.reserve((row + 1) * img.height);
    for (std::uint32_t y = 0; y < img.height; ++y) {
        raw.push_back(0); // filter type None
        const auto first = img.rgb.begin() + static_cast<std::ptrdiff_t>(row * y);
        raw.insert(raw.end(), first, first + static_cast<std::ptrdiff_t>(row));
    }
    uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::uint8_t> z(zlen);
    if (compress2(z.data(), &zlen, raw.data(), static_cast<uLong>(raw.size()), 6) != Z_OK)
        throw runtime_error("PNG: zlib compression failed");
    z.resize(zlen);
    std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<std::uint8_t> ihdr;
    put32(ihdr, img.width);
    put32(ihdr, img.height);
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0}); // 8-bit, truecolour, deflate, adaptive filters, no interlace
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", {});
    return png;
}

void write_png(const std::string& path, const image& img) {
    const auto bytes = encode_png(img);
    write_atomically(path, [&](const std::string& tmp) {
        std::ofstream f(tmp, std::ios::binary);
        f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!f.flush()) throw runtime_error(path + ": cannot write the PNG");
    });
}

std::string base64(std::span<const std::uint8_t> in) {
    static constexpr const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::uint32_t b = std::uint32_t{in[i]} << 16 |
                                (i + 1 < in.size() ? std::uint32_t{in[i + 1]} << 8 : 0u) |
                                (i + 2 < in.size() ? in[i + 2] : 0u);
        out += abc[b >> 18];
        out += abc[(b >> 12) & 63];
        out += i + 1 < in.size() ? abc[(b >> 6) & 63] : '=';
        out += i + 2 < in.size() ? abc[b & 63] : '=';
    }
    return out;
}

} // namespace spikekit::io
