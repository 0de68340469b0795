import FuzzDriver

/// The process's entry (see FuzzDriver).
@_cdecl("FuzzKeyInput_main")
func FuzzKeyInputEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
