import ArgumentParser
import SieveCore
import SieveIO
import SieveTokenizer

struct TokenizerEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Print the token ids of each JSONL document, one line of space-separated ids per document.",
        discussion: """
            Example: sieve read jsonl docs.jsonl.gz | sieve tokenizer encode --tokenizer tokenizer.json > ids.txt
            """)

    @Argument(help: "JSONL inputs (standard input when none).") var inputs: [String] = []
    @Option(help: "tokenizer.json to encode with.") var tokenizer: String
    @Flag(help: "Match added tokens such as <|endoftext|> written in the text (as tokenizers' encode does).") var allowSpecial = false

    func run() throws {
        var encoder = Encoder(try Tokenizer.load(tokenizer))
        var stats = StageStats(name: "encode")
        var ids: [UInt32] = []
        var line = ""
        for path in try InputPaths.expand(inputs.isEmpty ? ["-"] : inputs) {
            try JSONLReader().read(path, stats: &stats) { doc in
                ids.removeAll(keepingCapacity: true)
                var text = doc.text
                text.withUTF8 { encoder.encode(UnsafeRawBufferPointer($0), into: &ids, allowSpecial: allowSpecial) }
                line = ids.map(String.init).joined(separator: " ")
                print(line)
            }
        }
    }
}
