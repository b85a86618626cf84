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
        const auto count = torch::cuda::device_count();
        return "CUDA (" + std::to_string(count) + (count == 1 ? " device)" : " devices)");
    }
    const int threads = at::get_num_threads();
    return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
}

std::string torchVersion() {
    return TORCH_VERSION;
}

} // namespace issuebert
