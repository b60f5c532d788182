// The trainer's SGD update on the host (trainer/sgd.ts), operation for operation in double with
// each store rounded to float as JS's typed arrays round it, so both give the same bits (tested).
// The JS loop took ~4 ms a step for the cnn's 421,642 weights on every rank; this one is
// vectorised (float loads widened to double) and memory-bound.
#include <napi.h>

#include <stdexcept>

#include "napi_args.h"

namespace rwp {

namespace {

// sgdUpdate(w, g, buf, lr, momentum, weightDecay, first): PyTorch SGD in place, buf = g when first.
Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  const int64_t n = F32Length(info, 0);
  if (F32Length(info, 1) != n || F32Length(info, 2) != n) throw std::invalid_argument("sgdUpdate: w, g and buf must have the same length");
  float* w = F32(info, 0, n);
  const float* g = F32(info, 1, n);
  float* buf = F32(info, 2, n);
  const double lr = Num(info, 3);
  const double momentum = Num(info, 4);
  const double wd = Num(info, 5);
  if (!info[6].IsBoolean()) throw std::invalid_argument("sgdUpdate: first must be a boolean");
  const bool first = info[6].As<Napi::Boolean>().Value();
  if (momentum == 0) {
    for (int64_t i = 0; i < n; ++i) {
      const double d = static_cast<double>(g[i]) + wd * static_cast<double>(w[i]);
      w[i] = static_cast<float>(static_cast<double>(w[i]) - lr * d);
    }
  } else if (first) {
    for (int64_t i = 0; i < n; ++i) {
      const double d = static_cast<double>(g[i]) + wd * static_cast<double>(w[i]);
      buf[i] = static_cast<float>(d);
      w[i] = static_cast<float>(static_cast<double>(w[i]) - lr * d);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const double d = static_cast<double>(g[i]) + wd * static_cast<double>(w[i]);
      // JS keeps the unrounded b for the weight's update; only the stored buf is rounded.
      const double b = momentum * static_cast<double>(buf[i]) + d;
      buf[i] = static_cast<float>(b);
      w[i] = static_cast<float>(static_cast<double>(w[i]) - lr * b);
    }
  }
  return info.Env().Undefined();
}

}  // namespace

void InitSgd(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdUpdate", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, SgdUpdate); }));
}

}  // namespace rwp
