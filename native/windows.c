/* Windows: no native paths (the JavaScript paths do every move and read); the module still builds and loads empty. */
#include <node_api.h>

NAPI_MODULE_INIT() {
  return exports;
}
