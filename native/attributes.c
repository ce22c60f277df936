/*
 * Extended attributes travel with a copied file (a cross-device move, a `copy` action, undo): Node has no
 * xattr API. Linux and macOS only; elsewhere the module is not built and copies keep mode, owner and times.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <node_api.h>
#include "fileorg-native.h"

#ifdef __APPLE__
#define LIST(fd, buffer, size) flistxattr(fd, buffer, size, 0)
#define GET(fd, name, buffer, size) fgetxattr(fd, name, buffer, size, 0, 0)
#define SET(fd, name, buffer, size) fsetxattr(fd, name, buffer, size, 0, 0)
#else
#define LIST(fd, buffer, size) flistxattr(fd, buffer, size)
#define GET(fd, name, buffer, size) fgetxattr(fd, name, buffer, size)
#define SET(fd, name, buffer, size) fsetxattr(fd, name, buffer, size, 0)
#endif

/* Copy every attribute of `from` to `to`; 0, or the errno of the first that could not be read or set. */
static int copy_attributes(int from, int to) {
  ssize_t length = LIST(from, NULL, 0);
  if (length < 0) return errno == ENOTSUP ? 0 : errno;
  if (length == 0) return 0;
  char *names = malloc((size_t)length);
  if (!names) return ENOMEM;
  length = LIST(from, names, (size_t)length);
  int failure = length < 0 ? errno : 0;
  for (ssize_t at = 0; !failure && at < length;) {
    const char *name = names + at;
    size_t name_length = 0;
    while (name[name_length]) name_length++;
    at += (ssize_t)name_length + 1;
    ssize_t size = GET(from, name, NULL, 0);
    if (size < 0) { failure = errno; break; }
    void *value = malloc(size > 0 ? (size_t)size : 1);
    if (!value) { failure = ENOMEM; break; }
    size = GET(from, name, value, (size_t)size);
    if (size < 0 || SET(to, name, value, (size_t)size) != 0) {
      /* An attribute this process may not set (security.* or trusted.* without privilege) is not ours to copy. */
      if (errno != EPERM && errno != ENOTSUP) failure = errno;
    }
    free(value);
  }
  free(names);
  return failure;
}

/* copyAttributes(fromFd, toFd) -> 0 or errno */
napi_value CopyAttributes(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result = NULL;
  int32_t from = -1, to = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2
      || napi_get_value_int32(env, argv[0], &from) != napi_ok || napi_get_value_int32(env, argv[1], &to) != napi_ok) {
    napi_throw_type_error(env, NULL, "copyAttributes(fromFd, toFd)");
    return NULL;
  }
  napi_create_int32(env, copy_attributes(from, to), &result);
  return result;
}
