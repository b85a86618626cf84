// Where a model runs: the device choice of training, evaluation, prediction
// and cross-validation, and the one rule that turns it into a device.
// LibTorch-free, so settings, the CLI and the ui include it.
#pragma once

#include <optional>
#include <string>

namespace issuebert {

enum class DeviceChoice { Auto, Cpu, Cuda };

const char* deviceChoiceName(DeviceChoice value); // "auto" / "cpu" / "cuda"
std::optional<DeviceChoice> parseDeviceChoice(const std::string& word);

// Whether choice runs on the (first) CUDA device: auto when LibTorch finds
// one, cuda always — and a ModelError saying so when none is found.
bool useCuda(DeviceChoice choice);

} // namespace issuebert
