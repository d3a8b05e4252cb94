# Sanitizer run-time settings of the ASan + UBSan build (EDGEFLOW_SANITIZE=ON):
# sourced by tests/sanitize/run.sh; source it yourself to run build-asan/
# binaries by hand. Every report is an error (UBSan halts too); the
# suppressions files name code that is not ours, with a reason per line.
_ef_supp="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1:suppressions=$_ef_supp/asan.supp"
export LSAN_OPTIONS="suppressions=$_ef_supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$_ef_supp/ubsan.supp"
unset _ef_supp
