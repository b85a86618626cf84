// The pickle machine: the opcodes torch.save emits (protocols 2 to 5) and the
// plain containers. Every read is bounds-checked; unknown opcodes are faults.
#include "core/model/pickle_reader.h"

#include "core/io/errors.h"

#include <cstdio>
#include <cstring>
#include <unordered_map>

namespace issuebert::pickle {

Ref make(Value::Kind kind) {
    auto value = std::make_shared<Value>();
    value->kind = kind;
    return value;
}

const char* kindName(Value::Kind kind) {
    static const char* const names[] = {"None", "bool", "int",    "float",   "str",   "tuple",
                                        "list", "dict", "global", "storage", "tensor"};
    return names[static_cast<int>(kind)];
}

const Value& expect(const Ref& value, Value::Kind kind, const std::string& role) {
    if (value->kind != kind) {
        throw Fault(role + " is a " + kindName(value->kind) + ", expected a " + kindName(kind));
    }
    return *value;
}

Unpickled::~Unpickled() {
    // Every value is held here, so clearing a container frees none of its items:
    // nothing is destroyed recursively, and cycles are broken.
    for (const auto& value : values) {
        value->items.clear();
        value->pairs.clear();
    }
}

namespace {

class Reader {
public:
    Reader(std::string_view data, const Hooks& hooks) : m_data(data), m_hooks(hooks) {}

    Ref run();
    std::size_t position() const { return m_pos; }
    // Every value made, for Unpickled; the reader is done with them after run().
    std::vector<Ref> takeValues() {
        m_stack.clear();
        m_memo.clear();
        return std::move(m_made.values);
    }

private:
    [[noreturn]] static void fail(const std::string& what) { throw Fault(what); }
    std::string_view take(std::size_t count) {
        if (count > m_data.size() - m_pos) {
            fail("the pickle ends early");
        }
        const auto bytes = m_data.substr(m_pos, count);
        m_pos += count;
        return bytes;
    }
    uint64_t readLittle(std::size_t count) {
        const auto bytes = take(count);
        uint64_t value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
        }
        return value;
    }
    std::string readLine() {
        const auto end = m_data.find('\n', m_pos);
        if (end == std::string_view::npos) {
            fail("the pickle ends early");
        }
        std::string line(m_data.substr(m_pos, end - m_pos));
        m_pos = end + 1;
        return line;
    }
    Ref pop() {
        if (m_stack.size() <= (m_marks.empty() ? 0 : m_marks.back())) {
            fail("the pickle pops an empty stack");
        }
        Ref value = std::move(m_stack.back());
        m_stack.pop_back();
        return value;
    }
    Ref& top() {
        if (m_stack.empty()) {
            fail("the pickle reads an empty stack");
        }
        return m_stack.back();
    }
    std::vector<Ref> popToMark() {
        if (m_marks.empty()) {
            fail("the pickle has no MARK to pop to");
        }
        std::vector<Ref> items(m_stack.begin() + static_cast<std::ptrdiff_t>(m_marks.back()),
                               m_stack.end());
        m_stack.resize(m_marks.back());
        m_marks.pop_back();
        return items;
    }
    // A container made here, or handed over by a hook, is kept in m_made (the
    // other values hold nothing, so they are freed as usual).
    Ref made(Ref value) {
        const auto kind = value->kind;
        if (kind == Value::Kind::Tuple || kind == Value::Kind::List || kind == Value::Kind::Dict) {
            m_made.values.push_back(value);
        }
        return value;
    }
    Ref create(Value::Kind kind) { return made(make(kind)); }
    void push(Ref value) { m_stack.push_back(std::move(value)); }
    void pushInt(int64_t value) {
        auto ref = create(Value::Kind::Int);
        ref->integer = value;
        push(std::move(ref));
    }
    void pushString(std::string_view text) {
        auto ref = create(Value::Kind::String);
        ref->text = text;
        push(std::move(ref));
    }
    void memoPut(uint64_t index) { m_memo[index] = top(); }
    void memoGet(uint64_t index) {
        const auto it = m_memo.find(index);
        if (it == m_memo.end()) {
            fail("memo entry " + std::to_string(index) + " is read before it is written");
        }
        push(it->second);
    }
    void appendTo(Ref& list, std::vector<Ref> items) {
        expect(list, Value::Kind::List, "APPEND's target");
        for (auto& item : items) {
            list->items.push_back(std::move(item));
        }
    }
    void setItems(Ref& dict, std::vector<Ref> flat) {
        expect(dict, Value::Kind::Dict, "SETITEM's target");
        if (flat.size() % 2 != 0) {
            fail("SETITEMS has a key without a value");
        }
        for (std::size_t i = 0; i < flat.size(); i += 2) {
            dict->pairs.emplace_back(std::move(flat[i]), std::move(flat[i + 1]));
        }
    }
    void checkGlobalName(const std::string& text) {
        if (text.size() > kMaxGlobalName) {
            fail("a module or class name of " + std::to_string(text.size()) + " bytes");
        }
        m_globalBytes += text.size();
        if (m_globalBytes > kMaxGlobalBytes) {
            fail("its module and class names hold more than " + std::to_string(kMaxGlobalBytes) +
                 " bytes together");
        }
    }
    Ref call(const Ref& callable, Ref args) {
        if (callable->kind != Value::Kind::Global) {
            fail(std::string("cannot call a ") + kindName(callable->kind));
        }
        return made(m_hooks.call(callable->text, args));
    }

