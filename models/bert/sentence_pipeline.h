// What sentence-transformers does with a checkpoint's token states, read from
// the files it keeps beside the weights:
//
//   modules.json                 the pipeline: Transformer, Pooling, and for
//                                all-MiniLM-L6-v2 a final Normalize step
//   <pooling path>/config.json   which pooling ("pooling_mode_mean_tokens": true)
//   sentence_bert_config.json    max_seq_length, the truncation length
//
// `nlammr encode` uses this pipeline by default, so that it outputs what
// SentenceTransformer(dir).encode(texts) outputs. A checkpoint without
// modules.json is a plain BERT; sentence-transformers wraps such a model with
// mean pooling and no normalisation, and so do we.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/bert/bert_pooling.h"

namespace nlammr {

struct SentencePipeline {
  Pooling pooling = Pooling::Mean;
  bool normalize = false;
  std::optional<int64_t> max_seq_length;  // unset: no sentence_bert_config.json limit
  bool from_modules_json = false;         // false: the plain-BERT defaults above
};

// Throws naming the file when modules.json or the pooling config is
// malformed, or when the pipeline has steps nlammr does not implement (max
// pooling, Dense layers, ...); the message says to choose the pooling and
// normalisation explicitly then.
SentencePipeline read_sentence_pipeline(const std::string& model_dir);

}  // namespace nlammr
