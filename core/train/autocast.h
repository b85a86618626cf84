// bf16 autocast on CUDA for a scope, behind a version check: LibTorch 2.x names
// the device (set_autocast_enabled(kCUDA, ...)); 1.13 has CUDA-only set_enabled.
#pragma once

#include <torch/torch.h>

namespace issuebert {

class AutocastScope {
public:
    // Active only when enabled and device is CUDA; a no-op otherwise.
    AutocastScope(const torch::Device& device, bool enabled);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_active = false;
};

} // namespace issuebert
