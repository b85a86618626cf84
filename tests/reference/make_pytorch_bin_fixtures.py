#!/usr/bin/env python3
"""Writes tests/fixtures/pytorch_bin/: small torch.save files that IssueBERT's
pytorch_model.bin reader must read (a module's state_dict() with its _metadata,
a one-entry dict, views and shared storages, every dtype, pickle protocol 4)
or reject with a clear message (the legacy format, a list, a training
checkpoint, a whole module), and expected.json with the exact bits of every
tensor, for tests/core/test_safetensors.cpp.

    /opt/ib-ref-venv/bin/python tests/reference/make_pytorch_bin_fixtures.py
"""
import json
import pathlib

import torch

from check_safetensors_interop import describe

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "pytorch_bin"


def module():
    torch.manual_seed(5)
    net = torch.nn.Sequential(torch.nn.Embedding(5, 3), torch.nn.LayerNorm(3), torch.nn.Linear(3, 2))
    net.register_buffer("position_ids", torch.arange(4).unsqueeze(0))
    return net


def mixed():
    gen = torch.Generator().manual_seed(7)
    base = torch.randn(4, 6, generator=gen)
    return {
        "base": base,
        "transposed": base.t(),            # a strided view of the same storage
        "row_slice": base[1:3, 2:5],       # part of the same storage
        "half": torch.randn(3, 2, generator=gen).half(),
        "brain": torch.randn(2, 2, generator=gen).bfloat16(),
        "double": torch.randn(3, generator=gen, dtype=torch.float64),
        "ids": torch.tensor([-(2**63), -1, 0, 2**63 - 1]),
        "i32": torch.tensor([-(2**31), 2**31 - 1], dtype=torch.int32),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    readable = {
        "state_dict.bin": module().state_dict(),
        "mixed.bin": mixed(),
        "single.bin": {"only": torch.arange(6, dtype=torch.float32).reshape(2, 3)},
    }
    for name, data in readable.items():
        torch.save(data, OUT / name)
    torch.save(mixed(), OUT / "protocol4.bin", pickle_protocol=4)
    readable["protocol4.bin"] = mixed()
    expected = {name: {key: describe(t.contiguous()) for key, t in data.items()}
                for name, data in readable.items()}

    torch.save({"weight": torch.zeros(2)}, OUT / "legacy.bin", _use_new_zipfile_serialization=False)
    torch.save([torch.zeros(2)], OUT / "list.bin")
    torch.save({"epoch": 3, "model": {"weight": torch.zeros(2)}}, OUT / "training_checkpoint.bin")
    torch.save(torch.nn.Linear(2, 2), OUT / "whole_module.bin")

    lines = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in expected.items())
    (OUT / "expected.json").write_text(
        json.dumps({"torch": torch.__version__})[:-1] + ', "files": {\n' + lines + "\n}}\n")


if __name__ == "__main__":
    main()
