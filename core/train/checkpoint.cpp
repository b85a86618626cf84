// last/ checkpoints (see checkpoint.h).
#include "core/train/checkpoint.h"

#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/io/json_file.h"
#include "core/model/safetensors.h"

#include <cstdio>
#include <filesystem>
#include <mutex>

namespace issuebert {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.safetensors";
constexpr const char* kRngFile = "rng.safetensors";
// What runs checkpointed by IssueBERT before 2026-12-07 hold instead: LibTorch
// archives, whose reader does not check what it reads (a hostile file can make
// it allocate without bound or crash), so they are refused, not read.
constexpr const char* kLegacyOptimizerFile = "optimizer.pt";
constexpr const char* kLegacyRngFile = "rng.pt";

// The folder saveLastCheckpoint writes before it takes last/'s place.
std::string pendingDir(const std::string& lastDir) {
    return lastDir + ".pending";
}

torch::Tensor generatorState(const at::Generator& generator) {
    std::lock_guard<std::mutex> lock(const_cast<at::Generator&>(generator).mutex());
    return generator.get_state();
}

// The generators' states as a safetensors file of byte tensors: not LibTorch's
// archive, whose writer ends the process when a full disk fails it (it throws
// from a destructor).
void saveRng(const std::string& path) {
    std::vector<std::pair<std::string, torch::Tensor>> states;
    states.emplace_back("cpu", generatorState(at::globalContext().defaultGenerator(torch::kCPU)));
    if (torch::cuda::is_available()) {
        const auto& cuda = at::globalContext().defaultGenerator(torch::Device(torch::kCUDA, 0));
        states.emplace_back("cuda", generatorState(cuda));
    }
    saveSafetensors(path, states, {{"format", "issuebert-rng"}});
}

void setState(at::Generator generator, const torch::Tensor& state) {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

void restoreRng(const std::string& path) {
    const SafetensorsFile file = SafetensorsFile::open(path);
    for (const StTensorInfo& info : file.tensors()) {
        if (info.dtype != StDtype::U8) {
            throw ModelError(path + ": " + quote(info.name) + " is not a byte tensor");
        }
    }
    if (file.find("cpu") != nullptr) {
        setState(at::globalContext().defaultGenerator(torch::kCPU), file.load("cpu"));
    }
    if (torch::cuda::is_available() && file.find("cuda") != nullptr) {
        setState(at::globalContext().defaultGenerator(torch::Device(torch::kCUDA, 0)),
                 file.load("cuda"));
    }
}

// lastDir/name; a ModelError when an earlier IssueBERT's legacy file stands in
// its place.
std::string checkpointFile(const std::string& lastDir, const char* name, const char* legacy) {
    const std::string path = lastDir + "/" + name;
    const std::string old = lastDir + "/" + legacy;
    if (!fs::exists(path) && fs::exists(old)) {
        throw ModelError(old + ": this checkpoint was written by an IssueBERT from before "
                               "2026-12-07 in LibTorch's archive format, which is no longer read "
                               "(its reader does not check the file); resume is not possible — "
                               "train again, or go on from the run's best/ model with --model");
    }
    return path;
}

} // namespace

void saveLastCheckpoint(BertClassifierImpl& model, const AdamW& optimizer,
                        const TrainerState& state, const std::string& tokenizerDir,
                        const std::string& lastDir, const SaveOptions& saveOptions) {
    const std::string pending = pendingDir(lastDir);
    std::error_code ec;
    fs::remove_all(pending, ec);
    SaveOptions options = saveOptions;
    options.dtype = SaveDtype::Float32; // resume must continue from the exact weights
    try {
        saveModelFolder(model, tokenizerDir, pending, options);
        // Each written atomically and synced: every file is on disk before the
        // state file, which goes last: its presence marks a complete checkpoint.
        optimizer.save(pending + "/" + kOptimizerFile);
        saveRng(pending + "/" + kRngFile);
        writeFileAtomically(pending + "/" + kStateFile,
                            [&](std::ostream& out) { out << trainerStateJson(state); });
    } catch (...) {
        fs::remove_all(pending, ec); // incomplete: gives back what a full disk needs
        throw;
    }
    syncFolder(pending);
    const std::string old = lastDir + ".old";
    fs::remove_all(old, ec);
    if (fs::exists(lastDir)) {
        fs::rename(lastDir, old, ec);
        if (ec) {
            throw IoError(lastDir + ": cannot replace the checkpoint: " + ec.message());
        }
    }
    fs::rename(pending, lastDir, ec);
    if (ec) {
        throw IoError(lastDir + ": cannot move the new checkpoint into place: " + ec.message());
    }
    syncFolder(fs::path(lastDir).parent_path().string());
    fs::remove_all(old, ec);
}

TrainerState readLastState(const std::string& lastDir) {
    const std::string pending = pendingDir(lastDir);
    if (!fs::exists(lastDir + "/" + kStateFile) && fs::exists(pending + "/" + kStateFile)) {
        std::error_code ec;
        fs::remove_all(lastDir, ec);
        fs::rename(pending, lastDir, ec);
        if (ec) {
            throw IoError(pending + ": cannot move the checkpoint into place: " + ec.message());
        }
    }
    const std::string path = lastDir + "/" + kStateFile;
    if (!fs::exists(path)) {
        throw DataError(lastDir + ": no checkpoint to resume from (trainer_state.json is missing)");
    }
    // Refused here, before resume cuts the metrics log back to the checkpoint.
    checkpointFile(lastDir, kOptimizerFile, kLegacyOptimizerFile);
    checkpointFile(lastDir, kRngFile, kLegacyRngFile);
    return parseTrainerState(readWholeFile(path, "the trainer state"), path);
}

void restoreLastCheckpoint(AdamW& optimizer, const std::string& lastDir) {
    optimizer.load(checkpointFile(lastDir, kOptimizerFile, kLegacyOptimizerFile));
    const std::string rng = checkpointFile(lastDir, kRngFile, kLegacyRngFile);
    try {
        restoreRng(rng);
    } catch (const c10::Error& e) {
        throw ModelError(rng + ": cannot read the random state: " + e.what_without_backtrace());
    }
}

void Fingerprint::add(const std::vector<std::int32_t>& ids) {
    for (const auto id : ids) {
        add(static_cast<std::int64_t>(id));
    }
    add(static_cast<std::int64_t>(-1)); // separator: [1 2][3] differs from [1][2 3]
}

void Fingerprint::add(std::int64_t value) {
    auto bits = static_cast<std::uint64_t>(value);
    for (int i = 0; i < 8; ++i) {
        m_hash ^= bits & 0xFFU;
        m_hash *= 1099511628211ULL;
        bits >>= 8U;
    }
}

std::string Fingerprint::hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(m_hash));
    return text;
}

} // namespace issuebert
