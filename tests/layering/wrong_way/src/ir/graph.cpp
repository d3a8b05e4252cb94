// A tree for check_layering.py's own test: the IR reaching up into the cost
// model (a wrong-direction include) and into its private header.
#include "cost/simulator_internal.h"
#include "edgeflow/cost.h"
#include "edgeflow/ir.h"
