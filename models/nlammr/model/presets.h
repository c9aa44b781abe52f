// Named training configurations for `nlammr train --preset NAME`.
//
//   reference  the official NLA-MMR code's own setting: concatenated visit
//              texts, lr 5e-4 x 0.1, 110 epochs with the best validation
//              checkpoint kept, the language model's vectors as they come
//              (its loader reads raw pooled vectors, never normalised), no
//              additions of this project.
//   best       the configuration with the best validation Jaccard measured
//              on MIMIC-III (docs/results.md): the default of `nlammr train`.
//
// A preset fills in every setting; options given on the command line then
// override single fields.
#pragma once

#include <string>
#include <vector>

#include "models/nlammr/model/config.h"

namespace nlammr {

struct TrainingPreset {
  std::string name;
  NlammrConfig model;
  TrainConfig train;
  bool normalize_texts = false;  // L2-normalise the language model's vectors
};

// Throws for an unknown name, listing the known ones.
TrainingPreset training_preset(const std::string& name);
std::vector<std::string> training_preset_names();

}  // namespace nlammr
