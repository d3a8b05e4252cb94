// Algorithm switches of the oneDNN conv kernel (src/kernels/conv.cpp).
#pragma once

namespace edgeflow::kernels {

// Where 3x3 stride-1 convs run as Winograd (F(2x2, 3x3) or F(4x4, 3x3)):
//   kMeasured (the default): a candidate (enough rows and channels, a shape
//     oneDNN has Winograd for) takes it if it ran faster than direct
//     convolution when its kernel was made; one measurement per geometry;
//   kAlways: every candidate (EDGEFLOW_WINOGRAD=1; tests);
//   kOff: none (EDGEFLOW_WINOGRAD=0).
enum class WinogradMode { kOff = 0, kMeasured = 1, kAlways = 2 };

WinogradMode winograd_mode();

// Overrides the environment for kernels made from now on (tests, tools).
void set_winograd_mode(WinogradMode mode);

}  // namespace edgeflow::kernels
