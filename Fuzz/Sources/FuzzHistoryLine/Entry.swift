import FuzzDriver

/// The process's entry (see FuzzDriver).
@_cdecl("FuzzHistoryLine_main")
func FuzzHistoryLineEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
