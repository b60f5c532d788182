// One strided copy, which TensorFlow.js's Slice, PadV2, Tile and Transpose all reduce to (the
// caller computes the strides). The cpu backend runs those through per-element index arrays;
// in a ResNet the gradients of its zero-padding layers alone took seconds per step there.
#include <napi.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "napi_args.h"

namespace rwp {

namespace {

constexpr int64_t kParallelMin = 1 << 16;

void CopyRow(const float* __restrict src, int64_t ss, float* __restrict dst, int64_t ds, int64_t n) {
  if (ss == 1 && ds == 1) {
    std::memcpy(dst, src, n * sizeof(float));
  } else if (ss == 0) {
    const float v = src[0];
    for (int64_t i = 0; i < n; ++i) dst[i * ds] = v;
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i * ds] = src[i * ss];
  }
}

// copyStrided(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape): for every index i
// of `shape`, dst[dstOffset + i . dstStrides] = src[srcOffset + i . srcStrides] (strides in
// elements, 0 repeats an element).
Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  const int64_t src_offset = static_cast<int64_t>(Num(info, 1));
  const int64_t dst_offset = static_cast<int64_t>(Num(info, 4));
  std::vector<int64_t> ss_in = Ints(info, 2), ds_in = Ints(info, 5), shape_in = Ints(info, 6);
  if (ss_in.size() != shape_in.size() || ds_in.size() != shape_in.size()) {
    throw std::invalid_argument("copyStrided: strides and shape differ in rank");
  }
  if (src_offset < 0 || dst_offset < 0) throw std::invalid_argument("copyStrided: negative offset");
  for (size_t i = 0; i < shape_in.size(); ++i) {
    if (ss_in[i] < 0 || ds_in[i] < 0 || shape_in[i] < 0) throw std::invalid_argument("copyStrided: negative stride or size");
  }
  // Drop unit dimensions and merge neighbours that are contiguous in both arrays.
  std::vector<int64_t> shape, ss, ds;
  int64_t src_last = src_offset, dst_last = dst_offset;
  for (size_t i = 0; i < shape_in.size(); ++i) {
    if (shape_in[i] == 0) return info.Env().Undefined();
    src_last += (shape_in[i] - 1) * ss_in[i];
    dst_last += (shape_in[i] - 1) * ds_in[i];
    if (shape_in[i] == 1) continue;
    if (!shape.empty() && ss.back() == ss_in[i] * shape_in[i] && ds.back() == ds_in[i] * shape_in[i]) {
      shape.back() *= shape_in[i];
      ss.back() = ss_in[i];
      ds.back() = ds_in[i];
    } else {
      shape.push_back(shape_in[i]);
      ss.push_back(ss_in[i]);
      ds.push_back(ds_in[i]);
    }
  }
  if (shape.empty()) {
    shape = {1};
    ss = {1};
    ds = {1};
  }
  // Strides are non-negative, so the first and last elements bound what is touched.
  const float* src = F32(info, 0, src_last + 1) + src_offset;
  float* dst = F32(info, 3, dst_last + 1) + dst_offset;
  const size_t rank = shape.size();
  const int64_t inner = shape.back();
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < rank; ++i) rows *= shape[i];
#pragma omp parallel for if (rows * inner > kParallelMin)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t so = 0, d = 0, rest = row;
    for (size_t i = rank - 1; i-- > 0;) {
      const int64_t idx = rest % shape[i];
      rest /= shape[i];
      so += idx * ss[i];
      d += idx * ds[i];
    }
    CopyRow(src + so, ss.back(), dst + d, ds.back(), inner);
  }
  return info.Env().Undefined();
}

}  // namespace

void InitCopy(Napi::Env env, Napi::Object exports) {
  exports.Set("copyStrided", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, CopyStrided); }));
}

}  // namespace rwp
