// zlib: streaming inflate with a cap on the output (see BoundedInflate.swift).
#include <zlib.h>
