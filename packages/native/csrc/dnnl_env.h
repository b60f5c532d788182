// The oneDNN engine and stream, the thread count, and scratch memory shared by all kernels.
// Kernels run one at a time on the JS thread, so one set of scratch buffers serves them all.
#pragma once

#include <dnnl.hpp>

#include <cstddef>
#include <string>
#include <unordered_map>

namespace rwp {

dnnl::engine& Engine();
dnnl::stream& Stream();

void SetThreads(int n);
int Threads();

// Scratch buffers, 64-byte aligned, grown on demand and kept: one for filters in the layout a
// convolution asks for, one for oneDNN's own scratchpad.
enum ScratchSlot { kScratchWeights, kScratchPad, kScratchCount };
void* Scratch(ScratchSlot slot, size_t bytes);

// Primitive attributes with a user-provided scratchpad (see Execute) and an optional
// activation post-op named as in TensorFlow.js ("linear", "relu", "relu6", "elu",
// "leakyrelu", "sigmoid"); throws on other names.
dnnl::primitive_attr MakeAttr(const std::string& activation, float alpha);

// Memory for `desc`: `user` itself where the layouts match, else scratch `slot`.
dnnl::memory InLayout(const dnnl::memory::desc& desc, const dnnl::memory& user, ScratchSlot slot);

// Copies between layouts (filters); a no-op where `from` and `to` are the same memory.
void Reorder(const dnnl::memory& from, const dnnl::memory& to);

// Runs a primitive with the scratchpad its descriptor asks for and waits for it.
void Execute(const dnnl::primitive& p, const dnnl::memory::desc& scratchpad,
             std::unordered_map<int, dnnl::memory> args);

}  // namespace rwp
