/* The functions of the fileorg_native module; module.c exports them. */
#ifndef FILEORG_NATIVE_H
#define FILEORG_NATIVE_H
#include <sys/stat.h>
#include <node_api.h>

/* mtimeMs exactly as Node computes it (so a file's identity compares equal on both sides). */
double fileorg_mtime_ms(const struct stat *st);

napi_value MoveIfUnchanged(napi_env env, napi_callback_info info);
napi_value PartDigests(napi_env env, napi_callback_info info);
napi_value Blake3(napi_env env, napi_callback_info info);
napi_value ReadFolder(napi_env env, napi_callback_info info);
napi_value StatFiles(napi_env env, napi_callback_info info);
napi_value ReleaseMemory(napi_env env, napi_callback_info info);
napi_value CopyAttributes(napi_env env, napi_callback_info info);
napi_value ForgetFolders(napi_env env, napi_callback_info info);
napi_value SetTimes(napi_env env, napi_callback_info info);


#endif
