/*
 * releaseMemory() -> whether any was released. Gives the C heap's free pages back to the system, in every
 * malloc arena. Threads allocate the buffers they pass around (walker batches, hashing results) in their own
 * arenas, and other threads free them: the arenas end up full of free holes that glibc only returns from
 * their tops, and the process keeps them as resident memory. Elsewhere (macOS, musl) it does nothing.
 */
#include <node_api.h>
#include "fileorg-native.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

napi_value ReleaseMemory(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#ifdef __GLIBC__
  released = malloc_trim(0);
#endif
  napi_value result = NULL;
  napi_get_boolean(env, released != 0, &result);
  return result;
}
