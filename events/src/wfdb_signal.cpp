// WFDB signal files: sample decoding for each supported format, and reading a whole record with its checks.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "spikekit/core/error.hpp"
#include "spikekit/events/wfdb.hpp"
#include "wfdb_io.hpp"

namespace spikekit::events {
namespace {

// Sign-extends the low `bits` bits of v.
constexpr std::int32_t sign_extend(std::uint32_t v, int bits) {
    const std::uint32_t m = 1u << (bits - 1);
    v &= (1u << bits) - 1u;
    return static_cast<std::int32_t>(v ^ m) - static_cast<std::int32_t>(m);
}

std::uint32_t le16(const std::uint8_t* p) {
    return p[0] | (static_cast<std::uint32_t>(p[1]) << 8);
}

// Each decoder takes the flat sample sequence index n (frame-major over the file's signals) and returns the
// sample; the caller has checked that the data holds wfdb_bytes_for(format, count) bytes.
std::int32_t sample_at(int format, const std::uint8_t* d, std::size_t n) {
    switch (format) {
    case 80:
        return static_cast<std::int32_t>(d[n]) - 128;
    case 16:
        return sign_extend(le16(d + 2 * n), 16);
    case 61:
        return sign_extend((static_cast<std::uint32_t>(d[2 * n]) << 8) | d[2 * n + 1], 16);
    case 160:
        return static_cast<std::int32_t>(le16(d + 2 * n)) - 32768;
    case 24:
        return sign_extend(le16(d + 3 * n) | (static_cast<std::uint32_t>(d[3 * n + 2]) << 16), 24);
    case 32:
        return static_cast<std::int32_t>(le16(d + 4 * n) | (le16(d + 4 * n + 2) << 16));
    case 212: {
        // Two 12-bit samples in 3 bytes: low byte of each, then the high nibbles (first sample's in bits
        // 0-3).
        const std::uint8_t* g = d + 3 * (n / 2);
        return n % 2 == 0 ? sign_extend(g[0] | ((g[1] & 0x0Fu) << 8), 12)
                          : sign_extend(g[2] | ((g[1] & 0xF0u) << 4), 12);
    }
    case 310: {
        // Three 10-bit samples in two little-endian 16-bit words: bits 1-10 of each word hold the first two;
        // the third is made of the top 5 bits of word 0 (low half) and of word 1 (high half).
        const std::uint8_t* g = d + 4 * (n / 3);
        const std::uint32_t w0 = le16(g), w1 = n % 3 == 0 ? 0 : le16(g + 2);
        if (n % 3 == 0) return sign_extend(w0 >> 1, 10);
        if (n % 3 == 1) return sign_extend(w1 >> 1, 10);
        return sign_extend(((w0 >> 11) & 0x1Fu) | (((w1 >> 11) & 0x1Fu) << 5), 10);
    }
    case 311: {
        // Three 10-bit samples in one little-endian 32-bit word, bits 0-9, 10-19, 20-29.
        const std::uint8_t* g = d + 4 * (n / 3);
        const unsigned k = static_cast<unsigned>(n % 3);
        const std::size_t nbytes = k == 0 ? 2 : k == 1 ? 3 : 4; // bytes that hold the sample, no more
        std::uint32_t w = 0;
        for (std::size_t b = 0; b < nbytes; ++b) w |= static_cast<std::uint32_t>(g[b]) << (8 * b);
        return sign_extend(w >> (10 * k), 10);
    }
    default:
        return 0;
    }
}

} // namespace

bool wfdb_format_supported(int format) {
    return wfdb_bytes_for(format, 1) != 0;
}

std::size_t wfdb_bytes_for(int format, std::size_t n) {
    switch (format) {
    case 8:
    case 80:
        return n;
    case 16:
    case 61:
    case 160:
        return 2 * n;
    case 24:
        return 3 * n;
    case 32:
        return 4 * n;
    case 212:
        return 3 * (n / 2) + (n % 2 ? 2 : 0);
    case 310:
        return 4 * (n / 3) + (n % 3 == 0 ? 0 : n % 3 == 1 ? 2 : 4);
    case 311:
        return 4 * (n / 3) + (n % 3 == 0 ? 0 : n % 3 == 1 ? 2 : 3);
    default:
        return 0;
    }
}

void decode_wfdb_samples(int format, std::span<const std::uint8_t> data, std::size_t nsig, std::size_t frames,
                         std::int32_t* out, std::size_t out_stride, std::span<const std::int32_t> initial,
                         const std::string& file) {
    if (!wfdb_format_supported(format))
        throw input_error(file, "", "signal format " + std::to_string(format) + " is not supported");
    if (nsig == 0 || frames == 0) return;
    if (frames > SIZE_MAX / 8 / nsig) throw input_error(file, "", "sample count overflows");
    const std::size_t need = wfdb_bytes_for(format, frames * nsig);
    if (data.size() < need)
        throw input_error(file, "byte " + std::to_string(data.size()),
                          "signal data ends early: " + std::to_string(frames) + " frames of " +
                              std::to_string(nsig) + " signals in format " + std::to_string(format) +
                              " need " + std::to_string(need) + " bytes, found " +
                              std::to_string(data.size()));
    if (format == 8) {
        // First differences, accumulated from the header's initial value of each signal.
        if (initial.size() < nsig)
            throw input_error(file, "", "format 8 needs the initial value of every signal");
        for (std::size_t s = 0; s < nsig; ++s) {
            std::int32_t v = initial[s];
            for (std::size_t f = 0; f < frames; ++f) {
                v += static_cast<std::int8_t>(data[f * nsig + s]);
                out[f * out_stride + s] = v;
            }
        }
        return;
    }
    for (std::size_t f = 0; f < frames; ++f)
        for (std::size_t s = 0; s < nsig; ++s)
            out[f * out_stride + s] = sample_at(format, data.data(), f * nsig + s);
}

std::vector<float> wfdb_record::physical(std::size_t signal) const {
    const auto& s = header.signals.at(signal);
    std::vector<float> v(frames);
    const double scale = 1.0 / s.gain;
    for (std::size_t f = 0; f < frames; ++f) v[f] = static_cast<float>((at(f, signal) - s.baseline) * scale);
    return v;
}

std::string wfdb_record_base(const std::string& path) {
    const std::filesystem::path p(path);
    const auto ext = p.extension().string();
    if (ext == ".hea" || ext == ".dat" || ext == ".atr") return (p.parent_path() / p.stem()).string();
    return path;
}

std::int32_t wfdb_checksum(const wfdb_record& r, std::size_t signal) {
    std::uint32_t sum = 0;
    for (std::size_t f = 0; f < r.frames; ++f) sum += static_cast<std::uint32_t>(r.at(f, signal));
    return sign_extend(sum & 0xFFFFu, 16);
}

namespace {

// Signals stored in one file, in header order.
struct signal_file {
    std::vector<std::size_t> signals;
    int format = 0;
    std::int64_t offset = 0;
};

void verify_signals(const wfdb_record& r) {
    for (std::size_t s = 0; s < r.nsig(); ++s) {
        const auto& spec = r.header.signals[s];
        const std::string where = "signal " + std::to_string(s) + " (" + spec.description + ")";
        if (spec.has_initial_value && r.frames > 0 && r.at(0, s) != spec.initial_value)
            throw input_error(r.header_path, where,
                              "first sample is " + std::to_string(r.at(0, s)) + " but the header says " +
                                  std::to_string(spec.initial_value) + " (corrupted " + spec.file + "?)");
        if (spec.has_checksum && wfdb_checksum(r, s) != spec.checksum)
            throw input_error(r.header_path, where,
                              "checksum of " + spec.file + " is " + std::to_string(wfdb_checksum(r, s)) +
                                  " but the header says " + std::to_string(spec.checksum));
    }
}

// Groups the signals by file; signals sharing a file must share its format and byte offset.
std::map<std::string, signal_file> group_by_file(const wfdb_record& r) {
    std::map<std::string, signal_file> files;
    for (std::size_t s = 0; s < r.nsig(); ++s) {
        const auto& spec = r.header.signals[s];
        auto& sf = files[spec.file];
        if (!sf.signals.empty() && (sf.format != spec.format || sf.offset != spec.byte_offset))
            throw input_error(r.header_path, "signal " + std::to_string(s),
                              "signals of " + spec.file + " disagree on format or byte offset");
        sf.signals.push_back(s);
        sf.format = spec.format;
        sf.offset = spec.byte_offset;
    }
    return files;
}

// Frames in a file of `size` bytes (after the offset) when the header does not give the number of samples.
std::size_t frames_in(const signal_file& sf, std::size_t size) {
    const std::size_t avail = size - std::min<std::size_t>(size, static_cast<std::size_t>(sf.offset));
    std::size_t n = avail / std::max<std::size_t>(1, wfdb_bytes_for(sf.format, sf.signals.size()));
    while (n > 0 && wfdb_bytes_for(sf.format, (n + 1) * sf.signals.size()) <= avail) ++n;
    return n;
}

// A lying sample count must fail here, before anything of that size is allocated.
void check_size(const signal_file& sf, std::size_t size, std::size_t frames, const std::string& path) {
    const auto off = static_cast<std::size_t>(sf.offset);
    if (off > size)
        throw input_error(path, "byte " + std::to_string(size),
                          "file is shorter than the header's byte offset " + std::to_string(off));
    if (frames > (size - off) + 1) // every format needs at least one byte per sample
        throw input_error(path, "byte " + std::to_string(size),
                          "header says " + std::to_string(frames) +
                              " samples per signal but the file has only " + std::to_string(size - off) +
                              " bytes of samples");
}

// Decodes one file's signals into their columns of the record.
void decode_file(wfdb_record& r, const signal_file& sf, const std::vector<std::uint8_t>& bytes,
                 const std::string& path) {
    std::vector<std::int32_t> initial, tmp;
    for (auto s : sf.signals) initial.push_back(r.header.signals[s].initial_value);
    const std::size_t k = sf.signals.size();
    tmp.resize(r.frames * k);
    decode_wfdb_samples(sf.format, std::span(bytes).subspan(static_cast<std::size_t>(sf.offset)), k, r.frames,
                        tmp.data(), k, initial, path);
    for (std::size_t f = 0; f < r.frames; ++f)
        for (std::size_t j = 0; j < k; ++j) r.adu[f * r.nsig() + sf.signals[j]] = tmp[f * k + j];
}

} // namespace

wfdb_record read_wfdb_record(const std::string& record, bool verify) {
    wfdb_record r;
    r.header_path = wfdb_record_base(record) + ".hea";
    r.header = read_wfdb_header(r.header_path);
    const std::filesystem::path dir = std::filesystem::path(r.header_path).parent_path();
    const auto files = group_by_file(r);
    std::map<std::string, std::vector<std::uint8_t>> data;
    for (const auto& [name, sf] : files) {
        const auto path = (dir / name).string();
        if (!std::filesystem::is_regular_file(path))
            throw input_error(r.header_path, "signal " + std::to_string(sf.signals[0]),
                              "signal file '" + name + "' not found (looked for " + path + ")");
        data[name] = detail::read_file_bytes(path, "WFDB signal file");
    }
    // Frames: from the header, else from the size of the first signal file.
    r.frames = static_cast<std::size_t>(r.header.samples);
    if (r.frames == 0 && !files.empty())
        r.frames = frames_in(files.begin()->second, data[files.begin()->first].size());
    for (const auto& [name, sf] : files) check_size(sf, data[name].size(), r.frames, (dir / name).string());
    r.adu.assign(r.frames * r.nsig(), 0);
    for (const auto& [name, sf] : files) decode_file(r, sf, data[name], (dir / name).string());
    if (verify) verify_signals(r);
    return r;
}

} // namespace spikekit::events

