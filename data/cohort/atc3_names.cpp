#include "data/cohort/atc3_names.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace nlammr {

namespace {

// WHO ATC classification, level 3 (pharmacological/therapeutic subgroups),
// English names as the WHO Collaborating Centre publishes them. Classes that
// were renamed keep their current name.
const std::vector<std::pair<std::string, std::string>> kAtc3 = {
    // A Alimentary tract and metabolism
    {"A01A", "Stomatological preparations"},
    {"A02A", "Antacids"},
    {"A02B", "Drugs for peptic ulcer and gastro-oesophageal reflux disease (GORD)"},
    {"A02X", "Other drugs for acid related disorders"},
    {"A03A", "Drugs for functional gastrointestinal disorders"},
    {"A03B", "Belladonna and derivatives, plain"},
    {"A03C", "Antispasmodics in combination with psycholeptics"},
    {"A03D", "Antispasmodics in combination with analgesics"},
    {"A03E", "Antispasmodics and anticholinergics in combination with other drugs"},
    {"A03F", "Propulsives"},
    {"A04A", "Antiemetics and antinauseants"},
    {"A05A", "Bile therapy"},
    {"A05B", "Liver therapy, lipotropics"},
    {"A05C", "Drugs for bile therapy and lipotropics in combination"},
    {"A06A", "Drugs for constipation"},
    {"A07A", "Intestinal antiinfectives"},
    {"A07B", "Intestinal adsorbents"},
    {"A07C", "Electrolytes with carbohydrates"},
    {"A07D", "Antipropulsives"},
    {"A07E", "Intestinal antiinflammatory agents"},
    {"A07F", "Antidiarrheal microorganisms"},
    {"A07X", "Other antidiarrheals"},
    {"A08A", "Antiobesity preparations, excl. diet products"},
    {"A09A", "Digestives, incl. enzymes"},
    {"A10A", "Insulins and analogues"},
    {"A10B", "Blood glucose lowering drugs, excl. insulins"},
    {"A10X", "Other drugs used in diabetes"},
    {"A11A", "Multivitamins, combinations"},
    {"A11B", "Multivitamins, plain"},
    {"A11C", "Vitamin A and D, incl. combinations of the two"},
    {"A11D", "Vitamin B1, plain and in combination with vitamin B6 and B12"},
    {"A11E", "Vitamin B-complex, incl. combinations"},
    {"A11G", "Ascorbic acid (vitamin C), incl. combinations"},
    {"A11H", "Other plain vitamin preparations"},
    {"A11J", "Other vitamin products, combinations"},
    {"A12A", "Calcium"},
    {"A12B", "Potassium"},
    {"A12C", "Other mineral supplements"},
    {"A13A", "Tonics"},
    {"A14A", "Anabolic steroids"},
    {"A14B", "Other anabolic agents"},
    {"A16A", "Other alimentary tract and metabolism products"},
    // B Blood and blood forming organs
    {"B01A", "Antithrombotic agents"},
    {"B02A", "Antifibrinolytics"},
    {"B02B", "Vitamin K and other hemostatics"},
    {"B03A", "Iron preparations"},
    {"B03B", "Vitamin B12 and folic acid"},
    {"B03X", "Other antianemic preparations"},
    {"B05A", "Blood and related products"},
    {"B05B", "I.V. solutions"},
    {"B05C", "Irrigating solutions"},
    {"B05D", "Peritoneal dialytics"},
    {"B05X", "I.V. solution additives"},
    {"B05Z", "Hemodialytics and hemofiltrates"},
    {"B06A", "Other hematological agents"},
    // C Cardiovascular system
    {"C01A", "Cardiac glycosides"},
    {"C01B", "Antiarrhythmics, class I and III"},
    {"C01C", "Cardiac stimulants excl. cardiac glycosides"},
    {"C01D", "Vasodilators used in cardiac diseases"},
    {"C01E", "Other cardiac preparations"},
    {"C02A", "Antiadrenergic agents, centrally acting"},
    {"C02B", "Antiadrenergic agents, ganglion-blocking"},
    {"C02C", "Antiadrenergic agents, peripherally acting"},
    {"C02D", "Arteriolar smooth muscle, agents acting on"},
    {"C02K", "Other antihypertensives"},
    {"C02L", "Antihypertensives and diuretics in combination"},
    {"C02N", "Combinations of antihypertensives in ATC-gr. C02"},
    {"C03A", "Low-ceiling diuretics, thiazides"},
    {"C03B", "Low-ceiling diuretics, excl. thiazides"},
    {"C03C", "High-ceiling diuretics"},
    {"C03D", "Aldosterone antagonists and other potassium-sparing agents"},
    {"C03E", "Diuretics and potassium-sparing agents in combination"},
    {"C03X", "Other diuretics"},
    {"C04A", "Peripheral vasodilators"},
    {"C05A", "Agents for treatment of hemorrhoids and anal fissures for topical use"},
    {"C05B", "Antivaricose therapy"},
    {"C05C", "Capillary stabilizing agents"},
    {"C07A", "Beta blocking agents"},
    {"C07B", "Beta blocking agents and thiazides"},
    {"C07C", "Beta blocking agents and other diuretics"},
    {"C07D", "Beta blocking agents, thiazides and other diuretics"},
    {"C07E", "Beta blocking agents and vasodilators"},
    {"C07F", "Beta blocking agents, other combinations"},
    {"C08C", "Selective calcium channel blockers with mainly vascular effects"},
    {"C08D", "Selective calcium channel blockers with direct cardiac effects"},
    {"C08E", "Non-selective calcium channel blockers"},
    {"C08G", "Calcium channel blockers and diuretics"},
    {"C09A", "ACE inhibitors, plain"},
    {"C09B", "ACE inhibitors, combinations"},
    {"C09C", "Angiotensin II receptor blockers (ARBs), plain"},
    {"C09D", "Angiotensin II receptor blockers (ARBs), combinations"},
    {"C09X", "Other agents acting on the renin-angiotensin system"},
    {"C10A", "Lipid modifying agents, plain"},
    {"C10B", "Lipid modifying agents, combinations"},
    // D Dermatologicals
    {"D01A", "Antifungals for topical use"},
    {"D01B", "Antifungals for systemic use"},
    {"D02A", "Emollients and protectives"},
    {"D02B", "Protectives against UV-radiation"},
    {"D03A", "Cicatrizants"},
    {"D03B", "Enzymes"},
    {"D04A", "Antipruritics, incl. antihistamines, anesthetics, etc."},
    {"D05A", "Antipsoriatics for topical use"},
    {"D05B", "Antipsoriatics for systemic use"},
    {"D06A", "Antibiotics for topical use"},
    {"D06B", "Chemotherapeutics for topical use"},
    {"D06C", "Antibiotics and chemotherapeutics, combinations"},
    {"D07A", "Corticosteroids, plain"},
    {"D07B", "Corticosteroids, combinations with antiseptics"},
    {"D07C", "Corticosteroids, combinations with antibiotics"},
    {"D07X", "Corticosteroids, other combinations"},
    {"D08A", "Antiseptics and disinfectants"},
    {"D09A", "Medicated dressings"},
    {"D10A", "Anti-acne preparations for topical use"},
    {"D10B", "Anti-acne preparations for systemic use"},
    {"D11A", "Other dermatological preparations"},
    // G Genito-urinary system and sex hormones
    {"G01A", "Antiinfectives and antiseptics, excl. combinations with corticosteroids"},
    {"G01B", "Antiinfectives/antiseptics in combination with corticosteroids"},
    {"G02A", "Uterotonics"},
    {"G02B", "Contraceptives for topical use"},
    {"G02C", "Other gynecologicals"},
    {"G03A", "Hormonal contraceptives for systemic use"},
    {"G03B", "Androgens"},
    {"G03C", "Estrogens"},
    {"G03D", "Progestogens"},
    {"G03E", "Androgens and female sex hormones in combination"},
    {"G03F", "Progestogens and estrogens in combination"},
    {"G03G", "Gonadotropins and other ovulation stimulants"},
    {"G03H", "Antiandrogens"},
    {"G03X", "Other sex hormones and modulators of the genital system"},
    {"G04B", "Urologicals"},
    {"G04C", "Drugs used in benign prostatic hypertrophy"},
    // H Systemic hormonal preparations, excluding sex hormones and insulins
    {"H01A", "Anterior pituitary lobe hormones and analogues"},
    {"H01B", "Posterior pituitary lobe hormones"},
    {"H01C", "Hypothalamic hormones"},
    {"H02A", "Corticosteroids for systemic use, plain"},
    {"H02B", "Corticosteroids for systemic use, combinations"},
    {"H03A", "Thyroid preparations"},
    {"H03B", "Antithyroid preparations"},
    {"H03C", "Iodine therapy"},
    {"H04A", "Glycogenolytic hormones"},
    {"H05A", "Parathyroid hormones and analogues"},
    {"H05B", "Anti-parathyroid agents"},
    // J Antiinfectives for systemic use
    {"J01A", "Tetracyclines"},
    {"J01B", "Amphenicols"},
    {"J01C", "Beta-lactam antibacterials, penicillins"},
    {"J01D", "Other beta-lactam antibacterials"},
    {"J01E", "Sulfonamides and trimethoprim"},
    {"J01F", "Macrolides, lincosamides and streptogramins"},
    {"J01G", "Aminoglycoside antibacterials"},
    {"J01M", "Quinolone antibacterials"},
    {"J01R", "Combinations of antibacterials"},
    {"J01X", "Other antibacterials"},
    {"J02A", "Antimycotics for systemic use"},
    {"J04A", "Drugs for treatment of tuberculosis"},
    {"J04B", "Drugs for treatment of lepra"},
    {"J05A", "Direct acting antivirals"},
    {"J06A", "Immune sera"},
    {"J06B", "Immunoglobulins"},
    {"J07A", "Bacterial vaccines"},
    {"J07B", "Viral vaccines"},
    {"J07C", "Bacterial and viral vaccines, combined"},
    {"J07X", "Other vaccines"},
    // L Antineoplastic and immunomodulating agents
    {"L01A", "Alkylating agents"},
    {"L01B", "Antimetabolites"},
    {"L01C", "Plant alkaloids and other natural products"},
    {"L01D", "Cytotoxic antibiotics and related substances"},
    {"L01E", "Protein kinase inhibitors"},
    {"L01F", "Monoclonal antibodies and antibody drug conjugates"},
    {"L01X", "Other antineoplastic agents"},
    {"L02A", "Hormones and related agents"},
    {"L02B", "Hormone antagonists and related agents"},
    {"L03A", "Immunostimulants"},
    {"L04A", "Immunosuppressants"},
    // M Musculo-skeletal system
    {"M01A", "Antiinflammatory and antirheumatic products, non-steroids"},
    {"M01B", "Antiinflammatory/antirheumatic agents in combination"},
    {"M01C", "Specific antirheumatic agents"},
    {"M02A", "Topical products for joint and muscular pain"},
    {"M03A", "Muscle relaxants, peripherally acting agents"},
    {"M03B", "Muscle relaxants, centrally acting agents"},
    {"M03C", "Muscle relaxants, directly acting agents"},
    {"M04A", "Antigout preparations"},
    {"M05B", "Drugs affecting bone structure and mineralization"},
    {"M09A", "Other drugs for disorders of the musculo-skeletal system"},
    // N Nervous system
    {"N01A", "Anesthetics, general"},
    {"N01B", "Anesthetics, local"},
    {"N02A", "Opioids"},
    {"N02B", "Other analgesics and antipyretics"},
    {"N02C", "Antimigraine preparations"},
    {"N03A", "Antiepileptics"},
    {"N04A", "Anticholinergic agents"},
    {"N04B", "Dopaminergic agents"},
    {"N05A", "Antipsychotics"},
    {"N05B", "Anxiolytics"},
    {"N05C", "Hypnotics and sedatives"},
    {"N06A", "Antidepressants"},
    {"N06B", "Psychostimulants, agents used for ADHD and nootropics"},
    {"N06C", "Psycholeptics and psychoanaleptics in combination"},
    {"N06D", "Anti-dementia drugs"},
    {"N07A", "Parasympathomimetics"},
    {"N07B", "Drugs used in addictive disorders"},
    {"N07C", "Antivertigo preparations"},
    {"N07X", "Other nervous system drugs"},
    // P Antiparasitic products, insecticides and repellents
    {"P01A", "Agents against amoebiasis and other protozoal diseases"},
    {"P01B", "Antimalarials"},
    {"P01C", "Agents against leishmaniasis and trypanosomiasis"},
    {"P02B", "Antitrematodals"},
    {"P02C", "Antinematodal agents"},
    {"P02D", "Anticestodals"},
    {"P03A", "Ectoparasiticides, incl. scabicides"},
    {"P03B", "Insecticides and repellents"},
    // R Respiratory system
    {"R01A", "Decongestants and other nasal preparations for topical use"},
    {"R01B", "Nasal decongestants for systemic use"},
    {"R02A", "Throat preparations"},
    {"R03A", "Adrenergics, inhalants"},
    {"R03B", "Other drugs for obstructive airway diseases, inhalants"},
    {"R03C", "Adrenergics for systemic use"},
    {"R03D", "Other systemic drugs for obstructive airway diseases"},
    {"R05C", "Expectorants, excl. combinations with cough suppressants"},
    {"R05D", "Cough suppressants, excl. combinations with expectorants"},
    {"R05F", "Cough suppressants and expectorants, combinations"},
    {"R05X", "Other cold preparations"},
    {"R06A", "Antihistamines for systemic use"},
    {"R07A", "Other respiratory system products"},
    // S Sensory organs
    {"S01A", "Antiinfectives"},
    {"S01B", "Antiinflammatory agents"},
    {"S01C", "Antiinflammatory agents and antiinfectives in combination"},
    {"S01E", "Antiglaucoma preparations and miotics"},
    {"S01F", "Mydriatics and cycloplegics"},
    {"S01G", "Decongestants and antiallergics"},
    {"S01H", "Local anesthetics"},
    {"S01J", "Diagnostic agents"},
    {"S01K", "Surgical aids"},
    {"S01L", "Ocular vascular disorder agents"},
    {"S01X", "Other ophthalmologicals"},
    {"S02A", "Antiinfectives"},
    {"S02B", "Corticosteroids"},
    {"S02C", "Corticosteroids and antiinfectives in combination"},
    {"S02D", "Other otologicals"},
    {"S03A", "Antiinfectives"},
    {"S03B", "Corticosteroids"},
    {"S03C", "Corticosteroids and antiinfectives in combination"},
    {"S03D", "Other ophthalmological and otological preparations"},
    // V Various
    {"V01A", "Allergens"},
    {"V03A", "All other therapeutic products"},
    {"V04B", "Urine tests"},
    {"V04C", "Other diagnostic agents"},
    {"V06A", "Diet formulations for treatment of obesity"},
    {"V06B", "Protein supplements"},
    {"V06C", "Infant formulas"},
    {"V06D", "Other nutrients"},
    {"V07A", "All other non-therapeutic products"},
    {"V08A", "X-ray contrast media, iodinated"},
    {"V08B", "X-ray contrast media, non-iodinated"},
    {"V08C", "Magnetic resonance imaging contrast media"},
    {"V08D", "Ultrasound contrast media"},
    {"V09A", "Central nervous system"},
    {"V09B", "Skeleton"},
    {"V09C", "Renal system"},
    {"V09D", "Hepatic and reticulo endothelial system"},
    {"V09E", "Respiratory system"},
    {"V09F", "Thyroid"},
    {"V09G", "Cardiovascular system"},
    {"V09H", "Inflammation and infection detection"},
    {"V09I", "Tumour detection"},
    {"V09X", "Other diagnostic radiopharmaceuticals"},
    {"V10A", "Antiinflammatory agents"},
    {"V10B", "Pain palliation (bone seeking agents)"},
    {"V10X", "Other therapeutic radiopharmaceuticals"},
    {"V20A", "Surgical dressings"},
};

const std::unordered_map<std::string, const std::string*>& index() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string, const std::string*>();
    for (const auto& [code, name] : kAtc3) m->emplace(code, &name);
    return m;
  }();
  return *map;
}

}  // namespace

const std::string* atc3_name(const std::string& code) {
  std::string key = code;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
  auto found = index().find(key);
  return found == index().end() ? nullptr : found->second;
}

const std::vector<std::pair<std::string, std::string>>& atc3_table() { return kAtc3; }

const char* atc1_name(char group) {
  switch (std::toupper(static_cast<unsigned char>(group))) {
    case 'A': return "Alimentary tract and metabolism";
    case 'B': return "Blood and blood forming organs";
    case 'C': return "Cardiovascular system";
    case 'D': return "Dermatologicals";
    case 'G': return "Genito urinary system and sex hormones";
    case 'H': return "Systemic hormonal preparations, excluding sex hormones and insulins";
    case 'J': return "Antiinfectives for systemic use";
    case 'L': return "Antineoplastic and immunomodulating agents";
    case 'M': return "Musculo-skeletal system";
    case 'N': return "Nervous system";
    case 'P': return "Antiparasitic products, insecticides and repellents";
    case 'R': return "Respiratory system";
    case 'S': return "Sensory organs";
    case 'V': return "Various";
    default: return nullptr;
  }
}

}  // namespace nlammr
