// RWP's filter-wise perturbation of one weight tensor on the host: out = W + z * std, with std
// gamma ||W_j|| per output filter (kernels, output axis last) or gamma (||W|| + 1e-16) for a
// vector, each times an optional factor (ARWP). The JS loops took ~8 ms a step for the cnn's
// 421,642 weights on the perturbed rank's critical path. The arithmetic is that of
// trainer/perturbation.ts, operation for operation (sums of squares in double in element order,
// the product rounded to float before the add), so both give the same bits: tested.
#include <napi.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "napi_args.h"

namespace rwp {

namespace {

// perturbFilterwise(values, z, out, filters, gamma, factors): `filters` is the last axis of a
// kernel, or 0 for a vector; `factors` (Float64Array or null) one per filter or vector element.
Napi::Value PerturbFilterwise(const Napi::CallbackInfo& info) {
  const int64_t n = F32Length(info, 0);
  const float* w = F32(info, 0, n);
  const float* z = F32(info, 1, n);
  float* out = F32(info, 2, n);
  const int64_t filters = static_cast<int64_t>(Num(info, 3));
  const double gamma = Num(info, 4);
  const double* factors = nullptr;
  int64_t factor_count = 0;
  if (!info[5].IsNull() && !info[5].IsUndefined()) {
    if (!info[5].IsTypedArray() || info[5].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throw std::invalid_argument("perturbFilterwise: factors must be a Float64Array or null");
    }
    auto f = info[5].As<Napi::Float64Array>();
    factors = f.Data();
    factor_count = static_cast<int64_t>(f.ElementLength());
  }
  if (filters < 0 || (filters > 0 && n % filters != 0)) throw std::invalid_argument("perturbFilterwise: filters must divide the length");
  const int64_t expected = filters > 0 ? filters : n;
  if (factors != nullptr && factor_count != expected) throw std::invalid_argument("perturbFilterwise: one factor per filter");
  if (filters > 0) {
    std::vector<double> std_of(filters, 0.0);
    for (int64_t row = 0; row < n; row += filters) {
      for (int64_t j = 0; j < filters; ++j) {
        const double v = w[row + j];
        std_of[j] += v * v;
      }
    }
    for (int64_t j = 0; j < filters; ++j) {
      const double norm = std::sqrt(std_of[j]);
      std_of[j] = norm * (factors != nullptr ? gamma * factors[j] : gamma);
    }
    for (int64_t row = 0; row < n; row += filters) {
      for (int64_t j = 0; j < filters; ++j) {
        const float e = static_cast<float>(static_cast<double>(z[row + j]) * std_of[j]);
        out[row + j] = static_cast<float>(static_cast<double>(e) + static_cast<double>(w[row + j]));
      }
    }
  } else {
    double sq = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double v = w[i];
      sq += v * v;
    }
    const double s = gamma * (std::sqrt(sq) + 1e-16);
    for (int64_t i = 0; i < n; ++i) {
      const double std_i = factors != nullptr ? s * factors[i] : s;
      const float e = static_cast<float>(static_cast<double>(z[i]) * std_i);
      out[i] = static_cast<float>(static_cast<double>(e) + static_cast<double>(w[i]));
    }
  }
  return info.Env().Undefined();
}

}  // namespace

void InitPerturb(Napi::Env env, Napi::Object exports) {
  exports.Set("perturbFilterwise", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, PerturbFilterwise); }));
}

}  // namespace rwp
