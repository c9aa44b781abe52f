#include "data/synthetic/synthetic_knowledge.h"

namespace nlammr::synthetic {

const std::vector<CodeInfo>& diagnosis_codes() {
  // ICD-9-CM diagnosis codes with their official short and long titles.
  static const std::vector<CodeInfo> codes = {
      {"4280", "CHF NOS", "Congestive heart failure, unspecified"},
      {"42823", "Ac on chr syst hrt fail", "Acute on chronic systolic heart failure"},
      {"4019", "Hypertension NOS", "Unspecified essential hypertension"},
      {"25000", "DMII wo cmp nt st uncntr",
       "Diabetes mellitus without mention of complication, type II or unspecified type, not stated as "
       "uncontrolled"},
      {"V5867", "Long-term use of insulin", "Long-term (current) use of insulin"},
      {"42731", "Atrial fibrillation", "Atrial fibrillation"},
      {"V5861", "Long-term use anticoagul", "Long-term (current) use of anticoagulants"},
      {"41401", "Crnry athrscl natve vssl", "Coronary atherosclerosis of native coronary artery"},
      {"41071", "Subendo infarct, initial", "Subendocardial infarction, initial episode of care"},
      {"78650", "Chest pain NOS", "Chest pain, unspecified"},
      {"486", "Pneumonia, organism NOS", "Pneumonia, organism unspecified"},
      {"78060", "Fever NOS", "Fever, unspecified"},
      {"7862", "Cough", "Cough"},
      {"0389", "Septicemia NOS", "Unspecified septicemia"},
      {"99591", "Sepsis", "Sepsis"},
      {"78552", "Septic shock", "Septic shock"},
      {"4589", "Hypotension NOS", "Hypotension, unspecified"},
      {"5849", "Acute kidney failure NOS", "Acute kidney failure, unspecified"},
      {"5859", "Chronic kidney dis NOS", "Chronic kidney disease, unspecified"},
      {"496", "Chr airway obstruct NEC", "Chronic airway obstruction, not elsewhere classified"},
      {"49121", "Obs chr bronc w(ac) exac", "Obstructive chronic bronchitis with (acute) exacerbation"},
      {"5789", "Gastrointest hemorr NOS", "Hemorrhage of gastrointestinal tract, unspecified"},
      {"2851", "Ac posthemorrhag anemia", "Acute posthemorrhagic anemia"},
      {"53081", "Esophageal reflux", "Esophageal reflux"},
      {"2449", "Hypothyroidism NOS", "Unspecified acquired hypothyroidism"},
      {"2724", "Hyperlipidemia NEC/NOS", "Other and unspecified hyperlipidemia"},
      {"311", "Depressive disorder NEC", "Depressive disorder, not elsewhere classified"},
      {"30000", "Anxiety state NOS", "Anxiety state, unspecified"},
      {"30500", "Alcohol abuse-unspec", "Alcohol abuse, unspecified"},
      {"29181", "Alcohol withdrawal", "Alcohol withdrawal"},
      {"34590", "Epilep NOS w/o intr epil", "Epilepsy, unspecified, without mention of intractable epilepsy"},
      {"78039", "Convulsions NEC", "Other convulsions"},
      {"43491", "Crbl art ocl NOS w infrc", "Cerebral artery occlusion, unspecified with cerebral infarction"},
      {"5990", "Urin tract infection NOS", "Urinary tract infection, site not specified"},
      {"6826", "Cellulitis of leg", "Cellulitis and abscess of leg, except foot"},
      {"41519", "Pulm embol/infarct NEC", "Other pulmonary embolism and infarction"},
      {"82021", "Intertrochanteric fx-cl", "Closed fracture of intertrochanteric section of neck of femur"},
      {"E8889", "Fall NOS", "Unspecified fall"},
      {"5715", "Cirrhosis of liver NOS", "Cirrhosis of liver without mention of alcohol"},
      {"5712", "Alcohol cirrhosis liver", "Alcoholic cirrhosis of liver"},
      {"2768", "Hypopotassemia", "Hypopotassemia"},
      {"2752", "Dis magnesium metabolism", "Disorders of magnesium metabolism"},
      {"51881", "Acute respiratry failure", "Acute respiratory failure"},
      {"2930", "Delirium d/t other cond", "Delirium due to conditions classified elsewhere"},
      {"78701", "Nausea with vomiting", "Nausea with vomiting"},
      {"2859", "Anemia NOS", "Anemia, unspecified"},
      {"2749", "Gout NOS", "Gout, unspecified"},
      {"60000", "BPH w/o urinary obs/LUTS",
       "Hypertrophy (benign) of prostate without urinary obstruction and other lower urinary tract symptom "
       "(LUTS)"},
      {"V1582", "History of tobacco use", "Personal history of tobacco use"},
      {"3051", "Tobacco use disorder", "Tobacco use disorder"},
      {"27800", "Obesity NOS", "Obesity, unspecified"},
      {"V4582", "Status-post ptca", "Percutaneous transluminal coronary angioplasty status"},
      {"27651", "Dehydration", "Dehydration"},
      {"2875", "Thrombocytopenia NOS", "Thrombocytopenia, unspecified"},
      {"V1251", "Hx-ven thrombosis/embols", "Personal history of venous thrombosis and embolism"},
      {"78605", "Shortness of breath", "Shortness of breath"},
      {"78097", "Altered mental status", "Altered mental status"},
      {"78900", "Abdmnal pain unspcf site", "Abdominal pain, unspecified site"},
      {"78079", "Malaise and fatigue NEC", "Other malaise and fatigue"},
      {"7843", "Aphasia", "Aphasia"},
      {"7907", "Bacteremia", "Bacteremia"},
  };
  return codes;
}

const std::vector<CodeInfo>& procedure_codes() {
  // ICD-9-CM procedure codes (volume 3) with their official titles.
  static const std::vector<CodeInfo> codes = {
      {"8872", "Dx ultrasound-heart", "Diagnostic ultrasound of heart"},
      {"3722", "Left heart cardiac cath", "Left heart cardiac catheterization"},
      {"8856", "Coronar arteriogr-2 cath", "Coronary arteriography using two catheters"},
      {"0066", "PTCA", "Percutaneous transluminal coronary angioplasty [PTCA]"},
      {"3607", "Ins drug-elut coronry st", "Insertion of drug-eluting coronary artery stent(s)"},
      {"3893", "Venous cath NEC", "Venous catheterization, not elsewhere classified"},
      {"3891", "Arterial catheterization", "Arterial catheterization"},
      {"9604", "Insert endotracheal tube", "Insertion of endotracheal tube"},
      {"9671", "Cont inv mec ven <96 hrs",
       "Continuous invasive mechanical ventilation for less than 96 consecutive hours"},
      {"9672", "Cont inv mec ven 96+ hrs",
       "Continuous invasive mechanical ventilation for 96 consecutive hours or more"},
      {"3995", "Hemodialysis", "Hemodialysis"},
      {"4513", "Sm bowel endoscopy NEC", "Other endoscopy of small intestine"},
      {"9904", "Packed cell transfusion", "Transfusion of packed cells"},
      {"8703", "C.A.T. scan of head", "Computerized axial tomography of head"},
      {"7935", "Open reduc-int fix femur", "Open reduction of fracture with internal fixation, femur"},
      {"5491", "Percu abdominal drainage", "Percutaneous abdominal drainage"},
      {"0331", "Spinal tap", "Spinal tap"},
      {"9915", "Parent infus nutrit sub", "Parenteral infusion of concentrated nutritional substances"},
  };
  return codes;
}

const std::vector<MedicationClass>& medication_classes() {
  // Representative drugs of each ATC3 class; SMILES written from the drugs'
  // structures (salts and stereochemistry kept where they are standard).
  static const std::vector<MedicationClass> classes = {
      {"A02B",
       {{"pantoprazole", "COc1ccnc(CS(=O)c2nc3cc(OC(F)F)ccc3[nH]2)c1OC"},
        {"omeprazole", "COc1ccc2[nH]c(S(=O)Cc3ncc(C)c(OC)c3C)nc2c1"},
        {"famotidine", "NC(N)=Nc1nc(CSCC/C(N)=N/S(N)(=O)=O)cs1"}}},
      {"A03F", {{"metoclopramide", "CCN(CC)CCNC(=O)c1cc(Cl)c(N)cc1OC"}}},
      {"A04A", {{"ondansetron", "Cc1nccn1CC1CCc2c(C1=O)c1ccccc1n2C"}}},
      {"A06A",
       {{"docusate", "CCCCC(CC)COC(=O)CC(C(=O)OCC(CC)CCCC)S(=O)(=O)O"},
        {"bisacodyl", "CC(=O)Oc1ccc(C(c2ccc(OC(C)=O)cc2)c2ccccn2)cc1"},
        {"lactulose", "OC[C@H]1O[C@@H](O[C@@H]2[C@@H](CO)OC(O)(CO)[C@H]2O)[C@H](O)[C@@H](O)[C@H]1O"}}},
      {"A10A", {{"insulin glargine", ""}, {"insulin regular", ""}}},
      {"A10B",
       {{"metformin", "CN(C)C(=N)N=C(N)N"},
        {"glipizide", "Cc1cnc(C(=O)NCCc2ccc(S(=O)(=O)NC(=O)NC3CCCCC3)cc2)cn1"}}},
      {"A11D", {{"thiamine", "Cc1ncc(C[n+]2csc(CCO)c2C)c(N)n1"}}},
      {"A12B", {{"potassium chloride", "[K+].[Cl-]"}}},
      {"A12C", {{"magnesium sulfate", "[Mg+2].[O-]S([O-])(=O)=O"}}},
      {"B01A",
       {{"heparin", ""},
        {"warfarin", "CC(=O)CC(c1ccccc1)c1c(O)c2ccccc2oc1=O"},
        {"aspirin", "CC(=O)Oc1ccccc1C(=O)O"},
        {"clopidogrel", "COC(=O)[C@H](c1ccccc1Cl)N1CCc2sccc2C1"},
        {"apixaban", "COc1ccc(-n2nc(C(N)=O)c3c2C(=O)N(c2ccc(N4CCCCC4=O)cc2)CC3)cc1"}}},
      {"B03A", {{"ferrous sulfate", "[Fe+2].[O-]S([O-])(=O)=O"}}},
      {"B03B", {{"folic acid", "Nc1nc2ncc(CNc3ccc(C(=O)N[C@@H](CCC(=O)O)C(=O)O)cc3)nc2c(=O)[nH]1"}}},
      {"B05X", {{"sodium bicarbonate", "[Na+].OC([O-])=O"}}},
      {"C01A",
       {{"digoxin",  // stereocentres left unspecified
         "CC1OC(OC2C(O)CC(OC3C(O)CC(OC4CCC5(C)C(C4)CCC4C5CC(O)C5(C)C(C6=CC(=O)OC6)CCC45O)OC3C)OC2C)CC(O)C1O"}}},
      {"C01B", {{"amiodarone", "CCCCc1oc2ccccc2c1C(=O)c1cc(I)c(OCCN(CC)CC)c(I)c1"}}},
      {"C01C",
       {{"norepinephrine", "NC[C@H](O)c1ccc(O)c(O)c1"},
        {"phenylephrine", "CNC[C@H](O)c1cccc(O)c1"},
        {"dopamine", "NCCc1ccc(O)c(O)c1"}}},
      {"C01D",
       {{"nitroglycerin", "O=[N+]([O-])OCC(CO[N+]([O-])=O)O[N+]([O-])=O"},
        {"isosorbide mononitrate", "O[C@@H]1CO[C@@H]2[C@H](O[N+]([O-])=O)CO[C@H]12"}}},
      {"C02D", {{"hydralazine", "NNc1nncc2ccccc12"}}},
      {"C03A", {{"hydrochlorothiazide", "NS(=O)(=O)c1cc2c(cc1Cl)NCNS2(=O)=O"}}},
      {"C03C",
       {{"furosemide", "NS(=O)(=O)c1cc(C(=O)O)c(NCc2ccco2)cc1Cl"},
        {"bumetanide", "CCCCNc1cc(C(=O)O)cc(S(N)(=O)=O)c1Oc1ccccc1"}}},
      {"C03D",
       {{"spironolactone",
         "CC(=O)S[C@@H]1CC2=CC(=O)CC[C@]2(C)[C@H]2CC[C@@]3(C)[C@@H](CC[C@@]34CCC(=O)O4)[C@H]12"}}},
      {"C07A",
       {{"metoprolol", "COCCc1ccc(OCC(O)CNC(C)C)cc1"},
        {"carvedilol", "COc1ccccc1OCCNCC(O)COc1cccc2[nH]c3ccccc3c12"}}},
      {"C08C", {{"amlodipine", "CCOC(=O)C1=C(COCCN)NC(C)=C(C(=O)OC)C1c1ccccc1Cl"}}},
      {"C08D", {{"diltiazem", "COc1ccc([C@@H]2Sc3ccccc3N(CCN(C)C)C(=O)[C@@H]2OC(C)=O)cc1"}}},
      {"C09A", {{"lisinopril", "NCCCC[C@H](N[C@@H](CCc1ccccc1)C(=O)O)C(=O)N1CCC[C@H]1C(=O)O"}}},
      {"C09C", {{"losartan", "CCCCc1nc(Cl)c(CO)n1Cc1ccc(-c2ccccc2-c2nnn[nH]2)cc1"}}},
      {"C10A",
       {{"atorvastatin", "CC(C)c1c(C(=O)Nc2ccccc2)c(-c2ccccc2)c(-c2ccc(F)cc2)n1CC[C@@H](O)C[C@@H](O)CC(=O)O"},
        {"simvastatin",
         "CCC(C)(C)C(=O)O[C@H]1C[C@@H](C)C=C2C=C[C@H](C)[C@H](CC[C@@H]3C[C@@H](O)CC(=O)O3)[C@@H]21"}}},
      {"G04C", {{"tamsulosin", "CCOc1ccccc1OCCN[C@H](C)Cc1ccc(OC)c(S(N)(=O)=O)c1"}}},
      {"H02A",
       {{"prednisone", "C[C@]12CC(=O)[C@H]3[C@@H](CCC4=CC(=O)C=C[C@@]43C)[C@@H]1CC[C@]2(O)C(=O)CO"},
        {"hydrocortisone", "C[C@]12CC(O)[C@H]3[C@@H](CCC4=CC(=O)CC[C@@]43C)[C@@H]1CC[C@]2(O)C(=O)CO"}}},
      {"H03A", {{"levothyroxine", "N[C@@H](Cc1cc(I)c(Oc2cc(I)c(O)c(I)c2)c(I)c1)C(=O)O"}}},
      {"J01C",
       {{"piperacillin",
         "CCN1CCN(C(=O)N[C@@H](C(=O)N[C@@H]2C(=O)N3[C@@H](C(=O)O)C(C)(C)S[C@H]23)c2ccccc2)C(=O)C1=O"},
        {"amoxicillin", "CC1(C)S[C@@H]2[C@H](NC(=O)[C@H](N)c3ccc(O)cc3)C(=O)N2[C@H]1C(=O)O"}}},
      {"J01D",
       {{"cefazolin", "Cc1nnc(SCC2=C(C(=O)O)N3C(=O)[C@@H](NC(=O)Cn4cnnn4)[C@H]3SC2)s1"},
        {"meropenem", "C[C@@H](O)[C@H]1C(=O)N2C(C(=O)O)=C(S[C@@H]3CN[C@H](C(=O)N(C)C)C3)[C@H](C)[C@H]12"}}},
      {"J01F",
       {{"clindamycin",
         "CCC[C@@H]1C[C@H](N(C)C1)C(=O)N[C@@H]([C@@H](C)Cl)[C@H]1O[C@H](SC)[C@H](O)[C@@H](O)[C@H]1O"}}},
      {"J01M",
       {{"levofloxacin", "C[C@H]1COc2c(N3CCN(C)CC3)c(F)cc3c(=O)c(C(=O)O)cn1c23"},
        {"ciprofloxacin", "OC(=O)c1cn(C2CC2)c2cc(N3CCNCC3)c(F)cc2c1=O"}}},
      {"J01X",
       {{"vancomycin", ""},
        {"metronidazole", "Cc1ncc([N+](=O)[O-])n1CCO"},
        {"linezolid", "CC(=O)NC[C@H]1CN(c2ccc(N3CCOCC3)c(F)c2)C(=O)O1"}}},
      {"J02A", {{"fluconazole", "OC(Cn1cncn1)(Cn1cncn1)c1ccc(F)cc1F"}}},
      {"M04A", {{"allopurinol", "O=c1[nH]cnc2[nH]ncc12"}}},
      {"N01A", {{"propofol", "CC(C)c1cccc(C(C)C)c1O"}}},
      {"N02A",
       {{"morphine", "CN1CC[C@]23c4c5ccc(O)c4O[C@H]2[C@@H](O)C=C[C@H]3[C@H]1C5"},
        {"fentanyl", "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"}}},
      {"N02B", {{"acetaminophen", "CC(=O)Nc1ccc(O)cc1"}}},
      {"N03A",
       {{"levetiracetam", "CC[C@H](C(N)=O)N1CCCC1=O"},
        {"phenytoin", "O=C1NC(=O)C(c2ccccc2)(c2ccccc2)N1"}}},
      {"N05A",
       {{"haloperidol", "O=C(CCCN1CCC(O)(c2ccc(Cl)cc2)CC1)c1ccc(F)cc1"},
        {"quetiapine", "OCCOCCN1CCN(C2=Nc3ccccc3Sc3ccccc23)CC1"}}},
      {"N05B", {{"lorazepam", "OC1N=C(c2ccccc2Cl)c2cc(Cl)ccc2NC1=O"}}},
      {"N05C",
       {{"midazolam", "Cc1ncc2n1-c1ccc(Cl)cc1C(c1ccccc1F)=NC2"},
        {"zolpidem", "Cc1ccc(-c2nc3ccc(C)cn3c2CC(=O)N(C)C)cc1"}}},
      {"N06A",
       {{"sertraline", "CN[C@H]1CC[C@@H](c2ccc(Cl)c(Cl)c2)c2ccccc21"},
        {"citalopram", "CN(C)CCCC1(c2ccc(F)cc2)OCc2cc(C#N)ccc21"}}},
      {"N07B", {{"nicotine", "CN1CCC[C@H]1c1cccnc1"}}},
      {"R03A", {{"albuterol", "CC(C)(C)NCC(O)c1ccc(O)c(CO)c1"}}},
      {"R03B", {{"ipratropium", "CC(C)[N+]1(C)[C@@H]2CC[C@H]1C[C@@H](OC(=O)C(CO)c1ccccc1)C2"}}},
      {"V03A", {{"sevelamer", ""}, {"calcium acetate", "CC(=O)[O-].CC(=O)[O-].[Ca+2]"}}},
  };
  return classes;
}

const std::vector<ChoiceSlot>& choice_slots() {
  // Each patient settles on one option per slot; weights need not sum to 1.
  // The two antibiotic slots are decided by penicillin allergy instead
  // (first option without, second with).
  static const std::vector<ChoiceSlot> slots = {
      {"antihypertensive", {"C09A", "C09C", "C08C", "C03A"}, {0.35, 0.2, 0.3, 0.15}},
      {"raas", {"C09A", "C09C"}, {0.6, 0.4}},
      {"rate_control", {"C07A", "C08D"}, {0.65, 0.35}},
      {"diabetes", {"A10B", "A10A"}, {0.6, 0.4}},
      {"sedation", {"N05C", "N01A"}, {0.5, 0.5}},
      {"pneumonia_antibiotic", {"J01D", "J01M"}, {}},
      {"broad_antibiotic", {"J01C", "J01D"}, {}},
  };
  return slots;
}

const std::vector<Condition>& conditions() {
  static const std::vector<Condition> list = {
      // ---- chronic conditions ------------------------------------------------
      {"hypertension", true, 0.45, "cardio", "", {{"4019", 0.5}}, {}, 0, {},
       {"blood pressure elevated on arrival", "hypertensive on admission"}, "history of hypertension",
       {{"@antihypertensive", 0.85}}, {}, ""},
      {"heart failure", true, 0.18, "cardio", "", {{"4280", 0.5}}, {{"8872", 0.2}}, 0, {},
       {"bilateral lower extremity edema", "orthopnea", "dyspnea on exertion"}, "history of heart failure",
       {{"C03C", 0.85}, {"C07A", 0.6}, {"@raas", 0.6}, {"C03D", 0.25}}, {}, ""},
      {"type 2 diabetes", true, 0.25, "cardio", "", {{"25000", 0.55}}, {}, 0, {},
       {"blood sugars poorly controlled", "elevated fingerstick glucose"}, "history of type 2 diabetes",
       {{"@diabetes", 0.9}}, {}, ""},
      {"atrial fibrillation", true, 0.15, "cardio", "", {{"42731", 0.5}, {"V5861", 0.15}}, {}, 0, {},
       {"irregularly irregular rhythm", "palpitations"}, "history of atrial fibrillation",
       {{"B01A", 0.85}, {"@rate_control", 0.75}, {"C01B", 0.15}, {"C01A", 0.15}}, {}, ""},
      {"coronary artery disease", true, 0.2, "cardio", "", {{"41401", 0.45}, {"V4582", 0.15}}, {}, 0, {},
       {"exertional chest pressure"}, "history of coronary artery disease",
       {{"B01A", 0.8}, {"C10A", 0.85}, {"C07A", 0.6}}, {}, ""},
      {"hyperlipidemia", true, 0.3, "cardio", "", {{"2724", 0.4}}, {}, 0, {}, {}, "history of hyperlipidemia",
       {{"C10A", 0.85}}, {}, ""},
      {"chronic kidney disease", true, 0.12, "cardio", "", {{"5859", 0.5}}, {}, 0, {},
       {"baseline creatinine elevated"}, "history of chronic kidney disease",
       {{"V03A", 0.6}, {"B03A", 0.35}, {"C03C", 0.3}}, {}, ""},
      {"COPD", true, 0.14, "lung", "", {{"496", 0.5}, {"V1582", 0.2}}, {}, 0, {},
       {"chronic productive cough", "uses home oxygen"}, "history of COPD",
       {{"R03A", 0.85}, {"R03B", 0.75}}, {}, ""},
      {"GERD", true, 0.2, "", "", {{"53081", 0.4}}, {}, 0, {}, {"heartburn after meals"}, "history of reflux",
       {{"A02B", 0.85}}, {}, ""},
      {"hypothyroidism", true, 0.1, "", "", {{"2449", 0.5}}, {}, 0, {}, {}, "history of hypothyroidism",
       {{"H03A", 0.95}}, {}, ""},
      {"depression", true, 0.15, "", "", {{"311", 0.45}}, {}, 0, {}, {"depressed mood"}, "history of depression",
       {{"N06A", 0.85}}, {}, ""},
      {"anxiety", true, 0.1, "", "", {{"30000", 0.4}}, {}, 0, {}, {"anxious and restless"}, "history of anxiety",
       {{"N05B", 0.6}}, {}, ""},
      {"alcohol use disorder", true, 0.1, "alcohol", "", {{"30500", 0.6}, {"3051", 0.3}}, {}, 0, {},
       {"drinks a pint of vodka daily"}, "history of heavy alcohol use",
       {{"A11D", 0.6}, {"B03B", 0.5}, {"N07B", 0.3}}, {}, ""},
      {"epilepsy", true, 0.05, "", "", {{"34590", 0.55}}, {}, 0, {}, {}, "history of seizure disorder",
       {{"N03A", 0.95}}, {}, ""},
      {"cirrhosis", true, 0.06, "alcohol", "", {{"5712", 0.7}}, {{"5491", 0.3}}, 0, {},
       {"tense ascites", "jaundiced"}, "history of cirrhosis",
       {{"A06A", 0.8}, {"C03D", 0.7}, {"C03C", 0.4}}, {}, ""},
      {"gout", true, 0.06, "cardio", "", {{"2749", 0.4}}, {}, 0, {}, {"painful swollen first toe"},
       "history of gout", {{"M04A", 0.85}}, {}, ""},
      {"benign prostatic hyperplasia", true, 0.08, "", "", {{"60000", 0.4}}, {}, 0, {}, {"urinary hesitancy"},
       "history of enlarged prostate", {{"G04C", 0.85}}, {}, ""},

      // ---- acute reasons for admission ---------------------------------------
      {"heart failure exacerbation", false, 1.0, "", "heart failure", {{"42823", 0.8}, {"4280", 0.5}},
       {{"8872", 0.5}}, 0.35, {"78605"},
       {"worsening shortness of breath", "gained ten pounds in a week", "crackles at both lung bases",
        "pulmonary edema on chest x-ray"},
       "", {{"C03C", 0.95}, {"C01D", 0.3}}, {}, ""},
      {"myocardial infarction", false, 0.8, "cardio", "coronary artery disease", {{"41071", 0.9}},
       {{"3722", 0.7}, {"8856", 0.6}, {"0066", 0.5}, {"3607", 0.5}}, 0.4, {"78650"},
       {"crushing substernal chest pain", "pain radiating to the left arm", "troponin elevated",
        "ST depression on ECG"},
       "", {{"B01A", 0.95}, {"C10A", 0.85}, {"C07A", 0.75}, {"C01D", 0.6}, {"N02A", 0.4}}, {}, ""},
      {"pneumonia", false, 1.3, "lung", "COPD", {{"486", 0.9}}, {}, 0.4, {"78060", "78605"},
       {"productive cough with green sputum", "fever and chills", "right lower lobe consolidation on x-ray",
        "hypoxic on room air"},
       "", {{"@pneumonia_antibiotic", 0.9}, {"J01F", 0.5}, {"N02B", 0.5}}, {}, ""},
      {"severe pneumonia", false, 0.5, "lung", "COPD", {{"486", 0.9}, {"51881", 0.2}}, {{"3891", 0.3}}, 0.4,
       {"78060", "78605"},
       {"requiring high flow oxygen", "multilobar infiltrates on chest x-ray", "moved to the ICU for hypoxia"}, "",
       {{"J01X", 0.85}, {"@broad_antibiotic", 0.85}, {"J01F", 0.4}}, {}, ""},
      {"hypertensive urgency", false, 0.5, "cardio", "hypertension", {{"4019", 0.8}}, {}, 0.0, {},
       {"blood pressure 220/120 with headache", "severely elevated blood pressure"}, "",
       {{"C02D", 0.8}, {"C08C", 0.5}}, {}, ""},
      {"sepsis", false, 1.0, "", "", {{"0389", 0.8}, {"99591", 0.6}}, {{"3893", 0.5}}, 0.4, {"78060", "7907"},
       {"fever and rigors", "blood cultures drawn", "lactate mildly elevated", "tachycardic and febrile"}, "",
       {{"J01X", 0.85}, {"@broad_antibiotic", 0.8}}, {}, ""},
      {"septic shock", false, 0.6, "", "", {{"0389", 0.8}, {"78552", 0.4}, {"4589", 0.3}},
       {{"3893", 0.8}, {"3891", 0.6}, {"9604", 0.4}, {"9671", 0.4}}, 0.0, {},
       {"hypotension requiring vasopressors", "mean arterial pressure below 65 despite fluids",
        "started on norepinephrine", "lactate markedly elevated"},
       "", {{"C01C", 0.95}, {"J01X", 0.85}, {"@broad_antibiotic", 0.85}, {"H02A", 0.5}},
       {"C07A", "C08C", "C09A", "C09C", "C03A", "C03C", "C08D"}, "home blood pressure medications held for shock"},
      {"acute kidney injury", false, 0.9, "cardio", "chronic kidney disease", {{"5849", 0.8}}, {{"3995", 0.15}},
       0.4, {"27651", "78079"}, {"decreased urine output", "creatinine rising", "poor oral intake for days"}, "",
       {{"B05X", 0.55}}, {"C09A", "C09C", "C03A"}, "ACE inhibitor and ARB held for kidney injury"},
      {"COPD exacerbation", false, 1.0, "lung", "COPD", {{"49121", 0.8}}, {{"9604", 0.1}}, 0.4, {"78605", "7862"},
       {"wheezing and chest tightness", "increased sputum production", "diffuse expiratory wheezes"}, "",
       {{"H02A", 0.85}, {"R03A", 0.9}, {"R03B", 0.8}, {"J01M", 0.3}, {"J01F", 0.3}}, {}, ""},
      {"gastrointestinal bleed", false, 0.8, "alcohol", "cirrhosis", {{"5789", 0.8}, {"2851", 0.5}},
       {{"4513", 0.6}, {"9904", 0.7}}, 0.3, {"2851", "78900"},
       {"black tarry stools", "vomiting blood", "hemoglobin dropped from 11 to 7"}, "",
       {{"A02B", 0.95}}, {"B01A"}, "anticoagulation held because of bleeding"},
      {"alcohol withdrawal", false, 1.5, "alcohol", "alcohol use disorder", {{"29181", 0.8}}, {}, 0.4, {"78097"},
       {"tremulous and diaphoretic", "visual hallucinations", "last drink two days ago"}, "",
       {{"N05B", 0.9}, {"A11D", 0.9}, {"B03B", 0.7}}, {}, ""},
      {"seizure", false, 0.4, "", "epilepsy", {{"78039", 0.7}}, {{"8703", 0.5}}, 0.0, {},
       {"witnessed generalized tonic-clonic seizure", "postictal confusion", "tongue laceration"}, "",
       {{"N03A", 0.95}, {"N05B", 0.5}}, {}, ""},
      {"stroke", false, 0.5, "cardio", "atrial fibrillation", {{"43491", 0.85}}, {{"8703", 0.8}}, 0.3, {"7843", "78097"},
       {"sudden right sided weakness", "slurred speech", "left facial droop"}, "",
       {{"B01A", 0.9}, {"C10A", 0.8}}, {}, ""},
      {"urinary tract infection", false, 1.0, "", "", {{"5990", 0.85}}, {}, 0.4, {"78060"},
       {"burning with urination", "foul smelling urine", "urinalysis with many white cells"}, "",
       {{"J01M", 0.55}, {"J01D", 0.35}}, {}, ""},
      {"cellulitis", false, 0.6, "", "", {{"6826", 0.85}}, {}, 0.0, {},
       {"red warm swollen lower leg", "spreading erythema of the shin"}, "", {{"J01X", 0.7}, {"J01D", 0.4}}, {},
       ""},
      {"pulmonary embolism", false, 0.4, "", "", {{"41519", 0.85}, {"V1251", 0.2}}, {}, 0.4, {"78650", "78605"},
       {"sudden pleuritic chest pain", "acutely short of breath", "clot seen on CT angiogram"}, "",
       {{"B01A", 0.95}}, {}, ""},
      {"hip fracture", false, 0.5, "", "", {{"82021", 0.9}, {"E8889", 0.7}}, {{"7935", 0.85}}, 0.0, {},
       {"fell at home", "shortened externally rotated leg", "severe hip pain"}, "",
       {{"N02A", 0.9}, {"B01A", 0.8}, {"A06A", 0.6}, {"N02B", 0.6}}, {}, ""},
      {"hypokalemia", false, 0.6, "", "", {{"2768", 0.8}}, {}, 0.0, {},
       {"potassium 2.9", "muscle weakness and cramps"}, "", {{"A12B", 0.95}}, {}, ""},
      {"hypomagnesemia", false, 0.4, "alcohol", "", {{"2752", 0.7}}, {}, 0.0, {}, {"magnesium low on labs"}, "",
       {{"A12C", 0.95}}, {}, ""},
      {"respiratory failure", false, 0.7, "lung", "COPD", {{"51881", 0.9}},
       {{"9604", 0.8}, {"9671", 0.5}, {"9672", 0.4}, {"3891", 0.4}}, 0.0, {},
       {"intubated for hypoxic respiratory failure", "on mechanical ventilation", "sedated on the ventilator"}, "",
       {{"@sedation", 0.9}, {"N02A", 0.8}, {"A02B", 0.6}}, {}, ""},
      {"delirium", false, 0.5, "", "", {{"2930", 0.7}}, {}, 0.4, {"78097"},
       {"agitated and confused overnight", "pulling at lines"}, "", {{"N05A", 0.9}}, {}, ""},
      {"nausea and vomiting", false, 0.5, "", "", {{"78701", 0.8}}, {}, 0.3, {"78900"},
       {"persistent nausea and vomiting", "unable to keep food down"}, "", {{"A04A", 0.9}, {"A03F", 0.3}}, {},
       ""},
      {"fungal infection", false, 0.25, "", "", {{"0389", 0.5}}, {}, 0.5, {"78060"},
       {"yeast growing in blood cultures", "candidemia"}, "", {{"J02A", 0.95}}, {}, ""},
  };
  return list;
}

const std::vector<MedDraw>& background_medications() {
  static const std::vector<MedDraw> list = {
      {"N02B", 0.4}, {"A02B", 0.2}, {"B01A", 0.25}, {"A06A", 0.2}, {"A04A", 0.1},
      {"A12B", 0.15}, {"A12C", 0.15}, {"N05C", 0.05}, {"C02D", 0.04},
  };
  return list;
}

const std::vector<CodeDraw>& incidental_diagnoses() {
  static const std::vector<CodeDraw> list = {
      {"27800", 0.08}, {"3051", 0.06}, {"V1582", 0.06}, {"2859", 0.1}, {"2875", 0.05}, {"27651", 0.06},
  };
  return list;
}

const std::vector<std::pair<const char*, const char*>>& interacting_classes() {
  static const std::vector<std::pair<const char*, const char*>> pairs = {
      {"B01A", "J01M"},  // warfarin and fluoroquinolones: INR rise
      {"B01A", "C01B"},  // warfarin and amiodarone
      {"B01A", "N06A"},  // SSRIs add to bleeding risk
      {"B01A", "J02A"},  // fluconazole raises warfarin levels
      {"B01A", "H02A"},  // steroids with anticoagulants: GI bleeding
      {"C01B", "C01A"},  // amiodarone raises digoxin levels
      {"C01B", "J01M"},  // QT prolongation
      {"C01B", "N05A"},  // QT prolongation
      {"J01M", "N05A"},  // QT prolongation
      {"A04A", "N05A"},  // QT prolongation
      {"A04A", "C01B"},  // QT prolongation
      {"J01F", "C10A"},  // macrolides and statins: myopathy
      {"J02A", "C10A"},  // azoles and statins: myopathy
      {"N02A", "N05B"},  // opioids and benzodiazepines: respiratory depression
      {"N02A", "N05C"},  // opioids and sedatives
      {"N02A", "N06A"},  // serotonergic opioids and SSRIs
      {"C09A", "A12B"},  // ACE inhibitors and potassium: hyperkalaemia
      {"C09C", "A12B"},  // ARBs and potassium
      {"C03D", "A12B"},  // potassium-sparing diuretics and potassium
      {"C09A", "C03D"},  // hyperkalaemia
      {"C07A", "C08D"},  // beta blockers and diltiazem: bradycardia, block
      {"C03C", "C01A"},  // loop diuretics lower potassium: digoxin toxicity
      {"A10A", "C07A"},  // beta blockers mask hypoglycaemia
      {"N03A", "N06A"},  // enzyme induction, lowered seizure threshold
      {"N05B", "N05C"},  // additive sedation
  };
  return pairs;
}

}  // namespace nlammr::synthetic
