// torch.save archives: the zip (LibTorch's PyTorchStreamReader) and what the
// pickle may build in it: storages, tensors over them, OrderedDicts, Parameters.
// Not torch::pickle_load: LibTorch 1.13's lacks the SETITEM and APPEND opcodes (a
// dict or list of one item, such as every state_dict()'s _metadata) and fails on
// BUILD of an OrderedDict, so it cannot read a plain torch.save(model.state_dict()).
#include "core/model/pytorch_bin.h"

#include "core/io/errors.h"
#include "core/model/pickle_reader.h"
#include "core/model/zip_layout.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <unordered_map>

namespace issuebert {
namespace {

using pickle::expect;
using pickle::Fault;
using pickle::Ref;
using pickle::Value;

// torch.<Name>Storage -> dtype, as torch.save names typed storages.
const std::map<std::string, torch::Dtype>& storageTypes() {
    static const std::map<std::string, torch::Dtype> types = {
        {"torch.DoubleStorage", torch::kFloat64}, {"torch.FloatStorage", torch::kFloat32},
        {"torch.HalfStorage", torch::kFloat16},   {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kInt64},     {"torch.IntStorage", torch::kInt32},
        {"torch.ShortStorage", torch::kInt16},    {"torch.CharStorage", torch::kInt8},
        {"torch.ByteStorage", torch::kUInt8},     {"torch.BoolStorage", torch::kBool}};
    return types;
}

// The pickle hooks of one archive: storages are read from it once each.
class TensorBuilder {
public:
    explicit TensorBuilder(caffe2::serialize::PyTorchStreamReader& zip) : m_zip(zip) {}

    Ref storage(const Ref& id);
    Ref call(const std::string& global, const Ref& args);

private:
    Ref rebuildTensor(const std::vector<Ref>& args);

    caffe2::serialize::PyTorchStreamReader& m_zip;
    std::unordered_map<std::string, torch::Tensor> m_storages; // key -> flat data
    // Bytes of the storages read, and of the tensors copied out of them: copies
    // may not exceed twice the storages, so views cannot multiply the file's size.
    // (A weight saved beside its transpose and a slice of it copies 1.25 times.)
    static constexpr int64_t kMaxCopiedPerStored = 2;
    int64_t m_storageBytes = 0;
    int64_t m_copiedBytes = 0;
};

// ('storage', torch.FloatStorage, key, location, numel): the flat data of data/<key>.
Ref TensorBuilder::storage(const Ref& id) {
    const auto& parts = expect(id, Value::Kind::Tuple, "a persistent id").items;
    if (parts.size() != 5 || parts[0]->kind != Value::Kind::String || parts[0]->text != "storage") {
        throw Fault("a persistent id is not a storage reference");
    }
    const auto& type = expect(parts[1], Value::Kind::Global, "a storage type").text;
    const auto dtype = storageTypes().find(type);
    if (dtype == storageTypes().end()) {
        throw Fault("unsupported storage type " + quote(type));
    }
    const auto& key = expect(parts[2], Value::Kind::String, "a storage key").text;
    const int64_t numel = expect(parts[4], Value::Kind::Int, "a storage size").integer;
    auto storage = pickle::make(Value::Kind::Storage);
    if (const auto cached = m_storages.find(key); cached != m_storages.end()) {
        storage->tensor = cached->second;
        return storage;
    }
    const std::string record = "data/" + key;
    if (!m_zip.hasRecord(record)) {
        throw Fault("storage " + quote(record) + " is missing from the archive");
    }
    auto [data, bytes] = m_zip.getRecord(record);
    const auto elementSize = static_cast<int64_t>(c10::elementSize(dtype->second));
    if (numel < 0 || numel > static_cast<int64_t>(bytes) / elementSize) {
        throw Fault("storage " + quote(record) + " holds " + std::to_string(bytes) +
                    " bytes, not " + std::to_string(numel) + " elements of " + quote(type));
    }
    // The tensor adopts the record's buffer: no copy.
    auto owner = std::make_shared<at::DataPtr>(std::move(data));
    storage->tensor = torch::from_blob(
        owner->get(), {numel}, [owner](void*) mutable { owner.reset(); },
        torch::TensorOptions().dtype(dtype->second));
    if (dtype->second == torch::kBool) { // any non-zero byte is true; keep bools 0 or 1
        storage->tensor = storage->tensor.view(torch::kUInt8).ne(0);
    }
    m_storages.emplace(key, storage->tensor);
    m_storageBytes += static_cast<int64_t>(bytes);
    return storage;
}

std::vector<int64_t> sizes(const Ref& value, const std::string& role) {
    std::vector<int64_t> out;
    for (const auto& item : expect(value, Value::Kind::Tuple, role).items) {
        const int64_t size = expect(item, Value::Kind::Int, role).integer;
        if (size < 0) {
            throw Fault(role + " holds the negative value " + std::to_string(size));
        }
        out.push_back(size);
    }
    return out;
}

// A view must read each element of its storage at most once: with the dimensions of
// size above 1 ordered by stride, each stride must pass everything the smaller ones
// reach. Stride 0 (an expanded tensor) and overlapping views are refused, so a view
// never holds more elements than its storage.
void checkNoOverlap(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
    std::vector<std::pair<int64_t, int64_t>> dims; // stride, size
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] > 1) {
            dims.emplace_back(strides[i], shape[i]);
        }
    }
    std::sort(dims.begin(), dims.end());
    int64_t reach = 0; // the furthest element the smaller strides reach, from the first
    for (const auto& [stride, size] : dims) {
        if (stride <= reach) {
            throw Fault("a tensor of size " + c10::str(c10::IntArrayRef(shape)) + " and stride " +
                        c10::str(c10::IntArrayRef(strides)) +
                        " reads elements of its storage more than once");
        }
        reach += (size - 1) * stride; // bounded: checked against the storage before
    }
}

