#include "dnnl_env.h"

#include <omp.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace rwp {

namespace {

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

struct Buffer {
  std::unique_ptr<void, AlignedFree> data;
  size_t size = 0;
};

Buffer g_scratch[kScratchCount];

}  // namespace

dnnl::engine& Engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& Stream() {
  static dnnl::stream stream(Engine());
  return stream;
}

// oneDNN here runs on OpenMP: the count set on the JS thread is the one its primitives use,
// and the element-wise loops of this addon use the same.
void SetThreads(int n) { omp_set_num_threads(n < 1 ? 1 : n); }

int Threads() { return omp_get_max_threads(); }

void* Scratch(ScratchSlot slot, size_t bytes) {
  Buffer& b = g_scratch[slot];
  if (b.size < bytes) {
    size_t size = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, size);
    if (p == nullptr) throw std::bad_alloc();
    b.data.reset(p);
    b.size = size;
  }
  return b.data.get();
}

dnnl::primitive_attr MakeAttr(const std::string& activation, float alpha) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (activation == "linear") return attr;
  dnnl::post_ops ops;
  if (activation == "relu") {
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
  } else if (activation == "relu6") {
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip_v2, 0.f, 6.f);
  } else if (activation == "elu") {
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f);
  } else if (activation == "leakyrelu") {
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, alpha, 0.f);
  } else if (activation == "sigmoid") {
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f);
  } else {
    throw std::invalid_argument("unsupported fused activation " + activation);
  }
  attr.set_post_ops(ops);
  return attr;
}

dnnl::memory InLayout(const dnnl::memory::desc& desc, const dnnl::memory& user, ScratchSlot slot) {
  if (desc == user.get_desc()) return user;
  return dnnl::memory(desc, Engine(), Scratch(slot, desc.get_size()));
}

void Reorder(const dnnl::memory& from, const dnnl::memory& to) {
  if (from.get_data_handle() == to.get_data_handle()) return;
  // Reorders are cached by their pair of layouts: creating one costs more than running it on a
  // small filter. A model has a few dozen pairs, so a list will do.
  struct Entry {
    dnnl::memory::desc from, to;
    dnnl::reorder prim;
  };
  static std::vector<Entry> cache;
  const dnnl::memory::desc& fd = from.get_desc();
  const dnnl::memory::desc& td = to.get_desc();
  const dnnl::reorder* prim = nullptr;
  for (const Entry& e : cache) {
    if (e.from == fd && e.to == td) {
      prim = &e.prim;
      break;
    }
  }
  if (prim == nullptr) {
    cache.push_back({fd, td, dnnl::reorder(from, to)});
    prim = &cache.back().prim;
  }
  prim->execute(Stream(), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
  Stream().wait();
}

void Execute(const dnnl::primitive& p, const dnnl::memory::desc& scratchpad,
             std::unordered_map<int, dnnl::memory> args) {
  if (scratchpad.get_size() > 0) {
    args.emplace(DNNL_ARG_SCRATCHPAD,
                 dnnl::memory(scratchpad, Engine(), Scratch(kScratchPad, scratchpad.get_size())));
  }
  p.execute(Stream(), args);
  Stream().wait();
}

}  // namespace rwp
