"""Texts for the BERT reference fixtures (see make_bert_fixtures.py).

Short clinical phrases written for these tests, plus inputs chosen to hit the
corners of BERT's text normalisation: unicode punctuation and spaces, control
characters, accents, Greek, CJK, emoji, very long words, truncation.
"""

# (category, text) pairs; every text is tokenised with the real vocabulary.
ICD9_DIAGNOSES = [
    "Acute on chronic systolic (congestive) heart failure",
    "428.23 Acute on chronic systolic heart failure",
    "Diabetes mellitus without mention of complication, type II or unspecified type, not stated as uncontrolled",
    "250.00",
    "(250.00) DM2",
    "Hypertensive chronic kidney disease, unspecified, with chronic kidney disease stage I through stage IV",
    "403.90 / 585.9",
    "Atrial fibrillation [427.31]",
    "Pneumonia, organism unspecified (486)",
    "V58.67 Long-term (current) use of insulin",
    "E878.8 Other specified surgical operations and procedures causing abnormal patient reaction",
    "Acute kidney failure, unspecified (584.9)",
    "Urinary tract infection, site not specified - 599.0",
    "Coronary atherosclerosis of native coronary artery 414.01",
    "Sepsis, unspecified organism; severe sepsis (995.92)",
    "Septic shock [785.52]",
    "Chronic airway obstruction, not elsewhere classified (496)",
    "Esophageal reflux 530.81",
    "Hyposmolality and/or hyponatremia (276.1)",
    "Anemia, unspecified 285.9",
    "Pure hypercholesterolemia 272.0",
    "Other and unspecified hyperlipidemia (272.4)",
    "Acute respiratory failure 518.81",
    "Subendocardial infarction, initial episode of care (410.71)",
    "Hypothyroidism NOS / 244.9",
    "Obstructive sleep apnea (adult)(pediatric) 327.23",
    "Chronic kidney disease, Stage III (moderate) 585.3",
    "Cardiac complications, not elsewhere classified (997.1)",
    "Do not resuscitate status V49.86",
    "Personal history of tobacco use, presenting hazards to health V15.82",
    "Alcohol withdrawal delirium 291.0",
    "Cirrhosis of liver without mention of alcohol (571.5)",
    "Thrombocytopenia, unspecified 287.5",
    "Acidosis 276.2; alkalosis 276.3",
    "Intracerebral hemorrhage (431)",
    "Paroxysmal ventricular tachycardia 427.1",
    "Malignant neoplasm of bronchus and lung, unspecified site 162.9",
    "Streptococcal septicemia 038.0 + Methicillin susceptible Staphylococcus aureus 041.11",
    "Iatrogenic hypotension 458.29",
    "Pressure ulcer, lower back (707.03), stage II (707.22)",
]

DRUGS = [
    "Metoprolol Tartrate 25 mg PO BID",
    "Heparin 5,000 units SC TID",
    "Insulin glargine 100 units/mL, 22 units qHS",
    "Acetaminophen 325-650 mg PO Q6H:PRN pain/fever",
    "Vancomycin 1 g IV q12h (trough 15-20 mcg/mL)",
    "Potassium Chloride 20 mEq / 100 mL SW",
    "Furosemide 40mg/4mL",
    "0.9% Sodium Chloride 1000 mL",
    "Albuterol 0.083% Neb Soln 1 NEB IH Q6H",
    "Docusate Sodium 100 mg Capsule",
    "Magnesium Sulfate 2 gm/50 mL",
    "warfarin 2.5mg daily, goal INR 2-3",
    "Amoxicillin-Clavulanic Acid 875-125 mg",
    "Piperacillin-Tazobactam 4.5 g IV q8h",
    "Dextrose 50% (D50W) 25 g",
    "Lidocaine 5% Patch 1 PTCH TD QAM",
    "Aspirin EC 81 mg",
    "Atorvastatin 80 mg PO QPM",
    "Pantoprazole 40 mg IV Q24H",
    "Ondansetron 4 mg IV Q8H:PRN nausea",
    "Morphine Sulfate 2-4 mg IV Q4H:PRN",
    "Norepinephrine 0.03-0.25 mcg/kg/min",
    "Propofol 10 mg/mL [Diprivan]",
    "Fentanyl Citrate 25 mcg/hr",
    "Senna 8.6 mg Tablet 1-2 TAB PO BID:PRN",
    "Multivitamins W/minerals 1 TAB PO DAILY",
    "Sodium Bicarbonate 650 mg x2",
    "Calcium Gluconate 1gm/50mL D5W",
    "Ipratropium-Albuterol (DuoNeb) 0.5-2.5 mg/3 mL",
    "Levothyroxine Sodium 75 mcg",
    "Hydralazine 10 mg IV Q6H PRN SBP>160",
    "Nitroglycerin SL 0.4 mg SL Q5MIN:PRN chest pain",
    "Prednisone 60 mg -> taper by 10 mg q3d",
    "Lorazepam 0.5-1 mg IV Q4H:PRN anxiety/CIWA>10",
    "Ceftriaxone 1 gm IV Q24H (day 1 = 3/12)",
    "Fluticasone Propionate 110mcg 2 PUFF IH BID",
    "Tamsulosin 0.4 mg PO QHS",
    "Cefazolin 2 g IV q8h x 24h post-op",
    "Epoetin Alfa 4,000 unit/mL",
    "Clopidogrel 75 mg (Plavix®)",
    "Zolpidem Tartrate 5 mg PO HS:PRN insomnia",
    "Sterile Water (for inj.) 10 mL vial",
]

