import ArgumentParser
import SievePipeline

struct StepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "List the steps and input formats a pipeline file can name, with their keys.",
        discussion: "Example: sieve steps | grep -A3 dedup_minhash")

    func run() throws {
        print("input formats:")
        for format in Registry.inputs.values.sorted(by: { $0.name < $1.name }) {
            print("  \(format.name): \(format.summary)  [keys: format, paths\(format.keys.map { ", " + $0 }.joined())]")
        }
        print("steps:")
        for step in Registry.steps.values.sorted(by: { $0.name < $1.name }) {
            print("  \(step.name): \(step.summary)  [keys: \(step.keys.joined(separator: ", "))]")
        }
    }
}
