import Testing
@testable import OmicsNN

@Suite struct OmicsNNSmokeTests {
  @Test func versionIsSet() {
    #expect(!OmicsNN.version.isEmpty)
  }
}