    std::string_view m_data;
    std::size_t m_pos = 0;
    const Hooks& m_hooks;
    std::vector<Ref> m_stack;
    std::vector<std::size_t> m_marks; // stack sizes at each MARK
    std::unordered_map<uint64_t, Ref> m_memo;
    std::size_t m_globalBytes = 0; // the names checkGlobalName has counted
    Unpickled m_made;              // its destructor takes the values apart if run() throws
};

Ref Reader::run() {
    for (std::size_t executed = 0;; ++executed) {
        if (executed == kMaxPickleOpcodes) {
            fail("the pickle runs more than " + std::to_string(kMaxPickleOpcodes) +
                 " opcodes, far more than a state dict needs");
        }
        const auto opcode = static_cast<unsigned char>(take(1)[0]);
        switch (opcode) {
        case 0x80: // PROTO
            if (const auto version = readLittle(1); version < 2 || version > 5) {
                fail("pickle protocol " + std::to_string(version) + " is not supported");
            }
            break;
        case 0x95: // FRAME: a length hint only
            readLittle(8);
            break;
        case '.': // STOP
            return pop();
        case '(': // MARK
            m_marks.push_back(m_stack.size());
            break;
        case '0': // POP
            pop();
            break;
        case '1': // POP_MARK
            popToMark();
            break;
        case '2': // DUP
            push(top());
            break;
        case 'N':
            push(create(Value::Kind::None));
            break;
        case 0x88: // NEWTRUE
        case 0x89: // NEWFALSE
        {
            auto value = create(Value::Kind::Bool);
            value->integer = opcode == 0x88;
            push(std::move(value));
            break;
        }
        case 'K': // BININT1
            pushInt(static_cast<int64_t>(readLittle(1)));
            break;
        case 'M': // BININT2
            pushInt(static_cast<int64_t>(readLittle(2)));
            break;
        case 'J': // BININT: signed 32 bits
            pushInt(static_cast<int32_t>(static_cast<uint32_t>(readLittle(4))));
            break;
        case 0x8a: // LONG1: little-endian two's complement of n bytes
        {
            const auto count = readLittle(1);
            if (count > 8) {
                fail("an integer of " + std::to_string(count) + " bytes is too large");
            }
            uint64_t value = readLittle(count);
            if (count > 0 && count < 8 && (value >> (8 * count - 1)) != 0) {
                value |= ~uint64_t{0} << (8 * count); // sign-extend
            }
            pushInt(static_cast<int64_t>(value));
            break;
        }
        case 'G': // BINFLOAT: big-endian double
        {
            const auto bytes = take(8);
            uint64_t bits = 0;
            for (char c : bytes) {
                bits = (bits << 8) | static_cast<unsigned char>(c);
            }
            auto value = create(Value::Kind::Float);
            std::memcpy(&value->real, &bits, sizeof bits);
            push(std::move(value));
            break;
        }
        case 'X': // BINUNICODE
        case 'T': // BINSTRING
        case 'B': // BINBYTES
            pushString(take(readLittle(4)));
            break;
        case 0x8c: // SHORT_BINUNICODE
        case 'U':  // SHORT_BINSTRING
        case 'C':  // SHORT_BINBYTES
            pushString(take(readLittle(1)));
            break;
        case 0x8d: // BINUNICODE8
        case 0x8e: // BINBYTES8
            pushString(take(readLittle(8)));
            break;
        case ')': // EMPTY_TUPLE
            push(create(Value::Kind::Tuple));
            break;
        case 't': // TUPLE
        {
            auto tuple = create(Value::Kind::Tuple);
            tuple->items = popToMark();
            push(std::move(tuple));
            break;
        }
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: // TUPLE3
        {
            auto tuple = create(Value::Kind::Tuple);
            tuple->items.resize(opcode - 0x84);
            for (auto it = tuple->items.rbegin(); it != tuple->items.rend(); ++it) {
                *it = pop();
            }
            push(std::move(tuple));
            break;
        }
        case ']': // EMPTY_LIST
            push(create(Value::Kind::List));
            break;
        case 'l': // LIST
        {
            auto list = create(Value::Kind::List);
            list->items = popToMark();
            push(std::move(list));
            break;
        }
        case 'a': // APPEND
        {
            auto item = pop();
            appendTo(top(), {std::move(item)});
            break;
        }
        case 'e': // APPENDS
        {
            auto items = popToMark();
            appendTo(top(), std::move(items));
            break;
        }
        case '}': // EMPTY_DICT
            push(create(Value::Kind::Dict));
            break;
        case 'd': // DICT
        {
            auto dict = create(Value::Kind::Dict);
            setItems(dict, popToMark());
            push(std::move(dict));
            break;
        }
        case 's': // SETITEM
        {
            auto value = pop();
            auto key = pop();
            setItems(top(), {std::move(key), std::move(value)});
            break;
        }
        case 'u': // SETITEMS
        {
            auto flat = popToMark();
            setItems(top(), std::move(flat));
            break;
        }
        case 'c': // GLOBAL
        {
            auto global = create(Value::Kind::Global);
            global->text = readLine();
            global->text += "." + readLine();
            checkGlobalName(global->text);
            push(std::move(global));
            break;
        }
        case 0x93: // STACK_GLOBAL
        {
            auto name = pop();
            auto module = pop();
            const auto& moduleText =
                expect(module, Value::Kind::String, "STACK_GLOBAL's module").text;
            const auto& nameText = expect(name, Value::Kind::String, "STACK_GLOBAL's name").text;
            checkGlobalName(moduleText);
            checkGlobalName(nameText);
            auto global = create(Value::Kind::Global);
            global->text = moduleText + "." + nameText;
            push(std::move(global));
            break;
        }
        case 'q': // BINPUT
            memoPut(readLittle(1));
            break;
        case 'r': // LONG_BINPUT
            memoPut(readLittle(4));
            break;
        case 0x94: // MEMOIZE
            memoPut(m_memo.size());
            break;
        case 'h': // BINGET
            memoGet(readLittle(1));
            break;
        case 'j': // LONG_BINGET
            memoGet(readLittle(4));
            break;
        case 'Q': // BINPERSID
            push(made(m_hooks.persistentLoad(pop())));
            break;
        case 'R': // REDUCE
        {
            auto args = pop();
            auto callable = pop();
            push(call(callable, std::move(args)));
            break;
        }
        case 0x81: // NEWOBJ: cls.__new__(cls, *args), a class instance
        {
            pop();
            const auto cls = pop();
            push(call(cls, nullptr));
            break;
        }
        case 'b': // BUILD: object state; a state dict's _metadata, a tensor's extras
        {
            pop();
            const auto kind = top()->kind;
            if (kind != Value::Kind::Dict && kind != Value::Kind::Tensor) {
                fail(std::string("cannot set the state of a ") + kindName(kind));
            }
            break;
        }
        default:
            fail("unsupported pickle opcode 0x" + [&] {
                char hex[3];
                std::snprintf(hex, sizeof hex, "%02x", opcode);
                return std::string(hex);
            }() + " (the pickle holds more than plain data and tensors)");
        }
    }
}

} // namespace

Unpickled readPickle(std::string_view data, const std::string& where, const Hooks& hooks) {
    Reader reader(data, hooks);
    try {
        Unpickled result;
        result.root = reader.run();
        result.values = reader.takeValues();
        return result;
    } catch (const Fault& fault) {
        throw ModelError(where + ": data.pkl at byte " + std::to_string(reader.position()) + ": " +
                         fault.what());
    }
}

} // namespace issuebert::pickle
