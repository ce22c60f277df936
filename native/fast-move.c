/*
 * File actions below the folders a run was given, made relative to folders opened without following a symlink.
 *
 * The same-device move on its happy path is one call: check that the file at `from` is still exactly the
 * planned file, give it the name `to` with link(2) (which never replaces anything), then unlink `from`.
 * Why native: on two cores a 100k-file run spent as much CPU in the JavaScript around lstatSync, linkSync
 * and unlinkSync (argument checks, Stats objects, their garbage) as the kernel spent moving the files.
 *
 * Folders are never followed through a symlink: each side's folder is opened from its anchor (the root the
 * user gave, trusted as given) one component at a time with O_NOFOLLOW, made there with mkdirat where missing
 * (the destination side, when asked), and the link and unlink are made relative to those descriptors, so a
 * folder swapped for a symlink at any moment is refused, not followed. A call by path would follow it: another
 * user who may write inside the tree can swap a folder for a symlink between a check and a link by path, and
 * so send files into a folder only this process may write (issue 15). That is why, when this module is loaded,
 * the JavaScript path's own writes below an anchor come here too, in the other modes: link only (a copy's
 * temp name put in place), unlink only (a source after its copy, a temp file, a copy undone), make folders,
 * create a copy's temp file. Hard-link dedupe comes here as well (link over, rename over): its last step replaces
 * a name, so by path a swapped folder would have it replace a file wherever the symlink points.
 *
 * Answers: MOVED (done), TAKEN (the new name exists; nothing is ever replaced), REFUSED (a symlink or a
 * non-folder on the way: nothing was done; the caller records the row refused and never retries it by path),
 * DOUBLED (the source could not go and the new name could not be taken back either), and NOT_DONE with the
 * errno that stopped it (0: the file is not the one expected; FROM_CHANGED: in the modes that replace a name,
 * `from` is not the one expected) having changed nothing: the JavaScript side decides and words those rows,
 * through this module again for whatever it writes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* renameat */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <node_api.h>
#include "fileorg-native.h"

enum { MOVED = 0, TAKEN = 1, NOT_DONE = 2, DOUBLED = 3, REFUSED = 4 };
/* Not done's "errno" when the name is there but not a regular file (0: a regular file, not the one expected);
   in the modes that replace a name, when `from` (not `to`) is gone, not a regular file or not the one expected;
   in link over, when `to`'s folder is one another user could rename entries in (see others_can_rename_in). */
enum { NOT_A_REGULAR_FILE = 4095, FROM_CHANGED = 4094, FOLDER_SHARED = 4093 };

/* What one call does (the low three bits of `how`), and the flags above them. */
enum {
  MODE_MOVE = 0,             /* link `to`, then unlink `from` (the link taken back if `from` cannot go) */
  MODE_LINK = 1,             /* link `to` only; `from` keeps its name (a copy's temp name, kept until its source is gone) */
  MODE_UNLINK = 2,           /* unlink `from` only, if it is still the file expected (`to` is not used) */
  MODE_FOLDER = 3,           /* open (with CREATE_FOLDERS, make) the folder `to` itself below its anchor; nothing else */
  MODE_NEW_FILE = 4,         /* create `to` (O_EXCL, 0600, never through a symlink) and answer its open descriptor */
  MODE_REMOVE_FOLDER = 5,    /* remove the empty folder `to` (unlinkat AT_REMOVEDIR relative to its real parent) */
  MODE_LINK_OVER = 6,        /* link `from` to a temp name beside `to`, check both, rename it over `to` (hard-link dedupe) */
  MODE_RENAME_OVER = 7,      /* rename `from` over `to`, both checked just before (undo of a hard link: its copy over the link) */
  MODE_MASK = 7,
  CREATE_FOLDERS = 8,        /* folders missing on the way to `to` are made, one at a time, relative to their parent */
  RENAME_WITHOUT_LINKS = 16  /* where the file system has no hard links: check that `to` is free, then renameat */
};

/* link(2) unsupported by the file system: the errors the JavaScript path's LINK_UNSUPPORTED lists. */
static bool links_unsupported(int error) {
  return error == EPERM || error == ENOTSUP || error == EOPNOTSUPP || error == EMLINK || error == ENOSYS || error == EINVAL;
}

