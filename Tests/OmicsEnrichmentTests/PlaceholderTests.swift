import OmicsEnrichment
import Testing

@Suite struct OmicsEnrichmentModuleTests {
  @Test func moduleLinks() { #expect(String(describing: OmicsEnrichment.self) == "OmicsEnrichment") }
}
