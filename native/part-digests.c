/*
 * The duplicate search's narrowing stages, a batch of files in one call: for each file, open it (never
 * through a symlink), check it is still the regular file the scan saw (size and mtime), read its first or
 * last 4 KiB, close it, and write a 32-byte digest of those bytes.
 *
 * Why native: reading 4 KiB of 80k small files from JavaScript cost ~38 us a file on a thread (four sync fs
 * calls with their Stats objects, and a BLAKE3 call whose result Buffer costs more than the hashing); here
 * it is the syscalls alone.
 *
 * The digest is NOT cryptographic: it only sorts files into candidate groups. Two different prefixes that
 * happened to collide would only cost a needless full hash: every group is decided by the full BLAKE3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <node_api.h>
#include "fileorg-native.h"

#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

enum { HASHED = 0, CHANGED = 1, UNREADABLE = 2 };
enum { PART_BYTES = 4096, DIGEST_BYTES = 32, LANES = 4 };

static inline uint64_t rotate(uint64_t value, int bits) { return (value << bits) | (value >> (64 - bits)); }

/* Four independent 64-bit multiply-rotate lanes over the words, each with its own seed, then a final mix. */
static void digest_bytes(const unsigned char *bytes, size_t length, unsigned char *out) {
  static const uint64_t seeds[LANES] = { 0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full, 0x165667B19E3779F9ull, 0xD6E8FEB86659FD93ull };
  static const uint64_t multipliers[LANES] = { 0xFF51AFD7ED558CCDull, 0xC4CEB9FE1A85EC53ull, 0x94D049BB133111EBull, 0xBF58476D1CE4E5B9ull };
  uint64_t lanes[LANES];
  for (int lane = 0; lane < LANES; lane++) lanes[lane] = seeds[lane] ^ ((uint64_t)length * multipliers[lane]);
  size_t offset = 0;
  for (; offset + 8 <= length; offset += 8) {
    uint64_t word;
    memcpy(&word, bytes + offset, 8);
    for (int lane = 0; lane < LANES; lane++) lanes[lane] = rotate(lanes[lane] ^ (word * multipliers[lane]), 31 - lane * 4) * seeds[lane];
  }
  uint64_t tail = 0;
  memcpy(&tail, bytes + offset, length - offset);
  for (int lane = 0; lane < LANES; lane++) {
    uint64_t value = rotate(lanes[lane] ^ (tail * multipliers[lane]), 27) * seeds[lane];
    value ^= value >> 33; value *= multipliers[(lane + 1) % LANES]; value ^= value >> 29; value *= seeds[(lane + 2) % LANES]; value ^= value >> 32;
    memcpy(out + lane * 8, &value, 8);
  }
}

/* The change and modification times of the file read, as (seconds, nanoseconds) pairs: the hash cache's key. */
static void record_times(const struct stat *st, double *times) {
#ifdef __APPLE__
  times[0] = (double)st->st_mtimespec.tv_sec; times[1] = (double)st->st_mtimespec.tv_nsec;
  times[2] = (double)st->st_ctimespec.tv_sec; times[3] = (double)st->st_ctimespec.tv_nsec;
#else
  times[0] = (double)st->st_mtim.tv_sec; times[1] = (double)st->st_mtim.tv_nsec;
  times[2] = (double)st->st_ctim.tv_sec; times[3] = (double)st->st_ctim.tv_nsec;
#endif
}

static int read_part(const char *path, double size, double mtime, int suffix, unsigned char *buffer, size_t *got, int *error, double *times) {
  int descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (descriptor < 0) {
    *error = errno;
    return errno == ENOENT || errno == ELOOP || errno == ENOTDIR ? CHANGED : UNREADABLE;
  }
  struct stat st;
  int status = HASHED;
  if (fstat(descriptor, &st) != 0) { *error = errno; status = UNREADABLE; }
  else if (!S_ISREG(st.st_mode) || (double)st.st_size != size || fileorg_mtime_ms(&st) != mtime) status = CHANGED;
  else {
    record_times(&st, times);
    size_t want = st.st_size < PART_BYTES ? (size_t)st.st_size : PART_BYTES;
    off_t position = suffix ? st.st_size - (off_t)want : 0;
    size_t have = 0;
    while (have < want) {
      ssize_t count = pread(descriptor, buffer + have, want - have, position + (off_t)have);
      if (count < 0 && errno == EINTR) continue;
      if (count < 0) { *error = errno; status = UNREADABLE; break; }
      if (count == 0) break;
      have += (size_t)count;
    }
    *got = have;
    if (status == HASHED && have != want) status = CHANGED; /* shorter than at the scan */
  }
  close(descriptor);
  return status;
}

static int typed_array(napi_env env, napi_value value, napi_typedarray_type type, void **data, size_t *length) {
  napi_typedarray_type actual;
  napi_value buffer;
  size_t offset;
  return napi_get_typedarray_info(env, value, &actual, length, data, &buffer, &offset) == napi_ok && actual == type;
}

/*
 * partDigests(paths joined with NUL, sizes Float64Array, mtimesMs Float64Array, suffix boolean,
 *             digests Uint8Array(n * 32), status Uint8Array(n), errors Int32Array(n),
 *             times Float64Array(n * 4): mtime s, ns, ctime s, ns of each file read) -> bytes read
 */
napi_value PartDigests(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8], result;
  void *sizes, *mtimes, *digests, *statuses, *errors, *times;
  size_t count, length;
  bool suffix;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 8
      || !typed_array(env, argv[1], napi_float64_array, &sizes, &count)
      || !typed_array(env, argv[2], napi_float64_array, &mtimes, &length) || length != count
      || napi_get_value_bool(env, argv[3], &suffix) != napi_ok
      || !typed_array(env, argv[4], napi_uint8_array, &digests, &length) || length != count * DIGEST_BYTES
      || !typed_array(env, argv[5], napi_uint8_array, &statuses, &length) || length != count
      || !typed_array(env, argv[6], napi_int32_array, &errors, &length) || length != count
      || !typed_array(env, argv[7], napi_float64_array, &times, &length) || length != count * 4
      || napi_get_value_string_utf8(env, argv[0], NULL, 0, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "partDigests(paths, sizes, mtimesMs, suffix, digests, status, errors, times): arrays of one length");
    return NULL;
  }
  char *paths = malloc(length + 1);
  if (!paths) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
  napi_get_value_string_utf8(env, argv[0], paths, length + 1, &length);
  unsigned char buffer[PART_BYTES];
  double bytes = 0;
  char *path = paths, *end = paths + length;
  for (size_t index = 0; index < count; index++) {
    char *stop = memchr(path, '\0', (size_t)(end - path));
    if (!stop) stop = end;
    size_t got = 0;
    int error = 0;
    int status = path < end ? read_part(path, ((double *)sizes)[index], ((double *)mtimes)[index], suffix, buffer, &got, &error, (double *)times + index * 4) : UNREADABLE;
    ((unsigned char *)statuses)[index] = (unsigned char)status;
    ((int32_t *)errors)[index] = error;
    if (status == HASHED) digest_bytes(buffer, got, (unsigned char *)digests + index * DIGEST_BYTES);
    bytes += (double)got;
    path = stop + 1;
  }
  free(paths);
  napi_create_double(env, bytes, &result);
  return result;
}
