// AdamW's update of one float tensor in a single pass (see adamw.h): decoupled
// weight decay, both moment estimates and the parameter read and written once
// each, the gradient scaled on the fly (the clipping coefficient). Free of
// LibTorch and built with -O3 -fno-math-errno (core/CMakeLists.txt) so that
// the loop vectorises; the caller splits large tensors across threads.
#pragma once

#include <cstdint>

namespace issuebert {

// Everything of one step that is the same for every element, already in float
// as LibTorch's kernels would round it.
struct AdamWScalars {
    float decay = 1.0f;           // 1 - lr * weight decay (1: none)
    float beta1 = 0.9f;           //
    float oneMinusBeta1 = 0.1f;   //
    float beta2 = 0.999f;         //
    float oneMinusBeta2 = 0.001f; //
    float sqrtCorrection2 = 1.0f; // sqrt(1 - beta2^step)
    float eps = 1e-8f;            //
    float negStepSize = 0.0f;     // -lr / (1 - beta1^step)
    float gradScale = 1.0f;       // the clipping coefficient (1: none)
};

// Elements [0, n) of param, expAvg and expAvgSq from grad:
//   g = grad * gradScale;  p *= decay
//   m = m * beta1 + g * (1 - beta1);  v = v * beta2 + g * g * (1 - beta2)
//   p += negStepSize * m / (sqrt(v) / sqrtCorrection2 + eps)
// The same element always gets the same result, whatever range it falls in.
void adamwUpdate(float* param, const float* grad, float* expAvg, float* expAvgSq, std::int64_t n,
                 const AdamWScalars& s);

} // namespace issuebert
