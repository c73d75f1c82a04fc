import FuzzSupport
import SievePipeline

/// libFuzzer target: the pipeline-file parser (Yams, the registry, every step built once to
/// check its typed keys; lists and models a step loads are loaded once per process).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PipelineSpec.parse(text, file: repositoryRoot + "/pipelines/fuzz.yaml")
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
