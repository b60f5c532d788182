// Element-wise float32 operations. TensorFlow.js's cpu backend runs these as JS loops, and its
// broadcasting path computes every index through arrays (about a hundred times slower than a
// plain loop): the BatchNorm and bias gradients of a convolutional network are full of them.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "napi_args.h"

namespace rwp {

namespace {

constexpr int64_t kParallelMin = 1 << 16;
constexpr int64_t kBlock = 1 << 14;

// Output shape of a broadcast and each input's strides in it, with runs of dimensions that
// index both inputs alike merged into one, so the innermost loop is as long as possible.
struct Broadcast {
  std::vector<int64_t> shape, sa, sb;

  Broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b, const std::vector<int64_t>& out) {
    const size_t rank = out.size();
    if (a.size() > rank || b.size() > rank) throw std::invalid_argument("an input has a higher rank than the output");
    std::vector<int64_t> ea(rank, 1), eb(rank, 1);
    std::copy(a.begin(), a.end(), ea.end() - a.size());
    std::copy(b.begin(), b.end(), eb.end() - b.size());
    std::vector<int64_t> da(rank), db(rank);
    int64_t pa = 1, pb = 1;
    for (size_t i = rank; i-- > 0;) {
      if ((ea[i] != out[i] && ea[i] != 1) || (eb[i] != out[i] && eb[i] != 1)) {
        throw std::invalid_argument("shapes do not broadcast to the output shape");
      }
      da[i] = ea[i] == 1 ? 0 : pa;
      db[i] = eb[i] == 1 ? 0 : pb;
      pa *= ea[i];
      pb *= eb[i];
    }
    for (size_t i = 0; i < rank; ++i) {
      if (out[i] == 1) continue;
      if (!shape.empty() && sa.back() == da[i] * out[i] && sb.back() == db[i] * out[i]) {
        shape.back() *= out[i];
        sa.back() = da[i];
        sb.back() = db[i];
      } else {
        shape.push_back(out[i]);
        sa.push_back(da[i]);
        sb.push_back(db[i]);
      }
    }
    if (shape.empty()) {
      shape = {1};
      sa = {0};
      sb = {0};
    }
  }
};

// One output row: a and b advance by their strides, each 1 or 0 (broadcast).
template <typename Op>
void BinaryRow(const float* __restrict a, int64_t ia, const float* __restrict b, int64_t ib, float* __restrict out,
               int64_t n, Op op) {
  if (ia == 1 && ib == 1) {
    for (int64_t j = 0; j < n; ++j) out[j] = op(a[j], b[j]);
  } else if (ia == 1) {
    const float vb = b[0];
    for (int64_t j = 0; j < n; ++j) out[j] = op(a[j], vb);
  } else if (ib == 1) {
    const float va = a[0];
    for (int64_t j = 0; j < n; ++j) out[j] = op(va, b[j]);
  } else {  // both scalars: the output has one element
    out[0] = op(a[0], b[0]);
  }
}

template <typename Op>
void Binary(const float* a, const float* b, float* out, const Broadcast& bc, Op op) {
  const size_t rank = bc.shape.size();
  const int64_t inner = bc.shape.back();
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < rank; ++i) rows *= bc.shape[i];
#pragma omp parallel for if (rows * inner > kParallelMin)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t oa = 0, ob = 0, rest = row;
    for (size_t i = rank - 1; i-- > 0;) {
      const int64_t idx = rest % bc.shape[i];
      rest /= bc.shape[i];
      oa += idx * bc.sa[i];
      ob += idx * bc.sb[i];
    }
    BinaryRow(a + oa, bc.sa.back(), b + ob, bc.sb.back(), out + row * inner, inner, op);
  }
}

