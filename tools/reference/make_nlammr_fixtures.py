#!/usr/bin/env python3
"""Reference values for nlammr's NLA-MMR model (models/nlammr), from its
plain-PyTorch twin in nlammr_reference.py.

    python3 tools/reference/make_nlammr_fixtures.py   # writes tests/fixtures/nlammr/

Requires torch, safetensors and RDKit. Writes:

  parity_cohort.bundle      a small cohort (docs/data.md's format) as one
                            bundle file (tests/fixture_bundle.h):
                            12 patients with 1 to 4 visits, 6 medication
                            classes with real SMILES (one class with three
                            molecules, one whose only SMILES RDKit and nlammr
                            reject, so its GIN vector is 0)
  parity.json               the configurations (nlammr's NlammrConfig JSON and
                            the optimizer settings), the visit batches, and
                            how far PyTorch's own float32 run is from float64
  parity_inputs.safetensors the PLM vectors: full [V, d], parts [V, 3, d],
                            medications [V, d], classes [M, d] (random normal
                            values rounded to float32)
  parity_<name>_weights.safetensors    the initial state dict (float32
                            values; keys exactly nlammr's state_dict names)
  parity_<name>_reference.safetensors  float64 results:
      eval.scores                 scores of the eval batch, evaluation mode
      step1.loss.<term>           loss terms of the first training step
      step1.grad.<parameter>      gradients of that step (training mode, dropout 0)
      step1.state.<buffer>        running statistics after its forward
      step1.param.<parameter>     parameters after its Adam update
      step2.loss.total, step2.param.<parameter>   the same after a second step

For each configuration the script draws weights with a fixed seed, gives
batch norms, GIN eps and running statistics random values (the defaults
weight 1, bias 0, eps 0 would hide a swapped or missing term), rounds every
weight to float32 so that float32 and float64 runs start from the same
numbers, and computes the reference in float64. Weight decay is large
(0.05) so that the L2 term is visible in the update: it also keeps the
gradients that are zero in exact arithmetic (biases right before a
training-mode batch norm) away from zero, where float32 rounding would flip
Adam's first-step sign.
"""
import json
import os
import sys

import torch
from rdkit import RDLogger
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gin_reference import batch_from_graphs, randomize_gin  # noqa: E402
from make_ogb_features import graph_record  # noqa: E402
from nlammr_reference import NlammrConfig, NlammrModel, VisitBank, nlammr_loss  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "..", "tests", "fixtures", "nlammr")
COHORT_BUNDLE = os.path.join(FIXTURES, "parity_cohort.bundle")

TEXT_DIM = 16

DIAGNOSES = [("4019", "Hypertension NOS"), ("25000", "Diabetes mellitus"), ("4280", "CHF NOS"),
             ("5849", "Acute kidney failure NOS"), ("486", "Pneumonia, organism NOS"),
             ("2724", "Hyperlipidemia NEC/NOS"), ("42731", "Atrial fibrillation")]
PROCEDURES = [("3893", "Venous cath NEC"), ("9604", "Insert endotracheal tube"), ("8872", "Dx ultrasound-heart")]
MEDICATIONS = [
    ("C09A", ["CCCCC1=NC2(CCCC2)C(=O)N1"]),
    ("A10B", ["CN(C)C(=N)N=C(N)N", "CCCCNC(=O)NS(=O)(=O)c1ccc(C)cc1",
              "Cc1cnc(C(=O)NCCc2ccc(S(=O)(=O)NC(=O)NC3CCCCC3)cc2)cn1"]),
    ("C03C", ["NS(=O)(=O)c1cc(C(=O)O)c(NCc2ccco2)cc1Cl"]),
    ("B05C", ["C(C)(C)(C)(C)C"]),  # pentavalent carbon: rejected, the class has no graph
    ("J01D", ["CC1(C)SC2C(NC(=O)Cc3ccccc3)C(=O)N2C1C(=O)O"]),
    ("N02B", ["CC(=O)Nc1ccc(O)cc1", "OC(=O)c1ccccc1OC(C)=O"]),
]
DDI_PAIRS = [("C09A", "C03C"), ("A10B", "N02B"), ("J01D", "C09A")]

# Visit batches by global visit id (the cohort's visits in order): first
# visits (no history), visits with one, two and three earlier visits.
EVAL_BATCH = [0, 2, 5, 7, 9, 14, 19, 27]
TRAIN_BATCHES = [[2, 4, 5, 8, 12, 16, 23], [0, 7, 10, 11, 14, 19, 25, 29]]

