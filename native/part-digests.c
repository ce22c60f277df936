/*
 * The duplicate search's reading stages, a batch of files in one call: for each file, open it (never
 * through a symlink, never waiting: O_NONBLOCK, so a named pipe that took a file's place cannot hang the
 * search), check on the descriptor that it is still the regular file the scan saw (size and mtime; device and
 * inode when the caller gives them), read its first or last 4 KiB (or all of it: the full stage, BLAKE3),
 * close it, and write a 32-byte digest.
 *
 * Why native: reading 4 KiB of 80k small files from JavaScript cost ~38 us a file on a thread (four sync fs
 * calls with their Stats objects, and a BLAKE3 call whose result Buffer costs more than the hashing); here
 * it is the syscalls alone.
 *
 * A file of at most 4 KiB is whole after its prefix read: its prefix digest is its BLAKE3, final.
 * The other prefix and suffix digests are NOT cryptographic: they only sort files into candidate groups. Two
 * different prefixes that happened to collide would only cost a needless full hash: every group is decided
 * by the full BLAKE3. The full stage comes here for small files only (see blake3-portable.c).
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
#include "blake3-portable.h"
#include "fileorg-native.h"

#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif

/* content-protocol.ts: NOT_REGULAR is a name that holds a pipe, device, socket, folder or symlink now: not read. */
enum { HASHED = 0, CHANGED = 1, UNREADABLE = 2, NOT_REGULAR = 3 };
enum { PART_BYTES = 4096, DIGEST_BYTES = 32, LANES = 4, READ_BYTES = 65536 };
enum { PART_PREFIX = 0, PART_SUFFIX = 1, PART_FULL = 2, PART_CONTENT = 3 };

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
  uint64_t tail = 0, folded = 0;
  memcpy(&tail, bytes + offset, length - offset);
  for (int lane = 0; lane < LANES; lane++) {
    uint64_t value = rotate(lanes[lane] ^ (tail * multipliers[lane]), 27) * seeds[lane];
    value ^= value >> 33; value *= multipliers[(lane + 1) % LANES]; value ^= value >> 29; value *= seeds[(lane + 2) % LANES]; value ^= value >> 32;
    folded ^= rotate(value, lane * 16);
  }
  /* 64 bits: the hash cache keeps narrowing digests at that width (content-protocol.ts NARROW_BYTES). */
  memset(out, 0, DIGEST_BYTES);
  memcpy(out, &folded, 8);
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

static int same_ctime(const struct stat *a, const struct stat *b) {
#ifdef __APPLE__
  return a->st_ctimespec.tv_sec == b->st_ctimespec.tv_sec && a->st_ctimespec.tv_nsec == b->st_ctimespec.tv_nsec;
#else
  return a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
#endif
}

/* pread until `want` bytes or the end of the file; -1 on an error (errno set). */
static ssize_t read_fully(int descriptor, unsigned char *buffer, size_t want, off_t position) {
  size_t have = 0;
  while (have < want) {
    ssize_t count = pread(descriptor, buffer + have, want - have, position + (off_t)have);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return -1;
    if (count == 0) break;
    have += (size_t)count;
  }
  return (ssize_t)have;
}

/* Every byte, BLAKE3, then the file checked again: changed while it was read (size, mtime or ctime) is CHANGED. */
static int hash_whole(int descriptor, const struct stat *before, unsigned char *buffer, unsigned char *out, size_t *got, int *error) {
  blake3_state hasher;
  blake3_init(&hasher);
  off_t position = 0;
  for (;;) {
    ssize_t count = read_fully(descriptor, buffer, READ_BYTES, position);
    if (count < 0) { *error = errno; return UNREADABLE; }
    if (count == 0) break;
    blake3_update(&hasher, buffer, (size_t)count);
    position += count;
    if ((size_t)count < READ_BYTES) break;
  }
  *got = (size_t)position;
  struct stat after;
  if (fstat(descriptor, &after) != 0) { *error = errno; return UNREADABLE; }
  if (position != before->st_size || after.st_size != before->st_size || fileorg_mtime_ms(&after) != fileorg_mtime_ms(before) || !same_ctime(&after, before)) return CHANGED;
  blake3_final(&hasher, out);
  return HASHED;
}

/* The whole file into `out` (its size, as scanned, is what the caller made room for), then checked again. */
static int read_whole(int descriptor, const struct stat *before, unsigned char *out, size_t *got, int *error) {
  ssize_t have = read_fully(descriptor, out, (size_t)before->st_size, 0);
  if (have < 0) { *error = errno; return UNREADABLE; }
  *got = (size_t)have;
  struct stat after;
  if (fstat(descriptor, &after) != 0) { *error = errno; return UNREADABLE; }
  if (have != before->st_size || after.st_size != before->st_size || fileorg_mtime_ms(&after) != fileorg_mtime_ms(before) || !same_ctime(&after, before)) return CHANGED;
  return HASHED;
}

