import FuzzDriver

/// The process's entry (see FuzzDriver).
@_cdecl("FuzzConfiguration_main")
func FuzzConfigurationEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