// binary(op, a, aShape, b, bShape, out, outShape)
Napi::Value BinaryFn(const Napi::CallbackInfo& info) {
  const std::string op = Str(info, 0);
  std::vector<int64_t> as = Ints(info, 2), bs = Ints(info, 4), os = Ints(info, 6);
  const float* a = F32(info, 1, Product(as));
  const float* b = F32(info, 3, Product(bs));
  float* o = F32(info, 5, Product(os));
  Broadcast bc(as, bs, os);
  if (op == "add") {
    Binary(a, b, o, bc, [](float x, float y) { return x + y; });
  } else if (op == "sub") {
    Binary(a, b, o, bc, [](float x, float y) { return x - y; });
  } else if (op == "mul") {
    Binary(a, b, o, bc, [](float x, float y) { return x * y; });
  } else if (op == "div") {
    Binary(a, b, o, bc, [](float x, float y) { return x / y; });
  } else if (op == "squaredDifference") {
    Binary(a, b, o, bc, [](float x, float y) { return (x - y) * (x - y); });
  } else if (op == "maximum") {
    // NaN propagates, as in TensorFlow.js.
    Binary(a, b, o, bc, [](float x, float y) { return (x != x || y != y) ? NAN : (x > y ? x : y); });
  } else if (op == "minimum") {
    Binary(a, b, o, bc, [](float x, float y) { return (x != x || y != y) ? NAN : (x < y ? x : y); });
  } else {
    throw std::invalid_argument("unknown binary op " + op);
  }
  return info.Env().Undefined();
}

template <typename Op>
void UnaryBlock(const float* __restrict x, float* __restrict out, int64_t n, Op op) {
  for (int64_t i = 0; i < n; ++i) out[i] = op(x[i]);
}

// Threads take blocks, each a plain loop: GCC did not vectorise some of these loops (Step: 40x
// slower) when written directly under `omp parallel for`.
template <typename Op>
void Unary(const float* x, float* out, int64_t n, Op op) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for if (n > kParallelMin)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t lo = b * kBlock;
    UnaryBlock(x + lo, out + lo, std::min(kBlock, n - lo), op);
  }
}

// unary(op, x, out, alpha)
Napi::Value UnaryFn(const Napi::CallbackInfo& info) {
  const std::string op = Str(info, 0);
  const int64_t n = F32Length(info, 1);
  const float* x = F32(info, 1, n);
  float* o = F32(info, 2, n);
  const float alpha = static_cast<float>(Num(info, 3));
  // Each expression is the cpu backend's, so NaN and the edges behave the same.
  if (op == "relu") {
    Unary(x, o, n, [](float v) { return v < 0.f ? 0.f : v; });
  } else if (op == "relu6") {
    Unary(x, o, n, [](float v) { return v < 0.f ? 0.f : (v > 6.f ? 6.f : v); });
  } else if (op == "leakyRelu") {
    Unary(x, o, n, [alpha](float v) { return v < 0.f ? alpha * v : v; });
  } else if (op == "step") {
    Unary(x, o, n, [alpha](float v) { return v != v ? v : (v > 0.f ? 1.f : alpha); });
  } else if (op == "neg") {
    Unary(x, o, n, [](float v) { return -v; });
  } else if (op == "square") {
    Unary(x, o, n, [](float v) { return v * v; });
  } else if (op == "sqrt") {
    Unary(x, o, n, [](float v) { return std::sqrt(v); });
  } else if (op == "rsqrt") {
    Unary(x, o, n, [](float v) { return 1.f / std::sqrt(v); });
  } else if (op == "exp") {
    Unary(x, o, n, [](float v) { return std::exp(v); });
  } else if (op == "log") {
    Unary(x, o, n, [](float v) { return std::log(v); });
  } else if (op == "abs") {
    Unary(x, o, n, [](float v) { return std::fabs(v); });
  } else if (op == "sigmoid") {
    Unary(x, o, n, [](float v) { return 1.f / (1.f + std::exp(-v)); });
  } else if (op == "tanh") {
    Unary(x, o, n, [](float v) { return std::tanh(v); });
  } else {
    throw std::invalid_argument("unknown unary op " + op);
  }
  return info.Env().Undefined();
}

void AddInto(const float* __restrict x, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] += x[i];
}

// addN(inputs: Float32Array[], out)
Napi::Value AddN(const Napi::CallbackInfo& info) {
  Napi::Array list = info[0].As<Napi::Array>();
  const int64_t n = F32Length(info, 1);
  float* o = F32(info, 1, n);
  std::vector<const float*> xs;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value v = list.Get(i);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array ||
        static_cast<int64_t>(v.As<Napi::Float32Array>().ElementLength()) < n) {
      throw std::invalid_argument("addN inputs must be Float32Arrays of the output's size");
    }
    xs.push_back(v.As<Napi::Float32Array>().Data());
  }
  if (xs.empty()) throw std::invalid_argument("addN needs at least one input");