NUMBERS_AND_SYMBOLS = [
    "BP 142/88 mmHg, HR 96, SpO2 94% on 2L NC",
    "Temp 38.5 C (101.3 F)",
    "Tmax 38.9°C",
    "INR 2.3, PTT 45.1, PT 24.6",
    "EF 35-40% with moderate MR",
    "Cr 1.2 -> 1.8 -> 2.4",
    "WBC 12.4 K/uL; Hgb 8.9 g/dL; Plt 98",
    "I/O: 1,250 mL in / 2,100 mL out",
    "lactate 3.5e-1 mmol/L",
    "Na 131 <135",
    "glucose >400",
    "pain 7/10 ~ improved to 3/10",
    "a&o x3, NAD",
    "s/p CABG x4 (LIMA->LAD)",
    "c/o SOB, r/o MI",
    "#1. CHF exacerbation #2. AKI",
    "@ 10:45pm pt found down",
    "cost $100 or ^TSH",
    "`code` | pipe | back\\slash",
    "under_score and hyphen-ated",
    "=== HOSPITAL COURSE ===",
    "**bold** __italic__",
    "{curly} <angle> [square] (round)",
    "q4-6h prn",
    "1/2 tab",
    "3+ pitting edema",
    "PERRLA, EOMI; RRR, no m/r/g",
    "K+ 5.9 (H)",
    "O2 sat 88%RA",
    "HbA1c 9.2% (goal <7%)",
    "10^9/L",
    "x10^3/uL",
    "12:00",
    "2150-03-04",
    "3.14159",
    "1,000,000",
    "-5",
    "+/-",
    "50-50",
    "A1C",
    "~10% risk, q4~6h",
    # every ASCII punctuation character between two letters
    "a!b\"c#d$e%f&g'h(i)j*k+l,m-n.o/p:q;r<s=t>u?v@w[x\\y]z^a_b`c{d|e}f~g",
]

DEID_PLACEHOLDERS = [
    "Admitted to [**Hospital1 18**] on [**2150-3-4**]",
    "Dr. [**Last Name (STitle) 1234**] was called",
    "Name: [**Known lastname **]  Unit No: [**Numeric Identifier 5678**]",
    "Discharge Date: [**2150-3-12**]",
    "Attending: [**First Name3 (LF) 99**]",
]

ACCENTS = [
    "Ménière's disease",
    "Sjögren syndrome",
    "Guillain–Barré syndrome",
    "Señor Núñez, 72 años",
    "Ångström",
    "naïve T cells",
    "café-au-lait spots",
    "Behçet's disease",
    "Crème de la crème",
    "Œdème pulmonaire",
    "Straße",
    "Ægir",
    "Łódź",
    "résumé RÉSUMÉ",
    "Ça va? Où êtes-vous?",
    "Ærøskøbing",
    "Dvořák, Škoda, Čech",
    "façade",
    "e\u0301cole (decomposed accent)",
    "A\u030angstrom (A + combining ring)",
    "a\u0308\u0301 stacked marks",
    "Déjà vu",
    "über-ähnlich Ö Ü Ä",
    "İstanbul",
    "ǅemal",
    "ﬁbrosis ﬂutter (ligatures)",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
]

GREEK = [
    "α-blocker",
    "β2-agonist",
    "μg/kg/min",
    "µg/kg/min (micro sign)",
    "TNF-α",
    "IL-1β",
    "Δ mental status",
    "γ-glutamyl transferase",
    "κ light chains",
    "Ω",
    "50 µL",
    "ΑΒΓΔΕ",
    "αβγδε",
    "β-hCG",
    "ΑΝΘΡΩΠΟΣ ΑΣ",
    "ΟΔΟΣ",
    "Σ total",
]