/*
 * The folder of the last file opened, kept open: files come in scan order, so most share their folder with
 * the file before, and openat() from it looks up one name instead of every component of a deep path.
 */
typedef struct { int descriptor; size_t length; size_t capacity; char *path; } folder_cache;

/* The descriptor of `path`'s folder (opened if it is not the cached one), or -1; `name` is set to the file's name. */
static int folder_of(folder_cache *folder, char *path, char **name) {
  char *slash = strrchr(path, '/');
  *name = path;
  if (!slash || slash == path) return -1;
  size_t length = (size_t)(slash - path);
  if (folder->descriptor < 0 || folder->length != length || memcmp(folder->path, path, length) != 0) {
    if (folder->descriptor >= 0) close(folder->descriptor);
    folder->descriptor = -1;
    if (length + 1 > folder->capacity) {
      char *grown = realloc(folder->path, length + 1);
      if (!grown) return -1;
      folder->path = grown;
      folder->capacity = length + 1;
    }
    memcpy(folder->path, path, length);
    folder->path[length] = '\0';
    folder->length = length;
    folder->descriptor = open(folder->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder->descriptor < 0) return -1; /* the whole path is used then, and words the error */
  }
  *name = slash + 1;
  return folder->descriptor;
}

static int open_file(folder_cache *folder, char *path) {
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever; it changes nothing for
     reads of a regular file. */
  const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  char *name;
  int descriptor = folder_of(folder, path, &name);
#ifdef O_NOATIME
  /* Reading a file to hash it leaves its atime alone, where the OS lets this process ask (owner or root). */
  int quiet = descriptor < 0 ? open(path, flags | O_NOATIME) : openat(descriptor, name, flags | O_NOATIME);
  if (quiet >= 0 || errno != EPERM) return quiet;
#endif
  return descriptor < 0 ? open(path, flags) : openat(descriptor, name, flags);
}

/* Is the file opened another one than the scan saw? `id` is its device and inode as scanned (NaN: unknown). */
static int other_file(const struct stat *st, const double *id) {
  if (!id) return 0;
  return (id[0] == id[0] && (double)st->st_dev != id[0]) || (id[1] == id[1] && (double)st->st_ino != id[1]);
}

