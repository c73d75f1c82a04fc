#ifndef SIEVE_ICU_H
#define SIEVE_ICU_H
/*
 * Sieve's bridge to ICU, in plain C.
 *
 * Why C: Foundation on Linux carries its own copy of ICU (76) while Debian ships ICU 72. A Swift
 * module that sees both Foundation and the system ICU headers fails to build ("'UErrorCode' has
 * different definitions in different modules"), sometimes only on clean builds; `internal
 * import` and `@_implementationOnly` do not help. So this header exposes only stdint/size_t
 * types, the implementation (sieve_icu.c) is compiled as C against the system ICU, and Swift
 * calls it through SieveText/ICU.swift, the one Swift file that imports this module.
 */
#include <stddef.h>
#include <stdint.h>

/* Unicode normalization forms (UAX #15). */
enum { SIEVE_NFC = 0, SIEVE_NFD = 1, SIEVE_NFKC = 2, SIEVE_NFKD = 3 };

/*
 * Normalizes UTF-8 `src` (invalid sequences become U+FFFD) into `dst`.
 * Returns the number of bytes the result needs: if it is larger than `dst_capacity`, nothing
 * useful was written and the caller retries with a larger buffer. Returns -1 on an ICU error.
 */
int64_t sieve_icu_normalize(int form, const uint8_t *src, size_t src_length, uint8_t *dst, size_t dst_capacity);

/* The ICU version this was built against, e.g. "72.1". */
const char *sieve_icu_version(void);

/* ---- charsets (readers) ---- */

/*
 * Converts `src` in `charset` (any label ICU knows) to UTF-8 in `dst`; malformed bytes become
 * U+FFFD. Returns the bytes the result needs (retry with a larger `dst` if it exceeds
 * `dst_capacity`), or -1 for an unknown charset or an ICU error.
 */
int64_t sieve_icu_to_utf8(const char *charset, const uint8_t *src, size_t src_length, uint8_t *dst, size_t dst_capacity);

/* ICU's canonical name for a charset label into `name` (NUL-terminated); 0, or -1 if unknown. */
int sieve_icu_charset_name(const char *label, char *name, size_t name_capacity);

/*
 * Guesses the charset of `src` with ICU's detector (markup filtered out) into `name`.
 * Returns the confidence 0...100, or -1 if nothing was detected.
 */
int sieve_icu_detect_charset(const uint8_t *src, size_t src_length, char *name, size_t name_capacity);

/* ---- word breaks (filters) ---- */

/*
 * Word boundaries (UAX #29, with ICU's dictionaries for Chinese, Japanese, Thai, ...) of UTF-8
 * `src` under `locale` (e.g. "en", "" for the root rules). Writes the UTF-8 byte offset of
 * every boundary after 0, in order, into `bounds` (the last is `src_length`), and the ICU rule
 * status of the segment ending there into `status` (0-99 none/punctuation/space, 100-199 number,
 * 200-299 letter, 300-399 kana, 400-499 ideographic). Returns the number of boundaries: if it is
 * larger than `capacity`, only the first `capacity` were written and the caller retries with
 * larger buffers. Returns -1 on an ICU error. Each thread keeps its own iterator.
 */
int64_t sieve_icu_word_breaks(const char *locale, const uint8_t *src, size_t src_length,
                              int32_t *bounds, int32_t *status, size_t capacity);

#endif
