import OmicsPreprocessing
import Testing

@Suite struct OmicsPreprocessingModuleTests {
  @Test func moduleLinks() { #expect(String(describing: OmicsPreprocessing.self) == "OmicsPreprocessing") }
}
