// Algorithm switches of the oneDNN conv kernel (src/kernels/conv.cpp).
#pragma once

namespace edgeflow::kernels {

// Whether 3x3 stride-1 convs may run as Winograd (F(2x2, 3x3) or F(4x4, 3x3)).
// On unless the environment has EDGEFLOW_WINOGRAD=0 or set_conv_winograd(false)
// was called.
bool conv_winograd();

// Overrides the environment for kernels made from now on (tests, tools).
void set_conv_winograd(bool on);

}  // namespace edgeflow::kernels