static int read_part(folder_cache *folder, char *path, double size, double mtime, const double *id, int part, unsigned char *buffer, unsigned char *out, size_t *got, int *error, double *times) {
  int descriptor = open_file(folder, path);
  if (descriptor < 0) {
    *error = errno;
    if (errno == ENOENT || errno == ENOTDIR) return CHANGED;
    /* ELOOP (EMLINK on FreeBSD): the name is a symlink now, never followed; ENXIO: a socket or device nothing serves */
    return errno == ELOOP || errno == EMLINK || errno == ENXIO ? NOT_REGULAR : UNREADABLE;
  }
  struct stat st;
  int status = HASHED;
  if (fstat(descriptor, &st) != 0) { *error = errno; status = UNREADABLE; }
  else if (!S_ISREG(st.st_mode)) status = NOT_REGULAR;
  else if ((double)st.st_size != size || fileorg_mtime_ms(&st) != mtime || other_file(&st, id)) status = CHANGED;
  else if (part == PART_FULL) {
    record_times(&st, times);
    status = hash_whole(descriptor, &st, buffer, out, got, error);
  } else if (part == PART_CONTENT) {
    record_times(&st, times);
    status = read_whole(descriptor, &st, out, got, error);
  } else {
    record_times(&st, times);
    size_t want = st.st_size < PART_BYTES ? (size_t)st.st_size : PART_BYTES;
    ssize_t have = read_fully(descriptor, buffer, want, part == PART_SUFFIX ? st.st_size - (off_t)want : 0);
    if (have < 0) { *error = errno; status = UNREADABLE; }
    else {
      *got = (size_t)have;
      struct stat after;
      if ((size_t)have != want) status = CHANGED; /* shorter than at the scan */
      else if (part == PART_PREFIX && st.st_size <= PART_BYTES) {
        /* The whole file was read: its BLAKE3 decides its group now, once it proves unchanged by the read. */
        if (fstat(descriptor, &after) != 0) { *error = errno; status = UNREADABLE; }
        else if (after.st_size != st.st_size || fileorg_mtime_ms(&after) != fileorg_mtime_ms(&st) || !same_ctime(&after, &st)) status = CHANGED;
        else { blake3_state hasher; blake3_init(&hasher); blake3_update(&hasher, buffer, want); blake3_final(&hasher, out); }
      }
      else digest_bytes(buffer, want, out);
    }
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
 * The paths argument: a string of paths joined with NUL, or a Uint8Array of UTF-8 paths each followed by a NUL
 * (a task the main thread built as bytes: no string made per path, nothing converted here). Either way a copy
 * the caller frees, ending in a NUL: folder_of writes into it. Answers the copy and its length (the
 * terminating NUL not counted), or NULL with a JavaScript exception pending.
 */
static char *paths_argument(napi_env env, napi_value value, size_t *length, const char *usage) {
  void *bytes;
  size_t byte_length;
  if (typed_array(env, value, napi_uint8_array, &bytes, &byte_length)) {
    if (byte_length > 0 && ((const char *)bytes)[byte_length - 1] != '\0') {
      napi_throw_type_error(env, NULL, "paths as bytes: each path must be followed by a NUL");
      return NULL;
    }
    char *copy = malloc(byte_length + 1);
    if (!copy) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
    memcpy(copy, bytes, byte_length);
    copy[byte_length] = '\0';
    /* the last path's NUL ends the list: no empty path after it */
    *length = byte_length > 0 ? byte_length - 1 : 0;
    return copy;
  }
  if (napi_get_value_string_utf8(env, value, NULL, 0, length) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  char *copy = malloc(*length + 1);
  if (!copy) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
  napi_get_value_string_utf8(env, value, copy, *length + 1, length);
  return copy;
}

/*
 * partDigests(paths (see paths_argument), sizes Float64Array, mtimesMs Float64Array, part 0 prefix | 1 suffix | 2 full | 3 content,
 *             digests Uint8Array(n * 32) (part 3: the sum of the sizes), status Uint8Array(n), errors Int32Array(n),
 *             times Float64Array(n * 4): mtime s, ns, ctime s, ns of each file read,
 *             [ids Float64Array(n * 2): device and inode as scanned, NaN when unknown]) -> bytes read
 * The ids cost nothing to compare: fstat has them already.
 */
napi_value PartDigests(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9], result = NULL;
  void *sizes, *mtimes, *digests, *statuses, *errors, *times, *ids = NULL;
  size_t count, length, digests_length;
  int32_t part;
  napi_valuetype ids_type = napi_undefined;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8 || argc > 9
      || (argc == 9 && napi_typeof(env, argv[8], &ids_type) != napi_ok)
      || !typed_array(env, argv[1], napi_float64_array, &sizes, &count)
      || !typed_array(env, argv[2], napi_float64_array, &mtimes, &length) || length != count
      || napi_get_value_int32(env, argv[3], &part) != napi_ok || part < PART_PREFIX || part > PART_CONTENT
      || !typed_array(env, argv[4], napi_uint8_array, &digests, &digests_length) || (part != PART_CONTENT && digests_length != count * DIGEST_BYTES)
      || !typed_array(env, argv[5], napi_uint8_array, &statuses, &length) || length != count
      || !typed_array(env, argv[6], napi_int32_array, &errors, &length) || length != count
      || !typed_array(env, argv[7], napi_float64_array, &times, &length) || length != count * 4
      || (ids_type != napi_undefined && (!typed_array(env, argv[8], napi_float64_array, &ids, &length) || length != count * 2))) {
    napi_throw_type_error(env, NULL, "partDigests(paths, sizes, mtimesMs, part 0|1|2|3, digests, status, errors, times[, ids]): arrays of one length");
    return NULL;
  }
  char *paths = paths_argument(env, argv[0], &length, "partDigests(paths, ...): paths joined with NUL, or their UTF-8 bytes each followed by a NUL");
  if (!paths) return NULL;
  unsigned char *buffer = malloc(READ_BYTES);
  if (!buffer) { free(paths); napi_throw_error(env, NULL, "out of memory"); return NULL; }
  double bytes = 0;
  char *path = paths, *end = paths + length;
  folder_cache folder = { -1, 0, 0, NULL };
  size_t content_at = 0;
  for (size_t index = 0; index < count; index++) {
    char *stop = memchr(path, '\0', (size_t)(end - path));
    if (!stop) stop = end;
    size_t got = 0;
    int error = 0;
    /* PART_CONTENT: the files' bytes one after another in `digests` (the caller sized it to their sum) */
    double size = ((double *)sizes)[index];
    unsigned char *out = part == PART_CONTENT ? (unsigned char *)digests + content_at : (unsigned char *)digests + index * DIGEST_BYTES;
    int status = path >= end || (part == PART_CONTENT && (double)content_at + size > (double)digests_length) ? UNREADABLE
      : read_part(&folder, path, size, ((double *)mtimes)[index], ids ? (const double *)ids + index * 2 : NULL, part, buffer, out, &got, &error, (double *)times + index * 4);
    content_at += part == PART_CONTENT ? (size_t)size : 0;
    ((unsigned char *)statuses)[index] = (unsigned char)status;
    ((int32_t *)errors)[index] = error;
    bytes += (double)got;
    path = stop + 1;
  }
  if (folder.descriptor >= 0) close(folder.descriptor);
  free(folder.path);
  free(paths);
  free(buffer);
  napi_create_double(env, bytes, &result);
  return result;
}

/* blake3(input Uint8Array, out Uint8Array(32)): the portable BLAKE3, for the test vectors. */
napi_value Blake3(napi_env env, napi_callback_info info) {
  size_t argc = 2, length, out_length;
  napi_value argv[2];
  void *input, *out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2
      || !typed_array(env, argv[0], napi_uint8_array, &input, &length)
      || !typed_array(env, argv[1], napi_uint8_array, &out, &out_length) || out_length != DIGEST_BYTES) {
    napi_throw_type_error(env, NULL, "blake3(input, out): Uint8Arrays, out of 32 bytes");
    return NULL;
  }
  blake3_state hasher;
  blake3_init(&hasher);
  blake3_update(&hasher, (const uint8_t *)input, length);
  blake3_final(&hasher, (uint8_t *)out);
  return NULL;
}

