// Argument access for the exported functions: typed arrays are used in place (no copies), and
// every size is checked here so that a wrong call from JS throws instead of corrupting memory.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rwp {

// The float32 data of argument i, which must hold at least `min_size` elements.
float* F32(const Napi::CallbackInfo& info, size_t i, int64_t min_size);

// Like F32, or nullptr where the argument is null or undefined.
float* F32OrNull(const Napi::CallbackInfo& info, size_t i, int64_t min_size);

// Number of elements of the Float32Array argument i.
int64_t F32Length(const Napi::CallbackInfo& info, size_t i);

// A JS array (or typed array) of integers.
std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i);

double Num(const Napi::CallbackInfo& info, size_t i);
std::string Str(const Napi::CallbackInfo& info, size_t i);

int64_t Product(const std::vector<int64_t>& dims);

using Exported = Napi::Value (*)(const Napi::CallbackInfo&);

// Runs an exported function, turning C++ and oneDNN exceptions into JS errors.
Napi::Value Guard(const Napi::CallbackInfo& info, Exported fn);

}  // namespace rwp
