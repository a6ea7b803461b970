// oneDNN (Debian libdnnl-dev, 2.6): the u8 x s8 -> s32 matrix product of the int8 engine, the
// bf16 products of its attention, and the CPU-dispatch report. oneDNN picks its kernels at run
// time (AVX2, AVX-512 VNNI, ...), so one build runs on every x86-64 machine. Debian has no
// pkg-config file for it.
#ifndef VTKC_CDNNL_SHIM_H
#define VTKC_CDNNL_SHIM_H
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <oneapi/dnnl/dnnl.h>

// Debian builds oneDNN on OpenMP, whose team size is per calling thread. The engine runs each
// product on one thread inside its own fixed pieces of work, so every calling thread sets its
// team to one. Found with dlsym: libgomp comes in with libdnnl and has no linkable name here,
// and a build on another runtime (TBB, sequential) simply lacks the symbol.
static inline void vtkc_dnnl_single_threaded(void) {
    static void (*set_threads)(int) = 0;
    static int (*get_threads)(void) = 0;
    static int looked = 0;
    if (!looked) {
        set_threads = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
        get_threads = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_max_threads");
        looked = 1;
    }
    if (set_threads && get_threads && get_threads() != 1) set_threads(1);
}

// A matmul primitive for the three memory descriptors (after `status`, the result of making
// them), with a user-managed scratchpad; on failure *pd and *primitive are NULL.
static inline dnnl_status_t vtkc_dnnl_matmul_primitive(dnnl_engine_t engine, dnnl_status_t status,
                                                       const dnnl_memory_desc_t *src,
                                                       const dnnl_memory_desc_t *weights,
                                                       const dnnl_memory_desc_t *dst,
                                                       dnnl_primitive_desc_t *pd,
                                                       dnnl_primitive_t *primitive) {
    dnnl_matmul_desc_t desc;
    if (status == dnnl_success) status = dnnl_matmul_desc_init(&desc, src, weights, NULL, dst);
    *pd = NULL;
    *primitive = NULL;
    dnnl_primitive_attr_t attr = NULL;
    if (status == dnnl_success) status = dnnl_primitive_attr_create(&attr);
    if (status == dnnl_success)
        status = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (status == dnnl_success) status = dnnl_primitive_desc_create(pd, &desc, attr, engine, NULL);
    if (status == dnnl_success) status = dnnl_primitive_create(primitive, *pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (status != dnnl_success && *pd) {
        dnnl_primitive_desc_destroy(*pd);
        *pd = NULL;
    }
    return status;
}

// A u8 (m x k, row-major) x s8 (k x n) -> s32 (m x n, row-major) matmul whose weights layout
// is oneDNN's choice for this CPU (query it with dnnl_query_weights_md). Its scratchpad is the
// caller's (vtkc_dnnl_matmul_execute brings one per call), which makes running one primitive on
// several threads at once safe.
static inline dnnl_status_t vtkc_dnnl_matmul_create(dnnl_engine_t engine, int64_t m, int64_t n,
                                                    int64_t k, dnnl_primitive_desc_t *pd,
                                                    dnnl_primitive_t *primitive) {
    dnnl_memory_desc_t src, weights, dst;
    dnnl_dims_t srcDims = {m, k}, weightDims = {k, n}, dstDims = {m, n};
    dnnl_status_t status = dnnl_memory_desc_init_by_tag(&src, 2, srcDims, dnnl_u8, dnnl_ab);
    if (status == dnnl_success)
        status = dnnl_memory_desc_init_by_tag(&weights, 2, weightDims, dnnl_s8, dnnl_format_tag_any);
    if (status == dnnl_success)
        status = dnnl_memory_desc_init_by_tag(&dst, 2, dstDims, dnnl_s32, dnnl_ab);
    return vtkc_dnnl_matmul_primitive(engine, status, &src, &weights, &dst, pd, primitive);
}

// Copies a PyTorch Linear weight (n x k int8, row-major, i.e. k x n with strides {1, k}) into
// `out`, a new oneDNN memory in the layout `pd` chose for its weights.
static inline dnnl_status_t vtkc_dnnl_reorder_weights(dnnl_engine_t engine,
                                                      const_dnnl_primitive_desc_t pd,
                                                      const int8_t *values, int64_t n, int64_t k,
                                                      dnnl_memory_t *out) {
    dnnl_memory_desc_t user;
    dnnl_dims_t dims = {k, n}, strides = {1, k};
    const dnnl_memory_desc_t *target = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_status_t status = dnnl_memory_desc_init_by_strides(&user, 2, dims, dnnl_s8, strides);
    dnnl_memory_t source = NULL;
    dnnl_primitive_desc_t reorderPD = NULL;
    dnnl_primitive_t reorder = NULL;
    dnnl_stream_t stream = NULL;
    *out = NULL;
    if (status == dnnl_success)
        status = dnnl_memory_create(&source, &user, engine, (void *)values);
    if (status == dnnl_success)
        status = dnnl_memory_create(out, target, engine, DNNL_MEMORY_ALLOCATE);
    if (status == dnnl_success)
        status = dnnl_reorder_primitive_desc_create(&reorderPD, &user, engine, target, engine, NULL);
    if (status == dnnl_success) status = dnnl_primitive_create(&reorder, reorderPD);
    if (status == dnnl_success) status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    if (status == dnnl_success) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, source}, {DNNL_ARG_TO, *out}};
        status = dnnl_primitive_execute(reorder, stream, 2, args);
    }
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    if (stream) dnnl_stream_destroy(stream);
    if (reorder) dnnl_primitive_destroy(reorder);
    if (reorderPD) dnnl_primitive_desc_destroy(reorderPD);
    if (source) dnnl_memory_destroy(source);
    if (status != dnnl_success && *out) {
        dnnl_memory_destroy(*out);
        *out = NULL;
    }
    return status;
}

