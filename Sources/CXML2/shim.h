/* Debian's libxml2 headers pull in ICU's; Foundation carries another ICU and the two clash
   ("'UErrorCode' has different definitions"). Sieve never uses libxml2's ICU hooks. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/parser.h>

/// `xmlFree` is a global function pointer, which Swift 6 concurrency checking rejects.
static inline void sieve_xmlFree(void *p) { xmlFree(p); }
