#pragma once
// Helpers of the event-camera tests: the shared sample files, skipping when they are absent, byte-level
// file surgery for the bad-input tests.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../support/test_support.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/events/reader.hpp"

namespace spikekit::test {

using bytes = std::vector<std::uint8_t>;

inline std::string event_file(const std::string& rel) {
    return shared_path("data/events/" + rel);
}

// True when the shared sample exists; otherwise says what is missing (the test then returns early).
inline bool have(const std::string& path) {
    if (std::filesystem::exists(path)) return true;
    MESSAGE("skipped: shared sample file missing: " << path);
    return false;
}

inline bytes file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline std::string write_bytes(const temp_dir& dir, const std::string& name, const bytes& b) {
    std::ofstream(dir.file(name), std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return dir.file(name);
}

// Appending to a byte vector: text, little-endian and big-endian integers.
inline void put_text(bytes& b, const std::string& s) {
    b.insert(b.end(), s.begin(), s.end());
}
template <class T>
void put_le(bytes& b, T v) {
    std::uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof v);
    b.insert(b.end(), raw, raw + sizeof raw);
}
inline void put_be32(bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
template <class T>
void set_le(bytes& b, std::size_t at, T v) {
    std::memcpy(b.data() + at, &v, sizeof v);
}

// The message of the input_error reading `path` throws ("" when it reads fine).
inline std::string read_error(const std::string& path, events::reader_options opt = {}) {
    try {
        events::read_all(path, opt);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

inline bool same_events(const std::vector<events::dvs_event>& a, const std::vector<events::dvs_event>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](const events::dvs_event& u, const events::dvs_event& v) {
                                                  return u.t_us == v.t_us && u.x == v.x && u.y == v.y &&
                                                         u.p == v.p;
                                              });
}

} // namespace spikekit::test
