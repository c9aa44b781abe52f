// The whole engine in one include: tensors, autograd, ops, random numbers,
// modules and optimizers.
#pragma once

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/nn/layers.h"
#include "engine/nn/module.h"
#include "engine/ops.h"
#include "engine/optim/optimizer.h"
#include "engine/random.h"
#include "engine/tensor.h"
