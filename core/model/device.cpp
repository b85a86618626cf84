// The device choice's names and the rule that picks the device (device.h).
#include "core/model/device.h"

#include "core/io/errors.h"

#include <torch/torch.h>

namespace issuebert {

const char* deviceChoiceName(DeviceChoice value) {
    switch (value) {
    case DeviceChoice::Auto:
        return "auto";
    case DeviceChoice::Cpu:
        return "cpu";
    case DeviceChoice::Cuda:
        return "cuda";
    }
    return "auto";
}

std::optional<DeviceChoice> parseDeviceChoice(const std::string& word) {
    for (DeviceChoice value : {DeviceChoice::Auto, DeviceChoice::Cpu, DeviceChoice::Cuda}) {
        if (word == deviceChoiceName(value)) {
            return value;
        }
    }
    return std::nullopt;
}

bool useCuda(DeviceChoice choice) {
    if (choice == DeviceChoice::Cpu) {
        return false;
    }
    const bool cuda = torch::cuda::is_available();
    if (choice == DeviceChoice::Cuda && !cuda) {
        throw ModelError("device cuda was asked for, but LibTorch " + std::string(TORCH_VERSION) +
                         " finds no CUDA device (this build or this machine has none); choose "
                         "cpu or auto");
    }
    return cuda;
}

} // namespace issuebert
