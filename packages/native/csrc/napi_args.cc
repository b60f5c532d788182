#include "napi_args.h"

#include <dnnl.hpp>

#include <stdexcept>

namespace rwp {

namespace {

Napi::Float32Array AsF32(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw std::invalid_argument("argument " + std::to_string(i) + " must be a Float32Array");
  }
  return v.As<Napi::Float32Array>();
}

}  // namespace

float* F32(const Napi::CallbackInfo& info, size_t i, int64_t min_size) {
  Napi::Float32Array a = AsF32(info, i);
  if (static_cast<int64_t>(a.ElementLength()) < min_size) {
    throw std::invalid_argument("argument " + std::to_string(i) + " has " +
                                std::to_string(a.ElementLength()) + " elements, needs " +
                                std::to_string(min_size));
  }
  return a.Data();
}

float* F32OrNull(const Napi::CallbackInfo& info, size_t i, int64_t min_size) {
  if (info[i].IsNull() || info[i].IsUndefined()) return nullptr;
  return F32(info, i, min_size);
}

int64_t F32Length(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<int64_t>(AsF32(info, i).ElementLength());
}

std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];
  if (!v.IsObject()) throw std::invalid_argument("argument " + std::to_string(i) + " must be an array");
  Napi::Object o = v.As<Napi::Object>();
  uint32_t n = o.Get("length").As<Napi::Number>().Uint32Value();
  std::vector<int64_t> out(n);
  for (uint32_t k = 0; k < n; ++k) out[k] = o.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

double Num(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) throw std::invalid_argument("argument " + std::to_string(i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

std::string Str(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsString()) throw std::invalid_argument("argument " + std::to_string(i) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

int64_t Product(const std::vector<int64_t>& dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

Napi::Value Guard(const Napi::CallbackInfo& info, Exported fn) {
  try {
    return fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

}  // namespace rwp
