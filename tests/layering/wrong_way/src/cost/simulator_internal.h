// A tree for check_layering.py's own test: a private header of the cost model.
#pragma once
#include "edgeflow/cost.h"
