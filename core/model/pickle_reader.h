// A restricted pickle reader: Python's pickle format (protocols 2 to 5) read into
// plain values, with no Python code run. Globals stay names; what they may build
// is up to the caller's hooks (pytorch_bin.cpp lets them build tensors). Core-internal.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace issuebert::pickle {

// A value of the pickle machine. Only the fields of its kind are used.
struct Value {
    enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };
    Kind kind = Kind::None;
    int64_t integer = 0; // Bool, Int
    double real = 0;
    std::string text;                          // String; Global "module.name"
    std::vector<std::shared_ptr<Value>> items; // Tuple, List
    std::vector<std::pair<std::shared_ptr<Value>, std::shared_ptr<Value>>> pairs; // Dict, in order
    torch::Tensor tensor; // Tensor, Storage: for the hooks' use
};
using Ref = std::shared_ptr<Value>;

Ref make(Value::Kind kind);
const char* kindName(Value::Kind kind); // "dict", "tensor", ...

// What the hooks throw for content they refuse; readPickle adds where it happened.
class Fault : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// value, if it is of kind; a Fault naming role otherwise.
const Value& expect(const Ref& value, Value::Kind kind, const std::string& role);

struct Hooks {
    // BINPERSID: the object a persistent id stands for (torch: a storage).
    std::function<Ref(const Ref& id)> persistentLoad;
    // REDUCE: global(*args); NEWOBJ: an instance of global, with args null.
    std::function<Ref(const std::string& global, const Ref& args)> call;
};

// At most this many opcodes run: apart from the names below and copies of the
// pickle's own bytes, each allocates at most a few hundred bytes, so a hostile
// pickle cannot build gigabytes of values (a torch.save of a state dict runs
// about 25 per tensor).
constexpr std::size_t kMaxPickleOpcodes = 2'000'000;
// Module and class names longer than this are refused, and all the names a pickle
// builds may hold this many bytes together (STACK_GLOBAL joins two strings the
// memo can repeat, so the names are new text, not bytes of the pickle).
constexpr std::size_t kMaxGlobalName = 1024;
constexpr std::size_t kMaxGlobalBytes = 1 << 20;

// What readPickle built: the root value, and every container it made, so that they are
// taken apart without recursion (a list nested a million deep) and without leaks
// (a list that holds itself) when this object goes. Keep it while reading root.
class Unpickled {
public:
    Unpickled() = default;
    Unpickled(Unpickled&&) = default;
    Unpickled& operator=(Unpickled&&) = delete;
    Unpickled(const Unpickled&) = delete;
    Unpickled& operator=(const Unpickled&) = delete;
    ~Unpickled();

    Ref root;
    std::vector<Ref> values; // every container made, the hooks' included
};

// The pickle's value. ModelError "<where>: data.pkl at byte N: what" for a fault,
// an unsupported opcode, a truncated pickle or one over the limits above.
Unpickled readPickle(std::string_view data, const std::string& where, const Hooks& hooks);

} // namespace issuebert::pickle