CONFIGS = {
    # NLA-MMR as published: the two-term loss, history and molecules.
    "published": dict(model=dict(max_visit_num=2), seed=20240601),
    # Every optional term: InfoNCE, DDI penalty, a longer history.
    "extended": dict(model=dict(max_visit_num=3, contrastive_weight=0.5, contrastive_temperature=0.7,
                                ddi_weight=0.3), seed=20240602),
    # Both ablations at once: no molecules, no history.
    "ablation": dict(model=dict(use_molecules=False, use_history=False), seed=20240603),
}
COMMON_MODEL = dict(text_dim=TEXT_DIM, latent_dim=12, gnn_dim=8, gnn_layers=3, dropout=0.0, gnn_dropout=0.0)
TRAIN = dict(lr=5e-3, lr_scale=0.5, weight_decay=0.05)


def make_cohort():
    """12 patients, visit counts cycling 1..4; codes by simple arithmetic so
    that visits differ; each visit's medications follow its diagnoses."""
    patients = []
    for p in range(12):
        visits = []
        for v in range(1 + p % 4):
            dx = sorted({(p + 2 * v) % 7, (3 * p + v + 1) % 7, (p * v + 5) % 7})
            px = sorted({p % 3, (p + v) % 3})
            meds = sorted({d % 6 for d in dx} | {(p + v) % 6})
            visits.append({"diagnoses": [DIAGNOSES[d][0] for d in dx],
                           "procedures": [PROCEDURES[i][0] for i in px],
                           "medications": [MEDICATIONS[m][0] for m in meds]})
        patients.append({"patient": p, "visits": visits})
    return patients


def write_cohort(patients):
    """The cohort as one bundle file (tests/fixture_bundle.h unpacks it into
    the directory layout of docs/data.md)."""
    files = [
        ("cohort.jsonl", "".join(json.dumps(p) + "\n" for p in patients)),
        ("diagnoses.tsv", "code\tshort_title\tlong_title\n" + "".join(f"{c}\t{t}\t{t}\n" for c, t in DIAGNOSES)),
        ("procedures.tsv", "code\tshort_title\tlong_title\n" + "".join(f"{c}\t{t}\t{t}\n" for c, t in PROCEDURES)),
        ("medications.tsv", "atc3\tsmiles\n" + "".join(f"{c}\t{'|'.join(s)}\n" for c, s in MEDICATIONS)),
        ("ddi.tsv", "atc3_a\tatc3_b\n" + "".join(f"{a}\t{b}\n" for a, b in DDI_PAIRS)),
        # Fixed index orders, so that index m means the same class on both sides.
        ("diagnoses.vocab", "".join(c + "\n" for c, _ in DIAGNOSES)),
        ("procedures.vocab", "".join(c + "\n" for c, _ in PROCEDURES)),
        ("medications.vocab", "".join(c + "\n" for c, _ in MEDICATIONS)),
    ]
    with open(COHORT_BUNDLE, "w", encoding="utf-8") as f:
        f.write("# The parity test's cohort, written by tools/reference/make_nlammr_fixtures.py:\n"
                "# invented patients; real ICD-9 codes, ATC3 classes and SMILES as public facts.\n")
        for name, text in files:
            f.write(f"@@ file {name}\n{text}")


def class_graphs():
    """Every class's valid molecules as one gin_reference batch, and the
    class offsets over the graphs."""
    RDLogger.DisableLog("rdApp.*")  # the rejected SMILES is expected
    graphs, offsets = [], [0]
    for _, smiles in MEDICATIONS:
        for s in smiles:
            record = graph_record(s)
            if "error" not in record:
                graphs.append(record)
        offsets.append(len(graphs))
    return graphs, offsets


def make_bank(patients, graphs, offsets, dtype):
    g = torch.Generator().manual_seed(20240600)
    visits = sum(len(p["visits"]) for p in patients)

    def vectors(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64).float()

    inputs = {"full": vectors(visits, TEXT_DIM), "parts": vectors(visits, 3, TEXT_DIM),
              "medications": vectors(visits, TEXT_DIM), "classes": vectors(len(MEDICATIONS), TEXT_DIM)}
    med_index = {c: m for m, (c, _) in enumerate(MEDICATIONS)}
    targets = [[med_index[c] for c in v["medications"]] for p in patients for v in p["visits"]]
    ddi = torch.zeros(len(MEDICATIONS), len(MEDICATIONS))
    for a, b in DDI_PAIRS:
        ddi[med_index[a], med_index[b]] = ddi[med_index[b], med_index[a]] = 1.0
    bank = VisitBank(*(inputs[k].to(dtype) for k in ("full", "parts", "medications", "classes")),
                     visit_counts=[len(p["visits"]) for p in patients], targets=targets,
                     graphs=batch_from_graphs(graphs), class_offsets=offsets, ddi=ddi.to(dtype))
    return inputs, bank