#pragma omp parallel for if (n > kParallelMin)
  for (int64_t lo = 0; lo < n; lo += kBlock) {
    const int64_t len = std::min(kBlock, n - lo);
    UnaryBlock(xs[0] + lo, o + lo, len, [](float v) { return v; });
    for (size_t k = 1; k < xs.size(); ++k) AddInto(xs[k] + lo, o + lo, len);
  }
  return info.Env().Undefined();
}

void NormalizeRow(const float* __restrict x, const float* __restrict mean, const float* __restrict a,
                  const float* __restrict offset, int64_t c, float* __restrict out) {
  for (int64_t k = 0; k < c; ++k) out[k] = (x[k] - mean[k]) * a[k] + offset[k];
}

// batchNorm(x, channels, mean, variance, offset | null, scale | null, out, epsilon): parameters
// hold one value per channel (the innermost axis) or a single value.
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  const int64_t n = F32Length(info, 0);
  const int64_t c = static_cast<int64_t>(Num(info, 1));
  if (c < 1 || n % c != 0) throw std::invalid_argument("batchNorm: channels must divide the size");
  auto param = [&](size_t i, float fallback) {
    std::vector<float> p(c, fallback);
    if (info[i].IsNull() || info[i].IsUndefined()) return p;
    const int64_t len = F32Length(info, i);
    if (len != c && len != 1) throw std::invalid_argument("batchNorm: parameters need 1 or channels values");
    const float* v = F32(info, i, len);
    for (int64_t k = 0; k < c; ++k) p[k] = v[len == 1 ? 0 : k];
    return p;
  };
  const float* x = F32(info, 0, n);
  std::vector<float> mean = param(2, 0.f), var = param(3, 1.f), offset = param(4, 0.f), scale = param(5, 1.f);
  float* out = F32(info, 6, n);
  const double eps = Num(info, 7);
  // y = (x - mean) * a + offset with a = scale / sqrt(var + eps) per channel.
  std::vector<float> a(c);
  for (int64_t k = 0; k < c; ++k) a[k] = static_cast<float>(scale[k] / std::sqrt(static_cast<double>(var[k]) + eps));
  const int64_t rows = n / c;
#pragma omp parallel for if (n > kParallelMin)
  for (int64_t r = 0; r < rows; ++r) NormalizeRow(x + r * c, mean.data(), a.data(), offset.data(), c, out + r * c);
  return info.Env().Undefined();
}

void AccumulateSums(const float* __restrict dy, const float* __restrict x, const float* __restrict mean, int64_t c,
                    double* __restrict s1, double* __restrict s2) {
  for (int64_t k = 0; k < c; ++k) {
    s1[k] += dy[k];
    s2[k] += static_cast<double>(dy[k]) * (x[k] - mean[k]);
  }
}

// batchNormSums(dy, x, mean, channels, sumDy, sumDyXc): per channel (the innermost axis), the sum
// of dy and of dy * (x - mean), in double, in one pass: what every gradient of a batch
// normalisation but the input's needs.
Napi::Value BatchNormSums(const Napi::CallbackInfo& info) {
  const int64_t n = F32Length(info, 0);
  const int64_t c = static_cast<int64_t>(Num(info, 3));
  if (c < 1 || n % c != 0) throw std::invalid_argument("batchNormSums: channels must divide the size");
  const float* dy = F32(info, 0, n);
  const float* x = F32(info, 1, n);
  const float* mean = F32(info, 2, c);
  float* sum_dy = F32(info, 4, c);
  float* sum_dy_xc = F32(info, 5, c);
  const int64_t rows = n / c;
  std::vector<double> s1(c, 0.0), s2(c, 0.0);
#pragma omp parallel if (n > kParallelMin)
  {
    std::vector<double> m1(c, 0.0), m2(c, 0.0);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) AccumulateSums(dy + r * c, x + r * c, mean, c, m1.data(), m2.data());
#pragma omp critical
    for (int64_t k = 0; k < c; ++k) {
      s1[k] += m1[k];
      s2[k] += m2[k];
    }
  }
  for (int64_t k = 0; k < c; ++k) {
    sum_dy[k] = static_cast<float>(s1[k]);
    sum_dy_xc[k] = static_cast<float>(s2[k]);
  }
  return info.Env().Undefined();
}

}  // namespace

void InitElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, BinaryFn); }));
  exports.Set("unary", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, UnaryFn); }));
  exports.Set("addN", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, AddN); }));
  exports.Set("batchNorm", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, BatchNorm); }));
  exports.Set("batchNormSums",
              Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, BatchNormSums); }));
}

}  // namespace rwp
