#!/usr/bin/env python3
"""Converts a PyTorch checkpoint (pytorch_model.bin) to model.safetensors, the
only weight format nlammr reads. Needs torch and safetensors.

    python3 tools/convert_bin_to_safetensors.py MODEL_DIR
        reads MODEL_DIR/pytorch_model.bin, writes MODEL_DIR/model.safetensors
    python3 tools/convert_bin_to_safetensors.py INPUT.bin OUTPUT.safetensors

Tensor names, shapes and dtypes are kept as they are. Tensors that share
storage in the .bin file (tied weights) are written as separate copies, since
safetensors files cannot alias. The result is read back and compared.
"""

import sys
from pathlib import Path


def convert(source: Path, target: Path) -> int:
    import torch
    from safetensors.torch import load_file, save_file

    # weights_only: a .bin file is a pickle; refuse anything but tensors.
    state = torch.load(str(source), map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        sys.exit(f"{source}: expected a dictionary of tensors (a state_dict)")
    tensors = {name: t.detach().clone().contiguous() for name, t in state.items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(target), metadata={"format": "pt"})

    back = load_file(str(target))
    if back.keys() != tensors.keys() or any(not torch.equal(back[k], tensors[k]) for k in tensors):
        sys.exit(f"{target}: read-back differs from {source}")
    return len(tensors)


def main(argv):
    if len(argv) == 1 and Path(argv[0]).is_dir():
        source, target = Path(argv[0]) / "pytorch_model.bin", Path(argv[0]) / "model.safetensors"
    elif len(argv) == 2:
        source, target = Path(argv[0]), Path(argv[1])
    else:
        sys.exit(__doc__)
    if not source.is_file():
        sys.exit(f"{source}: no such file")
    count = convert(source, target)
    print(f"{target}: {count} tensors written")


if __name__ == "__main__":
    main(sys.argv[1:])