// Runs a matmul primitive on the calling thread: dst = src x weights, with the weights given
// as a oneDNN memory (`weights`, the int8 path's reordered copy) or, when that is NULL, as a
// plain pointer in the layout the primitive was made for (`weightValues`, the bf16 path).
static inline dnnl_status_t vtkc_dnnl_matmul_execute(dnnl_engine_t engine,
                                                     const_dnnl_primitive_desc_t pd,
                                                     const_dnnl_primitive_t primitive,
                                                     const void *src, const_dnnl_memory_t weights,
                                                     const void *weightValues, void *dst) {
    vtkc_dnnl_single_threaded();
    dnnl_memory_t srcMemory = NULL, dstMemory = NULL, padMemory = NULL, plainWeights = NULL;
    dnnl_stream_t stream = NULL;
    const dnnl_memory_desc_t *padDesc = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t padBytes = padDesc ? dnnl_memory_desc_get_size(padDesc) : 0;
    void *pad = padBytes ? aligned_alloc(64, (padBytes + 63) / 64 * 64) : NULL;
    if (padBytes && !pad) return dnnl_out_of_memory;
    dnnl_status_t status = dnnl_memory_create(
        &srcMemory, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), engine, (void *)src);
    if (status == dnnl_success)
        status = dnnl_memory_create(
            &dstMemory, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), engine, dst);
    if (status == dnnl_success && !weights) {
        status = dnnl_memory_create(
            &plainWeights, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), engine,
            (void *)weightValues);
        weights = plainWeights;
    }
    if (status == dnnl_success && pad)
        status = dnnl_memory_create(&padMemory, padDesc, engine, pad);
    if (status == dnnl_success) status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    if (status == dnnl_success) {
        dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, srcMemory},
                                   {DNNL_ARG_WEIGHTS, (dnnl_memory_t)weights},
                                   {DNNL_ARG_DST, dstMemory}, {DNNL_ARG_SCRATCHPAD, padMemory}};
        status = dnnl_primitive_execute(primitive, stream, pad ? 4 : 3, args);
    }
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    if (stream) dnnl_stream_destroy(stream);
    if (padMemory) dnnl_memory_destroy(padMemory);
    free(pad);
    if (plainWeights) dnnl_memory_destroy(plainWeights);
    if (dstMemory) dnnl_memory_destroy(dstMemory);
    if (srcMemory) dnnl_memory_destroy(srcMemory);
    return status;
}

// A bf16 (m x k, row-major) x bf16 (k x n) -> f32 (m x n, row-major) matmul on plain layouts:
// the weights row-major (k x n), or with `transposedWeights` stored as n rows of k values
// (the keys of attention, q k^T). Every layout is fixed here, so a run needs no reorder.
static inline dnnl_status_t vtkc_dnnl_matmul_bf16_create(dnnl_engine_t engine, int64_t m,
                                                         int64_t n, int64_t k,
                                                         int transposedWeights,
                                                         dnnl_primitive_desc_t *pd,
                                                         dnnl_primitive_t *primitive) {
    dnnl_memory_desc_t src, weights, dst;
    dnnl_dims_t srcDims = {m, k}, weightDims = {k, n}, dstDims = {m, n};
    dnnl_dims_t weightStrides = {transposedWeights ? 1 : n, transposedWeights ? k : 1};
    dnnl_status_t status = dnnl_memory_desc_init_by_tag(&src, 2, srcDims, dnnl_bf16, dnnl_ab);
    if (status == dnnl_success)
        status = dnnl_memory_desc_init_by_strides(&weights, 2, weightDims, dnnl_bf16, weightStrides);
    if (status == dnnl_success)
        status = dnnl_memory_desc_init_by_tag(&dst, 2, dstDims, dnnl_f32, dnnl_ab);
    return vtkc_dnnl_matmul_primitive(engine, status, &src, &weights, &dst, pd, primitive);
}

// The implementation oneDNN chose for `pd` (e.g. "brg:avx512_core_vnni"), or "".
static inline const char *vtkc_dnnl_impl_name(const_dnnl_primitive_desc_t pd) {
    const char *name = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) != dnnl_success || !name)
        return "";
    return name;
}
#endif
