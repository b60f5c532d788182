// Max and average pooling and their gradients over NHWC, vectorised along channels, with the
// semantics of TensorFlow.js's cpu kernels: padded positions are skipped, the gradient of a max
// goes to the first maximum of the window in row-major order, and the average's gradient is
// divided by the full window size (while the forward average counts only valid positions).
#include <napi.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "napi_args.h"

namespace rwp {

namespace {

// Geometry as computed by TensorFlow.js (backend_util.computePool2DInfo), dilation 1.
struct Geometry {
  int64_t n, ih, iw, c, oh, ow, kh, kw, sh, sw, pt, pl;

  static Geometry From(const std::vector<int64_t>& g) {
    if (g.size() != 12) throw std::invalid_argument("pool geometry needs 12 integers");
    return {g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]};
  }
  int64_t InSize() const { return n * ih * iw * c; }
  int64_t OutSize() const { return n * oh * ow * c; }
  // Window rows [r0, r1) and columns [c0, c1) of output (y, x), clipped to the input.
  void Window(int64_t y, int64_t x, int64_t& r0, int64_t& r1, int64_t& c0, int64_t& c1) const {
    r0 = std::max<int64_t>(0, y * sh - pt);
    r1 = std::min<int64_t>(ih, y * sh - pt + kh);
    c0 = std::max<int64_t>(0, x * sw - pl);
    c1 = std::min<int64_t>(iw, x * sw - pl + kw);
  }
};

// maxPool(x, out, geometry)
Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  Geometry g = Geometry::From(Ints(info, 2));
  const float* x = F32(info, 0, g.InSize());
  float* y = F32(info, 1, g.OutSize());
  const int64_t c = g.c;
#pragma omp parallel for collapse(2) if (g.OutSize() > 65536)
  for (int64_t b = 0; b < g.n; ++b) {
    for (int64_t oy = 0; oy < g.oh; ++oy) {
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        float* out = y + ((b * g.oh + oy) * g.ow + ox) * c;
        std::fill(out, out + c, -std::numeric_limits<float>::infinity());
        int64_t r0, r1, c0, c1;
        g.Window(oy, ox, r0, r1, c0, c1);
        for (int64_t r = r0; r < r1; ++r) {
          for (int64_t q = c0; q < c1; ++q) {
            const float* in = x + ((b * g.ih + r) * g.iw + q) * c;
            for (int64_t k = 0; k < c; ++k) out[k] = in[k] > out[k] ? in[k] : out[k];
          }
        }
      }
    }
  }
  return info.Env().Undefined();
}

// The first maximum of each channel over successive rows of `c` floats: its value in best and
// its row number in where. Every element is loaded and stored unconditionally, with selects in
// between: the form GCC vectorises for baseline x86-64 (SSE2 has no masked loads or stores).
void ArgMaxRow(const float* __restrict in, int32_t row, int64_t c, float* __restrict best, int32_t* __restrict where) {
  for (int64_t k = 0; k < c; ++k) {
    const float v = in[k], b = best[k];
    const int32_t w = where[k];
    const int32_t mask = -static_cast<int32_t>(v > b);
    best[k] = v > b ? v : b;
    where[k] = (row & mask) | (w & ~mask);
  }
}

// out[k] += grad[k] for the channels whose maximum was at `row` (out[k] = ... where `assign`).
void AddWhere(const float* __restrict grad, const int32_t* __restrict where, int32_t row, int64_t c, bool assign,
              float* __restrict out) {
  if (assign) {
    for (int64_t k = 0; k < c; ++k) {
      const float g = grad[k];
      out[k] = where[k] == row ? g : 0.f;
    }
    return;
  }
  for (int64_t k = 0; k < c; ++k) {
    const float g = grad[k], o = out[k];
    out[k] = o + (where[k] == row ? g : 0.f);
  }
}

