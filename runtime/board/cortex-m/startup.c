/* Bare-metal start-up for the exported programs on Cortex-M (ARMv6-M, v7-M, v8-M mainline):
 * vector table, .data copy, .bss zeroing, stack painting (for the measured stack high-water mark), C++
 * static constructors, main(), then a semihosting exit with main's status. Any fault prints its exception
 * number and exits with status 3, so a test harness sees it. No heap and no OS: nothing here calls newlib.
 * Written for spikekit after the approach of the shared mcu-qemu harness (notes/mcu.md). */
#include <stdint.h>

#include "semihost.h"

extern uint32_t __data_load__, __data_start__, __data_end__, __bss_start__, __bss_end__;
extern uint32_t __stack_limit__, __StackTop;
typedef void (*constructor)(void);
extern constructor __init_array_start[], __init_array_end[];
int main(void);

#define PAINT 0xC5C5C5C5u

uint32_t board_stack_high_water(void) {
    const uint32_t* p = &__stack_limit__;
    while (p < &__StackTop && *p == PAINT) ++p;
    return (uint32_t)((uintptr_t)&__StackTop - (uintptr_t)p);
}

__attribute__((noreturn)) void Reset_Handler(void) {
    const uint32_t* src = &__data_load__;
    for (uint32_t* d = &__data_start__; d < &__data_end__;) *d++ = *src++;
    for (uint32_t* d = &__bss_start__; d < &__bss_end__;) *d++ = 0u;
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t* p = &__stack_limit__; (uintptr_t)p + 64u < sp; ++p) *p = PAINT; /* leave our own frame */
    for (constructor* c = __init_array_start; c < __init_array_end; ++c) (*c)();
    sh_exit(main());
}

__attribute__((noreturn)) void Fault_Handler(void) {
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    sh_write("FAULT: exception ");
    sh_write_u32(ipsr & 0x1FFu);
    sh_write("\n");
    sh_exit(3);
}

__attribute__((section(".isr_vector"), used)) const void* const board_vectors[16] = {
    &__StackTop,
    (void*)Reset_Handler,
    (void*)Fault_Handler,
    (void*)Fault_Handler,
    (void*)Fault_Handler,
    (void*)Fault_Handler,
    (void*)Fault_Handler,
    (void*)Fault_Handler,
    0,
    0,
    0,
    (void*)Fault_Handler,
    (void*)Fault_Handler,
    0,
    (void*)Fault_Handler,
    (void*)Fault_Handler,
};
