#include "semihost.h"

enum {
    SYS_OPEN = 0x01,
    SYS_WRITE0 = 0x04,
    SYS_READ = 0x06,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int call(int op, const void* arg) {
    register int r0 __asm__("r0") = op;
    register const void* r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_write(const char* s) {
    call(SYS_WRITE0, s);
}

void sh_write_u32(uint32_t v) {
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    sh_write(&buf[i]);
}

void sh_exit(int code) {
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    call(SYS_EXIT_EXTENDED, block);
    call(SYS_EXIT, (const void*)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT); /* hosts without EXTENDED */
    for (;;) {
    }
}

int sh_open_read(const char* path) {
    uint32_t n = 0;
    while (path[n]) ++n;
    uint32_t block[3] = {(uint32_t)(uintptr_t)path, 0 /* "r" */, n};
    return call(SYS_OPEN, block);
}

int sh_read(int handle, void* buf, uint32_t len) {
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buf, len};
    const int left = call(SYS_READ, block); /* bytes NOT read */
    return left < 0 ? -1 : (int)(len - (uint32_t)left);
}

int sh_cmdline(char* buf, uint32_t size) {
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, size};
    return call(SYS_GET_CMDLINE, block) == 0 ? (int)block[1] : -1;
}
