/* ARM semihosting for Cortex-M without newlib: BKPT 0xAB with r0 = operation, r1 = argument block
 * (ARM "Semihosting for AArch32 and AArch64", ARM-software/abi-aa). QEMU implements it with
 * -semihosting-config enable=on. */
#ifndef SPIKEKIT_BOARD_SEMIHOST_H
#define SPIKEKIT_BOARD_SEMIHOST_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Text to the host console (SYS_WRITE0). */
void sh_write(const char* s);
void sh_write_u32(uint32_t v);
/* Ends the emulation with exit status `code` (SYS_EXIT_EXTENDED: any status reaches the host). */
__attribute__((noreturn)) void sh_exit(int code);
/* Measured stack high-water mark in bytes (painted by the start-up code). */
uint32_t board_stack_high_water(void);

#ifdef __cplusplus
}
#endif
#endif
