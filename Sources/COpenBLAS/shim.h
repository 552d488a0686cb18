#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>

/* LAPACK routines exported by libopenblas (Debian's libopenblas-dev ships no lapacke.h).
   Fortran calling convention: every argument by pointer, column-major arrays, and the hidden
   lengths of the character arguments appended (gfortran ABI; 1 for single-character flags). */
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *lda,
             const double *vl, const double *vu, const int *il, const int *iu, const double *abstol, int *m,
             double *w, double *z, const int *ldz, int *isuppz, double *work, const int *lwork, int *iwork,
             const int *liwork, int *info, size_t jobz_len, size_t range_len, size_t uplo_len);

void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s, double *u,
             const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *iwork, int *info,
             size_t jobz_len);
#endif
