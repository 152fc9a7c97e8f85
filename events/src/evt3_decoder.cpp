// Prophesee EVT 3.0: little-endian 16-bit words, type in bits 15..12, decoded with state (OpenEB semantics):
//   0x0 ADDR_Y y; 0x2 ADDR_X x,p -> one event; 0x3 VECT_BASE_X base_x,p; 0x4 VECT_12 / 0x5 VECT_8: one event
//   per set bit at base_x + i, then base_x advances by 12 / 8; 0x6 TIME_LOW bits 11..0; 0x8 TIME_HIGH
//   bits 23..12 (a drop of >= 2048 means the 24-bit time wrapped, every 16.777216 s; a new high resets low);
//   0x7 CONTINUED_4, 0xA EXT_TRIGGER, 0xD IMU, 0xE OTHERS, 0xF CONTINUED_12: skipped. Others are corruption.
// As for EVT 2.0 the fast loop only flags problems and a checked replay of the block names the bad word.
#include <bit>

#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

constexpr std::uint32_t valid_types = (1u << 0x0) | (1u << 0x2) | (1u << 0x3) | (1u << 0x4) | (1u << 0x5) |
                                      (1u << 0x6) | (1u << 0x7) | (1u << 0x8) | (1u << 0xA) | (1u << 0xD) |
                                      (1u << 0xE) | (1u << 0xF);

struct evt3_state {
    std::uint16_t y = 0, base_x = 0;
    std::uint8_t p = 0;
    std::uint32_t low = 0, high = 0;
    std::int64_t loops = 0, t = 0;
    std::int64_t last_t = INT64_MIN;
};

class evt3_decoder final : public decoder {
  public:
    evt3_decoder(std::string path, event_check chk) : path_(std::move(path)), chk_(chk) {}

    std::size_t min_out() const override { return 12; }

    decode_step decode(const byte_source& src, std::span<dvs_event> out) override {
        const std::size_t words = src.size() / 2;
        if (words == 0) {
            if (src.eof() && src.size() == 1)
                bad_data(path_, src.offset(), "truncated: 1 byte left, less than one 2-byte word");
            return {0, 0, 2};
        }
        const evt3_state saved = st_;
        bool bad = false;
        std::size_t used = 0;
        const std::size_t n = run<false>(src.data(), words, out, used, bad);
        if (bad) {
            st_ = saved;
            run<true>(src.data(), words, out, used, bad, src.offset()); // throws at the bad word
        }
        return {used * 2, n, 0};
    }

  private:
    template <bool checked>
    std::size_t run(const std::uint8_t* p, std::size_t words, std::span<dvs_event> out, std::size_t& used,
                    bool& bad, std::uint64_t offset = 0) {
        evt3_state s = st_;
        dvs_event* o = out.data();
        const std::size_t room = out.size() - 12; // a vector word writes up to 12 events
        const std::uint32_t w_max = chk_.width, h_max = chk_.height;
        const bool jumps = chk_.allow_time_jumps;
        std::size_t n = 0, i = 0;
        std::uint32_t flag = 0;
        auto emit = [&](std::uint32_t x, std::uint8_t pol) {
            o[n] = dvs_event{s.t, static_cast<std::uint16_t>(x), s.y, pol};
            const std::uint32_t off = (x >= w_max) | (s.y >= h_max) | (!jumps & (s.t < s.last_t));
            if constexpr (checked) {
                if (off) {
                    chk_.last_t = s.last_t;
                    chk_.fail(path_, offset + 2 * i, o[n]);
                }
            }
            flag |= off;
            s.last_t = s.t;
            ++n;
        };
        for (; i < words && n <= room; ++i) {
            const std::uint32_t w = load_le<std::uint16_t>(p + 2 * i);
            if constexpr (!checked) {
                // ADDR_Y and ADDR_X are ~80% of the words in an unpredictable order; a jump table mispredicts
                // on them, so they are decoded without branches: the event is always written but only counted
                // for ADDR_X, and only ADDR_Y changes the row. Type 1 (invalid) only raises the flag.
                if ((w >> 12) <= 2) {
                    const std::uint32_t is_x = (w >> 13) & 1, v = w & 0x7FF;
                    s.y = static_cast<std::uint16_t>(is_x ? s.y : v);
                    o[n] = dvs_event{s.t, static_cast<std::uint16_t>(v), s.y,
                                     static_cast<std::uint8_t>((w >> 11) & 1)};
                    const std::uint32_t off = (v >= w_max) | (s.y >= h_max) | (!jumps & (s.t < s.last_t));
                    flag |= (off & is_x) | ((w >> 12) == 1);
                    s.last_t = is_x ? s.t : s.last_t;
                    n += is_x;
                    continue;
                }
            }
            switch (w >> 12) {
            case 0x0:
                s.y = static_cast<std::uint16_t>(w & 0x7FF);
                break;
            case 0x2:
                emit(w & 0x7FF, static_cast<std::uint8_t>((w >> 11) & 1));
                break;
            case 0x3:
                s.base_x = static_cast<std::uint16_t>(w & 0x7FF);
                s.p = static_cast<std::uint8_t>((w >> 11) & 1);
                break;
            case 0x4:
            case 0x5: {
                const std::uint32_t width = (w >> 12) == 0x4 ? 12 : 8;
                for (std::uint32_t bits = w & ((1u << width) - 1); bits; bits &= bits - 1)
                    emit(s.base_x + static_cast<std::uint32_t>(std::countr_zero(bits)), s.p);
                s.base_x = static_cast<std::uint16_t>(s.base_x + width);
                break;
            }
            case 0x6:
                s.low = w & 0xFFF;
                s.t = (s.loops << 24) | std::int64_t{s.high} << 12 | s.low;
                break;
            case 0x8: {
                const std::uint32_t high = w & 0xFFF;
                if (s.high >= high + 2048) ++s.loops;
                if (high != s.high) s.low = 0;
                s.high = high;
                s.t = (s.loops << 24) | std::int64_t{s.high} << 12 | s.low;
                break;
            }
            default:
                if (!((valid_types >> (w >> 12)) & 1u)) {
                    if constexpr (checked)
                        bad_data(path_, offset + 2 * i,
                                 "unknown EVT 3.0 word type 0x" +
                                     std::string(1, "0123456789ABCDEF"[w >> 12]) + " (corrupted data?)");
                    flag = 1;
                }
            }
        }
        bad = flag != 0;
        used = i;
        st_ = s;
        chk_.last_t = s.last_t;
        return n;
    }

    std::string path_;
    event_check chk_;
    evt3_state st_;
};

} // namespace

std::unique_ptr<decoder> make_evt3_decoder(byte_source& src, stream_info& info, bool allow_time_jumps) {
    const auto header = read_text_header(src, '%', " end");
    prophesee_geometry(header, info);
    event_check chk;
    chk.width = info.width ? info.width : 2048u;
    chk.height = info.height ? info.height : 2048u;
    chk.allow_time_jumps = allow_time_jumps;
    return std::make_unique<evt3_decoder>(src.path(), chk);
}

} // namespace spikekit::events
