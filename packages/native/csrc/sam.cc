// SAM's ascent on the host: out = w + e, e = rho g / ||g|| (or rho T^2 g / ||T g||, T = |w|, for
// adaptive SAM), the norm over all parameters. The arithmetic is trainer/sam.ts's
// samPerturbation followed by the stepper's add, operation for operation (the norm's sum in
// double in element order, e rounded to float before the add), so both give the same bits
// (tested). The JS loops took ~6 ms of every SAM step for the cnn.
#include <napi.h>

#include <cmath>
#include <stdexcept>

#include "napi_args.h"

namespace rwp {

namespace {

// samAscent(w, g, rho, adaptive, out).
Napi::Value SamAscent(const Napi::CallbackInfo& info) {
  const int64_t n = F32Length(info, 0);
  if (F32Length(info, 1) != n || F32Length(info, 4) != n) throw std::invalid_argument("samAscent: w, g and out must have the same length");
  const float* w = F32(info, 0, n);
  const float* g = F32(info, 1, n);
  const double rho = Num(info, 2);
  if (!info[3].IsBoolean()) throw std::invalid_argument("samAscent: adaptive must be a boolean");
  const bool adaptive = info[3].As<Napi::Boolean>().Value();
  float* out = F32(info, 4, n);
  double sq = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double tg = adaptive ? std::fabs(static_cast<double>(w[i])) * static_cast<double>(g[i]) : static_cast<double>(g[i]);
    sq += tg * tg;
  }
  const double scale = rho / (std::sqrt(sq) + 1e-12);
  for (int64_t i = 0; i < n; ++i) {
    const double t2 = adaptive ? static_cast<double>(w[i]) * static_cast<double>(w[i]) : 1.0;
    const float e = static_cast<float>(t2 * static_cast<double>(g[i]) * scale);
    out[i] = static_cast<float>(static_cast<double>(e) + static_cast<double>(w[i]));
  }
  return info.Env().Undefined();
}

}  // namespace

void InitSam(Napi::Env env, Napi::Object exports) {
  exports.Set("samAscent", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, SamAscent); }));
}

}  // namespace rwp
