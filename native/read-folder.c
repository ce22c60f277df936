/*
 * One folder of a scan in one call: its entries sorted as JavaScript sorts strings (UTF-16 code units), each
 * with its kind, and for regular files the lstat facts the scan keeps (size, mtimeMs, device, inode), read
 * with fstatat() relative to the folder (one name looked up, not a whole path).
 *
 * Why native: the JavaScript walk made a Dirent and a Stats object per entry and looked up each file by its
 * full path; for 100k files that was most of the scan's time on the walker threads.
 *
 * The folder listed is the folder the walk found (issue 15): the walk learns each subfolder's device and inode
 * when it lists the parent (fstatat, reported here for every folder entry), and hands them back with the path.
 * The path is opened O_DIRECTORY | O_NOFOLLOW and the descriptor's fstat must show that very folder, or nothing
 * is listed: a folder renamed away and replaced by a symlink (to a folder its owner may not read), or a folder on
 * the way swapped so the path leads elsewhere, is refused. Everything after is relative to the descriptor
 * (fdopendir, fstatat with AT_SYMLINK_NOFOLLOW), so no later swap can redirect the listing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <node_api.h>
#include "fileorg-native.h"

/* Kinds, as walk-tree.ts reads them. */
enum { KIND_FILE = 0, KIND_FOLDER = 1, KIND_SYMLINK = 2, KIND_SPECIAL = 3, KIND_VANISHED = 4, KIND_UNREADABLE = 5, KIND_BAD_NAME = 6 };

/* readFolder's answer when the path now leads to another folder than the one expected (walk-tree.ts FOLDER_CHANGED). */
#define FOLDER_CHANGED 1

typedef struct { char *name; size_t offset; size_t length; unsigned char type; } entry;

