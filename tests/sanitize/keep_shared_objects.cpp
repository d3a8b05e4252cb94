// Sanitizer builds only (EDGEFLOW_SANITIZE=ON links this into every
// executable): shared objects are never unloaded. LeakSanitizer symbolizes the
// stacks of leaks at exit, after MPI_Finalize has dlclose()d Open MPI's
// components, whose frames would then read "<unknown module>" that no line of
// lsan.supp can name; and memory their globals still point to would be
// reported as leaked. Defined in the executable (and exported), this dlclose
// takes the place of libc's for every library in the process.
extern "C" int dlclose(void*) { return 0; }
