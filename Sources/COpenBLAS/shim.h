// OpenBLAS: cblas for matrix products, and the thread-count control.
#ifndef VTKC_COPENBLAS_SHIM_H
#define VTKC_COPENBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>

// LAPACK's symmetric eigensolver (divide and conquer), exported by libopenblas. Debian ships
// no lapack.h with it, so the Fortran symbol is declared here; the two trailing arguments are
// the hidden lengths of the character arguments (gfortran calling convention).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_len, size_t uplo_len);

// Every product vtkc computes runs on one OpenBLAS thread: how OpenBLAS splits a product
// between threads changes its rounding (its kernels round edge tiles differently), so a result
// would otherwise depend on the thread setting of the moment, which is global to the process.
// The parallelism is vtkc's own, in fixed pieces. Each engine and network calls this before its
// products, and nothing puts another value back (benchmarks of raw sgemm restore it).
static inline void vtkc_blas_single_threaded(void) {
    if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
}

// The kernel set OpenBLAS's run-time dispatch (DYNAMIC_ARCH) chose when it was loaded.
static inline const char *vtkc_blas_corename(void) { return openblas_get_corename(); }

// What this CPU can run, by cpuid (never by build flags): 0 AVX2 + FMA; 1 AVX-512 F, BW, DQ and
// VL (OpenBLAS's SkylakeX kernels); 2 AVX-512 BF16; 3 AVX-512 VNNI.
static inline int vtkc_cpu_supports(int feature) {
    __builtin_cpu_init();
    switch (feature) {
    case 0: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case 1: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    case 2: return __builtin_cpu_supports("avx512bf16");
    case 3: return __builtin_cpu_supports("avx512vnni");
    default: return 0;
    }
}
#endif
