/* Windows: no fast path (the JavaScript path does every move); the module still builds and loads empty. */
#include <node_api.h>

NAPI_MODULE_INIT() {
  return exports;
}
