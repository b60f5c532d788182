// The perturbation's standard normals: random/stream.ts's xoshiro128** and 128-layer ziggurat,
// operation for operation, so both give the same bits (tested). The JS loop took ~4.7 ms a
// step for the cnn's 421,642 weights, in a worker thread that shares the ranks' cores. The
// slow path's exp and log are random/portable-math.ts's (+, -, *, /, floor only, each
// correctly rounded in double), not libm's, whose last bit may differ from V8's; the build
// keeps floating-point contraction off, so no multiply-add is fused.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "napi_args.h"

namespace rwp {

namespace {

constexpr double kZigR = 3.442619855899;
constexpr double kLn2Hi = 0.6931471803691238;
constexpr double kLn2Lo = 1.9082149292705877e-10;
constexpr double kLog2e = 1.4426950408889634;
constexpr double kSqrt1_2 = 0.7071067811865476;
constexpr double kSqrt2 = 1.4142135623730951;

// 1/n for the series: the same doubles as portable-math.ts's INV (IEEE division is exact-rounded).
struct Reciprocals {
  double v[24];
  Reciprocals() {
    v[0] = 0;
    for (int n = 1; n < 24; ++n) v[n] = 1.0 / n;
  }
};
const Reciprocals kInv;

double PortableExp(double a) {
  if (a < -746) return 0;
  if (a > 710) return HUGE_VAL;
  const double k = std::floor(a * kLog2e + 0.5);
  const double r = a - k * kLn2Hi - k * kLn2Lo;
  double p = 1;
  for (int n = 14; n >= 1; --n) p = 1 + r * p * kInv.v[n];
  if (k < 0) {
    for (double i = 0; i > k; --i) p *= 0.5;
  } else {
    for (double i = 0; i < k; ++i) p *= 2;
  }
  return p;
}

double PortableLog(double y) {
  double e = 0;
  double m = y;
  while (m < kSqrt1_2) {
    m *= 2;
    e -= 1;
  }
  while (m > kSqrt2) {
    m *= 0.5;
    e += 1;
  }
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  double q = kInv.v[23];
  for (int n = 21; n >= 1; n -= 2) q = kInv.v[n] + s2 * q;
  return e * kLn2Hi + (2 * s * q + e * kLn2Lo);
}

struct Ziggurat {
  const uint32_t* k;
  const double* w;
  const double* f;
};

struct Xoshiro {
  uint32_t s0, s1, s2, s3;

  uint32_t Next() {
    const uint32_t m = s1 * 5;
    const uint32_t result = ((m << 7) | (m >> 25)) * 9;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >> 21);
    return result;
  }

  double Uniform() { return Next() / 4294967296.0; }

  // RandomStream.normal() after its first draw `hz` missed the fast path: kept out of the hot loop.
  __attribute__((noinline)) double SlowNormal(int32_t hz, const Ziggurat& z) {
    int iz = hz & 127;
    for (;;) {
      if (iz == 0) {
        double x;
        double y;
        do {
          x = -PortableLog(1 - Uniform()) / kZigR;
          y = -PortableLog(1 - Uniform());
        } while (y + y < x * x);
        return hz > 0 ? kZigR + x : -kZigR - x;
      }
      const double x = hz * z.w[iz];
      if (z.f[iz] + Uniform() * (z.f[iz - 1] - z.f[iz]) < PortableExp(-0.5 * x * x)) return x;
      hz = static_cast<int32_t>(Next());
      iz = hz & 127;
      if (std::llabs(static_cast<int64_t>(hz)) < z.k[iz]) return hz * z.w[iz];
    }
  }
};

template <typename A>
A Table(const Napi::Object& tables, const char* name, napi_typedarray_type type) {
  const Napi::Value v = tables.Get(name);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type || v.As<Napi::TypedArray>().ElementLength() != 128) {
    throw std::invalid_argument(std::string("fillNormal: tables.") + name + " must be the ziggurat's 128-entry table");
  }
  return v.As<A>();
}

// fillNormal(state: Uint32Array(4), out: Float32Array, std, tables: { k, w, f }).
Napi::Value FillNormal(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      info[0].As<Napi::TypedArray>().ElementLength() != 4) {
    throw std::invalid_argument("fillNormal: state must be a Uint32Array of 4");
  }
  uint32_t* state = info[0].As<Napi::Uint32Array>().Data();
  const int64_t n = F32Length(info, 1);
  float* out = F32(info, 1, n);
  const double std_dev = Num(info, 2);
  if (!info[3].IsObject()) throw std::invalid_argument("fillNormal: tables must be { k, w, f }");
  const Napi::Object tables = info[3].As<Napi::Object>();
  const Ziggurat z{Table<Napi::Uint32Array>(tables, "k", napi_uint32_array).Data(),
                   Table<Napi::Float64Array>(tables, "w", napi_float64_array).Data(),
                   Table<Napi::Float64Array>(tables, "f", napi_float64_array).Data()};
  // The generator lives in locals (registers) on the fast path; the slow path gets a copy.
  Xoshiro g{state[0], state[1], state[2], state[3]};
  for (int64_t i = 0; i < n; ++i) {
    const int32_t hz = static_cast<int32_t>(g.Next());
    const int iz = hz & 127;
    double x;
    if (std::llabs(static_cast<int64_t>(hz)) < z.k[iz]) {
      x = hz * z.w[iz];
    } else {
      Xoshiro slow = g;
      x = slow.SlowNormal(hz, z);
      g = slow;
    }
    out[i] = static_cast<float>(x * std_dev);
  }
  state[0] = g.s0;
  state[1] = g.s1;
  state[2] = g.s2;
  state[3] = g.s3;
  return info.Env().Undefined();
}

}  // namespace

void InitNormals(Napi::Env env, Napi::Object exports) {
  exports.Set("fillNormal", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, FillNormal); }));
}

}  // namespace rwp
