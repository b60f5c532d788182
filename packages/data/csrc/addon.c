// The image folder's native half: JPEG decoding (jpeg-decode.c) and PIL's bilinear resize
// (resample-bilinear.c), called synchronously from a decode worker thread, which each keep one
// core busy without a hop to libuv's pool.
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdbool.h>
#include <stdio.h>

#include "jpeg-decode.h"
#include "resample-bilinear.h"

static bool bytes_arg(napi_env env, napi_value v, uint8_t** data, size_t* length) {
  napi_typedarray_type type;
  void* p;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_uint8_array) return false;
  *data = p;
  return true;
}

static bool ints(napi_env env, napi_value* argv, int n, int* out) {
  for (int i = 0; i < n; i++)
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) return false;
  return true;
}

// decodeJpeg(bytes, left, top, width, height, out): true with the crop's RGB bytes in `out`;
// false for a CMYK or YCCK JPEG (left to libvips); throws with libjpeg's message.
static napi_value decode_jpeg(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *bytes, *out;
  size_t length, out_length;
  int crop[4];
  if (argc != 6 || !bytes_arg(env, argv[0], &bytes, &length) || !ints(env, argv + 1, 4, crop) || !bytes_arg(env, argv[5], &out, &out_length)) {
    napi_throw_type_error(env, NULL, "decodeJpeg(bytes, left, top, width, height, out): Uint8Arrays and integers expected");
    return NULL;
  }
  if (crop[2] <= 0 || crop[3] <= 0 || out_length != (size_t)crop[2] * crop[3] * 3) {
    napi_throw_range_error(env, NULL, "decodeJpeg: out must hold width x height x 3 bytes");
    return NULL;
  }
  char message[JPEG_MESSAGE_MAX];
  enum jpeg_result r = jpeg_decode_crop(bytes, length, (struct jpeg_crop){crop[0], crop[1], crop[2], crop[3]}, out, message, sizeof message);
  if (r == JPEG_ERROR) {
    napi_throw_error(env, "EJPEG", message);
    return NULL;
  }
  napi_value result;
  napi_get_boolean(env, r == JPEG_OK, &result);
  return result;
}

// resampleBilinear(src, srcWidth, srcHeight, width, height, left, top, winWidth, winHeight, out).
static napi_value resample(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *src, *out;
  size_t src_length, out_length;
  int d[8];
  if (argc != 10 || !bytes_arg(env, argv[0], &src, &src_length) || !ints(env, argv + 1, 8, d) || !bytes_arg(env, argv[9], &out, &out_length)) {
    napi_throw_type_error(env, NULL, "resampleBilinear(src, srcWidth, srcHeight, width, height, left, top, winWidth, winHeight, out): Uint8Arrays and integers expected");
    return NULL;
  }
  int src_width = d[0], src_height = d[1], width = d[2], height = d[3];
  struct window win = {d[4], d[5], d[6], d[7]};
  char message[160];
  if (src_width <= 0 || src_height <= 0 || src_length != (size_t)src_width * src_height * 3) {
    snprintf(message, sizeof message, "resampleBilinear: %zu bytes for %dx%d RGB", src_length, src_width, src_height);
  } else if (win.left < 0 || win.top < 0 || win.width <= 0 || win.height <= 0 || win.left + win.width > width || win.top + win.height > height) {
    snprintf(message, sizeof message, "resampleBilinear: window %dx%d at (%d, %d) outside %dx%d", win.width, win.height, win.left, win.top, width, height);
  } else if (out_length != (size_t)win.width * win.height * 3) {
    snprintf(message, sizeof message, "resampleBilinear: out holds %zu bytes, the window needs %d", out_length, win.width * win.height * 3);
  } else if (resample_bilinear(src, src_width, src_height, width, height, win, out) != 0) {
    snprintf(message, sizeof message, "resampleBilinear: out of memory");
  } else {
    return NULL;
  }
  napi_throw_range_error(env, NULL, message);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"decodeJpeg", NULL, decode_jpeg, NULL, NULL, NULL, napi_enumerable, NULL},
      {"resampleBilinear", NULL, resample, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
