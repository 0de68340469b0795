import FuzzDriver

/// The process's entry (see FuzzDriver).
@_cdecl("FuzzProtocolLoader_main")
func FuzzProtocolLoaderEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
