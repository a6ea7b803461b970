// OpenBLAS: cblas for matrix products, and the thread-count control.
#ifndef VTKC_COPENBLAS_SHIM_H
#define VTKC_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
