// AutocastScope (see autocast.h).
#include "core/train/autocast.h"

#include <ATen/autocast_mode.h>

namespace issuebert {

AutocastScope::AutocastScope(const torch::Device& device, bool enabled)
    : m_active(enabled && device.is_cuda()) {
    if (!m_active) {
        return;
    }
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
    at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
    if (!m_active) {
        return;
    }
    // The cast weights are cached while autocast is nested; leaving the
    // outermost scope drops them so updated weights are cast afresh.
    if (at::autocast::decrement_nesting() == 0) {
        at::autocast::clear_cache();
    }
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
}

} // namespace issuebert
