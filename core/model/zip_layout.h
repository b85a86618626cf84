// The layout of a torch.save zip archive, checked before LibTorch's reader touches
// it: that reader allocates what an entry's directory record declares before it
// reads a byte, so a hostile archive could ask for gigabytes it does not hold.
// Core-internal; LibTorch-free (fuzzed through tests/fuzz/fuzz_weights).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace issuebert {

// The central directory may hold at most this many bytes (a state dict of 100,000
// tensors needs about 10 MB).
constexpr uint64_t kMaxZipDirectoryBytes = 64ull << 20;

struct ZipEntry {
    std::string name;
    uint64_t dataOffset = 0; // where the entry's bytes start in the file
    uint64_t size = 0;       // stored uncompressed: what the reader will allocate
};

// The entries of the zip archive at path, each proven to lie whole inside the file:
// stored uncompressed (as torch.save writes them, so no entry inflates beyond what
// it declares), with equal declared and stored sizes, a local header where the
// directory says, and no two entries sharing bytes (so reading every entry once
// allocates at most the file's size). ZIP64 records are read where miniz reads
// them, and must agree with the 32-bit end record. ModelError "<path>: what is
// wrong" otherwise; IoError if the file cannot be read.
std::vector<ZipEntry> checkZipLayout(const std::string& path);
// The same over an open stream (path names it in messages): the caller then hands
// that stream to LibTorch's reader, so the file checked is the file read.
std::vector<ZipEntry> checkZipLayout(std::istream& in, const std::string& path);

} // namespace issuebert
