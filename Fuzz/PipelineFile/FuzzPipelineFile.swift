import FuzzSupport
import SievePipeline

/// libFuzzer target: the pipeline-file parser (Yams' composer, the top-level keys, the input
/// format and its typed keys, step names and their parameter trees, `slurm:`). Steps are not
/// built (`validate: false`): building `url` or a model step loads lists and models, 40 s in an
/// instrumented debug build; the seeded harness (`FuzzTests.pipelineFiles`) builds light steps.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PipelineSpec.parse(text, file: repositoryRoot + "/pipelines/fuzz.yaml", validate: false)
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