/*
 * statFiles(paths (see paths_argument), sizes, mtimesMs Float64Array(n), status Uint8Array(n), times Float64Array(n * 4),
 * ids Float64Array(n * 2)) -> nothing. lstat each file (no file is opened): status HASHED when it is the regular
 * file the scan saw (size, mtime), else CHANGED; its times as partDigests gives them; device and inode (NaN past
 * 2^53). The hash cache's lookups start from these: a second search must not read a file to know it is unchanged.
 */
napi_value StatFiles(napi_env env, napi_callback_info info) {
  size_t argc = 6, count, length;
  napi_value argv[6];
  void *sizes, *mtimes, *statuses, *times, *ids;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6
      || !typed_array(env, argv[1], napi_float64_array, &sizes, &count)
      || !typed_array(env, argv[2], napi_float64_array, &mtimes, &length) || length != count
      || !typed_array(env, argv[3], napi_uint8_array, &statuses, &length) || length != count
      || !typed_array(env, argv[4], napi_float64_array, &times, &length) || length != count * 4
      || !typed_array(env, argv[5], napi_float64_array, &ids, &length) || length != count * 2) {
    napi_throw_type_error(env, NULL, "statFiles(paths, sizes, mtimesMs, status, times, ids): arrays of one length");
    return NULL;
  }
  char *paths = paths_argument(env, argv[0], &length, "statFiles(paths, ...): paths joined with NUL, or their UTF-8 bytes each followed by a NUL");
  if (!paths) return NULL;
  folder_cache folder = { -1, 0, 0, NULL };
  const double limit = 9007199254740992.0;
  char *path = paths, *end = paths + length;
  for (size_t index = 0; index < count; index++) {
    char *stop = memchr(path, '\0', (size_t)(end - path));
    if (!stop) stop = end;
    *stop = '\0';
    char *name;
    int descriptor = path < end ? folder_of(&folder, path, &name) : -1;
    struct stat st;
    int found = path < end && (descriptor >= 0 ? fstatat(descriptor, name, &st, AT_SYMLINK_NOFOLLOW) : lstat(path, &st)) == 0;
    int same = found && S_ISREG(st.st_mode) && (double)st.st_size == ((double *)sizes)[index] && fileorg_mtime_ms(&st) == ((double *)mtimes)[index];
    ((unsigned char *)statuses)[index] = same ? HASHED : CHANGED;
    if (same) {
      record_times(&st, (double *)times + index * 4);
      ((double *)ids)[index * 2] = (double)st.st_dev < limit ? (double)st.st_dev : 0.0 / 0.0;
      ((double *)ids)[index * 2 + 1] = (double)st.st_ino < limit ? (double)st.st_ino : 0.0 / 0.0;
    }
    path = stop + 1;
  }
  if (folder.descriptor >= 0) close(folder.descriptor);
  free(folder.path);
  free(paths);
  return NULL;
}
