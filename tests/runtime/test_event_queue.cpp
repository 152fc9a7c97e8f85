// The runtime's SPSC input queue: order, capacity, wrap-around, and one producer thread racing the consumer.
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "spikekit/runtime/event_queue.hpp"

using spikekit::runtime::event_queue;
using spikekit::runtime::input_event;

TEST_CASE("event queue: FIFO order, refuses when full, wraps around") {
    input_event buf[4];
    event_queue q(buf, 4);
    CHECK(q.capacity() == 4);
    input_event e{};
    CHECK_FALSE(q.peek(e));
    for (std::uint32_t round = 0; round < 5; ++round) { // indices run past the buffer several times
        for (std::uint32_t k = 0; k < 4; ++k) CHECK(q.push({round, k}));
        CHECK_FALSE(q.push({round, 99}));
        CHECK(q.size() == 4);
        for (std::uint32_t k = 0; k < 4; ++k) {
            REQUIRE(q.peek(e));
            CHECK(e.step == round);
            CHECK(e.channel == k);
            q.pop();
        }
        CHECK(q.size() == 0);
    }
    CHECK(q.push({7, 1}));
    q.clear();
    CHECK_FALSE(q.peek(e));
}

TEST_CASE("event queue: a producer thread and a consumer see every event once, in order") {
    input_event buf[8];
    event_queue q(buf, 8);
    constexpr std::uint32_t n = 200000;
    std::thread producer([&] {
        for (std::uint32_t i = 0; i < n;)
            if (q.push({i, i * 3u})) ++i;
    });
    std::uint32_t next = 0;
    bool ordered = true;
    while (next < n) {
        input_event e{};
        if (!q.peek(e)) continue;
        ordered = ordered && e.step == next && e.channel == next * 3u;
        q.pop();
        ++next;
    }
    producer.join();
    CHECK(ordered);
    CHECK(q.size() == 0);
}