namespace spikekit::events {
namespace {

// Samples per packing group and bytes per group of each format (a window must start on a group boundary).
std::pair<std::size_t, std::size_t> group_of(int format) {
    if (format == 212) return {2, 3};
    if (format == 310 || format == 311) return {3, 4};
    return {1, wfdb_bytes_for(format, 1)};
}

// Reads `count` bytes at `pos` of `path` (the caller has checked the file is long enough).
std::vector<std::uint8_t> read_range(const std::string& path, std::size_t pos, std::size_t count) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> b(count);
    if (!in.seekg(static_cast<std::streamoff>(pos)) ||
        (count > 0 && !in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(count))))
        throw input_error(path, "byte " + std::to_string(pos), "read failed (file shrank or I/O error)");
    return b;
}

// Decodes frames [r.first_frame, r.first_frame + r.frames) of one file into the record's columns.
void decode_window(wfdb_record& r, const signal_file& sf, const std::string& path, std::size_t size) {
    const std::size_t k = sf.signals.size();
    if (sf.format == 8 && r.first_frame > 0)
        throw input_error(path, "", "format 8 stores differences: a window must start at frame 0");
    const auto [g, bytes_per_group] = group_of(sf.format);
    const std::size_t first_sample = r.first_frame * k, skip = first_sample % g;
    const std::size_t start = static_cast<std::size_t>(sf.offset) + first_sample / g * bytes_per_group;
    const std::size_t n = skip + r.frames * k, need = wfdb_bytes_for(sf.format, n);
    if (start > size || size - start < need)
        throw input_error(path, "byte " + std::to_string(size),
                          "signal data ends early: frames " + std::to_string(r.first_frame) + ".." +
                              std::to_string(r.first_frame + r.frames) + " need bytes up to " +
                              std::to_string(start + need));
    const auto bytes = read_range(path, start, need);
    std::vector<std::int32_t> initial, tmp(n);
    for (auto s : sf.signals) initial.push_back(r.header.signals[s].initial_value);
    // Decoded as one flat sample sequence, so a window may start inside a packing group.
    decode_wfdb_samples(sf.format, bytes, 1, n, tmp.data(), 1, initial, path);
    for (std::size_t f = 0; f < r.frames; ++f)
        for (std::size_t j = 0; j < k; ++j) r.adu[f * r.nsig() + sf.signals[j]] = tmp[skip + f * k + j];
}

} // namespace

