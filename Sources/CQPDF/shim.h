// qpdf's C API (qpdf-c.h): the PDF library behind OverdueDocuments.
#include <qpdf/qpdf-c.h>
