// Sums over axes, in double like TensorFlow.js's cpu kernel, without its transpose of the whole
// input: the shape is split into runs of kept and reduced axes, and the layouts a network uses
// (reduce outer axes as for a bias or BatchNorm gradient, inner axes as for a loss, or the
// middle as for a global average pool) are summed in place.
#include <napi.h>

#include <vector>

#include "napi_args.h"

namespace rwp {

namespace {

constexpr int64_t kParallelMin = 1 << 16;

void AccumulateRow(const float* __restrict row, int64_t k, double* __restrict acc) {
  for (int64_t j = 0; j < k; ++j) acc[j] += row[j];
}

double SumRow(const float* __restrict row, int64_t r) {
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < r; ++i) s += row[i];
  return s;
}

// out[k] = scale * sum_r x[r, k]; threads sum row ranges, then add up their partial sums.
void SumOuter(const float* x, int64_t r, int64_t k, float* out, double scale) {
  std::vector<double> acc(k, 0.0);
#pragma omp parallel if (r * k > kParallelMin)
  {
    std::vector<double> mine(k, 0.0);
#pragma omp for schedule(static)
    for (int64_t i = 0; i < r; ++i) AccumulateRow(x + i * k, k, mine.data());
#pragma omp critical
    for (int64_t j = 0; j < k; ++j) acc[j] += mine[j];
  }
  for (int64_t j = 0; j < k; ++j) out[j] = static_cast<float>(acc[j] * scale);
}

// out[k] = scale * sum_r x[k, r]
void SumInner(const float* x, int64_t k, int64_t r, float* out, double scale) {
#pragma omp parallel for if (k * r > kParallelMin)
  for (int64_t j = 0; j < k; ++j) out[j] = static_cast<float>(SumRow(x + j * r, r) * scale);
}

// reduceSum(x, shape, axes, out, scale): false where the layout is not one of the above.
Napi::Value ReduceSum(const Napi::CallbackInfo& info) {
  std::vector<int64_t> shape = Ints(info, 1), axes = Ints(info, 2);
  const int64_t n = Product(shape);
  const float* x = F32(info, 0, n);
  std::vector<bool> reduced(shape.size(), false);
  for (int64_t a : axes) {
    if (a < 0 || a >= static_cast<int64_t>(shape.size())) throw std::invalid_argument("reduceSum: axis out of range");
    reduced[a] = true;
  }
  int64_t kept_size = 1;
  for (size_t i = 0; i < shape.size(); ++i) kept_size *= reduced[i] ? 1 : shape[i];
  float* out = F32(info, 3, kept_size);
  const double scale = Num(info, 4);
  // Runs of kept (false) and reduced (true) axes, dropping axes of size 1.
  std::vector<int64_t> sizes;
  std::vector<bool> kinds;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (!kinds.empty() && kinds.back() == reduced[i]) {
      sizes.back() *= shape[i];
    } else {
      sizes.push_back(shape[i]);
      kinds.push_back(reduced[i]);
    }
  }
  if (sizes.empty() || (sizes.size() == 1 && !kinds[0])) {
    for (int64_t i = 0; i < kept_size; ++i) out[i] = static_cast<float>(x[i] * scale);
  } else if (sizes.size() == 1) {
    SumInner(x, 1, sizes[0], out, scale);
  } else if (sizes.size() == 2 && kinds[0]) {
    SumOuter(x, sizes[0], sizes[1], out, scale);
  } else if (sizes.size() == 2) {
    SumInner(x, sizes[0], sizes[1], out, scale);
  } else if (sizes.size() == 3 && !kinds[0]) {
    const int64_t block = sizes[1] * sizes[2];
#pragma omp parallel for if (n > kParallelMin)
    for (int64_t i = 0; i < sizes[0]; ++i) SumOuter(x + i * block, sizes[1], sizes[2], out + i * sizes[2], scale);
  } else {
    return Napi::Boolean::New(info.Env(), false);
  }
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace

void InitReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduceSum", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, ReduceSum); }));
}

}  // namespace rwp