wfdb_record read_wfdb_window(const std::string& record, std::size_t first_frame, std::size_t frames) {
    wfdb_record r;
    r.header_path = wfdb_record_base(record) + ".hea";
    r.header = read_wfdb_header(r.header_path);
    const std::filesystem::path dir = std::filesystem::path(r.header_path).parent_path();
    const auto files = group_by_file(r);
    std::map<std::string, std::size_t> sizes;
    for (const auto& [name, sf] : files) {
        const auto path = (dir / name).string();
        std::error_code ec;
        sizes[name] = static_cast<std::size_t>(std::filesystem::file_size(path, ec));
        if (ec)
            throw input_error(r.header_path, "signal " + std::to_string(sf.signals[0]),
                              "signal file '" + name + "' not found (looked for " + path + ")");
    }
    std::size_t total = static_cast<std::size_t>(r.header.samples);
    if (total == 0 && !files.empty()) total = frames_in(files.begin()->second, sizes[files.begin()->first]);
    if (first_frame > total)
        throw input_error(r.header_path, "",
                          "window starts at frame " + std::to_string(first_frame) + " but the record has " +
                              std::to_string(total) + " frames");
    r.first_frame = first_frame;
    r.frames = std::min(frames, total - first_frame);
    for (const auto& [name, sf] : files)
        check_size(sf, sizes[name], r.first_frame + r.frames, (dir / name).string());
    r.adu.assign(r.frames * r.nsig(), 0);
    for (const auto& [name, sf] : files) decode_window(r, sf, (dir / name).string(), sizes[name]);
    return r;
}

} // namespace spikekit::events
