#include <archive.h>
#include <archive_entry.h>

/// `AE_IFREG` and friends are macros, which Swift does not import.
static inline int sieve_archive_entry_is_regular(struct archive_entry *e) {
    return archive_entry_filetype(e) == AE_IFREG;
}
