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
#endif
