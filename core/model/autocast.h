// bf16 autocast for a scope, on CUDA or on the CPU, behind a version check:
// LibTorch 2.x names the device (set_autocast_enabled(device, ...)); 1.13 has
// set_enabled for CUDA and set_cpu_enabled for the CPU. Which precision to
// run is precision.h's choice; this only applies it.
#pragma once

#include "core/model/device.h"
#include "core/model/precision.h"

#include <torch/torch.h>

#include <optional>

namespace issuebert {

// The dtype autocast computes in on this device right now (bf16 inside an
// active AutocastScope); nullopt when autocast is off there.
std::optional<at::ScalarType> activeAutocastDtype(const torch::Device& device);

// precision.h's policy for this device, with this machine's facts.
PrecisionChoice choosePrecisionFor(Precision requested, const torch::Device& device);

// device.h's choice as a LibTorch device: the first CUDA device when useCuda
// says so, else the CPU. Throws ModelError as useCuda does.
torch::Device torchDevice(DeviceChoice choice);

class AutocastScope {
public:
    // Active only when enabled (and, on CUDA, where cudaAutocastAvailable());
    // a no-op otherwise. Matrix products run in bf16; weights stay fp32.
    AutocastScope(const torch::Device& device, bool enabled);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_active = false;
    bool m_cuda = false;
    bool m_wasEnabled = false;
};

} // namespace issuebert