UNICODE_PUNCTUATION = [
    "Guillain\u2013Barr\u00e9 (en dash)",
    "pain\u2014sharp (em dash)",
    "\u201cno chest pain\u201d per patient",
    "\u2018mild\u2019 distress",
    "awaiting results\u2026",
    "\u2022 bullet one \u2022 bullet two",
    "middle\u00b7dot",
    "5\u2032 11\u2033",
    "\u00abquote\u00bb",
    "\u00bfQu\u00e9? \u00a1S\u00ed!",
    "\u00a7 4.2 \u00b6 3",
    "\u2020 deceased",
    "0.5\u2030",
    "\u2116 5",
    "Tylenol\u2122",
    "\u00a9 2020",
    "\u00b0F",
    "\u00b1 2 mm",
    "\u00d7 3 days",
    "\u2265 65 years, \u2264 18 years",
    "\u2192 improved",
    "\u00bd tab \u00bc tab",
    "m\u00b2 and cm\u00b3",
    "\u2010hyphen \u2011nb-hyphen \u2012figure-dash",
    "\u3001\u3002 CJK punctuation",
    "\u300c\u300d brackets",
    "\u301c wave dash",
    "\uff08fullwidth parens\uff09",
]

CJK_AND_OTHER_SCRIPTS = [
    "患者胸痛",
    "高血压 hypertension",
    "糖尿病 type 2",
    "aspirin阿司匹林",
    "日本語のテキスト",
    "カタカナ",
    "한국어 환자",
    "Русский текст",
    "مريض",
    "עברית",
    "हिन्दी",
    "ภาษาไทย",
    "\U00020000\U0002A6D6 extension B",
    "\u3400 extension A",
    "\uf900 compatibility ideograph",
]

EMOJI = [
    "\U0001F600",
    "pain \U0001F623 10/10",
    "\U0001F44D\U0001F3FD ok",
    "\u2764\ufe0f",
    "\U0001F468\u200d\U0001F469\u200d\U0001F467 family",
    "fever\U0001F912",
    "\u2705 done",
    "\u263a smile",
]

CONTROL_CHARACTERS = [
    "\x00",
    "a\x00b",
    "\x07bell",
    "\x1b[0m reset",
    "\ufeffBOM at start",
    "soft\u00adhyphen",
    "zero\u200bwidth space",
    "left\u200eto\u200fright marks",
    "del\x7fete",
    "next\x85line",
    "vertical\x0btab",
    "form\x0cfeed",
    "replacement \ufffd char",
    "private \ue000 use",
    "a\x01\x02\x03b",
    "x\x1cy\x1dz",
    "word\u2060joiner",
    "\u00ad\u200b\ufeff",
]

WHITESPACE = [
    "\t",
    "a\tb",
    "line1\nline2",
    "crlf\r\nline",
    "nbsp\u00a0here",
    "thin\u2009space",
    "ideographic\u3000space",
    "line\u2028separator",
    "para\u2029separator",
    "narrow\u202fnbsp",
    "  multiple   spaces  ",
    "\n\nleading and trailing newlines\n\n",
    "en\u2002em\u2003quad\u2000",
    "ogham\u1680space",
    "math\u205fspace",
]

EMPTY_LIKE = [
    "",
    " ",
    "\n\t \r",
    "\u00a0\u3000\u2009",
    "\x00\x00",
    "\u200b",
]

LONG_WORDS = [
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "a" * 99,
    "a" * 100,
    "a" * 101,
    "b" * 150 + " ok",
    "é" * 101,
    "e\u0301" * 60,
    "x" * 100 + "." + "y" * 100,
    "hydroxychloroquine" * 6,
    "antidisestablishmentarianism",
    "0123456789" * 11,
]

SPECIAL_TOKENS_IN_TEXT = [
    "[CLS]",
    "[SEP] between [SEP]",
    "[MASK] dose",
    "[cls] lowercase is not special",
    "[UNK]",
    "[PAD][PAD]",
    "x[MASK]y",
    "[unused1]",
    "[ MASK ]",
    "[SEP][CLS]",
]

CASE = [
    "CHF EXACERBATION",
    "MiXeD CaSe TeXt",
    "HIV/AIDS",
    "COVID-19 PCR (+)",
    "McDonald",
    "pH 7.32",
    "mRNA",
    "IgG4-related disease",
]

