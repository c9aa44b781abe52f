#!/usr/bin/env python3
"""Reference molecular graphs: RDKit + OGB's feature encoding, as JSON lines.

For every SMILES of the input this writes one JSON object per line, in the
layout of OGB's smiles2graph:

  {"smiles": s, "num_nodes": n, "node_feat": [[9 ints] x n],
   "edge_index": [[sources], [destinations]], "edge_feat": [[3 ints] x edges]}

A SMILES that RDKit rejects gives {"smiles": s, "error": message} instead, so
that a comparison can check that the other side rejects it too.

Input: one SMILES per line (blank lines and lines starting with '#' are
skipped), or the medication table layout "atc3<TAB>smiles|smiles|..." whose
first line "atc3<TAB>smiles" is a header.

The feature encodings follow OGB (ogb.utils.features): each feature is the
position of the RDKit value in a fixed list of allowed values, and a value
missing from the list takes the list's last slot ("misc"). The lists below
are those of OGB; the encoding code is written here so that the script needs
only RDKit.

Usage: make_ogb_features.py INPUT OUTPUT.jsonl
"""
import json
import sys

from rdkit import Chem, RDLogger, rdBase

ATOM_LISTS = [
    list(range(1, 119)) + ["misc"],                                   # atomic number
    ["CHI_UNSPECIFIED", "CHI_TETRAHEDRAL_CW", "CHI_TETRAHEDRAL_CCW",
     "CHI_OTHER", "misc"],                                            # chirality tag
    list(range(0, 11)) + ["misc"],                                    # total degree
    list(range(-5, 6)) + ["misc"],                                    # formal charge
    list(range(0, 9)) + ["misc"],                                     # total Hs
    list(range(0, 5)) + ["misc"],                                     # radical electrons
    ["SP", "SP2", "SP3", "SP3D", "SP3D2", "misc"],                    # hybridization
    [False, True],                                                    # aromatic
    [False, True],                                                    # in a ring
]
BOND_LISTS = [
    ["SINGLE", "DOUBLE", "TRIPLE", "AROMATIC", "misc"],               # bond type
    ["STEREONONE", "STEREOZ", "STEREOE", "STEREOCIS", "STEREOTRANS",
     "STEREOANY"],                                                    # bond stereo
    [False, True],                                                    # conjugated
]


def position(values, value):
    """Index of value in values; unknown values go to the last ("misc") slot."""
    return values.index(value) if value in values else len(values) - 1


def atom_features(atom):
    raw = [atom.GetAtomicNum(), str(atom.GetChiralTag()), atom.GetTotalDegree(),
           atom.GetFormalCharge(), atom.GetTotalNumHs(), atom.GetNumRadicalElectrons(),
           str(atom.GetHybridization()), atom.GetIsAromatic(), atom.IsInRing()]
    return [position(values, value) for values, value in zip(ATOM_LISTS, raw)]


def bond_features(bond):
    raw = [str(bond.GetBondType()), str(bond.GetStereo()), bond.GetIsConjugated()]
    return [position(values, value) for values, value in zip(BOND_LISTS, raw)]


def rejection_reason(smiles):
    """Why RDKit rejects a SMILES: a parse error, or the sanitization error."""
    mol = Chem.MolFromSmiles(smiles, sanitize=False)
    if mol is None:
        return "SMILES parse error"
    try:
        Chem.SanitizeMol(mol)
    except Exception as e:  # RDKit raises its own exception types
        return str(e)
    return "rejected by RDKit"


def graph_record(smiles):
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return {"smiles": smiles, "error": rejection_reason(smiles)}
    src, dst, edge_feat = [], [], []
    for bond in mol.GetBonds():
        u, v = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        feat = bond_features(bond)
        src += [u, v]
        dst += [v, u]
        edge_feat += [feat, feat]
    return {"smiles": smiles, "num_nodes": mol.GetNumAtoms(),
            "node_feat": [atom_features(a) for a in mol.GetAtoms()],
            "edge_index": [src, dst], "edge_feat": edge_feat}


def read_smiles(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        if "\t" in line:
            fields = line.split("\t")
            if len(fields) != 2:
                sys.exit(f"{path}:{number}: expected two tab-separated fields")
            if number == 1 and fields == ["atc3", "smiles"]:
                continue
            out += fields[1].split("|")
        else:
            if " " in line.strip():
                sys.exit(f"{path}:{number}: a SMILES line must hold one SMILES and nothing else")
            out.append(line.strip())
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    RDLogger.DisableLog("rdApp.*")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for smiles in read_smiles(sys.argv[1]):
            out.write(json.dumps(graph_record(smiles), separators=(",", ":")) + "\n")
    print(f"RDKit {rdBase.rdkitVersion}: wrote {sys.argv[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
