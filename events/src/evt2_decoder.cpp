// Prophesee EVT 2.0: little-endian 32-bit words, type in bits 31..28.
//   0x0 CD_OFF / 0x1 CD_ON: t_lsb bits 27..22, x bits 21..11, y bits 10..0
//   0x8 EVT_TIME_HIGH: timestamp bits 33..6 in bits 27..0
//   0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED: not CD events, skipped
// Any other type is corruption.
//
// Speed: the hot loop only accumulates "something is wrong" flags; when one is set the block is decoded
// again from the saved state with per-word checks, which finds and reports the first bad word.
#include <cstring>

#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

constexpr std::uint32_t valid_types =
    (1u << 0x0) | (1u << 0x1) | (1u << 0x8) | (1u << 0xA) | (1u << 0xE) | (1u << 0xF);

struct evt2_state {
    std::uint64_t time_high = 0;
    std::int64_t last_t = 0; // EVT 2.0 times are >= 0, so t - last_t cannot overflow
};

class evt2_decoder final : public decoder {
  public:
    evt2_decoder(std::string path, event_check chk) : path_(std::move(path)), chk_(chk) {}

    decode_step decode(const byte_source& src, std::span<dvs_event> out) override {
        const std::size_t words = std::min(src.size() / 4, out.size());
        if (words == 0) {
            if (src.eof() && src.size() > 0 && src.size() < 4)
                bad_data(path_, src.offset(),
                         "truncated: " + std::to_string(src.size()) +
                             " bytes left, less than one 4-byte word");
            return {0, 0, 4};
        }
        const evt2_state saved = st_;
        std::uint32_t bad = 0;
        const std::size_t n = run<false>(src.data(), words, out.data(), bad);
        if (bad) {
            st_ = saved;
            std::uint32_t unused = 0;
            run<true>(src.data(), words, out.data(), unused, src.offset()); // throws at the bad word
        }
        return {words * 4, n, 0};
    }

  private:
    // The hot loop: CD words are the common case (a well-predicted branch). The sensor check uses that
    // x, y < 2048 and width, height <= 2048: x >= width exactly when bit 11 of x + (2048 - width) is set;
    // the time check ORs t - last, whose sign bit is set exactly when time went back. So the loop only ORs
    // into two accumulators and tests them once per block.
    template <bool checked>
    std::size_t run(const std::uint8_t* p, std::size_t words, dvs_event* o, std::uint32_t& bad,
                    std::uint64_t offset = 0) {
        const std::uint32_t cw = 2048 - chk_.width, ch = 2048 - chk_.height;
        std::uint64_t th6 = st_.time_high << 6;
        std::int64_t last = st_.last_t;
        std::size_t n = 0;
        std::uint32_t xy_acc = 0, wrong = 0;
        std::uint64_t t_acc = 0;
        for (std::size_t i = 0; i < words; ++i) {
            const std::uint32_t w = load_le<std::uint32_t>(p + 4 * i);
            const std::uint32_t type = w >> 28;
            if (type < 2) [[likely]] {
                const std::uint32_t x = (w >> 11) & 0x7FF, y = w & 0x7FF;
                const auto t = static_cast<std::int64_t>(th6 | ((w >> 22) & 0x3F));
                o[n].t_us = t;
                const std::uint64_t rest = x | std::uint64_t{y} << 16 | std::uint64_t{type} << 32;
                std::memcpy(&o[n].x, &rest, sizeof rest);
                xy_acc |= (x + cw) | (y + ch);
                t_acc |= static_cast<std::uint64_t>(t - last);
                if constexpr (checked) {
                    chk_.last_t = last;
                    if (!chk_.ok(o[n])) chk_.fail(path_, offset + 4 * i, o[n]);
                }
                last = t;
                ++n;
            } else if (type == 0x8) {
                th6 = std::uint64_t{w & 0x0FFFFFFFu} << 6;
            } else if (!((valid_types >> type) & 1u)) {
                if constexpr (checked)
                    bad_data(path_, offset + 4 * i,
                             "unknown EVT 2.0 word type 0x" + hex(type) + " (corrupted data?)");
                wrong = 1;
            }
        }
        const bool time_back = !chk_.allow_time_jumps && (t_acc >> 63) != 0;
        bad = wrong | ((xy_acc >> 11) & 1u) | static_cast<std::uint32_t>(time_back);
        st_.time_high = th6 >> 6;
        st_.last_t = last;
        chk_.last_t = last;
        return n;
    }

    static std::string hex(std::uint32_t v) { return std::string(1, "0123456789ABCDEF"[v & 0xF]); }

    std::string path_;
    event_check chk_;
    evt2_state st_;
};

} // namespace

std::unique_ptr<decoder> make_evt2_decoder(byte_source& src, stream_info& info, bool allow_time_jumps) {
    const auto header = read_text_header(src, '%', " end");
    prophesee_geometry(header, info);
    event_check chk;
    // 11-bit addresses: a (corrupted) header claiming more than 2048 would break the hot loop's bit trick.
    chk.width = info.width ? std::min(info.width, std::uint16_t{2048}) : 2048u;
    chk.height = info.height ? std::min(info.height, std::uint16_t{2048}) : 2048u;
    chk.allow_time_jumps = allow_time_jumps;
    return std::make_unique<evt2_decoder>(src.path(), chk);
}

} // namespace spikekit::events