// _rebuild_tensor_v2(storage, offset, size, stride, ...): a view, checked against the storage.
Ref TensorBuilder::rebuildTensor(const std::vector<Ref>& args) {
    if (args.size() < 4) {
        throw Fault("a tensor is rebuilt from too few arguments");
    }
    const torch::Tensor storage =
        expect(args[0], Value::Kind::Storage, "a tensor's storage").tensor;
    const int64_t offset = expect(args[1], Value::Kind::Int, "a tensor's offset").integer;
    const auto shape = sizes(args[2], "a tensor's size");
    const auto strides = sizes(args[3], "a tensor's stride");
    if (shape.size() != strides.size() || offset < 0) {
        throw Fault("a tensor's size, stride and offset do not fit together");
    }
    // The last element the view touches must lie inside the storage.
    int64_t last = offset;
    bool empty = false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        empty = empty || shape[i] == 0;
        int64_t reach = 0;
        if (shape[i] > 0 && (__builtin_mul_overflow(shape[i] - 1, strides[i], &reach) ||
                             __builtin_add_overflow(last, reach, &last))) {
            throw Fault("a tensor's size and stride overflow");
        }
    }
    if (!empty && last >= storage.numel()) {
        throw Fault("a tensor of size " + c10::str(c10::IntArrayRef(shape)) + " reaches element " +
                    std::to_string(last) + " of a storage of " + std::to_string(storage.numel()));
    }
    if (!empty) {
        checkNoOverlap(shape, strides);
    }
    auto tensor = pickle::make(Value::Kind::Tensor);
    if (empty) {
        tensor->tensor = torch::empty(shape, storage.options());
    } else {
        tensor->tensor = storage.as_strided(shape, strides, offset);
        // A view of part of a storage would keep all of it alive: copy it out.
        if (!tensor->tensor.is_contiguous() || tensor->tensor.numel() != storage.numel()) {
            m_copiedBytes += tensor->tensor.numel() * static_cast<int64_t>(storage.element_size());
            if (m_copiedBytes > kMaxCopiedPerStored * m_storageBytes) {
                throw Fault("its tensors are views that together read " +
                            std::to_string(m_copiedBytes) + " bytes out of storages of " +
                            std::to_string(m_storageBytes) + " (a file that multiplies its size)");
            }
            tensor->tensor = tensor->tensor.clone(at::MemoryFormat::Contiguous);
        }
    }
    return tensor;
}

