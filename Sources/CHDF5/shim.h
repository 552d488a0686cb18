#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H
#include <hdf5.h>
#include <hdf5_hl.h>

// HDF5 exposes many constants as macros over H5OPEN; Swift cannot import those, so they are
// re-exported here as static inline getters.
static inline hid_t chdf5_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t chdf5_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t chdf5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t chdf5_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t chdf5_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t chdf5_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
static inline hid_t chdf5_std_ref_obj(void) { return H5T_STD_REF_OBJ; }
static inline hid_t chdf5_std_i64le(void) { return H5T_STD_I64LE; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t chdf5_p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }
static inline hsize_t chdf5_s_unlimited(void) { return H5S_UNLIMITED; }

/// Silences HDF5's automatic error printing (errors are collected and reported by omics).
static inline void chdf5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char buffer[512]; } chdf5_error_message;

static inline herr_t chdf5_walk_cb(unsigned n, const H5E_error2_t *err, void *data) {
  chdf5_error_message *out = (chdf5_error_message *)data;
  if (err && err->desc && err->desc[0]) {
    // keep the innermost (first) description
    if (out->buffer[0] == 0) {
      snprintf(out->buffer, sizeof(out->buffer), "%s", err->desc);
    }
  }
  return 0;
}

/// The innermost message on HDF5's error stack (empty when there is none); clears the stack.
static inline chdf5_error_message chdf5_last_error(void) {
  chdf5_error_message m;
  m.buffer[0] = 0;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, chdf5_walk_cb, &m);
  H5Eclear2(H5E_DEFAULT);
  return m;
}

/// Frees a buffer of variable-length strings read from `dataset`/`type`/`space`.
static inline herr_t chdf5_vlen_reclaim(hid_t type, hid_t space, void *buf) {
  return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
}
#endif
