// Model folder writing: files into a temporary folder, then one rename.
#include "core/model/model_save.h"

#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/model/safetensors.h"
#include "core/model/transformers_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace issuebert {

namespace {

// BertTokenizer's defaults, for a source folder without these files
// (model_max_length is then the trained max length).
constexpr const char* kSpecialTokensMap =
    R"({"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"})"
    "\n";
constexpr const char* kTokenizerConfig =
    R"({"do_lower_case": true, "tokenize_chinese_chars": true, "strip_accents": null, "tokenizer_class": "BertTokenizer", "model_max_length": 512, "cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"})"
    "\n";

constexpr const char* kTempKind = ".tmp-";
constexpr const char* kOldKind = ".old-";

torch::Dtype torchDtype(SaveDtype dtype) {
    switch (dtype) {
    case SaveDtype::Float32:
        return torch::kFloat32;
    case SaveDtype::Float16:
        return torch::kFloat16;
    case SaveDtype::BFloat16:
        return torch::kBFloat16;
    }
    return torch::kFloat32;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw IoError(path.string() + ": cannot open");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw IoError(path.string() + ": cannot read");
    }
    return text.str();
}

void writeText(const fs::path& path, const std::string& text) {
    writeFileAtomically(path.string(), [&](std::ostream& out) { out << text; });
}

// A name beside target that no one else uses: ".NAME.tmp-HOST-PID-RANDOM".
fs::path siblingName(const fs::path& target, const char* kind) {
    for (;;) {
        fs::path candidate = temporarySibling(target.string(), kind);
        std::error_code ec;
        if (!fs::exists(candidate, ec)) {
            return candidate;
        }
    }
}

// What a save killed part-way left beside target: its half-written folder goes;
// a folder it had moved aside comes back if nothing replaced it (never lose a
// model), and goes otherwise.
void cleanUpKilledSave(const fs::path& target) {
    removeStaleTemporaries(target.string(), kTempKind);
    std::error_code ec;
    for (const auto& aside : staleTemporaries(target.string(), kOldKind)) {
        if (!fs::exists(target, ec)) {
            fs::rename(aside, target, ec);
        } else {
            fs::remove_all(aside, ec);
        }
    }
}

// Removes a folder when the save fails half-way.
struct FolderGuard {
    fs::path path;
    ~FolderGuard() {
        if (!path.empty()) {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    }
};

void writeFiles(BertClassifierImpl& model, const fs::path& source, const fs::path& dir,
                const SaveOptions& options) {
    const std::string dtype = saveDtypeName(options.dtype);
    writeText(dir / "config.json", savedConfigJson(model.config(), model.options(), dtype));
    saveSafetensors((dir / "model.safetensors").string(), exportWeights(model, options.dtype),
                    {{"format", "pt"}});
    if (!isNativeLayout(model.options())) {
        // transformers has no class for this layout: the folder brings its own.
        // path += rather than string + ".py": GCC 12 -O2 warns falsely on the latter.
        fs::path file = dir / kModelingModule;
        file += ".py";
        writeText(file, std::string(modelingIssueBertPy()));
    }
    if (needsIssueBertTokenizer(options.encoder)) {
        // The tokenizer cleans and cuts issue text as training did.
        fs::path file = dir / kTokenizationModule;
        file += ".py";
        writeText(file, std::string(tokenizationIssueBertPy()));
    }
    std::error_code ec;
    if (!fs::is_regular_file(source / "vocab.txt", ec)) {
        throw ModelError((source / "vocab.txt").string() +
                         ": missing; a saved model needs its vocabulary");
    }
    writeText(dir / "vocab.txt", readFile(source / "vocab.txt"));
    const fs::path tokenizerConfig = source / "tokenizer_config.json";
    writeText(dir / "tokenizer_config.json",
              savedTokenizerConfigJson(fs::is_regular_file(tokenizerConfig, ec)
                                           ? readFile(tokenizerConfig)
                                           : std::string(kTokenizerConfig),
                                       options.encoder, tokenizerConfig.string()));
    for (const auto& [name, fallback] :
         {std::pair{"special_tokens_map.json", kSpecialTokensMap},
          std::pair{"tokenizer.json", static_cast<const char*>(nullptr)}}) {
        if (fs::is_regular_file(source / name, ec)) {
            writeText(dir / name, readFile(source / name));
        } else if (fallback != nullptr) {
            writeText(dir / name, fallback);
        }
    }
    SavedSettings settings;
    settings.head = model.options().head;
    settings.pooling = model.options().pooling;
    settings.labels = model.options().labels;
    settings.encoder = options.encoder;
    settings.dtype = dtype;
    settings.baseModel = options.baseModel;
    settings.trainingJson = options.trainingJson;
    settings.metricsJson = options.metricsJson;
    writeText(dir / "issuebert.json", savedSettingsJson(settings));
}

} // namespace

std::vector<std::pair<std::string, torch::Tensor>> exportWeights(const torch::nn::Module& model,
                                                                 SaveDtype dtype) {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& item : model.named_parameters(/*recurse=*/true)) {
        tensors.emplace_back(item.key(),
                             item.value().detach().to(torch::kCPU, torchDtype(dtype)).contiguous());
    }
    return tensors;
}

void saveModelFolder(BertClassifierImpl& model, const std::string& tokenizerDir,
                     const std::string& outDir, const SaveOptions& options) {
    fs::path target = fs::absolute(fs::path(outDir)).lexically_normal();
    if (target.filename().empty()) {
        target = target.parent_path(); // "out/" names the folder "out"
    }
    cleanUpKilledSave(target);
    std::error_code ec;
    const bool replacing = fs::exists(target, ec);
    if (replacing && (!fs::is_directory(target, ec) ||
                      (!fs::is_empty(target, ec) && !fs::exists(target / "config.json", ec)))) {
        throw IoError(target.string() +
                      ": exists and is not a model folder; IssueBERT will not replace it");
    }
    if (!fs::create_directories(target.parent_path(), ec) && ec) {
        throw IoError(target.parent_path().string() + ": cannot create (" + ec.message() + ")");
    }
    FolderGuard temp{siblingName(target, kTempKind)};
    if (!fs::create_directory(temp.path, ec)) {
        throw IoError(temp.path.string() + ": cannot create (" + ec.message() + ")");
    }
    writeFiles(model, fs::path(tokenizerDir), temp.path, options);
    syncFolder(temp.path.string()); // each file is synced; now the folder's entries

    // The old folder steps aside before the new one moves in, and goes last.
    FolderGuard old;
    if (replacing) {
        old.path = siblingName(target, kOldKind);
        fs::rename(target, old.path, ec);
        if (ec) {
            old.path.clear();
            throw IoError(target.string() + ": cannot replace (" + ec.message() + ")");
        }
    }
    fs::rename(temp.path, target, ec);
    if (ec) {
        if (!old.path.empty()) {
            std::error_code ignored;
            fs::rename(old.path, target, ignored);
            old.path.clear();
        }
        throw IoError(target.string() + ": cannot write (" + ec.message() + ")");
    }
    temp.path.clear();
    syncFolder(target.parent_path().string());
}

} // namespace issuebert