/* mtimeMs exactly as Node computes it from a timespec: sec * 1e3 + nsec / 1e6, in doubles. */
double fileorg_mtime_ms(const struct stat *st) {
#ifdef __APPLE__
  return (double)st->st_mtimespec.tv_sec * 1e3 + (double)st->st_mtimespec.tv_nsec / 1e6;
#else
  return (double)st->st_mtim.tv_sec * 1e3 + (double)st->st_mtim.tv_nsec / 1e6;
#endif
}

/* ctimeNs exactly as Node computes it: sec * 1e9 + nsec. */
static unsigned long long ctime_ns(const struct stat *st) {
#ifdef __APPLE__
  return (unsigned long long)st->st_ctimespec.tv_sec * 1000000000ULL + (unsigned long long)st->st_ctimespec.tv_nsec;
#else
  return (unsigned long long)st->st_ctim.tv_sec * 1000000000ULL + (unsigned long long)st->st_ctim.tv_nsec;
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
  if (arg->text && arg->text != arg->small) free(arg->text);
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
 * Folders are opened O_PATH where there is one: then only search permission is needed on the way, as for the
 * same calls by path (O_RDONLY would also need read permission on each folder). linkat, unlinkat, renameat,
 * mkdirat, openat, fstatat and fstat all take such a descriptor.
 */
#ifdef O_PATH
#define FOLDER_OPEN (O_PATH | O_DIRECTORY | O_CLOEXEC)
#else
#define FOLDER_OPEN (O_RDONLY | O_DIRECTORY | O_CLOEXEC)
#endif

/* Why a walk from an anchor stopped: an errno, or (refused > 0) a component that is not a real folder. */
typedef struct {
  int error;
  size_t refused;  /* the length of the path up to and including that component */
  bool symlink;    /* it is (or, in a race, was) a symlink rather than some other file */
} walk_failure;

/* One component below `folder`, opened as a folder, never through a symlink; made first when missing and `create`. */
static int open_component(int folder, const char *name, bool create, bool *refused, bool *symlink) {
  int next = openat(folder, name, FOLDER_OPEN | O_NOFOLLOW);
  if (next < 0 && errno == ENOENT && create) {
    /* Made here, or by someone else meanwhile (EEXIST): either way it is used only if it is a real folder now. */
    if (mkdirat(folder, name, 0777) != 0 && errno != EEXIST) return -1;
    next = openat(folder, name, FOLDER_OPEN | O_NOFOLLOW);
  }
  if (next < 0 && (errno == ELOOP || errno == ENOTDIR)) {
    /* O_NOFOLLOW answers ELOOP for a symlink; with O_PATH a symlink is ENOTDIR, as a file is. A name seen as a
       folder (or gone) a moment later was swapped: only a symlink is swapped that way. */
    int error = errno;
    struct stat st;
    int found = fstatat(folder, name, &st, AT_SYMLINK_NOFOLLOW);
    *refused = true;
    *symlink = error == ELOOP || found != 0 || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode);
    errno = error;
  }
  return next;
}

/*
 * The folder named by the first `length` bytes of `path`, opened without following a symlink below its first
 * `anchor` bytes (the anchor itself is opened as given), each missing component made when `create`; -1 with
 * `failure` set when a component is missing (and not `create`), a symlink or not a folder, or cannot be opened.
 * `path` is modified while walking and restored.
 */
static int open_folder(char *path, size_t length, size_t anchor, bool create, walk_failure *failure) {
  /* No anchor, or one that is not a whole leading part of the path: not done here (JavaScript decides). */
  if (anchor == 0 || anchor > length || (anchor < length && path[anchor] != '/' && !(anchor == 1 && path[0] == '/'))) {
    failure->error = EINVAL;
    return -1;
  }
  int folder;
  size_t at;
  if (anchor == 1) { /* the root folder itself */
    folder = open("/", FOLDER_OPEN);
    at = 0;
  } else {
    char saved = path[anchor];
    path[anchor] = '\0';
    folder = open(path, FOLDER_OPEN);
    path[anchor] = saved;
    at = anchor;
  }
  if (folder < 0) failure->error = errno;
  while (folder >= 0 && at < length) {
    size_t start = at + 1, end = start;
    while (end < length && path[end] != '/') end++;
    if (end == start) { at = end; continue; } /* "//" */
    char keep = path[end];
    path[end] = '\0';
    bool refused = false, symlink = false;
    int next = open_component(folder, path + start, create, &refused, &symlink);
    int error = errno;
    path[end] = keep;
    close(folder);
    if (next < 0) {
      failure->error = error;
      if (refused) { failure->refused = end; failure->symlink = symlink; }
    }
    folder = next;
    at = end;
  }
  return folder;
}

