// 2-D convolution in TensorFlow.js layouts (activations NHWC, filters HWIO) on oneDNN's direct
// convolution. Activations stay NHWC: oneDNN's AVX-512 jit kernels take them as they are (all
// three passes of ResNet-18's convolutions at batch 32: 624 ms on one thread here, against
// 751 ms in its blocked layout nChw16c counting the reorders in and out). Filters are reordered
// into the blocked layout the primitive asks for (they are small). Primitives are cached by
// geometry: creating one takes milliseconds.
#include <napi.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dnnl_env.h"
#include "napi_args.h"

namespace rwp {

namespace {

using dnnl::algorithm;
using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

// Geometry as computed by TensorFlow.js (backend_util.computeConv2DInfo), in this order.
struct Geometry {
  int64_t n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;

  static Geometry From(const std::vector<int64_t>& g) {
    if (g.size() != 17) throw std::invalid_argument("conv geometry needs 17 integers");
    return {g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15], g[16]};
  }

  memory::desc Src(tag t) const { return {{n, ic, ih, iw}, dt::f32, t}; }
  memory::desc Weights(tag t) const { return {{oc, ic, kh, kw}, dt::f32, t}; }
  memory::desc Dst(tag t) const { return {{n, oc, oh, ow}, dt::f32, t}; }
  memory::dims Strides() const { return {sh, sw}; }
  memory::dims Dilates() const { return {dh - 1, dw - 1}; }
  memory::dims PadL() const { return {pt, pl}; }
  // oneDNN checks its output size formula against the padding; TensorFlow.js reports what it
  // pads, which for 'valid' with a stride that does not divide the input is less than the last
  // window reaches. The padding that just covers the last window satisfies the formula.
  memory::dims PadR() const {
    return {std::max<int64_t>(0, (oh - 1) * sh + (kh - 1) * dh + 1 - ih - pt),
            std::max<int64_t>(0, (ow - 1) * sw + (kw - 1) * dw + 1 - iw - pl)};
  }
  int64_t SrcSize() const { return n * ih * iw * ic; }
  int64_t WeightsSize() const { return kh * kw * ic * oc; }
  int64_t DstSize() const { return n * oh * ow * oc; }

  std::string Key() const {
    std::string k;
    for (int64_t v : {n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr}) k += std::to_string(v) + ",";
    return k;
  }
};

// oneDNN's first "jit" implementation where there is one. For NHWC it lists its brgemm
// convolution first, which ran up to 1.8x slower than the jit one on ResNet-18's 4x4 layers
// here (and at most 12% faster elsewhere); gemm (im2col) comes last.
template <typename PD>
PD PreferJit(PD pd) {
  const PD first = pd;
  do {
    if (std::string(pd.impl_info_str()).rfind("jit", 0) == 0) return pd;
  } while (pd.next_impl());
  return first;
}

dnnl::convolution_forward::desc ForwardDesc(const Geometry& g, bool bias) {
  memory::desc b = bias ? memory::desc({g.oc}, dt::f32, tag::a) : memory::desc();
  return dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algorithm::convolution_direct,
                                         g.Src(tag::nhwc), g.Weights(tag::any), b, g.Dst(tag::nhwc), g.Strides(),
                                         g.Dilates(), g.PadL(), g.PadR());
}

// The forward descriptor the backward primitives are chosen against.
dnnl::convolution_forward::primitive_desc Hint(const Geometry& g) {
  dnnl::primitive_attr attr;
  return PreferJit(dnnl::convolution_forward::primitive_desc(ForwardDesc(g, false), attr, Engine()));
}

struct Forward {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
};

struct BackwardData {
  dnnl::convolution_backward_data::primitive_desc pd;
  dnnl::convolution_backward_data prim;
};

struct BackwardWeights {
  dnnl::convolution_backward_weights::primitive_desc pd;
  dnnl::convolution_backward_weights prim;
};

template <typename T>
using Cache = std::map<std::string, std::unique_ptr<T>>;

