/* The fileorg_native module: the fast paths the JavaScript side uses when this module is built. */
#include <node_api.h>
#include "fileorg-native.h"

static void export_function(napi_env env, napi_value exports, const char *name, napi_callback function) {
  napi_value value;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, function, NULL, &value);
  napi_set_named_property(env, exports, name, value);
}

NAPI_MODULE_INIT() {
  export_function(env, exports, "moveIfUnchanged", MoveIfUnchanged);
  export_function(env, exports, "partDigests", PartDigests);
  export_function(env, exports, "blake3", Blake3);
  export_function(env, exports, "readFolder", ReadFolder);
  export_function(env, exports, "statFiles", StatFiles);
  export_function(env, exports, "releaseMemory", ReleaseMemory);
  export_function(env, exports, "copyAttributes", CopyAttributes);
  export_function(env, exports, "forgetFolders", ForgetFolders);
  export_function(env, exports, "setTimes", SetTimes);
  return exports;
}