/* Is this byte string valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF)? */
static int valid_utf8(const unsigned char *bytes, size_t length) {
  for (size_t i = 0; i < length;) {
    unsigned char c = bytes[i];
    if (c < 0x80) { i++; continue; }
    size_t extra; uint32_t point;
    if ((c & 0xE0) == 0xC0) { extra = 1; point = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; point = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; point = c & 0x07; }
    else return 0;
    for (size_t k = 1; k <= extra; k++) {
      if (i + k >= length || (bytes[i + k] & 0xC0) != 0x80) return 0;
      point = (point << 6) | (bytes[i + k] & 0x3F);
    }
    if ((extra == 1 && point < 0x80) || (extra == 2 && point < 0x800) || (extra == 3 && point < 0x10000)) return 0;
    if (point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return 0;
    i += extra + 1;
  }
  return 1;
}

/*
 * JavaScript's string order (UTF-16 code units) on UTF-8 bytes: byte order is code point order, which differs
 * only where a character from U+E000-U+FFFF (lead byte 0xEE-0xEF) meets one past U+FFFF (lead 0xF0-0xF4):
 * UTF-16 puts the latter (surrogates, 0xD800-) first. Sequences are compared at their first differing byte,
 * which is a lead byte whenever the two characters' lengths differ.
 */
static int javascript_order(const void *left, const void *right) {
  const entry *a = left, *b = right;
  size_t shorter = a->length < b->length ? a->length : b->length;
  for (size_t i = 0; i < shorter; i++) {
    unsigned char x = (unsigned char)a->name[i], y = (unsigned char)b->name[i];
    if (x == y) continue;
    if (x >= 0xEE && x <= 0xEF && y >= 0xF0 && y <= 0xF4) return 1;
    if (y >= 0xEE && y <= 0xEF && x >= 0xF0 && x <= 0xF4) return -1;
    return x < y ? -1 : 1;
  }
  return a->length < b->length ? -1 : a->length > b->length ? 1 : 0;
}

/*
 * A typed array holding a copy of `data`, or NULL. Every N-API call is checked: while its worker thread is being
 * terminated (an abandoned scan, a process at exit) the calls fail, and a failed napi_create_arraybuffer leaves
 * `bytes` unset; copying into it then crashed the whole process.
 */
static napi_value typed(napi_env env, napi_typedarray_type type, size_t count, size_t width, const void *data) {
  void *bytes = NULL;
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, count * width, &bytes, &buffer) != napi_ok || (count > 0 && !bytes)) return NULL;
  if (count > 0) memcpy(bytes, data, count * width);
  if (napi_create_typedarray(env, type, count, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

/* The JavaScript result, or NULL when an N-API call failed (its exception, if any, stays pending for the caller). */
static napi_value folder_result(napi_env env, const char *names, size_t names_length, size_t count,
                                const unsigned char *kinds, const double *columns, const int32_t *errors, const uint64_t *ids) {
  napi_value values[8], result;
  if (napi_create_string_utf8(env, names, names_length, &values[0]) != napi_ok) return NULL;
  if (!(values[1] = typed(env, napi_uint8_array, count, 1, kinds))) return NULL;
  for (size_t k = 0; k < 4; k++) if (!(values[2 + k] = typed(env, napi_float64_array, count, sizeof(double), columns + k * count))) return NULL;
  if (!(values[6] = typed(env, napi_int32_array, count, sizeof(int32_t), errors))) return NULL;
  if (!(values[7] = typed(env, napi_biguint64_array, count * 2, sizeof(uint64_t), ids))) return NULL;
  if (napi_create_array_with_length(env, 8, &result) != napi_ok) return NULL;
  for (uint32_t k = 0; k < 8; k++) if (napi_set_element(env, result, k, values[k]) != napi_ok) return NULL;
  return result;
}

/* A BigInt argument as a uint64_t; false when it is not one (or does not fit in 64 bits). */
static int bigint_argument(napi_env env, napi_value value, uint64_t *out) {
  bool lossless = false;
  return napi_get_value_bigint_uint64(env, value, out, &lossless) == napi_ok && lossless;
}

/*
 * readFolder(path, dev, ino, followLast) -> [names joined with NUL, kinds Uint8Array, sizes, mtimesMs, devs, inos
 * (Float64Array; NaN where a device or inode passes 2^53), errors Int32Array (errno of an unreadable entry),
 * ids BigUint64Array (the exact device and inode of each folder and file entry, 2 an entry, 0 for others)], a negative
 * errno when the folder cannot be opened (ELOOP or ENOTDIR: the path's last name is a symlink or no folder now),
 * or FOLDER_CHANGED when the folder opened is not the one with that device and inode (BigInts).
 * `followLast` (a root as it was typed, whose identity the walk took through its symlink): a symlink at the
 * path's last name is followed; the identity is compared all the same.
 * readFolder(path) lists the folder at the path without that check, never following a symlink at its last name.
 */
napi_value ReadFolder(napi_env env, napi_callback_info info) {
  size_t argc = 4, length;
  napi_value argv[4], result = NULL;
  uint64_t expected_dev = 0, expected_ino = 0;
  bool follow_last = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || (argc != 1 && argc != 3 && argc != 4)
      || napi_get_value_string_utf8(env, argv[0], NULL, 0, &length) != napi_ok
      || (argc >= 3 && (!bigint_argument(env, argv[1], &expected_dev) || !bigint_argument(env, argv[2], &expected_ino)))
      || (argc == 4 && napi_get_value_bool(env, argv[3], &follow_last) != napi_ok)) {
    napi_throw_type_error(env, NULL, "readFolder(path[, dev: bigint, ino: bigint[, followLast: boolean]])");
    return NULL;
  }
  char *folder = malloc(length + 1);
  if (!folder) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
  napi_get_value_string_utf8(env, argv[0], folder, length + 1, &length);
  /* O_NONBLOCK as opendir() has it; O_DIRECTORY refuses anything but a folder before it is opened. */
  int descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW));
  int open_error = errno;
  free(folder);
  if (descriptor < 0) { napi_create_int32(env, -open_error, &result); return result; }
  if (argc >= 3) {
    struct stat opened;
    if (fstat(descriptor, &opened) != 0) {
      open_error = errno;
      close(descriptor);
      napi_create_int32(env, -open_error, &result);
      return result;
    }
    if ((uint64_t)opened.st_dev != expected_dev || (uint64_t)opened.st_ino != expected_ino) {
      close(descriptor);
      napi_create_int32(env, FOLDER_CHANGED, &result);
      return result;
    }
  }
  DIR *directory = fdopendir(descriptor);
  if (!directory) {
    open_error = errno;
    close(descriptor);
    napi_create_int32(env, -open_error, &result);
    return result;
  }

  /* Names go to one growing buffer (one allocation, not one a name); pointers are set once it stops moving. */
  size_t count = 0, capacity = 64, text = 0, text_capacity = 4096;
  entry *entries = malloc(capacity * sizeof(entry));
  char *arena = malloc(text_capacity);
  struct dirent *item;
  int failed = !entries || !arena;
  while (!failed && (item = readdir(directory)) != NULL) {
    if (strcmp(item->d_name, ".") == 0 || strcmp(item->d_name, "..") == 0) continue;
    size_t name_length = strlen(item->d_name);
    if (count == capacity) {
      entry *grown = realloc(entries, (capacity *= 2) * sizeof(entry));
      if (!grown) { failed = 1; break; }
      entries = grown;
    }
    if (text + name_length + 1 > text_capacity) {
      while (text + name_length + 1 > text_capacity) text_capacity *= 2;
      char *grown = realloc(arena, text_capacity);
      if (!grown) { failed = 1; break; }
      arena = grown;
    }
    memcpy(arena + text, item->d_name, name_length + 1);
    entries[count].offset = text;
    entries[count].length = name_length;
    entries[count].type = item->d_type;
    text += name_length + 1;
    count++;
  }
  if (failed) { closedir(directory); free(entries); free(arena); napi_throw_error(env, NULL, "out of memory"); return NULL; }
  for (size_t i = 0; i < count; i++) entries[i].name = arena + entries[i].offset;
  qsort(entries, count, sizeof(entry), javascript_order);

  unsigned char *kinds = calloc(count + 1, 1);
  double *numbers = calloc((count + 1) * 4, sizeof(double)); /* size, mtime, dev, ino per entry */
  int32_t *errors = calloc(count + 1, sizeof(int32_t));
  uint64_t *ids = calloc((count + 1) * 2, sizeof(uint64_t)); /* exact dev, ino per folder or file */
  char *names = malloc(text + 1);
  if (!kinds || !numbers || !errors || !ids || !names) {
    closedir(directory); free(entries); free(arena); free(kinds); free(numbers); free(errors); free(ids); free(names);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  size_t at = 0;
  for (size_t i = 0; i < count; i++) {
    entry *e = &entries[i];
    memcpy(names + at, e->name, e->length);
    at += e->length;
    if (i + 1 < count) names[at++] = '\0';
    if (!valid_utf8((const unsigned char *)e->name, e->length)) { kinds[i] = KIND_BAD_NAME; continue; }
    if (e->type == DT_LNK) { kinds[i] = KIND_SYMLINK; continue; }
    /* A folder is looked at too (one fstatat a folder): its identity is what its own listing is checked against. */
    if (e->type != DT_REG && e->type != DT_DIR && e->type != DT_UNKNOWN) { kinds[i] = KIND_SPECIAL; continue; }
    struct stat st;
    if (fstatat(descriptor, e->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      kinds[i] = errno == ENOENT ? KIND_VANISHED : KIND_UNREADABLE;
      errors[i] = errno;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      kinds[i] = KIND_FOLDER;
      ids[i * 2] = (uint64_t)st.st_dev;
      ids[i * 2 + 1] = (uint64_t)st.st_ino;
      continue;
    }
    if (S_ISLNK(st.st_mode)) { kinds[i] = KIND_SYMLINK; continue; }
    if (!S_ISREG(st.st_mode)) { kinds[i] = KIND_SPECIAL; continue; }
    kinds[i] = KIND_FILE;
    ids[i * 2] = (uint64_t)st.st_dev;
    ids[i * 2 + 1] = (uint64_t)st.st_ino;
    const double limit = 9007199254740992.0; /* 2^53: past it a double is no longer exact */
    numbers[i * 4] = (double)st.st_size;
    numbers[i * 4 + 1] = fileorg_mtime_ms(&st);
    numbers[i * 4 + 2] = (double)st.st_dev < limit ? (double)st.st_dev : 0.0 / 0.0;
    numbers[i * 4 + 3] = (double)st.st_ino < limit ? (double)st.st_ino : 0.0 / 0.0;
  }
  closedir(directory);

  double *columns = malloc((count + 1) * sizeof(double) * 4);
  if (!columns) napi_throw_error(env, NULL, "out of memory");
  else {
    for (size_t k = 0; k < 4; k++) for (size_t i = 0; i < count; i++) columns[k * count + i] = numbers[i * 4 + k];
    result = folder_result(env, names, count > 0 ? at : 0, count, kinds, columns, errors, ids);
  }
  free(arena);
  free(entries); free(kinds); free(numbers); free(errors); free(ids); free(names); free(columns);
  return result;
}