/* The folder holding `path` (as open_folder does it); `name` is set to the last component. */
static int open_parent(char *path, size_t anchor, const char **name, bool create, walk_failure *failure) {
  char *slash = strrchr(path, '/');
  if (!slash || slash == path) { failure->error = EINVAL; return -1; }
  *name = slash + 1;
  return open_folder(path, (size_t)(slash - path), anchor, create, failure);
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
static int cached_parent(char *path, size_t anchor, const char **name, int keep, bool create, walk_failure *failure) {
  char *slash = strrchr(path, '/');
  if (!slash || slash == path) { failure->error = EINVAL; return -1; }
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
      if (folders[slot].descriptor == keep) { failure->error = EAGAIN; return -1; }
      close(folders[slot].descriptor);
      free(folders[slot].path);
      folders[slot].path = NULL;
      break;
    }
  }
  int descriptor = open_parent(path, anchor, name, create, failure);
  if (descriptor < 0) return -1;
  char *copy = malloc(length);
  if (!copy) { close(descriptor); failure->error = ENOMEM; return -1; }
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

/* What a call answers, as one int32: the code in the low byte, the errno or the refusal above it. */
#define REFUSED_TO (1 << 8)        /* the refused component is on the way to `to` (else to `from`) */
#define REFUSED_SYMLINK (1 << 9)   /* it is a symlink (else some other file that is not a folder) */
#define REFUSED_AT_SHIFT 10        /* the length of the path up to and including it (0: not known) */

static int32_t answer(int code, int error) {
  return code + (error << 8);
}

static int32_t refusal(const walk_failure *failure, bool to_side) {
  size_t at = failure->refused < ((size_t)1 << (31 - REFUSED_AT_SHIFT)) ? failure->refused : 0;
  return REFUSED | (to_side ? REFUSED_TO : 0) | (failure->symlink ? REFUSED_SYMLINK : 0) | (int32_t)(at << REFUSED_AT_SHIFT);
}

/* A walk that stopped: refused, or not done with its errno. */
static int32_t stopped(const walk_failure *failure, bool to_side) {
  return failure->refused > 0 ? refusal(failure, to_side) : answer(NOT_DONE, failure->error);
}

typedef struct {
  double size, mtime;
  unsigned long long dev, ino;
} expected_file;

/* What the modes that replace a name check besides `to` itself (`expected`): who `from` is, and `to`'s ctime. */
typedef struct {
  path_arg temporary;      /* MODE_LINK_OVER: the temp name `from` is linked to first, in `to`'s folder */
  unsigned long long from_dev, from_ino;
  bool has_ctime;          /* `to`'s ctime is compared too (a quiet edit keeps size and mtime, not ctime) */
  unsigned long long ctime;
} over_checks;

/* Is `name` in `folder` the file `from` must be: a regular file with that device and inode? */
static bool is_from(int folder, const char *name, const over_checks *over) {
  struct stat st;
  return fstatat(folder, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)
         && (unsigned long long)st.st_dev == over->from_dev && (unsigned long long)st.st_ino == over->from_ino;
}

/* Is `name` in `folder` still exactly `expected` (and its ctime, when given)? If not, `why` is not done's errno. */
static bool still_expected(int folder, const char *name, const expected_file *expected, const over_checks *over, int *why) {
  struct stat st;
  if (fstatat(folder, name, &st, AT_SYMLINK_NOFOLLOW) != 0) { *why = errno; return false; }
  if (!S_ISREG(st.st_mode)) { *why = NOT_A_REGULAR_FILE; return false; }
  *why = 0;
  return (double)st.st_size == expected->size && fileorg_mtime_ms(&st) == expected->mtime
         && (unsigned long long)st.st_dev == expected->dev && (unsigned long long)st.st_ino == expected->ino
         && (!over->has_ctime || ctime_ns(&st) == over->ctime);
}

