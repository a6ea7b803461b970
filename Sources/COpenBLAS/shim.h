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
#endif
