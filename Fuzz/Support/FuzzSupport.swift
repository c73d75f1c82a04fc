#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Shared pieces of the libFuzzer targets (`Fuzz/*/`, built and run by `scripts/fuzz`;
/// docs/reliability.md). Each target is an executable whose entry point hands its
/// `LLVMFuzzerTestOneInput`-style callback to libFuzzer's driver (`runFuzzer`).

/// libFuzzer's driver (compiler-rt `FuzzerDriver.cpp`, LLVM ≥ 11): parses libFuzzer's flags,
/// then calls `callback` with each input. `-sanitize=fuzzer` links it in.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer on `target` with the process's arguments, then exits. Warnings about skipped
/// input are off: every mutant would print some.
public func runFuzzer(_ target: FuzzTarget) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(Log.$warnings.withValue(false) { LLVMFuzzerRunDriver(&argc, &argv, target) })
}

/// The fuzzer's input as a `ByteStream`, handed out in reads of 1 MiB, 7 bytes and 4 KiB in
/// turn (so readers see records split across reads).
public final class FuzzInput: ByteStream {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private var turn = 0

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) { bytes = UnsafeRawBufferPointer(start: data, count: size) }

    public var all: UnsafeRawBufferPointer { bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        turn += 1
        let n = min(buffer.count, bytes.count - offset, [1 << 20, 7, 4096][turn % 3])
        guard n > 0 else { return 0 }
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
        offset += n
        return n
    }
}

/// The repository root (the tokenizer target loads its vocabulary from `fixtures/`).
public let repositoryRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Fuzz/Support/FuzzSupport.swift
    return parts.joined(separator: "/")
}()