// conv2d(x, filter, bias | null, out, geometry, activation, leakyreluAlpha)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Geometry g = Geometry::From(Ints(info, 4));
  float* x = F32(info, 0, g.SrcSize());
  float* w = F32(info, 1, g.WeightsSize());
  float* bias = F32OrNull(info, 2, g.oc);
  float* y = F32(info, 3, g.DstSize());
  std::string act = Str(info, 5);
  float alpha = static_cast<float>(Num(info, 6));

  static Cache<Forward> cache;
  std::string key = g.Key() + (bias ? "b" : "") + act + std::to_string(alpha);
  auto& entry = cache[key];
  if (!entry) {
    auto pd = PreferJit(dnnl::convolution_forward::primitive_desc(ForwardDesc(g, bias != nullptr), MakeAttr(act, alpha), Engine()));
    entry.reset(new Forward{pd, dnnl::convolution_forward(pd)});
  }
  const auto& pd = entry->pd;
  memory w_user(g.Weights(tag::hwio), Engine(), w);
  memory wm = InLayout(pd.weights_desc(), w_user, kScratchWeights);
  Reorder(w_user, wm);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(pd.src_desc(), Engine(), x)},
                                       {DNNL_ARG_WEIGHTS, wm},
                                       {DNNL_ARG_DST, memory(pd.dst_desc(), Engine(), y)}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(pd.bias_desc(), Engine(), bias));
  Execute(entry->prim, pd.scratchpad_desc(), std::move(args));
  return info.Env().Undefined();
}

// conv2dBackpropInput(dy, filter, dx, geometry)
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  Geometry g = Geometry::From(Ints(info, 3));
  float* dy = F32(info, 0, g.DstSize());
  float* w = F32(info, 1, g.WeightsSize());
  float* dx = F32(info, 2, g.SrcSize());

  static Cache<BackwardData> cache;
  auto& entry = cache[g.Key()];
  if (!entry) {
    dnnl::convolution_backward_data::desc d(algorithm::convolution_direct, g.Src(tag::nhwc), g.Weights(tag::any),
                                            g.Dst(tag::nhwc), g.Strides(), g.Dilates(), g.PadL(), g.PadR());
    auto pd = PreferJit(dnnl::convolution_backward_data::primitive_desc(d, MakeAttr("linear", 0.f), Engine(), Hint(g)));
    entry.reset(new BackwardData{pd, dnnl::convolution_backward_data(pd)});
  }
  const auto& pd = entry->pd;
  memory w_user(g.Weights(tag::hwio), Engine(), w);
  memory wm = InLayout(pd.weights_desc(), w_user, kScratchWeights);
  Reorder(w_user, wm);
  Execute(entry->prim, pd.scratchpad_desc(),
          {{DNNL_ARG_DIFF_DST, memory(pd.diff_dst_desc(), Engine(), dy)},
           {DNNL_ARG_WEIGHTS, wm},
           {DNNL_ARG_DIFF_SRC, memory(pd.diff_src_desc(), Engine(), dx)}});
  return info.Env().Undefined();
}

// conv2dBackpropFilter(x, dy, dw, geometry)
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  Geometry g = Geometry::From(Ints(info, 3));
  float* x = F32(info, 0, g.SrcSize());
  float* dy = F32(info, 1, g.DstSize());
  float* dw = F32(info, 2, g.WeightsSize());

  static Cache<BackwardWeights> cache;
  auto& entry = cache[g.Key()];
  if (!entry) {
    dnnl::convolution_backward_weights::desc d(algorithm::convolution_direct, g.Src(tag::nhwc), g.Weights(tag::any),
                                               g.Dst(tag::nhwc), g.Strides(), g.Dilates(), g.PadL(), g.PadR());
    auto pd = PreferJit(dnnl::convolution_backward_weights::primitive_desc(d, MakeAttr("linear", 0.f), Engine(), Hint(g)));
    entry.reset(new BackwardWeights{pd, dnnl::convolution_backward_weights(pd)});
  }
  const auto& pd = entry->pd;
  memory dw_user(g.Weights(tag::hwio), Engine(), dw);
  memory dwm = InLayout(pd.diff_weights_desc(), dw_user, kScratchWeights);
  Execute(entry->prim, pd.scratchpad_desc(),
          {{DNNL_ARG_SRC, memory(pd.src_desc(), Engine(), x)},
           {DNNL_ARG_DIFF_DST, memory(pd.diff_dst_desc(), Engine(), dy)},
           {DNNL_ARG_DIFF_WEIGHTS, dwm}});
  Reorder(dwm, dw_user);
  return info.Env().Undefined();
}

}  // namespace

void InitConv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, Conv2d); }));
  exports.Set("conv2dBackpropInput",
              Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, Conv2dBackpropInput); }));
  exports.Set("conv2dBackpropFilter",
              Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, Conv2dBackpropFilter); }));
}

}  // namespace rwp