SENTENCES = [
    "Patient is a 67 y.o. male with h/o CAD, HTN, HLD who presents with chest pain.",
    "She was started on broad-spectrum antibiotics and transferred to the MICU for hypotension.",
    "No known drug allergies.",
    "Allergies: Penicillins / Sulfa (Sulfonamide Antibiotics)",
    "The patient tolerated the procedure well and was extubated on POD#1.",
    "Discharge condition: stable; ambulating with walker; alert and oriented.",
    "Chest x-ray showed bilateral pleural effusions, L>R, with mild pulmonary edema.",
    "Follow-up with PCP in 1-2 weeks; check BMP on Monday.",
    "Family history: mother with breast cancer (dx age 54), father with MI at 60.",
    "He denies fevers, chills, nausea, vomiting, diarrhea, or dysuria.",
    "ECG: sinus tachycardia @ 112 bpm, ST depressions in V4-V6.",
    "Transfused 2 units pRBC for Hct 21 -> 27.",
    "Echo: LVEF 25%, severe global hypokinesis, 2+ TR.",
    "Heparin gtt held for GI bleed; GI consulted, EGD showed a 1 cm gastric ulcer.",
    "Plan: continue diuresis with goal net negative 1-1.5 L/day.",
]


def truncation_text():
    """A discharge-summary-like text of well over 512 word pieces."""
    parts = [
        "History of present illness: 72 year old woman with COPD on 2L home O2, CHF (EF 30%),",
        "CKD stage III and type 2 diabetes who presented with three days of worsening dyspnea,",
        "productive cough with green sputum and subjective fevers.",
    ]
    course = (
        "Hospital course: treated with levofloxacin 750 mg IV q48h, methylprednisolone 125 mg IV q8h "
        "then prednisone taper, albuterol/ipratropium nebs q4h, and furosemide 40 mg IV BID. "
    )
    return " ".join(parts) + " " + course * 14


def all_cases():
    """[(category, text, max_length or None)] for tokenizer_cases.jsonl."""
    groups = [
        ("icd9", ICD9_DIAGNOSES),
        ("drug", DRUGS),
        ("numbers_symbols", NUMBERS_AND_SYMBOLS),
        ("deid_placeholder", DEID_PLACEHOLDERS),
        ("accents", ACCENTS),
        ("greek", GREEK),
        ("unicode_punctuation", UNICODE_PUNCTUATION),
        ("cjk_other_scripts", CJK_AND_OTHER_SCRIPTS),
        ("emoji", EMOJI),
        ("control", CONTROL_CHARACTERS),
        ("whitespace", WHITESPACE),
        ("empty", EMPTY_LIKE),
        ("long_word", LONG_WORDS),
        ("special_tokens", SPECIAL_TOKENS_IN_TEXT),
        ("case", CASE),
        ("sentence", SENTENCES),
    ]
    cases = [(name, text, None) for name, texts in groups for text in texts]
    long_text = truncation_text()
    cases += [
        ("truncation", long_text, 512),
        ("truncation", long_text, 128),
        ("truncation", SENTENCES[0], 16),
        ("truncation", SENTENCES[1], 8),
        ("truncation", SENTENCES[2], 3),
        ("truncation", SENTENCES[3], 2),
        ("truncation", "short text", 64),
    ]
    return cases


# The tiny model's texts use only words its small vocabulary can spell.
TINY_TEXTS = [
    "the patient has chest pain",
    "acute heart failure with 2 mg dose",
    "Chronic kidney disease, stage 3.",
    "insulin 10 units (at night)",
    "β-blocker and α agonist",
    "fever",
    "blood pressure 140/90 mmhg",
    "no pain, no fever; the patient is stable",
]

# MiniLM references: short texts for full hidden states, more for pooled vectors.
MINILM_HIDDEN_TEXTS = [
    "chest pain",
    "Acute on chronic systolic heart failure",
    "Metoprolol 25 mg PO BID",
    "Sjögren syndrome",
    "Atrial fibrillation (427.31)",
    "insulin glargine",
    "No known drug allergies.",
    "HbA1c 9.2%",
]

MINILM_POOLED_TEXTS = (
    ICD9_DIAGNOSES[:20]
    + DRUGS[:20]
    + SENTENCES[:10]
    + ["", "[MASK] dose", "患者胸痛", "Guillain\u2013Barr\u00e9 syndrome", "\U0001F600",
       "pain\u2014sharp", "TNF-\u03b1", "a" * 101, "line1\nline2\ttabbed"]
    + [truncation_text()]
)
