// AutocastScope (see autocast.h).
#include "core/model/autocast.h"

#include <ATen/autocast_mode.h>

namespace issuebert {

namespace {

bool enabled(bool cuda) {
#if TORCH_VERSION_MAJOR >= 2
    return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void enable(bool cuda, bool on) {
#if TORCH_VERSION_MAJOR >= 2
    const auto device = cuda ? at::kCUDA : at::kCPU;
    if (on) {
        at::autocast::set_autocast_dtype(device, at::kBFloat16);
    }
    at::autocast::set_autocast_enabled(device, on);
#else
    if (cuda) {
        if (on) {
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        }
        at::autocast::set_enabled(on);
    } else {
        if (on) {
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        }
        at::autocast::set_cpu_enabled(on);
    }
#endif
}

} // namespace

std::optional<at::ScalarType> activeAutocastDtype(const torch::Device& device) {
    const bool cuda = device.is_cuda();
    if ((!cuda && !device.is_cpu()) || !enabled(cuda)) {
        return std::nullopt;
    }
#if TORCH_VERSION_MAJOR >= 2
    return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

PrecisionChoice choosePrecisionFor(Precision requested, const torch::Device& device) {
    return choosePrecision(requested, device.is_cuda(), cpuFeatures(), cudaAutocastAvailable());
}

torch::Device torchDevice(DeviceChoice choice) {
    return useCuda(choice) ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

bool cudaAutocastAvailable() {
    return TORCH_VERSION_MAJOR >= 2;
}

AutocastScope::AutocastScope(const torch::Device& device, bool on)
    : m_active(on && (device.is_cpu() || (device.is_cuda() && cudaAutocastAvailable()))),
      m_cuda(device.is_cuda()) {
    if (!m_active) {
        return;
    }
    m_wasEnabled = enabled(m_cuda);
    enable(m_cuda, true);
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
    enable(m_cuda, m_wasEnabled);
}

} // namespace issuebert