/*
 * Could another user rename entries in `folder`? Link over first makes a hard link to the kept file under a temp
 * name in `to`'s folder; there, someone who may rename entries could take that name away the moment it appears
 * (inotify) and keep a lasting link to a file that may lie in a folder they cannot enter (issue 16's re-probe: 69
 * of 300 names taken out of a shared 0777 folder, to files in a root-only one). So the folder must be this
 * process's own and writable by no one else, unless it is sticky (then others cannot rename what is not theirs).
 * Checked with fstat on the descriptor the link is made relative to, not by path.
 */
static bool others_can_rename_in(int folder) {
  struct stat st;
  if (fstat(folder, &st) != 0) return true;
  if (st.st_uid != geteuid()) return true;
  return (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0;
}

/*
 * MODE_LINK_OVER and MODE_RENAME_OVER: `to` is replaced, so its folder (and `from`'s) must be the real one, never
 * one reached through a folder another user swapped for a symlink after the JavaScript side's checks: by path, the
 * rename would replace a file wherever the symlink points (issue 16's probe: a root-only folder's file replaced by
 * the attacker's inode). Both folders are opened from their anchors without following a symlink, every check is
 * an fstatat relative to them, and the link and rename are made relative to them. `to`'s own name can still be
 * replaced between its last check and the rename, but only inside that real folder, by someone who may write it.
 */
static int32_t replace_name(char *from, char *to, const expected_file *expected, const over_checks *over, size_t from_anchor, size_t to_anchor, int mode) {
  walk_failure failure = { 0, 0, false };
  const char *from_name = NULL, *to_name = NULL, *temporary_name = NULL;
  if (mode == MODE_LINK_OVER) {
    /* The temp name lies beside `to`: the rename over `to` stays within that one folder. */
    const char *temporary = over->temporary.text;
    const char *slash = strrchr(to, '/'), *temporary_slash = strrchr(temporary, '/');
    if (!slash || !temporary_slash || slash - to != temporary_slash - temporary || memcmp(to, temporary, (size_t)(slash - to)) != 0
        || temporary_slash[1] == '\0' || strcmp(temporary_slash, slash) == 0) return answer(NOT_DONE, EINVAL);
    temporary_name = temporary_slash + 1;
  }
  int from_folder = open_parent(from, from_anchor, &from_name, false, &failure);
  if (from_folder < 0) return stopped(&failure, false);
  int to_folder = open_parent(to, to_anchor, &to_name, false, &failure);
  if (to_folder < 0) { close(from_folder); return stopped(&failure, true); }
  int32_t code;
  int why = 0;
  if (mode == MODE_LINK_OVER && others_can_rename_in(to_folder)) { code = answer(NOT_DONE, FOLDER_SHARED); goto done; }
  /* Both files first: nothing is written for a row whose files changed. */
  if (!is_from(from_folder, from_name, over)) { code = answer(NOT_DONE, FROM_CHANGED); goto done; }
  if (!still_expected(to_folder, to_name, expected, over, &why)) { code = answer(NOT_DONE, why); goto done; }
  if (mode == MODE_RENAME_OVER) {
    code = renameat(from_folder, from_name, to_folder, to_name) == 0 ? MOVED : answer(NOT_DONE, errno);
    goto done;
  }
  if (linkat(from_folder, from_name, to_folder, temporary_name, 0) != 0) {
    int error = errno;
    if (error == EEXIST) code = TAKEN;
    else if (error == ENOENT && !is_from(from_folder, from_name, over)) code = answer(NOT_DONE, FROM_CHANGED);
    else code = answer(NOT_DONE, error);
    goto done;
  }
  /* The temp name must hold `from` (not another file put at `from`'s name between its check and the link), and
     `to` must still be exactly as expected at the last moment: its inode goes with the rename. */
  if (!is_from(to_folder, temporary_name, over)) code = answer(NOT_DONE, FROM_CHANGED);
  else if (!still_expected(to_folder, to_name, expected, over, &why)) code = answer(NOT_DONE, why);
  else code = renameat(to_folder, temporary_name, to_folder, to_name) == 0 ? MOVED : answer(NOT_DONE, errno);
  /* Not done: the link made above goes again (it is in a real folder of the tree, under this row's own name). */
  if (code != MOVED) unlinkat(to_folder, temporary_name, 0);
done:
  close(from_folder);
  close(to_folder);
  return code;
}

static int32_t act(char *from, char *to, const expected_file *expected, const over_checks *over, size_t from_anchor, size_t to_anchor, bool cache, int how) {
  int mode = how & MODE_MASK;
  bool create = (how & CREATE_FOLDERS) != 0;
  walk_failure failure = { 0, 0, false };
  if (mode == MODE_LINK_OVER || mode == MODE_RENAME_OVER) {
    if (!over) return answer(NOT_DONE, EINVAL);
    return replace_name(from, to, expected, over, from_anchor, to_anchor, mode);
  }
  if (mode == MODE_FOLDER) {
    int folder = open_folder(to, strlen(to), to_anchor, create, &failure);
    if (folder < 0) return stopped(&failure, true);
    close(folder);
    return MOVED;
  }
  if (mode == MODE_NEW_FILE) {
    const char *name = NULL;
    int folder = open_parent(to, to_anchor, &name, create, &failure);
    if (folder < 0) return stopped(&failure, true);
    int file = openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int error = errno;
    close(folder);
    if (file < 0) return error == EEXIST ? TAKEN : answer(NOT_DONE, error);
    if (file >= (1 << 22)) { close(file); return answer(NOT_DONE, EMFILE); } /* must fit the answer */
    return answer(MOVED, file);
  }
  if (mode == MODE_REMOVE_FOLDER) {
    /* Emptied folders are removed relative to their parent opened without following a symlink: by path, a
       parent swapped for a symlink would remove an empty folder wherever it points. */
    const char *name = NULL;
    int folder = open_parent(to, to_anchor, &name, false, &failure);
    if (folder < 0) return stopped(&failure, true);
    int32_t removed = unlinkat(folder, name, AT_REMOVEDIR) == 0 ? MOVED : answer(NOT_DONE, errno);
    close(folder);
    return removed;
  }
  const char *from_name = NULL, *to_name = NULL;
  int from_folder = cache ? cached_parent(from, from_anchor, &from_name, -1, false, &failure)
                          : open_parent(from, from_anchor, &from_name, false, &failure);
  if (from_folder < 0) return stopped(&failure, false);
  int to_folder = -1;
  int32_t code = answer(NOT_DONE, 0);
  /* The file first: one that changed is left alone before any folder is made for it. */
  struct stat st;
  if (fstatat(from_folder, from_name, &st, AT_SYMLINK_NOFOLLOW) != 0) { code = answer(NOT_DONE, errno); goto done; }
  if (!S_ISREG(st.st_mode)) { code = answer(NOT_DONE, NOT_A_REGULAR_FILE); goto done; }
  if ((double)st.st_size != expected->size || fileorg_mtime_ms(&st) != expected->mtime
      || (unsigned long long)st.st_dev != expected->dev || (unsigned long long)st.st_ino != expected->ino) goto done;
  if (mode == MODE_UNLINK) {
    code = unlinkat(from_folder, from_name, 0) == 0 ? MOVED : answer(NOT_DONE, errno);
    goto done;
  }
  to_folder = cache ? cached_parent(to, to_anchor, &to_name, from_folder, create, &failure)
                    : open_parent(to, to_anchor, &to_name, create, &failure);
  if (to_folder < 0) { code = stopped(&failure, true); goto done; }
  if (linkat(from_folder, from_name, to_folder, to_name, 0) != 0) {
    int error = errno;
    if (error == EEXIST) { code = TAKEN; goto done; }
    if (!(how & RENAME_WITHOUT_LINKS) || !links_unsupported(error)) { code = answer(NOT_DONE, error); goto done; }
    /* No hard links here: check, then rename (not atomic; the JavaScript path did the same by path). */
    struct stat there;
    if (fstatat(to_folder, to_name, &there, AT_SYMLINK_NOFOLLOW) == 0) { code = TAKEN; goto done; }
    if (errno != ENOENT) { code = answer(NOT_DONE, errno); goto done; }
    code = renameat(from_folder, from_name, to_folder, to_name) == 0 ? MOVED : answer(NOT_DONE, errno);
    goto done;
  }
  if (mode == MODE_LINK || unlinkat(from_folder, from_name, 0) == 0) { code = MOVED; goto done; }
  int error = errno;
  /* The source cannot go (a read-only folder): take the new name back so the file is not doubled. */
  code = unlinkat(to_folder, to_name, 0) == 0 ? answer(NOT_DONE, error) : answer(DOUBLED, error);
done:
  if (!cache) {
    close(from_folder);
    if (to_folder >= 0) close(to_folder);
  }
  return code;
}

/*
 * moveIfUnchanged(from, to, size, mtimeMs, dev, ino, fromAnchor, toAnchor, cacheFolders[, how[, temporary, fromDev,
 * fromIno, ctimeNs]]) -> an int32: low byte 0 moved (or linked, unlinked, folder there, file made: its descriptor
 * above it), 1 taken, 2 not done (nothing changed), 3 doubled, 4 refused; for 2 and 3 the errno above it (2 with
 * errno 0: the file is not the one expected), for 4 the REFUSED_* bits. An anchor is the length in UTF-8 bytes of
 * the root each path lies below. cacheFolders: keep the folders open for the next moves (until forgetFolders()).
 * how: a MODE_* with CREATE_FOLDERS and RENAME_WITHOUT_LINKS (0 when left out: a plain move into a folder that
 * exists). The modes that replace a name (link over, rename over) take four more: size, mtimeMs, dev and ino are
 * then what `to` must still be; `temporary` the temp name beside `to` (link over; "" otherwise); fromDev and
 * fromIno who `from` must be; ctimeNs `to`'s ctime in ns ("": not compared). They never cache folders.
 */
napi_value MoveIfUnchanged(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value argv[14], result = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 9) {
    napi_throw_type_error(env, NULL, "moveIfUnchanged(from, to, size, mtimeMs, dev, ino, fromAnchor, toAnchor, cacheFolders[, how[, temporary, fromDev, fromIno, ctimeNs]])");
    return NULL;
  }
  path_arg from, to;
  over_checks over = { .temporary = { .text = NULL } };
  double from_anchor = 0, to_anchor = 0;
  expected_file expected = { 0, 0, 0, 0 };
  int32_t code = answer(NOT_DONE, EINVAL), how = 0;
  bool cache = false;
  int from_ok = read_path(env, argv[0], &from), to_ok = read_path(env, argv[1], &to);
  if (from_ok && to_ok && napi_get_value_double(env, argv[2], &expected.size) == napi_ok
      && napi_get_value_double(env, argv[3], &expected.mtime) == napi_ok && read_u64(env, argv[4], &expected.dev)
      && read_u64(env, argv[5], &expected.ino) && napi_get_value_double(env, argv[6], &from_anchor) == napi_ok
      && napi_get_value_double(env, argv[7], &to_anchor) == napi_ok && napi_get_value_bool(env, argv[8], &cache) == napi_ok
      && (argc < 10 || napi_get_value_int32(env, argv[9], &how) == napi_ok)) {
    int mode = how & MODE_MASK;
    if (mode != MODE_LINK_OVER && mode != MODE_RENAME_OVER) {
      code = act(from.text, to.text, &expected, NULL, (size_t)from_anchor, (size_t)to_anchor, cache, how);
    } else if (argc >= 14 && read_path(env, argv[10], &over.temporary) && read_u64(env, argv[11], &over.from_dev)
               && read_u64(env, argv[12], &over.from_ino)) {
      size_t length = 0;
      napi_get_value_string_utf8(env, argv[13], NULL, 0, &length);
      over.has_ctime = length > 0;
      if (!over.has_ctime || read_u64(env, argv[13], &over.ctime)) {
        code = act(from.text, to.text, &expected, &over, (size_t)from_anchor, (size_t)to_anchor, false, how);
      }
    }
  }
  free_path(&from);
  free_path(&to);
  free_path(&over.temporary);
  napi_create_int32(env, code, &result);
  return result;
}
