/* QEMU TCG plugin (plugin API v1, as exported by Debian 12's qemu-system-arm 7.2, which ships neither
 * plugins nor qemu-plugin.h, so the few declarations used are written here) that counts the guest
 * instructions executed between marker calls: every instruction adds 1 to a counter (inline, exact), and
 * the first instructions of the functions at `begin` and `end` snapshot it. The sum of (end - begin)
 * counts over all begin/end pairs is the measured work; `total` is every instruction of the run. A call
 * of the function at `step` closes a unit of work (one simulation step): the largest unit is reported.
 *   qemu-system-arm ... -plugin ./libinsncount.so,begin=0x1234,end=0x1240,step=0x1250,out=counts.txt
 * Output: "insns_total=N insns_measured=M pairs=P steps=S max_step=X". Written for spikekit's MCU export. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*udata_cb_t)(unsigned int vcpu_index, void* userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn* insn, enum qemu_plugin_op op,
                                                void* ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn* insn, udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void* userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb* tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn* insn);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

static uint64_t total, measured, since, pairs;
static uint64_t steps, step_work, max_step;
static uint64_t begin_pc = UINT64_MAX, end_pc = UINT64_MAX, step_pc = UINT64_MAX;
static bool inside;
static char out_path[1024];

/* Called before the marker's first instruction executes, after the inline additions of the instructions
 * before it: `total` then counts exactly what ran up to the marker. */
static void on_begin(unsigned int vcpu, void* u) {
    (void)vcpu, (void)u;
    since = total;
    inside = true;
}
static void on_end(unsigned int vcpu, void* u) {
    (void)vcpu, (void)u;
    if (!inside) return;
    measured += total - since;
    step_work += total - since;
    ++pairs;
    inside = false;
}

static void on_step(unsigned int vcpu, void* u) {
    (void)vcpu, (void)u;
    if (step_work > max_step) max_step = step_work;
    step_work = 0;
    ++steps;
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
    (void)id;
    const size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
        const uint64_t pc = qemu_plugin_insn_vaddr(insn);
        if (pc == begin_pc)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (pc == end_pc) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (pc == step_pc)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_step, QEMU_PLUGIN_CB_NO_REGS, NULL);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &total, 1);
    }
}

/* A semihosting exit ends QEMU through exit(), which runs destructors. */
__attribute__((destructor)) static void report(void) {
    FILE* f = out_path[0] ? fopen(out_path, "w") : NULL;
    fprintf(f ? f : stderr, "insns_total=%llu insns_measured=%llu pairs=%llu steps=%llu max_step=%llu\n",
            (unsigned long long)total, (unsigned long long)measured, (unsigned long long)pairs,
            (unsigned long long)steps, (unsigned long long)max_step);
    if (f) fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc, char** argv) {
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "begin=", 6))
            begin_pc = strtoull(argv[i] + 6, NULL, 0) & ~1ull;
        else if (!strncmp(argv[i], "end=", 4))
            end_pc = strtoull(argv[i] + 4, NULL, 0) & ~1ull;
        else if (!strncmp(argv[i], "step=", 5))
            step_pc = strtoull(argv[i] + 5, NULL, 0) & ~1ull;
        else if (!strncmp(argv[i], "out=", 4))
            snprintf(out_path, sizeof out_path, "%s", argv[i] + 4);
        else {
            fprintf(stderr, "insncount: unknown argument %s\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
    return 0;
}
