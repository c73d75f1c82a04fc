import Testing

/// Every verb answers `--help` with an example (issue 11), and its options parse: ArgumentParser
/// checks for clashing option names only when a debug build shows the help.
@Suite struct CommandHelpTests {
    /// The names listed under SUBCOMMANDS in a help text.
    static func subcommands(_ help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:") else { return [] }
        return help[section.upperBound...].split(separator: "\n").prefix { !$0.hasPrefix("  See") && !$0.isEmpty }
            .compactMap { line in line.hasPrefix("  ") && !line.hasPrefix("   ") ? line.split(separator: " ").first.map(String.init) : nil }
    }

    @Test func everyVerbHasHelpWithAnExample() throws {
        var verbs = Self.subcommands(try Sieve.run(["--help"]).stdout).map { [$0] }
        #expect(verbs.count >= 15)
        var checked = 0
        while let verb = verbs.popLast() {
            let help = try Sieve.run(verb + ["--help"])
            #expect(help.status == 0, "sieve \(verb.joined(separator: " ")) --help: \(help.stderr)")
            let nested = Self.subcommands(help.stdout).filter { $0 != "help" }
            if nested.isEmpty {
                #expect(help.stdout.lowercased().contains("example"), "sieve \(verb.joined(separator: " ")) --help has no example")
                checked += 1
            }
            verbs += nested.map { verb + [$0] }
        }
        #expect(checked >= 20)
    }
}
