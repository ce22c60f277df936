/*
 * The same-device move on its happy path, in one call: check that the file at `from` is still exactly the
 * planned file, give it the name `to` with link(2) (which never replaces anything), then unlink `from`.
 *
 * Why native: on two cores a 100k-file run spent as much CPU in the JavaScript around lstatSync, linkSync
 * and unlinkSync (argument checks, Stats objects, their garbage) as the kernel spent moving the files.
 *
 * Folders are never followed through a symlink: each side's folder is opened from its anchor (the root the
 * user gave, trusted as given) one component at a time with O_NOFOLLOW, and the link and unlink are made
 * relative to those descriptors, so a folder swapped for a symlink at any moment is refused, not followed.
 *
 * It only ever does the plain case. Anything else (the file changed or is gone, another device, no hard
 * links, a permission error) answers NOT_DONE with nothing changed, and the JavaScript path does the row
 * again and reports it in its own words. That keeps one definition of every exceptional outcome.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <node_api.h>
#include "fileorg-native.h"

enum { MOVED = 0, TAKEN = 1, NOT_DONE = 2, DOUBLED = 3 };

/* mtimeMs exactly as Node computes it from a timespec: sec * 1e3 + nsec / 1e6, in doubles. */
double fileorg_mtime_ms(const struct stat *st) {
#ifdef __APPLE__
  return (double)st->st_mtimespec.tv_sec * 1e3 + (double)st->st_mtimespec.tv_nsec / 1e6;
#else
  return (double)st->st_mtim.tv_sec * 1e3 + (double)st->st_mtim.tv_nsec / 1e6;
#endif
}

/* A path argument as a NUL-terminated UTF-8 string: on the stack when short, else on the heap. */
typedef struct { char *text; char small[1024]; } path_arg;

static int read_path(napi_env env, napi_value value, path_arg *out) {
  size_t length = 0;
  out->text = out->small;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return 0;
  if (length >= sizeof out->small && !(out->text = malloc(length + 1))) return 0;
  if (napi_get_value_string_utf8(env, value, out->text, length + 1, &length) != napi_ok) return 0;
  return strlen(out->text) == length; /* a NUL inside the name: not a path the kernel would see whole */
}

static void free_path(path_arg *arg) {
  if (arg->text != arg->small) free(arg->text);
}

/* dev and ino travel as decimal strings (64-bit values do not fit a double). */
static int read_u64(napi_env env, napi_value value, unsigned long long *out) {
  char text[32];
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, text, sizeof text, &length) != napi_ok || length == 0) return 0;
  char *end = NULL;
  errno = 0;
  *out = strtoull(text, &end, 10);
  return errno == 0 && *end == '\0';
}

/*
 * The folder holding `path` opened without following a symlink below its first `anchor` bytes (the anchor
 * itself is opened as given); -1 when any component is missing, a symlink or not a folder. `name` is set
 * to the last component. `path` is modified while walking and restored.
 */
