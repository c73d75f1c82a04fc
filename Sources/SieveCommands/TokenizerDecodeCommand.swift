import ArgumentParser
import SieveCore
import SieveTokenizer

struct TokenizerDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Turn token ids (from standard input or arguments, separated by spaces, commas or lines) back into text.",
        discussion: """
            Example: sieve generate --checkpoint runs/web/pretrain --max-tokens 50 | sieve tokenizer decode --tokenizer runs/web/tokenizer/tokenizer.json
            """)

    @Option(help: "The tokenizer.json the ids come from.") var tokenizer: String
    @Argument(help: "Token ids (default: read standard input).") var ids: [String] = []

    func run() throws {
        let loaded = try Tokenizer.load(tokenizer)
        var text = ids.joined(separator: " ")
        if ids.isEmpty { while let line = readLine(strippingNewline: false) { text += line } }
        let tokens = try text.split(whereSeparator: { $0 == " " || $0 == "," || $0.isNewline }).map { part -> UInt32 in
            guard let id = UInt32(part), Int(id) < loaded.vocabSize else {
                throw SieveError.usage("sieve tokenizer decode: '\(part)' is not a token id below \(loaded.vocabSize) of \(tokenizer)")
            }
            return id
        }
        print(loaded.decodeText(tokens))
    }
}
