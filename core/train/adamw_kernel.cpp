// AdamW's single-pass update (see adamw_kernel.h).
#include "core/train/adamw_kernel.h"

#include <cmath>

namespace issuebert {

void adamwUpdate(float* __restrict param, const float* __restrict grad, float* __restrict expAvg,
                 float* __restrict expAvgSq, std::int64_t n, const AdamWScalars& scalars) {
    const AdamWScalars s = scalars; // by value: the compiler sees that the stores cannot change it
    for (std::int64_t i = 0; i < n; ++i) {
        const float g = grad[i] * s.gradScale;
        const float m = expAvg[i] * s.beta1 + g * s.oneMinusBeta1;
        const float v = expAvgSq[i] * s.beta2 + g * g * s.oneMinusBeta2;
        const float denom = std::sqrt(v) / s.sqrtCorrection2 + s.eps;
        expAvg[i] = m;
        expAvgSq[i] = v;
        param[i] = param[i] * s.decay + s.negStepSize * m / denom;
    }
}

} // namespace issuebert
