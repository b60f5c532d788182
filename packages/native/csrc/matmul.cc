// Batched matrix products with any transposition, optional bias and activation, on oneDNN's
// matmul primitive (AVX-512 brgemm kernels: about twice OpenBLAS 0.3.21 on this CPU). Transposed
// operands are described by their strides, so nothing is copied.
#include <napi.h>

#include <map>
#include <memory>
#include <string>

#include "dnnl_env.h"
#include "napi_args.h"

namespace rwp {

namespace {

using dnnl::memory;
using dt = dnnl::memory::data_type;

struct Matmul {
  memory::desc a, b, c, bias;
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul prim;
};

// matmul(a, b, bias | null, out, [batchA, batchB, m, n, k, transposeA, transposeB], activation, alpha)
// Batch i of the output uses batch i % batchA of a and i % batchB of b, as TensorFlow.js does.
Napi::Value MatmulFn(const Napi::CallbackInfo& info) {
  std::vector<int64_t> d = Ints(info, 4);
  if (d.size() != 7) throw std::invalid_argument("matmul dims need 7 integers");
  const int64_t batch_a = d[0], batch_b = d[1], m = d[2], n = d[3], k = d[4];
  const bool ta = d[5] != 0, tb = d[6] != 0;
  const int64_t batch = std::max(batch_a, batch_b);
  float* a = F32(info, 0, batch_a * m * k);
  float* b = F32(info, 1, batch_b * k * n);
  float* bias = F32OrNull(info, 2, n);
  float* c = F32(info, 3, batch * m * n);
  std::string act = Str(info, 5);
  float alpha = static_cast<float>(Num(info, 6));

  static std::map<std::string, std::unique_ptr<Matmul>> cache;
  std::string key = std::to_string(m) + "," + std::to_string(n) + "," + std::to_string(k) + "," +
                    std::to_string(ta) + std::to_string(tb) + (bias ? "b" : "") + act + std::to_string(alpha);
  auto& entry = cache[key];
  if (!entry) {
    memory::desc ad({m, k}, dt::f32, ta ? memory::dims{1, m} : memory::dims{k, 1});
    memory::desc bd({k, n}, dt::f32, tb ? memory::dims{1, k} : memory::dims{n, 1});
    memory::desc cd({m, n}, dt::f32, memory::dims{n, 1});
    memory::desc biasd = bias ? memory::desc({1, n}, dt::f32, memory::dims{n, 1}) : memory::desc();
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(ad, bd, biasd, cd), MakeAttr(act, alpha), Engine());
    entry.reset(new Matmul{ad, bd, cd, biasd, pd, dnnl::matmul(pd)});
  }
  const Matmul& mm = *entry;
  for (int64_t i = 0; i < batch; ++i) {
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, memory(mm.a, Engine(), a + (i % batch_a) * m * k)},
        {DNNL_ARG_WEIGHTS, memory(mm.b, Engine(), b + (i % batch_b) * k * n)},
        {DNNL_ARG_DST, memory(mm.c, Engine(), c + i * m * n)}};
    if (bias) args.emplace(DNNL_ARG_BIAS, memory(mm.bias, Engine(), bias));
    Execute(mm.prim, mm.pd.scratchpad_desc(), std::move(args));
  }
  return info.Env().Undefined();
}

}  // namespace

void InitMatmul(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, MatmulFn); }));
}

}  // namespace rwp
