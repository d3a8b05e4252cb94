// A tree for check_layering.py's own test: the cost model's header.
#pragma once
#include "edgeflow/ir.h"
