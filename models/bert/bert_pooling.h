// From per-token hidden states to one vector per text.
//
//   cls     hidden[:, 0]: the [CLS] token's final state
//   mean    the mean over real tokens only (padding masked out), as
//           sentence-transformers' Pooling module computes it
//   pooler  the pooler's output, tanh(dense(hidden[:, 0]))
//
// and, optionally, L2 normalisation (sentence-transformers' Normalize module),
// after which a dot product is the cosine similarity.
#pragma once

#include <string>

#include "engine/tensor.h"
#include "models/bert/bert_model.h"

namespace nlammr {

enum class Pooling { Cls, Mean, Pooler };

const char* pooling_name(Pooling pooling);
// "cls", "mean" or "pooler"; anything else throws, listing the choices.
Pooling parse_pooling(const std::string& name);

// Mask-aware mean over the sequence: hidden [B, S, H], attention_mask [B, S]
// (nonzero = real token, any dtype) -> [B, H]. A row without any real token
// gives zeros (sentence-transformers clamps the token count at 1e-9).
Tensor mean_pool(const Tensor& hidden, const Tensor& attention_mask);

// One vector per text [B, H] from a forward pass. Pooler pooling on a model
// without a pooler is an error naming the checkpoint tensor that was absent.
Tensor pool(const BertOutput& output, const Tensor& attention_mask, Pooling pooling);

// x / max(||x||, 1e-12) along the last dimension (torch.nn.functional.normalize).
Tensor l2_normalize(const Tensor& x);

}  // namespace nlammr