// maxPoolGrad(dy, x, dx, geometry)
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  Geometry g = Geometry::From(Ints(info, 3));
  const float* dy = F32(info, 0, g.OutSize());
  const float* x = F32(info, 1, g.InSize());
  float* dx = F32(info, 2, g.InSize());
  const int64_t c = g.c;
  // Where the windows tile the input (2x2 stride 2 on an even size, say), every input position
  // is written exactly once: no zeroing first, no read-modify-write.
  const bool tiles = g.kh == g.sh && g.kw == g.sw && g.oh * g.sh == g.ih && g.ow * g.sw == g.iw && g.pt == 0 &&
                     g.pl == 0;
  if (!tiles) std::fill(dx, dx + g.InSize(), 0.f);
  // Batches are independent: each thread scatters into its own images only.
#pragma omp parallel if (g.InSize() > 65536)
  {
    std::vector<float> best(c);
    std::vector<int32_t> where(c);
#pragma omp for
    for (int64_t b = 0; b < g.n; ++b) {
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
          std::fill(where.begin(), where.end(), -1);
          int64_t r0, r1, c0, c1;
          g.Window(oy, ox, r0, r1, c0, c1);
          int32_t p = 0;
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t q = c0; q < c1; ++q, ++p) {
              ArgMaxRow(x + ((b * g.ih + r) * g.iw + q) * c, p, c, best.data(), where.data());
            }
          }
          const float* grad = dy + ((b * g.oh + oy) * g.ow + ox) * c;
          p = 0;
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t q = c0; q < c1; ++q, ++p) {
              AddWhere(grad, where.data(), p, c, tiles, dx + ((b * g.ih + r) * g.iw + q) * c);
            }
          }
        }
      }
    }
  }
  return info.Env().Undefined();
}

// avgPool(x, out, geometry)
Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  Geometry g = Geometry::From(Ints(info, 2));
  const float* x = F32(info, 0, g.InSize());
  float* y = F32(info, 1, g.OutSize());
  const int64_t c = g.c;
#pragma omp parallel if (g.OutSize() > 65536)
  {
    std::vector<double> sum(c);
#pragma omp for collapse(2)
    for (int64_t b = 0; b < g.n; ++b) {
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          std::fill(sum.begin(), sum.end(), 0.0);
          int64_t r0, r1, c0, c1;
          g.Window(oy, ox, r0, r1, c0, c1);
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t q = c0; q < c1; ++q) {
              const float* in = x + ((b * g.ih + r) * g.iw + q) * c;
              for (int64_t k = 0; k < c; ++k) sum[k] += in[k];
            }
          }
          const double count = static_cast<double>((r1 - r0) * (c1 - c0));
          float* out = y + ((b * g.oh + oy) * g.ow + ox) * c;
          for (int64_t k = 0; k < c; ++k) out[k] = static_cast<float>(sum[k] / count);
        }
      }
    }
  }
  return info.Env().Undefined();
}

// avgPoolGrad(dy, dx, geometry)
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  Geometry g = Geometry::From(Ints(info, 2));
  const float* dy = F32(info, 0, g.OutSize());
  float* dx = F32(info, 1, g.InSize());
  const int64_t c = g.c;
  const float scale = 1.f / static_cast<float>(g.kh * g.kw);
  std::fill(dx, dx + g.InSize(), 0.f);
#pragma omp parallel for if (g.InSize() > 65536)
  for (int64_t b = 0; b < g.n; ++b) {
    for (int64_t oy = 0; oy < g.oh; ++oy) {
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        const float* grad = dy + ((b * g.oh + oy) * g.ow + ox) * c;
        int64_t r0, r1, c0, c1;
        g.Window(oy, ox, r0, r1, c0, c1);
        for (int64_t r = r0; r < r1; ++r) {
          for (int64_t q = c0; q < c1; ++q) {
            float* out = dx + ((b * g.ih + r) * g.iw + q) * c;
            for (int64_t k = 0; k < c; ++k) out[k] += grad[k] * scale;
          }
        }
      }
    }
  }
  return info.Env().Undefined();
}

}  // namespace

void InitPool(Napi::Env env, Napi::Object exports) {
  exports.Set("maxPool", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, MaxPool); }));
  exports.Set("maxPoolGrad", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, MaxPoolGrad); }));
  exports.Set("avgPool", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, AvgPool); }));
  exports.Set("avgPoolGrad", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, AvgPoolGrad); }));
}

}  // namespace rwp
