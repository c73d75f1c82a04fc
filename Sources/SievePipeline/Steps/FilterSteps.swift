import SieveCore
import SieveFilters
import SieveIO

/// Steps of SieveFilters: quality, repetition and blocklist filters. Keys and defaults are
/// datatrove 0.10's constructor arguments (docs/filters.md).
let filterSteps: [StepDefinition] = [
    .filter(name: "gopher_quality", summary: "Gopher quality rules (word counts and lengths, symbols, bullets, stop words)",
            keys: ["min_doc_words", "max_doc_words", "min_avg_word_length", "max_avg_word_length", "max_symbol_word_ratio",
                   "max_bullet_lines_ratio", "max_ellipsis_lines_ratio", "max_non_alpha_words_ratio", "min_stop_words",
                   "stop_words", "language"]) { p, _ in
        var f = GopherQualityFilter(language: try p.string("language", default: "en"),
                                    stopWords: try p.strings("stop_words") ?? GopherQualityFilter.defaultStopWords)
        f.minDocWords = try p.int("min_doc_words", default: f.minDocWords, range: 0...Int.max)
        f.maxDocWords = try p.int("max_doc_words", default: f.maxDocWords, range: 0...Int.max)
        f.minAvgWordLength = try p.double("min_avg_word_length", default: f.minAvgWordLength, range: 0...1e9)
        f.maxAvgWordLength = try p.double("max_avg_word_length", default: f.maxAvgWordLength, range: 0...1e9)
        f.maxSymbolWordRatio = try p.double("max_symbol_word_ratio", default: f.maxSymbolWordRatio, range: 0...1e9)
        f.maxBulletLinesRatio = try p.double("max_bullet_lines_ratio", default: f.maxBulletLinesRatio, range: 0...1)
        f.maxEllipsisLinesRatio = try p.double("max_ellipsis_lines_ratio", default: f.maxEllipsisLinesRatio, range: 0...1)
        f.maxNonAlphaWordsRatio = try p.double("max_non_alpha_words_ratio", default: f.maxNonAlphaWordsRatio, range: 0...1)
        f.minStopWords = try p.int("min_stop_words", default: f.minStopWords, range: 0...Int.max)
        return f
    },
    .filter(name: "gopher_repetition", summary: "Gopher repetition rules (duplicate lines, paragraphs and n-grams)",
            keys: ["dup_line_frac", "dup_para_frac", "dup_line_char_frac", "dup_para_char_frac", "top_n_grams", "dup_n_grams",
                   "language"]) { p, _ in
        var f = GopherRepetitionFilter(language: try p.string("language", default: "en"))
        f.topNGrams = try nGramThresholds(&p, "top_n_grams") ?? f.topNGrams
        f.duplicateNGrams = try nGramThresholds(&p, "dup_n_grams") ?? f.duplicateNGrams
        f.dupLineFraction = try p.double("dup_line_frac", default: f.dupLineFraction, range: 0...1)
        f.dupParagraphFraction = try p.double("dup_para_frac", default: f.dupParagraphFraction, range: 0...1)
        f.dupLineCharFraction = try p.double("dup_line_char_frac", default: f.dupLineCharFraction, range: 0...1)
        f.dupParagraphCharFraction = try p.double("dup_para_char_frac", default: f.dupParagraphCharFraction, range: 0...1)
        return f
    },
    .filter(name: "c4_quality", summary: "C4 line and page rules (terminal punctuation, short lines, javascript, policies, curly brackets)",
            keys: ["remove_citations", "filter_no_terminal_punct", "min_num_sentences", "min_words_per_line", "max_word_length",
                   "filter_lorem_ipsum", "filter_javascript", "filter_curly_bracket", "filter_policy", "language"]) { p, _ in
        var f = C4QualityFilter(language: try p.string("language", default: "en"))
        f.removeCitations = try p.bool("remove_citations", default: f.removeCitations)
        f.filterNoTerminalPunctuation = try p.bool("filter_no_terminal_punct", default: f.filterNoTerminalPunctuation)
        f.minSentences = try p.int("min_num_sentences", default: f.minSentences, range: -1...Int.max)
        f.minWordsPerLine = try p.int("min_words_per_line", default: f.minWordsPerLine, range: -1...Int.max)
        f.maxWordLength = try p.int("max_word_length", default: f.maxWordLength, range: -1...Int.max)
        f.filterLoremIpsum = try p.bool("filter_lorem_ipsum", default: f.filterLoremIpsum)
        f.filterJavascript = try p.bool("filter_javascript", default: f.filterJavascript)
        f.filterCurlyBracket = try p.bool("filter_curly_bracket", default: f.filterCurlyBracket)
        f.filterPolicy = try p.bool("filter_policy", default: f.filterPolicy)
        return f
    },
    .filter(name: "c4_paragraph", summary: "mC4 paragraph rule (three lines of 200+ characters)",
            keys: ["min_paragraphs", "min_paragraph_len"]) { p, _ in
        C4ParagraphFilter(minParagraphs: try p.int("min_paragraphs", default: 3, range: 1...Int.max),
                          minParagraphLength: try p.int("min_paragraph_len", default: 200, range: 0...Int.max))
    },
    .filter(name: "c4_badwords", summary: "C4 bad-words rule (LDNOOBW lists, 28 languages)",
            keys: ["lists", "keep_fraction", "seed", "default_language"]) { p, _ in
        let lists = try p.string("lists", default: "filters/badwords")
        var f = try LoadedResources.shared(lists) { try C4BadWordsFilter(directory: lists) }
        f.keepFraction = try p.double("keep_fraction", default: 0, range: 0...1)
        f.seed = UInt64(try p.int("seed", default: 0, range: 0...Int.max))
        f.defaultLanguage = try p.string("default_language", default: "en")
        return f
    },
    .filter(name: "fineweb_quality", summary: "FineWeb rules (line punctuation, short lines, duplicate lines, list-like pages)",
            keys: ["line_punct_thr", "line_punct_exclude_zero", "short_line_thr", "short_line_length", "char_duplicates_ratio",
                   "new_line_ratio", "language"]) { p, _ in
        var f = FineWebQualityFilter(language: try p.string("language", default: "en"))
        f.linePunctuationThreshold = try p.double("line_punct_thr", default: f.linePunctuationThreshold, range: 0...1)
        f.linePunctuationExcludeZero = try p.bool("line_punct_exclude_zero", default: f.linePunctuationExcludeZero)
        f.shortLineThreshold = try p.double("short_line_thr", default: f.shortLineThreshold, range: 0...1)
        f.shortLineLength = try p.int("short_line_length", default: f.shortLineLength, range: 0...Int.max)
        f.charDuplicatesRatio = try p.double("char_duplicates_ratio", default: f.charDuplicatesRatio, range: 0...1)
        f.newLineRatio = try p.double("new_line_ratio", default: f.newLineRatio, range: 0...1e9)
        return f
    },
    .filter(name: "url", summary: "FineWeb URL rules (adult domain and URL lists, banned words and sub-words)",
            keys: ["lists", "use_integrated_lists", "soft_word_threshold", "extra_domains", "extra_urls", "banned_words",
                   "banned_subwords", "soft_banned_words"]) { p, context in
        let directory = try p.string("lists", default: "filters/url")
        var lists = URLFilter.Lists()
        if try p.bool("use_integrated_lists", default: true) {
            if context.isChecking {
                try URLFilter.Lists.checkReadable(directory: directory)
            } else {
                lists = try LoadedResources.shared(directory) { try URLFilter.Lists(directory: directory) }
            }
        }
        if let extra = try p.strings("extra_domains") { lists.domains.formUnion(HashedLineSet(extra)) }
        if let extra = try p.strings("extra_urls") { lists.urls.formUnion(HashedLineSet(extra)) }
        lists.bannedWords += try p.strings("banned_words") ?? []
        lists.bannedSubwords += try p.strings("banned_subwords") ?? []
        lists.softBannedWords += try p.strings("soft_banned_words") ?? []
        let suffixes = PublicSuffixList(text: try FileSystem.readText(directory + "/public_suffix_list.dat"))
        return URLFilter(lists: lists, suffixes: suffixes,
                         softWordThreshold: try p.int("soft_word_threshold", default: 2, range: 1...Int.max))
    },
    .filter(name: "length", summary: "length bounds in characters and words",
            keys: ["min_length", "max_length", "min_words", "max_words", "language"]) { p, _ in
        LengthFilter(minLength: try p.int("min_length", default: 0, range: 0...Int.max),
                     maxLength: try p.int("max_length", default: 0, range: 0...Int.max),
                     minWords: try p.int("min_words", default: 0, range: 0...Int.max),
                     maxWords: try p.int("max_words", default: 0, range: 0...Int.max),
                     language: try p.string("language", default: "en"))
    },
    .filter(name: "regex", summary: "drop documents a regular expression matches", keys: ["regex_exp"]) { p, _ in
        let pattern = try p.requiredString("regex_exp")
        do { return try RegexFilter(pattern: pattern) } catch {
            throw p.location.error(key: "regex_exp", "'\(pattern)' is not a regular expression: \(error)")
        }
    },
    .filter(name: "unigram_logprob", summary: "mean unigram log-probability above a threshold (peS2o)",
            keys: ["frequencies", "logprobs_threshold", "language"]) { p, _ in
        try UnigramLogProbFilter(frequencies: try p.requiredString("frequencies"),
                                 threshold: try p.double("logprobs_threshold", default: -10),
                                 language: try p.string("language", default: "en"))
    },
]

/// `n:fraction` pairs (`[2:0.2, 3:0.18]` or `2:0.2,3:0.18`), datatrove's `((2, 0.2), (3, 0.18))`.
private func nGramThresholds(_ p: inout StepParams, _ key: String) throws -> [(n: Int, fraction: Double)]? {
    try p.strings(key)?.map { pair in
        let parts = pair.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[0]), n > 0, let fraction = Double(parts[1]) else {
            throw p.location.error(key: key, "'\(pair)' is not n:fraction, such as 2:0.2")
        }
        return (n, fraction)
    }
}
