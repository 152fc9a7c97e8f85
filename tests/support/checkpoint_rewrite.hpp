#pragma once
// Rewrites a checkpoint dataset by dataset through io::h5, letting a callback change the bytes of any
// dataset: the damaged checkpoints of the tests and of the checkpoint fuzzer
// (tests/fuzz/checkpoint_fuzz.cpp).
#include <cstddef>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "spikekit/io/h5.hpp"

namespace spikekit::test {

// checksummed: every dataset gets a fresh CRC, so an edit looks genuine and only validation can refuse it;
// unchecked: no CRCs (refused by a version-2 reader); version1: the layout before version 2 (config and
// network identity as /checkpoint attributes, no CRCs, version attribute 1).
enum class rewrite_form { checksummed, unchecked, version1 };

using byte_edit = std::function<void(const std::string& dataset, std::span<std::byte> bytes)>;

namespace detail {
template <class T>
void copy_numeric(const io::h5::reader& r, io::h5::writer& w, const std::string& name,
                  const byte_edit& edit) {
    auto v = r.read<T>(name);
    if (edit) edit(name, std::as_writable_bytes(std::span(v)));
    w.write(name, v, r.dims(name));
}
} // namespace detail

inline void rewrite_checkpoint(const std::string& src, const std::string& dst, rewrite_form form,
                               const byte_edit& edit = {}) {
    const io::h5::reader r(src);
    io::h5::writer w(dst);
    if (form == rewrite_form::checksummed) w.checksum_datasets();
    w.group("/checkpoint");
    w.attr("/checkpoint", "format", r.read_string_attr("/checkpoint", "format"));
    w.attr("/checkpoint", "version",
           form == rewrite_form::version1 ? 1.0 : r.read_double_attr("/checkpoint", "version"));
    w.attr("/checkpoint", "t_ms", r.read_double_attr("/checkpoint", "t_ms"));
    for (const auto& name : r.datasets()) {
        const auto e = r.element_of(name);
        if (e.cls == H5T_STRING) {
            std::string s = r.read_string(name);
            if (edit) edit(name, std::as_writable_bytes(std::span(s)));
            const bool text = name == "/checkpoint/config" || name == "/checkpoint/network";
            if (form == rewrite_form::version1 && text)
                w.attr("/checkpoint", name.substr(12), s);
            else
                w.write_string(name, s);
        } else if (e.cls == H5T_FLOAT) {
            if (e.size == 4)
                detail::copy_numeric<float>(r, w, name, edit);
            else
                detail::copy_numeric<double>(r, w, name, edit);
        } else if (e.size == 8) {
            if (e.is_signed)
                detail::copy_numeric<std::int64_t>(r, w, name, edit);
            else
                detail::copy_numeric<std::uint64_t>(r, w, name, edit);
        } else if (e.size == 4) {
            if (e.is_signed)
                detail::copy_numeric<std::int32_t>(r, w, name, edit);
            else
                detail::copy_numeric<std::uint32_t>(r, w, name, edit);
        } else {
            detail::copy_numeric<std::uint8_t>(r, w, name, edit);
        }
    }
    w.close();
}

// An edit that stores `value` as element `index` of `dataset` (of element type T).
template <class T>
byte_edit set_value(const std::string& dataset, std::size_t index, T value) {
    return [=](const std::string& name, std::span<std::byte> bytes) {
        if (name == dataset && (index + 1) * sizeof(T) <= bytes.size())
            std::memcpy(bytes.data() + index * sizeof(T), &value, sizeof(T));
    };
}

} // namespace spikekit::test
