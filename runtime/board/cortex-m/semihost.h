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
/* A host file opened for reading (SYS_OPEN, mode "r"): its handle, or -1. With QEMU's
 * -semihosting-config target=native, "/dev/stdin" is QEMU's own standard input (give the semihosting
 * console a chardev that does not read stdin, e.g. -chardev file,path=/dev/stdout). SYS_READ from a handle:
 * the bytes read, 0 at the end of the input, -1 on error. */
int sh_open_read(const char* path);
int sh_read(int handle, void* buf, uint32_t len);
/* The command line the host gives the program (SYS_GET_CMDLINE; QEMU: the -kernel file, then -append's
 * text) into buf, NUL-terminated; its length, or -1 when the host has none. */
int sh_cmdline(char* buf, uint32_t size);
/* Ends the emulation with exit status `code` (SYS_EXIT_EXTENDED: any status reaches the host). */
__attribute__((noreturn)) void sh_exit(int code);
/* Measured stack high-water mark in bytes (painted by the start-up code). */
uint32_t board_stack_high_water(void);

#ifdef __cplusplus
}
#endif
#endif
