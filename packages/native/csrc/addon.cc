// Entry point of the addon: the kernels of each file, plus thread control and a description
// of the library in use.
#include <napi.h>

#include <string>

#include "dnnl_env.h"
#include "napi_args.h"

namespace rwp {

void InitConv(Napi::Env env, Napi::Object exports);
void InitCopy(Napi::Env env, Napi::Object exports);
void InitElementwise(Napi::Env env, Napi::Object exports);
void InitMatmul(Napi::Env env, Napi::Object exports);
void InitNormals(Napi::Env env, Napi::Object exports);
void InitPerturb(Napi::Env env, Napi::Object exports);
void InitPool(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitSam(Napi::Env env, Napi::Object exports);
void InitSgd(Napi::Env env, Napi::Object exports);

namespace {

std::string IsaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse4.1";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("library", "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                       std::to_string(v->patch));
  o.Set("isa", IsaName(dnnl::get_effective_cpu_isa()));
  o.Set("threads", Threads());
  return o;
}

Napi::Value SetThreadsFn(const Napi::CallbackInfo& info) {
  SetThreads(static_cast<int>(Num(info, 0)));
  return info.Env().Undefined();
}

}  // namespace

}  // namespace rwp

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace rwp;
  exports.Set("info", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, Info); }));
  exports.Set("setThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Guard(i, SetThreadsFn); }));
  InitConv(env, exports);
  InitCopy(env, exports);
  InitElementwise(env, exports);
  InitMatmul(env, exports);
  InitNormals(env, exports);
  InitPerturb(env, exports);
  InitPool(env, exports);
  InitReduce(env, exports);
  InitSam(env, exports);
  InitSgd(env, exports);
  return exports;
}

NODE_API_MODULE(rwp_native, Init)
