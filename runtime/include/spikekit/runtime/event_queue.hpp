#pragma once
// Lock-free single-producer / single-consumer queue of input events, safe between one interrupt handler
// (the producer: a sensor ISR pushes (step, channel) events) and the main loop (the consumer: the engine
// drains the queue at the start of each step). Freestanding C++17: no heap, the caller owns the buffer.
//
// Guarantees: push() and pop() never block and never allocate; with one producer and one consumer every
// event pushed is popped exactly once and in order; a full queue refuses the event (push returns false and
// the producer decides, e.g. counts a drop) rather than overwriting one. The indices are 32-bit atomics
// used only through load and store (acquire / release): single aligned word accesses plus a barrier on
// every Cortex-M, ARMv6-M included (which has no atomic read-modify-write, hence no
// is_always_lock_free there, but none is needed), so no interrupt is ever masked.
#include <atomic>
#include <cstdint>

namespace spikekit::runtime {

// One input event: input channel `channel` (an input neuron of the model) spikes at step `step`.
struct input_event {
    std::uint32_t step;
    std::uint32_t channel;
};

class event_queue {
  public:
    // `capacity` must be a power of two; the queue holds up to `capacity` events.
    event_queue(input_event* buffer, std::uint32_t capacity) noexcept : buf_(buffer), mask_(capacity - 1) {}

    // Producer side (one ISR or thread). False when the queue is full.
    bool push(const input_event& e) noexcept {
        const std::uint32_t h = head_.load(std::memory_order_relaxed);
        if (h - tail_.load(std::memory_order_acquire) > mask_) return false;
        buf_[h & mask_] = e;
        head_.store(h + 1, std::memory_order_release);
        return true;
    }
    // Consumer side (the engine). The oldest event without removing it; false when empty.
    bool peek(input_event& e) const noexcept {
        const std::uint32_t t = tail_.load(std::memory_order_relaxed);
        if (t == head_.load(std::memory_order_acquire)) return false;
        e = buf_[t & mask_];
        return true;
    }
    // Consumer side, in one pass: hands f each queued event, oldest first, while f returns true (f took it:
    // it is removed); one acquire of the producer's index and one release of ours for the whole batch.
    template <class F>
    void consume_while(F&& f) noexcept {
        const std::uint32_t h = head_.load(std::memory_order_acquire);
        std::uint32_t t = tail_.load(std::memory_order_relaxed);
        while (t != h && f(buf_[t & mask_])) ++t;
        tail_.store(t, std::memory_order_release);
    }
    void pop() noexcept { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
    std::uint32_t size() const noexcept {
        return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
    }
    std::uint32_t capacity() const noexcept { return mask_ + 1; }
    // Consumer side, with the producer quiet (e.g. its interrupt disabled): forget every queued event.
    void clear() noexcept { tail_.store(head_.load(std::memory_order_acquire), std::memory_order_release); }

  private:
    input_event* buf_;
    std::uint32_t mask_;
    std::atomic<std::uint32_t> head_{0}, tail_{0};
};

} // namespace spikekit::runtime