static int open_parent(char *path, size_t anchor, const char **name) {
  char *slash = strrchr(path, '/');
  if (!slash || slash == path) return -1;
  *name = slash + 1;
  size_t length = (size_t)(slash - path);
  /* No anchor, or one that is not a whole leading part of the path: not done here (JavaScript decides). */
  if (anchor == 0 || anchor > length || (anchor < length && path[anchor] != '/' && !(anchor == 1 && path[0] == '/'))) return -1;
  int folder;
  size_t at;
  if (anchor == 1) { /* the root folder itself */
    folder = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    at = 0;
  } else {
    char saved = path[anchor];
    path[anchor] = '\0';
    folder = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    path[anchor] = saved;
    at = anchor;
  }
  while (folder >= 0 && at < length) {
    size_t start = at + 1, end = start;
    while (end < length && path[end] != '/') end++;
    if (end == start) { at = end; continue; } /* "//" */
    char keep = path[end];
    path[end] = '\0';
    int next = openat(folder, path + start, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    path[end] = keep;
    close(folder);
    folder = next;
    at = end;
  }
  return folder;
}

/*
 * The folders opened (safely, as above) by this thread's recent moves, kept open for the rest of one chunk of
 * rows: most rows of a chunk share their source and destination folders, and a move through descriptors then
 * costs fewer system calls than one by path did. Each use checks that the path still names the folder held
 * (lstat against fstat): a folder renamed away is opened anew from its anchor, so files land where the journal
 * says. A symlink is never followed by the link or unlink themselves: they are made relative to the folder
 * held, which was opened component by component. The JavaScript side empties the cache when a chunk starts
 * and ends.
 */
#define CACHED_FOLDERS 32
typedef struct { char *path; size_t length; int descriptor; } cached_folder;
static _Thread_local cached_folder folders[CACHED_FOLDERS];
static _Thread_local int next_slot;

/* `keep`: a cached descriptor the caller still holds, never the one evicted. */
static int cached_parent(char *path, size_t anchor, const char **name, int keep) {
  char *slash = strrchr(path, '/');
  if (!slash || slash == path) return -1;
  size_t length = (size_t)(slash - path);
  for (int slot = 0; slot < CACHED_FOLDERS; slot++) {
    if (folders[slot].path && folders[slot].length == length && memcmp(folders[slot].path, path, length) == 0) {
      /* Still the folder at that path? (One renamed away meanwhile would take the file where the journal does
         not say.) Otherwise it is opened again, checked, from its anchor. */
      struct stat held, named;
      *slash = '\0';
      int same = fstat(folders[slot].descriptor, &held) == 0 && lstat(path, &named) == 0 && S_ISDIR(named.st_mode)
                 && held.st_dev == named.st_dev && held.st_ino == named.st_ino;
      *slash = '/';
      if (same) {
        *name = slash + 1;
        return folders[slot].descriptor;
      }
      if (folders[slot].descriptor == keep) return -1;
      close(folders[slot].descriptor);
      free(folders[slot].path);
      folders[slot].path = NULL;
      break;
    }
  }
  int descriptor = open_parent(path, anchor, name);
  if (descriptor < 0) return -1;
  char *copy = malloc(length);
  if (!copy) { close(descriptor); return -1; }
  memcpy(copy, path, length);
  if (folders[next_slot].path && folders[next_slot].descriptor == keep) next_slot = (next_slot + 1) % CACHED_FOLDERS;
  cached_folder *slot = &folders[next_slot];
  next_slot = (next_slot + 1) % CACHED_FOLDERS;
  if (slot->path) { close(slot->descriptor); free(slot->path); }
  slot->path = copy;
  slot->length = length;
  slot->descriptor = descriptor;
  return descriptor;
}

/* forgetFolders() -> undefined: close this thread's cached folders (a chunk of rows starts or ends). */
napi_value ForgetFolders(napi_env env, napi_callback_info info) {
  (void)info;
  for (int slot = 0; slot < CACHED_FOLDERS; slot++) {
    if (folders[slot].path) { close(folders[slot].descriptor); free(folders[slot].path); }
    folders[slot].path = NULL;
  }
  next_slot = 0;
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

static int move_if_unchanged(char *from, char *to, double size, double mtime, unsigned long long dev,
                             unsigned long long ino, size_t from_anchor, size_t to_anchor, int cache, int *error) {
  const char *from_name = NULL, *to_name = NULL;
  int from_folder = cache ? cached_parent(from, from_anchor, &from_name, -1) : open_parent(from, from_anchor, &from_name);
  if (from_folder < 0) return NOT_DONE;
  int to_folder = cache ? cached_parent(to, to_anchor, &to_name, from_folder) : open_parent(to, to_anchor, &to_name);
  if (to_folder < 0) {
    if (!cache) close(from_folder);
    return NOT_DONE;
  }
  int code = NOT_DONE;
  struct stat st;
  if (fstatat(from_folder, from_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) goto done;
  if ((double)st.st_size != size || fileorg_mtime_ms(&st) != mtime || (unsigned long long)st.st_dev != dev
      || (unsigned long long)st.st_ino != ino) goto done;
  if (linkat(from_folder, from_name, to_folder, to_name, 0) != 0) { code = errno == EEXIST ? TAKEN : NOT_DONE; goto done; }
  if (unlinkat(from_folder, from_name, 0) == 0) { code = MOVED; goto done; }
  *error = errno;
  /* The source cannot go (a read-only folder): take the new name back so the file is not doubled. */
  code = unlinkat(to_folder, to_name, 0) == 0 ? NOT_DONE : DOUBLED;
done:
  if (!cache) { close(from_folder); close(to_folder); }
  return code;
}

/*
 * moveIfUnchanged(from, to, size, mtimeMs, dev, ino, fromAnchor, toAnchor, cacheFolders) -> 0 moved, 1 taken,
 * 2 not done (nothing changed), 3 doubled. An anchor is the length in UTF-8 bytes of the root each path lies
 * below. cacheFolders: keep the folders open for the next moves (until forgetFolders()).
 */
napi_value MoveIfUnchanged(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9], result = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 9) {
    napi_throw_type_error(env, NULL, "moveIfUnchanged(from, to, size, mtimeMs, dev, ino, fromAnchor, toAnchor, cacheFolders)");
    return NULL;
  }
  path_arg from, to;
  double size = 0, mtime = 0, from_anchor = 0, to_anchor = 0;
  unsigned long long dev = 0, ino = 0;
  int code = NOT_DONE, error = 0;
  bool cache = false;
  int from_ok = read_path(env, argv[0], &from), to_ok = read_path(env, argv[1], &to);
  if (from_ok && to_ok && napi_get_value_double(env, argv[2], &size) == napi_ok
      && napi_get_value_double(env, argv[3], &mtime) == napi_ok && read_u64(env, argv[4], &dev) && read_u64(env, argv[5], &ino)
      && napi_get_value_double(env, argv[6], &from_anchor) == napi_ok && napi_get_value_double(env, argv[7], &to_anchor) == napi_ok
      && napi_get_value_bool(env, argv[8], &cache) == napi_ok) {
    code = move_if_unchanged(from.text, to.text, size, mtime, dev, ino, (size_t)from_anchor, (size_t)to_anchor, cache, &error);
  }
  free_path(&from);
  free_path(&to);
  napi_create_int32(env, code == DOUBLED ? DOUBLED + (error << 8) : code, &result);
  return result;
}
