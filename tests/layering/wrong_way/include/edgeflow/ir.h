// A tree for check_layering.py's own test: the IR's header.
#pragma once
