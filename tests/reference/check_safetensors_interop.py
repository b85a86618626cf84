#!/usr/bin/env python3
"""Safetensors interop between Python and IssueBERT's C++ reader and writer.

1. Writes tests/fixtures/safetensors/python_written.safetensors with Python's
   safetensors (every dtype IssueBERT reads, odd shapes, special float values,
   metadata) and python_written.json with the exact bits of every tensor, which
   tests/core/test_safetensors.cpp compares against.
2. Runs the C++ test binary, which re-saves those tensors with IssueBERT's writer
   into the path given by ISSUEBERT_INTEROP_OUT, copies that file to
   tests/fixtures/safetensors/cpp_written.safetensors, reads it back with
   Python's safetensors and records the verdict in cpp_written_check.json.
   The C++ test demands that its writer still produces exactly that file, so the
   recorded verdict stays true for the committed code.

    /opt/ib-ref-venv/bin/python tests/reference/check_safetensors_interop.py BUILD_DIR
(BUILD_DIR holds tests/core_test_safetensors_interop; without it only step 1 runs.)
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import safetensors
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "safetensors"
METADATA = {"format": "pt", "producer": "check_safetensors_interop.py", "note": "naïve ✓ \"quoted\""}

# The unsigned view that gives a dtype's raw bits.
BITS = {torch.float64: torch.int64, torch.float32: torch.int32, torch.float16: torch.int16,
        torch.bfloat16: torch.int16}
ST_NAMES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
            torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
            torch.uint8: "U8", torch.bool: "BOOL"}


def tensors():
    gen = torch.Generator().manual_seed(3)
    special = torch.tensor([float("nan"), float("inf"), float("-inf"), -0.0, 1e-45, 3.4e38, 1.0])
    return {
        "encoder.weight": torch.randn(3, 4, generator=gen),
        "special.f32": special,
        "special.f16": special.half(),
        "special.bf16": special.bfloat16(),
        "half": torch.randn(2, 3, 4, generator=gen).half(),
        "brain": torch.randn(5, generator=gen).bfloat16(),
        "double": torch.randn(3, generator=gen, dtype=torch.float64),
        "ids": torch.tensor([-(2**63), -1, 0, 1, 2**63 - 1], dtype=torch.int64),
        "i32": torch.tensor([-(2**31), 7, 2**31 - 1], dtype=torch.int32),
        "i16": torch.tensor([[-32768, 5], [6, 32767]], dtype=torch.int16),
        "i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 4),
    }


def describe(t):
    entry = {"dtype": ST_NAMES[t.dtype], "shape": list(t.shape)}
    flat = t.reshape(-1)
    if t.dtype in BITS:
        raw = flat.view(BITS[t.dtype]).tolist()
        width = t.element_size() * 8
        entry["bits"] = [v % (1 << width) for v in raw]  # unsigned
        if t.dtype != torch.float32:
            entry["float32_bits"] = [v % (1 << 32) for v in flat.float().view(torch.int32).tolist()]
    else:
        entry["values"] = [int(v) for v in flat.tolist()]
    return entry


def dump(record):
    """JSON with one line per tensor: short to read, short to diff."""
    lines = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                        for k, v in record["tensors"].items())
    head = {k: v for k, v in record.items() if k != "tensors"}
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "tensors": {\n' + lines + "\n}}\n"


def write_python_fixture():
    data = tensors()
    save_file(data, OUT / "python_written.safetensors", metadata=METADATA)
    os.chmod(OUT / "python_written.safetensors", 0o644)  # safetensors writes 0600
    record = {"safetensors": safetensors.__version__, "torch": torch.__version__,
              "metadata": METADATA, "tensors": {name: describe(t) for name, t in data.items()}}
    (OUT / "python_written.json").write_text(dump(record))


def same(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype in BITS:
        return torch.equal(a.view(BITS[a.dtype]), b.view(BITS[b.dtype]))  # NaN-safe
    return torch.equal(a, b)


def check_cpp_file(build_dir):
    binary = pathlib.Path(build_dir) / "tests" / "core_test_safetensors_interop"
    with tempfile.TemporaryDirectory() as tmp:
        written = pathlib.Path(tmp) / "cpp_written.safetensors"
        env = dict(os.environ, ISSUEBERT_INTEROP_OUT=str(written))
        subprocess.run([str(binary), "lays out"], env=env, check=True)
        (OUT / "cpp_written.safetensors").write_bytes(written.read_bytes())
    path = OUT / "cpp_written.safetensors"
    expected = tensors()
    loaded = load_file(path)
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata()
    mismatched = sorted(n for n in expected if n not in loaded or not same(loaded[n], expected[n]))
    verdict = {
        "safetensors": safetensors.__version__,
        "torch": torch.__version__,
        "read_by_python": True,
        "tensor_count": len(loaded),
        "tensors_equal_bitwise": not mismatched and len(loaded) == len(expected),
        "mismatched": mismatched,
        "metadata_equal": metadata == METADATA,
        "same_tensor_order_as_python": list(loaded) == list(load_file(OUT / "python_written.safetensors")),
    }
    verdict["ok"] = (verdict["tensors_equal_bitwise"] and verdict["metadata_equal"]
                     and verdict["same_tensor_order_as_python"])
    (OUT / "cpp_written_check.json").write_text(json.dumps(verdict, indent=1) + "\n")
    print(json.dumps(verdict, indent=1))
    return verdict["ok"]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    write_python_fixture()
    if len(sys.argv) > 1 and not check_cpp_file(sys.argv[1]):
        sys.exit(1)
