// LibTorch start-up: thread count and device description.
#include "core/runtime.h"

#include <torch/torch.h>

#include <thread>

namespace issuebert {

void initRuntime() {
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    at::set_num_threads(static_cast<int>(cores));
}

int computeThreads() {
    return at::get_num_threads();
}

std::string deviceDescription() {
    if (torch::cuda::is_available()) {
        return "CUDA (" + std::to_string(torch::cuda::device_count()) + " device(s))";
    }
    return "CPU (" + std::to_string(at::get_num_threads()) + " threads)";
}

std::string torchVersion() {
    return TORCH_VERSION;
}

} // namespace issuebert
