#include "sieve_icu.h"

#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

static const UNormalizer2 *normalizer(int form, UErrorCode *status) {
    switch (form) {
    case SIEVE_NFD: return unorm2_getNFDInstance(status);
    case SIEVE_NFKC: return unorm2_getNFKCInstance(status);
    case SIEVE_NFKD: return unorm2_getNFKDInstance(status);
    default: return unorm2_getNFCInstance(status);
    }
}

/* UTF-8 to a freshly allocated UTF-16 buffer; *length receives its length. */
static UChar *to_utf16(const uint8_t *src, size_t src_length, int32_t *length, UErrorCode *status) {
    int32_t capacity = (int32_t)src_length + 1;
    UChar *buffer = malloc(sizeof(UChar) * (size_t)capacity);
    if (!buffer) { *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    u_strFromUTF8WithSub(buffer, capacity, length, (const char *)src, (int32_t)src_length, 0xFFFD, NULL, status);
    return buffer;
}

int64_t sieve_icu_normalize(int form, const uint8_t *src, size_t src_length, uint8_t *dst, size_t dst_capacity) {
    if (src_length > INT32_MAX / 4) return -1;
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = normalizer(form, &status);
    if (U_FAILURE(status)) return -1;

    int32_t utf16_length = 0;
    UChar *utf16 = to_utf16(src, src_length, &utf16_length, &status);
    if (U_FAILURE(status)) { free(utf16); return -1; }

    int32_t capacity = utf16_length + 16;
    UChar *normalized = malloc(sizeof(UChar) * (size_t)capacity);
    int32_t normalized_length = unorm2_normalize(n, utf16, utf16_length, normalized, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        status = U_ZERO_ERROR;
        free(normalized);
        capacity = normalized_length;
        normalized = malloc(sizeof(UChar) * (size_t)capacity);
        normalized_length = unorm2_normalize(n, utf16, utf16_length, normalized, capacity, &status);
    }
    free(utf16);
    if (U_FAILURE(status)) { free(normalized); return -1; }

    int32_t utf8_length = 0;
    u_strToUTF8WithSub((char *)dst, (int32_t)(dst_capacity > INT32_MAX ? INT32_MAX : dst_capacity), &utf8_length,
                       normalized, normalized_length, 0xFFFD, NULL, &status);
    free(normalized);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING || U_SUCCESS(status)) {
        return utf8_length;
    }
    return -1;
}

const char *sieve_icu_version(void) { return U_ICU_VERSION; }

/* ---- charsets (readers) ---- */
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

int64_t sieve_icu_to_utf8(const char *charset, const uint8_t *src, size_t src_length, uint8_t *dst, size_t dst_capacity) {
    if (src_length > INT32_MAX || dst_capacity > INT32_MAX) return -1;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = ucnv_convert("UTF-8", charset, (char *)dst, (int32_t)dst_capacity, (const char *)src,
                             (int32_t)src_length, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING || U_SUCCESS(status)) return n;
    return -1;
}

int sieve_icu_charset_name(const char *label, char *name, size_t name_capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter *c = ucnv_open(label, &status);
    if (U_FAILURE(status) || !c) return -1;
    const char *canonical = ucnv_getName(c, &status);
    int ok = U_SUCCESS(status) && canonical && strlen(canonical) < name_capacity;
    if (ok) strcpy(name, canonical);
    ucnv_close(c);
    return ok ? 0 : -1;
}

int sieve_icu_detect_charset(const uint8_t *src, size_t src_length, char *name, size_t name_capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&status);
    if (U_FAILURE(status)) return -1;
    int32_t length = src_length > INT32_MAX ? INT32_MAX : (int32_t)src_length;
    ucsdet_setText(d, (const char *)src, length, &status);
    ucsdet_enableInputFilter(d, 1);
    const UCharsetMatch *m = ucsdet_detect(d, &status);
    int confidence = -1;
    if (U_SUCCESS(status) && m) {
        const char *found = ucsdet_getName(m, &status);
        int32_t c = ucsdet_getConfidence(m, &status);
        if (U_SUCCESS(status) && found && strlen(found) < name_capacity) {
            strcpy(name, found);
            confidence = c;
        }
    }
    ucsdet_close(d);
    return confidence;
}

/* ---- word breaks (filters) ---- */
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

/* One word-break iterator per thread, reopened only when the locale changes. */
static _Thread_local UBreakIterator *word_iterator = NULL;
static _Thread_local char word_locale[32] = "";

int64_t sieve_icu_word_breaks(const char *locale, const uint8_t *src, size_t src_length,
                              int32_t *bounds, int32_t *status, size_t capacity) {
    if (src_length > INT32_MAX) return -1;
    UErrorCode error = U_ZERO_ERROR;
    if (!word_iterator || strncmp(word_locale, locale, sizeof word_locale) != 0) {
        if (word_iterator) ubrk_close(word_iterator);
        word_iterator = ubrk_open(UBRK_WORD, locale, NULL, 0, &error);
        if (U_FAILURE(error)) { word_iterator = NULL; return -1; }
        strncpy(word_locale, locale, sizeof word_locale - 1);
    }
    UText text = UTEXT_INITIALIZER;
    utext_openUTF8(&text, (const char *)src, (int64_t)src_length, &error);
    ubrk_setUText(word_iterator, &text, &error);
    if (U_FAILURE(error)) { utext_close(&text); return -1; }
    int64_t count = 0;
    for (int32_t b = ubrk_next(word_iterator); b != UBRK_DONE; b = ubrk_next(word_iterator)) {
        if ((size_t)count < capacity) {
            bounds[count] = b;
            status[count] = ubrk_getRuleStatus(word_iterator);
        }
        count++;
    }
    utext_close(&text);
    return count;
}