Ref TensorBuilder::call(const std::string& global, const Ref& args) {
    const std::string refusal = "the file holds a " + quote(global) +
                                " object; only state dicts of tensors can be read (no Python "
                                "code runs here)";
    if (args == nullptr) { // NEWOBJ: no part of a state dict is built that way
        throw Fault(refusal);
    }
    const auto& items = expect(args, Value::Kind::Tuple, "call arguments").items;
    if (global == "torch._utils._rebuild_tensor_v2" || global == "torch._utils._rebuild_tensor") {
        return rebuildTensor(items);
    }
    if (global == "collections.OrderedDict" && items.empty()) {
        return pickle::make(Value::Kind::Dict);
    }
    if ((global == "torch._utils._rebuild_parameter" ||
         global == "torch._utils._rebuild_parameter_with_state") &&
        !items.empty() && items[0]->kind == Value::Kind::Tensor) {
        return items[0]; // an nn.Parameter: its data is all a state dict needs
    }
    throw Fault(refusal);
}

} // namespace

std::vector<std::pair<std::string, torch::Tensor>> readPytorchBin(const std::string& path) {
    // One open stream for the magic, the layout check and LibTorch's reader, so
    // the file checked is the file read (one replaced meanwhile is not).
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw IoError("cannot open " + path);
    }
    char magic[4] = {};
    in.read(magic, sizeof magic);
    if (std::memcmp(magic, "PK\x03\x04", 4) != 0) {
        throw ModelError(path + ": not a torch.save zip archive" +
                         (static_cast<unsigned char>(magic[0]) == 0x80
                              ? " but the legacy format of PyTorch < 1.6, which IssueBERT "
                                "cannot read: re-save it with a recent PyTorch or as "
                                "safetensors"
                              : ""));
    }
    // LibTorch's reader allocates what each entry declares before reading it:
    // prove first that every entry lies whole inside the file, uncompressed.
    (void)checkZipLayout(in, path);
    in.clear();
    in.seekg(0);
    std::optional<pickle::Unpickled> unpickled; // holds every value while root is read
    try {
        caffe2::serialize::PyTorchStreamReader zip(&in);
        if (zip.hasRecord("byteorder")) {
            auto [data, size] = zip.getRecord("byteorder");
            const std::string order(static_cast<const char*>(data.get()), size);
            if (order != "little") {
                throw ModelError(path + ": tensors are stored " + quote(order, 20) +
                                 "-endian; only little-endian files can be read");
            }
        }
        if (!zip.hasRecord("data.pkl")) {
            throw ModelError(path + ": the archive has no data.pkl (a TorchScript or other file?)");
        }
        auto [data, size] = zip.getRecord("data.pkl");
        TensorBuilder builder(zip);
        const pickle::Hooks hooks{
            [&](const Ref& id) { return builder.storage(id); },
            [&](const std::string& global, const Ref& args) { return builder.call(global, args); }};
        unpickled.emplace(pickle::readPickle(
            std::string_view(static_cast<const char*>(data.get()), size), path, hooks));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) { // c10::Error from a corrupt zip, bad_alloc, ...
        const std::string what = e.what();
        throw ModelError(path + ": cannot read the archive: " + what.substr(0, what.find('\n')));
    }

    const Ref& root = unpickled->root;
    if (root->kind != Value::Kind::Dict) {
        throw ModelError(path + ": expected a state dict (name -> tensor), found a " +
                         pickle::kindName(root->kind));
    }
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& [key, value] : root->pairs) {
        if (key->kind != Value::Kind::String) {
            throw ModelError(path + ": a state dict key is a " +
                             std::string(pickle::kindName(key->kind)) + ", not a name");
        }
        if (value->kind != Value::Kind::Tensor) {
            throw ModelError(path + ": entry " + quote(key->text) + " is a " +
                             pickle::kindName(value->kind) +
                             ", not a tensor (a training checkpoint? save model.state_dict())");
        }
        tensors.emplace_back(key->text, value->tensor);
    }
    return tensors;
}

} // namespace issuebert