def run(model, bank, cfg):
    """Evaluation scores, then two training steps; every result as float64."""
    out = {}
    model.eval()
    with torch.no_grad():
        medications = model.medication_latent(bank.classes, bank.graphs, bank.projection)
        patients = model.patient_latent(*bank.gather(EVAL_BATCH, cfg.max_visit_num))
        out["eval.scores"] = NlammrModel.scores(patients, medications)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=TRAIN["lr"] * TRAIN["lr_scale"],
                                 weight_decay=TRAIN["weight_decay"])
    for step, ids in enumerate(TRAIN_BATCHES, start=1):
        medications = model.medication_latent(bank.classes, bank.graphs, bank.projection)
        patients = model.patient_latent(*bank.gather(ids, cfg.max_visit_num))
        total, terms = nlammr_loss(NlammrModel.scores(patients, medications), [bank.targets[i] for i in ids],
                                   cfg, bank.ddi)
        optimizer.zero_grad()
        total.backward()
        out[f"step{step}.loss.total"] = total.detach()
        if step == 1:
            out.update({f"step1.loss.{k}": v for k, v in terms.items()})
            out.update({f"step1.grad.{k}": p.grad.detach().clone() for k, p in model.named_parameters()})
            out.update({f"step1.state.{k}": b.detach().clone() for k, b in model.named_buffers()})
        optimizer.step()
        out.update({f"step{step}.param.{k}": p.detach().clone() for k, p in model.named_parameters()})
    return {k: v.double() if v.is_floating_point() else v for k, v in out.items()}


def scaled_error(a, b):
    """max |a - b| / max(1, max |b|): the C++ test's rule."""
    return float((a.double() - b.double()).abs().max() / max(1.0, float(b.double().abs().max())))


def make(name, spec, bank64, bank32):
    cfg = NlammrConfig(**{**COMMON_MODEL, **spec["model"]})
    torch.manual_seed(spec["seed"])
    model = NlammrModel(cfg).double()
    randomize_gin(model, torch.Generator().manual_seed(spec["seed"] + 1), batches_tracked=3)
    initial = {k: v.detach().clone() for k, v in model.state_dict().items()}
    weights = {k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in initial.items()}
    reference = run(model, bank64, cfg)

    # PyTorch's own float32 run from the same weights, to show what float32 achieves.
    model32 = NlammrModel(cfg)
    model32.load_state_dict(initial)
    ours32 = run(model32, bank32, cfg)
    errors = {}
    for group in ("eval.scores", "step1.loss.total", "step1.grad.", "step1.param.", "step2.param."):
        keys = [k for k in reference if k.startswith(group)]
        errors[group.rstrip(".")] = f"{max(scaled_error(ours32[k], reference[k]) for k in keys):.2e}"

    save_file(weights, os.path.join(FIXTURES, f"parity_{name}_weights.safetensors"))
    save_file({k: v.contiguous() for k, v in reference.items()},
              os.path.join(FIXTURES, f"parity_{name}_reference.safetensors"))
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, step-1 loss "
          f"{float(reference['step1.loss.total']):.6f}; torch float32 scaled errors {errors}")
    model_json = {**COMMON_MODEL, **spec["model"]}
    return {"model": model_json, "torch_float32_scaled_error": errors}


def main():
    torch.set_num_threads(1)
    os.makedirs(FIXTURES, exist_ok=True)
    patients = make_cohort()
    write_cohort(patients)
    graphs, offsets = class_graphs()
    inputs, bank64 = make_bank(patients, graphs, offsets, torch.float64)
    _, bank32 = make_bank(patients, graphs, offsets, torch.float32)
    save_file({k: v.contiguous() for k, v in inputs.items()}, os.path.join(FIXTURES, "parity_inputs.safetensors"))
    configs = {name: make(name, spec, bank64, bank32) for name, spec in CONFIGS.items()}
    manifest = {
        "train": TRAIN,
        "eval_batch": EVAL_BATCH,
        "train_batches": TRAIN_BATCHES,
        "graph_num_nodes": [g["num_nodes"] for g in graphs],
        "configs": configs,
        "torch_version": torch.__version__,
    }
    with open(os.path.join(FIXTURES, "parity.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    visits = sum(len(p["visits"]) for p in patients)
    print(f"cohort: {len(patients)} patients, {visits} visits, {len(graphs)} molecules "
          f"({sum(g['num_nodes'] for g in graphs)} atoms) in {len(MEDICATIONS)} classes")


if __name__ == "__main__":
    main()
