// Built only by the test layering.build_refuses_wrong_direction: a source of
// the IR module that includes the cost model's header. The module build must
// refuse it (the IR sees only its own headers).
#include "edgeflow/cost.h"
