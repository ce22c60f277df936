/*
 * What a copied file keeps that Node cannot give it (a cross-device move, a `copy` action, undo): its extended
 * attributes, and its times to the nanosecond (fs.futimes takes float seconds, which keeps microseconds).
 * Extended attributes on Linux and macOS; elsewhere copyAttributes copies none and says so by answering 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <node_api.h>
#include "fileorg-native.h"

#if defined(__linux__) || defined(__APPLE__)
#include <sys/xattr.h>
#ifdef __APPLE__
#define LIST(fd, buffer, size) flistxattr(fd, buffer, size, 0)
#define GET(fd, name, buffer, size) fgetxattr(fd, name, buffer, size, 0, 0)
#define SET(fd, name, buffer, size) fsetxattr(fd, name, buffer, size, 0, 0)
#define GONE ENOATTR
#else
#define LIST(fd, buffer, size) flistxattr(fd, buffer, size)
#define GET(fd, name, buffer, size) fgetxattr(fd, name, buffer, size)
#define SET(fd, name, buffer, size) fsetxattr(fd, name, buffer, size, 0)
#define GONE ENODATA
#endif

/* One attribute: read (growing the buffer if it grew meanwhile) and set. 0, or the errno that stopped it. */
static int copy_one(int from, int to, const char *name) {
  for (int attempt = 0; attempt < 3; attempt++) {
    ssize_t size = GET(from, name, NULL, 0);
    if (size < 0) return errno == GONE ? 0 : errno; /* removed since it was listed: nothing to copy */
    void *value = malloc(size > 0 ? (size_t)size : 1);
    if (!value) return ENOMEM;
    ssize_t got = GET(from, name, value, (size_t)size);
    int failure = 0;
    if (got < 0) failure = errno;
    else if (SET(to, name, value, (size_t)got) != 0) failure = errno;
    free(value);
    if (failure == ERANGE) continue; /* it grew between the two reads */
    if (failure == GONE) return 0;
    /* An attribute this process may not set (security.* or trusted.* without privilege) is not ours to copy;
       a target filesystem without attributes keeps none. */
    if (failure == EPERM || failure == ENOTSUP || failure == EACCES) return 0;
    return failure;
  }
  return ERANGE;
}

/* Copy every attribute of `from` to `to`; 0, or the errno of the first that could not be copied. */
static int copy_attributes(int from, int to, char *failed_name, size_t failed_size) {
  ssize_t length = LIST(from, NULL, 0);
  if (length < 0) return errno == ENOTSUP ? 0 : errno;
  if (length == 0) return 0;
  char *names = malloc((size_t)length);
  if (!names) return ENOMEM;
  length = LIST(from, names, (size_t)length);
  int failure = length < 0 ? errno : 0;
  for (ssize_t at = 0; !failure && at < length; at += (ssize_t)strlen(names + at) + 1) {
    failure = copy_one(from, to, names + at);
    if (failure) { strncpy(failed_name, names + at, failed_size - 1); failed_name[failed_size - 1] = '\0'; }
  }
  free(names);
  return failure;
}
#else
static int copy_attributes(int from, int to, char *failed_name, size_t failed_size) {
  (void)from; (void)to; (void)failed_name; (void)failed_size;
  return 0;
}
#endif

/* copyAttributes(fromFd, toFd) -> 0, or [errno, attribute name] for the first that could not be copied */
napi_value CopyAttributes(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result = NULL;
  int32_t from = -1, to = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2
      || napi_get_value_int32(env, argv[0], &from) != napi_ok || napi_get_value_int32(env, argv[1], &to) != napi_ok) {
    napi_throw_type_error(env, NULL, "copyAttributes(fromFd, toFd)");
    return NULL;
  }
  char name[256] = "";
  int failure = copy_attributes(from, to, name, sizeof name);
  if (failure == 0) { napi_create_int32(env, 0, &result); return result; }
  napi_value code, text;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, failure, &code);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &text);
  napi_set_element(env, result, 0, code);
  napi_set_element(env, result, 1, text);
  return result;
}

/* setTimes(fd, atimeSeconds, atimeNanoseconds, mtimeSeconds, mtimeNanoseconds) -> 0 or errno: futimens, exact. */
napi_value SetTimes(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], result = NULL;
  int32_t descriptor = -1;
  double parts[4] = { 0, 0, 0, 0 };
  int ok = napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 5
           && napi_get_value_int32(env, argv[0], &descriptor) == napi_ok;
  for (int index = 0; ok && index < 4; index++) ok = napi_get_value_double(env, argv[index + 1], &parts[index]) == napi_ok;
  if (!ok) {
    napi_throw_type_error(env, NULL, "setTimes(fd, atimeSeconds, atimeNanoseconds, mtimeSeconds, mtimeNanoseconds)");
    return NULL;
  }
  struct timespec times[2] = {
    { .tv_sec = (time_t)parts[0], .tv_nsec = (long)parts[1] },
    { .tv_sec = (time_t)parts[2], .tv_nsec = (long)parts[3] },
  };
  napi_create_int32(env, futimens(descriptor, times) == 0 ? 0 : errno, &result);
  return result;
}
