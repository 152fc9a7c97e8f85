// MIT-format annotation files (.atr): a stream of little-endian 16-bit words, A = word >> 10 (code or
// pseudo-code), I = word & 0x3FF (time increment or argument). Modifiers (NUM, SUB, CHN, AUX) follow the
// annotation they modify; SKIP precedes one. Also the code tables (symbols, beats, AAMI classes).
#include <array>

#include "spikekit/core/error.hpp"
#include "spikekit/events/wfdb.hpp"
#include "wfdb_io.hpp"

namespace spikekit::events {
namespace {

enum : unsigned { skip_code = 59, num_code = 60, sub_code = 61, chn_code = 62, aux_code = 63 };

constexpr std::array<const char*, ann_max_code + 1> symbols = {
    "NOTQRS", "N", "L", "R", "a", "V",  "F", "J", "A", "S", "E", "j", "/", "Q", "~", "?", "|",
    "?",      "s", "T", "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]",
    "e",      "n", "@", "x", "f", "(",  ")", "r", "?", "?", "?", "?", "?", "?", "?", "?"};

class word_reader {
  public:
    word_reader(std::span<const std::uint8_t> b, const std::string& file) : b_(b), file_(file) {}
    bool at_end() const { return pos_ >= b_.size(); }
    std::size_t pos() const { return pos_; }
    std::uint32_t word() {
        need(2, "an annotation word");
        const std::uint32_t w = b_[pos_] | (static_cast<std::uint32_t>(b_[pos_ + 1]) << 8);
        pos_ += 2;
        return w;
    }
    std::span<const std::uint8_t> bytes(std::size_t n, const char* what) {
        need(n, what);
        const auto s = b_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    [[noreturn]] void fail(std::size_t at, const std::string& problem) const {
        throw input_error(file_, "byte " + std::to_string(at), problem);
    }

  private:
    void need(std::size_t n, const char* what) const {
        if (b_.size() - pos_ < n)
            fail(pos_, std::string("file ends in the middle of ") + what + " (truncated annotation file?)");
    }
    std::span<const std::uint8_t> b_;
    const std::string& file_;
    std::size_t pos_ = 0;
};

// NUM, SUB, CHN or AUX applied to the annotation just read; NUM and CHN also become the defaults for the
// annotations that follow (they are only written when they change).
void apply_modifier(unsigned a, unsigned i, word_reader& r, annotation& last, std::int8_t& num,
                    std::uint8_t& chan) {
    if (a == num_code) last.num = num = static_cast<std::int8_t>(i);
    if (a == sub_code) last.subtype = static_cast<std::int8_t>(i);
    if (a == chn_code) last.chan = chan = static_cast<std::uint8_t>(i);
    if (a == aux_code) {
        const auto s = r.bytes(i + (i & 1u), "AUX text"); // padded to an even length
        std::size_t n = i;
        while (n > 0 && s[n - 1] == 0) --n; // AUX strings may carry a terminating NUL
        last.aux.assign(reinterpret_cast<const char*>(s.data()), n);
    }
}

} // namespace

std::vector<annotation> parse_mit_annotations(std::span<const std::uint8_t> bytes, const std::string& file,
                                              std::int64_t record_samples) {
    std::vector<annotation> out;
    word_reader r(bytes, file);
    std::int64_t t = 0;
    std::int8_t num = 0; // NUM and CHN persist until changed (see apply_modifier)
    std::uint8_t chan = 0;
    bool ended = false;
    while (!r.at_end()) {
        const std::size_t at = r.pos();
        const std::uint32_t w = r.word();
        const unsigned a = w >> 10, i = w & 0x3FFu;
        if (a == 0 && i == 0) {
            ended = true;
            break;
        }
        if (a == skip_code) {
            // 32-bit interval stored as two little-endian 16-bit words, high word first (PDP-11 order).
            const auto s = r.bytes(4, "a SKIP interval");
            const std::uint32_t hi = s[0] | (static_cast<std::uint32_t>(s[1]) << 8);
            const std::uint32_t lo = s[2] | (static_cast<std::uint32_t>(s[3]) << 8);
            t += static_cast<std::int32_t>((hi << 16) | lo);
            if (t < 0) r.fail(at, "SKIP moves the time before the start of the record");
            continue;
        }
        if (a >= num_code) {
            if (out.empty()) r.fail(at, "modifier (NUM/SUB/CHN/AUX) before the first annotation");
            apply_modifier(a, i, r, out.back(), num, chan);
            continue;
        }
        if (a > ann_max_code)
            r.fail(at, "annotation code " + std::to_string(a) + " is not defined (1.." +
                           std::to_string(ann_max_code) + ")");
        t += i;
        if (!out.empty() && t < out.back().sample)
            r.fail(at, "annotation time " + std::to_string(t) + " is before the previous one (" +
                           std::to_string(out.back().sample) + ")");
        if (record_samples > 0 && t >= record_samples)
            r.fail(at, "annotation at sample " + std::to_string(t) + " is past the end of the record (" +
                           std::to_string(record_samples) + " samples)");
        annotation ann;
        ann.sample = t;
        ann.code = static_cast<std::uint8_t>(a);
        ann.num = num;
        ann.chan = chan;
        out.push_back(std::move(ann));
    }
    if (!ended) r.fail(bytes.size(), "no end-of-annotations marker (truncated annotation file?)");
    return out;
}

std::vector<annotation> read_annotations(const std::string& path, std::int64_t record_samples) {
    const auto bytes = detail::read_file_bytes(path, "annotation file");
    return parse_mit_annotations(bytes, path, record_samples);
}

const char* annotation_symbol(std::uint8_t code) {
    return code <= ann_max_code ? symbols[code] : "?";
}

bool is_beat(std::uint8_t code) {
    // N L R a V F J A S E j / Q e n f r B ? (code 30 is '?', "beat not classified during learning").
    switch (code) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
    case 25:
    case 30:
    case 34:
    case 35:
    case 38:
    case 41:
        return true;
    default:
        return false;
    }
}

aami_class aami_of(std::uint8_t code) {
    switch (code) {
    case 1:
    case 2:
    case 3:
    case 34:
    case 11:
        return aami_class::N; // N L R e j
    case 8:
    case 4:
    case 7:
    case 9:
        return aami_class::S; // A a J S
    case 5:
    case 10:
        return aami_class::V; // V E
    case 6:
        return aami_class::F; // F
    case 12:
    case 38:
    case 13:
        return aami_class::Q; // / f Q
    default:
        return aami_class::none;
    }
}

const char* aami_name(aami_class c) {
    constexpr std::array<const char*, 6> names = {"N", "S", "V", "F", "Q", "none"};
    return names[static_cast<std::size_t>(c)];
}

} // namespace spikekit::events
